/* relay.h: a DNS relay on loopback (UDP and TCP on one port) in front of
 * a real server, with switchable faults, for fault tests: pass answers
 * through, drop every query, answer SERVFAIL itself, answer late, or pass
 * answers with their RRSIG records stripped (rebuilt with libknot). One
 * thread serves one query at a time; the mode can change at any moment. */
#ifndef DANCE_TEST_RELAY_H
#define DANCE_TEST_RELAY_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "blackhole.h"

typedef enum relay_mode {
	RELAY_PASS = 0,    /* relay queries and answers unchanged */
	RELAY_DROP,        /* never answer */
	RELAY_SERVFAIL,    /* answer SERVFAIL without asking upstream */
	RELAY_SLOW,        /* relay, but only after delay_ms */
	RELAY_STRIP_RRSIG, /* relay answers without their RRSIG records */
} relay_mode_t;

typedef struct relay {
	black_hole_t front; /* front.addr is "127.0.0.1@PORT" */
	struct sockaddr_in upstream;
	int stop[2];
	atomic_int mode;
	atomic_int delay_ms;
	atomic_uint_fast64_t queries; /* queries received */
	pthread_t thread;
} relay_t;

/* Starts a relay to 127.0.0.1@upstream_port in RELAY_PASS mode. */
void relay_start(relay_t *r, uint16_t upstream_port);
void relay_set_mode(relay_t *r, relay_mode_t mode, int delay_ms);
void relay_stop(relay_t *r);

#endif
