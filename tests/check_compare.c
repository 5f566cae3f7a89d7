/* check_compare.c — `backstep compare`: loading gradient files (errors with
 * their place), the in-memory API, every catalogue mistake caught and named
 * from wrong values built here by hand, and correct gradients never
 * diagnosed. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_compare.h"
#include "bs_json.h"
#include "bs_mistakes.h"
#include "bs_net.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

/* Three layers of 3×3 weights (tanh, sigmoid, softmax + cross-entropy), a
 * batch of 3 averaged, L2: every mistake of the catalogue can be made on it
 * (the same network as tests/compare-3-3-3-3.json). */
static const char *const SQUARE =
    "{\"layers\": [3, 3, 3, 3], \"activations\": [\"tanh\", \"sigmoid\", \"softmax\"],"
    " \"loss\": \"cross_entropy\", \"batch_reduction\": \"mean\", \"l2\": 0.02,"
    " \"params\": {"
    "  \"W1\": [[0.4, -0.3, 0.2], [0.1, 0.5, -0.6], [-0.2, 0.3, 0.7]], \"b1\": [0.05, -0.1, 0.15],"
    "  \"W2\": [[0.6, -0.4, 0.1], [-0.3, 0.8, 0.2], [0.5, 0.1, -0.7]], \"b2\": [-0.05, 0.1, 0.0],"
    "  \"W3\": [[0.9, -0.5, 0.3], [-0.2, 0.4, -0.8], [0.7, 0.6, -0.1]], \"b3\": [0.1, -0.2, 0.05]},"
    " \"x\": [[0.5, -0.2, 0.8], [-0.4, 0.9, 0.1], [0.3, 0.3, -0.6]], \"labels\": [0, 2, 1]}";

#define LAMBDA 0.02
#define NB 3 /* batch size and every layer's width */

typedef struct fixture {
    bs_net *net;
    bs_trace *t;
} fixture;

static fixture setup_text(const char *text)
{
    fixture f = {NULL, NULL};
    bs_error err;
    bs_error_clear(&err);
    ck_assert_msg(bs_net_load_string(text, strlen(text), "test.json", NULL, &f.net, &err) ==
                      BS_OK,
                  "spec did not load: %s: %s", err.where, err.message);
    ck_assert_int_eq(bs_trace_build(f.net, &f.t, NULL), BS_OK);
    return f;
}

static fixture setup_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    fixture f = {NULL, NULL};
    bs_error err;
    bs_error_clear(&err);
    ck_assert_msg(bs_net_load_file(path, NULL, &f.net, &err) == BS_OK, "%s: %s: %s", path,
                  err.where, err.message);
    ck_assert_int_eq(bs_trace_build(f.net, &f.t, NULL), BS_OK);
    return f;
}

static void teardown(fixture *f)
{
    bs_trace_free(f->t);
    bs_net_free(f->net);
}

/* A step of the trace, displayed values. */
static const bs_step *step(const fixture *f, const char *id)
{
    const bs_step *s = bs_trace_find(f->t, id);
    ck_assert_msg(s != NULL, "no step %s", id);
    return s;
}

/* Loads `json` against the trace and expects an error: its status, the
 * place (err.where, or "" for none) and a phrase of the message. */
static void expect_load_error(const fixture *f, const char *json, bs_status status,
                              const char *where, const char *phrase)
{
    bs_grads_file *g = (bs_grads_file *)1;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_compare_load_string(json, strlen(json), "grads.json", f->t, &g, &err);
    ck_assert_msg(st == status, "%s: status %d, expected %d (%s)", json, st, status,
                  err.message);
    ck_assert_ptr_null(g);
    ck_assert_str_eq(err.file, "grads.json");
    ck_assert_msg(strcmp(err.where, where) == 0, "%s: place \"%s\", expected \"%s\"", json,
                  err.where, where);
    ck_assert_msg(strstr(err.message, phrase) != NULL, "%s: message \"%s\" lacks \"%s\"", json,
                  err.message, phrase);
}

/* ---- loading ---------------------------------------------------------- */

START_TEST(test_load_errors)
{
    fixture f = setup_file("4-3-2-1-bce.json");
    /* not JSON: line and column */
    expect_load_error(&f, "{\n  \"dW3\": [[0.1]\n          [0.2]]}", BS_ERR_SYNTAX, "3:11",
                      "expected ',' or ']' after an array element");
    expect_load_error(&f, "{\"dW3\": [[0.1], [0.2]]", BS_ERR_SYNTAX, "1:23",
                      "unexpected end of input");
    /* not an object */
    expect_load_error(&f, "[[0.1], [0.2]]", BS_ERR_SPEC, "", "expected an object of gradients");
    expect_load_error(&f, "{\"loss\": 0.6}", BS_ERR_SPEC, "", "gives no gradient");
    expect_load_error(&f, "{}", BS_ERR_SPEC, "", "gives no gradient");
    /* unknown step names */
    expect_load_error(&f, "{\"dq3\": [[0.1]]}", BS_ERR_SPEC, "dq3", "unknown step \"dq3\"");
    /* a parameter's name (W3) is read as its gradient; another capital is not */
    expect_load_error(&f, "{\"A3\": [[0.1], [0.2]]}", BS_ERR_SPEC, "A3", "unknown step");
    /* layer out of range */
    expect_load_error(&f, "{\"dW4\": [[0.1], [0.2]]}", BS_ERR_SPEC, "dW4",
                      "there is no layer 4: the network has 3 layers");
    expect_load_error(&f, "{\"g[7b]\": [0.1]}", BS_ERR_SPEC, "g[7b]", "there is no layer 7");
    /* wrong shape, with the expected one */
    expect_load_error(&f, "{\"dW3\": [[0.1, 0.2, 0.3]]}", BS_ERR_SPEC, "dW3",
                      "expected 2×1 (row convention, as in the trace), got 1×3");
    expect_load_error(&f, "{\"dW2\": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}", BS_ERR_SPEC, "dW2",
                      "expected 3×2 (row convention, as in the trace), got 3×3");
    expect_load_error(&f, "{\"dW2\": [[1, 2], [3], [4, 5]]}", BS_ERR_SPEC, "dW2[1]",
                      "expected a row of 2 numbers");
    /* the same step twice, in two notations */
    expect_load_error(&f, "{\"dW3\": [[0.1], [0.2]], \"∂L/∂W[3]\": [[0.1], [0.2]]}",
                      BS_ERR_SPEC, "∂L/∂W[3]", "the same step as \"dW3\"");
    expect_load_error(&f, "{\"g[2b]\": [0.1, 0.2], \"dL/db2\": [0.1, 0.2]}", BS_ERR_SPEC,
                      "dL/db2", "the same step as \"g[2b]\"");
    /* a number out of range (JSON has no NaN or infinity) */
    expect_load_error(&f, "{\"dW3\": [[0.1], [1e999]]}", BS_ERR_SYNTAX, "1:18", "out of range");
    teardown(&f);
}
END_TEST

