/* bs_error.h — errors as values.
 *
 * Every library function that can fail takes a bs_error * (which may be NULL
 * when the caller does not want the details) and returns a bs_status.  The
 * library never prints and never exits: the message, the file and the place
 * in it travel back to the caller, which decides how to show them.
 */
#ifndef BS_ERROR_H
#define BS_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* What went wrong, coarsely; the CLI maps these to exit codes. */
typedef enum bs_status {
    BS_OK = 0,
    BS_ERR_USAGE,    /* a bad flag or argument */
    BS_ERR_SYNTAX,   /* the file is not valid JSON */
    BS_ERR_SPEC,     /* valid JSON, but not a valid spec */
    BS_ERR_LIMIT,    /* the input is larger than a configured limit */
    BS_ERR_IO,       /* a file could not be read or written */
    BS_ERR_NOMEM,    /* an allocation failed */
    BS_ERR_NUMERIC   /* a computation produced a non-finite number */
} bs_status;

/* The details of an error: the file it concerns, the place in it (a JSON
 * path such as "params.W2", or "3:15" for line 3, column 15), and one line of
 * explanation.  Fixed-size buffers, so an error never needs freeing. */
typedef struct bs_error {
    bs_status status;
    char file[256];
    char where[128];
    char message[512];
} bs_error;

/* Clears an error (status BS_OK, empty strings).  NULL is allowed. */
void bs_error_clear(bs_error *err);

/* Records an error and returns its status, so that callers can write
 * `return bs_error_set(err, BS_ERR_SPEC, "layers", "expected ...")`.
 * `where` may be NULL.  The message is formatted like printf.  NULL err is
 * allowed: the status is still returned. */
bs_status bs_error_set(bs_error *err, bs_status status, const char *where,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Sets the file name an error concerns (keeps the rest). NULL err is allowed. */
void bs_error_set_file(bs_error *err, const char *file);

/* Writes the error as one line, "file:where: message", into buf (always
 * NUL-terminated; truncated if buf is too small).  Parts that are empty are
 * left out together with their colon.  Control characters (a newline in a
 * file name, say) are written escaped, as \n, \t or \u001b, so the
 * line stays one line. */
void bs_error_format(const bs_error *err, char *buf, size_t size);

/* Copies `in` into `out` (always NUL-terminated, cut to fit) with control
 * characters escaped as bs_error_format does. */
void bs_escape_controls(char *out, size_t size, const char *in);

/* Copies text from a spec into buf for a message: control characters,
 * quotes and backslashes escaped as in JSON (\n, \u001b, \"), cut to about
 * 60 characters with "…", so that a message stays one harmless line. */
void bs_error_quote(char *buf, size_t size, const char *text);

/* Returns a short lower-case name for a status ("spec error", ...). */
const char *bs_status_name(bs_status status);

/* Returns the candidate closest to `word` by edit distance when it is close
 * enough to be a plausible typo (distance ≤ 2, or ≤ 1 for short words), else
 * NULL.  `candidates` is a NULL-terminated array of strings. */
const char *bs_suggest(const char *word, const char *const *candidates);

#endif
