/* server.h: the proxy process state: the loop, the current configuration
 * generation, listeners, connections, counters, signals.
 *
 * dp_server_run binds the listeners of the configuration, logs
 * "listening on ADDR@PORT" for each, and runs the loop until a graceful
 * stop (SIGTERM/SIGINT) has let the transfers in progress finish. */
#ifndef DP_SERVER_H
#define DP_SERVER_H

#include <uv.h>

#include "gen.h"
#include "limits.h"
#include "log.h"
#include "stats.h"

#define DP_BACKPRESSURE_HIGH (256 * 1024) /* stop reading the backend */
#define DP_BACKEND_RCVBUF    (128 * 1024) /* backend socket receive buffer */
#define DP_CLIENT_SNDBUF     (128 * 1024) /* client socket send buffer */
#define DP_BACKPRESSURE_LOW  (64 * 1024)  /* resume */
#define DP_STOP_GRACE_MS     10000
#define DP_NS_REFRESH_MS     60000
#define DP_LINGER_MS         2000 /* closing: wait for the last writes */
/* Accept queue: bursts of connections wait in the kernel, not in SYN
 * retries (the kernel clamps it to net.core.somaxconn). */
#define DP_LISTEN_BACKLOG 4096

typedef struct dp_conn dp_conn_t;

typedef struct dp_listener {
	uv_tcp_t tcp;
	struct dp_server *server;
	dp_addr_t addr;
} dp_listener_t;

typedef struct dp_server {
	uv_loop_t *loop;
	dp_log_t log;
	char *config_path;
	dp_gen_t *gen; /* current: new connections and queries use it */
	dp_listener_t *listeners;
	size_t listener_count;
	dp_stats_server_t stats_server;
	uv_signal_t sig_hup, sig_term, sig_int, sig_usr1;
	uv_timer_t stop_timer, ns_timer;
	dp_stats_t stats;
	dp_limits_t limits;
	dp_conn_t *conns; /* doubly linked list of live connections */
	int stopping;
	int exit_code;
} dp_server_t;

/* Runs the proxy with the first generation (taken over). Returns the exit
 * code: 0 after a graceful stop, 1 on a runtime failure. */
int dp_server_run(dp_gen_t *gen, const char *config_path);

/* One stats line "stats {json}" at info. */
void dp_server_log_stats(dp_server_t *s);

/* Called by a connection when it is gone (all handles closed). */
void dp_server_conn_gone(dp_server_t *s);

#endif
