/* cmd_check.c: dance check: what DNS publishes for a client now: the
 * validated TLSA RRset at its owner, each record judged against the
 * client's certificate or key, the decision a primary would make, and
 * when a revocation takes effect. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_pki.h"
#include "dance/decision.h"
#include "dance/name.h"
#include "resolver_opts.h"
#include "tlsa_report.h"

static const cli_option_t options[] = {
        {"name", OPT_NAME, "NAME", "The client's DNS name; required."},
        {"cert", OPT_CERT, "FILE",
         "The client's certificate (PEM chain, leaf first, or DER)."},
        {"key", OPT_KEY, "FILE",
         "The client's private key: its public half is checked as a raw "
         "public key (only 3 1 x records can match)."},
        {"pubkey", OPT_PUBKEY, "FILE",
         "The client's public key (PEM or DER SPKI), as a raw public key."},
        {"template", OPT_TEMPLATE, "T",
         "Owner name template holding {name} once; default "
         "\"_xfr-client.{name}\"."},
        {"ca-file", OPT_CA_FILE, "FILE",
         "PEM CA bundle that makes PKIX usages (0, 1) usable."},
        CLI_RESOLVER_OPTIONS,
        {"timeout", OPT_TIMEOUT, "MS",
         "Deadline of the lookup in milliseconds (default 2000)."},
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "The RRset is DNSSEC-secure and a usable record matches: a "
            "primary would authorize this client."},
        {1, "The RRset is secure, but no usable record matches."},
        {2, "No secure RRset: insecure, bogus, the name or the record does "
            "not exist, resolver failure or timeout."},
        {3, "Usage or input error (also a bad validator configuration such "
            "as an unreadable trust anchor)."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance check --name ns2.example.net --cert ns2.pem",
         "Check a secondary's certificate against what DNS publishes, with "
         "full recursion and the root trust anchor:"},
        {"dance check --name ns2.example.net --key ns2.key --mode ad "
         "--resolver 127.0.0.1",
         "The same through the validating resolver on loopback, checking "
         "the private key:"},
        {"dance check --name ns2.good.dance.test --cert ns2.pem "
         "--trust-anchor ta.key --resolver 127.0.0.1@5300 --stub-zone "
         "dance.test --stub-zone good.dance.test",
         "Against a test zone served by a local authoritative server:"},
        {NULL, NULL},
};

typedef struct check_opts {
	const char *name, *cert, *key, *pubkey, *template_, *ca_file;
	cli_resolver_opts_t resolver;
} check_opts_t;

static int parse_option(cli_ctx_t *ctx, int c, const char *arg, check_opts_t *o)
{
	switch (c) {
	case OPT_NAME: o->name = arg; break;
	case OPT_CERT: o->cert = arg; break;
	case OPT_KEY: o->key = arg; break;
	case OPT_PUBKEY: o->pubkey = arg; break;
	case OPT_TEMPLATE: o->template_ = arg; break;
	case OPT_CA_FILE: o->ca_file = arg; break;
	default:
		if (cli_resolver_option_id(c)) {
			return cli_resolver_option(ctx, &o->resolver, c, arg);
		}
	}
	return CLI_CONTINUE;
}

static int parse_options(cli_ctx_t *ctx, int argc, char **argv, check_opts_t *o)
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
	int c = CLI_ARGS_END;
	while (rc == CLI_CONTINUE && (c = cli_args_next(a, &arg)) >= 0) {
		rc = parse_option(ctx, c, arg, o);
	}
	rc = cli_args_end(a, c, rc, 0);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (o->name == NULL) {
		return cli_usage_error(ctx, "--name is required");
	}
	if ((o->cert != NULL) + (o->key != NULL) + (o->pubkey != NULL) != 1) {
		return cli_usage_error(ctx, "give exactly one of --cert, --key "
		                            "or --pubkey");
	}
	if (o->ca_file != NULL && access(o->ca_file, R_OK) != 0) {
		return cli_fail(ctx, CLI_EXIT_INPUT,
		                "--ca-file %s: cannot be read", o->ca_file);
	}
	return CLI_CONTINUE;
}

static int load_creds(cli_ctx_t *ctx, const check_opts_t *o, cli_creds_t *creds,
                      char *spki)
{
	const char *option = o->cert != NULL  ? "cert"
	                     : o->key != NULL ? "key"
	                                      : "pubkey";
	const char *path = o->cert != NULL  ? o->cert
	                   : o->key != NULL ? o->key
	                                    : o->pubkey;
	cli_creds_kind_t kind = o->cert != NULL  ? CLI_CREDS_CERT
	                        : o->key != NULL ? CLI_CREDS_KEY
	                                         : CLI_CREDS_PUBKEY;
	dance_error_t err;
	if (cli_load_creds(path, kind, creds, &err) != DANCE_OK ||
	    dance_creds_spki_sha256_hex(&creds->creds, spki, &err) !=
	            DANCE_OK) {
		cli_creds_clear(creds);
		return cli_fail(ctx, CLI_EXIT_INPUT, "--%s %s: %s", option,
		                path, err.reason);
	}
	return CLI_CONTINUE;
}

/* Everything check learned. */
typedef struct check_result {
	char name[DANCE_NAME_MAX], owner[DANCE_NAME_MAX];
	char spki[65];
	cli_creds_t creds;
	dance_tlsa_answer_t answer;
	cli_set_report_t report; /* records, when the answer has some */
	int have_report;
	dance_decision_t decision;
	time_t revoked_by; /* when a removal takes effect; 0 unknown */
} check_result_t;

