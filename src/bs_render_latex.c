/* bs_render_latex.c — the trace as a LaTeX document.
 *
 * The same structure as the Markdown renderer: a header, the parameters,
 * the forward pass, one section per backward step (formula, shortcut, note,
 * derivative, explanation, analytic matrix, the numerical check as a
 * booktabs table, the expansions) and the verdict.  The document uses only
 * amsmath, amssymb, booktabs and geometry, and every character written is
 * ASCII: prose goes through bs_text_latex.  With o->fragment only the body
 * is written, for \input into another document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render.h"
#include "bs_explain.h"
#include "bs_latex.h"
#include "bs_render_common.h"
#include "bs_terms.h"

#define TABLE_ALL 24  /* checks of at most this many elements are listed whole */
#define TABLE_ROWS 8  /* otherwise the worst, the failures and the first, this many */

/* prose written through a buffer (for text a helper writes to a sink) */
static void tex_from(bs_sink *s, bs_sink *buf)
{
    if (buf->failed)
        s->failed = 1;
    else if (buf->buf)
        bs_text_latex(s, buf->buf);
    bs_sink_free_buffer(buf);
}

static void shape(bs_sink *s, size_t rows, size_t cols)
{
    bs_sink_printf(s, "_{%zu \\times %zu}", rows, cols);
}

#define LINE 84.0 /* digits in a line of the text block (11pt, 2cm margins) */

/* the font a display of this width (in digits) needs to fit, or NULL */
static const char *font_for(double units)
{
    if (units <= LINE)
        return NULL;
    if (units <= LINE * 1.1)
        return "\\small";
    if (units <= LINE * 1.22)
        return "\\footnotesize";
    if (units <= LINE * 1.37)
        return "\\scriptsize";
    return "\\tiny";
}

/* \begin{equation*} … \end{equation*}, in a smaller font when given */
static void eq_open(bs_sink *s, const char *font)
{
    if (font)
        bs_sink_printf(s, "{%s\n", font);
    bs_sink_puts(s, "\\begin{equation*}\n");
}

static void eq_close(bs_sink *s, const char *font)
{
    bs_sink_puts(s, "\n\\end{equation*}\n");
    if (font)
        bs_sink_puts(s, "}\n");
}

static void preamble(bs_sink *s)
{
    bs_sink_puts(s, "% Written by backstep: a worked backpropagation example.\n"
                    "\\documentclass[11pt,a4paper]{article}\n"
                    "\\usepackage[margin=2cm]{geometry}\n"
                    "\\usepackage{amsmath}\n"
                    "\\usepackage{amssymb}\n"
                    "\\usepackage{booktabs}\n"
                    "\\allowdisplaybreaks\n"
                    "\\setcounter{MaxMatrixCols}{20}\n"
                    "\\setlength{\\parindent}{0pt}\n"
                    "\\setlength{\\parskip}{0.6\\baselineskip}\n"
                    "\\emergencystretch=2em\n");
    bs_sink_puts(s, "\\begin{document}\n");
}

static void header(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "\\begin{center}\n{\\Large\\bfseries ");
    bs_text_latex(s, net->name ? net->name : "backstep trace");
    bs_sink_puts(s, "\\par}\n");
    if (o->source) {
        bs_sink_puts(s, "\\smallskip\n{\\small spec: \\texttt{");
        bs_plain_latex(s, o->source);
        bs_sink_puts(s, "}\\par}\n");
    }
    bs_sink_puts(s, "\\end{center}\n\n");
    if (net->description) {
        bs_text_latex(s, net->description);
        bs_sink_puts(s, "\n\n");
    }
    bs_sink_puts(s, "\\textbf{Network:} ");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "--" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention: $", net->convention == BS_ROW ? "row" : "column");
    bs_forward_formula_latex(s, net);
    bs_sink_puts(s, "$\\\\\n\\textbf{Activations:} ");
    for (size_t l = 1; l <= net->L; l++) {
        bs_sink_printf(s, "%slayer %zu ", l > 1 ? ", " : "", l);
        bs_plain_latex(s, net->act[l]->name);
        bs_sink_puts(s, " $");
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_ACT, .layer = l,
                                    .l = &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_Z, .layer = l}},
                      net, o->notation);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, "\\\\\n\\textbf{Loss:} ");
    bs_plain_latex(s, net->loss->name);
    bs_sink_puts(s, ", $\\ell(\\hat{y}, y) = ");
    bs_unimath_latex(s, net->loss->math);
    bs_sink_printf(s, "$\\\\\n\\textbf{Batch:} $B = %zu$", net->B);
    if (net->B > 1)
        bs_sink_printf(s, " (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    bs_sink_puts(s, ", $");
    bs_loss_formula_latex(s, net);
    bs_sink_puts(s, "$");
    if (net->l2 != 0.0) {
        bs_sink_puts(s, " with $\\lambda = ");
        bs_number_latex(s, net->l2, o->precision);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, "\n\n");
}

