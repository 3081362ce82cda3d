/* keypool.h: a small fixed pool of signing keys per algorithm.
 *
 * Key generation (RSA above all) is slow, so every case draws its keys
 * from one pool made at start. The keys are derived from fixed seeds, so
 * a case id gives byte-identical certificates on every run: RSA keys by
 * GnuTLS's provable (FIPS 186-4) generation from a seed, Ed25519 keys
 * from a seed imported as PKCS#8, ECDSA P-256 keys from a scalar (the
 * public point computed with OpenSSL). gen_cert.c signs ECDSA
 * reproducibly (RFC 6979).
 */
#ifndef DANE_KEYPOOL_H
#define DANE_KEYPOOL_H

#include <gnutls/abstract.h>

typedef enum dane_alg {
	DANE_ALG_ECDSA_P256 = 0,
	DANE_ALG_RSA2048,
	DANE_ALG_ED25519,
	DANE_ALG_COUNT
} dane_alg_t;

/* Keys per algorithm: at least the number of certificates of a case. */
#define DANE_POOL_KEYS 8

typedef struct dane_keypool {
	gnutls_privkey_t keys[DANE_ALG_COUNT][DANE_POOL_KEYS];
} dane_keypool_t;

/* Makes the pool; 0, or a negative GnuTLS code (the pool is then empty). */
int dane_keypool_init(dane_keypool_t *pool);
void dane_keypool_free(dane_keypool_t *pool);

/* "ecdsa-p256", "rsa2048", "ed25519". */
const char *dane_alg_name(dane_alg_t alg);

#endif
