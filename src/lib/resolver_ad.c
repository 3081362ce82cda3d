/* resolver_ad.c: trust the AD bit of a validating resolver on loopback.
 * Queries are built and replies parsed with libknot; UDP first, TCP when
 * the reply is truncated. */
#include "resolver_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <libknot/libknot.h>

#define EDNS_PAYLOAD 1232
#define MAX_REPLY    65535

/* One query to one server. */
typedef struct exchange {
	const resolver_server_t *server;
	const knot_pkt_t *query;
	uint64_t deadline;
	int cancel_fd;  /* readable: give up */
	int cancelled;  /* set when cancel_fd fired */
	int error;      /* errno of a failed exchange, 0 if none */
	uint8_t *reply; /* MAX_REPLY bytes */
} exchange_t;

/* Builds a TLSA query with RD, AD and the DO bit. */
static knot_pkt_t *build_query(const knot_dname_t *qname, uint16_t id)
{
	knot_pkt_t *q = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	knot_rrset_t opt;
	if (q == NULL) {
		return NULL;
	}
	knot_wire_set_id(q->wire, id);
	knot_wire_set_rd(q->wire);
	knot_wire_set_ad(q->wire);
	int rc = knot_pkt_put_question(q, qname, KNOT_CLASS_IN,
	                               KNOT_RRTYPE_TLSA);
	if (rc == KNOT_EOK) {
		rc = knot_pkt_begin(q, KNOT_ADDITIONAL);
	}
	if (rc == KNOT_EOK) {
		rc = knot_edns_init(&opt, EDNS_PAYLOAD, 0, 0, NULL);
	}
	if (rc == KNOT_EOK) {
		knot_edns_set_do(&opt);
		rc = knot_pkt_put(q, 0, &opt, KNOT_PF_FREE);
	}
	if (rc != KNOT_EOK) {
		knot_pkt_free(q);
		return NULL;
	}
	return q;
}

/* Waits until fd is ready for events: 1 ready, 0 deadline passed,
 * cancelled or poll failed (x->cancelled tells). */
static int wait_fd(exchange_t *x, int fd, short events)
{
	for (;;) {
		uint64_t now = dance_resolver_now_ms();
		if (now >= x->deadline) {
			return 0;
		}
		struct pollfd pfd[2] = {{.fd = fd, .events = events},
		                        {.fd = x->cancel_fd, .events = POLLIN}};
		int rc = poll(pfd, x->cancel_fd >= 0 ? 2 : 1,
		              (int)(x->deadline - now));
		if (rc > 0 && (pfd[1].revents & POLLIN) != 0) {
			x->cancelled = 1;
			return 0;
		}
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			x->error = errno;
			return 0;
		}
	}
}

/* One UDP exchange; returns the reply length, 0 without a reply by the
 * deadline, -1 on a socket error (x->error). */