static void params(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    int col = net->convention == BS_COLUMN;
    bs_sink_puts(s, "\\section*{Parameters}\n\n");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        size_t wr = col ? nout : nin, wc = col ? nin : nout;
        size_t br = col ? nout : 1, bc = col ? 1 : nout;
        int wd = net->W_origin[l] == BS_DRAWN, bd = net->b_origin[l] == BS_DRAWN;
        if (wd || bd)
            bs_sink_printf(s, "Layer %zu: %s drawn from the spec's \\texttt{init}.\n", l,
                           wd && bd ? "weights and biases" : wd ? "weights" : "biases");
        double wu = bs_matrix_latex_width(net->W[l], nin, nout, col, o->precision) + 10;
        double bu = bs_matrix_latex_width(net->b[l], br, bc, 0, o->precision) + 10;
        /* side by side when both fit on the line */
        int together = wu + bu + 4 <= LINE;
        const char *font = font_for(together ? wu + bu + 4 : wu);
        eq_open(s, font);
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_W, .layer = l}, net,
                      o->notation);
        bs_sink_puts(s, " = ");
        if (col)
            bs_matrix_latex_transposed(s, net->W[l], nin, nout, o->precision);
        else
            bs_matrix_latex(s, net->W[l], NULL, nin, nout, o->precision);
        shape(s, wr, wc);
        if (together) {
            bs_sink_puts(s, ", \\qquad ");
        } else {
            eq_close(s, font);
            font = font_for(bu);
            eq_open(s, font);
        }
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_B, .layer = l}, net,
                      o->notation);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, net->b[l], NULL, br, bc, o->precision);
        shape(s, br, bc);
        eq_close(s, font);
        bs_sink_puts(s, "\n");
    }
}

static void forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "\\section*{Forward pass}\n\n");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        if (st->note) {
            bs_sink_puts(s, "\\emph{");
            bs_text_latex(s, st->note);
            bs_sink_puts(s, "}\n");
        }
        if (st->kind == BS_STEP_LOSS) {
            /* the loss, its value, and with L2 its two parts */
            bs_sink_puts(s, "\\begin{align*}\n");
            bs_loss_formula_latex(s, net);
            bs_sink_puts(s, " &= ");
            bs_number_latex(s, st->value[0], o->precision);
            if (net->l2 != 0.0) {
                bs_sink_puts(s, " \\\\\n&= ");
                bs_number_latex(s, t->fw->data_loss, o->precision);
                bs_sink_puts(s, " + ");
                bs_number_latex(s, t->fw->penalty, o->precision);
                bs_sink_puts(s, " \\quad (\\text{data} + \\text{penalty})");
            }
            bs_sink_puts(s, "\n\\end{align*}\n");
            if (st->value_nonfinite)
                bs_sink_puts(s, "$\\times$ \\textbf{A non-finite value appears here.}\n");
            bs_sink_puts(s, "\n");
            continue;
        }
        double mw = bs_matrix_latex_width(st->value, st->rows, st->cols, 0, o->precision);
        /* a long line puts the matrix under the formula */
        int split = st->formula && mw + 28 > LINE;
        const char *font = font_for(mw + (split || !st->formula ? 10 : 28));
        if (split) {
            if (font)
                bs_sink_printf(s, "{%s\n", font);
            bs_sink_puts(s, "\\begin{align*}\n");
            bs_step_name_latex(s, st, o->notation);
            bs_sink_puts(s, " &= ");
            bs_expr_latex(s, st->formula, net, o->notation);
            bs_sink_puts(s, " \\\\\n&= ");
            bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
            shape(s, st->rows, st->cols);
            bs_sink_puts(s, "\n\\end{align*}\n");
            if (font)
                bs_sink_puts(s, "}\n");
        } else {
            eq_open(s, font);
            bs_step_name_latex(s, st, o->notation);
            if (st->formula) {
                bs_sink_puts(s, " = ");
                bs_expr_latex(s, st->formula, net, o->notation);
            }
            bs_sink_puts(s, " = ");
            bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
            shape(s, st->rows, st->cols);
            eq_close(s, font);
        }
        if (st->value_nonfinite)
            bs_sink_puts(s, "$\\times$ \\textbf{A non-finite value appears here.}\n");
        bs_sink_puts(s, "\n");
    }
}

