/* bs_train_render.c — a training run as text, JSON and CSV.  The renderers
 * read a bs_train and compute nothing but the layout. */
#include "bs_train_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_common.h"
#include "bs_render_text.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

#define TERMS_SHOWN 8     /* elements of one parameter written term by term */
#define LOSS_ROWS 20      /* about this many rows in the table of losses */
#define SPARK_WIDTH 60    /* columns of the sparkline */

const char *const bs_train_format_names[] = {"text", "json", "csv", NULL};

int bs_train_render(bs_sink *s, const bs_train *t, bs_train_format format,
                    const char *source, int precision)
{
    if (precision < 1 || precision > 17)
        precision = 6;
    switch (format) {
    case BS_TRAIN_JSON:
        bs_train_render_json(s, t, source);
        break;
    case BS_TRAIN_CSV:
        bs_train_render_csv(s, t);
        break;
    default:
        bs_train_render_text(s, t, source, precision);
        break;
    }
    return bs_sink_status(s);
}

/* ---- text ------------------------------------------------------------------ */

static void rule(bs_sink *s, const char *title)
{
    bs_sink_printf(s, "\n%s\n", title);
    bs_sink_repeat(s, "─", bs_text_width(title));
    bs_sink_puts(s, "\n");
}

/* "left" and the shape on the right, as the trace writes its headings */
static void heading(bs_sink *s, const char *left, size_t rows, size_t cols)
{
    size_t w = bs_text_width(left);
    bs_sink_puts(s, left);
    bs_sink_repeat(s, " ", w < 58 ? 58 - w : 2);
    bs_sink_printf(s, "%zu×%zu\n", rows, cols);
}

/* A rows×cols matrix as the trace shows one, indented by two spaces. */
static void print_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int prec)
{
    bs_render_text_matrix(s, v, rows, cols, prec, "  ");
}

/* The parameter's name in the run's notation: "W[2]", "b[2]" (g, partial)
 * or "W2", "b2" (code). */
static void param_symbol(char *buf, size_t size, const bs_train *t, const bs_train_param *p)
{
    bs_name_var(buf, size, p->qty, p->layer, t->opts.notation);
}

/* The name of displayed element k: "W_{1,2}[2]", "b_2[1]" (g, partial) or
 * "W2[1,2]", "b1[2]" (code), 1-based as the trace's term lines are. */
static void element(char *buf, size_t size, const bs_train *t, const bs_train_param *p,
                    size_t k)
{
    size_t r = k / p->cols + 1, c = k % p->cols + 1;
    size_t i = p->rows == 1 ? c : r;
    if (t->opts.notation == BS_NOTATION_CODE) {
        if (p->qty == BS_Q_W)
            snprintf(buf, size, "W%zu[%zu,%zu]", p->layer, r, c);
        else
            snprintf(buf, size, "b%zu[%zu]", p->layer, i);
    } else if (p->qty == BS_Q_W) {
        snprintf(buf, size, "W_{%zu,%zu}[%zu]", r, c, p->layer);
    } else {
        snprintf(buf, size, "b_%zu[%zu]", i, p->layer);
    }
}

static void header(bs_sink *s, const bs_train *t, const char *source, int prec)
{
    bs_render_text_network(s, t->net, source);
    char a[40];
    bs_fmt_num(a, sizeof a, t->opts.lr, prec);
    bs_sink_printf(s, "training %zu step%s of full-batch gradient descent, α = %s",
                   t->opts.steps, t->opts.steps == 1 ? "" : "s", a);
    if (t->nfrozen) {
        bs_sink_puts(s, "; frozen:");
        int first = 1;
        for (size_t i = 0; i < t->nparams; i++)
            if (t->params[i].frozen) {
                bs_sink_printf(s, "%s %s", first ? "" : ",", t->params[i].name);
                first = 0;
            }
    }
    bs_sink_printf(s, "\n         gradient checked (%s) before the first step",
                   bs_method_names[t->opts.check.method]);
    if (t->opts.check_every == 1)
        bs_sink_puts(s, " and after every step");
    else if (t->opts.check_every)
        bs_sink_printf(s, " and after every %zu steps", t->opts.check_every);
    bs_sink_puts(s, "\n");
}

