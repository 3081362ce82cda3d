/* limits.h: the limits a client meets before it is authorized:
 *   - connection counts per client address prefix, for
 *     max-connections-per-ip (one IPv4 /N or IPv6 /N prefix counts as one
 *     client; an IPv4-mapped IPv6 address counts as its IPv4 address);
 *   - the refusal count of a connection, for max-refusals-unauthorized (a
 *     connection that was never authorized for any query is closed after
 *     that many refusals). */
#ifndef DP_LIMITS_H
#define DP_LIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A client address masked to its prefix. family 0: not an IP address
 * (all such clients count as one). */
typedef struct dp_prefix {
	int family; /* AF_INET, AF_INET6 or 0 */
	unsigned bits;
	uint8_t addr[16]; /* 4 used for AF_INET; bits past the prefix zero */
} dp_prefix_t;

/* The prefix that ss counts under: the first v4_bits (1..32) of an IPv4
 * address, the first v6_bits (1..128) of an IPv6 one. */
void dp_prefix_of(const struct sockaddr_storage *ss, unsigned v4_bits,
                  unsigned v6_bits, dp_prefix_t *out);
/* "192.0.2.0/24", "2001:db8:1:2::/64", or "unknown". */
void dp_prefix_format(const dp_prefix_t *p, char *out, size_t size);

typedef struct dp_prefix_count {
	dp_prefix_t prefix;
	unsigned count;
} dp_prefix_count_t;

typedef struct dp_limits {
	dp_prefix_count_t *entries;
	size_t count, cap;
} dp_limits_t;

void dp_limits_init(dp_limits_t *l);
void dp_limits_free(dp_limits_t *l);
/* Counts one more connection from prefix p: 0, or -1 when max are
 * already counted (nothing changes then) or memory ran out. */
int dp_limits_acquire(dp_limits_t *l, const dp_prefix_t *p, unsigned max);
void dp_limits_release(dp_limits_t *l, const dp_prefix_t *p);

/* The answers a connection got so far. */
typedef struct dp_refusals {
	unsigned refused;
	int authorized; /* some query was allowed */
} dp_refusals_t;

/* Notes one query's outcome. 1 when the connection must now be closed:
 * it was refused max times and never authorized; 0 otherwise. */
int dp_refusals_note(dp_refusals_t *r, int allowed, unsigned max);

#endif
