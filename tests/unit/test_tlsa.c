/* test_tlsa.c: the TLSA model: wire and text forms, names, sets. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/tlsa.h"
#include "suites.h"

#define HEX32 "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"

static void assert_reason(const dance_error_t *err, const char *needle)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(err->reason, needle));
	if (strstr(err->reason, needle) == NULL) {
		fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err->reason,
		        needle);
	}
}

static void test_wire_ok_and_round_trip(void)
{
	uint8_t rdata[35] = {3, 1, 1};
	uint8_t back[64];
	size_t len = 0;
	dance_tlsa_t t;
	for (int i = 0; i < 32; i++) {
		rdata[3 + i] = (uint8_t)i;
	}
	CU_ASSERT_EQUAL_FATAL(
	        dance_tlsa_from_wire(&t, rdata, sizeof(rdata), NULL), DANCE_OK);
	CU_ASSERT_EQUAL(t.usage, 3);
	CU_ASSERT_EQUAL(t.selector, 1);
	CU_ASSERT_EQUAL(t.mtype, 1);
	CU_ASSERT_EQUAL(t.data_len, 32);
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, back, sizeof(back), &len, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(len, sizeof(rdata));
	CU_ASSERT_EQUAL(memcmp(back, rdata, len), 0);
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, back, 10, &len, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "too small");
	dance_tlsa_clear(&t);
	CU_ASSERT_PTR_NULL(t.data);
}

static void test_wire_too_short(void)
{
	uint8_t rdata[3] = {3, 1, 0};
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3, &err), DANCE_EINVAL);
	assert_reason(&err, "too short: 3 bytes");
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 0, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, NULL, 8, &err), DANCE_EINVAL);
}

static void test_wire_hash_lengths(void)
{
	uint8_t rdata[3 + 65] = {3, 1, 1};
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 31, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "needs 32 bytes");
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 33, &err),
	                DANCE_EINVAL);
	rdata[2] = 2;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 32, &err),
	                DANCE_EINVAL);
	assert_reason(&err, "needs 64 bytes");
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 64, &err),
	                DANCE_OK);
	dance_tlsa_clear(&t);
	/* Full(0) and unknown types take any non-empty length. */
	rdata[2] = 0;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 5, &err), DANCE_OK);
	dance_tlsa_clear(&t);
	rdata[2] = 9;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 3 + 5, &err), DANCE_OK);
	dance_tlsa_clear(&t);
}

static void test_wire_unknown_values_kept(void)
{
	uint8_t rdata[] = {7, 9, 200, 0xab};
	dance_tlsa_t t;
	CU_ASSERT_EQUAL_FATAL(
	        dance_tlsa_from_wire(&t, rdata, sizeof(rdata), NULL), DANCE_OK);
	CU_ASSERT_EQUAL(t.usage, 7);
	CU_ASSERT_EQUAL(t.selector, 9);
	CU_ASSERT_EQUAL(t.mtype, 200);
	dance_tlsa_clear(&t);
}

static void test_text_numbers_and_round_trip(void)
{
	dance_tlsa_t t;
	CU_ASSERT_EQUAL_FATAL(dance_tlsa_from_text(&t, "3 1 1 " HEX32, NULL),
	                      DANCE_OK);
	char *text = dance_tlsa_to_text(&t);
	CU_ASSERT_STRING_EQUAL(text, "3 1 1 " HEX32);
	dance_tlsa_t again;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&again, text, NULL), DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&t, &again));
	free(text);
	dance_tlsa_clear(&again);
	dance_tlsa_clear(&t);
}

static void test_text_mnemonics_parens_prefix(void)
{
	dance_tlsa_t a, b, c;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&a, "3 1 1 " HEX32, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_text(&b,
	                             "dane-ee SPKI sha2-256 ( 0011223344556677"
	                             "8899aabbccddeeff\n  00112233445566778899"
	                             "AABBCCDDEEFF ) ; comment",
	                             NULL),
	        DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&a, &b));
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&c,
	                                     "_xfr-client.ns2.example.net. "
	                                     "3600 IN TLSA 3 1 1 " HEX32,
	                                     NULL),
	                DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&a, &c));
	dance_tlsa_clear(&a);
	dance_tlsa_clear(&b);
	dance_tlsa_clear(&c);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&a, "PKIX-TA Cert Full 00", NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(a.usage, 0);
	dance_tlsa_clear(&a);
	CU_ASSERT_EQUAL(
	        dance_tlsa_from_text(&a, "PrivCert PrivSel PrivMatch 01", NULL),
	        DANCE_OK);
	CU_ASSERT_EQUAL(a.usage, 255);
	CU_ASSERT_EQUAL(a.selector, 255);
	CU_ASSERT_EQUAL(a.mtype, 255);
	dance_tlsa_clear(&a);
}

