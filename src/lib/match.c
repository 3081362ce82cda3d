/* match.c: TLSA matching of presented credentials (RFC 6698 2.1,
 * RFC 7671 sections 5 and 9, RFC 7250). */
#include "dance/match.h"
#include "anchor.h"
#include "chain.h"
#include "path.h"
#include "peer_digest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "dance/name.h"

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

static time_t opts_now(const dance_match_opts_t *opts)
{
	return opts != NULL && opts->now != 0 ? opts->now : time(NULL);
}

dance_code_t dance_creds_spki_sha256_hex(const dance_creds_t *creds, char *hex,
                                         dance_error_t *err)
{
	dance_peer_t *peer = NULL;
	dance_code_t rc = dance_peer_new(creds, &peer, err);
	if (rc == DANCE_OK) {
		dance_peer_spki_sha256_hex(peer, hex);
	}
	dance_peer_free(peer);
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

/* One matching: the peer's certificates (and the full certificates of
 * TLSA records, which may stand in for intermediates the peer left out),
 * the set, the options, and the best failure so far. */
typedef struct matcher {
	const dance_tlsa_set_t *set;
	const dance_match_opts_t *opts;
	const dance_peer_t *peer;
	agility_t ag;
	time_t now;
	chain_t extras;    /* certificates of 0 0 0 / 2 0 0 records */
	chain_view_t pool; /* the peer's, then the extras */
	char name_why[DANCE_REASON_MAX];
	dance_match_outcome_t failure;
	char failure_detail[DANCE_REASON_MAX];
	dance_match_result_t *out;
} matcher_t;

/* The records of one usage that take part (usable, and not a weaker digest
 * than another record of the same usage and selector). */
static int takes_part(const matcher_t *m, size_t i, uint8_t usage)
{
	const dance_tlsa_t *r = &m->set->records[i];
	return r->usage == usage &&
	       dance_tlsa_usable(r, m->peer->type, m->opts) &&
	       considered(r, &m->ag);
}

static int any_record(const matcher_t *m, uint8_t usage)
{
	for (size_t i = 0; i < m->set->count; i++) {
		if (takes_part(m, i, usage)) {
			return 1;
		}
	}
	return 0;
}

static void describe(const dance_tlsa_t *r, size_t index, char *buf,
                     size_t size)
{
	snprintf(buf, size, "TLSA %u %u %u record %zu", r->usage, r->selector,
	         r->mtype, index);
}

static void matched(matcher_t *m, size_t index)
{
	char rec[64];
	describe(&m->set->records[index], index, rec, sizeof(rec));
	m->out->outcome = DANCE_MATCH_OK;
	m->out->index = (int)index;
	set_detail(m->out, "%s matched", rec);
}

/* Keeps the most telling failure: a name mismatch on a valid path, then a
 * matched record whose path does not verify, then nothing matched. */
static void failed(matcher_t *m, dance_match_outcome_t outcome, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
static void failed(matcher_t *m, dance_match_outcome_t outcome, const char *fmt,
                   ...)
{
	if (m->failure == DANCE_MATCH_TA_NAME ||
	    (m->failure == DANCE_MATCH_TA_PATH &&
	     outcome != DANCE_MATCH_TA_NAME)) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->failure_detail, sizeof(m->failure_detail), fmt, ap);
	va_end(ap);
	m->failure = outcome;
}

/* The name rule of DANE-TA and the PKIX usages
 * (draft-ietf-dance-client-auth): the client name must be a SAN dNSName of
 * the leaf. Checked once per matching. */
static int leaf_has_name(matcher_t *m)
{
	const dance_match_opts_t *opts = m->opts;
	if (opts == NULL || opts->name == NULL) {
		snprintf(m->name_why, sizeof(m->name_why),
		         "no client name to check the SAN against");
		return 0;
	}
	if (!m->peer->names_ok) {
		snprintf(m->name_why, sizeof(m->name_why),
		         "leaf SAN names unreadable");
		return 0;
	}
	for (size_t i = 0; i < m->peer->names.count; i++) {
		if (dance_cert_name_equal(m->peer->names.names[i],
		                          opts->name)) {
			return 1;
		}
	}
	snprintf(m->name_why, sizeof(m->name_why), "leaf has no SAN dNSName %s",
	         opts->name);
	return 0;
}

/* A matched TA or PKIX record on a valid path: the name decides. */
static int path_ok(matcher_t *m, size_t index)
{
	char rec[64];
	if (leaf_has_name(m)) {
		matched(m, index);
		return 1;
	}
	describe(&m->set->records[index], index, rec, sizeof(rec));
	failed(m, DANCE_MATCH_TA_NAME, "%s: chain verifies, but %s", rec,
	       m->name_why);
	return 0;
}

/* DANE-EE(3): the leaf certificate or its key; names and dates are
 * ignored (RFC 7671 5.1). */
static int try_dane_ee(matcher_t *m)
{
	const dance_peer_t *peer = m->peer;
	for (size_t i = 0; i < m->set->count; i++) {
		if (!takes_part(m, i, DANCE_USAGE_DANE_EE)) {
			continue;
		}
		const dance_tlsa_t *r = &m->set->records[i];
		int hit = peer->type == DANCE_CRED_RAWPK
		                  ? chain_object_matches(&peer->spki,
		                                         &peer->spki_digests, r)
		                  : chain_cert_matches(m->pool.certs[0], r);
		if (hit) {
			matched(m, i);
			return 1;
		}
	}
	return 0;
}

/* The full certificates of 0 0 0 and 2 0 0 records join the untrusted
 * certificates: RFC 7671 5.2.2 lets a 2 0 0 record supply a TA the peer
 * did not send, and OpenSSL does the same for 0 0 0. Unparsable ones are
 * left out (they can match nothing). */
static void pool_add_record_certs(matcher_t *m)
{
	for (size_t i = 0; i < m->set->count; i++) {
		const dance_tlsa_t *r = &m->set->records[i];
		if ((r->usage != DANCE_USAGE_DANE_TA &&
		     r->usage != DANCE_USAGE_PKIX_TA) ||
		    r->selector != DANCE_SELECTOR_CERT ||
		    r->mtype != DANCE_MTYPE_FULL) {
			continue;
		}
		gnutls_datum_t der = {r->data, (unsigned)r->data_len};
		(void)chain_add(&m->extras, &der, CHAIN_FROM_TLSA, NULL);
	}
	chain_view_add(&m->pool, &m->extras);
}

/* The first depth of the path (from 1, or 0 for a self-issued leaf, which
 * is its own issuer) whose certificate a DANE-TA record matches: OpenSSL
 * trusts the chain at the lowest such depth. */
static int ta_in_path(matcher_t *m, const path_t *path, size_t *depth,
                      size_t *index)
{
	size_t first = m->pool.certs[0]->self_issued ? 0 : 1;
	for (size_t d = first; d < path->len; d++) {
		const chain_cert_t *cert = path->cert[d];
		for (size_t i = 0; i < m->set->count; i++) {
			if (takes_part(m, i, DANCE_USAGE_DANE_TA) &&
			    chain_cert_matches(cert, &m->set->records[i])) {
				*depth = d;
				*index = i;
				return 1;
			}
		}
	}
	return 0;
}

/* A 2 1 0 record's key as the issuer of the top of the path (the peer sent
 * no certificate for the TA). First the one link to the key, so a key that
 * did not sign the top is no match; then the whole path. */
static int try_ta_key(matcher_t *m, const path_t *path, size_t index)
{
	const dance_tlsa_t *r = &m->set->records[index];
	const chain_cert_t *top = path->cert[path->len - 1];
	gnutls_datum_t spki = {r->data, (unsigned)r->data_len};
	gnutls_x509_crt_t anchor = NULL;
	char why[DANCE_REASON_MAX] = "", rec[64];
	if (r->selector != DANCE_SELECTOR_SPKI ||
	    r->mtype != DANCE_MTYPE_FULL || top->self_issued ||
	    dance_anchor_from_key(&spki, top->crt, &anchor) < 0) {
		return 0;
	}
	int signed_top = chain_signed_by(top, anchor);
	int ok = signed_top && path_verify(path, path->len, anchor, 0, m->now,
	                                   why, sizeof(why));
	gnutls_x509_crt_deinit(anchor);
	if (ok) {
		return path_ok(m, index);
	}
	if (signed_top) {
		describe(r, index, rec, sizeof(rec));
		failed(m, DANCE_MATCH_TA_PATH,
		       "%s is the key that signed the certificate at depth "
		       "%zu, but the path to it does not verify: %s",
		       rec, path->len - 1, why);
	}
	return 0;
}

/* DANE-TA(2): a record matches a certificate on the path from the leaf,
 * or is the key that signed the top of it; the path up to that TA
 * verifies, and the leaf carries the client name. The TA certificate's own
 * dates count only when it is self-issued (path.h: RFC 5280 gives a trust
 * anchor none, OpenSSL checks a self-issued top's), so an expired
 * intermediate named by a 2 x x record is still that TA, as in OpenSSL. */
static int try_dane_ta(matcher_t *m)
{
	path_t path;
	size_t depth, index;
	char why[DANCE_REASON_MAX] = "", rec[64];
	path_build(&m->pool, m->now, &path);
	if (ta_in_path(m, &path, &depth, &index)) {
		const chain_cert_t *ta = path.cert[depth];
		size_t n = depth == 0 ? 1 : depth;
		if (path_verify(&path, n, ta->crt, ta->self_issued, m->now, why,
		                sizeof(why))) {
			return path_ok(m, index);
		}
		describe(&m->set->records[index], index, rec, sizeof(rec));
		failed(m, DANCE_MATCH_TA_PATH,
		       "%s matched the certificate at depth %zu, but the path "
		       "to that trust anchor does not verify: %s",
		       rec, depth, why);
		return 0;
	}
	for (size_t i = 0; i < m->set->count; i++) {
		if (takes_part(m, i, DANCE_USAGE_DANE_TA) &&
		    try_ta_key(m, &path, i)) {
			return 1;
		}
	}
	return 0;
}

/* Which certificate of a PKIX path a record matches: the leaf for
 * PKIX-EE(1); for PKIX-TA(0) a CA above the leaf, the anchor from the CA
 * file included (RFC 7671 5.4: it need not have been presented). Sets
 * depth; 0 when it matches none. */
static int pkix_record_on_path(matcher_t *m, const dance_tlsa_t *r,
                               const pkix_path_t *pp, size_t *depth)
{
	const path_t *path = &pp->path;
	if (r->usage == DANCE_USAGE_PKIX_EE) {
		*depth = 0;
		return chain_cert_matches(m->pool.certs[0], r);
	}
	/* A self-issued leaf is its own issuer (depth 1 for OpenSSL). */
	size_t first = m->pool.certs[0]->self_issued ? 0 : 1;
	for (size_t d = first; d < path->len; d++) {
		if (chain_cert_matches(path->cert[d], r)) {
			*depth = d;
			return 1;
		}
	}
	return 0;
}

/* PKIX-TA(0)/PKIX-EE(1): the chain validates to the CA file, and the
 * record matches a certificate on that validated path; then the name. */
static int try_pkix(matcher_t *m)
{
	chain_t store;
	pkix_path_t pp;
	dance_error_t err;
	char why[DANCE_REASON_MAX] = "", rec[64];
	int valid = 0;
	chain_init(&store);
	if (chain_add_pem_file(&store, m->opts->pkix_ca_file, &err) !=
	    DANCE_OK) {
		snprintf(why, sizeof(why), "%s", err.reason);
		memset(&pp, 0, sizeof(pp));
		pp.path.cert[pp.path.len++] = m->pool.certs[0];
	} else {
		path_build_pkix(&m->pool, &store, m->now, &pp);
		const path_t *p = &pp.path;
		if (!pp.has_anchor) {
			snprintf(why, sizeof(why),
			         "the chain does not reach a self-signed "
			         "certificate of the CA file %s",
			         m->opts->pkix_ca_file);
		} else {
			/* The anchor is the path's last certificate; a
			 * self-signed leaf in the CA file is its own. */
			size_t n = p->len > 1 ? p->len - 1 : 1;
			valid = path_verify(p, n, p->cert[p->len - 1]->crt, 1,
			                    m->now, why, sizeof(why));
		}
	}
	int done = 0;
	for (size_t i = 0; i < m->set->count && !done; i++) {
		size_t depth;
		if ((!takes_part(m, i, DANCE_USAGE_PKIX_TA) &&
		     !takes_part(m, i, DANCE_USAGE_PKIX_EE)) ||
		    !pkix_record_on_path(m, &m->set->records[i], &pp, &depth)) {
			continue;
		}
		if (valid) {
			done = path_ok(m, i);
			continue;
		}
		describe(&m->set->records[i], i, rec, sizeof(rec));
		failed(m, DANCE_MATCH_TA_PATH,
		       "%s matched the %s, but the chain does not verify to "
		       "the "
		       "CA file: %s",
		       rec,
		       depth == 0 ? "leaf"
		                  : "certificate of a CA above the leaf",
		       why);
	}
	chain_free(&store);
	return done;
}

static size_t count_usable(const matcher_t *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->set->count; i++) {
		const dance_tlsa_t *r = &m->set->records[i];
		n += dance_tlsa_usable(r, m->peer->type, m->opts) &&
		     considered(r, &m->ag);
	}
	return n;
}

