/* fuzz_frame.c: dance-proxy's DNS over TCP framing (src/proxy/frame.c),
 * which splits what a client (before any authorization) or the backend
 * sends into messages.
 *
 * The input is a byte stream. Properties: every message found lies inside
 * the buffer right after its 2-byte length, which it equals; the messages
 * found, each put back behind its length, are exactly the bytes consumed;
 * what is left is not a whole message (shorter than its announced length,
 * or than a prefix); and the split does not depend on how the stream was
 * cut: fed in two parts (the first part's leftover carried over, as the
 * proxy does) it gives the same messages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits buf; appends the re-framed messages to out; returns consumed. */
static size_t split(uint8_t *buf, size_t len, uint8_t *out, size_t *out_len,
                    size_t *count)
{
	size_t off = 0, took;
	uint8_t *msg;
	size_t mlen;
	while ((took = dp_frame_next(buf + off, len - off, &msg, &mlen)) > 0) {
		FUZZ_CHECK(took == 2 + mlen && took <= len - off,
		           "took %zu for a message of %zu", took, mlen);
		FUZZ_CHECK(msg == buf + off + 2,
		           "message not after its prefix");
		FUZZ_CHECK(((size_t)buf[off] << 8 | buf[off + 1]) == mlen,
		           "length differs from the prefix");
		out[(*out_len)++] = (uint8_t)(mlen >> 8);
		out[(*out_len)++] = (uint8_t)mlen;
		memcpy(out + *out_len, msg, mlen);
		*out_len += mlen;
		(*count)++;
		off += took;
	}
	size_t left = len - off;
	FUZZ_CHECK(msg == NULL, "no message but a pointer");
	FUZZ_CHECK(left < 2 || left - 2 < mlen, "a whole message was left");
	return off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size + 1);
	uint8_t *once = malloc(size + 1);
	uint8_t *twice = malloc(size + 1);
	uint8_t *carry = malloc(size + 1);
	if (buf == NULL || once == NULL || twice == NULL || carry == NULL) {
		abort();
	}
	memcpy(buf, data, size);
	size_t once_len = 0, n_once = 0;
	size_t used = split(buf, size, once, &once_len, &n_once);
	FUZZ_CHECK(once_len == used && memcmp(once, data, used) == 0,
	           "re-framed messages differ from the input");
	/* The same stream in two parts, cut where the first byte says. */
	size_t cut = size > 0 ? data[0] % (size + 1) : 0;
	size_t twice_len = 0, n_twice = 0;
	memcpy(carry, data, cut);
	size_t took = split(carry, cut, twice, &twice_len, &n_twice);
	size_t left = cut - took;
	memmove(carry, carry + took, left);
	memcpy(carry + left, data + cut, size - cut);
	split(carry, left + size - cut, twice, &twice_len, &n_twice);
	FUZZ_CHECK(n_twice == n_once && twice_len == once_len &&
	                   memcmp(twice, once, once_len) == 0,
	           "the split depends on where the stream was cut");
	free(buf);
	free(once);
	free(twice);
	free(carry);
	return 0;
}
