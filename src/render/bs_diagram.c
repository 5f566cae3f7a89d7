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
#include <string.h>

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
            double w = m > 0 && isfinite(v) ? 1.0 + 3.0 * fabs(v) / m : 1.0;
            const char *col = !isfinite(v) ? "#000" : v > 0 ? "#b2182b" : v < 0 ? "#2166ac"
                                                                        : "#999";
            size_t r = net->convention == BS_COLUMN ? j : i;
            size_t c = net->convention == BS_COLUMN ? i : j;
            bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"%s\" stroke-width=\"%.2f\"%s>",
                           ax, ay, bx, by, col, w,
                           isfinite(v) && v < 0 ? " stroke-dasharray=\"7 4\"" : "");
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
