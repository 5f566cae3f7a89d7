/* bs_formula.c — building formulas and typesetting them as text. */
#include "bs_formula.h"

#include <stdio.h>
#include <string.h>

const char *const bs_notation_names[] = {"g", "partial", "code", NULL};

int bs_notation_parse(const char *name)
{
    for (int i = 0; bs_notation_names[i]; i++)
        if (strcmp(bs_notation_names[i], name) == 0)
            return i;
    return -1;
}

static bs_expr *node(bs_pool *p, bs_xkind kind)
{
    if (!p || p->len >= p->cap)
        return NULL;
    bs_expr *e = &p->nodes[p->len++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    return e;
}

const bs_expr *bs_x_var(bs_pool *p, bs_qty q, size_t layer)
{
    bs_expr *e = node(p, BS_X_VAR);
    if (e) {
        e->qty = q;
        e->layer = layer;
    }
    return e;
}

const bs_expr *bs_x_grad(bs_pool *p, bs_qty q, size_t layer)
{
    bs_expr *e = node(p, BS_X_GRAD);
    if (e) {
        e->qty = q;
        e->layer = layer;
    }
    return e;
}

const bs_expr *bs_x_leaf(bs_pool *p, bs_xkind kind, size_t layer)
{
    bs_expr *e = node(p, kind);
    if (e)
        e->layer = layer;
    return e;
}

const bs_expr *bs_x_unary(bs_pool *p, bs_xkind kind, const bs_expr *l)
{
    if (!l)
        return NULL;
    bs_expr *e = node(p, kind);
    if (e)
        e->l = l;
    return e;
}

const bs_expr *bs_x_act(bs_pool *p, size_t layer, const bs_expr *arg)
{
    if (!arg)
        return NULL;
    bs_expr *e = node(p, BS_X_ACT);
    if (e) {
        e->layer = layer;
        e->l = arg;
    }
    return e;
}

const bs_expr *bs_x_binary(bs_pool *p, bs_xkind kind, const bs_expr *l,
                           const bs_expr *r)
{
    if (!l || !r)
        return NULL;
    bs_expr *e = node(p, kind);
    if (e) {
        e->l = l;
        e->r = r;
    }
    return e;
}

char bs_qty_letter(bs_qty q)
{
    switch (q) {
    case BS_Q_A: return 'a';
    case BS_Q_Z: return 'z';
    case BS_Q_W: return 'W';
    case BS_Q_B: return 'b';
    case BS_Q_Y: return 'y';
    default: return '?';
    }
}

void bs_name_grad(char *buf, size_t size, bs_qty q, size_t layer, bs_notation nt)
{
    if (q == BS_Q_LOSS) {
        snprintf(buf, size, "L");
        return;
    }
    char c = bs_qty_letter(q);
    switch (nt) {
    case BS_NOTATION_PARTIAL:
        snprintf(buf, size, "∂L/∂%c[%zu]", c, layer);
        break;
    case BS_NOTATION_CODE:
        snprintf(buf, size, "d%c%zu", c, layer);
        break;
    default:
        snprintf(buf, size, "g[%zu%c]", layer, c);
        break;
    }
}

void bs_name_var(char *buf, size_t size, bs_qty q, size_t layer, bs_notation nt)
{
    int code = nt == BS_NOTATION_CODE;
    switch (q) {
    case BS_Q_Y:
        snprintf(buf, size, "y");
        return;
    case BS_Q_YHAT:
        snprintf(buf, size, code ? "yhat" : "ŷ");
        return;
    case BS_Q_LOSS:
        snprintf(buf, size, "L");
        return;
    case BS_Q_A:
        if (layer == 0 && nt != BS_NOTATION_G) {
            snprintf(buf, size, code ? "X" : "x");
            return;
        }
        break;
    default:
        break;
    }
    if (code)
        snprintf(buf, size, "%c%zu", bs_qty_letter(q), layer);
    else
        snprintf(buf, size, "%c[%zu]", bs_qty_letter(q), layer);
}

void bs_name_act(char *buf, size_t size, const bs_net *net, size_t layer,
                 bs_notation nt)
{
    int out = layer == net->L;
    switch (nt) {
    case BS_NOTATION_PARTIAL:
        snprintf(buf, size, "%s", out ? "f" : "σ");
        break;
    case BS_NOTATION_CODE:
        snprintf(buf, size, "%s", net->act[layer]->name);
        break;
    default:
        snprintf(buf, size, "%s", out ? "g_o" : "g_h");
        break;
    }
}

int bs_expr_prec(const bs_expr *e, int frac_hdiv)
{
    if (!e)
        return 4;
    switch (e->kind) {
    case BS_X_ADD:
    case BS_X_SUB:
        return 1;
    case BS_X_HDIV:
        return frac_hdiv ? 4 : 2;
    case BS_X_MATMUL:
    case BS_X_HADAMARD:
    case BS_X_SCALE:
        return 2;
    case BS_X_NEG:
        return 3;
    default:
        return 4;
    }
}

int bs_expr_operand_paren(const bs_expr *e, int right, int frac_hdiv)
{
    const bs_expr *c = right ? e->r : e->l;
    if (!c)
        return 0;
    int p = bs_expr_prec(e, frac_hdiv), q = bs_expr_prec(c, frac_hdiv);
    if (q < p)
        return 1;
    /* the right operand of −, ⊘ and · needs brackets at equal strength too */
    return right && q == p && e->kind != BS_X_ADD &&
           !(e->kind == BS_X_HADAMARD && c->kind == BS_X_HADAMARD);
}

int bs_expr_has_fraction(const bs_expr *e, bs_notation nt, int frac_hdiv)
{
    if (!e)
        return 0;
    if (e->kind == BS_X_INVB || (e->kind == BS_X_GRAD && nt == BS_NOTATION_PARTIAL) ||
        (e->kind == BS_X_HDIV && frac_hdiv))
        return 1;
    return bs_expr_has_fraction(e->l, nt, frac_hdiv) ||
           bs_expr_has_fraction(e->r, nt, frac_hdiv);
}

static int qty_of(char c, bs_qty *q)
{
    switch (c) {
    case 'a': *q = BS_Q_A; return 0;
    case 'z': *q = BS_Q_Z; return 0;
    case 'W':
    case 'w': *q = BS_Q_W; return 0;
    case 'b': *q = BS_Q_B; return 0;
    default: return -1;
    }
}

/* reads a layer number of 1 to 6 digits; returns characters used, or 0 */
static size_t read_layer(const char *s, size_t *layer)
{
    size_t i = 0, v = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 6)
        v = v * 10 + (size_t)(s[i++] - '0');
    if (i == 0 || (s[i] >= '0' && s[i] <= '9'))
        return 0;
    *layer = v;
    return i;
}

