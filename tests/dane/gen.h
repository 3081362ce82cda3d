/* gen.h: deterministic DANE test cases (chains and TLSA sets).
 *
 * A case is drawn in two steps: dane_params_draw() picks the shape from a
 * choice stream (rng.h), dane_case_build() makes the certificates (GnuTLS,
 * keys from keypool.h) and the records from that shape. Hand-written
 * shapes (sanity.c) skip the first step.
 *
 * Certificates of a case, by slot: the chain from the leaf (slot 0, depth
 * 0) to the root (slot depth-1; with depth 1 the leaf is self-signed), then
 * an unrelated hierarchy: X root, X CA (issued by X root; optionally with
 * the same subject name as the leaf's issuer, a "twin") and X leaf (issued
 * by X CA). The presented list starts with the leaf; intermediates, the
 * root and unrelated certificates follow as the shape says.
 */
#ifndef DANE_GEN_H
#define DANE_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "keypool.h"
#include "rng.h"

#define DANE_MAX_DEPTH     4
#define DANE_SLOT_XROOT    DANE_MAX_DEPTH
#define DANE_SLOT_XCA      (DANE_MAX_DEPTH + 1)
#define DANE_SLOT_XLEAF    (DANE_MAX_DEPTH + 2)
#define DANE_SLOTS         (DANE_MAX_DEPTH + 3)
#define DANE_MAX_PRESENTED (DANE_SLOTS + 1)
#define DANE_MAX_RECORDS   10
#define DANE_MAX_CAFILE    4
#define DANE_RECORD_MAX    2048 /* record data bytes (a full certificate) */

/* The client name the cases are about (case form: with trailing dot). */
#define DANE_CLIENT_NAME "ns2.zone.example."

/* Fixed verification time: 2027-01-15T08:00:00Z. */
#define DANE_NOW ((time_t)1800000000)

typedef enum dane_validity {
	DANE_VALID = 0,
	DANE_EXPIRED,
	DANE_NOT_YET_VALID,
} dane_validity_t;

/* Names in the leaf. */
typedef enum dane_leafname {
	DANE_NAME_SAN = 0,   /* SAN dNSName = client name, CN = client name */
	DANE_NAME_SAN_TWO,   /* SAN other.example and the client name */
	DANE_NAME_SAN_OTHER, /* SAN other.example only, CN = client name */
	DANE_NAME_CN_ONLY,   /* no SAN, CN = client name */
	DANE_NAME_CN_OTHER,  /* no SAN, CN = other.example */
	DANE_NAME_SAN_WILD,  /* SAN *.zone.example, CN = client name */
	DANE_NAME_COUNT
} dane_leafname_t;

/* A name constraint on one CA of the chain. */
typedef enum dane_nc {
	DANE_NC_NONE = 0,
	DANE_NC_PERMIT_OK,   /* permitted example: the leaf is inside */
	DANE_NC_PERMIT_FAIL, /* permitted other.test: the leaf is outside */
	DANE_NC_EXCLUDE_HIT, /* excluded ns2.zone.example: the leaf is excluded
	                      */
	DANE_NC_EXCLUDE_OK,  /* excluded other.test: does not apply */
	DANE_NC_COUNT
} dane_nc_t;

/* What a record's data is computed from. */
typedef enum dane_corrupt {
	DANE_REC_EXACT = 0,  /* the target's cert/SPKI, digested by mtype */
	DANE_REC_RANDOM,     /* random data of the right length: no match */
	DANE_REC_BAD_LENGTH, /* digest of the wrong length: malformed */
} dane_corrupt_t;

typedef struct dane_recspec {
	int slot; /* certificate slot the record is about; -1: none */
	uint8_t usage, selector, mtype;
	dane_corrupt_t corrupt;
	int noise; /* drawn as noise (not a target record) */
} dane_recspec_t;

/* The shape of a case. */
typedef struct dane_params {
	uint64_t seed;  /* serials, the shuffle, random record data */
	unsigned depth; /* 1..DANE_MAX_DEPTH */
	dane_alg_t alg[DANE_SLOTS];
	dane_validity_t validity[DANE_SLOTS];
	dane_leafname_t leafname;
	dane_nc_t nc;
	int nc_slot; /* the CA carrying nc */
	int root_presented;
	int missing_slot; /* intermediate left out of the presented list; -1 */
	int extra[3];     /* unrelated slots appended, -1 ends */
	int shuffled;     /* the certificates after the leaf are shuffled */
	int xca_twin;     /* X CA has the subject name of the leaf's issuer */
	int cafile[DANE_MAX_CAFILE]; /* slots in the PKIX CA file, -1 ends */
	dane_recspec_t recs[DANE_MAX_RECORDS];
	size_t nrecs;
	int record_order_shuffled;
} dane_params_t;

/* Draws a shape from the choice stream. */
void dane_params_draw(dane_rng_t *rng, dane_params_t *p);

/* The shape of a fuzz input: up to its first 8 bytes are the seed
 * (little-endian, *seed), the rest lead the choices. An input of 8 bytes
 * or fewer gives case <seed>. */
void dane_params_from_input(const uint8_t *data, size_t size, dane_params_t *p,
                            uint64_t *seed);

/* Starts a shape by hand: depth, all ECDSA, valid, SAN with the name,
 * root presented, no extras, no CA file, no records. */
void dane_params_simple(dane_params_t *p, unsigned depth);

/* Appends a record to a hand-made shape. */
void dane_params_add_record(dane_params_t *p, int slot, uint8_t usage,
                            uint8_t selector, uint8_t mtype,
                            dane_corrupt_t corrupt);

typedef struct dane_der {
	uint8_t *data; /* gnutls_malloc'ed; NULL for an unused slot */
	size_t len;
} dane_der_t;

typedef struct dane_record {
	uint8_t usage, selector, mtype;
	uint8_t data[DANE_RECORD_MAX];
	size_t len;
} dane_record_t;

/* A built case. Owns the certificate DER. */
typedef struct dane_case {
	uint64_t id;
	dane_params_t params;
	dane_der_t certs[DANE_SLOTS];      /* by slot */
	int presented[DANE_MAX_PRESENTED]; /* slots, in presented order */
	size_t npresented;
	int cafile[DANE_MAX_CAFILE];
	size_t ncafile;
	dane_record_t recs[DANE_MAX_RECORDS];
	int rec_spec[DANE_MAX_RECORDS]; /* record -> index in params.recs */
	size_t nrecs;
	const char *name; /* DANE_CLIENT_NAME */
	time_t now;
} dane_case_t;

/* Builds the case of p. 0, or a negative GnuTLS code (c is then empty). */
int dane_case_build(const dane_params_t *p, const dane_keypool_t *pool,
                    uint64_t id, dane_case_t *c);
void dane_case_free(dane_case_t *c);

/* "leaf", "int1", "int2", "root", "x-root", "x-ca", "x-leaf". */
const char *dane_slot_name(const dane_case_t *c, int slot);

/* The depth (0 = leaf) of a chain slot; -1 for unrelated slots. */
int dane_slot_depth(const dane_case_t *c, int slot);

/* True when slot is among the presented certificates. */
int dane_slot_presented(const dane_case_t *c, int slot);

/* One line describing the shape (for failure reports). */
void dane_case_describe(const dane_case_t *c, char *buf, size_t size);

/* The certificates (PEM with a label line) and records, for -v. */
void dane_case_print(const dane_case_t *c, FILE *out);

#endif
