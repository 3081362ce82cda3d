/* test_identity.c: names that must never become an authorized identity.
 *
 * Certificate names are never IDNA-mapped (VULN-2): under a DANE-TA device
 * CA, a sub-CA whose name constraints exclude dev2._device.kit.example
 * issues leaves whose subjectAltName is a look-alike of that name
 * (fullwidth letters, a zero-width space, the ideographic full stop, a
 * trailing soft hyphen, the Kelvin sign, an embedded NUL). GnuTLS checks
 * the constraint on the raw octets, so none of them may be authorized as
 * the ASCII name; the ASCII name itself fails the path check, a permitted
 * name passes.
 *
 * A service TLSA owner (_PORT._PROTO.host) is never a client identity
 * (WEAK-8), whatever the owner template. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "authz_fx.h"
#include "fixtures.h"
#include "suites.h"

#define ZONE      "example.com"
#define EXCLUDED  "dev2._device.kit.example"
#define PERMITTED "dev3._device.kit.example"

typedef struct device_pki {
	fx_key_t *ca_key, *sub_key, *leaf_key;
	fx_cert_t *ca, *sub;
} device_pki_t;

static device_pki_t pki;

static void need_pki(void)
{
	if (pki.ca != NULL) {
		return;
	}
	fx_cert_spec_t ca = {.cn = "Device CA", .is_ca = 1};
	fx_cert_spec_t sub = {
	        .cn = "Device sub-CA", .is_ca = 1, .excluded_dns = EXCLUDED};
	pki.ca_key = fx_key_new(FX_ECDSA);
	pki.sub_key = fx_key_new(FX_ECDSA);
	pki.leaf_key = fx_key_new(FX_ECDSA);
	pki.ca = fx_cert_new(pki.ca_key, &ca, NULL, NULL);
	pki.sub = fx_cert_new(pki.sub_key, &sub, pki.ca, pki.ca_key);
}

static int free_pki(void)
{
	fx_cert_free(pki.ca);
	fx_cert_free(pki.sub);
	fx_key_free(pki.ca_key);
	fx_key_free(pki.sub_key);
	fx_key_free(pki.leaf_key);
	memset(&pki, 0, sizeof(pki));
	return 0;
}

/* A leaf of the sub-CA whose one subjectAltName dNSName is these octets. */
static fx_cert_t *device_leaf(const char *octets, size_t len)
{
	gnutls_datum_t name = {(unsigned char *)octets, (unsigned)len};
	fx_cert_spec_t spec = {
	        .cn = "device", .san_octets = &name, .san_octet_count = 1};
	return fx_cert_new(pki.leaf_key, &spec, pki.sub, pki.sub_key);
}

/* Zone example.com allows every name under _device.kit.example; both
 * device names publish the device CA as DANE-TA (2 0 1). */
