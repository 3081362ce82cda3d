/* diag.c: configuration problem lists. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dp_diag_init(dp_diag_t *d)
{
	d->lines = NULL;
	d->count = 0;
}

void dp_diag_add(dp_diag_t *d, const char *file, unsigned line,
                 const char *item, const char *fmt, ...)
{
	if (d == NULL) {
		return;
	}
	char what[512], text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (item != NULL) {
		snprintf(text, sizeof(text), "%s:%u: %s: %s", file, line, item,
		         what);
	} else {
		snprintf(text, sizeof(text), "%s:%u: %s", file, line, what);
	}
	char **grown = realloc(d->lines, (d->count + 1) * sizeof(char *));
	if (grown == NULL) {
		return;
	}
	d->lines = grown;
	d->lines[d->count] = strdup(text);
	if (d->lines[d->count] != NULL) {
		d->count++;
	}
}

void dp_diag_free(dp_diag_t *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->lines[i]);
	}
	free(d->lines);
	dp_diag_init(d);
}
