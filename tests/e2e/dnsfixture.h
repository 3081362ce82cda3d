/* dnsfixture.h: the signed test DNS (tests/dns/testdns) from C end-to-end
 * suites: start it, read what it wrote, change it, stop it.
 *
 * testdns serves, from a knotd on 127.0.0.1 (and optionally a validating
 * unbound daemon), the test hierarchy under dance.test. signed with fresh
 * keys (see zones/README.md and `tests/dns/testdns --help`):
 *   good.dance.test      secure: _xfr-client.ns2 and _xfr-client.ns6
 *                        TLSA 3 1 1 (TTL 60), _xfr-client.nodata (TXT
 *                        only), no _xfr-client.missing, *._device TLSA
 *                        2 1 1 of the device CA
 *   insecure.dance.test  unsigned, no DS (ns3)
 *   bogus.dance.test     DS mismatch (ns4)
 *   expired.dance.test   RRSIGs expired in 2020 (ns5)
 *
 * Typical use, in a CUnit suite:
 *   static dnsfx_t fx;
 *   init:    return dnsfx_start(&fx, 1) == 0 ? 0 : -1;
 *   cleanup: dnsfx_stop(&fx); return 0;   (runs even if tests failed)
 *   resolver config: STUB mode, servers {fx.server}, stub_zones
 *   fx.stub_zones, trust_anchor_file dnsfx_get(&fx, "TRUST_ANCHOR");
 *   or AD mode with servers {fx.resolver}.
 *   revocation: dnsfx_run(&fx, "revoke", "_xfr-client.ns2.good.dance.test")
 */
#ifndef DANCE_TEST_DNSFIXTURE_H
#define DANCE_TEST_DNSFIXTURE_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#define DNSFX_MAX_VARS  16
#define DNSFX_MAX_ZONES 8

typedef struct dnsfx {
	char dir[256];                    /* state directory (mkdtemp) */
	char names[DNSFX_MAX_VARS][32];   /* DIR/env keys ... */
	char values[DNSFX_MAX_VARS][512]; /* ... and values, unquoted */
	size_t count;
	char server[64];   /* "127.0.0.1@PORT" of knotd */
	char resolver[64]; /* "127.0.0.1@PORT" of unbound, or "" */
	const char *stub_zones[DNSFX_MAX_ZONES]; /* STUB_ZONES, split */
	size_t stub_zone_count;
	char stub_buf[256];
} dnsfx_t;

/* Starts knotd serving the signed zones (and the validating unbound when
 * with_unbound) in a fresh directory under /tmp, and reads DIR/env.
 * 0 on success; -1 with a message on stderr, having stopped whatever
 * started. */
int dnsfx_start(dnsfx_t *fx, int with_unbound);

/* Value of a DIR/env key, or "" if absent. Keys: DNS_ADDR, DNS_PORT
 * (knotd), UNBOUND_PORT (empty without unbound), TRUST_ANCHOR (DIR/ta.key,
 * the DNSKEY of dance.test.), STUB_ZONES (space-separated), KEYS_DIR
 * (nsN.{key,pem} for N in 2..6, device-ca.*, dev1.*, unknown.*),
 * ZONES_DIR, KNOT_CONF. */
const char *dnsfx_get(const dnsfx_t *fx, const char *key);

/* Runs "testdns CMD DIR ARGS" (ARGS may be NULL; it is passed to the
 * shell as is, so quote what needs quoting), e.g.
 *   dnsfx_run(fx, "revoke", "_xfr-client.ns2.good.dance.test")
 *   dnsfx_run(fx, "publish", "_xfr-client.ns2.good.dance.test '3 1 1 ab..'")
 * revoke/publish return once knotd serves the new zone (the unbound
 * daemon may still answer from its cache for up to 5 s). Returns the
 * exit status (0 done). */
int dnsfx_run(const dnsfx_t *fx, const char *cmd, const char *args);

/* DER of the certificate KEYS_DIR/<base>.pem (e.g. "ns2") into der; free
 * with gnutls_free(der->data). 0 on success, -1 otherwise. */
int dnsfx_cert(const dnsfx_t *fx, const char *base, gnutls_datum_t *der);

/* Stops the servers and removes the directory. Safe to call twice, and
 * after a failed dnsfx_start. */
void dnsfx_stop(dnsfx_t *fx);

#endif
