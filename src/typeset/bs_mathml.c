/* bs_mathml.c — a trace's mathematics as MathML Core, for the HTML page.
 *
 * Formulas, names and expansions are walked by bs_typeset.c; this file is
 * the MathML emitter for that walk (the handouts' superscripts: z^{[2]},
 * g^{[2z]}, W^{[3]}_{2,1}, ∂L/∂z^{[2]} as a fraction, code names in
 * monospace), plus numbers, matrices and the Unicode mathematics of the
 * tables.
 */
#include "bs_mathml.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_fmt.h"
#include "bs_typeset.h"

/* ŷ as an italic y (U+1D466) with a combining circumflex, so that it
 * matches the italic y beside it (a precomposed ŷ stays upright) */
#define YHAT "<mi>\xF0\x9D\x91\xA6\xCC\x82</mi>"

/* ── small writers ─────────────────────────────────────────────────────── */

void bs_text_html(bs_sink *s, const char *text)
{
    if (!text)
        return;
    const char *run = text;
    for (const char *c = text; *c; c++) {
        const char *rep = NULL;
        switch (*c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        default: break;
        }
        if (rep) {
            bs_sink_write(s, run, (size_t)(c - run));
            bs_sink_puts(s, rep);
            run = c + 1;
        }
    }
    bs_sink_puts(s, run);
}

static void tag(bs_sink *s, const char *name, const char *text)
{
    bs_sink_printf(s, "<%s>", name);
    bs_text_html(s, text);
    bs_sink_printf(s, "</%s>", name);
}

static void mi(bs_sink *s, const char *t) { tag(s, "mi", t); }
static void mo(bs_sink *s, const char *t) { tag(s, "mo", t); }

static void mi_code(bs_sink *s, const char *t)
{
    bs_sink_puts(s, "<mi class=\"code\" mathvariant=\"normal\">");
    bs_text_html(s, t);
    bs_sink_puts(s, "</mi>");
}

static void mn_size(bs_sink *s, size_t v) { bs_sink_printf(s, "<mn>%zu</mn>", v); }

/* [2], [2z], [2,3], [2z,3] as the content of a superscript */
static void bracket(bs_sink *s, size_t layer, char letter, size_t ex)
{
    bs_sink_puts(s, "<mrow><mo stretchy=\"false\">[</mo>");
    mn_size(s, layer);
    if (letter)
        bs_sink_printf(s, "<mi>%c</mi>", letter);
    if (ex != BS_NONE) {
        bs_sink_puts(s, "<mo separator=\"true\">,</mo>");
        mn_size(s, ex + 1);
    }
    bs_sink_puts(s, "<mo stretchy=\"false\">]</mo></mrow>");
}

/* base with an optional subscript (MathML, or NULL) and a superscript */
static void scripts(bs_sink *s, const char *base, const char *sub, const char *sup)
{
    if (sub && sup)
        bs_sink_printf(s, "<msubsup>%s%s%s</msubsup>", base, sub, sup);
    else if (sub)
        bs_sink_printf(s, "<msub>%s%s</msub>", base, sub);
    else if (sup)
        bs_sink_printf(s, "<msup>%s%s</msup>", base, sup);
    else
        bs_sink_puts(s, base);
}

/* Runs a writer into a buffer and passes the result on; a failed buffer
 * marks the sink failed. */
static const char *held(bs_sink *s, bs_sink *b)
{
    if (bs_sink_status(b) != 0) {
        s->failed = 1;
        return "";
    }
    return b->buf ? b->buf : "";
}

/* ── names ─────────────────────────────────────────────────────────────── */

static const bs_emitter mathml_emitter;
static void mathml_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int precision);

static void var_name(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    bs_typeset_name(s, &mathml_emitter, q, layer, nt, 0, NULL);
}

static void grad_name(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    bs_typeset_name(s, &mathml_emitter, q, layer, nt, 1, NULL);
}

void bs_name_var_mathml(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    var_name(s, q, layer, nt);
}

void bs_name_grad_mathml(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    grad_name(s, q, layer, nt);
}

/* g_h, g_o (with ′: g_h′), σ, f, or the activation's own name in code */
static void act_name(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt, int prime)
{
    bs_typeset_act(s, &mathml_emitter, net, layer, nt, prime);
}

