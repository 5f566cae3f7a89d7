/* check_incr.c — the incremental (fast) numerical path against the plain
 * path, element by element, and the threads of bs_numeric_run. */
#include <check.h>
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_incr.h"
#include "bs_loss.h"
#include "bs_numeric.h"
#include "bs_vexp.h"
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

/* A network with handout 002's structure but small enough for the plain
 * path to check every element: nin-16-16-K (sigmoid or tanh, then sigmoid,
 * then softmax + cross-entropy with L2), or with a relu layer added under
 * the output (a kink above the expanded layers), B examples, parameters
 * drawn by the spec's init.  Layer 2 has 16 units, so moves of W1 and b1
 * take the column expansion, and K·B ≥ BS_INCR_VEXP_MIN, so their losses
 * take the vectorised softmax + cross-entropy. */
static bs_net *expansion_net(int variant)
{
    const size_t nin = 5, B = 12, K = 6;
    const char *acts = variant == 0   ? "\"sigmoid\", \"sigmoid\", \"softmax\""
                       : variant == 1 ? "\"tanh\", \"sigmoid\", \"softmax\""
                                      : "\"sigmoid\", \"tanh\", \"relu\", \"softmax\"";
    const char *layers = variant == 2 ? "[5, 16, 16, 8, 6]" : "[5, 16, 16, 6]";
    char spec[4096];
    size_t o = (size_t)snprintf(spec, sizeof spec,
                                "{\"layers\": %s, \"activations\": [%s], \"loss\": "
                                "\"cross_entropy\", \"l2\": 0.01, \"init\": {\"seed\": %d, "
                                "\"distribution\": \"normal\", \"scale\": 0.8}, \"x\": [",
                                layers, acts, 7 + variant);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < nin; j++)
            o += (size_t)snprintf(spec + o, sizeof spec - o, "%s%.3f%s", j ? "" : "[",
                                  (double)((i * 7 + j * 13 + 3) % 19) / 19.0,
                                  j + 1 < nin ? ", " : (i + 1 < B ? "], " : "]"));
    o += (size_t)snprintf(spec + o, sizeof spec - o, "], \"labels\": [");
    for (size_t i = 0; i < B; i++)
        o += (size_t)snprintf(spec + o, sizeof spec - o, "%zu%s", (i * 5 + 1) % K,
                              i + 1 < B ? ", " : "]}");
    ck_assert_uint_lt(o, sizeof spec);
    return bs_test_load(spec);
}

/* The column expansion and the vectorised softmax + cross-entropy against
 * the plain path, every element of the small networks above, central and
 * complex, under the guarantees of compare(); and on its own, every 7th
 * entry of W1 moved by ±h0 (the default central step for |w| ≤ 1), each
 * example's loss against the plain forward pass re-run here to 16 units in
 * the last place, the expansion counted as taken. */
