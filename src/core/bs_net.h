/* bs_net.h — a network and its batch, loaded from a spec.
 *
 * Whatever the spec's convention, a bs_net stores everything in the row
 * convention: examples are rows, W[n] is n_{n−1}×n_n (input i, output j at
 * W[n][i·n_n + j]), z[n] = a[n−1] W[n] + b[n].  The convention is kept so that
 * renderers can show every matrix the way the spec's handout writes it.
 */
#ifndef BS_NET_H
#define BS_NET_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "bs_act.h"
#include "bs_error.h"
#include "bs_loss.h"

typedef enum bs_convention {
    BS_ROW = 0,   /* z[n] = a[n−1] W[n] + b[n]   (handouts 001, 002) */
    BS_COLUMN = 1 /* z[n] = W[n] a[n−1] + b[n]   (handout 000) */
} bs_convention;

typedef enum bs_reduction {
    BS_MEAN = 0, /* L = (1/B) Σ_i ℓ_i   (handout 002, eq. 1) */
    BS_SUM = 1   /* L = Σ_i ℓ_i */
} bs_reduction;

/* Limits checked before anything large is allocated. */
typedef struct bs_limits {
    size_t max_file_bytes; /* largest spec file read */
    size_t max_memory;     /* largest estimated working memory, in bytes */
    size_t max_layers;     /* most layers L */
    int max_depth;         /* deepest JSON nesting */
    int full_check;        /* the check will compare every element (--full):
                              its work list counts in the memory estimate */
} bs_limits;

#define BS_DEFAULT_MAX_FILE_BYTES ((size_t)64 << 20)  /* 64 MiB */
#define BS_DEFAULT_MAX_MEMORY ((size_t)2 << 30)       /* 2 GiB */
#define BS_DEFAULT_MAX_LAYERS ((size_t)100)
#define BS_MAX_LAYER_SIZE ((size_t)100000000)

/* A value a student worked out by hand, from the spec's "claims": the loss,
 * or a whole step (a gradient or a forward value) in the displayed
 * orientation of the spec's convention. */
typedef struct bs_claim {
    char *name;          /* as written in the spec: "g[3z]", "dz2", "loss" */
    int qty;             /* a bs_qty (bs_formula.h); the loss is BS_Q_LOSS */
    int gradient;        /* 1 for g[..], dz2, dL/dz2; 0 for the loss */
    size_t layer;
    size_t rows, cols;   /* the displayed shape */
    double *values;      /* rows×cols */
} bs_claim;

/* Where a parameter's values came from. */
typedef enum bs_origin { BS_GIVEN = 0, BS_DRAWN = 1 } bs_origin;

typedef struct bs_net {
    char *name;           /* "name" of the spec, or NULL */
    char *description;    /* "description", or NULL */
    bs_convention convention;
    bs_reduction reduction;
    double l2;            /* λ ≥ 0 */
    size_t L;             /* number of layers, ≥ 1 */
    size_t *n;            /* n[0..L]: layer sizes */
    const bs_activation **act; /* act[1..L]; act[0] is NULL */
    const bs_loss *loss;
    const bs_fused *fused;     /* the output activation and loss together, or NULL */
    double **W;           /* W[1..L]: n[l−1]×n[l], row-major; W[0] is NULL */
    double **b;           /* b[1..L]: n[l]; b[0] is NULL */
    bs_origin *W_origin;  /* [1..L] */
    bs_origin *b_origin;  /* [1..L] */
    size_t B;             /* examples in the batch, ≥ 1 */
    double *x;            /* B×n[0] */
    double *y;            /* B×n[L] (one-hot rows when labels were given) */
    long *labels;         /* B class indices when the spec gave "labels", else NULL */
    /* how the spec asked for random numbers, kept for the JSON output */
    int has_init;
    uint64_t init_seed;
    int init_normal;      /* 1: normal(0, scale²), 0: uniform on [−scale, scale] */
    double init_scale;
    int has_random_batch;
    uint64_t random_batch_seed;
    /* hand-computed values to check, from "claims" */
    bs_claim *claims;
    size_t nclaims;
    double claims_tolerance; /* relative; default 5e-4, suited to 4 significant digits */
} bs_net;

#define BS_DEFAULT_CLAIMS_TOLERANCE 5e-4

/* Returns the default limits. */
bs_limits bs_limits_default(void);

