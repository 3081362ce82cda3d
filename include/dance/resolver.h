/* dance/resolver.h: DNSSEC-validated TLSA lookups.
 *
 * Two ways to trust an answer:
 * - embedded validator (libunbound) with trust anchors, doing full
 *   recursion, forwarding to given resolvers, or stub resolution of given
 *   zones at given servers;
 * - the AD bit of a validating resolver on loopback (DANCE_RESOLVE_AD):
 *   the address must be 127.0.0.0/8 or ::1, anything else is refused.
 * Every answer is one of the states below; only SECURE may authorize.
 * Lookups run blocking with a deadline, or asynchronously on a libuv loop.
 */
#ifndef DANCE_RESOLVER_H
#define DANCE_RESOLVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "dance/error.h"
#include "dance/tlsa.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dance_dns_state {
	DANCE_DNS_SECURE = 0, /* validated RRset (rrset, ttl, rrsig_expiry) */
	DANCE_DNS_INSECURE,   /* answer without a chain of trust */
	DANCE_DNS_BOGUS,      /* validation failed (why: validator's reason) */
	DANCE_DNS_NXDOMAIN,   /* owner does not exist (secure proof) */
	DANCE_DNS_NODATA,     /* owner exists, no TLSA (secure proof) */
	DANCE_DNS_SERVFAIL,   /* resolver failure, or unproven negative */
	DANCE_DNS_TIMEOUT,    /* deadline passed */
} dance_dns_state_t;

typedef struct dance_tlsa_answer {
	dance_dns_state_t state;
	dance_tlsa_set_t rrset;     /* owned; filled for SECURE and INSECURE */
	uint32_t ttl;               /* RRset TTL, or negative TTL */
	time_t rrsig_expiry;        /* earliest RRSIG expiration; 0 unknown */
	time_t fetched;             /* when the answer arrived */
	char why[DANCE_REASON_MAX]; /* one sentence: validator reason etc. */
} dance_tlsa_answer_t;

typedef enum dance_resolve_mode {
	DANCE_RESOLVE_RECURSE = 0, /* full recursion from the root */
	DANCE_RESOLVE_FORWARD,     /* forward everything to servers */
	DANCE_RESOLVE_STUB,        /* stub_zones at servers, rest recursion */
	DANCE_RESOLVE_AD,          /* trust AD from a loopback resolver */
} dance_resolve_mode_t;

typedef struct dance_resolver_config {
	dance_resolve_mode_t mode;
	/* Trust anchor file (DS/DNSKEY lines, or unbound's auto format);
	 * NULL and no trust_anchor: the system root key
	 * (/usr/share/dns/root.key). Ignored in AD mode. */
	const char *trust_anchor_file;
	const char *trust_anchor; /* one RR in presentation form, or NULL */
	/* "addr" or "addr@port" entries for FORWARD, STUB and AD modes. */
	const char *const *servers;
	size_t server_count;
	/* Zones resolved through servers in STUB mode. In every libunbound
	 * mode these zones are also exempt from unbound's built-in local
	 * zones (RFC 6761 names such as "test." answer NXDOMAIN otherwise). */
	const char *const *stub_zones;
	size_t stub_zone_count;
	/* Default deadline of a lookup in milliseconds (0: 2000). */
	unsigned timeout_ms;
} dance_resolver_config_t;

typedef struct dance_resolver dance_resolver_t;

/* Creates a resolver. EINVAL with a reason for a bad configuration (no
 * servers in FORWARD/STUB/AD mode, a non-loopback address in AD mode, an
 * unreadable trust anchor file, an unparsable address). */
dance_code_t dance_resolver_new(const dance_resolver_config_t *cfg,
                                dance_resolver_t **out, dance_error_t *err);
void dance_resolver_free(dance_resolver_t *r);

/* Reads a trust anchor file (DS/DNSKEY records in zone-file form) the way
 * the embedded validator will, without any DNS query: DANCE_OK, or EINVAL
 * with a reason that names the file and the parse error ("parse error in
 * FILE:LINE:COL : ..."). For configuration checks. */
dance_code_t dance_trust_anchor_file_check(const char *file,
                                           dance_error_t *err);

/* Looks up the TLSA RRset at owner (a normalised name), waiting at most
 * deadline_ms (0: the configured timeout), also when another thread's
 * blocking lookup holds the resolver. Always fills *out (state TIMEOUT
 * when the deadline passes; a denying state when the call fails);
 * returns DANCE_OK unless the call itself could not be made (EINVAL bad
 * name, ENOMEM). The caller frees out with dance_tlsa_answer_clear. */
dance_code_t dance_resolver_lookup(dance_resolver_t *r, const char *owner,
                                   unsigned deadline_ms,
                                   dance_tlsa_answer_t *out,
                                   dance_error_t *err);

/* Asynchronous lookup: cb runs on the thread that drives the resolver's
 * file descriptor (see dance_resolver_fd/dance_resolver_process), exactly
 * once, with an answer it owns only during the call (copy what you keep).
 * The deadline is enforced by the caller's loop through
 * dance_resolver_expire. */
typedef void (*dance_resolver_cb)(void *arg, const char *owner,
                                  const dance_tlsa_answer_t *answer);
dance_code_t dance_resolver_lookup_async(dance_resolver_t *r, const char *owner,
                                         unsigned deadline_ms,
                                         dance_resolver_cb cb, void *arg,
                                         dance_error_t *err);

/* File descriptor that becomes readable when async answers are ready. */
int dance_resolver_fd(dance_resolver_t *r);
/* Delivers ready async answers (call when the fd is readable). */
void dance_resolver_process(dance_resolver_t *r);
/* Completes, with state TIMEOUT, async lookups whose deadline passed and
 * whose answer is not ready (call periodically, e.g. from a uv_timer);
 * returns how many. Returns the milliseconds until the next deadline in
 * *next_ms (UINT32_MAX if none). dance_resolver_free cancels lookups
 * still pending, without callbacks, and does not wait for them. */
size_t dance_resolver_expire(dance_resolver_t *r, uint32_t *next_ms);
/* Number of async lookups in flight. */
size_t dance_resolver_pending(dance_resolver_t *r);

/* An initialised (or cleared) answer is empty and in state SERVFAIL, so
 * an answer nobody filled never authorizes. */
void dance_tlsa_answer_init(dance_tlsa_answer_t *a);
void dance_tlsa_answer_clear(dance_tlsa_answer_t *a);
dance_code_t dance_tlsa_answer_copy(dance_tlsa_answer_t *dst,
                                    const dance_tlsa_answer_t *src,
                                    dance_error_t *err);

/* True for an IPv4 address in 127.0.0.0/8 or IPv6 ::1: the only resolver
 * AD mode trusts, and the only backend dance-proxy relays to. */
int dance_addr_is_loopback(const struct sockaddr_storage *ss);

/* "secure", "insecure", "bogus", "nxdomain", "nodata", "servfail",
 * "timeout". */
const char *dance_dns_state_name(dance_dns_state_t state);

#ifdef __cplusplus
}
#endif
#endif
