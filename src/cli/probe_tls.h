/* probe_tls.h: the client side of an XoT connection as a secondary makes
 * it: TCP with a deadline, GnuTLS TLS 1.3 only, ALPN "dot", an optional
 * client certificate; DNS messages framed with their 2-byte length. */
#ifndef DANCE_CLI_PROBE_TLS_H
#define DANCE_CLI_PROBE_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "cli_pki.h"
#include "dance/error.h"

typedef struct probe_conn {
	int fd;
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	unsigned timeout_ms;
	/* Set when the peer ended the session with a TLS alert that refuses
	 * the client (certificate required, access denied, ...). */
	int refused_by_alert;
} probe_conn_t;

/* What the probe presents to the primary. */
typedef struct probe_tls_client {
	const cli_certs_t *certs; /* NULL or empty: no certificate */
	gnutls_privkey_t *key;    /* handed to the credentials */
	int rawpk;                /* certs->der[0] is an SPKI (RFC 7250) */
	const char *clientid;     /* dane_clientid TLSA owner, or NULL */
	unsigned clientid_type;   /* its codepoint */
} probe_tls_client_t;

typedef struct probe_tls_info {
	char protocol[32];  /* "TLS1.3" */
	char cipher[64];    /* "TLS_AES_256_GCM_SHA384" */
	char alpn[32];      /* negotiated ALPN, "" if none */
	int cert_requested; /* the server asked for a client certificate */
	int cert_sent;      /* ... and one was sent */
	int rawpk;          /* client certificate type: raw public key */
	int clientid_sent;  /* dane_clientid was in the ClientHello */
	int clientid_acked; /* ... and the server acknowledged it */
	gnutls_datum_t *server_chain; /* DER, owned by the session */
	unsigned server_chain_len;
} probe_tls_info_t;

void probe_conn_init(probe_conn_t *c);

/* TCP connection to host (IP address or name) and port. */
dance_code_t probe_connect(probe_conn_t *c, const char *host, uint16_t port,
                           unsigned timeout_ms, dance_error_t *err);

/* TLS handshake; client->certs/key may be NULL for no client certificate
 * (*key is then owned by the connection either way). With rawpk the key is
 * offered as a raw public key only (client_certificate_type, RFC 7250).
 * With clientid the dane_clientid extension goes in the ClientHello
 * (dance/clientid.h). sni may be NULL. */
dance_code_t probe_handshake(probe_conn_t *c, const probe_tls_client_t *client,
                             const char *sni, probe_tls_info_t *info,
                             dance_error_t *err);

/* One DNS message with its length prefix. */
dance_code_t probe_send(probe_conn_t *c, const uint8_t *msg, size_t len,
                        dance_error_t *err);
/* The next DNS message into buf (65535 bytes); ENOTFOUND when the server
 * closed the connection cleanly before it. */
dance_code_t probe_recv(probe_conn_t *c, uint8_t *buf, size_t *len,
                        dance_error_t *err);

void probe_conn_close(probe_conn_t *c);

#endif
