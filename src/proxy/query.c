/* query.c: one query of a client connection: classification, the
 * decision (off the loop thread), the REFUSED/SERVFAIL answers the proxy
 * gives itself, and the relay through the backend connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include <dance/authz.h>

#include "backend.h"
#include "conn_internal.h"
#include "dnsmsg.h"

static void answer_error(dp_conn_t *c, const uint8_t *msg, size_t len,
                         uint16_t rcode, int ede, const char *text)
{
	uint8_t out[1024];
	size_t out_len = 0;
	if (dp_answer_error(msg, len, rcode, ede, text, out, sizeof(out),
	                    &out_len, NULL) != DANCE_OK) {
		conn_close(c);
		return;
	}
	conn_send_message(c, out, out_len);
}

/* ---- the current query ---- */

/* The query is done; allowed: it was authorized (only then does it
 * count as activity for the idle timer). */
static void query_finished(dp_conn_t *c, int allowed)
{
	c->busy = 0;
	free(c->qmsg);
	c->qmsg = NULL;
	dp_gen_unref(c->qgen);
	c->qgen = NULL;
	if (c->closing) {
		return;
	}
	if (allowed) {
		conn_restart_timer(c);
	}
	if (c->stopping) {
		conn_close(c);
		return;
	}
	conn_process_input(c);
}

static void backend_message(void *owner, const uint8_t *msg, size_t len)
{
	dp_conn_t *c = owner;
	c->relayed++;
	c->progress = 1;
	c->srv->stats.backend_messages++;
	if (conn_send_message(c, msg, len) != 0) {
		return;
	}
	conn_restart_timer(c);
	if (c->out_pending > DP_BACKPRESSURE_HIGH && c->backend != NULL) {
		c->srv->stats.backpressure_pauses++;
		dp_backend_pause(c->backend);
	}
}

static void backend_done(void *owner)
{
	dp_conn_t *c = owner;
	query_finished(c, 1);
}

static void relay(dp_conn_t *c);

static void backend_failed(void *owner, const char *why, int tsig)
{
	dp_conn_t *c = owner;
	dp_server_t *s = c->srv;
	int reused = c->backend_used > 1; /* the link served an earlier query */
	c->backend = NULL;
	if (!c->busy || c->closing) {
		/* An idle backend connection went away: open one next time. */
		dp_log(&s->log, DP_LOG_DEBUG, "peer %s: %s", c->peer, why);
		return;
	}
	if (!tsig && reused && c->relayed == 0 && !c->retried) {
		/* The primary may have closed a kept connection just as the
		 * query went out: once more on a fresh one. */
		dp_log(&s->log, DP_LOG_DEBUG, "peer %s: %s; retrying", c->peer,
		       why);
		c->retried = 1;
		relay(c);
		return;
	}
	s->stats.backend_errors++;
	if (tsig) {
		s->stats.tsig_failures++;
	}
	dp_log(&s->log, DP_LOG_ERROR, "peer %s: zone %s, query %s: %s%s",
	       c->peer, c->zone_fqdn, c->q.qtype_name, why,
	       c->relayed > 0 ? "; transfer aborted" : "; answered SERVFAIL");
	if (c->relayed > 0) {
		conn_close(c);
		query_finished(c, 1);
		return;
	}
	answer_error(c, c->qmsg, c->qlen, KNOT_RCODE_SERVFAIL, -1, NULL);
	query_finished(c, 1);
}

static const dp_backend_ops_t backend_ops = {
        .message = backend_message,
        .done = backend_done,
        .failed = backend_failed,
};

static void relay(dp_conn_t *c)
{
	dp_server_t *s = c->srv;
	dance_error_t err;
	if (c->backend != NULL && dp_backend_gen(c->backend) != c->qgen) {
		dp_backend_close(c->backend); /* configuration changed */
		c->backend = NULL;
	}
	if (c->backend == NULL) {
		if (dp_backend_open(s->loop, c->qgen, &backend_ops, c,
		                    (const struct sockaddr *)&c->peer_ss,
		                    (const struct sockaddr *)&c->local_ss,
		                    &c->backend, &err) != DANCE_OK) {
			backend_failed(c, err.reason, 0);
			return;
		}
		s->stats.backend_connections++;
		c->backend_used = 0;
	}
	c->relayed = 0;
	if (dp_backend_query(c->backend, c->qmsg, c->qlen, c->q.qtype, &err) !=
	    DANCE_OK) {
		dp_backend_t *b = c->backend;
		c->backend = NULL;
		dp_backend_close(b);
		backend_failed(c, err.reason, 0);
		return;
	}
	s->stats.backend_queries++;
	c->backend_used++;
}

