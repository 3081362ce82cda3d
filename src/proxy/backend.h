/* backend.h: the plain-TCP connection to the primary that one client
 * connection uses for its authorized queries.
 *
 * Opened at the first authorized query (with a PROXY v2 header first when
 * configured), it sends each query TSIG-signed when backend-tsig is set,
 * then hands the response stream back message by message: TSIG verified
 * and stripped, the client's message ID restored, the end of the stream
 * found (xfrtrack). Nothing is buffered beyond one read; the owner pauses
 * reading while its client is slow. */
#ifndef DP_BACKEND_H
#define DP_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "gen.h"
#include "log.h"

typedef struct dp_backend dp_backend_t;

typedef struct dp_backend_ops {
	/* One response message, ready for the client. */
	void (*message)(void *owner, const uint8_t *msg, size_t len);
	/* The response to the current query is complete. */
	void (*done)(void *owner);
	/* The connection failed (why says how; tsig: TSIG verification
	 * failed); the backend closes itself, no callback follows. */
	void (*failed)(void *owner, const char *why, int tsig);
} dp_backend_ops_t;

/* client and local: the client's address and the address it reached,
 * for the PROXY v2 header. */
dance_code_t dp_backend_open(uv_loop_t *loop, dp_gen_t *gen,
                             const dp_backend_ops_t *ops, void *owner,
                             const struct sockaddr *client,
                             const struct sockaddr *local, dp_backend_t **out,
                             dance_error_t *err);

/* Sends one query (a copy is taken); client_id goes back on each answer. */
dance_code_t dp_backend_query(dp_backend_t *b, const uint8_t *msg, size_t len,
                              uint16_t qtype, dance_error_t *err);

void dp_backend_pause(dp_backend_t *b);
void dp_backend_resume(dp_backend_t *b);
/* Closes; no callback follows; freed when libuv is done with it. */
void dp_backend_close(dp_backend_t *b);
const dp_gen_t *dp_backend_gen(const dp_backend_t *b);

#endif
