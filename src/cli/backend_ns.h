/* backend_ns.h: the NS RRset of a zone asked from a dance-proxy
 * configuration's backend, as dance-proxy itself asks it for ns-derived
 * zones (its query, PROXY v2 header and TSIG code from src/proxy): one
 * TCP connection, one query, bounded by a deadline. */
#ifndef DANCE_CLI_BACKEND_NS_H
#define DANCE_CLI_BACKEND_NS_H

#include "config.h"
#include "dance/error.h"
#include "dance/name.h"

/* Normalised NS targets of zone (normalised) from cfg's backend, waiting
 * at most timeout_ms in all (reasons do not name the backend). EIO when
 * the backend cannot be reached or does not answer in time, EDNS for an
 * error RCODE, EINVAL for an answer that is not to the query, does not
 * parse or fails TSIG verification. */
dance_code_t cli_backend_apex_ns(const dp_config_t *cfg, const char *zone,
                                 unsigned timeout_ms, dance_name_list_t *out,
                                 dance_error_t *err);

#endif
