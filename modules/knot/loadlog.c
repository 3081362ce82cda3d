/* loadlog.c: see loadlog.h. */
#include "loadlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef MD_KNOT_VERSION
#define MD_KNOT_VERSION "unknown"
#endif

/* Names shown of a list before "... (N)". */
#define MD_LOADLOG_NAMES 3

#define STR_(x) #x
#define STR(x)  STR_(x)

const char *md_built_for(void)
{
	return "Knot " MD_KNOT_VERSION
	       ", module ABI " STR(KNOTD_MOD_ABI_VERSION);
}

typedef struct line {
	char *out;
	size_t size, used;
} line_t;

static void put(line_t *l, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void put(line_t *l, const char *fmt, ...)
{
	if (l->used >= l->size) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->out + l->used, l->size - l->used, fmt, ap);
	va_end(ap);
	l->used += n > 0 ? (size_t)n : 0;
	if (l->used >= l->size) {
		l->used = l->size;
	}
}

static const char *mode_name(dance_resolve_mode_t mode)
{
	switch (mode) {
	case DANCE_RESOLVE_RECURSE: return "recurse";
	case DANCE_RESOLVE_FORWARD: return "forward";
	case DANCE_RESOLVE_STUB: return "stub";
	case DANCE_RESOLVE_AD: return "ad";
	}
	return "unknown";
}

static void put_names(line_t *l, const char *what, const char *const *names,
                      size_t count)
{
	if (count == 0) {
		put(l, ", %s none", what);
		return;
	}
	put(l, ", %s ", what);
	for (size_t i = 0; i < count && i < MD_LOADLOG_NAMES; i++) {
		put(l, "%s%s", i > 0 ? " " : "", names[i]);
	}
	put(l, "%s (%zu)", count > MD_LOADLOG_NAMES ? " ..." : "", count);
}

static void put_resolver(line_t *l, const dance_resolver_config_t *r)
{
	put(l, "resolver %s", mode_name(r->mode));
	for (size_t i = 0; i < r->server_count; i++) {
		put(l, "%s%s", i == 0 ? " " : ",", r->servers[i]);
	}
	if (r->mode != DANCE_RESOLVE_AD) {
		put(l, ", trust anchors %s",
		    r->trust_anchor_file != NULL ? r->trust_anchor_file
		                                 : "/usr/share/dns/root.key");
	}
}

void md_loadlog_format(const dance_authz_config_t *cfg,
                       const dance_policy_t *policy,
                       const md_settings_t *settings, char *out, size_t size)
{
	line_t l = {out, size, 0};
	if (size == 0) {
		return;
	}
	out[0] = '\0';
	put(&l, "loaded (built for %s): ", md_built_for());
	put_resolver(&l, &cfg->resolver);
	for (size_t z = 0; policy != NULL && z < policy->count; z++) {
		const dance_policy_zone_t *pz = &policy->zones[z];
		put_names(&l, "identities",
		          (const char *const *)pz->names.names,
		          pz->names.count);
		put_names(&l, "suffixes",
		          (const char *const *)pz->suffixes.names,
		          pz->suffixes.count);
	}
	put(&l, ", ns-derived %s", settings->ns_derived ? "on" : "off");
	if (settings->clientid) {
		put(&l, ", clientid on (type %u)", settings->clientid_type);
	} else {
		put(&l, ", clientid off");
	}
	put(&l, ", non-tls %s", settings->non_tls_pass ? "pass" : "deny");
}
