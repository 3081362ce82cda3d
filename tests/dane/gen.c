/* gen.c: building a case from its shape (gen.h). */
#include "gen.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "gen_cert.h"

#define OTHER_NAME "other.example"

const char *dane_slot_name(const dane_case_t *c, int slot)
{
	static const char *ints[] = {"int1", "int2"};
	unsigned depth = c->params.depth;
	switch (slot) {
	case DANE_SLOT_XROOT: return "x-root";
	case DANE_SLOT_XCA: return "x-ca";
	case DANE_SLOT_XLEAF: return "x-leaf";
	default: break;
	}
	if (slot == 0) {
		return "leaf";
	}
	if (slot == (int)depth - 1) {
		return "root";
	}
	return slot >= 1 && slot <= 2 ? ints[slot - 1] : "?";
}

int dane_slot_depth(const dane_case_t *c, int slot)
{
	return slot >= 0 && slot < (int)c->params.depth ? slot : -1;
}

int dane_slot_presented(const dane_case_t *c, int slot)
{
	for (size_t i = 0; i < c->npresented; i++) {
		if (c->presented[i] == slot) {
			return 1;
		}
	}
	return 0;
}

static void leaf_names(dane_leafname_t v, const char **cn, const char *san[2])
{
	static const char *client = "ns2.zone.example";
	*cn = v == DANE_NAME_CN_OTHER ? OTHER_NAME : client;
	san[0] = san[1] = NULL;
	switch (v) {
	case DANE_NAME_SAN: san[0] = client; break;
	case DANE_NAME_SAN_TWO:
		san[0] = OTHER_NAME;
		san[1] = client;
		break;
	case DANE_NAME_SAN_OTHER: san[0] = OTHER_NAME; break;
	case DANE_NAME_SAN_WILD: san[0] = "*.zone.example"; break;
	default: break;
	}
}

/* Subject names by slot (the leaf's comes from leaf_names). */
static void slot_dn(const dane_params_t *p, int slot, char *dn, size_t size)
{
	const char *cn = NULL;
	const char *san[2];
	if (slot == DANE_SLOT_XCA && p->xca_twin) {
		slot = 1; /* the leaf's issuer */
	}
	if (slot == 0) {
		leaf_names(p->leafname, &cn, san);
		snprintf(dn, size, "CN=%s,O=dance-diff", cn);
	} else if (slot == (int)p->depth - 1) {
		snprintf(dn, size, "CN=Root,O=dance-diff chain");
	} else if (slot < (int)p->depth) {
		snprintf(dn, size, "CN=Int %d,O=dance-diff chain", slot);
	} else if (slot == DANE_SLOT_XROOT) {
		snprintf(dn, size, "CN=X Root,O=dance-diff other");
	} else if (slot == DANE_SLOT_XCA) {
		snprintf(dn, size, "CN=X CA,O=dance-diff other");
	} else {
		snprintf(dn, size, "CN=%s,O=dance-diff other", OTHER_NAME);
	}
}

/* Issuer slot; the slot itself when self-signed. */
static int slot_issuer(const dane_params_t *p, int slot)
{
	if (slot < (int)p->depth - 1) {
		return slot + 1;
	}
	if (slot == DANE_SLOT_XCA) {
		return DANE_SLOT_XROOT;
	}
	if (slot == DANE_SLOT_XLEAF) {
		return DANE_SLOT_XCA;
	}
	return slot;
}

static int make_slot(const dane_params_t *p, const dane_keypool_t *pool,
                     dane_rng_t *rng, int slot, gnutls_x509_crt_t crts[])
{
	char dn[128];
	uint8_t serial[16];
	const char *cn;
	dane_certspec_t s;
	memset(&s, 0, sizeof(s));
	slot_dn(p, slot, dn, sizeof(dn));
	dane_rng_fill(rng, serial, sizeof(serial));
	serial[0] = (serial[0] & 0x7f) | 0x40;
	s.dn = dn;
	s.serial = serial;
	s.validity = p->validity[slot];
	s.key = pool->keys[p->alg[slot]][slot];
	int issuer = slot_issuer(p, slot);
	if (issuer != slot) {
		s.issuer = crts[issuer];
		s.issuer_key = pool->keys[p->alg[issuer]][issuer];
	}
	if (slot == 0) {
		leaf_names(p->leafname, &cn, s.san);
	} else if (slot == DANE_SLOT_XLEAF) {
		s.san[0] = OTHER_NAME;
	} else {
		s.ca = 1;
		s.nc = slot == p->nc_slot ? p->nc : DANE_NC_NONE;
	}
	return dane_cert_make(&s, &crts[slot]);
}

static int export_slot(gnutls_x509_crt_t crt, dane_der_t *der)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &d);
	der->data = d.data;
	der->len = d.size;
	return rc;
}

/* Root first, so that every issuer exists before what it signs. */
static int make_certs(const dane_params_t *p, const dane_keypool_t *pool,
                      dane_rng_t *rng, dane_case_t *c)
{
	gnutls_x509_crt_t crts[DANE_SLOTS] = {NULL};
	int order[DANE_SLOTS];
	size_t n = 0;
	for (int s = (int)p->depth - 1; s >= 0; s--) {
		order[n++] = s;
	}
	order[n++] = DANE_SLOT_XROOT;
	order[n++] = DANE_SLOT_XCA;
	order[n++] = DANE_SLOT_XLEAF;
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		rc = make_slot(p, pool, rng, order[i], crts);
		if (rc >= 0) {
			rc = export_slot(crts[order[i]], &c->certs[order[i]]);
		}
	}
	for (int s = 0; s < DANE_SLOTS; s++) {
		gnutls_x509_crt_deinit(crts[s]);
	}
	return rc;
}

