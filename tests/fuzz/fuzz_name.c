/* fuzz_name.c: name normalisation, suffix patterns and owner templates.
 *
 * The input is cut at its first newline into A and B (B empty without
 * one). Properties checked:
 * - dance_name_normalize: a result is at most 253 octets, lower case, has
 *   no trailing dot and no empty label, and normalising it again gives it
 *   back;
 * - patterns: a name matches itself, and a name matching "*.p" also
 *   matches p;
 * - templates (A as template, B as name and as owner): when A is in
 *   normal form (lower-case host-name characters and dots around one
 *   "{name}", a trailing dot allowed), dance_name_from_owner inverts
 *   dance_owner_from_template and vice versa.
 * Refusals must carry a reason.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dance/name.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_normal_form(const char *in, const char *out)
{
	size_t len = strlen(out);
	FUZZ_CHECK(len > 0 && len <= 253, "length %zu", len);
	FUZZ_CHECK(out[len - 1] != '.', "trailing dot in \"%s\"", out);
	FUZZ_CHECK(out[0] != '.' && strstr(out, "..") == NULL,
	           "empty label in \"%s\"", out);
	for (const char *p = out; *p != '\0'; p++) {
		FUZZ_CHECK(!isupper((unsigned char)*p) &&
		                   (unsigned char)*p < 0x80,
		           "\"%s\" not lower-case ASCII", out);
	}
	char again[DANCE_NAME_MAX];
	dance_error_t err;
	FUZZ_CHECK(dance_name_normalize(out, again, &err) == DANCE_OK,
	           "normal form \"%s\" refused: %s", out, err.reason);
	FUZZ_CHECK(strcmp(again, out) == 0, "not idempotent: %s -> %s", out,
	           again);
	FUZZ_CHECK(dance_name_equal(in, out), "\"%s\" unequal to its form",
	           out);
	FUZZ_CHECK(dance_name_matches_pattern(out, out), "no self match");
}

/* Normalises in into out; 1 when valid. */
static int normalize(const char *in, char *out)
{
	dance_error_t err;
	dance_code_t rc = dance_name_normalize(in, out, &err);
	if (rc != DANCE_OK) {
		FUZZ_CHECK(rc == DANCE_EINVAL && err.reason[0] != '\0',
		           "refusal code %d without reason", (int)rc);
		return 0;
	}
	check_normal_form(in, out);
	return 1;
}

static void check_patterns(const char *a, const char *b)
{
	char pattern[DANCE_NAME_MAX + 2];
	snprintf(pattern, sizeof(pattern), "*.%s", b);
	if (dance_name_matches_pattern(a, pattern)) {
		FUZZ_CHECK(dance_name_matches_pattern(a, b),
		           "%s under *.%s but not under %s", a, b, b);
		FUZZ_CHECK(strcmp(a, b) != 0, "%s strictly under itself", a);
	}
}

/* A template whose fixed parts are already in normal form. */
static int template_is_normal(const char *tmpl)
{
	const char *mark = strstr(tmpl, "{name}");
	size_t len = strlen(tmpl);
	if (mark == NULL || len == 0) {
		return 0;
	}
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (p == mark) {
			p += strlen("{name}") - 1;
			continue;
		}
		if (!(islower((unsigned char)*p) ||
		      isdigit((unsigned char)*p) || *p == '-' || *p == '_' ||
		      *p == '.')) {
			return 0;
		}
	}
	return 1;
}

static void check_templates(const char *tmpl, const char *b)
{
	char owner[DANCE_NAME_MAX], name[DANCE_NAME_MAX];
	char norm[DANCE_NAME_MAX], again[DANCE_NAME_MAX];
	dance_error_t err;
	int normal = template_is_normal(tmpl);
	if (dance_owner_from_template(tmpl, b, owner, &err) == DANCE_OK) {
		FUZZ_CHECK(normalize(owner, again) && strcmp(owner, again) == 0,
		           "owner \"%s\" not normal", owner);
		if (normal) {
			FUZZ_CHECK(dance_name_from_owner(tmpl, owner, name,
			                                 &err) == DANCE_OK,
			           "template \"%s\": owner %s not inverted: %s",
			           tmpl, owner, err.reason);
			FUZZ_CHECK(normalize(b, norm) &&
			                   strcmp(norm, name) == 0,
			           "template \"%s\": %s came back as %s", tmpl,
			           b, name);
		}
	} else {
		FUZZ_CHECK(err.reason[0] != '\0', "template refusal silent");
	}
	if (dance_name_from_owner(tmpl, b, name, &err) == DANCE_OK) {
		FUZZ_CHECK(normalize(name, again) && strcmp(name, again) == 0,
		           "client name \"%s\" not normal", name);
		if (normal) {
			FUZZ_CHECK(dance_owner_from_template(tmpl, name, owner,
			                                     &err) == DANCE_OK,
			           "template \"%s\": name %s refused: %s", tmpl,
			           name, err.reason);
			FUZZ_CHECK(normalize(b, norm) &&
			                   strcmp(norm, owner) == 0,
			           "template \"%s\": owner %s rebuilt as %s",
			           tmpl, b, owner);
		}
	} else {
		FUZZ_CHECK(err.reason[0] != '\0', "owner refusal silent");
	}
}

static void check_list(const char *a, const char *b)
{
	dance_name_list_t list = {NULL, 0};
	dance_error_t err;
	if (dance_name_list_add(&list, a, &err) == DANCE_OK &&
	    dance_name_list_add(&list, b, &err) == DANCE_OK &&
	    dance_name_list_add(&list, a, &err) == DANCE_OK) {
		FUZZ_CHECK(list.count == (strcmp(a, b) == 0 ? 1u : 2u),
		           "list holds %zu names", list.count);
		FUZZ_CHECK(dance_name_list_contains(&list, a) &&
		                   dance_name_list_contains(&list, b),
		           "list lost a name");
	}
	dance_name_list_clear(&list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t alen = nl != NULL ? (size_t)(nl - data) : size;
	char *a = fuzz_strndup(data, alen);
	char *b = nl != NULL ? fuzz_strndup(nl + 1, size - alen - 1)
	                     : fuzz_strndup(data, 0);
	char na[DANCE_NAME_MAX], nb[DANCE_NAME_MAX];
	if (a != NULL && b != NULL) {
		int va = normalize(a, na);
		int vb = normalize(b, nb);
		if (va && vb) {
			check_patterns(na, nb);
			check_patterns(nb, na);
			FUZZ_CHECK(dance_name_equal(a, b) ==
			                   (strcmp(na, nb) == 0),
			           "name_equal disagrees");
			check_list(na, nb);
		}
		check_templates(a, b);
		check_templates(DANCE_OWNER_TEMPLATE_DEFAULT, a);
	}
	free(a);
	free(b);
	return 0;
}
