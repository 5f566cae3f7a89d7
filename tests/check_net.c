/* check_net.c — loading specs: conventions, defaults, drawn parameters and
 * batches, and the messages of bad specs. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bs_net.h"
#include "bs_rng.h"
#include "suites.h"

static bs_status load(const char *text, bs_net **net, bs_error *err)
{
    bs_error_clear(err);
    return bs_net_load_string(text, strlen(text), "t.json", NULL, net, err);
}

/* The column convention stores W transposed: W1 given as 3×2 (outputs ×
 * inputs) is kept as 2×3 (inputs × outputs). */
START_TEST(test_column_convention_transposes)
{
    bs_net *net;
    bs_error err;
    ck_assert_int_eq(load("{\"convention\": \"column\", \"layers\": [2, 3],"
                          " \"activations\": \"identity\", \"loss\": \"mse\","
                          " \"params\": {\"W1\": [[1, 2], [3, 4], [5, 6]],"
                          " \"b1\": [[7], [8], [9]]}, \"x\": [1, 1], \"y\": [0, 0, 0]}",
                          &net, &err),
                     BS_OK);
    /* input i, output j at W[i·3 + j]: W_col[j][i] */
    const double want[6] = {1, 3, 5, 2, 4, 6};
    for (int k = 0; k < 6; k++)
        ck_assert_double_eq(net->W[1][k], want[k]);
    ck_assert_double_eq(net->b[1][2], 9);
    ck_assert_int_eq(net->convention, BS_COLUMN);
    ck_assert_int_eq(net->reduction, BS_MEAN);
    ck_assert_uint_eq(net->B, 1);
    bs_net_free(net);
}
END_TEST

/* Absent parameters are drawn from init, each from its own stream, so that
 * giving W1 does not change the draw of W2, and the draw does not depend on
 * the convention. */
START_TEST(test_drawn_parameters)
{
    bs_net *a, *b, *c;
    bs_error err;
    ck_assert_int_eq(load("{\"layers\": [2, 2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\","
                          " \"init\": {\"seed\": 7, \"distribution\": \"uniform\", \"scale\": 0.5},"
                          " \"x\": [0, 1], \"y\": [1]}", &a, &err), BS_OK);
    ck_assert_int_eq(load("{\"layers\": [2, 2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\","
                          " \"init\": {\"seed\": 7, \"distribution\": \"uniform\", \"scale\": 0.5},"
                          " \"params\": {\"W1\": [[1, 1], [1, 1]]}, \"x\": [0, 1], \"y\": [1]}",
                          &b, &err), BS_OK);
    ck_assert_int_eq(load("{\"convention\": \"column\", \"layers\": [2, 2, 1],"
                          " \"activations\": \"sigmoid\", \"loss\": \"mse\","
                          " \"init\": {\"seed\": 7, \"distribution\": \"uniform\", \"scale\": 0.5},"
                          " \"x\": [0, 1], \"y\": [1]}", &c, &err), BS_OK);
    /* stream 2 (W2) of seed 7, uniform on [−0.5, 0.5), computed here */
    bs_rng r = bs_rng_stream(7, 2);
    for (int k = 0; k < 2; k++) {
        double want = 0.5 * (2.0 * bs_rng_uniform(&r) - 1.0);
        ck_assert_double_eq(a->W[2][k], want);
        ck_assert_double_eq(b->W[2][k], want);
        ck_assert_double_eq(c->W[2][k], want);
        ck_assert(fabs(want) <= 0.5);
    }
    for (int k = 0; k < 4; k++) {
        ck_assert_double_eq(a->W[1][k], c->W[1][k]);
        ck_assert_double_eq(b->W[1][k], 1.0);
    }
    ck_assert_int_eq(a->W_origin[1], BS_DRAWN);
    ck_assert_int_eq(b->W_origin[1], BS_GIVEN);
    bs_net_free(a);
    bs_net_free(b);
    bs_net_free(c);
}
END_TEST

/* random_batch: inputs uniform from stream 2³², one class per example from
 * stream 2³² + 1 for cross_entropy, one-hot rows. */
