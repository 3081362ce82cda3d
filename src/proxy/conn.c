/* conn.c: a client connection: accept and limits, TLS handshake and its
 * timeout, DNS-over-TCP framing of the input, output with its pending
 * byte count, idle timeout, closing. Queries are query.c's. */
#include "conn.h"
#include "frame.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_internal.h"

dp_conn_t *dp_conn_next(dp_conn_t *c)
{
	return c->next;
}

/* ---- freeing ---- */

void conn_maybe_free(dp_conn_t *c)
{
	if (c->handles > 0 || c->work_pending) {
		return;
	}
	dp_server_t *s = c->srv;
	dp_tls_deinit(&c->tls);
	for (size_t i = 0; i < c->cert_count; i++) {
		free(c->certs[i].data);
	}
	free(c->certs);
	dance_peer_free(c->digested);
	free(c->pt);
	free(c->qmsg);
	dp_gen_unref(c->qgen);
	dp_gen_unref(c->gen);
	if (c->prev != NULL) {
		c->prev->next = c->next;
	} else {
		s->conns = c->next;
	}
	if (c->next != NULL) {
		c->next->prev = c->prev;
	}
	free(c);
	dp_server_conn_gone(s);
}

static void on_handle_closed(uv_handle_t *h)
{
	dp_conn_t *c = h->data;
	c->handles--;
	conn_maybe_free(c);
}

/* Closes the handles now (pending writes are cancelled). */
static void close_handles(dp_conn_t *c)
{
	if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
		uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
	}
	if (!uv_is_closing((uv_handle_t *)&c->timer)) {
		uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	}
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	close_handles(req->data);
}

/* A client that does not read what is left to send is not waited for. */
static void on_linger(uv_timer_t *t)
{
	close_handles(t->data);
}

void conn_close(dp_conn_t *c)
{
	if (c->closing) {
		return;
	}
	c->closing = 1;
	dp_server_t *s = c->srv;
	if (s->stats.connections_active > 0) {
		s->stats.connections_active--;
	}
	if (c->counted_ip) {
		dp_limits_release(&s->limits, &c->prefix);
		c->counted_ip = 0;
	}
	if (c->backend != NULL) {
		dp_backend_close(c->backend);
		c->backend = NULL;
	}
	if (c->tls_ok) {
		dp_tls_bye(&c->tls);
	}
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->shutdown_req.data = c;
	if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp,
	                on_shutdown) != 0) {
		close_handles(c);
		return;
	}
	uv_timer_start(&c->timer, on_linger, DP_LINGER_MS, 0);
}

void dp_conn_close(dp_conn_t *c)
{
	if (c->closing) {
		close_handles(c); /* already closing: do not wait any more */
		return;
	}
	conn_close(c);
}

void dp_conn_stop(dp_conn_t *c)
{
	c->stopping = 1;
	if (!c->busy) {
		conn_close(c);
	}
}

void conn_note_answer(dp_conn_t *c, int allowed)
{
	unsigned max = c->gen->cfg->max_refusals;
	if (!dp_refusals_note(&c->refusals, allowed, max) || c->closing) {
		return;
	}
	c->srv->stats.refusal_closes++;
	dp_log(&c->srv->log, DP_LOG_NOTICE,
	       "peer %s: %u queries refused and none authorized: closing "
	       "(max-refusals-unauthorized %u)",
	       c->peer, c->refusals.refused, max);
	conn_close(c);
}

/* Restarts the handshake or idle timer (never the closing linger). */
void conn_restart_timer(dp_conn_t *c)
{
	if (!c->closing) {
		uv_timer_again(&c->timer);
	}
}

/* ---- output ---- */

typedef struct out_req {
	uv_write_t req;
	dp_conn_t *conn;
	size_t len;
	uint8_t data[];
} out_req_t;

static void on_out_written(uv_write_t *req, int status)
{
	out_req_t *w = (out_req_t *)req;
	dp_conn_t *c = w->conn;
	c->out_pending -= w->len;
	c->progress = 1;
	free(w);
	if (status < 0 && status != UV_ECANCELED) {
		conn_close(c);
		return;
	}
	if (c->backend != NULL && c->out_pending < DP_BACKPRESSURE_LOW) {
		dp_backend_resume(c->backend);
	}
}