/* DANE-EE first (cheapest, and it needs no path), then DANE-TA, then the
 * PKIX usages. */
static void match_records(matcher_t *m)
{
	dance_match_result_t *out = m->out;
	dance_cred_type_t type = m->peer->type;
	agility_scan(m->set, type, m->opts, &m->ag);
	out->usable = count_usable(m);
	if (out->usable == 0) {
		out->outcome = DANCE_MATCH_NO_USABLE;
		set_detail(out,
		           "none of the %zu TLSA records is usable for a "
		           "%s",
		           m->set->count,
		           type == DANCE_CRED_RAWPK ? "raw public key"
		                                    : "certificate");
		return;
	}
	if (try_dane_ee(m)) {
		return;
	}
	if (type == DANCE_CRED_X509) {
		pool_add_record_certs(m);
		if (any_record(m, DANCE_USAGE_DANE_TA) && try_dane_ta(m)) {
			return;
		}
		if ((any_record(m, DANCE_USAGE_PKIX_TA) ||
		     any_record(m, DANCE_USAGE_PKIX_EE)) &&
		    try_pkix(m)) {
			return;
		}
	}
	out->outcome = m->failure;
	if (m->failure != DANCE_MATCH_NONE) {
		set_detail(out, "%s", m->failure_detail);
		return;
	}
	set_detail(out,
	           "none of the %zu usable TLSA records matches "
	           "the presented %s",
	           out->usable,
	           type == DANCE_CRED_RAWPK ? "key" : "certificate");
}

