/* refresher.c: coalesced TLSA lookups and the libuv refresh loop (see
 * refresher.h).
 *
 * A flight is one lookup of one owner. It is referenced by the table of
 * flights in progress (until it completes), by each waiting fetch, and by
 * the resolver while an asynchronous lookup is outstanding; every flight
 * ever allocated is also on the `all` list, so that dance_refresher_free
 * reclaims those the resolver never answered.
 *
 * Locks: resolver_mu serialises use of the resolver and is taken first;
 * mu guards flights, the watch set, the loop state and the counters.
 * The cache and the stored callback take their own locks, never while mu
 * is held.
 */
#include "refresher.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#define DEFAULT_DEADLINE_MS  1500
#define DEFAULT_RETRY_MAX_MS 30000
#define FIRST_RETRY_MS       1000
#define MIN_REFRESH_DELAY_MS 250
#define POLL_FALLBACK_MS     10

typedef struct flight {
	struct flight *next_live; /* in r->flights while not done */
	struct flight *prev_all;  /* every allocated flight */
	struct flight *next_all;
	dance_refresher_t *r;
	char *owner;
	unsigned refs;
	int queued; /* waits for the loop to send it */
	int done;
	dance_tlsa_answer_t answer; /* valid when done */
} flight_t;

typedef struct watch {
	char *owner;
	int64_t due_ms;      /* wall clock; INT64_MAX while in flight */
	uint32_t backoff_ms; /* last retry delay, 0 after success */
} watch_t;

struct dance_refresher {
	dance_refresher_config_t cfg;
	pthread_mutex_t resolver_mu;
	pthread_mutex_t mu;
	pthread_cond_t done_cond;
	flight_t *flights;
	flight_t *all;
	watch_t *watch;
	size_t watch_count;
	dance_refresher_stats_t stats;

	/* Loop state: running/stopping under mu, the rest loop-thread only. */
	int running;
	int stopping;
	int thread_started;
	pthread_t thread;
	uv_loop_t loop;
	uv_async_t wake;
	uv_poll_t poll;
	int have_poll;
	uv_timer_t poll_timer; /* fallback when the resolver has no fd */
	uv_timer_t expire_timer;
	uv_timer_t schedule_timer;
	uv_timer_t drain_timer;
	int draining;
	int closing;
};

int64_t dance_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(const dance_refresher_t *r)
{
	return r->cfg.clock != NULL ? r->cfg.clock(r->cfg.clock_arg)
	                            : dance_cache_now_ms();
}