static void shuffle_ints(dane_rng_t *rng, int *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t k = (size_t)(dane_rng_next(rng) % i);
		int t = v[i - 1];
		v[i - 1] = v[k];
		v[k] = t;
	}
}

static void make_presented(const dane_params_t *p, dane_rng_t *rng,
                           dane_case_t *c)
{
	size_t n = 0;
	c->presented[n++] = 0;
	for (int s = 1; s < (int)p->depth - 1; s++) {
		if (s != p->missing_slot) {
			c->presented[n++] = s;
		}
	}
	if (p->depth >= 2 && p->root_presented) {
		c->presented[n++] = (int)p->depth - 1;
	}
	for (int i = 0; i < 3 && p->extra[i] >= 0; i++) {
		c->presented[n++] = p->extra[i];
	}
	c->npresented = n;
	if (p->shuffled) {
		shuffle_ints(rng, c->presented + 1, n - 1);
	}
	for (int i = 0; i < DANE_MAX_CAFILE && p->cafile[i] >= 0; i++) {
		c->cafile[c->ncafile++] = p->cafile[i];
	}
}

/* The selected object of a certificate: itself, or its SPKI. */
static int record_object(const dane_der_t *cert, uint8_t selector,
                         gnutls_datum_t *obj, gnutls_datum_t *owned)
{
	owned->data = NULL;
	if (selector != 1) {
		obj->data = cert->data;
		obj->size = (unsigned)cert->len;
		return 0;
	}
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t der = {cert->data, (unsigned)cert->len};
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0) {
		rc = gnutls_pubkey_import_x509_raw(pub, &der,
		                                   GNUTLS_X509_FMT_DER, 0);
	}
	if (rc >= 0) {
		rc = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, owned);
	}
	gnutls_pubkey_deinit(pub);
	*obj = *owned;
	return rc;
}

static size_t mtype_len(uint8_t mtype, size_t full)
{
	return mtype == 0 ? full : mtype == 2 ? 64 : 32;
}

static int make_record(const dane_recspec_t *spec, const dane_case_t *c,
                       dane_rng_t *rng, dane_record_t *r)
{
	gnutls_datum_t obj, owned;
	r->usage = spec->usage;
	r->selector = spec->selector;
	r->mtype = spec->mtype;
	if (spec->slot < 0) { /* about no certificate at all */
		r->len = mtype_len(spec->mtype, 100);
		dane_rng_fill(rng, r->data, r->len);
		return 0;
	}
	int rc = record_object(&c->certs[spec->slot], spec->selector, &obj,
	                       &owned);
	if (rc < 0) {
		return rc;
	}
	size_t len = mtype_len(spec->mtype, obj.size);
	if (len > sizeof(r->data)) {
		gnutls_free(owned.data);
		return GNUTLS_E_SHORT_MEMORY_BUFFER;
	}
	if (spec->corrupt == DANE_REC_RANDOM) {
		dane_rng_fill(rng, r->data, len);
	} else if (spec->mtype == 0) {
		memcpy(r->data, obj.data, len);
	} else {
		gnutls_hash_fast(spec->mtype == 2 ? GNUTLS_DIG_SHA512
		                                  : GNUTLS_DIG_SHA256,
		                 obj.data, obj.size, r->data);
	}
	if (spec->corrupt == DANE_REC_BAD_LENGTH) {
		/* a digest one byte short, or a certificate cut in half */
		len = spec->mtype == 0 ? len / 2 : len - 1;
	}
	r->len = len;
	gnutls_free(owned.data);
	return 0;
}

static int make_records(const dane_params_t *p, dane_rng_t *rng, dane_case_t *c)
{
	int order[DANE_MAX_RECORDS];
	for (size_t i = 0; i < p->nrecs; i++) {
		order[i] = (int)i;
	}
	if (p->record_order_shuffled) {
		shuffle_ints(rng, order, p->nrecs);
	}
	int rc = 0;
	for (size_t i = 0; i < p->nrecs && rc >= 0; i++) {
		c->rec_spec[i] = order[i];
		rc = make_record(&p->recs[order[i]], c, rng, &c->recs[i]);
	}
	c->nrecs = p->nrecs;
	return rc;
}

int dane_case_build(const dane_params_t *p, const dane_keypool_t *pool,
                    uint64_t id, dane_case_t *c)
{
	dane_rng_t rng;
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->params = *p;
	c->name = DANE_CLIENT_NAME;
	c->now = DANE_NOW;
	dane_rng_init(&rng, p->seed);
	int rc = make_certs(p, pool, &rng, c);
	if (rc >= 0) {
		make_presented(p, &rng, c);
		rc = make_records(p, &rng, c);
	}
	if (rc < 0) {
		dane_case_free(c);
	}
	return rc;
}

void dane_case_free(dane_case_t *c)
{
	for (int s = 0; s < DANE_SLOTS; s++) {
		gnutls_free(c->certs[s].data);
		c->certs[s].data = NULL;
	}
}
