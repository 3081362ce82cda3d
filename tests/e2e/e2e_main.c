/* e2e_main.c: CUnit runner of one end-to-end suite (chosen at build time
 * by E2E_SUITE, a function registering the suite). */
#include <stdio.h>

#include <CUnit/Basic.h>
#include <gnutls/gnutls.h>

void E2E_SUITE(void);

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 2;
	}
	gnutls_global_init();
	E2E_SUITE();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed =
	        CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	gnutls_global_deinit();
	if (ran == 0) {
		fprintf(stderr, "no test ran\n");
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
