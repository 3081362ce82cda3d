/* fuzz_proxyconf.c: the dance-proxy configuration file parser
 * (dp_config_parse_buffer, src/proxy/config.c), which is pure: no file
 * is opened.
 *
 * The input is the file's text. Properties: a refusal has no result and
 * at least one diagnostic line naming the file; an accepted configuration
 * has no diagnostics, a loopback backend, and, in resolver mode ad, only
 * loopback resolvers; its zone and allowed names are in normal form and
 * its suffix rules are accepted by the policy; parsing is repeatable (the same
 * text gives the same verdict).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dance/name.h"
#include "dance/policy.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILE_NAME "fuzz.conf"

static int is_normal(const char *name)
{
	char again[DANCE_NAME_MAX];
	return dance_name_normalize(name, again, NULL) == DANCE_OK &&
	       strcmp(again, name) == 0;
}

static void check_accepted(const dp_config_t *c)
{
	FUZZ_CHECK(c->has_backend && dp_addr_is_loopback(&c->backend),
	           "backend %s accepted", c->backend.text);
	if (c->mode == DANCE_RESOLVE_AD) {
		for (size_t i = 0; i < c->server_count; i++) {
			dp_addr_t a;
			FUZZ_CHECK(dp_addr_parse(c->servers[i], 53, &a) == 0 &&
			                   dp_addr_is_loopback(&a),
			           "ad mode with resolver %s", c->servers[i]);
		}
	}
	for (size_t z = 0; z < c->zone_count; z++) {
		const dp_zone_cfg_t *zc = &c->zones[z];
		FUZZ_CHECK(is_normal(zc->name), "zone \"%s\"", zc->name);
		FUZZ_CHECK(dp_config_zone(c, zc->name) != NULL,
		           "zone %s not found", zc->name);
		for (size_t i = 0; i < zc->allow_count; i++) {
			FUZZ_CHECK(is_normal(zc->allow[i]), "allow \"%s\"",
			           zc->allow[i]);
		}
		/* Suffixes are kept as written; the policy normalises. */
		dance_policy_t policy;
		dance_policy_zone_t *pz = NULL;
		dance_policy_init(&policy);
		FUZZ_CHECK(dance_policy_zone(&policy, zc->name, &pz, NULL) ==
		                   DANCE_OK,
		           "zone %s refused by the policy", zc->name);
		for (size_t i = 0; i < zc->suffix_count; i++) {
			FUZZ_CHECK(dance_policy_allow_suffix(pz, zc->suffix[i],
			                                     NULL) == DANCE_OK,
			           "allow-suffix \"%s\" refused by the policy",
			           zc->suffix[i]);
		}
		dance_policy_clear(&policy);
	}
}

static int parse(const uint8_t *data, size_t size, int check)
{
	dp_config_t *cfg = NULL;
	dp_diag_t diag;
	dp_diag_init(&diag);
	dance_code_t rc = dp_config_parse_buffer((const char *)data, size,
	                                         FILE_NAME, &cfg, &diag);
	if (check && rc == DANCE_OK) {
		FUZZ_CHECK(cfg != NULL, "accepted without a result");
		FUZZ_CHECK(diag.count == 0, "accepted with %zu problems: %s",
		           diag.count, diag.lines[0]);
		check_accepted(cfg);
	} else if (check) {
		FUZZ_CHECK(rc == DANCE_EINVAL || rc == DANCE_ENOMEM, "code %d",
		           (int)rc);
		FUZZ_CHECK(cfg == NULL, "refused with a result");
		FUZZ_CHECK(rc == DANCE_ENOMEM || diag.count > 0,
		           "refused without a diagnostic");
		for (size_t i = 0; i < diag.count; i++) {
			FUZZ_CHECK(strncmp(diag.lines[i], FILE_NAME ":",
			                   strlen(FILE_NAME ":")) == 0,
			           "diagnostic \"%.80s\" names no file",
			           diag.lines[i]);
		}
	}
	dp_config_free(cfg);
	dp_diag_free(&diag);
	return rc == DANCE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int first = parse(data, size, 1);
	FUZZ_CHECK(parse(data, size, 0) == first, "verdict not repeatable");
	return 0;
}
