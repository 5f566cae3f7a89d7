/* check_backward.c — the backward-step kernel and its step indexing.
 *
 * The expected numbers come from Matt Mazur's "A Step by Step
 * Backpropagation Example" (mattmazur.com, 2015), the network of
 * specs/2-2-2-mazur-sigmoid-mse.json, printed there to nine digits:
 *   out_h = (0.593269992, 0.596884378)     out_o = (0.75136507, 0.772928465)
 *   net_o1 = 1.105905967                   ∂E/∂out_o1 = 0.74136507
 *   δ_o1 = ∂E/∂net_o1 = 0.138498562        ∂E_o2/∂out_h1 = −0.019049119
 *   ∂E/∂w5 = 0.082167041                   ∂E/∂out_h1 = 0.036350306
 *   ∂E/∂w1 = 0.000438568
 *   updated weights at rate 0.5: w6 0.408666186, w7 0.511301270, w8 0.561370121
 * and from the numbers derived from them by hand in the comments below.
 * Where a test hands the kernel the step it reads (`from`), the expected
 * value is worked in the test from that input and the spec's weights alone.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_backward.h"
#include "bs_forward.h"
#include "bs_net.h"
#include "suites.h"

#define MAZUR "2-2-2-mazur-sigmoid-mse.json"
#define PRINTED 2e-9 /* Mazur prints nine significant digits */

/* Mazur's δ_o2 = ∂E/∂net_o2: ∂E_o2/∂out_h1 = δ_o2 · w7 with w7 = 0.50. */
static const double d_o1 = 0.138498562, d_o2 = -0.019049119 / 0.50;

/* The network of Mazur's spec, with "l2" and a second copy of his example
 * added when asked, and its forward pass. */
typedef struct fixture {
    bs_net *net;
    bs_forward *fw;
} fixture;

static fixture mazur(double l2, int two_examples)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"layers\": [2, 2, 2], \"activations\": \"sigmoid\", \"loss\": \"mse\","
             " \"l2\": %g, \"params\": {\"W1\": [[0.15, 0.25], [0.20, 0.30]],"
             " \"b1\": [0.35, 0.35], \"W2\": [[0.40, 0.50], [0.45, 0.55]], \"b2\": [0.60, 0.60]},"
             " \"x\": %s, \"y\": %s}",
             l2, two_examples ? "[[0.05, 0.10], [0.05, 0.10]]" : "[0.05, 0.10]",
             two_examples ? "[[0.01, 0.99], [0.01, 0.99]]" : "[0.01, 0.99]");
    fixture f;
    f.net = bs_test_load(text);
    ck_assert_int_eq(bs_forward_run(f.net, &f.fw, NULL), BS_OK);
    return f;
}

static void fixture_free(fixture *f)
{
    bs_forward_free(f->fw);
    bs_net_free(f->net);
}

/* Step (q, layer) of f's network by the kernel with knobs k, from `from`. */
static double *step(const fixture *f, bs_qty q, size_t layer, const double *from,
                    const bs_step_knobs *k)
{
    double *out = calloc(64, sizeof(double));
    ck_assert_ptr_nonnull(out);
    bs_backward_step(f->net, f->fw, bs_backward_step_index(f->net, q, layer), from, k, out);
    return out;
}

/* The right pass reproduces Mazur's printed gradients. */
START_TEST(test_right_pass_is_mazurs)
{
    fixture f = mazur(0.0, 0);
    bs_grads *g = NULL;
    ck_assert_int_eq(bs_backward_run(f.net, f.fw, &g, NULL), BS_OK);
    ck_assert_double_eq_tol(g->ga[2][0], 0.74136507, PRINTED);
    ck_assert_double_eq_tol(g->gz[2][0], d_o1, PRINTED);
    ck_assert_double_eq_tol(g->gz[2][1], d_o2, PRINTED);
    /* row convention: g[2W][p][q] = out_h[p] δ_q; w5 [0][0], w6 [1][0], w7 [0][1], w8 [1][1],
     * the last three from the updated weights: (w − w⁺)/0.5 */
    ck_assert_double_eq_tol(g->gW[2][0], 0.082167041, PRINTED);
    ck_assert_double_eq_tol(g->gW[2][2], (0.45 - 0.408666186) / 0.5, PRINTED);
    ck_assert_double_eq_tol(g->gW[2][1], (0.50 - 0.511301270) / 0.5, PRINTED);
    ck_assert_double_eq_tol(g->gW[2][3], (0.55 - 0.561370121) / 0.5, PRINTED);
    ck_assert_double_eq_tol(g->ga[1][0], 0.036350306, PRINTED);
    ck_assert_double_eq_tol(g->gW[1][0], 0.000438568, PRINTED);
    ck_assert_int_eq(g->shortcut, 0);
    bs_grads_free(g);
    fixture_free(&f);
}
END_TEST

