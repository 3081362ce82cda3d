/* test_dnsmsg.c: query classification and the proxy's own answers,
 * checked with packets built and parsed by libknot. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libknot/libknot.h>

#include "dnsmsg.h"
#include "suites.h"

/* A query built by libknot: zone, qtype, qclass, optional EDNS. */
static size_t make_query(const char *zone, uint16_t qtype, uint16_t qclass,
                         int edns, uint8_t *out, size_t max)
{
	knot_dname_storage_t name;
	CU_ASSERT_PTR_NOT_NULL_FATAL(
	        knot_dname_from_str(name, zone, sizeof(name)));
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt);
	knot_wire_set_id(pkt->wire, 0xbeef);
	CU_ASSERT_EQUAL_FATAL(knot_pkt_put_question(pkt, name, qclass, qtype),
	                      KNOT_EOK);
	knot_rrset_t opt;
	knot_rrset_init_empty(&opt);
	if (edns) {
		CU_ASSERT_EQUAL_FATAL(knot_edns_init(&opt, 1232, 0, 0, NULL),
		                      KNOT_EOK);
		CU_ASSERT_EQUAL_FATAL(knot_pkt_begin(pkt, KNOT_ADDITIONAL),
		                      KNOT_EOK);
		CU_ASSERT_EQUAL_FATAL(knot_pkt_put(pkt, 0, &opt, 0), KNOT_EOK);
	}
	size_t len = pkt->size;
	CU_ASSERT_FATAL(len <= max);
	memcpy(out, pkt->wire, len);
	knot_pkt_free(pkt);
	knot_rrset_clear(&opt, NULL);
	return len;
}

static void test_classify_pass(void)
{
	uint8_t q[512];
	dp_query_t out;
	dance_error_t err;
	const uint16_t types[] = {KNOT_RRTYPE_AXFR, KNOT_RRTYPE_IXFR,
	                          KNOT_RRTYPE_SOA};
	const char *names[] = {"AXFR", "IXFR", "SOA"};
	for (int i = 0; i < 3; i++) {
		size_t len = make_query("Example.TEST.", types[i],
		                        KNOT_CLASS_IN, i == 1, q, sizeof(q));
		CU_ASSERT_EQUAL_FATAL(dp_query_classify(q, len, &out, &err),
		                      DANCE_OK);
		CU_ASSERT_EQUAL(out.pass, 1);
		CU_ASSERT_EQUAL(out.id, 0xbeef);
		CU_ASSERT_EQUAL(out.qtype, types[i]);
		CU_ASSERT_STRING_EQUAL(out.qtype_name, names[i]);
		CU_ASSERT_STRING_EQUAL(out.zone, "example.test");
	}
}

static void test_classify_refused(void)
{
	uint8_t q[512];
	dp_query_t out;
	dance_error_t err;
	size_t len = make_query("www.example.test", KNOT_RRTYPE_A,
	                        KNOT_CLASS_IN, 0, q, sizeof(q));
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.pass, 0);
	CU_ASSERT_STRING_EQUAL(out.qtype_name, "A");
	CU_ASSERT_STRING_EQUAL(out.why,
	                       "only AXFR, IXFR and SOA queries are relayed");
	len = make_query("example.test", KNOT_RRTYPE_AXFR, KNOT_CLASS_CH, 0, q,
	                 sizeof(q));
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.pass, 0);
	CU_ASSERT_STRING_EQUAL(out.why, "class is not IN");
	len = make_query("example.test", KNOT_RRTYPE_AXFR, KNOT_CLASS_IN, 0, q,
	                 sizeof(q));
	knot_wire_set_opcode(q, KNOT_OPCODE_UPDATE);
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.pass, 0);
	CU_ASSERT_STRING_EQUAL(out.why, "opcode is not QUERY");
	len = make_query(".", KNOT_RRTYPE_AXFR, KNOT_CLASS_IN, 0, q, sizeof(q));
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.pass, 0);
	/* A query the client signed itself. */
	len = make_query("example.test", KNOT_RRTYPE_AXFR, KNOT_CLASS_IN, 0, q,
	                 sizeof(q));
	knot_tsig_key_t key;
	CU_ASSERT_EQUAL_FATAL(knot_tsig_key_init_str(&key, "k:c2VjcmV0"),
	                      KNOT_EOK);
	uint8_t digest[64];
	size_t digest_len = sizeof(digest);
	CU_ASSERT_EQUAL_FATAL(knot_tsig_sign(q, &len, sizeof(q), NULL, 0,
	                                     digest, &digest_len, &key, 0, 0),
	                      KNOT_EOK);
	knot_tsig_key_deinit(&key);
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.pass, 0);
	CU_ASSERT_STRING_EQUAL(out.why, "TSIG-signed queries are not relayed");
	len = make_query("x.test", KNOT_RRTYPE_NS, KNOT_CLASS_IN, 0, q,
	                 sizeof(q));
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out.qtype_name, "NS");
	CU_ASSERT_EQUAL(out.pass, 0);
}

