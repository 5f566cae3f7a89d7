/* bs_check.c — comparing every backward step with its numerical gradient:
 * agree, disagree, unresolved or a kink, and which side is wrong. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_check.h"
#include "bs_directions.h"
#include "bs_numeric.h"
#include "bs_rng.h"
#include "bs_trace.h"
#include "bs_verdict.h"

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
    } else if (method == BS_METHOD_FORWARD) {
        o.rtol = 1e-5;
        o.atol = 1e-8;
    } else if (method == BS_METHOD_RICHARDSON) {
        o.rtol = 1e-8;
        o.atol = 1e-11;
    } else {
        o.rtol = 1e-6;
        o.atol = 1e-9;
    }
    o.full = 0;
    o.sample = 25;
    o.full_below = 100;
    return o;
}

double bs_check_min_step(bs_method m)
{
    switch (m) {
    case BS_METHOD_COMPLEX: return DBL_MIN / DBL_EPSILON;
    case BS_METHOD_FORWARD: return 1e-3 * sqrt(DBL_EPSILON);
    case BS_METHOD_RICHARDSON: return 1e-3 * pow(DBL_EPSILON, 0.2);
    default: return 1e-3 * cbrt(DBL_EPSILON);
    }
}

bs_status bs_check_validate_step(bs_method m, double h, bs_error *err)
{
    static const char *const what[] = {"central differences", "the complex step",
                                       "forward differences", "Richardson extrapolation"};
    if (h == 0.0)
        return BS_OK;
    if (!isfinite(h) || !(h > 0))
        return bs_error_set(err, BS_ERR_USAGE, NULL, "the step h must be a positive number");
    double lo = bs_check_min_step(m);
    if (h < lo) {
        if (m == BS_METHOD_COMPLEX)
            return bs_error_set(err, BS_ERR_USAGE, NULL,
                                "too small a step for %s: below %.2g (DBL_MIN/ε) Im L(x + ih) "
                                "underflows and loses its digits",
                                what[m], lo);
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "too small a step for %s: below %.2g (1e-3 of the default step) "
                            "the rounding of the loss swamps every difference, nothing can be "
                            "verified",
                            what[m], lo);
    }
    return BS_OK;
}

bs_status bs_check_validate_tolerances(double rtol, double atol, bs_error *err)
{
    if (rtol >= 1.0 || isnan(rtol))
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "the relative tolerance must be below 1 (at 1 any value agrees "
                            "with 0, above it with values of the opposite sign)");
    if (atol > BS_MAX_ATOL || isnan(atol))
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "the absolute tolerance must be at most %g (above it whole "
                            "gradients agree with their negation)",
                            BS_MAX_ATOL);
    return BS_OK;
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

/* How badly a failed element fails, to find the worst: infinite when not
 * finite, the relative error, or at a kink the distance outside the
 * one-sided differences relative to the largest of the values. */
static double badness(const bs_step *s, size_t d)
{
    double a = s->value[d], nv = s->numeric[d];
    if (!isfinite(a) || !isfinite(nv))
        return INFINITY;
    if (s->verdict[d] == BS_V_KINK_BAD) {
        double lo = fmin(s->left[d], s->right[d]), hi = fmax(s->left[d], s->right[d]);
        double m = fmax(fabs(a), fmax(fabs(lo), fabs(hi)));
        double out = a < lo ? lo - a : a - hi;
        return m > 0 && isfinite(out) ? out / m : INFINITY;
    }
    return bs_rel_error(a, nv);
}

/* The name of analytic/numeric when it is within 1e-3 of a telling
 * constant: −1, 2, 1/2, B or 1/B (B > 1), or NULL. */
static const char *telling_ratio(double ratio, size_t B)
{
    static const char *const names[] = {"-1", "2", "1/2", "B", "1/B"};
    double values[] = {-1.0, 2.0, 0.5, (double)B, 1.0 / (double)B};
    if (!isfinite(ratio))
        return NULL;
    for (int i = 0; i < 5; i++) {
        if (i >= 3 && B < 2)
            break;
        if (fabs(ratio - values[i]) <= 1e-3 * fabs(values[i]))
            return names[i];
    }
    return NULL;
}

/* Which side is wrong, from the gaps |a − D(h_j)| at h_j = h·4^−j and the
 * numeric error bars err_j there: the slope
 * s_j = log₄(gap_j / gap_{j+1}) is about p where truncation dominates (the
 * gap shrinks like h^p), about 0 where the analytic value is off by a fixed
 * amount, and about −1 where rounding dominates (the gap grows like 1/h). */