static void test_text_malformed(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
	        {"", "needs 4 fields"},
	        {"3 1 1", "needs 4 fields"},
	        {"owner IN TLSA 3 1", "needs 4 fields"},
	        {"256 1 1 " HEX32, "usage \"256\""},
	        {"3 x 1 " HEX32, "selector \"x\""},
	        {"3 1 1x " HEX32, "matching type \"1x\""},
	        {"3 1 1 00zz", "non-hex character 'z'"},
	        {"3 1 0 abc", "odd number of hex digits"},
	        {"3 1 1 0011", "needs 32 bytes"},
	        {"3 1 2 " HEX32, "needs 64 bytes"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dance_tlsa_t t;
		dance_error_t err;
		CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, cases[i].text, &err),
		                DANCE_EINVAL);
		assert_reason(&err, cases[i].reason);
		CU_ASSERT_PTR_NULL(t.data);
	}
	dance_tlsa_t t;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, NULL, NULL), DANCE_EINVAL);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(0), "PKIX-TA");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(1), "PKIX-EE");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(2), "DANE-TA");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(3), "DANE-EE");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(255), "PrivCert");
	CU_ASSERT_PTR_NULL(dance_tlsa_usage_name(4));
	CU_ASSERT_STRING_EQUAL(dance_tlsa_selector_name(0), "Cert");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_selector_name(1), "SPKI");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_selector_name(255), "PrivSel");
	CU_ASSERT_PTR_NULL(dance_tlsa_selector_name(2));
	CU_ASSERT_STRING_EQUAL(dance_tlsa_mtype_name(0), "Full");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_mtype_name(1), "SHA2-256");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_mtype_name(2), "SHA2-512");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_mtype_name(255), "PrivMatch");
	CU_ASSERT_PTR_NULL(dance_tlsa_mtype_name(3));
}

static void test_set_add_copy_clear(void)
{
	dance_tlsa_set_t set, copy;
	dance_tlsa_t t;
	dance_tlsa_set_init(&set);
	for (int i = 0; i < 9; i++) {
		uint8_t rdata[] = {3, 1, 0, (uint8_t)i};
		CU_ASSERT_EQUAL_FATAL(
		        dance_tlsa_from_wire(&t, rdata, sizeof(rdata), NULL),
		        DANCE_OK);
		CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &t, NULL), DANCE_OK);
		dance_tlsa_clear(&t);
	}
	CU_ASSERT_EQUAL(set.count, 9);
	CU_ASSERT_EQUAL(set.records[8].data[0], 8);
	CU_ASSERT_EQUAL(dance_tlsa_set_copy(&copy, &set, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(copy.count, 9);
	for (size_t i = 0; i < copy.count; i++) {
		CU_ASSERT_TRUE(
		        dance_tlsa_equal(&copy.records[i], &set.records[i]));
		CU_ASSERT_PTR_NOT_EQUAL(copy.records[i].data,
		                        set.records[i].data);
	}
	dance_tlsa_set_clear(&set);
	CU_ASSERT_EQUAL(set.count, 0);
	CU_ASSERT_PTR_NULL(set.records);
	dance_tlsa_set_clear(&copy);
	dance_tlsa_set_clear(NULL);
}

static void test_equal_and_copy(void)
{
	dance_tlsa_t a, b, c;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&a, "3 1 0 0102", NULL), DANCE_OK);
	CU_ASSERT_EQUAL(dance_tlsa_copy(&b, &a, NULL), DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&a, &b));
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&c, "2 1 0 0102", NULL), DANCE_OK);
	CU_ASSERT_FALSE(dance_tlsa_equal(&a, &c));
	dance_tlsa_clear(&c);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&c, "3 1 0 0103", NULL), DANCE_OK);
	CU_ASSERT_FALSE(dance_tlsa_equal(&a, &c));
	dance_tlsa_clear(&a);
	dance_tlsa_clear(&b);
	dance_tlsa_clear(&c);
}

void register_tlsa_suite(void)
{
	CU_pSuite s = CU_add_suite("tlsa", NULL, NULL);
	CU_add_test(s, "wire parse and serialise", test_wire_ok_and_round_trip);
	CU_add_test(s, "wire too short", test_wire_too_short);
	CU_add_test(s, "wire hash lengths", test_wire_hash_lengths);
	CU_add_test(s, "unknown values kept", test_wire_unknown_values_kept);
	CU_add_test(s, "text numbers round trip",
	            test_text_numbers_and_round_trip);
	CU_add_test(s, "text mnemonics, parentheses, zone prefix",
	            test_text_mnemonics_parens_prefix);
	CU_add_test(s, "text malformed", test_text_malformed);
	CU_add_test(s, "RFC 7218 names", test_names);
	CU_add_test(s, "set add copy clear", test_set_add_copy_clear);
	CU_add_test(s, "equal and copy", test_equal_and_copy);
}
