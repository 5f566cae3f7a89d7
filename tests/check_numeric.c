/* check_numeric.c — the numerical methods and the verdict of the check:
 * each method's error order against the complex step, the kink flag and
 * one-sided differences, agree / disagree / unresolved, kinks consistent
 * and inconsistent, and which side of a disagreement is wrong. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_check.h"
#include "bs_verdict.h"
#include "bs_directions.h"
#include "bs_forward.h"
#include "bs_net.h"
#include "bs_numeric.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

/* relu then identity, mse: z[1] = x·W1 + b1 = 1 − 1 = 0 exactly, the kink;
 * ŷ = 2·relu(z[1]), L = ½(ŷ − 1)² (the example of docs/numerics.md) */
#define KINK_SPEC "{\"layers\": [1, 1, 1], \"activations\": [\"relu\", \"identity\"]," \
                  " \"loss\": \"mse\", \"params\": {\"W1\": [[1]], \"b1\": [%s]," \
                  " \"W2\": [[2]], \"b2\": [0]}, \"x\": [1], \"y\": [1]}"

/* identity, mse, y = (1e6, 0): ℓ ≈ 5e11 from the first output, while the
 * second output's gradients are 0.5: L(x ± h) differ by 1e-4·0.5, below the
 * rounding of a loss of 5e11 (docs/numerics.md, "unresolved") */
#define FLAT_SPEC "{\"layers\": [1, 2], \"activations\": [\"identity\"], \"loss\": \"mse\"," \
                  " \"params\": {\"W1\": [[0, 0.5]], \"b1\": [0, 0]}, \"x\": [1]," \
                  " \"y\": [1e6, 0]}"

/* The trace of net, checked with options o. */
static bs_trace *checked_with(const bs_net *net, const bs_check_opts *o)
{
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    ck_assert_int_eq(bs_trace_check(t, o, NULL), BS_OK);
    return t;
}

static bs_trace *checked(const bs_net *net, bs_method m, double eps, int strict)
{
    bs_check_opts o = bs_check_defaults(m);
    o.epsilon = eps;
    o.strict = strict;
    return checked_with(net, &o);
}

static const bs_method all_methods[] = {BS_METHOD_CENTRAL, BS_METHOD_FORWARD,
                                        BS_METHOD_RICHARDSON, BS_METHOD_COMPLEX};

static bs_step *step(bs_trace *t, const char *id)
{
    bs_step *s = (bs_step *)bs_trace_find(t, id);
    ck_assert_msg(s != NULL, "no step %s", id);
    return s;
}

/* ---- the methods ---- */

/* Halving h divides the truncation error by 2^p: forward p = 1, central
 * and complex p = 2, Richardson p = 4, measured against the complex step
 * at its default step on a smooth spec (sigmoids and bce), for ∂L/∂W[1]
 * and ∂L/∂z[2] (an element of one example).  The steps are large enough
 * for truncation to dominate rounding. */
static const struct {
    bs_method m;
    int order;
    double h;
} orders[] = {{BS_METHOD_FORWARD, 1, 1e-3},
              {BS_METHOD_CENTRAL, 2, 1e-2},
              {BS_METHOD_RICHARDSON, 4, 0.4},
              {BS_METHOD_COMPLEX, 2, 0.2}};

