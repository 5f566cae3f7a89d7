/* bs_render_html.c — the trace as one self-contained HTML page.
 *
 * One file, nothing outside it: no scripts, no links, no fonts to fetch.
 * The mathematics is MathML Core (bs_mathml.c), rendered natively by the
 * browser; the network is inline SVG laid out by backstep (bs_diagram.c);
 * a small style sheet makes it readable on a projector and on paper (pass
 * and fail carry ✓/✗ and words, not only colour).  The page follows the
 * text renderer: header, parameters, forward pass, one section per
 * backward step, and the verdict.  The forward diagram heads the page and
 * the backward one (with ∂L/∂a and ∂L/∂w) heads the backward pass.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_html.h"
#include "bs_diagram.h"
#include "bs_explain.h"
#include "bs_mathml.h"
#include "bs_render.h"
#include "bs_render_common.h"
#include "bs_terms.h"

#define TABLE_ROWS 8 /* compared elements listed per step */

static const char *const STYLE =
    ":root{color-scheme:light}\n"
    "body{margin:0;background:#fff;color:#111;font:20px/1.55 \"DejaVu Serif\",Georgia,"
    "\"Times New Roman\",serif}\n"
    "main{max-width:60rem;margin:0 auto;padding:1.2rem 2rem 4rem}\n"
    "h1{font-size:1.9rem;line-height:1.25;margin:.3em 0 .3em}\n"
    "h2{font-size:1.5rem;margin:2.2em 0 .6em;padding-bottom:.15em;border-bottom:3px solid "
    "#222}\n"
    "h3{font-size:1.25rem;margin:0 0 .4em;display:flex;flex-wrap:wrap;gap:.4em 1em;"
    "align-items:baseline}\n"
    "h4{font-size:1.05rem;margin:1em 0 .3em}\n"
    "p{margin:.5em 0}\n"
    "code,.code{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\",monospace}\n"
    "math{font-family:\"Latin Modern Math\",\"STIX Two Math\",\"Cambria Math\","
    "\"DejaVu Math TeX Gyre\",math;font-size:1.2em}\n"
    "math[display=block]{margin:.5em 0;padding:.25em 0;overflow-x:auto;overflow-y:hidden}\n"
    "mtable.matrix mtd{text-align:right;text-align:-webkit-right;padding:.15em .45em}\n"
    "mtable.wide{font-size:.75em}\n"
    "mtable.eqn{math-style:normal}\n"
    "mtable.eqn mtd{padding:.25em 0}\n"
    "mtable.eqn mtr.gap mtd{padding-top:.9em}\n"
    "h3 math{font-size:1.35em}\n"
    "nav math{font-size:1.1em}\n"
    "mtable.eqn mtd:first-child{text-align:right;text-align:-webkit-right}\n"
    "mtable.eqn mtd:last-child{text-align:left;text-align:-webkit-left}\n"
    ".tool{color:#555;font-size:.9rem;margin:0;letter-spacing:.03em}\n"
    ".desc{color:#333;font-size:.95rem}\n"
    "table{border-collapse:collapse;margin:.7em 0}\n"
    "th,td{border:1px solid #777;padding:.25em .6em;vertical-align:top}\n"
    "th{background:#eee;text-align:left}\n"
    "table.summary th{width:9em}\n"
    "table.check{font-size:.85em}\n"
    "table.check td.n{text-align:right;font-family:\"DejaVu Sans Mono\",monospace;"
    "white-space:nowrap}\n"
    ".pass{color:#11702e}.fail{color:#b71c1c}\n"
    ".mark{font-weight:bold;font-size:.95rem}\n"
    ".banner{border:3px solid #333;border-radius:8px;padding:.55em 1em;font-weight:bold;"
    "margin:1em 0}\n"
    ".banner.pass{border-color:#11702e;background:#e7f5ea}\n"
    ".banner.fail{border-color:#b71c1c;background:#fdeaea}\n"
    ".shape{color:#555;font-size:.9rem;font-weight:normal}\n"
    ".note{font-style:italic;color:#333}\n"
    ".where{margin-left:1.5em}\n"
    ".why{background:#f4f4f4;border-left:5px solid #888;padding:.45em .9em}\n"
    ".warn{font-weight:bold;color:#b71c1c}\n"
    ".agree{font-weight:bold}\n"
    "section.step{border-top:1px solid #bbb;padding-top:1em;margin-top:1.6em}\n"
    ".fstep{margin:1.1em 0}\n"
    ".terms{border-left:5px solid #cfd8e3;padding-left:.9em}\n"
    "figure{margin:1em 0;overflow-x:auto}\n"
    "figcaption{font-size:.9rem;color:#333}\n"
    "svg.net{width:100%;height:auto;display:block}\n"
    "nav{font-size:.95rem;line-height:1.9}\n"
    "nav a{margin-right:.8em;white-space:nowrap}\n"
    "a{color:#0b4f9c}\n"
    "footer{margin-top:3em;color:#555;font-size:.85rem}\n"
    "@media print{\n"
    "body{font-size:11pt}\n"
    "main{max-width:none;padding:0}\n"
    "nav{display:none}\n"
    "a{color:inherit;text-decoration:none}\n"
    "math[display=block],figure{overflow:visible}\n"
    "section.step,.fstep,figure,table{break-inside:avoid}\n"
    "h2,h3{break-after:avoid}\n"
    ".banner.pass,.banner.fail,.why,th{background:none}\n"
    "}\n";

