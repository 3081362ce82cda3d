/* config.h: the dance-proxy configuration file (NSD style).
 *
 *   server:   listen, cert-file, key-file, backend, backend-tsig,
 *             backend-proxy-protocol, max-connections,
 *             max-connections-per-ip, per-ip-ipv4-prefix,
 *             per-ip-ipv6-prefix, max-refusals-unauthorized,
 *             handshake-timeout, idle-timeout, max-message-size,
 *             ede-reason-text, stats-listen, log-level, clientid,
 *             clientid-type
 *   resolver: mode, server, stub-zone, trust-anchor-file, lookup-timeout,
 *             cache-max-ttl, cache-max-entries, owner-template
 *   zone:     name, allow, allow-suffix, ns-derived   (repeatable)
 *
 * Lines are "key: value" ('#' starts a comment, values may be quoted);
 * a key alone with a colon opens a section. dp_config_parse_buffer is pure
 * (no file access): it checks syntax and every value, and the file as a
 * whole; dp_config_check_files checks the files it names are readable.
 * Each problem is one diag line "FILE:LINE: item: what is wrong".
 */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <dance/error.h>
#include <dance/name.h>
#include <dance/resolver.h>

#include "diag.h"
#include "log.h"

#define DP_CONFIG_DEFAULT "/etc/dance-proxy/dance-proxy.conf"
#define DP_DEFAULT_PORT   853

typedef struct dp_addr {
	struct sockaddr_storage ss;
	char text[64]; /* "ADDR@PORT" */
	unsigned line;
} dp_addr_t;

typedef struct dp_zone_cfg {
	char name[DANCE_NAME_MAX]; /* normalised */
	char **allow;
	size_t allow_count;
	char **suffix;
	size_t suffix_count;
	int ns_derived;
	unsigned line;
} dp_zone_cfg_t;

typedef struct dp_config {
	char *file;
	/* server: */
	dp_addr_t *listen;
	size_t listen_count;
	char *cert_file, *key_file;
	unsigned cert_line, key_line;
	dp_addr_t backend;
	int has_backend;
	char *backend_tsig; /* "[alg:]name:secret", checked */
	unsigned tsig_line;
	int proxy_protocol;
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned per_ip_v4_prefix; /* max_per_ip counts per prefix length */
	unsigned per_ip_v6_prefix;
	unsigned max_refusals; /* refusals before any allow: closed then */
	unsigned handshake_timeout_ms;
	unsigned idle_timeout_ms;
	unsigned max_message_size;
	int ede_reason_text; /* the reason code as EDE text (default no) */
	dp_addr_t stats_listen;
	int has_stats;
	dp_level_t log_level;
	int clientid;           /* accept dane_clientid (default yes) */
	unsigned clientid_type; /* its TLS extension codepoint */
	/* resolver: */
	dance_resolve_mode_t mode;
	char **servers;
	size_t server_count;
	char **stub_zones;
	size_t stub_zone_count;
	char *trust_anchor_file;
	unsigned ta_line;
	unsigned lookup_timeout_ms;
	uint32_t cache_max_ttl;
	size_t cache_max_entries;
	char *owner_template;
	/* zone: */
	dp_zone_cfg_t *zones;
	size_t zone_count;
} dp_config_t;

/* Parses data (len bytes, need not be NUL-terminated); file names the
 * source in messages. DANCE_OK and *out, or EINVAL with one diag line per
 * problem (ENOMEM when memory ran out) and *out NULL. */
dance_code_t dp_config_parse_buffer(const char *data, size_t len,
                                    const char *file, dp_config_t **out,
                                    dp_diag_t *diag);
/* Reads and parses a file (EIO with a diag line when it can not be read). */
dance_code_t dp_config_parse_file(const char *path, dp_config_t **out,
                                  dp_diag_t *diag);
/* Checks that the files the configuration names are readable. */
dance_code_t dp_config_check_files(const dp_config_t *cfg, dp_diag_t *diag);
void dp_config_free(dp_config_t *cfg);

/* The zone entry for a normalised name, or NULL. */
const dp_zone_cfg_t *dp_config_zone(const dp_config_t *cfg, const char *zone);

/* Parses "ADDR[@PORT]" (IPv4 or IPv6) with a default port. 0 or -1. */
int dp_addr_parse(const char *text, unsigned default_port, dp_addr_t *out);
int dp_addr_is_loopback(const dp_addr_t *a);

#endif