static void first_update(bs_sink *s, const bs_train *t, int prec)
{
    /* the update rule of every layer n, in the run's notation */
    static const char *const rules[] = {
        [BS_NOTATION_G] = "First update (step 1): W[n] ← W[n] − α g[nW],  b[n] ← b[n] − α g[nb]",
        [BS_NOTATION_PARTIAL] = ("First update (step 1): W[n] ← W[n] − α ∂L/∂W[n],  "
                                 "b[n] ← b[n] − α ∂L/∂b[n]"),
        [BS_NOTATION_CODE] = "First update (step 1): Wn ← Wn − α dWn,  bn ← bn − α dbn",
    };
    rule(s, rules[t->opts.notation]);
    char a[40];
    bs_fmt_num(a, sizeof a, t->opts.lr, prec);
    /* from the output layer down, as backpropagation meets them */
    for (size_t i = t->nparams; i-- > 0;) {
        const bs_train_param *p = &t->params[2 * (i / 2) + (1 - i % 2)];
        char sym[32], left[160];
        param_symbol(sym, sizeof sym, t, p);
        size_t count = p->rows * p->cols;
        if (p->frozen) {
            snprintf(left, sizeof left, "%s   frozen: stays", sym);
            heading(s, left, p->rows, p->cols);
            print_matrix(s, p->before, p->rows, p->cols, prec);
            continue;
        }
        char grad_name[40];
        bs_name_grad(grad_name, sizeof grad_name, p->qty, p->layer, t->opts.notation);
        snprintf(left, sizeof left, "%s ← %s − α %s", sym, sym, grad_name);
        heading(s, left, p->rows, p->cols);
        size_t shown = count <= TERMS_SHOWN + 1 ? count : TERMS_SHOWN;
        for (size_t k = 0; k < shown; k++) {
            char name[48], old[40], grad[48], upd[40];
            element(name, sizeof name, t, p, k);
            bs_fmt_operand(old, sizeof old, p->before[k], prec, 0);
            bs_fmt_operand(grad, sizeof grad, p->gradient[k], prec, 1);
            bs_fmt_operand(upd, sizeof upd, p->after[k], prec, 0);
            bs_sink_printf(s, "  %s = %s − %s × %s = %s\n", name, old, a, grad, upd);
        }
        if (shown < count) {
            char more[32];
            bs_fmt_count(more, sizeof more, count - shown);
            bs_sink_printf(s, "  … and %s more elements, each the same way (--format json "
                              "lists them all)\n",
                           more);
        }
    }
}

/* The steps the table of losses shows: 0, 1, every d-th step for d the
 * smallest of 1, 2, 5, 10, 20, 50, … giving at most LOSS_ROWS rows, and the
 * last step. */
static size_t loss_interval(size_t n)
{
    size_t d = 1;
    for (size_t m = 1;; m *= 10) {
        static const size_t f[] = {1, 2, 5};
        for (int i = 0; i < 3; i++) {
            d = f[i] * m;
            if ((n + d - 1) / d <= LOSS_ROWS)
                return d;
        }
        if (m > SIZE_MAX / 100)
            return d;
    }
}

