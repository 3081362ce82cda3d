/* config.h: the `mod-dance` configuration section.
 *
 *   mod-dance:
 *     - id: STR
 *       allow: DNAME ...
 *       allow-suffix: STR ...            # "*.secondaries.example.net"
 *       ns-derived: BOOL
 *       owner-template: STR              # "_xfr-client.{name}"
 *       trust-anchor-file: STR
 *       resolver-mode: recurse | forward | stub | ad
 *       resolver: ADDR[@PORT] ...
 *       stub-zone: DNAME ...
 *       lookup-timeout: INT              # milliseconds
 *       cache-max-ttl: TIME
 *       cache-max-entries: INT
 *       non-tls: deny | pass
 *       log-level: debug | info | notice | warning
 *       clientid: BOOL                   # read dane_clientid (default on)
 *       clientid-type: INT               # its codepoint, 65280-65535
 *
 * The schema checks each value as knotc conf-check reads it (messages
 * name the item); md_config_check checks the section as a whole.
 * md_config_read turns a loaded section into an authorizer configuration
 * and policy for the zone the instance serves.
 */
#ifndef MOD_DANCE_CONFIG_H
#define MOD_DANCE_CONFIG_H

#include <knot/module.h>

#include <dance/authz.h>
#include <dance/policy.h>

extern const yp_item_t md_config_schema[];

int md_config_check(knotd_conf_check_args_t *args);

/* What the module itself does with the settings. */
typedef struct md_settings {
	int ns_derived;
	int non_tls_pass;
	int log_priority;
	int clientid;           /* read the dane_clientid extension */
	unsigned clientid_type; /* its codepoint */
} md_settings_t;

/* Strings the authorizer configuration points at, owned. */
typedef struct md_config_strings {
	char *owner_template;
	char *trust_anchor_file;
	char **servers;
	size_t server_count;
	char **stub_zones;
	size_t stub_zone_count;
} md_config_strings_t;

/* Reads the instance's section. policy gets one entry: the zone of a
 * zone module, "*" for a global module. Fills err on a bad value. */
dance_code_t md_config_read(knotd_mod_t *mod, dance_authz_config_t *cfg,
                            md_config_strings_t *strings,
                            dance_policy_t *policy, md_settings_t *settings,
                            dance_error_t *err);

void md_config_strings_free(md_config_strings_t *strings);

#endif
