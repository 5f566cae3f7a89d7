/* bs_handout.c — the walks of handouts 000, 001 and 002 as data, and their
 * renderers (bs_handout.h).  Every number comes from the trace's forward
 * pass and gradients, or is the handout's own formula evaluated on numbers
 * the equation shows (on all its terms where a long sum shows only its
 * first and last); handout 002's program values come from the trace
 * (bs_step_program_value).  A matrix, a sum or a layer's neurons of more
 * than BS_MATRIX_MAX_SHOWN are shown by their ends (bs_matrix_shown), as
 * `trace` shows a large matrix; of a larger batch, the equations of each
 * example are written for the first. */
#define _XOPEN_SOURCE 700
#include "bs_handout.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_fmt.h"
#include "bs_render_common.h"
#include "bs_latex.h"
#include "bs_mathml.h"

/* ------------------------------------------------------------ building */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

static bs_heq *cur(bs_handout *h)
{
    return h->n ? &h->eq[h->n - 1] : NULL;
}

/* Starts an equation of a section. */
static void eq(bs_handout *h, const char *section)
{
    bs_heq *q = grow(h->eq, &h->cap, h->n + 1, sizeof *h->eq);
    if (!q) {
        h->oom = 1;
        return;
    }
    h->eq = q;
    memset(&h->eq[h->n], 0, sizeof *h->eq);
    h->eq[h->n++].section = section;
}

static void put(bs_handout *h, bs_piece pc)
{
    bs_heq *e = cur(h);
    if (!e)
        return;
    bs_piece *p = grow(e->p, &e->pcap, e->np + 1, sizeof *e->p);
    if (!p) {
        h->oom = 1;
        return;
    }
    e->p = p;
    e->p[e->np++] = pc;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void ref(bs_handout *h, double v, const char *fmt, ...)
{
    bs_heq *e = cur(h);
    if (!e)
        return;
    bs_hnum *n = grow(e->num, &e->ncap, e->nn + 1, sizeof *e->num);
    if (!n) {
        h->oom = 1;
        return;
    }
    e->num = n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->num[e->nn].ref, sizeof e->num[e->nn].ref, fmt, ap);
    va_end(ap);
    e->num[e->nn++].v = v;
}

static bs_piece piece(bs_piece_kind k)
{
    bs_piece p;
    memset(&p, 0, sizeof p);
    p.kind = k;
    p.elem.ex = BS_NONE;
    return p;
}

static void tk(bs_handout *h, bs_tok t)
{
    bs_piece p = piece(BS_PC_TOK);
    p.tok = t;
    put(h, p);
}

static void m(bs_handout *h, const char *text)
{
    bs_piece p = piece(BS_PC_MATH);
    p.math = text;
    put(h, p);
}

static void equals(bs_handout *h)
{
    put(h, piece(BS_PC_EQ));
}

static void frac(bs_handout *h, bs_piece_kind k)
{
    put(h, piece(k));
}

/* an element of a layered quantity: a_2[1] (unit, 0-based), g_1[3z] */
static void el(bs_handout *h, const char *base, size_t layer, size_t unit)
{
    bs_piece p = piece(BS_PC_ELEM);
    p.elem.base = base;
    p.elem.layered = 1;
    p.elem.layer = layer;
    p.elem.unit = unit;
    put(h, p);
}

/* W_{r,c}[layer], 0-based */
static void wel(bs_handout *h, size_t layer, size_t r, size_t c)
{
    bs_piece p = piece(BS_PC_ELEM);
    p.elem.base = "W";
    p.elem.layered = 1;
    p.elem.layer = layer;
    p.elem.matrix = 1;
    p.elem.r = r;
    p.elem.c = c;
    put(h, p);
}

/* a whole quantity: z[2] (layer > 0), g[3z] (letter), x, ŷ (layer 0);
 * sub: symbolic indices set on it ("j,k"), or NULL */
static void wh(bs_handout *h, const char *base, size_t layer, char letter, const char *sub)
{
    bs_piece p = piece(BS_PC_ELEM);
    p.elem.base = base;
    p.elem.whole = 1;
    p.elem.layered = layer > 0 || strcmp(base, "a") == 0;
    p.elem.layer = layer;
    p.elem.letter = letter;
    p.elem.sub = sub;
    put(h, p);
}

static void act(bs_handout *h, const char *base, const char *sub, int prime)
{
    bs_piece p = piece(BS_PC_ACT);
    p.math = base;
    p.sub = sub;
    p.prime = prime;
    put(h, p);
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void num(bs_handout *h, double v, int paren, const char *fmt, ...)
{
    bs_piece p = piece(BS_PC_NUM);
    p.num = v;
    p.paren = paren;
    put(h, p);
    char r[72];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r, sizeof r, fmt, ap);
    va_end(ap);
    ref(h, v, "%s", r);
}

/* hands an allocation to the walk, which frees it: p, or NULL (the walk
 * out of memory, p freed) when p is NULL or there is no room */
static double *hold(bs_handout *h, double *p)
{
    double **s = p ? grow(h->store, &h->scap, h->nstore + 1, sizeof *h->store) : NULL;
    if (!s) {
        free(p);
        h->oom = 1;
        return NULL;
    }
    h->store = s;
    h->store[h->nstore++] = p;
    return p;
}

/* a copy of n values owned by the walk */
static double *keep(bs_handout *h, const double *v, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (c)
        memcpy(c, v, n * sizeof *c);
    return hold(h, c);
}

