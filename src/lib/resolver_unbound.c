/* resolver_unbound.c: the embedded validator backend (libunbound). */
#include "resolver_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#define ROOT_KEY_FILE  "/usr/share/dns/root.key"
#define TLSA_TYPE      52
#define CLASS_IN       1
#define RCODE_SERVFAIL 2

static dance_code_t ub_fail(struct ub_ctx *ctx, int rc, const char *what,
                            dance_error_t *err)
{
	ub_ctx_delete(ctx);
	return dance_error_set(err, DANCE_EINVAL, "%s: %s", what,
	                       ub_strerror(rc));
}

static dance_code_t add_trust_anchors(struct ub_ctx *ctx,
                                      const dance_resolver_config_t *cfg,
                                      dance_error_t *err)
{
	const char *file = cfg->trust_anchor_file;
	int rc = 0;
	if (cfg->trust_anchor != NULL) {
		rc = ub_ctx_add_ta(ctx, (char *)cfg->trust_anchor);
		if (rc != 0) {
			return ub_fail(ctx, rc, "trust anchor", err);
		}
		if (file == NULL) {
			return DANCE_OK;
		}
	}
	if (file == NULL) {
		file = ROOT_KEY_FILE;
	}
	if (access(file, R_OK) != 0) {
		dance_code_t code = dance_error_set(err, DANCE_EINVAL,
		                                    "trust anchor file %s: %s",
		                                    file, strerror(errno));
		ub_ctx_delete(ctx);
		return code;
	}
	rc = ub_ctx_add_ta_file(ctx, (char *)file);
	if (rc != 0) {
		char what[600];
		snprintf(what, sizeof(what), "trust anchor file %s", file);
		return ub_fail(ctx, rc, what, err);
	}
	return DANCE_OK;
}

static dance_code_t set_servers(struct ub_ctx *ctx,
                                const dance_resolver_config_t *cfg,
                                dance_error_t *err)
{
	int rc = 0;
	for (size_t i = 0; i < cfg->server_count && rc == 0; i++) {
		char *addr = (char *)cfg->servers[i];
		if (cfg->mode == DANCE_RESOLVE_FORWARD) {
			rc = ub_ctx_set_fwd(ctx, addr);
		}
		for (size_t z = 0; cfg->mode == DANCE_RESOLVE_STUB &&
		                   z < cfg->stub_zone_count && rc == 0;
		     z++) {
			rc = ub_ctx_set_stub(ctx, cfg->stub_zones[z], addr, 0);
		}
	}
	if (rc != 0) {
		return ub_fail(ctx, rc, "resolver address", err);
	}
	/* Test and sidecar resolvers live on loopback. */
	rc = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no");
	if (rc != 0) {
		return ub_fail(ctx, rc, "unbound option", err);
	}
	/* Zones under special-use names (RFC 6761, e.g. "test.") must not
	 * be answered by unbound's built-in local zones. This finalises the
	 * context, so it comes after every other setting. */
	for (size_t z = 0; z < cfg->stub_zone_count && rc == 0; z++) {
		rc = ub_ctx_zone_add(ctx, cfg->stub_zones[z], "transparent");
	}
	if (rc != 0) {
		return ub_fail(ctx, rc,
		               "unbound rejected the trust anchors, servers or "
		               "zones",
		               err);
	}
	return DANCE_OK;
}

dance_code_t ubx_open(const dance_resolver_config_t *cfg, struct ub_ctx **out,
                      dance_error_t *err)
{
	*out = NULL;
	struct ub_ctx *ctx = ub_ctx_create();
	if (ctx == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot create an unbound context");
	}
	int rc = ub_ctx_async(ctx, 1);
	if (rc != 0) {
		return ub_fail(ctx, rc, "unbound threads", err);
	}
	dance_code_t code = add_trust_anchors(ctx, cfg, err);
	if (code == DANCE_OK) {
		code = set_servers(ctx, cfg, err);
	}
	if (code == DANCE_OK) {
		*out = ctx;
	}
	return code;
}

void ubx_close(struct ub_ctx *ctx)
{
	if (ctx != NULL) {
		ub_ctx_delete(ctx);
	}
}

int ubx_fd(struct ub_ctx *ctx)
{
	return ub_fd(ctx);
}

void ubx_process(struct ub_ctx *ctx)
{
	ub_process(ctx);
}

