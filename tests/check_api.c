/* check_api.c — libbackstep's public interface (backstep.h): errors as values
 * with their place, values by name in every notation against the trace and
 * against numbers computed independently (NumPy, see test_values_worked_by_hand),
 * comparisons with planted mistakes named by
 * their catalogue key (and reported as `backstep compare` reports them),
 * rendering to memory equal to rendering to a FILE * and to a file written
 * atomically (through a symbolic link, never over the spec), and _free(NULL);
 * and what the command line needs of it: limits, the check's settings and
 * their validation (steps worked by hand), colour that only adds escapes,
 * reports in TAP and JUnit, gradient files, required steps, a convention
 * built by construction, and one example's run against the algebra of the
 * batch mean; and the rest of the command line's needs: a sweep's orders of
 * truncation error, a scaffold's shape and rounding, step and quiz sessions
 * fed line by line, an exercise set built from a class list and extended,
 * and the atomic writer with a callback and the output check. */
#define _XOPEN_SOURCE 700
#include "backstep.h"

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_check.h"
#include "bs_compare.h"
#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static bs_spec *spec_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    bs_spec *spec = NULL;
    bs_lib_error err;
    bs_lib_status st = bs_spec_load_file(path, &spec, &err);
    ck_assert_msg(st == BS_LIB_OK, "%s: %s: %s", path, err.where, err.message);
    ck_assert_int_eq(err.status, BS_LIB_OK);
    return spec;
}

static bs_run *run_of(const bs_spec *spec)
{
    bs_run *run = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_run_create(spec, &run, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(run);
    return run;
}

/* The internal trace of the same spec, built independently of the API. */
static bs_trace *internal_trace(const char *name, bs_net **net)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    ck_assert_int_eq(bs_net_load_file(path, NULL, net, NULL), BS_OK);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(*net, &t, NULL), BS_OK);
    return t;
}

static bs_step_info find(const bs_run *run, const char *name)
{
    bs_step_info v;
    bs_lib_error err;
    bs_lib_status st = bs_run_find(run, name, &v, &err);
    ck_assert_msg(st == BS_LIB_OK, "%s: %s", name, err.message);
    return v;
}

/* ---- errors as values ---------------------------------------------------- */

START_TEST(test_syntax_error_has_place)
{
    const char text[] = "{\n  \"layers\": [1, 1]\n  \"x\": 1}";
    bs_spec *spec = (bs_spec *)1;
    bs_lib_error err;
    bs_lib_status st = bs_spec_load_string(text, strlen(text), "bad.json", &spec, &err);
    ck_assert_int_eq(st, BS_LIB_ERR_SYNTAX);
    ck_assert_int_eq(err.status, BS_LIB_ERR_SYNTAX);
    ck_assert_ptr_null(spec);
    ck_assert_str_eq(err.file, "bad.json");
    /* line 3, column 3: the quote of "x" where a ',' or '}' belongs */
    ck_assert_str_eq(err.where, "3:3");
    ck_assert_ptr_nonnull(strstr(err.message, "expected ',' or '}'"));
    char line[1024];
    bs_lib_error_line(&err, line, sizeof line);
    ck_assert_int_eq(strncmp(line, "bad.json:3:3: expected ',' or '}'", 33), 0);
    ck_assert_str_eq(bs_lib_status_name(st), "syntax error");
}
END_TEST

START_TEST(test_spec_error_has_path)
{
    /* W1 must be 2×1 (2 inputs × 1 output in the row convention) */
    const char text[] = "{\"layers\": [2, 1], \"activations\": \"identity\", \"loss\": \"mse\","
                        " \"params\": {\"W1\": [[1, 2]], \"b1\": [0]}, \"x\": [1, 2], \"y\": [0]}";
    bs_spec *spec = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_spec_load_string(text, strlen(text), NULL, &spec, &err),
                     BS_LIB_ERR_SPEC);
    ck_assert_ptr_null(spec);
    ck_assert_str_eq(err.file, "<string>");
    ck_assert_str_eq(err.where, "params.W1");
    ck_assert_ptr_nonnull(strstr(err.message, "2×1"));
    /* and a NULL error pointer is allowed */
    ck_assert_int_eq(bs_spec_load_string(text, strlen(text), NULL, &spec, NULL), BS_LIB_ERR_SPEC);
}
END_TEST

START_TEST(test_missing_file_is_io_error)
{
    bs_spec *spec = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_spec_load_file("/nonexistent/dir/spec.json", &spec, &err),
                     BS_LIB_ERR_IO);
    ck_assert_ptr_null(spec);
    ck_assert_str_eq(err.file, "/nonexistent/dir/spec.json");
    ck_assert_int_gt((int)strlen(err.message), 0);
}
END_TEST

