/* cmd_tlsa.c: dance tlsa: the TLSA record to publish for a certificate,
 * public key or private key, as a zone-file line at the client's owner. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_pki.h"
#include "dance/name.h"
#include "dance/tlsagen.h"

static const cli_option_t options[] = {
        {"cert", OPT_CERT, "FILE",
         "Certificate (PEM or DER) the record is made for. Of a PEM file "
         "with several certificates the first is used."},
        {"pubkey", OPT_PUBKEY, "FILE",
         "Public key (PEM \"PUBLIC KEY\" or DER SubjectPublicKeyInfo), "
         "e.g. a raw public key; needs selector 1."},
        {"key", OPT_KEY, "FILE",
         "Private key (PEM or DER, unencrypted); the record is made for its "
         "public half; needs selector 1."},
        {"name", OPT_NAME, "NAME",
         "The client's DNS name (the secondary's identity); required."},
        {"usage", OPT_USAGE, "U",
         "Certificate usage: 3 or DANE-EE (default), 2 or DANE-TA, 0 or "
         "PKIX-TA, 1 or PKIX-EE."},
        {"selector", OPT_SELECTOR, "S",
         "Selector: 1 or SPKI (default), 0 or Cert (certificates only)."},
        {"mtype", OPT_MTYPE, "M",
         "Matching type: 1 or SHA2-256 (default), 2 or SHA2-512, 0 or Full."},
        {"template", OPT_TEMPLATE, "T",
         "Owner name template holding {name} once; default "
         "\"_xfr-client.{name}\"."},
        {"ttl", OPT_TTL, "N",
         "TTL written in the line (seconds); left out by default."},
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "The record was printed."},
        {3, "Usage or input error (unreadable or malformed file, wrong kind "
            "of file, invalid name, selector 0 for a key)."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance tlsa --cert ns2.pem --name ns2.example.net",
         "The DANE-EE SPKI SHA2-256 record of a secondary's certificate:"},
        {"dance tlsa --key ns2.key --name ns2.example.net --template "
         "'{name}' --ttl 300",
         "The same record from the private key, at a freeform owner name "
         "with a TTL:"},
        {"dance tlsa --cert ca.pem --name ns2.example.net --usage DANE-TA",
         "A DANE-TA record for the CA that issues the client "
         "certificates:"},
        {NULL, NULL},
};

typedef struct tlsa_opts {
	const char *cert, *pubkey, *key;
	const char *name, *template_;
	uint8_t usage, selector, mtype;
	unsigned long ttl;
} tlsa_opts_t;

static int parse_options(cli_ctx_t *ctx, int argc, char **argv, tlsa_opts_t *o)
{
	cli_args_t *a = cli_args_new(ctx, argc, argv);
	if (a == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	const char *arg;
	int c = CLI_ARGS_END, rc = CLI_CONTINUE;
	while (rc == CLI_CONTINUE && (c = cli_args_next(a, &arg)) >= 0) {
		switch (c) {
		case OPT_CERT: o->cert = arg; break;
		case OPT_PUBKEY: o->pubkey = arg; break;
		case OPT_KEY: o->key = arg; break;
		case OPT_NAME: o->name = arg; break;
		case OPT_TEMPLATE: o->template_ = arg; break;
		case OPT_USAGE:
			if (cli_parse_tlsa_field(ctx, "usage", arg,
			                         dance_tlsa_usage_name,
			                         &o->usage) != 0) {
				rc = CLI_EXIT_INPUT;
			}
			break;
		case OPT_SELECTOR:
			if (cli_parse_tlsa_field(ctx, "selector", arg,
			                         dance_tlsa_selector_name,
			                         &o->selector) != 0) {
				rc = CLI_EXIT_INPUT;
			}
			break;
		case OPT_MTYPE:
			if (cli_parse_tlsa_field(ctx, "mtype", arg,
			                         dance_tlsa_mtype_name,
			                         &o->mtype) != 0) {
				rc = CLI_EXIT_INPUT;
			}
			break;
		case OPT_TTL:
			if (cli_parse_uint(ctx, "ttl", arg, 0, 2147483647,
			                   &o->ttl) != 0) {
				rc = CLI_EXIT_INPUT;
			}
			break;
		}
	}
	rc = cli_args_end(a, c, rc, 0);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	int sources =
	        (o->cert != NULL) + (o->pubkey != NULL) + (o->key != NULL);
	if (sources != 1) {
		return cli_usage_error(ctx, "give exactly one of --cert, "
		                            "--pubkey or --key");
	}
	if (o->name == NULL) {
		return cli_usage_error(ctx, "--name is required");
	}
	return CLI_CONTINUE;
}

/* The record for the file the options name. */
static int make_record(cli_ctx_t *ctx, const tlsa_opts_t *o, dance_tlsa_t *rec)
{
	dance_error_t err;
	dance_code_t rc;
	const char *option = o->cert != NULL     ? "cert"
	                     : o->pubkey != NULL ? "pubkey"
	                                         : "key";
	const char *file = o->cert != NULL     ? o->cert
	                   : o->pubkey != NULL ? o->pubkey
	                                       : o->key;
	if (o->cert != NULL) {
		cli_certs_t certs;
		rc = cli_load_certs(file, &certs, &err);
		if (rc == DANCE_OK) {
			rc = dance_tlsa_from_cert(&certs.der[0], o->usage,
			                          o->selector, o->mtype, rec,
			                          &err);
		}
		cli_certs_clear(&certs);
	} else if (o->pubkey != NULL) {
		gnutls_pubkey_t pub = NULL;
		rc = cli_load_pubkey(file, &pub, &err);
		if (rc == DANCE_OK) {
			rc = dance_tlsa_from_pubkey(pub, o->usage, o->selector,
			                            o->mtype, rec, &err);
		}
		gnutls_pubkey_deinit(pub);
	} else {
		gnutls_privkey_t key = NULL;
		rc = cli_load_privkey(file, &key, &err);
		if (rc == DANCE_OK) {
			rc = dance_tlsa_from_privkey(key, o->usage, o->selector,
			                             o->mtype, rec, &err);
		}
		gnutls_privkey_deinit(key);
	}
	if (rc != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--%s %s: %s", option,
		                file, err.reason);
	}
	return CLI_EXIT_OK;
}

