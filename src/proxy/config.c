/* config.c: parsing and checking the dance-proxy configuration file. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libknot/libknot.h>

#include <dance/clientid.h>
#include <dance/policy.h>

typedef enum section {
	SEC_NONE = 0,
	SEC_SERVER,
	SEC_RESOLVER,
	SEC_ZONE
} section_t;

/* State of one parse: the result being built and where we are. */
typedef struct parser {
	dp_config_t *cfg;
	dp_diag_t *diag;
	const char *file;
	unsigned line;
	section_t section;
	int nomem;
	unsigned errors;
	int bad_listen, bad_backend; /* given, but with a bad value */
} parser_t;

static void problem(parser_t *p, const char *item, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void problem(parser_t *p, const char *item, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	dp_diag_add(p->diag, p->file, p->line, item, "%s", what);
	p->errors++;
}

/* ---- values ---- */

int dp_addr_parse(const char *text, unsigned default_port, dp_addr_t *out)
{
	char host[64];
	unsigned long port = default_port;
	memset(out, 0, sizeof(*out));
	const char *at = strrchr(text, '@');
	size_t hlen = at != NULL ? (size_t)(at - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host)) {
		return -1;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (at != NULL) {
		char *end = NULL;
		errno = 0;
		if (at[1] < '0' || at[1] > '9') {
			return -1;
		}
		port = strtoul(at + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port == 0 || port > 65535) {
			return -1;
		}
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
	} else {
		return -1;
	}
	snprintf(out->text, sizeof(out->text), "%s@%lu", host, port);
	return 0;
}

int dp_addr_is_loopback(const dp_addr_t *a)
{
	return dance_addr_is_loopback(&a->ss);
}

static int parse_uint(const char *v, unsigned long min, unsigned long max,
                      unsigned long *out)
{
	char *end = NULL;
	if (*v < '0' || *v > '9') {
		return -1;
	}
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"yes", "on", "true", NULL};
	static const char *const no[] = {"no", "off", "false", NULL};
	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int set_string(parser_t *p, char **slot, const char *v)
{
	char *copy = strdup(v);
	if (copy == NULL) {
		p->nomem = 1;
		return -1;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static int push_string(parser_t *p, char ***list, size_t *count, const char *v)
{
	char **grown = realloc(*list, (*count + 2) * sizeof(char *));
	if (grown == NULL) {
		p->nomem = 1;
		return -1;
	}
	*list = grown;
	grown[*count] = strdup(v);
	if (grown[*count] == NULL) {
		p->nomem = 1;
		return -1;
	}
	(*count)++;
	grown[*count] = NULL;
	return 0;
}

static void set_uint(parser_t *p, const char *key, const char *v,
                     unsigned long min, unsigned long max, unsigned *slot)
{
	unsigned long n = 0;
	if (parse_uint(v, min, max, &n) != 0) {
		problem(p, key,
		        "expected an integer from %lu to %lu, not \"%s\"", min,
		        max, v);
		return;
	}
	*slot = (unsigned)n;
}

static void set_addr(parser_t *p, const char *key, const char *v, unsigned port,
                     dp_addr_t *slot)
{
	if (dp_addr_parse(v, port, slot) != 0) {
		problem(p, key,
		        "expected an IP address with an optional @port "
		        "(e.g. 127.0.0.1@%u), not \"%s\"",
		        port, v);
		return;
	}
	slot->line = p->line;
}

/* ---- items by section ---- */

static void server_item(parser_t *p, const char *key, const char *v)
{
	dp_config_t *c = p->cfg;
	if (strcmp(key, "listen") == 0) {
		dp_addr_t a;
		set_addr(p, key, v, DP_DEFAULT_PORT, &a);
		if (a.ss.ss_family == 0) {
			p->bad_listen = 1;
			return;
		}
		dp_addr_t *grown = realloc(
		        c->listen, (c->listen_count + 1) * sizeof(dp_addr_t));
		if (grown == NULL) {
			p->nomem = 1;
			return;
		}
		c->listen = grown;
		c->listen[c->listen_count++] = a;
	} else if (strcmp(key, "cert-file") == 0) {
		set_string(p, &c->cert_file, v);
		c->cert_line = p->line;
	} else if (strcmp(key, "key-file") == 0) {
		set_string(p, &c->key_file, v);
		c->key_line = p->line;
	} else if (strcmp(key, "backend") == 0) {
		set_addr(p, key, v, 53, &c->backend);
		if (c->backend.ss.ss_family == 0) {
			p->bad_backend = 1;
			return;
		}
		if (!dp_addr_is_loopback(&c->backend)) {
			p->bad_backend = 1;
			problem(p, key,
			        "must be a loopback address (127.0.0.0/8 or "
			        "::1): queries travel to it in plain TCP");
			return;
		}
		c->has_backend = 1;
	} else if (strcmp(key, "backend-tsig") == 0) {
		knot_tsig_key_t k;
		if (knot_tsig_key_init_str(&k, v) != KNOT_EOK) {
			problem(p, key,
			        "expected [algorithm:]name:base64-secret, e.g. "
			        "hmac-sha256:proxy-key:c2VjcmV0");
			return;
		}
		knot_tsig_key_deinit(&k);
		set_string(p, &c->backend_tsig, v);
		c->tsig_line = p->line;
	} else if (strcmp(key, "backend-proxy-protocol") == 0) {
		if (parse_bool(v, &c->proxy_protocol) != 0) {
			problem(p, key, "expected yes or no, not \"%s\"", v);
		}
	} else if (strcmp(key, "max-connections") == 0) {
		set_uint(p, key, v, 1, 1000000, &c->max_connections);
	} else if (strcmp(key, "max-connections-per-ip") == 0) {
		set_uint(p, key, v, 1, 1000000, &c->max_per_ip);
	} else if (strcmp(key, "per-ip-ipv4-prefix") == 0) {
		set_uint(p, key, v, 8, 32, &c->per_ip_v4_prefix);
	} else if (strcmp(key, "per-ip-ipv6-prefix") == 0) {
		set_uint(p, key, v, 16, 128, &c->per_ip_v6_prefix);
	} else if (strcmp(key, "max-refusals-unauthorized") == 0) {
		set_uint(p, key, v, 1, 1000000, &c->max_refusals);
	} else if (strcmp(key, "handshake-timeout") == 0) {
		set_uint(p, key, v, 100, 600000, &c->handshake_timeout_ms);
	} else if (strcmp(key, "idle-timeout") == 0) {
		set_uint(p, key, v, 100, 86400000, &c->idle_timeout_ms);
	} else if (strcmp(key, "max-message-size") == 0) {
		set_uint(p, key, v, 512, 65535, &c->max_message_size);
	} else if (strcmp(key, "ede-reason-text") == 0) {
		if (parse_bool(v, &c->ede_reason_text) != 0) {
			problem(p, key, "expected yes or no, not \"%s\"", v);
		}
	} else if (strcmp(key, "stats-listen") == 0) {
		set_addr(p, key, v, 8530, &c->stats_listen);
		c->has_stats = c->stats_listen.ss.ss_family != 0;
	} else if (strcmp(key, "log-level") == 0) {
		if (dp_level_parse(v, &c->log_level) != 0) {
			problem(p, key,
			        "expected error, warning, notice, info or "
			        "debug, not \"%s\"",
			        v);
		}
	} else if (strcmp(key, "clientid") == 0) {
		if (parse_bool(v, &c->clientid) != 0) {
			problem(p, key, "expected yes or no, not \"%s\"", v);
		}
	} else if (strcmp(key, "clientid-type") == 0) {
		set_uint(p, key, v, 0xFF00, 0xFFFF, &c->clientid_type);
	} else {
		problem(p, key, "unknown item in section server");
	}
}

static void resolver_item(parser_t *p, const char *key, const char *v)
{
	dp_config_t *c = p->cfg;
	char normal[DANCE_NAME_MAX];
	if (strcmp(key, "mode") == 0) {
		static const char *const modes[] = {"recurse", "forward",
		                                    "stub", "ad"};
		for (unsigned i = 0; i < 4; i++) {
			if (strcmp(v, modes[i]) == 0) {
				c->mode = (dance_resolve_mode_t)i;
				return;
			}
		}
		problem(p, key,
		        "expected recurse, forward, stub or ad, not \"%s\"", v);
	} else if (strcmp(key, "server") == 0) {
		dp_addr_t a;
		set_addr(p, key, v, 53, &a);
		if (a.ss.ss_family != 0) {
			push_string(p, &c->servers, &c->server_count, a.text);
		}
	} else if (strcmp(key, "stub-zone") == 0) {
		if (dance_name_normalize(v, normal, NULL) != DANCE_OK) {
			problem(p, key, "not a valid domain name: \"%s\"", v);
			return;
		}
		push_string(p, &c->stub_zones, &c->stub_zone_count, normal);
	} else if (strcmp(key, "trust-anchor-file") == 0) {
		set_string(p, &c->trust_anchor_file, v);
		c->ta_line = p->line;
	} else if (strcmp(key, "lookup-timeout") == 0) {
		set_uint(p, key, v, 10, 60000, &c->lookup_timeout_ms);
	} else if (strcmp(key, "cache-max-ttl") == 0) {
		unsigned ttl = 0;
		set_uint(p, key, v, 1, 604800, &ttl);
		if (ttl != 0) {
			c->cache_max_ttl = ttl;
		}
	} else if (strcmp(key, "cache-max-entries") == 0) {
		unsigned n = 0;
		set_uint(p, key, v, 1, 10000000, &n);
		if (n != 0) {
			c->cache_max_entries = n;
		}
	} else if (strcmp(key, "owner-template") == 0) {
		char owner[DANCE_NAME_MAX];
		if (dance_owner_from_template(v, "client.example", owner,
		                              NULL) != DANCE_OK) {
			problem(p, key,
			        "must hold \"{name}\" once and give a valid "
			        "name, e.g. \"_xfr-client.{name}\"");
			return;
		}
		set_string(p, &c->owner_template, v);
	} else {
		problem(p, key, "unknown item in section resolver");
	}
}

static void zone_item(parser_t *p, const char *key, const char *v)
{
	dp_zone_cfg_t *z = &p->cfg->zones[p->cfg->zone_count - 1];
	char normal[DANCE_NAME_MAX];
	if (strcmp(key, "name") == 0) {
		if (dance_name_normalize(v, normal, NULL) != DANCE_OK) {
			problem(p, key, "not a valid zone name: \"%s\"", v);
			return;
		}
		if (z->name[0] != '\0') {
			problem(p, key, "given twice in one zone section");
			return;
		}
		if (dp_config_zone(p->cfg, normal) != NULL) {
			problem(p, key, "zone %s is configured twice", normal);
			return;
		}
		snprintf(z->name, sizeof(z->name), "%s", normal);
	} else if (strcmp(key, "allow") == 0) {
		if (dance_name_normalize(v, normal, NULL) != DANCE_OK) {
			problem(p, key, "not a usable client name: \"%s\"", v);
			return;
		}
		push_string(p, &z->allow, &z->allow_count, normal);
	} else if (strcmp(key, "allow-suffix") == 0) {
		dance_policy_t policy;
		dance_policy_zone_t *pz = NULL;
		dance_policy_init(&policy);
		int ok = dance_policy_zone(&policy, "*", &pz, NULL) ==
		                 DANCE_OK &&
		         dance_policy_allow_suffix(pz, v, NULL) == DANCE_OK;
		dance_policy_clear(&policy);
		if (!ok) {
			problem(p, key,
			        "expected a pattern like "
			        "\"*.secondaries.example.net\", not \"%s\"",
			        v);
			return;
		}
		push_string(p, &z->suffix, &z->suffix_count, v);
	} else if (strcmp(key, "ns-derived") == 0) {
		if (parse_bool(v, &z->ns_derived) != 0) {
			problem(p, key, "expected yes or no, not \"%s\"", v);
		}
	} else {
		problem(p, key, "unknown item in section zone");
	}
}

/* ---- lines ---- */

static void open_section(parser_t *p, const char *name)
{
	if (strcmp(name, "server") == 0) {
		p->section = SEC_SERVER;
	} else if (strcmp(name, "resolver") == 0) {
		p->section = SEC_RESOLVER;
	} else if (strcmp(name, "zone") == 0) {
		dp_config_t *c = p->cfg;
		dp_zone_cfg_t *grown =
		        realloc(c->zones, (c->zone_count + 1) * sizeof(*grown));
		if (grown == NULL) {
			p->nomem = 1;
			return;
		}
		c->zones = grown;
		memset(&grown[c->zone_count], 0, sizeof(*grown));
		grown[c->zone_count].line = p->line;
		c->zone_count++;
		p->section = SEC_ZONE;
	} else {
		problem(p, name,
		        "unknown section (expected server:, resolver: or "
		        "zone:)");
		p->section = SEC_NONE;
	}
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
		s[--n] = '\0';
	}
	return s;
}

/* Removes a comment (not inside quotes) and unquotes the value.
 * Returns -1 on an unterminated quote. */
static int clean_value(char *v, char **out)
{
	v = trim(v);
	if (*v == '"' || *v == '\'') {
		char q = *v;
		char *end = strchr(v + 1, q);
		if (end == NULL) {
			return -1;
		}
		*end = '\0';
		char *rest = trim(end + 1);
		if (*rest != '\0' && *rest != '#') {
			return -1;
		}
		*out = v + 1;
		return 0;
	}
	char *hash = strchr(v, '#');
	if (hash != NULL) {
		*hash = '\0';
	}
	*out = trim(v);
	return 0;
}

static void parse_line(parser_t *p, char *line)
{
	char *s = trim(line);
	if (*s == '\0' || *s == '#') {
		return;
	}
	char *colon = strchr(s, ':');
	if (colon == NULL) {
		problem(p, NULL, "expected \"key: value\" or \"section:\"");
		return;
	}
	*colon = '\0';
	char *key = trim(s);
	char *value = NULL;
	if (clean_value(colon + 1, &value) != 0) {
		problem(p, key, "unterminated quote");
		return;
	}
	if (*key == '\0') {
		problem(p, NULL, "missing key before ':'");
		return;
	}
	if (*value == '\0') {
		open_section(p, key);
		return;
	}
	switch (p->section) {
	case SEC_SERVER: server_item(p, key, value); break;
	case SEC_RESOLVER: resolver_item(p, key, value); break;
	case SEC_ZONE: zone_item(p, key, value); break;
	case SEC_NONE:
		problem(p, key,
		        "item outside a section (server:, resolver: "
		        "or zone:)");
		break;
	}
}

/* ---- the file as a whole ---- */

static void check_whole(parser_t *p)
{
	dp_config_t *c = p->cfg;
	if (c->listen_count == 0 && !p->bad_listen) {
		p->line = 0;
		problem(p, "listen",
		        "missing: at least one listen address is "
		        "needed");
	}
	if (c->cert_file == NULL) {
		p->line = 0;
		problem(p, "cert-file",
		        "missing: the server certificate is "
		        "needed");
	}
	if (c->key_file == NULL) {
		p->line = 0;
		problem(p, "key-file", "missing: the server key is needed");
	}
	if (!c->has_backend && !p->bad_backend) {
		p->line = 0;
		problem(p, "backend",
		        "missing: the primary's loopback address "
		        "is needed");
	}
	if (c->mode != DANCE_RESOLVE_RECURSE && c->server_count == 0) {
		p->line = 0;
		problem(p, "server",
		        "resolver modes forward, stub and ad need at least one "
		        "server");
	}
	if (c->mode == DANCE_RESOLVE_STUB && c->stub_zone_count == 0) {
		p->line = 0;
		problem(p, "stub-zone",
		        "resolver mode stub needs at least one "
		        "stub-zone");
	}
	if (c->mode == DANCE_RESOLVE_AD) {
		for (size_t i = 0; i < c->server_count; i++) {
			dp_addr_t a;
			if (dp_addr_parse(c->servers[i], 53, &a) == 0 &&
			    !dp_addr_is_loopback(&a)) {
				p->line = 0;
				problem(p, "server",
				        "resolver mode ad trusts the AD bit "
				        "only from a resolver on loopback");
			}
		}
	}
	if (c->zone_count == 0) {
		p->line = 0;
		problem(p, "zone",
		        "no zone section: nothing could be "
		        "transferred");
	}
	for (size_t i = 0; i < c->zone_count; i++) {
		dp_zone_cfg_t *z = &c->zones[i];
		p->line = z->line;
		if (z->name[0] == '\0') {
			problem(p, "name", "missing in this zone section");
		} else if (z->allow_count == 0 && z->suffix_count == 0 &&
		           !z->ns_derived) {
			problem(p, "zone",
			        "%s has no allow, allow-suffix or ns-derived: "
			        "yes: nobody could transfer it",
			        z->name);
		}
	}
}

static void set_defaults(dp_config_t *c)
{
	c->max_connections = 1000;
	c->max_per_ip = 32;
	c->per_ip_v4_prefix = 32;
	c->per_ip_v6_prefix = 64;
	c->max_refusals = 3;
	c->handshake_timeout_ms = 5000;
	c->idle_timeout_ms = 30000;
	c->max_message_size = 65535;
	c->log_level = DP_LOG_INFO;
	c->clientid = 1;
	c->clientid_type = DANCE_CLIENTID_EXT_DEFAULT;
	c->mode = DANCE_RESOLVE_RECURSE;
	c->lookup_timeout_ms = 1500;
	c->cache_max_ttl = 3600;
	c->cache_max_entries = 10000;
}

dance_code_t dp_config_parse_buffer(const char *data, size_t len,
                                    const char *file, dp_config_t **out,
                                    dp_diag_t *diag)
{
	*out = NULL;
	dp_config_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return DANCE_ENOMEM;
	}
	set_defaults(c);
	c->file = strdup(file != NULL ? file : "(config)");
	parser_t p = {.cfg = c, .diag = diag, .file = c->file};
	if (c->file == NULL) {
		dp_config_free(c);
		return DANCE_ENOMEM;
	}
	size_t pos = 0;
	char line[4096];
	while (pos < len && !p.nomem) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (data + pos)) : len - pos;
		p.line++;
		if (n >= sizeof(line) || memchr(data + pos, '\0', n) != NULL) {
			problem(&p, NULL,
			        n >= sizeof(line) ? "line too long"
			                          : "NUL byte in line");
		} else {
			memcpy(line, data + pos, n);
			line[n] = '\0';
			parse_line(&p, line);
		}
		pos += n + 1;
	}
	if (!p.nomem) {
		check_whole(&p);
	}
	if (p.nomem || p.errors > 0) {
		dp_config_free(c);
		return p.nomem ? DANCE_ENOMEM : DANCE_EINVAL;
	}
	*out = c;
	return DANCE_OK;
}

