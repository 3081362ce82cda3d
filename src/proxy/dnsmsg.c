/* dnsmsg.c: query classification and the proxy's own answers. */
#include "dnsmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

/* A packet holding a copy of msg, parsed with flags; NULL on failure. */
static knot_pkt_t *parse_copy(const uint8_t *msg, size_t len, unsigned flags,
                              int *rc)
{
	*rc = KNOT_EINVAL;
	if (len > KNOT_WIRE_MAX_PKTSIZE) {
		return NULL;
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		*rc = KNOT_ENOMEM;
		return NULL;
	}
	memcpy(pkt->wire, msg, len);
	pkt->size = len;
	*rc = knot_pkt_parse(pkt, flags);
	if (*rc != KNOT_EOK) {
		knot_pkt_free(pkt);
		return NULL;
	}
	return pkt;
}

static void refuse(dp_query_t *out, const char *why)
{
	out->pass = 0;
	snprintf(out->why, sizeof(out->why), "%s", why);
}

dance_code_t dp_query_classify(const uint8_t *msg, size_t len, dp_query_t *out,
                               dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->qtype_name, sizeof(out->qtype_name), "none");
	if (len >= 2) {
		out->id = knot_wire_get_id(msg);
	}
	if (len < KNOT_WIRE_HEADER_SIZE) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "message of %zu bytes is shorter than a "
		                       "DNS header",
		                       len);
	}
	if (knot_wire_get_qr(msg)) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "message is a response, not a query");
	}
	int rc;
	knot_pkt_t *pkt = parse_copy(msg, len, 0, &rc);
	if (pkt == NULL) {
		return dance_error_set(
		        err, rc == KNOT_ENOMEM ? DANCE_ENOMEM : DANCE_EINVAL,
		        "query does not parse: %s", knot_strerror(rc));
	}
	out->qtype = knot_pkt_qtype(pkt);
	out->qclass = knot_pkt_qclass(pkt);
	if (knot_rrtype_to_string(out->qtype, out->qtype_name,
	                          sizeof(out->qtype_name)) < 0) {
		snprintf(out->qtype_name, sizeof(out->qtype_name), "TYPE%u",
		         out->qtype);
	}
	const knot_dname_t *qname = knot_pkt_qname(pkt);
	char text[KNOT_DNAME_TXT_MAXLEN + 1] = "";
	if (qname != NULL &&
	    knot_dname_to_str(text, qname, sizeof(text)) != NULL &&
	    dance_name_normalize(text, out->zone, NULL) != DANCE_OK) {
		out->zone[0] = '\0';
	}
	out->pass = 1;
	if (knot_wire_get_opcode(msg) != KNOT_OPCODE_QUERY) {
		refuse(out, "opcode is not QUERY");
	} else if (knot_wire_get_qdcount(msg) != 1) {
		refuse(out, "not exactly one question");
	} else if (out->qclass != KNOT_CLASS_IN) {
		refuse(out, "class is not IN");
	} else if (out->qtype != KNOT_RRTYPE_AXFR &&
	           out->qtype != KNOT_RRTYPE_IXFR &&
	           out->qtype != KNOT_RRTYPE_SOA) {
		refuse(out, "only AXFR, IXFR and SOA queries are relayed");
	} else if (out->zone[0] == '\0') {
		refuse(out, "query name is not a usable zone name");
	} else if (knot_pkt_has_tsig(pkt)) {
		/* The proxy cannot verify it, and signs with its own key. */
		refuse(out, "TSIG-signed queries are not relayed");
	}
	knot_pkt_free(pkt);
	return DANCE_OK;
}

/* An answer of the header alone: id, opcode, RD copied, QR set. */
static dance_code_t header_only(const uint8_t *query, size_t qlen,
                                uint16_t rcode, uint8_t *out, size_t max,
                                size_t *out_len, dance_error_t *err)
{
	if (qlen < 2 || max < KNOT_WIRE_HEADER_SIZE) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "no message id to answer");
	}
	memset(out, 0, KNOT_WIRE_HEADER_SIZE);
	knot_wire_set_id(out, knot_wire_get_id(query));
	if (qlen >= 3) {
		knot_wire_set_opcode(out, knot_wire_get_opcode(query));
		if (knot_wire_get_rd(query)) {
			knot_wire_set_rd(out);
		}
	}
	knot_wire_set_qr(out);
	knot_wire_set_rcode(out, (uint8_t)rcode);
	*out_len = KNOT_WIRE_HEADER_SIZE;
	return DANCE_OK;
}

static int add_ede(knot_pkt_t *resp, int ede, const char *text,
                   knot_rrset_t *opt)
{
	uint8_t data[2 + 128];
	size_t tlen = text != NULL ? strlen(text) : 0;
	if (tlen > sizeof(data) - 2) {
		tlen = sizeof(data) - 2;
	}
	knot_wire_write_u16(data, (uint16_t)ede);
	if (tlen > 0) {
		memcpy(data + 2, text, tlen);
	}
	int rc = knot_edns_init(opt, KNOT_WIRE_MAX_PKTSIZE, 0, 0, NULL);
	if (rc == KNOT_EOK) {
		rc = knot_edns_add_option(opt, KNOT_EDNS_OPTION_EDE,
		                          (uint16_t)(2 + tlen), data, NULL);
	}
	if (rc == KNOT_EOK) {
		rc = knot_pkt_begin(resp, KNOT_ADDITIONAL);
	}
	if (rc == KNOT_EOK) {
		rc = knot_pkt_put(resp, KNOT_COMPR_HINT_NONE, opt, 0);
	}
	return rc;
}

