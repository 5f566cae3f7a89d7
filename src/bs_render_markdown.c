/* bs_render_markdown.c — the trace as GitHub-flavoured Markdown.
 *
 * A header with the network, a Parameters and a Forward pass section, then
 * one section per backward step: its formula as display math, shortcut,
 * note and derivative, the explanation, the analytic matrix, the numerical
 * check as a table and the term-by-term expansions.  Display math is always
 * "$$", one line of LaTeX, "$$", so that no line of it can be read as
 * Markdown; prose goes through bs_text_markdown.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_render.h"
#include "bs_explain.h"
#include "bs_latex.h"
#include "bs_render_common.h"
#include "bs_terms.h"

#define TABLE_ALL 24  /* checks of at most this many elements are listed whole */
#define TABLE_ROWS 8  /* otherwise the worst, the failures and the first, this many */

static void display_open(bs_sink *s)
{
    bs_sink_puts(s, "$$\n");
}

static void display_close(bs_sink *s)
{
    bs_sink_puts(s, "\n$$\n\n");
}

/* prose written through a buffer (for text that a helper writes to a sink) */
static void md_from(bs_sink *s, bs_sink *buf)
{
    if (buf->failed)
        s->failed = 1;
    else if (buf->buf)
        bs_text_markdown(s, buf->buf);
    bs_sink_free_buffer(buf);
}

static void shape(bs_sink *s, size_t rows, size_t cols)
{
    bs_sink_printf(s, "_{%zu \\times %zu}", rows, cols);
}

static void header(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "# ");
    bs_text_markdown(s, net->name ? net->name : "backstep trace");
    bs_sink_puts(s, "\n\n");
    if (o->source) {
        bs_sink_puts(s, "Spec: ");
        bs_text_markdown(s, o->source);
        bs_sink_puts(s, "\n\n");
    }
    if (net->description) {
        bs_text_markdown(s, net->description);
        bs_sink_puts(s, "\n\n");
    }
    bs_sink_puts(s, "- **Network:** ");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention: $", net->convention == BS_ROW ? "row" : "column");
    bs_forward_formula_latex(s, net);
    bs_sink_puts(s, "$\n- **Activations:** ");
    for (size_t l = 1; l <= net->L; l++) {
        bs_sink_printf(s, "%slayer %zu ", l > 1 ? ", " : "", l);
        bs_text_markdown(s, net->act[l]->name);
        bs_sink_puts(s, " $");
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_ACT, .layer = l,
                                    .l = &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_Z, .layer = l}},
                      net, o->notation);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, "\n- **Loss:** ");
    bs_text_markdown(s, net->loss->name);
    bs_sink_puts(s, ", $\\ell(\\hat{y}, y) = ");
    bs_unimath_latex(s, net->loss->math);
    bs_sink_printf(s, "$\n- **Batch:** $B = %zu$", net->B);
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
    bs_sink_puts(s, "## Parameters\n\n");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        int wd = net->W_origin[l] == BS_DRAWN, bd = net->b_origin[l] == BS_DRAWN;
        if (wd || bd) {
            bs_sink_printf(s, "Layer %zu: %s drawn from the spec's init.\n\n", l,
                           wd && bd ? "weights and biases" : wd ? "weights" : "biases");
        }
        display_open(s);
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_W, .layer = l}, net,
                      o->notation);
        bs_sink_puts(s, " = ");
        if (col)
            bs_matrix_latex_transposed(s, net->W[l], nin, nout, o->precision);
        else
            bs_matrix_latex(s, net->W[l], NULL, nin, nout, o->precision);
        shape(s, col ? nout : nin, col ? nin : nout);
        bs_sink_puts(s, ", \\quad ");
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_B, .layer = l}, net,
                      o->notation);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, net->b[l], NULL, col ? nout : 1, col ? 1 : nout, o->precision);
        shape(s, col ? nout : 1, col ? 1 : nout);
        display_close(s);
    }
}

