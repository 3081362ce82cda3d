/* tlsa_text.c: TLSA records in presentation form (RFC 6698 2.2), with the
 * RFC 7218 mnemonics accepted for the three fields.
 *
 * Accepted: "[owner] [ttl] [class] TLSA" (zone-file prefix, optional), then
 * usage, selector and matching type (numbers or mnemonics), then the
 * association data as hex, possibly split by white space. Parentheses group
 * lines as in a zone file and must balance; ';' starts a comment that runs
 * to the end of its line. */
#include "dance/tlsa.h"
#include "tlsa_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>

#define TOKEN_SEPARATORS " \t\r\n\f\v"

/* The RDATA fields before the association data. */
#define TLSA_FIELDS 3

/* A zone-file prefix has at most owner, TTL and class before the type. */
#define PREFIX_MAX 3

typedef struct tokens {
	char *buf;  /* owned copy of the input, split in place */
	char **tok; /* owned array of pointers into buf */
	size_t count;
	size_t capacity;
} tokens_t;

static void tokens_free(tokens_t *t)
{
	free(t->tok);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

static dance_code_t tokens_push(tokens_t *t, char *tok, dance_error_t *err)
{
	if (t->count == t->capacity) {
		size_t cap = t->capacity == 0 ? 16 : t->capacity * 2;
		char **grown = realloc(t->tok, cap * sizeof(*grown));
		if (grown == NULL) {
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory for TLSA text");
		}
		t->tok = grown;
		t->capacity = cap;
	}
	t->tok[t->count++] = tok;
	return DANCE_OK;
}

/* Blanks a ';' comment from p to the end of its line; returns the last
 * character blanked, so that the next one is the '\n' or the end. */
static char *blank_comment(char *p)
{
	while (p[1] != '\0' && p[1] != '\n') {
		*p++ = ' ';
	}
	*p = ' ';
	return p;
}

/* Blanks comments and parentheses, checking that the parentheses balance. */
static dance_code_t blank_comments_and_parens(char *buf, dance_error_t *err)
{
	size_t depth = 0;
	for (char *p = buf; *p != '\0'; p++) {
		switch (*p) {
		case ';': p = blank_comment(p); break;
		case '(':
			depth++;
			*p = ' ';
			break;
		case ')':
			if (depth == 0) {
				return dance_error_set(
				        err, DANCE_EINVAL,
				        "TLSA text has a ')' "
				        "without a matching '('");
			}
			depth--;
			*p = ' ';
			break;
		default: break;
		}
	}
	if (depth != 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA text has an unclosed '('");
	}
	return DANCE_OK;
}

/* Splits text into tokens at white space, without comments and
 * parentheses. */
static dance_code_t tokenize(const char *text, tokens_t *t, dance_error_t *err)
{
	memset(t, 0, sizeof(*t));
	t->buf = strdup(text);
	if (t->buf == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "out of memory for TLSA text");
	}
	dance_code_t rc = blank_comments_and_parens(t->buf, err);
	char *save = NULL;
	char *tok = strtok_r(t->buf, TOKEN_SEPARATORS, &save);
	while (rc == DANCE_OK && tok != NULL) {
		rc = tokens_push(t, tok, err);
		tok = strtok_r(NULL, TOKEN_SEPARATORS, &save);
	}
	return rc;
}

static int is_type_tlsa(const char *tok)
{
	return strcasecmp(tok, "TLSA") == 0 || strcasecmp(tok, "TYPE52") == 0;
}

static int is_class_in(const char *tok)
{
	return strcasecmp(tok, "IN") == 0;
}

/* A TTL: digits, or BIND-style groups of digits and a unit ("1h30m"). */
static int is_ttl(const char *tok)
{
	const char *p = tok;
	if (!isdigit((unsigned char)*p)) {
		return 0;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p)) {
			return 0;
		}
		while (isdigit((unsigned char)*p)) {
			p++;
		}
		if (*p != '\0' && strchr("wdhmsWDHMS", *p) != NULL) {
			p++;
		}
	}
	return 1;
}

/* Index of the first RDATA field: just after the type of a zone-file
 * prefix, which is among the first PREFIX_MAX + 1 tokens; 0 without one.
 * The last such type token wins, so an owner named "tlsa" works. */