static void test_classify_malformed(void)
{
	uint8_t q[512] = {0};
	dp_query_t out;
	dance_error_t err;
	CU_ASSERT_EQUAL(dp_query_classify(q, 0, &out, &err), DANCE_EINVAL);
	const uint8_t shorty[5] = {0x12, 0x34, 0, 0, 0};
	CU_ASSERT_EQUAL(dp_query_classify(shorty, sizeof(shorty), &out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(out.id, 0x1234);
	size_t len = make_query("example.test", KNOT_RRTYPE_AXFR, KNOT_CLASS_IN,
	                        0, q, sizeof(q));
	/* Truncated question. */
	CU_ASSERT_EQUAL(dp_query_classify(q, len - 3, &out, &err),
	                DANCE_EINVAL);
	/* A response is not a query. */
	knot_wire_set_qr(q);
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.reason,
	                       "message is a response, not a query");
	/* Two questions claimed, one present. */
	knot_wire_clear_qr(q);
	knot_wire_set_qdcount(q, 2);
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_EINVAL);
}

/* Parses an answer with libknot. */
static knot_pkt_t *parse_answer(const uint8_t *wire, size_t len)
{
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt);
	memcpy(pkt->wire, wire, len);
	pkt->size = len;
	CU_ASSERT_EQUAL_FATAL(knot_pkt_parse(pkt, 0), KNOT_EOK);
	return pkt;
}

static void test_refused_with_ede(void)
{
	uint8_t q[512], a[1024];
	size_t alen = 0;
	dance_error_t err;
	size_t len = make_query("example.test", KNOT_RRTYPE_AXFR, KNOT_CLASS_IN,
	                        1, q, sizeof(q));
	CU_ASSERT_EQUAL_FATAL(dp_answer_error(q, len, KNOT_RCODE_REFUSED,
	                                      KNOT_EDNS_EDE_PROHIBITED,
	                                      "unknown-key", a, sizeof(a),
	                                      &alen, &err),
	                      DANCE_OK);
	knot_pkt_t *pkt = parse_answer(a, alen);
	CU_ASSERT_EQUAL(knot_wire_get_id(pkt->wire), 0xbeef);
	CU_ASSERT(knot_wire_get_qr(pkt->wire));
	CU_ASSERT_EQUAL(knot_wire_get_rcode(pkt->wire), KNOT_RCODE_REFUSED);
	CU_ASSERT_EQUAL(knot_pkt_qtype(pkt), KNOT_RRTYPE_AXFR);
	CU_ASSERT_EQUAL(knot_wire_get_ancount(pkt->wire), 0);
	CU_ASSERT_FATAL(knot_pkt_has_edns(pkt));
	uint8_t *ede = knot_pkt_edns_option(pkt, KNOT_EDNS_OPTION_EDE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ede);
	CU_ASSERT_EQUAL(knot_edns_opt_get_length(ede),
	                2 + strlen("unknown-key"));
	const uint8_t *data = knot_edns_opt_get_data(ede);
	CU_ASSERT_EQUAL(knot_wire_read_u16(data), KNOT_EDNS_EDE_PROHIBITED);
	CU_ASSERT_EQUAL(memcmp(data + 2, "unknown-key", 11), 0);
	knot_pkt_free(pkt);
}

static void test_refused_without_edns(void)
{
	uint8_t q[512], a[1024];
	size_t alen = 0;
	dance_error_t err;
	size_t len = make_query("example.test", KNOT_RRTYPE_IXFR, KNOT_CLASS_IN,
	                        0, q, sizeof(q));
	CU_ASSERT_EQUAL_FATAL(dp_answer_error(q, len, KNOT_RCODE_REFUSED,
	                                      KNOT_EDNS_EDE_PROHIBITED, "x", a,
	                                      sizeof(a), &alen, &err),
	                      DANCE_OK);
	knot_pkt_t *pkt = parse_answer(a, alen);
	CU_ASSERT_EQUAL(knot_wire_get_rcode(pkt->wire), KNOT_RCODE_REFUSED);
	CU_ASSERT(!knot_pkt_has_edns(pkt));
	CU_ASSERT_EQUAL(knot_pkt_qtype(pkt), KNOT_RRTYPE_IXFR);
	knot_pkt_free(pkt);
	/* SERVFAIL the same way. */
	CU_ASSERT_EQUAL_FATAL(dp_answer_error(q, len, KNOT_RCODE_SERVFAIL, -1,
	                                      NULL, a, sizeof(a), &alen, &err),
	                      DANCE_OK);
	pkt = parse_answer(a, alen);
	CU_ASSERT_EQUAL(knot_wire_get_rcode(pkt->wire), KNOT_RCODE_SERVFAIL);
	knot_pkt_free(pkt);
}

