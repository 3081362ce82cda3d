/* help.c: --help and the man page, both from the tables below. */
#include "help.h"

#include <string.h>

#include "config.h"

#define WIDTH  79
#define INDENT 4

const dp_option_doc_t dp_options[] = {
        {'c', "config", "FILE",
         "Configuration file (default " DP_CONFIG_DEFAULT ")."},
        {DP_OPT_FOREGROUND, "foreground", NULL,
         "Run in the foreground (the proxy never daemonizes itself; "
         "accepted for service managers)."},
        {DP_OPT_CHECK, "check-config", NULL,
         "Parse and validate the configuration (files readable, "
         "certificate and key load, names valid), print \"config FILE: "
         "ok\" and exit 0, or one line per error \"FILE:LINE: item: what "
         "is wrong\" and exit 3."},
        {DP_OPT_HELP, "help", NULL, "Print this help and exit."},
        {DP_OPT_MAN, "man", NULL,
         "Print the dance-proxy(8) man page (roff) "
         "and exit."},
        {DP_OPT_VERSION, "version", NULL, "Print the version and exit."},
        {0, NULL, NULL, NULL},
};

typedef struct item_doc {
	const char *section; /* non-NULL starts a section */
	const char *name;
	const char *value;
	const char *help;
} item_doc_t;

