/* sanclaim.h: the decision, with the certificate's names as a last hint.
 *
 * STOPGAP until libdance does this itself (the proxy needs the same
 * rule): dance_authz_decide learns the identity from dane_clientid or by
 * key discovery over the identities it can enumerate (explicit and
 * NS-derived names). Unmodified secondaries (knotd, NSD, BIND, kdig) send
 * no dane_clientid, so without more, suffix rules could never authorize
 * and a refusal could only say "unknown-key", never "dnssec-bogus" or
 * "identity-not-allowed".
 *
 * So when key discovery finds nothing, the subjectAltName dNSNames of the
 * presented leaf certificate (at most MD_SAN_CLAIMS of them) are tried as
 * claimed names, exactly as a dane_clientid would be: the policy must
 * allow the name before any DNS lookup, and only a DNSSEC-secure TLSA
 * RRset at that name matching the presented key authorizes. A name in a
 * certificate proves nothing by itself and is never trusted as such; it
 * only says which TLSA RRset to check (RFC 7671 5.1 still holds for
 * DANE-EE).
 *
 * The decision reported is the first that allows; else the most telling
 * denial: a DNS or matching failure at an allowed name, then "identity
 * not allowed" for a name the policy refuses, then discovery's own.
 * No further name is tried once budget_ms have passed since the start, so
 * a query waits on DNS for about twice the lookup timeout at worst.
 */
#ifndef MOD_DANCE_SANCLAIM_H
#define MOD_DANCE_SANCLAIM_H

#include <dance/authz.h>

#define MD_SAN_CLAIMS 4

void md_decide_with_san_claims(dance_authz_t *authz, const dance_request_t *req,
                               unsigned budget_ms, dance_decision_t *out);

#endif
