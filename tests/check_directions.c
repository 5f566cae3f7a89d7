/* check_directions.c — the directional check (--directions N): unit
 * Gaussian directions drawn reproducibly, the numerical directional
 * derivative against Σ v_k · (per-element numerical derivative), agreement
 * on every shipped spec, a planted analytic error caught along the
 * directions and then named element by element, and the same output for
 * the same seed whatever the number of threads. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_check.h"
#include "bs_directions.h"
#include "bs_net.h"
#include "bs_numeric.h"
#include "bs_render.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static const char *const shipped[] = {
    "000-2-3-2-mse.json",          "2-2-2-mazur-sigmoid-mse.json",
    "2-3-3-2-leaky-relu-bce.json", "3-4-1-tanh-regression.json",
    "3-4-3-relu-softmax-mse.json", "4-3-2-1-bce.json",
    "4-5-3-softmax-ce-l2.json",    "mnist-784-200-100-10.json",
};

static bs_step *step(bs_trace *t, const char *id)
{
    bs_step *s = (bs_step *)bs_trace_find(t, id);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* The JSON rendering of a trace, allocated; the caller frees it. */
static char *render_json(const bs_trace *t)
{
    bs_sink s = bs_sink_buffer();
    bs_render_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.format = BS_FORMAT_JSON;
    ro.precision = 6;
    ck_assert_int_eq(bs_render(&s, t, &ro), 0);
    size_t len = strlen(s.buf);
    char *text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    memcpy(text, s.buf, len + 1);
    bs_sink_free_buffer(&s);
    return text;
}

/* Directions are unit vectors, reproducible, and differ from one another;
 * their entries look Gaussian (mean near 0, n·v_i² averages 1). */
START_TEST(test_draw)
{
    enum { N = 20000 };
    double *v = malloc(sizeof(double) * N), *w = malloc(sizeof(double) * N);
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(w);
    bs_directions_draw(5, 2, N, v);
    bs_directions_draw(5, 2, N, w);
    ck_assert_int_eq(memcmp(v, w, sizeof(double) * N), 0);
    double sq = 0.0, sum = 0.0, quart = 0.0;
    for (size_t i = 0; i < N; i++) {
        sq += v[i] * v[i];
        sum += v[i];
        quart += (double)N * (double)N * v[i] * v[i] * v[i] * v[i];
    }
    ck_assert_double_eq_tol(sq, 1.0, 1e-14);
    /* Σ v_i is normal with variance 1 for a Gaussian direction */
    ck_assert_double_le(fabs(sum), 5.0);
    /* fourth moment of a standard normal is 3 */
    ck_assert_double_eq_tol(quart / N, 3.0, 0.3);
    bs_directions_draw(5, 3, N, w);
    ck_assert_int_ne(memcmp(v, w, sizeof(double) * N), 0);
    bs_directions_draw(6, 2, N, w);
    ck_assert_int_ne(memcmp(v, w, sizeof(double) * N), 0);
    free(v);
    free(w);
}
END_TEST

/* The numerical directional derivative equals Σ_k v_k · ∂L/∂θ_k computed
 * entry by entry (an independent path: one entry moved at a time), within
 * the sum of their error bars and 1e-9 relative, for every matrix of the
 * small specs. */
