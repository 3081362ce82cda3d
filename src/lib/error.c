/* error.c: dance_error_t helpers. */
#include "dance/error.h"

#include <stdarg.h>
#include <stdio.h>

dance_code_t dance_error_set(dance_error_t *err, dance_code_t code,
                             const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return code;
}

void dance_error_clear(dance_error_t *err)
{
	if (err != NULL) {
		err->code = DANCE_OK;
		err->reason[0] = '\0';
	}
}

const char *dance_code_name(dance_code_t code)
{
	switch (code) {
	case DANCE_OK: return "ok";
	case DANCE_EINVAL: return "invalid";
	case DANCE_ENOMEM: return "nomem";
	case DANCE_ECRYPTO: return "crypto";
	case DANCE_EIO: return "io";
	case DANCE_ENOTFOUND: return "notfound";
	case DANCE_ETIMEOUT: return "timeout";
	case DANCE_EDNS: return "dns";
	case DANCE_ESTATE: return "state";
	}
	return "unknown";
}
