/* cmd_policy.c: dance policy: preflight of a primary's configuration
 * (Knot with mod-dance, or dance-proxy): for each zone, the identities
 * allowed and the TLSA status of each now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "dance/name.h"
#include "knotconf.h"
#include "policy_check.h"
#include "policy_plan.h"
#include "policy_proxy.h"

#define DEFAULT_EXPIRY_DAYS 7
#define DEFAULT_TIMEOUT_MS  2000

static const cli_option_t options[] = {
        {"knot-conf", OPT_KNOT_CONF, "FILE",
         "A Knot DNS configuration using mod-dance (its mod-dance, template "
         "and zone sections are read; \"include\" is not followed)."},
        {"proxy-conf", OPT_PROXY_CONF, "FILE",
         "A dance-proxy configuration, read with dance-proxy's own parser "
         "(its zone and resolver sections; the ns-derived hosts are asked "
         "from its backend, TSIG-signed with backend-tsig when set)."},
        {"zone", OPT_ZONE, "ZONE", "Check only this zone."},
        {"expiry-days", OPT_EXPIRY_DAYS, "N",
         "Report a secure TLSA RRset whose signatures expire within N days "
         "as \"expiring\" (a warning; default 7)."},
        {"timeout", OPT_TIMEOUT, "MS",
         "Deadline of each TLSA lookup, and of each NS query to a "
         "dance-proxy backend, in milliseconds (default 2000)."},
        CLI_OPTION_JSON,
        CLI_OPTION_HELP,
        CLI_OPTION_END,
};

static const cli_exit_doc_t exits[] = {
        {0, "Every allowed identity has a secure TLSA RRset with a usable "
            "record (some may be expiring)."},
        {1, "An identity's secure RRset has no usable record: it would be "
            "denied whatever it presents."},
        {2, "An identity's TLSA RRset is not secure (missing, insecure, "
            "bogus, resolver failure, timeout): it would be denied; or a "
            "dance-proxy backend gave no NS RRset for an ns-derived zone."},
        {3, "Usage or input error: an unreadable or invalid configuration "
            "(for dance-proxy, one line per problem, as dance-proxy "
            "--check-config gives them), a missing mod-dance section, an "
            "unreadable zone file for ns-derived."},
        {0, NULL},
};

static const cli_example_t examples[] = {
        {"dance policy --knot-conf /etc/knot/knot.conf",
         "Preflight every zone mod-dance guards on a Knot primary:"},
        {"dance policy --knot-conf /etc/knot/knot.conf --zone example.com "
         "--expiry-days 14 --json",
         "One zone, as JSON, warning two weeks before signatures expire:"},
        {"dance policy --proxy-conf /etc/dance-proxy/dance-proxy.conf",
         "Preflight every zone of a dance-proxy in front of a primary (the "
         "NS RRsets of ns-derived zones are asked from its backend):"},
        {NULL, NULL},
};

typedef struct policy_opts {
	const char *knot_conf, *proxy_conf, *zone_arg;
	const char *source, *file; /* "knot-conf" or "proxy-conf", its FILE */
	char zone[DANCE_NAME_MAX];
	unsigned long expiry_days, timeout_ms;
} policy_opts_t;

static int parse_option(cli_ctx_t *ctx, int c, const char *arg,
                        policy_opts_t *o)
{
	switch (c) {
	case OPT_KNOT_CONF: o->knot_conf = arg; break;
	case OPT_PROXY_CONF: o->proxy_conf = arg; break;
	case OPT_ZONE: o->zone_arg = arg; break;
	case OPT_EXPIRY_DAYS:
		if (cli_parse_uint(ctx, "expiry-days", arg, 0, 3650,
		                   &o->expiry_days) != 0) {
			return CLI_EXIT_INPUT;
		}
		break;
	case OPT_TIMEOUT:
		if (cli_parse_uint(ctx, "timeout", arg, 1, 600000,
		                   &o->timeout_ms) != 0) {
			return CLI_EXIT_INPUT;
		}
		break;
	}
	return CLI_CONTINUE;
}