static void sparkline(bs_sink *s, const bs_train *t, int prec)
{
    static const char *const bar[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    size_t n = t->steps_done + 1;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        lo = fmin(lo, t->loss[k]);
        hi = fmax(hi, t->loss[k]);
    }
    int logscale = lo > 0 && hi > 10 * lo;
    double flo = logscale ? log(lo) : lo, fhi = logscale ? log(hi) : hi;
    size_t width = n < SPARK_WIDTH ? n : SPARK_WIDTH;
    bs_sink_puts(s, "  ");
    for (size_t c = 0; c < width; c++) {
        size_t k = width == 1 ? 0 : (size_t)((double)c * (double)(n - 1) / (double)(width - 1) + 0.5);
        double v = logscale ? log(t->loss[k]) : t->loss[k];
        int level = fhi > flo ? (int)((v - flo) / (fhi - flo) * 7.0 + 0.5) : 3;
        if (level < 0)
            level = 0;
        if (level > 7)
            level = 7;
        bs_sink_puts(s, bar[level]);
    }
    char a[40], b[40];
    bs_fmt_num(a, sizeof a, lo, prec);
    bs_fmt_num(b, sizeof b, hi, prec);
    bs_sink_printf(s, "   steps 0 … %zu, ▁ %s … █ %s%s\n", t->steps_done, a, b,
                   logscale ? " (log scale)" : "");
}

static void losses(bs_sink *s, const bs_train *t, int prec)
{
    rule(s, "Loss after each step");
    size_t n = t->steps_done;
    size_t d = loss_interval(n);
    char w[32];
    snprintf(w, sizeof w, "%zu", n);
    int sw = (int)strlen(w) < 4 ? 4 : (int)strlen(w);
    bs_sink_printf(s, "  %*s  loss\n", sw, "step");
    for (size_t k = 0; k <= n; k++) {
        if (!(k == 0 || k == 1 || k % d == 0 || k == n))
            continue;
        char v[40];
        bs_fmt_num(v, sizeof v, t->loss[k], prec);
        bs_sink_printf(s, "  %*zu  %s\n", sw, k, v);
    }
    if (d > 1)
        bs_sink_printf(s, "  (every %zu%s step; --format csv lists them all)\n", d,
                       d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : "th");
    sparkline(s, t, prec);
}

static void checks(bs_sink *s, const bs_train *t)
{
    if (t->nchecks == 0)
        return;
    rule(s, "Gradient checks");
    for (size_t i = 0; i < t->nchecks; i++) {
        const bs_train_check *c = &t->checks[i];
        char when[48];
        if (c->step == 0)
            snprintf(when, sizeof when, "before step 1");
        else
            snprintf(when, sizeof when, "after step %zu", c->step);
        bs_sink_printf(s, "  %-18s %s\n", when, c->verdict);
    }
}

static void final_params(bs_sink *s, const bs_train *t, int prec)
{
    char title[96];
    snprintf(title, sizeof title, "Parameters after step %zu", t->steps_done);
    rule(s, title);
    for (size_t i = 0; i < t->nparams; i++) {
        const bs_train_param *p = &t->params[i];
        char sym[32], left[96];
        param_symbol(sym, sizeof sym, t, p);
        snprintf(left, sizeof left, "%s%s", sym, p->frozen ? "   (frozen)" : "");
        heading(s, left, p->rows, p->cols);
        print_matrix(s, p->final, p->rows, p->cols, prec);
    }
}

void bs_train_verdict(bs_sink *s, const bs_train *t, int prec)
{
    char a[40], b[40];
    bs_fmt_num(a, sizeof a, t->loss[0], prec);
    bs_fmt_num(b, sizeof b, t->loss[t->steps_done], prec);
    if (t->stop != BS_TRAIN_COMPLETED) {
        bs_sink_printf(s, "STOPPED at step %zu: %s", t->stop_step, t->stop_message);
        if (t->stop_step > 0 && t->steps_done > 0)
            bs_sink_printf(s, "; the parameters shown are those after step %zu (loss %s)",
                           t->steps_done, b);
        else if (t->stop_step > 0)
            bs_sink_printf(s, "; the parameters shown are the spec's own (loss %s)", b);
        return;
    }
    /* checks that did not pass only for want of verification */
    size_t unverified = 0;
    for (size_t i = 0; i < t->nchecks; i++)
        unverified += !t->checks[i].passed && t->checks[i].unverified;
    int only_unverified = t->checks_failed > 0 && unverified == t->checks_failed;
    bs_sink_printf(s, "%s  %zu step%s, loss %s → %s",
                   t->passed         ? "TRAINED"
                   : only_unverified ? "CHECK UNVERIFIED"
                                     : "CHECK FAILED",
                   t->steps_done, t->steps_done == 1 ? "" : "s", a, b);
    if (t->checks_failed == 0) {
        bs_sink_printf(s, "; %zu gradient check%s passed", t->nchecks,
                       t->nchecks == 1 ? "" : "s");
        return;
    }
    size_t first = 0;
    while (first < t->nchecks && t->checks[first].passed)
        first++;
    bs_sink_printf(s, "; %zu of %zu gradient checks %s, the first %s step %zu",
                   t->checks_failed, t->nchecks,
                   only_unverified ? "verified nothing or left elements unresolved" : "failed",
                   t->checks[first].step ? "after" : "before",
                   t->checks[first].step ? t->checks[first].step : 1);
}

