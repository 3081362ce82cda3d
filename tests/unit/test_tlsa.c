/* test_tlsa.c: the TLSA model: wire and text forms, names, copies, sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/tlsa.h"
#include "suites.h"

#define HEX16 "00112233445566778899AABBCCDDEEFF"
#define HEX32 HEX16 HEX16
#define HEX64 HEX32 HEX32
#define HEX32_LOWER                                                            \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void assert_reason(const dance_error_t *err, const char *needle)
{
	int found = strstr(err->reason, needle) != NULL;
	CU_ASSERT_TRUE(found);
	if (!found) {
		fprintf(stderr, "\nreason \"%s\" lacks \"%s\"\n", err->reason,
		        needle);
	}
}

/* Asserts that text parses into the record "3 1 1 HEX32". */
static void assert_parses_as_311(const char *text)
{
	static const uint8_t first[] = {0x00, 0x11, 0x22, 0x33};
	dance_tlsa_t t;
	dance_error_t err;
	dance_code_t rc = dance_tlsa_from_text(&t, text, &err);
	CU_ASSERT_EQUAL(rc, DANCE_OK);
	if (rc != DANCE_OK) {
		fprintf(stderr, "\n\"%s\": %s\n", text, err.reason);
		return;
	}
	CU_ASSERT_EQUAL(t.usage, 3);
	CU_ASSERT_EQUAL(t.selector, 1);
	CU_ASSERT_EQUAL(t.mtype, 1);
	CU_ASSERT_EQUAL(t.data_len, 32);
	CU_ASSERT_EQUAL(memcmp(t.data, first, sizeof(first)), 0);
	CU_ASSERT_EQUAL(t.data[31], 0xff);
	dance_tlsa_clear(&t);
}

/* Asserts that text is refused with a reason containing needle, and that
 * the output record is left empty. */
static void assert_text_refused(const char *text, const char *needle)
{
	dance_tlsa_t t;
	dance_error_t err;
	dance_error_clear(&err);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, text, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(err.code, DANCE_EINVAL);
	assert_reason(&err, needle);
	CU_ASSERT_PTR_NULL(t.data);
	CU_ASSERT_EQUAL(t.data_len, 0);
}

/* Asserts that wire RDATA of len bytes is refused with a reason containing
 * needle. */
static void assert_wire_refused(const uint8_t *rdata, size_t len,
                                const char *needle)
{
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, len, &err),
	                DANCE_EINVAL);
	assert_reason(&err, needle);
	CU_ASSERT_PTR_NULL(t.data);
}

static void assert_wire_accepted(const uint8_t *rdata, size_t len)
{
	dance_tlsa_t t;
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, len, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(t.data_len, len - 3);
	dance_tlsa_clear(&t);
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
	CU_ASSERT_PTR_NOT_EQUAL(t.data, rdata + 3); /* a copy */
	CU_ASSERT_EQUAL(memcmp(t.data, rdata + 3, 32), 0);
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, back, sizeof(back), &len, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(len, sizeof(rdata));
	CU_ASSERT_EQUAL(memcmp(back, rdata, len), 0);
	/* Exactly enough room. */
	len = 0;
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, back, 35, &len, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(len, 35);
	dance_error_t err;
	len = 0;
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, back, 34, &len, &err),
	                DANCE_EINVAL);
	assert_reason(&err,
	              "buffer of 34 bytes too small for TLSA RDATA of 35");
	CU_ASSERT_EQUAL(len, 0);
	dance_tlsa_clear(&t);
	CU_ASSERT_PTR_NULL(t.data);
	CU_ASSERT_EQUAL(t.data_len, 0);
	dance_tlsa_clear(NULL);
}

