/* test_authz.c: decisions that need no DNS server: transport, credentials,
 * zone policy, claimed names refused without a lookup (proved by the
 * counters), and decisions on answers seeded into the authorizer's cache
 * through its test seam (authz_internal.h). The resolver is real but
 * points at a closed port; the DNS path itself is tested end to end
 * (tests/e2e/test_authz_dns.c). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "../../src/lib/authz_internal.h"
#include "../../src/lib/peer_digest.h"
#include "dance/authz.h"
#include "authz_fx.h"
#include "fixtures.h"
#include "suites.h"

typedef struct authz_fx {
	fx_key_t *ns2_key, *ns6_key, *ca_key, *ns7_key;
	fx_cert_t *ns2_cert, *ns6_cert, *ca_cert, *ns7_cert, *ns7_wrong;
	gnutls_datum_t ns7_chain[2];
	gnutls_datum_t ns7_wrong_chain[2];
} authz_fx_t;

static authz_fx_t fx;

typedef struct fake_clock {
	int64_t now;
} fake_clock_t;

static int64_t fake_now(void *arg)
{
	return ((fake_clock_t *)arg)->now;
}

static void make_fixtures(void)
{
	if (fx.ns2_key != NULL) {
		return;
	}
	fx_cert_spec_t ns2 = {.cn = "ns2.example.net"};
	fx_cert_spec_t ns6 = {.cn = "ns6.example.net"};
	fx_cert_spec_t ca = {.cn = "Test CA", .is_ca = 1};
	fx_cert_spec_t ns7 = {.cn = "ns7.example.net",
	                      .san_dns = {"ns7.example.net", NULL}};
	fx_cert_spec_t wrong = {.cn = "other.example.net",
	                        .san_dns = {"other.example.net", NULL}};
	fx.ns2_key = fx_key_new(FX_ECDSA);
	fx.ns6_key = fx_key_new(FX_ED25519);
	fx.ca_key = fx_key_new(FX_ECDSA);
	fx.ns7_key = fx_key_new(FX_ECDSA);
	fx.ns2_cert = fx_cert_new(fx.ns2_key, &ns2, NULL, NULL);
	fx.ns6_cert = fx_cert_new(fx.ns6_key, &ns6, NULL, NULL);
	fx.ca_cert = fx_cert_new(fx.ca_key, &ca, NULL, NULL);
	fx.ns7_cert = fx_cert_new(fx.ns7_key, &ns7, fx.ca_cert, fx.ca_key);
	fx.ns7_wrong = fx_cert_new(fx.ns7_key, &wrong, fx.ca_cert, fx.ca_key);
	fx.ns7_chain[0] = fx.ns7_cert->der;
	fx.ns7_chain[1] = fx.ca_cert->der;
	fx.ns7_wrong_chain[0] = fx.ns7_wrong->der;
	fx.ns7_wrong_chain[1] = fx.ca_cert->der;
}

static int suite_cleanup(void)
{
	fx_cert_free(fx.ns2_cert);
	fx_cert_free(fx.ns6_cert);
	fx_cert_free(fx.ns7_cert);
	fx_cert_free(fx.ns7_wrong);
	fx_cert_free(fx.ca_cert);
	fx_key_free(fx.ns2_key);
	fx_key_free(fx.ns6_key);
	fx_key_free(fx.ca_key);
	fx_key_free(fx.ns7_key);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* Policy: example.com allows ns2 and ns6 by name, suffix *.sec.example.net,
 * NS-derived on; "*" allows ns9 only. */
static void base_policy(dance_policy_t *p)
{
	dance_policy_zone_t *z;
	dance_policy_init(p);
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(p, "example.com", &z, NULL),
	                      DANCE_OK);
	dance_policy_allow_name(z, "ns2.example.net", NULL);
	dance_policy_allow_name(z, "ns6.example.net", NULL);
	dance_policy_allow_suffix(z, "*.sec.example.net", NULL);
	z->ns_derived = 1;
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(p, "*", &z, NULL), DANCE_OK);
	dance_policy_allow_name(z, "ns9.example.net", NULL);
}

