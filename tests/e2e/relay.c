/* relay.c: see relay.h. */
#include "relay.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <libknot/libknot.h>

#define RELAY_MAX_MSG 65535

static int upstream_socket(const relay_t *r, int type)
{
	struct timeval tv = {.tv_sec = 1};
	int fd = socket(AF_INET, type, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&r->upstream,
	            sizeof(r->upstream)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies the records of one section of in to out, but RRSIGs. */
static int copy_section(const knot_pkt_t *in, knot_pkt_t *out,
                        knot_section_t section)
{
	if (knot_pkt_begin(out, section) != KNOT_EOK) {
		return -1;
	}
	const knot_pktsection_t *s = knot_pkt_section(in, section);
	for (uint16_t i = 0; i < s->count; i++) {
		const knot_rrset_t *rr = knot_pkt_rr(s, i);
		if (rr->type == KNOT_RRTYPE_RRSIG) {
			continue;
		}
		if (knot_pkt_put(out, 0, rr, 0) != KNOT_EOK) {
			return -1;
		}
	}
	return 0;
}

/* Rewrites the answer msg (len bytes, buffer RELAY_MAX_MSG) without its
 * RRSIG records. Returns the new length, or -1 (then msg is unchanged). */
static ssize_t strip_rrsig(uint8_t *msg, size_t len)
{
	ssize_t result = -1;
	knot_pkt_t *in = knot_pkt_new(msg, (uint16_t)len, NULL);
	knot_pkt_t *out = knot_pkt_new(NULL, RELAY_MAX_MSG, NULL);
	if (in == NULL || out == NULL || knot_pkt_parse(in, 0) != KNOT_EOK) {
		goto done;
	}
	memcpy(out->wire, in->wire, KNOT_WIRE_HEADER_SIZE);
	knot_wire_set_qdcount(out->wire, 0);
	knot_wire_set_ancount(out->wire, 0);
	knot_wire_set_nscount(out->wire, 0);
	knot_wire_set_arcount(out->wire, 0);
	if (knot_pkt_put_question(out, knot_pkt_qname(in), knot_pkt_qclass(in),
	                          knot_pkt_qtype(in)) != KNOT_EOK ||
	    copy_section(in, out, KNOT_ANSWER) != 0 ||
	    copy_section(in, out, KNOT_AUTHORITY) != 0 ||
	    copy_section(in, out, KNOT_ADDITIONAL) != 0) {
		goto done;
	}
	memcpy(msg, out->wire, out->size);
	result = (ssize_t)out->size;
done:
	knot_pkt_free(in);
	knot_pkt_free(out);
	return result;
}

/* The answer to query (n bytes) into buf per the relay's mode; returns
 * its length, or -1 for no answer. */
static ssize_t answer(relay_t *r, int type, uint8_t *buf, ssize_t n)
{
	relay_mode_t mode = (relay_mode_t)atomic_load(&r->mode);
	atomic_fetch_add(&r->queries, 1);
	if (n < KNOT_WIRE_HEADER_SIZE || mode == RELAY_DROP) {
		return -1;
	}
	if (mode == RELAY_SERVFAIL) {
		knot_wire_set_qr(buf);
		knot_wire_set_rcode(buf, KNOT_RCODE_SERVFAIL);
		return n;
	}
	if (mode == RELAY_SLOW) {
		usleep((useconds_t)atomic_load(&r->delay_ms) * 1000);
	}
	int fd = upstream_socket(r, type);
	if (fd < 0) {
		return -1;
	}
	ssize_t got = -1;
	uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};
	if (type == SOCK_STREAM) {
		if (send(fd, len, 2, MSG_NOSIGNAL) == 2 &&
		    send(fd, buf, (size_t)n, MSG_NOSIGNAL) == n &&
		    recv(fd, len, 2, MSG_WAITALL) == 2) {
			size_t want = ((size_t)len[0] << 8) | len[1];
			got = recv(fd, buf, want, MSG_WAITALL);
		}
	} else if (send(fd, buf, (size_t)n, 0) == n) {
		got = recv(fd, buf, RELAY_MAX_MSG, 0);
	}
	close(fd);
	if (got > 0 && mode == RELAY_STRIP_RRSIG) {
		ssize_t stripped = strip_rrsig(buf, (size_t)got);
		got = stripped > 0 ? stripped : -1;
	}
	return got;
}

static void relay_udp(relay_t *r)
{
	uint8_t buf[RELAY_MAX_MSG];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(r->front.udp, buf, sizeof(buf), 0,
	                     (struct sockaddr *)&from, &len);
	if (n <= 0) {
		return;
	}
	n = answer(r, SOCK_DGRAM, buf, n);
	if (n > 0) {
		sendto(r->front.udp, buf, (size_t)n, 0,
		       (struct sockaddr *)&from, len);
	}
}

static void relay_tcp(relay_t *r)
{
	struct timeval tv = {.tv_sec = 1};
	uint8_t buf[RELAY_MAX_MSG + 2];
	int client = accept(r->front.tcp, NULL, NULL);
	if (client < 0) {
		return;
	}
	setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv(client, buf, 2, MSG_WAITALL) == 2) {
		size_t want = ((size_t)buf[0] << 8) | buf[1];
		ssize_t n = recv(client, buf + 2, want, MSG_WAITALL);
		if (want > 0 && n == (ssize_t)want) {
			n = answer(r, SOCK_STREAM, buf + 2, n);
		}
		if (n > 0) {
			buf[0] = (uint8_t)(n >> 8);
			buf[1] = (uint8_t)n;
			send(client, buf, (size_t)n + 2, MSG_NOSIGNAL);
		}
	}
	close(client);
}

static void *relay_run(void *arg)
{
	relay_t *r = arg;
	for (;;) {
		struct pollfd pfd[3] = {{.fd = r->front.udp, .events = POLLIN},
		                        {.fd = r->front.tcp, .events = POLLIN},
		                        {.fd = r->stop[0], .events = POLLIN}};
		if (poll(pfd, 3, -1) < 0 || pfd[2].revents != 0) {
			return NULL;
		}
		if (pfd[0].revents != 0) {
			relay_udp(r);
		}
		if (pfd[1].revents != 0) {
			relay_tcp(r);
		}
	}
}

void relay_start(relay_t *r, uint16_t upstream_port)
{
	memset(r, 0, sizeof(*r));
	black_hole_open(&r->front);
	r->upstream.sin_family = AF_INET;
	r->upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->upstream.sin_port = htons(upstream_port);
	atomic_store(&r->mode, RELAY_PASS);
	CU_ASSERT_EQUAL_FATAL(pipe(r->stop), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&r->thread, NULL, relay_run, r),
	                      0);
}

void relay_set_mode(relay_t *r, relay_mode_t mode, int delay_ms)
{
	atomic_store(&r->delay_ms, delay_ms);
	atomic_store(&r->mode, (int)mode);
}

void relay_stop(relay_t *r)
{
	close(r->stop[1]);
	pthread_join(r->thread, NULL);
	close(r->stop[0]);
	black_hole_close(&r->front);
}
