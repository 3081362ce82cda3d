/* match_ta.h: certificate path checks behind DANE-TA and PKIX usages. */
#ifndef DANCE_MATCH_TA_H
#define DANCE_MATCH_TA_H

#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "dance/match.h"

/* Verifies that the leaf of creds (X.509) chains up to a trust anchor
 * given as a DER certificate (ta_cert) or, when ta_cert is NULL, as a DER
 * SubjectPublicKeyInfo (ta_spki). check_upto is the number of presented
 * certificates (from the leaf) whose validity dates are checked at now;
 * the TA's own dates and signature are not checked. Returns 1 when the
 * path is valid; else 0 with the reason in why. */
int dance_ta_path_valid(const dance_creds_t *creds,
                        const gnutls_datum_t *ta_cert,
                        const gnutls_datum_t *ta_spki, size_t check_upto,
                        time_t now, char *why, size_t why_size);

/* Verifies the presented chain to the CA bundle in ca_file (PKIX, with
 * dates checked at now). 1 valid, 0 not (why says). */
int dance_pkix_path_valid(const dance_creds_t *creds, const char *ca_file,
                          time_t now, char *why, size_t why_size);

#endif
