/* bs_numeric.c — finite differences, Richardson extrapolation and the
 * complex step. */
#include "bs_numeric.h"
#include "bs_incr.h"
#include "bs_parallel.h"

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* bs_net_memory_estimate counts the work list at this many bytes an item */
_Static_assert(sizeof(bs_numeric_item) <= BS_NUMERIC_ITEM_BYTES,
               "BS_NUMERIC_ITEM_BYTES (bs_net.h) is below sizeof(bs_numeric_item)");

struct bs_numeric {
    const bs_net *net;
    const bs_forward *fw;
    double *in_d, *ws_d, *ell_d;                  /* B×w, 3·B×w, B */
    double *ell_plus;                             /* B: ℓ_i at x + h */
    double *ell_base;                             /* B: ℓ_i at x, for one-sided differences */
    double complex *in_c, *ws_c, *ell_c;
    /* after each call of moved_d/moved_c: 1 when the move changed the sign
     * (x < 0 versus x ≥ 0; for complex, of the real part) of any
     * pre-activation of a relu or leaky_relu layer among those re-evaluated,
     * compared with the unperturbed forward pass (the moved entry itself
     * included when it is a z of such a layer), else 0 */
    int crossed;
    bs_incr *incr;  /* the incremental evaluator, or NULL for the plain path */
    /* the direction of bs_numeric_set_direction: q[layer] moves by t·v */
    bs_qty dir_q;
    size_t dir_layer;
    double *dir_dz;     /* B×n[layer]: the change of z[layer] per unit t */
    size_t dir_cap;     /* doubles dir_dz holds */
    double dir_wv, dir_vv; /* w·v and v·v (weights: the penalty's change) */
    double dir_scale;   /* max |entry| of q[layer] */
};

#define BS_COMPLEX 0
#include "bs_numeric_tmpl.h"
#define BS_COMPLEX 1
#include "bs_numeric_tmpl.h"

void bs_numeric_free(bs_numeric *nm)
{
    if (!nm)
        return;
    free(nm->in_d);
    free(nm->ws_d);
    free(nm->ell_d);
    free(nm->ell_plus);
    free(nm->ell_base);
    free(nm->in_c);
    free(nm->ws_c);
    free(nm->ell_c);
    bs_incr_free(nm->incr);
    free(nm->dir_dz);
    free(nm);
}

