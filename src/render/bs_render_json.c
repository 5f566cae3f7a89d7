/* bs_render_json.c — the trace for programs (documented in docs/json-output.md).
 * Numbers are printed with 17 significant digits, so they read back to the
 * same double; non-finite numbers, which JSON cannot hold, print as the
 * strings "NaN", "Infinity" and "-Infinity" (bs_sink_json_number). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bs_render_json.h"
#include "bs_render.h"
#include "bs_render_common.h"
#include "bs_typeset.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

/* a number as JSON (a string when not finite) */
static void num(bs_sink *s, double v)
{
    bs_sink_json_number(s, v);
}

/* A JSON string with the escapes RFC 8259 requires (NULL: null). */
static void str(bs_sink *s, const char *v)
{
    bs_sink_json_string(s, v);
}

/* A formula as a JSON string in the chosen notation. */
static void formula(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt)
{
    if (!e) {
        bs_sink_puts(s, "null");
        return;
    }
    bs_sink b = bs_sink_buffer();
    bs_expr_text(&b, e, net, nt);
    str(s, b.buf ? b.buf : "");
    bs_sink_free_buffer(&b);
}

/* rows×cols values as an array of rows; elements with mask 0 are null */
static void matrix(bs_sink *s, const double *v, const unsigned char *mask,
                   size_t rows, size_t cols, const char *indent)
{
    bs_sink_puts(s, "[");
    for (size_t r = 0; r < rows; r++) {
        bs_sink_printf(s, "%s\n%s  [", r ? "," : "", indent);
        for (size_t c = 0; c < cols; c++) {
            size_t k = r * cols + c;
            if (c)
                bs_sink_puts(s, ", ");
            if (mask && !mask[k])
                bs_sink_puts(s, "null");
            else
                num(s, v[k]);
        }
        bs_sink_puts(s, "]");
    }
    bs_sink_printf(s, "\n%s]", indent);
}

static void vector(bs_sink *s, const double *v, size_t n)
{
    bs_sink_puts(s, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            bs_sink_puts(s, ", ");
        num(s, v[i]);
    }
    bs_sink_puts(s, "]");
}

static const char *qty_name(bs_qty q)
{
    switch (q) {
    case BS_Q_A: return "a";
    case BS_Q_Z: return "z";
    case BS_Q_W: return "W";
    case BS_Q_B: return "b";
    case BS_Q_Y: return "y";
    case BS_Q_YHAT: return "yhat";
    case BS_Q_LOSS: return "loss";
    }
    return "?";
}

static void network(bs_sink *s, const bs_trace *t)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "  \"network\": {\n    \"convention\": ");
    str(s, net->convention == BS_ROW ? "row" : "column");
    bs_sink_puts(s, ",\n    \"layers\": [");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? ", " : "", net->n[l]);
    bs_sink_puts(s, "],\n    \"activations\": [");
    for (size_t l = 1; l <= net->L; l++) {
        if (l > 1)
            bs_sink_puts(s, ", ");
        str(s, net->act[l]->name);
    }
    bs_sink_puts(s, "],\n    \"loss\": ");
    str(s, net->loss->name);
    bs_sink_puts(s, ",\n    \"batch_reduction\": ");
    str(s, net->reduction == BS_MEAN ? "mean" : "sum");
    bs_sink_puts(s, ",\n    \"l2\": ");
    num(s, net->l2);
    bs_sink_printf(s, ",\n    \"batch_size\": %zu,\n    \"parameters\": %zu\n  },\n",
                   net->B, bs_net_param_count(net));
}

