/* bs_diagram.c — the network as inline SVG, laid out by backstep itself.
 *
 * Layers stand left to right, neurons top to bottom.  A neuron is a circle
 * showing its activation a (example 1 of the batch); the backward view adds
 * ∂L/∂a below it and tints the circle by that gradient's sign and size (red
 * positive, blue negative, pale for small), the numbers staying black so a
 * grey print keeps everything.  Edges carry the weight (forward view) or
 * ∂L/∂w (backward view): solid when positive, dashed when negative, wider
 * when larger; their numbers are written on them only between layers of at
 * most 3 neurons (or up to 5 into a single neuron), where they do not pile
 * up, and every node and edge has a <title> with its full values.  A layer
 * wider than BS_DIAGRAM_MAX_UNITS is one rounded box carrying its shape;
 * two such layers are joined by one thick edge labelled with W's shape.
 */
#include "bs_diagram.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_latex.h"
#include "bs_mathml.h"
#include "bs_render_common.h"

#define R 33.0          /* neuron radius */
#define ROW 90.0        /* distance between neurons of a layer */
#define GAP 280.0       /* distance between layers */
#define MARGIN 95.0     /* left and right of the outer layers */
#define TOP 74.0        /* room for the layer titles */
#define BOTTOM 58.0     /* room for the legend */
#define BOX_W 130.0     /* a collapsed layer */
#define BOX_H 190.0

static int small(const bs_net *net, size_t l)
{
    return net->n[l] <= BS_DIAGRAM_MAX_UNITS;
}

/* a short number with a true minus sign */
static void num(bs_sink *s, double v)
{
    char b[40];
    bs_fmt_num(b, sizeof b, v, 3);
    if (b[0] == '-') {
        bs_sink_puts(s, "−");
        bs_sink_puts(s, b + 1);
    } else {
        bs_sink_puts(s, b);
    }
}

/* the longer number of a tooltip */
static void num6(bs_sink *s, double v)
{
    char b[40];
    bs_fmt_num(b, sizeof b, v, 6);
    bs_sink_puts(s, b);
}

/* white mixed with red (positive) or blue (negative) by t in [0, 1] */
static void tint(bs_sink *s, double v, double max)
{
    if (!isfinite(v) || !(max > 0) || !isfinite(max) || v == 0.0) {
        bs_sink_puts(s, "#f2f2f2");
        return;
    }
    double t = 0.1 + 0.38 * fmin(1.0, fabs(v) / max);
    int r0 = v > 0 ? 0xd7 : 0x21, g0 = v > 0 ? 0x30 : 0x66, b0 = v > 0 ? 0x1f : 0xac;
    int r = (int)lround(255 - t * (255 - r0));
    int g = (int)lround(255 - t * (255 - g0));
    int b = (int)lround(255 - t * (255 - b0));
    bs_sink_printf(s, "#%02x%02x%02x", r, g, b);
}

static double layer_x(size_t l) { return MARGIN + (double)l * GAP; }

/* the y of neuron j of layer l, centred in the drawing's height */
static double unit_y(const bs_net *net, size_t l, size_t j, double mid)
{
    double n = (double)net->n[l];
    return mid + ((double)j - (n - 1) / 2.0) * ROW;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

/* an edge's stroke by its value v (the largest being m): solid red when
 * positive, dashed blue when negative, wider when larger */
static void edge_stroke(bs_sink *s, double v, double m)
{
    double w = m > 0 && isfinite(v) ? 1.0 + 3.0 * fabs(v) / m : 1.0;
    const char *col = !isfinite(v) ? "#000" : v > 0 ? "#b2182b" : v < 0 ? "#2166ac" : "#999";
    bs_sink_printf(s, " stroke=\"%s\" stroke-width=\"%.2f\"%s", col, w,
                   isfinite(v) && v < 0 ? " stroke-dasharray=\"7 4\"" : "");
}

/* W[l]'s displayed shape */
static void w_shape(bs_sink *s, const bs_net *net, size_t l)
{
    size_t nin = net->n[l - 1], nout = net->n[l];
    if (net->convention == BS_COLUMN)
        bs_sink_printf(s, "%zu×%zu", nout, nin);
    else
        bs_sink_printf(s, "%zu×%zu", nin, nout);
}

static int labelled(const bs_net *net, size_t l)
{
    size_t nin = net->n[l - 1], nout = net->n[l];
    return (nin <= 3 && nout <= 3) || (nout == 1 && nin <= 5);
}

/* the edges between layer l−1 and layer l */
static void edges(bs_sink *s, const bs_trace *t, size_t l, double mid, int backward)
{
    const bs_net *net = t->net;
    size_t nin = net->n[l - 1], nout = net->n[l];
    double x0 = layer_x(l - 1), x1 = layer_x(l);
    int si = small(net, l - 1), so = small(net, l);
    if (!si && !so) {
        double a = x0 + BOX_W / 2, b = x1 - BOX_W / 2;
        bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#555\" stroke-width=\"14\" stroke-opacity=\"0.55\">"
                          "<title>W[%zu]: ", a, mid, b, mid, l);
        w_shape(s, net, l);
        bs_sink_printf(s, ", %s weights</title></line>\n", nin * nout > 1 ? "all" : "one");
        bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                          "font-size=\"15\">%sW[%zu] ",
                       (a + b) / 2, mid - 16, backward ? "∂L/∂" : "", l);
        w_shape(s, net, l);
        bs_sink_puts(s, "</text>\n");
        return;
    }
    const double *W = net->W[l];
    const double *gW = t->grads ? t->grads->gW[l] : NULL;
    const double *show = backward && gW ? gW : W;
    double m = max_abs(show, nin * nout);
    int lab = si && so && labelled(net, l);
    /* a collapsed side: one fan of thin lines, labelled with W's shape */
    if (!si || !so) {
        size_t n = si ? nin : nout;
        size_t layer = si ? l - 1 : l;
        double bx = si ? x1 - BOX_W / 2 : x0 + BOX_W / 2;
        for (size_t j = 0; j < n; j++) {
            double y = unit_y(net, layer, j, mid);
            double nx = si ? x0 + R : x1 - R;
            bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#777\" stroke-width=\"1.5\"/>\n",
                           nx, y, bx, mid + ((double)j - ((double)n - 1) / 2.0) * 6.0);
        }
        bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                          "font-size=\"15\" paint-order=\"stroke\" stroke=\"#fff\" "
                          "stroke-width=\"4\">%sW[%zu] ",
                       (x0 + x1) / 2, mid - (si ? (double)nin : (double)nout) * ROW / 2 - 10,
                       backward ? "∂L/∂" : "", l);
        w_shape(s, net, l);
        bs_sink_puts(s, "</text>\n");
        return;
    }
    for (size_t i = 0; i < nin; i++) {
        for (size_t j = 0; j < nout; j++) {
            double v = show[i * nout + j];
            double ya = unit_y(net, l - 1, i, mid), yb = unit_y(net, l, j, mid);
            double dx = x1 - x0, dy = yb - ya, d = sqrt(dx * dx + dy * dy);
            double ax = x0 + dx / d * R, ay = ya + dy / d * R;
            double bx = x1 - dx / d * R, by = yb - dy / d * R;
            size_t r = net->convention == BS_COLUMN ? j : i;
            size_t c = net->convention == BS_COLUMN ? i : j;
            bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"",
                           ax, ay, bx, by);
            edge_stroke(s, v, m);
            bs_sink_puts(s, ">");
            bs_sink_printf(s, "<title>W[%zu][%zu,%zu] = ", l, r + 1, c + 1);
            num6(s, W[i * nout + j]);
            if (gW) {
                bs_sink_puts(s, ", ∂L/∂W = ");
                num6(s, gW[i * nout + j]);
            }
            bs_sink_puts(s, "</title></line>\n");
        }
    }
    if (!lab)
        return;
    for (size_t i = 0; i < nin; i++) {
        for (size_t j = 0; j < nout; j++) {
            double ya = unit_y(net, l - 1, i, mid), yb = unit_y(net, l, j, mid);
            double f = nout == 1 ? 0.5 : 0.3 + 0.4 * (double)j / (double)(nout - 1);
            double x = x0 + f * (x1 - x0), y = ya + f * (yb - ya);
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "dominant-baseline=\"central\" font-size=\"14\" "
                              "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"4\" "
                              "stroke-linejoin=\"round\">",
                           x, y);
            num(s, show[i * nout + j]);
            bs_sink_puts(s, "</text>\n");
        }
    }
}

