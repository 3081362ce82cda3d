/* test_policy.c: per-zone identity rules (names, suffixes, NS-derived,
 * the "*" zone), normalisation and invalid input. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/policy.h"
#include "suites.h"

static dance_policy_zone_t *add_zone(dance_policy_t *p, const char *zone)
{
	dance_policy_zone_t *z = NULL;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(p, zone, &z, &err), DANCE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	return z;
}

static void test_zone_normalised_and_reused(void)
{
	dance_policy_t p;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "Example.COM.");
	CU_ASSERT_STRING_EQUAL(z->zone, "example.com");
	CU_ASSERT_EQUAL(z->ns_derived, 0);
	dance_policy_zone_t *again = add_zone(&p, "example.com");
	CU_ASSERT_PTR_EQUAL(again, z);
	CU_ASSERT_EQUAL(p.count, 1);
	add_zone(&p, "example.org");
	CU_ASSERT_EQUAL(p.count, 2);
	dance_policy_clear(&p);
	CU_ASSERT_EQUAL(p.count, 0);
	CU_ASSERT_PTR_NULL(p.zones);
}

static void test_zone_invalid(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_zone_t *z = NULL;
	dance_policy_init(&p);
	CU_ASSERT_EQUAL(dance_policy_zone(&p, "bad..name", &z, &err),
	                DANCE_EINVAL);
	CU_ASSERT_NOT_EQUAL(err.reason[0], '\0');
	CU_ASSERT_EQUAL(dance_policy_zone(&p, "", &z, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_zone(&p, NULL, &z, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(p.count, 0);
	dance_policy_clear(&p);
}

static void test_any_zone(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	CU_ASSERT_PTR_NULL(dance_policy_lookup(&p, "example.com"));
	dance_policy_zone_t *own = add_zone(&p, "example.com");
	CU_ASSERT_EQUAL(dance_policy_allow_name(own, "ns2.example.net", &err),
	                DANCE_OK);
	CU_ASSERT_PTR_NULL(dance_policy_lookup(&p, "other.org"));
	dance_policy_zone_t *any = add_zone(&p, "*");
	CU_ASSERT_STRING_EQUAL(any->zone, "*");
	CU_ASSERT_EQUAL(dance_policy_allow_name(any, "ns9.example.net", &err),
	                DANCE_OK);
	const dance_policy_zone_t *z = dance_policy_lookup(&p, "other.org");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_STRING_EQUAL(z->zone, "*");
	z = dance_policy_lookup(&p, "EXAMPLE.com.");
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_STRING_EQUAL(z->zone, "example.com");
	/* The zone's own entry wins; "*" names do not add to it. */
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns9.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_PTR_NULL(dance_policy_lookup(&p, "bad..zone"));
	CU_ASSERT_PTR_NULL(dance_policy_lookup(&p, NULL));
	CU_ASSERT_PTR_NULL(dance_policy_lookup(NULL, "example.com"));
	dance_policy_clear(&p);
}

static void test_explicit_names(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "example.com");
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, "NS2.Example.NET.", &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, "ns2.example.net", &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(z->names.count, 1);
	CU_ASSERT_STRING_EQUAL(z->names.names[0], "ns2.example.net");
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns2.example.net"),
	                DANCE_RULE_NAME);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns3.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "x.ns2.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(z, ""), DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(z, NULL), DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(NULL, "ns2.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, "bad name", &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, NULL, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(z->names.count, 1);
	dance_policy_clear(&p);
}

