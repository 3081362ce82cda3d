#include "suites.h"
void register_match_suite(void)
{
}
