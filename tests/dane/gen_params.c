/* gen_params.c: drawing the shape of a case (gen.h). */
#include <string.h>

#include "gen.h"

static const int unrelated_slots[3] = {DANE_SLOT_XROOT, DANE_SLOT_XCA,
                                       DANE_SLOT_XLEAF};

void dane_params_simple(dane_params_t *p, unsigned depth)
{
	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->depth = depth;
	p->nc_slot = -1;
	p->root_presented = 1;
	p->missing_slot = -1;
	for (int i = 0; i < 3; i++) {
		p->extra[i] = -1;
	}
	for (int i = 0; i < DANE_MAX_CAFILE; i++) {
		p->cafile[i] = -1;
	}
}

void dane_params_add_record(dane_params_t *p, int slot, uint8_t usage,
                            uint8_t selector, uint8_t mtype,
                            dane_corrupt_t corrupt)
{
	if (p->nrecs < DANE_MAX_RECORDS) {
		p->recs[p->nrecs++] = (dane_recspec_t){slot,  usage,   selector,
		                                       mtype, corrupt, 0};
	}
}

static dane_alg_t draw_alg(dane_rng_t *rng)
{
	unsigned v = dane_rng_below(rng, 20);
	return v < 9    ? DANE_ALG_ECDSA_P256
	       : v < 16 ? DANE_ALG_ED25519
	                : DANE_ALG_RSA2048;
}

static dane_leafname_t draw_leafname(dane_rng_t *rng)
{
	static const unsigned upto[DANE_NAME_COUNT] = {60, 68, 76, 86, 92, 100};
	unsigned v = dane_rng_below(rng, 100);
	for (int i = 0; i < DANE_NAME_COUNT; i++) {
		if (v < upto[i]) {
			return (dane_leafname_t)i;
		}
	}
	return DANE_NAME_SAN;
}

static void draw_chain(dane_rng_t *rng, dane_params_t *p)
{
	static const unsigned depth_of[10] = {1, 2, 2, 3, 3, 3, 3, 4, 4, 4};
	p->depth = depth_of[dane_rng_below(rng, 10)];
	for (int i = 0; i < DANE_SLOTS; i++) {
		p->alg[i] = draw_alg(rng);
	}
	if (dane_rng_percent(rng, 12)) {
		int slot = (int)dane_rng_below(rng, p->depth);
		p->validity[slot] = dane_rng_below(rng, 3) < 2
		                            ? DANE_EXPIRED
		                            : DANE_NOT_YET_VALID;
	}
	p->leafname = draw_leafname(rng);
	if (p->depth >= 2 && dane_rng_percent(rng, 15)) {
		p->nc = (dane_nc_t)(1 + dane_rng_below(rng, DANE_NC_COUNT - 1));
		p->nc_slot = 1 + (int)dane_rng_below(rng, p->depth - 1);
	}
	p->xca_twin = p->depth >= 2 && dane_rng_percent(rng, 10);
}

static void draw_presented(dane_rng_t *rng, dane_params_t *p)
{
	p->root_presented = p->depth >= 2 ? dane_rng_percent(rng, 50) : 1;
	if (p->depth >= 3 && dane_rng_percent(rng, 12)) {
		p->missing_slot = 1 + (int)dane_rng_below(rng, p->depth - 2);
	}
	if (dane_rng_percent(rng, 30)) {
		unsigned n = 1 + dane_rng_below(rng, 2);
		unsigned first = dane_rng_below(rng, 3);
		for (unsigned i = 0; i < n; i++) {
			p->extra[i] = unrelated_slots[(first + i) % 3];
		}
	}
	p->shuffled = dane_rng_percent(rng, 25);
}

static void draw_cafile(dane_rng_t *rng, dane_params_t *p)
{
	size_t n = 0;
	if (!dane_rng_percent(rng, 50)) {
		return;
	}
	if (dane_rng_percent(rng, 85)) {
		p->cafile[n++] = (int)p->depth - 1; /* the root (or the leaf) */
	}
	if (dane_rng_percent(rng, 30)) {
		p->cafile[n++] = DANE_SLOT_XROOT;
	}
	if (p->depth >= 3 && dane_rng_percent(rng, 8)) {
		p->cafile[n++] = 1 + (int)dane_rng_below(rng, p->depth - 2);
	}
}

static int draw_slot(dane_rng_t *rng, const dane_params_t *p)
{
	if (dane_rng_percent(rng, 85)) {
		return (int)dane_rng_below(rng, p->depth);
	}
	return unrelated_slots[dane_rng_below(rng, 3)];
}

