/* bs_forward.h — the forward pass.
 *
 * bs_forward_run evaluates the network on its batch and keeps every z[n]
 * and a[n].  The kernels below it are written once over a scalar type (see
 * bs_scalar.h) and exist as _d (double) and _c (double complex) functions;
 * the numerical check re-enters them part-way up the network.
 */
#ifndef BS_FORWARD_H
#define BS_FORWARD_H

#include <complex.h>
#include <stddef.h>

#include "bs_error.h"
#include "bs_net.h"

typedef struct bs_forward {
    size_t L, B;
    double **z;        /* z[1..L]: B×n[l] (z[0] is NULL) */
    double **a;        /* a[0..L]: B×n[l]; a[0] is the input x */
    double *ell;       /* ℓ_i, the loss of each example: B */
    double data_loss;  /* r Σ_i ℓ_i, r = 1/B (mean) or 1 (sum) */
    double penalty;    /* λ Σ_n ‖W[n]‖²_F */
    double loss;       /* L = data_loss + penalty */
} bs_forward;

/* Runs the forward pass of `net` on its batch.  The caller frees *out with
 * bs_forward_free(). */
bs_status bs_forward_run(const bs_net *net, bs_forward **out, bs_error *err);

/* Frees a forward pass; NULL is allowed. */
void bs_forward_free(bs_forward *fw);

/* r: the factor of the batch reduction, 1/B for "mean" and 1 for "sum". */
double bs_net_reduction_factor(const bs_net *net);

/* λ Σ_n ‖W[n]‖²_F, summed in a fixed order. */
double bs_net_penalty(const bs_net *net);

/* z = a W + b for `rows` examples: a is rows×nin, W nin×nout, z rows×nout. */
void bs_fwd_affine_d(const double *a, const double *W, const double *b,
                     size_t rows, size_t nin, size_t nout, double *z);
void bs_fwd_affine_c(const double complex *a, const double *W, const double *b,
                     size_t rows, size_t nin, size_t nout, double complex *z);

/* Finishes a forward pass from layer n for `rows` examples whose targets are
 * the rows of y, and stores each example's loss ℓ in ell[rows].  When from_z
 * is 1, `in` holds z[n] (rows×n[n]) and a[n] = f(z[n]) is computed first;
 * otherwise `in` holds a[n].  With n = L and an a[L] given, ℓ is taken from
 * ŷ = a[L] directly; else a fused output/loss pair is evaluated from z[L].
 * ws must hold 3 · rows · bs_net_max_width(net) scalars. */
void bs_fwd_finish_d(const bs_net *net, size_t n, int from_z, const double *in,
                     size_t rows, const double *y, double *ws, double *ell);
void bs_fwd_finish_c(const bs_net *net, size_t n, int from_z,
                     const double complex *in, size_t rows, const double *y,
                     double complex *ws, double complex *ell);

#endif
