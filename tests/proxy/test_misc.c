/* test_misc.c: the stats JSON and DNS over TCP framing. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "frame.h"
#include "stats.h"
#include "suites.h"

static void test_stats_json(void)
{
	dp_stats_t s;
	memset(&s, 0, sizeof(s));
	s.connections_accepted = 3;
	s.connections_active = 1;
	s.queries = 7;
	s.reloads = 2;
	s.decisions[DANCE_REASON_AUTHORIZED] = 4;
	s.decisions[DANCE_REASON_UNKNOWN_KEY] = 1;
	char buf[4096];
	int n = dp_stats_json(&s, buf, sizeof(buf));
	CU_ASSERT_EQUAL((size_t)n, strlen(buf));
	CU_ASSERT_EQUAL(buf[0], '{');
	CU_ASSERT_EQUAL(buf[n - 1], '}');
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "{\"connections_accepted\":3,"
	                                   "\"connections_active\":1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"queries\":7,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"reloads\":2,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"connections_refused_limit\":0,"));
	char expect[256];
	snprintf(expect, sizeof(expect), "\"decisions\":{\"%s\":4,\"%s\":1}}",
	         dance_reason_code(DANCE_REASON_AUTHORIZED),
	         dance_reason_code(DANCE_REASON_UNKNOWN_KEY));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, expect));
	/* A short buffer is never overrun and the length is still told. */
	char small[16];
	memset(small, 'x', sizeof(small));
	CU_ASSERT_EQUAL(dp_stats_json(&s, small, 10), n);
	CU_ASSERT_EQUAL(small[9], '\0');
	CU_ASSERT_EQUAL(small[10], 'x');
	/* Nothing decided: an empty object. */
	memset(&s, 0, sizeof(s));
	dp_stats_json(&s, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"decisions\":{}}"));
}

static void test_framing(void)
{
	uint8_t stream[] = {0, 3, 'a', 'b', 'c', 0, 0, 0, 2, 'x'};
	uint8_t *msg = NULL;
	size_t mlen = 99;
	/* A whole message, then an empty one, then one cut short. */
	CU_ASSERT_EQUAL(dp_frame_next(stream, sizeof(stream), &msg, &mlen), 5);
	CU_ASSERT_PTR_EQUAL(msg, stream + 2);
	CU_ASSERT_EQUAL(mlen, 3);
	CU_ASSERT_EQUAL(dp_frame_next(stream + 5, 5, &msg, &mlen), 2);
	CU_ASSERT_EQUAL(mlen, 0);
	CU_ASSERT_EQUAL(dp_frame_next(stream + 7, 3, &msg, &mlen), 0);
	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_EQUAL(mlen, 2); /* announced, not yet here */
	/* Less than a prefix, or nothing. */
	CU_ASSERT_EQUAL(dp_frame_next(stream, 1, &msg, &mlen), 0);
	CU_ASSERT_EQUAL(mlen, 0);
	CU_ASSERT_EQUAL(dp_frame_next(NULL, 0, &msg, &mlen), 0);
	/* The largest message. */
	static uint8_t big[2 + 65535];
	big[0] = 0xff;
	big[1] = 0xff;
	CU_ASSERT_EQUAL(dp_frame_next(big, sizeof(big) - 1, &msg, &mlen), 0);
	CU_ASSERT_EQUAL(dp_frame_next(big, sizeof(big), &msg, &mlen),
	                sizeof(big));
	CU_ASSERT_EQUAL(mlen, 65535);
}

void register_misc_suite(void)
{
	CU_pSuite s = CU_add_suite("misc", NULL, NULL);
	CU_add_test(s, "stats JSON", test_stats_json);
	CU_add_test(s, "DNS over TCP framing", test_framing);
}
