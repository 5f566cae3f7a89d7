/* bs_render_doc.c — one walk over a trace for the Markdown and LaTeX
 * renderers (bs_render_doc.h): what is written and in which order is here,
 * the markup is the format's. */
#include "bs_render_doc.h"

#include <string.h>

#include "bs_explain.h"
#include "bs_latex.h"
#include "bs_render_common.h"
#include "bs_terms.h"

#define TABLE_ALL 24  /* checks of at most this many elements are listed whole */
#define TABLE_ROWS 8  /* otherwise the worst, the failures and the first, this many */

/* one walk: where it writes, what, and in which format */
typedef struct walk {
    bs_sink *s;
    const bs_trace *t;
    const bs_render_opts *o;
    const bs_doc_format *f;
} walk;

static void put(const walk *w, const char *str)
{
    bs_sink_puts(w->s, str);
}

static void strong(const walk *w, const char *str)
{
    put(w, w->f->strong_begin);
    put(w, str);
    put(w, w->f->strong_end);
}

static void section(const walk *w, const char *title)
{
    put(w, w->f->section_begin);
    put(w, title);
    put(w, w->f->section_end);
}

/* prose written through a buffer (for text a helper writes to a sink) */
static void text_from(const walk *w, bs_sink *buf)
{
    if (buf->failed)
        w->s->failed = 1;
    else if (buf->buf)
        w->f->text(w->s, buf->buf);
    bs_sink_free_buffer(buf);
}

static void shape(const walk *w, size_t rows, size_t cols)
{
    bs_sink_printf(w->s, "_{%zu \\times %zu}", rows, cols);
}

static void abs_of(const walk *w, const char *math)
{
    put(w, w->f->abs_begin);
    put(w, math);
    put(w, w->f->abs_end);
}

/* the typeset width of a matrix, when the format has a line to fit */
static double units_of(const walk *w, const double *v, size_t rows, size_t cols,
                       int transposed)
{
    if (w->f->line <= 0)
        return 0;
    return bs_matrix_latex_width(v, rows, cols, transposed, w->o->precision);
}

static int fits(const walk *w, double units)
{
    return w->f->line <= 0 || units <= w->f->line;
}

/* a display of one equation, or (aligned) of equations aligned at "=" */
static void display_begin(const walk *w, double units, int aligned)
{
    if (w->f->size_begin)
        w->f->size_begin(w->s, units);
    put(w, aligned ? w->f->align_begin : w->f->display_begin);
}

static void display_end(const walk *w, double units, int aligned)
{
    put(w, aligned ? w->f->align_end : w->f->display_end);
    if (w->f->size_end)
        w->f->size_end(w->s, units);
}

static void nonfinite(const walk *w)
{
    put(w, w->f->no);
    put(w, " ");
    strong(w, "A non-finite value appears here.");
    put(w, w->f->line_end);
}

static void field(const walk *w, const char *label, int first)
{
    if (!first)
        put(w, w->f->field_sep);
    put(w, w->f->item);
    strong(w, label);
    put(w, " ");
}

static void header(const walk *w)
{
    bs_sink *s = w->s;
    const bs_net *net = w->t->net;
    const bs_render_opts *o = w->o;
    w->f->title(s, net->name ? net->name : "backstep trace", o->source);
    if (net->description) {
        w->f->text(s, net->description);
        put(w, "\n\n");
    }
    field(w, "Network:", 1);
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? w->f->range_sep : "", net->n[l]);
    bs_sink_printf(s, ", %s convention: $", net->convention == BS_ROW ? "row" : "column");
    bs_forward_formula_latex(s, net);
    put(w, "$");
    field(w, "Activations:", 0);
    for (size_t l = 1; l <= net->L; l++) {
        bs_sink_printf(s, "%slayer %zu ", l > 1 ? ", " : "", l);
        w->f->name(s, net->act[l]->name);
        put(w, " $");
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_ACT, .layer = l,
                                    .l = &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_Z, .layer = l}},
                      net, o->notation);
        put(w, "$");
    }
    field(w, "Loss:", 0);
    w->f->name(s, net->loss->name);
    put(w, ", $\\ell(\\hat{y}, y) = ");
    bs_unimath_latex(s, net->loss->math);
    put(w, "$");
    field(w, "Batch:", 0);
    bs_sink_printf(s, "$B = %zu$", net->B);
    if (net->B > 1)
        bs_sink_printf(s, " (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    put(w, ", $");
    bs_loss_formula_latex(s, net);
    put(w, "$");
    if (net->l2 != 0.0) {
        put(w, " with $\\lambda = ");
        bs_number_latex(s, net->l2, o->precision);
        put(w, "$");
    }
    put(w, "\n\n");
}

