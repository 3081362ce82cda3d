/* test_config.c: the configuration parser: every item, defaults, quoting
 * and comments, and errors with their line numbers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "config.h"
#include "suites.h"

static dp_config_t *parse_ok(const char *text)
{
	dp_diag_t diag;
	dp_diag_init(&diag);
	dp_config_t *cfg = NULL;
	dance_code_t rc = dp_config_parse_buffer(text, strlen(text), "t.conf",
	                                         &cfg, &diag);
	for (size_t i = 0; i < diag.count; i++) {
		fprintf(stderr, "unexpected: %s\n", diag.lines[i]);
	}
	CU_ASSERT_EQUAL(rc, DANCE_OK);
	CU_ASSERT_EQUAL(diag.count, 0);
	dp_diag_free(&diag);
	return cfg;
}

/* Parses text that must fail; returns 1 when some diag line is exactly
 * expect (and 0 otherwise, printing what came). */
static int parse_fails_with(const char *text, const char *expect)
{
	dp_diag_t diag;
	dp_diag_init(&diag);
	dp_config_t *cfg = NULL;
	dance_code_t rc = dp_config_parse_buffer(text, strlen(text), "t.conf",
	                                         &cfg, &diag);
	CU_ASSERT_EQUAL(rc, DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(cfg);
	int found = 0;
	for (size_t i = 0; i < diag.count; i++) {
		if (strcmp(diag.lines[i], expect) == 0) {
			found = 1;
		}
	}
	if (!found) {
		fprintf(stderr, "\nwanted: %s\n", expect);
		for (size_t i = 0; i < diag.count; i++) {
			fprintf(stderr, "got:    %s\n", diag.lines[i]);
		}
	}
	dp_config_free(cfg);
	dp_diag_free(&diag);
	return found;
}

#define MINIMAL                                                                \
	"server:\n"                                                            \
	"  listen: 127.0.0.1@8853\n"                                           \
	"  cert-file: /c.pem\n"                                                \
	"  key-file: /k.pem\n"                                                 \
	"  backend: 127.0.0.1@5300\n"                                          \
	"zone:\n"                                                              \
	"  name: example.test\n"                                               \
	"  allow: ns2.example.net\n"

static const char full[] = "# every item\n"
                           "server:\n"
                           "    listen: 127.0.0.1@8853   # first\n"
                           "    listen: ::1\n"
                           "    cert-file: \"/etc/p/server.pem\"\n"
                           "    key-file: '/etc/p/server.key'\n"
                           "    backend: 127.0.0.2@5300\n"
                           "    backend-tsig: hmac-sha256:proxy-key:c2VjcmV0\n"
                           "    backend-proxy-protocol: yes\n"
                           "    max-connections: 77\n"
                           "    max-connections-per-ip: 5\n"
                           "    per-ip-ipv4-prefix: 24\n"
                           "    per-ip-ipv6-prefix: 48\n"
                           "    max-refusals-unauthorized: 7\n"
                           "    ede-reason-text: yes\n"
                           "    handshake-timeout: 1200\n"
                           "    idle-timeout: 4000\n"
                           "    max-message-size: 1024\n"
                           "    stats-listen: 127.0.0.1\n"
                           "    log-level: debug\n"
                           "    clientid: no\n"
                           "    clientid-type: 65400\n"
                           "\n"
                           "resolver:\n"
                           "    mode: stub\n"
                           "    server: 127.0.0.1@5353\n"
                           "    server: ::1\n"
                           "    stub-zone: Dance.Test.\n"
                           "    trust-anchor-file: /ta.key\n"
                           "    lookup-timeout: 900\n"
                           "    cache-max-ttl: 60\n"
                           "    cache-max-entries: 12\n"
                           "    owner-template: _xot.{name}\n"
                           "zone:\n"
                           "    name: Example.TEST.\n"
                           "    allow: ns2.good.dance.test\n"
                           "    allow: NS3.good.dance.test\n"
                           "    allow-suffix: *.sec.dance.test\n"
                           "zone:\n"
                           "    name: other.test\n"
                           "    ns-derived: yes\n";

static void test_every_item(void)
{
	dp_config_t *c = parse_ok(full);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->listen_count, 2);
	CU_ASSERT_STRING_EQUAL(c->listen[0].text, "127.0.0.1@8853");
	CU_ASSERT_STRING_EQUAL(c->listen[1].text, "::1@853");
	CU_ASSERT_EQUAL(c->listen[1].ss.ss_family, AF_INET6);
	CU_ASSERT_STRING_EQUAL(c->cert_file, "/etc/p/server.pem");
	CU_ASSERT_EQUAL(c->cert_line, 5);
	CU_ASSERT_STRING_EQUAL(c->key_file, "/etc/p/server.key");
	CU_ASSERT_STRING_EQUAL(c->backend.text, "127.0.0.2@5300");
	const struct sockaddr_in *b =
	        (const struct sockaddr_in *)&c->backend.ss;
	CU_ASSERT_EQUAL(ntohs(b->sin_port), 5300);
	CU_ASSERT_STRING_EQUAL(c->backend_tsig,
	                       "hmac-sha256:proxy-key:c2VjcmV0");
	CU_ASSERT_EQUAL(c->proxy_protocol, 1);
	CU_ASSERT_EQUAL(c->max_connections, 77);
	CU_ASSERT_EQUAL(c->max_per_ip, 5);
	CU_ASSERT_EQUAL(c->per_ip_v4_prefix, 24);
	CU_ASSERT_EQUAL(c->per_ip_v6_prefix, 48);
	CU_ASSERT_EQUAL(c->max_refusals, 7);
	CU_ASSERT_EQUAL(c->ede_reason_text, 1);
	CU_ASSERT_EQUAL(c->handshake_timeout_ms, 1200);
	CU_ASSERT_EQUAL(c->idle_timeout_ms, 4000);
	CU_ASSERT_EQUAL(c->max_message_size, 1024);
	CU_ASSERT_EQUAL(c->has_stats, 1);
	CU_ASSERT_STRING_EQUAL(c->stats_listen.text, "127.0.0.1@8530");
	CU_ASSERT_EQUAL(c->log_level, DP_LOG_DEBUG);
	CU_ASSERT_EQUAL(c->clientid, 0);
	CU_ASSERT_EQUAL(c->clientid_type, 65400);
	CU_ASSERT_EQUAL(c->mode, DANCE_RESOLVE_STUB);
	CU_ASSERT_EQUAL_FATAL(c->server_count, 2);
	CU_ASSERT_STRING_EQUAL(c->servers[0], "127.0.0.1@5353");
	CU_ASSERT_STRING_EQUAL(c->servers[1], "::1@53");
	CU_ASSERT_EQUAL_FATAL(c->stub_zone_count, 1);
	CU_ASSERT_STRING_EQUAL(c->stub_zones[0], "dance.test");
	CU_ASSERT_STRING_EQUAL(c->trust_anchor_file, "/ta.key");
	CU_ASSERT_EQUAL(c->lookup_timeout_ms, 900);
	CU_ASSERT_EQUAL(c->cache_max_ttl, 60);
	CU_ASSERT_EQUAL(c->cache_max_entries, 12);
	CU_ASSERT_STRING_EQUAL(c->owner_template, "_xot.{name}");
	CU_ASSERT_EQUAL_FATAL(c->zone_count, 2);
	CU_ASSERT_STRING_EQUAL(c->zones[0].name, "example.test");
	CU_ASSERT_EQUAL_FATAL(c->zones[0].allow_count, 2);
	CU_ASSERT_STRING_EQUAL(c->zones[0].allow[1], "ns3.good.dance.test");
	CU_ASSERT_EQUAL_FATAL(c->zones[0].suffix_count, 1);
	CU_ASSERT_STRING_EQUAL(c->zones[0].suffix[0], "*.sec.dance.test");
	CU_ASSERT_EQUAL(c->zones[0].ns_derived, 0);
	CU_ASSERT_EQUAL(c->zones[1].ns_derived, 1);
	CU_ASSERT_PTR_NOT_NULL(dp_config_zone(c, "other.test"));
	CU_ASSERT_PTR_NULL(dp_config_zone(c, "nothere.test"));
	dp_config_free(c);
}

