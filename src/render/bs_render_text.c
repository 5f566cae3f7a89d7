/* bs_render_text.c — the trace for people at a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_text.h"
#include "bs_render.h"
#include "bs_directions.h"
#include "bs_explain.h"
#include "bs_render_common.h"
#include "bs_terms.h"
#include "bs_typeset.h"

#define SIDE_BY_SIDE 110 /* widest line for analytic and numeric side by side */
#define TABLE_ROWS 6     /* compared elements listed in a table */

/* A matrix laid out as lines of text. */
typedef struct lines {
    char **line;
    size_t n;
    size_t width; /* widest line, in columns */
} lines;

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    l->line = NULL;
    l->n = l->width = 0;
}

/* Lays out a rows×cols matrix as "[ v v v ]" lines, columns right-aligned;
 * elements with mask[k] == 0 (when mask is given) print as "·". */
static int layout(const double *v, const unsigned char *mask, size_t rows,
                  size_t cols, int prec, lines *out)
{
    size_t ri[BS_MATRIX_MAX_SHOWN + 1], ci[BS_MATRIX_MAX_SHOWN + 1];
    size_t nr = bs_matrix_shown(rows, ri), nc = bs_matrix_shown(cols, ci);
    char cell[BS_MATRIX_MAX_SHOWN + 1][BS_MATRIX_MAX_SHOWN + 1][40];
    size_t w[BS_MATRIX_MAX_SHOWN + 1] = {0};
    for (size_t a = 0; a < nr; a++)
        for (size_t b = 0; b < nc; b++) {
            char *c = cell[a][b];
            if (ri[a] == BS_MATRIX_GAP)
                snprintf(c, 40, "%s", ci[b] == BS_MATRIX_GAP ? "⋱" : "⋮");
            else if (ci[b] == BS_MATRIX_GAP)
                snprintf(c, 40, "…");
            else {
                size_t k = ri[a] * cols + ci[b];
                if (mask && !mask[k])
                    snprintf(c, 40, "·");
                else
                    bs_fmt_num(c, 40, v[k], prec);
            }
            size_t cw = bs_text_width(c);
            if (cw > w[b])
                w[b] = cw;
        }
    out->line = calloc(nr, sizeof(char *));
    if (!out->line)
        return -1;
    out->n = nr;
    out->width = 0;
    for (size_t a = 0; a < nr; a++) {
        bs_sink s = bs_sink_buffer();
        bs_sink_puts(&s, "[");
        for (size_t b = 0; b < nc; b++) {
            bs_sink_puts(&s, " ");
            bs_sink_repeat(&s, " ", w[b] - bs_text_width(cell[a][b]));
            bs_sink_puts(&s, cell[a][b]);
        }
        bs_sink_puts(&s, " ]");
        if (bs_sink_status(&s) != 0 || !s.buf) {
            bs_sink_free_buffer(&s);
            return -1;
        }
        out->line[a] = s.buf;
        size_t lw = bs_text_width(s.buf);
        if (lw > out->width)
            out->width = lw;
    }
    return 0;
}

static void print_matrix(bs_sink *s, const double *v, size_t rows, size_t cols,
                         int prec, const char *indent)
{
    lines l = {0};
    if (layout(v, NULL, rows, cols, prec, &l) == 0)
        for (size_t i = 0; i < l.n; i++)
            bs_sink_printf(s, "%s%s\n", indent, l.line[i]);
    lines_free(&l);
}

/* "name = formula" on the left, the shape on the right */
static void heading(bs_sink *s, const char *left, size_t rows, size_t cols)
{
    size_t w = bs_text_width(left);
    bs_sink_puts(s, left);
    bs_sink_repeat(s, " ", w < 58 ? 58 - w : 2);
    bs_sink_printf(s, "%zu×%zu\n", rows, cols);
}

static void rule(bs_sink *s, const char *title)
{
    bs_sink_printf(s, "\n%s\n", title);
    bs_sink_repeat(s, "─", bs_text_width(title));
    bs_sink_puts(s, "\n");
}

