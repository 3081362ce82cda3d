/* probe.h: dance probe's parts: its options (cmd_probe.c), the session
 * with the primary (probe_run.c) and its report (probe_report.c). */
#ifndef DANCE_CLI_PROBE_H
#define DANCE_CLI_PROBE_H

#include <stdint.h>

#include <gnutls/abstract.h>

#include "cli.h"
#include "cli_pki.h"
#include "dance/name.h"
#include "dance/resolver.h"
#include "probe_dns.h"
#include "probe_tls.h"
#include "resolver_opts.h"

typedef struct probe_opts {
	char host[256];
	uint16_t port;
	const char *zone_arg, *cert, *key, *clientid, *server_name_arg;
	char zone[DANCE_NAME_MAX];
	char clientid_name[DANCE_NAME_MAX]; /* normalised, "" when not given */
	unsigned long clientid_type;        /* dane_clientid codepoint */
	int rawpk; /* present the key of --key as a raw public key */
	char server_name[DANCE_NAME_MAX]; /* "" when not given */
	int axfr;
	unsigned long timeout_ms;
	cli_resolver_opts_t resolver;
} probe_opts_t;

typedef struct probe_client {
	int present; /* --cert and --key given, or --rawpk and --key */
	int rawpk;   /* certs holds the one SPKI of the raw public key */
	cli_certs_t certs;
	gnutls_privkey_t key; /* handed to the TLS credentials */
	char spki[65];
} probe_client_t;

/* What the probe saw, step by step. */
typedef struct probe_result {
	const probe_opts_t *opts;
	const probe_client_t *client;
	int connected, handshake_done, soa_done, xfr_done;
	probe_tls_info_t tls;
	char server_spki[65];
	char server_subject[256];
	probe_reply_t soa;
	const char *xfr_type; /* "IXFR" or "AXFR" */
	probe_reply_t xfr;    /* first message of the transfer */
	size_t xfr_messages, xfr_records;
	/* _853._tcp TLSA of the server (with --server-name). */
	char tlsa_owner[DANCE_NAME_MAX];
	const char *tlsa_state; /* NULL: not checked */
	const char *tlsa_outcome;
	char tlsa_detail[DANCE_REASON_MAX];
	int authorized;               /* 1 yes, 0 refused, -1 unknown */
	char error[DANCE_REASON_MAX]; /* why the probe stopped, or "" */
	int exit_code;
} probe_result_t;

/* Runs the probe and prints its report; returns the exit status. */
int probe_run(cli_ctx_t *ctx, const probe_opts_t *o, probe_client_t *client);

/* Checks the server chain against the TLSA records at
 * _853._tcp.<server name> (probe_tlsa.c). */
void probe_check_server_tlsa(dance_resolver_t *resolver, const probe_opts_t *o,
                             probe_result_t *r);

void probe_report_text(const probe_result_t *r);
void probe_report_json(cli_ctx_t *ctx, const probe_result_t *r);

#endif
