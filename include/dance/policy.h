/* dance/policy.h: who may transfer which zone.
 *
 * Per zone, the union of: explicit identity names; suffix rules
 * ("*.secondaries.example.net": any name strictly under it); and, when
 * ns_derived is on, every host named in the zone's own NS RRset (supplied
 * by the caller, who reads the zone). Anything else is denied.
 * A zone "*" entry, if present, applies to zones without their own entry.
 */
#ifndef DANCE_POLICY_H
#define DANCE_POLICY_H

#include <stddef.h>

#include "dance/error.h"
#include "dance/name.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dance_policy_zone {
	char zone[DANCE_NAME_MAX];  /* normalised, or "*" */
	dance_name_list_t names;    /* explicit identities */
	dance_name_list_t suffixes; /* patterns "*.example.net" */
	int ns_derived;
	dance_name_list_t ns_names; /* current NS targets (ns_derived) */
} dance_policy_zone_t;

typedef struct dance_policy {
	dance_policy_zone_t *zones;
	size_t count;
} dance_policy_t;

void dance_policy_init(dance_policy_t *p);
void dance_policy_clear(dance_policy_t *p);

/* Adds (or returns the existing) entry for zone; names are normalised,
 * EINVAL for an invalid name. The entry pointer stays valid until the next
 * dance_policy_zone call on p that adds a zone (the entries may move), or
 * dance_policy_clear; fill a zone's rules before adding the next zone. A
 * policy handed to dance_authz_new is the authorizer's from then on. */
dance_code_t dance_policy_zone(dance_policy_t *p, const char *zone,
                               dance_policy_zone_t **out, dance_error_t *err);
dance_code_t dance_policy_allow_name(dance_policy_zone_t *z, const char *name,
                                     dance_error_t *err);
/* pattern must look like "*.example.net". */
dance_code_t dance_policy_allow_suffix(dance_policy_zone_t *z,
                                       const char *pattern, dance_error_t *err);
/* Replaces the NS-derived host list of a zone. */
dance_code_t dance_policy_set_ns(dance_policy_zone_t *z, const char *const *ns,
                                 size_t count, dance_error_t *err);

/* The entry that governs zone (its own, else "*"), or NULL. */
const dance_policy_zone_t *dance_policy_lookup(const dance_policy_t *p,
                                               const char *zone);

/* Why an identity is allowed for a zone. */
typedef enum dance_allow_rule {
	DANCE_RULE_NONE = 0,
	DANCE_RULE_NAME,
	DANCE_RULE_SUFFIX,
	DANCE_RULE_NS,
} dance_allow_rule_t;

/* Which rule allows identity (normalised) for the zone entry; NONE if none. */
dance_allow_rule_t dance_policy_allows(const dance_policy_zone_t *z,
                                       const char *identity);
const char *dance_allow_rule_name(dance_allow_rule_t rule);

#ifdef __cplusplus
}
#endif
#endif