/* ── helpers ───────────────────────────────────────────────────────────── */

/* an id for an anchor: "g[2z]" → "step-g-2z" */
static void anchor(bs_sink *s, const bs_step *st)
{
    char buf[40];
    size_t k = 0;
    int dash = 0;
    for (const char *c = st->id; *c && k + 2 < sizeof buf; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                 (*c >= '0' && *c <= '9');
        if (ok) {
            if (dash && k > 0)
                buf[k++] = '-';
            buf[k++] = *c;
            dash = 0;
        } else {
            dash = 1;
        }
    }
    buf[k] = '\0';
    bs_sink_printf(s, "step-%s", buf);
}

static void fmt_num(bs_sink *s, double v, int prec)
{
    char b[40];
    bs_fmt_num(b, sizeof b, v, prec);
    if (b[0] == '-') {
        bs_sink_puts(s, "−");
        bs_sink_puts(s, b + 1);
    } else {
        bs_sink_puts(s, b);
    }
}

/* a buffered writer's text, escaped for HTML */
static void put_escaped_buffer(bs_sink *s, bs_sink *b)
{
    if (bs_sink_status(b) != 0)
        s->failed = 1;
    else if (b->buf)
        bs_text_html(s, b->buf);
    bs_sink_free_buffer(b);
}

/* shape as a subscript: [ … ]_{3×2} */
static void matrix_shaped(bs_sink *s, const double *v, const unsigned char *mask,
                          size_t rows, size_t cols, int prec)
{
    bs_sink_puts(s, "<msub>");
    bs_matrix_mathml(s, v, mask, rows, cols, prec);
    bs_sink_printf(s, "<mrow><mn>%zu</mn><mo>×</mo><mn>%zu</mn></mrow></msub>", rows, cols);
}

/* z^{[n]} = W^{[n]} a^{[n−1]} + b^{[n]} (or a W + b) */
static void forward_formula(bs_sink *s, const bs_net *net)
{
    const char *z = "<msup><mi>z</mi><mrow><mo stretchy=\"false\">[</mo><mi>n</mi><mo stretchy=\"false\">]</mo></mrow></msup>";
    const char *W = "<msup><mi>W</mi><mrow><mo stretchy=\"false\">[</mo><mi>n</mi><mo stretchy=\"false\">]</mo></mrow></msup>";
    const char *a = "<msup><mi>a</mi><mrow><mo stretchy=\"false\">[</mo><mi>n</mi><mo>−</mo><mn>1</mn>"
                    "<mo stretchy=\"false\">]</mo></mrow></msup>";
    const char *b = "<msup><mi>b</mi><mrow><mo stretchy=\"false\">[</mo><mi>n</mi><mo stretchy=\"false\">]</mo></mrow></msup>";
    int col = net->convention == BS_COLUMN;
    bs_sink_printf(s, "<math><mrow>%s<mo>=</mo>%s<mo>&#x2062;</mo>%s<mo>+</mo>%s</mrow></math>",
                   z, col ? W : a, col ? a : W, b);
}