/* the title above a layer */
static void layer_title(bs_sink *s, const bs_net *net, size_t l, double x)
{
    const char *role = l == 0 ? "input" : l == net->L ? "output" : "hidden";
    bs_sink_printf(s, "<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"18\" "
                      "font-weight=\"bold\">a[%zu] %s</text>\n",
                   x, l, role);
    bs_sink_printf(s, "<text x=\"%.1f\" y=\"46\" text-anchor=\"middle\" font-size=\"15\" "
                      "fill=\"#333\">%zu unit%s",
                   x, net->n[l], net->n[l] == 1 ? "" : "s");
    if (l > 0) {
        bs_sink_puts(s, ", ");
        bs_text_html(s, net->act[l]->name);
    }
    bs_sink_puts(s, "</text>\n");
}

static void box(bs_sink *s, const bs_trace *t, size_t l, double mid, int backward)
{
    const bs_net *net = t->net;
    double x = layer_x(l);
    bs_sink_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"18\" "
                      "fill=\"#f2f2f2\" stroke=\"#333\" stroke-width=\"2\"/>\n",
                   x - BOX_W / 2, mid - BOX_H / 2, BOX_W, BOX_H);
    bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"16\">"
                      "<tspan x=\"%.1f\" dy=\"0\" font-weight=\"bold\">%zu units</tspan>"
                      "<tspan x=\"%.1f\" dy=\"24\">a[%zu]: %zu×%zu</tspan>",
                   x, mid - 22, x, net->n[l], x, l, net->B, net->n[l]);
    if (backward && l > 0)
        bs_sink_printf(s, "<tspan x=\"%.1f\" dy=\"24\">∂L/∂a[%zu]</tspan>", x, l);
    else
        bs_sink_printf(s, "<tspan x=\"%.1f\" dy=\"24\">one box</tspan>", x);
    bs_sink_puts(s, "</text>\n");
    (void)t;
}

static void neurons(bs_sink *s, const bs_trace *t, size_t l, double mid, int backward)
{
    const bs_net *net = t->net;
    size_t n = net->n[l];
    double x = layer_x(l);
    const double *a = t->fw ? t->fw->a[l] : NULL; /* example 1: the first row */
    const double *ga = backward && l > 0 && t->grads ? t->grads->ga[l] : NULL;
    double m = ga ? max_abs(ga, n) : 0.0;
    for (size_t j = 0; j < n; j++) {
        double y = unit_y(net, l, j, mid);
        bs_sink_printf(s, "<g><title>a[%zu][%zu] = ", l, j + 1);
        if (a)
            num6(s, a[j]);
        if (l > 0 && t->fw) {
            bs_sink_puts(s, ", z = ");
            num6(s, t->fw->z[l][j]);
        }
        if (ga) {
            bs_sink_puts(s, ", ∂L/∂a = ");
            num6(s, ga[j]);
            bs_sink_puts(s, ", ∂L/∂z = ");
            num6(s, t->grads->gz[l][j]);
        }
        if (net->B > 1)
            bs_sink_puts(s, " (example 1)");
        if (l > 0) {
            bs_sink_puts(s, "; b = ");
            num6(s, net->b[l][j]);
            if (ga) {
                bs_sink_puts(s, ", ∂L/∂b = ");
                num6(s, t->grads->gb[l][j]);
            }
        }
        bs_sink_printf(s, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"", x, y, R);
        if (ga)
            tint(s, ga[j], m);
        else
            bs_sink_puts(s, "#ffffff");
        /* a value that is not finite: a heavy dashed ring */
        if (a && !isfinite(a[j]))
            bs_sink_puts(s, "\" stroke=\"#b71c1c\" stroke-width=\"4\" "
                            "stroke-dasharray=\"6 3\"/>");
        else
            bs_sink_puts(s, "\" stroke=\"#222\" stroke-width=\"2\"/>");
        if (ga) {
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "font-size=\"13\">",
                           x, y - 3);
            if (a)
                num(s, a[j]);
            bs_sink_printf(s, "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "font-size=\"13\" font-weight=\"bold\">",
                           x, y + 13);
            num(s, ga[j]);
            bs_sink_puts(s, "</text>");
        } else {
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "dominant-baseline=\"central\" font-size=\"15\">",
                           x, y);
            if (a)
                num(s, a[j]);
            bs_sink_puts(s, "</text>");
        }
        bs_sink_puts(s, "</g>\n");
    }
}