START_TEST(test_random_batch)
{
    bs_net *net;
    bs_error err;
    ck_assert_int_eq(load("{\"layers\": [3, 4], \"activations\": \"softmax\","
                          " \"loss\": \"cross_entropy\", \"init\": {\"seed\": 1},"
                          " \"random_batch\": {\"size\": 5, \"seed\": 11}}", &net, &err),
                     BS_OK);
    ck_assert_uint_eq(net->B, 5);
    bs_rng rx = bs_rng_stream(11, UINT64_C(1) << 32), ry = bs_rng_stream(11, (UINT64_C(1) << 32) + 1);
    for (int k = 0; k < 15; k++)
        ck_assert_double_eq(net->x[k], bs_rng_uniform(&rx));
    for (int i = 0; i < 5; i++) {
        long c = (long)bs_rng_below(&ry, 4);
        ck_assert_int_eq(net->labels[i], c);
        double sum = 0;
        for (int j = 0; j < 4; j++)
            sum += net->y[i * 4 + j];
        ck_assert_double_eq(sum, 1.0);
        ck_assert_double_eq(net->y[i * 4 + c], 1.0);
    }
    bs_net_free(net);
}
END_TEST

/* One-number and flat forms: a flat y of B numbers when n_L = 1. */
START_TEST(test_flat_targets)
{
    bs_net *net;
    bs_error err;
    ck_assert_int_eq(load("{\"layers\": [1, 1], \"activations\": \"identity\", \"loss\": \"mse\","
                          " \"params\": {\"W1\": [[1]], \"b1\": [0]},"
                          " \"x\": [[1], [2], [3]], \"y\": [4, 5, 6]}", &net, &err),
                     BS_OK);
    ck_assert_uint_eq(net->B, 3);
    ck_assert_double_eq(net->y[2], 6);
    bs_net_free(net);
}
END_TEST

/* Bad specs: status, place and a phrase of the message. */
static const struct {
    const char *spec;
    bs_status status;
    const char *where;
    const char *phrase;
} bad[] = {
    {"[1, 2]", BS_ERR_SPEC, "", "expected a spec object"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoide\", \"loss\": \"mse\", \"x\": [1, 2], \"y\": [1]}",
     BS_ERR_SPEC, "activations", "did you mean \"sigmoid\""},
    {"{\"layer\": [2, 1]}", BS_ERR_SPEC, "layer", "did you mean \"layers\""},
    {"{\"layers\": [2, 3, 2], \"activations\": [\"sigmoid\", \"sigmoid\"], \"loss\": \"mse\","
     " \"params\": {\"W1\": [[1, 2, 3], [4, 5, 6]], \"b1\": [0, 0, 0], \"W2\": [[1, 2, 3], [4, 5, 6]],"
     " \"b2\": [0, 0]}, \"x\": [1, 2], \"y\": [1, 0]}",
     BS_ERR_SPEC, "params.W2", "expected 3×2 (row convention: 3 inputs × 2 outputs), got 2×3"},
    {"{\"convention\": \"column\", \"layers\": [2, 3], \"activations\": \"identity\", \"loss\": \"mse\","
     " \"params\": {\"W1\": [[1, 2, 3], [4, 5, 6]], \"b1\": [0, 0, 0]}, \"x\": [1, 2], \"y\": [1, 0, 0]}",
     BS_ERR_SPEC, "params.W1", "expected 3×2 (column convention: 3 outputs × 2 inputs), got 2×3"},
    {"{\"layers\": [2, 2, 1], \"activations\": [\"softmax\", \"sigmoid\"], \"loss\": \"mse\","
     " \"x\": [1, 2], \"y\": [1]}",
     BS_ERR_SPEC, "activations[0]", "only allowed in the output layer"},
    {"{\"layers\": [2, 2], \"activations\": \"sigmoid\", \"loss\": \"cross_entropy\","
     " \"x\": [1, 2], \"y\": [1, 0]}",
     BS_ERR_SPEC, "loss", "needs a softmax output layer"},
    {"{\"layers\": [2, 1], \"activations\": \"tanh\", \"loss\": \"bce\", \"x\": [1, 2], \"y\": [1]}",
     BS_ERR_SPEC, "loss", "needs outputs in (0, 1)"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\", \"x\": [1, 2], \"y\": [2],"
     " \"init\": {}}",
     BS_ERR_SPEC, "y", "outside [0, 1]"},
    {"{\"layers\": [2, 3], \"activations\": \"softmax\", \"loss\": \"cross_entropy\","
     " \"x\": [[1, 2], [3, 4]], \"labels\": [0, 3], \"init\": {}}",
     BS_ERR_SPEC, "labels[1]", "out of range"},
    {"{\"layers\": [2, 3], \"activations\": \"softmax\", \"loss\": \"cross_entropy\","
     " \"x\": [1, 2], \"y\": [0.5, 0.2, 0.2], \"init\": {}}",
     BS_ERR_SPEC, "y", "sum to 0.9"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\", \"x\": [1, 2], \"y\": [1]}",
     BS_ERR_SPEC, "params.W1", "no \"init\""},
    {"{\"layers\": [2, 0], \"activations\": \"sigmoid\", \"loss\": \"mse\"}",
     BS_ERR_SPEC, "layers[1]", "expected an integer from 1"},
    {"{\"layers\": [2.5, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\"}",
     BS_ERR_SPEC, "layers[0]", "expected an integer"},
    {"{\"layers\": [100000000, 100000000], \"activations\": \"sigmoid\", \"loss\": \"mse\","
     " \"random_batch\": {\"size\": 1}}",
     BS_ERR_LIMIT, "layers", "--max-memory"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\", \"x\": [1, 2, 3], \"y\": [1],"
     " \"init\": {}}",
     BS_ERR_SPEC, "x", "expected one example of 2 numbers"},
    {"{\"layers\": [2, 2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\", \"x\": [1, 2], \"y\": [1],"
     " \"params\": {\"W3\": [[1]]}, \"init\": {}}",
     BS_ERR_SPEC, "params.W3", "there is no layer 3"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\", \"x\": [1, 2], \"y\": [1],"
     " \"init\": {\"scale\": -1}}",
     BS_ERR_SPEC, "init.scale", "expected a positive number"},
    {"{\"layers\": [2, 1], \"activations\": \"sigmoid\", \"loss\": \"mse\", \"x\": [1, 2], \"y\": [1],"
     " \"x\": [3, 4]}",
     BS_ERR_SYNTAX, "1:", "duplicate key \"x\""},
    {"{\"layers\": [2, 1],\n \"loss\": \"mse\" \"x\": 1}", BS_ERR_SYNTAX, "2:16",
     "expected ',' or '}'"},
};

