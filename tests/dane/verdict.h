/* verdict.h: what one side (OpenSSL or libdance) decided for a case. */
#ifndef DANE_VERDICT_H
#define DANE_VERDICT_H

#define DANE_VERDICT_TEXT 256

typedef struct dane_verdict {
	int accept;    /* 1: authenticated, 0: refused */
	int record;    /* index in the case's records that matched; -1 */
	int depth;     /* chain depth of the match (OpenSSL); -1 unknown */
	char code[48]; /* short outcome name */
	char detail[DANE_VERDICT_TEXT]; /* why */
} dane_verdict_t;

#endif
