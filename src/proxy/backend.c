/* backend.c: relayed queries to the primary and their answer streams. */
#include "backend.h"
#include "frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "proxyv2.h"
#include "server.h"
#include "tsig.h"
#include "xfrtrack.h"

#define RBUF_SIZE (2 * (2 + KNOT_WIRE_MAX_PKTSIZE))

struct dp_backend {
	uv_tcp_t tcp;
	uv_connect_t connect_req;
	dp_gen_t *gen;
	const dp_backend_ops_t *ops;
	void *owner;
	int connected, closing, paused, reading, in_query;
	uint8_t proxy_hdr[DP_PROXYV2_MAX];
	size_t proxy_len;
	uint8_t *pending; /* framed query waiting for the connection */
	size_t pending_len;
	uint8_t *rbuf;     /* RBUF_SIZE while a response is read, else NULL */
	size_t roff, rlen; /* unconsumed bytes: rbuf[roff .. roff+rlen) */
	uint16_t client_id;
	dp_tsig_t tsig;
	dp_xfrtrack_t track;
};

typedef struct write_req {
	uv_write_t req;
	uint8_t data[];
} write_req_t;

static void on_closed(uv_handle_t *h)
{
	dp_backend_t *b = h->data;
	dp_tsig_clear(&b->tsig);
	free(b->rbuf);
	free(b->pending);
	dp_gen_unref(b->gen);
	free(b);
}

void dp_backend_close(dp_backend_t *b)
{
	if (b == NULL || b->closing) {
		return;
	}
	b->closing = 1;
	uv_close((uv_handle_t *)&b->tcp, on_closed);
}

static void fail(dp_backend_t *b, int tsig, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void fail(dp_backend_t *b, int tsig, const char *fmt, ...)
{
	if (b->closing) {
		return;
	}
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	const dp_backend_ops_t *ops = b->ops;
	void *owner = b->owner;
	dp_backend_close(b);
	ops->failed(owner, why, tsig);
}

static void on_written(uv_write_t *req, int status)
{
	dp_backend_t *b = req->handle->data;
	free(req);
	if (status < 0 && status != UV_ECANCELED) {
		fail(b, 0, "write to backend %s failed: %s",
		     b->gen->cfg->backend.text, uv_strerror(status));
	}
}

static int send_bytes(dp_backend_t *b, const uint8_t *data, size_t len)
{
	write_req_t *w = malloc(sizeof(*w) + len);
	if (w == NULL) {
		return UV_ENOMEM;
	}
	memcpy(w->data, data, len);
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)len);
	int rc = uv_write(&w->req, (uv_stream_t *)&b->tcp, &buf, 1, on_written);
	if (rc != 0) {
		free(w);
	}
	return rc;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)suggested;
	dp_backend_t *b = h->data;
	if (b->rbuf == NULL) {
		b->rbuf = malloc(RBUF_SIZE);
		b->roff = b->rlen = 0;
		if (b->rbuf == NULL) {
			buf->base = NULL;
			buf->len = 0;
			return;
		}
	}
	if (b->roff > 0) {
		memmove(b->rbuf, b->rbuf + b->roff, b->rlen);
		b->roff = 0;
	}
	buf->base = (char *)b->rbuf + b->rlen;
	buf->len = RBUF_SIZE - b->rlen;
}

/* One complete message at msg (len bytes), modified in place. */
static int handle_message(dp_backend_t *b, uint8_t *msg, size_t len)
{
	dance_error_t err;
	if (!b->in_query) {
		fail(b, 0, "backend %s sent a message nobody asked for",
		     b->gen->cfg->backend.text);
		return -1;
	}
	if (len < KNOT_WIRE_HEADER_SIZE) {
		fail(b, 0, "backend %s sent a %zu-byte message",
		     b->gen->cfg->backend.text, len);
		return -1;
	}
	if (b->gen->has_tsig) {
		int was_signed = 0;
		if (dp_tsig_verify(&b->tsig, msg, &len, &was_signed, &err) !=
		    DANCE_OK) {
			fail(b, 1, "backend %s: %s", b->gen->cfg->backend.text,
			     err.reason);
			return -1;
		}
	}
	knot_wire_set_id(msg, b->client_id);
	if (dp_xfrtrack_feed(&b->track, msg, len, &err) != DANCE_OK) {
		fail(b, 0, "backend %s: %s", b->gen->cfg->backend.text,
		     err.reason);
		return -1;
	}
	b->ops->message(b->owner, msg, len);
	if (b->closing) {
		return -1;
	}
	if (b->track.done &&
	    (!b->gen->has_tsig || dp_tsig_complete(&b->tsig))) {
		b->in_query = 0;
		if (b->rlen == 0) {
			/* Idle connections keep no read buffer. */
			free(b->rbuf);
			b->rbuf = NULL;
			b->roff = 0;
		}
		b->ops->done(b->owner);
	}
	return b->closing ? -1 : 0;
}

static void process(dp_backend_t *b)
{
	uint8_t *msg = NULL;
	size_t mlen = 0, took = 0;
	while (b->rbuf != NULL && !b->closing && !b->paused &&
	       (took = dp_frame_next(b->rbuf + b->roff, b->rlen, &msg, &mlen)) >
	               0) {
		b->roff += took;
		b->rlen -= took;
		if (handle_message(b, msg, mlen) != 0) {
			return;
		}
	}
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	(void)buf;
	dp_backend_t *b = s->data;
	if (b->closing) {
		return;
	}
	if (n == UV_ENOBUFS) {
		fail(b, 0, "out of memory reading from backend %s",
		     b->gen->cfg->backend.text);
		return;
	}
	if (n < 0) {
		fail(b, 0, "backend %s %s", b->gen->cfg->backend.text,
		     n == UV_EOF ? "closed the connection"
		                 : uv_strerror((int)n));
		return;
	}
	b->rlen += (size_t)n;
	process(b);
}

