/* test_keyindex.c: key discovery index: every form of a leaf (cert/SPKI x
 * full/SHA-256/SHA-512), raw public keys, updates, removal, trust-anchor
 * identities, shared keys and growth. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "../../src/lib/keyindex.h"
#include "fixtures.h"
#include "suites.h"

typedef struct ki_fixture {
	fx_key_t *key_a, *key_b;
	fx_cert_t *cert_a, *cert_b;
} ki_fixture_t;

static ki_fixture_t fx;

static int suite_init(void)
{
	return 0;
}

static void make_certs(void)
{
	if (fx.key_a != NULL) {
		return;
	}
	fx_cert_spec_t spec_a = {.cn = "a.example.net"};
	fx_cert_spec_t spec_b = {.cn = "b.example.net"};
	fx.key_a = fx_key_new(FX_ECDSA);
	fx.key_b = fx_key_new(FX_ED25519);
	fx.cert_a = fx_cert_new(fx.key_a, &spec_a, NULL, NULL);
	fx.cert_b = fx_cert_new(fx.key_b, &spec_b, NULL, NULL);
}

static int suite_cleanup(void)
{
	fx_cert_free(fx.cert_a);
	fx_cert_free(fx.cert_b);
	fx_key_free(fx.key_a);
	fx_key_free(fx.key_b);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* Adds record usage/selector/mtype for der (cert or SPKI) to set. */
static void add_record(dance_tlsa_set_t *set, uint8_t usage, uint8_t selector,
                       uint8_t mtype, const gnutls_datum_t *der)
{
	uint8_t digest[64];
	dance_tlsa_t rec = {usage, selector, mtype, der->data, der->size};
	if (mtype == 1 || mtype == 2) {
		gnutls_digest_algorithm_t alg =
		        mtype == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;
		CU_ASSERT_EQUAL_FATAL(
		        gnutls_hash_fast(alg, der->data, der->size, digest), 0);
		rec.data = digest;
		rec.data_len = mtype == 1 ? 32 : 64;
	}
	CU_ASSERT_EQUAL_FATAL(dance_tlsa_set_add(set, &rec, NULL), DANCE_OK);
}

static const gnutls_datum_t *der_for(int which, uint8_t selector)
{
	if (which == 0) {
		return selector == 0 ? &fx.cert_a->der : &fx.key_a->spki;
	}
	return selector == 0 ? &fx.cert_b->der : &fx.key_b->spki;
}

static dance_creds_t creds_x509(const fx_cert_t *cert)
{
	dance_creds_t c = {DANCE_CRED_X509, &cert->der, 1};
	return c;
}

/* Looks creds up; returns the EE candidate count, checks for name. */
static size_t lookup(dance_keyindex_t *ki, const dance_creds_t *creds,
                     const char *expect, size_t *ta_count)
{
	dance_name_list_t ee = {NULL, 0}, ta = {NULL, 0};
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_keyindex_candidates(ki, creds, &ee, &ta, &err),
	                DANCE_OK);
	if (expect != NULL) {
		int seen = 0;
		for (size_t i = 0; i < ee.count; i++) {
			seen |= strcmp(ee.names[i], expect) == 0;
		}
		CU_ASSERT_TRUE(seen);
	}
	size_t n = ee.count;
	if (ta_count != NULL) {
		*ta_count = ta.count;
	}
	dance_name_list_clear(&ee);
	dance_name_list_clear(&ta);
	return n;
}

static dance_keyindex_t *new_index(void)
{
	dance_keyindex_t *ki = NULL;
	CU_ASSERT_EQUAL_FATAL(dance_keyindex_new(&ki, NULL), DANCE_OK);
	return ki;
}

static void test_every_form(void)
{
	make_certs();
	dance_creds_t a = creds_x509(fx.cert_a), b = creds_x509(fx.cert_b);
	for (uint8_t selector = 0; selector <= 1; selector++) {
		for (uint8_t mtype = 0; mtype <= 2; mtype++) {
			dance_keyindex_t *ki = new_index();
			dance_tlsa_set_t set;
			dance_tlsa_set_init(&set);
			add_record(&set, 3, selector, mtype,
			           der_for(0, selector));
			CU_ASSERT_EQUAL(dance_keyindex_update(ki,
			                                      "ns2.example.net",
			                                      &set, NULL),
			                DANCE_OK);
			CU_ASSERT_EQUAL(lookup(ki, &a, "ns2.example.net", NULL),
			                1);
			CU_ASSERT_EQUAL(lookup(ki, &b, NULL, NULL), 0);
			dance_tlsa_set_clear(&set);
			dance_keyindex_free(ki);
		}
	}
}