static void test_wire_empty_record_to_wire(void)
{
	dance_tlsa_t t = {.usage = 3, .selector = 1, .mtype = 0};
	uint8_t buf[8];
	size_t len = 0;
	CU_ASSERT_EQUAL(dance_tlsa_to_wire(&t, buf, sizeof(buf), &len, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(buf[0], 3);
	CU_ASSERT_EQUAL(buf[2], 0);
}

static void test_wire_too_short(void)
{
	uint8_t rdata[3] = {3, 1, 0};
	dance_tlsa_t t;
	dance_error_t err;
	assert_wire_refused(rdata, 3,
	                    "TLSA RDATA too short: 3 bytes, need "
	                    "at least 4");
	assert_wire_refused(rdata, 0, "too short: 0 bytes");
	assert_wire_refused(rdata, 1, "too short: 1 bytes");
	assert_wire_refused(NULL, 8, "too short: 0 bytes");
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 2, NULL), DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_tlsa_from_wire(&t, rdata, 2, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(err.code, DANCE_EINVAL);
}

static void test_wire_hash_lengths(void)
{
	uint8_t rdata[3 + 65] = {3, 1, 1};
	/* SHA2-256: exactly 32. */
	assert_wire_refused(rdata, 3 + 31,
	                    "matching type 1 (SHA2-256) needs 32 bytes of "
	                    "data, got 31");
	assert_wire_refused(rdata, 3 + 33, "needs 32 bytes of data, got 33");
	assert_wire_refused(rdata, 3 + 1, "needs 32 bytes of data, got 1");
	assert_wire_accepted(rdata, 3 + 32);
	/* SHA2-512: exactly 64. */
	rdata[2] = 2;
	assert_wire_refused(rdata, 3 + 32,
	                    "matching type 2 (SHA2-512) needs 64 bytes of "
	                    "data, got 32");
	assert_wire_refused(rdata, 3 + 63, "needs 64 bytes of data, got 63");
	assert_wire_refused(rdata, 3 + 65, "needs 64 bytes of data, got 65");
	assert_wire_accepted(rdata, 3 + 64);
	/* Full(0), PrivMatch(255) and unknown types take any length. */
	static const uint8_t free_types[] = {0, 3, 9, 255};
	for (size_t i = 0; i < ARRAY_LEN(free_types); i++) {
		rdata[2] = free_types[i];
		assert_wire_accepted(rdata, 3 + 1);
		assert_wire_accepted(rdata, 3 + 5);
		assert_wire_accepted(rdata, 3 + 65);
	}
}

static void test_wire_too_long(void)
{
	/* RDATA has a 16-bit length: at most 65535 bytes, 65532 of data. */
	size_t max = 65535;
	uint8_t *rdata = calloc(1, max + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rdata);
	rdata[0] = 3;
	rdata[1] = 0;
	rdata[2] = 0;
	assert_wire_accepted(rdata, max);
	assert_wire_refused(rdata, max + 1,
	                    "TLSA association data too long: 65533 bytes");
	free(rdata);
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
	CU_ASSERT_EQUAL(t.data_len, 1);
	CU_ASSERT_EQUAL(t.data[0], 0xab);
	char *text = dance_tlsa_to_text(&t);
	CU_ASSERT_STRING_EQUAL(text, "7 9 200 AB");
	free(text);
	dance_tlsa_clear(&t);
	/* The same through text. */
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, "7 9 200 ab", NULL), DANCE_OK);
	CU_ASSERT_EQUAL(t.usage, 7);
	CU_ASSERT_EQUAL(t.selector, 9);
	CU_ASSERT_EQUAL(t.mtype, 200);
	dance_tlsa_clear(&t);
}

/* Text -> record -> text gives back want (the canonical form). */
static void assert_text_round_trip(const char *text, const char *want)
{
	dance_tlsa_t t, again;
	CU_ASSERT_EQUAL_FATAL(dance_tlsa_from_text(&t, text, NULL), DANCE_OK);
	char *out = dance_tlsa_to_text(&t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&again, out, NULL), DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&t, &again));
	free(out);
	dance_tlsa_clear(&again);
	dance_tlsa_clear(&t);
}

