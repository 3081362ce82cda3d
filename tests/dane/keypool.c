/* keypool.c: deterministic signing keys (keypool.h). */
#include "keypool.h"

#include <string.h>

#include <gnutls/x509.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "rng.h"

#define POOL_SEED 0x64616e63652d6b65ULL /* "dance-ke" */

const char *dane_alg_name(dane_alg_t alg)
{
	switch (alg) {
	case DANE_ALG_ECDSA_P256: return "ecdsa-p256";
	case DANE_ALG_RSA2048: return "rsa2048";
	case DANE_ALG_ED25519: return "ed25519";
	default: return "?";
	}
}

static int rsa_key(dane_rng_t *rng, gnutls_x509_privkey_t k)
{
	uint8_t seed[28];
	dane_rng_fill(rng, seed, sizeof(seed));
	gnutls_keygen_data_st data = {GNUTLS_KEYGEN_SEED, seed, sizeof(seed)};
	return gnutls_x509_privkey_generate2(
	        k, GNUTLS_PK_RSA, 2048, GNUTLS_PRIVKEY_FLAG_PROVABLE, &data, 1);
}

/* PKCS#8 of an Ed25519 key (RFC 8410): fixed prefix, then the seed. */
static int ed25519_key(dane_rng_t *rng, gnutls_x509_privkey_t k)
{
	static const uint8_t prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30,
	                                   0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
	                                   0x04, 0x22, 0x04, 0x20};
	uint8_t der[48];
	memcpy(der, prefix, sizeof(prefix));
	dane_rng_fill(rng, der + sizeof(prefix), 32);
	gnutls_datum_t d = {der, sizeof(der)};
	return gnutls_x509_privkey_import_pkcs8(k, &d, GNUTLS_X509_FMT_DER,
	                                        NULL, GNUTLS_PKCS_PLAIN);
}

/* A P-256 key from a scalar; OpenSSL computes the public point. */
static int ecdsa_key(dane_rng_t *rng, gnutls_x509_privkey_t k)
{
	uint8_t scalar[32], point[65];
	dane_rng_fill(rng, scalar, sizeof(scalar));
	scalar[0] = (scalar[0] & 0x7f) | 0x01; /* below the group order */
	int rc = GNUTLS_E_INTERNAL_ERROR;
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *bn = BN_bin2bn(scalar, sizeof(scalar), NULL);
	EC_POINT *pub = group != NULL ? EC_POINT_new(group) : NULL;
	if (pub != NULL && bn != NULL &&
	    EC_POINT_mul(group, pub, bn, NULL, NULL, NULL) == 1 &&
	    EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, point,
	                       sizeof(point), NULL) == sizeof(point)) {
		gnutls_datum_t x = {point + 1, 32}, y = {point + 33, 32};
		gnutls_datum_t d = {scalar, sizeof(scalar)};
		rc = gnutls_x509_privkey_import_ecc_raw(
		        k, GNUTLS_ECC_CURVE_SECP256R1, &x, &y, &d);
	}
	EC_POINT_free(pub);
	BN_free(bn);
	EC_GROUP_free(group);
	return rc;
}

static int make_key(dane_alg_t alg, dane_rng_t *rng, gnutls_privkey_t *out)
{
	gnutls_x509_privkey_t x = NULL;
	int rc = gnutls_x509_privkey_init(&x);
	if (rc >= 0) {
		rc = alg == DANE_ALG_RSA2048   ? rsa_key(rng, x)
		     : alg == DANE_ALG_ED25519 ? ed25519_key(rng, x)
		                               : ecdsa_key(rng, x);
	}
	if (rc >= 0) {
		rc = gnutls_privkey_init(out);
	}
	if (rc >= 0) {
		rc = gnutls_privkey_import_x509(*out, x,
		                                GNUTLS_PRIVKEY_IMPORT_COPY);
	}
	gnutls_x509_privkey_deinit(x);
	return rc;
}

int dane_keypool_init(dane_keypool_t *pool)
{
	dane_rng_t rng;
	memset(pool, 0, sizeof(*pool));
	dane_rng_init(&rng, POOL_SEED);
	for (int a = 0; a < DANE_ALG_COUNT; a++) {
		for (int i = 0; i < DANE_POOL_KEYS; i++) {
			int rc = make_key((dane_alg_t)a, &rng,
			                  &pool->keys[a][i]);
			if (rc < 0) {
				dane_keypool_free(pool);
				return rc;
			}
		}
	}
	return 0;
}

void dane_keypool_free(dane_keypool_t *pool)
{
	for (int a = 0; a < DANE_ALG_COUNT; a++) {
		for (int i = 0; i < DANE_POOL_KEYS; i++) {
			gnutls_privkey_deinit(pool->keys[a][i]);
			pool->keys[a][i] = NULL;
		}
	}
}