void bs_dact_name_mathml(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt)
{
    bs_sink_puts(s, "<mrow>");
    act_name(s, net, layer, nt, 1);
    bs_sink_puts(s, "<mrow><mo stretchy=\"false\">(</mo>");
    var_name(s, BS_Q_Z, layer, nt);
    bs_sink_puts(s, "<mo stretchy=\"false\">)</mo></mrow></mrow>");
}

void bs_step_name_mathml(bs_sink *s, const bs_step *st, bs_notation nt)
{
    if (st->kind == BS_STEP_BACKWARD)
        grad_name(s, st->qty, st->layer, nt);
    else
        var_name(s, st->qty, st->layer, nt);
}

/* ── formulas ──────────────────────────────────────────────────────────── */

void bs_expr_mathml(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt)
{
    bs_sink_puts(s, "<mrow>");
    bs_typeset_expr(s, &mathml_emitter, e, net, nt);
    bs_sink_puts(s, "</mrow>");
}

/* ── numbers and matrices ──────────────────────────────────────────────── */

void bs_number_mathml(bs_sink *s, double v, int precision)
{
    if (isnan(v)) {
        bs_sink_puts(s, "<mtext>nan</mtext>");
        return;
    }
    if (isinf(v)) {
        bs_sink_puts(s, v > 0 ? "<mi>∞</mi>" : "<mrow><mo>−</mo><mi>∞</mi></mrow>");
        return;
    }
    char buf[64];
    bs_fmt_num(buf, sizeof buf, v, precision);
    char *e = strchr(buf, 'e');
    const char *mant = buf;
    if (e)
        *e = '\0';
    if (e)
        bs_sink_puts(s, "<mrow>");
    bs_sink_puts(s, "<mn>");
    if (*mant == '-') {
        bs_sink_puts(s, "−");
        mant++;
    }
    bs_sink_puts(s, mant);
    bs_sink_puts(s, "</mn>");
    if (e) {
        const char *x = e + 1;
        int neg = *x == '-';
        if (*x == '-' || *x == '+')
            x++;
        while (x[0] == '0' && x[1])
            x++;
        bs_sink_printf(s, "<mo>×</mo><msup><mn>10</mn><mn>%s%s</mn></msup></mrow>",
                       neg ? "−" : "", x);
    }
}

void bs_matrix_mathml(bs_sink *s, const double *v, const unsigned char *mask,
                      size_t rows, size_t cols, int precision)
{
    if (!v || rows == 0 || cols == 0) {
        bs_sink_puts(s, "<mrow><mo>[</mo><mo>]</mo></mrow>");
        return;
    }
    size_t ri[BS_MATRIX_MAX_SHOWN + 1], ci[BS_MATRIX_MAX_SHOWN + 1];
    size_t nr = bs_matrix_shown(rows, ri), nc = bs_matrix_shown(cols, ci);
    /* wide ones are set smaller (the style sheet says how much) */
    bs_sink_printf(s, "<mrow><mo>[</mo><mtable class=\"matrix%s\">", nc >= 6 ? " wide" : "");
    for (size_t a = 0; a < nr; a++) {
        bs_sink_puts(s, "<mtr>");
        for (size_t b = 0; b < nc; b++) {
            bs_sink_puts(s, "<mtd>");
            if (ri[a] == BS_MATRIX_GAP)
                mo(s, ci[b] == BS_MATRIX_GAP ? "⋱" : "⋮");
            else if (ci[b] == BS_MATRIX_GAP)
                mo(s, "⋯");
            else {
                size_t k = ri[a] * cols + ci[b];
                if (mask && !mask[k])
                    mo(s, "·");
                else
                    bs_number_mathml(s, v[k], precision);
            }
            bs_sink_puts(s, "</mtd>");
        }
        bs_sink_puts(s, "</mtr>");
    }
    bs_sink_puts(s, "</mtable><mo>]</mo></mrow>");
}

/* ── factors and expansions ────────────────────────────────────────────── */

/* the subscript of an element: "2,1" for W, the unit otherwise */
static void elem_sub(bs_sink *s, const bs_elem *x)
{
    if (x->matrix)
        bs_sink_printf(s, "<mrow><mn>%zu</mn><mo separator=\"true\">,</mo><mn>%zu</mn></mrow>",
                       x->r + 1, x->c + 1);
    else
        mn_size(s, x->unit + 1);
}

