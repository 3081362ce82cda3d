/* zonefile_ns.c: apex NS names of a zone file (zonefile_ns.h). */
#include "zonefile_ns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libknot/libknot.h>
#include <libzscanner/scanner.h>

typedef struct collect {
	knot_dname_t apex[KNOT_DNAME_MAXLEN];
	dance_name_list_t *out;
	dance_error_t *err;
	dance_code_t rc;
} collect_t;

static void on_record(zs_scanner_t *s)
{
	collect_t *c = s->process.data;
	char text[KNOT_DNAME_TXT_MAXLEN + 1], name[DANCE_NAME_MAX];
	if (c->rc != DANCE_OK || s->r_type != KNOT_RRTYPE_NS ||
	    !knot_dname_is_case_equal(s->r_owner, c->apex)) {
		return;
	}
	if (knot_dname_to_str(text, s->r_data, sizeof(text)) == NULL ||
	    dance_name_normalize(text, name, NULL) != DANCE_OK) {
		return; /* not a host name: never an identity */
	}
	c->rc = dance_name_list_add(c->out, name, c->err);
}

static void on_error(zs_scanner_t *s)
{
	collect_t *c = s->process.data;
	if (c->rc == DANCE_OK) {
		c->rc = dance_error_set(c->err, DANCE_EINVAL, "line %llu: %s",
		                        (unsigned long long)s->line_counter,
		                        zs_strerror(s->error.code));
	}
	s->state = ZS_STATE_STOP;
}

static dance_code_t scan(zs_scanner_t *s, const char *path, const char *zone,
                         collect_t *c)
{
	char origin[DANCE_NAME_MAX + 1];
	snprintf(origin, sizeof(origin), "%s.", zone);
	if (knot_dname_from_str(c->apex, origin, sizeof(c->apex)) == NULL) {
		return dance_error_set(c->err, DANCE_EINVAL,
		                       "zone name %s unusable", zone);
	}
	if (zs_init(s, origin, KNOT_CLASS_IN, 3600) != 0 ||
	    zs_set_processing(s, on_record, on_error, c) != 0) {
		return dance_error_set(c->err, DANCE_ENOMEM,
		                       "cannot set up the zone file scanner");
	}
	if (zs_set_input_file(s, path) != 0) {
		return dance_error_set(c->err, DANCE_EIO, "cannot read: %s",
		                       zs_strerror(s->error.code));
	}
	if (zs_parse_all(s) != 0 && c->rc == DANCE_OK) {
		c->rc = dance_error_set(c->err, DANCE_EINVAL, "%s",
		                        zs_strerror(s->error.code));
	}
	return c->rc;
}

dance_code_t cli_zonefile_apex_ns(const char *path, const char *zone,
                                  dance_name_list_t *out, dance_error_t *err)
{
	zs_scanner_t *s = calloc(1, sizeof(*s));
	collect_t c = {.out = out, .err = err, .rc = DANCE_OK};
	if (s == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	s->file.descriptor = -1; /* zs_deinit is safe before zs_init */
	if (access(path, R_OK) != 0) {
		free(s);
		return dance_error_set(err, DANCE_EIO, "cannot read %s", path);
	}
	dance_code_t rc = scan(s, path, zone, &c);
	zs_deinit(s);
	free(s);
	return rc;
}
