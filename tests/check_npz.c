/* check_npz.c — tests of bs_npz: the .npy header parser on a table of
 * headers, the values in each byte order and memory order, the writer, and
 * an .npz archive made and read back.
 *
 * The expected values are worked by hand from the .npy format as NumPy
 * documents it (numpy.lib.format): the magic "\x93NUMPY", a major and a
 * minor version byte, the header length (2 bytes little-endian in 1.0, 4 in
 * 2.0 and 3.0), and a Python dict literal with descr ('<f8': little-endian
 * 8-byte float, '>i2': big-endian 2-byte integer, '|u1': one unsigned
 * byte), fortran_order and shape.  The writer's header bytes are the ones
 * NumPy 1.24's np.save writes for the same arrays (printed once with
 * /usr/bin/python3 -c 'np.save(io.BytesIO(), np.zeros((3, 4)))'). */
#include <check.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "bs_npz.h"

/* a .npy file of format version `major`.0: the magic, the header length,
 * `header`, then `nvalues` bytes of `values` */
static unsigned char *npy(int major, const char *header, const void *values, size_t nvalues,
                          size_t *len)
{
    size_t hl = strlen(header), pre = major == 1 ? 10 : 12;
    unsigned char *b = malloc(pre + hl + nvalues + 1);
    ck_assert_ptr_nonnull(b);
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)major;
    b[7] = 0;
    b[8] = (unsigned char)(hl & 0xff);
    b[9] = (unsigned char)(hl >> 8);
    if (major != 1) {
        b[10] = 0;
        b[11] = 0;
    }
    memcpy(b + pre, header, hl);
    if (nvalues)
        memcpy(b + pre + hl, values, nvalues);
    *len = pre + hl + nvalues;
    return b;
}

typedef struct header_case {
    int major;
    const char *header;
    bs_status status;
    char kind;
    size_t itemsize;
    int big_endian, fortran_order;
    size_t ndim, s0, s1;
    const char *says; /* part of the message of an error */
} header_case;

static const header_case header_cases[] = {
    /* what np.save writes for np.zeros((3, 4)) */
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n", BS_OK, 'f', 8,
     0, 0, 2, 3, 4, NULL},
    {1, "{'descr': '>f4', 'fortran_order': True, 'shape': (2,), }\n", BS_OK, 'f', 4, 1, 1, 1, 2,
     0, NULL},
    {1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }\n", BS_OK, 'i', 8, 0, 0, 0, 0,
     0, NULL},
    /* keys in another order, no trailing comma, double quotes, Python 2's 3L */
    {1, "{\"shape\": (5L, 1L), \"fortran_order\": False, \"descr\": \"|u1\"}", BS_OK, 'u', 1, 0,
     0, 2, 5, 1, NULL},
    {2, "{'descr': '>i2', 'fortran_order': False, 'shape': (0, 7), }\n", BS_OK, 'i', 2, 1, 0, 2,
     0, 7, NULL},
    {3, "{'descr': '<u4', 'fortran_order': False, 'shape': (4,), }\n", BS_OK, 'u', 4, 0, 0, 1,
     4, 0, NULL},
    /* what backstep refuses, saying what it found */
    {1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0, 0,
     0, 0, "Python objects"},
    {1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0,
     0, 0, 0, "complex numbers"},
    {1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0, 0,
     0, 0, "booleans"},
    {1, "{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0, 0,
     0, 0, "text"},
    {1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0, 0,
     0, 0, "precision"},
    {1, "{'descr': '|i4', 'fortran_order': False, 'shape': (2,), }", BS_ERR_SPEC, 0, 0, 0, 0, 0,
     0, 0, "byte order"},
    {1, "{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (2,), }",
     BS_ERR_SPEC, 0, 0, 0, 0, 0, 0, 0, "structured"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", BS_ERR_SPEC, 0, 0, 0,
     0, 0, 0, 0, "3-dimensional array of shape (2, 2, 2)"},
    /* malformed headers */
    {1, "{'descr': '<f8', 'fortran_order': False, }", BS_ERR_SYNTAX, 0, 0, 0, 0, 0, 0, 0,
     "no shape"},
    {1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", BS_ERR_SYNTAX, 0, 0, 0, 0, 0,
     0, 0, "fortran_order"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", BS_ERR_SYNTAX,
     0, 0, 0, 0, 0, 0, 0, "'extra'"},
    {1, "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
     BS_ERR_SYNTAX, 0, 0, 0, 0, 0, 0, 0, "repeated"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,) ", BS_ERR_SYNTAX, 0, 0, 0, 0, 0,
     0, 0, "does not close"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", BS_ERR_SYNTAX, 0, 0, 0, 0,
     0, 0, 0, "whole numbers"},
    {1, "['<f8', False, (2,)]", BS_ERR_SYNTAX, 0, 0, 0, 0, 0, 0, 0, "not a dict"},
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } x", BS_ERR_SYNTAX, 0, 0, 0, 0,
     0, 0, 0, "more after"},
};

