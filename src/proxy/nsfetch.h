/* nsfetch.h: reading the NS RRset of ns-derived zones from the backend
 * (TSIG-signed when configured) and feeding the host names to the
 * generation's authorizer with dance_authz_set_ns. One short TCP
 * connection per zone and refresh, bounded by a timeout. */
#ifndef DP_NSFETCH_H
#define DP_NSFETCH_H

#include "server.h"

/* Starts a fetch for every ns-derived zone of gen; done(s) runs once when
 * all have finished (at once when there are none). The host lists are
 * logged at level (info at start and reload, debug for the periodic
 * refresh). */
void dp_nsfetch_start(dp_server_t *s, dp_gen_t *gen, dp_level_t level,
                      void (*done)(dp_server_t *s));

#endif