static dance_authz_t *default_authz(fake_clock_t *clock)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	make_fixtures();
	base_config(&cfg);
	base_policy(&p);
	dance_authz_t *a = new_authz(&cfg, &p);
	CU_ASSERT_EQUAL(p.count, 0); /* ownership taken */
	if (clock != NULL) {
		clock->now = dance_cache_now_ms();
		dance_authz_set_clock(a, fake_now, clock);
	}
	return a;
}

static void test_not_tls(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "example.com", 0, &c, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_TLS);
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_NOT_TLS], 1);
	CU_ASSERT_EQUAL(st.cache_hits, 0);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_no_credentials(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_decision_t d;
	decide(a, "example.com", 1, NULL, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NO_CREDENTIALS);
	dance_creds_t empty = {DANCE_CRED_X509, NULL, 0};
	decide(a, "example.com", 1, &empty, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NO_CREDENTIALS);
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_NO_CREDENTIALS], 2);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_zone_without_policy(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	make_fixtures();
	base_config(&cfg);
	dance_policy_init(&p);
	dance_policy_zone(&p, "example.com", &z, NULL);
	dance_policy_allow_name(z, "ns2.example.net", NULL);
	dance_authz_t *a = new_authz(&cfg, &p);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "example.org", 1, &c, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "zone example.org has no "
	                                        "dance policy"));
	decide(a, "example.org", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	decide(a, NULL, 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_claimed_not_allowed_no_lookup(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "example.com", 1, &c, "_xfr-client.evil.example.org", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(d.identity, "evil.example.org");
	decide(a, "example.com", 1, &c, "evil.example.org", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	/* ns9 is allowed by "*", but example.com has its own entry. */
	decide(a, "example.com", 1, &c, "ns9.example.net", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	/* The suffix itself is not under the suffix. */
	decide(a, "example.com", 1, &c, "sec.example.net", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_NOT_ALLOWED], 4);
	CU_ASSERT_EQUAL(st.cache_hits, 0);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_bad_clientid(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "example.com", 1, &c, "bad..name", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BAD_CLIENTID);
	decide(a, "example.com", 1, &c, "", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BAD_CLIENTID);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_claimed_allowed(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c2 = creds_of(fx.ns2_cert), c6 = creds_of(fx.ns6_cert);
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	decide(a, "example.com", 1, &c2, "_xfr-client.ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	/* The client name itself is accepted as a claim too. */
	decide(a, "Example.COM.", 1, &c2, "NS2.example.net.", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	/* ns2's name with ns6's key. */
	decide(a, "example.com", 1, &c6, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TLSA_MISMATCH);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.cache_hits, 3);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_AUTHORIZED], 2);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_TLSA_MISMATCH], 1);
	CU_ASSERT_EQUAL(st.cache_entries, 1);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_states_deny_with_reason(void)
{
	static const struct {
		dance_dns_state_t state;
		dance_reason_t reason;
	} cases[] = {
	        {DANCE_DNS_INSECURE, DANCE_REASON_INSECURE},
	        {DANCE_DNS_BOGUS, DANCE_REASON_BOGUS},
	        {DANCE_DNS_NXDOMAIN, DANCE_REASON_NXDOMAIN},
	        {DANCE_DNS_NODATA, DANCE_REASON_NODATA},
	        {DANCE_DNS_SERVFAIL, DANCE_REASON_SERVFAIL},
	        {DANCE_DNS_TIMEOUT, DANCE_REASON_TIMEOUT},
	};
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Even a matching record does not help an unsigned set. */
		seed(a, "_xfr-client.ns2.example.net", cases[i].state, 3, 1, 1,
		     cases[i].state == DANCE_DNS_INSECURE ? &fx.ns2_key->spki
		                                          : NULL);
		decide(a, "example.com", 1, &c, "ns2.example.net", &d);
		CU_ASSERT_EQUAL(d.allow, 0);
		CU_ASSERT_EQUAL(d.reason, cases[i].reason);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "seeded"));
		CU_ASSERT_PTR_NOT_NULL(
		        strstr(d.detail, dance_dns_state_name(cases[i].state)));
	}
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_unusable_records(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	/* PKIX-TA without a CA file is unusable. */
	seed(a, "_xfr-client.ns2.example.net", DANCE_DNS_SECURE, 0, 0, 1,
	     &fx.ca_cert->der);
	decide(a, "example.com", 1, &c, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TLSA_UNUSABLE);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_suffix_needs_claim(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns6_cert);
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	seed_ee(a, "_xfr-client.ns6.example.net", fx.ns2_key);
	seed_ee(a, "_xfr-client.a.sec.example.net", fx.ns6_key);
	decide(a, "example.com", 1, &c, "a.sec.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "a.sec.example.net");
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "suffix"));
	/* Without the claim, a suffix identity cannot be discovered. */
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	char hex[65];
	CU_ASSERT_EQUAL(dance_creds_spki_sha256_hex(&c, hex, NULL), DANCE_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, hex));
	assert_no_dns(a);
	dance_authz_free(a);
}

