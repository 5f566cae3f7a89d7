/* bs_sweep.h — the error of each numerical method as the step shrinks.
 *
 * For one element of one backward step, the forward difference, the central
 * difference, Richardson extrapolation and the complex step are evaluated
 * at steps h from 1e-1 down to 1e-16 (two per decade), and each is compared
 * with the complex-step value at its default step, which is exact to
 * rounding.  The errors show the truncation error falling like h^p as h
 * shrinks and the rounding error rising like ε/h below the best step: the
 * picture that explains each method's default step (docs/numerics.md).
 * The result is written as a table with a Unicode plot, or as an SVG plot.
 */
#ifndef BS_SWEEP_H
#define BS_SWEEP_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_sink.h"
#include "bs_trace.h"

#define BS_SWEEP_METHODS 4 /* one per bs_method, in bs_method order */

typedef struct bs_sweep {
    char element[64];     /* the element as named in the g notation: "g[1W][3,2]" */
    double x;             /* the value of the entry moved */
    double analytic;      /* the backpropagated value */
    double reference;     /* the complex-step value at its default step */
    size_t n;             /* steps */
    double *h;            /* n steps, 1e-1, 10^−1.5, …, 1e-16 */
    double *value[BS_SWEEP_METHODS]; /* D(h) of each method at each step */
    double *error[BS_SWEEP_METHODS]; /* |D(h) − reference| */
    size_t best[BS_SWEEP_METHODS];   /* the step with the smallest error */
    /* log-log slopes of the error against h: above the best step (the
     * truncation error, about the method's order p) and below it (the
     * rounding error, about −1); NaN where there are too few points */
    double slope_truncation[BS_SWEEP_METHODS];
    double slope_rounding[BS_SWEEP_METHODS];
} bs_sweep;

/* Reads an element of a trace's backward steps: a step's name in any
 * notation bs_name_parse reads, or the name of the quantity itself (W1,
 * W[1], b2, z2, a1, meaning the gradient with respect to it), followed by
 * [row,col] counted from 1 in the displayed orientation, e.g. "W1[2,3]",
 * "g[2z][1,2]", "dL/dW1[1,1]".  Sets *step (index into t->steps) and
 * *index (row·cols + col, from 0), or returns BS_ERR_USAGE with err saying
 * what was expected. */
bs_status bs_sweep_parse_element(const bs_trace *t, const char *text, size_t *step,
                                 size_t *index, bs_error *err);

/* Sweeps element `index` of backward step `step` of a trace (borrowed).
 * progress, when not NULL, is called now and then with the evaluations
 * done and in all.  The caller frees *out with bs_sweep_free(). */
bs_status bs_sweep_run(const bs_trace *t, size_t step, size_t index,
                       void (*progress)(void *ctx, size_t done, size_t total),
                       void *progress_ctx, bs_sweep **out, bs_error *err);

/* Frees a sweep; NULL is allowed. */
void bs_sweep_free(bs_sweep *sw);

/* Writes the sweep for a terminal: the table of errors, the best step and
 * the slopes of each method, and a log-log plot drawn with Unicode. */
void bs_sweep_text(bs_sink *s, const bs_sweep *sw);

/* Writes the sweep as one standalone SVG image: the log-log plot of the
 * error of each method against h, with axes, grid and legend. */
void bs_sweep_svg(bs_sink *s, const bs_sweep *sw);

#endif