static void test_defaults(void)
{
	dp_config_t *c = parse_ok(MINIMAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->max_connections, 1000);
	CU_ASSERT_EQUAL(c->max_per_ip, 32);
	CU_ASSERT_EQUAL(c->per_ip_v4_prefix, 32);
	CU_ASSERT_EQUAL(c->per_ip_v6_prefix, 64);
	CU_ASSERT_EQUAL(c->max_refusals, 3);
	CU_ASSERT_EQUAL(c->ede_reason_text, 0);
	CU_ASSERT_EQUAL(c->handshake_timeout_ms, 5000);
	CU_ASSERT_EQUAL(c->idle_timeout_ms, 30000);
	CU_ASSERT_EQUAL(c->max_message_size, 65535);
	CU_ASSERT_EQUAL(c->log_level, DP_LOG_INFO);
	CU_ASSERT_EQUAL(c->mode, DANCE_RESOLVE_RECURSE);
	CU_ASSERT_EQUAL(c->lookup_timeout_ms, 1500);
	CU_ASSERT_EQUAL(c->proxy_protocol, 0);
	CU_ASSERT_EQUAL(c->has_stats, 0);
	CU_ASSERT_EQUAL(c->clientid, 1);
	CU_ASSERT_EQUAL(c->clientid_type, 0xFFDA);
	CU_ASSERT_PTR_NULL(c->backend_tsig);
	CU_ASSERT_PTR_NULL(c->owner_template);
	dp_config_free(c);
	/* A file without a final newline, CRLF lines. */
	const char crlf[] =
	        "server:\r\n listen: 127.0.0.1\r\n cert-file: /c\r\n"
	        " key-file: /k\r\n backend: ::1@53\r\nzone:\r\n"
	        " name: a.test\r\n ns-derived: on";
	c = parse_ok(crlf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->listen[0].text, "127.0.0.1@853");
	CU_ASSERT_EQUAL(c->zones[0].ns_derived, 1);
	dp_config_free(c);
}