static void start_reading(dp_backend_t *b)
{
	if (!b->reading && b->connected && !b->closing) {
		uv_read_start((uv_stream_t *)&b->tcp, on_alloc, on_read);
		b->reading = 1;
	}
}

void dp_backend_pause(dp_backend_t *b)
{
	b->paused = 1;
	if (b->reading) {
		uv_read_stop((uv_stream_t *)&b->tcp);
		b->reading = 0;
	}
}

void dp_backend_resume(dp_backend_t *b)
{
	if (!b->paused || b->closing) {
		return;
	}
	b->paused = 0;
	process(b);
	if (!b->paused) {
		start_reading(b);
	}
}

static void flush_pending(dp_backend_t *b)
{
	int rc = 0;
	if (b->proxy_len > 0) {
		rc = send_bytes(b, b->proxy_hdr, b->proxy_len);
		b->proxy_len = 0;
	}
	if (rc == 0 && b->pending != NULL) {
		rc = send_bytes(b, b->pending, b->pending_len);
		free(b->pending);
		b->pending = NULL;
	}
	if (rc != 0) {
		fail(b, 0, "write to backend %s failed: %s",
		     b->gen->cfg->backend.text, uv_strerror(rc));
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	dp_backend_t *b = req->handle->data;
	if (b->closing) {
		return;
	}
	if (status < 0) {
		fail(b, 0, "cannot connect to backend %s: %s",
		     b->gen->cfg->backend.text, uv_strerror(status));
		return;
	}
	b->connected = 1;
	flush_pending(b);
	if (!b->paused) {
		start_reading(b);
	}
}

dance_code_t dp_backend_open(uv_loop_t *loop, dp_gen_t *gen,
                             const dp_backend_ops_t *ops, void *owner,
                             const struct sockaddr *client,
                             const struct sockaddr *local, dp_backend_t **out,
                             dance_error_t *err)
{
	*out = NULL;
	dp_backend_t *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	b->gen = dp_gen_ref(gen);
	b->ops = ops;
	b->owner = owner;
	dp_tsig_init(&b->tsig, gen->has_tsig ? &gen->tsig_key : NULL);
	if (gen->cfg->proxy_protocol) {
		b->proxy_len = dp_proxyv2_header(client, local, b->proxy_hdr,
		                                 sizeof(b->proxy_hdr));
	}
	/* The socket exists before the connect, so its receive buffer can be
	 * bounded (and the TCP window scaled to it): with a slow client the
	 * backend then blocks on a full window instead of parking megabytes
	 * of the zone in the kernel, and stopping to read pushes back on it
	 * at once. */
	uv_tcp_init_ex(loop, &b->tcp, gen->cfg->backend.ss.ss_family);
	b->tcp.data = b;
	int rcvbuf = DP_BACKEND_RCVBUF;
	uv_recv_buffer_size((uv_handle_t *)&b->tcp, &rcvbuf);
	uv_tcp_nodelay(&b->tcp, 1);
	int rc = uv_tcp_connect(&b->connect_req, &b->tcp,
	                        (const struct sockaddr *)&gen->cfg->backend.ss,
	                        on_connect);
	if (rc != 0) {
		dp_backend_close(b);
		return dance_error_set(err, DANCE_EIO,
		                       "cannot connect to backend %s: %s",
		                       gen->cfg->backend.text, uv_strerror(rc));
	}
	*out = b;
	return DANCE_OK;
}

dance_code_t dp_backend_query(dp_backend_t *b, const uint8_t *msg, size_t len,
                              uint16_t qtype, dance_error_t *err)
{
	if (b->in_query || b->closing) {
		return dance_error_set(err, DANCE_ESTATE,
		                       "backend connection is busy");
	}
	size_t max = 2 + KNOT_WIRE_MAX_PKTSIZE;
	uint8_t *framed = malloc(max);
	if (framed == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	if (len > KNOT_WIRE_MAX_PKTSIZE) {
		free(framed);
		return dance_error_set(err, DANCE_EINVAL, "query too long");
	}
	memcpy(framed + 2, msg, len);
	b->client_id = knot_wire_get_id(msg);
	if (b->gen->has_tsig) {
		dance_code_t rc = dp_tsig_sign_query(
		        &b->tsig, framed + 2, &len, KNOT_WIRE_MAX_PKTSIZE, err);
		if (rc != DANCE_OK) {
			free(framed);
			return rc;
		}
	}
	framed[0] = (uint8_t)(len >> 8);
	framed[1] = (uint8_t)(len & 0xff);
	dp_xfrtrack_init(&b->track, qtype);
	b->in_query = 1;
	if (!b->connected) {
		free(b->pending);
		b->pending = framed;
		b->pending_len = len + 2;
		return DANCE_OK;
	}
	int rc = send_bytes(b, framed, len + 2);
	free(framed);
	if (rc != 0) {
		b->in_query = 0;
		return dance_error_set(err, DANCE_EIO,
		                       "write to backend failed: %s",
		                       uv_strerror(rc));
	}
	return DANCE_OK;
}

const dp_gen_t *dp_backend_gen(const dp_backend_t *b)
{
	return b->gen;
}