static size_t rdata_start(const tokens_t *t)
{
	size_t start = 0;
	for (size_t i = 0; i < t->count && i <= PREFIX_MAX; i++) {
		if (is_type_tlsa(t->tok[i])) {
			start = i + 1;
		}
	}
	return start;
}

/* Index of the first of tok[0..n) that is not an optional TTL or class (each
 * at most once, in either order); n when all are. */
static size_t first_not_ttl_or_class(char *const *tok, size_t n)
{
	int seen_ttl = 0, seen_class = 0;
	for (size_t i = 0; i < n; i++) {
		if (!seen_class && is_class_in(tok[i])) {
			seen_class = 1;
		} else if (!seen_ttl && is_ttl(tok[i])) {
			seen_ttl = 1;
		} else {
			return i;
		}
	}
	return n;
}

/* Checks the tokens before the type: "[owner] [ttl] [class]". */
static dance_code_t check_prefix(const tokens_t *t, size_t start,
                                 dance_error_t *err)
{
	if (start == 0) {
		return DANCE_OK;
	}
	size_t n = start - 1; /* tokens before the type */
	if (first_not_ttl_or_class(t->tok, n) == n) {
		return DANCE_OK; /* no owner */
	}
	size_t bad = 1 + first_not_ttl_or_class(t->tok + 1, n - 1);
	if (bad == n) {
		return DANCE_OK; /* owner, then TTL and class */
	}
	return dance_error_set(
	        err, DANCE_EINVAL,
	        "TLSA zone-file prefix field \"%s\" is neither a "
	        "TTL nor the class IN (expected \"owner [ttl] "
	        "[IN] TLSA\")",
	        t->tok[bad]);
}

/* Checks that the RDATA has its three fields and some data. */
static dance_code_t check_field_count(const tokens_t *t, size_t first,
                                      dance_error_t *err)
{
	size_t have = t->count - first;
	if (have < TLSA_FIELDS) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA text is missing fields: got %zu, "
		                       "needs 4 (usage selector matching-type "
		                       "data)",
		                       have);
	}
	if (have == TLSA_FIELDS) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA association data is empty: no hex "
		                       "after the matching type");
	}
	return DANCE_OK;
}

/* A field given as a decimal number, which must fit in 0..255. */
static dance_code_t parse_field_number(const char *tok, const char *what,
                                       uint8_t *out, dance_error_t *err)
{
	char *end = NULL;
	unsigned long v = strtoul(tok, &end, 10);
	if (*end != '\0') {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA %s \"%s\" is not a number", what,
		                       tok);
	}
	if (v > UINT8_MAX) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLSA %s \"%s\" is out of range 0..255",
		                       what, tok);
	}
	*out = (uint8_t)v;
	return DANCE_OK;
}

typedef const char *(*field_namer)(uint8_t value);

/* A field given as its RFC 7218 mnemonic (case-insensitive). */
static dance_code_t parse_field_name(const char *tok, const char *what,
                                     field_namer namer, uint8_t *out,
                                     dance_error_t *err)
{
	for (unsigned v = 0; v <= UINT8_MAX; v++) {
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

static dance_code_t parse_field(const char *tok, const char *what,
                                field_namer namer, uint8_t *out,
                                dance_error_t *err)
{
	if (isdigit((unsigned char)tok[0])) {
		return parse_field_number(tok, what, out, err);
	}
	return parse_field_name(tok, what, namer, out, err);
}

/* Joins tok[first..count) into one malloc'ed string, checking that every
 * character is a hex digit. */
static dance_code_t join_hex_tokens(const tokens_t *t, size_t first, char **out,
                                    size_t *out_len, dance_error_t *err)
{
	size_t len = 0;
	for (size_t i = first; i < t->count; i++) {
		len += strlen(t->tok[i]);
	}
	char *hex = malloc(len + 1);
	if (hex == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "out of memory for TLSA data");
	}
	size_t at = 0;
	for (size_t i = first; i < t->count; i++) {
		size_t n = strlen(t->tok[i]);
		memcpy(hex + at, t->tok[i], n);
		at += n;
	}
	hex[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)hex[i])) {
			dance_code_t rc = dance_error_set(
			        err, DANCE_EINVAL,
			        "TLSA data has a non-hex character '%c' at "
			        "position %zu",
			        hex[i], i);
			free(hex);
			return rc;
		}
	}
	*out = hex;
	*out_len = len;
	return DANCE_OK;
}

