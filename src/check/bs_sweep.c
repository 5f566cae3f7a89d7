/* bs_sweep.c — the error of each numerical method as the step shrinks. */
#include "bs_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_numeric.h"

#define DECADE_FIRST 1  /* h from 1e-1 */
#define DECADE_LAST 16  /* down to 1e-16 */
#define PER_DECADE 2    /* steps per decade */

/* The methods in the order they are shown: by increasing order of accuracy. */
static const bs_method shown[BS_SWEEP_METHODS] = {BS_METHOD_FORWARD, BS_METHOD_CENTRAL,
                                                  BS_METHOD_RICHARDSON, BS_METHOD_COMPLEX};
static const char *const marker[BS_SWEEP_METHODS] = {"○", "●", "◆", "×"};
static const char *const colour[BS_SWEEP_METHODS] = {"#d62728", "#1f77b4", "#2ca02c",
                                                     "#9467bd"};

/* Reads "r,c]" at the end of text: 1-based numbers, then nothing. */
static int read_index(const char *p, size_t *r, size_t *c)
{
    char *end;
    if (*p < '1' || *p > '9')
        return -1;
    unsigned long long a = strtoull(p, &end, 10);
    if (*end != ',' || end[1] < '1' || end[1] > '9')
        return -1;
    unsigned long long b = strtoull(end + 1, &end, 10);
    if (strcmp(end, "]") != 0 || a > 1000000000ull || b > 1000000000ull)
        return -1;
    *r = (size_t)a;
    *c = (size_t)b;
    return 0;
}

bs_status bs_sweep_parse_element(const bs_trace *t, const char *text, size_t *step,
                                 size_t *index, bs_error *err)
{
    char quoted[96], name[72];
    bs_error_quote(quoted, sizeof quoted, text);
    const char *open = strrchr(text, '[');
    size_t r, c;
    if (!open || open == text || (size_t)(open - text) >= sizeof name - 1 ||
        read_index(open + 1, &r, &c) != 0)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "element \"%s\": expected a step or quantity and [row,column] "
                            "counted from 1, e.g. W1[2,3], g[2z][1,2] or dz2[1,1]",
                            quoted);
    memcpy(name, text, (size_t)(open - text));
    name[open - text] = '\0';
    bs_qty q;
    size_t layer;
    char alt[80];
    snprintf(alt, sizeof alt, "d%s", name); /* W1 → dW1, the gradient with respect to W1 */
    if ((bs_name_parse(name, &q, &layer) != 0 && bs_name_parse(alt, &q, &layer) != 0) ||
        q == BS_Q_LOSS)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "element \"%s\": expected a step or quantity such as W1, b2, "
                            "z2, a1, g[2z], dz2 or dL/dW1 before [row,column]",
                            quoted);
    char id[24];
    snprintf(id, sizeof id, "g[%zu%c]", layer, bs_qty_letter(q));
    const bs_step *st = bs_trace_find(t, id);
    if (!st)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "element \"%s\": the network has no step %s (its backward steps "
                            "are g[na], g[nz], g[nW] and g[nb] for n = 1 to %zu)",
                            quoted, id, t->net->L);
    if (r > st->rows || c > st->cols)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "element \"%s\": [%zu,%zu] is outside %s, which is %zu×%zu", quoted,
                            r, c, id, st->rows, st->cols);
    *step = (size_t)(st - t->steps);
    *index = (r - 1) * st->cols + (c - 1);
    return BS_OK;
}

void bs_sweep_free(bs_sweep *sw)
{
    if (!sw)
        return;
    free(sw->h);
    for (int m = 0; m < BS_SWEEP_METHODS; m++) {
        free(sw->value[m]);
        free(sw->error[m]);
    }
    free(sw);
}

/* The least-squares slope of log10(err) against log10(h) over steps
 * [from, to], skipping zero errors; NaN with fewer than two points. */
static double fit_slope(const bs_sweep *sw, int m, size_t from, size_t to)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t k = 0;
    for (size_t i = from; i <= to && i < sw->n; i++) {
        double e = sw->error[m][i];
        if (!(e > 0) || !isfinite(e))
            continue;
        double x = log10(sw->h[i]), y = log10(e);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        k++;
    }
    if (k < 2)
        return NAN;
    double den = (double)k * sxx - sx * sx;
    return den == 0 ? NAN : ((double)k * sxy - sx * sy) / den;
}

