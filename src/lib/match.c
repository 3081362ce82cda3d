/* match.c: TLSA matching of presented credentials (RFC 6698 2.1,
 * RFC 7671 sections 5 and 9, RFC 7250). */
#include "dance/match.h"
#include "match_ta.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "dance/name.h"

/* Parsed view of what the peer presented. */
typedef struct presented {
	const dance_creds_t *creds;
	gnutls_datum_t leaf_spki; /* owned (gnutls_free) */
} presented_t;

/* Strongest supported digest type per usage+selector (RFC 7671 9). */
typedef struct agility {
	uint8_t strongest[4][2];
} agility_t;

static void set_detail(dance_match_result_t *out, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void set_detail(dance_match_result_t *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

dance_code_t dance_cert_spki(const gnutls_datum_t *cert_der,
                             gnutls_datum_t *spki, dance_error_t *err)
{
	gnutls_pubkey_t key = NULL;
	spki->data = NULL;
	spki->size = 0;
	int rc = gnutls_pubkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_x509_raw(key, cert_der,
		                                   GNUTLS_X509_FMT_DER, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, spki);
	}
	gnutls_pubkey_deinit(key);
	if (rc < 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "certificate does not parse: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

/* Checks that a raw key is a parsable SPKI and copies it. */
static dance_code_t raw_key_spki(const gnutls_datum_t *der,
                                 gnutls_datum_t *spki, dance_error_t *err)
{
	gnutls_pubkey_t key = NULL;
	int rc = gnutls_pubkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_pubkey_import(key, der, GNUTLS_X509_FMT_DER);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, spki);
	}
	gnutls_pubkey_deinit(key);
	if (rc < 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "raw public key does not parse: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

static dance_code_t presented_open(const dance_creds_t *creds, presented_t *p,
                                   dance_error_t *err)
{
	memset(p, 0, sizeof(*p));
	p->creds = creds;
	if (creds->type == DANCE_CRED_RAWPK) {
		return raw_key_spki(&creds->certs[0], &p->leaf_spki, err);
	}
	return dance_cert_spki(&creds->certs[0], &p->leaf_spki, err);
}

static void presented_close(presented_t *p)
{
	gnutls_free(p->leaf_spki.data);
	p->leaf_spki.data = NULL;
}

dance_code_t dance_creds_spki_sha256_hex(const dance_creds_t *creds, char *hex,
                                         dance_error_t *err)
{
	presented_t p;
	unsigned char digest[32];
	if (creds == NULL || creds->count == 0) {
		return dance_error_set(err, DANCE_EINVAL, "no credentials");
	}
	dance_code_t rc = presented_open(creds, &p, err);
	if (rc == DANCE_OK) {
		gnutls_hash_fast(GNUTLS_DIG_SHA256, p.leaf_spki.data,
		                 p.leaf_spki.size, digest);
		for (size_t i = 0; i < sizeof(digest); i++) {
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
		}
	}
	presented_close(&p);
	return rc;
}

static int usage_known(uint8_t usage)
{
	return usage <= DANCE_USAGE_DANE_EE;
}

int dance_tlsa_usable(const dance_tlsa_t *rec, dance_cred_type_t type,
                      const dance_match_opts_t *opts)
{
	if (!usage_known(rec->usage) || rec->selector > DANCE_SELECTOR_SPKI ||
	    rec->mtype > DANCE_MTYPE_SHA512) {
		return 0;
	}
	if (type == DANCE_CRED_RAWPK) {
		return rec->usage == DANCE_USAGE_DANE_EE &&
		       rec->selector == DANCE_SELECTOR_SPKI;
	}
	if (rec->usage == DANCE_USAGE_PKIX_TA ||
	    rec->usage == DANCE_USAGE_PKIX_EE) {
		return opts != NULL && opts->pkix_ca_file != NULL;
	}
	return 1;
}

/* Digest agility: SHA2-512 outranks SHA2-256 per usage+selector. */
static void agility_scan(const dance_tlsa_set_t *set, dance_cred_type_t type,
                         const dance_match_opts_t *opts, agility_t *ag)
{
	memset(ag, 0, sizeof(*ag));
	for (size_t i = 0; i < set->count; i++) {
		const dance_tlsa_t *r = &set->records[i];
		if (dance_tlsa_usable(r, type, opts) &&
		    r->mtype > ag->strongest[r->usage][r->selector]) {
			ag->strongest[r->usage][r->selector] = r->mtype;
		}
	}
}

static int considered(const dance_tlsa_t *r, const agility_t *ag)
{
	return r->mtype == DANCE_MTYPE_FULL ||
	       r->mtype == ag->strongest[r->usage][r->selector];
}

/* Compares an object (cert DER or SPKI DER) with a record's data. */
static int object_matches(const dance_tlsa_t *r, const gnutls_datum_t *obj)
{
	unsigned char digest[64];
	if (r->mtype == DANCE_MTYPE_FULL) {
		return r->data_len == obj->size &&
		       memcmp(r->data, obj->data, obj->size) == 0;
	}
	gnutls_digest_algorithm_t alg = r->mtype == DANCE_MTYPE_SHA256
	                                        ? GNUTLS_DIG_SHA256
	                                        : GNUTLS_DIG_SHA512;
	size_t len = gnutls_hash_get_len(alg);
	if (r->data_len != len ||
	    gnutls_hash_fast(alg, obj->data, obj->size, digest) < 0) {
		return 0;
	}
	return gnutls_memcmp(digest, r->data, len) == 0;
}

/* Does record r match presented certificate index i (X.509)? */
static int cert_matches(const dance_tlsa_t *r, const presented_t *p, size_t i)
{
	const gnutls_datum_t *cert = &p->creds->certs[i];
	if (r->selector == DANCE_SELECTOR_CERT) {
		return object_matches(r, cert);
	}
	if (i == 0) {
		return object_matches(r, &p->leaf_spki);
	}
	gnutls_datum_t spki = {NULL, 0};
	int match = dance_cert_spki(cert, &spki, NULL) == DANCE_OK &&
	            object_matches(r, &spki);
	gnutls_free(spki.data);
	return match;
}

/* The record's name rule: opts->name must be a SAN dNSName of the leaf. */
static int leaf_has_name(const presented_t *p, const dance_match_opts_t *opts,
                         char *why, size_t why_size)
{
	dance_name_list_t names;
	if (opts == NULL || opts->name == NULL) {
		snprintf(why, why_size,
		         "no client name to check the SAN "
		         "against");
		return 0;
	}
	if (dance_cert_dnsnames(&p->creds->certs[0], &names, NULL) !=
	    DANCE_OK) {
		snprintf(why, why_size, "leaf SAN names unreadable");
		return 0;
	}
	int found = 0;
	for (size_t i = 0; i < names.count && !found; i++) {
		found = dance_cert_name_equal(names.names[i], opts->name);
	}
	dance_name_list_clear(&names);
	if (!found) {
		snprintf(why, why_size, "leaf has no SAN dNSName %s",
		         opts->name);
	}
	return found;
}

static time_t opts_now(const dance_match_opts_t *opts)
{
	return opts != NULL && opts->now != 0 ? opts->now : time(NULL);
}

/* Outcome of trying one TA or PKIX record. */
typedef enum try_result {
	TRY_NO_MATCH,
	TRY_OK,
	TRY_PATH,
	TRY_NAME,
} try_result_t;

/* DANE-TA(2): TA in the chain (index >= 1), or the record is the full TA. */
static try_result_t try_dane_ta(const dance_tlsa_t *r, const presented_t *p,
                                const dance_match_opts_t *opts, char *why,
                                size_t why_size)
{
	const dance_creds_t *creds = p->creds;
	const gnutls_datum_t *ta_cert = NULL;
	gnutls_datum_t record_data = {r->data, (unsigned)r->data_len};
	size_t check_upto = creds->count;
	for (size_t i = 1; i < creds->count && ta_cert == NULL; i++) {
		if (cert_matches(r, p, i)) {
			ta_cert = &creds->certs[i];
			check_upto = i;
		}
	}
	const gnutls_datum_t *ta_spki = NULL;
	if (ta_cert == NULL && r->mtype == DANCE_MTYPE_FULL) {
		if (r->selector == DANCE_SELECTOR_CERT) {
			ta_cert = &record_data;
		} else {
			ta_spki = &record_data;
		}
	}
	if (ta_cert == NULL && ta_spki == NULL) {
		return TRY_NO_MATCH;
	}
	if (!dance_ta_path_valid(creds, ta_cert, ta_spki, check_upto,
	                         opts_now(opts), why, why_size)) {
		return TRY_PATH;
	}
	return leaf_has_name(p, opts, why, why_size) ? TRY_OK : TRY_NAME;
}

/* PKIX-TA(0)/PKIX-EE(1): the record matches and the chain verifies to the
 * configured CA file. */
static try_result_t try_pkix(const dance_tlsa_t *r, const presented_t *p,
                             const dance_match_opts_t *opts, char *why,
                             size_t why_size)
{
	int match = 0;
	if (r->usage == DANCE_USAGE_PKIX_EE) {
		match = cert_matches(r, p, 0);
	} else {
		for (size_t i = 1; i < p->creds->count && !match; i++) {
			match = cert_matches(r, p, i);
		}
	}
	if (!match) {
		return TRY_NO_MATCH;
	}
	if (!dance_pkix_path_valid(p->creds, opts->pkix_ca_file, opts_now(opts),
	                           why, why_size)) {
		return TRY_PATH;
	}
	return leaf_has_name(p, opts, why, why_size) ? TRY_OK : TRY_NAME;
}

static try_result_t try_record(const dance_tlsa_t *r, const presented_t *p,
                               const dance_match_opts_t *opts, char *why,
                               size_t why_size)
{
	switch (r->usage) {
	case DANCE_USAGE_DANE_EE:
		if (p->creds->type == DANCE_CRED_RAWPK) {
			return object_matches(r, &p->leaf_spki) ? TRY_OK
			                                        : TRY_NO_MATCH;
		}
		return cert_matches(r, p, 0) ? TRY_OK : TRY_NO_MATCH;
	case DANCE_USAGE_DANE_TA: return try_dane_ta(r, p, opts, why, why_size);
	default: return try_pkix(r, p, opts, why, why_size);
	}
}

static void describe(const dance_tlsa_t *r, size_t index, char *buf,
                     size_t size)
{
	snprintf(buf, size, "TLSA %u %u %u record %zu", r->usage, r->selector,
	         r->mtype, index);
}

/* Tries every considered record; fills out. */
static void match_records(const dance_tlsa_set_t *set, const presented_t *p,
                          const dance_match_opts_t *opts,
                          dance_match_result_t *out)
{
	agility_t ag;
	char why[DANCE_REASON_MAX] = "";
	char rec[64];
	dance_match_outcome_t best_failure = DANCE_MATCH_NONE;
	agility_scan(set, p->creds->type, opts, &ag);
	for (size_t i = 0; i < set->count; i++) {
		const dance_tlsa_t *r = &set->records[i];
		if (!dance_tlsa_usable(r, p->creds->type, opts) ||
		    !considered(r, &ag)) {
			continue;
		}
		out->usable++;
		try_result_t t = try_record(r, p, opts, why, sizeof(why));
		describe(r, i, rec, sizeof(rec));
		if (t == TRY_OK) {
			out->outcome = DANCE_MATCH_OK;
			out->index = (int)i;
			set_detail(out, "%s matched", rec);
			return;
		}
		if (t == TRY_PATH && best_failure == DANCE_MATCH_NONE) {
			best_failure = DANCE_MATCH_TA_PATH;
			set_detail(out,
			           "%s matched a trust anchor, but the "
			           "chain does not verify to it: %s",
			           rec, why);
		} else if (t == TRY_NAME &&
		           best_failure != DANCE_MATCH_TA_NAME) {
			best_failure = DANCE_MATCH_TA_NAME;
			set_detail(out, "%s: chain verifies, but %s", rec, why);
		}
	}
	if (out->usable == 0) {
		out->outcome = DANCE_MATCH_NO_USABLE;
		set_detail(out,
		           "none of the %zu TLSA records is usable for a "
		           "%s",
		           set->count,
		           p->creds->type == DANCE_CRED_RAWPK ? "raw public key"
		                                              : "certificate");
		return;
	}
	out->outcome = best_failure;
	if (best_failure == DANCE_MATCH_NONE) {
		set_detail(out,
		           "none of the %zu usable TLSA records matches "
		           "the presented %s",
		           out->usable,
		           p->creds->type == DANCE_CRED_RAWPK ? "key"
		                                              : "certificate");
	}
}

void dance_match(const dance_tlsa_set_t *set, const dance_creds_t *creds,
                 const dance_match_opts_t *opts, dance_match_result_t *out)
{
	presented_t p;
	dance_error_t err;
	memset(out, 0, sizeof(*out));
	out->index = -1;
	if (creds == NULL || creds->count == 0 || creds->certs == NULL) {
		out->outcome = DANCE_MATCH_NO_CREDS;
		set_detail(out, "the peer presented no certificate or key");
		return;
	}
	if (presented_open(creds, &p, &err) != DANCE_OK) {
		out->outcome = DANCE_MATCH_BAD_CREDS;
		set_detail(out, "%s", err.reason);
		return;
	}
	match_records(set, &p, opts, out);
	presented_close(&p);
}

const char *dance_match_outcome_name(dance_match_outcome_t outcome)
{
	switch (outcome) {
	case DANCE_MATCH_OK: return "ok";
	case DANCE_MATCH_NONE: return "no-match";
	case DANCE_MATCH_NO_USABLE: return "no-usable-record";
	case DANCE_MATCH_NO_CREDS: return "no-credentials";
	case DANCE_MATCH_BAD_CREDS: return "bad-credentials";
	case DANCE_MATCH_TA_PATH: return "ta-path-invalid";
	case DANCE_MATCH_TA_NAME: return "ta-name-mismatch";
	}
	return "invalid";
}
