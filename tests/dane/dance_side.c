/* dance_side.c: libdance's verdict (dance_side.h). */
#include "dance_side.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "dance/match.h"
#include "dance/name.h"
#include "dance/tlsa.h"

int dane_side_open(dane_side_t *side)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(side->dir, sizeof(side->dir), "%s/dane-diff.XXXXXX",
	         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(side->dir) == NULL) {
		side->dir[0] = '\0';
		return -1;
	}
	snprintf(side->ca_path, sizeof(side->ca_path), "%s/ca.pem", side->dir);
	return 0;
}

void dane_side_close(dane_side_t *side)
{
	if (side->dir[0] != '\0') {
		unlink(side->ca_path);
		rmdir(side->dir);
		side->dir[0] = '\0';
	}
}

/* Writes the case's CA file certificates as PEM; 0 or -1. */
static int write_ca_file(const dane_side_t *side, const dane_case_t *c)
{
	FILE *f = fopen(side->ca_path, "w");
	if (f == NULL) {
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < c->ncafile && rc == 0; i++) {
		const dane_der_t *d = &c->certs[c->cafile[i]];
		gnutls_datum_t der = {d->data, (unsigned)d->len};
		gnutls_datum_t pem = {NULL, 0};
		rc = gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) < 0 ||
		                     fwrite(pem.data, 1, pem.size, f) !=
		                             pem.size
		             ? -1
		             : 0;
		gnutls_free(pem.data);
	}
	return fclose(f) != 0 ? -1 : rc;
}

/* The records that parse, and where each came from in the case. */
static void load_records(const dane_case_t *c, dance_tlsa_set_t *set, int *from,
                         FILE *trace)
{
	dance_tlsa_set_init(set);
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_record_t *r = &c->recs[i];
		uint8_t wire[3 + DANE_RECORD_MAX];
		dance_tlsa_t t;
		dance_error_t err;
		wire[0] = r->usage;
		wire[1] = r->selector;
		wire[2] = r->mtype;
		memcpy(wire + 3, r->data, r->len);
		if (dance_tlsa_from_wire(&t, wire, 3 + r->len, &err) !=
		    DANCE_OK) {
			if (trace != NULL) {
				fprintf(trace,
				        "libdance: record [%zu] left out: %s\n",
				        i, err.reason);
			}
			continue;
		}
		if (dance_tlsa_set_add(set, &t, NULL) == DANCE_OK) {
			from[set->count - 1] = (int)i;
		}
		dance_tlsa_clear(&t);
	}
}

void dane_side_verify(dane_side_t *side, const dane_case_t *c, FILE *trace,
                      dane_verdict_t *out)
{
	gnutls_datum_t certs[DANE_MAX_PRESENTED];
	int from[DANE_MAX_RECORDS];
	char name[DANCE_NAME_MAX];
	dance_tlsa_set_t set;
	dance_match_result_t m;
	memset(out, 0, sizeof(*out));
	out->record = out->depth = -1;
	if (c->ncafile > 0 && write_ca_file(side, c) != 0) {
		snprintf(out->code, sizeof(out->code), "harness-error");
		snprintf(out->detail, sizeof(out->detail), "cannot write %s",
		         side->ca_path);
		return;
	}
	for (size_t i = 0; i < c->npresented; i++) {
		const dane_der_t *d = &c->certs[c->presented[i]];
		certs[i] = (gnutls_datum_t){d->data, (unsigned)d->len};
	}
	if (dance_name_normalize(c->name, name, NULL) != DANCE_OK) {
		snprintf(name, sizeof(name), "%s", c->name);
	}
	dance_creds_t creds = {DANCE_CRED_X509, certs, c->npresented};
	dance_match_opts_t opts = {
	        .name = name,
	        .pkix_ca_file = c->ncafile > 0 ? side->ca_path : NULL,
	        .now = c->now,
	};
	load_records(c, &set, from, trace);
	dance_match(&set, &creds, &opts, &m);
	out->accept = m.outcome == DANCE_MATCH_OK;
	out->record = m.index >= 0 ? from[m.index] : -1;
	snprintf(out->code, sizeof(out->code), "%s",
	         dance_match_outcome_name(m.outcome));
	snprintf(out->detail, sizeof(out->detail), "%s", m.detail);
	dance_tlsa_set_clear(&set);
}
