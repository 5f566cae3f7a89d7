/* bs_mathml.h — typesetting a trace's mathematics as MathML Core (rendered
 * natively by Chromium, Firefox and Safari), for the HTML renderer.  Each
 * function writes the content of a <math> element (no <math> wrapper).
 * Only MathML Core elements are used (mrow, mi, mn, mo, msub, msup,
 * msubsup, mfrac, mtable, mtr, mtd, mtext, mspace); code-notation names
 * carry class="code" so that a style sheet can set them in monospace. */
#ifndef BS_MATHML_H
#define BS_MATHML_H

#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_terms.h"
#include "bs_typeset.h"
#include "bs_trace.h"

/* A formula in a notation, as <mrow>…</mrow>. */
void bs_expr_mathml(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt);

/* A step's name in a notation, e.g. <msup><mi>g</mi><mrow>[2z]</mrow></msup>. */
void bs_step_name_mathml(bs_sink *s, const bs_step *st, bs_notation nt);

/* An element symbol, e.g. W^{[3]}_{2,1} as <msubsup>. */
void bs_factor_mathml(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt);

/* A matrix as a bracketed <mtable>; more than 8 rows or columns are shown
 * as their corners with ⋯, ⋮ and ⋱.  mask as in bs_matrix_latex. */
void bs_matrix_mathml(bs_sink *s, const double *v, const unsigned char *mask,
                      size_t rows, size_t cols, int precision);

/* One expansion, as in bs_expansion_latex, as an <mtable class="eqn">
 * aligned on its = signs (one row, or three for long sums). */
void bs_expansion_mathml(bs_sink *s, const bs_expansion *e, const bs_net *net,
                         bs_notation nt, int precision);

/* The same as bare <mtr> rows, so that the expansions of a step share one
 * <mtable class="eqn"> and align; rows after the first expansion's
 * (first = 0) carry class="gap". */
void bs_expansion_rows_mathml(bs_sink *s, const bs_expansion *e, const bs_net *net,
                              bs_notation nt, int precision, int first);

/* Text with & < > " escaped for HTML. */
void bs_text_html(bs_sink *s, const char *text);

/* A number: <mn>1.5</mn>, <mn>−0.25</mn>, 3.1 × 10^{−5}; nan and ±∞. */
void bs_number_mathml(bs_sink *s, double v, int precision);

/* The name of a forward quantity (z^{[2]}, x, X, ŷ) or of the gradient of
 * L with respect to it (g^{[2z]}, ∂L/∂z^{[2]}, dz2) in a notation. */
void bs_name_var_mathml(bs_sink *s, bs_qty q, size_t layer, bs_notation nt);
void bs_name_grad_mathml(bs_sink *s, bs_qty q, size_t layer, bs_notation nt);

/* The activation derivative of a layer, g_h′(z^{[2]}), and its value in
 * terms of a and z (bs_activation.dmath), e.g. a^{[2]} ∘ (1 − a^{[2]});
 * writes nothing when the activation has no elementwise derivative. */
void bs_dact_name_mathml(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt);
void bs_dact_mathml(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt);

/* The MathML emitter of the typesetting walk (bs_typeset.h). */
const bs_emitter *bs_emitter_mathml(void);

/* The small Unicode mathematics of backstep's tables (bs_loss.math, e.g.
 * "½ Σ_j (y_j − ŷ_j)²") as MathML: letters, numbers, operators, _x
 * subscripts and ². */
void bs_umath_mathml(bs_sink *s, const char *text);

#endif
