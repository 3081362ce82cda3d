/* dance_side.h: libdance's verdict on a case, the side under test.
 *
 * dance_side_verify() is the one adapter between the harness and the
 * library's matching API: re-point it when that API changes. The rest of
 * this file (the CA file on disk) is plumbing.
 */
#ifndef DANE_DANCE_SIDE_H
#define DANE_DANCE_SIDE_H

#include <stdio.h>

#include "gen.h"
#include "verdict.h"

typedef struct dane_side {
	char dir[256];     /* private temporary directory */
	char ca_path[300]; /* dir/ca.pem, rewritten for every case */
} dane_side_t;

/* 0, or -1 when no temporary directory can be made. */
int dane_side_open(dane_side_t *side);
void dane_side_close(dane_side_t *side);

/* libdance's decision for c: dance_match() on the presented list (leaf
 * first) and the case's records (parsed with dance_tlsa_from_wire; records
 * that do not parse are left out, as the resolver's answer reader does),
 * with the client name, the fixed time and, when the case has CA file
 * certificates, that file as pkix_ca_file. trace: NULL or where to say
 * which records were left out. */
void dane_side_verify(dane_side_t *side, const dane_case_t *c, FILE *trace,
                      dane_verdict_t *out);

#endif
