/* oracle.c: OpenSSL DANE verification (oracle.h). */
#include "oracle.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

struct dane_oracle {
	SSL_CTX *ctx;
};

dane_oracle_t *dane_oracle_new(void)
{
	dane_oracle_t *o = calloc(1, sizeof(*o));
	if (o == NULL) {
		return NULL;
	}
	o->ctx = SSL_CTX_new(TLS_server_method());
	if (o->ctx == NULL || SSL_CTX_dane_enable(o->ctx) <= 0) {
		dane_oracle_free(o);
		return NULL;
	}
	return o;
}

void dane_oracle_free(dane_oracle_t *o)
{
	if (o != NULL) {
		SSL_CTX_free(o->ctx);
		free(o);
	}
}

static X509 *slot_x509(const dane_case_t *c, int slot)
{
	const unsigned char *p = c->certs[slot].data;
	return d2i_X509(NULL, &p, (long)c->certs[slot].len);
}

/* The client name without its trailing dot. */
static void host_name(const dane_case_t *c, char *out, size_t size)
{
	snprintf(out, size, "%s", c->name);
	size_t n = strlen(out);
	if (n > 1 && out[n - 1] == '.') {
		out[n - 1] = '\0';
	}
}

/* Adds the records; returns how many OpenSSL found usable. */
static int add_records(SSL *ssl, const dane_case_t *c, FILE *trace)
{
	int usable = 0;
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_record_t *r = &c->recs[i];
		int rc = SSL_dane_tlsa_add(ssl, r->usage, r->selector, r->mtype,
		                           r->data, r->len);
		if (trace != NULL) {
			fprintf(trace,
			        "openssl: SSL_dane_tlsa_add [%zu] -> %d%s\n", i,
			        rc, rc > 0 ? "" : " (skipped)");
		}
		usable += rc > 0;
	}
	ERR_clear_error();
	return usable;
}

/* Index of the record OpenSSL says matched; -1 if none is found. */
static int matched_record(SSL *ssl, const dane_case_t *c, int *depth)
{
	uint8_t u, s, m;
	const unsigned char *data = NULL;
	size_t len = 0;
	SSL_set_verify_result(ssl, X509_V_OK);
	*depth = SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &len);
	if (*depth < 0) {
		return -1;
	}
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_record_t *r = &c->recs[i];
		if (r->usage == u && r->selector == s && r->mtype == m &&
		    r->len == len && memcmp(r->data, data, len) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static void trace_chain(X509_STORE_CTX *sctx, FILE *trace)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(sctx);
	for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		char name[256];
		X509_NAME_oneline(
		        X509_get_subject_name(sk_X509_value(chain, i)), name,
		        sizeof(name));
		fprintf(trace, "openssl: chain[%d] %s\n", i, name);
	}
}

static X509_STORE *ca_store(const dane_case_t *c)
{
	X509_STORE *store = X509_STORE_new();
	for (size_t i = 0; store != NULL && i < c->ncafile; i++) {
		X509 *x = slot_x509(c, c->cafile[i]);
		if (x != NULL) {
			X509_STORE_add_cert(store, x);
		}
		X509_free(x);
	}
	return store;
}

static STACK_OF(X509) * presented_stack(const dane_case_t *c)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	for (size_t i = 0; sk != NULL && i < c->npresented; i++) {
		X509 *x = slot_x509(c, c->presented[i]);
		if (x == NULL || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	}
	return sk;
}

/* The store context libssl would use, with the SSL's DANE state. */
static int setup_ctx(X509_STORE_CTX *sctx, X509_STORE *store,
                     STACK_OF(X509) * untrusted, SSL *ssl, const dane_case_t *c,
                     const dane_oracle_opts_t *opts)
{
	if (!X509_STORE_CTX_init(sctx, store, sk_X509_value(untrusted, 0),
	                         untrusted) ||
	    !X509_STORE_CTX_set_default(sctx, "ssl_client")) {
		return 0;
	}
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(sctx);
	if (!X509_VERIFY_PARAM_set1(param, SSL_get0_param(ssl))) {
		return 0;
	}
	X509_VERIFY_PARAM_set_auth_level(param, SSL_get_security_level(ssl));
	X509_VERIFY_PARAM_set_time(param, c->now);
	if (opts != NULL) {
		X509_VERIFY_PARAM_set_hostflags(param, opts->host_flags);
		X509_VERIFY_PARAM_set_flags(param, opts->verify_flags);
	}
	X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
	return 1;
}

