/* test_tlsagen.c: TLSA records from certificates and keys, checked against
 * digests computed here and cross-checked with GnuTLS's danetool. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "dance/tlsagen.h"
#include "fixtures.h"
#include "suites.h"

#define KEY_TYPES    3
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* SHA-256 and SHA-512 of "abc" (FIPS 180-2 test vectors). */
#define ABC_SHA256                                                             \
	"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
#define ABC_SHA512                                                             \
	"DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A"     \
	"2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F"

static const char *const key_names[KEY_TYPES] = {"RSA", "ECDSA", "Ed25519"};

typedef struct gen_fixtures {
	fx_key_t *keys[KEY_TYPES];
	fx_cert_t *certs[KEY_TYPES];
} gen_fixtures_t;

/* Made by the first test that needs them (fixtures assert inside a test),
 * freed by the suite cleanup. */
static gen_fixtures_t fixtures;

static gen_fixtures_t *need_fixtures(void)
{
	static const fx_keytype_t types[KEY_TYPES] = {FX_RSA, FX_ECDSA,
	                                              FX_ED25519};
	fx_cert_spec_t spec = {.cn = "ns2", .san_dns = {"ns2.example.net"}};
	for (int i = 0; i < KEY_TYPES; i++) {
		if (fixtures.keys[i] == NULL) {
			fixtures.keys[i] = fx_key_new(types[i]);
		}
		if (fixtures.certs[i] == NULL) {
			fixtures.certs[i] = fx_cert_new(fixtures.keys[i], &spec,
			                                NULL, NULL);
		}
	}
	return &fixtures;
}

static int free_fixtures(void)
{
	for (int i = 0; i < KEY_TYPES; i++) {
		fx_cert_free(fixtures.certs[i]);
		fx_key_free(fixtures.keys[i]);
	}
	memset(&fixtures, 0, sizeof(fixtures));
	return 0;
}

static void assert_reason(const dance_error_t *err, const char *needle)
{
	int found = strstr(err->reason, needle) != NULL;
	CU_ASSERT_TRUE(found);
	if (!found) {
		fprintf(stderr, "\nreason \"%s\" lacks \"%s\"\n", err->reason,
		        needle);
	}
}

/* Upper-case hex of t's data (malloc'ed). */
static char *record_hex(const dance_tlsa_t *t)
{
	gnutls_datum_t in = {t->data, (unsigned)t->data_len};
	gnutls_datum_t hex = {NULL, 0};
	if (gnutls_hex_encode2(&in, &hex) < 0) {
		return NULL;
	}
	char *out = malloc(hex.size + 1);
	if (out != NULL) {
		for (unsigned i = 0; i < hex.size; i++) {
			out[i] = (char)toupper(hex.data[i]);
		}
		out[hex.size] = '\0';
	}
	gnutls_free(hex.data);
	return out;
}

/* The SPKI of a certificate, exported here (gnutls_free it). */
static void cert_spki(const fx_cert_t *cert, gnutls_datum_t *spki)
{
	gnutls_pubkey_t pub = NULL;
	CU_ASSERT_EQUAL_FATAL(gnutls_pubkey_init(&pub), 0);
	CU_ASSERT_EQUAL(gnutls_pubkey_import_x509(pub, cert->crt, 0), 0);
	CU_ASSERT_EQUAL(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, spki),
	                0);
	gnutls_pubkey_deinit(pub);
}

/* Asserts that t holds object as mtype says: a copy or its digest. */
static void expect_data(const gnutls_datum_t *object, uint8_t mtype,
                        const dance_tlsa_t *t)
{
	unsigned char digest[64];
	if (mtype == DANCE_MTYPE_FULL) {
		CU_ASSERT_EQUAL_FATAL(t->data_len, object->size);
		CU_ASSERT_EQUAL(memcmp(t->data, object->data, object->size), 0);
		return;
	}
	gnutls_digest_algorithm_t alg = mtype == DANCE_MTYPE_SHA256
	                                        ? GNUTLS_DIG_SHA256
	                                        : GNUTLS_DIG_SHA512;
	CU_ASSERT_EQUAL_FATAL(
	        gnutls_hash_fast(alg, object->data, object->size, digest), 0);
	CU_ASSERT_EQUAL_FATAL(t->data_len, gnutls_hash_get_len(alg));
	CU_ASSERT_EQUAL(memcmp(t->data, digest, t->data_len), 0);
}

