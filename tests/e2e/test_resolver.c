/* test_resolver.c: every resolver state produced by the real stack: a
 * knotd serving signed zones, libunbound validating them (stub and
 * forward), and an unbound daemon for the AD-bit mode. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <libknot/libknot.h>

#include "dance/resolver.h"
#include "blackhole.h"
#include "dnsfixture.h"
#include "e2e_time.h"

void register_resolver_suite(void);

static dnsfx_t fx;
static int fx_up;

static int suite_init(void)
{
	fx_up = dnsfx_start(&fx, 1) == 0;
	return fx_up ? 0 : -1;
}

static int suite_clean(void)
{
	dnsfx_stop(&fx);
	return 0;
}

static dance_resolver_t *make(dance_resolve_mode_t mode, const char *server,
                              unsigned timeout_ms)
{
	const char *servers[] = {server};
	dance_resolver_config_t cfg = {
	        .mode = mode,
	        .trust_anchor_file = dnsfx_get(&fx, "TRUST_ANCHOR"),
	        .servers = servers,
	        .server_count = 1,
	        .stub_zones = fx.stub_zones,
	        .stub_zone_count = fx.stub_zone_count,
	        .timeout_ms = timeout_ms,
	};
	dance_resolver_t *r = NULL;
	dance_error_t err;
	if (dance_resolver_new(&cfg, &r, &err) != DANCE_OK) {
		fprintf(stderr, "resolver: %s\n", err.reason);
	}
	return r;
}

static dance_dns_state_t lookup(dance_resolver_t *r, const char *owner,
                                dance_tlsa_answer_t *a)
{
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_resolver_lookup(r, owner, 0, a, &err), DANCE_OK);
	return a->state;
}

/* The record at ns2 is 3 1 1 of the SPKI of keys/ns2.pem, TTL at most
 * the published 60 s (the unbound daemon caps it at 5 s and may count it
 * down to 0), RRSIGs valid for the 30 days testdns signs for. */
static void assert_ns2_record(const dance_tlsa_answer_t *a)
{
	gnutls_datum_t der = {NULL, 0}, spki = {NULL, 0};
	gnutls_pubkey_t key = NULL;
	unsigned char digest[32];
	CU_ASSERT_EQUAL_FATAL(dnsfx_cert(&fx, "ns2", &der), 0);
	gnutls_pubkey_init(&key);
	gnutls_pubkey_import_x509_raw(key, &der, GNUTLS_X509_FMT_DER, 0);
	gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &spki);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, digest);
	CU_ASSERT_EQUAL_FATAL(a->rrset.count, 1);
	const dance_tlsa_t *t = &a->rrset.records[0];
	CU_ASSERT_EQUAL(t->usage, 3);
	CU_ASSERT_EQUAL(t->selector, 1);
	CU_ASSERT_EQUAL(t->mtype, 1);
	CU_ASSERT_EQUAL(t->data_len, 32);
	CU_ASSERT_EQUAL(memcmp(t->data, digest, 32), 0);
	CU_ASSERT_TRUE(a->ttl <= 60);
	CU_ASSERT_TRUE(a->rrsig_expiry > time(NULL) + 20 * 86400);
	gnutls_free(spki.data);
	gnutls_free(der.data);
	gnutls_pubkey_deinit(key);
}

