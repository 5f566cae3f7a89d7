/* bs_mistakes.h — the catalogue of classic backpropagation mistakes.
 *
 * One table: each entry names a mistake (activation derivative left out,
 * 1/B missing, sign flipped, …), says which steps it can affect, and
 * recomputes one backward step the mistaken way from the values of the steps
 * above it: the backward kernel (bs_backward_step) with one of its knobs
 * turned.  `backstep compare` uses it to name the mistake that reproduces
 * another program's numbers.
 *
 * Everything here works in the row convention of bs_net (one example per
 * row, W[n] stored n[n−1]×n[n]); the caller turns displayed values into this
 * orientation first.  Backward steps are indexed as in bs_backward.h.
 */
#ifndef BS_MISTAKES_H
#define BS_MISTAKES_H

#include <stddef.h>

#include "bs_formula.h"
#include "bs_trace.h"

/* The mistakes, in the order they are tried (the most telling first). */
typedef enum bs_mistake_id {
    BS_MISTAKE_SIGN = 0,
    BS_MISTAKE_NO_INVB,
    BS_MISTAKE_INVB_TWICE,
    BS_MISTAKE_TRANSPOSE,
    BS_MISTAKE_NO_DERIV,
    BS_MISTAKE_DERIV_AT_A,
    BS_MISTAKE_SOFTMAX_ELEMENTWISE,
    BS_MISTAKE_WRONG_ACT,
    BS_MISTAKE_BIAS_NOT_SUMMED,
    BS_MISTAKE_L2_MISSING,
    BS_MISTAKE_L2_LAMBDA,
    BS_MISTAKE_WRONG_LAYER_W,
    BS_MISTAKE_OFF_BY_ONE,
    BS_MISTAKE_ACT_FOR_DERIV,
    BS_MISTAKE_ONE_FLOW,
    BS_MISTAKE_COUNT
} bs_mistake_id;

/* What a mistake's function sees: backstep's trace (forward values,
 * parameters), the values of the backward steps computed so far and the
 * step to compute. */
typedef struct bs_mistake_ctx {
    const bs_trace *t;
    const bs_mat *cur;   /* cur[0..j−1]: the steps above, row convention */
    size_t j;            /* the step to compute */
    bs_notation nt;      /* for the names in the detail text */
} bs_mistake_ctx;

/* What a mistake's function returns for one variant. */
typedef enum bs_mistake_rc {
    BS_MISTAKE_NOMEM = -1, /* an allocation failed */
    BS_MISTAKE_SKIP = 0,   /* this variant does not apply to this step */
    BS_MISTAKE_MADE = 1,   /* *out holds the mistaken value */
    BS_MISTAKE_DONE = 2    /* no variants left */
} bs_mistake_rc;

/* Bits of bs_mistake.kinds: which backward steps a mistake can affect. */
#define BS_MK_A 1u
#define BS_MK_Z 2u
#define BS_MK_W 4u
#define BS_MK_B 8u

typedef struct bs_mistake {
    bs_mistake_id id;
    const char *key;    /* stable identifier: "no-1/B", "no-derivative" */
    const char *name;   /* short: "activation derivative left out" */
    /* the end of the sentence "dz2 matches …", with {k} for the name of the
     * step where the mistake is made and {d} for the variant's detail */
    const char *phrase;
    unsigned kinds;     /* BS_MK_* */
    /* Computes step ctx->j the mistaken way, variant by variant (0, 1, …),
     * into *out (allocated here, freed by the caller with free(out->v)), and
     * writes the variant's detail into detail (may be empty). */
    bs_mistake_rc (*compute)(const bs_mistake_ctx *ctx, size_t variant,
                             bs_mat *out, char *detail, size_t dsize);
} bs_mistake;

/* The catalogue, indexed by bs_mistake_id. */
extern const bs_mistake bs_mistakes[BS_MISTAKE_COUNT];

/* Returns the catalogue entry whose key is `key`, or NULL. */
const bs_mistake *bs_mistake_find(const char *key);

/* Computes step ctx->j the right way (bs_backward_step with the right knobs) from the
 * values in ctx->cur into *out, freed by the caller with free(out->v), and returns 0, or
 * -1 with out->v NULL when memory ran out or the step it reads is missing or misshapen. */
int bs_mistake_correct(const bs_mistake_ctx *ctx, bs_mat *out);

#endif