/* L = (1/B) Σ_i ℓ(ŷ_i, y_i) + λ Σ_n ‖W^{[n]}‖², as bs_loss_formula */
static void loss_formula(bs_sink *s, const bs_net *net)
{
    bs_sink_puts(s, "<mrow><mi>L</mi><mo>=</mo>");
    if (net->B == 1) {
        bs_sink_puts(s, "<mi>ℓ</mi><mrow><mo stretchy=\"false\">(</mo><mi>\xF0\x9D\x91\xA6\xCC\x82</mi><mo separator=\"true\">,</mo>"
                        "<mi>y</mi><mo stretchy=\"false\">)</mo></mrow>");
    } else {
        if (net->reduction == BS_MEAN)
            bs_sink_puts(s, "<mfrac><mn>1</mn><mi>B</mi></mfrac>");
        bs_sink_puts(s, "<msub><mo>∑</mo><mi>i</mi></msub><mi>ℓ</mi><mrow><mo stretchy=\"false\">(</mo>"
                        "<msub><mi>\xF0\x9D\x91\xA6\xCC\x82</mi><mi>i</mi></msub><mo separator=\"true\">,</mo>"
                        "<msub><mi>y</mi><mi>i</mi></msub><mo stretchy=\"false\">)</mo></mrow>");
    }
    if (net->l2 != 0.0)
        bs_sink_puts(s, "<mo>+</mo><mi>λ</mi><msub><mo>∑</mo><mi>n</mi></msub>"
                        "<msup><mrow><mo stretchy=\"false\">‖</mo><msup><mi>W</mi><mrow><mo stretchy=\"false\">[</mo><mi>n</mi>"
                        "<mo stretchy=\"false\">]</mo></mrow></msup><mo stretchy=\"false\">‖</mo></mrow><mn>2</mn></msup>");
    bs_sink_puts(s, "</mrow>");
}

static void method_text(bs_sink *s, const bs_trace *t)
{
    if (t->opts.method == BS_METHOD_COMPLEX)
        bs_sink_puts(s, "complex step, Im L(x + ih)/h");
    else
        bs_sink_puts(s, "central difference, (L(x + h) − L(x − h))/2h");
    if (t->opts.epsilon > 0)
        bs_sink_printf(s, ", h = %g", t->opts.epsilon);
    else if (t->opts.method == BS_METHOD_COMPLEX)
        bs_sink_puts(s, ", h = 10⁻²⁰");
    else
        bs_sink_puts(s, ", h = ∛ε·max(1, |x|) ≈ 6.1·10⁻⁶·max(1, |x|)");
}

static int trace_pass(const bs_trace *t)
{
    return strcmp(bs_verdict_word(t), "pass") == 0;
}

/* ── the page ──────────────────────────────────────────────────────────── */

static void head(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    const char *title = net->name ? net->name : o->source ? o->source : "backstep trace";
    bs_sink_puts(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"backstep\">\n<title>");
    bs_text_html(s, title);
    bs_sink_puts(s, " — backstep</title>\n<style>\n");
    bs_sink_puts(s, STYLE);
    bs_sink_puts(s, "</style>\n</head>\n<body>\n<main>\n");
}

static void banner_top(bs_sink *s, const bs_trace *t)
{
    if (!t->checked)
        return;
    int pass = trace_pass(t);
    char num[32], tot[32];
    bs_fmt_count(num, sizeof num, t->n_compared);
    bs_fmt_count(tot, sizeof tot, t->n_elements);
    bs_sink_printf(s, "<p class=\"banner %s\">", pass ? "pass" : "fail");
    if (pass)
        bs_sink_printf(s, "✓ PASS — the backward pass agrees with finite differences: %s of "
                          "%s gradient elements compared, all agree.",
                       num, tot);
    else if (strcmp(bs_verdict_word(t), "fail") == 0)
        bs_sink_printf(s, "✗ FAIL — %zu of %s compared gradient elements disagree with "
                          "finite differences.",
                       t->n_failed, num);
    else if (strcmp(bs_verdict_word(t), "unverified") == 0)
        bs_sink_printf(s, "? UNVERIFIED — %zu of %s compared gradient elements verified, %zu "
                          "unresolved: not a pass.",
                       t->n_verified, num, t->n_unresolved);
    else
        bs_sink_puts(s, "✗ NON-FINITE — some value is not a finite number, so the gradients "
                        "cannot be trusted.");
    bs_sink_puts(s, " <a href=\"#verdict\">Verdict</a></p>\n");
}

