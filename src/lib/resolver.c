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

static int is_loopback(const resolver_server_t *s)
{
	if (s->addr.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)&s->addr;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *v6 = (const void *)&s->addr;
	return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
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
		if (cfg->mode == DANCE_RESOLVE_AD &&
		    !is_loopback(&r->servers[i])) {
			return dance_error_set(
			        err, DANCE_EINVAL,
			        "AD-bit mode trusts only a resolver on "
			        "loopback (127.0.0.0/8 or ::1), not %s",
			        cfg->servers[i]);
		}
		r->server_count++;
	}
	return DANCE_OK;
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
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->block_mu, NULL);
	dance_code_t rc = check_config(cfg, r, err);
	if (rc == DANCE_OK && r->mode == DANCE_RESOLVE_AD) {
		r->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (r->event_fd < 0) {
			rc = dance_error_set(err, DANCE_EIO, "eventfd: %s",
			                     strerror(errno));
		}
	} else if (rc == DANCE_OK) {
		rc = ubx_open(cfg, &r->ub_async, err);
		if (rc == DANCE_OK) {
			rc = ubx_open(cfg, &r->ub_block, err);
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

void dance_resolver_free(dance_resolver_t *r)
{
	if (r == NULL) {
		return;
	}
	/* Outstanding lookups are cancelled without callbacks. */
	pending_t *p = r->pending;
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
	ubx_close(r->ub_async);
	ubx_close(r->ub_block);
	if (r->event_fd >= 0) {
		close(r->event_fd);
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
		return rc;
	}
	unsigned wait = deadline_ms != 0 ? deadline_ms : r->timeout_ms;
	if (r->mode == DANCE_RESOLVE_AD) {
		adx_lookup(r, norm, wait, out);
		return DANCE_OK;
	}
	return ubx_lookup(r, norm, wait, out, err);
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
	p->done = 1;
	pthread_mutex_unlock(&r->mu);
	uint64_t one = 1;
	if (write(r->event_fd, &one, sizeof(one)) < 0) {
		/* The counter only saturates; the answer is still queued. */
	}
	return NULL;
}

dance_code_t dance_resolver_lookup_async(dance_resolver_t *r, const char *owner,
                                         unsigned deadline_ms,
                                         dance_resolver_cb cb, void *arg,
                                         dance_error_t *err)
{
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
		for (pending_t **pp = &r->pending; *pp != NULL;
		     pp = &(*pp)->next) {
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		}
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

/* Unlinks and returns pending lookups that match pred (mu held). */
static pending_t *take_pending(dance_resolver_t *r,
                               int (*pred)(const pending_t *, uint64_t),
                               uint64_t now)
{
	pending_t *taken = NULL;
	pending_t **pp = &r->pending;
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

void dance_resolver_process(dance_resolver_t *r)
{
	if (r->mode != DANCE_RESOLVE_AD) {
		ubx_process(r->ub_async);
		return;
	}
	uint64_t count;
	if (read(r->event_fd, &count, sizeof(count)) < 0) {
		/* Nothing signalled: still look for finished workers. */
	}
	pthread_mutex_lock(&r->mu);
	pending_t *done = take_pending(r, is_done, 0);
	pthread_mutex_unlock(&r->mu);
	while (done != NULL) {
		pending_t *next = done->next;
		pthread_join(done->thread, NULL);
		pending_finish(done);
		done = next;
	}
}

void dance_resolver_complete(dance_resolver_t *r, pending_t *p)
{
	pthread_mutex_lock(&r->mu);
	for (pending_t **pp = &r->pending; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	pthread_mutex_unlock(&r->mu);
	pending_finish(p);
}

static int is_expired_ub(const pending_t *p, uint64_t now)
{
	return now >= p->deadline_ms;
}

size_t dance_resolver_expire(dance_resolver_t *r, uint32_t *next_ms)
{
	uint64_t now = dance_resolver_now_ms();
	size_t expired = 0;
	pending_t *gone = NULL;
	pthread_mutex_lock(&r->mu);
	/* AD workers enforce their own deadline and complete themselves. */
	if (r->mode != DANCE_RESOLVE_AD) {
		gone = take_pending(r, is_expired_ub, now);
	}
	uint64_t next = UINT64_MAX;
	for (pending_t *p = r->pending; p != NULL; p = p->next) {
		if (p->deadline_ms < next) {
			next = p->deadline_ms;
		}
	}
	pthread_mutex_unlock(&r->mu);
	while (gone != NULL) {
		pending_t *following = gone->next;
		ubx_cancel(r, gone);
		dance_answer_fail(&gone->answer, DANCE_DNS_TIMEOUT,
		                  "no answer for %s within the deadline",
		                  gone->owner);
		pending_finish(gone);
		expired++;
		gone = following;
	}
	if (next_ms != NULL) {
		*next_ms = next == UINT64_MAX ? UINT32_MAX
		           : next <= now      ? 0
		                              : (uint32_t)(next - now);
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
