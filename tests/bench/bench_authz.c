/* bench_authz.c: decision latency of the authorizer against the real test
 * DNS (scripts/bench runs it; it is a benchmark, never a test).
 *
 * Usage: bench-authz [ITERATIONS]
 * Starts the test DNS (tests/dns/testdns) on loopback, then prints the cold
 * validated lookup latency (first decision, empty cache), then warm-cache
 * decision latency (median, p99 in microseconds) and decisions per second on
 * one thread, for claimed-name and key-discovery decisions, then the mean
 * cost of a refused decision (unknown key, no name allowed) with a
 * certificate of 2,000 subjectAltName dNSNames against one with a single
 * name, and their ratio in interleaved rounds (the per-query cost must not
 * grow with the SAN count, SECURITY.md; WEAK-6 of issue 12 asks for
 * within 2x). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>

#include "dance/authz.h"
#include "dance/match.h"
#include "dnsfixture.h"

#define MANY_SANS 2000

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Appends "KEY VALUE" to the figures file named by DANCE_BENCH_FIGURES
 * (scripts/bench turns them into build-bench/bench.json). */
static void figure(const char *key, double value)
{
	const char *path = getenv("DANCE_BENCH_FIGURES");
	FILE *out = path != NULL && path[0] != '\0' ? fopen(path, "a") : NULL;
	if (out != NULL) {
		fprintf(out, "%s %.3f\n", key, value);
		fclose(out);
	}
}

static void figures(const char *key, double p50, double p99)
{
	char name[128];
	snprintf(name, sizeof(name), "decision.%s.p50_us", key);
	figure(name, p50);
	snprintf(name, sizeof(name), "decision.%s.p99_us", key);
	figure(name, p99);
}

/* The baseline a pin check costs (Knot's cert-key): SHA-256 of the SPKI
 * and one comparison, with the SPKI already at hand. Returns its p99. */
static double measure_baseline(const gnutls_datum_t *der, size_t iterations)
{
	gnutls_datum_t spki = {NULL, 0};
	unsigned char pin[32], digest[32];
	double *lat = calloc(iterations, sizeof(*lat));
	size_t same = 0;
	if (lat == NULL || dance_cert_spki(der, &spki, NULL) != DANCE_OK) {
		free(lat);
		return -1;
	}
	gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, pin);
	for (size_t i = 0; i < iterations; i++) {
		double t0 = now_us();
		gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size,
		                 digest);
		same += memcmp(digest, pin, sizeof(pin)) == 0;
		lat[i] = now_us() - t0;
	}
	qsort(lat, iterations, sizeof(*lat), cmp_double);
	double p50 = lat[iterations / 2], p99 = lat[iterations * 99 / 100];
	printf("%-28s median %8.2f us  p99 %8.2f us  (SHA-256 of the SPKI + "
	       "memcmp, %zu/%zu equal)\n",
	       "baseline, one pin", p50, p99, same, iterations);
	figures("baseline", p50, p99);
	free(lat);
	gnutls_free(spki.data);
	return p99;
}

/* Runs iterations decisions of req, prints median/p99/rate; p99 into
 * *p99_out; figures under decision.KEY. */
static int measure(dance_authz_t *authz, const dance_request_t *req,
                   const char *label, const char *key, size_t iterations,
                   double *p99_out)
{
	double *lat = calloc(iterations, sizeof(*lat));
	dance_decision_t d;
	if (lat == NULL) {
		return -1;
	}
	double start = now_us();
	for (size_t i = 0; i < iterations; i++) {
		double t0 = now_us();
		dance_authz_decide(authz, req, &d);
		lat[i] = now_us() - t0;
		if (!d.allow) {
			fprintf(stderr, "%s: unexpected deny: %s\n", label,
			        d.detail);
			free(lat);
			return -1;
		}
	}
	double total = now_us() - start;
	qsort(lat, iterations, sizeof(*lat), cmp_double);
	printf("%-28s median %8.1f us  p99 %8.1f us  %10.0f decisions/s\n",
	       label, lat[iterations / 2], lat[iterations * 99 / 100],
	       (double)iterations / (total / 1e6));
	figures(key, lat[iterations / 2], lat[iterations * 99 / 100]);
	*p99_out = lat[iterations * 99 / 100];
	free(lat);
	return 0;
}

