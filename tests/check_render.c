/* check_render.c — the renderers: JSON that parses and round-trips every
 * number, names in each notation, the text layout's key lines. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bs_check.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static bs_trace *checked(const char *name, bs_net **net, int full)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    ck_assert_int_eq(bs_net_load_file(path, NULL, net, NULL), BS_OK);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(*net, &t, NULL), BS_OK);
    bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
    o.full = full;
    ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    return t;
}

static char *render(const bs_trace *t, bs_format f, bs_notation nt)
{
    bs_render_opts o = bs_render_defaults();
    o.format = f;
    o.notation = nt;
    bs_sink s = bs_sink_buffer();
    ck_assert_int_eq(bs_render(&s, t, &o), 0);
    ck_assert_ptr_nonnull(s.buf);
    return s.buf;
}

/* Every value of every step reads back from the JSON to the same double. */
START_TEST(test_json_round_trip)
{
    bs_net *net;
    bs_trace *t = checked("4-5-3-softmax-ce-l2.json", &net, 0);
    char *text = render(t, BS_FORMAT_JSON, BS_NOTATION_G);
    cJSON *root = cJSON_Parse(text);
    ck_assert_ptr_nonnull(root);
    ck_assert_double_eq(cJSON_GetObjectItem(root, "loss")->valuedouble, t->fw->loss);
    cJSON *steps = cJSON_GetObjectItem(root, "steps");
    ck_assert_int_eq(cJSON_GetArraySize(steps), (int)t->nsteps);
    size_t i = 0;
    for (cJSON *js = steps->child; js; js = js->next, i++) {
        const bs_step *st = &t->steps[i];
        ck_assert_str_eq(cJSON_GetObjectItem(js, "name")->valuestring, st->id);
        cJSON *shape = cJSON_GetObjectItem(js, "shape");
        ck_assert_int_eq(cJSON_GetArrayItem(shape, 0)->valueint, (int)st->rows);
        ck_assert_int_eq(cJSON_GetArrayItem(shape, 1)->valueint, (int)st->cols);
        int backward = st->kind == BS_STEP_BACKWARD;
        cJSON *vals = cJSON_GetObjectItem(js, backward ? "analytic" : "values");
        cJSON *nums = backward ? cJSON_GetObjectItem(js, "numeric") : NULL;
        for (size_t r = 0; r < st->rows; r++)
            for (size_t c = 0; c < st->cols; c++) {
                size_t k = r * st->cols + c;
                cJSON *v = cJSON_GetArrayItem(cJSON_GetArrayItem(vals, (int)r), (int)c);
                ck_assert_double_eq(v->valuedouble, st->value[k]);
                if (backward) {
                    cJSON *n = cJSON_GetArrayItem(cJSON_GetArrayItem(nums, (int)r), (int)c);
                    ck_assert_double_eq(n->valuedouble, st->numeric[k]);
                }
            }
        if (backward)
            ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(js, "passed")));
    }
    cJSON *check = cJSON_GetObjectItem(root, "check");
    ck_assert_str_eq(cJSON_GetObjectItem(check, "verdict")->valuestring, "pass");
    ck_assert_str_eq(cJSON_GetObjectItem(check, "method")->valuestring, "central");
    /* params can be pasted back: W1 is 4×5 in the row convention */
    cJSON *W1 = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "params"), "W1");
    ck_assert_int_eq(cJSON_GetArraySize(W1), 4);
    ck_assert_int_eq(cJSON_GetArraySize(W1->child), 5);
    ck_assert_double_eq(W1->child->child->valuedouble, net->W[1][0]);
    cJSON_Delete(root);
    free(text);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Sampled steps print null where an element was not compared. */
START_TEST(test_json_sampled_nulls)
{
    bs_net *net;
    bs_trace *t = checked("mnist-784-200-100-10.json", &net, 0);
    char *text = render(t, BS_FORMAT_JSON, BS_NOTATION_CODE);
    cJSON *root = cJSON_Parse(text);
    ck_assert_ptr_nonnull(root);
    cJSON *steps = cJSON_GetObjectItem(root, "steps");
    cJSON *w1 = NULL;
    for (cJSON *js = steps->child; js; js = js->next)
        if (strcmp(cJSON_GetObjectItem(js, "name")->valuestring, "dW1") == 0)
            w1 = js;
    ck_assert_ptr_nonnull(w1);
    ck_assert_int_eq(cJSON_GetObjectItem(w1, "compared")->valueint, 25);
    int nulls = 0, numbers = 0;
    for (cJSON *row = cJSON_GetObjectItem(w1, "numeric")->child; row; row = row->next)
        for (cJSON *e = row->child; e; e = e->next) {
            nulls += cJSON_IsNull(e);
            numbers += cJSON_IsNumber(e);
        }
    ck_assert_int_eq(numbers, 25);
    ck_assert_int_eq(nulls, 784 * 200 - 25);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "check"), "sampled")));
    cJSON_Delete(root);
    free(text);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* The notations name the steps as the handouts do. */
