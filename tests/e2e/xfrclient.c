/* xfrclient.c: dance-xfr-client, one zone transfer over XoT that the test
 * steers: the message ID is chosen, and the client can stop reading in
 * the middle of the answer (what an attacker does to leave a transfer
 * unfinished on the server).
 *
 *   dance-xfr-client --connect ADDR@PORT --zone ZONE [options]
 *
 *   --cert FILE --key FILE  client certificate (PEM chain) and key
 *   --id N                  DNS message ID (default 4242)
 *   --type axfr|ixfr        query type (ixfr asks from serial 0)
 *   --stall SECONDS         send the query, read nothing for SECONDS with
 *                           a small receive buffer, then drop the
 *                           connection without close_notify
 *
 * Without --stall it reads the whole answer and prints one line:
 *   "transferred MESSAGES RECORDS", "rcode NAME" (the first message's
 *   RCODE when not NOERROR), or "error WHY".
 * With --stall it prints "stalled".
 * Exit code: 0 ran (whatever the server answered), 1 could not run
 * (connect, handshake), 3 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <libknot/libknot.h>

typedef struct xc_opts {
	struct sockaddr_in addr;
	const char *zone;
	const char *cert;
	const char *key;
	uint16_t id;
	uint16_t qtype;
	int stall; /* seconds, 0 = read the answer */
} xc_opts_t;

static int usage(const char *why)
{
	fprintf(stderr,
	        "dance-xfr-client: %s\n"
	        "usage: dance-xfr-client --connect ADDR@PORT --zone ZONE "
	        "[--cert FILE --key FILE] [--id N] [--type axfr|ixfr] "
	        "[--stall SECONDS]\n",
	        why);
	return 3;
}

static int parse_addr(const char *text, struct sockaddr_in *out)
{
	char host[64];
	const char *at = strchr(text, '@');
	size_t len = at != NULL ? (size_t)(at - text) : 0;
	if (at == NULL || len == 0 || len >= sizeof(host)) {
		return -1;
	}
	memcpy(host, text, len);
	host[len] = '\0';
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)atoi(at + 1));
	return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

static int parse_opts(int argc, char **argv, xc_opts_t *o)
{
	static const struct option longs[] = {
	        {"connect", required_argument, NULL, 'c'},
	        {"zone", required_argument, NULL, 'z'},
	        {"cert", required_argument, NULL, 'C'},
	        {"key", required_argument, NULL, 'K'},
	        {"id", required_argument, NULL, 'i'},
	        {"type", required_argument, NULL, 't'},
	        {"stall", required_argument, NULL, 's'},
	        {NULL, 0, NULL, 0},
	};
	int have_addr = 0, opt;
	memset(o, 0, sizeof(*o));
	o->id = 4242;
	o->qtype = KNOT_RRTYPE_AXFR;
	while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_addr(optarg, &o->addr) != 0) {
				return usage("--connect needs IPv4ADDR@PORT");
			}
			have_addr = 1;
			break;
		case 'z': o->zone = optarg; break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'i': o->id = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 't':
			if (strcmp(optarg, "axfr") == 0) {
				o->qtype = KNOT_RRTYPE_AXFR;
			} else if (strcmp(optarg, "ixfr") == 0) {
				o->qtype = KNOT_RRTYPE_IXFR;
			} else {
				return usage("--type is axfr or ixfr");
			}
			break;
		case 's': o->stall = atoi(optarg); break;
		default: return usage("unknown option");
		}
	}
	if (!have_addr || o->zone == NULL) {
		return usage("--connect and --zone are required");
	}
	if ((o->cert == NULL) != (o->key == NULL)) {
		return usage("--cert and --key go together");
	}
	return 0;
}

/* A TCP socket to the server; a small receive buffer when stalling, so
 * the server's sends block soon. */
