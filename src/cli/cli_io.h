/* cli_io.h: files: reading inputs whole, and writing outputs atomically
 * (a temporary file in the target's directory, renamed into place) so an
 * error never leaves a partial file behind. */
#ifndef DANCE_CLI_IO_H
#define DANCE_CLI_IO_H

#include <stddef.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

#include "dance/error.h"

/* Largest input file read. */
#define CLI_FILE_MAX (1024 * 1024)

/* Reads a whole regular file into out (malloc'ed, NUL-terminated; size
 * excludes the NUL). EIO/EINVAL with a reason that does not repeat the
 * path (callers prefix "--option PATH: "). */
dance_code_t cli_read_file(const char *path, gnutls_datum_t *out,
                           dance_error_t *err);
void cli_datum_free(gnutls_datum_t *d);

/* An output file being written. */
typedef struct cli_outfile {
	char *path; /* target */
	char *tmp;  /* staged temporary file, or NULL */
	int committed;
} cli_outfile_t;

/* Checks before any work that path may be written: its directory exists,
 * it is not a directory, and it does not exist unless force. */
dance_code_t cli_outfile_check(const char *path, int force, dance_error_t *err);

/* Writes data to a temporary file beside path with mode, synced. */
dance_code_t cli_outfile_stage(cli_outfile_t *f, const char *path, mode_t mode,
                               const void *data, size_t len,
                               dance_error_t *err);

/* Moves the staged file to its path: replacing an existing file only with
 * force (otherwise EIO "exists"), atomically either way. */
dance_code_t cli_outfile_commit(cli_outfile_t *f, int force,
                                dance_error_t *err);

/* Removes a committed file again (a later step failed). */
void cli_outfile_undo(cli_outfile_t *f);

/* Removes the temporary file if still there and frees f's strings. */
void cli_outfile_discard(cli_outfile_t *f);

#endif
