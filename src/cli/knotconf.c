/* knotconf.c: the parts of a Knot configuration dance policy reads
 * (knotconf.h). */
#include "knotconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libknot/libknot.h>
#include <libknot/yparser/yparser.h>

typedef enum section {
	SECTION_OTHER = 0,
	SECTION_DANCE,
	SECTION_TEMPLATE,
	SECTION_ZONE,
} section_t;

typedef struct reader {
	kc_conf_t *conf;
	section_t section;
	int have_item; /* an "id"/"domain" opened an item of the section */
	yp_parser_t *yp;
	dance_error_t *err;
} reader_t;

static dance_code_t no_memory(dance_error_t *err)
{
	return dance_error_set(err, DANCE_ENOMEM, "out of memory");
}

static dance_code_t list_add(kc_list_t *l, const char *value,
                             dance_error_t *err)
{
	char **items = realloc(l->items, (l->count + 1) * sizeof(*items));
	if (items == NULL) {
		return no_memory(err);
	}
	l->items = items;
	l->items[l->count] = strdup(value);
	if (l->items[l->count] == NULL) {
		return no_memory(err);
	}
	l->count++;
	return DANCE_OK;
}

static void list_clear(kc_list_t *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i]);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Replaces *slot with a copy of value. */
static dance_code_t set_string(char **slot, const char *value,
                               dance_error_t *err)
{
	free(*slot);
	*slot = strdup(value);
	return *slot != NULL ? DANCE_OK : no_memory(err);
}

/* Appends a zeroed element to *array (of *count elements of size). */
static void *grow(void **array, size_t *count, size_t size)
{
	char *bigger = realloc(*array, (*count + 1) * size);
	if (bigger == NULL) {
		return NULL;
	}
	memset(bigger + *count * size, 0, size);
	*array = bigger;
	return bigger + (*count)++ * size;
}

static dance_code_t open_item(reader_t *r)
{
	kc_conf_t *c = r->conf;
	char **id = NULL;
	if (r->section == SECTION_DANCE) {
		kc_dance_t *d =
		        grow((void **)&c->dance, &c->dance_count, sizeof(*d));
		id = d != NULL ? &d->id : NULL;
	} else if (r->section == SECTION_TEMPLATE) {
		kc_template_t *t = grow((void **)&c->templates,
		                        &c->template_count, sizeof(*t));
		id = t != NULL ? &t->id : NULL;
	} else if (r->section == SECTION_ZONE) {
		kc_zone_t *z =
		        grow((void **)&c->zones, &c->zone_count, sizeof(*z));
		id = z != NULL ? &z->domain : NULL;
	} else {
		return DANCE_OK;
	}
	if (id == NULL) {
		return no_memory(r->err);
	}
	r->have_item = 1;
	return set_string(id, r->yp->data, r->err);
}

static dance_code_t parse_bool(reader_t *r, int *out)
{
	const char *v = r->yp->data;
	if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0) {
		*out = 1;
	} else if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0) {
		*out = 0;
	} else {
		return dance_error_set(r->err, DANCE_EINVAL,
		                       "line %zu: %s: \"%s\" is not on or off",
		                       r->yp->line_count, r->yp->key, v);
	}
	return DANCE_OK;
}

static dance_code_t dance_item(reader_t *r, kc_dance_t *d)
{
	const char *key = r->yp->key, *v = r->yp->data;
	if (strcmp(key, "allow") == 0) {
		return list_add(&d->allow, v, r->err);
	} else if (strcmp(key, "allow-suffix") == 0) {
		return list_add(&d->allow_suffix, v, r->err);
	} else if (strcmp(key, "resolver") == 0) {
		return list_add(&d->resolvers, v, r->err);
	} else if (strcmp(key, "stub-zone") == 0) {
		return list_add(&d->stub_zones, v, r->err);
	} else if (strcmp(key, "ns-derived") == 0) {
		return parse_bool(r, &d->ns_derived);
	} else if (strcmp(key, "owner-template") == 0) {
		return set_string(&d->owner_template, v, r->err);
	} else if (strcmp(key, "trust-anchor-file") == 0) {
		return set_string(&d->trust_anchor_file, v, r->err);
	} else if (strcmp(key, "resolver-mode") == 0) {
		return set_string(&d->resolver_mode, v, r->err);
	}
	return DANCE_OK;
}

static dance_code_t template_item(reader_t *r, kc_template_t *t)
{
	const char *key = r->yp->key, *v = r->yp->data;
	if (strcmp(key, "module") == 0) {
		return list_add(&t->modules, v, r->err);
	} else if (strcmp(key, "global-module") == 0) {
		return list_add(&t->global_modules, v, r->err);
	} else if (strcmp(key, "storage") == 0) {
		return set_string(&t->storage, v, r->err);
	} else if (strcmp(key, "file") == 0) {
		return set_string(&t->file, v, r->err);
	}
	return DANCE_OK;
}