static double rel_of(const bs_step *st, size_t k)
{
    double a = st->value[k], n = st->numeric[k];
    double m = fmax(fabs(a), fabs(n));
    return m == 0.0 ? 0.0 : fabs(a - n) / m;
}

static int disagrees(const bs_trace *t, const bs_step *st, size_t k)
{
    double rel = rel_of(st, k);
    return !(fabs(st->value[k] - st->numeric[k]) <= t->opts.atol || rel <= t->opts.rtol);
}

/* an error in two digits, in math mode */
static void small_num(bs_sink *s, double v)
{
    char b[32];
    if (!isfinite(v)) {
        bs_number_latex(s, v, 2);
        return;
    }
    snprintf(b, sizeof b, "%.2g", v);
    char *e = strchr(b, 'e');
    if (!e) {
        bs_sink_puts(s, b);
        return;
    }
    *e = '\0';
    bs_sink_printf(s, "%s \\times 10^{%d}", b, atoi(e + 1));
}

static void table_row(bs_sink *s, const bs_trace *t, const bs_step *st, size_t k,
                      const bs_render_opts *o)
{
    bs_sink_puts(s, "$");
    bs_element_latex(s, st, k / st->cols, k % st->cols, o->notation);
    bs_sink_puts(s, "$ & $");
    bs_number_latex(s, st->value[k], o->precision);
    bs_sink_puts(s, "$ & $");
    bs_number_latex(s, st->numeric[k], o->precision);
    bs_sink_puts(s, "$ & ");
    if (st->numeric_error) {
        bs_sink_puts(s, "$");
        small_num(s, st->numeric_error[k]);
        bs_sink_puts(s, "$");
    } else {
        bs_sink_puts(s, "--");
    }
    bs_sink_puts(s, " & $");
    small_num(s, rel_of(st, k));
    bs_sink_puts(s, disagrees(t, st, k) ? "$ & $\\times$ \\\\\n" : "$ & $\\checkmark$ \\\\\n");
}

