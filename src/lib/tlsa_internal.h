/* tlsa_internal.h: constructors shared inside libdance. */
#ifndef DANCE_TLSA_INTERNAL_H
#define DANCE_TLSA_INTERNAL_H

#include "dance/tlsa.h"

/* Fills *out with the fields and a copy of data after checking the data
 * length against the matching type (EINVAL with a reason otherwise). */
dance_code_t dance_tlsa_make(dance_tlsa_t *out, uint8_t usage, uint8_t selector,
                             uint8_t mtype, const uint8_t *data, size_t len,
                             dance_error_t *err);

#endif
