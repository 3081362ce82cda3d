/* tlsa_text.c: TLSA records in presentation form (RFC 6698 2.2), with the
 * RFC 7218 mnemonics accepted for the three fields. */
#include "dance/tlsa.h"
#include "tlsa_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>

#define MAX_TOKENS 512

typedef struct tokens {
	char *buf; /* owned copy of the input, split in place */
	char *tok[MAX_TOKENS];
	size_t count;
} tokens_t;

/* Splits text at white space and parentheses; a ';' starts a comment. */
static dance_code_t tokenize(const char *text, tokens_t *t, dance_error_t *err)
{
	memset(t, 0, sizeof(*t));
	t->buf = strdup(text);
	if (t->buf == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	char *comment = strchr(t->buf, ';');
	if (comment != NULL) {
		*comment = '\0';
	}
	for (char *p = t->buf; *p != '\0'; p++) {
		if (*p == '(' || *p == ')') {
			*p = ' ';
		}
	}
	char *save = NULL;
	for (char *tok = strtok_r(t->buf, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (t->count == MAX_TOKENS) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "TLSA text has too many fields");
		}
		t->tok[t->count++] = tok;
	}
	return DANCE_OK;
}

typedef const char *(*field_namer)(uint8_t value);

/* Parses a field given as a number 0..255 or as its RFC 7218 mnemonic. */
static dance_code_t parse_field(const char *tok, const char *what,
                                field_namer namer, uint8_t *out,
                                dance_error_t *err)
{
	if (isdigit((unsigned char)tok[0])) {
		char *end = NULL;
		unsigned long v = strtoul(tok, &end, 10);
		if (*end != '\0' || v > 255) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "TLSA %s \"%s\" is not a number "
			                       "0..255",
			                       what, tok);
		}
		*out = (uint8_t)v;
		return DANCE_OK;
	}
	for (unsigned v = 0; v <= 255; v++) {
		const char *name = namer((uint8_t)v);
		if (name != NULL && strcasecmp(name, tok) == 0) {
			*out = (uint8_t)v;
			return DANCE_OK;
		}
	}
	return dance_error_set(err, DANCE_EINVAL,
	                       "TLSA %s \"%s\" is neither a number nor an RFC "
	                       "7218 name",
	                       what, tok);
}

/* Index of the first RDATA field: after a "TLSA" type token if any. */
static size_t rdata_start(const tokens_t *t)
{
	for (size_t i = 0; i < t->count; i++) {
		if (strcasecmp(t->tok[i], "TLSA") == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* Joins the hex tokens from first on and decodes them. */
static dance_code_t decode_hex(const tokens_t *t, size_t first,
                               gnutls_datum_t *out, dance_error_t *err)
{
	size_t len = 0;
	for (size_t i = first; i < t->count; i++) {
		len += strlen(t->tok[i]);
	}
	char *hex = malloc(len + 1);
	if (hex == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	hex[0] = '\0';
	for (size_t i = first; i < t->count; i++) {
		strcat(hex, t->tok[i]);
	}
	dance_code_t rc = DANCE_OK;
	for (size_t i = 0; i < len && rc == DANCE_OK; i++) {
		if (!isxdigit((unsigned char)hex[i])) {
			rc = dance_error_set(
			        err, DANCE_EINVAL,
			        "TLSA data has a non-hex character "
			        "'%c' at position %zu",
			        hex[i], i);
		}
	}
	if (rc == DANCE_OK && len % 2 != 0) {
		rc = dance_error_set(
		        err, DANCE_EINVAL,
		        "TLSA data has an odd number of hex digits "
		        "(%zu)",
		        len);
	}
	if (rc == DANCE_OK) {
		gnutls_datum_t in = {(unsigned char *)hex, (unsigned)len};
		if (gnutls_hex_decode2(&in, out) < 0) {
			rc = dance_error_set(err, DANCE_EINVAL,
			                     "TLSA data is not valid hex");
		}
	}
	free(hex);
	return rc;
}

dance_code_t dance_tlsa_from_text(dance_tlsa_t *out, const char *text,
                                  dance_error_t *err)
{
	tokens_t t;
	memset(out, 0, sizeof(*out));
	if (text == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "no TLSA text given");
	}
	dance_code_t rc = tokenize(text, &t, err);
	size_t first = rdata_start(&t);
	if (rc == DANCE_OK && t.count < first + 4) {
		rc = dance_error_set(err, DANCE_EINVAL,
		                     "TLSA text needs 4 fields (usage selector "
		                     "matching-type data), got %zu",
		                     t.count > first ? t.count - first : 0);
	}
	uint8_t usage = 0, selector = 0, mtype = 0;
	if (rc == DANCE_OK) {
		rc = parse_field(t.tok[first], "usage", dance_tlsa_usage_name,
		                 &usage, err);
	}
	if (rc == DANCE_OK) {
		rc = parse_field(t.tok[first + 1], "selector",
		                 dance_tlsa_selector_name, &selector, err);
	}
	if (rc == DANCE_OK) {
		rc = parse_field(t.tok[first + 2], "matching type",
		                 dance_tlsa_mtype_name, &mtype, err);
	}
	gnutls_datum_t data = {NULL, 0};
	if (rc == DANCE_OK) {
		rc = decode_hex(&t, first + 3, &data, err);
	}
	if (rc == DANCE_OK) {
		rc = dance_tlsa_make(out, usage, selector, mtype, data.data,
		                     data.size, err);
	}
	gnutls_free(data.data);
	free(t.buf);
	return rc;
}

char *dance_tlsa_to_text(const dance_tlsa_t *t)
{
	gnutls_datum_t in = {t->data, (unsigned)t->data_len};
	gnutls_datum_t hex = {NULL, 0};
	if (gnutls_hex_encode2(&in, &hex) < 0) {
		return NULL;
	}
	char *text = NULL;
	for (unsigned i = 0; i < hex.size; i++) {
		hex.data[i] = (unsigned char)toupper(hex.data[i]);
	}
	if (asprintf(&text, "%u %u %u %.*s", t->usage, t->selector, t->mtype,
	             (int)hex.size, (const char *)hex.data) < 0) {
		text = NULL;
	}
	gnutls_free(hex.data);
	return text;
}