/* Decodes the hex tokens from first on (gnutls_free the result). */
static dance_code_t decode_hex(const tokens_t *t, size_t first,
                               gnutls_datum_t *out, dance_error_t *err)
{
	char *hex = NULL;
	size_t len = 0;
	dance_code_t rc = join_hex_tokens(t, first, &hex, &len, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (len % 2 != 0) {
		rc = dance_error_set(
		        err, DANCE_EINVAL,
		        "TLSA data has an odd number of hex digits "
		        "(%zu)",
		        len);
	} else {
		gnutls_datum_t in = {(unsigned char *)hex, (unsigned)len};
		int grc = gnutls_hex_decode2(&in, out);
		if (grc < 0) {
			rc = dance_error_set(err, DANCE_EINVAL,
			                     "TLSA data is not valid hex: %s",
			                     gnutls_strerror(grc));
		}
	}
	free(hex);
	return rc;
}

/* Parses the RDATA fields of tokens from first on into out. */
static dance_code_t parse_rdata(const tokens_t *t, size_t first,
                                dance_tlsa_t *out, dance_error_t *err)
{
	uint8_t usage = 0, selector = 0, mtype = 0;
	dance_code_t rc = parse_field(t->tok[first], "usage",
	                              dance_tlsa_usage_name, &usage, err);
	if (rc == DANCE_OK) {
		rc = parse_field(t->tok[first + 1], "selector",
		                 dance_tlsa_selector_name, &selector, err);
	}
	if (rc == DANCE_OK) {
		rc = parse_field(t->tok[first + 2], "matching type",
		                 dance_tlsa_mtype_name, &mtype, err);
	}
	gnutls_datum_t data = {NULL, 0};
	if (rc == DANCE_OK) {
		rc = decode_hex(t, first + TLSA_FIELDS, &data, err);
	}
	if (rc == DANCE_OK) {
		rc = dance_tlsa_make(out, usage, selector, mtype, data.data,
		                     data.size, err);
	}
	gnutls_free(data.data);
	return rc;
}

dance_code_t dance_tlsa_from_text(dance_tlsa_t *out, const char *text,
                                  dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "no TLSA text given");
	}
	tokens_t t;
	dance_code_t rc = tokenize(text, &t, err);
	size_t first = rdata_start(&t);
	if (rc == DANCE_OK) {
		rc = check_prefix(&t, first, err);
	}
	if (rc == DANCE_OK) {
		rc = check_field_count(&t, first, err);
	}
	if (rc == DANCE_OK) {
		rc = parse_rdata(&t, first, out, err);
	}
	tokens_free(&t);
	return rc;
}

/* Upper-case hex of data (gnutls_free the result). */
static int encode_hex_upper(const uint8_t *data, size_t len,
                            gnutls_datum_t *hex)
{
	gnutls_datum_t in = {(unsigned char *)data, (unsigned)len};
	int rc = gnutls_hex_encode2(&in, hex);
	if (rc < 0) {
		return rc;
	}
	for (unsigned i = 0; i < hex->size; i++) {
		hex->data[i] = (unsigned char)toupper(hex->data[i]);
	}
	return 0;
}

char *dance_tlsa_to_text(const dance_tlsa_t *t)
{
	char *text = NULL;
	if (t->data_len == 0) {
		/* Not a valid record, but printable: the fields alone. */
		if (asprintf(&text, "%u %u %u", t->usage, t->selector,
		             t->mtype) < 0) {
			return NULL;
		}
		return text;
	}
	gnutls_datum_t hex = {NULL, 0};
	if (encode_hex_upper(t->data, t->data_len, &hex) < 0) {
		return NULL;
	}
	if (asprintf(&text, "%u %u %u %.*s", t->usage, t->selector, t->mtype,
	             (int)hex.size, (const char *)hex.data) < 0) {
		text = NULL;
	}
	gnutls_free(hex.data);
	return text;
}
