#include "suites.h"
void register_authz_suite(void)
{
}