static const item_doc_t items[] = {
        {"server", NULL, NULL,
         "The TLS side and the backend. Required: listen, cert-file, "
         "key-file, backend."},
        {NULL, "listen", "ADDR[@PORT]",
         "Address to accept XoT on (repeatable; port 853 by default)."},
        {NULL, "cert-file", "FILE", "Server certificate chain (PEM)."},
        {NULL, "key-file", "FILE", "Server private key (PEM)."},
        {NULL, "backend", "ADDR[@PORT]",
         "The primary, reached over plain TCP; must be a loopback address "
         "(default port 53)."},
        {NULL, "backend-tsig", "[ALG:]NAME:SECRET",
         "TSIG key that signs relayed queries and verifies the answers "
         "(the TSIG record is removed before the answer goes on). Give the "
         "backend an ACL that allows only this key."},
        {NULL, "backend-proxy-protocol", "yes|no",
         "Send a PROXY v2 header first on each backend connection (for "
         "NSD's proxy-protocol-port). Default no."},
        {NULL, "max-connections", "N",
         "Connections served at once (default 1000); beyond it new "
         "connections are closed at once."},
        {NULL, "max-connections-per-ip", "N",
         "Connections from one client (default 32); by default a client "
         "is one IPv4 address or one IPv6 /64 (per-ip-ipv4-prefix, "
         "per-ip-ipv6-prefix)."},
        {NULL, "per-ip-ipv4-prefix", "LEN",
         "IPv4 prefix length that max-connections-per-ip counts as one "
         "client, 8-32 (default 32: each address)."},
        {NULL, "per-ip-ipv6-prefix", "LEN",
         "IPv6 prefix length that max-connections-per-ip counts as one "
         "client, 16-128 (default 64: a host usually holds a whole /64). "
         "IPv4-mapped addresses count as IPv4."},
        {NULL, "max-refusals-unauthorized", "N",
         "A connection that has not been authorized for any query is "
         "closed after this many refused queries (default 3), whether "
         "refused by the policy or by the proxy itself (not a transfer "
         "query); logged and counted as refusal_closes."},
        {NULL, "handshake-timeout", "MS",
         "Time allowed for the TLS handshake (default 5000). Until it is "
         "done at most 4 TLS records (66580 bytes) of the client's input "
         "are buffered: reading stops until the handshake has consumed "
         "them."},
        {NULL, "idle-timeout", "MS",
         "A connection without an authorized query for this long is "
         "closed (default 30000); refused queries do not restart it."},
        {NULL, "max-message-size", "BYTES",
         "Larger client queries are refused (default 65535)."},
        {NULL, "ede-reason-text", "yes|no",
         "Put the decision's reason code (e.g. identity-not-allowed, "
         "tlsa-mismatch) into the EXTRA-TEXT of the EDE of a refusal. "
         "Default no: EDE 18 (Prohibited) without text, since the reason "
         "tells any TLS client which names the policy allows; the reason "
         "is always in the log."},
        {NULL, "stats-listen", "ADDR[@PORT]",
         "TCP address that answers each connection with the counters as "
         "one JSON object and closes (default port 8530)."},
        {NULL, "log-level", "LEVEL",
         "error, warning, notice, info (default) or debug."},
        {NULL, "clientid", "yes|no",
         "Accept the dane_clientid TLS extension: a client that sends its "
         "TLSA owner name is checked as that identity (policy first, then "
         "its TLSA records); without it the identity is found by key "
         "discovery. Default yes."},
        {NULL, "clientid-type", "N",
         "TLS extension codepoint of dane_clientid, 65280-65535 (private "
         "use; default 65498); clients must use the same."},
        {"resolver", NULL, NULL,
         "How TLSA records are looked up and validated (libdance)."},
        {NULL, "mode", "recurse|forward|stub|ad",
         "Full recursion (default), forwarding to the servers, stub zones "
         "at the servers, or trusting the AD bit of a loopback resolver."},
        {NULL, "server", "ADDR[@PORT]",
         "Resolver address (repeatable; needed by forward, stub and ad)."},
        {NULL, "stub-zone", "NAME",
         "Zone resolved at the servers in stub "
         "mode (repeatable)."},
        {NULL, "trust-anchor-file", "FILE",
         "DNSSEC trust anchors (default /usr/share/dns/root.key)."},
        {NULL, "lookup-timeout", "MS",
         "Bound of a TLSA lookup on a cache miss (default 1500)."},
        {NULL, "cache-max-ttl", "SECONDS",
         "Longest time a TLSA answer is cached (default 3600)."},
        {NULL, "cache-max-entries", "N", "Cache size (default 10000)."},
        {NULL, "owner-template", "TEMPLATE",
         "TLSA owner of a client name (default _xfr-client.{name})."},
        {"zone", NULL, NULL,
         "One section per zone that may be transferred; queries for other "
         "zones are refused."},
        {NULL, "name", "NAME", "The zone."},
        {NULL, "allow", "NAME",
         "Client identity allowed to transfer the zone (repeatable)."},
        {NULL, "allow-suffix", "*.SUFFIX",
         "Any client name under SUFFIX (repeatable)."},
        {NULL, "ns-derived", "yes|no",
         "Also allow the hosts of the zone's NS RRset, read from the "
         "backend at start, every 60 s and on reload. Default no."},
        {NULL, NULL, NULL, NULL},
};

static const char description[] =
        "dance-proxy terminates DNS zone transfers over TLS (XoT, RFC 9103) "
        "for a primary that cannot authenticate clients itself (NSD, BIND, "
        "older Knot), authenticates each secondary by DANE client "
        "authentication with libdance, and relays authorized transfers to "
        "the primary over plain TCP on loopback.\n\n"
        "Only TLS 1.3 with ALPN \"dot\" and a client certificate is "
        "accepted. Each query is checked on its own: only AXFR, IXFR and "
        "SOA queries (class IN, one question) pass, anything else is "
        "answered REFUSED by the proxy without contacting the backend; a "
        "passing query is authorized for its zone (the client's key must "
        "match a DNSSEC-secure TLSA record of an identity the zone allows) "
        "and refused with EDE 18 (Prohibited) otherwise, without text "
        "unless ede-reason-text is set. Answers are "
        "streamed message by message; the backend is not read while more "
        "than 256 KiB wait to be sent to a slow client.\n\n"
        "Each decision is logged as one line on standard error, at info "
        "for allow and notice for deny: \"dance-proxy: notice: zone Z, "
        "peer ADDR@PORT, identity I: denied (reason): detail, query "
        "AXFR\".";

