/* bs_typeset.c — the typesetting walk over formulas, names, element
 * symbols and term expansions, and its Unicode text emitter. */
#include "bs_typeset.h"

#include <stdio.h>
#include <string.h>

#include "bs_fmt.h"

/* ------------------------------------------------------------------ walk */

/* a token of the emitter's table; one left NULL writes nothing */
static void tok(bs_sink *s, const bs_emitter *em, bs_tok t)
{
    if (em->tok[t])
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

/* the element part of a code-notation name: "[3,2]" or "[2]" */
static void code_index(char *buf, size_t size, const bs_factor *f)
{
    if (f->qty == BS_Q_W)
        snprintf(buf, size, "[%zu,%zu]", f->r + 1, f->c + 1);
    else if (f->ex != BS_NONE)
        snprintf(buf, size, "[%zu,%zu]", f->ex + 1, f->unit + 1);
    else
        snprintf(buf, size, "[%zu]", f->unit + 1);
}

/* a factor's element as the emitters see it */
static bs_elem elem_of(const bs_factor *f, const char *base, int layered, char letter)
{
    bs_elem x = {base, layered, f->layer, letter, f->qty == BS_Q_W, f->r, f->c,
                 f->unit, f->ex, 0, 0, NULL};
    return x;
}

void bs_typeset_act(bs_sink *s, const bs_emitter *em, const bs_net *net, size_t layer,
                    bs_notation nt, int prime)
{
    int out = layer == net->L;
    switch (nt) {
    case BS_NOTATION_PARTIAL:
        em->act(s, out ? "f" : "σ", NULL, 0, prime);
        break;
    case BS_NOTATION_CODE:
        em->act(s, net->act[layer] ? net->act[layer]->name : "?", NULL, 1, prime);
        break;
    default:
        em->act(s, "g", out ? "o" : "h", 0, prime);
        break;
    }
}

/* ∂L/∂(element): the left side of an expansion, and a gradient's element in
 * partial notation */
static void grad_of(bs_sink *s, const bs_emitter *em, const bs_factor *f, const bs_net *net,
                    bs_notation nt)
{
    bs_factor v = *f;
    v.kind = BS_FAC_VAR;
    tok(s, em, BS_TOK_GRAD_OPEN);
    bs_typeset_factor(s, em, &v, net,
                      em->self_partial && nt == BS_NOTATION_PARTIAL ? nt : BS_NOTATION_G);
    tok(s, em, BS_TOK_GRAD_CLOSE);
}

void bs_typeset_factor(bs_sink *s, const bs_emitter *em, const bs_factor *f,
                       const bs_net *net, bs_notation nt)
{
    char name[48], index[48], letter[2] = {bs_qty_letter(f->qty), '\0'};
    int code = nt == BS_NOTATION_CODE;
    switch (f->kind) {
    case BS_FAC_VAR: {
        if (code) {
            bs_name_var(name, sizeof name, f->qty, f->layer, nt);
            code_index(index, sizeof index, f);
            em->code(s, name, index);
            return;
        }
        bs_elem x;
        if (f->qty == BS_Q_Y || f->qty == BS_Q_YHAT)
            x = elem_of(f, f->qty == BS_Q_Y ? "y" : "ŷ", 0, 0);
        else if (f->qty == BS_Q_A && f->layer == 0 && nt == BS_NOTATION_PARTIAL)
            x = elem_of(f, "x", 0, 0);
        else
            x = elem_of(f, letter, 1, 0);
        em->elem(s, &x);
        return;
    }
    case BS_FAC_GRAD: {
        if (code) {
            bs_name_grad(name, sizeof name, f->qty, f->layer, nt);
            code_index(index, sizeof index, f);
            em->code(s, name, index);
            return;
        }
        if (nt == BS_NOTATION_PARTIAL) {
            grad_of(s, em, f, net, nt);
            return;
        }
        bs_elem x = elem_of(f, "g", 1, letter[0]);
        em->elem(s, &x);
        return;
    }
    case BS_FAC_DACT: {
        bs_factor z = *f;
        z.kind = BS_FAC_VAR;
        tok(s, em, BS_TOK_APPLY_OPEN);
        bs_typeset_act(s, em, net, f->layer, nt, 1);
        tok(s, em, BS_TOK_CALL_OPEN);
        bs_typeset_factor(s, em, &z, net, nt);
        tok(s, em, BS_TOK_CALL_CLOSE);
        tok(s, em, BS_TOK_APPLY_CLOSE);
        return;
    }
    case BS_FAC_JSOFT: {
        bs_factor a, z;
        bs_factor_jsoft_parts(f, &a, &z);
        tok(s, em, BS_TOK_DFRAC_OPEN);
        bs_typeset_factor(s, em, &a, net, nt);
        tok(s, em, BS_TOK_DFRAC_MID);
        bs_typeset_factor(s, em, &z, net, nt);
        tok(s, em, BS_TOK_DFRAC_CLOSE);
        return;
    }
    }
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
                bs_typeset_factor(s, em, &t->f[f], net, nt);
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
            bs_typeset_factor(s, em, &e->w, net, nt);
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
        bs_typeset_factor(&a, em, &e->yhat, net, nt);
        bs_typeset_factor(&ao, em, &e->yhat, net, nt);
        bs_typeset_factor(&b, em, &e->y, net, nt);
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
    if (nt == BS_NOTATION_CODE)
        bs_typeset_factor(s, em, &e->self, net, nt);
    else
        grad_of(s, em, &e->self, net, nt);
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

/* ------------------------------------------------------------ formulas */

void bs_typeset_name(bs_sink *s, const bs_emitter *em, bs_qty q, size_t layer, bs_notation nt,
                     int grad, const char *sub)
{
    char name[48], letter[2] = {bs_qty_letter(q), '\0'};
    bs_elem x = {letter, 1, layer, 0, 0, 0, 0, 0, BS_NONE, 1, 0, sub};
    if (q == BS_Q_LOSS) {
        x.base = "L";
        x.layered = 0;
    } else if (nt == BS_NOTATION_CODE) {
        if (grad)
            bs_name_grad(name, sizeof name, q, layer, nt);
        else
            bs_name_var(name, sizeof name, q, layer, nt);
        x.base = name;
        x.layered = 0;
        x.code = 1;
    } else if (grad && nt == BS_NOTATION_PARTIAL) {
        tok(s, em, BS_TOK_GRAD_OPEN);
        em->elem(s, &x);
        tok(s, em, BS_TOK_GRAD_CLOSE);
        return;
    } else if (grad) {
        x.base = "g";
        x.letter = letter[0];
    } else if (q == BS_Q_Y || q == BS_Q_YHAT) {
        x.base = q == BS_Q_Y ? "y" : "ŷ";
        x.layered = 0;
    } else if (q == BS_Q_A && layer == 0 && nt == BS_NOTATION_PARTIAL) {
        x.base = "x";
        x.layered = 0;
    }
    em->elem(s, &x);
}

/* an operand, in brackets when p */
static void group(bs_sink *s, const bs_emitter *em, const bs_expr *e, const bs_net *net,
                  bs_notation nt, int p)
{
    if (!p) {
        bs_typeset_expr(s, em, e, net, nt);
        return;
    }
    int big = bs_expr_has_fraction(e, nt, em->frac_hdiv);
    tok(s, em, big ? BS_TOK_GROUP_OPEN_BIG : BS_TOK_GROUP_OPEN);
    bs_typeset_expr(s, em, e, net, nt);
    tok(s, em, big ? BS_TOK_GROUP_CLOSE_BIG : BS_TOK_GROUP_CLOSE);
}

void bs_typeset_expr(bs_sink *s, const bs_emitter *em, const bs_expr *e, const bs_net *net,
                     bs_notation nt)
{
    if (!e) {
        tok(s, em, BS_TOK_UNKNOWN);
        return;
    }
    int fh = em->frac_hdiv;
    switch (e->kind) {
    case BS_X_VAR:
        bs_typeset_name(s, em, e->qty, e->layer, nt, 0, NULL);
        return;
    case BS_X_GRAD:
        bs_typeset_name(s, em, e->qty, e->layer, nt, 1, NULL);
        return;
    case BS_X_ACT:
        tok(s, em, BS_TOK_APPLY_OPEN);
        bs_typeset_act(s, em, net, e->layer, nt, 0);
        tok(s, em, BS_TOK_CALL_OPEN);
        bs_typeset_expr(s, em, e->l, net, nt);
        tok(s, em, BS_TOK_CALL_CLOSE);
        tok(s, em, BS_TOK_APPLY_CLOSE);
        return;
    case BS_X_DACT:
    case BS_X_JACT:
        tok(s, em, BS_TOK_APPLY_OPEN);
        if (e->kind == BS_X_DACT)
            bs_typeset_act(s, em, net, e->layer, nt, 1);
        else
            em->jac(s, net->act[e->layer] ? net->act[e->layer]->name : "?");
        tok(s, em, BS_TOK_CALL_OPEN);
        bs_typeset_name(s, em, BS_Q_Z, e->layer, nt, 0, NULL);
        tok(s, em, BS_TOK_CALL_CLOSE);
        tok(s, em, BS_TOK_APPLY_CLOSE);
        return;
    case BS_X_ONE:
        tok(s, em, BS_TOK_ONE);
        return;
    case BS_X_INVB:
        tok(s, em, BS_TOK_X_INVB);
        return;
    case BS_X_TWOLAMBDA:
        tok(s, em, BS_TOK_X_TWOLAMBDA);
        return;
    case BS_X_T:
        tok(s, em, BS_TOK_T_OPEN);
        group(s, em, e->l, net, nt, 1);
        tok(s, em, BS_TOK_T_CLOSE);
        return;
    case BS_X_NEG:
        tok(s, em, BS_TOK_NEG_OPEN);
        group(s, em, e->l, net, nt, bs_expr_prec(e->l, fh) < 4);
        tok(s, em, BS_TOK_NEG_CLOSE);
        return;
    case BS_X_SUMB:
        tok(s, em, BS_TOK_SUM_OPEN);
        if (e->l && (e->l->kind == BS_X_VAR || e->l->kind == BS_X_GRAD)) {
            bs_typeset_name(s, em, e->l->qty, e->l->layer, nt, e->l->kind == BS_X_GRAD, "i");
        } else {
            tok(s, em, BS_TOK_SUB_OPEN);
            group(s, em, e->l, net, nt, em->sum_group_all || bs_expr_prec(e->l, fh) < 4);
            tok(s, em, BS_TOK_SUB_CLOSE);
        }
        tok(s, em, BS_TOK_SUM_CLOSE);
        return;
    case BS_X_SCALE:
        tok(s, em, BS_TOK_SCALE_OPEN);
        bs_typeset_expr(s, em, e->l, net, nt);
        tok(s, em, BS_TOK_SCALE_OP);
        group(s, em, e->r, net, nt, bs_expr_prec(e->r, fh) < em->scale_paren);
        tok(s, em, BS_TOK_SCALE_CLOSE);
        return;
    case BS_X_HDIV:
        if (fh) {
            tok(s, em, BS_TOK_FRAC_OPEN);
            bs_typeset_expr(s, em, e->l, net, nt);
            tok(s, em, BS_TOK_FRAC_MID);
            bs_typeset_expr(s, em, e->r, net, nt);
            tok(s, em, BS_TOK_FRAC_CLOSE);
            return;
        }
        break;
    default:
        break;
    }
    bs_tok op = BS_TOK_OP_UNKNOWN;
    switch (e->kind) {
    case BS_X_MATMUL: op = BS_TOK_DOT; break;
    case BS_X_HADAMARD: op = BS_TOK_HADAMARD; break;
    case BS_X_HDIV: op = BS_TOK_HDIV; break;
    case BS_X_ADD: op = BS_TOK_PLUS; break;
    case BS_X_SUB: op = BS_TOK_MINUS; break;
    default: break;
    }
    tok(s, em, BS_TOK_BIN_OPEN);
    group(s, em, e->l, net, nt, bs_expr_operand_paren(e, 0, fh));
    tok(s, em, op);
    group(s, em, e->r, net, nt, bs_expr_operand_paren(e, 1, fh));
    tok(s, em, BS_TOK_BIN_CLOSE);
}

/* ---------------------------------------------------------- Unicode text */

/* "a_2[2]", "a_2[2,3]" (example 3), "W_{2,1}[3]", "g_1[3z]", "ŷ_1(3)" */
static void text_elem(bs_sink *s, const bs_elem *x)
{
    if (x->whole) {
        bs_sink_puts(s, x->base);
        if (x->layered && x->letter)
            bs_sink_printf(s, "[%zu%c]", x->layer, x->letter);
        else if (x->layered)
            bs_sink_printf(s, "[%zu]", x->layer);
        if (x->sub)
            bs_sink_printf(s, "_%s", x->sub);
        return;
    }
    if (!x->layered) {
        if (x->ex != BS_NONE)
            bs_sink_printf(s, "%s_%zu(%zu)", x->base, x->unit + 1, x->ex + 1);
        else
            bs_sink_printf(s, "%s_%zu", x->base, x->unit + 1);
        return;
    }
    char inner[32];
    if (x->letter)
        snprintf(inner, sizeof inner, "%zu%c", x->layer, x->letter);
    else
        snprintf(inner, sizeof inner, "%zu", x->layer);
    if (x->matrix)
        bs_sink_printf(s, "%s_{%zu,%zu}[%s]", x->base, x->r + 1, x->c + 1, inner);
    else if (x->ex != BS_NONE)
        bs_sink_printf(s, "%s_%zu[%s,%zu]", x->base, x->unit + 1, inner, x->ex + 1);
    else
        bs_sink_printf(s, "%s_%zu[%s]", x->base, x->unit + 1, inner);
}

static void text_code(bs_sink *s, const char *name, const char *index)
{
    bs_sink_puts(s, name);
    bs_sink_puts(s, index);
}

static void text_jac(bs_sink *s, const char *name)
{
    bs_sink_printf(s, "J_%s", name);
}

/* "g_h", "σ", "sigmoid", with ' for the derivative */
static void text_act(bs_sink *s, const char *base, const char *sub, int code, int prime)
{
    (void)code;
    bs_sink_puts(s, base);
    if (sub)
        bs_sink_printf(s, "_%s", sub);
    if (prime)
        bs_sink_puts(s, "'");
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

static void text_umath(bs_sink *s, const char *text)
{
    bs_sink_puts(s, text ? text : "");
}

/* [1, 2; 3, 4]: rows separated by ";"; of a large matrix the ends
 * (bs_matrix_shown), the rows left out as "⋮", the columns as "…" */
static void text_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int precision)
{
    char b[48];
    size_t ri[BS_MATRIX_MAX_SHOWN + 1], ci[BS_MATRIX_MAX_SHOWN + 1];
    size_t nr = bs_matrix_shown(rows, ri), nc = bs_matrix_shown(cols, ci);
    bs_sink_puts(s, "[");
    for (size_t a = 0; a < nr && nc > 0; a++) {
        if (a)
            bs_sink_puts(s, "; ");
        if (ri[a] == BS_MATRIX_GAP) {
            bs_sink_puts(s, "⋮");
            continue;
        }
        for (size_t c = 0; c < nc; c++) {
            if (c)
                bs_sink_puts(s, ", ");
            if (ci[c] == BS_MATRIX_GAP) {
                bs_sink_puts(s, "…");
                continue;
            }
            bs_fmt_operand(b, sizeof b, v[ri[a] * cols + ci[c]], precision, 0);
            bs_sink_puts(s, b);
        }
    }
    bs_sink_puts(s, "]");
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
        [BS_TOK_APPLY_OPEN] = "",
        [BS_TOK_APPLY_CLOSE] = "",
        [BS_TOK_CALL_OPEN] = "(",
        [BS_TOK_CALL_CLOSE] = ")",
        [BS_TOK_DFRAC_OPEN] = "∂",
        [BS_TOK_DFRAC_MID] = "/∂",
        [BS_TOK_DFRAC_CLOSE] = "",
        [BS_TOK_UNKNOWN] = "?",
        [BS_TOK_ONE] = "1",
        [BS_TOK_X_INVB] = "(1/B)",
        [BS_TOK_X_TWOLAMBDA] = "2λ",
        [BS_TOK_GROUP_OPEN] = "(",
        [BS_TOK_GROUP_CLOSE] = ")",
        [BS_TOK_GROUP_OPEN_BIG] = "(",
        [BS_TOK_GROUP_CLOSE_BIG] = ")",
        [BS_TOK_T_OPEN] = "",
        [BS_TOK_T_CLOSE] = "ᵀ",
        [BS_TOK_NEG_OPEN] = "−",
        [BS_TOK_NEG_CLOSE] = "",
        [BS_TOK_SUM_OPEN] = "Σ_i ",
        [BS_TOK_SUM_CLOSE] = "",
        [BS_TOK_SUB_OPEN] = "",
        [BS_TOK_SUB_CLOSE] = "_i",
        [BS_TOK_SCALE_OPEN] = "",
        [BS_TOK_SCALE_OP] = " ",
        [BS_TOK_SCALE_CLOSE] = "",
        [BS_TOK_FRAC_OPEN] = "(",
        [BS_TOK_FRAC_MID] = ") / (",
        [BS_TOK_FRAC_CLOSE] = ")",
        [BS_TOK_BIN_OPEN] = "",
        [BS_TOK_BIN_CLOSE] = "",
        [BS_TOK_HADAMARD] = " ∘ ",
        [BS_TOK_HDIV] = " ⊘ ",
        [BS_TOK_MINUS] = " − ",
        [BS_TOK_OP_UNKNOWN] = " ? ",
    },
    .elem = text_elem,
    .code = text_code,
    .act = text_act,
    .jac = text_jac,
    .number = text_number,
    .loss = text_loss,
    .equals = text_equals,
    .scale_paren = 3,
    .umath = text_umath,
    .matrix = text_matrix,
};

/* 1 when the piece at i is a lone atom of a fraction's part (the piece after
 * it ends the part), so that text needs no brackets around it */
static int lone_atom(const bs_piece *p, size_t i, size_t n)
{
    if (i + 1 >= n || (p[i + 1].kind != BS_PC_FRAC_MID && p[i + 1].kind != BS_PC_FRAC_CLOSE))
        return 0;
    if (p[i].kind == BS_PC_ELEM)
        return 1;
    if (p[i].kind == BS_PC_NUM)
        return !(p[i].num < 0);
    return p[i].kind == BS_PC_MATH && p[i].math && !strpbrk(p[i].math, " +-/(");
}

void bs_typeset_pieces(bs_sink *s, const bs_emitter *em, const bs_piece *p, size_t n,
                       int precision)
{
    bs_layout lo = {0, {0, 0}, 0};
    int frac = em != &bs_emitter_text; /* text writes a fraction on the line */
    for (size_t i = 0; i < n; i++) {
        const bs_piece *q = &p[i];
        switch (q->kind) {
        case BS_PC_ELEM:
            em->elem(s, &q->elem);
            break;
        case BS_PC_TOK:
            tok(s, em, q->tok);
            break;
        case BS_PC_NUM:
            em->number(s, q->num, precision, q->paren);
            break;
        case BS_PC_MATH:
            em->umath(s, q->math);
            break;
        case BS_PC_ACT:
            em->act(s, q->math, q->sub, 0, q->prime);
            break;
        case BS_PC_EQ:
            em->equals(s, 2, &lo);
            break;
        case BS_PC_MATRIX:
            em->matrix(s, q->vals, q->rows, q->cols, precision);
            break;
        case BS_PC_FRAC_OPEN:
            if (frac)
                bs_sink_puts(s, em->tok[BS_TOK_FRAC_OPEN]);
            else if (!lone_atom(p, i + 1, n))
                bs_sink_puts(s, "(");
            break;
        case BS_PC_FRAC_MID: {
            /* the numerator's last piece, and the denominator's first */
            int lone_top = i >= 2 && p[i - 2].kind == BS_PC_FRAC_OPEN && lone_atom(p, i - 1, n);
            if (frac)
                bs_sink_puts(s, em->tok[BS_TOK_FRAC_MID]);
            else
                bs_sink_printf(s, "%s/%s", lone_top ? " " : ") ",
                               lone_atom(p, i + 1, n) ? " " : " (");
            break;
        }
        case BS_PC_FRAC_CLOSE:
            if (frac)
                bs_sink_puts(s, em->tok[BS_TOK_FRAC_CLOSE]);
            else if (!(i >= 2 && p[i - 2].kind == BS_PC_FRAC_MID && lone_atom(p, i - 1, n)))
                bs_sink_puts(s, ")");
            break;
        }
    }
}

void bs_expansion_text(bs_sink *s, const bs_expansion *e, const bs_net *net,
                       bs_notation nt, int precision)
{
    bs_layout lo = {0, {0, 0}, 1};
    bs_typeset_expansion(s, &bs_emitter_text, e, net, nt, precision, &lo);
}

void bs_factor_text(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt)
{
    bs_typeset_factor(s, &bs_emitter_text, f, net, nt);
}

void bs_expr_text(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt)
{
    bs_typeset_expr(s, &bs_emitter_text, e, net, nt);
}

void bs_dact_text(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt)
{
    const char *d = net->act[layer]->dmath;
    if (!d)
        return;
    for (const char *c = d; *c; c++) {
        if (c[0] == '%' && (c[1] == 'a' || c[1] == 'z')) {
            bs_typeset_name(s, &bs_emitter_text, c[1] == 'a' ? BS_Q_A : BS_Q_Z, layer, nt, 0,
                            NULL);
            c++;
        } else {
            bs_sink_write(s, c, 1);
        }
    }
}
