/* cli.h: what the parts of the dance CLI share: exit codes, the command
 * and option tables (from which getopt_long, --help and the man page are
 * all made), the invocation context and error reporting. */
#ifndef DANCE_CLI_H
#define DANCE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "dance/error.h"
#include "json.h"

/* Exit status of every subcommand. */
enum cli_exit {
	CLI_EXIT_OK = 0,     /* done, authorized, match */
	CLI_EXIT_DENIED = 1, /* denied, mismatch */
	CLI_EXIT_DNS = 2,    /* DNS or DNSSEC failure, unreachable server */
	CLI_EXIT_INPUT = 3,  /* usage or input error */
};

/* Option identifiers, shared by all subcommands so that common options
 * (validator settings, --json) are handled in one place. Values below 128
 * are also the short option letter. */
enum cli_opt_id {
	OPT_HELP = 'h',
	OPT_JSON = 256,
	OPT_NAME,
	OPT_TYPE,
	OPT_KEY_OUT,
	OPT_CERT_OUT,
	OPT_DAYS,
	OPT_FORCE,
	OPT_CERT,
	OPT_PUBKEY,
	OPT_KEY,
	OPT_USAGE,
	OPT_SELECTOR,
	OPT_MTYPE,
	OPT_TEMPLATE,
	OPT_TTL,
	OPT_TLSA,
	OPT_TLSA_FILE,
	OPT_CHAIN,
	OPT_CA_FILE,
	OPT_TRUST_ANCHOR,
	OPT_RESOLVER,
	OPT_MODE,
	OPT_STUB_ZONE,
	OPT_TIMEOUT,
	OPT_ZONE,
	OPT_AXFR,
	OPT_CLIENTID,
	OPT_KNOT_CONF,
	OPT_PROXY_CONF,
	OPT_EXPIRY_DAYS,
	OPT_SERVER_NAME,
	OPT_CLIENTID_TYPE,
	OPT_RAWPK,
};

typedef struct cli_option {
	const char *name; /* long name, without "--"; NULL ends a table */
	int id;           /* enum cli_opt_id */
	const char *arg;  /* argument placeholder ("FILE"), NULL: a flag */
	const char *help; /* what it does, one paragraph */
} cli_option_t;

typedef struct cli_exit_doc {
	int code;
	const char *text; /* NULL ends a table */
} cli_exit_doc_t;

typedef struct cli_example {
	const char *command; /* NULL ends a table */
	const char *text;    /* what it shows */
} cli_example_t;

typedef struct cli_ctx cli_ctx_t;

typedef struct cli_command {
	const char *name;
	const char *summary;  /* one line, for "dance --help" */
	const char *synopsis; /* lines after "dance NAME ", '\n' separated */
	/* Paragraphs separated by "\n\n"; a paragraph starting "- " is a
	 * list item. */
	const char *description;
	const cli_option_t *options;
	const cli_exit_doc_t *exits;
	const cli_example_t *examples;
	int (*run)(cli_ctx_t *ctx, int argc, char **argv);
} cli_command_t;

/* One invocation of a subcommand. */
struct cli_ctx {
	const cli_command_t *cmd;
	int json;   /* --json given */
	json_t out; /* JSON writer on stdout (when json) */
};

/* The subcommands, in the order of "dance --help". */
extern const cli_command_t cli_cmd_keygen;
extern const cli_command_t cli_cmd_tlsa;
extern const cli_command_t cli_cmd_verify;
extern const cli_command_t cli_cmd_check;
extern const cli_command_t cli_cmd_probe;
extern const cli_command_t cli_cmd_policy;
extern const cli_command_t *const cli_commands[];
extern const size_t cli_command_count;

/* Options every subcommand has. */
// clang-format off
#define CLI_OPTION_JSON \
	{"json", OPT_JSON, NULL, \
	 "Print the result as one JSON object on one line (field names are " \
	 "stable; see JSON OUTPUT in dance(1)). Errors become {\"command\", " \
	 "\"error\", \"exit_code\"}."}
#define CLI_OPTION_HELP {"help", OPT_HELP, NULL, "Show this help and exit."}
#define CLI_OPTION_END  {NULL, 0, NULL, NULL}
// clang-format on

/* Reports an error: "dance CMD: message" on stderr and, with --json, a
 * JSON error object on stdout. Returns code (an enum cli_exit). */
int cli_fail(cli_ctx_t *ctx, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Reports a usage error (exit 3) and points at --help. */
int cli_usage_error(cli_ctx_t *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Option parsing (args.c): getopt_long over the command's table. */
#define CLI_ARGS_END   (-1)
#define CLI_ARGS_ERROR (-2) /* reported; exit 3 */
#define CLI_ARGS_HELP  (-3) /* help printed; exit 0 */
#define CLI_CONTINUE   (-1) /* options parsed: go on (not an exit code) */

typedef struct cli_args cli_args_t;
cli_args_t *cli_args_new(cli_ctx_t *ctx, int argc, char **argv);
void cli_args_free(cli_args_t *a);
/* Next option id, or CLI_ARGS_END/ERROR/HELP; *arg gets its argument.
 * --json is handled here (it sets ctx->json) and not returned. */
int cli_args_next(cli_args_t *a, const char **arg);
/* Ends parsing: frees a, and turns the last cli_args_next result c and
 * the option handlers' status rc (CLI_CONTINUE or an exit code) into
 * CLI_CONTINUE or the exit code; more than max_rest arguments left is a
 * usage error. */
int cli_args_end(cli_args_t *a, int c, int rc, int max_rest);
/* Arguments left after the options. */
char **cli_args_rest(cli_args_t *a, int *count);

/* Number parsing with a message naming the option. */
int cli_parse_uint(cli_ctx_t *ctx, const char *option, const char *text,
                   unsigned long min, unsigned long max, unsigned long *out);
/* A TLSA field (number 0-255 or RFC 7218 mnemonic). */
int cli_parse_tlsa_field(cli_ctx_t *ctx, const char *option, const char *text,
                         const char *(*namer)(uint8_t), uint8_t *out);
/* Normalises a domain name given to option, reporting errors. */
int cli_parse_name(cli_ctx_t *ctx, const char *option, const char *text,
                   char *out);
/* The TLSA owner of name from template (NULL: the default), reporting
 * errors; out holds DANCE_NAME_MAX bytes. */
int cli_make_owner(cli_ctx_t *ctx, const char *template_, const char *name,
                   char *out);

/* Help (help.c). */
void cli_help_print(const cli_command_t *cmd, FILE *out);
void cli_help_print_main(FILE *out);
void cli_man_print(FILE *out);

/* "2025-01-31T12:00:00Z" into buf (at least 21 bytes). */
void cli_time_iso(time_t t, char *buf, size_t size);

#endif