/* GnuTLS output: written as it comes. */
static void tls_push(void *arg, const void *data, size_t len)
{
	dp_conn_t *c = arg;
	if (uv_is_closing((uv_handle_t *)&c->tcp)) {
		return;
	}
	out_req_t *w = malloc(sizeof(*w) + len);
	if (w == NULL) {
		return;
	}
	w->conn = c;
	w->len = len;
	memcpy(w->data, data, len);
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1,
	             on_out_written) != 0) {
		free(w);
		return;
	}
	c->out_pending += len;
}

/* Sends one DNS message with its length prefix. */
int conn_send_message(dp_conn_t *c, const uint8_t *msg, size_t len)
{
	uint8_t prefix[2] = {(uint8_t)(len >> 8), (uint8_t)(len & 0xff)};
	uint8_t small[2 + 512];
	int rc;
	if (len <= 512) {
		memcpy(small, prefix, 2);
		memcpy(small + 2, msg, len);
		rc = dp_tls_send(&c->tls, small, len + 2);
	} else {
		gnutls_record_cork(c->tls.session);
		rc = dp_tls_send(&c->tls, prefix, 2);
		if (rc == 0) {
			rc = dp_tls_send(&c->tls, msg, len);
		}
		int urc = gnutls_record_uncork(c->tls.session,
		                               GNUTLS_RECORD_WAIT);
		if (rc == 0 && urc < 0) {
			rc = urc;
		}
	}
	if (rc != 0) {
		dp_log(&c->srv->log, DP_LOG_NOTICE,
		       "peer %s: TLS send failed: %s", c->peer,
		       gnutls_strerror(rc));
		conn_close(c);
		return -1;
	}
	return 0;
}

/* Handles complete queries in the plaintext buffer, one at a time. */
static void handle_buffered(dp_conn_t *c)
{
	size_t off = 0, took = 0;
	uint8_t *msg = NULL;
	size_t mlen = 0;
	while (!c->busy && !c->closing &&
	       (took = dp_frame_next(c->pt + off, c->pt_len - off, &msg,
	                             &mlen)) > 0) {
		query_handle(c, msg, mlen);
		off += took;
	}
	if (off > 0) {
		memmove(c->pt, c->pt + off, c->pt_len - off);
		c->pt_len -= off;
	}
}

/* A read takes no more than the TLS input buffer has room for. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	dp_conn_t *c = h->data;
	size_t room = dp_tls_in_room(&c->tls);
	size_t n = suggested < room ? suggested : room;
	buf->base = n > 0 ? malloc(n) : NULL;
	buf->len = buf->base != NULL ? n : 0;
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf);

/* Whether the socket is read now: not while the TLS input buffer is
 * full, nor after the handshake while a query is in progress or the
 * plaintext buffer is full (the client waits: TCP backpressure). */
static int wants_input(const dp_conn_t *c)
{
	if (dp_tls_in_room(&c->tls) == 0) {
		return 0;
	}
	return !c->tls_ok || (!c->busy && c->pt_len < PT_CAP);
}

static void set_reading(dp_conn_t *c, int on)
{
	if (c->closing || on == c->reading) {
		return;
	}
	if (on) {
		uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	} else {
		uv_read_stop((uv_stream_t *)&c->tcp);
	}
	c->reading = on;
}

static void copy_credentials(dp_conn_t *c)
{
	unsigned count = 0;
	const gnutls_datum_t *list =
	        gnutls_certificate_get_peers(c->tls.session, &count);
	c->cred_type = gnutls_certificate_type_get2(c->tls.session,
	                                            GNUTLS_CTYPE_PEERS) ==
	                               GNUTLS_CRT_RAWPK
	                       ? DANCE_CRED_RAWPK
	                       : DANCE_CRED_X509;
	c->certs = calloc(count > 0 ? count : 1, sizeof(gnutls_datum_t));
	if (c->certs == NULL) {
		return;
	}
	for (unsigned i = 0; i < count; i++) {
		c->certs[i].data = malloc(list[i].size > 0 ? list[i].size : 1);
		if (c->certs[i].data == NULL) {
			break;
		}
		memcpy(c->certs[i].data, list[i].data, list[i].size);
		c->certs[i].size = list[i].size;
		c->cert_count++;
	}
}

/* Room for more plaintext: the buffer grows while a message does not fit
 * and shrinks back when the connection is idle. 0, or -1 (no memory). */