void bs_render_text_network(bs_sink *s, const bs_net *net, const char *source)
{
    if (net->name)
        bs_sink_printf(s, "%s\n", net->name);
    if (source)
        bs_sink_printf(s, "spec: %s\n", source);
    if (net->description)
        bs_sink_printf(s, "%s\n", net->description);
    bs_sink_puts(s, "\nnetwork  ");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention: z[n] = %s + b[n]\n",
                   net->convention == BS_ROW ? "row" : "column",
                   net->convention == BS_ROW ? "a[n−1] · W[n]" : "W[n] · a[n−1]");
    bs_sink_puts(s, "         activations ");
    for (size_t l = 1; l <= net->L; l++)
        bs_sink_printf(s, "%s%s", l > 1 ? ", " : "", net->act[l]->name);
    bs_sink_printf(s, "; loss %s, ℓ(ŷ, y) = %s\n", net->loss->name, net->loss->math);
    bs_sink_printf(s, "batch    B = %zu", net->B);
    if (net->B > 1)
        bs_sink_printf(s, " (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    bs_sink_puts(s, "; ");
    bs_loss_formula(s, net);
    if (net->l2 != 0.0)
        bs_sink_printf(s, ", λ = %g", net->l2);
    bs_sink_puts(s, "\n");
}

static void header(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_render_text_network(s, t->net, o->source);
}

static void params(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    int col = net->convention == BS_COLUMN;
    rule(s, "Parameters");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        char left[160], name[48];
        bs_name_var(name, sizeof name, BS_Q_W, l, o->notation);
        snprintf(left, sizeof left, "%s%s", name,
                 net->W_origin[l] == BS_DRAWN ? "   (drawn from init)" : "");
        heading(s, left, col ? nout : nin, col ? nin : nout);
        if (col) {
            double *tr = malloc(sizeof(double) * nin * nout);
            if (!tr) {
                s->failed = 1;
                return;
            }
            size_t dr, dc;
            bs_net_W_displayed(net, l, tr, &dr, &dc);
            print_matrix(s, tr, dr, dc, o->precision, "  ");
            free(tr);
        } else {
            print_matrix(s, net->W[l], nin, nout, o->precision, "  ");
        }
        bs_name_var(name, sizeof name, BS_Q_B, l, o->notation);
        snprintf(left, sizeof left, "%s%s", name,
                 net->b_origin[l] == BS_DRAWN ? "   (drawn from init)" : "");
        heading(s, left, col ? nout : 1, col ? 1 : nout);
        print_matrix(s, net->b[l], col ? nout : 1, col ? 1 : nout, o->precision, "  ");
    }
}

/* the student's claim about a step, beside backstep's value */
static void claim_lines(bs_sink *s, const bs_trace *t, size_t step, const bs_render_opts *o)
{
    const bs_claim_result *r = bs_trace_claim(t, step);
    if (!r)
        return;
    const bs_step *st = &t->steps[step];
    const bs_claim *c = r->claim;
    bs_sink_printf(s, "  your claim (%s):\n", c->name);
    print_matrix(s, c->values, c->rows, c->cols, o->precision, "    ");
    bs_sink_puts(s, "  ");
    if (s->color)
        bs_sink_puts(s, r->agrees ? "\033[32m" : "\033[31m");
    bs_sink_puts(s, r->agrees ? "✓ claim agrees" : "✗ CLAIM DISAGREES");
    if (s->color)
        bs_sink_puts(s, "\033[0m");
    if (r->agrees) {
        bs_sink_printf(s, " (within a relative %g of backstep's values)\n",
                       t->net->claims_tolerance);
        return;
    }
    char w[40], v[40], name[48];
    bs_fmt_num(w, sizeof w, c->values[r->worst], o->precision);
    bs_fmt_num(v, sizeof v, st->value[r->worst], o->precision);
    bs_step_name(name, sizeof name, st, o->notation);
    bs_sink_printf(s, ": %zu of %zu element%s; at %s[%zu,%zu] you wrote %s, backstep has %s\n",
                   r->n_wrong, c->rows * c->cols, c->rows * c->cols == 1 ? "" : "s", name,
                   r->worst / st->cols + 1, r->worst % st->cols + 1, w, v);
}