static void test_text_round_trip(void)
{
	assert_text_round_trip("3 1 1 " HEX32, "3 1 1 " HEX32);
	assert_text_round_trip("3 1 1 " HEX32_LOWER, "3 1 1 " HEX32);
	assert_text_round_trip("2 0 2 " HEX64, "2 0 2 " HEX64);
	assert_text_round_trip("DANE-EE SPKI Full 0a0B", "3 1 0 0A0B");
	assert_text_round_trip("1 0 0 ( 30 82 01 ff )", "1 0 0 308201FF");
	assert_text_round_trip("255 255 255 00", "255 255 255 00");
	/* Large Full data (a certificate-sized object split in many
	 * groups). */
	size_t n = 1500;
	char *text = malloc(6 + n * 3 + 1);
	char *want = malloc(6 + n * 2 + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	strcpy(text, "3 0 0 ");
	strcpy(want, "3 0 0 ");
	for (size_t i = 0; i < n; i++) {
		snprintf(text + 6 + i * 3, 4, "%02x ", (unsigned)(i & 0xff));
		snprintf(want + 6 + i * 2, 3, "%02X", (unsigned)(i & 0xff));
	}
	assert_text_round_trip(text, want);
	free(text);
	free(want);
}

static void test_text_empty_record_to_text(void)
{
	dance_tlsa_t t = {.usage = 3, .selector = 1, .mtype = 1};
	char *text = dance_tlsa_to_text(&t);
	CU_ASSERT_STRING_EQUAL(text, "3 1 1");
	free(text);
}

static void test_text_mnemonics(void)
{
	static const struct {
		const char *text;
		uint8_t usage, selector, mtype;
	} cases[] = {
	        {"PKIX-TA Cert Full 00", 0, 0, 0},
	        {"PKIX-EE SPKI Full 00", 1, 1, 0},
	        {"DANE-TA Cert SHA2-256 " HEX32, 2, 0, 1},
	        {"DANE-EE SPKI SHA2-512 " HEX64, 3, 1, 2},
	        {"dane-ee spki sha2-256 " HEX32, 3, 1, 1},
	        {"Dane-Ee sPkI ShA2-256 " HEX32, 3, 1, 1},
	        {"PrivCert PrivSel PrivMatch 01", 255, 255, 255},
	        {"privcert privsel privmatch 01", 255, 255, 255},
	        {"DANE-EE 1 SHA2-256 " HEX32, 3, 1, 1},
	        {"3 SPKI 1 " HEX32, 3, 1, 1},
	        {"03 01 01 " HEX32, 3, 1, 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		dance_tlsa_t t;
		dance_error_t err;
		dance_code_t rc = dance_tlsa_from_text(&t, cases[i].text, &err);
		CU_ASSERT_EQUAL(rc, DANCE_OK);
		if (rc != DANCE_OK) {
			fprintf(stderr, "\n\"%s\": %s\n", cases[i].text,
			        err.reason);
			continue;
		}
		CU_ASSERT_EQUAL(t.usage, cases[i].usage);
		CU_ASSERT_EQUAL(t.selector, cases[i].selector);
		CU_ASSERT_EQUAL(t.mtype, cases[i].mtype);
		dance_tlsa_clear(&t);
	}
}

static void test_text_hex_layout(void)
{
	assert_parses_as_311("3 1 1 " HEX32);
	assert_parses_as_311("3 1 1 " HEX32_LOWER);
	assert_parses_as_311("  3\t1 1 " HEX16 " " HEX16 "\n");
	assert_parses_as_311("3 1 1 ( " HEX16 "\n\t" HEX16 " )");
	assert_parses_as_311("3 1 1 (" HEX16 ")(" HEX16 ")");
	assert_parses_as_311("( 3 1 1\n " HEX32 " )");
	assert_parses_as_311("3 1 1 ( 0011223344556677 ; first half\n"
	                     " 8899aabbccddeeff ; more\n"
	                     " 00112233445566778899AABBCCDDEEFF ) ; done");
	assert_parses_as_311("3 1 1 " HEX32 " ; a comment ( with ) parens");
	assert_parses_as_311("3 1 1 " HEX32 " ;");
}

static void test_text_zone_prefix(void)
{
	static const char *const lines[] = {
	        "_xfr-client.ns2.example.net. 3600 IN TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. IN 3600 TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. IN TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. 3600 TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. in tlsa 3 1 1 " HEX32,
	        "_xfr-client 1h30m IN TLSA 3 1 1 " HEX32,
	        "_xfr-client 2W IN TLSA 3 1 1 " HEX32,
	        "_xfr-client IN TYPE52 3 1 1 " HEX32,
	        "3600 IN TLSA 3 1 1 " HEX32,
	        "IN TLSA 3 1 1 " HEX32,
	        "TLSA 3 1 1 " HEX32,
	        "tlsa IN TLSA 3 1 1 " HEX32,
	        "tlsa TLSA 3 1 1 " HEX32,
	        "in 3600 TLSA 3 1 1 " HEX32,
	        "_xfr-client.ns2.example.net. 3600 IN TLSA DANE-EE SPKI "
	        "SHA2-256 ( " HEX16 "\n " HEX16 " )",
	        "_853._tcp.h.example. IN TLSA ( 03 01 01 " HEX32_LOWER " )",
	};
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		assert_parses_as_311(lines[i]);
	}
}

static void test_text_missing_fields(void)
{
	assert_text_refused("", "TLSA text is missing fields: got 0, needs 4");
	assert_text_refused("  \n\t ", "missing fields: got 0");
	assert_text_refused("; only a comment", "missing fields: got 0");
	assert_text_refused("3", "missing fields: got 1");
	assert_text_refused("3 1", "missing fields: got 2");
	assert_text_refused("owner IN TLSA 3 1", "missing fields: got 2");
	assert_text_refused("owner IN TLSA", "missing fields: got 0");
	assert_text_refused("3 1 1", "TLSA association data is empty");
	assert_text_refused("3 1 1 ( )", "association data is empty");
	assert_text_refused("3 1 1 ; " HEX32, "association data is empty");
	assert_text_refused("owner 3600 IN TLSA 3 1 1",
	                    "association data is empty");
	dance_tlsa_t t;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&t, NULL, &err), DANCE_EINVAL);
	assert_reason(&err, "no TLSA text given");
	CU_ASSERT_PTR_NULL(t.data);
}

