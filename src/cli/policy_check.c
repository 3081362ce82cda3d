/* policy_check.c: TLSA status of the identities a mod-dance section
 * allows for a zone (policy_check.h). */
#include "policy_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dance/match.h"
#include "zonefile_ns.h"

void pc_resolvers_init(pc_resolvers_t *r, unsigned timeout_ms)
{
	memset(r, 0, sizeof(*r));
	r->timeout_ms = timeout_ms;
}

void pc_resolvers_clear(pc_resolvers_t *r)
{
	for (size_t i = 0; i < r->count; i++) {
		dance_resolver_free(r->resolvers[i]);
	}
	free(r->modules);
	free(r->resolvers);
	memset(r, 0, sizeof(*r));
}

static dance_code_t parse_mode(const kc_dance_t *m, dance_resolve_mode_t *out,
                               dance_error_t *err)
{
	static const char *const names[] = {"recurse", "forward", "stub", "ad"};
	const char *mode =
	        m->resolver_mode != NULL ? m->resolver_mode : "recurse";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(mode, names[i]) == 0) {
			*out = (dance_resolve_mode_t)i;
			return DANCE_OK;
		}
	}
	return dance_error_set(err, DANCE_EINVAL,
	                       "mod-dance %s: resolver-mode \"%s\" is not "
	                       "recurse, forward, stub or ad",
	                       m->id, mode);
}

static dance_code_t make_resolver(const kc_dance_t *m, unsigned timeout_ms,
                                  dance_resolver_t **out, dance_error_t *err)
{
	dance_resolver_config_t cfg = {
	        .trust_anchor_file = m->trust_anchor_file,
	        .servers = (const char *const *)m->resolvers.items,
	        .server_count = m->resolvers.count,
	        .stub_zones = (const char *const *)m->stub_zones.items,
	        .stub_zone_count = m->stub_zones.count,
	        .timeout_ms = timeout_ms,
	};
	dance_error_t rerr;
	dance_code_t rc = parse_mode(m, &cfg.mode, err);
	if (rc == DANCE_OK &&
	    dance_resolver_new(&cfg, out, &rerr) != DANCE_OK) {
		rc = dance_error_set(err, DANCE_EINVAL, "mod-dance %s: %s",
		                     m->id, rerr.reason);
	}
	return rc;
}

