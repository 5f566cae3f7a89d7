/* bs_scaffold.h — a complete, valid spec to start from (`backstep init`).
 *
 * The spec is written out in full — convention, layers, activations, loss,
 * weights and biases drawn from a seed and rounded to two decimals, an
 * example input and target — with a "//field" comment beside each field, so
 * a new user sees every field and can edit the numbers.  It is generated,
 * then loaded, traced and checked in-process; a draw that would not trace
 * cleanly (a pre-activation at a ReLU kink, a saturated output) is redrawn.
 */
#ifndef BS_SCAFFOLD_H
#define BS_SCAFFOLD_H

#include <stdint.h>

#include "bs_error.h"
#include "bs_net.h"
#include "bs_sink.h"

typedef struct bs_scaffold_opts {
    const char *layers;      /* "4-3-2-1" */
    const char *activations; /* "sigmoid,sigmoid,tanh", one name for all, or NULL */
    const char *loss;        /* "bce", or NULL: bce for one output, else cross_entropy */
    bs_convention convention;
    uint64_t seed;
} bs_scaffold_opts;

/* Writes the spec to the sink.  Bad options give BS_ERR_USAGE with a
 * message naming the option ("--activations: …"). */
bs_status bs_scaffold(const bs_scaffold_opts *o, bs_sink *out, bs_error *err);

#endif
