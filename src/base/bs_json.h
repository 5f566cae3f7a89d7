/* bs_json.h — strict JSON reading with precise error places.
 *
 * cJSON holds the values; this module checks the text first, so that every
 * syntax error names its line and column and what was expected there, and so
 * that the things cJSON accepts silently (duplicate keys, numbers that
 * overflow to infinity, very deep nesting) are refused with a clear message.
 */
#ifndef BS_JSON_H
#define BS_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "bs_error.h"

/* Default limit on how deeply arrays and objects may nest. */
#define BS_JSON_DEFAULT_MAX_DEPTH 64

/* Parses `len` bytes of `text` (which need not be NUL-terminated) as one
 * strict RFC 8259 JSON value.  On success stores a tree in *out that the
 * caller frees with cJSON_Delete() and returns BS_OK.  On failure *out is
 * NULL, and err gets BS_ERR_SYNTAX (or BS_ERR_LIMIT for nesting deeper than
 * max_depth) with where = "line:column" (both 1-based, columns counted in
 * characters) and a message saying what was expected, e.g. "expected ',' or
 * '}' after an object member".  Refused as well: duplicate keys in one object,
 * numbers whose magnitude overflows a double (1e400), NaN and Infinity,
 * invalid UTF-8, control characters in strings, and anything after the value.
 * err->file is left untouched. */
bs_status bs_json_parse(const char *text, size_t len, int max_depth,
                        cJSON **out, bs_error *err);

/* Reads a whole file into memory.  `path` "-" means standard input.  On
 * success *data (NUL-terminated, to be freed with free()) and *len are set.
 * Refuses, with BS_ERR_IO and a message, a path that does not exist, a
 * directory, an unreadable file; and with BS_ERR_LIMIT a file larger than
 * max_bytes (the message gives both sizes), checked before reading when the
 * size is known and while reading otherwise.  err->file is set to `path`
 * ("<stdin>" for "-"). */
bs_status bs_read_file(const char *path, size_t max_bytes, char **data,
                       size_t *len, bs_error *err);

#endif
