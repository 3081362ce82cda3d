/* test_cache.c: TLSA answer cache: lifetime bounds (TTL, RRSIG expiry,
 * configured maximum, negative TTL), LRU eviction at the entry limit,
 * replacement, and references that outlive replacement. Time is passed in,
 * so nothing sleeps. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../../src/lib/cache.h"
#include "suites.h"

/* A fixed "now": 2030-01-01T00:00:00Z in ms. */
#define T0     1893456000000LL
#define T0_SEC 1893456000LL

static void make_answer(dance_tlsa_answer_t *a, dance_dns_state_t state,
                        uint32_t ttl, time_t rrsig_expiry, uint8_t tag)
{
	dance_tlsa_answer_init(a);
	a->state = state;
	a->ttl = ttl;
	a->rrsig_expiry = rrsig_expiry;
	a->fetched = (time_t)T0_SEC;
	snprintf(a->why, sizeof(a->why), "answer %u", tag);
	if (state == DANCE_DNS_SECURE || state == DANCE_DNS_INSECURE) {
		uint8_t data[32];
		memset(data, tag, sizeof(data));
		dance_tlsa_t rec = {3, 1, 1, data, sizeof(data)};
		CU_ASSERT_EQUAL(dance_tlsa_set_add(&a->rrset, &rec, NULL),
		                DANCE_OK);
	}
}

static dance_cache_t *new_cache(uint32_t max_ttl, uint32_t neg_ttl,
                                size_t max_entries)
{
	dance_cache_config_t cfg = {max_ttl, neg_ttl, max_entries};
	dance_cache_t *c = NULL;
	CU_ASSERT_EQUAL_FATAL(dance_cache_new(&cfg, &c, NULL), DANCE_OK);
	return c;
}

/* Stores an answer made by make_answer; returns the info. */
static dance_cache_info_t put(dance_cache_t *c, const char *owner,
                              dance_dns_state_t state, uint32_t ttl,
                              time_t rrsig_expiry, uint8_t tag, int64_t now)
{
	dance_tlsa_answer_t a;
	dance_cache_info_t info;
	make_answer(&a, state, ttl, rrsig_expiry, tag);
	CU_ASSERT_EQUAL(dance_cache_put(c, owner, &a, now, &info, NULL),
	                DANCE_OK);
	dance_tlsa_answer_clear(&a);
	return info;
}

/* True when owner is cached at now (and releases the reference). */
static int cached(dance_cache_t *c, const char *owner, int64_t now)
{
	dance_cache_entry_t *e = dance_cache_get(c, owner, now);
	dance_cache_entry_release(c, e);
	return e != NULL;
}

static void test_ttl_bound(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	dance_cache_info_t info =
	        put(c, "_xfr-client.a.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	CU_ASSERT_EQUAL(info.replaced, 1);
	CU_ASSERT_EQUAL(info.present, 1);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_SECURE);
	CU_ASSERT_EQUAL(info.lifetime_ms, 60000);
	CU_ASSERT_EQUAL(info.expires_ms, T0 + 60000);
	dance_cache_entry_t *e = dance_cache_get(c, "_xfr-client.a.test", T0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->owner, "_xfr-client.a.test");
	CU_ASSERT_EQUAL(e->answer.state, DANCE_DNS_SECURE);
	CU_ASSERT_EQUAL(e->answer.rrset.count, 1);
	CU_ASSERT_EQUAL(e->answer.rrset.records[0].data[0], 1);
	CU_ASSERT_EQUAL(e->stored_ms, T0);
	CU_ASSERT_EQUAL(e->expires_ms, T0 + 60000);
	dance_cache_entry_release(c, e);
	CU_ASSERT_TRUE(cached(c, "_xfr-client.a.test", T0 + 59999));
	CU_ASSERT_FALSE(cached(c, "_xfr-client.a.test", T0 + 60000));
	/* An expired entry is dropped when touched. */
	CU_ASSERT_EQUAL(dance_cache_count(c), 0);
	CU_ASSERT_FALSE(cached(c, "_xfr-client.other.test", T0));
	dance_cache_free(c);
}

static void test_rrsig_bound(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	dance_cache_info_t info = put(c, "o.test", DANCE_DNS_SECURE, 3600,
	                              (time_t)(T0_SEC + 10), 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 10000);
	CU_ASSERT_TRUE(cached(c, "o.test", T0 + 9999));
	CU_ASSERT_FALSE(cached(c, "o.test", T0 + 10000));
	/* Signatures already expired: not kept. */
	info = put(c, "o.test", DANCE_DNS_SECURE, 3600, (time_t)(T0_SEC - 1), 2,
	           T0);
	CU_ASSERT_EQUAL(info.replaced, 0);
	CU_ASSERT_EQUAL(info.present, 0);
	CU_ASSERT_FALSE(cached(c, "o.test", T0));
	/* rrsig_expiry 0 means unknown: the TTL bounds. */
	info = put(c, "o.test", DANCE_DNS_SECURE, 20, 0, 3, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 20000);
	dance_cache_free(c);
}

