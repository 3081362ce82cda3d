/* peer_digest.h: the inside of dance_peer_t (see dance/match.h), for the parts
 * of libdance that read a peer's digested credentials. */
#ifndef DANCE_PEER_INTERNAL_H
#define DANCE_PEER_INTERNAL_H

#include "chain.h"
#include "dance/match.h"
#include "dance/name.h"

struct dance_peer {
	dance_cred_type_t type;
	/* X.509: the presented certificates that parse, leaf first (a later
	 * one that does not parse is left out: it can be on no path). */
	chain_t chain;
	/* The leaf's SubjectPublicKeyInfo (for a raw key: the key itself)
	 * and its digests; the leaf certificate's digests (X.509 only). */
	gnutls_datum_t spki; /* owned (gnutls_free) */
	chain_digests_t spki_digests;
	const chain_digests_t *cert_digests; /* NULL for a raw key */
	const gnutls_datum_t *leaf_der;      /* NULL for a raw key */
	/* The leaf's SAN dNSNames, read once (X.509 only). */
	dance_name_list_t names;
	dance_san_scan_t scan; /* what reading them found (VULN-2, WEAK-6) */
	int names_ok;          /* 0 when the SAN could not be read */
};

#endif
