/* bs_directions.c — the directional check of the parameter matrices. */
#include "bs_directions.h"
#include "bs_verdict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_parallel.h"
#include "bs_rng.h"

void bs_directions_draw(size_t s, size_t j, size_t count, double *v)
{
    bs_rng r = bs_rng_stream(BS_DIR_SEED, (UINT64_C(1) << 32) * (1 + (uint64_t)s) + j);
    /* Marsaglia's polar method as in bs_rng_normal, keeping both deviates
     * of each accepted pair: half the logarithms */
    for (size_t i = 0; i < count;) {
        double a = 2.0 * bs_rng_uniform(&r) - 1.0;
        double b = 2.0 * bs_rng_uniform(&r) - 1.0;
        double s2 = a * a + b * b;
        if (!(s2 > 0.0 && s2 < 1.0))
            continue;
        double f = sqrt(-2.0 * bs_rng_log(s2) / s2);
        v[i++] = a * f;
        if (i < count)
            v[i++] = b * f;
    }
    double sq = 0.0;
    for (size_t i = 0; i < count; i++)
        sq += v[i] * v[i];
    double norm = sqrt(sq);
    for (size_t i = 0; i < count; i++)
        v[i] /= norm;
}

void bs_directions_free(bs_directions *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        free(d->m[i].dir);
    free(d->m);
    free(d);
}

const bs_dir_matrix *bs_directions_find(const bs_directions *d, size_t s)
{
    if (!d)
        return NULL;
    for (size_t i = 0; i < d->count; i++)
        if (d->m[i].step == s)
            return &d->m[i];
    return NULL;
}

/* g·v, g the step's analytic values in displayed orientation and v over the
 * stored entries: Σ over the displayed elements in row-major order */
static double projection(const bs_step *st, const double *v)
{
    double sum = 0.0;
    for (size_t d = 0; d < st->rows * st->cols; d++) {
        size_t k = d;
        if (st->transposed)
            k = (d % st->cols) * st->rows + d / st->cols;
        sum += st->value[d] * v[k];
    }
    return sum;
}

/* One direction to check: matrix i of the result, direction j. */
typedef struct dir_job {
    size_t matrix, j;
} dir_job;

typedef struct dir_ctx {
    const bs_trace *t;
    const bs_check_opts *o;
    bs_directions *d;
    dir_job *jobs;
    bs_numeric **nms; /* one per thread */
    double **vs;      /* one direction buffer per thread */
    bs_error *errs;   /* one per thread */
    int *failed;      /* one per thread: 1 when out of memory */
} dir_ctx;

static void work(void *ctx, size_t t, size_t begin, size_t end)
{
    dir_ctx *c = ctx;
    for (size_t i = begin; i < end; i++) {
        bs_dir_matrix *m = &c->d->m[c->jobs[i].matrix];
        bs_dir_one *one = &m->dir[c->jobs[i].j];
        const bs_step *st = &c->t->steps[m->step];
        double *v = c->vs[t];
        bs_directions_draw(m->step, c->jobs[i].j, m->count, v);
        one->analytic = projection(st, v);
        if (bs_numeric_set_direction(c->nms[t], st->qty, st->layer, v, &c->errs[t]) != BS_OK) {
            c->failed[t] = 1;
            one->num.value = NAN;
            one->verdict = BS_V_DISAGREE;
            continue;
        }
        one->num.q = st->qty;
        one->num.layer = st->layer;
        one->num.k = BS_NUMERIC_ALONG;
        bs_numeric_derivative(c->nms[t], c->o->method, c->o->epsilon, &one->num);
        one->verdict = bs_check_verdict(c->t, c->nms[t], one->analytic, &one->num, c->o);
    }
}

static bs_status nomem(bs_error *err)
{
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}

