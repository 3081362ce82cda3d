/* test_main.c: the CUnit runner of the unit suites.
 * Usage: dance-unit [SUITE...]  (no argument: every suite). */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <gnutls/gnutls.h>

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
	register_policy_suite();
	register_cache_suite();
	register_keyindex_suite();
	register_authz_suite();
	register_clientid_suite();

	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			CU_pSuite suite = CU_get_suite(argv[i]);
			if (suite == NULL) {
				fprintf(stderr, "dance-unit: no suite %s\n",
				        argv[i]);
				CU_cleanup_registry();
				return 2;
			}
			CU_basic_run_suite(suite);
		}
	} else {
		CU_basic_run_tests();
	}
	unsigned failed =
	        CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	gnutls_global_deinit();
	if (ran == 0) {
		fprintf(stderr, "dance-unit: no test ran\n");
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
