/* test_match.c: every branch of TLSA matching, with keys and certificates
 * generated at test time (RSA, ECDSA P-256, Ed25519). */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "dance/match.h"
#include "dance/tlsagen.h"
#include "fixtures.h"
#include "suites.h"

#define NAME "ns2.example.net"

/* The PKI of the suite, made by the first test (see need_pki). */
typedef struct pki {
	fx_key_t *ca_key, *ca2_key, *inter_key, *leaf_key[3], *other_key;
	fx_cert_t *ca, *ca2_same_dn, *inter, *leaf[3], *leaf_by_ca2,
	        *leaf_expired, *leaf_by_inter, *other;
} pki_t;

static pki_t pki;

static void need_pki(void)
{
	static const fx_keytype_t types[3] = {FX_RSA, FX_ECDSA, FX_ED25519};
	if (pki.ca != NULL) {
		return;
	}
	fx_cert_spec_t ca = {.cn = "Test CA", .is_ca = 1};
	fx_cert_spec_t inter = {.cn = "Test Intermediate", .is_ca = 1};
	fx_cert_spec_t leaf = {.cn = "ns2", .san_dns = {NAME}};
	fx_cert_spec_t expired = {.cn = "ns2",
	                          .san_dns = {NAME},
	                          .not_before = time(NULL) - 20 * 86400,
	                          .not_after = time(NULL) - 10 * 86400};
	pki.ca_key = fx_key_new(FX_ECDSA);
	pki.ca2_key = fx_key_new(FX_ECDSA);
	pki.inter_key = fx_key_new(FX_ED25519);
	pki.other_key = fx_key_new(FX_ECDSA);
	pki.ca = fx_cert_new(pki.ca_key, &ca, NULL, NULL);
	pki.ca2_same_dn = fx_cert_new(pki.ca2_key, &ca, NULL, NULL);
	pki.inter = fx_cert_new(pki.inter_key, &inter, pki.ca, pki.ca_key);
	for (int i = 0; i < 3; i++) {
		pki.leaf_key[i] = fx_key_new(types[i]);
		pki.leaf[i] =
		        fx_cert_new(pki.leaf_key[i], &leaf, pki.ca, pki.ca_key);
	}
	pki.leaf_by_ca2 = fx_cert_new(pki.leaf_key[1], &leaf, pki.ca2_same_dn,
	                              pki.ca2_key);
	pki.leaf_expired =
	        fx_cert_new(pki.leaf_key[1], &expired, pki.ca, pki.ca_key);
	pki.leaf_by_inter =
	        fx_cert_new(pki.leaf_key[1], &leaf, pki.inter, pki.inter_key);
	pki.other = fx_cert_new(pki.other_key, &leaf, NULL, NULL);
}

static int free_pki(void)
{
	fx_cert_t *certs[] = {
	        pki.ca,          pki.ca2_same_dn,  pki.inter,
	        pki.leaf[0],     pki.leaf[1],      pki.leaf[2],
	        pki.leaf_by_ca2, pki.leaf_expired, pki.leaf_by_inter,
	        pki.other};
	fx_key_t *keys[] = {pki.ca_key,      pki.ca2_key,     pki.inter_key,
	                    pki.leaf_key[0], pki.leaf_key[1], pki.leaf_key[2],
	                    pki.other_key};
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		fx_cert_free(certs[i]);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fx_key_free(keys[i]);
	}
	memset(&pki, 0, sizeof(pki));
	return 0;
}

/* A set of records built from certificates: each spec names the cert
 * the record is made from. */
typedef struct rec_spec {
	const fx_cert_t *cert;
	uint8_t u, s, m;
	int corrupt; /* flip a byte of the data */
} rec_spec_t;

