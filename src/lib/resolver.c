/* resolver.c: resolver configuration, blocking lookups with a deadline,
 * and the asynchronous lookup queue shared by the backends. */
#include "resolver_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "dance/name.h"

#define DEFAULT_TIMEOUT_MS 2000

uint64_t dance_resolver_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void dance_answer_fail(dance_tlsa_answer_t *out, dance_dns_state_t state,
                       const char *fmt, ...)
{
	va_list ap;
	dance_tlsa_answer_clear(out);
	out->state = state;
	out->fetched = time(NULL);
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

/* Parses "addr" or "addr@port" (IPv4 or IPv6) with port 53 by default. */
static dance_code_t parse_server(const char *text, resolver_server_t *s,
                                 dance_error_t *err)
{
	char host[64];
	unsigned long port = 53;
	const char *at = strrchr(text, '@');
	size_t hlen = at != NULL ? (size_t)(at - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host)) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "resolver address \"%s\" is not valid",
		                       text);
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (at != NULL) {
		char *end = NULL;
		port = strtoul(at + 1, &end, 10);
		if (*end != '\0' || port == 0 || port > 65535) {
			return dance_error_set(
			        err, DANCE_EINVAL,
			        "resolver address \"%s\" has a bad "
			        "port",
			        text);
		}
	}
	memset(s, 0, sizeof(*s));
	snprintf(s->text, sizeof(s->text), "%s", text);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&s->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->addr;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		s->len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		s->len = sizeof(*v6);
	} else {
		return dance_error_set(err, DANCE_EINVAL,
		                       "resolver address \"%s\" is not an IP "
		                       "address",
		                       text);
	}
	return DANCE_OK;
}

int dance_addr_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)ss;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *v6 = (const void *)ss;
	return ss->ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

static dance_code_t check_config(const dance_resolver_config_t *cfg,
                                 dance_resolver_t *r, dance_error_t *err)
{
	int needs_servers = cfg->mode != DANCE_RESOLVE_RECURSE;
	if (cfg->mode > DANCE_RESOLVE_AD) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "unknown resolver mode %d", cfg->mode);
	}
	if (needs_servers && cfg->server_count == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "resolver mode needs at least one "
		                       "server address");
	}
	if (cfg->server_count > DANCE_MAX_SERVERS) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "at most %d resolver addresses",
		                       DANCE_MAX_SERVERS);
	}
	if (cfg->mode == DANCE_RESOLVE_STUB && cfg->stub_zone_count == 0) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "stub mode needs at least one stub zone");
	}
	for (size_t i = 0; i < cfg->server_count; i++) {
		dance_code_t rc =
		        parse_server(cfg->servers[i], &r->servers[i], err);
		if (rc != DANCE_OK) {
			return rc;
		}
		int loopback = dance_addr_is_loopback(&r->servers[i].addr);
		if (cfg->mode == DANCE_RESOLVE_AD && !loopback) {
			return dance_error_set(
			        err, DANCE_EINVAL,
			        "AD-bit mode trusts only a resolver on "
			        "loopback (127.0.0.0/8 or ::1), not %s",
			        cfg->servers[i]);
		}
		r->any_loopback |= loopback;
		r->server_count++;
	}
	return DANCE_OK;
}

static dance_code_t open_event_fd(int *fd, dance_error_t *err)
{
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (*fd < 0) {
		return dance_error_set(err, DANCE_EIO, "eventfd: %s",
		                       strerror(errno));
	}
	return DANCE_OK;
}

static void signal_event_fd(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, so it is readable. */
	}
}

dance_code_t dance_trust_anchor_file_check(const char *file, dance_error_t *err)
{
	if (file == NULL || file[0] == '\0') {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no trust anchor file given");
	}
	return ubx_check_trust_anchor_file(file, err);
}

dance_code_t dance_resolver_new(const dance_resolver_config_t *cfg,
                                dance_resolver_t **out, dance_error_t *err)
{
	*out = NULL;
	dance_resolver_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	r->mode = cfg->mode;
	r->timeout_ms =
	        cfg->timeout_ms != 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	r->event_fd = -1;
	r->cancel_fd = -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->block_mu, NULL);
	dance_code_t rc = check_config(cfg, r, err);
	if (rc == DANCE_OK && r->mode == DANCE_RESOLVE_AD) {
		rc = open_event_fd(&r->event_fd, err);
		if (rc == DANCE_OK) {
			rc = open_event_fd(&r->cancel_fd, err);
		}
	} else if (rc == DANCE_OK) {
		rc = ubx_open(r, cfg, &r->ub_async, err);
		if (rc == DANCE_OK) {
			rc = ubx_open(r, cfg, &r->ub_block, err);
		}
	}
	if (rc != DANCE_OK) {
		dance_resolver_free(r);
		return rc;
	}
	*out = r;
	return DANCE_OK;
}