static void decide_work(uv_work_t *req)
{
	dp_conn_t *c = req->data;
	dance_creds_t creds = {c->cred_type, c->certs, c->cert_count};
	if (c->digested == NULL && c->cert_count > 0) {
		/* On failure the decision digests (and refuses) itself. */
		(void)dance_peer_new(&creds, &c->digested, NULL);
	}
	dance_request_t r = {
	        .zone = c->zone_fqdn,
	        .peer = c->peer,
	        .tls = 1,
	        .creds = &creds,
	        .digested = c->digested,
	        .claimed_name = c->claimed[0] != '\0' ? c->claimed : NULL,
	};
	dance_authz_decide(c->qgen->authz, &r, &c->decision);
}

static void decide_done(uv_work_t *req, int status)
{
	dp_conn_t *c = req->data;
	dp_server_t *s = c->srv;
	c->work_pending = 0;
	if (c->closing) {
		query_finished(c, 0);
		conn_maybe_free(c);
		return;
	}
	if (status != 0) {
		dance_decision_deny(&c->decision, DANCE_REASON_INTERNAL, "",
		                    "authorization was cancelled");
	}
	char line[1024];
	dance_decision_format(&c->decision, c->zone_fqdn, c->peer, line,
	                      sizeof(line));
	dp_log(&s->log, c->decision.allow ? DP_LOG_INFO : DP_LOG_NOTICE,
	       "%s, query %s", line, c->q.qtype_name);
	if ((unsigned)c->decision.reason < DANCE_REASON_COUNT) {
		s->stats.decisions[c->decision.reason]++;
	}
	if (!c->decision.allow) {
		/* The reason is in the log; as EDE text only when asked:
		 * it tells the client which names the policy allows. */
		s->stats.queries_refused++;
		answer_error(c, c->qmsg, c->qlen, KNOT_RCODE_REFUSED,
		             KNOT_EDNS_EDE_PROHIBITED,
		             c->qgen->cfg->ede_reason_text
		                     ? dance_reason_code(c->decision.reason)
		                     : NULL);
		conn_note_answer(c, 0);
		query_finished(c, 0);
		return;
	}
	conn_note_answer(c, 1);
	conn_restart_timer(c);
	relay(c);
}

/* One complete query message from the client. */
void query_handle(dp_conn_t *c, const uint8_t *msg, size_t len)
{
	dp_server_t *s = c->srv;
	s->stats.queries++;
	dance_error_t err;
	const char *why = NULL;
	if (len > c->gen->cfg->max_message_size) {
		why = "query larger than max-message-size";
		memset(&c->q, 0, sizeof(c->q));
		snprintf(c->q.qtype_name, sizeof(c->q.qtype_name), "none");
	} else if (dp_query_classify(msg, len, &c->q, &err) != DANCE_OK) {
		why = err.reason;
	} else if (!c->q.pass) {
		why = c->q.why;
	}
	if (why != NULL) {
		s->stats.queries_refused++;
		dp_log(&s->log, DP_LOG_NOTICE,
		       "peer %s: query %s for %s refused: %s", c->peer,
		       c->q.qtype_name, c->q.zone[0] ? c->q.zone : ".", why);
		answer_error(c, msg, len, KNOT_RCODE_REFUSED, -1, NULL);
		conn_note_answer(c, 0);
		return;
	}
	c->qmsg = malloc(len);
	if (c->qmsg == NULL) {
		conn_close(c);
		return;
	}
	memcpy(c->qmsg, msg, len);
	c->qlen = len;
	snprintf(c->zone_fqdn, sizeof(c->zone_fqdn), "%s.", c->q.zone);
	c->qgen = dp_gen_ref(s->gen);
	c->busy = 1;
	c->retried = 0;
	c->work.data = c;
	c->work_pending = 1;
	if (uv_queue_work(s->loop, &c->work, decide_work, decide_done) != 0) {
		c->work_pending = 0;
		dance_decision_deny(&c->decision, DANCE_REASON_INTERNAL, "",
		                    "cannot queue the authorization");
		decide_done(&c->work, 0);
	}
}
