/* categories.h: the categories a case counts in, and their tallies.
 *
 * A case counts in every category that describes it (the first target
 * record's usage and depth, the chain's depth, what was presented, dates,
 * names, constraints, the CA file, noise records, a documented class).
 */
#ifndef DANE_CATEGORIES_H
#define DANE_CATEGORIES_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "gen.h"

#define DANE_MAX_CATEGORIES 64

typedef struct dane_tally {
	const char *name;
	unsigned passed, failed;
} dane_tally_t;

typedef struct dane_tallies {
	dane_tally_t cat[DANE_MAX_CATEGORIES];
	size_t count;
	dane_tally_t suspect[16]; /* failures by issue-13 suspect */
	size_t nsuspects;
} dane_tallies_t;

/* Names of the categories of c (static strings); returns how many. */
size_t dane_case_categories(const dane_case_t *c, const dane_outcome_t *r,
                            const char **names, size_t max);

void dane_tallies_init(dane_tallies_t *t);
void dane_tallies_add(dane_tallies_t *t, const dane_case_t *c,
                      const dane_outcome_t *r);

/* "category: N passed, N failed" lines, the failures by suspect, then
 * "N passed, N failed". */
void dane_tallies_print(const dane_tallies_t *t, FILE *out);

#endif
