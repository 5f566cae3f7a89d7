/* bs_latex.c — typesetting a trace's mathematics as LaTeX.
 *
 * Formulas (bs_formula.h), names and the expansions of bs_terms.h are
 * walked by bs_typeset.c; this file is the LaTeX emitter for that walk, in
 * the same three notations as the Unicode one.  Prose (notes, explanations, spec
 * descriptions) goes through a small tokenizer that finds the runs of
 * mathematics in it — Unicode symbols, subscripts, layer brackets, single
 * letters — and sets them as inline math, so that every output is plain
 * ASCII LaTeX that pdflatex and MathJax accept.
 */
#include "bs_latex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_fmt.h"
#include "bs_typeset.h"

/* ------------------------------------------------------------------ names */

/* a string in \mathtt{} or \mathrm{}: only letters, digits and _ expected */
static void tt(bs_sink *s, const char *font, const char *name)
{
    bs_sink_printf(s, "\\%s{", font);
    for (const char *c = name; *c; c++) {
        if (*c == '_')
            bs_sink_puts(s, "\\_");
        else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                 (*c >= '0' && *c <= '9') || *c == '.' || *c == '-')
            bs_sink_write(s, c, 1);
    }
    bs_sink_puts(s, "}");
}

static const bs_emitter latex_emitter;
static void latex_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int precision);

/* a forward quantity: z^{[2]}, x, \hat{y}, \mathtt{z2} */
static void var_name(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    bs_typeset_name(s, &latex_emitter, q, layer, nt, 0, NULL);
}

/* the gradient of L with respect to a quantity: g^{[2z]}, \frac{…}{…}, \mathtt{dz2} */
static void grad_name(bs_sink *s, bs_qty q, size_t layer, bs_notation nt)
{
    bs_typeset_name(s, &latex_emitter, q, layer, nt, 1, NULL);
}

void bs_step_name_latex(bs_sink *s, const bs_step *st, bs_notation nt)
{
    if (st->kind == BS_STEP_BACKWARD)
        grad_name(s, st->qty, st->layer, nt);
    else
        var_name(s, st->qty, st->layer, nt);
}

void bs_element_latex(bs_sink *s, const bs_step *st, size_t r, size_t c, bs_notation nt)
{
    if (nt == BS_NOTATION_CODE) {
        bs_step_name_latex(s, st, nt);
        bs_sink_printf(s, "[%zu,%zu]", r + 1, c + 1);
        return;
    }
    if (st->kind == BS_STEP_BACKWARD && nt == BS_NOTATION_PARTIAL) {
        bs_sink_printf(s, "(\\partial L/\\partial %c^{[%zu]})_{%zu,%zu}",
                       bs_qty_letter(st->qty), st->layer, r + 1, c + 1);
        return;
    }
    bs_step_name_latex(s, st, nt);
    bs_sink_printf(s, "_{%zu,%zu}", r + 1, c + 1);
}

/* ---------------------------------------------------------------- numbers */

void bs_number_latex(bs_sink *s, double v, int precision)
{
    if (isnan(v)) {
        bs_sink_puts(s, "\\mathrm{NaN}");
        return;
    }
    if (isinf(v)) {
        bs_sink_puts(s, v > 0 ? "\\infty" : "-\\infty");
        return;
    }
    char b[48];
    bs_fmt_num(b, sizeof b, v, precision);
    char *e = strchr(b, 'e');
    if (!e) {
        bs_sink_puts(s, b);
        return;
    }
    *e = '\0';
    int ex = atoi(e + 1);
    if (strcmp(b, "1") == 0)
        bs_sink_printf(s, "10^{%d}", ex);
    else if (strcmp(b, "-1") == 0)
        bs_sink_printf(s, "-10^{%d}", ex);
    else
        bs_sink_printf(s, "%s \\times 10^{%d}", b, ex);
}

/* a value inside a product or difference: negative ones in parentheses */
static void number_op(bs_sink *s, double v, int precision, int paren_negative)
{
    int neg = paren_negative && (v < 0 || (isinf(v) && v < 0));
    if (neg)
        bs_sink_puts(s, "(");
    bs_number_latex(s, v, precision);
    if (neg)
        bs_sink_puts(s, ")");
}

/* --------------------------------------------------------------- matrices */

/* a rows×cols display of v; transposed: v is stored cols×rows, row-major */
static void matrix(bs_sink *s, const double *v, const unsigned char *mask, size_t rows,
                   size_t cols, int transposed, int precision)
{
    size_t ri[BS_MATRIX_MAX_SHOWN + 1], ci[BS_MATRIX_MAX_SHOWN + 1];
    size_t nr = bs_matrix_shown(rows, ri), nc = bs_matrix_shown(cols, ci);
    bs_sink_puts(s, "\\begin{bmatrix} ");
    for (size_t a = 0; a < nr; a++) {
        if (a > 0)
            bs_sink_puts(s, " \\\\ ");
        for (size_t b = 0; b < nc; b++) {
            if (b > 0)
                bs_sink_puts(s, " & ");
            if (ri[a] == BS_MATRIX_GAP) {
                bs_sink_puts(s, ci[b] == BS_MATRIX_GAP ? "\\ddots" : "\\vdots");
            } else if (ci[b] == BS_MATRIX_GAP) {
                bs_sink_puts(s, "\\cdots");
            } else {
                size_t k = transposed ? ci[b] * rows + ri[a] : ri[a] * cols + ci[b];
                if (mask && !mask[k])
                    bs_sink_puts(s, "\\cdot");
                else
                    bs_number_latex(s, v[k], precision);
            }
        }
    }
    bs_sink_puts(s, " \\end{bmatrix}");
}

