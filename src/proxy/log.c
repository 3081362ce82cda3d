/* log.c: log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const level_names[] = {"error", "warning", "notice", "info",
                                          "debug"};

const char *dp_level_name(dp_level_t level)
{
	if ((unsigned)level > DP_LOG_DEBUG) {
		return "debug";
	}
	return level_names[level];
}

int dp_level_parse(const char *name, dp_level_t *out)
{
	for (unsigned i = 0; i <= DP_LOG_DEBUG; i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (dp_level_t)i;
			return 0;
		}
	}
	return -1;
}

void dp_log(const dp_log_t *log, dp_level_t level, const char *fmt, ...)
{
	if (log != NULL && level > log->level) {
		return;
	}
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line, so lines of threads never interleave. */
	fprintf(stderr, "dance-proxy: %s: %s\n", dp_level_name(level), line);
	fflush(stderr);
}
