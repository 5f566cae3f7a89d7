/* bs_numeric.h — numerical derivatives of the loss.
 *
 * For any entry of a[n], z[n], W[n] or b[n], the loss is re-evaluated with
 * that entry moved, re-running the forward pass only from where the entry
 * enters:
 *   a[n] or z[n] of example i: that example's row, from layer n up; the other
 *     examples' losses do not change and are left out of the difference;
 *   W[n] or b[n]: z[n] of the whole batch moves by δ·a[n−1][:, p] (or δ) in
 *     column q, and the layers above are re-run; the penalty changes by
 *     λ((w + δ)² − w²), the other weights' penalty cancels.
 * The difference L(x + h) − L(x − h) is summed example by example,
 * r Σ_i (ℓ_i(x + h) − ℓ_i(x − h)), so that it does not carry the rounding of
 * the whole loss.
 * Central difference:  D(h) = (L(x + h) − L(x − h)) / 2h, error O(h²).
 * Complex step:        D(h) = Im L(x + ih) / h, no subtraction, so h can be
 *                      1e-20 and the result is accurate to rounding.
 */
#ifndef BS_NUMERIC_H
#define BS_NUMERIC_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_formula.h"
#include "bs_forward.h"
#include "bs_trace.h"

typedef struct bs_numeric bs_numeric;

/* Creates the evaluator for a network and its forward pass (both borrowed;
 * they must outlive it).  Its buffers are allocated once, here.  The caller
 * frees *out with bs_numeric_free(). */
bs_status bs_numeric_create(const bs_net *net, const bs_forward *fw,
                            bs_numeric **out, bs_error *err);

/* Frees an evaluator; NULL is allowed. */
void bs_numeric_free(bs_numeric *nm);

/* The current value of entry k (stored, row-convention order) of quantity q
 * of layer `layer`. */
double bs_numeric_value(const bs_numeric *nm, bs_qty q, size_t layer, size_t k);

/* The default step of a method for entry k: central ∛ε · max(1, |x|), kept
 * at most 1e-3 of the distance to 0 or 1 for ŷ under bce and cross_entropy;
 * complex step 1e-20. */
double bs_numeric_default_step(const bs_numeric *nm, bs_method m, bs_qty q,
                               size_t layer, size_t k);

/* Returns the numerical ∂L/∂(entry k of q[layer]) by method m with step h,
 * and stores in *error an estimate of its absolute error (central: the
 * truncation error from D(h) − D(h/2) plus rounding, 4ε·|L terms|/h; complex:
 * rounding, 2ε·|D|).  With h = 0 the step is chosen: complex 1e-20; central
 * the default step h0 or 16·h0, whichever has the smaller estimated error,
 * with truncation estimated from D(4·h0) (16·h0 wins where rounding
 * dominates, for small gradients of a large loss).
 * error may be NULL. */
double bs_numeric_derivative(bs_numeric *nm, bs_method m, bs_qty q,
                             size_t layer, size_t k, double h, double *error);

/* One entry to differentiate numerically, and what was found. */
typedef struct bs_numeric_item {
    bs_qty q;          /* in: the quantity (a, z, W or b) */
    size_t layer, k;   /* in: its layer and the stored (row-convention) entry */
    double value;      /* out: the numerical derivative */
    double error;      /* out: its estimated absolute error */
} bs_numeric_item;

/* Computes the numerical derivative of each of the n items by method m with
 * step h (0 for the method's default), as bs_numeric_derivative does, for a
 * network and its forward pass (both borrowed).  progress, when not NULL, is
 * called now and then with the items done so far and n.  Returns BS_OK, or
 * BS_ERR_NOMEM with err set. */
bs_status bs_numeric_run(const bs_net *net, const bs_forward *fw, bs_method m,
                         double h, bs_numeric_item *items, size_t n,
                         void (*progress)(void *ctx, size_t done, size_t total),
                         void *progress_ctx, bs_error *err);

#endif
