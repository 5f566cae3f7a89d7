/* bs_render.h — renderers over a trace, chosen by format.
 *
 * A renderer reads a trace and writes it through a sink; it computes
 * nothing.  Each output format is one function of the same shape, declared
 * in its own header (bs_render_text.h, bs_render_json.h, …); the options and
 * the helpers they share are in bs_render_common.h.
 */
#ifndef BS_RENDER_H
#define BS_RENDER_H

#include "bs_render_common.h"

/* Renders a trace in the chosen format.  Returns -1 if the sink failed. */
int bs_render(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
