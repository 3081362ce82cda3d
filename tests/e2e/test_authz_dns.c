#include <CUnit/CUnit.h>
void register_authz_dns_suite(void);
void register_authz_dns_suite(void)
{
}