static bs_side classify(const double *gap, const double *err, int p)
{

    double s[BS_SIDE_STEPS - 1];
    for (int j = 0; j + 1 < BS_SIDE_STEPS; j++) {
        if (gap[j + 1] == 0.0)
            s[j] = gap[j] == 0.0 ? 0.0 : INFINITY;
        else if (gap[j] == 0.0)
            s[j] = -INFINITY;
        else
            s[j] = log(gap[j] / gap[j + 1]) / log(4.0);
    }
    int last = BS_SIDE_STEPS - 2;
    int above = gap[BS_SIDE_STEPS - 1] > err[BS_SIDE_STEPS - 1];
    if (fabs(s[last]) <= 0.3 && fabs(s[last - 1]) <= 0.3 && above)
        return BS_SIDE_ANALYTIC;
    double total = 0.0;
    for (int j = 0; j <= last; j++)
        total += s[j];
    total /= last + 1;
    if (s[0] >= p - 0.5 || total >= p - 0.5)
        return BS_SIDE_STEP;
    /* a gap that does not shrink and stays within the numeric error bar at
     * every step is rounding noise: the loss does not change measurably */
    int noise = 1;
    for (int j = 0; j < BS_SIDE_STEPS; j++)
        noise &= gap[j] <= err[j];
    if (noise)
        return BS_SIDE_ROUNDING;
    if (total <= -0.5)
        return BS_SIDE_ROUNDING;
    double lo = gap[0], hi = gap[0];
    for (int j = 1; j < BS_SIDE_STEPS; j++) {
        lo = fmin(lo, gap[j]);
        hi = fmax(hi, gap[j]);
    }
    if (lo > 0 && hi <= 2.0 * lo && above)
        return BS_SIDE_ANALYTIC;
    return BS_SIDE_UNCLEAR;
}

/* Finds the failed element that decides the check (when nothing fails, the
 * worst unresolved element) and, unless it sits at a kink or is not finite,
 * re-evaluates it at h, h/4, h/16 and h/64 (h: the step it was compared at)
 * to tell which side is wrong. */
static bs_status analyse_failure(bs_trace *t, const bs_numeric_item *items,
                                 const bs_check_opts *o, bs_error *err)
{
    bs_failure *f = &t->failure;
    memset(f, 0, sizeof *f);
    f->ratio = f->left = f->right = NAN;
    for (int j = 0; j < BS_SIDE_STEPS; j++)
        f->h[j] = f->gap[j] = f->err[j] = f->num[j] = NAN;
    double worst = -1.0;
    const bs_numeric_item *wit = NULL;
    for (int pass = 0; pass < 2 && !f->found; pass++) {
        size_t n = 0;
        for (size_t si = t->first_backward; si < t->nsteps; si++) {
            const bs_step *s = &t->steps[si];
            for (size_t d = 0; d < s->rows * s->cols; d++) {
                if (!s->compared[d])
                    continue;
                const bs_numeric_item *it = &items[n++];
                bs_verdict v = (bs_verdict)s->verdict[d];
                if (pass == 0 ? !bs_check_fails(v, o) : v != BS_V_UNRESOLVED)
                    continue;
                double b = badness(s, d);
                if (!f->found || b > worst) {
                    f->found = 1;
                    worst = b;
                    f->step = si;
                    f->index = d;
                    wit = it;
                }
            }
        }
    }
    if (!f->found)
        return BS_OK;
    const bs_step *s = &t->steps[f->step];
    size_t d = f->index;
    f->verdict = (bs_verdict)s->verdict[d];
    f->analytic = s->value[d];
    f->numeric = s->numeric[d];
    f->numeric_error = s->numeric_error[d];
    f->left = s->left[d];
    f->right = s->right[d];
    f->order = bs_numeric_order(o->method);
    if (isfinite(f->analytic) && isfinite(f->numeric) && f->numeric != 0.0) {
        f->ratio_name = telling_ratio(f->analytic / f->numeric, t->net->B);
        if (f->ratio_name)
            f->ratio = f->analytic / f->numeric;
    }
    if (isfinite(f->analytic) && !isfinite(f->numeric)) {
        f->side = BS_SIDE_NUMERIC;
        return BS_OK;
    }
    if (f->verdict == BS_V_KINK_BAD || !isfinite(f->analytic) || !(wit->step > 0))
        return BS_OK;
    bs_numeric *nm = NULL;
    bs_status st = bs_numeric_create(t->net, t->fw, &nm, err);
    if (st != BS_OK)
        return st;
    for (int j = 0; j < BS_SIDE_STEPS; j++) {
        bs_numeric_item it = *wit;
        f->h[j] = wit->step * pow(0.25, j);
        bs_numeric_derivative(nm, o->method, f->h[j], &it);
        f->num[j] = it.value;
        f->gap[j] = fabs(f->analytic - it.value);
        f->err[j] = it.error;
    }
    bs_numeric_free(nm);
    f->side = bs_verdict_settles(f->num) && !bs_verdict_step_too_far(t, wit)
                  ? classify(f->gap, f->err, f->order)
                  : BS_SIDE_NUMERIC;
    return BS_OK;
}

