/* dance/authz.h: the authorizer: one decision function shared by the
 * module, the proxy and the CLI.
 *
 * It owns a policy, a resolver, a cache of validated TLSA answers and a
 * refresher thread (libuv) that keeps every identity the policy allows
 * warm, so dance_authz_decide reads memory in the common case. On a cold
 * miss it does one lookup bounded by the configured deadline, then decides.
 *
 * How the identity is found (DESIGN.md): the claimed name (dane_clientid)
 * if given, which must be allowed by policy before any DNS lookup; else key
 * discovery through an index from certificate/SPKI digests to the allowed
 * identities whose secure TLSA sets name them; DANE-TA-only identities are
 * tried by matching; when that finds nothing, up to four subjectAltName
 * dNSNames of the leaf are tried as claimed names (policy first, then
 * their TLSA: a name in a certificate is never trusted by itself). Only a
 * DNSSEC-secure, matching TLSA RRset allows.
 */
#ifndef DANCE_AUTHZ_H
#define DANCE_AUTHZ_H

#include <stddef.h>
#include <stdint.h>

#include "dance/decision.h"
#include "dance/error.h"
#include "dance/match.h"
#include "dance/policy.h"
#include "dance/resolver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dance_authz_config {
	dance_resolver_config_t resolver;
	const char *owner_template;  /* NULL: "_xfr-client.{name}" */
	const char *pkix_ca_file;    /* NULL: PKIX usages unusable */
	unsigned lookup_deadline_ms; /* cold-miss bound; 0: 1500 */
	uint32_t cache_max_ttl;      /* seconds; 0: 3600 */
	uint32_t cache_neg_ttl;      /* seconds for failures; 0: 30 */
	size_t cache_max_entries;    /* 0: 10000 */
	int refresh;                 /* run the refresher thread */
} dance_authz_config_t;

typedef struct dance_authz dance_authz_t;

/* On success takes ownership of *policy (left empty, the caller may reuse
 * or clear it); on failure *policy is untouched and still the caller's to
 * dance_policy_clear. cfg and every string it points to (owner template,
 * CA file, resolver servers, trust anchor, stub zones) are read during the
 * call only: the authorizer keeps its own copies, so they may be freed
 * once it returns. */
dance_code_t dance_authz_new(const dance_authz_config_t *cfg,
                             dance_policy_t *policy, dance_authz_t **out,
                             dance_error_t *err);
void dance_authz_free(dance_authz_t *a);

/* Starts the refresher thread (when cfg->refresh), which prefetches every
 * allowed explicit and NS-derived identity. */
dance_code_t dance_authz_start(dance_authz_t *a, dance_error_t *err);

/* Replaces the NS-derived host list of zone (thread-safe); the refresher
 * picks the new names up. */
dance_code_t dance_authz_set_ns(dance_authz_t *a, const char *zone,
                                const char *const *ns, size_t count,
                                dance_error_t *err);

typedef struct dance_request {
	const char *zone; /* zone asked for */
	const char *peer; /* peer address, for logs only */
	int tls;          /* transport is TLS 1.3 with ALPN dot */
	const dance_creds_t *creds;
	/* Optional: creds digested once (dance_peer_new), e.g. per TLS
	 * connection, reused by every decision on it; NULL: the decision
	 * digests creds itself. When set it must be made from creds. */
	const dance_peer_t *digested;
	const char *claimed_name; /* dane_clientid TLSA owner, or NULL */
} dance_request_t;

/* Decides; never fails: every problem is a deny with its reason.
 *
 * Thread safety: any number of threads may decide on one authorizer at
 * once, and alongside dance_authz_set_ns and dance_authz_stats (the policy
 * is read under a read lock, the cache and the key index have their own
 * locks, counters are atomic). dance_authz_free must not race with them.
 *
 * Blocking: with warm caches a decision reads memory only. A cold miss
 * blocks the calling thread on one validated lookup, bounded by
 * lookup_deadline_ms; a decision that falls back to the certificate's
 * names (see the top of this file) tries them only while that first
 * deadline has not passed, but a name's own lookup has a full deadline
 * again, so the worst case is about twice lookup_deadline_ms. Lookups
 * for the same owner from several threads are coalesced. req and
 * everything it points to are read during the call only. */
void dance_authz_decide(dance_authz_t *a, const dance_request_t *req,
                        dance_decision_t *out);

/* Counters (thread-safe snapshot). */
typedef struct dance_authz_stats {
	uint64_t decisions[DANCE_REASON_COUNT]; /* by reason */
	uint64_t cache_hits, cache_misses, lookups, refreshes;
	size_t cache_entries;
} dance_authz_stats_t;
void dance_authz_stats(dance_authz_t *a, dance_authz_stats_t *out);

#ifdef __cplusplus
}
#endif
#endif
