/* backend_ns.c: NS RRsets from a dance-proxy backend (backend_ns.h). */
#include "backend_ns.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <libknot/libknot.h>

#include "dnsmsg.h"
#include "proxyv2.h"
#include "tsig.h"

#define ANSWER_MAX (2 + KNOT_WIRE_MAX_PKTSIZE)

/* One exchange with the backend: socket, deadline, TSIG state. */
typedef struct fetch {
	const dp_config_t *cfg;
	int fd;
	struct timespec deadline;
	knot_tsig_key_t key;
	int has_key;
	dp_tsig_t tsig;
	uint16_t id;
} fetch_t;

static int ms_left(const fetch_t *f)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (f->deadline.tv_sec - now.tv_sec) * 1000LL +
	               (f->deadline.tv_nsec - now.tv_nsec) / 1000000LL;
	return ms < 0 ? 0 : ms > 600000 ? 600000 : (int)ms;
}

/* Waits until fd is ready for events, at most until the deadline. */
static dance_code_t wait_for(fetch_t *f, short events, dance_error_t *err)
{
	for (;;) {
		struct pollfd p = {.fd = f->fd, .events = events};
		int n = poll(&p, 1, ms_left(f));
		if (n > 0) {
			return DANCE_OK;
		}
		if (n == 0) {
			return dance_error_set(err, DANCE_EIO,
			                       "no answer in time");
		}
		if (errno != EINTR) {
			return dance_error_set(err, DANCE_EIO, "%s",
			                       strerror(errno));
		}
	}
}

static dance_code_t connect_backend(fetch_t *f, dance_error_t *err)
{
	const struct sockaddr *a = (const struct sockaddr *)&f->cfg->backend.ss;
	socklen_t alen = a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                          : sizeof(struct sockaddr_in);
	f->fd = socket(a->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               0);
	if (f->fd < 0 ||
	    (connect(f->fd, a, alen) != 0 && errno != EINPROGRESS)) {
		return dance_error_set(err, DANCE_EIO, "%s", strerror(errno));
	}
	dance_code_t rc = wait_for(f, POLLOUT, err);
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	if (rc == DANCE_OK &&
	    (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ||
	     soerr != 0)) {
		rc = dance_error_set(err, DANCE_EIO, "%s",
		                     strerror(soerr != 0 ? soerr : errno));
	}
	return rc;
}

/* The bytes to send: PROXY v2 header when configured, framed query. */
static dance_code_t build(fetch_t *f, const char *zone, uint8_t *out,
                          size_t max, size_t *out_len, dance_error_t *err)
{
	size_t off = 0;
	if (f->cfg->proxy_protocol) {
		const struct sockaddr *a =
		        (const struct sockaddr *)&f->cfg->backend.ss;
		off = dp_proxyv2_header(a, a, out, DP_PROXYV2_MAX);
	}
	uint8_t *msg = out + off + 2;
	size_t room = max - off - 2, len = 0;
	gnutls_rnd(GNUTLS_RND_NONCE, &f->id, sizeof(f->id));
	dance_code_t rc = dp_query_build(zone, KNOT_RRTYPE_NS, f->id, msg, room,
	                                 &len, err);
	if (rc == DANCE_OK && f->has_key) {
		rc = dp_tsig_sign_query(&f->tsig, msg, &len, room, err);
	}
	out[off] = (uint8_t)(len >> 8);
	out[off + 1] = (uint8_t)(len & 0xff);
	*out_len = off + 2 + len;
	return rc;
}

static dance_code_t send_all(fetch_t *f, const uint8_t *data, size_t len,
                             dance_error_t *err)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = send(f->fd, data + done, len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return dance_error_set(err, DANCE_EIO, "%s",
			                       strerror(errno));
		}
		dance_code_t rc = wait_for(f, POLLOUT, err);
		if (rc != DANCE_OK) {
			return rc;
		}
	}
	return DANCE_OK;
}