bs_status bs_numeric_create(const bs_net *net, const bs_forward *fw,
                            bs_numeric **out, bs_error *err)
{
    *out = NULL;
    bs_numeric *nm = calloc(1, sizeof *nm);
    if (!nm)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    nm->net = net;
    nm->fw = fw;
    size_t w = bs_net_max_width(net), B = net->B;
    nm->in_d = malloc(sizeof(double) * B * w);
    nm->ws_d = malloc(sizeof(double) * 3 * B * w);
    nm->ell_d = malloc(sizeof(double) * B);
    nm->ell_plus = malloc(sizeof(double) * B);
    nm->ell_base = malloc(sizeof(double) * B);
    nm->in_c = malloc(sizeof(double complex) * B * w);
    nm->ws_c = malloc(sizeof(double complex) * 3 * B * w);
    nm->ell_c = malloc(sizeof(double complex) * B);
    if (!nm->in_d || !nm->ws_d || !nm->ell_d || !nm->ell_plus || !nm->ell_base || !nm->in_c ||
        !nm->ws_c || !nm->ell_c) {
        bs_numeric_free(nm);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    *out = nm;
    return BS_OK;
}

double bs_numeric_value(const bs_numeric *nm, bs_qty q, size_t layer, size_t k)
{
    if (k == BS_NUMERIC_ALONG)
        return nm->dir_scale;
    switch (q) {
    case BS_Q_A: return nm->fw->a[layer][k];
    case BS_Q_Z: return nm->fw->z[layer][k];
    case BS_Q_W: return nm->net->W[layer][k];
    case BS_Q_B: return nm->net->b[layer][k];
    default: return 0.0;
    }
}

int bs_numeric_order(bs_method m)
{
    switch (m) {
    case BS_METHOD_FORWARD: return 1;
    case BS_METHOD_RICHARDSON: return 4;
    default: return 2;
    }
}

double bs_numeric_default_step(const bs_numeric *nm, bs_method m, bs_qty q,
                               size_t layer, size_t k)
{
    double x = bs_numeric_value(nm, q, layer, k), scale = fmax(1.0, fabs(x));
    /* each balances its truncation error (∝ h^p) against the rounding of
     * the loss values (∝ ε/h): h ≈ ε^(1/(p+1)) for a loss of moderate size
     * and curvature; the complex step has no rounding term to balance */
    if (m == BS_METHOD_COMPLEX)
        return 1e-20 * scale;
    double h = m == BS_METHOD_FORWARD      ? sqrt(DBL_EPSILON) * scale
               : m == BS_METHOD_RICHARDSON ? pow(DBL_EPSILON, 0.2) * scale
                                           : cbrt(DBL_EPSILON) * scale;
    /* ŷ under a log loss: the loss bends like 1/ŷ near 0 (and 1/(1 − ŷ)
     * near 1), so the step scales with the distance to the edge, a
     * thousandth of it, which keeps x ± 16h inside (0, 1).  Only an edge
     * whose term is in the loss counts: the term y log ŷ is left out where
     * y = 0 and (1 − y) log(1 − ŷ) where y = 1 (bs_loss_tmpl.h), so that
     * ŷ = 0 under y = 0 is no edge at all, and no step of 0 comes out. */
    const bs_net *net = nm->net;
    if (q == BS_Q_A && layer == net->L && net->loss->targets_unit && k != BS_NUMERIC_ALONG) {
        double y = net->y[k], room = INFINITY;
        if (y != 0.0)
            room = x;
        if (y != 1.0 && !net->loss->targets_simplex)
            room = fmin(room, 1.0 - x);
        if (room > 0)
            h = fmin(h, 1e-3 * room);
    }
    return h;
}

/* The part of the penalty that changes when entry k of q[layer] moves by d,
 * λ (w + d)² for a weight and 0 otherwise: the same arithmetic, and so the
 * same bits, as moved_d's return value, without re-running anything. */
static double penalty_part(const bs_numeric *nm, bs_qty q, size_t layer, size_t k, double d)
{
    if (q != BS_Q_W || nm->net->l2 == 0.0)
        return 0.0;
    if (k == BS_NUMERIC_ALONG)
        return nm->net->l2 * (d * (2.0 * nm->dir_wv) + d * d * nm->dir_vv);
    double w = nm->net->W[layer][k] + d;
    return nm->net->l2 * (w * w);
}

/* The first half of central_pair: L(x + h), kept in nm->ell_plus; returns
 * the penalty part at x + h, and in *round the rounding error of D(h),
 * 4ε·(r·sqrt(Σ ℓ_i(x + h)²) + max(|penalty part at x ± h|))/h, which
 * needs nothing from x − h but its penalty part (penalty_part). */
static double central_plus(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                           size_t *rows, double *round, int *crossed)
{
    double r = bs_net_reduction_factor(nm->net);
    double pp = moved_d(nm, q, layer, k, h, rows);
    *crossed |= nm->crossed;
    double sq = 0.0;
    for (size_t i = 0; i < *rows; i++) {
        nm->ell_plus[i] = nm->ell_d[i];
        sq += nm->ell_plus[i] * nm->ell_plus[i];
    }
    double pm = penalty_part(nm, q, layer, k, -h);
    *round = 4.0 * DBL_EPSILON * (r * sqrt(sq) + fmax(fabs(pp), fabs(pm))) / h;
    return pp;
}

/* The second half: L(x − h), and D(h) = (L(x + h) − L(x − h)) / 2h from
 * the losses central_plus kept. */
static double central_minus(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                            double pp, int *crossed)
{
    size_t rows;
    double r = bs_net_reduction_factor(nm->net);
    double pm = moved_d(nm, q, layer, k, -h, &rows);
    *crossed |= nm->crossed;
    double diff = 0.0;
    for (size_t i = 0; i < rows; i++)
        diff += nm->ell_plus[i] - nm->ell_d[i];
    return (r * diff + (pp - pm)) / (2.0 * h);
}

/* D(h) = (L(x + h) − L(x − h)) / 2h, and in *round its rounding error; sets
 * *crossed when either move crossed a kink.
 * The difference is taken example by example, r Σ_i (ℓ_i(x + h) − ℓ_i(x − h))
 * plus the change of the penalty, which equals L(x + h) − L(x − h) but does
 * not carry the rounding of the whole sum; the rounding is modelled as
 * 4ε·(r·sqrt(Σ ℓ_i²) + |penalty part|)/h (Σ over the losses at x + h). */
static double central_pair(bs_numeric *nm, bs_qty q, size_t layer, size_t k,
                           double h, double *round, int *crossed)
{
    size_t rows;
    double pp = central_plus(nm, q, layer, k, h, &rows, round, crossed);
    return central_minus(nm, q, layer, k, h, pp, crossed);
}

/* Keeps ℓ_i(x) and the penalty part at x, the base of one-sided
 * differences. */
static double base(bs_numeric *nm, bs_qty q, size_t layer, size_t k)
{
    size_t rows;
    double p0 = moved_d(nm, q, layer, k, 0.0, &rows);
    for (size_t i = 0; i < rows; i++)
        nm->ell_base[i] = nm->ell_d[i];
    return p0;
}

/* (L(x + d) − L(x)) / d, example by example against the base p0 (see
 * base()), with its rounding 8ε·(r·sqrt(Σ ℓ_i²) + |penalty part|)/|d| in
 * *round; sets *crossed when the move crossed a kink. */
static double one_sided(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double d,
                        double p0, double *round, int *crossed)
{
    size_t rows;
    double r = bs_net_reduction_factor(nm->net);
    double p = moved_d(nm, q, layer, k, d, &rows);
    *crossed |= nm->crossed;
    double diff = 0.0, sq = 0.0;
    for (size_t i = 0; i < rows; i++) {
        diff += nm->ell_d[i] - nm->ell_base[i];
        sq += nm->ell_base[i] * nm->ell_base[i];
    }
    *round = 8.0 * DBL_EPSILON * (r * sqrt(sq) + fmax(fabs(p), fabs(p0))) / fabs(d);
    return (r * diff + (p - p0)) / d;
}

/* The one-sided differences of a kink at step h: left (L(x) − L(x − h))/h
 * and right (L(x + h) − L(x))/h, each with its truncation estimated from
 * the same difference at h/2 (the error ∝ h, so 2·|S(h) − S(h/2)|) plus
 * rounding. */
static void kink_sides(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                       bs_numeric_item *it)
{
    int c = 0;
    double r1, r2, r3, r4;
    double p0 = base(nm, q, layer, k);
    double right = one_sided(nm, q, layer, k, h, p0, &r1, &c);
    double right2 = one_sided(nm, q, layer, k, 0.5 * h, p0, &r2, &c);
    double left = one_sided(nm, q, layer, k, -h, p0, &r3, &c);
    double left2 = one_sided(nm, q, layer, k, -0.5 * h, p0, &r4, &c);
    it->kink = 1;
    it->left = left;
    it->right = right;
    it->left_error = 2.0 * fabs(left - left2) + r3;
    it->right_error = 2.0 * fabs(right - right2) + r1;
}

/* Central D(h) with its error estimate: truncation from D(h) − D(h/2) (the
 * error of D(h) is about 4/3 of it, since the leading term is ∝ h²) plus
 * rounding, 4ε·max|L(x ± h)|/h */
static void central(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                    bs_numeric_item *it)
{
    double r, r2;
    int c = 0;
    double d = central_pair(nm, q, layer, k, h, &r, &c);
    double d2 = central_pair(nm, q, layer, k, 0.5 * h, &r2, &c);
    it->value = d;
    it->error = fabs(d - d2) * 4.0 / 3.0 + r;
    it->step = h;
    if (c)
        kink_sides(nm, q, layer, k, h, it);
}

/* 1 when a relu or leaky_relu layer is re-evaluated after moving an entry
 * of q[layer] (the layer itself for z, W and b, the layers above for a). */
static int kink_above(const bs_numeric *nm, bs_qty q, size_t layer)
{
    for (size_t m = q == BS_Q_A ? layer + 1 : layer; m <= nm->net->L; m++)
        if (nm->net->act[m]->kink)
            return 1;
    return 0;
}

/* The default central difference: D at h0 = ∛ε·max(1, |x|), 4·h0 and
 * 16·h0.  With an error ∝ h², D(4h) − D(h) ≈ 15·(error of D(h)), so the
 * truncation of D(h0) is about |D(4h0) − D(h0)|/15 and that of D(16h0)
 * about (256/240)·|D(16h0) − D(4h0)|; rounding is modelled as 4ε·max|L|/h.
 * The step with the smaller estimated error wins: 16·h0 where rounding
 * dominates (small gradients of a large loss), h0 where the loss bends.  A
 * larger step that crosses a kink h0 does not cross is not used: D(h0) is
 * then kept, its truncation estimated from D(h0/2).
 *
 * Where no relu or leaky_relu layer is re-evaluated (no kink can be
 * crossed), L(x − h0) is evaluated last and only when it can matter.  The
 * error estimate of D(h0) is e0 = t0 + r0 with t0 = |D(4h0) − D(h0)|/15 ≥ 0
 * and r0, the rounding part, computed from L(x + h0) alone
 * (central_plus).  So when e1 < r0 and D(16h0) is finite, e1 < e0 whatever
 * D(h0) is, and 16·h0 wins: the value D(16h0) and its estimate e1 are the
 * same bits as with all six evaluations, from five.  Otherwise L(x − h0) is
 * evaluated and the rule applied as it stands.  (Should L(x − h0) be NaN
 * where the other five values are finite, D(h0) and e0 would be NaN and the
 * six-evaluation rule would keep D(h0); this order keeps D(16h0).) */
static void central_default(bs_numeric *nm, bs_qty q, size_t layer, size_t k,
                            bs_numeric_item *it)
{
    double h0 = bs_numeric_default_step(nm, BS_METHOD_CENTRAL, q, layer, k);
    double r0, r1, r4;
    int c0 = 0, c4 = 0, c16 = 0;
    if (!kink_above(nm, q, layer)) {
        double d4 = central_pair(nm, q, layer, k, 4.0 * h0, &r4, &c4);
        double d16 = central_pair(nm, q, layer, k, 16.0 * h0, &r1, &c16);
        double e1 = fabs(d16 - d4) * 256.0 / 240.0 + r1;
        size_t rows;
        double pp = central_plus(nm, q, layer, k, h0, &rows, &r0, &c0);
        if (e1 < r0 && isfinite(d16)) {
            it->value = d16;
            it->error = e1;
            it->step = 16.0 * h0;
            return;
        }
        double d0 = central_minus(nm, q, layer, k, h0, pp, &c0);
        double e0 = fabs(d4 - d0) / 15.0 + r0;
        int pick1 = e1 < e0 && isfinite(d16);
        it->value = pick1 ? d16 : d0;
        it->error = pick1 ? e1 : e0;
        it->step = pick1 ? 16.0 * h0 : h0;
        return;
    }
    double d0 = central_pair(nm, q, layer, k, h0, &r0, &c0);
    double d4 = central_pair(nm, q, layer, k, 4.0 * h0, &r4, &c4);
    double d16 = central_pair(nm, q, layer, k, 16.0 * h0, &r1, &c16);
    if (c0) {
        it->value = d0;
        it->error = fabs(d4 - d0) / 15.0 + r0;
        it->step = h0;
        kink_sides(nm, q, layer, k, h0, it);
        return;
    }
    if (c4 || c16) {
        central(nm, q, layer, k, h0, it);
        return;
    }
    double e0 = fabs(d4 - d0) / 15.0 + r0;
    double e1 = fabs(d16 - d4) * 256.0 / 240.0 + r1;
    int pick1 = e1 < e0 && isfinite(d16);
    it->value = pick1 ? d16 : d0;
    it->error = pick1 ? e1 : e0;
    it->step = pick1 ? 16.0 * h0 : h0;
}

/* Forward D(h) = (L(x + h) − L(x))/h with its error: truncation 2·|D(h) −
 * D(h/2)| (the leading term is ∝ h) plus rounding, 8ε·|L|/h.  When a move
 * crosses a kink, the left difference is computed too. */
static void forward(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                    bs_numeric_item *it)
{
    double r, r2;
    int c = 0;
    double p0 = base(nm, q, layer, k);
    double d = one_sided(nm, q, layer, k, h, p0, &r, &c);
    double d2 = one_sided(nm, q, layer, k, 0.5 * h, p0, &r2, &c);
    /* x − h too, where a kink could be crossed: one more evaluation on
     * networks with relu or leaky_relu at or above the entry */
    if (!c && kink_above(nm, q, layer)) {
        size_t rows;
        moved_d(nm, q, layer, k, -h, &rows);
        c = nm->crossed;
    }
    it->value = d;
    it->error = 2.0 * fabs(d - d2) + r;
    it->step = h;
    if (c)
        kink_sides(nm, q, layer, k, h, it);
}

/* Richardson R(h) = (4 D(h/2) − D(h))/3 of central differences, whose error
 * is O(h⁴); its own error estimate: R(h/2) from D(h/4) as well, the
 * truncation of R(h) is (16/15)·|R(h) − R(h/2)|, plus the rounding of
 * (4 D(h/2) − D(h))/3, which is (4·r(h/2) + r(h))/3. */
static void richardson(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                       bs_numeric_item *it)
{
    double r1, r2, r4;
    int c = 0;
    double d1 = central_pair(nm, q, layer, k, h, &r1, &c);
    double d2 = central_pair(nm, q, layer, k, 0.5 * h, &r2, &c);
    double d4 = central_pair(nm, q, layer, k, 0.25 * h, &r4, &c);
    double R1 = (4.0 * d2 - d1) / 3.0, R2 = (4.0 * d4 - d2) / 3.0;
    it->value = R1;
    it->error = fabs(R1 - R2) * 16.0 / 15.0 + (4.0 * r2 + r1) / 3.0;
    it->step = h;
    if (c)
        kink_sides(nm, q, layer, k, h, it);
}

void bs_numeric_derivative(bs_numeric *nm, bs_method m, double h, bs_numeric_item *it)
{
    bs_qty q = it->q;
    size_t layer = it->layer, k = it->k;
    it->kink = 0;
    it->left = it->right = it->left_error = it->right_error = NAN;
    if (m == BS_METHOD_CENTRAL && !(h > 0)) {
        central_default(nm, q, layer, k, it);
        return;
    }
    if (!(h > 0))
        h = bs_numeric_default_step(nm, m, q, layer, k);
    switch (m) {
    case BS_METHOD_COMPLEX: {
        /* the real part never moves, so no branch changes: no kink */
        size_t rows;
        double complex v = moved_c(nm, q, layer, k, I * h, &rows);
        double complex sum = 0;
        for (size_t i = 0; i < rows; i++)
            sum += nm->ell_c[i];
        v += bs_net_reduction_factor(nm->net) * sum;
        double d = cimag(v) / h;
        it->value = d;
        it->error = 2.0 * DBL_EPSILON * fabs(d);
        it->step = h;
        return;
    }
    case BS_METHOD_FORWARD: forward(nm, q, layer, k, h, it); return;
    case BS_METHOD_RICHARDSON: richardson(nm, q, layer, k, h, it); return;
    default: central(nm, q, layer, k, h, it); return;
    }
}

bs_status bs_numeric_set_incremental(bs_numeric *nm, int on, bs_error *err)
{
    if (!on) {
        bs_incr_free(nm->incr);
        nm->incr = NULL;
        return BS_OK;
    }
    if (nm->incr)
        return BS_OK;
    return bs_incr_create(nm->net, nm->fw, &nm->incr, err);
}

bs_status bs_numeric_set_direction(bs_numeric *nm, bs_qty q, size_t layer, const double *v,
                                   bs_error *err)
{
    const bs_net *net = nm->net;
    size_t nin = net->n[layer - 1], nout = net->n[layer], B = net->B;
    size_t count = q == BS_Q_W ? nin * nout : nout;
    if (nm->dir_cap < B * nout + nout) {
        double *p = realloc(nm->dir_dz, sizeof(double) * (B * nout + nout));
        if (!p)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        nm->dir_dz = p;
        nm->dir_cap = B * nout + nout;
    }
    const double *theta = q == BS_Q_W ? net->W[layer] : net->b[layer];
    double wv = 0.0, vv = 0.0, scale = 0.0;
    for (size_t i = 0; i < count; i++) {
        wv += theta[i] * v[i];
        vv += v[i] * v[i];
        scale = fmax(scale, fabs(theta[i]));
    }
    double *dz = nm->dir_dz, *zero = nm->dir_dz + B * nout;
    if (q == BS_Q_W) {
        /* Δz = a[n−1]·V: the affine map of the forward pass with no bias */
        for (size_t j = 0; j < nout; j++)
            zero[j] = 0.0;
        bs_fwd_affine_d(nm->fw->a[layer - 1], v, zero, B, nin, nout, dz);
    } else {
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < nout; j++)
                dz[i * nout + j] = v[j];
    }
    nm->dir_q = q;
    nm->dir_layer = layer;
    nm->dir_wv = wv;
    nm->dir_vv = vv;
    nm->dir_scale = scale;
    return BS_OK;
}