static void forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "## Forward pass\n\n");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        if (st->note) {
            bs_sink_puts(s, "*");
            bs_text_markdown(s, st->note);
            bs_sink_puts(s, "*\n\n");
        }
        display_open(s);
        if (st->kind == BS_STEP_LOSS) {
            bs_loss_formula_latex(s, net);
            bs_sink_puts(s, " = ");
            bs_number_latex(s, st->value[0], o->precision);
            if (net->l2 != 0.0) {
                bs_sink_puts(s, " = ");
                bs_number_latex(s, t->fw->data_loss, o->precision);
                bs_sink_puts(s, " + ");
                bs_number_latex(s, t->fw->penalty, o->precision);
                bs_sink_puts(s, " \\quad (\\text{data} + \\text{penalty})");
            }
        } else {
            bs_step_name_latex(s, st, o->notation);
            if (st->formula) {
                bs_sink_puts(s, " = ");
                bs_expr_latex(s, st->formula, net, o->notation);
            }
            bs_sink_puts(s, " = ");
            bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
            shape(s, st->rows, st->cols);
        }
        display_close(s);
        if (st->value_nonfinite)
            bs_sink_puts(s, "✗ **A non-finite value appears here.**\n\n");
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

static void cell_num(bs_sink *s, double v, int precision)
{
    char b[48];
    if (isnan(v))
        snprintf(b, sizeof b, "NaN");
    else
        bs_fmt_num(b, sizeof b, v, precision);
    bs_sink_printf(s, " %s |", b);
}

/* an error in two digits: 1.2e-09 */
static void small(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "NaN");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, size, "%.2g", v);
}

static void cell_small(bs_sink *s, double v)
{
    char b[32];
    small(b, sizeof b, v);
    bs_sink_printf(s, " %s |", b);
}

static void table_row(bs_sink *s, const bs_trace *t, const bs_step *st, size_t k,
                      const bs_render_opts *o)
{
    bs_sink_puts(s, "| $");
    bs_element_latex(s, st, k / st->cols, k % st->cols, o->notation);
    bs_sink_puts(s, "$ |");
    cell_num(s, st->value[k], o->precision);
    cell_num(s, st->numeric[k], o->precision);
    if (st->numeric_error)
        cell_small(s, st->numeric_error[k]);
    else
        bs_sink_puts(s, " – |");
    cell_small(s, rel_of(st, k));
    bs_sink_puts(s, disagrees(t, st, k) ? " ✗ |\n" : " ✓ |\n");
}

static void check(bs_sink *s, const bs_trace *t, const bs_step *st, const bs_render_opts *o)
{
    size_t count = st->rows * st->cols;
    int sampled = st->n_compared < count;
    char num[32], tot[32];
    bs_fmt_count(num, sizeof num, st->n_compared);
    bs_fmt_count(tot, sizeof tot, count);
    int ok = st->n_failed == 0;
    char rel[32];
    small(rel, sizeof rel, st->max_rel_error);
    if (ok)
        bs_sink_printf(s, "**Numerical check:** ✓ agree: %s of %s compared%s, largest "
                          "relative error %s", num, tot, sampled ? " (sampled)" : "", rel);
    else
        bs_sink_printf(s, "**Numerical check:** ✗ disagree: %zu of %s compared elements%s, "
                          "largest relative error %s", st->n_failed, num,
                       st->n_nonfinite ? " (non-finite)" : "", rel);
    if (st->n_compared > 0 && st->max_rel_error > 0) {
        bs_sink_puts(s, " at $");
        bs_element_latex(s, st, st->worst / st->cols, st->worst % st->cols, o->notation);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, ".");
    bs_sink_puts(s, "\n\n");
    if (st->n_compared == 0)
        return;
    bs_sink_puts(s, "| element | analytic | numeric | error estimate | relative error | agree |\n");
    bs_sink_puts(s, "|:--|--:|--:|--:|--:|:-:|\n");
    size_t rows = 0;
    if (st->n_compared <= TABLE_ALL) {
        for (size_t k = 0; k < count; k++)
            if (st->compared[k]) {
                table_row(s, t, st, k, o);
                rows++;
            }
        bs_sink_puts(s, "\n");
        return;
    }
    /* the worst first, then the failures, then the first others */
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
    bs_sink_puts(s, "\n");
    if (st->n_compared > rows) {
        char more[32];
        bs_fmt_count(more, sizeof more, st->n_compared - rows);
        bs_sink_printf(s, "The worst element first; %s more compared elements are not listed.\n\n",
                       more);
    }
}

