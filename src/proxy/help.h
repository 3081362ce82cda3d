/* help.h: the option and configuration tables of dance-proxy, rendered as
 * --help text and as the dance-proxy(8) man page (--man). */
#ifndef DP_HELP_H
#define DP_HELP_H

#include <stdio.h>

typedef struct dp_option_doc {
	int id; /* short option letter, or >= 128 long only */
	const char *name;
	const char *arg; /* NULL: no argument */
	const char *help;
} dp_option_doc_t;

enum {
	DP_OPT_FOREGROUND = 128,
	DP_OPT_CHECK,
	DP_OPT_HELP,
	DP_OPT_MAN,
	DP_OPT_VERSION,
};

extern const dp_option_doc_t dp_options[];

void dp_help_print(FILE *out);
void dp_man_print(FILE *out);

#endif
