/* tls.h: a GnuTLS server session driven by the event loop.
 *
 * The session never touches a socket: ciphertext that arrives is fed in
 * with dp_tls_feed, and ciphertext GnuTLS produces goes to the push
 * callback (the connection writes it with libuv). Server policy: TLS 1.3
 * only, ALPN "dot" mandatory, client certificate required. */
#ifndef DP_TLS_H
#define DP_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

#include <dance/error.h>

/* TLS 1.3 only; clients may present an X.509 certificate or a raw public
 * key (RFC 7250; matched against TLSA 3 1 x only). */
#define DP_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+CTYPE-CLI-ALL"
#define DP_TLS_ALPN     "dot"

/* Received ciphertext held at most: 4 TLS records of the largest size
 * (5-byte header, 2^14 bytes and 256 of TLS 1.3 expansion). The
 * connection stops reading when it is full; GnuTLS consumes it record by
 * record. */
#define DP_TLS_RECORD_MAX (5 + 16384 + 256)
#define DP_TLS_IN_MAX     (4 * DP_TLS_RECORD_MAX)

typedef void (*dp_tls_push_fn)(void *arg, const void *data, size_t len);

typedef struct dp_tls {
	gnutls_session_t session;
	uint8_t *in; /* received ciphertext not yet consumed */
	size_t in_len, in_off, in_cap;
	uint64_t pulled; /* bytes GnuTLS took from in, ever */
	dp_tls_push_fn push;
	void *arg;
	int handshake_done;
	unsigned clientid_type; /* 0: dane_clientid not enabled */
} dp_tls_t;

/* Loads the server certificate chain and key (PEM). */
dance_code_t dp_tls_creds_load(const char *cert_file, const char *key_file,
                               gnutls_certificate_credentials_t *out,
                               dance_error_t *err);

/* clientid_type: the dane_clientid extension codepoint to accept, 0 for
 * none. */
dance_code_t dp_tls_init(dp_tls_t *t, gnutls_certificate_credentials_t creds,
                         gnutls_priority_t prio, unsigned clientid_type,
                         dp_tls_push_fn push, void *arg, dance_error_t *err);

/* After the handshake: the TLSA owner name the client claimed with
 * dane_clientid into name ("" when none); -1 with why when the extension
 * was malformed. */
int dp_tls_claimed_name(dp_tls_t *t, char *name, size_t size, char *why,
                        size_t why_size);
void dp_tls_deinit(dp_tls_t *t);

/* Appends received ciphertext: at most dp_tls_in_room bytes (EINVAL
 * beyond). */
dance_code_t dp_tls_feed(dp_tls_t *t, const uint8_t *data, size_t len,
                         dance_error_t *err);
/* How much more ciphertext may be fed now (0: stop reading). */
size_t dp_tls_in_room(const dp_tls_t *t);

/* Advances the handshake as far as the buffered input allows: 1 done
 * (TLS 1.3 + ALPN dot + a client certificate checked), 0 needs more
 * input, -1 failed (why names the cause: no-certificate, TLS version,
 * ALPN, or GnuTLS's reason). */
int dp_tls_handshake(dp_tls_t *t, char *why, size_t why_size);

/* Decrypted bytes: > 0 count, 0 the peer closed, GNUTLS_E_AGAIN no more
 * in the buffered input for now, another negative GnuTLS error. */
ssize_t dp_tls_recv(dp_tls_t *t, uint8_t *buf, size_t size);

/* Encrypts and pushes all of data; 0 or a GnuTLS error. */
int dp_tls_send(dp_tls_t *t, const uint8_t *data, size_t len);

/* Sends close_notify. */
void dp_tls_bye(dp_tls_t *t);

#endif
