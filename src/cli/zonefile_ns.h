/* zonefile_ns.h: the apex NS RRset of a zone file (libzscanner): the
 * hosts ns-derived policy allows. */
#ifndef DANCE_CLI_ZONEFILE_NS_H
#define DANCE_CLI_ZONEFILE_NS_H

#include "dance/error.h"
#include "dance/name.h"

/* Normalised NS targets at the apex of zone (normalised) in path. EIO
 * when the file cannot be read, EINVAL when it does not parse. */
dance_code_t cli_zonefile_apex_ns(const char *path, const char *zone,
                                  dance_name_list_t *out, dance_error_t *err);

#endif
