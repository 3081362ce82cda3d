/* policy_check.c: TLSA status of the identities a zone's rules allow
 * (policy_check.h). */
#include "policy_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_ns.h"
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
	free(r->keys);
	free(r->resolvers);
	memset(r, 0, sizeof(*r));
}

static dance_code_t make_resolver(const pp_rules_t *r, unsigned timeout_ms,
                                  dance_resolver_t **out, dance_error_t *err)
{
	dance_resolver_config_t cfg = r->resolver;
	cfg.timeout_ms = timeout_ms;
	dance_error_t rerr;
	if (dance_resolver_new(&cfg, out, &rerr) != DANCE_OK) {
		return dance_error_set(err, DANCE_EINVAL, "%s: %s", r->id,
		                       rerr.reason);
	}
	return DANCE_OK;
}

/* The resolver of rules m, made on first use. */
static dance_code_t resolver_of(pc_resolvers_t *r, const pp_rules_t *m,
                                dance_resolver_t **out, dance_error_t *err)
{
	for (size_t i = 0; i < r->count; i++) {
		if (r->keys[i] == m->key) {
			*out = r->resolvers[i];
			return DANCE_OK;
		}
	}
	const void **keys = realloc(r->keys, (r->count + 1) * sizeof(*keys));
	if (keys != NULL) {
		r->keys = keys;
	}
	dance_resolver_t **resolvers =
	        realloc(r->resolvers, (r->count + 1) * sizeof(*resolvers));
	if (resolvers != NULL) {
		r->resolvers = resolvers;
	}
	if (keys == NULL || resolvers == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = make_resolver(m, r->timeout_ms, out, err);
	if (rc == DANCE_OK) {
		r->keys[r->count] = m->key;
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
	const pp_rules_t *m = &z->entry->rules;
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
		return dance_error_set(err, DANCE_EINVAL, "%s: %s", m->id,
		                       nerr.reason);
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

/* The NS-derived hosts from the dance-proxy backend, or why they are
 * unknown (a DNS failure: exit 2). */
static void backend_ns(pc_zone_t *z, unsigned timeout_ms, dance_name_list_t *ns)
{
	const pp_entry_t *e = z->entry;
	dance_error_t err;
	if (cli_backend_apex_ns(e->backend, e->zone, timeout_ms, ns, &err) !=
	    DANCE_OK) {
		snprintf(z->ns_error, sizeof(z->ns_error), "backend %s: %s",
		         e->backend->backend.text, err.reason);
	} else if (ns->count == 0) {
		snprintf(z->ns_error, sizeof(z->ns_error),
		         "backend %s: no NS records at the apex of %s",
		         e->backend->backend.text, e->zone);
	}
	if (z->ns_error[0] != '\0') {
		z->exit_code = 2;
	}
}

/* The NS-derived hosts, or why they are unknown (z->ns_error). */
static void read_ns(pc_zone_t *z, unsigned timeout_ms, dance_name_list_t *ns)
{
	const pp_entry_t *e = z->entry;
	dance_error_t err;
	if (e->backend != NULL) {
		backend_ns(z, timeout_ms, ns);
		return;
	}
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
	dance_code_t rc = resolver_of(res, &e->rules, &resolver, err);
	dance_name_list_t seen = {NULL, 0}, ns = {NULL, 0};
	if (rc == DANCE_OK && e->rules.ns_derived) {
		read_ns(out, res->timeout_ms, &ns);
	}
	size_t allowed = e->rules.allow_count;
	for (size_t i = 0; rc == DANCE_OK && i < allowed + ns.count; i++) {
		int from_ns = i >= allowed;
		const char *name =
		        from_ns ? ns.names[i - allowed] : e->rules.allow[i];
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
