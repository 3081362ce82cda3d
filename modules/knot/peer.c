/* peer.c: the transport facts and client credentials of a query. */
#include "peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <libknot/quic/quic_conn.h>
#include <libknot/quic/tls.h>

#define XOT_ALPN "dot"
#define XOQ_ALPN "doq"

static void format_address(const struct sockaddr_storage *ss, char *out,
                           size_t size)
{
	char host[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;
	if (ss == NULL) {
		snprintf(out, size, "unknown");
		return;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		port = ntohs(v4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		port = ntohs(v6->sin6_port);
	} else if (ss->ss_family == AF_UNIX) {
		snprintf(out, size, "unix socket");
		return;
	}
	if (host[0] == '\0') {
		snprintf(out, size, "unknown");
		return;
	}
	snprintf(out, size, "%s@%u", host, port);
}

static const char *protocol_name(knotd_query_proto_t proto)
{
	switch (proto) {
	case KNOTD_QUERY_PROTO_UDP: return "UDP";
	case KNOTD_QUERY_PROTO_TCP: return "plain TCP";
	case KNOTD_QUERY_PROTO_QUIC: return "QUIC";
	case KNOTD_QUERY_PROTO_TLS: return "TLS";
	}
	return "unknown transport";
}

/* True when the session negotiated ALPN alpn. */
static int alpn_is(gnutls_session_t session, const char *alpn)
{
	gnutls_datum_t proto = {NULL, 0};
	if (gnutls_alpn_get_selected_protocol(session, &proto) != 0) {
		return 0;
	}
	return proto.size == strlen(alpn) &&
	       memcmp(proto.data, alpn, proto.size) == 0;
}

/* TLS 1.3 and the transport's ALPN ("dot" for XoT, "doq" for XoQ), or a
 * sentence saying what was negotiated. */
static void check_tls_session(gnutls_session_t session, const char *what,
                              const char *alpn, md_peer_t *out)
{
	gnutls_protocol_t version = gnutls_protocol_get_version(session);
	if (version != GNUTLS_TLS1_3) {
		const char *name = gnutls_protocol_get_name(version);
		snprintf(out->transport, sizeof(out->transport),
		         "%s%s negotiated, TLS 1.3 required", what,
		         name != NULL ? name : "unknown TLS version");
		return;
	}
	if (!alpn_is(session, alpn)) {
		snprintf(out->transport, sizeof(out->transport),
		         "%sTLS 1.3 without ALPN \"%s\"", what, alpn);
		return;
	}
	snprintf(out->transport, sizeof(out->transport), "%sTLS 1.3, ALPN %s",
	         what, alpn);
	out->tls = 1;
}

/* The peer's certificate chain (leaf first) or raw public key. */
static void read_credentials(gnutls_session_t session, dance_creds_t *creds)
{
	unsigned count = 0;
	const gnutls_datum_t *list =
	        gnutls_certificate_get_peers(session, &count);
	if (list == NULL || count == 0) {
		return;
	}
	gnutls_certificate_type_t type =
	        gnutls_certificate_type_get2(session, GNUTLS_CTYPE_PEERS);
	creds->type =
	        type == GNUTLS_CRT_RAWPK ? DANCE_CRED_RAWPK : DANCE_CRED_X509;
	creds->certs = list;
	creds->count = count;
}

/* Appends len bytes of data to the connection marker (bounded). */
static void mark(md_peer_t *out, const void *data, size_t len)
{
	if (len > sizeof(out->conn) - out->conn_len) {
		len = sizeof(out->conn) - out->conn_len;
	}
	memcpy(out->conn + out->conn_len, data, len);
	out->conn_len += len;
}

/* The handshake's randoms: the server's 32 bytes are drawn anew by knotd's
 * GnuTLS for every handshake (resumed ones too), so no later connection
 * has them. A tag byte keeps them apart from a socket marker. */
static void mark_tls_connection(gnutls_session_t session, md_peer_t *out)
{
	gnutls_datum_t client = {NULL, 0}, server = {NULL, 0};
	gnutls_session_get_random(session, &client, &server);
	if (server.size == 0) {
		return; /* no marker: no decision is remembered */
	}
	mark(out, "T", 1);
	mark(out, client.data, client.size);
	mark(out, server.data, server.size);
}

/* Plain TCP or UDP: the socket and the peer's address and port. */
static void mark_socket(const knotd_qdata_params_t *params, md_peer_t *out)
{
	mark(out, "S", 1);
	mark(out, &params->socket, sizeof(params->socket));
	if (params->remote == NULL) {
		return;
	}
	if (params->remote->ss_family == AF_INET) {
		mark(out, params->remote, sizeof(struct sockaddr_in));
	} else if (params->remote->ss_family == AF_INET6) {
		mark(out, params->remote, sizeof(struct sockaddr_in6));
	}
}

/* The GnuTLS session of the query's TLS or QUIC connection, or NULL. */
static gnutls_session_t secure_session(const knotd_qdata_params_t *params)
{
	if (params->proto == KNOTD_QUERY_PROTO_TLS &&
	    params->tls_conn != NULL) {
		return params->tls_conn->session;
	}
	if (params->proto == KNOTD_QUERY_PROTO_QUIC &&
	    params->quic_conn != NULL) {
		return params->quic_conn->tls_session;
	}
	return NULL;
}

static const char *transfer_name(knotd_query_proto_t proto)
{
	switch (proto) {
	case KNOTD_QUERY_PROTO_TLS: return "XoT";
	case KNOTD_QUERY_PROTO_QUIC: return "XoQ";
	case KNOTD_QUERY_PROTO_TCP: return "TCP";
	case KNOTD_QUERY_PROTO_UDP: return "UDP";
	}
	return "unknown transport";
}

void md_peer_read(const knotd_qdata_params_t *params, md_peer_t *out)
{
	memset(out, 0, sizeof(*out));
	out->creds.type = DANCE_CRED_X509;
	format_address(params->remote, out->addr, sizeof(out->addr));
	snprintf(out->label, sizeof(out->label), "%s over %s", out->addr,
	         transfer_name(params->proto));
	snprintf(out->transport, sizeof(out->transport), "%s",
	         protocol_name(params->proto));
	gnutls_session_t session = secure_session(params);
	if (session == NULL) {
		mark_socket(params, out);
		return;
	}
	out->session = session;
	mark_tls_connection(session, out);
	if (params->proto == KNOTD_QUERY_PROTO_QUIC) {
		check_tls_session(session, "QUIC, ", XOQ_ALPN, out);
	} else {
		check_tls_session(session, "", XOT_ALPN, out);
	}
	read_credentials(session, &out->creds);
}
