/* fuzz_chunks.h: TLSA records and DER blobs cut from a fuzz input, shared
 * by fuzz_match and fuzz_authz.
 *
 * Input: one flags byte (the target's), then chunks "kind(1) length(2,
 * big-endian) bytes":
 *   kind % 4 == 0: TLSA RDATA in wire form (up to 8 records in all);
 *   kind % 4 == 1: a DER blob, a presented certificate (leaf first) or,
 *     for raw public key creds, the SubjectPublicKeyInfo (up to 6 blobs);
 *   kind % 4 == 2: a TLSA record derived from a blob, so that matching
 *     records are reachable: bytes usage, selector, matching type and
 *     blob index; the association data is computed from that blob as the
 *     selector and matching type say (the object itself, or the SPKI of
 *     a certificate; in full, SHA2-256 or SHA2-512);
 *   kind % 4 == 3: a text (a name), the last one counts.
 */
#ifndef DANCE_FUZZ_CHUNKS_H
#define DANCE_FUZZ_CHUNKS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "dance/match.h"
#include "dance/tlsa.h"
#include "fuzz_common.h"

#define MAX_RECORDS 8
#define MAX_BLOBS   6

typedef struct derived {
	uint8_t usage, selector, mtype, blob;
} derived_t;

typedef struct input {
	uint8_t flags;
	int raw_keys; /* blobs are SPKIs (set by the caller before reading) */
	gnutls_datum_t blobs[MAX_BLOBS];
	size_t blob_count;
	dance_tlsa_set_t set;
	derived_t derived[MAX_RECORDS];
	size_t derived_count;
	char *text; /* owned, NUL-terminated, or NULL */
} input_t;

static void add_wire_record(input_t *in, const uint8_t *p, size_t len)
{
	dance_tlsa_t t;
	if (in->set.count + in->derived_count >= MAX_RECORDS ||
	    dance_tlsa_from_wire(&t, p, len, NULL) != DANCE_OK) {
		return;
	}
	dance_tlsa_set_add(&in->set, &t, NULL);
	dance_tlsa_clear(&t);
}

/* The association data a derived record asks for, into *obj (gnutls_free
 * when *owned). 0 when the blob can not give it. */
static int derived_object(const input_t *in, const derived_t *d,
                          gnutls_datum_t *obj, int *owned)
{
	const gnutls_datum_t *blob = &in->blobs[d->blob % in->blob_count];
	*owned = 0;
	if (d->selector == DANCE_SELECTOR_SPKI && !in->raw_keys) {
		if (dance_cert_spki(blob, obj, NULL) != DANCE_OK) {
			return 0;
		}
		*owned = 1;
		return 1;
	}
	*obj = *blob;
	return 1;
}

static void add_derived_record(input_t *in, const derived_t *d)
{
	gnutls_datum_t obj;
	int owned = 0;
	unsigned char digest[64];
	const uint8_t *assoc = NULL;
	size_t len = 0;
	if (in->blob_count == 0 || !derived_object(in, d, &obj, &owned)) {
		return;
	}
	if (d->mtype == DANCE_MTYPE_SHA256 || d->mtype == DANCE_MTYPE_SHA512) {
		gnutls_digest_algorithm_t alg = d->mtype == DANCE_MTYPE_SHA256
		                                        ? GNUTLS_DIG_SHA256
		                                        : GNUTLS_DIG_SHA512;
		if (gnutls_hash_fast(alg, obj.data, obj.size, digest) == 0) {
			assoc = digest;
			len = gnutls_hash_get_len(alg);
		}
	} else {
		assoc = obj.data;
		len = obj.size;
	}
	if (assoc != NULL && len > 0 && len <= UINT16_MAX - 3) {
		uint8_t *rdata = malloc(3 + len);
		if (rdata != NULL) {
			rdata[0] = d->usage;
			rdata[1] = d->selector;
			rdata[2] = d->mtype;
			memcpy(rdata + 3, assoc, len);
			add_wire_record(in, rdata, 3 + len);
			free(rdata);
		}
	}
	if (owned) {
		gnutls_free(obj.data);
	}
}

/* Reads data into in; raw_keys_flag is the flags bit that makes the
 * blobs raw public keys. Free with input_clear. */
static void read_input(input_t *in, const uint8_t *data, size_t size,
                       uint8_t raw_keys_flag)
{
	fuzz_reader_t r;
	memset(in, 0, sizeof(*in));
	dance_tlsa_set_init(&in->set);
	fuzz_reader_init(&r, data, size);
	in->flags = fuzz_u8(&r);
	in->raw_keys = (in->flags & raw_keys_flag) != 0;
	while (fuzz_left(&r) >= 3) {
		uint8_t kind = fuzz_u8(&r);
		size_t len = 0;
		const uint8_t *p = fuzz_bytes(&r, fuzz_u16(&r), &len);
		switch (kind % 4) {
		case 0: add_wire_record(in, p, len); break;
		case 2:
			if (len >= 4 && in->derived_count < MAX_RECORDS) {
				derived_t *d =
				        &in->derived[in->derived_count++];
				d->usage = p[0];
				d->selector = p[1];
				d->mtype = p[2];
				d->blob = p[3];
			}
			break;
		case 3:
			free(in->text);
			in->text = fuzz_strndup(p, len);
			break;
		default:
			if (in->blob_count < MAX_BLOBS) {
				in->blobs[in->blob_count].data =
				        (unsigned char *)p;
				in->blobs[in->blob_count].size = (unsigned)len;
				in->blob_count++;
			}
			break;
		}
	}
	for (size_t i = 0; i < in->derived_count; i++) {
		add_derived_record(in, &in->derived[i]);
	}
}

static void input_clear(input_t *in)
{
	dance_tlsa_set_clear(&in->set);
	free(in->text);
	in->text = NULL;
}

#endif