static void header(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "<header>\n<p class=\"tool\">backstep · backpropagation, term by term</p>\n"
                    "<h1>");
    bs_text_html(s, net->name ? net->name : o->source ? o->source : "backstep trace");
    bs_sink_puts(s, "</h1>\n");
    if (o->source) {
        bs_sink_puts(s, "<p>spec <code>");
        bs_text_html(s, o->source);
        bs_sink_puts(s, "</code></p>\n");
    }
    if (net->description) {
        bs_sink_puts(s, "<p class=\"desc\">");
        bs_text_html(s, net->description);
        bs_sink_puts(s, "</p>\n");
    }
    banner_top(s, t);

    char count[32];
    bs_fmt_count(count, sizeof count, bs_net_param_count(net));
    bs_sink_puts(s, "<table class=\"summary\">\n<tr><th>network</th><td>");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ": %zu layer%s, %s parameters</td></tr>\n", net->L,
                   net->L == 1 ? "" : "s", count);
    bs_sink_printf(s, "<tr><th>convention</th><td>%s: ",
                   net->convention == BS_ROW ? "row vectors (one example per row)"
                                             : "column vectors");
    forward_formula(s, net);
    bs_sink_puts(s, "</td></tr>\n<tr><th>activations</th><td>");
    for (size_t l = 1; l <= net->L; l++) {
        bs_expr z = {.kind = BS_X_VAR, .qty = BS_Q_Z, .layer = l};
        bs_expr act = {.kind = BS_X_ACT, .layer = l, .l = &z};
        bs_sink_puts(s, l > 1 ? "<br>" : "");
        bs_sink_puts(s, "<math><mrow>");
        bs_name_var_mathml(s, BS_Q_A, l, o->notation);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_expr_mathml(s, &act, net, o->notation);
        bs_sink_puts(s, "</mrow></math>, <code>");
        bs_text_html(s, net->act[l]->name);
        bs_sink_puts(s, "</code>: <math>");
        bs_umath_mathml(s, net->act[l]->math);
        bs_sink_puts(s, "</math>");
    }
    bs_sink_puts(s, "</td></tr>\n<tr><th>loss</th><td><code>");
    bs_text_html(s, net->loss->name);
    bs_sink_puts(s, "</code>: <math><mrow><mi>ℓ</mi><mrow><mo stretchy=\"false\">(</mo><mi>\xF0\x9D\x91\xA6\xCC\x82</mi>"
                    "<mo separator=\"true\">,</mo><mi>y</mi><mo stretchy=\"false\">)</mo></mrow><mo>=</mo>");
    bs_umath_mathml(s, net->loss->math);
    bs_sink_puts(s, "</mrow></math></td></tr>\n<tr><th>batch</th><td>");
    bs_sink_printf(s, "B = %zu", net->B);
    if (net->B > 1)
        bs_sink_printf(s, " examples (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    bs_sink_puts(s, "; <math>");
    loss_formula(s, net);
    bs_sink_puts(s, "</math>");
    if (net->l2 != 0.0)
        bs_sink_printf(s, ", λ = %g", net->l2);
    bs_sink_puts(s, "</td></tr>\n");
    if (t->checked) {
        bs_sink_puts(s, "<tr><th>check</th><td>");
        method_text(s, t);
        bs_sink_printf(s, "; agreement when |analytic − numeric| ≤ %g or relative error ≤ %g",
                       t->opts.atol, t->opts.rtol);
        bs_sink_puts(s, "</td></tr>\n");
    }
    bs_sink_puts(s, "</table>\n");

    /* contents */
    bs_sink_puts(s, "<nav><a href=\"#network\">Network</a><a href=\"#parameters\">Parameters"
                    "</a><a href=\"#forward\">Forward pass</a><a href=\"#backward\">Backward "
                    "pass</a>");
    for (size_t i = t->first_backward; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        bs_sink_puts(s, "<a href=\"#");
        anchor(s, st);
        bs_sink_puts(s, "\"><math>");
        bs_step_name_mathml(s, st, o->notation);
        bs_sink_puts(s, "</math></a>");
    }
    if (t->checked)
        bs_sink_puts(s, "<a href=\"#verdict\">Verdict</a>");
    bs_sink_puts(s, "</nav>\n</header>\n");
}