#define COLD_RUNS 15

/* Cold lookups: a fresh authorizer (empty caches, new validator) per
 * decision; prints median and worst. */
static int measure_cold(const dance_authz_config_t *cfg,
                        const dance_request_t *req, size_t runs)
{
	double lat[COLD_RUNS];
	for (size_t i = 0; i < runs; i++) {
		dance_policy_t policy;
		dance_policy_zone_t *zone = NULL;
		dance_authz_t *authz = NULL;
		dance_decision_t d;
		dance_error_t err;
		dance_policy_init(&policy);
		if (dance_policy_zone(&policy, req->zone, &zone, &err) !=
		            DANCE_OK ||
		    dance_policy_allow_name(zone, "ns2.good.dance.test",
		                            &err) != DANCE_OK ||
		    dance_authz_new(cfg, &policy, &authz, &err) != DANCE_OK) {
			fprintf(stderr, "cold setup: %s\n", err.reason);
			return -1;
		}
		double t0 = now_us();
		dance_authz_decide(authz, req, &d);
		lat[i] = now_us() - t0;
		dance_authz_free(authz);
		if (!d.allow) {
			fprintf(stderr, "cold: unexpected deny: %s\n",
			        d.detail);
			return -1;
		}
	}
	qsort(lat, runs, sizeof(lat[0]), cmp_double);
	printf("%-28s median %8.1f us  max %8.1f us  (%zu fresh validators)\n",
	       "cold, validated lookup", lat[runs / 2], lat[runs - 1], runs);
	return 0;
}

/* A self-signed certificate of a fresh key, unknown to the test DNS, with
 * sans dNSNames "hNNNN.refused.example" (one extension, built once). */
static int refused_cert(unsigned sans, gnutls_datum_t *der)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_subject_alt_names_t names = NULL;
	gnutls_datum_t ext = {NULL, 0};
	int rc = gnutls_x509_privkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_x509_privkey_generate(
		        key, GNUTLS_PK_ECDSA,
		        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	}
	if (rc >= 0) {
		rc = gnutls_subject_alt_names_init(&names);
	}
	for (unsigned i = 0; rc >= 0 && i < sans; i++) {
		char name[64];
		int n = snprintf(name, sizeof(name), "h%04u.refused.example",
		                 i);
		gnutls_datum_t d = {(unsigned char *)name, (unsigned)n};
		rc = gnutls_subject_alt_names_set(names, GNUTLS_SAN_DNSNAME, &d,
		                                  NULL);
	}
	if (rc >= 0) {
		rc = gnutls_x509_ext_export_subject_alt_names(names, &ext);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&crt);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_version(crt, 3);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_serial(crt, "\x01", 1);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_activation_time(crt, time(NULL) - 60);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_expiration_time(crt,
		                                         time(NULL) + 86400);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_dn_by_oid(
		        crt, GNUTLS_OID_X520_COMMON_NAME, 0, "refused", 7);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key(crt, key);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_extension_by_oid(
		        crt, "2.5.29.17", ext.data, ext.size, 0);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der);
	}
	if (rc < 0) {
		fprintf(stderr, "certificate with %u SANs: %s\n", sans,
		        gnutls_strerror(rc));
	}
	gnutls_free(ext.data);
	gnutls_subject_alt_names_deinit(names);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc < 0 ? -1 : 0;
}

/* Mean microseconds per refused decision of a request with der; peer,
 * when not NULL, is der digested once (as the module and the proxy hold
 * it per connection), otherwise each decision digests der itself. */
static double refused_cost(dance_authz_t *authz, const dance_request_t *base,
                           const gnutls_datum_t *der, const dance_peer_t *peer,
                           size_t iterations)
{
	dance_creds_t creds = {
	        .type = DANCE_CRED_X509, .certs = der, .count = 1};
	dance_request_t req = *base;
	req.creds = &creds;
	req.claimed_name = NULL;
	req.digested = peer;
	dance_decision_t d;
	double start = now_us();
	for (size_t i = 0; i < iterations; i++) {
		dance_authz_decide(authz, &req, &d);
		if (d.allow) {
			fprintf(stderr, "refused case: unexpected allow\n");
			return -1;
		}
	}
	return (now_us() - start) / (double)iterations;
}

#define REFUSED_ROUNDS 5