static void test_text_bad_fields(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
	        {"256 1 1 " HEX32, "TLSA usage \"256\" is out of range 0..255"},
	        {"3 256 1 " HEX32, "selector \"256\" is out of range"},
	        {"3 1 1000 " HEX32, "matching type \"1000\" is out of range"},
	        {"3 1 99999999999999999999999999 " HEX32,
	         "matching type \"99999999999999999999999999\" is out of "
	         "range"},
	        {"3 x 1 " HEX32, "TLSA selector \"x\" is neither a number nor "
	                         "an RFC 7218 name"},
	        {"3 1 1x " HEX32, "TLSA matching type \"1x\" is not a number"},
	        {"3a 1 1 " HEX32, "usage \"3a\" is not a number"},
	        {"-1 1 1 " HEX32, "usage \"-1\" is neither"},
	        {"+3 1 1 " HEX32, "usage \"+3\" is neither"},
	        {"DANE-XX SPKI SHA2-256 " HEX32,
	         "usage \"DANE-XX\" is neither"},
	        {"DANE-EE SPKIX SHA2-256 " HEX32, "selector \"SPKIX\""},
	        {"DANE-EE SPKI SHA-256 " HEX32, "matching type \"SHA-256\""},
	        {"SPKI DANE-EE SHA2-256 " HEX32, "usage \"SPKI\""},
	        {"owner 3600 IN 3 1 1 " HEX32, "usage \"owner\""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_text_refused(cases[i].text, cases[i].reason);
	}
}

static void test_text_bad_hex(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
	        {"3 1 1 00zz", "TLSA data has a non-hex character 'z' at "
	                       "position 2"},
	        {"3 1 0 0x00", "non-hex character 'x' at position 1"},
	        {"3 1 0 00 11 g2", "non-hex character 'g' at position 4"},
	        {"3 1 0 00-11", "non-hex character '-'"},
	        {"3 1 0 abc", "TLSA data has an odd number of hex digits (3)"},
	        {"3 1 0 ab c", "odd number of hex digits (3)"},
	        {"3 1 0 a", "odd number of hex digits (1)"},
	        {"3 1 1 0011", "matching type 1 (SHA2-256) needs 32 bytes of "
	                       "data, got 2"},
	        {"3 1 1 " HEX64, "needs 32 bytes of data, got 64"},
	        {"3 1 2 " HEX32, "matching type 2 (SHA2-512) needs 64 bytes of "
	                         "data, got 32"},
	        {"DANE-EE SPKI SHA2-512 " HEX64 "00", "got 65"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_text_refused(cases[i].text, cases[i].reason);
	}
}

static void test_text_bad_layout(void)
{
	assert_text_refused("3 1 1 ( " HEX32, "TLSA text has an unclosed '('");
	assert_text_refused("3 1 1 (( " HEX32 " )", "unclosed '('");
	assert_text_refused("3 1 1 " HEX32 " )",
	                    "TLSA text has a ')' without a matching '('");
	assert_text_refused(") 3 1 1 " HEX32 " (", "')' without a matching");
	/* A ';' comment hides the closing parenthesis. */
	assert_text_refused("3 1 1 ( " HEX32 " ; )", "unclosed '('");
}

