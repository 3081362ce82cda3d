/* certgen.h: a new private key and a self-signed client certificate for a
 * DNS name (GnuTLS), as `dance keygen` makes them. */
#ifndef DANCE_CLI_CERTGEN_H
#define DANCE_CLI_CERTGEN_H

#include <time.h>

#include <gnutls/gnutls.h>

#include "dance/error.h"

typedef enum cli_key_type {
	CLI_KEY_ECDSA_P256 = 0,
	CLI_KEY_ED25519,
	CLI_KEY_RSA3072,
} cli_key_type_t;

/* "ecdsa-p256", "ed25519", "rsa3072"; -1 for another name. */
int cli_key_type_from_name(const char *name, cli_key_type_t *out);
const char *cli_key_type_name(cli_key_type_t type);

typedef struct cli_selfsigned {
	gnutls_datum_t key_pem; /* PKCS#8, unencrypted */
	gnutls_datum_t cert_pem;
	gnutls_datum_t cert_der;
	time_t not_before, not_after;
} cli_selfsigned_t;

/* A key of type and a certificate valid for days from now: version 3,
 * random serial, subject CN=name (when it fits 64 characters, else an
 * empty subject with a critical subjectAltName), SAN dNSName=name, key
 * usage digitalSignature, extended key usage TLS client authentication,
 * not a CA. name must be normalised. */
dance_code_t cli_make_selfsigned(const char *name, cli_key_type_t type,
                                 unsigned days, cli_selfsigned_t *out,
                                 dance_error_t *err);
void cli_selfsigned_clear(cli_selfsigned_t *s);

#endif