/* The median and spread of REFUSED_ROUNDS ratios. */
typedef struct spread {
	double median, min, max;
} spread_t;

static spread_t spread_of(double *v)
{
	qsort(v, REFUSED_ROUNDS, sizeof(v[0]), cmp_double);
	spread_t s = {v[REFUSED_ROUNDS / 2], v[0], v[REFUSED_ROUNDS - 1]};
	return s;
}

static void spread_figures(const char *key, spread_t s)
{
	char name[128];
	snprintf(name, sizeof(name), "%s", key);
	figure(name, s.median);
	snprintf(name, sizeof(name), "%s_min", key);
	figure(name, s.min);
	snprintf(name, sizeof(name), "%s_max", key);
	figure(name, s.max);
}

/* Refused decisions (WEAK-6): a certificate of MANY_SANS names against a
 * plain one of one name, in REFUSED_ROUNDS interleaved rounds (plain,
 * many, plain, many, ...), each form once with the credentials digested
 * per connection and once digested by every decision. Prints the means of
 * the last round and the ratio many/plain of each round as median
 * (min-max). */
static int measure_refused(dance_authz_t *authz, const dance_request_t *base,
                           size_t iterations)
{
	gnutls_datum_t der[2] = {{NULL, 0}, {NULL, 0}};
	dance_peer_t *peer[2] = {NULL, NULL};
	double once[2] = {0, 0}, each[2] = {0, 0}, digest_us[2] = {0, 0};
	double ratio_once[REFUSED_ROUNDS], ratio_each[REFUSED_ROUNDS];
	size_t runs = iterations / 10 > 0 ? iterations / 10 : 1;
	int rc = refused_cert(1, &der[0]) == 0 &&
	                         refused_cert(MANY_SANS, &der[1]) == 0
	                 ? 0
	                 : -1;
	for (int k = 0; rc == 0 && k < 2; k++) {
		dance_creds_t creds = {
		        .type = DANCE_CRED_X509, .certs = &der[k], .count = 1};
		double t0 = now_us();
		rc = dance_peer_new(&creds, &peer[k], NULL) == DANCE_OK ? 0
		                                                        : -1;
		digest_us[k] = now_us() - t0;
	}
	for (int r = 0; rc == 0 && r < REFUSED_ROUNDS; r++) {
		for (int k = 0; rc == 0 && k < 2; k++) {
			once[k] = refused_cost(authz, base, &der[k], peer[k],
			                       runs);
			each[k] =
			        refused_cost(authz, base, &der[k], NULL, runs);
			rc = once[k] > 0 && each[k] > 0 ? 0 : -1;
		}
		if (rc == 0) {
			ratio_once[r] = once[1] / once[0];
			ratio_each[r] = each[1] / each[0];
		}
	}
	if (rc == 0) {
		spread_t so = spread_of(ratio_once), se = spread_of(ratio_each);
		printf("%-28s 1 SAN %8.1f us  %u SANs %8.1f us  ratio %.2f "
		       "(%.2f-%.2f, %d rounds)\n",
		       "refused, digested once", once[0], MANY_SANS, once[1],
		       so.median, so.min, so.max, REFUSED_ROUNDS);
		printf("%-28s 1 SAN %8.1f us  %u SANs %8.1f us  ratio %.2f "
		       "(%.2f-%.2f)  (%u-byte certificate)\n",
		       "refused, digested each time", each[0], MANY_SANS,
		       each[1], se.median, se.min, se.max, der[1].size);
		printf("%-28s 1 SAN %8.1f us  %u SANs %8.1f us\n",
		       "digest, once per connection", digest_us[0], MANY_SANS,
		       digest_us[1]);
		figure("refused.plain_us", once[0]);
		figure("refused.san2000_us", once[1]);
		spread_figures("refused.san2000_ratio", so);
		spread_figures("refused.san2000_ratio_digest_each", se);
		figure("refused.digest.plain_us", digest_us[0]);
		figure("refused.digest.san2000_us", digest_us[1]);
	}
	for (int k = 0; k < 2; k++) {
		dance_peer_free(peer[k]);
		gnutls_free(der[k].data);
	}
	return rc;
}