static const char signals_doc[] =
        "SIGHUP reloads the configuration: new queries use the new policy, "
        "transfers in progress finish on the old one; a bad new "
        "configuration is logged and the old one kept. SIGTERM and SIGINT "
        "stop accepting, let transfers in progress finish (at most 10 s) "
        "and exit 0. SIGUSR1 logs one line \"stats {json}\" with the "
        "counters (connections_accepted, connections_active, "
        "connections_refused_limit, handshakes_ok, handshakes_failed, "
        "idle_timeouts, refusal_closes, "
        "queries, queries_refused, backend_queries, backend_connections, "
        "decisions by reason, reloads, ...).";

static const char exits_doc[] =
        "0 clean stop; 1 runtime failure (cannot bind, backend or "
        "credentials unusable at start); 3 usage or configuration error.";

static const char example_conf[] =
        "server:\n"
        "    listen: 192.0.2.1@853\n"
        "    cert-file: /etc/dance-proxy/server.pem\n"
        "    key-file: /etc/dance-proxy/server.key\n"
        "    backend: 127.0.0.1@53\n"
        "    backend-tsig: hmac-sha256:proxy-key:BASE64SECRET\n"
        "resolver:\n"
        "    mode: recurse\n"
        "zone:\n"
        "    name: example.com\n"
        "    allow: ns2.example.net\n"
        "    allow-suffix: *.secondaries.example.net\n";

/* ---- text ---- */

static void wrap(FILE *out, const char *text, size_t col, size_t indent)
{
	int empty = 1;
	const char *p = text;
	while (*p != '\0') {
		if (*p == '\n') {
			fputc('\n', out);
			if (p[1] == '\n') {
				fputc('\n', out);
				p++;
			}
			fprintf(out, "%*s", (int)indent, "");
			col = indent;
			empty = 1;
			p++;
			continue;
		}
		while (*p == ' ') {
			p++;
		}
		size_t len = strcspn(p, " \n");
		if (len == 0) {
			continue;
		}
		if (!empty && col + 1 + len > WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			empty = 1;
		}
		if (!empty) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += len;
		empty = 0;
		p += len;
	}
	fputc('\n', out);
}

static void para(FILE *out, const char *text, size_t indent)
{
	fprintf(out, "%*s", (int)indent, "");
	wrap(out, text, indent, indent);
}

void dp_help_print(FILE *out)
{
	fputs("NAME\n    dance-proxy - DANE-authenticated XoT sidecar for a "
	      "DNS "
	      "primary\n\nSYNOPSIS\n    dance-proxy [-c FILE] [--foreground] "
	      "[--check-config]\n    dance-proxy --help | --man | "
	      "--version\n\nDESCRIPTION\n",
	      out);
	para(out, description, INDENT);
	fputs("\nOPTIONS\n", out);
	for (const dp_option_doc_t *o = dp_options; o->name != NULL; o++) {
		fprintf(out, "%*s", INDENT, "");
		if (o->id < 128) {
			fprintf(out, "-%c, ", o->id);
		}
		fprintf(out, "--%s%s%s\n", o->name, o->arg ? " " : "",
		        o->arg ? o->arg : "");
		para(out, o->help, 2 * INDENT);
	}
	fputs("\nCONFIGURATION\n", out);
	para(out,
	     "NSD style: sections \"server:\", \"resolver:\" and \"zone:\" "
	     "(repeatable), then \"key: value\" lines; '#' starts a comment; "
	     "values may be quoted.",
	     INDENT);
	for (const item_doc_t *i = items; i->help != NULL; i++) {
		if (i->section != NULL) {
			fprintf(out, "\n%*s%s:\n", INDENT, "", i->section);
			para(out, i->help, 2 * INDENT);
			continue;
		}
		fprintf(out, "%*s%s: %s\n", 2 * INDENT, "", i->name, i->value);
		para(out, i->help, 3 * INDENT);
	}
	fputs("\nSIGNALS\n", out);
	para(out, signals_doc, INDENT);
	fputs("\nEXIT STATUS\n", out);
	para(out, exits_doc, INDENT);
	fputs("\nEXAMPLE\n", out);
	const char *p = example_conf;
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		fprintf(out, "%*s%.*s\n", INDENT, "", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* ---- roff ---- */

/* Escapes one line of text (no newline) for roff. */
static void roff_inline(FILE *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\\') {
			fputs("\\e", out);
		} else if (*p == '-') {
			fputs("\\-", out);
		} else {
			fputc(*p, out);
		}
	}
}

