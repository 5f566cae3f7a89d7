/* check_session.c — step mode and quiz mode: the answer parser, the walk
 * through the steps, and the quiz's verdicts, diagnoses, tallies and record,
 * on handout 001's network (specs/4-3-2-1-bce.json); the expected values were
 * computed with NumPy from the spec's weights, independently of backstep (the
 * handout itself is symbolic and prints no numbers). */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_text.h"
#include "bs_check.h"
#include "bs_explain.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_session.h"
#include "bs_trace.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

static bs_trace *load(const char *name, bs_net **net, int check)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    ck_assert_int_eq(bs_net_load_file(path, NULL, net, NULL), BS_OK);
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(*net, &t, NULL), BS_OK);
    if (check) {
        bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
        o.threads = 1;
        ck_assert_int_eq(bs_trace_check(t, &o, NULL), BS_OK);
    }
    return t;
}

/* ---- the answer parser -------------------------------------------------- */

static const struct {
    const char *in;
    size_t rows, cols;
    double v[6];
} good[] = {
    {"0.12 -0.3; 0.5 1e-2", 2, 2, {0.12, -0.3, 0.5, 0.01}},
    {"1,2,3", 1, 3, {1, 2, 3}},
    {"  -1.5  ", 1, 1, {-1.5}},
    {"[ 1 2 ]\t;[3 4];", 2, 2, {1, 2, 3, 4}},
    {"\xe2\x88\x92" "0.25, 4", 1, 2, {-0.25, 4}},
    {"1e-3;2E+1;-.5", 3, 1, {0.001, 20, -0.5}},
    {"1, 2 ,3 ; 4,5,6", 2, 3, {1, 2, 3, 4, 5, 6}},
    {"+7\r", 1, 1, {7}},
    /* a Python list pasted with its trailing comma */
    {"[1, 2,]", 1, 2, {1, 2}},
};

START_TEST(test_parse_good)
{
    bs_answer a;
    bs_error err;
    ck_assert_int_eq(bs_answer_parse(good[_i].in, &a, &err), BS_OK);
    ck_assert_uint_eq(a.rows, good[_i].rows);
    ck_assert_uint_eq(a.cols, good[_i].cols);
    for (size_t k = 0; k < a.rows * a.cols; k++)
        ck_assert_double_eq_tol(a.v[k], good[_i].v[k], 1e-15);
    bs_answer_free(&a);
    bs_answer_free(&a);
    ck_assert_ptr_null(a.v);
}
END_TEST

static const struct {
    const char *in;
    const char *where;
    const char *message;
} bad[] = {
    {"abc", "column 1", "expected a number, got \"abc\""},
    {"1 2; 3", "row 2", "row 2 has 1 number, row 1 has 2"},
    {"1;;2", "row 2", "row 2 is empty"},
    {"; 1", "row 1", "row 1 is empty"},
    {"", "", "expected numbers"},
    {" , [ ] ", "", "expected numbers"},
    {"1 nan", "column 3", "expected a number, got \"nan\""},
    {"1 inf", "column 3", "expected a number, got \"inf\""},
    {"1e999", "column 1", "expected a number, got \"1e999\""},
    {"0x10", "column 1", "expected a number, got \"0x10\""},
    {"1 \xe2\x88\x92" "2 x", "column 6", "expected a number, got \"x\""},
    {"1.2.3", "column 1", "expected a number, got \"1.2.3\""},
    {"2 -", "column 3", "expected a number, got \"-\""},
    {"hint me", "column 1", "expected a number, got \"hint\""},
    /* an empty entry between commas is a missing number, not a separator */
    {"1,,2", "column 3", "an empty entry"},
    {"1, ,2", "column 4", "an empty entry"},
    {",1", "column 1", "an empty entry"},
    {"1 2; ,3 4", "column 6", "an empty entry"},
    {"1,,", "column 3", "an empty entry"},
};

