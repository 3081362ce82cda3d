/* tls.c: GnuTLS server sessions over memory buffers. */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dance/clientid.h>

dance_code_t dp_tls_creds_load(const char *cert_file, const char *key_file,
                               gnutls_certificate_credentials_t *out,
                               dance_error_t *err)
{
	*out = NULL;
	gnutls_certificate_credentials_t creds;
	int rc = gnutls_certificate_allocate_credentials(&creds);
	if (rc < 0) {
		return dance_error_set(err, DANCE_ENOMEM, "%s",
		                       gnutls_strerror(rc));
	}
	rc = gnutls_certificate_set_x509_key_file(creds, cert_file, key_file,
	                                          GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		gnutls_certificate_free_credentials(creds);
		return dance_error_set(
		        err, DANCE_ECRYPTO,
		        "cannot load certificate %s with key %s: "
		        "%s",
		        cert_file, key_file, gnutls_strerror(rc));
	}
	*out = creds;
	return DANCE_OK;
}

/* A drained input buffer above this size is given back. */
#define IN_KEEP 4096

static size_t buffered(const dp_tls_t *t)
{
	return t->in_len - t->in_off;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t size)
{
	dp_tls_t *t = ptr;
	size_t avail = buffered(t);
	if (avail == 0) {
		gnutls_transport_set_errno(t->session, EAGAIN);
		return -1;
	}
	size_t n = avail < size ? avail : size;
	memcpy(buf, t->in + t->in_off, n);
	t->in_off += n;
	t->pulled += n;
	if (t->in_off == t->in_len) {
		t->in_off = t->in_len = 0;
		if (t->in_cap > IN_KEEP) {
			free(t->in);
			t->in = NULL;
			t->in_cap = 0;
		}
	}
	return (ssize_t)n;
}

/* GnuTLS asks whether input is waiting (a custom pull needs this one
 * too): never waits, the event loop feeds the input. */
static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	(void)ms;
	return buffered(ptr) > 0 ? 1 : 0;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	dp_tls_t *t = ptr;
	t->push(t->arg, data, len);
	return (ssize_t)len;
}

dance_code_t dp_tls_init(dp_tls_t *t, gnutls_certificate_credentials_t creds,
                         gnutls_priority_t prio, unsigned clientid_type,
                         dp_tls_push_fn push_fn, void *arg, dance_error_t *err)
{
	memset(t, 0, sizeof(*t));
	t->push = push_fn;
	t->arg = arg;
	int rc = gnutls_init(&t->session, GNUTLS_SERVER | GNUTLS_NONBLOCK |
	                                          GNUTLS_ENABLE_RAWPK);
	if (rc < 0) {
		t->session = NULL;
		return dance_error_set(err, DANCE_ECRYPTO, "gnutls_init: %s",
		                       gnutls_strerror(rc));
	}
	gnutls_datum_t alpn = {(unsigned char *)DP_TLS_ALPN,
	                       (unsigned)strlen(DP_TLS_ALPN)};
	if ((rc = gnutls_priority_set(t->session, prio)) < 0 ||
	    (rc = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
	                                 creds)) < 0 ||
	    (rc = gnutls_alpn_set_protocols(t->session, &alpn, 1,
	                                    GNUTLS_ALPN_MANDATORY)) < 0) {
		dp_tls_deinit(t);
		return dance_error_set(err, DANCE_ECRYPTO, "TLS session: %s",
		                       gnutls_strerror(rc));
	}
	if (clientid_type != 0) {
		dance_code_t rc2 = dance_clientid_server_enable(
		        t->session, clientid_type, err);
		if (rc2 != DANCE_OK) {
			dp_tls_deinit(t);
			return rc2;
		}
		t->clientid_type = clientid_type;
	}
	gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUIRE);
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_pull_function(t->session, pull);
	gnutls_transport_set_pull_timeout_function(t->session, pull_timeout);
	/* The connection's timer bounds the handshake, not GnuTLS. */
	gnutls_handshake_set_timeout(t->session, 0);
	gnutls_transport_set_push_function(t->session, push);
	return DANCE_OK;
}

void dp_tls_deinit(dp_tls_t *t)
{
	if (t->session != NULL) {
		gnutls_deinit(t->session);
		t->session = NULL;
	}
	free(t->in);
	t->in = NULL;
	t->in_len = t->in_off = t->in_cap = 0;
}

size_t dp_tls_in_room(const dp_tls_t *t)
{
	return DP_TLS_IN_MAX - buffered(t);
}

dance_code_t dp_tls_feed(dp_tls_t *t, const uint8_t *data, size_t len,
                         dance_error_t *err)
{
	if (len > dp_tls_in_room(t)) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "TLS input beyond %u buffered bytes",
		                       (unsigned)DP_TLS_IN_MAX);
	}
	if (t->in_off > 0) {
		memmove(t->in, t->in + t->in_off, t->in_len - t->in_off);
		t->in_len -= t->in_off;
		t->in_off = 0;
	}
	if (t->in_len + len > t->in_cap) {
		size_t cap = (t->in_len + len) * 2;
		if (cap > DP_TLS_IN_MAX) {
			cap = DP_TLS_IN_MAX;
		}
		uint8_t *grown = realloc(t->in, cap);
		if (grown == NULL) {
			return dance_error_set(err, DANCE_ENOMEM,
			                       "out of memory");
		}
		t->in = grown;
		t->in_cap = cap;
	}
	memcpy(t->in + t->in_len, data, len);
	t->in_len += len;
	return DANCE_OK;
}