static int open_socket(const xc_opts_t *o)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		return -1;
	}
	if (o->stall > 0) {
		int small = 4096;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	}
	if (connect(fd, (const struct sockaddr *)&o->addr, sizeof(o->addr)) !=
	    0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int start_tls(const xc_opts_t *o, int fd,
                     gnutls_certificate_credentials_t *creds,
                     gnutls_session_t *session)
{
	static const gnutls_datum_t alpn = {(unsigned char *)"dot", 3};
	int rc = gnutls_certificate_allocate_credentials(creds);
	if (rc == 0 && o->cert != NULL) {
		rc = gnutls_certificate_set_x509_key_file(
		        *creds, o->cert, o->key, GNUTLS_X509_FMT_PEM);
	}
	if (rc >= 0) {
		rc = gnutls_init(session, GNUTLS_CLIENT);
	}
	if (rc >= 0) {
		rc = gnutls_priority_set_direct(
		        *session, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
	}
	if (rc >= 0) {
		rc = gnutls_credentials_set(*session, GNUTLS_CRD_CERTIFICATE,
		                            *creds);
	}
	if (rc >= 0) {
		rc = gnutls_alpn_set_protocols(*session, &alpn, 1, 0);
	}
	if (rc < 0) {
		fprintf(stderr, "dance-xfr-client: TLS setup: %s\n",
		        gnutls_strerror(rc));
		return -1;
	}
	gnutls_transport_set_int(*session, fd);
	gnutls_handshake_set_timeout(*session, 5000);
	do {
		rc = gnutls_handshake(*session);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0) {
		fprintf(stderr, "dance-xfr-client: handshake: %s\n",
		        gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

static int send_query(const xc_opts_t *o, gnutls_session_t session)
{
	knot_dname_storage_t name;
	if (knot_dname_from_str(name, o->zone, sizeof(name)) == NULL) {
		return -1;
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		return -1;
	}
	knot_wire_set_id(pkt->wire, o->id);
	int rc = knot_pkt_put_question(pkt, name, KNOT_CLASS_IN, o->qtype);
	uint8_t framed[2 + 512];
	size_t len = pkt->size;
	if (rc == KNOT_EOK && len <= sizeof(framed) - 2) {
		framed[0] = (uint8_t)(len >> 8);
		framed[1] = (uint8_t)len;
		memcpy(framed + 2, pkt->wire, len);
	} else {
		rc = -1;
	}
	knot_pkt_free(pkt);
	if (rc != KNOT_EOK) {
		return -1;
	}
	ssize_t sent = gnutls_record_send(session, framed, len + 2);
	return sent == (ssize_t)(len + 2) ? 0 : -1;
}

static int read_exact(gnutls_session_t session, uint8_t *buf, size_t len)
{
	size_t have = 0;
	while (have < len) {
		ssize_t n = gnutls_record_recv(session, buf + have, len - have);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		have += (size_t)n;
	}
	return 0;
}

/* Reads messages until the SOA that ends the transfer (the second SOA of
 * the stream), an error RCODE, or the end of the connection. */
static void read_answer(gnutls_session_t session)
{
	static uint8_t msg[65535];
	unsigned messages = 0, records = 0, soas = 0;
	for (;;) {
		uint8_t len[2];
		if (read_exact(session, len, 2) != 0) {
			printf("error connection closed after %u messages\n",
			       messages);
			return;
		}
		size_t size = ((size_t)len[0] << 8) | len[1];
		if (size < KNOT_WIRE_HEADER_SIZE ||
		    read_exact(session, msg, size) != 0) {
			printf("error short message\n");
			return;
		}
		messages++;
		uint8_t rcode = knot_wire_get_rcode(msg);
		if (rcode != KNOT_RCODE_NOERROR) {
			const knot_lookup_t *item =
			        knot_lookup_by_id(knot_rcode_names, rcode);
			printf("rcode %s\n", item != NULL ? item->name : "?");
			return;
		}
		knot_pkt_t *pkt = knot_pkt_new(msg, size, NULL);
		if (pkt == NULL || knot_pkt_parse(pkt, 0) != KNOT_EOK) {
			knot_pkt_free(pkt);
			printf("error message does not parse\n");
			return;
		}
		const knot_pktsection_t *answer =
		        knot_pkt_section(pkt, KNOT_ANSWER);
		for (uint16_t i = 0; i < answer->count; i++) {
			const knot_rrset_t *rr = knot_pkt_rr(answer, i);
			records++;
			soas += rr->type == KNOT_RRTYPE_SOA;
		}
		knot_pkt_free(pkt);
		if (soas >= 2) {
			printf("transferred %u %u\n", messages, records);
			return;
		}
	}
}

int main(int argc, char **argv)
{
	xc_opts_t o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0) {
		return rc;
	}
	int fd = open_socket(&o);
	if (fd < 0) {
		fprintf(stderr, "dance-xfr-client: connect: %s\n",
		        strerror(errno));
		return 1;
	}
	gnutls_certificate_credentials_t creds = NULL;
	gnutls_session_t session = NULL;
	rc = start_tls(&o, fd, &creds, &session) == 0 ? 0 : 1;
	if (rc == 0 && send_query(&o, session) != 0) {
		fprintf(stderr, "dance-xfr-client: query not sent\n");
		rc = 1;
	}
	if (rc == 0 && o.stall > 0) {
		sleep((unsigned)o.stall);
		printf("stalled\n");
	} else if (rc == 0) {
		read_answer(session);
	}
	if (session != NULL) {
		gnutls_deinit(session);
	}
	if (creds != NULL) {
		gnutls_certificate_free_credentials(creds);
	}
	close(fd);
	return rc;
}
