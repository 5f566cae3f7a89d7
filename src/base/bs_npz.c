/* bs_npz.c — NumPy's .npy arrays and .npz archives (numpy.lib.format):
 * the .npy format here, the zip container through libzip. */
#include "bs_npz.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

int bs_npz_is_zip(const char *data, size_t len)
{
    return len >= 4 && data[0] == 'P' && data[1] == 'K' &&
           ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

int bs_npy_is_npy(const char *data, size_t len)
{
    return len >= sizeof npy_magic && memcmp(data, npy_magic, sizeof npy_magic) == 0;
}

/* ---- the header: a Python dict literal --------------------------------- */

typedef struct lexer {
    const char *p, *end;
} lexer;

static void skip_space(lexer *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
        x->p++;
}

/* 1 and consumes c when it comes next (after white space), else 0 */
static int accept(lexer *x, char c)
{
    skip_space(x);
    if (x->p < x->end && *x->p == c) {
        x->p++;
        return 1;
    }
    return 0;
}

/* a quoted string ('…' or "…", no escapes) into buf; 0 when there is none */
static int string(lexer *x, char *buf, size_t size)
{
    skip_space(x);
    if (x->p >= x->end || (*x->p != '\'' && *x->p != '"'))
        return 0;
    char q = *x->p++;
    size_t n = 0;
    while (x->p < x->end && *x->p != q) {
        if (*x->p == '\\' || n + 1 >= size)
            return 0;
        buf[n++] = *x->p++;
    }
    if (x->p >= x->end)
        return 0;
    x->p++;
    buf[n] = '\0';
    return 1;
}

/* a word such as True or False */
static int word(lexer *x, const char *w)
{
    skip_space(x);
    size_t n = strlen(w);
    if ((size_t)(x->end - x->p) >= n && memcmp(x->p, w, n) == 0) {
        x->p += n;
        return 1;
    }
    return 0;
}

/* a non-negative whole number (Python 2's numpy wrote 3L) */
static int whole(lexer *x, size_t *v)
{
    skip_space(x);
    if (x->p >= x->end || *x->p < '0' || *x->p > '9')
        return 0;
    size_t n = 0;
    while (x->p < x->end && *x->p >= '0' && *x->p <= '9') {
        size_t d = (size_t)(*x->p - '0');
        if (n > (SIZE_MAX - d) / 10)
            return 0;
        n = n * 10 + d;
        x->p++;
    }
    if (x->p < x->end && *x->p == 'L')
        x->p++;
    *v = n;
    return 1;
}

static bs_status malformed(bs_error *err, const char *what)
{
    return bs_error_set(err, BS_ERR_SYNTAX, NULL,
                        "is not a valid .npy array: %s (numpy.lib.format: a header like "
                        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), })",
                        what);
}

static bs_status unreadable_type(bs_error *err, const char *what, const char *descr)
{
    char q[64];
    bs_error_quote(q, sizeof q, descr);
    return bs_error_set(err, BS_ERR_SPEC, NULL,
                        "holds %s (dtype '%s'): expected real numbers, float64, float32 or "
                        "an integer type",
                        what, q);
}

/* The element type of a descr such as '<f8'. */
static bs_status descr_type(const char *d, bs_npy_header *h, bs_error *err)
{
    size_t n = strlen(d);
    char order = n ? d[0] : '\0';
    char kind = n > 1 ? d[1] : '\0';
    size_t size = 0;
    int digits = n > 2;
    for (size_t i = 2; i < n; i++) {
        if (d[i] < '0' || d[i] > '9' || size > 1000) {
            digits = 0;
            break;
        }
        size = size * 10 + (size_t)(d[i] - '0');
    }
    if (order != '<' && order != '>' && order != '|')
        return unreadable_type(err, "a type backstep does not know", d);
    switch (kind) {
    case 'O': return unreadable_type(err, "Python objects", d);
    case 'c': return unreadable_type(err, "complex numbers", d);
    case 'b': return unreadable_type(err, "booleans", d);
    case 'U':
    case 'S':
    case 'a': return unreadable_type(err, "text", d);
    case 'M':
    case 'm': return unreadable_type(err, "dates or times", d);
    case 'V': return unreadable_type(err, "raw bytes", d);
    default: break;
    }
    int ok = digits && ((kind == 'f' && (size == 4 || size == 8)) ||
                        ((kind == 'i' || kind == 'u') &&
                         (size == 1 || size == 2 || size == 4 || size == 8)));
    if (!ok)
        return unreadable_type(err,
                               kind == 'f' ? "floats of a precision backstep does not read"
                                           : "a type backstep does not know",
                               d);
    if (order == '|' && size != 1)
        return unreadable_type(err, "numbers without a byte order", d);
    h->kind = kind;
    h->itemsize = size;
    h->big_endian = order == '>';
    return BS_OK;
}

