/* suites.h: the suites of the dance-proxy unit runner. */
#ifndef DP_TEST_SUITES_H
#define DP_TEST_SUITES_H

#include <stddef.h>
#include <stdint.h>

void register_config_suite(void);
void register_dnsmsg_suite(void);
void register_xfrtrack_suite(void);
void register_tsig_suite(void);
void register_proxyv2_suite(void);
void register_misc_suite(void);
void register_limits_suite(void);

/* Builds a response to a query for zone/qtype with the given answer
 * records, each "TYPE SERIAL" for SOA (serial) or any other type (an A
 * record); returns the wire length. Shared by the DNS suites. */
size_t dp_test_response(const char *zone, uint16_t qtype, uint16_t id,
                        const uint32_t *soa_serials, const int *is_soa,
                        size_t count, uint8_t *out, size_t max);

#endif
