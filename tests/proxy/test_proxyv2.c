/* test_proxyv2.c: PROXY protocol v2 header bytes. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "proxyv2.h"
#include "suites.h"

static void test_ipv4(void)
{
	struct sockaddr_in src = {.sin_family = AF_INET,
	                          .sin_port = htons(40122)};
	struct sockaddr_in dst = {.sin_family = AF_INET,
	                          .sin_port = htons(853)};
	inet_pton(AF_INET, "192.0.2.7", &src.sin_addr);
	inet_pton(AF_INET, "198.51.100.1", &dst.sin_addr);
	uint8_t out[DP_PROXYV2_MAX];
	size_t n = dp_proxyv2_header((struct sockaddr *)&src,
	                             (struct sockaddr *)&dst, out, sizeof(out));
	const uint8_t expect[28] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a,
	                            0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11,
	                            0x00, 0x0c, 192,  0,    2,    7,    198,
	                            51,   100,  1,    0x9c, 0xba, 0x03, 0x55};
	CU_ASSERT_EQUAL_FATAL(n, sizeof(expect));
	CU_ASSERT_EQUAL(memcmp(out, expect, sizeof(expect)), 0);
	/* Too small a buffer. */
	CU_ASSERT_EQUAL(dp_proxyv2_header((struct sockaddr *)&src,
	                                  (struct sockaddr *)&dst, out, 20),
	                0);
}

static void test_ipv6(void)
{
	struct sockaddr_in6 src = {.sin6_family = AF_INET6,
	                           .sin6_port = htons(1)};
	struct sockaddr_in6 dst = {.sin6_family = AF_INET6,
	                           .sin6_port = htons(853)};
	inet_pton(AF_INET6, "2001:db8::1", &src.sin6_addr);
	inet_pton(AF_INET6, "::1", &dst.sin6_addr);
	uint8_t out[DP_PROXYV2_MAX];
	size_t n = dp_proxyv2_header((struct sockaddr *)&src,
	                             (struct sockaddr *)&dst, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(n, 52);
	CU_ASSERT_EQUAL(out[12], 0x21);
	CU_ASSERT_EQUAL(out[13], 0x21);
	CU_ASSERT_EQUAL(out[14], 0);
	CU_ASSERT_EQUAL(out[15], 36);
	CU_ASSERT_EQUAL(memcmp(out + 16, &src.sin6_addr, 16), 0);
	CU_ASSERT_EQUAL(memcmp(out + 32, &dst.sin6_addr, 16), 0);
	CU_ASSERT_EQUAL(out[48], 0);
	CU_ASSERT_EQUAL(out[49], 1);
	CU_ASSERT_EQUAL(out[50], 0x03);
	CU_ASSERT_EQUAL(out[51], 0x55);
}

static void test_mixed_families(void)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET};
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
	uint8_t out[DP_PROXYV2_MAX];
	CU_ASSERT_EQUAL(dp_proxyv2_header((struct sockaddr *)&v4,
	                                  (struct sockaddr *)&v6, out,
	                                  sizeof(out)),
	                0);
	CU_ASSERT_EQUAL(dp_proxyv2_header(NULL, (struct sockaddr *)&v6, out,
	                                  sizeof(out)),
	                0);
}

void register_proxyv2_suite(void)
{
	CU_pSuite s = CU_add_suite("proxyv2", NULL, NULL);
	CU_add_test(s, "IPv4 header bytes", test_ipv4);
	CU_add_test(s, "IPv6 header bytes", test_ipv6);
	CU_add_test(s, "mixed or missing families", test_mixed_families);
}