/* the shape tuple: (), (n,), (r, c), … */
static bs_status shape(lexer *x, bs_npy_header *h, bs_error *err)
{
    if (!accept(x, '('))
        return malformed(err, "the shape is not a tuple");
    size_t dims[16], nd = 0;
    int more = 0;
    while (!accept(x, ')')) {
        size_t v;
        if (!whole(x, &v))
            return malformed(err, "the shape is not a tuple of whole numbers");
        if (nd < sizeof dims / sizeof dims[0])
            dims[nd] = v;
        else
            more = 1;
        nd++;
        if (!accept(x, ',')) {
            if (!accept(x, ')'))
                return malformed(err, "the shape is not a tuple of whole numbers");
            break;
        }
    }
    if (nd > BS_NPY_MAX_DIMS) {
        char s[160];
        size_t o = (size_t)snprintf(s, sizeof s, "(");
        for (size_t i = 0; i < nd && i < sizeof dims / sizeof dims[0] && o < sizeof s; i++)
            o += (size_t)snprintf(s + o, sizeof s - o, "%s%zu", i ? ", " : "", dims[i]);
        if (o < sizeof s)
            snprintf(s + o, sizeof s - o, "%s)", more ? ", …" : "");
        return bs_error_set(err, BS_ERR_SPEC, NULL,
                            "is a %zu-dimensional array of shape %s: expected a number, a "
                            "vector or a matrix (at most 2 dimensions)",
                            nd, s);
    }
    h->ndim = nd;
    for (size_t i = 0; i < nd; i++)
        h->shape[i] = dims[i];
    return BS_OK;
}

bs_status bs_npy_parse_header(const unsigned char *data, size_t len, bs_npy_header *h,
                              bs_error *err)
{
    memset(h, 0, sizeof *h);
    if (!bs_npy_is_npy((const char *)data, len))
        return malformed(err, "it does not start with the magic \\x93NUMPY");
    if (len < 10)
        return malformed(err, "the header is cut short");
    h->major = data[6];
    h->minor = data[7];
    size_t hlen, start;
    if (h->major == 1 && h->minor == 0) {
        hlen = (size_t)data[8] | (size_t)data[9] << 8;
        start = 10;
    } else if ((h->major == 2 || h->major == 3) && h->minor == 0) {
        if (len < 12)
            return malformed(err, "the header is cut short");
        hlen = (size_t)data[8] | (size_t)data[9] << 8 | (size_t)data[10] << 16 |
               (size_t)data[11] << 24;
        start = 12;
    } else {
        return bs_error_set(err, BS_ERR_SPEC, NULL,
                            "is a .npy file of format version %d.%d: expected version 1.0, "
                            "2.0 or 3.0",
                            h->major, h->minor);
    }
    if (hlen > len - start)
        return malformed(err, "the header is cut short");
    lexer x = {(const char *)data + start, (const char *)data + start + hlen};
    int have_descr = 0, have_order = 0, have_shape = 0;
    char descr[64] = "";
    if (!accept(&x, '{'))
        return malformed(err, "the header is not a dict");
    while (!accept(&x, '}')) {
        char key[32];
        if (!string(&x, key, sizeof key) || !accept(&x, ':'))
            return malformed(err, "the header is not a dict of quoted keys");
        bs_status st = BS_OK;
        if (strcmp(key, "descr") == 0 && !have_descr) {
            skip_space(&x);
            if (x.p < x.end && *x.p == '[')
                return bs_error_set(err, BS_ERR_SPEC, NULL,
                                    "is a structured array (its dtype is a list of fields): "
                                    "expected real numbers, float64, float32 or an integer "
                                    "type");
            if (!string(&x, descr, sizeof descr))
                return malformed(err, "descr is not a quoted type such as '<f8'");
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0 && !have_order) {
            if (word(&x, "True"))
                h->fortran_order = 1;
            else if (!word(&x, "False"))
                return malformed(err, "fortran_order is neither True nor False");
            have_order = 1;
        } else if (strcmp(key, "shape") == 0 && !have_shape) {
            if ((st = shape(&x, h, err)) != BS_OK)
                return st;
            have_shape = 1;
        } else {
            char q[40];
            bs_error_quote(q, sizeof q, key);
            char what[96];
            snprintf(what, sizeof what, "the header key '%s' is unknown or repeated", q);
            return malformed(err, what);
        }
        if (!accept(&x, ',')) {
            if (!accept(&x, '}'))
                return malformed(err, "the header dict does not close");
            break;
        }
    }
    skip_space(&x);
    if (x.p != x.end)
        return malformed(err, "there is more after the header dict");
    if (!have_descr || !have_order || !have_shape)
        return malformed(err, !have_descr   ? "the header has no descr"
                              : !have_order ? "the header has no fortran_order"
                                            : "the header has no shape");
    bs_status st = descr_type(descr, h, err);
    if (st != BS_OK)
        return st;
    h->data_offset = start + hlen;
    return BS_OK;
}

