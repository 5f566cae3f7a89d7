/* bs_train.h — gradient descent on a spec's network.
 *
 * Handout 001's update, applied to every parameter at once from the gradient
 * of the whole batch (full-batch gradient descent):
 *   W[n] ← W[n] − α ∂L/∂W[n],   b[n] ← b[n] − α ∂L/∂b[n]
 * The gradients come from bs_forward_run and bs_backward_run, the same code
 * that `backstep trace` shows; the gradient check is bs_trace_check.  Training
 * works on its own copy of the parameters: the spec's network is only read.
 *
 * Training stops early, and says at which step and why, when the loss or a
 * parameter stops being finite or the loss grows beyond
 * BS_TRAIN_DIVERGE_FACTOR times the initial loss (see bs_train_run).
 */
#ifndef BS_TRAIN_H
#define BS_TRAIN_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_formula.h"
#include "bs_net.h"
#include "bs_sink.h"
#include "bs_trace.h"

/* Training stops when the loss exceeds this many times the initial loss
 * (or 1e-12 times it when the initial loss is 0). */
#define BS_TRAIN_DIVERGE_FACTOR 1e6

/* The largest number of steps one run may take (the losses of all steps are
 * kept: 80 MB at this limit). */
#define BS_TRAIN_MAX_STEPS ((size_t)10000000)

/* How training runs. */
typedef struct bs_train_opts {
    size_t steps;         /* N: full-batch updates, 1 … BS_TRAIN_MAX_STEPS */
    double lr;            /* α: the learning rate, finite and > 0 */
    size_t check_every;   /* K: the gradient is checked before the first step and
                             after every K-th step; 0 checks before the first step only */
    const char *freeze;   /* comma-separated parameters kept fixed ("b1,b2"), or NULL */
    bs_check_opts check;  /* how each gradient check runs (its progress is not used) */
    bs_notation notation; /* how the text and the check verdicts name parameters and
                             gradients: g (W[2], g[2W]; the default), partial
                             (W[2], ∂L/∂W[2]) or code (W2, dW2) */
    /* called after each step with the steps done so far and in all (for a
     * progress indicator), or NULL; it must not print to the output */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_train_opts;

/* Why training ended. */
typedef enum bs_train_stop {
    BS_TRAIN_COMPLETED = 0,   /* all N steps were taken */
    BS_TRAIN_LOSS_NONFINITE,  /* the loss became NaN or infinite */
    BS_TRAIN_DIVERGED,        /* the loss grew beyond BS_TRAIN_DIVERGE_FACTOR × the initial loss */
    BS_TRAIN_PARAM_NONFINITE, /* an update made a parameter NaN or infinite */
    BS_TRAIN_GRAD_NONFINITE   /* a gradient was NaN or infinite */
} bs_train_stop;

/* Names of the stop reasons, in bs_train_stop order, NULL-terminated:
 * "completed", "loss_nonfinite", "diverged", "param_nonfinite",
 * "gradient_nonfinite". */
extern const char *const bs_train_stop_names[];

/* One parameter, W[n] or b[n], in the displayed orientation of the spec's
 * convention (row: W[n] n_{n−1}×n_n, b[n] 1×n_n; column: W[n] n_n×n_{n−1},
 * b[n] n_n×1), as `backstep trace` shows it. */
typedef struct bs_train_param {
    bs_qty qty;         /* BS_Q_W or BS_Q_B */
    size_t layer;       /* n, 1 … L */
    char name[24];      /* the spec's key in "params": "W1", "b2" */
    size_t rows, cols;  /* displayed shape */
    int frozen;         /* 1 when --freeze keeps it fixed */
    double *before;     /* rows×cols: the values before the first step */
    double *gradient;   /* rows×cols: ∂L/∂(parameter) at the first step */
    double *after;      /* rows×cols: the values after the first step */
    double *final;      /* rows×cols: the values at the end of training */
} bs_train_param;

/* One gradient check during training. */
typedef struct bs_train_check {
    size_t step;          /* the parameters checked are those after this many steps */
    int passed;           /* the check passed (bs_trace.h: something verified, every
                             compared element agrees, all is finite) */
    int unverified;       /* not passed only because something was left unresolved or
                             nothing was verified */
    size_t n_compared, n_failed, n_nonfinite;
    double max_rel_error;
    char worst[72];       /* the element with the largest relative error, "g[1W][2,1]", or "" */
    char verdict[400];    /* the verdict line as `backstep check` writes it */
} bs_train_check;

/* The result of a training run. */
typedef struct bs_train {
    const bs_net *net;        /* borrowed: the spec's network, never modified */
    bs_train_opts opts;       /* as given (freeze is borrowed) */
    bs_train_param *params;   /* 2L parameters in the spec's order: W1, b1, W2, b2, … */
    size_t nparams;
    size_t nfrozen;           /* how many of them are frozen */
    int has_first;            /* 1 when the first step was taken (before/gradient/after are set) */
    double *loss;             /* loss[s] for s = 0 … steps_done: the loss after s steps */
    size_t steps_done;        /* steps whose result was kept; N when training completed */
    bs_train_check *checks;   /* in step order */
    size_t nchecks;
    size_t checks_failed;
    bs_train_stop stop;
    size_t stop_step;         /* the step that was refused (0: the initial parameters) */
    char stop_message[400];   /* one line: what happened at stop_step and the probable cause */
    int passed;               /* training completed and every check passed */
} bs_train;

/* Returns default options: 1 step, α = 0 (to be set), checked before the
 * first step only, nothing frozen, the central-difference check. */
bs_train_opts bs_train_defaults(void);

/* Reads one parameter name as --freeze takes it: the spec's key ("W1", "b2",
 * also "w1" and "W[1]") or a gradient's name in any notation bs_name_parse
 * reads ("g[1W]", "dW1", "dL/dW1", "∂L/∂b[2]").  Returns 0 and sets *q
 * (BS_Q_W or BS_Q_B) and *layer, or -1 when the name is none of these. */
int bs_param_parse(const char *name, bs_qty *q, size_t *layer);

/* Trains a copy of `net`'s parameters by gradient descent as `opts` says.
 * The network is borrowed and must outlive the result; it is not modified.
 * A stop on divergence is not an error: it returns BS_OK with (*out)->stop
 * set.  Errors: BS_ERR_USAGE for bad options (no steps, α not finite and
 * positive, an unknown --freeze name, with "did you mean" where one is
 * close), BS_ERR_NOMEM.  The caller frees *out with bs_train_free(). */
bs_status bs_train_run(const bs_net *net, const bs_train_opts *opts, bs_train **out,
                       bs_error *err);

/* Frees a training result; NULL is allowed. */
void bs_train_free(bs_train *t);

#endif
