/* cmd_probe.c: dance probe: connect to a primary as a secondary would
 * (TLS 1.3, ALPN dot, client certificate), ask SOA and an IXFR at the
 * current serial (or a full AXFR), and report the handshake and whether
 * the transfer was authorized. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#include "cli.h"
#include "cli_pki.h"
#include "dance/clientid.h"
#include "dance/name.h"
#include "probe.h"
#include "resolver_opts.h"

#define DEFAULT_PORT       853
#define DEFAULT_TIMEOUT_MS 5000

static const cli_option_t options[] = {
        {"zone", OPT_ZONE, "ZONE", "The zone to ask for; required."},
        {"cert", OPT_CERT, "FILE",
         "Client certificate to present (PEM chain, leaf first, or DER). "
         "With --key; without both the probe presents no certificate, as "
         "a secondary that is not configured for it."},
        {"key", OPT_KEY, "FILE",
         "Private key of the client certificate (PEM or DER, "
         "unencrypted)."},
        {"axfr", OPT_AXFR, NULL,
         "Transfer the whole zone (AXFR) and count its records, instead of "
         "asking IXFR at the current serial (which transfers nothing but "
         "is authorized like a transfer)."},
        {"rawpk", OPT_RAWPK, NULL,
         "Present the key of --key as a raw public key (RFC 7250) instead "
         "of a certificate (leave out --cert): the probe offers only that "
         "client certificate type. A raw key can match only TLSA 3 1 x "
         "records. A primary that does not negotiate raw keys gets no "
         "client credentials."},
        {"clientid", OPT_CLIENTID, "NAME",
         "Send the dane_clientid TLS extension (draft-ietf-dance-client-"
         "auth) naming the full TLSA owner name of the client, e.g. "
         "_xfr-client.ns2.example.net. It travels in the ClientHello and "
         "the report says whether the server acknowledged it (in "
         "EncryptedExtensions). The primary must still find that name "
         "allowed by its policy and the key in its TLSA records."},
        {"clientid-type", OPT_CLIENTID_TYPE, "N",
         "Codepoint of the dane_clientid extension, 65280-65535 (the TLS "
         "private-use range; default 65498, 0xFFDA, as everywhere in "
         "dance-xot until one is assigned)."},
        {"server-name", OPT_SERVER_NAME, "NAME",
         "The primary's name: sent as TLS server name (SNI), and its "
         "certificate is checked against the TLSA records at "
         "_853._tcp.NAME with the validator options below (informative: "
         "it does not change the exit status). Without it the server "
         "certificate is shown but not verified; a SERVER given as a name "
         "is still sent as SNI."},
        {"timeout", OPT_TIMEOUT, "MS",
         "Deadline of the connection, the handshake, each answer and the "
         "TLSA lookup in milliseconds (default 5000)."},
        CLI_RESOLVER_OPTIONS,
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "The transfer was authorized (the IXFR or AXFR was answered)."},
        {1, "The transfer was refused: NOTAUTH or REFUSED, or the SOA "
            "query refused with Extended DNS Error 18 (Prohibited, as "
            "dance-proxy does), or the server ended the TLS session with "
            "an alert refusing the client certificate."},
        {2, "The server could not be reached, the TLS handshake failed, "
            "the server does not serve the zone, or it answered with "
            "another error."},
        {3, "Usage or input error."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance probe 192.0.2.1 --zone example.net --cert ns2.pem --key "
         "ns2.key",
         "Is ns2 (its certificate and key) allowed to transfer example.net "
         "from the primary 192.0.2.1, port 853?"},
        {"dance probe 192.0.2.1 --zone example.net",
         "What does a secondary without a client certificate get?"},
        {"dance probe '[2001:db8::1]@8853' --zone example.net --cert "
         "ns2.pem --key ns2.key --axfr --server-name ns1.example.net",
         "A full transfer from another port, checking the primary's own "
         "certificate against _853._tcp.ns1.example.net:"},
        {"dance probe 192.0.2.1 --zone example.net --key ns2.key --rawpk "
         "--clientid _xfr-client.ns2.example.net",
         "Present ns2's raw public key and name its TLSA owner in the "
         "dane_clientid extension:"},
        {NULL, NULL},
};

static int parse_option(cli_ctx_t *ctx, int c, const char *arg, probe_opts_t *o)
{
	switch (c) {
	case OPT_ZONE: o->zone_arg = arg; break;
	case OPT_CERT: o->cert = arg; break;
	case OPT_KEY: o->key = arg; break;
	case OPT_AXFR: o->axfr = 1; break;
	case OPT_CLIENTID: o->clientid = arg; break;
	case OPT_RAWPK: o->rawpk = 1; break;
	case OPT_CLIENTID_TYPE:
		if (cli_parse_uint(ctx, "clientid-type", arg, 0xFF00, 0xFFFF,
		                   &o->clientid_type) != 0) {
			return CLI_EXIT_INPUT;
		}
		break;
	case OPT_SERVER_NAME: o->server_name_arg = arg; break;
	case OPT_TIMEOUT:
		if (cli_parse_uint(ctx, "timeout", arg, 1, 600000,
		                   &o->timeout_ms) != 0) {
			return CLI_EXIT_INPUT;
		}
		o->resolver.timeout_ms = o->timeout_ms;
		break;
	default:
		if (cli_resolver_option_id(c)) {
			return cli_resolver_option(ctx, &o->resolver, c, arg);
		}
	}
	return CLI_CONTINUE;
}

/* SERVER[@PORT], SERVER an address (IPv6 optionally in brackets) or name. */
static int parse_server(cli_ctx_t *ctx, const char *text, probe_opts_t *o)
{
	const char *at = strrchr(text, '@');
	size_t len = at != NULL ? (size_t)(at - text) : strlen(text);
	unsigned long port = DEFAULT_PORT;
	if (at != NULL &&
	    cli_parse_uint(ctx, "SERVER port", at + 1, 1, 65535, &port) != 0) {
		return CLI_EXIT_INPUT;
	}
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(o->host)) {
		return cli_usage_error(ctx, "SERVER \"%s\" is not valid", text);
	}
	memcpy(o->host, text, len);
	o->host[len] = '\0';
	o->port = (uint16_t)port;
	return CLI_CONTINUE;
}