START_TEST(test_load_column_shapes)
{
    /* handout 000's column convention: W[1] is 3×2, activations n×B */
    fixture f = setup_file("000-2-3-2-mse.json");
    expect_load_error(&f, "{\"dW1\": [[0.1, 0.2], [0.3, 0.4]]}", BS_ERR_SPEC, "dW1",
                      "expected 3×2 (column convention, as in the trace), got 2×2");
    const bs_step *w = step(&f, "g[1W]");
    ck_assert_uint_eq(w->rows, 3);
    ck_assert_uint_eq(w->cols, 2);
    /* the trace's own values, written in its orientation, agree */
    char json[1024];
    snprintf(json, sizeof json, "{\"g[1W]\": [[%.17g, %.17g], [%.17g, %.17g], [%.17g, %.17g]]}",
             w->value[0], w->value[1], w->value[2], w->value[3], w->value[4], w->value[5]);
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_load_string(json, strlen(json), "g.json", f.t, &g, NULL), BS_OK);
    /* the one step checked is named: the others are not required */
    bs_compare_opts o = bs_compare_defaults();
    o.only = "g[1W]";
    ck_assert_int_eq(bs_compare_run(f.t, g, &o, &r, NULL), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 1);
    ck_assert_uint_eq(r->n_given, 1);
    ck_assert_int_eq(r->opts.notation, BS_NOTATION_G);
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* ---- the in-memory API ------------------------------------------------- */

START_TEST(test_grads_file_api)
{
    fixture f = setup_file("4-3-2-1-bce.json");
    bs_grads_file *g = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_grads_file_create(f.t, &g, &err), BS_OK);
    ck_assert_ptr_nonnull(g);
    const char *ids[] = {"g[3W]", "g[3b]", "g[2W]", "g[2b]", "g[1W]", "g[1b]"};
    const char *names[] = {"dW3", "db3", "dL/dW2", "∂L/∂b[2]", "g[1W]", "db1"};
    for (size_t i = 0; i < 6; i++) {
        const bs_step *s = step(&f, ids[i]);
        ck_assert_int_eq(bs_grads_file_set(g, names[i], s->value, s->rows, s->cols, &err),
                         BS_OK);
    }
    /* the loss: L = −log ŷ for y = 1 */
    double loss = -log(step(&f, "a[3]")->value[0]);
    ck_assert_int_eq(bs_grads_file_set(g, "loss", &loss, 1, 1, &err), BS_OK);

    /* errors name the step given */
    double two[2] = {0.1, 0.2}, nine[9] = {0};
    ck_assert_int_eq(bs_grads_file_set(g, "dW3", two, 2, 1, &err), BS_ERR_SPEC);
    ck_assert_str_eq(err.where, "dW3");
    ck_assert_ptr_nonnull(strstr(err.message, "the same step as \"dW3\""));
    ck_assert_int_eq(bs_grads_file_set(g, "dz9", two, 1, 2, &err), BS_ERR_SPEC);
    ck_assert_str_eq(err.where, "dz9");
    ck_assert_ptr_nonnull(strstr(err.message, "there is no layer 9"));
    ck_assert_int_eq(bs_grads_file_set(g, "dx2", two, 1, 2, &err), BS_ERR_SPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown step"));
    ck_assert_int_eq(bs_grads_file_set(g, "dz2", nine, 3, 3, &err), BS_ERR_SPEC);
    ck_assert_str_eq(err.where, "dz2");
    ck_assert_ptr_nonnull(strstr(err.message, "expected 1×2"));
    double bad[2] = {0.1, NAN};
    ck_assert_int_eq(bs_grads_file_set(g, "dz2", bad, 1, 2, &err), BS_ERR_SPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "not finite"));
    bad[1] = INFINITY;
    ck_assert_int_eq(bs_grads_file_set(g, "da2", bad, 1, 2, &err), BS_ERR_SPEC);
    ck_assert_str_eq(err.where, "da2");
    ck_assert_ptr_nonnull(strstr(err.message, "not finite"));

    /* the failed calls left nothing behind: six steps and the loss, all agree */
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, &err), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 1);
    ck_assert_uint_eq(r->n_given, 6);
    ck_assert_uint_eq(r->n_agree, 6);
    ck_assert_int_eq(r->has_loss, 1);
    ck_assert_int_eq(r->loss.status, BS_CMP_AGREES);
    ck_assert_int_eq(r->first, -1);
    /* the notation of the first step given (the loss does not count) */
    ck_assert_int_eq(r->opts.notation, BS_NOTATION_CODE);
    ck_assert_str_eq(r->steps[2].name, "dW3");
    ck_assert_str_eq(r->steps[2].id, "g[3W]");
    ck_assert_str_eq(r->steps[2].key, "dW3");
    ck_assert_int_eq(r->steps[0].status, BS_CMP_NOT_GIVEN);
    bs_compare_result_free(r);

    /* asked for in another notation */
    bs_compare_opts o = bs_compare_defaults();
    ck_assert_double_eq(o.rtol, 1e-6);
    ck_assert_double_eq(o.atol, 1e-9);
    o.notation = BS_NOTATION_PARTIAL;
    ck_assert_int_eq(bs_compare_run(f.t, g, &o, &r, &err), BS_OK);
    ck_assert_str_eq(r->steps[2].name, "∂L/∂W[3]");
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    bs_grads_file_free(NULL);
    bs_compare_result_free(NULL);
    teardown(&f);
}
END_TEST

