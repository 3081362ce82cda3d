/* test_trust_anchor.c: a trust anchor file read as the validator will read
 * it (dance_trust_anchor_file_check, libunbound, no query): a good file
 * passes, one that does not parse is refused naming the file and the
 * position libunbound gives for the parse error, a missing one naming the file.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dance/resolver.h"
#include "fixtures.h"
#include "suites.h"

static const char ROOT_DS[] =
        ". IN DS 20326 8 2 "
        "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_trust_anchor_file_check(void)
{
	char *dir = fx_tmpdir();
	char good[512], bad[512], missing[512];
	snprintf(good, sizeof(good), "%s/good.key", dir);
	snprintf(bad, sizeof(bad), "%s/bad.key", dir);
	snprintf(missing, sizeof(missing), "%s/missing.key", dir);
	write_text(good, ROOT_DS);
	char bad_text[256];
	snprintf(bad_text, sizeof(bad_text), "%sthis is not a record\n",
	         ROOT_DS);
	write_text(bad, bad_text);
	dance_error_t err;
	CU_ASSERT_EQUAL(dance_trust_anchor_file_check(good, &err), DANCE_OK);
	CU_ASSERT_EQUAL(dance_trust_anchor_file_check(bad, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "bad.key:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "parse error"));
	CU_ASSERT_EQUAL(dance_trust_anchor_file_check(missing, &err),
	                DANCE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "missing.key"));
	CU_ASSERT_EQUAL(dance_trust_anchor_file_check(NULL, &err),
	                DANCE_EINVAL);

	/* A resolver made with that file fails the same way, with the parse
	 * error, not only libunbound's "initialization failure". */
	dance_resolver_config_t cfg = {
	        .mode = DANCE_RESOLVE_RECURSE,
	        .trust_anchor_file = bad,
	};
	dance_resolver_t *r = NULL;
	CU_ASSERT_EQUAL(dance_resolver_new(&cfg, &r, &err), DANCE_EINVAL);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.reason, "bad.key:"));
	dance_resolver_free(r);
	fx_rmtree(dir);
}

void register_trust_anchor_suite(void)
{
	CU_pSuite s = CU_add_suite("trust anchor file", NULL, NULL);
	CU_add_test(s, "read as the validator will, without a query",
	            test_trust_anchor_file_check);
}
