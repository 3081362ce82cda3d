/* sanclaim.c: certificate names as claimed identities (see sanclaim.h). */
#include "sanclaim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Higher is more telling. */
static int rank(const dance_decision_t *d)
{
	if (d->allow) {
		return 3;
	}
	switch (d->reason) {
	case DANCE_REASON_NOT_ALLOWED: return 1;
	case DANCE_REASON_UNKNOWN_KEY: return 0;
	default: return 2;
	}
}

static void note_source(dance_decision_t *d)
{
	char detail[sizeof(d->detail)];
	snprintf(detail, sizeof(detail),
	         "%s (name from the certificate's subjectAltName)", d->detail);
	memcpy(d->detail, detail, sizeof(d->detail));
}

void md_decide_with_san_claims(dance_authz_t *authz, const dance_request_t *req,
                               unsigned budget_ms, dance_decision_t *out)
{
	int64_t stop = monotonic_ms() + budget_ms;
	dance_authz_decide(authz, req, out);
	const dance_creds_t *creds = req->creds;
	if (out->allow || out->reason != DANCE_REASON_UNKNOWN_KEY ||
	    req->claimed_name != NULL || creds == NULL || creds->count == 0 ||
	    creds->type != DANCE_CRED_X509) {
		return;
	}
	dance_name_list_t names = {NULL, 0};
	if (dance_cert_dnsnames(&creds->certs[0], &names, NULL) != DANCE_OK) {
		return;
	}
	dance_decision_t best = *out;
	for (size_t i = 0;
	     i < names.count && i < MD_SAN_CLAIMS && monotonic_ms() < stop;
	     i++) {
		dance_request_t claim = *req;
		claim.claimed_name = names.names[i];
		dance_decision_t d;
		dance_authz_decide(authz, &claim, &d);
		if (rank(&d) > rank(&best)) {
			best = d;
			note_source(&best);
		}
		if (best.allow) {
			break;
		}
	}
	dance_name_list_clear(&names);
	*out = best;
}