static void build_set(dance_tlsa_set_t *set, const rec_spec_t *specs, size_t n)
{
	dance_tlsa_set_init(set);
	for (size_t i = 0; i < n; i++) {
		dance_tlsa_t t;
		CU_ASSERT_EQUAL_FATAL(
		        dance_tlsa_from_cert(&specs[i].cert->der, specs[i].u,
		                             specs[i].s, specs[i].m, &t, NULL),
		        DANCE_OK);
		if (specs[i].corrupt) {
			t.data[t.data_len / 2] ^= 0x5a;
		}
		CU_ASSERT_EQUAL(dance_tlsa_set_add(set, &t, NULL), DANCE_OK);
		dance_tlsa_clear(&t);
	}
}

/* Runs a match of a chain (certs, leaf first) against specs. */
static dance_match_outcome_t run(const rec_spec_t *specs, size_t n,
                                 const fx_cert_t *const *chain, size_t len,
                                 const dance_match_opts_t *opts,
                                 dance_match_result_t *res)
{
	gnutls_datum_t ders[4];
	dance_tlsa_set_t set;
	for (size_t i = 0; i < len; i++) {
		ders[i] = chain[i]->der;
	}
	dance_creds_t creds = {DANCE_CRED_X509, ders, len};
	build_set(&set, specs, n);
	dance_match(&set, &creds, opts, res);
	dance_tlsa_set_clear(&set);
	if (res->detail[0] == '\0') {
		CU_FAIL("empty detail");
	}
	return res->outcome;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const dance_match_opts_t with_name = {.name = NAME};

static void test_ee_matches_every_form(void)
{
	need_pki();
	dance_match_result_t res;
	for (int k = 0; k < 3; k++) {
		const fx_cert_t *chain[] = {pki.leaf[k]};
		for (uint8_t s = 0; s <= 1; s++) {
			for (uint8_t m = 0; m <= 2; m++) {
				rec_spec_t r[] = {{pki.leaf[k], 3, s, m, 0}};
				CU_ASSERT_EQUAL(run(r, 1, chain, 1, NULL, &res),
				                DANCE_MATCH_OK);
				CU_ASSERT_EQUAL(res.index, 0);
				CU_ASSERT_EQUAL(res.usable, 1);
			}
		}
	}
}

static void test_ee_mismatch(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf[1]};
	rec_spec_t r[] = {{pki.other, 3, 1, 1, 0}, {pki.leaf[1], 3, 0, 1, 1}};
	CU_ASSERT_EQUAL(run(r, N(r), chain, 1, NULL, &res), DANCE_MATCH_NONE);
	CU_ASSERT_EQUAL(res.index, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "none of the 2 usable"));
	/* The second record of a set matches: index 1. */
	rec_spec_t r2[] = {{pki.other, 3, 1, 1, 0}, {pki.leaf[1], 3, 1, 1, 0}};
	CU_ASSERT_EQUAL(run(r2, N(r2), chain, 1, NULL, &res), DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(res.index, 1);
}

static void test_ee_ignores_dates_and_names(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf_expired};
	rec_spec_t r[] = {{pki.leaf_expired, 3, 1, 1, 0}};
	dance_match_opts_t other_name = {.name = "someone.else.example"};
	CU_ASSERT_EQUAL(run(r, 1, chain, 1, &other_name, &res), DANCE_MATCH_OK);
}

static void test_ta_in_chain(void)
{
	need_pki();
	dance_match_result_t res;
	for (int k = 0; k < 3; k++) {
		const fx_cert_t *chain[] = {pki.leaf[k], pki.ca};
		rec_spec_t spki[] = {{pki.ca, 2, 1, 1, 0}};
		rec_spec_t cert[] = {{pki.ca, 2, 0, 2, 0}};
		CU_ASSERT_EQUAL(run(spki, 1, chain, 2, &with_name, &res),
		                DANCE_MATCH_OK);
		CU_ASSERT_EQUAL(run(cert, 1, chain, 2, &with_name, &res),
		                DANCE_MATCH_OK);
	}
}

