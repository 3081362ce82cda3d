/* path.c: building certification paths and verifying them against one
 * anchor (see path.h). */
#include "path.h"

#include <stdio.h>
#include <string.h>

static int on_path(const path_t *path, const chain_cert_t *cert)
{
	for (size_t i = 0; i < path->len; i++) {
		if (path->cert[i] == cert) {
			return 1;
		}
	}
	return 0;
}

/* How good a candidate issuer is: 0 none, 1 by name only (OpenSSL takes
 * such a one too, and the path check then reports the bad signature),
 * 2 name and signature, 3 and valid at now. */
static int issuer_rank(const chain_cert_t *child, const chain_cert_t *cand,
                       time_t now)
{
	if (child == cand ||
	    !gnutls_x509_crt_check_issuer(child->crt, cand->crt)) {
		return 0;
	}
	if (!chain_signed_by(child, cand->crt)) {
		return 1;
	}
	return chain_cert_current(cand, now) ? 3 : 2;
}

/* The best issuer of child among the pool's untrusted certificates not yet
 * on the path (the first of the best rank). */
static const chain_cert_t *find_issuer(const chain_view_t *pool,
                                       const path_t *path,
                                       const chain_cert_t *child, time_t now)
{
	const chain_cert_t *found = NULL;
	int best = 0;
	for (size_t i = 1; i < pool->count && best < 3; i++) {
		const chain_cert_t *cand = pool->certs[i];
		if (cand->origin == CHAIN_FROM_STORE || on_path(path, cand)) {
			continue;
		}
		int rank = issuer_rank(child, cand, now);
		if (rank > best) {
			best = rank;
			found = cand;
		}
	}
	return found;
}

/* An issuer of child in the store (trusted) not yet on the path, one
 * valid at now first. */
static const chain_cert_t *find_store_issuer(const chain_t *store,
                                             const path_t *path,
                                             const chain_cert_t *child,
                                             time_t now)
{
	const chain_cert_t *found = NULL;
	for (size_t i = 0; i < store->count; i++) {
		const chain_cert_t *cand = &store->certs[i];
		if (cand == child || on_path(path, cand) ||
		    !chain_issued_by(child, cand)) {
			continue;
		}
		if (chain_cert_current(cand, now)) {
			return cand;
		}
		if (found == NULL) {
			found = cand;
		}
	}
	return found;
}

/* The store's copy of cert (same DER), or NULL. */
static const chain_cert_t *store_copy(const chain_t *store,
                                      const chain_cert_t *cert)
{
	if (cert->origin == CHAIN_FROM_STORE) {
		return cert;
	}
	for (size_t i = 0; i < store->count; i++) {
		const chain_cert_t *cand = &store->certs[i];
		if (cand->der.size == cert->der.size &&
		    memcmp(cand->der.data, cert->der.data, cert->der.size) ==
		            0) {
			return cand;
		}
	}
	return NULL;
}

void path_build(const chain_view_t *pool, time_t now, path_t *out)
{
	memset(out, 0, sizeof(*out));
	if (pool->count == 0) {
		return;
	}
	out->cert[out->len++] = pool->certs[0];
	while (out->len < PATH_MAX_DEPTH) {
		const chain_cert_t *cur = out->cert[out->len - 1];
		const chain_cert_t *next;
		if (cur->self_issued ||
		    (next = find_issuer(pool, out, cur, now)) == NULL) {
			return;
		}
		out->cert[out->len++] = next;
	}
}

void path_build_pkix(const chain_view_t *pool, const chain_t *store, time_t now,
                     pkix_path_t *out)
{
	memset(out, 0, sizeof(*out));
	if (pool->count == 0) {
		return;
	}
	path_t *p = &out->path;
	p->cert[p->len++] = pool->certs[0];
	int trusted = 0; /* a CA file certificate is on the path */
	while (p->len < PATH_MAX_DEPTH) {
		const chain_cert_t *cur = p->cert[p->len - 1];
		if (cur->self_issued) {
			/* The top: an anchor only when the CA file has it. */
			const chain_cert_t *copy = store_copy(store, cur);
			if (copy != NULL) {
				p->cert[p->len - 1] = copy;
				out->has_anchor = 1;
			}
			return;
		}
		const chain_cert_t *next =
		        find_store_issuer(store, p, cur, now);
		if (next != NULL) {
			trusted = 1;
		} else if (trusted ||
		           (next = find_issuer(pool, p, cur, now)) == NULL) {
			return;
		}
		p->cert[p->len++] = next;
	}
}

static int dates_valid(const path_t *path, size_t n, gnutls_x509_crt_t anchor,
                       int anchor_dates, time_t now, char *why, size_t why_size)
{
	for (size_t i = 0; i < n; i++) {
		const chain_cert_t *cert = path->cert[i];
		if (!chain_cert_current(cert, now)) {
			snprintf(
			        why, why_size,
			        "%s certificate at depth %zu is expired or not "
			        "yet valid",
			        i == 0 ? "the leaf" : "the intermediate", i);
			return 0;
		}
	}
	if (anchor_dates && !chain_crt_current(anchor, now)) {
		snprintf(why, why_size,
		         "the trust anchor certificate at depth %zu is expired "
		         "or not yet valid",
		         n);
		return 0;
	}
	return 1;
}

/* A copy of crt for a trust list, which takes ownership. */
static int crt_copy(gnutls_x509_crt_t crt, gnutls_x509_crt_t *out)
{
	gnutls_datum_t der = {NULL, 0};
	*out = NULL;
	int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(out);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_import(*out, &der, GNUTLS_X509_FMT_DER);
	}
	gnutls_free(der.data);
	if (rc < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
	}
	return rc;
}

static int verify_links(const path_t *path, size_t n, gnutls_x509_crt_t anchor,
                        char *why, size_t why_size)
{
	gnutls_x509_crt_t crts[PATH_MAX_DEPTH];
	gnutls_x509_trust_list_t list = NULL;
	gnutls_x509_crt_t copy = NULL;
	unsigned status = 0;
	for (size_t i = 0; i < n; i++) {
		crts[i] = path->cert[i]->crt;
	}
	int rc = gnutls_x509_trust_list_init(&list, 0);
	if (rc >= 0) {
		rc = crt_copy(anchor, &copy);
	}
	if (rc >= 0) {
		rc = gnutls_x509_trust_list_add_cas(list, &copy, 1, 0);
		if (rc < 0) {
			gnutls_x509_crt_deinit(copy);
		}
	}
	if (rc >= 0) {
		/* Dates are checked by dates_valid, at the caller's time. */
		rc = gnutls_x509_trust_list_verify_crt2(
		        list, crts, (unsigned)n, NULL, 0,
		        GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
		                GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
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
		                           : "the path does not verify");
		gnutls_free(text.data);
		return 0;
	}
	return 1;
}

int path_verify(const path_t *path, size_t n, gnutls_x509_crt_t anchor,
                int anchor_dates, time_t now, char *why, size_t why_size)
{
	if (n == 0 || n > path->len) {
		snprintf(why, why_size, "empty path");
		return 0;
	}
	return dates_valid(path, n, anchor, anchor_dates, now, why, why_size) &&
	       verify_links(path, n, anchor, why, why_size);
}