START_TEST(test_usage_errors)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    bs_step_info v;
    ck_assert_int_eq(bs_run_find(run, "dz7", &v, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "dz7");
    ck_assert_ptr_nonnull(strstr(err.message, "from 1 to 3"));
    ck_assert_int_eq(bs_run_find(run, "W0", &v, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_run_find(run, "q2", &v, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_run_step(run, bs_run_step_count(run), &v, &err), BS_LIB_ERR_USAGE);
    bs_render_settings rs = bs_render_settings_default();
    rs.format = "jsn";
    char *text = (char *)1;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(text);
    ck_assert_str_eq(err.message, "unknown format \"jsn\" (did you mean \"json\"?)");
    bs_check_settings cs = bs_check_settings_default();
    cs.method = "centrall";
    ck_assert_int_eq(bs_run_check(run, &cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.message, "unknown method \"centrall\" (did you mean \"central\"?)");
    ck_assert_int_eq(bs_run_passed(run), -1);
    char buf[64];
    ck_assert_int_eq(bs_run_verdict(run, NULL, buf, sizeof buf, &err), BS_LIB_ERR_USAGE);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- values by name in every notation ------------------------------------ */

/* The names of one backward step in every notation the API reads. */
static const char *const notations[][6] = {
    {"g[3a]", "da3", "dL/da3", "dL/da[3]", "∂L/∂a[3]", "g[3a]"},
    {"g[3z]", "dz3", "dL/dz3", "dL/dz[3]", "∂L/∂z[3]", "g[3z]"},
    {"g[3W]", "dW3", "dL/dW3", "dL/dw[3]", "∂L/∂W[3]", "g[3W]"},
    {"g[3b]", "db3", "dL/db3", "dL/db[3]", "∂L/∂b[3]", "g[3b]"},
    {"g[2a]", "da2", "dL/da2", "dL/da[2]", "∂L/∂a[2]", "g[2a]"},
    {"g[2z]", "dz2", "dL/dz2", "dL/dz[2]", "∂L/∂z[2]", "g[2z]"},
    {"g[2W]", "dW2", "dL/dW2", "dL/dW[2]", "∂L/∂W[2]", "g[2W]"},
    {"g[2b]", "db2", "dL/db2", "dL/db[2]", "∂L/∂b[2]", "g[2b]"},
    {"g[1a]", "da1", "dL/da1", "dL/da[1]", "∂L/∂a[1]", "g[1a]"},
    {"g[1z]", "dz1", "dL/dz1", "dL/dz[1]", "∂L/∂z[1]", "g[1z]"},
    {"g[1W]", "dW1", "dL/dW1", "dL/dW[1]", "∂L/∂W[1]", "g[1W]"},
    {"g[1b]", "db1", "dL/db1", "dL/db[1]", "∂L/∂b[1]", "g[1b]"},
    /* forward values: the canonical id, then other names */
    {"a[0]", "x", "X", "a0", "a[0]", "a[0]"},
    {"z[1]", "z1", "z[1]", "z 1", "z1", "z[1]"},
    {"a[2]", "a2", "a[2]", "a2", "a[2]", "a[2]"},
    {"a[3]", "yhat", "ŷ", "a3", "a[3]", "a[3]"},
    {"y", "y", "Y", "y", "y", "y"},
    {"L", "loss", "L", "loss", "L", "L"},
};

START_TEST(test_every_notation_reads_the_trace)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_net *net = NULL;
    bs_trace *t = internal_trace("4-3-2-1-bce.json", &net);
    const char *const *names = notations[_i];
    const bs_step *st = bs_trace_find(t, names[0]);
    ck_assert_ptr_nonnull(st);
    for (int k = 0; k < 5; k++) {
        bs_step_info v = find(run, names[k]);
        ck_assert_str_eq(v.id, names[5]);
        ck_assert_int_eq(v.gradient, st->kind == BS_STEP_BACKWARD);
        ck_assert_uint_eq(v.rows, st->rows);
        ck_assert_uint_eq(v.cols, st->cols);
        for (size_t e = 0; e < st->rows * st->cols; e++)
            ck_assert_double_eq(v.value[e], st->value[e]);
        ck_assert_ptr_null(v.numeric);
        ck_assert_int_eq(v.passed, -1);
    }
    bs_trace_free(t);
    bs_net_free(net);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Handout 001's network (specs/4-3-2-1-bce.json): g[3z] = ŷ − y, g[2z], g[3W],
 * g[1a].  The handout is symbolic and prints no numbers; the expected values
 * were computed with NumPy from the spec's weights, independently of
 * backstep (a = 1/(1 + e^(−z)) row by row, g[3a] = −y/a[3] + (1 − y)/(1 − a[3]),
 * g[nz] = a(1 − a) ∘ g[na], g[nW] = (a[n−1])ᵀ g[nz], g[(n−1)a] = g[nz] (W[n])ᵀ),
 * and the identities beside them are the handout's own formulas. */
START_TEST(test_values_worked_by_hand)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_step_info yhat = find(run, "yhat"), y = find(run, "y"), dz3 = find(run, "dz3");
    ck_assert_double_eq(dz3.value[0], yhat.value[0] - y.value[0]);
    ck_assert_double_eq_tol(dz3.value[0], -0.411863, 5e-7);
    bs_step_info dz2 = find(run, "∂L/∂z[2]");
    ck_assert_uint_eq(dz2.rows, 1);
    ck_assert_uint_eq(dz2.cols, 2);
    ck_assert_double_eq_tol(dz2.value[0], -0.0701426, 5e-8);
    ck_assert_double_eq_tol(dz2.value[1], 0.0308882, 5e-8);
    /* g[3W] = (a[2])ᵀ · g[3z] */
    bs_step_info a2 = find(run, "a2"), dW3 = find(run, "g[3W]");
    ck_assert_uint_eq(dW3.rows, 2);
    ck_assert_double_eq_tol(dW3.value[0], a2.value[0] * dz3.value[0], 1e-15);
    ck_assert_double_eq_tol(dW3.value[1], a2.value[1] * dz3.value[0], 1e-15);
    ck_assert_double_eq_tol(dW3.value[1], -0.207383, 5e-7);
    /* g[1a] = g[2z] · (W[2])ᵀ with the spec's W2 */
    bs_step_info W2 = find(run, "W2"), da1 = find(run, "dL/da1");
    ck_assert_uint_eq(W2.rows, 3);
    ck_assert_uint_eq(W2.cols, 2);
    ck_assert_double_eq(W2.value[0], 0.3);
    ck_assert_double_eq(W2.value[1], -0.4);
    ck_assert_double_eq_tol(da1.value[0], 0.3 * dz2.value[0] - 0.4 * dz2.value[1], 1e-15);
    ck_assert_double_eq_tol(da1.value[0], -0.0333981, 5e-8);
    ck_assert_double_eq(bs_run_loss(run), find(run, "loss").value[0]);
    ck_assert_double_eq_tol(bs_run_loss(run), -log(yhat.value[0]), 1e-15);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Parameters come back as the spec writes them, in either convention. */
START_TEST(test_params_as_written)
{
    bs_spec *spec = spec_file("2-3-3-2-leaky-relu-bce.json"); /* column convention */
    bs_run *run = run_of(spec);
    static const double W1[] = {0.8, -0.5, -0.6, 0.4, 0.3, 0.9};
    static const double b1[] = {0.1, -0.2, 0.05};
    bs_step_info w = find(run, "W[1]");
    ck_assert_str_eq(w.id, "W[1]");
    ck_assert_uint_eq(w.rows, 3);
    ck_assert_uint_eq(w.cols, 2);
    for (size_t e = 0; e < 6; e++)
        ck_assert_double_eq(w.value[e], W1[e]);
    bs_step_info b = find(run, "b1");
    ck_assert_uint_eq(b.rows, 3);
    ck_assert_uint_eq(b.cols, 1);
    for (size_t e = 0; e < 3; e++)
        ck_assert_double_eq(b.value[e], b1[e]);
    /* the gradient has the parameter's displayed shape */
    bs_step_info g = find(run, "dW1");
    ck_assert_uint_eq(g.rows, 3);
    ck_assert_uint_eq(g.cols, 2);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_step_names_and_order)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    /* a[0], y, z[1..3], a[1..3], L, then 4 backward steps per layer */
    ck_assert_uint_eq(bs_run_step_count(run), 2 + 2 * 3 + 1 + 4 * 3);
    bs_step_info v;
    bs_lib_error err;
    size_t first = 0;
    while (bs_run_step(run, first, &v, &err) == BS_LIB_OK && !v.gradient)
        first++;
    ck_assert_str_eq(v.id, "g[3a]");
    char buf[32];
    ck_assert_int_eq(bs_run_step_name(run, first + 5, "code", buf, sizeof buf, &err), BS_LIB_OK);
    ck_assert_str_eq(buf, "dz2");
    ck_assert_int_eq(bs_run_step_name(run, first + 5, "partial", buf, sizeof buf, &err),
                     BS_LIB_OK);
    ck_assert_str_eq(buf, "∂L/∂z[2]");
    ck_assert_int_eq(bs_run_step_name(run, first + 5, NULL, buf, sizeof buf, &err), BS_LIB_OK);
    ck_assert_str_eq(buf, "g[2z]");
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- the check ------------------------------------------------------------ */

START_TEST(test_check_fills_numeric)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 1);
    for (size_t k = 0; k < 12; k++) {
        bs_step_info v = find(run, notations[k][1]);
        ck_assert_ptr_nonnull(v.numeric);
        ck_assert_uint_eq(v.n_compared, v.rows * v.cols);
        ck_assert_int_eq(v.passed, 1);
        for (size_t e = 0; e < v.rows * v.cols; e++)
            ck_assert_double_eq_tol(v.numeric[e], v.value[e], 1e-6 * fabs(v.value[e]) + 1e-9);
    }
    char line[256];
    ck_assert_int_eq(bs_run_verdict(run, "code", line, sizeof line, &err), BS_LIB_OK);
    ck_assert_int_eq(strncmp(line, "PASS  38 of 38 elements compared (central)", 42), 0);
    /* the complex step agrees to far tighter tolerances */
    bs_check_settings cs = bs_check_settings_default();
    cs.method = "complex";
    ck_assert_int_eq(bs_run_check(run, &cs, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 1);
    bs_step_info dz2 = find(run, "dz2");
    ck_assert_double_eq_tol(dz2.numeric[0], dz2.value[0], 1e-12 * fabs(dz2.value[0]));
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* A spec whose claim is wrong fails the check: passed is 0, not an error. */
START_TEST(test_check_failure_is_a_value)
{
    const char text[] = "{\"layers\": [1, 1], \"activations\": \"identity\", \"loss\": \"mse\","
                        " \"params\": {\"W1\": [[2]], \"b1\": [0]}, \"x\": [1], \"y\": [0],"
                        " \"claims\": {\"dz1\": 5}}";
    bs_spec *spec = NULL;
    bs_run *run = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_spec_load_string(text, strlen(text), "claim.json", &spec, &err),
                     BS_LIB_OK);
    ck_assert_int_eq(bs_run_create(spec, &run, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 0);
    /* L = ½(2·1 − 0)², so dz1 = ŷ − y = 2, not 5 */
    ck_assert_double_eq(find(run, "dz1").value[0], 2.0);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- comparing another program's gradients --------------------------------- */

/* Gives every backward step of `run` as backstep computes it, except that
 * step `bad` (a code name) gets `wrong`. */
static bs_grad_set *give_all(const bs_run *run, const char *bad, const double *wrong)
{
    bs_grad_set *set = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_grad_set_create(run, &set, &err), BS_LIB_OK);
    bs_step_info v;
    for (size_t i = 0; bs_run_step(run, i, &v, NULL) == BS_LIB_OK; i++) {
        if (!v.gradient)
            continue;
        char name[32];
        ck_assert_int_eq(bs_run_step_name(run, i, "code", name, sizeof name, NULL), BS_LIB_OK);
        const double *values = bad && strcmp(name, bad) == 0 ? wrong : v.value;
        bs_lib_status st = bs_grad_set_put(set, name, values, v.rows, v.cols, &err);
        ck_assert_msg(st == BS_LIB_OK, "%s: %s", name, err.message);
    }
    return set;
}

START_TEST(test_compare_agrees)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_grad_set *set = give_all(run, NULL, NULL);
    bs_comparison *cmp = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_run_compare(run, set, NULL, &cmp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_agrees(cmp), 1);
    ck_assert_int_eq(bs_comparison_first(cmp), -1);
    ck_assert_uint_eq(bs_comparison_step_count(cmp), 12);
    bs_compared_step s;
    ck_assert_int_eq(bs_comparison_find(cmp, "g[1W]", &s, &err), BS_LIB_OK);
    ck_assert_int_eq(s.outcome, BS_OUTCOME_AGREES);
    ck_assert_str_eq(s.name, "dW1"); /* the notation of the first name given */
    ck_assert_uint_eq(s.n_elements, 12);
    ck_assert_ptr_null(s.mistake);
    bs_comparison_free(cmp);
    bs_grad_set_free(set);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Planted mistakes, each computed here from backstep's own values. */
typedef struct plant {
    const char *spec, *step, *key;
} plant;

static const plant plants[] = {
    {"4-3-2-1-bce.json", "dz2", "no-derivative"}, /* dz2 = da2, σ'(z2) left out */
    {"4-3-2-1-bce.json", "dW2", "sign"},          /* dW2 negated */
    {"4-5-3-softmax-ce-l2.json", "dz2", "no-1/B"}, /* dz2 without the 1/B of the mean */
};

START_TEST(test_compare_names_planted_mistake)
{
    const plant *p = &plants[_i];
    bs_spec *spec = spec_file(p->spec);
    bs_run *run = run_of(spec);
    bs_step_info v = find(run, p->step);
    double *wrong = malloc(sizeof(double) * v.rows * v.cols);
    ck_assert_ptr_nonnull(wrong);
    if (strcmp(p->key, "no-derivative") == 0) {
        bs_step_info da2 = find(run, "da2");
        memcpy(wrong, da2.value, sizeof(double) * v.rows * v.cols);
    } else if (strcmp(p->key, "sign") == 0) {
        for (size_t e = 0; e < v.rows * v.cols; e++)
            wrong[e] = -v.value[e];
    } else {
        size_t B = find(run, "x").rows; /* row convention: one example per row */
        ck_assert_uint_eq(B, 4);
        for (size_t e = 0; e < v.rows * v.cols; e++)
            wrong[e] = (double)B * v.value[e];
    }
    bs_grad_set *set = give_all(run, p->step, wrong);
    bs_comparison *cmp = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_run_compare(run, set, NULL, &cmp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_agrees(cmp), 0);
    long first = bs_comparison_first(cmp);
    ck_assert_int_ge(first, 0);
    bs_compared_step s, f;
    ck_assert_int_eq(bs_comparison_step(cmp, (size_t)first, &s, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_find(cmp, p->step, &f, &err), BS_LIB_OK);
    ck_assert_str_eq(s.id, f.id);
    ck_assert_str_eq(s.name, p->step);
    ck_assert_int_eq(s.outcome, BS_OUTCOME_DISAGREES);
    ck_assert_ptr_nonnull(s.mistake);
    ck_assert_str_eq(s.mistake, p->key);
    ck_assert_ptr_nonnull(s.mistake_name);
    ck_assert_ptr_nonnull(strstr(s.diagnosis, p->step));
    ck_assert_uint_eq(s.n_wrong, s.n_elements);

    /* the report is the one `backstep compare` writes for the same numbers */
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_comparison_render_string(cmp, "text", &text, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_ptr_nonnull(strstr(text, s.diagnosis));
    bs_net *net = NULL;
    bs_trace *t = internal_trace(p->spec, &net);
    bs_grads_file *g = NULL;
    ck_assert_int_eq(bs_grads_file_create(t, &g, NULL), BS_OK);
    bs_step_info e;
    for (size_t i = 0; bs_run_step(run, i, &e, NULL) == BS_LIB_OK; i++) {
        if (!e.gradient)
            continue;
        char name[32];
        bs_run_step_name(run, i, "code", name, sizeof name, NULL);
        ck_assert_int_eq(bs_grads_file_set(g, name, strcmp(name, p->step) == 0 ? wrong : e.value,
                                           e.rows, e.cols, NULL),
                         BS_OK);
    }
    bs_compare_result *r = NULL;
    ck_assert_int_eq(bs_compare_run(t, g, NULL, &r, NULL), BS_OK);
    bs_sink sink = bs_sink_buffer();
    bs_compare_text(&sink, r);
    ck_assert_str_eq(text, sink.buf);
    bs_sink_free_buffer(&sink);
    free(text);
    ck_assert_int_eq(bs_comparison_render_string(cmp, "json", &text, NULL, &err), BS_LIB_OK);
    sink = bs_sink_buffer();
    bs_compare_json(&sink, r);
    ck_assert_str_eq(text, sink.buf);
    bs_sink_free_buffer(&sink);
    free(text);

    bs_compare_result_free(r);
    bs_grads_file_free(g);
    bs_trace_free(t);
    bs_net_free(net);
    bs_comparison_free(cmp);
    bs_grad_set_free(set);
    free(wrong);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_grad_set_rejects_bad_input)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_grad_set *set = NULL;
    bs_lib_error err;
    ck_assert_int_eq(bs_grad_set_create(run, &set, &err), BS_LIB_OK);
    const double three[3] = {1, 2, 3};
    ck_assert_int_eq(bs_grad_set_put(set, "dz2", three, 1, 3, &err), BS_LIB_ERR_SPEC);
    ck_assert_str_eq(err.where, "dz2");
    ck_assert_ptr_nonnull(strstr(err.message, "expected 1×2"));
    ck_assert_int_eq(bs_grad_set_put(set, "dq2", three, 1, 3, &err), BS_LIB_ERR_SPEC);
    ck_assert_int_eq(bs_grad_set_put(set, "dz2", three, 1, 2, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_grad_set_put(set, "g[2z]", three, 1, 2, &err), BS_LIB_ERR_SPEC);
    const double inf[2] = {INFINITY, 0};
    ck_assert_int_eq(bs_grad_set_put(set, "dz1", inf, 1, 2, &err), BS_LIB_ERR_SPEC);
    /* a set belongs to the run it was created for */
    bs_run *other = run_of(spec);
    bs_comparison *cmp = (bs_comparison *)1;
    ck_assert_int_eq(bs_run_compare(other, set, NULL, &cmp, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(cmp);
    bs_compare_settings cs = bs_compare_settings_default();
    ck_assert_double_eq(cs.rtol, 1e-6);
    ck_assert_double_eq(cs.atol, 1e-9);
    cs.notation = "partial";
    ck_assert_int_eq(bs_run_compare(run, set, &cs, &cmp, &err), BS_LIB_OK);
    bs_compared_step s;
    ck_assert_int_eq(bs_comparison_find(cmp, "dz2", &s, &err), BS_LIB_OK);
    ck_assert_str_eq(s.name, "∂L/∂z[2]");
    ck_assert_int_eq(bs_comparison_find(cmp, "z2", &s, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_comparison_step(cmp, 12, &s, &err), BS_LIB_ERR_USAGE);
    bs_comparison_free(cmp);
    bs_run_free(other);
    bs_grad_set_free(set);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- rendering ------------------------------------------------------------- */

static const char *const formats[] = {"text", "json", "markdown", "latex", "html", "dot"};

START_TEST(test_render_buffer_equals_file)
{
    bs_spec *spec = spec_file("3-4-3-relu-softmax-mse.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    bs_render_settings rs = bs_render_settings_default();
    rs.format = formats[_i];
    rs.notation = "code";
    rs.terms = 1;
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &text, &len, &err), BS_LIB_OK);
    ck_assert_uint_gt(len, 100);
    ck_assert_uint_eq(len, strlen(text));
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(bs_run_render(run, fp, &rs, &err), BS_LIB_OK);
    ck_assert_int_eq((long)ftell(fp), (long)len);
    rewind(fp);
    char *back = malloc(len + 1);
    ck_assert_ptr_nonnull(back);
    ck_assert_uint_eq(fread(back, 1, len + 1, fp), len);
    back[len] = '\0';
    ck_assert_str_eq(back, text);
    fclose(fp);
    /* the same bytes the renderer writes for the trace built inside */
    bs_net *net = NULL;
    bs_trace *t = internal_trace("3-4-3-relu-softmax-mse.json", &net);
    ck_assert_int_eq(bs_trace_check(t, NULL, NULL), BS_OK);
    bs_render_opts o = bs_render_defaults();
    o.format = (bs_format)_i;
    o.notation = BS_NOTATION_CODE;
    o.terms = 1;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, "3-4-3-relu-softmax-mse.json");
    o.source = path;
    bs_sink s = bs_sink_buffer();
    ck_assert_int_eq(bs_render(&s, t, &o), 0);
    ck_assert_str_eq(s.buf, text);
    bs_sink_free_buffer(&s);
    bs_trace_free(t);
    bs_net_free(net);
    free(back);
    free(text);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Reads a whole file into a new string; *len its length. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: cannot open", path);
    char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* bs_run_render_file writes what bs_run_render_string returns (the expected
 * text is that rendering, so this proves the file path adds and loses
 * nothing); through a symbolic link the link stays and its target gets the
 * text with its mode kept; the spec's own file is refused and left as it
 * was; a file in a directory that does not exist is an i/o error naming it.
 * bs_lib_write_file writes bytes with a NUL among them unchanged. */
START_TEST(test_render_file_is_atomic)
{
    char dir[] = "/tmp/check_api_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[600], target[600], link[600], specpath[600];
    snprintf(path, sizeof path, "%s/trace.md", dir);
    snprintf(target, sizeof target, "%s/target.md", dir);
    snprintf(link, sizeof link, "%s/link.md", dir);
    snprintf(specpath, sizeof specpath, "%s/spec.json", dir);
    /* the spec copied into the directory, so that refusing it is tested on a
     * file the test may lose */
    size_t slen = 0;
    char src[512];
    snprintf(src, sizeof src, "%s/%s", BS_SPECS_DIR, "4-3-2-1-bce.json");
    char *spectext = slurp(src, &slen);
    bs_lib_error err;
    ck_assert_int_eq(bs_lib_write_file(specpath, spectext, slen, &err), BS_LIB_OK);
    bs_spec *spec = NULL;
    ck_assert_int_eq(bs_spec_load_file(specpath, &spec, &err), BS_LIB_OK);
    bs_run *run = run_of(spec);
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    bs_render_settings rs = bs_render_settings_default();
    rs.format = "markdown";
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &text, &len, &err), BS_LIB_OK);

    ck_assert_int_eq(bs_run_render_file(run, path, &rs, &err), BS_LIB_OK);
    size_t got = 0;
    char *back = slurp(path, &got);
    ck_assert_uint_eq(got, len);
    ck_assert_str_eq(back, text);
    free(back);

    FILE *f = fopen(target, "w");
    ck_assert_ptr_nonnull(f);
    fputs("old", f);
    fclose(f);
    ck_assert_int_eq(chmod(target, 0640), 0);
    ck_assert_int_eq(symlink("target.md", link), 0);
    ck_assert_int_eq(bs_run_render_file(run, link, &rs, &err), BS_LIB_OK);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq((int)(st.st_mode & 0777), 0640);
    back = slurp(target, &got);
    ck_assert_str_eq(back, text);
    free(back);

    ck_assert_int_eq(bs_run_render_file(run, specpath, &rs, &err), BS_LIB_ERR_USAGE);
    back = slurp(specpath, &got);
    ck_assert_uint_eq(got, slen);
    ck_assert_str_eq(back, spectext);
    free(back);

    char nowhere[700];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/trace.md", dir);
    ck_assert_int_eq(bs_run_render_file(run, nowhere, &rs, &err), BS_LIB_ERR_IO);
    ck_assert_str_eq(err.file, nowhere);

    static const char bytes[] = {'P', 'K', 0, 3, 4, '\n'};
    ck_assert_int_eq(bs_lib_write_file(path, bytes, sizeof bytes, &err), BS_LIB_OK);
    back = slurp(path, &got);
    ck_assert_uint_eq(got, sizeof bytes);
    ck_assert_int_eq(memcmp(back, bytes, sizeof bytes), 0);
    free(back);

    free(text);
    free(spectext);
    bs_run_free(run);
    bs_spec_free(spec);
    unlink(path);
    unlink(link);
    unlink(target);
    unlink(specpath);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- what the command line needs: limits, settings, reports ---------------- */

START_TEST(test_load_settings_limits)
{
    /* the defaults the header and docs/spec-format.md state: 64 MiB, 2 GiB,
     * 100 layers, nesting 64 */
    bs_load_settings ls = bs_load_settings_default();
    ck_assert_uint_eq(ls.max_file_bytes, (size_t)64 << 20);
    ck_assert_uint_eq(ls.max_memory, (size_t)2 << 30);
    ck_assert_uint_eq(ls.max_layers, 100);
    ck_assert_int_eq(ls.max_depth, 64);
    ck_assert_int_eq(ls.full, 0);
    ck_assert_ptr_null(ls.name);
    char path[512];
    snprintf(path, sizeof path, "%s/4-3-2-1-bce.json", BS_SPECS_DIR);
    bs_spec *spec = (bs_spec *)1;
    bs_lib_error err;
    /* 4-3-2-1 has three layers: a limit of two refuses it, as a value */
    ls.max_layers = 2;
    ck_assert_int_eq(bs_spec_load_file_with(path, &ls, &spec, &err), BS_LIB_ERR_LIMIT);
    ck_assert_ptr_null(spec);
    ck_assert_int_eq(err.status, BS_LIB_ERR_LIMIT);
    ck_assert_str_eq(err.file, path);
    ck_assert_str_ne(err.where, "");
    /* the file is some hundreds of bytes: a limit of 10 refuses it */
    ls = bs_load_settings_default();
    ls.max_file_bytes = 10;
    ck_assert_int_eq(bs_spec_load_file_with(path, &ls, &spec, &err), BS_LIB_ERR_LIMIT);
    ck_assert_ptr_null(spec);
    /* the name stands for the file in the errors of the run */
    ls = bs_load_settings_default();
    ls.name = "renamed.json";
    ck_assert_int_eq(bs_spec_load_file_with(path, &ls, &spec, &err), BS_LIB_OK);
    bs_run *run = run_of(spec);
    bs_check_settings cs = bs_check_settings_default();
    cs.epsilon = 1e-12; /* below central's smallest, ∛ε·1e-3 ≈ 6.1e-9 */
    ck_assert_int_eq(bs_run_check(run, &cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.file, "renamed.json");
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_check_settings_validate)
{
    bs_lib_error err;
    bs_check_settings cs = bs_check_settings_default();
    ck_assert_int_eq(bs_check_settings_validate(NULL, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_OK);
    /* central's smallest step, worked by hand: ε = 2.22e-16, ∛ε = 6.06e-6,
     * times 1e-3 = 6.06e-9; so 1e-9 is refused and 1e-8 taken */
    cs.epsilon = 1e-9;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "epsilon");
    ck_assert_str_ne(err.message, "");
    cs.epsilon = 1e-8;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_OK);
    /* the complex step goes down to DBL_MIN/ε ≈ 1.0e-292 */
    cs.method = "complex";
    cs.epsilon = 1e-200;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_OK);
    cs.epsilon = 1e-300;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "epsilon");
    /* rtol 1 lets any value agree with 0: refused; atol up to 1e-3 */
    cs = bs_check_settings_default();
    cs.rtol = 1.0;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "rtol");
    cs.rtol = 0.5;
    cs.atol = 1e-3;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_OK);
    cs.atol = 2e-3;
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "atol");
    cs = bs_check_settings_default();
    cs.method = "centre";
    ck_assert_int_eq(bs_check_settings_validate(&cs, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "method");
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean \"central\""));
}
END_TEST

typedef struct progress_seen {
    size_t calls, last_done, last_total;
} progress_seen;

static void on_progress(void *ctx, size_t done, size_t total)
{
    progress_seen *p = ctx;
    ck_assert_uint_le(done, total);
    ck_assert_uint_ge(done, p->last_done); /* never goes back */
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

START_TEST(test_check_progress_and_directions)
{
    bs_spec *spec = spec_file("4-5-3-softmax-ce-l2.json");
    bs_run *run = run_of(spec);
    bs_check_settings cs = bs_check_settings_default();
    progress_seen seen = {0, 0, 0};
    cs.full = 1;
    cs.progress = on_progress;
    cs.progress_ctx = &seen;
    bs_lib_error err;
    ck_assert_int_eq(bs_run_check(run, &cs, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 1);
    /* the elements of a full check, counted by hand for 4-5-3 with B = 4:
     * the parameters W2 5×3, b2 3, W1 4×5, b1 5 and the steps a2, z2 4×3,
     * a1, z1 4×5: 15 + 3 + 20 + 5 + 12 + 12 + 20 + 20 = 107 */
    size_t compared = 0;
    bs_step_info v;
    for (size_t i = 0; bs_run_step(run, i, &v, NULL) == BS_LIB_OK; i++)
        compared += v.gradient ? v.n_compared : 0;
    ck_assert_uint_eq(compared, 107);
    /* the thread that started the check reports after each share of the
     * work it did itself: with two shares of 64 and two threads it may have
     * done none, so a report is not certain, but each one counts the same
     * 107 in all */
    if (seen.calls > 0)
        ck_assert_uint_eq(seen.last_total, compared);
    /* along 3 random directions: the JSON rendering carries them */
    cs = bs_check_settings_default();
    cs.directions = 3;
    ck_assert_int_eq(bs_run_check(run, &cs, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 1);
    bs_render_settings rs = bs_render_settings_default();
    rs.format = "json";
    char *text = NULL;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &text, NULL, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(strstr(text, "\"directions\": {"));
    free(text);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Removes the ANSI escapes ESC [ … m from s, in place. */
static void strip_ansi(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '\033' && r[1] == '[') {
            r += 2;
            while (*r && *r != 'm')
                r++;
            r += *r == 'm';
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

START_TEST(test_render_color_adds_escapes_only)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    ck_assert_int_eq(bs_run_check(run, NULL, NULL), BS_LIB_OK);
    bs_render_settings rs = bs_render_settings_default();
    char *plain = NULL, *colored = NULL;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &plain, NULL, NULL), BS_LIB_OK);
    rs.color = 1;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &colored, NULL, NULL), BS_LIB_OK);
    ck_assert_ptr_null(strchr(plain, '\033'));
    ck_assert_ptr_nonnull(strstr(colored, "\033["));
    strip_ansi(colored);
    ck_assert_str_eq(colored, plain);
    free(plain);
    free(colored);
    /* npz is a format of the API too: a zip archive, "PK\3\4" first */
    rs = bs_render_settings_default();
    rs.format = "npz";
    char *npz = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_run_render_string(run, &rs, &npz, &len, NULL), BS_LIB_OK);
    ck_assert_uint_gt(len, 4);
    ck_assert_int_eq(memcmp(npz, "PK\003\004", 4), 0);
    free(npz);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_report_write_file)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    ck_assert_int_eq(bs_run_check(run, NULL, NULL), BS_LIB_OK);
    bs_lib_error load;
    bs_spec *none = NULL;
    ck_assert_int_eq(bs_spec_load_file("no-such-spec.json", &none, &load), BS_LIB_ERR_IO);
    bs_report_entry e[2] = {{"good.json", run, NULL}, {"no-such-spec.json", NULL, &load}};
    /* TAP version 13 (testanything.org): the version line, the plan 1..2,
     * "ok 1" for the spec that passed, "not ok 2" for the one not loaded */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    bs_lib_error err;
    ck_assert_int_eq(bs_report_write_file(f, "tap", e, 2, 0, &err), BS_LIB_OK);
    fclose(f);
    ck_assert_int_eq(strncmp(buf, "TAP version 13\n1..2\n", 20), 0);
    ck_assert_ptr_nonnull(strstr(buf, "\nok 1 "));
    ck_assert_ptr_nonnull(strstr(buf, "\nnot ok 2 "));
    free(buf);
    /* JUnit XML: two test cases, the unloaded one an error */
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(bs_report_write_file(f, "junit", e, 2, 0, &err), BS_LIB_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "tests=\"2\""));
    ck_assert_ptr_nonnull(strstr(buf, "errors=\"1\""));
    free(buf);
    /* text: one line per spec, the error's own line in the second */
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(bs_report_write_file(f, NULL, e, 2, 0, &err), BS_LIB_OK);
    fclose(f);
    size_t lines = 0;
    for (const char *c = buf; *c; c++)
        lines += *c == '\n';
    ck_assert_uint_eq(lines, 2);
    ck_assert_ptr_nonnull(strstr(buf, "no-such-spec.json"));
    free(buf);
    ck_assert_int_eq(bs_report_write_file(stdout, "yaml", e, 2, 0, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "report format");
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- compare: files, required steps, conventions, one example -------------- */

START_TEST(test_grad_set_load_file)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_grad_set *set = (bs_grad_set *)1;
    bs_lib_error err;
    /* tests/bad-grads/MANIFEST.tsv: the place and the phrase of each error */
    ck_assert_int_eq(bs_grad_set_load_file(run, BS_SPECS_DIR "/../tests/bad-grads/"
                                                "syntax-missing-comma.json", &set, &err),
                     BS_LIB_ERR_SYNTAX);
    ck_assert_ptr_null(set);
    ck_assert_str_eq(err.where, "3:11");
    ck_assert_int_eq(bs_grad_set_load_file(run, BS_SPECS_DIR "/../tests/bad-grads/wrong-shape.json",
                                           &set, &err),
                     BS_LIB_ERR_SPEC);
    ck_assert_str_eq(err.where, "dW3");
    ck_assert_ptr_nonnull(strstr(err.message, "expected 2×1"));
    ck_assert_int_eq(bs_grad_set_load_file(run, "no-such-grads.json", &set, &err),
                     BS_LIB_ERR_IO);
    /* a file of the right values, written here from the run's own steps,
     * agrees */
    char path[] = "/tmp/bs-api-grads-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{", f);
    const char *names[] = {"dW1", "db1", "dW2", "db2", "dW3", "db3"};
    for (size_t k = 0; k < 6; k++) {
        bs_step_info v = find(run, names[k]);
        fprintf(f, "%s\"%s\": [", k ? ", " : "", names[k]);
        for (size_t r = 0; r < v.rows; r++) {
            fprintf(f, "%s[", r ? ", " : "");
            for (size_t c = 0; c < v.cols; c++)
                fprintf(f, "%s%.17g", c ? ", " : "", v.value[r * v.cols + c]);
            fputs("]", f);
        }
        fputs("]", f);
    }
    fputs("}\n", f);
    fclose(f);
    ck_assert_int_eq(bs_grad_set_load_file(run, path, &set, &err), BS_LIB_OK);
    bs_comparison *cmp = NULL;
    ck_assert_int_eq(bs_run_compare(run, set, NULL, &cmp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_agrees(cmp), 1);
    ck_assert_int_eq(bs_comparison_convention(cmp), 0);
    unlink(path);
    bs_comparison_free(cmp);
    bs_grad_set_free(set);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* A gradient set of the parameter steps of `run`, each times `factor`. */
static bs_grad_set *give_params(const bs_run *run, double factor, int only_first)
{
    bs_grad_set *set = NULL;
    ck_assert_int_eq(bs_grad_set_create(run, &set, NULL), BS_LIB_OK);
    bs_step_info v;
    for (size_t i = 0; bs_run_step(run, i, &v, NULL) == BS_LIB_OK; i++) {
        char name[32];
        bs_run_step_name(run, i, "code", name, sizeof name, NULL);
        if (!v.gradient || (name[1] != 'W' && name[1] != 'b'))
            continue;
        if (only_first && strcmp(name, "dW1") != 0 && strcmp(name, "db1") != 0)
            continue;
        double *x = malloc(sizeof(double) * v.rows * v.cols);
        for (size_t k = 0; k < v.rows * v.cols; k++)
            x[k] = factor * v.value[k];
        ck_assert_int_eq(bs_grad_set_put(set, name, x, v.rows, v.cols, NULL), BS_LIB_OK);
        free(x);
    }
    return set;
}

START_TEST(test_compare_only_and_convention)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    bs_comparison *cmp = NULL;
    /* dW1 and db1 alone: not enough by default, enough when only they are asked */
    bs_grad_set *set = give_params(run, 1.0, 1);
    ck_assert_int_eq(bs_run_compare(run, set, NULL, &cmp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_agrees(cmp), 0);
    bs_comparison_free(cmp);
    bs_compare_settings o = bs_compare_settings_default();
    ck_assert_ptr_null(o.only);
    o.only = "dW1,db1";
    ck_assert_int_eq(bs_run_compare(run, set, &o, &cmp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_comparison_agrees(cmp), 1);
    bs_comparison_free(cmp);
    bs_grad_set_free(set);
    bs_run_free(run);
    bs_spec_free(spec);
    /* 3-4-1 tanh regression averages a batch of B = 3: a program that leaves
     * the 1/B out gives every parameter gradient exactly 3 times backstep's,
     * by construction a convention (docs/compare.md) and not a bug; twice
     * would be neither the batch's B nor MSE's ½, and is a bug */
    spec = spec_file("3-4-1-tanh-regression.json");
    run = run_of(spec);
    const double factors[] = {3.0, 1.0, -3.0};
    const int convention[] = {1, 0, 0}, agrees[] = {0, 1, 0};
    for (size_t k = 0; k < 3; k++) {
        set = give_params(run, factors[k], 0);
        ck_assert_int_eq(bs_run_compare(run, set, NULL, &cmp, &err), BS_LIB_OK);
        ck_assert_int_eq(bs_comparison_agrees(cmp), agrees[k]);
        ck_assert_int_eq(bs_comparison_convention(cmp), convention[k]);
        bs_comparison_free(cmp);
        bs_grad_set_free(set);
    }
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_run_of_one_example)
{
    /* 4-5-3 softmax + ce, l2 0.01, a batch of 4 averaged: for the mean,
     * L = (1/B) Σ_i ℓ_i + λΣ‖W‖² and g[W] = (1/B) Σ_i ∂ℓ_i/∂W + 2λW, so the
     * mean over the examples of each example's own L_i = ℓ_i + λΣ‖W‖² and
     * g[W]_i = ∂ℓ_i/∂W + 2λW is the batch's L and g[W] (the algebra of the
     * mean, not backstep's code) */
    bs_spec *spec = spec_file("4-5-3-softmax-ce-l2.json");
    bs_run *batch = run_of(spec);
    bs_lib_error err;
    bs_run *one = (bs_run *)1;
    ck_assert_int_eq(bs_run_create_example(spec, 0, &one, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(one);
    ck_assert_int_eq(bs_run_create_example(spec, 5, &one, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(one);
    const char *steps[] = {"dW1", "db1", "dW2", "db2"};
    double loss = 0, sum[4][20];
    memset(sum, 0, sizeof sum);
    for (size_t i = 1; i <= 4; i++) {
        ck_assert_int_eq(bs_run_create_example(spec, i, &one, &err), BS_LIB_OK);
        loss += bs_run_loss(one) / 4;
        ck_assert_uint_eq(find(one, "x").rows, 1);
        for (size_t k = 0; k < 4; k++) {
            bs_step_info v = find(one, steps[k]);
            ck_assert_uint_le(v.rows * v.cols, 20);
            for (size_t e = 0; e < v.rows * v.cols; e++)
                sum[k][e] += v.value[e] / 4;
        }
        bs_run_free(one);
    }
    ck_assert_double_eq_tol(loss, bs_run_loss(batch), 1e-12);
    for (size_t k = 0; k < 4; k++) {
        bs_step_info v = find(batch, steps[k]);
        for (size_t e = 0; e < v.rows * v.cols; e++)
            ck_assert_double_eq_tol(sum[k][e], v.value[e], 1e-12 + 1e-10 * fabs(v.value[e]));
    }
    bs_run_free(batch);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_write_file_except_keeps_inputs)
{
    char dir[] = "/tmp/bs-api-keep-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char input[256], link[256], out[256];
    snprintf(input, sizeof input, "%s/input.json", dir);
    snprintf(link, sizeof link, "%s/other-name", dir);
    snprintf(out, sizeof out, "%s/out.bin", dir);
    FILE *f = fopen(input, "w");
    fputs("{}\n", f);
    fclose(f);
    ck_assert_int_eq(symlink("input.json", link), 0);
    const char *keep[] = {input};
    bs_lib_error err;
    /* the input by its own name and by another: refused, left as it was */
    ck_assert_int_eq(bs_lib_write_file_except(input, "x", 1, keep, 1, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.file, input);
    ck_assert_int_eq(bs_lib_write_file_except(link, "x", 1, keep, 1, &err), BS_LIB_ERR_USAGE);
    char buf[16] = "";
    f = fopen(input, "r");
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "{}\n");
    /* another file: written whole, a NUL byte too */
    ck_assert_int_eq(bs_lib_write_file_except(out, "a\0b", 3, keep, 1, &err), BS_LIB_OK);
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_size, 3);
    ck_assert_int_eq(bs_lib_write_file_except(out, "a", 1, NULL, 1, &err), BS_LIB_ERR_USAGE);
    unlink(out);
    unlink(link);
    unlink(input);
    rmdir(dir);
}
END_TEST

START_TEST(test_shipped_specs_by_name)
{
    setenv("BACKSTEP_SPECS_DIR", BS_SPECS_DIR, 1);
    char path[1024], want[1024];
    snprintf(want, sizeof want, "%s/4-3-2-1-bce.json", BS_SPECS_DIR);
    ck_assert_int_eq(bs_example_path("4-3-2-1-bce", path, sizeof path), 1);
    ck_assert_str_eq(path, want);
    ck_assert_int_eq(bs_example_path("4-3-2-1-bce.json", path, sizeof path), 1);
    ck_assert_str_eq(path, want);
    ck_assert_int_eq(bs_example_path("no-such-spec", path, sizeof path), 0);
    ck_assert_int_eq(bs_example_path("specs/4-3-2-1-bce", path, sizeof path), 0);
    bs_spec *spec = NULL;
    ck_assert_int_eq(bs_example_path("4-3-2-1-bce", path, sizeof path), 1);
    ck_assert_int_eq(bs_spec_load_file(path, &spec, NULL), BS_LIB_OK);
    bs_spec_free(spec);
    /* the list names every .json file of the folder, counted here */
    size_t files = 0;
    DIR *d = opendir(BS_SPECS_DIR);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        files += l > 5 && strcmp(e->d_name + l - 5, ".json") == 0;
    }
    closedir(d);
    char *buf = NULL;
    size_t len = 0, count = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(bs_examples_write(f, &count, NULL), BS_LIB_OK);
    fclose(f);
    ck_assert_uint_eq(count, files);
    ck_assert_ptr_nonnull(strstr(buf, "4-3-2-1-bce"));
    free(buf);
    bs_lib_error err;
    ck_assert_int_eq(bs_examples_write(NULL, &count, &err), BS_LIB_ERR_USAGE);
}
END_TEST

/* ---- grading -------------------------------------------------------------- */

/* Writes `text` to dir/name. */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* An exercise of ann, bob and cat asked g[3z] of 4-3-2-1-bce, written with
 * the classroom's own builder into a new directory under /tmp. */
static void make_exercise(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/bs-api-grade-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_roster *roster = NULL;
    ck_assert_int_eq(bs_roster_parse("ann\nbob\ncat\n", 12, "roster", &roster, NULL), BS_OK);
    bs_exercise_opts o = bs_exercise_defaults();
    o.steps = "g[3z]";
    o.formats = 1u << BS_FORMAT_MARKDOWN;
    bs_fileset *fs = NULL;
    ck_assert_int_eq(bs_exercise_build(net, roster, &o, &fs, NULL), BS_OK);
    ck_assert_int_eq(bs_fileset_write(fs, dir, NULL, NULL), BS_OK);
    bs_fileset_free(fs);
    bs_roster_free(roster);
    bs_net_free(net);
}

START_TEST(test_grade_an_exercise)
{
    char dir[64];
    make_exercise(dir, sizeof dir);
    bs_lib_error err;
    bs_exercise *x = (bs_exercise *)1;
    ck_assert_int_eq(bs_exercise_open("/no/such/exercise", &x, &err), BS_LIB_ERR_IO);
    ck_assert_ptr_null(x);
    ck_assert_int_eq(bs_exercise_open(dir, &x, &err), BS_LIB_OK);
    ck_assert_uint_eq(bs_exercise_student_count(x), 3);
    /* ann's right g[3z], read from her own variant through the API (a run
     * of ann/spec.json), bob's sign slipped, cat hands nothing in */
    char path[512];
    snprintf(path, sizeof path, "%s/ann/spec.json", dir);
    bs_spec *spec = NULL;
    ck_assert_int_eq(bs_spec_load_file(path, &spec, NULL), BS_LIB_OK);
    bs_run *run = run_of(spec);
    bs_step_info v = find(run, "g[3z]");
    ck_assert_uint_eq(v.rows * v.cols, 1); /* B = 1, one output */
    char text[256];
    snprintf(text, sizeof text, "{\"id\": \"ann\", \"claims\": {\"g[3z]\": [[%.17g]]}}",
             v.value[0]);
    put_file(dir, "ann-answers.json", text);
    bs_run_free(run);
    bs_spec_free(spec);
    snprintf(path, sizeof path, "%s/bob/spec.json", dir);
    ck_assert_int_eq(bs_spec_load_file(path, &spec, NULL), BS_LIB_OK);
    run = run_of(spec);
    v = find(run, "g[3z]");
    snprintf(text, sizeof text, "{\"id\": \"bob\", \"claims\": {\"g[3z]\": [[%.17g]]}}",
             -v.value[0]);
    put_file(dir, "bob-answers.json", text);
    bs_run_free(run);
    bs_spec_free(spec);
    put_file(dir, "broken.json", "{ not json");
    char f1[512], f2[512], f3[512];
    snprintf(f1, sizeof f1, "%s/ann-answers.json", dir);
    snprintf(f2, sizeof f2, "%s/bob-answers.json", dir);
    snprintf(f3, sizeof f3, "%s/broken.json", dir);
    const char *files[] = {f1, f2, f3};

    /* settings: unknown names and a step that is not asked are usage errors */
    bs_grade_settings gs = bs_grade_settings_default();
    gs.policy = "strictest";
    ck_assert_int_eq(bs_exercise_configure(x, &gs, &err), BS_LIB_ERR_USAGE);
    gs = bs_grade_settings_default();
    gs.weights = "g[1W]=2";
    ck_assert_int_eq(bs_exercise_configure(x, &gs, &err), BS_LIB_ERR_USAGE);
    gs.weights = "g[3z]=2";
    ck_assert_int_eq(bs_exercise_configure(x, &gs, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_exercise_configure(x, NULL, &err), BS_LIB_OK);

    /* a gradebook over an answers file or the manifest is refused */
    char clash[512];
    const char *what = NULL;
    ck_assert_int_eq(bs_exercise_output_clash(x, f1, files, 3, clash, sizeof clash, &what), 1);
    ck_assert_ptr_nonnull(what);
    snprintf(path, sizeof path, "%s/exercise.json", dir);
    ck_assert_int_eq(bs_exercise_output_clash(x, path, files, 3, clash, sizeof clash, &what),
                     1);
    snprintf(path, sizeof path, "%s/book.csv", dir);
    ck_assert_int_eq(bs_exercise_output_clash(x, path, files, 3, clash, sizeof clash, &what),
                     0);

    /* before handing in: ann's file is ready, the broken one is not */
    char *report = NULL;
    size_t problems = 99;
    ck_assert_int_eq(bs_exercise_check_answers(x, f1, &report, &problems, &err), BS_LIB_OK);
    ck_assert_uint_eq(problems, 0);
    free(report);
    ck_assert_int_eq(bs_exercise_check_answers(x, f3, &report, &problems, &err), BS_LIB_OK);
    ck_assert_uint_gt(problems, 0);
    ck_assert_ptr_nonnull(strstr(report, "broken.json"));
    free(report);
    ck_assert_int_eq(bs_exercise_check_answers(x, "/no/such.json", &report, &problems, &err),
                     BS_LIB_ERR_IO);
    ck_assert_ptr_null(report);

    bs_grading *g = NULL;
    ck_assert_int_eq(bs_exercise_grade(x, files, 3, &g, &err), BS_LIB_OK);
    /* ann graded, bob graded, cat missing; the broken file a row to look at */
    size_t graded = 0, missing = 0, other = 0;
    bs_grading_counts(g, &graded, &missing, &other);
    ck_assert_uint_eq(graded, 2);
    ck_assert_uint_eq(missing, 1);
    ck_assert_uint_eq(other, 1);
    ck_assert_uint_ge(bs_grading_message_count(g), 1);
    ck_assert_ptr_nonnull(strstr(bs_grading_message(g, 0), "broken.json: "));
    ck_assert_ptr_null(bs_grading_message(g, bs_grading_message_count(g)));
    char *book = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_grading_gradebook(g, NULL, &book, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(strlen(book), len);
    ck_assert_ptr_nonnull(strstr(book, "\nann,"));
    ck_assert_ptr_nonnull(strstr(book, ",1/1,"));  /* ann: one step asked, right */
    ck_assert_ptr_nonnull(strstr(book, ",0/1,"));  /* bob: wrong */
    ck_assert_ptr_nonnull(strstr(book, "\ncat,"));
    free(book);
    bs_gradebook_settings bs = {"gradescope", NULL, NULL};
    ck_assert_int_eq(bs_grading_gradebook(g, &bs, &book, &len, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(book);
    bs.format = "canvas";
    bs.assignment = "HW1";
    ck_assert_int_eq(bs_grading_gradebook(g, &bs, &book, &len, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(strstr(book, "HW1"));
    free(book);
    char *sum = NULL;
    ck_assert_int_eq(bs_grading_summary(g, &sum, NULL, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(strstr(sum, "g[3z]"));
    free(sum);
    /* feedback for ann and bob (graded) and the broken file's id-less row
     * is no roster student's: two files */
    ck_assert_uint_eq(bs_grading_feedback_count(g), 2);
    const char *keep[] = {f1};
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq(bs_grading_write_feedback(g, i, keep, 1, &err), BS_LIB_OK);
    struct stat st;
    snprintf(path, sizeof path, "%s/feedback/ann.md", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/feedback/bob.md", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(bs_grading_write_feedback(g, 2, keep, 1, &err), BS_LIB_ERR_USAGE);
    bs_grading_free(g);
    bs_exercise_free(x);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    bs_exercise_free(NULL);
    bs_grading_free(NULL);
}
END_TEST

/* ---- handouts --------------------------------------------------------------- */

/* The value JSON output gives a handout number ("newW3[0,0]"); fails when the
 * reference is not there. */
static double handout_number(const char *json, const char *ref)
{
    char key[96];
    snprintf(key, sizeof key, "{\"ref\": \"%s\", \"value\": ", ref);
    const char *p = strstr(json, key);
    ck_assert_msg(p != NULL, "no number %s in the walkthrough", ref);
    return strtod(p + strlen(key), NULL);
}

/* Handout 001's walkthrough of its own spec, through the API.  The expected
 * numbers were computed with NumPy from specs/4-3-2-1-bce.json alone by
 * reference() in tests/handout_numbers.py (handout 001, α = 0.5); the update
 * is also checked by hand against W − α·g read back from the run. */
START_TEST(test_handout_walkthrough_numbers)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_lib_error err;
    ck_assert_int_eq(bs_spec_fits_handout(spec, "001", &err), BS_LIB_OK);
    bs_run *run = run_of(spec);
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    bs_handout_settings hs = bs_handout_settings_default();
    hs.handout = "001";
    hs.format = "json";
    hs.lr = 0.5;
    char *json = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_run_handout_string(run, &hs, &json, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(len, strlen(json));
    ck_assert_ptr_nonnull(strstr(json, "\"handout\": \"001\""));
    ck_assert_ptr_nonnull(strstr(json, "\"lr\": 0.5"));
    /* NumPy (tests/handout_numbers.py reference()) */
    ck_assert_double_eq_tol(handout_number(json, "L"), 0.5307959015413346, 1e-12);
    ck_assert_double_eq_tol(handout_number(json, "z1[0]"), 0.39, 1e-12);
    ck_assert_double_eq_tol(handout_number(json, "gW3[0,0]"), -0.23966022718558158, 1e-12);
    ck_assert_double_eq_tol(handout_number(json, "newW3[0,0]"), 0.8198301135927908, 1e-12);
    ck_assert_double_eq_tol(handout_number(json, "gW1[2,1]"), 0.0008034735021567933, 1e-15);
    ck_assert_double_eq_tol(handout_number(json, "newW1[2,1]"), 0.7995982632489217, 1e-12);
    /* by hand: the update is W − α g of the spec's W3[0,0] = 0.7 and the run's gradient */
    bs_step_info g = find(run, "g[3W]");
    ck_assert_double_eq_tol(handout_number(json, "newW3[0,0]"), 0.7 - 0.5 * g.value[0], 1e-15);
    /* the file and the string are the same bytes */
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(bs_run_handout(run, fp, &hs, &err), BS_LIB_OK);
    ck_assert_int_eq((long)ftell(fp), (long)len);
    rewind(fp);
    char *back = malloc(len + 1);
    ck_assert_ptr_nonnull(back);
    ck_assert_uint_eq(fread(back, 1, len + 1, fp), len);
    back[len] = '\0';
    ck_assert_str_eq(back, json);
    free(back);
    fclose(fp);
    free(json);
    /* text at 3 digits shows the loss 0.5307959… as 0.531, and the default α 0.1 */
    hs.format = NULL;
    hs.precision = 3;
    hs.lr = 0;
    char *text = NULL;
    ck_assert_int_eq(bs_run_handout_string(run, &hs, &text, NULL, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(strstr(text, "0.531"));
    ck_assert_ptr_null(strstr(text, "0.5308"));
    free(text);
    hs.format = "json";
    hs.precision = 0;
    ck_assert_int_eq(bs_run_handout_string(run, &hs, &text, NULL, &err), BS_LIB_OK);
    ck_assert(strtod(strstr(text, "\"lr\": ") + 6, NULL) == 0.1);
    /* W − 0.1 g, by hand */
    ck_assert_double_eq_tol(handout_number(text, "newW3[0,0]"), 0.7 - 0.1 * g.value[0], 1e-15);
    free(text);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Handout 000 on its own spec: the loss 1/2 ||y − ŷ||² and dL/dW[2][1,2]
 * computed with NumPy by reference() in tests/handout_numbers.py; an
 * unchecked run is walked too. */
START_TEST(test_handout_000_unchecked)
{
    bs_spec *spec = spec_file("000-2-3-2-mse.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    bs_handout_settings hs = bs_handout_settings_default();
    hs.handout = "000";
    hs.format = "json";
    char *json = NULL;
    ck_assert_int_eq(bs_run_handout_string(run, &hs, &json, NULL, &err), BS_LIB_OK);
    ck_assert_double_eq_tol(handout_number(json, "L"), 0.2823272678534847, 1e-12);
    ck_assert_double_eq_tol(handout_number(json, "gW2[1,2]"), 0.04802030109003438, 1e-12);
    free(json);
    ck_assert_int_eq(bs_run_passed(run), -1);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_handout_errors_are_values)
{
    ck_assert_str_eq(bs_handout_spec_name("000"), "000-2-3-2-mse");
    ck_assert_str_eq(bs_handout_spec_name("001"), "4-3-2-1-bce");
    ck_assert_str_eq(bs_handout_spec_name("002"), "002-4-3-3-3-softmax-ce-l2");
    ck_assert_ptr_null(bs_handout_spec_name("003"));
    ck_assert_ptr_null(bs_handout_spec_name(NULL));

    bs_spec *spec = spec_file("000-2-3-2-mse.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    /* a spec of another structure: its file, the place and what differs */
    ck_assert_int_eq(bs_spec_fits_handout(spec, "001", &err), BS_LIB_ERR_SPEC);
    ck_assert_ptr_nonnull(strstr(err.file, "000-2-3-2-mse.json"));
    ck_assert_str_eq(err.where, "layers");
    ck_assert_ptr_nonnull(strstr(err.message, "handout 001 needs 3 layers"));
    ck_assert_int_eq(bs_spec_fits_handout(spec, "000", &err), BS_LIB_OK);
    ck_assert_int_eq(bs_spec_fits_handout(spec, "01", &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "handout");

    bs_handout_settings hs = bs_handout_settings_default();
    char *out = (char *)"untouched";
    size_t len = 7;
    /* no handout named */
    ck_assert_int_eq(bs_run_handout_string(run, &hs, &out, &len, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(err.where, "handout");
    ck_assert_int_eq(bs_run_handout_string(run, NULL, &out, NULL, &err), BS_LIB_ERR_USAGE);
    /* the run's spec does not fit handout 002 */
    hs.handout = "002";
    ck_assert_int_eq(bs_run_handout(run, stdout, &hs, &err), BS_LIB_ERR_SPEC);
    ck_assert_str_eq(err.where, "layers");
    ck_assert_ptr_nonnull(strstr(err.file, "000-2-3-2-mse.json"));
    hs.handout = "000";
    const struct {
        const char *format;
        int precision;
        double lr;
        const char *where;
    } bad[] = {{"dot", 0, 0, "format"}, {"npz", 0, 0, "format"}, {"pdf", 0, 0, "format"},
               {NULL, 18, 0, "precision"}, {NULL, -1, 0, "precision"}, {NULL, 0, -0.1, "lr"},
               {NULL, 0, NAN, "lr"}, {NULL, 0, INFINITY, "lr"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hs.format = bad[i].format;
        hs.precision = bad[i].precision;
        hs.lr = bad[i].lr;
        ck_assert_int_eq(bs_run_handout_string(run, &hs, &out, NULL, &err), BS_LIB_ERR_USAGE);
        ck_assert_ptr_null(out);
        ck_assert_str_eq(err.where, bad[i].where);
        ck_assert_int_eq(bs_run_handout(run, stdout, &hs, &err), BS_LIB_ERR_USAGE);
    }
    hs = bs_handout_settings_default();
    hs.handout = "000";
    ck_assert_int_eq(bs_run_handout(run, NULL, &hs, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_run_handout(NULL, stdout, &hs, &err), BS_LIB_ERR_USAGE);
    /* a failed write is an I/O error */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        ck_assert_int_eq(bs_run_handout(run, full, &hs, &err), BS_LIB_ERR_IO);
        fclose(full);
    }
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* ---- training ---------------------------------------------------------------- */

/* Two steps of gradient descent on handout 001's spec at α = 0.5.  The losses
 * after 0, 1 and 2 steps and W3 after two steps were computed with NumPy:
 * reference() of tests/handout_numbers.py gives the loss and the updated
 * parameters W − α·g of a spec, applied twice.  The first update is also
 * checked by hand: after = before − α·gradient, element by element. */
START_TEST(test_train_losses_and_update)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_lib_error err;
    bs_check_settings cs = bs_check_settings_default();
    bs_train_settings ts = bs_train_settings_default();
    ts.steps = 2;
    ts.lr = 0.5;
    ts.check_every = 1;
    ts.check = &cs;
    ts.freeze = "b1";
    bs_training *t = NULL;
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_OK);
    ck_assert_uint_eq(bs_training_steps(t), 2);
    ck_assert_str_eq(bs_training_stop(t), "completed");
    ck_assert_str_eq(bs_training_stop_message(t), "");
    ck_assert_int_eq(bs_training_passed(t), 1);
    size_t failed = 9;
    ck_assert_uint_eq(bs_training_check_count(t, &failed), 3); /* before, after 1, after 2 */
    ck_assert_uint_eq(failed, 0);
    /* with b1 frozen the losses differ from NumPy's all-parameter run after step 0 */
    ck_assert_double_eq_tol(bs_training_loss(t, 0), 0.5307959015413346, 1e-12);
    ck_assert(isnan(bs_training_loss(t, 3)));
    bs_trained_param p;
    ck_assert_int_eq(bs_training_param(t, "b1", &p, &err), BS_LIB_OK);
    ck_assert_int_eq(p.frozen, 1);
    for (size_t i = 0; i < p.rows * p.cols; i++)
        ck_assert(p.final[i] == p.before[i]);
    ck_assert_int_eq(bs_training_param(t, "W[3]", &p, &err), BS_LIB_OK);
    ck_assert_str_eq(p.name, "W3");
    ck_assert_uint_eq(p.rows, 2);
    ck_assert_uint_eq(p.cols, 1);
    ck_assert_int_eq(p.frozen, 0);
    for (size_t i = 0; i < 2; i++) /* by hand: W − α g */
        ck_assert_double_eq_tol(p.after[i], p.before[i] - 0.5 * p.gradient[i], 1e-15);
    ck_assert(p.before[0] == 0.7); /* the spec's W3 */
    /* NumPy: ∂L/∂W3[0,0] = −0.23966022718558158 at the first step */
    ck_assert_double_eq_tol(p.gradient[0], -0.23966022718558158, 1e-12);
    ck_assert_int_eq(bs_training_param(t, "W9", &p, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "W9");
    bs_training_free(t);

    /* every parameter trained: NumPy's losses and W3 */
    ts.freeze = NULL;
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_OK);
    ck_assert_double_eq_tol(bs_training_loss(t, 0), 0.5307959015413346, 1e-12);
    ck_assert_double_eq_tol(bs_training_loss(t, 1), 0.4037510496155193, 1e-12);
    ck_assert_double_eq_tol(bs_training_loss(t, 2), 0.31914450116783544, 1e-12);
    ck_assert_int_eq(bs_training_param(t, "dW3", &p, &err), BS_LIB_OK);
    ck_assert_double_eq_tol(p.final[0], 0.9190679405602611, 1e-12);
    ck_assert_double_eq_tol(p.final[1], -0.11384605776011476, 1e-12);
    /* CSV: a row per step, the same losses */
    char *csv = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_training_render_string(t, "csv", 0, NULL, &csv, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(len, strlen(csv));
    ck_assert(strncmp(csv, "step,loss\n0,0.5307959015413", 26) == 0);
    ck_assert_ptr_nonnull(strstr(csv, "\n2,0.319144501167835"));
    /* the file and the string are the same bytes, in each format */
    const char *const tf[] = {"text", "json", "csv"};
    for (size_t k = 0; k < 3; k++) {
        char *text = NULL;
        ck_assert_int_eq(bs_training_render_string(t, tf[k], 3, "net", &text, &len, &err),
                         BS_LIB_OK);
        FILE *fp = tmpfile();
        ck_assert_ptr_nonnull(fp);
        ck_assert_int_eq(bs_training_render(t, fp, tf[k], 3, "net", &err), BS_LIB_OK);
        ck_assert_int_eq((long)ftell(fp), (long)len);
        rewind(fp);
        char *back = calloc(len + 1, 1);
        ck_assert_ptr_nonnull(back);
        ck_assert_uint_eq(fread(back, 1, len + 1, fp), len);
        ck_assert_str_eq(back, text);
        free(back);
        fclose(fp);
        free(text);
    }
    char verdict[512];
    bs_training_verdict(t, 3, verdict, sizeof verdict);
    ck_assert_ptr_nonnull(strstr(verdict, "0.531"));
    ck_assert_ptr_nonnull(strstr(verdict, "0.319"));
    free(csv);
    bs_training_free(t);
    bs_spec_free(spec);
}
END_TEST

START_TEST(test_train_errors_are_values)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_lib_error err;
    bs_training *t = (bs_training *)spec; /* overwritten with NULL on failure */
    bs_train_settings ts = bs_train_settings_default();
    ck_assert_uint_eq(ts.steps, 1);
    /* no learning rate */
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err.file, "4-3-2-1-bce.json"));
    ck_assert_int_eq(bs_spec_train(spec, NULL, &t, &err), BS_LIB_ERR_USAGE);
    ts.lr = NAN;
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ts.lr = 0.1;
    ts.steps = 0;
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ts.steps = 1;
    ts.freeze = "W9";
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(t);
    ts.freeze = NULL;
    ts.notation = "greek";
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "notation");
    ts.notation = NULL;
    bs_check_settings cs = bs_check_settings_default();
    cs.method = "backward";
    ts.check = &cs;
    ck_assert_int_eq(bs_spec_train(spec, &ts, &t, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "method");
    ts.check = NULL;
    ck_assert_int_eq(bs_spec_train(NULL, &ts, &t, &err), BS_LIB_ERR_USAGE);

    /* a learning rate that diverges stops training: not an error, not a pass.
     * tanh regression's loss at α = 1e6 is 5.3e11 after one step, more than
     * 10⁶ times its initial 0.3996 (docs/train.md's stop rule) */
    bs_spec *tanh_spec = spec_file("3-4-1-tanh-regression.json");
    ts.lr = 1e6;
    ts.steps = 50;
    ck_assert_int_eq(bs_spec_train(tanh_spec, &ts, &t, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_training_passed(t), 0);
    ck_assert_str_eq(bs_training_stop(t), "diverged");
    ck_assert_ptr_nonnull(strstr(bs_training_stop_message(t), "step 1"));
    ck_assert_uint_eq(bs_training_steps(t), 0);
    char *out = (char *)"untouched";
    ck_assert_int_eq(bs_training_render_string(t, "pdf", 0, NULL, &out, NULL, &err),
                     BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.where, "format");
    ck_assert_int_eq(bs_training_render_string(t, NULL, 18, NULL, &out, NULL, &err),
                     BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "precision");
    ck_assert_int_eq(bs_training_render(t, NULL, NULL, 0, NULL, &err), BS_LIB_ERR_USAGE);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        ck_assert_int_eq(bs_training_render(t, full, "json", 0, NULL, &err), BS_LIB_ERR_IO);
        fclose(full);
    }
    bs_training_free(t);
    bs_training_free(NULL);
    bs_spec_free(tanh_spec);
    bs_spec_free(spec);
}
END_TEST

/* A sweep of W1[2,3] of the 4-3-2-1 network: 31 steps h from 1e-1 to 1e-16,
 * the analytic value that of bs_run_find (row 2, column 3), and each
 * method's truncation error falling like h^p for its order p (forward 1,
 * central and complex step 2: Taylor's theorem, not backstep's output), and
 * Richardson's (order 4) below central's at the largest step. */
START_TEST(test_sweep_orders_and_errors)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    bs_step_sweep *sw = (bs_step_sweep *)spec;
    bs_sweep_settings ss = bs_sweep_settings_default();
    ck_assert(ss.progress == NULL && ss.progress_ctx == NULL);
    ck_assert_int_eq(bs_run_sweep(run, "W1[2,3]", &ss, &sw, &err), BS_LIB_OK);
    ck_assert_ptr_nonnull(sw);
    bs_sweep_info info;
    bs_step_sweep_info(sw, &info);
    ck_assert_str_eq(info.element, "g[1W][2,3]");
    ck_assert_uint_eq(info.n, 31);
    ck_assert_double_eq_tol(info.h[0], 1e-1, 1e-15);
    ck_assert_double_eq_tol(info.h[2], 1e-2, 1e-16);
    ck_assert_double_eq_tol(info.h[30] / 1e-16, 1, 1e-9);
    bs_step_info dw;
    ck_assert_int_eq(bs_run_find(run, "dW1", &dw, &err), BS_LIB_OK);
    ck_assert_double_eq_tol(info.analytic, dw.value[1 * dw.cols + 2], 1e-15);
    ck_assert_double_eq_tol(info.reference, info.analytic, 1e-12);
    const char *methods[] = {"forward", "central", "complex"};
    const double order[] = {1, 2, 2};
    for (int m = 0; m < 3; m++) {
        bs_sweep_method sm;
        ck_assert_int_eq(bs_step_sweep_method(sw, methods[m], &sm, &err), BS_LIB_OK);
        ck_assert_str_eq(sm.method, methods[m]);
        ck_assert_uint_lt(sm.best, info.n);
        ck_assert_msg(fabs(sm.slope_truncation - order[m]) < 0.2, "%s: slope %g, order %g",
                      methods[m], sm.slope_truncation, order[m]);
        /* the error is |D(h) − reference| */
        for (size_t i = 0; i < info.n; i++)
            ck_assert_double_eq_tol(sm.error[i], fabs(sm.value[i] - info.reference), 1e-15);
    }
    bs_sweep_method sm, central;
    ck_assert_int_eq(bs_step_sweep_method(sw, "richardson", &sm, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_step_sweep_method(sw, "central", &central, &err), BS_LIB_OK);
    ck_assert_double_lt(sm.error[0], central.error[0] * 1e-3);
    ck_assert_int_eq(bs_step_sweep_method(sw, "backward", &sm, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "method");

    /* rendering into memory equals rendering to a FILE * */
    const char *sweep_fmts[] = {"text", "svg"};
    for (int f = 0; f < 2; f++) {
        char *text = NULL;
        size_t len = 0;
        ck_assert_int_eq(bs_step_sweep_render_string(sw, sweep_fmts[f], &text, &len, &err),
                         BS_LIB_OK);
        ck_assert_uint_eq(strlen(text), len);
        FILE *fp = tmpfile();
        ck_assert_ptr_nonnull(fp);
        ck_assert_int_eq(bs_step_sweep_render(sw, fp, sweep_fmts[f], &err), BS_LIB_OK);
        rewind(fp);
        char *back = calloc(len + 2, 1);
        ck_assert_uint_eq(fread(back, 1, len + 1, fp), len);
        ck_assert_str_eq(back, text);
        ck_assert_ptr_nonnull(strstr(text, f ? "<svg" : "g[1W][2,3]"));
        free(back);
        fclose(fp);
        free(text);
    }
    char *text = (char *)spec;
    ck_assert_int_eq(bs_step_sweep_render_string(sw, "png", &text, NULL, &err),
                     BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(text);
    ck_assert_str_eq(err.where, "format");
    bs_step_sweep_free(sw);

    /* bad elements are usage errors naming the spec and quoting the element */
    const char *bad[] = {"W9[1,1]", "W1[5,1]", "W1", "x[1,1]", "loss[1,1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sw = (bs_step_sweep *)spec;
        ck_assert_int_eq(bs_run_sweep(run, bad[i], NULL, &sw, &err), BS_LIB_ERR_USAGE);
        ck_assert_ptr_null(sw);
        ck_assert_ptr_nonnull(strstr(err.file, "4-3-2-1-bce.json"));
        ck_assert_ptr_nonnull(strstr(err.message, bad[i]));
    }
    ck_assert_int_eq(bs_run_sweep(run, NULL, NULL, &sw, &err), BS_LIB_ERR_USAGE);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* A scaffold loads as a spec of the layer sizes asked (W1 4×3 in the row
 * convention, 3×4 in the column one), with weights of two decimals and 21
 * steps for three layers (a[0], y, z and a of each layer, L, four gradients
 * per layer); the same seed gives the same text, and bad settings are
 * usage errors. */
START_TEST(test_scaffold_loads_and_runs)
{
    bs_lib_error err;
    bs_scaffold_settings ss = bs_scaffold_settings_default();
    ck_assert(ss.seed == 1 && !ss.activations && !ss.loss && !ss.convention);
    char *text = NULL, *again = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", &ss, &text, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(strlen(text), len);
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", NULL, &again, NULL, &err), BS_LIB_OK);
    ck_assert_str_eq(again, text);
    free(again);
    ss.seed = 2;
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", &ss, &again, NULL, &err), BS_LIB_OK);
    ck_assert_str_ne(again, text);
    free(again);

    bs_spec *spec = NULL;
    ck_assert_int_eq(bs_spec_load_string(text, len, "init", &spec, &err), BS_LIB_OK);
    bs_run *run = run_of(spec);
    ck_assert_uint_eq(bs_run_step_count(run), 21);
    bs_step_info w;
    ck_assert_int_eq(bs_run_find(run, "W1", &w, &err), BS_LIB_OK);
    ck_assert_uint_eq(w.rows, 4);
    ck_assert_uint_eq(w.cols, 3);
    for (size_t i = 0; i < w.rows * w.cols; i++)
        ck_assert_double_eq_tol(w.value[i] * 100, round(w.value[i] * 100), 1e-9);
    ck_assert_int_eq(bs_run_check(run, NULL, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_run_passed(run), 1);
    bs_run_free(run);
    bs_spec_free(spec);
    free(text);

    ss = bs_scaffold_settings_default();
    ss.convention = "column";
    ss.activations = "tanh";
    ss.loss = "mse";
    ck_assert_int_eq(bs_spec_scaffold("4-3-2", &ss, &text, &len, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_spec_load_string(text, len, NULL, &spec, &err), BS_LIB_OK);
    run = run_of(spec);
    ck_assert_int_eq(bs_run_find(run, "W1", &w, &err), BS_LIB_OK);
    ck_assert_uint_eq(w.rows, 3);
    ck_assert_uint_eq(w.cols, 4);
    bs_run_free(run);
    bs_spec_free(spec);
    free(text);

    text = (char *)&err;
    ck_assert_int_eq(bs_spec_scaffold("4-3-x", NULL, &text, &len, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(text);
    ss = bs_scaffold_settings_default();
    ss.convention = "diagonal";
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", &ss, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "convention");
    ss.convention = NULL;
    ss.activations = "sigmoid,foo,tanh";
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", &ss, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "--activations");
    ss.activations = NULL;
    ss.loss = "hinge";
    ck_assert_int_eq(bs_spec_scaffold("4-3-2-1", &ss, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_spec_scaffold(NULL, NULL, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(text);
}
END_TEST

/* Writes the values of a step as a quiz answer: rows separated by ';'. */
static void answer_of(const bs_step_info *st, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t r = 0; r < st->rows; r++)
        for (size_t c = 0; c < st->cols; c++)
            at += (size_t)snprintf(buf + at, size - at, "%.17g%s", st->value[r * st->cols + c],
                                   c + 1 < st->cols ? " " : r + 1 < st->rows ? "; " : "");
}

/* A walk through the 4-3-2-1 network shows its 12 backward steps (4 per
 * layer) one line at a time and ends after the last; a quiz answered with
 * the run's own values scores 12 of 12, and g[3a] given for g[3z] is the
 * mistake of leaving out the activation's derivative (for sigmoid and BCE,
 * g[3z] = ŷ − y while g[3a] = (ŷ − y)/(ŷ(1 − ŷ))). */
START_TEST(test_sessions_step_and_quiz)
{
    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_run *run = run_of(spec);
    bs_lib_error err;
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    bs_session *se = (bs_session *)spec;
    ck_assert_int_eq(bs_run_step_session(run, NULL, &se, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_start(se, fp, &err), BS_LIB_OK);
    char prompt[64];
    bs_session_prompt(se, prompt, sizeof prompt);
    ck_assert_str_eq(prompt, "step 1/12> ");
    size_t fed = 0;
    while (!bs_session_ended(se) && fed < 100) {
        ck_assert_int_eq(bs_session_feed(se, "", fp, &err), BS_LIB_OK);
        fed++;
    }
    ck_assert_uint_eq(fed, 12);
    ck_assert_int_eq(bs_session_finish(se, fp, &err), BS_LIB_OK);
    bs_session_score sc;
    bs_session_tally(se, &sc);
    ck_assert_uint_eq(sc.steps, 0);
    char line[256] = "x";
    bs_session_score_line(se, line, sizeof line);
    ck_assert_str_eq(line, "");
    char *text = (char *)spec;
    ck_assert_int_eq(bs_session_record(se, &text, NULL, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(text);
    bs_session_free(se);

    /* q ends a walk at once */
    ck_assert_int_eq(bs_run_step_session(run, NULL, &se, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_start(se, fp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_feed(se, "q", fp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_ended(se), 1);
    bs_session_free(se);

    /* a quiz answered right throughout */
    bs_session_settings ss = bs_session_settings_default();
    ss.notation = "code";
    ck_assert_int_eq(bs_run_quiz(run, &ss, &se, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_start(se, fp, &err), BS_LIB_OK);
    bs_session_prompt(se, prompt, sizeof prompt);
    ck_assert_str_eq(prompt, "da3 = ");
    char answer[4096];
    for (size_t i = 0; i < bs_run_step_count(run); i++) {
        bs_step_info st;
        ck_assert_int_eq(bs_run_step(run, i, &st, &err), BS_LIB_OK);
        if (!st.gradient)
            continue;
        answer_of(&st, answer, sizeof answer);
        ck_assert_int_eq(bs_session_ended(se), 0);
        ck_assert_int_eq(bs_session_feed(se, answer, fp, &err), BS_LIB_OK);
    }
    ck_assert_int_eq(bs_session_ended(se), 1);
    bs_session_tally(se, &sc);
    ck_assert_uint_eq(sc.steps, 12);
    ck_assert_uint_eq(sc.first_try, 12);
    ck_assert_uint_eq(sc.wrong, 0);
    bs_session_score_line(se, line, sizeof line);
    ck_assert_str_eq(line, "score: 12/12 steps right at the first try; mistakes: none");
    size_t len = 0;
    ck_assert_int_eq(bs_session_record(se, &text, &len, &err), BS_LIB_OK);
    ck_assert_uint_eq(strlen(text), len);
    ck_assert_int_eq(text[0], '{');
    ck_assert_ptr_nonnull(strstr(text, "\"score\""));
    free(text);
    bs_session_free(se);

    /* g[3a]'s value given for g[3z]: the activation derivative left out */
    ss = bs_session_settings_default();
    ss.only = "g[3z]";
    ck_assert_int_eq(bs_run_quiz(run, &ss, &se, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_start(se, fp, &err), BS_LIB_OK);
    bs_step_info da3;
    ck_assert_int_eq(bs_run_find(run, "g[3a]", &da3, &err), BS_LIB_OK);
    answer_of(&da3, answer, sizeof answer);
    ck_assert_int_eq(bs_session_feed(se, answer, fp, &err), BS_LIB_OK);
    ck_assert_uint_eq(bs_session_mistake_count(se, "no-derivative"), 1);
    ck_assert_int_eq(bs_session_feed(se, "quit", fp, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_session_ended(se), 1);
    bs_session_tally(se, &sc);
    ck_assert_uint_eq(sc.steps, 1);
    ck_assert_uint_eq(sc.wrong, 1);
    ck_assert_uint_eq(sc.first_try, 0);
    bs_session_free(se);

    /* bad settings */
    ss = bs_session_settings_default();
    ss.only = "g[9z]";
    ck_assert_int_eq(bs_run_quiz(run, &ss, &se, &err), BS_LIB_ERR_USAGE);
    ck_assert_ptr_null(se);
    ck_assert_str_eq(err.where, "--only");
    ck_assert_ptr_nonnull(strstr(err.file, "4-3-2-1-bce.json"));
    ss = bs_session_settings_default();
    ss.notation = "greek";
    ck_assert_int_eq(bs_run_step_session(run, &ss, &se, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "notation");
    ss.notation = NULL;
    ss.precision = 18;
    ck_assert_int_eq(bs_run_quiz(run, &ss, &se, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "precision");
    fclose(fp);
    bs_run_free(run);
    bs_spec_free(spec);
}
END_TEST

/* Whether the built files hold `path`. */
static int built_has(const bs_exercise_files *f, const char *path)
{
    for (size_t i = 0; i < bs_exercise_files_count(f); i++)
        if (strcmp(bs_exercise_files_path(f, i), path) == 0)
            return 1;
    return 0;
}

/* A class list of three read from a file (and one of bad lines, each
 * reported with its line), an exercise set built for it with the sheets in
 * Markdown only (so no booklets), written into a fresh directory that then
 * opens for grading with three students, and a fourth student added. */
START_TEST(test_build_an_exercise)
{
    char dir[64], path[512];
    snprintf(dir, sizeof dir, "/tmp/bs-api-build-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_lib_error err, errs[4];
    ck_assert_int_eq(bs_lib_path_state(dir), BS_PATH_EMPTY_DIR);
    put_file(dir, "class.txt", "# the class\nann\nbob\n\ncat\n");
    put_file(dir, "late.txt", "dan\n");
    put_file(dir, "bad.txt", "ann\nb b\nANN\nok\n");
    ck_assert_int_eq(bs_lib_path_state(dir), BS_PATH_FULL_DIR);
    snprintf(path, sizeof path, "%s/class.txt", dir);
    ck_assert_int_eq(bs_lib_path_state(path), BS_PATH_NOT_DIR);
    snprintf(path, sizeof path, "%s/out", dir);
    ck_assert_int_eq(bs_lib_path_state(path), BS_PATH_MISSING);

    bs_class_list *list = (bs_class_list *)dir;
    size_t nerr = 9;
    snprintf(path, sizeof path, "%s/bad.txt", dir);
    ck_assert_int_eq(bs_class_list_load(path, &list, errs, 4, &nerr), BS_LIB_ERR_SPEC);
    ck_assert_ptr_null(list);
    ck_assert_uint_eq(nerr, 2); /* "b b" (a space) and ANN (ann again, whatever the case) */
    ck_assert_str_eq(errs[0].where, "line 2");
    ck_assert_str_eq(errs[1].where, "line 3");
    ck_assert_str_eq(errs[0].file, path);
    snprintf(path, sizeof path, "%s/none.txt", dir);
    ck_assert_int_eq(bs_class_list_load(path, &list, errs, 4, &nerr), BS_LIB_ERR_IO);
    ck_assert_uint_eq(nerr, 1);
    snprintf(path, sizeof path, "%s/class.txt", dir);
    ck_assert_int_eq(bs_class_list_load(path, &list, errs, 4, &nerr), BS_LIB_OK);
    ck_assert_uint_eq(nerr, 0);
    ck_assert_uint_eq(bs_class_list_count(list), 3);
    ck_assert_str_eq(bs_class_list_id(list, 0), "ann");
    ck_assert_str_eq(bs_class_list_id(list, 2), "cat");
    ck_assert_ptr_null(bs_class_list_id(list, 3));

    bs_spec *spec = spec_file("4-3-2-1-bce.json");
    bs_exercise_settings es = bs_exercise_settings_default();
    ck_assert(es.seed == 1 && es.digits == 0 && !es.formats && !es.policy);
    es.steps = "g[3z],dW1";
    es.formats = "markdown";
    bs_exercise_files *files = (bs_exercise_files *)dir;
    ck_assert_int_eq(bs_spec_exercise(spec, list, &es, &files, &err), BS_LIB_OK);
    ck_assert(built_has(files, "ann/spec.json") && built_has(files, "cat/sheet.md") &&
              built_has(files, "students/bob/answers.json") &&
              built_has(files, "exercise.json"));
    ck_assert(!built_has(files, "ann/sheet.tex") && !built_has(files, "booklet-sheets.html"));
    ck_assert_str_eq(bs_exercise_files_path(files, bs_exercise_files_count(files) - 1),
                     "exercise.json");
    ck_assert_ptr_null(bs_exercise_files_path(files, bs_exercise_files_count(files)));
    /* the class list is an input: no file of the set may replace it */
    snprintf(path, sizeof path, "%s/class.txt", dir);
    const char *keep[] = {path};
    snprintf(path, sizeof path, "%s/out", dir);
    ck_assert_int_eq(bs_exercise_files_write(files, path, keep, 1, &err), BS_LIB_OK);
    bs_exercise_files_free(files);

    bs_exercise *x = NULL;
    ck_assert_int_eq(bs_exercise_open(path, &x, &err), BS_LIB_OK);
    ck_assert_uint_eq(bs_exercise_student_count(x), 3);
    bs_class_list *late = NULL;
    char late_path[512];
    snprintf(late_path, sizeof late_path, "%s/late.txt", dir);
    ck_assert_int_eq(bs_class_list_load(late_path, &late, NULL, 0, NULL), BS_LIB_OK);
    ck_assert_int_eq(bs_exercise_add_students(x, late, &files, &err), BS_LIB_OK);
    ck_assert(built_has(files, "dan/spec.json") && !built_has(files, "ann/spec.json"));
    ck_assert_int_eq(bs_exercise_files_write(files, path, NULL, 0, &err), BS_LIB_OK);
    bs_exercise_files_free(files);
    /* ann is in the set already */
    ck_assert_int_eq(bs_exercise_add_students(x, list, &files, &err), BS_LIB_ERR_SPEC);
    ck_assert_ptr_null(files);
    ck_assert_ptr_nonnull(strstr(err.file, "class.txt"));
    bs_exercise_free(x);
    ck_assert_int_eq(bs_exercise_open(path, &x, &err), BS_LIB_OK);
    ck_assert_uint_eq(bs_exercise_student_count(x), 4);
    bs_exercise_free(x);

    /* bad settings */
    es = bs_exercise_settings_default();
    ck_assert_int_eq(bs_exercise_settings_validate(&es, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_exercise_settings_validate(NULL, &err), BS_LIB_OK);
    es.formats = "html,latex";
    ck_assert_int_eq(bs_exercise_settings_validate(&es, &err), BS_LIB_OK);
    es.formats = "html,pdf";
    ck_assert_int_eq(bs_exercise_settings_validate(&es, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "formats");
    ck_assert_ptr_nonnull(strstr(err.message, "pdf"));
    es.formats = "pdf";
    ck_assert_int_eq(bs_spec_exercise(spec, list, &es, &files, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "formats");
    es.formats = NULL;
    es.digits = 7;
    ck_assert_int_eq(bs_spec_exercise(spec, list, &es, &files, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "digits");
    ck_assert_int_eq(bs_exercise_settings_validate(&es, &err), BS_LIB_ERR_USAGE);
    es.digits = 4;
    ck_assert_int_eq(bs_exercise_settings_validate(&es, &err), BS_LIB_OK);
    es.digits = 0;
    es.policy = "lenient";
    ck_assert_int_eq(bs_spec_exercise(spec, list, &es, &files, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "policy");
    es.policy = NULL;
    es.steps = "dW9";
    ck_assert_int_eq(bs_spec_exercise(spec, list, &es, &files, &err), BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.where, "--steps");
    ck_assert_ptr_null(files);

    bs_class_list_free(late);
    bs_class_list_free(list);
    bs_spec_free(spec);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A writer for bs_lib_write_with: ctx's text, or EIO when ctx is NULL. */
static int write_text_or_fail(FILE *fp, const void *ctx)
{
    if (!ctx || fputs(ctx, fp) == EOF)
        return 5; /* EIO */
    return 0;
}

/* The atomic writer with a callback writes what it is handed, leaves the
 * old file when the writer fails, and refuses a kept file (another name for
 * it too); the output check refuses the same; two names of a file are the
 * same file. */
START_TEST(test_write_with_and_output_check)
{
    char dir[64], path[512], link[512], kept[512];
    snprintf(dir, sizeof dir, "/tmp/bs-api-write-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    snprintf(kept, sizeof kept, "%s/in.txt", dir);
    snprintf(link, sizeof link, "%s/other-name.txt", dir);
    put_file(dir, "in.txt", "input\n");
    ck_assert_int_eq(symlink("in.txt", link), 0);
    bs_lib_error err;
    ck_assert_int_eq(bs_lib_write_with(path, write_text_or_fail, "one\n", NULL, 0, &err),
                     BS_LIB_OK);
    ck_assert_int_eq(bs_lib_write_with(path, write_text_or_fail, NULL, NULL, 0, &err),
                     BS_LIB_ERR_IO);
    ck_assert_str_eq(err.file, path);
    FILE *f = fopen(path, "r");
    char line[32] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_str_eq(line, "one\n");
    const char *keep[] = {kept};
    ck_assert_int_eq(bs_lib_write_with(link, write_text_or_fail, "x\n", keep, 1, &err),
                     BS_LIB_ERR_USAGE);
    ck_assert_str_eq(err.file, link);
    ck_assert_int_eq(bs_lib_check_output(link, keep, 1, &err), BS_LIB_ERR_USAGE);
    ck_assert_int_eq(bs_lib_check_output(path, keep, 1, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_lib_check_output(kept, NULL, 0, &err), BS_LIB_OK);
    ck_assert_int_eq(bs_lib_same_file(link, kept), 1);
    ck_assert_int_eq(bs_lib_same_file(path, kept), 0);
    ck_assert_int_eq(bs_lib_same_file("/tmp/no-such-dir-bs/a", "/tmp/no-such-dir-bs/a"), 1);
    bs_lib_remove_temporary(); /* none is being written: nothing happens */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_free_null)
{
    bs_spec_free(NULL);
    bs_run_free(NULL);
    bs_grad_set_free(NULL);
    bs_comparison_free(NULL);
    bs_step_sweep_free(NULL);
    bs_session_free(NULL);
    bs_class_list_free(NULL);
    bs_exercise_files_free(NULL);
    free(NULL);
    /* and an error that says nothing formats to nothing */
    bs_lib_error err;
    memset(&err, 0, sizeof err);
    char line[16] = "x";
    bs_lib_error_line(&err, line, sizeof line);
    ck_assert_str_eq(line, "");
    ck_assert_str_eq(bs_lib_version(), BS_VERSION);
}
END_TEST

Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_syntax_error_has_place);
    tcase_add_test(tc, test_spec_error_has_path);
    tcase_add_test(tc, test_missing_file_is_io_error);
    tcase_add_test(tc, test_usage_errors);
    tcase_add_loop_test(tc, test_every_notation_reads_the_trace, 0,
                        (int)(sizeof notations / sizeof notations[0]));
    tcase_add_test(tc, test_values_worked_by_hand);
    tcase_add_test(tc, test_params_as_written);
    tcase_add_test(tc, test_step_names_and_order);
    tcase_add_test(tc, test_check_fills_numeric);
    tcase_add_test(tc, test_check_failure_is_a_value);
    tcase_add_test(tc, test_compare_agrees);
    tcase_add_loop_test(tc, test_compare_names_planted_mistake, 0,
                        (int)(sizeof plants / sizeof plants[0]));
    tcase_add_test(tc, test_grad_set_rejects_bad_input);
    tcase_add_loop_test(tc, test_render_buffer_equals_file, 0,
                        (int)(sizeof formats / sizeof formats[0]));
    tcase_add_test(tc, test_render_file_is_atomic);
    tcase_add_test(tc, test_load_settings_limits);
    tcase_add_test(tc, test_check_settings_validate);
    tcase_add_test(tc, test_check_progress_and_directions);
    tcase_add_test(tc, test_render_color_adds_escapes_only);
    tcase_add_test(tc, test_report_write_file);
    tcase_add_test(tc, test_grad_set_load_file);
    tcase_add_test(tc, test_compare_only_and_convention);
    tcase_add_test(tc, test_run_of_one_example);
    tcase_add_test(tc, test_write_file_except_keeps_inputs);
    tcase_add_test(tc, test_shipped_specs_by_name);
    tcase_add_test(tc, test_grade_an_exercise);
    tcase_add_test(tc, test_handout_walkthrough_numbers);
    tcase_add_test(tc, test_handout_000_unchecked);
    tcase_add_test(tc, test_handout_errors_are_values);
    tcase_add_test(tc, test_train_losses_and_update);
    tcase_add_test(tc, test_train_errors_are_values);
    tcase_add_test(tc, test_sweep_orders_and_errors);
    tcase_add_test(tc, test_scaffold_loads_and_runs);
    tcase_add_test(tc, test_sessions_step_and_quiz);
    tcase_add_test(tc, test_build_an_exercise);
    tcase_add_test(tc, test_write_with_and_output_check);
    tcase_add_test(tc, test_free_null);
    suite_add_tcase(s, tc);
    return s;
}
