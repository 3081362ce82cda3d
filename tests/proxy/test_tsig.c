/* test_tsig.c: TSIG on the backend leg against libknot's own signing, as
 * a primary signs: first answer with the request MAC, the next ones
 * chained, unsigned messages in between verified with the next signed one;
 * tampering, unsigned starts and too long unsigned runs fail. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <libknot/libknot.h>

#include "dnsmsg.h"
#include "suites.h"
#include "tsig.h"

#define SECRET "hmac-sha256:proxy-key:c2VjcmV0c2VjcmV0c2VjcmV0"

typedef struct primary {
	knot_tsig_key_t key;
	uint8_t digest[64];
	size_t digest_len;
	uint8_t pending[8 * 4096]; /* unsigned messages since the last MAC */
	size_t pending_len;
} primary_t;

/* The primary checks the signed query and keeps its MAC. */
static void primary_receive(primary_t *p, const uint8_t *q, size_t len)
{
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt);
	memcpy(pkt->wire, q, len);
	pkt->size = len;
	CU_ASSERT_EQUAL_FATAL(knot_pkt_parse(pkt, 0), KNOT_EOK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt->tsig_rr);
	CU_ASSERT_EQUAL(knot_tsig_server_check(pkt->tsig_rr, pkt->wire,
	                                       pkt->size, &p->key),
	                KNOT_EOK);
	p->digest_len = knot_tsig_rdata_mac_length(pkt->tsig_rr);
	memcpy(p->digest, knot_tsig_rdata_mac(pkt->tsig_rr), p->digest_len);
	knot_pkt_free(pkt);
}

/* The primary's next answer message: signed (first or chained) or not. */
static size_t primary_answer(primary_t *p, int first, int sign, uint8_t *msg,
                             size_t max, uint8_t n)
{
	const uint32_t serials[] = {1, n};
	const int soa[] = {first, 0};
	size_t len = dp_test_response("example.test", KNOT_RRTYPE_AXFR, 0x4242,
	                              serials, soa, 2, msg, max);
	CU_ASSERT_FATAL(len > 0);
	if (!sign) {
		memcpy(p->pending + p->pending_len, msg, len);
		p->pending_len += len;
		return len;
	}
	uint8_t prev[64];
	size_t prev_len = p->digest_len;
	memcpy(prev, p->digest, prev_len);
	p->digest_len = sizeof(p->digest);
	int rc;
	if (first) {
		rc = knot_tsig_sign(msg, &len, max, prev, prev_len, p->digest,
		                    &p->digest_len, &p->key, 0, 0);
	} else {
		memcpy(p->pending + p->pending_len, msg, len);
		rc = knot_tsig_sign_next(msg, &len, max, prev, prev_len,
		                         p->digest, &p->digest_len, &p->key,
		                         p->pending, p->pending_len + len);
	}
	CU_ASSERT_EQUAL_FATAL(rc, KNOT_EOK);
	p->pending_len = 0;
	return len;
}

static void setup(primary_t *p, knot_tsig_key_t *key, dp_tsig_t *t, uint8_t *q,
                  size_t *qlen)
{
	dance_error_t err;
	memset(p, 0, sizeof(*p));
	CU_ASSERT_EQUAL_FATAL(dp_tsig_key_parse(SECRET, key, &err), DANCE_OK);
	CU_ASSERT_EQUAL_FATAL(dp_tsig_key_parse(SECRET, &p->key, &err),
	                      DANCE_OK);
	dp_tsig_init(t, key);
	CU_ASSERT_EQUAL_FATAL(dp_query_build("example.test", KNOT_RRTYPE_AXFR,
	                                     0x4242, q, 1024, qlen, &err),
	                      DANCE_OK);
	size_t unsigned_len = *qlen;
	CU_ASSERT_EQUAL_FATAL(dp_tsig_sign_query(t, q, qlen, 1024, &err),
	                      DANCE_OK);
	CU_ASSERT(*qlen > unsigned_len);
	CU_ASSERT_EQUAL(knot_wire_get_arcount(q), 1);
	primary_receive(p, q, *qlen);
}

static void teardown(primary_t *p, knot_tsig_key_t *key, dp_tsig_t *t)
{
	dp_tsig_clear(t);
	knot_tsig_key_deinit(key);
	knot_tsig_key_deinit(&p->key);
}

