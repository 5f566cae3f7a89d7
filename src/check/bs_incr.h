/* bs_incr.h — the moved loss, re-evaluated incrementally.
 *
 * The plain evaluator (bs_numeric_tmpl.h) re-runs the forward pass of the
 * whole batch from the layer of the moved entry.  This one re-evaluates only
 * what the move touches.  Moving W[n][p,q] by δ changes one column of z[n]:
 *   z[n]'[:,q]   = z[n][:,q] + δ·a[n−1][:,p]         (b[n][q]: + δ)
 *   a[n]'[:,q]   = f(z[n]'[:,q])                     (B activations, not B·n[n])
 *   z[n+1]'      = z[n+1] + Δa ⊗ W[n+1][q,:]         Δa = a[n]'[:,q] − a[n][:,q]
 * a rank-1 update instead of a product, and a[n+1]' = f(z[n+1]') is taken,
 * for sigmoid and tanh, from the third-order Taylor expansion around the
 * stored a[n+1] (no exp) whenever every |Δz| ≤ BS_INCR_TAYLOR_MAX, where the
 * remainder is below 2⁻⁵⁶ relative; otherwise f is evaluated.  The layers
 * above are re-run as in the forward pass, with the examples in the
 * innermost loop so that it vectorises, summing in the same order as
 * bs_fwd_affine; the losses come from bs_fwd_finish at the output layer.
 * Moving an entry of a[n] or z[n] of example i does the same for that one
 * example.  Nothing is allocated per evaluation.
 *
 * For a move of W[n][p,q], b[n][q], or a[n] or z[n] of unit q, whose layer
 * n + 1 takes the Taylor step and whose layer n + 2 exists, the step and
 * the product of layer n + 2 are done at once by the column expansion:
 * with Δ = Δa[n][b,q],
 *   z[n+2]'[b,j] = z[n+2][b,j] + Δ C_1 + Δ² C_2 + Δ³ C_3,
 *   C_m[q][b,j]  = Σ_k c_m[n+1][b,k] W[n+1][q,k]^m W[n+2][k,j]
 * (c_m the Taylor coefficients f^(m)/m!), which is the same polynomial
 * summed in another order; the table C of unit q is computed the first time
 * q is moved and kept (BS_INCR_EXPAND_MAX bounds its size), so each such
 * evaluation costs 3·B·n[n+2] multiply-adds instead of B·n[n+1]·n[n+2].
 * A softmax + cross-entropy output of at least BS_INCR_VEXP_MIN values is
 * evaluated with the vectorised exp and log of bs_vexp.h (real type only;
 * the complex step keeps cexp and clog).
 *
 * When that output is layer n + 2 itself, the real type goes one step
 * further, the loss series: each example's change of loss is a function of
 * the one number Δ, ℓ_b' − ℓ_b = Σy·log Σ_j p_j e^{u_j} − y·u with
 * u = Δ C_1 + Δ² C_2 + Δ³ C_3 and p the stored softmax, and its power
 * series G_1 Δ + … + G_N Δ^N (N = BS_INCR_SERIES_N) is computed once per
 * unit q and kept; an evaluation is then ℓ_b + Δ(G_1 + Δ(…)) per example,
 * with Δ from layer n's own Taylor step (|Δz[n]| ≤ BS_INCR_TAYLOR_MAX).
 * It is taken only where Cauchy's estimate puts the terms after order N
 * below 2⁻⁵⁶ |ℓ_b| (bs_incr.c, series_column); otherwise the move goes the
 * way above.
 *
 * The rank-1 update and the Taylor step round differently from the plain
 * path, so the losses differ from it by a few units in the last place, and a
 * difference quotient by about that over the step: far inside the rounding
 * term of the error estimate (docs/performance.md has the measured figures).
 * Up to the moved layer and, when that is the output layer, everything is the
 * same arithmetic as the plain path, except on the loss series' way, which
 * takes layer n's Taylor step too and computes the change of the loss
 * rather than the loss (more accurately than re-running it).
 */
#ifndef BS_INCR_H
#define BS_INCR_H

#include <complex.h>
#include <stddef.h>

#include "bs_error.h"
#include "bs_formula.h"
#include "bs_forward.h"
#include "bs_net.h"