START_TEST(test_error_order)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_numeric *nm = NULL;
    ck_assert_int_eq(bs_numeric_create(net, fw, &nm, NULL), BS_OK);
    static const struct {
        bs_qty q;
        size_t layer, k;
    } entries[] = {{BS_Q_W, 1, 5}, {BS_Q_Z, 2, 1}};
    for (size_t e = 0; e < 2; e++) {
        bs_numeric_item it = {.q = entries[e].q, .layer = entries[e].layer, .k = entries[e].k};
        bs_numeric_derivative(nm, BS_METHOD_COMPLEX, 0.0, &it);
        double ref = it.value;
        ck_assert_double_eq_tol(it.step, 1e-20, 1e-35);
        bs_numeric_derivative(nm, orders[_i].m, orders[_i].h, &it);
        double e1 = fabs(it.value - ref);
        ck_assert_double_eq(it.step, orders[_i].h);
        /* the error bar covers the error and is of its size */
        if (orders[_i].m != BS_METHOD_COMPLEX) {
            ck_assert_msg(it.error >= 0.5 * e1 && it.error <= 3.0 * e1,
                          "%s: error bar %g for an error of %g", bs_method_names[orders[_i].m],
                          it.error, e1);
        }
        bs_numeric_derivative(nm, orders[_i].m, orders[_i].h / 2, &it);
        double e2 = fabs(it.value - ref);
        ck_assert_msg(e1 > 1e3 * 1e-16 * fabs(ref), "truncation too small to measure: %g", e1);
        ck_assert_double_eq_tol(log2(e1 / e2), orders[_i].order, 0.15);
        ck_assert_int_eq(it.kink, 0);
        ck_assert(isnan(it.left) && isnan(it.right));
    }
    ck_assert_int_eq(bs_numeric_order(orders[_i].m), orders[_i].order);
    bs_numeric_free(nm);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The default steps: √ε, ∛ε, ε^(1/5) and 1e-20, times max(1, |x|). */
START_TEST(test_default_steps)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_numeric *nm = NULL;
    ck_assert_int_eq(bs_numeric_create(net, fw, &nm, NULL), BS_OK);
    double w = net->W[1][0], scale = fmax(1.0, fabs(w));
    ck_assert_double_eq_tol(bs_numeric_default_step(nm, BS_METHOD_FORWARD, BS_Q_W, 1, 0),
                            1.4901161193847656e-08 * scale, 1e-22);
    ck_assert_double_eq_tol(bs_numeric_default_step(nm, BS_METHOD_CENTRAL, BS_Q_W, 1, 0),
                            6.0554544523933395e-06 * scale, 1e-19);
    ck_assert_double_eq_tol(bs_numeric_default_step(nm, BS_METHOD_RICHARDSON, BS_Q_W, 1, 0),
                            7.4009597974140505e-04 * scale, 1e-17);
    ck_assert_double_eq_tol(bs_numeric_default_step(nm, BS_METHOD_COMPLEX, BS_Q_W, 1, 0),
                            1e-20 * scale, 1e-34);
    bs_numeric_free(nm);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* At z[1] = 0 a move of b[1] by −h crosses the kink: the item is flagged
 * (for the forward difference too, which probes x − h) and the one-sided
 * differences are known by hand, left (L(0) − L(−h))/h = 0 (relu is flat
 * there) and right (L(h) − L(0))/h = (½(2h − 1)² − ½)/h = 2h − 2.  With b[1] = −0.5 (z[1] = 0.5) no step of 1e-3 crosses; the
 * complex step never does, since the real part does not move. */
START_TEST(test_kink_flag)
{
    char spec[512];
    for (int at_kink = 1; at_kink >= 0; at_kink--) {
        snprintf(spec, sizeof spec, KINK_SPEC, at_kink ? "-1" : "-0.5");
        bs_net *net = bs_test_load(spec);
        bs_forward *fw = NULL;
        ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
        bs_numeric *nm = NULL;
        ck_assert_int_eq(bs_numeric_create(net, fw, &nm, NULL), BS_OK);
        const bs_method ms[] = {BS_METHOD_FORWARD, BS_METHOD_CENTRAL, BS_METHOD_RICHARDSON};
        for (size_t i = 0; i < 3; i++) {
            bs_numeric_item it = {.q = BS_Q_B, .layer = 1, .k = 0};
            double h = 1e-3;
            bs_numeric_derivative(nm, ms[i], h, &it);
            ck_assert_int_eq(it.kink, at_kink);
            if (at_kink) {
                ck_assert_double_eq(it.left, 0.0);
                ck_assert_double_eq_tol(it.right, 2 * h - 2, 1e-12);
                /* its error bar: 2·|right(h) − right(h/2)| = 2h, the true error */
                ck_assert_double_eq_tol(it.right_error, 2 * h, 1e-9);
            }
            /* a (z of a relu layer) and W behind it are flagged the same way */
            bs_numeric_item iz = {.q = BS_Q_Z, .layer = 1, .k = 0};
            bs_numeric_derivative(nm, ms[i], h, &iz);
            ck_assert_int_eq(iz.kink, at_kink);
        }
        bs_numeric_item ic = {.q = BS_Q_B, .layer = 1, .k = 0};
        bs_numeric_derivative(nm, BS_METHOD_COMPLEX, 0.0, &ic);
        ck_assert_int_eq(ic.kink, 0);
        /* the layer above (identity) has no kink: moving b[2] never crosses */
        bs_numeric_item ib = {.q = BS_Q_B, .layer = 2, .k = 0};
        bs_numeric_derivative(nm, BS_METHOD_CENTRAL, 0.5, &ib);
        ck_assert_int_eq(ib.kink, 0);
        bs_numeric_free(nm);
        bs_forward_free(fw);
        bs_net_free(net);
    }
}
END_TEST

