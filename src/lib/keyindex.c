/* keyindex.c: digest -> identity index for key discovery (keyindex.h).
 *
 * One chained hash table of keys (selector, matching type, association
 * data); each key points at its identity, and each identity lists its keys
 * so that an update removes the old ones. Identities are a plain list:
 * updates are rare (a refresh), lookups go through the table. */
#include "keyindex.h"
#include "peer_digest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#define KI_MIN_BUCKETS 64
#define KI_FORMS       6 /* {cert, spki} x {full, sha256, sha512} */

typedef struct ki_ident ki_ident_t;

typedef struct ki_key {
	struct ki_key *chain;   /* next in the bucket */
	struct ki_key *sibling; /* next key of the same identity */
	ki_ident_t *ident;
	uint32_t hash;
	uint8_t selector;
	uint8_t mtype;
	size_t len;
	uint8_t data[];
} ki_key_t;

struct ki_ident {
	ki_ident_t *next;
	char *name;
	int has_ta;
	ki_key_t *keys;
};

struct dance_keyindex {
	pthread_rwlock_t lock;
	ki_key_t **buckets;
	size_t bucket_count; /* power of two */
	size_t key_count;
	ki_ident_t *idents;
	size_t ident_count;
	size_t ta_count;
};

/* One form of the presented leaf, as a TLSA record would carry it. */
typedef struct ki_form {
	uint8_t selector;
	uint8_t mtype;
	const uint8_t *data;
	size_t len;
} ki_form_t;

