/* fuzz_tlsa.c: TLSA RDATA in wire form and in presentation form.
 *
 * Each input is parsed both as wire RDATA (dance_tlsa_from_wire) and as
 * text (dance_tlsa_from_text). A refusal must carry a reason; whatever
 * parses must survive the round trips wire -> record -> wire, record ->
 * text -> record and copies into a set unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dance/tlsa.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(dance_code_t rc, const dance_error_t *err)
{
	FUZZ_CHECK(rc == DANCE_EINVAL || rc == DANCE_ENOMEM,
	           "unexpected code %d", (int)rc);
	FUZZ_CHECK(err->code == rc && err->reason[0] != '\0',
	           "refusal without a reason");
}

static void check_wire_roundtrip(const dance_tlsa_t *t)
{
	size_t cap = 3 + t->data_len, len = 0;
	uint8_t *wire = malloc(cap);
	dance_error_t err;
	if (wire == NULL) {
		return;
	}
	FUZZ_CHECK(dance_tlsa_to_wire(t, wire, cap - 1, &len, &err) ==
	                   DANCE_EINVAL,
	           "to_wire accepted a short buffer");
	FUZZ_CHECK(dance_tlsa_to_wire(t, wire, cap, &len, &err) == DANCE_OK,
	           "to_wire: %s", err.reason);
	FUZZ_CHECK(len == cap, "to_wire length %zu, want %zu", len, cap);
	dance_tlsa_t back;
	FUZZ_CHECK(dance_tlsa_from_wire(&back, wire, len, &err) == DANCE_OK,
	           "own wire form refused: %s", err.reason);
	FUZZ_CHECK(dance_tlsa_equal(t, &back), "wire round trip differs");
	dance_tlsa_clear(&back);
	free(wire);
}

static void check_text_roundtrip(const dance_tlsa_t *t)
{
	char *text = dance_tlsa_to_text(t);
	dance_error_t err;
	if (text == NULL) {
		return;
	}
	dance_tlsa_t back;
	FUZZ_CHECK(dance_tlsa_from_text(&back, text, &err) == DANCE_OK,
	           "own text \"%.80s\" refused: %s", text, err.reason);
	FUZZ_CHECK(dance_tlsa_equal(t, &back), "text round trip differs");
	dance_tlsa_clear(&back);
	free(text);
}

static void check_set(const dance_tlsa_t *t)
{
	dance_tlsa_set_t set, copy;
	dance_error_t err;
	dance_tlsa_set_init(&set);
	for (int i = 0; i < 5; i++) {
		if (dance_tlsa_set_add(&set, t, &err) != DANCE_OK) {
			break;
		}
	}
	if (dance_tlsa_set_copy(&copy, &set, &err) == DANCE_OK) {
		FUZZ_CHECK(copy.count == set.count, "set copy lost records");
		for (size_t i = 0; i < copy.count; i++) {
			FUZZ_CHECK(dance_tlsa_equal(&copy.records[i], t),
			           "set copy differs");
		}
		dance_tlsa_set_clear(&copy);
	}
	dance_tlsa_set_clear(&set);
}

static void check_record(const dance_tlsa_t *t)
{
	FUZZ_CHECK(t->data != NULL && t->data_len > 0, "record without data");
	if (t->mtype == DANCE_MTYPE_SHA256) {
		FUZZ_CHECK(t->data_len == 32, "SHA2-256 with %zu bytes",
		           t->data_len);
	}
	if (t->mtype == DANCE_MTYPE_SHA512) {
		FUZZ_CHECK(t->data_len == 64, "SHA2-512 with %zu bytes",
		           t->data_len);
	}
	(void)dance_tlsa_usage_name(t->usage);
	(void)dance_tlsa_selector_name(t->selector);
	(void)dance_tlsa_mtype_name(t->mtype);
	check_wire_roundtrip(t);
	check_text_roundtrip(t);
	check_set(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dance_tlsa_t t;
	dance_error_t err;
	dance_code_t rc = dance_tlsa_from_wire(&t, data, size, &err);
	if (rc == DANCE_OK) {
		check_record(&t);
		dance_tlsa_clear(&t);
	} else {
		check_refusal(rc, &err);
		FUZZ_CHECK(t.data == NULL, "refused record keeps data");
	}

	char *text = fuzz_strndup(data, size);
	if (text == NULL) {
		return 0;
	}
	rc = dance_tlsa_from_text(&t, text, &err);
	if (rc == DANCE_OK) {
		check_record(&t);
		dance_tlsa_clear(&t);
	} else {
		check_refusal(rc, &err);
		FUZZ_CHECK(t.data == NULL, "refused text keeps data");
	}
	free(text);
	return 0;
}
