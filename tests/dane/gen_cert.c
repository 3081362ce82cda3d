/* gen_cert.c: certificates of a test case (gen_cert.h). */
#include "gen_cert.h"

#include <string.h>

#define DAY 86400

static void validity_times(dane_validity_t v, time_t *start, time_t *end)
{
	switch (v) {
	case DANE_EXPIRED:
		*start = DANE_NOW - 400 * DAY;
		*end = DANE_NOW - DAY;
		break;
	case DANE_NOT_YET_VALID:
		*start = DANE_NOW + DAY;
		*end = DANE_NOW + 400 * DAY;
		break;
	default:
		*start = DANE_NOW - 30 * DAY;
		*end = DANE_NOW + 365 * DAY;
		break;
	}
}

static int set_name_constraints(gnutls_x509_crt_t crt, dane_nc_t nc)
{
	if (nc == DANE_NC_NONE) {
		return 0;
	}
	const char *name = nc == DANE_NC_PERMIT_OK     ? "example"
	                   : nc == DANE_NC_EXCLUDE_HIT ? "ns2.zone.example"
	                                               : "other.test";
	gnutls_datum_t d = {(unsigned char *)name, (unsigned)strlen(name)};
	gnutls_x509_name_constraints_t c = NULL;
	int rc = gnutls_x509_name_constraints_init(&c);
	if (rc >= 0) {
		rc = nc == DANE_NC_PERMIT_OK || nc == DANE_NC_PERMIT_FAIL
		             ? gnutls_x509_name_constraints_add_permitted(
		                       c, GNUTLS_SAN_DNSNAME, &d)
		             : gnutls_x509_name_constraints_add_excluded(
		                       c, GNUTLS_SAN_DNSNAME, &d);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_name_constraints(crt, c, 1);
	}
	gnutls_x509_name_constraints_deinit(c);
	return rc;
}

/* Subject name, SAN, key usages, basic constraints. */
static int set_identity(gnutls_x509_crt_t crt, const dane_certspec_t *s)
{
	const char *bad = NULL;
	int rc = gnutls_x509_crt_set_dn(crt, s->dn, &bad);
	for (int i = 0; rc >= 0 && i < 2 && s->san[i] != NULL; i++) {
		rc = gnutls_x509_crt_set_subject_alt_name(
		        crt, GNUTLS_SAN_DNSNAME, s->san[i],
		        (unsigned)strlen(s->san[i]), GNUTLS_FSAN_APPEND);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_basic_constraints(crt, s->ca ? 1 : 0,
		                                           -1);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key_usage(
		        crt,
		        s->ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
		              : GNUTLS_KEY_DIGITAL_SIGNATURE);
	}
	if (rc >= 0 && !s->ca) {
		rc = gnutls_x509_crt_set_key_purpose_oid(
		        crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
	}
	if (rc >= 0 && s->ca) {
		rc = set_name_constraints(crt, s->nc);
	}
	return rc;
}

/* Subject key id from the key; authority key id from the issuer. */
static int set_key_ids(gnutls_x509_crt_t crt, gnutls_pubkey_t pub,
                       const dane_certspec_t *s)
{
	unsigned char id[64];
	size_t size = sizeof(id);
	unsigned critical = 0;
	int rc =
	        gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA1, id, &size);
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_subject_key_id(crt, id, size);
	}
	if (rc >= 0 && s->issuer != NULL) {
		size = sizeof(id);
		rc = gnutls_x509_crt_get_subject_key_id(s->issuer, id, &size,
		                                        &critical);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_authority_key_id(crt, id, size);
	}
	return rc;
}

static int sign(gnutls_x509_crt_t crt, const dane_certspec_t *s)
{
	gnutls_privkey_t signer = s->issuer != NULL ? s->issuer_key : s->key;
	gnutls_x509_crt_t issuer = s->issuer != NULL ? s->issuer : crt;
	gnutls_pubkey_t pub = NULL;
	gnutls_digest_algorithm_t dig = GNUTLS_DIG_SHA256;
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_privkey(pub, signer, 0, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_get_preferred_hash_algorithm(pub, &dig,
		                                                NULL);
	}
	gnutls_pubkey_deinit(pub);
	if (rc >= 0) {
		/* RFC 6979 ECDSA: the same case, the same bytes */
		unsigned flags = gnutls_privkey_get_pk_algorithm(
		                         signer, NULL) == GNUTLS_PK_ECDSA
		                         ? GNUTLS_PRIVKEY_FLAG_REPRODUCIBLE
		                         : 0;
		rc = gnutls_x509_crt_privkey_sign(crt, issuer, signer, dig,
		                                  flags);
	}
	return rc;
}

int dane_cert_make(const dane_certspec_t *s, gnutls_x509_crt_t *out)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	time_t start, end;
	validity_times(s->validity, &start, &end);
	int rc = gnutls_x509_crt_init(&crt);
	if (rc >= 0) {
		rc = gnutls_pubkey_init(&pub);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_import_privkey(pub, s->key, 0, 0);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_version(crt, 3);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_serial(crt, s->serial, 16);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_activation_time(crt, start);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_expiration_time(crt, end);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_pubkey(crt, pub);
	}
	if (rc >= 0) {
		rc = set_identity(crt, s);
	}
	if (rc >= 0) {
		rc = set_key_ids(crt, pub, s);
	}
	if (rc >= 0) {
		rc = sign(crt, s);
	}
	gnutls_pubkey_deinit(pub);
	if (rc < 0) {
		gnutls_x509_crt_deinit(crt);
		return rc;
	}
	*out = crt;
	return 0;
}
