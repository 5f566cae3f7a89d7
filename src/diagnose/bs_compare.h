/* bs_compare.h — `backstep compare`: another program's gradients, checked
 * step by step against the trace.
 *
 * A gradient file is a JSON object whose keys are step names in any notation
 * ("dz2", "g[2z]", "dL/dW1", "∂L/∂b[1]", and "loss" or "L") and whose values
 * are numbers, vectors or matrices in the displayed orientation of the
 * spec's convention.  It must give the parameter gradients (dW and db) of
 * every layer, or the steps named in opts.only.  The steps given are
 * compared in backward order; the
 * first one that disagrees is where the bug entered, and the mistake
 * catalogue (bs_mistakes.h) names the mistake that reproduces its numbers.
 */
#ifndef BS_COMPARE_H
#define BS_COMPARE_H

#include <stddef.h>

#include "bs_conventions.h"
#include "bs_error.h"
#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_trace.h"

/* A gradient file, read and checked against the shapes of a trace. */
typedef struct bs_grads_file bs_grads_file;

/* How values are compared. */
typedef struct bs_compare_opts {
    double rtol;    /* relative tolerance (default 1e-6) */
    double atol;    /* absolute tolerance (default 1e-9) */
    int notation;   /* a bs_notation for the report, or -1: the file's own */
    /* The steps the file must give: a comma-separated list of backward steps
     * in any notation ("dW2,db2", "g[2z], dL/db1"), or NULL for the
     * parameter gradients (dW and db) of every layer.  Steps the file gives
     * beyond them are compared and reported all the same. */
    const char *only;
    /* The rounding a value may carry, for a grader of hand work (NULL for
     * none): bound[j] (NULL for none) gives, for backward step j in the row
     * convention, bound_n[j] elements, the largest difference each element of
     * the step may have from rounding its inputs.  Where the catalogue's
     * mistakes and the inherited errors are matched, two values of step j
     * also agree when each element is within its bound times
     * max(1, the values' largest magnitude / backstep's): a mistake that
     * makes the step B times larger makes its rounding B times larger too.
     * A step given in another shape than the step's has every element held
     * to the largest bound of the step. */
    const double *const *bound;
    const size_t *bound_n;
    /* For the report only: the example (counted from 1) of a batch of
     * `batch` examples that the trace was cut to with bs_compare_example(),
     * or 0 when the trace is of the whole batch. */
    size_t example;
    size_t batch;
} bs_compare_opts;

/* What happened to one step. */
typedef enum bs_compare_status {
    BS_CMP_NOT_GIVEN = 0, /* the file does not give this step (see missing) */
    BS_CMP_AGREES,        /* every element within the tolerance */
    BS_CMP_DISAGREES,     /* a mistake enters here */
    BS_CMP_INHERITS       /* wrong only because a step above it is wrong */
} bs_compare_status;

/* One element where the program and backstep differ (displayed indices). */
typedef struct bs_compare_diff {
    size_t row, col;
    double program, backstep;
} bs_compare_diff;

#define BS_COMPARE_TOP 5

/* The comparison of one step (or of the loss). */
typedef struct bs_compare_step {
    char name[48];            /* in the report's notation: "dz2" */
    char id[24];              /* canonical: "g[2z]", or "L" for the loss */
    char key[64];             /* the key as written in the file ("" when not given) */
    bs_compare_status status;
    int missing;              /* 1 when not given although required */
    size_t rows, cols;        /* backstep's displayed shape */
    size_t prog_rows, prog_cols; /* the program's displayed shape */
    size_t n_elements, n_wrong;
    double max_abs, max_rel;  /* over all elements (shapes equal) */
    bs_compare_diff top[BS_COMPARE_TOP]; /* largest differences, largest first */
    size_t ntop;
    int mistake;              /* a bs_mistake_id, or -1 */
    char mistake_step[48];    /* where the mistake is made ("dz3"), or "" */
    char inherits_from[48];   /* for BS_CMP_INHERITS: the step whose error it carries */
    char diagnosis[640];      /* "dz2 matches the result of …", or "" */
    int single_precision;     /* 1 when every difference is at float32 level */
    int reference_nonfinite;  /* 1 when backstep's own value is NaN or ±inf somewhere */
    int convention;           /* 1 + the index in bs_compare_result.conv of the convention
                                 that explains this step's difference, or 0 */
    char near_miss[400];      /* for a step no mistake reproduces: the closest catalogue
                                 explanations, ranked, with how far each is; or "" */
} bs_compare_step;

