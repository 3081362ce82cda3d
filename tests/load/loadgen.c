/* loadgen.c: bounded TLS load against an XoT server on loopback, for the
 * load tests and benchmarks (never a pass/fail by itself).
 *
 *   dance-loadgen --connect ADDR@PORT MODE [options]
 *
 * Modes (one per run, all single-threaded, non-blocking, poll-driven):
 *   --handshakes N   N TLS 1.3 handshakes (ALPN dot), at most --concurrency
 *                    at once; with --cert/--key each presents that client
 *                    certificate and asks one SOA query for --zone, else
 *                    none is presented (an unauthenticated flood).
 *                    With --no-query no SOA is sent: the client sends
 *                    close_notify at once and counts the handshake "ok"
 *                    only when the server closes cleanly (it accepted the
 *                    certificate), "refused" when it answers with an alert
 *                    (handshake against handshake, any TLS server).
 *   --slowloris N    N TCP connections that send 3 bytes of a TLS record
 *                    header and nothing more; counts those the server
 *                    closes within --hold seconds.
 *   --idle N         N authenticated connections (handshake done, one SOA
 *                    answered) held open for --hold seconds; with
 *                    --requery S each asks the SOA again every S seconds
 *                    while held (answers count in "answered", queries in
 *                    "queries_sent"), e.g. refused queries with an
 *                    unpublished certificate.
 *   --big-hello N    N TCP connections that each send a ClientHello
 *                    declared as --hello-size octets (default 98304) in
 *                    1-byte TLS records, as fast as the server reads,
 *                    all but its last octet, then hold; "ok" counts
 *                    those that sent it all, "hello_octets_sent" the
 *                    octets of all.
 * --sources N spreads the connections over N source addresses from
 * --source-base (default 127.0.1.1): 127.0.1.1, 127.0.1.2, ... (loopback
 * has all of 127.0.0.0/8), so per-address limits can be exercised.
 * A connection that is not done within 10 s (outside --hold) is closed
 * and counted in "timeouts".
 * Prints one JSON object on stdout: counts, elapsed seconds, rate.
 * LOADGEN_DEBUG=1 prints each failed handshake's reason on stderr.
 * Exit code: 0 ran (whatever the server did), 3 usage error, 1 failure
 * to run (e.g. out of file descriptors).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "loadgen_dns.h"
#include "loadgen_hello.h"

typedef enum mode {
	MODE_NONE,
	MODE_HANDSHAKES,
	MODE_SLOWLORIS,
	MODE_IDLE,
	MODE_BIG_HELLO
} mode_t_;

typedef enum phase {
	PH_FREE = 0, /* slot unused */
	PH_CONNECT,  /* TCP connect in progress */
	PH_HANDSHAKE,
	PH_QUERY, /* SOA sent, waiting for the answer */
	PH_BYE,   /* close_notify sent, waiting for the server's verdict */
	PH_SEND,  /* big hello: sending its records */
	PH_HOLD,  /* idle, slowloris or big hello: waiting */
	PH_DONE,
} phase_t;

typedef struct slot {
	int fd;
	phase_t phase;
	gnutls_session_t session;
	uint8_t buf[4096];
	size_t have;
	double since;      /* when the connection was opened */
	double next_query; /* --requery: when the next SOA goes out */
	uint64_t sent;     /* big hello: message octets put in records */
	size_t out_off;    /* big hello: octets of buf written */
} slot_t;

/* A connection not done (or holding) this long counts as an error. */
#define SLOT_TIMEOUT_S 10.0

typedef struct opts {
	struct sockaddr_in addr;
	mode_t_ mode;
	long count;
	long concurrency;
	double hold_s;
	const char *cert, *key, *zone;
	struct in_addr source_base;
	long sources;
	int no_query;
	double requery_s;
	uint32_t hello_size;
} opts_t;

typedef struct run {
	opts_t o;
	gnutls_certificate_credentials_t cred;
	slot_t *slots;
	long started, ok, refused, answered, closed_by_server, errors, timeouts;
	long queries_sent;
	uint64_t hello_octets_sent;
} run_t;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char usage_text[] =
        "usage: dance-loadgen --connect ADDR@PORT (--handshakes N | "
        "--slowloris N | --idle N | --big-hello N)\n"
        "       [--concurrency C] [--hold SECONDS] [--cert F --key F] "
        "[--zone Z]\n"
        "       [--no-query] [--requery SECONDS] [--hello-size OCTETS]\n"
        "       [--sources N [--source-base ADDR]]\n";

