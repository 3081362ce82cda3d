/* rng.c: splitmix64 choices, optionally led by input bytes (rng.h). */
#include "rng.h"

void dane_rng_init(dane_rng_t *r, uint64_t seed)
{
	dane_rng_init_bytes(r, seed, NULL, 0);
}

void dane_rng_init_bytes(dane_rng_t *r, uint64_t seed, const uint8_t *bytes,
                         size_t len)
{
	r->state = seed;
	r->bytes = bytes;
	r->len = bytes != NULL ? len : 0;
	r->pos = 0;
}

uint64_t dane_rng_next(dane_rng_t *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned dane_rng_below(dane_rng_t *r, unsigned n)
{
	if (n <= 1) {
		return 0;
	}
	if (r->pos < r->len) {
		return r->bytes[r->pos++] % n;
	}
	return (unsigned)(dane_rng_next(r) % n);
}

int dane_rng_percent(dane_rng_t *r, unsigned percent)
{
	return dane_rng_below(r, 100) < percent;
}

void dane_rng_fill(dane_rng_t *r, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = dane_rng_next(r);
		for (size_t k = 0; k < 8 && i + k < n; k++) {
			out[i + k] = (uint8_t)(v >> (8 * k));
		}
	}
}
