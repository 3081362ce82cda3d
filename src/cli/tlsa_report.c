/* tlsa_report.c: record-by-record TLSA verdicts (tlsa_report.h). */
#include "tlsa_report.h"

#include <stdlib.h>
#include <string.h>

/* Why a record is not usable for these credentials and options. */
static const char *unusable_why(const dance_tlsa_t *rec, dance_cred_type_t type,
                                const dance_match_opts_t *opts)
{
	if (rec->usage > DANCE_USAGE_DANE_EE) {
		return "unusable: unknown certificate usage";
	}
	if (rec->selector > DANCE_SELECTOR_SPKI) {
		return "unusable: unknown selector";
	}
	if (rec->mtype > DANCE_MTYPE_SHA512) {
		return "unusable: unknown matching type";
	}
	if (type == DANCE_CRED_RAWPK) {
		return "unusable: a raw public key matches only DANE-EE SPKI "
		       "(3 1 x) records";
	}
	if (opts == NULL || opts->pkix_ca_file == NULL) {
		return "unusable: PKIX usages need a CA file (--ca-file)";
	}
	return "unusable";
}

/* RFC 7671 section 9: per usage and selector only the strongest digest
 * type present is used (Full records always). */
static int ignored_by_agility(const dance_tlsa_set_t *set, size_t i,
                              const cli_record_verdict_t *v)
{
	const dance_tlsa_t *r = &set->records[i];
	if (r->mtype == DANCE_MTYPE_FULL) {
		return 0;
	}
	for (size_t k = 0; k < set->count; k++) {
		const dance_tlsa_t *o = &set->records[k];
		if (v[k].usable && o->usage == r->usage &&
		    o->selector == r->selector && o->mtype > r->mtype) {
			return 1;
		}
	}
	return 0;
}

static const char *alone_why(dance_match_outcome_t outcome)
{
	switch (outcome) {
	case DANCE_MATCH_OK: return "usable, matches";
	case DANCE_MATCH_TA_PATH:
		return "usable, matches a certificate of the chain, but the "
		       "chain does not verify to it";
	case DANCE_MATCH_TA_NAME:
		return "usable, the chain verifies, but the client name is "
		       "not a subjectAltName dNSName of the leaf";
	case DANCE_MATCH_BAD_CREDS:
		return "the presented credentials do not parse";
	default: return "usable, does not match";
	}
}

/* Judges record i on its own (a set of one). */
static dance_code_t judge_alone(const dance_tlsa_t *rec,
                                const dance_creds_t *creds,
                                const dance_match_opts_t *opts,
                                cli_record_verdict_t *v, dance_error_t *err)
{
	dance_tlsa_set_t one;
	dance_match_result_t res;
	dance_tlsa_set_init(&one);
	dance_code_t rc = dance_tlsa_set_add(&one, rec, err);
	if (rc == DANCE_OK) {
		dance_match(&one, creds, opts, &res);
		v->matches = res.outcome == DANCE_MATCH_OK;
		snprintf(v->why, sizeof(v->why), "%s", alone_why(res.outcome));
	}
	dance_tlsa_set_clear(&one);
	return rc;
}

dance_code_t cli_set_report_make(const dance_tlsa_set_t *set,
                                 const dance_creds_t *creds,
                                 const dance_match_opts_t *opts,
                                 cli_set_report_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	out->set = set;
	out->records = calloc(set->count + 1, sizeof(*out->records));
	if (out->records == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < set->count; i++) {
		out->records[i].usable =
		        dance_tlsa_usable(&set->records[i], creds->type, opts);
	}
	for (size_t i = 0; i < set->count; i++) {
		cli_record_verdict_t *v = &out->records[i];
		if (!v->usable) {
			snprintf(v->why, sizeof(v->why), "%s",
			         unusable_why(&set->records[i], creds->type,
			                      opts));
			continue;
		}
		dance_code_t rc =
		        judge_alone(&set->records[i], creds, opts, v, err);
		if (rc != DANCE_OK) {
			cli_set_report_clear(out);
			return rc;
		}
		v->ignored = ignored_by_agility(set, i, out->records);
		if (v->ignored) {
			snprintf(v->why, sizeof(v->why),
			         "ignored: a stronger digest of the same usage "
			         "and selector is present (RFC 7671 9)");
		}
	}
	dance_match(set, creds, opts, &out->result);
	return DANCE_OK;
}

void cli_set_report_clear(cli_set_report_t *r)
{
	free(r->records);
	memset(r, 0, sizeof(*r));
}

void cli_set_report_text(const cli_set_report_t *r, FILE *out)
{
	for (size_t i = 0; i < r->set->count; i++) {
		char *rdata = dance_tlsa_to_text(&r->set->records[i]);
		const char *shown = rdata != NULL ? rdata : "?";
		int cut = strlen(shown) > 72;
		fprintf(out, "  [%zu] %.*s%s\n      %s\n", i, cut ? 69 : 72,
		        shown, cut ? "..." : "", r->records[i].why);
		free(rdata);
	}
	fprintf(out, "result: %s: %s\n",
	        dance_match_outcome_name(r->result.outcome), r->result.detail);
}

void cli_set_report_json(const cli_set_report_t *r, json_t *j)
{
	json_key(j, "records");
	json_array_begin(j);
	for (size_t i = 0; i < r->set->count; i++) {
		const cli_record_verdict_t *v = &r->records[i];
		char *rdata = dance_tlsa_to_text(&r->set->records[i]);
		json_object_begin(j);
		json_kint(j, "index", (long long)i);
		json_kstr(j, "rdata", rdata);
		json_kbool(j, "usable", v->usable);
		json_kbool(j, "ignored", v->ignored);
		json_kbool(j, "match", v->matches);
		json_kstr(j, "why", v->why);
		json_object_end(j);
		free(rdata);
	}
	json_array_end(j);
	json_kint(j, "usable", (long long)r->result.usable);
	json_kstr(j, "outcome", dance_match_outcome_name(r->result.outcome));
	json_kbool(j, "match", r->result.outcome == DANCE_MATCH_OK);
	json_kint(j, "matched_index", r->result.index);
	json_kstr(j, "detail", r->result.detail);
}
