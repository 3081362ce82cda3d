/* diag.h: a list of configuration problems, each one line
 * "FILE:LINE: item: what is wrong", owned by the list. */
#ifndef DP_DIAG_H
#define DP_DIAG_H

#include <stddef.h>

typedef struct dp_diag {
	char **lines;
	size_t count;
} dp_diag_t;

void dp_diag_init(dp_diag_t *d);
/* item may be NULL (the message is about the file or a section). */
void dp_diag_add(dp_diag_t *d, const char *file, unsigned line,
                 const char *item, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void dp_diag_free(dp_diag_t *d);

#endif
