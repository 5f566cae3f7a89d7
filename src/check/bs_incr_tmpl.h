/* bs_incr_tmpl.h — the incremental moved loss over the scalar type T.
 * Included by bs_incr.c once per scalar type (see bs_scalar.h).  Matrices
 * of a layer are held n[l]×R here, examples innermost: X[j·R + r]. */
#include "bs_scalar.h"

/* |Re x| + |Im x|, a bound on the size of a step */
static double BS_FN(mag)(T x)
{
#if BS_COMPLEX
    return fabs(creal(x)) + fabs(cimag(x));
#else
    return fabs(x);
#endif
}

/* 1 when some Re z'[j·R + r] is on the other side of 0 (x < 0 versus
 * x ≥ 0) from the stored z[j·B + i0 + r] */
static int BS_FN(crossed)(const T *z, const double *z0, size_t n, size_t R, size_t B,
                          size_t i0)
{
    for (size_t j = 0; j < n; j++)
        for (size_t r = 0; r < R; r++)
            if ((BS_RE(z[j * R + r]) < 0) != (z0[j * B + i0 + r] < 0))
                return 1;
    return 0;
}

/* a = f(z) for R examples of n units, held examples innermost; rows is
 * scratch of R·n for an activation that acts on a whole row (softmax) */
static void BS_FN(activate_t)(const bs_activation *f, const T *z, T *a, size_t n, size_t R,
                              T *rows)
{
    if (f->elementwise) {
        for (size_t j = 0; j < n; j++)
            f->BS_FIELD(forward)(z + j * R, a + j * R, R);
        return;
    }
    for (size_t r = 0; r < R; r++) {
        for (size_t j = 0; j < n; j++)
            rows[r * n + j] = z[j * R + r];
        f->BS_FIELD(forward)(rows + r * n, rows + r * n, n);
        for (size_t j = 0; j < n; j++)
            a[j * R + r] = rows[r * n + j];
    }
}

/* The affine map for a block of NB examples from r0, whose NB sums stay in
 * registers (independent chains, so the additions overlap) */
#define BS_INCR_AFFINE_BLOCK(NB)                                               \
    for (; r0 + (NB) <= R; r0 += (NB))                                         \
        for (size_t j = 0; j < nout; j++) {                                    \
            T acc[NB];                                                         \
            for (size_t u = 0; u < (NB); u++)                                  \
                acc[u] = b[j];                                                 \
            for (size_t k = 0; k < nin; k++) {                                 \
                double w = W[k * nout + j];                                    \
                const T *ak = a + k * R + r0;                                  \
                for (size_t u = 0; u < (NB); u++)                              \
                    acc[u] += ak[u] * w;                                       \
            }                                                                  \
            for (size_t u = 0; u < (NB); u++)                                  \
                z[j * R + r0 + u] = acc[u];                                    \
        }

/* z[j·R + r] = b[j] + Σ_k a[k·R + r] W[k][j], summed over k in increasing
 * order like bs_fwd_affine, with the examples in the inner loop, in blocks
 * of 32 and 8 examples, then one by one */
BS_INCR_CLONES
static void BS_FN(affine_t)(const T *restrict a, const double *restrict W,
                            const double *restrict b, size_t R, size_t nin, size_t nout,
                            T *restrict z)
{
    size_t r0 = 0;
    BS_INCR_AFFINE_BLOCK(32)
    BS_INCR_AFFINE_BLOCK(8)
    for (size_t j = 0; j < nout && r0 < R; j++) {
        T *zj = z + j * R;
        for (size_t r = r0; r < R; r++)
            zj[r] = b[j];
        for (size_t k = 0; k < nin; k++) {
            double w = W[k * nout + j];
            const T *ak = a + k * R;
            for (size_t r = r0; r < R; r++)
                zj[r] += ak[r] * w;
        }
    }
}

/* z'[j·R + r] = z[j·B + i0 + r] + Δa[r]·w[j]: the rank-1 update */
BS_INCR_CLONES
static void BS_FN(rank1_t)(const double *restrict z, const T *restrict da,
                           const double *restrict w, size_t n, size_t R, size_t B, size_t i0,
                           T *restrict out)
{
    for (size_t j = 0; j < n; j++) {
        const double *zj = z + j * B + i0;
        T *dst = out + j * R;
        double wj = w[j];
        for (size_t r = 0; r < R; r++)
            dst[r] = zj[r] + da[r] * wj;
    }
}

/* f(z + Δ) = f + Δ (f' + Δ (f''/2 + Δ f'''/6)) around the stored a, with
 * Δ = Δa[r]·w[j], for R examples from example i0 */
