/* bs_render_html.h — the HTML renderer. */
#ifndef BS_RENDER_HTML_H
#define BS_RENDER_HTML_H

#include "bs_render_common.h"

/* The HTML renderer: one self-contained page (no scripts, no network) with
 * MathML, an inline style sheet and the network diagram as inline SVG. */
void bs_render_html(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
