/* args.c: getopt_long over a command's option table, and the parsing of
 * option values (numbers, TLSA fields, names) with errors naming the
 * option. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "dance/name.h"

struct cli_args {
	cli_ctx_t *ctx;
	int argc;
	char **argv;
	struct option *longopts;
	char shortopts[64];
};

static size_t count_options(const cli_option_t *opts)
{
	size_t n = 0;
	while (opts[n].name != NULL) {
		n++;
	}
	return n;
}

/* The getopt_long tables made from the command's option table. */
static int build_tables(cli_args_t *a)
{
	const cli_option_t *opts = a->ctx->cmd->options;
	size_t n = count_options(opts);
	size_t s = 0;
	a->longopts = calloc(n + 1, sizeof(*a->longopts));
	if (a->longopts == NULL) {
		return -1;
	}
	a->shortopts[s++] = ':';
	for (size_t i = 0; i < n; i++) {
		a->longopts[i].name = opts[i].name;
		a->longopts[i].has_arg =
		        opts[i].arg != NULL ? required_argument : no_argument;
		a->longopts[i].val = opts[i].id;
		if (opts[i].id < 128 && s + 3 < sizeof(a->shortopts)) {
			a->shortopts[s++] = (char)opts[i].id;
			if (opts[i].arg != NULL) {
				a->shortopts[s++] = ':';
			}
		}
	}
	a->shortopts[s] = '\0';
	return 0;
}

cli_args_t *cli_args_new(cli_ctx_t *ctx, int argc, char **argv)
{
	cli_args_t *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		return NULL;
	}
	a->ctx = ctx;
	a->argc = argc;
	a->argv = argv;
	if (build_tables(a) != 0) {
		free(a);
		return NULL;
	}
	opterr = 0;
	optind = 0;
	return a;
}

void cli_args_free(cli_args_t *a)
{
	if (a != NULL) {
		free(a->longopts);
		free(a);
	}
}

static const char *option_name(const cli_args_t *a, int id)
{
	for (const cli_option_t *o = a->ctx->cmd->options; o->name != NULL;
	     o++) {
		if (o->id == id) {
			return o->name;
		}
	}
	return "?";
}

static int report_unknown(cli_args_t *a)
{
	if (optopt != 0 && optopt < 128) {
		return cli_usage_error(a->ctx, "unknown option -%c", optopt);
	}
	const char *shown =
	        optind > 0 && optind <= a->argc ? a->argv[optind - 1] : "?";
	return cli_usage_error(a->ctx, "unknown or ambiguous option %s", shown);
}

int cli_args_next(cli_args_t *a, const char **arg)
{
	for (;;) {
		int c = getopt_long(a->argc, a->argv, a->shortopts, a->longopts,
		                    NULL);
		*arg = optarg;
		switch (c) {
		case -1: return CLI_ARGS_END;
		case OPT_JSON: a->ctx->json = 1; continue;
		case OPT_HELP:
			cli_help_print(a->ctx->cmd, stdout);
			return CLI_ARGS_HELP;
		case ':':
			cli_usage_error(a->ctx, "option --%s needs an argument",
			                option_name(a, optopt));
			return CLI_ARGS_ERROR;
		case '?': report_unknown(a); return CLI_ARGS_ERROR;
		default: return c;
		}
	}
}

char **cli_args_rest(cli_args_t *a, int *count)
{
	*count = a->argc - optind;
	return a->argv + optind;
}

int cli_parse_uint(cli_ctx_t *ctx, const char *option, const char *text,
                   unsigned long min, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	if (text[0] < '0' || text[0] > '9') {
		end = (char *)text;
	} else {
		*out = strtoul(text, &end, 10);
	}
	if (end == text || *end != '\0' || *out < min || *out > max) {
		cli_usage_error(ctx,
		                "--%s \"%s\": not a number from %lu to %lu",
		                option, text, min, max);
		return -1;
	}
	return 0;
}

int cli_parse_tlsa_field(cli_ctx_t *ctx, const char *option, const char *text,
                         const char *(*namer)(uint8_t), uint8_t *out)
{
	for (unsigned v = 0; v <= 255; v++) {
		const char *name = namer((uint8_t)v);
		if (name != NULL && strcasecmp(name, text) == 0) {
			*out = (uint8_t)v;
			return 0;
		}
	}
	char *end = NULL;
	unsigned long v = 256;
	if (text[0] >= '0' && text[0] <= '9') {
		v = strtoul(text, &end, 10);
	}
	if (end == NULL || *end != '\0' || v > 255) {
		cli_usage_error(ctx,
		                "--%s \"%s\": not a number from 0 to 255 or an "
		                "RFC 7218 name",
		                option, text);
		return -1;
	}
	*out = (uint8_t)v;
	return 0;
}

int cli_parse_name(cli_ctx_t *ctx, const char *option, const char *text,
                   char *out)
{
	dance_error_t err;
	if (dance_name_normalize(text, out, &err) != DANCE_OK) {
		cli_fail(ctx, CLI_EXIT_INPUT, "--%s \"%s\": %s", option, text,
		         err.reason);
		return -1;
	}
	return 0;
}

int cli_make_owner(cli_ctx_t *ctx, const char *template_, const char *name,
                   char *out)
{
	dance_error_t err;
	if (dance_owner_from_template(template_, name, out, &err) != DANCE_OK) {
		cli_fail(ctx, CLI_EXIT_INPUT, "--template \"%s\": %s",
		         template_ != NULL ? template_
		                           : DANCE_OWNER_TEMPLATE_DEFAULT,
		         err.reason);
		return -1;
	}
	return 0;
}

int cli_args_end(cli_args_t *a, int c, int rc, int max_rest)
{
	int rest = a->argc - optind;
	cli_ctx_t *ctx = a->ctx;
	const char *extra = rest > max_rest ? a->argv[optind + max_rest] : "";
	cli_args_free(a);
	if (rc != CLI_CONTINUE) {
		return rc;
	}
	if (c == CLI_ARGS_HELP) {
		return CLI_EXIT_OK;
	}
	if (c == CLI_ARGS_ERROR) {
		return CLI_EXIT_INPUT;
	}
	if (rest > max_rest) {
		return cli_usage_error(ctx, "unexpected argument \"%s\"",
		                       extra);
	}
	return CLI_CONTINUE;
}
