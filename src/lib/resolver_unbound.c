/* resolver_unbound.c: the embedded validator backend (libunbound). */
#include "resolver_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libknot/libknot.h>
#include <unbound.h>

#define ROOT_KEY_FILE "/usr/share/dns/root.key"

/* A name that is never a local zone: removing it only makes libunbound
 * finalise the context (see finalize_now). */
#define NEVER_A_ZONE "finalize.dance.invalid."

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
		rc = ub_ctx_add_ta(ctx, cfg->trust_anchor);
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
	rc = ub_ctx_add_ta_file(ctx, file);
	if (rc != 0) {
		char what[600];
		snprintf(what, sizeof(what), "trust anchor file %s", file);
		return ub_fail(ctx, rc, what, err);
	}
	return DANCE_OK;
}

static int add_server(struct ub_ctx *ctx, const dance_resolver_config_t *cfg,
                      const char *addr)
{
	int rc = 0;
	if (cfg->mode == DANCE_RESOLVE_FORWARD) {
		return ub_ctx_set_fwd(ctx, addr);
	}
	for (size_t z = 0; cfg->mode == DANCE_RESOLVE_STUB &&
	                   z < cfg->stub_zone_count && rc == 0;
	     z++) {
		rc = ub_ctx_set_stub(ctx, cfg->stub_zones[z], addr, 0);
	}
	return rc;
}

static dance_code_t set_servers(struct ub_ctx *ctx, const dance_resolver_t *r,
                                const dance_resolver_config_t *cfg,
                                dance_error_t *err)
{
	for (size_t i = 0; i < cfg->server_count; i++) {
		int rc = add_server(ctx, cfg, cfg->servers[i]);
		if (rc != 0) {
			char what[128];
			snprintf(what, sizeof(what), "resolver address %s",
			         cfg->servers[i]);
			return ub_fail(ctx, rc, what, err);
		}
	}
	/* Sidecar and test resolvers live on loopback, which unbound
	 * refuses to query by default. */
	if (r->any_loopback) {
		int rc =
		        ub_ctx_set_option(ctx, "do-not-query-localhost:", "no");
		if (rc != 0) {
			return ub_fail(ctx, rc, "unbound option", err);
		}
	}
	return DANCE_OK;
}

/* Makes libunbound apply its configuration now (it would on the first
 * lookup), so a trust anchor it cannot parse fails dance_resolver_new
 * instead of every lookup. The configured zones are made transparent so
 * that unbound's built-in local zones for special-use names (RFC 6761,
 * e.g. "test.") do not answer for them; either call finalises the
 * context. */
/* libunbound reports why a configuration fails (a trust anchor file's
 * "parse error in FILE:LINE:COL : what") only in its log, which goes to
 * stderr (lost under knotd -d). While finalising, the log goes to memory,
 * and the first error line is kept for the reason. */
typedef struct ub_log_capture {
	FILE *stream;
	char *text;
	size_t len;
} ub_log_capture_t;

static void capture_begin(struct ub_ctx *ctx, ub_log_capture_t *cap)
{
	memset(cap, 0, sizeof(*cap));
	cap->stream = open_memstream(&cap->text, &cap->len);
	if (cap->stream != NULL) {
		ub_ctx_debugout(ctx, cap->stream);
	}
}

/* Back to stderr; the first "error: " line of the log into why. */
static void capture_end(struct ub_ctx *ctx, ub_log_capture_t *cap, char *why,
                        size_t size)
{
	why[0] = '\0';
	if (cap->stream == NULL) {
		return;
	}
	ub_ctx_debugout(ctx, stderr);
	fclose(cap->stream);
	const char *at =
	        cap->text != NULL ? strstr(cap->text, "error: ") : NULL;
	if (at != NULL) {
		at += strlen("error: ");
		size_t n = strcspn(at, "\n");
		snprintf(why, size, "%.*s", (int)n, at);
	}
	free(cap->text);
}

/* libunbound reads its trust anchors and servers when the context is
 * finalised, which a local-zone change forces without any query. */
static int finalize_ctx(struct ub_ctx *ctx, const dance_resolver_config_t *cfg,
                        char *why, size_t size)
{
	ub_log_capture_t cap;
	int rc = 0;
	capture_begin(ctx, &cap);
	if (cfg == NULL || cfg->stub_zone_count == 0) {
		rc = ub_ctx_zone_remove(ctx, NEVER_A_ZONE);
	}
	for (size_t z = 0; cfg != NULL && z < cfg->stub_zone_count && rc == 0;
	     z++) {
		rc = ub_ctx_zone_add(ctx, cfg->stub_zones[z], "transparent");
	}
	capture_end(ctx, &cap, why, size);
	return rc;
}

static dance_code_t finalize_now(struct ub_ctx *ctx,
                                 const dance_resolver_config_t *cfg,
                                 dance_error_t *err)
{
	char why[DANCE_REASON_MAX / 2];
	int rc = finalize_ctx(ctx, cfg, why, sizeof(why));
	if (rc != 0) {
		ub_ctx_delete(ctx);
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "unbound rejected the configuration "
		        "(trust anchors, servers or zones): %s%s%s",
		        ub_strerror(rc), why[0] ? ": " : "", why);
	}
	return DANCE_OK;
}

