/* oracle.h: OpenSSL's DANE verification of a case, the reference side.
 *
 * Done as libssl does it for a server verifying a client certificate
 * (ssl_verify_cert_chain): an SSL object with DANE enabled for the client
 * name (SSL_dane_enable, DANE_FLAG_NO_DANE_EE_NAMECHECKS), each record
 * added with SSL_dane_tlsa_add (records it calls unusable are skipped,
 * as libssl does), then X509_verify_cert on a store context with the
 * presented list as untrusted certificates, the SSL's DANE state and
 * verify parameters (host = client name, purpose ssl_client, the fixed
 * time), and the CA file certificates as the trusted store.
 */
#ifndef DANE_ORACLE_H
#define DANE_ORACLE_H

#include <stdio.h>

#include "gen.h"
#include "verdict.h"

typedef struct dane_oracle dane_oracle_t;

/* NULL when OpenSSL cannot make a DANE-enabled context. */
dane_oracle_t *dane_oracle_new(void);
void dane_oracle_free(dane_oracle_t *o);

/* Variations of the verification, for the counterfactual questions of
 * compare.c; all zero is OpenSSL's default, what the verdicts are. */
typedef struct dane_oracle_opts {
	unsigned host_flags;        /* X509_CHECK_FLAG_*: the name check */
	unsigned long verify_flags; /* X509_V_FLAG_* added */
} dane_oracle_opts_t;

/* Verifies c. opts: NULL for the default (whose name check falls back
 * to the subject CN when the leaf has no SAN dNSName). trace: NULL, or
 * where to print what the records' additions returned and the verified
 * chain. If OpenSSL finds no record usable, the verdict is a refusal
 * (libssl would fall back to plain PKIX, which DANE client
 * authentication does not). */
void dane_oracle_verify(dane_oracle_t *o, const dane_case_t *c,
                        const dane_oracle_opts_t *opts, FILE *trace,
                        dane_verdict_t *out);

#endif
