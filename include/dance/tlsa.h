/* dance/tlsa.h: the TLSA record model (RFC 6698, RFC 7218 names).
 *
 * A dance_tlsa_t owns its association data; a dance_tlsa_set_t owns its
 * records. Parsing rejects malformed input with a reason; it does not judge
 * usability (unknown usages are kept so that matching can skip them, as
 * RFC 7671 section 9 asks).
 */
#ifndef DANCE_TLSA_H
#define DANCE_TLSA_H

#include <stddef.h>
#include <stdint.h>

#include "dance/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dance_tlsa_usage {
	DANCE_USAGE_PKIX_TA = 0,
	DANCE_USAGE_PKIX_EE = 1,
	DANCE_USAGE_DANE_TA = 2,
	DANCE_USAGE_DANE_EE = 3,
	DANCE_USAGE_PRIVCERT = 255,
};

enum dance_tlsa_selector {
	DANCE_SELECTOR_CERT = 0,
	DANCE_SELECTOR_SPKI = 1,
	DANCE_SELECTOR_PRIVSEL = 255,
};

enum dance_tlsa_mtype {
	DANCE_MTYPE_FULL = 0,
	DANCE_MTYPE_SHA256 = 1,
	DANCE_MTYPE_SHA512 = 2,
	DANCE_MTYPE_PRIVMATCH = 255,
};

typedef struct dance_tlsa {
	uint8_t usage;
	uint8_t selector;
	uint8_t mtype;
	uint8_t *data; /* association data, owned (malloc) */
	size_t data_len;
} dance_tlsa_t;

typedef struct dance_tlsa_set {
	dance_tlsa_t *records; /* owned array */
	size_t count;
	size_t capacity;
} dance_tlsa_set_t;

/* Parses TLSA RDATA in wire form. On success *out owns a copy of the data.
 * Errors: EINVAL when shorter than 4 bytes (3 fields + at least one data
 * byte), or when the length does not fit the declared matching type
 * (SHA-256: 32 bytes, SHA-512: 64 bytes). Unknown usage/selector/mtype
 * values are accepted (they are "unusable", not malformed). */
dance_code_t dance_tlsa_from_wire(dance_tlsa_t *out, const uint8_t *rdata,
                                  size_t len, dance_error_t *err);

/* Parses the presentation form "3 1 1 <hex>" (RFC 6698 2.2). Fields may be
 * numbers or RFC 7218 mnemonics ("DANE-EE SPKI SHA2-256", case-insensitive);
 * the hex may be split by white space and wrapped in parentheses (which must
 * balance; ';' starts a comment to the end of its line). A leading
 * "owner [ttl] [IN] TLSA" prefix as in a zone-file line is accepted too.
 * Same length rules as dance_tlsa_from_wire. */
dance_code_t dance_tlsa_from_text(dance_tlsa_t *out, const char *text,
                                  dance_error_t *err);

/* Writes the wire form into buf (capacity cap), sets *len. EINVAL if short. */
dance_code_t dance_tlsa_to_wire(const dance_tlsa_t *t, uint8_t *buf, size_t cap,
                                size_t *len, dance_error_t *err);

/* Returns "3 1 1 ABCD..." (upper-case hex, one line), malloc'ed; NULL on
 * allocation failure. A record without data prints its three fields only. */
char *dance_tlsa_to_text(const dance_tlsa_t *t);

/* Deep copy. */
dance_code_t dance_tlsa_copy(dance_tlsa_t *dst, const dance_tlsa_t *src,
                             dance_error_t *err);

/* Frees the data; leaves *t zeroed. */
void dance_tlsa_clear(dance_tlsa_t *t);

/* True when both records have equal fields and data. */
int dance_tlsa_equal(const dance_tlsa_t *a, const dance_tlsa_t *b);

/* RFC 7218 mnemonics; NULL for values that have none. */
const char *dance_tlsa_usage_name(uint8_t usage);
const char *dance_tlsa_selector_name(uint8_t selector);
const char *dance_tlsa_mtype_name(uint8_t mtype);

/* Set handling. dance_tlsa_set_add copies rec. */
void dance_tlsa_set_init(dance_tlsa_set_t *set);
dance_code_t dance_tlsa_set_add(dance_tlsa_set_t *set, const dance_tlsa_t *rec,
                                dance_error_t *err);
dance_code_t dance_tlsa_set_copy(dance_tlsa_set_t *dst,
                                 const dance_tlsa_set_t *src,
                                 dance_error_t *err);
void dance_tlsa_set_clear(dance_tlsa_set_t *set);

#ifdef __cplusplus
}
#endif
#endif