static void pending_finish(pending_t *p)
{
	p->cb(p->arg, p->owner, &p->answer);
	dance_tlsa_answer_clear(&p->answer);
	free(p);
}

/* Frees a list of lookups without their callbacks (workers joined). */
static void discard_list(dance_resolver_t *r, pending_t *p)
{
	while (p != NULL) {
		pending_t *next = p->next;
		if (r->mode == DANCE_RESOLVE_AD) {
			pthread_join(p->thread, NULL);
		} else {
			ubx_cancel(r, p);
		}
		dance_tlsa_answer_clear(&p->answer);
		free(p);
		p = next;
	}
}

void dance_resolver_free(dance_resolver_t *r)
{
	if (r == NULL) {
		return;
	}
	/* Outstanding lookups are cancelled without callbacks; AD workers
	 * see cancel_fd and give up at once. */
	if (r->cancel_fd >= 0) {
		signal_event_fd(r->cancel_fd);
	}
	discard_list(r, r->pending);
	discard_list(r, r->zombies);
	ubx_close(r->ub_async);
	ubx_close(r->ub_block);
	if (r->event_fd >= 0) {
		close(r->event_fd);
	}
	if (r->cancel_fd >= 0) {
		close(r->cancel_fd);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->block_mu);
	free(r);
}

dance_code_t dance_resolver_lookup(dance_resolver_t *r, const char *owner,
                                   unsigned deadline_ms,
                                   dance_tlsa_answer_t *out, dance_error_t *err)
{
	char norm[DANCE_NAME_MAX];
	dance_tlsa_answer_init(out);
	dance_code_t rc = dance_name_normalize(owner, norm, err);
	if (rc != DANCE_OK) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "no lookup: the owner name is not valid");
		return rc;
	}
	unsigned wait = deadline_ms != 0 ? deadline_ms : r->timeout_ms;
	if (r->mode == DANCE_RESOLVE_AD) {
		adx_lookup(r, norm, wait, out);
	} else {
		ubx_lookup(r, norm, wait, out);
	}
	return DANCE_OK;
}

static void *ad_worker(void *arg)
{
	pending_t *p = arg;
	dance_resolver_t *r = p->owner_resolver;
	uint64_t now = dance_resolver_now_ms();
	unsigned wait =
	        p->deadline_ms > now ? (unsigned)(p->deadline_ms - now) : 1;
	adx_lookup(r, p->owner, wait, &p->answer);
	pthread_mutex_lock(&r->mu);
	p->done = 1; /* from here on p belongs to the driving thread */
	pthread_mutex_unlock(&r->mu);
	signal_event_fd(r->event_fd);
	return NULL;
}

/* Removes p from the pending list (mu held); 1 if it was there. */
static int unlink_pending(dance_resolver_t *r, pending_t *p)
{
	for (pending_t **pp = &r->pending; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return 1;
		}
	}
	return 0;
}

dance_code_t dance_resolver_lookup_async(dance_resolver_t *r, const char *owner,
                                         unsigned deadline_ms,
                                         dance_resolver_cb cb, void *arg,
                                         dance_error_t *err)
{
	if (cb == NULL) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "asynchronous lookup without a callback");
	}
	pending_t *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = dance_name_normalize(owner, p->owner, err);
	if (rc != DANCE_OK) {
		free(p);
		return rc;
	}
	p->owner_resolver = r;
	p->cb = cb;
	p->arg = arg;
	p->deadline_ms = dance_resolver_now_ms() +
	                 (deadline_ms != 0 ? deadline_ms : r->timeout_ms);
	dance_tlsa_answer_init(&p->answer);
	pthread_mutex_lock(&r->mu);
	p->next = r->pending;
	r->pending = p;
	pthread_mutex_unlock(&r->mu);
	if (r->mode == DANCE_RESOLVE_AD) {
		if (pthread_create(&p->thread, NULL, ad_worker, p) != 0) {
			rc = dance_error_set(err, DANCE_ENOMEM,
			                     "cannot start a lookup thread");
		}
	} else {
		rc = ubx_start_async(r, p, err);
	}
	if (rc != DANCE_OK) {
		pthread_mutex_lock(&r->mu);
		unlink_pending(r, p);
		pthread_mutex_unlock(&r->mu);
		free(p);
	}
	return rc;
}

int dance_resolver_fd(dance_resolver_t *r)
{
	if (r->mode == DANCE_RESOLVE_AD) {
		return r->event_fd;
	}
	return ubx_fd(r->ub_async);
}

