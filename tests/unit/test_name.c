/* test_name.c: name normal form, patterns, owner templates, SANs. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/name.h"
#include "fixtures.h"
#include "suites.h"

static void expect_norm(const char *in, const char *want)
{
	char out[DANCE_NAME_MAX];
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_name_normalize(in, out, &err), DANCE_OK);
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "normalize(%s) = %s, want %s (%s)\n", in, out,
		        want, err.reason);
	}
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void expect_bad(const char *in, const char *reason)
{
	char out[DANCE_NAME_MAX];
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_name_normalize(in, out, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, reason));
	if (strstr(err.reason, reason) == NULL) {
		fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err.reason,
		        reason);
	}
}

static void test_normalize_ok(void)
{
	expect_norm("ns2.example.net", "ns2.example.net");
	expect_norm("NS2.Example.NET.", "ns2.example.net");
	expect_norm("_xfr-client.ns2.example.net",
	            "_xfr-client.ns2.example.net");
	expect_norm("B\xc3\xbc"
	            "cher.Example.",
	            "xn--bcher-kva.example");
	expect_norm("xn--bcher-kva.example", "xn--bcher-kva.example");
	/* ASCII labels beside a U-label keep their leading underscore. */
	expect_norm("_xfr-client.b\xc3\xbc"
	            "cher.example",
	            "_xfr-client.xn--bcher-kva.example");
	expect_norm("localhost", "localhost");
}

static void test_normalize_bad(void)
{
	char label64[80], long_name[300];
	memset(label64, 'a', 64);
	strcpy(label64 + 64, ".example");
	for (int i = 0; i < 6; i++) {
		memcpy(long_name + i * 50,
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
		       50);
	}
	strcpy(long_name + 250, "example");
	expect_bad("", "empty name");
	expect_bad(NULL, "empty name");
	expect_bad(".", "root");
	expect_bad("a..b", "empty label");
	expect_bad(".a.b", "empty label");
	expect_bad(label64, "63");
	expect_bad(long_name, "too long");
	expect_bad("ns2 .example", "not allowed");
	expect_bad("ns2.exa$mple", "'$'");
	expect_bad("*.example.net", "'*'");
}

static void test_equal_and_patterns(void)
{
	CU_ASSERT_TRUE(dance_name_equal("NS2.example.net.", "ns2.EXAMPLE.net"));
	CU_ASSERT_FALSE(dance_name_equal("ns2.example.net", "ns3.example.net"));
	CU_ASSERT_FALSE(dance_name_equal("bad..name", "bad..name"));
	CU_ASSERT_TRUE(
	        dance_name_matches_pattern("a.sec.example", "*.sec.example"));
	CU_ASSERT_TRUE(
	        dance_name_matches_pattern("b.a.sec.example", "*.sec.example"));
	CU_ASSERT_FALSE(
	        dance_name_matches_pattern("sec.example", "*.sec.example"));
	CU_ASSERT_FALSE(
	        dance_name_matches_pattern("xsec.example", "*.sec.example"));
	CU_ASSERT_TRUE(
	        dance_name_matches_pattern("sec.example", "sec.example"));
	CU_ASSERT_TRUE(
	        dance_name_matches_pattern("a.sec.example", "sec.example"));
	CU_ASSERT_FALSE(
	        dance_name_matches_pattern("a.other.example", "sec.example"));
}

