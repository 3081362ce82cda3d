/* certnames.c: names taken from certificates.
 *
 * A subjectAltName dNSName is an IA5String and is used as the octets say,
 * never IDNA-mapped: GnuTLS checks X.509 name constraints on those octets,
 * so a mapping (fullwidth letters, ignorable code points, the ideographic
 * full stop, the Kelvin sign) would make a name the constraint never saw.
 * An entry that is not plainly a host name is ignored, with its reason in
 * the scan. Operator-typed names keep their IDNA handling (name.c).
 */
#include "dance/name.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/x509.h>

#define LABEL_MAX 63
#define NAME_MAX  253

static int host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Why octet c at offset i can not be in a name. */
static dance_code_t bad_octet(unsigned char c, size_t i, dance_error_t *err)
{
	if (c == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dNSName has a NUL octet at offset %zu",
		                       i);
	}
	if (c >= 0x80) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dNSName has the non-ASCII octet 0x%02x "
		                       "at offset %zu (never IDNA-mapped)",
		                       c, i);
	}
	return dance_error_set(err, DANCE_EINVAL,
	                       "dNSName has the character 0x%02x at offset "
	                       "%zu (letters, digits, '-' and '_' only)",
	                       c, i);
}

dance_code_t dance_cert_dnsname(const unsigned char *octets, size_t len,
                                char *out, dance_error_t *err)
{
	if (len > 0 && octets[len - 1] == '.') {
		len--; /* one optional trailing dot */
	}
	if (len == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dNSName is empty or the root");
	}
	if (len > NAME_MAX) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dNSName of %zu octets (at most %d)",
		                       len, NAME_MAX);
	}
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = octets[i];
		if (c == '.') {
			if (label == 0) {
				return dance_error_set(
				        err, DANCE_EINVAL,
				        "dNSName has an empty label at offset "
				        "%zu",
				        i);
			}
			label = 0;
		} else if (!host_char(c)) {
			return bad_octet(c, i, err);
		} else if (++label > LABEL_MAX) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "dNSName has a label over %d "
			                       "octets",
			                       LABEL_MAX);
		}
		out[i] = ascii_lower((char)c);
	}
	if (label == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dNSName has an empty last label");
	}
	out[len] = '\0';
	return DANCE_OK;
}

/* Length of s without one trailing dot. */
static size_t undotted_len(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

int dance_cert_name_equal(const char *cert_name, const char *name)
{
	if (cert_name == NULL || name == NULL) {
		return 0;
	}
	size_t n = undotted_len(cert_name);
	if (n == 0 || n != undotted_len(name)) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (ascii_lower(cert_name[i]) != ascii_lower(name[i])) {
			return 0;
		}
	}
	return 1;
}

/* Notes an ignored entry in the scan (the first one's reason is kept). */
static void note_ignored(dance_san_scan_t *scan, size_t index,
                         const dance_error_t *why)
{
	if (scan->ignored++ == 0) {
		snprintf(scan->why, sizeof(scan->why),
		         "subjectAltName entry %zu: %s", index, why->reason);
	}
}

dance_code_t dance_crt_dnsnames(gnutls_x509_crt_t crt, dance_name_list_t *out,
                                dance_san_scan_t *scan, dance_error_t *err)
{
	memset(scan, 0, sizeof(*scan));
	memset(out, 0, sizeof(*out));
	dance_code_t code = DANCE_OK;
	for (unsigned i = 0; code == DANCE_OK; i++) {
		unsigned char san[DANCE_NAME_MAX + 1];
		size_t size = sizeof(san);
		unsigned critical = 0;
		if (i == DANCE_CERT_SAN_MAX) {
			/* One more read only to tell that there are more. */
			scan->truncated =
			        gnutls_x509_crt_get_subject_alt_name(
			                crt, i, NULL, &size, &critical) !=
			        GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
			break;
		}
		int rc = gnutls_x509_crt_get_subject_alt_name(crt, i, san,
		                                              &size, &critical);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
			break;
		}
		scan->examined++;
		dance_error_t why;
		char name[DANCE_NAME_MAX];
		if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			dance_error_set(&why, DANCE_EINVAL,
			                "longer than any name");
			note_ignored(scan, i, &why);
		} else if (rc == GNUTLS_SAN_DNSNAME) {
			if (dance_cert_dnsname(san, size, name, &why) ==
			    DANCE_OK) {
				code = dance_name_list_add(out, name, err);
			} else {
				note_ignored(scan, i, &why);
			}
		}
		/* Other types (addresses, URIs, ...) are not names. */
	}
	if (code != DANCE_OK) {
		dance_name_list_clear(out);
	}
	return code;
}

dance_code_t dance_cert_dnsnames_scan(const gnutls_datum_t *der,
                                      dance_name_list_t *out,
                                      dance_san_scan_t *scan,
                                      dance_error_t *err)
{
	dance_san_scan_t unused;
	gnutls_x509_crt_t crt = NULL;
	memset(out, 0, sizeof(*out));
	int rc = gnutls_x509_crt_init(&crt);
	if (rc >= 0) {
		rc = gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER);
	}
	if (rc < 0) {
		gnutls_x509_crt_deinit(crt);
		return dance_error_set(err, DANCE_EINVAL,
		                       "certificate does not parse: %s",
		                       gnutls_strerror(rc));
	}
	dance_code_t code = dance_crt_dnsnames(
	        crt, out, scan != NULL ? scan : &unused, err);
	gnutls_x509_crt_deinit(crt);
	return code;
}

dance_code_t dance_cert_dnsnames(const gnutls_datum_t *der,
                                 dance_name_list_t *out, dance_error_t *err)
{
	return dance_cert_dnsnames_scan(der, out, NULL, err);
}