static void test_from_cert_all_types(void)
{
	gen_fixtures_t *fx = need_fixtures();
	for (int k = 0; k < KEY_TYPES; k++) {
		gnutls_datum_t spki = {NULL, 0};
		cert_spki(fx->certs[k], &spki);
		/* The cert's SPKI is the key's SPKI. */
		CU_ASSERT_EQUAL(spki.size, fx->keys[k]->spki.size);
		CU_ASSERT_EQUAL(
		        memcmp(spki.data, fx->keys[k]->spki.data, spki.size),
		        0);
		for (uint8_t sel = 0; sel <= 1; sel++) {
			for (uint8_t mt = 0; mt <= 2; mt++) {
				dance_tlsa_t t;
				dance_error_t err;
				dance_code_t rc = dance_tlsa_from_cert(
				        &fx->certs[k]->der, 3, sel, mt, &t,
				        &err);
				CU_ASSERT_EQUAL(rc, DANCE_OK);
				if (rc != DANCE_OK) {
					fprintf(stderr, "\n%s %u %u: %s\n",
					        key_names[k], sel, mt,
					        err.reason);
					continue;
				}
				CU_ASSERT_EQUAL(t.usage, 3);
				CU_ASSERT_EQUAL(t.selector, sel);
				CU_ASSERT_EQUAL(t.mtype, mt);
				expect_data(sel == 0 ? &fx->certs[k]->der
				                     : &spki,
				            mt, &t);
				dance_tlsa_clear(&t);
			}
		}
		gnutls_free(spki.data);
	}
}

static void test_from_cert_usage_kept(void)
{
	gen_fixtures_t *fx = need_fixtures();
	static const uint8_t usages[] = {0, 1, 2, 3, 4, 255};
	for (size_t i = 0; i < ARRAY_LEN(usages); i++) {
		dance_tlsa_t t;
		CU_ASSERT_EQUAL(dance_tlsa_from_cert(&fx->certs[1]->der,
		                                     usages[i], 1, 1, &t, NULL),
		                DANCE_OK);
		CU_ASSERT_EQUAL(t.usage, usages[i]);
		dance_tlsa_clear(&t);
	}
}

static void test_keys_agree_with_cert(void)
{
	gen_fixtures_t *fx = need_fixtures();
	for (int k = 0; k < KEY_TYPES; k++) {
		for (uint8_t mt = 0; mt <= 2; mt++) {
			dance_tlsa_t from_cert, from_pub, from_priv;
			CU_ASSERT_EQUAL(dance_tlsa_from_cert(&fx->certs[k]->der,
			                                     2, 1, mt,
			                                     &from_cert, NULL),
			                DANCE_OK);
			CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(fx->keys[k]->pub,
			                                       2, 1, mt,
			                                       &from_pub, NULL),
			                DANCE_OK);
			CU_ASSERT_EQUAL(
			        dance_tlsa_from_privkey(fx->keys[k]->priv, 2, 1,
			                                mt, &from_priv, NULL),
			        DANCE_OK);
			CU_ASSERT_TRUE(dance_tlsa_equal(&from_cert, &from_pub));
			CU_ASSERT_TRUE(
			        dance_tlsa_equal(&from_cert, &from_priv));
			expect_data(&fx->keys[k]->spki, mt, &from_pub);
			dance_tlsa_clear(&from_cert);
			dance_tlsa_clear(&from_pub);
			dance_tlsa_clear(&from_priv);
		}
	}
}

/* Asserts the record of "abc" for mtype, by its canonical text. */
static void assert_abc_record(uint8_t mtype, const char *want)
{
	unsigned char abc[] = {'a', 'b', 'c'};
	gnutls_datum_t object = {abc, sizeof(abc)};
	dance_tlsa_t t;
	CU_ASSERT_EQUAL_FATAL(
	        dance_tlsa_from_object(&object, 3, 1, mtype, &t, NULL),
	        DANCE_OK);
	char *text = dance_tlsa_to_text(&t);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	dance_tlsa_clear(&t);
}

