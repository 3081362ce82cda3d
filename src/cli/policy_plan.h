/* policy_plan.h: which mod-dance section guards which zone in a Knot
 * configuration (a zone's own modules, else its template's, plus the
 * default template's global modules), and where the zone file is. */
#ifndef DANCE_CLI_POLICY_PLAN_H
#define DANCE_CLI_POLICY_PLAN_H

#include <stddef.h>

#include "dance/error.h"
#include "dance/name.h"
#include "knotconf.h"

typedef struct pp_entry {
	char zone[DANCE_NAME_MAX]; /* normalised */
	char module_ref[160];      /* "mod-dance/ID" as configured */
	const kc_dance_t *module;
	int global;      /* from the default template's global-module */
	char *zone_file; /* path, or NULL (file_why says why) */
	char file_why[DANCE_REASON_MAX];
} pp_entry_t;

typedef struct pp_plan {
	pp_entry_t *entries;
	size_t count;
} pp_plan_t;

/* Every (zone, mod-dance section) pair, or only those of zone (a
 * normalised name) when not NULL. EINVAL for a reference to a mod-dance
 * section that does not exist, a zone name that is not valid, or a zone
 * asked for that no mod-dance section guards. */
dance_code_t pp_plan_make(const kc_conf_t *conf, const char *zone,
                          pp_plan_t *out, dance_error_t *err);
void pp_plan_clear(pp_plan_t *p);

#endif
