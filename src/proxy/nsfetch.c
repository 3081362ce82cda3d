/* nsfetch.c: NS RRsets of ns-derived zones from the backend. */
#include "nsfetch.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <libknot/libknot.h>

#include "dnsmsg.h"
#include "proxyv2.h"
#include "tsig.h"

#define FETCH_TIMEOUT_MS 3000
#define FETCH_BUF        (2 + KNOT_WIRE_MAX_PKTSIZE)

typedef struct batch {
	dp_server_t *srv;
	dp_gen_t *gen;
	unsigned pending;
	dp_level_t level;
	void (*done)(dp_server_t *s);
} batch_t;

typedef struct fetch {
	batch_t *batch;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t connect_req;
	uv_write_t write_req;
	int handles;
	int finished;
	char zone[DANCE_NAME_MAX];
	uint8_t query[2 + 1024 + DP_PROXYV2_MAX];
	size_t query_len;
	uint8_t buf[FETCH_BUF];
	size_t len;
	dp_tsig_t tsig;
} fetch_t;

static void batch_step(batch_t *b)
{
	if (--b->pending > 0) {
		return;
	}
	void (*done)(dp_server_t *) = b->done;
	dp_server_t *s = b->srv;
	dp_gen_unref(b->gen);
	free(b);
	if (done != NULL) {
		done(s);
	}
}

static void on_closed(uv_handle_t *h)
{
	fetch_t *f = h->data;
	if (--f->handles > 0) {
		return;
	}
	batch_t *b = f->batch;
	dp_tsig_clear(&f->tsig);
	free(f);
	batch_step(b);
}

static void finish(fetch_t *f, const char *why)
{
	if (f->finished) {
		return;
	}
	f->finished = 1;
	if (why != NULL) {
		dp_log(&f->batch->srv->log, DP_LOG_WARNING,
		       "zone %s: cannot read its NS RRset from the backend: %s",
		       f->zone, why);
	}
	uv_close((uv_handle_t *)&f->tcp, on_closed);
	uv_close((uv_handle_t *)&f->timer, on_closed);
}

static void got_answer(fetch_t *f, uint8_t *msg, size_t len)
{
	dance_error_t err;
	dp_gen_t *gen = f->batch->gen;
	if (gen->has_tsig) {
		int was_signed = 0;
		if (dp_tsig_verify(&f->tsig, msg, &len, &was_signed, &err) !=
		    DANCE_OK) {
			finish(f, err.reason);
			return;
		}
	}
	char **names = NULL;
	size_t count = 0;
	if (dp_answer_ns(msg, len, f->zone, &names, &count, &err) != DANCE_OK) {
		finish(f, err.reason);
		return;
	}
	if (dance_authz_set_ns(gen->authz, f->zone, (const char *const *)names,
	                       count, &err) != DANCE_OK) {
		dp_log(&f->batch->srv->log, DP_LOG_WARNING, "zone %s: %s",
		       f->zone, err.reason);
	} else {
		dp_log(&f->batch->srv->log, f->batch->level,
		       "zone %s: %zu NS host%s from the backend%s%s", f->zone,
		       count, count == 1 ? "" : "s",
		       count > 0 ? ", first " : "", count > 0 ? names[0] : "");
	}
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
	finish(f, NULL);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)suggested;
	fetch_t *f = h->data;
	buf->base = (char *)f->buf + f->len;
	buf->len = FETCH_BUF - f->len;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	(void)buf;
	fetch_t *f = s->data;
	if (f->finished) {
		return;
	}
	if (n < 0) {
		finish(f, n == UV_EOF ? "backend closed the connection"
		                      : uv_strerror((int)n));
		return;
	}
	f->len += (size_t)n;
	uint8_t *msg = NULL;
	size_t mlen = 0;
	if (dp_frame_next(f->buf, f->len, &msg, &mlen) > 0) {
		got_answer(f, msg, mlen);
	} else if (f->len == FETCH_BUF) {
		finish(f, "answer too long");
	}
}

