/* authz.c: the authorizer: one decision per transfer request.
 *
 * Order (authz.h): transport, credentials, zone policy; then either the
 * claimed identity (policy first, no DNS for a name the policy refuses;
 * then its TLSA answer must be secure and match) or key discovery over the
 * zone's enumerable identities (explicit and NS-derived names): the key
 * index names the candidates, each is verified with dance_match against
 * its current secure answer; identities with trust-anchor records are
 * tried by matching; identities with no cache entry at all are looked up
 * (bounded by the deadline) and tried. Anything else denies.
 *
 * A claimed name (dane_clientid) is taken as a TLSA owner name when it
 * fits the owner template, else as the client name itself; the owner
 * consulted is always the template applied to the client name.
 *
 * The policy is read under a rwlock and never held across a lookup.
 */
#include "authz_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "keyindex.h"
#include "refresher.h"

#define DEFAULT_LOOKUP_DEADLINE_MS 1500

struct dance_authz {
	char *owner_template;
	char *pkix_ca_file;
	unsigned deadline_ms;
	int refresh;
	dance_clock_fn clock;
	void *clock_arg;

	pthread_rwlock_t policy_lock;
	dance_policy_t policy;

	dance_resolver_t *resolver;
	dance_cache_t *cache;
	dance_keyindex_t *index;
	dance_refresher_t *refresher;
	int started;

	atomic_uint_least64_t decisions[DANCE_REASON_COUNT];
	atomic_uint_least64_t cache_hits;
	atomic_uint_least64_t cache_misses;
};

/* An answer being looked at: a cache reference or a fetched copy. */
typedef struct held_answer {
	dance_cache_entry_t *entry;
	dance_tlsa_answer_t fetched;
	int have_fetched;
	const dance_tlsa_answer_t *answer;
} held_answer_t;

static int64_t authz_now_ms(void *arg)
{
	const dance_authz_t *a = arg;
	return a->clock != NULL ? a->clock(a->clock_arg) : dance_cache_now_ms();
}

/* ---- name lists ---- */

