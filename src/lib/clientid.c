/* clientid.c: the dane_clientid TLS extension: its wire form and its
 * GnuTLS glue (dance/clientid.h). */
#include "dance/clientid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXT_NAME "dane_clientid"

/* The TLS private-use range (RFC 8446 section 11): configurable types. */
#define PRIVATE_FIRST 0xFF00u
#define PRIVATE_LAST  0xFFFFu

/* Longest DNS name in presentation form without trailing dot. */
#define DNS_NAME_TEXT_MAX 253

static void reason_copy(char *dst, const dance_error_t *e)
{
	snprintf(dst, DANCE_REASON_MAX, "%s", e->reason);
}

dance_code_t dance_clientid_encode(const char *name, uint8_t *out,
                                   size_t out_size, size_t *out_len,
                                   dance_error_t *err)
{
	char norm[DANCE_NAME_MAX];
	dance_error_t e;
	if (dance_name_normalize(name, norm, &e) != DANCE_OK) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid name: %s", e.reason);
	}
	size_t n = strlen(norm);
	if (n > 255 || out_size < n + 1) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid: %zu bytes of buffer, "
		                       "need %zu",
		                       out_size, n + 1);
	}
	out[0] = (uint8_t)n;
	memcpy(out + 1, norm, n);
	*out_len = n + 1;
	return DANCE_OK;
}

/* Octets of a ClientName: printable ASCII, no NUL, no trailing dot. */
static dance_code_t check_octets(const uint8_t *s, size_t n, dance_error_t *err)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "ClientName has a NUL octet at "
			                       "offset %zu",
			                       i);
		}
		if (s[i] >= 0x80) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "ClientName has the non-ASCII "
			                       "octet 0x%02x at offset %zu "
			                       "(names travel as A-labels)",
			                       s[i], i);
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "ClientName has the control "
			                       "octet 0x%02x at offset %zu",
			                       s[i], i);
		}
	}
	if (s[n - 1] == '.') {
		return dance_error_set(err, DANCE_EINVAL,
		                       "ClientName ends with a dot (it is "
		                       "sent without the trailing dot)");
	}
	return DANCE_OK;
}

dance_code_t dance_clientid_decode(const uint8_t *data, size_t len, char *name,
                                   size_t name_size, dance_error_t *err)
{
	if (name != NULL && name_size > 0) {
		name[0] = '\0';
	}
	if (data == NULL || len == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid extension is empty: no "
		                       "ClientName length octet");
	}
	if (len > DANCE_CLIENTID_WIRE_MAX) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid extension of %zu bytes: "
		                       "a ClientName is at most 255 octets",
		                       len);
	}
	size_t n = data[0];
	if (n == 0) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid has a zero-length "
		                       "ClientName");
	}
	if (n > len - 1) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid ClientName length %zu "
		                       "overruns the %zu octets that follow",
		                       n, len - 1);
	}
	if (n < len - 1) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid has %zu octets after its "
		                       "ClientName",
		                       len - 1 - n);
	}
	dance_code_t rc = check_octets(data + 1, n, err);
	if (rc != DANCE_OK) {
		return rc;
	}
	if (n > DNS_NAME_TEXT_MAX) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid ClientName of %zu octets "
		                       "is too long for a DNS name (at most "
		                       "%d)",
		                       n, DNS_NAME_TEXT_MAX);
	}
	char text[DANCE_CLIENTID_WIRE_MAX], norm[DANCE_NAME_MAX];
	memcpy(text, data + 1, n);
	text[n] = '\0';
	dance_error_t e;
	if (dance_name_normalize(text, norm, &e) != DANCE_OK) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid ClientName: %s",
		                       e.reason);
	}
	size_t out = strlen(norm);
	if (name == NULL || name_size <= out) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid: name buffer of %zu "
		                       "bytes, need %zu",
		                       name_size, out + 1);
	}
	memcpy(name, norm, out + 1);
	return DANCE_OK;
}

/* Per-session state, the extension's private data in the session. */
typedef struct clientid_state {
	int server;
	/* client */
	uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
	size_t wire_len;
	int acked;
	/* server */
	dance_clientid_status_t status;
	char name[DANCE_NAME_MAX];
	char reason[DANCE_REASON_MAX];
} clientid_state_t;

static unsigned ext_type_or_default(unsigned ext_type)
{
	return ext_type == 0 ? DANCE_CLIENTID_EXT_DEFAULT : ext_type;
}

static int is_ours(gnutls_session_t session, unsigned type)
{
	const char *name = gnutls_ext_get_name2(session, type, GNUTLS_EXT_ANY);
	return name != NULL && strcmp(name, EXT_NAME) == 0;
}