static ssize_t exchange_udp(exchange_t *x)
{
	const resolver_server_t *s = x->server;
	int fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t n = -1;
	if (fd < 0 ||
	    connect(fd, (const struct sockaddr *)&s->addr, s->len) != 0 ||
	    send(fd, x->query->wire, x->query->size, 0) !=
	            (ssize_t)x->query->size) {
		x->error = errno;
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	n = 0;
	while (wait_fd(x, fd, POLLIN)) {
		n = recv(fd, x->reply, MAX_REPLY, 0);
		if (n < 0) {
			x->error = errno; /* e.g. ECONNREFUSED: nobody there */
			break;
		}
		if (n >= KNOT_WIRE_HEADER_SIZE &&
		    knot_wire_get_id(x->reply) ==
		            knot_wire_get_id(x->query->wire)) {
			break;
		}
		n = 0; /* a stray datagram: keep waiting */
	}
	close(fd);
	return n;
}

/* Sends or receives exactly len bytes before the deadline; 1 on success. */
static int io_full(exchange_t *x, int fd, uint8_t *buf, size_t len, int writing)
{
	size_t done = 0;
	while (done < len) {
		if (!wait_fd(x, fd, writing ? POLLOUT : POLLIN)) {
			return 0;
		}
		ssize_t n =
		        writing ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
		                : recv(fd, buf + done, len - done, 0);
		if (n <= 0) {
			x->error = n < 0 ? errno : ECONNRESET;
			return 0;
		}
		done += (size_t)n;
	}
	return 1;
}

/* One TCP exchange (two-byte length framing); same returns as UDP. */
static ssize_t exchange_tcp(exchange_t *x)
{
	const resolver_server_t *s = x->server;
	int fd = socket(s->addr.ss_family,
	                SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	size_t qlen = x->query->size;
	uint8_t len_buf[2] = {(uint8_t)(qlen >> 8), (uint8_t)qlen};
	ssize_t n = 0;
	if (fd < 0) {
		x->error = errno;
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)&s->addr, s->len);
	if (rc != 0 && errno != EINPROGRESS) {
		x->error = errno;
	} else if (io_full(x, fd, len_buf, 2, 1) &&
	           io_full(x, fd, x->query->wire, qlen, 1) &&
	           io_full(x, fd, len_buf, 2, 0)) {
		size_t len = ((size_t)len_buf[0] << 8) | len_buf[1];
		if (len < KNOT_WIRE_HEADER_SIZE) {
			x->error = EPROTO;
		} else if (io_full(x, fd, x->reply, len, 0)) {
			n = (ssize_t)len;
		}
	}
	close(fd);
	return n > 0 ? n : (x->error != 0 ? -1 : 0);
}

/* Reads the verdict of a parsed reply into out. */
static void judge_reply(const knot_pkt_t *reply, const char *owner,
                        const resolver_server_t *s, dance_tlsa_answer_t *out)
{
	uint8_t rcode = knot_wire_get_rcode(reply->wire);
	int ad = knot_wire_get_ad(reply->wire) != 0;
	if (rcode == KNOT_RCODE_SERVFAIL) {
		dance_answer_fail(
		        out, DANCE_DNS_SERVFAIL,
		        "resolver %s answered SERVFAIL for %s (DNSSEC "
		        "validation failure or resolver error)",
		        s->text, owner);
		return;
	}
	if (rcode != KNOT_RCODE_NOERROR && rcode != KNOT_RCODE_NXDOMAIN) {
		const knot_lookup_t *name =
		        knot_lookup_by_id(knot_rcode_names, rcode);
		dance_answer_fail(
		        out, DANCE_DNS_SERVFAIL,
		        "resolver %s answered %s for %s", s->text,
		        name != NULL ? name->name : "an unknown rcode", owner);
		return;
	}
	dance_tlsa_answer_clear(out);
	out->fetched = time(NULL);
	size_t found =
	        dance_answer_from_packet(reply->wire, reply->size, owner, out);
	if (!ad) {
		out->state = DANCE_DNS_INSECURE;
		snprintf(out->why, sizeof(out->why),
		         "resolver %s did not set AD for %s (%s, not "
		         "validated)",
		         s->text, owner,
		         rcode == KNOT_RCODE_NXDOMAIN ? "NXDOMAIN"
		         : found == 0                 ? "no TLSA records"
		                                      : "TLSA records");
	} else if (rcode == KNOT_RCODE_NXDOMAIN) {
		out->state = DANCE_DNS_NXDOMAIN;
		snprintf(out->why, sizeof(out->why),
		         "%s does not exist (AD from %s)", owner, s->text);
	} else if (found == 0) {
		out->state = DANCE_DNS_NODATA;
		snprintf(out->why, sizeof(out->why),
		         "%s has no TLSA records (AD from %s)", owner, s->text);
	} else {
		out->state = DANCE_DNS_SECURE;
	}
}

/* The reply answers our question (the ID was checked on receipt). */
static int answers_query(const knot_pkt_t *reply, const knot_pkt_t *query)
{
	return knot_wire_get_qr(reply->wire) &&
	       knot_pkt_qtype(reply) == KNOT_RRTYPE_TLSA &&
	       knot_pkt_qclass(reply) == KNOT_CLASS_IN &&
	       knot_dname_is_equal(knot_pkt_qname(reply),
	                           knot_pkt_qname(query));
}

/* Parses and judges a reply of n bytes; 1 when out holds a verdict. */
static int read_reply(exchange_t *x, size_t n, const char *owner,
                      dance_tlsa_answer_t *out)
{
	knot_pkt_t *reply = knot_pkt_new(x->reply, (uint16_t)n, NULL);
	int ok = reply != NULL && knot_pkt_parse(reply, 0) == KNOT_EOK &&
	         answers_query(reply, x->query);
	if (ok) {
		judge_reply(reply, owner, x->server, out);
	} else {
		x->error = EBADMSG;
	}
	knot_pkt_free(reply);
	return ok;
}

/* Asks one server; 1 when out holds a verdict, 0 otherwise (x->error
 * says why if it was not the deadline). */
static int ask_server(exchange_t *x, const char *owner,
                      dance_tlsa_answer_t *out)
{
	knot_dname_storage_t qname;
	uint16_t id;
	if (knot_dname_from_str(qname, owner, sizeof(qname)) == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "%s is not a DNS name", owner);
		return 1;
	}
	knot_dname_to_lower(qname);
	gnutls_rnd(GNUTLS_RND_NONCE, &id, sizeof(id));
	knot_pkt_t *q = build_query(qname, id);
	if (q == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "cannot build a query for %s", owner);
		return 1;
	}
	x->query = q;
	x->error = 0;
	ssize_t n = exchange_udp(x);
	if (n > 0 && knot_wire_get_tc(x->reply)) {
		n = exchange_tcp(x);
	}
	int judged = n > 0 && read_reply(x, (size_t)n, owner, out);
	x->query = NULL;
	knot_pkt_free(q);
	return judged;
}

