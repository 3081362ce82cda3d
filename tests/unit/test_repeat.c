/* test_repeat.c: mod-dance's decision memory (modules/knot/repeat.c).
 *
 * A remembered decision may serve only the later messages of the same
 * answer on the same connection: any other connection, zone, type,
 * message ID, stream or leaf decides afresh, and the end of an answer
 * forgets it. The stale-allow case of the attack review (an answer left
 * unfinished, then a new connection with the same message ID) is here
 * too, with a real knotd in tests/e2e/module/stale-decision. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "../../modules/knot/repeat.h"
#include "suites.h"

/* zone apexes in wire form */
static const uint8_t ZONE_A[] = {1, 'a', 4, 't', 'e', 's', 't', 0};
static const uint8_t ZONE_B[] = {1, 'b', 4, 't', 'e', 's', 't', 0};
static const uint8_t CONN_1[] = "T-randoms-of-connection-one";
static const uint8_t CONN_2[] = "T-randoms-of-connection-two";
static const uint8_t LEAF_1[] = "leaf certificate one";
static const uint8_t LEAF_2[] = "leaf certificate two";

static md_repeat_key_t key_a(void)
{
	md_repeat_key_t k = {
	        .thread = 1,
	        .conn = CONN_1,
	        .conn_len = sizeof(CONN_1),
	        .stream = -1,
	        .qname = ZONE_A,
	        .qname_len = sizeof(ZONE_A),
	        .qtype = 252,
	        .msgid = 4242,
	        .leaf = LEAF_1,
	        .leaf_len = sizeof(LEAF_1),
	};
	return k;
}

static md_repeat_t table(void)
{
	md_repeat_t r;
	CU_ASSERT_EQUAL_FATAL(md_repeat_init(&r, 4), 0);
	return r;
}

static void test_later_message_reuses(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1); /* first message */
	md_repeat_store(&r, &k, 1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), 1);
	md_repeat_end(&r, k.thread, 0); /* more messages follow */
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), 1);
	md_repeat_store(&r, &k, 0);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), 0);
	md_repeat_free(&r);
}

static void test_end_of_answer_forgets(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	md_repeat_store(&r, &k, 1);
	md_repeat_end(&r, k.thread, 1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1);
	md_repeat_free(&r);
}

/* The attack: an allow stored, no END (the answer was aborted), then a
 * query on a new connection with the same message ID and leaf. */
static void test_unfinished_allow_not_lent_to_new_connection(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	md_repeat_store(&r, &k, 1);
	md_repeat_key_t other = k;
	other.conn = CONN_2;
	other.conn_len = sizeof(CONN_2);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	/* the same zone asked on a plain socket (other marker) */
	static const uint8_t SOCKET[] = "S-socket-and-address";
	other.conn = SOCKET;
	other.conn_len = sizeof(SOCKET);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	md_repeat_free(&r);
}

static void test_unfinished_allow_not_lent_to_other_zone(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	md_repeat_store(&r, &k, 1);
	md_repeat_key_t other = k;
	other.qname = ZONE_B;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.qname_len = 2; /* a prefix of the name is another name */
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	md_repeat_free(&r);
}

static void test_every_key_part_counts(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	md_repeat_store(&r, &k, 1);
	md_repeat_key_t other = k;
	other.qtype = 251;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.msgid = 4243;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.stream = 4;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.leaf = LEAF_2;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.leaf = NULL;
	other.leaf_len = 0;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	other = k;
	other.thread = 2;
	CU_ASSERT_EQUAL(md_repeat_find(&r, &other), -1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), 1);
	md_repeat_free(&r);
}

/* A new query's decision replaces the slot: the old answer's key no
 * longer finds anything. */
static void test_new_query_replaces(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	md_repeat_store(&r, &k, 1);
	md_repeat_key_t next = k;
	next.qname = ZONE_B;
	md_repeat_store(&r, &next, 0);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &next), 0);
	md_repeat_free(&r);
}

/* Without a connection marker, or one that does not fit, nothing is
 * remembered (every message decides). */
static void test_no_marker_no_memory(void)
{
	md_repeat_t r = table();
	md_repeat_key_t k = key_a();
	k.conn = NULL;
	k.conn_len = 0;
	md_repeat_store(&r, &k, 1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1);
	static uint8_t huge[MD_REPEAT_CONN_MAX + 1];
	k.conn = huge;
	k.conn_len = sizeof(huge);
	md_repeat_store(&r, &k, 1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1);
	k = key_a();
	k.thread = 4; /* no slot for this thread */
	md_repeat_store(&r, &k, 1);
	CU_ASSERT_EQUAL(md_repeat_find(&r, &k), -1);
	md_repeat_end(&r, 4, 1);
	md_repeat_free(&r);
}

void register_repeat_suite(void)
{
	CU_pSuite s = CU_add_suite("mod-dance decision memory", NULL, NULL);
	CU_add_test(s, "a later message of the answer reuses the decision",
	            test_later_message_reuses);
	CU_add_test(s, "the end of the answer forgets it",
	            test_end_of_answer_forgets);
	CU_add_test(s, "an unfinished allow is not lent to a new connection",
	            test_unfinished_allow_not_lent_to_new_connection);
	CU_add_test(s, "an unfinished allow is not lent to another zone",
	            test_unfinished_allow_not_lent_to_other_zone);
	CU_add_test(s, "type, ID, stream, leaf and thread are in the key",
	            test_every_key_part_counts);
	CU_add_test(s, "a new query's decision replaces the slot",
	            test_new_query_replaces);
	CU_add_test(s, "no connection marker, no memory",
	            test_no_marker_no_memory);
}
