/* frame.c: see frame.h. */
#include "frame.h"

size_t dp_frame_next(uint8_t *buf, size_t len, uint8_t **msg, size_t *mlen)
{
	*msg = NULL;
	*mlen = 0;
	if (buf == NULL || len < 2) {
		return 0;
	}
	size_t want = ((size_t)buf[0] << 8) | buf[1];
	*mlen = want;
	if (len - 2 < want) {
		return 0;
	}
	*msg = buf + 2;
	return 2 + want;
}