static void test_raw_public_key(void)
{
	make_certs();
	dance_keyindex_t *ki = new_index();
	dance_tlsa_set_t set;
	dance_tlsa_set_init(&set);
	add_record(&set, 3, 1, 1, &fx.key_a->spki);
	add_record(&set, 3, 0, 1, &fx.cert_b->der);
	CU_ASSERT_EQUAL(
	        dance_keyindex_update(ki, "rpk.example.net", &set, NULL),
	        DANCE_OK);
	dance_creds_t rpk_a = {DANCE_CRED_RAWPK, &fx.key_a->spki, 1};
	dance_creds_t rpk_b = {DANCE_CRED_RAWPK, &fx.key_b->spki, 1};
	CU_ASSERT_EQUAL(lookup(ki, &rpk_a, "rpk.example.net", NULL), 1);
	/* A raw key has no certificate forms. */
	CU_ASSERT_EQUAL(lookup(ki, &rpk_b, NULL, NULL), 0);
	dance_tlsa_set_clear(&set);
	dance_keyindex_free(ki);
}

static void test_update_and_remove(void)
{
	make_certs();
	dance_creds_t a = creds_x509(fx.cert_a), b = creds_x509(fx.cert_b);
	dance_keyindex_t *ki = new_index();
	dance_tlsa_set_t set_a, set_b;
	dance_tlsa_set_init(&set_a);
	dance_tlsa_set_init(&set_b);
	add_record(&set_a, 3, 1, 1, &fx.key_a->spki);
	add_record(&set_b, 3, 1, 2, &fx.key_b->spki);
	dance_keyindex_update(ki, "ns2.example.net", &set_a, NULL);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 1);
	CU_ASSERT_EQUAL(dance_keyindex_keys(ki), 1);
	/* Rollover: the new set replaces the old keys. */
	dance_keyindex_update(ki, "ns2.example.net", &set_b, NULL);
	CU_ASSERT_EQUAL(lookup(ki, &a, NULL, NULL), 0);
	CU_ASSERT_EQUAL(lookup(ki, &b, "ns2.example.net", NULL), 1);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 1);
	CU_ASSERT_EQUAL(dance_keyindex_keys(ki), 1);
	/* Empty set and NULL remove. */
	dance_tlsa_set_t empty;
	dance_tlsa_set_init(&empty);
	dance_keyindex_update(ki, "ns2.example.net", &empty, NULL);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 0);
	CU_ASSERT_EQUAL(lookup(ki, &b, NULL, NULL), 0);
	dance_keyindex_update(ki, "ns2.example.net", &set_a, NULL);
	dance_keyindex_remove(ki, "ns2.example.net");
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 0);
	CU_ASSERT_EQUAL(dance_keyindex_keys(ki), 0);
	dance_keyindex_remove(ki, "never.example.net");
	CU_ASSERT_EQUAL(dance_keyindex_update(NULL, "x", &set_a, NULL),
	                DANCE_EINVAL);
	dance_tlsa_set_clear(&set_a);
	dance_tlsa_set_clear(&set_b);
	dance_keyindex_free(ki);
}

static void test_shared_key_and_ta(void)
{
	make_certs();
	dance_creds_t a = creds_x509(fx.cert_a);
	dance_keyindex_t *ki = new_index();
	dance_tlsa_set_t set, ta_set, odd;
	dance_tlsa_set_init(&set);
	dance_tlsa_set_init(&ta_set);
	dance_tlsa_set_init(&odd);
	add_record(&set, 3, 1, 1, &fx.key_a->spki);
	add_record(&ta_set, 2, 0, 1, &fx.cert_b->der);
	/* Unknown usage and selector: neither indexed nor TA. */
	add_record(&odd, 4, 1, 1, &fx.key_a->spki);
	add_record(&odd, 3, 7, 1, &fx.key_a->spki);
	dance_keyindex_update(ki, "ns2.example.net", &set, NULL);
	dance_keyindex_update(ki, "ns3.example.net", &set, NULL);
	dance_keyindex_update(ki, "ta.example.net", &ta_set, NULL);
	dance_keyindex_update(ki, "odd.example.net", &odd, NULL);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 3);
	size_t ta_count = 0;
	CU_ASSERT_EQUAL(lookup(ki, &a, "ns3.example.net", &ta_count), 2);
	CU_ASSERT_EQUAL(lookup(ki, &a, "ns2.example.net", NULL), 2);
	CU_ASSERT_EQUAL(ta_count, 1);
	/* A PKIX-EE record is indexed too (matching decides usability). */
	dance_tlsa_set_t pkix;
	dance_tlsa_set_init(&pkix);
	add_record(&pkix, 1, 0, 2, &fx.cert_a->der);
	dance_keyindex_update(ki, "pkix.example.net", &pkix, NULL);
	CU_ASSERT_EQUAL(lookup(ki, &a, "pkix.example.net", NULL), 3);
	dance_tlsa_set_clear(&set);
	dance_tlsa_set_clear(&ta_set);
	dance_tlsa_set_clear(&odd);
	dance_tlsa_set_clear(&pkix);
	dance_keyindex_free(ki);
}

