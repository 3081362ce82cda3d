/* test_faults.c: the authorizer when the DNS behind it misbehaves, with
 * the real signed test DNS behind a relay that injects the fault: an
 * upstream answering SERVFAIL, answering beyond the deadline, answering
 * with its signatures stripped, changing behaviour while answers are
 * cached; and memory and cache bounded under a stream of distinct cold
 * names. In each: no authorization without a secure match, a reason, and
 * decisions bounded by the deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "dance/authz.h"
#include "dnsfixture.h"
#include "e2e_time.h"
#include "relay.h"

void register_faults_suite(void);

#define ZONE        "example.test"
#define DEADLINE_MS 1500

static dnsfx_t fx;
static relay_t relay; /* started by each test (CUnit asserts need one) */

static int suite_init(void)
{
	return dnsfx_start(&fx, 0) == 0 ? 0 : -1;
}

static int suite_clean(void)
{
	dnsfx_stop(&fx);
	return 0;
}

/* Starts the relay in front of the test DNS and an authorizer for ZONE
 * allowing ns2 by name and anything under good.dance.test by suffix,
 * resolving through it. */
static dance_authz_t *make_authz(uint32_t max_ttl, size_t max_entries)
{
	relay_start(&relay, (uint16_t)atoi(dnsfx_get(&fx, "DNS_PORT")));
	dance_authz_config_t cfg = {
	        .resolver = {.mode = DANCE_RESOLVE_STUB,
	                     .trust_anchor_file =
	                             dnsfx_get(&fx, "TRUST_ANCHOR"),
	                     .servers = (const char *const[]){relay.front.addr},
	                     .server_count = 1,
	                     .stub_zones = fx.stub_zones,
	                     .stub_zone_count = fx.stub_zone_count},
	        .lookup_deadline_ms = DEADLINE_MS,
	        .cache_max_ttl = max_ttl,
	        .cache_neg_ttl = 1,
	        .cache_max_entries = max_entries,
	};
	dance_policy_t policy;
	dance_policy_zone_t *z = NULL;
	dance_authz_t *authz = NULL;
	dance_error_t err;
	dance_policy_init(&policy);
	CU_ASSERT_EQUAL(dance_policy_zone(&policy, ZONE, &z, &err), DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, "ns2.good.dance.test", &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*.good.dance.test", &err),
	                DANCE_OK);
	if (dance_authz_new(&cfg, &policy, &authz, &err) != DANCE_OK) {
		fprintf(stderr, "authz: %s\n", err.reason);
		dance_policy_clear(&policy);
		relay_stop(&relay);
		return NULL;
	}
	return authz;
}

static void free_authz(dance_authz_t *authz)
{
	dance_authz_free(authz);
	relay_stop(&relay);
}

/* The decision for ns2's certificate claiming claimed (NULL: discovery),
 * printed, with the time it took in *took_ms. */
static dance_decision_t decide(dance_authz_t *authz, const char *claimed,
                               double *took_ms)
{
	gnutls_datum_t der = {NULL, 0};
	dance_decision_t d;
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL(dnsfx_cert(&fx, "ns2", &der), 0);
	dance_creds_t creds = {DANCE_CRED_X509, &der, 1};
	dance_request_t req = {.zone = ZONE,
	                       .peer = "127.0.0.1",
	                       .tls = 1,
	                       .creds = &creds,
	                       .claimed_name = claimed};
	double t0 = e2e_now_ms();
	dance_authz_decide(authz, &req, &d);
	double took = e2e_now_ms() - t0;
	gnutls_free(der.data);
	char line[700];
	dance_decision_format(&d, ZONE, "-", line, sizeof(line));
	fprintf(stderr, "  [%.0f ms] %s\n", took, line);
	if (took_ms != NULL) {
		*took_ms = took;
	}
	return d;
}

/* Polls the claimed decision until its allow turns to want, at most
 * limit_ms; the last decision into *last. Returns the time or -1. */
static double wait_for(dance_authz_t *authz, int want, double limit_ms,
                       dance_decision_t *last)
{
	double t0 = e2e_now_ms();
	while (e2e_now_ms() - t0 < limit_ms) {
		*last = decide(authz, "ns2.good.dance.test", NULL);
		if (last->allow == want) {
			return e2e_now_ms() - t0;
		}
		usleep(250 * 1000);
	}
	return -1;
}

static void test_upstream_servfail(void)
{
	dance_authz_t *authz = make_authz(0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
	relay_set_mode(&relay, RELAY_SERVFAIL, 0);
	double took = 0;
	dance_decision_t d = decide(authz, "ns2.good.dance.test", &took);
	CU_ASSERT_FALSE(d.allow);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_SERVFAIL);
	CU_ASSERT_TRUE(took < DEADLINE_MS + e2e_slack_ms(1000));
	/* Discovery, then the certificate's name: still SERVFAIL. */
	d = decide(authz, NULL, &took);
	CU_ASSERT_FALSE(d.allow);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_SERVFAIL);
	CU_ASSERT_TRUE(took < DEADLINE_MS + e2e_slack_ms(1000));
	dance_authz_stats_t st;
	dance_authz_stats(authz, &st);
	CU_ASSERT_EQUAL(st.decisions[DANCE_REASON_AUTHORIZED], 0);
	/* The upstream recovers: allowed once the failure's short negative
	 * cache life (1 s) is over. */
	relay_set_mode(&relay, RELAY_PASS, 0);
	took = wait_for(authz, 1, 10000, &d);
	fprintf(stderr,
	        "  allowed again %.0f ms after the upstream recovered\n", took);
	CU_ASSERT_TRUE(took >= 0);
	free_authz(authz);
}

