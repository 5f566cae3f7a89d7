/* bs_trace.h — the trace: what backstep computes, as data.
 *
 * A trace is an ordered list of steps: the forward pass (a[0], y, z[1],
 * a[1], …, a[L], L) and then every backward step from the output layer down
 * (g[La], g[Lz], g[LW], g[Lb], g[(L−1)a], …, g[1b]).  Each step carries its
 * formula as data, its displayed shape, its values and, once checked, the
 * numerical values beside them with their error estimates and agreement.
 * Renderers (text, JSON, …) read a trace; they never compute.
 */
#ifndef BS_TRACE_H
#define BS_TRACE_H

#include <stddef.h>

#include "bs_backward.h"
#include "bs_error.h"
#include "bs_formula.h"
#include "bs_forward.h"
#include "bs_net.h"

typedef enum bs_step_kind {
    BS_STEP_FORWARD = 0, /* a value of the forward pass */
    BS_STEP_LOSS,        /* the loss L (1×1) */
    BS_STEP_BACKWARD     /* a gradient, checked against finite differences */
} bs_step_kind;

typedef enum bs_method {
    BS_METHOD_CENTRAL = 0, /* (L(x + h) − L(x − h)) / 2h, error O(h²) */
    BS_METHOD_COMPLEX      /* Im L(x + ih) / h, no cancellation */
} bs_method;

/* Names of the methods, NULL-terminated, in bs_method order. */
extern const char *const bs_method_names[];

/* How the numerical check runs. */
typedef struct bs_check_opts {
    bs_method method;
    double epsilon;       /* the step h; 0 for the method's default */
    double rtol;          /* relative tolerance; < 0 for the method's default */
    double atol;          /* absolute tolerance; < 0 for the method's default */
    int full;             /* 1: compare every element of every step */
    size_t sample;        /* elements compared per large step when sampling */
    size_t full_below;    /* steps with at most this many elements are compared whole */
    /* called now and then with the elements compared so far and in all (for a
     * progress indicator), or NULL; it must not print to the output */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_check_opts;

typedef struct bs_step {
    bs_step_kind kind;
    bs_qty qty;             /* what the step is the value (or gradient) of */
    size_t layer;
    char id[24];            /* canonical name: "g[2z]", "z[1]", "a[0]", "y", "L" */
    const bs_expr *formula; /* right-hand side in general form (NULL for L) */
    const bs_expr *shortcut;/* the simplified right-hand side actually used, or NULL */
    const char *note;       /* one line on the shortcut or the step, or NULL */
    int mean_enters;        /* 1 on the step where the batch's 1/B enters */
    int has_l2;             /* 1 when the step includes 2λ W[n] */
    size_t rows, cols;      /* displayed shape */
    int transposed;         /* 1 when displayed = stored ᵀ (column convention) */
    double *value;          /* rows×cols values in displayed orientation (analytic
                               for backward steps) */
    double *numeric;        /* numerical values (NaN where not compared), or NULL */
    double *numeric_error;  /* estimated absolute error of each numerical value */
    unsigned char *compared;/* 1 where the element was compared */
    size_t n_compared, n_failed, n_nonfinite;
    double max_rel_error;   /* largest |a − n| / max(|a|, |n|) among compared */
    double max_abs_error;   /* largest |a − n| among compared */
    size_t worst;           /* element (r·cols + c) with the largest relative error */
    int value_nonfinite;    /* 1 when some value of the step is not finite */
    int passed;             /* 1 when every compared element agrees */
} bs_step;

/* A hand-computed claim of the spec, compared with the trace. */
typedef struct bs_claim_result {
    const bs_claim *claim;  /* borrowed from the network */
    size_t step;            /* the trace step it claims */
    size_t n_wrong;         /* elements that differ by more than the tolerance */
    double max_rel;         /* largest |claim − value| / max(|claim|, |value|) */
    size_t worst;           /* where (r·cols + c) */
    int agrees;
} bs_claim_result;

typedef struct bs_trace {
    const bs_net *net;      /* borrowed: must outlive the trace */
    bs_forward *fw;
    bs_grads *grads;
    bs_pool pool;
    bs_step *steps;
    size_t nsteps;
    size_t first_backward;  /* index of the first backward step */
    size_t first_nonfinite; /* index of the first step with a non-finite value, or nsteps */
    bs_claim_result *claims;/* one per claim of the spec, in the spec's order */
    size_t nclaims;
    size_t claims_wrong;    /* claims that disagree */
    /* the check, once bs_trace_check has run */
    int checked;
    bs_check_opts opts;     /* with the defaults filled in */
    size_t n_elements;      /* elements of all backward steps */
    size_t n_compared, n_failed, n_nonfinite;
    double max_rel_error;
    size_t worst_step, worst_index; /* where max_rel_error was found */
    int sampled;            /* 1 when some step was compared on a sample */
    int passed;             /* every compared element agrees, all is finite, and every
                               claim agrees */
} bs_trace;

/* Runs the forward pass and backpropagation of `net` and records every
 * step.  The network is borrowed and must outlive the trace.  The caller
 * frees *out with bs_trace_free(). */
bs_status bs_trace_build(const bs_net *net, bs_trace **out, bs_error *err);

/* Returns the default check options of a method: central h = ∛ε·max(1, |x|),
 * rtol 1e-6, atol 1e-9; complex h = 1e-20, rtol 1e-11, atol 1e-14; 25
 * sampled elements for steps of more than 100. */
bs_check_opts bs_check_defaults(bs_method method);

/* Computes the numerical gradient of every backward step (or of a sample of
 * large steps) and compares it with the analytic one.  Fills the numeric
 * fields of the steps and the verdict of the trace. */
bs_status bs_trace_check(bs_trace *t, const bs_check_opts *opts, bs_error *err);

/* Frees a trace; NULL is allowed. */
void bs_trace_free(bs_trace *t);

/* Returns the claim result of step index `step`, or NULL when the spec makes
 * no claim about it. */
const bs_claim_result *bs_trace_claim(const bs_trace *t, size_t step);

/* Returns the step with canonical id `id` ("g[2z]"), or NULL. */
const bs_step *bs_trace_find(const bs_trace *t, const char *id);

#endif
