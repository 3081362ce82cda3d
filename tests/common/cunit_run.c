/* cunit_run.c: see cunit_run.h. */
#include "cunit_run.h"

#include <stdio.h>

#include <CUnit/Basic.h>

int dance_cunit_run(const char *prog, int argc, char **argv)
{
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			CU_pSuite suite = CU_get_suite(argv[i]);
			if (suite == NULL) {
				fprintf(stderr, "%s: no suite %s\n", prog,
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
	if (ran == 0) {
		fprintf(stderr, "%s: no test ran\n", prog);
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