static void params(const walk *w)
{
    bs_sink *s = w->s;
    const bs_net *net = w->t->net;
    const bs_render_opts *o = w->o;
    int col = net->convention == BS_COLUMN;
    section(w, "Parameters");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        size_t wr = col ? nout : nin, wc = col ? nin : nout;
        size_t br = col ? nout : 1, bc = col ? 1 : nout;
        int wd = net->W_origin[l] == BS_DRAWN, bd = net->b_origin[l] == BS_DRAWN;
        if (wd || bd) {
            bs_sink_printf(s, "Layer %zu: %s drawn from the spec's ", l,
                           wd && bd ? "weights and biases" : wd ? "weights" : "biases");
            put(w, w->f->code_begin);
            put(w, "init");
            put(w, w->f->code_end);
            put(w, ".");
            put(w, w->f->line_end);
        }
        double wu = units_of(w, net->W[l], nin, nout, col) + 10;
        double bu = units_of(w, net->b[l], br, bc, 0) + 10;
        /* side by side when both fit on the line */
        int together = fits(w, wu + bu + 4);
        double units = together ? wu + bu + 4 : wu;
        display_begin(w, units, 0);
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_W, .layer = l}, net,
                      o->notation);
        put(w, " = ");
        if (col)
            bs_matrix_latex_transposed(s, net->W[l], nin, nout, o->precision);
        else
            bs_matrix_latex(s, net->W[l], NULL, nin, nout, o->precision);
        shape(w, wr, wc);
        if (together) {
            put(w, w->f->pair_sep);
        } else {
            display_end(w, units, 0);
            units = bu;
            display_begin(w, units, 0);
        }
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_B, .layer = l}, net,
                      o->notation);
        put(w, " = ");
        bs_matrix_latex(s, net->b[l], NULL, br, bc, o->precision);
        shape(w, br, bc);
        display_end(w, units, 0);
        put(w, w->f->block_end);
    }
}

/* The student's claim about step i (from the spec's "claims"), beside
 * backstep's value, and whether it agrees. */
static void claim(const walk *w, size_t i)
{
    const bs_claim_result *r = bs_trace_claim(w->t, i);
    if (!r)
        return;
    bs_sink *s = w->s;
    const bs_step *st = &w->t->steps[i];
    const bs_claim *c = r->claim;
    int prec = w->o->precision;
    put(w, w->f->emph_begin);
    put(w, "Your claim");
    put(w, w->f->emph_end);
    put(w, " (");
    put(w, w->f->code_begin);
    w->f->text(s, c->name);
    put(w, w->f->code_end);
    put(w, "):");
    put(w, w->f->line_end);
    double units = units_of(w, c->values, c->rows, c->cols, 0) + 4;
    display_begin(w, units, 0);
    bs_matrix_latex(s, c->values, NULL, c->rows, c->cols, prec);
    display_end(w, units, 0);
    put(w, w->f->strong_begin);
    put(w, r->agrees ? w->f->yes : w->f->no);
    put(w, r->agrees ? " The claim agrees" : " The claim disagrees");
    put(w, w->f->strong_end);
    if (r->agrees) {
        bs_sink_printf(s, " (within a relative %g of backstep's values).\n\n",
                       w->t->net->claims_tolerance);
        return;
    }
    char name[48];
    bs_step_name(name, sizeof name, st, w->o->notation);
    bs_sink_printf(s, ": %zu of %zu element%s; at ", r->n_wrong, c->rows * c->cols,
                   c->rows * c->cols == 1 ? "" : "s");
    put(w, w->f->code_begin);
    w->f->text(s, name);
    bs_sink_printf(s, "[%zu,%zu]", r->worst / st->cols + 1, r->worst % st->cols + 1);
    put(w, w->f->code_end);
    put(w, " the claim is ");
    w->f->number(s, c->values[r->worst], prec);
    put(w, ", backstep has ");
    w->f->number(s, st->value[r->worst], prec);
    put(w, ".\n\n");
}

