/* json.h: a small streaming JSON writer: one object on one line, strings
 * escaped (control characters, quotes, backslashes; invalid UTF-8 becomes
 * U+FFFD), commas placed by the writer. */
#ifndef DANCE_CLI_JSON_H
#define DANCE_CLI_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH 16

typedef struct json {
	FILE *out;
	int depth;
	int count[JSON_MAX_DEPTH]; /* values written at each depth */
	int after_key;             /* a key was written, its value is next */
} json_t;

void json_init(json_t *j, FILE *out);

void json_object_begin(json_t *j);
/* Ends an object; at depth 0 also ends the line. */
void json_object_end(json_t *j);
void json_array_begin(json_t *j);
void json_array_end(json_t *j);

void json_key(json_t *j, const char *key);
void json_string(json_t *j, const char *s); /* NULL writes null */
void json_int(json_t *j, long long v);
void json_bool(json_t *j, int v);
void json_null(json_t *j);

/* key and value in one call. */
void json_kstr(json_t *j, const char *key, const char *s);
void json_kint(json_t *j, const char *key, long long v);
void json_kbool(json_t *j, const char *key, int v);
void json_knull(json_t *j, const char *key);

#endif