static int list_add_all(dance_name_list_t *dst, const dance_name_list_t *src)
{
	for (size_t i = 0; i < src->count; i++) {
		if (dance_name_list_add(dst, src->names[i], NULL) != 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- policy views (callers hold policy_lock) ---- */

/* Identities of z that can be enumerated: explicit and NS-derived. */
static int zone_enumerable(const dance_policy_zone_t *z, dance_name_list_t *out)
{
	if (list_add_all(out, &z->names) != 0) {
		return -1;
	}
	return z->ns_derived ? list_add_all(out, &z->ns_names) : 0;
}

static int policy_enumerates(const dance_policy_t *p, const char *identity)
{
	for (size_t i = 0; i < p->count; i++) {
		const dance_policy_zone_t *z = &p->zones[i];
		if (dance_name_list_contains(&z->names, identity) ||
		    (z->ns_derived &&
		     dance_name_list_contains(&z->ns_names, identity))) {
			return 1;
		}
	}
	return 0;
}

static int policy_all_enumerable(const dance_policy_t *p,
                                 dance_name_list_t *out)
{
	for (size_t i = 0; i < p->count; i++) {
		if (zone_enumerable(&p->zones[i], out) != 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- key index upkeep ---- */

static void index_apply(dance_authz_t *a, const char *identity,
                        const dance_tlsa_answer_t *answer,
                        const dance_cache_info_t *info)
{
	pthread_rwlock_rdlock(&a->policy_lock);
	int enumerable = policy_enumerates(&a->policy, identity);
	pthread_rwlock_unlock(&a->policy_lock);
	if (!enumerable) {
		return;
	}
	if (info->present && info->state == DANCE_DNS_SECURE) {
		if (info->replaced &&
		    dance_keyindex_update(a->index, identity, &answer->rrset,
		                          NULL) != DANCE_OK) {
			dance_keyindex_remove(a->index, identity);
		}
	} else {
		dance_keyindex_remove(a->index, identity);
	}
}

static void on_stored(void *arg, const char *owner,
                      const dance_tlsa_answer_t *answer,
                      const dance_cache_info_t *info)
{
	dance_authz_t *a = arg;
	char identity[DANCE_NAME_MAX];
	if (dance_name_from_owner(a->owner_template, owner, identity, NULL) ==
	    DANCE_OK) {
		index_apply(a, identity, answer, info);
	}
}

static int keep_enumerable(void *arg, const char *identity)
{
	dance_authz_t *a = arg;
	pthread_rwlock_rdlock(&a->policy_lock);
	int keep = policy_enumerates(&a->policy, identity);
	pthread_rwlock_unlock(&a->policy_lock);
	return keep;
}

/* Indexes identity from its cached answer, if secure. */
static void index_from_cache(dance_authz_t *a, const char *identity)
{
	char owner[DANCE_NAME_MAX];
	if (dance_owner_from_template(a->owner_template, identity, owner,
	                              NULL) != DANCE_OK) {
		return;
	}
	dance_cache_entry_t *e =
	        dance_cache_get(a->cache, owner, authz_now_ms(a));
	if (e != NULL && e->answer.state == DANCE_DNS_SECURE) {
		dance_keyindex_update(a->index, identity, &e->answer.rrset,
		                      NULL);
	}
	dance_cache_entry_release(a->cache, e);
}

/* Owners of every enumerable identity, for the refresher. */
static int owners_of(const dance_authz_t *a, const dance_name_list_t *ids,
                     dance_name_list_t *owners)
{
	char owner[DANCE_NAME_MAX];
	for (size_t i = 0; i < ids->count; i++) {
		if (dance_owner_from_template(a->owner_template, ids->names[i],
		                              owner, NULL) == DANCE_OK &&
		    dance_name_list_add(owners, owner, NULL) != 0) {
			return -1;
		}
	}
	return 0;
}

/* After a policy change: the refresher watches the enumerable identities
 * and the index holds exactly those with secure answers. */
static dance_code_t policy_changed(dance_authz_t *a, dance_error_t *err)
{
	dance_name_list_t ids = {NULL, 0}, owners = {NULL, 0};
	pthread_rwlock_rdlock(&a->policy_lock);
	int failed = policy_all_enumerable(&a->policy, &ids);
	pthread_rwlock_unlock(&a->policy_lock);
	dance_code_t rc = DANCE_OK;
	if (failed || owners_of(a, &ids, &owners) != 0) {
		rc = dance_error_set(err, DANCE_ENOMEM, "out of memory");
	} else {
		rc = dance_refresher_watch(a->refresher,
		                           (const char *const *)owners.names,
		                           owners.count, err);
	}
	if (rc == DANCE_OK) {
		dance_keyindex_retain(a->index, keep_enumerable, a);
		for (size_t i = 0; i < ids.count; i++) {
			index_from_cache(a, ids.names[i]);
		}
	}
	dance_name_list_clear(&ids);
	dance_name_list_clear(&owners);
	return rc;
}

/* ---- life cycle ---- */

static dance_code_t copy_config(dance_authz_t *a,
                                const dance_authz_config_t *cfg,
                                dance_error_t *err)
{
	const char *tmpl = cfg->owner_template != NULL
	                           ? cfg->owner_template
	                           : DANCE_OWNER_TEMPLATE_DEFAULT;
	char probe[DANCE_NAME_MAX];
	dance_code_t rc =
	        dance_owner_from_template(tmpl, "client.example", probe, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	a->owner_template = strdup(tmpl);
	a->pkix_ca_file =
	        cfg->pkix_ca_file != NULL ? strdup(cfg->pkix_ca_file) : NULL;
	if (a->owner_template == NULL ||
	    (cfg->pkix_ca_file != NULL && a->pkix_ca_file == NULL)) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	a->deadline_ms = cfg->lookup_deadline_ms != 0
	                         ? cfg->lookup_deadline_ms
	                         : DEFAULT_LOOKUP_DEADLINE_MS;
	a->refresh = cfg->refresh;
	return DANCE_OK;
}

static dance_code_t make_parts(dance_authz_t *a,
                               const dance_authz_config_t *cfg,
                               dance_error_t *err)
{
	dance_cache_config_t cc = {
	        .max_ttl = cfg->cache_max_ttl,
	        .neg_ttl = cfg->cache_neg_ttl,
	        .max_entries = cfg->cache_max_entries,
	};
	dance_code_t rc = dance_resolver_new(&cfg->resolver, &a->resolver, err);
	if (rc == DANCE_OK) {
		rc = dance_cache_new(&cc, &a->cache, err);
	}
	if (rc == DANCE_OK) {
		rc = dance_keyindex_new(&a->index, err);
	}
	if (rc == DANCE_OK) {
		uint32_t neg =
		        cfg->cache_neg_ttl != 0 ? cfg->cache_neg_ttl : 30;
		dance_refresher_config_t rcfg = {
		        .resolver = a->resolver,
		        .cache = a->cache,
		        .deadline_ms = a->deadline_ms,
		        .retry_max_ms = neg * 1000,
		        .clock = authz_now_ms,
		        .clock_arg = a,
		        .stored = on_stored,
		        .stored_arg = a,
		};
		rc = dance_refresher_new(&rcfg, &a->refresher, err);
	}
	return rc;
}

dance_code_t dance_authz_new(const dance_authz_config_t *cfg,
                             dance_policy_t *policy, dance_authz_t **out,
                             dance_error_t *err)
{
	if (cfg == NULL || policy == NULL || out == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "authorizer needs a configuration, a "
		                       "policy and a place for the result");
	}
	dance_authz_t *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	pthread_rwlock_init(&a->policy_lock, NULL);
	dance_policy_init(&a->policy);
	dance_code_t rc = copy_config(a, cfg, err);
	if (rc == DANCE_OK) {
		rc = make_parts(a, cfg, err);
	}
	if (rc != DANCE_OK) {
		dance_authz_free(a);
		return rc;
	}
	a->policy = *policy;
	dance_policy_init(policy);
	*out = a;
	return DANCE_OK;
}

void dance_authz_free(dance_authz_t *a)
{
	if (a == NULL) {
		return;
	}
	/* The loop stops first; the resolver goes before the refresher,
	 * whose flights its callbacks may still point at. */
	dance_refresher_stop(a->refresher);
	if (a->resolver != NULL) {
		dance_resolver_free(a->resolver);
	}
	dance_refresher_free(a->refresher);
	dance_keyindex_free(a->index);
	dance_cache_free(a->cache);
	dance_policy_clear(&a->policy);
	pthread_rwlock_destroy(&a->policy_lock);
	free(a->owner_template);
	free(a->pkix_ca_file);
	free(a);
}

dance_code_t dance_authz_start(dance_authz_t *a, dance_error_t *err)
{
	if (a == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "no authorizer");
	}
	if (a->started) {
		return dance_error_set(err, DANCE_ESTATE,
		                       "authorizer already started");
	}
	dance_code_t rc = policy_changed(a, err);
	if (rc == DANCE_OK && a->refresh) {
		rc = dance_refresher_start(a->refresher, err);
	}
	if (rc == DANCE_OK) {
		a->started = 1;
	}
	return rc;
}

/* The zone's own entry; a "*" entry with NS-derived identities is copied
 * into a new entry for the zone (the NS set is per zone). */
static dance_code_t zone_for_ns(dance_policy_t *p, const char *zone,
                                dance_policy_zone_t **out, dance_error_t *err)
{
	char normal[DANCE_NAME_MAX];
	dance_code_t rc = dance_name_normalize(zone, normal, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	const dance_policy_zone_t *found = dance_policy_lookup(p, normal);
	if (found != NULL && strcmp(found->zone, normal) == 0) {
		*out = (dance_policy_zone_t *)found;
		return DANCE_OK;
	}
	if (found == NULL || !found->ns_derived) {
		return dance_error_set(err, DANCE_ENOTFOUND,
		                       "zone %s has no dance policy with "
		                       "NS-derived identities",
		                       normal);
	}
	dance_policy_zone_t *z, *any;
	rc = dance_policy_zone(p, normal, &z, err);
	if (rc == DANCE_OK) {
		rc = dance_policy_zone(p, "*", &any, err);
	}
	for (size_t i = 0; rc == DANCE_OK && i < any->names.count; i++) {
		rc = dance_policy_allow_name(z, any->names.names[i], err);
	}
	for (size_t i = 0; rc == DANCE_OK && i < any->suffixes.count; i++) {
		rc = dance_policy_allow_suffix(z, any->suffixes.names[i], err);
	}
	if (rc == DANCE_OK) {
		z->ns_derived = 1;
		*out = z;
	}
	return rc;
}

dance_code_t dance_authz_set_ns(dance_authz_t *a, const char *zone,
                                const char *const *ns, size_t count,
                                dance_error_t *err)
{
	if (a == NULL || zone == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "set_ns without authorizer or zone");
	}
	dance_policy_zone_t *z = NULL;
	pthread_rwlock_wrlock(&a->policy_lock);
	dance_code_t rc = zone_for_ns(&a->policy, zone, &z, err);
	if (rc == DANCE_OK) {
		rc = dance_policy_set_ns(z, ns, count, err);
	}
	pthread_rwlock_unlock(&a->policy_lock);
	if (rc == DANCE_OK) {
		rc = policy_changed(a, err);
	}
	return rc;
}

/* ---- answers ---- */

static void held_release(dance_authz_t *a, held_answer_t *h)
{
	dance_cache_entry_release(a->cache, h->entry);
	if (h->have_fetched) {
		dance_tlsa_answer_clear(&h->fetched);
	}
	memset(h, 0, sizeof(*h));
}

/* The answer for owner: the cache's, else one lookup bounded by the
 * deadline (monotonic ms). Always sets h->answer. */
static void answer_for(dance_authz_t *a, const char *owner, int64_t deadline,
                       held_answer_t *h)
{
	memset(h, 0, sizeof(*h));
	h->entry = dance_cache_get(a->cache, owner, authz_now_ms(a));
	if (h->entry != NULL) {
		atomic_fetch_add(&a->cache_hits, 1);
		h->answer = &h->entry->answer;
		return;
	}
	atomic_fetch_add(&a->cache_misses, 1);
	h->have_fetched = 1;
	h->answer = &h->fetched;
	int64_t left = deadline - dance_monotonic_ms();
	if (left <= 0) {
		dance_tlsa_answer_init(&h->fetched);
		h->fetched.state = DANCE_DNS_TIMEOUT;
		snprintf(h->fetched.why, sizeof(h->fetched.why),
		         "deadline passed before the lookup of %s", owner);
		return;
	}
	dance_refresher_fetch(a->refresher, owner, (unsigned)left, &h->fetched,
	                      NULL, NULL);
}

static dance_reason_t reason_from_state(dance_dns_state_t state)
{
	switch (state) {
	case DANCE_DNS_SECURE: return DANCE_REASON_AUTHORIZED;
	case DANCE_DNS_INSECURE: return DANCE_REASON_INSECURE;
	case DANCE_DNS_BOGUS: return DANCE_REASON_BOGUS;
	case DANCE_DNS_NXDOMAIN: return DANCE_REASON_NXDOMAIN;
	case DANCE_DNS_NODATA: return DANCE_REASON_NODATA;
	case DANCE_DNS_SERVFAIL: return DANCE_REASON_SERVFAIL;
	case DANCE_DNS_TIMEOUT: return DANCE_REASON_TIMEOUT;
	}
	return DANCE_REASON_INTERNAL;
}

static void match_answer(const dance_authz_t *a, const char *identity,
                         const dance_tlsa_answer_t *answer,
                         const dance_peer_t *peer, dance_match_result_t *m)
{
	dance_match_opts_t opts = {
	        .name = identity,
	        .pkix_ca_file = a->pkix_ca_file,
	        .now = 0,
	};
	dance_match_peer(&answer->rrset, peer, &opts, m);
}

static void allow_matched(dance_decision_t *out, const char *identity,
                          const char *owner, const dance_match_result_t *m,
                          const char *how)
{
	dance_decision_allow(out, identity,
	                     "TLSA record %d at %s matched (%s); %s", m->index,
	                     owner, m->detail, how);
}

/* Decides on one identity's answer. */
static void judge_answer(const dance_authz_t *a, const char *identity,
                         const char *owner, const dance_tlsa_answer_t *answer,
                         const dance_peer_t *peer, const char *how,
                         dance_decision_t *out)
{
	if (answer->state != DANCE_DNS_SECURE) {
		dance_decision_deny(out, reason_from_state(answer->state),
		                    identity, "TLSA at %s is %s%s%s", owner,
		                    dance_dns_state_name(answer->state),
		                    answer->why[0] != '\0' ? ": " : "",
		                    answer->why);
		return;
	}
	dance_match_result_t m;
	match_answer(a, identity, answer, peer, &m);
	if (m.outcome == DANCE_MATCH_OK) {
		allow_matched(out, identity, owner, &m, how);
		return;
	}
	dance_decision_deny(out, dance_reason_from_match(m.outcome), identity,
	                    "TLSA at %s: %s", owner, m.detail);
}

/* ---- the decision ---- */

typedef struct decide_ctx {
	dance_authz_t *a;
	const dance_request_t *req;
	int64_t deadline; /* monotonic ms */
	dance_decision_t *out;
} decide_ctx_t;

/* claimed -> identity and owner (see the file comment). */
static dance_code_t claim_names(const dance_authz_t *a, const char *claimed,
                                char *identity, char *owner, dance_error_t *err)
{
	char normal[DANCE_NAME_MAX];
	dance_code_t rc = dance_name_normalize(claimed, normal, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (dance_name_from_owner(a->owner_template, normal, identity, NULL) ==
	    DANCE_OK) {
		memcpy(owner, normal, DANCE_NAME_MAX);
		return DANCE_OK;
	}
	memcpy(identity, normal, DANCE_NAME_MAX);
	return dance_owner_from_template(a->owner_template, identity, owner,
	                                 err);
}

/* True when the claim is, or maps to, a service TLSA owner. */
static int claim_is_service(const dance_authz_t *a, const char *claimed)
{
	char normal[DANCE_NAME_MAX];
	return dance_name_normalize(claimed, normal, NULL) == DANCE_OK &&
	       (dance_owner_is_service(normal) ||
	        dance_template_owner_is_service(a->owner_template, normal));
}

static void deny_claim(decide_ctx_t *c, const dance_error_t *err)
{
	const char *claimed = c->req->claimed_name;
	char normal[DANCE_NAME_MAX];
	if (claim_is_service(c->a, claimed)) {
		dance_name_normalize(claimed, normal, NULL);
		dance_decision_deny(c->out, DANCE_REASON_NOT_ALLOWED, normal,
		                    "%s is a service TLSA owner (_port._proto) "
		                    "or maps to one: never a client identity",
		                    normal);
		return;
	}
	dance_decision_deny(c->out, DANCE_REASON_BAD_CLIENTID, "",
	                    "dane_clientid \"%s\" is not usable: %s", claimed,
	                    err->reason);
}

static void decide_claimed(decide_ctx_t *c, const dance_policy_zone_t *z)
{
	char identity[DANCE_NAME_MAX], owner[DANCE_NAME_MAX];
	dance_error_t err;
	dance_error_clear(&err);
	const char *zone = c->req->zone;
	if (claim_names(c->a, c->req->claimed_name, identity, owner, &err) !=
	    DANCE_OK) {
		pthread_rwlock_unlock(&c->a->policy_lock);
		deny_claim(c, &err);
		return;
	}
	dance_allow_rule_t rule = dance_policy_allows(z, identity);
	pthread_rwlock_unlock(&c->a->policy_lock);
	if (rule == DANCE_RULE_NONE) {
		dance_decision_deny(c->out, DANCE_REASON_NOT_ALLOWED, identity,
		                    "identity %s is not allowed to transfer "
		                    "zone %s",
		                    identity, zone);
		return;
	}
	char how[64];
	snprintf(how, sizeof(how), "claimed, allowed by %s rule",
	         dance_allow_rule_name(rule));
	held_answer_t h;
	answer_for(c->a, owner, c->deadline, &h);
	judge_answer(c->a, identity, owner, h.answer, c->req->digested, how,
	             c->out);
	held_release(c->a, &h);
}

/* Tries one identity: allows and returns 1 when its secure answer
 * matches. */
static int try_identity(decide_ctx_t *c, const char *identity, const char *how)
{
	char owner[DANCE_NAME_MAX];
	if (dance_owner_from_template(c->a->owner_template, identity, owner,
	                              NULL) != DANCE_OK) {
		return 0;
	}
	held_answer_t h;
	dance_match_result_t m;
	int allowed = 0;
	answer_for(c->a, owner, c->deadline, &h);
	if (h.answer->state == DANCE_DNS_SECURE) {
		match_answer(c->a, identity, h.answer, c->req->digested, &m);
		if (m.outcome == DANCE_MATCH_OK) {
			allow_matched(c->out, identity, owner, &m, how);
			allowed = 1;
		}
	}
	held_release(c->a, &h);
	return allowed;
}

static int try_candidates(decide_ctx_t *c, const dance_name_list_t *cands,
                          const dance_name_list_t *allowed,
                          dance_name_list_t *tried)
{
	for (size_t i = 0; i < cands->count; i++) {
		const char *id = cands->names[i];
		if (!dance_name_list_contains(allowed, id) ||
		    dance_name_list_contains(tried, id)) {
			continue;
		}
		if (try_identity(c, id, "found by key discovery")) {
			return 1;
		}
		if (dance_name_list_add(tried, id, NULL) != 0) {
			return -1;
		}
	}
	return 0;
}

static int is_uncached(decide_ctx_t *c, const char *identity)
{
	char owner[DANCE_NAME_MAX];
	if (dance_owner_from_template(c->a->owner_template, identity, owner,
	                              NULL) != DANCE_OK) {
		return 0;
	}
	dance_cache_entry_t *e =
	        dance_cache_get(c->a->cache, owner, authz_now_ms(c->a));
	dance_cache_entry_release(c->a->cache, e);
	if (e == NULL) {
		dance_refresher_prefetch(c->a->refresher, owner);
	}
	return e == NULL;
}

/* Allowed identities not in the cache at all: looked up (in parallel when
 * the loop runs), then tried. */
static int try_uncached(decide_ctx_t *c, const dance_name_list_t *allowed,
                        const dance_name_list_t *tried)
{
	dance_name_list_t cold = {NULL, 0};
	int found = 0;
	for (size_t i = 0; i < allowed->count && found == 0; i++) {
		const char *id = allowed->names[i];
		if (!dance_name_list_contains(tried, id) &&
		    is_uncached(c, id) &&
		    dance_name_list_add(&cold, id, NULL) != 0) {
			found = -1;
		}
	}
	for (size_t i = 0; i < cold.count && found == 0; i++) {
		if (dance_monotonic_ms() >= c->deadline) {
			break;
		}
		found = try_identity(c, cold.names[i],
		                     "found by key discovery after a lookup");
	}
	dance_name_list_clear(&cold);
	return found;
}

/* Allowed names whose TLSA owner is a service owner: never tried. */
static size_t service_owned(const decide_ctx_t *c,
                            const dance_name_list_t *allowed)
{
	size_t n = 0;
	for (size_t i = 0; i < allowed->count; i++) {
		n += (size_t)dance_template_owner_is_service(
		        c->a->owner_template, allowed->names[i]);
	}
	return n;
}

static void deny_unknown_key(decide_ctx_t *c, const dance_name_list_t *allowed)
{
	char hex[65], services[96] = "";
	dance_peer_spki_sha256_hex(c->req->digested, hex);
	size_t skipped = service_owned(c, allowed);
	if (skipped > 0) {
		snprintf(services, sizeof(services),
		         "; %zu of them never tried: service TLSA owners",
		         skipped);
	}
	dance_decision_deny(c->out, DANCE_REASON_UNKNOWN_KEY, "",
	                    "SPKI SHA-256 %s matches no allowed identity of "
	                    "zone %s (%zu discoverable%s)",
	                    hex, c->req->zone, allowed->count, services);
}

static int discover(decide_ctx_t *c, const dance_name_list_t *allowed)
{
	dance_name_list_t ee = {NULL, 0}, ta = {NULL, 0}, tried = {NULL, 0};
	dance_error_t err;
	dance_error_clear(&err);
	int found = 0;
	dance_code_t rc = dance_keyindex_candidates_peer(
	        c->a->index, c->req->digested, &ee, &ta, &err);
	if (rc == DANCE_EINVAL || rc == DANCE_ECRYPTO) {
		dance_decision_deny(
		        c->out, DANCE_REASON_BAD_CREDENTIALS, "",
		        "the presented credentials do not parse: %s",
		        err.reason);
		found = -2;
	} else if (rc != DANCE_OK) {
		found = -1;
	}
	if (found == 0) {
		found = try_candidates(c, &ee, allowed, &tried);
	}
	if (found == 0) {
		found = try_candidates(c, &ta, allowed, &tried);
	}
	if (found == 0) {
		found = try_uncached(c, allowed, &tried);
	}
	dance_name_list_clear(&ee);
	dance_name_list_clear(&ta);
	dance_name_list_clear(&tried);
	return found;
}

static void decide_discovered(decide_ctx_t *c, const dance_policy_zone_t *z)
{
	dance_name_list_t allowed = {NULL, 0};
	int failed = zone_enumerable(z, &allowed);
	pthread_rwlock_unlock(&c->a->policy_lock);
	int found = failed ? -1 : discover(c, &allowed);
	if (found == -1) {
		dance_decision_deny(c->out, DANCE_REASON_INTERNAL, "",
		                    "out of memory during key discovery");
	} else if (found == 0) {
		deny_unknown_key(c, &allowed);
	}
	dance_name_list_clear(&allowed);
}

static int has_creds(const dance_creds_t *creds)
{
	return creds != NULL && creds->count > 0 && creds->certs != NULL &&
	       creds->certs[0].data != NULL && creds->certs[0].size > 0;
}

static void decide_request(decide_ctx_t *c)
{
	const dance_request_t *req = c->req;
	if (!req->tls) {
		dance_decision_deny(c->out, DANCE_REASON_NOT_TLS, "",
		                    "zone transfers need TLS 1.3 with ALPN dot "
		                    "(XoT) or QUIC with ALPN doq (XoQ)");
		return;
	}
	if (!has_creds(req->creds)) {
		dance_decision_deny(c->out, DANCE_REASON_NO_CREDENTIALS, "",
		                    "the peer presented no client certificate "
		                    "or key");
		return;
	}
	if (req->digested == NULL) {
		/* dance_authz_decide digests them or refuses first. */
		dance_decision_deny(c->out, DANCE_REASON_INTERNAL, "",
		                    "credentials not digested");
		return;
	}
	pthread_rwlock_rdlock(&c->a->policy_lock);
	const dance_policy_zone_t *z =
	        dance_policy_lookup(&c->a->policy, req->zone);
	if (z == NULL) {
		pthread_rwlock_unlock(&c->a->policy_lock);
		dance_decision_deny(c->out, DANCE_REASON_NOT_ALLOWED, "",
		                    "zone %s has no dance policy",
		                    req->zone != NULL ? req->zone : "(none)");
		return;
	}
	/* Both paths release the policy lock before any lookup. */
	if (req->claimed_name != NULL) {
		decide_claimed(c, z);
	} else {
		decide_discovered(c, z);
	}
}

/* One decision for req as given (claimed name or key discovery). */
static void decide_once(dance_authz_t *a, const dance_request_t *req,
                        dance_decision_t *out)
{
	decide_ctx_t c = {
	        .a = a,
	        .req = req,
	        .deadline = dance_monotonic_ms() + a->deadline_ms,
	        .out = out,
	};
	dance_decision_deny(out, DANCE_REASON_INTERNAL, "", "undecided");
	decide_request(&c);
}

void dance_authz_decide(dance_authz_t *a, const dance_request_t *req,
                        dance_decision_t *out)
{
	if (out == NULL) {
		return;
	}
	if (a == NULL || req == NULL) {
		dance_decision_deny(out, DANCE_REASON_INTERNAL, "",
		                    "no authorizer or no request");
		return;
	}
	/* The credentials are digested once for the whole decision, unless
	 * the caller brought them digested (once per connection). */
	dance_request_t r = *req;
	dance_peer_t *own = NULL;
	dance_error_t err;
	dance_error_clear(&err);
	if (r.tls && r.digested == NULL && has_creds(r.creds)) {
		if (dance_peer_new(r.creds, &own, &err) == DANCE_OK) {
			r.digested = own;
		}
	}
	int64_t stop = dance_monotonic_ms() + a->deadline_ms;
	if (r.tls && has_creds(r.creds) && r.digested == NULL) {
		dance_decision_deny(
		        out, DANCE_REASON_BAD_CREDENTIALS, "",
		        "the presented credentials do not parse: %s",
		        err.reason);
	} else {
		decide_once(a, &r, out);
		dance_authz_try_san_names(a, &r, stop, decide_once, out);
	}
	atomic_fetch_add(&a->decisions[out->reason], 1);
	dance_peer_free(own);
}

void dance_authz_stats(dance_authz_t *a, dance_authz_stats_t *out)
{
	memset(out, 0, sizeof(*out));
	if (a == NULL) {
		return;
	}
	for (int i = 0; i < DANCE_REASON_COUNT; i++) {
		out->decisions[i] = atomic_load(&a->decisions[i]);
	}
	out->cache_hits = atomic_load(&a->cache_hits);
	out->cache_misses = atomic_load(&a->cache_misses);
	dance_refresher_stats_t rs;
	dance_refresher_stats(a->refresher, &rs);
	out->lookups = rs.lookups;
	out->refreshes = rs.refreshes;
	out->cache_entries = dance_cache_count(a->cache);
}

/* ---- test seams (authz_internal.h) ---- */

void dance_authz_set_clock(dance_authz_t *a, dance_clock_fn clock, void *arg)
{
	a->clock = clock;
	a->clock_arg = arg;
}

dance_code_t dance_authz_seed(dance_authz_t *a, const char *owner,
                              const dance_tlsa_answer_t *answer,
                              dance_error_t *err)
{
	dance_cache_info_t info;
	dance_code_t rc = dance_cache_put(a->cache, owner, answer,
	                                  authz_now_ms(a), &info, err);
	if (rc == DANCE_OK) {
		on_stored(a, owner, answer, &info);
	}
	return rc;
}

size_t dance_authz_indexed(dance_authz_t *a)
{
	return dance_keyindex_identities(a->index);
}