static dance_reason_t reason_of_state(dance_dns_state_t state)
{
	switch (state) {
	case DANCE_DNS_SECURE: return DANCE_REASON_AUTHORIZED;
	case DANCE_DNS_INSECURE: return DANCE_REASON_INSECURE;
	case DANCE_DNS_BOGUS: return DANCE_REASON_BOGUS;
	case DANCE_DNS_NXDOMAIN: return DANCE_REASON_NXDOMAIN;
	case DANCE_DNS_NODATA: return DANCE_REASON_NODATA;
	case DANCE_DNS_TIMEOUT: return DANCE_REASON_TIMEOUT;
	default: return DANCE_REASON_SERVFAIL;
	}
}

/* The decision a primary would make, as libdance states it. */
static void decide(check_result_t *r)
{
	const dance_tlsa_answer_t *a = &r->answer;
	if (a->state != DANCE_DNS_SECURE) {
		dance_decision_deny(
		        &r->decision, reason_of_state(a->state), r->name, "%s",
		        a->why[0] != '\0' ? a->why
		                          : dance_dns_state_name(a->state));
		return;
	}
	const dance_match_result_t *m = &r->report.result;
	if (m->outcome == DANCE_MATCH_OK) {
		dance_decision_allow(&r->decision, r->name, "%s", m->detail);
	} else {
		dance_decision_deny(&r->decision,
		                    dance_reason_from_match(m->outcome),
		                    r->name, "%s", m->detail);
	}
}

/* A removed record stops authorizing once caches drop the RRset (its
 * TTL) and, against replay of the old signed RRset, at RRSIG expiry. */
static time_t revocation_bound(const dance_tlsa_answer_t *a)
{
	if (a->state != DANCE_DNS_SECURE) {
		return 0;
	}
	time_t by = a->fetched + (time_t)a->ttl;
	if (a->rrsig_expiry != 0 && a->rrsig_expiry < by) {
		by = a->rrsig_expiry;
	}
	return by;
}

static int look_up(cli_ctx_t *ctx, check_opts_t *o, check_result_t *r)
{
	dance_resolver_t *resolver = NULL;
	int rc = cli_resolver_make(ctx, &o->resolver, &resolver);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	dance_error_t err;
	if (dance_resolver_lookup(resolver, r->owner, 0, &r->answer, &err) !=
	    DANCE_OK) {
		rc = cli_fail(ctx, CLI_EXIT_INPUT, "lookup of %s: %s", r->owner,
		              err.reason);
	}
	dance_resolver_free(resolver);
	if (rc != CLI_CONTINUE || r->answer.rrset.count == 0) {
		return rc;
	}
	dance_match_opts_t mopts = {.name = r->name,
	                            .pkix_ca_file = o->ca_file};
	if (cli_set_report_make(&r->answer.rrset, &r->creds.creds, &mopts,
	                        &r->report, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s", err.reason);
	}
	r->have_report = 1;
	return CLI_CONTINUE;
}

static void iso_or_null(json_t *j, const char *key, time_t t)
{
	char buf[32];
	if (t == 0) {
		json_knull(j, key);
	} else {
		cli_time_iso(t, buf, sizeof(buf));
		json_kstr(j, key, buf);
	}
}

static void print_json(cli_ctx_t *ctx, const check_opts_t *o,
                       const check_result_t *r)
{
	const dance_tlsa_answer_t *a = &r->answer;
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "check");
	json_kstr(j, "name", r->name);
	json_kstr(j, "owner", r->owner);
	json_kstr(j, "credentials",
	          r->creds.creds.type == DANCE_CRED_RAWPK ? "rawpk" : "x509");
	json_kstr(j, "spki_sha256", r->spki);
	json_kstr(j, "mode", cli_resolve_mode_name(o->resolver.mode));
	json_kstr(j, "state", dance_dns_state_name(a->state));
	json_kbool(j, "secure", a->state == DANCE_DNS_SECURE);
	json_kstr(j, "why", a->why);
	json_kint(j, "ttl", a->ttl);
	iso_or_null(j, "fetched", a->fetched);
	iso_or_null(j, "rrsig_expiry", a->rrsig_expiry);
	iso_or_null(j, "revoked_by", r->revoked_by);
	if (r->have_report) {
		cli_set_report_json(&r->report, j);
	} else {
		json_key(j, "records");
		json_array_begin(j);
		json_array_end(j);
		json_kint(j, "usable", 0);
		json_knull(j, "outcome");
		json_kbool(j, "match", 0);
		json_kint(j, "matched_index", -1);
		json_kstr(j, "detail", "");
	}
	json_kbool(j, "allow", r->decision.allow);
	json_kstr(j, "reason", dance_reason_code(r->decision.reason));
	json_kstr(j, "reason_detail", r->decision.detail);
	json_object_end(j);
}