static void forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    rule(s, "Forward pass");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        bs_sink lhs = bs_sink_buffer();
        char name[48];
        bs_step_name(name, sizeof name, st, o->notation);
        if (st->kind == BS_STEP_LOSS) {
            bs_loss_formula(&lhs, t->net);
        } else {
            bs_sink_puts(&lhs, name);
            if (st->formula) {
                bs_sink_puts(&lhs, " = ");
                bs_expr_text(&lhs, st->formula, t->net, o->notation);
            }
            if (st->note) {
                bs_sink_printf(&lhs, "   (%s)", st->note);
            }
        }
        if (lhs.buf)
            heading(s, lhs.buf, st->rows, st->cols);
        bs_sink_free_buffer(&lhs);
        if (st->kind == BS_STEP_LOSS) {
            char v[40];
            bs_fmt_num(v, sizeof v, st->value[0], o->precision);
            bs_sink_printf(s, "  = %s", v);
            if (t->net->l2 != 0.0) {
                char d[40], p[40];
                bs_fmt_num(d, sizeof d, t->fw->data_loss, o->precision);
                bs_fmt_num(p, sizeof p, t->fw->penalty, o->precision);
                bs_sink_printf(s, "   (data %s + penalty %s)", d, p);
            }
            bs_sink_puts(s, "\n");
        } else {
            print_matrix(s, st->value, st->rows, st->cols, o->precision, "  ");
        }
        if (st->value_nonfinite)
            bs_sink_puts(s, "  ✗ non-finite value here\n");
        claim_lines(s, t, i, o);
    }
}

static void element_name(char *buf, size_t size, const bs_step *st, size_t k,
                         bs_notation nt)
{
    char name[48];
    bs_step_name(name, sizeof name, st, nt);
    snprintf(buf, size, "%s[%zu,%zu]", name, k / st->cols + 1, k % st->cols + 1);
}

/* A table of some compared elements: the worst first, then the failures,
 * then the first others. */
static void element_table(bs_sink *s, const bs_step *st, const bs_trace *t,
                          const bs_render_opts *o)
{
    size_t idx[TABLE_ROWS];
    size_t m = bs_check_rows(t, st, 1, TABLE_ROWS, idx);
    char e[112], a[40], n[40], r[32], eb[40];
    bs_sink_printf(s, "  %-18s %16s %16s %9s %10s\n", "element", "analytic", "numeric",
                   "± error", "rel. error");
    for (size_t i = 0; i < m; i++) {
        size_t k = idx[i];
        element_name(e, sizeof e, st, k, o->notation);
        bs_fmt_num(a, sizeof a, st->value[k], o->precision);
        bs_fmt_num(n, sizeof n, st->numeric[k], o->precision);
        bs_fmt_num(eb, sizeof eb, st->numeric_error[k], 2);
        snprintf(r, sizeof r, "%.2g", bs_element_rel_error(st, k));
        bs_sink_printf(s, "  %-18s %16s %16s %9s %10s  %s\n", e, a, n, eb, r,
                       bs_verdict_mark(t, st, k));
    }
    /* at a kink the one-sided differences decide */
    for (size_t i = 0; i < m; i++) {
        size_t k = idx[i];
        if (!st->verdict || (st->verdict[k] != BS_V_KINK_OK && st->verdict[k] != BS_V_KINK_BAD))
            continue;
        char l[40], rr[40];
        element_name(e, sizeof e, st, k, o->notation);
        bs_fmt_num(l, sizeof l, st->left[k], o->precision);
        bs_fmt_num(rr, sizeof rr, st->right[k], o->precision);
        bs_sink_printf(s, "  %s is at a kink: one-sided differences %s (left), %s (right); "
                          "the analytic value is %s them\n",
                       e, l, rr, st->verdict[k] == BS_V_KINK_OK ? "between" : "not between");
    }
}

/* The line of a matrix checked along random directions (--directions):
 * how many agree, the largest relative error and where */
