/* compare.c: judging a case (compare.h). */
#include "compare.h"

#include <string.h>

#include <openssl/x509v3.h>

/* The oracle accepts by default, but not with the name check flags that
 * stand for libdance's rule. */
static int differs_with_flags(dane_oracle_t *o, const dane_case_t *c,
                              const dane_verdict_t *oracle, unsigned flags,
                              dane_verdict_t *alt)
{
	dane_oracle_opts_t opts = {flags, 0};
	if (!oracle->accept) {
		return 0;
	}
	dane_oracle_verify(o, c, &opts, NULL, alt);
	return !alt->accept;
}

static int cn_fallback(dane_oracle_t *o, const dane_case_t *c,
                       const dane_verdict_t *oracle, dane_verdict_t *alt)
{
	return differs_with_flags(o, c, oracle,
	                          X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, alt);
}

static int wildcard(dane_oracle_t *o, const dane_case_t *c,
                    const dane_verdict_t *oracle, dane_verdict_t *alt)
{
	return differs_with_flags(o, c, oracle, X509_CHECK_FLAG_NO_WILDCARDS,
	                          alt);
}

/* OpenSSL with libdance's name rule (the classes above), so that the
 * next class does not take in their cases. */
static const dane_oracle_opts_t libdance_names = {
        X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_WILDCARDS, 0};

/* c without its PKIX-TA/PKIX-EE records (a view: shares the DER). */
static void without_pkix(const dane_case_t *c, dane_case_t *view)
{
	*view = *c;
	view->nrecs = 0;
	for (size_t i = 0; i < c->nrecs; i++) {
		if (c->recs[i].usage > 1) {
			view->recs[view->nrecs] = c->recs[i];
			view->rec_spec[view->nrecs++] = c->rec_spec[i];
		}
	}
}

/* The index in c of record `record` of a view of c. */
static int record_in_case(const dane_case_t *c, const dane_case_t *view,
                          int record)
{
	for (size_t i = 0; i < c->nrecs; i++) {
		if (c->rec_spec[i] == view->rec_spec[record]) {
			return (int)i;
		}
	}
	return record;
}

/* Record `record` of c is a 2 1 0 key of a certificate the peer did not
 * send, and a 0 0 0 record carries that certificate. */
static int key_cert_in_pkix_record(const dane_case_t *c, int record)
{
	const dane_record_t *r = &c->recs[record];
	int slot = c->params.recs[c->rec_spec[record]].slot;
	if (r->selector != 1 || r->mtype != 0 || slot < 0 ||
	    dane_slot_presented(c, slot)) {
		return 0;
	}
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_recspec_t *s = &c->params.recs[c->rec_spec[i]];
		if (c->recs[i].usage == 0 && c->recs[i].selector == 0 &&
		    c->recs[i].mtype == 0 && s->slot == slot &&
		    s->corrupt == DANE_REC_EXACT) {
			return 1;
		}
	}
	return 0;
}

/* OpenSSL refuses, but accepts through a DANE-TA record once the PKIX
 * records are gone: with PKIX records it takes the trust anchor from the
 * CA file and never matches DANE-TA records against that copy. */
static int store_shadows_dane_ta(dane_oracle_t *o, const dane_case_t *c,
                                 const dane_verdict_t *oracle,
                                 dane_verdict_t *alt)
{
	static dane_case_t view; /* large; the harness is single-threaded */
	if (oracle->accept || c->ncafile == 0) {
		return 0;
	}
	without_pkix(c, &view);
	if (view.nrecs == c->nrecs) {
		return 0;
	}
	dane_oracle_verify(o, &view, &libdance_names, NULL, alt);
	if (!alt->accept || alt->record < 0 ||
	    view.recs[alt->record].usage != 2) {
		return 0;
	}
	alt->record = record_in_case(c, &view, alt->record);
	/* A 2 1 0 key whose certificate the peer did not send is a bare
	 * anchor only while no record supplies that certificate: a PKIX
	 * 0 0 0 record of it (gone from the view) makes it the anchor with
	 * its constraints, for libdance as for OpenSSL with that record. */
	return !key_cert_in_pkix_record(c, alt->record);
}

static int in_cafile(const dane_case_t *c, int slot);

/* OpenSSL accepts through a 2 1 0 record of a presented CA that the CA
 * file also holds, but refuses once the PKIX records are gone: with PKIX
 * records it builds the chain to the CA file's copy, does not match DANE
 * records against it, and then takes the record as a bare key that signed
 * the certificate below, leaving out the CA's own constraints (its name
 * constraints, say). Without the PKIX records the presented CA is the
 * trust anchor with its constraints, which is libdance's rule in both. */