static void answer_set_failure(dance_tlsa_answer_t *a, dance_dns_state_t state,
                               const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void answer_set_failure(dance_tlsa_answer_t *a, dance_dns_state_t state,
                               const char *fmt, ...)
{
	va_list ap;
	dance_tlsa_answer_init(a);
	a->state = state;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
}

/* ---- flights (callers hold mu) ---- */

static flight_t *flight_find(dance_refresher_t *r, const char *owner)
{
	for (flight_t *f = r->flights; f != NULL; f = f->next_live) {
		if (strcmp(f->owner, owner) == 0) {
			return f;
		}
	}
	return NULL;
}

static flight_t *flight_new(dance_refresher_t *r, const char *owner)
{
	flight_t *f = calloc(1, sizeof(*f));
	if (f == NULL || (f->owner = strdup(owner)) == NULL) {
		free(f);
		return NULL;
	}
	f->r = r;
	f->refs = 1; /* the table's */
	dance_tlsa_answer_init(&f->answer);
	f->next_live = r->flights;
	r->flights = f;
	f->next_all = r->all;
	if (r->all != NULL) {
		r->all->prev_all = f;
	}
	r->all = f;
	return f;
}

static void flight_destroy(dance_refresher_t *r, flight_t *f)
{
	if (f->prev_all != NULL) {
		f->prev_all->next_all = f->next_all;
	} else {
		r->all = f->next_all;
	}
	if (f->next_all != NULL) {
		f->next_all->prev_all = f->prev_all;
	}
	dance_tlsa_answer_clear(&f->answer);
	free(f->owner);
	free(f);
}

static void flight_unref(dance_refresher_t *r, flight_t *f)
{
	if (--f->refs == 0) {
		flight_destroy(r, f);
	}
}

static void flight_unlink_live(dance_refresher_t *r, flight_t *f)
{
	flight_t **link = &r->flights;
	while (*link != NULL && *link != f) {
		link = &(*link)->next_live;
	}
	if (*link == f) {
		*link = f->next_live;
	}
	f->next_live = NULL;
}

/* Ends a flight with answer (a copy is kept for waiters). */
static void flight_complete(dance_refresher_t *r, flight_t *f,
                            const dance_tlsa_answer_t *answer)
{
	if (f->done) {
		return;
	}
	if (dance_tlsa_answer_copy(&f->answer, answer, NULL) != DANCE_OK) {
		dance_tlsa_answer_clear(&f->answer);
		answer_set_failure(&f->answer, DANCE_DNS_SERVFAIL,
		                   "out of memory keeping the answer for %s",
		                   f->owner);
	}
	f->done = 1;
	flight_unlink_live(r, f);
	pthread_cond_broadcast(&r->done_cond);
	flight_unref(r, f); /* the table's */
}

/* ---- watch set (callers hold mu) ---- */

static watch_t *watch_find(dance_refresher_t *r, const char *owner)
{
	for (size_t i = 0; i < r->watch_count; i++) {
		if (strcmp(r->watch[i].owner, owner) == 0) {
			return &r->watch[i];
		}
	}
	return NULL;
}

static int64_t retry_delay(dance_refresher_t *r, watch_t *w)
{
	uint32_t next = w->backoff_ms == 0 ? FIRST_RETRY_MS : w->backoff_ms * 2;
	if (next > r->cfg.retry_max_ms || next < w->backoff_ms) {
		next = r->cfg.retry_max_ms;
	}
	w->backoff_ms = next;
	return next;
}

/* Schedules the next refresh of owner after an answer. */
static void watch_reschedule(dance_refresher_t *r, const char *owner,
                             dance_dns_state_t state,
                             const dance_cache_info_t *info, int64_t now)
{
	watch_t *w = watch_find(r, owner);
	if (w == NULL) {
		return;
	}
	int secure_now = info->present && info->state == DANCE_DNS_SECURE;
	int64_t delay;
	if (secure_now && state == DANCE_DNS_SECURE) {
		w->backoff_ms = 0;
		delay = info->lifetime_ms * 3 / 4;
	} else {
		delay = retry_delay(r, w);
		if (secure_now && delay > (info->expires_ms - now) * 3 / 4) {
			delay = (info->expires_ms - now) * 3 / 4;
		}
	}
	if (delay < MIN_REFRESH_DELAY_MS) {
		delay = MIN_REFRESH_DELAY_MS;
	}
	w->due_ms = now + delay;
}

/* ---- answers ---- */

/* Stores answer (when cacheable), completes the flight and reschedules
 * the owner. Takes mu itself. */
static void handle_answer(dance_refresher_t *r, flight_t *f,
                          const dance_tlsa_answer_t *answer, int cacheable)
{
	dance_cache_info_t info;
	memset(&info, 0, sizeof(info));
	int64_t now = wall_ms(r);
	pthread_mutex_lock(&r->mu);
	int orphaned = f->done;
	pthread_mutex_unlock(&r->mu);
	if (!orphaned && cacheable) {
		if (dance_cache_put(r->cfg.cache, f->owner, answer, now, &info,
		                    NULL) != DANCE_OK) {
			memset(&info, 0, sizeof(info));
		}
		if (r->cfg.stored != NULL) {
			r->cfg.stored(r->cfg.stored_arg, f->owner, answer,
			              &info);
		}
	}
	pthread_mutex_lock(&r->mu);
	if (!orphaned) {
		watch_reschedule(r, f->owner, answer->state, &info, now);
	}
	flight_complete(r, f, answer);
	pthread_mutex_unlock(&r->mu);
}

static void on_async_answer(void *arg, const char *owner,
                            const dance_tlsa_answer_t *answer)
{
	flight_t *f = arg;
	dance_refresher_t *r = f->r;
	(void)owner;
	handle_answer(r, f, answer, 1);
	pthread_mutex_lock(&r->mu);
	flight_unref(r, f); /* the resolver's */
	pthread_mutex_unlock(&r->mu);
}

/* ---- the loop (loop thread only) ---- */

static void close_all(dance_refresher_t *r);

static void arm_expire_timer(dance_refresher_t *r);

static void on_expire_timer(uv_timer_t *t)
{
	arm_expire_timer(t->data);
}

/* Times out overdue lookups and sets the timer for the next deadline;
 * ends the drain when nothing is pending any more. */
static void arm_expire_timer(dance_refresher_t *r)
{
	uint32_t next_ms = UINT32_MAX;
	pthread_mutex_lock(&r->resolver_mu);
	dance_resolver_expire(r->cfg.resolver, &next_ms);
	size_t pending = dance_resolver_pending(r->cfg.resolver);
	pthread_mutex_unlock(&r->resolver_mu);
	if (r->closing) {
		return;
	}
	if (r->draining && pending == 0) {
		close_all(r);
		return;
	}
	if (next_ms != UINT32_MAX) {
		uv_timer_start(&r->expire_timer, on_expire_timer,
		               (uint64_t)next_ms + 1, 0);
	} else {
		uv_timer_stop(&r->expire_timer);
	}
}

static void process_answers(dance_refresher_t *r)
{
	pthread_mutex_lock(&r->resolver_mu);
	dance_resolver_process(r->cfg.resolver);
	pthread_mutex_unlock(&r->resolver_mu);
	arm_expire_timer(r);
}

static void on_readable(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	process_answers(p->data);
}

static void on_poll_timer(uv_timer_t *t)
{
	process_answers(t->data);
}

static void send_lookup(dance_refresher_t *r, flight_t *f)
{
	dance_error_t err;
	dance_error_clear(&err);
	pthread_mutex_lock(&r->resolver_mu);
	dance_code_t rc = dance_resolver_lookup_async(r->cfg.resolver, f->owner,
	                                              r->cfg.deadline_ms,
	                                              on_async_answer, f, &err);
	pthread_mutex_unlock(&r->resolver_mu);
	if (rc != DANCE_OK) {
		dance_tlsa_answer_t failed;
		answer_set_failure(&failed, DANCE_DNS_SERVFAIL,
		                   "could not start the lookup of %s: %s",
		                   f->owner, err.reason);
		handle_answer(r, f, &failed, 0);
		dance_tlsa_answer_clear(&failed);
		pthread_mutex_lock(&r->mu);
		flight_unref(r, f); /* the resolver's */
		pthread_mutex_unlock(&r->mu);
	}
}

/* Takes the queued fetches and the due watched owners (caller holds mu);
 * each gets a resolver reference. Returns how many were put in out. */
static size_t collect_due(dance_refresher_t *r, int64_t now, flight_t **out,
                          size_t cap)
{
	size_t n = 0;
	for (flight_t *f = r->flights; f != NULL && n < cap; f = f->next_live) {
		if (f->queued) {
			f->queued = 0;
			f->refs++;
			out[n++] = f;
		}
	}
	for (size_t i = 0; i < r->watch_count && n < cap; i++) {
		watch_t *w = &r->watch[i];
		if (w->due_ms > now) {
			continue;
		}
		w->due_ms = INT64_MAX; /* the answer reschedules it */
		if (flight_find(r, w->owner) != NULL) {
			continue;
		}
		flight_t *f = flight_new(r, w->owner);
		if (f == NULL) {
			w->due_ms = now + FIRST_RETRY_MS;
			continue;
		}
		r->stats.refreshes++;
		f->refs++;
		out[n++] = f;
	}
	return n;
}

static size_t count_flights(const dance_refresher_t *r)
{
	size_t n = 0;
	for (const flight_t *f = r->flights; f != NULL; f = f->next_live) {
		n++;
	}
	return n;
}

static void arm_schedule_timer(dance_refresher_t *r);
static void on_schedule_timer(uv_timer_t *t);

/* Sends every lookup that is due. */
static void dispatch(dance_refresher_t *r)
{
	int64_t now = wall_ms(r);
	pthread_mutex_lock(&r->mu);
	size_t cap = count_flights(r) + r->watch_count;
	flight_t **due = cap > 0 ? calloc(cap, sizeof(*due)) : NULL;
	size_t n = due != NULL ? collect_due(r, now, due, cap) : 0;
	pthread_mutex_unlock(&r->mu);
	for (size_t i = 0; i < n; i++) {
		send_lookup(r, due[i]);
	}
	free(due);
	if (cap > 0 && due == NULL) {
		/* Out of memory: try again a little later. */
		uv_timer_start(&r->schedule_timer, on_schedule_timer,
		               FIRST_RETRY_MS, 0);
		return;
	}
	arm_expire_timer(r);
	arm_schedule_timer(r);
}

static void on_schedule_timer(uv_timer_t *t)
{
	dispatch(t->data);
}

static void arm_schedule_timer(dance_refresher_t *r)
{
	if (r->draining || r->closing) {
		return;
	}
	int64_t next = INT64_MAX;
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->watch_count; i++) {
		if (r->watch[i].due_ms < next) {
			next = r->watch[i].due_ms;
		}
	}
	pthread_mutex_unlock(&r->mu);
	if (next == INT64_MAX) {
		uv_timer_stop(&r->schedule_timer);
		return;
	}
	int64_t delay = next - wall_ms(r);
	uv_timer_start(&r->schedule_timer, on_schedule_timer,
	               delay > 0 ? (uint64_t)delay : 0, 0);
}

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h)) {
		uv_close(h, NULL);
	}
}

