/* doctable.c: README table against the documented classes (doctable.h). */
#include "doctable.h"

#include <string.h>

#include "compare.h"

#define MAX_ROWS     32
#define NAME_MAX_LEN 64

/* The class name of a table row "| `name` | ...", or 0. */
static int row_name(const char *line, char *name, size_t size)
{
	if (strncmp(line, "| `", 3) != 0) {
		return 0;
	}
	const char *start = line + 3;
	const char *end = strchr(start, '`');
	if (end == NULL || (size_t)(end - start) >= size) {
		return 0;
	}
	memcpy(name, start, (size_t)(end - start));
	name[end - start] = '\0';
	return 1;
}

static int known_class(const char *name)
{
	for (const dane_docdiff_t *d = dane_docdiffs; d->name != NULL; d++) {
		if (strcmp(d->name, name) == 0) {
			return 1;
		}
	}
	return 0;
}

int dane_doctable_check(const char *path, FILE *out)
{
	char rows[MAX_ROWS][NAME_MAX_LEN];
	size_t nrows = 0;
	char line[1024];
	int in_table = 0, bad = 0;
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		fprintf(out, "doc: cannot read %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncmp(line, "## ", 3) == 0) {
			in_table = strncmp(line, "## Deliberate differences",
			                   25) == 0;
			continue;
		}
		if (in_table && nrows < MAX_ROWS &&
		    row_name(line, rows[nrows], NAME_MAX_LEN)) {
			if (!known_class(rows[nrows])) {
				fprintf(out,
				        "doc: %s lists `%s`, which compare.c "
				        "does not assert\n",
				        path, rows[nrows]);
				bad++;
			}
			nrows++;
		}
	}
	fclose(in);
	for (const dane_docdiff_t *d = dane_docdiffs; d->name != NULL; d++) {
		int found = 0;
		for (size_t i = 0; i < nrows && !found; i++) {
			found = strcmp(rows[i], d->name) == 0;
		}
		if (!found) {
			fprintf(out,
			        "doc: class `%s` is asserted but not in the "
			        "table of %s\n",
			        d->name, path);
			bad++;
		}
	}
	fprintf(out, "doc: %zu documented differences, %d mismatches\n", nrows,
	        bad);
	return bad;
}