static void network(bs_sink *s, const bs_trace *t)
{
    bs_sink_puts(s, "<section id=\"network\">\n<h2>The network</h2>\n<figure>\n");
    bs_diagram_svg(s, t, 0);
    bs_sink_puts(s, "<figcaption>The forward pass: each neuron with its activation, each "
                    "edge with its weight. Layers wider than ");
    bs_sink_printf(s, "%d neurons are drawn as one box.</figcaption>\n</figure>\n</section>\n",
                   BS_DIAGRAM_MAX_UNITS);
}

static void params(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    int col = net->convention == BS_COLUMN;
    bs_sink_puts(s, "<section id=\"parameters\">\n<h2>Parameters</h2>\n");
    if (col)
        bs_sink_puts(s, "<p>Column convention: <math><msup><mi>W</mi><mrow><mo stretchy=\"false\">[</mo><mi>n"
                        "</mi><mo stretchy=\"false\">]</mo></mrow></msup></math> has one row per neuron of "
                        "layer n and one column per input.</p>\n");
    else
        bs_sink_puts(s, "<p>Row convention: <math><msup><mi>W</mi><mrow><mo stretchy=\"false\">[</mo><mi>n"
                        "</mi><mo stretchy=\"false\">]</mo></mrow></msup></math> has one row per input and one "
                        "column per neuron of layer n.</p>\n");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        /* W in the displayed orientation */
        double *w = net->W[l];
        double *tr = NULL;
        if (col) {
            tr = malloc(sizeof(double) * nin * nout);
            if (!tr) {
                s->failed = 1;
                return;
            }
            size_t dr, dc;
            bs_net_W_displayed(net, l, tr, &dr, &dc);
            w = tr;
        }
        bs_sink_puts(s, "<div class=\"fstep\"><math display=\"block\"><mrow>");
        bs_name_var_mathml(s, BS_Q_W, l, o->notation);
        bs_sink_puts(s, "<mo>=</mo>");
        matrix_shaped(s, w, NULL, col ? nout : nin, col ? nin : nout, o->precision);
        bs_sink_puts(s, "</mrow></math>");
        free(tr);
        if (net->W_origin[l] == BS_DRAWN)
            bs_sink_puts(s, "<p class=\"note\">drawn from the spec's init</p>");
        bs_sink_puts(s, "</div>\n<div class=\"fstep\"><math display=\"block\"><mrow>");
        bs_name_var_mathml(s, BS_Q_B, l, o->notation);
        bs_sink_puts(s, "<mo>=</mo>");
        matrix_shaped(s, net->b[l], NULL, col ? nout : 1, col ? 1 : nout, o->precision);
        bs_sink_puts(s, "</mrow></math>");
        if (net->b_origin[l] == BS_DRAWN)
            bs_sink_puts(s, "<p class=\"note\">drawn from the spec's init</p>");
        bs_sink_puts(s, "</div>\n");
    }
    bs_sink_puts(s, "</section>\n");
}

/* The student's claim about step i (from the spec's "claims"), beside
 * backstep's value, and whether it agrees. */
static void claim(bs_sink *s, const bs_trace *t, size_t i, const bs_render_opts *o)
{
    const bs_claim_result *r = bs_trace_claim(t, i);
    if (!r)
        return;
    const bs_step *st = &t->steps[i];
    const bs_claim *c = r->claim;
    bs_sink_puts(s, "<div class=\"claim\"><p><em>Your claim</em> (<code>");
    bs_text_html(s, c->name);
    bs_sink_puts(s, "</code>):</p><math display=\"block\"><mrow>");
    matrix_shaped(s, c->values, NULL, c->rows, c->cols, o->precision);
    bs_sink_printf(s, "</mrow></math><p class=\"%s\"><strong>%s</strong>",
                   r->agrees ? "pass" : "fail",
                   r->agrees ? "✓ The claim agrees" : "✗ The claim disagrees");
    if (r->agrees) {
        bs_sink_printf(s, " (within a relative %g of backstep's values).</p></div>\n",
                       t->net->claims_tolerance);
        return;
    }
    char name[48];
    bs_step_name(name, sizeof name, st, o->notation);
    bs_sink_printf(s, ": %zu of %zu element%s; at <code>", r->n_wrong, c->rows * c->cols,
                   c->rows * c->cols == 1 ? "" : "s");
    bs_text_html(s, name);
    bs_sink_printf(s, "[%zu,%zu]</code> the claim is ", r->worst / st->cols + 1,
                   r->worst % st->cols + 1);
    fmt_num(s, c->values[r->worst], o->precision);
    bs_sink_puts(s, ", backstep has ");
    fmt_num(s, st->value[r->worst], o->precision);
    bs_sink_puts(s, ".</p></div>\n");
}