static void close_all(dance_refresher_t *r)
{
	if (r->closing) {
		return;
	}
	r->closing = 1;
	if (r->have_poll) {
		uv_poll_stop(&r->poll);
		close_handle((uv_handle_t *)&r->poll);
	}
	close_handle((uv_handle_t *)&r->poll_timer);
	close_handle((uv_handle_t *)&r->expire_timer);
	close_handle((uv_handle_t *)&r->schedule_timer);
	close_handle((uv_handle_t *)&r->drain_timer);
	close_handle((uv_handle_t *)&r->wake);
}

/* Drain cap reached: lookups the resolver still holds are answered to
 * their waiters as timeouts (the flights stay allocated for the resolver's
 * callback, or until dance_refresher_free). */
static void on_drain_timeout(uv_timer_t *t)
{
	dance_refresher_t *r = t->data;
	dance_tlsa_answer_t stopped;
	answer_set_failure(&stopped, DANCE_DNS_TIMEOUT,
	                   "refresher stopped before the answer came");
	pthread_mutex_lock(&r->mu);
	while (r->flights != NULL) {
		flight_complete(r, r->flights, &stopped);
	}
	pthread_mutex_unlock(&r->mu);
	dance_tlsa_answer_clear(&stopped);
	close_all(r);
}

/* Stop asked: no new lookups; queued ones end at once; wait (bounded)
 * for those in the resolver. */