START_TEST(test_parse_bad)
{
    bs_answer a;
    bs_error err;
    bs_error_clear(&err);
    ck_assert_int_eq(bs_answer_parse(bad[_i].in, &a, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_null(a.v);
    ck_assert_uint_eq(a.rows, 0);
    ck_assert_str_eq(err.where, bad[_i].where);
    ck_assert_msg(strstr(err.message, bad[_i].message) != NULL, "\"%s\": message \"%s\"",
                  bad[_i].in, err.message);
}
END_TEST

/* A long answer grows the parser's buffer past its first allocation. */
START_TEST(test_parse_long)
{
    char line[4000] = "";
    for (int r = 0; r < 10; r++) {
        for (int c = 0; c < 30; c++) {
            char num[16];
            snprintf(num, sizeof num, "%s%d", c ? " " : "", r * 30 + c);
            strcat(line, num);
        }
        if (r < 9)
            strcat(line, "; ");
    }
    bs_answer a;
    ck_assert_int_eq(bs_answer_parse(line, &a, NULL), BS_OK);
    ck_assert_uint_eq(a.rows, 10);
    ck_assert_uint_eq(a.cols, 30);
    for (size_t k = 0; k < 300; k++)
        ck_assert_double_eq(a.v[k], (double)k);
    bs_answer_free(&a);
}
END_TEST

/* ---- step mode ---------------------------------------------------------- */

static int contains(const bs_sink *s, const char *text)
{
    return s->buf && strstr(s->buf, text) != NULL;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Enter, b, why, terms, forward, an unknown word and q, each answered. */
START_TEST(test_step_commands)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net, 1);
    bs_render_opts ro = bs_render_defaults();
    bs_stepper *w;
    ck_assert_int_eq(bs_stepper_create(t, &ro, &w, NULL), BS_OK);
    bs_sink s = bs_sink_buffer();
    bs_stepper_start(w, &s);
    ck_assert(contains(&s, "Forward pass"));
    ck_assert(contains(&s, "step 1 of 12: g[3a]\n"));
    ck_assert(!contains(&s, "step 2 of 12"));
    ck_assert_uint_eq(bs_stepper_current(w), 0);
    char prompt[64];
    bs_stepper_prompt(w, prompt, sizeof prompt);
    ck_assert_str_eq(prompt, "step 1/12> ");
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "", &s), 1);
    ck_assert_uint_eq(bs_stepper_current(w), 1);
    ck_assert(contains(&s, "step 2 of 12: g[3z]\ng[3z] = ∂L/∂z[3]"));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, " B ", &s), 1);
    ck_assert_uint_eq(bs_stepper_current(w), 0);
    ck_assert(contains(&s, "step 1 of 12: g[3a]"));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "b", &s), 1);
    ck_assert_uint_eq(bs_stepper_current(w), 0);
    ck_assert(contains(&s, "(this is the first backward step)"));
    bs_sink_free_buffer(&s);

    /* why: the explanation of the step shown now */
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "why", &s), 1);
    bs_sink e = bs_sink_buffer();
    bs_explain(&e, t, &t->steps[t->first_backward], BS_NOTATION_G);
    ck_assert(contains(&s, e.buf));
    bs_sink_free_buffer(&e);
    bs_sink_free_buffer(&s);

    /* terms on g[3W]: a_1[2] · g_1[3z] = 0.581893 × (−0.411863), handout 001 */
    s = bs_sink_buffer();
    bs_stepper_feed(w, "next", &s);
    bs_stepper_feed(w, "n", &s);
    ck_assert_uint_eq(bs_stepper_current(w), 2);
    bs_sink_free_buffer(&s);
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "terms", &s), 1);
    ck_assert(contains(&s, "term by term"));
    ck_assert(contains(&s, "= 0.581893 × (−0.411863) = −0.23966"));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "forward", &s), 1);
    ck_assert(contains(&s, "Forward pass"));
    ck_assert(contains(&s, "[ 0.596283 0.415809 0.531209 ]")); /* a[1] */
    ck_assert(!contains(&s, "step "));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "jump", &s), 1);
    ck_assert(contains(&s, "unknown command \"jump\""));
    ck_assert_uint_eq(bs_stepper_current(w), 2);
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_stepper_feed(w, "q", &s), 0);
    ck_assert(contains(&s, "stopped at step 3 of 12"));
    ck_assert_int_eq(bs_stepper_feed(w, "", &s), 0);
    bs_stepper_finish(w, &s); /* already ended: nothing more */
    ck_assert(!contains(&s, "step 4 of 12"));
    bs_sink_free_buffer(&s);

    bs_stepper_free(w);
    bs_stepper_free(NULL);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Every step appears as the trace shows it, and the end of input shows the
 * rest and the verdict. */
