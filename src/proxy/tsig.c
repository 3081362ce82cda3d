/* tsig.c: TSIG signing and verification of the backend leg. */
#include "tsig.h"

#include <stdlib.h>
#include <string.h>

dance_code_t dp_tsig_key_parse(const char *spec, knot_tsig_key_t *key,
                               dance_error_t *err)
{
	memset(key, 0, sizeof(*key));
	int rc = knot_tsig_key_init_str(key, spec);
	if (rc != KNOT_EOK) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "bad TSIG key \"[alg:]name:secret\": %s",
		                       knot_strerror(rc));
	}
	return DANCE_OK;
}

void dp_tsig_init(dp_tsig_t *t, const knot_tsig_key_t *key)
{
	memset(t, 0, sizeof(*t));
	t->key = key;
}

void dp_tsig_clear(dp_tsig_t *t)
{
	free(t->buf);
	const knot_tsig_key_t *key = t->key;
	dp_tsig_init(t, key);
}

dance_code_t dp_tsig_sign_query(dp_tsig_t *t, uint8_t *msg, size_t *len,
                                size_t max, dance_error_t *err)
{
	free(t->buf);
	const knot_tsig_key_t *key = t->key;
	dp_tsig_init(t, key);
	t->digest_size = sizeof(t->digest);
	int rc = knot_tsig_sign(msg, len, max, NULL, 0, t->digest,
	                        &t->digest_size, t->key, 0, 0);
	if (rc != KNOT_EOK) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot TSIG-sign the query: %s",
		                       knot_strerror(rc));
	}
	return DANCE_OK;
}

static dance_code_t buffer_add(dp_tsig_t *t, const uint8_t *msg, size_t len,
                               dance_error_t *err)
{
	if (t->used + len > t->cap) {
		size_t cap = (t->used + len) * 2;
		uint8_t *grown = realloc(t->buf, cap);
		if (grown == NULL) {
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory");
		}
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->used, msg, len);
	t->used += len;
	return DANCE_OK;
}

dance_code_t dp_tsig_verify(dp_tsig_t *t, uint8_t *msg, size_t *len,
                            int *was_signed, dance_error_t *err)
{
	*was_signed = 0;
	knot_pkt_t *pkt = knot_pkt_new(msg, (uint16_t)*len, NULL);
	if (pkt == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	/* Without KNOT_PF_KEEPWIRE the TSIG RR leaves the wire (size and
	 * ARCOUNT): the form the digest is computed over and relayed in. */
	int rc = knot_pkt_parse(pkt, 0);
	if (rc != KNOT_EOK) {
		knot_pkt_free(pkt);
		return dance_error_set(err, DANCE_EINVAL,
		                       "backend response does not parse: %s",
		                       knot_strerror(rc));
	}
	dance_code_t result = DANCE_OK;
	if (pkt->tsig_rr == NULL) {
		if (!t->verified_any) {
			result =
			        dance_error_set(err, DANCE_EINVAL,
			                        "first backend response is not "
			                        "TSIG-signed (rcode %s)",
			                        knot_pkt_ext_rcode_name(pkt));
		} else if (++t->unsigned_count > DP_TSIG_MAX_UNSIGNED) {
			result =
			        dance_error_set(err, DANCE_EINVAL,
			                        "more than %d unsigned backend "
			                        "messages in a row",
			                        DP_TSIG_MAX_UNSIGNED);
		} else {
			result = buffer_add(t, msg, *len, err);
		}
		knot_pkt_free(pkt);
		return result;
	}
	const uint8_t *wire = msg;
	size_t wire_len = pkt->size;
	if (t->used > 0) {
		result = buffer_add(t, msg, pkt->size, err);
		wire = t->buf;
		wire_len = t->used;
	}
	if (result == DANCE_OK) {
		if (!t->verified_any) {
			rc = knot_tsig_client_check(pkt->tsig_rr, wire,
			                            wire_len, t->digest,
			                            t->digest_size, t->key, 0);
		} else {
			rc = knot_tsig_client_check_next(
			        pkt->tsig_rr, wire, wire_len, t->digest,
			        t->digest_size, t->key, t->prev_signed);
		}
		if (rc != KNOT_EOK) {
			result = dance_error_set(err, DANCE_EINVAL,
			                         "backend response fails TSIG "
			                         "verification: %s",
			                         knot_strerror(rc));
		}
	}
	if (result == DANCE_OK) {
		size_t mac_len = knot_tsig_rdata_mac_length(pkt->tsig_rr);
		if (mac_len > sizeof(t->digest)) {
			mac_len = sizeof(t->digest);
		}
		memcpy(t->digest, knot_tsig_rdata_mac(pkt->tsig_rr), mac_len);
		t->digest_size = mac_len;
		t->prev_signed = knot_tsig_rdata_time_signed(pkt->tsig_rr);
		t->verified_any = 1;
		t->unsigned_count = 0;
		t->used = 0;
		*len = pkt->size; /* the TSIG RR is stripped */
		*was_signed = 1;
	}
	knot_pkt_free(pkt);
	return result;
}

int dp_tsig_complete(const dp_tsig_t *t)
{
	return t->verified_any && t->unsigned_count == 0;
}