static int usage(const char *why)
{
	fprintf(stderr, "dance-loadgen: %s\n%s", why, usage_text);
	return 3;
}

static int parse_addr(const char *text, struct sockaddr_in *sa)
{
	char host[64];
	const char *at = strchr(text, '@');
	if (at == NULL || (size_t)(at - text) >= sizeof(host)) {
		return -1;
	}
	memcpy(host, text, (size_t)(at - text));
	host[at - text] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(at + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int parse_opts(int argc, char **argv, opts_t *o)
{
	static const struct option longs[] = {
	        {"connect", required_argument, NULL, 'c'},
	        {"handshakes", required_argument, NULL, 'H'},
	        {"slowloris", required_argument, NULL, 'S'},
	        {"idle", required_argument, NULL, 'I'},
	        {"concurrency", required_argument, NULL, 'C'},
	        {"hold", required_argument, NULL, 'h'},
	        {"cert", required_argument, NULL, 'e'},
	        {"key", required_argument, NULL, 'k'},
	        {"zone", required_argument, NULL, 'z'},
	        {"sources", required_argument, NULL, 's'},
	        {"source-base", required_argument, NULL, 'b'},
	        {"no-query", no_argument, NULL, 'n'},
	        {"requery", required_argument, NULL, 'r'},
	        {"big-hello", required_argument, NULL, 'B'},
	        {"hello-size", required_argument, NULL, 'L'},
	        {"help", no_argument, NULL, '?' + 256},
	        {NULL, 0, NULL, 0},
	};
	int have_addr = 0, c;
	memset(o, 0, sizeof(*o));
	o->concurrency = 100;
	o->hold_s = 5;
	o->zone = ".";
	o->hello_size = 98304;
	inet_pton(AF_INET, "127.0.1.1", &o->source_base);
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'c': have_addr = parse_addr(optarg, &o->addr) == 0; break;
		case 'H':
			o->mode = MODE_HANDSHAKES;
			o->count = atol(optarg);
			break;
		case 'S':
			o->mode = MODE_SLOWLORIS;
			o->count = atol(optarg);
			break;
		case 'I':
			o->mode = MODE_IDLE;
			o->count = atol(optarg);
			break;
		case 'C': o->concurrency = atol(optarg); break;
		case 'h': o->hold_s = atof(optarg); break;
		case 'e': o->cert = optarg; break;
		case 'k': o->key = optarg; break;
		case 'z': o->zone = optarg; break;
		case 's': o->sources = atol(optarg); break;
		case 'n': o->no_query = 1; break;
		case 'r': o->requery_s = atof(optarg); break;
		case 'B':
			o->mode = MODE_BIG_HELLO;
			o->count = atol(optarg);
			break;
		case 'L': {
			long n = atol(optarg);
			if (n < 1 || n > 0xFFFFFF) {
				return usage("--hello-size: 1..16777215");
			}
			o->hello_size = (uint32_t)n;
			break;
		}
		case '?' + 256: fputs(usage_text, stdout); return 4;
		case 'b':
			if (inet_pton(AF_INET, optarg, &o->source_base) != 1) {
				return usage(
				        "--source-base: not an IPv4 address");
			}
			break;
		default: return usage("unknown option");
		}
	}
	if (!have_addr) {
		return usage("--connect ADDR@PORT (IPv4) is required");
	}
	if (o->mode == MODE_NONE || o->count <= 0 || o->count > 100000) {
		return usage("one of --handshakes, --slowloris, --idle, "
		             "--big-hello with 1..100000");
	}
	if (o->sources < 0 || o->sources > 65536) {
		return usage("--sources: 0..65536");
	}
	if ((o->cert == NULL) != (o->key == NULL)) {
		return usage("--cert and --key go together");
	}
	if (o->mode == MODE_IDLE && o->cert == NULL) {
		return usage("--idle needs --cert and --key");
	}
	if (o->requery_s < 0 || (o->requery_s > 0 && o->mode != MODE_IDLE)) {
		return usage("--requery goes with --idle, in seconds");
	}
	if (o->mode != MODE_HANDSHAKES) {
		o->concurrency = o->count;
	}
	if (o->concurrency <= 0 || o->concurrency > o->count) {
		o->concurrency = o->count;
	}
	return 0;
}