/* OpenSSL 3.5 dereferences NULL in check_dane_pkeys() when the leaf is
 * self-signed and in the trusted store, PKIX records make it search the
 * store and a 2 1 0 record is present (README.md). Such a case gets no
 * verdict rather than a crash. */
static int crashes_openssl(const dane_case_t *c)
{
	int pkix = 0, bare_key = 0, leaf_trusted = 0;
	const dane_der_t *leaf = &c->certs[c->presented[0]];
	for (size_t i = 0; i < c->nrecs; i++) {
		const dane_record_t *r = &c->recs[i];
		pkix |= r->usage <= 1;
		bare_key |= r->usage == 2 && r->selector == 1 && r->mtype == 0;
	}
	for (size_t i = 0; i < c->ncafile; i++) {
		const dane_der_t *d = &c->certs[c->cafile[i]];
		leaf_trusted |= d->len == leaf->len &&
		                memcmp(d->data, leaf->data, d->len) == 0;
	}
	if (!pkix || !bare_key || !leaf_trusted) {
		return 0;
	}
	X509 *x = slot_x509(c, c->presented[0]);
	int self_signed = x != NULL && X509_self_signed(x, 0) == 1;
	X509_free(x);
	return self_signed;
}

static void fail(dane_verdict_t *out, const char *what)
{
	snprintf(out->code, sizeof(out->code), "oracle-error");
	snprintf(out->detail, sizeof(out->detail), "%s", what);
}

void dane_oracle_verify(dane_oracle_t *o, const dane_case_t *c,
                        const dane_oracle_opts_t *opts, FILE *trace,
                        dane_verdict_t *out)
{
	char host[256];
	memset(out, 0, sizeof(*out));
	out->record = out->depth = -1;
	host_name(c, host, sizeof(host));
	if (crashes_openssl(c)) {
		fail(out, "not asked: OpenSSL would crash on this case");
		return;
	}
	SSL *ssl = SSL_new(o->ctx);
	X509_STORE *store = ca_store(c);
	STACK_OF(X509) *untrusted = presented_stack(c);
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	if (ssl == NULL || store == NULL || untrusted == NULL || sctx == NULL ||
	    SSL_dane_enable(ssl, host) <= 0) {
		fail(out, "cannot set up the OpenSSL objects");
	} else {
		SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
		if (add_records(ssl, c, trace) == 0) {
			/* libssl would fall back to plain PKIX; an application
			 * doing DANE client authentication refuses. */
			snprintf(out->code, sizeof(out->code), "no-usable");
			snprintf(out->detail, sizeof(out->detail),
			         "no TLSA record usable by OpenSSL");
		} else if (!setup_ctx(sctx, store, untrusted, ssl, c, opts)) {
			fail(out, "cannot set up the store context");
		} else {
			int ok = X509_verify_cert(sctx);
			int err = X509_STORE_CTX_get_error(sctx);
			out->accept = ok == 1 && err == X509_V_OK;
			if (out->accept) {
				out->record =
				        matched_record(ssl, c, &out->depth);
				snprintf(out->code, sizeof(out->code), "ok");
				snprintf(out->detail, sizeof(out->detail),
				         "record %d matched at depth %d",
				         out->record, out->depth);
			} else {
				snprintf(out->code, sizeof(out->code),
				         "x509-%d", err);
				snprintf(out->detail, sizeof(out->detail),
				         "%s (depth %d)",
				         X509_verify_cert_error_string(err),
				         X509_STORE_CTX_get_error_depth(sctx));
			}
			if (trace != NULL) {
				trace_chain(sctx, trace);
			}
		}
	}
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
	sk_X509_pop_free(untrusted, X509_free);
	X509_STORE_free(store);
	SSL_free(ssl);
}
