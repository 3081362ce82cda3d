#include "suites.h"
void register_tlsa_suite(void)
{
}
