/* tlsagen.c: TLSA records made from certificates and keys (GnuTLS). */
#include "dance/tlsagen.h"
#include "tlsa_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

/* Checks that selector and mtype are ones a record can be made for. */
static dance_code_t check_selector_mtype(uint8_t selector, uint8_t mtype,
                                         dance_error_t *err)
{
	if (selector != DANCE_SELECTOR_CERT &&
	    selector != DANCE_SELECTOR_SPKI) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA selector %u is not supported (0 "
		                       "Cert or 1 SPKI)",
		                       selector);
	}
	if (mtype != DANCE_MTYPE_FULL && mtype != DANCE_MTYPE_SHA256 &&
	    mtype != DANCE_MTYPE_SHA512) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA matching type %u is not supported "
		                       "(0 Full, 1 SHA2-256 or 2 SHA2-512)",
		                       mtype);
	}
	return DANCE_OK;
}

/* A bare key has only an SPKI: selector 1 and a supported mtype. */
static dance_code_t check_key_selector_mtype(uint8_t selector, uint8_t mtype,
                                             dance_error_t *err)
{
	if (selector != DANCE_SELECTOR_SPKI) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "a bare key has no certificate: selector must be 1 "
		        "(SPKI), not %u",
		        selector);
	}
	return check_selector_mtype(selector, mtype, err);
}

/* Hashes object with the digest of a hashing mtype (1 or 2) into out. */
static dance_code_t make_digest_record(const gnutls_datum_t *object,
                                       uint8_t usage, uint8_t selector,
                                       uint8_t mtype, dance_tlsa_t *out,
                                       dance_error_t *err)
{
	unsigned char digest[64];
	gnutls_digest_algorithm_t alg = mtype == DANCE_MTYPE_SHA256
	                                        ? GNUTLS_DIG_SHA256
	                                        : GNUTLS_DIG_SHA512;
	int rc = gnutls_hash_fast(alg, object->data, object->size, digest);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO, "hashing failed: %s",
		                       gnutls_strerror(rc));
	}
	return dance_tlsa_make(out, usage, selector, mtype, digest,
	                       gnutls_hash_get_len(alg), err);
}

dance_code_t dance_tlsa_from_object(const gnutls_datum_t *object, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	dance_code_t rc = check_selector_mtype(selector, mtype, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (object == NULL || object->data == NULL || object->size == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no object to make a TLSA record of");
	}
	if (mtype == DANCE_MTYPE_FULL) {
		return dance_tlsa_make(out, usage, selector, mtype,
		                       object->data, object->size, err);
	}
	return make_digest_record(object, usage, selector, mtype, out, err);
}

/* The DER SPKI of a public key, as GnuTLS encodes it (gnutls_free it). */
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

/* Checks that cert_der is a certificate GnuTLS can parse. */
static dance_code_t check_cert_parses(const gnutls_datum_t *cert_der,
                                      dance_error_t *err)
{
	gnutls_x509_crt_t crt = NULL;
	int rc = gnutls_x509_crt_init(&crt);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot make a certificate object: %s",
		                       gnutls_strerror(rc));
	}
	rc = gnutls_x509_crt_import(crt, cert_der, GNUTLS_X509_FMT_DER);
	gnutls_x509_crt_deinit(crt);
	if (rc < 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "certificate does not parse: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

/* The DER SPKI of a DER certificate (gnutls_free it). */
static dance_code_t cert_spki(const gnutls_datum_t *cert_der,
                              gnutls_datum_t *spki, dance_error_t *err)
{
	gnutls_pubkey_t key = NULL;
	int rc = gnutls_pubkey_init(&key);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot make a public key: %s",
		                       gnutls_strerror(rc));
	}
	rc = gnutls_pubkey_import_x509_raw(key, cert_der, GNUTLS_X509_FMT_DER,
	                                   0);
	dance_code_t code = DANCE_OK;
	if (rc < 0) {
		code = dance_error_set(err, DANCE_EINVAL,
		                       "certificate does not parse: %s",
		                       gnutls_strerror(rc));
	} else {
		code = pubkey_spki(key, spki, err);
	}
	gnutls_pubkey_deinit(key);
	return code;
}

dance_code_t dance_tlsa_from_cert(const gnutls_datum_t *cert_der, uint8_t usage,
                                  uint8_t selector, uint8_t mtype,
                                  dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	dance_code_t rc = check_selector_mtype(selector, mtype, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (cert_der == NULL || cert_der->data == NULL || cert_der->size == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no certificate given");
	}
	if (selector == DANCE_SELECTOR_CERT) {
		rc = check_cert_parses(cert_der, err);
		if (rc == DANCE_OK) {
			rc = dance_tlsa_from_object(cert_der, usage, selector,
			                            mtype, out, err);
		}
		return rc;
	}
	gnutls_datum_t spki = {NULL, 0};
	rc = cert_spki(cert_der, &spki, err);
	if (rc == DANCE_OK) {
		rc = dance_tlsa_from_object(&spki, usage, selector, mtype, out,
		                            err);
	}
	gnutls_free(spki.data);
	return rc;
}

dance_code_t dance_tlsa_from_pubkey(gnutls_pubkey_t key, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	dance_code_t rc = check_key_selector_mtype(selector, mtype, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (key == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no public key given");
	}
	gnutls_datum_t spki = {NULL, 0};
	rc = pubkey_spki(key, &spki, err);
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
	dance_code_t rc = check_key_selector_mtype(selector, mtype, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (key == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no private key given");
	}
	gnutls_pubkey_t pub = NULL;
	int grc = gnutls_pubkey_init(&pub);
	if (grc < 0) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot make a public key: %s",
		                       gnutls_strerror(grc));
	}
	grc = gnutls_pubkey_import_privkey(pub, key, 0, 0);
	if (grc < 0) {
		gnutls_pubkey_deinit(pub);
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot derive the public key: %s",
		                       gnutls_strerror(grc));
	}
	rc = dance_tlsa_from_pubkey(pub, usage, selector, mtype, out, err);
	gnutls_pubkey_deinit(pub);
	return rc;
}

/* A non-empty owner in lower case with a trailing dot (malloc'ed), or
 * NULL. */
static char *owner_fqdn(const char *owner)
{
	size_t len = strlen(owner);
	int dotted = owner[len - 1] == '.';
	char *fqdn = malloc(len + 2);
	if (fqdn == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		fqdn[i] = (char)tolower((unsigned char)owner[i]);
	}
	if (!dotted) {
		fqdn[len++] = '.';
	}
	fqdn[len] = '\0';
	return fqdn;
}

char *dance_tlsa_rr_line(const char *owner, uint32_t ttl, const dance_tlsa_t *t)
{
	if (owner == NULL || owner[0] == '\0' || t == NULL) {
		return NULL;
	}
	char ttl_text[16] = "";
	if (ttl != 0) {
		snprintf(ttl_text, sizeof(ttl_text), " %" PRIu32, ttl);
	}
	char *fqdn = owner_fqdn(owner);
	char *rdata = dance_tlsa_to_text(t);
	char *line = NULL;
	if (fqdn != NULL && rdata != NULL &&
	    asprintf(&line, "%s%s IN TLSA %s", fqdn, ttl_text, rdata) < 0) {
		line = NULL;
	}
	free(rdata);
	free(fqdn);
	return line;
}