START_TEST(test_step_as_trace)
{
    bs_net *net;
    bs_trace *t = load(_i == 0 ? "4-3-2-1-bce.json" : "000-2-3-2-mse.json", &net, 1);
    bs_render_opts ro = bs_render_defaults();
    ro.terms = 1;
    ro.explain = 1;
    ro.notation = _i == 0 ? BS_NOTATION_G : BS_NOTATION_PARTIAL;
    bs_sink whole = bs_sink_buffer();
    bs_render_text(&whole, t, &ro);
    bs_stepper *w;
    ck_assert_int_eq(bs_stepper_create(t, &ro, &w, NULL), BS_OK);
    bs_sink s = bs_sink_buffer();
    bs_stepper_start(w, &s);
    ck_assert_int_eq(bs_stepper_feed(w, "", &s), 1);
    bs_stepper_finish(w, &s);
    size_t n = t->nsteps - t->first_backward;
    for (size_t k = 0; k < n; k++) {
        bs_sink one = bs_sink_buffer();
        bs_render_text_step(&one, t, t->first_backward + k, &ro);
        ck_assert(strstr(whole.buf, one.buf) != NULL);
        ck_assert_msg(strstr(s.buf, one.buf + 1) != NULL, "step %zu differs from the trace", k);
        bs_sink_free_buffer(&one);
    }
    ck_assert_uint_eq(count_of(s.buf, " of 8: ") + count_of(s.buf, " of 12: "), n);
    ck_assert(contains(&s, "\nPASS  "));
    ck_assert_uint_eq(bs_stepper_current(w), n - 1);
    bs_sink_free_buffer(&s);
    bs_sink_free_buffer(&whole);
    bs_stepper_free(w);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Enter after the last step ends the walk with the verdict. */
START_TEST(test_step_to_the_end)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net, 1);
    bs_render_opts ro = bs_render_defaults();
    bs_stepper *w;
    ck_assert_int_eq(bs_stepper_create(t, &ro, &w, NULL), BS_OK);
    bs_sink s = bs_sink_buffer();
    bs_stepper_start(w, &s);
    for (int k = 0; k < 11; k++)
        ck_assert_int_eq(bs_stepper_feed(w, "", &s), 1);
    ck_assert(contains(&s, "step 12 of 12: g[1b]"));
    ck_assert(!contains(&s, "PASS"));
    ck_assert_int_eq(bs_stepper_feed(w, "", &s), 0);
    ck_assert(contains(&s, "PASS  38 of 38"));
    bs_sink_free_buffer(&s);
    bs_stepper_free(w);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* ---- quiz mode ---------------------------------------------------------- */

static bs_quiz *quiz(const bs_trace *t, const char *only)
{
    bs_quiz_opts o = bs_quiz_defaults();
    o.only = only;
    o.source = "4-3-2-1-bce.json";
    bs_quiz *q = NULL;
    bs_error err;
    ck_assert_int_eq(bs_quiz_create(t, &o, &q, &err), BS_OK);
    return q;
}

/* A scripted session on handout 001's network; values computed with NumPy
 * from the spec's weights (see the comment at the top of this file):
 * g[3a] = −1.70029, g[3z] = ŷ − y = −0.411863, g[3W] = (−0.23966, −0.207383)ᵀ,
 * g[2a] = (−0.288304, 0.123559), g[2z] = (−0.0701426, 0.0308882). */