bs_status bs_directions_run(const bs_trace *t, const bs_check_opts *o, size_t n,
                            bs_directions **out, bs_error *err)
{
    *out = NULL;
    bs_directions *d = calloc(1, sizeof *d);
    if (!d)
        return nomem(err);
    d->n = n;
    size_t mats = 0, biggest = 1;
    for (size_t si = t->first_backward; si < t->nsteps; si++)
        if (t->steps[si].qty == BS_Q_W || t->steps[si].qty == BS_Q_B)
            mats++;
    d->m = calloc(mats ? mats : 1, sizeof *d->m);
    dir_job *jobs = malloc(sizeof *jobs * (mats * n > 0 ? mats * n : 1));
    if (!d->m || !jobs) {
        free(jobs);
        bs_directions_free(d);
        return nomem(err);
    }
    size_t njobs = 0;
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        const bs_step *st = &t->steps[si];
        if (st->qty != BS_Q_W && st->qty != BS_Q_B)
            continue;
        bs_dir_matrix *m = &d->m[d->count];
        m->step = si;
        m->count = st->rows * st->cols;
        m->n = n;
        m->dir = calloc(n ? n : 1, sizeof *m->dir);
        if (!m->dir) {
            free(jobs);
            bs_directions_free(d);
            return nomem(err);
        }
        if (m->count > biggest)
            biggest = m->count;
        for (size_t j = 0; j < n; j++) {
            jobs[njobs].matrix = d->count;
            jobs[njobs].j = j;
            njobs++;
        }
        d->count++;
    }
    size_t threads = o->threads ? o->threads : bs_parallel_cpus();
    if (threads > njobs)
        threads = njobs ? njobs : 1;
    dir_ctx c = {t, o, d, jobs, calloc(threads, sizeof(bs_numeric *)),
                 calloc(threads, sizeof(double *)), calloc(threads, sizeof(bs_error)),
                 calloc(threads, sizeof(int))};
    bs_status st = c.nms && c.vs && c.errs && c.failed ? BS_OK : nomem(err);
    for (size_t i = 0; i < threads && st == BS_OK; i++) {
        st = bs_numeric_create(t->net, t->fw, &c.nms[i], err);
        if (st == BS_OK && !(c.vs[i] = malloc(sizeof(double) * biggest)))
            st = nomem(err);
    }
    if (st == BS_OK) {
        /* one direction at a time: each costs as much as a few hundred
         * single entries, so chunks of one share the work evenly */
        bs_parallel_for(njobs, 1, threads, work, &c, NULL, NULL);
        for (size_t i = 0; i < threads && st == BS_OK; i++)
            if (c.failed[i])
                st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < threads && c.nms && c.vs; i++) {
        bs_numeric_free(c.nms[i]);
        free(c.vs[i]);
    }
    free(c.nms);
    free(c.vs);
    free(c.errs);
    free(c.failed);
    free(jobs);
    if (st != BS_OK) {
        bs_directions_free(d);
        return st;
    }
    for (size_t i = 0; i < d->count; i++) {
        bs_dir_matrix *m = &d->m[i];
        for (size_t j = 0; j < m->n; j++) {
            const bs_dir_one *one = &m->dir[j];
            switch (one->verdict) {
            case BS_V_AGREE: m->n_agree++; break;
            case BS_V_DISAGREE: m->n_disagree++; break;
            case BS_V_UNRESOLVED: m->n_unresolved++; break;
            case BS_V_KINK_OK: m->n_kink_ok++; break;
            default: m->n_kink_bad++; break;
            }
            if (bs_check_fails(one->verdict, o))
                m->n_failed++;
            if (one->num.kink)
                continue;
            double rel = isfinite(one->analytic) && isfinite(one->num.value)
                             ? bs_rel_error(one->analytic, one->num.value)
                             : INFINITY;
            if (rel > m->max_rel_error) {
                m->max_rel_error = rel;
                m->worst = j;
            }
        }
        m->elementwise = m->n_failed > 0 || m->n_unresolved > 0;
        d->n_failed += m->n_failed;
        d->n_unresolved += m->n_unresolved;
    }
    *out = d;
    return BS_OK;
}