/* Every state through one resolver. */
static void check_states(dance_resolver_t *r, int ad_mode)
{
	dance_tlsa_answer_t a;
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns2.good.dance.test", &a),
	                DANCE_DNS_SECURE);
	assert_ns2_record(&a);
	if (!ad_mode) {
		CU_ASSERT_TRUE(a.ttl > 0); /* straight from knotd */
	}
	dance_tlsa_answer_clear(&a);

	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns3.insecure.dance.test", &a),
	                DANCE_DNS_INSECURE);
	CU_ASSERT_EQUAL(a.rrset.count, 1); /* kept for reporting */
	CU_ASSERT_PTR_NOT_NULL(
	        strstr(a.why, ad_mode ? "AD" : "chain of trust"));
	dance_tlsa_answer_clear(&a);

	dance_dns_state_t failed =
	        ad_mode ? DANCE_DNS_SERVFAIL : DANCE_DNS_BOGUS;
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns4.bogus.dance.test", &a),
	                failed);
	CU_ASSERT_EQUAL(a.rrset.count, 0);
	CU_ASSERT_NOT_EQUAL(a.why[0], '\0');
	fprintf(stderr, "  bogus: %s\n", a.why);
	dance_tlsa_answer_clear(&a);

	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns5.expired.dance.test", &a),
	                failed);
	CU_ASSERT_EQUAL(a.rrset.count, 0);
	if (!ad_mode) {
		CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "expired"));
	}
	fprintf(stderr, "  expired: %s\n", a.why);
	dance_tlsa_answer_clear(&a);

	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.missing.good.dance.test", &a),
	                DANCE_DNS_NXDOMAIN);
	CU_ASSERT_EQUAL(a.rrset.count, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "does not exist"));
	dance_tlsa_answer_clear(&a);
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.nodata.good.dance.test", &a),
	                DANCE_DNS_NODATA);
	CU_ASSERT_EQUAL(a.rrset.count, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "no TLSA records"));
	dance_tlsa_answer_clear(&a);

	/* A negative answer without a chain of trust is not proof. */
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.nobody.insecure.dance.test", &a),
	                DANCE_DNS_INSECURE);
	CU_ASSERT_EQUAL(a.rrset.count, 0);
	fprintf(stderr, "  insecure nxdomain: %s\n", a.why);
	dance_tlsa_answer_clear(&a);

	CU_ASSERT_EQUAL(lookup(r, "dev1._device.good.dance.test", &a),
	                DANCE_DNS_SECURE);
	CU_ASSERT_EQUAL(a.rrset.count, 1);
	if (a.rrset.count == 1) {
		CU_ASSERT_EQUAL(a.rrset.records[0].usage, 2);
	}
	dance_tlsa_answer_clear(&a);
}

static void test_stub_mode_states(void)
{
	dance_resolver_t *r = make(DANCE_RESOLVE_STUB, fx.server, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	check_states(r, 0);
	dance_resolver_free(r);
}

static void test_forward_mode_secure(void)
{
	dance_resolver_t *r = make(DANCE_RESOLVE_FORWARD, fx.server, 3000);
	dance_tlsa_answer_t a;
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns2.good.dance.test", &a),
	                DANCE_DNS_SECURE);
	assert_ns2_record(&a);
	dance_tlsa_answer_clear(&a);
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns4.bogus.dance.test", &a),
	                DANCE_DNS_BOGUS);
	dance_tlsa_answer_clear(&a);
	dance_resolver_free(r);
}

static void test_ad_mode_states(void)
{
	dance_resolver_t *r = make(DANCE_RESOLVE_AD, fx.resolver, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	check_states(r, 1);
	dance_resolver_free(r);
}

static void test_ad_mode_refuses_remote(void)
{
	const char *remote[] = {"192.0.2.53"};
	dance_resolver_config_t cfg = {
	        .mode = DANCE_RESOLVE_AD, .servers = remote, .server_count = 1};
	dance_resolver_t *r = NULL;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_resolver_new(&cfg, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "loopback"));
	const char *v6[] = {"::1@53"};
	cfg.servers = v6;
	CU_ASSERT_EQUAL(dance_resolver_new(&cfg, &r, &err), DANCE_OK);
	dance_resolver_free(r);
}

