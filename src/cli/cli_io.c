/* cli_io.c: reading inputs and writing outputs atomically (cli_io.h). */
#include "cli_io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static dance_code_t read_all(int fd, size_t size, gnutls_datum_t *out,
                             dance_error_t *err)
{
	unsigned char *buf = malloc(size + 1);
	if (buf == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			int e = n < 0 ? errno : 0;
			free(buf);
			return dance_error_set(
			        err, DANCE_EIO, "cannot read: %s",
			        e != 0 ? strerror(e) : "file shrank");
		}
		got += (size_t)n;
	}
	buf[size] = '\0';
	out->data = buf;
	out->size = (unsigned)size;
	return DANCE_OK;
}

dance_code_t cli_read_file(const char *path, gnutls_datum_t *out,
                           dance_error_t *err)
{
	out->data = NULL;
	out->size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return dance_error_set(err, DANCE_EIO, "cannot open: %s",
		                       strerror(errno));
	}
	struct stat st;
	dance_code_t rc = DANCE_OK;
	if (fstat(fd, &st) != 0) {
		rc = dance_error_set(err, DANCE_EIO, "cannot stat: %s",
		                     strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = dance_error_set(err, DANCE_EINVAL, "not a regular file");
	} else if (st.st_size == 0) {
		rc = dance_error_set(err, DANCE_EINVAL, "file is empty");
	} else if (st.st_size > CLI_FILE_MAX) {
		rc = dance_error_set(err, DANCE_EINVAL,
		                     "file is larger than %d bytes",
		                     CLI_FILE_MAX);
	} else {
		rc = read_all(fd, (size_t)st.st_size, out, err);
	}
	close(fd);
	return rc;
}

void cli_datum_free(gnutls_datum_t *d)
{
	free(d->data);
	d->data = NULL;
	d->size = 0;
}

/* The directory part of path (malloc'ed), or NULL. */
static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	if (copy == NULL) {
		return NULL;
	}
	char *dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

dance_code_t cli_outfile_check(const char *path, int force, dance_error_t *err)
{
	struct stat st;
	if (path[0] == '\0') {
		return dance_error_set(err, DANCE_EINVAL, "empty file name");
	}
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			return dance_error_set(err, DANCE_EINVAL,
			                       "is a directory");
		}
		if (!force) {
			return dance_error_set(err, DANCE_EIO,
			                       "exists (use --force to replace "
			                       "it)");
		}
		return DANCE_OK;
	}
	if (errno != ENOENT) {
		return dance_error_set(err, DANCE_EIO, "cannot stat: %s",
		                       strerror(errno));
	}
	char *dir = dir_of(path);
	if (dir == NULL) {
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	dance_code_t rc = DANCE_OK;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = dance_error_set(err, DANCE_EIO,
		                     "directory %s does not exist", dir);
	} else if (access(dir, W_OK) != 0) {
		rc = dance_error_set(err, DANCE_EIO,
		                     "directory %s is not writable: %s", dir,
		                     strerror(errno));
	}
	free(dir);
	return rc;
}

static dance_code_t write_all(int fd, const void *data, size_t len,
                              dance_error_t *err)
{
	const unsigned char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return dance_error_set(err, DANCE_EIO,
			                       "cannot write: %s",
			                       strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0) {
		return dance_error_set(err, DANCE_EIO, "cannot sync: %s",
		                       strerror(errno));
	}
	return DANCE_OK;
}

/* "DIR/.BASE.XXXXXX" for mkstemp (malloc'ed), or NULL. */
static char *temp_template(const char *path)
{
	char *dir = dir_of(path);
	char *copy = strdup(path);
	char *tmp = NULL;
	if (dir != NULL && copy != NULL &&
	    asprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(copy)) < 0) {
		tmp = NULL;
	}
	free(dir);
	free(copy);
	return tmp;
}

dance_code_t cli_outfile_stage(cli_outfile_t *f, const char *path, mode_t mode,
                               const void *data, size_t len, dance_error_t *err)
{
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	char *tmp = temp_template(path);
	if (f->path == NULL || tmp == NULL) {
		free(tmp);
		return dance_error_set(err, DANCE_ENOMEM, "out of memory");
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		dance_code_t rc = dance_error_set(
		        err, DANCE_EIO, "cannot create a temporary file: %s",
		        strerror(errno));
		free(tmp);
		return rc;
	}
	f->tmp = tmp;
	dance_code_t rc = DANCE_OK;
	if (fchmod(fd, mode) != 0) {
		rc = dance_error_set(err, DANCE_EIO, "cannot chmod: %s",
		                     strerror(errno));
	} else {
		rc = write_all(fd, data, len, err);
	}
	if (close(fd) != 0 && rc == DANCE_OK) {
		rc = dance_error_set(err, DANCE_EIO, "cannot close: %s",
		                     strerror(errno));
	}
	return rc;
}

dance_code_t cli_outfile_commit(cli_outfile_t *f, int force, dance_error_t *err)
{
	if (force) {
		if (rename(f->tmp, f->path) != 0) {
			return dance_error_set(err, DANCE_EIO,
			                       "cannot rename into place: %s",
			                       strerror(errno));
		}
	} else if (link(f->tmp, f->path) != 0) {
		/* link fails if the target appeared meanwhile: no race. */
		return dance_error_set(err, DANCE_EIO, "%s",
		                       errno == EEXIST
		                               ? "exists (use --force to "
		                                 "replace it)"
		                               : strerror(errno));
	} else {
		unlink(f->tmp);
	}
	free(f->tmp);
	f->tmp = NULL;
	f->committed = 1;
	return DANCE_OK;
}

void cli_outfile_undo(cli_outfile_t *f)
{
	if (f->committed) {
		unlink(f->path);
		f->committed = 0;
	}
}

void cli_outfile_discard(cli_outfile_t *f)
{
	if (f->tmp != NULL) {
		unlink(f->tmp);
	}
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
