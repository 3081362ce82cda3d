/* tlsa.c: TLSA records in wire form, copies, sets and RFC 7218 names. */
#include "dance/tlsa.h"
#include "tlsa_internal.h"

#include <stdlib.h>
#include <string.h>

/* Usage, selector and matching type: one byte each before the data. */
#define TLSA_HEADER_LEN 3

/* Length a matching type fixes for the association data; 0 if free. */
static size_t mtype_fixed_length(uint8_t mtype)
{
	switch (mtype) {
	case DANCE_MTYPE_SHA256: return 32;
	case DANCE_MTYPE_SHA512: return 64;
	default: return 0;
	}
}

/* Checks the association data length: not empty, the length the matching
 * type fixes, and small enough for the 16-bit RDATA length. */
static dance_code_t check_data_length(uint8_t mtype, size_t len,
                                      dance_error_t *err)
{
	size_t want = mtype_fixed_length(mtype);
	if (len == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA association data is empty");
	}
	if (want != 0 && len != want) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "TLSA matching type %u (%s) needs %zu bytes of data, "
		        "got %zu",
		        mtype, dance_tlsa_mtype_name(mtype), want, len);
	}
	if (len > UINT16_MAX - TLSA_HEADER_LEN) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA association data too long: %zu "
		                       "bytes",
		                       len);
	}
	return DANCE_OK;
}

/* Fills out with the fields and a copy of data, after checking lengths. */
static dance_code_t tlsa_fill(dance_tlsa_t *out, uint8_t usage,
                              uint8_t selector, uint8_t mtype,
                              const uint8_t *data, size_t len,
                              dance_error_t *err)
{
	dance_code_t rc = check_data_length(mtype, len, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	uint8_t *copy = malloc(len);
	if (copy == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "out of memory for TLSA data");
	}
	memcpy(copy, data, len);
	out->usage = usage;
	out->selector = selector;
	out->mtype = mtype;
	out->data = copy;
	out->data_len = len;
	return DANCE_OK;
}

dance_code_t dance_tlsa_from_wire(dance_tlsa_t *out, const uint8_t *rdata,
                                  size_t len, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	if (rdata == NULL || len < TLSA_HEADER_LEN + 1) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "TLSA RDATA too short: %zu bytes, need at least %d",
		        rdata == NULL ? 0 : len, TLSA_HEADER_LEN + 1);
	}
	return tlsa_fill(out, rdata[0], rdata[1], rdata[2],
	                 rdata + TLSA_HEADER_LEN, len - TLSA_HEADER_LEN, err);
}

dance_code_t dance_tlsa_make(dance_tlsa_t *out, uint8_t usage, uint8_t selector,
                             uint8_t mtype, const uint8_t *data, size_t len,
                             dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	return tlsa_fill(out, usage, selector, mtype, data, len, err);
}

dance_code_t dance_tlsa_to_wire(const dance_tlsa_t *t, uint8_t *buf, size_t cap,
                                size_t *len, dance_error_t *err)
{
	size_t need = TLSA_HEADER_LEN + t->data_len;
	if (cap < need) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "buffer of %zu bytes too small for TLSA "
		                       "RDATA of %zu bytes",
		                       cap, need);
	}
	buf[0] = t->usage;
	buf[1] = t->selector;
	buf[2] = t->mtype;
	if (t->data_len > 0) {
		memcpy(buf + TLSA_HEADER_LEN, t->data, t->data_len);
	}
	*len = need;
	return DANCE_OK;
}

dance_code_t dance_tlsa_copy(dance_tlsa_t *dst, const dance_tlsa_t *src,
                             dance_error_t *err)
{
	memset(dst, 0, sizeof(*dst));
	return tlsa_fill(dst, src->usage, src->selector, src->mtype, src->data,
	                 src->data_len, err);
}

void dance_tlsa_clear(dance_tlsa_t *t)
{
	if (t != NULL) {
		free(t->data);
		memset(t, 0, sizeof(*t));
	}
}

int dance_tlsa_equal(const dance_tlsa_t *a, const dance_tlsa_t *b)
{
	return a->usage == b->usage && a->selector == b->selector &&
	       a->mtype == b->mtype && a->data_len == b->data_len &&
	       (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}

const char *dance_tlsa_usage_name(uint8_t usage)
{
	switch (usage) {
	case DANCE_USAGE_PKIX_TA: return "PKIX-TA";
	case DANCE_USAGE_PKIX_EE: return "PKIX-EE";
	case DANCE_USAGE_DANE_TA: return "DANE-TA";
	case DANCE_USAGE_DANE_EE: return "DANE-EE";
	case DANCE_USAGE_PRIVCERT: return "PrivCert";
	default: return NULL;
	}
}

const char *dance_tlsa_selector_name(uint8_t selector)
{
	switch (selector) {
	case DANCE_SELECTOR_CERT: return "Cert";
	case DANCE_SELECTOR_SPKI: return "SPKI";
	case DANCE_SELECTOR_PRIVSEL: return "PrivSel";
	default: return NULL;
	}
}

const char *dance_tlsa_mtype_name(uint8_t mtype)
{
	switch (mtype) {
	case DANCE_MTYPE_FULL: return "Full";
	case DANCE_MTYPE_SHA256: return "SHA2-256";
	case DANCE_MTYPE_SHA512: return "SHA2-512";
	case DANCE_MTYPE_PRIVMATCH: return "PrivMatch";
	default: return NULL;
	}
}

void dance_tlsa_set_init(dance_tlsa_set_t *set)
{
	memset(set, 0, sizeof(*set));
}

dance_code_t dance_tlsa_set_add(dance_tlsa_set_t *set, const dance_tlsa_t *rec,
                                dance_error_t *err)
{
	if (set->count == set->capacity) {
		size_t cap = set->capacity == 0 ? 4 : set->capacity * 2;
		dance_tlsa_t *grown =
		        realloc(set->records, cap * sizeof(*grown));
		if (grown == NULL) {
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory for TLSA set");
		}
		set->records = grown;
		set->capacity = cap;
	}
	dance_code_t rc = dance_tlsa_copy(&set->records[set->count], rec, err);
	if (rc == DANCE_OK) {
		set->count++;
	}
	return rc;
}

dance_code_t dance_tlsa_set_copy(dance_tlsa_set_t *dst,
                                 const dance_tlsa_set_t *src,
                                 dance_error_t *err)
{
	dance_tlsa_set_init(dst);
	for (size_t i = 0; i < src->count; i++) {
		dance_code_t rc =
		        dance_tlsa_set_add(dst, &src->records[i], err);
		if (rc != DANCE_OK) {
			dance_tlsa_set_clear(dst);
			return rc;
		}
	}
	return DANCE_OK;
}

void dance_tlsa_set_clear(dance_tlsa_set_t *set)
{
	if (set == NULL) {
		return;
	}
	for (size_t i = 0; i < set->count; i++) {
		dance_tlsa_clear(&set->records[i]);
	}
	free(set->records);
	memset(set, 0, sizeof(*set));
}