/* a string owned by the walk */
static const char *own(bs_handout *h, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    char **s = grow(h->strs, &h->strcap, h->nstrs + 1, sizeof *h->strs);
    char *c = strdup(buf);
    if (!s || !c) {
        if (s)
            h->strs = s;
        free(c);
        h->oom = 1;
        return "";
    }
    h->strs = s;
    h->strs[h->nstrs++] = c;
    return c;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static const char *ostr(bs_handout *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = own(h, fmt, ap);
    va_end(ap);
    return s;
}

/* Which of `count` rows, columns, units or examples are shown
 * (bs_matrix_shown): all when there are at most BS_MATRIX_MAX_SHOWN, else
 * the first and the last BS_MATRIX_EDGE with BS_MATRIX_GAP between them.
 * A large matrix is shown with its ends, an element equation is written for
 * the shown indices, and a long sum keeps the shown terms around "…". */
typedef struct shown {
    size_t n;
    size_t k[BS_MATRIX_MAX_SHOWN + 1];
} shown;

static shown pick(size_t count)
{
    shown s;
    s.n = bs_matrix_shown(count, s.k);
    return s;
}

static int gap(const shown *s, size_t a)
{
    return s->k[a] == BS_MATRIX_GAP;
}

/* Before term a of a sum over the shown indices s: the plus sign (not
 * before the first), then at the gap the ellipsis; 1 when term a is one to
 * write, 0 at the gap. */
static int term(bs_handout *h, const shown *s, size_t a)
{
    if (a)
        tk(h, BS_TOK_PLUS);
    if (gap(s, a)) {
        tk(h, BS_TOK_ELLIPSIS);
        return 0;
    }
    return 1;
}

/* Before term a of a sum whose terms each end with their plus sign
 * (… + b): at the gap the ellipsis and its plus; 1 when term a is one to
 * write, 0 at the gap. */
static int lead(bs_handout *h, const shown *s, size_t a)
{
    if (!gap(s, a))
        return 1;
    tk(h, BS_TOK_ELLIPSIS);
    tk(h, BS_TOK_PLUS);
    return 0;
}

/* A matrix of numbers as a piece: M is R×C, shown as it is or transposed
 * (tr).  Its element (r, c) is a number of the equation called
 * name[ex,r,c], or name[r,c] when ex is BS_NONE; with row set a row
 * (R = 1) is called name[ex,c], or name[c].  Only the shown elements
 * (bs_matrix_shown) are numbers of the equation, and only they are copied
 * (the emitters read no others): the pages of a large matrix's middle are
 * never touched.  A matrix shown by its ends is followed by its true shape,
 * "(784×200)". */
static void grid(bs_handout *h, const double *M, size_t R, size_t C, int tr, const char *name,
                 size_t ex, int row)
{
    size_t rows = tr ? C : R, cols = tr ? R : C;
    double *v = hold(h, calloc(rows * cols > 0 ? rows * cols : 1, sizeof(double)));
    if (!v)
        return;
    shown sr = pick(rows), sc = pick(cols);
    for (size_t a = 0; a < sr.n; a++)
        for (size_t b = 0; b < sc.n; b++) {
            if (gap(&sr, a) || gap(&sc, b))
                continue;
            size_t r = sr.k[a], c = sc.k[b];
            size_t sR = tr ? c : r, sC = tr ? r : c;
            double x = M[sR * C + sC];
            v[r * cols + c] = x;
            if (row && R == 1 && ex == BS_NONE)
                ref(h, x, "%s[%zu]", name, sC);
            else if (row && R == 1)
                ref(h, x, "%s[%zu,%zu]", name, ex, sC);
            else if (ex == BS_NONE)
                ref(h, x, "%s[%zu,%zu]", name, sR, sC);
            else
                ref(h, x, "%s[%zu,%zu,%zu]", name, ex, sR, sC);
        }
    bs_piece p = piece(BS_PC_MATRIX);
    p.vals = v;
    p.rows = rows;
    p.cols = cols;
    put(h, p);
    if (rows > BS_MATRIX_MAX_SHOWN || cols > BS_MATRIX_MAX_SHOWN)
        m(h, ostr(h, " (%zu×%zu)", rows, cols));
}

/* A matrix of numbers.  M is R×C in the handout's orientation, its
 * element (r, c) called name[r,c]; shown as it is or transposed.  A vector
 * (vec set: name[k]) is M with R = 1, shown as a row, or as a column when
 * tr is set. */
static void mat(bs_handout *h, const double *M, size_t R, size_t C, const char *name, int vec,
                int tr)
{
    grid(h, M, R, C, tr, name, BS_NONE, vec);
}

/* a derivative ∂top/∂…: dopen writes "∂top/∂", the caller the symbol, dclose the end */
static void dopen(bs_handout *h, const char *top)
{
    tk(h, BS_TOK_DFRAC_OPEN);
    m(h, top);
    tk(h, BS_TOK_DFRAC_MID);
}

static void dclose(bs_handout *h)
{
    tk(h, BS_TOK_DFRAC_CLOSE);
}

/* ∂top/∂base of whole vectors or matrices, e.g. ∂z[2]/∂W[2] or, with
 * subscripts, ∂z_j[2]/∂W_{j,k}[2] */
static void dwh(bs_handout *h, const char *top, size_t lt, const char *top_sub,
                const char *base, size_t lb, const char *base_sub)
{
    tk(h, BS_TOK_DFRAC_OPEN);
    wh(h, top, lt, 0, top_sub);
    tk(h, BS_TOK_DFRAC_MID);
    wh(h, base, lb, 0, base_sub);
    dclose(h);
}

/* ∂top/∂base_u[l], e.g. ∂ℒ/∂a_1[2] */
static void dd_el(bs_handout *h, const char *top, const char *base, size_t l, size_t u)
{
    dopen(h, top);
    el(h, base, l, u);
    dclose(h);
}

static void dd_w(bs_handout *h, const char *top, size_t l, size_t r, size_t c)
{
    dopen(h, top);
    wel(h, l, r, c);
    dclose(h);
}

/* ∂z_j[l]/∂(element): the derivative of one element by another */
static void dz_open(bs_handout *h, size_t l, size_t j)
{
    tk(h, BS_TOK_DFRAC_OPEN);
    el(h, "z", l, j);
    tk(h, BS_TOK_DFRAC_MID);
}

static void set_note(bs_handout *h, const char *note)
{
    if (cur(h))
        cur(h)->note = note;
}

static void set_erratum(bs_handout *h, const char *text)
{
    if (cur(h))
        cur(h)->erratum = text;
}

/* ------------------------------------------------------------ values */

typedef struct vals {
    const bs_net *net;
    const bs_forward *fw;
    const bs_grads *g;
} vals;

static double A(const vals *v, size_t l, size_t j) { return v->fw->a[l][j]; }
static double Z(const vals *v, size_t l, size_t j) { return v->fw->z[l][j]; }
static double D(const vals *v, size_t l, size_t j)
{
    return v->net->act[l]->derivative(Z(v, l, j), A(v, l, j));
}
/* W[l] in the row convention: input i, output j */
static double W(const vals *v, size_t l, size_t i, size_t j)
{
    return v->net->W[l][i * v->net->n[l] + j];
}

/* ------------------------------------------------------------ handout 001 */

static const char *const S1_FWD = "Forward propagation";
static const char *const S1_PERF = "Performance measure";
static const char *const S1_GD = "Back propagation: gradient descent";
static const char *const S1_OUT = "Output layer z[3]|a[3]";
static const char *const S1_L2 = "Hidden layer z[2]|a[2]";
static const char *const S1_L1 = "Hidden layer z[1]|a[1]";

/* z_j[l] = W_{1,j}[l] a_1[l−1] + … + b_j[l] = a[l−1] W_j[l] + b_j[l] = numbers = value */
static void h1_z(bs_handout *h, const vals *v, size_t l, size_t j)
{
    const bs_net *net = v->net;
    shown sk = pick(net->n[l - 1]);
    eq(h, S1_FWD);
    el(h, "z", l, j);
    equals(h);
    for (size_t a = 0; a < sk.n; a++) {
        if (!lead(h, &sk, a))
            continue;
        size_t k = sk.k[a];
        wel(h, l, k, j);
        tk(h, BS_TOK_DOT);
        el(h, "a", l - 1, k);
        tk(h, BS_TOK_PLUS);
    }
    el(h, "b", l, j);
    equals(h);
    wh(h, "a", l - 1, 0, NULL);
    tk(h, BS_TOK_DOT);
    el(h, "W", l, j);
    tk(h, BS_TOK_PLUS);
    el(h, "b", l, j);
    equals(h);
    for (size_t a = 0; a < sk.n; a++) {
        if (!lead(h, &sk, a))
            continue;
        size_t k = sk.k[a];
        num(h, W(v, l, k, j), 1, "W%zu[%zu,%zu]", l, k, j);
        tk(h, BS_TOK_TIMES);
        num(h, A(v, l - 1, k), 1, "a%zu[%zu]", l - 1, k);
        tk(h, BS_TOK_PLUS);
    }
    num(h, net->b[l][j], 1, "b%zu[%zu]", l, j);
    equals(h);
    num(h, Z(v, l, j), 0, "z%zu[%zu]", l, j);
    if (l == 1 && j == 2)
        set_erratum(h, "the handout ends this line with b_3[0]; the bias of z_3[1] is b_3[1]");
    if (l == 3)
        set_erratum(h, "the handout ends this line with b_1[2]; the bias of z_1[3] is b_1[3]");
}

/* z[l] = a[l−1] W[l] + b[l] with the matrices */
static void h1_zmat(bs_handout *h, const vals *v, size_t l)
{
    const bs_net *net = v->net;
    eq(h, S1_FWD);
    wh(h, "z", l, 0, NULL);
    equals(h);
    wh(h, "a", l - 1, 0, NULL);
    tk(h, BS_TOK_DOT);
    wh(h, "W", l, 0, NULL);
    tk(h, BS_TOK_PLUS);
    wh(h, "b", l, 0, NULL);
    equals(h);
    char an[32], wn[32], bn[32], zn[32];
    snprintf(an, sizeof an, "a%zu", l - 1);
    snprintf(wn, sizeof wn, "W%zu", l);
    snprintf(bn, sizeof bn, "b%zu", l);
    snprintf(zn, sizeof zn, "z%zu", l);
    mat(h, v->fw->a[l - 1], 1, net->n[l - 1], an, 1, 0);
    tk(h, BS_TOK_DOT);
    mat(h, net->W[l], net->n[l - 1], net->n[l], wn, 0, 0);
    tk(h, BS_TOK_PLUS);
    mat(h, net->b[l], 1, net->n[l], bn, 1, 0);
    equals(h);
    mat(h, v->fw->z[l], 1, net->n[l], zn, 1, 0);
    if (l == 3)
        set_erratum(h, "the handout writes z[3] = a[2] W[3] + b[2]: the bias is b[3]; its "
                       "middle form W_1[3]ᵀ a[2] mixes in the column convention");
}

/* The erratum of the printed logistic formula, said whole once. */
static const char logistic_differs[] =
    "the handout prints the logistic function as 1/(1 − exp(−z)); the value it gives here "
    "differs from a, which is 1/(1 + exp(−z))";
static const char logistic_outside[] =
    "the handout prints the logistic function as 1/(1 − exp(−z)); that value lies outside "
    "(0, 1), impossible for an activation read as a probability: the logistic function is "
    "1/(1 + exp(−z))";

/* a_j[l] = g(z_j[l]) = 1/(1 + exp(−z_j[l])) = 1/(1 + exp(−(number))) = value,
 * then the handout's printed 1/(1 − exp(−z)) with its value */
static void h1_a(bs_handout *h, const vals *v, size_t l, size_t j)
{
    const char *sub = l == v->net->L ? "o" : "h";
    eq(h, S1_FWD);
    el(h, "a", l, j);
    equals(h);
    act(h, "g", sub, 0);
    tk(h, BS_TOK_CALL_OPEN);
    el(h, "z", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 + exp");
    tk(h, BS_TOK_CALL_OPEN);
    m(h, "−");
    el(h, "z", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 + exp");
    tk(h, BS_TOK_CALL_OPEN);
    m(h, "−");
    num(h, Z(v, l, j), 1, "z%zu[%zu]", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    num(h, A(v, l, j), 0, "a%zu[%zu]", l, j);

    /* the printed formula, evaluated */
    double e = exp(-Z(v, l, j)), bad = 1.0 / (1.0 - e);
    eq(h, S1_FWD);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 − exp");
    tk(h, BS_TOK_CALL_OPEN);
    m(h, "−");
    el(h, "z", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 − ");
    num(h, e, 1, "expnz%zu[%zu]", l, j);
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    num(h, bad, 0, "printed%zu[%zu]", l, j);
    /* the whole sentence at the first unit, a short one after it */
    int again = 0;
    for (size_t i = 0; i + 1 < h->n && !again; i++)
        again = h->eq[i].erratum == logistic_differs || h->eq[i].erratum == logistic_outside;
    if (bad > 0 && bad < 1)
        set_erratum(h, again ? "the same printed formula: here a value that differs from a" : logistic_differs);
    else
        set_erratum(h, again ? "the same printed formula: here a value outside (0, 1)"
                             : logistic_outside);
}

static void h1_forward(bs_handout *h, const vals *v)
{
    const bs_net *net = v->net;
    eq(h, S1_FWD);
    wh(h, "a", 0, 0, NULL);
    equals(h);
    mat(h, v->fw->a[0], 1, net->n[0], "a0", 1, 0);
    for (size_t l = 1; l <= net->L; l++) {
        shown su = pick(net->n[l]);
        for (size_t a = 0; a < su.n; a++)
            if (!gap(&su, a))
                h1_z(h, v, l, su.k[a]);
        h1_zmat(h, v, l);
        for (size_t a = 0; a < su.n; a++)
            if (!gap(&su, a))
                h1_a(h, v, l, su.k[a]);
    }
    eq(h, S1_FWD);
    wh(h, "ŷ", 0, 0, NULL);
    equals(h);
    el(h, "a", 3, 0);
    equals(h);
    num(h, A(v, 3, 0), 0, "a3[0]");
}

static void h1_perf(bs_handout *h, const vals *v)
{
    double yh = A(v, 3, 0), y = v->net->y[0];
    eq(h, S1_PERF);
    m(h, "ℒ(ŷ, y)");
    equals(h);
    m(h, "−[(1 − y) log(1 − ŷ) + y log(ŷ)]");
    equals(h);
    m(h, "−[(1 − ");
    num(h, y, 1, "y[0]");
    m(h, ") log(1 − ");
    num(h, yh, 1, "a3[0]");
    m(h, ") + ");
    num(h, y, 1, "y[0]");
    m(h, " log(");
    num(h, yh, 0, "a3[0]");
    m(h, ")]");
    equals(h);
    num(h, v->fw->loss, 0, "L");

    eq(h, S1_PERF);
    m(h, "ℒ_v(ŷ, y)");
    equals(h);
    m(h, "½(y − ŷ)²");
    equals(h);
    m(h, "½(");
    num(h, y, 0, "y[0]");
    m(h, " − ");
    num(h, yh, 1, "a3[0]");
    m(h, ")²");
    equals(h);
    num(h, 0.5 * (y - yh) * (y - yh), 0, "Lv");
    set_note(h, "the squared error the handout names beside the cross-entropy; the "
                "gradients below are those of ℒ");
    set_erratum(h, "the handout prints ℒ_v(ŷ, y) = ½(y ŷ)², which has lost its minus sign");
}

/* W_{s+1}[k] = W_s[k] − α ∂ℒ/∂W_s[k], and the same for b */
static void h1_update(bs_handout *h, const vals *v)
{
    const bs_net *net = v->net;
    for (size_t k = net->L; k >= 1; k--) {
        for (int bias = 0; bias <= 1; bias++) {
            const char *q = bias ? "b" : "W";
            size_t R = bias ? 1 : net->n[k - 1], C = net->n[k];
            const double *P = bias ? net->b[k] : net->W[k];
            const double *G = bias ? v->g->gb[k] : v->g->gW[k];
            double *nw = malloc(R * C * sizeof *nw);
            if (!nw) {
                h->oom = 1;
                return;
            }
            for (size_t i = 0; i < R * C; i++)
                nw[i] = P[i] - h->lr * G[i];
            char pn[32], gn[32], nn[32];
            snprintf(pn, sizeof pn, "%s%zu", q, k);
            snprintf(gn, sizeof gn, "g%s%zu", q, k);
            snprintf(nn, sizeof nn, "new%s%zu", q, k);
            eq(h, S1_GD);
            wh(h, q, k, 0, "(s+1)");
            equals(h);
            wh(h, q, k, 0, "s");
            tk(h, BS_TOK_MINUS);
            m(h, "α ");
            dopen(h, "ℒ");
            wh(h, q, k, 0, "s");
            dclose(h);
            equals(h);
            mat(h, P, R, C, pn, bias, 0);
            tk(h, BS_TOK_MINUS);
            num(h, h->lr, 1, "lr");
            tk(h, BS_TOK_TIMES);
            mat(h, G, R, C, gn, bias, 0);
            equals(h);
            mat(h, nw, R, C, nn, bias, 0);
            free(nw);
        }
        if (k == 1)
            break;
    }
}

/* Names the numbers of the vector of n elements just shown (by its ends
 * when n is large) as elements of a matrix: base followed by the layer and
 * [fixed,k] (fixed_first, a row of W) or [k,fixed] (a column). */
static void name_vector(bs_handout *h, size_t n, const char *base, size_t l, size_t fixed,
                        int fixed_first)
{
    bs_heq *e = cur(h);
    shown s = pick(n);
    size_t cnt = 0;
    for (size_t a = 0; a < s.n; a++)
        cnt += !gap(&s, a);
    if (!e || e->nn < cnt)
        return;
    bs_hnum *q = &e->num[e->nn - cnt];
    for (size_t a = 0; a < s.n; a++)
        if (!gap(&s, a))
            snprintf((q++)->ref, sizeof e->num[0].ref, "%s%zu[%zu,%zu]", base, l,
                     fixed_first ? fixed : s.k[a], fixed_first ? s.k[a] : fixed);
}

/* g'(z_j[l]) = a_j[l](1 − a_j[l]) with its numbers: sub "o" for the output
 * layer's g_o, "h" for the hidden layers' g_h */
static void h1_act_prime(bs_handout *h, const vals *v, const char *sec, size_t l, size_t j,
                         const char *sub)
{
    eq(h, sec);
    act(h, "g", sub, 1);
    tk(h, BS_TOK_CALL_OPEN);
    el(h, "z", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    equals(h);
    el(h, "a", l, j);
    m(h, "(1 − ");
    el(h, "a", l, j);
    m(h, ")");
    equals(h);
    num(h, A(v, l, j), 1, "a%zu[%zu]", l, j);
    m(h, " × (1 − ");
    num(h, A(v, l, j), 1, "a%zu[%zu]", l, j);
    m(h, ")");
    equals(h);
    num(h, D(v, l, j), 0, "d%zu[%zu]", l, j);
}

/* Each weight W_{k,j}[l] into neuron j of layer l: its local derivative
 * ∂z_j[l]/∂W_{k,j}[l] = a_k[l−1], then its gradient a_k[l−1] · ∂ℒ/∂z_j[l];
 * with chain set (the output layer) the gradient is first written as the
 * chain ∂z/∂W · ∂ℒ/∂z, and ∂ℒ/∂z_j[l] by its name g[lz]. */
static void h1_weights(bs_handout *h, const vals *v, const char *sec, size_t l, size_t j,
                       int chain)
{
    const bs_net *net = v->net;
    shown sk = pick(net->n[l - 1]);
    for (size_t a = 0; a < sk.n; a++) {
        if (gap(&sk, a))
            continue;
        size_t k = sk.k[a];
        eq(h, sec);
        dz_open(h, l, j);
        wel(h, l, k, j);
        dclose(h);
        equals(h);
        el(h, "a", l - 1, k);
        equals(h);
        num(h, A(v, l - 1, k), 0, "a%zu[%zu]", l - 1, k);
        if (chain && k == 1)
            set_erratum(h, "the handout writes this derivative as ∂/∂W_{1,1}[3](…); it is "
                           "taken with respect to W_{2,1}[3]");

        eq(h, sec);
        dd_w(h, "ℒ", l, k, j);
        equals(h);
        if (chain) {
            dz_open(h, l, j);
            wel(h, l, k, j);
            dclose(h);
            tk(h, BS_TOK_DOT);
            dd_el(h, "ℒ", "z", l, j);
            equals(h);
        }
        el(h, "a", l - 1, k);
        tk(h, BS_TOK_DOT);
        if (chain)
            wh(h, "g", l, 'z', NULL);
        else
            dd_el(h, "ℒ", "z", l, j);
        equals(h);
        num(h, A(v, l - 1, k), 1, "a%zu[%zu]", l - 1, k);
        tk(h, BS_TOK_TIMES);
        num(h, v->g->gz[l][j], 1, "gz%zu[%zu]", l, j);
        equals(h);
        num(h, v->g->gW[l][k * net->n[l] + j], 0, "gW%zu[%zu,%zu]", l, k, j);
    }
}

/* g[3a] of the output neuron in the handout's two printed forms */
static void h1_output_ga(bs_handout *h, const vals *v)
{
    double a = A(v, 3, 0), y = v->net->y[0], g3a = v->g->ga[3][0];

    /* g[3a], first printed form */
    eq(h, S1_OUT);
    wh(h, "g", 3, 'a', NULL);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1 − y");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 − ");
    el(h, "a", 3, 0);
    frac(h, BS_PC_FRAC_CLOSE);
    tk(h, BS_TOK_MINUS);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "y");
    frac(h, BS_PC_FRAC_MID);
    el(h, "a", 3, 0);
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1 − ");
    num(h, y, 1, "y[0]");
    frac(h, BS_PC_FRAC_MID);
    m(h, "1 − ");
    num(h, a, 1, "a3[0]");
    frac(h, BS_PC_FRAC_CLOSE);
    tk(h, BS_TOK_MINUS);
    frac(h, BS_PC_FRAC_OPEN);
    num(h, y, 0, "y[0]");
    frac(h, BS_PC_FRAC_MID);
    num(h, a, 0, "a3[0]");
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    num(h, g3a, 0, "ga3[0]");

    /* g[3a], second printed form */
    eq(h, S1_OUT);
    wh(h, "g", 3, 'a', NULL);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    el(h, "a", 3, 0);
    m(h, " − y");
    frac(h, BS_PC_FRAC_MID);
    el(h, "a", 3, 0);
    m(h, "(1 − ");
    el(h, "a", 3, 0);
    m(h, ")");
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    frac(h, BS_PC_FRAC_OPEN);
    num(h, a, 0, "a3[0]");
    m(h, " − ");
    num(h, y, 1, "y[0]");
    frac(h, BS_PC_FRAC_MID);
    num(h, a, 0, "a3[0]");
    m(h, "(1 − ");
    num(h, a, 1, "a3[0]");
    m(h, ")");
    frac(h, BS_PC_FRAC_CLOSE);
    equals(h);
    num(h, g3a, 0, "ga3[0]");
    set_note(h, "the second printed form of g[3a]: both forms give the same number");
}

/* g_o'(z_1[3]), g[3z] = g_o'(z_1[3]) · g[3a] and the shortcut a_1[3] − y */
static void h1_output_gz(bs_handout *h, const vals *v)
{
    double a = A(v, 3, 0), y = v->net->y[0];
    double g3a = v->g->ga[3][0], g3z = v->g->gz[3][0], d = D(v, 3, 0);

    /* g_o'(z_1[3]) */
    h1_act_prime(h, v, S1_OUT, 3, 0, "o");
    set_erratum(h, "the handout derives this from 1/(1 − exp(−z)) with two sign slips "
                   "(d/dz(1 − exp(−z)) taken as −exp(−z), 1 − a taken as "
                   "exp(−z)/(1 − exp(−z))); they cancel, and a(1 − a) is right for the "
                   "true logistic function");

    /* g[3z] = g_o'(z_1[3]) · g[3a] */
    eq(h, S1_OUT);
    wh(h, "g", 3, 'z', NULL);
    equals(h);
    act(h, "g", "o", 1);
    tk(h, BS_TOK_CALL_OPEN);
    el(h, "z", 3, 0);
    tk(h, BS_TOK_CALL_CLOSE);
    tk(h, BS_TOK_DOT);
    wh(h, "g", 3, 'a', NULL);
    equals(h);
    num(h, d, 1, "d3[0]");
    tk(h, BS_TOK_TIMES);
    num(h, g3a, 1, "ga3[0]");
    equals(h);
    num(h, d * g3a, 0, "gz3[0]");

    /* the shortcut */
    eq(h, S1_OUT);
    wh(h, "g", 3, 'z', NULL);
    equals(h);
    el(h, "a", 3, 0);
    m(h, " − y");
    equals(h);
    num(h, a, 0, "a3[0]");
    tk(h, BS_TOK_MINUS);
    num(h, y, 1, "y[0]");
    equals(h);
    num(h, g3z, 0, "gz3[0]");
    set_note(h, "a(1 − a) cancels the denominator of g[3a]: g[3z] = a_1[3] − y, the same "
                "number as the product above");
}

/* the output layer's weights and bias */
static void h1_output_params(bs_handout *h, const vals *v)
{
    const bs_net *net = v->net;
    double g3z = v->g->gz[3][0];

    h1_weights(h, v, S1_OUT, 3, 0, 1);
    eq(h, S1_OUT);
    wh(h, "g", 3, 'W', NULL);
    equals(h);
    tk(h, BS_TOK_T_OPEN);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "a", 2, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_T_CLOSE);
    tk(h, BS_TOK_DOT);
    wh(h, "g", 3, 'z', NULL);
    equals(h);
    mat(h, v->fw->a[2], 1, net->n[2], "a2", 1, 1);
    tk(h, BS_TOK_TIMES);
    num(h, g3z, 1, "gz3[0]");
    equals(h);
    mat(h, v->g->gW[3], net->n[2], 1, "gW3", 0, 0);

    eq(h, S1_OUT);
    dopen(h, "ℒ");
    wh(h, "b", 3, 0, NULL);
    dclose(h);
    equals(h);
    wh(h, "g", 3, 'z', NULL);
    equals(h);
    num(h, v->g->gb[3][0], 0, "gb3[0]");
}

/* the output neuron: g[3a], g[3z], the weights and the bias */
static void h1_output(bs_handout *h, const vals *v)
{
    h1_output_ga(h, v);
    h1_output_gz(h, v);
    h1_output_params(h, v);
}

/* the flows into a_j[l] of hidden layer l (2 or 1) from the layer it
 * feeds: each local derivative ∂z_m/∂a_j = W_{j,m}, ∂ℒ/∂a_j as their sum,
 * and for layer 1 the same as g[2z] times a column of W[2] */
static void h1_flows_in(bs_handout *h, const vals *v, const char *sec, size_t l, size_t j)
{
    const bs_net *net = v->net;
    size_t up = l + 1; /* the layer a_j[l] feeds */
    shown su = pick(net->n[up]);
    for (size_t a = 0; a < su.n; a++) {
        if (gap(&su, a))
            continue;
        size_t mm = su.k[a];
        eq(h, sec);
        dz_open(h, up, mm);
        el(h, "a", l, j);
        dclose(h);
        equals(h);
        wel(h, up, j, mm);
        equals(h);
        num(h, W(v, up, j, mm), 0, "W%zu[%zu,%zu]", up, j, mm);
    }
    eq(h, sec);
    dd_el(h, "ℒ", "a", l, j);
    equals(h);
    for (size_t a = 0; a < su.n; a++) {
        if (!term(h, &su, a))
            continue;
        size_t mm = su.k[a];
        wel(h, up, j, mm);
        tk(h, BS_TOK_DOT);
        dd_el(h, "ℒ", "z", up, mm);
    }
    equals(h);
    for (size_t a = 0; a < su.n; a++) {
        if (!term(h, &su, a))
            continue;
        size_t mm = su.k[a];
        num(h, W(v, up, j, mm), 1, "W%zu[%zu,%zu]", up, j, mm);
        tk(h, BS_TOK_TIMES);
        num(h, v->g->gz[up][mm], 1, "gz%zu[%zu]", up, mm);
    }
    equals(h);
    num(h, v->g->ga[l][j], 0, "ga%zu[%zu]", l, j);
    if (net->n[up] > 1)
        set_note(h, l == 1 ? "one flow from each neuron of layer 2 that this a[1] feeds: the "
                             "terms of the sum, each chained with its own upstream gradient"
                           : NULL);
    if (l == 2 && j == 1)
        set_erratum(h, "the handout ends this line with W_{2,1}[3] · g[32]: the upstream "
                       "gradient is g[3z]");
    if (l == 1) {
        /* the same as g[2z] times a column of W[2] */
        eq(h, sec);
        dd_el(h, "ℒ", "a", l, j);
        equals(h);
        wh(h, "g", up, 'z', NULL);
        tk(h, BS_TOK_DOT);
        m(h, "[");
        for (size_t a = 0; a < su.n; a++) {
            if (a)
                m(h, "; ");
            if (gap(&su, a))
                tk(h, BS_TOK_ELLIPSIS);
            else
                wel(h, up, j, su.k[a]);
        }
        m(h, "]");
        equals(h);
        mat(h, v->g->gz[up], 1, net->n[up], "gz2", 1, 0);
        tk(h, BS_TOK_DOT);
        /* the column j of (W[2])ᵀ is row j of W[2] */
        mat(h, net->W[up] + j * net->n[up], 1, net->n[up], "", 1, 1);
        name_vector(h, net->n[up], "W", up, j, 1);
        equals(h);
        num(h, v->g->ga[l][j], 0, "ga%zu[%zu]", l, j);
        if (j == 1)
            set_erratum(h, "the handout writes g[2z] · [W_{3,1}[2]; W_{3,2}[2]] here; a_2[1] "
                           "meets the weights W_{2,1}[2] and W_{2,2}[2]");
    }
}

/* neuron j's weights and bias: each weight's local derivative and
 * gradient, the bias, and the column ∂ℒ/∂W_j[l] */
static void h1_neuron_params(bs_handout *h, const vals *v, const char *sec, size_t l, size_t j)
{
    const bs_net *net = v->net;
    h1_weights(h, v, sec, l, j, 0);
    eq(h, sec);
    dd_el(h, "ℒ", "b", l, j);
    equals(h);
    dd_el(h, "ℒ", "z", l, j);
    equals(h);
    num(h, v->g->gb[l][j], 0, "gb%zu[%zu]", l, j);

    /* the column ∂ℒ/∂W_j[l] */
    size_t n0 = net->n[l - 1];
    double *col = malloc(n0 * sizeof *col);
    if (!col) {
        h->oom = 1;
        return;
    }
    for (size_t k = 0; k < n0; k++)
        col[k] = v->g->gW[l][k * net->n[l] + j];
    eq(h, sec);
    dd_el(h, "ℒ", "W", l, j);
    equals(h);
    tk(h, BS_TOK_T_OPEN);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "a", l - 1, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_T_CLOSE);
    tk(h, BS_TOK_DOT);
    dd_el(h, "ℒ", "z", l, j);
    equals(h);
    char an[32];
    snprintf(an, sizeof an, "a%zu", l - 1);
    mat(h, v->fw->a[l - 1], 1, n0, an, 1, 1);
    tk(h, BS_TOK_TIMES);
    num(h, v->g->gz[l][j], 1, "gz%zu[%zu]", l, j);
    equals(h);
    mat(h, col, n0, 1, "", 0, 0);
    name_vector(h, n0, "gW", l, j, 0);
    free(col);
    if (l == 2 && j == 1)
        set_erratum(h, "the handout's column lists ∂ℒ/∂W_{2,2}[2] twice; its third entry is "
                       "∂ℒ/∂W_{3,2}[2]");
    if (l == 1 && j == 0)
        set_erratum(h, "the handout's column repeats ∂ℒ/∂W_{2,1}[1] where ∂ℒ/∂W_{3,1}[1] is "
                       "meant and shows five rows; it has one row per input");
}

/* one neuron j of hidden layer l (2 or 1): its flows in, g_h', ∂ℒ/∂z_j,
 * each weight's local derivative and gradient, the bias, the column */
static void h1_neuron(bs_handout *h, const vals *v, size_t l, size_t j)
{
    const char *sec = l == 2 ? S1_L2 : S1_L1;
    h1_flows_in(h, v, sec, l, j);
    h1_act_prime(h, v, sec, l, j, "h");

    eq(h, sec);
    dd_el(h, "ℒ", "z", l, j);
    equals(h);
    act(h, "g", "h", 1);
    tk(h, BS_TOK_CALL_OPEN);
    el(h, "z", l, j);
    tk(h, BS_TOK_CALL_CLOSE);
    tk(h, BS_TOK_DOT);
    dd_el(h, "ℒ", "a", l, j);
    equals(h);
    num(h, D(v, l, j), 1, "d%zu[%zu]", l, j);
    tk(h, BS_TOK_TIMES);
    num(h, v->g->ga[l][j], 1, "ga%zu[%zu]", l, j);
    equals(h);
    num(h, v->g->gz[l][j], 0, "gz%zu[%zu]", l, j);
    h1_neuron_params(h, v, sec, l, j);
}

/* the layer's summary: g[la] (from g[(l+1)z]), g[lz], g[lW], g[lb] */
static void h1_layer_summary(bs_handout *h, const vals *v, size_t l)
{
    const bs_net *net = v->net;
    const char *sec = l == 2 ? S1_L2 : S1_L1;
    size_t up = l + 1, n = net->n[l], np = net->n[l - 1];
    char nm[4][32];
    snprintf(nm[0], 32, "gz%zu", up);
    snprintf(nm[1], 32, "W%zu", up);
    snprintf(nm[2], 32, "ga%zu", l);
    snprintf(nm[3], 32, "gz%zu", l);

    eq(h, sec);
    wh(h, "g", l, 'a', NULL);
    equals(h);
    wh(h, "g", up, 'z', NULL);
    tk(h, BS_TOK_DOT);
    tk(h, BS_TOK_T_OPEN);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "W", up, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_T_CLOSE);
    equals(h);
    mat(h, v->g->gz[up], 1, net->n[up], nm[0], 1, 0);
    tk(h, BS_TOK_DOT);
    mat(h, net->W[up], n, net->n[up], nm[1], 0, 1);
    equals(h);
    mat(h, v->g->ga[l], 1, n, nm[2], 1, 0);
    if (l == 1)
        set_note(h, "every a_j[1] feeds both neurons of layer 2: each entry sums two flows, "
                    "and in matrix form g[1a] = g[2z] (W[2])ᵀ");

    double *d = malloc(n * sizeof *d);
    if (!d) {
        h->oom = 1;
        return;
    }
    for (size_t j = 0; j < n; j++)
        d[j] = D(v, l, j);
    char dn[32];
    snprintf(dn, sizeof dn, "d%zu", l);
    eq(h, sec);
    wh(h, "g", l, 'z', NULL);
    equals(h);
    act(h, "g", "h", 1);
    tk(h, BS_TOK_CALL_OPEN);
    wh(h, "z", l, 0, NULL);
    tk(h, BS_TOK_CALL_CLOSE);
    tk(h, BS_TOK_HADAMARD);
    wh(h, "g", l, 'a', NULL);
    equals(h);
    mat(h, d, 1, n, dn, 1, 0);
    tk(h, BS_TOK_HADAMARD);
    mat(h, v->g->ga[l], 1, n, nm[2], 1, 0);
    equals(h);
    mat(h, v->g->gz[l], 1, n, nm[3], 1, 0);
    free(d);

    char an[32], gw[32], gb[32];
    snprintf(an, sizeof an, "a%zu", l - 1);
    snprintf(gw, sizeof gw, "gW%zu", l);
    snprintf(gb, sizeof gb, "gb%zu", l);
    eq(h, sec);
    wh(h, "g", l, 'W', NULL);
    equals(h);
    tk(h, BS_TOK_T_OPEN);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "a", l - 1, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_T_CLOSE);
    tk(h, BS_TOK_DOT);
    wh(h, "g", l, 'z', NULL);
    equals(h);
    mat(h, v->fw->a[l - 1], 1, np, an, 1, 1);
    tk(h, BS_TOK_DOT);
    mat(h, v->g->gz[l], 1, n, nm[3], 1, 0);
    equals(h);
    mat(h, v->g->gW[l], np, n, gw, 0, 0);
    set_note(h, "the columns ∂ℒ/∂W_j above, side by side");

    eq(h, sec);
    wh(h, "g", l, 'b', NULL);
    equals(h);
    wh(h, "g", l, 'z', NULL);
    equals(h);
    mat(h, v->g->gb[l], 1, n, gb, 1, 0);
}