static void test_ta_absent_from_chain(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf[1]};
	rec_spec_t digest[] = {{pki.ca, 2, 1, 1, 0}};
	CU_ASSERT_EQUAL(run(digest, 1, chain, 1, &with_name, &res),
	                DANCE_MATCH_NONE);
	/* A full TA (2 0 0 certificate, 2 1 0 key) need not be presented. */
	rec_spec_t full_cert[] = {{pki.ca, 2, 0, 0, 0}};
	rec_spec_t full_key[] = {{pki.ca, 2, 1, 0, 0}};
	CU_ASSERT_EQUAL(run(full_cert, 1, chain, 1, &with_name, &res),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(full_key, 1, chain, 1, &with_name, &res),
	                DANCE_MATCH_OK);
	/* ... but must have signed the leaf: a key that did not is no
	 * match (OpenSSL: no matching DANE TA). */
	const fx_cert_t *foreign[] = {pki.other};
	CU_ASSERT_EQUAL(run(full_key, 1, foreign, 1, &with_name, &res),
	                DANCE_MATCH_NONE);
	CU_ASSERT_EQUAL(run(full_cert, 1, foreign, 1, &with_name, &res),
	                DANCE_MATCH_NONE);
}

/* A full TA key (2 1 0) that is not presented matches whatever its
 * algorithm: the anchor libdance synthesises around it is signed by a
 * throwaway key of another algorithm (found by fuzzing: RSA and Ed25519
 * anchors used to fail closed). */
static void test_ta_full_key_every_algorithm(void)
{
	static const fx_keytype_t types[3] = {FX_RSA, FX_ECDSA, FX_ED25519};
	fx_cert_spec_t ca = {.cn = "Algorithm CA", .is_ca = 1};
	fx_cert_spec_t leaf = {.cn = "ns2", .san_dns = {NAME}};
	for (int i = 0; i < 3; i++) {
		fx_key_t *ca_key = fx_key_new(types[i]);
		fx_key_t *leaf_key = fx_key_new(FX_ECDSA);
		fx_cert_t *ca_cert = fx_cert_new(ca_key, &ca, NULL, NULL);
		fx_cert_t *leaf_cert =
		        fx_cert_new(leaf_key, &leaf, ca_cert, ca_key);
		const fx_cert_t *chain[] = {leaf_cert};
		rec_spec_t full_key[] = {{ca_cert, 2, 1, 0, 0}};
		dance_match_result_t res;
		CU_ASSERT_EQUAL(run(full_key, 1, chain, 1, &with_name, &res),
		                DANCE_MATCH_OK);
		fx_cert_free(leaf_cert);
		fx_cert_free(ca_cert);
		fx_key_free(leaf_key);
		fx_key_free(ca_key);
	}
}

static void test_ta_wrong_signature(void)
{
	need_pki();
	dance_match_result_t res;
	/* Leaf signed by a CA with the same DN as the presented TA. */
	const fx_cert_t *chain[] = {pki.leaf_by_ca2, pki.ca};
	rec_spec_t r[] = {{pki.ca, 2, 1, 1, 0}};
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, &with_name, &res),
	                DANCE_MATCH_TA_PATH);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "does not verify"));
	/* A bare TA key that did not sign the leaf matches nothing. */
	rec_spec_t full_key[] = {{pki.ca, 2, 1, 0, 0}};
	const fx_cert_t *alone[] = {pki.leaf_by_ca2};
	CU_ASSERT_EQUAL(run(full_key, 1, alone, 1, &with_name, &res),
	                DANCE_MATCH_NONE);
}

