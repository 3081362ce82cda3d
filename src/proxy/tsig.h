/* tsig.h: TSIG on the backend leg (libknot knot_tsig_*): signing the
 * relayed query, verifying every response message of its answer stream
 * (RFC 8945 5.3.1: up to 99 unsigned messages between signed ones, which
 * are verified together with the next signed one) and stripping the TSIG
 * RR before the message goes to the client. Pure (no I/O). */
#ifndef DP_TSIG_H
#define DP_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include <libknot/libknot.h>

#include <dance/error.h>

#define DP_TSIG_MAX_UNSIGNED 99

typedef struct dp_tsig {
	const knot_tsig_key_t *key;
	uint8_t digest[64]; /* MAC of the last signed message */
	size_t digest_size;
	uint64_t prev_signed; /* time signed of the last verified response */
	int verified_any;
	unsigned unsigned_count;
	uint8_t *buf; /* unsigned messages since the last signed one */
	size_t used, cap;
} dp_tsig_t;

/* Parses "[alg:]name:base64" into key (knot_tsig_key_deinit frees). */
dance_code_t dp_tsig_key_parse(const char *spec, knot_tsig_key_t *key,
                               dance_error_t *err);

void dp_tsig_init(dp_tsig_t *t, const knot_tsig_key_t *key);
void dp_tsig_clear(dp_tsig_t *t);

/* Signs the query in place (msg has room for max bytes); starts a new
 * answer stream. */
dance_code_t dp_tsig_sign_query(dp_tsig_t *t, uint8_t *msg, size_t *len,
                                size_t max, dance_error_t *err);

/* Verifies one response message in place and strips its TSIG RR (len
 * shrinks). *was_signed tells whether it carried one. EINVAL (reason
 * given) when the MAC does not verify, the stream is unsigned too long,
 * or the first message is unsigned. */
dance_code_t dp_tsig_verify(dp_tsig_t *t, uint8_t *msg, size_t *len,
                            int *was_signed, dance_error_t *err);

/* True when the last message verified was signed (a stream may end). */
int dp_tsig_complete(const dp_tsig_t *t);

#endif