static void slot_close(run_t *r, slot_t *s)
{
	if (s->session != NULL) {
		gnutls_deinit(s->session);
		s->session = NULL;
	}
	if (s->fd >= 0) {
		close(s->fd);
	}
	s->fd = -1;
	s->phase = r->o.mode == MODE_HANDSHAKES ? PH_FREE : PH_DONE;
	s->have = s->out_off = 0;
	s->sent = 0;
}

static int slot_open(run_t *r, slot_t *s)
{
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s->fd < 0) {
		return -1;
	}
	if (r->o.sources > 0) {
		struct sockaddr_in src = {.sin_family = AF_INET};
		src.sin_addr.s_addr =
		        htonl(ntohl(r->o.source_base.s_addr) +
		              (uint32_t)(r->started % r->o.sources));
		if (bind(s->fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
			close(s->fd);
			s->fd = -1;
			return -1;
		}
	}
	r->started++;
	s->since = now_s();
	int rc = connect(s->fd, (struct sockaddr *)&r->o.addr,
	                 sizeof(r->o.addr));
	if (rc != 0 && errno != EINPROGRESS) {
		r->errors++;
		slot_close(r, s);
		return 0;
	}
	s->phase = PH_CONNECT;
	return 0;
}

static int start_tls(run_t *r, slot_t *s)
{
	static const gnutls_datum_t alpn = {(unsigned char *)"dot", 3};
	if (gnutls_init(&s->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0 ||
	    gnutls_priority_set_direct(
	            s->session, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL) < 0 ||
	    gnutls_credentials_set(s->session, GNUTLS_CRD_CERTIFICATE,
	                           r->cred) < 0 ||
	    gnutls_alpn_set_protocols(s->session, &alpn, 1, 0) < 0) {
		return -1;
	}
	gnutls_transport_set_int(s->session, s->fd);
	s->phase = PH_HANDSHAKE;
	return 0;
}

static void on_handshake(run_t *r, slot_t *s);

/* After the TCP connect: the next phase of the mode. */
static void on_connected(run_t *r, slot_t *s)
{
	int err = 0;
	socklen_t len = sizeof(err);
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		r->errors++;
		slot_close(r, s);
		return;
	}
	if (r->o.mode == MODE_SLOWLORIS) {
		/* A TLS handshake record header, cut short. */
		static const uint8_t partial[3] = {0x16, 0x03, 0x01};
		if (send(s->fd, partial, sizeof(partial), MSG_NOSIGNAL) != 3) {
			r->errors++;
		}
		r->ok++;
		s->phase = PH_HOLD;
		return;
	}
	if (r->o.mode == MODE_BIG_HELLO) {
		s->phase = PH_SEND;
		return; /* sent as the socket takes it */
	}
	if (start_tls(r, s) != 0) {
		r->errors++;
		slot_close(r, s);
		return;
	}
	on_handshake(r, s); /* sends the ClientHello */
}

static void on_handshake(run_t *r, slot_t *s)
{
	int rc = gnutls_handshake(s->session);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
		return;
	}
	if (rc < 0) {
		if (getenv("LOADGEN_DEBUG") != NULL) {
			fprintf(stderr, "handshake: %s\n", gnutls_strerror(rc));
		}
		r->refused++;
		slot_close(r, s);
		return;
	}
	if (r->o.no_query) {
		gnutls_bye(s->session, GNUTLS_SHUT_WR);
		s->phase = PH_BYE;
		return;
	}
	r->ok++;
	if (r->o.cert == NULL) {
		/* Unauthenticated: the server may still close at once. */
		gnutls_bye(s->session, GNUTLS_SHUT_WR);
		slot_close(r, s);
		return;
	}
	uint8_t msg[512];
	size_t len = loadgen_soa_query(r->o.zone, msg, sizeof(msg));
	if (len == 0 ||
	    gnutls_record_send(s->session, msg, len) != (ssize_t)len) {
		r->errors++;
		slot_close(r, s);
		return;
	}
	s->phase = PH_QUERY;
}

static void on_answer(run_t *r, slot_t *s)
{
	ssize_t n = gnutls_record_recv(s->session, s->buf + s->have,
	                               sizeof(s->buf) - s->have);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		return;
	}
	if (n <= 0) {
		r->closed_by_server++;
		slot_close(r, s);
		return;
	}
	s->have += (size_t)n;
	if (!loadgen_have_message(s->buf, s->have)) {
		return;
	}
	r->answered++;
	s->have = 0;
	if (r->o.mode == MODE_IDLE) {
		s->phase = PH_HOLD;
		s->next_query = now_s() + r->o.requery_s;
		return;
	}
	gnutls_bye(s->session, GNUTLS_SHUT_WR);
	slot_close(r, s);
}