/* The loss: a batch sum reported for a mean, and the L2 penalty left out. */
START_TEST(test_loss_notes)
{
    fixture f = setup_file("4-5-3-softmax-ce-l2.json");
    const bs_step *ls = step(&f, "L");
    /* λ Σ‖W‖² from the parameters, independently of the trace */
    double pen = 0.0;
    for (size_t l = 1; l <= 2; l++)
        for (size_t k = 0; k < f.net->n[l - 1] * f.net->n[l]; k++)
            pen += f.net->W[l][k] * f.net->W[l][k];
    pen *= 0.01;
    double data = ls->value[0] - pen;
    struct {
        double loss;
        const char *note;
    } cases[] = {{data * 4 + pen, "the sum over the batch, not the mean"},
                 {data, "leaves out the L2 penalty"},
                 {data + 0.5 * pen, "(λ/2)‖W‖²"},
                 {ls->value[0] * 1.5, ""}};
    const bs_step *w = step(&f, "g[1W]");
    for (size_t i = 0; i < 4; i++) {
        bs_grads_file *g = NULL;
        bs_compare_result *r = NULL;
        ck_assert_int_eq(bs_grads_file_create(f.t, &g, NULL), BS_OK);
        ck_assert_int_eq(bs_grads_file_set(g, "dW1", w->value, w->rows, w->cols, NULL), BS_OK);
        ck_assert_int_eq(bs_grads_file_set(g, "L", &cases[i].loss, 1, 1, NULL), BS_OK);
        ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, NULL), BS_OK);
        ck_assert_int_eq(bs_compare_agrees(r), 0);
        ck_assert_int_eq(r->loss.status, BS_CMP_DISAGREES);
        ck_assert_int_eq(r->steps[6].status, BS_CMP_AGREES);
        if (cases[i].note[0])
            ck_assert_msg(strstr(r->loss_note, cases[i].note) != NULL, "note \"%s\", expected %s",
                          r->loss_note, cases[i].note);
        else
            ck_assert_str_eq(r->loss_note, "");
        bs_compare_result_free(r);
        bs_grads_file_free(g);
    }
    teardown(&f);
}
END_TEST

/* ---- every catalogue mistake, built by hand ------------------------------ */

typedef double m3[NB][NB];

/* A 3×3 displayed step of the trace (the row convention displays as stored). */
static void get(const fixture *f, const char *id, m3 out)
{
    const bs_step *s = step(f, id);
    ck_assert_msg(s->rows * s->cols == NB * NB, "%s is %zux%zu", id, s->rows, s->cols);
    memcpy(out, s->value, sizeof(m3));
}

static void weights(const fixture *f, size_t l, m3 out)
{
    memcpy(out, f->net->W[l], sizeof(m3));
}

/* o = a · b, with a transposed when ta, b transposed when tb */
static void mul(m3 a, int ta, m3 b, int tb, m3 o)
{
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++) {
            double s = 0.0;
            for (size_t k = 0; k < NB; k++)
                s += (ta ? a[k][i] : a[i][k]) * (tb ? b[j][k] : b[k][j]);
            o[i][j] = s;
        }
}

/* Each builder writes the program's wrong value of the step it names. */
typedef void (*builder)(const fixture *f, m3 out, size_t *rows, size_t *cols);

static void b_sign(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* −g[2z] */
    (void)r, (void)c;
    get(f, "g[2z]", o);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = -o[i][j];
}

static void b_no_invb(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[3z] = ŷ − y, without 1/B */
    (void)r, (void)c;
    m3 a, y;
    get(f, "a[3]", a);
    get(f, "y", y);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = a[i][j] - y[i][j];
}

static void b_invb_twice(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[3W] = a[2]ᵀ (ŷ − y) / B² + 2λW[3] */
    (void)r, (void)c;
    m3 a2, a3, y, d, w;
    get(f, "a[2]", a2);
    get(f, "a[3]", a3);
    get(f, "y", y);
    weights(f, 3, w);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            d[i][j] = a3[i][j] - y[i][j];
    mul(a2, 1, d, 0, o);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = o[i][j] / (NB * NB) + 2 * LAMBDA * w[i][j];
}

static void b_transpose(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[1a] = g[2z] W[2], the transpose left out */
    (void)r, (void)c;
    m3 gz, w;
    get(f, "g[2z]", gz);
    weights(f, 2, w);
    mul(gz, 0, w, 0, o);
}

static void b_no_deriv(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[2z] = g[2a] */
    (void)r, (void)c;
    get(f, "g[2a]", o);
}

static void b_act_for_deriv(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[2z] = a[2] ∘ g[2a]: σ(z[2]) where σ'(z[2]) = a[2] ∘ (1 − a[2]) belongs */
    (void)r, (void)c;
    m3 a, ga;
    get(f, "a[2]", a);
    get(f, "g[2a]", ga);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = a[i][j] * ga[i][j];
}

static void b_deriv_at_a(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[1z] = tanh'(a[1]) ∘ g[1a] = (1 − tanh²(a[1])) ∘ g[1a] */
    (void)r, (void)c;
    m3 a, ga;
    get(f, "a[1]", a);
    get(f, "g[1a]", ga);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = (1.0 - tanh(a[i][j]) * tanh(a[i][j])) * ga[i][j];
}

static void b_softmax_elementwise(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[3z] = ŷ ∘ (1 − ŷ) ∘ g[3a] */
    (void)r, (void)c;
    m3 a, ga;
    get(f, "a[3]", a);
    get(f, "g[3a]", ga);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] = a[i][j] * (1.0 - a[i][j]) * ga[i][j];
}

static void b_wrong_act(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* the tanh layer with sigmoid'(z[1]) = s (1 − s), s = 1/(1 + e^−z) */
    (void)r, (void)c;
    m3 z, ga;
    get(f, "z[1]", z);
    get(f, "g[1a]", ga);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++) {
            double s = 1.0 / (1.0 + exp(-z[i][j]));
            o[i][j] = s * (1.0 - s) * ga[i][j];
        }
}

static void b_bias_not_summed(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[2b] as the B rows of g[2z] */
    *r = NB;
    *c = NB;
    get(f, "g[2z]", o);
}

static void l2_variant(const fixture *f, m3 o, double factor)
{
    m3 a1, gz, w;
    get(f, "a[1]", a1);
    get(f, "g[2z]", gz);
    weights(f, 2, w);
    mul(a1, 1, gz, 0, o);
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++)
            o[i][j] += factor * LAMBDA * w[i][j];
}

static void b_l2_missing(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[2W] = a[1]ᵀ g[2z] */
    (void)r, (void)c;
    l2_variant(f, o, 0.0);
}

static void b_lambda_w(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[2W] = a[1]ᵀ g[2z] + λW[2] */
    (void)r, (void)c;
    l2_variant(f, o, 1.0);
}

static void b_wrong_layer_w(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[1a] = g[2z] W[3]ᵀ instead of g[2z] W[2]ᵀ */
    (void)r, (void)c;
    m3 gz, w;
    get(f, "g[2z]", gz);
    weights(f, 3, w);
    mul(gz, 0, w, 1, o);
}

