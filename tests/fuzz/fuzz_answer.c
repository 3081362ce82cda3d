/* fuzz_answer.c: reading the TLSA RRset, its TTL and the earliest RRSIG
 * expiration out of a DNS reply (dance_answer_from_packet), as both
 * resolver modes do with the reply a resolver sent (the whole input is
 * the DNS message).
 * Properties: the count returned is the number of records added, every
 * record added is well formed (its wire form parses back to it), the
 * reason text is terminated, and an answer fills nothing it was not
 * given: a message without TLSA records leaves the set empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dance/resolver.h"
#include "fuzz_common.h"
#include "resolver_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dance_tlsa_answer_t ans;
	dance_tlsa_answer_init(&ans);
	/* The library reads, never writes, the message: give it a copy the
	 * sanitizer can watch exactly. */
	uint8_t *wire = malloc(size > 0 ? size : 1);
	if (wire == NULL) {
		return 0;
	}
	memcpy(wire, data, size);
	size_t found = dance_answer_from_packet(
	        wire, size, "_xfr-client.client.example", &ans);
	FUZZ_CHECK(memcmp(wire, data, size) == 0, "message modified");
	FUZZ_CHECK(found == ans.rrset.count, "found %zu, set holds %zu", found,
	           ans.rrset.count);
	FUZZ_CHECK(memchr(ans.why, '\0', sizeof(ans.why)) != NULL,
	           "reason not terminated");
	FUZZ_CHECK(ans.state == DANCE_DNS_SERVFAIL,
	           "the parser set a state (%d): only the resolver may",
	           (int)ans.state);
	for (size_t i = 0; i < ans.rrset.count; i++) {
		const dance_tlsa_t *t = &ans.rrset.records[i];
		uint8_t buf[3 + 65535];
		size_t len = 0;
		dance_tlsa_t back;
		FUZZ_CHECK(dance_tlsa_to_wire(t, buf, sizeof(buf), &len,
		                              NULL) == DANCE_OK &&
		                   dance_tlsa_from_wire(&back, buf, len,
		                                        NULL) == DANCE_OK,
		           "record %zu malformed", i);
		FUZZ_CHECK(dance_tlsa_equal(t, &back), "record %zu differs", i);
		dance_tlsa_clear(&back);
	}
	dance_tlsa_answer_clear(&ans);
	free(wire);
	return 0;
}
