/* name.c: identity names: normal form, patterns, name lists. */
#include "dance/name.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/dname.h>

static int has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			return 1;
		}
	}
	return 0;
}

/* One U-label to its A-label (IDNA2008 through GnuTLS/libidn2), appended
 * to out (size DANCE_NAME_MAX, *used octets so far). */
static dance_code_t map_label(const char *label, size_t len, const char *in,
                              char *out, size_t *used, dance_error_t *err)
{
	gnutls_datum_t mapped = {NULL, 0};
	int rc = gnutls_idna_map(label, (unsigned)len, &mapped, 0);
	if (rc < 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "name \"%s\" is not a valid "
		                       "internationalised name: %s",
		                       in, gnutls_strerror(rc));
	}
	dance_code_t code = DANCE_OK;
	if (*used + mapped.size >= DANCE_NAME_MAX) {
		code = dance_error_set(err, DANCE_EINVAL,
		                       "name \"%s\" is too long as A-labels",
		                       in);
	} else {
		memcpy(out + *used, mapped.data, mapped.size);
		*used += mapped.size;
	}
	gnutls_free(mapped.data);
	return code;
}

/* Maps the U-labels of a name to A-labels, label by label: ASCII labels
 * are kept as they are (IDNA mapping of a whole name would drop the
 * leading '_' of "_xfr-client"), and checked later like any name. */
static dance_code_t to_a_labels(const char *in, char *out, dance_error_t *err)
{
	size_t used = 0;
	const char *label = in;
	for (;;) {
		const char *dot = strchr(label, '.');
		size_t len =
		        dot != NULL ? (size_t)(dot - label) : strlen(label);
		char piece[DANCE_NAME_MAX];
		snprintf(piece, sizeof(piece), "%.*s", (int)len, label);
		dance_code_t rc = DANCE_OK;
		if (has_non_ascii(piece)) {
			rc = map_label(piece, len, in, out, &used, err);
		} else if (used + len >= DANCE_NAME_MAX) {
			rc = dance_error_set(err, DANCE_EINVAL,
			                     "name \"%s\" is too long as "
			                     "A-labels",
			                     in);
		} else {
			memcpy(out + used, piece, len);
			used += len;
		}
		if (rc != DANCE_OK) {
			return rc;
		}
		if (dot == NULL) {
			break;
		}
		if (used + 1 >= DANCE_NAME_MAX) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "name \"%s\" is too long as "
			                       "A-labels",
			                       in);
		}
		out[used++] = '.';
		label = dot + 1;
	}
	out[used] = '\0';
	return DANCE_OK;
}

static int label_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Checks labels (non-empty, <= 63, allowed characters) of a name without
 * trailing dot, lower-casing it in place. */
static dance_code_t check_labels(char *name, const char *shown,
                                 dance_error_t *err)
{
	size_t label = 0;
	for (char *p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0) {
				return dance_error_set(
				        err, DANCE_EINVAL,
				        "name \"%s\" has an empty "
				        "label",
				        shown);
			}
			if (label > 63) {
				return dance_error_set(
				        err, DANCE_EINVAL,
				        "name \"%s\" has a label "
				        "of %zu octets (at most "
				        "63)",
				        shown, label);
			}
			if (*p == '\0') {
				return DANCE_OK;
			}
			label = 0;
			continue;
		}
		if (!label_char_ok(*p)) {
			return dance_error_set(
			        err, DANCE_EINVAL,
			        "name \"%s\" has a character not "
			        "allowed in a host name: '%c'",
			        shown, *p);
		}
		*p = (char)tolower((unsigned char)*p);
		label++;
	}
}

/* Final syntax and length check by libknot's name parser. */
static dance_code_t check_with_libknot(const char *name, const char *shown,
                                       dance_error_t *err)
{
	knot_dname_storage_t wire;
	if (strlen(name) > 253 ||
	    knot_dname_from_str(wire, name, sizeof(wire)) == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "name \"%s\" is too long (at most 253 "
		                       "characters) or not a domain name",
		                       shown);
	}
	return DANCE_OK;
}

dance_code_t dance_name_normalize(const char *in, char *out, dance_error_t *err)
{
	char buf[DANCE_NAME_MAX];
	if (in == NULL || in[0] == '\0') {
		return dance_error_set(err, DANCE_EINVAL, "empty name");
	}
	if (strcmp(in, ".") == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "the root \".\" is not an identity");
	}
	if (strlen(in) >= DANCE_NAME_MAX) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "name of %zu characters is too long "
		                       "(at most 253)",
		                       strlen(in));
	}
	dance_code_t rc = DANCE_OK;
	if (has_non_ascii(in)) {
		rc = to_a_labels(in, buf, err);
	} else {
		snprintf(buf, sizeof(buf), "%s", in);
	}
	size_t len = rc == DANCE_OK ? strlen(buf) : 0;
	if (rc == DANCE_OK && len > 0 && buf[len - 1] == '.') {
		buf[--len] = '\0';
	}
	if (rc == DANCE_OK) {
		rc = check_labels(buf, in, err);
	}
	if (rc == DANCE_OK) {
		rc = check_with_libknot(buf, in, err);
	}
	if (rc == DANCE_OK) {
		memcpy(out, buf, len + 1);
	}
	return rc;
}

int dance_name_equal(const char *a, const char *b)
{
	char na[DANCE_NAME_MAX], nb[DANCE_NAME_MAX];
	return dance_name_normalize(a, na, NULL) == DANCE_OK &&
	       dance_name_normalize(b, nb, NULL) == DANCE_OK &&
	       strcmp(na, nb) == 0;
}

/* True when name lies strictly under parent (both normalised). */
static int strictly_under(const char *name, const char *parent)
{
	size_t n = strlen(name), p = strlen(parent);
	return n > p + 1 && name[n - p - 1] == '.' &&
	       strcmp(name + n - p, parent) == 0;
}

int dance_name_matches_pattern(const char *name, const char *pattern)
{
	if (strncmp(pattern, "*.", 2) == 0) {
		return strictly_under(name, pattern + 2);
	}
	return strcmp(name, pattern) == 0 || strictly_under(name, pattern);
}

void dance_name_list_clear(dance_name_list_t *list)
{
	if (list == NULL) {
		return;
	}
	for (size_t i = 0; i < list->count; i++) {
		free(list->names[i]);
	}
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

int dance_name_list_contains(const dance_name_list_t *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->names[i], name) == 0) {
			return 1;
		}
	}
	return 0;
}

dance_code_t dance_name_list_add(dance_name_list_t *list, const char *name,
                                 dance_error_t *err)
{
	if (dance_name_list_contains(list, name)) {
		return DANCE_OK;
	}
	char *copy = strdup(name);
	if (copy == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	char **grown = realloc(list->names, (list->count + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(copy);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	list->names = grown;
	list->names[list->count++] = copy;
	return DANCE_OK;
}
