/* peer.h: who is asking, as the transport tells it.
 *
 * Reads the remote address, whether the query came over TLS 1.3 with
 * ALPN "dot" (XoT, RFC 9103 7.1/7.2) or over QUIC with ALPN "doq" (XoQ,
 * RFC 9250 7.1; QUIC always runs TLS 1.3), and the client certificate
 * chain or raw public key the peer presented in the handshake (the GnuTLS
 * session of knotd's TLS or QUIC connection). Nothing is copied: the
 * credentials point into the session and are valid during the query only. Also
 * a marker of the connection itself, for the decision memory (repeat.h).
 */
#ifndef MOD_DANCE_PEER_H
#define MOD_DANCE_PEER_H

#include <gnutls/gnutls.h>
#include <knot/module.h>

#include <dance/match.h>

#include "repeat.h"

#define MD_PEER_ADDR_MAX 64

typedef struct md_peer {
	char addr[MD_PEER_ADDR_MAX]; /* "127.0.0.1@53000", for logs */
	/* "127.0.0.1@53000 over XoT" ("over XoQ", "over TCP", ...) */
	char label[MD_PEER_ADDR_MAX + 16];
	/* TLS 1.3 with ALPN "dot" (XoT), or QUIC with ALPN "doq" (XoQ) */
	int tls;
	char transport[64];       /* "TLS 1.3, ALPN dot", "plain TCP", ... */
	gnutls_session_t session; /* NULL unless over TLS or QUIC */
	dance_creds_t creds;      /* count 0 when nothing was presented */
	/* What no other connection can reproduce (repeat.h): over TLS the
	 * handshake's client and server randoms, else the socket and the
	 * peer's address. */
	uint8_t conn[MD_REPEAT_CONN_MAX];
	size_t conn_len;
} md_peer_t;

/* Fills *out from the query's processing parameters. */
void md_peer_read(const knotd_qdata_params_t *params, md_peer_t *out);

#endif