static void h1_build(bs_handout *h, const vals *v)
{
    h1_forward(h, v);
    h1_perf(h, v);
    h1_update(h, v);
    h1_output(h, v);
    /* neuron by neuron: every one of a small layer, the first and the last
     * 3 of a large one */
    for (size_t l = 2; l >= 1; l--) {
        shown su = pick(v->net->n[l]);
        for (size_t a = 0; a < su.n; a++)
            if (!gap(&su, a))
                h1_neuron(h, v, l, su.k[a]);
        h1_layer_summary(h, v, l);
    }
    /* the handout calls this layer "the input layer" */
    for (size_t i = 0; i < h->n; i++)
        if (h->eq[i].section == S1_L1) {
            if (!h->eq[i].erratum)
                h->eq[i].erratum = "the handout heads this part \"the input layer z[1]|a[1]\": "
                                   "it is the first hidden layer";
            break;
        }
}

/* ------------------------------------------------------------ handout 000 */

static const char *const S0_FWD = "Forward Propagation";
static const char *const S0_LOSS = "Loss Function";
static const char *const S0_S1 = "Step 1: Gradient at the Output Layer";
static const char *const S0_S2 = "Step 2: Gradient at the Hidden Layer";
static const char *const S0_SUM = "Summary of Gradients";
static const char *const S0_FIG = "Figure 1: from scalars to linear algebra";

/* W[l] in the handout's orientation (n_l × n_{l−1}); grad: ∂L/∂W[l] */
static double *colw(bs_handout *h, const vals *v, size_t l, int grad)
{
    size_t no = v->net->n[l], ni = v->net->n[l - 1];
    const double *src = grad ? v->g->gW[l] : v->net->W[l];
    double *t = malloc(no * ni * sizeof *t);
    if (!t) {
        h->oom = 1;
        return NULL;
    }
    for (size_t j = 0; j < no; j++)
        for (size_t i = 0; i < ni; i++)
            t[j * ni + i] = src[i * no + j];
    double *k = keep(h, t, no * ni);
    free(t);
    return k;
}

/* a column vector of values with refs name[k] */
static void col(bs_handout *h, const double *x, size_t n, const char *name)
{
    mat(h, x, 1, n, name, 1, 1);
}

static void row(bs_handout *h, const double *x, size_t n, const char *name)
{
    mat(h, x, 1, n, name, 1, 0);
}

/* σ, f with or without prime, applied to z[l] */
static void act0(bs_handout *h, size_t l, int prime)
{
    act(h, l == 1 ? "σ" : "f", NULL, prime);
    tk(h, BS_TOK_CALL_OPEN);
    wh(h, "z", l, 0, NULL);
    tk(h, BS_TOK_CALL_CLOSE);
}

static void dL(bs_handout *h, const char *base, size_t l)
{
    dopen(h, "L");
    wh(h, base, l, 0, NULL);
    dclose(h);
}

static void T(bs_handout *h, const char *base, size_t l)
{
    tk(h, BS_TOK_T_OPEN);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, base, l, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_T_CLOSE);
}

/* What the sections of handout 000 share: the network, its sizes, the
 * vectors and the column-convention matrices of its numbers. */
typedef struct h0_ctx {
    const bs_net *net;
    size_t n0, n1, n2;
    const double *x, *y, *yh;
    double *W1, *W2, *gW1, *gW2; /* W and ∂L/∂W as the column convention writes them */
    double *d1, *d2;             /* σ'(z[1]) and f'(z[2]) */
    double *J;                   /* ∂ŷ/∂z[2] = diag f'(z[2]) */
    double *gy;                  /* ∂L/∂ŷ = ŷ − y */
    const double *gz2, *gz1, *ga1;
} h0_ctx;

/* The forward pass, z[l] and a[l]. */
static void h0_forward(bs_handout *h, const vals *v, const h0_ctx *c)
{
    for (size_t l = 1; l <= 2; l++) {
        eq(h, S0_FWD);
        wh(h, "z", l, 0, NULL);
        equals(h);
        wh(h, "W", l, 0, NULL);
        tk(h, BS_TOK_DOT);
        if (l == 1)
            wh(h, "x", 0, 0, NULL);
        else
            wh(h, "a", 1, 0, NULL);
        tk(h, BS_TOK_PLUS);
        wh(h, "b", l, 0, NULL);
        equals(h);
        mat(h, l == 1 ? c->W1 : c->W2, c->net->n[l], c->net->n[l - 1], l == 1 ? "W1" : "W2", 0, 0);
        tk(h, BS_TOK_DOT);
        col(h, v->fw->a[l - 1], c->net->n[l - 1], l == 1 ? "x" : "a1");
        tk(h, BS_TOK_PLUS);
        col(h, c->net->b[l], c->net->n[l], l == 1 ? "b1" : "b2");
        equals(h);
        col(h, v->fw->z[l], c->net->n[l], l == 1 ? "z1" : "z2");

        eq(h, S0_FWD);
        if (l == 1)
            wh(h, "a", 1, 0, NULL);
        else
            wh(h, "ŷ", 0, 0, NULL);
        equals(h);
        act0(h, l, 0);
        equals(h);
        act(h, l == 1 ? "σ" : "f", NULL, 0);
        tk(h, BS_TOK_CALL_OPEN);
        col(h, v->fw->z[l], c->net->n[l], l == 1 ? "z1" : "z2");
        tk(h, BS_TOK_CALL_CLOSE);
        equals(h);
        col(h, v->fw->a[l], c->net->n[l], l == 1 ? "a1" : "a2");
    }

    eq(h, S0_LOSS);
    m(h, "L");
    equals(h);
    m(h, "½‖y − ŷ‖²");
    equals(h);
    m(h, "½‖");
    col(h, c->y, c->n2, "y");
    tk(h, BS_TOK_MINUS);
    col(h, c->yh, c->n2, "a2");
    m(h, "‖²");
    equals(h);
    num(h, v->fw->loss, 0, "L");
}

/* Step 1's ∂L/∂z[2]: ∂L/∂ŷ, the Jacobian of ŷ = f(z[2]), and ∂L/∂z[2] in its
 * Jacobian, Hadamard and closed forms */
static void h0_step1_gz(bs_handout *h, const h0_ctx *c)
{
    eq(h, S0_S1);
    dL(h, "ŷ", 0);
    equals(h);
    wh(h, "ŷ", 0, 0, NULL);
    tk(h, BS_TOK_MINUS);
    wh(h, "y", 0, 0, NULL);
    equals(h);
    col(h, c->yh, c->n2, "a2");
    tk(h, BS_TOK_MINUS);
    col(h, c->y, c->n2, "y");
    equals(h);
    col(h, c->gy, c->n2, "gyhat");

    eq(h, S0_S1);
    dwh(h, "ŷ", 0, NULL, "z", 2, NULL);
    equals(h);
    m(h, "diag ");
    act0(h, 2, 1);
    equals(h);
    mat(h, c->J, c->n2, c->n2, "J2", 0, 0);
    set_note(h, "the Jacobian of ŷ = f(z[2]): ŷ_j depends on z_j[2] only, so only the "
                "diagonal is not zero");

    eq(h, S0_S1);
    dL(h, "z", 2);
    equals(h);
    dL(h, "ŷ", 0);
    tk(h, BS_TOK_SCALE_OP);
    dwh(h, "ŷ", 0, NULL, "z", 2, NULL);
    equals(h);
    row(h, c->gy, c->n2, "gyhat");
    tk(h, BS_TOK_DOT);
    mat(h, c->J, c->n2, c->n2, "J2", 0, 0);
    equals(h);
    row(h, c->gz2, c->n2, "gz2");
    set_note(h, "the Jacobian form: ∂L/∂ŷ as a row times the n2×n2 Jacobian; the result "
                "is ∂L/∂z[2], here written as a row");

    eq(h, S0_S1);
    dL(h, "z", 2);
    equals(h);
    dL(h, "ŷ", 0);
    tk(h, BS_TOK_HADAMARD);
    act0(h, 2, 1);
    equals(h);
    col(h, c->gy, c->n2, "gyhat");
    tk(h, BS_TOK_HADAMARD);
    col(h, c->d2, c->n2, "d2");
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
    set_note(h, "why? a vector times a diagonal matrix multiplies entry by entry: the "
                "Jacobian form above and this Hadamard form give the same numbers, because "
                "f is elementwise (a softmax output needs the full Jacobian)");

    eq(h, S0_S1);
    dL(h, "z", 2);
    equals(h);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "ŷ", 0, 0, NULL);
    tk(h, BS_TOK_MINUS);
    wh(h, "y", 0, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_HADAMARD);
    act0(h, 2, 1);
    equals(h);
    tk(h, BS_TOK_GROUP_OPEN);
    col(h, c->yh, c->n2, "a2");
    tk(h, BS_TOK_MINUS);
    col(h, c->y, c->n2, "y");
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_HADAMARD);
    col(h, c->d2, c->n2, "d2");
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
}

/* Step 1's parameters: δ[2] named, the factor ∂z[2]/∂W[2], ∂L/∂W[2] as an
 * outer product and ∂L/∂b[2] */
static void h0_step1_params(bs_handout *h, const vals *v, const h0_ctx *c)
{
    eq(h, S0_S1);
    m(h, "δ");
    wh(h, "", 2, 0, NULL);
    equals(h);
    dL(h, "z", 2);
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
    set_erratum(h, "the handout uses δ[2] in Step 2 without defining it: δ[2] = ∂L/∂z[2], "
                   "the vector of Step 1");

    eq(h, S0_S1);
    dwh(h, "z", 2, "j", "W", 2, "j,k");
    equals(h);
    wh(h, "a", 1, 0, "k");
    equals(h);
    row(h, v->fw->a[1], c->n1, "a1");
    set_note(h, "the factor ∂z[2]/∂W[2]: z_j[2] = Σ_k W_{j,k}[2] a_k[1] + b_j[2], so "
                "W_{j,k}[2] meets a_k[1] only (and no z_i[2] with i ≠ j)");

    eq(h, S0_S1);
    dL(h, "W", 2);
    equals(h);
    dL(h, "z", 2);
    tk(h, BS_TOK_SCALE_OP);
    dwh(h, "z", 2, NULL, "W", 2, NULL);
    equals(h);
    dL(h, "z", 2);
    tk(h, BS_TOK_SCALE_OP);
    T(h, "a", 1);
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
    tk(h, BS_TOK_DOT);
    row(h, v->fw->a[1], c->n1, "a1");
    equals(h);
    mat(h, c->gW2, c->n2, c->n1, "gW2", 0, 0);
    set_note(h, "why? entry (j, k) is ∂L/∂z_j[2] · a_k[1] by the factor above: that is "
                "the outer product ∂L/∂z[2] (a[1])ᵀ");

    eq(h, S0_S1);
    dL(h, "b", 2);
    equals(h);
    dL(h, "z", 2);
    tk(h, BS_TOK_SCALE_OP);
    dwh(h, "z", 2, NULL, "b", 2, NULL);
    equals(h);
    dL(h, "z", 2);
    equals(h);
    col(h, v->g->gb[2], c->n2, "gb2");
    set_note(h, "∂z[2]/∂b[2] is the identity: z_j[2] = … + b_j[2]");
}

/* Step 1, the gradient at the output layer. */
static void h0_step1(bs_handout *h, const vals *v, const h0_ctx *c)
{
    h0_step1_gz(h, c);
    h0_step1_params(h, v, c);
}

/* Step 2, the gradient at the hidden layer. */
static void h0_step2(bs_handout *h, const vals *v, const h0_ctx *c)
{
    eq(h, S0_S2);
    dwh(h, "z", 2, NULL, "a", 1, NULL);
    equals(h);
    wh(h, "W", 2, 0, NULL);
    equals(h);
    mat(h, c->W2, c->n2, c->n1, "W2", 0, 0);
    set_note(h, "the factor ∂z[2]/∂a[1]: ∂z_j[2]/∂a_k[1] = W_{j,k}[2]");

    eq(h, S0_S2);
    dL(h, "a", 1);
    equals(h);
    dL(h, "z", 2);
    tk(h, BS_TOK_SCALE_OP);
    dwh(h, "z", 2, NULL, "a", 1, NULL);
    equals(h);
    T(h, "W", 2);
    tk(h, BS_TOK_SCALE_OP);
    dL(h, "z", 2);
    equals(h);
    mat(h, c->W2, c->n2, c->n1, "W2", 0, 1);
    tk(h, BS_TOK_DOT);
    col(h, c->gz2, c->n2, "gz2");
    equals(h);
    col(h, c->ga1, c->n1, "ga1");
    set_note(h, "why? a_k[1] reaches L through every z_j[2]: ∂L/∂a_k[1] = Σ_j W_{j,k}[2] "
                "∂L/∂z_j[2], the k-th entry of (W[2])ᵀ ∂L/∂z[2]");

    eq(h, S0_S2);
    act0(h, 1, 1);
    equals(h);
    col(h, c->d1, c->n1, "d1");

    eq(h, S0_S2);
    dL(h, "z", 1);
    equals(h);
    dL(h, "a", 1);
    tk(h, BS_TOK_SCALE_OP);
    dwh(h, "a", 1, NULL, "z", 1, NULL);
    equals(h);
    T(h, "W", 2);
    tk(h, BS_TOK_SCALE_OP);
    m(h, "δ");
    wh(h, "", 2, 0, NULL);
    tk(h, BS_TOK_HADAMARD);
    act0(h, 1, 1);
    equals(h);
    mat(h, c->W2, c->n2, c->n1, "W2", 0, 1);
    tk(h, BS_TOK_DOT);
    col(h, c->gz2, c->n2, "gz2");
    tk(h, BS_TOK_HADAMARD);
    col(h, c->d1, c->n1, "d1");
    equals(h);
    col(h, c->gz1, c->n1, "gz1");
    set_note(h, "δ[2] is ∂L/∂z[2] of Step 1");

    eq(h, S0_S2);
    dL(h, "W", 1);
    equals(h);
    dL(h, "z", 1);
    tk(h, BS_TOK_SCALE_OP);
    T(h, "x", 0);
    equals(h);
    col(h, c->gz1, c->n1, "gz1");
    tk(h, BS_TOK_DOT);
    row(h, c->x, c->n0, "x");
    equals(h);
    mat(h, c->gW1, c->n1, c->n0, "gW1", 0, 0);

    eq(h, S0_S2);
    dL(h, "b", 1);
    equals(h);
    dL(h, "z", 1);
    equals(h);
    col(h, v->g->gb[1], c->n1, "gb1");
}