static void test_max_bound(void)
{
	dance_cache_t *c = new_cache(5, 30, 100);
	dance_cache_info_t info = put(c, "o.test", DANCE_DNS_SECURE, 3600,
	                              (time_t)(T0_SEC + 3600), 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 5000);
	CU_ASSERT_TRUE(cached(c, "o.test", T0 + 4999));
	CU_ASSERT_FALSE(cached(c, "o.test", T0 + 5000));
	dance_cache_free(c);
	/* Defaults: max 3600 s. */
	c = new_cache(0, 0, 0);
	info = put(c, "o.test", DANCE_DNS_SECURE, 86400, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 3600000);
	dance_cache_free(c);
}

static void test_negative_ttl(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	dance_cache_info_t info =
	        put(c, "nx.test", DANCE_DNS_NXDOMAIN, 300, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_NXDOMAIN);
	info = put(c, "nodata.test", DANCE_DNS_NODATA, 10, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 10000);
	info = put(c, "nodata0.test", DANCE_DNS_NODATA, 0, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	info = put(c, "insecure.test", DANCE_DNS_INSECURE, 3600, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	info = put(c, "bogus.test", DANCE_DNS_BOGUS, 3600, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	info = put(c, "servfail.test", DANCE_DNS_SERVFAIL, 0, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	info = put(c, "timeout.test", DANCE_DNS_TIMEOUT, 0, 0, 1, T0);
	CU_ASSERT_EQUAL(info.lifetime_ms, 30000);
	CU_ASSERT_EQUAL(dance_cache_count(c), 7);
	CU_ASSERT_TRUE(cached(c, "nodata.test", T0 + 9999));
	CU_ASSERT_FALSE(cached(c, "nodata.test", T0 + 10000));
	CU_ASSERT_TRUE(cached(c, "bogus.test", T0 + 29999));
	CU_ASSERT_FALSE(cached(c, "bogus.test", T0 + 30000));
	dance_cache_free(c);
}

static void test_zero_ttl_not_kept(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	put(c, "o.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	/* A fresh answer with TTL 0 is not cached and drops the old one. */
	dance_cache_info_t info =
	        put(c, "o.test", DANCE_DNS_SECURE, 0, 0, 2, T0 + 1000);
	CU_ASSERT_EQUAL(info.present, 0);
	CU_ASSERT_FALSE(cached(c, "o.test", T0 + 1000));
	CU_ASSERT_EQUAL(dance_cache_count(c), 0);
	dance_cache_free(c);
}

static void test_lru_eviction(void)
{
	dance_cache_t *c = new_cache(3600, 30, 3);
	put(c, "a.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	put(c, "b.test", DANCE_DNS_SECURE, 60, 0, 2, T0);
	put(c, "c.test", DANCE_DNS_SECURE, 60, 0, 3, T0);
	CU_ASSERT_EQUAL(dance_cache_count(c), 3);
	/* Touch a: b is now the least recently used. */
	CU_ASSERT_TRUE(cached(c, "a.test", T0));
	put(c, "d.test", DANCE_DNS_SECURE, 60, 0, 4, T0);
	CU_ASSERT_EQUAL(dance_cache_count(c), 3);
	CU_ASSERT_FALSE(cached(c, "b.test", T0));
	CU_ASSERT_TRUE(cached(c, "a.test", T0));
	CU_ASSERT_TRUE(cached(c, "c.test", T0));
	CU_ASSERT_TRUE(cached(c, "d.test", T0));
	/* Replacing an entry does not evict another. */
	put(c, "c.test", DANCE_DNS_NODATA, 60, 0, 5, T0);
	CU_ASSERT_EQUAL(dance_cache_count(c), 3);
	CU_ASSERT_TRUE(cached(c, "a.test", T0));
	/* Many more than the limit. */
	char owner[32];
	for (int i = 0; i < 100; i++) {
		snprintf(owner, sizeof(owner), "n%d.test", i);
		put(c, owner, DANCE_DNS_SECURE, 60, 0, (uint8_t)i, T0);
	}
	CU_ASSERT_EQUAL(dance_cache_count(c), 3);
	CU_ASSERT_TRUE(cached(c, "n99.test", T0));
	CU_ASSERT_TRUE(cached(c, "n97.test", T0));
	CU_ASSERT_FALSE(cached(c, "n96.test", T0));
	dance_cache_free(c);
}

static void test_replacement_and_references(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	put(c, "o.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	dance_cache_entry_t *old = dance_cache_get(c, "o.test", T0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	dance_cache_info_t info =
	        put(c, "o.test", DANCE_DNS_SECURE, 60, 0, 2, T0 + 1000);
	CU_ASSERT_EQUAL(info.replaced, 1);
	CU_ASSERT_EQUAL(info.expires_ms, T0 + 61000);
	dance_cache_entry_t *fresh = dance_cache_get(c, "o.test", T0 + 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fresh);
	CU_ASSERT_EQUAL(fresh->answer.rrset.records[0].data[0], 2);
	/* The old reference still reads its own data. */
	CU_ASSERT_EQUAL(old->answer.rrset.records[0].data[0], 1);
	CU_ASSERT_EQUAL(dance_cache_count(c), 1);
	/* A proven negative revokes at once. */
	info = put(c, "o.test", DANCE_DNS_NODATA, 60, 0, 3, T0 + 2000);
	CU_ASSERT_EQUAL(info.replaced, 1);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_NODATA);
	dance_cache_entry_t *neg = dance_cache_get(c, "o.test", T0 + 2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(neg);
	CU_ASSERT_EQUAL(neg->answer.state, DANCE_DNS_NODATA);
	/* Removal leaves outstanding references valid too. */
	dance_cache_remove(c, "o.test");
	CU_ASSERT_EQUAL(dance_cache_count(c), 0);
	CU_ASSERT_STRING_EQUAL(neg->answer.why, "answer 3");
	dance_cache_entry_release(c, old);
	dance_cache_entry_release(c, fresh);
	dance_cache_entry_release(c, neg);
	dance_cache_remove(c, "o.test");
	dance_cache_free(c);
}

static void test_transient_failure_keeps_secure(void)
{
	dance_cache_t *c = new_cache(3600, 30, 100);
	put(c, "o.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	dance_cache_info_t info =
	        put(c, "o.test", DANCE_DNS_TIMEOUT, 0, 0, 2, T0 + 40000);
	CU_ASSERT_EQUAL(info.replaced, 0);
	CU_ASSERT_EQUAL(info.present, 1);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_SECURE);
	CU_ASSERT_EQUAL(info.expires_ms, T0 + 60000);
	info = put(c, "o.test", DANCE_DNS_SERVFAIL, 0, 0, 3, T0 + 50000);
	CU_ASSERT_EQUAL(info.replaced, 0);
	dance_cache_entry_t *e = dance_cache_get(c, "o.test", T0 + 59999);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->answer.state, DANCE_DNS_SECURE);
	dance_cache_entry_release(c, e);
	/* Used until its bound and not after. */
	CU_ASSERT_FALSE(cached(c, "o.test", T0 + 60000));
	/* Once expired, a failure is stored (negative). */
	put(c, "o.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	info = put(c, "o.test", DANCE_DNS_SERVFAIL, 0, 0, 4, T0 + 60000);
	CU_ASSERT_EQUAL(info.replaced, 1);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_SERVFAIL);
	/* A bogus answer is not transient: it replaces. */
	put(c, "p.test", DANCE_DNS_SECURE, 60, 0, 1, T0);
	info = put(c, "p.test", DANCE_DNS_BOGUS, 0, 0, 5, T0 + 1000);
	CU_ASSERT_EQUAL(info.replaced, 1);
	CU_ASSERT_EQUAL(info.state, DANCE_DNS_BOGUS);
	dance_cache_free(c);
}

static void test_lifetime_and_invalid(void)
{
	dance_cache_t *c = new_cache(100, 20, 10);
	dance_tlsa_answer_t a;
	make_answer(&a, DANCE_DNS_SECURE, 50, (time_t)(T0_SEC + 30), 1);
	CU_ASSERT_EQUAL(dance_cache_lifetime_ms(c, &a, T0), 30000);
	CU_ASSERT_EQUAL(dance_cache_lifetime_ms(c, &a, T0 + 40000), 0);
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_cache_put(c, NULL, &a, T0, NULL, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_cache_put(NULL, "o.test", &a, T0, NULL, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_cache_put(c, "o.test", NULL, T0, NULL, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(dance_cache_get(c, NULL, T0));
	CU_ASSERT_PTR_NULL(dance_cache_get(NULL, "o.test", T0));
	dance_tlsa_answer_clear(&a);
	CU_ASSERT(dance_cache_now_ms() > 1600000000000LL);
	dance_cache_free(c);
	dance_cache_free(NULL);
}

void register_cache_suite(void)
{
	CU_pSuite s = CU_add_suite("cache", NULL, NULL);
	CU_add_test(s, "TTL bound", test_ttl_bound);
	CU_add_test(s, "RRSIG expiry bound", test_rrsig_bound);
	CU_add_test(s, "configured maximum", test_max_bound);
	CU_add_test(s, "negative TTL", test_negative_ttl);
	CU_add_test(s, "zero lifetime not kept", test_zero_ttl_not_kept);
	CU_add_test(s, "LRU eviction at the limit", test_lru_eviction);
	CU_add_test(s, "replacement and references",
	            test_replacement_and_references);
	CU_add_test(s, "transient failure keeps a secure entry",
	            test_transient_failure_keeps_secure);
	CU_add_test(s, "lifetime and invalid input", test_lifetime_and_invalid);
}