/* base_{element}^{[layer letter, example]}, or base_{unit}^{(example)}
 * without a layer */
static void mathml_elem(bs_sink *s, const bs_elem *x)
{
    bs_sink base = bs_sink_buffer(), sub = bs_sink_buffer(), sup = bs_sink_buffer();
    if (x->code)
        mi_code(&base, x->base);
    else if (strcmp(x->base, "ŷ") == 0)
        bs_sink_puts(&base, YHAT);
    else
        mi(&base, x->base);
    if (x->whole && x->sub)
        mi(&sub, x->sub);
    else if (!x->whole)
        elem_sub(&sub, x);
    if (x->whole && x->layered)
        bracket(&sup, x->layer, x->letter, BS_NONE);
    else if (x->whole)
        ;
    else if (x->layered)
        bracket(&sup, x->layer, x->letter, x->matrix ? BS_NONE : x->ex);
    else if (x->ex != BS_NONE)
        bs_sink_printf(&sup, "<mrow><mo stretchy=\"false\">(</mo><mn>%zu</mn><mo stretchy=\"false\">)</mo></mrow>",
                       x->ex + 1);
    const char *b = held(s, &base), *a = sub.buf ? held(s, &sub) : NULL,
               *c = sup.buf ? held(s, &sup) : NULL;
    scripts(s, b, a, c);
    bs_sink_free_buffer(&base);
    bs_sink_free_buffer(&sub);
    bs_sink_free_buffer(&sup);
}

static void mathml_code(bs_sink *s, const char *name, const char *index)
{
    bs_sink_puts(s, "<mi class=\"code\" mathvariant=\"normal\">");
    bs_text_html(s, name);
    bs_text_html(s, index);
    bs_sink_puts(s, "</mi>");
}

static void mathml_jac(bs_sink *s, const char *name)
{
    bs_sink_puts(s, "<msub><mi>J</mi><mtext>");
    bs_text_html(s, name);
    bs_sink_puts(s, "</mtext></msub>");
}

/* g_h, σ, f, or a name in the code font; with ′ for the derivative */
static void mathml_act(bs_sink *s, const char *base, const char *sub, int code, int prime)
{
    bs_sink b = bs_sink_buffer(), c = bs_sink_buffer();
    if (code)
        mi_code(&b, base);
    else
        mi(&b, base);
    if (sub)
        mi(&c, sub);
    scripts(s, held(s, &b), sub ? held(s, &c) : NULL, prime ? "<mo>′</mo>" : NULL);
    bs_sink_free_buffer(&b);
    bs_sink_free_buffer(&c);
}

void bs_factor_mathml(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt)
{
    bs_typeset_factor(s, &mathml_emitter, f, net, nt);
}

/* a number, bracketed when negative */
static void num_paren(bs_sink *s, double v, int prec, int paren)
{
    paren = paren && v < 0;
    if (paren)
        bs_sink_puts(s, "<mrow><mo stretchy=\"false\">(</mo>");
    bs_number_mathml(s, v, prec);
    if (paren)
        bs_sink_puts(s, "<mo stretchy=\"false\">)</mo></mrow>");
}

/* Ends the current row of an expansion's table and starts a continuation
 * row, indented under the right-hand side. */
#define ROW_BREAK "</mtd></mtr><mtr><mtd></mtd><mtd><mspace width=\"1.2em\"></mspace>"

/* the loss derivative from its operands (bs_typeset.c walks the rest); ŷ
 * is bracketed wherever it is a negative number */
static void mathml_loss(bs_sink *s, bs_loss_form form, const char *a, const char *ao,
                        const char *b, int scaled)
{
    (void)a;
    (void)scaled;
    switch (form) {
    case BS_FORM_DIFFERENCE:
        bs_sink_printf(s, "<mrow><mo stretchy=\"false\">(</mo>%s<mo>−</mo>%s<mo stretchy=\"false\">)</mo></mrow>", ao, b);
        break;
    case BS_FORM_BCE:
        bs_sink_printf(s, "<mfrac><mrow>%s<mo>−</mo>%s</mrow><mrow>%s<mo>&#x2062;</mo>"
                          "<mrow><mo stretchy=\"false\">(</mo><mn>1</mn><mo>−</mo>%s<mo stretchy=\"false\">)</mo></mrow></mrow></mfrac>",
                       ao, b, ao, ao);
        break;
    default:
        bs_sink_printf(s, "<mrow><mo>−</mo><mfrac>%s%s</mfrac></mrow>", b, ao);
        break;
    }
}