/* The items of a run and one evaluator per thread. */
typedef struct run_ctx {
    bs_numeric **nms;
    bs_method m;
    double h;
    bs_numeric_item *items;
} run_ctx;

static void run_range(void *ctx, size_t t, size_t begin, size_t end)
{
    run_ctx *c = ctx;
    for (size_t i = begin; i < end; i++)
        bs_numeric_derivative(c->nms[t], c->m, c->h, &c->items[i]);
}

bs_status bs_numeric_run(const bs_net *net, const bs_forward *fw, bs_method m,
                         double h, const bs_numeric_speed *speed,
                         bs_numeric_item *items, size_t n,
                         void (*progress)(void *ctx, size_t done, size_t total),
                         void *progress_ctx, bs_error *err)
{
    bs_numeric_speed sp = {0, 0};
    if (speed)
        sp = *speed;
    /* chunks of 64 items: small enough to share the work evenly, large
     * enough that handing them out costs nothing */
    size_t chunk = 64, chunks = (n + chunk - 1) / chunk;
    size_t threads = sp.threads ? sp.threads : bs_parallel_cpus();
    if (threads > chunks)
        threads = chunks ? chunks : 1;
    bs_numeric **nms = calloc(threads, sizeof *nms);
    if (!nms)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_status st = BS_OK;
    for (size_t t = 0; t < threads && st == BS_OK; t++) {
        st = bs_numeric_create(net, fw, &nms[t], err);
        if (st == BS_OK && !sp.plain)
            st = bs_numeric_set_incremental(nms[t], 1, err);
    }
    if (st == BS_OK) {
        run_ctx c = {nms, m, h, items};
        bs_parallel_for(n, chunk, threads, run_range, &c, progress, progress_ctx);
    }
    for (size_t t = 0; t < threads; t++)
        bs_numeric_free(nms[t]);
    free(nms);
    return st;
}
