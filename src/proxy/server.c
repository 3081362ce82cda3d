/* server.c: listeners, signals (reload, stop, stats), the loop. */
#include "server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "nsfetch.h"

static void on_connection(uv_stream_t *listener, int status)
{
	dp_listener_t *l = listener->data;
	dp_server_t *s = l->server;
	if (status < 0) {
		dp_log(&s->log, DP_LOG_WARNING, "accept on %s: %s",
		       l->addr.text, uv_strerror(status));
		return;
	}
	dp_conn_accept(s, listener);
}

static int stats_json(void *arg, char *buf, size_t size)
{
	dp_server_t *s = arg;
	return dp_stats_json(&s->stats, buf, size);
}

void dp_server_log_stats(dp_server_t *s)
{
	char json[4096];
	dp_stats_json(&s->stats, json, sizeof(json));
	dp_log(&s->log, DP_LOG_INFO, "stats %s", json);
}

/* ---- stopping ---- */

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h)) {
		uv_close(h, NULL);
	}
}

/* Closes everything that keeps the loop alive once no connection is
 * left. */
static void finish_stop(dp_server_t *s)
{
	if (s->conns != NULL) {
		return;
	}
	close_handle((uv_handle_t *)&s->stop_timer);
	close_handle((uv_handle_t *)&s->ns_timer);
	close_handle((uv_handle_t *)&s->sig_hup);
	close_handle((uv_handle_t *)&s->sig_term);
	close_handle((uv_handle_t *)&s->sig_int);
	close_handle((uv_handle_t *)&s->sig_usr1);
	dp_stats_close(&s->stats_server);
}

void dp_server_conn_gone(dp_server_t *s)
{
	if (s->stopping) {
		finish_stop(s);
	}
}

static void on_stop_timeout(uv_timer_t *t)
{
	dp_server_t *s = t->data;
	dp_log(&s->log, DP_LOG_WARNING,
	       "transfers still running after %d ms: closing them",
	       DP_STOP_GRACE_MS);
	for (dp_conn_t *c = s->conns; c != NULL; c = dp_conn_next(c)) {
		dp_conn_close(c);
	}
}

static void begin_stop(dp_server_t *s, const char *why)
{
	if (s->stopping) {
		return;
	}
	s->stopping = 1;
	dp_log(&s->log, DP_LOG_NOTICE, "%s: stopping", why);
	for (size_t i = 0; i < s->listener_count; i++) {
		close_handle((uv_handle_t *)&s->listeners[i].tcp);
	}
	uv_timer_stop(&s->ns_timer);
	dp_conn_t *c = s->conns;
	while (c != NULL) {
		dp_conn_t *next = dp_conn_next(c);
		dp_conn_stop(c);
		c = next;
	}
	uv_timer_start(&s->stop_timer, on_stop_timeout, DP_STOP_GRACE_MS, 0);
	finish_stop(s);
}

/* ---- reload ---- */

static void reload(dp_server_t *s)
{
	dp_diag_t diag;
	dp_diag_init(&diag);
	dp_config_t *cfg = NULL;
	dance_error_t err;
	dance_error_clear(&err);
	dance_code_t rc = dp_config_parse_file(s->config_path, &cfg, &diag);
	if (rc == DANCE_OK) {
		rc = dp_config_check_files(cfg, &diag);
		if (rc != DANCE_OK) {
			dp_config_free(cfg);
			cfg = NULL;
		}
	}
	for (size_t i = 0; i < diag.count; i++) {
		dp_log(&s->log, DP_LOG_ERROR, "%s", diag.lines[i]);
	}
	dp_diag_free(&diag);
	dp_gen_t *gen = NULL;
	if (rc == DANCE_OK) {
		rc = dp_gen_new(cfg, s->gen->number + 1, 1, &gen, &err);
		if (rc != DANCE_OK) {
			dp_log(&s->log, DP_LOG_ERROR, "%s", err.reason);
		}
	}
	if (rc != DANCE_OK) {
		s->stats.reload_failures++;
		dp_log(&s->log, DP_LOG_ERROR,
		       "reload of %s failed: keeping the running configuration",
		       s->config_path);
		return;
	}
	const dp_config_t *old = s->gen->cfg;
	int same_listen = old->listen_count == gen->cfg->listen_count;
	for (size_t i = 0; same_listen && i < old->listen_count; i++) {
		same_listen = strcmp(old->listen[i].text,
		                     gen->cfg->listen[i].text) == 0;
	}
	if (!same_listen) {
		dp_log(&s->log, DP_LOG_WARNING,
		       "listen addresses changed: they take effect at restart");
	}
	dp_gen_unref(s->gen);
	s->gen = gen;
	s->log.level = gen->cfg->log_level;
	s->stats.reloads++;
	dp_nsfetch_start(s, gen, DP_LOG_INFO, NULL);
	dp_log(&s->log, DP_LOG_NOTICE,
	       "configuration %s reloaded (generation %u)", s->config_path,
	       gen->number);
}