/* ---- the verdict ---- */

/* Every shipped spec passes with every method, every element agreeing
 * (none unresolved, no kink). */
static const char *const shipped[] = {
    "000-2-3-2-mse.json",          "4-3-2-1-bce.json",
    "4-5-3-softmax-ce-l2.json",    "3-4-1-tanh-regression.json",
    "3-4-3-relu-softmax-mse.json", "2-3-3-2-leaky-relu-bce.json",
    "mnist-784-200-100-10.json"};

START_TEST(test_shipped_all_methods)
{
    bs_net *net = bs_test_load_spec(shipped[_i]);
    const bs_method ms[] = {BS_METHOD_FORWARD, BS_METHOD_CENTRAL, BS_METHOD_RICHARDSON,
                            BS_METHOD_COMPLEX};
    for (size_t m = 0; m < 4; m++) {
        bs_trace *t = checked(net, ms[m], 0.0, 1);
        ck_assert_msg(t->passed, "%s fails with %s", shipped[_i], bs_method_names[ms[m]]);
        ck_assert_uint_eq(t->n_agree, t->n_compared);
        ck_assert_uint_eq(t->n_disagree + t->n_unresolved + t->n_kink_ok + t->n_kink_bad, 0);
        ck_assert_int_eq(t->failure.found, 0);
        bs_trace_free(t);
    }
    bs_net_free(net);
}
END_TEST

/* A pre-activation exactly at 0: the central difference there averages the
 * two slopes (−1 instead of 0 or −2), yet the analytic subgradient 0 lies
 * between the one-sided differences 0 and −2: "kink, consistent" for
 * g[1z], g[1W] and g[1b], and the check passes. */