void bs_diagram_svg(bs_sink *s, const bs_trace *t, int backward)
{
    const bs_net *net = t->net;
    size_t L = net->L;
    double body = BOX_H;
    for (size_t l = 0; l <= L; l++)
        if (small(net, l) && (double)net->n[l] * ROW > body)
            body = (double)net->n[l] * ROW;
    double width = 2 * MARGIN + (double)L * GAP;
    if (width < 600)
        width = 600;
    double height = TOP + body + BOTTOM;
    double mid = TOP + body / 2;
    bs_sink_printf(s, "<svg class=\"net\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                      "height=\"%.0f\" role=\"img\" font-family=\"DejaVu Sans, Verdana, "
                      "sans-serif\">\n<title>",
                   width, height, width, height);
    bs_sink_puts(s, backward ? "The backward pass: a and ∂L/∂a at each neuron, ∂L/∂w on "
                               "each edge"
                             : "The forward pass: a at each neuron, the weights on the "
                               "edges");
    bs_sink_puts(s, "</title>\n");
    for (size_t l = 1; l <= L; l++)
        edges(s, t, l, mid, backward);
    for (size_t l = 0; l <= L; l++) {
        layer_title(s, net, l, layer_x(l));
        if (small(net, l))
            neurons(s, t, l, mid, backward);
        else
            box(s, t, l, mid, backward);
    }
    /* the legend, in lines short enough for the narrowest drawing */
    double y = height - BOTTOM + 22;
    bs_sink_printf(s, "<text font-size=\"15\" fill=\"#222\"><tspan x=\"12\" y=\"%.1f\">",
                   y);
    if (backward)
        bs_sink_puts(s, "Neuron: a (top), ∂L/∂a (bold); fill red if &gt; 0, blue if &lt; 0.");
    else
        bs_sink_puts(s, "Neuron: its activation a.");
    if (net->B > 1)
        bs_sink_printf(s, " Example 1 of %zu.", net->B);
    bs_sink_printf(s, "</tspan><tspan x=\"12\" y=\"%.1f\">", y + 20);
    bs_sink_puts(s, backward ? "Edge: ∂L/∂w" : "Edge: the weight w");
    bs_sink_puts(s, "; solid red if &gt; 0, dashed blue if &lt; 0, wider if larger.</tspan>"
                    "</text>\n</svg>\n");
}

/* ------------------------------------------------ one layer as an outer product
 *
 * The layout, shared by the text, SVG and LaTeX figures: one row per edge
 * W_{j,k}[l], grouped by j (a blank row between groups).  Unit a_k[l−1]
 * stands on row k of the first group; a vertical "bus" below it (column k)
 * feeds row k of every group.  Each row runs right through its label to the
 * group's joint, from which one arrow goes to z_j[l], drawn level with the
 * group's middle row.  A piece of line at a bus or joint is given by which
 * of its four arms it has. */

enum { ARM_UP = 8, ARM_DOWN = 4, ARM_LEFT = 2, ARM_RIGHT = 1 };

static size_t of_rows(const bs_outer_fig *f)
{
    return f->nout * (f->nin + 1) - 1;
}

/* a row is an edge's (and then *j, *k say which) or a blank row between groups */
static int of_edge(const bs_outer_fig *f, size_t row, size_t *j, size_t *k)
{
    *j = row / (f->nin + 1);
    *k = row % (f->nin + 1);
    return *k < f->nin;
}

/* the arms of bus c in a row */
static int of_bus(const bs_outer_fig *f, size_t row, size_t c)
{
    size_t j, k, r0 = c, r1 = (f->nout - 1) * (f->nin + 1) + c;
    int d = 0;
    if (row > r0 && row <= r1)
        d |= ARM_UP;
    if (row >= r0 && row < r1)
        d |= ARM_DOWN;
    if (of_edge(f, row, &j, &k)) {
        if (j == 0 || c > k)
            d |= ARM_LEFT | ARM_RIGHT;
        else if (c == k)
            d |= ARM_RIGHT;
    }
    return d;
}

size_t bs_outer_fig_k(const bs_outer_fig *f, size_t k)
{
    return f->kin ? f->kin[k] : k;
}

size_t bs_outer_fig_j(const bs_outer_fig *f, size_t j)
{
    return f->jout ? f->jout[j] : j;
}

#define KI(f, k) bs_outer_fig_k(f, k)
#define JI(f, j) bs_outer_fig_j(f, j)

