/* repeat.c: per-thread memory of the decision of the answer in progress.
 */
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

static md_repeat_slot_t *slot_of(const md_repeat_t *r, unsigned thread)
{
	return thread < r->count ? &r->slots[thread] : NULL;
}

static int same_bytes(const uint8_t *a, size_t a_len, const uint8_t *b,
                      size_t b_len)
{
	return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

static int same_answer(const md_repeat_slot_t *s, const md_repeat_key_t *k)
{
	return s->stream == k->stream && s->qtype == k->qtype &&
	       s->msgid == k->msgid &&
	       same_bytes(s->conn, s->conn_len, k->conn, k->conn_len) &&
	       same_bytes(s->qname, s->qname_len, k->qname, k->qname_len) &&
	       same_bytes(s->leaf, s->leaf_len, k->leaf, k->leaf_len);
}

int md_repeat_find(const md_repeat_t *r, const md_repeat_key_t *key)
{
	const md_repeat_slot_t *s = slot_of(r, key->thread);
	if (s == NULL || !s->active || !same_answer(s, key)) {
		return -1;
	}
	return s->allow;
}

static int keep_leaf(md_repeat_slot_t *s, const md_repeat_key_t *key)
{
	s->leaf_len = 0;
	if (key->leaf == NULL || key->leaf_len == 0) {
		return 0;
	}
	if (key->leaf_len > s->leaf_cap) {
		uint8_t *grown = realloc(s->leaf, key->leaf_len);
		if (grown == NULL) {
			return -1;
		}
		s->leaf = grown;
		s->leaf_cap = key->leaf_len;
	}
	memcpy(s->leaf, key->leaf, key->leaf_len);
	s->leaf_len = key->leaf_len;
	return 0;
}

void md_repeat_store(md_repeat_t *r, const md_repeat_key_t *key, int allow)
{
	md_repeat_slot_t *s = slot_of(r, key->thread);
	if (s == NULL) {
		return;
	}
	s->active = 0;
	if (key->conn_len == 0 || key->conn_len > sizeof(s->conn) ||
	    key->qname_len > sizeof(s->qname) || keep_leaf(s, key) != 0) {
		return;
	}
	memcpy(s->conn, key->conn, key->conn_len);
	s->conn_len = key->conn_len;
	memcpy(s->qname, key->qname, key->qname_len);
	s->qname_len = key->qname_len;
	s->stream = key->stream;
	s->qtype = key->qtype;
	s->msgid = key->msgid;
	s->allow = allow;
	s->active = 1;
}

void md_repeat_end(md_repeat_t *r, unsigned thread, int answer_complete)
{
	md_repeat_slot_t *s = slot_of(r, thread);
	if (s != NULL && answer_complete) {
		s->active = 0;
	}
}
