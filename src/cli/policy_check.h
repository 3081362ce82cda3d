/* policy_check.h: dance policy's checks: for one zone of a plan, every
 * identity its rules allow (explicit names, NS-derived hosts from the
 * zone file or the dance-proxy backend) and the TLSA status of each now,
 * looked up with the rules' own validator settings. */
#ifndef DANCE_CLI_POLICY_CHECK_H
#define DANCE_CLI_POLICY_CHECK_H

#include <stddef.h>
#include <time.h>

#include "dance/error.h"
#include "dance/name.h"
#include "dance/resolver.h"
#include "policy_plan.h"

typedef struct pc_identity {
	char name[DANCE_NAME_MAX];
	char owner[DANCE_NAME_MAX];
	const char *rule; /* "allow" or "ns-derived" */
	dance_tlsa_answer_t answer;
	size_t usable; /* records usable for a certificate */
	/* "ok", "expiring", "no-usable-record", or the DNS state. */
	const char *status;
	int exit_code; /* 0 ok/expiring, 1 unusable, 2 DNS failure */
} pc_identity_t;

typedef struct pc_zone {
	const pp_entry_t *entry;
	pc_identity_t *ids;
	size_t count;
	char ns_error[DANCE_REASON_MAX]; /* NS-derived hosts unknown: why */
	int exit_code;                   /* worst of the zone */
} pc_zone_t;

/* The resolvers of the rules (by key), made once each. */
typedef struct pc_resolvers {
	const void **keys;
	dance_resolver_t **resolvers;
	size_t count;
	unsigned timeout_ms;
} pc_resolvers_t;

void pc_resolvers_init(pc_resolvers_t *r, unsigned timeout_ms);
void pc_resolvers_clear(pc_resolvers_t *r);

/* Checks every identity of e; expiring means an RRSIG expires before
 * soon. EINVAL (exit 3) for a bad setting (template, validator
 * configuration). NS-derived hosts that are unknown are not an error:
 * out->ns_error says why, out->exit_code is 3 for an unreadable zone
 * file, 2 when the dance-proxy backend gives no answer. */
dance_code_t pc_zone_check(const pp_entry_t *e, pc_resolvers_t *res,
                           time_t soon, pc_zone_t *out, dance_error_t *err);
void pc_zone_clear(pc_zone_t *z);

#endif
