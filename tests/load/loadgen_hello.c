/* loadgen_hello.c: see loadgen_hello.h. */
#include "loadgen_hello.h"

#define RECORD_HEADER 5

uint64_t loadgen_hello_octets(uint32_t body_size)
{
	return 4 + (uint64_t)body_size;
}

/* Octet pos of the message: type 1 (ClientHello), a 24-bit length, then
 * a body of zeros. */
static uint8_t message_octet(uint32_t body_size, uint64_t pos)
{
	switch (pos) {
	case 0: return 1;
	case 1: return (uint8_t)(body_size >> 16);
	case 2: return (uint8_t)(body_size >> 8);
	case 3: return (uint8_t)body_size;
	default: return 0;
	}
}

size_t loadgen_hello_fill(uint32_t body_size, uint64_t pos, uint64_t end,
                          uint8_t *out, size_t size)
{
	size_t n = 0;
	while (pos + n < end && (n + 1) * (RECORD_HEADER + 1) <= size) {
		uint8_t *r = out + n * (RECORD_HEADER + 1);
		r[0] = 22; /* handshake */
		r[1] = 3;
		r[2] = 1;
		r[3] = 0;
		r[4] = 1;
		r[5] = message_octet(body_size, pos + n);
		n++;
	}
	return n;
}
