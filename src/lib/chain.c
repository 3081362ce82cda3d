/* chain.c: certificates parsed once, with their keys and digests (see
 * chain.h). */
#include "chain.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

void chain_init(chain_t *c)
{
	memset(c, 0, sizeof(*c));
}

static void cert_free(chain_cert_t *cert)
{
	gnutls_x509_crt_deinit(cert->crt);
	gnutls_free(cert->spki.data);
	if (cert->owned_der) {
		gnutls_free(cert->der.data);
	}
	memset(cert, 0, sizeof(*cert));
}

void chain_free(chain_t *c)
{
	for (size_t i = 0; i < c->count; i++) {
		cert_free(&c->certs[i]);
	}
	free(c->certs);
	chain_init(c);
}

static const char *origin_name(chain_origin_t origin)
{
	switch (origin) {
	case CHAIN_PRESENTED: return "presented certificate";
	case CHAIN_FROM_TLSA: return "TLSA record certificate";
	case CHAIN_FROM_STORE: return "CA file certificate";
	}
	return "certificate";
}

/* Parses der into cert: the certificate and its SubjectPublicKeyInfo. */
static int cert_parse(chain_cert_t *cert, const gnutls_datum_t *der)
{
	gnutls_pubkey_t key = NULL;
	int rc = gnutls_x509_crt_init(&cert->crt);
	if (rc >= 0) {
		rc = gnutls_x509_crt_import(cert->crt, der,
		                            GNUTLS_X509_FMT_DER);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_init(&key);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_import_x509(key, cert->crt, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER,
		                           &cert->spki);
	}
	gnutls_pubkey_deinit(key);
	if (rc >= 0 && (chain_digest(der, &cert->cert_digests) != 0 ||
	                chain_digest(&cert->spki, &cert->spki_digests) != 0)) {
		rc = GNUTLS_E_HASH_FAILED;
	}
	if (rc >= 0) {
		/* Self-issued: a name match, as for OpenSSL's chain building;
		 * the signature of a trust anchor is never relied upon. */
		cert->self_issued =
		        gnutls_x509_crt_check_issuer(cert->crt, cert->crt);
	}
	return rc;
}

