/* diff_main.c: dance-dane-diff, libdance's TLSA matching against
 * OpenSSL's DANE verification on generated cases (README.md).
 *
 *   dance-dane-diff [--count N] [--first ID] [--show N] [--doc README]
 *   dance-dane-diff --case ID [-v]
 *   dance-dane-diff --input FUZZ-INPUT [-v]
 *
 * Runs the hand-checked sanity cases, then cases FIRST..FIRST+N-1
 * (default 0..4999), prints every failure as one line (at most --show
 * per suspect, default 5; -v all), the tallies per category and
 * "N passed, N failed". --case runs one case; with -v it prints the
 * certificates, the records and both sides' traces. --input runs the
 * case of a fuzz_dane_diff input file the same way. --doc first checks
 * that README's table of deliberate differences lists exactly the
 * classes compare.c asserts (a mismatch fails the run).
 * Exit: 0 when every case passed, 1 when some failed, 2 on a harness
 * error (including a sanity case whose verdict is not the hand-checked
 * one on the OpenSSL side).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "categories.h"
#include "compare.h"
#include "dance_side.h"
#include "doctable.h"
#include "gen.h"
#include "keypool.h"
#include "oracle.h"
#include "sanity.h"

typedef struct run {
	dane_keypool_t pool;
	dane_oracle_t *oracle;
	dane_side_t side;
	int verbose;
	unsigned show;
} run_t;

static void usage(void)
{
	fprintf(stderr,
	        "usage: dance-dane-diff [--count N] [--first ID] "
	        "[--show N] [--doc README] | --case ID [-v] | --input FILE "
	        "[-v]\n");
}

/* Runs one built case; prints its failure line. Returns passed. */
static int run_case(run_t *r, const dane_case_t *c, dane_outcome_t *res,
                    int trace)
{
	char line[2048];
	dane_compare(r->oracle, &r->side, c, trace ? stdout : NULL, res);
	if (!res->passed || trace) {
		dane_outcome_line(c, res, line, sizeof(line));
		printf("%s: %s\n", res->passed ? "ok" : "FAIL", line);
	}
	return res->passed;
}

/* One hand-checked case: 1 when it holds. The harness is wrong (not
 * libdance) when OpenSSL's verdict or the documented class is not the
 * hand-checked one: *harness_ok is cleared. */
static int sanity_holds(const dane_sanity_t *s, const dane_outcome_t *res,
                        int *harness_ok)
{
	const char *doc = res->doc != NULL ? res->doc->name : NULL;
	int doc_ok =
	        (doc == NULL && s->doc == NULL) ||
	        (doc != NULL && s->doc != NULL && strcmp(doc, s->doc) == 0);
	if (res->oracle.accept != s->accept || !doc_ok) {
		*harness_ok = 0;
		return 0;
	}
	return res->passed;
}

static int run_sanity(run_t *r, unsigned *passed, unsigned *failed)
{
	int harness_ok = 1;
	for (size_t i = 0; dane_sanity_cases[i].what != NULL; i++) {
		const dane_sanity_t *s = &dane_sanity_cases[i];
		dane_params_t p;
		dane_case_t c;
		dane_outcome_t res;
		s->shape(&p);
		if (dane_case_build(&p, &r->pool, i, &c) < 0) {
			printf("sanity %zu (%s): cannot build\n", i, s->what);
			return 0;
		}
		dane_compare(r->oracle, &r->side, &c, NULL, &res);
		if (sanity_holds(s, &res, &harness_ok)) {
			(*passed)++;
		} else {
			(*failed)++;
			printf("sanity %zu FAIL (%s): expected openssl %s%s%s, "
			       "openssl %s (%s)%s%s, libdance %s (%s)\n",
			       i, s->what, s->accept ? "accepts" : "refuses",
			       s->doc ? " in class " : "", s->doc ? s->doc : "",
			       res.oracle.accept ? "accepts" : "refuses",
			       res.oracle.detail, res.doc ? " in class " : "",
			       res.doc ? res.doc->name : "",
			       res.dance.accept ? "accepts" : "refuses",
			       res.dance.detail);
		}
		dane_case_free(&c);
	}
	return harness_ok;
}

static int build_case(run_t *r, uint64_t id, dane_case_t *c)
{
	dane_rng_t rng;
	dane_params_t p;
	dane_rng_init(&rng, id);
	dane_params_draw(&rng, &p);
	int rc = dane_case_build(&p, &r->pool, id, c);
	if (rc < 0) {
		printf("case %llu: cannot build: %s\n", (unsigned long long)id,
		       gnutls_strerror(rc));
	}
	return rc;
}

/* The case of a fuzz input file (fuzz_dane_diff). */
static int build_input_case(run_t *r, const char *path, dane_case_t *c)
{
	uint8_t data[4096];
	dane_params_t p;
	uint64_t seed;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	size_t size = fread(data, 1, sizeof(data), f);
	fclose(f);
	dane_params_from_input(data, size, &p, &seed);
	return dane_case_build(&p, &r->pool, seed, c);
}

