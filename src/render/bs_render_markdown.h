/* bs_render_markdown.h — the Markdown renderer. */
#ifndef BS_RENDER_MARKDOWN_H
#define BS_RENDER_MARKDOWN_H

#include "bs_render_common.h"

/* The Markdown renderer: one section per step, matrices as bmatrix, the
 * numerical check as a table. */
void bs_render_markdown(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
