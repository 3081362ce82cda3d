/* probe_tls.c: TCP + TLS 1.3 client for probe (probe_tls.h). */
#include "probe_tls.h"

#include "dance/clientid.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TLS13_ONLY  "-VERS-ALL:+VERS-TLS1.3"
#define RAWPK_ONLY  ":-CTYPE-CLI-ALL:+CTYPE-CLI-RAWPK"
#define MAX_RETRIES 1000 /* of a record read interrupted or to be resumed */

void probe_conn_init(probe_conn_t *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Completes a non-blocking connect within timeout_ms. */
static int wait_connected(int fd, unsigned timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int n = poll(&pfd, 1, (int)timeout_ms);
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (n < 0) {
		return -1;
	}
	int so_error = 0;
	socklen_t len = sizeof(so_error);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
		return -1;
	}
	if (so_error != 0) {
		errno = so_error;
		return -1;
	}
	return 0;
}

static int connect_one(const struct addrinfo *ai, unsigned timeout_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	                ai->ai_protocol);
	if (fd < 0) {
		return -1;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
	    (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
	     (errno != EINPROGRESS || wait_connected(fd, timeout_ms) != 0)) ||
	    fcntl(fd, F_SETFL, flags) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

dance_code_t probe_connect(probe_conn_t *c, const char *host, uint16_t port,
                           unsigned timeout_ms, dance_error_t *err)
{
	char service[8];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	snprintf(service, sizeof(service), "%u", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		return dance_error_set(err, DANCE_EDNS,
		                       "cannot resolve server %s: %s", host,
		                       gai_strerror(rc));
	}
	int e = 0;
	c->timeout_ms = timeout_ms;
	for (struct addrinfo *ai = res; ai != NULL && c->fd < 0;
	     ai = ai->ai_next) {
		c->fd = connect_one(ai, timeout_ms);
		e = errno;
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		return dance_error_set(err, DANCE_EIO,
		                       "cannot connect to %s port %u: %s", host,
		                       port, strerror(e));
	}
	return DANCE_OK;
}

/* Puts the client certificate chain (or, with rawpk, the one SPKI) and
 * key into c->cred. */
static dance_code_t set_client_cert(probe_conn_t *c, const cli_certs_t *certs,
                                    int rawpk, gnutls_privkey_t *key,
                                    dance_error_t *err)
{
	gnutls_pcert_st *pcerts = calloc(certs->count, sizeof(*pcerts));
	if (pcerts == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	size_t n = 0;
	int rc = 0;
	while (n < certs->count) {
		rc = rawpk ? gnutls_pcert_import_rawpk_raw(
		                     &pcerts[n], &certs->der[n],
		                     GNUTLS_X509_FMT_DER, 0, 0)
		           : gnutls_pcert_import_x509_raw(
		                     &pcerts[n], &certs->der[n],
		                     GNUTLS_X509_FMT_DER, 0);
		if (rc < 0) {
			break;
		}
		n++;
	}
	if (rc >= 0) {
		rc = gnutls_certificate_set_key(c->cred, NULL, 0, pcerts,
		                                (int)n, *key);
	}
	if (rc >= 0) {
		*key = NULL; /* owned by the credentials now, and the pcerts */
	} else {
		for (size_t i = 0; i < n; i++) {
			gnutls_pcert_deinit(&pcerts[i]);
		}
	}
	free(pcerts);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot use the client certificate: %s",
		                       gnutls_strerror(rc));
	}
	return DANCE_OK;
}

