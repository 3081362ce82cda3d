/* owner.c: TLSA owner names of client identities: owner templates both
 * ways, and the rule that a service TLSA owner (_PORT._PROTO.host, RFC 6698
 * section 3) is never a client identity, whatever the template: such a
 * record names a server's key (an HTTPS or DoT server), and a client
 * presenting that key must not be taken for a secondary. */
#include "dance/name.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TEMPLATE_MARK "{name}"

/* Splits a template at its single "{name}"; EINVAL otherwise. */
static dance_code_t split_template(const char *tmpl, size_t *prefix_len,
                                   const char **suffix, dance_error_t *err)
{
	const char *mark = strstr(tmpl, TEMPLATE_MARK);
	if (mark == NULL || strstr(mark + 1, TEMPLATE_MARK) != NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "owner template \"%s\" must contain "
		                       "\"{name}\" exactly once",
		                       tmpl);
	}
	*prefix_len = (size_t)(mark - tmpl);
	*suffix = mark + strlen(TEMPLATE_MARK);
	return DANCE_OK;
}

/* The template applied to name, normalised, whatever its form. */
static dance_code_t owner_join(const char *tmpl, const char *name, char *out,
                               dance_error_t *err)
{
	char norm[DANCE_NAME_MAX], joined[2 * DANCE_NAME_MAX];
	size_t prefix_len = 0;
	const char *suffix = "";
	dance_code_t rc = split_template(tmpl, &prefix_len, &suffix, err);
	if (rc == DANCE_OK) {
		rc = dance_name_normalize(name, norm, err);
	}
	if (rc != DANCE_OK) {
		return rc;
	}
	snprintf(joined, sizeof(joined), "%.*s%s%s", (int)prefix_len, tmpl,
	         norm, suffix);
	return dance_name_normalize(joined, out, err);
}

/* Length of a label "_" + at least one character for which ok() holds,
 * at s; 0 when s does not start with one. */
static size_t underscore_label(const char *s, int (*ok)(int))
{
	size_t n = 1;
	if (s[0] != '_') {
		return 0;
	}
	while (s[n] != '\0' && s[n] != '.' && ok((unsigned char)s[n])) {
		n++;
	}
	return n > 1 && (s[n] == '\0' || s[n] == '.') ? n : 0;
}

static int port_char(int c)
{
	return c >= '0' && c <= '9';
}

static int proto_char(int c)
{
	return port_char(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

int dance_owner_is_service(const char *owner)
{
	if (owner == NULL) {
		return 0;
	}
	size_t port = underscore_label(owner, port_char);
	return port > 0 && owner[port] == '.' &&
	       underscore_label(owner + port + 1, proto_char) > 0;
}

int dance_template_owner_is_service(const char *template_, const char *name)
{
	char owner[DANCE_NAME_MAX];
	const char *tmpl =
	        template_ != NULL ? template_ : DANCE_OWNER_TEMPLATE_DEFAULT;
	return owner_join(tmpl, name, owner, NULL) == DANCE_OK &&
	       dance_owner_is_service(owner);
}

dance_code_t dance_owner_from_template(const char *template_, const char *name,
                                       char *out, dance_error_t *err)
{
	const char *tmpl =
	        template_ != NULL ? template_ : DANCE_OWNER_TEMPLATE_DEFAULT;
	dance_code_t rc = owner_join(tmpl, name, out, err);
	if (rc == DANCE_OK && dance_owner_is_service(out)) {
		rc = dance_error_set(err, DANCE_EINVAL,
		                     "TLSA owner %s has the form _port._proto "
		                     "of a service record: never a client "
		                     "identity",
		                     out);
		out[0] = '\0';
	}
	return rc;
}

dance_code_t dance_name_from_owner(const char *template_, const char *owner,
                                   char *out, dance_error_t *err)
{
	const char *tmpl =
	        template_ != NULL ? template_ : DANCE_OWNER_TEMPLATE_DEFAULT;
	char norm[DANCE_NAME_MAX], middle[DANCE_NAME_MAX];
	size_t prefix_len = 0;
	const char *suffix = "";
	dance_code_t rc = split_template(tmpl, &prefix_len, &suffix, err);
	if (rc == DANCE_OK) {
		rc = dance_name_normalize(owner, norm, err);
	}
	if (rc != DANCE_OK) {
		return rc;
	}
	size_t n = strlen(norm), s = strlen(suffix);
	if (s > 0 && suffix[s - 1] == '.') {
		s--; /* a template's trailing dot is gone from the owner */
	}
	if (n <= prefix_len + s || strncasecmp(norm, tmpl, prefix_len) != 0 ||
	    strncasecmp(norm + n - s, suffix, s) != 0) {
		return dance_error_set(err, DANCE_ENOTFOUND,
		                       "owner \"%s\" does not fit the template "
		                       "\"%s\"",
		                       owner, tmpl);
	}
	snprintf(middle, sizeof(middle), "%.*s", (int)(n - prefix_len - s),
	         norm + prefix_len);
	rc = dance_name_normalize(middle, out, err);
	/* Exact inverse only: normalising may drop a trailing dot of the
	 * middle part ("x.b" under "{name}b" would give "x", whose owner is
	 * "xb"), so the owner must come back from the name. */
	char back[DANCE_NAME_MAX];
	if (rc == DANCE_OK &&
	    (dance_owner_from_template(tmpl, out, back, NULL) != DANCE_OK ||
	     strcmp(back, norm) != 0)) {
		out[0] = '\0';
		rc = dance_error_set(err, DANCE_ENOTFOUND,
		                     "owner \"%s\" does not fit the template "
		                     "\"%s\"",
		                     owner, tmpl);
	}
	return rc;
}