static dance_code_t zone_item(reader_t *r, kc_zone_t *z)
{
	const char *key = r->yp->key, *v = r->yp->data;
	if (strcmp(key, "module") == 0) {
		z->modules_set = 1;
		return list_add(&z->modules, v, r->err);
	} else if (strcmp(key, "template") == 0) {
		return set_string(&z->template_id, v, r->err);
	} else if (strcmp(key, "storage") == 0) {
		return set_string(&z->storage, v, r->err);
	} else if (strcmp(key, "file") == 0) {
		return set_string(&z->file, v, r->err);
	}
	return DANCE_OK;
}

static dance_code_t item(reader_t *r)
{
	kc_conf_t *c = r->conf;
	if (!r->have_item) {
		return DANCE_OK;
	}
	switch (r->section) {
	case SECTION_DANCE: return dance_item(r, &c->dance[c->dance_count - 1]);
	case SECTION_TEMPLATE:
		return template_item(r, &c->templates[c->template_count - 1]);
	case SECTION_ZONE: return zone_item(r, &c->zones[c->zone_count - 1]);
	default: return DANCE_OK;
	}
}

static dance_code_t section(reader_t *r)
{
	const char *key = r->yp->key;
	r->have_item = 0;
	if (strcmp(key, "include") == 0) {
		return dance_error_set(r->err, DANCE_EINVAL,
		                       "line %zu: \"include\" is not followed "
		                       "by dance policy; give the file that "
		                       "holds the mod-dance, template and zone "
		                       "sections",
		                       r->yp->line_count);
	}
	r->section = strcmp(key, "mod-dance") == 0  ? SECTION_DANCE
	             : strcmp(key, "template") == 0 ? SECTION_TEMPLATE
	             : strcmp(key, "zone") == 0     ? SECTION_ZONE
	                                            : SECTION_OTHER;
	return DANCE_OK;
}

static dance_code_t read_all(reader_t *r)
{
	int rc;
	dance_code_t code = DANCE_OK;
	while (code == DANCE_OK && (rc = yp_parse(r->yp)) == KNOT_EOK) {
		switch (r->yp->event) {
		case YP_EKEY0: code = section(r); break;
		case YP_EID: code = open_item(r); break;
		case YP_EKEY1: code = item(r); break;
		default: break;
		}
	}
	if (code == DANCE_OK && rc != KNOT_EOF) {
		code = dance_error_set(r->err, DANCE_EINVAL, "line %zu: %s",
		                       r->yp->line_count, knot_strerror(rc));
	}
	return code;
}

dance_code_t kc_conf_load(const char *path, kc_conf_t *out, dance_error_t *err)
{
	memset(out, 0, sizeof(*out));
	yp_parser_t *yp = malloc(sizeof(*yp));
	if (yp == NULL) {
		return no_memory(err);
	}
	yp_init(yp);
	dance_code_t code = DANCE_OK;
	int rc = KNOT_EOK;
	if (access(path, R_OK) != 0) {
		code = dance_error_set(err, DANCE_EIO, "cannot read: %s",
		                       strerror(errno));
	} else if ((rc = yp_set_input_file(yp, path)) != KNOT_EOK) {
		code = dance_error_set(err, DANCE_EIO, "cannot read: %s",
		                       knot_strerror(rc));
	} else {
		reader_t r = {.conf = out, .yp = yp, .err = err};
		code = read_all(&r);
	}
	yp_deinit(yp);
	free(yp);
	if (code != DANCE_OK) {
		kc_conf_clear(out);
	}
	return code;
}

void kc_conf_clear(kc_conf_t *c)
{
	for (size_t i = 0; i < c->dance_count; i++) {
		kc_dance_t *d = &c->dance[i];
		free(d->id);
		list_clear(&d->allow);
		list_clear(&d->allow_suffix);
		list_clear(&d->resolvers);
		list_clear(&d->stub_zones);
		free(d->owner_template);
		free(d->trust_anchor_file);
		free(d->resolver_mode);
	}
	for (size_t i = 0; i < c->template_count; i++) {
		kc_template_t *t = &c->templates[i];
		free(t->id);
		list_clear(&t->modules);
		list_clear(&t->global_modules);
		free(t->storage);
		free(t->file);
	}
	for (size_t i = 0; i < c->zone_count; i++) {
		kc_zone_t *z = &c->zones[i];
		free(z->domain);
		free(z->template_id);
		list_clear(&z->modules);
		free(z->storage);
		free(z->file);
	}
	free(c->dance);
	free(c->templates);
	free(c->zones);
	memset(c, 0, sizeof(*c));
}

const kc_dance_t *kc_conf_dance(const kc_conf_t *c, const char *id)
{
	for (size_t i = 0; i < c->dance_count; i++) {
		if (c->dance[i].id != NULL && strcmp(c->dance[i].id, id) == 0) {
			return &c->dance[i];
		}
	}
	return NULL;
}

const kc_template_t *kc_conf_template(const kc_conf_t *c, const char *id)
{
	for (size_t i = 0; i < c->template_count; i++) {
		if (c->templates[i].id != NULL &&
		    strcmp(c->templates[i].id, id) == 0) {
			return &c->templates[i];
		}
	}
	return NULL;
}