/* ", 1, 2, 3, 18" for the drawn indices of one side, from 1 */
static void of_list(char *b, size_t n, const size_t *idx, size_t count)
{
    size_t used = strlen(b);
    for (size_t i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(b + used, n - used, "%s%zu", i ? ", " : "", idx[i] + 1);
}

void bs_outer_fig_subset(char *b, size_t n, const bs_outer_fig *f, int latex)
{
    b[0] = '\0';
    if (!f->kin && !f->jout)
        return;
    size_t l = f->layer;
    const char *dots = latex ? "\\ldots" : "…";
    snprintf(b, n, latex ? "Drawn for $a^{[%zu]}_k$, $k = " : "Drawn for a_k[%zu], k = ", l - 1);
    if (f->kin)
        of_list(b, n, f->kin, f->nin);
    else
        snprintf(b + strlen(b), n - strlen(b), "1, %s, %zu", dots, f->nin);
    snprintf(b + strlen(b), n - strlen(b),
             latex ? "$ of %zu, and $z^{[%zu]}_j$, $j = " : " of %zu, and z_j[%zu], j = ",
             f->nin_all ? f->nin_all : f->nin, l);
    if (f->jout)
        of_list(b, n, f->jout, f->nout);
    else
        snprintf(b + strlen(b), n - strlen(b), "1, %s, %zu", dots, f->nout);
    snprintf(b + strlen(b), n - strlen(b),
             latex ? "$ of %zu: the first and last units of a large layer, their indices as "
                     "in the layer." : " of %zu: the first and last units of a large layer, "
                     "their indices as in the layer.",
             f->nout_all ? f->nout_all : f->nout);
}

/* the middle row of a group, where the arrow to z_j leaves */
static size_t of_mid(const bs_outer_fig *f)
{
    return (f->nin - 1) / 2;
}

/* the arms of a group's joint in its row k */
static int of_joint(const bs_outer_fig *f, size_t k)
{
    int d = ARM_LEFT;
    if (k > 0)
        d |= ARM_UP;
    if (k + 1 < f->nin)
        d |= ARM_DOWN;
    if (k == of_mid(f))
        d |= ARM_RIGHT;
    return d;
}

/* the labels: a_k[l−1] = v; ∂L/∂W_{j,k}[l] = (∂L/∂z_j) × (a_k) = v;
 * z_j[l]: ∂L/∂z_j[l] = v; the numbers as operands (bs_fmt_operand) */
static void of_left(char *b, size_t n, const bs_outer_fig *f, size_t k, int prec)
{
    char v[48];
    bs_fmt_operand(v, sizeof v, f->a[k], prec, 0);
    snprintf(b, n, "a_%zu[%zu] = %s", KI(f, k) + 1, f->layer - 1, v);
}

static void of_edge_label(char *b, size_t n, const bs_outer_fig *f, size_t j, size_t k,
                          int prec)
{
    char g[48], a[48], v[48];
    bs_fmt_operand(g, sizeof g, f->gz[j], prec, 1);
    bs_fmt_operand(a, sizeof a, f->a[k], prec, 1);
    bs_fmt_operand(v, sizeof v, f->gW[j * f->nin + k], prec, 0);
    snprintf(b, n, "∂L/∂W_{%zu,%zu}[%zu] = %s × %s = %s", JI(f, j) + 1, KI(f, k) + 1, f->layer, g, a, v);
}

static void of_right(char *b, size_t n, const bs_outer_fig *f, size_t j, int prec)
{
    char v[48];
    bs_fmt_operand(v, sizeof v, f->gz[j], prec, 0);
    snprintf(b, n, "z_%zu[%zu]: ∂L/∂z_%zu[%zu] = %s", JI(f, j) + 1, f->layer, JI(f, j) + 1, f->layer, v);
}

static size_t wmax(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* a piece of line of the text figure */
static const char *box_char(int d)
{
    static const char *const c[16] = {" ", "─", "─", "─", "│", "┌", "┐", "┬",
                                      "│", "└", "┘", "┴", "│", "├", "┤", "┼"};
    return c[d & 15];
}

static void pad(bs_sink *s, const char *str, size_t width, const char *fill)
{
    bs_sink_puts(s, str);
    for (size_t w = bs_text_width(str); w < width; w++)
        bs_sink_puts(s, fill);
}

static void pad_left(bs_sink *s, const char *str, size_t width)
{
    for (size_t w = bs_text_width(str); w < width; w++)
        bs_sink_puts(s, " ");
    bs_sink_puts(s, str);
}

/* writes a line without its trailing spaces */
static void put_line(bs_sink *s, bs_sink *line)
{
    size_t n = line->len;
    while (n > 0 && line->buf[n - 1] == ' ')
        n--;
    if (n)
        bs_sink_write(s, line->buf, n);
    bs_sink_puts(s, "\n");
    line->len = 0;
    if (line->buf)
        line->buf[0] = '\0';
}

/* the edges as text: the titles over the three columns, a line per row of
 * the figure, and the legend */
static void of_text_edges(bs_sink *s, bs_sink *line, const bs_outer_fig *f, int prec)
{
    size_t l = f->layer;
    char b[200], t1[80], t2[120], t3[80];
    snprintf(t1, sizeof t1, "a_k[%zu]", l - 1);
    snprintf(t2, sizeof t2, "∂L/∂W_{j,k}[%zu] = ∂L/∂z_j[%zu] · a_k[%zu]", l, l, l - 1);
    snprintf(t3, sizeof t3, "z_j[%zu]", l);
    size_t wl = bs_text_width(t1), we = bs_text_width(t2);
    for (size_t k = 0; k < f->nin; k++) {
        of_left(b, sizeof b, f, k, prec);
        wl = wmax(wl, bs_text_width(b));
    }
    for (size_t j = 0; j < f->nout; j++)
        for (size_t k = 0; k < f->nin; k++) {
            of_edge_label(b, sizeof b, f, j, k, prec);
            we = wmax(we, bs_text_width(b));
        }
    /* the titles over the three columns */
    bs_sink_puts(line, "  ");
    pad(line, t1, wl + 2 + 2 * f->nin + 1, " ");
    pad(line, t2, we + 5, " ");
    bs_sink_puts(line, t3);
    put_line(s, line);
    put_line(s, line);
    size_t rows = of_rows(f);
    for (size_t row = 0; row < rows; row++) {
        size_t j, k;
        int edge = of_edge(f, row, &j, &k);
        bs_sink_puts(line, "  ");
        if (edge && j == 0) {
            of_left(b, sizeof b, f, k, prec);
            bs_sink_puts(line, b);
            bs_sink_puts(line, " ");
            for (size_t w = bs_text_width(b); w < wl + 1; w++)
                bs_sink_puts(line, "─");
        } else {
            bs_sink_repeat(line, " ", wl + 2);
        }
        for (size_t c = 0; c < f->nin; c++) {
            int d = of_bus(f, row, c);
            bs_sink_puts(line, box_char(d));
            bs_sink_puts(line, d & ARM_RIGHT ? "─" : " ");
        }
        if (edge) {
            of_edge_label(b, sizeof b, f, j, k, prec);
            bs_sink_puts(line, " ");
            bs_sink_puts(line, b);
            bs_sink_puts(line, " ");
            for (size_t w = bs_text_width(b); w < we + 1; w++)
                bs_sink_puts(line, "─");
            int d = of_joint(f, k);
            bs_sink_puts(line, box_char(d));
            if (d & ARM_RIGHT) {
                of_right(b, sizeof b, f, j, prec);
                bs_sink_puts(line, "─▶ ");
                bs_sink_puts(line, b);
            }
        }
        put_line(s, line);
    }
    if (f->nout > 1) {
        put_line(s, line);
        bs_sink_printf(line, "  a_k[%zu] runs down its own line and joins (┬ ├ └) the edges "
                              "into every z_j[%zu]%s",
                       l - 1, l, f->nin > 1 ? "; ┼ is a crossing." : ".");
        put_line(s, line);
    }
}

/* the matrix the scalars fill: ∂L/∂z_j beside row j, a_k over column k;
 * -1 if memory ran out */
static int of_text_matrix(bs_sink *s, bs_sink *line, const bs_outer_fig *f, int prec)
{
    size_t l = f->layer;
    char b[200];
    put_line(s, line);
    bs_sink_printf(line, "  ∂L/∂W[%zu] = ∂L/∂z[%zu] (a[%zu])ᵀ: entry (j, k) is "
                          "∂L/∂z_j[%zu] · a_k[%zu], the label of edge W_{j,k}[%zu]",
                   l, l, l - 1, l, l - 1, l);
    put_line(s, line);
    put_line(s, line);
    size_t wr = 0, *cw = calloc(f->nin, sizeof *cw);
    if (!cw)
        return -1;
    for (size_t j = 0; j < f->nout; j++) {
        char v[48];
        bs_fmt_operand(v, sizeof v, f->gz[j], prec, 0);
        snprintf(b, sizeof b, "∂L/∂z_%zu[%zu] = %s", JI(f, j) + 1, l, v);
        wr = wmax(wr, bs_text_width(b));
    }
    for (size_t k = 0; k < f->nin; k++) {
        snprintf(b, sizeof b, "a_%zu[%zu]", KI(f, k) + 1, l - 1);
        cw[k] = bs_text_width(b);
        bs_fmt_operand(b, sizeof b, f->a[k], prec, 0);
        cw[k] = wmax(cw[k], bs_text_width(b));
        for (size_t j = 0; j < f->nout; j++) {
            bs_fmt_operand(b, sizeof b, f->gW[j * f->nin + k], prec, 0);
            cw[k] = wmax(cw[k], bs_text_width(b));
        }
    }
    for (int head = 0; head < 2; head++) {
        bs_sink_puts(line, "  ");
        bs_sink_repeat(line, " ", wr + 3);
        for (size_t k = 0; k < f->nin; k++) {
            if (head == 0)
                snprintf(b, sizeof b, "a_%zu[%zu]", KI(f, k) + 1, l - 1);
            else
                bs_fmt_operand(b, sizeof b, f->a[k], prec, 0);
            bs_sink_puts(line, k ? "  " : "");
            pad_left(line, b, cw[k]);
        }
        put_line(s, line);
    }
    for (size_t j = 0; j < f->nout; j++) {
        char v[48];
        bs_fmt_operand(v, sizeof v, f->gz[j], prec, 0);
        snprintf(b, sizeof b, "∂L/∂z_%zu[%zu] = %s", JI(f, j) + 1, l, v);
        bs_sink_puts(line, "  ");
        pad(line, b, wr, " ");
        const char *lb = f->nout == 1 ? "[" : j == 0 ? "⎡" : j + 1 == f->nout ? "⎣" : "⎢";
        const char *rb = f->nout == 1 ? "]" : j == 0 ? "⎤" : j + 1 == f->nout ? "⎦" : "⎥";
        bs_sink_printf(line, " %s ", lb);
        for (size_t k = 0; k < f->nin; k++) {
            bs_fmt_operand(b, sizeof b, f->gW[j * f->nin + k], prec, 0);
            bs_sink_puts(line, k ? "  " : "");
            pad_left(line, b, cw[k]);
        }
        bs_sink_printf(line, " %s", rb);
        put_line(s, line);
    }
    free(cw);
    return 0;
}

void bs_diagram_outer_text(bs_sink *s, const bs_outer_fig *f, int prec)
{
    if (!f->nin || !f->nout)
        return;
    bs_sink line = bs_sink_buffer();
    of_text_edges(s, &line, f, prec);
    if (of_text_matrix(s, &line, f, prec) != 0 || line.failed)
        s->failed = 1;
    bs_sink_free_buffer(&line);
}

/* ---- the SVG figure */

#define OF_ROW 30.0  /* distance between rows */
#define OF_CH 8.6    /* a character's width at font-size 14, generously */
#define OF_TOP 84.0  /* the titles and the matrix's column heads */

/* writes a label of the text figure with its subscripts (_1, _{1,2}) lowered */
static void svg_label(bs_sink *s, const char *t)
{
    size_t open = 0;
    while (*t) {
        if (*t == '_' && t[1]) {
            const char *sub = t + 1, *end;
            if (*sub == '{') {
                sub++;
                end = strchr(sub, '}');
                if (!end)
                    end = sub + strlen(sub);
                t = *end ? end + 1 : end;
            } else {
                end = sub + 1;
                t = end;
            }
            bs_sink_puts(s, "<tspan dy=\"4\" font-size=\"75%\">");
            bs_sink_write(s, sub, (size_t)(end - sub));
            bs_sink_puts(s, "</tspan><tspan dy=\"-4\">");
            open++;
            continue;
        }
        if (*t == '<')
            bs_sink_puts(s, "&lt;");
        else if (*t == '&')
            bs_sink_puts(s, "&amp;");
        else
            bs_sink_write(s, t, 1);
        t++;
    }
    while (open--)
        bs_sink_puts(s, "</tspan>");
}

static void svg_text(bs_sink *s, double x, double y, const char *anchor, int size,
                     const char *label)
{
    bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">", x, y,
                   anchor, size);
    svg_label(s, label);
    bs_sink_puts(s, "</text>\n");
}

/* A row's height in the outer-product figure. */
static double of_y(size_t r)
{
    return OF_TOP + (double)r * OF_ROW;
}

/* Where the outer-product figure's parts stand: the right edge of the a_k
 * labels xl, the first bus bus0, the edge labels xe, the joints xj, the
 * arrows' heads xa, the matrix's left edge xm and its cols columns' right
 * edges mx; the figure's size; the largest |∂L/∂W| m, for the strokes. */
typedef struct of_layout {
    double xl, bus0, xe, xj, xa, xm, width, height, m;
    double mx[BS_DIAGRAM_MAX_UNITS + 1];
    size_t cols, rows;
} of_layout;

static void of_svg_layout(const bs_outer_fig *f, int prec, of_layout *L)
{
    memset(L, 0, sizeof *L);
    char b[200];
    size_t wl = 0, we = 0, wr = 0;
    for (size_t k = 0; k < f->nin; k++) {
        of_left(b, sizeof b, f, k, prec);
        wl = wmax(wl, bs_text_width(b));
    }
    for (size_t j = 0; j < f->nout; j++) {
        of_right(b, sizeof b, f, j, prec);
        wr = wmax(wr, bs_text_width(b));
        for (size_t k = 0; k < f->nin; k++) {
            of_edge_label(b, sizeof b, f, j, k, prec);
            we = wmax(we, bs_text_width(b));
        }
    }
    L->xl = 12 + (double)wl * OF_CH;
    L->bus0 = L->xl + 18;
    L->xe = L->bus0 + (double)(f->nin - 1) * 16 + 14;
    L->xj = L->xe + (double)we * OF_CH * 12 / 14 + 12;
    L->xa = L->xj + 34;
    L->xm = L->xa + 10 + (double)wr * OF_CH + 34;
    /* the matrix's columns, right-aligned numbers */
    double x = L->xm;
    L->cols = f->nin <= BS_DIAGRAM_MAX_UNITS ? f->nin : BS_DIAGRAM_MAX_UNITS;
    for (size_t k = 0; k < L->cols; k++) {
        size_t w = 6;
        bs_fmt_operand(b, sizeof b, f->a[k], prec, 0);
        w = wmax(w, bs_text_width(b));
        for (size_t j = 0; j < f->nout; j++) {
            bs_fmt_operand(b, sizeof b, f->gW[j * f->nin + k], prec, 0);
            w = wmax(w, bs_text_width(b));
        }
        x += (double)w * OF_CH + (k ? 14 : 0);
        L->mx[k] = x;
    }
    L->width = L->mx[L->cols - 1] + 30;
    L->rows = of_rows(f);
    L->height = of_y(L->rows - 1) + 70;
    L->m = max_abs(f->gW, f->nin * f->nout);
}

/* the svg element, its title and the four column titles */
static void of_svg_titles(bs_sink *s, const bs_outer_fig *f, const of_layout *L)
{
    size_t l = f->layer;
    char b[200];
    bs_sink_printf(s, "<svg class=\"outer\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                      "height=\"%.0f\" style=\"max-width:100%%;height:auto\" role=\"img\" "
                      "font-family=\"DejaVu Sans, Verdana, "
                      "sans-serif\">\n<title>",
                   L->width, L->height, L->width, L->height);
    bs_sink_printf(s, "Layer %zu as an outer product: each edge W_{j,k}[%zu] carries "
                      "∂L/∂z_j[%zu] · a_k[%zu], entry (j, k) of ∂L/∂W[%zu]</title>\n",
                   l, l, l, l - 1, l);
    snprintf(b, sizeof b, "a_k[%zu]", l - 1);
    svg_text(s, L->xl, 24, "end", 15, b);
    snprintf(b, sizeof b, "∂L/∂W_{j,k}[%zu] = ∂L/∂z_j[%zu] · a_k[%zu]", l, l, l - 1);
    svg_text(s, L->xe, 24, "start", 15, b);
    snprintf(b, sizeof b, "z_j[%zu]", l);
    svg_text(s, L->xa + 10, 24, "start", 15, b);
    snprintf(b, sizeof b, "∂L/∂W[%zu] = ∂L/∂z[%zu] (a[%zu])ᵀ", l, l, l - 1);
    svg_text(s, L->xm, 24, "start", 15, b);
}

/* the buses, each from a_k down to its last edge, and the edges: a line
 * each, from its bus (or a_k) to the joint, its label on it */
static void of_svg_edges(bs_sink *s, const bs_outer_fig *f, const of_layout *L, int prec)
{
    size_t l = f->layer;
    char b[200];
    for (size_t c = 0; c < f->nin; c++) {
        double bx = L->bus0 + (double)c * 16;
        bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                          "stroke-width=\"1.5\"/>\n",
                       bx, of_y(c), bx, of_y((f->nout - 1) * (f->nin + 1) + c));
    }
    for (size_t row = 0; row < L->rows; row++) {
        size_t j, k;
        if (!of_edge(f, row, &j, &k))
            continue;
        double y = of_y(row), bx = L->bus0 + (double)k * 16;
        double v = f->gW[j * f->nin + k];
        bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"",
                       j == 0 ? L->xl + 6 : bx, y, L->xj, y);
        edge_stroke(s, v, L->m);
        bs_sink_printf(s, "><title>∂L/∂W_{%zu,%zu}[%zu] = ", JI(f, j) + 1, KI(f, k) + 1, l);
        num6(s, v);
        bs_sink_puts(s, "</title></line>\n");
        bs_sink_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#333\"/>\n", bx, y);
        of_edge_label(b, sizeof b, f, j, k, prec);
        bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" paint-order=\"stroke\" "
                          "stroke=\"#fff\" stroke-width=\"4\" stroke-linejoin=\"round\">",
                       L->xe, y - 9);
        svg_label(s, b);
        bs_sink_puts(s, "</text>\n");
        if (j == 0) {
            of_left(b, sizeof b, f, k, prec);
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"14\">",
                           L->xl, y + 5);
            svg_label(s, b);
            bs_sink_puts(s, "</text>\n");
        }
    }
}

