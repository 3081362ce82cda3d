/* fuzz_modconf.c: the mod-dance configuration as Knot reads it.
 *
 * The input is configuration text ("mod-dance:\n  - id: x\n    allow:
 * ..."). It goes through libknot's own yparser and schema check (text to
 * the binary item values knotd stores), then through the module's code in
 * modules/knot/config.c exactly as knotd would call it: each item's check
 * callback of md_config_schema, md_config_check per section, and, for a
 * section that passes, md_config_read (which builds the policy and the
 * authorizer configuration). The few knotd functions config.c calls
 * (knotd_conf_check_item, knotd_conf_mod, knotd_conf_free,
 * knotd_mod_zone) are stood in for here, serving the values parsed.
 * Properties: a refused value carries a message; a section that passes
 * the checks is read without error; resolver-mode ad passes only with
 * loopback resolvers.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <knot/module.h>
#include <libknot/yparser/yparser.h>
#include <libknot/yparser/ypschema.h>
#include <libknot/yparser/yptrafo.h>

#include "config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ITEMS  32
#define MAX_VALUES 16

/* Values of one section, per item of the sub-schema. */
typedef struct value {
	uint8_t *data;
	size_t len;
} value_t;

typedef struct section {
	const yp_item_t *items[MAX_ITEMS];
	value_t values[MAX_ITEMS][MAX_VALUES];
	size_t count[MAX_ITEMS];
	size_t item_count;
	int has_id;
} section_t;

/* The parsed section knotd_conf_* serve (the harness runs one input at a
 * time, single-threaded). */
static section_t *current;

static yp_item_t sub_items[MAX_ITEMS + 2];
static yp_item_t top_schema[2];

static void build_schema(void)
{
	size_t n = 0;
	if (top_schema[0].name != NULL) {
		return;
	}
	sub_items[n++] = (yp_item_t){.name = (const yp_name_t *)"\002id",
	                             .type = YP_TSTR};
	for (const yp_item_t *it = md_config_schema;
	     it->name != NULL && n < MAX_ITEMS; it++) {
		sub_items[n++] = *it;
	}
	top_schema[0] = (yp_item_t){
	        .name = (const yp_name_t *)"\011mod-dance",
	        .type = YP_TGRP,
	        .var.g = {.sub_items = sub_items},
	        .flags = YP_FMULTI,
	};
}

static void section_clear(section_t *s)
{
	for (size_t i = 0; i < MAX_ITEMS; i++) {
		for (size_t k = 0; k < s->count[i]; k++) {
			free(s->values[i][k].data);
		}
	}
	memset(s, 0, sizeof(*s));
}

static size_t item_slot(section_t *s, const yp_item_t *item)
{
	for (size_t i = 0; i < s->item_count; i++) {
		if (s->items[i] == item ||
		    strcmp((const char *)s->items[i]->name,
		           (const char *)item->name) == 0) {
			return i;
		}
	}
	if (s->item_count == MAX_ITEMS) {
		return MAX_ITEMS;
	}
	s->items[s->item_count] = item;
	return s->item_count++;
}

static void section_store(section_t *s, const yp_item_t *item,
                          const uint8_t *data, size_t len)
{
	size_t slot = item_slot(s, item);
	if (slot == MAX_ITEMS) {
		return;
	}
	if (!(item->flags & YP_FMULTI)) {
		for (size_t k = 0; k < s->count[slot]; k++) {
			free(s->values[slot][k].data);
		}
		s->count[slot] = 0;
	}
	if (s->count[slot] == MAX_VALUES) {
		return;
	}
	uint8_t *copy = malloc(len + 1);
	if (copy == NULL) {
		return;
	}
	memcpy(copy, data, len);
	copy[len] = 0;
	s->values[slot][s->count[slot]++] = (value_t){copy, len};
}

static knotd_conf_val_t to_val(const yp_item_t *item, const value_t *v)
{
	knotd_conf_val_t val;
	bool no_port = false;
	memset(&val, 0, sizeof(val));
	switch (item->type) {
	case YP_TOPT: val.option = yp_opt(v->data); break;
	case YP_TBOOL: val.boolean = yp_bool(v->data); break;
	case YP_TINT: val.integer = yp_int(v->data); break;
	case YP_TADDR: val.addr = yp_addr(v->data, &no_port); break;
	case YP_TDNAME: val.dname = yp_dname(v->data); break;
	case YP_TSTR: val.string = yp_str(v->data); break;
	default:
		val.data = v->data;
		val.data_len = v->len;
		break;
	}
	return val;
}

static knotd_conf_val_t default_val(const yp_item_t *item)
{
	knotd_conf_val_t val;
	memset(&val, 0, sizeof(val));
	switch (item->type) {
	case YP_TOPT: val.option = item->var.o.dflt; break;
	case YP_TBOOL: val.boolean = item->var.b.dflt; break;
	case YP_TINT: val.integer = item->var.i.dflt; break;
	case YP_TSTR: val.string = item->var.s.dflt; break;
	default: break;
	}
	return val;
}

static const yp_item_t *find_item(const yp_name_t *name)
{
	for (const yp_item_t *it = sub_items; it->name != NULL; it++) {
		if (strcmp((const char *)it->name, (const char *)name) == 0) {
			return it;
		}
	}
	return NULL;
}