static int store_bare_key(dane_oracle_t *o, const dane_case_t *c,
                          const dane_verdict_t *oracle, dane_verdict_t *alt)
{
	static dane_case_t view; /* large; the harness is single-threaded */
	if (!oracle->accept || oracle->record < 0 ||
	    (size_t)oracle->record >= c->nrecs) {
		return 0;
	}
	const dane_record_t *r = &c->recs[oracle->record];
	const dane_recspec_t *s = &c->params.recs[c->rec_spec[oracle->record]];
	if (r->usage != 2 || r->selector != 1 || r->mtype != 0 ||
	    !dane_slot_presented(c, s->slot) || !in_cafile(c, s->slot)) {
		return 0;
	}
	without_pkix(c, &view);
	if (view.nrecs == c->nrecs) {
		return 0;
	}
	dane_oracle_verify(o, &view, &libdance_names, NULL, alt);
	return !alt->accept;
}

/* The view of c with its records of usage `usage` asked as PKIX-EE, the
 * self-signed leaf as the CA file's only certificate. Records about other
 * certificates stay in (they cannot match the leaf), so that digest
 * agility weighs the same records as in c. */
static size_t leaf_as_pkix_ee(const dane_case_t *c, uint8_t usage,
                              dane_case_t *view)
{
	*view = *c;
	view->nrecs = 0;
	view->cafile[0] = 0;
	view->ncafile = 1;
	for (size_t i = 0; i < c->nrecs; i++) {
		if (c->recs[i].usage != usage) {
			continue;
		}
		view->recs[view->nrecs] = c->recs[i];
		view->recs[view->nrecs].usage = 1;
		view->rec_spec[view->nrecs++] = c->rec_spec[i];
	}
	return view->nrecs;
}

/* OpenSSL refuses, but accepts once the DANE-TA records of the
 * self-signed leaf (or its PKIX-TA records, when the CA file holds it)
 * are asked as PKIX-EE with the leaf as the CA file's only certificate:
 * that is libdance's rule for a self-issued leaf as its own trust anchor
 * (names, dates and signature checked). OpenSSL never matches a TA usage
 * at depth 0. Each usage is asked on its own: digest agility (RFC 7671
 * section 9: per usage and selector, only the strongest matching type
 * present counts, on both sides) would otherwise let a 0 1 2 record hide
 * a 2 1 1 record once both are usage 1. */
static int leaf_own_ta(dane_oracle_t *o, const dane_case_t *c,
                       const dane_verdict_t *oracle, dane_verdict_t *alt)
{
	static dane_case_t view; /* large; the harness is single-threaded */
	if (oracle->accept || c->params.depth != 1) {
		return 0;
	}
	static const uint8_t usages[2] = {2, 0};
	for (size_t u = 0; u < 2; u++) {
		if ((usages[u] == 0 && !in_cafile(c, 0)) ||
		    leaf_as_pkix_ee(c, usages[u], &view) == 0) {
			continue;
		}
		dane_oracle_verify(o, &view, &libdance_names, NULL, alt);
		if (alt->accept && alt->record >= 0) {
			alt->record = record_in_case(c, &view, alt->record);
			return 1;
		}
	}
	return 0;
}

const dane_docdiff_t dane_docdiffs[] = {
        {"cn-fallback",
         "DANE-TA/PKIX leaf without a SAN dNSName: OpenSSL checks the "
         "subject CN, libdance requires the name as a SAN dNSName "
         "(draft-ietf-dance-client-auth)",
         cn_fallback, 0},
        {"wildcard",
         "DANE-TA/PKIX leaf with a wildcard SAN (*.zone.example): OpenSSL "
         "matches it, libdance requires the exact client name",
         wildcard, 0},
        {"openssl-store-shadow",
         "PKIX and DANE-TA records together, the DANE-TA certificate also "
         "in the CA file: OpenSSL builds the chain to the CA file's copy "
         "and does not match DANE-TA records against it; libdance accepts "
         "(each usable record is an alternative, RFC 7671 section 4)",
         store_shadows_dane_ta, 1},
        {"leaf-own-ta",
         "a self-signed leaf named by a DANE-TA record (or by a PKIX-TA "
         "record with the leaf in the CA file): OpenSSL never matches a TA "
         "usage at depth 0, libdance takes the leaf as its own trust "
         "anchor and checks its signature, dates and name (issue 13 "
         "point 4)",
         leaf_own_ta, 1},
        {"openssl-store-bare-key",
         "PKIX records with a 2 1 0 record of a presented CA that the CA "
         "file also holds: OpenSSL anchors the chain at the CA file's copy, "
         "then accepts the record as a bare key and skips the CA's own "
         "constraints; without the PKIX records it refuses as libdance "
         "does (the presented CA is the trust anchor, constraints "
         "included)",
         store_bare_key, 0},
        {NULL, NULL, NULL, 0},
};

static const dane_recspec_t *record_spec(const dane_case_t *c, int record)
{
	if (record < 0 || (size_t)record >= c->nrecs) {
		return NULL;
	}
	return &c->params.recs[c->rec_spec[record]];
}