static void b_off_by_one(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[1z] := g[2z] */
    (void)r, (void)c;
    get(f, "g[2z]", o);
}

static void b_one_flow(const fixture *f, m3 o, size_t *r, size_t *c)
{
    /* g[1a]_{i,p} = g[2z]_{i,1} W[2]_{p,1}: the flow through unit 1 of z[2]
     * alone, written out element by element (the right step sums over the
     * three units) */
    (void)r, (void)c;
    m3 gz, w;
    get(f, "g[2z]", gz);
    weights(f, 2, w);
    for (size_t i = 0; i < NB; i++)
        for (size_t p = 0; p < NB; p++)
            o[i][p] = gz[i][0] * w[p][0];
}

static const struct {
    const char *key;
    const char *step; /* where the mistake is made */
    builder build;
} CASES[] = {
    {"sign", "g[2z]", b_sign},
    {"no-1/B", "g[3z]", b_no_invb},
    {"1/B-twice", "g[3W]", b_invb_twice},
    {"transpose", "g[1a]", b_transpose},
    {"no-derivative", "g[2z]", b_no_deriv},
    {"derivative-at-a", "g[1z]", b_deriv_at_a},
    {"softmax-elementwise", "g[3z]", b_softmax_elementwise},
    {"wrong-activation", "g[1z]", b_wrong_act},
    {"bias-not-summed", "g[2b]", b_bias_not_summed},
    {"l2-missing", "g[2W]", b_l2_missing},
    {"lambda-W", "g[2W]", b_lambda_w},
    {"wrong-layer-weights", "g[1a]", b_wrong_layer_w},
    {"off-by-one-layer", "g[1z]", b_off_by_one},
    {"activation-for-derivative", "g[2z]", b_act_for_deriv},
    {"one-flow", "g[1a]", b_one_flow},
};

/* The file gives every step above the mistaken one with the trace's values
 * and the mistaken step with the wrong ones: that step, and no other, must
 * disagree, with the catalogue entry named. */
START_TEST(test_catalogue_mistake)
{
    const bs_mistake *mk = &bs_mistakes[_i];
    ck_assert_int_eq((int)mk->id, _i);
    ck_assert_ptr_eq(bs_mistake_find(mk->key), mk);
    size_t c = 0;
    while (c < sizeof CASES / sizeof CASES[0] && strcmp(CASES[c].key, mk->key) != 0)
        c++;
    ck_assert_msg(c < sizeof CASES / sizeof CASES[0], "no test case for mistake %s", mk->key);

    fixture f = setup_text(SQUARE);
    bs_grads_file *g = NULL;
    ck_assert_int_eq(bs_grads_file_create(f.t, &g, NULL), BS_OK);
    long j = -1;
    size_t n = 0;
    for (size_t i = 0; i < f.t->nsteps; i++) {
        const bs_step *s = &f.t->steps[i];
        if (s->kind != BS_STEP_BACKWARD)
            continue;
        bs_error err;
        bs_error_clear(&err);
        if (strcmp(s->id, CASES[c].step) == 0) {
            m3 wrong;
            size_t rows = s->rows, cols = s->cols;
            CASES[c].build(&f, wrong, &rows, &cols);
            ck_assert_int_eq(bs_grads_file_set(g, s->id, &wrong[0][0], rows, cols, &err),
                             BS_OK);
            j = (long)n;
            break;
        }
        ck_assert_int_eq(bs_grads_file_set(g, s->id, s->value, s->rows, s->cols, &err), BS_OK);
        n++;
    }
    ck_assert_int_ge(j, 0);

    bs_compare_result *r = NULL;
    bs_error err;
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, &err), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 0);
    ck_assert_int_eq(r->first, j);
    const bs_compare_step *s = &r->steps[j];
    ck_assert_str_eq(s->id, CASES[c].step);
    ck_assert_int_eq(s->status, BS_CMP_DISAGREES);
    ck_assert_msg(s->mistake == (int)mk->id, "%s: named %s (%s)", mk->key,
                  s->mistake >= 0 ? bs_mistakes[s->mistake].key : "nothing", s->diagnosis);
    ck_assert_str_eq(s->mistake_step, CASES[c].step);
    ck_assert_int_eq(s->single_precision, 0);
    char head[80];
    snprintf(head, sizeof head, "%s matches ", CASES[c].step);
    ck_assert_msg(strncmp(s->diagnosis, head, strlen(head)) == 0, "diagnosis \"%s\"",
                  s->diagnosis);
    ck_assert_uint_eq(r->n_agree, (size_t)j);
    for (size_t k = 0; k < r->nsteps; k++)
        if ((long)k != j)
            ck_assert_int_ne(r->steps[k].status, BS_CMP_DISAGREES);
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* ---- correct files are never diagnosed ---------------------------------- */

static const char *const SHIPPED[] = {
    "000-2-3-2-mse.json",        "2-3-3-2-leaky-relu-bce.json", "3-4-1-tanh-regression.json",
    "3-4-3-relu-softmax-mse.json", "4-3-2-1-bce.json",          "4-5-3-softmax-ce-l2.json",
};

/* Every backward step (or the parameter gradients only) with the trace's
 * values, moved by a relative 1e-8 (within the default tolerance 1e-6). */
START_TEST(test_correct_never_diagnosed)
{
    fixture f = setup_file(SHIPPED[_i / 2]);
    int params_only = _i % 2;
    bs_grads_file *g = NULL;
    ck_assert_int_eq(bs_grads_file_create(f.t, &g, NULL), BS_OK);
    size_t given = 0;
    for (size_t i = 0; i < f.t->nsteps; i++) {
        const bs_step *s = &f.t->steps[i];
        if (s->kind != BS_STEP_BACKWARD ||
            (params_only && s->qty != BS_Q_W && s->qty != BS_Q_B))
            continue;
        size_t m = s->rows * s->cols;
        double *v = malloc(sizeof(double) * m);
        ck_assert_ptr_nonnull(v);
        for (size_t k = 0; k < m; k++)
            v[k] = s->value[k] * (1.0 + ((k % 2) ? 1e-8 : -1e-8));
        ck_assert_int_eq(bs_grads_file_set(g, s->id, v, s->rows, s->cols, NULL), BS_OK);
        free(v);
        given++;
    }
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, NULL), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 1);
    ck_assert_int_eq(r->first, -1);
    ck_assert_uint_eq(r->n_given, given);
    ck_assert_uint_eq(r->n_agree, given);
    for (size_t k = 0; k < r->nsteps; k++) {
        ck_assert_int_eq(r->steps[k].mistake, -1);
        ck_assert_str_eq(r->steps[k].diagnosis, "");
        ck_assert_msg(r->steps[k].max_rel <= 2e-8, "%s: %g", r->steps[k].name,
                      r->steps[k].max_rel);
    }
    /* the text report says so */
    bs_sink s = bs_sink_buffer();
    bs_compare_text(&s, r);
    ck_assert_ptr_nonnull(s.buf);
    ck_assert_ptr_nonnull(strstr(s.buf, "verdict: all"));
    ck_assert_ptr_null(strstr(s.buf, "diagnosis"));
    bs_sink_free_buffer(&s);
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST
/* A student who writes the sigmoid's a(1 − a) in the tanh layer: g[1z] =
 * g[1a] ∘ a[1] ∘ (1 − a[1]) with a[1] = tanh(z[1]), built here by hand, is
 * named as the derivative formula of the wrong activation. */