dance_code_t dp_config_parse_file(const char *path, dp_config_t **out,
                                  dp_diag_t *diag)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		dp_diag_add(diag, path, 0, NULL, "cannot open: %s",
		            strerror(errno));
		return DANCE_EIO;
	}
	char *data = NULL;
	size_t len = 0, cap = 0;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n > 4 * 1024 * 1024) {
			break;
		}
		if (len + n > cap) {
			cap = (len + n) * 2;
			char *grown = realloc(data, cap);
			if (grown == NULL) {
				free(data);
				fclose(f);
				return DANCE_ENOMEM;
			}
			data = grown;
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		dp_diag_add(diag, path, 0, NULL, "read error");
		return DANCE_EIO;
	}
	dance_code_t rc = dp_config_parse_buffer(data != NULL ? data : "", len,
	                                         path, out, diag);
	free(data);
	return rc;
}

static void check_readable(const dp_config_t *c, const char *path,
                           unsigned line, const char *item, dp_diag_t *diag,
                           int *bad)
{
	if (path != NULL && access(path, R_OK) != 0) {
		dp_diag_add(diag, c->file, line, item, "%s: %s", path,
		            strerror(errno));
		*bad = 1;
	}
}

dance_code_t dp_config_check_files(const dp_config_t *cfg, dp_diag_t *diag)
{
	int bad = 0;
	check_readable(cfg, cfg->cert_file, cfg->cert_line, "cert-file", diag,
	               &bad);
	check_readable(cfg, cfg->key_file, cfg->key_line, "key-file", diag,
	               &bad);
	if (cfg->mode != DANCE_RESOLVE_AD) {
		check_readable(cfg, cfg->trust_anchor_file, cfg->ta_line,
		               "trust-anchor-file", diag, &bad);
	}
	return bad ? DANCE_EINVAL : DANCE_OK;
}

const dp_zone_cfg_t *dp_config_zone(const dp_config_t *cfg, const char *zone)
{
	for (size_t i = 0; i < cfg->zone_count; i++) {
		if (strcmp(cfg->zones[i].name, zone) == 0) {
			return &cfg->zones[i];
		}
	}
	return NULL;
}

static void free_list(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i]);
	}
	free(list);
}

void dp_config_free(dp_config_t *cfg)
{
	if (cfg == NULL) {
		return;
	}
	free(cfg->file);
	free(cfg->listen);
	free(cfg->cert_file);
	free(cfg->key_file);
	free(cfg->backend_tsig);
	free_list(cfg->servers, cfg->server_count);
	free_list(cfg->stub_zones, cfg->stub_zone_count);
	free(cfg->trust_anchor_file);
	free(cfg->owner_template);
	for (size_t i = 0; i < cfg->zone_count; i++) {
		free_list(cfg->zones[i].allow, cfg->zones[i].allow_count);
		free_list(cfg->zones[i].suffix, cfg->zones[i].suffix_count);
	}
	free(cfg->zones);
	free(cfg);
}
