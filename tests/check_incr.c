/* check_incr.c — the incremental (fast) numerical path against the plain
 * path, element by element, and the threads of bs_numeric_run. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_incr.h"
#include "bs_numeric.h"
#include "bs_net.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

/* Every a, z, W and b entry of every layer, or every stride-th of them. */
static bs_numeric_item *all_items(const bs_net *net, size_t stride, size_t *count)
{
    size_t total = 0;
    for (size_t l = 1; l <= net->L; l++)
        total += 2 * net->B * net->n[l] + net->n[l - 1] * net->n[l] + net->n[l];
    bs_numeric_item *it = calloc(total, sizeof *it);
    ck_assert_ptr_nonnull(it);
    size_t n = 0, idx = 0;
    for (size_t l = 1; l <= net->L; l++) {
        const bs_qty qs[4] = {BS_Q_A, BS_Q_Z, BS_Q_W, BS_Q_B};
        const size_t sizes[4] = {net->B * net->n[l], net->B * net->n[l],
                                 net->n[l - 1] * net->n[l], net->n[l]};
        for (int qi = 0; qi < 4; qi++)
            for (size_t k = 0; k < sizes[qi]; k++, idx++)
                if (idx % stride == 0) {
                    it[n].q = qs[qi];
                    it[n].layer = l;
                    it[n].k = k;
                    n++;
                }
    }
    *count = n;
    return it;
}

static void run(const bs_net *net, const bs_forward *fw, bs_method m, int plain,
                size_t threads, bs_numeric_item *it, size_t n)
{
    bs_numeric_speed sp = {plain, threads};
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_numeric_run(net, fw, m, 0.0, &sp, it, n, NULL, NULL, &err), BS_OK);
}

/* The guarantee of docs/performance.md: central (and the other difference
 * methods) — the two values lie within each other's error bars,
 * |fast − plain| ≤ e_fast + e_plain; complex step — they agree to 1e-12
 * relative; the kink flag is the same; and entries the fast path leaves to
 * the plain one (the output layer) are bit for bit the same. */
static void compare(const bs_net *net, const char *what, bs_method m, size_t stride)
{
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    size_t n;
    bs_numeric_item *plain = all_items(net, stride, &n);
    bs_numeric_item *fast = malloc(sizeof *fast * n);
    ck_assert_ptr_nonnull(fast);
    memcpy(fast, plain, sizeof *fast * n);
    run(net, fw, m, 1, 2, plain, n);
    run(net, fw, m, 0, 2, fast, n);
    for (size_t i = 0; i < n; i++) {
        const bs_numeric_item *p = &plain[i], *f = &fast[i];
        double d = fabs(p->value - f->value);
        ck_assert_msg(isfinite(p->value) && isfinite(f->value), "%s: item %zu not finite",
                      what, i);
        if (p->layer == net->L)
            ck_assert_msg(d == 0.0, "%s: output-layer item %zu differs", what, i);
        if (m == BS_METHOD_COMPLEX)
            ck_assert_msg(d <= 1e-12 * fabs(p->value) || d == 0.0,
                          "%s: item %zu (q %d, layer %zu, k %zu): plain %.17g fast %.17g", what,
                          i, (int)p->q, p->layer, p->k, p->value, f->value);
        else
            ck_assert_msg(d <= p->error + f->error,
                          "%s: item %zu (q %d, layer %zu, k %zu): plain %.17g ± %.3g, fast "
                          "%.17g ± %.3g",
                          what, i, (int)p->q, p->layer, p->k, p->value, p->error, f->value,
                          f->error);
        ck_assert_msg(p->kink == f->kink, "%s: item %zu: kink flag %d plain, %d fast", what, i,
                      p->kink, f->kink);
    }
    free(plain);
    free(fast);
    bs_forward_free(fw);
}

static const char *const small_specs[] = {
    "000-2-3-2-mse.json",        "2-3-3-2-leaky-relu-bce.json", "3-4-1-tanh-regression.json",
    "3-4-3-relu-softmax-mse.json", "4-3-2-1-bce.json",          "4-5-3-softmax-ce-l2.json",
};
#define N_SMALL (sizeof small_specs / sizeof small_specs[0])

