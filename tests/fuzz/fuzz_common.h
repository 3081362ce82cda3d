/* fuzz_common.h: helpers shared by the libFuzzer targets.
 *
 * FUZZ_CHECK aborts with a message when a property the target asserts
 * does not hold, so libFuzzer records the input as a crash. fuzz_reader_t
 * cuts an input into fields: bytes, big-endian lengths and chunks; reading
 * past the end yields zeros and empty chunks, never an overrun.
 */
#ifndef DANCE_FUZZ_COMMON_H
#define DANCE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "%s:%d: property failed: %s: ", __FILE__,      \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

typedef struct fuzz_reader {
	const uint8_t *data;
	size_t size;
	size_t pos;
} fuzz_reader_t;

static inline void fuzz_reader_init(fuzz_reader_t *r, const uint8_t *data,
                                    size_t size)
{
	r->data = data;
	r->size = size;
	r->pos = 0;
}

static inline size_t fuzz_left(const fuzz_reader_t *r)
{
	return r->size - r->pos;
}

static inline uint8_t fuzz_u8(fuzz_reader_t *r)
{
	return r->pos < r->size ? r->data[r->pos++] : 0;
}

static inline uint16_t fuzz_u16(fuzz_reader_t *r)
{
	uint16_t hi = fuzz_u8(r);
	return (uint16_t)(hi << 8 | fuzz_u8(r));
}

/* A chunk of up to want bytes (fewer at the end of the input). */
static inline const uint8_t *fuzz_bytes(fuzz_reader_t *r, size_t want,
                                        size_t *got)
{
	size_t n = want < fuzz_left(r) ? want : fuzz_left(r);
	const uint8_t *p = r->data + r->pos;
	r->pos += n;
	*got = n;
	return p;
}

/* A malloc'ed NUL-terminated copy of len bytes (NULL on allocation
 * failure). */
static inline char *fuzz_strndup(const uint8_t *p, size_t len)
{
	char *s = malloc(len + 1);
	if (s != NULL) {
		for (size_t i = 0; i < len; i++) {
			s[i] = (char)p[i];
		}
		s[len] = '\0';
	}
	return s;
}

#endif