START_TEST(test_wrong_formula_own_a)
{
    fixture f = setup_text(SQUARE);
    m3 a, ga, o;
    get(&f, "a[1]", a);
    get(&f, "g[1a]", ga);
    double v[NB * NB];
    for (size_t i = 0; i < NB; i++)
        for (size_t j = 0; j < NB; j++) {
            o[i][j] = ga[i][j] * a[i][j] * (1.0 - a[i][j]);
            v[i * NB + j] = o[i][j];
        }
    bs_compare_step st;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_compare_answer(f.t, "dz1", v, NB, NB, NULL, &st, &err), BS_OK);
    ck_assert_int_eq(st.status, BS_CMP_DISAGREES);
    ck_assert_int_eq(st.mistake, BS_MISTAKE_WRONG_ACT);
    ck_assert_msg(strstr(st.diagnosis, "sigmoid's derivative formula a ∘ (1 − a)") &&
                      strstr(st.diagnosis, "tanh layer's own a1"),
                  "diagnosis: %s", st.diagnosis);
    teardown(&f);
}
END_TEST

/* ---- required steps, --only ------------------------------------------- */

/* A gradient set of the trace's own values for the steps `ids` (canonical),
 * with the step `wrong` (or NULL) negated. */
static bs_grads_file *own_values(const fixture *f, const char *const *ids, size_t n,
                                 const char *wrong)
{
    bs_grads_file *g = NULL;
    ck_assert_int_eq(bs_grads_file_create(f->t, &g, NULL), BS_OK);
    for (size_t i = 0; i < n; i++) {
        const bs_step *s = step(f, ids[i]);
        double v[64];
        ck_assert_uint_le(s->rows * s->cols, 64);
        for (size_t k = 0; k < s->rows * s->cols; k++)
            v[k] = wrong && strcmp(wrong, ids[i]) == 0 ? -s->value[k] : s->value[k];
        ck_assert_int_eq(bs_grads_file_set(g, ids[i], v, s->rows, s->cols, NULL), BS_OK);
    }
    return g;
}

static const struct {
    const char *given; /* canonical ids, comma-separated */
    const char *only;  /* opts.only, or NULL */
    const char *wrong; /* the step given negated, or NULL */
    int agrees;
    size_t missing;
    const char *missing_names; /* in the JSON report, in the file's notation */
} req_cases[] = {
    /* every parameter gradient of the 4-5-3 network (2 layers): W and b */
    {"g[2W],g[2b],g[1W],g[1b]", NULL, NULL, 1, 0, "[]"},
    /* dW1 left out: the parameter gradients are required */
    {"g[2a],g[2z],g[2W],g[2b],g[1a],g[1z],g[1b]", NULL, NULL, 0, 1, "[\"g[1W]\"]"},
    {"g[2b]", NULL, NULL, 0, 3, "[\"g[2W]\", \"g[1W]\", \"g[1b]\"]"},
    /* the steps named are the ones required, in any notation */
    {"g[2b]", "db2", NULL, 1, 0, "[]"},
    {"g[2b]", " dL/dW2 , ∂L/∂b[2]", NULL, 0, 1, "[\"g[2W]\"]"},
    {"g[2W],g[2b]", "dW2,g[2b]", NULL, 1, 0, "[]"},
    /* a step given beyond --only is compared all the same */
    {"g[2W],g[2b]", "dW2", "g[2b]", 0, 0, "[]"},
};

START_TEST(test_required_steps)
{
    fixture f = setup_file("4-5-3-softmax-ce-l2.json");
    char ids[8][16];
    const char *idp[8];
    size_t n = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", req_cases[_i].given);
    for (char *tok = strtok(buf, ","); tok && n < 8; tok = strtok(NULL, ",")) {
        snprintf(ids[n], sizeof ids[n], "%s", tok);
        idp[n] = ids[n];
        n++;
    }
    bs_grads_file *g = own_values(&f, idp, n, req_cases[_i].wrong);
    bs_compare_opts o = bs_compare_defaults();
    o.only = req_cases[_i].only;
    bs_compare_result *r = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_compare_run(f.t, g, &o, &r, &err), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), req_cases[_i].agrees);
    ck_assert_uint_eq(r->n_missing, req_cases[_i].missing);
    size_t marked = 0;
    for (size_t j = 0; j < r->nsteps; j++) {
        marked += (size_t)r->steps[j].missing;
        if (r->steps[j].missing)
            ck_assert_int_eq(r->steps[j].status, BS_CMP_NOT_GIVEN);
    }
    ck_assert_uint_eq(marked, req_cases[_i].missing);
    if (req_cases[_i].wrong)
        ck_assert_int_eq(r->steps[3].status, BS_CMP_DISAGREES); /* g[2b] */
    /* the reports name what is missing */
    bs_sink s = bs_sink_buffer();
    bs_compare_json(&s, r);
    ck_assert_ptr_nonnull(s.buf);
    char want[160];
    snprintf(want, sizeof want, "\"missing\": %s", req_cases[_i].missing_names);
    ck_assert_msg(strstr(s.buf, want) != NULL, "JSON lacks %s: %s", want, s.buf);
    bs_sink_free_buffer(&s);
    s = bs_sink_buffer();
    bs_compare_text(&s, r);
    ck_assert_ptr_nonnull(s.buf);
    if (req_cases[_i].missing) {
        ck_assert_ptr_nonnull(strstr(s.buf, "MISSING (required)"));
        ck_assert_ptr_nonnull(strstr(s.buf, "\nmissing: g["));
        ck_assert_ptr_null(strstr(s.buf, "verdict: all"));
    } else {
        ck_assert_ptr_null(strstr(s.buf, "MISSING"));
    }
    bs_sink_free_buffer(&s);
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* --only naming something that is not a backward step of the network */
static const struct {
    const char *only;
    const char *phrase;
} bad_only[] = {
    {"dW3", "\"dW3\" is not a backward step of this network (did you mean \"dW2\"?)"},
    {"dW2,g[2x]", "\"g[2x]\" is not a backward step"},
    {"loss", "\"loss\" is not a backward step"},
    {"dW2,dL/dW0", "\"dL/dW0\" is not a backward step"},
    {" , ", "names no step"},
};