static int in_cafile(const dane_case_t *c, int slot)
{
	for (size_t i = 0; i < c->ncafile; i++) {
		if (c->cafile[i] == slot) {
			return 1;
		}
	}
	return 0;
}

/* A chain slot in [from, to) that is not valid at the case's time. */
static int dates_bad(const dane_case_t *c, int from, int to)
{
	for (int s = from; s < to && s < (int)c->params.depth; s++) {
		if (c->params.validity[s] != DANE_VALID) {
			return 1;
		}
	}
	return 0;
}

static int cafile_dates_bad(const dane_case_t *c)
{
	for (size_t i = 0; i < c->ncafile; i++) {
		if (dates_bad(c, c->cafile[i], c->cafile[i] + 1)) {
			return 1;
		}
	}
	return 0;
}

/* A 0 0 0 or 2 0 0 record of a chain certificate that is neither
 * presented nor in the CA file (OpenSSL may use it as an intermediate). */
static int full_cert_of_missing(const dane_case_t *c)
{
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_recspec_t *s = record_spec(c, (int)i);
		if ((s->usage == 0 || s->usage == 2) && s->selector == 0 &&
		    s->mtype == 0 && s->corrupt == DANE_REC_EXACT &&
		    dane_slot_depth(c, s->slot) > 0 &&
		    !dane_slot_presented(c, s->slot) &&
		    !in_cafile(c, s->slot)) {
			return 1;
		}
	}
	return 0;
}

/* OpenSSL accepts, libdance refuses: which issue-13 problem. */
static const char *suspect_refusal(const dane_case_t *c,
                                   const dane_verdict_t *oracle)
{
	const dane_recspec_t *s = record_spec(c, oracle->record);
	if (s == NULL) {
		return "new";
	}
	if (full_cert_of_missing(c)) {
		return "bug4-full-cert";
	}
	if (s->usage == 0 && !dane_slot_presented(c, s->slot)) {
		return "bug3";
	}
	return s->usage == 2 ? "bug1" : "new";
}

/* libdance accepts, OpenSSL refuses. */
static const char *suspect_acceptance(dane_oracle_t *o, const dane_case_t *c,
                                      const dane_verdict_t *dance)
{
	const dane_recspec_t *s = record_spec(c, dance->record);
	if (s == NULL) {
		return "new";
	}
	int depth = dane_slot_depth(c, s->slot);
	if (s->usage == 2 && depth == 0) {
		return "new-leaf-as-own-ta";
	}
	if (s->usage == 2 && depth > 0 && dates_bad(c, 1, depth)) {
		return "new-dates-by-position";
	}
	if (s->usage == 2 && depth > 0 && dates_bad(c, depth, depth + 1)) {
		return "new-ta-dates";
	}
	if (s->usage <= 1) {
		dane_oracle_opts_t partial = {0, X509_V_FLAG_PARTIAL_CHAIN};
		dane_verdict_t v;
		dane_oracle_verify(o, c, &partial, NULL, &v);
		if (v.accept) {
			return "new-partial-chain";
		}
		if (cafile_dates_bad(c)) {
			return "new-pkix-anchor-dates";
		}
	}
	return s->usage == 0 ? "bug2" : "new";
}

void dane_compare(dane_oracle_t *o, dane_side_t *side, const dane_case_t *c,
                  FILE *trace, dane_outcome_t *out)
{
	memset(out, 0, sizeof(*out));
	dane_oracle_verify(o, c, NULL, trace, &out->oracle);
	dane_side_verify(side, c, trace, &out->dance);
	out->expected_accept = out->oracle.accept;
	for (const dane_docdiff_t *d = dane_docdiffs; d->name != NULL; d++) {
		if (d->applies(o, c, &out->oracle, &out->alt)) {
			out->doc = d;
			out->expected_accept = d->dance_accepts;
			break;
		}
	}
	out->passed = out->dance.accept == out->expected_accept;
	if (strcmp(out->oracle.code, "oracle-error") == 0) {
		out->passed = 0; /* no verdict to compare with */
		out->suspect = "harness";
	} else if (!out->passed) {
		out->suspect =
		        out->dance.accept
		                ? suspect_acceptance(o, c, &out->dance)
		                : suspect_refusal(c, out->doc != NULL
		                                             ? &out->alt
		                                             : &out->oracle);
	}
}

void dane_outcome_line(const dane_case_t *c, const dane_outcome_t *r, char *buf,
                       size_t size)
{
	char shape[1024];
	dane_case_describe(c, shape, sizeof(shape));
	snprintf(buf, size,
	         "case %llu [%s]%s%s: openssl %s (%s), libdance %s (%s: %s); "
	         "%s",
	         (unsigned long long)c->id, r->suspect ? r->suspect : "-",
	         r->doc ? " documented " : "", r->doc ? r->doc->name : "",
	         r->oracle.accept ? "accepts" : "refuses", r->oracle.detail,
	         r->dance.accept ? "accepts" : "refuses", r->dance.code,
	         r->dance.detail, shape);
}
