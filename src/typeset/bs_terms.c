/* bs_terms.c — term-by-term expansions and their Unicode typesetting. */
#include "bs_terms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_fmt.h"

void bs_expansion_free(bs_expansion *e)
{
    if (!e)
        return;
    free(e->terms);
    e->terms = NULL;
    e->nterms = 0;
}

static bs_factor fac(bs_fac_kind kind, bs_qty q, size_t layer, size_t ex, size_t unit,
                     double value)
{
    bs_factor f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.qty = q;
    f.layer = layer;
    f.ex = ex;
    f.unit = unit;
    f.r = f.c = BS_NONE;
    f.value = value;
    return f;
}

/* W[n] entry from input p to output q, named in the displayed orientation */
static bs_factor w_fac(const bs_net *net, size_t n, size_t p, size_t q)
{
    bs_factor f = fac(BS_FAC_VAR, BS_Q_W, n, BS_NONE, BS_NONE,
                      net->W[n][p * net->n[n] + q]);
    f.r = net->convention == BS_ROW ? p : q;
    f.c = net->convention == BS_ROW ? q : p;
    return f;
}

static size_t ex_of(const bs_net *net, size_t i)
{
    return net->B == 1 ? BS_NONE : i;
}

static int add(bs_expansion *e, size_t cap, bs_factor a, const bs_factor *b)
{
    if (e->nterms >= cap)
        return -1;
    bs_term *t = &e->terms[e->nterms++];
    t->f[0] = a;
    t->n = 1;
    t->value = a.value;
    if (b) {
        t->f[1] = *b;
        t->n = 2;
        t->value *= b->value;
    }
    return 0;
}

bs_status bs_expand(const bs_trace *t, const bs_step *st, size_t r, size_t c,
                    bs_expansion *e, bs_error *err)
{
    const bs_net *net = t->net;
    const bs_forward *fw = t->fw;
    const bs_grads *g = t->grads;
    memset(e, 0, sizeof *e);
    e->step = st;
    e->r = r;
    e->c = c;
    e->scale = 1.0;
    e->total = st->value[r * st->cols + c];
    if (st->kind != BS_STEP_BACKWARD)
        return bs_error_set(err, BS_ERR_USAGE, st->id, "only backward steps are expanded");
    int col = net->convention == BS_COLUMN;
    size_t n = st->layer, B = net->B, L = net->L;
    double rB = bs_net_reduction_factor(net);
    /* the example and unit of an activation-shaped step */
    size_t i = col ? c : r, j = col ? r : c;
    size_t cap = B + net->n[n] + (n < L ? net->n[n + 1] : 0) + 2;
    e->terms = calloc(cap, sizeof(bs_term));
    if (!e->terms)
        return bs_error_set(err, BS_ERR_NOMEM, st->id, "out of memory");
    size_t nn = net->n[n], K = net->n[L];
    switch (st->qty) {
    case BS_Q_A:
        e->self = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), j, e->total);
        if (n == L) {
            e->kind = BS_EXP_LOSS;
            e->yhat = fac(BS_FAC_VAR, BS_Q_YHAT, L, ex_of(net, i), j, fw->a[L][i * K + j]);
            e->y = fac(BS_FAC_VAR, BS_Q_Y, 0, ex_of(net, i), j, net->y[i * K + j]);
            e->show_scale = st->mean_enters;
            e->scale = st->mean_enters ? rB : 1.0;
        } else {
            /* Σ_q W_{p,q}[n+1] g_q[(n+1)z] for unit p = j */
            size_t nq = net->n[n + 1];
            for (size_t q = 0; q < nq; q++) {
                bs_factor gz = fac(BS_FAC_GRAD, BS_Q_Z, n + 1, ex_of(net, i), q,
                                   g->gz[n + 1][i * nq + q]);
                add(e, cap, w_fac(net, n + 1, j, q), &gz);
            }
        }
        break;
    case BS_Q_Z:
        e->self = fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, i), j, e->total);
        if (st->shortcut) {
            e->kind = BS_EXP_SHORTCUT;
            e->yhat = fac(BS_FAC_VAR, BS_Q_YHAT, L, ex_of(net, i), j, fw->a[L][i * K + j]);
            e->y = fac(BS_FAC_VAR, BS_Q_Y, 0, ex_of(net, i), j, net->y[i * K + j]);
            e->show_scale = B > 1 && net->reduction == BS_MEAN;
            e->scale = rB;
        } else if (net->act[n]->elementwise) {
            bs_factor d = fac(BS_FAC_DACT, BS_Q_Z, n, ex_of(net, i), j,
                              net->act[n]->derivative(fw->z[n][i * nn + j],
                                                      fw->a[n][i * nn + j]));
            bs_factor ga = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), j, g->ga[n][i * nn + j]);
            add(e, cap, d, &ga);
        } else {
            /* Σ_t ∂ŷ_t/∂z_j · g_t[a] with ∂ŷ_t/∂z_j = ŷ_t (δ_tj − ŷ_j) */
            const double *a = fw->a[n] + i * nn;
            for (size_t tt = 0; tt < nn; tt++) {
                bs_factor J = fac(BS_FAC_JSOFT, BS_Q_Z, n, ex_of(net, i), tt,
                                  a[tt] * ((tt == j ? 1.0 : 0.0) - a[j]));
                J.c = j;
                bs_factor ga = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), tt,
                                   g->ga[n][i * nn + tt]);
                add(e, cap, J, &ga);
            }
        }
        break;
    case BS_Q_W: {
        size_t p = col ? c : r, q = col ? r : c, nin = net->n[n - 1];
        e->self = w_fac(net, n, p, q);
        e->self.kind = BS_FAC_GRAD;
        e->self.value = e->total;
        for (size_t ii = 0; ii < B; ii++) {
            bs_factor a = fac(BS_FAC_VAR, BS_Q_A, n - 1, ex_of(net, ii), p,
                              fw->a[n - 1][ii * nin + p]);
            bs_factor gz = fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, ii), q,
                               g->gz[n][ii * nn + q]);
            if (col)
                add(e, cap, gz, &a);
            else
                add(e, cap, a, &gz);
        }
        if (st->has_l2) {
            e->has_l2 = 1;
            e->lambda = net->l2;
            e->w = w_fac(net, n, p, q);
        }
        break;
    }
    case BS_Q_B: {
        size_t q = col ? r : c;
        e->self = fac(BS_FAC_GRAD, BS_Q_B, n, BS_NONE, q, e->total);
        for (size_t ii = 0; ii < B; ii++)
            add(e, cap, fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, ii), q, g->gz[n][ii * nn + q]),
                NULL);
        break;
    }
    default:
        break;
    }
    return BS_OK;
}

