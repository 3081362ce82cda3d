/* sanity.h: hand-checked cases, the harness's own check.
 *
 * Each case has a verdict worked out by hand from RFC 6698/7671 and
 * draft-ietf-dance-client-auth, on which OpenSSL and today's libdance
 * agree, or a documented difference shown on one example. A wrong
 * oracle or generator (not libdance) fails these first.
 */
#ifndef DANE_SANITY_H
#define DANE_SANITY_H

#include "gen.h"

typedef struct dane_sanity {
	const char *what;
	void (*shape)(dane_params_t *p);
	int accept; /* the hand-checked verdict (OpenSSL's) */
	/* NULL: libdance must decide the same. Else the documented class
	 * (compare.h) the case must fall in; libdance must decide what the
	 * class says. */
	const char *doc;
} dane_sanity_t;

/* The cases, ended by a NULL what. */
extern const dane_sanity_t dane_sanity_cases[];

#endif
