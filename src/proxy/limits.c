/* limits.c: per-prefix connection counts and the refusal count of a
 * connection. */
#include "limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps the first bits of addr (len bytes), zeroes the rest. */
static void mask(uint8_t *addr, size_t len, unsigned bits)
{
	for (size_t i = 0; i < len; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		addr[i] &= (uint8_t)(0xff << (8 - bits));
		bits = 0;
	}
}

static unsigned clamp(unsigned bits, unsigned max)
{
	return bits == 0 || bits > max ? max : bits;
}

void dp_prefix_of(const struct sockaddr_storage *ss, unsigned v4_bits,
                  unsigned v6_bits, dp_prefix_t *out)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
	                                   0, 0, 0, 0, 0xff, 0xff};
	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		out->family = AF_INET;
		memcpy(out->addr, &v4->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
		const uint8_t *a = v6->sin6_addr.s6_addr;
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			out->family = AF_INET;
			memcpy(out->addr, a + 12, 4);
		} else {
			out->family = AF_INET6;
			memcpy(out->addr, a, 16);
		}
	} else {
		return;
	}
	if (out->family == AF_INET) {
		out->bits = clamp(v4_bits, 32);
		mask(out->addr, 4, out->bits);
	} else {
		out->bits = clamp(v6_bits, 128);
		mask(out->addr, 16, out->bits);
	}
}

void dp_prefix_format(const dp_prefix_t *p, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	if (p->family == 0 ||
	    inet_ntop(p->family, p->addr, ip, sizeof(ip)) == NULL) {
		snprintf(out, size, "unknown");
		return;
	}
	snprintf(out, size, "%s/%u", ip, p->bits);
}

static int same_prefix(const dp_prefix_t *a, const dp_prefix_t *b)
{
	return a->family == b->family && a->bits == b->bits &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

void dp_limits_init(dp_limits_t *l)
{
	memset(l, 0, sizeof(*l));
}

void dp_limits_free(dp_limits_t *l)
{
	free(l->entries);
	dp_limits_init(l);
}

static dp_prefix_count_t *find(dp_limits_t *l, const dp_prefix_t *p)
{
	for (size_t i = 0; i < l->count; i++) {
		if (same_prefix(&l->entries[i].prefix, p)) {
			return &l->entries[i];
		}
	}
	return NULL;
}

int dp_limits_acquire(dp_limits_t *l, const dp_prefix_t *p, unsigned max)
{
	dp_prefix_count_t *e = find(l, p);
	if (e != NULL) {
		if (e->count >= max) {
			return -1;
		}
		e->count++;
		return 0;
	}
	if (max == 0) {
		return -1;
	}
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		dp_prefix_count_t *grown =
		        realloc(l->entries, cap * sizeof(*grown));
		if (grown == NULL) {
			return -1;
		}
		l->entries = grown;
		l->cap = cap;
	}
	e = &l->entries[l->count++];
	e->prefix = *p;
	e->count = 1;
	return 0;
}

void dp_limits_release(dp_limits_t *l, const dp_prefix_t *p)
{
	dp_prefix_count_t *e = find(l, p);
	if (e == NULL) {
		return;
	}
	if (--e->count == 0) {
		*e = l->entries[--l->count];
	}
}

int dp_refusals_note(dp_refusals_t *r, int allowed, unsigned max)
{
	if (allowed) {
		r->authorized = 1;
		return 0;
	}
	r->refused++;
	return !r->authorized && r->refused >= max;
}