static void forward(const walk *w)
{
    bs_sink *s = w->s;
    const bs_trace *t = w->t;
    const bs_net *net = t->net;
    const bs_render_opts *o = w->o;
    section(w, "Forward pass");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        if (st->note) {
            put(w, w->f->emph_begin);
            w->f->text(s, st->note);
            put(w, w->f->emph_end);
            put(w, w->f->line_end);
        }
        if (st->kind == BS_STEP_LOSS) {
            /* the loss, its value, and with L2 its two parts */
            display_begin(w, 0, 1);
            bs_loss_formula_latex(s, net);
            put(w, w->f->rel_first);
            bs_number_latex(s, st->value[0], o->precision);
            if (net->l2 != 0.0) {
                put(w, w->f->rel_next);
                bs_number_latex(s, t->fw->data_loss, o->precision);
                put(w, " + ");
                bs_number_latex(s, t->fw->penalty, o->precision);
                put(w, " \\quad (\\text{data} + \\text{penalty})");
            }
            display_end(w, 0, 1);
        } else {
            double mw = units_of(w, st->value, st->rows, st->cols, 0);
            /* a long line puts the matrix under the formula */
            int split = st->formula && !fits(w, mw + 28);
            double units = mw + (split || !st->formula ? 10 : 28);
            display_begin(w, units, split);
            bs_step_name_latex(s, st, o->notation);
            if (st->formula) {
                put(w, split ? w->f->rel_first : " = ");
                bs_expr_latex(s, st->formula, net, o->notation);
            }
            put(w, split ? w->f->rel_next : " = ");
            bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
            shape(w, st->rows, st->cols);
            display_end(w, units, split);
        }
        if (st->value_nonfinite)
            nonfinite(w);
        put(w, w->f->block_end);
        claim(w, i);
    }
}

static void table_row(const walk *w, const bs_step *st, size_t k)
{
    bs_sink *s = w->s;
    const bs_doc_format *f = w->f;
    put(w, f->row_begin);
    put(w, "$");
    bs_element_latex(s, st, k / st->cols, k % st->cols, w->o->notation);
    put(w, "$");
    put(w, f->cell_sep);
    f->number(s, st->value[k], w->o->precision);
    put(w, f->cell_sep);
    f->number(s, st->numeric[k], w->o->precision);
    put(w, f->cell_sep);
    if (st->numeric_error)
        f->small(s, st->numeric_error[k]);
    else
        put(w, f->none);
    put(w, f->cell_sep);
    f->small(s, bs_element_rel_error(st, k));
    put(w, f->cell_sep);
    put(w, bs_element_disagrees(w->t, st, k) ? f->no : f->yes);
    put(w, f->row_end);
}