/* Certificate names as claims (authz_san.c): tried only when discovery
 * finds nothing and no name was claimed, only for X.509, policy first
 * (no lookup for a name the zone does not allow), at most four names,
 * the first allow wins, else the most telling denial. */
static void test_san_names_as_claims(void)
{
	make_fixtures();
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t one = {.cn = "a", .san_dns = {"a.sec.example.net"}};
	fx_cert_spec_t outside = {.cn = "x",
	                          .san_dns = {"x.elsewhere.example"}};
	fx_cert_spec_t second = {
	        .cn = "b",
	        .san_dns = {"x.elsewhere.example", "b.sec.example.net"}};
	fx_cert_spec_t fifth = {
	        .cn = "c",
	        .san_dns = {"c1.elsewhere.example", "c2.elsewhere.example",
	                    "c3.elsewhere.example", "c4.elsewhere.example",
	                    "c.sec.example.net"}};
	fx_cert_spec_t none = {.cn = "a.sec.example.net"};
	fx_cert_t *c_one = fx_cert_new(key, &one, NULL, NULL);
	fx_cert_t *c_outside = fx_cert_new(key, &outside, NULL, NULL);
	fx_cert_t *c_second = fx_cert_new(key, &second, NULL, NULL);
	fx_cert_t *c_fifth = fx_cert_new(key, &fifth, NULL, NULL);
	fx_cert_t *c_none = fx_cert_new(key, &none, NULL, NULL);
	dance_decision_t d;

	/* A suffix identity, found through the certificate's name. */
	dance_authz_t *a = default_authz(NULL);
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	seed_ee(a, "_xfr-client.ns6.example.net", fx.ns6_key);
	seed_ee(a, "_xfr-client.a.sec.example.net", key);
	seed_ee(a, "_xfr-client.b.sec.example.net", key);
	seed_ee(a, "_xfr-client.c.sec.example.net", key);
	dance_creds_t c = creds_of(c_one);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "a.sec.example.net");
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "subjectAltName"));
	/* The second name, when the first is not allowed. */
	c = creds_of(c_second);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "b.sec.example.net");
	/* Only four names are tried. */
	c = creds_of(c_fifth);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(d.identity, "c1.elsewhere.example");
	/* No name in the certificate: discovery's own answer. */
	c = creds_of(c_none);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	/* A raw public key has no names. */
	dance_creds_t rpk = {DANCE_CRED_RAWPK, &key->spki, 1};
	decide(a, "example.com", 1, &rpk, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	/* A name the zone does not allow: denied as such, no lookup. */
	c = creds_of(c_outside);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(d.identity, "x.elsewhere.example");
	assert_no_dns(a);
	dance_authz_free(a);

	/* An allowed name whose TLSA holds another key: the mismatch is
	 * more telling than discovery's unknown-key. */
	a = default_authz(NULL);
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	seed_ee(a, "_xfr-client.ns6.example.net", fx.ns6_key);
	seed_ee(a, "_xfr-client.a.sec.example.net", fx.ns2_key);
	c = creds_of(c_one);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TLSA_MISMATCH);
	CU_ASSERT_STRING_EQUAL(d.identity, "a.sec.example.net");
	/* A claimed name is never replaced by the certificate's. */
	decide(a, "example.com", 1, &c, "x.elsewhere.example", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(d.identity, "x.elsewhere.example");
	dance_authz_free(a);

	fx_cert_free(c_one);
	fx_cert_free(c_outside);
	fx_cert_free(c_second);
	fx_cert_free(c_fifth);
	fx_cert_free(c_none);
	fx_key_free(key);
}

