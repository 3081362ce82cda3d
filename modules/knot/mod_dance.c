/* mod_dance.c: the mod-dance query module: DANE client authentication of
 * zone transfers over TLS (XoT) for Knot DNS.
 *
 * A BEGIN-stage step sees every AXFR and IXFR query of the zones the
 * instance serves. It runs before knotd's own transfer processing
 * (process_query_out runs the BEGIN steps, then axfr_process_query /
 * ixfr_process_query, which apply the zone's ACL), so it can only narrow
 * what the ACL allows. It takes the transport facts and the client
 * credentials from the TLS session, asks libdance for the decision
 * (dance_authz_decide, which also tries the certificate's names as a last
 * hint), logs it and counts it; a denial answers NOTAUTH,
 * as Knot's ACL does, with EDE 18 (Prohibited), and stops the query.
 * Later messages of the same multi-message answer reuse the decision
 * (repeat.h); the END step forgets it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <knot/module.h>

#include <dance/authz.h>
#include <dance/clientid.h>

#include "config.h"
#include "context.h"
#include "loadlog.h"
#include "nsset.h"
#include "peer.h"
#include "repeat.h"
#include "report.h"

static int is_transfer(const knotd_qdata_t *qdata)
{
	return qdata->type == KNOTD_QUERY_TYPE_AXFR ||
	       qdata->type == KNOTD_QUERY_TYPE_IXFR;
}

static knotd_state_t refuse(knotd_qdata_t *qdata)
{
	qdata->rcode = KNOT_RCODE_NOTAUTH;
	qdata->rcode_ede = KNOT_EDNS_EDE_PROHIBITED;
	return KNOTD_STATE_FAIL;
}

/* Plain TCP or UDP: what non-tls: pass leaves to Knot's ACL. A TLS or
 * QUIC session that is not TLS 1.3 with the right ALPN is refused either
 * way. */
static int plain_transport(const knotd_qdata_t *qdata)
{
	return qdata->params->proto == KNOTD_QUERY_PROTO_TCP ||
	       qdata->params->proto == KNOTD_QUERY_PROTO_UDP;
}

/* The not-tls sentence says what the transport actually was. */
static void name_transport(dance_decision_t *d, const md_peer_t *peer)
{
	if (d->reason != DANCE_REASON_NOT_TLS) {
		return;
	}
	char detail[sizeof(d->detail)];
	snprintf(detail, sizeof(detail), "%s; got %s", d->detail,
	         peer->transport);
	memcpy(d->detail, detail, sizeof(d->detail));
}

/* The dane_clientid name the peer sent in this TLS session, if any. */
static dance_clientid_status_t claimed(const md_ctx_t *ctx,
                                       const md_peer_t *peer, char *name,
                                       dance_error_t *err)
{
	if (!ctx->clientid || peer->session == NULL) {
		name[0] = '\0';
		return DANCE_CLIENTID_NONE;
	}
	return dance_clientid_server_get(peer->session, ctx->clientid_type,
	                                 name, DANCE_NAME_MAX, err);
}

static int decide(md_ctx_t *ctx, knotd_mod_t *mod, knotd_qdata_t *qdata,
                  const char *zone, const md_peer_t *peer)
{
	if (ctx->ns_derived && ctx->authz != NULL) {
		md_nsset_sync(&ctx->ns, ctx->authz, mod, qdata, zone);
	}
	char name[DANCE_NAME_MAX];
	dance_error_t err;
	dance_clientid_status_t cid = claimed(ctx, peer, name, &err);
	dance_request_t req = {
	        .zone = zone,
	        .peer = peer->label,
	        .tls = peer->tls,
	        .creds = &peer->creds,
	        .claimed_name = cid == DANCE_CLIENTID_NAME ? name : NULL,
	        .digested = peer->tls
	                            ? md_digests_get(&ctx->digests,
	                                             qdata->params->thread_id,
	                                             peer->conn, peer->conn_len,
	                                             &peer->creds)
	                            : NULL,
	};
	dance_decision_t d;
	if (cid == DANCE_CLIENTID_MALFORMED) {
		/* The handshake fails first; kept for completeness. */
		dance_decision_deny(&d, DANCE_REASON_BAD_CLIENTID, "", "%s",
		                    err.reason);
	} else if (ctx->authz != NULL) {
		dance_authz_decide(ctx->authz, &req, &d);
	} else {
		dance_decision_deny(&d, DANCE_REASON_INTERNAL, "",
		                    "mod-dance is not configured (fails "
		                    "closed): %s",
		                    ctx->broken);
	}
	name_transport(&d, peer);
	md_report_decision(mod, ctx->log_priority, qdata->params->thread_id, &d,
	                   zone, peer->label);
	return d.allow;
}

