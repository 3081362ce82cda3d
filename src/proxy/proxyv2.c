/* proxyv2.c: PROXY v2 header bytes. */
#include "proxyv2.h"

#include <netinet/in.h>
#include <string.h>

static const uint8_t signature[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
                                      0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

size_t dp_proxyv2_header(const struct sockaddr *src, const struct sockaddr *dst,
                         uint8_t *out, size_t max)
{
	if (src == NULL || dst == NULL || src->sa_family != dst->sa_family ||
	    max < 16) {
		return 0;
	}
	memcpy(out, signature, sizeof(signature));
	out[12] = 0x21; /* version 2, command PROXY */
	size_t body;
	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)src;
		const struct sockaddr_in *d = (const struct sockaddr_in *)dst;
		body = 12;
		if (max < 16 + body) {
			return 0;
		}
		out[13] = 0x11; /* AF_INET, STREAM */
		memcpy(out + 16, &s->sin_addr, 4);
		memcpy(out + 20, &d->sin_addr, 4);
		memcpy(out + 24, &s->sin_port, 2);
		memcpy(out + 26, &d->sin_port, 2);
	} else if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)src;
		const struct sockaddr_in6 *d = (const struct sockaddr_in6 *)dst;
		body = 36;
		if (max < 16 + body) {
			return 0;
		}
		out[13] = 0x21; /* AF_INET6, STREAM */
		memcpy(out + 16, &s->sin6_addr, 16);
		memcpy(out + 32, &d->sin6_addr, 16);
		memcpy(out + 48, &s->sin6_port, 2);
		memcpy(out + 50, &d->sin6_port, 2);
	} else {
		return 0;
	}
	out[14] = (uint8_t)(body >> 8);
	out[15] = (uint8_t)(body & 0xff);
	return 16 + body;
}
