/* bs_render_dot.c — the network as a Graphviz diagram (the backward view).
 *
 * A digraph laid out left to right, one cluster per layer (input, hidden 1…,
 * output).  Each neuron is a node whose label carries its forward value a,
 * its gradient ∂L/∂a, its bias b and ∂L/∂b (and at the output the target y);
 * each weight is an edge whose label carries w and ∂L/∂w; a final node holds
 * the loss L.  For a batch the neurons show example 1 (said in the graph
 * label); weights and biases belong to the whole batch.  A layer wider than
 * BS_DIAGRAM_MAX_UNITS is collapsed into one node carrying its shape, and the
 * edges touching it into one edge carrying the weight matrix's shape.
 *
 * Element names follow the notation (bs_name_var, bs_name_grad) with the
 * unit as a subscript, W's element indices in the convention's order
 * (row: W[n]ᵢ,ⱼ from input i to output j; column: W[n]ⱼ,ᵢ).  Numbers have
 * min(precision, 4) significant digits.  Node borders and edges are tinted
 * by the sign of their gradient (red > 0, blue < 0); the sign is always in
 * the label too, so the picture reads the same in grey.
 *
 * Identifiers, stable for tools and tests: neurons "aL_J" (layer L, unit J
 * from 1), collapsed layers "aL", the loss "loss"; weight edges carry
 * id="wL_I_J" (input I, output J), collapsed weight edges id="WL", edges
 * into the loss id="lossJ" or id="loss".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_render_dot.h"
#include "bs_diagram.h"
#include "bs_render.h"
#include "bs_render_common.h"

#define LABEL_DIGITS 4   /* most significant digits in a label */
#define COLOR_POS "#b2182b"
#define COLOR_NEG "#2166ac"
#define COLOR_NONE "#404040"

/* A label being built: plain UTF-8 text, lines separated by '\n'. */
typedef struct label {
    char buf[512];
    size_t len;
} label;

static void lab_add(label *lb, const char *str)
{
    size_t n = strlen(str);
    if (n > sizeof lb->buf - 1 - lb->len)
        n = sizeof lb->buf - 1 - lb->len;
    memcpy(lb->buf + lb->len, str, n);
    lb->len += n;
    lb->buf[lb->len] = '\0';
}

static void lab_newline(label *lb)
{
    if (lb->len > 0)
        lab_add(lb, "\n");
}

/* A positive integer in Unicode subscript digits: 12 → "₁₂". */
static void subscript(char *buf, size_t size, size_t v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%zu", v);
    size_t o = 0;
    for (const char *d = digits; *d && o + 4 <= size; d++) {
        buf[o++] = '\xe2';
        buf[o++] = '\x82';
        buf[o++] = (char)(0x80 + (*d - '0'));
    }
    buf[o < size ? o : size - 1] = '\0';
}

/* Writes text inside a DOT double-quoted string: quotes and backslashes
 * escaped, line breaks as \n (centred lines), other control characters
 * dropped. */
static void esc(bs_sink *s, const char *str)
{
    if (!str)
        return;
    const char *run = str;
    for (const char *p = str; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c != '"' && c != '\\' && c >= 0x20 && c != 0x7f)
            continue;
        bs_sink_write(s, run, (size_t)(p - run));
        if (c == '"')
            bs_sink_puts(s, "\\\"");
        else if (c == '\\')
            bs_sink_puts(s, "\\\\");
        else if (c == '\n')
            bs_sink_puts(s, "\\n");
        else if (c == '\t')
            bs_sink_puts(s, " ");
        run = p + 1;
    }
    bs_sink_puts(s, run);
}

/* Writes ` label="…"` for a built label. */
static void put_label(bs_sink *s, const char *attr, const label *lb)
{
    bs_sink_printf(s, "%s=\"", attr);
    esc(s, lb->buf);
    bs_sink_puts(s, "\"");
}

/* Appends "name = value" to a label. */
static void lab_value(label *lb, const char *name, double v, int prec)
{
    char num[40];
    bs_fmt_num(num, sizeof num, v, prec);
    lab_newline(lb);
    lab_add(lb, name);
    lab_add(lb, " = ");
    lab_add(lb, num);
}

/* The colour of a gradient's sign. */
static const char *sign_color(double g)
{
    if (isnan(g) || g == 0.0)
        return COLOR_NONE;
    return g > 0 ? COLOR_POS : COLOR_NEG;
}

/* A name with a unit subscript: "a[1]₂", "g[1a]₂", "da1₂". */
static void unit_name(char *buf, size_t size, const char *base, size_t j)
{
    char sub[64];
    subscript(sub, sizeof sub, j + 1);
    snprintf(buf, size, "%s%s", base, sub);
}

