#include "suites.h"
void register_cache_suite(void)
{
}
