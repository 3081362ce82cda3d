/* config.c: schema, checks and reading of the `mod-dance` section. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <dance/clientid.h>
#include <dance/name.h>

/* Item names in yp_name_t form: length (octal escape), then the name. */
#define MOD_ALLOW         "\005allow"
#define MOD_ALLOW_SUFFIX  "\014allow-suffix"
#define MOD_NS_DERIVED    "\012ns-derived"
#define MOD_OWNER_TMPL    "\016owner-template"
#define MOD_TA_FILE       "\021trust-anchor-file"
#define MOD_RESOLVER_MODE "\015resolver-mode"
#define MOD_RESOLVER      "\010resolver"
#define MOD_STUB_ZONE     "\011stub-zone"
#define MOD_LOOKUP_TIME   "\016lookup-timeout"
#define MOD_CACHE_TTL     "\015cache-max-ttl"
#define MOD_CACHE_ENTRIES "\021cache-max-entries"
#define MOD_NON_TLS       "\007non-tls"
#define MOD_LOG_LEVEL     "\011log-level"
#define MOD_CLIENTID      "\010clientid"
#define MOD_CLIENTID_TYPE "\015clientid-type"

enum { MD_NON_TLS_DENY = 0, MD_NON_TLS_PASS = 1 };

static const knot_lookup_t resolver_modes[] = {
        {DANCE_RESOLVE_RECURSE, "recurse"},
        {DANCE_RESOLVE_FORWARD, "forward"},
        {DANCE_RESOLVE_STUB, "stub"},
        {DANCE_RESOLVE_AD, "ad"},
        {0, NULL},
};

static const knot_lookup_t non_tls_modes[] = {
        {MD_NON_TLS_DENY, "deny"},
        {MD_NON_TLS_PASS, "pass"},
        {0, NULL},
};

static const knot_lookup_t log_levels[] = {
        {LOG_DEBUG, "debug"},     {LOG_INFO, "info"}, {LOG_NOTICE, "notice"},
        {LOG_WARNING, "warning"}, {0, NULL},
};

/* ---- checks of single values (knotc conf-check names the item) ---- */