static int check_options(cli_ctx_t *ctx, probe_opts_t *o)
{
	if (o->zone_arg == NULL) {
		return cli_usage_error(ctx, "--zone is required");
	}
	if (o->rawpk && (o->key == NULL || o->cert != NULL)) {
		return cli_usage_error(ctx,
		                       "--rawpk presents the key of --key: "
		                       "give --key, without --cert");
	}
	if (!o->rawpk && (o->cert == NULL) != (o->key == NULL)) {
		return cli_usage_error(ctx, "--cert and --key go together");
	}
	if (o->clientid != NULL) {
		uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
		size_t len = 0;
		dance_error_t err;
		if (dance_clientid_encode(o->clientid, wire, sizeof(wire), &len,
		                          &err) != DANCE_OK ||
		    dance_clientid_decode(wire, len, o->clientid_name,
		                          sizeof(o->clientid_name),
		                          &err) != DANCE_OK) {
			return cli_fail(ctx, CLI_EXIT_INPUT, "--clientid: %s",
			                err.reason);
		}
	}
	if (cli_parse_name(ctx, "zone", o->zone_arg, o->zone) != 0 ||
	    (o->server_name_arg != NULL &&
	     cli_parse_name(ctx, "server-name", o->server_name_arg,
	                    o->server_name) != 0)) {
		return CLI_EXIT_INPUT;
	}
	return CLI_CONTINUE;
}

