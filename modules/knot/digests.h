/* digests.h: the presented credentials digested once per connection.
 *
 * knotd asks the module once per query and hands it the GnuTLS session's
 * certificates as DER; digesting them (parsing the chain, hashing the
 * leaf and its key, reading the SAN names) is most of a decision's cost
 * and grows with the certificate (a 2,000-SAN leaf takes milliseconds to
 * parse, WEAK-6). One slot per knotd worker thread keeps the last
 * connection's digested peer, keyed by the connection marker (peer.h: the
 * handshake's randoms, which no other connection reproduces) and the
 * presented leaf, so every later query on that connection reuses it. A
 * worker answers one query at a time, so its slot needs no lock.
 */
#ifndef MOD_DANCE_DIGESTS_H
#define MOD_DANCE_DIGESTS_H

#include <stddef.h>
#include <stdint.h>

#include <dance/match.h>

#include "repeat.h"

typedef struct md_digest_slot {
	uint8_t conn[MD_REPEAT_CONN_MAX];
	size_t conn_len; /* 0: empty */
	size_t cert_count;
	uint8_t *leaf; /* copy of the leaf DER it was built from */
	size_t leaf_len;
	dance_peer_t *peer;
} md_digest_slot_t;

typedef struct md_digests {
	md_digest_slot_t *slots; /* one per knotd worker thread */
	size_t count;
	uint64_t built; /* peers digested (for tests and stats) */
} md_digests_t;

/* 0, or -1 when out of memory. */
int md_digests_init(md_digests_t *d, size_t threads);
void md_digests_free(md_digests_t *d);

/* The digested peer of creds on this connection of this thread: the one
 * kept when conn and the leaf are the same, else a new one (the old one is
 * freed). NULL when there is nothing to digest, no connection marker, the
 * thread has no slot or digesting fails; the decision then digests the
 * credentials itself (and says why they do not parse). Valid until the
 * thread's next call. */
const dance_peer_t *md_digests_get(md_digests_t *d, unsigned thread,
                                   const uint8_t *conn, size_t conn_len,
                                   const dance_creds_t *creds);

#endif