static void directions_line(bs_sink *s, const bs_dir_matrix *dm, const bs_render_opts *o)
{
    int ok = dm->n_failed == 0;
    bs_sink_puts(s, "  ");
    if (s->color)
        bs_sink_puts(s, ok ? "\033[32m" : "\033[31m");
    bs_sink_puts(s, ok ? "✓ agree" : "✗ DISAGREE");
    if (s->color)
        bs_sink_puts(s, "\033[0m");
    if (ok && dm->n_agree == dm->n)
        bs_sink_printf(s, " along %zu of %zu random unit directions", dm->n_agree, dm->n);
    else if (ok)
        bs_sink_printf(s, " along %zu random unit directions: ", dm->n);
    else
        bs_sink_printf(s, " along %zu of %zu random unit directions: ", dm->n_failed, dm->n);
    if (!ok || dm->n_agree < dm->n)
        bs_render_counts(s, dm->n_agree, dm->n_disagree, dm->n_unresolved, dm->n_kink_ok,
                         dm->n_kink_bad);
    const bs_dir_one *w = &dm->dir[dm->worst];
    char a[40], nv[40], e[40];
    bs_fmt_num(a, sizeof a, w->analytic, o->precision);
    bs_fmt_num(nv, sizeof nv, w->num.value, o->precision);
    snprintf(e, sizeof e, "%.2g", w->num.error);
    bs_sink_printf(s, "%s largest relative error %.2g at direction %zu (g·v %s, numeric %s ± %s)",
                   ok && dm->n_agree == dm->n ? "," : ";", dm->max_rel_error, dm->worst + 1,
                   a, nv, e);
    bs_sink_puts(s, ok ? "\n" : "; every element compared:\n");
}

static void step_check(bs_sink *s, const bs_step *st, const bs_trace *t,
                       const bs_render_opts *o)
{
    size_t count = st->rows * st->cols;
    const bs_dir_matrix *dm = bs_directions_find(t->directions, (size_t)(st - t->steps));
    if (dm && !dm->elementwise) {
        lines an = {0};
        bs_sink_puts(s, "  analytic\n");
        if (layout(st->value, NULL, st->rows, st->cols, o->precision, &an) == 0)
            for (size_t i = 0; i < an.n; i++)
                bs_sink_printf(s, "    %s\n", an.line[i]);
        lines_free(&an);
        directions_line(s, dm, o);
        return;
    }
    if (dm)
        directions_line(s, dm, o);
    int sampled = st->n_compared < count;
    if (sampled) {
        lines an = {0};
        bs_sink_puts(s, "  analytic\n");
        if (layout(st->value, NULL, st->rows, st->cols, o->precision, &an) == 0)
            for (size_t i = 0; i < an.n; i++)
                bs_sink_printf(s, "    %s\n", an.line[i]);
        lines_free(&an);
        element_table(s, st, t, o);
    } else {
        lines an = {0}, nu = {0};
        if (layout(st->value, NULL, st->rows, st->cols, o->precision, &an) == 0 &&
            layout(st->numeric, st->compared, st->rows, st->cols, o->precision,
                   &nu) == 0) {
            size_t w = an.width > 8 ? an.width : 8;
            if (2 + w + 4 + nu.width <= SIDE_BY_SIDE) {
                bs_sink_puts(s, "  analytic");
                bs_sink_repeat(s, " ", w + 4 - 8);
                bs_sink_puts(s, "numeric\n");
                for (size_t i = 0; i < an.n; i++) {
                    bs_sink_printf(s, "  %s", an.line[i]);
                    bs_sink_repeat(s, " ", w + 4 - bs_text_width(an.line[i]));
                    bs_sink_printf(s, "%s\n", nu.line[i]);
                }
            } else {
                bs_sink_puts(s, "  analytic\n");
                for (size_t i = 0; i < an.n; i++)
                    bs_sink_printf(s, "    %s\n", an.line[i]);
                bs_sink_puts(s, "  numeric\n");
                for (size_t i = 0; i < nu.n; i++)
                    bs_sink_printf(s, "    %s\n", nu.line[i]);
            }
        }
        lines_free(&an);
        lines_free(&nu);
        if (st->n_failed > 0 || st->n_agree < st->n_compared)
            element_table(s, st, t, o);
    }
    char num[32], tot[32], rel[32], where[128] = "";
    bs_fmt_count(num, sizeof num, st->n_compared);
    bs_fmt_count(tot, sizeof tot, count);
    snprintf(rel, sizeof rel, "%.2g", st->max_rel_error);
    if (st->max_rel_error > 0) {
        char e[112];
        element_name(e, sizeof e, st, st->worst, o->notation);
        snprintf(where, sizeof where, " at %s", e);
    }
    int ok = st->n_failed == 0, unverified = ok && !st->passed && st->n_compared > 0;
    bs_sink_puts(s, "  ");
    if (s->color)
        bs_sink_puts(s, ok && !unverified ? "\033[32m" : "\033[31m");
    bs_sink_puts(s, unverified ? "? unverified" : ok ? "✓ agree" : "✗ DISAGREE");
    if (s->color)
        bs_sink_puts(s, "\033[0m");
    if (ok && st->n_agree == st->n_compared)
        bs_sink_printf(s, ": %s of %s compared%s, largest relative error %s%s\n", num,
                       tot, sampled ? " (sampled)" : "", rel, where);
    else if (ok)
        bs_sink_printf(s, ": %s of %s compared%s: ", num, tot, sampled ? " (sampled)" : "");
    else
        bs_sink_printf(s, ": %zu of %s compared elements fail%s: ", st->n_failed, num,
                       st->n_nonfinite ? " (non-finite)" : "");
    if (!ok || st->n_agree < st->n_compared) {
        bs_render_counts(s, st->n_agree, st->n_disagree, st->n_unresolved, st->n_kink_ok,
                         st->n_kink_bad);
        bs_sink_printf(s, "; largest relative error %s%s\n", rel, where);
    }
}

