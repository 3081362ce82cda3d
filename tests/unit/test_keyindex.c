#include "suites.h"
void register_keyindex_suite(void)
{
}
