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

/* Builds a TLSA query with RD, AD and the DO bit. */
static knot_pkt_t *build_query(const char *owner, uint16_t id)
{
	knot_dname_storage_t qname;
	if (knot_dname_from_str(qname, owner, sizeof(qname)) == NULL) {
		return NULL;
	}
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

static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = dance_resolver_now_ms();
		if (now >= deadline) {
			return 0;
		}
		struct pollfd pfd = {.fd = fd, .events = events};
		int rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return 0;
		}
	}
}

/* One UDP exchange; returns reply length, 0 on timeout, -1 on error. */
static ssize_t exchange_udp(const resolver_server_t *s, const knot_pkt_t *q,
                            uint8_t *reply, uint64_t deadline)
{
	int fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t n = -1;
	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&s->addr, s->len) == 0 &&
	    send(fd, q->wire, q->size, 0) == (ssize_t)q->size) {
		n = 0;
		while (wait_fd(fd, POLLIN, deadline)) {
			n = recv(fd, reply, MAX_REPLY, 0);
			if (n >= KNOT_WIRE_HEADER_SIZE &&
			    knot_wire_get_id(reply) ==
			            knot_wire_get_id(q->wire)) {
				break;
			}
			n = n < 0 ? -1 : 0; /* refused, or a stray datagram */
			if (n < 0) {
				break;
			}
		}
	}
	close(fd);
	return n;
}

static int io_full(int fd, uint8_t *buf, size_t len, int writing,
                   uint64_t deadline)
{
	size_t done = 0;
	while (done < len) {
		if (!wait_fd(fd, writing ? POLLOUT : POLLIN, deadline)) {
			return 0;
		}
		ssize_t n = writing ? send(fd, buf + done, len - done, 0)
		                    : recv(fd, buf + done, len - done, 0);
		if (n <= 0) {
			return 0;
		}
		done += (size_t)n;
	}
	return 1;
}

/* One TCP exchange (two-byte length framing); same returns as UDP. */
static ssize_t exchange_tcp(const resolver_server_t *s, const knot_pkt_t *q,
                            uint8_t *reply, uint64_t deadline)
{
	int fd = socket(s->addr.ss_family,
	                SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	uint8_t len_buf[2] = {(uint8_t)(q->size >> 8), (uint8_t)q->size};
	ssize_t n = -1;
	if (fd < 0) {
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)&s->addr, s->len);
	if ((rc == 0 || errno == EINPROGRESS) &&
	    io_full(fd, len_buf, 2, 1, deadline) &&
	    io_full(fd, q->wire, q->size, 1, deadline) &&
	    io_full(fd, len_buf, 2, 0, deadline)) {
		size_t len = ((size_t)len_buf[0] << 8) | len_buf[1];
		n = io_full(fd, reply, len, 0, deadline) ? (ssize_t)len : 0;
	}
	close(fd);
	return n;
}

/* Reads the verdict of a parsed reply into out. */
static void judge_reply(knot_pkt_t *reply, const char *owner,
                        const resolver_server_t *s, dance_tlsa_answer_t *out)
{
	uint8_t rcode = knot_wire_get_rcode(reply->wire);
	int ad = knot_wire_get_ad(reply->wire) != 0;
	out->fetched = time(NULL);
	if (rcode == KNOT_RCODE_SERVFAIL) {
		dance_answer_fail(
		        out, DANCE_DNS_SERVFAIL,
		        "resolver %s answered SERVFAIL for %s (DNSSEC "
		        "validation failure or resolver error)",
		        s->text, owner);
		return;
	}
	if (rcode != KNOT_RCODE_NOERROR && rcode != KNOT_RCODE_NXDOMAIN) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "resolver %s answered rcode %u for %s",
		                  s->text, rcode, owner);
		return;
	}
	size_t found =
	        dance_answer_from_packet(reply->wire, reply->size, owner, out);
	if (!ad) {
		out->state = DANCE_DNS_INSECURE;
		snprintf(out->why, sizeof(out->why),
		         "resolver %s did not set AD for %s (not validated)",
		         s->text, owner);
	} else if (rcode == KNOT_RCODE_NXDOMAIN) {
		out->state = DANCE_DNS_NXDOMAIN;
		snprintf(out->why, sizeof(out->why), "%s does not exist",
		         owner);
	} else if (found == 0) {
		out->state = DANCE_DNS_NODATA;
		snprintf(out->why, sizeof(out->why), "%s has no TLSA records",
		         owner);
	} else {
		out->state = DANCE_DNS_SECURE;
	}
}

/* Asks one server; 1 when out holds a verdict. */
static int ask_server(const resolver_server_t *s, const char *owner,
                      uint64_t deadline, uint8_t *buf, dance_tlsa_answer_t *out)
{
	uint16_t id;
	gnutls_rnd(GNUTLS_RND_NONCE, &id, sizeof(id));
	knot_pkt_t *q = build_query(owner, id);
	if (q == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "cannot build a query for %s", owner);
		return 1;
	}
	ssize_t n = exchange_udp(s, q, buf, deadline);
	if (n > 0 && knot_wire_get_tc(buf)) {
		n = exchange_tcp(s, q, buf, deadline);
	}
	knot_pkt_free(q);
	if (n <= 0) {
		return 0;
	}
	knot_pkt_t *reply = knot_pkt_new(buf, (uint16_t)n, NULL);
	int ok = reply != NULL && knot_pkt_parse(reply, 0) == KNOT_EOK;
	if (ok) {
		judge_reply(reply, owner, s, out);
	}
	knot_pkt_free(reply);
	return ok;
}

void adx_lookup(const dance_resolver_t *r, const char *owner,
                unsigned deadline_ms, dance_tlsa_answer_t *out)
{
	uint64_t deadline = dance_resolver_now_ms() + deadline_ms;
	uint8_t *buf = malloc(MAX_REPLY);
	dance_tlsa_answer_init(out);
	if (buf == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL, "out of memory");
		return;
	}
	for (size_t i = 0; i < r->server_count; i++) {
		/* Each server gets an equal share of the time left. */
		uint64_t now = dance_resolver_now_ms();
		uint64_t share = now < deadline ? (deadline - now) /
		                                          (r->server_count - i)
		                                : 0;
		if (ask_server(&r->servers[i], owner, now + share, buf, out)) {
			free(buf);
			return;
		}
	}
	free(buf);
	dance_answer_fail(out, DANCE_DNS_TIMEOUT,
	                  "no answer for %s from %zu resolver(s) within %u ms",
	                  owner, r->server_count, deadline_ms);
}