/* the element-level expansions of a step, numbers substituted */
static void step_terms(bs_sink *s, const bs_trace *t, const bs_step *st,
                       const bs_render_opts *o)
{
    size_t idx[16];
    size_t m = bs_terms_pick(st, idx);
    bs_sink_printf(s, "  term by term%s:\n",
                   m < st->rows * st->cols ? " (a few elements of a large step)" : "");
    for (size_t k = 0; k < m; k++) {
        bs_expansion e;
        if (bs_expand(t, st, idx[k] / st->cols, idx[k] % st->cols, &e, NULL) == BS_OK) {
            bs_sink_puts(s, "    ");
            bs_expansion_text(s, &e, t->net, o->notation, o->precision);
            bs_sink_puts(s, "\n");
        }
        bs_expansion_free(&e);
    }
}

void bs_render_text_backward_head(bs_sink *s, const bs_trace *t)
{
    rule(s, "Backward pass");
    if (t->checked) {
        switch (t->opts.method) {
        case BS_METHOD_COMPLEX:
            bs_sink_puts(s, "numerical check: complex step, Im L(x + ih)/h");
            break;
        case BS_METHOD_FORWARD:
            bs_sink_puts(s, "numerical check: forward difference, (L(x + h) − L(x))/h");
            break;
        case BS_METHOD_RICHARDSON:
            bs_sink_puts(s, "numerical check: Richardson extrapolation, (4·D(h/2) − D(h))/3 "
                            "of central differences D");
            break;
        default:
            bs_sink_puts(s, "numerical check: central difference, (L(x + h) − L(x − h))/2h");
            break;
        }
        if (t->opts.epsilon > 0)
            bs_sink_printf(s, ", h = %g", t->opts.epsilon);
        else if (t->opts.method == BS_METHOD_COMPLEX)
            bs_sink_puts(s, ", h = 1e-20·max(1, |x|)");
        else if (t->opts.method == BS_METHOD_FORWARD)
            bs_sink_puts(s, ", h = √ε·max(1, |x|) ≈ 1.5e-8·max(1, |x|)");
        else if (t->opts.method == BS_METHOD_RICHARDSON)
            bs_sink_puts(s, ", h = ε^(1/5)·max(1, |x|) ≈ 7.4e-4·max(1, |x|)");
        else
            bs_sink_puts(s, ", h = ∛ε·max(1, |x|) ≈ 6.1e-6·max(1, |x|)");
        bs_sink_printf(s, "\nagreement: |analytic − numeric| ≤ %g or relative error ≤ %g, or "
                          "within the numeric error bar%s\n",
                       t->opts.atol, t->opts.rtol,
                       t->opts.strict ? "; strict: unresolved elements fail" : "");
    }
}

