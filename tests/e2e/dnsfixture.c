/* dnsfixture.c: the test DNS from C (see dnsfixture.h). */
#include "dnsfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/x509.h>

#define TESTDNS DANCE_SOURCE_DIR "/tests/dns/testdns"

static void unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
}

static int read_env(dnsfx_t *fx)
{
	char path[300], line[700];
	snprintf(path, sizeof(path), "%s/env", fx->dir);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fx->count = 0;
	while (fgets(line, sizeof(line), f) != NULL &&
	       fx->count < DNSFX_MAX_VARS) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (eq == NULL) {
			continue;
		}
		*eq = '\0';
		snprintf(fx->names[fx->count], sizeof(fx->names[0]), "%.31s",
		         line);
		snprintf(fx->values[fx->count], sizeof(fx->values[0]), "%.511s",
		         eq + 1);
		unquote(fx->values[fx->count]);
		fx->count++;
	}
	fclose(f);
	return 0;
}

static void split_stub_zones(dnsfx_t *fx)
{
	char *save = NULL;
	snprintf(fx->stub_buf, sizeof(fx->stub_buf), "%s",
	         dnsfx_get(fx, "STUB_ZONES"));
	fx->stub_zone_count = 0;
	for (char *z = strtok_r(fx->stub_buf, " ", &save);
	     z != NULL && fx->stub_zone_count < DNSFX_MAX_ZONES;
	     z = strtok_r(NULL, " ", &save)) {
		fx->stub_zones[fx->stub_zone_count++] = z;
	}
}

int dnsfx_start(dnsfx_t *fx, int with_unbound)
{
	char cmd[600];
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/dance-dns-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		perror("mkdtemp");
		fx->dir[0] = '\0';
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "'%s' start '%s'%s", TESTDNS, fx->dir,
	         with_unbound ? " --unbound" : "");
	if (system(cmd) != 0 || read_env(fx) != 0) {
		fprintf(stderr, "dnsfixture: '%s' failed\n", cmd);
		dnsfx_stop(fx);
		return -1;
	}
	snprintf(fx->server, sizeof(fx->server), "%s@%s",
	         dnsfx_get(fx, "DNS_ADDR"), dnsfx_get(fx, "DNS_PORT"));
	if (with_unbound) {
		snprintf(fx->resolver, sizeof(fx->resolver), "127.0.0.1@%s",
		         dnsfx_get(fx, "UNBOUND_PORT"));
	}
	split_stub_zones(fx);
	return 0;
}

const char *dnsfx_get(const dnsfx_t *fx, const char *key)
{
	for (size_t i = 0; i < fx->count; i++) {
		if (strcmp(fx->names[i], key) == 0) {
			return fx->values[i];
		}
	}
	return "";
}

int dnsfx_run(const dnsfx_t *fx, const char *cmd, const char *args)
{
	char line[1200];
	snprintf(line, sizeof(line), "'%s' %s '%s' %s", TESTDNS, cmd, fx->dir,
	         args != NULL ? args : "");
	return system(line);
}

int dnsfx_cert(const dnsfx_t *fx, const char *base, gnutls_datum_t *der)
{
	char path[700];
	gnutls_datum_t pem = {NULL, 0};
	gnutls_x509_crt_t crt = NULL;
	snprintf(path, sizeof(path), "%s/%s.pem", dnsfx_get(fx, "KEYS_DIR"),
	         base);
	int rc = gnutls_load_file(path, &pem);
	if (rc >= 0) {
		rc = gnutls_x509_crt_init(&crt);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
	}
	if (rc >= 0) {
		rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der);
	}
	gnutls_x509_crt_deinit(crt);
	gnutls_free(pem.data);
	return rc < 0 ? -1 : 0;
}

void dnsfx_stop(dnsfx_t *fx)
{
	char cmd[600];
	if (fx->dir[0] == '\0') {
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s' stop '%s'", TESTDNS, fx->dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "dnsfixture: '%s' failed\n", cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "dnsfixture: '%s' failed\n", cmd);
	}
	fx->dir[0] = '\0';
}