static void test_value_errors(void)
{
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  max-connections: 0\n",
	        "t.conf:10: max-connections: expected an integer from 1 to "
	        "1000000, not \"0\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  idle-timeout: 12x\n",
	        "t.conf:10: idle-timeout: expected an integer from 100 to "
	        "86400000, not \"12x\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  listen: 127.0.0.1@99999\n",
	        "t.conf:10: listen: expected an IP address with an optional "
	        "@port (e.g. 127.0.0.1@853), not \"127.0.0.1@99999\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  backend: 192.0.2.1@53\n",
	        "t.conf:10: backend: must be a loopback address (127.0.0.0/8 "
	        "or ::1): queries travel to it in plain TCP"));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  backend-tsig: nosecret\n",
	        "t.conf:10: backend-tsig: expected [algorithm:]name:base64-"
	        "secret, e.g. hmac-sha256:proxy-key:c2VjcmV0"));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  backend-proxy-protocol: maybe\n",
	        "t.conf:10: backend-proxy-protocol: expected yes or no, not "
	        "\"maybe\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  per-ip-ipv6-prefix: 129\n",
	        "t.conf:10: per-ip-ipv6-prefix: expected an integer from 16 to "
	        "128, not \"129\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  per-ip-ipv4-prefix: 4\n",
	        "t.conf:10: per-ip-ipv4-prefix: expected an integer from 8 to "
	        "32, not \"4\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  max-refusals-unauthorized: 0\n",
	        "t.conf:10: max-refusals-unauthorized: expected an integer "
	        "from 1 to 1000000, not \"0\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  ede-reason-text: sometimes\n",
	        "t.conf:10: ede-reason-text: expected yes or no, not "
	        "\"sometimes\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  log-level: loud\n",
	        "t.conf:10: log-level: expected error, warning, notice, info "
	        "or debug, not \"loud\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "server:\n  clientid-type: 80\n",
	        "t.conf:10: clientid-type: expected an integer from 65280 to "
	        "65535, not \"80\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "resolver:\n  mode: magic\n",
	        "t.conf:10: mode: expected recurse, forward, stub or ad, not "
	        "\"magic\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "resolver:\n  owner-template: _x.nothing\n",
	        "t.conf:10: owner-template: must hold \"{name}\" once and give "
	        "a valid name, e.g. \"_xfr-client.{name}\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "zone:\n  name: b.test\n  allow-suffix: sec.test\n",
	        "t.conf:11: allow-suffix: expected a pattern like "
	        "\"*.secondaries.example.net\", not \"sec.test\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "zone:\n  name: b..test\n  allow: x.test\n",
	        "t.conf:10: name: not a valid zone name: \"b..test\""));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "zone:\n  name: example.test.\n  allow: x.test\n",
	        "t.conf:10: name: zone example.test is configured twice"));
	CU_ASSERT(parse_fails_with(MINIMAL
	                           "server:\n  cert-file: \"/unterminated\n",
	                           "t.conf:10: cert-file: unterminated quote"));
}