/* The Summary of Gradients, each formula composed as printed. */
static void h0_summary(bs_handout *h, const vals *v, const h0_ctx *c)
{
    /* Summary: each formula composed as printed, its inner vectors evaluated */
    eq(h, S0_SUM);
    dL(h, "W", 2);
    equals(h);
    m(h, "[");
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "ŷ", 0, 0, NULL);
    tk(h, BS_TOK_MINUS);
    wh(h, "y", 0, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_HADAMARD);
    act0(h, 2, 1);
    m(h, "]");
    tk(h, BS_TOK_SCALE_OP);
    T(h, "a", 1);
    equals(h);
    m(h, "[");
    col(h, c->gy, c->n2, "gyhat");
    tk(h, BS_TOK_HADAMARD);
    col(h, c->d2, c->n2, "d2");
    m(h, "]");
    tk(h, BS_TOK_SCALE_OP);
    row(h, v->fw->a[1], c->n1, "a1");
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
    tk(h, BS_TOK_DOT);
    row(h, v->fw->a[1], c->n1, "a1");
    equals(h);
    mat(h, c->gW2, c->n2, c->n1, "gW2", 0, 0);

    eq(h, S0_SUM);
    dL(h, "b", 2);
    equals(h);
    tk(h, BS_TOK_GROUP_OPEN);
    wh(h, "ŷ", 0, 0, NULL);
    tk(h, BS_TOK_MINUS);
    wh(h, "y", 0, 0, NULL);
    tk(h, BS_TOK_GROUP_CLOSE);
    tk(h, BS_TOK_HADAMARD);
    act0(h, 2, 1);
    equals(h);
    col(h, c->gy, c->n2, "gyhat");
    tk(h, BS_TOK_HADAMARD);
    col(h, c->d2, c->n2, "d2");
    equals(h);
    col(h, v->g->gb[2], c->n2, "gb2");

    for (int bias = 0; bias <= 1; bias++) {
        eq(h, S0_SUM);
        dL(h, bias ? "b" : "W", 1);
        equals(h);
        if (!bias)
            m(h, "[");
        T(h, "W", 2);
        tk(h, BS_TOK_GROUP_OPEN);
        tk(h, BS_TOK_GROUP_OPEN);
        wh(h, "ŷ", 0, 0, NULL);
        tk(h, BS_TOK_MINUS);
        wh(h, "y", 0, 0, NULL);
        tk(h, BS_TOK_GROUP_CLOSE);
        tk(h, BS_TOK_HADAMARD);
        act0(h, 2, 1);
        tk(h, BS_TOK_GROUP_CLOSE);
        tk(h, BS_TOK_HADAMARD);
        act0(h, 1, 1);
        if (!bias) {
            m(h, "]");
            tk(h, BS_TOK_SCALE_OP);
            T(h, "x", 0);
        }
        equals(h);
        if (!bias)
            m(h, "[");
        mat(h, c->W2, c->n2, c->n1, "W2", 0, 1);
        tk(h, BS_TOK_SCALE_OP);
        col(h, c->gz2, c->n2, "gz2");
        tk(h, BS_TOK_HADAMARD);
        col(h, c->d1, c->n1, "d1");
        if (!bias) {
            m(h, "]");
            tk(h, BS_TOK_SCALE_OP);
            row(h, c->x, c->n0, "x");
        }
        equals(h);
        if (!bias) {
            col(h, c->gz1, c->n1, "gz1");
            tk(h, BS_TOK_DOT);
            row(h, c->x, c->n0, "x");
            equals(h);
            mat(h, c->gW1, c->n1, c->n0, "gW1", 0, 0);
        } else {
            col(h, v->g->gb[1], c->n1, "gb1");
        }
        set_note(h, "the inner vector (ŷ − y) ∘ f'(z[2]) is δ[2] = ∂L/∂z[2], evaluated "
                    "above");
    }
}

/* The indices a shown set s holds, its gap left out, into idx; their
 * count. */
static size_t shown_indices(const shown *s, size_t *idx)
{
    size_t n = 0;
    for (size_t a = 0; a < s->n; a++)
        if (!gap(s, a))
            idx[n++] = s->k[a];
    return n;
}

/* Figure 1 drawn: layer 2 whole, or for a layer too large to draw whole
 * its first and last units (bs_matrix_shown), their numbers copied. */
static void h0_figure_drawn(bs_handout *h, const vals *v, const h0_ctx *c, const shown *js,
                            const shown *ks)
{
    h->fig.layer = 2;
    h->fig.nin = c->n1;
    h->fig.nout = c->n2;
    h->fig.a = v->fw->a[1];
    h->fig.gz = c->gz2;
    h->fig.gW = c->gW2;
    h->fig_at = h->n;
    if (js->n == c->n2 && ks->n == c->n1)
        return;
    size_t nk = shown_indices(ks, h->fig_k), nj = shown_indices(js, h->fig_j);
    double *a = hold(h, malloc(nk * sizeof *a));
    double *gz = hold(h, malloc(nj * sizeof *gz));
    double *gW = hold(h, malloc(nj * nk * sizeof *gW));
    if (!a || !gz || !gW) {
        h->fig.nin = 0;
        return;
    }
    for (size_t k = 0; k < nk; k++)
        a[k] = v->fw->a[1][h->fig_k[k]];
    for (size_t j = 0; j < nj; j++) {
        gz[j] = c->gz2[h->fig_j[j]];
        for (size_t k = 0; k < nk; k++)
            gW[j * nk + k] = c->gW2[h->fig_j[j] * c->n1 + h->fig_k[k]];
    }
    h->fig = (bs_outer_fig){.layer = 2, .nin = nk, .nout = nj, .a = a, .gz = gz, .gW = gW,
                            .kin = h->fig_k, .jout = h->fig_j, .nin_all = c->n1,
                            .nout_all = c->n2};
}

/* The figure, from scalars to linear algebra. */
static void h0_figure(bs_handout *h, const vals *v, const h0_ctx *c)
{
    /* the figure drawn, then each scalar derivative (of the shown units of
     * a large layer), then the matrix it fills */
    shown js = pick(c->n2), ks = pick(c->n1);
    h0_figure_drawn(h, v, c, &js, &ks);
    for (size_t ja = 0; ja < js.n; ja++)
        for (size_t ka = 0; ka < ks.n; ka++) {
            if (gap(&js, ja) || gap(&ks, ka))
                continue;
            size_t j = js.k[ja], k = ks.k[ka];
            eq(h, S0_FIG);
            dopen(h, "L");
            wel(h, 2, j, k);
            dclose(h);
            equals(h);
            dopen(h, "L");
            el(h, "z", 2, j);
            dclose(h);
            tk(h, BS_TOK_DOT);
            el(h, "a", 1, k);
            equals(h);
            num(h, c->gz2[j], 1, "gz2[%zu]", j);
            tk(h, BS_TOK_TIMES);
            num(h, v->fw->a[1][k], 1, "a1[%zu]", k);
            equals(h);
            num(h, c->gW2[j * c->n1 + k], 0, "gW2[%zu,%zu]", j, k);
        }
    eq(h, S0_FIG);
    dL(h, "W", 2);
    equals(h);
    /* the matrix of the scalars, row j and column k */
    m(h, "[");
    for (size_t ja = 0; ja < js.n; ja++)
        for (size_t ka = 0; ka < ks.n; ka++) {
            if (ja || ka)
                m(h, ka ? ", " : "; ");
            if (gap(&js, ja) || gap(&ks, ka)) {
                tk(h, BS_TOK_ELLIPSIS);
                continue;
            }
            dopen(h, "L");
            el(h, "z", 2, js.k[ja]);
            dclose(h);
            tk(h, BS_TOK_SCALE_OP);
            el(h, "a", 1, ks.k[ka]);
        }
    m(h, "]");
    equals(h);
    dL(h, "z", 2);
    tk(h, BS_TOK_SCALE_OP);
    T(h, "a", 1);
    equals(h);
    col(h, c->gz2, c->n2, "gz2");
    tk(h, BS_TOK_DOT);
    row(h, v->fw->a[1], c->n1, "a1");
    equals(h);
    mat(h, c->gW2, c->n2, c->n1, "gW2", 0, 0);
    set_note(h, "the scalars above, entry (j, k) in row j and column k: the outer product "
                "of the column ∂L/∂z[2] and the row (a[1])ᵀ");
}

static void h0_build(bs_handout *h, const vals *v)
{
    const bs_net *net = v->net;
    size_t n0 = net->n[0], n1 = net->n[1], n2 = net->n[2];
    const double *x = v->fw->a[0], *y = net->y, *yh = v->fw->a[2];
    double *W1 = colw(h, v, 1, 0), *W2 = colw(h, v, 2, 0), *gW1 = colw(h, v, 1, 1),
           *gW2 = colw(h, v, 2, 1);
    double *d1 = malloc(n1 * sizeof *d1), *d2 = malloc(n2 * sizeof *d2),
           *J = calloc(n2 * n2, sizeof *J), *gy = malloc(n2 * sizeof *gy);
    if (!W1 || !W2 || !gW1 || !gW2 || !d1 || !d2 || !J || !gy) {
        h->oom = 1;
        free(d1);
        free(d2);
        free(J);
        free(gy);
        return;
    }
    for (size_t j = 0; j < n1; j++)
        d1[j] = D(v, 1, j);
    for (size_t j = 0; j < n2; j++) {
        d2[j] = D(v, 2, j);
        J[j * n2 + j] = d2[j];
        gy[j] = yh[j] - y[j];
    }
    const double *gz2 = v->g->gz[2], *gz1 = v->g->gz[1], *ga1 = v->g->ga[1];

    h0_ctx c = {net, n0, n1, n2, x, y, yh, W1, W2, gW1, gW2, d1, d2, J, gy, gz2, gz1, ga1};
    h0_forward(h, v, &c);
    h0_step1(h, v, &c);
    h0_step2(h, v, &c);
    h0_summary(h, v, &c);
    h0_figure(h, v, &c);
    free(d1);
    free(d2);
    free(J);
    free(gy);
}

/* ------------------------------------------------------------ handout 002 */

static const char *own_z(bs_handout *h, size_t l) { return ostr(h, "z[%zu,i]", l); }
static const char *own_a(bs_handout *h, size_t l, size_t i) { return ostr(h, "a[%zu,%zu]", l, i); }
static const char *own_zt(bs_handout *h, size_t l, size_t t) { return ostr(h, "z_%zu[%zu,0]", t, l); }
static const char *own_lce(bs_handout *h, size_t i) { return ostr(h, "L_CE[%zu]", i); }

/* a symbol in handout 002's notation, as small Unicode mathematics */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sym(bs_handout *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = own(h, fmt, ap);
    va_end(ap);
    m(h, s);
}

/* the handout's label of the current equation: "(19)", "Lemma 1" */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void lab(bs_handout *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = own(h, fmt, ap);
    va_end(ap);
    if (cur(h))
        cur(h)->label = s;
}

/* a name of the handout's program (dW3), in the code font */
static void code(bs_handout *h, const char *name)
{
    bs_piece p = piece(BS_PC_ELEM);
    p.elem.base = name;
    p.elem.whole = 1;
    p.elem.code = 1;
    put(h, p);
}

/* An R×C matrix of handout 002 shown as it is or transposed; its element
 * (r, c) is called name[ex,r,c], or name[r,c] when ex is BS_NONE; a row
 * (R = 1) of example ex is name[ex,c] (name[c] when ex is BS_NONE). */
static void mx(bs_handout *h, const double *M, size_t R, size_t C, int tr, const char *name,
               size_t ex)
{
    grid(h, M, R, C, tr, name, ex, 1);
}
static const char *const S2_NOT = "Notation";
static const char *const S2_LOSS = "The loss function";
static const char *const S2_ST1 = "First backpropagation step: output layer to second hidden layer";
static const char *const S2_LM1 = "Lemma 1: derivative of softmax";
static const char *const S2_LM2 = "Lemma 2";
static const char *const S2_LM3 = "Lemma 3";
static const char *const S2_LM4 = "Lemma 4";
static const char *const S2_N2 = "Note 2: the program's dz3, dW3, db3";
static const char *const S2_ST2 = "Second backpropagation step: second to first hidden layer";
static const char *const S2_N3 = "Note 3: the program's da2, dz2, dW2, db2";
static const char *const S2_ST3 = "Third backpropagation step: first hidden layer to input layer";
static const char *const S2_N4 = "Note 4: the program's da1, dz1, dW1, db1";
static const char *const S2_N5 = "Note 5: L2 regularization";

/* the working values of handout 002's walk */
typedef struct h2 {
    const vals *v;
    size_t B, n[4];
    size_t nex;     /* the examples whose own equations are written: all, or the first */
    double *pgz[4]; /* pgz[l]: B×n[l], ∂L_CE^[i]/∂z[l,i] of each example, row i */
    double *pga[4]; /* pga[l]: B×n[l], ∂L_CE^[i]/∂a[l,i] (l = 1, 2) */
    double *sumW[4], *sumb[4]; /* Σ_i ∂L_CE^[i]/∂W[l], ∂L_CE^[i]/∂b[l] */
} h2;

static double A2(const h2 *c, size_t l, size_t i, size_t r)
{
    return c->v->fw->a[l][i * c->n[l] + r];
}

static double Z2(const h2 *c, size_t l, size_t i, size_t r)
{
    return c->v->fw->z[l][i * c->n[l] + r];
}

static double Y2(const h2 *c, size_t i, size_t j)
{
    return c->v->net->y[i * c->n[3] + j];
}

/* An equation written for each example is written for the first alone when
 * the batch is larger than a matrix shows whole: say so beside it. */
static void exnote(bs_handout *h, const h2 *c)
{
    bs_heq *e = cur(h);
    if (!e || c->nex == c->B)
        return;
    e->note = e->note ? ostr(h, "%s (example i = 0 of %zu)", e->note, c->B)
                      : ostr(h, "example i = 0 of %zu: each example has this equation, "
                                "with its own rows",
                             c->B);
}