size_t bs_terms_pick(const bs_step *st, size_t *idx)
{
    size_t count = st->rows * st->cols;
    if (count <= 16) {
        for (size_t k = 0; k < count; k++)
            idx[k] = k;
        return count;
    }
    size_t big = 0;
    for (size_t k = 1; k < count; k++)
        if (fabs(st->value[k]) > fabs(st->value[big]))
            big = k;
    idx[0] = 0;
    idx[1] = 1;
    size_t m = 2;
    if (big > 1)
        idx[m++] = big;
    return m;
}

size_t bs_terms_shown(const bs_expansion *e, size_t *idx)
{
    size_t n = e->nterms, m = 0;
    for (size_t k = 0; k < n; k++) {
        if (n > 6 && k == 3) {
            idx[m++] = BS_NONE;
            k = n - 2;
            continue;
        }
        idx[m++] = k;
    }
    return m;
}

int bs_expansion_trivial(const bs_expansion *e)
{
    return e->kind == BS_EXP_SUM && e->nterms == 1 && e->terms && e->terms[0].n == 1 &&
           !e->has_l2 && !e->show_scale;
}

bs_loss_form bs_expansion_loss_form(const bs_expansion *e, const bs_net *net)
{
    const char *loss = net->loss ? net->loss->name : "mse";
    if (e->kind == BS_EXP_SHORTCUT || strcmp(loss, "mse") == 0)
        return BS_FORM_DIFFERENCE;
    return strcmp(loss, "bce") == 0 ? BS_FORM_BCE : BS_FORM_QUOTIENT;
}

void bs_factor_jsoft_parts(const bs_factor *f, bs_factor *a, bs_factor *z)
{
    *a = *f;
    *z = *f;
    a->kind = z->kind = BS_FAC_VAR;
    a->qty = BS_Q_A;
    z->qty = BS_Q_Z;
    z->unit = f->c;
}