/* every parameter used, in the spec's convention, loadable as "params" */
static void params(bs_sink *s, const bs_trace *t)
{
    const bs_net *net = t->net;
    int col = net->convention == BS_COLUMN;
    bs_sink_puts(s, "  \"params\": {");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        bs_sink_printf(s, "%s\n    \"W%zu\": ", l > 1 ? "," : "", l);
        if (col) {
            double *tr = malloc(sizeof(double) * nin * nout);
            if (!tr) {
                s->failed = 1;
                return;
            }
            size_t dr, dc;
            bs_net_W_displayed(net, l, tr, &dr, &dc);
            matrix(s, tr, NULL, dr, dc, "    ");
            free(tr);
        } else {
            matrix(s, net->W[l], NULL, nin, nout, "    ");
        }
        bs_sink_printf(s, ",\n    \"b%zu\": ", l);
        vector(s, net->b[l], nout);
    }
    bs_sink_puts(s, "\n  },\n");
}

static void batch(bs_sink *s, const bs_trace *t)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "  \"x\": ");
    matrix(s, net->x, NULL, net->B, net->n[0], "  ");
    bs_sink_puts(s, ",\n  \"y\": ");
    matrix(s, net->y, NULL, net->B, net->n[net->L], "  ");
    if (net->labels) {
        bs_sink_puts(s, ",\n  \"labels\": [");
        for (size_t i = 0; i < net->B; i++)
            bs_sink_printf(s, "%s%ld", i ? ", " : "", net->labels[i]);
        bs_sink_puts(s, "]");
    }
    bs_sink_puts(s, ",\n");
}

