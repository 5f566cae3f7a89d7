/* bs_files.h — writing a set of files into a directory, each atomically.
 *
 * The classroom commands (`exercise`, `grade`) make many files.  They are
 * built in memory first (a bs_fileset: relative path and bytes), then
 * written here: each file goes to a temporary file beside it and is renamed
 * into place only once all its bytes are written and on disk, so a file is
 * either the old one or the whole new one, never half-written.  The same
 * writer writes every -o FILE of the command line.
 */
#ifndef BS_FILES_H
#define BS_FILES_H

#include <stddef.h>
#include <stdio.h>

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

/* The files a command reads: `n` paths.  No output may replace one of
 * them. */
typedef struct bs_inputs {
    const char *const *paths;
    size_t n;
} bs_inputs;

/* Refuses to write `path` when it is one of the inputs: the same file,
 * compared by device and inode after following symbolic links (so another
 * name for the file, a hard or a symbolic link, is caught too).  Returns
 * BS_OK when `path` does not exist or is none of them, else BS_ERR_USAGE
 * with err->file the path.  `in` may be NULL. */
bs_status bs_refuse_input(const char *path, const bs_inputs *in, bs_error *err);

/* Writes a file's contents to `f`; returns 0, or the errno of a failed
 * write (EIO when none was set). */
typedef int (*bs_emit_fn)(FILE *f, const void *ctx);

/* Returns 1 when the paths a and b name the same file: the same device and
 * inode when both exist; when neither does (a file to be written, perhaps
 * in a directory to be made), the same last name in the same directory;
 * else 0. */
int bs_same_file(const char *a, const char *b);

/* Removes the file `path`; a path where nothing is counts as removed.
 * Returns 0, or the errno of the failed unlink. */
int bs_remove_file(const char *path);

/* Writes what `emit` writes to `path` atomically, after checking that
 * `path` is none of the inputs `in` (bs_refuse_input; NULL: none):
 *
 * - a regular file, or a new one, is written through a temporary file
 *   ".backstep-" and six random characters, in the same directory, flushed to disk (fsync) and
 *   renamed over `path` only once everything was written, then the
 *   directory is synced (best effort); an existing file's permissions are
 *   kept, a new file gets 0666 less the umask.  On any failure the
 *   temporary file is removed and `path` is untouched;
 * - a symbolic link is followed: its target is replaced as above and the
 *   link stays (a dangling link is replaced by a regular file);
 * - anything else that exists and is not a directory (a FIFO, a terminal,
 *   /dev/null) is opened and written directly.
 *
 * While a temporary file exists its name is kept for
 * bs_files_remove_temporary(), so that a signal handler can remove it.
 * Errors are BS_ERR_IO (or BS_ERR_USAGE for an input, BS_ERR_NOMEM) with
 * err->file the path. */
bs_status bs_write_atomic(const char *path, bs_emit_fn emit, const void *ctx,
                          const bs_inputs *in, bs_error *err);

/* bs_write_atomic of `len` bytes of `data`. */
bs_status bs_write_atomic_bytes(const char *path, const char *data, size_t len,
                                const bs_inputs *in, bs_error *err);

/* Removes the temporary file bs_write_atomic is writing, if any.  Only
 * async-signal-safe calls (unlink): meant for a handler of SIGINT, SIGTERM
 * and SIGHUP, which then re-raises the signal. */
void bs_files_remove_temporary(void);

/* Refuses (as bs_refuse_input) when any file of the set, written under
 * `dir`, would replace one of the inputs `in`; BS_OK when none would. */
bs_status bs_fileset_refuse_inputs(const bs_fileset *fs, const char *dir, const bs_inputs *in,
                                   bs_error *err);

/* Writes `len` bytes to the file `rel` (relative, with '/' between
 * directories) under directory `dir`, creating the directories between as
 * needed, with bs_write_atomic_bytes (refusing any of the inputs `in`).  An
 * empty `dir` is BS_ERR_USAGE (it is not the root directory).  Other errors
 * are BS_ERR_IO with err->file the file `dir`/`rel`, saying which directory
 * could not be made when that failed. */
bs_status bs_write_under(const char *dir, const char *rel, const char *data, size_t len,
                         const bs_inputs *in, bs_error *err);

/* Writes every file of the set under directory `dir` (created with its
 * subdirectories as needed), each with bs_write_atomic, in order; stops at
 * the first error.  Before anything is written, every file of the set is
 * checked against the inputs `in` (NULL: none), and if one of them is an
 * input nothing is written. */
bs_status bs_fileset_write(const bs_fileset *fs, const char *dir, const bs_inputs *in,
                           bs_error *err);

#endif
