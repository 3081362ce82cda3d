/* probe_tlsa.c: the primary's own certificate against the TLSA records
 * at _853._tcp.<server name> (probe.h). Informative only. */
#include <stdio.h>
#include <string.h>

#include "dance/match.h"
#include "probe.h"

void probe_check_server_tlsa(dance_resolver_t *resolver, const probe_opts_t *o,
                             probe_result_t *r)
{
	dance_tlsa_answer_t answer;
	dance_error_t err;
	snprintf(r->tlsa_owner, sizeof(r->tlsa_owner), "_853._tcp.%s",
	         o->server_name);
	dance_tlsa_answer_init(&answer);
	if (dance_resolver_lookup(resolver, r->tlsa_owner, 0, &answer, &err) !=
	    DANCE_OK) {
		r->tlsa_state = "servfail";
		snprintf(r->tlsa_detail, sizeof(r->tlsa_detail), "%s",
		         err.reason);
		dance_tlsa_answer_clear(&answer);
		return;
	}
	r->tlsa_state = dance_dns_state_name(answer.state);
	if (answer.state != DANCE_DNS_SECURE) {
		snprintf(r->tlsa_detail, sizeof(r->tlsa_detail), "%s",
		         answer.why);
		dance_tlsa_answer_clear(&answer);
		return;
	}
	dance_creds_t creds = {DANCE_CRED_X509, r->tls.server_chain,
	                       r->tls.server_chain_len};
	dance_match_opts_t mopts = {.name = o->server_name};
	dance_match_result_t res;
	dance_match(&answer.rrset, &creds, &mopts, &res);
	r->tlsa_outcome = dance_match_outcome_name(res.outcome);
	snprintf(r->tlsa_detail, sizeof(r->tlsa_detail), "%s", res.detail);
	dance_tlsa_answer_clear(&answer);
}