static void begin_drain(dance_refresher_t *r)
{
	if (r->draining) {
		return;
	}
	r->draining = 1;
	uv_timer_stop(&r->schedule_timer);
	dance_tlsa_answer_t stopped;
	answer_set_failure(&stopped, DANCE_DNS_TIMEOUT,
	                   "refresher stopped before the lookup was sent");
	pthread_mutex_lock(&r->mu);
	flight_t *f = r->flights;
	while (f != NULL) {
		flight_t *next = f->next_live;
		if (f->queued) {
			f->queued = 0;
			flight_complete(r, f, &stopped);
		}
		f = next;
	}
	pthread_mutex_unlock(&r->mu);
	dance_tlsa_answer_clear(&stopped);
	uv_timer_start(&r->drain_timer, on_drain_timeout,
	               2 * (uint64_t)r->cfg.deadline_ms + 1000, 0);
	arm_expire_timer(r);
}

static void on_wake(uv_async_t *h)
{
	dance_refresher_t *r = h->data;
	pthread_mutex_lock(&r->mu);
	int stopping = r->stopping;
	pthread_mutex_unlock(&r->mu);
	if (stopping) {
		begin_drain(r);
	} else if (!r->draining) {
		dispatch(r);
	}
}

static void *loop_main(void *arg)
{
	dance_refresher_t *r = arg;
	uv_run(&r->loop, UV_RUN_DEFAULT);
	return NULL;
}

