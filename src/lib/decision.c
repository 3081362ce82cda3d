/* decision.c: building, naming and formatting decisions. */
#include "dance/decision.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const reason_codes[DANCE_REASON_COUNT] = {
        [DANCE_REASON_AUTHORIZED] = "authorized",
        [DANCE_REASON_NOT_TLS] = "not-tls",
        [DANCE_REASON_NO_CREDENTIALS] = "no-client-cert",
        [DANCE_REASON_BAD_CREDENTIALS] = "bad-client-cert",
        [DANCE_REASON_BAD_CLIENTID] = "bad-clientid",
        [DANCE_REASON_NOT_ALLOWED] = "identity-not-allowed",
        [DANCE_REASON_UNKNOWN_KEY] = "unknown-key",
        [DANCE_REASON_TLSA_MISMATCH] = "tlsa-mismatch",
        [DANCE_REASON_TLSA_UNUSABLE] = "tlsa-unusable",
        [DANCE_REASON_TA_PATH] = "dane-ta-path",
        [DANCE_REASON_TA_NAME] = "dane-ta-name",
        [DANCE_REASON_INSECURE] = "dnssec-insecure",
        [DANCE_REASON_BOGUS] = "dnssec-bogus",
        [DANCE_REASON_NXDOMAIN] = "nxdomain",
        [DANCE_REASON_NODATA] = "nodata",
        [DANCE_REASON_SERVFAIL] = "servfail",
        [DANCE_REASON_TIMEOUT] = "timeout",
        [DANCE_REASON_INTERNAL] = "internal-error",
};

static void set_identity(dance_decision_t *d, const char *identity)
{
	if (identity == NULL) {
		identity = "";
	}
	snprintf(d->identity, sizeof(d->identity), "%s", identity);
}

void dance_decision_allow(dance_decision_t *d, const char *identity,
                          const char *fmt, ...)
{
	va_list ap;
	d->allow = 1;
	d->reason = DANCE_REASON_AUTHORIZED;
	set_identity(d, identity);
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
}

void dance_decision_deny(dance_decision_t *d, dance_reason_t reason,
                         const char *identity, const char *fmt, ...)
{
	va_list ap;
	d->allow = 0;
	d->reason = (reason == DANCE_REASON_AUTHORIZED ||
	             reason >= DANCE_REASON_COUNT)
	                    ? DANCE_REASON_INTERNAL
	                    : reason;
	set_identity(d, identity);
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
}

const char *dance_reason_code(dance_reason_t reason)
{
	if ((unsigned)reason >= DANCE_REASON_COUNT) {
		return "invalid";
	}
	return reason_codes[reason];
}

int dance_reason_from_code(const char *code)
{
	for (int i = 0; i < DANCE_REASON_COUNT; i++) {
		if (code != NULL && strcmp(code, reason_codes[i]) == 0) {
			return i;
		}
	}
	return -1;
}

dance_reason_t dance_reason_from_match(dance_match_outcome_t outcome)
{
	switch (outcome) {
	case DANCE_MATCH_OK: return DANCE_REASON_AUTHORIZED;
	case DANCE_MATCH_NONE: return DANCE_REASON_TLSA_MISMATCH;
	case DANCE_MATCH_NO_USABLE: return DANCE_REASON_TLSA_UNUSABLE;
	case DANCE_MATCH_NO_CREDS: return DANCE_REASON_NO_CREDENTIALS;
	case DANCE_MATCH_BAD_CREDS: return DANCE_REASON_BAD_CREDENTIALS;
	case DANCE_MATCH_TA_PATH: return DANCE_REASON_TA_PATH;
	case DANCE_MATCH_TA_NAME: return DANCE_REASON_TA_NAME;
	}
	return DANCE_REASON_INTERNAL;
}

int dance_decision_format(const dance_decision_t *d, const char *zone,
                          const char *peer, char *buf, size_t size)
{
	return snprintf(buf, size, "zone %s, peer %s, identity %s: %s (%s): %s",
	                zone != NULL && zone[0] != '\0' ? zone : "-",
	                peer != NULL && peer[0] != '\0' ? peer : "-",
	                d->identity[0] != '\0' ? d->identity : "unknown",
	                d->allow ? "allowed" : "denied",
	                dance_reason_code(d->reason), d->detail);
}
