/* dance/error.h: errors as values with a reason.
 *
 * Every fallible libdance call returns a dance_code_t and, when the caller
 * passes a dance_error_t, fills it with the same code and one sentence
 * naming what was wrong ("TLSA RDATA too short: 2 bytes, need at least 4").
 */
#ifndef DANCE_ERROR_H
#define DANCE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dance_code {
	DANCE_OK = 0,
	DANCE_EINVAL,    /* malformed input (record, name, file content) */
	DANCE_ENOMEM,    /* allocation failed */
	DANCE_ECRYPTO,   /* GnuTLS refused an operation */
	DANCE_EIO,       /* file or socket error */
	DANCE_ENOTFOUND, /* the thing asked for does not exist */
	DANCE_ETIMEOUT,  /* a deadline passed */
	DANCE_EDNS,      /* DNS or DNSSEC failure */
	DANCE_ESTATE,    /* call not valid in the object's current state */
} dance_code_t;

#define DANCE_REASON_MAX 256

typedef struct dance_error {
	dance_code_t code;
	char reason[DANCE_REASON_MAX];
} dance_error_t;

/* Fills err (if not NULL) and returns code. printf-style reason. */
dance_code_t dance_error_set(dance_error_t *err, dance_code_t code,
                             const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Resets err to DANCE_OK with an empty reason (err may be NULL). */
void dance_error_clear(dance_error_t *err);

/* Short stable name of a code: "ok", "invalid", "nomem", ... */
const char *dance_code_name(dance_code_t code);

#ifdef __cplusplus
}
#endif
#endif