BS_INCR_CLONES
static void BS_FN(taylor_t)(const double *restrict at, const double *restrict c1,
                            const double *restrict c2, const double *restrict c3,
                            const T *restrict da, const double *restrict w, size_t n,
                            size_t R, size_t B, size_t i0, T *restrict out)
{
    for (size_t j = 0; j < n; j++) {
        double wj = w[j];
        size_t s0 = j * B + i0;
        T *dst = out + j * R;
        for (size_t r = 0; r < R; r++) {
            T dz = da[r] * wj;
            size_t s = s0 + r;
            dst[r] = at[s] + dz * (c1[s] + dz * (c2[s] + dz * c3[s]));
        }
    }
}

/* z'[j·R + r] = z[j·B + b] + Δ (C_1 + Δ (C_2 + Δ C_3)) at b = i0 + r,
 * Δ = Δa[r]: the pre-activations of layer n + 2 from the column expansion,
 * for R examples from example i0 */
BS_INCR_CLONES
static void BS_FN(expanded_t)(const double *restrict z, const double *restrict C,
                              const T *restrict da, size_t n, size_t R, size_t B, size_t i0,
                              T *restrict out)
{
    const double *C1 = C, *C2 = C + n * B, *C3 = C + 2 * n * B;
    for (size_t j = 0; j < n; j++)
        for (size_t r = 0; r < R; r++) {
            size_t s = j * B + i0 + r;
            T d = da[r];
            out[j * R + r] = z[s] + d * (C1[s] + d * (C2[s] + d * C3[s]));
        }
}

/* The losses from the output pre-activations held examples innermost:
 * turned into rows and finished by bs_fwd_finish, as the plain path does */
static void BS_FN(finish_t)(bs_incr *ic, const T *z, size_t R, size_t i0, T *ell)
{
    const bs_net *net = ic->net;
    size_t K = net->n[net->L];
#if !BS_COMPLEX
    if (ic->softmax_ce && K * R >= BS_INCR_VEXP_MIN) {
        /* the hot loop of the check: exp and log vectorised (bs_vexp.h),
         * straight from the columns */
        bs_softmax_ce_cols(z, net->y + i0 * K, K, R, ic->ws_d, ell);
        return;
    }
#endif
    T *rows = ic->BS_FIELD(rows);
    for (size_t r = 0; r < R; r++)
        for (size_t j = 0; j < K; j++)
            rows[r * K + j] = z[j * R + r];
    if (net->fused) {
        /* the loss of a fused pair comes from z alone (ŷ is not needed) */
        for (size_t r = 0; r < R; r++)
            ell[r] = net->fused->BS_FIELD(value)(rows + r * K, net->y + (i0 + r) * K, K);
        return;
    }
    BS_FN(bs_fwd_finish)(net, net->L, 1, rows, R, net->y + i0 * K, ic->BS_FIELD(ws), ell);
}

/* The layers from l0 up, re-run as in the forward pass: a holds a[l0−1]
 * of the R examples from i0 (or, with z_ready, zb already holds z[l0]);
 * each layer's affine map into zb, a moved kink noted in *cr, its
 * activation through `other` (a and other swap), and the loss of each
 * example in ell from the output's z. */
static void BS_FN(climb_t)(bs_incr *ic, size_t l0, int z_ready, T *a, T *other, T *zb,
                           T *scratch, size_t R, size_t i0, T *ell, int *cr)
{
    const bs_net *net = ic->net;
    for (size_t l = l0; l <= net->L; l++) {
        if (l > l0 || !z_ready)
            BS_FN(affine_t)(a, net->W[l], net->b[l], R, net->n[l - 1], net->n[l], zb);
        if (net->act[l]->kink && !*cr)
            *cr = BS_FN(crossed)(zb, ic->zt[l], net->n[l], R, net->B, i0);
        if (l == net->L) {
            BS_FN(finish_t)(ic, zb, R, i0, ell);
            return;
        }
        BS_FN(activate_t)(net->act[l], zb, other, net->n[l], R, scratch);
        T *t = a;
        a = other;
        other = t;
    }
}