/* After close_notify: the server's clean close accepts, an alert refuses. */
static void on_bye(run_t *r, slot_t *s)
{
	ssize_t n = gnutls_record_recv(s->session, s->buf, sizeof(s->buf));
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED || n > 0) {
		return; /* session tickets, or data: wait for the end */
	}
	if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
		r->ok++;
	} else {
		if (getenv("LOADGEN_DEBUG") != NULL) {
			fprintf(stderr, "after handshake: %s\n",
			        gnutls_strerror((int)n));
		}
		r->refused++;
	}
	slot_close(r, s);
}

/* Big hello: as many 1-byte records as the socket takes, all but the
 * message's last octet; then hold. buf holds the chunk being written
 * (have: its size, out_off: how much went out). */
static void on_send(run_t *r, slot_t *s)
{
	uint64_t end = loadgen_hello_octets(r->o.hello_size) - 1;
	for (;;) {
		if (s->out_off == s->have) {
			if (s->sent >= end) {
				break;
			}
			size_t n =
			        loadgen_hello_fill(r->o.hello_size, s->sent,
			                           end, s->buf, sizeof(s->buf));
			s->sent += n;
			r->hello_octets_sent += n;
			s->have = n * 6;
			s->out_off = 0;
		}
		ssize_t w = send(s->fd, s->buf + s->out_off,
		                 s->have - s->out_off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			return;
		}
		if (w < 0) {
			r->closed_by_server++;
			slot_close(r, s);
			return;
		}
		s->out_off += (size_t)w;
	}
	s->have = s->out_off = 0;
	r->ok++;
	s->phase = PH_HOLD;
}

/* --requery: the next SOA on a held session. */
static void requery(run_t *r, slot_t *s)
{
	uint8_t msg[512];
	size_t len = loadgen_soa_query(r->o.zone, msg, sizeof(msg));
	s->next_query = now_s() + r->o.requery_s;
	if (len == 0 ||
	    gnutls_record_send(s->session, msg, len) != (ssize_t)len) {
		r->closed_by_server++;
		slot_close(r, s);
		return;
	}
	r->queries_sent++;
}

/* A held connection became readable: the server closed it (or sent an
 * alert, which ends it as well for this tool). */
static void on_hold(run_t *r, slot_t *s)
{
	if (s->session != NULL) {
		ssize_t n =
		        gnutls_record_recv(s->session, s->buf, sizeof(s->buf));
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			return;
		}
		if (n > 0) {
			/* An answer to --requery (one record each); other
			 * data on an idle session is ignored. */
			r->answered += r->o.requery_s > 0;
			return;
		}
		r->closed_by_server++;
		slot_close(r, s);
		return;
	}
	ssize_t n = recv(s->fd, s->buf, sizeof(s->buf), 0);
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		r->closed_by_server++;
		slot_close(r, s);
	}
}

static short events_of(const slot_t *s)
{
	switch (s->phase) {
	case PH_CONNECT:
	case PH_SEND: return POLLOUT;
	case PH_HANDSHAKE:
		return gnutls_record_get_direction(s->session) ? POLLOUT
		                                               : POLLIN;
	case PH_QUERY:
	case PH_BYE:
	case PH_HOLD: return POLLIN;
	default: return 0;
	}
}

static void step(run_t *r, slot_t *s)
{
	switch (s->phase) {
	case PH_CONNECT: on_connected(r, s); break;
	case PH_HANDSHAKE: on_handshake(r, s); break;
	case PH_QUERY: on_answer(r, s); break;
	case PH_BYE: on_bye(r, s); break;
	case PH_SEND: on_send(r, s); break;
	case PH_HOLD: on_hold(r, s); break;
	default: break;
	}
}

static long count_phase(const run_t *r, phase_t phase)
{
	long n = 0;
	for (long i = 0; i < r->o.concurrency; i++) {
		n += r->slots[i].phase == phase;
	}
	return n;
}

/* Runs until every connection is done, or for --hold seconds once all
 * are open (slowloris, idle). Bounded by a hard 300 s limit. */