void bs_render_text_step(bs_sink *s, const bs_trace *t, size_t i, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    const bs_step *st = &t->steps[i];
    char name[48], mean[48];
    bs_step_name(name, sizeof name, st, o->notation);
    bs_sink lhs = bs_sink_buffer();
    bs_sink_printf(&lhs, "%s", name);
    if (o->notation == BS_NOTATION_G) {
        bs_name_grad(mean, sizeof mean, st->qty, st->layer, BS_NOTATION_PARTIAL);
        bs_sink_printf(&lhs, " = %s", mean);
    }
    bs_sink_puts(&lhs, " = ");
    bs_expr_text(&lhs, st->formula, net, o->notation);
    bs_sink_puts(s, "\n");
    if (lhs.buf)
        heading(s, lhs.buf, st->rows, st->cols);
    bs_sink_free_buffer(&lhs);
    size_t pad = bs_text_width(name);
    if (st->shortcut) {
        bs_sink_repeat(s, " ", pad);
        bs_sink_puts(s, " = ");
        bs_expr_text(s, st->shortcut, net, o->notation);
        bs_sink_puts(s, "\n");
    }
    if (st->qty == BS_Q_Z && net->act[st->layer]->dmath && !st->shortcut) {
        bs_sink_repeat(s, " ", pad);
        bs_sink_puts(s, "   where ");
        bs_expr_text(s, &(bs_expr){.kind = BS_X_DACT, .layer = st->layer}, net,
                     o->notation);
        bs_sink_puts(s, " = ");
        bs_dact_text(s, net, st->layer, o->notation);
        bs_sink_puts(s, "\n");
    }
    if (st->note) {
        bs_sink_repeat(s, " ", pad);
        bs_sink_printf(s, "   (%s)\n", st->note);
    }
    bs_sink program = bs_sink_buffer();
    if (bs_render_program_line(&program, t, st, o->notation, o->precision) && program.buf) {
        bs_sink_repeat(s, " ", pad);
        bs_sink_printf(s, "   (%s)\n", program.buf);
    }
    bs_sink_free_buffer(&program);
    if (o->explain) {
        bs_sink_puts(s, "  why: ");
        bs_explain(s, t, st, o->notation);
        bs_sink_puts(s, "\n");
    }
    if (t->checked && st->numeric) {
        step_check(s, st, t, o);
    } else {
        print_matrix(s, st->value, st->rows, st->cols, o->precision, "  ");
    }
    if (o->terms)
        step_terms(s, t, st, o);
    claim_lines(s, t, i, o);
}

void bs_render_text_terms(bs_sink *s, const bs_trace *t, const bs_step *st,
                          const bs_render_opts *o)
{
    step_terms(s, t, st, o);
}

void bs_render_text_intro(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    header(s, t, o);
    params(s, t, o);
    forward(s, t, o);
}

void bs_render_text_forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    forward(s, t, o);
}

void bs_render_text_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int prec,
                           const char *indent)
{
    print_matrix(s, v, rows, cols, prec, indent);
}

void bs_render_text(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_render_text_intro(s, t, o);
    bs_render_text_backward_head(s, t);
    for (size_t i = t->first_backward; i < t->nsteps; i++)
        bs_render_text_step(s, t, i, o);
    bs_render_text_end(s, t, o);
}

void bs_render_text_end(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    if (t->checked) {
        bs_sink_puts(s, "\n");
        if ((t->failure.found || t->unverified) && t->first_nonfinite == t->nsteps) {
            bs_sink_puts(s, t->failure.verdict == BS_V_UNRESOLVED && !t->opts.strict
                                ? "unresolved: "
                                : "failure: ");
            bs_render_failure(s, t, o->notation);
            bs_sink_puts(s, "\n");
        }
        bs_render_verdict(s, t, o->notation);
        bs_sink_puts(s, "\n");
    }
}
