/* main.c: dance, the operator CLI of dance-xot: finds the subcommand and
 * runs it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dance/dance.h"

const cli_command_t *const cli_commands[] = {
        &cli_cmd_keygen, &cli_cmd_tlsa,  &cli_cmd_verify,
        &cli_cmd_check,  &cli_cmd_probe, &cli_cmd_policy,
};
const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

static const cli_command_t *find_command(const char *name)
{
	for (size_t i = 0; i < cli_command_count; i++) {
		if (strcmp(cli_commands[i]->name, name) == 0) {
			return cli_commands[i];
		}
	}
	return NULL;
}

/* --json anywhere before "--" (known before option errors are reported). */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			return 1;
		}
	}
	return 0;
}

/* "dance help [COMMAND]". */
static int run_help(cli_ctx_t *ctx, int argc, char **argv)
{
	if (argc < 3) {
		cli_help_print_main(stdout);
		return CLI_EXIT_OK;
	}
	const cli_command_t *cmd = find_command(argv[2]);
	if (cmd == NULL) {
		return cli_usage_error(ctx, "unknown command \"%s\"", argv[2]);
	}
	cli_help_print(cmd, stdout);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	cli_ctx_t ctx;
	memset(&ctx, 0, sizeof(ctx));
	if (argc < 2) {
		cli_help_print_main(stderr);
		return CLI_EXIT_INPUT;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		return run_help(&ctx, argc, argv);
	}
	if (strcmp(name, "--version") == 0) {
		printf("dance %s (dance-xot)\n", DANCE_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--man") == 0) {
		cli_man_print(stdout);
		return CLI_EXIT_OK;
	}
	ctx.cmd = find_command(name);
	if (ctx.cmd == NULL) {
		return cli_usage_error(&ctx, "unknown command \"%s\"", name);
	}
	ctx.json = wants_json(argc - 1, argv + 1);
	json_init(&ctx.out, stdout);
	return ctx.cmd->run(&ctx, argc - 1, argv + 1);
}
