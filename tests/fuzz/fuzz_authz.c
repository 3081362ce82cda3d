/* fuzz_authz.c: the whole decision (dance_authz_decide) with arbitrary
 * credentials, claimed names (dane_clientid) and certificate names.
 *
 * Each input gets a fresh authorizer with a fixed policy and cache:
 *   zone "example": allow client.example, allow-suffix *.sec.example,
 *     NS-derived ns1.example;
 *   zone "other": allow other.example;
 * and secure answers seeded for client.example, a.sec.example,
 * other.example and (not allowed anywhere) evil.example, all holding the
 * input's TLSA records; an insecure one for ins.sec.example with the same
 * records, NODATA for ns1.example. The resolver trusts the AD bit of
 * 127.0.0.1 port 9 (nothing listens there), so a lookup fails at once.
 * Input: see fuzz_chunks.h; the text chunk is the claimed name. Flags:
 * bit 0 raw public key creds; bit 1 zone "other" (else "example"); bit 2
 * the transfer is not over TLS; bit 3 no claimed name even if a text
 * chunk is given.
 * Properties (the threat model of SECURITY.md):
 * - an allow needs TLS, credentials and an identity the zone's policy
 *   allows whose seeded answer is secure: never evil.example, never
 *   ins.sec.example, never a name of the other zone;
 * - no DNS lookup for a name the policy refuses: lookups happen only
 *   when the claimed name, or (without one) one of the first four SAN
 *   dNSNames of the leaf, is allowed and has no seeded answer, and there
 *   are at most that many;
 * - every decision has a reason code and a detail sentence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authz_internal.h"
#include "dance/authz.h"
#include "dance/name.h"
#include "dance/policy.h"
#include "fuzz_chunks.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAN_CLAIMS 4 /* DANCE_SAN_CLAIMS */

static const char *const seeded_secure[] = {"client.example", "a.sec.example",
                                            "other.example", "evil.example"};

static int fixed_policy(dance_policy_t *p)
{
	dance_policy_zone_t *z = NULL;
	const char *ns[] = {"ns1.example"};
	dance_policy_init(p);
	return dance_policy_zone(p, "example", &z, NULL) != DANCE_OK ||
	       dance_policy_allow_name(z, "client.example", NULL) != DANCE_OK ||
	       dance_policy_allow_suffix(z, "*.sec.example", NULL) !=
	               DANCE_OK ||
	       (z->ns_derived = 1, 0) ||
	       dance_policy_set_ns(z, ns, 1, NULL) != DANCE_OK ||
	       dance_policy_zone(p, "other", &z, NULL) != DANCE_OK ||
	       dance_policy_allow_name(z, "other.example", NULL) != DANCE_OK;
}

static int seed(dance_authz_t *a, const char *identity, dance_dns_state_t st,
                const dance_tlsa_set_t *set)
{
	char owner[DANCE_NAME_MAX];
	dance_tlsa_answer_t ans;
	dance_tlsa_answer_init(&ans);
	ans.state = st;
	ans.ttl = 3600;
	if (dance_owner_from_template(NULL, identity, owner, NULL) !=
	            DANCE_OK ||
	    (set != NULL &&
	     dance_tlsa_set_copy(&ans.rrset, set, NULL) != DANCE_OK)) {
		dance_tlsa_answer_clear(&ans);
		return -1;
	}
	int rc = dance_authz_seed(a, owner, &ans, NULL) == DANCE_OK ? 0 : -1;
	dance_tlsa_answer_clear(&ans);
	return rc;
}

static dance_authz_t *make_authz(const dance_tlsa_set_t *set)
{
	static const char *const servers[] = {"127.0.0.1@9"};
	dance_authz_config_t cfg;
	dance_policy_t policy;
	dance_authz_t *a = NULL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.resolver.mode = DANCE_RESOLVE_AD;
	cfg.resolver.servers = servers;
	cfg.resolver.server_count = 1;
	cfg.resolver.timeout_ms = 50;
	cfg.lookup_deadline_ms = 50;
	if (fixed_policy(&policy) != 0 ||
	    dance_authz_new(&cfg, &policy, &a, NULL) != DANCE_OK) {
		dance_policy_clear(&policy);
		return NULL;
	}
	dance_policy_clear(&policy);
	int failed = 0;
	for (size_t i = 0; i < sizeof(seeded_secure) / sizeof(*seeded_secure);
	     i++) {
		failed |= seed(a, seeded_secure[i], DANCE_DNS_SECURE, set);
	}
	failed |= seed(a, "ins.sec.example", DANCE_DNS_INSECURE, set);
	failed |= seed(a, "ns1.example", DANCE_DNS_NODATA, NULL);
	if (failed || dance_authz_start(a, NULL) != DANCE_OK) {
		dance_authz_free(a);
		return NULL;
	}
	return a;
}