static dance_code_t open_session(probe_conn_t *c,
                                 const probe_tls_client_t *client,
                                 const char *sni, dance_error_t *err)
{
	const char *errpos = NULL;
	gnutls_datum_t alpn = {(unsigned char *)"dot", 3};
	int rc = gnutls_init(&c->session,
	                     GNUTLS_CLIENT |
	                             (client->rawpk ? GNUTLS_ENABLE_RAWPK : 0));
	if (rc >= 0) {
		rc = gnutls_set_default_priority_append(
		        c->session,
		        client->rawpk ? TLS13_ONLY RAWPK_ONLY : TLS13_ONLY,
		        &errpos, 0);
	}
	if (rc >= 0) {
		rc = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE,
		                            c->cred);
	}
	if (rc >= 0) {
		rc = gnutls_alpn_set_protocols(c->session, &alpn, 1, 0);
	}
	if (rc >= 0 && sni != NULL) {
		rc = gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, sni,
		                            strlen(sni));
	}
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot set up TLS: %s",
		                       gnutls_strerror(rc));
	}
	if (client->clientid != NULL &&
	    dance_clientid_client_enable(c->session, client->clientid,
	                                 client->clientid_type,
	                                 err) != DANCE_OK) {
		return DANCE_ECRYPTO;
	}
	gnutls_transport_set_int(c->session, c->fd);
	gnutls_handshake_set_timeout(c->session, c->timeout_ms);
	gnutls_record_set_timeout(c->session, c->timeout_ms);
	return DANCE_OK;
}

/* True for alerts by which a server refuses the client's credentials. */
static int refusing_alert(gnutls_alert_description_t alert)
{
	return alert == GNUTLS_A_CERTIFICATE_REQUIRED ||
	       alert == GNUTLS_A_ACCESS_DENIED ||
	       alert == GNUTLS_A_BAD_CERTIFICATE ||
	       alert == GNUTLS_A_UNKNOWN_CA ||
	       alert == GNUTLS_A_CERTIFICATE_UNKNOWN ||
	       alert == GNUTLS_A_UNSUPPORTED_CERTIFICATE;
}

/* EIO with GnuTLS's reason, naming a received alert. */
static dance_code_t tls_failed(probe_conn_t *c, const char *what, int rc,
                               dance_error_t *err)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	    rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
		gnutls_alert_description_t alert = gnutls_alert_get(c->session);
		c->refused_by_alert = refusing_alert(alert);
		const char *name = gnutls_alert_get_name(alert);
		return dance_error_set(err, DANCE_EIO,
		                       "%s: the server sent the TLS alert "
		                       "\"%s\"",
		                       what, name != NULL ? name : "unknown");
	}
	if (rc == GNUTLS_E_TIMEDOUT || rc == GNUTLS_E_AGAIN) {
		return dance_error_set(err, DANCE_ETIMEOUT,
		                       "%s: no answer within %u ms", what,
		                       c->timeout_ms);
	}
	return dance_error_set(err, DANCE_EIO, "%s: %s", what,
	                       gnutls_strerror(rc));
}

static void fill_info(probe_conn_t *c, const probe_tls_client_t *client,
                      probe_tls_info_t *info)
{
	gnutls_datum_t alpn = {NULL, 0};
	const char *cipher = gnutls_ciphersuite_get(c->session);
	snprintf(info->protocol, sizeof(info->protocol), "%s",
	         gnutls_protocol_get_name(
	                 gnutls_protocol_get_version(c->session)));
	snprintf(info->cipher, sizeof(info->cipher), "%s",
	         cipher != NULL ? cipher : "unknown");
	if (gnutls_alpn_get_selected_protocol(c->session, &alpn) == 0) {
		snprintf(info->alpn, sizeof(info->alpn), "%.*s", (int)alpn.size,
		         (const char *)alpn.data);
	}
	info->cert_requested =
	        gnutls_certificate_client_get_request_status(c->session) != 0;
	info->server_chain = (gnutls_datum_t *)gnutls_certificate_get_peers(
	        c->session, &info->server_chain_len);
	info->rawpk =
	        gnutls_certificate_type_get2(c->session, GNUTLS_CTYPE_CLIENT) ==
	        GNUTLS_CRT_RAWPK;
	int has = client->certs != NULL && client->certs->count > 0;
	/* A raw key is sent only when the server took that type. */
	info->cert_sent =
	        info->cert_requested && has && (!client->rawpk || info->rawpk);
	info->clientid_sent = client->clientid != NULL;
	info->clientid_acked =
	        client->clientid != NULL &&
	        dance_clientid_client_acked(c->session, client->clientid_type);
}

