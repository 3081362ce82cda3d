/* loadgen_dns.c: see loadgen_dns.h. */
#include "loadgen_dns.h"

#include <string.h>

#include <libknot/libknot.h>

size_t loadgen_soa_query(const char *zone, uint8_t *out, size_t size)
{
	knot_dname_storage_t name;
	size_t result = 0;
	if (size < 2 || knot_dname_from_str(name, zone, sizeof(name)) == NULL) {
		return 0;
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		return 0;
	}
	knot_wire_set_id(pkt->wire, 0x1d1d);
	if (knot_pkt_put_question(pkt, name, KNOT_CLASS_IN, KNOT_RRTYPE_SOA) ==
	            KNOT_EOK &&
	    pkt->size + 2 <= size) {
		out[0] = (uint8_t)(pkt->size >> 8);
		out[1] = (uint8_t)pkt->size;
		memcpy(out + 2, pkt->wire, pkt->size);
		result = pkt->size + 2;
	}
	knot_pkt_free(pkt);
	return result;
}

int loadgen_have_message(const uint8_t *buf, size_t len)
{
	return len >= 2 && len >= 2 + (((size_t)buf[0] << 8) | buf[1]);
}
