/* xfrtrack.h: where a zone transfer response stream ends (pure).
 *
 * Fed every response message of one query, it says when the response is
 * complete: an error rcode; SOA: the first message; AXFR: the second SOA;
 * IXFR: a single-SOA answer (up to date), or the SOA of the new serial in
 * the place where a deletion sequence would start (RFC 1995), which also
 * ends an AXFR-style IXFR answer. */
#ifndef DP_XFRTRACK_H
#define DP_XFRTRACK_H

#include <stddef.h>
#include <stdint.h>

#include <dance/error.h>

typedef struct dp_xfrtrack {
	uint16_t qtype;
	uint32_t serial;    /* of the first SOA */
	unsigned soa_count; /* SOAs seen */
	unsigned long rrs;  /* answer records seen */
	unsigned messages;
	int done;
	int ixfr_incremental; /* second record was an SOA */
	int malformed;        /* an SOA RDATA did not parse */
} dp_xfrtrack_t;

void dp_xfrtrack_init(dp_xfrtrack_t *t, uint16_t qtype);
/* Feeds one message (without TSIG); EINVAL when it does not parse. */
dance_code_t dp_xfrtrack_feed(dp_xfrtrack_t *t, const uint8_t *msg, size_t len,
                              dance_error_t *err);

#endif