/* the program's value of a step (bs_step_program_value), all its elements */
static double *prog(bs_handout *h, const char *id, size_t n)
{
    const bs_step *st = bs_trace_find(h->t, id);
    double *out = malloc((n ? n : 1) * sizeof *out);
    if (!out) {
        h->oom = 1;
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        if (!st || k >= st->rows * st->cols || !bs_step_program_value(h->t, st, k, &out[k]))
            out[k] = NAN; /* shown as not a number: never a value the program has not */
    double *kept = keep(h, out, n);
    free(out);
    return kept;
}

/* a[l−1,i] in the handout's notation: X[i] for the input */
static void ain(bs_handout *h, size_t l, size_t i)
{
    if (l == 1)
        sym(h, "X[%zu]", i);
    else
        sym(h, "a[%zu,%zu]", l - 1, i);
}

/* the name of a[l−1]'s numbers: x or a1, a2 */
static const char *ainname(size_t l)
{
    return l == 1 ? "x" : l == 2 ? "a1" : "a2";
}

/* z[l,i] = a[l−1,i] W[l] + b[l], with the matrices */
static void h2_z(bs_handout *h, h2 *c, const char *sec, size_t l, size_t i, int label)
{
    const bs_net *net = c->v->net;
    eq(h, sec);
    lab(h, "(%d)", label);
    sym(h, "z[%zu,%zu]", l, i);
    equals(h);
    ain(h, l, i);
    tk(h, BS_TOK_DOT);
    sym(h, "W[%zu]", l);
    tk(h, BS_TOK_PLUS);
    sym(h, "b[%zu]", l);
    equals(h);
    char nm[8];
    mx(h, &c->v->fw->a[l - 1][i * c->n[l - 1]], 1, c->n[l - 1], 0, ainname(l), i);
    tk(h, BS_TOK_DOT);
    snprintf(nm, sizeof nm, "W%zu", l);
    mx(h, net->W[l], c->n[l - 1], c->n[l], 0, nm, BS_NONE);
    tk(h, BS_TOK_PLUS);
    snprintf(nm, sizeof nm, "b%zu", l);
    mx(h, net->b[l], 1, c->n[l], 0, nm, BS_NONE);
    equals(h);
    snprintf(nm, sizeof nm, "z%zu", l);
    mx(h, &c->v->fw->z[l][i * c->n[l]], 1, c->n[l], 0, nm, i);
    exnote(h, c);
}

/* a[l,i] = f(z[l,i]) with the rows */
static void h2_a(bs_handout *h, h2 *c, const char *sec, size_t l, size_t i, int label)
{
    const char *f = l == 3 ? "softmax" : "sigmoid";
    char nm[8];
    eq(h, sec);
    lab(h, "(%d)", label);
    if (l == 3) {
        sym(h, "ŷ(%zu)", i);
        equals(h);
    }
    sym(h, "a[%zu,%zu]", l, i);
    equals(h);
    sym(h, "%s", f);
    tk(h, BS_TOK_CALL_OPEN);
    sym(h, "z[%zu,%zu]", l, i);
    tk(h, BS_TOK_CALL_CLOSE);
    equals(h);
    sym(h, "%s", f);
    tk(h, BS_TOK_CALL_OPEN);
    snprintf(nm, sizeof nm, "z%zu", l);
    mx(h, &c->v->fw->z[l][i * c->n[l]], 1, c->n[l], 0, nm, i);
    tk(h, BS_TOK_CALL_CLOSE);
    equals(h);
    snprintf(nm, sizeof nm, "a%zu", l);
    mx(h, &c->v->fw->a[l][i * c->n[l]], 1, c->n[l], 0, nm, i);
    if (l == 1)
        set_erratum(h, "the handout writes a[1,i] = sigmoid(z[1]) and calls a[1,i] a B×n1 "
                       "matrix: it is sigmoid(z[1,i]), a 1×n1 row, as here");
    exnote(h, c);
}

/* the sum over the batch of the per-example matrices (R×C each) named
 * pname[i]: per[a] is example ex.k[a]'s (NULL at the gap), sum the sum over
 * every example, named sname */
static void h2_batchsum(bs_handout *h, const double *const *per, const shown *ex, size_t R,
                        size_t C, const char *pname, const double *sum, const char *sname)
{
    for (size_t a = 0; a < ex->n; a++) {
        if (term(h, ex, a))
            mx(h, per[a], R, C, 0, pname, ex->k[a]);
    }
    equals(h);
    mx(h, sum, R, C, 0, sname, BS_NONE);
}

/* ∂L_CE^[i]/∂W[l] of example i, the n[l−1]×n[l] matrix of entries
 * (∂L_CE/∂z[l,i])_r · (the input)_q, in a new array */
static double *h2_perW(bs_handout *h, const h2 *c, size_t l, size_t i)
{
    size_t ni = c->n[l - 1], no = c->n[l];
    double *P = malloc((ni * no > 0 ? ni * no : 1) * sizeof *P);
    if (!P) {
        h->oom = 1;
        return NULL;
    }
    for (size_t q = 0; q < ni; q++)
        for (size_t r = 0; r < no; r++)
            P[q * no + r] = c->pgz[l][i * no + r] * c->v->fw->a[l - 1][i * ni + q];
    return P;
}

/* ∂top/∂ and a symbol of handout 002's notation: ∂L/∂W[3] */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void dsym(bs_handout *h, const char *top, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = own(h, fmt, ap);
    va_end(ap);
    dopen(h, top);
    m(h, s);
    dclose(h);
}

/* the factor 1/B: the symbol B, or with value set the batch's size */
static void invb(bs_handout *h, const h2 *c, int value)
{
    frac(h, BS_PC_FRAC_OPEN);
    m(h, "1");
    frac(h, BS_PC_FRAC_MID);
    if (value)
        num(h, (double)c->B, 0, "B");
    else
        m(h, "B");
    frac(h, BS_PC_FRAC_CLOSE);
}

/* the penalty's term of W[l], + 2λ · W[l] as symbols, or with value set
 * + 2 × λ × W[l] with the numbers */
static void penalty(bs_handout *h, const h2 *c, size_t l, int value)
{
    tk(h, BS_TOK_PLUS);
    if (!value) {
        tk(h, BS_TOK_TWO_LAMBDA);
        sym(h, "W[%zu]", l);
        return;
    }
    char nm[8];
    m(h, "2");
    tk(h, BS_TOK_TIMES);
    num(h, c->v->net->l2, 1, "lambda");
    tk(h, BS_TOK_TIMES);
    snprintf(nm, sizeof nm, "W%zu", l);
    mx(h, c->v->net->W[l], c->n[l - 1], c->n[l], 0, nm, BS_NONE);
}

/* B · ∂L/∂W[l] = Σ_i ∂L_CE^[i]/∂W[l] and B · ∂L/∂b[l] over every example,
 * kept in c->sumW[l] and c->sumb[l], and the terms of the examples ex shows
 * (per[0] for W, per[1] for b); -1 if memory ran out. */
static int h2_batch_sums(bs_handout *h, h2 *c, size_t l, const shown *ex,
                         const double *per[2][BS_MATRIX_MAX_SHOWN + 1])
{
    size_t ni = c->n[l - 1], no = c->n[l], B = c->B;
    double *sW = calloc(ni * no > 0 ? ni * no : 1, sizeof *sW);
    double *sb = calloc(no > 0 ? no : 1, sizeof *sb);
    if (!sW || !sb) {
        free(sW);
        free(sb);
        h->oom = 1;
        return -1;
    }
    for (size_t i = 0; i < B; i++)
        for (size_t r = 0; r < no; r++) {
            double g = c->pgz[l][i * no + r];
            sb[r] += g;
            for (size_t q = 0; q < ni; q++)
                sW[q * no + r] += g * c->v->fw->a[l - 1][i * ni + q];
        }
    c->sumW[l] = keep(h, sW, ni * no);
    c->sumb[l] = keep(h, sb, no);
    free(sW);
    free(sb);
    if (!c->sumW[l] || !c->sumb[l])
        return -1;
    for (size_t a = 0; a < ex->n; a++)
        if (!gap(ex, a)) {
            double *P = hold(h, h2_perW(h, c, l, ex->k[a]));
            if (!P)
                return -1;
            per[0][a] = P;
            per[1][a] = &c->pgz[l][ex->k[a] * no];
        }
    return 0;
}

/* Notes 2–4 for W[l] (p = 0, penalised) or b[l] (p = 1), labelled with
 * equation eqn: B times the gradient as the sum over the batch, per the
 * terms shown; the program's dW (with the penalty's 2λW) or db; the
 * gradient of the loss beside them */
static void h2_program_param(bs_handout *h, h2 *c, const char *sec, size_t l, int p, int eqn,
                             const double *const *per, const shown *ex)
{
    size_t ni = c->n[l - 1], no = c->n[l];
    char id[16], nm[16], cn[16];
    char q = p ? 'b' : 'W';
    size_t R = p ? 1 : ni;
    const double *sum = p ? c->sumb[l] : c->sumW[l];
    eq(h, sec);
    lab(h, "(%d)", eqn);
    m(h, "B");
    tk(h, BS_TOK_DOT);
    dsym(h, "L", "%c[%zu]", q, l);
    equals(h);
    sym(h, "Σ_i ");
    dsym(h, "L_CE[i]", "%c[%zu]", q, l);
    equals(h);
    snprintf(nm, sizeof nm, "pg%c%zu", q, l);
    snprintf(cn, sizeof cn, "sum%c%zu", q, l);
    h2_batchsum(h, per, ex, R, no, nm, sum, cn);
    if (!p && l == 3)
        set_note(h, "each term is (18) of one example: entry (r, j) is (ŷ_j(i) − y_j(i)) · "
                    "a_r[2,i]; the sum is B times ∂L/∂W[3] of the mean loss (1)");
    else if (!p)
        set_note(h, "each term is (a[n−1,i])ᵀ · ∂L_CE/∂z[n,i], the matrix of the entries "
                    "of one example; the sum is B times ∂L/∂W of the mean loss (1)");
    if (!p && l == 2)
        set_erratum(h, "eq. (35) writes the entry's subscripts (r, i): they are (q, r) (the "
                       "batch index i is also the summation index)");
    if (!p && l == 1)
        set_erratum(h, "eq. (51) writes the entry's subscripts (r, j): they are (q, r)");
    if (p && l == 3)
        set_erratum(h, "Note 2 writes B · (∂L/∂Wb[3])_{r,j}: it is ∂L/∂b[3], with entry "
                       "(1, j)");
    if (p && l == 1)
        set_erratum(h, "eq. (52) writes ∂L_CE^[i]/∂b[2]: it is ∂L_CE^[i]/∂b[1]");
    /* the program's value */
    snprintf(id, sizeof id, "g[%zu%c]", l, q);
    double *pv = prog(h, id, R * no);
    eq(h, sec);
    lab(h, "(%d)", eqn);
    snprintf(nm, sizeof nm, "d%c%zu", q, l);
    code(h, ostr(h, "%s", nm));
    equals(h);
    if (!p) {
        m(h, "B");
        tk(h, BS_TOK_DOT);
        dsym(h, "L", "W[%zu]", l);
        penalty(h, c, l, 0);
        equals(h);
        mx(h, sum, R, no, 0, cn, BS_NONE);
        penalty(h, c, l, 1);
        equals(h);
    }
    if (pv)
        mx(h, pv, R, no, 0, nm, BS_NONE);
    set_note(h, p ? "the program's value: the sum over the batch"
                  : "the program's value: the sum over the batch, which leaves out the 1/B "
                    "of (1), and the penalty's 2λW of eq. (55) added as it is");
    /* the gradient of the loss, with the penalty's term for W */
    eq(h, sec);
    lab(h, "(%d)", eqn);
    dsym(h, p ? "L" : "L^{λ}", "%c[%zu]", q, l);
    equals(h);
    if (!p) {
        invb(h, c, 0);
        tk(h, BS_TOK_DOT);
        sym(h, "Σ_i ");
        dsym(h, "L_CE[i]", "W[%zu]", l);
        penalty(h, c, l, 0);
        equals(h);
    }
    invb(h, c, 1);
    tk(h, BS_TOK_TIMES);
    mx(h, sum, R, no, 0, cn, BS_NONE);
    if (!p)
        penalty(h, c, l, 1);
    equals(h);
    snprintf(cn, sizeof cn, "g%c%zu", q, l);
    mx(h, p ? c->v->g->gb[l] : c->v->g->gW[l], R, no, 0, cn, BS_NONE);
    set_note(h, p ? "the gradient of the mean loss: the program's db is B times it"
                  : "the gradient of the loss with its penalty: the program's data term is "
                    "B times this one's");
}

/* Notes 2–4 for W[l] and b[l]: B times the gradient as the sum over the
 * batch (19)–(20), (35)–(36), (51)–(52); the program's dW (with the
 * penalty's 2λW) and db; and the gradient of the loss beside them */
static void h2_program_W(bs_handout *h, h2 *c, const char *sec, size_t l, int lW, int lb)
{
    shown ex = pick(c->B);
    const double *per[2][BS_MATRIX_MAX_SHOWN + 1] = {{0}};
    if (h2_batch_sums(h, c, l, &ex, per) != 0)
        return;
    h2_program_param(h, c, sec, l, 0, lW, per[0], &ex);
    h2_program_param(h, c, sec, l, 1, lb, per[1], &ex);
}

/* a program's B×n matrix (dz3, da2, dz2, …) and the gradient (1/B) times it */
static void h2_program_rows(bs_handout *h, h2 *c, const char *sec, size_t l, char q,
                            const char *item)
{
    size_t n = c->n[l], B = c->B;
    char id[16], nm[16], gn[16];
    snprintf(id, sizeof id, "g[%zu%c]", l, q);
    snprintf(nm, sizeof nm, "d%c%zu", q, l);
    snprintf(gn, sizeof gn, "g%c%zu", q, l);
    double *pv = prog(h, id, B * n);
    eq(h, sec);
    lab(h, "%s", item);
    code(h, ostr(h, "%s", nm));
    equals(h);
    if (pv)
        mx(h, pv, B, n, 0, nm, BS_NONE);
    set_note(h, q == 'z' && l == 3 ? "row i is ∂L_CE^[i]/∂z[3,i] = ŷ(i) − y(i) of (9): the "
                                     "program leaves out the 1/B of (1)"
                                   : "row i is the example's own gradient (the rows above): "
                                     "the program leaves out the 1/B of (1)");
    eq(h, sec);
    lab(h, "%s", item);
    dsym(h, "L", "%c[%zu]", q, l);
    equals(h);
    invb(h, c, 1);
    tk(h, BS_TOK_TIMES);
    if (pv)
        mx(h, pv, B, n, 0, nm, BS_NONE);
    equals(h);
    mx(h, q == 'z' ? c->v->g->gz[l] : c->v->g->ga[l], B, n, 0, gn, BS_NONE);
    set_note(h, "the gradient of the mean loss (1): the program's value divided by B");
}

/* How one layer's step is labelled: the handout's labels
 * of its parameter part, Lemmas 3–4 for the output layer and (31)–(34),
 * (47)–(50) for the hidden ones, and the names of the indices of W[l]. */
typedef struct h2_labels {
    const char *sum, *slice, *bias, *perW, *perb; /* "(15)", "(14), (16)", … */
    char in, out;               /* W[l]'s entry (in, out): (r, j) for W[3], (q, r) below */
    const char *slice_note;     /* beside each slice of ∂z/∂W */
    const char *bias_note;      /* beside ∂z/∂b, or NULL */
    const char *perW_note;      /* beside ∂L_CE^[i]/∂W */
} h2_labels;

static const h2_labels h2_lab[4] = {
    [3] = {"(15)", "(14), (16)", "(14), (17)", "(18)", "(18)", 'r', 'j',
           "the slice t of the K × (n2 × K) tensor, entry (r, j): a_r[2,0] in the column j = t, "
           "0 elsewhere",
           "the handout writes the left-hand side of (17) ∂z[3,i]/∂Wb[3]: it is ∂z[3,i]/∂b[3]",
           "entry (r, j) is (ŷ_j(i) − y_j(i)) · a_r[2,i]"},
    [2] = {"(31)", "(32)", "(32)", "(33)", "(34)", 'q', 'r',
           "entry (q, r): the column r = t holds the layer's input, every other entry is 0", NULL,
           "entry (q, r) is (∂L_CE/∂z[n,i])_{1,r} · (the input)_q"},
    [1] = {"(47)", "(48)", "(48)", "(49)", "(50)", 'q', 'r',
           "entry (q, r): the column r = t holds the layer's input, every other entry is 0", NULL,
           "entry (q, r) is (∂L_CE/∂z[n,i])_{1,r} · (the input)_q"},
};

/* how z[l] depends on the parameters (example 0): the element sums
 * z_r[l,0] = Σ_q a_q w_{q,r} + b_r, the slices of the tensor ∂z[l,0]/∂W[l]
 * and the matrix ∂z/∂b[l]; Lemma 3 for the output layer */
static void h2_local(bs_handout *h, h2 *c, size_t l)
{
    const bs_net *net = c->v->net;
    const h2_labels *lb = &h2_lab[l];
    const char *sec_z = l == 3 ? S2_LM3 : l == 2 ? S2_ST2 : S2_ST3;
    size_t ni = c->n[l - 1], no = c->n[l];
    shown so = pick(no), si = pick(ni);
    char nm[32];
    /* the element sums of example 0 */
    for (size_t a = 0; a < so.n; a++) {
        if (gap(&so, a))
            continue;
        size_t r = so.k[a];
        eq(h, sec_z);
        lab(h, "%s", lb->sum);
        sym(h, "z_%zu[%zu,0]", r, l);
        equals(h);
        if (l == 1)
            sym(h, "Σ_q x_q[0] w_{q,%zu}[%zu]", r, l);
        else
            sym(h, "Σ_q a_q[%zu,0] w_{q,%zu}[%zu]", l - 1, r, l);
        tk(h, BS_TOK_PLUS);
        sym(h, "b_%zu[%zu]", r, l);
        equals(h);
        for (size_t b = 0; b < si.n; b++) {
            if (!lead(h, &si, b))
                continue;
            size_t q = si.k[b];
            num(h, c->v->fw->a[l - 1][q], 1, "%s[0,%zu]", ainname(l), q);
            tk(h, BS_TOK_TIMES);
            num(h, W(c->v, l, q, r), 1, "W%zu[%zu,%zu]", l, q, r);
            tk(h, BS_TOK_PLUS);
        }
        num(h, net->b[l][r], 1, "b%zu[%zu]", l, r);
        equals(h);
        num(h, Z2(c, l, 0, r), 0, "z%zu[0,%zu]", l, r);
    }
    /* the slices t of ∂z[l,0]/∂W[l] */
    for (size_t a = 0; a < so.n; a++) {
        if (gap(&so, a))
            continue;
        size_t t = so.k[a];
        double *S = calloc(ni * no > 0 ? ni * no : 1, sizeof *S);
        if (!S) {
            h->oom = 1;
            return;
        }
        for (size_t q = 0; q < ni; q++)
            S[q * no + t] = c->v->fw->a[l - 1][q];
        eq(h, sec_z);
        lab(h, "%s", lb->slice);
        dsym(h, own_zt(h, l, t), "W[%zu]", l);
        equals(h);
        if (l == 1)
            sym(h, "I(t = %c) · x_%c[0], t = %zu", lb->out, lb->in, t);
        else
            sym(h, "I(t = %c) · a_%c[%zu,0], t = %zu", lb->out, lb->in, l - 1, t);
        equals(h);
        snprintf(nm, sizeof nm, "dzdW%zu_%zu", l, t);
        mx(h, S, ni, no, 0, nm, 0);
        set_note(h, lb->slice_note);
        free(S);
    }
    /* ∂z[l,i]/∂b[l], the identity */
    double *Id = calloc(no * no > 0 ? no * no : 1, sizeof *Id);
    if (!Id) {
        h->oom = 1;
        return;
    }
    for (size_t t = 0; t < no; t++)
        Id[t * no + t] = 1;
    eq(h, sec_z);
    lab(h, "%s", lb->bias);
    dsym(h, own_z(h, l), "b[%zu]", l);
    equals(h);
    sym(h, "I(t = %c)", lb->out);
    equals(h);
    mx(h, Id, no, no, 0, "I", BS_NONE);
    if (lb->bias_note)
        set_note(h, lb->bias_note);
    free(Id);
}

/* each example's ∂L_CE^[i]/∂W[l] and ∂L_CE^[i]/∂b[l]; Lemma 4 for the
 * output layer */
static void h2_per_example(bs_handout *h, h2 *c, size_t l)
{
    const h2_labels *lb = &h2_lab[l];
    /* the output layer's in Lemma 4, a hidden layer's in its step's section */
    const char *sec_w = l == 3 ? S2_LM4 : l == 2 ? S2_ST2 : S2_ST3;
    size_t ni = c->n[l - 1], no = c->n[l];
    char nm[32];
    for (size_t i = 0; i < c->nex; i++) {
        double *P = h2_perW(h, c, l, i);
        if (!P)
            return;
        eq(h, sec_w);
        lab(h, "%s", lb->perW);
        dsym(h, own_lce(h, i), "W[%zu]", l);
        equals(h);
        if (l == 3) {
            sym(h, "(a[2,%zu])ᵀ · (ŷ(%zu) − y(%zu))", i, i, i);
        } else {
            tk(h, BS_TOK_T_OPEN);
            tk(h, BS_TOK_GROUP_OPEN);
            ain(h, l, i);
            tk(h, BS_TOK_GROUP_CLOSE);
            tk(h, BS_TOK_T_CLOSE);
            tk(h, BS_TOK_DOT);
            dsym(h, "L_CE", "z[%zu,%zu]", l, i);
        }
        equals(h);
        mx(h, &c->v->fw->a[l - 1][i * ni], 1, ni, 1, ainname(l), i);
        tk(h, BS_TOK_DOT);
        snprintf(nm, sizeof nm, "pgz%zu", l);
        mx(h, &c->pgz[l][i * no], 1, no, 0, nm, i);
        equals(h);
        snprintf(nm, sizeof nm, "pgW%zu", l);
        mx(h, P, ni, no, 0, nm, i);
        set_note(h, lb->perW_note);
        exnote(h, c);
        free(P);
        eq(h, sec_w);
        lab(h, "%s", lb->perb);
        dsym(h, own_lce(h, i), "b[%zu]", l);
        equals(h);
        if (l == 3) {
            sym(h, "ŷ(%zu) − y(%zu)", i, i);
        } else {
            dsym(h, "L_CE", "z[%zu,%zu]", l, i);
        }
        equals(h);
        snprintf(nm, sizeof nm, "pgb%zu", l);
        mx(h, &c->pgz[l][i * no], 1, no, 0, nm, i);
        exnote(h, c);
    }
}

/* The parameter part of layer l's step, the same argument for every layer:
 * the element sums z_r[l,0] = Σ_q a_q w_{q,r} + b_r, the slices of the
 * tensor ∂z[l,0]/∂W[l] and the matrix ∂z/∂b[l] (example 0), then each
 * example's ∂L_CE^[i]/∂W[l] and ∂L_CE^[i]/∂b[l]. */
static void h2_params(bs_handout *h, h2 *c, size_t l)
{
    h2_local(h, c, l);
    if (!h->oom)
        h2_per_example(h, c, l);
}

/* (27)–(28), (43)–(44): back through the weights of layer l + 1, per
 * example and for example 0's entries */
static void h2_through_weights(bs_handout *h, h2 *c, size_t l)
{
    const bs_net *net = c->v->net;
    const char *sec = l == 2 ? S2_ST2 : S2_ST3;
    int o = l == 2 ? 0 : 16; /* (27) ↔ (43) */
    size_t no = c->n[l], nu = c->n[l + 1];
    shown so = pick(no), su = pick(nu);
    char nm[32];
    /* (27): ∂z[l+1,i]/∂a[l,i] = (W[l+1])ᵀ */
    eq(h, sec);
    lab(h, "(%d)", 27 + o);
    dsym(h, own_z(h, l + 1), "a[%zu,i]", l);
    equals(h);
    sym(h, "(W[%zu])ᵀ", l + 1);
    equals(h);
    snprintf(nm, sizeof nm, "W%zu", l + 1);
    mx(h, net->W[l + 1], no, nu, 1, nm, BS_NONE);
    set_note(h, "entry (j, r) is w_{r,j} of the layer above, the same for every example");
    if (l == 1)
        set_erratum(h, "eqs. (43)–(44) write w_{r,j}[1]: the entries are those of W[2], as "
                       "here (W[1] is n0×n1 and multiplies X[i], not a[1,i])");
    /* (28): per example, the row and its entries */
    for (size_t i = 0; i < c->nex; i++) {
        eq(h, sec);
        lab(h, "(%d)", 28 + o);
        dsym(h, "L_CE", "a[%zu,%zu]", l, i);
        equals(h);
        dsym(h, "L_CE", "z[%zu,%zu]", l + 1, i);
        tk(h, BS_TOK_DOT);
        sym(h, "(W[%zu])ᵀ", l + 1);
        equals(h);
        snprintf(nm, sizeof nm, "pgz%zu", l + 1);
        mx(h, &c->pgz[l + 1][i * nu], 1, nu, 0, nm, i);
        tk(h, BS_TOK_DOT);
        snprintf(nm, sizeof nm, "W%zu", l + 1);
        mx(h, net->W[l + 1], no, nu, 1, nm, BS_NONE);
        equals(h);
        snprintf(nm, sizeof nm, "pga%zu", l);
        mx(h, &c->pga[l][i * no], 1, no, 0, nm, i);
        exnote(h, c);
    }
    for (size_t a = 0; a < so.n; a++) {
        if (gap(&so, a))
            continue;
        size_t r = so.k[a];
        eq(h, sec);
        lab(h, "(%d)", 28 + o);
        dsym(h, "L_CE", "a_%zu[%zu,0]", r, l);
        equals(h);
        sym(h, "Σ_j ");
        dsym(h, "L_CE", "z_j[%zu,0]", l + 1);
        tk(h, BS_TOK_DOT);
        sym(h, "w_{%zu,j}[%zu]", r, l + 1);
        equals(h);
        for (size_t b = 0; b < su.n; b++) {
            if (!term(h, &su, b))
                continue;
            size_t j = su.k[b];
            num(h, c->pgz[l + 1][j], 1, "pgz%zu[0,%zu]", l + 1, j);
            tk(h, BS_TOK_TIMES);
            num(h, W(c->v, l + 1, r, j), 1, "W%zu[%zu,%zu]", l + 1, r, j);
        }
        equals(h);
        num(h, c->pga[l][r], 0, "pga%zu[0,%zu]", l, r);
        if (l == 1 && r == 0)
            set_erratum(h, "eq. (44) sums ∂L_CE/∂z_j[2,i] · w_{r,j}[1]: the weights are "
                           "w_{r,j}[2], as here");
    }
}

/* (29)–(30), (45)–(46): through the sigmoid of layer l, its diagonal
 * Jacobian per example and example 0's entries */
static void h2_through_sigmoid(bs_handout *h, h2 *c, size_t l)
{
    const char *sec = l == 2 ? S2_ST2 : S2_ST3;
    int o = l == 2 ? 0 : 16; /* (29) ↔ (45) */
    size_t no = c->n[l];
    shown so = pick(no);
    char nm[32], nm2[32];
    /* (29)–(30): per example */
    for (size_t i = 0; i < c->nex; i++) {
        double *J = calloc(no * no > 0 ? no * no : 1, sizeof *J);
        if (!J) {
            h->oom = 1;
            return;
        }
        for (size_t r = 0; r < no; r++)
            J[r * no + r] = A2(c, l, i, r) * (1 - A2(c, l, i, r));
        eq(h, sec);
        lab(h, "(%d)", 29 + o);
        dsym(h, own_a(h, l, i), "z[%zu,%zu]", l, i);
        equals(h);
        sym(h, "diag(a_r[%zu,%zu] (1 − a_r[%zu,%zu]))", l, i, l, i);
        equals(h);
        snprintf(nm, sizeof nm, "Jsig%zu", l);
        mx(h, J, no, no, 0, nm, i);
        exnote(h, c);
        eq(h, sec);
        lab(h, "(%d)", 30 + o);
        dsym(h, "L_CE", "z[%zu,%zu]", l, i);
        equals(h);
        dsym(h, "L_CE", "a[%zu,%zu]", l, i);
        tk(h, BS_TOK_DOT);
        dsym(h, own_a(h, l, i), "z[%zu,%zu]", l, i);
        equals(h);
        snprintf(nm2, sizeof nm2, "pga%zu", l);
        mx(h, &c->pga[l][i * no], 1, no, 0, nm2, i);
        tk(h, BS_TOK_DOT);
        mx(h, J, no, no, 0, nm, i);
        equals(h);
        snprintf(nm, sizeof nm, "pgz%zu", l);
        mx(h, &c->pgz[l][i * no], 1, no, 0, nm, i);
        if (l == 1 && i == 0)
            set_erratum(h, "the handout calls ∂L_CE/∂z[1,i] \"the 1×n2 matrix\": it is 1×n1");
        exnote(h, c);
        free(J);
    }
    for (size_t a = 0; a < so.n; a++) {
        if (gap(&so, a))
            continue;
        size_t r = so.k[a];
        eq(h, sec);
        lab(h, "(%d)", 30 + o);
        dsym(h, "L_CE", "z_%zu[%zu,0]", r, l);
        equals(h);
        dsym(h, "L_CE", "a_%zu[%zu,0]", r, l);
        tk(h, BS_TOK_DOT);
        sym(h, "a_%zu[%zu,0] (1 − a_%zu[%zu,0])", r, l, r, l);
        equals(h);
        num(h, c->pga[l][r], 1, "pga%zu[0,%zu]", l, r);
        tk(h, BS_TOK_TIMES);
        num(h, A2(c, l, 0, r), 1, "a%zu[0,%zu]", l, r);
        tk(h, BS_TOK_TIMES);
        tk(h, BS_TOK_GROUP_OPEN);
        m(h, "1");
        tk(h, BS_TOK_MINUS);
        num(h, A2(c, l, 0, r), 1, "a%zu[0,%zu]", l, r);
        tk(h, BS_TOK_GROUP_CLOSE);
        equals(h);
        num(h, c->pgz[l][r], 0, "pgz%zu[0,%zu]", l, r);
    }
}

/* a hidden layer's gradient through its sigmoid: (27)–(30) for l = 2,
 * (43)–(46) for l = 1 */
static void h2_sigmoid_act(bs_handout *h, h2 *c, size_t l)
{
    h2_through_weights(h, c, l);
    h2_through_sigmoid(h, c, l);
}

/* Lemma 1 on example 0: z, (7)–(8) and (11) on the diagonal, (12) off it,
 * and the Jacobian J (K×K, entry (t, j) = dŷ_t/dz_j) */
static void h2_lemma1(bs_handout *h, const h2 *c, const double *J)
{
    const vals *v = c->v;
    size_t K = c->n[3];
    shown sk = pick(K);
    eq(h, S2_LM1);
    lab(h, "Lemma 1");
    m(h, "z");
    equals(h);
    tk(h, BS_TOK_GROUP_OPEN);
    for (size_t a = 0; a < sk.n; a++) {
        if (a)
            m(h, ", ");
        if (gap(&sk, a))
            tk(h, BS_TOK_ELLIPSIS);
        else
            sym(h, "z_%zu", sk.k[a]);
    }
    tk(h, BS_TOK_GROUP_CLOSE);
    equals(h);
    mx(h, v->fw->z[3], 1, K, 0, "z3", 0);
    set_note(h, "z = z[3,0], the first example's; σ_j(z) = e^(z_j) / Σ_t e^(z_t) = ŷ_j(0)");
    set_erratum(h, "Lemma 1 writes z = (z_0, z_2, …, z_{K−1}): it is (z_0, z_1, …, z_{K−1})");
    for (size_t a = 0; a < sk.n; a++) {
        if (gap(&sk, a))
            continue;
        size_t j = sk.k[a];
        double s = A2(c, 3, 0, j);
        eq(h, S2_LM1);
        lab(h, "(7), (11)");
        sym(h, "dσ_%zu(z)/dz_%zu", j, j);
        equals(h);
        sym(h, "σ_%zu(z) [1 − σ_%zu(z)]", j, j);
        equals(h);
        num(h, s, 1, "a3[0,%zu]", j);
        tk(h, BS_TOK_TIMES);
        tk(h, BS_TOK_GROUP_OPEN);
        m(h, "1");
        tk(h, BS_TOK_MINUS);
        num(h, s, 1, "a3[0,%zu]", j);
        tk(h, BS_TOK_GROUP_CLOSE);
        equals(h);
        num(h, J[j * K + j], 0, "J[0,%zu,%zu]", j, j);
        eq(h, S2_LM1);
        lab(h, "(8)");
        sym(h, "dσ_%zu(z)/dz_%zu", j, j);
        equals(h);
        sym(h, "σ_%zu(z) − (σ_%zu(z))²", j, j);
        equals(h);
        num(h, s, 1, "a3[0,%zu]", j);
        tk(h, BS_TOK_MINUS);
        num(h, s, 1, "a3[0,%zu]", j);
        m(h, "²");
        equals(h);
        num(h, J[j * K + j], 0, "J[0,%zu,%zu]", j, j);
    }
    for (size_t a = 0; a < sk.n; a++)
        for (size_t b = 0; b < sk.n; b++) {
            if (gap(&sk, a) || gap(&sk, b) || a == b)
                continue;
            size_t j = sk.k[a], t = sk.k[b];
            eq(h, S2_LM1);
            lab(h, "(12)");
            sym(h, "dŷ_%zu(z)/dz_%zu", t, j);
            equals(h);
            sym(h, "−ŷ_%zu(z) · ŷ_%zu(z)", t, j);
            equals(h);
            tk(h, BS_TOK_NEG_OPEN);
            num(h, A2(c, 3, 0, t), 1, "a3[0,%zu]", t);
            tk(h, BS_TOK_TIMES);
            num(h, A2(c, 3, 0, j), 1, "a3[0,%zu]", j);
            tk(h, BS_TOK_NEG_CLOSE);
            equals(h);
            num(h, J[t * K + j], 0, "J[0,%zu,%zu]", t, j);
        }
    eq(h, S2_LM1);
    lab(h, "(7), (12)");
    dsym(h, "ŷ(0)", "z[3,0]");
    equals(h);
    mx(h, J, K, K, 0, "J", 0);
    set_note(h, "the softmax Jacobian of the first example, entry (t, j) = dŷ_t/dz_j: "
                "(7) on the diagonal, (12) off it; not diagonal, so no Hadamard form");
}

/* Lemma 2: (9) for every example, (10) and (13) for example 0 */
static void h2_lemma2(bs_handout *h, const h2 *c, const double *J)
{
    const vals *v = c->v;
    size_t K = c->n[3];
    shown sk = pick(K);
    const bs_net *net = v->net;
    for (size_t i = 0; i < c->nex; i++) {
        eq(h, S2_LM2);
        lab(h, "(9)");
        dsym(h, "L_CE", "z[3,%zu]", i);
        equals(h);
        sym(h, "ŷ(%zu) − y(%zu)", i, i);
        equals(h);
        mx(h, &v->fw->a[3][i * K], 1, K, 0, "a3", i);
        tk(h, BS_TOK_MINUS);
        mx(h, &net->y[i * K], 1, K, 0, "y", i);
        equals(h);
        mx(h, &c->pgz[3][i * K], 1, K, 0, "pgz3", i);
        exnote(h, c);
    }
    for (size_t a = 0; a < sk.n; a++) {
        if (gap(&sk, a))
            continue;
        size_t j = sk.k[a];
        double s = 0;
        for (size_t t = 0; t < K; t++)
            s += Y2(c, 0, t) / A2(c, 3, 0, t) * J[t * K + j];
        eq(h, S2_LM2);
        lab(h, "(10)");
        dsym(h, "L_CE", "z_%zu", j);
        equals(h);
        sym(h, "−Σ_t (y_t / ŷ_t) · dŷ_t/dz_%zu", j);
        equals(h);
        tk(h, BS_TOK_NEG_OPEN);
        tk(h, BS_TOK_GROUP_OPEN);
        for (size_t b = 0; b < sk.n; b++) {
            if (!term(h, &sk, b))
                continue;
            size_t t = sk.k[b];
            frac(h, BS_PC_FRAC_OPEN);
            num(h, Y2(c, 0, t), 0, "y[0,%zu]", t);
            frac(h, BS_PC_FRAC_MID);
            num(h, A2(c, 3, 0, t), 0, "a3[0,%zu]", t);
            frac(h, BS_PC_FRAC_CLOSE);
            tk(h, BS_TOK_TIMES);
            num(h, J[t * K + j], 1, "J[0,%zu,%zu]", t, j);
        }
        tk(h, BS_TOK_GROUP_CLOSE);
        tk(h, BS_TOK_NEG_CLOSE);
        equals(h);
        num(h, -s, 0, "sum10[0,%zu]", j);
        set_note(h, K > BS_MATRIX_MAX_SHOWN
                        ? "y and ŷ of the first example; dŷ_t/dz_j from (11)–(12), the column j "
                          "of the Jacobian above; the value sums every t, the terms left out "
                          "included"
                        : "y and ŷ of the first example; dŷ_t/dz_j from (11)–(12), the column j "
                          "of the Jacobian above");
        eq(h, S2_LM2);
        lab(h, "(13)");
        dsym(h, "L_CE", "z_%zu", j);
        equals(h);
        sym(h, "ŷ_%zu − y_%zu", j, j);
        equals(h);
        num(h, A2(c, 3, 0, j), 1, "a3[0,%zu]", j);
        tk(h, BS_TOK_MINUS);
        num(h, Y2(c, 0, j), 1, "y[0,%zu]", j);
        equals(h);
        num(h, c->pgz[3][j], 0, "pgz3[0,%zu]", j);
        set_note(h, "the sum (10) collapses because the one-hot labels sum to 1: Σ_t y_t = 1");
    }
}

/* the output layer's gradient through its softmax: Lemma 1 (the softmax
 * Jacobian of example 0), Lemma 2 ((9) per example, the sum (10) collapsing
 * to (13)) */
static void h2_softmax_act(bs_handout *h, h2 *c)
{
    size_t K = c->n[3];
    double *J = calloc(K * K > 0 ? K * K : 1, sizeof *J);
    if (!J) {
        h->oom = 1;
        return;
    }
    for (size_t t = 0; t < K; t++)
        for (size_t j = 0; j < K; j++)
            J[t * K + j] = t == j ? A2(c, 3, 0, j) * (1 - A2(c, 3, 0, j))
                                  : -A2(c, 3, 0, t) * A2(c, 3, 0, j);
    h2_lemma1(h, c, J);
    h2_lemma2(h, c, J);
    free(J);
}

/* One layer's step, the same for the three layers: each example's forward
 * pass z[l,i], a[l,i] ((3)–(4), (21)–(22), (37)–(38)); the gradient through
 * the activation (softmax: Lemmas 1–2; sigmoid: (27)–(30), (43)–(46)); the
 * parameter part (Lemmas 3–4, (31)–(34), (47)–(50)); and the program's
 * values of Notes 2–4 with (19)–(20), (35)–(36), (51)–(52). */
static void h2_step(bs_handout *h, h2 *c, size_t l)
{
    static const int zlab[4] = {0, 37, 21, 3};   /* z[l,i]; a[l,i] is the next */
    static const int wlab[4] = {0, 51, 35, 19};  /* B · ∂L/∂W[l]; b[l] is the next */
    const char *sec = l == 3 ? S2_ST1 : l == 2 ? S2_ST2 : S2_ST3;
    const char *note = l == 3 ? S2_N2 : l == 2 ? S2_N3 : S2_N4;
    char item[16];
    /* the output layer's (3)–(4) go example by example, a hidden layer's z
     * of every example before its a */
    for (size_t i = 0; i < c->nex; i++) {
        h2_z(h, c, sec, l, i, zlab[l]);
        if (l == 3)
            h2_a(h, c, sec, l, i, zlab[l] + 1);
    }
    for (size_t i = 0; i < c->nex && l < 3; i++)
        h2_a(h, c, sec, l, i, zlab[l] + 1);
    if (l == 3)
        h2_softmax_act(h, c);
    else
        h2_sigmoid_act(h, c, l);
    h2_params(h, c, l);
    int k = 1; /* the Note's items: 2.1 dz3; 3.1 da2, 3.2 dz2; … */
    if (l < 3) {
        snprintf(item, sizeof item, "Note %zu.%d", 5 - l, k++);
        h2_program_rows(h, c, note, l, 'a', item);
    }
    snprintf(item, sizeof item, "Note %zu.%d", 5 - l, k);
    h2_program_rows(h, c, note, l, 'z', item);
    h2_program_W(h, c, note, l, wlab[l], wlab[l] + 1);
}

/* a size of the Notation section: n_0 = 784 */
static void h2_size(bs_handout *h, const char *name, const char *ref, size_t n)
{
    eq(h, S2_NOT);
    lab(h, "Notation");
    sym(h, "%s", name);
    equals(h);
    num(h, (double)n, 0, "%s", ref);
}

/* the sizes of the Notation section: n_0, n_1, n_2, K and B */
static void h2_notation(bs_handout *h, const h2 *c)
{
    size_t B = c->B, K = c->n[3];
    h2_size(h, "n_0", "n0", c->n[0]);
    set_erratum(h, ostr(h, "the handout's n_0 = 28 × 28 is printed 284: 28 × 28 = 784, the "
                           "pixels of an MNIST digit (specs/mnist-784-200-100-10.json); this "
                           "spec has n_0 = %zu",
                        c->n[0]));
    h2_size(h, "n_1", "n1", c->n[1]);
    h2_size(h, "n_2", "n2", c->n[2]);
    h2_size(h, "K", "K", K);
    h2_size(h, "B", "B", B);
}

/* (1)–(2): the loss averaged over the batch, and each example's cross-entropy */
static void h2_loss(bs_handout *h, h2 *c)
{
    const vals *v = c->v;
    size_t B = c->B, K = c->n[3];
    shown sb = pick(B), sk = pick(K);
    eq(h, S2_LOSS);
    lab(h, "(1)");
    m(h, "L");
    equals(h);
    invb(h, c, 0);
    tk(h, BS_TOK_DOT);
    sym(h, "Σ_i L_CE[i]");
    equals(h);
    invb(h, c, 1);
    tk(h, BS_TOK_TIMES);
    tk(h, BS_TOK_GROUP_OPEN);
    for (size_t a = 0; a < sb.n; a++) {
        if (term(h, &sb, a))
            num(h, v->fw->ell[sb.k[a]], 1, "LCE[%zu]", sb.k[a]);
    }
    tk(h, BS_TOK_GROUP_CLOSE);
    equals(h);
    num(h, v->fw->data_loss, 0, "Ldata");
    set_note(h, B > BS_MATRIX_MAX_SHOWN
                    ? "the cross-entropy averaged over the batch, every example's term "
                      "included; the penalty of Note 5 comes on top (53)"
                    : "the cross-entropy averaged over the batch; the penalty of Note 5 comes "
                      "on top (53)");
    for (size_t i = 0; i < c->nex; i++) {
        eq(h, S2_LOSS);
        lab(h, "(2)");
        sym(h, "L_CE[%zu]", i);
        equals(h);
        sym(h, "−Σ_j y_j(%zu) log(ŷ_j(%zu))", i, i);
        equals(h);
        tk(h, BS_TOK_NEG_OPEN);
        tk(h, BS_TOK_GROUP_OPEN);
        for (size_t a = 0; a < sk.n; a++) {
            if (!term(h, &sk, a))
                continue;
            size_t j = sk.k[a];
            num(h, Y2(c, i, j), 1, "y[%zu,%zu]", i, j);
            tk(h, BS_TOK_TIMES);
            m(h, "log");
            tk(h, BS_TOK_CALL_OPEN);
            num(h, A2(c, 3, i, j), 0, "a3[%zu,%zu]", i, j);
            tk(h, BS_TOK_CALL_CLOSE);
        }
        tk(h, BS_TOK_GROUP_CLOSE);
        tk(h, BS_TOK_NEG_CLOSE);
        equals(h);
        num(h, v->fw->ell[i], 0, "LCE[%zu]", i);
        exnote(h, c);
    }
}

/* Note 5, (53)–(55): the penalty λ‖W‖² and its gradient 2λW */
static void h2_note5(bs_handout *h, h2 *c)
{
    const vals *v = c->v;
    const bs_net *net = v->net;
    size_t B = c->B;
    double sq[4] = {0, 0, 0, 0};
    for (size_t l = 1; l <= 3; l++)
        for (size_t k = 0; k < c->n[l - 1] * c->n[l]; k++)
            sq[l] += net->W[l][k] * net->W[l][k];
    eq(h, S2_N5);
    lab(h, "(53)");
    m(h, "L^{λ}");
    equals(h);
    m(h, "L + λ (‖W[1]‖² + ‖W[2]‖² + ‖W[3]‖²)");
    equals(h);
    num(h, v->fw->data_loss, 1, "Ldata");
    tk(h, BS_TOK_PLUS);
    num(h, net->l2, 1, "lambda");
    tk(h, BS_TOK_TIMES);
    tk(h, BS_TOK_GROUP_OPEN);
    for (size_t l = 1; l <= 3; l++) {
        if (l > 1)
            tk(h, BS_TOK_PLUS);
        num(h, sq[l], 1, "sqW%zu", l);
    }
    tk(h, BS_TOK_GROUP_CLOSE);
    equals(h);
    num(h, v->fw->loss, 0, "Llambda");
    set_note(h, "the loss the gradients of this walk belong to: a program that adds 2λW to "
                "its gradient but reports L without the penalty fails a finite-difference "
                "check of the loss it reports");
    for (size_t l = 1; l <= 3; l++) {
        eq(h, S2_N5);
        lab(h, "(54)");
        dsym(h, "L^{λ}", "w_{0,0}[%zu]", l);
        equals(h);
        dsym(h, "L", "w_{0,0}[%zu]", l);
        tk(h, BS_TOK_PLUS);
        m(h, "2λ");
        tk(h, BS_TOK_DOT);
        sym(h, "w_{0,0}[%zu]", l);
        equals(h);
        num(h, c->sumW[l] ? c->sumW[l][0] / (double)B : NAN, 1, "dataW%zu[0,0]", l);
        tk(h, BS_TOK_PLUS);
        m(h, "2");
        tk(h, BS_TOK_TIMES);
        num(h, net->l2, 1, "lambda");
        tk(h, BS_TOK_TIMES);
        num(h, net->W[l][0], 1, "W%zu[0,0]", l);
        equals(h);
        num(h, v->g->gW[l][0], 0, "gW%zu[0,0]", l);
        if (l == 1)
            set_erratum(h, ostr(h, "eq. (54) sums q up to r_0 − 1: the upper limit is n_0 − 1 "
                                   "(here n_0 − 1 = %zu)",
                                c->n[0] - 1));
    }
    for (size_t l = 1; l <= 3; l++) {
        size_t ni = c->n[l - 1], no = c->n[l];
        double *D = malloc((ni * no > 0 ? ni * no : 1) * sizeof *D);
        if (!D || !c->sumW[l]) {
            free(D);
            h->oom = 1;
            return;
        }
        for (size_t k = 0; k < ni * no; k++)
            D[k] = c->sumW[l][k] / (double)B;
        char nm[16];
        eq(h, S2_N5);
        lab(h, "(55)");
        dsym(h, "L^{λ}", "W[%zu]", l);
        equals(h);
        dsym(h, "L", "W[%zu]", l);
        penalty(h, c, l, 0);
        equals(h);
        snprintf(nm, sizeof nm, "dataW%zu", l);
        mx(h, D, ni, no, 0, nm, BS_NONE);
        penalty(h, c, l, 1);
        equals(h);
        snprintf(nm, sizeof nm, "gW%zu", l);
        mx(h, v->g->gW[l], ni, no, 0, nm, BS_NONE);
        free(D);
    }
}

static void h2_build(bs_handout *h, const vals *v)
{
    const bs_net *net = v->net;
    h2 c;
    memset(&c, 0, sizeof c);
    c.v = v;
    c.B = net->B;
    c.nex = c.B <= BS_MATRIX_MAX_SHOWN ? c.B : 1;
    for (size_t l = 0; l <= 3; l++)
        c.n[l] = net->n[l];
    size_t B = c.B, K = c.n[3];
    /* each example's own gradients: the program's dz and da rows (Notes 2–4) */
    c.pgz[3] = prog(h, "g[3z]", B * K);
    c.pga[2] = prog(h, "g[2a]", B * c.n[2]);
    c.pgz[2] = prog(h, "g[2z]", B * c.n[2]);
    c.pga[1] = prog(h, "g[1a]", B * c.n[1]);
    c.pgz[1] = prog(h, "g[1z]", B * c.n[1]);
    if (h->oom || !c.pgz[3] || !c.pga[2] || !c.pgz[2] || !c.pga[1] || !c.pgz[1])
        return;

    h2_notation(h, &c);
    h2_loss(h, &c);
    for (size_t l = 3; l >= 1; l--)
        h2_step(h, &c, l);

    h2_note5(h, &c);
}

/* ------------------------------------------------------------ public */

int bs_handout_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "000") == 0)
        return 0;
    if (strcmp(name, "001") == 0)
        return 1;
    if (strcmp(name, "002") == 0)
        return 2;
    return -1;
}