/* the width of a number as typeset, in widths of a digit */
static double number_width(double v, int precision)
{
    if (isnan(v))
        return 2.6;
    if (isinf(v))
        return v > 0 ? 1.8 : 3.4;
    char b[48];
    bs_fmt_num(b, sizeof b, v, precision);
    double w = 0;
    const char *e = strchr(b, 'e');
    for (const char *c = b; *c && c != e; c++)
        w += *c == '-' ? 1.6 : *c == '.' ? 0.6 : 1.0;
    if (e)
        w += 3.0 + 2.0 + 0.9 * (double)strlen(e + 1);
    return w;
}

double bs_matrix_latex_width(const double *v, size_t rows, size_t cols, int transposed,
                             int precision)
{
    if (transposed) { /* shown cols×rows */
        size_t tmp = rows;
        rows = cols;
        cols = tmp;
    }
    size_t ri[BS_MATRIX_MAX_SHOWN + 1], ci[BS_MATRIX_MAX_SHOWN + 1];
    size_t nr = bs_matrix_shown(rows, ri), nc = bs_matrix_shown(cols, ci);
    double total = 0;
    for (size_t b = 0; b < nc; b++) {
        double w = 1.0; /* \cdots, \vdots */
        for (size_t a = 0; a < nr && ci[b] != BS_MATRIX_GAP; a++) {
            if (ri[a] == BS_MATRIX_GAP)
                continue;
            size_t k = transposed ? ci[b] * rows + ri[a] : ri[a] * cols + ci[b];
            double cw = number_width(v[k], precision);
            if (cw > w)
                w = cw;
        }
        total += w + 1.8; /* and the space between columns */
    }
    return total + 2.0; /* the brackets */
}

void bs_matrix_latex(bs_sink *s, const double *v, const unsigned char *mask, size_t rows,
                     size_t cols, int precision)
{
    matrix(s, v, mask, rows, cols, 0, precision);
}

static void latex_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int precision)
{
    matrix(s, v, NULL, rows, cols, 0, precision);
}

void bs_matrix_latex_transposed(bs_sink *s, const double *v, size_t rows, size_t cols,
                                int precision)
{
    matrix(s, v, NULL, cols, rows, 1, precision);
}

/* --------------------------------------------------------------- formulas */

void bs_expr_latex(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt)
{
    bs_typeset_expr(s, &latex_emitter, e, net, nt);
}

int bs_expr_has_hdiv(const bs_expr *e)
{
    if (!e)
        return 0;
    return e->kind == BS_X_HDIV || bs_expr_has_hdiv(e->l) || bs_expr_has_hdiv(e->r);
}

/* ---------------------------------------------------------------- factors */

/* Unicode symbols of the walk in LaTeX */
static const char *latex_ident(const char *base)
{
    if (strcmp(base, "ŷ") == 0)
        return "\\hat{y}";
    if (strcmp(base, "σ") == 0)
        return "\\sigma";
    return base;
}

/* base^{[inner](i)}_{j} or base^{[inner]}_{p,q} */
static void latex_elem(bs_sink *s, const bs_elem *x)
{
    if (x->whole) {
        if (x->code)
            tt(s, "mathtt", x->base);
        else
            bs_sink_puts(s, latex_ident(x->base));
        if (x->layered && x->letter)
            bs_sink_printf(s, "^{[%zu%c]}", x->layer, x->letter);
        else if (x->layered)
            bs_sink_printf(s, "^{[%zu]}", x->layer);
        if (x->sub)
            bs_sink_printf(s, "_{%s}", x->sub);
        return;
    }
    bs_sink_puts(s, latex_ident(x->base));
    if (x->layered || x->ex != BS_NONE) {
        bs_sink_puts(s, "^{");
        if (x->layered && x->letter)
            bs_sink_printf(s, "[%zu%c]", x->layer, x->letter);
        else if (x->layered)
            bs_sink_printf(s, "[%zu]", x->layer);
        if (x->ex != BS_NONE && !x->matrix)
            bs_sink_printf(s, "(%zu)", x->ex + 1);
        bs_sink_puts(s, "}");
    }
    if (x->matrix)
        bs_sink_printf(s, "_{%zu,%zu}", x->r + 1, x->c + 1);
    else
        bs_sink_printf(s, "_{%zu}", x->unit + 1);
}

static void latex_code(bs_sink *s, const char *name, const char *index)
{
    tt(s, "mathtt", name);
    bs_sink_puts(s, index);
}

static void latex_jac(bs_sink *s, const char *name)
{
    bs_sink_puts(s, "J_{");
    tt(s, "mathrm", name);
    bs_sink_puts(s, "}");
}

/* g_{h}, \sigma, \mathtt{sigmoid}, with ' for the derivative */
static void latex_act(bs_sink *s, const char *base, const char *sub, int code, int prime)
{
    if (code)
        tt(s, "mathtt", base);
    else
        bs_sink_puts(s, latex_ident(base));
    if (sub)
        bs_sink_printf(s, "_{%s}", sub);
    if (prime)
        bs_sink_puts(s, "'");
}

void bs_factor_latex(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt)
{
    bs_typeset_factor(s, &latex_emitter, f, net, nt);
}

/* ------------------------------------------------------------- expansions */

