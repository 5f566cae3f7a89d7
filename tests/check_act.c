/* check_act.c — tests of bs_act: every registered activation's forward,
 * backward (vector-Jacobian product) and complex-step forward, against
 * Jacobians written out by hand here and central differences taken here;
 * the values with a closed form; the numerically hard inputs; the registry.
 *
 * The reference formulas below are deliberately written differently from
 * src/core/bs_act_tmpl.h (sigmoid in long double without the sign split, its
 * derivative as ¼ sech²(z/2), softmax in long double), so that a shared mistake is unlikely. */
#include <check.h>

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "bs_act.h"

/* ---------------------------------------------------------------------------
 * Reference activations: a = f(z) and the Jacobian J[t][j] = ∂a_t/∂z_j
 * ------------------------------------------------------------------------- */

#define MAXN 8

typedef void (*ref_fn)(const double *z, size_t n, double *a,
                       double J[MAXN][MAXN]);

static void zero_jac(size_t n, double J[MAXN][MAXN])
{
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < n; j++)
            J[t][j] = 0.0;
}

/* σ(z) = 1/(1 + e⁻ᶻ) in long double, σ'(z) = ¼ sech²(z/2) */
static void ref_sigmoid(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    zero_jac(n, J);
    for (size_t j = 0; j < n; j++) {
        a[j] = (double)(1.0L / (1.0L + expl(-(long double)z[j])));
        double c = cosh(0.5 * z[j]);
        J[j][j] = 0.25 / (c * c);
    }
}

/* tanh'(z) = sech² z */
static void ref_tanh(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    zero_jac(n, J);
    for (size_t j = 0; j < n; j++) {
        a[j] = tanh(z[j]);
        double c = cosh(z[j]);
        J[j][j] = 1.0 / (c * c);
    }
}

static void ref_relu(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    zero_jac(n, J);
    for (size_t j = 0; j < n; j++) {
        a[j] = z[j] > 0 ? z[j] : 0.0;
        J[j][j] = z[j] > 0 ? 1.0 : 0.0;
    }
}

static void ref_leaky(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    zero_jac(n, J);
    for (size_t j = 0; j < n; j++) {
        a[j] = z[j] > 0 ? z[j] : z[j] / 100.0;
        J[j][j] = z[j] > 0 ? 1.0 : 1.0 / 100.0;
    }
}

static void ref_identity(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    zero_jac(n, J);
    for (size_t j = 0; j < n; j++) {
        a[j] = z[j];
        J[j][j] = 1.0;
    }
}

/* softmax in long double; ∂a_t/∂z_j = a_t (δ_tj − a_j) */
static void ref_softmax(const double *z, size_t n, double *a, double J[MAXN][MAXN])
{
    long double m = z[0], s = 0.0L, e[MAXN];
    for (size_t j = 1; j < n; j++)
        if (z[j] > m)
            m = z[j];
    for (size_t j = 0; j < n; j++) {
        e[j] = expl((long double)z[j] - m);
        s += e[j];
    }
    long double al[MAXN];
    for (size_t j = 0; j < n; j++) {
        al[j] = e[j] / s;
        a[j] = (double)al[j];
    }
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < n; j++)
            J[t][j] = (double)(al[t] * ((t == j ? 1.0L : 0.0L) - al[j]));
}

typedef struct act_ref {
    const char *name;
    int elementwise, kink, unit_interval;
    ref_fn f;
} act_ref;

/* What each activation is, by its mathematics (not read from the registry). */
static const act_ref refs[] = {
    {"sigmoid", 1, 0, 1, ref_sigmoid},
    {"tanh", 1, 0, 0, ref_tanh},
    {"relu", 1, 1, 0, ref_relu},
    {"leaky_relu", 1, 1, 0, ref_leaky},
    {"identity", 1, 0, 0, ref_identity},
    {"softmax", 0, 0, 1, ref_softmax},
};
#define N_REFS (sizeof refs / sizeof refs[0])