static void on_written(uv_write_t *req, int status)
{
	fetch_t *f = req->data;
	if (status < 0 && !f->finished) {
		finish(f, uv_strerror(status));
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	fetch_t *f = req->data;
	if (f->finished) {
		return;
	}
	if (status < 0) {
		finish(f, uv_strerror(status));
		return;
	}
	uv_buf_t b = uv_buf_init((char *)f->query, (unsigned)f->query_len);
	f->write_req.data = f;
	if (uv_write(&f->write_req, (uv_stream_t *)&f->tcp, &b, 1,
	             on_written) != 0 ||
	    uv_read_start((uv_stream_t *)&f->tcp, on_alloc, on_read) != 0) {
		finish(f, "cannot send the query");
	}
}

static void on_timeout(uv_timer_t *t)
{
	finish(t->data, "no answer in time");
}

/* Builds the bytes to send: PROXY header (if configured), framed query. */
static int build_query(fetch_t *f, dp_gen_t *gen, dance_error_t *err)
{
	size_t off = 0;
	if (gen->cfg->proxy_protocol) {
		const struct sockaddr *a =
		        (const struct sockaddr *)&gen->cfg->backend.ss;
		off = dp_proxyv2_header(a, a, f->query, DP_PROXYV2_MAX);
	}
	uint8_t *msg = f->query + off + 2;
	size_t max = sizeof(f->query) - off - 2, len = 0;
	uint16_t id = 0;
	gnutls_rnd(GNUTLS_RND_NONCE, &id, sizeof(id));
	if (dp_query_build(f->zone, KNOT_RRTYPE_NS, id, msg, max, &len, err) !=
	    DANCE_OK) {
		return -1;
	}
	if (gen->has_tsig &&
	    dp_tsig_sign_query(&f->tsig, msg, &len, max, err) != DANCE_OK) {
		return -1;
	}
	f->query[off] = (uint8_t)(len >> 8);
	f->query[off + 1] = (uint8_t)(len & 0xff);
	f->query_len = off + 2 + len;
	return 0;
}

static void start_one(batch_t *b, const char *zone)
{
	dp_server_t *s = b->srv;
	fetch_t *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		return;
	}
	f->batch = b;
	snprintf(f->zone, sizeof(f->zone), "%s", zone);
	dp_tsig_init(&f->tsig, b->gen->has_tsig ? &b->gen->tsig_key : NULL);
	dance_error_t err;
	if (build_query(f, b->gen, &err) != 0) {
		dp_log(&s->log, DP_LOG_WARNING, "zone %s: %s", zone,
		       err.reason);
		dp_tsig_clear(&f->tsig);
		free(f);
		return;
	}
	b->pending++;
	f->handles = 2;
	uv_tcp_init(s->loop, &f->tcp);
	f->tcp.data = f;
	uv_timer_init(s->loop, &f->timer);
	f->timer.data = f;
	uv_timer_start(&f->timer, on_timeout, FETCH_TIMEOUT_MS, 0);
	f->connect_req.data = f;
	int rc = uv_tcp_connect(
	        &f->connect_req, &f->tcp,
	        (const struct sockaddr *)&b->gen->cfg->backend.ss, on_connect);
	if (rc != 0) {
		finish(f, uv_strerror(rc));
	}
}

void dp_nsfetch_start(dp_server_t *s, dp_gen_t *gen, dp_level_t level,
                      void (*done)(dp_server_t *s))
{
	batch_t *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		if (done != NULL) {
			done(s);
		}
		return;
	}
	b->srv = s;
	b->gen = dp_gen_ref(gen);
	b->done = done;
	b->level = level;
	b->pending = 1; /* held while starting */
	for (size_t i = 0; i < gen->cfg->zone_count; i++) {
		if (gen->cfg->zones[i].ns_derived) {
			start_one(b, gen->cfg->zones[i].name);
		}
	}
	batch_step(b);
}
