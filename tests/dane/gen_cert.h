/* gen_cert.h: one X.509 certificate of a test case, made with GnuTLS. */
#ifndef DANE_GEN_CERT_H
#define DANE_GEN_CERT_H

#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "gen.h"

typedef struct dane_certspec {
	const char *dn;     /* subject, RFC 4514 string */
	const char *san[2]; /* SAN dNSNames; NULL ends */
	int ca;             /* basicConstraints CA, keyCertSign */
	dane_nc_t nc;       /* name constraints (CAs) */
	dane_validity_t validity;
	const uint8_t *serial;       /* 16 bytes */
	gnutls_privkey_t key;        /* the subject key */
	gnutls_x509_crt_t issuer;    /* NULL: self-signed */
	gnutls_privkey_t issuer_key; /* ignored when self-signed */
} dane_certspec_t;

/* Makes and signs the certificate; 0 or a negative GnuTLS code. */
int dane_cert_make(const dane_certspec_t *spec, gnutls_x509_crt_t *out);

#endif