static void check(const walk *w, const bs_step *st)
{
    static const char *const head[] = {"element",        "analytic",       "numeric",
                                       "error estimate", "relative error", "agree"};
    static const char align[] = "lrrrrc";
    bs_sink *s = w->s;
    const bs_doc_format *f = w->f;
    size_t count = st->rows * st->cols;
    int sampled = st->n_compared < count;
    char num[32], tot[32];
    bs_fmt_count(num, sizeof num, st->n_compared);
    bs_fmt_count(tot, sizeof tot, count);
    strong(w, "Numerical check:");
    put(w, " ");
    if (st->n_failed == 0)
        bs_sink_printf(s, "%s agree: %s of %s compared%s, largest relative error ", f->yes, num,
                       tot, sampled ? " (sampled)" : "");
    else
        bs_sink_printf(s, "%s disagree: %zu of %s compared elements%s, largest relative error ",
                       f->no, st->n_failed, num, st->n_nonfinite ? " (non-finite)" : "");
    f->small(s, st->max_rel_error);
    if (st->n_compared > 0 && st->max_rel_error > 0) {
        put(w, " at $");
        bs_element_latex(s, st, st->worst / st->cols, st->worst % st->cols, w->o->notation);
        put(w, "$");
    }
    put(w, ".");
    put(w, f->line_end);
    if (st->n_compared == 0) {
        put(w, f->block_end);
        return;
    }
    if (f->table_begin)
        f->table_begin(s, align);
    put(w, f->row_begin);
    for (size_t c = 0; c < sizeof head / sizeof head[0]; c++) {
        if (c > 0)
            put(w, f->cell_sep);
        put(w, head[c]);
    }
    put(w, f->row_end);
    f->table_head_end(s, align);
    /* all of a small check; of a large one the worst, the failures, the first others */
    size_t idx[TABLE_ALL];
    int worst_first = st->n_compared > TABLE_ALL;
    size_t rows = bs_check_rows(w->t, st, worst_first, worst_first ? TABLE_ROWS : TABLE_ALL,
                                idx);
    for (size_t i = 0; i < rows; i++)
        table_row(w, st, idx[i]);
    put(w, f->table_end);
    if (st->n_compared > rows) {
        char more[32];
        bs_fmt_count(more, sizeof more, st->n_compared - rows);
        bs_sink_printf(s, "The worst element first; %s more compared elements are not listed.",
                       more);
        put(w, f->line_end);
    }
    put(w, f->block_end);
}

static void expansions(const walk *w, const bs_step *st)
{
    const bs_render_opts *o = w->o;
    size_t idx[16];
    size_t m = bs_terms_pick(st, idx);
    put(w, w->f->strong_begin);
    bs_sink_printf(w->s, "Term by term%s:",
                   m < st->rows * st->cols ? " (a few elements of a large step)" : "");
    put(w, w->f->strong_end);
    put(w, w->f->line_end);
    size_t per = w->f->terms_per_line(o->precision);
    put(w, w->f->lines_begin);
    size_t shown_n = 0;
    for (size_t k = 0; k < m; k++) {
        bs_expansion e;
        if (bs_expand(w->t, st, idx[k] / st->cols, idx[k] % st->cols, &e, NULL) == BS_OK) {
            if (shown_n++ > 0)
                put(w, w->f->lines_sep);
            bs_expansion_latex_aligned(w->s, &e, w->t->net, o->notation, o->precision, per);
        }
        bs_expansion_free(&e);
    }
    if (shown_n == 0)
        put(w, "& \\text{(none)}");
    put(w, w->f->lines_end);
    put(w, w->f->block_end);
}

static void method(const walk *w)
{
    const bs_trace *t = w->t;
    if (t->opts.method == BS_METHOD_COMPLEX) {
        put(w, "Each gradient is checked against the complex step "
               "$\\operatorname{Im} L(x + ih)/h$");
    } else {
        put(w, "Each gradient is checked against the central difference $");
        put(w, w->f->central_difference);
        put(w, "$");
    }
    if (t->opts.epsilon > 0) {
        put(w, " with $h = ");
        bs_number_latex(w->s, t->opts.epsilon, 6);
        put(w, "$");
    } else if (t->opts.method == BS_METHOD_COMPLEX) {
        put(w, " with $h = 10^{-20}$");
    } else {
        put(w, " with $h = \\sqrt[3]{\\varepsilon} \\cdot \\max(1, ");
        abs_of(w, "x");
        put(w, ") \\approx 6.1 \\times 10^{-6} \\cdot \\max(1, ");
        abs_of(w, "x");
        put(w, ")$");
    }
    put(w, ". An element agrees when $");
    abs_of(w, "\\text{analytic} - \\text{numeric}");
    put(w, " \\le ");
    bs_number_latex(w->s, t->opts.atol, 6);
    put(w, "$ or its relative error is at most $");
    bs_number_latex(w->s, t->opts.rtol, 6);
    put(w, "$.\n\n");
}

