/* cache.c: TLSA answer cache (see cache.h): a chained hash table by owner
 * name plus a doubly linked LRU list, guarded by one mutex. Table slots
 * point at reference-counted entries; a replaced or evicted entry lives on
 * until its last reader releases it. */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_DEFAULT_MAX_TTL     3600
#define CACHE_DEFAULT_NEG_TTL     30
#define CACHE_DEFAULT_MAX_ENTRIES 10000
#define CACHE_MAX_BUCKETS         (1u << 20)

typedef struct cache_slot {
	struct cache_slot *chain; /* next in the hash bucket */
	struct cache_slot *newer; /* LRU neighbours */
	struct cache_slot *older;
	uint32_t hash;
	dance_cache_entry_t *entry; /* one reference */
} cache_slot_t;

struct dance_cache {
	pthread_mutex_t lock;
	dance_cache_config_t cfg;
	cache_slot_t **buckets;
	size_t bucket_mask;
	size_t count;
	cache_slot_t *newest;
	cache_slot_t *oldest;
};

int64_t dance_cache_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t owner_hash(const char *owner)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)owner; *p; p++) {
		h = (h ^ *p) * 16777619u;
	}
	return h;
}

static size_t bucket_count_for(size_t max_entries)
{
	size_t n = 16;
	while (n < max_entries && n < CACHE_MAX_BUCKETS) {
		n <<= 1;
	}
	return n;
}