static void test_ta_expired_leaf(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf_expired, pki.ca};
	rec_spec_t r[] = {{pki.ca, 2, 1, 1, 0}};
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, &with_name, &res),
	                DANCE_MATCH_TA_PATH);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "expired"));
	/* At a time when the leaf was valid but the TA certificate was not
	 * yet, the TA's own dates refuse it (as OpenSSL checks them); a bare
	 * TA key (2 1 0) has no dates. */
	dance_match_opts_t then = {.name = NAME,
	                           .now = time(NULL) - 15 * 86400};
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, &then, &res), DANCE_MATCH_TA_PATH);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "trust anchor certificate"));
	const fx_cert_t *leaf_only[] = {pki.leaf_expired};
	rec_spec_t key[] = {{pki.ca, 2, 1, 0, 0}};
	CU_ASSERT_EQUAL(run(key, 1, leaf_only, 1, &then, &res), DANCE_MATCH_OK);
}

static void test_ta_intermediate(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *full[] = {pki.leaf_by_inter, pki.inter, pki.ca};
	const fx_cert_t *partial[] = {pki.leaf_by_inter, pki.inter};
	rec_spec_t root[] = {{pki.ca, 2, 1, 1, 0}};
	rec_spec_t root_full[] = {{pki.ca, 2, 0, 0, 0}};
	rec_spec_t inter[] = {{pki.inter, 2, 0, 1, 0}};
	CU_ASSERT_EQUAL(run(root, 1, full, 3, &with_name, &res),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(root_full, 1, partial, 2, &with_name, &res),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(inter, 1, partial, 2, &with_name, &res),
	                DANCE_MATCH_OK);
	/* Without the intermediate the leaf can't reach the root. */
	const fx_cert_t *leaf_only[] = {pki.leaf_by_inter};
	CU_ASSERT_EQUAL(run(root_full, 1, leaf_only, 1, &with_name, &res),
	                DANCE_MATCH_NONE);
}

static void test_ta_name_check(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf[1], pki.ca};
	rec_spec_t r[] = {{pki.ca, 2, 1, 1, 0}};
	dance_match_opts_t other = {.name = "ns3.example.net"};
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, &other, &res), DANCE_MATCH_TA_NAME);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "ns3.example.net"));
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, NULL, &res), DANCE_MATCH_TA_NAME);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "no client name"));
	dance_match_opts_t upper = {.name = "NS2.Example.NET."};
	CU_ASSERT_EQUAL(run(r, 1, chain, 2, &upper, &res), DANCE_MATCH_OK);
}

static void test_sha512_only_and_unknown_types(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf[0]};
	rec_spec_t sha512[] = {{pki.leaf[0], 3, 1, 2, 0}};
	CU_ASSERT_EQUAL(run(sha512, 1, chain, 1, NULL, &res), DANCE_MATCH_OK);

	dance_tlsa_set_t set;
	dance_tlsa_t t;
	gnutls_datum_t der = pki.leaf[0]->der;
	dance_creds_t creds = {DANCE_CRED_X509, &der, 1};
	dance_tlsa_set_init(&set);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, "3 1 3 00112233", NULL),
	                DANCE_OK);
	dance_tlsa_set_add(&set, &t, NULL);
	dance_tlsa_clear(&t);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, "4 1 0 0011", NULL), DANCE_OK);
	dance_tlsa_set_add(&set, &t, NULL);
	dance_tlsa_clear(&t);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, "3 2 0 0011", NULL), DANCE_OK);
	dance_tlsa_set_add(&set, &t, NULL);
	dance_tlsa_clear(&t);
	dance_match(&set, &creds, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NO_USABLE);
	CU_ASSERT_EQUAL(res.usable, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "none of the 3"));
	dance_tlsa_set_clear(&set);
}