static void check(bs_sink *s, const bs_trace *t, const bs_step *st, const bs_render_opts *o)
{
    size_t count = st->rows * st->cols;
    int sampled = st->n_compared < count;
    char num[32], tot[32];
    bs_fmt_count(num, sizeof num, st->n_compared);
    bs_fmt_count(tot, sizeof tot, count);
    bs_sink_puts(s, "\\textbf{Numerical check:} ");
    if (st->n_failed == 0)
        bs_sink_printf(s, "$\\checkmark$ agree: %s of %s compared%s, largest relative error $",
                       num, tot, sampled ? " (sampled)" : "");
    else
        bs_sink_printf(s, "$\\times$ disagree: %zu of %s compared elements%s, largest relative "
                          "error $", st->n_failed, num, st->n_nonfinite ? " (non-finite)" : "");
    small_num(s, st->max_rel_error);
    bs_sink_puts(s, "$");
    if (st->n_compared > 0 && st->max_rel_error > 0) {
        bs_sink_puts(s, " at $");
        bs_element_latex(s, st, st->worst / st->cols, st->worst % st->cols, o->notation);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, ".\n");
    if (st->n_compared == 0) {
        bs_sink_puts(s, "\n");
        return;
    }
    bs_sink_puts(s, "\\begin{center}\n\\small\n\\begin{tabular}{lrrrrc}\n\\toprule\n"
                    "element & analytic & numeric & error estimate & relative error & agree \\\\\n"
                    "\\midrule\n");
    size_t rows = 0;
    if (st->n_compared <= TABLE_ALL) {
        for (size_t k = 0; k < count; k++)
            if (st->compared[k]) {
                table_row(s, t, st, k, o);
                rows++;
            }
    } else {
        for (int pass = 0; pass < 3 && rows < TABLE_ROWS; pass++) {
            for (size_t k = 0; k < count && rows < TABLE_ROWS; k++) {
                if (!st->compared[k])
                    continue;
                int bad = disagrees(t, st, k);
                int pick = pass == 0 ? k == st->worst
                           : pass == 1 ? bad && k != st->worst
                                       : !bad && k != st->worst;
                if (pick) {
                    table_row(s, t, st, k, o);
                    rows++;
                }
            }
        }
    }
    bs_sink_puts(s, "\\bottomrule\n\\end{tabular}\n\\end{center}\n");
    if (st->n_compared > rows) {
        char more[32];
        bs_fmt_count(more, sizeof more, st->n_compared - rows);
        bs_sink_printf(s, "The worst element first; %s more compared elements are not listed.\n",
                       more);
    }
    bs_sink_puts(s, "\n");
}

static void expansions(bs_sink *s, const bs_trace *t, const bs_step *st,
                       const bs_render_opts *o)
{
    size_t idx[16];
    size_t m = bs_terms_pick(st, idx);
    bs_sink_printf(s, "\\textbf{Term by term%s:}\n",
                   m < st->rows * st->cols ? " (a few elements of a large step)" : "");
    /* fractions (partial notation) and batches make long sums: break them */
    size_t per = o->precision > 9 ? 1 : 2;
    bs_sink_puts(s, "{\\allowdisplaybreaks\n\\begin{align*}\n");
    size_t shown_n = 0;
    for (size_t k = 0; k < m; k++) {
        bs_expansion e;
        if (bs_expand(t, st, idx[k] / st->cols, idx[k] % st->cols, &e, NULL) == BS_OK) {
            if (shown_n++ > 0)
                bs_sink_puts(s, " \\\\[4pt]\n");
            bs_expansion_latex_aligned(s, &e, t->net, o->notation, o->precision, per);
        }
        bs_expansion_free(&e);
    }
    if (shown_n == 0)
        bs_sink_puts(s, "& \\text{(none)}");
    bs_sink_puts(s, "\n\\end{align*}\n}\n\n");
}

static void method(bs_sink *s, const bs_trace *t)
{
    if (t->opts.method == BS_METHOD_COMPLEX)
        bs_sink_puts(s, "Each gradient is checked against the complex step "
                        "$\\operatorname{Im} L(x + ih)/h$");
    else
        bs_sink_puts(s, "Each gradient is checked against the central difference "
                        "$\\bigl(L(x + h) - L(x - h)\\bigr)/2h$");
    if (t->opts.epsilon > 0) {
        bs_sink_puts(s, " with $h = ");
        bs_number_latex(s, t->opts.epsilon, 6);
        bs_sink_puts(s, "$");
    } else if (t->opts.method == BS_METHOD_COMPLEX) {
        bs_sink_puts(s, " with $h = 10^{-20}$");
    } else {
        bs_sink_puts(s, " with $h = \\sqrt[3]{\\varepsilon} \\cdot \\max(1, |x|) "
                        "\\approx 6.1 \\times 10^{-6} \\cdot \\max(1, |x|)$");
    }
    bs_sink_puts(s, ". An element agrees when $|\\text{analytic} - \\text{numeric}| \\le ");
    bs_number_latex(s, t->opts.atol, 6);
    bs_sink_puts(s, "$ or its relative error is at most $");
    bs_number_latex(s, t->opts.rtol, 6);
    bs_sink_puts(s, "$.\n\n");
}