void bs_train_render_text(bs_sink *s, const bs_train *t, const char *source, int precision)
{
    header(s, t, source, precision);
    if (t->has_first)
        first_update(s, t, precision);
    losses(s, t, precision);
    checks(s, t);
    final_params(s, t, precision);
    bs_sink_puts(s, "\n");
    bs_train_verdict(s, t, precision);
    bs_sink_puts(s, "\n");
}

/* ---- JSON ------------------------------------------------------------------ */

/* a number as JSON (null when not finite) */
static void num(bs_sink *s, double v)
{
    bs_sink_json_number(s, v);
}

/* a JSON string (NULL: null) */
static void str(bs_sink *s, const char *v)
{
    bs_sink_json_string(s, v);
}

/* A parameter's values as the spec's "params" writes them: W as a list of
 * rows, b as a flat list. */
static void values(bs_sink *s, const bs_train_param *p, const double *v, const char *indent)
{
    size_t count = p->rows * p->cols;
    if (p->qty == BS_Q_B) {
        bs_sink_puts(s, "[");
        for (size_t k = 0; k < count; k++) {
            if (k)
                bs_sink_puts(s, ", ");
            num(s, v[k]);
        }
        bs_sink_puts(s, "]");
        return;
    }
    bs_sink_puts(s, "[");
    for (size_t r = 0; r < p->rows; r++) {
        bs_sink_printf(s, "%s\n%s  [", r ? "," : "", indent);
        for (size_t c = 0; c < p->cols; c++) {
            if (c)
                bs_sink_puts(s, ", ");
            num(s, v[r * p->cols + c]);
        }
        bs_sink_puts(s, "]");
    }
    bs_sink_printf(s, "\n%s]", indent);
}