/* Noise: unusable, malformed or agility-shadowing records. */
static dane_recspec_t draw_noise(dane_rng_t *rng, const dane_params_t *p)
{
	dane_recspec_t r = {(int)dane_rng_below(rng, p->depth),
	                    (uint8_t)dane_rng_below(rng, 4),
	                    (uint8_t)dane_rng_below(rng, 2),
	                    (uint8_t)(1 + dane_rng_below(rng, 2)),
	                    DANE_REC_EXACT,
	                    1};
	switch (dane_rng_below(rng, 5)) {
	case 0: r.usage = 4; break;
	case 1: r.mtype = 3; break;
	case 2: r.corrupt = DANE_REC_BAD_LENGTH; break;
	case 3: /* a stronger digest that matches nothing */
		if (p->nrecs > 0) {
			const dane_recspec_t *t = &p->recs[0];
			r.usage = t->usage;
			r.selector = t->selector;
		}
		r.mtype = 2;
		r.corrupt = DANE_REC_RANDOM;
		break;
	default: r.selector = 2; break;
	}
	return r;
}

static void add_to_cafile(dane_params_t *p, int slot)
{
	for (int i = 0; i < DANE_MAX_CAFILE; i++) {
		if (p->cafile[i] == slot) {
			return;
		}
		if (p->cafile[i] < 0) {
			p->cafile[i] = slot;
			return;
		}
	}
}

/* Shapes that chance alone makes rarely: a full certificate record of
 * the intermediate the peer left out; a PKIX-TA record of an unrelated
 * certificate the peer appended, its root in the CA file. */
static void draw_pointed_record(dane_rng_t *rng, dane_params_t *p)
{
	dane_recspec_t *r = &p->recs[0];
	if (p->missing_slot >= 0 && dane_rng_percent(rng, 40)) {
		r->slot = p->missing_slot;
		r->usage = dane_rng_percent(rng, 70) ? 2 : 0;
		r->selector = 0;
		r->mtype = 0;
	} else if (p->extra[0] >= 0 && p->cafile[0] >= 0 &&
	           dane_rng_percent(rng, 30)) {
		r->slot = p->extra[0];
		r->usage = 0;
		add_to_cafile(p, DANE_SLOT_XROOT);
	}
}

static void draw_records(dane_rng_t *rng, dane_params_t *p)
{
	unsigned targets = 1 + dane_rng_below(rng, 3);
	for (unsigned i = 0; i < targets; i++) {
		dane_recspec_t r = {draw_slot(rng, p),
		                    (uint8_t)dane_rng_below(rng, 4),
		                    (uint8_t)dane_rng_below(rng, 2),
		                    (uint8_t)dane_rng_below(rng, 3),
		                    DANE_REC_EXACT,
		                    0};
		if (dane_rng_percent(rng, 8)) {
			r.corrupt = DANE_REC_RANDOM;
		}
		p->recs[p->nrecs++] = r;
	}
	draw_pointed_record(rng, p);
	unsigned noise =
	        dane_rng_percent(rng, 40) ? 1 + dane_rng_below(rng, 3) : 0;
	for (unsigned i = 0; i < noise; i++) {
		p->recs[p->nrecs++] = draw_noise(rng, p);
	}
	p->record_order_shuffled = dane_rng_percent(rng, 50);
}

/* No case that crashes the oracle (oracle.c, crashes_openssl): a
 * self-signed leaf in the CA file gets 2 1 1 instead of 2 1 0. */
static void avoid_oracle_crash(dane_params_t *p)
{
	int leaf_in_cafile = 0;
	for (int i = 0; i < DANE_MAX_CAFILE && p->cafile[i] >= 0; i++) {
		leaf_in_cafile |= p->cafile[i] == 0;
	}
	for (size_t i = 0; leaf_in_cafile && i < p->nrecs; i++) {
		dane_recspec_t *r = &p->recs[i];
		if (r->usage == 2 && r->selector == 1 && r->mtype == 0) {
			r->mtype = 1;
		}
	}
}

void dane_params_draw(dane_rng_t *rng, dane_params_t *p)
{
	dane_params_simple(p, 1);
	p->seed = dane_rng_next(rng);
	draw_chain(rng, p);
	draw_presented(rng, p);
	draw_cafile(rng, p);
	draw_records(rng, p);
	avoid_oracle_crash(p);
}

void dane_params_from_input(const uint8_t *data, size_t size, dane_params_t *p,
                            uint64_t *seed)
{
	dane_rng_t rng;
	size_t n = size < 8 ? size : 8;
	*seed = 0;
	for (size_t i = 0; i < n; i++) {
		*seed |= (uint64_t)data[i] << (8 * i);
	}
	dane_rng_init_bytes(&rng, *seed, data + n, size - n);
	dane_params_draw(&rng, p);
}