bs_status bs_sweep_run(const bs_trace *t, size_t step, size_t index,
                       void (*progress)(void *ctx, size_t done, size_t total),
                       void *progress_ctx, bs_sweep **out, bs_error *err)
{
    *out = NULL;
    const bs_step *st = &t->steps[step];
    bs_sweep *sw = calloc(1, sizeof *sw);
    if (!sw)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    sw->n = (DECADE_LAST - DECADE_FIRST) * PER_DECADE + 1;
    sw->h = malloc(sizeof(double) * sw->n);
    int ok = sw->h != NULL;
    for (int m = 0; m < BS_SWEEP_METHODS; m++) {
        sw->value[m] = malloc(sizeof(double) * sw->n);
        sw->error[m] = malloc(sizeof(double) * sw->n);
        ok = ok && sw->value[m] && sw->error[m];
    }
    bs_numeric *nm = NULL;
    if (!ok || bs_numeric_create(t->net, t->fw, &nm, err) != BS_OK) {
        bs_sweep_free(sw);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    size_t r = index / st->cols, c = index % st->cols;
    snprintf(sw->element, sizeof sw->element, "%s[%zu,%zu]", st->id, r + 1, c + 1);
    bs_numeric_item it;
    memset(&it, 0, sizeof it);
    it.q = st->qty;
    it.layer = st->layer;
    it.k = st->transposed ? c * st->rows + r : index; /* the stored entry */
    sw->x = bs_numeric_value(nm, it.q, it.layer, it.k);
    sw->analytic = st->value[index];
    bs_numeric_derivative(nm, BS_METHOD_COMPLEX, 0.0, &it);
    sw->reference = it.value;
    size_t total = sw->n * BS_SWEEP_METHODS, done = 0;
    for (size_t i = 0; i < sw->n; i++) {
        sw->h[i] = pow(10.0, -(double)DECADE_FIRST - (double)i / PER_DECADE);
        for (int m = 0; m < BS_SWEEP_METHODS; m++) {
            bs_numeric_derivative(nm, (bs_method)m, sw->h[i], &it);
            sw->value[m][i] = it.value;
            sw->error[m][i] = fabs(it.value - sw->reference);
            if (progress)
                progress(progress_ctx, ++done, total);
        }
    }
    bs_numeric_free(nm);
    for (int m = 0; m < BS_SWEEP_METHODS; m++) {
        size_t b = 0;
        for (size_t i = 1; i < sw->n; i++)
            if (sw->error[m][i] < sw->error[m][b])
                b = i;
        sw->best[m] = b;
        sw->slope_truncation[m] = b >= 3 ? fit_slope(sw, m, 0, b - 2) : NAN;
        sw->slope_rounding[m] = b + 3 < sw->n ? fit_slope(sw, m, b + 2, sw->n - 1) : NAN;
    }
    *out = sw;
    return BS_OK;
}

/* ---- text ---- */

#define PLOT_MAX_ROWS 41

static void fmt_err(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", isnan(v) ? "nan" : "inf");
    else if (v == 0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%.1e", v);
}

/* the plot's range of log10(error): whole decades around the nonzero errors */
static void error_range(const bs_sweep *sw, double *lo, double *hi)
{
    double mn = INFINITY, mx = -INFINITY;
    for (int m = 0; m < BS_SWEEP_METHODS; m++)
        for (size_t i = 0; i < sw->n; i++) {
            double e = sw->error[m][i];
            if (e > 0 && isfinite(e)) {
                mn = fmin(mn, log10(e));
                mx = fmax(mx, log10(e));
            }
        }
    if (!isfinite(mn)) {
        mn = -17;
        mx = 0;
    }
    *hi = ceil(mx);
    *lo = fmax(floor(mn), *hi - 20);
    if (*hi - *lo < 2)
        *lo = *hi - 2;
}

static void slope_text(bs_sink *s, double v)
{
    if (isnan(v))
        bs_sink_puts(s, "   —  ");
    else
        bs_sink_printf(s, "%+6.2f", v);
}

void bs_sweep_text(bs_sink *s, const bs_sweep *sw)
{
    char a[40], x[40], ref[40], d[40];
    snprintf(a, sizeof a, "%.17g", sw->analytic);
    snprintf(x, sizeof x, "%.17g", sw->x);
    snprintf(ref, sizeof ref, "%.17g", sw->reference);
    snprintf(d, sizeof d, "%.2g", sw->analytic - sw->reference);
    bs_sink_printf(s, "sweep of %s (the entry moved has the value %s)\n", sw->element, x);
    bs_sink_printf(s, "  analytic                 %s\n", a);
    bs_sink_printf(s, "  complex step (reference) %s   (analytic − reference = %s)\n", ref, d);
    bs_sink_puts(s, "\nerror |D(h) − reference| of each method at step h (absolute, not scaled "
                    "by |x|)\n\n");
    bs_sink_printf(s, "  %8s", "h");
    for (int m = 0; m < BS_SWEEP_METHODS; m++)
        bs_sink_printf(s, "  %s %-10s", marker[m], bs_method_names[shown[m]]);
    bs_sink_puts(s, "\n");
    for (size_t i = 0; i < sw->n; i++) {
        bs_sink_printf(s, "  %8.1e", sw->h[i]);
        for (int m = 0; m < BS_SWEEP_METHODS; m++) {
            char e[32];
            fmt_err(e, sizeof e, sw->error[shown[m]][i]);
            bs_sink_printf(s, "  %-9s%s ", e, sw->best[shown[m]] == i ? " ←" : "  ");
        }
        bs_sink_puts(s, "\n");
    }
    bs_sink_puts(s, "\n  ← the smallest error of each method\n\n");
    bs_sink_printf(s, "  %-11s %8s %9s %17s %15s\n", "method", "order", "best h",
                   "truncation slope", "rounding slope");
    for (int m = 0; m < BS_SWEEP_METHODS; m++) {
        int k = shown[m];
        char e[32];
        fmt_err(e, sizeof e, sw->h[sw->best[k]]);
        bs_sink_printf(s, "  %s %-9s %7s%s %9s %11s", marker[m], bs_method_names[k], "",
                       k == BS_METHOD_FORWARD ? " h" : k == BS_METHOD_RICHARDSON ? "h⁴" : "h²", e,
                       "");
        slope_text(s, sw->slope_truncation[k]);
        bs_sink_puts(s, "         ");
        slope_text(s, sw->slope_rounding[k]);
        bs_sink_puts(s, "\n");
    }
    bs_sink_puts(s, "\n  slopes: d log(error) / d log(h), fitted above the best step "
                    "(truncation, about the order)\n  and below it (rounding, about −1: the "
                    "error grows like ε/h as h shrinks)\n\n");
    /* the plot: one column pair per step, h shrinking to the right; rows
     * per decade so that the plot is about 17 rows high */
    double lo, hi;
    error_range(sw, &lo, &hi);
    int decades = (int)(hi - lo), per = decades >= 16 ? 1 : (int)lround(16.0 / decades);
    int rows = decades * per + 1, every = decades > 10 ? 3 : decades > 5 ? 2 : 1;
    size_t cols = sw->n * 2;
    const char *cell[PLOT_MAX_ROWS][2 * ((DECADE_LAST - DECADE_FIRST) * PER_DECADE + 1)];
    for (int r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            cell[r][c] = " ";
    for (int m = BS_SWEEP_METHODS - 1; m >= 0; m--)
        for (size_t i = 0; i < sw->n; i++) {
            double e = sw->error[shown[m]][i];
            if (!isfinite(e))
                continue;
            double y = e > 0 ? log10(e) : lo;
            if (y < lo)
                y = lo;
            long row = lround((hi - y) * per);
            if (row >= 0 && row < rows)
                cell[row][2 * i] = marker[m];
        }
    bs_sink_puts(s, "  error\n");
    for (int r = 0; r < rows; r++) {
        if (r % per == 0 && (r / per) % every == 0)
            bs_sink_printf(s, "    1e%+03d ┤", (int)hi - r / per);
        else
            bs_sink_puts(s, "          │");
        for (size_t c = 0; c < cols; c++)
            bs_sink_puts(s, cell[r][c]);
        bs_sink_puts(s, "\n");
    }
    bs_sink_puts(s, "          └");
    for (size_t c = 0; c < cols; c++)
        bs_sink_puts(s, c % (3 * PER_DECADE * 2) == 0 ? "┬" : "─");
    bs_sink_puts(s, "\n          ");
    for (size_t c = 0; c < cols; c += 3 * PER_DECADE * 2) {
        char lab[16];
        snprintf(lab, sizeof lab, "1e-%d", DECADE_FIRST + (int)(c / (2 * PER_DECADE)));
        bs_sink_printf(s, "%-12s", lab);
    }
    bs_sink_puts(s, "\n          step h, shrinking to the right; errors of 0 sit on the "
                    "bottom line\n          ");
    for (int m = 0; m < BS_SWEEP_METHODS; m++)
        bs_sink_printf(s, "%s %s   ", marker[m], bs_method_names[shown[m]]);
    bs_sink_puts(s, "\n");
}

/* ---- SVG ---- */

#define SVG_W 760
#define SVG_H 460
#define PL 90  /* plot area: left, top, right, bottom edges */
#define PT 50
#define PR 600
#define PB 390

static double svg_x(const bs_sweep *sw, double h)
{
    double a = -(double)DECADE_FIRST, b = -(double)DECADE_LAST;
    (void)sw;
    return PL + (log10(h) - a) / (b - a) * (PR - PL);
}

static double svg_y(double lo, double hi, double e)
{
    double y = e > 0 ? log10(e) : lo;
    if (y < lo)
        y = lo;
    return PT + (hi - y) / (hi - lo) * (PB - PT);
}

void bs_sweep_svg(bs_sink *s, const bs_sweep *sw)
{
    double lo, hi;
    error_range(sw, &lo, &hi);
    bs_sink_printf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                   SVG_W, SVG_H, SVG_W, SVG_H);
    bs_sink_printf(s, "<title>backstep sweep of %s</title>\n", sw->element);
    bs_sink_printf(s, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", SVG_W, SVG_H);
    bs_sink_printf(s, "<text x=\"%d\" y=\"24\" font-size=\"15\">Error of each method against "
                      "the complex-step value: %s</text>\n",
                   PL, sw->element);
    /* grid and ticks: every decade of the error, every third of h */
    for (double y = hi; y >= lo; y -= 1.0) {
        double py = svg_y(lo, hi, pow(10.0, y));
        bs_sink_printf(s, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                       PL, py, PR, py);
        if (((long)(hi - y)) % 2 == 0)
            bs_sink_printf(s, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%+03d</text>\n",
                           PL - 6, py + 4, (int)y);
    }
    for (int d = DECADE_FIRST; d <= DECADE_LAST; d++) {
        double px = svg_x(sw, pow(10.0, -d));
        bs_sink_printf(s, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                       px, PT, px, PB);
        if ((d - DECADE_FIRST) % 3 == 0)
            bs_sink_printf(s, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e-%02d</text>\n",
                           px, PB + 18, d);
    }
    bs_sink_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                      "stroke=\"black\"/>\n",
                   PL, PT, PR - PL, PB - PT);
    bs_sink_printf(s, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step h (shrinking to the "
                      "right)</text>\n",
                   (PL + PR) / 2, PB + 40);
    bs_sink_printf(s, "<text x=\"20\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 20 "
                      "%d)\">|D(h) − complex step|</text>\n",
                   (PT + PB) / 2, (PT + PB) / 2);
    for (int m = 0; m < BS_SWEEP_METHODS; m++) {
        int k = shown[m];
        bs_sink_printf(s, "<g stroke=\"%s\" fill=\"%s\">\n<polyline fill=\"none\" "
                          "stroke-width=\"1.5\" points=\"",
                       colour[m], colour[m]);
        for (size_t i = 0; i < sw->n; i++)
            if (isfinite(sw->error[k][i]))
                bs_sink_printf(s, "%s%.1f,%.1f", i ? " " : "", svg_x(sw, sw->h[i]),
                               svg_y(lo, hi, sw->error[k][i]));
        bs_sink_puts(s, "\"/>\n");
        for (size_t i = 0; i < sw->n; i++)
            if (isfinite(sw->error[k][i]))
                bs_sink_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n",
                               svg_x(sw, sw->h[i]), svg_y(lo, hi, sw->error[k][i]));
        bs_sink_puts(s, "</g>\n");
        int ly = PT + 20 + 22 * m;
        bs_sink_printf(s, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                          "stroke-width=\"2\"/>\n",
                       PR + 16, ly, PR + 40, ly, colour[m]);
        bs_sink_printf(s, "<text x=\"%d\" y=\"%d\">%s (%s)</text>\n", PR + 46, ly + 4,
                       bs_method_names[k],
                       k == BS_METHOD_FORWARD ? "h" : k == BS_METHOD_RICHARDSON ? "h⁴" : "h²");
    }
    bs_sink_printf(s, "<text x=\"%d\" y=\"%d\" font-size=\"11\">errors of 0 sit on the "
                      "bottom edge</text>\n",
                   PR + 16, PT + 20 + 22 * BS_SWEEP_METHODS);
    bs_sink_puts(s, "</svg>\n");
}