dance_code_t ubx_check_trust_anchor_file(const char *file, dance_error_t *err)
{
	dance_resolver_config_t cfg = {.trust_anchor_file = file};
	struct ub_ctx *ctx = ub_ctx_create();
	if (ctx == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot create an unbound context");
	}
	dance_code_t code = add_trust_anchors(ctx, &cfg, err);
	if (code != DANCE_OK) {
		return code; /* add_trust_anchors freed ctx */
	}
	char why[DANCE_REASON_MAX / 2];
	int rc = finalize_ctx(ctx, NULL, why, sizeof(why));
	ub_ctx_delete(ctx);
	if (rc != 0) {
		return dance_error_set(
		        err, DANCE_EINVAL,
		        "trust anchor file %s does not parse: %s", file,
		        why[0] ? why : ub_strerror(rc));
	}
	return DANCE_OK;
}

dance_code_t ubx_open(const dance_resolver_t *r,
                      const dance_resolver_config_t *cfg, struct ub_ctx **out,
                      dance_error_t *err)
{
	*out = NULL;
	struct ub_ctx *ctx = ub_ctx_create();
	if (ctx == NULL) {
		return dance_error_set(err, DANCE_ENOMEM,
		                       "cannot create an unbound context");
	}
	/* A thread, not a forked process, answers async queries. */
	int rc = ub_ctx_async(ctx, 1);
	if (rc != 0) {
		return ub_fail(ctx, rc, "unbound threads", err);
	}
	dance_code_t code = add_trust_anchors(ctx, cfg, err);
	if (code == DANCE_OK) {
		code = set_servers(ctx, r, cfg, err);
	}
	if (code == DANCE_OK) {
		code = finalize_now(ctx, cfg, err);
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

static void rcode_text(int rcode, char *buf, size_t size)
{
	const knot_lookup_t *item = knot_lookup_by_id(knot_rcode_names, rcode);
	if (item != NULL) {
		snprintf(buf, size, "%s", item->name);
	} else {
		snprintf(buf, size, "RCODE%d", rcode);
	}
}

/* The negative or positive verdict of a validated (or insecure) reply. */
static void map_data(const struct ub_result *res, const char *owner,
                     dance_tlsa_answer_t *out)
{
	if (res->havedata) {
		dance_answer_from_packet(res->answer_packet,
		                         (size_t)res->answer_len, owner, out);
	}
	out->ttl = res->ttl > 0 ? (uint32_t)res->ttl : 0;
	if (!res->secure) {
		out->state = DANCE_DNS_INSECURE;
		snprintf(out->why, sizeof(out->why),
		         "no DNSSEC chain of trust covers %s (%s)", owner,
		         res->nxdomain   ? "name does not exist"
		         : res->havedata ? "TLSA records unsigned"
		                         : "no TLSA records");
	} else if (res->nxdomain) {
		out->state = DANCE_DNS_NXDOMAIN;
		snprintf(out->why, sizeof(out->why),
		         "%s does not exist (DNSSEC-proven)", owner);
	} else if (!res->havedata) {
		out->state = DANCE_DNS_NODATA;
		snprintf(out->why, sizeof(out->why),
		         "%s has no TLSA records (DNSSEC-proven)", owner);
	} else {
		out->state = DANCE_DNS_SECURE;
	}
}

/* Maps libunbound's verdict onto an answer. */
static void map_result(int err, const struct ub_result *res, const char *owner,
                       dance_tlsa_answer_t *out)
{
	char rcode[32];
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
	if (res->rcode != KNOT_RCODE_NOERROR &&
	    res->rcode != KNOT_RCODE_NXDOMAIN) {
		rcode_text(res->rcode, rcode, sizeof(rcode));
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "no usable answer for %s: %s (servers "
		                  "unreachable, refusing or failing)",
		                  owner, rcode);
		return;
	}
	map_data(res, owner, out);
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

/* Takes block_mu unless the deadline passes first. */
static int lock_until(pthread_mutex_t *mu, uint64_t deadline)
{
	struct timespec until = {
	        .tv_sec = (time_t)(deadline / 1000),
	        .tv_nsec = (long)(deadline % 1000) * 1000000L,
	};
	return pthread_mutex_clocklock(mu, CLOCK_MONOTONIC, &until) == 0;
}

void ubx_lookup(dance_resolver_t *r, const char *owner, unsigned deadline_ms,
                dance_tlsa_answer_t *out)
{
	uint64_t deadline = dance_resolver_now_ms() + deadline_ms;
	blocking_t b = {.done = 0, .owner = owner, .out = out};
	int id = 0;
	if (!lock_until(&r->block_mu, deadline)) {
		dance_answer_fail(out, DANCE_DNS_TIMEOUT,
		                  "no answer for %s within %u ms (other "
		                  "lookups held the resolver)",
		                  owner, deadline_ms);
		return;
	}
	int rc = ub_resolve_async(r->ub_block, owner, KNOT_RRTYPE_TLSA,
	                          KNOT_CLASS_IN, &b, on_blocking_answer, &id);
	if (rc != 0) {
		pthread_mutex_unlock(&r->block_mu);
		dance_answer_fail(out, DANCE_DNS_SERVFAIL,
		                  "cannot start the lookup of %s: %s", owner,
		                  ub_strerror(rc));
		return;
	}
	while (!b.done && wait_readable(ub_fd(r->ub_block), deadline)) {
		ub_process(r->ub_block);
	}
	if (!b.done) {
		/* Its late answer is dropped by a later ub_process. */
		ub_cancel(r->ub_block, id);
		dance_answer_fail(out, DANCE_DNS_TIMEOUT,
		                  "no answer for %s within %u ms", owner,
		                  deadline_ms);
	}
	pthread_mutex_unlock(&r->block_mu);
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
	int rc = ub_resolve_async(r->ub_async, p->owner, KNOT_RRTYPE_TLSA,
	                          KNOT_CLASS_IN, p, on_async_answer, &p->ub_id);
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