static void test_config_errors(void)
{
	dance_resolver_t *r = NULL;
	dance_error_t err;
	dance_resolver_config_t stub = {.mode = DANCE_RESOLVE_STUB};
	CU_ASSERT_EQUAL(dance_resolver_new(&stub, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "server"));
	const char *bad[] = {"not-an-address"};
	dance_resolver_config_t fwd = {.mode = DANCE_RESOLVE_FORWARD,
	                               .servers = bad,
	                               .server_count = 1};
	CU_ASSERT_EQUAL(dance_resolver_new(&fwd, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "not-an-address"));
	const char *port[] = {"127.0.0.1@99999"};
	fwd.servers = port;
	CU_ASSERT_EQUAL(dance_resolver_new(&fwd, &r, &err), DANCE_EINVAL);
	dance_resolver_config_t ta = {.mode = DANCE_RESOLVE_RECURSE,
	                              .trust_anchor_file = "/nonexistent/ta"};
	CU_ASSERT_EQUAL(dance_resolver_new(&ta, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "/nonexistent/ta"));
	const char *zones[] = {"dance.test"};
	const char *srv[] = {"127.0.0.1@53"};
	dance_resolver_config_t nozones = {
	        .mode = DANCE_RESOLVE_STUB, .servers = srv, .server_count = 1};
	CU_ASSERT_EQUAL(dance_resolver_new(&nozones, &r, &err), DANCE_EINVAL);
	nozones.stub_zones = zones;
	nozones.stub_zone_count = 1;
	nozones.trust_anchor = "this is not a record";
	CU_ASSERT_EQUAL(dance_resolver_new(&nozones, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "trust anchor"));
	/* A readable trust anchor file unbound cannot use fails at creation
	 * in every mode, not at the first lookup. */
	char garbage[300];
	snprintf(garbage, sizeof(garbage), "%s/garbage.key", fx.dir);
	FILE *f = fopen(garbage, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("dance.test. IN DS not a digest\n", f);
	fclose(f);
	dance_resolver_config_t bad_ta = {.mode = DANCE_RESOLVE_FORWARD,
	                                  .trust_anchor_file = garbage,
	                                  .servers = srv,
	                                  .server_count = 1};
	CU_ASSERT_EQUAL(dance_resolver_new(&bad_ta, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "trust anchor"));
	fprintf(stderr, "  bad trust anchor file: %s\n", err.reason);
}

/* A name that is not a DNS name: EINVAL, and the answer still denies. */
static void test_bad_owner(void)
{
	dance_resolver_t *r = make(DANCE_RESOLVE_STUB, fx.server, 1000);
	dance_resolver_t *ad = make(DANCE_RESOLVE_AD, fx.resolver, 1000);
	dance_tlsa_answer_t a;
	dance_error_t err;
	char long_label[100];
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ad);
	memset(long_label, 'a', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	CU_ASSERT_EQUAL(dance_resolver_lookup(r, long_label, 0, &a, &err),
	                DANCE_EINVAL);
	CU_ASSERT_NOT_EQUAL(a.state, DANCE_DNS_SECURE);
	dance_tlsa_answer_clear(&a);
	CU_ASSERT_EQUAL(dance_resolver_lookup(ad, "a..b", 0, &a, &err),
	                DANCE_EINVAL);
	CU_ASSERT_NOT_EQUAL(a.state, DANCE_DNS_SECURE);
	dance_tlsa_answer_clear(&a);
	CU_ASSERT_EQUAL(
	        dance_resolver_lookup_async(r, "a..b", 0, NULL, NULL, &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_resolver_pending(r), 0);
	dance_resolver_free(r);
	dance_resolver_free(ad);
}

static void test_timeouts_bound_the_wait(void)
{
	black_hole_t hole;
	black_hole_open(&hole);
	static const dance_resolve_mode_t modes[] = {
	        DANCE_RESOLVE_AD, DANCE_RESOLVE_STUB, DANCE_RESOLVE_FORWARD};
	for (size_t i = 0; i < 3; i++) {
		dance_resolver_t *r = make(modes[i], hole.addr, 5000);
		dance_tlsa_answer_t a;
		dance_error_t err;
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		double t0 = e2e_now_ms();
		CU_ASSERT_EQUAL(dance_resolver_lookup(
		                        r, "_xfr-client.ns2.good.dance.test",
		                        700, &a, &err),
		                DANCE_OK);
		double waited = e2e_now_ms() - t0;
		CU_ASSERT_EQUAL(a.state, DANCE_DNS_TIMEOUT);
		/* Correctness bound, not a benchmark: never past the deadline
		 * by more than scheduling slack (more under valgrind). */
		CU_ASSERT_TRUE(waited >= 650 &&
		               waited < 700 + e2e_slack_ms(400));
		fprintf(stderr, "  mode %d: timeout after %.0f ms: %s\n",
		        modes[i], waited, a.why);
		dance_tlsa_answer_clear(&a);
		dance_resolver_free(r);
	}
	black_hole_close(&hole);
}

typedef struct async_log {
	int calls[3];
	dance_dns_state_t states[3];
} async_log_t;

static const char *async_owners[3] = {"_xfr-client.ns2.good.dance.test",
                                      "_xfr-client.ns3.insecure.dance.test",
                                      "_xfr-client.missing.good.dance.test"};

static void on_answer(void *arg, const char *owner,
                      const dance_tlsa_answer_t *answer)
{
	async_log_t *log = arg;
	for (int i = 0; i < 3; i++) {
		if (strcmp(owner, async_owners[i]) == 0) {
			log->calls[i]++;
			log->states[i] = answer->state;
		}
	}
}

/* Drives a resolver's fd until nothing is pending or 5 s pass. */
static void drive(dance_resolver_t *r)
{
	double end = e2e_now_ms() + 5000;
	while (dance_resolver_pending(r) > 0 && e2e_now_ms() < end) {
		uint32_t next = 0;
		struct pollfd pfd = {.fd = dance_resolver_fd(r),
		                     .events = POLLIN};
		dance_resolver_expire(r, &next);
		if (poll(&pfd, 1, next > 100 ? 100 : (int)next) > 0) {
			dance_resolver_process(r);
		}
	}
}

static void check_async(dance_resolver_t *r)
{
	async_log_t log;
	memset(&log, 0, sizeof(log));
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(dance_resolver_lookup_async(r, async_owners[i],
		                                            3000, on_answer,
		                                            &log, NULL),
		                DANCE_OK);
	}
	CU_ASSERT_EQUAL(dance_resolver_pending(r), 3);
	drive(r);
	CU_ASSERT_EQUAL(dance_resolver_pending(r), 0);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(log.calls[i], 1);
	}
	CU_ASSERT_EQUAL(log.states[0], DANCE_DNS_SECURE);
	CU_ASSERT_EQUAL(log.states[1], DANCE_DNS_INSECURE);
	CU_ASSERT_EQUAL(log.states[2], DANCE_DNS_NXDOMAIN);
}

