/* bs_files.h — writing a set of files into a directory, each atomically.
 *
 * The classroom commands (`exercise`, `grade`) make many files.  They are
 * built in memory first (a bs_fileset: relative path and bytes), then
 * written here: each file goes to a temporary file beside it and is renamed
 * into place only once all its bytes are written, so a file is either the
 * old one or the whole new one, never half-written.
 */
#ifndef BS_FILES_H
#define BS_FILES_H

#include <stddef.h>

#include "bs_error.h"

/* One file of a set: its path relative to the directory and its bytes. */
typedef struct bs_file_out {
    char *path;
    char *data;
    size_t len;
} bs_file_out;

/* Files to write, in the order they were added. */
typedef struct bs_fileset {
    bs_file_out *files;
    size_t n, cap;
} bs_fileset;

/* Creates an empty set; the caller frees it with bs_fileset_free(). */
bs_fileset *bs_fileset_create(void);

/* Frees a set and its files; NULL is allowed. */
void bs_fileset_free(bs_fileset *fs);

/* Adds a copy of `len` bytes of `data` as the file `path` (relative, with
 * '/' between directories).  Returns BS_OK or BS_ERR_NOMEM. */
bs_status bs_fileset_add(bs_fileset *fs, const char *path, const char *data, size_t len,
                         bs_error *err);

/* What is at a path, for bs_dir_state. */
typedef enum bs_dir_kind {
    BS_DIR_MISSING = 0, /* nothing */
    BS_DIR_EMPTY,       /* an empty directory */
    BS_DIR_FULL,        /* a directory with at least one entry */
    BS_DIR_NOT_DIR      /* something that is not a directory */
} bs_dir_kind;

/* Says what is at `path`. */
bs_dir_kind bs_dir_state(const char *path);

/* Creates directory `path` and its missing parents (mode 0777 less the
 * umask); an existing directory is fine.  Errors are BS_ERR_IO naming the
 * path. */
bs_status bs_mkdirs(const char *path, bs_error *err);

/* Writes `len` bytes to `path` atomically: through a temporary file in the
 * same directory, renamed over `path` once complete (an existing file's
 * permissions are kept).  Errors are BS_ERR_IO with err->file the path. */
bs_status bs_write_atomic(const char *path, const char *data, size_t len, bs_error *err);

/* Writes `len` bytes to the file `rel` (relative, with '/' between
 * directories) under directory `dir`, creating the directories between as
 * needed, with bs_write_atomic.  An empty `dir` is BS_ERR_USAGE (it is not
 * the root directory).  Other errors are BS_ERR_IO with err->file the file
 * `dir`/`rel`, saying which directory could not be made when that failed. */
bs_status bs_write_under(const char *dir, const char *rel, const char *data, size_t len,
                         bs_error *err);

/* Writes every file of the set under directory `dir` (created with its
 * subdirectories as needed), each with bs_write_under, in order; stops at
 * the first error.  An empty `dir` is BS_ERR_USAGE. */
bs_status bs_fileset_write(const bs_fileset *fs, const char *dir, bs_error *err);

#endif