/* an expansion is a row of a table: the element, then the right-hand
 * sides, each on a row of its own when lo->rows */
static void mathml_begin(bs_sink *s, const bs_layout *lo)
{
    bs_sink_puts(s, lo->first ? "<mtr><mtd>" : "<mtr class=\"gap\"><mtd>");
}

static void mathml_equals(bs_sink *s, int which, const bs_layout *lo)
{
    if (which == 0)
        bs_sink_puts(s, "</mtd><mtd>");
    else if (lo->rows)
        bs_sink_puts(s, "</mtd></mtr><mtr><mtd></mtd><mtd>");
    mo(s, "=");
}

static void mathml_end(bs_sink *s, const bs_layout *lo)
{
    (void)lo;
    bs_sink_puts(s, "</mtd></mtr>");
}

static const bs_emitter mathml_emitter = {
    .tok = {
        [BS_TOK_PLUS] = "<mo>+</mo>",
        [BS_TOK_BREAK] = ROW_BREAK,
        [BS_TOK_ELLIPSIS] = "<mo>…</mo>",
        [BS_TOK_DOT] = "<mo>⋅</mo>",
        [BS_TOK_TIMES] = "<mo>×</mo>",
        [BS_TOK_TWO_LAMBDA] = "<mn>2</mn><mi>λ</mi><mo>⋅</mo>",
        [BS_TOK_INV_B] = "<mfrac><mn>1</mn><mi>B</mi></mfrac><mo>⋅</mo>",
        [BS_TOK_GRAD_OPEN] = "<mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi>",
        [BS_TOK_GRAD_CLOSE] = "</mrow></mfrac>",
        [BS_TOK_ZERO] = "<mn>0</mn>",
        [BS_TOK_APPLY_OPEN] = "<mrow>",
        [BS_TOK_APPLY_CLOSE] = "</mrow>",
        [BS_TOK_CALL_OPEN] = "<mrow><mo stretchy=\"false\">(</mo>",
        [BS_TOK_CALL_CLOSE] = "<mo stretchy=\"false\">)</mo></mrow>",
        [BS_TOK_DFRAC_OPEN] = "<mfrac><mrow><mi>∂</mi>",
        [BS_TOK_DFRAC_MID] = "</mrow><mrow><mi>∂</mi>",
        [BS_TOK_DFRAC_CLOSE] = "</mrow></mfrac>",
        [BS_TOK_UNKNOWN] = "<mi>?</mi>",
        [BS_TOK_ONE] = "<mn>1</mn>",
        [BS_TOK_X_INVB] = "<mfrac><mn>1</mn><mi>B</mi></mfrac>",
        [BS_TOK_X_TWOLAMBDA] = "<mrow><mn>2</mn><mi>λ</mi></mrow>",
        [BS_TOK_GROUP_OPEN] = "<mrow><mo stretchy=\"false\">(</mo>",
        [BS_TOK_GROUP_CLOSE] = "<mo stretchy=\"false\">)</mo></mrow>",
        [BS_TOK_GROUP_OPEN_BIG] = "<mrow><mo>(</mo>",
        [BS_TOK_GROUP_CLOSE_BIG] = "<mo>)</mo></mrow>",
        [BS_TOK_T_OPEN] = "<msup>",
        [BS_TOK_T_CLOSE] = "<mi>T</mi></msup>",
        [BS_TOK_NEG_OPEN] = "<mrow><mo>−</mo>",
        [BS_TOK_NEG_CLOSE] = "</mrow>",
        [BS_TOK_SUM_OPEN] = "<mrow><msub><mo>∑</mo><mi>i</mi></msub>",
        [BS_TOK_SUM_CLOSE] = "</mrow>",
        [BS_TOK_SUB_OPEN] = "<msub>",
        [BS_TOK_SUB_CLOSE] = "<mi>i</mi></msub>",
        [BS_TOK_SCALE_OPEN] = "<mrow>",
        [BS_TOK_SCALE_OP] = "<mo>&#x2062;</mo>",
        [BS_TOK_SCALE_CLOSE] = "</mrow>",
        [BS_TOK_FRAC_OPEN] = "<mfrac><mrow>",
        [BS_TOK_FRAC_MID] = "</mrow><mrow>",
        [BS_TOK_FRAC_CLOSE] = "</mrow></mfrac>",
        [BS_TOK_BIN_OPEN] = "<mrow>",
        [BS_TOK_BIN_CLOSE] = "</mrow>",
        [BS_TOK_HADAMARD] = "<mo>∘</mo>",
        [BS_TOK_HDIV] = "<mo>⊘</mo>",
        [BS_TOK_MINUS] = "<mo>−</mo>",
        [BS_TOK_OP_UNKNOWN] = "<mo>?</mo>",
    },
    .elem = mathml_elem,
    .code = mathml_code,
    .act = mathml_act,
    .jac = mathml_jac,
    .number = num_paren,
    .loss = mathml_loss,
    .equals = mathml_equals,
    .begin = mathml_begin,
    .end = mathml_end,
    .scale_paren = 3,
    .sum_group_all = 1,
    .umath = bs_umath_mathml,
    .matrix = mathml_matrix,
};

