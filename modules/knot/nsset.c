/* nsset.c: keeps the authorizer's NS-derived hosts equal to the zone's. */
#include "nsset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include <dance/name.h>

typedef char md_name_t[DANCE_NAME_MAX];

struct md_nszone {
	md_name_t zone;
	md_name_t *hosts; /* sorted */
	size_t count;
};

void md_nsset_init(md_nsset_t *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->zones = NULL;
	s->count = 0;
}

void md_nsset_free(md_nsset_t *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->zones[i].hosts);
	}
	free(s->zones);
	s->zones = NULL;
	s->count = 0;
	pthread_mutex_destroy(&s->lock);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The NS targets of the zone apex, sorted; count 0 for none. Returns -1
 * when memory is short. */
static int read_apex_hosts(knotd_qdata_t *qdata, md_name_t **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	knot_rrset_t ns = knotd_qdata_zone_apex_rrset(qdata, KNOT_RRTYPE_NS);
	if (knot_rrset_empty(&ns)) {
		return 0;
	}
	md_name_t *hosts = calloc(ns.rrs.count, sizeof(*hosts));
	if (hosts == NULL) {
		return -1;
	}
	size_t n = 0;
	knot_rdata_t *rd = ns.rrs.rdata;
	for (uint16_t i = 0; i < ns.rrs.count; i++) {
		if (knot_dname_to_str(hosts[n], knot_ns_name(rd),
		                      sizeof(hosts[n])) != NULL) {
			n++;
		}
		rd = knot_rdataset_next(rd);
	}
	qsort(hosts, n, sizeof(*hosts), compare_names);
	*out = hosts;
	*count = n;
	return 0;
}

static md_nszone_t *zone_entry(md_nsset_t *s, const char *zone)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->zones[i].zone, zone) == 0) {
			return &s->zones[i];
		}
	}
	md_nszone_t *grown = realloc(s->zones, (s->count + 1) * sizeof(*grown));
	if (grown == NULL) {
		return NULL;
	}
	s->zones = grown;
	md_nszone_t *z = &s->zones[s->count++];
	memset(z, 0, sizeof(*z));
	snprintf(z->zone, sizeof(z->zone), "%s", zone);
	/* A zone never synced is "changed" even when it has no NS. */
	z->count = (size_t)-1;
	return z;
}

static int same_hosts(const md_nszone_t *z, md_name_t *hosts, size_t count)
{
	if (z->count != count) {
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		if (strcmp(z->hosts[i], hosts[i]) != 0) {
			return 0;
		}
	}
	return 1;
}

static void log_names(knotd_mod_t *mod, const char *zone, const char **hosts,
                      size_t count)
{
	char list[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < count && used < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s",
		                 i > 0 ? ", " : "", hosts[i]);
		used += n > 0 ? (size_t)n : 0;
	}
	knotd_mod_log(mod, LOG_INFO, "zone %s, NS-derived identities: %s", zone,
	              count > 0 ? list : "none");
}

/* The hosts that can be identities, in names[]; their count. An NS
 * target that is not a usable name (e.g. "weird\.label.zone." with an
 * escaped dot) is skipped and said, so one odd record cannot keep the
 * whole set, or a host removed from it, from being applied. */
static size_t usable_hosts(knotd_mod_t *mod, const char *zone, md_name_t *hosts,
                           size_t count, const char **names)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		char normal[DANCE_NAME_MAX];
		dance_error_t err;
		dance_error_clear(&err);
		if (dance_name_normalize(hosts[i], normal, &err) != DANCE_OK) {
			knotd_mod_log(mod, LOG_WARNING,
			              "zone %s, NS target '%s' skipped, it "
			              "cannot be an identity: %s",
			              zone, hosts[i], err.reason);
			continue;
		}
		names[n++] = hosts[i];
	}
	return n;
}

/* Gives hosts to the authorizer; takes ownership of hosts. When the
 * authorizer refuses the new set, the zone's NS-derived set is emptied
 * (fail closed: a host removed from the NS RRset must not stay allowed)
 * until the NS RRset changes again. */
static void hand_over(md_nszone_t *z, dance_authz_t *authz, knotd_mod_t *mod,
                      md_name_t *hosts, size_t count)
{
	const char **names = calloc(count > 0 ? count : 1, sizeof(*names));
	if (names == NULL) {
		knotd_mod_log(mod, LOG_ERR,
		              "zone %s, NS-derived identities not updated, "
		              "none allowed: out of memory",
		              z->zone);
		(void)dance_authz_set_ns(authz, z->zone, NULL, 0, NULL);
		free(hosts);
		return;
	}
	size_t usable = usable_hosts(mod, z->zone, hosts, count, names);
	dance_error_t err;
	dance_error_clear(&err);
	if (dance_authz_set_ns(authz, z->zone, names, usable, &err) ==
	    DANCE_OK) {
		log_names(mod, z->zone, names, usable);
	} else {
		knotd_mod_log(mod, LOG_ERR,
		              "zone %s, NS-derived identities not updated, "
		              "none allowed until the next change: %s",
		              z->zone, err.reason);
		(void)dance_authz_set_ns(authz, z->zone, names, 0, NULL);
	}
	free(z->hosts);
	z->hosts = hosts;
	z->count = count;
	free(names);
}

void md_nsset_sync(md_nsset_t *s, dance_authz_t *authz, knotd_mod_t *mod,
                   knotd_qdata_t *qdata, const char *zone)
{
	md_name_t *hosts = NULL;
	size_t count = 0;
	if (read_apex_hosts(qdata, &hosts, &count) != 0) {
		knotd_mod_log(mod, LOG_ERR,
		              "zone %s, NS RRset not read: out of memory",
		              zone);
		return;
	}
	pthread_mutex_lock(&s->lock);
	md_nszone_t *z = zone_entry(s, zone);
	if (z == NULL || same_hosts(z, hosts, count)) {
		free(hosts);
	} else {
		hand_over(z, authz, mod, hosts, count);
	}
	pthread_mutex_unlock(&s->lock);
}
