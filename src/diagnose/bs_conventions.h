/* bs_conventions.h — the conventions by which another program's gradients
 * can differ from the spec's without a bug.
 *
 * A student's program rarely differs from backstep by a textbook mistake;
 * more often by a convention: it averages where the spec sums (every
 * gradient exactly 1/B of backstep's), it keeps ŷ − y and divides by B only
 * in dW and db, its file is in the other orientation, its penalty is
 * reg·ΣW² where the spec's λ is reg/2, it penalises the biases, it takes
 * relu'(0) = 1.  Each is found here from the program's values of every step
 * it gives, each element verified under the convention to the comparison's
 * tolerance, and said once for the whole file: what the program does,
 * whether it is a convention or a bug, and what to change in the spec (or
 * the program) to make them agree.  `backstep compare` calls it
 * (bs_compare.h).
 *
 * Everything here works in the row convention of bs_net; the caller turns
 * the program's values into it (a step given in the transposed shape stays
 * transposed).
 */
#ifndef BS_CONVENTIONS_H
#define BS_CONVENTIONS_H

#include <stddef.h>

#include "bs_backward.h"
#include "bs_error.h"
#include "bs_formula.h"
#include "bs_trace.h"

/* The kinds of finding. */
typedef enum bs_conv_kind {
    BS_CONV_TRANSPOSED = 0, /* every matrix the file gives is transposed */
    BS_CONV_PARAMS_TRANSPOSED, /* the parameters' gradients (dW) only are transposed */
    BS_CONV_FACTOR,         /* every step exactly c × backstep's */
    BS_CONV_INVB_AT,        /* the 1/B applied at dW and db, not at the output */
    BS_CONV_L2_SCALE,       /* the weight penalty on another scale: data + μW */
    BS_CONV_BIAS_L2,        /* the biases penalised too: db = backstep's + κb */
    BS_CONV_RELU_KINK,      /* relu'(0) = 1 at an exact kink */
    BS_CONV_ALIAS,          /* a value overwritten in place: da equals the program's dz */
    BS_CONV_KIND_COUNT
} bs_conv_kind;

/* One finding. */
typedef struct bs_conv_finding {
    bs_conv_kind kind;
    const char *key;      /* stable identifier: "factor", "transposed", "1/B-at-dW" … */
    int accepted;         /* 1 when the difference is accepted as agreement (an exact kink) */
    int unexplained;      /* 1 when the pattern is seen but the program's own loss contradicts
                             it (a batch-mean loss with batch-sum gradients): it explains no
                             step, the catalogue's diagnosis stands */
    double factor;        /* c of BS_CONV_FACTOR, μ of _L2_SCALE, κ of _BIAS_L2, else 0 */
    char says[800];       /* what the program does, and that it is a convention */
    char change[400];     /* what to change in the spec (or the program) to reconcile */
} bs_conv_finding;

#define BS_CONV_MAX 8

/* The findings for one file. */
typedef struct bs_conventions {
    bs_conv_finding f[BS_CONV_MAX];
    size_t n;
    /* explained[j]: 1 + the index of the finding that explains backward step j (every
     * element verified under it), or 0; an array of bs_backward_nsteps entries, owned */
    unsigned char *explained;
} bs_conventions;

/* Finds the conventions of a program whose values are prog[j] (row
 * convention; v NULL for a step the file does not give; a step given
 * transposed has its shape transposed) and whose loss is *loss (NULL when
 * the file does not give it) against the trace `t`, to the
 * tolerances rtol and atol of bs_compare_close; names are written in
 * notation nt.  A finding is made only when every step it explains is
 * verified element by element, finite, under it.  On success *out holds the
 * findings (maybe none); the caller frees them with bs_conventions_free. */
bs_status bs_conventions_find(const bs_trace *t, const bs_mat *prog, const double *loss,
                              double rtol, double atol, bs_notation nt, bs_conventions *out,
                              bs_error *err);

/* Frees what bs_conventions_find allocated in c (not c itself); NULL is allowed. */
void bs_conventions_free(bs_conventions *c);

#endif