dance_code_t dp_answer_error(const uint8_t *query, size_t qlen, uint16_t rcode,
                             int ede, const char *ede_text, uint8_t *out,
                             size_t max, size_t *out_len, dance_error_t *err)
{
	int rc;
	knot_pkt_t *q = NULL;
	if (qlen >= KNOT_WIRE_HEADER_SIZE && !knot_wire_get_qr(query)) {
		q = parse_copy(query, qlen, 0, &rc);
	}
	if (q == NULL || knot_wire_get_qdcount(query) != 1) {
		knot_pkt_free(q);
		return header_only(query, qlen, rcode, out, max, out_len, err);
	}
	knot_pkt_t *resp = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (resp == NULL) {
		knot_pkt_free(q);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	knot_rrset_t opt;
	knot_rrset_init_empty(&opt);
	rc = knot_pkt_init_response(resp, q);
	if (rc == KNOT_EOK) {
		knot_wire_set_rcode(resp->wire, (uint8_t)rcode);
		knot_wire_clear_aa(resp->wire);
		if (ede >= 0 && knot_pkt_has_edns(q)) {
			rc = add_ede(resp, ede, ede_text, &opt);
		}
	}
	dance_code_t result = DANCE_OK;
	if (rc != KNOT_EOK) {
		result = dance_error_set(err, DANCE_EINVAL,
		                         "cannot build the answer: %s",
		                         knot_strerror(rc));
	} else if (resp->size > max) {
		result = dance_error_set(err, DANCE_EINVAL,
		                         "answer of %zu bytes does not fit",
		                         resp->size);
	} else {
		memcpy(out, resp->wire, resp->size);
		*out_len = resp->size;
	}
	knot_pkt_free(resp);
	knot_pkt_free(q);
	knot_rrset_clear(&opt, NULL);
	return result;
}

dance_code_t dp_query_build(const char *zone, uint16_t qtype, uint16_t id,
                            uint8_t *out, size_t max, size_t *out_len,
                            dance_error_t *err)
{
	knot_dname_storage_t qname;
	if (knot_dname_from_str(qname, zone, sizeof(qname)) == NULL) {
		return dance_error_set(err, DANCE_EINVAL, "bad zone name %s",
		                       zone);
	}
	knot_pkt_t *pkt = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (pkt == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	knot_wire_set_id(pkt->wire, id);
	int rc = knot_pkt_put_question(pkt, qname, KNOT_CLASS_IN, qtype);
	dance_code_t result = DANCE_OK;
	if (rc != KNOT_EOK || pkt->size > max) {
		result = dance_error_set(err, DANCE_EINVAL,
		                         "cannot build the query");
	} else {
		memcpy(out, pkt->wire, pkt->size);
		*out_len = pkt->size;
	}
	knot_pkt_free(pkt);
	return result;
}

static void free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
}

dance_code_t dp_answer_ns(const uint8_t *msg, size_t len, const char *zone,
                          char ***names, size_t *count, dance_error_t *err)
{
	*names = NULL;
	*count = 0;
	int rc;
	knot_pkt_t *pkt = parse_copy(msg, len, 0, &rc);
	if (pkt == NULL) {
		return dance_error_set(err, DANCE_EINVAL,
		                       "NS answer does not parse: %s",
		                       knot_strerror(rc));
	}
	if (knot_wire_get_rcode(pkt->wire) != KNOT_RCODE_NOERROR) {
		dance_code_t r = dance_error_set(
		        err, DANCE_EDNS, "NS query for %s answered %s", zone,
		        knot_pkt_ext_rcode_name(pkt));
		knot_pkt_free(pkt);
		return r;
	}
	const knot_pktsection_t *an = knot_pkt_section(pkt, KNOT_ANSWER);
	char **list = NULL;
	size_t n = 0;
	dance_code_t result = DANCE_OK;
	for (uint16_t i = 0; i < an->count && result == DANCE_OK; i++) {
		const knot_rrset_t *rr = knot_pkt_rr(an, i);
		char owner[KNOT_DNAME_TXT_MAXLEN + 1], on[DANCE_NAME_MAX];
		if (rr->type != KNOT_RRTYPE_NS ||
		    knot_dname_to_str(owner, rr->owner, sizeof(owner)) ==
		            NULL ||
		    dance_name_normalize(owner, on, NULL) != DANCE_OK ||
		    strcmp(on, zone) != 0) {
			continue;
		}
		for (uint16_t j = 0; j < rr->rrs.count; j++) {
			char text[KNOT_DNAME_TXT_MAXLEN + 1],
			        normal[DANCE_NAME_MAX];
			const knot_rdata_t *rd = knot_rdataset_at(&rr->rrs, j);
			/* knot_pkt_parse does not check RDATA by type. */
			if (knot_dname_wire_check(rd->data, rd->data + rd->len,
			                          NULL) <= 0 ||
			    knot_dname_to_str(text, knot_ns_name(rd),
			                      sizeof(text)) == NULL ||
			    dance_name_normalize(text, normal, NULL) !=
			            DANCE_OK) {
				continue;
			}
			char **grown = realloc(list, (n + 1) * sizeof(char *));
			if (grown == NULL ||
			    (grown[n] = strdup(normal)) == NULL) {
				if (grown != NULL) {
					list = grown;
				}
				result = dance_error_set(err, DANCE_ENOMEM,
				                         "out of memory");
				break;
			}
			list = grown;
			n++;
		}
	}
	knot_pkt_free(pkt);
	if (result != DANCE_OK) {
		free_names(list, n);
		return result;
	}
	*names = list;
	*count = n;
	return DANCE_OK;
}
