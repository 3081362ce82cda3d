/* dance/tlsagen.h: making TLSA records from certificates and keys. */
#ifndef DANCE_TLSAGEN_H
#define DANCE_TLSAGEN_H

#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "dance/error.h"
#include "dance/tlsa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record for a DER certificate: selector 0 hashes the whole certificate,
 * 1 its SPKI; mtype 0 copies, 1 SHA-256, 2 SHA-512. EINVAL for other
 * selector/mtype values or unparsable DER. Usage is stored as given. */
dance_code_t dance_tlsa_from_cert(const gnutls_datum_t *cert_der, uint8_t usage,
                                  uint8_t selector, uint8_t mtype,
                                  dance_tlsa_t *out, dance_error_t *err);

/* Record for a public key (selector must be 1: a bare key has no cert).
 * EINVAL for another selector or an unsupported mtype; ECRYPTO when GnuTLS
 * cannot export the key. */
dance_code_t dance_tlsa_from_pubkey(gnutls_pubkey_t key, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err);

/* Record for the public half of a private key (selector must be 1).
 * Errors as for dance_tlsa_from_pubkey. */
dance_code_t dance_tlsa_from_privkey(gnutls_privkey_t key, uint8_t usage,
                                     uint8_t selector, uint8_t mtype,
                                     dance_tlsa_t *out, dance_error_t *err);

/* Record from the association data of raw bytes (selector's object):
 * applies mtype (0 copy, 1 SHA-256, 2 SHA-512). EINVAL for a selector other
 * than 0/1, another mtype, or an empty object. */
dance_code_t dance_tlsa_from_object(const gnutls_datum_t *object, uint8_t usage,
                                    uint8_t selector, uint8_t mtype,
                                    dance_tlsa_t *out, dance_error_t *err);

/* Zone-file line "<owner>. <ttl> IN TLSA u s m HEX" (owner normalised, with
 * the trailing dot added; ttl 0 leaves the TTL out). malloc'ed, or NULL. */
char *dance_tlsa_rr_line(const char *owner, uint32_t ttl,
                         const dance_tlsa_t *t);

#ifdef __cplusplus
}
#endif
#endif
