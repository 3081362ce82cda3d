/* answer_packet.c: the TLSA RRset, its TTL and the earliest RRSIG
 * expiration, read from a DNS answer with libknot. */
#include "resolver_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libknot/descriptor.h>
#include <libknot/packet/pkt.h>
#include <libknot/rrtype/rrsig.h>

/* RRSIG RDATA before the signer's name (RFC 4034 3.1): type covered,
 * algorithm, labels, original TTL, expiration, inception, key tag. */
#define RRSIG_FIXED_LEN 18

/* RRSIG expirations are 32-bit serial times (RFC 4034 3.1.5): pick the
 * instance nearest to now. */
static time_t serial_time(uint32_t value, time_t now)
{
	int64_t delta = (int32_t)(value - (uint32_t)now);
	return now + delta;
}

static void add_rrsigs(const knot_rrset_t *rr, time_t now, time_t *earliest)
{
	for (uint16_t i = 0; i < rr->rrs.count; i++) {
		const knot_rdata_t *rd = knot_rdataset_at(&rr->rrs, i);
		/* knot_pkt_parse does not check RDATA: the accessors read
		 * the fixed fields, so a shorter RRSIG is skipped. */
		if (rd->len < RRSIG_FIXED_LEN ||
		    knot_rrsig_type_covered(rd) != KNOT_RRTYPE_TLSA) {
			continue;
		}
		time_t exp = serial_time(knot_rrsig_sig_expiration(rd), now);
		if (*earliest == 0 || exp < *earliest) {
			*earliest = exp;
		}
	}
}

static size_t add_tlsa(const knot_rrset_t *rr, dance_tlsa_answer_t *out,
                       size_t *skipped)
{
	size_t added = 0;
	if (out->rrset.count == 0 || rr->ttl < out->ttl) {
		out->ttl = rr->ttl;
	}
	for (uint16_t i = 0; i < rr->rrs.count; i++) {
		const knot_rdata_t *rd = knot_rdataset_at(&rr->rrs, i);
		dance_tlsa_t t;
		if (dance_tlsa_from_wire(&t, rd->data, rd->len, NULL) !=
		            DANCE_OK ||
		    dance_tlsa_set_add(&out->rrset, &t, NULL) != DANCE_OK) {
			(*skipped)++;
		} else {
			added++;
		}
		dance_tlsa_clear(&t);
	}
	return added;
}

size_t dance_answer_from_packet(const uint8_t *wire, size_t len,
                                const char *owner, dance_tlsa_answer_t *out)
{
	(void)owner; /* the answer section's owner is the query's (or its
	                CNAME target), resolved by the caller's resolver */
	size_t found = 0, skipped = 0;
	time_t now = time(NULL);
	if (wire == NULL || len == 0 || len > UINT16_MAX) {
		return 0;
	}
	knot_pkt_t *pkt = knot_pkt_new((void *)wire, (uint16_t)len, NULL);
	if (pkt == NULL) {
		return 0;
	}
	if (knot_pkt_parse(pkt, 0) == KNOT_EOK) {
		const knot_pktsection_t *ans =
		        knot_pkt_section(pkt, KNOT_ANSWER);
		for (uint16_t i = 0; i < ans->count; i++) {
			const knot_rrset_t *rr = knot_pkt_rr(ans, i);
			if (rr->type == KNOT_RRTYPE_TLSA) {
				found += add_tlsa(rr, out, &skipped);
			} else if (rr->type == KNOT_RRTYPE_RRSIG) {
				add_rrsigs(rr, now, &out->rrsig_expiry);
			}
		}
	}
	knot_pkt_free(pkt);
	if (skipped > 0) {
		snprintf(out->why, sizeof(out->why),
		         "%zu malformed TLSA record(s) ignored", skipped);
	}
	return found;
}
