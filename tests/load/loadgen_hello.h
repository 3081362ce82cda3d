/* loadgen_hello.h: the byte stream of an oversized ClientHello sent in
 * 1-byte TLS records (a pre-authentication memory attack): a handshake
 * message header declaring a body of a given size, then that body, every
 * octet in a record of its own (5-byte record header + 1 octet). */
#ifndef DANCE_LOADGEN_HELLO_H
#define DANCE_LOADGEN_HELLO_H

#include <stddef.h>
#include <stdint.h>

/* Octets of the handshake message (4-byte header + body). */
uint64_t loadgen_hello_octets(uint32_t body_size);

/* Writes the records carrying message octets from pos on into out (as
 * many whole records as fit in size); returns how many octets they
 * carry. Stops at end (exclusive). */
size_t loadgen_hello_fill(uint32_t body_size, uint64_t pos, uint64_t end,
                          uint8_t *out, size_t size);

#endif
