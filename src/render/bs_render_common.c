/* bs_render_common.c — the helpers the renderers share. */
#include "bs_render_common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_directions.h"

const char *const bs_format_names[] = {"text", "json", "markdown", "latex", "html", "dot",
                                       "npz", NULL};

bs_render_opts bs_render_defaults(void)
{
    bs_render_opts o;
    memset(&o, 0, sizeof o);
    o.format = BS_FORMAT_TEXT;
    o.notation = BS_NOTATION_G;
    o.precision = 6;
    o.source = NULL;
    return o;
}

void bs_loss_formula(bs_sink *s, const bs_net *net)
{
    if (net->B == 1)
        bs_sink_puts(s, "L = ℓ(ŷ, y)");
    else if (net->reduction == BS_MEAN)
        bs_sink_puts(s, "L = (1/B) Σ_i ℓ(ŷ_i, y_i)");
    else
        bs_sink_puts(s, "L = Σ_i ℓ(ŷ_i, y_i)");
    if (net->l2 != 0.0)
        bs_sink_puts(s, " + λ Σ_n ‖W[n]‖²");
}

const char *bs_verdict_word(const bs_trace *t)
{
    /* a numerical value that is not finite beside a finite analytic one
     * leaves its element unresolved: the verdict is then "unverified" */
    if (t->first_nonfinite < t->nsteps)
        return "non-finite";
    if (t->passed)
        return "pass";
    return t->unverified ? "unverified" : "fail";
}

double bs_element_rel_error(const bs_step *st, size_t k)
{
    double a = st->value[k], n = st->numeric[k];
    double m = fmax(fabs(a), fabs(n));
    return m == 0.0 ? 0.0 : fabs(a - n) / m;
}

int bs_element_disagrees(const bs_trace *t, const bs_step *st, size_t k)
{
    if (!st->verdict)
        return !(fabs(st->value[k] - st->numeric[k]) <= t->opts.atol ||
                 bs_element_rel_error(st, k) <= t->opts.rtol);
    bs_verdict v = (bs_verdict)st->verdict[k];
    return v == BS_V_DISAGREE || v == BS_V_KINK_BAD ||
           (t->opts.strict && v == BS_V_UNRESOLVED);
}

const char *bs_verdict_mark(const bs_trace *t, const bs_step *st, size_t k)
{
    switch (st->verdict ? (bs_verdict)st->verdict[k] : BS_V_NONE) {
    case BS_V_AGREE: return "✓";
    case BS_V_DISAGREE: return "✗";
    case BS_V_UNRESOLVED: return t->opts.strict ? "✗ unresolved" : "? unresolved";
    case BS_V_KINK_OK: return "✓ kink";
    case BS_V_KINK_BAD: return "✗ kink";
    default: return "";
    }
}

void bs_render_counts(bs_sink *s, size_t agree, size_t disagree, size_t unresolved,
                      size_t kink_ok, size_t kink_bad)
{
    bs_sink_printf(s, "%zu agree, %zu disagree, %zu unresolved", agree, disagree, unresolved);
    if (kink_ok)
        bs_sink_printf(s, ", %zu at a kink (consistent)", kink_ok);
    if (kink_bad)
        bs_sink_printf(s, ", %zu at a kink (inconsistent)", kink_bad);
}

/* "h²" for the order of a method */
static const char *power_of_h(int p)
{
    switch (p) {
    case 1: return "h";
    case 4: return "h⁴";
    default: return "h²";
    }
}