START_TEST(test_only_bad)
{
    fixture f = setup_file("4-5-3-softmax-ce-l2.json");
    const char *ids[] = {"g[2W]", "g[2b]"};
    bs_grads_file *g = own_values(&f, ids, 2, NULL);
    bs_compare_opts o = bs_compare_defaults();
    o.only = bad_only[_i].only;
    bs_compare_result *r = (bs_compare_result *)1;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_compare_run(f.t, g, &o, &r, &err), BS_ERR_USAGE);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(err.where, "--only");
    ck_assert_str_eq(err.file, "");
    ck_assert_msg(strstr(err.message, bad_only[_i].phrase) != NULL, "message: %s", err.message);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* ---- non-finite values never agree --------------------------------------- */

static const struct {
    double p, b;
    int close;
} close_cases[] = {
    {INFINITY, INFINITY, 0}, {-INFINITY, -INFINITY, 0}, {NAN, NAN, 0},     {5, INFINITY, 0},
    {0, INFINITY, 0},        {-1e308, INFINITY, 0},     {INFINITY, 5, 0},  {0, NAN, 0},
    {NAN, 0, 0},             {1, 1 + 1e-7, 1},          {0, 1e-10, 1},     {1, 1.1, 0},
};

START_TEST(test_close_nonfinite)
{
    ck_assert_int_eq(bs_compare_close(close_cases[_i].p, close_cases[_i].b, 1e-6, 1e-9),
                     close_cases[_i].close);
    /* however loose the tolerance */
    if (!isfinite(close_cases[_i].p) || !isfinite(close_cases[_i].b))
        ck_assert_int_eq(bs_compare_close(close_cases[_i].p, close_cases[_i].b, 1.0, INFINITY),
                         0);
}
END_TEST

/* One saturated sigmoid under bce: z = 1·1000 + 0, ŷ = σ(1000) = 1 in double,
 * y = 0, so by hand g[1a] = (ŷ − y)/(ŷ(1 − ŷ)) = 1/0 = +inf, while g[1z] =
 * ŷ − y = 1, g[1W] = a[0]ᵀ g[1z] = 1 and g[1b] = 1 are finite. */
static const char *const SATURATED =
    "{\"layers\": [1, 1], \"activations\": [\"sigmoid\"], \"loss\": \"bce\","
    " \"params\": {\"W1\": [[1000]], \"b1\": [0]}, \"x\": [1], \"y\": [0]}";

static const double sat_answers[] = {5, 0, -1, -1e308, 1e308};

START_TEST(test_nonfinite_reference)
{
    fixture f = setup_text(SATURATED);
    ck_assert(isinf(step(&f, "g[1a]")->value[0]));
    char json[256];
    snprintf(json, sizeof json, "{\"da1\": [[%.17g]], \"dz1\": [[1]], \"dW1\": [[1]], "
                                "\"db1\": [1]}",
             sat_answers[_i]);
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_load_string(json, strlen(json), "g.json", f.t, &g, NULL), BS_OK);
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, NULL), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 0);
    ck_assert_int_eq(r->steps[0].status, BS_CMP_DISAGREES);
    ck_assert_int_eq(r->steps[0].single_precision, 0);
    ck_assert_int_eq(r->steps[0].reference_nonfinite, 1);
    ck_assert_int_eq(r->steps[0].mistake, -1);
    ck_assert_ptr_nonnull(strstr(r->steps[0].diagnosis, "backstep's da1 is not finite"));
    ck_assert_int_eq(r->first, 0);
    for (size_t j = 1; j < 4; j++)
        ck_assert_int_eq(r->steps[j].status, BS_CMP_AGREES);
    /* the JSON report is JSON: no bare inf or nan */
    bs_sink s = bs_sink_buffer();
    bs_compare_json(&s, r);
    ck_assert_ptr_nonnull(s.buf);
    cJSON *root = NULL;
    ck_assert_msg(bs_json_parse(s.buf, s.len, 64, &root, NULL) == BS_OK, "not JSON: %s", s.buf);
    cJSON_Delete(root);
    ck_assert_ptr_nonnull(strstr(s.buf, "\"backstep\": \"Infinity\""));
    ck_assert_ptr_nonnull(strstr(s.buf, "\"max_abs_difference\": \"Infinity\""));
    bs_sink_free_buffer(&s);
    bs_compare_result_free(r);
    bs_grads_file_free(g);

    /* the quiz's check: any answer to g[1a] is wrong, the right g[1z] right */
    bs_compare_step st;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_compare_answer(f.t, "g[1a]", &sat_answers[_i], 1, 1, NULL, &st, &err),
                     BS_OK);
    ck_assert_int_eq(st.status, BS_CMP_DISAGREES);
    double one = 1.0;
    ck_assert_int_eq(bs_compare_answer(f.t, "g[1z]", &one, 1, 1, NULL, &st, &err), BS_OK);
    ck_assert_int_eq(st.status, BS_CMP_AGREES);
    teardown(&f);
}
END_TEST

/* ---- a diagnosis the file's own steps contradict is never made ----------- */

/* Seven sigmoid layers (tests/compare-7-sigmoid.json): the gradients of the
 * first layers are small.  A file with the trace's own parameter gradients
 * (or every step) but dW1 and db1 zeroed: a mistake above dW1 that makes it
 * nearly zero (relu's derivative in a deep dz) would change dW and db of the
 * layers in between too, which the file gives right; no such mistake may be
 * named.  A sign flipped in dz7, carried down to every layer, still is. */
