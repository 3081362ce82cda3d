/* probe_report.c: what the probe saw, as text or JSON (probe.h). */
#include <stdio.h>
#include <string.h>

#include "probe.h"

static const char *client_text(const probe_result_t *r)
{
	const probe_tls_info_t *t = &r->tls;
	if (t->cert_sent) {
		return t->rawpk ? "raw public key sent (the server asked for "
		                  "one)"
		                : "certificate sent (the server asked for one)";
	}
	if (t->cert_requested && r->client->rawpk) {
		return "none: the server asked for a certificate and did not "
		       "take a raw public key (RFC 7250)";
	}
	if (t->cert_requested) {
		return "none: the server asked for a certificate, the probe "
		       "had none (--cert/--key)";
	}
	return r->client->present ? "certificate not sent: the server did "
	                            "not ask for one"
	                          : "none (the server did not ask)";
}

static void text_tls(const probe_result_t *r)
{
	const probe_tls_info_t *t = &r->tls;
	printf("tls:         %s, %s, ALPN %s\n", t->protocol, t->cipher,
	       t->alpn[0] != '\0' ? t->alpn : "none");
	if (strcmp(t->alpn, "dot") != 0) {
		printf("warning:     the server did not select ALPN \"dot\" "
		       "(RFC 9103 7.1)\n");
	}
	printf("client:      %s\n", client_text(r));
	if (r->client->present) {
		printf("client key:  SPKI SHA-256 %s\n", r->client->spki);
	}
	if (t->clientid_sent) {
		printf("clientid:    %s (type %lu): %s\n",
		       r->opts->clientid_name, r->opts->clientid_type,
		       t->clientid_acked ? "acknowledged by the server"
		                         : "not acknowledged: the server does "
		                           "not read dane_clientid");
	}
	printf("server cert: %s, SPKI SHA-256 %s\n",
	       r->server_subject[0] != '\0' ? r->server_subject
	                                    : "(empty subject)",
	       r->server_spki);
	if (r->tlsa_state != NULL) {
		printf("server tlsa: %s: %s%s%s%s\n", r->tlsa_owner,
		       r->tlsa_state, r->tlsa_outcome != NULL ? ", " : "",
		       r->tlsa_outcome != NULL ? r->tlsa_outcome : "",
		       r->tlsa_detail[0] != '\0' ? " -- " : "");
		if (r->tlsa_detail[0] != '\0') {
			printf("             %s\n", r->tlsa_detail);
		}
	} else {
		printf("server tlsa: not checked (give --server-name)\n");
	}
}

void probe_report_text(const probe_result_t *r)
{
	const probe_opts_t *o = r->opts;
	printf("server:      %s port %u, zone %s\n", o->host, o->port, o->zone);
	if (r->handshake_done) {
		text_tls(r);
	}
	if (r->soa_done) {
		printf("soa:         %s%s", r->soa.rcode_name,
		       r->soa.aa ? " (authoritative)" : "");
		if (r->soa.first_soa) {
			printf(", serial %u", r->soa.first_serial);
		}
		if (r->soa.ede >= 0) {
			printf(", EDE %d%s%s", r->soa.ede,
			       r->soa.ede_text[0] != '\0' ? ": " : "",
			       r->soa.ede_text);
		}
		printf("\n");
	}
	if (r->xfr_type != NULL && (r->xfr_done || r->xfr_messages > 0)) {
		printf("transfer:    %s: %s, %zu message%s, %zu record%s",
		       r->xfr_type, r->xfr.rcode_name, r->xfr_messages,
		       r->xfr_messages == 1 ? "" : "s", r->xfr_records,
		       r->xfr_records == 1 ? "" : "s");
		if (r->xfr.ede >= 0) {
			printf(", EDE %d%s%s", r->xfr.ede,
			       r->xfr.ede_text[0] != '\0' ? ": " : "",
			       r->xfr.ede_text);
		}
		printf("\n");
	}
	printf("authorized:  %s\n", r->authorized == 1   ? "yes"
	                            : r->authorized == 0 ? "no"
	                                                 : "unknown");
}

static void json_str_or_null(json_t *j, const char *key, const char *s,
                             int known)
{
	if (known && s != NULL && s[0] != '\0') {
		json_kstr(j, key, s);
	} else {
		json_knull(j, key);
	}
}

static void json_tls(json_t *j, const probe_result_t *r)
{
	int hs = r->handshake_done;
	const probe_tls_info_t *t = &r->tls;
	json_str_or_null(j, "protocol", t->protocol, hs);
	json_str_or_null(j, "cipher", t->cipher, hs);
	json_str_or_null(j, "alpn", t->alpn, hs);
	json_kbool(j, "client_cert_requested", t->cert_requested);
	json_kbool(j, "client_cert_sent", t->cert_sent);
	json_str_or_null(j, "client_spki_sha256", r->client->spki,
	                 r->client->present);
	json_kbool(j, "client_rawpk", r->client->rawpk);
	json_str_or_null(j, "clientid", r->opts->clientid_name, 1);
	if (t->clientid_sent && hs) {
		json_kbool(j, "clientid_acked", t->clientid_acked);
	} else {
		json_knull(j, "clientid_acked");
	}
	json_str_or_null(j, "server_spki_sha256", r->server_spki, hs);
	json_str_or_null(j, "server_subject", r->server_subject, hs);
	json_str_or_null(j, "server_tlsa_owner", r->tlsa_owner,
	                 r->tlsa_state != NULL);
	json_str_or_null(j, "server_tlsa_state", r->tlsa_state, 1);
	json_str_or_null(j, "server_tlsa_outcome", r->tlsa_outcome, 1);
	json_str_or_null(j, "server_tlsa_detail", r->tlsa_detail,
	                 r->tlsa_state != NULL);
}

static void json_dns(json_t *j, const probe_result_t *r)
{
	json_str_or_null(j, "soa_rcode", r->soa.rcode_name, r->soa_done);
	if (r->soa_done && r->soa.first_soa) {
		json_kint(j, "serial", r->soa.first_serial);
	} else {
		json_knull(j, "serial");
	}
	json_str_or_null(j, "transfer", r->xfr_type, 1);
	json_str_or_null(j, "transfer_rcode", r->xfr.rcode_name,
	                 r->xfr_messages > 0);
	json_kint(j, "transfer_messages", (long long)r->xfr_messages);
	json_kint(j, "transfer_records", (long long)r->xfr_records);
	/* The Extended DNS Error of the refusal, if the server gave one. */
	const probe_reply_t *refusal = r->xfr_messages > 0 ? &r->xfr : &r->soa;
	int have = (r->xfr_messages > 0 || r->soa_done) && refusal->ede >= 0;
	if (have) {
		json_kint(j, "ede", refusal->ede);
	} else {
		json_knull(j, "ede");
	}
	json_str_or_null(j, "ede_text", refusal->ede_text, have);
}

void probe_report_json(cli_ctx_t *ctx, const probe_result_t *r)
{
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "probe");
	json_kstr(j, "server", r->opts->host);
	json_kint(j, "port", r->opts->port);
	json_kstr(j, "zone", r->opts->zone);
	json_kbool(j, "connected", r->connected);
	json_kbool(j, "handshake", r->handshake_done);
	json_tls(j, r);
	json_dns(j, r);
	if (r->authorized < 0) {
		json_knull(j, "authorized");
	} else {
		json_kbool(j, "authorized", r->authorized);
	}
	json_str_or_null(j, "error", r->error, 1);
	json_kint(j, "exit_code", r->exit_code);
	json_object_end(j);
}
