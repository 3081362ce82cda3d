/* conn_internal.h: the client connection's state, shared by conn.c (the
 * connection: TLS, framing, timers, output, lifetime) and query.c (one
 * query: decision and relay). Not for other parts. */
#ifndef DP_CONN_INTERNAL_H
#define DP_CONN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include <dance/decision.h>
#include <dance/match.h>

#include "backend.h"
#include "dnsmsg.h"
#include "limits.h"
#include "server.h"
#include "tls.h"

/* Plaintext buffer: one whole query with its length at most; PT_IDLE
 * stays allocated while idle, more only for big queries. */
#define PT_CAP  (2 + 65535)
#define PT_IDLE 4096

struct dp_conn {
	dp_server_t *srv;
	dp_conn_t *prev, *next;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_shutdown_t shutdown_req;
	int handles;   /* open libuv handles */
	dp_gen_t *gen; /* generation the connection was accepted under */
	dp_tls_t tls;
	int tls_ok;
	char peer[80];
	dp_prefix_t prefix; /* what max-connections-per-ip counts it under */
	struct sockaddr_storage peer_ss, local_ss;
	/* The client's credentials, copied after the handshake. */
	gnutls_datum_t *certs;
	size_t cert_count;
	dance_cred_type_t cred_type;
	/* Those credentials digested once, at the first decision (in the
	 * worker; one decision runs at a time per connection). */
	dance_peer_t *digested;
	char claimed[DANCE_NAME_MAX]; /* dane_clientid owner name, or "" */
	/* Plaintext from the client, not yet handled (grows to PT_CAP). */
	uint8_t *pt;
	size_t pt_len, pt_cap;
	int reading;
	dp_refusals_t refusals;
	size_t out_pending; /* bytes handed to uv_write, not yet written */
	int closing, stopping, counted_ip;
	/* The query being handled. */
	int busy;
	uint8_t *qmsg;
	size_t qlen;
	dp_query_t q;
	char zone_fqdn[DANCE_NAME_MAX + 1];
	dp_gen_t *qgen;
	uv_work_t work;
	int work_pending;
	dance_decision_t decision;
	unsigned long relayed; /* messages relayed for the current query */
	int progress;          /* something moved since the last timer tick */
	int retried;           /* the query was resent on a new backend link */
	dp_backend_t *backend;
	unsigned backend_used; /* queries sent on the current backend link */
};

/* conn.c */
void conn_close(dp_conn_t *c);
void conn_maybe_free(dp_conn_t *c);
void conn_restart_timer(dp_conn_t *c);
/* Sends one DNS message with its length prefix; -1 when the connection
 * broke (it is closing then). */
int conn_send_message(dp_conn_t *c, const uint8_t *msg, size_t len);
/* Handles what is buffered and reads on (after a query finished). */
void conn_process_input(dp_conn_t *c);

/* Notes a query's outcome; closes the connection when it was refused
 * max-refusals-unauthorized times and never authorized. */
void conn_note_answer(dp_conn_t *c, int allowed);

/* query.c: handles one complete query message. */
void query_handle(dp_conn_t *c, const uint8_t *msg, size_t len);

#endif