START_TEST(test_deep_diagnosis_consistent)
{
    fixture f = setup_file("../tests/compare-7-sigmoid.json");
    int params_only = _i % 2, flip = _i / 2;
    bs_grads_file *g = NULL;
    ck_assert_int_eq(bs_grads_file_create(f.t, &g, NULL), BS_OK);
    for (size_t i = 0; i < f.t->nsteps; i++) {
        const bs_step *s = &f.t->steps[i];
        if (s->kind != BS_STEP_BACKWARD ||
            (params_only && s->qty != BS_Q_W && s->qty != BS_Q_B))
            continue;
        double v[16];
        ck_assert_uint_le(s->rows * s->cols, 16);
        for (size_t k = 0; k < s->rows * s->cols; k++)
            v[k] = flip ? -s->value[k] : s->layer == 1 && s->qty != BS_Q_A && s->qty != BS_Q_Z
                                             ? 0.0
                                             : s->value[k];
        ck_assert_int_eq(bs_grads_file_set(g, s->id, v, s->rows, s->cols, NULL), BS_OK);
    }
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, NULL), BS_OK);
    ck_assert_int_eq(bs_compare_agrees(r), 0);
    ck_assert_int_ge(r->first, 0);
    const bs_compare_step *first = &r->steps[r->first];
    if (flip) {
        ck_assert_msg(first->mistake == BS_MISTAKE_SIGN, "%s: %s", first->name, first->diagnosis);
    } else {
        ck_assert_str_eq(first->id, "g[1W]");
        for (size_t j = 0; j < r->nsteps; j++)
            ck_assert_msg(r->steps[j].mistake < 0, "%s: %s", r->steps[j].name,
                          r->steps[j].diagnosis);
    }
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* ---- conventions, from gradient files worked by hand ------------------
 *
 * One linear unit, ŷ = x W1 + b1, mse ½ Σ (ŷ − y)², on x = [[1, 2], [3, 4]],
 * y = [1, 2], W1 = [[1], [0]], b1 = 0: ŷ = [1, 3], ŷ − y = [0, 1]; for
 * the batch sum dz1 = [0, 1], dW1 = xᵀ dz1 = [[3], [4]], db1 = [1]; for the
 * mean, half of each.  The relu case: one relu unit, W1 = [[1]], b1 = 0, x = [[0], [1]],
 * y = [1, 1], sum: z1 = [0, 1], ŷ − y = [−1, 0] = da1; backstep's
 * dz1 = relu'(z1) ∘ da1 = [0, 0] (relu'(0) = 0), relu'(0) = 1 gives [−1, 0],
 * db1 = −1 instead of 0, dW1 = 0·(−1) + 1·0 = 0 both ways. */
#define LIN(red)                                                                       \
    "{\"layers\": [2, 1], \"activations\": [\"identity\"], \"loss\": \"mse\","              \
    " \"batch_reduction\": \"" red "\", \"params\": {\"W1\": [[1], [0]],"                  \
    " \"b1\": [0]}, \"x\": [[1, 2], [3, 4]], \"y\": [1, 2]}"
/* Two linear units that fit the batch exactly: W1 = I, b1 = [1, 1],
 * x = [[1, 2], [3, 4]], y = x + 1, so dz1 = 0, and with λ = 0.5 (sum)
 * dW1 = 2λ W1 = I and db1 = [0, 0]. */
#define LIN2                                                                                  \
    "{\"layers\": [2, 2], \"activations\": [\"identity\"], \"loss\": \"mse\","              \
    " \"batch_reduction\": \"sum\", \"l2\": 0.5, \"params\": {\"W1\": [[1, 0], [0, 1]],"    \
    " \"b1\": [1, 1]}, \"x\": [[1, 2], [3, 4]], \"y\": [[2, 3], [4, 5]]}"
#define RELU1                                                                                 \
    "{\"layers\": [1, 1], \"activations\": [\"relu\"], \"loss\": \"mse\","                  \
    " \"batch_reduction\": \"sum\", \"params\": {\"W1\": [[1]], \"b1\": [0]},"                \
    " \"x\": [[0], [1]], \"y\": [1, 1]}"

static const struct {
    const char *spec, *grads;
    const char *key;   /* the one convention expected, or NULL for none */
    double factor;     /* its factor */
    int verdict;       /* bs_compare_verdict_kind */
} conv_cases[] = {
    /* a program that sums (dW = [[3], [4]]) on a spec that averages: B = 2 */
    {LIN("mean"), "{\"dW1\": [[3], [4]], \"db1\": [1]}", "factor", 2.0,
     BS_VERDICT_CONVENTION},
    /* ... and its loss the batch sum, ½(0 + 1) = 0.5: the same scale */
    {LIN("mean"), "{\"loss\": 0.5, \"dW1\": [[3], [4]], \"db1\": [1]}", "factor", 2.0,
     BS_VERDICT_CONVENTION},
    /* ... but its loss the mean, 0.25: its gradients are not its loss's */
    {LIN("mean"), "{\"loss\": 0.25, \"dW1\": [[3], [4]], \"db1\": [1]}", "factor",
     2.0, BS_VERDICT_DISAGREES},
    /* a program that averages on a spec that sums: 1/B */
    {LIN("sum"), "{\"dW1\": [[1.5], [2]], \"db1\": [0.5]}", "factor", 0.5,
     BS_VERDICT_CONVENTION},
    /* (ŷ − y)² without the ½: 2 × on a summing spec */
    {LIN("sum"), "{\"dW1\": [[6], [8]], \"db1\": [2]}", "factor", 2.0,
     BS_VERDICT_CONVENTION},
    /* a sign flipped is a bug, not a factor of −1 */
    {LIN("sum"), "{\"dW1\": [[-3], [-4]], \"db1\": [-1]}", NULL, 0, BS_VERDICT_DISAGREES},
    /* 3 × with no loss given: no known convention */
    {LIN("sum"), "{\"dW1\": [[9], [12]], \"db1\": [3]}", NULL, 0, BS_VERDICT_DISAGREES},
    /* the right values, the bias gradient as a column: it agrees */
    {LIN("sum"), "{\"dW1\": [[3], [4]], \"db1\": [[1]]}", NULL, 0, BS_VERDICT_AGREES},
    /* reg·ΣW² with reg = 2λ = 1: dW = data + 2 W1 = [[2, 0], [0, 2]], μ = 2 */
    {LIN2, "{\"dW1\": [[2, 0], [0, 2]], \"db1\": [0, 0]}", "l2-scale", 2.0,
     BS_VERDICT_CONVENTION},
    /* λ W instead of 2λ W is the catalogue's, not a convention */
    {LIN2, "{\"dW1\": [[0.5, 0], [0, 0.5]], \"db1\": [0, 0]}", NULL, 0, BS_VERDICT_DISAGREES},
    /* the biases penalised with the same λ: db = 0 + 2λ b = [1, 1] */
    {LIN2, "{\"dW1\": [[1, 0], [0, 1]], \"db1\": [1, 1]}", "bias-penalised", 1.0,
     BS_VERDICT_CONVENTION},
    /* relu'(0) = 1: dz1 = [−1, 0], db1 = −1; accepted */
    {RELU1, "{\"da1\": [[-1], [0]], \"dz1\": [[-1], [0]], \"dW1\": [[0]], \"db1\": [-1]}",
     "relu-kink", 1.0, BS_VERDICT_AGREES},
    /* relu'(0) = 1 claimed where da1 was 0 is no kink: dz1 = [0, 5] is a bug */
    {RELU1, "{\"da1\": [[-1], [0]], \"dz1\": [[0], [5]], \"dW1\": [[5]], \"db1\": [5]}", NULL, 0,
     BS_VERDICT_DISAGREES},
};