void bs_render_failure(bs_sink *s, const bs_trace *t, bs_notation nt)
{
    const bs_failure *f = &t->failure;
    char name[48], a[40], n[40], e[40];
    if (t->first_nonfinite < t->nsteps) {
        bs_step_name(name, sizeof name, &t->steps[t->first_nonfinite], nt);
        bs_sink_printf(s, "the first non-finite value appears in %s", name);
        return;
    }
    if (t->unverified && t->n_verified == 0)
        bs_sink_puts(s, "nothing was verified: ");
    if (!f->found) {
        if (t->unverified)
            bs_sink_puts(s, t->n_compared ? "no compared element settles the question"
                                          : "no element was compared");
        else if (t->claims_wrong)
            bs_sink_printf(s, "%zu of %zu claims disagree", t->claims_wrong, t->nclaims);
        else
            bs_sink_puts(s, "the check failed");
        return;
    }
    const bs_step *st = &t->steps[f->step];
    bs_step_name(name, sizeof name, st, nt);
    bs_fmt_num(a, sizeof a, f->analytic, 17);
    bs_fmt_num(n, sizeof n, f->numeric, 17);
    bs_fmt_num(e, sizeof e, f->numeric_error, 2);
    bs_sink_printf(s, "%s[%zu,%zu]: analytic %s, numeric %s ± %s", name, f->index / st->cols + 1,
                   f->index % st->cols + 1, a, n, e);
    if (isfinite(f->analytic) && isfinite(f->numeric)) {
        double m = fmax(fabs(f->analytic), fabs(f->numeric));
        bs_sink_printf(s, ", relative error %.2g", m > 0 ? fabs(f->analytic - f->numeric) / m : 0.0);
    }
    if (f->ratio_name) {
        static const struct {
            const char *name, *words;
        } meaning[] = {{"-1", "the sign is flipped"},
                       {"2", "twice the numeric value"},
                       {"1/2", "half the numeric value"},
                       {"B", "B times the numeric value: a 1/B missing?"},
                       {"1/B", "1/B times the numeric value: a 1/B too many?"}};
        for (size_t i = 0; i < sizeof meaning / sizeof meaning[0]; i++)
            if (strcmp(meaning[i].name, f->ratio_name) == 0)
                bs_sink_printf(s, "; analytic/numeric = %s (%s)", f->ratio_name,
                               meaning[i].words);
    }
    if (f->verdict == BS_V_KINK_BAD) {
        char l[40], r[40];
        bs_fmt_num(l, sizeof l, f->left, 6);
        bs_fmt_num(r, sizeof r, f->right, 6);
        bs_sink_printf(s, "; at a kink (a step moves a relu pre-activation across 0): the "
                          "one-sided differences are %s (left) and %s (right), and the "
                          "analytic value is not between them, so it is no subgradient",
                       l, r);
    } else if (f->side == BS_SIDE_NUMERIC && !isfinite(f->numeric)) {
        bs_sink_puts(s, "; the numeric estimate is unreliable at this element, not the analytic "
                        "value: the loss is not finite at x ± h");
    } else if (f->side == BS_SIDE_NUMERIC) {
        bs_sink_puts(s, "; the numeric estimate is unreliable at this element, not the analytic "
                        "value: the step moves a pre-activation by more than its own size, or "
                        "the numerical value does not settle as h shrinks (the loss saturates "
                        "or overflows around this point)");
        for (int j = 0; j < BS_SIDE_STEPS; j++) {
            char v[40], h[40];
            bs_fmt_num(v, sizeof v, f->num[j], 3);
            bs_fmt_num(h, sizeof h, f->h[j], 2);
            bs_sink_printf(s, "%s%s at h = %s", j ? ", " : ": numeric ", v, h);
        }
    } else if (f->side != BS_SIDE_NONE) {
        const char *hint = "";
        if (f->verdict == BS_V_UNRESOLVED)
            bs_sink_puts(s, "; the error bar is too wide to decide");
        switch (f->side) {
        case BS_SIDE_ANALYTIC:
            bs_sink_puts(s, "; the analytic side is wrong: |analytic − numeric| stays the "
                            "same as h shrinks");
            break;
        case BS_SIDE_STEP:
            bs_sink_printf(s, "; the step was too large: |analytic − numeric| shrinks like %s "
                              "as h shrinks",
                           power_of_h(f->order));
            hint = " (a smaller --epsilon agrees better)";
            break;
        case BS_SIDE_ROUNDING:
            bs_sink_puts(s, "; rounding error on the numeric side: |analytic − numeric| grows "
                            "as h shrinks, or stays within the numeric error bar");
            hint = " (try a larger --epsilon or --method complex)";
            break;
        default:
            bs_sink_puts(s, "; unclear which side is wrong: |analytic − numeric| follows no "
                            "clear pattern as h shrinks");
            break;
        }
        for (int j = 0; j < BS_SIDE_STEPS; j++) {
            char g[40], h[40];
            bs_fmt_num(g, sizeof g, f->gap[j], 2);
            bs_fmt_num(h, sizeof h, f->h[j], 2);
            bs_sink_printf(s, "%s%s at h = %s", j ? ", " : ": ", g, h);
        }
        bs_sink_puts(s, hint);
    }
    if (t->n_failed)
        bs_sink_printf(s, " (%zu of %zu compared elements fail)", t->n_failed, t->n_compared);
    else
        bs_sink_printf(s, " (%zu of %zu compared elements unresolved%s)", t->n_unresolved,
                       t->n_compared, t->opts.strict ? "" : "; a pass needs every one resolved");
}

