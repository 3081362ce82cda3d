/* test_clientid.c: the dane_clientid extension (dance/clientid.h).
 *
 * The decoder's rejections, each with its reason; then real GnuTLS
 * handshakes in-process, a client (this thread) and a server (a second
 * thread) over a socketpair: the name sent and acknowledged, no extension,
 * other codepoints, malformed ClientNames on the wire aborting the
 * handshake with handshake_failure, raw public keys (RFC 7250) read by the
 * server and matched as 3 1 x only, and the decision rules for a claimed
 * name: outside the policy, denied with no DNS lookup (the resolver is a
 * UDP socket that never answers); given, but the key does not match its
 * TLSA, denied. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "../../src/lib/authz_internal.h"
#include "dance/authz.h"
#include "dance/clientid.h"
#include "dance/match.h"
#include "fixtures.h"
#include "suites.h"

#define TLS13        "-VERS-ALL:+VERS-TLS1.3"
#define TIMEOUT_MS   5000
#define OWNER_NS2    "_xfr-client.ns2.example.net"
#define OTHER_TYPE   0xFF77u
#define MAX_ATTEMPTS 1000

/* Root KSK-2017; never used: the forwarder below does not answer. */
#define ROOT_DS                                                                \
	". IN DS 20326 8 2 "                                                   \
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"

typedef struct cid_fx {
	fx_key_t *server_key, *ns2_key, *other_key;
	fx_cert_t *server_cert, *ns2_cert;
} cid_fx_t;

static cid_fx_t fx;

static void make_fixtures(void)
{
	if (fx.server_key != NULL) {
		return;
	}
	fx_cert_spec_t server = {.cn = "primary.example.net",
	                         .san_dns = {"primary.example.net", NULL}};
	fx_cert_spec_t ns2 = {.cn = "ns2.example.net"};
	fx.server_key = fx_key_new(FX_ECDSA);
	fx.ns2_key = fx_key_new(FX_ECDSA);
	fx.other_key = fx_key_new(FX_ED25519);
	fx.server_cert = fx_cert_new(fx.server_key, &server, NULL, NULL);
	fx.ns2_cert = fx_cert_new(fx.ns2_key, &ns2, NULL, NULL);
}