/* The kernel with the right knobs (NULL or bs_step_knobs_right()) is the
 * step of the right pass, bit for bit, at every step. */
START_TEST(test_right_knobs_are_the_pass)
{
    fixture f = mazur(0.1, 1);
    bs_grads *g = NULL;
    ck_assert_int_eq(bs_backward_run(f.net, f.fw, &g, NULL), BS_OK);
    bs_step_knobs right = bs_step_knobs_right();
    for (size_t j = 0; j < bs_backward_nsteps(f.net); j++) {
        size_t s = bs_backward_source(f.net, j, NULL);
        const double *from = s == (size_t)-1 ? NULL : bs_backward_value(f.net, g, s).v;
        bs_mat want = bs_backward_value(f.net, g, j);
        double got[16];
        bs_backward_step(f.net, f.fw, j, from, &right, got);
        ck_assert_msg(memcmp(got, want.v, sizeof(double) * want.rows * want.cols) == 0,
                      "step %zu differs", j);
    }
    bs_grads_free(g);
    fixture_free(&f);
}
END_TEST

/* The derivative knob on g[2z], from Mazur's g[2a] = out_o − y. */
START_TEST(test_derivative_knob)
{
    fixture f = mazur(0.0, 0);
    const double ga[2] = {0.74136507, 0.772928465 - 0.99};
    const double o[2] = {0.75136507, 0.772928465};
    const double net_o[2] = {1.105905967, 0.5 * 0.593269992 + 0.55 * 0.596884378 + 0.60};
    bs_step_knobs k = bs_step_knobs_right();

    double *right = step(&f, BS_Q_Z, 2, ga, &k); /* σ'(z) = out_o (1 − out_o) */
    k.deriv = BS_DERIV_NONE;                     /* g[2z] = g[2a] */
    double *none = step(&f, BS_Q_Z, 2, ga, &k);
    k.deriv = BS_DERIV_AT_A; /* σ'(out_o) = σ(out_o)(1 − σ(out_o)) */
    double *at_a = step(&f, BS_Q_Z, 2, ga, &k);
    k.deriv = BS_DERIV_AT_Z; /* tanh'(net_o) = 1 − tanh²(net_o) */
    k.deriv_f = bs_activation_find("tanh");
    double *tanh_z = step(&f, BS_Q_Z, 2, ga, &k);
    k.deriv = BS_DERIV_ON_ZA; /* tanh's formula 1 − a² on the sigmoid layer's own out_o */
    double *tanh_a = step(&f, BS_Q_Z, 2, ga, &k);
    for (int i = 0; i < 2; i++) {
        double s = 1.0 / (1.0 + exp(-o[i])), t = tanh(net_o[i]);
        ck_assert_double_eq_tol(right[i], o[i] * (1.0 - o[i]) * ga[i], PRINTED);
        ck_assert_double_eq(none[i], ga[i]);
        ck_assert_double_eq_tol(at_a[i], s * (1.0 - s) * ga[i], PRINTED);
        ck_assert_double_eq_tol(tanh_z[i], (1.0 - t * t) * ga[i], PRINTED);
        ck_assert_double_eq_tol(tanh_a[i], (1.0 - o[i] * o[i]) * ga[i], PRINTED);
    }
    ck_assert_double_eq_tol(right[0], d_o1, PRINTED); /* Mazur's δ_o1 */
    free(right);
    free(none);
    free(at_a);
    free(tanh_z);
    free(tanh_a);
    fixture_free(&f);
}
END_TEST

/* The weights knobs on g[1a] = g[2z] W, from Mazur's δ_o; W1 = [[0.15, 0.25], [0.20, 0.30]],
 * W2 = [[0.40, 0.50], [0.45, 0.55]] in the row convention. */