START_TEST(test_header_table)
{
    const header_case *c = &header_cases[_i];
    size_t len;
    unsigned char *b = npy(c->major, c->header, NULL, 0, &len);
    bs_npy_header h;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_npy_parse_header(b, len, &h, &err);
    ck_assert_msg(st == c->status, "%s: status %d, expected %d (%s)", c->header, st, c->status,
                  err.message);
    if (st == BS_OK) {
        ck_assert_int_eq(h.major, c->major);
        ck_assert_int_eq(h.kind, c->kind);
        ck_assert_uint_eq(h.itemsize, c->itemsize);
        ck_assert_int_eq(h.big_endian, c->big_endian);
        ck_assert_int_eq(h.fortran_order, c->fortran_order);
        ck_assert_uint_eq(h.ndim, c->ndim);
        if (c->ndim > 0)
            ck_assert_uint_eq(h.shape[0], c->s0);
        if (c->ndim > 1)
            ck_assert_uint_eq(h.shape[1], c->s1);
        ck_assert_uint_eq(h.data_offset, len);
    } else {
        ck_assert_msg(strstr(err.message, c->says) != NULL, "%s: \"%s\" does not say \"%s\"",
                      c->header, err.message, c->says);
        ck_assert_ptr_null(strchr(err.message, '\n'));
    }
    free(b);
}
END_TEST