void dance_match_peer(const dance_tlsa_set_t *set, const dance_peer_t *peer,
                      const dance_match_opts_t *opts, dance_match_result_t *out)
{
	matcher_t m;
	memset(out, 0, sizeof(*out));
	out->index = -1;
	memset(&m, 0, sizeof(m));
	m.set = set;
	m.opts = opts;
	m.peer = peer;
	m.now = opts_now(opts);
	m.out = out;
	m.failure = DANCE_MATCH_NONE;
	chain_init(&m.extras);
	chain_view_add(&m.pool, &peer->chain);
	match_records(&m);
	chain_free(&m.extras);
}

void dance_match(const dance_tlsa_set_t *set, const dance_creds_t *creds,
                 const dance_match_opts_t *opts, dance_match_result_t *out)
{
	dance_peer_t *peer = NULL;
	dance_error_t err;
	if (creds == NULL || creds->count == 0 || creds->certs == NULL) {
		memset(out, 0, sizeof(*out));
		out->index = -1;
		out->outcome = DANCE_MATCH_NO_CREDS;
		set_detail(out, "the peer presented no certificate or key");
		return;
	}
	if (dance_peer_new(creds, &peer, &err) != DANCE_OK) {
		memset(out, 0, sizeof(*out));
		out->index = -1;
		out->outcome = DANCE_MATCH_BAD_CREDS;
		set_detail(out, "%s", err.reason);
		return;
	}
	dance_match_peer(set, peer, opts, out);
	dance_peer_free(peer);
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