START_TEST(test_weights_knobs)
{
    fixture f = mazur(0.0, 0);
    const double gz[2] = {d_o1, d_o2};
    bs_step_knobs k = bs_step_knobs_right();
    double *right = step(&f, BS_Q_A, 1, gz, &k); /* g[2z] W2ᵀ */
    k.w_transposed = 0;                          /* g[2z] W2 */
    double *plain = step(&f, BS_Q_A, 1, gz, &k);
    k.w_transposed = 1;
    k.w_layer = 1; /* g[2z] W1ᵀ */
    double *w1 = step(&f, BS_Q_A, 1, gz, &k);
    ck_assert_double_eq_tol(right[0], 0.036350306, PRINTED); /* Mazur's ∂E/∂out_h1 */
    ck_assert_double_eq_tol(right[1], d_o1 * 0.45 + d_o2 * 0.55, 1e-15);
    ck_assert_double_eq_tol(plain[0], d_o1 * 0.40 + d_o2 * 0.45, 1e-15);
    ck_assert_double_eq_tol(plain[1], d_o1 * 0.50 + d_o2 * 0.55, 1e-15);
    ck_assert_double_eq_tol(w1[0], d_o1 * 0.15 + d_o2 * 0.25, 1e-15);
    ck_assert_double_eq_tol(w1[1], d_o1 * 0.20 + d_o2 * 0.30, 1e-15);
    free(right);
    free(plain);
    free(w1);
    fixture_free(&f);
}
END_TEST

/* The L2 and sign knobs on g[2W] with λ = 0.1: Mazur's ∂E/∂w5 + c λ w5, w5 = 0.40. */
START_TEST(test_l2_and_sign_knobs)
{
    fixture f = mazur(0.1, 0);
    const double gz[2] = {d_o1, d_o2};
    bs_step_knobs k = bs_step_knobs_right();
    double *two = step(&f, BS_Q_W, 2, gz, &k);
    k.l2_factor = 1.0;
    double *one = step(&f, BS_Q_W, 2, gz, &k);
    k.l2_factor = 0.0;
    double *none = step(&f, BS_Q_W, 2, gz, &k);
    k.l2_factor = 2.0;
    k.negate = 1;
    double *neg = step(&f, BS_Q_W, 2, gz, &k);
    ck_assert_double_eq_tol(two[0], 0.082167041 + 2 * 0.1 * 0.40, PRINTED);
    ck_assert_double_eq_tol(one[0], 0.082167041 + 0.1 * 0.40, PRINTED);
    ck_assert_double_eq_tol(none[0], 0.082167041, PRINTED);
    ck_assert_double_eq_tol(neg[0], -(0.082167041 + 2 * 0.1 * 0.40), PRINTED);
    /* w8 at [1][1]: out_h2 δ_o2 + 2λ w8 */
    ck_assert_double_eq_tol(two[3], 0.596884378 * d_o2 + 2 * 0.1 * 0.55, PRINTED);
    free(two);
    free(one);
    free(none);
    free(neg);
    fixture_free(&f);
}
END_TEST

/* The batch knobs on Mazur's example given twice, batch mean (r = 1/2): each
 * row of g[2a] is half of Mazur's ∂E/∂out_o. */
