#include "suites.h"
void register_name_suite(void)
{
}
