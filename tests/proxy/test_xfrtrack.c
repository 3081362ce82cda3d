/* test_xfrtrack.c: where AXFR, IXFR and SOA answer streams end. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <libknot/libknot.h>

#include "suites.h"
#include "xfrtrack.h"

/* Feeds one message of records (s: SOA with serial, 0: A record). */
static void feed(dp_xfrtrack_t *t, uint16_t qtype, const uint32_t *serials,
                 const int *soa, size_t n)
{
	uint8_t msg[4096];
	size_t len = dp_test_response("example.test", qtype, 1, serials, soa, n,
	                              msg, sizeof(msg));
	CU_ASSERT_FATAL(len > 0);
	dance_error_t err;
	CU_ASSERT_EQUAL(dp_xfrtrack_feed(t, msg, len, &err), DANCE_OK);
}

static void test_axfr(void)
{
	dp_xfrtrack_t t;
	dp_xfrtrack_init(&t, KNOT_RRTYPE_AXFR);
	const uint32_t s1[] = {5, 0, 0};
	const int k1[] = {1, 0, 0};
	feed(&t, KNOT_RRTYPE_AXFR, s1, k1, 3);
	CU_ASSERT_EQUAL(t.done, 0);
	const uint32_t s2[] = {0, 0};
	const int k2[] = {0, 0};
	feed(&t, KNOT_RRTYPE_AXFR, s2, k2, 2);
	CU_ASSERT_EQUAL(t.done, 0);
	const uint32_t s3[] = {0, 5};
	const int k3[] = {0, 1};
	feed(&t, KNOT_RRTYPE_AXFR, s3, k3, 2);
	CU_ASSERT_EQUAL(t.done, 1);
	CU_ASSERT_EQUAL(t.messages, 3);
	CU_ASSERT_EQUAL(t.rrs, 7);
	/* A one-message AXFR. */
	dp_xfrtrack_init(&t, KNOT_RRTYPE_AXFR);
	const uint32_t s4[] = {5, 0, 5};
	const int k4[] = {1, 0, 1};
	feed(&t, KNOT_RRTYPE_AXFR, s4, k4, 3);
	CU_ASSERT_EQUAL(t.done, 1);
}

static void test_ixfr(void)
{
	dp_xfrtrack_t t;
	/* Up to date: one SOA. */
	dp_xfrtrack_init(&t, KNOT_RRTYPE_IXFR);
	const uint32_t up[] = {9};
	const int upk[] = {1};
	feed(&t, KNOT_RRTYPE_IXFR, up, upk, 1);
	CU_ASSERT_EQUAL(t.done, 1);
	/* Incremental: 9, (7 -del- 8 +add) (8 -del- 9 +add), 9. The add SOA
	 * of serial 9 is at an odd position and does not end it. */
	dp_xfrtrack_init(&t, KNOT_RRTYPE_IXFR);
	const uint32_t a[] = {9, 7, 0, 8, 0};
	const int ak[] = {1, 1, 0, 1, 0};
	feed(&t, KNOT_RRTYPE_IXFR, a, ak, 5);
	CU_ASSERT_EQUAL(t.done, 0);
	CU_ASSERT_EQUAL(t.ixfr_incremental, 1);
	const uint32_t b[] = {8, 0, 9, 0};
	const int bk[] = {1, 0, 1, 0};
	feed(&t, KNOT_RRTYPE_IXFR, b, bk, 4);
	CU_ASSERT_EQUAL(t.done, 0);
	const uint32_t c[] = {9};
	const int ck[] = {1};
	feed(&t, KNOT_RRTYPE_IXFR, c, ck, 1);
	CU_ASSERT_EQUAL(t.done, 1);
	/* AXFR-style IXFR answer. */
	dp_xfrtrack_init(&t, KNOT_RRTYPE_IXFR);
	const uint32_t d[] = {9, 0, 0};
	const int dk[] = {1, 0, 0};
	feed(&t, KNOT_RRTYPE_IXFR, d, dk, 3);
	CU_ASSERT_EQUAL(t.done, 0);
	feed(&t, KNOT_RRTYPE_IXFR, c, ck, 1);
	CU_ASSERT_EQUAL(t.done, 1);
}

static void test_soa_and_errors(void)
{
	dp_xfrtrack_t t;
	dp_xfrtrack_init(&t, KNOT_RRTYPE_SOA);
	const uint32_t s[] = {3};
	const int k[] = {1};
	feed(&t, KNOT_RRTYPE_SOA, s, k, 1);
	CU_ASSERT_EQUAL(t.done, 1);
	/* An error rcode ends the stream. */
	uint8_t msg[512];
	size_t len = dp_test_response("example.test", KNOT_RRTYPE_AXFR, 1, s, k,
	                              0, msg, sizeof(msg));
	knot_wire_set_rcode(msg, KNOT_RCODE_NOTAUTH);
	dp_xfrtrack_init(&t, KNOT_RRTYPE_AXFR);
	dance_error_t err;
	CU_ASSERT_EQUAL(dp_xfrtrack_feed(&t, msg, len, &err), DANCE_OK);
	CU_ASSERT_EQUAL(t.done, 1);
	/* Garbage does not parse. */
	dp_xfrtrack_init(&t, KNOT_RRTYPE_AXFR);
	CU_ASSERT_EQUAL(dp_xfrtrack_feed(&t, msg, 5, &err), DANCE_EINVAL);
	/* An SOA whose RDATA is too short is refused (by libknot's parser
	 * or by the length check), never read past:
	 * names "a." "a." and 10 of the 20 fixed octets. */
	const uint8_t bad[] = {
	        0,    1,   0x80, 0,   0,   1, 0,   1, 0, 0,
	        0,    0,                                     /* header, QR */
	        1,    'a', 0,    0,   252, 0, 1,             /* a. AXFR IN */
	        0xc0, 12,  0,    6,   0,   1, 0,   0, 0, 60, /* a. SOA IN 60 */
	        0,    16,  1,    'a', 0,   1, 'a', 0,        /* RDLENGTH 16 */
	        0,    0,   0,    1,   0,   0, 0,   2, 0, 0};
	dp_xfrtrack_init(&t, KNOT_RRTYPE_AXFR);
	CU_ASSERT_EQUAL(dp_xfrtrack_feed(&t, bad, sizeof(bad), &err),
	                DANCE_EINVAL);
}

void register_xfrtrack_suite(void)
{
	CU_pSuite s = CU_add_suite("xfrtrack", NULL, NULL);
	CU_add_test(s, "AXFR", test_axfr);
	CU_add_test(s, "IXFR", test_ixfr);
	CU_add_test(s, "SOA, error rcode, malformed", test_soa_and_errors);
}
