/* policy_proxy.h: dance policy's plan for a dance-proxy configuration
 * (parsed by the proxy's own parser, src/proxy/config.h): every zone
 * section with its allow, allow-suffix and ns-derived items, checked with
 * the resolver section's validator settings and owner template;
 * ns-derived hosts are asked from the configured backend. */
#ifndef DANCE_CLI_POLICY_PROXY_H
#define DANCE_CLI_POLICY_PROXY_H

#include "config.h"
#include "dance/error.h"
#include "policy_plan.h"

/* Every zone of cfg, or only zone (a normalised name) when not NULL.
 * EINVAL when zone is not in the configuration. The plan points into cfg,
 * which must outlive it. */
dance_code_t pp_plan_from_proxy(const dp_config_t *cfg, const char *zone,
                                pp_plan_t *out, dance_error_t *err);

#endif
