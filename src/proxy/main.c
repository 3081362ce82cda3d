/* main.c: dance-proxy's command line: options, --check-config, start. */
#include <getopt.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include <dance/dance.h>

#include "config.h"
#include "gen.h"
#include "help.h"
#include "server.h"

#define EXIT_RUNTIME 1
#define EXIT_CONFIG  3

/* Reads and checks the configuration; prints the problems. */
static int load_config(const char *path, dp_config_t **out)
{
	dp_diag_t diag;
	dp_diag_init(&diag);
	dance_code_t rc = dp_config_parse_file(path, out, &diag);
	if (rc == DANCE_OK && dp_config_check_files(*out, &diag) != DANCE_OK) {
		dp_config_free(*out);
		*out = NULL;
		rc = DANCE_EINVAL;
	}
	for (size_t i = 0; i < diag.count; i++) {
		fprintf(stderr, "%s\n", diag.lines[i]);
	}
	if (rc != DANCE_OK && diag.count == 0) {
		fprintf(stderr, "%s:0: %s\n", path, dance_code_name(rc));
	}
	dp_diag_free(&diag);
	return rc == DANCE_OK ? 0 : -1;
}

static int check_config(const char *path)
{
	dp_config_t *cfg = NULL;
	if (load_config(path, &cfg) != 0) {
		return EXIT_CONFIG;
	}
	unsigned cert_line = cfg->cert_line;
	dp_gen_t *gen = NULL;
	dance_error_t err;
	if (dp_gen_new(cfg, 1, 0, &gen, &err) != DANCE_OK) {
		fprintf(stderr, "%s:%u: %s: %s\n", path, cert_line,
		        err.code == DANCE_ECRYPTO ? "cert-file" : "config",
		        err.reason);
		return EXIT_CONFIG;
	}
	dp_gen_unref(gen);
	printf("config %s: ok\n", path);
	return 0;
}

/* Many connections need many descriptors: the soft limit goes up to the
 * hard one; a max-connections the limit cannot serve is warned about. */
static void raise_nofile(const dp_config_t *cfg)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	dp_log_t log = {cfg->log_level};
	dp_log(&log, DP_LOG_DEBUG, "open file limit %llu",
	       (unsigned long long)rl.rlim_cur);
	/* Each connection: a client socket and a backend socket. */
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (unsigned long long)cfg->max_connections * 2 + 64 > rl.rlim_cur) {
		dp_log(&log, DP_LOG_WARNING,
		       "max-connections %u needs about %u file descriptors, "
		       "the limit is %llu",
		       cfg->max_connections, cfg->max_connections * 2 + 64,
		       (unsigned long long)rl.rlim_cur);
	}
}

/* Loads the configuration and runs the proxy; the exit code. */
static int run(const char *config)
{
	dp_config_t *cfg = NULL;
	if (load_config(config, &cfg) != 0) {
		return EXIT_CONFIG;
	}
	raise_nofile(cfg);
	dp_gen_t *gen = NULL;
	dance_error_t err;
	if (dp_gen_new(cfg, 1, 1, &gen, &err) != DANCE_OK) {
		/* Credentials or resolver settings that do not load are
		 * configuration errors, as --check-config says. */
		dp_log(NULL, DP_LOG_ERROR, "%s", err.reason);
		return err.code == DANCE_ECRYPTO || err.code == DANCE_EINVAL
		               ? EXIT_CONFIG
		               : EXIT_RUNTIME;
	}
	return dp_server_run(gen, config);
}

/* getopt_long's table, from the documented options (help.c). */
static void long_options(struct option *opts, size_t max)
{
	size_t n = 0;
	for (const dp_option_doc_t *o = dp_options;
	     o->name != NULL && n + 1 < max; o++) {
		opts[n].name = o->name;
		opts[n].has_arg =
		        o->arg != NULL ? required_argument : no_argument;
		opts[n].flag = NULL;
		opts[n].val = o->id;
		n++;
	}
	memset(&opts[n], 0, sizeof(opts[n]));
}

int main(int argc, char **argv)
{
	const char *config = DP_CONFIG_DEFAULT;
	int check = 0, opt;
	struct option opts[16];
	long_options(opts, sizeof(opts) / sizeof(opts[0]));
	while ((opt = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case DP_OPT_FOREGROUND: break;
		case DP_OPT_CHECK: check = 1; break;
		case DP_OPT_HELP: dp_help_print(stdout); return 0;
		case DP_OPT_MAN: dp_man_print(stdout); return 0;
		case DP_OPT_VERSION:
			printf("dance-proxy %s\n", DANCE_VERSION);
			return 0;
		default:
			fprintf(stderr, "usage: dance-proxy [-c FILE] "
			                "[--foreground] [--check-config] "
			                "[--help]\n");
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dance-proxy: unexpected argument \"%s\"\n",
		        argv[optind]);
		return EXIT_CONFIG;
	}
	/* Decisions run on libuv's thread pool and may each wait for a
	 * lookup deadline on a cold miss: more than the 4 default threads. */
	if (getenv("UV_THREADPOOL_SIZE") == NULL) {
		setenv("UV_THREADPOOL_SIZE", "16", 0);
	}
	gnutls_global_init();
	int code = check ? check_config(config) : run(config);
	gnutls_global_deinit();
	return code;
}
