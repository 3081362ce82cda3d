#include "suites.h"
void register_policy_suite(void)
{
}
