/* authz_san.c: the certificate's names as a last hint for the decision.
 *
 * dance_authz_decide learns the identity from dane_clientid or by key
 * discovery over the identities the policy can enumerate (explicit and
 * NS-derived names). Unmodified secondaries (knotd, NSD, BIND, kdig) send
 * no dane_clientid, so on their own suffix rules could never authorize and
 * a refusal could only say "unknown-key", never why an allowed name's TLSA
 * failed. So when discovery finds nothing, the subjectAltName dNSNames of
 * the presented leaf are tried as claimed names, exactly as a dane_clientid
 * would be: the policy must allow the name before any DNS lookup, and only
 * a DNSSEC-secure TLSA RRset at that name matching the presented key
 * authorizes. A name in a certificate proves nothing by itself; it only
 * says which TLSA RRset to check (RFC 7671 5.1 still holds for DANE-EE).
 */
#include "authz_internal.h"
#include "peer_digest.h"

#include <stdio.h>
#include <string.h>

#include "dance/name.h"
#include "refresher.h"

/* Higher is more telling: an allow, then a DNS or matching failure at an
 * allowed name, then a name the policy refuses, then discovery's own. */
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

static int wants_san_names(const dance_request_t *req,
                           const dance_decision_t *out)
{
	const dance_creds_t *creds = req->creds;
	return !out->allow && out->reason == DANCE_REASON_UNKNOWN_KEY &&
	       req->claimed_name == NULL && creds != NULL && creds->count > 0 &&
	       creds->type == DANCE_CRED_X509;
}

/* A refusal says why certificate names were not used (VULN-2): they are
 * never IDNA-mapped, so a look-alike name is ignored, not rewritten. */
static void note_ignored(dance_decision_t *d, const dance_san_scan_t *scan)
{
	if (d->allow || scan->ignored == 0) {
		return;
	}
	char detail[sizeof(d->detail)];
	snprintf(detail, sizeof(detail),
	         "%s; %zu certificate name%s ignored (%s)", d->detail,
	         scan->ignored, scan->ignored == 1 ? "" : "s", scan->why);
	memcpy(d->detail, detail, sizeof(d->detail));
}

void dance_authz_try_san_names(dance_authz_t *a, const dance_request_t *req,
                               int64_t stop, dance_decide_fn decide,
                               dance_decision_t *out)
{
	/* The names were read once, with the rest of the credentials. */
	if (!wants_san_names(req, out) || req->digested == NULL ||
	    !req->digested->names_ok) {
		return;
	}
	const dance_name_list_t *names = &req->digested->names;
	dance_decision_t best = *out;
	for (size_t i = 0; i < names->count && i < DANCE_SAN_CLAIMS &&
	                   dance_monotonic_ms() < stop && !best.allow;
	     i++) {
		dance_request_t claim = *req;
		claim.claimed_name = names->names[i];
		dance_decision_t d;
		decide(a, &claim, &d);
		if (rank(&d) > rank(&best)) {
			best = d;
			note_source(&best);
		}
	}
	note_ignored(&best, &req->digested->scan);
	*out = best;
}