/* ---- the values -------------------------------------------------------- */

/* element k of the data, as a double */
static double element(const unsigned char *p, const bs_npy_header *h)
{
    uint64_t u = 0;
    for (size_t i = 0; i < h->itemsize; i++) {
        size_t at = h->big_endian ? i : h->itemsize - 1 - i;
        u = u << 8 | p[at];
    }
    if (h->kind == 'f') {
        if (h->itemsize == 8) {
            double d;
            memcpy(&d, &u, sizeof d);
            return d;
        }
        uint32_t u32 = (uint32_t)u;
        float f;
        memcpy(&f, &u32, sizeof f);
        return f;
    }
    if (h->kind == 'u')
        return (double)u;
    /* signed: sign-extend from itemsize bytes */
    if (h->itemsize < 8 && (u >> (8 * h->itemsize - 1)) & 1)
        u |= ~(uint64_t)0 << (8 * h->itemsize);
    int64_t s;
    memcpy(&s, &u, sizeof s);
    return (double)s;
}

void bs_npz_array_clear(bs_npz_array *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->v);
    memset(a, 0, sizeof *a);
}

bs_status bs_npy_read(const unsigned char *data, size_t len, bs_npz_array *out,
                      bs_error *err)
{
    memset(out, 0, sizeof *out);
    bs_npy_header h;
    bs_status st = bs_npy_parse_header(data, len, &h, err);
    if (st != BS_OK)
        return st;
    size_t rows = h.ndim == 2 ? h.shape[0] : 1;
    size_t cols = h.ndim == 2 ? h.shape[1] : h.ndim == 1 ? h.shape[0] : 1;
    if (cols && rows > SIZE_MAX / cols / h.itemsize)
        return bs_error_set(err, BS_ERR_LIMIT, NULL, "has a shape too large to hold");
    size_t count = rows * cols, need = count * h.itemsize, have = len - h.data_offset;
    if (have != need)
        return bs_error_set(err, BS_ERR_SYNTAX, NULL,
                            "holds %zu bytes of values: expected %zu for its shape and "
                            "dtype (%s)",
                            have, need, have < need ? "cut short" : "more than its shape");
    double *v = malloc(sizeof(double) * (count ? count : 1));
    if (!v)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    const unsigned char *p = data + h.data_offset;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            size_t k = h.fortran_order ? c * rows + r : r * cols + c;
            v[r * cols + c] = element(p + k * h.itemsize, &h);
        }
    out->ndim = h.ndim;
    out->rows = rows;
    out->cols = cols;
    out->v = v;
    return BS_OK;
}

/* ---- the archive ------------------------------------------------------- */

void bs_npz_free(bs_npz *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n; i++)
        bs_npz_array_clear(&z->arrays[i]);
    free(z->arrays);
    free(z);
}

static bs_status zip_failed(bs_error *err, const char *where, zip_error_t *ze)
{
    int code = zip_error_code_zip(ze);
    bs_status st = code == ZIP_ER_MEMORY ? BS_ERR_NOMEM : BS_ERR_SYNTAX;
    return bs_error_set(err, st, where,
                        "is not a readable .npz archive (a zip file of .npy arrays, as "
                        "np.savez writes): %s",
                        zip_error_strerror(ze));
}

