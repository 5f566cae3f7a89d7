/* bs_numeric_tmpl.h — the loss with one entry moved by δ, over the scalar
 * type T.  Included by bs_numeric.c once per scalar type. */
#include "bs_scalar.h"

/* Moves entry k of q[layer] by δ and re-runs the forward pass from there.
 * Fills nm->ell with the losses ℓ_i of the examples that change (*rows of
 * them: one for a or z, the whole batch for W or b) and returns the part of
 * the penalty that changes, λ (w + δ)² for a weight and 0 otherwise; the
 * moved loss is L(x + δ) = r Σ ℓ_i + that part + terms that do not move. */
static T BS_FN(moved)(bs_numeric *nm, bs_qty q, size_t layer, size_t k, T d,
                      size_t *rows)
{
    const bs_net *net = nm->net;
    const bs_forward *fw = nm->fw;
    size_t K = net->n[net->L];
    T *in = nm->BS_FIELD(in), *ws = nm->BS_FIELD(ws), *ell = nm->BS_FIELD(ell);
    if (q == BS_Q_A || q == BS_Q_Z) {
        size_t n = net->n[layer], i = k / n, j = k % n;
        const double *src = (q == BS_Q_Z ? fw->z[layer] : fw->a[layer]) + i * n;
        for (size_t c = 0; c < n; c++)
            in[c] = src[c];
        in[j] += d;
        BS_FN(bs_fwd_finish)(net, layer, q == BS_Q_Z, in, 1, net->y + i * K, ws, ell);
        *rows = 1;
        return 0;
    }
    size_t nin = net->n[layer - 1], nout = net->n[layer], B = net->B;
    size_t p = q == BS_Q_W ? k / nout : 0, col = q == BS_Q_W ? k % nout : k;
    for (size_t c = 0; c < B * nout; c++)
        in[c] = fw->z[layer][c];
    for (size_t i = 0; i < B; i++)
        in[i * nout + col] += q == BS_Q_W ? d * fw->a[layer - 1][i * nin + p] : d;
    BS_FN(bs_fwd_finish)(net, layer, 1, in, B, net->y, ws, ell);
    *rows = B;
    if (q == BS_Q_W && net->l2 != 0.0) {
        T w = net->W[layer][k] + d;
        return net->l2 * (w * w);
    }
    return 0;
}

#include "bs_scalar_undef.h"
