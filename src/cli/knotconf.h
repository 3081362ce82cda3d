/* knotconf.h: what dance policy needs from a Knot DNS configuration file
 * (read with libknot's yparser): the mod-dance sections (see
 * modules/knot/mod-dance.rst), templates and zones with their modules and
 * zone files. Other sections are skipped. */
#ifndef DANCE_CLI_KNOTCONF_H
#define DANCE_CLI_KNOTCONF_H

#include <stddef.h>

#include "dance/error.h"

typedef struct kc_list {
	char **items;
	size_t count;
} kc_list_t;

/* A mod-dance section. */
typedef struct kc_dance {
	char *id;
	kc_list_t allow, allow_suffix, resolvers, stub_zones;
	int ns_derived;
	char *owner_template, *trust_anchor_file, *resolver_mode;
} kc_dance_t;

typedef struct kc_template {
	char *id;
	kc_list_t modules, global_modules;
	char *storage, *file;
} kc_template_t;

typedef struct kc_zone {
	char *domain;
	char *template_id;
	kc_list_t modules;
	int modules_set; /* the zone has its own "module" item */
	char *storage, *file;
} kc_zone_t;

typedef struct kc_conf {
	kc_dance_t *dance;
	size_t dance_count;
	kc_template_t *templates;
	size_t template_count;
	kc_zone_t *zones;
	size_t zone_count;
} kc_conf_t;

/* Reads path. EIO when it cannot be read, EINVAL with the line for a
 * syntax error, an "include" (not followed) or a bad boolean. */
dance_code_t kc_conf_load(const char *path, kc_conf_t *out, dance_error_t *err);
void kc_conf_clear(kc_conf_t *c);

const kc_dance_t *kc_conf_dance(const kc_conf_t *c, const char *id);
const kc_template_t *kc_conf_template(const kc_conf_t *c, const char *id);

#endif
