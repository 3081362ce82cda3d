/* doctable.h: the deliberate differences of compare.c checked against the
 * table in README.md, so the documented list and the asserted one are the
 * same list. */
#ifndef DANE_DOCTABLE_H
#define DANE_DOCTABLE_H

#include <stdio.h>

/* Reads the "Deliberate differences" table of the README at path: every
 * class of dane_docdiffs must have a row "| `name` | ...", and every row
 * must name a class. Prints each mismatch to out. Returns the number of
 * mismatches, or -1 when the file cannot be read. */
int dane_doctable_check(const char *path, FILE *out);

#endif
