/* probe_dns.h: the DNS messages of a probe (libknot): SOA, IXFR and AXFR
 * queries for a zone, and what their answers say. */
#ifndef DANCE_CLI_PROBE_DNS_H
#define DANCE_CLI_PROBE_DNS_H

#include <stddef.h>
#include <stdint.h>

#include <libknot/libknot.h>

#include "dance/error.h"

/* Query for zone (normalised) and qtype into buf, with EDNS (so a server
 * can say why it refuses, RFC 8914); for IXFR soa (the zone's current
 * SOA) goes into the authority section. *id gets the random message ID. */
dance_code_t probe_dns_query(const char *zone, uint16_t qtype,
                             const knot_rrset_t *soa, uint8_t *buf, size_t cap,
                             size_t *len, uint16_t *id, dance_error_t *err);

/* What one answer message says. */
typedef struct probe_reply {
	uint16_t rcode;
	char rcode_name[24]; /* "NOERROR", "NOTAUTH", ... */
	int aa;
	size_t answers; /* records in the answer section */
	int first_soa;  /* the first answer record is a SOA ... */
	uint32_t first_serial;
	int last_soa; /* the last answer record is a SOA ... */
	uint32_t last_serial;
	knot_rrset_t *soa; /* copy of the first SOA (when asked), owned */
	int ede;           /* Extended DNS Error info code, -1 when none */
	char ede_text[128];
} probe_reply_t;

/* EDE 18 (Prohibited): mod-dance and dance-proxy attach it to a denial. */
#define PROBE_EDE_PROHIBITED 18

/* Parses a message answering id for zone and qtype (the question is
 * checked when present: later AXFR messages may leave it out). With
 * keep_soa the first answer SOA is copied into out->soa. */
dance_code_t probe_dns_parse(uint8_t *msg, size_t len, uint16_t id,
                             const char *zone, uint16_t qtype, int keep_soa,
                             probe_reply_t *out, dance_error_t *err);
void probe_reply_clear(probe_reply_t *r);

#endif
