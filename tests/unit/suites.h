/* suites.h: every CUnit suite of the unit runner registers through one of
 * these; test_main.c calls them all. */
#ifndef DANCE_TEST_SUITES_H
#define DANCE_TEST_SUITES_H

void register_decision_suite(void);
void register_tlsa_suite(void);
void register_tlsagen_suite(void);
void register_name_suite(void);
void register_match_suite(void);
void register_match_paths_suite(void);
void register_policy_suite(void);
void register_cache_suite(void);
void register_keyindex_suite(void);
void register_authz_suite(void);
void register_clientid_suite(void);
void register_repeat_suite(void);
void register_digests_suite(void);
void register_trust_anchor_suite(void);
void register_identity_suite(void);

#endif