/* The resolver of section m, made on first use. */
static dance_code_t resolver_of(pc_resolvers_t *r, const kc_dance_t *m,
                                dance_resolver_t **out, dance_error_t *err)
{
	for (size_t i = 0; i < r->count; i++) {
		if (r->modules[i] == m) {
			*out = r->resolvers[i];
			return DANCE_OK;
		}
	}
	const kc_dance_t **modules =
	        realloc(r->modules, (r->count + 1) * sizeof(*modules));
	if (modules != NULL) {
		r->modules = modules;
	}
	dance_resolver_t **resolvers =
	        realloc(r->resolvers, (r->count + 1) * sizeof(*resolvers));
	if (resolvers != NULL) {
		r->resolvers = resolvers;
	}
	if (modules == NULL || resolvers == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = make_resolver(m, r->timeout_ms, out, err);
	if (rc == DANCE_OK) {
		r->modules[r->count] = m;
		r->resolvers[r->count++] = *out;
	}
	return rc;
}

static size_t count_usable(const dance_tlsa_set_t *set, const char *name)
{
	dance_match_opts_t opts = {.name = name};
	size_t n = 0;
	for (size_t i = 0; i < set->count; i++) {
		n += dance_tlsa_usable(&set->records[i], DANCE_CRED_X509,
		                       &opts) != 0;
	}
	return n;
}

static void judge(pc_identity_t *id, time_t soon)
{
	const dance_tlsa_answer_t *a = &id->answer;
	if (a->state != DANCE_DNS_SECURE) {
		id->status = dance_dns_state_name(a->state);
		id->exit_code = 2;
		return;
	}
	id->usable = count_usable(&a->rrset, id->name);
	if (id->usable == 0) {
		id->status = "no-usable-record";
		id->exit_code = 1;
	} else if (a->rrsig_expiry != 0 && a->rrsig_expiry < soon) {
		id->status = "expiring";
	} else {
		id->status = "ok";
	}
}

static dance_code_t check_identity(pc_zone_t *z, dance_resolver_t *resolver,
                                   const char *name, const char *rule,
                                   time_t soon, dance_error_t *err)
{
	const kc_dance_t *m = z->entry->module;
	pc_identity_t *ids = realloc(z->ids, (z->count + 1) * sizeof(*ids));
	if (ids == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	z->ids = ids;
	pc_identity_t *id = &z->ids[z->count++];
	memset(id, 0, sizeof(*id));
	dance_tlsa_answer_init(&id->answer);
	id->rule = rule;
	dance_error_t nerr;
	if (dance_name_normalize(name, id->name, &nerr) != DANCE_OK ||
	    dance_owner_from_template(m->owner_template, id->name, id->owner,
	                              &nerr) != DANCE_OK) {
		return dance_error_set(err, DANCE_EINVAL, "mod-dance %s: %s",
		                       m->id, nerr.reason);
	}
	dance_code_t rc = dance_resolver_lookup(resolver, id->owner, 0,
	                                        &id->answer, &nerr);
	if (rc != DANCE_OK) {
		return dance_error_set(err, rc, "lookup of %s: %s", id->owner,
		                       nerr.reason);
	}
	judge(id, soon);
	if (id->exit_code > z->exit_code) {
		z->exit_code = id->exit_code;
	}
	return DANCE_OK;
}

/* The NS-derived hosts, or why they are unknown (z->ns_error). */
static void read_ns(pc_zone_t *z, dance_name_list_t *ns)
{
	const pp_entry_t *e = z->entry;
	dance_error_t err;
	if (e->zone_file == NULL) {
		snprintf(z->ns_error, sizeof(z->ns_error), "%s", e->file_why);
	} else if (cli_zonefile_apex_ns(e->zone_file, e->zone, ns, &err) !=
	           DANCE_OK) {
		snprintf(z->ns_error, sizeof(z->ns_error), "zone file %s: %s",
		         e->zone_file, err.reason);
	} else if (ns->count == 0) {
		snprintf(z->ns_error, sizeof(z->ns_error),
		         "zone file %s has no apex NS records", e->zone_file);
	}
	if (z->ns_error[0] != '\0') {
		z->exit_code = 3;
	}
}

dance_code_t pc_zone_check(const pp_entry_t *e, pc_resolvers_t *res,
                           time_t soon, pc_zone_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	out->entry = e;
	dance_resolver_t *resolver = NULL;
	dance_code_t rc = resolver_of(res, e->module, &resolver, err);
	dance_name_list_t seen = {NULL, 0}, ns = {NULL, 0};
	if (rc == DANCE_OK && e->module->ns_derived) {
		read_ns(out, &ns);
	}
	const kc_list_t *allow = &e->module->allow;
	for (size_t i = 0; rc == DANCE_OK && i < allow->count + ns.count; i++) {
		int from_ns = i >= allow->count;
		const char *name =
		        from_ns ? ns.names[i - allow->count] : allow->items[i];
		char normal[DANCE_NAME_MAX] = "";
		int valid =
		        dance_name_normalize(name, normal, NULL) == DANCE_OK;
		if (valid && dance_name_list_contains(&seen, normal)) {
			continue;
		}
		if (valid) {
			rc = dance_name_list_add(&seen, normal, err);
		}
		if (rc == DANCE_OK) {
			rc = check_identity(out, resolver, name,
			                    from_ns ? "ns-derived" : "allow",
			                    soon, err);
		}
	}
	dance_name_list_clear(&seen);
	dance_name_list_clear(&ns);
	return rc;
}

void pc_zone_clear(pc_zone_t *z)
{
	for (size_t i = 0; i < z->count; i++) {
		dance_tlsa_answer_clear(&z->ids[i].answer);
	}
	free(z->ids);
	memset(z, 0, sizeof(*z));
}
