/* report.c: error reporting and time formatting shared by the
 * subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"

static int report(cli_ctx_t *ctx, int code, const char *hint, const char *fmt,
                  va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	const char *name = ctx->cmd != NULL ? ctx->cmd->name : NULL;
	if (name != NULL) {
		fprintf(stderr, "dance %s: %s%s\n", name, msg, hint);
	} else {
		fprintf(stderr, "dance: %s%s\n", msg, hint);
	}
	if (ctx->json) {
		json_t *j = &ctx->out;
		json_init(j, stdout);
		json_object_begin(j);
		json_kstr(j, "command", name);
		json_kstr(j, "error", msg);
		json_kint(j, "exit_code", code);
		json_object_end(j);
	}
	return code;
}

int cli_fail(cli_ctx_t *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(ctx, code, "", fmt, ap);
	va_end(ap);
	return code;
}

int cli_usage_error(cli_ctx_t *ctx, const char *fmt, ...)
{
	char hint[64] = " (see dance --help)";
	if (ctx->cmd != NULL) {
		snprintf(hint, sizeof(hint), " (see dance %s --help)",
		         ctx->cmd->name);
	}
	va_list ap;
	va_start(ap, fmt);
	report(ctx, CLI_EXIT_INPUT, hint, fmt, ap);
	va_end(ap);
	return CLI_EXIT_INPUT;
}

void cli_time_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		snprintf(buf, size, "%lld", (long long)t);
	}
}