static dance_code_t grow(chain_t *c, dance_error_t *err)
{
	if (c->count < c->cap) {
		return DANCE_OK;
	}
	size_t cap = c->cap == 0 ? 8 : c->cap * 2;
	chain_cert_t *certs = realloc(c->certs, cap * sizeof(*certs));
	if (certs == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	c->certs = certs;
	c->cap = cap;
	return DANCE_OK;
}

dance_code_t chain_add(chain_t *c, const gnutls_datum_t *der,
                       chain_origin_t origin, dance_error_t *err)
{
	dance_code_t code = grow(c, err);
	if (code != DANCE_OK) {
		return code;
	}
	chain_cert_t *cert = &c->certs[c->count];
	memset(cert, 0, sizeof(*cert));
	cert->origin = origin;
	cert->der = *der;
	int rc = cert_parse(cert, der);
	if (rc < 0) {
		cert_free(cert);
		return dance_error_set(
		        err, DANCE_EINVAL, "%s %zu does not parse: %s",
		        origin_name(origin), c->count, gnutls_strerror(rc));
	}
	c->count++;
	return DANCE_OK;
}

dance_code_t chain_add_pem_file(chain_t *c, const char *path,
                                dance_error_t *err)
{
	gnutls_datum_t pem = {NULL, 0};
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	int rc = gnutls_load_file(path, &pem);
	if (rc >= 0) {
		rc = gnutls_x509_crt_list_import2(&list, &n, &pem,
		                                  GNUTLS_X509_FMT_PEM, 0);
	}
	gnutls_free(pem.data);
	if (rc >= 0 && n == 0) {
		rc = GNUTLS_E_NO_CERTIFICATE_FOUND;
	}
	dance_code_t code = DANCE_OK;
	if (rc < 0) {
		code = dance_error_set(err, DANCE_EINVAL, "CA file %s: %s",
		                       path, gnutls_strerror(rc));
	}
	for (unsigned i = 0; i < n; i++) {
		gnutls_datum_t der = {NULL, 0};
		if (code == DANCE_OK &&
		    gnutls_x509_crt_export2(list[i], GNUTLS_X509_FMT_DER,
		                            &der) < 0) {
			code = dance_error_set(err, DANCE_EINVAL,
			                       "CA file %s: certificate %u "
			                       "unreadable",
			                       path, i);
		}
		if (code == DANCE_OK) {
			code = chain_add(c, &der, CHAIN_FROM_STORE, err);
			if (code == DANCE_OK) {
				c->certs[c->count - 1].owned_der = 1;
			} else {
				gnutls_free(der.data);
			}
		}
		gnutls_x509_crt_deinit(list[i]);
	}
	gnutls_free(list);
	return code;
}

int chain_digest(const gnutls_datum_t *obj, chain_digests_t *digests)
{
	return gnutls_hash_fast(GNUTLS_DIG_SHA256, obj->data, obj->size,
	                        digests->sha256) < 0 ||
	                       gnutls_hash_fast(GNUTLS_DIG_SHA512, obj->data,
	                                        obj->size, digests->sha512) < 0
	               ? -1
	               : 0;
}

int chain_object_matches(const gnutls_datum_t *obj,
                         const chain_digests_t *digests,
                         const dance_tlsa_t *rec)
{
	switch (rec->mtype) {
	case DANCE_MTYPE_FULL:
		return rec->data_len == obj->size &&
		       memcmp(rec->data, obj->data, obj->size) == 0;
	case DANCE_MTYPE_SHA256:
		return rec->data_len == sizeof(digests->sha256) &&
		       gnutls_memcmp(digests->sha256, rec->data,
		                     sizeof(digests->sha256)) == 0;
	case DANCE_MTYPE_SHA512:
		return rec->data_len == sizeof(digests->sha512) &&
		       gnutls_memcmp(digests->sha512, rec->data,
		                     sizeof(digests->sha512)) == 0;
	}
	return 0;
}

int chain_cert_matches(const chain_cert_t *cert, const dance_tlsa_t *rec)
{
	if (rec->selector == DANCE_SELECTOR_CERT) {
		return chain_object_matches(&cert->der, &cert->cert_digests,
		                            rec);
	}
	return chain_object_matches(&cert->spki, &cert->spki_digests, rec);
}

int chain_signed_by(const chain_cert_t *child, gnutls_x509_crt_t issuer)
{
	unsigned status = 0;
	if (!gnutls_x509_crt_check_issuer(child->crt, issuer)) {
		return 0;
	}
	/* Only the name and the signature: whether the issuer may sign
	 * certificates (CA, key usage, path length, name constraints) is the
	 * path check's job, which then says why it fails. GnuTLS verifying
	 * one certificate takes it as the end of a path and applies the
	 * issuer's name constraints to it, even to a CA's subject CN ("Int
	 * 2" outside a permitted "example"), which RFC 5280 and the whole-path
	 * check do not; so a constraint failure here is left to path_verify,
	 * which every caller runs on the path built from these links. A bad
	 * signature still sets GNUTLS_CERT_SIGNATURE_FAILURE. */
	int rc = gnutls_x509_crt_verify(
	        child->crt, &issuer, 1,
	        GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
	                GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
	                GNUTLS_VERIFY_DISABLE_CA_SIGN,
	        &status);
	if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) {
		status &= ~(unsigned)(GNUTLS_CERT_INVALID |
		                      GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE);
	}
	return rc >= 0 && status == 0;
}

int chain_issued_by(const chain_cert_t *child, const chain_cert_t *issuer)
{
	return child != issuer && chain_signed_by(child, issuer->crt);
}

int chain_crt_current(gnutls_x509_crt_t crt, time_t now)
{
	time_t start = gnutls_x509_crt_get_activation_time(crt);
	time_t end = gnutls_x509_crt_get_expiration_time(crt);
	return !(end != (time_t)-1 && now > end) &&
	       !(start != (time_t)-1 && now < start);
}

int chain_cert_current(const chain_cert_t *cert, time_t now)
{
	return chain_crt_current(cert->crt, now);
}

void chain_view_add(chain_view_t *v, const chain_t *c)
{
	for (size_t i = 0; i < c->count && v->count < CHAIN_VIEW_MAX; i++) {
		v->certs[v->count++] = &c->certs[i];
	}
}