/* The session's state under type, NULL when there is none. */
static clientid_state_t *state_of(gnutls_session_t session, unsigned type)
{
	gnutls_ext_priv_data_t data = NULL;
	if (type == 0 || gnutls_ext_get_data(session, type, &data) < 0) {
		return NULL;
	}
	return data;
}

/* First codepoint registered under our name (the default, then the
 * private-use range) that has state in the session, or (with_state 0)
 * any; 0 when none. */
static unsigned scan_types(gnutls_session_t session, int with_state)
{
	if (is_ours(session, DANCE_CLIENTID_EXT_DEFAULT) &&
	    (!with_state || state_of(session, DANCE_CLIENTID_EXT_DEFAULT))) {
		return DANCE_CLIENTID_EXT_DEFAULT;
	}
	for (unsigned t = PRIVATE_FIRST; t <= PRIVATE_LAST; t++) {
		if (is_ours(session, t) &&
		    (!with_state || state_of(session, t) != NULL)) {
			return t;
		}
	}
	return 0;
}

/* GnuTLS hands the callbacks no user pointer: the session's codepoint is
 * found by our extension name, preferring one with state (one codepoint
 * per session is the rule, see dance/clientid.h). */
static unsigned find_type(gnutls_session_t session)
{
	unsigned type = scan_types(session, 1);
	return type != 0 ? type : scan_types(session, 0);
}

/* True when type is registered for the whole process under our name. */
static int registered_globally(unsigned type)
{
	const char *name = gnutls_ext_get_name(type);
	return name != NULL && strcmp(name, EXT_NAME) == 0;
}

/* A server session of a globally registered extension gets its state
 * when the first ClientHello carries the extension. */
static clientid_state_t *server_state_on_demand(gnutls_session_t session,
                                                unsigned type)
{
	if (type == 0 || gnutls_ext_get_current_msg(session) !=
	                         GNUTLS_EXT_FLAG_CLIENT_HELLO) {
		return NULL;
	}
	clientid_state_t *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return NULL;
	}
	st->server = 1;
	gnutls_ext_set_data(session, type, st);
	if (state_of(session, type) != st) {
		free(st);
		return NULL;
	}
	return st;
}

static int on_recv(gnutls_session_t session, const unsigned char *data,
                   size_t len)
{
	unsigned type = find_type(session);
	clientid_state_t *st = state_of(session, type);
	if (st == NULL) {
		st = server_state_on_demand(session, type);
	}
	if (st == NULL) {
		return GNUTLS_E_INTERNAL_ERROR;
	}
	if (!st->server) {
		/* The server's acknowledgement is empty. */
		if (len != 0) {
			return GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER;
		}
		st->acked = 1;
		return 0;
	}
	dance_error_t e;
	if (dance_clientid_decode(data, len, st->name, sizeof(st->name), &e) !=
	    DANCE_OK) {
		st->status = DANCE_CLIENTID_MALFORMED;
		st->name[0] = '\0';
		reason_copy(st->reason, &e);
		return DANCE_CLIENTID_GNUTLS_ERROR;
	}
	st->status = DANCE_CLIENTID_NAME;
	st->reason[0] = '\0';
	return 0;
}

static int on_send(gnutls_session_t session, gnutls_buffer_t extdata)
{
	const clientid_state_t *st = state_of(session, find_type(session));
	if (st == NULL) {
		return 0; /* a client session that names no one */
	}
	if (st->server) {
		/* GnuTLS calls this only when the client sent the extension;
		 * a valid one is acknowledged with empty data. */
		return st->status == DANCE_CLIENTID_NAME ? GNUTLS_E_INT_RET_0
		                                         : 0;
	}
	int rc = gnutls_buffer_append_data(extdata, st->wire, st->wire_len);
	return rc < 0 ? rc : (int)st->wire_len;
}

static void on_deinit(gnutls_ext_priv_data_t data)
{
	free(data);
}