START_TEST(test_bad_specs)
{
    bs_net *net = (bs_net *)1;
    bs_error err;
    bs_status st = load(bad[_i].spec, &net, &err);
    ck_assert_int_eq(st, bad[_i].status);
    ck_assert_ptr_null(net);
    ck_assert_msg(strncmp(err.where, bad[_i].where, strlen(bad[_i].where)) == 0,
                  "case %d: where \"%s\", expected \"%s\"", _i, err.where, bad[_i].where);
    ck_assert_msg(strstr(err.message, bad[_i].phrase) != NULL,
                  "case %d: message \"%s\" lacks \"%s\"", _i, err.message, bad[_i].phrase);
    ck_assert_str_eq(err.file, "t.json");
    char line[1024];
    bs_error_format(&err, line, sizeof line);
    ck_assert_msg(strncmp(line, "t.json:", 7) == 0, "formatted: %s", line);
    ck_assert_ptr_null(strchr(line, '\n'));
}
END_TEST

/* A file name, a place and a message with control characters in them are
 * formatted as one line, each control character written escaped (expected
 * text written by hand from the escapes bs_error_format documents). */
START_TEST(test_error_format_escapes)
{
    bs_error err;
    bs_error_clear(&err);
    bs_error_set(&err, BS_ERR_SPEC, "params.a\tb", "unknown key \"x\ny\" \033[31m");
    bs_error_set_file(&err, "dir\nname.json");
    char line[1024];
    bs_error_format(&err, line, sizeof line);
    ck_assert_str_eq(line,
                     "dir\\nname.json: params.a\\tb: unknown key \"x\\ny\" \\u001b[31m");
    /* cut to fit, never cut inside an escape */
    bs_error_format(&err, line, 6);
    ck_assert_str_eq(line, "dir\\n");
}
END_TEST

START_TEST(test_free_null)
{
    bs_net_free(NULL);
    ck_assert_ptr_null(bs_suggest("zzzzzz", (const char *const[]){"sigmoid", NULL}));
    /* an empty key is one edit from any one-letter name, yet no typo of it */
    ck_assert_ptr_null(bs_suggest("", (const char *const[]){"x", "y", NULL}));
    ck_assert_str_eq(bs_suggest("tahn", (const char *const[]){"sigmoid", "tanh", NULL}), "tanh");
}
END_TEST

Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_column_convention_transposes);
    tcase_add_test(tc, test_drawn_parameters);
    tcase_add_test(tc, test_random_batch);
    tcase_add_test(tc, test_flat_targets);
    tcase_add_loop_test(tc, test_bad_specs, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_error_format_escapes);
    suite_add_tcase(s, tc);
    return s;
}