static int run_one(run_t *r, uint64_t id, const char *input)
{
	dane_case_t c;
	dane_outcome_t res;
	if ((input != NULL ? build_input_case(r, input, &c)
	                   : build_case(r, id, &c)) < 0) {
		return 2;
	}
	if (r->verbose) {
		dane_case_print(&c, stdout);
	}
	int passed = run_case(r, &c, &res, 1);
	if (r->verbose) {
		printf("openssl: %s: %s\nlibdance: %s: %s\n", res.oracle.code,
		       res.oracle.detail, res.dance.code, res.dance.detail);
		if (res.doc != NULL) {
			printf("documented difference %s: %s\n", res.doc->name,
			       res.doc->text);
		}
	}
	dane_case_free(&c);
	return passed ? 0 : 1;
}

/* Failure lines shown per suspect so far. */
static int show_failure(run_t *r, dane_tallies_t *shown, const char *suspect)
{
	if (r->verbose) {
		return 1;
	}
	for (size_t i = 0; i < shown->nsuspects; i++) {
		if (strcmp(shown->suspect[i].name, suspect) == 0) {
			return shown->suspect[i].failed++ < r->show;
		}
	}
	if (shown->nsuspects < 16) {
		shown->suspect[shown->nsuspects].name = suspect;
		shown->suspect[shown->nsuspects++].failed = 1;
	}
	return r->show > 0;
}

static int run_many(run_t *r, uint64_t first, uint64_t count)
{
	dane_tallies_t t, shown;
	unsigned spassed = 0, sfailed = 0;
	struct timespec a, b;
	char line[2048];
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (!run_sanity(r, &spassed, &sfailed)) {
		printf("sanity: the oracle disagrees with a hand-checked case: "
		       "the harness is wrong\n");
		return 2;
	}
	printf("sanity: %u passed, %u failed\n", spassed, sfailed);
	dane_tallies_init(&t);
	dane_tallies_init(&shown);
	for (uint64_t id = first; id < first + count; id++) {
		dane_case_t c;
		dane_outcome_t res;
		if (build_case(r, id, &c) < 0) {
			return 2;
		}
		dane_compare(r->oracle, &r->side, &c, NULL, &res);
		if (!res.passed && show_failure(r, &shown, res.suspect)) {
			dane_outcome_line(&c, &res, line, sizeof(line));
			printf("FAIL: %s\n", line);
		}
		dane_tallies_add(&t, &c, &res);
		dane_case_free(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) +
	              (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("cases %llu..%llu in %.1f s (%.0f/s); rerun one with "
	       "dance-dane-diff --case ID -v\n",
	       (unsigned long long)first,
	       (unsigned long long)(first + count - 1), secs,
	       (double)count / (secs > 0 ? secs : 1));
	dane_tallies_print(&t, stdout);
	return sfailed == 0 && t.cat[0].failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	run_t r;
	uint64_t first = 0, count = 5000, one = 0;
	int single = 0;
	const char *input = NULL, *doc = NULL;
	memset(&r, 0, sizeof(r));
	r.show = 5;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "-v") == 0) {
			r.verbose = 1;
		} else if (next != NULL && strcmp(argv[i], "--count") == 0) {
			count = strtoull(argv[++i], NULL, 10);
		} else if (next != NULL && strcmp(argv[i], "--first") == 0) {
			first = strtoull(argv[++i], NULL, 10);
		} else if (next != NULL && strcmp(argv[i], "--show") == 0) {
			r.show = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (next != NULL && strcmp(argv[i], "--doc") == 0) {
			doc = argv[++i];
		} else if (next != NULL && strcmp(argv[i], "--input") == 0) {
			input = argv[++i];
			single = 1;
		} else if (next != NULL && strcmp(argv[i], "--case") == 0) {
			one = strtoull(argv[++i], NULL, 10);
			single = 1;
		} else {
			usage();
			return 2;
		}
	}
	if (dane_keypool_init(&r.pool) < 0 ||
	    (r.oracle = dane_oracle_new()) == NULL ||
	    dane_side_open(&r.side) != 0) {
		fprintf(stderr, "dance-dane-diff: cannot set up the keys, "
		                "OpenSSL or a temporary directory\n");
		return 2;
	}
	int doc_bad = doc != NULL ? dane_doctable_check(doc, stdout) : 0;
	int rc = single ? run_one(&r, one, input) : run_many(&r, first, count);
	if (doc_bad != 0 && rc == 0) {
		rc = doc_bad < 0 ? 2 : 1;
	}
	dane_side_close(&r.side);
	dane_oracle_free(r.oracle);
	dane_keypool_free(&r.pool);
	return rc;
}
