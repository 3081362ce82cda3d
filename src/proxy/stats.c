/* stats.c: counters as JSON; the stats endpoint. */
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(name)                                                            \
	{                                                                      \
#name, offsetof(dp_stats_t, name)                              \
	}

static const struct {
	const char *name;
	size_t offset;
} fields[] = {
        FIELD(connections_accepted),
        FIELD(connections_active),
        FIELD(connections_refused_limit),
        FIELD(handshakes_ok),
        FIELD(handshakes_failed),
        FIELD(handshake_timeouts),
        FIELD(idle_timeouts),
        FIELD(refusal_closes),
        FIELD(queries),
        FIELD(queries_refused),
        FIELD(backend_queries),
        FIELD(backend_connections),
        FIELD(backend_errors),
        FIELD(tsig_failures),
        FIELD(backend_messages),
        FIELD(backpressure_pauses),
        FIELD(reloads),
        FIELD(reload_failures),
};

int dp_stats_json(const dp_stats_t *s, char *buf, size_t size)
{
	size_t len = 0;
	int total = 0;
#define PUT(...)                                                               \
	do {                                                                   \
		int n_ = snprintf(buf + len, size > len ? size - len : 0,      \
		                  __VA_ARGS__);                                \
		total += n_;                                                   \
		len = (size_t)total < size ? (size_t)total : size;             \
	} while (0)
	PUT("{");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)s + fields[i].offset, sizeof(v));
		PUT("%s\"%s\":%" PRIu64, i > 0 ? "," : "", fields[i].name, v);
	}
	PUT(",\"decisions\":{");
	int first = 1;
	for (int r = 0; r < DANCE_REASON_COUNT; r++) {
		if (s->decisions[r] == 0) {
			continue;
		}
		PUT("%s\"%s\":%" PRIu64, first ? "" : ",",
		    dance_reason_code((dance_reason_t)r), s->decisions[r]);
		first = 0;
	}
	PUT("}}");
#undef PUT
	return total;
}

typedef struct stats_client {
	uv_tcp_t tcp;
	uv_write_t req;
	char buf[4096];
} stats_client_t;

static void client_closed(uv_handle_t *h)
{
	free(h->data);
}

static void client_written(uv_write_t *req, int status)
{
	(void)status;
	stats_client_t *c = req->data;
	uv_close((uv_handle_t *)&c->tcp, client_closed);
}

static void on_stats_connection(uv_stream_t *server, int status)
{
	dp_stats_server_t *s = server->data;
	if (status < 0) {
		return;
	}
	stats_client_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return;
	}
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, client_closed);
		return;
	}
	int n = s->json(s->arg, c->buf, sizeof(c->buf) - 1);
	if (n < 0 || (size_t)n >= sizeof(c->buf) - 1) {
		n = (int)strlen(c->buf);
	}
	c->buf[n++] = '\n';
	uv_buf_t b = uv_buf_init(c->buf, (unsigned)n);
	c->req.data = c;
	if (uv_write(&c->req, (uv_stream_t *)&c->tcp, &b, 1, client_written) !=
	    0) {
		uv_close((uv_handle_t *)&c->tcp, client_closed);
	}
}

dance_code_t dp_stats_listen(uv_loop_t *loop, dp_stats_server_t *s,
                             const dp_addr_t *addr, dp_stats_json_fn json,
                             void *arg, dance_error_t *err)
{
	s->json = json;
	s->arg = arg;
	uv_tcp_init(loop, &s->tcp);
	s->tcp.data = s;
	s->open = 1;
	int rc = uv_tcp_bind(&s->tcp, (const struct sockaddr *)&addr->ss, 0);
	if (rc == 0) {
		rc = uv_listen((uv_stream_t *)&s->tcp, 16, on_stats_connection);
	}
	if (rc != 0) {
		return dance_error_set(err, DANCE_EIO,
		                       "stats-listen %s: cannot listen: %s",
		                       addr->text, uv_strerror(rc));
	}
	return DANCE_OK;
}

void dp_stats_close(dp_stats_server_t *s)
{
	if (s->open) {
		s->open = 0;
		uv_close((uv_handle_t *)&s->tcp, NULL);
	}
}