const bs_emitter *bs_emitter_mathml(void)
{
    return &mathml_emitter;
}

void bs_expansion_rows_mathml(bs_sink *s, const bs_expansion *e, const bs_net *net,
                              bs_notation nt, int precision, int first)
{
    /* short ones on one line, long ones on three, aligned on their = signs */
    size_t factors = 0;
    for (size_t k = 0; k < e->nterms; k++)
        factors += e->terms[k].n;
    int fraction = e->kind == BS_EXP_LOSS &&
                   bs_expansion_loss_form(e, net) != BS_FORM_DIFFERENCE;
    int one_line = !e->show_scale &&
                   (bs_expansion_trivial(e) ||
                    (e->kind == BS_EXP_SUM && factors <= 2 && !e->has_l2) ||
                    (e->kind != BS_EXP_SUM && !fraction));
    bs_layout lo = {!one_line, {one_line ? 0 : 5, one_line ? 0 : 3}, first};
    bs_typeset_expansion(s, &mathml_emitter, e, net, nt, precision, &lo);
}

void bs_expansion_mathml(bs_sink *s, const bs_expansion *e, const bs_net *net,
                         bs_notation nt, int precision)
{
    bs_sink_puts(s, "<mtable class=\"eqn\">");
    bs_expansion_rows_mathml(s, e, net, nt, precision, 1);
    bs_sink_puts(s, "</mtable>");
}

/* ── the Unicode mathematics of the tables ─────────────────────────────── */

typedef struct umath_ctx {
    const bs_net *net; /* for %a and %z, or NULL */
    size_t layer;
    bs_notation nt;
} umath_ctx;

static unsigned long decode(const char *p, size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    size_t n = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3
               : (u[0] & 0xF8) == 0xF0 ? 4 : 1;
    unsigned long c = n == 2 ? u[0] & 0x1Fu : n == 3 ? u[0] & 0x0Fu : u[0] & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *len = i;
            return 0xFFFD;
        }
        c = (c << 6) | (u[i] & 0x3Fu);
    }
    *len = n;
    return c;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void umath_seq(bs_sink *s, const char **p, const umath_ctx *cx, char close);

/* Reads one atom at *p and writes it to s; returns 0 at the end.  A
 * bracketed group is one atom, an <mrow> with its fences first and last. */
