/* bs_forward_tmpl.h — the forward kernels over the scalar type T.
 * Included by bs_forward.c once per scalar type (see bs_scalar.h). */
#include "bs_scalar.h"

/* z[r][j] = b[j] + Σ_k a[r][k] W[k][j]   (a: rows×nin, W: nin×nout) */
void BS_FN(bs_fwd_affine)(const T *a, const double *W, const double *b,
                          size_t rows, size_t nin, size_t nout, T *z)
{
    for (size_t r = 0; r < rows; r++) {
        T *zr = z + r * nout;
        for (size_t j = 0; j < nout; j++)
            zr[j] = b[j];
        const T *ar = a + r * nin;
        for (size_t k = 0; k < nin; k++) {
            T ak = ar[k];
            const double *Wk = W + k * nout;
            for (size_t j = 0; j < nout; j++)
                zr[j] += ak * Wk[j];
        }
    }
}

/* a = f(z), one example's row at a time */
static void BS_FN(activate)(const bs_activation *f, const T *z, T *a,
                            size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++)
        f->BS_FIELD(forward)(z + r * n, a + r * n, n);
}

/* ℓ of one example: fused from z when the pair has a fused form and z is
 * known, else from ŷ = a */
static T BS_FN(example_loss)(const bs_net *net, const T *z, const T *a,
                             const double *y)
{
    size_t K = net->n[net->L];
    if (z && net->fused)
        return net->fused->BS_FIELD(value)(z, y, K);
    return net->loss->BS_FIELD(value)(a, y, K);
}

void BS_FN(bs_fwd_finish)(const bs_net *net, size_t n, int from_z, const T *in,
                          size_t rows, const double *y, T *ws, T *ell)
{
    size_t w = bs_net_max_width(net);
    T *zb = ws, *a1 = ws + rows * w, *a2 = ws + 2 * rows * w;
    const T *z = NULL, *a = in;
    if (from_z) {
        z = in;
        BS_FN(activate)(net->act[n], in, a1, rows, net->n[n]);
        a = a1;
    }
    for (size_t m = n + 1; m <= net->L; m++) {
        BS_FN(bs_fwd_affine)(a, net->W[m], net->b[m], rows, net->n[m - 1],
                             net->n[m], zb);
        z = zb;
        T *dst = (a == a1) ? a2 : a1;
        BS_FN(activate)(net->act[m], zb, dst, rows, net->n[m]);
        a = dst;
    }
    size_t K = net->n[net->L];
    for (size_t r = 0; r < rows; r++)
        ell[r] = BS_FN(example_loss)(net, z ? z + r * K : NULL, a + r * K, y + r * K);
}

#include "bs_scalar_undef.h"
