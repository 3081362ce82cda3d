/* tlsa_report.h: a TLSA set judged against presented credentials, record
 * by record (usable or why not, ignored for digest agility, matches on its
 * own) and as a whole (dance_match), printed as text or JSON. Used by
 * verify and check. */
#ifndef DANCE_CLI_TLSA_REPORT_H
#define DANCE_CLI_TLSA_REPORT_H

#include <stdio.h>

#include "dance/match.h"
#include "dance/tlsa.h"
#include "json.h"

typedef struct cli_record_verdict {
	int usable;    /* dance_tlsa_usable */
	int ignored;   /* usable, but a stronger digest is present */
	int matches;   /* matches when judged alone */
	char why[160]; /* one phrase */
} cli_record_verdict_t;

typedef struct cli_set_report {
	const dance_tlsa_set_t *set;
	cli_record_verdict_t *records; /* set->count entries */
	dance_match_result_t result;   /* the whole set */
} cli_set_report_t;

/* ENOMEM only. */
dance_code_t cli_set_report_make(const dance_tlsa_set_t *set,
                                 const dance_creds_t *creds,
                                 const dance_match_opts_t *opts,
                                 cli_set_report_t *out, dance_error_t *err);
void cli_set_report_clear(cli_set_report_t *r);

/* Lines "  [i] U S M HEX: verdict" then "result ...". */
void cli_set_report_text(const cli_set_report_t *r, FILE *out);

/* Fields "records" (array of {index, rdata, usable, ignored, match,
 * why}), "usable", "outcome", "match", "matched_index", "detail". */
void cli_set_report_json(const cli_set_report_t *r, json_t *j);

#endif
