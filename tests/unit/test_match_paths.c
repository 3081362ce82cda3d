/* test_match_paths.c: the certification paths behind DANE-TA and the PKIX
 * usages, each case one that OpenSSL's DANE verification decides the
 * same way (issue 13): a DANE-TA below the top of the presented chain, a
 * PKIX-TA record only on the validated path, an anchor from the CA file,
 * a self-signed leaf as its own TA, and full-certificate records standing
 * in for intermediates the peer left out. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "dance/match.h"
#include "dance/tlsagen.h"
#include "fixtures.h"
#include "suites.h"

#define NAME "ns2.example.net"

/* root -> mid -> org (the organisation's CA) -> leaf; an unrelated root; a
 * second root ca2 -> leaf2; a self-signed leaf. */
typedef struct paths_pki {
	fx_key_t *root_key, *mid_key, *org_key, *leaf_key, *other_key, *ca2_key,
	        *self_key;
	fx_cert_t *root, *mid, *org, *leaf, *other_root, *ca2, *leaf2, *self;
	char *dir;
	char roots_file[512], ca2_file[512], self_file[512], other_file[512];
} paths_pki_t;

static paths_pki_t pk;

/* Writes the certificates' PEM, one after another, to path. */
static void write_pems(const char *path, const fx_cert_t *const *certs,
                       size_t n)
{
	char one[600];
	FILE *out = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (size_t i = 0; i < n; i++) {
		char buf[4096];
		size_t got;
		snprintf(one, sizeof(one), "%s.part", path);
		CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(certs[i], one), 0);
		FILE *in = fopen(one, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(in);
		while ((got = fread(buf, 1, sizeof(buf), in)) > 0) {
			fwrite(buf, 1, got, out);
		}
		fclose(in);
		remove(one);
	}
	fclose(out);
}

static void need_pki(void)
{
	if (pk.root != NULL) {
		return;
	}
	fx_cert_spec_t root = {.cn = "Root CA", .is_ca = 1};
	fx_cert_spec_t mid = {.cn = "Mid CA", .is_ca = 1};
	fx_cert_spec_t org = {.cn = "Org CA", .is_ca = 1};
	fx_cert_spec_t other = {.cn = "Issuer CA", .is_ca = 1};
	fx_cert_spec_t ca2 = {.cn = "CA2", .is_ca = 1};
	fx_cert_spec_t leaf = {.cn = "ns2", .san_dns = {NAME}};
	pk.root_key = fx_key_new(FX_ECDSA);
	pk.mid_key = fx_key_new(FX_RSA);
	pk.org_key = fx_key_new(FX_ED25519);
	pk.leaf_key = fx_key_new(FX_ECDSA);
	pk.other_key = fx_key_new(FX_ECDSA);
	pk.ca2_key = fx_key_new(FX_RSA);
	pk.self_key = fx_key_new(FX_ECDSA);
	pk.root = fx_cert_new(pk.root_key, &root, NULL, NULL);
	pk.mid = fx_cert_new(pk.mid_key, &mid, pk.root, pk.root_key);
	pk.org = fx_cert_new(pk.org_key, &org, pk.mid, pk.mid_key);
	pk.leaf = fx_cert_new(pk.leaf_key, &leaf, pk.org, pk.org_key);
	pk.other_root = fx_cert_new(pk.other_key, &other, NULL, NULL);
	pk.ca2 = fx_cert_new(pk.ca2_key, &ca2, NULL, NULL);
	pk.leaf2 = fx_cert_new(pk.leaf_key, &leaf, pk.ca2, pk.ca2_key);
	pk.self = fx_cert_new(pk.self_key, &leaf, NULL, NULL);
	pk.dir = fx_tmpdir();
	snprintf(pk.roots_file, sizeof(pk.roots_file), "%s/root.pem", pk.dir);
	snprintf(pk.ca2_file, sizeof(pk.ca2_file), "%s/ca2-other.pem", pk.dir);
	snprintf(pk.self_file, sizeof(pk.self_file), "%s/self.pem", pk.dir);
	snprintf(pk.other_file, sizeof(pk.other_file), "%s/other.pem", pk.dir);
	CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(pk.root, pk.roots_file), 0);
	CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(pk.self, pk.self_file), 0);
	CU_ASSERT_EQUAL_FATAL(fx_write_cert_pem(pk.other_root, pk.other_file),
	                      0);
	/* Both roots in one file. */
	const fx_cert_t *both[] = {pk.ca2, pk.other_root};
	write_pems(pk.ca2_file, both, 2);
}

