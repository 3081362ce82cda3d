/* fuzz_tlshello.c: a TLS server session with the dane_clientid extension
 * enabled (dance_clientid_server_enable), fed arbitrary client bytes: the
 * path a ClientHello takes through GnuTLS into the extension's parser
 * before anything is authenticated.
 *
 * The input is what the client sends (TLS records); the server's own
 * output is dropped, and the handshake runs until it needs more input or
 * fails. Properties: a name reported is in normal form; a malformed
 * extension fails the handshake and comes with a reason; the session
 * frees everything (leak detection).
 * Seeds: with FUZZ_WRITE_HELLO=DIR the binary writes ClientHellos made by
 * dance_clientid_client_enable into DIR and exits (corpus/tlshello/).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "dance/clientid.h"
#include "dance/name.h"
#include "fuzz_common.h"

#ifndef FUZZ_DATA_DIR
#error "FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

/* As dance-proxy's server sessions (src/proxy/tls.h): TLS 1.3, client
 * certificates or raw public keys. */
#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+CTYPE-CLI-ALL"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Server credentials, loaded once (read-only afterwards). */
static gnutls_certificate_credentials_t server_creds;

typedef struct feed {
	const uint8_t *data;
	size_t size, pos;
	gnutls_session_t session;
	FILE *out; /* seed writing: where the client's bytes go */
} feed_t;

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t size)
{
	feed_t *f = ptr;
	size_t n = f->size - f->pos;
	if (n == 0) {
		gnutls_transport_set_errno(f->session, EAGAIN);
		return -1;
	}
	n = n < size ? n : size;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	feed_t *f = ptr;
	if (f->out != NULL) {
		fwrite(data, 1, len, f->out);
	}
	return (ssize_t)len;
}

static void transport(gnutls_session_t s, feed_t *f)
{
	f->session = s;
	gnutls_transport_set_ptr(s, f);
	gnutls_transport_set_pull_function(s, pull);
	gnutls_transport_set_push_function(s, push);
}

/* Writes the first flight of a client naming name (NULL: no extension). */
static void write_hello(const char *dir, const char *file, const char *name)
{
	char path[4096];
	gnutls_session_t s = NULL;
	gnutls_certificate_credentials_t creds = NULL;
	feed_t f = {NULL, 0, 0, NULL, NULL};
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f.out = fopen(path, "wb");
	if (f.out == NULL || gnutls_init(&s, GNUTLS_CLIENT) < 0 ||
	    gnutls_certificate_allocate_credentials(&creds) < 0 ||
	    gnutls_priority_set_direct(s, PRIORITY, NULL) < 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds) < 0 ||
	    (name != NULL &&
	     dance_clientid_client_enable(s, name, 0, NULL) != DANCE_OK)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	transport(s, &f);
	(void)gnutls_handshake(s); /* sends the ClientHello, then AGAIN */
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(creds);
	fclose(f.out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("FUZZ_WRITE_HELLO");
	if (dir != NULL) {
		write_hello(dir, "seed-name", "_xfr-client.ns2.example.net");
		write_hello(dir, "seed-upper", "NS2.Example.Net");
		write_hello(dir, "seed-none", NULL);
		exit(0);
	}
	if (gnutls_certificate_allocate_credentials(&server_creds) < 0 ||
	    gnutls_certificate_set_x509_key_file(
	            server_creds, FUZZ_DATA_DIR "/leaf.pem",
	            FUZZ_DATA_DIR "/leaf.key", GNUTLS_X509_FMT_PEM) < 0) {
		fprintf(stderr, "fuzz_tlshello: no server credentials in %s\n",
		        FUZZ_DATA_DIR);
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gnutls_session_t s = NULL;
	feed_t f = {data, size, 0, NULL, NULL};
	if (gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NONBLOCK |
	                            GNUTLS_ENABLE_RAWPK) < 0) {
		return 0;
	}
	if (gnutls_priority_set_direct(s, PRIORITY, NULL) < 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, server_creds) <
	            0 ||
	    dance_clientid_server_enable(s, 0, NULL) != DANCE_OK) {
		gnutls_deinit(s);
		return 0;
	}
	gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
	transport(s, &f);
	int rc;
	int steps = 0;
	do {
		rc = gnutls_handshake(s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) && rc != GNUTLS_E_AGAIN &&
	         ++steps < 16);
	char name[DANCE_NAME_MAX];
	dance_error_t err;
	memset(&err, 0, sizeof(err));
	dance_clientid_status_t st =
	        dance_clientid_server_get(s, 0, name, sizeof(name), &err);
	if (getenv("FUZZ_VERBOSE") != NULL) {
		fprintf(stderr,
		        "handshake %d (%s), dane_clientid %s \"%s\" %s\n", rc,
		        gnutls_strerror(rc), dance_clientid_status_name(st),
		        name, err.reason);
	}
	if (st == DANCE_CLIENTID_NAME) {
		char again[DANCE_NAME_MAX];
		FUZZ_CHECK(dance_name_normalize(name, again, NULL) ==
		                           DANCE_OK &&
		                   strcmp(again, name) == 0,
		           "claimed name \"%s\" not normal", name);
	} else {
		FUZZ_CHECK(name[0] == '\0', "status %d with a name", (int)st);
	}
	if (st == DANCE_CLIENTID_MALFORMED) {
		FUZZ_CHECK(rc < 0 && gnutls_error_is_fatal(rc),
		           "malformed dane_clientid, handshake goes on (%d)",
		           rc);
		FUZZ_CHECK(err.reason[0] != '\0', "malformed without reason");
	}
	gnutls_deinit(s);
	return 0;
}
