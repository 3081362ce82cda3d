#include <CUnit/CUnit.h>
void register_resolver_suite(void);
void register_resolver_suite(void)
{
}
