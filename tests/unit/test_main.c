/* test_main.c: the CUnit runner of the unit suites.
 * Usage: dance-unit [SUITE...]  (no argument: every suite). */

#include <CUnit/Basic.h>
#include <gnutls/gnutls.h>

#include "../common/cunit_run.h"

#include "suites.h"

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 2;
	}
	gnutls_global_init();
	register_decision_suite();
	register_tlsa_suite();
	register_tlsagen_suite();
	register_name_suite();
	register_match_suite();
	register_match_paths_suite();
	register_policy_suite();
	register_cache_suite();
	register_keyindex_suite();
	register_authz_suite();
	register_clientid_suite();
	register_repeat_suite();
	register_digests_suite();
	register_trust_anchor_suite();
	register_identity_suite();

	int rc = dance_cunit_run("dance-unit", argc, argv);
	gnutls_global_deinit();
	return rc;
}
