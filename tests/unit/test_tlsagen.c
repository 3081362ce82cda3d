/* test_tlsagen.c: TLSA records from certificates and keys, cross-checked
 * with GnuTLS's danetool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "dance/tlsagen.h"
#include "fixtures.h"
#include "suites.h"

static fx_key_t *keys[3];
static fx_cert_t *certs[3];

/* Made by the first test that needs them (fixtures assert inside a test),
 * freed by the suite cleanup. */
static void need_fixtures(void)
{
	static const fx_keytype_t types[3] = {FX_RSA, FX_ECDSA, FX_ED25519};
	fx_cert_spec_t spec = {.cn = "ns2", .san_dns = {"ns2.example.net"}};
	for (int i = 0; i < 3 && keys[i] == NULL; i++) {
		keys[i] = fx_key_new(types[i]);
		certs[i] = fx_cert_new(keys[i], &spec, NULL, NULL);
	}
}

static int teardown(void)
{
	for (int i = 0; i < 3; i++) {
		fx_cert_free(certs[i]);
		fx_key_free(keys[i]);
		certs[i] = NULL;
		keys[i] = NULL;
	}
	return 0;
}

/* Expected association data computed independently of libdance. */
static void expect_data(const gnutls_datum_t *object, uint8_t mtype,
                        const dance_tlsa_t *t)
{
	unsigned char digest[64];
	if (mtype == 0) {
		CU_ASSERT_EQUAL(t->data_len, object->size);
		CU_ASSERT_EQUAL(memcmp(t->data, object->data, object->size), 0);
		return;
	}
	gnutls_digest_algorithm_t alg =
	        mtype == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;
	gnutls_hash_fast(alg, object->data, object->size, digest);
	CU_ASSERT_EQUAL(t->data_len, gnutls_hash_get_len(alg));
	CU_ASSERT_EQUAL(memcmp(t->data, digest, t->data_len), 0);
}

static void test_from_cert_all_types(void)
{
	need_fixtures();
	for (int k = 0; k < 3; k++) {
		for (uint8_t sel = 0; sel <= 1; sel++) {
			for (uint8_t mt = 0; mt <= 2; mt++) {
				dance_tlsa_t t;
				CU_ASSERT_EQUAL_FATAL(
				        dance_tlsa_from_cert(&certs[k]->der, 3,
				                             sel, mt, &t, NULL),
				        DANCE_OK);
				CU_ASSERT_EQUAL(t.usage, 3);
				CU_ASSERT_EQUAL(t.selector, sel);
				CU_ASSERT_EQUAL(t.mtype, mt);
				expect_data(sel == 0 ? &certs[k]->der
				                     : &keys[k]->spki,
				            mt, &t);
				dance_tlsa_clear(&t);
			}
		}
	}
}

static void test_keys_agree_with_cert(void)
{
	need_fixtures();
	for (int k = 0; k < 3; k++) {
		dance_tlsa_t from_cert, from_pub, from_priv;
		CU_ASSERT_EQUAL(dance_tlsa_from_cert(&certs[k]->der, 3, 1, 1,
		                                     &from_cert, NULL),
		                DANCE_OK);
		CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(keys[k]->pub, 3, 1, 1,
		                                       &from_pub, NULL),
		                DANCE_OK);
		CU_ASSERT_EQUAL(dance_tlsa_from_privkey(keys[k]->priv, 3, 1, 1,
		                                        &from_priv, NULL),
		                DANCE_OK);
		CU_ASSERT_TRUE(dance_tlsa_equal(&from_cert, &from_pub));
		CU_ASSERT_TRUE(dance_tlsa_equal(&from_cert, &from_priv));
		dance_tlsa_clear(&from_cert);
		dance_tlsa_clear(&from_pub);
		dance_tlsa_clear(&from_priv);
	}
}