static void step(bs_sink *s, const bs_trace *t, const bs_step *st,
                 const bs_render_opts *o)
{
    char name[48];
    bs_step_name(name, sizeof name, st, o->notation);
    bs_sink_puts(s, "    {\n      \"name\": ");
    str(s, name);
    bs_sink_puts(s, ",\n      \"id\": ");
    str(s, st->id);
    bs_sink_puts(s, ",\n      \"kind\": ");
    str(s, st->kind == BS_STEP_BACKWARD ? "backward"
           : st->kind == BS_STEP_LOSS   ? "loss"
                                        : "forward");
    bs_sink_puts(s, ",\n      \"quantity\": ");
    str(s, qty_name(st->qty));
    bs_sink_printf(s, ",\n      \"layer\": %zu", st->layer);
    bs_sink_puts(s, ",\n      \"formula\": ");
    if (st->kind == BS_STEP_LOSS) {
        bs_sink b = bs_sink_buffer();
        bs_loss_formula(&b, t->net);
        str(s, b.buf ? b.buf + 4 : ""); /* without the leading "L = " */
        bs_sink_free_buffer(&b);
    } else {
        formula(s, st->formula, t->net, o->notation);
    }
    if (st->shortcut) {
        bs_sink_puts(s, ",\n      \"shortcut\": ");
        formula(s, st->shortcut, t->net, o->notation);
    }
    if (st->note) {
        bs_sink_puts(s, ",\n      \"note\": ");
        str(s, st->note);
    }
    if (st->kind == BS_STEP_BACKWARD)
        bs_sink_printf(s, ",\n      \"mean_enters\": %s,\n      \"l2\": %s",
                       st->mean_enters ? "true" : "false", st->has_l2 ? "true" : "false");
    bs_sink_printf(s, ",\n      \"shape\": [%zu, %zu]", st->rows, st->cols);
    bs_sink_printf(s, ",\n      \"finite\": %s", st->value_nonfinite ? "false" : "true");
    if (st->kind != BS_STEP_BACKWARD) {
        bs_sink_puts(s, ",\n      \"values\": ");
        matrix(s, st->value, NULL, st->rows, st->cols, "      ");
        bs_sink_puts(s, "\n    }");
        return;
    }
    bs_sink_puts(s, ",\n      \"analytic\": ");
    matrix(s, st->value, NULL, st->rows, st->cols, "      ");
    bs_sink_puts(s, ",\n      \"numeric\": ");
    if (st->numeric)
        matrix(s, st->numeric, st->compared, st->rows, st->cols, "      ");
    else
        bs_sink_puts(s, "null");
    bs_sink_puts(s, ",\n      \"numeric_error\": ");
    if (st->numeric_error)
        matrix(s, st->numeric_error, st->compared, st->rows, st->cols, "      ");
    else
        bs_sink_puts(s, "null");
    if (st->numeric && st->verdict) {
        bs_sink_puts(s, ",\n      \"verdicts\": [");
        for (size_t r = 0; r < st->rows; r++) {
            bs_sink_printf(s, "%s\n        [", r ? "," : "");
            for (size_t c = 0; c < st->cols; c++) {
                unsigned char v = st->verdict[r * st->cols + c];
                bs_sink_puts(s, c ? ", " : "");
                if (v == BS_V_NONE)
                    bs_sink_puts(s, "null");
                else
                    str(s, bs_verdict_names[v]);
            }
            bs_sink_puts(s, "]");
        }
        bs_sink_puts(s, "\n      ],\n      \"kinks\": [");
        size_t nk = 0;
        for (size_t k = 0; k < st->rows * st->cols; k++) {
            if (st->verdict[k] != BS_V_KINK_OK && st->verdict[k] != BS_V_KINK_BAD)
                continue;
            bs_sink_printf(s, "%s\n        {\"index\": [%zu, %zu], \"left\": ", nk++ ? "," : "",
                           k / st->cols + 1, k % st->cols + 1);
            num(s, st->left[k]);
            bs_sink_puts(s, ", \"right\": ");
            num(s, st->right[k]);
            bs_sink_printf(s, ", \"consistent\": %s}",
                           st->verdict[k] == BS_V_KINK_OK ? "true" : "false");
        }
        bs_sink_printf(s, "%s]", nk ? "\n      " : "");
        bs_sink_printf(s, ",\n      \"agree\": %zu,\n      \"disagree\": %zu,\n"
                          "      \"unresolved\": %zu,\n      \"kinks_consistent\": %zu,\n"
                          "      \"kinks_inconsistent\": %zu",
                       st->n_agree, st->n_disagree, st->n_unresolved, st->n_kink_ok,
                       st->n_kink_bad);
    }
    if (st->numeric) {
        bs_sink_printf(s, ",\n      \"compared\": %zu,\n      \"failed\": %zu",
                       st->n_compared, st->n_failed);
        bs_sink_puts(s, ",\n      \"max_rel_error\": ");
        num(s, st->max_rel_error);
        bs_sink_puts(s, ",\n      \"max_abs_error\": ");
        num(s, st->max_abs_error);
        bs_sink_printf(s, ",\n      \"worst\": [%zu, %zu]", st->worst / st->cols + 1,
                       st->worst % st->cols + 1);
        bs_sink_printf(s, ",\n      \"passed\": %s", st->passed ? "true" : "false");
    } else {
        bs_sink_puts(s, ",\n      \"compared\": 0,\n      \"passed\": null");
    }
    bs_sink_puts(s, "\n    }");
}