/* Unlinks from *list and returns the lookups that match pred (mu held). */
static pending_t *take_matching(pending_t **list,
                                int (*pred)(const pending_t *, uint64_t),
                                uint64_t now)
{
	pending_t *taken = NULL;
	pending_t **pp = list;
	while (*pp != NULL) {
		pending_t *p = *pp;
		if (pred(p, now)) {
			*pp = p->next;
			p->next = taken;
			taken = p;
		} else {
			pp = &p->next;
		}
	}
	return taken;
}

static int is_done(const pending_t *p, uint64_t now)
{
	(void)now;
	return p->done;
}

static void process_ad(dance_resolver_t *r)
{
	uint64_t count;
	if (read(r->event_fd, &count, sizeof(count)) < 0) {
		/* Nothing signalled: still look for finished workers. */
	}
	pthread_mutex_lock(&r->mu);
	pending_t *done = take_matching(&r->pending, is_done, 0);
	pending_t *reaped = take_matching(&r->zombies, is_done, 0);
	pthread_mutex_unlock(&r->mu);
	while (done != NULL) {
		pending_t *next = done->next;
		pthread_join(done->thread, NULL);
		pending_finish(done);
		done = next;
	}
	/* Their callbacks already ran (TIMEOUT); the late answer is
	 * dropped. */
	discard_list(r, reaped);
}

void dance_resolver_process(dance_resolver_t *r)
{
	if (r->mode == DANCE_RESOLVE_AD) {
		process_ad(r);
	} else {
		ubx_process(r->ub_async);
	}
}

void dance_resolver_complete(dance_resolver_t *r, pending_t *p)
{
	pthread_mutex_lock(&r->mu);
	unlink_pending(r, p);
	pthread_mutex_unlock(&r->mu);
	pending_finish(p);
}

/* Overdue and still waiting for its answer. */
static int is_overdue(const pending_t *p, uint64_t now)
{
	return now >= p->deadline_ms && !p->done;
}

/* Runs the TIMEOUT callback of an overdue lookup (already unlinked).
 * libunbound drops the answer of a cancelled query, so p is cancelled
 * before the callback, which may drive the resolver again. In AD mode the
 * worker may still run: p waits among the zombies until it ends. */
static void time_out(dance_resolver_t *r, pending_t *p)
{
	dance_tlsa_answer_t timeout;
	if (r->mode != DANCE_RESOLVE_AD) {
		ubx_cancel(r, p);
	}
	dance_tlsa_answer_init(&timeout);
	dance_answer_fail(&timeout, DANCE_DNS_TIMEOUT,
	                  "no answer for %s within the deadline", p->owner);
	p->cb(p->arg, p->owner, &timeout);
	dance_tlsa_answer_clear(&timeout);
	if (r->mode != DANCE_RESOLVE_AD) {
		dance_tlsa_answer_clear(&p->answer);
		free(p);
		return;
	}
	pthread_mutex_lock(&r->mu);
	p->next = r->zombies;
	r->zombies = p;
	pthread_mutex_unlock(&r->mu);
	signal_event_fd(r->event_fd); /* it may have finished meanwhile */
}

/* Milliseconds from now to the earliest deadline of a lookup still
 * waiting (mu held); UINT32_MAX if none. */
static uint32_t next_deadline(const dance_resolver_t *r, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	for (const pending_t *p = r->pending; p != NULL; p = p->next) {
		if (!p->done && p->deadline_ms < next) {
			next = p->deadline_ms;
		}
	}
	if (next == UINT64_MAX) {
		return UINT32_MAX;
	}
	if (next <= now) {
		return 0;
	}
	return next - now >= UINT32_MAX ? UINT32_MAX - 1
	                                : (uint32_t)(next - now);
}

size_t dance_resolver_expire(dance_resolver_t *r, uint32_t *next_ms)
{
	uint64_t now = dance_resolver_now_ms();
	size_t expired = 0;
	pthread_mutex_lock(&r->mu);
	pending_t *gone = take_matching(&r->pending, is_overdue, now);
	pthread_mutex_unlock(&r->mu);
	while (gone != NULL) {
		pending_t *following = gone->next;
		time_out(r, gone);
		expired++;
		gone = following;
	}
	if (next_ms != NULL) {
		pthread_mutex_lock(&r->mu);
		*next_ms = next_deadline(r, dance_resolver_now_ms());
		pthread_mutex_unlock(&r->mu);
	}
	return expired;
}

size_t dance_resolver_pending(dance_resolver_t *r)
{
	size_t n = 0;
	pthread_mutex_lock(&r->mu);
	for (pending_t *p = r->pending; p != NULL; p = p->next) {
		n++;
	}
	pthread_mutex_unlock(&r->mu);
	return n;
}