START_TEST(test_kink_consistent)
{
    char spec[512];
    snprintf(spec, sizeof spec, KINK_SPEC, "-1");
    bs_net *net = bs_test_load(spec);
    bs_trace *t = checked(net, BS_METHOD_CENTRAL, 0.0, 1);
    ck_assert(t->passed);
    ck_assert_uint_eq(t->n_kink_ok, 3);
    ck_assert_uint_eq(t->n_kink_bad, 0);
    ck_assert_uint_eq(t->n_agree, 5);
    bs_step *z = step(t, "g[1z]");
    ck_assert_int_eq(z->verdict[0], BS_V_KINK_OK);
    ck_assert_double_eq(z->value[0], 0.0);
    ck_assert_double_eq_tol(z->numeric[0], -1.0, 1e-4);
    ck_assert_double_eq(z->left[0], 0.0);
    ck_assert_double_eq_tol(z->right[0], -2.0, 1e-4);
    ck_assert_int_eq(step(t, "g[1W]")->verdict[0], BS_V_KINK_OK);
    ck_assert_int_eq(step(t, "g[2z]")->verdict[0], BS_V_AGREE);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* A wrong ReLU derivative at the kink, planted in the analytic values:
 * relu'(0) taken as 2 makes g[1z] = 2·g[1a] = −4, outside [−2, 0]: "kink,
 * inconsistent", a failure, named with its one-sided differences.  relu'(0)
 * taken as 1 (g[1z] = −2) is another valid subgradient and passes. */
START_TEST(test_kink_inconsistent)
{
    char spec[512];
    snprintf(spec, sizeof spec, KINK_SPEC, "-1");
    bs_net *net = bs_test_load(spec);
    const double planted[] = {-4.0, -2.0};
    for (int i = 0; i < 2; i++) {
        bs_trace *t = NULL;
        ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
        bs_step *z = step(t, "g[1z]");
        ck_assert_double_eq(step(t, "g[1a]")->value[0], -2.0);
        z->value[0] = planted[i];
        bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
        ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
        if (i == 0) {
            ck_assert(!t->passed);
            ck_assert_int_eq(z->verdict[0], BS_V_KINK_BAD);
            ck_assert_uint_eq(t->n_kink_bad, 1);
            ck_assert_uint_eq(t->n_failed, 1);
            ck_assert(t->failure.found);
            ck_assert_str_eq(t->steps[t->failure.step].id, "g[1z]");
            ck_assert_int_eq(t->failure.verdict, BS_V_KINK_BAD);
            ck_assert_double_eq(t->failure.left, 0.0);
            ck_assert_double_eq_tol(t->failure.right, -2.0, 1e-4);
            ck_assert_int_eq(t->failure.side, BS_SIDE_NONE);
            ck_assert_ptr_null(t->failure.ratio_name); /* −4 / −1: not telling */
        } else {
            ck_assert(t->passed);
            ck_assert_int_eq(z->verdict[0], BS_V_KINK_OK);
        }
        bs_trace_free(t);
    }
    bs_net_free(net);
}
END_TEST

/* A planted analytic error: g[2W][2,2] (stored entry 3) doubled, or its
 * sign flipped, disagrees; re-evaluated at h, h/4, h/16, h/64 the gap stays
 * |analytic − numeric| = |v|: the analytic side is wrong, and the ratio is
 * named.  With every method. */
START_TEST(test_analytic_side_wrong)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    const double factor[] = {2.0, -1.0, 0.5};
    const char *const name[] = {"2", "-1", "1/2"};
    const bs_method ms[] = {BS_METHOD_FORWARD, BS_METHOD_CENTRAL, BS_METHOD_RICHARDSON,
                            BS_METHOD_COMPLEX};
    for (size_t m = 0; m < 4; m++)
        for (int f = 0; f < 3; f++) {
            bs_trace *t = NULL;
            ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
            bs_step *w = step(t, "g[2W]");
            double v = w->value[3];
            w->value[3] = factor[f] * v;
            bs_check_opts o = bs_check_defaults(ms[m]);
            ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
            ck_assert(!t->passed);
            ck_assert_uint_eq(t->n_disagree, 1);
            ck_assert_int_eq(w->verdict[3], BS_V_DISAGREE);
            ck_assert(t->failure.found);
            ck_assert_uint_eq(t->failure.index, 3);
            ck_assert_int_eq(t->failure.side, BS_SIDE_ANALYTIC);
            ck_assert_str_eq(t->failure.ratio_name, name[f]);
            for (int j = 0; j < BS_SIDE_STEPS; j++)
                ck_assert_double_eq_tol(t->failure.gap[j], fabs(factor[f] - 1) * fabs(v),
                                        1e-5 * fabs(v));
            bs_trace_free(t);
        }
    bs_net_free(net);
}
END_TEST

/* A batch: an analytic g[1b] that forgot the 1/B is B times the numeric
 * value, and the ratio says so. */
