/* proxy_main.c: the CUnit runner of the dance-proxy unit suites, and the
 * packet builder the DNS suites share.
 * Usage: dance-proxy-unit [SUITE...]  (no argument: every suite). */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <gnutls/gnutls.h>
#include <libknot/libknot.h>

#include "../common/cunit_run.h"
#include "suites.h"

/* An SOA RRset of zone with serial, or an A record h.zone. */
static int put_record(knot_pkt_t *pkt, const knot_dname_t *zone, int soa,
                      uint32_t serial)
{
	uint8_t rdata[600];
	size_t len = 0;
	knot_rrset_t *rr;
	if (soa) {
		size_t zlen = knot_dname_size(zone);
		memcpy(rdata, zone, zlen);        /* mname */
		memcpy(rdata + zlen, zone, zlen); /* rname */
		len = 2 * zlen;
		knot_wire_write_u32(rdata + len, serial);
		for (int i = 1; i < 5; i++) {
			knot_wire_write_u32(rdata + len + 4 * i, 3600);
		}
		len += 20;
		rr = knot_rrset_new(zone, KNOT_RRTYPE_SOA, KNOT_CLASS_IN, 300,
		                    NULL);
	} else {
		uint8_t a[4] = {192, 0, 2, (uint8_t)serial};
		memcpy(rdata, a, 4);
		len = 4;
		rr = knot_rrset_new(zone, KNOT_RRTYPE_A, KNOT_CLASS_IN, 300,
		                    NULL);
	}
	if (rr == NULL) {
		return -1;
	}
	/* The packet keeps the wire form: the RRset is freed here. */
	int rc = knot_rrset_add_rdata(rr, rdata, (uint16_t)len, NULL);
	if (rc == KNOT_EOK) {
		rc = knot_pkt_put(pkt, KNOT_COMPR_HINT_NONE, rr, 0);
	}
	knot_rrset_free(rr, NULL);
	return rc;
}

size_t dp_test_response(const char *zone, uint16_t qtype, uint16_t id,
                        const uint32_t *soa_serials, const int *is_soa,
                        size_t count, uint8_t *out, size_t max)
{
	knot_dname_storage_t name;
	if (knot_dname_from_str(name, zone, sizeof(name)) == NULL) {
		return 0;
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		return 0;
	}
	knot_wire_set_id(pkt->wire, id);
	knot_wire_set_qr(pkt->wire);
	size_t result = 0;
	if (knot_pkt_put_question(pkt, name, KNOT_CLASS_IN, qtype) ==
	            KNOT_EOK &&
	    knot_pkt_begin(pkt, KNOT_ANSWER) == KNOT_EOK) {
		int ok = 1;
		for (size_t i = 0; ok && i < count; i++) {
			ok = put_record(pkt, name, is_soa[i], soa_serials[i]) ==
			     KNOT_EOK;
		}
		if (ok && pkt->size <= max) {
			memcpy(out, pkt->wire, pkt->size);
			result = pkt->size;
		}
	}
	knot_pkt_free(pkt);
	return result;
}

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 2;
	}
	gnutls_global_init();
	register_config_suite();
	register_dnsmsg_suite();
	register_xfrtrack_suite();
	register_tsig_suite();
	register_proxyv2_suite();
	register_misc_suite();
	register_limits_suite();
	int rc = dance_cunit_run("dance-proxy-unit", argc, argv);
	gnutls_global_deinit();
	return rc;
}