static void test_discovery_by_name(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c2 = creds_of(fx.ns2_cert), c6 = creds_of(fx.ns6_cert);
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	seed(a, "_xfr-client.ns6.example.net", DANCE_DNS_NODATA, 0, 0, 0, NULL);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 1);
	decide(a, "example.com", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "key discovery"));
	decide(a, "example.com", 1, &c6, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	CU_ASSERT_STRING_EQUAL(d.identity, "");
	/* ns2 is not allowed for other zones (governed by "*"). */
	decide(a, "other.org", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_UNKNOWN_KEY], 2);
	/* Revocation: a proven NODATA drops ns2 from the index. */
	seed(a, "_xfr-client.ns2.example.net", DANCE_DNS_NODATA, 0, 0, 0, NULL);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 0);
	decide(a, "example.com", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	dance_authz_free(a);
}

static void test_discovery_skips_insecure(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c2 = creds_of(fx.ns2_cert);
	dance_decision_t d;
	seed(a, "_xfr-client.ns2.example.net", DANCE_DNS_INSECURE, 3, 1, 1,
	     &fx.ns2_key->spki);
	seed(a, "_xfr-client.ns6.example.net", DANCE_DNS_BOGUS, 0, 0, 0, NULL);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 0);
	decide(a, "example.com", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_discovery_ns_derived(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns6_cert);
	dance_decision_t d;
	dance_error_t err;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	seed_ee(a, "_xfr-client.ns6.example.net", fx.ns2_key);
	/* Not enumerable yet: only claimed would reach it. */
	seed_ee(a, "_xfr-client.ns8.example.net", fx.ns6_key);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 2);
	const char *ns[] = {"ns8.example.net"};
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "example.com", ns, 1, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 3);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns8.example.net");
	decide(a, "example.com", 1, &c, "ns8.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "ns rule"));
	/* Removed from the NS set: neither discovered nor allowed. */
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "example.com", NULL, 0, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_authz_indexed(a), 2);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	decide(a, "example.com", 1, &c, "ns8.example.net", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	assert_no_dns(a);
	dance_authz_free(a);
}

static void test_set_ns_zones(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	dance_error_t err;
	make_fixtures();
	base_config(&cfg);
	dance_policy_init(&p);
	dance_policy_zone(&p, "plain.example", &z, NULL);
	dance_policy_zone(&p, "*", &z, NULL);
	z->ns_derived = 1;
	dance_policy_allow_name(z, "ns2.example.net", NULL);
	dance_authz_t *a = new_authz(&cfg, &p);
	const char *ns[] = {"ns6.example.net"};
	/* A zone governed by "*" gets its own entry with its NS set. */
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "child.example", ns, 1, &err),
	                DANCE_OK);
	seed_ee(a, "_xfr-client.ns6.example.net", fx.ns6_key);
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	dance_creds_t c6 = creds_of(fx.ns6_cert), c2 = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "child.example", 1, &c6, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	decide(a, "child.example", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	/* Other zones under "*" do not see child.example's NS set. */
	decide(a, "another.example", 1, &c6, "ns6.example.net", &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	decide(a, "another.example", 1, &c2, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "bad..zone", ns, 1, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_authz_set_ns(NULL, "x.example", ns, 1, &err),
	                DANCE_EINVAL);
	dance_authz_free(a);

	/* Without a "*" entry, an unknown zone cannot get an NS set. */
	dance_policy_init(&p);
	dance_policy_zone(&p, "plain.example", &z, NULL);
	a = new_authz(&cfg, &p);
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "child.example", ns, 1, &err),
	                DANCE_ENOTFOUND);
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "plain.example", ns, 1, &err),
	                DANCE_OK);
	dance_authz_free(a);
}

static void test_any_zone_policy(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_creds_t c = creds_of(fx.ns6_cert);
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns9.example.net", fx.ns6_key);
	decide(a, "whatever.org", 1, &c, "ns9.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	decide(a, "whatever.org", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns9.example.net");
	dance_authz_free(a);
}