static void check(bs_sink *s, const bs_trace *t, bs_notation nt)
{
    if (!t->checked) {
        bs_sink_puts(s, "  \"check\": null\n");
        return;
    }
    bs_sink_puts(s, "  \"check\": {\n    \"method\": ");
    str(s, bs_method_names[t->opts.method]);
    bs_sink_puts(s, ",\n    \"epsilon\": ");
    if (t->opts.epsilon > 0)
        num(s, t->opts.epsilon);
    else
        bs_sink_puts(s, "null");
    bs_sink_puts(s, ",\n    \"step_rule\": ");
    if (t->opts.epsilon > 0)
        str(s, "h = epsilon");
    else if (t->opts.method == BS_METHOD_COMPLEX)
        str(s, "h = 1e-20 * max(1, |x|)");
    else if (t->opts.method == BS_METHOD_FORWARD)
        str(s, "h = sqrt(DBL_EPSILON) * max(1, |x|) (for yhat under bce or cross_entropy at "
               "most 1e-3 of its distance to 0 or 1)");
    else if (t->opts.method == BS_METHOD_RICHARDSON)
        str(s, "h = DBL_EPSILON^(1/5) * max(1, |x|) (for yhat under bce or cross_entropy at "
               "most 1e-3 of its distance to 0 or 1)");
    else
        str(s, "h0 = cbrt(DBL_EPSILON) * max(1, |x|) (for yhat under bce or cross_entropy "
               "at most 1e-3 of its distance to 0 or 1); of h0 and 16*h0 the step with the "
               "smaller estimated error");
    bs_sink_puts(s, ",\n    \"rtol\": ");
    num(s, t->opts.rtol);
    bs_sink_puts(s, ",\n    \"atol\": ");
    num(s, t->opts.atol);
    bs_sink_printf(s, ",\n    \"elements\": %zu,\n    \"compared\": %zu,\n"
                      "    \"sampled\": %s,\n    \"failed\": %zu,\n    \"nonfinite\": %zu",
                   t->n_elements, t->n_compared, t->sampled ? "true" : "false",
                   t->n_failed, t->n_nonfinite);
    bs_sink_puts(s, ",\n    \"max_rel_error\": ");
    num(s, t->max_rel_error);
    if (t->n_compared > 0 && t->max_rel_error > 0) {
        const bs_step *w = &t->steps[t->worst_step];
        char name[48];
        bs_step_name(name, sizeof name, w, nt);
        bs_sink_puts(s, ",\n    \"worst\": {\"step\": ");
        str(s, name);
        bs_sink_printf(s, ", \"index\": [%zu, %zu]}", t->worst_index / w->cols + 1,
                       t->worst_index % w->cols + 1);
    }
    if (t->first_nonfinite < t->nsteps) {
        char name[48];
        bs_step_name(name, sizeof name, &t->steps[t->first_nonfinite], nt);
        bs_sink_puts(s, ",\n    \"first_nonfinite\": ");
        str(s, name);
    }
    if (t->directions) {
        bs_sink_puts(s, ",\n    \"directions\": ");
        bs_render_directions_json(s, t, nt, 1);
    }
    bs_sink_printf(s, ",\n    \"strict\": %s,\n    \"agree\": %zu,\n    \"disagree\": %zu,\n"
                      "    \"unresolved\": %zu,\n    \"kinks_consistent\": %zu,\n"
                      "    \"kinks_inconsistent\": %zu",
                   t->opts.strict ? "true" : "false", t->n_agree, t->n_disagree,
                   t->n_unresolved, t->n_kink_ok, t->n_kink_bad);
    if (t->failure.found) {
        const bs_failure *f = &t->failure;
        const bs_step *w = &t->steps[f->step];
        char name[48];
        bs_step_name(name, sizeof name, w, nt);
        bs_sink_printf(s, ",\n    \"%s\": {\"step\": ",
                       t->n_failed ? "failure" : "unresolved_element");
        str(s, name);
        bs_sink_printf(s, ", \"index\": [%zu, %zu], \"verdict\": ", f->index / w->cols + 1,
                       f->index % w->cols + 1);
        str(s, bs_verdict_names[f->verdict]);
        bs_sink_puts(s, ", \"analytic\": ");
        num(s, f->analytic);
        bs_sink_puts(s, ", \"numeric\": ");
        num(s, f->numeric);
        bs_sink_puts(s, ", \"numeric_error\": ");
        num(s, f->numeric_error);
        bs_sink_puts(s, ", \"ratio\": ");
        str(s, f->ratio_name);
        if (f->verdict == BS_V_KINK_BAD) {
            bs_sink_puts(s, ", \"left\": ");
            num(s, f->left);
            bs_sink_puts(s, ", \"right\": ");
            num(s, f->right);
        }
        bs_sink_puts(s, ", \"side\": ");
        str(s, f->side == BS_SIDE_NONE ? NULL : bs_side_names[f->side]);
        if (f->side != BS_SIDE_NONE) {
            bs_sink_puts(s, ", \"steps\": [");
            for (int j = 0; j < BS_SIDE_STEPS; j++) {
                bs_sink_puts(s, j ? ", {\"h\": " : "{\"h\": ");
                num(s, f->h[j]);
                bs_sink_puts(s, ", \"gap\": ");
                num(s, f->gap[j]);
                bs_sink_puts(s, ", \"numeric_error\": ");
                num(s, f->err[j]);
                bs_sink_puts(s, "}");
            }
            bs_sink_puts(s, "]");
        }
        bs_sink_puts(s, "}");
    }
    bs_sink_printf(s, ",\n    \"claims_wrong\": %zu", t->claims_wrong);
    bs_sink_puts(s, ",\n    \"verdict\": ");
    str(s, bs_verdict_word(t));
    bs_sink_printf(s, ",\n    \"passed\": %s\n  }\n", t->passed ? "true" : "false");
}