/* each group's joint, its arrow to z_j, z_j, and row j of the matrix level
 * with it; the matrix's column heads and brackets */
static void of_svg_matrix(bs_sink *s, const bs_outer_fig *f, const of_layout *L, int prec)
{
    size_t l = f->layer;
    char b[200];
    double xj = L->xj, xa = L->xa;
    for (size_t j = 0; j < f->nout; j++) {
        double y0 = of_y(j * (f->nin + 1)), y1 = of_y(j * (f->nin + 1) + f->nin - 1);
        double y = of_y(j * (f->nin + 1) + of_mid(f));
        bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                          "stroke-width=\"1.5\"/>\n"
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                          "stroke-width=\"1.5\"/>\n"
                          "<path d=\"M%.1f %.1fl-9 -4.5v9z\" fill=\"#555\"/>\n",
                       xj, y0, xj, y1, xj, y, xa - 8, y, xa, y);
        of_right(b, sizeof b, f, j, prec);
        svg_text(s, xa + 10, y + 5, "start", 14, b);
        for (size_t k = 0; k < L->cols; k++) {
            bs_fmt_operand(b, sizeof b, f->gW[j * f->nin + k], prec, 0);
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                              "font-size=\"14\">%s</text>\n",
                           L->mx[k], y + 5, b);
        }
    }
    double yt = of_y(of_mid(f)), yb = of_y((f->nout - 1) * (f->nin + 1) + of_mid(f));
    for (size_t k = 0; k < L->cols; k++) {
        snprintf(b, sizeof b, "a_%zu[%zu]", KI(f, k) + 1, l - 1);
        svg_text(s, L->mx[k], yt - 40, "end", 14, b);
        bs_fmt_operand(b, sizeof b, f->a[k], prec, 0);
        svg_text(s, L->mx[k], yt - 20, "end", 14, b);
    }
    double bl = L->xm - 12, br = L->mx[L->cols - 1] + 10;
    bs_sink_printf(s, "<path d=\"M%.1f %.1fh-6V%.1fh6M%.1f %.1fh6V%.1fh-6\" fill=\"none\" "
                      "stroke=\"#222\" stroke-width=\"1.5\"/>\n",
                   bl + 6, yt - 12, yb + 12, br - 6, yt - 12, yb + 12);
}

