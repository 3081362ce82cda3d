/* loadlog.h: the one line mod-dance logs when an instance loads.
 *
 *   loaded (built for Knot 3.4.6, module ABI 600): resolver stub
 *   127.0.0.1@5300, trust anchors /etc/knot/ta.key, identities
 *   ns2.example.net (1), suffixes *.sec.example.net (1), ns-derived on,
 *   clientid on (type 65498), non-tls deny
 *
 * so an operator sees, before the first transfer, what the instance
 * will check and against which validator. Lists are shortened to the
 * first few names with the total count.
 */
#ifndef MOD_DANCE_LOADLOG_H
#define MOD_DANCE_LOADLOG_H

#include <stddef.h>

#include <knot/module.h>

#include <dance/authz.h>
#include <dance/policy.h>

#include "config.h"

/* The Knot version and module ABI this module was compiled for. */
const char *md_built_for(void);

/* Formats the load line into out (always terminated). */
void md_loadlog_format(const dance_authz_config_t *cfg,
                       const dance_policy_t *policy,
                       const md_settings_t *settings, char *out, size_t size);

#endif
