#include "suites.h"
void register_tlsagen_suite(void)
{
}
