/* gen.h: one configuration generation: the parsed configuration and what
 * is built from it (authorizer with its policy, TLS credentials, TSIG key).
 *
 * The server holds the current generation; each connection holds the one
 * it was accepted under (its TLS credentials) and each query the one it
 * was authorized under, so a reload (SIGHUP) builds a new generation for
 * new queries while transfers in flight finish on the old one, which is
 * freed with its last reference. References are taken and dropped on the
 * loop thread only. */
#ifndef DP_GEN_H
#define DP_GEN_H

#include <gnutls/gnutls.h>
#include <libknot/libknot.h>

#include <dance/authz.h>

#include "config.h"

typedef struct dp_gen {
	unsigned refs;
	unsigned number; /* 1 at start, +1 per reload */
	dp_config_t *cfg;
	dance_authz_t *authz;
	gnutls_certificate_credentials_t creds;
	gnutls_priority_t prio;
	knot_tsig_key_t tsig_key;
	int has_tsig;
} dp_gen_t;

/* Builds a generation from cfg (taken over: freed with the generation,
 * also on failure). start: start the authorizer's refresher. */
dance_code_t dp_gen_new(dp_config_t *cfg, unsigned number, int start,
                        dp_gen_t **out, dance_error_t *err);
dp_gen_t *dp_gen_ref(dp_gen_t *g);
void dp_gen_unref(dp_gen_t *g);

#endif