size_t bs_check_rows(const bs_trace *t, const bs_step *st, int worst_first, size_t limit,
                     size_t *idx)
{
    size_t count = st->rows * st->cols, n = 0;
    if (!worst_first) {
        for (size_t k = 0; k < count && n < limit; k++)
            if (st->compared[k])
                idx[n++] = k;
        return n;
    }
    /* pass 0: the worst; pass 1: the other failures; pass 2: the others */
    for (int pass = 0; pass < 3 && n < limit; pass++)
        for (size_t k = 0; k < count && n < limit; k++) {
            if (!st->compared[k])
                continue;
            int bad = bs_element_disagrees(t, st, k);
            int pick = pass == 0   ? k == st->worst
                       : pass == 1 ? bad && k != st->worst
                                   : !bad && k != st->worst;
            if (pick)
                idx[n++] = k;
        }
    return n;
}

void bs_render_verdict(bs_sink *s, const bs_trace *t, bs_notation nt)
{
    char num[32], tot[32], rel[32], name[48];
    const char *word = bs_verdict_word(t);
    int pass = strcmp(word, "pass") == 0;
    if (s->color)
        bs_sink_puts(s, pass ? "\033[32m" : "\033[31m");
    bs_sink_puts(s, pass                              ? "PASS"
                    : strcmp(word, "fail") == 0       ? "FAIL"
                    : strcmp(word, "unverified") == 0 ? "UNVERIFIED"
                                                      : "NON-FINITE");
    if (s->color)
        bs_sink_puts(s, "\033[0m");
    if (t->first_nonfinite < t->nsteps) {
        bs_step_name(name, sizeof name, &t->steps[t->first_nonfinite], nt);
        bs_sink_printf(s, "  the first non-finite value appears in %s", name);
        return;
    }
    bs_fmt_count(num, sizeof num, t->n_compared);
    bs_fmt_count(tot, sizeof tot, t->n_elements);
    snprintf(rel, sizeof rel, "%.2g", t->max_rel_error);
    const bs_step *w = &t->steps[t->worst_step];
    bs_step_name(name, sizeof name, w, nt);
    bs_sink_printf(s, "  %s of %s elements compared (%s)", num, tot,
                   bs_method_names[t->opts.method]);
    if (t->n_agree != t->n_compared) {
        bs_sink_puts(s, ": ");
        bs_render_counts(s, t->n_agree, t->n_disagree, t->n_unresolved, t->n_kink_ok,
                         t->n_kink_bad);
        bs_sink_puts(s, ";");
    } else {
        bs_sink_puts(s, ",");
    }
    bs_sink_printf(s, " largest relative error %s", rel);
    if (t->n_compared > 0 && t->max_rel_error > 0)
        bs_sink_printf(s, " at %s[%zu,%zu]", name, t->worst_index / w->cols + 1,
                       t->worst_index % w->cols + 1);
    if (t->n_nonfinite)
        bs_sink_printf(s, "; %zu non-finite", t->n_nonfinite);
    if (t->sampled)
        bs_sink_puts(s, "; large steps sampled, --full compares all");
    if (t->directions && t->directions->n_failed == 0) {
        const bs_directions *d = t->directions;
        if (d->n_unresolved)
            bs_sink_printf(s, "; %zu weight and bias matrices × %zu random directions: none "
                              "fails, %zu unresolved (their matrices checked element by element)",
                           d->count, d->n, d->n_unresolved);
        else
            bs_sink_printf(s, "; %zu weight and bias matrices × %zu random directions agree",
                           d->count, d->n);
    } else if (t->directions) {
        size_t shown = 0;
        for (size_t i = 0; i < t->directions->count; i++) {
            const bs_dir_matrix *m = &t->directions->m[i];
            if (!m->n_failed)
                continue;
            bs_step_name(name, sizeof name, &t->steps[m->step], nt);
            bs_sink_printf(s, "%s %s fails along %zu of %zu random directions",
                           shown ? "," : ";", name, m->n_failed, m->n);
            shown++;
        }
        bs_sink_puts(s, ", checked element by element");
    }
    if (t->opts.strict)
        bs_sink_puts(s, "; strict");
    if (t->nclaims > 0 && t->claims_wrong == 0)
        bs_sink_printf(s, "; %zu claim%s agree%s", t->nclaims, t->nclaims == 1 ? "" : "s",
                       t->nclaims == 1 ? "s" : "");
    else if (t->nclaims > 0)
        bs_sink_printf(s, "; %zu of %zu claims disagree", t->claims_wrong, t->nclaims);
}

