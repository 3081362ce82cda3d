/* cli_pki.h: certificates and keys from files (PEM or DER), with errors
 * that say what the file holds instead when it is the wrong kind. */
#ifndef DANCE_CLI_PKI_H
#define DANCE_CLI_PKI_H

#include <stddef.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "dance/error.h"
#include "dance/match.h"

/* DER certificates, in file order (leaf first for a chain). */
typedef struct cli_certs {
	gnutls_datum_t *der; /* each data gnutls_malloc'ed */
	size_t count;
} cli_certs_t;

dance_code_t cli_load_certs(const char *path, cli_certs_t *out,
                            dance_error_t *err);
void cli_certs_clear(cli_certs_t *c);

/* A public key: PEM "PUBLIC KEY" or DER SubjectPublicKeyInfo. */
dance_code_t cli_load_pubkey(const char *path, gnutls_pubkey_t *out,
                             dance_error_t *err);

/* An unencrypted private key: PEM (PKCS#8, PKCS#1, SEC1) or DER. */
dance_code_t cli_load_privkey(const char *path, gnutls_privkey_t *out,
                              dance_error_t *err);

/* What a client presents, made from a file. */
typedef enum cli_creds_kind {
	CLI_CREDS_CERT,   /* certificate chain: X.509 credentials */
	CLI_CREDS_PUBKEY, /* public key: raw public key */
	CLI_CREDS_KEY,    /* private key: its public half as raw key */
	CLI_CREDS_ANY,    /* whichever the file holds */
} cli_creds_kind_t;

typedef struct cli_creds {
	dance_creds_t creds; /* points into items */
	cli_certs_t items;   /* certificates, or the one SPKI */
} cli_creds_t;

dance_code_t cli_load_creds(const char *path, cli_creds_kind_t kind,
                            cli_creds_t *out, dance_error_t *err);
void cli_creds_clear(cli_creds_t *c);

#endif