static int parse_options(cli_ctx_t *ctx, int argc, char **argv,
                         policy_opts_t *o)
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
	if ((o->knot_conf != NULL) == (o->proxy_conf != NULL)) {
		return cli_usage_error(ctx, "give --knot-conf or --proxy-conf");
	}
	o->source = o->knot_conf != NULL ? "knot-conf" : "proxy-conf";
	o->file = o->knot_conf != NULL ? o->knot_conf : o->proxy_conf;
	if (o->zone_arg != NULL &&
	    cli_parse_name(ctx, "zone", o->zone_arg, o->zone) != 0) {
		return CLI_EXIT_INPUT;
	}
	return CLI_CONTINUE;
}

static void iso(time_t t, char *buf, size_t size)
{
	if (t == 0) {
		snprintf(buf, size, "unknown");
	} else {
		cli_time_iso(t, buf, size);
	}
}

static void text_identity(const pc_identity_t *id)
{
	const dance_tlsa_answer_t *a = &id->answer;
	char until[32];
	printf("  %-30s %-11s %s", id->name, id->rule, id->status);
	if (a->state == DANCE_DNS_SECURE) {
		iso(a->rrsig_expiry, until, sizeof(until));
		printf(": secure, %zu usable record%s, TTL %u s, RRSIG until "
		       "%s\n",
		       id->usable, id->usable == 1 ? "" : "s", a->ttl, until);
	} else {
		printf(": %s\n", a->why);
	}
}

static void text_zone(const pc_zone_t *z)
{
	const pp_entry_t *e = z->entry;
	printf("zone %s: %s%s\n", e->zone, e->module_ref,
	       e->global ? " (global module)" : "");
	for (size_t i = 0; i < z->count; i++) {
		text_identity(&z->ids[i]);
	}
	const pp_rules_t *r = &e->rules;
	for (size_t i = 0; i < r->suffix_count; i++) {
		printf("  %-30s %-11s not checked: names under it are learned "
		       "from client certificates\n",
		       r->suffix[i], "suffix");
	}
	if (z->ns_error[0] != '\0') {
		printf("  ns-derived hosts unknown: %s\n", z->ns_error);
	}
	if (z->count == 0 && r->suffix_count == 0 && z->ns_error[0] == '\0') {
		printf("  nobody is allowed\n");
	}
}

static void json_identity(json_t *j, const pc_identity_t *id)
{
	const dance_tlsa_answer_t *a = &id->answer;
	char buf[32];
	json_object_begin(j);
	json_kstr(j, "name", id->name);
	json_kstr(j, "rule", id->rule);
	json_kstr(j, "owner", id->owner);
	json_kstr(j, "state", dance_dns_state_name(a->state));
	json_kstr(j, "status", id->status);
	json_kint(j, "records", (long long)a->rrset.count);
	json_kint(j, "usable", (long long)id->usable);
	json_kint(j, "ttl", a->ttl);
	if (a->rrsig_expiry != 0) {
		cli_time_iso(a->rrsig_expiry, buf, sizeof(buf));
		json_kstr(j, "rrsig_expiry", buf);
	} else {
		json_knull(j, "rrsig_expiry");
	}
	json_kstr(j, "why", a->why);
	json_object_end(j);
}

static void json_zone(json_t *j, const pc_zone_t *z)
{
	const pp_entry_t *e = z->entry;
	json_object_begin(j);
	json_kstr(j, "zone", e->zone);
	json_kstr(j, "module", e->module_ref);
	json_kbool(j, "global", e->global);
	json_kbool(j, "ns_derived", e->rules.ns_derived);
	json_kstr(j, "ns_error", z->ns_error[0] != '\0' ? z->ns_error : NULL);
	json_key(j, "suffixes");
	json_array_begin(j);
	for (size_t i = 0; i < e->rules.suffix_count; i++) {
		json_string(j, e->rules.suffix[i]);
	}
	json_array_end(j);
	json_key(j, "identities");
	json_array_begin(j);
	for (size_t i = 0; i < z->count; i++) {
		json_identity(j, &z->ids[i]);
	}
	json_array_end(j);
	json_object_end(j);
}

typedef struct tally {
	size_t identities, denied, expiring;
	int exit_code;
} tally_t;

