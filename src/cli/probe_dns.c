/* probe_dns.c: probe queries and answers through libknot (probe_dns.h). */
#include "probe_dns.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

static dance_code_t knot_failed(dance_error_t *err, const char *what, int rc)
{
	return dance_error_set(err, DANCE_EINVAL, "%s: %s", what,
	                       knot_strerror(rc));
}

static dance_code_t fill_query(knot_pkt_t *pkt, const knot_dname_t *qname,
                               uint16_t qtype, const knot_rrset_t *soa,
                               uint16_t id, dance_error_t *err)
{
	knot_wire_set_id(pkt->wire, id);
	int rc = knot_pkt_put_question(pkt, qname, KNOT_CLASS_IN, qtype);
	if (rc == KNOT_EOK && soa != NULL) {
		rc = knot_pkt_begin(pkt, KNOT_AUTHORITY);
		if (rc == KNOT_EOK) {
			rc = knot_pkt_put(pkt, KNOT_COMPR_HINT_NONE, soa, 0);
		}
	}
	knot_rrset_t opt;
	if (rc == KNOT_EOK) {
		rc = knot_edns_init(&opt, 1232, 0, 0, &pkt->mm);
	}
	if (rc == KNOT_EOK) {
		rc = knot_pkt_begin(pkt, KNOT_ADDITIONAL);
	}
	if (rc == KNOT_EOK) {
		rc = knot_pkt_put(pkt, KNOT_COMPR_HINT_NONE, &opt,
		                  KNOT_PF_FREE);
	}
	if (rc != KNOT_EOK) {
		return knot_failed(err, "cannot build the query", rc);
	}
	return DANCE_OK;
}

dance_code_t probe_dns_query(const char *zone, uint16_t qtype,
                             const knot_rrset_t *soa, uint8_t *buf, size_t cap,
                             size_t *len, uint16_t *id, dance_error_t *err)
{
	if (gnutls_rnd(GNUTLS_RND_NONCE, id, sizeof(*id)) < 0) {
		return dance_error_set(err, DANCE_ECRYPTO,
		                       "no random message ID");
	}
	knot_dname_t *qname = knot_dname_from_str_alloc(zone);
	knot_pkt_t *pkt = knot_pkt_new(NULL, (uint16_t)cap, NULL);
	dance_code_t rc = DANCE_OK;
	if (qname == NULL || pkt == NULL) {
		rc = dance_error_set(err, DANCE_ENOMEM,
		                     "cannot build the query for %s", zone);
	} else {
		rc = fill_query(pkt, qname, qtype, soa, *id, err);
	}
	if (rc == DANCE_OK) {
		memcpy(buf, pkt->wire, pkt->size);
		*len = pkt->size;
	}
	knot_pkt_free(pkt);
	knot_dname_free(qname, NULL);
	return rc;
}

static void rcode_name(uint16_t rcode, char *buf, size_t size)
{
	const knot_lookup_t *item = knot_lookup_by_id(knot_rcode_names, rcode);
	if (item != NULL) {
		snprintf(buf, size, "%s", item->name);
	} else {
		snprintf(buf, size, "RCODE%u", rcode);
	}
}

/* Checks that pkt answers our query. */
static dance_code_t check_header(const knot_pkt_t *pkt, uint16_t id,
                                 const char *zone, uint16_t qtype,
                                 dance_error_t *err)
{
	if (!knot_wire_get_qr(pkt->wire) || knot_wire_get_id(pkt->wire) != id) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "the server's message does not answer "
		                       "the query (ID or QR bit)");
	}
	if (knot_wire_get_qdcount(pkt->wire) == 0) {
		return DANCE_OK;
	}
	knot_dname_t *qname = knot_dname_from_str_alloc(zone);
	int same = qname != NULL &&
	           knot_dname_is_case_equal(knot_pkt_qname(pkt), qname) &&
	           knot_pkt_qtype(pkt) == qtype;
	knot_dname_free(qname, NULL);
	if (!same) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "the server's answer is for another "
		                       "question");
	}
	return DANCE_OK;
}

/* The Extended DNS Error of the answer, if any (RFC 8914: 2-byte info
 * code, then UTF-8 text). */
static void read_ede(const knot_pkt_t *pkt, probe_reply_t *out)
{
	out->ede = -1;
	if (pkt->opt_rr == NULL) {
		return;
	}
	uint8_t *opt =
	        knot_edns_get_option(pkt->opt_rr, KNOT_EDNS_OPTION_EDE, NULL);
	if (opt == NULL || knot_edns_opt_get_length(opt) < 2) {
		return;
	}
	const uint8_t *data = knot_edns_opt_get_data(opt);
	size_t text_len = knot_edns_opt_get_length(opt) - 2;
	out->ede = (data[0] << 8) | data[1];
	if (text_len >= sizeof(out->ede_text)) {
		text_len = sizeof(out->ede_text) - 1;
	}
	for (size_t i = 0; i < text_len; i++) {
		uint8_t c = data[2 + i];
		out->ede_text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out->ede_text[text_len] = '\0';
}

static void read_answer(const knot_pkt_t *pkt, int keep_soa, probe_reply_t *out)
{
	const knot_pktsection_t *an = knot_pkt_section(pkt, KNOT_ANSWER);
	out->answers = an->count;
	if (an->count == 0) {
		return;
	}
	const knot_rrset_t *first = knot_pkt_rr(an, 0);
	const knot_rrset_t *last = knot_pkt_rr(an, an->count - 1);
	if (first->type == KNOT_RRTYPE_SOA && first->rrs.count > 0) {
		out->first_soa = 1;
		out->first_serial = knot_soa_serial(first->rrs.rdata);
		if (keep_soa) {
			out->soa = knot_rrset_copy(first, NULL);
		}
	}
	if (last->type == KNOT_RRTYPE_SOA && last->rrs.count > 0) {
		out->last_soa = 1;
		out->last_serial = knot_soa_serial(last->rrs.rdata);
	}
}

dance_code_t probe_dns_parse(uint8_t *msg, size_t len, uint16_t id,
                             const char *zone, uint16_t qtype, int keep_soa,
                             probe_reply_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	knot_pkt_t *pkt = knot_pkt_new(msg, (uint16_t)len, NULL);
	if (pkt == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = DANCE_OK;
	int krc = knot_pkt_parse(pkt, 0);
	if (krc != KNOT_EOK) {
		rc = knot_failed(err, "malformed answer", krc);
	} else {
		rc = check_header(pkt, id, zone, qtype, err);
	}
	if (rc == DANCE_OK) {
		out->rcode = knot_pkt_ext_rcode(pkt);
		rcode_name(out->rcode, out->rcode_name,
		           sizeof(out->rcode_name));
		out->aa = knot_wire_get_aa(pkt->wire) != 0;
		read_answer(pkt, keep_soa, out);
		read_ede(pkt, out);
	}
	knot_pkt_free(pkt);
	return rc;
}

void probe_reply_clear(probe_reply_t *r)
{
	knot_rrset_free(r->soa, NULL);
	r->soa = NULL;
}