/* the loss derivative from its operands (bs_typeset.c walks the rest) */
static void latex_loss(bs_sink *s, bs_loss_form form, const char *a, const char *ao,
                       const char *b, int scaled)
{
    switch (form) {
    case BS_FORM_DIFFERENCE:
        bs_sink_printf(s, scaled ? "(%s - %s)" : "%s - %s", a, b);
        break;
    case BS_FORM_BCE:
        bs_sink_printf(s, "\\frac{%s - %s}{%s\\,(1 - %s)}", a, b, a, ao);
        break;
    default:
        bs_sink_printf(s, "%s-\\frac{%s}{%s}%s", scaled ? "\\left(" : "", b, a,
                       scaled ? "\\right)" : "");
        break;
    }
}

/* in an aligned layout the symbols and the numbers start rows aligned on & */
static void latex_equals(bs_sink *s, int which, const bs_layout *lo)
{
    if (lo->rows && which == 0)
        bs_sink_puts(s, " &= ");
    else if (lo->rows && which == 1)
        bs_sink_puts(s, " \\\\ &= ");
    else
        bs_sink_puts(s, " = ");
}

static const bs_emitter latex_emitter = {
    .tok = {
        [BS_TOK_PLUS] = " + ",
        [BS_TOK_BREAK] = " \\\\ &\\quad",
        [BS_TOK_ELLIPSIS] = "\\cdots",
        [BS_TOK_DOT] = " \\cdot ",
        [BS_TOK_TIMES] = " \\times ",
        [BS_TOK_TWO_LAMBDA] = "2\\lambda \\cdot ",
        [BS_TOK_INV_B] = "\\frac{1}{B} \\cdot ",
        [BS_TOK_GRAD_OPEN] = "\\frac{\\partial L}{\\partial ",
        [BS_TOK_GRAD_CLOSE] = "}",
        [BS_TOK_ZERO] = "0",
        [BS_TOK_APPLY_OPEN] = "",
        [BS_TOK_APPLY_CLOSE] = "",
        [BS_TOK_CALL_OPEN] = "(",
        [BS_TOK_CALL_CLOSE] = ")",
        [BS_TOK_DFRAC_OPEN] = "\\frac{\\partial ",
        [BS_TOK_DFRAC_MID] = "}{\\partial ",
        [BS_TOK_DFRAC_CLOSE] = "}",
        [BS_TOK_UNKNOWN] = "?",
        [BS_TOK_ONE] = "1",
        [BS_TOK_X_INVB] = "\\frac{1}{B}",
        [BS_TOK_X_TWOLAMBDA] = "2\\lambda",
        [BS_TOK_GROUP_OPEN] = "(",
        [BS_TOK_GROUP_CLOSE] = ")",
        [BS_TOK_GROUP_OPEN_BIG] = "\\left(",
        [BS_TOK_GROUP_CLOSE_BIG] = "\\right)",
        [BS_TOK_T_OPEN] = "",
        [BS_TOK_T_CLOSE] = "^{\\top}",
        [BS_TOK_NEG_OPEN] = "-",
        [BS_TOK_NEG_CLOSE] = "",
        [BS_TOK_SUM_OPEN] = "\\sum_{i} ",
        [BS_TOK_SUM_CLOSE] = "",
        [BS_TOK_SUB_OPEN] = "",
        [BS_TOK_SUB_CLOSE] = "_{i}",
        [BS_TOK_SCALE_OPEN] = "",
        [BS_TOK_SCALE_OP] = "\\, ",
        [BS_TOK_SCALE_CLOSE] = "",
        [BS_TOK_FRAC_OPEN] = "\\frac{",
        [BS_TOK_FRAC_MID] = "}{",
        [BS_TOK_FRAC_CLOSE] = "}",
        [BS_TOK_BIN_OPEN] = "",
        [BS_TOK_BIN_CLOSE] = "",
        [BS_TOK_HADAMARD] = " \\circ ",
        [BS_TOK_HDIV] = " \\oslash ",
        [BS_TOK_MINUS] = " - ",
        [BS_TOK_OP_UNKNOWN] = " ? ",
    },
    .elem = latex_elem,
    .code = latex_code,
    .act = latex_act,
    .jac = latex_jac,
    .number = number_op,
    .loss = latex_loss,
    .equals = latex_equals,
    .self_partial = 1,
    .empty_zero = 1,
    .frac_hdiv = 1,
    .scale_paren = 4,
    .sum_group_all = 1,
    .umath = bs_unimath_latex,
    .matrix = latex_matrix,
};

const bs_emitter *bs_emitter_latex(void)
{
    return &latex_emitter;
}

void bs_expansion_latex(bs_sink *s, const bs_expansion *e, const bs_net *net, bs_notation nt,
                        int precision)
{
    bs_layout lo = {0, {0, 0}, 1};
    bs_typeset_expansion(s, &latex_emitter, e, net, nt, precision, &lo);
}

void bs_expansion_latex_aligned(bs_sink *s, const bs_expansion *e, const bs_net *net,
                                bs_notation nt, int precision, size_t per_line)
{
    bs_layout lo = {1, {per_line, per_line}, 1};
    bs_typeset_expansion(s, &latex_emitter, e, net, nt, precision, &lo);
}

/* ------------------------------------------------------- Unicode and prose */

typedef struct umap {
    unsigned cp;
    const char *tex;
    int script; /* 1: a superscript (ᵀ ² ′), 2: takes the next atom as argument (∛) */
} umap;