static void backward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "\\section*{Backward pass}\n\n");
    bs_sink_puts(s, "From the output layer down, each step's gradient is the chain rule "
                    "applied to the one before it.");
    if (o->notation == BS_NOTATION_G)
        bs_sink_puts(s, " $g^{[nx]}$ is the gradient of $L$ with respect to $x^{[n]}$ "
                        "(handout 001).");
    bs_sink_puts(s, "\n\n");
    if (t->checked)
        method(s, t);
    size_t number = 0, total = t->nsteps - t->first_backward;
    for (size_t i = t->first_backward; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        bs_sink_printf(s, "\\section*{Step %zu of %zu: $", ++number, total);
        bs_step_name_latex(s, st, o->notation);
        bs_sink_printf(s, "$ \\quad {\\normalsize\\mdseries($%zu \\times %zu$)}}\n\n", st->rows,
                       st->cols);

        bs_sink_puts(s, "\\begin{align*}\n");
        bs_step_name_latex(s, st, o->notation);
        if (o->notation != BS_NOTATION_PARTIAL) {
            bs_sink_puts(s, " = ");
            bs_step_name_latex(s, st, BS_NOTATION_PARTIAL);
        }
        bs_sink_puts(s, " &= ");
        bs_expr_latex(s, st->formula, net, o->notation);
        if (st->shortcut) {
            bs_sink_puts(s, " \\\\\n&= ");
            bs_expr_latex(s, st->shortcut, net, o->notation);
        }
        bs_sink_puts(s, "\n\\end{align*}\n");

        if (bs_expr_has_hdiv(st->formula))
            bs_sink_puts(s, "The division is elementwise.\n\n");
        if (st->qty == BS_Q_Z && net->act[st->layer]->dmath && !st->shortcut) {
            bs_sink_puts(s, "where $");
            bs_expr_latex(s, &(bs_expr){.kind = BS_X_DACT, .layer = st->layer}, net,
                          o->notation);
            bs_sink_puts(s, " = ");
            bs_dact_latex(s, net, st->layer, o->notation);
            bs_sink_puts(s, "$.\n\n");
        }
        if (st->note) {
            bs_sink_puts(s, st->shortcut ? "\\emph{Shortcut:} " : "\\emph{Note:} ");
            bs_text_latex(s, st->note);
            bs_sink_puts(s, ".\n\n");
        }
        if (o->explain) {
            bs_sink b = bs_sink_buffer();
            bs_explain(&b, t, st);
            bs_sink_puts(s, "\\textbf{Why.} ");
            tex_from(s, &b);
            bs_sink_puts(s, "\n\n");
        }
        const char *font = font_for(
            bs_matrix_latex_width(st->value, st->rows, st->cols, 0, o->precision) + 12);
        eq_open(s, font);
        bs_step_name_latex(s, st, o->notation);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
        shape(s, st->rows, st->cols);
        eq_close(s, font);
        if (st->value_nonfinite)
            bs_sink_puts(s, "$\\times$ \\textbf{A non-finite value appears here.}\n");
        bs_sink_puts(s, "\n");
        if (t->checked && st->numeric && st->compared)
            check(s, t, st, o);
        if (o->terms)
            expansions(s, t, st, o);
    }
}

void bs_render_latex(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    if (!o->fragment)
        preamble(s);
    header(s, t, o);
    params(s, t, o);
    forward(s, t, o);
    backward(s, t, o);
    if (t->checked) {
        bs_sink b = bs_sink_buffer();
        const char *word = bs_verdict_word(t);
        bs_render_verdict(&b, t, o->notation);
        bs_sink_puts(s, "\\section*{Verdict}\n\n\\textbf{");
        bs_sink_puts(s, strcmp(word, "pass") == 0 ? "$\\checkmark$ " : "$\\times$ ");
        tex_from(s, &b);
        bs_sink_puts(s, "}\n");
    }
    if (!o->fragment)
        bs_sink_puts(s, "\n\\end{document}\n");
}
