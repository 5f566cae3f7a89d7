/* check_loss.c — tests of bs_loss: every registered loss's value, gradient
 * and complex-step value against formulas written out here and central
 * differences taken here; the values with a closed form; the fused
 * output/loss pairs, including where the plain loss would overflow; the
 * handout's shortcut g[z] = ŷ − y; the registry.
 *
 * References are computed in long double, written from the mathematics
 * rather than copied from src/core/bs_loss_tmpl.h. */
#include <check.h>

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "bs_act.h"
#include "bs_loss.h"

#define MAXN 6

static const double FD_H = 1e-6;
static const double CS_H = 1e-20;

/* |got − want| ≤ rel · max(floor, |want|) */
static int close_rel(double got, double want, double rel, double floor_)
{
    return fabs(got - want) <= rel * fmax(floor_, fabs(want));
}

/* ---------------------------------------------------------------------------
 * Reference losses: ℓ(ŷ, y) and ∂ℓ/∂ŷ
 * ------------------------------------------------------------------------- */

typedef double (*ref_value_fn)(const double *a, const double *y, size_t n);
typedef void (*ref_grad_fn)(const double *a, const double *y, double *g, size_t n);

static double ref_mse(const double *a, const double *y, size_t n)
{
    long double s = 0.0L;
    for (size_t j = 0; j < n; j++)
        s += ((long double)a[j] - y[j]) * ((long double)a[j] - y[j]);
    return (double)(s / 2.0L);
}

static void ref_mse_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++)
        g[j] = a[j] - y[j];
}

/* −Σ [y log ŷ + (1 − y) log(1 − ŷ)], a term with coefficient 0 left out */
static double ref_bce(const double *a, const double *y, size_t n)
{
    long double s = 0.0L;
    for (size_t j = 0; j < n; j++) {
        if (y[j] != 0.0)
            s -= y[j] * logl(a[j]);
        if (y[j] != 1.0)
            s -= (1.0L - y[j]) * logl(1.0L - a[j]);
    }
    return (double)s;
}

/* −y/ŷ + (1 − y)/(1 − ŷ) */
static void ref_bce_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++)
        g[j] = (double)(-(long double)y[j] / a[j] +
                        (1.0L - y[j]) / (1.0L - a[j]));
}

static double ref_ce(const double *a, const double *y, size_t n)
{
    long double s = 0.0L;
    for (size_t j = 0; j < n; j++)
        if (y[j] != 0.0)
            s -= y[j] * logl(a[j]);
    return (double)s;
}

static void ref_ce_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++)
        g[j] = y[j] != 0.0 ? (double)(-(long double)y[j] / a[j]) : 0.0;
}

enum target_kind { TARGETS_ANY, TARGETS_UNIT, TARGETS_SIMPLEX };

typedef struct loss_ref {
    const char *name;
    enum target_kind targets;
    ref_value_fn value;
    ref_grad_fn grad;
} loss_ref;

/* What each loss is, by its mathematics (not read from the registry). */
static const loss_ref refs[] = {
    {"mse", TARGETS_ANY, ref_mse, ref_mse_grad},
    {"bce", TARGETS_UNIT, ref_bce, ref_bce_grad},
    {"cross_entropy", TARGETS_SIMPLEX, ref_ce, ref_ce_grad},
};
#define N_REFS (sizeof refs / sizeof refs[0])