static void test_dane_ta(void)
{
	dance_authz_t *a = default_authz(NULL);
	dance_error_t err;
	const char *ns[] = {"ns7.example.net"};
	CU_ASSERT_EQUAL(dance_authz_set_ns(a, "example.com", ns, 1, &err),
	                DANCE_OK);
	seed(a, "_xfr-client.ns7.example.net", DANCE_DNS_SECURE, 2, 0, 1,
	     &fx.ca_cert->der);
	dance_creds_t chain = {DANCE_CRED_X509, fx.ns7_chain, 2};
	dance_creds_t wrong = {DANCE_CRED_X509, fx.ns7_wrong_chain, 2};
	dance_decision_t d;
	decide(a, "example.com", 1, &chain, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns7.example.net");
	decide(a, "example.com", 1, &chain, "ns7.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	/* Right CA, but the leaf does not name ns7. */
	decide(a, "example.com", 1, &wrong, "ns7.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TA_NAME);
	decide(a, "example.com", 1, &wrong, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_UNKNOWN_KEY);
	dance_authz_free(a);
}

static void test_bad_credentials(void)
{
	dance_authz_t *a = default_authz(NULL);
	uint8_t junk[] = {0x30, 0x03, 0x01, 0x02, 0x03};
	gnutls_datum_t der = {junk, sizeof(junk)};
	dance_creds_t bad = {DANCE_CRED_X509, &der, 1};
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
	decide(a, "example.com", 1, &bad, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BAD_CREDENTIALS);
	decide(a, "example.com", 1, &bad, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BAD_CREDENTIALS);
	dance_authz_free(a);
}

static int64_t elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_expiry_then_bounded_lookup(void)
{
	fake_clock_t clock;
	dance_authz_t *a = default_authz(&clock);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key); /* TTL 60 */
	clock.now += 59999;
	decide(a, "example.com", 1, &c, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	assert_no_dns(a);
	/* Past its bound the answer is not used; the lookup fails. */
	clock.now += 1;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	decide(a, "example.com", 1, &c, "ns2.example.net", &d);
	int64_t took = elapsed_ms(&t0);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT(d.reason == DANCE_REASON_TIMEOUT ||
	          d.reason == DANCE_REASON_SERVFAIL);
	CU_ASSERT(took < 300 + 1500);
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.cache_misses, 1);
	CU_ASSERT_EQUAL(st.lookups, 1);
	dance_authz_free(a);
}

static void test_refresher_start_stop(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	make_fixtures();
	base_config(&cfg);
	cfg.refresh = 1;
	base_policy(&p);
	dance_authz_t *a = new_authz(&cfg, &p);
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_authz_start(a, &err), DANCE_OK);
	CU_ASSERT_EQUAL(dance_authz_start(a, &err), DANCE_ESTATE);
	/* The watched identities (ns2, ns6, ns9) are looked up at once. */
	dance_authz_stats_t st;
	for (int i = 0; i < 200; i++) {
		dance_authz_stats(a, &st);
		if (st.refreshes >= 3) {
			break;
		}
		struct timespec ms10 = {0, 10000000};
		nanosleep(&ms10, NULL);
	}
	CU_ASSERT(st.refreshes >= 3);
	/* A cold miss goes through the loop and stays within the deadline. */
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	decide(a, "example.com", 1, &c, "x.sec.example.net", &d);
	CU_ASSERT(elapsed_ms(&t0) < 300 + 1500);
	CU_ASSERT_EQUAL(d.allow, 0);
	dance_authz_free(a);
}

typedef struct racer {
	dance_authz_t *a;
	dance_decision_t d;
	int64_t took_ms;
} racer_t;

static void *race_decide(void *arg)
{
	racer_t *r = arg;
	dance_creds_t c = creds_of(fx.ns2_cert);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	decide(r->a, "example.com", 1, &c, "cold.sec.example.net", &r->d);
	r->took_ms = elapsed_ms(&t0);
	return NULL;
}

/* Many decisions missing the same owner at once send one lookup. */
static void race_cold_misses(int refresh)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	make_fixtures();
	base_config(&cfg);
	cfg.refresh = refresh;
	base_policy(&p);
	dance_authz_t *a = new_authz(&cfg, &p);
	if (refresh) {
		CU_ASSERT_EQUAL(dance_authz_start(a, NULL), DANCE_OK);
	}
	enum { RACERS = 8 };
	racer_t racers[RACERS];
	pthread_t threads[RACERS];
	for (int i = 0; i < RACERS; i++) {
		racers[i].a = a;
		CU_ASSERT_EQUAL(pthread_create(&threads[i], NULL, race_decide,
		                               &racers[i]),
		                0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(threads[i], NULL);
		CU_ASSERT_EQUAL(racers[i].d.allow, 0);
		CU_ASSERT(racers[i].d.reason == DANCE_REASON_TIMEOUT ||
		          racers[i].d.reason == DANCE_REASON_SERVFAIL);
		CU_ASSERT(racers[i].took_ms < 300 + 1500);
	}
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.lookups, 1);
	CU_ASSERT_EQUAL(st.cache_misses + st.cache_hits, RACERS);
	dance_authz_free(a);
}

