/* bs_render_latex.h — the LaTeX renderer. */
#ifndef BS_RENDER_LATEX_H
#define BS_RENDER_LATEX_H

#include "bs_render_common.h"

/* The LaTeX renderer: a complete document for pdflatex (amsmath, amssymb,
 * booktabs, geometry), or with o->fragment only its body. */
void bs_render_latex(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