START_TEST(test_ratio_batch)
{
    bs_net *net = bs_test_load_spec("4-5-3-softmax-ce-l2.json");
    ck_assert_uint_eq(net->B, 4);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_step *b = step(t, "g[1b]");
    size_t big = 0;
    for (size_t k = 1; k < b->rows * b->cols; k++)
        if (fabs(b->value[k]) > fabs(b->value[big]))
            big = k;
    b->value[big] *= 4.0;
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    ck_assert_str_eq(t->failure.ratio_name, "B");
    ck_assert_int_eq(t->failure.side, BS_SIDE_ANALYTIC);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* A too-large step: with h = 0.5 the central difference is off by about
 * h²·L‴/6, which its error bar measures, so the elements are unresolved
 * (the check unverified, not a pass, when not strict) or fail (strict); the
 * complex step's bar is rounding only, so there they disagree.  Either way
 * the analysis finds the gap shrinking like h²: the step was too large. */
START_TEST(test_step_too_large)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_trace *t = checked(net, BS_METHOD_CENTRAL, 0.5, 0);
    ck_assert(!t->passed);
    ck_assert(t->unverified);
    ck_assert_uint_eq(t->n_verified, 0);
    ck_assert_uint_gt(t->n_unresolved, 0);
    ck_assert_uint_eq(t->n_disagree, 0);
    ck_assert_int_eq(t->failure.side, BS_SIDE_STEP);
    bs_trace_free(t);
    t = checked(net, BS_METHOD_CENTRAL, 0.5, 1);
    ck_assert(!t->passed);
    ck_assert_uint_eq(t->n_failed, t->n_unresolved);
    ck_assert_int_eq(t->failure.side, BS_SIDE_STEP);
    ck_assert_int_eq(t->failure.order, 2);
    /* the gap shrinks by about 4² per step of the analysis */
    ck_assert_double_eq_tol(log(t->failure.gap[2] / t->failure.gap[3]) / log(4.0), 2.0, 0.2);
    bs_trace_free(t);
    t = checked(net, BS_METHOD_COMPLEX, 0.5, 0);
    ck_assert(!t->passed);
    ck_assert_uint_gt(t->n_disagree, 0);
    ck_assert_int_eq(t->failure.side, BS_SIDE_STEP);
    bs_trace_free(t);
    t = checked(net, BS_METHOD_FORWARD, 0.05, 1);
    ck_assert(!t->passed);
    ck_assert_int_eq(t->failure.side, BS_SIDE_STEP);
    ck_assert_int_eq(t->failure.order, 1);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* A loss flat to rounding: the second output's gradients (0.5) move the
 * loss by less than its rounding, so the numeric value is noise with an
 * error bar far wider than the tolerance: unresolved, not a failure unless
 * strict, but not a pass either (the check is unverified); the first
 * output's gradients (−1e6) agree.  The analysis calls it rounding. */
START_TEST(test_unresolved_flat)
{
    bs_net *net = bs_test_load(FLAT_SPEC);
    bs_trace *t = checked(net, BS_METHOD_CENTRAL, 0.0, 0);
    ck_assert(!t->passed);
    ck_assert(t->unverified);
    ck_assert_uint_eq(t->n_verified, 4);
    ck_assert_uint_eq(t->n_unresolved, 4);
    ck_assert_uint_eq(t->n_agree, 4);
    ck_assert_uint_eq(t->n_disagree, 0);
    bs_step *w = step(t, "g[1W]");
    ck_assert_double_eq(w->value[1], 0.5);
    ck_assert_int_eq(w->verdict[1], BS_V_UNRESOLVED);
    ck_assert_int_eq(w->verdict[0], BS_V_AGREE);
    ck_assert(w->numeric_error[1] > 1000 * 1e-6 * 0.5);
    ck_assert_int_eq(t->failure.side, BS_SIDE_ROUNDING);
    bs_trace_free(t);
    t = checked(net, BS_METHOD_CENTRAL, 0.0, 1);
    ck_assert(!t->passed);
    ck_assert_uint_eq(t->n_failed, 4);
    bs_trace_free(t);
    /* the complex step has no rounding to fight: everything agrees */
    t = checked(net, BS_METHOD_COMPLEX, 0.0, 1);
    ck_assert(t->passed);
    ck_assert_uint_eq(t->n_agree, 8);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Softmax + cross-entropy whose third output underflows to exactly 0: z =
 * x·W1 = [500, 0, −500], ŷ = [1, e^−500, 0] in doubles, y = [1, 0, 0].  By
 * hand, ℓ = −log ŷ1 has no term in ŷ3 (its target is 0), so ∂ℓ/∂ŷ3 = 0
 * exactly, and ∂ℓ/∂ŷ1 = −1/ŷ1 = −1.  Every method, on the incremental and
 * the plain path, finds those values and the check passes: no step of 0
 * (ŷ3 = 0 is no edge of the loss), no NaN. */
#define SOFTMAX_ZERO_SPEC                                                                    \
    "{\"layers\": [2, 3], \"activations\": [\"softmax\"], \"loss\": \"cross_entropy\","     \
    " \"params\": {\"W1\": [[500, -500, 0], [0, 500, -500]], \"b1\": [0, 0, 0]},"           \
    " \"x\": [1, 1], \"y\": [1, 0, 0]}"

START_TEST(test_softmax_output_zero)
{
    bs_net *net = bs_test_load(SOFTMAX_ZERO_SPEC);
    for (int plain = 0; plain < 2; plain++)
        for (size_t m = 0; m < 4; m++) {
            bs_check_opts o = bs_check_defaults(all_methods[m]);
            o.plain = plain;
            bs_trace *t = checked_with(net, &o);
            bs_step *ga = step(t, "g[1a]");
            ck_assert_double_eq(ga->numeric[2], 0.0);
            ck_assert_double_eq_tol(ga->numeric[0], -1.0, 1e-6);
            ck_assert_uint_eq(t->n_nonfinite, 0);
            ck_assert_msg(t->passed, "method %zu plain %d", m, plain);
            bs_trace_free(t);
        }
    bs_net_free(net);
}
END_TEST

/* x = [1e308, 1e308], W1 = [[1], [−1]]: z = 0, ŷ = σ(0) = 1/2, and by hand
 * under mse with y = 1, g[1z] = (ŷ − y)·ŷ(1 − ŷ) = −1/8, so g[1W][1,1] =
 * x1·g[1z] = −1.25e307, right.  Any step h moves z by h·1e308, which
 * saturates the sigmoid: the difference quotient grows like 1/h and never
 * settles.  The element is unresolved, the numeric side is named as the
 * one that cannot be trusted (not the analytic one), and the check is not
 * a pass. */
#define SATURATED_SPEC                                                                       \
    "{\"layers\": [2, 1], \"activations\": [\"sigmoid\"], \"loss\": \"mse\","               \
    " \"params\": {\"W1\": [[1], [-1]], \"b1\": [0]}, \"x\": [1e308, 1e308], \"y\": [1]}"

START_TEST(test_numeric_unreliable)
{
    bs_net *net = bs_test_load(SATURATED_SPEC);
    for (size_t m = 0; m < 4; m++)
        for (size_t dirs = 0; dirs <= 3; dirs += 3) {
            bs_check_opts o = bs_check_defaults(all_methods[m]);
            o.directions = dirs;
            bs_trace *t = checked_with(net, &o);
            bs_step *w = step(t, "g[1W]");
            ck_assert_double_eq_tol(w->value[0], -1.25e307, 1e293);
            ck_assert_int_eq(w->verdict[0], BS_V_UNRESOLVED);
            ck_assert_uint_eq(t->n_disagree, 0);
            ck_assert_msg(!t->passed && t->unverified, "method %zu, %zu directions", m, dirs);
            ck_assert_int_eq(t->failure.side, BS_SIDE_NUMERIC);
            if (dirs)
                ck_assert_uint_eq(t->directions->n_failed, 0);
            bs_trace_free(t);
        }
    bs_net_free(net);
}
END_TEST

/* The limits on the options (docs/numerics.md, "Limits on the options"):
 * the smallest step of each method, worked by hand from DBL_EPSILON = 2^−52
 * (∛ε = 6.0555e−6, √ε = 1.4901e−8, ε^(1/5) = 7.4009e−4) and DBL_MIN =
 * 2^−1022; rtol below 1 and atol at most 1e−3; and bs_trace_check refuses
 * what is outside them. */
START_TEST(test_option_limits)
{
    ck_assert_double_eq_tol(bs_check_min_step(BS_METHOD_CENTRAL), 6.0555e-9, 1e-12);
    ck_assert_double_eq_tol(bs_check_min_step(BS_METHOD_FORWARD), 1.4901e-11, 1e-14);
    ck_assert_double_eq_tol(bs_check_min_step(BS_METHOD_RICHARDSON), 7.4009e-7, 1e-10);
    ck_assert_double_eq_tol(bs_check_min_step(BS_METHOD_COMPLEX) / 1.0020841800044864e-292,
                            1.0, 1e-12);
    bs_error e;
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, 0.0, &e), BS_OK);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, 6.1e-9, &e), BS_OK);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, 6.0e-9, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, 1e-300, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, 5e-324, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_COMPLEX, 1e-20, &e), BS_OK);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_COMPLEX, 1e-300, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_step(BS_METHOD_CENTRAL, NAN, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_tolerances(0.999, 1e-3, &e), BS_OK);
    ck_assert_int_eq(bs_check_validate_tolerances(-1, -1, &e), BS_OK);
    ck_assert_int_eq(bs_check_validate_tolerances(1.0, -1, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_tolerances(1e308, -1, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_tolerances(-1, 1e308, &e), BS_ERR_USAGE);
    ck_assert_int_eq(bs_check_validate_tolerances(-1, NAN, &e), BS_ERR_USAGE);
    /* the largest accepted rtol still tells a value from its negation:
     * |1 − (−1)| = 2 > 0.999·max(1, 1) */
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.rtol = 0.999;
    o.atol = 1e-3;
    bs_numeric_item it = {0};
    it.value = -1.0;
    it.error = 1e-12;
    ck_assert_int_eq(bs_check_judge(1.0, &it, &o), BS_V_DISAGREE);
    /* a numeric value that is not finite never agrees, and only an analytic
     * one that is not finite disagrees */
    it.value = NAN;
    ck_assert_int_eq(bs_check_judge(1.0, &it, &o), BS_V_UNRESOLVED);
    it.value = INFINITY;
    ck_assert_int_eq(bs_check_judge(1.0, &it, &o), BS_V_UNRESOLVED);
    it.value = 1.0;
    ck_assert_int_eq(bs_check_judge(NAN, &it, &o), BS_V_DISAGREE);
    ck_assert_int_eq(bs_check_judge(INFINITY, &it, &o), BS_V_DISAGREE);
    /* the library refuses them too */
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.epsilon = 1e-300;
    ck_assert_int_eq(bs_trace_check(t, &o, &e), BS_ERR_USAGE);
    ck_assert(!t->passed);
    o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.rtol = 1e308;
    ck_assert_int_eq(bs_trace_check(t, &o, &e), BS_ERR_USAGE);
    ck_assert(!t->passed);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

Suite *numeric_suite(void)
{
    Suite *s = suite_create("numeric");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_error_order, 0, (int)(sizeof orders / sizeof orders[0]));
    tcase_add_test(tc, test_default_steps);
    tcase_add_test(tc, test_kink_flag);
    tcase_add_loop_test(tc, test_shipped_all_methods, 0,
                        (int)(sizeof shipped / sizeof shipped[0]));
    tcase_add_test(tc, test_kink_consistent);
    tcase_add_test(tc, test_kink_inconsistent);
    tcase_add_test(tc, test_analytic_side_wrong);
    tcase_add_test(tc, test_ratio_batch);
    tcase_add_test(tc, test_step_too_large);
    tcase_add_test(tc, test_unresolved_flat);
    tcase_add_test(tc, test_softmax_output_zero);
    tcase_add_test(tc, test_numeric_unreliable);
    tcase_add_test(tc, test_option_limits);
    suite_add_tcase(s, tc);
    return s;
}