/* the legend under the figure, and the svg element's end */
static void of_svg_legend(bs_sink *s, const bs_outer_fig *f, const of_layout *L)
{
    size_t l = f->layer;
    char b[200];
    double y = L->height - 34;
    bs_sink_printf(s, "<text font-size=\"14\" fill=\"#222\"><tspan x=\"12\" y=\"%.1f\">", y);
    snprintf(b, sizeof b, "Each a_k[%zu] runs down its own line; a dot joins it to an edge. ",
             l - 1);
    svg_label(s, b);
    bs_sink_printf(s, "Edge: solid red if &gt; 0, dashed blue if &lt; 0, wider if larger."
                      "</tspan><tspan x=\"12\" y=\"%.1f\">",
                   y + 20);
    snprintf(b, sizeof b, "Row j of the matrix stands level with z_j[%zu]: the edges into "
                          "z_j[%zu] are its entries.",
             l, l);
    svg_label(s, b);
    bs_sink_puts(s, "</tspan></text>\n</svg>\n");
}

void bs_diagram_outer_svg(bs_sink *s, const bs_outer_fig *f, int prec)
{
    if (!f->nin || !f->nout)
        return;
    of_layout L;
    of_svg_layout(f, prec, &L);
    of_svg_titles(s, f, &L);
    of_svg_edges(s, f, &L, prec);
    of_svg_matrix(s, f, &L, prec);
    of_svg_legend(s, f, &L);
}

