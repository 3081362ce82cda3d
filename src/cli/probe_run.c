/* probe_run.c: the probe's session with the primary: connect, handshake,
 * SOA, then IXFR at the current serial or AXFR (probe.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#include "probe.h"

#define MSG_MAX   65535
#define QUERY_MAX 1024

typedef struct session {
	probe_conn_t conn;
	uint8_t *buf; /* MSG_MAX bytes */
	const probe_opts_t *o;
	probe_result_t *r;
	dance_error_t err;
} session_t;

/* Records why the probe stopped and with which exit status. */
static int stop(session_t *s, int code)
{
	snprintf(s->r->error, sizeof(s->r->error), "%s", s->err.reason);
	s->r->exit_code = code;
	return code;
}

/* Exit status of a network error: a refusing TLS alert is a denial. */
static int stop_network(session_t *s)
{
	if (s->conn.refused_by_alert) {
		s->r->authorized = 0;
		return stop(s, CLI_EXIT_DENIED);
	}
	return stop(s, CLI_EXIT_DNS);
}

static int is_ip_literal(const char *host)
{
	unsigned char addr[16];
	return inet_pton(AF_INET, host, addr) == 1 ||
	       inet_pton(AF_INET6, host, addr) == 1;
}

static void describe_server(probe_result_t *r)
{
	const probe_tls_info_t *t = &r->tls;
	if (t->server_chain == NULL || t->server_chain_len == 0) {
		return;
	}
	dance_creds_t creds = {DANCE_CRED_X509, t->server_chain,
	                       t->server_chain_len};
	dance_error_t err;
	if (dance_creds_spki_sha256_hex(&creds, r->server_spki, &err) !=
	    DANCE_OK) {
		r->server_spki[0] = '\0';
	}
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dn = {NULL, 0};
	if (gnutls_x509_crt_init(&crt) >= 0 &&
	    gnutls_x509_crt_import(crt, &t->server_chain[0],
	                           GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		snprintf(r->server_subject, sizeof(r->server_subject), "%s",
		         dn.size > 0 ? (const char *)dn.data : "");
	}
	gnutls_free(dn.data);
	gnutls_x509_crt_deinit(crt);
}

static int connect_and_handshake(session_t *s, probe_client_t *client)
{
	const probe_opts_t *o = s->o;
	if (probe_connect(&s->conn, o->host, o->port, (unsigned)o->timeout_ms,
	                  &s->err) != DANCE_OK) {
		return stop(s, CLI_EXIT_DNS);
	}
	s->r->connected = 1;
	const char *sni = o->server_name[0] != '\0' ? o->server_name
	                  : is_ip_literal(o->host)  ? NULL
	                                            : o->host;
	probe_tls_client_t tls = {
	        .certs = client->present ? &client->certs : NULL,
	        .key = client->present ? &client->key : NULL,
	        .rawpk = client->rawpk,
	        .clientid =
	                o->clientid_name[0] != '\0' ? o->clientid_name : NULL,
	        .clientid_type = (unsigned)o->clientid_type,
	};
	if (probe_handshake(&s->conn, &tls, sni, &s->r->tls, &s->err) !=
	    DANCE_OK) {
		return stop_network(s);
	}
	s->r->handshake_done = 1;
	describe_server(s->r);
	return CLI_CONTINUE;
}

/* Sends a query; *id gets its ID. */
static int ask(session_t *s, uint16_t qtype, const knot_rrset_t *soa,
               uint16_t *id)
{
	uint8_t query[QUERY_MAX];
	size_t len = 0;
	if (probe_dns_query(s->o->zone, qtype, soa, query, sizeof(query), &len,
	                    id, &s->err) != DANCE_OK) {
		return stop(s, CLI_EXIT_INPUT);
	}
	if (probe_send(&s->conn, query, len, &s->err) != DANCE_OK) {
		return stop_network(s);
	}
	return CLI_CONTINUE;
}

/* Receives and parses the next answer to id. */
static int answer(session_t *s, uint16_t id, uint16_t qtype, int keep_soa,
                  probe_reply_t *out)
{
	size_t len = 0;
	if (probe_recv(&s->conn, s->buf, &len, &s->err) != DANCE_OK) {
		return stop_network(s);
	}
	if (probe_dns_parse(s->buf, len, id, s->o->zone, qtype, keep_soa, out,
	                    &s->err) != DANCE_OK) {
		return stop(s, CLI_EXIT_DNS);
	}
	return CLI_CONTINUE;
}

static int ask_soa(session_t *s)
{
	uint16_t id = 0;
	int rc = ask(s, KNOT_RRTYPE_SOA, NULL, &id);
	if (rc == CLI_CONTINUE) {
		rc = answer(s, id, KNOT_RRTYPE_SOA, 1, &s->r->soa);
	}
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	s->r->soa_done = 1;
	if ((s->r->soa.rcode == KNOT_RCODE_REFUSED ||
	     s->r->soa.rcode == KNOT_RCODE_NOTAUTH) &&
	    s->r->soa.ede == PROBE_EDE_PROHIBITED) {
		/* dance-proxy authorizes SOA queries like transfers. */
		s->r->authorized = 0;
		return CLI_EXIT_DENIED;
	}
	if (s->r->soa.rcode != KNOT_RCODE_NOERROR || !s->r->soa.first_soa) {
		dance_error_set(&s->err, DANCE_EDNS,
		                "the server does not serve %s: SOA query "
		                "answered %s%s",
		                s->o->zone, s->r->soa.rcode_name,
		                s->r->soa.rcode == KNOT_RCODE_NOERROR
		                        ? " without a SOA record"
		                        : "");
		return stop(s, CLI_EXIT_DNS);
	}
	return CLI_CONTINUE;
}

/* True when the transfer is complete after this message: an IXFR answer
 * of the one SOA (up to date), or a message ending with the SOA that
 * started the transfer. */
static int transfer_complete(const probe_result_t *r, const probe_reply_t *m,
                             uint16_t qtype)
{
	if (qtype == KNOT_RRTYPE_IXFR && r->xfr_messages == 1 &&
	    r->xfr_records == 1) {
		return 1;
	}
	return r->xfr_records > 1 && m->last_soa &&
	       m->last_serial == r->xfr.first_serial;
}

static int read_transfer(session_t *s, uint16_t id, uint16_t qtype)
{
	probe_result_t *r = s->r;
	int rc = answer(s, id, qtype, 0, &r->xfr);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	r->xfr_messages = 1;
	r->xfr_records = r->xfr.answers;
	if (r->xfr.rcode != KNOT_RCODE_NOERROR) {
		return CLI_CONTINUE;
	}
	if (!r->xfr.first_soa) {
		dance_error_set(
		        &s->err, DANCE_EDNS,
		        "the %s answer does not start with a SOA record",
		        r->xfr_type);
		return stop(s, CLI_EXIT_DNS);
	}
	probe_reply_t more = r->xfr;
	while (!transfer_complete(r, &more, qtype)) {
		rc = answer(s, id, qtype, 0, &more);
		if (rc != CLI_CONTINUE) {
			return rc;
		}
		if (more.rcode != KNOT_RCODE_NOERROR) {
			dance_error_set(
			        &s->err, DANCE_EDNS,
			        "message %zu of the transfer answered %s",
			        r->xfr_messages + 1, more.rcode_name);
			return stop(s, CLI_EXIT_DNS);
		}
		r->xfr_messages++;
		r->xfr_records += more.answers;
	}
	return CLI_CONTINUE;
}

static int transfer(session_t *s)
{
	uint16_t qtype = s->o->axfr ? KNOT_RRTYPE_AXFR : KNOT_RRTYPE_IXFR;
	uint16_t id = 0;
	s->r->xfr_type = s->o->axfr ? "AXFR" : "IXFR";
	int rc = ask(s, qtype, s->o->axfr ? NULL : s->r->soa.soa, &id);
	if (rc == CLI_CONTINUE) {
		rc = read_transfer(s, id, qtype);
	}
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	s->r->xfr_done = 1;
	return CLI_CONTINUE;
}

/* Authorized or not, from the transfer's RCODE. */
static int verdict(session_t *s)
{
	probe_result_t *r = s->r;
	switch (r->xfr.rcode) {
	case KNOT_RCODE_NOERROR: r->authorized = 1; return CLI_EXIT_OK;
	case KNOT_RCODE_NOTAUTH:
	case KNOT_RCODE_REFUSED: r->authorized = 0; return CLI_EXIT_DENIED;
	default:
		dance_error_set(&s->err, DANCE_EDNS, "the %s was answered %s",
		                r->xfr_type, r->xfr.rcode_name);
		return stop(s, CLI_EXIT_DNS);
	}
}

static int make_resolver(cli_ctx_t *ctx, const probe_opts_t *o,
                         dance_resolver_t **resolver)
{
	if (o->server_name[0] == '\0') {
		return CLI_CONTINUE;
	}
	cli_resolver_opts_t ropts = o->resolver;
	return cli_resolver_make(ctx, &ropts, resolver);
}

int probe_run(cli_ctx_t *ctx, const probe_opts_t *o, probe_client_t *client)
{
	dance_resolver_t *resolver = NULL;
	int rc = make_resolver(ctx, o, &resolver);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	probe_result_t *r = calloc(1, sizeof(*r));
	session_t s = {.buf = malloc(MSG_MAX), .o = o, .r = r};
	probe_conn_init(&s.conn);
	if (r == NULL || s.buf == NULL) {
		free(r);
		free(s.buf);
		dance_resolver_free(resolver);
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	r->opts = o;
	r->client = client;
	r->authorized = -1;
	rc = connect_and_handshake(&s, client);
	if (rc == CLI_CONTINUE && resolver != NULL) {
		probe_check_server_tlsa(resolver, o, r);
	}
	if (rc == CLI_CONTINUE) {
		rc = ask_soa(&s);
	}
	if (rc == CLI_CONTINUE) {
		rc = transfer(&s);
	}
	if (rc == CLI_CONTINUE) {
		rc = verdict(&s);
	}
	r->exit_code = rc;
	if (ctx->json) {
		probe_report_json(ctx, r);
	} else {
		probe_report_text(r);
	}
	if (r->error[0] != '\0') {
		fprintf(stderr, "dance probe: %s\n", r->error);
	}
	probe_conn_close(&s.conn);
	probe_reply_clear(&r->soa);
	free(s.buf);
	free(r);
	dance_resolver_free(resolver);
	return rc;
}