/* Reads one framed answer into buf; *len is its message length. */
static dance_code_t read_answer(fetch_t *f, uint8_t *buf, size_t *len,
                                dance_error_t *err)
{
	size_t have = 0, want = 2;
	while (have < want) {
		ssize_t n = recv(f->fd, buf + have, want - have, 0);
		if (n == 0) {
			return dance_error_set(
			        err, DANCE_EIO,
			        "the backend closed the connection");
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return dance_error_set(err, DANCE_EIO, "%s",
			                       strerror(errno));
		}
		if (n > 0) {
			have += (size_t)n;
			if (have == 2) {
				want = 2 + (((size_t)buf[0] << 8) | buf[1]);
			}
			continue;
		}
		dance_code_t rc = wait_for(f, POLLIN, err);
		if (rc != DANCE_OK) {
			return rc;
		}
	}
	*len = want - 2;
	return DANCE_OK;
}

static dance_code_t exchange(fetch_t *f, const char *zone,
                             dance_name_list_t *out, dance_error_t *err)
{
	uint8_t query[2 + 1024 + DP_PROXYV2_MAX];
	uint8_t *answer = malloc(ANSWER_MAX);
	size_t qlen = 0, alen = 0;
	if (answer == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = build(f, zone, query, sizeof(query), &qlen, err);
	if (rc == DANCE_OK) {
		rc = connect_backend(f, err);
	}
	if (rc == DANCE_OK) {
		rc = send_all(f, query, qlen, err);
	}
	if (rc == DANCE_OK) {
		rc = read_answer(f, answer, &alen, err);
	}
	uint8_t *msg = answer + 2;
	if (rc == DANCE_OK &&
	    (alen < KNOT_WIRE_HEADER_SIZE || knot_wire_get_id(msg) != f->id)) {
		rc = dance_error_set(err, DANCE_EINVAL,
		                     "the answer is not to our query");
	}
	int was_signed = 0;
	if (rc == DANCE_OK && f->has_key &&
	    dp_tsig_verify(&f->tsig, msg, &alen, &was_signed, err) !=
	            DANCE_OK) {
		rc = DANCE_EINVAL;
	}
	char **names = NULL;
	size_t count = 0;
	if (rc == DANCE_OK) {
		rc = dp_answer_ns(msg, alen, zone, &names, &count, err);
	}
	for (size_t i = 0; i < count; i++) {
		if (rc == DANCE_OK) {
			rc = dance_name_list_add(out, names[i], err);
		}
		free(names[i]);
	}
	free(names);
	free(answer);
	return rc;
}

dance_code_t cli_backend_apex_ns(const dp_config_t *cfg, const char *zone,
                                 unsigned timeout_ms, dance_name_list_t *out,
                                 dance_error_t *err)
{
	fetch_t f = {.cfg = cfg, .fd = -1};
	clock_gettime(CLOCK_MONOTONIC, &f.deadline);
	f.deadline.tv_sec += timeout_ms / 1000;
	f.deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (f.deadline.tv_nsec >= 1000000000L) {
		f.deadline.tv_sec++;
		f.deadline.tv_nsec -= 1000000000L;
	}
	dance_code_t rc = DANCE_OK;
	if (cfg->backend_tsig != NULL) {
		rc = dp_tsig_key_parse(cfg->backend_tsig, &f.key, err);
		f.has_key = rc == DANCE_OK;
	}
	dp_tsig_init(&f.tsig, f.has_key ? &f.key : NULL);
	if (rc == DANCE_OK) {
		rc = exchange(&f, zone, out, err);
	}
	if (rc != DANCE_OK) {
		dance_name_list_clear(out);
	}
	dp_tsig_clear(&f.tsig);
	if (f.has_key) {
		knot_tsig_key_deinit(&f.key);
	}
	if (f.fd >= 0) {
		close(f.fd);
	}
	return rc;
}