static void test_text_bad_prefix(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
	        {"owner foo TLSA 3 1 1 " HEX32,
	         "TLSA zone-file prefix field \"foo\" is neither a TTL nor the "
	         "class IN"},
	        {"owner CH TLSA 3 1 1 " HEX32, "prefix field \"CH\""},
	        {"owner 3600 3600 TLSA 3 1 1 " HEX32, "prefix field \"3600\""},
	        {"owner IN IN TLSA 3 1 1 " HEX32, "prefix field \"IN\""},
	        {"owner 1hh TLSA 3 1 1 " HEX32, "prefix field \"1hh\""},
	        {"owner 1x TLSA 3 1 1 " HEX32, "prefix field \"1x\""},
	        {"owner h1 TLSA 3 1 1 " HEX32, "prefix field \"h1\""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_text_refused(cases[i].text, cases[i].reason);
	}
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(0), "PKIX-TA");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(1), "PKIX-EE");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(2), "DANE-TA");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(3), "DANE-EE");
	CU_ASSERT_STRING_EQUAL(dance_tlsa_usage_name(255), "PrivCert");
	CU_ASSERT_PTR_NULL(dance_tlsa_usage_name(4));
	CU_ASSERT_PTR_NULL(dance_tlsa_usage_name(254));
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

/* A "3 1 0 <i>" record. */
static void make_record(dance_tlsa_t *t, uint8_t i)
{
	uint8_t rdata[] = {3, 1, 0, i};
	CU_ASSERT_EQUAL_FATAL(
	        dance_tlsa_from_wire(t, rdata, sizeof(rdata), NULL), DANCE_OK);
}

static void test_set_add_copy_clear(void)
{
	dance_tlsa_set_t set, copy;
	dance_tlsa_t t;
	dance_tlsa_set_init(&set);
	CU_ASSERT_EQUAL(set.count, 0);
	CU_ASSERT_PTR_NULL(set.records);
	/* Nine records: the array grows more than once. */
	for (int i = 0; i < 9; i++) {
		make_record(&t, (uint8_t)i);
		CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &t, NULL), DANCE_OK);
		CU_ASSERT_PTR_NOT_EQUAL(set.records[i].data, t.data);
		dance_tlsa_clear(&t);
	}
	CU_ASSERT_EQUAL_FATAL(set.count, 9);
	CU_ASSERT(set.capacity >= 9);
	for (size_t i = 0; i < set.count; i++) {
		CU_ASSERT_EQUAL(set.records[i].data[0], i);
	}
	CU_ASSERT_EQUAL(dance_tlsa_set_copy(&copy, &set, NULL), DANCE_OK);
	CU_ASSERT_EQUAL_FATAL(copy.count, 9);
	for (size_t i = 0; i < copy.count; i++) {
		CU_ASSERT_TRUE(
		        dance_tlsa_equal(&copy.records[i], &set.records[i]));
		CU_ASSERT_PTR_NOT_EQUAL(copy.records[i].data,
		                        set.records[i].data);
	}
	dance_tlsa_set_clear(&set);
	CU_ASSERT_EQUAL(set.count, 0);
	CU_ASSERT_EQUAL(set.capacity, 0);
	CU_ASSERT_PTR_NULL(set.records);
	/* The copy outlives its source. */
	CU_ASSERT_EQUAL(copy.records[8].data[0], 8);
	dance_tlsa_set_clear(&copy);
	dance_tlsa_set_clear(NULL);
}

