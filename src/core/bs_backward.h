/* bs_backward.h — analytic backpropagation.
 *
 * From the output layer down, in the row convention (one example per row):
 *   g[La]     = r ∂ℓ/∂ŷ                              r = 1/B (mean) or 1 (sum)
 *   g[Lz]     = J_f(z[L])ᵀ g[La]  (f'(z[L]) ∘ g[La] for elementwise f),
 *               or r (ŷ − y) for sigmoid + bce and softmax + cross_entropy
 *   g[nW]     = (a[n−1])ᵀ g[nz] + 2λ W[n]
 *   g[nb]     = Σ_i g[nz]_i                          (sum over the examples)
 *   g[(n−1)a] = g[nz] (W[n])ᵀ
 *   g[nz]     = f'(z[n]) ∘ g[na]                     (hidden layers)
 * The 1/B of a batch mean enters once, at the output, and every later
 * step inherits it.
 */
#ifndef BS_BACKWARD_H
#define BS_BACKWARD_H

#include "bs_error.h"
#include "bs_forward.h"
#include "bs_net.h"

typedef struct bs_grads {
    size_t L;
    double **ga; /* ga[1..L]: B×n[l], ∂L/∂a[l] */
    double **gz; /* gz[1..L]: B×n[l], ∂L/∂z[l] */
    double **gW; /* gW[1..L]: n[l−1]×n[l], ∂L/∂W[l] */
    double **gb; /* gb[1..L]: n[l], ∂L/∂b[l] */
    int shortcut; /* 1 when g[Lz] was taken as r (ŷ − y) */
} bs_grads;

/* Runs backpropagation through `net` from the forward pass `fw`.  The
 * caller frees *out with bs_grads_free(). */
bs_status bs_backward_run(const bs_net *net, const bs_forward *fw,
                          bs_grads **out, bs_error *err);

/* Frees gradients; NULL is allowed. */
void bs_grads_free(bs_grads *g);

#endif