int bs_name_parse(const char *name, bs_qty *q, size_t *layer)
{
    char buf[64];
    size_t n = 0;
    for (const char *c = name; *c && n + 1 < sizeof buf; c++)
        if (*c != ' ')
            buf[n++] = *c;
    buf[n] = '\0';
    if (strcmp(buf, "L") == 0 || strcmp(buf, "loss") == 0) {
        *q = BS_Q_LOSS;
        *layer = 0;
        return 0;
    }
    const char *s = buf;
    size_t used;
    if (s[0] == 'g' && s[1] == '[') { /* g[2z] */
        if (!(used = read_layer(s + 2, layer)) || qty_of(s[2 + used], q) ||
            strcmp(s + 3 + used, "]") != 0)
            return -1;
        return *layer >= 1 ? 0 : -1;
    }
    if (strncmp(s, "dL/d", 4) == 0)
        s += 4;
    else if (strncmp(s, "∂L/∂", strlen("∂L/∂")) == 0)
        s += strlen("∂L/∂");
    else if (s[0] == 'd')
        s += 1;
    else
        return -1;
    if (qty_of(s[0], q))
        return -1;
    s++;
    int bracket = s[0] == '[';
    if (!(used = read_layer(s + bracket, layer)))
        return -1;
    s += bracket + used;
    if (strcmp(s, bracket ? "]" : "") != 0)
        return -1;
    return *layer >= 1 ? 0 : -1;
}