static int check_allow(knotd_conf_check_args_t *args)
{
	char text[KNOT_DNAME_TXT_MAXLEN + 1];
	char normal[DANCE_NAME_MAX];
	if (knot_dname_to_str(text, args->data, sizeof(text)) == NULL ||
	    dance_name_normalize(text, normal, NULL) != DANCE_OK) {
		args->err_str = "allow: not a usable client name (the root "
		                "or a name with characters a host name "
		                "cannot have)";
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

static int check_allow_suffix(knotd_conf_check_args_t *args)
{
	dance_policy_t policy;
	dance_policy_zone_t *zone = NULL;
	dance_policy_init(&policy);
	int ok = dance_policy_zone(&policy, "*", &zone, NULL) == DANCE_OK &&
	         dance_policy_allow_suffix(zone, (const char *)args->data,
	                                   NULL) == DANCE_OK;
	dance_policy_clear(&policy);
	if (!ok) {
		args->err_str = "allow-suffix: expected a pattern like "
		                "\"*.secondaries.example.net\"";
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

static int check_owner_template(knotd_conf_check_args_t *args)
{
	char owner[DANCE_NAME_MAX];
	if (dance_owner_from_template((const char *)args->data,
	                              "client.example", owner,
	                              NULL) != DANCE_OK) {
		args->err_str = "owner-template: must hold \"{name}\" once "
		                "and give a valid name, e.g. "
		                "\"_xfr-client.{name}\"";
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

static int check_trust_anchor_file(knotd_conf_check_args_t *args)
{
	if (access((const char *)args->data, R_OK) != 0) {
		args->err_str = "trust-anchor-file: file not readable";
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

const yp_item_t md_config_schema[] = {
        {MOD_ALLOW, YP_TDNAME, YP_VNONE, YP_FMULTI, {check_allow}},
        {MOD_ALLOW_SUFFIX, YP_TSTR, YP_VNONE, YP_FMULTI, {check_allow_suffix}},
        {MOD_NS_DERIVED, YP_TBOOL, YP_VNONE},
        {MOD_OWNER_TMPL,
         YP_TSTR,
         YP_VSTR = {DANCE_OWNER_TEMPLATE_DEFAULT},
         YP_FNONE,
         {check_owner_template}},
        {MOD_TA_FILE, YP_TSTR, YP_VNONE, YP_FNONE, {check_trust_anchor_file}},
        {MOD_RESOLVER_MODE, YP_TOPT,
         YP_VOPT = {resolver_modes, DANCE_RESOLVE_RECURSE}},
        {MOD_RESOLVER, YP_TADDR, YP_VADDR = {53}, YP_FMULTI},
        {MOD_STUB_ZONE, YP_TDNAME, YP_VNONE, YP_FMULTI},
        {MOD_LOOKUP_TIME, YP_TINT, YP_VINT = {10, 60000, 1500}},
        {MOD_CACHE_TTL, YP_TINT, YP_VINT = {1, 604800, 3600, YP_STIME}},
        {MOD_CACHE_ENTRIES, YP_TINT, YP_VINT = {1, 10000000, 10000}},
        {MOD_NON_TLS, YP_TOPT, YP_VOPT = {non_tls_modes, MD_NON_TLS_DENY}},
        {MOD_LOG_LEVEL, YP_TOPT, YP_VOPT = {log_levels, LOG_INFO}},
        {MOD_CLIENTID, YP_TBOOL, YP_VBOOL = {true}},
        {MOD_CLIENTID_TYPE, YP_TINT,
         YP_VINT = {0xFF00, 0xFFFF, DANCE_CLIENTID_EXT_DEFAULT}},
        {NULL},
};

/* ---- checks of the section as a whole ---- */

static const char *check_resolvers(unsigned mode, const knotd_conf_t *servers)
{
	if (mode != DANCE_RESOLVE_RECURSE && servers->count == 0) {
		return "resolver-mode forward, stub and ad need at least one "
		       "'resolver' address";
	}
	for (size_t i = 0; i < servers->count; i++) {
		const struct sockaddr_storage *ss = &servers->multi[i].addr;
		if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6) {
			return "resolver: must be an IP address[@port], not a "
			       "UNIX socket";
		}
		if (mode == DANCE_RESOLVE_AD && !dance_addr_is_loopback(ss)) {
			return "resolver: resolver-mode ad trusts the AD bit "
			       "only from a resolver on loopback (127.0.0.0/8 "
			       "or ::1)";
		}
	}
	return NULL;
}

int md_config_check(knotd_conf_check_args_t *args)
{
	knotd_conf_t mode = knotd_conf_check_item(args, MOD_RESOLVER_MODE);
	knotd_conf_t servers = knotd_conf_check_item(args, MOD_RESOLVER);
	knotd_conf_t stubs = knotd_conf_check_item(args, MOD_STUB_ZONE);
	knotd_conf_t allow = knotd_conf_check_item(args, MOD_ALLOW);
	knotd_conf_t suffix = knotd_conf_check_item(args, MOD_ALLOW_SUFFIX);
	knotd_conf_t ns = knotd_conf_check_item(args, MOD_NS_DERIVED);

	const char *why = check_resolvers(mode.single.option, &servers);
	if (why == NULL && mode.single.option == DANCE_RESOLVE_STUB &&
	    stubs.count == 0) {
		why = "resolver-mode stub needs at least one 'stub-zone'";
	}
	if (why == NULL && allow.count == 0 && suffix.count == 0 &&
	    !ns.single.boolean) {
		why = "no 'allow', 'allow-suffix' or 'ns-derived: on': nobody "
		      "could transfer";
	}
	knotd_conf_free(&servers);
	knotd_conf_free(&stubs);
	knotd_conf_free(&allow);
	knotd_conf_free(&suffix);
	if (why != NULL) {
		args->err_str = why;
		return KNOT_EINVAL;
	}
	return KNOT_EOK;
}

/* ---- reading a loaded section ---- */

static dance_code_t no_memory(dance_error_t *err)
{
	return dance_error_set(err, DANCE_ENOMEM, "out of memory");
}

static char *address_text(const struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN] = "", text[INET6_ADDRSTRLEN + 8];
	unsigned port = 53;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		port = ntohs(v4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		port = ntohs(v6->sin6_port);
	}
	snprintf(text, sizeof(text), "%s@%u", host, port != 0 ? port : 53);
	return strdup(text);
}

static char *dname_text(const knot_dname_t *dname)
{
	char text[KNOT_DNAME_TXT_MAXLEN + 1];
	if (knot_dname_to_str(text, dname, sizeof(text)) == NULL) {
		return NULL;
	}
	return strdup(text);
}

static dance_code_t read_policy(knotd_mod_t *mod, dance_policy_t *policy,
                                int ns_derived, dance_error_t *err)
{
	const knot_dname_t *zone_name = knotd_mod_zone(mod);
	char zone[KNOT_DNAME_TXT_MAXLEN + 1] = "*";
	if (zone_name != NULL &&
	    knot_dname_to_str(zone, zone_name, sizeof(zone)) == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "zone name unusable");
	}
	dance_policy_zone_t *z = NULL;
	dance_code_t rc = dance_policy_zone(policy, zone, &z, err);
	knotd_conf_t allow = knotd_conf_mod(mod, MOD_ALLOW);
	for (size_t i = 0; rc == DANCE_OK && i < allow.count; i++) {
		char text[KNOT_DNAME_TXT_MAXLEN + 1];
		if (knot_dname_to_str(text, allow.multi[i].dname,
		                      sizeof(text)) == NULL) {
			rc = dance_error_set(err, DANCE_EINVAL,
			                     "allow: name unusable");
		} else {
			rc = dance_policy_allow_name(z, text, err);
		}
	}
	knotd_conf_free(&allow);
	knotd_conf_t suffix = knotd_conf_mod(mod, MOD_ALLOW_SUFFIX);
	for (size_t i = 0; rc == DANCE_OK && i < suffix.count; i++) {
		rc = dance_policy_allow_suffix(z, suffix.multi[i].string, err);
	}
	knotd_conf_free(&suffix);
	if (rc == DANCE_OK) {
		z->ns_derived = ns_derived;
	}
	return rc;
}

static dance_code_t read_servers(knotd_mod_t *mod, md_config_strings_t *s,
                                 dance_error_t *err)
{
	knotd_conf_t servers = knotd_conf_mod(mod, MOD_RESOLVER);
	dance_code_t rc = DANCE_OK;
	s->servers = calloc(servers.count + 1, sizeof(char *));
	if (s->servers == NULL) {
		rc = no_memory(err);
	}
	for (size_t i = 0; rc == DANCE_OK && i < servers.count; i++) {
		s->servers[i] = address_text(&servers.multi[i].addr);
		if (s->servers[i] == NULL) {
			rc = no_memory(err);
		} else {
			s->server_count++;
		}
	}
	knotd_conf_free(&servers);
	return rc;
}

static dance_code_t read_stub_zones(knotd_mod_t *mod, md_config_strings_t *s,
                                    dance_error_t *err)
{
	knotd_conf_t stubs = knotd_conf_mod(mod, MOD_STUB_ZONE);
	dance_code_t rc = DANCE_OK;
	s->stub_zones = calloc(stubs.count + 1, sizeof(char *));
	if (s->stub_zones == NULL) {
		rc = no_memory(err);
	}
	for (size_t i = 0; rc == DANCE_OK && i < stubs.count; i++) {
		s->stub_zones[i] = dname_text(stubs.multi[i].dname);
		if (s->stub_zones[i] == NULL) {
			rc = no_memory(err);
		} else {
			s->stub_zone_count++;
		}
	}
	knotd_conf_free(&stubs);
	return rc;
}

static dance_code_t copy_string(const char *in, char **out, dance_error_t *err)
{
	*out = NULL;
	if (in == NULL) {
		return DANCE_OK;
	}
	*out = strdup(in);
	return *out != NULL ? DANCE_OK : no_memory(err);
}

static dance_code_t read_strings(knotd_mod_t *mod, md_config_strings_t *s,
                                 dance_error_t *err)
{
	knotd_conf_t tmpl = knotd_conf_mod(mod, MOD_OWNER_TMPL);
	knotd_conf_t ta = knotd_conf_mod(mod, MOD_TA_FILE);
	dance_code_t rc =
	        copy_string(tmpl.single.string, &s->owner_template, err);
	if (rc == DANCE_OK && ta.count > 0) {
		rc = copy_string(ta.single.string, &s->trust_anchor_file, err);
	}
	if (rc == DANCE_OK) {
		rc = read_servers(mod, s, err);
	}
	if (rc == DANCE_OK) {
		rc = read_stub_zones(mod, s, err);
	}
	return rc;
}

static void fill_authz_config(knotd_mod_t *mod, dance_authz_config_t *cfg,
                              const md_config_strings_t *s)
{
	unsigned timeout_ms =
	        (unsigned)knotd_conf_mod(mod, MOD_LOOKUP_TIME).single.integer;
	memset(cfg, 0, sizeof(*cfg));
	cfg->resolver.mode =
	        (dance_resolve_mode_t)knotd_conf_mod(mod, MOD_RESOLVER_MODE)
	                .single.option;
	cfg->resolver.trust_anchor_file = s->trust_anchor_file;
	cfg->resolver.servers = (const char *const *)s->servers;
	cfg->resolver.server_count = s->server_count;
	cfg->resolver.stub_zones = (const char *const *)s->stub_zones;
	cfg->resolver.stub_zone_count = s->stub_zone_count;
	cfg->resolver.timeout_ms = timeout_ms;
	cfg->owner_template = s->owner_template;
	cfg->lookup_deadline_ms = timeout_ms;
	cfg->cache_max_ttl =
	        (uint32_t)knotd_conf_mod(mod, MOD_CACHE_TTL).single.integer;
	cfg->cache_max_entries =
	        (size_t)knotd_conf_mod(mod, MOD_CACHE_ENTRIES).single.integer;
	cfg->refresh = 1;
}

dance_code_t md_config_read(knotd_mod_t *mod, dance_authz_config_t *cfg,
                            md_config_strings_t *strings,
                            dance_policy_t *policy, md_settings_t *settings,
                            dance_error_t *err)
{
	memset(strings, 0, sizeof(*strings));
	settings->ns_derived =
	        knotd_conf_mod(mod, MOD_NS_DERIVED).single.boolean;
	settings->non_tls_pass =
	        knotd_conf_mod(mod, MOD_NON_TLS).single.option ==
	        MD_NON_TLS_PASS;
	settings->log_priority =
	        (int)knotd_conf_mod(mod, MOD_LOG_LEVEL).single.option;
	settings->clientid = knotd_conf_mod(mod, MOD_CLIENTID).single.boolean;
	settings->clientid_type =
	        (unsigned)knotd_conf_mod(mod, MOD_CLIENTID_TYPE).single.integer;
	dance_code_t rc = read_strings(mod, strings, err);
	if (rc == DANCE_OK) {
		rc = read_policy(mod, policy, settings->ns_derived, err);
	}
	if (rc == DANCE_OK) {
		fill_authz_config(mod, cfg, strings);
	}
	return rc;
}

static void free_list(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i]);
	}
	free(list);
}

void md_config_strings_free(md_config_strings_t *strings)
{
	free(strings->owner_template);
	free(strings->trust_anchor_file);
	free_list(strings->servers, strings->server_count);
	free_list(strings->stub_zones, strings->stub_zone_count);
	memset(strings, 0, sizeof(*strings));
}
