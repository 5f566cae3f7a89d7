/* check_sweep.c — the sweep of one element over the steps: its element
 * syntax in every notation, the errors against the complex step, the
 * fitted slopes of truncation and rounding, and its two renderings. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_net.h"
#include "bs_sweep.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static bs_trace *trace_file(const char *name, bs_net **net)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    ck_assert_int_eq(bs_net_load_file(path, NULL, net, NULL), BS_OK);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(*net, &t, NULL), BS_OK);
    return t;
}

/* Every notation names the same element: W1[2,3] is g[1W] row 2, column 3. */
static const char *const same[] = {"W1[2,3]", "W[1][2,3]", "g[1W][2,3]", "dW1[2,3]",
                                   "dL/dW1[2,3]", "dL/dW[1][2,3]", "∂L/∂W[1][2,3]",
                                   "w1[2,3]"};

START_TEST(test_parse_notations)
{
    bs_net *net;
    bs_trace *t = trace_file("4-3-2-1-bce.json", &net);
    size_t step, index;
    bs_error err;
    ck_assert_int_eq(bs_sweep_parse_element(t, same[_i], &step, &index, &err), BS_OK);
    ck_assert_str_eq(t->steps[step].id, "g[1W]");
    ck_assert_uint_eq(t->steps[step].cols, 3);
    ck_assert_uint_eq(index, 1 * 3 + 2);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Bad elements are usage errors that say what was expected. */
static const struct {
    const char *text, *says;
} bad[] = {{"W1", "[row,column]"},
           {"W1[0,1]", "[row,column]"},
           {"W1[2,3", "[row,column]"},
           {"Q1[1,1]", "expected a step or quantity"},
           {"L[1,1]", "expected a step or quantity"},
           {"W9[1,1]", "no step g[9W]"},
           {"W1[5,1]", "outside g[1W], which is 4×3"},
           {"g[2z][1,3]", "outside g[2z], which is 1×2"}};

START_TEST(test_parse_bad)
{
    bs_net *net;
    bs_trace *t = trace_file("4-3-2-1-bce.json", &net);
    size_t step, index;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_sweep_parse_element(t, bad[_i].text, &step, &index, &err),
                     BS_ERR_USAGE);
    ck_assert_msg(strstr(err.message, bad[_i].says), "\"%s\": %s", bad[_i].text, err.message);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* In the column convention the displayed element maps to the stored one:
 * the sweep's reference (complex step) equals the analytic value there. */
START_TEST(test_sweep_errors_and_slopes)
{
    const char *const specs[] = {"4-3-2-1-bce.json", "2-3-3-2-leaky-relu-bce.json"};
    const char *const elements[] = {"g[3z][1,1]", "W2[1,3]"};
    for (int i = 0; i < 2; i++) {
        bs_net *net;
        bs_trace *t = trace_file(specs[i], &net);
        size_t step, index;
        ck_assert_int_eq(bs_sweep_parse_element(t, elements[i], &step, &index, NULL), BS_OK);
        bs_sweep *sw = NULL;
        ck_assert_int_eq(bs_sweep_run(t, step, index, NULL, NULL, &sw, NULL), BS_OK);
        ck_assert_uint_eq(sw->n, 31);
        ck_assert_double_eq_tol(sw->h[0], 1e-1, 1e-17);
        ck_assert_double_eq_tol(sw->h[30], 1e-16, 1e-31);
        ck_assert_double_eq_tol(sw->reference, sw->analytic, 1e-14 * fabs(sw->analytic));
        for (size_t k = 0; k < sw->n; k++)
            for (int m = 0; m < BS_SWEEP_METHODS; m++)
                ck_assert_double_eq(sw->error[m][k], fabs(sw->value[m][k] - sw->reference));
        if (i == 0) {
            /* on a smooth spec the slopes are the orders, and −1 for rounding */
            ck_assert_double_eq_tol(sw->slope_truncation[BS_METHOD_FORWARD], 1.0, 0.1);
            ck_assert_double_eq_tol(sw->slope_truncation[BS_METHOD_CENTRAL], 2.0, 0.1);
            ck_assert_double_eq_tol(sw->slope_truncation[BS_METHOD_RICHARDSON], 4.0, 0.3);
            ck_assert_double_eq_tol(sw->slope_rounding[BS_METHOD_FORWARD], -1.0, 0.2);
            ck_assert_double_eq_tol(sw->slope_rounding[BS_METHOD_CENTRAL], -1.0, 0.2);
            /* each best step is near the default's ε^(1/(p+1)) */
            ck_assert_double_eq_tol(log10(sw->h[sw->best[BS_METHOD_FORWARD]]), -8.0, 1.01);
            ck_assert_double_eq_tol(log10(sw->h[sw->best[BS_METHOD_CENTRAL]]), -5.2, 1.01);
            ck_assert_double_eq_tol(log10(sw->h[sw->best[BS_METHOD_RICHARDSON]]), -3.1, 1.01);
        }
        bs_sink b = bs_sink_buffer();
        bs_sweep_text(&b, sw);
        ck_assert_ptr_nonnull(strstr(b.buf, "sweep of "));
        ck_assert_ptr_nonnull(strstr(b.buf, "richardson"));
        ck_assert_ptr_nonnull(strstr(b.buf, "┤"));
        bs_sink_free_buffer(&b);
        b = bs_sink_buffer();
        bs_sweep_svg(&b, sw);
        ck_assert_int_eq(strncmp(b.buf, "<svg ", 5), 0);
        ck_assert_ptr_nonnull(strstr(b.buf, "</svg>\n"));
        /* one polyline per method */
        size_t lines = 0;
        for (const char *p = b.buf; (p = strstr(p, "<polyline")); p++)
            lines++;
        ck_assert_uint_eq(lines, 4);
        bs_sink_free_buffer(&b);
        bs_sweep_free(sw);
        bs_trace_free(t);
        bs_net_free(net);
    }
    bs_sweep_free(NULL);
}
END_TEST

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_parse_notations, 0, (int)(sizeof same / sizeof same[0]));
    tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_sweep_errors_and_slopes);
    suite_add_tcase(s, tc);
    return s;
}
