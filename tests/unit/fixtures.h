/* fixtures.h: keys and certificates made at test time with GnuTLS.
 * Every constructor fails the running CUnit test (fatally) on error and
 * returns an object the caller frees with the matching _free. */
#ifndef DANCE_TEST_FIXTURES_H
#define DANCE_TEST_FIXTURES_H

#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

typedef enum fx_keytype {
	FX_RSA,     /* RSA 2048 */
	FX_ECDSA,   /* ECDSA P-256 */
	FX_ED25519, /* Ed25519 */
} fx_keytype_t;

typedef struct fx_key {
	fx_keytype_t type;
	gnutls_x509_privkey_t x509;
	gnutls_privkey_t priv;
	gnutls_pubkey_t pub;
	gnutls_datum_t spki; /* DER SubjectPublicKeyInfo */
} fx_key_t;

typedef struct fx_cert {
	gnutls_x509_crt_t crt;
	gnutls_datum_t der;
} fx_cert_t;

#define FX_MAX_SAN 8

typedef struct fx_cert_spec {
	const char *cn;                  /* subject CN (required) */
	const char *san_dns[FX_MAX_SAN]; /* SAN dNSNames, NULL-terminated */
	/* dNSNames written as these raw octets (no IDNA, any octet, NUL
	 * included), after san_dns, in one extension built here. */
	const gnutls_datum_t *san_octets;
	size_t san_octet_count;
	int is_ca;                 /* basicConstraints CA:TRUE + keyCertSign */
	const char *excluded_dns;  /* CA: name constraint excluding this
	                              dNSName subtree */
	const char *permitted_dns; /* CA: name constraint permitting only
	                              this dNSName subtree */
	time_t not_before;         /* 0: now - 1 day */
	time_t not_after;          /* 0: now + 30 days */
} fx_cert_spec_t;

fx_key_t *fx_key_new(fx_keytype_t type);
void fx_key_free(fx_key_t *key);

/* Certificate for subject_key per spec, signed by issuer (issuer_cert and
 * issuer_key), or self-signed when issuer_cert is NULL. */
fx_cert_t *fx_cert_new(const fx_key_t *subject_key, const fx_cert_spec_t *spec,
                       const fx_cert_t *issuer_cert,
                       const fx_key_t *issuer_key);
void fx_cert_free(fx_cert_t *cert);

/* Writes PEM of a certificate / private key to path. 0 on success. */
int fx_write_cert_pem(const fx_cert_t *cert, const char *path);
int fx_write_key_pem(const fx_key_t *key, const char *path);

/* Makes a fresh temporary directory (mkdtemp); caller removes it with
 * fx_rmtree. */
char *fx_tmpdir(void);
void fx_rmtree(char *dir);

#endif