static void test_bad_arguments(void)
{
	need_fixtures();
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(keys[1]->pub, 3, 0, 1, &t, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "selector must be 1"));
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_privkey(keys[1]->priv, 3, 0, 1, &t, &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&certs[1]->der, 3, 1, 3, &t, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "matching type 3"));
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&certs[1]->der, 3, 2, 1, &t, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "selector 2"));
	unsigned char junk[] = {0x30, 0x03, 0x01, 0x02, 0x03};
	gnutls_datum_t bad = {junk, sizeof(junk)};
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&bad, 3, 0, 1, &t, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "does not parse"));
	CU_ASSERT_EQUAL(dance_tlsa_from_cert(&bad, 3, 1, 1, &t, &err),
	                DANCE_EINVAL);
}

static void test_rr_line(void)
{
	dance_tlsa_t t;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, "3 1 0 0A0b", NULL), DANCE_OK);
	char *line =
	        dance_tlsa_rr_line("_xfr-client.NS2.example.net", 3600, &t);
	CU_ASSERT_STRING_EQUAL(line, "_xfr-client.ns2.example.net. 3600 IN "
	                             "TLSA 3 1 0 0A0B");
	free(line);
	line = dance_tlsa_rr_line("_xfr-client.ns2.example.net.", 0, &t);
	CU_ASSERT_STRING_EQUAL(
	        line, "_xfr-client.ns2.example.net. IN TLSA 3 1 0 0A0B");
	free(line);
	CU_ASSERT_PTR_NULL(dance_tlsa_rr_line("", 0, &t));
	dance_tlsa_clear(&t);
}

/* Runs danetool on a PEM file and parses "( 03 01 01 hex )". */
static int danetool_rdata(const char *pem, const char *extra, dance_tlsa_t *out)
{
	char cmd[1024], line[2048];
	unsigned u, s, m;
	char hex[1100];
	snprintf(cmd, sizeof(cmd),
	         "danetool --tlsa-rr --load-certificate '%s' --host h.example "
	         "--port 853 --proto tcp %s 2>&1",
	         pem, extra);
	FILE *p = popen(cmd, "r");
	if (p == NULL) {
		return -1;
	}
	int found = 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		const char *open = strchr(line, '(');
		if (open != NULL &&
		    sscanf(open, "( %x %x %x %1099s", &u, &s, &m, hex) == 4) {
			found = 1;
			break;
		}
		fprintf(stderr, "danetool: %s", line);
	}
	int status = pclose(p);
	if (!found || status != 0) {
		return -1;
	}
	char text[1200];
	snprintf(text, sizeof(text), "%u %u %u %s", u, s, m, hex);
	return dance_tlsa_from_text(out, text, NULL) == DANCE_OK ? 0 : -1;
}

static void test_cross_check_danetool(void)
{
	need_fixtures();
	static const struct {
		uint8_t selector, mtype;
		const char *flags;
	} cases[] = {
	        {1, 1, ""},
	        {0, 1, "--x509"},
	        {1, 2, "--hash sha512"},
	        {0, 2, "--x509 --hash sha512"},
	};
	char *dir = fx_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	for (int k = 0; k < 3; k++) {
		char pem[512];
		snprintf(pem, sizeof(pem), "%s/cert%d.pem", dir, k);
		CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(certs[k], pem), 0);
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			dance_tlsa_t ours, theirs;
			CU_ASSERT_EQUAL_FATAL(
			        danetool_rdata(pem, cases[c].flags, &theirs),
			        0);
			CU_ASSERT_EQUAL(dance_tlsa_from_cert(&certs[k]->der, 3,
			                                     cases[c].selector,
			                                     cases[c].mtype,
			                                     &ours, NULL),
			                DANCE_OK);
			CU_ASSERT_TRUE(dance_tlsa_equal(&ours, &theirs));
			dance_tlsa_clear(&ours);
			dance_tlsa_clear(&theirs);
		}
	}
	fx_rmtree(dir);
}

void register_tlsagen_suite(void)
{
	CU_pSuite s = CU_add_suite("tlsagen", NULL, teardown);
	CU_add_test(s, "from cert: selectors x matching types x key types",
	            test_from_cert_all_types);
	CU_add_test(s, "public and private key agree with cert",
	            test_keys_agree_with_cert);
	CU_add_test(s, "bad arguments", test_bad_arguments);
	CU_add_test(s, "zone-file line", test_rr_line);
	CU_add_test(s, "cross-check with danetool", test_cross_check_danetool);
}
