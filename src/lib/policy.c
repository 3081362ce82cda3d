/* policy.c: per-zone sets of identities allowed to transfer.
 *
 * Zone entries live in one array that grows with dance_policy_zone: a
 * pointer returned by dance_policy_zone stays valid until the next call
 * that adds a zone (or dance_policy_clear). Every name is stored in normal
 * form (dance_name_normalize), so lookups compare with strcmp.
 */
#include "dance/policy.h"

#include <stdlib.h>
#include <string.h>

#define POLICY_ANY_ZONE "*"

void dance_policy_init(dance_policy_t *p)
{
	p->zones = NULL;
	p->count = 0;
}

static void zone_entry_clear(dance_policy_zone_t *z)
{
	dance_name_list_clear(&z->names);
	dance_name_list_clear(&z->suffixes);
	dance_name_list_clear(&z->ns_names);
}

void dance_policy_clear(dance_policy_t *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->count; i++) {
		zone_entry_clear(&p->zones[i]);
	}
	free(p->zones);
	p->zones = NULL;
	p->count = 0;
}

/* Normalises a zone name, keeping "*" as is. */
static dance_code_t normalize_zone(const char *zone, char *out,
                                   dance_error_t *err)
{
	if (zone == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "zone name missing");
	}
	if (strcmp(zone, POLICY_ANY_ZONE) == 0) {
		memcpy(out, POLICY_ANY_ZONE, sizeof(POLICY_ANY_ZONE));
		return DANCE_OK;
	}
	return dance_name_normalize(zone, out, err);
}

static dance_policy_zone_t *find_zone(const dance_policy_t *p,
                                      const char *normal)
{
	for (size_t i = 0; i < p->count; i++) {
		if (strcmp(p->zones[i].zone, normal) == 0) {
			return &p->zones[i];
		}
	}
	return NULL;
}

dance_code_t dance_policy_zone(dance_policy_t *p, const char *zone,
                               dance_policy_zone_t **out, dance_error_t *err)
{
	char normal[DANCE_NAME_MAX];
	dance_code_t rc = normalize_zone(zone, normal, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	dance_policy_zone_t *found = find_zone(p, normal);
	if (found == NULL) {
		dance_policy_zone_t *grown =
		        realloc(p->zones, (p->count + 1) * sizeof(*grown));
		if (grown == NULL) {
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory adding zone %s",
			                       normal);
		}
		p->zones = grown;
		found = &p->zones[p->count++];
		memset(found, 0, sizeof(*found));
		memcpy(found->zone, normal, sizeof(found->zone));
	}
	if (out != NULL) {
		*out = found;
	}
	return DANCE_OK;
}

dance_code_t dance_policy_allow_name(dance_policy_zone_t *z, const char *name,
                                     dance_error_t *err)
{
	char normal[DANCE_NAME_MAX];
	if (name == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "identity missing");
	}
	dance_code_t rc = dance_name_normalize(name, normal, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	return dance_name_list_add(&z->names, normal, err);
}

dance_code_t dance_policy_allow_suffix(dance_policy_zone_t *z,
                                       const char *pattern, dance_error_t *err)
{
	char normal[DANCE_NAME_MAX + 2];
	if (pattern == NULL || strncmp(pattern, "*.", 2) != 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "suffix rule %s must look like "
		                       "\"*.example.net\"",
		                       pattern != NULL ? pattern : "(null)");
	}
	memcpy(normal, "*.", 2);
	dance_code_t rc = dance_name_normalize(pattern + 2, normal + 2, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	return dance_name_list_add(&z->suffixes, normal, err);
}

dance_code_t dance_policy_set_ns(dance_policy_zone_t *z, const char *const *ns,
                                 size_t count, dance_error_t *err)
{
	dance_name_list_t fresh = {NULL, 0};
	char normal[DANCE_NAME_MAX];
	if (count > 0 && ns == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "NS list missing");
	}
	for (size_t i = 0; i < count; i++) {
		dance_code_t rc =
		        ns[i] == NULL
		                ? dance_error_set(err, DANCE_EINVAL,
		                                  "NS name %zu missing", i)
		                : dance_name_normalize(ns[i], normal, err);
		if (rc == DANCE_OK) {
			rc = dance_name_list_add(&fresh, normal, err);
		}
		if (rc != DANCE_OK) {
			dance_name_list_clear(&fresh);
			return rc;
		}
	}
	dance_name_list_clear(&z->ns_names);
	z->ns_names = fresh;
	return DANCE_OK;
}

const dance_policy_zone_t *dance_policy_lookup(const dance_policy_t *p,
                                               const char *zone)
{
	char normal[DANCE_NAME_MAX];
	if (p == NULL || zone == NULL ||
	    dance_name_normalize(zone, normal, NULL) != DANCE_OK) {
		return NULL;
	}
	const dance_policy_zone_t *found = find_zone(p, normal);
	if (found == NULL) {
		found = find_zone(p, POLICY_ANY_ZONE);
	}
	return found;
}

static int matches_a_suffix(const dance_name_list_t *suffixes,
                            const char *identity)
{
	for (size_t i = 0; i < suffixes->count; i++) {
		if (dance_name_matches_pattern(identity, suffixes->names[i])) {
			return 1;
		}
	}
	return 0;
}

dance_allow_rule_t dance_policy_allows(const dance_policy_zone_t *z,
                                       const char *identity)
{
	if (z == NULL || identity == NULL || identity[0] == '\0') {
		return DANCE_RULE_NONE;
	}
	if (dance_name_list_contains(&z->names, identity)) {
		return DANCE_RULE_NAME;
	}
	if (matches_a_suffix(&z->suffixes, identity)) {
		return DANCE_RULE_SUFFIX;
	}
	if (z->ns_derived && dance_name_list_contains(&z->ns_names, identity)) {
		return DANCE_RULE_NS;
	}
	return DANCE_RULE_NONE;
}

const char *dance_allow_rule_name(dance_allow_rule_t rule)
{
	switch (rule) {
	case DANCE_RULE_NONE: return "none";
	case DANCE_RULE_NAME: return "name";
	case DANCE_RULE_SUFFIX: return "suffix";
	case DANCE_RULE_NS: return "ns";
	}
	return "invalid";
}
