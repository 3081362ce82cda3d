/* answer.c: TLSA lookup answers: lifetime helpers and state names. */
#include "dance/resolver.h"

#include <string.h>

/* An empty answer denies: it starts as SERVFAIL, never as SECURE. */
void dance_tlsa_answer_init(dance_tlsa_answer_t *a)
{
	memset(a, 0, sizeof(*a));
	dance_tlsa_set_init(&a->rrset);
	a->state = DANCE_DNS_SERVFAIL;
}

void dance_tlsa_answer_clear(dance_tlsa_answer_t *a)
{
	if (a == NULL) {
		return;
	}
	dance_tlsa_set_clear(&a->rrset);
	dance_tlsa_answer_init(a);
}

dance_code_t dance_tlsa_answer_copy(dance_tlsa_answer_t *dst,
                                    const dance_tlsa_answer_t *src,
                                    dance_error_t *err)
{
	dance_tlsa_answer_init(dst);
	dance_code_t rc = dance_tlsa_set_copy(&dst->rrset, &src->rrset, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	dst->state = src->state;
	dst->ttl = src->ttl;
	dst->rrsig_expiry = src->rrsig_expiry;
	dst->fetched = src->fetched;
	memcpy(dst->why, src->why, sizeof(dst->why));
	return DANCE_OK;
}

const char *dance_dns_state_name(dance_dns_state_t state)
{
	switch (state) {
	case DANCE_DNS_SECURE: return "secure";
	case DANCE_DNS_INSECURE: return "insecure";
	case DANCE_DNS_BOGUS: return "bogus";
	case DANCE_DNS_NXDOMAIN: return "nxdomain";
	case DANCE_DNS_NODATA: return "nodata";
	case DANCE_DNS_SERVFAIL: return "servfail";
	case DANCE_DNS_TIMEOUT: return "timeout";
	}
	return "invalid";
}
