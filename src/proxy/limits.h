/* limits.h: connection counts per client address, for
 * max-connections-per-ip. */
#ifndef DP_LIMITS_H
#define DP_LIMITS_H

#include <stddef.h>

typedef struct dp_ip_count {
	char ip[48];
	unsigned count;
} dp_ip_count_t;

typedef struct dp_limits {
	dp_ip_count_t *entries;
	size_t count, cap;
} dp_limits_t;

void dp_limits_init(dp_limits_t *l);
void dp_limits_free(dp_limits_t *l);
/* Counts one more connection from ip: 0, or -1 when max are already
 * counted (nothing changes then) or memory ran out. */
int dp_limits_acquire(dp_limits_t *l, const char *ip, unsigned max);
void dp_limits_release(dp_limits_t *l, const char *ip);

#endif