START_TEST(test_expansion_equal)
{
    bs_net *net = expansion_net(_i / 2);
    char what[64];
    snprintf(what, sizeof what, "expansion net %d", _i / 2);
    compare(net, what, _i % 2 ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL, 1);
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    size_t B = net->B, n1 = net->n[1], w = bs_net_max_width(net);
    double *in = malloc(sizeof(double) * B * n1), *ws = malloc(sizeof(double) * 3 * B * w);
    double *ell = malloc(sizeof(double) * B), *ref = malloc(sizeof(double) * B);
    for (size_t k = 0; k < net->n[0] * n1; k += 7) {
        double d = 6.0554544523933395e-06 * (k % 2 ? -1 : 1);
        size_t p = k / n1, q = k % n1;
        memcpy(in, fw->z[1], sizeof(double) * B * n1);
        for (size_t i = 0; i < B; i++)
            in[i * n1 + q] += d * fw->a[0][i * net->n[0] + p];
        bs_fwd_finish_d(net, 1, 1, in, B, net->y, ws, ref);
        size_t rows, before = bs_incr_expanded(ic);
        int crossed;
        bs_incr_moved_d(ic, BS_Q_W, 1, k, d, ell, &rows, &crossed);
        ck_assert_uint_eq(bs_incr_expanded(ic), before + 1);
        for (size_t i = 0; i < B; i++)
            ck_assert_msg(fabs(ell[i] - ref[i]) <= 16 * DBL_EPSILON * fabs(ref[i]),
                          "%s, W1 entry %zu, example %zu: fast %.17g, plain %.17g", what, k, i,
                          ell[i], ref[i]);
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

/* The units of ℓ a long double reference may be off by: 1 where long double
 * arithmetic carries more digits than double at run time, as on x86-64;
 * 16 where it does not, as under valgrind, which computes long double in
 * double, so that the reference itself is then only good to a few units
 * (the 1-unit claim is checked by the native run). */
static int ld_extended(void)
{
    volatile long double one = 1.0L, tiny = (long double)DBL_EPSILON / 4.0L;
    return one + tiny != one;
}

static double ld_units(void)
{
    return ld_extended() ? 1.0 : 16.0;
}

/* the relative rounding of long double arithmetic as it runs */
static double ld_eps(void)
{
    return ld_extended() ? (double)LDBL_EPSILON : DBL_EPSILON;
}

/* The loss of example i of an expansion_net of three layers (sigmoid or
 * tanh, sigmoid or tanh, softmax + cross-entropy) in long double (64-bit
 * significand, expl and logl), a forward pass written here independently
 * of the library's: z[1] of that example moved by dz1 in unit q1, or a[1]
 * by da1 in unit q1. */
static long double ld_loss(const bs_net *net, size_t i, size_t q1, long double dz1,
                           long double da1)
{
    long double a[3][64], z[64];
    ck_assert_uint_eq(net->L, 3);
    for (size_t j = 0; j < net->n[0]; j++)
        a[0][j] = net->x[i * net->n[0] + j];
    for (size_t l = 1; l <= 3; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        ck_assert_uint_le(nout, 64);
        for (size_t j = 0; j < nout; j++) {
            long double s = net->b[l][j];
            for (size_t k = 0; k < nin; k++)
                s += a[l - 1][k] * (long double)net->W[l][k * nout + j];
            z[j] = s + (l == 1 && j == q1 ? dz1 : 0.0L);
        }
        if (l == 3)
            break;
        int sig = strcmp(net->act[l]->name, "sigmoid") == 0;
        for (size_t j = 0; j < nout; j++)
            a[l][j] = (sig ? 1.0L / (1.0L + expl(-z[j])) : tanhl(z[j])) +
                      (l == 1 && j == q1 ? da1 : 0.0L);
    }
    size_t K = net->n[3];
    long double m = z[0], s = 0.0L, ell = 0.0L;
    for (size_t j = 1; j < K; j++)
        m = z[j] > m ? z[j] : m;
    for (size_t j = 0; j < K; j++)
        s += expl(z[j] - m);
    for (size_t j = 0; j < K; j++)
        ell += net->y[i * K + j] * (m + logl(s) - z[j]);
    return ell;
}

/* The loss series: moves of W1, b1, z[1] and a[1] of the small networks of
 * handout 002's structure, each example's change of loss ℓ' − ℓ against
 * the same difference from a forward pass in long double (ld_loss).  The
 * series computes the change itself, so ℓ' − ℓ (ℓ the plain path's
 * unmoved loss, which the series adds its change to) is within one unit
 * in the last place of ℓ of the long double difference; re-running the
 * loss in double, as the plain path and the column expansion with the
 * vectorised exp do, leaves a few units (the other way of these moves
 * passes test_expansion_equal's 16, not this: up to 2.8 units here).  The
 * steps are the central difference's h0, 4·h0 and 16·h0, and for a[1]
 * also 100·h0.  Each evaluation the series takes is held to that; those
 * with |δ| ≤ 4·h0 must all take it, larger ones may leave it where the
 * Taylor steps' bound |Δz| ≤ BS_INCR_TAYLOR_MAX does not hold (these
 * networks' weights reach 3). */
START_TEST(test_series_loss_change)
{
    bs_net *net = expansion_net(_i);
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    size_t B = net->B, n0 = net->n[0], n1 = net->n[1], K = net->n[3];
    size_t w = bs_net_max_width(net);
    double *ell = malloc(sizeof(double) * B), *ell0 = malloc(sizeof(double) * B);
    double *ws = malloc(sizeof(double) * 3 * B * w);
    bs_fwd_finish_d(net, 3, 1, fw->z[3], B, net->y, ws, ell0);
    long double *ref0 = malloc(sizeof(long double) * B);
    for (size_t i = 0; i < B; i++)
        ref0[i] = ld_loss(net, i, 0, 0.0L, 0.0L);
    const double h0 = 6.0554544523933395e-06, mult[4] = {1, -4, 16, -100};
    size_t evals = 0, taken = 0;
    double worst = 0.0;
    for (int qi = 0; qi < 4; qi++) {
        bs_qty q = qi == 0 ? BS_Q_W : qi == 1 ? BS_Q_B : qi == 2 ? BS_Q_Z : BS_Q_A;
        size_t count = q == BS_Q_W ? n0 * n1 : q == BS_Q_B ? n1 : B * n1;
        for (size_t k = 0; k < count; k += q == BS_Q_W ? 3 : 1)
            for (int s = 0; s < (q == BS_Q_A ? 4 : 3); s++) {
                double d = mult[s] * h0;
                size_t rows, i0 = q == BS_Q_W || q == BS_Q_B ? 0 : k / n1;
                size_t col = q == BS_Q_B ? k : k % n1, p = k / n1;
                int crossed;
                size_t before = bs_incr_series(ic);
                bs_incr_moved_d(ic, q, 1, k, d, ell, &rows, &crossed);
                evals++;
                ck_assert_int_eq(crossed, 0);
                if (bs_incr_series(ic) == before) {
                    ck_assert_msg(fabs(d) > 4 * h0, "net %d, q %d, entry %zu, step %g: no series",
                                  _i, (int)q, k, d);
                    continue;
                }
                taken++;
                for (size_t r = 0; r < rows; r++) {
                    size_t i = i0 + r;
                    long double dz = q == BS_Q_W   ? (long double)d * net->x[i * n0 + p]
                                     : q == BS_Q_A ? 0.0L
                                                   : (long double)d;
                    long double ref = ld_loss(net, i, col, dz, q == BS_Q_A ? d : 0.0L) - ref0[i];
                    double got = ell[r] - ell0[i];
                    double ulp = nextafter(fabs(ell0[i]), INFINITY) - fabs(ell0[i]);
                    double e = fabsl((long double)got - ref) / ulp;
                    worst = fmax(worst, e);
                    ck_assert_msg(e <= ld_units(),
                                  "net %d, q %d, entry %zu, step %g, example %zu: change %.17g, "
                                  "long double %.17Lg (%.2f units of ℓ)",
                                  _i, (int)q, k, d, i, got, ref, e);
                }
            }
    }
    ck_assert_uint_ge(taken, evals / 2);
    printf("loss series, net %d (%zu outputs): %zu of %zu moves, largest error of the change "
           "%.2f units of ℓ\n",
           _i, K, taken, evals, worst);
    free(ell);
    free(ell0);
    free(ws);
    free(ref0);
    bs_incr_free(ic);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The series' own bound: the first network above with W[3] made 30 times
 * larger, so that u = C_1 Δ + … is large where the Taylor steps still
 * hold; every a[1] entry moved by ±0.9·BS_INCR_TAYLOR_MAX / max_k |W2[q,k]|
 * (the largest move layer 2's Taylor step takes), and by 10, 100 and 1000
 * times less.  Where the bound of the
 * truncated series holds the series is taken, elsewhere the column
 * expansion and the loss re-run.  Each example's change of loss is
 * within a unit in the last place of ℓ of the long double forward pass's
 * where the series is taken, and within 16 units of the loss's largest
 * term (ℓ or the largest output z, which these weights make large) where
 * the loss is re-run.  Both ways must occur.  (The bound is cautious: set
 * 1000 times looser, the series is taken for every move here and still
 * within a unit; test_series_coefficients holds each coefficient to its
 * value.) */
START_TEST(test_series_bound)
{
    bs_net *net = expansion_net(0);
    size_t B = net->B, n1 = net->n[1], n2 = net->n[2], K = net->n[3];
    for (size_t c = 0; c < n2 * K; c++)
        net->W[3][c] *= 30.0;
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    double *ell = malloc(sizeof(double) * B), *ell0 = malloc(sizeof(double) * B);
    double *ws = malloc(sizeof(double) * 3 * B * bs_net_max_width(net));
    bs_fwd_finish_d(net, 3, 1, fw->z[3], B, net->y, ws, ell0);
    size_t taken = 0, declined = 0;
    double worst = 0.0;
    for (size_t k = 0; k < B * n1; k++) {
        size_t i = k / n1, q = k % n1;
        double wm = 0.0;
        for (size_t j = 0; j < n2; j++)
            wm = fmax(wm, fabs(net->W[2][q * n2 + j]));
        for (int s = 0; s < 8; s++) {
            double d = (s % 2 ? -0.9 : 0.9) * BS_INCR_TAYLOR_MAX / wm / pow(10.0, s / 2);
            size_t rows, before = bs_incr_series(ic);
            int crossed;
            bs_incr_moved_d(ic, BS_Q_A, 1, k, d, ell, &rows, &crossed);
            ck_assert_uint_eq(rows, 1);
            int series = bs_incr_series(ic) > before;
            long double ref = ld_loss(net, i, q, 0.0L, d) - ld_loss(net, i, q, 0.0L, 0.0L);
            /* the series: to a unit of ℓ; the loss re-run rounds at the size
             * of its largest term */
            double big = fabs(ell0[i]);
            for (size_t j = 0; j < K; j++)
                big = fmax(big, fabs(fw->z[3][i * K + j]));
            double ulp = nextafter(big, INFINITY) - big;
            if (series) {
                /* a unit of ℓ, the rounding of u = Δz[3] (|u| ≤ |d| Σ_k
                 * |W2[q,k] W3[k,j]| / 4) and the long double's own rounding */
                ulp = nextafter(fabs(ell0[i]), INFINITY) - fabs(ell0[i]);
                ulp += 8.0 * ld_eps() * big;
                double u = 0.0;
                for (size_t j = 0; j < K; j++) {
                    double uj = 0.0;
                    for (size_t m = 0; m < n2; m++)
                        uj += fabs(net->W[2][q * n2 + m] * net->W[3][m * K + j]) / 4.0;
                    u = fmax(u, fabs(d) * uj);
                }
                ulp += 16.0 * DBL_EPSILON * u;
            }
            double e = (double)(fabsl((long double)(ell[0] - ell0[i]) - ref) / ulp);
            if (series) {
                taken++;
                worst = fmax(worst, e);
            } else {
                declined++;
            }
            ck_assert_msg(e <= (series ? 1.0 : 16.0) * ld_units(),
                          "a[1] entry %zu, step %g, %s: change %.17g, long double %.17Lg", k, d,
                          series ? "series" : "no series", ell[0] - ell0[i], ref);
        }
    }
    printf("loss series bound: %zu moves took the series, %zu declined it; largest error of "
           "the series' change %.2f units of ℓ\n",
           taken, declined, worst);
    ck_assert_uint_gt(taken, 0);
    ck_assert_uint_gt(declined, 0);
    free(ell);
    free(ell0);
    free(ws);
    bs_incr_free(ic);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The coefficients of the loss series against Cauchy's integral formula:
 * for every unit q of layer 1 and example b, the change of loss g(Δ) as a
 * function of a complex Δa[1][b,q] = Δ is evaluated here in long double
 * complex arithmetic from the network (layer 2 by its third-order Taylor
 * step, the polynomial the series starts from; the output's softmax +
 * cross-entropy exactly) at 64 points of the circle |Δ| = r, and its
 * Taylor coefficients are their discrete Fourier transform, G_n rⁿ =
 * (1/64) Σ_k g(r ω^k) ω^(−nk).  The library's G_1 … G_5 must agree to 1e-12
 * of the largest |g| on the circle; r is where |Δz[3]| reaches about 0.3,
 * so that every order is large enough to be seen (aliasing from order 65
 * up is far below that).  Three networks: the two of expansion_net with
 * the series, and the first with W[3] ten times larger. */
START_TEST(test_series_coefficients)
{
    bs_net *net = expansion_net(_i % 2);
    size_t B = net->B, n1 = net->n[1], n2 = net->n[2], K = net->n[3];
    if (_i == 2)
        for (size_t c = 0; c < n2 * K; c++)
            net->W[3][c] *= 10.0;
    bs_forward *fw = NULL;
    ck_assert_int_eq(bs_forward_run(net, &fw, NULL), BS_OK);
    bs_incr *ic = NULL;
    ck_assert_int_eq(bs_incr_create(net, fw, &ic, NULL), BS_OK);
    int sig = strcmp(net->act[2]->name, "sigmoid") == 0;
    const long double pi = acosl(-1.0L);
    enum { P = 64 };
    double worst = 0.0;
    for (size_t q = 0; q < n1; q++) {
        const double *G = bs_incr_series_coefficients(ic, 1, q);
        ck_assert_ptr_nonnull(G);
        for (size_t b = 0; b < B; b++) {
            /* layer 2's Taylor coefficients (first, second and third
             * derivative over 1, 2 and 6) at z[2] */
            long double c[3][64], z3[64], p[64], ssum = 0.0L, zmax = -INFINITY;
            for (size_t k = 0; k < n2; k++) {
                long double z = fw->z[2][b * n2 + k];
                if (sig) {
                    long double a = 1.0L / (1.0L + expl(-z)), s = a * (1.0L - a);
                    c[0][k] = s;
                    c[1][k] = s * (1.0L - 2.0L * a) / 2.0L;
                    c[2][k] = s * (1.0L - 6.0L * s) / 6.0L;
                } else {
                    long double a = tanhl(z), u = 1.0L - a * a;
                    c[0][k] = u;
                    c[1][k] = -a * u;
                    c[2][k] = u * (3.0L * a * a - 1.0L) / 3.0L;
                }
            }
            for (size_t j = 0; j < K; j++) {
                z3[j] = fw->z[3][b * K + j];
                zmax = z3[j] > zmax ? z3[j] : zmax;
            }
            for (size_t j = 0; j < K; j++)
                ssum += (p[j] = expl(z3[j] - zmax));
            long double slope = 0.0L, ysum = 0.0L;
            for (size_t j = 0; j < K; j++) {
                p[j] /= ssum;
                ysum += net->y[b * K + j];
                long double sj = 0.0L;
                for (size_t k = 0; k < n2; k++)
                    sj += fabsl(c[0][k] * net->W[2][q * n2 + k] * net->W[3][k * K + j]);
                slope = sj > slope ? sj : slope;
            }
            long double r = 0.3L / slope, gmax = 0.0L;
            long double complex g[P];
            for (size_t t = 0; t < P; t++) {
                long double complex D = r * cexpl(2.0L * pi * I * (long double)t / P);
                long double complex S = 0.0L, yu = 0.0L;
                for (size_t j = 0; j < K; j++) {
                    long double complex u = 0.0L;
                    for (size_t k = 0; k < n2; k++) {
                        long double complex d = D * net->W[2][q * n2 + k];
                        u += d * (c[0][k] + d * (c[1][k] + d * c[2][k])) * net->W[3][k * K + j];
                    }
                    S += p[j] * cexpl(u);
                    yu += net->y[b * K + j] * u;
                }
                g[t] = ysum * clogl(S) - yu;
                gmax = cabsl(g[t]) > gmax ? cabsl(g[t]) : gmax;
            }
            for (size_t n = 1; n <= BS_INCR_SERIES_N; n++) {
                long double complex a = 0.0L;
                for (size_t t = 0; t < P; t++)
                    a += g[t] * cexpl(-2.0L * pi * I * (long double)(n * t % P) / P);
                a /= P;
                long double got = G[(n - 1) * B + b] * powl(r, (long double)n);
                double e = (double)(cabsl(a - got) / gmax);
                worst = fmax(worst, e);
                ck_assert_msg(e <= 1e-12,
                              "net %d, unit %zu, example %zu, order %zu: G rⁿ = %.17Lg, Cauchy "
                              "%.17Lg (of %.3Lg)",
                              _i, q, b, n, got, creall(a), gmax);
            }
        }
    }
    printf("loss series, net %d: coefficients within %.2g of the largest |g| on the circle\n", _i,
           worst);
    bs_incr_free(ic);
    bs_forward_free(fw);
    bs_net_free(net);
}
END_TEST

/* The distance in units in the last place between two finite doubles of
 * the same sign */
static double ulps(double a, double b)
{
    if (a == b)
        return 0.0;
    double u = nextafter(fabs(b), INFINITY) - fabs(b);
    return fabs(a - b) / u;
}

/* bs_vexp and bs_vlog against the C library: within 2 units in the last
 * place over a sweep of normal arguments, and exactly the library's result
 * (bits, or NaN) at the extremes: overflow, underflow to subnormals and to
 * 0, ±inf, NaN, ±0, subnormal and negative arguments of log.  The largest
 * error seen is printed. */
START_TEST(test_vexp_vlog_libm)
{
    enum { N = 40000 };
    static double x[N + 32], y[N + 32];
    double worst = 0.0;
    /* exp: a sweep over [−708, 709], then the edges */
    for (size_t i = 0; i < N; i++)
        x[i] = -708.0 + 1417.0 * (double)i / (N - 1) + 1e-3 * sin((double)i);
    const double ex[] = {-745.2, -745.1, -740.0, -708.5, -708.0, -1e-300, -0.0, 0.0,
                         1e-300, 5e-324, 709.0, 709.7, 709.79, 710.0, 1e308,
                         -INFINITY, INFINITY, NAN, -NAN, 0.34657359027997264,
                         -0.34657359027997264, 1.0, -1.0, 0.5, 700.3, -700.3,
                         1e-10, -1e-10, 2.0, 20.0, -20.0, 100.0};
    size_t nx = N;
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++)
        x[nx++] = ex[i];
    bs_vexp(x, y, nx);
    for (size_t i = 0; i < nx; i++) {
        double r = exp(x[i]);
        if (isnan(r)) {
            ck_assert_msg(isnan(y[i]), "exp(%a): %a, not NaN", x[i], y[i]);
        } else if (!isfinite(r) || r < DBL_MIN || !(x[i] >= -708.0 && x[i] <= 709.0)) {
            ck_assert_msg(memcmp(&r, &y[i], sizeof r) == 0, "exp(%a): %a, libm %a", x[i],
                          y[i], r);
        } else {
            double e = ulps(y[i], r);
            worst = fmax(worst, e);
            ck_assert_msg(e <= 2.0, "exp(%.17g): %.17g, libm %.17g (%g ulp)", x[i], y[i], r,
                          e);
        }
    }
    /* a short array with the special lanes first */
    double few[3] = {NAN, -INFINITY, 1.0}, got[3];
    bs_vexp(few, got, 3);
    ck_assert(isnan(got[0]) && got[1] == 0.0 && fabs(got[2] - exp(1.0)) <= 2 * DBL_EPSILON * exp(1.0));
    printf("bs_vexp: largest error %.2f ulp against libm\n", worst);
    /* log: a sweep over 1e-300 … 1e300 (log-spaced) and around 1, then the edges */
    worst = 0.0;
    for (size_t i = 0; i < N / 2; i++)
        x[i] = pow(10.0, -300.0 + 600.0 * (double)i / (N / 2 - 1));
    for (size_t i = N / 2; i < N; i++)
        x[i] = 0.5 + 1.5 * (double)(i - N / 2) / (N / 2);
    const double lx[] = {0.0, -0.0, -1.0, -INFINITY, INFINITY, NAN, 5e-324, 1e-310,
                         DBL_MIN, DBL_MAX, 1.0, nextafter(1.0, 2.0), nextafter(1.0, 0.0),
                         1.4142135623730951, 1.4142135623730954, 0.70710678118654757, 2.0, 10.0, 1e-5};
    nx = N;
    for (size_t i = 0; i < sizeof lx / sizeof lx[0]; i++)
        x[nx++] = lx[i];
    bs_vlog(x, y, nx);
    for (size_t i = 0; i < nx; i++) {
        double r = log(x[i]);
        if (isnan(r)) {
            ck_assert_msg(isnan(y[i]), "log(%a): %a, not NaN", x[i], y[i]);
        } else if (!isfinite(r) || !(x[i] >= DBL_MIN && x[i] <= DBL_MAX)) {
            ck_assert_msg(memcmp(&r, &y[i], sizeof r) == 0, "log(%a): %a, libm %a", x[i],
                          y[i], r);
        } else if (r == 0.0) {
            ck_assert_msg(y[i] == 0.0, "log(%a): %a, libm 0", x[i], y[i]);
        } else {
            double e = ulps(y[i], r);
            worst = fmax(worst, e);
            ck_assert_msg(e <= 2.0, "log(%.17g): %.17g, libm %.17g (%g ulp)", x[i], y[i], r,
                          e);
        }
    }
    printf("bs_vlog: largest error %.2f ulp against libm\n", worst);
}
END_TEST

/* bs_softmax_ce_cols against the fused softmax + cross-entropy of
 * bs_loss.c, example by example: within 8 units in the last place of the
 * loss where it is finite, and the same non-finite result where an output
 * is ±inf or NaN. */
START_TEST(test_softmax_ce_cols)
{
    enum { K = 7, R = 20 };
    double z[K * R], y[R * K], rows[K], ws[2 * K * R + 3 * R], ell[R];
    for (size_t r = 0; r < R; r++)
        for (size_t j = 0; j < K; j++) {
            z[j * R + r] = 30.0 * sin(1.3 * (double)(r * K + j)) * (r < 10 ? 0.1 : 1.0);
            y[r * K + j] = j == (r * 3) % K ? 1.0 : 0.0;
        }
    /* soft targets in one example, extremes in others */
    for (size_t j = 0; j < K; j++)
        y[2 * K + j] = 1.0 / K;
    z[3 * R + 15] = INFINITY;
    z[0 * R + 16] = NAN;
    z[5 * R + 17] = -INFINITY;
    z[1 * R + 18] = 800.0;
    z[2 * R + 19] = -800.0;
    bs_softmax_ce_cols(z, y, K, R, ws, ell);
    const bs_fused *f = bs_fused_find(bs_activation_find("softmax"), bs_loss_find("cross_entropy"));
    ck_assert_ptr_nonnull(f);
    for (size_t r = 0; r < R; r++) {
        for (size_t j = 0; j < K; j++)
            rows[j] = z[j * R + r];
        double ref = f->value_d(rows, y + r * K, K);
        if (!isfinite(ref))
            ck_assert_msg(memcmp(&ref, &ell[r], sizeof ref) == 0 ||
                              (isnan(ref) && isnan(ell[r])),
                          "example %zu: %g, fused %g", r, ell[r], ref);
        else
            ck_assert_msg(fabs(ell[r] - ref) <= 8 * DBL_EPSILON * fabs(ref),
                          "example %zu: %.17g, fused %.17g", r, ell[r], ref);
    }
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
    tcase_add_loop_test(tc, test_expansion_equal, 0, 6);
    tcase_add_loop_test(tc, test_series_loss_change, 0, 2);
    tcase_add_test(tc, test_series_bound);
    tcase_add_loop_test(tc, test_series_coefficients, 0, 3);
    tcase_add_test(tc, test_vexp_vlog_libm);
    tcase_add_test(tc, test_softmax_ce_cols);
    suite_add_tcase(s, tc);
    /* the big network: minutes under valgrind, which skips the "slow" tag */
    TCase *big = tcase_create("mnist");
    tcase_set_tags(big, "slow");
    tcase_set_timeout(big, 300);
    tcase_add_loop_test(big, test_mnist_sample_equal, 0, 2);
    suite_add_tcase(s, big);
    return s;
}