T BS_FN(bs_incr_moved)(bs_incr *ic, bs_qty q, size_t layer, size_t k, T d, T *ell,
                       size_t *rows, int *crossed)
{
    const bs_net *net = ic->net;
    const bs_forward *fw = ic->fw;
    size_t L = net->L, B = net->B, n = layer, nn = net->n[n];
    T *da = ic->BS_FIELD(da), *zb = ic->BS_FIELD(z), *a = ic->BS_FIELD(a1),
      *other = ic->BS_FIELD(a2), *scratch = ic->BS_FIELD(rows);
    int batch = q == BS_Q_W || q == BS_Q_B;
    size_t R = batch ? B : 1, i0 = batch ? 0 : k / nn;
    size_t col = q == BS_Q_B ? k : k % nn, p = q == BS_Q_W ? k / nn : 0;
    int cr = 0;
#if !BS_COMPLEX
    /* the loss series (bs_incr.h): sigmoid or tanh layers n (unless a[n]
     * moves) and n + 1 by their Taylor steps, the output's softmax +
     * cross-entropy by the power series in Δa[n]; no kink is crossed on
     * that way (sigmoid, tanh and softmax have none) */
    if (ic->ser[n] && (q == BS_Q_A || ic->taylor[n])) {
        double *x = NULL;
        const double *c1 = NULL, *c2 = NULL, *c3 = NULL;
        if (q != BS_Q_A) {
            const double *ain = (n == 1 ? ic->at0 : ic->at[n - 1]) + p * B + i0;
            x = zb;
            for (size_t r = 0; r < R; r++)
                x[r] = q == BS_Q_W ? d * ain[r] : d;
            c1 = ic->c1[n] + col * B + i0;
            c2 = ic->c2[n] + col * B + i0;
            c3 = ic->c3[n] + col * B + i0;
        }
        if (series_losses(x, d, c1, c2, c3, ic->wmax[n + 1][col],
                          series_table(ic, n, col) + i0, ic->ell0 + i0, R, B, da, ell)) {
            ic->n_taylor++;
            ic->n_expanded++;
            ic->n_series++;
            *rows = R;
            *crossed = 0;
            if (q == BS_Q_W && net->l2 != 0.0) {
                T w = net->W[layer][k] + d;
                return net->l2 * (w * w);
            }
            return 0;
        }
    }
#endif
    /* layer n: one unit (column col) of R examples, the plain path's arithmetic */
    const bs_activation *f = net->act[n];
    for (size_t r = 0; r < R; r++) {
        size_t i = i0 + r;
        double a0 = fw->a[n][i * nn + col];
        T an;
        if (q == BS_Q_A) {
            an = a0 + d;
        } else {
            double z0 = fw->z[n][i * nn + col];
            T zn = q == BS_Q_W ? z0 + d * fw->a[n - 1][i * net->n[n - 1] + p] : z0 + d;
            if (f->kink && (BS_RE(zn) < 0) != (z0 < 0))
                cr = 1;
            f->BS_FIELD(forward)(&zn, &an, 1);
        }
        da[r] = an - a0;
    }
    /* layer n + 1: z' = z + Δa ⊗ W[n+1][col, :] */
    size_t m = n + 1, nm = net->n[m];
    const double *Wq = net->W[m] + col * nm, *zt = ic->zt[m];
    double big = 0.0;
    for (size_t r = 0; r < R; r++) { /* as fmax: a NaN is passed over */
        double v = BS_FN(mag)(da[r]);
        big = v > big ? v : big;
    }
    int taylor = m < L && ic->taylor[m] && big * ic->wmax[m][col] <= BS_INCR_TAYLOR_MAX;
    if (!taylor) /* the Taylor step needs no z' (sigmoid and tanh have no kink) */
        BS_FN(rank1_t)(zt, da, Wq, nm, R, B, i0, zb);
    if (net->act[m]->kink && !cr)
        cr = BS_FN(crossed)(zb, zt, nm, R, B, i0);
    if (m == L) {
        BS_FN(finish_t)(ic, zb, R, i0, ell);
    } else if (taylor && ic->cx[n]) {
        /* the Taylor step of layer m carried through W[m+1] at once: the
         * column expansion (bs_incr.h), then the layers above as below */
        size_t o = m + 1;
        BS_FN(expanded_t)(ic->zt[o], expansion(ic, n, col), da, net->n[o], R, B, i0, zb);
        ic->n_taylor++;
        ic->n_expanded++;
        BS_FN(climb_t)(ic, o, 1, a, other, zb, scratch, R, i0, ell, &cr);
    } else {
        if (taylor) {
            BS_FN(taylor_t)(ic->at[m], ic->c1[m], ic->c2[m], ic->c3[m], da, Wq, nm, R, B, i0,
                            a);
            ic->n_taylor++;
        } else {
            BS_FN(activate_t)(net->act[m], zb, a, nm, R, scratch);
            ic->n_exact++;
        }
        BS_FN(climb_t)(ic, m + 1, 0, a, other, zb, scratch, R, i0, ell, &cr);
    }
    *rows = R;
    *crossed = cr;
    if (q == BS_Q_W && net->l2 != 0.0) {
        T w = net->W[layer][k] + d;
        return net->l2 * (w * w);
    }
    return 0;
}

#include "bs_scalar_undef.h"