static void test_digest_agility(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pki.leaf[1]};
	/* Good SHA-256, bad SHA-512: only SHA-512 counts, no match. */
	rec_spec_t weak_good[] = {{pki.leaf[1], 3, 1, 1, 0},
	                          {pki.leaf[1], 3, 1, 2, 1}};
	CU_ASSERT_EQUAL(run(weak_good, 2, chain, 1, NULL, &res),
	                DANCE_MATCH_NONE);
	CU_ASSERT_EQUAL(res.usable, 1);
	/* Bad SHA-256, good SHA-512: match on the SHA-512 record. */
	rec_spec_t strong_good[] = {{pki.leaf[1], 3, 1, 1, 1},
	                            {pki.leaf[1], 3, 1, 2, 0}};
	CU_ASSERT_EQUAL(run(strong_good, 2, chain, 1, NULL, &res),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(res.index, 1);
	/* Selectors are independent: good 3 0 1 beside a bad 3 1 2. */
	rec_spec_t other_sel[] = {{pki.leaf[1], 3, 0, 1, 0},
	                          {pki.leaf[1], 3, 1, 2, 1}};
	CU_ASSERT_EQUAL(run(other_sel, 2, chain, 1, NULL, &res),
	                DANCE_MATCH_OK);
	/* Full(0) is always considered beside digests. */
	rec_spec_t full[] = {{pki.leaf[1], 3, 1, 0, 0},
	                     {pki.leaf[1], 3, 1, 2, 1}};
	CU_ASSERT_EQUAL(run(full, 2, chain, 1, NULL, &res), DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(res.index, 0);
}

static void test_bad_and_missing_creds(void)
{
	need_pki();
	dance_match_result_t res;
	dance_tlsa_set_t set;
	rec_spec_t r[] = {{pki.leaf[1], 3, 1, 1, 0}};
	build_set(&set, r, 1);
	unsigned char junk[] = {0x30, 0x82, 0x01, 0x00, 0x02};
	gnutls_datum_t bad = {junk, sizeof(junk)};
	dance_creds_t garbage = {DANCE_CRED_X509, &bad, 1};
	dance_match(&set, &garbage, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_BAD_CREDS);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "does not parse"));
	dance_creds_t raw_garbage = {DANCE_CRED_RAWPK, &bad, 1};
	dance_match(&set, &raw_garbage, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_BAD_CREDS);
	dance_creds_t empty = {DANCE_CRED_X509, NULL, 0};
	dance_match(&set, &empty, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NO_CREDS);
	dance_match(&set, NULL, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NO_CREDS);
	/* A bad intermediate is left out: a TA digest then matches nothing,
	 * while a full TA certificate record stands in for it. */
	gnutls_datum_t chain[2] = {pki.leaf[1]->der, bad};
	dance_creds_t bad_inter = {DANCE_CRED_X509, chain, 2};
	dance_tlsa_set_clear(&set);
	rec_spec_t ta_digest[] = {{pki.ca, 2, 0, 1, 0}};
	build_set(&set, ta_digest, 1);
	dance_match(&set, &bad_inter, &with_name, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NONE);
	dance_tlsa_set_clear(&set);
	rec_spec_t ta_full[] = {{pki.ca, 2, 0, 0, 0}};
	build_set(&set, ta_full, 1);
	dance_match(&set, &bad_inter, &with_name, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_OK);
	dance_tlsa_set_clear(&set);
}

static void test_raw_public_keys(void)
{
	need_pki();
	dance_match_result_t res;
	dance_tlsa_set_t set;
	for (int k = 0; k < 3; k++) {
		dance_creds_t rpk = {DANCE_CRED_RAWPK, &pki.leaf_key[k]->spki,
		                     1};
		dance_tlsa_t t;
		dance_tlsa_set_init(&set);
		CU_ASSERT_EQUAL(dance_tlsa_from_pubkey(pki.leaf_key[k]->pub, 3,
		                                       1, 1, &t, NULL),
		                DANCE_OK);
		dance_tlsa_set_add(&set, &t, NULL);
		dance_tlsa_clear(&t);
		dance_match(&set, &rpk, NULL, &res);
		CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_OK);
		dance_tlsa_set_clear(&set);
	}
	/* Only 3 1 x is usable with a raw key. */
	dance_creds_t rpk = {DANCE_CRED_RAWPK, &pki.leaf_key[1]->spki, 1};
	rec_spec_t cert_sel[] = {{pki.leaf[1], 3, 0, 1, 0}};
	rec_spec_t ta[] = {{pki.leaf[1], 2, 1, 1, 0}};
	build_set(&set, cert_sel, 1);
	dance_match(&set, &rpk, &with_name, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NO_USABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "raw public key"));
	dance_tlsa_set_clear(&set);
	build_set(&set, ta, 1);
	dance_match(&set, &rpk, &with_name, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NO_USABLE);
	dance_tlsa_set_clear(&set);
	/* A different raw key does not match. */
	dance_creds_t other = {DANCE_CRED_RAWPK, &pki.other_key->spki, 1};
	rec_spec_t ee[] = {{pki.leaf[1], 3, 1, 2, 0}};
	build_set(&set, ee, 1);
	dance_match(&set, &other, NULL, &res);
	CU_ASSERT_EQUAL(res.outcome, DANCE_MATCH_NONE);
	dance_tlsa_set_clear(&set);
}