static void backward(const walk *w)
{
    bs_sink *s = w->s;
    const bs_trace *t = w->t;
    const bs_net *net = t->net;
    const bs_render_opts *o = w->o;
    const bs_doc_format *f = w->f;
    section(w, "Backward pass");
    put(w, "From the output layer down, each step's gradient is the chain rule "
           "applied to the one before it.");
    if (o->notation == BS_NOTATION_G)
        put(w, " $g^{[nx]}$ is the gradient of $L$ with respect to $x^{[n]}$ "
               "(handout 001).");
    put(w, "\n\n");
    if (t->checked)
        method(w);
    size_t number = 0, total = t->nsteps - t->first_backward;
    for (size_t i = t->first_backward; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        put(w, f->section_begin);
        bs_sink_printf(s, "Step %zu of %zu: ", ++number, total);
        f->step_title(s, st, o->notation);
        put(w, f->section_end);

        display_begin(w, 0, 1);
        bs_step_name_latex(s, st, o->notation);
        if (o->notation != BS_NOTATION_PARTIAL) {
            put(w, " = ");
            bs_step_name_latex(s, st, BS_NOTATION_PARTIAL);
        }
        put(w, f->rel_first);
        bs_expr_latex(s, st->formula, net, o->notation);
        if (st->shortcut) {
            put(w, f->rel_next);
            bs_expr_latex(s, st->shortcut, net, o->notation);
        }
        display_end(w, 0, 1);

        if (bs_expr_has_hdiv(st->formula))
            put(w, "The division is elementwise.\n\n");
        if (st->qty == BS_Q_Z && net->act[st->layer]->dmath && !st->shortcut) {
            put(w, "where $");
            bs_expr_latex(s, &(bs_expr){.kind = BS_X_DACT, .layer = st->layer}, net,
                          o->notation);
            put(w, " = ");
            bs_dact_latex(s, net, st->layer, o->notation);
            put(w, "$.\n\n");
        }
        if (st->note) {
            put(w, f->emph_begin);
            put(w, st->shortcut ? "Shortcut:" : "Note:");
            put(w, f->emph_end);
            put(w, " ");
            f->text(s, st->note);
            put(w, ".\n\n");
        }
        bs_sink program = bs_sink_buffer();
        if (bs_render_program_line(&program, t, st, o->notation, o->precision) && program.buf) {
            put(w, f->emph_begin);
            put(w, "Note:");
            put(w, f->emph_end);
            put(w, " ");
            f->text(s, program.buf);
            put(w, ".\n\n");
        }
        bs_sink_free_buffer(&program);
        if (o->explain) {
            bs_sink b = bs_sink_buffer();
            bs_explain(&b, t, st, o->notation);
            strong(w, "Why.");
            put(w, " ");
            text_from(w, &b);
            put(w, "\n\n");
        }
        double units = units_of(w, st->value, st->rows, st->cols, 0) + 12;
        display_begin(w, units, 0);
        bs_step_name_latex(s, st, o->notation);
        put(w, " = ");
        bs_matrix_latex(s, st->value, NULL, st->rows, st->cols, o->precision);
        shape(w, st->rows, st->cols);
        display_end(w, units, 0);
        if (st->value_nonfinite)
            nonfinite(w);
        put(w, f->block_end);
        claim(w, i);
        if (t->checked && st->numeric && st->compared)
            check(w, st);
        if (o->terms)
            expansions(w, st);
    }
}

static void verdict(const walk *w)
{
    bs_sink b = bs_sink_buffer();
    bs_render_verdict(&b, w->t, w->o->notation);
    section(w, "Verdict");
    put(w, w->f->strong_begin);
    put(w, strcmp(bs_verdict_word(w->t), "pass") == 0 ? w->f->yes : w->f->no);
    put(w, " ");
    text_from(w, &b);
    put(w, w->f->strong_end);
    put(w, "\n");
}

void bs_render_doc(bs_sink *s, const bs_trace *t, const bs_render_opts *o,
                   const bs_doc_format *f)
{
    const walk w = {s, t, o, f};
    if (f->doc_begin)
        f->doc_begin(s, o);
    header(&w);
    params(&w);
    forward(&w);
    backward(&w);
    if (t->checked)
        verdict(&w);
    if (f->doc_end)
        f->doc_end(s, o);
}