int main(int argc, char **argv)
{
	size_t iterations = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	dnsfx_t fx;
	if (iterations == 0) {
		fprintf(stderr, "usage: bench-authz [ITERATIONS]\n");
		return 2;
	}
	gnutls_global_init();
	gnutls_datum_t der = {NULL, 0};
	if (dnsfx_start(&fx, 0) != 0) {
		return 1;
	}
	if (dnsfx_cert(&fx, "ns2", &der) != 0) {
		dnsfx_stop(&fx);
		return 1;
	}
	const char *servers[] = {fx.server};
	dance_authz_config_t cfg = {
	        .resolver = {.mode = DANCE_RESOLVE_STUB,
	                     .trust_anchor_file =
	                             dnsfx_get(&fx, "TRUST_ANCHOR"),
	                     .servers = servers,
	                     .server_count = 1,
	                     .stub_zones = fx.stub_zones,
	                     .stub_zone_count = fx.stub_zone_count},
	        .lookup_deadline_ms = 3000,
	};
	dance_policy_t policy;
	dance_policy_zone_t *zone = NULL;
	dance_error_t err;
	dance_authz_t *authz = NULL;
	dance_policy_init(&policy);
	if (dance_policy_zone(&policy, "example.test", &zone, &err) !=
	            DANCE_OK ||
	    dance_policy_allow_name(zone, "ns2.good.dance.test", &err) !=
	            DANCE_OK ||
	    dance_authz_new(&cfg, &policy, &authz, &err) != DANCE_OK) {
		fprintf(stderr, "setup: %s\n", err.reason);
		dnsfx_stop(&fx);
		return 1;
	}

	dance_creds_t creds = {
	        .type = DANCE_CRED_X509, .certs = &der, .count = 1};
	dance_request_t by_name = {.zone = "example.test",
	                           .peer = "127.0.0.1",
	                           .tls = 1,
	                           .creds = &creds,
	                           .claimed_name =
	                                   "_xfr-client.ns2.good.dance.test"};
	dance_request_t by_key = by_name;
	by_key.claimed_name = NULL;

	dance_decision_t d;
	double t0 = now_us();
	dance_authz_decide(authz, &by_key, &d);
	double cold = now_us() - t0;
	printf("cold validated lookup + decision: %.1f us (%s)\n", cold,
	       dance_reason_code(d.reason));
	int rc = d.allow ? 0 : 1;
	if (rc == 0) {
		rc = measure_cold(&cfg, &by_name, COLD_RUNS);
	}
	double base = measure_baseline(&der, iterations);
	double claimed = 0, discovery = 0;
	if (rc == 0) {
		rc = measure(authz, &by_name, "warm, claimed name", "claimed",
		             iterations, &claimed);
	}
	if (rc == 0) {
		rc = measure(authz, &by_key, "warm, key discovery", "discovery",
		             iterations, &discovery);
	}
	/* As the module and the proxy can: the credentials digested once per
	 * connection, not per decision. */
	dance_peer_t *peer = NULL;
	double claimed_once = 0, discovery_once = 0;
	if (rc == 0 && dance_peer_new(&creds, &peer, &err) != DANCE_OK) {
		fprintf(stderr, "peer: %s\n", err.reason);
		rc = 1;
	}
	dance_request_t by_name_once = by_name, by_key_once = by_key;
	by_name_once.digested = peer;
	by_key_once.digested = peer;
	if (rc == 0) {
		rc = measure(authz, &by_name_once,
		             "warm, claimed, digested once", "claimed_digested",
		             iterations, &claimed_once);
	}
	if (rc == 0) {
		rc = measure(authz, &by_key_once,
		             "warm, discovery, digested once",
		             "discovery_digested", iterations, &discovery_once);
	}
	dance_peer_free(peer);
	if (rc == 0 && base > 0) {
		printf("p99 decision / baseline: claimed name %.1fx, key "
		       "discovery %.1fx\n",
		       claimed / base, discovery / base);
		figure("decision.claimed.p99_ratio_baseline", claimed / base);
		figure("decision.discovery.p99_ratio_baseline",
		       discovery / base);
	}
	if (rc == 0) {
		rc = measure_refused(authz, &by_key, iterations);
	}
	dance_authz_free(authz);
	gnutls_free(der.data);
	dnsfx_stop(&fx);
	gnutls_global_deinit();
	return rc == 0 ? 0 : 1;
}
