/* proxyv2.h: the PROXY protocol version 2 header (haproxy spec, section
 * 2.2) the proxy may send first on a backend connection, naming the
 * client's address and the address it connected to. Pure. */
#ifndef DP_PROXYV2_H
#define DP_PROXYV2_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DP_PROXYV2_MAX 52 /* 16 + 36 for IPv6 */

/* Writes the PROXY TCP header for src -> dst (same family, IPv4 or IPv6)
 * into out; returns its length, or 0 when the families are unusable. */
size_t dp_proxyv2_header(const struct sockaddr *src, const struct sockaddr *dst,
                         uint8_t *out, size_t max);

#endif