static void test_coalesced_blocking(void)
{
	race_cold_misses(0);
}

static void test_coalesced_loop(void)
{
	race_cold_misses(1);
}

static void test_invalid_use(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_authz_t *a = NULL;
	dance_error_t err;
	dance_decision_t d;
	base_config(&cfg);
	cfg.owner_template = "_xfr-client.example";
	dance_policy_init(&p);
	CU_ASSERT_EQUAL(dance_authz_new(&cfg, &p, &a, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(a);
	CU_ASSERT_EQUAL(dance_authz_new(NULL, &p, &a, &err), DANCE_EINVAL);
	base_config(&cfg);
	cfg.resolver.mode = DANCE_RESOLVE_AD;
	cfg.resolver.servers = (const char *const[]){"192.0.2.53"};
	CU_ASSERT_EQUAL(dance_authz_new(&cfg, &p, &a, &err), DANCE_EINVAL);
	dance_request_t req = {.zone = "example.com", .tls = 1};
	dance_authz_decide(NULL, &req, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_INTERNAL);
	base_config(&cfg);
	a = new_authz(&cfg, &p);
	dance_authz_decide(a, NULL, &d);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_INTERNAL);
	dance_authz_decide(a, &req, NULL);
	dance_authz_free(a);
	dance_authz_free(NULL);
	dance_policy_clear(&p);
}

static void test_freeform_template(void)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	make_fixtures();
	base_config(&cfg);
	cfg.owner_template = "{name}";
	dance_policy_init(&p);
	dance_policy_zone(&p, "example.com", &z, NULL);
	dance_policy_allow_name(z, "ns2.example.net", NULL);
	dance_authz_t *a = new_authz(&cfg, &p);
	seed_ee(a, "ns2.example.net", fx.ns2_key);
	dance_creds_t c = creds_of(fx.ns2_cert);
	dance_decision_t d;
	decide(a, "example.com", 1, &c, "ns2.example.net", &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	decide(a, "example.com", 1, &c, NULL, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	dance_authz_free(a);
}

/* WEAK-6: on the refused path a certificate of 2,000 subjectAltName
 * dNSNames costs what a plain one does: its names are read once, only the
 * first DANCE_CERT_SAN_MAX, and only the first DANCE_SAN_CLAIMS of those
 * are tried as claims. An allowed name in the last place tried
 * authorizes; one place later it is never tried (refused, no lookup). */
static void test_many_sans_examined(void)
{
	enum { MANY = 2000 };
	static char text[MANY][40];
	static gnutls_datum_t names[MANY];
	static const char allowed[] = "peer.sec.example.net";
	make_fixtures();
	fx_key_t *key = fx_key_new(FX_ECDSA);
	for (size_t at = DANCE_SAN_CLAIMS - 1; at <= DANCE_SAN_CLAIMS; at++) {
		for (size_t i = 0; i < MANY; i++) {
			int n = i == at ? snprintf(text[i], sizeof(text[i]),
			                           "%s", allowed)
			                : snprintf(text[i], sizeof(text[i]),
			                           "h%04zu.elsewhere.example",
			                           i);
			names[i].data = (unsigned char *)text[i];
			names[i].size = (unsigned)n;
		}
		fx_cert_spec_t spec = {.cn = "many",
		                       .san_octets = names,
		                       .san_octet_count = MANY};
		fx_cert_t *cert = fx_cert_new(key, &spec, NULL, NULL);
		dance_creds_t c = creds_of(cert);
		dance_peer_t *peer = NULL;
		CU_ASSERT_EQUAL_FATAL(dance_peer_new(&c, &peer, NULL),
		                      DANCE_OK);
		CU_ASSERT_EQUAL(peer->scan.examined, DANCE_CERT_SAN_MAX);
		CU_ASSERT_TRUE(peer->scan.truncated);
		CU_ASSERT_EQUAL(peer->names.count, DANCE_CERT_SAN_MAX);
		dance_authz_t *a = default_authz(NULL);
		/* The discoverable identities hold other keys. */
		seed_ee(a, "_xfr-client.ns2.example.net", fx.ns2_key);
		seed_ee(a, "_xfr-client.ns6.example.net", fx.ns6_key);
		seed_ee(a, "_xfr-client.peer.sec.example.net", key);
		dance_request_t req = {.zone = "example.com",
		                       .peer = "192.0.2.1",
		                       .tls = 1,
		                       .creds = &c,
		                       .digested = peer};
		dance_decision_t d;
		memset(&d, 0, sizeof(d));
		dance_authz_decide(a, &req, &d);
		if (at < DANCE_SAN_CLAIMS) {
			CU_ASSERT_TRUE(d.allow);
			CU_ASSERT_STRING_EQUAL(d.identity, allowed);
		} else {
			CU_ASSERT_FALSE(d.allow);
			CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
			CU_ASSERT_STRING_EQUAL(d.identity,
			                       "h0000.elsewhere.example");
		}
		assert_no_dns(a);
		dance_authz_free(a);
		dance_peer_free(peer);
		fx_cert_free(cert);
	}
	fx_key_free(key);
}

void register_authz_suite(void)
{
	CU_pSuite s = CU_add_suite("authz", NULL, suite_cleanup);
	CU_add_test(s, "not TLS", test_not_tls);
	CU_add_test(s, "no credentials", test_no_credentials);
	CU_add_test(s, "zone without policy", test_zone_without_policy);
	CU_add_test(s, "claimed name not allowed: no lookup",
	            test_claimed_not_allowed_no_lookup);
	CU_add_test(s, "bad dane_clientid", test_bad_clientid);
	CU_add_test(s, "claimed name allowed", test_claimed_allowed);
	CU_add_test(s, "each DNS state denies with its reason",
	            test_states_deny_with_reason);
	CU_add_test(s, "unusable records", test_unusable_records);
	CU_add_test(s, "suffix rules need a claim", test_suffix_needs_claim);
	CU_add_test(s, "certificate names as claims", test_san_names_as_claims);
	CU_add_test(s, "key discovery by explicit name",
	            test_discovery_by_name);
	CU_add_test(s, "key discovery skips insecure answers",
	            test_discovery_skips_insecure);
	CU_add_test(s, "key discovery of NS-derived names",
	            test_discovery_ns_derived);
	CU_add_test(s, "NS sets per zone", test_set_ns_zones);
	CU_add_test(s, "\"*\" zone policy", test_any_zone_policy);
	CU_add_test(s, "DANE-TA", test_dane_ta);
	CU_add_test(s, "bad credentials", test_bad_credentials);
	CU_add_test(s, "expiry then a bounded lookup",
	            test_expiry_then_bounded_lookup);
	CU_add_test(s, "refresher start and stop", test_refresher_start_stop);
	CU_add_test(s, "cold misses coalesced (blocking)",
	            test_coalesced_blocking);
	CU_add_test(s, "cold misses coalesced (loop)", test_coalesced_loop);
	CU_add_test(s, "invalid use", test_invalid_use);
	CU_add_test(s, "freeform owner template", test_freeform_template);
	CU_add_test(s, "2,000 SANs: names read once, capped, 4 tried",
	            test_many_sans_examined);
}