/* ---- public API ---- */

dance_code_t dance_refresher_new(const dance_refresher_config_t *cfg,
                                 dance_refresher_t **out, dance_error_t *err)
{
	if (cfg == NULL || cfg->resolver == NULL || cfg->cache == NULL) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "refresher needs a resolver and a cache");
	}
	dance_refresher_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	r->cfg = *cfg;
	if (r->cfg.deadline_ms == 0) {
		r->cfg.deadline_ms = DEFAULT_DEADLINE_MS;
	}
	if (r->cfg.retry_max_ms == 0) {
		r->cfg.retry_max_ms = DEFAULT_RETRY_MAX_MS;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->done_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->resolver_mu, NULL);
	*out = r;
	return DANCE_OK;
}

static void watch_clear(watch_t *w, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(w[i].owner);
	}
	free(w);
}

void dance_refresher_free(dance_refresher_t *r)
{
	if (r == NULL) {
		return;
	}
	dance_refresher_stop(r);
	while (r->all != NULL) {
		flight_destroy(r, r->all);
	}
	watch_clear(r->watch, r->watch_count);
	pthread_cond_destroy(&r->done_cond);
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->resolver_mu);
	free(r);
}

static void timer_init(dance_refresher_t *r, uv_timer_t *t)
{
	uv_timer_init(&r->loop, t);
	t->data = r;
}

static int init_loop(dance_refresher_t *r)
{
	if (uv_loop_init(&r->loop) != 0) {
		return -1;
	}
	r->draining = r->closing = 0;
	uv_async_init(&r->loop, &r->wake, on_wake);
	r->wake.data = r;
	timer_init(r, &r->poll_timer);
	timer_init(r, &r->expire_timer);
	timer_init(r, &r->schedule_timer);
	timer_init(r, &r->drain_timer);
	int fd = dance_resolver_fd(r->cfg.resolver);
	r->have_poll = fd >= 0 && uv_poll_init(&r->loop, &r->poll, fd) == 0;
	if (r->have_poll) {
		r->poll.data = r;
		uv_poll_start(&r->poll, UV_READABLE, on_readable);
	} else {
		uv_timer_start(&r->poll_timer, on_poll_timer, POLL_FALLBACK_MS,
		               POLL_FALLBACK_MS);
	}
	return 0;
}

static void discard_loop(dance_refresher_t *r)
{
	close_all(r);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	uv_loop_close(&r->loop);
}

dance_code_t dance_refresher_start(dance_refresher_t *r, dance_error_t *err)
{
	pthread_mutex_lock(&r->mu);
	int started = r->thread_started;
	pthread_mutex_unlock(&r->mu);
	if (started) {
		return dance_error_set(err, DANCE_ESTATE,
		                       "refresher already started");
	}
	if (init_loop(r) != 0) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "could not create the refresher loop");
	}
	int64_t now = wall_ms(r);
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->watch_count; i++) {
		if (r->watch[i].due_ms == INT64_MAX) {
			r->watch[i].due_ms = now; /* orphaned by a stop */
		}
	}
	int rc = pthread_create(&r->thread, NULL, loop_main, r);
	if (rc == 0) {
		r->thread_started = 1;
		r->running = 1;
		r->stopping = 0;
		uv_async_send(&r->wake);
	}
	pthread_mutex_unlock(&r->mu);
	if (rc != 0) {
		discard_loop(r);
		return dance_error_set(
		        err, DANCE_ENOMEM,
		        "could not start the refresher thread: %s",
		        strerror(rc));
	}
	return DANCE_OK;
}

