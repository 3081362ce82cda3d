/* sanity.c: hand-checked cases (sanity.h). */
#include "sanity.h"

static void ee_leaf(dane_params_t *p)
{
	dane_params_simple(p, 3);
	dane_params_add_record(p, 0, 3, 1, 1, DANE_REC_EXACT);
}

static void ee_expired_leaf(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->validity[0] = DANE_EXPIRED;
	p->alg[0] = DANE_ALG_RSA2048;
	dane_params_add_record(p, 0, 3, 0, 1, DANE_REC_EXACT);
}

static void ee_other_leaf(dane_params_t *p)
{
	dane_params_simple(p, 3);
	dane_params_add_record(p, DANE_SLOT_XLEAF, 3, 1, 1, DANE_REC_EXACT);
}

static void ee_on_ca(dane_params_t *p)
{
	dane_params_simple(p, 3);
	dane_params_add_record(p, 1, 3, 1, 1, DANE_REC_EXACT);
}

static void ta_root(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->alg[2] = DANE_ALG_ED25519;
	dane_params_add_record(p, 2, 2, 0, 1, DANE_REC_EXACT);
}

static void ta_root_name_missing(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->leafname = DANE_NAME_SAN_OTHER;
	dane_params_add_record(p, 2, 2, 1, 1, DANE_REC_EXACT);
}

static void ta_root_expired_int(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->validity[1] = DANE_EXPIRED;
	dane_params_add_record(p, 2, 2, 0, 1, DANE_REC_EXACT);
}

static void ee_agility(dane_params_t *p)
{
	dane_params_simple(p, 2);
	dane_params_add_record(p, 0, 3, 1, 1, DANE_REC_EXACT);
	dane_params_add_record(p, 0, 3, 1, 2, DANE_REC_RANDOM);
}

static void unknown_usage(dane_params_t *p)
{
	dane_params_simple(p, 2);
	dane_params_add_record(p, 0, 4, 1, 1, DANE_REC_EXACT);
}

static void pkix_ee_cafile(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->cafile[0] = 2;
	dane_params_add_record(p, 0, 1, 1, 1, DANE_REC_EXACT);
}

static void pkix_ee_no_cafile(dane_params_t *p)
{
	dane_params_simple(p, 3);
	dane_params_add_record(p, 0, 1, 1, 1, DANE_REC_EXACT);
}

static void pkix_ta_root(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->alg[1] = DANE_ALG_RSA2048;
	p->cafile[0] = 2;
	dane_params_add_record(p, 2, 0, 0, 1, DANE_REC_EXACT);
}

static void ta_nc_excluded(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->nc = DANE_NC_EXCLUDE_HIT;
	p->nc_slot = 1;
	dane_params_add_record(p, 2, 2, 0, 1, DANE_REC_EXACT);
}

static void ta_nc_permitted(dane_params_t *p)
{
	dane_params_simple(p, 3);
	p->nc = DANE_NC_PERMIT_OK;
	p->nc_slot = 1;
	dane_params_add_record(p, 2, 2, 0, 2, DANE_REC_EXACT);
}

static void ee_with_malformed(dane_params_t *p)
{
	dane_params_simple(p, 2);
	dane_params_add_record(p, 0, 3, 1, 1, DANE_REC_BAD_LENGTH);
	dane_params_add_record(p, 0, 3, 1, 1, DANE_REC_EXACT);
}

static void ta_full_cert_absent_root(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->root_presented = 0;
	dane_params_add_record(p, 1, 2, 0, 0, DANE_REC_EXACT);
}

static void ta_full_key_absent_root(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->root_presented = 0;
	p->alg[1] = DANE_ALG_RSA2048;
	dane_params_add_record(p, 1, 2, 1, 0, DANE_REC_EXACT);
}

static void ta_unrelated_ca(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->extra[0] = DANE_SLOT_XCA;
	dane_params_add_record(p, DANE_SLOT_XCA, 2, 1, 1, DANE_REC_EXACT);
}

static void ta_cn_only(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->leafname = DANE_NAME_CN_ONLY;
	dane_params_add_record(p, 1, 2, 1, 1, DANE_REC_EXACT);
}

static void ta_wildcard(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->leafname = DANE_NAME_SAN_WILD;
	dane_params_add_record(p, 1, 2, 0, 1, DANE_REC_EXACT);
}

static void ta_root_also_in_cafile(dane_params_t *p)
{
	dane_params_simple(p, 2);
	p->cafile[0] = 1;
	dane_params_add_record(p, 1, 2, 1, 1, DANE_REC_EXACT);
	dane_params_add_record(p, 0, 0, 1, 1, DANE_REC_EXACT);
}

const dane_sanity_t dane_sanity_cases[] = {
        {"3 1 1 of the leaf", ee_leaf, 1, NULL},
        {"3 0 1 of an expired leaf (DANE-EE ignores dates)", ee_expired_leaf, 1,
         NULL},
        {"3 1 1 of an unrelated leaf", ee_other_leaf, 0, NULL},
        {"3 1 1 of the issuing CA (DANE-EE is the leaf only)", ee_on_ca, 0,
         NULL},
        {"2 0 1 of the presented root", ta_root, 1, NULL},
        {"2 1 1 of the root, leaf without the client name",
         ta_root_name_missing, 0, NULL},
        {"2 0 1 of the root, expired intermediate", ta_root_expired_int, 0,
         NULL},
        {"3 1 1 of the leaf shadowed by a 3 1 2 that matches nothing",
         ee_agility, 0, NULL},
        {"usage 4 only (unusable)", unknown_usage, 0, NULL},
        {"1 1 1 of the leaf, CA file with the root", pkix_ee_cafile, 1, NULL},
        {"1 1 1 of the leaf, no CA file", pkix_ee_no_cafile, 0, NULL},
        {"0 0 1 of the presented root, CA file with the root", pkix_ta_root, 1,
         NULL},
        {"2 0 1 of the root, intermediate excludes ns2.zone.example",
         ta_nc_excluded, 0, NULL},
        {"2 0 2 of the root, intermediate permits example", ta_nc_permitted, 1,
         NULL},
        {"a malformed 3 1 1 next to a good one", ee_with_malformed, 1, NULL},
        {"2 0 0 of the root, root not presented", ta_full_cert_absent_root, 1,
         NULL},
        {"2 1 0 of the root's key, root not presented", ta_full_key_absent_root,
         1, NULL},
        {"2 1 1 of an unrelated CA that is presented", ta_unrelated_ca, 0,
         NULL},
        {"2 1 1 of the root, leaf without SAN, CN the client name", ta_cn_only,
         1, "cn-fallback"},
        {"2 0 1 of the root, leaf SAN *.zone.example", ta_wildcard, 1,
         "wildcard"},
        {"2 1 1 of the presented root, a PKIX record, the root in the CA "
         "file",
         ta_root_also_in_cafile, 0, "openssl-store-shadow"},
        {NULL, NULL, 0, NULL},
};