static int plaintext_room(dp_conn_t *c)
{
	size_t want = c->pt_cap;
	if (c->pt_len == 0 && c->pt_cap > PT_IDLE) {
		want = PT_IDLE;
	} else if (c->pt_cap == 0) {
		want = PT_IDLE;
	} else if (c->pt_len == c->pt_cap && c->pt_cap < PT_CAP) {
		want = c->pt_cap * 4 < PT_CAP ? c->pt_cap * 4 : PT_CAP;
	}
	if (want == c->pt_cap) {
		return 0;
	}
	uint8_t *grown = realloc(c->pt, want);
	if (grown == NULL) {
		return -1;
	}
	c->pt = grown;
	c->pt_cap = want;
	return 0;
}

/* Decrypts what arrived and handles the queries in it. */
void conn_process_input(dp_conn_t *c)
{
	while (!c->closing) {
		handle_buffered(c);
		if (c->closing || c->busy) {
			break;
		}
		if (plaintext_room(c) != 0) {
			conn_close(c);
			return;
		}
		if (c->pt_len >= c->pt_cap) {
			break;
		}
		ssize_t n = dp_tls_recv(&c->tls, c->pt + c->pt_len,
		                        c->pt_cap - c->pt_len);
		if (n == GNUTLS_E_AGAIN) {
			break;
		}
		if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
			conn_close(c); /* the client is done */
			return;
		}
		if (n < 0) {
			dp_log(&c->srv->log, DP_LOG_NOTICE, "peer %s: TLS: %s",
			       c->peer, gnutls_strerror((int)n));
			conn_close(c);
			return;
		}
		c->pt_len += (size_t)n;
	}
	set_reading(c, wants_input(c));
}

static void handshake_step(dp_conn_t *c)
{
	dp_server_t *s = c->srv;
	char why[512] = "";
	int rc = dp_tls_handshake(&c->tls, why, sizeof(why));
	if (rc == 0) {
		return;
	}
	if (rc < 0) {
		s->stats.handshakes_failed++;
		dp_log(&s->log, DP_LOG_NOTICE, "peer %s: handshake failed: %s",
		       c->peer, why);
		conn_close(c);
		return;
	}
	if (dp_tls_claimed_name(&c->tls, c->claimed, sizeof(c->claimed), why,
	                        sizeof(why)) != 0) {
		s->stats.handshakes_failed++;
		dp_log(&s->log, DP_LOG_NOTICE, "peer %s: handshake failed: %s",
		       c->peer, why);
		conn_close(c);
		return;
	}
	c->tls_ok = 1;
	s->stats.handshakes_ok++;
	copy_credentials(c);
	uv_timer_set_repeat(&c->timer, c->gen->cfg->idle_timeout_ms);
	conn_restart_timer(c);
	dp_log(&s->log, DP_LOG_DEBUG, "peer %s: TLS 1.3 handshake done%s%s",
	       c->peer, c->claimed[0] ? ", dane_clientid " : "", c->claimed);
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
	dp_conn_t *c = stream->data;
	if (n == UV_ENOBUFS && !c->closing) {
		set_reading(c, 0); /* the TLS input buffer is full */
		return;
	}
	if (n < 0 || c->closing) {
		free(buf->base);
		if (n < 0 && !c->closing) {
			if (!c->tls_ok) {
				c->srv->stats.handshakes_failed++;
				dp_log(&c->srv->log, DP_LOG_NOTICE,
				       "peer %s: handshake failed: connection "
				       "closed by the client (%s)",
				       c->peer, uv_strerror((int)n));
			}
			conn_close(c);
		}
		return;
	}
	dance_error_t err;
	int fed = n == 0 || dp_tls_feed(&c->tls, (const uint8_t *)buf->base,
	                                (size_t)n, &err) == DANCE_OK;
	free(buf->base);
	if (!fed) {
		conn_close(c);
		return;
	}
	if (!c->tls_ok) {
		handshake_step(c);
		if (!c->tls_ok) {
			set_reading(c, wants_input(c));
			return;
		}
	}
	conn_process_input(c);
}

static void on_timer(uv_timer_t *t)
{
	dp_conn_t *c = t->data;
	dp_server_t *s = c->srv;
	if (c->closing) {
		return;
	}
	if (!c->tls_ok) {
		s->stats.handshakes_failed++;
		s->stats.handshake_timeouts++;
		dp_log(&s->log, DP_LOG_NOTICE,
		       "peer %s: handshake failed: no handshake within %u ms",
		       c->peer, c->gen->cfg->handshake_timeout_ms);
		conn_close(c);
		return;
	}
	if (c->busy && (c->progress || c->work_pending)) {
		c->progress = 0; /* a transfer moving on, or a decision */
		return;
	}
	if (c->busy) {
		s->stats.idle_timeouts++;
		dp_log(&s->log, DP_LOG_NOTICE,
		       "peer %s: zone %s, query %s: no progress for %u ms "
		       "(client not reading or backend silent), closing",
		       c->peer, c->zone_fqdn, c->q.qtype_name,
		       c->gen->cfg->idle_timeout_ms);
		conn_close(c);
		return;
	}
	s->stats.idle_timeouts++;
	dp_log(&s->log, DP_LOG_DEBUG, "peer %s: idle for %u ms, closing",
	       c->peer, c->gen->cfg->idle_timeout_ms);
	conn_close(c);
}

