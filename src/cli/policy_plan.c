/* policy_plan.c: zones of a Knot configuration and their mod-dance
 * sections (policy_plan.h). */
#include "policy_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODULE_PREFIX   "mod-dance/"
#define DEFAULT_STORAGE "/var/lib/knot"
#define DEFAULT_FILE    "%s.zone"

/* The zone file path with Knot's %s (zone name) and %% expanded. */
static void zone_file_path(pp_entry_t *e, const char *storage, const char *file)
{
	char name[DANCE_NAME_MAX * 2 + 512];
	size_t n = 0;
	if (file[0] != '/') {
		n = (size_t)snprintf(name, sizeof(name), "%s/", storage);
	}
	for (const char *p = file;
	     *p != '\0' && n + DANCE_NAME_MAX < sizeof(name); p++) {
		if (*p != '%') {
			name[n++] = *p;
		} else if (p[1] == 's' || p[1] == '%') {
			n += (size_t)snprintf(name + n, sizeof(name) - n, "%s",
			                      p[1] == 's' ? e->zone : "%");
			p++;
		} else {
			snprintf(e->file_why, sizeof(e->file_why),
			         "zone file pattern \"%s\" uses %%%c, which "
			         "dance policy does not expand",
			         file, p[1]);
			return;
		}
	}
	name[n] = '\0';
	e->zone_file = strdup(name);
	if (e->zone_file == NULL) {
		snprintf(e->file_why, sizeof(e->file_why), "out of memory");
	}
}

static const kc_template_t *zone_template(const kc_conf_t *c,
                                          const kc_zone_t *z)
{
	return kc_conf_template(c, z->template_id != NULL ? z->template_id
	                                                  : "default");
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

/* The rules of a mod-dance section. */
static dance_code_t module_rules(const kc_dance_t *m, pp_rules_t *r,
                                 dance_error_t *err)
{
	snprintf(r->id, sizeof(r->id), "mod-dance %s", m->id);
	r->key = m;
	r->allow = m->allow.items;
	r->allow_count = m->allow.count;
	r->suffix = m->allow_suffix.items;
	r->suffix_count = m->allow_suffix.count;
	r->ns_derived = m->ns_derived;
	r->owner_template = m->owner_template;
	r->resolver.trust_anchor_file = m->trust_anchor_file;
	r->resolver.servers = (const char *const *)m->resolvers.items;
	r->resolver.server_count = m->resolvers.count;
	r->resolver.stub_zones = (const char *const *)m->stub_zones.items;
	r->resolver.stub_zone_count = m->stub_zones.count;
	return parse_mode(m, &r->resolver.mode, err);
}

dance_code_t pp_plan_add(pp_plan_t *p, pp_entry_t **out, dance_error_t *err)
{
	pp_entry_t *entries =
	        realloc(p->entries, (p->count + 1) * sizeof(*entries));
	if (entries == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	p->entries = entries;
	*out = &p->entries[p->count++];
	memset(*out, 0, sizeof(**out));
	return DANCE_OK;
}

static dance_code_t add_entry(pp_plan_t *p, const kc_conf_t *c,
                              const kc_zone_t *z, const char *zone,
                              const char *ref, int global, dance_error_t *err)
{
	const kc_dance_t *module =
	        kc_conf_dance(c, ref + strlen(MODULE_PREFIX));
	if (module == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "zone %s: module %s has no mod-dance "
		                       "section with that id",
		                       zone, ref);
	}
	pp_rules_t rules = {0};
	pp_entry_t *e = NULL;
	dance_code_t rc = module_rules(module, &rules, err);
	if (rc == DANCE_OK) {
		rc = pp_plan_add(p, &e, err);
	}
	if (rc != DANCE_OK) {
		return rc;
	}
	snprintf(e->zone, sizeof(e->zone), "%s", zone);
	snprintf(e->module_ref, sizeof(e->module_ref), "%s", ref);
	e->rules = rules;
	e->global = global;
	const kc_template_t *t = zone_template(c, z);
	const char *storage = z->storage != NULL ? z->storage
	                      : t != NULL && t->storage != NULL
	                              ? t->storage
	                              : DEFAULT_STORAGE;
	const char *file = z->file != NULL                ? z->file
	                   : t != NULL && t->file != NULL ? t->file
	                                                  : DEFAULT_FILE;
	zone_file_path(e, storage, file);
	return DANCE_OK;
}

/* Adds the mod-dance references of a module list. */
static dance_code_t add_modules(pp_plan_t *p, const kc_conf_t *c,
                                const kc_zone_t *z, const char *zone,
                                const kc_list_t *modules, int global,
                                dance_error_t *err)
{
	for (size_t i = 0; modules != NULL && i < modules->count; i++) {
		const char *ref = modules->items[i];
		if (strcmp(ref, "mod-dance") == 0) {
			return dance_error_set(
			        err, DANCE_EINVAL,
			        "zone %s: module mod-dance needs "
			        "a section id (mod-dance/ID)",
			        zone);
		}
		if (strncmp(ref, MODULE_PREFIX, strlen(MODULE_PREFIX)) != 0) {
			continue;
		}
		dance_code_t rc = add_entry(p, c, z, zone, ref, global, err);
		if (rc != DANCE_OK) {
			return rc;
		}
	}
	return DANCE_OK;
}

static dance_code_t plan_zone(pp_plan_t *p, const kc_conf_t *c,
                              const kc_zone_t *z, const char *zone,
                              dance_error_t *err)
{
	const kc_template_t *t = zone_template(c, z);
	const kc_template_t *dflt = kc_conf_template(c, "default");
	const kc_list_t *own = z->modules_set ? &z->modules
	                       : t != NULL    ? &t->modules
	                                      : NULL;
	dance_code_t rc = add_modules(p, c, z, zone, own, 0, err);
	if (rc == DANCE_OK && dflt != NULL) {
		rc = add_modules(p, c, z, zone, &dflt->global_modules, 1, err);
	}
	return rc;
}

dance_code_t pp_plan_make(const kc_conf_t *conf, const char *zone,
                          pp_plan_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	int seen = 0;
	for (size_t i = 0; i < conf->zone_count; i++) {
		const kc_zone_t *z = &conf->zones[i];
		char name[DANCE_NAME_MAX];
		dance_error_t nerr;
		if (dance_name_normalize(z->domain != NULL ? z->domain : "",
		                         name, &nerr) != DANCE_OK) {
			pp_plan_clear(out);
			return dance_error_set(
			        err, DANCE_EINVAL, "zone \"%s\": %s",
			        z->domain != NULL ? z->domain : "",
			        nerr.reason);
		}
		if (zone != NULL && strcmp(zone, name) != 0) {
			continue;
		}
		seen = 1;
		dance_code_t rc = plan_zone(out, conf, z, name, err);
		if (rc != DANCE_OK) {
			pp_plan_clear(out);
			return rc;
		}
	}
	if (zone != NULL && out->count == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       seen ? "zone %s is not guarded by a "
		                              "mod-dance module"
		                            : "zone %s is not in the "
		                              "configuration",
		                       zone);
	}
	return DANCE_OK;
}

void pp_plan_clear(pp_plan_t *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->entries[i].zone_file);
	}
	free(p->entries);
	memset(p, 0, sizeof(*p));
}