static int suite_init(void)
{
	/* A peer closing its end must not end the runner. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int suite_cleanup(void)
{
	fx_cert_free(fx.server_cert);
	fx_cert_free(fx.ns2_cert);
	fx_key_free(fx.server_key);
	fx_key_free(fx.ns2_key);
	fx_key_free(fx.other_key);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* ---- decoder ---------------------------------------------------------- */

/* Decodes len bytes; EINVAL expected with why in the reason. */
static void assert_rejected(const uint8_t *data, size_t len, const char *why)
{
	char name[DANCE_NAME_MAX];
	dance_error_t err;
	dance_error_clear(&err);
	strcpy(name, "unchanged");
	CU_ASSERT_EQUAL(
	        dance_clientid_decode(data, len, name, sizeof(name), &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(err.code, DANCE_EINVAL);
	CU_ASSERT_STRING_EQUAL(name, "");
	if (strstr(err.reason, why) == NULL) {
		fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", err.reason,
		        why);
		CU_FAIL("reason does not say why");
	}
}

/* Length octet + text. */
static size_t wire_of(const char *text, uint8_t *out)
{
	size_t n = strlen(text);
	out[0] = (uint8_t)n;
	memcpy(out + 1, text, n);
	return n + 1;
}

static void test_decode_valid(void)
{
	uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
	char name[DANCE_NAME_MAX];
	dance_error_t err;
	size_t len = wire_of(OWNER_NS2, wire);
	CU_ASSERT_EQUAL(
	        dance_clientid_decode(wire, len, name, sizeof(name), &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(name, OWNER_NS2);
	/* Case is not significant: the name comes back normalised. */
	len = wire_of("_XFR-Client.NS2.Example.NET", wire);
	CU_ASSERT_EQUAL(
	        dance_clientid_decode(wire, len, name, sizeof(name), &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(name, OWNER_NS2);
	/* Freeform and IoT owner forms are names like any other. */
	len = wire_of("device7._device.example.org", wire);
	CU_ASSERT_EQUAL(
	        dance_clientid_decode(wire, len, name, sizeof(name), &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(name, "device7._device.example.org");
	/* A buffer too small for the name. */
	len = wire_of(OWNER_NS2, wire);
	CU_ASSERT_EQUAL(dance_clientid_decode(wire, len, name, 10, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "buffer"));
}

static void test_encode(void)
{
	uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
	char name[DANCE_NAME_MAX];
	size_t len = 0;
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_clientid_encode("_xfr-client.NS2.example.net.",
	                                      wire, sizeof(wire), &len, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(len, 1 + strlen(OWNER_NS2));
	CU_ASSERT_EQUAL(wire[0], strlen(OWNER_NS2));
	CU_ASSERT_EQUAL(memcmp(wire + 1, OWNER_NS2, strlen(OWNER_NS2)), 0);
	/* U-labels go out as A-labels. */
	CU_ASSERT_EQUAL(dance_clientid_encode("ns2.b\xc3\xbc"
	                                      "cher.example",
	                                      wire, sizeof(wire), &len, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(
	        dance_clientid_decode(wire, len, name, sizeof(name), &err),
	        DANCE_OK);
	CU_ASSERT_STRING_EQUAL(name, "ns2.xn--bcher-kva.example");
	CU_ASSERT_EQUAL(dance_clientid_encode("bad..name", wire, sizeof(wire),
	                                      &len, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "empty label"));
	CU_ASSERT_EQUAL(
	        dance_clientid_encode("", wire, sizeof(wire), &len, &err),
	        DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_clientid_encode(OWNER_NS2, wire, 5, &len, &err),
	                DANCE_EINVAL);
}

static void test_decode_malformed(void)
{
	uint8_t big[300];
	memset(big, 'a', sizeof(big));
	assert_rejected(NULL, 0, "empty");
	assert_rejected(big, 0, "empty");
	assert_rejected((const uint8_t *)"\x00", 1, "zero-length");
	assert_rejected((const uint8_t *)"\x05"
	                                 "ab",
	                3, "overruns");
	assert_rejected((const uint8_t *)"\xff"
	                                 "abc",
	                4, "overruns");
	assert_rejected((const uint8_t *)"\x01"
	                                 "ab",
	                3, "1 octets after");
	/* 256+ bytes. */
	big[0] = 255;
	assert_rejected(big, 257, "at most 255");
	assert_rejected(big, sizeof(big), "at most 255");
	/* Exactly 256 bytes: a 255-octet name, longer than DNS allows. */
	for (size_t i = 64; i < 256; i += 64) {
		big[i] = '.';
	}
	assert_rejected(big, 256, "too long");
	assert_rejected((const uint8_t *)"\x03"
	                                 "a\xc3\xa9",
	                4, "non-ASCII octet 0xc3");
	assert_rejected((const uint8_t *)"\x03"
	                                 "a\0b",
	                4, "NUL octet at offset 1");
	assert_rejected((const uint8_t *)"\x03"
	                                 "a\nb",
	                4, "control octet 0x0a");
	assert_rejected((const uint8_t *)"\x08"
	                                 "example.",
	                9, "ends with a dot");
	assert_rejected((const uint8_t *)"\x01.", 2, "ends with a dot");
	assert_rejected((const uint8_t *)"\x04"
	                                 "a..b",
	                5, "empty label");
	assert_rejected((const uint8_t *)"\x03"
	                                 "a b",
	                4, "not allowed");
	assert_rejected((const uint8_t *)"\x05"
	                                 "a\\.bc",
	                6, "not allowed");
	uint8_t label[80];
	label[0] = 66;
	memset(label + 1, 'x', 64);
	memcpy(label + 65, ".x", 2);
	assert_rejected(label, 67, "label of 64 octets");
}

/* ---- handshakes ------------------------------------------------------- */

typedef enum cred_kind {
	CRED_NONE,
	CRED_X509,
	CRED_RAWPK,
} cred_kind_t;

typedef struct hs_client {
	cred_kind_t kind;
	const fx_key_t *key;
	const fx_cert_t *cert;
	const char *clientid; /* dance_clientid_client_enable */
	unsigned ext_type;
	/* Instead of clientid: these exact extension bytes. */
	int raw;
	const uint8_t *raw_data;
	size_t raw_len;
} hs_client_t;

typedef struct hs_server {
	int enable; /* dance_clientid_server_enable */
	unsigned ext_type;
	int rawpk;      /* accept client raw public keys */
	int send_alert; /* gnutls_alert_send_appropriate on failure */
} hs_server_t;

typedef struct hs_result {
	dance_code_t client_enable, server_enable;
	int client_rc, server_rc;
	int client_alert; /* alert the client received, -1 none */
	int acked;
	int client_ctype; /* client certificate type negotiated */
	dance_clientid_status_t status;
	char name[DANCE_NAME_MAX];
	dance_error_t reason;
	dance_cred_type_t peer_type;
	unsigned peer_count;
	gnutls_datum_t peer; /* first peer certificate or SPKI, copied */
} hs_result_t;

static void hs_result_clear(hs_result_t *r)
{
	gnutls_free(r->peer.data);
	memset(r, 0, sizeof(*r));
}

static int handshake(gnutls_session_t s)
{
	int rc;
	int attempts = 0;
	do {
		rc = gnutls_handshake(s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) &&
	         ++attempts < MAX_ATTEMPTS);
	return rc;
}

typedef struct server_job {
	int fd;
	const hs_server_t *cfg;
	hs_result_t *r;
} server_job_t;

static void read_peer(gnutls_session_t s, hs_result_t *r)
{
	const gnutls_datum_t *peers =
	        gnutls_certificate_get_peers(s, &r->peer_count);
	r->peer_type = gnutls_certificate_type_get2(s, GNUTLS_CTYPE_PEERS) ==
	                               GNUTLS_CRT_RAWPK
	                       ? DANCE_CRED_RAWPK
	                       : DANCE_CRED_X509;
	if (peers != NULL && r->peer_count > 0) {
		r->peer.data = gnutls_malloc(peers[0].size);
		if (r->peer.data != NULL) {
			memcpy(r->peer.data, peers[0].data, peers[0].size);
			r->peer.size = peers[0].size;
		}
	}
}

static void *server_main(void *arg)
{
	server_job_t *j = arg;
	const hs_server_t *cfg = j->cfg;
	hs_result_t *r = j->r;
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	unsigned flags = GNUTLS_SERVER | (cfg->rawpk ? GNUTLS_ENABLE_RAWPK : 0);
	int rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc >= 0) {
		rc = gnutls_certificate_set_x509_key(cred, &fx.server_cert->crt,
		                                     1, fx.server_key->x509);
	}
	if (rc >= 0) {
		rc = gnutls_init(&s, flags);
	}
	if (rc >= 0) {
		rc = gnutls_set_default_priority_append(
		        s, cfg->rawpk ? TLS13 ":+CTYPE-CLI-ALL" : TLS13, NULL,
		        0);
	}
	if (rc >= 0) {
		rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	}
	if (rc >= 0 && cfg->enable) {
		r->server_enable = dance_clientid_server_enable(
		        s, cfg->ext_type, &r->reason);
	}
	if (rc >= 0) {
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
		gnutls_transport_set_int(s, j->fd);
		gnutls_handshake_set_timeout(s, TIMEOUT_MS);
		rc = handshake(s);
		if (rc < 0 && cfg->send_alert) {
			gnutls_alert_send_appropriate(s, rc);
		}
	}
	r->server_rc = rc;
	if (s != NULL) {
		dance_error_t err;
		r->status = dance_clientid_server_get(s, cfg->ext_type, r->name,
		                                      sizeof(r->name), &err);
		if (r->status == DANCE_CLIENTID_MALFORMED) {
			r->reason = err;
		}
		if (rc >= 0) {
			read_peer(s, r);
		}
		gnutls_deinit(s);
	}
	gnutls_certificate_free_credentials(cred);
	close(j->fd);
	return NULL;
}

/* The test's own raw extension: the bytes come through the session
 * pointer, which belongs to the test here. */
typedef struct raw_ext {
	const uint8_t *data;
	size_t len;
} raw_ext_t;

static int raw_send(gnutls_session_t s, gnutls_buffer_t buf)
{
	const raw_ext_t *raw = gnutls_session_get_ptr(s);
	if (raw->len == 0) {
		return GNUTLS_E_INT_RET_0;
	}
	int rc = gnutls_buffer_append_data(buf, raw->data, raw->len);
	return rc < 0 ? rc : (int)raw->len;
}

static int raw_recv(gnutls_session_t s, const unsigned char *d, size_t l)
{
	(void)s;
	(void)d;
	(void)l;
	return 0;
}

static int client_creds(const hs_client_t *cfg,
                        gnutls_certificate_credentials_t cred)
{
	if (cfg->kind == CRED_X509) {
		return gnutls_certificate_set_x509_key(
		        cred, (gnutls_x509_crt_t *)&cfg->cert->crt, 1,
		        cfg->key->x509);
	}
	if (cfg->kind != CRED_RAWPK) {
		return 0;
	}
	gnutls_datum_t key_der = {NULL, 0};
	int rc = gnutls_x509_privkey_export2_pkcs8(cfg->key->x509,
	                                           GNUTLS_X509_FMT_DER, NULL,
	                                           GNUTLS_PKCS_PLAIN, &key_der);
	if (rc >= 0) {
		rc = gnutls_certificate_set_rawpk_key_mem(
		        cred, &cfg->key->spki, &key_der, GNUTLS_X509_FMT_DER,
		        NULL, 0, NULL, 0, 0);
	}
	gnutls_free(key_der.data);
	return rc;
}

static int client_session(const hs_client_t *cfg,
                          gnutls_certificate_credentials_t cred, raw_ext_t *raw,
                          gnutls_session_t *out, hs_result_t *r)
{
	unsigned flags = GNUTLS_CLIENT |
	                 (cfg->kind == CRED_RAWPK ? GNUTLS_ENABLE_RAWPK : 0);
	int rc = gnutls_init(out, flags);
	if (rc < 0) {
		return rc;
	}
	gnutls_session_t s = *out;
	rc = gnutls_set_default_priority_append(
	        s,
	        cfg->kind == CRED_RAWPK ? TLS13
	                ":-CTYPE-CLI-ALL:+CTYPE-CLI-RAWPK"
	                                : TLS13,
	        NULL, 0);
	if (rc >= 0) {
		rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	}
	if (rc >= 0 && cfg->clientid != NULL) {
		r->client_enable = dance_clientid_client_enable(
		        s, cfg->clientid, cfg->ext_type, &r->reason);
	}
	if (rc >= 0 && cfg->raw) {
		raw->data = cfg->raw_data;
		raw->len = cfg->raw_len;
		gnutls_session_set_ptr(s, raw);
		rc = gnutls_session_ext_register(
		        s, "raw-clientid",
		        (int)(cfg->ext_type != 0 ? cfg->ext_type
		                                 : DANCE_CLIENTID_EXT_DEFAULT),
		        GNUTLS_EXT_TLS, raw_recv, raw_send, NULL, NULL, NULL,
		        GNUTLS_EXT_FLAG_CLIENT_HELLO | GNUTLS_EXT_FLAG_EE);
	}
	return rc;
}

/* One handshake; asserts nothing, fills r. */
static void run_handshake(const hs_client_t *ccfg, const hs_server_t *scfg,
                          hs_result_t *r)
{
	int sv[2];
	memset(r, 0, sizeof(*r));
	r->client_alert = -1;
	make_fixtures();
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	server_job_t job = {.fd = sv[1], .cfg = scfg, .r = r};
	pthread_t server;
	if (pthread_create(&server, NULL, server_main, &job) != 0) {
		close(sv[0]);
		close(sv[1]);
		CU_FAIL_FATAL("pthread_create");
	}
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	raw_ext_t raw = {NULL, 0};
	int rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc >= 0) {
		rc = client_creds(ccfg, cred);
	}
	if (rc >= 0) {
		rc = client_session(ccfg, cred, &raw, &s, r);
	}
	if (rc >= 0) {
		gnutls_transport_set_int(s, sv[0]);
		gnutls_handshake_set_timeout(s, TIMEOUT_MS);
		rc = handshake(s);
	}
	r->client_rc = rc;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		r->client_alert = (int)gnutls_alert_get(s);
	}
	if (s != NULL) {
		r->acked = dance_clientid_client_acked(s, ccfg->ext_type);
		r->client_ctype = (int)gnutls_certificate_type_get2(
		        s, GNUTLS_CTYPE_CLIENT);
	}
	/* After a success the server finishes on its own; after a failure
	 * closing our end ends its wait. */
	if (rc < 0) {
		close(sv[0]);
	}
	pthread_join(server, NULL);
	if (rc >= 0) {
		close(sv[0]);
	}
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
}

static const hs_server_t server_default = {.enable = 1, .send_alert = 1};

static void test_name_sent_and_acked(void)
{
	hs_client_t c = {.kind = CRED_X509,
	                 .key = NULL,
	                 .clientid = "_XFR-client.NS2.example.net."};
	hs_result_t r;
	make_fixtures();
	c.key = fx.ns2_key;
	c.cert = fx.ns2_cert;
	run_handshake(&c, &server_default, &r);
	CU_ASSERT_EQUAL(r.client_enable, DANCE_OK);
	CU_ASSERT_EQUAL(r.server_enable, DANCE_OK);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_STRING_EQUAL(r.name, OWNER_NS2);
	CU_ASSERT_EQUAL(r.acked, 1);
	CU_ASSERT_EQUAL(r.peer_type, DANCE_CRED_X509);
	CU_ASSERT_EQUAL(r.peer_count, 1);
	CU_ASSERT_EQUAL(r.peer.size, fx.ns2_cert->der.size);
	hs_result_clear(&r);
	/* Without a client certificate too: the claim is independent. */
	hs_client_t bare = {.kind = CRED_NONE, .clientid = OWNER_NS2};
	run_handshake(&bare, &server_default, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_EQUAL(r.acked, 1);
	CU_ASSERT_EQUAL(r.peer_count, 0);
	hs_result_clear(&r);
}

static void test_no_extension(void)
{
	hs_client_t c = {.kind = CRED_NONE};
	hs_result_t r;
	run_handshake(&c, &server_default, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NONE);
	CU_ASSERT_STRING_EQUAL(r.name, "");
	CU_ASSERT_EQUAL(r.acked, 0);
	hs_result_clear(&r);
	/* A server that does not know the extension ignores it: no echo. */
	hs_client_t sends = {.kind = CRED_NONE, .clientid = OWNER_NS2};
	hs_server_t plain = {.enable = 0, .send_alert = 1};
	run_handshake(&sends, &plain, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NONE);
	CU_ASSERT_EQUAL(r.acked, 0);
	hs_result_clear(&r);
}

static void test_codepoints(void)
{
	hs_client_t c = {.kind = CRED_NONE,
	                 .clientid = OWNER_NS2,
	                 .ext_type = OTHER_TYPE};
	hs_result_t r;
	/* Client on another codepoint than the server: not seen. */
	run_handshake(&c, &server_default, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NONE);
	CU_ASSERT_EQUAL(r.acked, 0);
	hs_result_clear(&r);
	/* Both configured alike. */
	hs_server_t other = {.enable = 1, .ext_type = OTHER_TYPE};
	run_handshake(&c, &other, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_STRING_EQUAL(r.name, OWNER_NS2);
	CU_ASSERT_EQUAL(r.acked, 1);
	hs_result_clear(&r);
	/* Outside the private-use range, or an extension GnuTLS has
	 * (renegotiation_info is 0xFF01), or twice. */
	gnutls_session_t s;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(gnutls_init(&s, GNUTLS_CLIENT), 0);
	CU_ASSERT_EQUAL(
	        dance_clientid_client_enable(s, OWNER_NS2, 0x1234, &err),
	        DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "private-use"));
	CU_ASSERT_EQUAL(dance_clientid_server_enable(s, 0xFF01, &err),
	                DANCE_ECRYPTO);
	CU_ASSERT_EQUAL(dance_clientid_client_enable(s, "a..b", 0, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_clientid_client_enable(s, OWNER_NS2, 0, &err),
	                DANCE_OK);
	CU_ASSERT_EQUAL(dance_clientid_client_enable(s, OWNER_NS2, 0, &err),
	                DANCE_ECRYPTO);
	/* Not a server session: nothing to get. */
	char name[DANCE_NAME_MAX];
	CU_ASSERT_EQUAL(
	        dance_clientid_server_get(s, 0, name, sizeof(name), &err),
	        DANCE_CLIENTID_NONE);
	CU_ASSERT_EQUAL(dance_clientid_client_acked(s, OTHER_TYPE), 0);
	gnutls_deinit(s);
	CU_ASSERT_STRING_EQUAL(dance_clientid_status_name(DANCE_CLIENTID_NAME),
	                       "name");
	CU_ASSERT_STRING_EQUAL(
	        dance_clientid_status_name(DANCE_CLIENTID_MALFORMED),
	        "malformed");
}

/* Sends data as the extension; the server must abort the handshake with
 * handshake_failure and report why. */
static void assert_wire_rejected(const uint8_t *data, size_t len,
                                 const char *why)
{
	hs_client_t c = {
	        .kind = CRED_NONE, .raw = 1, .raw_data = data, .raw_len = len};
	hs_result_t r;
	run_handshake(&c, &server_default, &r);
	CU_ASSERT_EQUAL(r.server_rc, DANCE_CLIENTID_GNUTLS_ERROR);
	CU_ASSERT_EQUAL(r.client_rc, GNUTLS_E_FATAL_ALERT_RECEIVED);
	CU_ASSERT_EQUAL(r.client_alert, GNUTLS_A_HANDSHAKE_FAILURE);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_MALFORMED);
	CU_ASSERT_STRING_EQUAL(r.name, "");
	CU_ASSERT_EQUAL(r.reason.code, DANCE_EINVAL);
	if (strstr(r.reason.reason, why) == NULL) {
		fprintf(stderr, "server reason \"%s\" lacks \"%s\"\n",
		        r.reason.reason, why);
		CU_FAIL("server reason does not say why");
	}
	hs_result_clear(&r);
}

static void test_malformed_on_wire(void)
{
	uint8_t big[400];
	memset(big, 'a', sizeof(big));
	big[0] = 255;
	assert_wire_rejected(NULL, 0, "empty");
	assert_wire_rejected((const uint8_t *)"\x00", 1, "zero-length");
	assert_wire_rejected((const uint8_t *)"\x09"
	                                      "ns2.ex",
	                     7, "overruns");
	assert_wire_rejected(big, sizeof(big), "at most 255");
	assert_wire_rejected((const uint8_t *)"\x04"
	                                      "ns\xc3\xa9",
	                     5, "non-ASCII");
	assert_wire_rejected((const uint8_t *)"\x05"
	                                      "ns2\0x",
	                     6, "NUL");
	assert_wire_rejected((const uint8_t *)"\x04"
	                                      "a..b",
	                     5, "empty label");
	/* The same bytes, well formed, pass. */
	hs_client_t ok = {.kind = CRED_NONE,
	                  .raw = 1,
	                  .raw_data = (const uint8_t *)"\x03"
	                                               "a.b",
	                  .raw_len = 4};
	hs_result_t r;
	run_handshake(&ok, &server_default, &r);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_STRING_EQUAL(r.name, "a.b");
	hs_result_clear(&r);
}

/* GnuTLS does not send the alert by itself: a server that does not call
 * gnutls_alert_send_appropriate just drops the connection. */
static void test_alert_is_the_servers_call(void)
{
	hs_client_t c = {.kind = CRED_NONE,
	                 .raw = 1,
	                 .raw_data = (const uint8_t *)"\x00",
	                 .raw_len = 1};
	hs_server_t quiet = {.enable = 1, .send_alert = 0};
	hs_result_t r;
	run_handshake(&c, &quiet, &r);
	CU_ASSERT_EQUAL(r.server_rc, DANCE_CLIENTID_GNUTLS_ERROR);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_MALFORMED);
	CU_ASSERT_EQUAL(r.client_rc, GNUTLS_E_PREMATURE_TERMINATION);
	CU_ASSERT_EQUAL(r.client_alert, -1);
	hs_result_clear(&r);
	int level = 0;
	CU_ASSERT_EQUAL(
	        gnutls_error_to_alert(DANCE_CLIENTID_GNUTLS_ERROR, &level),
	        GNUTLS_A_HANDSHAKE_FAILURE);
	CU_ASSERT_EQUAL(level, GNUTLS_AL_FATAL);
}

/* A one-record set u s m over data (digest computed for m 1/2). */
static void set_of(dance_tlsa_set_t *set, uint8_t u, uint8_t s, uint8_t m,
                   const gnutls_datum_t *data)
{
	uint8_t digest[64];
	dance_tlsa_t rec = {u, s, m, data->data, data->size};
	if (m == 1 || m == 2) {
		gnutls_digest_algorithm_t alg =
		        m == 1 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA512;
		gnutls_hash_fast(alg, data->data, data->size, digest);
		rec.data = digest;
		rec.data_len = m == 1 ? 32 : 64;
	}
	dance_tlsa_set_init(set);
	CU_ASSERT_EQUAL(dance_tlsa_set_add(set, &rec, NULL), DANCE_OK);
}

static dance_match_outcome_t match_one(const hs_result_t *r, uint8_t u,
                                       uint8_t s, uint8_t m,
                                       const gnutls_datum_t *data)
{
	dance_tlsa_set_t set;
	dance_match_result_t out;
	dance_creds_t creds = {r->peer_type, &r->peer, r->peer_count};
	set_of(&set, u, s, m, data);
	dance_match(&set, &creds, NULL, &out);
	dance_tlsa_set_clear(&set);
	return out.outcome;
}

static void test_rawpk(void)
{
	hs_client_t c = {.kind = CRED_RAWPK, .clientid = OWNER_NS2};
	hs_server_t s = {.enable = 1, .rawpk = 1, .send_alert = 1};
	hs_result_t r;
	make_fixtures();
	c.key = fx.ns2_key;
	run_handshake(&c, &s, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.client_ctype, GNUTLS_CRT_RAWPK);
	CU_ASSERT_EQUAL(r.peer_type, DANCE_CRED_RAWPK);
	CU_ASSERT_EQUAL(r.peer_count, 1);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_EQUAL(r.acked, 1);
	CU_ASSERT_EQUAL_FATAL(r.peer.size, fx.ns2_key->spki.size);
	CU_ASSERT_EQUAL(memcmp(r.peer.data, fx.ns2_key->spki.data, r.peer.size),
	                0);
	/* 3 1 x matches the key. */
	CU_ASSERT_EQUAL(match_one(&r, 3, 1, 1, &fx.ns2_key->spki),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(match_one(&r, 3, 1, 0, &fx.ns2_key->spki),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(match_one(&r, 3, 1, 2, &fx.ns2_key->spki),
	                DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(match_one(&r, 3, 1, 1, &fx.other_key->spki),
	                DANCE_MATCH_NONE);
	/* 3 0 x (a certificate) and 2 x x can not match a bare key. */
	CU_ASSERT_EQUAL(match_one(&r, 3, 0, 1, &fx.ns2_cert->der),
	                DANCE_MATCH_NO_USABLE);
	CU_ASSERT_EQUAL(match_one(&r, 3, 0, 0, &fx.ns2_cert->der),
	                DANCE_MATCH_NO_USABLE);
	CU_ASSERT_EQUAL(match_one(&r, 2, 1, 1, &fx.ns2_key->spki),
	                DANCE_MATCH_NO_USABLE);
	hs_result_clear(&r);
	/* A server that does not enable raw keys negotiates X.509 for the
	 * client, and a client holding only a raw key presents nothing. */
	hs_server_t x509_only = {.enable = 1, .send_alert = 1};
	run_handshake(&c, &x509_only, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.client_ctype, GNUTLS_CRT_X509);
	CU_ASSERT_EQUAL(r.peer_count, 0);
	hs_result_clear(&r);
}

/* ---- decision rules --------------------------------------------------- */

/* A UDP socket on 127.0.0.1 that never answers. */
static int blackhole(char *addr, size_t size)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	snprintf(addr, size, "127.0.0.1@%u", ntohs(sa.sin_port));
	return fd;
}

static dance_authz_t *authz_ns2_only(const char *resolver)
{
	dance_authz_config_t cfg;
	dance_policy_t p;
	dance_policy_zone_t *z;
	const char *servers[] = {resolver};
	memset(&cfg, 0, sizeof(cfg));
	cfg.resolver.mode = DANCE_RESOLVE_FORWARD;
	cfg.resolver.trust_anchor = ROOT_DS;
	cfg.resolver.servers = servers;
	cfg.resolver.server_count = 1;
	cfg.resolver.timeout_ms = 300;
	cfg.lookup_deadline_ms = 300;
	dance_policy_init(&p);
	CU_ASSERT_EQUAL_FATAL(dance_policy_zone(&p, "example.com", &z, NULL),
	                      DANCE_OK);
	CU_ASSERT_EQUAL_FATAL(
	        dance_policy_allow_name(z, "ns2.example.net", NULL), DANCE_OK);
	dance_authz_t *a = NULL;
	dance_error_t err;
	CU_ASSERT_EQUAL_FATAL(dance_authz_new(&cfg, &p, &a, &err), DANCE_OK);
	return a;
}

/* Handshake with key (raw) claiming claimed, then the decision on what
 * the server read. */
static void decide_after_handshake(dance_authz_t *a, const fx_key_t *key,
                                   const char *claimed, dance_decision_t *d)
{
	hs_client_t c = {.kind = CRED_RAWPK, .key = key, .clientid = claimed};
	hs_server_t s = {.enable = 1, .rawpk = 1, .send_alert = 1};
	hs_result_t r;
	run_handshake(&c, &s, &r);
	if (r.server_rc != 0 || r.client_rc != 0) {
		fprintf(stderr, "handshake: client %s, server %s (%s)\n",
		        gnutls_strerror(r.client_rc),
		        gnutls_strerror(r.server_rc), r.reason.reason);
	}
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	dance_creds_t creds = {r.peer_type, &r.peer, r.peer_count};
	dance_request_t req = {
	        .zone = "example.com",
	        .peer = "socketpair",
	        .tls = 1,
	        .creds = &creds,
	        .claimed_name = r.status == DANCE_CLIENTID_NAME ? r.name : NULL,
	};
	memset(d, 0, sizeof(*d));
	dance_authz_decide(a, &req, d);
	hs_result_clear(&r);
}

static void seed_secure_ee(dance_authz_t *a, const char *owner,
                           const fx_key_t *key)
{
	dance_tlsa_answer_t ans;
	uint8_t digest[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, key->spki.data, key->spki.size,
	                 digest);
	dance_tlsa_t rec = {3, 1, 1, digest, sizeof(digest)};
	dance_tlsa_answer_init(&ans);
	ans.state = DANCE_DNS_SECURE;
	ans.ttl = 60;
	ans.fetched = time(NULL);
	CU_ASSERT_EQUAL(dance_tlsa_set_add(&ans.rrset, &rec, NULL), DANCE_OK);
	CU_ASSERT_EQUAL(dance_authz_seed(a, owner, &ans, NULL), DANCE_OK);
	dance_tlsa_answer_clear(&ans);
}

static void test_decision_rules(void)
{
	char resolver[64];
	int hole = blackhole(resolver, sizeof(resolver));
	CU_ASSERT_FATAL(hole >= 0);
	make_fixtures();
	dance_authz_t *a = authz_ns2_only(resolver);
	dance_authz_stats_t st;
	dance_decision_t d;
	/* A claim outside the policy: denied, and no DNS asked. */
	decide_after_handshake(a, fx.ns2_key, "_xfr-client.evil.example.org",
	                       &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(d.identity, "evil.example.org");
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.lookups, 0);
	CU_ASSERT_EQUAL(st.cache_misses, 0);
	CU_ASSERT_EQUAL(st.cache_hits, 0);
	/* The allowed name with another key than its TLSA: denied. */
	seed_secure_ee(a, OWNER_NS2, fx.ns2_key);
	decide_after_handshake(a, fx.other_key, OWNER_NS2, &d);
	CU_ASSERT_EQUAL(d.allow, 0);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_TLSA_MISMATCH);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	/* The allowed name with its key (a raw public key, 3 1 1). */
	decide_after_handshake(a, fx.ns2_key, OWNER_NS2, &d);
	CU_ASSERT_EQUAL(d.allow, 1);
	CU_ASSERT_EQUAL(d.reason, DANCE_REASON_AUTHORIZED);
	CU_ASSERT_STRING_EQUAL(d.identity, "ns2.example.net");
	dance_authz_stats(a, &st);
	CU_ASSERT_EQUAL(st.lookups, 0);
	CU_ASSERT_EQUAL(st.cache_hits, 2);
	dance_authz_free(a);
	close(hole);
}

/* Registered for the whole process (as mod-dance does in knotd): a server
 * session that enabled nothing parses and acknowledges it. Runs last: the
 * registration lasts until gnutls_global_deinit. */
static void test_global_registration(void)
{
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_clientid_register_global(0x1234, &err),
	                DANCE_EINVAL);
	CU_ASSERT_EQUAL(dance_clientid_register_global(0xFF01, &err),
	                DANCE_ECRYPTO);
	CU_ASSERT_EQUAL_FATAL(dance_clientid_register_global(0, &err),
	                      DANCE_OK);
	CU_ASSERT_EQUAL(dance_clientid_register_global(0, &err), DANCE_OK);
	hs_server_t plain = {.enable = 0, .send_alert = 1};
	hs_result_t r;
	/* The client enables it per session on the same codepoint: sent
	 * once (twice would fail the handshake). */
	hs_client_t c = {.kind = CRED_NONE, .clientid = OWNER_NS2};
	run_handshake(&c, &plain, &r);
	CU_ASSERT_EQUAL(r.client_enable, DANCE_OK);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.server_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_STRING_EQUAL(r.name, OWNER_NS2);
	CU_ASSERT_EQUAL(r.acked, 1);
	hs_result_clear(&r);
	/* An enabled server session works as before. */
	run_handshake(&c, &server_default, &r);
	CU_ASSERT_EQUAL(r.server_enable, DANCE_OK);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NAME);
	CU_ASSERT_EQUAL(r.acked, 1);
	hs_result_clear(&r);
	/* No extension: none, nothing sent by the global entry. */
	hs_client_t bare = {.kind = CRED_NONE};
	run_handshake(&bare, &plain, &r);
	CU_ASSERT_EQUAL(r.client_rc, 0);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_NONE);
	CU_ASSERT_EQUAL(r.acked, 0);
	hs_result_clear(&r);
	/* Malformed: the handshake fails the same way. */
	hs_client_t bad = {.kind = CRED_NONE,
	                   .raw = 1,
	                   .raw_data = (const uint8_t *)"\x04"
	                                                "ns\xc3\xa9",
	                   .raw_len = 5};
	run_handshake(&bad, &plain, &r);
	CU_ASSERT_EQUAL(r.server_rc, DANCE_CLIENTID_GNUTLS_ERROR);
	CU_ASSERT_EQUAL(r.client_alert, GNUTLS_A_HANDSHAKE_FAILURE);
	CU_ASSERT_EQUAL(r.status, DANCE_CLIENTID_MALFORMED);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason.reason, "non-ASCII"));
	hs_result_clear(&r);
}

void register_clientid_suite(void)
{
	CU_pSuite s = CU_add_suite("clientid", suite_init, suite_cleanup);
	CU_add_test(s, "decode a valid ClientName", test_decode_valid);
	CU_add_test(s, "encode", test_encode);
	CU_add_test(s, "malformed ClientNames each rejected with a reason",
	            test_decode_malformed);
	CU_add_test(s, "handshake: name sent, received and acknowledged",
	            test_name_sent_and_acked);
	CU_add_test(s, "handshake: no extension", test_no_extension);
	CU_add_test(s, "handshake: codepoints", test_codepoints);
	CU_add_test(s, "handshake: malformed on the wire: handshake_failure",
	            test_malformed_on_wire);
	CU_add_test(s, "handshake: the alert is sent by the server's call",
	            test_alert_is_the_servers_call);
	CU_add_test(s, "handshake: raw public key, 3 1 x only", test_rawpk);
	CU_add_test(s, "decision: policy before lookup, TLSA of the claim",
	            test_decision_rules);
	CU_add_test(s, "registered for the process (last)",
	            test_global_registration);
}