static void test_upstream_slow(void)
{
	dance_authz_t *authz = make_authz(0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
	relay_set_mode(&relay, RELAY_SLOW, 2 * DEADLINE_MS);
	double took = 0;
	dance_decision_t d = decide(authz, "ns2.good.dance.test", &took);
	CU_ASSERT_FALSE(d.allow);
	CU_ASSERT_TRUE(d.reason == DANCE_REASON_TIMEOUT ||
	               d.reason == DANCE_REASON_SERVFAIL);
	/* Correctness bound: the deadline, not the upstream's delay. */
	CU_ASSERT_TRUE(took < DEADLINE_MS + e2e_slack_ms(1000));
	relay_set_mode(&relay, RELAY_PASS, 0);
	took = wait_for(authz, 1, 15000, &d);
	CU_ASSERT_TRUE(took >= 0);
	free_authz(authz);
}

static void test_stripped_signatures(void)
{
	dance_authz_t *authz = make_authz(0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
	relay_set_mode(&relay, RELAY_STRIP_RRSIG, 0);
	dance_decision_t d = decide(authz, "ns2.good.dance.test", NULL);
	CU_ASSERT_FALSE(d.allow);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BOGUS);
	d = decide(authz, NULL, NULL);
	CU_ASSERT_FALSE(d.allow);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BOGUS);
	relay_set_mode(&relay, RELAY_PASS, 0);
	free_authz(authz);
}

/* Secure answers are cached (bound 2 s); then an on-path attacker strips
 * the signatures: once the cached answer's bound is over, decisions deny
 * as bogus, never allow from the unsigned answers. */
static void test_signatures_stripped_while_cached(void)
{
	dance_authz_t *authz = make_authz(2, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
	relay_set_mode(&relay, RELAY_PASS, 0);
	dance_decision_t d;
	CU_ASSERT_TRUE_FATAL(wait_for(authz, 1, 10000, &d) >= 0);
	relay_set_mode(&relay, RELAY_STRIP_RRSIG, 0);
	/* libunbound's own cache holds the secure RRset for its TTL (4 s). */
	double took = wait_for(authz, 0, 2000 + 5000 + 5000, &d);
	fprintf(stderr, "  denied %.0f ms after the signatures went\n", took);
	CU_ASSERT_TRUE(took >= 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BOGUS);
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_FALSE(
		        decide(authz, "ns2.good.dance.test", NULL).allow);
	}
	relay_set_mode(&relay, RELAY_PASS, 0);
	free_authz(authz);
}

/* Resident memory in KiB, from /proc/self/status. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
		}
	}
	if (f != NULL) {
		fclose(f);
	}
	return kib;
}

/* A stream of distinct allowed names with no TLSA (each a cold lookup,
 * NXDOMAIN): the cache stays within its entry limit and memory levels
 * off. Bounded: NAMES decisions. */
#define NAMES       1500
#define MAX_ENTRIES 64
static void test_cold_name_stream_is_bounded(void)
{
	dance_authz_t *authz = make_authz(0, MAX_ENTRIES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
	relay_set_mode(&relay, RELAY_PASS, 0);
	gnutls_datum_t der = {NULL, 0};
	CU_ASSERT_EQUAL_FATAL(dnsfx_cert(&fx, "ns2", &der), 0);
	dance_creds_t creds = {DANCE_CRED_X509, &der, 1};
	long rss_early = 0;
	size_t allowed = 0, nxdomain = 0;
	double t0 = e2e_now_ms();
	for (int i = 0; i < NAMES; i++) {
		char name[64];
		snprintf(name, sizeof(name), "c%d.good.dance.test", i);
		dance_request_t req = {.zone = ZONE,
		                       .peer = "127.0.0.1",
		                       .tls = 1,
		                       .creds = &creds,
		                       .claimed_name = name};
		dance_decision_t d;
		dance_authz_decide(authz, &req, &d);
		allowed += d.allow ? 1 : 0;
		nxdomain += d.reason == DANCE_REASON_NXDOMAIN ? 1 : 0;
		if (i == NAMES / 5) {
			rss_early = rss_kib();
		}
	}
	long rss_late = rss_kib();
	dance_authz_stats_t st;
	dance_authz_stats(authz, &st);
	fprintf(stderr,
	        "  %d cold names in %.0f ms: %zu nxdomain, cache %zu entries, "
	        "RSS %ld KiB after %d, %ld KiB after %d\n",
	        NAMES, e2e_now_ms() - t0, nxdomain, st.cache_entries, rss_early,
	        NAMES / 5, rss_late, NAMES);
	CU_ASSERT_EQUAL(allowed, 0);
	CU_ASSERT_EQUAL(nxdomain, NAMES);
	CU_ASSERT_TRUE(st.cache_entries <= MAX_ENTRIES);
	/* Levels off: the last four fifths add less than 32 MiB (generous:
	 * sanitizer quarantine and libunbound's own caches included). */
	CU_ASSERT_TRUE(rss_late - rss_early < 32 * 1024);
	gnutls_free(der.data);
	free_authz(authz);
}

void register_faults_suite(void)
{
	CU_pSuite s = CU_add_suite("faults", suite_init, suite_clean);
	CU_add_test(s, "upstream answers SERVFAIL", test_upstream_servfail);
	CU_add_test(s, "upstream answers beyond the deadline",
	            test_upstream_slow);
	CU_add_test(s, "upstream strips the signatures",
	            test_stripped_signatures);
	CU_add_test(s, "signatures stripped while answers are cached",
	            test_signatures_stripped_while_cached);
	CU_add_test(s, "a stream of cold names stays bounded",
	            test_cold_name_stream_is_bounded);
}
