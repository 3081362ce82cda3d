/* authz_fx.c: authorizers for unit suites, decided on answers seeded into
 * the cache through the test seam (authz_internal.h). */
#include "authz_fx.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>

#include "../../src/lib/authz_internal.h"

/* Root KSK-2017; never used: the forwarder below does not answer. */
#define ROOT_DS                                                                \
	". IN DS 20326 8 2 "                                                   \
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"

static const char *const closed_port[] = {"127.0.0.1@9"};

dance_creds_t creds_of(const fx_cert_t *cert)
{
	dance_creds_t c = {DANCE_CRED_X509, &cert->der, 1};
	return c;
}

void base_config(dance_authz_config_t *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->resolver.mode = DANCE_RESOLVE_FORWARD;
	cfg->resolver.trust_anchor = ROOT_DS;
	cfg->resolver.servers = closed_port;
	cfg->resolver.server_count = 1;
	cfg->resolver.timeout_ms = 300;
	cfg->lookup_deadline_ms = 300;
}

dance_authz_t *new_authz(const dance_authz_config_t *cfg, dance_policy_t *p)
{
	dance_authz_t *a = NULL;
	dance_error_t err;
	dance_error_clear(&err);
	dance_code_t rc = dance_authz_new(cfg, p, &a, &err);
	if (rc != DANCE_OK) {
		fprintf(stderr, "dance_authz_new: %s\n", err.reason);
	}
	CU_ASSERT_EQUAL_FATAL(rc, DANCE_OK);
	return a;
}

/* A SECURE answer with one record u s m for der. */
void answer_with(dance_tlsa_answer_t *ans, dance_dns_state_t state,
                 uint8_t usage, uint8_t selector, uint8_t mtype,
                 const gnutls_datum_t *der)
{
	uint8_t digest[64];
	dance_tlsa_answer_init(ans);
	ans->state = state;
	ans->ttl = 60;
	ans->fetched = time(NULL);
	snprintf(ans->why, sizeof(ans->why), "seeded %s",
	         dance_dns_state_name(state));
	if (der == NULL) {
		return;
	}
	dance_tlsa_t rec = {usage, selector, mtype, der->data, der->size};
	if (mtype == 1) {
		gnutls_hash_fast(GNUTLS_DIG_SHA256, der->data, der->size,
		                 digest);
		rec.data = digest;
		rec.data_len = 32;
	}
	CU_ASSERT_EQUAL(dance_tlsa_set_add(&ans->rrset, &rec, NULL), DANCE_OK);
}

void seed(dance_authz_t *a, const char *owner, dance_dns_state_t state,
          uint8_t usage, uint8_t selector, uint8_t mtype,
          const gnutls_datum_t *der)
{
	dance_tlsa_answer_t ans;
	answer_with(&ans, state, usage, selector, mtype, der);
	CU_ASSERT_EQUAL(dance_authz_seed(a, owner, &ans, NULL), DANCE_OK);
	dance_tlsa_answer_clear(&ans);
}

void seed_ee(dance_authz_t *a, const char *owner, const fx_key_t *key)
{
	seed(a, owner, DANCE_DNS_SECURE, 3, 1, 1, &key->spki);
}

void decide(dance_authz_t *a, const char *zone, int tls,
            const dance_creds_t *creds, const char *claimed,
            dance_decision_t *d)
{
	dance_request_t req = {
	        .zone = zone,
	        .peer = "192.0.2.1",
	        .tls = tls,
	        .creds = creds,
	        .claimed_name = claimed,
	};
	memset(d, 0, sizeof(*d));
	dance_authz_decide(a, &req, d);
}

void assert_no_dns(dance_authz_t *a)
{
	dance_authz_stats_t st;
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.lookups, 0);
	CU_ASSERT_EQUAL(st.cache_misses, 0);
}