/* Builds a network from a parsed spec.  On success *out is a new network
 * that the caller frees with bs_net_free().  On failure *out is NULL and err
 * holds BS_ERR_SPEC (or BS_ERR_LIMIT) with the JSON path of the offending
 * value in err->where (e.g. "params.W2").  `limits` may be NULL (defaults). */
bs_status bs_net_from_json(const cJSON *root, const bs_limits *limits,
                           bs_net **out, bs_error *err);

/* Reads, parses and validates the spec file at `path` ("-" for standard
 * input).  Errors carry the file name.  The caller frees *out. */
bs_status bs_net_load_file(const char *path, const bs_limits *limits,
                           bs_net **out, bs_error *err);

/* The same from text in memory; `name` is used as the file name in errors. */
bs_status bs_net_load_string(const char *text, size_t len, const char *name,
                             const bs_limits *limits, bs_net **out,
                             bs_error *err);

/* Reads the values a JSON value `v` gives for step qty (a bs_qty; BS_Q_LOSS
 * for the loss) of `layer`: a number (1×1), a flat list (the step's one row,
 * or its one column when the step is a single column) or a list of rows, in the displayed orientation of the network's convention.  Only the
 * form is checked, not the shape: *rows and *cols say what was given.  On
 * success *out holds rows×cols values that the caller frees with free();
 * on failure *out is NULL and err names `path` (extended with [i][j] for a
 * bad element). */
bs_status bs_net_read_values(const bs_net *net, const cJSON *v, const char *path,
                             int qty, size_t layer, size_t *rows, size_t *cols,
                             double **out, bs_error *err);

/* Frees a network; NULL is allowed. */
void bs_net_free(bs_net *net);

/* Copies W[l] (1 ≤ l ≤ L) into buf, which holds n[l−1]·n[l] doubles, in its
 * displayed orientation: as stored (n[l−1]×n[l]) in the row convention, its
 * transpose (n[l]×n[l−1]) in the column one; *rows and *cols get that shape. */
void bs_net_W_displayed(const bs_net *net, size_t l, double *buf, size_t *rows, size_t *cols);

/* Copies an array of a weight's shape, stored as weights are (nin×nout,
 * row convention), into buf (nin·nout doubles) in the displayed orientation
 * of the network's convention: as stored in the row convention, its
 * transpose (nout×nin) in the column one.  A weight, its gradient, its
 * value after a step of training are all shown this one way. */
void bs_net_to_displayed(const bs_net *net, const double *stored, size_t nin, size_t nout,
                         double *buf);

/* The reverse: values of a displayed shape rows×cols (a step's, as the spec's
 * convention shows it) copied into out in the row convention, as they are
 * stored; transposed in the column convention. */
void bs_net_from_displayed(const bs_net *net, const double *v, size_t rows, size_t cols,
                           double *out);

/* The handout whose notation and conventions a network follows: "000" for
 * the column convention (column vectors), "002" for the row convention with
 * a softmax + cross-entropy output ("cross_entropy"), "001" for every other
 * row-convention network.  The string is static. */
const char *bs_handout_of(bs_convention convention, const char *loss);

/* bs_handout_of for a built network. */
const char *bs_net_handout(const bs_net *net);

/* Total number of weights and biases. */
size_t bs_net_param_count(const bs_net *net);

/* Largest layer size max_l n[l]. */
size_t bs_net_max_width(const bs_net *net);

/* The bytes of one item of the numerical check's work list: an upper bound
 * of sizeof(bs_numeric_item), asserted in bs_numeric.c. */
#define BS_NUMERIC_ITEM_BYTES 88

/* The largest table of the incremental check's column expansion kept for
 * one layer by one evaluator, in bytes (3·n[n]·n[n+2]·B doubles; see
 * bs_incr.h): counted here, per thread, in the memory estimate. */
#define BS_INCR_EXPAND_MAX ((size_t)64 << 20)

/* The doubles the incremental check's loss series keeps per unit of layer
 * L − 2 and example (its coefficients and its bound; see bs_incr.h), counted
 * with that layer's column expansion table and under the same limit. */
#define BS_INCR_SERIES_CELLS 6

/* Bytes that loading, tracing and checking this network may need at most
 * (an upper bound of the peak, counted in bs_net.c), or SIZE_MAX when the
 * figure overflows.  B is the batch size; `full`: the check compares every
 * element (--full). */
size_t bs_net_memory_estimate(size_t L, const size_t *n, size_t B, int full);

#endif