/* The key of the answer this message belongs to (repeat.h). */
static void answer_key(const knotd_qdata_t *qdata, const md_peer_t *peer,
                       md_repeat_key_t *key)
{
	const knot_dname_t *qname = knot_pkt_qname(qdata->query);
	const dance_creds_t *creds = &peer->creds;
	memset(key, 0, sizeof(*key));
	key->thread = qdata->params->thread_id;
	key->conn = peer->conn;
	key->conn_len = peer->conn_len;
	key->stream = qdata->params->quic_stream;
	key->qname = qname;
	key->qname_len = qname != NULL ? knot_dname_size(qname) : 0;
	key->qtype = knot_pkt_qtype(qdata->query);
	key->msgid = knot_wire_get_id(qdata->query->wire);
	if (creds->count > 0 && creds->certs != NULL) {
		key->leaf = creds->certs[0].data;
		key->leaf_len = creds->certs[0].size;
	}
}

static knotd_state_t transfer_begin(knotd_state_t state, knot_pkt_t *pkt,
                                    knotd_qdata_t *qdata, knotd_mod_t *mod)
{
	(void)pkt;
	const knot_dname_t *zone_name = knotd_qdata_zone_name(qdata);
	if (!is_transfer(qdata) || zone_name == NULL) {
		return state; /* not ours; no zone: knotd refuses it */
	}
	md_ctx_t *ctx = knotd_mod_ctx(mod);
	md_peer_t peer;
	md_peer_read(qdata->params, &peer);
	md_repeat_key_t key;
	answer_key(qdata, &peer, &key);
	int allow = md_repeat_find(&ctx->repeat, &key);
	if (allow >= 0) {
		return allow ? state : refuse(qdata);
	}
	char zone[KNOT_DNAME_TXT_MAXLEN + 1];
	if (knot_dname_to_str(zone, zone_name, sizeof(zone)) == NULL) {
		return refuse(qdata);
	}
	if (!peer.tls && ctx->non_tls_pass && plain_transport(qdata)) {
		md_report_non_tls_pass(mod, qdata->params->thread_id, zone,
		                       peer.addr, peer.transport);
		allow = 1;
	} else {
		allow = decide(ctx, mod, qdata, zone, &peer);
	}
	md_repeat_store(&ctx->repeat, &key, allow);
	return allow ? state : refuse(qdata);
}

/* A final state ends the answer; anything else is knotd's "produce more
 * messages" (its layer's PRODUCE, which module.h does not name). */
static int answer_complete(knotd_state_t state)
{
	return state == KNOTD_STATE_NOOP || state == KNOTD_STATE_DONE ||
	       state == KNOTD_STATE_FAIL || state == KNOTD_STATE_FINAL;
}

static knotd_state_t transfer_end(knotd_state_t state, knot_pkt_t *pkt,
                                  knotd_qdata_t *qdata, knotd_mod_t *mod)
{
	(void)pkt;
	if (is_transfer(qdata)) {
		md_ctx_t *ctx = knotd_mod_ctx(mod);
		md_repeat_end(&ctx->repeat, qdata->params->thread_id,
		              answer_complete(state));
	}
	return state;
}

static void ctx_free(md_ctx_t *ctx)
{
	if (ctx == NULL) {
		return;
	}
	dance_authz_free(ctx->authz);
	md_nsset_free(&ctx->ns);
	md_repeat_free(&ctx->repeat);
	md_digests_free(&ctx->digests);
	free(ctx);
}