static int free_pki(void)
{
	fx_cert_t *certs[] = {pk.root,       pk.mid, pk.org,   pk.leaf,
	                      pk.other_root, pk.ca2, pk.leaf2, pk.self};
	fx_key_t *keys[] = {pk.root_key,  pk.mid_key, pk.org_key, pk.leaf_key,
	                    pk.other_key, pk.ca2_key, pk.self_key};
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		fx_cert_free(certs[i]);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fx_key_free(keys[i]);
	}
	if (pk.dir != NULL) {
		fx_rmtree(pk.dir);
	}
	memset(&pk, 0, sizeof(pk));
	return 0;
}

/* One record made from a certificate. */
typedef struct rec {
	const fx_cert_t *cert;
	uint8_t u, s, m;
} rec_t;

#define MAX_CHAIN 5

/* Matches chain (leaf first, NULL-terminated, at most MAX_CHAIN) against
 * the records; ca_file may be NULL. */
static dance_match_outcome_t run(const rec_t *recs, size_t n,
                                 const fx_cert_t *const *chain,
                                 const char *ca_file, dance_match_result_t *res)
{
	gnutls_datum_t ders[MAX_CHAIN];
	size_t len = 0;
	dance_tlsa_set_t set;
	while (len < MAX_CHAIN && chain[len] != NULL) {
		ders[len] = chain[len]->der;
		len++;
	}
	dance_tlsa_set_init(&set);
	for (size_t i = 0; i < n; i++) {
		dance_tlsa_t t;
		CU_ASSERT_EQUAL_FATAL(dance_tlsa_from_cert(&recs[i].cert->der,
		                                           recs[i].u, recs[i].s,
		                                           recs[i].m, &t, NULL),
		                      DANCE_OK);
		CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &t, NULL), DANCE_OK);
		dance_tlsa_clear(&t);
	}
	dance_creds_t creds = {DANCE_CRED_X509, ders, len};
	dance_match_opts_t opts = {.name = NAME, .pkix_ca_file = ca_file};
	dance_match(&set, &creds, &opts, res);
	dance_tlsa_set_clear(&set);
	return res->outcome;
}

/* Issue 13 (1): the organisation CA as DANE-TA with its parent (and the
 * root) presented above it, in any order: trusted at depth 1. */