static void print_revocation(const check_result_t *r)
{
	const dance_tlsa_answer_t *a = &r->answer;
	char buf[32];
	if (a->state == DANCE_DNS_SECURE) {
		cli_time_iso(r->revoked_by, buf, sizeof(buf));
		printf("revocation:  removing the record stops authorization "
		       "by "
		       "%s at the latest\n             (TTL %u s; a replayed "
		       "old RRset validates until RRSIG expiry)\n",
		       buf, a->ttl);
	} else if (a->state == DANCE_DNS_NXDOMAIN ||
	           a->state == DANCE_DNS_NODATA) {
		printf("publication: a new record is seen within the negative "
		       "TTL, %u s\n",
		       a->ttl);
	}
}

static void print_text(const check_opts_t *o, const check_result_t *r)
{
	const dance_tlsa_answer_t *a = &r->answer;
	char buf[32];
	printf("name:        %s\nowner:       %s\ncredentials: %s, SPKI "
	       "SHA-256 %s\nvalidation:  %s\ndnssec:      %s%s%s\n",
	       r->name, r->owner,
	       r->creds.creds.type == DANCE_CRED_RAWPK ? "raw public key"
	                                               : "X.509",
	       r->spki, cli_resolve_mode_name(o->resolver.mode),
	       dance_dns_state_name(a->state), a->why[0] != '\0' ? ": " : "",
	       a->why);
	if (a->state == DANCE_DNS_SECURE || a->state == DANCE_DNS_INSECURE) {
		printf("ttl:         %u s\n", a->ttl);
	}
	if (a->rrsig_expiry != 0) {
		cli_time_iso(a->rrsig_expiry, buf, sizeof(buf));
		printf("rrsig:       expires %s\n", buf);
	}
	if (r->have_report) {
		printf("records:\n");
		cli_set_report_text(&r->report, stdout);
	}
	printf("decision:    %s (%s): %s\n",
	       r->decision.allow ? "allowed" : "denied",
	       dance_reason_code(r->decision.reason), r->decision.detail);
	print_revocation(r);
}

static int exit_for(const check_result_t *r)
{
	if (r->answer.state != DANCE_DNS_SECURE) {
		return CLI_EXIT_DNS;
	}
	return r->decision.allow ? CLI_EXIT_OK : CLI_EXIT_DENIED;
}

static int check(cli_ctx_t *ctx, check_opts_t *o, check_result_t *r)
{
	if (cli_parse_name(ctx, "name", o->name, r->name) != 0 ||
	    cli_make_owner(ctx, o->template_, r->name, r->owner) != 0) {
		return CLI_EXIT_INPUT;
	}
	int rc = load_creds(ctx, o, &r->creds, r->spki);
	if (rc == CLI_CONTINUE) {
		rc = look_up(ctx, o, r);
	}
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	decide(r);
	r->revoked_by = revocation_bound(&r->answer);
	if (ctx->json) {
		print_json(ctx, o, r);
	} else {
		print_text(o, r);
	}
	return exit_for(r);
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	check_opts_t o;
	check_result_t *r = calloc(1, sizeof(*r));
	memset(&o, 0, sizeof(o));
	if (r == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	dance_tlsa_answer_init(&r->answer);
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc == CLI_CONTINUE) {
		rc = check(ctx, &o, r);
	}
	cli_set_report_clear(&r->report);
	dance_tlsa_answer_clear(&r->answer);
	cli_creds_clear(&r->creds);
	cli_resolver_opts_clear(&o.resolver);
	free(r);
	return rc;
}

const cli_command_t cli_cmd_check = {
        .name = "check",
        .summary = "check the TLSA records DNS publishes for a client",
        .synopsis = "--name NAME (--cert FILE | --key FILE | --pubkey FILE)\n"
                    "[--template T] [--ca-file FILE] [--trust-anchor FILE] "
                    "[--resolver ADDR[@PORT]]... [--mode MODE] "
                    "[--stub-zone ZONE]... [--timeout MS] [--json]",
        .description =
                "Looks up the TLSA RRset at the client's owner name (by "
                "default _xfr-client.NAME) with DNSSEC validation, exactly "
                "as a primary running libdance would, and reports:\n\n"
                "- the DNSSEC state (secure, insecure, bogus, nxdomain, "
                "nodata, servfail, timeout) with the validator's reason;\n\n"
                "- every record: usable for these credentials or why not, "
                "and whether it matches the given certificate or key;\n\n"
                "- the decision a primary would make, with its reason code "
                "(the same codes as in the primary's logs);\n\n"
                "- the TTL and the earliest RRSIG expiry, and from them "
                "when removing a record takes effect: caches drop the "
                "RRset after its TTL, and a replayed copy of the old signed "
                "RRset validates until its signatures expire.\n\n"
                "Only a secure RRset authorizes (RFC 6698 4.1, RFC 7671): "
                "an insecure answer is reported with its records but "
                "denies.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