static void test_pkix_usages(void)
{
	need_pki();
	dance_match_result_t res;
	char *dir = fx_tmpdir();
	char ca_file[512], ca2_file[512];
	snprintf(ca_file, sizeof(ca_file), "%s/ca.pem", dir);
	snprintf(ca2_file, sizeof(ca2_file), "%s/ca2.pem", dir);
	CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(pki.ca, ca_file), 0);
	CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(pki.ca2_same_dn, ca2_file), 0);
	const fx_cert_t *chain[] = {pki.leaf[1], pki.ca};
	rec_spec_t ee[] = {{pki.leaf[1], 1, 1, 1, 0}};
	rec_spec_t ta[] = {{pki.ca, 0, 0, 1, 0}};
	CU_ASSERT_EQUAL(run(ee, 1, chain, 2, &with_name, &res),
	                DANCE_MATCH_NO_USABLE);
	CU_ASSERT_EQUAL(run(ta, 1, chain, 2, &with_name, &res),
	                DANCE_MATCH_NO_USABLE);
	dance_match_opts_t pkix = {.name = NAME, .pkix_ca_file = ca_file};
	CU_ASSERT_EQUAL(run(ee, 1, chain, 2, &pkix, &res), DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(ta, 1, chain, 2, &pkix, &res), DANCE_MATCH_OK);
	dance_match_opts_t wrong_ca = {.name = NAME, .pkix_ca_file = ca2_file};
	CU_ASSERT_EQUAL(run(ee, 1, chain, 2, &wrong_ca, &res),
	                DANCE_MATCH_TA_PATH);
	dance_match_opts_t missing = {.name = NAME,
	                              .pkix_ca_file = "/nonexistent/ca.pem"};
	CU_ASSERT_EQUAL(run(ee, 1, chain, 2, &missing, &res),
	                DANCE_MATCH_TA_PATH);
	dance_match_opts_t other_name = {.name = "x.example",
	                                 .pkix_ca_file = ca_file};
	CU_ASSERT_EQUAL(run(ee, 1, chain, 2, &other_name, &res),
	                DANCE_MATCH_TA_NAME);
	rec_spec_t not_leaf[] = {{pki.other, 1, 1, 1, 0}};
	CU_ASSERT_EQUAL(run(not_leaf, 1, chain, 2, &pkix, &res),
	                DANCE_MATCH_NONE);
	fx_rmtree(dir);
}