static void count(const pc_zone_t *zones, size_t n, tally_t *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < zones[i].count; k++) {
			const pc_identity_t *id = &zones[i].ids[k];
			t->identities++;
			t->denied += id->exit_code != 0;
			t->expiring += strcmp(id->status, "expiring") == 0;
		}
		if (zones[i].exit_code > t->exit_code) {
			t->exit_code = zones[i].exit_code;
		}
	}
}

static void print_report(cli_ctx_t *ctx, const policy_opts_t *o,
                         const pc_zone_t *zones, size_t n, const tally_t *t)
{
	if (!ctx->json) {
		for (size_t i = 0; i < n; i++) {
			text_zone(&zones[i]);
		}
		printf("summary: %zu zone%s, %zu identit%s checked, %zu would "
		       "be denied, %zu expiring within %lu days\n",
		       n, n == 1 ? "" : "s", t->identities,
		       t->identities == 1 ? "y" : "ies", t->denied, t->expiring,
		       o->expiry_days);
		return;
	}
	json_t *j = &ctx->out;
	json_object_begin(j);
	json_kstr(j, "command", "policy");
	json_kstr(j, "source", o->source);
	json_kstr(j, "file", o->file);
	json_key(j, "zones");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_zone(j, &zones[i]);
	}
	json_array_end(j);
	json_kint(j, "identities", (long long)t->identities);
	json_kint(j, "denied", (long long)t->denied);
	json_kint(j, "expiring", (long long)t->expiring);
	json_kint(j, "exit_code", t->exit_code);
	json_object_end(j);
}

static int check_plan(cli_ctx_t *ctx, const policy_opts_t *o,
                      const pp_plan_t *plan)
{
	pc_zone_t *zones = calloc(plan->count + 1, sizeof(*zones));
	pc_resolvers_t res;
	dance_error_t err;
	if (zones == NULL) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	pc_resolvers_init(&res, (unsigned)o->timeout_ms);
	time_t soon = time(NULL) + (time_t)o->expiry_days * 86400;
	int rc = CLI_CONTINUE;
	size_t done = 0;
	for (; done < plan->count && rc == CLI_CONTINUE; done++) {
		if (pc_zone_check(&plan->entries[done], &res, soon,
		                  &zones[done], &err) != DANCE_OK) {
			rc = cli_fail(ctx, CLI_EXIT_INPUT, "--%s %s: %s",
			              o->source, o->file, err.reason);
		}
	}
	if (rc == CLI_CONTINUE) {
		tally_t t;
		count(zones, done, &t);
		print_report(ctx, o, zones, done, &t);
		rc = t.exit_code;
	}
	for (size_t i = 0; i < done; i++) {
		pc_zone_clear(&zones[i]);
	}
	free(zones);
	pc_resolvers_clear(&res);
	return rc;
}

static int run_knot(cli_ctx_t *ctx, const policy_opts_t *o)
{
	kc_conf_t conf;
	pp_plan_t plan;
	dance_error_t err;
	int rc;
	if (kc_conf_load(o->knot_conf, &conf, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--knot-conf %s: %s",
		                o->knot_conf, err.reason);
	}
	if (pp_plan_make(&conf, o->zone_arg != NULL ? o->zone : NULL, &plan,
	                 &err) != DANCE_OK) {
		rc = cli_fail(ctx, CLI_EXIT_INPUT, "--knot-conf %s: %s",
		              o->knot_conf, err.reason);
	} else if (plan.count == 0) {
		rc = cli_fail(ctx, CLI_EXIT_INPUT,
		              "--knot-conf %s: no zone uses a mod-dance module",
		              o->knot_conf);
	} else {
		rc = check_plan(ctx, o, &plan);
	}
	pp_plan_clear(&plan);
	kc_conf_clear(&conf);
	return rc;
}

/* The parser's problems, one line each ("FILE:LINE: item: what"); with
 * --json one error object holding them all. */