static dance_authz_t *device_authz(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	need_pki();
	base_config(&cfg);
	dance_policy_init(&p);
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(&p, ZONE, &z, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(
	        dance_policy_allow_suffix(z, "*._device.kit.example", NULL),
	        DANCE_OK);
	dance_authz_t *a = new_authz(&cfg, &p);
	seed(a, "_xfr-client." EXCLUDED, DANCE_DNS_SECURE, 2, 0, 1,
	     &pki.ca->der);
	seed(a, "_xfr-client." PERMITTED, DANCE_DNS_SECURE, 2, 0, 1,
	     &pki.ca->der);
	return a;
}

/* Decides for the chain leaf, sub-CA, CA; claimed may be NULL (then the
 * certificate's names are the only hint). */
static void decide_chain(dance_authz_t *a, const fx_cert_t *leaf,
                         const char *claimed, dance_decision_t *d)
{
	gnutls_datum_t chain[3] = {leaf->der, pki.sub->der, pki.ca->der};
	dance_creds_t creds = {DANCE_CRED_X509, chain, 3};
	decide(a, ZONE, 1, &creds, claimed, d);
}

#define VARIANT(what, octets)                                                  \
	{                                                                      \
		what, octets, sizeof(octets) - 1                               \
	}

static const struct confusable {
	const char *what;
	const char *octets;
	size_t len;
} confusables[] = {
        VARIANT("fullwidth letters", "\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96"
                                     "\xef\xbc\x92._device.kit.example"),
        VARIANT("zero-width space", "dev\xe2\x80\x8b"
                                    "2._device.kit.example"),
        VARIANT("ideographic full stop", "dev2._device.kit\xe3\x80\x82"
                                         "example"),
        VARIANT("trailing soft hyphen", "dev2\xc2\xad._device.kit.example"),
        VARIANT("Kelvin sign", "dev2._device.\xe2\x84\xaa"
                               "it.example"),
        VARIANT("embedded NUL", "dev2._device.kit.example\0.x"),
};

static void test_confusables_refused(void)
{
	dance_authz_t *a = device_authz();
	for (size_t i = 0; i < sizeof(confusables) / sizeof(confusables[0]);
	     i++) {
		const struct confusable *c = &confusables[i];
		fx_cert_t *leaf = device_leaf(c->octets, c->len);
		dance_decision_t found, claimed;
		decide_chain(a, leaf, NULL, &found);
		decide_chain(a, leaf, EXCLUDED, &claimed);
		if (found.allow || claimed.allow) {
			fprintf(stderr, "\n  %s authorized: %s / %s\n", c->what,
			        found.detail, claimed.detail);
		}
		CU_ASSERT_EQUAL(found.allow, 0);
		CU_ASSERT_NOT_EQUAL(found.reason, DANCE_REASON_AUTHORIZED);
		CU_ASSERT_PTR_NOT_NULL(strstr(found.detail, "name ignored"));
		CU_ASSERT_EQUAL(claimed.allow, 0);
		CU_ASSERT_EQUAL(claimed.reason, DANCE_REASON_TA_NAME);
		fx_cert_free(leaf);
	}
	dance_authz_free(a);
}

static void test_constraint_holds(void)
{
	dance_authz_t *a = device_authz();
	fx_cert_t *excluded = device_leaf(EXCLUDED, strlen(EXCLUDED));
	fx_cert_t *permitted = device_leaf(PERMITTED, strlen(PERMITTED));
	fx_cert_t *upper = device_leaf("DEV3._Device.Kit.Example.",
	                               strlen("DEV3._Device.Kit.Example."));
	dance_decision_t d;
	/* The excluded name fails GnuTLS's path check. */
	decide_chain(a, excluded, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TA_PATH);
	decide_chain(a, excluded, EXCLUDED, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TA_PATH);
	/* A permitted name passes, found from the certificate or claimed. */
	decide_chain(a, permitted, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, PERMITTED);
	decide_chain(a, permitted, PERMITTED, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	/* ASCII case and one trailing dot do not matter. */
	decide_chain(a, upper, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, PERMITTED);
	fx_cert_free(excluded);
	fx_cert_free(permitted);
	fx_cert_free(upper);
	dance_authz_free(a);
}

/* owner-template "{name}", allow-suffix example.: the HTTPS server's
 * TLSA at _443._tcp.www.example names the key the client presents. */
static dance_authz_t *freeform_authz(const fx_key_t *key)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	base_config(&cfg);
	cfg.owner_template = "{name}";
	dance_policy_init(&p);
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(&p, ZONE, &z, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*.example.", NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(
	        dance_policy_allow_name(z, "_853._tcp.ns.example", NULL),
	        DANCE_OK);
	dance_authz_t *a = new_authz(&cfg, &p);
	seed_ee(a, "_443._tcp.www.example", key);
	seed_ee(a, "_853._tcp.ns.example", key);
	seed_ee(a, "_xfr-client.ns2.example", key);
	seed_ee(a, "ns2.example", key);
	return a;
}

static void test_service_owner_never_identity(void)
{
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t plain = {.cn = "www"};
	fx_cert_spec_t named = {.cn = "www",
	                        .san_dns = {"_443._tcp.www.example", NULL}};
	fx_cert_t *cert = fx_cert_new(key, &plain, NULL, NULL);
	fx_cert_t *san = fx_cert_new(key, &named, NULL, NULL);
	dance_authz_t *a = freeform_authz(key);
	dance_creds_t c = creds_of(cert);
	dance_decision_t d;
	/* Claimed (dane_clientid), in any case, with a trailing dot. */
	const char *claims[] = {"_443._tcp.www.example",
	                        "_443._TCP.WWW.example.", "_0._udp.www.example",
	                        "_853._tcp.ns.example"};
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		decide(a, ZONE, 1, &c, claims[i], &d);
		CU_ASSERT_EQUAL(d.allow, 0);
		CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "service"));
	}
	/* Found by key discovery (an allowed name) or from the SAN. */
	decide(a, ZONE, 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "service"));
	c = creds_of(san);
	decide(a, ZONE, 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "service"));
	/* Names of another shape still work with the same template. */
	decide(a, ZONE, 1, &c, "ns2.example", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	decide(a, ZONE, 1, &c, "_xfr-client.ns2.example", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	dance_authz_free(a);
	fx_cert_free(cert);
	fx_cert_free(san);
	fx_key_free(key);
}

void register_identity_suite(void)
{
	CU_pSuite s = CU_add_suite("identity", NULL, free_pki);
	CU_add_test(s, "look-alike certificate names are refused",
	            test_confusables_refused);
	CU_add_test(s, "name constraint holds, permitted name allowed",
	            test_constraint_holds);
	CU_add_test(s, "service TLSA owner is never an identity",
	            test_service_owner_never_identity);
}