dance_code_t dance_keyindex_new(dance_keyindex_t **out, dance_error_t *err)
{
	dance_keyindex_t *ki = calloc(1, sizeof(*ki));
	if (ki != NULL) {
		ki->buckets = calloc(KI_MIN_BUCKETS, sizeof(*ki->buckets));
	}
	if (ki == NULL || ki->buckets == NULL) {
		free(ki);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	ki->bucket_count = KI_MIN_BUCKETS;
	pthread_rwlock_init(&ki->lock, NULL);
	*out = ki;
	return DANCE_OK;
}

/* At most this many octets of a key's data are hashed: its last ones. */
#define KI_HASH_TAIL 64

/* FNV-1a over the form, the length and the data's last KI_HASH_TAIL
 * octets. A full certificate (mtype 0) can be tens of KiB (thousands of
 * SAN names, WEAK-6) and is probed on every decision, so hashing all of
 * it would make each decision cost grow with the certificate. Its tail is
 * the signature (of a key: the key bits), which tells keys apart; equal
 * tails only make a bucket longer, and a hit is still compared in full. */
static uint32_t key_hash(uint8_t selector, uint8_t mtype, const uint8_t *data,
                         size_t len)
{
	uint32_t h = 2166136261u;
	h = (h ^ selector) * 16777619u;
	h = (h ^ mtype) * 16777619u;
	for (size_t shift = 0; shift < sizeof(len) * 8; shift += 8) {
		h = (h ^ (uint8_t)(len >> shift)) * 16777619u;
	}
	size_t from = len > KI_HASH_TAIL ? len - KI_HASH_TAIL : 0;
	for (size_t i = from; i < len; i++) {
		h = (h ^ data[i]) * 16777619u;
	}
	return h;
}

static void bucket_unlink(dance_keyindex_t *ki, ki_key_t *k)
{
	ki_key_t **link = &ki->buckets[k->hash & (ki->bucket_count - 1)];
	while (*link != NULL && *link != k) {
		link = &(*link)->chain;
	}
	if (*link == k) {
		*link = k->chain;
	}
}

static void ident_drop_keys(dance_keyindex_t *ki, ki_ident_t *id)
{
	ki_key_t *k = id->keys;
	while (k != NULL) {
		ki_key_t *next = k->sibling;
		bucket_unlink(ki, k);
		free(k);
		ki->key_count--;
		k = next;
	}
	id->keys = NULL;
	if (id->has_ta) {
		ki->ta_count--;
		id->has_ta = 0;
	}
}

/* Unlinks *link from the identity list and frees it with its keys. */
static void ident_drop(dance_keyindex_t *ki, ki_ident_t **link)
{
	ki_ident_t *id = *link;
	ident_drop_keys(ki, id);
	*link = id->next;
	free(id->name);
	free(id);
	ki->ident_count--;
}

void dance_keyindex_free(dance_keyindex_t *ki)
{
	if (ki == NULL) {
		return;
	}
	while (ki->idents != NULL) {
		ident_drop(ki, &ki->idents);
	}
	free(ki->buckets);
	pthread_rwlock_destroy(&ki->lock);
	free(ki);
}

static ki_ident_t **ident_link(dance_keyindex_t *ki, const char *name)
{
	ki_ident_t **link = &ki->idents;
	while (*link != NULL && strcmp((*link)->name, name) != 0) {
		link = &(*link)->next;
	}
	return link;
}

/* Doubles the table when keys outnumber buckets twice. Best effort: on
 * allocation failure the table stays as it is, only slower. */
static void maybe_grow(dance_keyindex_t *ki)
{
	if (ki->key_count <= 2 * ki->bucket_count) {
		return;
	}
	size_t count = ki->bucket_count * 2;
	ki_key_t **fresh = calloc(count, sizeof(*fresh));
	if (fresh == NULL) {
		return;
	}
	for (size_t i = 0; i < ki->bucket_count; i++) {
		ki_key_t *k = ki->buckets[i];
		while (k != NULL) {
			ki_key_t *next = k->chain;
			k->chain = fresh[k->hash & (count - 1)];
			fresh[k->hash & (count - 1)] = k;
			k = next;
		}
	}
	free(ki->buckets);
	ki->buckets = fresh;
	ki->bucket_count = count;
}

static int is_ee_usage(uint8_t usage)
{
	return usage == DANCE_USAGE_DANE_EE || usage == DANCE_USAGE_PKIX_EE;
}

static int is_ta_usage(uint8_t usage)
{
	return usage == DANCE_USAGE_DANE_TA || usage == DANCE_USAGE_PKIX_TA;
}

/* True for a record whose data can be compared with a form of the leaf. */
static int is_indexable(const dance_tlsa_t *rec)
{
	if (!is_ee_usage(rec->usage) || rec->data_len == 0 ||
	    (rec->selector != DANCE_SELECTOR_CERT &&
	     rec->selector != DANCE_SELECTOR_SPKI)) {
		return 0;
	}
	switch (rec->mtype) {
	case DANCE_MTYPE_FULL: return 1;
	case DANCE_MTYPE_SHA256: return rec->data_len == 32;
	case DANCE_MTYPE_SHA512: return rec->data_len == 64;
	}
	return 0;
}

static int ident_add_key(dance_keyindex_t *ki, ki_ident_t *id,
                         const dance_tlsa_t *rec)
{
	ki_key_t *k = malloc(sizeof(*k) + rec->data_len);
	if (k == NULL) {
		return -1;
	}
	k->ident = id;
	k->selector = rec->selector;
	k->mtype = rec->mtype;
	k->len = rec->data_len;
	memcpy(k->data, rec->data, rec->data_len);
	k->hash = key_hash(k->selector, k->mtype, k->data, k->len);
	k->sibling = id->keys;
	id->keys = k;
	size_t b = k->hash & (ki->bucket_count - 1);
	k->chain = ki->buckets[b];
	ki->buckets[b] = k;
	ki->key_count++;
	maybe_grow(ki);
	return 0;
}

static ki_ident_t *ident_new(dance_keyindex_t *ki, const char *name)
{
	ki_ident_t *id = calloc(1, sizeof(*id));
	if (id == NULL || (id->name = strdup(name)) == NULL) {
		free(id);
		return NULL;
	}
	id->next = ki->idents;
	ki->idents = id;
	ki->ident_count++;
	return id;
}

static int set_has_ta(const dance_tlsa_set_t *set)
{
	for (size_t i = 0; i < set->count; i++) {
		if (is_ta_usage(set->records[i].usage)) {
			return 1;
		}
	}
	return 0;
}

static int ident_fill(dance_keyindex_t *ki, ki_ident_t *id,
                      const dance_tlsa_set_t *set)
{
	for (size_t i = 0; i < set->count; i++) {
		if (is_indexable(&set->records[i]) &&
		    ident_add_key(ki, id, &set->records[i]) != 0) {
			return -1;
		}
	}
	if (set_has_ta(set)) {
		id->has_ta = 1;
		ki->ta_count++;
	}
	return 0;
}

static dance_code_t update_locked(dance_keyindex_t *ki, const char *identity,
                                  const dance_tlsa_set_t *set,
                                  dance_error_t *err)
{
	ki_ident_t **link = ident_link(ki, identity);
	if (set == NULL || set->count == 0) {
		if (*link != NULL) {
			ident_drop(ki, link);
		}
		return DANCE_OK;
	}
	ki_ident_t *id = *link != NULL ? *link : ident_new(ki, identity);
	if (id == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	ident_drop_keys(ki, id);
	if (ident_fill(ki, id, set) != 0) {
		ident_drop(ki, ident_link(ki, identity));
		return dance_error_set(err, DANCE_ENOMEM,
		                       "out of memory indexing %s", identity);
	}
	if (id->keys == NULL && !id->has_ta) {
		ident_drop(ki, ident_link(ki, identity));
	}
	return DANCE_OK;
}

dance_code_t dance_keyindex_update(dance_keyindex_t *ki, const char *identity,
                                   const dance_tlsa_set_t *set,
                                   dance_error_t *err)
{
	if (ki == NULL || identity == NULL) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "key index update without index or name");
	}
	pthread_rwlock_wrlock(&ki->lock);
	dance_code_t rc = update_locked(ki, identity, set, err);
	pthread_rwlock_unlock(&ki->lock);
	return rc;
}