static void forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "<section id=\"forward\">\n<h2>Forward pass</h2>\n");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        bs_sink_puts(s, "<div class=\"fstep\" id=\"");
        anchor(s, st);
        bs_sink_puts(s, "\"><math display=\"block\"><mrow>");
        if (st->kind == BS_STEP_LOSS) {
            loss_formula(s, net);
            bs_sink_puts(s, "<mo>=</mo>");
            bs_number_mathml(s, st->value ? st->value[0] : NAN, o->precision);
            bs_sink_puts(s, "</mrow></math>");
            if (net->l2 != 0.0 && t->fw) {
                bs_sink_puts(s, "<p>data loss ");
                fmt_num(s, t->fw->data_loss, o->precision);
                bs_sink_puts(s, " + penalty ");
                fmt_num(s, t->fw->penalty, o->precision);
                bs_sink_puts(s, "</p>");
            }
        } else {
            bs_step_name_mathml(s, st, o->notation);
            if (st->formula) {
                bs_sink_puts(s, "<mo>=</mo>");
                bs_expr_mathml(s, st->formula, net, o->notation);
            }
            bs_sink_puts(s, "<mo>=</mo>");
            matrix_shaped(s, st->value, NULL, st->rows, st->cols, o->precision);
            bs_sink_puts(s, "</mrow></math>");
            if (st->note) {
                bs_sink_puts(s, "<p class=\"note\">");
                bs_text_html(s, st->note);
                bs_sink_puts(s, "</p>");
            }
        }
        if (o->explain) {
            bs_sink buf = bs_sink_buffer();
            bs_explain(&buf, t, st, o->notation);
            if (buf.buf && buf.buf[0]) {
                bs_sink_puts(s, "<p class=\"why\"><strong>Why.</strong> ");
                put_escaped_buffer(s, &buf);
                bs_sink_puts(s, "</p>");
            }
            bs_sink_free_buffer(&buf);
        }
        if (st->value_nonfinite)
            bs_sink_puts(s, "<p class=\"warn\">✗ a value here is not finite</p>");
        claim(s, t, i, o);
        bs_sink_puts(s, "</div>\n");
    }
    bs_sink_puts(s, "</section>\n");
}

static void element_name(bs_sink *s, const bs_step *st, size_t k, bs_notation nt)
{
    char name[48];
    bs_step_name(name, sizeof name, st, nt);
    bs_text_html(s, name);
    bs_sink_printf(s, "[%zu,%zu]", k / st->cols + 1, k % st->cols + 1);
}

static void check_row(bs_sink *s, const bs_trace *t, const bs_step *st, size_t k,
                      const bs_render_opts *o)
{
    int bad = bs_element_disagrees(t, st, k);
    bs_sink_puts(s, "<tr><td>");
    element_name(s, st, k, o->notation);
    bs_sink_puts(s, "</td><td class=\"n\">");
    fmt_num(s, st->value[k], o->precision);
    bs_sink_puts(s, "</td><td class=\"n\">");
    fmt_num(s, st->numeric[k], o->precision);
    bs_sink_puts(s, "</td><td class=\"n\">");
    if (st->numeric_error) {
        bs_sink_puts(s, "± ");
        fmt_num(s, st->numeric_error[k], 2);
    } else {
        bs_sink_puts(s, "—");
    }
    bs_sink_puts(s, "</td><td class=\"n\">");
    fmt_num(s, bs_element_rel_error(st, k), 2);
    bs_sink_printf(s, "</td><td class=\"%s\">%s</td></tr>\n", bad ? "fail" : "pass",
                   bad ? "✗ no" : "✓ yes");
}

/* the compared elements: in order for a small fully compared step, else
 * the worst first, then the failures, then the others */