static void test_set_empty_and_refused(void)
{
	dance_tlsa_set_t set, copy;
	dance_error_t err;
	dance_tlsa_set_init(&set);
	CU_ASSERT_EQUAL(dance_tlsa_set_copy(&copy, &set, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(copy.count, 0);
	CU_ASSERT_PTR_NULL(copy.records);
	dance_tlsa_set_clear(&copy);
	/* A record without data is refused and the set unchanged. */
	dance_tlsa_t empty = {.usage = 3, .selector = 1, .mtype = 0};
	CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &empty, &err), DANCE_EINVAL);
	assert_reason(&err, "TLSA association data is empty");
	CU_ASSERT_EQUAL(set.count, 0);
	/* A set holding a bad record (made by hand) does not copy; the
	 * half-made copy is cleared. */
	dance_tlsa_t t;
	for (int i = 0; i < 3; i++) {
		make_record(&t, (uint8_t)i);
		CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &t, NULL), DANCE_OK);
		dance_tlsa_clear(&t);
	}
	set.records[2].mtype = DANCE_MTYPE_SHA256; /* 1 byte: wrong length */
	CU_ASSERT_EQUAL(dance_tlsa_set_copy(&copy, &set, &err), DANCE_EINVAL);
	assert_reason(&err, "needs 32 bytes of data, got 1");
	CU_ASSERT_EQUAL(copy.count, 0);
	CU_ASSERT_PTR_NULL(copy.records);
	dance_tlsa_set_clear(&set);
}

static void test_equal_and_copy(void)
{
	dance_tlsa_t a, b, c;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_tlsa_from_text(&a, "3 1 0 0102", NULL), DANCE_OK);
	CU_ASSERT_EQUAL(dance_tlsa_copy(&b, &a, NULL), DANCE_OK);
	CU_ASSERT_TRUE(dance_tlsa_equal(&a, &b));
	CU_ASSERT_TRUE(dance_tlsa_equal(&a, &a));
	CU_ASSERT_PTR_NOT_EQUAL(a.data, b.data);
	static const char *const differ[] = {
	        "2 1 0 0102", /* usage */
	        "3 0 0 0102", /* selector */
	        "3 1 9 0102", /* matching type */
	        "3 1 0 0103", /* data */
	        "3 1 0 01",   /* shorter */
	        "3 1 0 010203",
	};
	for (size_t i = 0; i < ARRAY_LEN(differ); i++) {
		CU_ASSERT_EQUAL(dance_tlsa_from_text(&c, differ[i], NULL),
		                DANCE_OK);
		CU_ASSERT_FALSE(dance_tlsa_equal(&a, &c));
		CU_ASSERT_FALSE(dance_tlsa_equal(&c, &a));
		dance_tlsa_clear(&c);
	}
	dance_tlsa_clear(&a);
	dance_tlsa_clear(&b);
	/* Records without data: equal by fields, and not copyable. */
	dance_tlsa_t e1 = {.usage = 3}, e2 = {.usage = 3};
	CU_ASSERT_TRUE(dance_tlsa_equal(&e1, &e2));
	CU_ASSERT_EQUAL(dance_tlsa_copy(&c, &e1, &err), DANCE_EINVAL);
	assert_reason(&err, "TLSA association data is empty");
	CU_ASSERT_PTR_NULL(c.data);
}

void register_tlsa_suite(void)
{
	CU_pSuite s = CU_add_suite("tlsa", NULL, NULL);
	CU_add_test(s, "wire parse and serialise", test_wire_ok_and_round_trip);
	CU_add_test(s, "wire form of a record without data",
	            test_wire_empty_record_to_wire);
	CU_add_test(s, "wire too short", test_wire_too_short);
	CU_add_test(s, "wire hash lengths", test_wire_hash_lengths);
	CU_add_test(s, "wire too long", test_wire_too_long);
	CU_add_test(s, "unknown values kept", test_wire_unknown_values_kept);
	CU_add_test(s, "text round trip", test_text_round_trip);
	CU_add_test(s, "text of a record without data",
	            test_text_empty_record_to_text);
	CU_add_test(s, "text mnemonics", test_text_mnemonics);
	CU_add_test(s, "text hex case, spaces, parentheses, comments",
	            test_text_hex_layout);
	CU_add_test(s, "text zone-file prefix", test_text_zone_prefix);
	CU_add_test(s, "text missing fields", test_text_missing_fields);
	CU_add_test(s, "text bad fields", test_text_bad_fields);
	CU_add_test(s, "text bad hex", test_text_bad_hex);
	CU_add_test(s, "text bad parentheses", test_text_bad_layout);
	CU_add_test(s, "text bad zone-file prefix", test_text_bad_prefix);
	CU_add_test(s, "RFC 7218 names", test_names);
	CU_add_test(s, "set add copy clear", test_set_add_copy_clear);
	CU_add_test(s, "set empty and refused records",
	            test_set_empty_and_refused);
	CU_add_test(s, "equal and copy", test_equal_and_copy);
}