void bs_train_render_json(bs_sink *s, const bs_train *t, const char *source)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "{\n  \"backstep\": ");
    str(s, BS_VERSION);
    bs_sink_puts(s, ",\n  \"command\": \"train\",\n  \"spec\": {\"file\": ");
    str(s, source);
    bs_sink_puts(s, ", \"name\": ");
    str(s, net->name);
    bs_sink_puts(s, ", \"description\": ");
    str(s, net->description);
    bs_sink_puts(s, ", \"convention\": ");
    str(s, net->convention == BS_ROW ? "row" : "column");
    bs_sink_printf(s, ", \"batch_size\": %zu},\n", net->B);
    bs_sink_printf(s, "  \"training\": {\n    \"steps\": %zu,\n    \"lr\": ", t->opts.steps);
    num(s, t->opts.lr);
    bs_sink_printf(s, ",\n    \"check_every\": %zu,\n    \"check_method\": ", t->opts.check_every);
    str(s, bs_method_names[t->opts.check.method]);
    bs_sink_puts(s, ",\n    \"frozen\": [");
    int first = 1;
    for (size_t i = 0; i < t->nparams; i++)
        if (t->params[i].frozen) {
            bs_sink_puts(s, first ? "" : ", ");
            str(s, t->params[i].name);
            first = 0;
        }
    bs_sink_puts(s, "],\n    \"divergence_factor\": ");
    num(s, BS_TRAIN_DIVERGE_FACTOR);
    bs_sink_puts(s, "\n  },\n  \"first_update\": ");
    if (!t->has_first) {
        bs_sink_puts(s, "null");
    } else {
        bs_sink_puts(s, "{");
        for (size_t i = 0; i < t->nparams; i++) {
            const bs_train_param *p = &t->params[i];
            bs_sink_printf(s, "%s\n    ", i ? "," : "");
            str(s, p->name);
            bs_sink_printf(s, ": {\n      \"shape\": [%zu, %zu],\n      \"frozen\": %s,\n"
                              "      \"before\": ",
                           p->rows, p->cols, p->frozen ? "true" : "false");
            values(s, p, p->before, "      ");
            bs_sink_puts(s, ",\n      \"gradient\": ");
            values(s, p, p->gradient, "      ");
            bs_sink_puts(s, ",\n      \"after\": ");
            values(s, p, p->after, "      ");
            bs_sink_puts(s, "\n    }");
        }
        bs_sink_puts(s, "\n  }");
    }
    bs_sink_puts(s, ",\n  \"losses\": [");
    for (size_t k = 0; k <= t->steps_done; k++) {
        bs_sink_puts(s, k == 0 ? "" : k % 4 == 0 ? ",\n    " : ", ");
        num(s, t->loss[k]);
    }
    bs_sink_puts(s, "],\n  \"checks\": [");
    for (size_t i = 0; i < t->nchecks; i++) {
        const bs_train_check *c = &t->checks[i];
        bs_sink_printf(s, "%s\n    {\"step\": %zu, \"passed\": %s, \"compared\": %zu, "
                          "\"failed\": %zu, \"nonfinite\": %zu, \"max_rel_error\": ",
                       i ? "," : "", c->step, c->passed ? "true" : "false", c->n_compared,
                       c->n_failed, c->n_nonfinite);
        num(s, c->max_rel_error);
        bs_sink_puts(s, ", \"worst\": ");
        str(s, c->worst[0] ? c->worst : NULL);
        bs_sink_puts(s, "}");
    }
    bs_sink_printf(s, "%s],\n  \"stop\": {\"reason\": ", t->nchecks ? "\n  " : "");
    str(s, bs_train_stop_names[t->stop]);
    if (t->stop == BS_TRAIN_COMPLETED)
        bs_sink_puts(s, ", \"step\": null, \"message\": null},\n");
    else {
        bs_sink_printf(s, ", \"step\": %zu, \"message\": ", t->stop_step);
        str(s, t->stop_message);
        bs_sink_puts(s, "},\n");
    }
    bs_sink_printf(s, "  \"steps_done\": %zu,\n  \"initial_loss\": ", t->steps_done);
    num(s, t->loss[0]);
    bs_sink_puts(s, ",\n  \"final_loss\": ");
    num(s, t->loss[t->steps_done]);
    bs_sink_puts(s, ",\n  \"params\": {");
    for (size_t i = 0; i < t->nparams; i++) {
        const bs_train_param *p = &t->params[i];
        bs_sink_printf(s, "%s\n    ", i ? "," : "");
        str(s, p->name);
        bs_sink_puts(s, ": ");
        values(s, p, p->final, "    ");
    }
    bs_sink_printf(s, "\n  },\n  \"passed\": %s\n}\n", t->passed ? "true" : "false");
}

/* ---- CSV ------------------------------------------------------------------- */

void bs_train_render_csv(bs_sink *s, const bs_train *t)
{
    bs_sink_puts(s, "step,loss\n");
    for (size_t k = 0; k <= t->steps_done; k++) {
        char v[40];
        if (isfinite(t->loss[k]))
            snprintf(v, sizeof v, "%.17g", t->loss[k]);
        else
            snprintf(v, sizeof v, "%s", isnan(t->loss[k]) ? "nan" : "inf");
        bs_sink_printf(s, "%zu,%s\n", k, v);
    }
}
