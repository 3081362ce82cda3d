/* report.c: decision log lines and statistics counters. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

enum {
	CTR_DECISIONS = 0, /* registration order is the counter id */
	CTR_NON_TLS_PASSED = 1,
};

static char *reason_counter_name(uint32_t idx, uint32_t count)
{
	(void)count;
	return strdup(dance_reason_code((dance_reason_t)idx));
}

int md_report_init(knotd_mod_t *mod)
{
	int ret = knotd_mod_stats_add(mod, "decisions", DANCE_REASON_COUNT,
	                              reason_counter_name);
	if (ret == KNOT_EOK) {
		ret = knotd_mod_stats_add(mod, "non-tls-passed", 1, NULL);
	}
	return ret;
}

void md_report_decision(knotd_mod_t *mod, int priority, unsigned thread_id,
                        const dance_decision_t *d, const char *zone,
                        const char *peer)
{
	char line[DANCE_NAME_MAX * 2 + DANCE_REASON_MAX + 128];
	dance_decision_format(d, zone, peer, line, sizeof(line));
	knotd_mod_log(mod, priority, "%s", line);
	if ((unsigned)d->reason < DANCE_REASON_COUNT) {
		knotd_mod_stats_incr(mod, thread_id, CTR_DECISIONS,
		                     (uint32_t)d->reason, 1);
	}
}

void md_report_non_tls_pass(knotd_mod_t *mod, unsigned thread_id,
                            const char *zone, const char *peer,
                            const char *transport)
{
	knotd_mod_log(mod, LOG_DEBUG,
	              "zone %s, peer %s: %s transfer left to Knot's ACL "
	              "(non-tls: pass)",
	              zone, peer, transport);
	knotd_mod_stats_incr(mod, thread_id, CTR_NON_TLS_PASSED, 0, 1);
}