/* Unicode mathematics and its math-mode LaTeX (amsmath, amssymb, MathJax) */
static const umap math_map[] = {
    {0x0177, "\\hat{y}", 0},     {0x0176, "\\hat{Y}", 0},    {0x2218, "\\circ", 0},
    {0x03A3, "\\sum", 0},        {0x2211, "\\sum", 0},       {0x220F, "\\prod", 0},
    {0x03BB, "\\lambda", 0},     {0x2202, "\\partial", 0},   {0x1D40, "^{\\top}", 1},
    {0x2212, "-", 0},            {0x00B7, "\\cdot", 0},      {0x22C5, "\\cdot", 0},
    {0x2219, "\\cdot", 0},       {0x2298, "\\oslash", 0},    {0x2297, "\\otimes", 0},
    {0x2299, "\\odot", 0},       {0x03B4, "\\delta", 0},     {0x2016, "\\Vert", 0},
    {0x2264, "\\le", 0},         {0x2265, "\\ge", 0},        {0x2260, "\\neq", 0},
    {0x2261, "\\equiv", 0},      {0x2248, "\\approx", 0},    {0x03B5, "\\varepsilon", 0},
    {0x00D7, "\\times", 0},      {0x2026, "\\ldots", 0},     {0x22EF, "\\cdots", 0},
    {0x22EE, "\\vdots", 0},      {0x22F1, "\\ddots", 0},     {0x221B, "\\sqrt[3]", 2},
    {0x221A, "\\sqrt", 2},       {0x2032, "'", 1},           {0x00B2, "^{2}", 1},
    {0x00B3, "^{3}", 1},         {0x00B9, "^{1}", 1},        {0x207B, "^{-}", 1},
    {0x00BD, "\\tfrac{1}{2}", 0}, {0x03C3, "\\sigma", 0},    {0x2113, "\\ell", 0},
    {0x2112, "\\mathcal{L}", 0}, {0x221E, "\\infty", 0},     {0x2192, "\\to", 0},
    {0x21D2, "\\Rightarrow", 0}, {0x2208, "\\in", 0},        {0x2200, "\\forall", 0},
    {0x211D, "\\mathbb{R}", 0},  {0x2207, "\\nabla", 0},     {0x00B1, "\\pm", 0},
    {0x2713, "\\checkmark", 0},  {0x2717, "\\times", 0},     {0x03B1, "\\alpha", 0},
    {0x03B2, "\\beta", 0},       {0x03B3, "\\gamma", 0},     {0x03B7, "\\eta", 0},
    {0x03B8, "\\theta", 0},      {0x03BC, "\\mu", 0},        {0x03C0, "\\pi", 0},
    {0x03C4, "\\tau", 0},        {0x03C6, "\\phi", 0},       {0x03C9, "\\omega", 0},
    {0x0394, "\\Delta", 0},      {0x00B0, "^{\\circ}", 1},   {0x2223, "\\mid", 0},
};

/* Unicode that belongs to the prose, in text-mode LaTeX */
static const umap text_map[] = {
    {0x2014, "---", 0},  {0x2013, "--", 0},      {0x2018, "`", 0},      {0x2019, "'", 0},
    {0x201C, "``", 0},   {0x201D, "''", 0},      {0x00A0, "~", 0},      {0x00E9, "\\'e", 0},
    {0x00E8, "\\`e", 0}, {0x00EA, "\\^e", 0},    {0x00E0, "\\`a", 0},   {0x00E2, "\\^a", 0},
    {0x00E4, "\\\"a", 0}, {0x00F6, "\\\"o", 0},  {0x00FC, "\\\"u", 0},  {0x00C4, "\\\"A", 0},
    {0x00D6, "\\\"O", 0}, {0x00DC, "\\\"U", 0},  {0x00DF, "\\ss{}", 0}, {0x00E7, "\\c{c}", 0},
    {0x00F1, "\\~n", 0}, {0x00C9, "\\'E", 0},    {0x00ED, "\\'i", 0},   {0x00F3, "\\'o", 0},
    {0x00E1, "\\'a", 0}, {0x00FA, "\\'u", 0},    {0x2022, "\\textbullet{}", 0},
};

static const umap *find_map(const umap *m, size_t n, unsigned cp)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].cp == cp)
            return &m[i];
    return NULL;
}

/* decodes one UTF-8 character; returns its length (1 for an invalid byte,
 * with *cp = 0xFFFD) */
