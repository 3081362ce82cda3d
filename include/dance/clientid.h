/* dance/clientid.h: the dane_clientid TLS extension
 * (draft-ietf-dance-client-auth -13 section 7) on GnuTLS sessions.
 *
 * The extension carries the client's full TLSA owner name:
 *
 *     opaque ClientName<0..2^8-1>;
 *
 * in presentation form, A-labels, no trailing dot, e.g.
 * "_xfr-client.ns2.example.net". The draft puts it in the TLS 1.3
 * CertificateRequest / client Certificate; GnuTLS has no hook for custom
 * extensions there, so here the client sends it in its ClientHello and the
 * server acknowledges it with an empty extension of the same type in
 * EncryptedExtensions (the TLS 1.2 form of draft-ietf-dance-tls-clientid).
 * Encoding and decoding live in this one place (dance_clientid_encode /
 * dance_clientid_decode) so the placement can move when TLS libraries
 * allow it.
 *
 * Codepoint: not assigned upstream yet. Every dance-xot part uses
 * DANCE_CLIENTID_EXT_DEFAULT = 0xFFDA (65498), from the TLS "Reserved for
 * Private Use" range 0xFF00-0xFFFF (RFC 8446 section 11), unless
 * configured otherwise; client and server must agree. An ext_type of 0 in
 * the calls below means the default; other values must lie in the
 * private-use range too (EINVAL otherwise), because GnuTLS's extension
 * callbacks carry no user pointer and the glue finds its session state by
 * looking the extension's name up among those codepoints. Known limits of
 * this placement: the name is sent in clear in the ClientHello (the
 * draft's TLS 1.3 placement would encrypt it).
 *
 * Server side, two calls (what dance-proxy does):
 *
 *     gnutls_init(&session, GNUTLS_SERVER);
 *     ...
 *     dance_clientid_server_enable(session, ext_type, &err);  // 1
 *     rc = gnutls_handshake(session);  // repeat while non-fatal
 *     if (rc < 0)
 *             gnutls_alert_send_appropriate(session, rc);
 *     ...
 *     char claimed[DANCE_NAME_MAX];
 *     dance_clientid_status_t st = dance_clientid_server_get(
 *             session, ext_type, claimed, sizeof(claimed), &err);  // 2
 *     req.claimed_name = st == DANCE_CLIENTID_NAME ? claimed : NULL;
 *
 * A malformed or empty ClientName fails the handshake: the extension
 * parser returns GNUTLS_E_INSUFFICIENT_CREDENTIALS, which GnuTLS maps to a
 * fatal handshake_failure alert when the server sends the alert for the
 * handshake's error (gnutls_alert_send_appropriate, as above; GnuTLS does
 * not send it by itself). dance_clientid_server_get then returns
 * DANCE_CLIENTID_MALFORMED with the reason in err (log it; if a decision
 * is wanted, it is a deny with DANCE_REASON_BAD_CLIENTID). The claimed
 * name is untrusted input: dance_authz_decide checks it against the
 * policy before any DNS lookup, then the presented key against its TLSA.
 *
 * Raw public keys (RFC 7250) on the same server, tested with GnuTLS 3.8:
 * gnutls_init(&session, GNUTLS_SERVER | GNUTLS_ENABLE_RAWPK) and the
 * priority append ":+CTYPE-CLI-ALL" (X.509 and raw keys from clients);
 * after the handshake, gnutls_certificate_type_get2(session,
 * GNUTLS_CTYPE_PEERS) == GNUTLS_CRT_RAWPK means gnutls_certificate_get_peers
 * returned the one DER SubjectPublicKeyInfo: dance_creds_t
 * {DANCE_CRED_RAWPK, peers, 1}. Only TLSA 3 1 x records can match it.
 *
 * Client side, one call after gnutls_init (GNUTLS_CLIENT):
 *
 *     dance_clientid_client_enable(session, "_xfr-client.ns2.example.net",
 *                                  ext_type, &err);
 *
 * and, after the handshake, dance_clientid_client_acked tells whether the
 * server acknowledged it.
 *
 * Per-session state is kept in the extension's own private data
 * (gnutls_ext_set_data), owned by the session and freed by gnutls_deinit;
 * gnutls_session_set_ptr stays free for the caller.
 */
#ifndef DANCE_CLIENTID_H
#define DANCE_CLIENTID_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "dance/error.h"
#include "dance/name.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default extension codepoint (private use; see above). */
#define DANCE_CLIENTID_EXT_DEFAULT 0xFFDAu