static void print_json(cli_ctx_t *ctx, const tlsa_opts_t *o, const char *name,
                       const char *owner, const dance_tlsa_t *rec,
                       const char *rdata, const char *line)
{
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "tlsa");
	json_kstr(j, "name", name);
	json_kstr(j, "owner", owner);
	json_kstr(j, "source",
	          o->cert != NULL     ? "cert"
	          : o->pubkey != NULL ? "pubkey"
	                              : "key");
	json_kstr(j, "file",
	          o->cert != NULL     ? o->cert
	          : o->pubkey != NULL ? o->pubkey
	                              : o->key);
	json_kint(j, "usage", rec->usage);
	json_kint(j, "selector", rec->selector);
	json_kint(j, "mtype", rec->mtype);
	const char *hex = strrchr(rdata, ' ');
	json_kstr(j, "data", hex != NULL ? hex + 1 : "");
	json_kstr(j, "rdata", rdata);
	if (o->ttl != 0) {
		json_kint(j, "ttl", (long long)o->ttl);
	} else {
		json_knull(j, "ttl");
	}
	json_kstr(j, "rr", line);
	json_object_end(j);
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	tlsa_opts_t o = {
	        .usage = DANCE_USAGE_DANE_EE,
	        .selector = DANCE_SELECTOR_SPKI,
	        .mtype = DANCE_MTYPE_SHA256,
	};
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	char name[DANCE_NAME_MAX], owner[DANCE_NAME_MAX];
	if (cli_parse_name(ctx, "name", o.name, name) != 0 ||
	    cli_make_owner(ctx, o.template_, name, owner) != 0) {
		return CLI_EXIT_INPUT;
	}
	dance_tlsa_t rec;
	memset(&rec, 0, sizeof(rec));
	rc = make_record(ctx, &o, &rec);
	if (rc != CLI_EXIT_OK) {
		return rc;
	}
	char *rdata = dance_tlsa_to_text(&rec);
	char *line = dance_tlsa_rr_line(owner, (uint32_t)o.ttl, &rec);
	if (rdata == NULL || line == NULL) {
		rc = cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	} else if (ctx->json) {
		print_json(ctx, &o, name, owner, &rec, rdata, line);
	} else {
		printf("%s\n", line);
	}
	free(rdata);
	free(line);
	dance_tlsa_clear(&rec);
	return rc;
}

const cli_command_t cli_cmd_tlsa = {
        .name = "tlsa",
        .summary = "print the TLSA record for a certificate or key",
        .synopsis = "(--cert FILE | --pubkey FILE | --key FILE) --name NAME\n"
                    "[--usage U] [--selector S] [--mtype M] [--template T] "
                    "[--ttl N] [--json]",
        .description =
                "Prints the TLSA record a secondary publishes so that "
                "primaries accept its TLS client certificate or raw public "
                "key: one zone-file line \"OWNER. [TTL] IN TLSA U S M HEX\" "
                "at the owner name made from --template and --name (by "
                "default _xfr-client.NAME). The record must be published in "
                "a DNSSEC-signed zone.\n\n"
                "The default 3 1 1 (DANE-EE, SPKI, SHA2-256) pins the key "
                "and survives certificate renewal with the same key; it is "
                "the only form that matches raw public keys. The RDATA is "
                "the same as danetool --tlsa-rr computes for the same "
                "certificate.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