static void test_from_object(void)
{
	assert_abc_record(DANCE_MTYPE_FULL, "3 1 0 616263");
	assert_abc_record(DANCE_MTYPE_SHA256, "3 1 1 " ABC_SHA256);
	assert_abc_record(DANCE_MTYPE_SHA512, "3 1 2 " ABC_SHA512);
	unsigned char abc[] = {'a', 'b', 'c'};
	gnutls_datum_t object = {abc, sizeof(abc)};
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&object, 2, 0, 1, &t, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(t.usage, 2);
	CU_ASSERT_EQUAL(t.selector, 0);
	dance_tlsa_clear(&t);
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&object, 3, 2, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "TLSA selector 2 is not supported");
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&object, 3, 255, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "selector 255");
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&object, 3, 1, 3, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "TLSA matching type 3 is not supported");
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&object, 3, 1, 255, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "matching type 255");
	gnutls_datum_t empty = {abc, 0};
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&empty, 3, 1, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no object");
	gnutls_datum_t null_data = {NULL, 3};
	CU_ASSERT_EQUAL(dance_tlsa_from_object(&null_data, 3, 1, 0, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no object");
	CU_ASSERT_EQUAL(dance_tlsa_from_object(NULL, 3, 1, 0, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no object");
	CU_ASSERT_PTR_NULL(t.data);
}

static void test_bare_key_arguments(void)
{
	gen_fixtures_t *fx = need_fixtures();
	dance_tlsa_t t;
	dance_error_t err;
	for (int k = 0; k < KEY_TYPES; k++) {
		CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(fx->keys[k]->pub, 3, 0,
		                                       1, &t, &err),
		                DANCE_EINVAL);
		assert_reason(&err, "a bare key has no certificate: selector "
		                    "must be 1 (SPKI), not 0");
		CU_ASSERT_EQUAL(dance_tlsa_from_privkey(fx->keys[k]->priv, 3, 0,
		                                        1, &t, &err),
		                DANCE_EINVAL);
		assert_reason(&err, "selector must be 1 (SPKI), not 0");
	}
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_pubkey(fx->keys[0]->pub, 3, 255, 1, &t, &err),
	        DANCE_EINVAL);
	assert_reason(&err, "not 255");
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_pubkey(fx->keys[0]->pub, 3, 1, 3, &t, &err),
	        DANCE_EINVAL);
	assert_reason(&err, "matching type 3 is not supported");
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_privkey(fx->keys[0]->priv, 3, 1, 7, &t, &err),
	        DANCE_EINVAL);
	assert_reason(&err, "matching type 7 is not supported");
	CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(NULL, 3, 1, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no public key given");
	CU_ASSERT_EQUAL(dance_tlsa_from_privkey(NULL, 3, 1, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no private key given");
	CU_ASSERT_PTR_NULL(t.data);
}

static int refuse_to_sign(gnutls_privkey_t key, void *userdata,
                          const gnutls_datum_t *raw, gnutls_datum_t *sig)
{
	(void)key;
	(void)userdata;
	(void)raw;
	(void)sig;
	return GNUTLS_E_INVALID_REQUEST;
}

static void test_empty_keys(void)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_privkey_t priv = NULL;
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(gnutls_pubkey_init(&pub), 0);
	CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(pub, 3, 1, 1, &t, &err),
	                DANCE_ECRYPTO);
	assert_reason(&err, "cannot export the public key");
	gnutls_pubkey_deinit(pub);
	/* A key behind callbacks that give no public parameters (an empty
	 * gnutls_privkey_t would crash GnuTLS itself). */
	CU_ASSERT_EQUAL_FATAL(gnutls_privkey_init(&priv), 0);
	CU_ASSERT_EQUAL_FATAL(gnutls_privkey_import_ext2(priv, GNUTLS_PK_RSA,
	                                                 NULL, refuse_to_sign,
	                                                 NULL, NULL, 0),
	                      0);
	CU_ASSERT_EQUAL(dance_tlsa_from_privkey(priv, 3, 1, 1, &t, &err),
	                DANCE_ECRYPTO);
	assert_reason(&err, "cannot derive the public key");
	gnutls_privkey_deinit(priv);
	CU_ASSERT_PTR_NULL(t.data);
}