static void format_peer(const struct sockaddr_storage *ss, char *ip,
                        size_t ip_size, char *out, size_t size)
{
	unsigned port = 0;
	ip[0] = '\0';
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &v4->sin_addr, ip, (socklen_t)ip_size);
		port = ntohs(v4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &v6->sin6_addr, ip, (socklen_t)ip_size);
		port = ntohs(v6->sin6_port);
	}
	if (ip[0] == '\0') {
		snprintf(ip, ip_size, "unknown");
	}
	snprintf(out, size, "%s@%u", ip, port);
}

/* Refuses a connection over a limit: accepted and closed at once. */
static void refuse_now(uv_handle_t *h)
{
	free(h->data);
}

void dp_conn_accept(dp_server_t *s, uv_stream_t *listener)
{
	dp_conn_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		uv_tcp_t *t = malloc(sizeof(*t));
		if (t != NULL) {
			uv_tcp_init(s->loop, t);
			t->data = t;
			(void)uv_accept(listener, (uv_stream_t *)t);
			uv_close((uv_handle_t *)t, refuse_now);
		}
		return;
	}
	c->srv = s;
	uv_tcp_init(s->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, refuse_now);
		return;
	}
	int len = sizeof(c->peer_ss);
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer_ss, &len);
	len = sizeof(c->local_ss);
	uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->local_ss, &len);
	char ip[48];
	format_peer(&c->peer_ss, ip, sizeof(ip), c->peer, sizeof(c->peer));
	const dp_config_t *cfg = s->gen->cfg;
	dp_prefix_of(&c->peer_ss, cfg->per_ip_v4_prefix, cfg->per_ip_v6_prefix,
	             &c->prefix);
	const char *over = NULL;
	char prefix[64] = "";
	if (s->stats.connections_active >= cfg->max_connections) {
		over = "max-connections";
	} else if (dp_limits_acquire(&s->limits, &c->prefix, cfg->max_per_ip) !=
	           0) {
		over = "max-connections-per-ip";
		dp_prefix_format(&c->prefix, prefix, sizeof(prefix));
	}
	if (over != NULL || s->stopping) {
		if (over != NULL) {
			s->stats.connections_refused_limit++;
			dp_log(&s->log, DP_LOG_NOTICE,
			       "peer %s: connection refused: %s reached%s%s",
			       c->peer, over, prefix[0] ? " for " : "", prefix);
		}
		uv_close((uv_handle_t *)&c->tcp, refuse_now);
		return;
	}
	c->counted_ip = 1;
	c->handles = 2;
	c->gen = dp_gen_ref(s->gen);
	s->stats.connections_accepted++;
	s->stats.connections_active++;
	c->next = s->conns;
	if (s->conns != NULL) {
		s->conns->prev = c;
	}
	s->conns = c;
	uv_tcp_nodelay(&c->tcp, 1);
	/* A bounded send buffer: what a slow secondary has not read yet
	 * stays within it, so the backend is paused (and pushed back on)
	 * instead of megabytes of the zone waiting in the kernel. */
	int sndbuf = DP_CLIENT_SNDBUF;
	uv_send_buffer_size((uv_handle_t *)&c->tcp, &sndbuf);
	uv_timer_init(s->loop, &c->timer);
	c->timer.data = c;
	uv_timer_start(&c->timer, on_timer, cfg->handshake_timeout_ms,
	               cfg->handshake_timeout_ms);
	dance_error_t err;
	if (dp_tls_init(&c->tls, c->gen->creds, c->gen->prio,
	                cfg->clientid ? cfg->clientid_type : 0, tls_push, c,
	                &err) != DANCE_OK) {
		dp_log(&s->log, DP_LOG_ERROR, "peer %s: %s", c->peer,
		       err.reason);
		conn_close(c);
		return;
	}
	set_reading(c, 1);
}