static int token(const char **p, bs_sink *s, const umath_ctx *cx, int first)
{
    const char *c = *p;
    while (*c == ' ')
        c++;
    if (!*c) {
        *p = c;
        return 0;
    }
    if (*c == '(' || *c == '[') {
        char close = *c == '(' ? ')' : ']';
        bs_sink_printf(s, "<mrow><mo stretchy=\"false\">%c</mo>", *c);
        *p = c + 1;
        umath_seq(s, p, cx, close);
        if (**p == close) {
            bs_sink_printf(s, "<mo stretchy=\"false\">%c</mo>", close);
            (*p)++;
        }
        bs_sink_puts(s, "</mrow>");
        return 1;
    }
    if (c[0] == '%' && (c[1] == 'a' || c[1] == 'z') && cx && cx->net) {
        var_name(s, c[1] == 'a' ? BS_Q_A : BS_Q_Z, cx->layer, cx->nt);
        *p = c + 2;
        return 1;
    }
    if (is_alpha(*c)) {
        const char *e = c;
        while (is_alpha(*e))
            e++;
        bs_sink_puts(s, "<mi>");
        bs_sink_write(s, c, (size_t)(e - c));
        bs_sink_puts(s, "</mi>");
        if (e - c > 1 && *e == ' ')
            bs_sink_puts(s, "<mspace width=\"0.17em\"></mspace>");
        *p = e;
        return 1;
    }
    if (is_digit(*c)) {
        const char *e = c;
        while (is_digit(*e) || (*e == '.' && is_digit(e[1])))
            e++;
        bs_sink_puts(s, "<mn>");
        bs_sink_write(s, c, (size_t)(e - c));
        bs_sink_puts(s, "</mn>");
        *p = e;
        return 1;
    }
    size_t len;
    unsigned long u = decode(c, &len);
    *p = c + len;
    if (u == 0xBD) { /* ½ */
        bs_sink_puts(s, "<mfrac><mn>1</mn><mn>2</mn></mfrac>");
    } else if (u == 0x3A3 || u == 0x2211) { /* Σ */
        bs_sink_puts(s, "<mo>∑</mo>");
    } else if (u == 0x177) { /* ŷ */
        bs_sink_puts(s, YHAT);
    } else if ((u >= 0x391 && u <= 0x3C9) || (u >= 0xC0 && u <= 0x24F && u != 0xD7 &&
                                               u != 0xF7) ||
               u == 0x2202 || u == 0x2113) {
        bs_sink_puts(s, "<mi>");
        bs_sink_write(s, c, len);
        bs_sink_puts(s, "</mi>");
    } else if (u == 0x2212 && first) { /* a leading minus is a sign */
        bs_sink_puts(s, "<mo form=\"prefix\">−</mo>");
    } else if (u == 0xFFFD || u < 0x20) {
        bs_sink_puts(s, "<mo>?</mo>");
    } else {
        char ch[8];
        memcpy(ch, c, len);
        ch[len] = '\0';
        mo(s, ch);
    }
    return 1;
}

/* A sequence of atoms up to `close` (not consumed) or the end; an atom
 * followed by _x takes x as its subscript, by ² the exponent 2. */
static void umath_seq(bs_sink *s, const char **p, const umath_ctx *cx, char close)
{
    bs_sink atom = bs_sink_buffer();
    int have = 0, count = 0;
    for (;;) {
        while (**p == ' ')
            (*p)++;
        if (!**p || (close && **p == close))
            break;
        if (have && **p == '_') {
            (*p)++;
            bs_sink sub = bs_sink_buffer(), w = bs_sink_buffer();
            if (!token(p, &sub, cx, 1))
                bs_sink_puts(&sub, "<mrow></mrow>");
            bs_sink_printf(&w, "<msub>%s%s</msub>", held(s, &atom), held(s, &sub));
            bs_sink_free_buffer(&atom);
            bs_sink_free_buffer(&sub);
            atom = w;
            continue;
        }
        if (have && strncmp(*p, "²", strlen("²")) == 0) {
            *p += strlen("²");
            bs_sink w = bs_sink_buffer();
            bs_sink_printf(&w, "<msup>%s<mn>2</mn></msup>", held(s, &atom));
            bs_sink_free_buffer(&atom);
            atom = w;
            continue;
        }
        if (have)
            bs_sink_puts(s, held(s, &atom));
        bs_sink_free_buffer(&atom);
        atom = bs_sink_buffer();
        have = token(p, &atom, cx, count++ == 0);
    }
    if (have)
        bs_sink_puts(s, held(s, &atom));
    bs_sink_free_buffer(&atom);
}

static void umath(bs_sink *s, const char *text, const umath_ctx *cx)
{
    const char *p = text ? text : "";
    bs_sink_puts(s, "<mrow>");
    umath_seq(s, &p, cx, 0);
    bs_sink_puts(s, "</mrow>");
}

void bs_umath_mathml(bs_sink *s, const char *text)
{
    umath(s, text, NULL);
}

static void mathml_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int precision)
{
    bs_matrix_mathml(s, v, NULL, rows, cols, precision);
}

void bs_dact_mathml(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt)
{
    const char *d = net->act[layer]->dmath;
    if (!d)
        return;
    umath_ctx cx = {net, layer, nt};
    umath(s, d, &cx);
}