static void test_async_lookups(void)
{
	dance_resolver_t *stub = make(DANCE_RESOLVE_STUB, fx.server, 3000);
	dance_resolver_t *ad = make(DANCE_RESOLVE_AD, fx.resolver, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(stub);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ad);
	check_async(stub);
	check_async(ad);
	dance_resolver_free(stub);
	dance_resolver_free(ad);
}

/* Lookups at a silent server: dance_resolver_expire completes each with
 * TIMEOUT at its deadline (once), and free cancels the rest at once,
 * without callbacks. */
static void check_async_expiry(dance_resolve_mode_t mode, const char *server)
{
	dance_resolver_t *r = make(mode, server, 3000);
	async_log_t log;
	memset(&log, 0, sizeof(log));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	double t0 = e2e_now_ms();
	CU_ASSERT_EQUAL(dance_resolver_lookup_async(r, async_owners[0], 500,
	                                            on_answer, &log, NULL),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_resolver_lookup_async(r, async_owners[2], 300,
	                                            on_answer, &log, NULL),
	                DANCE_OK);
	uint32_t next = 0;
	CU_ASSERT_EQUAL(dance_resolver_expire(r, &next), 0);
	CU_ASSERT_TRUE(next > 200 && next <= 300);
	drive(r);
	double waited = e2e_now_ms() - t0;
	CU_ASSERT_EQUAL(log.calls[0], 1);
	CU_ASSERT_EQUAL(log.calls[2], 1);
	CU_ASSERT_EQUAL(log.states[0], DANCE_DNS_TIMEOUT);
	CU_ASSERT_EQUAL(log.states[2], DANCE_DNS_TIMEOUT);
	CU_ASSERT_TRUE(waited >= 450 && waited < 500 + e2e_slack_ms(400));
	CU_ASSERT_EQUAL(dance_resolver_expire(r, &next), 0);
	CU_ASSERT_EQUAL(next, UINT32_MAX);
	/* A lookup still pending at free is cancelled without a callback. */
	CU_ASSERT_EQUAL(dance_resolver_lookup_async(r, async_owners[1], 3000,
	                                            on_answer, &log, NULL),
	                DANCE_OK);
	t0 = e2e_now_ms();
	dance_resolver_free(r);
	fprintf(stderr, "  mode %d: free with a lookup pending: %.0f ms\n",
	        mode, e2e_now_ms() - t0);
	CU_ASSERT_TRUE(e2e_now_ms() - t0 < e2e_slack_ms(400));
	CU_ASSERT_EQUAL(log.calls[1], 0);
	CU_ASSERT_EQUAL(log.calls[0], 1);
	CU_ASSERT_EQUAL(log.calls[2], 1);
}

