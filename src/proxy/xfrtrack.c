/* xfrtrack.c: end of a transfer response stream. */
#include "xfrtrack.h"

#include <string.h>

#include <libknot/libknot.h>

void dp_xfrtrack_init(dp_xfrtrack_t *t, uint16_t qtype)
{
	memset(t, 0, sizeof(*t));
	t->qtype = qtype;
}

/* The serial of an SOA RDATA, checked against its length first
 * (knot_pkt_parse does not check RDATA against the type). -1: malformed. */
static int soa_serial(const knot_rdata_t *rd, uint32_t *serial)
{
	const uint8_t *end = rd->data + rd->len;
	int n1 = knot_dname_wire_check(rd->data, end, NULL);
	if (n1 <= 0) {
		return -1;
	}
	int n2 = knot_dname_wire_check(rd->data + n1, end, NULL);
	if (n2 <= 0 || (size_t)(n1 + n2) + 20 > rd->len) {
		return -1;
	}
	*serial = knot_soa_serial(rd);
	return 0;
}

/* One answer record in stream order. */
static void feed_rr(dp_xfrtrack_t *t, const knot_rrset_t *rr, uint16_t j)
{
	int soa = rr->type == KNOT_RRTYPE_SOA;
	uint32_t serial = 0;
	if (soa && soa_serial(knot_rdataset_at(&rr->rrs, j), &serial) != 0) {
		t->malformed = 1;
		t->done = 1;
		return;
	}
	t->rrs++;
	if (t->done) {
		return;
	}
	if (t->rrs == 1) {
		if (!soa) {
			t->done = 1; /* not a transfer answer */
			return;
		}
		t->serial = serial;
		t->soa_count = 1;
		return;
	}
	if (t->rrs == 2 && soa && t->qtype == KNOT_RRTYPE_IXFR) {
		t->ixfr_incremental = 1;
	}
	if (!soa) {
		return;
	}
	t->soa_count++;
	if (t->qtype == KNOT_RRTYPE_AXFR ||
	    (t->qtype == KNOT_RRTYPE_IXFR && !t->ixfr_incremental)) {
		t->done = 1; /* the closing SOA */
		return;
	}
	/* Incremental IXFR: SOAs 2, 4, 6... open deletion sequences; the new
	 * serial there closes the answer. */
	if (t->soa_count % 2 == 0 && serial == t->serial) {
		t->done = 1;
	}
}

dance_code_t dp_xfrtrack_feed(dp_xfrtrack_t *t, const uint8_t *msg, size_t len,
                              dance_error_t *err)
{
	if (len > KNOT_WIRE_MAX_PKTSIZE) {
		return dance_error_set(err, DANCE_EINVAL, "message too long");
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	memcpy(pkt->wire, msg, len);
	pkt->size = len;
	int rc = knot_pkt_parse(pkt, 0);
	if (rc != KNOT_EOK) {
		knot_pkt_free(pkt);
		return dance_error_set(err, DANCE_EINVAL,
		                       "response does not parse: %s",
		                       knot_strerror(rc));
	}
	t->messages++;
	if (knot_wire_get_rcode(pkt->wire) != KNOT_RCODE_NOERROR ||
	    t->qtype == KNOT_RRTYPE_SOA || t->qtype == 0) {
		t->done = 1;
	}
	const knot_pktsection_t *an = knot_pkt_section(pkt, KNOT_ANSWER);
	for (uint16_t i = 0; i < an->count; i++) {
		const knot_rrset_t *rr = knot_pkt_rr(an, i);
		for (uint16_t j = 0; j < rr->rrs.count; j++) {
			feed_rr(t, rr, j);
		}
	}
	/* An empty answer, or IXFR "up to date" (one SOA in one message). */
	if (t->rrs == 0 ||
	    (t->qtype == KNOT_RRTYPE_IXFR && t->messages == 1 && t->rrs == 1)) {
		t->done = 1;
	}
	knot_pkt_free(pkt);
	if (t->malformed) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "response holds a malformed SOA record");
	}
	return DANCE_OK;
}