/* reads member i of za into a fresh array */
static bs_status read_member(zip_t *za, zip_uint64_t i, size_t limit, size_t *budget,
                             bs_npz_array *a, bs_error *err)
{
    const char *name = zip_get_name(za, i, ZIP_FL_ENC_GUESS);
    char where[128];
    bs_error_quote(where, sizeof where, name ? name : "?");
    size_t nl = name ? strlen(name) : 0;
    if (nl < 5 || strcmp(name + nl - 4, ".npy") != 0)
        return bs_error_set(err, BS_ERR_SPEC, where,
                            "is not a .npy array: expected an .npz archive of NumPy arrays "
                            "only, as np.savez writes");
    zip_stat_t zs;
    if (zip_stat_index(za, i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE))
        return zip_failed(err, where, zip_get_error(za));
    if (zs.size > *budget)
        return bs_error_set(err, BS_ERR_LIMIT, where,
                            "the archive's arrays hold more than the limit of %zu bytes "
                            "in all",
                            limit);
    *budget -= (size_t)zs.size;
    unsigned char *buf = malloc(zs.size ? (size_t)zs.size : 1);
    if (!buf)
        return bs_error_set(err, BS_ERR_NOMEM, where, "out of memory");
    zip_file_t *f = zip_fopen_index(za, i, 0);
    if (!f) {
        free(buf);
        return zip_failed(err, where, zip_get_error(za));
    }
    zip_int64_t got = zip_fread(f, buf, zs.size);
    char extra;
    zip_int64_t more = got >= 0 ? zip_fread(f, &extra, 1) : 0;
    bs_status st = BS_OK;
    if (got < 0 || more < 0)
        st = zip_failed(err, where, zip_file_get_error(f));
    else if ((zip_uint64_t)got != zs.size || more != 0)
        st = bs_error_set(err, BS_ERR_SYNTAX, where,
                          "is not the size the archive's directory says");
    zip_fclose(f);
    if (st == BS_OK && !bs_npy_is_npy((const char *)buf, (size_t)zs.size))
        st = bs_error_set(err, BS_ERR_SPEC, where,
                          "is not a .npy array (it does not start with \\x93NUMPY): "
                          "expected an .npz archive of NumPy arrays only, as np.savez "
                          "writes");
    if (st == BS_OK) {
        st = bs_npy_read(buf, (size_t)zs.size, a, err);
        if (st != BS_OK && err)
            snprintf(err->where, sizeof err->where, "%s", where);
    }
    free(buf);
    if (st != BS_OK)
        return st;
    a->name = malloc(nl - 3);
    if (!a->name) {
        bs_npz_array_clear(a);
        return bs_error_set(err, BS_ERR_NOMEM, where, "out of memory");
    }
    memcpy(a->name, name, nl - 4);
    a->name[nl - 4] = '\0';
    return BS_OK;
}

bs_status bs_npz_read(const char *data, size_t len, size_t max_bytes, bs_npz **out,
                      bs_error *err)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        bs_status st = zip_failed(err, NULL, &ze);
        zip_error_fini(&ze);
        return st;
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        zip_source_free(src);
        bs_status st = zip_failed(err, NULL, &ze);
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    bs_status st = BS_OK;
    bs_npz *z = calloc(1, sizeof *z);
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (z && n > 0)
        z->arrays = calloc((size_t)n, sizeof *z->arrays);
    if (!z || (n > 0 && !z->arrays))
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    size_t budget = max_bytes;
    for (zip_int64_t i = 0; st == BS_OK && i < n; i++) {
        st = read_member(za, (zip_uint64_t)i, max_bytes, &budget, &z->arrays[z->n], err);
        if (st == BS_OK)
            z->n++;
    }
    zip_discard(za);
    if (st != BS_OK) {
        bs_npz_free(z);
        return st;
    }
    *out = z;
    return BS_OK;
}