static void test_async_expiry(void)
{
	black_hole_t hole;
	black_hole_open(&hole);
	check_async_expiry(DANCE_RESOLVE_STUB, hole.addr);
	check_async_expiry(DANCE_RESOLVE_AD, hole.addr);
	black_hole_close(&hole);
}

/* "127.0.0.1@PORT" of a port nobody listens on (bound, then closed). */
static void closed_port(char *addr, size_t size)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	snprintf(addr, size, "127.0.0.1@%u", ntohs(sa.sin_port));
}

/* Looks up ns2 through a fresh resolver; returns the time it took. */
static double timed_lookup(dance_resolve_mode_t mode, const char *server,
                           unsigned deadline_ms, dance_tlsa_answer_t *a)
{
	dance_resolver_t *r = make(mode, server, deadline_ms);
	dance_error_t err;
	double t0 = e2e_now_ms();
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(dance_resolver_lookup(r, async_owners[0], 0, a, &err),
	                DANCE_OK);
	double waited = e2e_now_ms() - t0;
	fprintf(stderr, "  mode %d, deadline %u ms: %s after %.0f ms: %s\n",
	        mode, deadline_ms, dance_dns_state_name(a->state), waited,
	        a->why);
	CU_ASSERT_EQUAL(a->rrset.count, 0);
	dance_resolver_free(r);
	return waited;
}

/* Nothing listens: the port refuses at once (ICMP port unreachable, TCP
 * RST).
 * - AD mode sees the refusal and answers SERVFAIL naming it at once.
 * - libunbound keeps retrying a refusing server with backoff and gives
 *   up with SERVFAIL only after about 12 s: with an ordinary deadline the
 *   answer is TIMEOUT at the deadline; with a long one, SERVFAIL before
 *   it. */
static void test_servfail_when_nothing_listens(void)
{
	char addr[64];
	dance_tlsa_answer_t a;
	closed_port(addr, sizeof(addr));

	double waited = timed_lookup(DANCE_RESOLVE_AD, addr, 3000, &a);
	CU_ASSERT_EQUAL(a.state, DANCE_DNS_SERVFAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "refused"));
	CU_ASSERT_TRUE(waited < e2e_slack_ms(400));
	dance_tlsa_answer_clear(&a);

	static const dance_resolve_mode_t modes[] = {DANCE_RESOLVE_STUB,
	                                             DANCE_RESOLVE_FORWARD};
	for (size_t i = 0; i < 2; i++) {
		waited = timed_lookup(modes[i], addr, 1000, &a);
		CU_ASSERT_EQUAL(a.state, DANCE_DNS_TIMEOUT);
		CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "within 1000 ms"));
		CU_ASSERT_TRUE(waited >= 950 &&
		               waited < 1000 + e2e_slack_ms(400));
		dance_tlsa_answer_clear(&a);
	}

	waited = timed_lookup(DANCE_RESOLVE_STUB, addr, 40000, &a);
	CU_ASSERT_EQUAL(a.state, DANCE_DNS_SERVFAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "SERVFAIL"));
	CU_ASSERT_TRUE(waited < 40000);
	dance_tlsa_answer_clear(&a);
}

typedef struct slow_lookup {
	dance_resolver_t *r;
	dance_tlsa_answer_t answer;
} slow_lookup_t;

static void *run_slow_lookup(void *arg)
{
	slow_lookup_t *s = arg;
	dance_resolver_lookup(s->r, async_owners[0], 1500, &s->answer, NULL);
	return NULL;
}