static void test_cert_arguments(void)
{
	gen_fixtures_t *fx = need_fixtures();
	const gnutls_datum_t *der = &fx->certs[1]->der;
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(der, 3, 1, 3, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "TLSA matching type 3 is not supported");
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(der, 3, 0, 255, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "matching type 255");
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(der, 3, 2, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "TLSA selector 2 is not supported");
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(der, 3, 255, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "selector 255");
	/* Arguments are checked before the certificate is parsed. */
	unsigned char junk[] = {0x30, 0x03, 0x01, 0x02, 0x03};
	gnutls_datum_t bad = {junk, sizeof(junk)};
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&bad, 3, 1, 9, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "matching type 9");
	for (uint8_t sel = 0; sel <= 1; sel++) {
		CU_ASSERT_EQUAL(dance_tlsa_from_cert(&bad, 3, sel, 1, &t, &err),
		                DANCE_EINVAL);
		assert_reason(&err, "certificate does not parse");
		/* A truncated real certificate. */
		gnutls_datum_t cut = {der->data, der->size - 10};
		CU_ASSERT_EQUAL(dance_tlsa_from_cert(&cut, 3, sel, 1, &t, &err),
		                DANCE_EINVAL);
		assert_reason(&err, "certificate does not parse");
		gnutls_datum_t empty = {der->data, 0};
		CU_ASSERT_EQUAL(
		        dance_tlsa_from_cert(&empty, 3, sel, 1, &t, &err),
		        DANCE_EINVAL);
		assert_reason(&err, "no certificate given");
	}
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(NULL, 3, 1, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no certificate given");
	gnutls_datum_t no_data = {NULL, 100};
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&no_data, 3, 0, 1, &t, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "no certificate given");
	CU_ASSERT_PTR_NULL(t.data);
}

static void test_rr_line(void)
{
	dance_tlsa_t t;
	CU_ASSERT_EQUAL_FATAL(dance_tlsa_from_text(&t, "3 1 0 0a0b", NULL),
	                      DANCE_OK);
	static const struct {
		const char *owner;
		uint32_t ttl;
		const char *want;
	} cases[] = {
	        {"_xfr-client.NS2.Example.NET", 3600,
	         "_xfr-client.ns2.example.net. 3600 IN TLSA 3 1 0 0A0B"},
	        {"_xfr-client.ns2.example.net.", 3600,
	         "_xfr-client.ns2.example.net. 3600 IN TLSA 3 1 0 0A0B"},
	        {"_xfr-client.ns2.example.net.", 0,
	         "_xfr-client.ns2.example.net. IN TLSA 3 1 0 0A0B"},
	        {"ns2.example.net", 4294967295u,
	         "ns2.example.net. 4294967295 IN TLSA 3 1 0 0A0B"},
	        {".", 1, ". 1 IN TLSA 3 1 0 0A0B"},
	        {"A", 60, "a. 60 IN TLSA 3 1 0 0A0B"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *line =
		        dance_tlsa_rr_line(cases[i].owner, cases[i].ttl, &t);
		CU_ASSERT_PTR_NOT_NULL(line);
		if (line != NULL) {
			CU_ASSERT_STRING_EQUAL(line, cases[i].want);
		}
		free(line);
	}
	CU_ASSERT_PTR_NULL(dance_tlsa_rr_line("", 3600, &t));
	CU_ASSERT_PTR_NULL(dance_tlsa_rr_line(NULL, 3600, &t));
	CU_ASSERT_PTR_NULL(dance_tlsa_rr_line("a.example", 3600, NULL));
	dance_tlsa_clear(&t);
}

static void test_rr_line_from_cert(void)
{
	gen_fixtures_t *fx = need_fixtures();
	unsigned char digest[32];
	CU_ASSERT_EQUAL_FATAL(gnutls_hash_fast(GNUTLS_DIG_SHA256,
	                                       fx->keys[2]->spki.data,
	                                       fx->keys[2]->spki.size, digest),
	                      0);
	dance_tlsa_t want = {3, 1, 1, digest, sizeof(digest)};
	char *hex = record_hex(&want);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hex);
	char expected[256];
	snprintf(expected, sizeof(expected),
	         "_xfr-client.ns2.example.net. 3600 IN TLSA 3 1 1 %s", hex);
	free(hex);
	dance_tlsa_t t;
	CU_ASSERT_EQUAL_FATAL(
	        dance_tlsa_from_cert(&fx->certs[2]->der, 3, 1, 1, &t, NULL),
	        DANCE_OK);
	char *line =
	        dance_tlsa_rr_line("_xfr-client.ns2.example.net", 3600, &t);
	CU_ASSERT_PTR_NOT_NULL(line);
	if (line != NULL) {
		CU_ASSERT_STRING_EQUAL(line, expected);
	}
	/* The line parses back to the same record. */
	dance_tlsa_t back;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&back, line, NULL), DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&t, &back));
	dance_tlsa_clear(&back);
	free(line);
	dance_tlsa_clear(&t);
}

