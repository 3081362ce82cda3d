/* test_limits.c: connection counts per client address prefix and the
 * refusal count of a connection (limits.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "limits.h"
#include "suites.h"

/* The prefix of a textual address under v4/v6 prefix lengths. */
static dp_prefix_t prefix(const char *ip, unsigned v4, unsigned v6)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
	} else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
	}
	dp_prefix_t p;
	dp_prefix_of(&ss, v4, v6, &p);
	return p;
}

/* acquire/release of one address under the defaults (/32, /64). */
static int take(dp_limits_t *l, const char *ip, unsigned max)
{
	dp_prefix_t p = prefix(ip, 32, 64);
	return dp_limits_acquire(l, &p, max);
}

static void give(dp_limits_t *l, const char *ip)
{
	dp_prefix_t p = prefix(ip, 32, 64);
	dp_limits_release(l, &p);
}

static void test_counts(void)
{
	dp_limits_t l;
	dp_limits_init(&l);
	CU_ASSERT_EQUAL(take(&l, "127.0.0.1", 2), 0);
	CU_ASSERT_EQUAL(take(&l, "127.0.0.1", 2), 0);
	CU_ASSERT_EQUAL(take(&l, "127.0.0.1", 2), -1);
	CU_ASSERT_EQUAL(take(&l, "::1", 2), 0);
	give(&l, "127.0.0.1");
	CU_ASSERT_EQUAL(take(&l, "127.0.0.1", 2), 0);
	CU_ASSERT_EQUAL(take(&l, "127.0.0.1", 2), -1);
	/* Entries go away with their last connection. */
	give(&l, "::1");
	CU_ASSERT_EQUAL(l.count, 1);
	give(&l, "127.0.0.1");
	give(&l, "127.0.0.1");
	CU_ASSERT_EQUAL(l.count, 0);
	give(&l, "192.0.2.1"); /* unknown: no effect */
	/* Many addresses, each its own /32. */
	char ip[32];
	for (int i = 0; i < 100; i++) {
		snprintf(ip, sizeof(ip), "127.0.1.%d", i);
		CU_ASSERT_EQUAL(take(&l, ip, 1), 0);
	}
	CU_ASSERT_EQUAL(l.count, 100);
	CU_ASSERT_EQUAL(take(&l, "127.0.1.42", 1), -1);
	CU_ASSERT_EQUAL(take(&l, "127.0.1.42", 0), -1);
	CU_ASSERT_EQUAL(take(&l, "127.0.2.1", 0), -1);
	dp_limits_free(&l);
}

/* IPv6 counts per /64 by default: the addresses of one /64 share one
 * limit, the next /64 has its own. */
static void test_ipv6_per_64(void)
{
	dp_limits_t l;
	dp_limits_init(&l);
	CU_ASSERT_EQUAL(take(&l, "2001:db8:1:2::1", 2), 0);
	CU_ASSERT_EQUAL(take(&l, "2001:db8:1:2:ffff:ffff:ffff:fffe", 2), 0);
	CU_ASSERT_EQUAL(take(&l, "2001:db8:1:2:8000::9", 2), -1);
	CU_ASSERT_EQUAL(take(&l, "2001:db8:1:3::1", 2), 0);
	CU_ASSERT_EQUAL(l.count, 2);
	give(&l, "2001:db8:1:2::77"); /* any address of the /64 releases */
	CU_ASSERT_EQUAL(take(&l, "2001:db8:1:2::5", 2), 0);
	dp_limits_free(&l);
	/* /128: each address on its own. */
	dp_limits_init(&l);
	dp_prefix_t a = prefix("2001:db8::1", 32, 128);
	dp_prefix_t b = prefix("2001:db8::2", 32, 128);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &a, 1), 0);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &b, 1), 0);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &a, 1), -1);
	dp_limits_free(&l);
}

/* IPv4 counts per address by default, per prefix when configured; an
 * IPv4-mapped IPv6 address is its IPv4 address. */
static void test_ipv4_prefixes(void)
{
	dp_limits_t l;
	dp_limits_init(&l);
	dp_prefix_t a = prefix("192.0.2.1", 24, 64);
	dp_prefix_t b = prefix("192.0.2.200", 24, 64);
	dp_prefix_t c = prefix("192.0.3.1", 24, 64);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &a, 2), 0);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &b, 2), 0);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &a, 2), -1);
	CU_ASSERT_EQUAL(dp_limits_acquire(&l, &c, 2), 0);
	dp_limits_free(&l);
	dp_limits_init(&l);
	CU_ASSERT_EQUAL(take(&l, "192.0.2.1", 1), 0);
	CU_ASSERT_EQUAL(take(&l, "192.0.2.2", 1), 0);
	CU_ASSERT_EQUAL(take(&l, "::ffff:192.0.2.1", 1), -1);
	dp_limits_free(&l);
	dp_prefix_t m = prefix("::ffff:192.0.2.9", 32, 64);
	CU_ASSERT_EQUAL(m.family, AF_INET);
	CU_ASSERT_EQUAL(m.bits, 32);
}

static void test_prefix_format(void)
{
	char out[64];
	dp_prefix_t p = prefix("192.0.2.77", 24, 64);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "192.0.2.0/24");
	p = prefix("10.1.255.1", 20, 64);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "10.1.240.0/20");
	p = prefix("2001:db8:1:2:3:4:5:6", 32, 64);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "2001:db8:1:2::/64");
	p = prefix("2001:db8:1:2ff:3:4:5:6", 32, 56);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "2001:db8:1:200::/56");
	p = prefix("127.0.0.1", 32, 64);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "127.0.0.1/32");
	p = prefix("not an address", 32, 64);
	CU_ASSERT_EQUAL(p.family, 0);
	dp_prefix_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "unknown");
	/* Out-of-range lengths mean the whole address. */
	p = prefix("192.0.2.77", 0, 200);
	CU_ASSERT_EQUAL(p.bits, 32);
}

/* A connection never authorized is closed at the max-th refusal; one
 * authorized once is never closed for refusals. */
static void test_refusals(void)
{
	dp_refusals_t r;
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 1);
	CU_ASSERT_EQUAL(r.refused, 3);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 1), 1);
	/* Authorized first: refusals for other zones go on. */
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 1, 3), 0);
	for (int i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
	}
	/* Authorized after two refusals: the earlier ones do not count. */
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 1, 3), 0);
	CU_ASSERT_EQUAL(dp_refusals_note(&r, 0, 3), 0);
}

void register_limits_suite(void)
{
	CU_pSuite s = CU_add_suite("limits", NULL, NULL);
	CU_add_test(s, "per-address counts", test_counts);
	CU_add_test(s, "IPv6 counted per /64", test_ipv6_per_64);
	CU_add_test(s, "IPv4 prefixes and mapped addresses",
	            test_ipv4_prefixes);
	CU_add_test(s, "prefix text", test_prefix_format);
	CU_add_test(s, "refusals before any authorization", test_refusals);
}