static knotd_conf_t conf_get(const yp_name_t *name)
{
	knotd_conf_t conf;
	memset(&conf, 0, sizeof(conf));
	const yp_item_t *item = find_item(name);
	FUZZ_CHECK(item != NULL, "module asks for unknown item %s",
	           (const char *)name + 1);
	size_t slot = current != NULL ? item_slot(current, item) : MAX_ITEMS;
	size_t count = slot < MAX_ITEMS ? current->count[slot] : 0;
	if (count == 0) {
		conf.single = default_val(item);
		return conf;
	}
	conf.count = count;
	conf.single = to_val(item, &current->values[slot][count - 1]);
	if (item->flags & YP_FMULTI) {
		conf.multi = calloc(count, sizeof(*conf.multi));
		FUZZ_CHECK(conf.multi != NULL, "out of memory");
		for (size_t k = 0; k < count; k++) {
			conf.multi[k] = to_val(item, &current->values[slot][k]);
		}
		conf.single = conf.multi[0];
	}
	return conf;
}

/* ---- what knotd offers the module (stand-ins) ---- */

knotd_conf_t knotd_conf_check_item(knotd_conf_check_args_t *args,
                                   const yp_name_t *item_name)
{
	(void)args;
	return conf_get(item_name);
}

knotd_conf_t knotd_conf_mod(knotd_mod_t *mod, const yp_name_t *item_name)
{
	(void)mod;
	return conf_get(item_name);
}

void knotd_conf_free(knotd_conf_t *conf)
{
	free(conf->multi);
	memset(conf, 0, sizeof(*conf));
}

const knot_dname_t *knotd_mod_zone(const knotd_mod_t *mod)
{
	(void)mod;
	return (const knot_dname_t *)"\007example\000";
}

/* ---- the checks as knotd runs them ---- */

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
	return ss->ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

static void check_ad_loopback(void)
{
	knotd_conf_t mode = conf_get((const yp_name_t *)"\015resolver-mode");
	knotd_conf_t servers = conf_get((const yp_name_t *)"\010resolver");
	if (mode.single.option == DANCE_RESOLVE_AD) {
		for (size_t i = 0; i < servers.count; i++) {
			FUZZ_CHECK(is_loopback(&servers.multi[i].addr),
			           "resolver-mode ad accepted resolver %zu off "
			           "loopback",
			           i);
		}
	}
	knotd_conf_free(&servers);
}

/* End of a section: the section check, then reading it. */
static void finish_section(section_t *s)
{
	if (!s->has_id) {
		return;
	}
	knotd_conf_check_args_t args;
	memset(&args, 0, sizeof(args));
	current = s;
	int rc = md_config_check(&args);
	if (getenv("FUZZ_VERBOSE") != NULL) {
		fprintf(stderr, "section: %s\n",
		        rc == KNOT_EOK ? "ok" : args.err_str);
	}
	if (rc != KNOT_EOK) {
		FUZZ_CHECK(args.err_str != NULL, "section refused silently");
	} else {
		check_ad_loopback();
		dance_authz_config_t cfg;
		md_config_strings_t strings;
		md_settings_t settings;
		dance_policy_t policy;
		dance_error_t err;
		dance_policy_init(&policy);
		dance_code_t drc = md_config_read(NULL, &cfg, &strings, &policy,
		                                  &settings, &err);
		FUZZ_CHECK(drc == DANCE_OK || drc == DANCE_ENOMEM,
		           "checked section unreadable: %s", err.reason);
		md_config_strings_free(&strings);
		dance_policy_clear(&policy);
	}
	current = NULL;
	section_clear(s);
}

/* One item value: its schema check callback, then keep it. */
static void item_value(section_t *s, const yp_node_t *node)
{
	const yp_item_t *item = node->item;
	knotd_conf_check_f check = (knotd_conf_check_f)item->misc[0];
	if (check != NULL) {
		knotd_conf_check_args_t args;
		memset(&args, 0, sizeof(args));
		args.item = item;
		args.data = node->data;
		args.data_len = node->data_len;
		current = s;
		int rc = check(&args);
		current = NULL;
		if (rc != KNOT_EOK && getenv("FUZZ_VERBOSE") != NULL) {
			fprintf(stderr, "item %s: %s\n",
			        (const char *)item->name + 1, args.err_str);
		}
		if (rc != KNOT_EOK) {
			FUZZ_CHECK(args.err_str != NULL,
			           "item %s refused silently",
			           (const char *)item->name + 1);
			return; /* knotd refuses the configuration */
		}
	}
	section_store(s, item, node->data, node->data_len);
}

static void run_config(const char *text, size_t len)
{
	yp_item_t *schema = NULL;
	yp_parser_t *parser = malloc(sizeof(*parser));
	section_t *s = calloc(1, sizeof(*s));
	if (parser == NULL || s == NULL ||
	    yp_schema_copy(&schema, top_schema) != KNOT_EOK) {
		free(parser);
		free(s);
		return;
	}
	yp_check_ctx_t *ctx = yp_schema_check_init(&schema);
	yp_init(parser);
	if (ctx != NULL && yp_set_input_string(parser, text, len) == KNOT_EOK) {
		while (yp_parse(parser) == KNOT_EOK &&
		       yp_schema_check_parser(ctx, parser) == KNOT_EOK) {
			const yp_node_t *node = &ctx->nodes[ctx->current];
			if (parser->event == YP_EID) {
				finish_section(s);
				s->has_id = 1;
			} else if (parser->event == YP_EKEY1 && s->has_id) {
				item_value(s, node);
			} else if (parser->event == YP_EKEY0) {
				finish_section(s);
			}
		}
		finish_section(s);
	}
	yp_deinit(parser);
	yp_schema_check_deinit(ctx);
	yp_schema_free(schema);
	section_clear(s);
	free(s);
	free(parser);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	build_schema();
	run_config((const char *)data, size);
	return 0;
}