static void test_ta_below_top(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *full[] = {pk.leaf, pk.org, pk.mid, pk.root, NULL};
	const fx_cert_t *shuffled[] = {pk.leaf, pk.root, pk.mid, pk.org, NULL};
	const fx_cert_t *two[] = {pk.leaf, pk.org, pk.mid, NULL};
	for (uint8_t s = 0; s <= 1; s++) {
		for (uint8_t m = 0; m <= 2; m++) {
			rec_t r[] = {{pk.org, 2, s, m}};
			CU_ASSERT_EQUAL(run(r, 1, full, NULL, &res),
			                DANCE_MATCH_OK);
			CU_ASSERT_EQUAL(run(r, 1, shuffled, NULL, &res),
			                DANCE_MATCH_OK);
			CU_ASSERT_EQUAL(run(r, 1, two, NULL, &res),
			                DANCE_MATCH_OK);
		}
	}
	/* The root as TA still works through both CAs. */
	rec_t root[] = {{pk.root, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(root, 1, full, NULL, &res), DANCE_MATCH_OK);
}

/* Issue 13 (2): a PKIX-TA record of a certificate the peer appended but
 * that is not on the path validated to the CA file matches nothing. */
static void test_pkix_ta_off_path(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pk.leaf2, pk.ca2, pk.other_root, NULL};
	rec_t off[] = {{pk.other_root, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(off, 1, chain, pk.ca2_file, &res),
	                DANCE_MATCH_NONE);
	rec_t on[] = {{pk.ca2, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(on, 1, chain, pk.ca2_file, &res), DANCE_MATCH_OK);
}

/* Issue 13 (3): the PKIX-TA anchor comes from the CA file; the peer need
 * not send it (RFC 7671 5.4). */
static void test_pkix_ta_anchor_from_ca_file(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pk.leaf, pk.org, pk.mid, NULL};
	rec_t r[] = {{pk.root, 0, 1, 1}};
	CU_ASSERT_EQUAL(run(r, 1, chain, pk.roots_file, &res), DANCE_MATCH_OK);
	/* ... and the organisation CA presented on that path matches too. */
	rec_t org[] = {{pk.org, 0, 0, 2}};
	CU_ASSERT_EQUAL(run(org, 1, chain, pk.roots_file, &res),
	                DANCE_MATCH_OK);
}

/* Found by dane-diff: an expired (or not yet valid) intermediate named by
 * a DANE-TA record is still that trust anchor (OpenSSL checks a TA's dates
 * only on a self-issued top; RFC 5280 gives a trust anchor none); an
 * expired self-signed root as DANE-TA is refused. */
static void test_ta_dates_only_when_self_issued(void)
{
	need_pki();
	time_t now = time(NULL);
	fx_key_t *key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t old_ca = {.cn = "Old CA",
	                         .is_ca = 1,
	                         .not_before = now - 90 * 86400,
	                         .not_after = now - 30 * 86400};
	fx_cert_spec_t old_root = old_ca;
	old_root.cn = "Old Root";
	fx_cert_spec_t leaf = {.cn = "ns2", .san_dns = {NAME}};
	fx_cert_t *ca = fx_cert_new(key, &old_ca, pk.root, pk.root_key);
	fx_cert_t *leaf_ca = fx_cert_new(pk.leaf_key, &leaf, ca, key);
	fx_cert_t *root = fx_cert_new(key, &old_root, NULL, NULL);
	fx_cert_t *leaf_root = fx_cert_new(pk.leaf_key, &leaf, root, key);
	dance_match_result_t res;
	const fx_cert_t *below[] = {leaf_ca, ca, pk.root, NULL};
	rec_t ta[] = {{ca, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(ta, 1, below, NULL, &res), DANCE_MATCH_OK);
	const fx_cert_t *top[] = {leaf_root, root, NULL};
	rec_t rt[] = {{root, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(rt, 1, top, NULL, &res), DANCE_MATCH_TA_PATH);
	fx_cert_free(leaf_root);
	fx_cert_free(root);
	fx_cert_free(leaf_ca);
	fx_cert_free(ca);
	fx_key_free(key);
}

/* Found by dane-diff: a CA file intermediate is a step of the PKIX path,
 * not its anchor (OpenSSL without partial chains): with only Mid CA in the
 * file the chain is refused; with Mid CA and the root, the path runs
 * through the file's Mid CA to the root, and a PKIX-TA record of the root
 * matches. */
static void test_pkix_anchor_is_self_signed(void)
{
	need_pki();
	char mid_only[600], mid_root[600];
	snprintf(mid_only, sizeof(mid_only), "%s/mid.pem", pk.dir);
	snprintf(mid_root, sizeof(mid_root), "%s/mid-root.pem", pk.dir);
	const fx_cert_t *mid[] = {pk.mid};
	const fx_cert_t *both[] = {pk.mid, pk.root};
	write_pems(mid_only, mid, 1);
	write_pems(mid_root, both, 2);
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pk.leaf, pk.org, pk.mid, NULL};
	rec_t ee[] = {{pk.leaf, 1, 1, 1}};
	CU_ASSERT_EQUAL(run(ee, 1, chain, mid_only, &res), DANCE_MATCH_TA_PATH);
	CU_ASSERT_EQUAL(run(ee, 1, chain, mid_root, &res), DANCE_MATCH_OK);
	rec_t root[] = {{pk.root, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(root, 1, chain, mid_root, &res), DANCE_MATCH_OK);
}

/* Found by fuzzing dane-diff (case 8310): a root that permits only the
 * example.net subtree, an intermediate below it whose subject CN ("Sub
 * CA") is no DNS name, and a leaf inside the subtree. Name constraints
 * apply to the leaf's names (RFC 5280 4.2.1.10; GnuTLS and OpenSSL check
 * the whole path so), but the issuer search checked each link as if it
 * ended the path and refused the intermediate. Both DANE-TA and PKIX
 * accept; a leaf outside the subtree is still refused. */
static void test_name_constrained_root(void)
{
	need_pki();
	fx_key_t *nc_key = fx_key_new(FX_ECDSA), *sub_key = fx_key_new(FX_RSA),
	         *out_key = fx_key_new(FX_ECDSA);
	fx_cert_spec_t nc_spec = {
	        .cn = "NC Root", .is_ca = 1, .permitted_dns = "example.net"};
	fx_cert_spec_t sub_spec = {.cn = "Sub CA", .is_ca = 1};
	fx_cert_spec_t leaf_spec = {.cn = "ns2", .san_dns = {NAME}};
	fx_cert_spec_t out_spec = {.cn = "ns2",
	                           .san_dns = {NAME, "ns2.example.org"}};
	fx_cert_t *nc_root = fx_cert_new(nc_key, &nc_spec, NULL, NULL);
	fx_cert_t *sub = fx_cert_new(sub_key, &sub_spec, nc_root, nc_key);
	fx_cert_t *leaf = fx_cert_new(pk.leaf_key, &leaf_spec, sub, sub_key);
	fx_cert_t *out = fx_cert_new(out_key, &out_spec, sub, sub_key);
	char file[600];
	snprintf(file, sizeof(file), "%s/nc-root.pem", pk.dir);
	const fx_cert_t *anchor[] = {nc_root};
	write_pems(file, anchor, 1);
	dance_match_result_t res;
	const fx_cert_t *full[] = {leaf, sub, nc_root, NULL};
	const fx_cert_t *chain[] = {leaf, sub, NULL};
	const fx_cert_t *bad[] = {out, sub, nc_root, NULL};
	rec_t ta[] = {{nc_root, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(ta, 1, full, NULL, &res), DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(ta, 1, bad, NULL, &res), DANCE_MATCH_TA_PATH);
	/* The root's key as the issuer of the top (the root not sent). */
	rec_t ta_key[] = {{nc_root, 2, 1, 0}};
	CU_ASSERT_EQUAL(run(ta_key, 1, chain, NULL, &res), DANCE_MATCH_OK);
	/* The CA file's root above the presented intermediate. */
	rec_t ee[] = {{leaf, 1, 1, 1}};
	CU_ASSERT_EQUAL(run(ee, 1, chain, file, &res), DANCE_MATCH_OK);
	rec_t pkix_ta[] = {{nc_root, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(pkix_ta, 1, chain, file, &res), DANCE_MATCH_OK);
	const fx_cert_t *bad_chain[] = {out, sub, NULL};
	rec_t out_ee[] = {{out, 1, 1, 1}};
	CU_ASSERT_EQUAL(run(out_ee, 1, bad_chain, file, &res),
	                DANCE_MATCH_TA_PATH);
	fx_cert_free(out);
	fx_cert_free(leaf);
	fx_cert_free(sub);
	fx_cert_free(nc_root);
	fx_key_free(out_key);
	fx_key_free(sub_key);
	fx_key_free(nc_key);
}

/* Found by dane-diff: a DANE-TA record names a presented certificate,
 * which is then the trust anchor with its name constraints, whatever the
 * record's form: a root that excludes the client's name refuses the leaf
 * when named by its key (2 1 0), by a digest of its key (2 1 1) or of the
 * certificate (2 0 1), as OpenSSL does (dane-diff case 2287). Only when
 * the peer does not send it is a 2 1 0 key a bare anchor. */
static void test_presented_ta_constraints(void)
{
	need_pki();
	fx_key_t *root_key = fx_key_new(FX_ECDSA),
	         *sub_key = fx_key_new(FX_RSA);
	fx_cert_spec_t root_spec = {
	        .cn = "Excluding Root", .is_ca = 1, .excluded_dns = NAME};
	fx_cert_spec_t sub_spec = {.cn = "Sub CA", .is_ca = 1};
	fx_cert_spec_t leaf_spec = {.cn = "ns2", .san_dns = {NAME}};
	fx_cert_t *root = fx_cert_new(root_key, &root_spec, NULL, NULL);
	fx_cert_t *sub = fx_cert_new(sub_key, &sub_spec, root, root_key);
	fx_cert_t *leaf = fx_cert_new(pk.leaf_key, &leaf_spec, sub, sub_key);
	dance_match_result_t res;
	const fx_cert_t *chain[] = {leaf, sub, root, NULL};
	rec_t key[] = {{root, 2, 1, 0}};
	CU_ASSERT_EQUAL(run(key, 1, chain, NULL, &res), DANCE_MATCH_TA_PATH);
	const fx_cert_t *unsent[] = {leaf, sub, NULL};
	CU_ASSERT_EQUAL(run(key, 1, unsent, NULL, &res), DANCE_MATCH_OK);
	rec_t cert_digest[] = {{root, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(cert_digest, 1, chain, NULL, &res),
	                DANCE_MATCH_TA_PATH);
	rec_t key_digest[] = {{root, 2, 1, 1}};
	CU_ASSERT_EQUAL(run(key_digest, 1, chain, NULL, &res),
	                DANCE_MATCH_TA_PATH);
	fx_cert_free(leaf);
	fx_cert_free(sub);
	fx_cert_free(root);
	fx_key_free(sub_key);
	fx_key_free(root_key);
}

/* Issue 13 (4): a self-signed leaf is its own issuer, so DANE-TA digest
 * records and a PKIX-TA record (with the leaf in the CA file) match it. */
static void test_self_signed_leaf(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pk.self, NULL};
	rec_t ta[] = {{pk.self, 2, 0, 1}, {pk.self, 2, 1, 2}};
	CU_ASSERT_EQUAL(run(&ta[0], 1, chain, NULL, &res), DANCE_MATCH_OK);
	CU_ASSERT_EQUAL(run(&ta[1], 1, chain, NULL, &res), DANCE_MATCH_OK);
	rec_t pkix[] = {{pk.self, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(pkix, 1, chain, pk.self_file, &res),
	                DANCE_MATCH_OK);
	/* Not in the CA file: no PKIX path. */
	CU_ASSERT_EQUAL(run(pkix, 1, chain, pk.roots_file, &res),
	                DANCE_MATCH_TA_PATH);
}

/* Issue 13 (4): full-certificate records supply intermediates the peer
 * left out (RFC 7671 5.2.2 for 2 0 0; OpenSSL does it for 0 0 0 too). */
static void test_full_cert_records_as_intermediates(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *leaf_only[] = {pk.leaf, NULL};
	rec_t pkix[] = {
	        {pk.org, 0, 0, 0}, {pk.mid, 0, 0, 0}, {pk.root, 0, 0, 1}};
	CU_ASSERT_EQUAL(run(pkix, 3, leaf_only, pk.roots_file, &res),
	                DANCE_MATCH_OK);
	rec_t dane[] = {{pk.org, 2, 0, 0}};
	CU_ASSERT_EQUAL(run(dane, 1, leaf_only, NULL, &res), DANCE_MATCH_OK);
	/* A digest alone supplies nothing. */
	rec_t digest[] = {{pk.org, 2, 0, 1}};
	CU_ASSERT_EQUAL(run(digest, 1, leaf_only, NULL, &res),
	                DANCE_MATCH_NONE);
}

/* Issue 13 (4): a PKIX-EE record whose chain does not verify to the CA
 * file says so, not that a trust anchor matched. */
static void test_pkix_ee_failure_wording(void)
{
	need_pki();
	dance_match_result_t res;
	const fx_cert_t *chain[] = {pk.leaf, pk.org, pk.mid, NULL};
	rec_t ee[] = {{pk.leaf, 1, 1, 1}};
	CU_ASSERT_EQUAL(run(ee, 1, chain, pk.other_file, &res),
	                DANCE_MATCH_TA_PATH);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.detail, "matched the leaf"));
	CU_ASSERT_PTR_NULL(strstr(res.detail, "trust anchor"));
	CU_ASSERT_EQUAL(run(ee, 1, chain, pk.roots_file, &res), DANCE_MATCH_OK);
}

/* A peer digested once decides every record set like the raw
 * credentials do, and refuses what does not parse. */
static void test_digested_peer(void)
{
	need_pki();
	gnutls_datum_t ders[3] = {pk.leaf->der, pk.org->der, pk.mid->der};
	dance_creds_t creds = {DANCE_CRED_X509, ders, 3};
	dance_peer_t *peer = NULL;
	CU_ASSERT_EQUAL_FATAL(dance_peer_new(&creds, &peer, NULL), DANCE_OK);
	const fx_cert_t *certs[] = {pk.leaf, pk.org, pk.mid, pk.other_root};
	dance_match_opts_t opts = {.name = NAME, .pkix_ca_file = pk.roots_file};
	for (size_t c = 0; c < 4; c++) {
		for (uint8_t u = 0; u <= 3; u++) {
			dance_tlsa_set_t set;
			dance_tlsa_t t;
			dance_match_result_t a, b;
			dance_tlsa_set_init(&set);
			CU_ASSERT_EQUAL_FATAL(
			        dance_tlsa_from_cert(&certs[c]->der, u, 1, 1,
			                             &t, NULL),
			        DANCE_OK);
			CU_ASSERT_EQUAL(dance_tlsa_set_add(&set, &t, NULL),
			                DANCE_OK);
			dance_tlsa_clear(&t);
			dance_match(&set, &creds, &opts, &a);
			dance_match_peer(&set, peer, &opts, &b);
			CU_ASSERT_EQUAL(a.outcome, b.outcome);
			CU_ASSERT_EQUAL(a.index, b.index);
			CU_ASSERT_STRING_EQUAL(a.detail, b.detail);
			dance_tlsa_set_clear(&set);
		}
	}
	char hex[65];
	dance_peer_spki_sha256_hex(peer, hex);
	CU_ASSERT_EQUAL(strlen(hex), 64);
	dance_peer_free(peer);
	unsigned char junk[4] = {0x30, 0x02, 0x05, 0x00};
	gnutls_datum_t bad = {junk, sizeof(junk)};
	dance_creds_t broken = {DANCE_CRED_X509, &bad, 1};
	dance_creds_t none = {DANCE_CRED_X509, NULL, 0};
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_peer_new(&broken, &peer, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(peer);
	CU_ASSERT_EQUAL(dance_peer_new(&none, &peer, &err), DANCE_EINVAL);
}

void register_match_paths_suite(void)
{
	CU_pSuite s = CU_add_suite("match paths", NULL, free_pki);
	CU_add_test(s, "DANE-TA below the top of the presented chain",
	            test_ta_below_top);
	CU_add_test(s, "PKIX-TA off the validated path", test_pkix_ta_off_path);
	CU_add_test(s, "PKIX-TA anchor from the CA file",
	            test_pkix_ta_anchor_from_ca_file);
	CU_add_test(s, "self-signed leaf as its own TA", test_self_signed_leaf);
	CU_add_test(s, "full-certificate records as intermediates",
	            test_full_cert_records_as_intermediates);
	CU_add_test(s, "PKIX-EE path failure wording",
	            test_pkix_ee_failure_wording);
	CU_add_test(s, "DANE-TA dates only when self-issued",
	            test_ta_dates_only_when_self_issued);
	CU_add_test(s, "PKIX anchor is a self-signed CA file certificate",
	            test_pkix_anchor_is_self_signed);
	CU_add_test(s, "a name-constrained root above an intermediate",
	            test_name_constrained_root);
	CU_add_test(s, "a presented DANE-TA keeps its constraints",
	            test_presented_ta_constraints);
	CU_add_test(s, "a peer digested once", test_digested_peer);
}
