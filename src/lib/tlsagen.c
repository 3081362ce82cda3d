/* tlsagen.c: TLSA records made from certificates and keys (GnuTLS). */
#include "dance/tlsagen.h"
#include "tlsa_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

dance_code_t dance_tlsa_from_object(const gnutls_datum_t *object, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err)
{
	unsigned char digest[64];
	gnutls_digest_algorithm_t alg;
	memset(out, 0, sizeof(*out));
	if (selector != DANCE_SELECTOR_CERT &&
	    selector != DANCE_SELECTOR_SPKI) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA selector %u is not supported (0 "
		                       "Cert or 1 SPKI)",
		                       selector);
	}
	switch (mtype) {
	case DANCE_MTYPE_FULL:
		return dance_tlsa_make(out, usage, selector, mtype,
		                       object->data, object->size, err);
	case DANCE_MTYPE_SHA256: alg = GNUTLS_DIG_SHA256; break;
	case DANCE_MTYPE_SHA512: alg = GNUTLS_DIG_SHA512; break;
	default:
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA matching type %u is not supported "
		                       "(0 Full, 1 SHA2-256 or 2 SHA2-512)",
		                       mtype);
	}
	int rc = gnutls_hash_fast(alg, object->data, object->size, digest);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO, "hashing failed: %s",
		                       gnutls_strerror(rc));
	}
	return dance_tlsa_make(out, usage, selector, mtype, digest,
	                       gnutls_hash_get_len(alg), err);
}

/* The DER SPKI of a public key. */
static dance_code_t pubkey_spki(gnutls_pubkey_t key, gnutls_datum_t *spki,
                                dance_error_t *err)
{
	int rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, spki);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot export the public key: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

dance_code_t dance_tlsa_from_cert(const gnutls_datum_t *cert_der, uint8_t usage,
                                  uint8_t selector, uint8_t mtype,
                                  dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	if (selector > DANCE_SELECTOR_SPKI) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA selector %u is not supported (0 "
		                       "Cert or 1 SPKI)",
		                       selector);
	}
	if (selector == DANCE_SELECTOR_CERT) {
		gnutls_x509_crt_t crt = NULL;
		int rc = gnutls_x509_crt_init(&crt);
		if (rc >= 0) {
			rc = gnutls_x509_crt_import(crt, cert_der,
			                            GNUTLS_X509_FMT_DER);
		}
		gnutls_x509_crt_deinit(crt);
		if (rc < 0) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "certificate does not parse: %s",
			                       gnutls_strerror(rc));
		}
		return dance_tlsa_from_object(cert_der, usage, selector, mtype,
		                              out, err);
	}
	gnutls_pubkey_t key = NULL;
	int rc = gnutls_pubkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_x509_raw(key, cert_der,
		                                   GNUTLS_X509_FMT_DER, 0);
	}
	if (rc < 0) {
		gnutls_pubkey_deinit(key);
		return dance_error_set(err, DANCE_EINVAL,
		                       "certificate does not parse: %s",
		                       gnutls_strerror(rc));
	}
	dance_code_t code =
	        dance_tlsa_from_pubkey(key, usage, selector, mtype, out, err);
	gnutls_pubkey_deinit(key);
	return code;
}

dance_code_t dance_tlsa_from_pubkey(gnutls_pubkey_t key, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	if (selector != DANCE_SELECTOR_SPKI) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "a bare key has no certificate: selector "
		        "must be 1 (SPKI), not %u",
		        selector);
	}
	gnutls_datum_t spki = {NULL, 0};
	dance_code_t rc = pubkey_spki(key, &spki, err);
	if (rc == DANCE_OK) {
		rc = dance_tlsa_from_object(&spki, usage, selector, mtype, out,
		                            err);
	}
	gnutls_free(spki.data);
	return rc;
}

dance_code_t dance_tlsa_from_privkey(gnutls_privkey_t key, uint8_t usage,
                                     uint8_t selector, uint8_t mtype,
                                     dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	gnutls_pubkey_t pub = NULL;
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_privkey(pub, key, 0, 0);
	}
	if (rc < 0) {
		gnutls_pubkey_deinit(pub);
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot derive the public key: %s",
		                       gnutls_strerror(rc));
	}
	dance_code_t code =
	        dance_tlsa_from_pubkey(pub, usage, selector, mtype, out, err);
	gnutls_pubkey_deinit(pub);
	return code;
}

char *dance_tlsa_rr_line(const char *owner, uint32_t ttl, const dance_tlsa_t *t)
{
	char *rdata = dance_tlsa_to_text(t);
	char *line = NULL;
	char ttl_text[16] = "";
	if (rdata == NULL || owner == NULL || owner[0] == '\0') {
		free(rdata);
		return NULL;
	}
	if (ttl != 0) {
		snprintf(ttl_text, sizeof(ttl_text), " %u", ttl);
	}
	size_t len = strlen(owner);
	const char *dot = owner[len - 1] == '.' ? "" : ".";
	if (asprintf(&line, "%s%s%s IN TLSA %s", owner, dot, ttl_text, rdata) <
	    0) {
		line = NULL;
	}
	free(rdata);
	if (line != NULL) {
		for (size_t i = 0; i < len; i++) {
			line[i] = (char)tolower((unsigned char)line[i]);
		}
	}
	return line;
}
