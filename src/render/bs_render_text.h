/* bs_render_text.h — the text renderer, whole or piece by piece. */
#ifndef BS_RENDER_TEXT_H
#define BS_RENDER_TEXT_H

#include "bs_render_common.h"

/* The text renderer: the forward pass, each backward step with its formula,
 * shape, analytic and numerical values, and a closing verdict line. */
void bs_render_text(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The summary at the head of the text output: the network's name, the spec
 * file (`source`, or NULL), the description, the layers and convention, the
 * activations and loss, and the batch. */
void bs_render_text_network(bs_sink *s, const bs_net *net, const char *source);

/* The pieces of the text rendering, for showing a trace one step at a time
 * (backstep step); bs_render_text writes intro, backward head, every
 * backward step and end, in that order.  The intro: the network summary, the
 * parameters and the forward pass. */
void bs_render_text_intro(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The forward pass alone, under its heading. */
void bs_render_text_forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The heading of the backward pass and, for a checked trace, how it was checked. */
void bs_render_text_backward_head(bs_sink *s, const bs_trace *t);

/* Backward step t->steps[i] after a blank line: its formula, shortcut, values
 * and check, with its explanation and expansion when o asks for them. */
void bs_render_text_step(bs_sink *s, const bs_trace *t, size_t i, const bs_render_opts *o);

/* The element-level expansions of a backward step with their numbers
 * ("  term by term:" and one line per element). */
void bs_render_text_terms(bs_sink *s, const bs_trace *t, const bs_step *st,
                          const bs_render_opts *o);

/* For a checked trace, a blank line, the failure when there is one, and the
 * verdict line; nothing otherwise. */
void bs_render_text_end(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* A rows×cols matrix as the text renderer lays it out: one "[ v v ]" line
 * per row after `indent`, columns aligned, `prec` significant digits, the
 * middle of large matrices elided. */
void bs_render_text_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int prec,
                           const char *indent);

#endif
