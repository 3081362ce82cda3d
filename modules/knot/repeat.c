/* repeat.c: per-thread memory of the decision of the query in progress. */
#include "repeat.h"

#include <stdlib.h>
#include <string.h>

int md_repeat_init(md_repeat_t *r, size_t threads)
{
	r->count = 0;
	r->slots = calloc(threads > 0 ? threads : 1, sizeof(*r->slots));
	if (r->slots == NULL) {
		return -1;
	}
	r->count = threads;
	return 0;
}

void md_repeat_free(md_repeat_t *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->slots[i].leaf);
	}
	free(r->slots);
	r->slots = NULL;
	r->count = 0;
}

static md_repeat_slot_t *slot_of(const md_repeat_t *r,
                                 const knotd_qdata_t *qdata)
{
	unsigned thread = qdata->params->thread_id;
	return thread < r->count ? &r->slots[thread] : NULL;
}

static const gnutls_datum_t *presented_leaf(const md_peer_t *peer)
{
	if (peer->creds.count == 0 || peer->creds.certs == NULL) {
		return NULL;
	}
	return &peer->creds.certs[0];
}

static uint16_t message_id(const knotd_qdata_t *qdata)
{
	return knot_wire_get_id(qdata->query->wire);
}

static int same_leaf(const md_repeat_slot_t *s, const md_peer_t *peer)
{
	const gnutls_datum_t *leaf = presented_leaf(peer);
	size_t len = leaf != NULL ? leaf->size : 0;
	return len == s->leaf_len &&
	       (len == 0 || memcmp(s->leaf, leaf->data, len) == 0);
}

int md_repeat_find(const md_repeat_t *r, const knotd_qdata_t *qdata,
                   const md_peer_t *peer)
{
	const md_repeat_slot_t *s = slot_of(r, qdata);
	if (s == NULL || !s->active || s->qdata != qdata ||
	    s->query != qdata->query || s->session != peer->session ||
	    s->msgid != message_id(qdata) || !same_leaf(s, peer)) {
		return -1;
	}
	return s->allow;
}

static int keep_leaf(md_repeat_slot_t *s, const md_peer_t *peer)
{
	const gnutls_datum_t *leaf = presented_leaf(peer);
	s->leaf_len = 0;
	if (leaf == NULL || leaf->size == 0) {
		return 0;
	}
	if (leaf->size > s->leaf_cap) {
		uint8_t *grown = realloc(s->leaf, leaf->size);
		if (grown == NULL) {
			return -1;
		}
		s->leaf = grown;
		s->leaf_cap = leaf->size;
	}
	memcpy(s->leaf, leaf->data, leaf->size);
	s->leaf_len = leaf->size;
	return 0;
}

void md_repeat_store(md_repeat_t *r, const knotd_qdata_t *qdata,
                     const md_peer_t *peer, int allow)
{
	md_repeat_slot_t *s = slot_of(r, qdata);
	if (s == NULL) {
		return;
	}
	s->active = 0;
	if (keep_leaf(s, peer) != 0) {
		return;
	}
	s->qdata = qdata;
	s->query = qdata->query;
	s->session = peer->session;
	s->msgid = message_id(qdata);
	s->allow = allow;
	s->active = 1;
}

static int answer_complete(knotd_state_t state)
{
	return state == KNOTD_STATE_NOOP || state == KNOTD_STATE_DONE ||
	       state == KNOTD_STATE_FAIL || state == KNOTD_STATE_FINAL;
}

void md_repeat_end(md_repeat_t *r, const knotd_qdata_t *qdata,
                   knotd_state_t state)
{
	md_repeat_slot_t *s = slot_of(r, qdata);
	if (s != NULL && s->active && s->qdata == qdata &&
	    answer_complete(state)) {
		s->active = 0;
	}
}
