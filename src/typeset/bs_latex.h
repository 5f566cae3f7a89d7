/* bs_latex.h — typesetting a trace's mathematics as LaTeX, for the Markdown
 * ($…$, $$…$$) and LaTeX renderers.  Everything here writes math-mode
 * material (no surrounding $) unless said otherwise, using only amsmath and
 * amssymb. */
#ifndef BS_LATEX_H
#define BS_LATEX_H

#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_terms.h"
#include "bs_typeset.h"
#include "bs_trace.h"

/* A formula in a notation: g^{[2z]} = g_h'(z^{[2]}) \circ g^{[2a]} … */
void bs_expr_latex(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt);

/* A step's name in a notation: g^{[2z]}, \frac{\partial L}{\partial z^{[2]}},
 * \mathtt{dz2}. */
void bs_step_name_latex(bs_sink *s, const bs_step *st, bs_notation nt);

/* An element symbol: a^{[2]}_{2}, W^{[3]}_{2,1}, g^{[3z]}_{1}, … */
void bs_factor_latex(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt);

/* A rows×cols matrix as \begin{bmatrix}…\end{bmatrix}; more than 8 rows or
 * columns are shown as their corners with \cdots, \vdots and \ddots.
 * Elements with mask[k] == 0 (when mask is given) print as \cdot. */
void bs_matrix_latex(bs_sink *s, const double *v, const unsigned char *mask,
                     size_t rows, size_t cols, int precision);

/* A number: 1.5, -0.25, 3.1 \times 10^{-5}. */
void bs_number_latex(bs_sink *s, double v, int precision);

/* One expansion: \frac{\partial L}{\partial W^{[3]}_{2,1}} = a^{[2]}_{2} \cdot
 * g^{[3z]}_{1} = 0.58 \times 0.22 = 0.13 (long sums shortened with \cdots). */
void bs_expansion_latex(bs_sink *s, const bs_expansion *e, const bs_net *net,
                        bs_notation nt, int precision);

/* Plain text for a LaTeX document body (not math mode): escapes # $ % & _ {
 * } ~ ^ \ and turns the Unicode mathematics backstep's notes and
 * explanations use (ŷ ∘ Σ λ ∂ ᵀ − · ⊘ δ ‖ ≤ ε × … ∛ ≈ ′ and the like) into
 * inline math, so pdflatex accepts it.  The runs between words of prose
 * that show mathematics (a Unicode symbol, _x, ^x, a[n], =, a single letter)
 * become one $…$ each: "so ∂z_q/∂b_q = 1, so" → "so $\partial z_{q}/…= 1$,
 * so".  The output is ASCII whatever the input (unknown characters: ?). */
void bs_text_latex(bs_sink *s, const char *text);

/* The same for Markdown prose: the Unicode is kept (GitHub renders it), and
 * the characters Markdown would interpret (* _ ` [ ] < > \ and $ | ~ # &)
 * are escaped; line breaks become spaces, so the text stays one paragraph. */
void bs_text_markdown(bs_sink *s, const char *text);

/* Like bs_matrix_latex, for the transpose of a rows×cols row-major matrix
 * (shown cols×rows): the column convention's view of a stored W. */
void bs_matrix_latex_transposed(bs_sink *s, const double *v, size_t rows, size_t cols,
                                int precision);

/* The width a matrix of bs_matrix_latex (transposed: of
 * bs_matrix_latex_transposed) takes when typeset, in widths of a digit, so
 * that renderers can choose a smaller font for wide ones. */
double bs_matrix_latex_width(const double *v, size_t rows, size_t cols, int transposed,
                             int precision);

/* An element (r, c), 0-based, of a step as a symbol for tables:
 * g^{[2W]}_{1,3}, (\partial L/\partial W^{[2]})_{1,3}, \mathtt{dW2}[1,3]. */
void bs_element_latex(bs_sink *s, const bs_step *st, size_t r, size_t c, bs_notation nt);

/* 1 when a formula contains an elementwise quotient (typeset as \frac). */
int bs_expr_has_hdiv(const bs_expr *e);

/* An expansion for an align* or aligned environment: the name, "&=" the
 * symbols, "\\ &=" the numbers "=" the value; sums are broken after every
 * per_line terms (0: never). */
void bs_expansion_latex_aligned(bs_sink *s, const bs_expansion *e, const bs_net *net,
                                bs_notation nt, int precision, size_t per_line);

/* The LaTeX emitter of the typesetting walk (bs_typeset.h). */
const bs_emitter *bs_emitter_latex(void);

/* Text of Unicode mathematics (an activation's or loss's formula) as
 * math-mode LaTeX: "−Σ_j y_j log ŷ_j" → "-\sum_{j} y_{j} \log \hat{y}_{j}". */
void bs_unimath_latex(bs_sink *s, const char *text);

/* Text for a LaTeX document body with every special character escaped and
 * no mathematics detected (file names). */
void bs_plain_latex(bs_sink *s, const char *text);

/* An activation's derivative at layer n in math mode, e.g.
 * a^{[2]} \circ (1 - a^{[2]}) (bs_dact_text's LaTeX twin). */
void bs_dact_latex(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt);

/* The batch loss, e.g. L = \frac{1}{B} \sum_{i} \ell(\hat{y}_{i}, y_{i}) + … */
void bs_loss_formula_latex(bs_sink *s, const bs_net *net);

/* The convention's forward formula: z^{[n]} = a^{[n-1]} \cdot W^{[n]} + b^{[n]}. */
void bs_forward_formula_latex(bs_sink *s, const bs_net *net);

#endif