static int is_seeded(const char *identity)
{
	for (size_t i = 0; i < sizeof(seeded_secure) / sizeof(*seeded_secure);
	     i++) {
		if (strcmp(identity, seeded_secure[i]) == 0) {
			return 1;
		}
	}
	return strcmp(identity, "ins.sec.example") == 0 ||
	       strcmp(identity, "ns1.example") == 0;
}

/* The identity a claimed name stands for (owner form or client name);
 * 0 when it is not a usable name. */
static int claimed_identity(const char *claimed, char *identity)
{
	char normal[DANCE_NAME_MAX];
	if (dance_name_normalize(claimed, normal, NULL) != DANCE_OK) {
		return 0;
	}
	if (dance_name_from_owner(NULL, normal, identity, NULL) != DANCE_OK) {
		memcpy(identity, normal, sizeof(normal));
	}
	char owner[DANCE_NAME_MAX];
	return dance_owner_from_template(NULL, identity, owner, NULL) ==
	       DANCE_OK;
}

/* How many names the decision may look up: allowed, unseeded claims. */
static size_t lookups_allowed(const dance_policy_zone_t *z, const char *claimed,
                              const dance_creds_t *creds)
{
	dance_name_list_t claims = {NULL, 0}, looked = {NULL, 0};
	size_t n = 0;
	if (claimed != NULL) {
		dance_name_list_add(&claims, claimed, NULL);
	} else if (creds->count > 0 && creds->type == DANCE_CRED_X509) {
		dance_cert_dnsnames(&creds->certs[0], &claims, NULL);
	}
	for (size_t i = 0; i < claims.count && i < SAN_CLAIMS; i++) {
		char identity[DANCE_NAME_MAX];
		if (claimed_identity(claims.names[i], identity) &&
		    dance_policy_allows(z, identity) != DANCE_RULE_NONE &&
		    !is_seeded(identity) &&
		    !dance_name_list_contains(&looked, identity)) {
			dance_name_list_add(&looked, identity, NULL);
			n++;
		}
	}
	dance_name_list_clear(&claims);
	dance_name_list_clear(&looked);
	return n;
}

static void check_decision(const dance_decision_t *d, const char *zone, int tls,
                           const dance_creds_t *creds)
{
	FUZZ_CHECK(strcmp(dance_reason_code(d->reason), "invalid") != 0,
	           "reason %d", (int)d->reason);
	FUZZ_CHECK(d->detail[0] != '\0', "decision without detail");
	FUZZ_CHECK(d->allow == (d->reason == DANCE_REASON_AUTHORIZED),
	           "allow %d with reason %s", d->allow,
	           dance_reason_code(d->reason));
	if (!d->allow) {
		return;
	}
	FUZZ_CHECK(tls, "allowed without TLS");
	FUZZ_CHECK(creds->count > 0, "allowed without credentials");
	if (strcmp(zone, "other") == 0) {
		FUZZ_CHECK(strcmp(d->identity, "other.example") == 0,
		           "zone other allowed %s", d->identity);
	} else {
		FUZZ_CHECK(strcmp(d->identity, "client.example") == 0 ||
		                   strcmp(d->identity, "a.sec.example") == 0,
		           "zone example allowed %s: %s", d->identity,
		           d->detail);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in;
	read_input(&in, data, size, 1);
	dance_authz_t *a = make_authz(&in.set);
	if (a == NULL) {
		input_clear(&in);
		return 0;
	}
	const char *zone = (in.flags & 2) ? "other" : "example";
	dance_creds_t creds = {
	        .type = in.raw_keys ? DANCE_CRED_RAWPK : DANCE_CRED_X509,
	        .certs = in.blobs,
	        .count = in.blob_count,
	};
	dance_request_t req = {
	        .zone = zone,
	        .peer = "192.0.2.1",
	        .tls = !(in.flags & 4),
	        .creds = &creds,
	        .claimed_name = (in.flags & 8) ? NULL : in.text,
	};
	dance_decision_t d;
	dance_authz_decide(a, &req, &d);
	if (getenv("FUZZ_VERBOSE") != NULL) {
		char line[1024];
		dance_decision_format(&d, zone, req.peer, line, sizeof(line));
		fprintf(stderr, "decision: %s\n", line);
	}
	check_decision(&d, zone, req.tls, &creds);

	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	dance_policy_t policy;
	if (fixed_policy(&policy) == 0) {
		const dance_policy_zone_t *z =
		        dance_policy_lookup(&policy, zone);
		size_t may =
		        z != NULL ? lookups_allowed(z, req.claimed_name, &creds)
		                  : 0;
		FUZZ_CHECK(st.lookups <= may,
		           "%llu lookups, only %zu names allowed and unseeded",
		           (unsigned long long)st.lookups, may);
	}
	dance_policy_clear(&policy);
	dance_authz_free(a);
	input_clear(&in);
	return 0;
}
