/* nsset.h: NS-derived identities, read from the zone being transferred.
 *
 * With `ns-derived: on`, every host named in the zone's apex NS RRset may
 * transfer the zone (when its TLSA record matches). Before a decision the
 * module reads the NS RRset from the zone contents knotd serves
 * (knotd_qdata_zone_apex_rrset) and, when it differs from what the
 * authorizer was last given for that zone, hands the new host list over
 * (dance_authz_set_ns; its refresher then prefetches the new names).
 * Adding a secondary is thus adding an NS record (and its TLSA record);
 * removing the NS record revokes it at the next transfer query.
 */
#ifndef MOD_DANCE_NSSET_H
#define MOD_DANCE_NSSET_H

#include <pthread.h>
#include <stddef.h>

#include <knot/module.h>

#include <dance/authz.h>

typedef struct md_nszone md_nszone_t;

typedef struct md_nsset {
	pthread_mutex_t lock;
	md_nszone_t *zones; /* last host list given, per zone */
	size_t count;
} md_nsset_t;

void md_nsset_init(md_nsset_t *s);
void md_nsset_free(md_nsset_t *s);

/* Brings the authorizer's NS-derived list of zone (presentation form, as
 * in the request) up to date with the zone's apex NS RRset. Logs a change
 * (and a failure) through the module's log. */
void md_nsset_sync(md_nsset_t *s, dance_authz_t *authz, knotd_mod_t *mod,
                   knotd_qdata_t *qdata, const char *zone);

#endif
