/* digests.c: the presented credentials digested once per connection
 * (digests.h). */
#include "digests.h"

#include <stdlib.h>
#include <string.h>

int md_digests_init(md_digests_t *d, size_t threads)
{
	memset(d, 0, sizeof(*d));
	d->slots = calloc(threads > 0 ? threads : 1, sizeof(*d->slots));
	if (d->slots == NULL) {
		return -1;
	}
	d->count = threads;
	return 0;
}

static void slot_clear(md_digest_slot_t *s)
{
	dance_peer_free(s->peer);
	free(s->leaf);
	memset(s, 0, sizeof(*s));
}

void md_digests_free(md_digests_t *d)
{
	for (size_t i = 0; i < d->count; i++) {
		slot_clear(&d->slots[i]);
	}
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

static int same_peer(const md_digest_slot_t *s, const uint8_t *conn,
                     size_t conn_len, const dance_creds_t *creds)
{
	const gnutls_datum_t *leaf = &creds->certs[0];
	return s->peer != NULL && s->conn_len == conn_len &&
	       memcmp(s->conn, conn, conn_len) == 0 &&
	       s->cert_count == creds->count && s->leaf_len == leaf->size &&
	       memcmp(s->leaf, leaf->data, leaf->size) == 0;
}

const dance_peer_t *md_digests_get(md_digests_t *d, unsigned thread,
                                   const uint8_t *conn, size_t conn_len,
                                   const dance_creds_t *creds)
{
	if (thread >= d->count || conn_len == 0 ||
	    conn_len > sizeof(d->slots[0].conn) || creds == NULL ||
	    creds->count == 0 || creds->certs == NULL ||
	    creds->certs[0].size == 0) {
		return NULL;
	}
	md_digest_slot_t *s = &d->slots[thread];
	if (same_peer(s, conn, conn_len, creds)) {
		return s->peer;
	}
	slot_clear(s);
	const gnutls_datum_t *leaf = &creds->certs[0];
	s->leaf = malloc(leaf->size);
	if (s->leaf == NULL ||
	    dance_peer_new(creds, &s->peer, NULL) != DANCE_OK) {
		slot_clear(s);
		return NULL;
	}
	memcpy(s->leaf, leaf->data, leaf->size);
	s->leaf_len = leaf->size;
	s->cert_count = creds->count;
	memcpy(s->conn, conn, conn_len);
	s->conn_len = conn_len;
	d->built++;
	return s->peer;
}
