/* compare.h: one case judged by both sides, with the documented
 * differences (README.md, "Deliberate differences") as predicates.
 *
 * A case is in a documented class when the class's predicate holds; the
 * class then says what libdance must decide instead of OpenSSL's verdict,
 * and the case passes only when libdance decides exactly that. Every
 * other case passes when both sides accept or both refuse.
 */
#ifndef DANE_COMPARE_H
#define DANE_COMPARE_H

#include <stdio.h>

#include "dance_side.h"
#include "gen.h"
#include "oracle.h"
#include "verdict.h"

typedef struct dane_docdiff {
	const char *name; /* "cn-fallback" */
	const char *text; /* what differs and why, one line */
	/* True when c is in the class; oracle is OpenSSL's default verdict.
	 * The predicate asks the oracle again with libdance's documented rule
	 * and leaves that verdict in alt. */
	int (*applies)(dane_oracle_t *o, const dane_case_t *c,
	               const dane_verdict_t *oracle, dane_verdict_t *alt);
	/* libdance's verdict in this class. */
	int dance_accepts;
} dane_docdiff_t;

/* The documented classes, ended by a NULL name. */
extern const dane_docdiff_t dane_docdiffs[];

typedef struct dane_outcome {
	dane_verdict_t oracle, dance;
	const dane_docdiff_t *doc; /* the case's documented class, or NULL */
	dane_verdict_t alt;        /* OpenSSL under the class's rule */
	int expected_accept;       /* what libdance had to decide */
	int passed;
	/* For a failure, a guess at its cause from the case and the match:
	 * "bug1" DANE-TA refused when the presented list holds more than
	 * leaf..TA (its issuers, unrelated certificates, another order);
	 * "bug2" PKIX-TA accepted on a certificate off the validated path;
	 * "bug3" PKIX-TA refused when its anchor is only in the CA file;
	 * "bug4-full-cert" a 0 0 0/2 0 0 certificate not used as the
	 * missing intermediate (issue 13 points 1-4);
	 * "new-leaf-as-own-ta" 2 0 0 of the leaf accepted as its own TA;
	 * "new-dates-by-position" dates checked by presented position, so an
	 * out-of-date CA below the TA is missed; "new-ta-dates" the DANE-TA
	 * certificate itself out of date; "new-pkix-anchor-dates" the CA
	 * file's anchor out of date; "new-partial-chain" a CA file
	 * intermediate taken as anchor (OpenSSL wants a self-signed root);
	 * "harness" no verdict from OpenSSL; "new" anything else. */
	const char *suspect;
} dane_outcome_t;

/* Runs both sides on c and judges. trace as in oracle.h/dance_side.h. */
void dane_compare(dane_oracle_t *o, dane_side_t *side, const dane_case_t *c,
                  FILE *trace, dane_outcome_t *out);

/* One line for a failure: case id, suspect, both verdicts, the shape. */
void dane_outcome_line(const dane_case_t *c, const dane_outcome_t *r, char *buf,
                       size_t size);

#endif
