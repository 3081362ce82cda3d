/* peer_digest.c: a peer's credentials digested once (dance_peer_t): parsed
 * certificates, the leaf's key, the digests matching compares with, the
 * SAN names. Immutable once made, so several decisions (and threads) may
 * read one. */
#include "peer_digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>

/* A raw key must be a parsable SubjectPublicKeyInfo; kept in its DER. */
static dance_code_t raw_key_spki(const gnutls_datum_t *der,
                                 gnutls_datum_t *spki, dance_error_t *err)
{
	gnutls_pubkey_t key = NULL;
	int rc = gnutls_pubkey_init(&key);
	if (rc >= 0) {
		rc = gnutls_pubkey_import(key, der, GNUTLS_X509_FMT_DER);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, spki);
	}
	gnutls_pubkey_deinit(key);
	if (rc < 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "raw public key does not parse: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

static dance_code_t open_x509(dance_peer_t *peer, const dance_creds_t *creds,
                              dance_error_t *err)
{
	dance_code_t rc =
	        chain_add(&peer->chain, &creds->certs[0], CHAIN_PRESENTED, err);
	for (size_t i = 1; i < creds->count && rc == DANCE_OK; i++) {
		(void)chain_add(&peer->chain, &creds->certs[i], CHAIN_PRESENTED,
		                NULL);
	}
	if (rc != DANCE_OK) {
		return rc;
	}
	const chain_cert_t *leaf = &peer->chain.certs[0];
	peer->spki.data = gnutls_malloc(leaf->spki.size);
	if (peer->spki.data == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	memcpy(peer->spki.data, leaf->spki.data, leaf->spki.size);
	peer->spki.size = leaf->spki.size;
	peer->spki_digests = leaf->spki_digests;
	peer->cert_digests = &leaf->cert_digests;
	peer->leaf_der = &leaf->der;
	peer->names_ok = dance_crt_dnsnames(leaf->crt, &peer->names,
	                                    &peer->scan, NULL) == DANCE_OK;
	return DANCE_OK;
}

dance_code_t dance_peer_new(const dance_creds_t *creds, dance_peer_t **out,
                            dance_error_t *err)
{
	*out = NULL;
	if (creds == NULL || creds->count == 0 || creds->certs == NULL ||
	    creds->certs[0].data == NULL || creds->certs[0].size == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "the peer presented no certificate or "
		                       "key");
	}
	dance_peer_t *peer = calloc(1, sizeof(*peer));
	if (peer == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	peer->type = creds->type;
	chain_init(&peer->chain);
	dance_code_t rc;
	if (creds->type == DANCE_CRED_RAWPK) {
		rc = raw_key_spki(&creds->certs[0], &peer->spki, err);
		if (rc == DANCE_OK &&
		    chain_digest(&peer->spki, &peer->spki_digests) != 0) {
			rc = dance_error_set(err, DANCE_ECRYPTO,
			                     "hashing the public key failed");
		}
	} else {
		rc = open_x509(peer, creds, err);
	}
	if (rc != DANCE_OK) {
		dance_peer_free(peer);
		return rc;
	}
	*out = peer;
	return DANCE_OK;
}

void dance_peer_free(dance_peer_t *peer)
{
	if (peer == NULL) {
		return;
	}
	chain_free(&peer->chain);
	gnutls_free(peer->spki.data);
	dance_name_list_clear(&peer->names);
	free(peer);
}

dance_cred_type_t dance_peer_type(const dance_peer_t *peer)
{
	return peer->type;
}

const uint8_t *dance_peer_spki_sha256(const dance_peer_t *peer)
{
	return peer->spki_digests.sha256;
}

void dance_peer_spki_sha256_hex(const dance_peer_t *peer, char *hex)
{
	for (size_t i = 0; i < sizeof(peer->spki_digests.sha256); i++) {
		snprintf(hex + 2 * i, 3, "%02x", peer->spki_digests.sha256[i]);
	}
}
