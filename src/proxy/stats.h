/* stats.h: the proxy's counters, their JSON form (one flat object, used by
 * the SIGUSR1 log line and the stats-listen endpoint) and that endpoint: a
 * TCP listener that writes the object and a newline, then closes. */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include <dance/decision.h>
#include <dance/error.h>

#include "config.h"

typedef struct dp_stats {
	uint64_t connections_accepted;
	uint64_t connections_active;
	uint64_t connections_refused_limit;
	uint64_t handshakes_ok;
	uint64_t handshakes_failed;
	uint64_t handshake_timeouts;
	uint64_t idle_timeouts;
	uint64_t refusal_closes; /* closed: refused, never authorized */
	uint64_t queries;
	uint64_t queries_refused;
	uint64_t backend_queries;
	uint64_t backend_connections;
	uint64_t backend_errors;
	uint64_t tsig_failures;
	uint64_t backend_messages;
	uint64_t backpressure_pauses;
	uint64_t reloads;
	uint64_t reload_failures;
	uint64_t decisions[DANCE_REASON_COUNT];
} dp_stats_t;

/* Writes the JSON object (no newline); returns the length snprintf would. */
int dp_stats_json(const dp_stats_t *s, char *buf, size_t size);

/* The stats endpoint; json fills buf with the current object. */
typedef int (*dp_stats_json_fn)(void *arg, char *buf, size_t size);

typedef struct dp_stats_server {
	uv_tcp_t tcp;
	dp_stats_json_fn json;
	void *arg;
	int open;
} dp_stats_server_t;

dance_code_t dp_stats_listen(uv_loop_t *loop, dp_stats_server_t *s,
                             const dp_addr_t *addr, dp_stats_json_fn json,
                             void *arg, dance_error_t *err);
void dp_stats_close(dp_stats_server_t *s);

#endif