static size_t utf8(const char *p, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n = u[0] >= 0xF0 && u[0] < 0xF8 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned v = u[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    *cp = v;
    return n;
}

enum tkind {
    K_WORD,  /* ASCII letters, then letters and digits (and 's after a long word) */
    K_NUM,   /* 12, 0.5, 2.3e-10 */
    K_SPACE,
    K_PUNCT, /* one ASCII character */
    K_PRIME, /* ' after a symbol: f'(z) */
    K_UMATH, /* a Unicode mathematical symbol */
    K_UTEXT, /* other Unicode: prose */
    K_SUB,   /* _x or _{…}: inner is the index */
    K_SUP,   /* ^x or ^{…} */
    K_LAYER  /* [n−1] right after a symbol: a layer index, set as ^{[…]} */
};

typedef struct tok {
    enum tkind kind;
    const char *p;
    size_t n;
    const char *in; /* K_SUB, K_SUP, K_LAYER: the inside */
    size_t in_n;
    const umap *map; /* K_UMATH, K_UTEXT: the mapping, or NULL (unknown) */
} tok;

typedef struct toks {
    tok *t;
    size_t n, cap;
    int failed;
} toks;

static void push(toks *ts, tok t)
{
    if (ts->failed)
        return;
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 64;
        tok *nt = realloc(ts->t, cap * sizeof *nt);
        if (!nt) {
            ts->failed = 1;
            return;
        }
        ts->t = nt;
        ts->cap = cap;
    }
    ts->t[ts->n++] = t;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static const char *function_tex(const char *p, size_t n);

/* a token after which ' is a prime and [ a layer index */
static int symbolic(const toks *ts)
{
    if (ts->n == 0)
        return 0;
    const tok *t = &ts->t[ts->n - 1];
    if (t->kind == K_WORD)
        return t->n == 1 || function_tex(t->p, t->n) != NULL;
    if (t->kind == K_SUB || t->kind == K_LAYER || t->kind == K_PRIME)
        return 1;
    if (t->kind == K_UMATH && t->map) {
        unsigned cp = t->map->cp; /* letters: ŷ, Greek, ℓ, ℒ */
        return cp == 0x0177 || cp == 0x0176 || (cp >= 0x0391 && cp <= 0x03C9) ||
               cp == 0x2113 || cp == 0x2112;
    }
    if (t->kind == K_PUNCT)
        return t->p[0] == ')';
    return 0;
}

/* the end of a braced group starting at p (which is '{'), or NULL */
static const char *group_end(const char *p)
{
    int depth = 0;
    for (const char *c = p; *c; c++) {
        if (*c == '{')
            depth++;
        else if (*c == '}' && --depth == 0)
            return c;
    }
    return NULL;
}

static void tokenize(const char *text, toks *ts)
{
    const char *p = text;
    while (*p && !ts->failed) {
        tok t;
        memset(&t, 0, sizeof t);
        t.p = p;
        unsigned cp;
        char c = *p;
        if (is_alpha(c)) {
            const char *q = p;
            while (is_alpha(*q))
                q++;
            while (is_alnum(*q))
                q++;
            /* leaky_relu, cross_entropy: one word; dz2_q: a name and its
             * element's index */
            while (q - p >= 2 && q[0] == '_' && is_alnum(q[1]) && is_alnum(q[2])) {
                q++;
                while (is_alnum(*q))
                    q++;
            }
            if (q - p >= 2 && q[0] == '\'' && is_alpha(q[1])) {
                q++;
                while (is_alpha(*q))
                    q++;
            }
            t.kind = K_WORD;
            t.n = (size_t)(q - p);
        } else if (is_digit(c)) {
            const char *q = p;
            while (is_digit(*q))
                q++;
            if (q[0] == '.' && is_digit(q[1])) {
                q++;
                while (is_digit(*q))
                    q++;
            }
            if ((q[0] == 'e' || q[0] == 'E') &&
                (is_digit(q[1]) || ((q[1] == '-' || q[1] == '+') && is_digit(q[2])))) {
                q += 2;
                while (is_digit(*q))
                    q++;
            }
            t.kind = K_NUM;
            t.n = (size_t)(q - p);
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            t.kind = K_SPACE;
            t.n = 1;
        } else if ((c == '_' || c == '^') && p[1] == '{' && group_end(p + 1)) {
            const char *end = group_end(p + 1);
            t.kind = c == '_' ? K_SUB : K_SUP;
            t.in = p + 2;
            t.in_n = (size_t)(end - (p + 2));
            t.n = (size_t)(end + 1 - p);
        } else if ((c == '_' || c == '^') && is_alnum(p[1])) {
            const char *q = p + 1;
            while (is_alnum(*q))
                q++;
            t.kind = c == '_' ? K_SUB : K_SUP;
            t.in = p + 1;
            t.in_n = (size_t)(q - (p + 1));
            t.n = (size_t)(q - p);
        } else if (c == '[' && symbolic(ts)) {
            const char *q = p + 1;
            while (*q && *q != ']' && *q != ' ' && *q != '[' && q - p < 16)
                q++;
            if (*q == ']' && q > p + 1) {
                /* g[1z][2,3]: the second bracket is the element's index */
                t.kind = ts->t[ts->n - 1].kind == K_LAYER ? K_SUB : K_LAYER;
                t.in = p + 1;
                t.in_n = (size_t)(q - (p + 1));
                t.n = (size_t)(q + 1 - p);
            } else {
                t.kind = K_PUNCT;
                t.n = 1;
            }
        } else if (c == '\'' && symbolic(ts)) {
            t.kind = K_PRIME;
            t.n = 1;
        } else if (c == '\'' && p[1] == 's' && !is_alnum(p[2])) {
            t.kind = K_WORD; /* 000's */
            t.n = 2;
        } else if ((unsigned char)c < 0x80) {
            t.kind = K_PUNCT;
            t.n = 1;
        } else {
            t.n = utf8(p, &cp);
            t.map = find_map(math_map, sizeof math_map / sizeof *math_map, cp);
            if (t.map) {
                t.kind = K_UMATH;
            } else {
                t.kind = K_UTEXT;
                t.map = find_map(text_map, sizeof text_map / sizeof *text_map, cp);
            }
        }
        push(ts, t);
        p += t.n;
    }
}

static const struct {
    const char *word, *tex;
} functions[] = {
    {"log", "\\log"}, {"exp", "\\exp"}, {"ln", "\\ln"},   {"max", "\\max"},
    {"min", "\\min"}, {"tanh", "\\tanh"}, {"sin", "\\sin"}, {"cos", "\\cos"},
    {"diag", "\\operatorname{diag}"},
    /* Greek letters spelt out in ASCII spec descriptions */
    {"sigma", "\\sigma"}, {"lambda", "\\lambda"}, {"delta", "\\delta"},
    {"alpha", "\\alpha"}, {"epsilon", "\\varepsilon"},
};

static const char *function_tex(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (strlen(functions[i].word) == n && strncmp(functions[i].word, p, n) == 0)
            return functions[i].tex;
    return NULL;
}

/* state of the math being written: which scripts the current atom has */
typedef struct mstate {
    int sub, sup;
} mstate;

static void math_text(bs_sink *s, const char *p, size_t n);

/* writes a control word; a space keeps it apart from a following letter */
static void command(bs_sink *s, const char *tex, const tok *next)
{
    bs_sink_puts(s, tex);
    size_t n = strlen(tex);
    if (n > 0 && is_alpha(tex[n - 1]) && next && next->kind == K_WORD)
        bs_sink_puts(s, " ");
}

static void script(bs_sink *s, mstate *m, int sup)
{
    if ((sup && m->sup) || (!sup && m->sub)) {
        bs_sink_puts(s, "{}");
        m->sub = m->sup = 0;
    }
    if (sup)
        m->sup = 1;
    else
        m->sub = 1;
}

static void math_num(bs_sink *s, const char *p, size_t n)
{
    size_t e = 0;
    while (e < n && p[e] != 'e' && p[e] != 'E')
        e++;
    if (e == n) {
        bs_sink_write(s, p, n);
        return;
    }
    bs_sink_puts(s, "{"); /* one atom, for scripts after it */
    bs_sink_write(s, p, e);
    bs_sink_puts(s, " \\times 10^{");
    size_t k = e + 1;
    if (k < n && p[k] == '+')
        k++;
    bs_sink_write(s, p + k, n - k);
    bs_sink_puts(s, "}}");
}

/* the inside of a script: letters of a long alphabetic index upright */
static void script_body(bs_sink *s, const char *in, size_t n)
{
    int alpha = 1, alnum = 1;
    for (size_t i = 0; i < n; i++) {
        alpha = alpha && is_alpha(in[i]);
        alnum = alnum && is_alnum(in[i]);
    }
    if (alpha && n >= 3) {
        bs_sink_puts(s, "\\mathrm{");
        bs_sink_write(s, in, n);
        bs_sink_puts(s, "}");
    } else if (alnum) {
        bs_sink_write(s, in, n); /* tj, 2z, nW: letters of an index */
    } else {
        math_text(s, in, n);
    }
}

/* writes one token in math mode; returns how many tokens it used */
static size_t math_tok(bs_sink *s, const tok *t, size_t left, mstate *m)
{
    const char *tex;
    switch (t->kind) {
    case K_WORD:
        m->sub = m->sup = 0;
        if (t->n == 1 && left > 1 && t[1].kind == K_SUB && t[1].in_n == 3 &&
            strncmp(t[1].in, "hat", 3) == 0) {
            bs_sink_printf(s, "\\hat{%c}", t->p[0]); /* y_hat */
            return 2;
        }
        if (t->n == 1)
            bs_sink_write(s, t->p, 1);
        else if ((tex = function_tex(t->p, t->n)) != NULL)
            command(s, tex, left > 1 ? t + 1 : NULL);
        else {
            bs_sink_puts(s, "\\mathrm{");
            for (size_t i = 0; i < t->n; i++)
                if (is_alnum(t->p[i]))
                    bs_sink_write(s, t->p + i, 1);
                else
                    bs_sink_puts(s, t->p[i] == '_' ? "\\_" : "'");
            bs_sink_puts(s, "}");
        }
        return 1;
    case K_NUM:
        m->sub = m->sup = 0;
        math_num(s, t->p, t->n);
        return 1;
    case K_SPACE:
        bs_sink_puts(s, " ");
        return 1;
    case K_PRIME:
        script(s, m, 1);
        bs_sink_puts(s, "'");
        return 1;
    case K_SUB:
    case K_SUP:
        script(s, m, t->kind == K_SUP);
        bs_sink_puts(s, t->kind == K_SUP ? "^{" : "_{");
        script_body(s, t->in, t->in_n);
        bs_sink_puts(s, "}");
        return 1;
    case K_LAYER:
        script(s, m, 1);
        bs_sink_puts(s, "^{[");
        script_body(s, t->in, t->in_n);
        bs_sink_puts(s, "]}");
        return 1;
    case K_UMATH:
        if (t->map->script == 1) {
            script(s, m, 1);
            bs_sink_puts(s, t->map->tex);
            return 1;
        }
        m->sub = m->sup = 0;
        if (t->map->script == 2) {
            bs_sink_puts(s, t->map->tex);
            bs_sink_puts(s, "{");
            size_t used = 1;
            if (left > 1 && t[1].kind != K_SPACE && t[1].kind != K_PUNCT) {
                mstate inner = {0, 0};
                used += math_tok(s, t + 1, left - 1, &inner);
            }
            bs_sink_puts(s, "}");
            return used;
        }
        command(s, t->map->tex, left > 1 ? t + 1 : NULL);
        return 1;
    case K_UTEXT:
        m->sub = m->sup = 0;
        bs_sink_puts(s, "\\text{");
        bs_sink_puts(s, t->map ? t->map->tex : "?");
        bs_sink_puts(s, "}");
        return 1;
    case K_PUNCT:
        break;
    }
    char c = t->p[0];
    if (c == '\'' || c == '"') {
        /* primes: a superscript of the atom before */
        script(s, m, 1);
        bs_sink_puts(s, c == '"' ? "''" : "'");
        return 1;
    }
    m->sub = m->sup = 0;
    switch (c) {
    case '{': bs_sink_puts(s, "\\{"); break;
    case '}': bs_sink_puts(s, "\\}"); break;
    case '%': bs_sink_puts(s, "\\%"); break;
    case '#': bs_sink_puts(s, "\\#"); break;
    case '&': bs_sink_puts(s, "\\&"); break;
    case '$': bs_sink_puts(s, "\\$"); break;
    case '_': bs_sink_puts(s, "\\_"); break;
    case '~': bs_sink_puts(s, "\\sim{}"); break;
    case '^': bs_sink_puts(s, "\\wedge{}"); break;
    case '\\': bs_sink_puts(s, "\\backslash{}"); break;
    case '`': bs_sink_puts(s, "`"); break;
    default:
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F)
            bs_sink_write(s, &c, 1);
        break;
    }
    return 1;
}