/* ---- cross-check with danetool (gnutls-bin) ---- */

typedef struct danetool_rr {
	unsigned usage, selector, mtype;
	char hex[1024];
	char line[4096]; /* the whole output line */
} danetool_rr_t;

static int danetool_found(void)
{
	return system("command -v danetool >/dev/null 2>&1") == 0;
}

/* Runs "danetool --tlsa-rr" with load (e.g. --load-certificate FILE) and
 * extra flags, and reads "<owner> IN TLSA ( 03 01 01 <hex> )". 0 on
 * success; on failure danetool's output goes to stderr. */
static int danetool_run(const char *load, const char *extra, danetool_rr_t *rr)
{
	char cmd[1024], out[8192] = "";
	snprintf(cmd, sizeof(cmd),
	         "danetool --tlsa-rr %s --host h.example --port 853 --proto "
	         "tcp %s 2>&1",
	         load, extra);
	FILE *p = popen(cmd, "r");
	if (p == NULL) {
		return -1;
	}
	int found = 0;
	char line[4096];
	while (fgets(line, sizeof(line), p) != NULL) {
		const char *rdata = strstr(line, "IN TLSA (");
		if (!found && rdata != NULL &&
		    sscanf(rdata, "IN TLSA ( %x %x %x %1023[0-9a-fA-F] )",
		           &rr->usage, &rr->selector, &rr->mtype,
		           rr->hex) == 4) {
			found = 1;
			snprintf(rr->line, sizeof(rr->line), "%s", line);
		}
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	int status = pclose(p);
	if (!found || status != 0) {
		fprintf(stderr, "\n%s\n-> status %d:\n%s", cmd, status, out);
		return -1;
	}
	return 0;
}

/* Asserts that danetool's record and ours agree field by field and in the
 * hex, and that our parser reads danetool's whole line as the same. */
static void assert_same_as_danetool(const danetool_rr_t *rr,
                                    const dance_tlsa_t *ours, uint8_t selector,
                                    uint8_t mtype)
{
	CU_ASSERT_EQUAL(rr->usage, 3);
	CU_ASSERT_EQUAL(rr->selector, selector);
	CU_ASSERT_EQUAL(rr->mtype, mtype); /* danetool may fall back */
	CU_ASSERT_EQUAL(ours->selector, selector);
	CU_ASSERT_EQUAL(ours->mtype, mtype);
	char *hex = record_hex(ours);
	int same = hex != NULL && strcasecmp(hex, rr->hex) == 0;
	CU_ASSERT_TRUE(same);
	if (!same) {
		fprintf(stderr, "\nours     %s\ndanetool %s\n",
		        hex != NULL ? hex : "(none)", rr->hex);
	}
	free(hex);
	dance_tlsa_t theirs;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&theirs, rr->line, NULL),
	                DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(ours, &theirs));
	dance_tlsa_clear(&theirs);
}

/* Writes the PEM of a public key to path. 0 on success. */
static int write_pubkey_pem(gnutls_pubkey_t pub, const char *path)
{
	gnutls_datum_t pem = {NULL, 0};
	if (gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &pem) < 0) {
		return -1;
	}
	FILE *f = fopen(path, "w");
	int rc = -1;
	if (f != NULL) {
		rc = fwrite(pem.data, 1, pem.size, f) == pem.size ? 0 : -1;
		rc = fclose(f) == 0 ? rc : -1;
	}
	gnutls_free(pem.data);
	return rc;
}