dance_code_t dance_cache_new(const dance_cache_config_t *cfg,
                             dance_cache_t **out, dance_error_t *err)
{
	dance_cache_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	if (cfg != NULL) {
		c->cfg = *cfg;
	}
	if (c->cfg.max_ttl == 0) {
		c->cfg.max_ttl = CACHE_DEFAULT_MAX_TTL;
	}
	if (c->cfg.neg_ttl == 0) {
		c->cfg.neg_ttl = CACHE_DEFAULT_NEG_TTL;
	}
	if (c->cfg.max_entries == 0) {
		c->cfg.max_entries = CACHE_DEFAULT_MAX_ENTRIES;
	}
	size_t buckets = bucket_count_for(c->cfg.max_entries);
	c->buckets = calloc(buckets, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		free(c);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	c->bucket_mask = buckets - 1;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return DANCE_OK;
}

static void entry_free(dance_cache_entry_t *e)
{
	dance_tlsa_answer_clear(&e->answer);
	free(e->owner);
	free(e);
}

/* Drops one reference; the caller holds the lock. */
static void entry_unref_locked(dance_cache_entry_t *e)
{
	if (--e->refs == 0) {
		entry_free(e);
	}
}

static void lru_unlink(dance_cache_t *c, cache_slot_t *s)
{
	if (s->newer != NULL) {
		s->newer->older = s->older;
	} else {
		c->newest = s->older;
	}
	if (s->older != NULL) {
		s->older->newer = s->newer;
	} else {
		c->oldest = s->newer;
	}
	s->newer = s->older = NULL;
}

static void lru_push_newest(dance_cache_t *c, cache_slot_t *s)
{
	s->older = c->newest;
	s->newer = NULL;
	if (c->newest != NULL) {
		c->newest->newer = s;
	}
	c->newest = s;
	if (c->oldest == NULL) {
		c->oldest = s;
	}
}

static cache_slot_t **find_link(dance_cache_t *c, const char *owner,
                                uint32_t hash)
{
	cache_slot_t **link = &c->buckets[hash & c->bucket_mask];
	while (*link != NULL) {
		if ((*link)->hash == hash &&
		    strcmp((*link)->entry->owner, owner) == 0) {
			return link;
		}
		link = &(*link)->chain;
	}
	return link;
}

/* Unlinks the slot at *link from table and LRU and frees it. */
static void slot_drop(dance_cache_t *c, cache_slot_t **link)
{
	cache_slot_t *s = *link;
	*link = s->chain;
	lru_unlink(c, s);
	entry_unref_locked(s->entry);
	free(s);
	c->count--;
}

static void evict_oldest(dance_cache_t *c)
{
	cache_slot_t *s = c->oldest;
	slot_drop(c, find_link(c, s->entry->owner, s->hash));
}

void dance_cache_free(dance_cache_t *c)
{
	if (c == NULL) {
		return;
	}
	while (c->oldest != NULL) {
		evict_oldest(c);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int64_t dance_cache_lifetime_ms(const dance_cache_t *c,
                                const dance_tlsa_answer_t *answer,
                                int64_t now_ms)
{
	int64_t neg = (int64_t)c->cfg.neg_ttl * 1000;
	int64_t ttl = (int64_t)answer->ttl * 1000;
	int64_t life;
	switch (answer->state) {
	case DANCE_DNS_SECURE:
		life = min64(ttl, (int64_t)c->cfg.max_ttl * 1000);
		if (answer->rrsig_expiry != 0) {
			life = min64(life,
			             (int64_t)answer->rrsig_expiry * 1000 -
			                     now_ms);
		}
		break;
	case DANCE_DNS_NXDOMAIN:
	case DANCE_DNS_NODATA:
	case DANCE_DNS_INSECURE:
		life = answer->ttl == 0 ? neg : min64(ttl, neg);
		break;
	default: life = neg; break;
	}
	return life > 0 ? life : 0;
}

static int is_transient(dance_dns_state_t state)
{
	return state == DANCE_DNS_SERVFAIL || state == DANCE_DNS_TIMEOUT;
}

static void fill_info(dance_cache_info_t *info, const cache_slot_t *s,
                      int replaced)
{
	if (info == NULL) {
		return;
	}
	memset(info, 0, sizeof(*info));
	info->replaced = replaced;
	if (s != NULL) {
		info->present = 1;
		info->state = s->entry->answer.state;
		info->lifetime_ms = s->entry->expires_ms - s->entry->stored_ms;
		info->expires_ms = s->entry->expires_ms;
	}
}

static dance_cache_entry_t *entry_new(const char *owner,
                                      const dance_tlsa_answer_t *answer,
                                      int64_t now_ms, int64_t life_ms,
                                      dance_error_t *err)
{
	dance_cache_entry_t *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		dance_error_set(err, DANCE_ENOMEM, "out of memory");
		return NULL;
	}
	dance_tlsa_answer_init(&e->answer);
	e->owner = strdup(owner);
	if (e->owner == NULL ||
	    dance_tlsa_answer_copy(&e->answer, answer, err) != DANCE_OK) {
		if (e->owner == NULL) {
			dance_error_set(err, DANCE_ENOMEM, "out of memory");
		}
		entry_free(e);
		return NULL;
	}
	e->stored_ms = now_ms;
	e->expires_ms = now_ms + life_ms;
	e->refs = 1;
	return e;
}

/* Puts entry e (its reference passes to the table) in place of *link. */
static cache_slot_t *slot_place(dance_cache_t *c, cache_slot_t **link,
                                dance_cache_entry_t *e, uint32_t hash,
                                dance_error_t *err)
{
	cache_slot_t *s = *link;
	if (s != NULL) {
		entry_unref_locked(s->entry);
		s->entry = e;
		lru_unlink(c, s);
		lru_push_newest(c, s);
		return s;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		entry_unref_locked(e);
		dance_error_set(err, DANCE_ENOMEM, "out of memory");
		return NULL;
	}
	s->hash = hash;
	s->entry = e;
	*link = s;
	lru_push_newest(c, s);
	c->count++;
	if (c->count > c->cfg.max_entries) {
		evict_oldest(c);
	}
	return s;
}

static int keeps_old_entry(const cache_slot_t *old,
                           const dance_tlsa_answer_t *answer, int64_t now_ms)
{
	return old != NULL && is_transient(answer->state) &&
	       old->entry->answer.state == DANCE_DNS_SECURE &&
	       old->entry->expires_ms > now_ms;
}

dance_code_t dance_cache_put(dance_cache_t *c, const char *owner,
                             const dance_tlsa_answer_t *answer, int64_t now_ms,
                             dance_cache_info_t *info, dance_error_t *err)
{
	if (c == NULL || owner == NULL || answer == NULL) {
		fill_info(info, NULL, 0);
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "cache put without cache, owner or answer");
	}
	uint32_t hash = owner_hash(owner);
	int64_t life = dance_cache_lifetime_ms(c, answer, now_ms);
	dance_code_t rc = DANCE_OK;
	pthread_mutex_lock(&c->lock);
	cache_slot_t **link = find_link(c, owner, hash);
	if (keeps_old_entry(*link, answer, now_ms)) {
		fill_info(info, *link, 0);
	} else if (life == 0) {
		if (*link != NULL) {
			slot_drop(c, link);
		}
		fill_info(info, NULL, 0);
	} else {
		dance_cache_entry_t *e =
		        entry_new(owner, answer, now_ms, life, err);
		cache_slot_t *s =
		        e != NULL ? slot_place(c, link, e, hash, err) : NULL;
		rc = s != NULL ? DANCE_OK : DANCE_ENOMEM;
		fill_info(info, s, s != NULL);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

dance_cache_entry_t *dance_cache_get(dance_cache_t *c, const char *owner,
                                     int64_t now_ms)
{
	if (c == NULL || owner == NULL) {
		return NULL;
	}
	uint32_t hash = owner_hash(owner);
	dance_cache_entry_t *e = NULL;
	pthread_mutex_lock(&c->lock);
	cache_slot_t **link = find_link(c, owner, hash);
	cache_slot_t *s = *link;
	if (s != NULL && s->entry->expires_ms <= now_ms) {
		slot_drop(c, link);
	} else if (s != NULL) {
		lru_unlink(c, s);
		lru_push_newest(c, s);
		e = s->entry;
		e->refs++;
	}
	pthread_mutex_unlock(&c->lock);
	return e;
}

void dance_cache_entry_release(dance_cache_t *c, dance_cache_entry_t *e)
{
	if (c == NULL || e == NULL) {
		return;
	}
	pthread_mutex_lock(&c->lock);
	entry_unref_locked(e);
	pthread_mutex_unlock(&c->lock);
}

void dance_cache_remove(dance_cache_t *c, const char *owner)
{
	if (c == NULL || owner == NULL) {
		return;
	}
	uint32_t hash = owner_hash(owner);
	pthread_mutex_lock(&c->lock);
	cache_slot_t **link = find_link(c, owner, hash);
	if (*link != NULL) {
		slot_drop(c, link);
	}
	pthread_mutex_unlock(&c->lock);
}

size_t dance_cache_count(dance_cache_t *c)
{
	if (c == NULL) {
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	size_t n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}
