/* bs_npz.h — NumPy's .npy arrays and .npz archives, read and written.
 *
 * An .npz file (np.savez, np.savez_compressed) is a zip archive of .npy
 * members, one per array, each named after it ("dW2.npy").  A .npy member
 * is the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0), a header length
 * and a header that is a Python dict literal such as
 * {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }, then the
 * values (numpy.lib.format).  backstep reads arrays of real numbers of up
 * to two dimensions, floats or integers in either byte order, converted to
 * double; it writes float64 little-endian arrays in C order.  The zip
 * container is libzip's; the .npy format is this module's.
 */
#ifndef BS_NPZ_H
#define BS_NPZ_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "bs_error.h"

/* The most dimensions an array may have here: 0 (a number), 1 (a vector),
 * 2 (a matrix). */
#define BS_NPY_MAX_DIMS 2

/* What a .npy header says: the element type, the order and the shape. */
typedef struct bs_npy_header {
    int major, minor;        /* the format version: 1.0, 2.0 or 3.0 */
    char kind;               /* 'f' float, 'i' signed or 'u' unsigned integer */
    int big_endian;          /* 1 for '>', 0 for '<' and '|' */
    size_t itemsize;         /* bytes per element: 4 or 8 for 'f'; 1, 2, 4 or 8 for integers */
    int fortran_order;       /* 1: column-major (Fortran) order, 0: row-major (C) */
    size_t ndim;             /* 0, 1 or 2 */
    size_t shape[BS_NPY_MAX_DIMS];
    size_t data_offset;      /* where the values start: after magic, lengths and header */
} bs_npy_header;

/* One array as backstep holds it: rows×cols doubles in row-major order
 * (a 0-d array is 1×1, a 1-d array of n is 1×n), its dimensions and name. */
typedef struct bs_npz_array {
    char *name;              /* the member's name without ".npy" */
    size_t ndim;             /* 0, 1 or 2, as in the file */
    size_t rows, cols;
    double *v;
} bs_npz_array;

/* The arrays of an .npz archive, in the archive's order. */
typedef struct bs_npz {
    bs_npz_array *arrays;
    size_t n;
} bs_npz;

/* Returns 1 when the bytes start as a zip archive does ("PK\3\4", or
 * "PK\5\6" for an empty one), else 0. */
int bs_npz_is_zip(const char *data, size_t len);

/* Returns 1 when the bytes start with the .npy magic "\x93NUMPY", else 0. */
int bs_npy_is_npy(const char *data, size_t len);

/* Parses the magic, version, length and header dict of a .npy file of
 * `len` bytes into *h.  Arrays backstep cannot read (object, complex,
 * structured, three or more dimensions) are BS_ERR_SPEC with one line
 * saying what was found and what was expected; a short or malformed header
 * is BS_ERR_SYNTAX.  err->where is left empty for the caller to name the
 * member. */
bs_status bs_npy_parse_header(const unsigned char *data, size_t len, bs_npy_header *h,
                              bs_error *err);

/* Reads a whole .npy file of `len` bytes into *out (name NULL), its values
 * converted to double in row-major order.  The caller frees out->v (and
 * out->name) with bs_npz_array_clear().  Errors as bs_npy_parse_header,
 * and BS_ERR_SYNTAX when the values are fewer or more than the shape
 * needs. */
bs_status bs_npy_read(const unsigned char *data, size_t len, bs_npz_array *out,
                      bs_error *err);

/* Frees what an array holds and zeroes it; NULL is allowed. */
void bs_npz_array_clear(bs_npz_array *a);

/* Reads an .npz archive held in memory (`len` bytes, borrowed): every
 * member must be a .npy array bs_npy_read accepts, and the members
 * together may hold at most `max_bytes` uncompressed.  Errors name the
 * member in err->where ("dW2.npy"); err->file is left for the caller.
 * The caller frees *out with bs_npz_free(). */
bs_status bs_npz_read(const char *data, size_t len, size_t max_bytes, bs_npz **out,
                      bs_error *err);

/* Frees an archive's arrays; NULL is allowed. */
void bs_npz_free(bs_npz *z);

/* Makes a JSON object of the arrays, each under its name: a 0-d array as a
 * number, a 1-d array as a list, a 2-d array as a list of rows.  The caller
 * frees *out with cJSON_Delete(). */
bs_status bs_npz_to_json(const bs_npz *z, cJSON **out, bs_error *err);

/* Appends a .npy file of rows×cols row-major doubles to *buf (grown with
 * realloc; *len and *cap its length and capacity): version 1.0, descr
 * '<f8', fortran_order False, shape () when ndim is 0, (cols,) when 1 and
 * (rows, cols) when 2, the values little-endian whatever the host.
 * Returns BS_OK or BS_ERR_NOMEM; the caller frees *buf. */
bs_status bs_npy_write(char **buf, size_t *len, size_t *cap, const double *v, size_t ndim,
                       size_t rows, size_t cols, bs_error *err);

/* Makes an .npz archive in memory of `n` arrays (each written as
 * bs_npy_write does, as the member NAME.npy), stored without compression
 * and dated 1980-01-01 00:00, so that the same arrays always give the same
 * bytes.  The caller frees *data with free(). */
bs_status bs_npz_write(const bs_npz_array *arrays, size_t n, char **data, size_t *len,
                       bs_error *err);

#endif