/* Maps libunbound's verdict onto an answer. */
static void map_result(int err, struct ub_result *res, const char *owner,
                       dance_tlsa_answer_t *out)
{
	dance_tlsa_answer_init(out);
	out->fetched = time(NULL);
	if (err != 0 || res == NULL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "lookup of %s failed: %s", owner,
		                  ub_strerror(err));
		return;
	}
	if (res->bogus) {
		dance_answer_fail(out, DANCE_DNS_BOGUS, "%s",
		                  res->why_bogus != NULL ? res->why_bogus
		                                         : "validation failed");
		return;
	}
	if (res->rcode == RCODE_SERVFAIL) {
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "resolver answered SERVFAIL for %s", owner);
		return;
	}
	if (res->havedata) {
		dance_answer_from_packet(res->answer_packet,
		                         (size_t)res->answer_len, owner, out);
		out->ttl = (uint32_t)res->ttl;
	} else {
		out->ttl = res->ttl > 0 ? (uint32_t)res->ttl : 0;
	}
	if (!res->secure) {
		out->state = DANCE_DNS_INSECURE;
		snprintf(out->why, sizeof(out->why),
		         "no DNSSEC chain of trust covers %s", owner);
	} else if (res->nxdomain) {
		out->state = DANCE_DNS_NXDOMAIN;
		snprintf(out->why, sizeof(out->why), "%s does not exist",
		         owner);
	} else if (!res->havedata) {
		out->state = DANCE_DNS_NODATA;
		snprintf(out->why, sizeof(out->why), "%s has no TLSA records",
		         owner);
	} else {
		out->state = DANCE_DNS_SECURE;
	}
}

/* State of one blocking lookup run through the async interface. */
typedef struct blocking {
	int done;
	const char *owner;
	dance_tlsa_answer_t *out;
} blocking_t;

static void on_blocking_answer(void *arg, int err, struct ub_result *res)
{
	blocking_t *b = arg;
	map_result(err, res, b->owner, b->out);
	b->done = 1;
	ub_resolve_free(res);
}

static int wait_readable(int fd, uint64_t deadline)
{
	for (;;) {
		uint64_t now = dance_resolver_now_ms();
		if (now >= deadline) {
			return 0;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return 0;
		}
	}
}

dance_code_t ubx_lookup(dance_resolver_t *r, const char *owner,
                        unsigned deadline_ms, dance_tlsa_answer_t *out,
                        dance_error_t *err)
{
	uint64_t deadline = dance_resolver_now_ms() + deadline_ms;
	blocking_t b = {.done = 0, .owner = owner, .out = out};
	int id = 0;
	(void)err;
	pthread_mutex_lock(&r->block_mu);
	int rc = ub_resolve_async(r->ub_block, owner, TLSA_TYPE, CLASS_IN, &b,
	                          on_blocking_answer, &id);
	if (rc != 0) {
		pthread_mutex_unlock(&r->block_mu);
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "cannot start the lookup of %s: %s", owner,
		                  ub_strerror(rc));
		return DANCE_OK;
	}
	while (!b.done && wait_readable(ub_fd(r->ub_block), deadline)) {
		ub_process(r->ub_block);
	}
	if (!b.done) {
		ub_cancel(r->ub_block, id);
		dance_answer_fail(out, DANCE_DNS_TIMEOUT,
		                  "no answer for %s within %u ms", owner,
		                  deadline_ms);
	}
	pthread_mutex_unlock(&r->block_mu);
	return DANCE_OK;
}

static void on_async_answer(void *arg, int err, struct ub_result *res)
{
	pending_t *p = arg;
	map_result(err, res, p->owner, &p->answer);
	ub_resolve_free(res);
	dance_resolver_complete(p->owner_resolver, p);
}

dance_code_t ubx_start_async(dance_resolver_t *r, pending_t *p,
                             dance_error_t *err)
{
	int rc = ub_resolve_async(r->ub_async, p->owner, TLSA_TYPE, CLASS_IN, p,
	                          on_async_answer, &p->ub_id);
	if (rc != 0) {
		return dance_error_set(err, DANCE_EDNS,
		                       "cannot start the lookup of %s: %s",
		                       p->owner, ub_strerror(rc));
	}
	return DANCE_OK;
}

void ubx_cancel(dance_resolver_t *r, pending_t *p)
{
	ub_cancel(r->ub_async, p->ub_id);
}