/* the element part of a code-notation name: "[3,2]" or "[2]" */
static void code_index(bs_sink *s, const bs_factor *f)
{
    if (f->qty == BS_Q_W) {
        bs_sink_printf(s, "[%zu,%zu]", f->r + 1, f->c + 1);
        return;
    }
    if (f->ex != BS_NONE)
        bs_sink_printf(s, "[%zu,%zu]", f->ex + 1, f->unit + 1);
    else
        bs_sink_printf(s, "[%zu]", f->unit + 1);
}

/* the element part of a g/partial name: "_2[2]", "_2[2,3]", "_{2,1}[3]" */
static void math_var(bs_sink *s, const bs_factor *f, const char *sym, const char *inner)
{
    if (f->qty == BS_Q_W)
        bs_sink_printf(s, "%s_{%zu,%zu}[%s]", sym, f->r + 1, f->c + 1, inner);
    else if (f->ex != BS_NONE)
        bs_sink_printf(s, "%s_%zu[%s,%zu]", sym, f->unit + 1, inner, f->ex + 1);
    else
        bs_sink_printf(s, "%s_%zu[%s]", sym, f->unit + 1, inner);
}

void bs_factor_text(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt)
{
    char name[32], inner[24];
    int code = nt == BS_NOTATION_CODE;
    switch (f->kind) {
    case BS_FAC_VAR:
        if (f->qty == BS_Q_YHAT || f->qty == BS_Q_Y) {
            const char *sym = f->qty == BS_Q_Y ? "y" : (code ? "yhat" : "ŷ");
            if (code) {
                bs_sink_puts(s, sym);
                code_index(s, f);
            } else if (f->ex != BS_NONE) {
                bs_sink_printf(s, "%s_%zu(%zu)", sym, f->unit + 1, f->ex + 1);
            } else {
                bs_sink_printf(s, "%s_%zu", sym, f->unit + 1);
            }
            return;
        }
        if (code) {
            bs_name_var(name, sizeof name, f->qty, f->layer, nt);
            bs_sink_puts(s, name);
            code_index(s, f);
            return;
        }
        if (f->qty == BS_Q_A && f->layer == 0 && nt == BS_NOTATION_PARTIAL) {
            if (f->ex != BS_NONE)
                bs_sink_printf(s, "x_%zu(%zu)", f->unit + 1, f->ex + 1);
            else
                bs_sink_printf(s, "x_%zu", f->unit + 1);
            return;
        }
        snprintf(name, sizeof name, "%c", bs_qty_letter(f->qty));
        snprintf(inner, sizeof inner, "%zu", f->layer);
        math_var(s, f, name, inner);
        return;
    case BS_FAC_GRAD:
        if (code) {
            bs_name_grad(name, sizeof name, f->qty, f->layer, nt);
            bs_sink_puts(s, name);
            code_index(s, f);
            return;
        }
        if (nt == BS_NOTATION_PARTIAL) {
            bs_sink_puts(s, "∂L/∂");
            snprintf(name, sizeof name, "%c", bs_qty_letter(f->qty));
            snprintf(inner, sizeof inner, "%zu", f->layer);
            math_var(s, f, name, inner);
            return;
        }
        snprintf(inner, sizeof inner, "%zu%c", f->layer, bs_qty_letter(f->qty));
        math_var(s, f, "g", inner);
        return;
    case BS_FAC_DACT: {
        bs_factor z = *f;
        z.kind = BS_FAC_VAR;
        bs_name_act(name, sizeof name, net, f->layer, nt);
        bs_sink_printf(s, "%s'(", name);
        bs_factor_text(s, &z, net, nt);
        bs_sink_puts(s, ")");
        return;
    }
    case BS_FAC_JSOFT: {
        bs_factor a, z;
        bs_factor_jsoft_parts(f, &a, &z);
        bs_sink_puts(s, "∂");
        bs_factor_text(s, &a, net, nt);
        bs_sink_puts(s, "/∂");
        bs_factor_text(s, &z, net, nt);
        return;
    }
    }
}

/* a number as an operand of the line of numbers (bs_fmt_operand) */
static void num_op(bs_sink *s, double v, int prec, int paren)
{
    char b[48];
    bs_fmt_operand(b, sizeof b, v, prec, paren);
    bs_sink_puts(s, b);
}