void bs_render_directions_json(bs_sink *s, const bs_trace *t, bs_notation nt, int detail)
{
    const bs_directions *d = t->directions;
    if (!d) {
        bs_sink_puts(s, "null");
        return;
    }
    bs_sink_printf(s, "{\"per_matrix\": %zu, \"seed\": \"0x%016llx\", \"failed\": %zu, "
                      "\"unresolved\": %zu, \"matrices\": [",
                   d->n, (unsigned long long)BS_DIR_SEED, d->n_failed, d->n_unresolved);
    for (size_t i = 0; i < d->count; i++) {
        const bs_dir_matrix *m = &d->m[i];
        char name[48];
        bs_step_name(name, sizeof name, &t->steps[m->step], nt);
        bs_sink_puts(s, i ? ", {\"step\": " : "{\"step\": ");
        bs_sink_json_string(s, name);
        bs_sink_printf(s, ", \"trace_index\": %zu, \"entries\": %zu, \"agree\": %zu, "
                          "\"disagree\": %zu, \"unresolved\": %zu, \"kinks_consistent\": %zu, "
                          "\"kinks_inconsistent\": %zu, \"failed\": %zu, \"max_rel_error\": ",
                       m->step, m->count, m->n_agree, m->n_disagree, m->n_unresolved,
                       m->n_kink_ok, m->n_kink_bad, m->n_failed);
        bs_sink_json_number(s, m->max_rel_error);
        bs_sink_printf(s, ", \"worst\": %zu, \"elementwise\": %s", m->worst + 1,
                       m->elementwise ? "true" : "false");
        if (detail) {
            bs_sink_puts(s, ", \"directions\": [");
            for (size_t j = 0; j < m->n; j++) {
                const bs_dir_one *o = &m->dir[j];
                bs_sink_puts(s, j ? ", {\"analytic\": " : "{\"analytic\": ");
                bs_sink_json_number(s, o->analytic);
                bs_sink_puts(s, ", \"numeric\": ");
                bs_sink_json_number(s, o->num.value);
                bs_sink_puts(s, ", \"numeric_error\": ");
                bs_sink_json_number(s, o->num.error);
                bs_sink_puts(s, ", \"step\": ");
                bs_sink_json_number(s, o->num.step);
                bs_sink_puts(s, ", \"verdict\": ");
                bs_sink_json_string(s, bs_verdict_names[o->verdict]);
                bs_sink_puts(s, "}");
            }
            bs_sink_puts(s, "]");
        }
        bs_sink_puts(s, "}");
    }
    bs_sink_puts(s, "]}");
}

int bs_render_program_line(bs_sink *s, const bs_trace *t, const bs_step *st, bs_notation nt,
                           int precision)
{
    double v;
    if (nt != BS_NOTATION_CODE || !bs_step_program_value(t, st, 0, &v))
        return 0;
    char name[24], num[40];
    bs_step_name(name, sizeof name, st, nt);
    bs_fmt_operand(num, sizeof num, v, precision, 0);
    if (st->qty == BS_Q_W && st->has_l2) {
        char a[24], W[24], gz[24];
        bs_name_var(a, sizeof a, BS_Q_A, st->layer - 1, nt);
        bs_name_var(W, sizeof W, BS_Q_W, st->layer, nt);
        bs_name_grad(gz, sizeof gz, BS_Q_Z, st->layer, nt);
        bs_sink_printf(s, "handout 002's program holds %zu × (%s)ᵀ · %s + 2λ %s in %s: it never "
                          "divides by B (Notes 2–5), so there %s[1,1] = %s",
                       t->net->B, a, gz, W, name, name, num);
    } else {
        bs_sink_printf(s, "handout 002's program holds B = %zu times this in %s: it never divides "
                          "by B (Notes 2–4), so there %s[1,1] = %s",
                       t->net->B, name, name, num);
    }
    return 1;
}