/* ---- the LaTeX figure */

/* a number as a factor: in brackets when negative */
static void tex_factor(bs_sink *s, double v, int prec)
{
    if (v < 0)
        bs_sink_puts(s, "(");
    bs_number_latex(s, v, prec);
    if (v < 0)
        bs_sink_puts(s, ")");
}

/* the labels of the LaTeX figure */
static void tex_left(bs_sink *s, const bs_outer_fig *f, size_t k, int prec)
{
    bs_sink_printf(s, "$a^{[%zu]}_{%zu} = ", f->layer - 1, KI(f, k) + 1);
    bs_number_latex(s, f->a[k], prec);
    bs_sink_puts(s, "$\\,");
}

static void tex_edge(bs_sink *s, const bs_outer_fig *f, size_t j, size_t k, int prec)
{
    bs_sink_printf(s, "\\,$\\partial L/\\partial W^{[%zu]}_{%zu,%zu} = ", f->layer, JI(f, j) + 1, KI(f, k) + 1);
    tex_factor(s, f->gz[j], prec);
    bs_sink_puts(s, " \\times ");
    tex_factor(s, f->a[k], prec);
    bs_sink_puts(s, " = ");
    bs_number_latex(s, f->gW[j * f->nin + k], prec);
    bs_sink_puts(s, "$\\,");
}

static void tex_arms(bs_sink *s, int d, int dot)
{
    bs_sink_printf(s, "\\bsarm%d%d%d%d%d", !!(d & ARM_UP), !!(d & ARM_DOWN), !!(d & ARM_LEFT),
                   !!(d & ARM_RIGHT), dot);
}