static const struct {
	uint8_t selector, mtype;
	const char *flags;
} danetool_cases[] = {
        {1, 1, ""},
        {0, 1, "--x509"},
        {1, 2, "--hash sha512"},
        {0, 2, "--x509 --hash sha512"},
        {1, 1, "--hash sha256"},
};

/* Cross-checks the certificate of key type k, written under dir. */
static void cross_check_cert(const gen_fixtures_t *fx, int k, const char *dir)
{
	char pem[512], load[600];
	snprintf(pem, sizeof(pem), "%s/cert%d.pem", dir, k);
	snprintf(load, sizeof(load), "--load-certificate '%s'", pem);
	int written = fx_write_cert_pem(fx->certs[k], pem);
	CU_ASSERT_EQUAL(written, 0);
	if (written != 0) {
		return;
	}
	for (size_t c = 0; c < ARRAY_LEN(danetool_cases); c++) {
		danetool_rr_t rr;
		dance_tlsa_t ours;
		int ran = danetool_run(load, danetool_cases[c].flags, &rr);
		CU_ASSERT_EQUAL(ran, 0);
		if (ran != 0) {
			continue;
		}
		CU_ASSERT_EQUAL(dance_tlsa_from_cert(&fx->certs[k]->der, 3,
		                                     danetool_cases[c].selector,
		                                     danetool_cases[c].mtype,
		                                     &ours, NULL),
		                DANCE_OK);
		assert_same_as_danetool(&rr, &ours, danetool_cases[c].selector,
		                        danetool_cases[c].mtype);
		dance_tlsa_clear(&ours);
	}
}

/* Cross-checks the bare public key of key type k, written under dir. */
static void cross_check_pubkey(const gen_fixtures_t *fx, int k, const char *dir)
{
	char pem[512], load[600];
	snprintf(pem, sizeof(pem), "%s/pub%d.pem", dir, k);
	snprintf(load, sizeof(load), "--load-pubkey '%s'", pem);
	int written = write_pubkey_pem(fx->keys[k]->pub, pem);
	CU_ASSERT_EQUAL(written, 0);
	if (written != 0) {
		return;
	}
	for (uint8_t mt = 1; mt <= 2; mt++) {
		danetool_rr_t rr;
		dance_tlsa_t ours;
		int ran =
		        danetool_run(load, mt == 2 ? "--hash sha512" : "", &rr);
		CU_ASSERT_EQUAL(ran, 0);
		if (ran != 0) {
			continue;
		}
		CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(fx->keys[k]->pub, 3, 1,
		                                       mt, &ours, NULL),
		                DANCE_OK);
		assert_same_as_danetool(&rr, &ours, 1, mt);
		dance_tlsa_clear(&ours);
	}
}

static void test_cross_check_danetool(void)
{
	if (!danetool_found()) {
		CU_FAIL("danetool (package gnutls-bin) not found on PATH: "
		        "the cross-check cannot run");
		fprintf(stderr, "\ndanetool not found on PATH\n");
		return;
	}
	gen_fixtures_t *fx = need_fixtures();
	char *dir = fx_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	for (int k = 0; k < KEY_TYPES; k++) {
		cross_check_cert(fx, k, dir);
		cross_check_pubkey(fx, k, dir);
	}
	fx_rmtree(dir);
}

void register_tlsagen_suite(void)
{
	CU_pSuite s = CU_add_suite("tlsagen", NULL, free_fixtures);
	CU_add_test(s, "from cert: selectors x matching types x key types",
	            test_from_cert_all_types);
	CU_add_test(s, "from cert: usage stored as given",
	            test_from_cert_usage_kept);
	CU_add_test(s, "public and private key agree with cert",
	            test_keys_agree_with_cert);
	CU_add_test(s, "from raw object (known digests)", test_from_object);
	CU_add_test(s, "bare keys: bad selector and mtype",
	            test_bare_key_arguments);
	CU_add_test(s, "keys without key material", test_empty_keys);
	CU_add_test(s, "certificates: bad arguments and DER",
	            test_cert_arguments);
	CU_add_test(s, "zone-file line", test_rr_line);
	CU_add_test(s, "zone-file line of a certificate's record",
	            test_rr_line_from_cert);
	CU_add_test(s, "cross-check with danetool", test_cross_check_danetool);
}
