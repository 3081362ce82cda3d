/* cmd_verify.c: dance verify: offline matching of a certificate chain or
 * public key against given TLSA records, no DNS. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_io.h"
#include "cli_pki.h"
#include "dance/name.h"
#include "tlsa_report.h"

static const cli_option_t options[] = {
        {"tlsa", OPT_TLSA, "RDATA",
         "A TLSA record in presentation form, \"3 1 1 <hex>\" (fields may "
         "be RFC 7218 names; a zone-file line \"owner [ttl] [IN] TLSA ...\" "
         "is accepted too). Repeatable."},
        {"tlsa-file", OPT_TLSA_FILE, "FILE",
         "A file of TLSA records, one per line in the same forms (a record "
         "may span lines inside parentheses; \";\" starts a comment). "
         "Repeatable; adds to --tlsa."},
        {"chain", OPT_CHAIN, "FILE",
         "What the client presents: a PEM certificate chain, leaf first, a "
         "DER certificate, or a public key (PEM or DER SPKI) as a raw "
         "public key; required."},
        {"name", OPT_NAME, "NAME",
         "The client name: DANE-TA (2 x x) records match only when the "
         "leaf carries it as a subjectAltName dNSName."},
        {"ca-file", OPT_CA_FILE, "FILE",
         "PEM CA bundle that makes PKIX usages (0, 1) usable; without it "
         "they are skipped."},
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "A usable record matches."},
        {1, "No record matches, none is usable, or a DANE-TA record matched "
            "without a valid chain or name."},
        {3, "Usage or input error (malformed TLSA text, unreadable or "
            "malformed chain)."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance verify --tlsa \"$(dance tlsa --cert ns2.pem --name "
         "ns2.example.net)\" --chain ns2.pem",
         "Check a certificate against the record made for it before "
         "publishing:"},
        {"dance verify --tlsa '2 1 1 8E1D...' --chain chain.pem --name "
         "dev1._device.example.net",
         "Check a device certificate issued by a CA against a DANE-TA "
         "record:"},
        {NULL, NULL},
};

typedef struct verify_opts {
	const char **tlsa, **tlsa_files;
	size_t tlsa_count, file_count;
	const char *chain, *name, *ca_file;
} verify_opts_t;

static int parse_options(cli_ctx_t *ctx, int argc, char **argv,
                         verify_opts_t *o)
{
	cli_args_t *a = cli_args_new(ctx, argc, argv);
	o->tlsa = calloc((size_t)argc, sizeof(*o->tlsa));
	o->tlsa_files = calloc((size_t)argc, sizeof(*o->tlsa_files));
	if (a == NULL || o->tlsa == NULL || o->tlsa_files == NULL) {
		cli_args_free(a);
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	const char *arg;
	int c = CLI_ARGS_END;
	while ((c = cli_args_next(a, &arg)) >= 0) {
		switch (c) {
		case OPT_TLSA: o->tlsa[o->tlsa_count++] = arg; break;
		case OPT_TLSA_FILE: o->tlsa_files[o->file_count++] = arg; break;
		case OPT_CHAIN: o->chain = arg; break;
		case OPT_NAME: o->name = arg; break;
		case OPT_CA_FILE: o->ca_file = arg; break;
		}
	}
	int rc = cli_args_end(a, c, CLI_CONTINUE, 0);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (o->chain == NULL) {
		return cli_usage_error(ctx, "--chain is required");
	}
	if (o->tlsa_count + o->file_count == 0) {
		return cli_usage_error(ctx, "give --tlsa or --tlsa-file");
	}
	return CLI_CONTINUE;
}

static int add_record(cli_ctx_t *ctx, dance_tlsa_set_t *set, const char *text,
                      const char *where)
{
	dance_tlsa_t rec;
	dance_error_t err;
	if (dance_tlsa_from_text(&rec, text, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s: %s", where,
		                err.reason);
	}
	dance_code_t rc = dance_tlsa_set_add(set, &rec, &err);
	dance_tlsa_clear(&rec);
	if (rc != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s", err.reason);
	}
	return CLI_CONTINUE;
}

/* Parenthesis depth change of one line, ignoring its comment. */
static int paren_delta(const char *line, size_t len)
{
	int delta = 0;
	for (size_t i = 0; i < len && line[i] != ';'; i++) {
		delta += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
	}
	return delta;
}