static const act_ref *find_ref(const char *name)
{
    for (size_t i = 0; i < N_REFS; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    return NULL;
}

static size_t n_activations(void)
{
    size_t n = 0;
    while (bs_activations[n])
        n++;
    return n;
}

/* ---------------------------------------------------------------------------
 * The derivative checks on one row z of n values
 * ------------------------------------------------------------------------- */

static const double FD_H = 1e-6;
static const double CS_H = 1e-20;
static const double GA[MAXN] = {0.3, -1.2, 0.75, 2.0, -0.4, 1.1, -2.5, 0.6};

static int close_rel(double got, double want, double rel, double floor_)
{
    return fabs(got - want) <= rel * fmax(floor_, fabs(want));
}

static void check_row(const bs_activation *act, const double *z, size_t n)
{
    const act_ref *ref = find_ref(act->name);
    ck_assert_msg(ref != NULL, "no reference for activation '%s'", act->name);
    ck_assert(n >= 1 && n <= MAXN);

    double a[MAXN], aref[MAXN], J[MAXN][MAXN];
    act->forward_d(z, a, n);
    ref->f(z, n, aref, J);

    /* forward values */
    for (size_t t = 0; t < n; t++)
        ck_assert_msg(close_rel(a[t], aref[t], 1e-14, 1e-300),
                      "%s: a[%zu] = %.17g at z[%zu] = %.17g, expected %.17g",
                      act->name, t, a[t], t, z[t], aref[t]);

    /* central differences of forward_d, one column ∂a/∂z_j at a time */
    double fd[MAXN][MAXN]; /* fd[t][j] */
    for (size_t j = 0; j < n; j++) {
        double zp[MAXN], zm[MAXN], ap[MAXN], am[MAXN];
        memcpy(zp, z, n * sizeof *z);
        memcpy(zm, z, n * sizeof *z);
        zp[j] += FD_H;
        zm[j] -= FD_H;
        act->forward_d(zp, ap, n);
        act->forward_d(zm, am, n);
        for (size_t t = 0; t < n; t++) {
            fd[t][j] = (ap[t] - am[t]) / (2.0 * FD_H);
            ck_assert_msg(close_rel(fd[t][j], J[t][j], 1e-8, 1.0),
                          "%s: finite difference da[%zu]/dz[%zu] = %.17g, "
                          "closed form %.17g (z[%zu] = %.17g)",
                          act->name, t, j, fd[t][j], J[t][j], j, z[j]);
        }
    }

    /* backward: g_z = Jᵀ g_a.  Against the closed form the tolerance is 1e-10,
     * not 1e-12: backward and derivative receive a = f(z) rounded, and
     * sigmoid's a(1 − a) loses digits to 1 − a when a is near 1 (at z = 12 the
     * relative error of a(1 − a) is about ε/(1 − a) ≈ 2e-11); tanh's 1 − a²
     * is only good to about ε absolute when a is near ±1, hence the absolute
     * term 1e-15 Σ|g_a|. */
    double gz[MAXN];
    act->backward(z, a, GA, gz, n);
    for (size_t j = 0; j < n; j++) {
        double want_fd = 0.0, want_cf = 0.0, scale = 0.0, gsum = 0.0;
        for (size_t t = 0; t < n; t++) {
            want_fd += fd[t][j] * GA[t];
            want_cf += J[t][j] * GA[t];
            scale += fabs(J[t][j] * GA[t]);
            gsum += fabs(GA[t]);
        }
        ck_assert_msg(close_rel(gz[j], want_fd, 1e-8, 1.0),
                      "%s: backward g_z[%zu] = %.17g, finite differences give "
                      "%.17g (z[%zu] = %.17g, n = %zu)",
                      act->name, j, gz[j], want_fd, j, z[j], n);
        ck_assert_msg(fabs(gz[j] - want_cf) <= 1e-10 * scale + 1e-15 * gsum,
                      "%s: backward g_z[%zu] = %.17g, closed form %.17g "
                      "(z[%zu] = %.17g, n = %zu)",
                      act->name, j, gz[j], want_cf, j, z[j], n);
    }

    /* derivative(z, a) for elementwise activations */
    if (act->elementwise) {
        ck_assert_msg(act->derivative != NULL, "%s: derivative is NULL", act->name);
        for (size_t j = 0; j < n; j++) {
            double d = act->derivative(z[j], a[j]);
            ck_assert_msg(fabs(d - J[j][j]) <= 1e-10 * fabs(J[j][j]) + 1e-15,
                          "%s: derivative(%.17g, %.17g) = %.17g, expected %.17g",
                          act->name, z[j], a[j], d, J[j][j]);
        }
    }

    /* complex step: Im f(z + i h e_j)/h = ∂a/∂z_j, Re f(z + i h e_j) = f(z) */
    for (size_t j = 0; j < n; j++) {
        double complex zc[MAXN], ac[MAXN];
        for (size_t t = 0; t < n; t++)
            zc[t] = bs_test_cx(z[t], t == j ? CS_H : 0.0);
        act->forward_c(zc, ac, n);
        for (size_t t = 0; t < n; t++) {
            double cs = cimag(ac[t]) / CS_H;
            ck_assert_msg(close_rel(cs, J[t][j], 1e-12, 1e-300) ||
                              fabs(cs - J[t][j]) <= 1e-300,
                          "%s: complex step da[%zu]/dz[%zu] = %.17g, closed form "
                          "%.17g (z[%zu] = %.17g)",
                          act->name, t, j, cs, J[t][j], j, z[j]);
            ck_assert_msg(close_rel(cs, fd[t][j], 1e-8, 1.0),
                          "%s: complex step da[%zu]/dz[%zu] = %.17g, finite "
                          "difference %.17g",
                          act->name, t, j, cs, fd[t][j]);
            ck_assert_msg(creal(ac[t]) == a[t] ||
                              fabs(creal(ac[t]) - a[t]) <= 1e-15 * fabs(a[t]),
                          "%s: Re forward_c[%zu] = %.17g but forward_d = %.17g",
                          act->name, t, creal(ac[t]), a[t]);
        }
    }

    /* activations documented as unit-interval give outputs in (0, 1) at these
     * moderate rows (except softmax of a single value, which is exactly 1) */
    if (ref->unit_interval)
        for (size_t t = 0; t < n; t++)
            ck_assert_msg(a[t] > 0.0 && (a[t] < 1.0 || (!ref->elementwise && n == 1)),
                          "%s: a[%zu] = %.17g is outside (0, 1)", act->name, t,
                          a[t]);
}

/* ---------------------------------------------------------------------------
 * The table: registry entry × test point
 * ------------------------------------------------------------------------- */

static const double points[] = {-3.0, -0.7, 0.0, 0.4, 2.5};
#define N_POINTS (sizeof points / sizeof points[0])
#define ROW_N 4

/* A row of ROW_N pre-activations built around the point p, with mixed signs
 * and no value within 1e-3 of the kink at 0 unless p itself is 0. */
static void make_row(double p, double *z)
{
    z[0] = p;
    z[1] = 0.15 - 0.6 * p;
    z[2] = -1.1 + 0.3 * p;
    z[3] = 0.8 - 0.45 * p;
}

START_TEST(test_derivatives_table)
{
    size_t e = (size_t)_i / N_POINTS, p = (size_t)_i % N_POINTS;
    const bs_activation *act = bs_activations[e];
    ck_assert_ptr_nonnull(act);
    double z[ROW_N];
    make_row(points[p], z);
    if (act->kink && z[0] == 0.0)
        z[0] = 1e-3; /* the kink itself has no derivative: step off it */
    if (act->kink)
        for (size_t j = 0; j < ROW_N; j++)
            ck_assert_msg(fabs(z[j]) >= 1e-3, "test row too near the kink");
    check_row(act, z, ROW_N);
}
END_TEST

/* Rows of other lengths, including widely spread softmax rows. */
START_TEST(test_derivatives_other_rows)
{
    static const double one[] = {1.3};
    static const double wide[] = {12.0, -7.0, 3.5, 0.25, -0.6, 9.0};
    static const double three[] = {-2.0, 0.5, 1.75};
    for (size_t e = 0; bs_activations[e]; e++) {
        const bs_activation *act = bs_activations[e];
        check_row(act, one, 1);
        check_row(act, three, 3);
        check_row(act, wide, 6);
    }
}
END_TEST

/* ---------------------------------------------------------------------------
 * Closed forms and hard inputs
 * ------------------------------------------------------------------------- */

static const bs_activation *must_find(const char *name)
{
    const bs_activation *a = bs_activation_find(name);
    ck_assert_msg(a != NULL, "activation '%s' is not registered", name);
    return a;
}

START_TEST(test_sigmoid_at_zero)
{
    const bs_activation *s = must_find("sigmoid");
    double z = 0.0, a = -1.0, ga = 1.0, gz = -1.0;
    s->forward_d(&z, &a, 1);
    ck_assert_double_eq(a, 0.5);
    ck_assert_double_eq(s->derivative(0.0, 0.5), 0.25);
    s->backward(&z, &a, &ga, &gz, 1);
    ck_assert_double_eq(gz, 0.25);
}
END_TEST

START_TEST(test_tanh_at_zero)
{
    const bs_activation *t = must_find("tanh");
    double z = 0.0, a = -1.0, ga = 1.0, gz = -1.0;
    t->forward_d(&z, &a, 1);
    ck_assert_double_eq(a, 0.0);
    ck_assert_double_eq(t->derivative(0.0, 0.0), 1.0);
    t->backward(&z, &a, &ga, &gz, 1);
    ck_assert_double_eq(gz, 1.0);
}
END_TEST

START_TEST(test_softmax_uniform)
{
    const bs_activation *s = must_find("softmax");
    double z[3] = {0.0, 0.0, 0.0}, a[3];
    s->forward_d(z, a, 3);
    for (int j = 0; j < 3; j++)
        ck_assert_double_eq_tol(a[j], 1.0 / 3.0, 1e-16);
    /* a constant shift changes nothing */
    double z2[3] = {-5.5, -5.5, -5.5};
    s->forward_d(z2, a, 3);
    for (int j = 0; j < 3; j++)
        ck_assert_double_eq_tol(a[j], 1.0 / 3.0, 1e-16);
    /* softmax([log 1, log 2, log 3, log 4]) = [0.1, 0.2, 0.3, 0.4] */
    double z3[4] = {0.0, log(2.0), log(3.0), log(4.0)}, a3[4];
    s->forward_d(z3, a3, 4);
    for (int j = 0; j < 4; j++)
        ck_assert_double_eq_tol(a3[j], 0.1 * (j + 1), 1e-15);
}
END_TEST

START_TEST(test_softmax_stable)
{
    const bs_activation *s = must_find("softmax");
    double z[2] = {1000.0, 0.0}, a[2];
    s->forward_d(z, a, 2);
    ck_assert_msg(isfinite(a[0]) && isfinite(a[1]),
                  "softmax([1000, 0]) = [%g, %g]", a[0], a[1]);
    ck_assert_double_eq(a[0], 1.0);            /* 1/(1 + e⁻¹⁰⁰⁰) */
    ck_assert_double_eq_tol(a[1], 0.0, 1e-300); /* e⁻¹⁰⁰⁰ ≈ 5e-435 */
    ck_assert_msg(a[1] >= 0.0, "softmax([1000, 0])[1] = %g < 0", a[1]);

    double w[2] = {-1000.0, -1000.0};
    s->forward_d(w, a, 2);
    ck_assert_double_eq(a[0], 0.5);
    ck_assert_double_eq(a[1], 0.5);

    /* [1000, 999, 0]: e¹/(1 + e¹), 1/(1 + e¹), ≈ 0 */
    double v[3] = {1000.0, 999.0, 0.0}, b[3];
    s->forward_d(v, b, 3);
    double e1 = exp(1.0);
    ck_assert_double_eq_tol(b[0], e1 / (1.0 + e1), 1e-15);
    ck_assert_double_eq_tol(b[1], 1.0 / (1.0 + e1), 1e-15);
    ck_assert_double_eq_tol(b[2], 0.0, 1e-300);

    /* and the complex form too */
    double complex zc[2] = {bs_test_cx(1000.0, 1e-20), bs_test_cx(0.0, 0.0)}, ac[2];
    s->forward_c(zc, ac, 2);
    ck_assert_msg(isfinite(creal(ac[0])) && isfinite(cimag(ac[0])) &&
                      isfinite(creal(ac[1])) && isfinite(cimag(ac[1])),
                  "complex softmax([1000 + 1e-20 i, 0]) is not finite");
    ck_assert_double_eq(creal(ac[0]), 1.0);
}
END_TEST

START_TEST(test_sigmoid_extremes)
{
    const bs_activation *s = must_find("sigmoid");
    double z[4] = {-800.0, 800.0, -40.0, 40.0}, a[4];
    s->forward_d(z, a, 4);
    ck_assert_msg(isfinite(a[0]) && a[0] >= 0.0, "sigmoid(-800) = %g", a[0]);
    ck_assert_double_eq_tol(a[0], 0.0, 1e-300); /* e⁻⁸⁰⁰ ≈ 3.7e-348 */
    ck_assert_double_eq(a[1], 1.0);
    /* sigmoid(−40) = e⁻⁴⁰/(1 + e⁻⁴⁰), relative accuracy kept */
    double e40 = exp(-40.0);
    ck_assert_double_eq_tol(a[2], e40 / (1.0 + e40), 1e-15 * e40);
    ck_assert_double_eq(a[3], 1.0); /* 1 − e⁻⁴⁰ rounds to 1 */

    double complex zc[2] = {bs_test_cx(-800.0, 1e-20), bs_test_cx(800.0, 1e-20)}, ac[2];
    s->forward_c(zc, ac, 2);
    for (int j = 0; j < 2; j++)
        ck_assert_msg(isfinite(creal(ac[j])) && isfinite(cimag(ac[j])),
                      "complex sigmoid(%g + 1e-20 i) = %g + %g i", creal(zc[j]),
                      creal(ac[j]), cimag(ac[j]));
    ck_assert_double_eq(creal(ac[1]), 1.0);
}
END_TEST

START_TEST(test_relu_family)
{
    const bs_activation *r = must_find("relu");
    const bs_activation *l = must_find("leaky_relu");
    double z[5] = {-2.0, -0.0, 0.0, 1.5, 3.0}, a[5];
    r->forward_d(z, a, 5);
    ck_assert_double_eq(a[0], 0.0);
    ck_assert_double_eq(a[1], 0.0);
    ck_assert_double_eq(a[2], 0.0);
    ck_assert_double_eq(a[3], 1.5);
    ck_assert_double_eq(a[4], 3.0);
    l->forward_d(z, a, 5);
    ck_assert_double_eq_tol(a[0], -0.02, 1e-17);
    ck_assert_double_eq(a[1], 0.0);
    ck_assert_double_eq(a[2], 0.0);
    ck_assert_double_eq(a[3], 1.5);
    ck_assert_double_eq(a[4], 3.0);

    /* the documented convention at the kink: relu'(0) = 0, leaky'(0) = 0.01 */
    ck_assert_double_eq(r->derivative(0.0, 0.0), 0.0);
    ck_assert_double_eq(l->derivative(0.0, 0.0), 0.01);
    ck_assert_double_eq(r->derivative(-1.0, 0.0), 0.0);
    ck_assert_double_eq(r->derivative(2.0, 2.0), 1.0);
    ck_assert_double_eq(l->derivative(-1.0, -0.01), 0.01);
    ck_assert_double_eq(l->derivative(2.0, 2.0), 1.0);
    double z0 = 0.0, a0 = 0.0, ga = 3.0, gz = -1.0;
    r->backward(&z0, &a0, &ga, &gz, 1);
    ck_assert_double_eq(gz, 0.0);
    l->backward(&z0, &a0, &ga, &gz, 1);
    ck_assert_double_eq_tol(gz, 0.03, 1e-17);
}
END_TEST

/* ---------------------------------------------------------------------------
 * The registry
 * ------------------------------------------------------------------------- */

START_TEST(test_registry_flags)
{
    size_t n = n_activations();
    ck_assert_uint_eq(n, N_REFS);
    for (size_t i = 0; i < N_REFS; i++) {
        const bs_activation *act = bs_activations[i];
        const act_ref *ref = &refs[i];
        ck_assert_str_eq(act->name, ref->name); /* the documented order */
        ck_assert_msg(act->elementwise == ref->elementwise,
                      "%s: elementwise = %d", act->name, act->elementwise);
        ck_assert_msg(act->kink == ref->kink, "%s: kink = %d", act->name,
                      act->kink);
        ck_assert_msg(act->unit_interval == ref->unit_interval,
                      "%s: unit_interval = %d", act->name, act->unit_interval);
        ck_assert_msg(act->forward_d != NULL, "%s: forward_d is NULL", act->name);
        ck_assert_msg(act->forward_c != NULL, "%s: forward_c is NULL", act->name);
        ck_assert_msg(act->backward != NULL, "%s: backward is NULL", act->name);
        ck_assert_ptr_nonnull(act->math);
        if (act->elementwise) {
            ck_assert_msg(act->derivative != NULL, "%s: derivative is NULL",
                          act->name);
            ck_assert_msg(act->dmath != NULL, "%s: dmath is NULL", act->name);
        } else {
            ck_assert_msg(act->derivative == NULL, "%s: derivative is set", act->name);
            ck_assert_ptr_null(act->dmath);
        }
    }
}
END_TEST

START_TEST(test_find)
{
    for (size_t i = 0; bs_activations[i]; i++) {
        const bs_activation *a = bs_activation_find(bs_activations[i]->name);
        ck_assert_msg(a == bs_activations[i], "find(\"%s\") gave %p, not %p",
                      bs_activations[i]->name, (const void *)a,
                      (const void *)bs_activations[i]);
    }
    for (size_t i = 0; i < N_REFS; i++)
        ck_assert_str_eq(must_find(refs[i].name)->name, refs[i].name);
    ck_assert_ptr_null(bs_activation_find("sigmoide"));
    ck_assert_ptr_null(bs_activation_find("Sigmoid"));
    ck_assert_ptr_null(bs_activation_find("sigmoi"));
    ck_assert_ptr_null(bs_activation_find(""));
    ck_assert_ptr_null(bs_activation_find("leaky-relu"));
    ck_assert_ptr_null(bs_activation_find(NULL));
}
END_TEST

START_TEST(test_names)
{
    size_t i = 0;
    for (; bs_activations[i]; i++) {
        ck_assert_ptr_nonnull(bs_activation_names[i]);
        ck_assert_str_eq(bs_activation_names[i], bs_activations[i]->name);
    }
    ck_assert_ptr_null(bs_activation_names[i]);
    ck_assert_uint_eq(i, N_REFS);
}
END_TEST

Suite *act_suite(void);

Suite *act_suite(void)
{
    Suite *s = suite_create("act");

    TCase *tc = tcase_create("derivatives");
    tcase_add_loop_test(tc, test_derivatives_table, 0,
                        (int)(n_activations() * N_POINTS));
    tcase_add_test(tc, test_derivatives_other_rows);
    suite_add_tcase(s, tc);

    tc = tcase_create("closed_forms");
    tcase_add_test(tc, test_sigmoid_at_zero);
    tcase_add_test(tc, test_tanh_at_zero);
    tcase_add_test(tc, test_softmax_uniform);
    tcase_add_test(tc, test_softmax_stable);
    tcase_add_test(tc, test_sigmoid_extremes);
    tcase_add_test(tc, test_relu_family);
    suite_add_tcase(s, tc);

    tc = tcase_create("registry");
    tcase_add_test(tc, test_registry_flags);
    tcase_add_test(tc, test_find);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);

    return s;
}