static void check_table(bs_sink *s, const bs_trace *t, const bs_step *st,
                        const bs_render_opts *o)
{
    int sampled = st->n_compared < st->rows * st->cols;
    bs_sink_puts(s, "<table class=\"check\">\n<tr><th>element</th><th>analytic</th>"
                    "<th>numeric</th><th>error estimate</th><th>relative error</th>"
                    "<th>agree</th></tr>\n");
    size_t idx[TABLE_ROWS];
    size_t shown = bs_check_rows(t, st, sampled || st->n_failed, TABLE_ROWS, idx);
    for (size_t i = 0; i < shown; i++)
        check_row(s, t, st, idx[i], o);
    bs_sink_puts(s, "</table>\n");
    if (shown < st->n_compared) {
        char a[32];
        bs_fmt_count(a, sizeof a, st->n_compared);
        bs_sink_printf(s, "<p class=\"shape\">%zu of the %s compared elements listed%s.</p>\n",
                       shown, a,
                       sampled || st->n_failed ? ", the worst first" : "");
    }
}

static void step_check(bs_sink *s, const bs_trace *t, const bs_step *st,
                       const bs_render_opts *o)
{
    size_t count = st->rows * st->cols;
    int sampled = st->n_compared < count;
    check_table(s, t, st, o);
    char num[32], tot[32], rel[32];
    bs_fmt_count(num, sizeof num, st->n_compared);
    bs_fmt_count(tot, sizeof tot, count);
    snprintf(rel, sizeof rel, "%.2g", st->max_rel_error);
    int ok = st->n_failed == 0;
    bs_sink_printf(s, "<p class=\"agree %s\">%s", ok ? "pass" : "fail",
                   ok ? "✓ agree" : "✗ DISAGREE");
    if (ok)
        bs_sink_printf(s, ": %s of %s compared%s, largest relative error %s", num, tot,
                       sampled ? " (sampled)" : "", rel);
    else
        bs_sink_printf(s, ": %zu of %s compared elements%s, largest relative error %s",
                       st->n_failed, num, st->n_nonfinite ? " (non-finite)" : "", rel);
    if (st->max_rel_error > 0 && st->worst < count) {
        bs_sink_puts(s, " at ");
        element_name(s, st, st->worst, o->notation);
    }
    bs_sink_puts(s, "</p>\n");
}

static void step_terms(bs_sink *s, const bs_trace *t, const bs_step *st,
                       const bs_render_opts *o)
{
    size_t idx[16];
    size_t m = bs_terms_pick(st, idx);
    bs_sink_printf(s, "<div class=\"terms\">\n<h4>Term by term%s</h4>\n",
                   m < st->rows * st->cols ? " (a few elements of a large step)" : "");
    bs_sink_puts(s, "<math display=\"block\"><mtable class=\"eqn\">");
    for (size_t k = 0; k < m; k++) {
        bs_expansion e;
        if (bs_expand(t, st, idx[k] / st->cols, idx[k] % st->cols, &e, NULL) == BS_OK)
            bs_expansion_rows_mathml(s, &e, t->net, o->notation, o->precision, k == 0);
        bs_expansion_free(&e);
    }
    bs_sink_puts(s, "</mtable></math>\n");
    bs_sink_puts(s, "</div>\n");
}