const char *bs_handout_default_spec(int which)
{
    return which == 0   ? "000-2-3-2-mse"
           : which == 1 ? "4-3-2-1-bce"
           : which == 2 ? "002-4-3-3-3-softmax-ce-l2"
                        : NULL;
}

bs_status bs_handout_fits(int which, const bs_net *net, bs_error *err)
{
    const char *id = which == 0 ? "000" : which == 1 ? "001" : "002";
    if (which < 0 || which > 2)
        return bs_error_set(err, BS_ERR_USAGE, "", "handout %03d: not known", which);
    if (which == 2) {
        static const char *const acts[] = {NULL, "sigmoid", "sigmoid", "softmax"};
        if (net->L != 3)
            return bs_error_set(err, BS_ERR_SPEC, "layers",
                                "handout 002 needs 3 layers (sigmoid, sigmoid, softmax), found %zu",
                                net->L);
        for (size_t l = 1; l <= 3; l++)
            if (strcmp(net->act[l]->name, acts[l]) != 0)
                return bs_error_set(err, BS_ERR_SPEC, "activations",
                                    "handout 002 needs sigmoid, sigmoid, softmax, found %s in "
                                    "layer %zu",
                                    net->act[l]->name, l);
        if (strcmp(net->loss->name, "cross_entropy") != 0)
            return bs_error_set(err, BS_ERR_SPEC, "loss",
                                "handout 002 needs the loss cross_entropy, found %s",
                                net->loss->name);
        if (net->reduction != BS_MEAN)
            return bs_error_set(err, BS_ERR_SPEC, "batch_reduction",
                                "handout 002 needs the batch mean (eq. 1), found sum");
        if (net->convention != BS_ROW)
            return bs_error_set(err, BS_ERR_SPEC, "convention",
                                "handout 002 needs the row convention (examples are rows), "
                                "found column");
        if (net->B < 2)
            return bs_error_set(err, BS_ERR_SPEC, "x",
                                "handout 002 needs a batch of at least 2 examples (its "
                                "program's values are B times the gradients), found 1");
        for (size_t i = 0; i < net->B; i++) {
            double s = 0;
            for (size_t j = 0; j < net->n[3]; j++) {
                double y = net->y[i * net->n[3] + j];
                if (y != 0 && y != 1)
                    return bs_error_set(err, BS_ERR_SPEC, "y",
                                        "handout 002 needs one-hot labels (Lemma 2 uses "
                                        "Σ_t y_t = 1), found y[%zu][%zu] = %g",
                                        i, j, y);
                s += y;
            }
            if (s != 1)
                return bs_error_set(err, BS_ERR_SPEC, "y",
                                    "handout 002 needs one-hot labels (Lemma 2 uses Σ_t y_t = "
                                    "1), found a row %zu that sums to %g",
                                    i, s);
        }
        return BS_OK;
    }
    if (which == 1) {
        if (net->L != 3)
            return bs_error_set(err, BS_ERR_SPEC, "layers",
                                "handout 001 needs 3 layers with sigmoid, found %zu", net->L);
        for (size_t l = 1; l <= 3; l++)
            if (strcmp(net->act[l]->name, "sigmoid") != 0)
                return bs_error_set(err, BS_ERR_SPEC, "activations",
                                    "handout 001 needs 3 layers with sigmoid, found %s in "
                                    "layer %zu",
                                    net->act[l]->name, l);
        if (strcmp(net->loss->name, "bce") != 0)
            return bs_error_set(err, BS_ERR_SPEC, "loss",
                                "handout 001 needs the loss bce (binary cross-entropy), found %s",
                                net->loss->name);
        if (net->n[3] != 1)
            return bs_error_set(err, BS_ERR_SPEC, "layers",
                                "handout 001 needs one output neuron (ŷ = a_1[3]), found %zu",
                                net->n[3]);
    } else {
        if (net->L != 2)
            return bs_error_set(err, BS_ERR_SPEC, "layers",
                                "handout 000 needs 2 layers (n0-n1-n2), found %zu", net->L);
        for (size_t l = 1; l <= 2; l++)
            if (!net->act[l]->elementwise || !net->act[l]->derivative)
                return bs_error_set(err, BS_ERR_SPEC, "activations",
                                    "handout 000 needs elementwise activations σ and f, found "
                                    "%s in layer %zu",
                                    net->act[l]->name, l);
        if (strcmp(net->loss->name, "mse") != 0)
            return bs_error_set(err, BS_ERR_SPEC, "loss",
                                "handout 000 needs the loss mse (½‖y − ŷ‖²), found %s",
                                net->loss->name);
    }
    if (net->B != 1)
        return bs_error_set(err, BS_ERR_SPEC, "x",
                            "handout %s needs one example, found a batch of %zu", id, net->B);
    if (net->l2 != 0)
        return bs_error_set(err, BS_ERR_SPEC, "l2",
                            "handout %s has no penalty, found l2 = %g", id, net->l2);
    return BS_OK;
}