/* knotd makes its TLS sessions itself: the extension is registered with
 * GnuTLS for the whole process. The first instance does it (knotd loads
 * global and zone modules at start before it serves; GnuTLS's
 * registration is not thread safe), later ones and reloads find it there.
 * Without it claims are not read and key discovery still decides. */
static void start_clientid(knotd_mod_t *mod, md_ctx_t *ctx,
                           const md_settings_t *settings)
{
	if (!settings->clientid) {
		return;
	}
	dance_error_t err;
	if (dance_clientid_register_global(settings->clientid_type, &err) !=
	    DANCE_OK) {
		knotd_mod_log(mod, LOG_WARNING,
		              "dane_clientid not read, identities come from "
		              "key discovery only: %s",
		              err.reason);
		return;
	}
	ctx->clientid = 1;
	ctx->clientid_type = settings->clientid_type;
}

/* Builds and starts the authorizer from the instance's section. When that
 * fails the instance stays loaded without one and denies every transfer:
 * a module that failed to load would leave the zone to Knot's ACL alone,
 * which is failing open. */
static void start_authorizer(knotd_mod_t *mod, md_ctx_t *ctx)
{
	dance_authz_config_t cfg;
	md_config_strings_t strings;
	md_settings_t settings;
	dance_policy_t policy;
	dance_error_t err;
	dance_error_clear(&err);
	dance_policy_init(&policy);
	char loaded[1024] = "";
	dance_code_t rc =
	        md_config_read(mod, &cfg, &strings, &policy, &settings, &err);
	if (rc == DANCE_OK) {
		/* before dance_authz_new takes the policy */
		md_loadlog_format(&cfg, &policy, &settings, loaded,
		                  sizeof(loaded));
		rc = dance_authz_new(&cfg, &policy, &ctx->authz, &err);
	}
	if (rc == DANCE_OK) {
		rc = dance_authz_start(ctx->authz, &err);
	}
	md_config_strings_free(&strings);
	dance_policy_clear(&policy);
	if (rc != DANCE_OK) {
		dance_authz_free(ctx->authz);
		ctx->authz = NULL;
		snprintf(ctx->broken, sizeof(ctx->broken), "%s", err.reason);
		knotd_mod_log(mod, LOG_ERR,
		              "authorizer not started, every transfer will be "
		              "denied (built for %s): %s",
		              md_built_for(), err.reason);
		return;
	}
	knotd_mod_log(mod, LOG_INFO, "%s", loaded);
	ctx->ns_derived = settings.ns_derived;
	ctx->non_tls_pass = settings.non_tls_pass;
	ctx->log_priority = settings.log_priority;
	start_clientid(mod, ctx, &settings);
}

static int dance_load(knotd_mod_t *mod)
{
	md_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		return KNOT_ENOMEM;
	}
	md_nsset_init(&ctx->ns);
	if (md_repeat_init(&ctx->repeat, knotd_mod_threads(mod)) != 0 ||
	    md_digests_init(&ctx->digests, knotd_mod_threads(mod)) != 0) {
		ctx_free(ctx);
		return KNOT_ENOMEM;
	}
	ctx->log_priority = LOG_INFO;
	int ret = md_report_init(mod);
	if (ret != KNOT_EOK) {
		ctx_free(ctx);
		return ret;
	}
	start_authorizer(mod, ctx);
	knotd_mod_ctx_set(mod, ctx);
	ret = knotd_mod_hook(mod, KNOTD_STAGE_BEGIN, transfer_begin);
	if (ret == KNOT_EOK) {
		ret = knotd_mod_hook(mod, KNOTD_STAGE_END, transfer_end);
	}
	if (ret != KNOT_EOK) { /* knotd closes the module without unload */
		ctx_free(ctx);
		knotd_mod_ctx_set(mod, NULL);
	}
	return ret;
}

static void dance_unload(knotd_mod_t *mod)
{
	ctx_free(knotd_mod_ctx(mod));
	knotd_mod_ctx_set(mod, NULL);
}

KNOTD_MOD_API(dance, KNOTD_MOD_FLAG_SCOPE_ANY, dance_load, dance_unload,
              md_config_schema, md_config_check);