static void test_usable_and_names(void)
{
	dance_tlsa_t t = {.usage = 3, .selector = 1, .mtype = 1};
	dance_match_opts_t ca = {.pkix_ca_file = "/x"};
	CU_ASSERT_TRUE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	CU_ASSERT_TRUE(dance_tlsa_usable(&t, DANCE_CRED_RAWPK, NULL));
	t.usage = 1;
	CU_ASSERT_FALSE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	CU_ASSERT_TRUE(dance_tlsa_usable(&t, DANCE_CRED_X509, &ca));
	CU_ASSERT_FALSE(dance_tlsa_usable(&t, DANCE_CRED_RAWPK, &ca));
	t.usage = 2;
	CU_ASSERT_TRUE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	t.usage = 255;
	CU_ASSERT_FALSE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	t.usage = 3;
	t.mtype = 255;
	CU_ASSERT_FALSE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	t.mtype = 1;
	t.selector = 255;
	CU_ASSERT_FALSE(dance_tlsa_usable(&t, DANCE_CRED_X509, NULL));
	for (int o = DANCE_MATCH_OK; o <= DANCE_MATCH_TA_NAME; o++) {
		CU_ASSERT_STRING_NOT_EQUAL(
		        dance_match_outcome_name((dance_match_outcome_t)o),
		        "invalid");
	}
	CU_ASSERT_STRING_EQUAL(
	        dance_match_outcome_name((dance_match_outcome_t)42), "invalid");
}

static void test_spki_hex(void)
{
	need_pki();
	char hex[65], want[65];
	unsigned char digest[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, pki.leaf_key[2]->spki.data,
	                 pki.leaf_key[2]->spki.size, digest);
	for (int i = 0; i < 32; i++) {
		snprintf(want + 2 * i, 3, "%02x", digest[i]);
	}
	gnutls_datum_t der = pki.leaf[2]->der;
	dance_creds_t creds = {DANCE_CRED_X509, &der, 1};
	CU_ASSERT_EQUAL(dance_creds_spki_sha256_hex(&creds, hex, NULL),
	                DANCE_OK);
	CU_ASSERT_STRING_EQUAL(hex, want);
	dance_creds_t rpk = {DANCE_CRED_RAWPK, &pki.leaf_key[2]->spki, 1};
	CU_ASSERT_EQUAL(dance_creds_spki_sha256_hex(&rpk, hex, NULL), DANCE_OK);
	CU_ASSERT_STRING_EQUAL(hex, want);
	dance_creds_t none = {DANCE_CRED_X509, NULL, 0};
	CU_ASSERT_EQUAL(dance_creds_spki_sha256_hex(&none, hex, NULL),
	                DANCE_EINVAL);
}

void register_match_suite(void)
{
	CU_pSuite s = CU_add_suite("match", NULL, free_pki);
	CU_add_test(s, "DANE-EE: every selector and matching type",
	            test_ee_matches_every_form);
	CU_add_test(s, "DANE-EE: mismatch and index", test_ee_mismatch);
	CU_add_test(s, "DANE-EE: expired leaf, other name still match",
	            test_ee_ignores_dates_and_names);
	CU_add_test(s, "DANE-TA: TA in chain", test_ta_in_chain);
	CU_add_test(s, "DANE-TA: full TA key of every algorithm",
	            test_ta_full_key_every_algorithm);
	CU_add_test(s, "DANE-TA: TA absent; full TA 2 0 0 / 2 1 0",
	            test_ta_absent_from_chain);
	CU_add_test(s, "DANE-TA: wrong TA signature", test_ta_wrong_signature);
	CU_add_test(s, "DANE-TA: expired leaf", test_ta_expired_leaf);
	CU_add_test(s, "DANE-TA: intermediate", test_ta_intermediate);
	CU_add_test(s, "DANE-TA: SAN name check", test_ta_name_check);
	CU_add_test(s, "SHA-512 only; unknown types unusable",
	            test_sha512_only_and_unknown_types);
	CU_add_test(s, "digest agility (RFC 7671 9)", test_digest_agility);
	CU_add_test(s, "bad and missing credentials",
	            test_bad_and_missing_creds);
	CU_add_test(s, "raw public keys (RFC 7250)", test_raw_public_keys);
	CU_add_test(s, "PKIX usages need a CA file", test_pkix_usages);
	CU_add_test(s, "usability and outcome names", test_usable_and_names);
	CU_add_test(s, "SPKI SHA-256 hex", test_spki_hex);
}
