/* gen.c: building a configuration generation; reference counting. */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

#include <dance/policy.h>

#include "tls.h"
#include "tsig.h"

static dance_code_t build_policy(const dp_config_t *cfg, dance_policy_t *policy,
                                 dance_error_t *err)
{
	dance_code_t rc = DANCE_OK;
	for (size_t i = 0; rc == DANCE_OK && i < cfg->zone_count; i++) {
		const dp_zone_cfg_t *zc = &cfg->zones[i];
		dance_policy_zone_t *z = NULL;
		rc = dance_policy_zone(policy, zc->name, &z, err);
		for (size_t j = 0; rc == DANCE_OK && j < zc->allow_count; j++) {
			rc = dance_policy_allow_name(z, zc->allow[j], err);
		}
		for (size_t j = 0; rc == DANCE_OK && j < zc->suffix_count;
		     j++) {
			rc = dance_policy_allow_suffix(z, zc->suffix[j], err);
		}
		if (rc == DANCE_OK) {
			z->ns_derived = zc->ns_derived;
		}
	}
	return rc;
}

static void fill_authz_config(const dp_config_t *cfg, dance_authz_config_t *ac)
{
	memset(ac, 0, sizeof(*ac));
	ac->resolver.mode = cfg->mode;
	ac->resolver.trust_anchor_file = cfg->trust_anchor_file;
	ac->resolver.servers = (const char *const *)cfg->servers;
	ac->resolver.server_count = cfg->server_count;
	ac->resolver.stub_zones = (const char *const *)cfg->stub_zones;
	ac->resolver.stub_zone_count = cfg->stub_zone_count;
	ac->resolver.timeout_ms = cfg->lookup_timeout_ms;
	ac->owner_template = cfg->owner_template;
	ac->lookup_deadline_ms = cfg->lookup_timeout_ms;
	ac->cache_max_ttl = cfg->cache_max_ttl;
	ac->cache_max_entries = cfg->cache_max_entries;
	ac->refresh = 1;
}

static void gen_free(dp_gen_t *g)
{
	dance_authz_free(g->authz);
	if (g->creds != NULL) {
		gnutls_certificate_free_credentials(g->creds);
	}
	if (g->prio != NULL) {
		gnutls_priority_deinit(g->prio);
	}
	if (g->has_tsig) {
		knot_tsig_key_deinit(&g->tsig_key);
	}
	dp_config_free(g->cfg);
	free(g);
}

dance_code_t dp_gen_new(dp_config_t *cfg, unsigned number, int start,
                        dp_gen_t **out, dance_error_t *err)
{
	*out = NULL;
	dp_gen_t *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		dp_config_free(cfg);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	g->refs = 1;
	g->number = number;
	g->cfg = cfg;
	dance_code_t rc = dp_tls_creds_load(cfg->cert_file, cfg->key_file,
	                                    &g->creds, err);
	if (rc == DANCE_OK) {
		const char *pos = NULL;
		int grc = gnutls_priority_init(&g->prio, DP_TLS_PRIORITY, &pos);
		if (grc < 0) {
			g->prio = NULL;
			rc = dance_error_set(err, DANCE_ECRYPTO,
			                     "TLS priority: %s",
			                     gnutls_strerror(grc));
		}
	}
	if (rc == DANCE_OK && cfg->backend_tsig != NULL) {
		rc = dp_tsig_key_parse(cfg->backend_tsig, &g->tsig_key, err);
		g->has_tsig = rc == DANCE_OK;
	}
	if (rc == DANCE_OK) {
		dance_policy_t policy;
		dance_policy_init(&policy);
		rc = build_policy(cfg, &policy, err);
		dance_authz_config_t ac;
		fill_authz_config(cfg, &ac);
		if (rc == DANCE_OK) {
			rc = dance_authz_new(&ac, &policy, &g->authz, err);
		}
		dance_policy_clear(&policy);
	}
	if (rc == DANCE_OK && start) {
		rc = dance_authz_start(g->authz, err);
	}
	if (rc != DANCE_OK) {
		gen_free(g);
		return rc;
	}
	*out = g;
	return DANCE_OK;
}

dp_gen_t *dp_gen_ref(dp_gen_t *g)
{
	g->refs++;
	return g;
}

void dp_gen_unref(dp_gen_t *g)
{
	if (g != NULL && --g->refs == 0) {
		gen_free(g);
	}
}