START_TEST(test_quiz_session)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net, 0);
    bs_quiz *q = quiz(t, NULL);
    bs_sink s = bs_sink_buffer();
    char prompt[64];
    bs_quiz_start(q, &s);
    ck_assert(contains(&s, "question 1 of 12: g[3a] = ∂L/∂a[3], 1×1"));
    bs_quiz_prompt(q, prompt, sizeof prompt);
    ck_assert_str_eq(prompt, "g[3a] = ");
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-1.70", &s), 1);
    ck_assert(contains(&s, "✓ right"));
    ck_assert(contains(&s, "question 2 of 12: g[3z]"));
    ck_assert(contains(&s, "  g[3a] = -1.70029\n")); /* known so far */
    bs_sink_free_buffer(&s);

    /* g[3z] answered with g[3a]: the derivative g_o'(z[3]) left out */
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-1.70", &s), 1);
    ck_assert(contains(&s, "mistake: activation derivative left out: your g[3z] equals g[3a] "
                           "without the factor g_o'(z[3]) = a[3] ∘ (1 − a[3])"));
    ck_assert(contains(&s, "1 of 1 element wrong: [1,1]"));
    ck_assert(contains(&s, "2 tries left"));
    bs_quiz_prompt(q, prompt, sizeof prompt);
    ck_assert_str_eq(prompt, "g[3z] (try 2 of 3) = ");
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-0.412", &s), 1);
    ck_assert(contains(&s, "✓ right"));
    /* a column on one line */
    ck_assert_int_eq(bs_quiz_feed(q, "-0.2397 -0.2074", &s), 1);
    ck_assert(contains(&s, "question 4 of 12: g[3b]"));
    bs_sink_free_buffer(&s);

    /* hint, then skip */
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "hint", &s), 1);
    ck_assert(contains(&s, "g[3b] = g[3z]\n"));
    ck_assert_int_eq(bs_quiz_feed(q, "SKIP", &s), 1);
    ck_assert(contains(&s, "skipped g[3b]"));
    ck_assert(contains(&s, "[ -0.411863 ]"));
    ck_assert(contains(&s, "question 5 of 12: g[2a]"));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-0.288, 0.124", &s), 1);
    ck_assert(contains(&s, "✓ right"));
    bs_sink_free_buffer(&s);

    /* g[2z]: derivative left out, unreadable (no try), wrong shape, sign: revealed */
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-0.288 0.124", &s), 1);
    ck_assert(contains(&s, "your g[2z] equals g[2a] without the factor g_h'(z[2]) = a[2] ∘ "
                           "(1 − a[2])"));
    ck_assert(contains(&s, "2 of 2 elements wrong: [1,1] [1,2]"));
    ck_assert_int_eq(bs_quiz_feed(q, "0.07 what", &s), 1);
    ck_assert(contains(&s, "could not read that as an answer: column 6: expected a number"));
    ck_assert_int_eq(bs_quiz_feed(q, "1 2 3", &s), 1);
    ck_assert(contains(&s, "✗ wrong shape: g[2z] is 1×2 (2 numbers), your answer is 1×3 "
                           "(3 numbers)"));
    ck_assert(contains(&s, "1 try left"));
    ck_assert_int_eq(bs_quiz_feed(q, "0.0701 -0.0309", &s), 1);
    ck_assert(contains(&s, "mistake: sign flipped"));
    ck_assert(contains(&s, "the answer:\n    g[2z] = g_h'(z[2]) ∘ g[2a]\n"));
    ck_assert(contains(&s, "[ -0.0701426 0.0308882 ]"));
    ck_assert(contains(&s, "question 7 of 12: g[2W]"));
    bs_sink_free_buffer(&s);

    /* g[2W] transposed: a[1]ᵀ g[2z] written 2×3 */
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "-0.0418 -0.0292 -0.0373; 0.0184 0.0128 0.0164", &s), 1);
    ck_assert(contains(&s, "your answer is 2×3, transposed; g[2W] is 3×2 (3 rows of 2 numbers)"));
    ck_assert(contains(&s, "mistake: missing or extra transpose"));
    bs_sink_free_buffer(&s);

    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, "quit", &s), 0);
    const char *line = "score: 3/12 steps right at the first try; mistakes: activation "
                       "derivative left out ×2, wrong shape ×1, sign flipped ×1, missing or "
                       "extra transpose ×1";
    ck_assert(contains(&s, "quiz ended at question 7 of 12\n"));
    ck_assert(contains(&s, line));
    ck_assert_int_eq(bs_quiz_feed(q, "-1", &s), 0);
    bs_quiz_finish(q, &s); /* already ended: nothing more */
    ck_assert_uint_eq(count_of(s.buf, "score: "), 1);
    bs_sink_free_buffer(&s);

    bs_quiz_score sc = bs_quiz_tally(q);
    ck_assert_uint_eq(sc.steps, 12);
    ck_assert_uint_eq(sc.asked, 7);
    ck_assert_uint_eq(sc.first_try, 3);
    ck_assert_uint_eq(sc.right, 4);
    ck_assert_uint_eq(sc.skipped, 1);
    ck_assert_uint_eq(sc.revealed, 1);
    ck_assert_uint_eq(sc.wrong, 5);
    ck_assert_int_eq(sc.ended, 1);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "no-derivative"), 2);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "wrong-shape"), 1);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "sign"), 1);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "transpose"), 1);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "no-1/B"), 0);

    /* the record */
    s = bs_sink_buffer();
    bs_quiz_record(&s, q);
    cJSON *r = cJSON_Parse(s.buf);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(cJSON_GetObjectItem(r, "spec")->valuestring, "4-3-2-1-bce.json");
    ck_assert_double_eq_tol(cJSON_GetObjectItem(r, "tolerance")->valuedouble, 5e-3, 1e-15);
    cJSON *steps = cJSON_GetObjectItem(r, "steps");
    ck_assert_int_eq(cJSON_GetArraySize(steps), 12);
    cJSON *z3 = cJSON_GetArrayItem(steps, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(z3, "step")->valuestring, "g[3z]");
    ck_assert_str_eq(cJSON_GetObjectItem(z3, "outcome")->valuestring, "right");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(z3, "first_try")));
    ck_assert_int_eq(cJSON_GetObjectItem(z3, "tries")->valueint, 2);
    cJSON *a0 = cJSON_GetArrayItem(cJSON_GetObjectItem(z3, "answers"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(a0, "text")->valuestring, "-1.70");
    ck_assert_str_eq(cJSON_GetObjectItem(a0, "mistake")->valuestring, "no-derivative");
    ck_assert_double_eq_tol(
        cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a0, "values"), 0), 0)
            ->valuedouble,
        -1.70, 1e-15);
    cJSON *b3 = cJSON_GetArrayItem(steps, 3);
    ck_assert_str_eq(cJSON_GetObjectItem(b3, "outcome")->valuestring, "skipped");
    ck_assert_int_eq(cJSON_GetObjectItem(b3, "hints")->valueint, 1);
    cJSON *z2 = cJSON_GetArrayItem(steps, 5);
    ck_assert_str_eq(cJSON_GetObjectItem(z2, "outcome")->valuestring, "revealed");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(z2, "answers")), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 11), "outcome")->valuestring,
                     "unanswered");
    cJSON *score = cJSON_GetObjectItem(r, "score");
    ck_assert_int_eq(cJSON_GetObjectItem(score, "first_try")->valueint, 3);
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(score, "mistakes"), "no-derivative")
                         ->valueint,
                     2);
    ck_assert_str_eq(cJSON_GetObjectItem(r, "score_line")->valuestring, line);
    cJSON_Delete(r);
    bs_sink_free_buffer(&s);

    bs_quiz_free(q);
    bs_quiz_free(NULL);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* The tolerance: g[3z] = −0.411863 off by a relative 0.4% is right, by 0.6%
 * wrong (default 0.5%). */
