/* report.h: what an operator sees of a decision.
 *
 * One log line per decision through knotd's log (Knot prefixes the zone
 * and the module), in libdance's shape:
 *   zone Z, peer ADDR@PORT, identity I|unknown: allowed|denied (code): detail
 * and statistics counters through knotd's module statistics
 * (`knotc stats mod-dance`):
 *   decisions[<reason code>]  one per decision, by reason
 *   non-tls-passed           non-TLS transfers left to Knot's ACL
 */
#ifndef MOD_DANCE_REPORT_H
#define MOD_DANCE_REPORT_H

#include <knot/module.h>

#include <dance/decision.h>

/* Registers the counters (at load). Returns a KNOT_E* code. */
int md_report_init(knotd_mod_t *mod);

void md_report_decision(knotd_mod_t *mod, int priority, unsigned thread_id,
                        const dance_decision_t *d, const char *zone,
                        const char *peer);

void md_report_non_tls_pass(knotd_mod_t *mod, unsigned thread_id,
                            const char *zone, const char *peer,
                            const char *transport);

#endif
