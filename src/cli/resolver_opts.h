/* resolver_opts.h: the validator options shared by the subcommands that
 * look TLSA records up (--trust-anchor, --resolver, --mode, --stub-zone,
 * --timeout), and the libdance resolver made from them. */
#ifndef DANCE_CLI_RESOLVER_OPTS_H
#define DANCE_CLI_RESOLVER_OPTS_H

#include "cli.h"
#include "dance/resolver.h"

// clang-format off
#define CLI_RESOLVER_OPTIONS \
	{"trust-anchor", OPT_TRUST_ANCHOR, "FILE", \
	 "DNSSEC trust anchor file (DS or DNSKEY lines, or unbound's " \
	 "auto-trust-anchor format); default the system root key " \
	 "/usr/share/dns/root.key. Not used with --mode ad."}, \
	{"resolver", OPT_RESOLVER, "ADDR[@PORT]", \
	 "A server to ask (IPv4 or IPv6 address, port 53 by default); " \
	 "repeatable. With --mode forward it is a recursive resolver, with " \
	 "--mode stub the authoritative server of the --stub-zone zones, " \
	 "with --mode ad a validating resolver on loopback whose AD bit is " \
	 "trusted."}, \
	{"mode", OPT_MODE, "MODE", \
	 "How answers are validated: recurse (full recursion from the root " \
	 "with the embedded validator), forward (validate the answers of " \
	 "--resolver), stub (--stub-zone zones at --resolver, the rest by " \
	 "recursion), ad (trust the AD bit of a loopback --resolver). " \
	 "Default: stub with --stub-zone, else forward with --resolver, " \
	 "else recurse."}, \
	{"stub-zone", OPT_STUB_ZONE, "ZONE", \
	 "A zone resolved at --resolver in stub mode (repeatable); also " \
	 "exempts the zone from the built-in local zones (RFC 6761 names " \
	 "such as those under test.)."}
// clang-format on

typedef struct cli_resolver_opts {
	const char *trust_anchor;
	const char **servers;
	size_t server_count;
	const char **stub_zones;
	size_t stub_zone_count;
	dance_resolve_mode_t mode;
	int mode_set;
	unsigned long timeout_ms;
} cli_resolver_opts_t;

/* Room for argc repeated values; CLI_EXIT_INPUT (reported) on ENOMEM. */
int cli_resolver_opts_init(cli_ctx_t *ctx, cli_resolver_opts_t *o, int argc);
void cli_resolver_opts_clear(cli_resolver_opts_t *o);

/* True for the option ids above. */
int cli_resolver_option_id(int id);

/* Takes one of those options: CLI_CONTINUE, or an exit code (reported). */
int cli_resolver_option(cli_ctx_t *ctx, cli_resolver_opts_t *o, int id,
                        const char *arg);

/* The resolver (mode defaulted as documented): CLI_CONTINUE, or
 * CLI_EXIT_INPUT reported for a bad configuration. */
int cli_resolver_make(cli_ctx_t *ctx, cli_resolver_opts_t *o,
                      dance_resolver_t **out);

/* "recurse", "forward", "stub", "ad". */
const char *cli_resolve_mode_name(dance_resolve_mode_t mode);

#endif
