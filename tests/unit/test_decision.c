/* test_decision.c: decision object, reason codes and log formatting. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/decision.h"
#include "suites.h"

static void test_allow_sets_authorized(void)
{
	dance_decision_t d;
	dance_decision_allow(&d, "ns2.example.net", "DANE-EE record %d matched",
	                     0);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	CU_ASSERT_STRING_EQUAL(d.detail, "DANE-EE record 0 matched");
}

static void test_deny_never_authorized(void)
{
	dance_decision_t d;
	dance_decision_deny(&d, DANCE_REASON_AUTHORIZED, NULL, "oops");
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_INTERNAL);
	CU_ASSERT_STRING_EQUAL(d.identity, "");
	dance_decision_deny(&d, DANCE_REASON_COUNT, "x", "out of range");
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_INTERNAL);
	dance_decision_deny(&d, DANCE_REASON_BOGUS, "ns2.example.net", "why");
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_BOGUS);
}

static void test_reason_codes_round_trip(void)
{
	for (int r = 0; r < DANCE_REASON_COUNT; r++) {
		const char *code = dance_reason_code((dance_reason_t)r);
		CU_ASSERT_PTR_NOT_NULL(code);
		CU_ASSERT_NOT_EQUAL(strcmp(code, "invalid"), 0);
		CU_ASSERT_EQUAL(dance_reason_from_code(code), r);
	}
	CU_ASSERT_STRING_EQUAL(dance_reason_code(DANCE_REASON_COUNT),
	                       "invalid");
	CU_ASSERT_EQUAL(dance_reason_from_code("no-such-reason"), -1);
	CU_ASSERT_EQUAL(dance_reason_from_code(NULL), -1);
}

static void test_reason_from_match(void)
{
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_OK),
	                DANCE_REASON_AUTHORIZED);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_NONE),
	                DANCE_REASON_TLSA_MISMATCH);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_NO_USABLE),
	                DANCE_REASON_TLSA_UNUSABLE);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_NO_CREDS),
	                DANCE_REASON_NO_CREDENTIALS);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_BAD_CREDS),
	                DANCE_REASON_BAD_CREDENTIALS);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_TA_PATH),
	                DANCE_REASON_TA_PATH);
	CU_ASSERT_EQUAL(dance_reason_from_match(DANCE_MATCH_TA_NAME),
	                DANCE_REASON_TA_NAME);
	CU_ASSERT_EQUAL(dance_reason_from_match((dance_match_outcome_t)99),
	                DANCE_REASON_INTERNAL);
}

static void test_format_line(void)
{
	dance_decision_t d;
	char line[512];
	dance_decision_deny(&d, DANCE_REASON_UNKNOWN_KEY, "",
	                    "SPKI SHA-256 %s matches no allowed identity",
	                    "ab12");
	dance_decision_format(&d, "example.com.", "127.0.0.1@5353", line,
	                      sizeof(line));
	CU_ASSERT_STRING_EQUAL(
	        line, "zone example.com., peer 127.0.0.1@5353, identity "
	              "unknown: denied (unknown-key): SPKI SHA-256 ab12 "
	              "matches no allowed identity");
	dance_decision_allow(&d, "ns2.example.net", "ok");
	dance_decision_format(&d, NULL, "", line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line,
	                       "zone -, peer -, identity ns2.example.net: "
	                       "allowed (authorized): ok");
}

static void test_error_helpers(void)
{
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_error_set(&err, DANCE_EINVAL, "bad %s", "thing"),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(err.code, DANCE_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.reason, "bad thing");
	CU_ASSERT_EQUAL(dance_error_set(NULL, DANCE_EIO, "x"), DANCE_EIO);
	dance_error_clear(&err);
	CU_ASSERT_EQUAL(err.code, DANCE_OK);
	CU_ASSERT_STRING_EQUAL(err.reason, "");
	dance_error_clear(NULL);
	CU_ASSERT_STRING_EQUAL(dance_code_name(DANCE_ETIMEOUT), "timeout");
	CU_ASSERT_STRING_EQUAL(dance_code_name((dance_code_t)77), "unknown");
}

void register_decision_suite(void)
{
	CU_pSuite s = CU_add_suite("decision", NULL, NULL);
	CU_add_test(s, "allow sets authorized", test_allow_sets_authorized);
	CU_add_test(s, "deny is never authorized", test_deny_never_authorized);
	CU_add_test(s, "reason codes round trip", test_reason_codes_round_trip);
	CU_add_test(s, "reason from match outcome", test_reason_from_match);
	CU_add_test(s, "log line format", test_format_line);
	CU_add_test(s, "error helpers", test_error_helpers);
}
