/* repeat.h: one decision per transfer query, not per answer message.
 *
 * knotd runs a module's BEGIN step again for every message of a
 * multi-message AXFR/IXFR answer (process_query_out is called per
 * message; see nameserver/process_query.c). Each worker thread answers
 * one query at a time, so one slot per thread remembers the decision of
 * the answer in progress, and a later message of that same answer reuses
 * it instead of deciding (and logging) again.
 *
 * A remembered decision must never decide for anything else. knotd hands
 * out the same qdata and packet pointers for every query on a thread, and
 * malloc the same session pointer for the next connection, so pointers
 * say nothing. The key is what a new query or connection cannot
 * reproduce:
 *   - the connection: for TLS the client and server randoms of its
 *     handshake (the server's 32 random bytes are new for every
 *     handshake, resumed or not); for plain TCP the socket and the
 *     peer's address and port;
 *   - the query: QNAME (the zone) in wire form, QTYPE, message ID and,
 *     over QUIC, the stream;
 *   - the presented leaf certificate or raw key, byte for byte.
 * A query whose key differs decides afresh, and its decision replaces the
 * slot. The END step of the message that completes the answer clears the
 * slot. An answer aborted mid-stream (the peer stopped reading, knotd's
 * send timed out and it closed the connection) leaves the slot set, but
 * its key names a connection that is gone.
 *
 * The slot logic is pure (no knotd types), so it is unit-tested;
 * mod_dance.c builds the key from the query.
 */
#ifndef MOD_DANCE_REPEAT_H
#define MOD_DANCE_REPEAT_H

#include <stddef.h>
#include <stdint.h>

/* Room for the TLS client and server randoms, or a socket address. */
#define MD_REPEAT_CONN_MAX  160
#define MD_REPEAT_QNAME_MAX 255

/* What identifies one answer in progress (all borrowed). */
typedef struct md_repeat_key {
	unsigned thread;     /* knotd worker thread */
	const uint8_t *conn; /* connection marker, see above */
	size_t conn_len;
	int64_t stream;       /* QUIC stream, -1 otherwise */
	const uint8_t *qname; /* wire form */
	size_t qname_len;
	uint16_t qtype;
	uint16_t msgid;
	const uint8_t *leaf; /* presented leaf (or raw key); NULL for none */
	size_t leaf_len;
} md_repeat_key_t;

typedef struct md_repeat_slot {
	int active;
	int allow;
	uint8_t conn[MD_REPEAT_CONN_MAX];
	size_t conn_len;
	int64_t stream;
	uint8_t qname[MD_REPEAT_QNAME_MAX];
	size_t qname_len;
	uint16_t qtype, msgid;
	uint8_t *leaf; /* copy of the presented leaf (or raw key) */
	size_t leaf_len, leaf_cap;
} md_repeat_slot_t;

typedef struct md_repeat {
	md_repeat_slot_t *slots; /* one per knotd worker thread */
	size_t count;
} md_repeat_t;

/* 0 on success, -1 out of memory. */
int md_repeat_init(md_repeat_t *r, size_t threads);
void md_repeat_free(md_repeat_t *r);

/* The remembered decision of the answer key names: 1 allow, 0 deny; -1
 * when nothing is remembered for it (a first message: decide). */
int md_repeat_find(const md_repeat_t *r, const md_repeat_key_t *key);

/* Remembers the decision of the answer starting now, replacing whatever
 * the thread's slot held. Silently remembers nothing when the thread has
 * no slot, the key does not fit or memory is short: the next message
 * then decides again, which is slower but as correct. */
void md_repeat_store(md_repeat_t *r, const md_repeat_key_t *key, int allow);

/* From the END step: when the answer is complete, forgets the thread's
 * slot. */
void md_repeat_end(md_repeat_t *r, unsigned thread, int answer_complete);

#endif