typedef struct bs_compare_result {
    bs_compare_opts opts;     /* with the notation resolved */
    size_t B;                 /* batch size, for the report */
    double l2;                /* the spec's λ, for the report */
    int has_loss;             /* 1 when the file gave the loss */
    bs_compare_step loss;     /* the loss, when given */
    char loss_note[160];      /* why the loss differs, when known, or "" */
    bs_compare_step *steps;   /* every backward step, in backward order */
    size_t nsteps;
    size_t n_given, n_agree;
    size_t n_missing;         /* required steps the file does not give */
    int only;                 /* 1 when opts.only named the required steps */
    long first;               /* index of the first disagreeing step, or -1 */
    char keys_note[400];      /* how the file's keys were read when not as step
                                 names ("grads" nested, W1 for dW1, d_W2 as dW2), or "" */
    char float32_tol[64];     /* the options that accept every difference reported as
                                 single-precision rounding, one for the whole file
                                 ("--rtol 1e-5", "--rtol 1e-5 --atol 1e-08"), or "" */
    int float32_file;         /* the file's every value is a float32 and it fails at the
                                 tolerance asked, but not at single precision: 1 when
                                 it then agrees, 3 when it then differs only by the
                                 conventions found (float32_tol the options), else 0 */
    char read_note[400];      /* how the file's values were read when a convention of
                                 their layout or scale, undone, let a bug below it be
                                 located (dW given transposed, dz and da as the batch
                                 sums), or "" */
    bs_conv_finding conv[BS_CONV_MAX]; /* the conventions found (bs_conventions.h) */
    size_t nconv;
    int loss_convention;      /* 1 when the loss differs only by the convention found */
} bs_compare_result;

/* The verdict on a whole file. */
typedef enum bs_compare_verdict_kind {
    BS_VERDICT_AGREES = 0,     /* every required step given; every step agrees, or differs
                                  only at an exact relu kink (accepted) */
    BS_VERDICT_CONVENTION = 1, /* every difference is explained, each element verified, by a
                                  convention (conv[]): not a bug, but not the spec's numbers */
    BS_VERDICT_DISAGREES = 2   /* a step disagrees unexplained, or a required step is missing */
} bs_compare_verdict_kind;

/* Returns 1 when a program's value p agrees with backstep's b: both are
 * finite and |p − b| ≤ atol or |p − b| ≤ rtol · max(|p|, |b|).  A
 * comparison with NaN or ±infinity, on either side, never agrees.  Every
 * tolerance comparison of compare and quiz goes through here. */
int bs_compare_close(double p, double b, double rtol, double atol);

/* Makes *view the network `net` cut to its example `example` (counted from
 * 1) alone, to compare the gradients of a program that works one example at
 * a time (Nielsen's backprop(x, y)): the same parameters, convention,
 * activations, loss and l2, that example's x and y, B = 1, no claims.  Its
 * loss is that example's ℓ(ŷ, y) + λ Σ‖W‖², whatever the spec's reduction:
 * the 1/B of a batch mean is left out.  *view borrows net's memory: net
 * must outlive it, and it is not freed.  An example outside 1 … B is
 * BS_ERR_USAGE with err->where "--example". */
bs_status bs_compare_example(const bs_net *net, size_t example, bs_net *view, bs_error *err);

/* Returns the default options: rtol 1e-6, atol 1e-9, the file's notation. */
bs_compare_opts bs_compare_defaults(void);