/* A weight's element name: "W[1]₂,₃" (row convention: input 2, output 3). */
static void weight_name(char *buf, size_t size, const char *base, size_t i,
                        size_t j, bs_convention conv)
{
    char si[64], sj[64];
    subscript(si, sizeof si, i + 1);
    subscript(sj, sizeof sj, j + 1);
    if (conv == BS_COLUMN)
        snprintf(buf, size, "%s%s,%s", base, sj, si);
    else
        snprintf(buf, size, "%s%s,%s", base, si, sj);
}

/* The displayed shape of a step, or the fallback when the step is absent. */
static void step_shape(const bs_trace *t, const char *id, size_t rows,
                       size_t cols, size_t *r, size_t *c)
{
    const bs_step *st = bs_trace_find(t, id);
    *r = st ? st->rows : rows;
    *c = st ? st->cols : cols;
}

static int collapsed(const bs_net *net, size_t l)
{
    return net->n[l] > BS_DIAGRAM_MAX_UNITS;
}

/* The cluster title: "hidden 1 · a[1] · 3 units · sigmoid". */
static void layer_title(label *lb, const bs_trace *t, size_t l, bs_notation nt)
{
    const bs_net *net = t->net;
    char buf[96], name[48];
    bs_name_var(name, sizeof name, BS_Q_A, l, nt);
    if (l == 0)
        snprintf(buf, sizeof buf, "input · %s", name);
    else if (l == net->L) {
        char yhat[16];
        bs_name_var(yhat, sizeof yhat, BS_Q_YHAT, l, nt);
        snprintf(buf, sizeof buf, "output · %s = %s", name, yhat);
    } else
        snprintf(buf, sizeof buf, "hidden %zu · %s", l, name);
    lab_add(lb, buf);
    snprintf(buf, sizeof buf, " · %zu unit%s", net->n[l], net->n[l] == 1 ? "" : "s");
    lab_add(lb, buf);
    if (l > 0) {
        lab_add(lb, " · ");
        lab_add(lb, net->act[l]->name);
    }
}

static void graph_header(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    char buf[320];
    bs_sink_puts(s, "digraph backstep {\n");
    /* ordering=out with (almost) no crossing minimisation keeps the units of
     * every layer in order, top to bottom: the edges are written in order,
     * and a full bipartite layer has nothing to gain from reordering. */
    bs_sink_puts(s, "  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.25, ranksep=1.6,\n"
                    "         ordering=out, mclimit=0.01, remincross=false,\n"
                    "         fontname=\"Helvetica\", fontsize=12, labelloc=t,\n"
                    "         label=\"");
    if (net->name) {
        esc(s, net->name);
        bs_sink_puts(s, "\\n");
    }
    if (o->source) {
        bs_sink_puts(s, "spec: ");
        esc(s, o->source);
        bs_sink_puts(s, "\\n");
    }
    bs_sink_puts(s, "network ");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention, loss %s", net->convention == BS_ROW ? "row" : "column",
                   net->loss->name);
    if (net->l2 != 0.0) {
        bs_fmt_num(buf, 40, net->l2, o->precision);
        bs_sink_printf(s, ", λ = %s", buf);
    }
    bs_sink_puts(s, "\\n");
    if (net->B > 1)
        bs_sink_printf(s, "batch of %zu (%s): neurons show example 1; weights, biases and L "
                          "belong to the whole batch\\n",
                       net->B, net->reduction == BS_MEAN ? "mean" : "sum");
    if (o->notation != BS_NOTATION_PARTIAL) {
        char ga[48], gw[48];
        bs_name_grad(ga, sizeof ga, BS_Q_A, 1, o->notation);
        bs_name_grad(gw, sizeof gw, BS_Q_W, 1, o->notation);
        snprintf(buf, sizeof buf, "%s = ∂L/∂a[1], %s = ∂L/∂W[1]; ", ga, gw);
        esc(s, buf);
    }
    esc(s, "forward values above, gradients below; red: gradient > 0, blue: gradient < 0");
    if (t->checked) {
        bs_sink_puts(s, "\\nnumerical check: ");
        esc(s, bs_verdict_word(t));
    }
    bs_sink_puts(s, "\"];\n");
    bs_sink_puts(s, "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10, "
                    "penwidth=1.4];\n");
    bs_sink_puts(s, "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];\n");
}