START_TEST(test_conventions_by_hand)
{
    fixture f = setup_text(conv_cases[_i].spec);
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    bs_error err;
    bs_error_clear(&err);
    const char *json = conv_cases[_i].grads;
    ck_assert_msg(bs_compare_load_string(json, strlen(json), "g.json", f.t, &g, &err) == BS_OK,
                  "%s: %s", err.where, err.message);
    ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, &err), BS_OK);
    if (conv_cases[_i].key) {
        ck_assert_msg(r->nconv == 1, "case %d: %zu conventions", _i, r->nconv);
        ck_assert_str_eq(r->conv[0].key, conv_cases[_i].key);
        ck_assert_msg(fabs(r->conv[0].factor - conv_cases[_i].factor) < 1e-9,
                      "case %d: factor %g", _i, r->conv[0].factor);
        ck_assert_msg(r->conv[0].says[0] && r->conv[0].change[0], "case %d: no words", _i);
    } else {
        ck_assert_msg(r->nconv == 0, "case %d: %s", _i, r->nconv ? r->conv[0].says : "");
    }
    ck_assert_int_eq(bs_compare_verdict(r), conv_cases[_i].verdict);
    ck_assert_int_eq(bs_compare_agrees(r), conv_cases[_i].verdict == BS_VERDICT_AGREES);
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    teardown(&f);
}
END_TEST

/* Every matrix of the 4-5-3 network (no square one) given transposed (backstep's own values, laid out
 * the other way): one finding, every step explained, and every vector (the
 * bias gradients) agrees; only the weight gradients transposed: the
 * parameters' finding; one transposed: the catalogue's transpose. */
START_TEST(test_conventions_transposed)
{
    fixture f = setup_file("4-5-3-softmax-ce-l2.json");
    size_t n = bs_backward_nsteps(f.net);
    for (int which = 0; which < 3; which++) {
        bs_grads_file *g = NULL;
        bs_compare_result *r = NULL;
        ck_assert_int_eq(bs_grads_file_create(f.t, &g, NULL), BS_OK);
        int nw = 0;
        for (size_t j = 0; j < n; j++) {
            bs_mat m = bs_backward_value(f.net, f.t->grads, j);
            bs_qty q;
            size_t l;
            bs_backward_step_of(f.net, j, &q, &l);
            double v[64];
            int turn = q == BS_Q_B ? 0 : which == 0 ? 1 : q == BS_Q_W && (which == 1 || nw++ == 0);
            for (size_t a = 0; a < m.rows; a++)
                for (size_t c = 0; c < m.cols; c++)
                    v[turn ? c * m.rows + a : a * m.cols + c] = m.v[a * m.cols + c];
            char name[24];
            bs_name_grad(name, sizeof name, q, l, BS_NOTATION_CODE);
            ck_assert_int_eq(bs_grads_file_set(g, name, v, turn ? m.cols : m.rows,
                                               turn ? m.rows : m.cols, NULL),
                             BS_OK);
        }
        ck_assert_int_eq(bs_compare_run(f.t, g, NULL, &r, NULL), BS_OK);
        if (which < 2) {
            ck_assert_uint_eq(r->nconv, 1);
            ck_assert_str_eq(r->conv[0].key, which == 0 ? "transposed" : "params-transposed");
            ck_assert_int_eq(bs_compare_verdict(r), BS_VERDICT_CONVENTION);
        } else {
            ck_assert_uint_eq(r->nconv, 0);
            ck_assert_int_eq(bs_compare_verdict(r), BS_VERDICT_DISAGREES);
        }
        for (size_t j = 3; j < n; j += 4)
            ck_assert_int_eq(r->steps[j].status, BS_CMP_AGREES);
        bs_compare_result_free(r);
        bs_grads_file_free(g);
    }
    teardown(&f);
}
END_TEST

Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_load_column_shapes);
    tcase_add_test(tc, test_grads_file_api);
    tcase_add_test(tc, test_loss_notes);
    suite_add_tcase(s, tc);
    tc = tcase_create("catalogue");
    tcase_add_loop_test(tc, test_catalogue_mistake, 0, BS_MISTAKE_COUNT);
    tcase_add_test(tc, test_wrong_formula_own_a);
    tcase_add_loop_test(tc, test_deep_diagnosis_consistent, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("required");
    tcase_add_loop_test(tc, test_required_steps, 0,
                        (int)(sizeof req_cases / sizeof req_cases[0]));
    tcase_add_loop_test(tc, test_only_bad, 0, (int)(sizeof bad_only / sizeof bad_only[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("nonfinite");
    tcase_add_loop_test(tc, test_close_nonfinite, 0,
                        (int)(sizeof close_cases / sizeof close_cases[0]));
    tcase_add_loop_test(tc, test_nonfinite_reference, 0,
                        (int)(sizeof sat_answers / sizeof sat_answers[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("conventions");
    tcase_add_loop_test(tc, test_conventions_by_hand, 0,
                        (int)(sizeof conv_cases / sizeof conv_cases[0]));
    tcase_add_test(tc, test_conventions_transposed);
    suite_add_tcase(s, tc);
    tc = tcase_create("correct");
    tcase_add_loop_test(tc, test_correct_never_diagnosed, 0,
                        (int)(2 * sizeof SHIPPED / sizeof SHIPPED[0]));
    suite_add_tcase(s, tc);
    return s;
}