static void test_structure_errors(void)
{
	CU_ASSERT(parse_fails_with(MINIMAL "server:\n  lisen: 127.0.0.1\n",
	                           "t.conf:10: lisen: unknown item in section "
	                           "server"));
	CU_ASSERT(parse_fails_with(MINIMAL "servers:\n",
	                           "t.conf:9: servers: unknown section "
	                           "(expected server:, resolver: or zone:)"));
	CU_ASSERT(parse_fails_with("listen: 127.0.0.1\n" MINIMAL,
	                           "t.conf:1: listen: item outside a section "
	                           "(server:, resolver: or zone:)"));
	CU_ASSERT(parse_fails_with(MINIMAL "just words\n",
	                           "t.conf:9: expected \"key: value\" or "
	                           "\"section:\""));
	CU_ASSERT(parse_fails_with(MINIMAL "zone:\n  allow: x.test\n",
	                           "t.conf:9: name: missing in this zone "
	                           "section"));
	CU_ASSERT(parse_fails_with(MINIMAL "zone:\n  name: c.test\n",
	                           "t.conf:9: zone: c.test has no allow, "
	                           "allow-suffix or ns-derived: yes: nobody "
	                           "could transfer it"));
	CU_ASSERT(parse_fails_with("server:\n  listen: 127.0.0.1\n",
	                           "t.conf:0: cert-file: missing: the server "
	                           "certificate is needed"));
	CU_ASSERT(parse_fails_with("server:\n  listen: 127.0.0.1\n",
	                           "t.conf:0: backend: missing: the primary's "
	                           "loopback address is needed"));
	CU_ASSERT(parse_fails_with("", "t.conf:0: zone: no zone section: "
	                               "nothing could be transferred"));
	CU_ASSERT(parse_fails_with(MINIMAL "resolver:\n  mode: stub\n",
	                           "t.conf:0: server: resolver modes forward, "
	                           "stub and ad need at least one server"));
	CU_ASSERT(parse_fails_with(
	        MINIMAL "resolver:\n  mode: ad\n  server: 192.0.2.53\n",
	        "t.conf:0: server: resolver mode ad trusts the AD bit only "
	        "from a resolver on loopback"));
	/* Every error is reported, not only the first. */
	const char two[] = MINIMAL "server:\n  max-connections: x\n"
	                           "  handshake-timeout: 1\n";
	dp_diag_t diag;
	dp_diag_init(&diag);
	dp_config_t *cfg = NULL;
	CU_ASSERT_EQUAL(
	        dp_config_parse_buffer(two, strlen(two), "t.conf", &cfg, &diag),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(diag.count, 2);
	dp_diag_free(&diag);
	/* A NUL byte inside the buffer is an error, not the end. */
	const char nul[] = MINIMAL "zone:\0\n";
	dp_diag_init(&diag);
	CU_ASSERT_EQUAL(dp_config_parse_buffer(nul, sizeof(nul) - 1, "t.conf",
	                                       &cfg, &diag),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL_FATAL(diag.count, 1);
	CU_ASSERT_STRING_EQUAL(diag.lines[0], "t.conf:9: NUL byte in line");
	dp_diag_free(&diag);
}

static void test_files(void)
{
	dp_diag_t diag;
	dp_diag_init(&diag);
	dp_config_t *cfg = NULL;
	CU_ASSERT_EQUAL(
	        dp_config_parse_file("/nonexistent/p.conf", &cfg, &diag),
	        DANCE_EIO);
	CU_ASSERT_EQUAL_FATAL(diag.count, 1);
	CU_ASSERT_STRING_EQUAL(diag.lines[0],
	                       "/nonexistent/p.conf:0: cannot "
	                       "open: No such file or directory");
	dp_diag_free(&diag);
	cfg = parse_ok(MINIMAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	dp_diag_init(&diag);
	CU_ASSERT_EQUAL(dp_config_check_files(cfg, &diag), DANCE_EINVAL);
	CU_ASSERT_EQUAL_FATAL(diag.count, 2);
	CU_ASSERT_STRING_EQUAL(diag.lines[0], "t.conf:3: cert-file: /c.pem: No "
	                                      "such file or directory");
	CU_ASSERT_STRING_EQUAL(diag.lines[1], "t.conf:4: key-file: /k.pem: No "
	                                      "such file or directory");
	dp_diag_free(&diag);
	dp_config_free(cfg);
}

static void test_addresses(void)
{
	dp_addr_t a;
	CU_ASSERT_EQUAL(dp_addr_parse("127.0.0.1", 853, &a), 0);
	CU_ASSERT_STRING_EQUAL(a.text, "127.0.0.1@853");
	CU_ASSERT(dp_addr_is_loopback(&a));
	CU_ASSERT_EQUAL(dp_addr_parse("::1@5300", 853, &a), 0);
	CU_ASSERT(dp_addr_is_loopback(&a));
	CU_ASSERT_EQUAL(dp_addr_parse("2001:db8::1@53", 853, &a), 0);
	CU_ASSERT(!dp_addr_is_loopback(&a));
	CU_ASSERT_EQUAL(dp_addr_parse("localhost", 853, &a), -1);
	CU_ASSERT_EQUAL(dp_addr_parse("127.0.0.1@", 853, &a), -1);
	CU_ASSERT_EQUAL(dp_addr_parse("127.0.0.1@0", 853, &a), -1);
	CU_ASSERT_EQUAL(dp_addr_parse("127.0.0.1@-5", 853, &a), -1);
	CU_ASSERT_EQUAL(dp_addr_parse("", 853, &a), -1);
}

void register_config_suite(void)
{
	CU_pSuite s = CU_add_suite("config", NULL, NULL);
	CU_add_test(s, "every item", test_every_item);
	CU_add_test(s, "defaults, CRLF, no final newline", test_defaults);
	CU_add_test(s, "bad values with line numbers", test_value_errors);
	CU_add_test(s, "structure errors", test_structure_errors);
	CU_add_test(s, "files", test_files);
	CU_add_test(s, "addresses", test_addresses);
}
