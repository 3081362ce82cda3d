/* keyindex.h (private): key discovery, from presented credentials to the
 * identities whose TLSA sets name them.
 *
 * For each identity the index holds the keys of its end-entity records
 * (usages DANE-EE and PKIX-EE, selectors Cert/SPKI, matching types Full,
 * SHA2-256, SHA2-512): the association data is the key, so a peer is
 * looked up by computing the six forms of its leaf (cert and SPKI, each
 * full, SHA-256 and SHA-512) and probing the table: O(1) in the number of
 * identities. Identities with trust-anchor records (DANE-TA, PKIX-TA) can
 * not be indexed by the leaf; they are listed apart and returned as
 * candidates to be tried by matching.
 *
 * Candidates are hints: the caller verifies each with dance_match against
 * the identity's current, secure TLSA answer. Thread-safe (rwlock).
 */
#ifndef DANCE_KEYINDEX_H
#define DANCE_KEYINDEX_H

#include "dance/error.h"
#include "dance/match.h"
#include "dance/name.h"
#include "dance/tlsa.h"

typedef struct dance_keyindex dance_keyindex_t;

dance_code_t dance_keyindex_new(dance_keyindex_t **out, dance_error_t *err);
void dance_keyindex_free(dance_keyindex_t *ki);

/* Replaces the keys of identity (normalised) by those of set, which must
 * come from a SECURE answer; a NULL or empty set removes the identity. */
dance_code_t dance_keyindex_update(dance_keyindex_t *ki, const char *identity,
                                   const dance_tlsa_set_t *set,
                                   dance_error_t *err);
void dance_keyindex_remove(dance_keyindex_t *ki, const char *identity);

/* Removes every identity for which keep(arg, identity) is false. */
void dance_keyindex_retain(dance_keyindex_t *ki,
                           int (*keep)(void *arg, const char *identity),
                           void *arg);

/* Candidate identities for creds: ee gets those whose end-entity records
 * name a form of the leaf, ta those with trust-anchor records (both lists
 * are appended to, without duplicates). EINVAL when the leaf does not
 * parse. */
dance_code_t dance_keyindex_candidates_peer(dance_keyindex_t *ki,
                                            const dance_peer_t *peer,
                                            dance_name_list_t *ee,
                                            dance_name_list_t *ta,
                                            dance_error_t *err);
/* The same from undigested credentials (EINVAL when they do not parse). */
dance_code_t dance_keyindex_candidates(dance_keyindex_t *ki,
                                       const dance_creds_t *creds,
                                       dance_name_list_t *ee,
                                       dance_name_list_t *ta,
                                       dance_error_t *err);

/* Number of identities indexed (with any records) and of keys. */
size_t dance_keyindex_identities(dance_keyindex_t *ki);
size_t dance_keyindex_keys(dance_keyindex_t *ki);

#endif
