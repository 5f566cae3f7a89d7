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
    BS_METHOD_COMPLEX,     /* Im L(x + ih) / h, no cancellation, error O(h²) */
    BS_METHOD_FORWARD,     /* (L(x + h) − L(x)) / h, error O(h) */
    BS_METHOD_RICHARDSON   /* (4 D(h/2) − D(h)) / 3 of central D, error O(h⁴) */
} bs_method;

/* The verdict on one compared element. */
typedef enum bs_verdict {
    BS_V_NONE = 0,      /* not compared */
    BS_V_AGREE,         /* within the tolerances, or within the numeric error bar */
    BS_V_DISAGREE,      /* far outside the error bar (or not finite) */
    BS_V_UNRESOLVED,    /* the error bar is too wide to decide */
    BS_V_KINK_OK,       /* at a kink: analytic between the one-sided differences */
    BS_V_KINK_BAD       /* at a kink: analytic outside the one-sided differences */
} bs_verdict;

/* Names of the verdicts, in bs_verdict order: "", "agree", "disagree",
 * "unresolved", "kink-consistent", "kink-inconsistent". */
extern const char *const bs_verdict_names[];

/* Which side a disagreement is on, found by re-evaluating the element over
 * a range of steps (bs_check.c). */
typedef enum bs_side {
    BS_SIDE_NONE = 0,   /* not analysed */
    BS_SIDE_ANALYTIC,   /* the gap stays constant as h shrinks: the analytic value is wrong */
    BS_SIDE_STEP,       /* the gap shrinks like h^order: the step was too large */
    BS_SIDE_ROUNDING,   /* the gap grows as h shrinks: rounding error */
    BS_SIDE_UNCLEAR,    /* none of these patterns */
    BS_SIDE_NUMERIC     /* the numerical estimate cannot be trusted here: it is not finite,
                           or it does not settle as h shrinks (the steps saturate or
                           overflow the loss), so nothing is said about the analytic value */
} bs_side;

/* Names of the sides, in bs_side order: "", "analytic", "step", "rounding",
 * "unclear", "numeric". */
extern const char *const bs_side_names[];

#define BS_SIDE_STEPS 4 /* steps h, h/4, h/16, h/64 of the analysis */

/* The analysis of the element that decides a failed check: the worst
 * failed element, or when nothing failed the worst unresolved one. */
typedef struct bs_failure {
    int found;              /* 1 when some element failed or is unresolved */
    size_t step, index;     /* the step and displayed element (r·cols + c) */
    bs_verdict verdict;     /* its verdict */
    double analytic, numeric, numeric_error;
    double ratio;           /* analytic / numeric when a telling constant, else NaN */
    const char *ratio_name; /* "-1", "2", "1/2", "B", "1/B", or NULL */
    bs_side side;           /* which side is wrong (BS_SIDE_NONE for kinks) */
    int order;              /* the order p of the method: error ∝ h^p */
    double h[BS_SIDE_STEPS];   /* the steps re-evaluated */
    double gap[BS_SIDE_STEPS]; /* |analytic − numeric| at each */
    double err[BS_SIDE_STEPS]; /* the numeric error bar at each */
    double num[BS_SIDE_STEPS]; /* the numerical derivative at each */
    double left, right;     /* at a kink: the one-sided differences */
} bs_failure;

/* Names of the methods, NULL-terminated, in bs_method order. */
extern const char *const bs_method_names[];

/* How the numerical check runs. */
typedef struct bs_check_opts {
    bs_method method;
    double epsilon;       /* the step h; 0 for the method's default */
    double rtol;          /* relative tolerance; < 0 for the method's default */
    double atol;          /* absolute tolerance; < 0 for the method's default */
    int strict;           /* 1: an unresolved element fails the check too */
    int full;             /* 1: compare every element of every step */
    size_t sample;        /* elements compared per large step when sampling */
    size_t full_below;    /* steps with at most this many elements are compared whole */
    /* called now and then with the elements compared so far and in all (for a
     * progress indicator), or NULL; it must not print to the output */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    int plain;            /* 1: the plain numerical path, which re-runs the forward pass of the
                             batch for every evaluation (the reference); 0: the incremental
                             path (bs_incr.h), the default */
    size_t threads;       /* threads of the numerical check; 0: one per processor online */
    size_t directions;    /* N > 0: check each parameter matrix along N random directions
                             instead of element by element, and element by element only
                             when a direction fails (bs_directions.h); 0: off */
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
    unsigned char *verdict; /* a bs_verdict per element (BS_V_NONE where not compared) */
    double *left, *right;   /* one-sided differences (NaN except at kinks) */
    size_t n_compared, n_failed, n_nonfinite;
    size_t n_agree, n_disagree, n_unresolved, n_kink_ok, n_kink_bad;
    double max_rel_error;   /* largest |a − n| / max(|a|, |n|) among compared */
    double max_abs_error;   /* largest |a − n| among compared */
    size_t worst;           /* element (r·cols + c) with the largest relative error */
    int value_nonfinite;    /* 1 when some value of the step is not finite */
    int passed;             /* 1 when some compared element agrees and all of them agree
                               (none unresolved) */
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
    size_t n_agree, n_disagree, n_unresolved, n_kink_ok, n_kink_bad;
    double max_rel_error;   /* over compared elements not at a kink */
    size_t worst_step, worst_index; /* where max_rel_error was found */
    bs_failure failure;     /* the element that decides a failed check, analysed */
    int sampled;            /* 1 when some step was compared on a sample */
    struct bs_directions *directions; /* the directional check (opts.directions > 0), or NULL */
    void (*directions_free)(struct bs_directions *); /* frees it (set by the check) */
    size_t n_verified;      /* compared elements and directions that agree (or are
                               consistent at a kink) */
    int unverified;         /* 1 when nothing failed, but some compared element or direction
                               is unresolved, or nothing was verified at all */
    int passed;             /* at least one element verified, every compared element and
                               direction agrees (none unresolved), all is finite, and every
                               claim agrees (docs/numerics.md, "The verdict of a check") */
} bs_trace;

/* Runs the forward pass and backpropagation of `net` and records every
 * step.  The network is borrowed and must outlive the trace.  The caller
 * frees *out with bs_trace_free(). */
bs_status bs_trace_build(const bs_net *net, bs_trace **out, bs_error *err);

/* Frees a trace; NULL is allowed. */
void bs_trace_free(bs_trace *t);

/* Returns the claim result of step index `step`, or NULL when the spec makes
 * no claim about it. */
const bs_claim_result *bs_trace_claim(const bs_trace *t, size_t step);

/* Writes a step's name in a notation, e.g. "g[2z]", "dz2". */
void bs_step_name(char *buf, size_t size, const bs_step *st, bs_notation nt);

/* Handout 002's program (its Notes 2–4) leaves out the batch mean's 1/B:
 * its dzL is ŷ − y, so its da, dz and db of every layer are B times the
 * gradient's and its dW is B times the data term (a[n−1])ᵀ g[nz] with the
 * 2λW of eq. (55) added unscaled.  When the trace's network is one that
 * program covers (row convention, softmax + cross-entropy, batch mean,
 * B > 1) and st is a backward step it computes (all but g[La]), writes
 * element k (displayed, r·cols + c) of the program's value to *out and
 * returns 1; otherwise returns 0. */
int bs_step_program_value(const bs_trace *t, const bs_step *st, size_t k, double *out);

/* Returns the step with canonical id `id` ("g[2z]"), or NULL. */
const bs_step *bs_trace_find(const bs_trace *t, const char *id);

#endif
