/* policy_plan.h: what dance policy checks, whatever the configuration
 * it comes from: (zone, rules) pairs, the rules saying who may transfer
 * the zone and how their TLSA RRsets are looked up. pp_plan_make reads a
 * Knot configuration: which mod-dance section guards which zone (a zone's
 * own modules, else its template's, plus the default template's global
 * modules) and where the zone file is (policy_proxy.h reads a dance-proxy
 * configuration). */
#ifndef DANCE_CLI_POLICY_PLAN_H
#define DANCE_CLI_POLICY_PLAN_H

#include <stddef.h>

#include "dance/error.h"
#include "dance/name.h"
#include "dance/resolver.h"
#include "knotconf.h"

struct dp_config;

/* Who may transfer a zone and how their TLSA RRsets are looked up:
 * pointers into the configuration the plan was made from. */
typedef struct pp_rules {
	char id[192];       /* names them in messages: "mod-dance xfr" */
	const void *key;    /* rules with one key share one resolver */
	char *const *allow; /* explicit names, as configured */
	size_t allow_count;
	char *const *suffix; /* allow-suffix patterns */
	size_t suffix_count;
	int ns_derived;
	const char *owner_template; /* NULL: the default */
	/* The validator settings (timeout_ms is dance policy's own). */
	dance_resolver_config_t resolver;
} pp_rules_t;

typedef struct pp_entry {
	char zone[DANCE_NAME_MAX]; /* normalised */
	/* "mod-dance/ID" as configured, or "zone FILE:LINE" for dance-proxy */
	char module_ref[1024];
	pp_rules_t rules;
	int global; /* from the default template's global-module */
	/* ns-derived hosts come from the zone file (Knot): its path, or
	 * NULL (file_why says why)... */
	char *zone_file;
	char file_why[DANCE_REASON_MAX];
	/* ...or, when set, from this dance-proxy configuration's backend. */
	const struct dp_config *backend;
} pp_entry_t;

typedef struct pp_plan {
	pp_entry_t *entries;
	size_t count;
} pp_plan_t;

/* Every (zone, mod-dance section) pair, or only those of zone (a
 * normalised name) when not NULL. EINVAL for a reference to a mod-dance
 * section that does not exist or whose resolver-mode is unknown, a zone
 * name that is not valid, or a zone asked for that no mod-dance section
 * guards. */
dance_code_t pp_plan_make(const kc_conf_t *conf, const char *zone,
                          pp_plan_t *out, dance_error_t *err);
/* A new zeroed entry at the end of p (ENOMEM). */
dance_code_t pp_plan_add(pp_plan_t *p, pp_entry_t **out, dance_error_t *err);
void pp_plan_clear(pp_plan_t *p);

#endif