void bs_render_json(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "{\n  \"backstep\": ");
    str(s, BS_VERSION);
    bs_sink_puts(s, ",\n  \"spec\": {\"file\": ");
    str(s, o->source);
    bs_sink_puts(s, ", \"name\": ");
    str(s, net->name);
    bs_sink_puts(s, ", \"description\": ");
    str(s, net->description);
    bs_sink_puts(s, "},\n  \"notation\": ");
    str(s, bs_notation_names[o->notation]);
    bs_sink_puts(s, ",\n");
    network(s, t);
    params(s, t);
    batch(s, t);
    bs_sink_puts(s, "  \"loss\": ");
    num(s, t->fw->loss);
    bs_sink_puts(s, ",\n  \"data_loss\": ");
    num(s, t->fw->data_loss);
    bs_sink_puts(s, ",\n  \"penalty\": ");
    num(s, t->fw->penalty);
    bs_sink_puts(s, ",\n  \"forward\": {");
    for (size_t i = 0; i < t->first_backward; i++) {
        const bs_step *st = &t->steps[i];
        char name[48];
        bs_step_name(name, sizeof name, st, o->notation);
        bs_sink_printf(s, "%s\n    ", i ? "," : "");
        str(s, name);
        bs_sink_puts(s, ": ");
        matrix(s, st->value, NULL, st->rows, st->cols, "    ");
    }
    bs_sink_puts(s, "\n  },\n  \"steps\": [\n");
    for (size_t i = 0; i < t->nsteps; i++) {
        step(s, t, &t->steps[i], o);
        bs_sink_puts(s, i + 1 < t->nsteps ? ",\n" : "\n");
    }
    bs_sink_puts(s, "  ],\n  \"claims\": [");
    for (size_t i = 0; i < t->nclaims; i++) {
        const bs_claim_result *r = &t->claims[i];
        const bs_step *st = &t->steps[r->step];
        char name[48];
        bs_step_name(name, sizeof name, st, o->notation);
        bs_sink_printf(s, "%s\n    {\"claim\": ", i ? "," : "");
        str(s, r->claim->name);
        bs_sink_puts(s, ", \"step\": ");
        str(s, name);
        bs_sink_printf(s, ", \"agrees\": %s, \"wrong\": %zu, \"max_rel_difference\": ",
                       r->agrees ? "true" : "false", r->n_wrong);
        num(s, r->max_rel);
        bs_sink_printf(s, ", \"worst\": [%zu, %zu], \"values\": ", r->worst / st->cols + 1,
                       r->worst % st->cols + 1);
        matrix(s, r->claim->values, NULL, r->claim->rows, r->claim->cols, "    ");
        bs_sink_puts(s, "}");
    }
    bs_sink_printf(s, "%s],\n", t->nclaims ? "\n  " : "");
    check(s, t, o->notation);
    bs_sink_puts(s, "}\n");
}