/* One neuron: a, ∂L/∂a, b, ∂L/∂b (and y at the output) of example 1. */
static void neuron(bs_sink *s, const bs_trace *t, size_t l, size_t j, const bs_render_opts *o,
                   int prec)
{
    const bs_net *net = t->net;
    bs_notation nt = o->notation;
    char base[48], name[192];
    label lb = {{0}, 0};
    bs_name_var(base, sizeof base, BS_Q_A, l, nt);
    unit_name(name, sizeof name, base, j);
    lab_value(&lb, name, t->fw->a[l][j], prec);
    double g = 0.0;
    if (l > 0) {
        g = t->grads->ga[l][j];
        bs_name_grad(base, sizeof base, BS_Q_A, l, nt);
        unit_name(name, sizeof name, base, j);
        lab_value(&lb, name, g, prec);
        bs_name_var(base, sizeof base, BS_Q_B, l, nt);
        unit_name(name, sizeof name, base, j);
        lab_value(&lb, name, net->b[l][j], prec);
        bs_name_grad(base, sizeof base, BS_Q_B, l, nt);
        unit_name(name, sizeof name, base, j);
        lab_value(&lb, name, t->grads->gb[l][j], prec);
    }
    if (l == net->L) {
        bs_name_var(base, sizeof base, BS_Q_Y, l, nt);
        unit_name(name, sizeof name, base, j);
        lab_value(&lb, name, net->y[j], prec);
    }
    bs_sink_printf(s, "    a%zu_%zu [", l, j + 1);
    put_label(s, "label", &lb);
    bs_sink_printf(s, ", color=\"%s\"];\n", l > 0 ? sign_color(g) : COLOR_NONE);
}

/* A collapsed layer: "a[1]: 32×200 (sigmoid)" and its gradients' shapes. */
static void layer_node(bs_sink *s, const bs_trace *t, size_t l, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_notation nt = o->notation;
    char id[32], name[48], buf[160];
    size_t r, c;
    label lb = {{0}, 0};
    int col = net->convention == BS_COLUMN;
    snprintf(id, sizeof id, "a[%zu]", l);
    step_shape(t, id, col ? net->n[l] : net->B, col ? net->B : net->n[l], &r, &c);
    bs_name_var(name, sizeof name, BS_Q_A, l, nt);
    if (l > 0)
        snprintf(buf, sizeof buf, "%s: %zu×%zu (%s)", name, r, c, net->act[l]->name);
    else
        snprintf(buf, sizeof buf, "%s: %zu×%zu (input)", name, r, c);
    lab_add(&lb, buf);
    if (l > 0) {
        snprintf(id, sizeof id, "g[%zua]", l);
        step_shape(t, id, r, c, &r, &c);
        bs_name_grad(name, sizeof name, BS_Q_A, l, nt);
        snprintf(buf, sizeof buf, "%s: %zu×%zu", name, r, c);
        lab_newline(&lb);
        lab_add(&lb, buf);
        snprintf(id, sizeof id, "g[%zub]", l);
        step_shape(t, id, col ? net->n[l] : 1, col ? 1 : net->n[l], &r, &c);
        char bname[48];
        bs_name_var(name, sizeof name, BS_Q_B, l, nt);
        bs_name_grad(bname, sizeof bname, BS_Q_B, l, nt);
        snprintf(buf, sizeof buf, "%s, %s: %zu×%zu", name, bname, r, c);
        lab_newline(&lb);
        lab_add(&lb, buf);
    }
    if (l == net->L) {
        step_shape(t, "y", col ? net->n[l] : net->B, col ? net->B : net->n[l], &r, &c);
        bs_name_var(name, sizeof name, BS_Q_Y, l, nt);
        snprintf(buf, sizeof buf, "%s: %zu×%zu", name, r, c);
        lab_newline(&lb);
        lab_add(&lb, buf);
    }
    bs_sink_printf(s, "    a%zu [", l);
    put_label(s, "label", &lb);
    bs_sink_puts(s, ", shape=box3d, style=solid, color=\"" COLOR_NONE "\"];\n");
}

static void layer_cluster(bs_sink *s, const bs_trace *t, size_t l, const bs_render_opts *o,
                          int prec)
{
    label title = {{0}, 0};
    layer_title(&title, t, l, o->notation);
    bs_sink_printf(s, "  subgraph cluster_%zu {\n    ", l);
    put_label(s, "label", &title);
    bs_sink_puts(s, ";\n    style=\"rounded,filled\"; fillcolor=\"#f4f4f4\"; color=\"#bbbbbb\";\n");
    if (collapsed(t->net, l))
        layer_node(s, t, l, o);
    else
        for (size_t j = 0; j < t->net->n[l]; j++)
            neuron(s, t, l, j, o, prec);
    bs_sink_puts(s, "  }\n");
}

