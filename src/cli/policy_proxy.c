/* policy_proxy.c: the zones of a dance-proxy configuration
 * (policy_proxy.h). */
#include "policy_proxy.h"

#include <stdio.h>
#include <string.h>

static void proxy_rules(const dp_config_t *cfg, const dp_zone_cfg_t *z,
                        pp_rules_t *r)
{
	snprintf(r->id, sizeof(r->id), "resolver");
	r->key = cfg; /* one resolver section for every zone */
	r->allow = z->allow;
	r->allow_count = z->allow_count;
	r->suffix = z->suffix;
	r->suffix_count = z->suffix_count;
	r->ns_derived = z->ns_derived;
	r->owner_template = cfg->owner_template;
	r->resolver.mode = cfg->mode;
	r->resolver.trust_anchor_file = cfg->trust_anchor_file;
	r->resolver.servers = (const char *const *)cfg->servers;
	r->resolver.server_count = cfg->server_count;
	r->resolver.stub_zones = (const char *const *)cfg->stub_zones;
	r->resolver.stub_zone_count = cfg->stub_zone_count;
}

dance_code_t pp_plan_from_proxy(const dp_config_t *cfg, const char *zone,
                                pp_plan_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cfg->zone_count; i++) {
		const dp_zone_cfg_t *z = &cfg->zones[i];
		if (zone != NULL && strcmp(zone, z->name) != 0) {
			continue;
		}
		pp_entry_t *e = NULL;
		dance_code_t rc = pp_plan_add(out, &e, err);
		if (rc != DANCE_OK) {
			pp_plan_clear(out);
			return rc;
		}
		snprintf(e->zone, sizeof(e->zone), "%s", z->name);
		snprintf(e->module_ref, sizeof(e->module_ref), "zone %s:%u",
		         cfg->file, z->line);
		proxy_rules(cfg, z, &e->rules);
		e->backend = cfg;
	}
	if (zone != NULL && out->count == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "zone %s is not in the configuration",
		                       zone);
	}
	return DANCE_OK;
}