/* writes the terms (symbols when values == 0, numbers otherwise) */
static void terms(bs_sink *s, const bs_expansion *e, const bs_net *net, bs_notation nt,
                  int values, int prec)
{
    size_t idx[BS_TERMS_SHOWN_MAX];
    size_t m = bs_terms_shown(e, idx);
    for (size_t i = 0; i < m; i++) {
        size_t k = idx[i];
        if (k == BS_NONE) {
            bs_sink_puts(s, " + …");
            continue;
        }
        if (k > 0)
            bs_sink_puts(s, " + ");
        const bs_term *t = &e->terms[k];
        for (size_t f = 0; f < t->n; f++) {
            if (f > 0)
                bs_sink_puts(s, values ? " × " : " · ");
            if (values) {
                num_op(s, t->f[f].value, prec, f > 0 || t->n > 1 || k > 0);
            } else {
                bs_factor_text(s, &t->f[f], net, nt);
            }
        }
    }
    if (e->has_l2) {
        /* the symbols read 2λ · W_{p,q}; the numbers 2λ (already doubled) × W_{p,q} */
        bs_sink_puts(s, " + ");
        if (values) {
            num_op(s, e->lambda * 2.0, prec, 0);
            bs_sink_puts(s, " × ");
            num_op(s, e->w.value, prec, 1);
        } else {
            bs_sink_puts(s, "2λ · ");
            bs_factor_text(s, &e->w, net, nt);
        }
    }
}

/* ŷ − y, or the loss derivative, in symbols or numbers.  Grouped as the
 * LaTeX and MathML show it: bracketed as a whole only after the factor 1/B,
 * a negative number bracketed after an operator. */
static void special(bs_sink *s, const bs_expansion *e, const bs_net *net, bs_notation nt,
                    int values, int prec)
{
    bs_sink yh = bs_sink_buffer(), yh_op = bs_sink_buffer(), y = bs_sink_buffer();
    if (values) {
        num_op(&yh, e->yhat.value, prec, 0);
        num_op(&yh_op, e->yhat.value, prec, 1);
        num_op(&y, e->y.value, prec, 1);
    } else {
        bs_factor_text(&yh, &e->yhat, net, nt);
        bs_factor_text(&yh_op, &e->yhat, net, nt);
        bs_factor_text(&y, &e->y, net, nt);
    }
    const char *a = yh.buf ? yh.buf : "?", *ao = yh_op.buf ? yh_op.buf : "?",
               *b = y.buf ? y.buf : "?";
    const char *open = e->show_scale ? "(" : "", *close = e->show_scale ? ")" : "";
    switch (bs_expansion_loss_form(e, net)) {
    case BS_FORM_DIFFERENCE:
        bs_sink_printf(s, "%s%s − %s%s", open, a, b, close);
        break;
    case BS_FORM_BCE:
        bs_sink_printf(s, "%s(%s − %s) / (%s · (1 − %s))%s", open, a, b, a, ao, close);
        break;
    default:
        bs_sink_printf(s, "%s−%s / %s%s", open, b, ao, close);
        break;
    }
    bs_sink_free_buffer(&yh);
    bs_sink_free_buffer(&yh_op);
    bs_sink_free_buffer(&y);
}

void bs_expansion_text(bs_sink *s, const bs_expansion *e, const bs_net *net,
                       bs_notation nt, int precision)
{
    if (nt == BS_NOTATION_CODE) {
        bs_factor_text(s, &e->self, net, nt);
    } else {
        bs_factor self = e->self;
        self.kind = BS_FAC_VAR;
        bs_sink_puts(s, "∂L/∂");
        bs_factor_text(s, &self, net, BS_NOTATION_G);
    }
    for (int values = 0; values < (bs_expansion_trivial(e) ? 1 : 2); values++) {
        bs_sink_puts(s, " = ");
        if (e->show_scale) {
            if (values) {
                num_op(s, e->scale, precision, 0);
                bs_sink_puts(s, " × ");
            } else {
                bs_sink_puts(s, "(1/B) · ");
            }
        }
        if (e->kind == BS_EXP_SUM) {
            terms(s, e, net, nt, values, precision);
        } else {
            special(s, e, net, nt, values, precision);
        }
    }
    bs_sink_puts(s, " = ");
    num_op(s, e->total, precision, 0);
}