void bs_diagram_outer_latex(bs_sink *s, const bs_outer_fig *f, int prec)
{
    if (!f->nin || !f->nout)
        return;
    size_t l = f->layer, rows = of_rows(f);
    /* One paragraph per row, the rows abutting (\offinterlineskip), so that
     * a tall figure may break across pages.  \bsarm is a piece of line 14pt
     * wide and 16pt high (the row's height), its arms meeting 3pt above the
     * baseline, a dot where a bus joins an edge; \bsfill a line to the end
     * of its box; \bsarrow an arrow.  \bsfigl and \bsfigw are the widths of
     * the widest unit label and the widest edge label, measured by TeX. */
    bs_sink_printf(s, "\\begingroup%s\\setlength{\\unitlength}{1pt}\\setlength{\\parskip}{0pt}"
                      "\\setlength{\\parindent}{0pt}%%\n",
                   f->nin > 4 ? "\\footnotesize" : "\\small");
    bs_sink_puts(s, "\\def\\bsarm#1#2#3#4#5{\\raisebox{-5pt}{\\begin{picture}(14,16)(0,-5)"
                    "\\linethickness{0.6pt}"
                    "\\ifnum#1=1 \\put(7,3){\\line(0,1){8}}\\fi"
                    "\\ifnum#2=1 \\put(7,-5){\\line(0,1){8}}\\fi"
                    "\\ifnum#3=1 \\put(0,3){\\line(1,0){7}}\\fi"
                    "\\ifnum#4=1 \\put(7,3){\\line(1,0){7}}\\fi"
                    "\\ifnum#5=1 \\put(7,3){\\circle*{3.5}}\\fi\\end{picture}}}%\n"
                    "\\def\\bsfill{\\leaders\\hrule height 3.3pt depth -2.7pt\\hfill}%\n"
                    "\\def\\bsarrow{\\raisebox{-5pt}{\\begin{picture}(20,16)(0,-5)"
                    "\\put(0,3){\\vector(1,0){20}}\\end{picture}}}%\n"
                    "\\ifdefined\\bsfigl\\else\\newlength{\\bsfigl}\\newlength{\\bsfigw}\\fi%\n"
                    "\\def\\bsmax#1#2{\\setbox0=\\hbox{#2}\\ifdim\\wd0>#1 #1=\\wd0 \\fi}%\n"
                    "\\setlength{\\bsfigl}{0pt}\\setlength{\\bsfigw}{0pt}%\n");
    char title[160];
    snprintf(title, sizeof title,
             "\\,$\\partial L/\\partial W^{[%zu]}_{j,k} = \\partial L/\\partial z^{[%zu]}_{j} "
             "\\cdot a^{[%zu]}_{k}$",
             l, l, l - 1);
    bs_sink_printf(s, "\\bsmax\\bsfigw{%s}%%\n", title);
    for (size_t k = 0; k < f->nin; k++) {
        bs_sink_puts(s, "\\bsmax\\bsfigl{");
        tex_left(s, f, k, prec);
        bs_sink_puts(s, "}%\n");
    }
    for (size_t j = 0; j < f->nout; j++)
        for (size_t k = 0; k < f->nin; k++) {
            bs_sink_puts(s, "\\bsmax\\bsfigw{");
            tex_edge(s, f, j, k, prec);
            bs_sink_puts(s, "}%\n");
        }
    bs_sink_puts(s, "\\par\\offinterlineskip\n");
    bs_sink_printf(s, "\\makebox[\\bsfigl][r]{\\rule[-6pt]{0pt}{18pt}$a^{[%zu]}_{k}$\\,}"
                      "\\hspace*{%zupt}\\makebox[\\bsfigw][l]{%s}\\hspace*{14pt}\\quad"
                      "$z^{[%zu]}_{j}$\\par\n",
                   l - 1, 14 * (f->nin + 1), title, l);
    for (size_t row = 0; row < rows; row++) {
        size_t j, k;
        int edge = of_edge(f, row, &j, &k);
        bs_sink_puts(s, "\\makebox[\\bsfigl][r]{");
        if (edge && j == 0) {
            tex_left(s, f, k, prec);
            bs_sink_puts(s, "}\\bsarm00110");
        } else {
            bs_sink_puts(s, "}\\hspace*{14pt}");
        }
        for (size_t c = 0; c < f->nin; c++)
            tex_arms(s, of_bus(f, row, c), edge && c == k);
        if (edge) {
            bs_sink_puts(s, "\\makebox[\\bsfigw][l]{");
            tex_edge(s, f, j, k, prec);
            bs_sink_puts(s, "\\bsfill}");
            int d = of_joint(f, k);
            tex_arms(s, d, 0);
            if (d & ARM_RIGHT) {
                bs_sink_printf(s, "\\bsarrow\\,$z^{[%zu]}_{%zu}$: $\\partial L/\\partial "
                                  "z^{[%zu]}_{%zu} = ",
                               l, JI(f, j) + 1, l, JI(f, j) + 1);
                bs_number_latex(s, f->gz[j], prec);
                bs_sink_puts(s, "$");
            }
        }
        bs_sink_puts(s, "\\par\n");
    }
    bs_sink_puts(s, "\\endgroup\n\n");
    bs_sink_printf(s, "\\noindent $a^{[%zu]}_{k}$ runs down its own line and joins the edges "
                      "into every $z^{[%zu]}_{j}$; the edge $W^{[%zu]}_{j,k}$ carries entry "
                      "$(j, k)$ of the matrix:\n",
                   l - 1, l, l);
    /* the matrix the scalars fill, ∂L/∂z_j beside row j and a_k over column k */
    bs_sink_printf(s, "\\[\n\\frac{\\partial L}{\\partial W^{[%zu]}} = \\frac{\\partial "
                      "L}{\\partial z^{[%zu]}}\\, (a^{[%zu]})^{\\top}:\\qquad\n\\begin{array}{r|",
                   l, l, l - 1);
    for (size_t k = 0; k < f->nin; k++)
        bs_sink_puts(s, "r");
    bs_sink_puts(s, "}\n");
    for (int head = 0; head < 2; head++) {
        for (size_t k = 0; k < f->nin; k++) {
            bs_sink_puts(s, " & ");
            if (head == 0)
                bs_sink_printf(s, "a^{[%zu]}_{%zu}", l - 1, KI(f, k) + 1);
            else
                bs_number_latex(s, f->a[k], prec);
        }
        bs_sink_puts(s, head ? " \\\\ \\hline\n" : " \\\\\n");
    }
    for (size_t j = 0; j < f->nout; j++) {
        bs_sink_printf(s, "\\partial L/\\partial z^{[%zu]}_{%zu} = ", l, JI(f, j) + 1);
        bs_number_latex(s, f->gz[j], prec);
        for (size_t k = 0; k < f->nin; k++) {
            bs_sink_puts(s, " & ");
            bs_number_latex(s, f->gW[j * f->nin + k], prec);
        }
        bs_sink_puts(s, j + 1 < f->nout ? " \\\\\n" : "\n");
    }
    bs_sink_puts(s, "\\end{array}\n\\]\n");
}