/* A blocking lookup does not wait past its deadline for another thread's
 * blocking lookup on the same resolver. */
static void test_deadline_while_another_lookup_runs(void)
{
	black_hole_t hole;
	black_hole_open(&hole);
	slow_lookup_t slow = {.r = make(DANCE_RESOLVE_STUB, hole.addr, 3000)};
	pthread_t thread;
	dance_tlsa_answer_t a;
	CU_ASSERT_PTR_NOT_NULL_FATAL(slow.r);
	CU_ASSERT_EQUAL_FATAL(
	        pthread_create(&thread, NULL, run_slow_lookup, &slow), 0);
	usleep(100 * 1000);
	double t0 = e2e_now_ms();
	dance_resolver_lookup(slow.r, async_owners[1], 300, &a, NULL);
	double waited = e2e_now_ms() - t0;
	CU_ASSERT_EQUAL(a.state, DANCE_DNS_TIMEOUT);
	CU_ASSERT_TRUE(waited >= 250 && waited < 300 + e2e_slack_ms(400));
	fprintf(stderr, "  second lookup: %s after %.0f ms: %s\n",
	        dance_dns_state_name(a.state), waited, a.why);
	dance_tlsa_answer_clear(&a);
	pthread_join(thread, NULL);
	CU_ASSERT_EQUAL(slow.answer.state, DANCE_DNS_TIMEOUT);
	dance_tlsa_answer_clear(&slow.answer);
	dance_resolver_free(slow.r);
	black_hole_close(&hole);
}

/* A loopback "resolver" that truncates every UDP reply (TC, no records)
 * and answers TCP queries by relaying them to the unbound daemon. */
typedef struct tc_proxy {
	int udp, tcp, stop[2];
	int tcp_queries;
	struct sockaddr_in upstream;
	char addr[64];
	pthread_t thread;
} tc_proxy_t;

static void tc_reply_udp(tc_proxy_t *p)
{
	uint8_t buf[512];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(p->udp, buf, sizeof(buf), 0,
	                     (struct sockaddr *)&from, &len);
	if (n < KNOT_WIRE_HEADER_SIZE) {
		return;
	}
	knot_wire_set_qr(buf);
	knot_wire_set_tc(buf);
	knot_wire_set_qdcount(buf, 0);
	knot_wire_set_ancount(buf, 0);
	knot_wire_set_nscount(buf, 0);
	knot_wire_set_arcount(buf, 0);
	sendto(p->udp, buf, KNOT_WIRE_HEADER_SIZE, 0, (struct sockaddr *)&from,
	       len);
}

/* Sends query to the upstream over UDP; returns the reply length. */
static ssize_t ask_upstream(const tc_proxy_t *p, const uint8_t *query,
                            size_t len, uint8_t *reply, size_t size)
{
	struct timeval tv = {.tv_sec = 2};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n = -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&p->upstream,
	            sizeof(p->upstream)) == 0 &&
	    send(fd, query, len, 0) == (ssize_t)len) {
		n = recv(fd, reply, size, 0);
	}
	close(fd);
	return n;
}

