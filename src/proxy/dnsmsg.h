/* dnsmsg.h: the DNS messages the proxy looks at itself (pure, libknot):
 * classifying a client query, and building the REFUSED / SERVFAIL answers
 * it gives without asking the backend. */
#ifndef DP_DNSMSG_H
#define DP_DNSMSG_H

#include <stddef.h>
#include <stdint.h>

#include <dance/error.h>
#include <dance/name.h>

typedef struct dp_query {
	uint16_t id;
	uint16_t qtype;
	uint16_t qclass;
	char qtype_name[16];       /* "AXFR", "TYPE65280" */
	char zone[DANCE_NAME_MAX]; /* QNAME normalised ("" for the root) */
	int pass;                  /* one IN question, QUERY, AXFR|IXFR|SOA */
	char why[128];             /* when !pass: why it is refused */
} dp_query_t;

/* Parses a query. DANCE_OK and *out (pass says whether it may go on to
 * authorization), or EINVAL when the message does not parse as a query
 * (out->id is still set when len >= 2). */
dance_code_t dp_query_classify(const uint8_t *msg, size_t len, dp_query_t *out,
                               dance_error_t *err);

/* The answer to query with rcode (KNOT_RCODE_REFUSED, _SERVFAIL,
 * _FORMERR): the question echoed when it parses, else the header alone;
 * with an EDE option (info code ede, text) when ede >= 0 and the query
 * had EDNS. Writes at most max bytes to out. */
dance_code_t dp_answer_error(const uint8_t *query, size_t qlen, uint16_t rcode,
                             int ede, const char *ede_text, uint8_t *out,
                             size_t max, size_t *out_len, dance_error_t *err);

/* The NS query for zone (normalised) with id, for ns-derived zones. */
dance_code_t dp_query_build(const char *zone, uint16_t qtype, uint16_t id,
                            uint8_t *out, size_t max, size_t *out_len,
                            dance_error_t *err);

/* NS target names (normalised, owned strings) of the answer section of a
 * response for zone. The caller frees each and the array. */
dance_code_t dp_answer_ns(const uint8_t *msg, size_t len, const char *zone,
                          char ***names, size_t *count, dance_error_t *err);

#endif
