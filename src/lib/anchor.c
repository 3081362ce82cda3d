/* anchor.c: a stand-in trust anchor certificate for a DANE-TA record that
 * carries only a public key (2 1 0), so that GnuTLS's verifier can check
 * the signature of the top of the path against that key. */
#include "anchor.h"

#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

/* Copies the issuer DN of from, attribute by attribute with the original
 * string encodings, into the subject DN of to. */
static int copy_issuer_as_subject(gnutls_x509_crt_t from, gnutls_x509_crt_t to)
{
	char oid[128];
	unsigned char value[1024];
	for (unsigned i = 0;; i++) {
		size_t oid_size = sizeof(oid);
		int rc = gnutls_x509_crt_get_issuer_dn_oid(from, i, oid,
		                                           &oid_size);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
			return 0;
		}
		if (rc < 0) {
			return rc;
		}
		for (unsigned k = 0;; k++) {
			size_t size = sizeof(value);
			rc = gnutls_x509_crt_get_issuer_dn_by_oid(
			        from, oid, k, 1, value, &size);
			if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
				break;
			}
			if (rc < 0) {
				return rc;
			}
			rc = gnutls_x509_crt_set_dn_by_oid(to, oid, 1, value,
			                                   (unsigned)size);
			if (rc < 0) {
				return rc;
			}
		}
	}
}

/* A stand-in issuer to sign the anchor with: the anchor's own name (the
 * issuer of child) and the throwaway signer's key. GnuTLS takes the
 * signature parameters from the issuer certificate's key, which must be of
 * the signer's algorithm: passing the anchor itself as its issuer fails
 * (GNUTLS_E_CONSTRAINT_ERROR) for RSA and EdDSA TA keys. */
static int throwaway_issuer(gnutls_x509_crt_t child, gnutls_privkey_t signer,
                            gnutls_x509_crt_t *out)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_x509_crt_t issuer = NULL;
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_privkey(pub, signer, 0, 0);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&issuer);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_version(issuer, 3);
	}
	if (rc >= 0) {
		rc = copy_issuer_as_subject(child, issuer);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_pubkey(issuer, pub);
	}
	gnutls_pubkey_deinit(pub);
	if (rc < 0) {
		gnutls_x509_crt_deinit(issuer);
		return rc;
	}
	*out = issuer;
	return 0;
}

/* Builds a stand-in anchor certificate carrying the TA public key: its
 * subject is the issuer of child and its key id the child's authority key
 * id, signed by a throwaway key (an anchor's own signature is never
 * checked). */
int dance_anchor_from_key(const gnutls_datum_t *spki, gnutls_x509_crt_t child,
                          gnutls_x509_crt_t *out)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_privkey_t signer = NULL;
	gnutls_x509_crt_t ta = NULL;
	unsigned char id[128];
	size_t id_size = sizeof(id);
	unsigned critical = 0;
	unsigned char serial[1] = {1};
	time_t now = time(NULL);
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0) {
		rc = gnutls_pubkey_import(pub, spki, GNUTLS_X509_FMT_DER);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&ta);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_version(ta, 3);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_serial(ta, serial, sizeof(serial));
	}
	if (rc >= 0) {
		rc = copy_issuer_as_subject(child, ta);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_pubkey(ta, pub);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_basic_constraints(ta, 1, -1);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key_usage(ta,
		                                   GNUTLS_KEY_KEY_CERT_SIGN);
	}
	if (rc >= 0 && gnutls_x509_crt_get_authority_key_id(child, id, &id_size,
	                                                    &critical) >= 0) {
		rc = gnutls_x509_crt_set_subject_key_id(ta, id, id_size);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_activation_time(ta, now - 86400);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_expiration_time(ta, now + 86400);
	}
	if (rc >= 0) {
		rc = gnutls_privkey_init(&signer);
	}
	if (rc >= 0) {
		rc = gnutls_privkey_generate2(
		        signer, GNUTLS_PK_ECDSA,
		        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0,
		        NULL, 0);
	}
	gnutls_x509_crt_t issuer = NULL;
	if (rc >= 0) {
		rc = throwaway_issuer(child, signer, &issuer);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_privkey_sign(ta, issuer, signer,
		                                  GNUTLS_DIG_SHA256, 0);
	}
	gnutls_x509_crt_deinit(issuer);
	gnutls_privkey_deinit(signer);
	gnutls_pubkey_deinit(pub);
	if (rc < 0) {
		gnutls_x509_crt_deinit(ta);
		return rc;
	}
	/* GnuTLS indexes anchors by the DER it imported: round-trip it. */
	gnutls_datum_t der = {NULL, 0};
	rc = gnutls_x509_crt_export2(ta, GNUTLS_X509_FMT_DER, &der);
	gnutls_x509_crt_deinit(ta);
	ta = NULL;
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&ta);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_import(ta, &der, GNUTLS_X509_FMT_DER);
	}
	gnutls_free(der.data);
	if (rc < 0) {
		gnutls_x509_crt_deinit(ta);
		return rc;
	}
	*out = ta;
	return 0;
}
