/* resolver_internal.h: the resolver object shared by its backends. */
#ifndef DANCE_RESOLVER_INTERNAL_H
#define DANCE_RESOLVER_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dance/name.h"
#include "dance/resolver.h"

struct ub_ctx;

#define DANCE_MAX_SERVERS 8

typedef struct resolver_server {
	struct sockaddr_storage addr;
	socklen_t len;
	char text[64]; /* as configured, for messages */
} resolver_server_t;

/* One asynchronous lookup in flight. */
typedef struct pending {
	struct pending *next;
	dance_resolver_t *owner_resolver;
	char owner[DANCE_NAME_MAX];
	dance_resolver_cb cb;
	void *arg;
	uint64_t deadline_ms; /* monotonic */
	int ub_id;            /* unbound modes */
	pthread_t thread;     /* AD mode worker */
	int done;             /* AD mode: answer ready (guarded by mu) */
	dance_tlsa_answer_t answer;
} pending_t;

struct dance_resolver {
	dance_resolve_mode_t mode;
	unsigned timeout_ms;
	resolver_server_t servers[DANCE_MAX_SERVERS];
	size_t server_count;
	int any_loopback;        /* a configured server is on loopback */
	struct ub_ctx *ub_async; /* driven by the caller's loop */
	struct ub_ctx *ub_block; /* blocking lookups, serialised by block_mu */
	pthread_mutex_t block_mu;
	pthread_mutex_t mu; /* guards pending, zombies and done flags */
	pending_t *pending; /* lookups whose callback has not run */
	/* AD mode: lookups completed by dance_resolver_expire whose worker
	 * thread still runs; joined and freed once it finishes. */
	pending_t *zombies;
	int event_fd;  /* AD mode: signals finished workers */
	int cancel_fd; /* AD mode: readable once the resolver is freed */
};

uint64_t dance_resolver_now_ms(void);

/* Fills answer rrset, ttl and rrsig_expiry from the answer section of a
 * DNS message (libknot); TLSA records that do not parse are skipped and
 * counted in the why. Returns the number of TLSA records found. */
size_t dance_answer_from_packet(const uint8_t *wire, size_t len,
                                const char *owner, dance_tlsa_answer_t *out);

/* Writes a failure answer of state with a printf reason. */
void dance_answer_fail(dance_tlsa_answer_t *out, dance_dns_state_t state,
                       const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* libunbound backend. */
dance_code_t ubx_open(const dance_resolver_t *r,
                      const dance_resolver_config_t *cfg, struct ub_ctx **out,
                      dance_error_t *err);
/* Reads a trust anchor file with libunbound, without any query; EINVAL
 * naming the file and libunbound's parse error. */
dance_code_t ubx_check_trust_anchor_file(const char *file, dance_error_t *err);
void ubx_close(struct ub_ctx *ctx);
/* Blocking lookup; never waits past deadline_ms, not even for another
 * thread's blocking lookup. */
void ubx_lookup(dance_resolver_t *r, const char *owner, unsigned deadline_ms,
                dance_tlsa_answer_t *out);
dance_code_t ubx_start_async(dance_resolver_t *r, pending_t *p,
                             dance_error_t *err);
void ubx_cancel(dance_resolver_t *r, pending_t *p);
int ubx_fd(struct ub_ctx *ctx);
void ubx_process(struct ub_ctx *ctx);

/* Unlinks p and runs its callback (an async answer arrived). */
void dance_resolver_complete(dance_resolver_t *r, pending_t *p);

/* AD-bit backend: asks the servers in turn; gives up early (TIMEOUT)
 * when r->cancel_fd becomes readable. */
void adx_lookup(const dance_resolver_t *r, const char *owner,
                unsigned deadline_ms, dance_tlsa_answer_t *out);

#endif
