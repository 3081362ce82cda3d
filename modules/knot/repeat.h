/* repeat.h: one decision per transfer query, not per answer message.
 *
 * knotd runs a module's BEGIN step again for every message of a
 * multi-message AXFR/IXFR answer (process_query_out is called per
 * message; see nameserver/process_query.c). Each worker thread answers
 * one query at a time, so one slot per thread remembers the decision of
 * the query in progress: a BEGIN step that finds its own query (same
 * query data, packet, message ID, TLS session and the very same client
 * leaf certificate) reuses it; the END step of the last message frees the
 * slot. A query aborted mid-answer (peer gone) leaves a stale slot; the
 * key, and the byte comparison of the presented credentials, keep it from
 * ever deciding for another client.
 */
#ifndef MOD_DANCE_REPEAT_H
#define MOD_DANCE_REPEAT_H

#include <stddef.h>
#include <stdint.h>

#include <knot/module.h>

#include "peer.h"

typedef struct md_repeat_slot {
	int active;
	int allow;
	const void *qdata;
	const void *query;
	const void *session;
	uint16_t msgid;
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

/* The remembered decision of this very query: 1 allow, 0 deny; -1 when
 * this is the query's first message (or nothing is remembered). */
int md_repeat_find(const md_repeat_t *r, const knotd_qdata_t *qdata,
                   const md_peer_t *peer);

/* Remembers the decision of the query starting now (silently not, when
 * the thread has no slot or memory is short: the next message decides
 * again, which is slower but as correct). */
void md_repeat_store(md_repeat_t *r, const knotd_qdata_t *qdata,
                     const md_peer_t *peer, int allow);

/* Called from the END step: forgets the query once its answer is
 * complete (state other than "more messages to produce"). */
void md_repeat_end(md_repeat_t *r, const knotd_qdata_t *qdata,
                   knotd_state_t state);

#endif