/* The edges from layer l−1 into layer l. */
static void weight_edges(bs_sink *s, const bs_trace *t, size_t l, const bs_render_opts *o,
                         int prec)
{
    const bs_net *net = t->net;
    bs_notation nt = o->notation;
    size_t nin = net->n[l - 1], nout = net->n[l];
    char wbase[48], gbase[48], name[192];
    bs_name_var(wbase, sizeof wbase, BS_Q_W, l, nt);
    bs_name_grad(gbase, sizeof gbase, BS_Q_W, l, nt);
    if (collapsed(net, l - 1) || collapsed(net, l)) {
        int col = net->convention == BS_COLUMN;
        char id[32], buf[160];
        size_t r, c;
        label lb = {{0}, 0};
        snprintf(id, sizeof id, "g[%zuW]", l);
        step_shape(t, id, col ? nout : nin, col ? nin : nout, &r, &c);
        snprintf(buf, sizeof buf, "%s, %s: %zu×%zu", wbase, gbase, r, c);
        lab_add(&lb, buf);
        /* an expanded side is reached through its cluster's border */
        if (collapsed(net, l - 1))
            bs_sink_printf(s, "  a%zu", l - 1);
        else
            bs_sink_printf(s, "  a%zu_%zu", l - 1, nin / 2 + 1);
        if (collapsed(net, l))
            bs_sink_printf(s, " -> a%zu [", l);
        else
            bs_sink_printf(s, " -> a%zu_%zu [", l, nout / 2 + 1);
        if (!collapsed(net, l - 1))
            bs_sink_printf(s, "ltail=cluster_%zu, ", l - 1);
        if (!collapsed(net, l))
            bs_sink_printf(s, "lhead=cluster_%zu, ", l);
        bs_sink_printf(s, "id=\"W%zu\", ", l);
        put_label(s, "label", &lb);
        bs_sink_puts(s, ", fontsize=10, penwidth=2.5, color=\"" COLOR_NONE "\"];\n");
        return;
    }
    for (size_t i = 0; i < nin; i++)
        for (size_t j = 0; j < nout; j++) {
            size_t k = i * nout + j;
            double g = t->grads->gW[l][k];
            label lb = {{0}, 0};
            weight_name(name, sizeof name, wbase, i, j, net->convention);
            lab_value(&lb, name, net->W[l][k], prec);
            weight_name(name, sizeof name, gbase, i, j, net->convention);
            lab_value(&lb, name, g, prec);
            bs_sink_printf(s, "  a%zu_%zu -> a%zu_%zu [id=\"w%zu_%zu_%zu\", ", l - 1, i + 1, l,
                           j + 1, l, i + 1, j + 1);
            put_label(s, "label", &lb);
            const char *c = sign_color(g);
            bs_sink_printf(s, ", color=\"%s\", fontcolor=\"%s\"];\n", c, c);
        }
}

static void loss_node(bs_sink *s, const bs_trace *t, int prec)
{
    const bs_net *net = t->net;
    const bs_forward *fw = t->fw;
    label lb = {{0}, 0};
    lab_value(&lb, "L", fw->loss, prec);
    if (net->l2 != 0.0) {
        char d[40], p[40], buf[120];
        bs_fmt_num(d, sizeof d, fw->data_loss, prec);
        bs_fmt_num(p, sizeof p, fw->penalty, prec);
        snprintf(buf, sizeof buf, "= %s + penalty %s", d, p);
        lab_newline(&lb);
        lab_add(&lb, buf);
    }
    lab_newline(&lb);
    lab_add(&lb, "loss: ");
    lab_add(&lb, net->loss->name);
    bs_sink_puts(s, "  loss [");
    put_label(s, "label", &lb);
    bs_sink_puts(s, ", shape=ellipse, style=bold, fontsize=12];\n");
    size_t L = net->L;
    if (collapsed(net, L)) {
        bs_sink_printf(s, "  a%zu -> loss [id=\"loss\", style=dashed, color=\"" COLOR_NONE
                          "\"];\n", L);
        return;
    }
    for (size_t j = 0; j < net->n[L]; j++)
        bs_sink_printf(s, "  a%zu_%zu -> loss [id=\"loss%zu\", style=dashed, color=\"" COLOR_NONE
                          "\"];\n", L, j + 1, j + 1);
}

void bs_render_dot(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    int prec = o->precision < LABEL_DIGITS ? o->precision : LABEL_DIGITS;
    if (prec < 1)
        prec = 1;
    graph_header(s, t, o);
    for (size_t l = 0; l <= t->net->L; l++)
        layer_cluster(s, t, l, o, prec);
    loss_node(s, t, prec);
    for (size_t l = 1; l <= t->net->L; l++)
        weight_edges(s, t, l, o, prec);
    bs_sink_puts(s, "}\n");
}
