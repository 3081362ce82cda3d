/* rng.h: the generator's source of choices.
 *
 * A splitmix64 stream of its own (no libc or GnuTLS randomness), so that a
 * case id always yields the same case. Optionally the first choices are
 * taken from a byte string instead (the fuzz input), one byte per choice,
 * and the stream continues from a seed once the bytes run out.
 */
#ifndef DANE_RNG_H
#define DANE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dane_rng {
	uint64_t state;
	const uint8_t *bytes; /* choices to take first; not owned */
	size_t len, pos;
} dane_rng_t;

/* A stream from seed alone. */
void dane_rng_init(dane_rng_t *r, uint64_t seed);

/* A stream that takes its first choices from bytes (then from seed). */
void dane_rng_init_bytes(dane_rng_t *r, uint64_t seed, const uint8_t *bytes,
                         size_t len);

/* The next 64 bits of the splitmix64 stream (never from bytes). */
uint64_t dane_rng_next(dane_rng_t *r);

/* A choice in [0, n) (n >= 1): one input byte while there are any. */
unsigned dane_rng_below(dane_rng_t *r, unsigned n);

/* True with probability percent/100 (one choice). */
int dane_rng_percent(dane_rng_t *r, unsigned percent);

/* n bytes of the stream (never from the input bytes). */
void dane_rng_fill(dane_rng_t *r, uint8_t *out, size_t n);

#endif