START_TEST(test_notations)
{
    bs_net *net;
    bs_trace *t = checked("4-3-2-1-bce.json", &net, 0);
    char *g = render(t, BS_FORMAT_TEXT, BS_NOTATION_G);
    char *p = render(t, BS_FORMAT_TEXT, BS_NOTATION_PARTIAL);
    char *c = render(t, BS_FORMAT_TEXT, BS_NOTATION_CODE);
    ck_assert_ptr_nonnull(strstr(g, "g[2z] = ∂L/∂z[2] = g_h'(z[2]) ∘ g[2a]"));
    ck_assert_ptr_nonnull(strstr(g, "g[3W] = ∂L/∂W[3] = (a[2])ᵀ · g[3z]"));
    ck_assert_ptr_nonnull(strstr(g, "g[1a] = ∂L/∂a[1] = g[2z] · (W[2])ᵀ"));
    ck_assert_ptr_nonnull(strstr(g, "where g_h'(z[2]) = a[2] ∘ (1 − a[2])"));
    ck_assert_ptr_nonnull(strstr(p, "∂L/∂z[2] = σ'(z[2]) ∘ ∂L/∂a[2]"));
    ck_assert_ptr_nonnull(strstr(p, "∂L/∂W[1] = (x)ᵀ · ∂L/∂z[1]"));
    ck_assert_ptr_nonnull(strstr(c, "dz2 = sigmoid'(z2) ∘ da2"));
    ck_assert_ptr_nonnull(strstr(c, "dW3 = (a2)ᵀ · dz3"));
    ck_assert_ptr_nonnull(strstr(g, "\nPASS  38 of 38 elements compared"));
    ck_assert_ptr_null(strstr(g, "\033[")); /* a memory sink is never coloured */
    free(g);
    free(p);
    free(c);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* The column convention writes products in handout 000's order. */
START_TEST(test_column_formulas)
{
    bs_net *net;
    bs_trace *t = checked("000-2-3-2-mse.json", &net, 0);
    char *g = render(t, BS_FORMAT_TEXT, BS_NOTATION_PARTIAL);
    ck_assert_ptr_nonnull(strstr(g, "∂L/∂W[2] = ∂L/∂z[2] · (a[1])ᵀ"));
    ck_assert_ptr_nonnull(strstr(g, "∂L/∂a[1] = (W[2])ᵀ · ∂L/∂z[2]"));
    ck_assert_ptr_nonnull(strstr(g, "z[1] = W[1] · x + b[1]"));
    ck_assert_ptr_nonnull(strstr(g, "∂L/∂z[2] = f'(z[2]) ∘ ∂L/∂a[2]"));
    free(g);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Every format that shows --explain shows the sentence of the notation
 * asked for, with handout 000's column indices: z = W a + b joins input p to
 * output q through W_{q,p}, so ∂L/∂a[1]_p = Σ_q W[2]_{q,p} ∂L/∂z[2]_q. */
static const struct {
    bs_format f;
    bs_notation nt;
    const char *has;
} why[] = {
    {BS_FORMAT_TEXT, BS_NOTATION_PARTIAL, "Σ_q W[2]_{q,p} ∂L/∂z[2]_q"},
    {BS_FORMAT_TEXT, BS_NOTATION_CODE, "Σ_q W2_{q,p} dz2_q"},
    {BS_FORMAT_MARKDOWN, BS_NOTATION_PARTIAL, "Σ\\_q W\\[2\\]\\_{q,p} ∂L/∂z\\[2\\]\\_q"},
    {BS_FORMAT_MARKDOWN, BS_NOTATION_CODE, "Σ\\_q W2\\_{q,p} dz2\\_q"},
    {BS_FORMAT_LATEX, BS_NOTATION_PARTIAL, "$\\sum_{q} W^{[2]}_{q,p} \\partial L/\\partial z^{[2]}_{q}$"},
    {BS_FORMAT_LATEX, BS_NOTATION_CODE, "$\\sum_{q}$ W2$_{q,p}$ dz2$_{q}$"},
    {BS_FORMAT_HTML, BS_NOTATION_PARTIAL, "Σ_q W[2]_{q,p} ∂L/∂z[2]_q"},
    {BS_FORMAT_HTML, BS_NOTATION_CODE, "Σ_q W2_{q,p} dz2_q"},
};

START_TEST(test_explanations_in_every_format)
{
    bs_net *net;
    bs_trace *t = checked("000-2-3-2-mse.json", &net, 0);
    bs_render_opts o = bs_render_defaults();
    o.format = why[_i].f;
    o.notation = why[_i].nt;
    o.explain = 1;
    bs_sink s = bs_sink_buffer();
    ck_assert_int_eq(bs_render(&s, t, &o), 0);
    ck_assert_ptr_nonnull(s.buf);
    ck_assert_msg(strstr(s.buf, why[_i].has) != NULL, "no \"%s\"", why[_i].has);
    ck_assert_ptr_null(strstr(s.buf, "g[nz]"));
    ck_assert_ptr_null(strstr(s.buf, "g\\[nz\\]"));
    ck_assert_ptr_null(strstr(s.buf, "g^{[nz]}"));
    bs_sink_free_buffer(&s);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* A memory sink and a FILE sink get the same bytes. */
START_TEST(test_sinks_agree)
{
    bs_net *net;
    bs_trace *t = checked("3-4-1-tanh-regression.json", &net, 0);
    char *mem = render(t, BS_FORMAT_TEXT, BS_NOTATION_G);
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    bs_sink s = bs_sink_file(f);
    bs_render_opts o = bs_render_defaults();
    ck_assert_int_eq(bs_render(&s, t, &o), 0);
    long len = ftell(f);
    ck_assert_int_eq(len, (long)strlen(mem));
    rewind(f);
    char *back = calloc((size_t)len + 1, 1);
    ck_assert_uint_eq(fread(back, 1, (size_t)len, f), (size_t)len);
    ck_assert_str_eq(back, mem);
    free(back);
    fclose(f);
    free(mem);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_json_round_trip);
    tcase_add_test(tc, test_json_sampled_nulls);
    tcase_add_test(tc, test_notations);
    tcase_add_test(tc, test_column_formulas);
    tcase_add_test(tc, test_sinks_agree);
    tcase_add_loop_test(tc, test_explanations_in_every_format, 0,
                        (int)(sizeof why / sizeof why[0]));
    suite_add_tcase(s, tc);
    return s;
}