static int parse_options(cli_ctx_t *ctx, int argc, char **argv, probe_opts_t *o)
{
	int rc = cli_resolver_opts_init(ctx, &o->resolver, argc);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	cli_args_t *a = cli_args_new(ctx, argc, argv);
	if (a == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	const char *arg;
	int c = CLI_ARGS_END, rest = 0;
	while (rc == CLI_CONTINUE && (c = cli_args_next(a, &arg)) >= 0) {
		rc = parse_option(ctx, c, arg, o);
	}
	char **servers = cli_args_rest(a, &rest);
	const char *server = rest > 0 ? servers[0] : NULL;
	rc = cli_args_end(a, c, rc, 1);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (server == NULL) {
		return cli_usage_error(ctx, "give the SERVER to probe");
	}
	rc = parse_server(ctx, server, o);
	return rc == CLI_CONTINUE ? check_options(ctx, o) : rc;
}

/* A raw public key: the SPKI of --key. */
static int load_rawpk(cli_ctx_t *ctx, const probe_opts_t *o,
                      probe_client_t *client)
{
	dance_error_t err;
	cli_creds_t from_key;
	if (cli_load_creds(o->key, CLI_CREDS_KEY, &from_key, &err) !=
	            DANCE_OK ||
	    dance_creds_spki_sha256_hex(&from_key.creds, client->spki, &err) !=
	            DANCE_OK ||
	    cli_load_privkey(o->key, &client->key, &err) != DANCE_OK) {
		cli_creds_clear(&from_key);
		return cli_fail(ctx, CLI_EXIT_INPUT, "--key %s: %s", o->key,
		                err.reason);
	}
	client->certs = from_key.items; /* the one SPKI, owned now */
	client->rawpk = 1;
	client->present = 1;
	return CLI_CONTINUE;
}

/* Certificate and key, checked to belong together. */
static int load_client(cli_ctx_t *ctx, const probe_opts_t *o,
                       probe_client_t *client)
{
	dance_error_t err;
	cli_creds_t from_key, from_cert;
	char key_spki[65];
	if (cli_load_creds(o->cert, CLI_CREDS_CERT, &from_cert, &err) !=
	            DANCE_OK ||
	    dance_creds_spki_sha256_hex(&from_cert.creds, client->spki, &err) !=
	            DANCE_OK) {
		cli_creds_clear(&from_cert);
		return cli_fail(ctx, CLI_EXIT_INPUT, "--cert %s: %s", o->cert,
		                err.reason);
	}
	client->certs = from_cert.items;
	if (cli_load_creds(o->key, CLI_CREDS_KEY, &from_key, &err) !=
	            DANCE_OK ||
	    dance_creds_spki_sha256_hex(&from_key.creds, key_spki, &err) !=
	            DANCE_OK ||
	    cli_load_privkey(o->key, &client->key, &err) != DANCE_OK) {
		cli_creds_clear(&from_key);
		return cli_fail(ctx, CLI_EXIT_INPUT, "--key %s: %s", o->key,
		                err.reason);
	}
	cli_creds_clear(&from_key);
	if (strcmp(key_spki, client->spki) != 0) {
		return cli_fail(
		        ctx, CLI_EXIT_INPUT,
		        "--key %s does not belong to the certificate in "
		        "--cert %s",
		        o->key, o->cert);
	}
	client->present = 1;
	return CLI_CONTINUE;
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	probe_opts_t o;
	probe_client_t client;
	memset(&o, 0, sizeof(o));
	memset(&client, 0, sizeof(client));
	o.timeout_ms = DEFAULT_TIMEOUT_MS;
	o.clientid_type = DANCE_CLIENTID_EXT_DEFAULT;
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc == CLI_CONTINUE && o.resolver.timeout_ms == 0) {
		o.resolver.timeout_ms = o.timeout_ms;
	}
	if (rc == CLI_CONTINUE && o.rawpk) {
		rc = load_rawpk(ctx, &o, &client);
	} else if (rc == CLI_CONTINUE && o.cert != NULL) {
		rc = load_client(ctx, &o, &client);
	}
	if (rc == CLI_CONTINUE) {
		rc = probe_run(ctx, &o, &client);
	}
	cli_certs_clear(&client.certs);
	gnutls_privkey_deinit(client.key);
	cli_resolver_opts_clear(&o.resolver);
	return rc;
}

const cli_command_t cli_cmd_probe = {
        .name = "probe",
        .summary = "try a zone transfer over TLS as a secondary would",
        .synopsis = "SERVER[@PORT] --zone ZONE\n"
                    "[--cert FILE --key FILE | --key FILE --rawpk]\n"
                    "[--clientid NAME [--clientid-type N]] [--axfr]\n"
                    "[--server-name NAME] [--timeout MS] [validator "
                    "options] [--json]",
        .description =
                "Connects to the primary SERVER (an IP address or name; "
                "port 853 by default; an IPv6 address may be written in "
                "brackets) the way an XoT secondary does (RFC 9103): TLS "
                "1.3 only, ALPN \"dot\", presenting the client certificate "
                "of --cert and --key. It asks the SOA of the zone, then "
                "an IXFR at the current serial (which transfers nothing "
                "but passes the same authorization as a transfer) or, with "
                "--axfr, the whole zone.\n\n"
                "It reports the TLS protocol, cipher suite and ALPN, "
                "whether the server asked for a client certificate, the "
                "server certificate's subject and SPKI SHA-256, the SOA "
                "serial, and whether the transfer was authorized: an "
                "answer, or REFUSED/NOTAUTH (Knot's ACL and mod-dance "
                "answer NOTAUTH, dance-proxy REFUSED). Queries carry EDNS, "
                "so a server may say why in an Extended DNS Error (RFC "
                "8914), which is shown; mod-dance and dance-proxy attach "
                "EDE 18 (Prohibited), mod-dance with no text, dance-proxy "
                "with the reason code when ede-reason-text is on (it is "
                "off by default). dance-proxy "
                "authorizes the SOA query like a transfer: a SOA refused "
                "with EDE 18 is a refusal too.\n\n"
                "Secondaries often do not send their certificate unless "
                "they verify the primary (NSD needs tls-cert-bundle, BIND "
                "ca-file and remote-hostname): when a transfer is refused, "
                "compare with what probe sees.\n\n"
                "With --clientid the probe names its TLSA owner in the "
                "dane_clientid TLS extension (draft-ietf-dance-client-auth; "
                "codepoint 65498 from the private-use range until one is "
                "assigned). GnuTLS cannot place it in the TLS 1.3 "
                "Certificate message as the draft does, so it is sent in "
                "the ClientHello and a server that reads it acknowledges "
                "it in EncryptedExtensions; the report says whether it "
                "did. With --rawpk the key is presented as a raw public "
                "key (RFC 7250), which only TLSA 3 1 x records match.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