static void math_toks(bs_sink *s, const tok *t, size_t n)
{
    mstate m = {0, 0};
    for (size_t i = 0; i < n;)
        i += math_tok(s, t + i, n - i, &m);
}

/* math mode for a piece of text (used for the insides of scripts) */
static void math_text(bs_sink *s, const char *p, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy) {
        s->failed = 1;
        return;
    }
    memcpy(copy, p, n);
    copy[n] = '\0';
    toks ts = {0};
    tokenize(copy, &ts);
    if (ts.failed)
        s->failed = 1;
    else
        math_toks(s, ts.t, ts.n);
    free(ts.t);
    free(copy);
}

void bs_unimath_latex(bs_sink *s, const char *text)
{
    if (text)
        math_text(s, text, strlen(text));
}

/* writes one token in text mode; prev is the previous character written */
static void text_tok(bs_sink *s, const tok *t, char *prev)
{
    switch (t->kind) {
    case K_WORD:
    case K_NUM:
        for (size_t i = 0; i < t->n; i++) {
            if (t->p[i] == '_')
                bs_sink_puts(s, "\\_");
            else
                bs_sink_write(s, t->p + i, 1);
        }
        *prev = t->p[t->n - 1];
        return;
    case K_SPACE:
        bs_sink_puts(s, " ");
        *prev = ' ';
        return;
    case K_UTEXT:
        bs_sink_puts(s, t->map ? t->map->tex : "?");
        *prev = 'x';
        return;
    case K_UMATH:
    case K_SUB:
    case K_SUP:
    case K_LAYER:
    case K_PRIME:
        bs_sink_puts(s, "$");
        math_toks(s, t, 1);
        bs_sink_puts(s, "$");
        *prev = 'x';
        return;
    case K_PUNCT:
        break;
    }
    char c = t->p[0];
    switch (c) {
    case '#': bs_sink_puts(s, "\\#"); break;
    case '$': bs_sink_puts(s, "\\$"); break;
    case '%': bs_sink_puts(s, "\\%"); break;
    case '&': bs_sink_puts(s, "\\&"); break;
    case '_': bs_sink_puts(s, "\\_"); break;
    case '{': bs_sink_puts(s, "\\{"); break;
    case '}': bs_sink_puts(s, "\\}"); break;
    case '~': bs_sink_puts(s, "\\~{}"); break;
    case '^': bs_sink_puts(s, "\\^{}"); break;
    case '\\': bs_sink_puts(s, "$\\backslash$"); break;
    case '<': bs_sink_puts(s, "$<$"); break;
    case '>': bs_sink_puts(s, "$>$"); break;
    case '|': bs_sink_puts(s, "$|$"); break;
    case '"':
        bs_sink_puts(s, *prev == ' ' || *prev == '(' || *prev == '\0' ? "``" : "''");
        break;
    case '-':
        bs_sink_puts(s, *prev == '-' ? "{}-" : "-");
        break;
    default:
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F)
            bs_sink_write(s, &c, 1);
        break;
    }
    *prev = c;
}