static int config_problems(cli_ctx_t *ctx, dance_code_t code,
                           const dp_diag_t *diag)
{
	if (diag->count == 0) {
		return cli_fail(ctx, CLI_EXIT_INPUT, "--proxy-conf: %s",
		                code == DANCE_ENOMEM ? "out of memory"
		                                     : "cannot be parsed");
	}
	if (ctx->json) {
		char all[1024] = "";
		size_t n = 0;
		for (size_t i = 0; i < diag->count && n < sizeof(all); i++) {
			n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s",
			                      i > 0 ? "; " : "",
			                      diag->lines[i]);
		}
		return cli_fail(ctx, CLI_EXIT_INPUT, "%s", all);
	}
	for (size_t i = 0; i + 1 < diag->count; i++) {
		fprintf(stderr, "dance %s: %s\n", ctx->cmd->name,
		        diag->lines[i]);
	}
	return cli_fail(ctx, CLI_EXIT_INPUT, "%s",
	                diag->lines[diag->count - 1]);
}

static int run_proxy(cli_ctx_t *ctx, const policy_opts_t *o)
{
	dp_config_t *cfg = NULL;
	dp_diag_t diag;
	pp_plan_t plan;
	dance_error_t err;
	int rc;
	dp_diag_init(&diag);
	dance_code_t code = dp_config_parse_file(o->proxy_conf, &cfg, &diag);
	if (code != DANCE_OK) {
		rc = config_problems(ctx, code, &diag);
		dp_diag_free(&diag);
		return rc;
	}
	dp_diag_free(&diag);
	if (pp_plan_from_proxy(cfg, o->zone_arg != NULL ? o->zone : NULL, &plan,
	                       &err) != DANCE_OK) {
		rc = cli_fail(ctx, CLI_EXIT_INPUT, "--proxy-conf %s: %s",
		              o->proxy_conf, err.reason);
	} else {
		rc = check_plan(ctx, o, &plan);
	}
	pp_plan_clear(&plan);
	dp_config_free(cfg);
	return rc;
}

static int run(cli_ctx_t *ctx, int argc, char **argv)
{
	policy_opts_t o = {.expiry_days = DEFAULT_EXPIRY_DAYS,
	                   .timeout_ms = DEFAULT_TIMEOUT_MS};
	int rc = parse_options(ctx, argc, argv, &o);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	return o.knot_conf != NULL ? run_knot(ctx, &o) : run_proxy(ctx, &o);
}

const cli_command_t cli_cmd_policy = {
        .name = "policy",
        .summary = "preflight: the identities a primary allows and their "
                   "TLSA status",
        .synopsis = "(--knot-conf FILE | --proxy-conf FILE) [--zone ZONE]\n"
                    "[--expiry-days N] [--timeout MS] [--json]",
        .description =
                "Reads a primary's configuration, either a Knot DNS one "
                "using mod-dance (--knot-conf) or a dance-proxy one "
                "(--proxy-conf), and, for each zone guarded, lists the "
                "identities allowed to transfer it: the explicit names "
                "(allow), the hosts of the zone's apex NS RRset "
                "(ns-derived), and the suffix rules (allow-suffix, which "
                "cannot be enumerated). For each listed identity it looks "
                "up the TLSA RRset with the validator settings the server "
                "would use (the zone's mod-dance section, or dance-proxy's "
                "resolver section with its owner-template) and reports its "
                "status now:\n\n"
                "- ok: secure, with a record usable for a certificate;\n\n"
                "- expiring: ok, but its signatures expire within "
                "--expiry-days;\n\n"
                "- no-usable-record: secure, but no record can match;\n\n"
                "- nxdomain, nodata, insecure, bogus, servfail, timeout: "
                "not secure, so the identity would be denied.\n\n"
                "With --knot-conf, the NS-derived hosts are read from the "
                "zone file (\"include\" is not followed). With --proxy-conf, "
                "the file is read by dance-proxy's own parser, so a "
                "configuration dance-proxy would refuse is refused here "
                "too, with the same lines; the NS RRset of an ns-derived "
                "zone is asked from the backend over TCP as dance-proxy "
                "asks it (TSIG-signed with backend-tsig, after a PROXY v2 "
                "header with backend-proxy-protocol). A zone whose "
                "NS-derived hosts cannot be known is reported with the "
                "reason.\n\n"
                "Whether an identity's key matches is not known here: use "
                "dance check with its certificate, or dance probe. Knot's "
                "ACL and TLS settings, and dance-proxy's listeners, "
                "certificate and limits, are not checked.",
        .options = options,
        .exits = exits,
        .examples = examples,
        .run = run,
};
