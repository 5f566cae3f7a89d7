/* bs_numeric.c — finite differences and the complex step. */
#include "bs_numeric.h"

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bs_numeric {
    const bs_net *net;
    const bs_forward *fw;
    double *in_d, *ws_d, *ell_d;                  /* B×w, 3·B×w, B */
    double *ell_plus;                             /* B: ℓ_i at x + h */
    double complex *in_c, *ws_c, *ell_c;
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
    free(nm->in_c);
    free(nm->ws_c);
    free(nm->ell_c);
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
    nm->in_c = malloc(sizeof(double complex) * B * w);
    nm->ws_c = malloc(sizeof(double complex) * 3 * B * w);
    nm->ell_c = malloc(sizeof(double complex) * B);
    if (!nm->in_d || !nm->ws_d || !nm->ell_d || !nm->ell_plus || !nm->in_c || !nm->ws_c ||
        !nm->ell_c) {
        bs_numeric_free(nm);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    *out = nm;
    return BS_OK;
}

double bs_numeric_value(const bs_numeric *nm, bs_qty q, size_t layer, size_t k)
{
    switch (q) {
    case BS_Q_A: return nm->fw->a[layer][k];
    case BS_Q_Z: return nm->fw->z[layer][k];
    case BS_Q_W: return nm->net->W[layer][k];
    case BS_Q_B: return nm->net->b[layer][k];
    default: return 0.0;
    }
}

double bs_numeric_default_step(const bs_numeric *nm, bs_method m, bs_qty q,
                               size_t layer, size_t k)
{
    if (m == BS_METHOD_COMPLEX)
        return 1e-20;
    double x = bs_numeric_value(nm, q, layer, k);
    double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(x));
    /* ŷ under a log loss: the loss bends like 1/ŷ near 0 (and 1/(1 − ŷ)
     * near 1), so the step scales with the distance to the edge, a
     * thousandth of it, which keeps x ± 16h inside (0, 1) */
    const bs_net *net = nm->net;
    if (q == BS_Q_A && layer == net->L && net->loss->targets_unit) {
        double room = net->loss->targets_simplex ? x : fmin(x, 1.0 - x);
        h = fmin(h, 1e-3 * room);
    }
    return h;
}

/* D(h) = (L(x + h) − L(x − h)) / 2h, and in *round its rounding error.
 * The difference is taken example by example, r Σ_i (ℓ_i(x + h) − ℓ_i(x − h))
 * plus the change of the penalty, which equals L(x + h) − L(x − h) but does
 * not carry the rounding of the whole sum; the rounding is modelled as
 * 4ε·(r·sqrt(Σ ℓ_i²) + |penalty part|)/h. */
static double central_pair(bs_numeric *nm, bs_qty q, size_t layer, size_t k,
                           double h, double *round)
{
    size_t rows;
    double r = bs_net_reduction_factor(nm->net);
    double pp = moved_d(nm, q, layer, k, h, &rows);
    for (size_t i = 0; i < rows; i++)
        nm->ell_plus[i] = nm->ell_d[i];
    double pm = moved_d(nm, q, layer, k, -h, &rows);
    double diff = 0.0, sq = 0.0;
    for (size_t i = 0; i < rows; i++) {
        diff += nm->ell_plus[i] - nm->ell_d[i];
        sq += nm->ell_plus[i] * nm->ell_plus[i];
    }
    *round = 4.0 * DBL_EPSILON * (r * sqrt(sq) + fmax(fabs(pp), fabs(pm))) / h;
    return (r * diff + (pp - pm)) / (2.0 * h);
}

/* D(h) = (L(x + h) − L(x − h)) / 2h with its error estimate: truncation
 * from D(h) − D(h/2) (the error of D(h) is about 4/3 of it, since the leading
 * term is ∝ h²) plus rounding, 4ε·max|L(x ± h)|/h */
static double central(bs_numeric *nm, bs_qty q, size_t layer, size_t k, double h,
                      double *error)
{
    double r, r2;
    double d = central_pair(nm, q, layer, k, h, &r);
    double d2 = central_pair(nm, q, layer, k, 0.5 * h, &r2);
    *error = fabs(d - d2) * 4.0 / 3.0 + r;
    return d;
}

double bs_numeric_derivative(bs_numeric *nm, bs_method m, bs_qty q,
                             size_t layer, size_t k, double h, double *error)
{
    double e;
    if (m == BS_METHOD_COMPLEX) {
        if (!(h > 0))
            h = bs_numeric_default_step(nm, m, q, layer, k);
        size_t rows;
        double complex v = moved_c(nm, q, layer, k, I * h, &rows);
        double complex sum = 0;
        for (size_t i = 0; i < rows; i++)
            sum += nm->ell_c[i];
        v += bs_net_reduction_factor(nm->net) * sum;
        double d = cimag(v) / h;
        if (error)
            *error = 2.0 * DBL_EPSILON * fabs(d);
        return d;
    }
    if (h > 0) {
        double d = central(nm, q, layer, k, h, &e);
        if (error)
            *error = e;
        return d;
    }
    /* the default: D at h0 = ∛ε·max(1, |x|), 4·h0 and 16·h0.  With an error
     * ∝ h², D(4h) − D(h) ≈ 15·(error of D(h)), so the truncation of D(h0) is
     * about |D(4h0) − D(h0)|/15 and that of D(16h0) about
     * (256/240)·|D(16h0) − D(4h0)|; rounding is modelled as 4ε·max|L|/h.
     * The step with the smaller estimated error wins: 16·h0 where rounding
     * dominates (small gradients of a large loss), h0 where the loss bends. */
    double h0 = bs_numeric_default_step(nm, m, q, layer, k);
    double r0, r1, r4;
    double d0 = central_pair(nm, q, layer, k, h0, &r0);
    double d4 = central_pair(nm, q, layer, k, 4.0 * h0, &r4);
    double d16 = central_pair(nm, q, layer, k, 16.0 * h0, &r1);
    double e0 = fabs(d4 - d0) / 15.0 + r0;
    double e1 = fabs(d16 - d4) * 256.0 / 240.0 + r1;
    int pick1 = e1 < e0 && isfinite(d16);
    if (error)
        *error = pick1 ? e1 : e0;
    return pick1 ? d16 : d0;
}

bs_status bs_numeric_run(const bs_net *net, const bs_forward *fw, bs_method m,
                         double h, bs_numeric_item *items, size_t n,
                         void (*progress)(void *ctx, size_t done, size_t total),
                         void *progress_ctx, bs_error *err)
{
    bs_numeric *nm = NULL;
    bs_status st = bs_numeric_create(net, fw, &nm, err);
    if (st != BS_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        bs_numeric_item *it = &items[i];
        it->value = bs_numeric_derivative(nm, m, it->q, it->layer, it->k, h, &it->error);
        if (progress && ((i + 1) & 255) == 0)
            progress(progress_ctx, i + 1, n);
    }
    bs_numeric_free(nm);
    return BS_OK;
}
