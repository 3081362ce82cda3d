/* limits.c: per-address connection counts. */
#include "limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dp_limits_init(dp_limits_t *l)
{
	memset(l, 0, sizeof(*l));
}

void dp_limits_free(dp_limits_t *l)
{
	free(l->entries);
	dp_limits_init(l);
}

static dp_ip_count_t *find(dp_limits_t *l, const char *ip)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->entries[i].ip, ip) == 0) {
			return &l->entries[i];
		}
	}
	return NULL;
}

int dp_limits_acquire(dp_limits_t *l, const char *ip, unsigned max)
{
	dp_ip_count_t *e = find(l, ip);
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
		dp_ip_count_t *grown =
		        realloc(l->entries, cap * sizeof(*grown));
		if (grown == NULL) {
			return -1;
		}
		l->entries = grown;
		l->cap = cap;
	}
	e = &l->entries[l->count++];
	snprintf(e->ip, sizeof(e->ip), "%s", ip);
	e->count = 1;
	return 0;
}

void dp_limits_release(dp_limits_t *l, const char *ip)
{
	dp_ip_count_t *e = find(l, ip);
	if (e == NULL) {
		return;
	}
	if (--e->count == 0) {
		*e = l->entries[--l->count];
	}
}