static const struct {
    double factor;
    int right;
} tol_cases[] = {{1.004, 1}, {0.996, 1}, {1.006, 0}, {0.994, 0}, {1.0, 1}, {-1.0, 0}};

START_TEST(test_quiz_tolerance)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net, 0);
    bs_quiz *q = quiz(t, "dz3");
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    char line[64];
    snprintf(line, sizeof line, "%.9g", -0.411863 * tol_cases[_i].factor);
    bs_quiz_feed(q, line, &s);
    bs_quiz_score sc = bs_quiz_tally(q);
    ck_assert_uint_eq(sc.first_try, (size_t)tol_cases[_i].right);
    ck_assert_int_eq(sc.ended, tol_cases[_i].right);
    if (tol_cases[_i].right)
        ck_assert(contains(&s, "score: 1/1 steps right at the first try; mistakes: none\n"));
    bs_sink_free_buffer(&s);
    bs_quiz_free(q);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* 3-4-1 tanh regression, batch of 3, mean: g[2a] = (ŷ − y)/B (closed form of
 * mse), so ŷ − y is B = 3 times too large, the 1/B of the mean left out. */
START_TEST(test_quiz_batch_mean)
{
    bs_net *net;
    bs_trace *t = load("3-4-1-tanh-regression.json", &net, 0);
    ck_assert_uint_eq(net->B, 3);
    const bs_step *yhat = bs_trace_find(t, "a[2]");
    ck_assert_ptr_nonnull(yhat);
    bs_quiz_opts o = bs_quiz_defaults();
    bs_quiz *q;
    ck_assert_int_eq(bs_quiz_create(t, &o, &q, NULL), BS_OK);
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    char line[256] = "", num[40];
    for (size_t i = 0; i < 3; i++) {
        snprintf(num, sizeof num, "%s%.6g", i ? "; " : "", yhat->value[i] - net->y[i]);
        strcat(line, num);
    }
    ck_assert_int_eq(bs_quiz_feed(q, line, &s), 1);
    ck_assert(contains(&s, "mistake: 1/B of the batch mean missing: your g[2a] matches the "
                           "right g[2a] without the 1/B of the batch mean: your gradient is "
                           "B = 3 times too large"));
    bs_sink_free_buffer(&s);
    /* the right value, (ŷ − y)/3 */
    line[0] = '\0';
    for (size_t i = 0; i < 3; i++) {
        snprintf(num, sizeof num, "%s%.6g", i ? " " : "", (yhat->value[i] - net->y[i]) / 3);
        strcat(line, num);
    }
    s = bs_sink_buffer();
    ck_assert_int_eq(bs_quiz_feed(q, line, &s), 1);
    ck_assert(contains(&s, "✓ right"));
    bs_quiz_finish(q, &s);
    ck_assert(contains(&s, "end of input at question 2 of 8\n"));
    ck_assert(contains(&s, "score: 0/8 steps right at the first try; mistakes: 1/B of the "
                           "batch mean missing ×1\n"));
    bs_sink_free_buffer(&s);
    ck_assert_uint_eq(bs_quiz_mistake_count(q, "no-1/B"), 1);
    bs_quiz_free(q);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* --only: names in any notation, asked in trace order; bad names refused. */
START_TEST(test_quiz_only)
{
    bs_net *net;
    bs_trace *t = load("4-3-2-1-bce.json", &net, 0);
    bs_quiz *q = quiz(t, " g[1W] ,dz2,∂L/∂z[2]");
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    ck_assert(contains(&s, "question 1 of 2: g[2z] = ∂L/∂z[2], 1×2 (step 6 of 12)"));
    ck_assert(contains(&s, "  g[2a] = -0.288304 0.123559\n"));
    bs_quiz_feed(q, "skip", &s);
    ck_assert(contains(&s, "question 2 of 2: g[1W] = ∂L/∂W[1], 4×3 (step 11 of 12)"));
    ck_assert(contains(&s, "type g[1W]: 4 rows of 3 numbers, rows separated by ;"));
    ck_assert_int_eq(bs_quiz_feed(q, "skip", &s), 0);
    ck_assert(contains(&s, "score: 0/2 steps right at the first try; mistakes: none"));
    bs_sink_free_buffer(&s);
    bs_quiz_free(q);

    static const char *const refused[] = {"g[4z]", "dz0", "", " , ", "z[2]", "L", "W1"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        bs_quiz_opts o = bs_quiz_defaults();
        o.only = refused[i];
        bs_error err;
        bs_error_clear(&err);
        q = NULL;
        ck_assert_int_eq(bs_quiz_create(t, &o, &q, &err), BS_ERR_USAGE);
        ck_assert_ptr_null(q);
        ck_assert_str_eq(err.where, "--only");
    }
    bs_quiz_opts o = bs_quiz_defaults();
    o.tolerance = 0;
    ck_assert_int_eq(bs_quiz_create(t, &o, &q, NULL), BS_ERR_USAGE);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* Code notation on handout 000's column convention: a column on one line,
 * and three wrong tries reveal the answer. */
START_TEST(test_quiz_code_column)
{
    bs_net *net;
    bs_trace *t = load("000-2-3-2-mse.json", &net, 0);
    bs_quiz_opts o = bs_quiz_defaults();
    o.notation = BS_NOTATION_CODE;
    o.only = "g[2a]";
    bs_quiz *q;
    ck_assert_int_eq(bs_quiz_create(t, &o, &q, NULL), BS_OK);
    const bs_step *st = bs_trace_find(t, "g[2a]");
    const bs_step *yhat = bs_trace_find(t, "a[2]");
    ck_assert_uint_eq(st->rows, 2);
    ck_assert_uint_eq(st->cols, 1);
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    ck_assert(contains(&s, "question 1 of 1: da2 = ∂L/∂a[2], 2×1"));
    ck_assert(contains(&s, "type da2: 2 numbers in one column"));
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(bs_quiz_feed(q, "0 0", &s), k < 2 ? 1 : 0);
    ck_assert(contains(&s, "no mistake of the catalogue reproduces these numbers"));
    ck_assert(contains(&s, "the answer:"));
    ck_assert(contains(&s, "score: 0/1 steps right at the first try; mistakes: not in the "
                           "catalogue ×3"));
    bs_sink_free_buffer(&s);
    bs_quiz_free(q);

    /* ŷ − y (mse, ½‖y − ŷ‖², one example) typed on one line is right */
    ck_assert_int_eq(bs_quiz_create(t, &o, &q, NULL), BS_OK);
    s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    char line[128];
    snprintf(line, sizeof line, "%.5g, %.5g", yhat->value[0] - net->y[0],
             yhat->value[1] - net->y[1]);
    ck_assert_int_eq(bs_quiz_feed(q, line, &s), 0);
    ck_assert(contains(&s, "score: 1/1 steps right at the first try; mistakes: none"));
    bs_sink_free_buffer(&s);
    bs_quiz_free(q);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* One saturated sigmoid under bce (ŷ = σ(1000) = 1 in double, y = 0): by
 * hand g[1a] = (ŷ − y)/(ŷ(1 − ŷ)) = +inf and g[1z] = ŷ − y = 1.  No answer to
 * g[1a] is right (a comparison with infinity never agrees), and the right
 * g[1z] is right although the step above it is not finite. */
START_TEST(test_quiz_nonfinite_step)
{
    bs_net *net = bs_test_load("{\"layers\": [1, 1], \"activations\": [\"sigmoid\"], "
                               "\"loss\": \"bce\", \"params\": {\"W1\": [[1000]], "
                               "\"b1\": [0]}, \"x\": [1], \"y\": [0]}");
    bs_trace *t = NULL;
    ck_assert_int_eq(bs_trace_build(net, &t, NULL), BS_OK);
    bs_quiz *q = quiz(t, "g[1a],g[1z]");
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    static const char *const tries[] = {"5", "-1e308", "0"};
    for (size_t i = 0; i < 3; i++)
        bs_quiz_feed(q, tries[i], &s);
    ck_assert(!contains(&s, "✓ right: g[1a]"));
    ck_assert(contains(&s, "the value of g[1a] is not finite: no answer is right here"));
    bs_quiz_feed(q, "1", &s);
    ck_assert(contains(&s, "✓ right: g[1z]"));
    bs_quiz_score sc = bs_quiz_tally(q);
    ck_assert_uint_eq(sc.right, 1);
    ck_assert_uint_eq(sc.first_try, 1);
    bs_sink_free_buffer(&s);
    bs_quiz_free(q);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_parse_good, 0, (int)(sizeof good / sizeof good[0]));
    tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_parse_long);
    tcase_add_test(tc, test_step_commands);
    tcase_add_loop_test(tc, test_step_as_trace, 0, 2);
    tcase_add_test(tc, test_step_to_the_end);
    tcase_add_test(tc, test_quiz_session);
    tcase_add_loop_test(tc, test_quiz_tolerance, 0,
                        (int)(sizeof tol_cases / sizeof tol_cases[0]));
    tcase_add_test(tc, test_quiz_batch_mean);
    tcase_add_test(tc, test_quiz_only);
    tcase_add_test(tc, test_quiz_code_column);
    tcase_add_test(tc, test_quiz_nonfinite_step);
    suite_add_tcase(s, tc);
    return s;
}
