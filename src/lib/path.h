/* path.h: certification paths from the leaf, built by us and checked by
 * GnuTLS's verifier link by link against exactly one anchor.
 *
 * Building the path ourselves (not handing GnuTLS everything) is what lets
 * a DANE-TA record match at any depth: GnuTLS, given the whole presented
 * chain and an intermediate as anchor, insists on reaching the top. */
#ifndef DANCE_PATH_H
#define DANCE_PATH_H

#include <stddef.h>
#include <time.h>

#include "chain.h"

#define PATH_MAX_DEPTH 16

/* Certificates (borrowed from the pool or the store): [0] the leaf, each
 * next one the issuer of the previous one. */
typedef struct path {
	const chain_cert_t *cert[PATH_MAX_DEPTH];
	size_t len;
} path_t;

/* The path from the leaf (chain index 0) through the certificates the
 * peer presented and those of full-certificate TLSA records, each step to
 * an issuer (name and signature; a currently valid one first) not yet on
 * the path. It ends at a self-issued certificate, where no issuer is
 * found, or at PATH_MAX_DEPTH. */
void path_build(const chain_view_t *pool, time_t now, path_t *out);

/* A PKIX path: from the leaf to a self-issued CA file certificate, its
 * anchor, which is the last element when has_anchor. */
typedef struct pkix_path {
	path_t path;
	int has_anchor;
} pkix_path_t;

/* As path_build, but at each step a CA file certificate that issued the
 * current one is taken first, as OpenSSL's trusted-first chain building
 * does; after one, only the CA file is searched. The path is anchored only
 * when it ends at a self-issued CA file certificate (a presented one
 * counts when the CA file holds the same certificate): a CA file
 * intermediate is a step, not an anchor, as OpenSSL without partial
 * chains decides. */
void path_build_pkix(const chain_view_t *pool, const chain_t *store, time_t now,
                     pkix_path_t *out);

/* Verifies the first n certificates of path (n >= 1) against anchor as
 * the only trust anchor: signatures, CA and key-usage rules, path length
 * and name constraints by GnuTLS; validity dates at now of those
 * certificates and, when anchor_dates, of the anchor. Callers ask for the
 * anchor's dates when it is a self-issued certificate: RFC 5280 (6.1.1)
 * gives a trust anchor no validity period, and OpenSSL checks one only
 * on a self-issued top of the chain. The anchor may be the last of the n
 * (a self-issued leaf as its own anchor). 1 valid, else 0 and why. */
int path_verify(const path_t *path, size_t n, gnutls_x509_crt_t anchor,
                int anchor_dates, time_t now, char *why, size_t why_size);

#endif