static void backward_step(bs_sink *s, const bs_trace *t, const bs_step *st,
                          const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "<section class=\"step\" id=\"");
    anchor(s, st);
    bs_sink_puts(s, "\">\n<h3><math>");
    bs_step_name_mathml(s, st, o->notation);
    bs_sink_printf(s, "</math><span class=\"shape\">%zu×%zu</span>", st->rows, st->cols);
    if (t->checked && st->numeric)
        bs_sink_printf(s, "<span class=\"mark %s\">%s</span>",
                       st->n_failed == 0 ? "pass" : "fail",
                       st->n_failed == 0 ? "✓ agrees" : "✗ disagrees");
    bs_sink_puts(s, "</h3>\n");

    /* name = formula (= shortcut) */
    bs_sink_puts(s, "<math display=\"block\"><mtable class=\"eqn\"><mtr><mtd>");
    bs_step_name_mathml(s, st, o->notation);
    bs_sink_puts(s, "</mtd><mtd>");
    if (o->notation == BS_NOTATION_G) {
        bs_sink_puts(s, "<mo>=</mo>");
        bs_name_grad_mathml(s, st->qty, st->layer, BS_NOTATION_PARTIAL);
    }
    bs_sink_puts(s, "<mo>=</mo>");
    bs_expr_mathml(s, st->formula, net, o->notation);
    bs_sink_puts(s, "</mtd></mtr>");
    if (st->shortcut) {
        bs_sink_puts(s, "<mtr><mtd></mtd><mtd><mo>=</mo>");
        bs_expr_mathml(s, st->shortcut, net, o->notation);
        bs_sink_puts(s, "</mtd></mtr>");
    }
    bs_sink_puts(s, "</mtable></math>\n");
    if (st->note) {
        bs_sink_puts(s, "<p class=\"note\">");
        bs_text_html(s, st->note);
        bs_sink_puts(s, "</p>\n");
    }
    bs_sink program = bs_sink_buffer();
    if (bs_render_program_line(&program, t, st, o->notation, o->precision) && program.buf) {
        bs_sink_puts(s, "<p class=\"note\">");
        bs_text_html(s, program.buf);
        bs_sink_puts(s, "</p>\n");
    }
    bs_sink_free_buffer(&program);
    if (st->qty == BS_Q_Z && net->act[st->layer]->dmath && !st->shortcut) {
        bs_sink_puts(s, "<p class=\"where\">where <math><mrow>");
        bs_dact_name_mathml(s, net, st->layer, o->notation);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_dact_mathml(s, net, st->layer, o->notation);
        bs_sink_puts(s, "</mrow></math></p>\n");
    }
    if (o->explain) {
        bs_sink buf = bs_sink_buffer();
        bs_explain(&buf, t, st, o->notation);
        bs_sink_puts(s, "<p class=\"why\"><strong>Why.</strong> ");
        put_escaped_buffer(s, &buf);
        bs_sink_puts(s, "</p>\n");
    }
    /* the analytic values */
    bs_sink_puts(s, "<math display=\"block\"><mrow>");
    bs_step_name_mathml(s, st, o->notation);
    bs_sink_puts(s, "<mo>=</mo>");
    matrix_shaped(s, st->value, NULL, st->rows, st->cols, o->precision);
    bs_sink_puts(s, "</mrow></math>\n");
    if (st->value_nonfinite)
        bs_sink_puts(s, "<p class=\"warn\">✗ a value here is not finite</p>\n");
    claim(s, t, (size_t)(st - t->steps), o);
    if (t->checked && st->numeric && st->compared)
        step_check(s, t, st, o);
    if (o->terms)
        step_terms(s, t, st, o);
    bs_sink_puts(s, "</section>\n");
}

static void backward(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_sink_puts(s, "<section id=\"backward\">\n<h2>Backward pass</h2>\n");
    if (t->checked) {
        bs_sink_puts(s, "<p>Each gradient below is computed by the chain rule (analytic) and "
                        "checked against a numerical gradient: ");
        method_text(s, t);
        bs_sink_printf(s, ". An element agrees when |analytic − numeric| ≤ %g or the relative "
                          "error is at most %g.</p>\n",
                       t->opts.atol, t->opts.rtol);
    }
    bs_sink_puts(s, "<figure>\n");
    bs_diagram_svg(s, t, 1);
    bs_sink_puts(s, "<figcaption>The backward pass: each neuron with a and ∂L/∂a, each edge "
                    "with ∂L/∂w.</figcaption>\n</figure>\n");
    for (size_t i = t->first_backward; i < t->nsteps; i++)
        backward_step(s, t, &t->steps[i], o);
    bs_sink_puts(s, "</section>\n");
}

static void verdict(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    if (!t->checked) {
        bs_sink_puts(s, "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p class=\"banner\">"
                        "The gradients were not checked numerically.</p>\n</section>\n");
        return;
    }
    int pass = trace_pass(t);
    bs_sink buf = bs_sink_buffer();
    bs_render_verdict(&buf, t, o->notation);
    bs_sink_printf(s, "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p class=\"banner %s\">%s ",
                   pass ? "pass" : "fail", pass ? "✓" : "✗");
    put_escaped_buffer(s, &buf);
    bs_sink_puts(s, "</p>\n</section>\n");
}

void bs_render_html(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    head(s, t, o);
    header(s, t, o);
    network(s, t);
    params(s, t, o);
    forward(s, t, o);
    backward(s, t, o);
    verdict(s, t, o);
    bs_sink_puts(s, "<footer>Written by backstep. This page is self-contained: it runs no "
                    "scripts and loads nothing.</footer>\n</main>\n</body>\n</html>\n");
}