static void expansions(bs_sink *s, const bs_trace *t, const bs_step *st,
                       const bs_render_opts *o)
{
    size_t idx[16];
    size_t m = bs_terms_pick(st, idx);
    bs_sink_printf(s, "**Term by term%s:**\n\n",
                   m < st->rows * st->cols ? " (a few elements of a large step)" : "");
    display_open(s);
    bs_sink_puts(s, "\\begin{aligned} ");
    size_t shown_n = 0;
    for (size_t k = 0; k < m; k++) {
        bs_expansion e;
        if (bs_expand(t, st, idx[k] / st->cols, idx[k] % st->cols, &e, NULL) == BS_OK) {
            if (shown_n++ > 0)
                bs_sink_puts(s, " \\\\[4pt] ");
            bs_expansion_latex_aligned(s, &e, t->net, o->notation, o->precision, 3);
        }
        bs_expansion_free(&e);
    }
    if (shown_n == 0)
        bs_sink_puts(s, "& \\text{(none)}");
    bs_sink_puts(s, " \\end{aligned}");
    display_close(s);
}

static void method(bs_sink *s, const bs_trace *t)
{
    if (t->opts.method == BS_METHOD_COMPLEX)
        bs_sink_puts(s, "Each gradient is checked against the complex step "
                        "$\\operatorname{Im} L(x + ih)/h$");
    else
        bs_sink_puts(s, "Each gradient is checked against the central difference "
                        "$\\frac{L(x + h) - L(x - h)}{2h}$");
    if (t->opts.epsilon > 0) {
        bs_sink_puts(s, " with $h = ");
        bs_number_latex(s, t->opts.epsilon, 6);
        bs_sink_puts(s, "$");
    } else if (t->opts.method == BS_METHOD_COMPLEX) {
        bs_sink_puts(s, " with $h = 10^{-20}$");
    } else {
        bs_sink_puts(s, " with $h = \\sqrt[3]{\\varepsilon} \\cdot \\max(1, \\vert x \\vert) "
                        "\\approx 6.1 \\times 10^{-6} \\cdot \\max(1, \\vert x \\vert)$");
    }
    bs_sink_puts(s, ". An element agrees when $\\vert \\text{analytic} - \\text{numeric} "
                    "\\vert \\le ");
    bs_number_latex(s, t->opts.atol, 6);
    bs_sink_puts(s, "$ or its relative error is at most $");
    bs_number_latex(s, t->opts.rtol, 6);
    bs_sink_puts(s, "$.\n\n");
}

static void backward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "## Backward pass\n\n");
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
        char name[48];
        bs_step_name(name, sizeof name, st, o->notation);
        bs_sink_printf(s, "## Step %zu of %zu: ", ++number, total);
        bs_text_markdown(s, name);
        bs_sink_printf(s, " (%zu×%zu)\n\n", st->rows, st->cols);

        display_open(s);
        bs_step_name_latex(s, st, o->notation);
        if (o->notation != BS_NOTATION_PARTIAL) {
            bs_sink_puts(s, " = ");
            bs_step_name_latex(s, st, BS_NOTATION_PARTIAL);
        }
        bs_sink_puts(s, " = ");
        bs_expr_latex(s, st->formula, net, o->notation);
        if (st->shortcut) {
            bs_sink_puts(s, " = ");
            bs_expr_latex(s, st->shortcut, net, o->notation);
        }
        display_close(s);

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
            bs_sink_puts(s, st->shortcut ? "*Shortcut:* " : "*Note:* ");
            bs_text_markdown(s, st->note);
            bs_sink_puts(s, ".\n\n");
        }
        if (o->explain) {
            bs_sink b = bs_sink_buffer();
            bs_explain(&b, t, st);
            bs_sink_puts(s, "**Why.** ");
            md_from(s, &b);
            bs_sink_puts(s, "\n\n");
        }
        display_open(s);
        bs_step_name_latex(s, st, o->notation);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
        shape(s, st->rows, st->cols);
        display_close(s);
        if (st->value_nonfinite)
            bs_sink_puts(s, "✗ **A non-finite value appears here.**\n\n");
        if (t->checked && st->numeric && st->compared)
            check(s, t, st, o);
        if (o->terms)
            expansions(s, t, st, o);
    }
}

void bs_render_markdown(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    header(s, t, o);
    params(s, t, o);
    forward(s, t, o);
    backward(s, t, o);
    if (t->checked) {
        bs_sink b = bs_sink_buffer();
        const char *word = bs_verdict_word(t);
        bs_render_verdict(&b, t, o->notation);
        bs_sink_puts(s, "## Verdict\n\n**");
        bs_sink_puts(s, strcmp(word, "pass") == 0 ? "✓ " : "✗ ");
        md_from(s, &b);
        bs_sink_puts(s, "**\n");
    }
}
