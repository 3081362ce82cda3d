/* blackhole.h: a DNS server on loopback that never answers (UDP and TCP on
 * one port), for deadline and silent-upstream tests. */
#ifndef DANCE_TEST_BLACKHOLE_H
#define DANCE_TEST_BLACKHOLE_H

typedef struct black_hole {
	int udp, tcp;
	char addr[64]; /* "127.0.0.1@PORT" */
} black_hole_t;

/* Binds both sockets on one free port (CUnit-asserted). */
void black_hole_open(black_hole_t *h);
void black_hole_close(black_hole_t *h);

#endif