/* a token that ends a run of mathematics in prose */
static int is_break(const tok *t)
{
    switch (t->kind) {
    case K_WORD:
        return t->n >= 2 && !function_tex(t->p, t->n);
    case K_UTEXT:
        return 1;
    case K_PUNCT:
        return strchr("\"`#$%&~\\!?@'", t->p[0]) != NULL;
    default:
        return 0;
    }
}

/* a token that shows a run is mathematics */
static int is_evidence(const tok *t)
{
    switch (t->kind) {
    case K_UMATH:
    case K_SUB:
    case K_SUP:
    case K_LAYER:
    case K_PRIME:
        return 1;
    case K_WORD:
        return t->n == 1 && t->p[0] != 'a' && t->p[0] != 'A' && t->p[0] != 'I';
    case K_PUNCT:
        return strchr("=<>", t->p[0]) != NULL;
    default:
        return 0;
    }
}

static int is_char(const tok *t, char c)
{
    return t->kind == K_PUNCT && t->p[0] == c;
}

/* 1 for a bracket of [a, b) with no partner inside [a, b) */
static int unmatched(const tok *t, size_t a, size_t b, size_t k)
{
    int depth = 0;
    if (is_char(&t[k], '(')) {
        for (size_t i = k; i < b; i++) {
            depth += is_char(&t[i], '(') - is_char(&t[i], ')');
            if (depth == 0)
                return 0;
        }
        return 1;
    }
    if (is_char(&t[k], ')')) {
        for (size_t i = k + 1; i-- > a;) {
            depth += is_char(&t[i], ')') - is_char(&t[i], '(');
            if (depth == 0)
                return 0;
        }
        return 1;
    }
    return 0;
}