void bs_handout_free(bs_handout *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->eq[i].p);
        free(h->eq[i].num);
        free(h->eq[i].lhs);
    }
    free(h->eq);
    for (size_t i = 0; i < h->nstore; i++)
        free(h->store[i]);
    free(h->store);
    for (size_t i = 0; i < h->nstrs; i++)
        free(h->strs[i]);
    free(h->strs);
    free(h);
}

void bs_handout_eq_text(bs_sink *s, const bs_heq *e, int whole, int precision)
{
    size_t n = e->np;
    if (!whole)
        for (n = 0; n < e->np && e->p[n].kind != BS_PC_EQ; n++)
            ;
    bs_typeset_pieces(s, &bs_emitter_text, e->p, n, precision);
}

bs_status bs_handout_build(int which, const bs_trace *t, double lr, bs_handout **out,
                           bs_error *err)
{
    *out = NULL;
    bs_status st = bs_handout_fits(which, t->net, err);
    if (st != BS_OK)
        return st;
    bs_handout *h = calloc(1, sizeof *h);
    if (!h)
        return bs_error_set(err, BS_ERR_NOMEM, "", "out of memory");
    h->which = which;
    h->t = t;
    h->lr = lr;
    vals v = {t->net, t->fw, t->grads};
    if (which == 2)
        h2_build(h, &v);
    else if (which == 1)
        h1_build(h, &v);
    else
        h0_build(h, &v);
    for (size_t i = 0; i < h->n && !h->oom; i++) {
        bs_sink s = bs_sink_buffer();
        bs_handout_eq_text(&s, &h->eq[i], 0, 6);
        if (bs_sink_status(&s) != 0 || !s.buf) {
            bs_sink_free_buffer(&s);
            h->oom = 1;
            break;
        }
        h->eq[i].lhs = strdup(s.buf);
        bs_sink_free_buffer(&s);
        if (!h->eq[i].lhs)
            h->oom = 1;
    }
    if (h->oom) {
        bs_handout_free(h);
        return bs_error_set(err, BS_ERR_NOMEM, "", "out of memory");
    }
    *out = h;
    return BS_OK;
}

/* ------------------------------------------------------------ rendering */

static const char *title(int which)
{
    return which == 0   ? "Handout 000 (Tong Wu): backpropagation for a two-layer network"
           : which == 1 ? "Handout 001: back propagation in a 4-3-2-1 network"
                        : "Handout 002 (Leifer & Troendle): the gradient matrices of a "
                          "three-layer network on a batch";
}

static bs_notation notation(const bs_handout *h)
{
    return h->which == 1 ? BS_NOTATION_G : BS_NOTATION_PARTIAL;
}

/* the backward steps of the trace, for the closing table */
static size_t check_steps(const bs_handout *h, size_t *first)
{
    *first = h->t->first_backward;
    return h->t->nsteps - h->t->first_backward;
}

/* a gradient's name in the handout's notation: handout 000 calls ∂L/∂a[2] ∂L/∂ŷ */
static void step_name(char *buf, size_t size, const bs_handout *h, const bs_step *st)
{
    if (h->which == 0 && st->qty == BS_Q_A && st->layer == h->t->net->L)
        snprintf(buf, size, "∂L/∂ŷ");
    else
        bs_name_grad(buf, size, st->qty, st->layer, notation(h));
}

static const char *step_word(const bs_handout *h, const bs_step *st)
{
    if (!h->t->checked || st->n_compared == 0)
        return "not compared";
    return st->passed ? "agree" : st->n_disagree ? "DISAGREE" : "unresolved";
}

