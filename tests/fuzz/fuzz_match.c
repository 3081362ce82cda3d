/* fuzz_match.c: matching arbitrary DER against TLSA sets (dance_match),
 * key discovery (the key index) and the certificate readers.
 *
 * Input: see fuzz_chunks.h. Flags: bit 0 raw public key creds; bit 1
 * client name "client.example"; bit 3 the client name is the input's text
 * chunk (else bit 1 decides, else none); bit 2 the PKIX CA file
 * data/ca.pem.
 * Properties: dance_match never fails and reports an outcome in range;
 * an OK outcome names a usable record (for a raw key only 3 1 x), and a
 * trust-anchor or PKIX match needs a client name; a DANE-EE match of a
 * certificate is found by the key index too (key discovery must not miss
 * what matching accepts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "dance/match.h"
#include "dance/name.h"
#include "dance/tlsa.h"
#include "fuzz_chunks.h"
#include "fuzz_common.h"
#include "keyindex.h"

#ifndef FUZZ_DATA_DIR
#error "FUZZ_DATA_DIR must name tests/fuzz/data"
#endif

#define CLIENT_NAME "client.example"
/* 2027-01-15: inside the validity of the seed certificates. */
#define FUZZ_NOW ((time_t)1800000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const input_t *in, const dance_creds_t *creds,
                         const dance_match_opts_t *opts,
                         const dance_match_result_t *m)
{
	FUZZ_CHECK(m->outcome >= DANCE_MATCH_OK &&
	                   m->outcome <= DANCE_MATCH_TA_NAME,
	           "outcome %d", (int)m->outcome);
	FUZZ_CHECK(strcmp(dance_match_outcome_name(m->outcome), "invalid") != 0,
	           "unnamed outcome");
	FUZZ_CHECK(memchr(m->detail, '\0', sizeof(m->detail)) != NULL &&
	                   m->detail[0] != '\0',
	           "no detail");
	if (m->outcome != DANCE_MATCH_OK) {
		FUZZ_CHECK(m->index == -1, "index %d without a match",
		           m->index);
		return;
	}
	FUZZ_CHECK(m->index >= 0 && (size_t)m->index < in->set.count,
	           "index %d of %zu", m->index, in->set.count);
	const dance_tlsa_t *r = &in->set.records[m->index];
	FUZZ_CHECK(dance_tlsa_usable(r, creds->type, opts),
	           "matched an unusable record %u %u %u", r->usage, r->selector,
	           r->mtype);
	if (creds->type == DANCE_CRED_RAWPK) {
		FUZZ_CHECK(r->usage == DANCE_USAGE_DANE_EE &&
		                   r->selector == DANCE_SELECTOR_SPKI,
		           "raw key matched %u %u %u", r->usage, r->selector,
		           r->mtype);
	}
	if (r->usage == DANCE_USAGE_DANE_TA || r->usage <= 1) {
		FUZZ_CHECK(opts->name != NULL,
		           "TA/PKIX match without a client name");
	}
}

/* Key discovery must propose the identity whose DANE-EE record matched. */
static void check_keyindex(const input_t *in, const dance_creds_t *creds,
                           const dance_match_result_t *m)
{
	dance_keyindex_t *ki = NULL;
	dance_name_list_t ee = {NULL, 0}, ta = {NULL, 0};
	if (dance_keyindex_new(&ki, NULL) != DANCE_OK) {
		return;
	}
	if (dance_keyindex_update(ki, CLIENT_NAME, &in->set, NULL) ==
	    DANCE_OK) {
		dance_code_t rc =
		        dance_keyindex_candidates(ki, creds, &ee, &ta, NULL);
		if (m->outcome == DANCE_MATCH_OK &&
		    in->set.records[m->index].usage == DANCE_USAGE_DANE_EE) {
			FUZZ_CHECK(rc == DANCE_OK && dance_name_list_contains(
			                                     &ee, CLIENT_NAME),
			           "DANE-EE match (record %d) not found by the "
			           "key index (rc %d)",
			           m->index, (int)rc);
		}
		if (m->outcome == DANCE_MATCH_BAD_CREDS &&
		    creds->type == DANCE_CRED_X509) {
			FUZZ_CHECK(rc != DANCE_OK,
			           "index accepts creds matching refused");
		}
	}
	dance_name_list_clear(&ee);
	dance_name_list_clear(&ta);
	dance_keyindex_free(ki);
}

static void read_blobs(const input_t *in, const dance_creds_t *creds)
{
	char hex[65];
	if (dance_creds_spki_sha256_hex(creds, hex, NULL) == DANCE_OK) {
		FUZZ_CHECK(strlen(hex) == 64, "hex of %zu chars", strlen(hex));
	}
	for (size_t i = 0; i < in->blob_count; i++) {
		dance_name_list_t names;
		gnutls_datum_t spki = {NULL, 0};
		if (dance_cert_dnsnames(&in->blobs[i], &names, NULL) ==
		    DANCE_OK) {
			for (size_t k = 0; k < names.count; k++) {
				char norm[DANCE_NAME_MAX];
				FUZZ_CHECK(dance_name_normalize(names.names[k],
				                                norm, NULL) ==
				                   DANCE_OK,
				           "SAN name not normal");
			}
			dance_name_list_clear(&names);
		}
		if (dance_cert_spki(&in->blobs[i], &spki, NULL) == DANCE_OK) {
			gnutls_free(spki.data);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in;
	read_input(&in, data, size, 1);
	dance_creds_t creds = {
	        .type = (in.flags & 1) ? DANCE_CRED_RAWPK : DANCE_CRED_X509,
	        .certs = in.blobs,
	        .count = in.blob_count,
	};
	dance_match_opts_t opts = {
	        .name = (in.flags & 8)   ? in.text
	                : (in.flags & 2) ? CLIENT_NAME
	                                 : NULL,
	        .pkix_ca_file = (in.flags & 4) ? FUZZ_DATA_DIR "/ca.pem" : NULL,
	        .now = FUZZ_NOW,
	};
	dance_match_result_t m;
	dance_match(&in.set, &creds, &opts, &m);
	if (getenv("FUZZ_VERBOSE") != NULL) {
		fprintf(stderr, "match: %s (record %d, %zu usable): %s\n",
		        dance_match_outcome_name(m.outcome), m.index, m.usable,
		        m.detail);
	}
	check_result(&in, &creds, &opts, &m);
	if (in.blob_count > 0) {
		check_keyindex(&in, &creds, &m);
		read_blobs(&in, &creds);
	}
	input_clear(&in);
	return 0;
}
