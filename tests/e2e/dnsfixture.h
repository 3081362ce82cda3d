/* dnsfixture.h: start and stop the signed test DNS (tests/dns/testdns)
 * from C end-to-end suites, and read what it wrote. */
#ifndef DANCE_TEST_DNSFIXTURE_H
#define DANCE_TEST_DNSFIXTURE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#define DNSFX_MAX_VARS 16

typedef struct dnsfx {
	char dir[256];                    /* state directory (mkdtemp) */
	char names[DNSFX_MAX_VARS][32];   /* DIR/env keys ... */
	char values[DNSFX_MAX_VARS][512]; /* ... and values */
	size_t count;
	char server[64];           /* "127.0.0.1@PORT" of knotd */
	char resolver[64];         /* "127.0.0.1@PORT" of unbound, or "" */
	const char *stub_zones[8]; /* zones to stub at server */
	size_t stub_zone_count;
	char stub_buf[256];
} dnsfx_t;

/* Starts knotd serving the signed zones (and unbound when with_unbound)
 * in a fresh temporary directory. 0 on success, -1 with a message on
 * stderr. */
int dnsfx_start(dnsfx_t *fx, int with_unbound);

/* Value of a DIR/env key ("DNS_PORT", "KEYS_DIR", ...), or "" if absent. */
const char *dnsfx_get(const dnsfx_t *fx, const char *key);

/* Runs "testdns CMD DIR ARGS" (e.g. cmd "revoke", args the owner).
 * Returns its exit status. */
int dnsfx_run(const dnsfx_t *fx, const char *cmd, const char *args);

/* DER of KEYS_DIR/<base>.pem into der (free with gnutls_free). 0 ok. */
int dnsfx_cert(const dnsfx_t *fx, const char *base, gnutls_datum_t *der);

/* Stops the servers and removes the directory. Safe to call twice. */
void dnsfx_stop(dnsfx_t *fx);

#endif