static int keep_ns2(void *arg, const char *identity)
{
	(*(int *)arg)++;
	return strcmp(identity, "ns2.example.net") == 0;
}

static void test_retain(void)
{
	make_certs();
	dance_keyindex_t *ki = new_index();
	dance_tlsa_set_t set;
	dance_tlsa_set_init(&set);
	add_record(&set, 3, 1, 1, &fx.key_a->spki);
	dance_keyindex_update(ki, "ns2.example.net", &set, NULL);
	dance_keyindex_update(ki, "ns3.example.net", &set, NULL);
	dance_keyindex_update(ki, "ns4.example.net", &set, NULL);
	int calls = 0;
	dance_keyindex_retain(ki, keep_ns2, &calls);
	CU_ASSERT_EQUAL(calls, 3);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 1);
	dance_creds_t a = creds_x509(fx.cert_a);
	CU_ASSERT_EQUAL(lookup(ki, &a, "ns2.example.net", NULL), 1);
	dance_tlsa_set_clear(&set);
	dance_keyindex_free(ki);
}

static void test_bad_credentials(void)
{
	dance_keyindex_t *ki = new_index();
	uint8_t junk[] = {0x30, 0x03, 0x01, 0x02, 0x03};
	gnutls_datum_t der = {junk, sizeof(junk)};
	dance_creds_t bad = {DANCE_CRED_X509, &der, 1};
	dance_creds_t none = {DANCE_CRED_X509, NULL, 0};
	dance_name_list_t ee = {NULL, 0}, ta = {NULL, 0};
	dance_error_t err;
	CU_ASSERT_NOT_EQUAL(dance_keyindex_candidates(ki, &bad, &ee, &ta, &err),
	                    DANCE_OK);
	CU_ASSERT_EQUAL(dance_keyindex_candidates(ki, &none, &ee, &ta, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_keyindex_candidates(ki, NULL, &ee, &ta, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(ee.count, 0);
	dance_keyindex_free(ki);
	dance_keyindex_free(NULL);
}

static void test_growth(void)
{
	make_certs();
	dance_keyindex_t *ki = new_index();
	char name[64];
	uint8_t data[32];
	for (int i = 0; i < 600; i++) {
		dance_tlsa_set_t set;
		dance_tlsa_set_init(&set);
		memset(data, 0, sizeof(data));
		memcpy(data, &i, sizeof(i));
		dance_tlsa_t rec = {3, 1, 1, data, sizeof(data)};
		dance_tlsa_set_add(&set, &rec, NULL);
		snprintf(name, sizeof(name), "s%d.example.net", i);
		CU_ASSERT_EQUAL(dance_keyindex_update(ki, name, &set, NULL),
		                DANCE_OK);
		dance_tlsa_set_clear(&set);
	}
	dance_tlsa_set_t set;
	dance_tlsa_set_init(&set);
	add_record(&set, 3, 1, 1, &fx.key_a->spki);
	dance_keyindex_update(ki, "s300.example.net", &set, NULL);
	CU_ASSERT_EQUAL(dance_keyindex_identities(ki), 600);
	CU_ASSERT_EQUAL(dance_keyindex_keys(ki), 600);
	dance_creds_t a = creds_x509(fx.cert_a);
	CU_ASSERT_EQUAL(lookup(ki, &a, "s300.example.net", NULL), 1);
	dance_tlsa_set_clear(&set);
	dance_keyindex_free(ki);
}

void register_keyindex_suite(void)
{
	CU_pSuite s = CU_add_suite("keyindex", suite_init, suite_cleanup);
	CU_add_test(s, "every form of the leaf", test_every_form);
	CU_add_test(s, "raw public keys", test_raw_public_key);
	CU_add_test(s, "update and remove", test_update_and_remove);
	CU_add_test(s, "shared keys and trust anchors", test_shared_key_and_ta);
	CU_add_test(s, "retain", test_retain);
	CU_add_test(s, "bad credentials", test_bad_credentials);
	CU_add_test(s, "growth", test_growth);
}