/* True when the text before any comment has something but blanks. */
static int has_content(const char *line, size_t len)
{
	for (size_t i = 0; i < len && line[i] != ';'; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
			return 1;
		}
	}
	return 0;
}

/* Each record of a file: lines joined while parentheses are open. */
static int add_file_records(cli_ctx_t *ctx, dance_tlsa_set_t *set,
                            const char *path, char *text)
{
	char where[600];
	int depth = 0, line_no = 0, first_line = 0;
	size_t before = set->count;
	char *start = NULL, *p = text;
	for (;;) {
		size_t len = strcspn(p, "\n");
		int at_end = p[len] == '\0';
		line_no++;
		if (start == NULL && has_content(p, len)) {
			start = p;
			first_line = line_no;
			depth = 0;
		}
		if (start != NULL) {
			depth += paren_delta(p, len);
		}
		if (start != NULL && (depth <= 0 || at_end)) {
			char saved = p[len];
			p[len] = '\0';
			snprintf(where, sizeof(where), "--tlsa-file %s line %d",
			         path, first_line);
			int rc = add_record(ctx, set, start, where);
			p[len] = saved;
			if (rc != CLI_CONTINUE) {
				return rc;
			}
			start = NULL;
		}
		if (at_end) {
			break;
		}
		p += len + 1;
	}
	if (set->count == before) {
		return cli_fail(ctx, CLI_EXIT_INPUT,
		                "--tlsa-file %s: no TLSA record in the file",
		                path);
	}
	return CLI_CONTINUE;
}

static int load_records(cli_ctx_t *ctx, const verify_opts_t *o,
                        dance_tlsa_set_t *set)
{
	char where[64];
	for (size_t i = 0; i < o->tlsa_count; i++) {
		snprintf(where, sizeof(where), "--tlsa \"%.40s\"", o->tlsa[i]);
		int rc = add_record(ctx, set, o->tlsa[i], where);
		if (rc != CLI_CONTINUE) {
			return rc;
		}
	}
	for (size_t i = 0; i < o->file_count; i++) {
		gnutls_datum_t data;
		dance_error_t err;
		if (cli_read_file(o->tlsa_files[i], &data, &err) != DANCE_OK) {
			return cli_fail(ctx, CLI_EXIT_INPUT,
			                "--tlsa-file %s: %s", o->tlsa_files[i],
			                err.reason);
		}
		int rc = add_file_records(ctx, set, o->tlsa_files[i],
		                          (char *)data.data);
		cli_datum_free(&data);
		if (rc != CLI_CONTINUE) {
			return rc;
		}
	}
	return CLI_CONTINUE;
}

static int exit_for(dance_match_outcome_t outcome)
{
	switch (outcome) {
	case DANCE_MATCH_OK: return CLI_EXIT_OK;
	case DANCE_MATCH_NO_CREDS:
	case DANCE_MATCH_BAD_CREDS: return CLI_EXIT_INPUT;
	default: return CLI_EXIT_DENIED;
	}
}

