/* frame.h: DNS over TCP framing (RFC 1035 4.2.2, RFC 7766): each message
 * goes with a 2-byte big-endian length. One pure function splits a
 * stream buffer, used by the client side, the backend side and the NS
 * fetch alike. */
#ifndef DP_FRAME_H
#define DP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* The first whole message of buf (len bytes): *msg and *mlen point into
 * buf (which may be changed in place), and the return value is the bytes it
 * takes with its prefix (2 + *mlen); 0 when buf does not yet hold a whole
 * message (then *msg is NULL and *mlen is the announced length once the prefix
 * is there, else 0). */
size_t dp_frame_next(uint8_t *buf, size_t len, uint8_t **msg, size_t *mlen);

#endif