/* The options with the method's defaults filled in, validated. */
static bs_status resolve_opts(const bs_check_opts *opts, bs_check_opts *o, bs_error *err)
{
    *o = opts ? *opts : bs_check_defaults(BS_METHOD_CENTRAL);
    bs_check_opts def = bs_check_defaults(o->method);
    if (o->rtol < 0)
        o->rtol = def.rtol;
    if (o->atol < 0)
        o->atol = def.atol;
    if (o->sample == 0)
        o->sample = def.sample;
    bs_status vs = bs_check_validate_step(o->method, o->epsilon, err);
    if (vs == BS_OK)
        vs = bs_check_validate_tolerances(o->rtol, o->atol, err);
    return vs;
}

/* Phase 1: the per-element arrays of every backward step, and which elements
 * are compared (all, a sample, or along directions); *total counts them. */
static bs_status choose_elements(bs_trace *t, const bs_check_opts *o, size_t *total,
                                 bs_error *err)
{
    *total = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        bs_step *s = &t->steps[si];
        size_t count = s->rows * s->cols;
        free(s->compared);
        free(s->numeric);
        free(s->numeric_error);
        free(s->verdict);
        free(s->left);
        free(s->right);
        s->compared = malloc(count);
        s->verdict = malloc(count);
        s->numeric = malloc(sizeof(double) * count);
        s->numeric_error = malloc(sizeof(double) * count);
        s->left = malloc(sizeof(double) * count);
        s->right = malloc(sizeof(double) * count);
        if (!s->compared || !s->verdict || !s->numeric || !s->numeric_error || !s->left ||
            !s->right)
            return nomem(err);
        const bs_dir_matrix *dm = bs_directions_find(t->directions, si);
        if (dm) {
            /* checked along directions: element by element only when one failed */
            memset(s->compared, dm->elementwise, count);
            s->n_compared = dm->elementwise ? count : 0;
        } else {
            s->n_compared = choose(s, si, o, s->compared);
        }
        *total += s->n_compared;
    }
    return BS_OK;
}

/* The work list of the numerical check: one item per compared element, in
 * step order, *count of them; NULL when out of memory.  The caller frees it. */
static bs_numeric_item *list_items(const bs_trace *t, size_t total, size_t *count)
{
    bs_numeric_item *items = malloc(sizeof *items * (total ? total : 1));
    if (!items)
        return NULL;
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
    *count = n;
    return items;
}

/* Phase 2 for step si: the verdict, element by element, from the items
 * starting at *n (advanced past them), and the step's counts added to the
 * trace's.  A disagreement stands only where the numerical derivative
 * settles as h shrinks (item_settles), else the numerical side is what
 * cannot be trusted: unresolved.  *probe is created when first needed. */
