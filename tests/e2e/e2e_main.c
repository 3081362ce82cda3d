/* e2e_main.c: CUnit runner of one end-to-end suite (chosen at build time
 * by E2E_SUITE, a function registering the suite). */
#include <CUnit/Basic.h>
#include <gnutls/gnutls.h>

#include "../common/cunit_run.h"

void E2E_SUITE(void);

int main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 2;
	}
	gnutls_global_init();
	E2E_SUITE();
	int rc = dance_cunit_run(argv[0], argc, argv);
	gnutls_global_deinit();
	return rc;
}
