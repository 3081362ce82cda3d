/* match_ta.c: path validation for DANE-TA(2) and the PKIX usages, done by
 * GnuTLS's verifier with the TA (or the CA file) as the only anchor. */
#include "match_ta.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

/* Presented certificates, parsed. */
typedef struct chain {
	gnutls_x509_crt_t *crts;
	unsigned count;
} chain_t;

static void chain_free(chain_t *c)
{
	for (unsigned i = 0; i < c->count; i++) {
		gnutls_x509_crt_deinit(c->crts[i]);
	}
	gnutls_free(c->crts);
	memset(c, 0, sizeof(*c));
}

static int chain_parse(const dance_creds_t *creds, chain_t *c, char *why,
                       size_t why_size)
{
	memset(c, 0, sizeof(*c));
	c->crts = gnutls_calloc(creds->count, sizeof(*c->crts));
	if (c->crts == NULL) {
		snprintf(why, why_size, "out of memory");
		return 0;
	}
	for (size_t i = 0; i < creds->count; i++) {
		int rc = gnutls_x509_crt_init(&c->crts[i]);
		if (rc < 0) {
			snprintf(why, why_size, "%s", gnutls_strerror(rc));
			chain_free(c);
			return 0;
		}
		c->count++;
		rc = gnutls_x509_crt_import(c->crts[i], &creds->certs[i],
		                            GNUTLS_X509_FMT_DER);
		if (rc < 0) {
			snprintf(why, why_size,
			         "presented certificate %zu does not parse: %s",
			         i, gnutls_strerror(rc));
			chain_free(c);
			return 0;
		}
	}
	return 1;
}

/* Validity dates of the first upto certificates at now. */
static int dates_valid(const chain_t *c, size_t upto, time_t now, char *why,
                       size_t why_size)
{
	for (size_t i = 0; i < upto && i < c->count; i++) {
		time_t start = gnutls_x509_crt_get_activation_time(c->crts[i]);
		time_t end = gnutls_x509_crt_get_expiration_time(c->crts[i]);
		const char *which = i == 0 ? "the leaf" : "an intermediate";
		if (end != (time_t)-1 && now > end) {
			snprintf(why, why_size,
			         "%s certificate (chain[%zu]) has expired",
			         which, i);
			return 0;
		}
		if (start != (time_t)-1 && now < start) {
			snprintf(why, why_size,
			         "%s certificate (chain[%zu]) is not yet valid",
			         which, i);
			return 0;
		}
	}
	return 1;
}

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
static int synthesise_anchor(const gnutls_datum_t *spki,
                             gnutls_x509_crt_t child, gnutls_x509_crt_t *out)
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

/* Runs GnuTLS's verifier over the chain with one anchor (dates are checked
 * separately, so they are disabled here). */
static int verify_with_anchor(const chain_t *c, gnutls_x509_crt_t anchor,
                              char *why, size_t why_size)
{
	gnutls_x509_trust_list_t list = NULL;
	unsigned status = 0;
	int rc = gnutls_x509_trust_list_init(&list, 0);
	if (rc >= 0) {
		/* The list takes ownership of the anchor. */
		rc = gnutls_x509_trust_list_add_cas(list, &anchor, 1, 0);
		if (rc < 0) {
			gnutls_x509_crt_deinit(anchor);
		}
	} else {
		gnutls_x509_crt_deinit(anchor);
	}
	if (rc >= 0) {
		rc = gnutls_x509_trust_list_verify_crt2(
		        list, c->crts, c->count, NULL, 0,
		        GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
		                GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
		                GNUTLS_VERIFY_ALLOW_UNSORTED_CHAIN,
		        &status, NULL);
	}
	if (list != NULL) {
		gnutls_x509_trust_list_deinit(list, 1);
	}
	if (rc < 0) {
		snprintf(why, why_size, "verification failed: %s",
		         gnutls_strerror(rc));
		return 0;
	}
	if (status != 0) {
		gnutls_datum_t text = {NULL, 0};
		gnutls_certificate_verification_status_print(
		        status, GNUTLS_CRT_X509, &text, 0);
		snprintf(why, why_size, "%s",
		         text.data != NULL ? (const char *)text.data
		                           : "chain does not verify");
		gnutls_free(text.data);
		return 0;
	}
	return 1;
}

int dance_ta_path_valid(const dance_creds_t *creds,
                        const gnutls_datum_t *ta_cert,
                        const gnutls_datum_t *ta_spki, size_t check_upto,
                        time_t now, char *why, size_t why_size)
{
	chain_t c;
	gnutls_x509_crt_t anchor = NULL;
	if (!chain_parse(creds, &c, why, why_size)) {
		return 0;
	}
	int ok = dates_valid(&c, check_upto, now, why, why_size);
	if (ok && ta_cert != NULL) {
		int rc = gnutls_x509_crt_init(&anchor);
		if (rc >= 0) {
			rc = gnutls_x509_crt_import(anchor, ta_cert,
			                            GNUTLS_X509_FMT_DER);
		}
		if (rc < 0) {
			gnutls_x509_crt_deinit(anchor);
			snprintf(why, why_size,
			         "TA certificate does not parse: %s",
			         gnutls_strerror(rc));
			ok = 0;
		}
	} else if (ok) {
		/* The anchor signed the last presented certificate. */
		int rc = synthesise_anchor(ta_spki, c.crts[c.count - 1],
		                           &anchor);
		if (rc < 0) {
			snprintf(why, why_size, "TA public key unusable: %s",
			         gnutls_strerror(rc));
			ok = 0;
		}
	}
	if (ok) {
		ok = verify_with_anchor(&c, anchor, why, why_size);
	}
	chain_free(&c);
	return ok;
}

int dance_pkix_path_valid(const dance_creds_t *creds, const char *ca_file,
                          time_t now, char *why, size_t why_size)
{
	chain_t c;
	gnutls_x509_trust_list_t list = NULL;
	unsigned status = 0;
	if (!chain_parse(creds, &c, why, why_size)) {
		return 0;
	}
	int ok = dates_valid(&c, c.count, now, why, why_size);
	int rc = ok ? gnutls_x509_trust_list_init(&list, 0) : 0;
	if (ok && rc >= 0) {
		rc = gnutls_x509_trust_list_add_trust_file(
		        list, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (rc == 0) {
			rc = GNUTLS_E_NO_CERTIFICATE_FOUND;
		}
	}
	if (ok && rc >= 0) {
		rc = gnutls_x509_trust_list_verify_crt2(
		        list, c.crts, c.count, NULL, 0,
		        GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
		                GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
		                GNUTLS_VERIFY_ALLOW_UNSORTED_CHAIN,
		        &status, NULL);
	}
	if (ok && rc < 0) {
		snprintf(why, why_size, "CA file %s: %s", ca_file,
		         gnutls_strerror(rc));
		ok = 0;
	} else if (ok && status != 0) {
		snprintf(why, why_size,
		         "chain does not verify to the CA file %s", ca_file);
		ok = 0;
	}
	if (list != NULL) {
		gnutls_x509_trust_list_deinit(list, 1);
	}
	chain_free(&c);
	return ok;
}
