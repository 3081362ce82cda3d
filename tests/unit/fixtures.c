/* fixtures.c: test-time keys and certificates (GnuTLS). */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#define FX_CHECK(expr)                                                         \
	do {                                                                   \
		int fx_rc_ = (expr);                                           \
		if (fx_rc_ < 0) {                                              \
			fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, \
			        #expr, gnutls_strerror(fx_rc_));               \
			CU_FAIL_FATAL(#expr);                                  \
		}                                                              \
	} while (0)

fx_key_t *fx_key_new(fx_keytype_t type)
{
	fx_key_t *key = calloc(1, sizeof(*key));
	CU_ASSERT_PTR_NOT_NULL_FATAL(key);
	key->type = type;
	FX_CHECK(gnutls_x509_privkey_init(&key->x509));
	switch (type) {
	case FX_RSA:
		FX_CHECK(gnutls_x509_privkey_generate(key->x509, GNUTLS_PK_RSA,
		                                      2048, 0));
		break;
	case FX_ECDSA:
		FX_CHECK(gnutls_x509_privkey_generate(
		        key->x509, GNUTLS_PK_ECDSA,
		        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
		break;
	case FX_ED25519:
		FX_CHECK(gnutls_x509_privkey_generate(
		        key->x509, GNUTLS_PK_EDDSA_ED25519,
		        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_ED25519), 0));
		break;
	}
	FX_CHECK(gnutls_privkey_init(&key->priv));
	FX_CHECK(gnutls_privkey_import_x509(key->priv, key->x509, 0));
	FX_CHECK(gnutls_pubkey_init(&key->pub));
	FX_CHECK(gnutls_pubkey_import_privkey(key->pub, key->priv, 0, 0));
	FX_CHECK(gnutls_pubkey_export2(key->pub, GNUTLS_X509_FMT_DER,
	                               &key->spki));
	return key;
}

void fx_key_free(fx_key_t *key)
{
	if (key == NULL) {
		return;
	}
	gnutls_free(key->spki.data);
	gnutls_pubkey_deinit(key->pub);
	gnutls_privkey_deinit(key->priv);
	gnutls_x509_privkey_deinit(key->x509);
	free(key);
}

static gnutls_digest_algorithm_t sign_hash(const fx_key_t *key)
{
	return key->type == FX_ED25519 ? GNUTLS_DIG_UNKNOWN : GNUTLS_DIG_SHA256;
}

/* Appends a DER length to buf at *used. */
static void der_length(unsigned char *buf, size_t *used, size_t len)
{
	if (len < 0x80) {
		buf[(*used)++] = (unsigned char)len;
		return;
	}
	unsigned char bytes[4];
	size_t n = 0;
	for (size_t v = len; v > 0; v >>= 8) {
		bytes[n++] = (unsigned char)(v & 0xff);
	}
	buf[(*used)++] = (unsigned char)(0x80 | n);
	while (n > 0) {
		buf[(*used)++] = bytes[--n];
	}
}

/* The subjectAltName extension value (GeneralNames) of spec's names, each
 * a dNSName ([2] IMPLICIT IA5String) with the octets as given. */
static void san_extension(const fx_cert_spec_t *spec, gnutls_datum_t *ext)
{
	size_t body = 0, count = 0;
	gnutls_datum_t names[FX_MAX_SAN];
	for (; count < FX_MAX_SAN && spec->san_dns[count] != NULL; count++) {
		names[count].data = (unsigned char *)spec->san_dns[count];
		names[count].size = (unsigned)strlen(spec->san_dns[count]);
		body += 6 + names[count].size;
	}
	for (size_t i = 0; i < spec->san_octet_count; i++) {
		body += 6 + spec->san_octets[i].size;
	}
	unsigned char *buf = malloc(body + 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	size_t used = 0, inner = 0;
	unsigned char *items = malloc(body + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(items);
	for (size_t i = 0; i < count + spec->san_octet_count; i++) {
		const gnutls_datum_t *d =
		        i < count ? &names[i] : &spec->san_octets[i - count];
		items[inner++] = 0x82;
		der_length(items, &inner, d->size);
		memcpy(items + inner, d->data, d->size);
		inner += d->size;
	}
	buf[used++] = 0x30;
	der_length(buf, &used, inner);
	memcpy(buf + used, items, inner);
	free(items);
	ext->data = buf;
	ext->size = (unsigned)(used + inner);
}

/* The spec's dNSName name constraints (permitted, excluded), in one
 * extension. */
static void constrain_dns(gnutls_x509_crt_t crt, const fx_cert_spec_t *spec)
{
	gnutls_x509_name_constraints_t nc = NULL;
	FX_CHECK(gnutls_x509_name_constraints_init(&nc));
	if (spec->permitted_dns != NULL) {
		gnutls_datum_t d = {(unsigned char *)spec->permitted_dns,
		                    (unsigned)strlen(spec->permitted_dns)};
		FX_CHECK(gnutls_x509_name_constraints_add_permitted(
		        nc, GNUTLS_SAN_DNSNAME, &d));
	}
	if (spec->excluded_dns != NULL) {
		gnutls_datum_t d = {(unsigned char *)spec->excluded_dns,
		                    (unsigned)strlen(spec->excluded_dns)};
		FX_CHECK(gnutls_x509_name_constraints_add_excluded(
		        nc, GNUTLS_SAN_DNSNAME, &d));
	}
	FX_CHECK(gnutls_x509_crt_set_name_constraints(crt, nc, 1));
	gnutls_x509_name_constraints_deinit(nc);
}

fx_cert_t *fx_cert_new(const fx_key_t *subject_key, const fx_cert_spec_t *spec,
                       const fx_cert_t *issuer_cert, const fx_key_t *issuer_key)
{
	static unsigned serial_counter = 1;
	time_t now = time(NULL);
	fx_cert_t *cert = calloc(1, sizeof(*cert));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	FX_CHECK(gnutls_x509_crt_init(&cert->crt));
	gnutls_x509_crt_t crt = cert->crt;
	FX_CHECK(gnutls_x509_crt_set_version(crt, 3));
	unsigned char serial[8] = {0x01};
	unsigned s = serial_counter++;
	memcpy(serial + 4, &s, sizeof(s));
	FX_CHECK(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)));
	FX_CHECK(gnutls_x509_crt_set_activation_time(
	        crt, spec->not_before != 0 ? spec->not_before : now - 86400));
	FX_CHECK(gnutls_x509_crt_set_expiration_time(
	        crt,
	        spec->not_after != 0 ? spec->not_after : now + 30 * 86400));
	FX_CHECK(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
	                                       0, spec->cn, strlen(spec->cn)));
	FX_CHECK(gnutls_x509_crt_set_pubkey(crt, subject_key->pub));
	if (spec->san_octet_count > 0) {
		gnutls_datum_t ext = {NULL, 0};
		san_extension(spec, &ext);
		FX_CHECK(gnutls_x509_crt_set_extension_by_oid(
		        crt, GNUTLS_X509EXT_OID_SAN, ext.data, ext.size, 0));
		free(ext.data);
	}
	for (int i = 0; spec->san_octet_count == 0 && i < FX_MAX_SAN &&
	                spec->san_dns[i] != NULL;
	     i++) {
		FX_CHECK(gnutls_x509_crt_set_subject_alt_name(
		        crt, GNUTLS_SAN_DNSNAME, spec->san_dns[i],
		        strlen(spec->san_dns[i]), GNUTLS_FSAN_APPEND));
	}
	if (spec->excluded_dns != NULL || spec->permitted_dns != NULL) {
		constrain_dns(crt, spec);
	}
	FX_CHECK(gnutls_x509_crt_set_basic_constraints(crt, spec->is_ca, -1));
	if (spec->is_ca) {
		FX_CHECK(gnutls_x509_crt_set_key_usage(
		        crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
		                     GNUTLS_KEY_DIGITAL_SIGNATURE));
	} else {
		FX_CHECK(gnutls_x509_crt_set_key_usage(
		        crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
		FX_CHECK(gnutls_x509_crt_set_key_purpose_oid(
		        crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
	}
	unsigned char kid[64];
	size_t kid_len = sizeof(kid);
	FX_CHECK(gnutls_pubkey_get_key_id(subject_key->pub, 0, kid, &kid_len));
	FX_CHECK(gnutls_x509_crt_set_subject_key_id(crt, kid, kid_len));
	if (issuer_cert == NULL) {
		FX_CHECK(gnutls_x509_crt_privkey_sign(
		        crt, crt, subject_key->priv, sign_hash(subject_key),
		        0));
	} else {
		FX_CHECK(gnutls_x509_crt_privkey_sign(
		        crt, issuer_cert->crt, issuer_key->priv,
		        sign_hash(issuer_key), 0));
	}
	FX_CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &cert->der));
	return cert;
}

void fx_cert_free(fx_cert_t *cert)
{
	if (cert == NULL) {
		return;
	}
	gnutls_free(cert->der.data);
	gnutls_x509_crt_deinit(cert->crt);
	free(cert);
}

static int write_datum(const gnutls_datum_t *d, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		return -1;
	}
	size_t n = fwrite(d->data, 1, d->size, f);
	int rc = fclose(f);
	return (n == d->size && rc == 0) ? 0 : -1;
}

int fx_write_cert_pem(const fx_cert_t *cert, const char *path)
{
	gnutls_datum_t pem = {NULL, 0};
	if (gnutls_x509_crt_export2(cert->crt, GNUTLS_X509_FMT_PEM, &pem) < 0) {
		return -1;
	}
	int rc = write_datum(&pem, path);
	gnutls_free(pem.data);
	return rc;
}

int fx_write_key_pem(const fx_key_t *key, const char *path)
{
	gnutls_datum_t pem = {NULL, 0};
	if (gnutls_x509_privkey_export2(key->x509, GNUTLS_X509_FMT_PEM, &pem) <
	    0) {
		return -1;
	}
	int rc = write_datum(&pem, path);
	gnutls_free(pem.data);
	return rc;
}

char *fx_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = NULL;
	if (asprintf(&dir, "%s/dance-unit-XXXXXX",
	             base != NULL ? base : "/tmp") < 0) {
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

void fx_rmtree(char *dir)
{
	if (dir == NULL) {
		return;
	}
	char *cmd = NULL;
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
		if (system(cmd) != 0) {
			fprintf(stderr, "fx_rmtree: could not remove %s\n",
			        dir);
		}
		free(cmd);
	}
	free(dir);
}