static void test_refused_header_only(void)
{
	uint8_t a[1024];
	size_t alen = 0;
	dance_error_t err;
	const uint8_t junk[14] = {0xab, 0xcd, 0x01, 0, 0, 1,    0,
	                          0,    0,    0,    0, 0, 0x3f, 0x3f};
	CU_ASSERT_EQUAL_FATAL(dp_answer_error(junk, sizeof(junk),
	                                      KNOT_RCODE_REFUSED, -1, NULL, a,
	                                      sizeof(a), &alen, &err),
	                      DANCE_OK);
	CU_ASSERT_EQUAL(alen, KNOT_WIRE_HEADER_SIZE);
	CU_ASSERT_EQUAL(knot_wire_get_id(a), 0xabcd);
	CU_ASSERT(knot_wire_get_qr(a));
	CU_ASSERT(knot_wire_get_rd(a));
	CU_ASSERT_EQUAL(knot_wire_get_rcode(a), KNOT_RCODE_REFUSED);
	CU_ASSERT_EQUAL(knot_wire_get_qdcount(a), 0);
	CU_ASSERT_EQUAL(dp_answer_error(junk, 1, KNOT_RCODE_REFUSED, -1, NULL,
	                                a, sizeof(a), &alen, &err),
	                DANCE_EINVAL);
}

static void test_ns_answer(void)
{
	/* Build an NS answer with libknot. */
	knot_dname_storage_t zone, ns1, ns2;
	knot_dname_from_str(zone, "example.test", sizeof(zone));
	knot_dname_from_str(ns1, "NS2.good.dance.test", sizeof(ns1));
	knot_dname_from_str(ns2, "ns3.good.dance.test", sizeof(ns2));
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt);
	knot_wire_set_qr(pkt->wire);
	CU_ASSERT_EQUAL_FATAL(
	        knot_pkt_put_question(pkt, zone, KNOT_CLASS_IN, KNOT_RRTYPE_NS),
	        KNOT_EOK);
	knot_pkt_begin(pkt, KNOT_ANSWER);
	knot_rrset_t *rr =
	        knot_rrset_new(zone, KNOT_RRTYPE_NS, KNOT_CLASS_IN, 300, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rr);
	knot_rrset_add_rdata(rr, ns1, knot_dname_size(ns1), NULL);
	knot_rrset_add_rdata(rr, ns2, knot_dname_size(ns2), NULL);
	CU_ASSERT_EQUAL(knot_pkt_put(pkt, 0, rr, 0), KNOT_EOK);
	knot_rrset_free(rr, NULL);
	char **names = NULL;
	size_t count = 0;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(dp_answer_ns(pkt->wire, pkt->size, "example.test",
	                                   &names, &count, &err),
	                      DANCE_OK);
	CU_ASSERT_EQUAL_FATAL(count, 2);
	CU_ASSERT_STRING_EQUAL(names[0], "ns2.good.dance.test");
	CU_ASSERT_STRING_EQUAL(names[1], "ns3.good.dance.test");
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
	/* Another zone's NS records are not taken. */
	CU_ASSERT_EQUAL(dp_answer_ns(pkt->wire, pkt->size, "other.test", &names,
	                             &count, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(count, 0);
	free(names);
	knot_wire_set_rcode(pkt->wire, KNOT_RCODE_NOTAUTH);
	CU_ASSERT_EQUAL(dp_answer_ns(pkt->wire, pkt->size, "example.test",
	                             &names, &count, &err),
	                DANCE_EDNS);
	knot_pkt_free(pkt);
}

static void test_query_build(void)
{
	uint8_t q[512];
	size_t len = 0;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(dp_query_build("example.test", KNOT_RRTYPE_NS, 7,
	                                     q, sizeof(q), &len, &err),
	                      DANCE_OK);
	dp_query_t out;
	CU_ASSERT_EQUAL(dp_query_classify(q, len, &out, &err), DANCE_OK);
	CU_ASSERT_EQUAL(out.id, 7);
	CU_ASSERT_EQUAL(out.qtype, KNOT_RRTYPE_NS);
	CU_ASSERT_STRING_EQUAL(out.zone, "example.test");
}

void register_dnsmsg_suite(void)
{
	CU_pSuite s = CU_add_suite("dnsmsg", NULL, NULL);
	CU_add_test(s, "AXFR, IXFR, SOA pass", test_classify_pass);
	CU_add_test(s, "other queries refused", test_classify_refused);
	CU_add_test(s, "malformed queries", test_classify_malformed);
	CU_add_test(s, "REFUSED with EDE 18", test_refused_with_ede);
	CU_add_test(s, "REFUSED/SERVFAIL without EDNS",
	            test_refused_without_edns);
	CU_add_test(s, "header-only answers", test_refused_header_only);
	CU_add_test(s, "NS answers", test_ns_answer);
	CU_add_test(s, "query building", test_query_build);
}