/* No verdict from any server: TIMEOUT if time ran out, else SERVFAIL
 * naming the last error. */
static void no_verdict(const exchange_t *x, const resolver_server_t *last,
                       const char *owner, size_t count, unsigned deadline_ms,
                       dance_tlsa_answer_t *out)
{
	if (x->cancelled) {
		dance_answer_fail(out, DANCE_DNS_TIMEOUT,
		                  "lookup of %s cancelled", owner);
	} else if (x->error != 0 && dance_resolver_now_ms() < x->deadline) {
		dance_answer_fail(
		        out, DANCE_DNS_SERVFAIL,
		        "no usable reply for %s from %zu resolver(s); "
		        "last, %s: %s",
		        owner, count, last->text, strerror(x->error));
	} else {
		dance_answer_fail(out, DANCE_DNS_TIMEOUT,
		                  "no answer for %s from %zu resolver(s) "
		                  "within %u ms",
		                  owner, count, deadline_ms);
	}
}

void adx_lookup(const dance_resolver_t *r, const char *owner,
                unsigned deadline_ms, dance_tlsa_answer_t *out)
{
	uint64_t deadline = dance_resolver_now_ms() + deadline_ms;
	exchange_t x = {.cancel_fd = r->cancel_fd};
	dance_tlsa_answer_init(out);
	x.reply = malloc(MAX_REPLY);
	if (x.reply == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL, "out of memory");
		return;
	}
	for (size_t i = 0; i < r->server_count && !x.cancelled; i++) {
		/* Each server gets an equal share of the time left. */
		uint64_t now = dance_resolver_now_ms();
		uint64_t left = now < deadline ? deadline - now : 0;
		x.server = &r->servers[i];
		x.deadline = now + left / (r->server_count - i);
		if (ask_server(&x, owner, out)) {
			free(x.reply);
			return;
		}
	}
	free(x.reply);
	x.deadline = deadline;
	no_verdict(&x, x.server, owner, r->server_count, deadline_ms, out);
}
