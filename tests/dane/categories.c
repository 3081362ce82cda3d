/* categories.c: case categories and tallies (categories.h). */
#include "categories.h"

#include <stdlib.h>
#include <string.h>

static const char *usage_cat[] = {"usage-0-pkix-ta", "usage-1-pkix-ee",
                                  "usage-2-dane-ta", "usage-3-dane-ee"};
static const char *target_cat[] = {"target-depth-0", "target-depth-1",
                                   "target-depth-2", "target-depth-3"};
static const char *depth_cat[] = {"chain-depth-1-self-signed", "chain-depth-2",
                                  "chain-depth-3", "chain-depth-4"};

static int has_noise(const dane_params_t *p)
{
	for (size_t i = 0; i < p->nrecs; i++) {
		if (p->recs[i].noise) {
			return 1;
		}
	}
	return 0;
}

static int expired(const dane_params_t *p, int leaf)
{
	for (unsigned s = leaf ? 0 : 1; s < (leaf ? 1 : p->depth); s++) {
		if (p->validity[s] != DANE_VALID) {
			return 1;
		}
	}
	return 0;
}

size_t dane_case_categories(const dane_case_t *c, const dane_outcome_t *r,
                            const char **names, size_t max)
{
	const dane_params_t *p = &c->params;
	size_t n = 0;
#define CAT(cond, name)                                                        \
	do {                                                                   \
		if ((cond) && n < max) {                                       \
			names[n++] = (name);                                   \
		}                                                              \
	} while (0)
	CAT(1, "all");
	if (p->nrecs > 0 && p->recs[0].usage < 4) {
		const dane_recspec_t *t = &p->recs[0];
		CAT(1, usage_cat[t->usage]);
		int d = dane_slot_depth(c, t->slot);
		CAT(d >= 0 && d < 4, target_cat[d >= 0 ? d : 0]);
		CAT(d < 0, "target-unrelated");
	}
	CAT(p->depth >= 1 && p->depth <= 4, depth_cat[p->depth - 1]);
	CAT(p->depth >= 2 && p->root_presented, "root-presented");
	CAT(p->depth >= 2 && !p->root_presented, "root-absent");
	CAT(p->missing_slot >= 0, "missing-intermediate");
	CAT(p->extra[0] >= 0, "extra-certs");
	CAT(p->shuffled && c->npresented > 2, "shuffled");
	CAT(expired(p, 1), "expired-leaf");
	CAT(expired(p, 0), "expired-ca");
	CAT(p->nc != DANE_NC_NONE, "name-constrained");
	CAT(p->leafname == DANE_NAME_CN_ONLY ||
	            p->leafname == DANE_NAME_CN_OTHER,
	    "no-san");
	CAT(p->leafname == DANE_NAME_SAN_OTHER, "san-other-name");
	CAT(p->leafname == DANE_NAME_SAN_WILD, "san-wildcard");
	CAT(p->xca_twin, "issuer-name-twin");
	CAT(c->ncafile > 0, "ca-file");
	CAT(c->ncafile == 0, "no-ca-file");
	CAT(has_noise(p), "noise-records");
	CAT(r->oracle.accept, "openssl-accepts");
	CAT(!r->oracle.accept, "openssl-refuses");
	CAT(r->doc != NULL, "documented-difference");
#undef CAT
	return n;
}

void dane_tallies_init(dane_tallies_t *t)
{
	memset(t, 0, sizeof(*t));
}

static dane_tally_t *find(dane_tally_t *v, size_t *count, size_t max,
                          const char *name)
{
	for (size_t i = 0; i < *count; i++) {
		if (strcmp(v[i].name, name) == 0) {
			return &v[i];
		}
	}
	if (*count == max) {
		return NULL;
	}
	v[*count].name = name;
	return &v[(*count)++];
}

static void count(dane_tally_t *t, int passed)
{
	if (t != NULL) {
		if (passed) {
			t->passed++;
		} else {
			t->failed++;
		}
	}
}

void dane_tallies_add(dane_tallies_t *t, const dane_case_t *c,
                      const dane_outcome_t *r)
{
	const char *names[DANE_MAX_CATEGORIES];
	size_t n = dane_case_categories(c, r, names, DANE_MAX_CATEGORIES);
	for (size_t i = 0; i < n; i++) {
		count(find(t->cat, &t->count, DANE_MAX_CATEGORIES, names[i]),
		      r->passed);
	}
	if (r->doc != NULL) {
		count(find(t->cat, &t->count, DANE_MAX_CATEGORIES,
		           r->doc->name),
		      r->passed);
	}
	if (!r->passed) {
		count(find(t->suspect, &t->nsuspects, 16, r->suspect), 0);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const dane_tally_t *)a)->name,
	              ((const dane_tally_t *)b)->name);
}

void dane_tallies_print(const dane_tallies_t *t, FILE *out)
{
	dane_tally_t sorted[DANE_MAX_CATEGORIES];
	size_t n = t->count > 0 ? t->count - 1 : 0; /* all but "all" */
	memcpy(sorted, t->cat + 1, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_name);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s: %u passed, %u failed\n", sorted[i].name,
		        sorted[i].passed, sorted[i].failed);
	}
	for (size_t i = 0; i < t->nsuspects; i++) {
		fprintf(out, "failures suspected %s: %u\n", t->suspect[i].name,
		        t->suspect[i].failed);
	}
	if (t->count > 0) {
		fprintf(out, "%u passed, %u failed\n", t->cat[0].passed,
		        t->cat[0].failed);
	}
}