static void test_owner_templates(void)
{
	char out[DANCE_NAME_MAX];
	dance_error_t err;
	CU_ASSERT_EQUAL(
	        dance_owner_from_template(NULL, "NS2.example.net.", out, &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "_xfr-client.ns2.example.net");
	CU_ASSERT_EQUAL(dance_owner_from_template("{name}", "ns2.example.net",
	                                          out, &err),
	                DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "ns2.example.net");
	CU_ASSERT_EQUAL(
	        dance_owner_from_template("_dns.{name}", "a.b", out, &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "_dns.a.b");
	CU_ASSERT_EQUAL(
	        dance_owner_from_template("_xfr-client", "a.b", out, &err),
	        DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "exactly once"));
	CU_ASSERT_EQUAL(
	        dance_owner_from_template("{name}.{name}", "a.b", out, &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_owner_from_template(NULL, "a..b", out, &err),
	                DANCE_EINVAL);

	CU_ASSERT_EQUAL(dance_name_from_owner(NULL,
	                                      "_XFR-client.ns2.example.net.",
	                                      out, &err),
	                DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "ns2.example.net");
	CU_ASSERT_EQUAL(
	        dance_name_from_owner("{name}", "ns2.example.net", out, &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "ns2.example.net");
	CU_ASSERT_EQUAL(
	        dance_name_from_owner(NULL, "ns2.example.net", out, &err),
	        DANCE_ENOTFOUND);
	CU_ASSERT_EQUAL(dance_name_from_owner(NULL, "_xfr-client", out, &err),
	                DANCE_ENOTFOUND);
	CU_ASSERT_EQUAL(dance_name_from_owner("x{name}", "a.b", out, &err),
	                DANCE_ENOTFOUND);
}

static void test_cert_dnsnames(void)
{
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t two = {.cn = "ns2",
	                      .san_dns = {"NS2.Example.net", "bad..name",
	                                  "alt.example.net.",
	                                  "ns2.example.net"}};
	fx_cert_spec_t none = {.cn = "ns2"};
	fx_cert_t *with = fx_cert_new(key, &two, NULL, NULL);
	fx_cert_t *without = fx_cert_new(key, &none, NULL, NULL);
	dance_name_list_t list;
	dance_san_scan_t scan;
	CU_ASSERT_EQUAL(
	        dance_cert_dnsnames_scan(&with->der, &list, &scan, NULL),
	        DANCE_OK);
	CU_ASSERT_EQUAL_FATAL(list.count, 2);
	CU_ASSERT_STRING_EQUAL(list.names[0], "ns2.example.net");
	CU_ASSERT_STRING_EQUAL(list.names[1], "alt.example.net");
	CU_ASSERT_EQUAL(scan.examined, 4);
	CU_ASSERT_EQUAL(scan.ignored, 1);
	CU_ASSERT_FALSE(scan.truncated);
	CU_ASSERT_PTR_NOT_NULL(strstr(scan.why, "empty label"));
	dance_name_list_clear(&list);
	CU_ASSERT_EQUAL(list.count, 0);
	CU_ASSERT_EQUAL(dance_cert_dnsnames(&without->der, &list, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(list.count, 0);
	dance_name_list_clear(&list);
	unsigned char junk[] = {1, 2, 3};
	gnutls_datum_t bad = {junk, sizeof(junk)};
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_cert_dnsnames(&bad, &list, &err), DANCE_EINVAL);
	fx_cert_free(with);
	fx_cert_free(without);
	fx_key_free(key);
}

/* A dNSName is used as its octets say: never IDNA-mapped, anything but
 * letters, digits, '-', '_' and dots between labels refused. */
static void test_cert_dnsname_octets(void)
{
	static const char *const refused[] = {
	        "\xef\xbd\x8e\xef\xbd\x93"
	        "2.example", /* fullwidth */
	        "ns\xe2\x80\x8b"
	        "2.example", /* ZWSP */
	        "ns2\xe3\x80\x82"
	        "example",             /* U+3002 */
	        "ns2\xc2\xad.example", /* soft hyphen */
	        "\xe2\x84\xaa"
	        "ey.example", /* Kelvin */
	        "xn--nxasmq6b.example\xff",
	        "*.example",
	        "a b.example",
	        "ns2..example",
	        ".ns2.example",
	        "ns2.example..",
	        "",
	        ".",
	        "a/b.example",
	        "ns2.example:53",
	};
	char out[DANCE_NAME_MAX];
	dance_error_t err;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *n = refused[i];
		CU_ASSERT_EQUAL(dance_cert_dnsname((const unsigned char *)n,
		                                   strlen(n), out, &err),
		                DANCE_EINVAL);
	}
	const unsigned char nul[] = "ns2.example\0.evil";
	CU_ASSERT_EQUAL(dance_cert_dnsname(nul, sizeof(nul) - 1, out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "NUL"));
	const char *ok = "_XFR-client.NS2.xn--bcher-kva.example.";
	CU_ASSERT_EQUAL(dance_cert_dnsname((const unsigned char *)ok,
	                                   strlen(ok), out, &err),
	                DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "_xfr-client.ns2.xn--bcher-kva.example");
	char label[80];
	memset(label, 'a', 64);
	memcpy(label + 64, ".example", 9);
	CU_ASSERT_EQUAL(dance_cert_dnsname((const unsigned char *)label,
	                                   strlen(label), out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_TRUE(dance_cert_name_equal("ns2.example", "NS2.Example."));
	CU_ASSERT_TRUE(dance_cert_name_equal("ns2.example.", "ns2.example"));
	CU_ASSERT_FALSE(dance_cert_name_equal("ns2.example", "ns2.example.."));
	CU_ASSERT_FALSE(dance_cert_name_equal("ns2.example", "ns3.example"));
	CU_ASSERT_FALSE(dance_cert_name_equal("", "."));
	/* No IDNA on either side. */
	CU_ASSERT_FALSE(dance_cert_name_equal("xn--bcher-kva.example",
	                                      "b\xc3\xbc"
	                                      "cher.example"));
	CU_ASSERT_FALSE(dance_cert_name_equal("key.example", "\xe2\x84\xaa"
	                                                     "ey.example"));
}

/* Only the first DANCE_CERT_SAN_MAX entries of a certificate are read,
 * however many it carries (WEAK-6). */
static void test_cert_dnsnames_capped(void)
{
	enum { MANY = 2000 };
	static char text[MANY][32];
	static gnutls_datum_t names[MANY];
	for (size_t i = 0; i < MANY; i++) {
		int n = snprintf(text[i], sizeof(text[i]), "h%04zu.example", i);
		names[i].data = (unsigned char *)text[i];
		names[i].size = (unsigned)n;
	}
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t spec = {
	        .cn = "many", .san_octets = names, .san_octet_count = MANY};
	fx_cert_t *many = fx_cert_new(key, &spec, NULL, NULL);
	dance_name_list_t list;
	dance_san_scan_t scan;
	CU_ASSERT_EQUAL(
	        dance_cert_dnsnames_scan(&many->der, &list, &scan, NULL),
	        DANCE_OK);
	CU_ASSERT_EQUAL(scan.examined, DANCE_CERT_SAN_MAX);
	CU_ASSERT_TRUE(scan.truncated);
	CU_ASSERT_EQUAL(scan.ignored, 0);
	CU_ASSERT_EQUAL_FATAL(list.count, DANCE_CERT_SAN_MAX);
	CU_ASSERT_STRING_EQUAL(list.names[0], "h0000.example");
	CU_ASSERT_STRING_EQUAL(list.names[DANCE_CERT_SAN_MAX - 1],
	                       "h0063.example");
	dance_name_list_clear(&list);
	fx_cert_free(many);
	fx_key_free(key);
}

/* A service TLSA owner (_PORT._PROTO.host) is never a client identity,
 * whatever the template (WEAK-8). */
static void test_service_owners(void)
{
	char out[DANCE_NAME_MAX];
	dance_error_t err;
	CU_ASSERT_TRUE(dance_owner_is_service("_443._tcp.www.example"));
	CU_ASSERT_TRUE(dance_owner_is_service("_853._udp.ns1.example"));
	CU_ASSERT_TRUE(dance_owner_is_service("_0._sctp"));
	CU_ASSERT_TRUE(dance_owner_is_service("_25._TCP.mx.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("_xfr-client.ns2.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("_xfr-client._443._tcp.x"));
	CU_ASSERT_FALSE(dance_owner_is_service("_443.www.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("_443._.www.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("_44x._tcp.www.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("443._tcp.www.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("_._tcp.www.example"));
	CU_ASSERT_FALSE(dance_owner_is_service("www._443._tcp.example"));
	CU_ASSERT_EQUAL(dance_owner_from_template(
	                        "{name}", "_443._tcp.www.example", out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "service"));
	CU_ASSERT_EQUAL(dance_owner_from_template("_853._tcp.{name}",
	                                          "client.example", out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_owner_from_template(
	                        "_443.{name}", "_tcp.www.example", out, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_name_from_owner("{name}", "_443._tcp.www.example",
	                                      out, &err),
	                DANCE_ENOTFOUND);
	CU_ASSERT_TRUE(
	        dance_template_owner_is_service("{name}.x", "_1._tcp.www"));
	CU_ASSERT_FALSE(dance_template_owner_is_service(NULL, "_1._tcp.www"));
	/* The default template puts _xfr-client first: never a service. */
	CU_ASSERT_EQUAL(dance_owner_from_template(NULL, "_443._tcp.www.example",
	                                          out, &err),
	                DANCE_OK);
	CU_ASSERT_STRING_EQUAL(out, "_xfr-client._443._tcp.www.example");
}

void register_name_suite(void)
{
	CU_pSuite s = CU_add_suite("name", NULL, NULL);
	CU_add_test(s, "normalise: case, trailing dot, IDN", test_normalize_ok);
	CU_add_test(s, "normalise: invalid names", test_normalize_bad);
	CU_add_test(s, "equality and suffix patterns", test_equal_and_patterns);
	CU_add_test(s, "owner templates both ways", test_owner_templates);
	CU_add_test(s, "SAN dNSNames of a certificate", test_cert_dnsnames);
	CU_add_test(s, "dNSName octets: no IDNA mapping",
	            test_cert_dnsname_octets);
	CU_add_test(s, "SAN entries read are capped",
	            test_cert_dnsnames_capped);
	CU_add_test(s, "service TLSA owners", test_service_owners);
}