/* every element of every small shipped spec, central and complex */
START_TEST(test_small_specs_equal)
{
    const char *name = small_specs[_i / 2];
    bs_net *net = bs_test_load_spec(name);
    compare(net, name, _i % 2 ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL, 1);
    bs_net_free(net);
}
END_TEST

/* handout 002's network: every 1009th entry (196 of 197,950) */
START_TEST(test_mnist_sample_equal)
{
    bs_net *net = bs_test_load_spec("mnist-784-200-100-10.json");
    compare(net, "mnist", _i ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL, 1009);
    bs_net_free(net);
}
END_TEST

/* relu, relu, identity with z[2] = 1e-7: every move of layer 1 or 2 by the
 * default step (about 6e-6) carries z[2] across 0, which both paths flag */
static const char *kink_spec =
    "{\"layers\": [1, 2, 1, 1], \"activations\": [\"relu\", \"relu\", \"identity\"],"
    " \"loss\": \"mse\", \"params\": {\"W1\": [[1, 0.5]], \"b1\": [0, 0.25],"
    " \"W2\": [[1], [0]], \"b2\": [-0.9999999], \"W3\": [[2]], \"b3\": [0]},"
    " \"x\": [1], \"y\": [1]}";

START_TEST(test_kink_flag)
{
    bs_net *net = bs_test_load(kink_spec);
    compare(net, "kink", BS_METHOD_CENTRAL, 1);
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    /* W1[1,1] moves z[1]_1 and with it z[2]: a crossing, found by the
     * rank-1 update; W1[1,2] feeds z[2] through a zero weight: none */
    bs_numeric_item it[2] = {{.q = BS_Q_W, .layer = 1, .k = 0},
                             {.q = BS_Q_W, .layer = 1, .k = 1}};
    run(net, fw, BS_METHOD_CENTRAL, 0, 1, it, 2);
    ck_assert_int_eq(it[0].kink, 1);
    ck_assert_int_eq(it[1].kink, 0);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The losses of one move, fast against the plain forward pass re-run by
 * hand: W1[p, q] of the MNIST network moved by 16·h0 and by 0.1 (where the
 * Taylor step is not taken), each example's ℓ to within 16 units in the
 * last place; the counts show which way layer 2 went. */
START_TEST(test_losses_of_one_move)
{
    bs_net *net = bs_test_load_spec("mnist-784-200-100-10.json");
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    size_t B = net->B, n1 = net->n[1], w = bs_net_max_width(net);
    double *in = malloc(sizeof(double) * B * n1), *ws = malloc(sizeof(double) * 3 * B * w);
    double *ell = malloc(sizeof(double) * B), *ref = malloc(sizeof(double) * B);
    const double steps[2] = {16 * 6.0554544523933395e-06, 0.1};
    const size_t p = 300, q = 57, k = p * n1 + q;
    for (int s = 0; s < 2; s++) {
        double d = steps[s];
        memcpy(in, fw->z[1], sizeof(double) * B * n1);
        for (size_t i = 0; i < B; i++)
            in[i * n1 + q] += d * fw->a[0][i * net->n[0] + p];
        bs_fwd_finish_d(net, 1, 1, in, B, net->y, ws, ref);
        size_t rows;
        int crossed = -1;
        double pen = bs_incr_moved_d(ic, BS_Q_W, 1, k, d, ell, &rows, &crossed);
        ck_assert_uint_eq(rows, B);
        ck_assert_int_eq(crossed, 0);
        double wv = net->W[1][k] + d;
        ck_assert_double_eq(pen, net->l2 * (wv * wv));
        for (size_t i = 0; i < B; i++)
            ck_assert_msg(fabs(ell[i] - ref[i]) <= 16 * DBL_EPSILON * fabs(ref[i]),
                          "step %g, example %zu: fast %.17g, plain %.17g", d, i, ell[i],
                          ref[i]);
        size_t taylor, exact;
        bs_incr_counts(ic, &taylor, &exact);
        ck_assert_uint_eq(taylor, 1);
        ck_assert_uint_eq(exact, (size_t)s);
    }
    free(in);
    free(ws);
    free(ell);
    free(ref);
    bs_incr_free(ic);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The Taylor step near its limit: 1-1-1-1 networks whose layer 2 (sigmoid,
 * then tanh) moves by |Δz| ≈ 8.5e-5 ≤ BS_INCR_TAYLOR_MAX when b1 moves; the
 * third-order term is then about 1e-14, so a wrong coefficient shows in the
 * loss ½ ŷ², which must match the plain pass to 4 units in the last place. */
START_TEST(test_taylor_near_limit)
{
    const char *act = _i ? "tanh" : "sigmoid";
    const double d = _i ? 2e-4 : 4.5e-4;
    char spec[512];
    snprintf(spec, sizeof spec,
             "{\"layers\": [1, 1, 1, 1], \"activations\": [\"%s\", \"%s\", \"identity\"],"
             " \"loss\": \"mse\", \"params\": {\"W1\": [[1]], \"b1\": [0], \"W2\": [[1]],"
             " \"b2\": [0], \"W3\": [[1]], \"b3\": [0]}, \"x\": [1], \"y\": [0]}",
             act, act);
    bs_net *net = bs_test_load(spec);
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    for (int sign = -1; sign <= 1; sign += 2) {
        double in = fw->z[1][0] + sign * d, ws[3], ref, ell;
        bs_fwd_finish_d(net, 1, 1, &in, 1, net->y, ws, &ref);
        size_t rows;
        int crossed;
        bs_incr_moved_d(ic, BS_Q_B, 1, 0, sign * d, &ell, &rows, &crossed);
        ck_assert_msg(fabs(ell - ref) <= 4 * DBL_EPSILON * ref, "%s: fast %.17g, plain %.17g",
                      act, ell, ref);
    }
    size_t taylor, exact;
    bs_incr_counts(ic, &taylor, &exact);
    ck_assert_uint_eq(taylor, 2);
    ck_assert_uint_eq(exact, 0);
    bs_incr_free(ic);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* 1, 2 and 3 threads give the same bits, on both paths */
START_TEST(test_threads_same_bits)
{
    bs_net *net = bs_test_load_spec(_i ? "mnist-784-200-100-10.json" : "4-5-3-softmax-ce-l2.json");
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    for (int plain = 0; plain < 2; plain++) {
        size_t n;
        bs_numeric_item *one = all_items(net, _i ? 211 : 1, &n);
        bs_numeric_item *more = malloc(sizeof *more * n);
        ck_assert_ptr_nonnull(more);
        run(net, fw, BS_METHOD_CENTRAL, plain, 1, one, n);
        for (size_t threads = 2; threads <= 3; threads++) {
            for (size_t i = 0; i < n; i++) {
                more[i] = one[i];
                more[i].value = more[i].error = NAN;
            }
            run(net, fw, BS_METHOD_CENTRAL, plain, threads, more, n);
            for (size_t i = 0; i < n; i++) {
                ck_assert(memcmp(&one[i].value, &more[i].value, sizeof(double)) == 0);
                ck_assert(memcmp(&one[i].error, &more[i].error, sizeof(double)) == 0);
            }
        }
        free(one);
        free(more);
    }
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

Suite *incr_suite(void)
{
    Suite *s = suite_create("incr");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_small_specs_equal, 0, (int)(2 * N_SMALL));
    tcase_add_test(tc, test_kink_flag);
    tcase_add_test(tc, test_losses_of_one_move);
    tcase_add_loop_test(tc, test_taylor_near_limit, 0, 2);
    tcase_add_loop_test(tc, test_threads_same_bits, 0, 2);
    suite_add_tcase(s, tc);
    /* the big network: minutes under valgrind, which skips the "slow" tag */
    TCase *big = tcase_create("mnist");
    tcase_set_tags(big, "slow");
    tcase_set_timeout(big, 300);
    tcase_add_loop_test(big, test_mnist_sample_equal, 0, 2);
    suite_add_tcase(s, big);
    return s;
}