/* The sentence saying which units Figure 1 draws, when it draws only
 * some, between pre and post; nothing when it draws all. */
static void fig_subset(bs_sink *s, const bs_outer_fig *f, const char *pre, const char *post,
                       int latex)
{
    char b[512];
    bs_outer_fig_subset(b, sizeof b, f, latex);
    if (b[0]) {
        bs_sink_puts(s, pre);
        bs_sink_puts(s, b);
        bs_sink_puts(s, post);
    }
}

static void render_text(bs_sink *s, const bs_handout *h, const bs_handout_opts *o)
{
    bs_sink_printf(s, "%s\n", title(h->which));
    if (o->source)
        bs_sink_printf(s, "on the spec %s\n", o->source);
    const char *sec = NULL;
    for (size_t i = 0; i < h->n; i++) {
        const bs_heq *e = &h->eq[i];
        if (e->section != sec) {
            sec = e->section;
            bs_sink_printf(s, "\n%s\n\n", sec);
        }
        if (h->fig.nin && i == h->fig_at) {
            bs_diagram_outer_text(s, &h->fig, o->precision);
            fig_subset(s, &h->fig, "  ", "\n", 0);
            bs_sink_puts(s, "\n");
        }
        bs_sink_puts(s, "  ");
        if (e->label)
            bs_sink_printf(s, "%s  ", e->label);
        bs_handout_eq_text(s, e, 1, o->precision);
        bs_sink_puts(s, "\n");
        if (e->note)
            bs_sink_printf(s, "      %s\n", e->note);
        if (e->erratum)
            bs_sink_printf(s, "      erratum: %s\n", e->erratum);
    }
    size_t first, n = check_steps(h, &first);
    bs_sink_puts(s, "\nNumerical check: each gradient against central differences of L\n\n");
    bs_sink_printf(s, "  %-12s %9s %6s %15s\n", "gradient", "compared", "agree",
                   "max rel. error");
    for (size_t k = 0; k < n; k++) {
        const bs_step *st = &h->t->steps[first + k];
        char name[48], err[32];
        step_name(name, sizeof name, h, st);
        bs_fmt_num(err, sizeof err, st->max_rel_error, 2);
        bs_sink_printf(s, "  %s", name);
        for (size_t w = bs_text_width(name); w < 12; w++)
            bs_sink_puts(s, " ");
        bs_sink_printf(s, " %9zu %6zu %15s  %s\n", st->n_compared, st->n_agree, err,
                       step_word(h, st));
    }
    bs_sink_puts(s, "\n");
    if (h->t->checked) {
        bs_render_verdict(s, h->t, notation(h));
        bs_sink_puts(s, "\n");
    }
}

static void render_doc(bs_sink *s, const bs_handout *h, const bs_handout_opts *o, int latex)
{
    const bs_emitter *em = bs_emitter_latex();
    if (latex && !o->fragment)
        bs_sink_puts(s, "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n"
                        "\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n"
                        "\\begin{document}\n");
    if (latex) {
        bs_sink_puts(s, "\\section*{");
        bs_text_latex(s, title(h->which));
        bs_sink_puts(s, "}\n");
        if (o->source) {
            bs_sink_puts(s, "On the spec \\texttt{");
            bs_plain_latex(s, o->source);
            bs_sink_puts(s, "}.\n");
        }
    } else {
        bs_sink_printf(s, "# %s\n\n", title(h->which));
        if (o->source)
            bs_sink_printf(s, "On the spec `%s`.\n", o->source);
    }
    const char *sec = NULL;
    for (size_t i = 0; i < h->n; i++) {
        const bs_heq *e = &h->eq[i];
        if (e->section != sec) {
            sec = e->section;
            if (latex) {
                bs_sink_puts(s, "\n\\subsection*{");
                bs_text_latex(s, sec);
                bs_sink_puts(s, "}\n");
            } else {
                bs_sink_printf(s, "\n## %s\n", sec);
            }
        }
        if (h->fig.nin && i == h->fig_at) {
            if (latex) {
                bs_sink_puts(s, "\n");
                bs_diagram_outer_latex(s, &h->fig, o->precision);
                fig_subset(s, &h->fig, "\n\\noindent ", "\\par\n", 1);
            } else {
                /* GitHub shows no inline SVG in Markdown: the text figure, fenced */
                bs_sink_puts(s, "\n```text\n");
                bs_diagram_outer_text(s, &h->fig, o->precision);
                bs_sink_puts(s, "```\n");
                fig_subset(s, &h->fig, "\n", "\n", 0);
            }
        }
        if (e->label && latex) {
            bs_sink_puts(s, "\n\\noindent ");
            bs_text_latex(s, e->label);
            bs_sink_puts(s, "\n");
        } else if (e->label) {
            bs_sink_puts(s, "\n**");
            bs_text_markdown(s, e->label);
            bs_sink_puts(s, "**\n");
        }
        bs_sink_puts(s, latex ? "\n\\[\n" : "\n$$\n");
        bs_typeset_pieces(s, em, e->p, e->np, o->precision);
        bs_sink_puts(s, latex ? "\n\\]\n" : "\n$$\n");
        for (int k = 0; k < 2; k++) {
            const char *t = k ? e->erratum : e->note;
            if (!t)
                continue;
            if (latex) {
                bs_sink_puts(s, k ? "\\noindent\\textbf{Erratum:} " : "\\noindent ");
                bs_text_latex(s, t);
                bs_sink_puts(s, "\n");
            } else {
                bs_sink_puts(s, k ? "\n> **Erratum:** " : "\n");
                bs_text_markdown(s, t);
                bs_sink_puts(s, "\n");
            }
        }
    }
    size_t first, n = check_steps(h, &first);
    if (latex)
        bs_sink_puts(s, "\n\\subsection*{Numerical check}\n\\begin{tabular}{lrrrl}\n"
                        "gradient & compared & agree & max rel.\\ error & \\\\\n\\hline\n");
    else
        bs_sink_puts(s, "\n## Numerical check\n\n| gradient | compared | agree | max rel. "
                        "error | |\n|---|---:|---:|---:|---|\n");
    for (size_t k = 0; k < n; k++) {
        const bs_step *st = &h->t->steps[first + k];
        char name[48], err[32];
        step_name(name, sizeof name, h, st);
        bs_fmt_num(err, sizeof err, st->max_rel_error, 2);
        if (latex) {
            bs_sink_puts(s, "$");
            bs_unimath_latex(s, name);
            bs_sink_printf(s, "$ & %zu & %zu & %s & %s \\\\\n", st->n_compared, st->n_agree,
                           err, step_word(h, st));
        } else {
            bs_sink_printf(s, "| %s | %zu | %zu | %s | %s |\n", name, st->n_compared,
                           st->n_agree, err, step_word(h, st));
        }
    }
    if (latex)
        bs_sink_puts(s, "\\end{tabular}\n");
    if (h->t->checked) {
        bs_sink_puts(s, "\n");
        bs_sink buf = bs_sink_buffer();
        bs_render_verdict(&buf, h->t, notation(h));
        if (latex)
            bs_text_latex(s, buf.buf ? buf.buf : "");
        else
            bs_sink_printf(s, "`%s`", buf.buf ? buf.buf : "");
        bs_sink_free_buffer(&buf);
        bs_sink_puts(s, "\n");
    }
    if (latex && !o->fragment)
        bs_sink_puts(s, "\\end{document}\n");
}

static void render_html(bs_sink *s, const bs_handout *h, const bs_handout_opts *o)
{
    const bs_emitter *em = bs_emitter_mathml();
    bs_sink_puts(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                    "<title>");
    bs_text_html(s, title(h->which));
    bs_sink_puts(s, "</title>\n<style>\nbody{font-family:sans-serif;max-width:60em;margin:auto;"
                    "padding:1em}\nmath[display=block]{margin:0.6em 0;overflow-x:auto}\n"
                    ".note{color:#444;margin:0 0 0 2em}\n.erratum{color:#a40;margin:0 0 0 2em}\n"
                    "table{border-collapse:collapse}td,th{padding:0.2em 0.8em;text-align:right}"
                    "\n</style>\n</head>\n<body>\n<h1>");
    bs_text_html(s, title(h->which));
    bs_sink_puts(s, "</h1>\n");
    if (o->source) {
        bs_sink_puts(s, "<p>On the spec <code>");
        bs_text_html(s, o->source);
        bs_sink_puts(s, "</code>.</p>\n");
    }
    const char *sec = NULL;
    for (size_t i = 0; i < h->n; i++) {
        const bs_heq *e = &h->eq[i];
        if (e->section != sec) {
            sec = e->section;
            bs_sink_puts(s, "<h2>");
            bs_text_html(s, sec);
            bs_sink_puts(s, "</h2>\n");
        }
        if (h->fig.nin && i == h->fig_at) {
            bs_sink_puts(s, "<figure class=\"outer\">\n");
            bs_diagram_outer_svg(s, &h->fig, o->precision);
            bs_sink_puts(s, "<figcaption>Figure 1 of the handout, Visualization of "
                            "Backpropagation: From Scalars to Linear Algebra, with the numbers of "
                            "this spec: each edge W<sub>j,k</sub>[2] carries ∂L/∂W<sub>j,k</sub>[2] "
                            "= ∂L/∂z<sub>j</sub>[2] · a<sub>k</sub>[1], the entry (j, k) of the "
                            "matrix ∂L/∂W[2] = ∂L/∂z[2] (a[1])<sup>T</sup> beside it.");
            char b[512];
            bs_outer_fig_subset(b, sizeof b, &h->fig, 0);
            if (b[0]) {
                bs_sink_puts(s, " ");
                bs_text_html(s, b);
            }
            bs_sink_puts(s, "</figcaption>\n</figure>\n");
        }
        if (e->label) {
            bs_sink_puts(s, "<p class=\"label\">");
            bs_text_html(s, e->label);
            bs_sink_puts(s, "</p>\n");
        }
        bs_sink_puts(s, "<math display=\"block\"><mrow>");
        bs_typeset_pieces(s, em, e->p, e->np, o->precision);
        bs_sink_puts(s, "</mrow></math>\n");
        if (e->note) {
            bs_sink_puts(s, "<p class=\"note\">");
            bs_text_html(s, e->note);
            bs_sink_puts(s, "</p>\n");
        }
        if (e->erratum) {
            bs_sink_puts(s, "<p class=\"erratum\"><strong>Erratum:</strong> ");
            bs_text_html(s, e->erratum);
            bs_sink_puts(s, "</p>\n");
        }
    }
    size_t first, n = check_steps(h, &first);
    bs_sink_puts(s, "<h2>Numerical check</h2>\n<table>\n<tr><th>gradient</th><th>compared</th>"
                    "<th>agree</th><th>max rel. error</th><th></th></tr>\n");
    for (size_t k = 0; k < n; k++) {
        const bs_step *st = &h->t->steps[first + k];
        char name[48], err[32];
        step_name(name, sizeof name, h, st);
        bs_fmt_num(err, sizeof err, st->max_rel_error, 2);
        bs_sink_puts(s, "<tr><td>");
        bs_text_html(s, name);
        bs_sink_printf(s, "</td><td>%zu</td><td>%zu</td><td>%s</td><td>%s</td></tr>\n",
                       st->n_compared, st->n_agree, err, step_word(h, st));
    }
    bs_sink_puts(s, "</table>\n");
    if (h->t->checked) {
        bs_sink buf = bs_sink_buffer();
        bs_render_verdict(&buf, h->t, notation(h));
        bs_sink_puts(s, "<p><code>");
        bs_text_html(s, buf.buf ? buf.buf : "");
        bs_sink_puts(s, "</code></p>\n");
        bs_sink_free_buffer(&buf);
    }
    bs_sink_puts(s, "</body>\n</html>\n");
}

/* Figure 1 as data: the units on each side and every edge with its two
 * factors and their product (indices from 1 as the figure shows them; refs
 * as the equations' numbers have them, from 0) */
static void figure_json(bs_sink *s, const bs_outer_fig *f, const char *section)
{
    size_t l = f->layer;
    bs_sink_puts(s, "\n  \"figure\": {\"section\": ");
    bs_sink_json_string(s, section);
    bs_sink_printf(s, ", \"caption\": \"Visualization of Backpropagation: From Scalars to "
                      "Linear Algebra\", \"layer\": %zu,\n    \"left\": [",
                   l);
    for (size_t k = 0; k < f->nin; k++) {
        bs_sink_printf(s, "%s{\"unit\": \"a_%zu[%zu]\", \"ref\": \"a%zu[%zu]\", \"value\": ",
                       k ? ", " : "", bs_outer_fig_k(f, k) + 1, l - 1, l - 1,
                       bs_outer_fig_k(f, k));
        bs_sink_json_number(s, f->a[k]);
        bs_sink_puts(s, "}");
    }
    bs_sink_puts(s, "],\n    \"right\": [");
    for (size_t j = 0; j < f->nout; j++) {
        bs_sink_printf(s, "%s{\"unit\": \"z_%zu[%zu]\", \"ref\": \"gz%zu[%zu]\", "
                          "\"gradient\": ",
                       j ? ", " : "", bs_outer_fig_j(f, j) + 1, l, l, bs_outer_fig_j(f, j));
        bs_sink_json_number(s, f->gz[j]);
        bs_sink_puts(s, "}");
    }
    bs_sink_puts(s, "],");
    if (f->kin || f->jout)
        bs_sink_printf(s, "\n    \"drawn_of\": {\"left\": %zu, \"right\": %zu},",
                       f->nin_all, f->nout_all);
    bs_sink_puts(s, "\n    \"edges\": [");
    for (size_t j = 0; j < f->nout; j++)
        for (size_t k = 0; k < f->nin; k++) {
            size_t J = bs_outer_fig_j(f, j), K = bs_outer_fig_k(f, k);
            bs_sink_printf(s, "%s\n      {\"weight\": \"W_{%zu,%zu}[%zu]\", \"from\": "
                              "\"a_%zu[%zu]\", \"to\": \"z_%zu[%zu]\", \"row\": %zu, "
                              "\"column\": %zu, \"ref\": \"gW%zu[%zu,%zu]\",\n       "
                              "\"dL_dz\": ",
                           j || k ? "," : "", J + 1, K + 1, l, K + 1, l - 1, J + 1, l, J + 1,
                           K + 1, l, J, K);
            bs_sink_json_number(s, f->gz[j]);
            bs_sink_puts(s, ", \"a\": ");
            bs_sink_json_number(s, f->a[k]);
            bs_sink_puts(s, ", \"value\": ");
            bs_sink_json_number(s, f->gW[j * f->nin + k]);
            bs_sink_puts(s, "}");
        }
    bs_sink_puts(s, "\n    ]},");
}

static void render_json(bs_sink *s, const bs_handout *h, const bs_handout_opts *o)
{
    bs_sink_printf(s, "{\n  \"handout\": \"%03d\",\n  \"title\": ", h->which);
    bs_sink_json_string(s, title(h->which));
    bs_sink_puts(s, ",\n  \"spec\": ");
    bs_sink_json_string(s, o->source);
    if (h->which == 1) {
        bs_sink_puts(s, ",\n  \"lr\": ");
        bs_sink_json_number(s, h->lr);
    }
    bs_sink_puts(s, ",\n  \"equations\": [");
    for (size_t i = 0; i < h->n; i++) {
        const bs_heq *e = &h->eq[i];
        bs_sink_puts(s, i ? ",\n    {\"section\": " : "\n    {\"section\": ");
        bs_sink_json_string(s, e->section);
        if (e->label) {
            bs_sink_puts(s, ", \"label\": ");
            bs_sink_json_string(s, e->label);
        }
        bs_sink_puts(s, ", \"lhs\": ");
        bs_sink_json_string(s, e->lhs);
        bs_sink_puts(s, ",\n     \"text\": ");
        bs_sink buf = bs_sink_buffer();
        bs_handout_eq_text(&buf, e, 1, o->precision);
        bs_sink_json_string(s, buf.buf ? buf.buf : "");
        bs_sink_free_buffer(&buf);
        bs_sink_puts(s, ",\n     \"numbers\": [");
        for (size_t k = 0; k < e->nn; k++) {
            bs_sink_puts(s, k ? ", {\"ref\": " : "{\"ref\": ");
            bs_sink_json_string(s, e->num[k].ref);
            bs_sink_puts(s, ", \"value\": ");
            bs_sink_json_number(s, e->num[k].v);
            bs_sink_puts(s, "}");
        }
        bs_sink_puts(s, "]");
        if (e->note) {
            bs_sink_puts(s, ",\n     \"note\": ");
            bs_sink_json_string(s, e->note);
        }
        if (e->erratum) {
            bs_sink_puts(s, ",\n     \"erratum\": ");
            bs_sink_json_string(s, e->erratum);
        }
        bs_sink_puts(s, "}");
    }
    bs_sink_puts(s, "\n  ],");
    if (h->fig.nin)
        figure_json(s, &h->fig, h->fig_at < h->n ? h->eq[h->fig_at].section : NULL);
    bs_sink_puts(s, "\n  \"check\": [");
    size_t first, n = check_steps(h, &first);
    for (size_t k = 0; k < n; k++) {
        const bs_step *st = &h->t->steps[first + k];
        char name[48];
        step_name(name, sizeof name, h, st);
        bs_sink_puts(s, k ? ",\n    {\"gradient\": " : "\n    {\"gradient\": ");
        bs_sink_json_string(s, name);
        bs_sink_printf(s, ", \"compared\": %zu, \"agree\": %zu, \"max_rel_error\": ",
                       st->n_compared, st->n_agree);
        bs_sink_json_number(s, st->max_rel_error);
        bs_sink_printf(s, ", \"passed\": %s}", st->passed ? "true" : "false");
    }
    bs_sink_printf(s, "\n  ],\n  \"passed\": %s\n}\n", h->t->passed ? "true" : "false");
}

int bs_handout_render(bs_sink *s, const bs_handout *h, const bs_handout_opts *o)
{
    switch (o->format) {
    case BS_FORMAT_TEXT:
        render_text(s, h, o);
        return 0;
    case BS_FORMAT_MARKDOWN:
        render_doc(s, h, o, 0);
        return 0;
    case BS_FORMAT_LATEX:
        render_doc(s, h, o, 1);
        return 0;
    case BS_FORMAT_HTML:
        render_html(s, h, o);
        return 0;
    case BS_FORMAT_JSON:
        render_json(s, h, o);
        return 0;
    default:
        return -1;
    }
}
