/* dance/decision.h: the outcome of every authorization, one shape for the
 * module, the proxy and the CLI.
 *
 * A decision is allow or deny, a stable machine-readable reason code
 * ("tlsa-mismatch") for logs, counters and JSON, and one human sentence.
 */
#ifndef DANCE_DECISION_H
#define DANCE_DECISION_H

#include <stddef.h>

#include "dance/error.h"
#include "dance/match.h"
#include "dance/name.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dance_reason {
	DANCE_REASON_AUTHORIZED = 0,  /* allow: a secure TLSA record matched */
	DANCE_REASON_NOT_TLS,         /* transfer not over TLS 1.3 + ALPN dot */
	DANCE_REASON_NO_CREDENTIALS,  /* no client certificate or key */
	DANCE_REASON_BAD_CREDENTIALS, /* presented credentials do not parse */
	DANCE_REASON_BAD_CLIENTID,    /* malformed dane_clientid */
	DANCE_REASON_NOT_ALLOWED,     /* identity not allowed for this zone */
	DANCE_REASON_UNKNOWN_KEY,     /* key matches no allowed identity */
	DANCE_REASON_TLSA_MISMATCH,   /* usable records, none matched */
	DANCE_REASON_TLSA_UNUSABLE,   /* no usable record in the RRset */
	DANCE_REASON_TA_PATH,         /* DANE-TA matched, chain invalid */
	DANCE_REASON_TA_NAME,         /* DANE-TA matched, name not in SAN */
	DANCE_REASON_INSECURE,        /* TLSA RRset not DNSSEC-signed */
	DANCE_REASON_BOGUS,           /* DNSSEC validation failed */
	DANCE_REASON_NXDOMAIN,        /* owner name does not exist */
	DANCE_REASON_NODATA,          /* owner exists, no TLSA */
	DANCE_REASON_SERVFAIL,        /* resolver failure */
	DANCE_REASON_TIMEOUT,         /* lookup deadline passed */
	DANCE_REASON_INTERNAL,        /* bug or resource failure */
	DANCE_REASON_COUNT
} dance_reason_t;

typedef struct dance_decision {
	int allow; /* 1 allow, 0 deny */
	dance_reason_t reason;
	char identity[DANCE_NAME_MAX]; /* claimed or found identity, or "" */
	char detail[DANCE_REASON_MAX]; /* one sentence */
} dance_decision_t;

/* Sets an allow decision (reason AUTHORIZED). */
void dance_decision_allow(dance_decision_t *d, const char *identity,
                          const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Sets a deny decision. reason must not be AUTHORIZED (it becomes
 * INTERNAL: a deny is never reported as authorized). */
void dance_decision_deny(dance_decision_t *d, dance_reason_t reason,
                         const char *identity, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Stable reason code, e.g. "tlsa-mismatch"; "invalid" when out of range. */
const char *dance_reason_code(dance_reason_t reason);

/* Parses a reason code back; -1 when unknown. */
int dance_reason_from_code(const char *code);

/* Reason for a match outcome (OK maps to AUTHORIZED). */
dance_reason_t dance_reason_from_match(dance_match_outcome_t outcome);

/* One log line: "zone Z, peer P, identity I: allowed|denied (code): detail".
 * identity "" prints as "unknown". Returns the length snprintf would. */
int dance_decision_format(const dance_decision_t *d, const char *zone,
                          const char *peer, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
