/* fuzz_dnsmsg.c: the DNS messages dance-proxy reads before any
 * authorization (src/proxy/dnsmsg.c): query classification, the proxy's
 * own error answers, and the NS answer of the backend.
 *
 * The input is one DNS message (the proxy strips the TCP length prefix).
 * Properties:
 * - dp_query_classify: a query passes only with one IN question for
 *   AXFR, IXFR or SOA and a usable zone name (in normal form); a response
 *   never passes; a refusal says why; the message ID is kept;
 * - dp_answer_error: the answer is a response with the query's ID and
 *   the rcode asked for, parses with libknot, and fits the buffer; a
 *   buffer one byte too small is refused, not overrun;
 * - dp_query_build of the classified zone classifies back to that zone;
 * - dp_answer_ns gives names in normal form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "dance/name.h"
#include "dnsmsg.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_normal(const char *name)
{
	char again[DANCE_NAME_MAX];
	return dance_name_normalize(name, again, NULL) == DANCE_OK &&
	       strcmp(again, name) == 0;
}

static void check_classify(const uint8_t *data, size_t size,
                           const dp_query_t *q, dance_code_t rc,
                           const dance_error_t *err)
{
	if (size >= 2) {
		FUZZ_CHECK(q->id == knot_wire_get_id(data), "id lost");
	}
	FUZZ_CHECK(memchr(q->qtype_name, '\0', sizeof(q->qtype_name)) != NULL,
	           "qtype name not terminated");
	if (rc != DANCE_OK) {
		FUZZ_CHECK((rc == DANCE_EINVAL || rc == DANCE_ENOMEM) &&
		                   err->reason[0] != '\0',
		           "refusal %d without reason", (int)rc);
		FUZZ_CHECK(!q->pass, "unparsable query passes");
		return;
	}
	FUZZ_CHECK(!knot_wire_get_qr(data), "a response classified as query");
	if (!q->pass) {
		FUZZ_CHECK(q->why[0] != '\0', "refused without a reason");
		return;
	}
	FUZZ_CHECK(knot_wire_get_opcode(data) == KNOT_OPCODE_QUERY &&
	                   knot_wire_get_qdcount(data) == 1,
	           "passes with opcode %u, %u questions",
	           knot_wire_get_opcode(data), knot_wire_get_qdcount(data));
	FUZZ_CHECK(q->qclass == KNOT_CLASS_IN, "passes class %u", q->qclass);
	FUZZ_CHECK(q->qtype == KNOT_RRTYPE_AXFR ||
	                   q->qtype == KNOT_RRTYPE_IXFR ||
	                   q->qtype == KNOT_RRTYPE_SOA,
	           "passes type %u", q->qtype);
	FUZZ_CHECK(q->zone[0] != '\0' && is_normal(q->zone),
	           "passes zone \"%s\"", q->zone);
}

static void check_answer(const uint8_t *data, size_t size)
{
	static uint8_t out[KNOT_WIRE_MAX_PKTSIZE];
	size_t len = 0, len2 = 0;
	dance_error_t err;
	dance_code_t rc =
	        dp_answer_error(data, size, KNOT_RCODE_REFUSED, 18,
	                        "Prohibited", out, sizeof(out), &len, &err);
	if (rc != DANCE_OK) {
		FUZZ_CHECK(err.reason[0] != '\0', "answer refusal silent");
		return;
	}
	FUZZ_CHECK(len >= KNOT_WIRE_HEADER_SIZE && len <= sizeof(out),
	           "answer of %zu bytes", len);
	FUZZ_CHECK(knot_wire_get_qr(out) &&
	                   knot_wire_get_rcode(out) == KNOT_RCODE_REFUSED,
	           "answer is not a REFUSED response");
	FUZZ_CHECK(knot_wire_get_id(out) == knot_wire_get_id(data),
	           "answer id differs");
	knot_pkt_t *pkt = knot_pkt_new(out, (uint16_t)len, NULL);
	FUZZ_CHECK(pkt != NULL && knot_pkt_parse(pkt, 0) == KNOT_EOK,
	           "own answer does not parse");
	knot_pkt_free(pkt);
	uint8_t *tight = malloc(len - 1);
	if (tight != NULL) {
		FUZZ_CHECK(dp_answer_error(data, size, KNOT_RCODE_REFUSED, 18,
		                           "Prohibited", tight, len - 1, &len2,
		                           &err) != DANCE_OK,
		           "answer of %zu bytes fit %zu", len, len - 1);
		free(tight);
	}
}

static void check_build(const char *zone)
{
	uint8_t wire[KNOT_WIRE_MAX_PKTSIZE];
	size_t len = 0;
	dp_query_t q;
	FUZZ_CHECK(dp_query_build(zone, KNOT_RRTYPE_SOA, 4711, wire,
	                          sizeof(wire), &len, NULL) == DANCE_OK,
	           "cannot build a query for %s", zone);
	FUZZ_CHECK(dp_query_classify(wire, len, &q, NULL) == DANCE_OK &&
	                   q.pass && strcmp(q.zone, zone) == 0 && q.id == 4711,
	           "own SOA query for %s classified as %s", zone, q.zone);
}

static void check_ns(const uint8_t *data, size_t size, const char *zone)
{
	char **names = NULL;
	size_t count = 0;
	if (dp_answer_ns(data, size, zone, &names, &count, NULL) != DANCE_OK) {
		FUZZ_CHECK(names == NULL && count == 0, "refused but names");
		return;
	}
	for (size_t i = 0; i < count; i++) {
		FUZZ_CHECK(is_normal(names[i]), "NS name \"%s\" not normal",
		           names[i]);
		free(names[i]);
	}
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dp_query_t q;
	dance_error_t err;
	dance_code_t rc = dp_query_classify(data, size, &q, &err);
	check_classify(data, size, &q, rc, &err);
	check_answer(data, size);
	if (rc == DANCE_OK && q.pass) {
		check_build(q.zone);
	}
	check_ns(data, size,
	         rc == DANCE_OK && q.zone[0] != '\0' ? q.zone : "example");
	return 0;
}