/* Reads the gradient file at `path` ("-" for standard input) and checks its
 * keys, shapes and numbers against the trace `t` (which must outlive *out).
 * Bad input is BS_ERR_SYNTAX or BS_ERR_SPEC with err->where the JSON path of
 * the offending value ("dz2[1][3]").  The caller frees *out with
 * bs_grads_file_free(). */
bs_status bs_compare_load(const char *path, const bs_trace *t,
                          bs_grads_file **out, bs_error *err);

/* The same from `len` bytes of JSON text in memory; `name` is the file name
 * used in errors. */
bs_status bs_compare_load_string(const char *text, size_t len, const char *name,
                                 const bs_trace *t, bs_grads_file **out,
                                 bs_error *err);

/* Creates an empty set of gradients for the trace `t` (which must outlive
 * it), to be filled with bs_grads_file_set() by a program that has its
 * gradients in memory.  The caller frees *out with bs_grads_file_free(). */
bs_status bs_grads_file_create(const bs_trace *t, bs_grads_file **out, bs_error *err);

/* Gives the values of step `name` (any notation: "dz2", "g[2z]", "dL/dz2";
 * "loss" for the loss): rows×cols doubles, row by row, in the displayed
 * orientation of the spec's convention; they are copied.  The same checks
 * as for a file apply (a known step, a shape that is the step's, its
 * transpose, or an unsummed bias gradient, finite values), with err->where
 * the name. */
bs_status bs_grads_file_set(bs_grads_file *g, const char *name, const double *values,
                            size_t rows, size_t cols, bs_error *err);

/* Frees a gradient file; NULL is allowed. */
void bs_grads_file_free(bs_grads_file *g);

/* Compares the file with the trace it was loaded against and diagnoses the
 * steps that disagree; a required step (o->only) the file does not give is
 * marked missing.  `o` may be NULL (defaults).  A name in o->only that is
 * not a backward step of the network is BS_ERR_USAGE with err->where
 * "--only" (and the nearest name, when one is close).  The caller frees
 * *out with bs_compare_result_free(). */
bs_status bs_compare_run(const bs_trace *t, const bs_grads_file *g,
                         const bs_compare_opts *o, bs_compare_result **out,
                         bs_error *err);

/* Checks one answer for backward step `name` (any notation) as a quiz does: every step above it is taken as backstep computed it, and the
 * answer (rows×cols doubles, row by row, in the displayed orientation) is
 * compared with backstep's value under the tolerances of `o` (NULL: the
 * defaults; hand work wants a looser rtol such as 5e-3).  On success *out
 * holds the step's comparison: status BS_CMP_AGREES or BS_CMP_DISAGREES,
 * the catalogue mistake that reproduces the answer (mistake, diagnosis), the
 * number of wrong elements and the largest differences.  An answer of the
 * wrong shape (other than the transpose, or an unsummed bias gradient) is
 * BS_ERR_SPEC with a message saying the shape expected; a name that is not
 * a backward step of the network is BS_ERR_SPEC too. */
bs_status bs_compare_answer(const bs_trace *t, const char *name, const double *values,
                            size_t rows, size_t cols, const bs_compare_opts *o,
                            bs_compare_step *out, bs_error *err);

/* Frees a comparison result; NULL is allowed. */
void bs_compare_result_free(bs_compare_result *r);

/* Returns 1 when every required step is given and every step (and the
 * loss) given agrees, a difference at an exact relu kink accepted, else 0. */
int bs_compare_agrees(const bs_compare_result *r);

/* Returns the verdict on the file: agrees, differs only by conventions, or
 * disagrees. */
bs_compare_verdict_kind bs_compare_verdict(const bs_compare_result *r);

/* Writes the report as text: a line per step in backward order, then the
 * first disagreement and its diagnosis. */
void bs_compare_text(bs_sink *s, const bs_compare_result *r);

/* Writes the report as one JSON object. */
void bs_compare_json(bs_sink *s, const bs_compare_result *r);

#endif