static void tc_reply_tcp(tc_proxy_t *p)
{
	uint8_t query[1024], reply[4096 + 2];
	uint8_t hdr[2];
	struct timeval tv = {.tv_sec = 2};
	int fd = accept(p->tcp, NULL, NULL);
	if (fd < 0) {
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t qlen = 0;
	if (recv(fd, hdr, 2, MSG_WAITALL) == 2) {
		qlen = ((size_t)hdr[0] << 8) | hdr[1];
	}
	if (qlen > 0 && qlen <= sizeof(query) &&
	    recv(fd, query, qlen, MSG_WAITALL) == (ssize_t)qlen) {
		ssize_t n = ask_upstream(p, query, qlen, reply + 2,
		                         sizeof(reply) - 2);
		if (n > 0) {
			reply[0] = (uint8_t)(n >> 8);
			reply[1] = (uint8_t)n;
			send(fd, reply, (size_t)n + 2, MSG_NOSIGNAL);
			p->tcp_queries++;
		}
	}
	close(fd);
}

static void *tc_proxy_run(void *arg)
{
	tc_proxy_t *p = arg;
	for (;;) {
		struct pollfd pfd[3] = {{.fd = p->udp, .events = POLLIN},
		                        {.fd = p->tcp, .events = POLLIN},
		                        {.fd = p->stop[0], .events = POLLIN}};
		if (poll(pfd, 3, -1) < 0 || pfd[2].revents != 0) {
			return NULL;
		}
		if (pfd[0].revents != 0) {
			tc_reply_udp(p);
		}
		if (pfd[1].revents != 0) {
			tc_reply_tcp(p);
		}
	}
}

static void tc_proxy_start(tc_proxy_t *p)
{
	black_hole_t sockets;
	memset(p, 0, sizeof(*p));
	black_hole_open(&sockets);
	p->udp = sockets.udp;
	p->tcp = sockets.tcp;
	snprintf(p->addr, sizeof(p->addr), "%s", sockets.addr);
	p->upstream.sin_family = AF_INET;
	p->upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->upstream.sin_port =
	        htons((uint16_t)atoi(dnsfx_get(&fx, "UNBOUND_PORT")));
	CU_ASSERT_EQUAL_FATAL(pipe(p->stop), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&p->thread, NULL, tc_proxy_run, p),
	                      0);
}

static void tc_proxy_stop(tc_proxy_t *p)
{
	close(p->stop[1]);
	pthread_join(p->thread, NULL);
	close(p->stop[0]);
	close(p->udp);
	close(p->tcp);
}

/* AD mode falls back to TCP when the UDP reply is truncated. */
static void test_ad_mode_tcp_fallback(void)
{
	tc_proxy_t proxy;
	tc_proxy_start(&proxy);
	dance_resolver_t *r = make(DANCE_RESOLVE_AD, proxy.addr, 3000);
	dance_tlsa_answer_t a;
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.ns2.good.dance.test", &a),
	                DANCE_DNS_SECURE);
	assert_ns2_record(&a);
	dance_tlsa_answer_clear(&a);
	CU_ASSERT_EQUAL(lookup(r, "_xfr-client.nodata.good.dance.test", &a),
	                DANCE_DNS_NODATA);
	dance_tlsa_answer_clear(&a);
	dance_resolver_free(r);
	tc_proxy_stop(&proxy);
	CU_ASSERT_EQUAL(proxy.tcp_queries, 2);
}

static void test_state_names(void)
{
	CU_ASSERT_STRING_EQUAL(dance_dns_state_name(DANCE_DNS_SECURE),
	                       "secure");
	CU_ASSERT_STRING_EQUAL(dance_dns_state_name(DANCE_DNS_TIMEOUT),
	                       "timeout");
	CU_ASSERT_STRING_EQUAL(dance_dns_state_name((dance_dns_state_t)99),
	                       "invalid");
}

void register_resolver_suite(void)
{
	CU_pSuite s = CU_add_suite("resolver", suite_init, suite_clean);
	CU_add_test(s, "stub mode: every state", test_stub_mode_states);
	CU_add_test(s, "forward mode: secure and bogus",
	            test_forward_mode_secure);
	CU_add_test(s, "AD mode: every state", test_ad_mode_states);
	CU_add_test(s, "AD mode refuses a remote resolver",
	            test_ad_mode_refuses_remote);
	CU_add_test(s, "configuration errors", test_config_errors);
	CU_add_test(s, "deadline bounds blocking lookups",
	            test_timeouts_bound_the_wait);
	CU_add_test(s, "async lookups: each callback once", test_async_lookups);
	CU_add_test(s, "async deadline and cancel", test_async_expiry);
	CU_add_test(s, "nothing listening: SERVFAIL or TIMEOUT",
	            test_servfail_when_nothing_listens);
	CU_add_test(s, "deadline holds while another lookup runs",
	            test_deadline_while_another_lookup_runs);
	CU_add_test(s, "AD mode: TCP after a truncated reply",
	            test_ad_mode_tcp_fallback);
	CU_add_test(s, "invalid owner names", test_bad_owner);
	CU_add_test(s, "state names", test_state_names);
}
