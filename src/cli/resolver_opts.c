/* resolver_opts.c: validator options and the resolver made from them. */
#include "resolver_opts.h"

#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {
        [DANCE_RESOLVE_RECURSE] = "recurse",
        [DANCE_RESOLVE_FORWARD] = "forward",
        [DANCE_RESOLVE_STUB] = "stub",
        [DANCE_RESOLVE_AD] = "ad",
};

const char *cli_resolve_mode_name(dance_resolve_mode_t mode)
{
	return (size_t)mode < sizeof(mode_names) / sizeof(mode_names[0])
	               ? mode_names[mode]
	               : "?";
}

int cli_resolver_opts_init(cli_ctx_t *ctx, cli_resolver_opts_t *o, int argc)
{
	memset(o, 0, sizeof(*o));
	o->servers = calloc((size_t)argc + 1, sizeof(*o->servers));
	o->stub_zones = calloc((size_t)argc + 1, sizeof(*o->stub_zones));
	if (o->servers == NULL || o->stub_zones == NULL) {
		cli_resolver_opts_clear(o);
		return cli_fail(ctx, CLI_EXIT_INPUT, "out of memory");
	}
	return CLI_CONTINUE;
}

void cli_resolver_opts_clear(cli_resolver_opts_t *o)
{
	free(o->servers);
	free(o->stub_zones);
	memset(o, 0, sizeof(*o));
}

int cli_resolver_option_id(int id)
{
	return id == OPT_TRUST_ANCHOR || id == OPT_RESOLVER || id == OPT_MODE ||
	       id == OPT_STUB_ZONE || id == OPT_TIMEOUT;
}

static int parse_mode(cli_ctx_t *ctx, cli_resolver_opts_t *o, const char *arg)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]);
	     i++) {
		if (strcmp(arg, mode_names[i]) == 0) {
			o->mode = (dance_resolve_mode_t)i;
			o->mode_set = 1;
			return CLI_CONTINUE;
		}
	}
	return cli_usage_error(ctx,
	                       "--mode \"%s\": not recurse, forward, stub or "
	                       "ad",
	                       arg);
}

int cli_resolver_option(cli_ctx_t *ctx, cli_resolver_opts_t *o, int id,
                        const char *arg)
{
	switch (id) {
	case OPT_TRUST_ANCHOR: o->trust_anchor = arg; break;
	case OPT_RESOLVER: o->servers[o->server_count++] = arg; break;
	case OPT_STUB_ZONE: o->stub_zones[o->stub_zone_count++] = arg; break;
	case OPT_MODE: return parse_mode(ctx, o, arg);
	case OPT_TIMEOUT:
		if (cli_parse_uint(ctx, "timeout", arg, 1, 600000,
		                   &o->timeout_ms) != 0) {
			return CLI_EXIT_INPUT;
		}
		break;
	}
	return CLI_CONTINUE;
}

static dance_resolve_mode_t default_mode(const cli_resolver_opts_t *o)
{
	if (o->stub_zone_count > 0) {
		return DANCE_RESOLVE_STUB;
	}
	return o->server_count > 0 ? DANCE_RESOLVE_FORWARD
	                           : DANCE_RESOLVE_RECURSE;
}

int cli_resolver_make(cli_ctx_t *ctx, cli_resolver_opts_t *o,
                      dance_resolver_t **out)
{
	if (!o->mode_set) {
		o->mode = default_mode(o);
	}
	dance_resolver_config_t cfg = {
	        .mode = o->mode,
	        .trust_anchor_file = o->trust_anchor,
	        .servers = o->servers,
	        .server_count = o->server_count,
	        .stub_zones = o->stub_zones,
	        .stub_zone_count = o->stub_zone_count,
	        .timeout_ms = (unsigned)o->timeout_ms,
	};
	dance_error_t err;
	if (dance_resolver_new(&cfg, out, &err) != DANCE_OK) {
		return cli_fail(ctx, CLI_EXIT_INPUT,
		                "validator options (--mode %s): %s",
		                cli_resolve_mode_name(o->mode), err.reason);
	}
	return CLI_CONTINUE;
}
