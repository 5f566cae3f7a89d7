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
 * Forward difference:  D(h) = (L(x + h) − L(x)) / h, error O(h).
 * Central difference:  D(h) = (L(x + h) − L(x − h)) / 2h, error O(h²).
 * Richardson:          R(h) = (4 D(h/2) − D(h)) / 3 of central D, error O(h⁴).
 * Complex step:        D(h) = Im L(x + ih) / h, no subtraction, so h can be
 *                      1e-20 and the result is accurate to rounding.
 * At a kink (a step moves a relu or leaky_relu pre-activation across 0) the
 * one-sided differences (L(x) − L(x − h))/h and (L(x + h) − L(x))/h are
 * computed as well.  docs/numerics.md has the error analysis.
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

/* Switches an evaluator to the incremental path (on = 1), which re-evaluates
 * only what a move touches (bs_incr.h), or back to the plain path (on = 0,
 * as created), which re-runs the forward pass of the batch from the moved
 * layer.  Returns BS_OK, or BS_ERR_NOMEM with err set (the evaluator then
 * stays plain). */
bs_status bs_numeric_set_incremental(bs_numeric *nm, int on, bs_error *err);

/* How bs_numeric_run computes: the path and the threads. */
typedef struct bs_numeric_speed {
    int plain;      /* 1: the plain path, the reference; 0: the incremental path */
    size_t threads; /* threads to spread the items over; 0: one per processor online */
} bs_numeric_speed;

/* The entry index k of an item that stands for the direction set with
 * bs_numeric_set_direction rather than for one entry. */
#define BS_NUMERIC_ALONG ((size_t)-1)

/* Makes the evaluator move the whole parameter matrix q[layer] (q is W or
 * b) along v for items with k = BS_NUMERIC_ALONG: θ + δ·v, v holding one
 * number per stored entry (row-convention order), borrowed for the call
 * only.  z[n] then moves by δ·a[n−1]·V (or δ·v in every row), computed
 * here once, and the layers above are re-run for the batch (always the
 * plain path); the penalty moves by λ(2δ w·v + δ² v·v).  Returns BS_OK,
 * or BS_ERR_NOMEM with err set. */
bs_status bs_numeric_set_direction(bs_numeric *nm, bs_qty q, size_t layer, const double *v,
                                   bs_error *err);

/* The current value of entry k (stored, row-convention order) of quantity q
 * of layer `layer`; for k = BS_NUMERIC_ALONG the largest |entry| of the
 * matrix of the direction, so that the default step along a direction is
 * that of the matrix's largest entry. */
double bs_numeric_value(const bs_numeric *nm, bs_qty q, size_t layer, size_t k);

/* The default step of a method for entry k with value x: forward
 * √ε·max(1, |x|), central ∛ε·max(1, |x|), richardson ε^(1/5)·max(1, |x|),
 * each kept at most 1e-3 of the distance to 0 or 1 for ŷ under bce and
 * cross_entropy, counting only an edge whose log term is in the loss (its
 * target coefficient is not 0), so that the step is never 0; complex step
 * 1e-20·max(1, |x|). */
double bs_numeric_default_step(const bs_numeric *nm, bs_method m, bs_qty q,
                               size_t layer, size_t k);

/* The order p of a method: its truncation error is ∝ h^p (forward 1,
 * central 2, richardson 4, complex 2). */
int bs_numeric_order(bs_method m);

/* One entry to differentiate numerically, and what was found. */
typedef struct bs_numeric_item {
    bs_qty q;          /* in: the quantity (a, z, W or b) */
    size_t layer, k;   /* in: its layer and the stored (row-convention) entry */
    double value;      /* out: the numerical derivative */
    double error;      /* out: its estimated absolute error */
    double step;       /* out: the step h used */
    int kink;          /* out: 1 when a step moved a relu or leaky_relu
                          pre-activation across 0 (never for the complex step) */
    double left, right;             /* out, at a kink: (L(x) − L(x − h))/h and
                                       (L(x + h) − L(x))/h; NaN elsewhere */
    double left_error, right_error; /* out, at a kink: their estimated errors */
} bs_numeric_item;

/* Fills the out fields of item `it`: the numerical ∂L/∂(entry k of
 * q[layer]) by method m with step h, and an estimate of its absolute error
 * (forward and central: the truncation error from D(h) − D(h/2) plus
 * rounding, 8ε·|L terms|/h one-sided and 4ε·|L terms|/h central;
 * richardson: (16/15)·|R(h) − R(h/2)| plus rounding; complex: rounding,
 * 2ε·|D|).  With h = 0 the step is the method's default, except that the
 * central difference then takes h0 or 16·h0, whichever has the smaller
 * estimated error, with truncation estimated from D(4·h0) (16·h0 wins
 * where rounding dominates, for small gradients of a large loss).  When a
 * step crosses a kink, the one-sided differences at h are computed, with
 * errors from h/2. */
void bs_numeric_derivative(bs_numeric *nm, bs_method m, double h, bs_numeric_item *it);

/* Computes the numerical derivative of each of the n items by method m with
 * step h (0 for the method's default) with bs_numeric_derivative, for a
 * network and its forward pass (both borrowed), the way `speed` says (NULL
 * for the defaults: incremental, one thread per processor).  Every item
 * gets the same value whatever the number of threads.  progress, when not
 * NULL, is called now and then, from the caller's thread, with the items
 * done so far and n.  Returns BS_OK, or BS_ERR_NOMEM with err set. */
bs_status bs_numeric_run(const bs_net *net, const bs_forward *fw, bs_method m,
                         double h, const bs_numeric_speed *speed,
                         bs_numeric_item *items, size_t n,
                         void (*progress)(void *ctx, size_t done, size_t total),
                         void *progress_ctx, bs_error *err);

#endif