static int alpn_is_dot(gnutls_session_t s)
{
	gnutls_datum_t proto = {NULL, 0};
	if (gnutls_alpn_get_selected_protocol(s, &proto) != 0) {
		return 0;
	}
	return proto.size == strlen(DP_TLS_ALPN) &&
	       memcmp(proto.data, DP_TLS_ALPN, proto.size) == 0;
}

static void failure_reason(int rc, char *why, size_t size)
{
	switch (rc) {
	case GNUTLS_E_NO_CERTIFICATE_FOUND:
	case GNUTLS_E_CERTIFICATE_REQUIRED:
		snprintf(why, size,
		         "no-certificate: the client presented no certificate "
		         "(%s)",
		         gnutls_strerror(rc));
		break;
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
	case GNUTLS_E_INSUFFICIENT_SECURITY:
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
		/* Only TLS 1.3 suites are enabled: a client without them
		 * offers an older version only. */
		snprintf(why, size,
		         "TLS version: the client offers no TLS 1.3, TLS 1.3 "
		         "required (%s)",
		         gnutls_strerror(rc));
		break;
	case GNUTLS_E_NO_APPLICATION_PROTOCOL:
		snprintf(why, size,
		         "ALPN: the client does not offer \"dot\" "
		         "(%s)",
		         gnutls_strerror(rc));
		break;
	default: snprintf(why, size, "%s", gnutls_strerror(rc)); break;
	}
}

int dp_tls_handshake(dp_tls_t *t, char *why, size_t why_size)
{
	if (t->handshake_done) {
		return 1;
	}
	/* gnutls_handshake reads at most one record per call: a message
	 * over several records (a large Certificate, a ClientHello in
	 * small records) needs a call per record, while any are buffered. */
	int rc;
	uint64_t before;
	do {
		before = t->pulled;
		rc = gnutls_handshake(t->session);
	} while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) &&
	         t->pulled != before && buffered(t) > 0);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
		return 0;
	}
	if (rc < 0) {
		failure_reason(rc, why, why_size);
		char name[DANCE_NAME_MAX];
		dance_error_t err;
		if (t->clientid_type != 0 &&
		    dance_clientid_server_get(t->session, t->clientid_type,
		                              name, sizeof(name), &err) ==
		            DANCE_CLIENTID_MALFORMED) {
			snprintf(why, why_size, "dane_clientid malformed: %s",
			         err.reason);
		}
		gnutls_alert_send_appropriate(t->session, rc);
		return -1;
	}
	if (gnutls_protocol_get_version(t->session) != GNUTLS_TLS1_3) {
		snprintf(why, why_size,
		         "TLS version: %s negotiated, TLS 1.3 "
		         "required",
		         gnutls_protocol_get_name(
		                 gnutls_protocol_get_version(t->session)));
		return -1;
	}
	if (!alpn_is_dot(t->session)) {
		snprintf(why, why_size,
		         "ALPN: the client did not negotiate "
		         "\"dot\"");
		gnutls_alert_send(t->session, GNUTLS_AL_FATAL,
		                  GNUTLS_A_NO_APPLICATION_PROTOCOL);
		return -1;
	}
	unsigned count = 0;
	if (gnutls_certificate_get_peers(t->session, &count) == NULL ||
	    count == 0) {
		snprintf(why, why_size,
		         "no-certificate: the client presented no certificate");
		gnutls_alert_send(t->session, GNUTLS_AL_FATAL,
		                  GNUTLS_A_CERTIFICATE_REQUIRED);
		return -1;
	}
	t->handshake_done = 1;
	return 1;
}

int dp_tls_claimed_name(dp_tls_t *t, char *name, size_t size, char *why,
                        size_t why_size)
{
	name[0] = '\0';
	if (t->clientid_type == 0) {
		return 0;
	}
	dance_error_t err;
	dance_clientid_status_t st = dance_clientid_server_get(
	        t->session, t->clientid_type, name, size, &err);
	if (st == DANCE_CLIENTID_MALFORMED) {
		snprintf(why, why_size, "dane_clientid malformed: %s",
		         err.reason);
		name[0] = '\0';
		return -1;
	}
	if (st != DANCE_CLIENTID_NAME) {
		name[0] = '\0';
	}
	return 0;
}

ssize_t dp_tls_recv(dp_tls_t *t, uint8_t *buf, size_t size)
{
	ssize_t n = GNUTLS_E_AGAIN;
	for (int tries = 0; tries < 16; tries++) {
		uint64_t before = t->pulled;
		n = gnutls_record_recv(t->session, buf, size);
		if (n == GNUTLS_E_AGAIN && t->pulled != before &&
		    buffered(t) > 0) {
			tries = 0; /* a record without data: on to the next */
			continue;
		}
		if (n != GNUTLS_E_INTERRUPTED &&
		    n != GNUTLS_E_WARNING_ALERT_RECEIVED) {
			break;
		}
	}
	return n;
}

int dp_tls_send(dp_tls_t *t, const uint8_t *data, size_t len)
{
	size_t off = 0;
	unsigned retries = 0;
	while (off < len) {
		ssize_t n =
		        gnutls_record_send(t->session, data + off, len - off);
		if ((n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) &&
		    retries++ < 16) {
			continue; /* the push callback never blocks */
		}
		if (n < 0) {
			return (int)n;
		}
		off += (size_t)n;
	}
	return 0;
}

void dp_tls_bye(dp_tls_t *t)
{
	if (t->session != NULL && t->handshake_done) {
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
	}
}