void dance_refresher_stop(dance_refresher_t *r)
{
	if (r == NULL) {
		return;
	}
	pthread_mutex_lock(&r->mu);
	if (!r->thread_started) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	r->running = 0;
	r->stopping = 1;
	uv_async_send(&r->wake);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	uv_loop_close(&r->loop);
	pthread_mutex_lock(&r->mu);
	r->thread_started = 0;
	r->stopping = 0;
	pthread_mutex_unlock(&r->mu);
}

/* Copies the schedule of owners already watched into the new set. */
static void watch_carry_over(dance_refresher_t *r, watch_t *fresh, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		watch_t *old = watch_find(r, fresh[i].owner);
		if (old != NULL) {
			fresh[i].due_ms = old->due_ms;
			fresh[i].backoff_ms = old->backoff_ms;
		}
	}
}

dance_code_t dance_refresher_watch(dance_refresher_t *r,
                                   const char *const *owners, size_t count,
                                   dance_error_t *err)
{
	watch_t *fresh = count > 0 ? calloc(count, sizeof(*fresh)) : NULL;
	if (count > 0 && fresh == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	int64_t now = wall_ms(r);
	for (size_t i = 0; i < count; i++) {
		fresh[i].owner = strdup(owners[i]);
		fresh[i].due_ms = now;
		if (fresh[i].owner == NULL) {
			watch_clear(fresh, i);
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory");
		}
	}
	pthread_mutex_lock(&r->mu);
	watch_carry_over(r, fresh, count);
	watch_clear(r->watch, r->watch_count);
	r->watch = fresh;
	r->watch_count = count;
	if (r->running) {
		uv_async_send(&r->wake);
	}
	pthread_mutex_unlock(&r->mu);
	return DANCE_OK;
}

/* Blocking lookup on the caller's thread, bounded by deadline (monotonic
 * ms); completes f. A timeout cut short by the caller's own deadline (or
 * a busy resolver) is not cached. */
static void run_blocking(dance_refresher_t *r, flight_t *f, int64_t deadline)
{
	dance_tlsa_answer_t answer;
	dance_error_t err;
	dance_error_clear(&err);
	int64_t left = deadline - dance_monotonic_ms();
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	int64_t ns = until.tv_nsec + (left > 0 ? left : 0) % 1000 * 1000000;
	until.tv_sec += (left > 0 ? left : 0) / 1000 + ns / 1000000000;
	until.tv_nsec = ns % 1000000000;
	if (left <= 0 ||
	    pthread_mutex_timedlock(&r->resolver_mu, &until) != 0) {
		answer_set_failure(
		        &answer, DANCE_DNS_TIMEOUT,
		        "no lookup of %s possible within the deadline",
		        f->owner);
		handle_answer(r, f, &answer, 0);
		dance_tlsa_answer_clear(&answer);
		return;
	}
	left = deadline - dance_monotonic_ms();
	unsigned wait = left > 1 ? (unsigned)left : 1;
	dance_tlsa_answer_init(&answer);
	dance_code_t rc = dance_resolver_lookup(r->cfg.resolver, f->owner, wait,
	                                        &answer, &err);
	pthread_mutex_unlock(&r->resolver_mu);
	int cacheable = 1;
	if (rc != DANCE_OK) {
		dance_tlsa_answer_clear(&answer);
		answer_set_failure(&answer, DANCE_DNS_SERVFAIL,
		                   "lookup of %s failed: %s", f->owner,
		                   err.reason);
		cacheable = 0;
	} else if (answer.state == DANCE_DNS_TIMEOUT &&
	           (uint64_t)wait * 4 < (uint64_t)r->cfg.deadline_ms * 3) {
		cacheable = 0; /* the caller's deadline cut it short */
	}
	handle_answer(r, f, &answer, cacheable);
	dance_tlsa_answer_clear(&answer);
}

/* Waits (mu held) until f is done or the deadline passes. */
static void wait_done(dance_refresher_t *r, flight_t *f, int64_t deadline)
{
	while (!f->done) {
		int64_t left = deadline - dance_monotonic_ms();
		if (left <= 0) {
			return;
		}
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		int64_t ns = until.tv_nsec + left % 1000 * 1000000;
		until.tv_sec += left / 1000 + ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		int rc = pthread_cond_timedwait(&r->done_cond, &r->mu, &until);
		if (rc != 0 && rc != ETIMEDOUT && rc != EINTR) {
			return;
		}
	}
}

/* Joins the flight for owner or starts one (mu held). */
static flight_t *join_or_start(dance_refresher_t *r, const char *owner,
                               int *started)
{
	flight_t *f = flight_find(r, owner);
	*started = 0;
	if (f != NULL) {
		r->stats.coalesced++;
		return f;
	}
	f = flight_new(r, owner);
	if (f == NULL) {
		return NULL;
	}
	*started = 1;
	r->stats.lookups++;
	if (r->running) {
		f->queued = 1;
		uv_async_send(&r->wake);
	}
	return f;
}

dance_code_t dance_refresher_fetch(dance_refresher_t *r, const char *owner,
                                   unsigned wait_ms, dance_tlsa_answer_t *out,
                                   int *sent, dance_error_t *err)
{
	int64_t deadline = dance_monotonic_ms() + wait_ms;
	int started = 0;
	if (sent != NULL) {
		*sent = 0;
	}
	if (r == NULL || owner == NULL || out == NULL) {
		if (out != NULL) {
			answer_set_failure(out, DANCE_DNS_SERVFAIL,
			                   "no resolver for the lookup");
		}
		return dance_error_set(err, DANCE_EINVAL,
		                       "fetch without refresher or owner");
	}
	pthread_mutex_lock(&r->mu);
	flight_t *f = join_or_start(r, owner, &started);
	if (f == NULL) {
		pthread_mutex_unlock(&r->mu);
		answer_set_failure(out, DANCE_DNS_SERVFAIL,
		                   "out of memory looking up %s", owner);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	f->refs++; /* ours */
	int blocking = started && !f->queued;
	pthread_mutex_unlock(&r->mu);
	if (blocking) {
		run_blocking(r, f, deadline);
	}
	pthread_mutex_lock(&r->mu);
	wait_done(r, f, deadline);
	dance_tlsa_answer_init(out);
	if (!f->done ||
	    dance_tlsa_answer_copy(out, &f->answer, NULL) != DANCE_OK) {
		dance_tlsa_answer_clear(out);
		answer_set_failure(out, DANCE_DNS_TIMEOUT,
		                   "no answer for %s within %u ms", owner,
		                   wait_ms);
	}
	flight_unref(r, f);
	pthread_mutex_unlock(&r->mu);
	if (sent != NULL) {
		*sent = started;
	}
	return DANCE_OK;
}

void dance_refresher_prefetch(dance_refresher_t *r, const char *owner)
{
	if (r == NULL || owner == NULL) {
		return;
	}
	int started;
	pthread_mutex_lock(&r->mu);
	if (r->running) {
		join_or_start(r, owner, &started);
	}
	pthread_mutex_unlock(&r->mu);
}

void dance_refresher_stats(dance_refresher_t *r, dance_refresher_stats_t *out)
{
	pthread_mutex_lock(&r->mu);
	*out = r->stats;
	pthread_mutex_unlock(&r->mu);
}