void dance_keyindex_remove(dance_keyindex_t *ki, const char *identity)
{
	dance_keyindex_update(ki, identity, NULL, NULL);
}

void dance_keyindex_retain(dance_keyindex_t *ki,
                           int (*keep)(void *arg, const char *identity),
                           void *arg)
{
	if (ki == NULL) {
		return;
	}
	pthread_rwlock_wrlock(&ki->lock);
	ki_ident_t **link = &ki->idents;
	while (*link != NULL) {
		if (keep(arg, (*link)->name)) {
			link = &(*link)->next;
		} else {
			ident_drop(ki, link);
		}
	}
	pthread_rwlock_unlock(&ki->lock);
}

/* The six forms of the leaf (certificate and key, each in full and by
 * SHA-256 and SHA-512), read from the digested peer. */
typedef struct ki_probe {
	ki_form_t forms[KI_FORMS];
	size_t count;
} ki_probe_t;

static void probe_add(ki_probe_t *p, uint8_t selector, uint8_t mtype,
                      const uint8_t *data, size_t len)
{
	p->forms[p->count++] = (ki_form_t){selector, mtype, data, len};
}

static void probe_forms(ki_probe_t *p, uint8_t selector,
                        const gnutls_datum_t *der, const chain_digests_t *d)
{
	probe_add(p, selector, DANCE_MTYPE_FULL, der->data, der->size);
	probe_add(p, selector, DANCE_MTYPE_SHA256, d->sha256,
	          sizeof(d->sha256));
	probe_add(p, selector, DANCE_MTYPE_SHA512, d->sha512,
	          sizeof(d->sha512));
}

static void probe_init(ki_probe_t *p, const dance_peer_t *peer)
{
	memset(p, 0, sizeof(*p));
	if (peer->leaf_der != NULL) {
		probe_forms(p, DANCE_SELECTOR_CERT, peer->leaf_der,
		            peer->cert_digests);
	}
	probe_forms(p, DANCE_SELECTOR_SPKI, &peer->spki, &peer->spki_digests);
}

static int collect_form(const dance_keyindex_t *ki, const ki_form_t *f,
                        dance_name_list_t *ee)
{
	uint32_t hash = key_hash(f->selector, f->mtype, f->data, f->len);
	for (ki_key_t *k = ki->buckets[hash & (ki->bucket_count - 1)];
	     k != NULL; k = k->chain) {
		if (k->hash == hash && k->selector == f->selector &&
		    k->mtype == f->mtype && k->len == f->len &&
		    memcmp(k->data, f->data, f->len) == 0 &&
		    dance_name_list_add(ee, k->ident->name, NULL) != 0) {
			return -1;
		}
	}
	return 0;
}

static int collect_ta(const dance_keyindex_t *ki, dance_name_list_t *ta)
{
	if (ki->ta_count == 0) {
		return 0;
	}
	for (const ki_ident_t *id = ki->idents; id != NULL; id = id->next) {
		if (id->has_ta &&
		    dance_name_list_add(ta, id->name, NULL) != 0) {
			return -1;
		}
	}
	return 0;
}

dance_code_t dance_keyindex_candidates_peer(dance_keyindex_t *ki,
                                            const dance_peer_t *peer,
                                            dance_name_list_t *ee,
                                            dance_name_list_t *ta,
                                            dance_error_t *err)
{
	ki_probe_t probe;
	if (ki == NULL || peer == NULL || ee == NULL || ta == NULL) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "key index lookup without index, peer or "
		        "lists");
	}
	probe_init(&probe, peer);
	int failed = 0;
	pthread_rwlock_rdlock(&ki->lock);
	for (size_t i = 0; i < probe.count && !failed; i++) {
		failed = collect_form(ki, &probe.forms[i], ee);
	}
	if (!failed) {
		failed = collect_ta(ki, ta);
	}
	pthread_rwlock_unlock(&ki->lock);
	if (failed) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	return DANCE_OK;
}

dance_code_t dance_keyindex_candidates(dance_keyindex_t *ki,
                                       const dance_creds_t *creds,
                                       dance_name_list_t *ee,
                                       dance_name_list_t *ta,
                                       dance_error_t *err)
{
	dance_peer_t *peer = NULL;
	if (ki == NULL || ee == NULL || ta == NULL) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "key index lookup without index or lists");
	}
	dance_code_t rc = dance_peer_new(creds, &peer, err);
	if (rc == DANCE_OK) {
		rc = dance_keyindex_candidates_peer(ki, peer, ee, ta, err);
	}
	dance_peer_free(peer);
	return rc;
}

size_t dance_keyindex_identities(dance_keyindex_t *ki)
{
	pthread_rwlock_rdlock(&ki->lock);
	size_t n = ki->ident_count;
	pthread_rwlock_unlock(&ki->lock);
	return n;
}

size_t dance_keyindex_keys(dance_keyindex_t *ki)
{
	pthread_rwlock_rdlock(&ki->lock);
	size_t n = ki->key_count;
	pthread_rwlock_unlock(&ki->lock);
	return n;
}
