/* dance/name.h: identities as DNS names.
 *
 * Names are kept in one normal form everywhere: lower case, A-labels (IDNA
 * U-labels are converted through GnuTLS/libidn2), no trailing dot, checked
 * for DNS syntax by libknot (label and name lengths).
 */
#ifndef DANCE_NAME_H
#define DANCE_NAME_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "dance/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Presentation-form name buffer size (253 chars + NUL, rounded). */
#define DANCE_NAME_MAX 256

/* Default TLSA owner template for an XoT secondary. */
#define DANCE_OWNER_TEMPLATE_DEFAULT "_xfr-client.{name}"

/* Normalises a domain name into out (DANCE_NAME_MAX bytes): lower case,
 * no trailing dot, U-labels converted to A-labels. EINVAL with a reason for
 * an empty name, the root, an empty label, a label over 63 or a name over
 * 253 octets, characters not allowed in a host name label (underscore is
 * allowed, as in "_xfr-client"), or a label IDNA rejects. */
dance_code_t dance_name_normalize(const char *in, char *out,
                                  dance_error_t *err);

/* True when two names are equal once normalised (both must be valid). */
int dance_name_equal(const char *a, const char *b);

/* True when name is equal to suffix or lies under it ("a.b.c" under "b.c").
 * A pattern "*.b.c" matches names strictly under b.c. Both normalised. */
int dance_name_matches_pattern(const char *name, const char *pattern);

/* Builds the TLSA owner name from a template holding "{name}" exactly once
 * (default DANCE_OWNER_TEMPLATE_DEFAULT when template is NULL) and a client
 * name; the result is normalised. EINVAL when the template lacks "{name}"
 * or the result is not a valid name. */
dance_code_t dance_owner_from_template(const char *template_, const char *name,
                                       char *out, dance_error_t *err);

/* Inverse of dance_owner_from_template: recovers the client name from an
 * owner name, or ENOTFOUND when owner does not fit the template. */
dance_code_t dance_name_from_owner(const char *template_, const char *owner,
                                   char *out, dance_error_t *err);

/* A list of names, owned. */
typedef struct dance_name_list {
	char **names;
	size_t count;
} dance_name_list_t;

void dance_name_list_clear(dance_name_list_t *list);

/* True when list holds name (compared as stored: keep names normalised). */
int dance_name_list_contains(const dance_name_list_t *list, const char *name);

/* Appends a copy of name unless the list holds it already. ENOMEM. */
dance_code_t dance_name_list_add(dance_name_list_t *list, const char *name,
                                 dance_error_t *err);

/* The subjectAltName dNSName entries of a DER certificate, normalised
 * (entries that are not valid names are skipped). EINVAL when the DER does
 * not parse. An empty list is not an error. */
dance_code_t dance_cert_dnsnames(const gnutls_datum_t *der,
                                 dance_name_list_t *out, dance_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