static void roff_text(FILE *out, const char *text)
{
	int bol = 1;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			if (p[1] == '\n') {
				fputs("\n.PP\n", out);
				p++;
			} else {
				fputc('\n', out);
			}
			bol = 1;
			continue;
		}
		if (bol && (*p == '.' || *p == '\'')) {
			fputs("\\&", out);
		}
		if (*p == '\\') {
			fputs("\\e", out);
		} else if (*p == '-') {
			fputs("\\-", out);
		} else {
			fputc(*p, out);
		}
		bol = 0;
	}
	fputc('\n', out);
}

void dp_man_print(FILE *out)
{
	fputs(".TH DANCE-PROXY 8 \"\" \"dance-xot\" \"System Administration\"\n"
	      ".SH NAME\ndance\\-proxy \\- DANE\\-authenticated XoT sidecar "
	      "for "
	      "a DNS primary\n.SH SYNOPSIS\n.B dance\\-proxy\n[\\fB\\-c\\fR "
	      "\\fIFILE\\fR] [\\fB\\-\\-foreground\\fR] "
	      "[\\fB\\-\\-check\\-config\\fR]\n.br\n.B dance\\-proxy\n"
	      "\\fB\\-\\-help\\fR | \\fB\\-\\-man\\fR | "
	      "\\fB\\-\\-version\\fR\n.SH DESCRIPTION\n",
	      out);
	roff_text(out, description);
	fputs(".SH OPTIONS\n", out);
	for (const dp_option_doc_t *o = dp_options; o->name != NULL; o++) {
		fputs(".TP\n", out);
		if (o->id < 128) {
			fprintf(out, "\\fB\\-%c\\fR, ", o->id);
		}
		fputs("\\fB\\-\\-", out);
		roff_inline(out, o->name);
		fputs("\\fR", out);
		if (o->arg != NULL) {
			fputs(" \\fI", out);
			roff_inline(out, o->arg);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		roff_text(out, o->help);
	}
	fputs(".SH CONFIGURATION\n", out);
	roff_text(out, "NSD style: sections \"server:\", \"resolver:\" and "
	               "\"zone:\" (repeatable), then \"key: value\" lines; '#' "
	               "starts a comment; values may be quoted.");
	for (const item_doc_t *i = items; i->help != NULL; i++) {
		if (i->section != NULL) {
			fprintf(out, ".SS %s:\n", i->section);
			roff_text(out, i->help);
			continue;
		}
		fputs(".TP\n\\fB", out);
		roff_inline(out, i->name);
		fputs(":\\fR \\fI", out);
		roff_inline(out, i->value);
		fputs("\\fR\n", out);
		roff_text(out, i->help);
	}
	fputs(".SH SIGNALS\n", out);
	roff_text(out, signals_doc);
	fputs(".SH EXIT STATUS\n", out);
	roff_text(out, exits_doc);
	fputs(".SH EXAMPLE\n.nf\n", out);
	roff_text(out, example_conf);
	fputs(".fi\n.SH SEE ALSO\n.BR dance (1),\n.BR nsd (8),\n.BR knotd "
	      "(8)\n",
	      out);
}
