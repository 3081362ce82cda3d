/* context.h: the state of one mod-dance instance (knotd_mod_ctx).
 *
 * One instance per module configuration use: a zone's `module:` entry, or
 * a `global-module:`. It owns its authorizer (policy, validator, cache,
 * refresher thread), the NS-derived host lists it fed the authorizer, and
 * one decision memory slot and one digested peer per knotd worker thread.
 */
#ifndef MOD_DANCE_CONTEXT_H
#define MOD_DANCE_CONTEXT_H

#include <dance/authz.h>

#include "digests.h"
#include "nsset.h"
#include "repeat.h"

typedef struct md_ctx {
	dance_authz_t *authz; /* NULL: not configured, deny every transfer */
	char broken[DANCE_REASON_MAX]; /* why authz is NULL */
	int ns_derived;   /* feed the zone's NS hosts to the authorizer */
	int non_tls_pass; /* leave non-TLS transfers to Knot's ACL */
	int log_priority; /* syslog priority of decision lines */
	int clientid;     /* read dane_clientid (registered with GnuTLS) */
	unsigned clientid_type;
	md_nsset_t ns;
	md_repeat_t repeat;
	md_digests_t digests; /* one digested peer per worker thread */
} md_ctx_t;

#endif
