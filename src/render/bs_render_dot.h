/* bs_render_dot.h — the Graphviz renderer. */
#ifndef BS_RENDER_DOT_H
#define BS_RENDER_DOT_H

#include "bs_render_common.h"

/* The Graphviz renderer: one node per neuron (one per layer when layers are
 * large) with forward values and gradients, edges with weights and ∂L/∂w. */
void bs_render_dot(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