START_TEST(test_linear_combination)
{
    bs_net *net = bs_test_load_spec(shipped[_i]);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_numeric *nm = NULL;
    ck_assert_int_eq(bs_numeric_create(net, t->fw, &nm, NULL), BS_OK);
    for (size_t si = t->first_backward; si < t->nsteps; si++) {
        const bs_step *st = &t->steps[si];
        if (st->qty != BS_Q_W && st->qty != BS_Q_B)
            continue;
        size_t count = st->rows * st->cols;
        double *v = malloc(sizeof(double) * count);
        ck_assert_ptr_nonnull(v);
        bs_directions_draw(si, 0, count, v);
        double sum = 0.0, bar = 0.0;
        for (size_t k = 0; k < count; k++) {
            bs_numeric_item it = {.q = st->qty, .layer = st->layer, .k = k};
            bs_numeric_derivative(nm, BS_METHOD_COMPLEX, 0.0, &it);
            sum += v[k] * it.value;
            bar += fabs(v[k]) * it.error;
        }
        ck_assert_int_eq(bs_numeric_set_direction(nm, st->qty, st->layer, v, NULL), BS_OK);
        bs_numeric_item d = {.q = st->qty, .layer = st->layer, .k = BS_NUMERIC_ALONG};
        bs_numeric_derivative(nm, BS_METHOD_CENTRAL, 0.0, &d);
        ck_assert_double_eq_tol(d.value, sum, d.error + bar + 1e-9 * fabs(sum) + 1e-12);
        /* the complex step along the direction, too */
        bs_numeric_item c = {.q = st->qty, .layer = st->layer, .k = BS_NUMERIC_ALONG};
        bs_numeric_derivative(nm, BS_METHOD_COMPLEX, 0.0, &c);
        ck_assert_double_eq_tol(c.value, sum, 1e-12 * fabs(sum) + 1e-15);
        free(v);
    }
    bs_numeric_free(nm);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* On every shipped spec every direction of every matrix agrees (or, at a
 * relu kink, is consistent), no matrix falls back to elements, and the
 * trace passes. */
START_TEST(test_shipped_agree)
{
    bs_net *net = bs_test_load_spec(shipped[_i]);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.directions = 8;
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(t->passed);
    const bs_directions *d = t->directions;
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->count, 2 * net->L);
    ck_assert_uint_eq(d->n_failed, 0);
    for (size_t i = 0; i < d->count; i++) {
        const bs_dir_matrix *m = &d->m[i];
        ck_assert_uint_eq(m->n, 8);
        ck_assert_uint_eq(m->n_agree + m->n_kink_ok, 8);
        ck_assert(!m->elementwise);
        ck_assert_uint_eq(t->steps[m->step].n_compared, 0);
        for (size_t j = 0; j < m->n; j++)
            ck_assert(fabs(m->dir[j].analytic) > 0);
    }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* A planted analytic error: g[2W][2,2] of 4-3-2-1-bce doubled.  Every
 * direction of g[2W] disagrees (the error is 0.0128 times v_4, far above
 * the tolerance), g[2W] is then checked element by element and exactly its
 * element [2,2] disagrees and is named; the other matrices are not
 * checked element by element, and the trace fails. */
START_TEST(test_planted)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_step *w = step(t, "g[2W]");
    w->value[3] *= 2.0;
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.directions = 4;
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    const bs_dir_matrix *m = bs_directions_find(t->directions, (size_t)(w - t->steps));
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->n_disagree, 4);
    ck_assert(m->elementwise);
    ck_assert_uint_eq(w->n_compared, 6);
    ck_assert_uint_eq(w->n_disagree, 1);
    ck_assert_int_eq(w->verdict[3], BS_V_DISAGREE);
    ck_assert_uint_eq(t->n_disagree, 1);
    ck_assert(t->failure.found);
    ck_assert_uint_eq(t->failure.step, (size_t)(w - t->steps));
    ck_assert_uint_eq(t->failure.index, 3);
    ck_assert_int_eq(t->failure.side, BS_SIDE_ANALYTIC);
    /* each direction's gap is the planted error projected: 0.0128·|v_4| */
    double v[6];
    for (size_t j = 0; j < 4; j++) {
        bs_directions_draw(m->step, j, 6, v);
        ck_assert_double_eq_tol(m->dir[j].analytic - m->dir[j].num.value,
                                0.5 * w->value[3] * v[3], 1e-9);
    }
    for (size_t i = 0; i < t->directions->count; i++)
        if (&t->directions->m[i] != m) {
            ck_assert(!t->directions->m[i].elementwise);
            ck_assert_uint_eq(t->steps[t->directions->m[i].step].n_compared, 0);
        }
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* On the MNIST network: g[3W]'s largest element times 4 is caught along
 * at least one of two directions and then named element by element among
 * the 1,000 elements of g[3W]. */
START_TEST(test_planted_mnist)
{
    bs_net *net = bs_test_load_spec("mnist-784-200-100-10.json");
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_step *w = step(t, "g[3W]");
    size_t big = 0, count = w->rows * w->cols;
    for (size_t k = 1; k < count; k++)
        if (fabs(w->value[k]) > fabs(w->value[big]))
            big = k;
    w->value[big] *= 4.0;
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.directions = 2;
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    ck_assert(!t->passed);
    const bs_dir_matrix *m = bs_directions_find(t->directions, (size_t)(w - t->steps));
    ck_assert_uint_ge(m->n_failed, 1);
    ck_assert(m->elementwise);
    ck_assert_uint_eq(w->n_compared, count);
    ck_assert_uint_eq(w->n_disagree, 1);
    ck_assert_int_eq(w->verdict[big], BS_V_DISAGREE);
    ck_assert_uint_eq(t->failure.index, big);
    ck_assert_uint_eq(t->directions->n_failed, m->n_failed);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Same seed, same output: two checks of the same spec, with 1 and with 3
 * threads, render to the same JSON bytes. */
START_TEST(test_same_output)
{
    bs_net *net = bs_test_load_spec(_i ? "mnist-784-200-100-10.json" : "2-3-3-2-leaky-relu-bce.json");
    char *text[2];
    for (int r = 0; r < 2; r++) {
        bs_trace *t = NULL;
        ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
        bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
        o.directions = 3;
        o.threads = r ? 3 : 1;
        ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
        text[r] = render_json(t);
        ck_assert_ptr_nonnull(strstr(text[r], "\"directions\": {\"per_matrix\": 3"));
        bs_trace_free(t);
    }
    ck_assert_str_eq(text[0], text[1]);
    free(text[0]);
    free(text[1]);
    bs_net_free(net);
}
END_TEST

Suite *directions_suite(void)
{
    Suite *s = suite_create("directions");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_draw);
    tcase_add_loop_test(tc, test_linear_combination, 0, 7);
    tcase_add_loop_test(tc, test_shipped_agree, 0, (int)(sizeof shipped / sizeof shipped[0]));
    tcase_add_test(tc, test_planted);
    tcase_add_test(tc, test_planted_mnist);
    tcase_add_loop_test(tc, test_same_output, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
