/* bs_typeset.c — the typesetting walk over term expansions, and its
 * Unicode text emitter. */
#include "bs_typeset.h"

#include <stdio.h>

#include "bs_render_common.h"

/* ------------------------------------------------------------------ walk */

static void tok(bs_sink *s, const bs_emitter *em, bs_tok t)
{
    bs_sink_puts(s, em->tok[t]);
}

/* the text a writer left in a buffer; a failed buffer marks s failed */
static const char *held(bs_sink *s, const bs_sink *b)
{
    if (bs_sink_status(b) != 0) {
        s->failed = 1;
        return "";
    }
    return b->buf ? b->buf : "";
}

/* the terms (symbols when values == 0, numbers otherwise); with brk > 0 a
 * line break comes before every brk-th plus sign */
static void terms(bs_sink *s, const bs_emitter *em, const bs_expansion *e,
                  const bs_net *net, bs_notation nt, int values, int prec, size_t brk)
{
    size_t idx[BS_TERMS_SHOWN_MAX];
    size_t m = bs_terms_shown(e, idx);
    for (size_t i = 0; i < m; i++) {
        size_t k = idx[i];
        if (i > 0) {
            if (brk && i % brk == 0)
                tok(s, em, BS_TOK_BREAK);
            tok(s, em, BS_TOK_PLUS);
        }
        if (k == BS_NONE) {
            tok(s, em, BS_TOK_ELLIPSIS);
            continue;
        }
        const bs_term *t = &e->terms[k];
        for (size_t f = 0; f < t->n; f++) {
            if (f > 0)
                tok(s, em, values ? BS_TOK_TIMES : BS_TOK_DOT);
            if (values)
                em->number(s, t->f[f].value, prec, f > 0 || t->n > 1 || k > 0);
            else
                em->factor(s, &t->f[f], net, nt);
        }
    }
    if (e->has_l2) {
        /* the symbols read 2λ · W_{p,q}; the numbers 2λ (already doubled) × W_{p,q} */
        if (brk && m > 0 && m % brk == 0)
            tok(s, em, BS_TOK_BREAK);
        tok(s, em, BS_TOK_PLUS);
        if (values) {
            em->number(s, e->lambda * 2.0, prec, 0);
            tok(s, em, BS_TOK_TIMES);
            em->number(s, e->w.value, prec, 1);
        } else {
            tok(s, em, BS_TOK_TWO_LAMBDA);
            em->factor(s, &e->w, net, nt);
        }
    }
}

/* ŷ − y, or the loss derivative, in symbols or numbers */
static void special(bs_sink *s, const bs_emitter *em, const bs_expansion *e,
                    const bs_net *net, bs_notation nt, int values, int prec)
{
    bs_sink a = bs_sink_buffer(), ao = bs_sink_buffer(), b = bs_sink_buffer();
    if (values) {
        em->number(&a, e->yhat.value, prec, 0);
        em->number(&ao, e->yhat.value, prec, 1);
        em->number(&b, e->y.value, prec, 1);
    } else {
        em->factor(&a, &e->yhat, net, nt);
        em->factor(&ao, &e->yhat, net, nt);
        em->factor(&b, &e->y, net, nt);
    }
    em->loss(s, bs_expansion_loss_form(e, net), held(s, &a), held(s, &ao), held(s, &b),
             e->show_scale);
    bs_sink_free_buffer(&a);
    bs_sink_free_buffer(&ao);
    bs_sink_free_buffer(&b);
}

/* one right-hand side: the symbols (values 0) or the numbers (values 1) */
static void rhs(bs_sink *s, const bs_emitter *em, const bs_expansion *e, const bs_net *net,
                bs_notation nt, int values, int prec, size_t brk)
{
    if (e->show_scale) {
        if (values) {
            em->number(s, e->scale, prec, 0);
            tok(s, em, BS_TOK_TIMES);
        } else {
            tok(s, em, BS_TOK_INV_B);
        }
    }
    if (e->kind == BS_EXP_SUM)
        terms(s, em, e, net, nt, values, prec, brk);
    else
        special(s, em, e, net, nt, values, prec);
}

void bs_typeset_expansion(bs_sink *s, const bs_emitter *em, const bs_expansion *e,
                          const bs_net *net, bs_notation nt, int precision,
                          const bs_layout *lo)
{
    if (em->begin)
        em->begin(s, lo);
    if (nt == BS_NOTATION_CODE) {
        em->factor(s, &e->self, net, nt);
    } else {
        bs_factor self = e->self;
        self.kind = BS_FAC_VAR;
        tok(s, em, BS_TOK_GRAD_OPEN);
        em->factor(s, &self, net,
                   em->self_partial && nt == BS_NOTATION_PARTIAL ? nt : BS_NOTATION_G);
        tok(s, em, BS_TOK_GRAD_CLOSE);
    }
    /* a single factor needs no line of numbers before its value */
    int trivial = bs_expansion_trivial(e);
    int empty = em->empty_zero && e->kind == BS_EXP_SUM && e->nterms == 0 && !e->has_l2;
    for (int values = 0; values < (trivial || empty ? 1 : 2); values++) {
        em->equals(s, values, lo);
        if (empty)
            tok(s, em, BS_TOK_ZERO);
        else
            rhs(s, em, e, net, nt, values, precision, lo->brk[values]);
    }
    em->equals(s, 2, lo);
    em->number(s, e->total, precision, 0);
    if (em->end)
        em->end(s, lo);
}

/* ---------------------------------------------------------- Unicode text */

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
static void text_number(bs_sink *s, double v, int prec, int paren)
{
    char b[48];
    bs_fmt_operand(b, sizeof b, v, prec, paren);
    bs_sink_puts(s, b);
}

/* Grouped as the LaTeX and MathML show it: bracketed as a whole only after
 * the factor 1/B, a negative number bracketed after an operator. */
static void text_loss(bs_sink *s, bs_loss_form form, const char *a, const char *ao,
                      const char *b, int scaled)
{
    const char *open = scaled ? "(" : "", *close = scaled ? ")" : "";
    switch (form) {
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
}

static void text_equals(bs_sink *s, int which, const bs_layout *lo)
{
    (void)which;
    (void)lo;
    bs_sink_puts(s, " = ");
}

const bs_emitter bs_emitter_text = {
    .tok = {
        [BS_TOK_PLUS] = " + ",
        [BS_TOK_BREAK] = "",
        [BS_TOK_ELLIPSIS] = "…",
        [BS_TOK_DOT] = " · ",
        [BS_TOK_TIMES] = " × ",
        [BS_TOK_TWO_LAMBDA] = "2λ · ",
        [BS_TOK_INV_B] = "(1/B) · ",
        [BS_TOK_GRAD_OPEN] = "∂L/∂",
        [BS_TOK_GRAD_CLOSE] = "",
        [BS_TOK_ZERO] = "0",
    },
    .factor = bs_factor_text,
    .number = text_number,
    .loss = text_loss,
    .equals = text_equals,
};

void bs_expansion_text(bs_sink *s, const bs_expansion *e, const bs_net *net,
                       bs_notation nt, int precision)
{
    bs_layout lo = {0, {0, 0}, 1};
    bs_typeset_expansion(s, &bs_emitter_text, e, net, nt, precision, &lo);
}
