/* check_trace.c — the trace against values worked by hand, the handouts'
 * closed forms, and the numerical check on every shipped spec. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_check.h"
#include "bs_net.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static bs_trace *trace_of(const bs_net *net)
{
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    return t;
}

static double at(const bs_trace *t, const char *id, size_t r, size_t c)
{
    const bs_step *s = bs_trace_find(t, id);
    ck_assert_msg(s != NULL, "no step %s", id);
    ck_assert_msg(r < s->rows && c < s->cols, "%s has no element [%zu,%zu]", id, r, c);
    return s->value[r * s->cols + c];
}

/* A 1-1-1 network worked by hand: x = 1, w1 = 0.5, b1 = 0, sigmoid,
 * w2 = 2, b2 = 0, identity output, y = 0, L = ½ ŷ². */
START_TEST(test_hand_worked_1_1_1)
{
    bs_net *net = bs_test_load("{\"layers\": [1, 1, 1], \"activations\": [\"sigmoid\", \"identity\"],"
                       " \"loss\": \"mse\", \"params\": {\"W1\": [[0.5]], \"b1\": [0],"
                       " \"W2\": [[2]], \"b2\": [0]}, \"x\": [1], \"y\": [0]}");
    bs_trace *t = trace_of(net);
    double a1 = 1.0 / (1.0 + exp(-0.5));
    double yhat = 2.0 * a1;
    double tol = 1e-15;
    ck_assert_double_eq_tol(at(t, "z[1]", 0, 0), 0.5, tol);
    ck_assert_double_eq_tol(at(t, "a[1]", 0, 0), a1, tol);
    ck_assert_double_eq_tol(at(t, "a[2]", 0, 0), yhat, tol);
    ck_assert_double_eq_tol(at(t, "L", 0, 0), 0.5 * yhat * yhat, tol);
    ck_assert_double_eq_tol(at(t, "g[2a]", 0, 0), yhat, tol);      /* ŷ − y */
    ck_assert_double_eq_tol(at(t, "g[2z]", 0, 0), yhat, tol);      /* identity: f' = 1 */
    ck_assert_double_eq_tol(at(t, "g[2W]", 0, 0), a1 * yhat, tol); /* a[1]ᵀ g[2z] */
    ck_assert_double_eq_tol(at(t, "g[2b]", 0, 0), yhat, tol);
    ck_assert_double_eq_tol(at(t, "g[1a]", 0, 0), 2.0 * yhat, tol); /* g[2z] W[2]ᵀ */
    double g1z = a1 * (1.0 - a1) * 2.0 * yhat;
    ck_assert_double_eq_tol(at(t, "g[1z]", 0, 0), g1z, tol);
    ck_assert_double_eq_tol(at(t, "g[1W]", 0, 0), 1.0 * g1z, tol);
    ck_assert_double_eq_tol(at(t, "g[1b]", 0, 0), g1z, tol);
    /* the order of the backward steps */
    const char *order[] = {"g[2a]", "g[2z]", "g[2W]", "g[2b]",
                           "g[1a]", "g[1z]", "g[1W]", "g[1b]"};
    for (size_t i = 0; i < 8; i++)
        ck_assert_str_eq(t->steps[t->first_backward + i].id, order[i]);
    ck_assert_uint_eq(t->nsteps, t->first_backward + 8);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Batch mean and L2 by hand: 1-1 identity network, w = 3, b = 1, λ = 0.5,
 * x = [1, 2], y = [0, 0]: ŷ = [4, 7], L = (16 + 49)/4 + 0.5·9 = 20.75,
 * g[1z] = (1/2)(ŷ − y) = [2, 3.5], g[1W] = 1·2 + 2·3.5 + 2·0.5·3 = 12. */
START_TEST(test_batch_mean_and_l2)
{
    bs_net *net = bs_test_load("{\"layers\": [1, 1], \"activations\": \"identity\", \"loss\": \"mse\","
                       " \"l2\": 0.5, \"params\": {\"W1\": [[3]], \"b1\": [1]},"
                       " \"x\": [[1], [2]], \"y\": [0, 0]}");
    bs_trace *t = trace_of(net);
    ck_assert_double_eq_tol(at(t, "L", 0, 0), 20.75, 1e-13);
    ck_assert_double_eq_tol(at(t, "g[1a]", 0, 0), 2.0, 1e-15);
    ck_assert_double_eq_tol(at(t, "g[1a]", 1, 0), 3.5, 1e-15);
    ck_assert_double_eq_tol(at(t, "g[1z]", 1, 0), 3.5, 1e-15);
    ck_assert_double_eq_tol(at(t, "g[1W]", 0, 0), 12.0, 1e-14);
    ck_assert_double_eq_tol(at(t, "g[1b]", 0, 0), 5.5, 1e-15);
    const bs_step *ga = bs_trace_find(t, "g[1a]");
    ck_assert_int_eq(ga->mean_enters, 1);
    ck_assert_int_eq(bs_trace_find(t, "g[1W]")->has_l2, 1);
    bs_trace_free(t);
    bs_net_free(net);
    /* the same with "sum": no 1/B */
    net = bs_test_load("{\"layers\": [1, 1], \"activations\": \"identity\", \"loss\": \"mse\","
               " \"batch_reduction\": \"sum\", \"params\": {\"W1\": [[3]], \"b1\": [1]},"
               " \"x\": [[1], [2]], \"y\": [0, 0]}");
    t = trace_of(net);
    ck_assert_double_eq_tol(at(t, "L", 0, 0), 32.5, 1e-13);
    ck_assert_double_eq_tol(at(t, "g[1W]", 0, 0), 4.0 + 14.0, 1e-14);
    ck_assert_int_eq(bs_trace_find(t, "g[1a]")->mean_enters, 0);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Handout 001: sigmoid + bce gives g[3z] = a[3] − y; g[3a] = (a − y)/(a(1 − a)). */
START_TEST(test_handout_001_closed_forms)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_trace *t = trace_of(net);
    double a = at(t, "a[3]", 0, 0), y = 1.0;
    ck_assert_double_eq_tol(at(t, "g[3z]", 0, 0), a - y, 1e-15);
    ck_assert_double_eq_tol(at(t, "g[3a]", 0, 0), (a - y) / (a * (1 - a)), 1e-14);
    /* the two flows into a_1[1]: W_{1,1}[2] g_1[2z] + W_{1,2}[2] g_2[2z] */
    double flows = 0.3 * at(t, "g[2z]", 0, 0) + (-0.4) * at(t, "g[2z]", 0, 1);
    ck_assert_double_eq_tol(at(t, "g[1a]", 0, 0), flows, 1e-16);
    /* shapes as handout 001 gives them */
    ck_assert_uint_eq(bs_trace_find(t, "g[1W]")->rows, 4);
    ck_assert_uint_eq(bs_trace_find(t, "g[1W]")->cols, 3);
    ck_assert_uint_eq(bs_trace_find(t, "g[3W]")->rows, 2);
    ck_assert_uint_eq(bs_trace_find(t, "g[3W]")->cols, 1);
    ck_assert_ptr_nonnull(bs_trace_find(t, "g[3z]")->shortcut);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Handout 000's summary formulas, column convention:
 * ∂L/∂W[2] = [(ŷ − y) ∘ f'(z[2])] (a[1])ᵀ,
 * ∂L/∂W[1] = [(W[2])ᵀ ((ŷ − y) ∘ f'(z[2])) ∘ σ'(z[1])] xᵀ. */
START_TEST(test_handout_000_summary)
{
    bs_net *net = bs_test_load_spec("000-2-3-2-mse.json");
    bs_trace *t = trace_of(net);
    const double W2[2][3] = {{0.3, -0.6, 0.2}, {-0.4, 0.5, 0.7}};
    const double x[2] = {0.8, -0.4}, y[2] = {1, 0};
    double d2[2], a1[3], d1[3];
    for (size_t j = 0; j < 2; j++) {
        double yh = at(t, "a[2]", j, 0);
        d2[j] = (yh - y[j]) * yh * (1 - yh);
    }
    for (size_t i = 0; i < 3; i++) {
        a1[i] = at(t, "a[1]", i, 0);
        double s = 0;
        for (size_t j = 0; j < 2; j++)
            s += W2[j][i] * d2[j];
        d1[i] = s * a1[i] * (1 - a1[i]);
    }
    /* displayed as in handout 000: W[2] is 2×3, W[1] is 3×2, b vectors n×1 */
    ck_assert_uint_eq(bs_trace_find(t, "g[2W]")->rows, 2);
    ck_assert_uint_eq(bs_trace_find(t, "g[2W]")->cols, 3);
    ck_assert_uint_eq(bs_trace_find(t, "g[1b]")->rows, 3);
    ck_assert_uint_eq(bs_trace_find(t, "g[1b]")->cols, 1);
    for (size_t j = 0; j < 2; j++) {
        ck_assert_double_eq_tol(at(t, "g[2b]", j, 0), d2[j], 1e-16);
        for (size_t i = 0; i < 3; i++)
            ck_assert_double_eq_tol(at(t, "g[2W]", j, i), d2[j] * a1[i], 1e-16);
    }
    for (size_t i = 0; i < 3; i++) {
        ck_assert_double_eq_tol(at(t, "g[1b]", i, 0), d1[i], 1e-16);
        for (size_t k = 0; k < 2; k++)
            ck_assert_double_eq_tol(at(t, "g[1W]", i, k), d1[i] * x[k], 1e-16);
    }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Handout 002, Lemma 2: softmax + cross-entropy gives g[Lz] = (1/B)(ŷ − y),
 * and each row of g[La] = −(1/B) y ⊘ ŷ. */
START_TEST(test_handout_002_lemma_2)
{
    bs_net *net = bs_test_load_spec("4-5-3-softmax-ce-l2.json");
    bs_trace *t = trace_of(net);
    const bs_step *gz = bs_trace_find(t, "g[2z]");
    ck_assert_uint_eq(gz->rows, 4);
    ck_assert_uint_eq(gz->cols, 3);
    const int labels[4] = {0, 2, 1, 2};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 3; j++) {
            double yh = at(t, "a[2]", i, j), yy = (int)j == labels[i] ? 1.0 : 0.0;
            ck_assert_double_eq_tol(at(t, "g[2z]", i, j), (yh - yy) / 4.0, 1e-16);
            ck_assert_double_eq_tol(at(t, "g[2a]", i, j), yy != 0 ? -yy / yh / 4.0 : 0.0,
                                    1e-14);
        }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Softmax with mse has no shortcut: g[z] = J_softmaxᵀ g[a], by hand for one
 * row: g_z_j = ŷ_j (g_a_j − Σ_t ŷ_t g_a_t), with g_a = ŷ − y (sum reduction). */
START_TEST(test_softmax_mse_jacobian)
{
    bs_net *net = bs_test_load_spec("3-4-3-relu-softmax-mse.json");
    bs_trace *t = trace_of(net);
    ck_assert_ptr_null(bs_trace_find(t, "g[2z]")->shortcut);
    const double y[2][3] = {{1, 0, 0}, {0, 0, 1}};
    for (size_t i = 0; i < 2; i++) {
        double yh[3], ga[3], dot = 0;
        for (size_t j = 0; j < 3; j++) {
            yh[j] = at(t, "a[2]", i, j);
            ga[j] = yh[j] - y[i][j];
            dot += yh[j] * ga[j];
        }
        for (size_t j = 0; j < 3; j++)
            ck_assert_double_eq_tol(at(t, "g[2z]", i, j), yh[j] * (ga[j] - dot), 1e-16);
    }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

static const char *const shipped[] = {
    "000-2-3-2-mse.json",       "4-3-2-1-bce.json",
    "4-5-3-softmax-ce-l2.json", "3-4-1-tanh-regression.json",
    "3-4-3-relu-softmax-mse.json", "2-3-3-2-leaky-relu-bce.json",
    "mnist-784-200-100-10.json"};

/* Every shipped spec passes its own check with both methods: the largest
 * relative error stays well under 1e-6 (central) and 1e-12 (complex step). */
START_TEST(test_shipped_specs_pass)
{
    bs_net *net = bs_test_load_spec(shipped[_i]);
    for (int m = 0; m < 2; m++) {
        bs_trace *t = trace_of(net);
        bs_check_opts o = bs_check_defaults(m ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL);
        ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
        ck_assert_msg(t->passed, "%s fails with %s", shipped[_i], bs_method_names[m]);
        double limit = m ? 1e-12 : 1e-6;
        ck_assert_msg(t->max_rel_error < limit, "%s %s: largest relative error %g",
                      shipped[_i], bs_method_names[m], t->max_rel_error);
        ck_assert_uint_gt(t->n_compared, 0);
        bs_trace_free(t);
    }
    bs_net_free(net);
}
END_TEST

/* A wrong analytic value must be caught: corrupt one element and re-check. */
START_TEST(test_check_catches_error)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_trace *t = trace_of(net);
    bs_step *s = (bs_step *)bs_trace_find(t, "g[2W]");
    s->value[3] *= 1.001;
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    ck_assert_uint_eq(t->n_failed, 1);
    ck_assert_uint_eq(s->n_failed, 1);
    ck_assert_uint_eq(s->worst, 3);
    ck_assert_double_eq_tol(s->max_rel_error, 0.001 / 1.001, 1e-8);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Large steps are sampled deterministically, and --full compares all. */
START_TEST(test_sampling)
{
    bs_net *net = bs_test_load("{\"layers\": [30, 20, 2], \"activations\": [\"tanh\", \"sigmoid\"],"
                       " \"loss\": \"bce\", \"init\": {\"seed\": 3, \"scale\": 0.3},"
                       " \"random_batch\": {\"size\": 4, \"seed\": 9}}");
    bs_trace *t = trace_of(net);
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    const bs_step *w1 = bs_trace_find(t, "g[1W]");
    ck_assert_uint_eq(w1->n_compared, 25);
    ck_assert(t->sampled);
    size_t big = 0, marked = 0;
    for (size_t k = 0; k < 600; k++) {
        if (fabs(w1->value[k]) > fabs(w1->value[big]))
            big = k;
        marked += w1->compared[k];
    }
    ck_assert_uint_eq(marked, 25);
    ck_assert_uint_eq(w1->compared[big], 1); /* the largest is always compared */
    unsigned char first[600];
    memcpy(first, w1->compared, 600);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert_int_eq(memcmp(first, bs_trace_find(t, "g[1W]")->compared, 600), 0);
    o.full = 1;
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert_uint_eq(bs_trace_find(t, "g[1W]")->n_compared, 600);
    ck_assert(!t->sampled);
    ck_assert(t->passed);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Weights so large that the output saturates: the loss is still finite
 * (computed from z), but g[3a] = (ŷ − y)/(ŷ(1 − ŷ)) is not; the trace marks it
 * and the verdict is not a pass. */
START_TEST(test_nonfinite_is_never_a_pass)
{
    bs_net *net = bs_test_load("{\"layers\": [1, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\","
                       " \"params\": {\"W1\": [[1000]], \"b1\": [0]}, \"x\": [1], \"y\": [0]}");
    bs_trace *t = trace_of(net);
    ck_assert(isfinite(at(t, "L", 0, 0)));
    ck_assert_double_eq_tol(at(t, "L", 0, 0), 1000.0, 1e-9);
    ck_assert_uint_lt(t->first_nonfinite, t->nsteps);
    ck_assert_str_eq(t->steps[t->first_nonfinite].id, "g[1a]");
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Claims: hand-computed values rounded to 4 significant digits agree; one
 * wrong digit is caught; the check then fails.  Values worked by hand for
 * the 1-1-1 network of test_hand_worked_1_1_1: ŷ = 2σ(0.5) = 1.244919,
 * L = ½ŷ² = 0.774901, g[2z] = ŷ = 1.244919, g[1z] = σ'(0.5)·2ŷ = 0.585121. */
START_TEST(test_claims)
{
#define CLAIMS_SPEC "{\"layers\": [1, 1, 1], \"activations\": [\"sigmoid\", \"identity\"]," \
                    " \"loss\": \"mse\", \"params\": {\"W1\": [[0.5]], \"b1\": [0]," \
                    " \"W2\": [[2]], \"b2\": [0]}, \"x\": [1], \"y\": [0], \"claims\": %s}"
    char spec[1024];
    snprintf(spec, sizeof spec, CLAIMS_SPEC,
             "{\"loss\": 0.7749, \"g[2z]\": 1.245, \"dz1\": [[0.5851]], \"dL/db1\": [0.5851]}");
    bs_net *net = bs_test_load(spec);
    bs_trace *t = trace_of(net);
    ck_assert_uint_eq(t->nclaims, 4);
    ck_assert_uint_eq(t->claims_wrong, 0);
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(t->passed);
    bs_trace_free(t);
    bs_net_free(net);

    snprintf(spec, sizeof spec, CLAIMS_SPEC, "{\"g[1z]\": 0.5861}"); /* one digit off */
    net = bs_test_load(spec);
    t = trace_of(net);
    ck_assert_uint_eq(t->claims_wrong, 1);
    ck_assert_int_eq(t->claims[0].agrees, 0);
    ck_assert_str_eq(t->steps[t->claims[0].step].id, "g[1z]");
    double a1 = 1.0 / (1.0 + exp(-0.5)), g1z = a1 * (1 - a1) * 2 * (2 * a1);
    ck_assert_double_eq_tol(t->claims[0].max_rel, (0.5861 - g1z) / 0.5861, 1e-12);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    bs_trace_free(t);
    bs_net_free(net);

    /* bad claims are spec errors naming the claim */
    const struct {
        const char *claims, *where, *phrase;
    } bad[] = {
        {"{\"g[2y]\": 1}", "claims.g[2y]", "unknown step"},
        {"{\"dz2\": 1, \"g[2z]\": 1}", "claims.g[2z]", "a second time"},
        {"{\"g[3z]\": 1}", "claims.g[3z]", "there is no layer 3"},
        {"{\"g[1W]\": [[1, 2]]}", "claims.g[1W]", "expected 1×1"},
        {"{\"loss\": \"big\"}", "claims.loss", "expected an array of numbers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(spec, sizeof spec, CLAIMS_SPEC, bad[i].claims);
        bs_error err;
        bs_net *n2 = NULL;
        ck_assert_int_eq(bs_net_load_string(spec, strlen(spec), "c.json", NULL, &n2, &err),
                         BS_ERR_SPEC);
        ck_assert_str_eq(err.where, bad[i].where);
        ck_assert_msg(strstr(err.message, bad[i].phrase), "%s: %s", bad[i].claims, err.message);
    }
}
END_TEST

Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_hand_worked_1_1_1);
    tcase_add_test(tc, test_batch_mean_and_l2);
    tcase_add_test(tc, test_handout_001_closed_forms);
    tcase_add_test(tc, test_handout_000_summary);
    tcase_add_test(tc, test_handout_002_lemma_2);
    tcase_add_test(tc, test_softmax_mse_jacobian);
    tcase_add_loop_test(tc, test_shipped_specs_pass, 0,
                        (int)(sizeof shipped / sizeof shipped[0]));
    tcase_add_test(tc, test_check_catches_error);
    tcase_add_test(tc, test_sampling);
    tcase_add_test(tc, test_nonfinite_is_never_a_pass);
    tcase_add_test(tc, test_claims);
    suite_add_tcase(s, tc);
    return s;
}
