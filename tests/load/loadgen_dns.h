/* loadgen_dns.h: the DNS side of dance-loadgen, with libknot: an SOA
 * query framed for TCP, and whether a buffer holds a whole framed
 * message. */
#ifndef DANCE_LOADGEN_DNS_H
#define DANCE_LOADGEN_DNS_H

#include <stddef.h>
#include <stdint.h>

/* The 2-byte length and an SOA query for zone into out; its size, or 0
 * when zone is not a valid name or out is too small. */
size_t loadgen_soa_query(const char *zone, uint8_t *out, size_t size);

/* True when buf starts with a whole length-prefixed message. */
int loadgen_have_message(const uint8_t *buf, size_t len);

#endif
