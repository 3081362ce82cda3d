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

/* Indexes into a chain_t: [0] the leaf, each next one the issuer of the
 * previous one. */
typedef struct path {
	size_t idx[PATH_MAX_DEPTH];
	size_t len;
} path_t;

/* The path from the leaf (chain index 0) through the certificates the
 * peer presented and those of full-certificate TLSA records, each step to
 * an issuer (name and signature; a currently valid one first) not yet on
 * the path. It ends at a self-issued certificate, where no issuer is
 * found, or at PATH_MAX_DEPTH. */
void path_build(const chain_view_t *pool, time_t now, path_t *out);

/* Where a PKIX path ends: the anchor in the store, or none. */
typedef struct pkix_path {
	path_t path;   /* from the leaf, untrusted certificates only */
	size_t anchor; /* index in the store when has_anchor */
	int has_anchor;
} pkix_path_t;

/* As path_build, but at each step a CA file certificate that issued the
 * current one is taken first (and ends the path as its anchor), as
 * OpenSSL's trusted-first chain building does. */
void path_build_pkix(const chain_view_t *pool, const chain_t *store, time_t now,
                     pkix_path_t *out);

/* Verifies the first n certificates of path (n >= 1) against anchor as
 * the only trust anchor: signatures, CA and key-usage rules, path length
 * and name constraints by GnuTLS; validity dates at now of those
 * certificates and, when anchor_dates, of the anchor (OpenSSL checks a
 * DANE-TA certificate's dates too). The anchor may be the last of the n
 * (a self-issued leaf as its own anchor). 1 valid, else 0 and why. */
int path_verify(const chain_view_t *pool, const path_t *path, size_t n,
                gnutls_x509_crt_t anchor, int anchor_dates, time_t now,
                char *why, size_t why_size);

#endif
