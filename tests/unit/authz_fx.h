/* authz_fx.h: authorizers for the unit suites that need no DNS server.
 *
 * The resolver is real but forwards to a closed port; answers are put in
 * the authorizer's cache through its test seam (authz_internal.h), exactly
 * as a lookup would store them. Failures fail the running CUnit test. */
#ifndef DANCE_TEST_AUTHZ_FX_H
#define DANCE_TEST_AUTHZ_FX_H

#include <stdint.h>

#include "dance/authz.h"
#include "fixtures.h"

/* X.509 credentials of one certificate (not owned). */
dance_creds_t creds_of(const fx_cert_t *cert);

/* Forwarding resolver to 127.0.0.1@9, 300 ms deadlines, no refresher. */
void base_config(dance_authz_config_t *cfg);

/* dance_authz_new, fatal on error; takes *p. */
dance_authz_t *new_authz(const dance_authz_config_t *cfg, dance_policy_t *p);

/* An answer in state with one record usage selector mtype of der (mtype 1:
 * its SHA-256; der NULL: no record). Clear with dance_tlsa_answer_clear. */
void answer_with(dance_tlsa_answer_t *ans, dance_dns_state_t state,
                 uint8_t usage, uint8_t selector, uint8_t mtype,
                 const gnutls_datum_t *der);

/* Stores such an answer for owner in a's cache. */
void seed(dance_authz_t *a, const char *owner, dance_dns_state_t state,
          uint8_t usage, uint8_t selector, uint8_t mtype,
          const gnutls_datum_t *der);

/* A secure TLSA 3 1 1 of key at owner. */
void seed_ee(dance_authz_t *a, const char *owner, const fx_key_t *key);

/* One decision for zone from peer 192.0.2.1 (claimed may be NULL). */
void decide(dance_authz_t *a, const char *zone, int tls,
            const dance_creds_t *creds, const char *claimed,
            dance_decision_t *d);

/* No lookup and no cache miss so far. */
void assert_no_dns(dance_authz_t *a);

#endif
