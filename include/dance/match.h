/* dance/match.h: matching presented credentials against a TLSA set
 * (RFC 6698 section 2.1, RFC 7671, RFC 7250 raw public keys).
 *
 * DANE-EE(3): the leaf certificate (selector 0) or its SPKI (selector 1)
 * matches; names and validity dates are ignored (RFC 7671 5.1).
 * DANE-TA(2): the path is built from the leaf through the presented
 * certificates (any order; unrelated ones are ignored) and the full
 * certificates of 0 0 0 / 2 0 0 records (RFC 7671 5.2.2: they stand in for
 * certificates the peer left out). The record matches a certificate on
 * that path at depth >= 1 (a self-issued leaf is its own issuer, so depth
 * 0 counts for it), the lowest such depth wins, as in OpenSSL; a 2 1 0
 * record may instead be the key that signed the top of the path. The path
 * up to the TA verifies with GnuTLS (signatures, CA and key usage, path
 * length, name constraints; dates of every certificate on it, the TA
 * certificate's own included, as OpenSSL checks them), and the leaf
 * carries the expected client name in a SAN dNSName
 * (draft-ietf-dance-client-auth).
 * PKIX-TA(0)/PKIX-EE(1): usable only when a CA file is given; the path is
 * built trusted-first to a certificate of the CA file, verified, and the
 * record must match a certificate on that validated path: the leaf for
 * PKIX-EE, a CA above it for PKIX-TA, the anchor from the CA file
 * included whether presented or not (RFC 7671 5.4); then the name rule.
 * DANE-EE is tried first, then DANE-TA, then PKIX.
 * Raw public keys: only DANE-EE SPKI records (3 1 x) can match.
 * Unusable records (unknown usage/selector/mtype, PKIX without CA file) are
 * skipped; digest agility per RFC 7671 section 9: for each usage+selector
 * only the strongest digest type present that is supported is used
 * (SHA2-512 over SHA2-256), Full(0) records are always used.
 */
#ifndef DANCE_MATCH_H
#define DANCE_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "dance/error.h"
#include "dance/tlsa.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dance_cred_type {
	DANCE_CRED_X509 = 0,  /* certs: DER certificates, leaf first */
	DANCE_CRED_RAWPK = 1, /* certs[0]: DER SubjectPublicKeyInfo */
} dance_cred_type_t;

/* What the peer presented. Does not own the data. */
typedef struct dance_creds {
	dance_cred_type_t type;
	const gnutls_datum_t *certs;
	size_t count;
} dance_creds_t;

typedef struct dance_match_opts {
	/* Client name (normalised) a DANE-TA/PKIX leaf must carry as a SAN
	 * dNSName. NULL: such records can not match (reason says so). */
	const char *name;
	/* PEM CA bundle that makes PKIX usages 0/1 usable; NULL: unusable. */
	const char *pkix_ca_file;
	/* Verification time for chains; 0 means now. */
	time_t now;
} dance_match_opts_t;

typedef enum dance_match_outcome {
	DANCE_MATCH_OK = 0,    /* a usable record matched */
	DANCE_MATCH_NONE,      /* usable records, none matched */
	DANCE_MATCH_NO_USABLE, /* no usable record in the set */
	DANCE_MATCH_NO_CREDS,  /* peer presented nothing */
	DANCE_MATCH_BAD_CREDS, /* presented data does not parse */
	DANCE_MATCH_TA_PATH,   /* a TA record matched, but no valid path */
	DANCE_MATCH_TA_NAME,   /* TA path valid, name not in SAN */
} dance_match_outcome_t;

typedef struct dance_match_result {
	dance_match_outcome_t outcome;
	int index;     /* matched record in the set, -1 if none */
	size_t usable; /* number of usable records considered */
	char detail[DANCE_REASON_MAX]; /* one sentence, why */
} dance_match_result_t;

/* Matches creds against set. Never fails: every problem is an outcome with
 * its detail. opts may be NULL (no name, no CA file, now). Digests creds
 * for this one call; dance_match_peer reuses a dance_peer_t. */
void dance_match(const dance_tlsa_set_t *set, const dance_creds_t *creds,
                 const dance_match_opts_t *opts, dance_match_result_t *out);

/* A peer's credentials digested once: the certificates parsed, the leaf's
 * key and the SHA-256/SHA-512 digests of every certificate and key, the
 * leaf's SAN dNSNames. Make one per TLS connection (it does not change
 * while the connection lives) and pass it to every decision on it.
 * Immutable: any number of threads may read one at once. It copies what
 * it needs except the certificate DER, which creds must keep alive. */
typedef struct dance_peer dance_peer_t;

/* EINVAL when there is nothing, or the leaf (or raw key) does not parse
 * (the reason says why); ENOMEM. *out is NULL on failure. */
dance_code_t dance_peer_new(const dance_creds_t *creds, dance_peer_t **out,
                            dance_error_t *err);
void dance_peer_free(dance_peer_t *peer);

dance_cred_type_t dance_peer_type(const dance_peer_t *peer);
/* SHA-256 of the leaf's SubjectPublicKeyInfo (32 bytes), and as lower-case
 * hex into hex (65 bytes). */
const uint8_t *dance_peer_spki_sha256(const dance_peer_t *peer);
void dance_peer_spki_sha256_hex(const dance_peer_t *peer, char *hex);

/* As dance_match, on a digested peer (no parsing, no hashing of the
 * peer's credentials). */
void dance_match_peer(const dance_tlsa_set_t *set, const dance_peer_t *peer,
                      const dance_match_opts_t *opts,
                      dance_match_result_t *out);

/* True when the record is usable for these creds and options (see above),
 * ignoring digest agility. */
int dance_tlsa_usable(const dance_tlsa_t *rec, dance_cred_type_t type,
                      const dance_match_opts_t *opts);

/* Short name of an outcome ("ok", "no-match", ...). */
const char *dance_match_outcome_name(dance_match_outcome_t outcome);

/* The DER SubjectPublicKeyInfo of a DER certificate (malloc'ed into
 * spki->data, free with gnutls_free). */
dance_code_t dance_cert_spki(const gnutls_datum_t *cert_der,
                             gnutls_datum_t *spki, dance_error_t *err);

/* SHA-256 of the SPKI of the creds' leaf (or raw key), lower-case hex into
 * hex (65 bytes). Used in logs to name an unknown key. */
dance_code_t dance_creds_spki_sha256_hex(const dance_creds_t *creds, char *hex,
                                         dance_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
