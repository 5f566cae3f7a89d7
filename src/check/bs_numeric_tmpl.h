/* bs_numeric_tmpl.h — the loss with one entry moved by δ, over the scalar
 * type T.  Included by bs_numeric.c once per scalar type. */
#include "bs_scalar.h"

/* The kink flag (nm->crossed): 1 when the moved values `in` — z[layer]
 * (from_z) or a[layer] of `rows` examples from example i0 — change the sign
 * (x < 0 versus x ≥ 0; of the real part) of a pre-activation of a relu or
 * leaky_relu layer among those re-evaluated, compared with the unperturbed
 * forward pass.  Re-runs the layers up to the highest such layer in ws,
 * before bs_fwd_finish uses it; 0 at once when there is none. */
static int BS_FN(kink_crossed)(const bs_numeric *nm, size_t layer, int from_z, const T *in,
                               size_t rows, size_t i0, T *ws)
{
    const bs_net *net = nm->net;
    size_t top = 0, w = bs_net_max_width(net);
    for (size_t m = from_z ? layer : layer + 1; m <= net->L; m++)
        if (net->act[m]->kink)
            top = m;
    if (top == 0)
        return 0;
    T *zb = ws, *a1 = ws + rows * w, *a2 = ws + 2 * rows * w;
    const T *z = from_z ? in : NULL, *a = from_z ? NULL : in;
    for (size_t m = from_z ? layer : layer + 1; m <= top; m++) {
        size_t n = net->n[m];
        if (!z) {
            BS_FN(bs_fwd_affine)(a, net->W[m], net->b[m], rows, net->n[m - 1], n, zb);
            z = zb;
        }
        const double *z0 = nm->fw->z[m] + i0 * n;
        if (net->act[m]->kink)
            for (size_t c = 0; c < rows * n; c++)
                if ((BS_RE(z[c]) < 0) != (z0[c] < 0))
                    return 1;
        if (m == top)
            break;
        T *dst = (a == a1) ? a2 : a1;
        for (size_t r = 0; r < rows; r++)
            net->act[m]->BS_FIELD(forward)(z + r * n, dst + r * n, n);
        a = dst;
        z = NULL;
    }
    return 0;
}

/* Moves entry k of q[layer] by δ and re-runs the forward pass from there.
 * Fills nm->ell with the losses ℓ_i of the examples that change (*rows of
 * them: one for a or z, the whole batch for W or b) and returns the part of
 * the penalty that changes, λ (w + δ)² for a weight and 0 otherwise; the
 * moved loss is L(x + δ) = r Σ ℓ_i + that part + terms that do not move.
 * With an incremental evaluator (nm->incr) it does the same through
 * bs_incr where that applies; this function's own code is the plain path,
 * the reference the fast one is tested against. */
static T BS_FN(moved)(bs_numeric *nm, bs_qty q, size_t layer, size_t k, T d,
                      size_t *rows)
{
    const bs_net *net = nm->net;
    const bs_forward *fw = nm->fw;
    size_t K = net->n[net->L];
    T *in = nm->BS_FIELD(in), *ws = nm->BS_FIELD(ws), *ell = nm->BS_FIELD(ell);
    /* the fast path re-evaluates only what the move touches (bs_incr.h) */
    if (nm->incr && k != BS_NUMERIC_ALONG && bs_incr_applies(nm->incr, q, layer))
        return BS_FN(bs_incr_moved)(nm->incr, q, layer, k, d, ell, rows, &nm->crossed);
    if (q == BS_Q_A || q == BS_Q_Z) {
        size_t n = net->n[layer], i = k / n, j = k % n;
        const double *src = (q == BS_Q_Z ? fw->z[layer] : fw->a[layer]) + i * n;
        for (size_t c = 0; c < n; c++)
            in[c] = src[c];
        in[j] += d;
        nm->crossed = BS_FN(kink_crossed)(nm, layer, q == BS_Q_Z, in, 1, i, ws);
        BS_FN(bs_fwd_finish)(net, layer, q == BS_Q_Z, in, 1, net->y + i * K, ws, ell);
        *rows = 1;
        return 0;
    }
    size_t nin = net->n[layer - 1], nout = net->n[layer], B = net->B;
    if (k == BS_NUMERIC_ALONG) {
        /* along the direction v (bs_numeric_set_direction): z[n] moves by
         * δ·Δz, Δz = a[n−1]·V or v in every row; the penalty by
         * λ Σ ((w + δv)² − w²) = λ (2δ w·v + δ² v·v) */
        const double *dz = nm->dir_dz;
        for (size_t c = 0; c < B * nout; c++)
            in[c] = fw->z[layer][c] + d * dz[c];
        nm->crossed = BS_FN(kink_crossed)(nm, layer, 1, in, B, 0, ws);
        BS_FN(bs_fwd_finish)(net, layer, 1, in, B, net->y, ws, ell);
        *rows = B;
        if (q == BS_Q_W && net->l2 != 0.0)
            return net->l2 * (d * (2.0 * nm->dir_wv) + d * d * nm->dir_vv);
        return 0;
    }
    size_t p = q == BS_Q_W ? k / nout : 0, col = q == BS_Q_W ? k % nout : k;
    for (size_t c = 0; c < B * nout; c++)
        in[c] = fw->z[layer][c];
    for (size_t i = 0; i < B; i++)
        in[i * nout + col] += q == BS_Q_W ? d * fw->a[layer - 1][i * nin + p] : d;
    nm->crossed = BS_FN(kink_crossed)(nm, layer, 1, in, B, 0, ws);
    BS_FN(bs_fwd_finish)(net, layer, 1, in, B, net->y, ws, ell);
    *rows = B;
    if (q == BS_Q_W && net->l2 != 0.0) {
        T w = net->W[layer][k] + d;
        return net->l2 * (w * w);
    }
    return 0;
}

#include "bs_scalar_undef.h"