static int trimmable(const tok *t, size_t a, size_t b, size_t k)
{
    return t[k].kind == K_SPACE || (t[k].kind == K_PUNCT && strchr(",.;:", t[k].p[0])) ||
           unmatched(t, a, b, k);
}

/* writes tokens [a, b) of prose: their mathematical core in $…$ */
static void run(bs_sink *s, const tok *t, size_t a, size_t b, char *prev)
{
    size_t x = a, y = b;
    while (x < y && trimmable(t, a, b, x))
        x++;
    while (y > x && trimmable(t, a, b, y - 1))
        y--;
    int math = 0;
    for (size_t i = x; i < y; i++)
        if (is_evidence(&t[i]))
            math = 1;
    if (!math) {
        for (size_t i = a; i < b; i++)
            text_tok(s, &t[i], prev);
        return;
    }
    for (size_t i = a; i < x; i++)
        text_tok(s, &t[i], prev);
    bs_sink_puts(s, "$");
    math_toks(s, t + x, y - x);
    bs_sink_puts(s, "$");
    *prev = 'x';
    for (size_t i = y; i < b; i++)
        text_tok(s, &t[i], prev);
}

void bs_text_latex(bs_sink *s, const char *text)
{
    if (!text)
        return;
    toks ts = {0};
    tokenize(text, &ts);
    if (ts.failed) {
        free(ts.t);
        s->failed = 1;
        return;
    }
    char prev = '\0';
    size_t a = 0;
    int depth = 0; /* brackets open in the current run */
    for (size_t i = 0; i <= ts.n; i++) {
        if (i < ts.n) {
            const tok *t = &ts.t[i];
            /* ", " ": " "; " ". " outside brackets end a run too */
            int sep = depth == 0 && t->kind == K_PUNCT && strchr(",;:.", t->p[0]) &&
                      (i + 1 == ts.n || ts.t[i + 1].kind == K_SPACE);
            if (!is_break(t) && !sep) {
                depth += is_char(t, '(') + is_char(t, '[') - is_char(t, ')') - is_char(t, ']');
                if (depth < 0)
                    depth = 0;
                continue;
            }
        }
        if (i > a)
            run(s, ts.t, a, i, &prev);
        if (i < ts.n)
            text_tok(s, &ts.t[i], &prev);
        a = i + 1;
        depth = 0;
    }
    free(ts.t);
}

void bs_plain_latex(bs_sink *s, const char *text)
{
    if (!text)
        return;
    toks ts = {0};
    tokenize(text, &ts);
    if (ts.failed) {
        free(ts.t);
        s->failed = 1;
        return;
    }
    char prev = '\0';
    for (size_t i = 0; i < ts.n; i++) {
        const tok *t = &ts.t[i];
        if (t->kind == K_SUB || t->kind == K_SUP || t->kind == K_LAYER || t->kind == K_PRIME) {
            /* no mathematics here: the characters as they are */
            for (size_t k = 0; k < t->n; k++) {
                tok one = {K_PUNCT, t->p + k, 1, NULL, 0, NULL};
                if (is_alnum(t->p[k]))
                    one.kind = K_WORD;
                text_tok(s, &one, &prev);
            }
        } else {
            text_tok(s, t, &prev);
        }
    }
    free(ts.t);
}

void bs_text_markdown(bs_sink *s, const char *text)
{
    if (!text)
        return;
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
        case '$': case '|': case '~': case '#': case '&':
            bs_sink_printf(s, "\\%c", *c);
            break;
        case '\n': case '\r': case '\t':
            bs_sink_puts(s, " ");
            break;
        default:
            bs_sink_write(s, c, 1);
            break;
        }
    }
}

/* ------------------------------------------------------ shared formulas */

void bs_dact_latex(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt)
{
    const char *d = net->act[layer] ? net->act[layer]->dmath : NULL;
    if (!d)
        return;
    const char *seg = d;
    for (const char *c = d;; c++) {
        if (*c == '\0' || (c[0] == '%' && (c[1] == 'a' || c[1] == 'z'))) {
            math_text(s, seg, (size_t)(c - seg));
            if (*c == '\0')
                break;
            var_name(s, c[1] == 'a' ? BS_Q_A : BS_Q_Z, layer, nt);
            c++;
            seg = c + 1;
        }
    }
}

void bs_loss_formula_latex(bs_sink *s, const bs_net *net)
{
    if (net->B == 1)
        bs_sink_puts(s, "L = \\ell(\\hat{y}, y)");
    else if (net->reduction == BS_MEAN)
        bs_sink_puts(s, "L = \\frac{1}{B} \\sum_{i} \\ell(\\hat{y}_{i}, y_{i})");
    else
        bs_sink_puts(s, "L = \\sum_{i} \\ell(\\hat{y}_{i}, y_{i})");
    if (net->l2 != 0.0)
        bs_sink_puts(s, " + \\lambda \\sum_{n} \\Vert W^{[n]} \\Vert^{2}");
}

void bs_forward_formula_latex(bs_sink *s, const bs_net *net)
{
    if (net->convention == BS_COLUMN)
        bs_sink_puts(s, "z^{[n]} = W^{[n]} \\cdot a^{[n-1]} + b^{[n]}");
    else
        bs_sink_puts(s, "z^{[n]} = a^{[n-1]} \\cdot W^{[n]} + b^{[n]}");
}