/* Largest encoded extension data: length octet + 255 octets. */
#define DANCE_CLIENTID_WIRE_MAX 256

/* GnuTLS error the server's parser fails the handshake with; GnuTLS maps
 * it to the fatal alert handshake_failure. */
#define DANCE_CLIENTID_GNUTLS_ERROR GNUTLS_E_INSUFFICIENT_CREDENTIALS

/* Encodes name as the extension data (length octet, name). The name is
 * normalised first (dance_name_normalize: lower case, U-labels to
 * A-labels, trailing dot dropped). EINVAL with a reason for an invalid
 * name or an out buffer smaller than the encoding. */
dance_code_t dance_clientid_encode(const char *name, uint8_t *out,
                                   size_t out_size, size_t *out_len,
                                   dance_error_t *err);

/* Decodes extension data into name (NUL-terminated, normalised; name_size
 * of DANCE_NAME_MAX is always enough). Pure function: no allocation, no
 * global state. EINVAL with a reason for: no data, a zero-length
 * ClientName, a length octet beyond the data (overrun), bytes after the
 * ClientName, data over 256 bytes, a NUL or non-ASCII octet, a trailing
 * dot, or a name that is not a valid DNS name; also when name_size is too
 * small for the name. */
dance_code_t dance_clientid_decode(const uint8_t *data, size_t len, char *name,
                                   size_t name_size, dance_error_t *err);

/* Client: sends name (normalised as by dance_clientid_encode) in the
 * ClientHello of session. Call once, after gnutls_init, before the
 * handshake. EINVAL for an invalid name or an ext_type outside the
 * private-use range, ECRYPTO when GnuTLS refuses the registration (e.g.
 * ext_type is an extension GnuTLS implements, such as 0xFF01
 * renegotiation_info, or it is enabled on this session already). */
dance_code_t dance_clientid_client_enable(gnutls_session_t session,
                                          const char *name, unsigned ext_type,
                                          dance_error_t *err);

/* Client, after the handshake: 1 when the server echoed the extension in
 * EncryptedExtensions (TLS 1.3) or ServerHello (TLS 1.2), else 0. */
int dance_clientid_client_acked(gnutls_session_t session, unsigned ext_type);

/* Server: parses a dane_clientid extension of the ClientHello of session
 * and acknowledges a valid one. Call once, after gnutls_init, before the
 * handshake. EINVAL / ECRYPTO as for dance_clientid_client_enable. A
 * session's server_get reports the last ClientHello (after a
 * HelloRetryRequest, the second). */
dance_code_t dance_clientid_server_enable(gnutls_session_t session,
                                          unsigned ext_type,
                                          dance_error_t *err);

/* Server, for sessions made by code that cannot call
 * dance_clientid_server_enable (knotd, for mod-dance): registers the
 * extension with GnuTLS for every session of the process
 * (gnutls_ext_register). A server session then parses and acknowledges it
 * like an enabled one (its state made on the first ClientHello that
 * carries it); a client session sends nothing. dance_clientid_server_get
 * reads it. Registering the same type again is DANCE_OK. Caveats, from
 * GnuTLS: not thread safe (call it before other threads make sessions),
 * the registration lasts until gnutls_global_deinit, so the code holding
 * these callbacks must stay loaded that long, and it cannot be undone.
 * ECRYPTO when GnuTLS refuses (the type is taken by another extension).
 * After it, dance_clientid_client_enable / _server_enable on that type
 * still work (they use the global entry); keep to one codepoint per
 * session. */
dance_code_t dance_clientid_register_global(unsigned ext_type,
                                            dance_error_t *err);

typedef enum dance_clientid_status {
	DANCE_CLIENTID_NONE = 0,  /* not received (or not enabled) */
	DANCE_CLIENTID_NAME,      /* a valid ClientName, in name */
	DANCE_CLIENTID_MALFORMED, /* received, malformed: handshake failed */
} dance_clientid_status_t;

/* Server, after the handshake (or its failure): what the client sent.
 * name (name_size bytes, DANCE_NAME_MAX is enough) gets the normalised
 * TLSA owner name for DANCE_CLIENTID_NAME, "" otherwise; err (may be NULL)
 * gets the reason for DANCE_CLIENTID_MALFORMED. */
dance_clientid_status_t dance_clientid_server_get(gnutls_session_t session,
                                                  unsigned ext_type, char *name,
                                                  size_t name_size,
                                                  dance_error_t *err);

/* Short name of a status: "none", "name", "malformed". */
const char *dance_clientid_status_name(dance_clientid_status_t status);

#ifdef __cplusplus
}
#endif
#endif