static void print_result(cli_ctx_t *ctx, const verify_opts_t *o,
                         const char *name, const cli_creds_t *creds,
                         const char *spki, const cli_set_report_t *report)
{
	int raw = creds->creds.type == DANCE_CRED_RAWPK;
	if (!ctx->json) {
		printf("credentials: %s, %zu certificate%s, leaf SPKI SHA-256 "
		       "%s\nrecords:\n",
		       raw ? "raw public key" : "X.509",
		       raw ? 0 : creds->creds.count,
		       !raw && creds->creds.count == 1 ? "" : "s", spki);
		cli_set_report_text(report, stdout);
		return;
	}
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "verify");
	json_kstr(j, "chain_file", o->chain);
	json_kstr(j, "credentials", raw ? "rawpk" : "x509");
	json_kint(j, "chain_length", raw ? 0 : (long long)creds->creds.count);
	json_kstr(j, "spki_sha256", spki);
	json_kstr(j, "name", name[0] != '\0' ? name : NULL);
	cli_set_report_json(report, j);
	json_object_end(j);
}

static int check_ca_file(cli_ctx_t *ctx, const char *path)
{
	if (path != NULL && access(path, R_OK) != 0) {
		return cli_fail(ctx, CLI_EXIT_INPUT,
		                "--ca-file %s: cannot be read", path);
	}
	return CLI_CONTINUE;
}

static int verify(cli_ctx_t *ctx, const verify_opts_t *o,
                  const dance_tlsa_set_t *set)
{
	char name[DANCE_NAME_MAX] = "", spki[65];
	if ((o->name != NULL && cli_parse_name(ctx, "name", o->name, name)) ||
	    check_ca_file(ctx, o->ca_file) != CLI_CONTINUE) {
		return CLI_EXIT_INPUT;
	}
	cli_creds_t creds;
	dance_error_t err;
	if (cli_load_creds(o->chain, CLI_CREDS_ANY, &creds, &err) != DANCE_OK ||
	    dance_creds_spki_sha256_hex(&creds.creds, spki, &err) != DANCE_OK) {
		cli_creds_clear(&creds);
		return cli_fail(ctx, CLI_EXIT_INPUT, "--chain %s: %s", o->chain,
		                err.reason);
	}
	dance_match_opts_t mopts = {
	        .name = name[0] != '\0' ? name : NULL,
	        .pkix_ca_file = o->ca_file,
	};
	cli_set_report_t report;
	int rc = CLI_EXIT_INPUT;
	if (cli_set_report_make(set, &creds.creds, &mopts, &report, &err) !=
	    DANCE_OK) {
		cli_fail(ctx, CLI_EXIT_INPUT, "%s", err.reason);
	} else {
		print_result(ctx, o, name, &creds, spki, &report);
		rc = exit_for(report.result.outcome);
	}
	cli_set_report_clear(&report);
	cli_creds_clear(&creds);
	return rc;
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	verify_opts_t o;
	dance_tlsa_set_t set;
	memset(&o, 0, sizeof(o));
	dance_tlsa_set_init(&set);
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc == CLI_CONTINUE) {
		rc = load_records(ctx, &o, &set);
	}
	if (rc == CLI_CONTINUE) {
		rc = verify(ctx, &o, &set);
	}
	dance_tlsa_set_clear(&set);
	free(o.tlsa);
	free(o.tlsa_files);
	return rc;
}

const cli_command_t cli_cmd_verify = {
        .name = "verify",
        .summary = "match a chain or key against TLSA records, offline",
        .synopsis = "(--tlsa RDATA | --tlsa-file FILE)... --chain FILE "
                    "[--name NAME] [--ca-file FILE] [--json]",
        .description =
                "Matches what a client would present (a certificate chain "
                "or a raw public key) against TLSA records given on the "
                "command line or in a file, without any DNS lookup: for "
                "operators testing records before they publish them. The "
                "matching is the same code the primary runs (libdance): "
                "DANE-EE ignores names and dates (RFC 7671 5.1); DANE-TA "
                "needs a valid path from the leaf to the matched "
                "certificate and the client name in the leaf's "
                "subjectAltName; PKIX usages need --ca-file; digest "
                "agility per RFC 7671 section 9.\n\n"
                "Every record is reported: usable or why not, whether it "
                "matches on its own, and the result of the whole set. The "
                "DNSSEC status is not checked: use dance check for what DNS "
                "publishes.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