/* The largest |Δz| for which a sigmoid or tanh layer is updated by its
 * Taylor expansion: the remainder |f⁗| Δ⁴/24 is then below 2⁻⁵⁶ |f|. */
#define BS_INCR_TAYLOR_MAX 1e-4

/* BS_INCR_EXPAND_MAX (bs_net.h, where the memory estimate counts it) is the
 * largest table of the column expansion kept for one layer, in bytes
 * (3·n[n]·n[n+2]·B doubles); a larger one is not built and the moves of
 * that layer take the Taylor step and the product of layer n + 2. */

/* The fewest units of layer n + 1 for which the column expansion is used:
 * it saves B·(n[n+1] − 3)·n[n+2] multiply-adds an evaluation for a table
 * of 3·B·n[n+1]·n[n+2], nothing worth having on smaller layers, which keep
 * the Taylor step and the product (and so the bits of that path). */
#define BS_INCR_EXPAND_MIN 16

/* The order of the loss series: the power series in Δ = Δa[n][b,q] of an
 * example's loss after a move of layer n (bs_incr.c, series_column). */
#define BS_INCR_SERIES_N 5
_Static_assert(BS_INCR_SERIES_N + 1 == BS_INCR_SERIES_CELLS,
               "BS_INCR_SERIES_CELLS (bs_net.h) counts the series' G_1 … G_N and its bound");

/* The fewest output values (K·R) of one evaluation for which softmax +
 * cross-entropy is taken with the vectorised exp and log; fewer keep the
 * C library's (and so the bits of the fused loss of bs_loss.c). */
#define BS_INCR_VEXP_MIN 64

typedef struct bs_incr bs_incr;

/* Creates an incremental evaluator for a network and its forward pass (both
 * borrowed; they must outlive it).  Its buffers are allocated once, here.
 * The caller frees *out with bs_incr_free(). */
bs_status bs_incr_create(const bs_net *net, const bs_forward *fw, bs_incr **out,
                         bs_error *err);

/* Frees an incremental evaluator; NULL is allowed. */
void bs_incr_free(bs_incr *ic);

/* 1 when the evaluator handles entries of quantity q of `layer`: every a, z,
 * W and b below the output layer, except where layer `layer` is a softmax
 * (its moved entry changes a whole row); the plain path does the rest. */
int bs_incr_applies(const bs_incr *ic, bs_qty q, size_t layer);

/* Moves entry k of q[layer] by δ, as the plain evaluator does, and stores in
 * ell the losses ℓ_i of the examples that change (*rows of them: one for a
 * or z, the whole batch for W or b), in *crossed the kink flag (1 when a
 * relu or leaky_relu pre-activation among those re-evaluated changed sign,
 * x < 0 versus x ≥ 0, from the unperturbed pass; of the real part for the
 * complex type).  Returns the part of the penalty that changes, λ (w + δ)²
 * for a weight and 0 otherwise.  ell must hold B scalars; only for entries
 * where bs_incr_applies() is 1. */
double bs_incr_moved_d(bs_incr *ic, bs_qty q, size_t layer, size_t k, double d,
                       double *ell, size_t *rows, int *crossed);
double complex bs_incr_moved_c(bs_incr *ic, bs_qty q, size_t layer, size_t k,
                               double complex d, double complex *ell, size_t *rows,
                               int *crossed);

/* The number of evaluations so far that took the Taylor step, and that
 * evaluated the activation instead (for the tests and the benchmark). */
void bs_incr_counts(const bs_incr *ic, size_t *taylor, size_t *exact);

/* The number of evaluations so far, among those that took the Taylor step,
 * that took it through the column expansion (for the tests). */
size_t bs_incr_expanded(const bs_incr *ic);

/* The number of evaluations so far, among those that took the column
 * expansion, that took the loss series (for the tests). */
size_t bs_incr_series(const bs_incr *ic);

/* The loss series of unit q of `layer` (for the tests): G_1 … G_N, then
 * the largest |Δ| the series is used for, each B values (example b of G_i
 * at [(i − 1)·B + b]); computed on first use, owned by the evaluator; NULL
 * where the series does not apply to that layer. */
const double *bs_incr_series_coefficients(bs_incr *ic, size_t layer, size_t q);

#endif