dance_code_t probe_handshake(probe_conn_t *c, const probe_tls_client_t *client,
                             const char *sni, probe_tls_info_t *info,
                             dance_error_t *err)
{
	const cli_certs_t *certs = client->certs;
	gnutls_privkey_t *key = client->key;
	memset(info, 0, sizeof(*info));
	int rc = gnutls_certificate_allocate_credentials(&c->cred);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t code = DANCE_OK;
	if (certs != NULL && certs->count > 0 && key != NULL) {
		code = set_client_cert(c, certs, client->rawpk, key, err);
	}
	if (code == DANCE_OK) {
		code = open_session(c, client, sni, err);
	}
	if (code != DANCE_OK) {
		return code;
	}
	do {
		rc = gnutls_handshake(c->session);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0 &&
	         rc != GNUTLS_E_AGAIN);
	if (rc < 0) {
		return tls_failed(c, "TLS handshake failed", rc, err);
	}
	fill_info(c, client, info);
	return DANCE_OK;
}

dance_code_t probe_send(probe_conn_t *c, const uint8_t *msg, size_t len,
                        dance_error_t *err)
{
	uint8_t *framed = malloc(len + 2);
	if (framed == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	framed[0] = (uint8_t)(len >> 8);
	framed[1] = (uint8_t)len;
	memcpy(framed + 2, msg, len);
	size_t done = 0;
	ssize_t n = 0;
	unsigned retries = 0;
	while (done < len + 2) {
		n = gnutls_record_send(c->session, framed + done,
		                       len + 2 - done);
		if ((n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN) &&
		    ++retries < MAX_RETRIES) {
			continue;
		}
		if (n < 0) {
			break;
		}
		done += (size_t)n;
	}
	free(framed);
	if (n < 0) {
		return tls_failed(c, "cannot send the query", (int)n, err);
	}
	return DANCE_OK;
}

/* Exactly len bytes; *closed set when the peer closed before any. */
static dance_code_t recv_exact(probe_conn_t *c, uint8_t *buf, size_t len,
                               int *closed, dance_error_t *err)
{
	size_t got = 0;
	unsigned retries = 0;
	*closed = 0;
	while (got < len) {
		ssize_t n =
		        gnutls_record_recv(c->session, buf + got, len - got);
		/* AGAIN also follows post-handshake messages (TLS 1.3 session
		 * tickets); a real timeout is GNUTLS_E_TIMEDOUT. */
		if ((n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN) &&
		    ++retries < MAX_RETRIES) {
			continue;
		}
		if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
			if (got == 0) {
				*closed = 1;
				return DANCE_ENOTFOUND;
			}
			return dance_error_set(
			        err, DANCE_EIO,
			        "the server closed the connection "
			        "in the middle of a message");
		}
		if (n < 0) {
			return tls_failed(c, "cannot read the answer", (int)n,
			                  err);
		}
		got += (size_t)n;
	}
	return DANCE_OK;
}

dance_code_t probe_recv(probe_conn_t *c, uint8_t *buf, size_t *len,
                        dance_error_t *err)
{
	uint8_t head[2];
	int closed = 0;
	dance_code_t rc = recv_exact(c, head, sizeof(head), &closed, err);
	if (closed) {
		return dance_error_set(err, DANCE_ENOTFOUND,
		                       "the server closed the connection "
		                       "without an answer");
	}
	if (rc != DANCE_OK) {
		return rc;
	}
	*len = ((size_t)head[0] << 8) | head[1];
	if (*len == 0) {
		return dance_error_set(err, DANCE_EIO,
		                       "the server sent an empty message");
	}
	rc = recv_exact(c, buf, *len, &closed, err);
	if (closed) {
		return dance_error_set(err, DANCE_EIO,
		                       "the server closed the connection "
		                       "in the middle of a message");
	}
	return rc;
}

void probe_conn_close(probe_conn_t *c)
{
	if (c->session != NULL) {
		gnutls_bye(c->session, GNUTLS_SHUT_WR);
		gnutls_deinit(c->session);
	}
	if (c->cred != NULL) {
		gnutls_certificate_free_credentials(c->cred);
	}
	if (c->fd >= 0) {
		close(c->fd);
	}
	probe_conn_init(c);
}
