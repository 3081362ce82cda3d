/* authz_internal.h (private): test seams of the authorizer.
 *
 * Unit tests use these to decide without a DNS server: they put answers
 * in the authorizer's cache exactly as a lookup would (key index
 * included), and move its clock. The real DNS path is tested end to end.
 */
#ifndef DANCE_AUTHZ_INTERNAL_H
#define DANCE_AUTHZ_INTERNAL_H

#include "dance/authz.h"
#include "refresher.h"

/* Replaces the wall clock (milliseconds since the epoch) used for cache
 * lifetimes. Call before dance_authz_start. */
void dance_authz_set_clock(dance_authz_t *a, dance_clock_fn clock, void *arg);

/* Stores answer for owner as if a lookup had returned it. */
dance_code_t dance_authz_seed(dance_authz_t *a, const char *owner,
                              const dance_tlsa_answer_t *answer,
                              dance_error_t *err);

/* Identities currently in the key index. */
size_t dance_authz_indexed(dance_authz_t *a);

/* One decision for a request as given, without the SAN fallback. */
typedef void (*dance_decide_fn)(dance_authz_t *a, const dance_request_t *req,
                                dance_decision_t *out);

/* Certificate names as a last hint (authz_san.c): when *out denies as
 * unknown-key a request without a claimed name, tries up to
 * DANCE_SAN_CLAIMS subjectAltName dNSNames of the X.509 leaf as claimed
 * names through decide, until stop (monotonic ms), and keeps the first
 * allow, else the most telling denial. */
#define DANCE_SAN_CLAIMS 4
void dance_authz_try_san_names(dance_authz_t *a, const dance_request_t *req,
                               int64_t stop, dance_decide_fn decide,
                               dance_decision_t *out);

#endif