bs_status bs_npz_to_json(const bs_npz *z, cJSON **out, bs_error *err)
{
    *out = NULL;
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL;
    for (size_t i = 0; ok && i < z->n; i++) {
        const bs_npz_array *a = &z->arrays[i];
        cJSON *item = NULL;
        if (a->ndim == 0) {
            item = cJSON_CreateNumber(a->v[0]);
        } else if (a->ndim == 1) {
            item = cJSON_CreateDoubleArray(a->v, (int)a->cols);
        } else {
            item = cJSON_CreateArray();
            for (size_t r = 0; item && r < a->rows; r++) {
                cJSON *row = cJSON_CreateDoubleArray(a->v + r * a->cols, (int)a->cols);
                if (!row || !cJSON_AddItemToArray(item, row)) {
                    cJSON_Delete(row);
                    cJSON_Delete(item);
                    item = NULL;
                }
            }
        }
        ok = item && cJSON_AddItemToObject(root, a->name, item);
        if (!ok)
            cJSON_Delete(item);
    }
    if (!ok) {
        cJSON_Delete(root);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    *out = root;
    return BS_OK;
}

/* ---- writing ----------------------------------------------------------- */

static int append(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (n > SIZE_MAX - *len)
        return -1;
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *len + n)
            c = c > SIZE_MAX / 2 ? *len + n : c * 2;
        char *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

bs_status bs_npy_write(char **buf, size_t *len, size_t *cap, const double *v, size_t ndim,
                       size_t rows, size_t cols, bs_error *err)
{
    char dict[128];
    if (ndim == 0)
        snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
    else if (ndim == 1)
        snprintf(dict, sizeof dict,
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu,), }", cols);
    else
        snprintf(dict, sizeof dict,
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }", rows,
                 cols);
    /* padded with spaces and ended by a newline so that the values start at
     * a multiple of 64 bytes, as NumPy writes it */
    size_t dl = strlen(dict), total = 10 + dl + 1;
    size_t pad = (64 - total % 64) % 64, hlen = dl + pad + 1;
    unsigned char pre[10];
    memcpy(pre, npy_magic, sizeof npy_magic);
    pre[6] = 1;
    pre[7] = 0;
    pre[8] = (unsigned char)(hlen & 0xff);
    pre[9] = (unsigned char)(hlen >> 8);
    int bad = append(buf, len, cap, pre, sizeof pre) || append(buf, len, cap, dict, dl);
    for (size_t i = 0; !bad && i < pad; i++)
        bad = append(buf, len, cap, " ", 1);
    bad = bad || append(buf, len, cap, "\n", 1);
    size_t count = ndim == 0 ? 1 : ndim == 1 ? cols : rows * cols;
    for (size_t k = 0; !bad && k < count; k++) {
        uint64_t u;
        memcpy(&u, &v[k], sizeof u);
        unsigned char b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (unsigned char)(u >> (8 * i));
        bad = append(buf, len, cap, b, sizeof b);
    }
    return bad ? bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory") : BS_OK;
}

/* adds one array as NAME.npy, stored, dated 1980-01-01 00:00 */
static bs_status add_member(zip_t *za, const bs_npz_array *a, bs_error *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bs_status st = bs_npy_write(&buf, &len, &cap, a->v, a->ndim, a->rows, a->cols, err);
    size_t nl = strlen(a->name);
    char *name = st == BS_OK ? malloc(nl + 5) : NULL;
    if (st == BS_OK && !name)
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    if (st != BS_OK) {
        free(buf);
        return st;
    }
    memcpy(name, a->name, nl);
    memcpy(name + nl, ".npy", 5);
    zip_source_t *s = zip_source_buffer(za, buf, len, 1);
    if (!s)
        free(buf);
    zip_int64_t idx = s ? zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8) : -1;
    if (s && idx < 0)
        zip_source_free(s);
    /* DOS date: (year − 1980) << 9 | month << 5 | day; time 00:00:00 */
    if (idx < 0 || zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_dostime(za, (zip_uint64_t)idx, 0, 1 << 5 | 1, 0) != 0)
        st = bs_error_set(err, BS_ERR_NOMEM, name, "cannot add to the archive: %s",
                          zip_strerror(za));
    free(name);
    return st;
}

bs_status bs_npz_write(const bs_npz_array *arrays, size_t n, char **data, size_t *len,
                       bs_error *err)
{
    *data = NULL;
    *len = 0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = NULL;
    if (src) {
        zip_source_keep(src);
        za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    }
    if (!za) {
        bs_status st = bs_error_set(err, BS_ERR_NOMEM, NULL, "cannot make an archive: %s",
                                    zip_error_strerror(&ze));
        zip_error_fini(&ze);
        if (src) {
            zip_source_free(src);
            zip_source_free(src);
        }
        return st;
    }
    zip_error_fini(&ze);
    bs_status st = BS_OK;
    for (size_t i = 0; st == BS_OK && i < n; i++)
        st = add_member(za, &arrays[i], err);
    if (st != BS_OK) {
        zip_discard(za);
        zip_source_free(src);
        return st;
    }
    if (zip_close(za) != 0) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "cannot make an archive: %s",
                          zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return st;
    }
    zip_stat_t zs;
    char *out = NULL;
    zip_int64_t got = -1;
    if (zip_source_open(src) == 0) {
        if (zip_source_stat(src, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) &&
            (out = malloc(zs.size ? (size_t)zs.size : 1)) != NULL)
            got = zip_source_read(src, out, zs.size);
        zip_source_close(src);
    }
    zip_source_free(src);
    if (got < 0 || (zip_uint64_t)got != zs.size) {
        free(out);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "cannot make an archive in memory");
    }
    *data = out;
    *len = (size_t)got;
    return BS_OK;
}