START_TEST(test_header_framing)
{
    bs_npy_header h;
    bs_error err;
    size_t len;
    /* version 4.0 does not exist */
    unsigned char *b = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", NULL,
                           0, &len);
    b[6] = 4;
    ck_assert_int_eq(bs_npy_parse_header(b, len, &h, &err), BS_ERR_SPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "version 4.0"));
    /* a header length past the end of the file */
    b[6] = 1;
    ck_assert_int_eq(bs_npy_parse_header(b, len - 1, &h, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_nonnull(strstr(err.message, "cut short"));
    /* no magic */
    b[0] = 'x';
    ck_assert_int_eq(bs_npy_parse_header(b, len, &h, &err), BS_ERR_SYNTAX);
    ck_assert_int_eq(bs_npy_parse_header(b, 5, &h, &err), BS_ERR_SYNTAX);
    free(b);
}
END_TEST

/* values in each type, byte order and memory order, converted to double */
START_TEST(test_values)
{
    bs_npz_array a;
    bs_error err;
    size_t len;
    /* 1.5 as a big-endian double: sign 0, exponent 0x3ff, fraction .1 binary */
    const unsigned char f8[] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};
    unsigned char *b = npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (), }", f8,
                           sizeof f8, &len);
    ck_assert_int_eq(bs_npy_read(b, len, &a, &err), BS_OK);
    ck_assert_uint_eq(a.ndim, 0);
    ck_assert_uint_eq(a.rows * a.cols, 1);
    ck_assert_double_eq(a.v[0], 1.5);
    bs_npz_array_clear(&a);
    free(b);
    /* -2 and 258 as little-endian 2-byte integers: FE FF, 02 01 */
    const unsigned char i2[] = {0xfe, 0xff, 0x02, 0x01};
    b = npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", i2, sizeof i2,
            &len);
    ck_assert_int_eq(bs_npy_read(b, len, &a, &err), BS_OK);
    ck_assert_uint_eq(a.ndim, 1);
    ck_assert_uint_eq(a.cols, 2);
    ck_assert_double_eq(a.v[0], -2);
    ck_assert_double_eq(a.v[1], 258);
    bs_npz_array_clear(&a);
    free(b);
    /* [[1, 2, 3], [4, 5, 255]] in Fortran order: column by column 1 4 2 5 3 255,
     * 255 unsigned */
    const unsigned char u1[] = {1, 4, 2, 5, 3, 255};
    b = npy(2, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", u1, sizeof u1,
            &len);
    ck_assert_int_eq(bs_npy_read(b, len, &a, &err), BS_OK);
    ck_assert_uint_eq(a.rows, 2);
    ck_assert_uint_eq(a.cols, 3);
    const double want[] = {1, 2, 3, 4, 5, 255};
    for (int k = 0; k < 6; k++)
        ck_assert_double_eq(a.v[k], want[k]);
    bs_npz_array_clear(&a);
    free(b);
    /* -0.25 as a little-endian float32: 0xbe800000 */
    const unsigned char f4[] = {0, 0, 0x80, 0xbe};
    b = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", f4, sizeof f4,
            &len);
    ck_assert_int_eq(bs_npy_read(b, len, &a, &err), BS_OK);
    ck_assert_double_eq(a.v[0], -0.25);
    bs_npz_array_clear(&a);
    /* one byte short of the shape, and one byte more */
    ck_assert_int_eq(bs_npy_read(b, len - 1, &a, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_nonnull(strstr(err.message, "cut short"));
    free(b);
    b = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", "\0\0\x80\xbe\0",
            5, &len);
    ck_assert_int_eq(bs_npy_read(b, len, &a, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_nonnull(strstr(err.message, "more than its shape"));
    free(b);
}
END_TEST

/* the writer's bytes: NumPy's header for a (3, 4) float64 array, padded to
 * 128 bytes in all (header length 118 = 0x76), then the values little-endian */
START_TEST(test_write_header)
{
    double v[12];
    for (int k = 0; k < 12; k++)
        v[k] = k == 1 ? 1.5 : 0;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ck_assert_int_eq(bs_npy_write(&buf, &len, &cap, v, 2, 3, 4, NULL), BS_OK);
    ck_assert_uint_eq(len, 128 + 12 * 8);
    ck_assert_int_eq(memcmp(buf, "\x93NUMPY\x01\x00\x76\x00", 10), 0);
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";
    ck_assert_int_eq(memcmp(buf + 10, dict, strlen(dict)), 0);
    for (size_t k = 10 + strlen(dict); k < 127; k++)
        ck_assert_int_eq(buf[k], ' ');
    ck_assert_int_eq(buf[127], '\n');
    /* 1.5 little-endian: 00 … 00 f8 3f */
    const unsigned char one_half[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f};
    ck_assert_int_eq(memcmp(buf + 128 + 8, one_half, 8), 0);
    /* a number: shape () */
    len = 0;
    ck_assert_int_eq(bs_npy_write(&buf, &len, &cap, v + 1, 0, 1, 1, NULL), BS_OK);
    ck_assert_uint_eq(len, 128 + 8);
    ck_assert_ptr_nonnull(strstr(buf + 10, "'shape': (), }"));
    /* a vector: shape (4,) */
    len = 0;
    ck_assert_int_eq(bs_npy_write(&buf, &len, &cap, v, 1, 1, 4, NULL), BS_OK);
    ck_assert_ptr_nonnull(strstr(buf + 10, "'shape': (4,), }"));
    free(buf);
}
END_TEST

/* an archive made by bs_npz_write reads back the same, and the same arrays
 * make the same bytes */
START_TEST(test_archive_round_trip)
{
    double w[6] = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6}, b[3] = {1, 2, 3}, loss = 0.25;
    bs_npz_array in[3] = {{"dW1", 2, 2, 3, w}, {"db1", 1, 1, 3, b}, {"loss", 0, 1, 1, &loss}};
    char *data = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    ck_assert_int_eq(bs_npz_write(in, 3, &data, &len, NULL), BS_OK);
    ck_assert_int_eq(bs_npz_write(in, 3, &again, &len2, NULL), BS_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(data, again, len), 0);
    ck_assert(bs_npz_is_zip(data, len));
    bs_npz *z = NULL;
    bs_error err;
    ck_assert_int_eq(bs_npz_read(data, len, 1 << 20, &z, &err), BS_OK);
    ck_assert_uint_eq(z->n, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(z->arrays[i].name, in[i].name);
        ck_assert_uint_eq(z->arrays[i].ndim, in[i].ndim);
        ck_assert_uint_eq(z->arrays[i].rows, in[i].rows);
        ck_assert_uint_eq(z->arrays[i].cols, in[i].cols);
        for (size_t k = 0; k < in[i].rows * in[i].cols; k++)
            ck_assert_double_eq(z->arrays[i].v[k], in[i].v[k]);
    }
    cJSON *j = NULL;
    ck_assert_int_eq(bs_npz_to_json(z, &j, &err), BS_OK);
    char *text = cJSON_PrintUnformatted(j);
    ck_assert_str_eq(text, "{\"dW1\":[[0.1,-0.2,0.3],[0.4,0.5,-0.6]],\"db1\":[1,2,3],"
                           "\"loss\":0.25}");
    free(text);
    cJSON_Delete(j);
    bs_npz_free(z);
    /* a limit below the arrays' size */
    ck_assert_int_ne(bs_npz_read(data, len, 100, &z, &err), BS_OK);
    ck_assert_ptr_null(z);
    ck_assert_ptr_nonnull(strstr(err.message, "limit"));
    /* cut short */
    ck_assert_int_eq(bs_npz_read(data, len / 2, 1 << 20, &z, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_null(z);
    free(data);
    free(again);
}
END_TEST

Suite *npz_suite(void);

Suite *npz_suite(void)
{
    Suite *s = suite_create("npz");
    TCase *tc = tcase_create("npy");
    tcase_add_loop_test(tc, test_header_table, 0,
                        (int)(sizeof header_cases / sizeof header_cases[0]));
    tcase_add_test(tc, test_header_framing);
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_write_header);
    suite_add_tcase(s, tc);
    tc = tcase_create("npz");
    tcase_add_test(tc, test_archive_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