static int run_loop(run_t *r)
{
	long n = r->o.concurrency;
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	double t_end = now_s() + 300, hold_until = 0;
	if (pfd == NULL) {
		return -1;
	}
	while (now_s() < t_end) {
		for (long i = 0; i < n; i++) {
			slot_t *s = &r->slots[i];
			if (s->phase == PH_FREE && r->started < r->o.count &&
			    slot_open(r, s) != 0) {
				free(pfd);
				return -1;
			}
			pfd[i].fd = s->fd;
			pfd[i].events = events_of(s);
			pfd[i].revents = 0;
			if (pfd[i].events == 0) {
				pfd[i].fd = -1;
			}
		}
		long active =
		        n - count_phase(r, PH_FREE) - count_phase(r, PH_DONE);
		long held = count_phase(r, PH_HOLD);
		if (active == 0 && r->started >= r->o.count) {
			break;
		}
		if (hold_until == 0 && r->started >= r->o.count &&
		    held == active) {
			hold_until = now_s() + r->o.hold_s;
		}
		if (hold_until != 0 && now_s() >= hold_until) {
			break;
		}
		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR) {
			break;
		}
		double now = now_s();
		for (long i = 0; i < n; i++) {
			slot_t *s = &r->slots[i];
			if (pfd[i].revents != 0) {
				step(r, s);
			} else if (s->phase == PH_HOLD && r->o.requery_s > 0 &&
			           s->session != NULL && now >= s->next_query) {
				requery(r, s);
			} else if (s->fd >= 0 && s->phase != PH_HOLD &&
			           now - s->since > SLOT_TIMEOUT_S) {
				r->timeouts++;
				slot_close(r, s);
			}
		}
	}
	free(pfd);
	return 0;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static const char *mode_name(mode_t_ m)
{
	switch (m) {
	case MODE_HANDSHAKES: return "handshakes";
	case MODE_SLOWLORIS: return "slowloris";
	case MODE_IDLE: return "idle";
	case MODE_BIG_HELLO: return "big-hello";
	default: return "none";
	}
}

int main(int argc, char **argv)
{
	run_t r;
	memset(&r, 0, sizeof(r));
	int rc = parse_opts(argc, argv, &r.o);
	if (rc != 0) {
		return rc == 4 ? 0 : rc; /* 4: --help */
	}
	raise_fd_limit();
	/* A server closing first must not kill the generator. */
	signal(SIGPIPE, SIG_IGN);
	gnutls_global_init();
	if (gnutls_certificate_allocate_credentials(&r.cred) < 0) {
		return 1;
	}
	if (r.o.cert != NULL &&
	    gnutls_certificate_set_x509_key_file(r.cred, r.o.cert, r.o.key,
	                                         GNUTLS_X509_FMT_PEM) < 0) {
		fprintf(stderr, "dance-loadgen: cannot load %s / %s\n",
		        r.o.cert, r.o.key);
		return 3;
	}
	r.slots = calloc((size_t)r.o.concurrency, sizeof(*r.slots));
	if (r.slots == NULL) {
		return 1;
	}
	for (long i = 0; i < r.o.concurrency; i++) {
		r.slots[i].fd = -1;
	}
	double t0 = now_s();
	rc = run_loop(&r);
	double elapsed = now_s() - t0;
	long still_open = count_phase(&r, PH_HOLD);
	for (long i = 0; i < r.o.concurrency; i++) {
		if (r.slots[i].fd >= 0) {
			slot_close(&r, &r.slots[i]);
		}
	}
	printf("{\"mode\":\"%s\",\"count\":%ld,\"started\":%ld,\"ok\":%ld,"
	       "\"refused\":%ld,\"answered\":%ld,\"closed_by_server\":%ld,"
	       "\"still_open\":%ld,\"errors\":%ld,\"timeouts\":%ld,"
	       "\"queries_sent\":%ld,\"hello_octets_sent\":%llu,"
	       "\"elapsed_s\":%.3f,"
	       "\"per_s\":%.1f}\n",
	       mode_name(r.o.mode), r.o.count, r.started, r.ok, r.refused,
	       r.answered, r.closed_by_server, still_open, r.errors, r.timeouts,
	       r.queries_sent, (unsigned long long)r.hello_octets_sent, elapsed,
	       elapsed > 0 ? (double)(r.ok + r.refused) / elapsed : 0.0);
	free(r.slots);
	gnutls_certificate_free_credentials(r.cred);
	gnutls_global_deinit();
	return rc == 0 ? 0 : 1;
}