static void on_signal(uv_signal_t *h, int signum)
{
	dp_server_t *s = h->data;
	switch (signum) {
	case SIGHUP:
		if (!s->stopping) {
			reload(s);
		}
		break;
	case SIGUSR1: dp_server_log_stats(s); break;
	case SIGTERM: begin_stop(s, "SIGTERM"); break;
	case SIGINT: begin_stop(s, "SIGINT"); break;
	}
}

static void on_ns_timer(uv_timer_t *t)
{
	dp_server_t *s = t->data;
	dp_nsfetch_start(s, s->gen, DP_LOG_DEBUG, NULL);
}

/* ---- start ---- */

static void initial_fetch_done(dp_server_t *s)
{
	for (size_t i = 0; i < s->listener_count; i++) {
		dp_log(&s->log, DP_LOG_NOTICE, "listening on %s",
		       s->listeners[i].addr.text);
	}
	if (s->gen->cfg->has_stats) {
		dp_log(&s->log, DP_LOG_NOTICE, "stats on %s",
		       s->gen->cfg->stats_listen.text);
	}
}

static int bind_all(dp_server_t *s)
{
	const dp_config_t *cfg = s->gen->cfg;
	s->listeners = calloc(cfg->listen_count, sizeof(dp_listener_t));
	if (s->listeners == NULL) {
		dp_log(&s->log, DP_LOG_ERROR, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cfg->listen_count; i++) {
		dp_listener_t *l = &s->listeners[i];
		l->server = s;
		l->addr = cfg->listen[i];
		uv_tcp_init(s->loop, &l->tcp);
		l->tcp.data = l;
		s->listener_count++;
		int rc = uv_tcp_bind(&l->tcp,
		                     (const struct sockaddr *)&l->addr.ss, 0);
		if (rc == 0) {
			rc = uv_listen((uv_stream_t *)&l->tcp,
			               DP_LISTEN_BACKLOG, on_connection);
		}
		if (rc != 0) {
			dp_log(&s->log, DP_LOG_ERROR, "cannot listen on %s: %s",
			       l->addr.text, uv_strerror(rc));
			return -1;
		}
	}
	if (cfg->has_stats) {
		dance_error_t err;
		if (dp_stats_listen(s->loop, &s->stats_server,
		                    &cfg->stats_listen, stats_json, s,
		                    &err) != DANCE_OK) {
			dp_log(&s->log, DP_LOG_ERROR, "%s", err.reason);
			return -1;
		}
	}
	return 0;
}

static void init_signals(dp_server_t *s)
{
	uv_signal_t *sigs[] = {&s->sig_hup, &s->sig_term, &s->sig_int,
	                       &s->sig_usr1};
	int nums[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1};
	for (size_t i = 0; i < 4; i++) {
		uv_signal_init(s->loop, sigs[i]);
		sigs[i]->data = s;
		uv_signal_start(sigs[i], on_signal, nums[i]);
	}
	signal(SIGPIPE, SIG_IGN);
}

static void close_all(uv_handle_t *h, void *arg)
{
	(void)arg;
	close_handle(h);
}

int dp_server_run(dp_gen_t *gen, const char *config_path)
{
	dp_server_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		dp_gen_unref(gen);
		return 1;
	}
	uv_loop_t loop;
	uv_loop_init(&loop);
	s->loop = &loop;
	s->gen = gen;
	s->log.level = gen->cfg->log_level;
	s->config_path = strdup(config_path);
	dp_limits_init(&s->limits);
	uv_timer_init(s->loop, &s->stop_timer);
	s->stop_timer.data = s;
	uv_timer_init(s->loop, &s->ns_timer);
	s->ns_timer.data = s;
	init_signals(s);
	int code = 0;
	if (s->config_path == NULL || bind_all(s) != 0) {
		code = 1;
		uv_walk(s->loop, close_all, NULL);
	} else {
		dp_nsfetch_start(s, gen, DP_LOG_INFO, initial_fetch_done);
		uv_timer_start(&s->ns_timer, on_ns_timer, DP_NS_REFRESH_MS,
		               DP_NS_REFRESH_MS);
	}
	uv_run(s->loop, UV_RUN_DEFAULT);
	if (code == 0) {
		dp_log(&s->log, DP_LOG_NOTICE, "stopped");
	}
	uv_walk(s->loop, close_all, NULL);
	uv_run(s->loop, UV_RUN_DEFAULT);
	uv_loop_close(s->loop);
	dp_gen_unref(s->gen);
	dp_limits_free(&s->limits);
	free(s->listeners);
	free(s->config_path);
	free(s);
	return code;
}
