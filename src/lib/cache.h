/* cache.h (private): validated TLSA answers by owner name.
 *
 * Thread-safe (one mutex). An entry's lifetime is fixed when it is stored:
 * - SECURE: min(RRset TTL, earliest RRSIG expiry - now, max_ttl);
 * - NXDOMAIN, NODATA, INSECURE: min(answer TTL, neg_ttl) (TTL 0: neg_ttl);
 * - BOGUS, SERVFAIL, TIMEOUT: neg_ttl.
 * A lifetime of zero means the answer is not kept (and any older entry for
 * the owner is dropped). A transient failure (SERVFAIL, TIMEOUT) never
 * replaces a SECURE entry that has not expired: a validated answer stays
 * usable until its own bound, and not after.
 * The cache holds at most max_entries; storing one more evicts the least
 * recently used entry.
 *
 * Time is passed in by the caller (milliseconds of the wall clock, as
 * dance_cache_now_ms gives), so that tests run without sleeping.
 *
 * dance_cache_get hands out a reference-counted, read-only entry: it stays
 * valid, even if replaced or evicted meanwhile, until the caller gives it
 * back with dance_cache_entry_release.
 */
#ifndef DANCE_CACHE_H
#define DANCE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dance/error.h"
#include "dance/resolver.h"

typedef struct dance_cache_config {
	uint32_t max_ttl;   /* seconds; 0: 3600 */
	uint32_t neg_ttl;   /* seconds; 0: 30 */
	size_t max_entries; /* 0: 10000 */
} dance_cache_config_t;

typedef struct dance_cache dance_cache_t;

typedef struct dance_cache_entry {
	char *owner;
	dance_tlsa_answer_t answer;
	int64_t stored_ms;  /* when stored */
	int64_t expires_ms; /* first instant it is no longer used */
	unsigned refs;      /* private: guarded by the cache's mutex */
} dance_cache_entry_t;

/* What a store left in the cache for the owner. */
typedef struct dance_cache_info {
	int replaced;            /* the new answer became the entry */
	int present;             /* an entry for the owner exists now */
	dance_dns_state_t state; /* its state, when present */
	int64_t lifetime_ms;     /* its lifetime, when present */
	int64_t expires_ms;      /* its expiry, when present */
} dance_cache_info_t;

/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t dance_cache_now_ms(void);

dance_code_t dance_cache_new(const dance_cache_config_t *cfg,
                             dance_cache_t **out, dance_error_t *err);
void dance_cache_free(dance_cache_t *c);

/* Lifetime in ms the answer would get if stored at now_ms. */
int64_t dance_cache_lifetime_ms(const dance_cache_t *c,
                                const dance_tlsa_answer_t *answer,
                                int64_t now_ms);

/* Stores a copy of answer for owner (normalised) under the rules above.
 * info (may be NULL) tells what the owner's entry is afterwards. */
dance_code_t dance_cache_put(dance_cache_t *c, const char *owner,
                             const dance_tlsa_answer_t *answer, int64_t now_ms,
                             dance_cache_info_t *info, dance_error_t *err);

/* The unexpired entry for owner (a new reference), or NULL. */
dance_cache_entry_t *dance_cache_get(dance_cache_t *c, const char *owner,
                                     int64_t now_ms);
void dance_cache_entry_release(dance_cache_t *c, dance_cache_entry_t *e);

/* Drops the entry for owner, if any. */
void dance_cache_remove(dance_cache_t *c, const char *owner);

/* Number of entries held (expired ones included until touched). */
size_t dance_cache_count(dance_cache_t *c);

#endif
