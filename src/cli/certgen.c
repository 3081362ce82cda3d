/* certgen.c: key and self-signed client certificate (certgen.h). */
#include "certgen.h"

#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>

#define CN_MAX 64 /* ub-common-name, RFC 5280 */

static const struct {
	const char *name;
	gnutls_pk_algorithm_t algo;
	unsigned bits;
} key_types[] = {
        [CLI_KEY_ECDSA_P256] = {"ecdsa-p256", GNUTLS_PK_ECDSA,
                                GNUTLS_CURVE_TO_BITS(
                                        GNUTLS_ECC_CURVE_SECP256R1)},
        [CLI_KEY_ED25519] = {"ed25519", GNUTLS_PK_EDDSA_ED25519,
                             GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_ED25519)},
        [CLI_KEY_RSA3072] = {"rsa3072", GNUTLS_PK_RSA, 3072},
};

int cli_key_type_from_name(const char *name, cli_key_type_t *out)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		if (strcmp(name, key_types[i].name) == 0) {
			*out = (cli_key_type_t)i;
			return 0;
		}
	}
	return -1;
}

const char *cli_key_type_name(cli_key_type_t type)
{
	return key_types[type].name;
}

/* Fails with the GnuTLS reason of rc, naming the step. */
static dance_code_t gnutls_failed(dance_error_t *err, const char *step, int rc)
{
	return dance_error_set(err, DANCE_ECRYPTO, "cannot %s: %s", step,
	                       gnutls_strerror(rc));
}

static int set_serial(gnutls_x509_crt_t crt)
{
	unsigned char serial[16];
	int rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
	if (rc < 0) {
		return rc;
	}
	serial[0] = (serial[0] & 0x7f) | 0x40; /* positive, full length */
	return gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
}

/* Subject CN and SAN, or an empty subject and a critical SAN. */
static int set_names(gnutls_x509_crt_t crt, const char *name)
{
	size_t len = strlen(name);
	if (len <= CN_MAX) {
		int rc = gnutls_x509_crt_set_dn_by_oid(
		        crt, GNUTLS_OID_X520_COMMON_NAME, 0, name,
		        (unsigned)len);
		if (rc < 0) {
			return rc;
		}
		return gnutls_x509_crt_set_subject_alt_name(
		        crt, GNUTLS_SAN_DNSNAME, name, (unsigned)len,
		        GNUTLS_FSAN_SET);
	}
	gnutls_subject_alt_names_t san = NULL;
	gnutls_datum_t value = {(unsigned char *)name, (unsigned)len};
	gnutls_datum_t der = {NULL, 0};
	int rc = gnutls_subject_alt_names_init(&san);
	if (rc >= 0) {
		rc = gnutls_subject_alt_names_set(san, GNUTLS_SAN_DNSNAME,
		                                  &value, NULL);
	}
	if (rc >= 0) {
		rc = gnutls_x509_ext_export_subject_alt_names(san, &der);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_extension_by_oid(
		        crt, "2.5.29.17", der.data, der.size, 1);
	}
	gnutls_free(der.data);
	gnutls_subject_alt_names_deinit(san);
	return rc;
}

static int set_client_extensions(gnutls_x509_crt_t crt,
                                 gnutls_x509_privkey_t key)
{
	unsigned char id[64];
	size_t id_len = sizeof(id);
	int rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key_usage(
		        crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key_purpose_oid(
		        crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
	}
	if (rc >= 0) {
		rc = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1,
		                                    id, &id_len);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_subject_key_id(crt, id, id_len);
	}
	return rc;
}

/* Signs crt with key, using the hash GnuTLS prefers for the key. */
static int self_sign(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	gnutls_privkey_t pk = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_digest_algorithm_t dig = GNUTLS_DIG_SHA256;
	int rc = gnutls_privkey_init(&pk);
	if (rc >= 0) {
		rc = gnutls_privkey_import_x509(pk, key, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_init(&pub);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_import_privkey(pub, pk, 0, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_get_preferred_hash_algorithm(pub, &dig,
		                                                NULL);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_privkey_sign(crt, crt, pk, dig, 0);
	}
	gnutls_pubkey_deinit(pub);
	gnutls_privkey_deinit(pk);
	return rc;
}

static dance_code_t build_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
                               const char *name, cli_selfsigned_t *out,
                               dance_error_t *err)
{
	int rc = gnutls_x509_crt_set_version(crt, 3);
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_key(crt, key);
	}
	if (rc >= 0) {
		rc = set_serial(crt);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_activation_time(crt, out->not_before);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_set_expiration_time(crt, out->not_after);
	}
	if (rc < 0) {
		return gnutls_failed(err, "fill in the certificate", rc);
	}
	rc = set_names(crt, name);
	if (rc < 0) {
		return gnutls_failed(err, "set the certificate's names", rc);
	}
	rc = set_client_extensions(crt, key);
	if (rc < 0) {
		return gnutls_failed(err, "set the certificate's extensions",
		                     rc);
	}
	rc = self_sign(crt, key);
	if (rc < 0) {
		return gnutls_failed(err, "sign the certificate", rc);
	}
	return DANCE_OK;
}

static dance_code_t export_all(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
                               cli_selfsigned_t *out, dance_error_t *err)
{
	int rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM,
	                                           NULL, GNUTLS_PKCS_PLAIN,
	                                           &out->key_pem);
	if (rc < 0) {
		return gnutls_failed(err, "encode the private key", rc);
	}
	rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out->cert_pem);
	if (rc >= 0) {
		rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
		                             &out->cert_der);
	}
	if (rc < 0) {
		return gnutls_failed(err, "encode the certificate", rc);
	}
	return DANCE_OK;
}

dance_code_t cli_make_selfsigned(const char *name, cli_key_type_t type,
                                 unsigned days, cli_selfsigned_t *out,
                                 dance_error_t *err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	memset(out, 0, sizeof(*out));
	out->not_before = time(NULL);
	out->not_after = out->not_before + (time_t)days * 86400;
	dance_code_t code = DANCE_OK;
	int rc = gnutls_x509_privkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&crt);
	}
	if (rc >= 0) {
		rc = gnutls_x509_privkey_generate2(key, key_types[type].algo,
		                                   key_types[type].bits, 0,
		                                   NULL, 0);
	}
	if (rc < 0) {
		code = gnutls_failed(err, "generate the key", rc);
	} else {
		code = build_cert(crt, key, name, out, err);
	}
	if (code == DANCE_OK) {
		code = export_all(crt, key, out, err);
	}
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	if (code != DANCE_OK) {
		cli_selfsigned_clear(out);
	}
	return code;
}

void cli_selfsigned_clear(cli_selfsigned_t *s)
{
	if (s->key_pem.data != NULL) {
		gnutls_memset(s->key_pem.data, 0, s->key_pem.size);
	}
	gnutls_free(s->key_pem.data);
	gnutls_free(s->cert_pem.data);
	gnutls_free(s->cert_der.data);
	memset(s, 0, sizeof(*s));
}
