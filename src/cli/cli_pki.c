/* cli_pki.c: certificates and keys from files (cli_pki.h). */
#include "cli_pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#include "cli_io.h"

#define PEM_BEGIN "-----BEGIN "

static int is_pem(const gnutls_datum_t *data)
{
	return strstr((const char *)data->data, PEM_BEGIN) != NULL;
}

/* True when the PEM data has a block whose label ends with suffix
 * ("CERTIFICATE", "PRIVATE KEY"); the first such label into label. */
static int pem_has(const gnutls_datum_t *data, const char *suffix, char *label,
                   size_t size)
{
	const char *p = (const char *)data->data;
	size_t slen = strlen(suffix);
	while ((p = strstr(p, PEM_BEGIN)) != NULL) {
		p += strlen(PEM_BEGIN);
		const char *end = strstr(p, "-----");
		if (end == NULL) {
			return 0;
		}
		size_t len = (size_t)(end - p);
		if (len >= slen && strncmp(end - slen, suffix, slen) == 0) {
			snprintf(label, size, "%.*s", (int)len, p);
			return 1;
		}
		p = end;
	}
	return 0;
}

/* Names what a PEM file holds, for "holds X, not Y" errors. */
static const char *pem_kind(const gnutls_datum_t *data, char *label,
                            size_t size)
{
	if (pem_has(data, "PRIVATE KEY", label, size) ||
	    pem_has(data, "PUBLIC KEY", label, size) ||
	    pem_has(data, "CERTIFICATE", label, size) ||
	    pem_has(data, "", label, size)) {
		return label;
	}
	return "nothing";
}

static dance_code_t wrong_kind(const gnutls_datum_t *data, const char *want,
                               dance_error_t *err)
{
	char label[64];
	return dance_error_set(err, DANCE_EINVAL, "holds a PEM %s, not %s",
	                       pem_kind(data, label, sizeof(label)), want);
}

void cli_certs_clear(cli_certs_t *c)
{
	for (size_t i = 0; i < c->count; i++) {
		gnutls_free(c->der[i].data);
	}
	free(c->der);
	c->der = NULL;
	c->count = 0;
}

static dance_code_t export_certs(gnutls_x509_crt_t *crts, unsigned n,
                                 cli_certs_t *out, dance_error_t *err)
{
	out->der = calloc(n, sizeof(*out->der));
	if (out->der == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	for (unsigned i = 0; i < n; i++) {
		int rc = gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER,
		                                 &out->der[i]);
		if (rc < 0) {
			cli_certs_clear(out);
			return dance_error_set(
			        err, DANCE_ECRYPTO,
			        "cannot encode certificate %u: %s", i + 1,
			        gnutls_strerror(rc));
		}
		out->count = i + 1;
	}
	return DANCE_OK;
}

static dance_code_t parse_certs(const gnutls_datum_t *data, cli_certs_t *out,
                                dance_error_t *err)
{
	char label[64];
	int pem = is_pem(data);
	if (pem && !pem_has(data, "CERTIFICATE", label, sizeof(label))) {
		return wrong_kind(data, "a certificate", err);
	}
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	int rc = gnutls_x509_crt_list_import2(
	        &crts, &n, data,
	        pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (rc < 0) {
		return dance_error_set(
		        err, DANCE_EINVAL, "not a %s certificate: %s",
		        pem ? "valid PEM" : "PEM or DER", gnutls_strerror(rc));
	}
	dance_code_t code = export_certs(crts, n, out, err);
	for (unsigned i = 0; i < n; i++) {
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	return code;
}

dance_code_t cli_load_certs(const char *path, cli_certs_t *out,
                            dance_error_t *err)
{
	gnutls_datum_t data;
	memset(out, 0, sizeof(*out));
	dance_code_t rc = cli_read_file(path, &data, err);
	if (rc == DANCE_OK) {
		rc = parse_certs(&data, out, err);
	}
	cli_datum_free(&data);
	return rc;
}

static dance_code_t parse_pubkey(const gnutls_datum_t *data,
                                 gnutls_pubkey_t *out, dance_error_t *err)
{
	char label[64];
	int pem = is_pem(data);
	if (pem && !pem_has(data, "PUBLIC KEY", label, sizeof(label))) {
		return wrong_kind(data, "a public key", err);
	}
	int rc = gnutls_pubkey_init(out);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	rc = gnutls_pubkey_import(
	        *out, data, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		gnutls_pubkey_deinit(*out);
		*out = NULL;
		return dance_error_set(
		        err, DANCE_EINVAL, "not a %s public key: %s",
		        pem ? "valid PEM" : "PEM or DER", gnutls_strerror(rc));
	}
	return DANCE_OK;
}

dance_code_t cli_load_pubkey(const char *path, gnutls_pubkey_t *out,
                             dance_error_t *err)
{
	gnutls_datum_t data;
	*out = NULL;
	dance_code_t rc = cli_read_file(path, &data, err);
	if (rc == DANCE_OK) {
		rc = parse_pubkey(&data, out, err);
	}
	cli_datum_free(&data);
	return rc;
}

static dance_code_t parse_privkey(const gnutls_datum_t *data,
                                  gnutls_privkey_t *out, dance_error_t *err)
{
	char label[64];
	int pem = is_pem(data);
	if (pem &&
	    pem_has(data, "ENCRYPTED PRIVATE KEY", label, sizeof(label))) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "encrypted private keys are not "
		                       "supported (decrypt it with certtool "
		                       "--to-p8 --null-password)");
	}
	if (pem && !pem_has(data, "PRIVATE KEY", label, sizeof(label))) {
		return wrong_kind(data, "a private key", err);
	}
	int rc = gnutls_privkey_init(out);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	rc = gnutls_privkey_import_x509_raw(
	        *out, data, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
	        NULL, GNUTLS_PKCS_PLAIN);
	if (rc < 0) {
		gnutls_privkey_deinit(*out);
		*out = NULL;
		return dance_error_set(
		        err, DANCE_EINVAL, "not a %s private key: %s",
		        pem ? "valid PEM" : "PEM or DER", gnutls_strerror(rc));
	}
	return DANCE_OK;
}

