/* json.c: the JSON writer (see json.h). */
#include "json.h"

#include <stddef.h>
#include <stdint.h>

void json_init(json_t *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->count[0] = 0;
	j->after_key = 0;
}

/* Writes the comma before a value or key when one is due. */
static void separate(json_t *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->count[j->depth]++ > 0) {
		fputc(',', j->out);
	}
}

static void open_container(json_t *j, int c)
{
	separate(j);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH) {
		j->depth++;
	}
	j->count[j->depth] = 0;
}

static void close_container(json_t *j, int c)
{
	fputc(c, j->out);
	if (j->depth > 0) {
		j->depth--;
	}
	if (j->depth == 0) {
		fputc('\n', j->out);
		fflush(j->out);
	}
}

void json_object_begin(json_t *j)
{
	open_container(j, '{');
}

void json_object_end(json_t *j)
{
	close_container(j, '}');
}

void json_array_begin(json_t *j)
{
	open_container(j, '[');
}

void json_array_end(json_t *j)
{
	close_container(j, ']');
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80) {
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return len;
}

static void write_escaped_char(FILE *out, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", out); break;
	case '\\': fputs("\\\\", out); break;
	case '\n': fputs("\\n", out); break;
	case '\r': fputs("\\r", out); break;
	case '\t': fputs("\\t", out); break;
	case '\b': fputs("\\b", out); break;
	case '\f': fputs("\\f", out); break;
	default:
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
}

static void write_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', out);
	while (*p != '\0') {
		size_t len = utf8_sequence(p);
		if (len == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (len == 1) {
			write_escaped_char(out, *p++);
		} else {
			fwrite(p, 1, len, out);
			p += len;
		}
	}
	fputc('"', out);
}

void json_key(json_t *j, const char *key)
{
	separate(j);
	write_string(j->out, key);
	fputc(':', j->out);
	j->after_key = 1;
}

void json_string(json_t *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	separate(j);
	write_string(j->out, s);
}

void json_int(json_t *j, long long v)
{
	separate(j);
	fprintf(j->out, "%lld", v);
}

void json_bool(json_t *j, int v)
{
	separate(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(json_t *j)
{
	separate(j);
	fputs("null", j->out);
}

void json_kstr(json_t *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kint(json_t *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kbool(json_t *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_knull(json_t *j, const char *key)
{
	json_key(j, key);
	json_null(j);
}
