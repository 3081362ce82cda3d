/* test_digests.c: mod-dance's per-connection digested peer
 * (modules/knot/digests.c): kept for later queries of one connection,
 * rebuilt for another connection or other credentials, never shared
 * between threads. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "../../modules/knot/digests.h"
#include "fixtures.h"
#include "suites.h"

static const uint8_t conn_a[] = "randoms of connection A";
static const uint8_t conn_b[] = "randoms of connection B";

static void test_kept_per_connection(void)
{
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t spec = {.cn = "ns2", .san_dns = {"ns2.example.net"}};
	fx_cert_t *one = fx_cert_new(key, &spec, NULL, NULL);
	fx_cert_t *two = fx_cert_new(key, &spec, NULL, NULL);
	dance_creds_t c1 = {DANCE_CRED_X509, &one->der, 1};
	dance_creds_t c2 = {DANCE_CRED_X509, &two->der, 1};
	md_digests_t d;
	CU_ASSERT_EQUAL_FATAL(md_digests_init(&d, 2), 0);

	/* Every query of one connection: digested once. */
	const dance_peer_t *p =
	        md_digests_get(&d, 0, conn_a, sizeof(conn_a), &c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_PTR_EQUAL(
		        md_digests_get(&d, 0, conn_a, sizeof(conn_a), &c1), p);
	}
	CU_ASSERT_EQUAL(d.built, 1);
	CU_ASSERT_EQUAL(dance_peer_type(p), DANCE_CRED_X509);

	/* Another thread has its own slot. */
	CU_ASSERT_PTR_NOT_NULL(
	        md_digests_get(&d, 1, conn_a, sizeof(conn_a), &c1));
	CU_ASSERT_EQUAL(d.built, 2);

	/* Another connection, or other credentials on the same marker:
	 * digested again. */
	CU_ASSERT_PTR_NOT_NULL(
	        md_digests_get(&d, 0, conn_b, sizeof(conn_b), &c1));
	CU_ASSERT_EQUAL(d.built, 3);
	CU_ASSERT_PTR_NOT_NULL(
	        md_digests_get(&d, 0, conn_b, sizeof(conn_b), &c2));
	CU_ASSERT_EQUAL(d.built, 4);

	/* Nothing to key or digest: the decision digests for itself. */
	CU_ASSERT_PTR_NULL(md_digests_get(&d, 0, conn_a, 0, &c1));
	CU_ASSERT_PTR_NULL(md_digests_get(&d, 2, conn_a, sizeof(conn_a), &c1));
	dance_creds_t none = {DANCE_CRED_X509, NULL, 0};
	CU_ASSERT_PTR_NULL(
	        md_digests_get(&d, 0, conn_a, sizeof(conn_a), &none));
	gnutls_datum_t junk_der = {(unsigned char *)"junk", 4};
	dance_creds_t junk = {DANCE_CRED_X509, &junk_der, 1};
	CU_ASSERT_PTR_NULL(
	        md_digests_get(&d, 0, conn_a, sizeof(conn_a), &junk));
	CU_ASSERT_EQUAL(d.built, 4);

	md_digests_free(&d);
	fx_cert_free(one);
	fx_cert_free(two);
	fx_key_free(key);
}

void register_digests_suite(void)
{
	CU_pSuite s = CU_add_suite("mod-dance digests", NULL, NULL);
	CU_add_test(s, "a peer digested once per connection",
	            test_kept_per_connection);
}
