/* cunit_run.h: the part every CUnit runner of the project shares: run the
 * suites registered so far (those named on the command line, or all),
 * verbosely, and turn the outcome into an exit code. */
#ifndef DANCE_TEST_CUNIT_RUN_H
#define DANCE_TEST_CUNIT_RUN_H

/* Runs the suites named in argv[1..] (none: every suite) and cleans the
 * registry up. Returns 0 when tests ran and all passed, 1 when one failed
 * or none ran, 2 for an unknown suite name; prog prefixes messages. */
int dance_cunit_run(const char *prog, int argc, char **argv);

#endif
