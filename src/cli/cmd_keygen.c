/* cmd_keygen.c: dance keygen: a private key, a self-signed client
 * certificate for a name, and the TLSA record to publish for them. */
#include <stdlib.h>
#include <string.h>

#include "certgen.h"
#include "cli.h"
#include "cli_io.h"
#include "dance/match.h"
#include "dance/name.h"
#include "dance/tlsagen.h"

#define DEFAULT_DAYS 365
#define MAX_DAYS     36500

static const cli_option_t options[] = {
        {"name", OPT_NAME, "NAME",
         "The client's DNS name (the secondary's identity), written as the "
         "certificate's subjectAltName dNSName and common name; required."},
        {"type", OPT_TYPE, "TYPE",
         "Key type: ecdsa-p256 (default), ed25519 or rsa3072."},
        {"key-out", OPT_KEY_OUT, "FILE",
         "Where the private key goes (PEM PKCS#8, unencrypted, mode 0600); "
         "required."},
        {"cert-out", OPT_CERT_OUT, "FILE",
         "Where the certificate goes (PEM, mode 0644); required."},
        {"days", OPT_DAYS, "N",
         "Validity of the certificate in days from now (default 365). "
         "DANE-EE matching ignores the dates, but some TLS stacks check "
         "them."},
        {"force", OPT_FORCE, NULL,
         "Replace existing files (otherwise an existing file is an error "
         "and nothing is written)."},
        {"template", OPT_TEMPLATE, "T",
         "Owner name template of the printed record, holding {name} once; "
         "default \"_xfr-client.{name}\"."},
        {"ttl", OPT_TTL, "N",
         "TTL written in the printed record (seconds); left out by "
         "default."},
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "Both files were written and the record printed."},
        {3, "Usage or input error, an existing file without --force, or a "
            "file that could not be written; no file is left behind."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance keygen --name ns2.example.net --key-out ns2.key "
         "--cert-out ns2.pem",
         "A key and certificate for the secondary ns2.example.net, and the "
         "record to add to the signed zone example.net:"},
        {"dance keygen --name ns2.example.net --type ed25519 --key-out "
         "ns2.key --cert-out ns2.pem --force --ttl 300",
         "Rotate to a new Ed25519 key (publish the new record next to the "
         "old one first, remove the old one after the switch):"},
        {NULL, NULL},
};

typedef struct keygen_opts {
	const char *name, *key_out, *cert_out, *template_;
	cli_key_type_t type;
	unsigned long days, ttl;
	int force;
} keygen_opts_t;

static int parse_option(cli_ctx_t *ctx, int c, const char *arg,
                        keygen_opts_t *o)
{
	switch (c) {
	case OPT_NAME: o->name = arg; break;
	case OPT_KEY_OUT: o->key_out = arg; break;
	case OPT_CERT_OUT: o->cert_out = arg; break;
	case OPT_TEMPLATE: o->template_ = arg; break;
	case OPT_FORCE: o->force = 1; break;
	case OPT_TYPE:
		if (cli_key_type_from_name(arg, &o->type) != 0) {
			return cli_usage_error(ctx,
			                       "--type \"%s\": not ecdsa-p256, "
			                       "ed25519 or rsa3072",
			                       arg);
		}
		break;
	case OPT_DAYS:
		if (cli_parse_uint(ctx, "days", arg, 1, MAX_DAYS, &o->days) !=
		    0) {
			return CLI_EXIT_INPUT;
		}
		break;
	case OPT_TTL:
		if (cli_parse_uint(ctx, "ttl", arg, 0, 2147483647, &o->ttl) !=
		    0) {
			return CLI_EXIT_INPUT;
		}
		break;
	}
	return CLI_CONTINUE;
}

static int parse_options(cli_ctx_t *ctx, int argc, char **argv,
                         keygen_opts_t *o)
{
	cli_args_t *a = cli_args_new(ctx, argc, argv);
	if (a == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	const char *arg;
	int c = CLI_ARGS_END, rc = CLI_CONTINUE;
	while (rc == CLI_CONTINUE && (c = cli_args_next(a, &arg)) >= 0) {
		rc = parse_option(ctx, c, arg, o);
	}
	rc = cli_args_end(a, c, rc, 0);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (o->name == NULL || o->key_out == NULL || o->cert_out == NULL) {
		return cli_usage_error(ctx, "--name, --key-out and --cert-out "
		                            "are required");
	}
	if (strcmp(o->key_out, o->cert_out) == 0) {
		return cli_usage_error(ctx, "--key-out and --cert-out name the "
		                            "same file");
	}
	return CLI_CONTINUE;
}

/* Checks both targets before any work. */
static int check_outputs(cli_ctx_t *ctx, const keygen_opts_t *o)
{
	dance_error_t err;
	if (cli_outfile_check(o->key_out, o->force, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--key-out %s: %s",
		                o->key_out, err.reason);
	}
	if (cli_outfile_check(o->cert_out, o->force, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--cert-out %s: %s",
		                o->cert_out, err.reason);
	}
	return CLI_CONTINUE;
}

/* Writes key and certificate: both, or (on any error) neither. */
static int write_outputs(cli_ctx_t *ctx, const keygen_opts_t *o,
                         const cli_selfsigned_t *made)
{
	cli_outfile_t key, cert;
	dance_error_t err;
	const char *option = "key-out", *path = o->key_out;
	memset(&key, 0, sizeof(key));
	memset(&cert, 0, sizeof(cert));
	dance_code_t rc =
	        cli_outfile_stage(&key, o->key_out, 0600, made->key_pem.data,
	                          made->key_pem.size, &err);
	if (rc == DANCE_OK) {
		option = "cert-out";
		path = o->cert_out;
		rc = cli_outfile_stage(&cert, o->cert_out, 0644,
		                       made->cert_pem.data, made->cert_pem.size,
		                       &err);
	}
	if (rc == DANCE_OK) {
		option = "key-out";
		path = o->key_out;
		rc = cli_outfile_commit(&key, o->force, &err);
	}
	if (rc == DANCE_OK) {
		option = "cert-out";
		path = o->cert_out;
		rc = cli_outfile_commit(&cert, o->force, &err);
		if (rc != DANCE_OK) {
			cli_outfile_undo(&key);
		}
	}
	cli_outfile_discard(&key);
	cli_outfile_discard(&cert);
	if (rc != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--%s %s: %s", option,
		                path, err.reason);
	}
	return CLI_EXIT_OK;
}