dance_code_t cli_load_privkey(const char *path, gnutls_privkey_t *out,
                              dance_error_t *err)
{
	gnutls_datum_t data;
	*out = NULL;
	dance_code_t rc = cli_read_file(path, &data, err);
	if (rc == DANCE_OK) {
		rc = parse_privkey(&data, out, err);
	}
	cli_datum_free(&data);
	return rc;
}

/* out->items holds the one DER SPKI of key. */
static dance_code_t creds_from_pubkey(gnutls_pubkey_t key, cli_creds_t *out,
                                      dance_error_t *err)
{
	out->items.der = calloc(1, sizeof(*out->items.der));
	if (out->items.der == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	int rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER,
	                               &out->items.der[0]);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot encode the public key: %s",
		                       gnutls_strerror(rc));
	}
	out->items.count = 1;
	out->creds.type = DANCE_CRED_RAWPK;
	return DANCE_OK;
}

static dance_code_t creds_from_privkey(gnutls_privkey_t key, cli_creds_t *out,
                                       dance_error_t *err)
{
	gnutls_pubkey_t pub = NULL;
	int rc = gnutls_pubkey_init(&pub);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t code = DANCE_OK;
	rc = gnutls_pubkey_import_privkey(pub, key, 0, 0);
	if (rc < 0) {
		code = dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot derive the public key: %s",
		                       gnutls_strerror(rc));
	} else {
		code = creds_from_pubkey(pub, out, err);
	}
	gnutls_pubkey_deinit(pub);
	return code;
}

static dance_code_t creds_of_kind(const gnutls_datum_t *data,
                                  cli_creds_kind_t kind, cli_creds_t *out,
                                  dance_error_t *err)
{
	dance_code_t rc;
	if (kind == CLI_CREDS_CERT) {
		out->creds.type = DANCE_CRED_X509;
		return parse_certs(data, &out->items, err);
	}
	if (kind == CLI_CREDS_PUBKEY) {
		gnutls_pubkey_t pub = NULL;
		rc = parse_pubkey(data, &pub, err);
		if (rc == DANCE_OK) {
			rc = creds_from_pubkey(pub, out, err);
		}
		gnutls_pubkey_deinit(pub);
		return rc;
	}
	gnutls_privkey_t key = NULL;
	rc = parse_privkey(data, &key, err);
	if (rc == DANCE_OK) {
		rc = creds_from_privkey(key, out, err);
	}
	gnutls_privkey_deinit(key);
	return rc;
}

/* The kind a file holds: by PEM label, or for DER whichever parses. */
static cli_creds_kind_t detect_kind(const gnutls_datum_t *data)
{
	char label[64];
	if (is_pem(data)) {
		if (pem_has(data, "CERTIFICATE", label, sizeof(label))) {
			return CLI_CREDS_CERT;
		}
		if (pem_has(data, "PRIVATE KEY", label, sizeof(label))) {
			return CLI_CREDS_KEY;
		}
		return CLI_CREDS_PUBKEY;
	}
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	cli_creds_kind_t kind = CLI_CREDS_CERT;
	if (gnutls_x509_crt_init(&crt) >= 0 &&
	    gnutls_x509_crt_import(crt, data, GNUTLS_X509_FMT_DER) < 0 &&
	    gnutls_pubkey_init(&pub) >= 0) {
		kind = gnutls_pubkey_import(pub, data, GNUTLS_X509_FMT_DER) >= 0
		               ? CLI_CREDS_PUBKEY
		               : CLI_CREDS_CERT;
	}
	gnutls_x509_crt_deinit(crt);
	gnutls_pubkey_deinit(pub);
	return kind;
}

dance_code_t cli_load_creds(const char *path, cli_creds_kind_t kind,
                            cli_creds_t *out, dance_error_t *err)
{
	gnutls_datum_t data;
	memset(out, 0, sizeof(*out));
	dance_code_t rc = cli_read_file(path, &data, err);
	if (rc == DANCE_OK) {
		if (kind == CLI_CREDS_ANY) {
			kind = detect_kind(&data);
		}
		rc = creds_of_kind(&data, kind, out, err);
	}
	cli_datum_free(&data);
	if (rc != DANCE_OK) {
		cli_creds_clear(out);
		return rc;
	}
	out->creds.certs = out->items.der;
	out->creds.count = out->items.count;
	return DANCE_OK;
}

void cli_creds_clear(cli_creds_t *c)
{
	cli_certs_clear(&c->items);
	memset(c, 0, sizeof(*c));
}
