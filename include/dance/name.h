/* dance/name.h: identities as DNS names.
 *
 * Names are kept in one normal form everywhere: lower case, A-labels (IDNA
 * U-labels of operator-typed names are converted through GnuTLS/libidn2),
 * no trailing dot, checked for DNS syntax by libknot (label and name
 * lengths). Names taken from certificates are never IDNA-mapped (below).
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
 * name; the result is normalised. EINVAL when the template lacks "{name}",
 * the result is not a valid name, or it is a service owner (below). */
dance_code_t dance_owner_from_template(const char *template_, const char *name,
                                       char *out, dance_error_t *err);

/* Inverse of dance_owner_from_template: recovers the client name from an
 * owner name, or ENOTFOUND when owner does not fit the template (a service
 * owner fits none). */
dance_code_t dance_name_from_owner(const char *template_, const char *owner,
                                   char *out, dance_error_t *err);

/* True when owner (normalised) is a service TLSA owner: its first two
 * labels are "_" + decimal digits and "_" + a protocol name ("_443._tcp.",
 * "_853._udp."). Such an owner is never a client identity. */
int dance_owner_is_service(const char *owner);

/* True when the owner template_ gives for name is a service owner. */
int dance_template_owner_is_service(const char *template_, const char *name);

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

/* ---- names taken from certificates (certnames.c) ----
 *
 * A subjectAltName dNSName is an IA5String and is taken as its octets say:
 * never IDNA-mapped (GnuTLS checks X.509 name constraints on the raw
 * octets; a mapped name is one the constraint never saw). An entry with a
 * non-ASCII or NUL octet, an empty label, a label over 63 octets or a
 * character other than a letter, digit, '-' or '_' is ignored. One
 * trailing dot is allowed; names compare ASCII case-insensitively.
 * Operator-typed names (configuration, command line) keep their IDNA
 * handling through dance_name_normalize.
 */

/* Only the first DANCE_CERT_SAN_MAX subjectAltName entries (of any type)
 * of a certificate are read; the usable dNSNames among them are its names.
 * This bounds the work per certificate whatever it carries. */
#define DANCE_CERT_SAN_MAX 64

/* What reading a certificate's names found. */
typedef struct dance_san_scan {
	size_t examined; /* entries read, at most DANCE_CERT_SAN_MAX */
	size_t ignored;  /* entries read that are not usable names */
	int truncated;   /* the certificate has more entries than were read */
	char why[DANCE_REASON_MAX]; /* why the first ignored one was, or "" */
} dance_san_scan_t;

/* One dNSName's octets (len of them, as in the certificate) as a name in
 * out (DANCE_NAME_MAX bytes): ASCII lower case, no trailing dot. EINVAL
 * with the reason when it is not usable (see above). */
dance_code_t dance_cert_dnsname(const unsigned char *octets, size_t len,
                                char *out, dance_error_t *err);

/* True when a name from a certificate equals name: ASCII case-insensitive,
 * one optional trailing dot on either, no IDNA mapping. */
int dance_cert_name_equal(const char *cert_name, const char *name);

/* The usable dNSNames of a parsed certificate, in order, without
 * duplicates; scan (required) says how many entries were read and why
 * some were ignored. ENOMEM. An empty list is not an error. */
dance_code_t dance_crt_dnsnames(gnutls_x509_crt_t crt, dance_name_list_t *out,
                                dance_san_scan_t *scan, dance_error_t *err);

/* The same from a DER certificate; scan may be NULL. EINVAL when the DER
 * does not parse. */
dance_code_t dance_cert_dnsnames_scan(const gnutls_datum_t *der,
                                      dance_name_list_t *out,
                                      dance_san_scan_t *scan,
                                      dance_error_t *err);
dance_code_t dance_cert_dnsnames(const gnutls_datum_t *der,
                                 dance_name_list_t *out, dance_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
