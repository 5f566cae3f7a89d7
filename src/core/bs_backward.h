/* bs_backward.h — analytic backpropagation, one step at a time.
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
 *
 * Each formula is written once, in bs_backward_step.  bs_backward_run loops
 * over it with the right knobs; the mistake catalogue (bs_mistakes.h) turns
 * one knob to say how a program's step went wrong.
 *
 * The backward steps are indexed j = 4(L − n) + k, with k = 0 for g[na], 1 for
 * g[nz], 2 for g[nW] and 3 for g[nb]: the trace's order, from g[La] down to
 * g[1b].
 */
#ifndef BS_BACKWARD_H
#define BS_BACKWARD_H

#include <stddef.h>

#include "bs_act.h"
#include "bs_error.h"
#include "bs_formula.h"
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

/* A matrix in the row convention; v holds rows×cols values. */
typedef struct bs_mat {
    size_t rows, cols;
    double *v;
} bs_mat;

/* The derivative a step g[nz] multiplies g[na] by. */
typedef enum bs_deriv {
    BS_DERIV_RIGHT = 0, /* J_f(z[n])ᵀ g[na] of the layer's own f, or r (ŷ − y) under the
                           output shortcut */
    BS_DERIV_NONE,      /* left out: g[nz] = g[na] */
    BS_DERIV_AT_Z,      /* f'(z[n]) ∘ g[na] of an elementwise f, with f(z[n]) recomputed */
    BS_DERIV_AT_A,      /* f'(a[n]) ∘ g[na]: f' evaluated at a[n] in place of z[n] */
    BS_DERIV_ON_ZA,     /* f's derivative formula (in z and a) applied to this layer's own
                           z[n] and a[n], times g[na] */
    BS_DERIV_VALUE      /* the activation itself in place of its derivative: a[n] ∘ g[na]
                           (an elementwise f; deriv_f is not used) */
} bs_deriv;

/* Whether a step g[nb] sums g[nz] over the examples. */
typedef enum bs_sum {
    BS_SUM_ALL = 0, /* Σ_i g[nz]_i (1×n[n]) */
    BS_SUM_NONE,    /* the B rows of g[nz] as they are (B×n[n]) */
    BS_SUM_FIRST    /* the first example's row of g[nz] only (1×n[n]) */
} bs_sum;

/* The ways one backward step can be varied: bs_step_knobs_right() gives the
 * right step, and each mistake of the catalogue turns one knob. */
typedef struct bs_step_knobs {
    int negate;          /* 1: the whole step with its sign flipped */
    int batch_power;     /* the data term (all but the L2 term) times B^batch_power on top of
                            what the formula gives: 0 right, +1 the 1/B of a mean left out,
                            −1 the 1/B applied a second time */
    double l2_factor;    /* c in g[nW] = (a[n−1])ᵀ g[nz] + c λ W[n]: 2 right, 1, 0 */
    size_t w_layer;      /* the m of W[m] in g[na] = g[(n+1)z] (W[m])ᵀ: 0 for the right n + 1;
                            W[m] must have the shape of W[n+1] */
    int w_transposed;    /* 1: g[(n+1)z] (W[m])ᵀ, right; 0: g[(n+1)z] W[m] (square W only) */
    size_t only_flow;    /* g[na] = Σ_u g[(n+1)z]_u (W[m]_{:,u})ᵀ over every unit u of layer
                            n + 1 (0, right), or over u = only_flow − 1 alone: one of the
                            flows into a[n] */
    bs_deriv deriv;      /* the derivative in g[nz] */
    const bs_activation *deriv_f; /* the elementwise f whose derivative _AT_Z, _AT_A, _ON_ZA take;
                                     NULL for the layer's own activation */
    bs_sum sum;          /* the sum over the examples in g[nb] */
} bs_step_knobs;

/* Returns the knobs of the right step. */
bs_step_knobs bs_step_knobs_right(void);

/* Number of backward steps of `net`: 4L. */
size_t bs_backward_nsteps(const bs_net *net);

/* The quantity (BS_Q_A, _Z, _W or _B) and layer of backward step j. */
void bs_backward_step_of(const bs_net *net, size_t j, bs_qty *q, size_t *layer);

/* The index j of the backward step of quantity q (BS_Q_A, _Z, _W or _B) in layer `layer`. */
size_t bs_backward_step_index(const bs_net *net, bs_qty q, size_t layer);

/* The row-convention shape of backward step j. */
void bs_backward_shape(const bs_net *net, size_t j, size_t *rows, size_t *cols);

/* 1 when `net` takes g[Lz] as r (ŷ − y), its output and loss being a fused pair that allows it. */
int bs_backward_shortcut(const bs_net *net);

/* The step whose value bs_backward_step reads to compute step j with knobs k (NULL for the
 * right ones), or (size_t)-1 when it reads none (g[La]; g[Lz] under the shortcut). */
size_t bs_backward_source(const bs_net *net, size_t j, const bs_step_knobs *k);

/* The step whose value step j is computed from in the right backward pass, or (size_t)-1
 * when it depends on the forward pass only. */
size_t bs_backward_upstream(const bs_net *net, size_t j);

/* The value of backward step j in g, with its row-convention shape; borrowed from g (not to
 * be freed). */
bs_mat bs_backward_value(const bs_net *net, const bs_grads *g, size_t j);

/* Computes backward step j of `net` at the forward pass `fw` with knobs k (NULL for the
 * right step) into out, from `from`, the value of step bs_backward_source(net, j, k) (NULL
 * when that is (size_t)-1); out holds the rows×cols of bs_backward_shape, or B×n[n] for a
 * g[nb] under BS_SUM_NONE, and is written whole.  j may also be 4L, one past
 * the last step: g[0a] = g[1z] (W[1])ᵀ, the gradient of the input, from g[1z]
 * (B×n[0]; bs_backward_run does not compute it). */
void bs_backward_step(const bs_net *net, const bs_forward *fw, size_t j, const double *from,
                      const bs_step_knobs *k, double *out);

/* Runs backpropagation through `net` from the forward pass `fw`.  The
 * caller frees *out with bs_grads_free(). */
bs_status bs_backward_run(const bs_net *net, const bs_forward *fw,
                          bs_grads **out, bs_error *err);

/* Frees gradients; NULL is allowed. */
void bs_grads_free(bs_grads *g);

#endif