static const loss_ref *find_ref(const char *name)
{
    for (size_t i = 0; i < N_REFS; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    return NULL;
}

static size_t n_losses(void)
{
    size_t n = 0;
    while (bs_losses[n])
        n++;
    return n;
}

/* ---------------------------------------------------------------------------
 * The table: registry entry × case
 * ------------------------------------------------------------------------- */

#define ROW_N 3
#define N_CASES 4

static const double yhats[N_CASES][ROW_N] = {
    {0.2, 0.7, 0.45}, {0.15, 0.6, 0.25}, {0.9, 0.05, 0.5}, {0.33, 0.33, 0.34}};
static const double targets[3][N_CASES][ROW_N] = {
    [TARGETS_ANY] = {{0, 1, 0.3}, {-1.5, 2, 0.4}, {3, -0.2, 0.5}, {0.1, 0.1, 0.1}},
    [TARGETS_UNIT] = {{0, 1, 0.3}, {1, 0.25, 0}, {0.5, 0.5, 1}, {0, 0, 0}},
    [TARGETS_SIMPLEX] = {{0, 1, 0}, {0.2, 0.5, 0.3}, {1, 0, 0}, {0, 0.25, 0.75}},
};

START_TEST(test_loss_table)
{
    size_t e = (size_t)_i / N_CASES, c = (size_t)_i % N_CASES;
    const bs_loss *loss = bs_losses[e];
    ck_assert_ptr_nonnull(loss);
    const loss_ref *ref = find_ref(loss->name);
    ck_assert_msg(ref != NULL, "no reference for loss '%s'", loss->name);
    const double *a = yhats[c];
    const double *y = targets[ref->targets][c];
    const size_t n = ROW_N;

    /* the value */
    double v = loss->value_d(a, y, n);
    double vref = ref->value(a, y, n);
    ck_assert_msg(close_rel(v, vref, 1e-14, 1e-300),
                  "%s case %zu: value %.17g, expected %.17g", loss->name, c, v,
                  vref);

    /* the gradient, against the closed form and central differences */
    double g[MAXN], gref[MAXN];
    loss->grad(a, y, g, n);
    ref->grad(a, y, gref, n);
    for (size_t j = 0; j < n; j++) {
        ck_assert_msg(close_rel(g[j], gref[j], 1e-14, 1e-300),
                      "%s case %zu: grad[%zu] = %.17g, closed form %.17g",
                      loss->name, c, j, g[j], gref[j]);
        double ap[MAXN], am[MAXN];
        memcpy(ap, a, n * sizeof *a);
        memcpy(am, a, n * sizeof *a);
        ap[j] += FD_H;
        am[j] -= FD_H;
        double fd = (loss->value_d(ap, y, n) - loss->value_d(am, y, n)) /
                    (2.0 * FD_H);
        ck_assert_msg(close_rel(g[j], fd, 1e-8, 1.0),
                      "%s case %zu: grad[%zu] = %.17g, finite difference %.17g "
                      "(yhat = %g, y = %g)",
                      loss->name, c, j, g[j], fd, a[j], y[j]);

        /* the complex step */
        double complex ac[MAXN];
        for (size_t t = 0; t < n; t++)
            ac[t] = bs_test_cx(a[t], t == j ? CS_H : 0.0);
        double complex vc = loss->value_c(ac, y, n);
        double cs = cimag(vc) / CS_H;
        ck_assert_msg(close_rel(cs, g[j], 1e-12, 1e-300) || (cs == 0.0 && g[j] == 0.0),
                      "%s case %zu: complex step d/dyhat[%zu] = %.17g, grad "
                      "%.17g",
                      loss->name, c, j, cs, g[j]);
        ck_assert_msg(creal(vc) == v || fabs(creal(vc) - v) <= 1e-15 * fabs(v),
                      "%s case %zu: Re value_c = %.17g, value_d = %.17g",
                      loss->name, c, creal(vc), v);
    }
}
END_TEST

/* ---------------------------------------------------------------------------
 * Values worked out by hand
 * ------------------------------------------------------------------------- */

static const bs_loss *must_find(const char *name)
{
    const bs_loss *l = bs_loss_find(name);
    ck_assert_msg(l != NULL, "loss '%s' is not registered", name);
    return l;
}

static const bs_activation *must_find_act(const char *name)
{
    const bs_activation *a = bs_activation_find(name);
    ck_assert_msg(a != NULL, "activation '%s' is not registered", name);
    return a;
}

START_TEST(test_hand_values)
{
    /* mse of ŷ = [0.2, 0.7], y = [0, 1]: ½(0.04 + 0.09) = 0.065 */
    double a1[2] = {0.2, 0.7}, y1[2] = {0.0, 1.0}, g[3];
    ck_assert_double_eq_tol(must_find("mse")->value_d(a1, y1, 2), 0.065, 1e-16);
    must_find("mse")->grad(a1, y1, g, 2);
    ck_assert_double_eq_tol(g[0], 0.2, 1e-16);
    ck_assert_double_eq_tol(g[1], -0.3, 1e-16);

    /* bce of ŷ = 0.8, y = 1: −log 0.8; gradient −1/0.8 = −1.25 */
    double a2 = 0.8, y2 = 1.0;
    ck_assert_double_eq_tol(must_find("bce")->value_d(&a2, &y2, 1), -log(0.8),
                            1e-16);
    must_find("bce")->grad(&a2, &y2, g, 1);
    ck_assert_double_eq_tol(g[0], -1.25, 1e-14);
    /* y = 0: −log 0.2; gradient 1/0.2 = 5 */
    y2 = 0.0;
    ck_assert_double_eq_tol(must_find("bce")->value_d(&a2, &y2, 1), -log(0.2),
                            1e-15);
    must_find("bce")->grad(&a2, &y2, g, 1);
    ck_assert_double_eq_tol(g[0], 5.0, 1e-13);

    /* cross_entropy of ŷ = [0.2, 0.5, 0.3], y = [0, 1, 0]: −log 0.5 = log 2;
     * gradient [0, −2, 0] */
    double a3[3] = {0.2, 0.5, 0.3}, y3[3] = {0.0, 1.0, 0.0};
    ck_assert_double_eq_tol(must_find("cross_entropy")->value_d(a3, y3, 3),
                            log(2.0), 1e-16);
    must_find("cross_entropy")->grad(a3, y3, g, 3);
    ck_assert_double_eq(g[0], 0.0);
    ck_assert_double_eq_tol(g[1], -2.0, 1e-15);
    ck_assert_double_eq(g[2], 0.0);

    /* bce's gradient where ŷ is exactly 1 with y = 1 (or 0 with y = 0): by
     * hand, ∂/∂ŷ −[y log ŷ + (1 − y) log(1 − ŷ)] is −y/ŷ = −1 (or
     * (1 − y)/(1 − ŷ) = 1), the other term having coefficient 0; the
     * factored form (ŷ − y)/(ŷ(1 − ŷ)) would be 0/0 */
    {
        double ae[2] = {1.0, 0.0}, ye[2] = {1.0, 0.0}, ge[2];
        must_find("bce")->grad(ae, ye, ge, 2);
        ck_assert_double_eq(ge[0], -1.0);
        ck_assert_double_eq(ge[1], 1.0);
    }
    /* bce with a target of 0 or 1 at ŷ = 0 or 1 has a zero-coefficient
     * log 0 term, which must be left out, not turned into NaN */
    double a4[2] = {0.0, 1.0}, y4[2] = {0.0, 1.0};
    ck_assert_double_eq(must_find("bce")->value_d(a4, y4, 2), 0.0);
    double a5[3] = {0.0, 1.0, 0.0}, y5[3] = {0.0, 1.0, 0.0};
    ck_assert_double_eq(must_find("cross_entropy")->value_d(a5, y5, 3), 0.0);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Fused pairs
 * ------------------------------------------------------------------------- */

typedef struct fused_ref {
    const char *act, *loss;
    int shortcut;
} fused_ref;

static const fused_ref fused_refs[] = {
    {"sigmoid", "bce", 1},
    {"softmax", "cross_entropy", 1},
    {"softmax", "bce", 0},
};
#define N_FUSED (sizeof fused_refs / sizeof fused_refs[0])

/* Reference forward of the two output activations, in long double. */
static void ref_forward(const char *act, const double *z, double *a, size_t n)
{
    if (strcmp(act, "sigmoid") == 0) {
        for (size_t j = 0; j < n; j++)
            a[j] = (double)(1.0L / (1.0L + expl(-(long double)z[j])));
        return;
    }
    ck_assert_str_eq(act, "softmax");
    long double s = 0.0L;
    for (size_t j = 0; j < n; j++)
        s += expl((long double)z[j]);
    for (size_t j = 0; j < n; j++)
        a[j] = (double)(expl((long double)z[j]) / s);
}

/* ∂ℓ/∂z from the chain rule with the reference forward and loss gradient:
 * elementwise sigmoid g_z = σ'(z) g_a, softmax g_z = Jᵀ g_a. */
static void ref_dz(const char *act, const char *loss, const double *z,
                   const double *y, double *gz, size_t n)
{
    double a[MAXN], ga[MAXN];
    ref_forward(act, z, a, n);
    find_ref(loss)->grad(a, y, ga, n);
    if (strcmp(act, "sigmoid") == 0) {
        for (size_t j = 0; j < n; j++)
            gz[j] = a[j] * (1.0 - a[j]) * ga[j];
        return;
    }
    double dot = 0.0;
    for (size_t t = 0; t < n; t++)
        dot += a[t] * ga[t];
    for (size_t j = 0; j < n; j++)
        gz[j] = a[j] * (ga[j] - dot);
}

START_TEST(test_fused_registry)
{
    /* every activation × loss: fused exactly for the pairs of the table */
    for (size_t i = 0; bs_activations[i]; i++)
        for (size_t k = 0; bs_losses[k]; k++) {
            const bs_activation *act = bs_activations[i];
            const bs_loss *loss = bs_losses[k];
            const bs_fused *f = bs_fused_find(act, loss);
            const fused_ref *want = NULL;
            for (size_t r = 0; r < N_FUSED; r++)
                if (strcmp(fused_refs[r].act, act->name) == 0 &&
                    strcmp(fused_refs[r].loss, loss->name) == 0)
                    want = &fused_refs[r];
            if (!want) {
                ck_assert_msg(f == NULL, "%s + %s should not be fused",
                              act->name, loss->name);
                continue;
            }
            ck_assert_msg(f != NULL, "%s + %s should be fused", act->name,
                          loss->name);
            ck_assert_str_eq(f->activation, act->name);
            ck_assert_str_eq(f->loss, loss->name);
            ck_assert_msg(f->value_d != NULL && f->value_c != NULL,
                          "%s + %s: missing value functions", act->name,
                          loss->name);
            ck_assert_int_eq(f->shortcut, want->shortcut);
            if (f->shortcut)
                ck_assert_msg(f->note != NULL && f->note[0] != '\0',
                              "%s + %s: a shortcut without a note", act->name,
                              loss->name);
        }
    /* each of the table found once */
    for (size_t r = 0; r < N_FUSED; r++)
        ck_assert_ptr_nonnull(bs_fused_find(must_find_act(fused_refs[r].act),
                                            must_find(fused_refs[r].loss)));
    ck_assert_ptr_null(bs_fused_find(must_find_act("sigmoid"), must_find("mse")));
    ck_assert_ptr_null(bs_fused_find(must_find_act("identity"), must_find("mse")));
    ck_assert_ptr_null(bs_fused_find(must_find_act("sigmoid"),
                                     must_find("cross_entropy")));
    ck_assert_ptr_null(bs_fused_find(NULL, must_find("bce")));
    ck_assert_ptr_null(bs_fused_find(must_find_act("sigmoid"), NULL));
    ck_assert_ptr_null(bs_fused_find(NULL, NULL));
}
END_TEST

/* Moderate pre-activations and targets for fused pair r, case c. */
#define N_FCASES 3
static const double fz[N_FCASES][ROW_N] = {
    {0.3, -0.5, 1.1}, {-2.2, 1.7, 0.05}, {4.0, -3.5, 0.9}};
static const double fy_unit[N_FCASES][ROW_N] = {
    {0, 1, 0}, {0.25, 0.6, 1}, {1, 0, 0.5}};
static const double fy_simplex[N_FCASES][ROW_N] = {
    {0, 1, 0}, {0.2, 0.5, 0.3}, {1, 0, 0}};

START_TEST(test_fused_table)
{
    size_t r = (size_t)_i / N_FCASES, c = (size_t)_i % N_FCASES;
    const fused_ref *fr = &fused_refs[r];
    const bs_activation *act = must_find_act(fr->act);
    const bs_loss *loss = must_find(fr->loss);
    const bs_fused *f = bs_fused_find(act, loss);
    ck_assert_ptr_nonnull(f);
    const double *z = fz[c];
    const double *y = strcmp(fr->loss, "cross_entropy") == 0 ? fy_simplex[c]
                                                             : fy_unit[c];
    const size_t n = ROW_N;

    /* the fused value equals the plain loss of the activation's output */
    double v = f->value_d(z, y, n);
    double a[MAXN], aref[MAXN];
    act->forward_d(z, a, n);
    double plain = loss->value_d(a, y, n);
    ref_forward(fr->act, z, aref, n);
    double vref = find_ref(fr->loss)->value(aref, y, n);
    ck_assert_msg(close_rel(v, plain, 1e-12, 1e-300),
                  "%s + %s case %zu: fused %.17g, plain %.17g", fr->act,
                  fr->loss, c, v, plain);
    ck_assert_msg(close_rel(v, vref, 1e-12, 1e-300),
                  "%s + %s case %zu: fused %.17g, reference %.17g", fr->act,
                  fr->loss, c, v, vref);

    /* ∂ℓ/∂z by central differences and by the complex step, against the chain
     * rule; for shortcut pairs also against ŷ − y */
    double gz[MAXN];
    ref_dz(fr->act, fr->loss, z, y, gz, n);
    double worst_shortcut_gap = 0.0;
    for (size_t j = 0; j < n; j++) {
        double zp[MAXN], zm[MAXN];
        memcpy(zp, z, n * sizeof *z);
        memcpy(zm, z, n * sizeof *z);
        zp[j] += FD_H;
        zm[j] -= FD_H;
        double fd = (f->value_d(zp, y, n) - f->value_d(zm, y, n)) / (2.0 * FD_H);
        ck_assert_msg(close_rel(fd, gz[j], 1e-8, 1.0),
                      "%s + %s case %zu: finite difference dl/dz[%zu] = %.17g, "
                      "chain rule %.17g",
                      fr->act, fr->loss, c, j, fd, gz[j]);

        double complex zc[MAXN];
        for (size_t t = 0; t < n; t++)
            zc[t] = bs_test_cx(z[t], t == j ? CS_H : 0.0);
        double complex vc = f->value_c(zc, y, n);
        double cs = cimag(vc) / CS_H;
        ck_assert_msg(close_rel(cs, gz[j], 1e-12, 1.0),
                      "%s + %s case %zu: complex step dl/dz[%zu] = %.17g, chain "
                      "rule %.17g",
                      fr->act, fr->loss, c, j, cs, gz[j]);
        ck_assert_msg(close_rel(cs, fd, 1e-8, 1.0),
                      "%s + %s case %zu: complex step %.17g, finite difference "
                      "%.17g",
                      fr->act, fr->loss, c, cs, fd);
        ck_assert_msg(creal(vc) == v || fabs(creal(vc) - v) <= 1e-15 * fabs(v),
                      "%s + %s case %zu: Re value_c = %.17g, value_d = %.17g",
                      fr->act, fr->loss, c, creal(vc), v);

        double shortcut = aref[j] - y[j];
        if (fr->shortcut) {
            /* handout 001 (sigmoid + bce), handout 002 Lemma 2 (softmax + ce) */
            ck_assert_msg(close_rel(fd, shortcut, 1e-8, 1.0),
                          "%s + %s case %zu: dl/dz[%zu] = %.17g by finite "
                          "differences, but yhat - y = %.17g",
                          fr->act, fr->loss, c, j, fd, shortcut);
            ck_assert_msg(close_rel(cs, shortcut, 1e-12, 1.0),
                          "%s + %s case %zu: dl/dz[%zu] = %.17g by complex step, "
                          "but yhat - y = %.17g",
                          fr->act, fr->loss, c, j, cs, shortcut);
        }
        worst_shortcut_gap = fmax(worst_shortcut_gap, fabs(fd - shortcut));
    }
    /* a pair without the shortcut flag really has no such shortcut */
    if (!fr->shortcut)
        ck_assert_msg(worst_shortcut_gap > 1e-3,
                      "%s + %s case %zu: dl/dz = yhat - y after all (gap %g)",
                      fr->act, fr->loss, c, worst_shortcut_gap);
}
END_TEST

static double fused_value(const char *act, const char *loss, const double *z,
                          const double *y, size_t n)
{
    const bs_fused *f = bs_fused_find(must_find_act(act), must_find(loss));
    ck_assert_ptr_nonnull(f);
    return f->value_d(z, y, n);
}

static double fused_cs(const char *act, const char *loss, const double *z,
                       const double *y, size_t n, size_t j)
{
    const bs_fused *f = bs_fused_find(must_find_act(act), must_find(loss));
    ck_assert_ptr_nonnull(f);
    double complex zc[MAXN];
    for (size_t t = 0; t < n; t++)
        zc[t] = bs_test_cx(z[t], t == j ? CS_H : 0.0);
    return cimag(f->value_c(zc, y, n)) / CS_H;
}

/* Where σ(z) rounds to 1 (or 0), plain bce takes log 0; the fused form is
 * y softplus(−z) + (1 − y) softplus(z), with softplus(x) = x + log(1 + e⁻ˣ)
 * ≈ x for x ≫ 0 and ≈ eˣ ≈ 0 for x ≪ 0. */
START_TEST(test_sigmoid_bce_extreme)
{
    double z = 800.0, y = 0.0;
    double v = fused_value("sigmoid", "bce", &z, &y, 1);
    ck_assert_msg(isfinite(v), "sigmoid+bce(z = 800, y = 0) = %g", v);
    ck_assert_double_eq_tol(v, 800.0, 1e-12);
    z = -800.0;
    y = 1.0;
    ck_assert_double_eq_tol(fused_value("sigmoid", "bce", &z, &y, 1), 800.0, 1e-12);
    z = 800.0;
    y = 1.0; /* softplus(−800) = log(1 + e⁻⁸⁰⁰) ≈ e⁻⁸⁰⁰ */
    ck_assert_double_eq_tol(fused_value("sigmoid", "bce", &z, &y, 1), 0.0, 1e-300);
    y = 0.25; /* 0.25·0 + 0.75·800 */
    ck_assert_double_eq_tol(fused_value("sigmoid", "bce", &z, &y, 1), 600.0, 1e-12);
    /* 40: σ(40) = 1 − 4e-18 rounds to 1; ℓ = 40 + log(1 + e⁻⁴⁰) */
    z = 40.0;
    y = 0.0;
    ck_assert_double_eq_tol(fused_value("sigmoid", "bce", &z, &y, 1), 40.0, 1e-13);

    /* the shortcut holds out there too: dℓ/dz = σ(z) − y */
    z = 800.0;
    y = 0.0;
    ck_assert_double_eq_tol(fused_cs("sigmoid", "bce", &z, &y, 1, 0), 1.0, 1e-12);
    y = 0.25;
    ck_assert_double_eq_tol(fused_cs("sigmoid", "bce", &z, &y, 1, 0), 0.75, 1e-12);
    z = -800.0;
    y = 1.0;
    ck_assert_double_eq_tol(fused_cs("sigmoid", "bce", &z, &y, 1, 0), -1.0, 1e-12);
}
END_TEST

/* ℓ = lse(z) − Σ_j y_j z_j when Σ y = 1 */
START_TEST(test_softmax_ce_extreme)
{
    double z[3] = {1000.0, 0.0, 0.0}, y[3] = {0.0, 1.0, 0.0};
    double v = fused_value("softmax", "cross_entropy", z, y, 2);
    ck_assert_msg(isfinite(v), "softmax+ce([1000, 0], [0, 1]) = %g", v);
    ck_assert_double_eq_tol(v, 1000.0, 1e-12);
    double y2[2] = {1.0, 0.0}; /* log(1 + e⁻¹⁰⁰⁰) ≈ 0 */
    ck_assert_double_eq_tol(fused_value("softmax", "cross_entropy", z, y2, 2),
                            0.0, 1e-300);
    /* [1000, 999, 0], y = e₂: 1000 + log(1 + e⁻¹) − 999 */
    double z3[3] = {1000.0, 999.0, 0.0}, y3[3] = {0.0, 1.0, 0.0};
    ck_assert_double_eq_tol(fused_value("softmax", "cross_entropy", z3, y3, 3),
                            1.0 + log1p(exp(-1.0)), 1e-13);
    /* all very negative: uniform, ℓ = log 3 (formed as lse − z₃ with
     * lse ≈ −998.9, so good to about an ulp of 1000 ≈ 1.1e-13) */
    double z4[3] = {-1000.0, -1000.0, -1000.0}, y4[3] = {0.0, 0.0, 1.0};
    ck_assert_double_eq_tol(fused_value("softmax", "cross_entropy", z4, y4, 3),
                            log(3.0), 1e-12);

    /* the shortcut out there: dℓ/dz = ŷ − y = [1, −1] at [1000, 0], y = e₂ */
    ck_assert_double_eq_tol(fused_cs("softmax", "cross_entropy", z, y, 2, 0),
                            1.0, 1e-12);
    ck_assert_double_eq_tol(fused_cs("softmax", "cross_entropy", z, y, 2, 1),
                            -1.0, 1e-12);
}
END_TEST

/* softmax + bce for two outputs: ŷ₂ = 1 − ŷ₁ = σ(z₂ − z₁), so with y = [0, 1]
 * ℓ = −log(1 − ŷ₁) − log ŷ₂ = 2 softplus(z₁ − z₂). */
START_TEST(test_softmax_bce_large)
{
    double y[2] = {0.0, 1.0};
    /* 40: ŷ₁ rounds to 1, so plain bce would take log 0 */
    double z[2] = {40.0, 0.0};
    double v = fused_value("softmax", "bce", z, y, 2);
    ck_assert_msg(isfinite(v), "softmax+bce([40, 0], [0, 1]) = %g", v);
    ck_assert_double_eq_tol(v, 80.0, 1e-12);
    /* 700: e⁻⁷⁰⁰ is still a normal double */
    double z2[2] = {700.0, 0.0};
    ck_assert_double_eq_tol(fused_value("softmax", "bce", z2, y, 2), 1400.0, 1e-10);
    /* the uniform case: ŷ = [½, ½], ℓ = 2 log 2 */
    double z3[2] = {-1000.0, -1000.0};
    ck_assert_double_eq_tol(fused_value("softmax", "bce", z3, y, 2),
                            2.0 * log(2.0), 1e-15);
}
END_TEST

/* Beyond a gap of about 745 between the largest and the other
 * pre-activations, Σ_{t≠j} exp(z_t − m) would underflow to 0; the fused
 * softmax + bce must still give ℓ = 2 softplus(1000) = 2000. */
START_TEST(test_softmax_bce_huge)
{
    double y[2] = {0.0, 1.0}, z[2] = {1000.0, 0.0};
    double v = fused_value("softmax", "bce", z, y, 2);
    ck_assert_msg(isfinite(v), "softmax+bce([1000, 0], [0, 1]) = %g, expected 2000",
                  v);
    ck_assert_double_eq_tol(v, 2000.0, 1e-10);
}
END_TEST

/* ---------------------------------------------------------------------------
 * The registry
 * ------------------------------------------------------------------------- */

START_TEST(test_find)
{
    ck_assert_uint_eq(n_losses(), N_REFS);
    for (size_t i = 0; bs_losses[i]; i++) {
        ck_assert_str_eq(bs_losses[i]->name, refs[i].name); /* the order */
        ck_assert_msg(bs_loss_find(bs_losses[i]->name) == bs_losses[i],
                      "find(\"%s\") is not the registry entry", refs[i].name);
        ck_assert_int_eq(bs_losses[i]->targets_unit, refs[i].targets != TARGETS_ANY);
        ck_assert_int_eq(bs_losses[i]->targets_simplex,
                         refs[i].targets == TARGETS_SIMPLEX);
        ck_assert_msg(bs_losses[i]->value_d != NULL && bs_losses[i]->value_c != NULL &&
                          bs_losses[i]->grad != NULL && bs_losses[i]->math != NULL,
                      "%s: a NULL field", refs[i].name);
    }
    size_t i = 0;
    for (; bs_loss_names[i]; i++)
        ck_assert_str_eq(bs_loss_names[i], bs_losses[i]->name);
    ck_assert_uint_eq(i, N_REFS);
    ck_assert_ptr_null(bs_loss_find("MSE"));
    ck_assert_ptr_null(bs_loss_find("cross-entropy"));
    ck_assert_ptr_null(bs_loss_find("crossentropy"));
    ck_assert_ptr_null(bs_loss_find("bce "));
    ck_assert_ptr_null(bs_loss_find(""));
    ck_assert_ptr_null(bs_loss_find("sigmoid"));
    ck_assert_ptr_null(bs_loss_find(NULL));
}
END_TEST

Suite *loss_suite(void);

Suite *loss_suite(void)
{
    Suite *s = suite_create("loss");

    TCase *tc = tcase_create("losses");
    tcase_add_loop_test(tc, test_loss_table, 0, (int)(n_losses() * N_CASES));
    tcase_add_test(tc, test_hand_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("fused");
    tcase_add_test(tc, test_fused_registry);
    tcase_add_loop_test(tc, test_fused_table, 0, (int)(N_FUSED * N_FCASES));
    tcase_add_test(tc, test_sigmoid_bce_extreme);
    tcase_add_test(tc, test_softmax_ce_extreme);
    tcase_add_test(tc, test_softmax_bce_large);
    tcase_add_test(tc, test_softmax_bce_huge);
    suite_add_tcase(s, tc);

    tc = tcase_create("registry");
    tcase_add_test(tc, test_find);
    suite_add_tcase(s, tc);

    return s;
}