static dance_code_t enable(gnutls_session_t session, unsigned ext_type,
                           clientid_state_t *st, dance_error_t *err)
{
	unsigned type = ext_type_or_default(ext_type);
	if (type < PRIVATE_FIRST || type > PRIVATE_LAST) {
		free(st);
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid extension type %u is not "
		                       "in the private-use range 65280-65535",
		                       type);
	}
	/* Registered for the process already: the global entry's callbacks
	 * serve this session too (a session entry as well would send the
	 * extension twice). */
	int rc = registered_globally(type)
	                 ? 0
	                 : gnutls_session_ext_register(
	                           session, EXT_NAME, (int)type,
	                           GNUTLS_EXT_MANDATORY, on_recv, on_send,
	                           on_deinit, NULL, NULL,
	                           GNUTLS_EXT_FLAG_CLIENT_HELLO |
	                                   GNUTLS_EXT_FLAG_TLS12_SERVER_HELLO |
	                                   GNUTLS_EXT_FLAG_EE |
	                                   GNUTLS_EXT_FLAG_TLS);
	if (rc < 0) {
		free(st);
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot enable the dane_clientid "
		                       "extension (type %u): %s",
		                       type, gnutls_strerror(rc));
	}
	if (state_of(session, type) != NULL) {
		free(st);
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "the dane_clientid extension (type %u) "
		                       "is enabled on this session already",
		                       type);
	}
	gnutls_ext_set_data(session, type, st);
	if (state_of(session, type) != st) {
		free(st);
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot keep the dane_clientid state in "
		                       "the session");
	}
	return DANCE_OK;
}

dance_code_t dance_clientid_client_enable(gnutls_session_t session,
                                          const char *name, unsigned ext_type,
                                          dance_error_t *err)
{
	clientid_state_t *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = dance_clientid_encode(
	        name, st->wire, sizeof(st->wire), &st->wire_len, err);
	if (rc != DANCE_OK) {
		free(st);
		return rc;
	}
	return enable(session, ext_type, st, err);
}

dance_code_t dance_clientid_server_enable(gnutls_session_t session,
                                          unsigned ext_type, dance_error_t *err)
{
	clientid_state_t *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	st->server = 1;
	return enable(session, ext_type, st, err);
}

dance_code_t dance_clientid_register_global(unsigned ext_type,
                                            dance_error_t *err)
{
	unsigned type = ext_type_or_default(ext_type);
	if (type < PRIVATE_FIRST || type > PRIVATE_LAST) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "dane_clientid extension type %u is not "
		                       "in the private-use range 65280-65535",
		                       type);
	}
	int rc = gnutls_ext_register(EXT_NAME, (int)type, GNUTLS_EXT_MANDATORY,
	                             on_recv, on_send, on_deinit, NULL, NULL);
	if (rc == GNUTLS_E_ALREADY_REGISTERED && registered_globally(type)) {
		return DANCE_OK;
	}
	if (rc < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "cannot register the dane_clientid "
		                       "extension (type %u) with GnuTLS: %s",
		                       type, gnutls_strerror(rc));
	}
	return DANCE_OK;
}

/* This session's state for ext_type, or NULL when not enabled. */
static clientid_state_t *get_state(gnutls_session_t session, unsigned ext_type)
{
	unsigned type = ext_type_or_default(ext_type);
	gnutls_ext_priv_data_t data = NULL;
	if (!is_ours(session, type) ||
	    gnutls_ext_get_data(session, type, &data) < 0) {
		return NULL;
	}
	return data;
}

int dance_clientid_client_acked(gnutls_session_t session, unsigned ext_type)
{
	const clientid_state_t *st = get_state(session, ext_type);
	return st != NULL && !st->server && st->acked;
}

dance_clientid_status_t dance_clientid_server_get(gnutls_session_t session,
                                                  unsigned ext_type, char *name,
                                                  size_t name_size,
                                                  dance_error_t *err)
{
	dance_error_clear(err);
	if (name != NULL && name_size > 0) {
		name[0] = '\0';
	}
	const clientid_state_t *st = get_state(session, ext_type);
	if (st == NULL || !st->server || st->status == DANCE_CLIENTID_NONE) {
		return DANCE_CLIENTID_NONE;
	}
	if (st->status == DANCE_CLIENTID_MALFORMED) {
		dance_error_set(err, DANCE_EINVAL, "%s", st->reason);
		return DANCE_CLIENTID_MALFORMED;
	}
	if (name == NULL || name_size <= strlen(st->name)) {
		dance_error_set(err, DANCE_EINVAL,
		                "dane_clientid: name buffer of %zu bytes, need "
		                "%zu",
		                name_size, strlen(st->name) + 1);
		return DANCE_CLIENTID_MALFORMED;
	}
	memcpy(name, st->name, strlen(st->name) + 1);
	return DANCE_CLIENTID_NAME;
}

const char *dance_clientid_status_name(dance_clientid_status_t status)
{
	switch (status) {
	case DANCE_CLIENTID_NONE: return "none";
	case DANCE_CLIENTID_NAME: return "name";
	case DANCE_CLIENTID_MALFORMED: return "malformed";
	}
	return "invalid";
}
