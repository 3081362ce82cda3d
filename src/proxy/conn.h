/* conn.h: one client connection: TLS handshake (with its timeout), DNS
 * over TCP framing, per-query classification and authorization (off the
 * loop with uv_queue_work), relay through the backend connection with
 * backpressure, idle timeout. */
#ifndef DP_CONN_H
#define DP_CONN_H

#include <uv.h>

#include "server.h"

/* Accepts a pending connection on listener (limits applied). */
void dp_conn_accept(dp_server_t *s, uv_stream_t *listener);

/* Graceful stop: an idle connection closes now, a busy one after its
 * query. */
void dp_conn_stop(dp_conn_t *c);
/* Closes at once. */
void dp_conn_close(dp_conn_t *c);
dp_conn_t *dp_conn_next(dp_conn_t *c);

#endif