static void test_suffix_rules(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "example.com");
	CU_ASSERT_EQUAL(
	        dance_policy_allow_suffix(z, "*.Secondaries.Example.NET", &err),
	        DANCE_OK);
	CU_ASSERT_EQUAL(z->suffixes.count, 1);
	CU_ASSERT_STRING_EQUAL(z->suffixes.names[0],
	                       "*.secondaries.example.net");
	CU_ASSERT_EQUAL(dance_policy_allows(z, "a.secondaries.example.net"),
	                DANCE_RULE_SUFFIX);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "b.a.secondaries.example.net"),
	                DANCE_RULE_SUFFIX);
	/* Strictly under: the suffix itself is not allowed. */
	CU_ASSERT_EQUAL(dance_policy_allows(z, "secondaries.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "xsecondaries.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(
	        dance_policy_allow_suffix(z, "secondaries.example.net", &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*secondaries.net", &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*.", &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*.bad..name", &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, NULL, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(z->suffixes.count, 1);
	dance_policy_clear(&p);
}

static void test_ns_derived(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "example.com");
	const char *ns[] = {"NS1.example.net.", "ns2.example.net",
	                    "ns1.example.net"};
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, ns, 3, &err), DANCE_OK);
	CU_ASSERT_EQUAL(z->ns_names.count, 2);
	/* Off until ns_derived is set. */
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns1.example.net"),
	                DANCE_RULE_NONE);
	z->ns_derived = 1;
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns1.example.net"),
	                DANCE_RULE_NS);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns2.example.net"),
	                DANCE_RULE_NS);
	/* Replacing drops the old hosts. */
	const char *fresh[] = {"ns3.example.net"};
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, fresh, 1, &err), DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns1.example.net"),
	                DANCE_RULE_NONE);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns3.example.net"),
	                DANCE_RULE_NS);
	/* An invalid list leaves the current one. */
	const char *bad[] = {"ns4.example.net", "bad..name"};
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, bad, 2, &err), DANCE_EINVAL);
	const char *with_null[] = {NULL};
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, with_null, 1, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, NULL, 1, &err), DANCE_EINVAL);
	CU_ASSERT_EQUAL(z->ns_names.count, 1);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns4.example.net"),
	                DANCE_RULE_NONE);
	/* An empty list empties it. */
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, NULL, 0, &err), DANCE_OK);
	CU_ASSERT_EQUAL(z->ns_names.count, 0);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns3.example.net"),
	                DANCE_RULE_NONE);
	dance_policy_clear(&p);
}

static void test_rule_precedence_and_names(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "example.com");
	z->ns_derived = 1;
	const char *ns[] = {"ns2.sec.example.net"};
	CU_ASSERT_EQUAL(dance_policy_set_ns(z, ns, 1, &err), DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allow_suffix(z, "*.sec.example.net", &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns2.sec.example.net"),
	                DANCE_RULE_SUFFIX);
	CU_ASSERT_EQUAL(dance_policy_allow_name(z, "ns2.sec.example.net", &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns2.sec.example.net"),
	                DANCE_RULE_NAME);
	CU_ASSERT_STRING_EQUAL(dance_allow_rule_name(DANCE_RULE_NONE), "none");
	CU_ASSERT_STRING_EQUAL(dance_allow_rule_name(DANCE_RULE_NAME), "name");
	CU_ASSERT_STRING_EQUAL(dance_allow_rule_name(DANCE_RULE_SUFFIX),
	                       "suffix");
	CU_ASSERT_STRING_EQUAL(dance_allow_rule_name(DANCE_RULE_NS), "ns");
	CU_ASSERT_STRING_EQUAL(dance_allow_rule_name((dance_allow_rule_t)42),
	                       "invalid");
	dance_policy_clear(&p);
	dance_policy_clear(NULL);
}

static void test_idna_names(void)
{
	dance_policy_t p;
	dance_error_t err;
	dance_policy_init(&p);
	dance_policy_zone_t *z = add_zone(&p, "example.com");
	CU_ASSERT_EQUAL(dance_policy_allow_name(z,
	                                        "ns.b\xc3\xbc"
	                                        "cher.example",
	                                        &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_policy_allows(z, "ns.xn--bcher-kva.example"),
	                DANCE_RULE_NAME);
	dance_policy_clear(&p);
}

void register_policy_suite(void)
{
	CU_pSuite s = CU_add_suite("policy", NULL, NULL);
	CU_add_test(s, "zone normalised and reused",
	            test_zone_normalised_and_reused);
	CU_add_test(s, "invalid zone names", test_zone_invalid);
	CU_add_test(s, "\"*\" zone fallback", test_any_zone);
	CU_add_test(s, "explicit names", test_explicit_names);
	CU_add_test(s, "suffix rules", test_suffix_rules);
	CU_add_test(s, "NS-derived names", test_ns_derived);
	CU_add_test(s, "rule precedence and names",
	            test_rule_precedence_and_names);
	CU_add_test(s, "IDNA names", test_idna_names);
}
