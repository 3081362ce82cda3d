/* chain.h: the certificates a DANE decision works on, parsed once: what the
 * peer presented (leaf first, the rest in any order), the full certificates
 * of TLSA records that may stand in for intermediates the peer left out
 * (RFC 7671 5.2.2), and the certificates of a PKIX CA file. Each carries
 * its DER, the parsed certificate, its SubjectPublicKeyInfo and digests
 * computed at most once. */
#ifndef DANCE_CHAIN_H
#define DANCE_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "dance/error.h"
#include "dance/tlsa.h"

/* Where a certificate of a chain_t came from. */
typedef enum chain_origin {
	CHAIN_PRESENTED,  /* sent by the peer */
	CHAIN_FROM_TLSA,  /* a full-certificate TLSA record (x 0 0) */
	CHAIN_FROM_STORE, /* the PKIX CA file (trusted) */
} chain_origin_t;

/* Digests of one object, computed when the certificate is added, so that
 * matching only compares bytes and a chain can be shared read-only. */
typedef struct chain_digests {
	uint8_t sha256[32];
	uint8_t sha512[64];
} chain_digests_t;

typedef struct chain_cert {
	chain_origin_t origin;
	gnutls_datum_t der; /* borrowed unless owned_der */
	int owned_der;      /* der.data is ours (gnutls_free) */
	gnutls_x509_crt_t crt;
	gnutls_datum_t spki; /* owned (gnutls_free) */
	int self_issued;     /* subject DN equals issuer DN */
	chain_digests_t cert_digests, spki_digests;
} chain_cert_t;

typedef struct chain {
	chain_cert_t *certs; /* owned; [0] is the leaf when presented */
	size_t count, cap;
} chain_t;

/* Certificates from several chains seen as one (borrowed pointers): the
 * peer's, then those of TLSA records. */
#define CHAIN_VIEW_MAX 64
typedef struct chain_view {
	const chain_cert_t *certs[CHAIN_VIEW_MAX];
	size_t count;
} chain_view_t;

/* Appends c's certificates to v (as many as fit). */
void chain_view_add(chain_view_t *v, const chain_t *c);

void chain_init(chain_t *c);
void chain_free(chain_t *c);

/* Adds a DER certificate (borrowed: it must outlive c). DANCE_EINVAL when
 * it does not parse, with the reason naming its place. */
dance_code_t chain_add(chain_t *c, const gnutls_datum_t *der,
                       chain_origin_t origin, dance_error_t *err);

/* Adds every certificate of a PEM file (copied), origin CHAIN_FROM_STORE.
 * DANCE_EINVAL when the file cannot be read or holds no certificate. */
dance_code_t chain_add_pem_file(chain_t *c, const char *path,
                                dance_error_t *err);

/* True when the record's data is this certificate (selector 0) or its
 * SubjectPublicKeyInfo (selector 1), in full or by digest. */
int chain_cert_matches(const chain_cert_t *cert, const dance_tlsa_t *rec);

/* True when the record's data (selector, matching type) is obj. */
int chain_object_matches(const gnutls_datum_t *obj,
                         const chain_digests_t *digests,
                         const dance_tlsa_t *rec);

/* Fills digests of obj. 0, or -1 when hashing fails. */
int chain_digest(const gnutls_datum_t *obj, chain_digests_t *digests);

/* True when issuer's name is child's issuer name and issuer's key verifies
 * child's signature. */
int chain_issued_by(const chain_cert_t *child, const chain_cert_t *issuer);

/* True when issuer (a parsed certificate) names child's issuer and its key
 * verifies child's signature. */
int chain_signed_by(const chain_cert_t *child, gnutls_x509_crt_t issuer);

/* True when the certificate is valid at now. */
int chain_cert_current(const chain_cert_t *cert, time_t now);
int chain_crt_current(gnutls_x509_crt_t crt, time_t now);

#endif
