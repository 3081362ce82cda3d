/* refresher.h (private): every TLSA lookup of the authorizer goes through
 * here, so that there is one query in flight per owner name.
 *
 * dance_refresher_fetch answers from a lookup already in flight for the
 * owner if there is one, else starts one; either way the caller waits at
 * most its own deadline. Each answer is stored in the cache (and reported
 * through the stored callback) before any waiter sees it.
 *
 * Once started, a libuv loop in its own thread drives the resolver's
 * asynchronous API (uv_poll on dance_resolver_fd, a uv_timer for
 * dance_resolver_expire) and re-validates every watched owner before its
 * cache entry expires: at 75% of a secure entry's lifetime; a failed or
 * negative answer is retried with exponential backoff (1 s doubling up to
 * retry_max_ms). Fetches are then sent by the loop too. Before start (or
 * without it) a fetch runs a blocking lookup on the caller's thread,
 * bounded by its deadline.
 *
 * The resolver is used under one mutex, from one thread at a time.
 * dance_refresher_stop drains the loop's lookups in flight (each is
 * bounded by deadline_ms) and joins the thread.
 */
#ifndef DANCE_REFRESHER_H
#define DANCE_REFRESHER_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "dance/error.h"
#include "dance/resolver.h"

/* Called (on the thread that got the answer) after answer was offered to
 * the cache; info says what the owner's entry is now. */
typedef void (*dance_refresher_stored_fn)(void *arg, const char *owner,
                                          const dance_tlsa_answer_t *answer,
                                          const dance_cache_info_t *info);

/* Wall clock in milliseconds since the epoch. */
typedef int64_t (*dance_clock_fn)(void *arg);

typedef struct dance_refresher_config {
	dance_resolver_t *resolver; /* not owned; must outlive lookups */
	dance_cache_t *cache;       /* not owned */
	unsigned deadline_ms;       /* of each lookup; 0: 1500 */
	uint32_t retry_max_ms;      /* backoff cap; 0: 30000 */
	dance_clock_fn clock;       /* NULL: dance_cache_now_ms */
	void *clock_arg;
	dance_refresher_stored_fn stored; /* may be NULL */
	void *stored_arg;
} dance_refresher_config_t;

typedef struct dance_refresher dance_refresher_t;

typedef struct dance_refresher_stats {
	uint64_t lookups;   /* lookups started for fetches and prefetches */
	uint64_t refreshes; /* lookups started by the schedule */
	uint64_t coalesced; /* fetches that joined a lookup in flight */
} dance_refresher_stats_t;

dance_code_t dance_refresher_new(const dance_refresher_config_t *cfg,
                                 dance_refresher_t **out, dance_error_t *err);
/* Stops the loop if running and frees what is left. Free the resolver
 * first when lookups may still be pending in it (its callbacks point
 * here). */
void dance_refresher_free(dance_refresher_t *r);

/* Starts the loop thread. ESTATE when already started. */
dance_code_t dance_refresher_start(dance_refresher_t *r, dance_error_t *err);
/* Drains, stops and joins the loop thread (no-op when not running). */
void dance_refresher_stop(dance_refresher_t *r);

/* Replaces the set of owners (normalised) kept warm; owners already
 * watched keep their schedule, new ones are due at once. */
dance_code_t dance_refresher_watch(dance_refresher_t *r,
                                   const char *const *owners, size_t count,
                                   dance_error_t *err);

/* The answer for owner, from the lookup in flight for it or a new one,
 * waiting at most wait_ms: out is always filled (TIMEOUT past the wait)
 * and freed by the caller with dance_tlsa_answer_clear. *sent (may be
 * NULL) tells whether this call started the lookup. */
dance_code_t dance_refresher_fetch(dance_refresher_t *r, const char *owner,
                                   unsigned wait_ms, dance_tlsa_answer_t *out,
                                   int *sent, dance_error_t *err);

/* Starts a lookup for owner unless one is in flight, without waiting.
 * Only while the loop runs (otherwise does nothing). */
void dance_refresher_prefetch(dance_refresher_t *r, const char *owner);

void dance_refresher_stats(dance_refresher_t *r, dance_refresher_stats_t *out);

/* Milliseconds of CLOCK_MONOTONIC (for deadlines). */
int64_t dance_monotonic_ms(void);

#endif