START_TEST(test_batch_knobs)
{
    fixture f = mazur(0.0, 1);
    const double ga[2] = {0.74136507, 0.772928465 - 0.99};
    bs_step_knobs k = bs_step_knobs_right();
    double *right = step(&f, BS_Q_A, 2, NULL, &k);
    k.batch_power = 1; /* the 1/B left out */
    double *no_invb = step(&f, BS_Q_A, 2, NULL, &k);
    k.batch_power = -1; /* the 1/B applied twice */
    double *twice = step(&f, BS_Q_A, 2, NULL, &k);
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 2; c++) {
            ck_assert_double_eq_tol(right[2 * i + c], ga[c] / 2, PRINTED);
            ck_assert_double_eq_tol(no_invb[2 * i + c], ga[c], PRINTED);
            ck_assert_double_eq_tol(twice[2 * i + c], ga[c] / 4, PRINTED);
        }
    free(right);
    free(no_invb);
    free(twice);

    /* g[2b] from g[2z] = the rows δ_o / 2 */
    const double gz[4] = {d_o1 / 2, d_o2 / 2, d_o1 / 2, d_o2 / 2};
    k = bs_step_knobs_right();
    double *sum = step(&f, BS_Q_B, 2, gz, &k);
    k.sum = BS_SUM_NONE;
    double *rows = step(&f, BS_Q_B, 2, gz, &k);
    k.sum = BS_SUM_FIRST;
    double *first = step(&f, BS_Q_B, 2, gz, &k);
    ck_assert_double_eq_tol(sum[0], d_o1, 1e-15);
    ck_assert_double_eq_tol(sum[1], d_o2, 1e-15);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq(rows[i], gz[i]);
    ck_assert_double_eq(first[0], d_o1 / 2);
    ck_assert_double_eq(first[1], d_o2 / 2);
    free(sum);
    free(rows);
    free(first);
    fixture_free(&f);
}
END_TEST

/* Step indexing, as bs_backward.h states it: j = 4(L − n) + k, on a 2-3-2-1
 * network of two examples whose sigmoid output and bce take the shortcut. */
START_TEST(test_step_indexing)
{
    bs_net *net = bs_test_load(
        "{\"layers\": [2, 3, 2, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\","
        " \"params\": {\"W1\": [[1, 2, 3], [4, 5, 6]], \"b1\": [0, 0, 0],"
        " \"W2\": [[1, 2], [3, 4], [5, 6]], \"b2\": [0, 0], \"W3\": [[1], [2]], \"b3\": [0]},"
        " \"x\": [[0.1, 0.2], [0.3, 0.4]], \"y\": [0, 1]}");
    ck_assert_uint_eq(bs_backward_nsteps(net), 12);
    ck_assert_int_eq(bs_backward_shortcut(net), 1);
    static const bs_qty qs[4] = {BS_Q_A, BS_Q_Z, BS_Q_W, BS_Q_B};
    /* rows × cols of g[na], g[nz] (B × n[n]), g[nW] (n[n−1] × n[n]), g[nb] (1 × n[n]) */
    static const size_t shape[12][2] = {{2, 1}, {2, 1}, {2, 1}, {1, 1}, {2, 2}, {2, 2},
                                        {3, 2}, {1, 2}, {2, 3}, {2, 3}, {2, 3}, {1, 3}};
    /* the step each is computed from: g[3a] and, under the shortcut, g[3z] from none */
    static const size_t up[12] = {(size_t)-1, (size_t)-1, 1, 1, 1, 4, 5, 5, 5, 8, 9, 9};
    for (size_t j = 0; j < 12; j++) {
        bs_qty q;
        size_t l, r, c;
        bs_backward_step_of(net, j, &q, &l);
        ck_assert_int_eq(q, qs[j % 4]);
        ck_assert_uint_eq(l, 3 - j / 4);
        ck_assert_uint_eq(bs_backward_step_index(net, q, l), j);
        bs_backward_shape(net, j, &r, &c);
        ck_assert_uint_eq(r, shape[j][0]);
        ck_assert_uint_eq(c, shape[j][1]);
        ck_assert_uint_eq(bs_backward_upstream(net, j), up[j]);
    }
    /* a changed derivative in g[3z] reads g[3a], as the right g[2z] reads g[2a] */
    bs_step_knobs k = bs_step_knobs_right();
    k.deriv = BS_DERIV_NONE;
    ck_assert_uint_eq(bs_backward_source(net, 1, &k), 0);
    ck_assert_uint_eq(bs_backward_source(net, 5, &k), 4);
    bs_net_free(net);
}
END_TEST

Suite *backward_suite(void)
{
    Suite *s = suite_create("backward");
    TCase *tc = tcase_create("kernel");
    tcase_add_test(tc, test_right_pass_is_mazurs);
    tcase_add_test(tc, test_right_knobs_are_the_pass);
    tcase_add_test(tc, test_derivative_knob);
    tcase_add_test(tc, test_weights_knobs);
    tcase_add_test(tc, test_l2_and_sign_knobs);
    tcase_add_test(tc, test_batch_knobs);
    tcase_add_test(tc, test_step_indexing);
    suite_add_tcase(s, tc);
    return s;
}