static void test_round_trip(void)
{
	primary_t p;
	knot_tsig_key_t key;
	dp_tsig_t t;
	uint8_t q[1024], msg[4096];
	size_t qlen = 0;
	dance_error_t err;
	setup(&p, &key, &t, q, &qlen);
	/* signed, signed, unsigned, unsigned, signed */
	const int signs[] = {1, 1, 0, 0, 1};
	for (int i = 0; i < 5; i++) {
		size_t len = primary_answer(&p, i == 0, signs[i], msg,
		                            sizeof(msg), (uint8_t)i);
		uint8_t plain[4096];
		size_t plain_len = dp_test_response(
		        "example.test", KNOT_RRTYPE_AXFR, 0x4242,
		        (const uint32_t[]){1, (uint32_t)i},
		        (const int[]){i == 0, 0}, 2, plain, sizeof(plain));
		int was_signed = -1;
		CU_ASSERT_EQUAL_FATAL(
		        dp_tsig_verify(&t, msg, &len, &was_signed, &err),
		        DANCE_OK);
		CU_ASSERT_EQUAL(was_signed, signs[i]);
		/* The TSIG RR is gone: the message is the unsigned one. */
		CU_ASSERT_EQUAL(len, plain_len);
		CU_ASSERT_EQUAL(memcmp(msg, plain, len), 0);
		CU_ASSERT_EQUAL(knot_wire_get_arcount(msg), 0);
		CU_ASSERT_EQUAL(dp_tsig_complete(&t), signs[i]);
	}
	teardown(&p, &key, &t);
}

static void test_tampered(void)
{
	primary_t p;
	knot_tsig_key_t key;
	dp_tsig_t t;
	uint8_t q[1024], msg[4096];
	size_t qlen = 0;
	dance_error_t err;
	setup(&p, &key, &t, q, &qlen);
	size_t len = primary_answer(&p, 1, 1, msg, sizeof(msg), 1);
	msg[14] ^= 0x20; /* a letter of the question name changes case */
	int was_signed = 0;
	CU_ASSERT_EQUAL(dp_tsig_verify(&t, msg, &len, &was_signed, &err),
	                DANCE_EINVAL);
	teardown(&p, &key, &t);
	/* A first message without TSIG. */
	setup(&p, &key, &t, q, &qlen);
	len = primary_answer(&p, 1, 0, msg, sizeof(msg), 1);
	CU_ASSERT_EQUAL(dp_tsig_verify(&t, msg, &len, &was_signed, &err),
	                DANCE_EINVAL);
	teardown(&p, &key, &t);
	/* Another key signed the answer. */
	setup(&p, &key, &t, q, &qlen);
	knot_tsig_key_deinit(&p.key);
	CU_ASSERT_EQUAL_FATAL(
	        dp_tsig_key_parse("hmac-sha256:proxy-key:b3RoZXI=", &p.key,
	                          &err),
	        DANCE_OK);
	len = primary_answer(&p, 1, 1, msg, sizeof(msg), 1);
	CU_ASSERT_EQUAL(dp_tsig_verify(&t, msg, &len, &was_signed, &err),
	                DANCE_EINVAL);
	teardown(&p, &key, &t);
}

static void test_unsigned_run(void)
{
	primary_t p;
	knot_tsig_key_t key;
	dp_tsig_t t;
	uint8_t q[1024], msg[4096];
	size_t qlen = 0;
	dance_error_t err;
	setup(&p, &key, &t, q, &qlen);
	size_t len = primary_answer(&p, 1, 1, msg, sizeof(msg), 1);
	int was_signed = 0;
	CU_ASSERT_EQUAL_FATAL(dp_tsig_verify(&t, msg, &len, &was_signed, &err),
	                      DANCE_OK);
	dance_code_t rc = DANCE_OK;
	int i;
	for (i = 0; i < DP_TSIG_MAX_UNSIGNED + 1 && rc == DANCE_OK; i++) {
		len = dp_test_response("example.test", KNOT_RRTYPE_AXFR, 0x4242,
		                       (const uint32_t[]){0}, (const int[]){0},
		                       1, msg, sizeof(msg));
		rc = dp_tsig_verify(&t, msg, &len, &was_signed, &err);
	}
	CU_ASSERT_EQUAL(rc, DANCE_EINVAL);
	CU_ASSERT_EQUAL(i, DP_TSIG_MAX_UNSIGNED + 1);
	teardown(&p, &key, &t);
}

static void test_key_parse(void)
{
	knot_tsig_key_t key;
	dance_error_t err;
	CU_ASSERT_EQUAL(dp_tsig_key_parse("proxy-key:c2VjcmV0", &key, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(key.algorithm, DNSSEC_TSIG_HMAC_SHA256);
	knot_tsig_key_deinit(&key);
	CU_ASSERT_EQUAL(dp_tsig_key_parse("hmac-md4:k:c2VjcmV0", &key, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dp_tsig_key_parse("justname", &key, &err),
	                DANCE_EINVAL);
}

void register_tsig_suite(void)
{
	CU_pSuite s = CU_add_suite("tsig", NULL, NULL);
	CU_add_test(s, "sign/verify round trip with libknot", test_round_trip);
	CU_add_test(s, "tampered, unsigned first, wrong key", test_tampered);
	CU_add_test(s, "too many unsigned messages", test_unsigned_run);
	CU_add_test(s, "key strings", test_key_parse);
}
