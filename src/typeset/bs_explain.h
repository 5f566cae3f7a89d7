/* bs_explain.h — why each step is what it is, in plain words.
 *
 * One to three sentences per step (which chain-rule factor, why the
 * transpose, why the Hadamard product, where the softmax Jacobian collapses,
 * where 1/B and 2λW come from).  Written once, here, and used by every
 * renderer.
 */
#ifndef BS_EXPLAIN_H
#define BS_EXPLAIN_H

#include "bs_sink.h"
#include "bs_trace.h"

/* Writes the explanation of a step of a trace as plain Unicode text (no
 * trailing newline), naming every quantity as notation nt names it in the
 * formulas (g[2z], ∂L/∂z[2], dz2) and its elements in the spec's
 * convention.  Forward steps and the loss are explained too. */
void bs_explain(bs_sink *s, const bs_trace *t, const bs_step *st, bs_notation nt);

#endif