typedef struct keygen_result {
	char name[DANCE_NAME_MAX];
	char owner[DANCE_NAME_MAX];
	char spki_sha256[65];
	char *rdata, *line;
} keygen_result_t;

static void print_text(const keygen_opts_t *o, const cli_selfsigned_t *made,
                       const keygen_result_t *r)
{
	char until[32];
	cli_time_iso(made->not_after, until, sizeof(until));
	printf("; %s key written to %s (mode 0600)\n"
	       "; certificate for %s (client auth, valid until %s) written to "
	       "%s\n"
	       "; publish in the DNSSEC-signed zone:\n%s\n",
	       cli_key_type_name(o->type), o->key_out, r->name, until,
	       o->cert_out, r->line);
}

static void print_json(cli_ctx_t *ctx, const keygen_opts_t *o,
                       const cli_selfsigned_t *made, const keygen_result_t *r)
{
	char from[32], until[32];
	cli_time_iso(made->not_before, from, sizeof(from));
	cli_time_iso(made->not_after, until, sizeof(until));
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "keygen");
	json_kstr(j, "name", r->name);
	json_kstr(j, "owner", r->owner);
	json_kstr(j, "type", cli_key_type_name(o->type));
	json_kstr(j, "key_file", o->key_out);
	json_kstr(j, "cert_file", o->cert_out);
	json_kstr(j, "not_before", from);
	json_kstr(j, "not_after", until);
	json_kstr(j, "spki_sha256", r->spki_sha256);
	json_kstr(j, "rdata", r->rdata);
	json_kstr(j, "rr", r->line);
	json_object_end(j);
}

/* The TLSA record (3 1 1) and the SPKI digest of the new certificate. */
static int describe(cli_ctx_t *ctx, const keygen_opts_t *o,
                    const cli_selfsigned_t *made, keygen_result_t *r)
{
	dance_tlsa_t rec;
	dance_error_t err;
	dance_creds_t creds = {DANCE_CRED_X509, &made->cert_der, 1};
	if (dance_tlsa_from_cert(&made->cert_der, DANCE_USAGE_DANE_EE,
	                         DANCE_SELECTOR_SPKI, DANCE_MTYPE_SHA256, &rec,
	                         &err) != DANCE_OK ||
	    dance_creds_spki_sha256_hex(&creds, r->spki_sha256, &err) !=
	            DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s", err.reason);
	}
	r->rdata = dance_tlsa_to_text(&rec);
	r->line = dance_tlsa_rr_line(r->owner, (uint32_t)o->ttl, &rec);
	dance_tlsa_clear(&rec);
	if (r->rdata == NULL || r->line == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	return CLI_CONTINUE;
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	keygen_opts_t o = {.type = CLI_KEY_ECDSA_P256, .days = DEFAULT_DAYS};
	keygen_result_t r;
	memset(&r, 0, sizeof(r));
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (cli_parse_name(ctx, "name", o.name, r.name) != 0 ||
	    cli_make_owner(ctx, o.template_, r.name, r.owner) != 0) {
		return CLI_EXIT_INPUT;
	}
	rc = check_outputs(ctx, &o);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	cli_selfsigned_t made;
	dance_error_t err;
	if (cli_make_selfsigned(r.name, o.type, (unsigned)o.days, &made,
	                        &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s", err.reason);
	}
	rc = describe(ctx, &o, &made, &r);
	if (rc == CLI_CONTINUE) {
		rc = write_outputs(ctx, &o, &made);
	}
	if (rc == CLI_EXIT_OK && ctx->json) {
		print_json(ctx, &o, &made, &r);
	} else if (rc == CLI_EXIT_OK) {
		print_text(&o, &made, &r);
	}
	free(r.rdata);
	free(r.line);
	cli_selfsigned_clear(&made);
	return rc;
}

const cli_command_t cli_cmd_keygen = {
        .name = "keygen",
        .summary = "make a client key and certificate, print their TLSA "
                   "record",
        .synopsis = "--name NAME --key-out FILE --cert-out FILE\n"
                    "[--type ecdsa-p256|ed25519|rsa3072] [--days N] "
                    "[--force] [--template T] [--ttl N] [--json]",
        .description =
                "Makes a new private key and a self-signed X.509 client "
                "certificate for a secondary named NAME (subjectAltName "
                "dNSName NAME, extended key usage TLS client "
                "authentication), writes them, and prints the TLSA record "
                "to publish, DANE-EE SPKI SHA2-256 (3 1 1), at the owner "
                "name made from the template (default _xfr-client.NAME), "
                "after comment lines starting with \";\" (the output is a "
                "valid zone-file fragment).\n\n"
                "The key file is created with mode 0600. Files are written "
                "to temporary names and renamed into place: an existing "
                "file is left alone unless --force is given, and an error "
                "leaves neither file behind.\n\n"
                "Configure the secondary (Knot, NSD, BIND) to present this "
                "certificate and key when it transfers zones over TLS.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