static bs_status judge_step(bs_trace *t, size_t si, const bs_numeric_item *items, size_t *n,
                            const bs_check_opts *o, bs_numeric **probe, bs_error *err)
{
    bs_step *s = &t->steps[si];
    size_t count = s->rows * s->cols;
    if (s->n_compared < count && !bs_directions_find(t->directions, si))
        t->sampled = 1;
    s->n_failed = s->n_nonfinite = 0;
    s->n_agree = s->n_disagree = s->n_unresolved = s->n_kink_ok = s->n_kink_bad = 0;
    s->max_rel_error = s->max_abs_error = 0.0;
    s->worst = 0;
    for (size_t d = 0; d < count; d++) {
        s->numeric[d] = NAN;
        s->numeric_error[d] = NAN;
        s->left[d] = s->right[d] = NAN;
        s->verdict[d] = BS_V_NONE;
        if (!s->compared[d])
            continue;
        const bs_numeric_item *it = &items[(*n)++];
        double nv = it->value, a = s->value[d];
        s->numeric[d] = nv;
        s->numeric_error[d] = it->error;
        if (it->kink) {
            s->left[d] = it->left;
            s->right[d] = it->right;
        }
        bs_verdict v = bs_check_judge(a, it, o);
        if (v == BS_V_DISAGREE) {
            if (!*probe && bs_numeric_create(t->net, t->fw, probe, err) != BS_OK)
                return err ? err->status : BS_ERR_NOMEM;
            v = bs_check_verdict(t, *probe, a, it, o);
        }
        s->verdict[d] = (unsigned char)v;
        if (!isfinite(a) || !isfinite(nv))
            s->n_nonfinite++;
        switch (v) {
        case BS_V_AGREE: s->n_agree++; break;
        case BS_V_DISAGREE: s->n_disagree++; break;
        case BS_V_UNRESOLVED: s->n_unresolved++; break;
        case BS_V_KINK_OK: s->n_kink_ok++; break;
        default: s->n_kink_bad++; break;
        }
        if (bs_check_fails(v, o))
            s->n_failed++;
        if (it->kink || !isfinite(a) || !isfinite(nv))
            continue;
        double rel = bs_rel_error(a, nv), abs_e = fabs(a - nv);
        if (rel > s->max_rel_error) {
            s->max_rel_error = rel;
            s->worst = d;
        }
        if (abs_e > s->max_abs_error)
            s->max_abs_error = abs_e;
    }
    /* as for the whole check: something verified, nothing unresolved */
    s->passed = s->n_failed == 0 && s->n_unresolved == 0 && s->n_agree + s->n_kink_ok > 0;
    t->n_elements += count;
    t->n_compared += s->n_compared;
    t->n_failed += s->n_failed;
    t->n_nonfinite += s->n_nonfinite;
    t->n_agree += s->n_agree;
    t->n_disagree += s->n_disagree;
    t->n_unresolved += s->n_unresolved;
    t->n_kink_ok += s->n_kink_ok;
    t->n_kink_bad += s->n_kink_bad;
    if (s->max_rel_error > t->max_rel_error) {
        t->max_rel_error = s->max_rel_error;
        t->worst_step = si;
        t->worst_index = s->worst;
    }
    return BS_OK;
}

/* The verdict of the check (docs/numerics.md, "The verdict of a check"): a
 * pass needs something verified and nothing unresolved. */
static void decide(bs_trace *t)
{
    size_t dir_unresolved = 0;
    t->n_verified = t->n_agree + t->n_kink_ok;
    if (t->directions)
        for (size_t i = 0; i < t->directions->count; i++) {
            const bs_dir_matrix *m = &t->directions->m[i];
            t->n_verified += m->n_agree + m->n_kink_ok;
            /* a matrix checked element by element is judged by its elements */
            if (!m->elementwise)
                dir_unresolved += m->n_unresolved;
        }
    int failed = t->n_failed > 0 || t->first_nonfinite < t->nsteps || t->claims_wrong > 0 ||
                 (t->directions && t->directions->n_failed > 0);
    t->unverified = !failed && (t->n_verified == 0 || t->n_unresolved > 0 || dir_unresolved > 0);
    t->passed = !failed && !t->unverified;
}

bs_status bs_trace_check(bs_trace *t, const bs_check_opts *opts, bs_error *err)
{
    bs_check_opts o;
    bs_status st = resolve_opts(opts, &o, err);
    if (st != BS_OK)
        return st;
    t->opts = o;
    t->n_elements = t->n_compared = t->n_failed = t->n_nonfinite = 0;
    t->n_agree = t->n_disagree = t->n_unresolved = t->n_kink_ok = t->n_kink_bad = 0;
    t->max_rel_error = 0.0;
    t->worst_step = t->first_backward;
    t->worst_index = 0;
    t->sampled = 0;
    bs_directions_free(t->directions);
    t->directions = NULL;
    if (o.directions > 0) {
        st = bs_directions_run(t, &o, o.directions, &t->directions, err);
        t->directions_free = bs_directions_free;
        if (st != BS_OK)
            return st;
    }
    size_t total, listed;
    if ((st = choose_elements(t, &o, &total, err)) != BS_OK)
        return st;
    bs_numeric_item *items = list_items(t, total, &listed);
    if (!items)
        return nomem(err);
    bs_numeric_speed speed = {o.plain, o.threads};
    st = bs_numeric_run(t->net, t->fw, o.method, o.epsilon, &speed, items, listed, o.progress,
                        o.progress_ctx, err);
    bs_numeric *probe = NULL;
    size_t n = 0;
    for (size_t si = t->first_backward; st == BS_OK && si < t->nsteps; si++)
        st = judge_step(t, si, items, &n, &o, &probe, err);
    bs_numeric_free(probe);
    if (st == BS_OK)
        st = analyse_failure(t, items, &o, err);
    free(items);
    if (st != BS_OK)
        return st;
    t->checked = 1;
    decide(t);
    return BS_OK;
}
