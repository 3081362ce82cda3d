/* fuzz_dane_diff.c: libdance's TLSA matching against OpenSSL's DANE
 * verification on generated cases (tests/dane/README.md), from arbitrary
 * generator inputs.
 *
 * Input: up to the first 8 bytes are the case seed (little-endian); the
 * bytes after them are the generator's first choices (tests/dane/rng.h),
 * the seed's stream continues when they run out. An input of 8 bytes or
 * fewer is exactly case <seed> of `dance-dane-diff --case <seed>`.
 * Property: both sides decide the same, or the case is in a documented
 * class and libdance decides what the class says (tests/dane/compare.h);
 * OpenSSL always gives a verdict. FUZZ_VERBOSE=1 prints each case and
 * both verdicts; `dance-dane-diff --input FILE -v` prints the case of an
 * input with its certificates and records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dance_side.h"
#include "fuzz_common.h"
#include "gen.h"
#include "keypool.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Made once, kept for the process (the key pool is slow to make). */
typedef struct harness {
	dane_keypool_t pool;
	dane_oracle_t *oracle;
	dane_side_t side;
} harness_t;

static harness_t *harness(void)
{
	static harness_t h;
	static int ready;
	if (!ready) {
		FUZZ_CHECK(dane_keypool_init(&h.pool) == 0, "key pool");
		h.oracle = dane_oracle_new();
		FUZZ_CHECK(h.oracle != NULL, "OpenSSL DANE context");
		FUZZ_CHECK(dane_side_open(&h.side) == 0, "temporary directory");
		ready = 1;
	}
	return &h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	harness_t *h = harness();
	uint64_t seed;
	dane_params_t p;
	dane_case_t c;
	dane_outcome_t res;
	char line[2048];
	dane_params_from_input(data, size, &p, &seed);
	FUZZ_CHECK(dane_case_build(&p, &h->pool, seed, &c) == 0,
	           "case does not build");
	dane_compare(h->oracle, &h->side, &c, NULL, &res);
	dane_outcome_line(&c, &res, line, sizeof(line));
	if (getenv("FUZZ_VERBOSE") != NULL) {
		fprintf(stderr, "%s: %s\n", res.passed ? "ok" : "FAIL", line);
	}
	FUZZ_CHECK(res.passed, "%s", line);
	dane_case_free(&c);
	return 0;
}
