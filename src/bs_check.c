/* bs_check.c — comparing every backward step with its numerical gradient. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_numeric.h"
#include "bs_rng.h"
#include "bs_trace.h"

/* The seed of the sample of elements checked in large steps: "backstep" in
 * ASCII; stream s is the step's index in the trace. */
#define SAMPLE_SEED UINT64_C(0x6261636b73746570)

bs_check_opts bs_check_defaults(bs_method method)
{
    bs_check_opts o;
    memset(&o, 0, sizeof o);
    o.method = method;
    o.epsilon = 0.0;
    if (method == BS_METHOD_COMPLEX) {
        o.rtol = 1e-11;
        o.atol = 1e-14;
    } else {
        o.rtol = 1e-6;
        o.atol = 1e-9;
    }
    o.full = 0;
    o.sample = 25;
    o.full_below = 100;
    return o;
}

/* Marks which elements of a step to compare: all of them, or the one with
 * the largest |analytic| value and others drawn at random, `sample` in all. */
static size_t choose(const bs_step *s, size_t index, const bs_check_opts *o,
                     unsigned char *mark)
{
    size_t count = s->rows * s->cols;
    if (o->full || count <= o->full_below || count <= o->sample) {
        memset(mark, 1, count);
        return count;
    }
    memset(mark, 0, count);
    size_t big = 0;
    for (size_t k = 1; k < count; k++)
        if (fabs(s->value[k]) > fabs(s->value[big]))
            big = k;
    mark[big] = 1;
    size_t chosen = 1;
    bs_rng r = bs_rng_stream(SAMPLE_SEED, index);
    while (chosen < o->sample) {
        size_t k = (size_t)bs_rng_below(&r, count);
        if (!mark[k]) {
            mark[k] = 1;
            chosen++;
        }
    }
    return chosen;
}

/* |a − n| / max(|a|, |n|), 0 when both are 0 */
static double rel_error(double a, double n)
{
    double m = fmax(fabs(a), fabs(n));
    return m == 0.0 ? 0.0 : fabs(a - n) / m;
}

static bs_status nomem(bs_error *err)
{
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}

/* The stored entry behind displayed element d of a step. */
static size_t stored_index(const bs_step *s, size_t d)
{
    if (!s->transposed)
        return d;
    size_t r = d / s->cols, c = d % s->cols;
    return c * s->rows + r;
}

bs_status bs_trace_check(bs_trace *t, const bs_check_opts *opts, bs_error *err)
{
    bs_check_opts o = opts ? *opts : bs_check_defaults(BS_METHOD_CENTRAL);
    bs_check_opts def = bs_check_defaults(o.method);
    if (o.rtol < 0)
        o.rtol = def.rtol;
    if (o.atol < 0)
        o.atol = def.atol;
    if (o.sample == 0)
        o.sample = def.sample;
    t->opts = o;
    t->n_elements = t->n_compared = t->n_failed = t->n_nonfinite = 0;
    t->max_rel_error = 0.0;
    t->worst_step = t->first_backward;
    t->worst_index = 0;
    t->sampled = 0;
    /* phase 1: choose the elements and compute their numerical values */
    size_t total = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        bs_step *s = &t->steps[si];
        size_t count = s->rows * s->cols;
        free(s->compared);
        free(s->numeric);
        free(s->numeric_error);
        s->compared = malloc(count);
        s->numeric = malloc(sizeof(double) * count);
        s->numeric_error = malloc(sizeof(double) * count);
        if (!s->compared || !s->numeric || !s->numeric_error)
            return nomem(err);
        s->n_compared = choose(s, si, &o, s->compared);
        total += s->n_compared;
    }
    bs_numeric_item *items = malloc(sizeof *items * (total ? total : 1));
    if (!items)
        return nomem(err);
    size_t n = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        const bs_step *s = &t->steps[si];
        for (size_t d = 0; d < s->rows * s->cols; d++)
            if (s->compared[d]) {
                items[n].q = s->qty;
                items[n].layer = s->layer;
                items[n].k = stored_index(s, d);
                n++;
            }
    }
    bs_status st = bs_numeric_run(t->net, t->fw, o.method, o.epsilon, items, n, o.progress,
                                  o.progress_ctx, err);
    if (st != BS_OK) {
        free(items);
        return st;
    }
    /* phase 2: the verdict, element by element */
    n = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        bs_step *s = &t->steps[si];
        size_t count = s->rows * s->cols;
        if (s->n_compared < count)
            t->sampled = 1;
        s->n_failed = s->n_nonfinite = 0;
        s->max_rel_error = s->max_abs_error = 0.0;
        s->worst = 0;
        for (size_t d = 0; d < count; d++) {
            s->numeric[d] = NAN;
            s->numeric_error[d] = NAN;
            if (!s->compared[d])
                continue;
            double nv = items[n].value, a = s->value[d];
            s->numeric[d] = nv;
            s->numeric_error[d] = items[n].error;
            n++;
            if (!isfinite(a) || !isfinite(nv)) {
                s->n_nonfinite++;
                s->n_failed++;
                continue;
            }
            double rel = rel_error(a, nv), abs_e = fabs(a - nv);
            if (!(abs_e <= o.atol || rel <= o.rtol))
                s->n_failed++;
            if (rel > s->max_rel_error) {
                s->max_rel_error = rel;
                s->worst = d;
            }
            if (abs_e > s->max_abs_error)
                s->max_abs_error = abs_e;
        }
        s->passed = s->n_failed == 0;
        t->n_elements += count;
        t->n_compared += s->n_compared;
        t->n_failed += s->n_failed;
        t->n_nonfinite += s->n_nonfinite;
        if (s->max_rel_error > t->max_rel_error) {
            t->max_rel_error = s->max_rel_error;
            t->worst_step = si;
            t->worst_index = s->worst;
        }
    }
    free(items);
    t->checked = 1;
    t->passed = t->n_failed == 0 && t->first_nonfinite == t->nsteps && t->claims_wrong == 0;
    return BS_OK;
}
