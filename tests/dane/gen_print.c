/* gen_print.c: describing and printing a case (gen.h). */
#include <stdarg.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "gen.h"

static const char *leafname_text(dane_leafname_t v)
{
	static const char *names[DANE_NAME_COUNT] = {
	        "SAN name",        "SAN other+name",   "SAN other only",
	        "no SAN, CN name", "no SAN, CN other", "SAN *.zone.example"};
	return v < DANE_NAME_COUNT ? names[v] : "?";
}

static const char *nc_text(dane_nc_t v)
{
	static const char *names[DANE_NC_COUNT] = {
	        "none", "permitted example", "permitted other.test",
	        "excluded ns2.zone.example", "excluded other.test"};
	return v < DANE_NC_COUNT ? names[v] : "?";
}

static const char *corrupt_text(dane_corrupt_t v)
{
	return v == DANE_REC_RANDOM       ? " random"
	       : v == DANE_REC_BAD_LENGTH ? " bad-length"
	                                  : "";
}

/* Appends to buf (always NUL-terminated, truncating). */
static void add(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= size) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

static void describe_chain(const dane_case_t *c, char *buf, size_t size)
{
	const dane_params_t *p = &c->params;
	add(buf, size, "depth %u (", p->depth);
	for (unsigned s = 0; s < p->depth; s++) {
		add(buf, size, "%s%s", s ? "," : "", dane_alg_name(p->alg[s]));
	}
	add(buf, size, "), leaf %s", leafname_text(p->leafname));
	for (unsigned s = 0; s < p->depth; s++) {
		if (p->validity[s] != DANE_VALID) {
			add(buf, size, ", %s %s", dane_slot_name(c, (int)s),
			    p->validity[s] == DANE_EXPIRED ? "expired"
			                                   : "not yet valid");
		}
	}
	if (p->nc != DANE_NC_NONE) {
		add(buf, size, ", %s on %s", nc_text(p->nc),
		    dane_slot_name(c, p->nc_slot));
	}
	if (p->xca_twin) {
		add(buf, size, ", x-ca named as the leaf's issuer");
	}
}

static void describe_presented(const dane_case_t *c, char *buf, size_t size)
{
	add(buf, size, "; presented");
	for (size_t i = 0; i < c->npresented; i++) {
		add(buf, size, " %s", dane_slot_name(c, c->presented[i]));
	}
	add(buf, size, "; CA file");
	if (c->ncafile == 0) {
		add(buf, size, " none");
	}
	for (size_t i = 0; i < c->ncafile; i++) {
		add(buf, size, " %s", dane_slot_name(c, c->cafile[i]));
	}
}

static void describe_records(const dane_case_t *c, char *buf, size_t size)
{
	add(buf, size, "; TLSA");
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_recspec_t *s = &c->params.recs[c->rec_spec[i]];
		add(buf, size, " [%zu] %u %u %u %s%s%s", i, s->usage,
		    s->selector, s->mtype,
		    s->slot >= 0 ? dane_slot_name(c, s->slot) : "-",
		    corrupt_text(s->corrupt), s->noise ? " (noise)" : "");
	}
}

void dane_case_describe(const dane_case_t *c, char *buf, size_t size)
{
	buf[0] = '\0';
	describe_chain(c, buf, size);
	describe_presented(c, buf, size);
	describe_records(c, buf, size);
}

static void print_cert(const dane_case_t *c, int slot, FILE *out)
{
	gnutls_datum_t der = {c->certs[slot].data,
	                      (unsigned)c->certs[slot].len};
	gnutls_datum_t pem = {NULL, 0};
	fprintf(out, "# %s%s\n", dane_slot_name(c, slot),
	        dane_slot_presented(c, slot) ? " (presented)" : "");
	if (gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) >= 0) {
		fprintf(out, "%.*s", (int)pem.size, (const char *)pem.data);
	}
	gnutls_free(pem.data);
}

void dane_case_print(const dane_case_t *c, FILE *out)
{
	char line[2048];
	dane_case_describe(c, line, sizeof(line));
	fprintf(out, "case %llu: %s\n", (unsigned long long)c->id, line);
	fprintf(out, "client name %s, time %lld\n", c->name, (long long)c->now);
	for (int s = 0; s < DANE_SLOTS; s++) {
		if (c->certs[s].data != NULL) {
			print_cert(c, s, out);
		}
	}
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_record_t *r = &c->recs[i];
		fprintf(out, "TLSA [%zu] %u %u %u ", i, r->usage, r->selector,
		        r->mtype);
		for (size_t k = 0; k < r->len; k++) {
			fprintf(out, "%02X", r->data[k]);
		}
		fputc('\n', out);
	}
}
