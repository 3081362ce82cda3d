/* fuzz_cache.c: the TLSA answer cache under arbitrary sequences of
 * stores, reads, removals and clock steps (src/lib/cache.c): the bounds
 * SECURITY.md promises for revocation.
 *
 * Input: operations of 6 bytes: op, owner (one of 6), state, TTL (2
 * bytes), clock step / RRSIG offset. Cache: max_ttl 100 s, neg_ttl 5 s,
 * at most 4 entries. A model remembers, per owner, the secure answer
 * stored last and its bound. Properties:
 * - a read never returns an expired entry, nor a SECURE one past
 *   min(TTL, max_ttl, RRSIG expiry) from its store;
 * - a SERVFAIL or TIMEOUT store never replaces an unexpired SECURE entry
 *   and never extends it; any other store replaces it;
 * - the cache never holds more than max_entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dance/resolver.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OWNERS      6
#define MAX_TTL     100
#define NEG_TTL     5
#define MAX_ENTRIES 4
#define T0_MS       ((int64_t)1800000000 * 1000)

static const char *const owners[OWNERS] = {
        "_xfr-client.a.example", "_xfr-client.b.example",
        "_xfr-client.c.example", "_xfr-client.d.example",
        "_xfr-client.e.example", "_xfr-client.f.example"};

/* What the model knows of an owner's secure entry. */
typedef struct model {
	int secure;         /* a SECURE answer is (or may be) cached */
	int64_t expires_ms; /* its bound */
} model_t;

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void do_put(dance_cache_t *c, model_t *m, const char *owner,
                   dance_dns_state_t st, uint32_t ttl, uint8_t arg, int64_t now)
{
	dance_tlsa_answer_t a;
	dance_cache_info_t info;
	dance_tlsa_answer_init(&a);
	a.state = st;
	a.ttl = ttl;
	/* RRSIG expiry: none, or from 127 s in the past to 128 s ahead. */
	a.rrsig_expiry = (arg & 1) ? (time_t)(now / 1000 + (arg >> 1) - 63) : 0;
	int transient = st == DANCE_DNS_SERVFAIL || st == DANCE_DNS_TIMEOUT;
	/* Whether a live secure entry is there (it may have been evicted). */
	int64_t before = 0;
	int protected = 0;
	dance_cache_entry_t *old = dance_cache_get(c, owner, now);
	if (old != NULL && old->answer.state == DANCE_DNS_SECURE) {
		protected = 1;
		before = old->expires_ms;
	}
	dance_cache_entry_release(c, old);
	if (dance_cache_put(c, owner, &a, now, &info, NULL) != DANCE_OK) {
		return;
	}
	if (transient && protected) {
		FUZZ_CHECK(!info.replaced, "a %s replaced a live secure entry",
		           dance_dns_state_name(st));
		FUZZ_CHECK(info.present && info.state == DANCE_DNS_SECURE &&
		                   info.expires_ms == before &&
		                   before <= m->expires_ms,
		           "a %s changed a live secure entry",
		           dance_dns_state_name(st));
		return;
	}
	if (st == DANCE_DNS_SECURE) {
		int64_t bound = now + min64((int64_t)ttl, MAX_TTL) * 1000;
		if (a.rrsig_expiry != 0) {
			bound = min64(bound, (int64_t)a.rrsig_expiry * 1000);
		}
		m->secure = 1;
		m->expires_ms = bound;
		if (info.present) {
			FUZZ_CHECK(info.expires_ms <= bound,
			           "secure entry lives to %lld, bound %lld",
			           (long long)info.expires_ms,
			           (long long)bound);
		}
	} else {
		m->secure = 0;
		if (info.present) {
			FUZZ_CHECK(info.state == st, "stored %s, entry is %s",
			           dance_dns_state_name(st),
			           dance_dns_state_name(info.state));
			FUZZ_CHECK(info.lifetime_ms <= (int64_t)NEG_TTL * 1000,
			           "%s kept %lld ms", dance_dns_state_name(st),
			           (long long)info.lifetime_ms);
		}
	}
}

static void do_get(dance_cache_t *c, const model_t *m, const char *owner,
                   int64_t now)
{
	dance_cache_entry_t *e = dance_cache_get(c, owner, now);
	if (e == NULL) {
		return;
	}
	FUZZ_CHECK(now < e->expires_ms, "expired entry returned");
	if (e->answer.state == DANCE_DNS_SECURE) {
		FUZZ_CHECK(m->secure && now < m->expires_ms,
		           "secure entry of %s used %lld ms past its bound",
		           owner, (long long)(now - m->expires_ms));
	} else {
		FUZZ_CHECK(e->expires_ms - e->stored_ms <=
		                   (int64_t)NEG_TTL * 1000,
		           "negative entry of %lld ms",
		           (long long)(e->expires_ms - e->stored_ms));
	}
	dance_cache_entry_release(c, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dance_cache_config_t cfg = {MAX_TTL, NEG_TTL, MAX_ENTRIES};
	dance_cache_t *c = NULL;
	model_t model[OWNERS];
	fuzz_reader_t r;
	int64_t now = T0_MS;
	memset(model, 0, sizeof(model));
	if (dance_cache_new(&cfg, &c, NULL) != DANCE_OK) {
		return 0;
	}
	fuzz_reader_init(&r, data, size);
	while (fuzz_left(&r) >= 6) {
		uint8_t op = fuzz_u8(&r);
		size_t o = fuzz_u8(&r) % OWNERS;
		dance_dns_state_t st = (dance_dns_state_t)(fuzz_u8(&r) % 7);
		uint32_t ttl = fuzz_u16(&r);
		uint8_t arg = fuzz_u8(&r);
		switch (op % 4) {
		case 0:
			do_put(c, &model[o], owners[o], st, ttl, arg, now);
			break;
		case 1: do_get(c, &model[o], owners[o], now); break;
		case 2:
			dance_cache_remove(c, owners[o]);
			model[o].secure = 0;
			break;
		default: now += (int64_t)arg * 250; break;
		}
		FUZZ_CHECK(dance_cache_count(c) <= MAX_ENTRIES,
		           "%zu entries held", dance_cache_count(c));
	}
	dance_cache_free(c);
	return 0;
}
