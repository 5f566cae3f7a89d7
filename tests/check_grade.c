/* check_grade.c — tests of the one reader of answers files: a table of
 * files, each read by both paths that read them, grading (bs_grade_text)
 * and the check before handing in (bs_answers_check), which must find the
 * same problems and say them in the same words.
 *
 * The expected lines are the contract written out here by hand from the
 * rules of bs_grade.h and bs_gradebook.h (what is fatal, what costs one
 * step, what is only a warning), with the JSON reader's own messages for
 * text that is not JSON.  From each file's list of problems the test
 * derives what each path must show: the check writes every line and fails
 * the file when there is one; grading fails the file with the fatal ones
 * as its reason ("; " between), marks a step malformed with its first
 * problem as the step's note, and keeps the warnings. */
#define _XOPEN_SOURCE 700
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "suites.h"
#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_grade.h"
#include "bs_gradebook.h"
#include "bs_net.h"
#include "bs_sink.h"

/* A set of ann and bob asked g[3z],g[2W] (bs_test_exercise_set). */
static bs_exercise_set *answers_set(char *dir, size_t size)
{
    return bs_test_exercise_set("bs_check_answers", "g[3z],g[2W]", dir, size);
}

static void remove_set(const char *dir)
{
    bs_test_remove_dir(dir);
}

/* a well-formed g[2W]: three rows of two (the values need not be right) */
#define W2 "[[0.04, -0.03], [0.048, -0.036], [0.045, -0.034]]"
#define GOOD "{\"id\": \"ann\", \"claims\": {\"g[3z]\": -0.48, \"g[2W]\": " W2 "}}"

/* One problem: F fatal (not graded), M its step malformed, W a warning;
 * step the asked step (0 g[3z], 1 g[2W]) of an M, else -1. */
typedef struct expect {
    char level;
    int step;
    const char *text;
} expect;

static const struct {
    const char *name; /* the file's name, as grade and the check are given it */
    const char *text;
    expect problems[4];
} files[] = {
    {"ann.json", GOOD, {{0, 0, NULL}}},
    {"ann.json", "", {{'F', -1, "not valid JSON: 1:1: the file is empty (or holds only whitespace)"}}},
    {"ann.json", "\xEF\xBB\xBF" GOOD, {{0, 0, NULL}}}, /* a byte-order mark is read past */
    {"ann.json",
     "{\"$comment\": \"week 3\", \"id\": \"ann\", \"claims\": {\"// g[3z] by hand\": 1, "
     "\"g[3z]\": -0.48, \"g[2W]\": " W2 "}}",
     {{0, 0, NULL}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": 1, \"g[3z]\": 2, \"g[2W]\": null}}",
     {{'F', -1, "not valid JSON: 1:38: duplicate key \"g[3z]\" (first defined at 1:26)"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": 1, \"dz3\": 2, \"g[2W]\": null}}",
     {{'M', 0, "claims.dz3: g[3z] is answered twice (also under \"g[3z]\"): which answer "
               "counts is not said"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": \" -0.48\", \"g[2W]\": " W2 "}}",
     {{'W', 0, "claims.g[3z]: 1 number written as text, read as number"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": NaN, \"g[2W]\": null}}",
     {{'F', -1, "not valid JSON: 1:35: NaN is not a JSON number (write a finite number)"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": \"NaN\", \"g[2W]\": null}}",
     {{'M', 0, "claims.g[3z]: a text that is not a number"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": 1e999, \"g[2W]\": null}}",
     {{'F', -1, "not valid JSON: 1:35: number 1e999 is out of range (its magnitude overflows a "
                "double)"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[3z]\": \"-Infinity\", \"g[2W]\": null}}",
     {{'M', 0, "claims.g[3z]: a text that is not a number"}}},
    {"ann.json", "{\"answers\": " GOOD "}",
     {{'W', -1, "unknown key \"answers\" (expected \"id\" and \"claims\"): ignored"},
      {'F', -1, "no \"id\": which student's answers these are is not said"},
      {'F', -1, "no \"claims\": the answers are missing"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"layer 3\": {\"g[3z]\": -0.48}, \"g[2W]\": " W2 "}}",
     {{'W', -1, "claims: \"layer 3\" is not one of the asked steps: ignored"},
      {'W', -1, "claims: the key \"g[3z]\" is missing (graded as not answered)"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": {\"g[2W]\": " W2 "}}",
     {{'W', -1, "claims: the key \"g[3z]\" is missing (graded as not answered)"}}},
    {"ann.json",
     "{\"id\": \"ann\", \"name\": \"Ann\", \"claims\": {\"g[3z]\": -0.48, \"g[9z]\": 1, "
     "\"g[2W]\": " W2 "}}",
     {{'W', -1, "unknown key \"name\" (expected \"id\" and \"claims\"): ignored"},
      {'W', -1, "claims: \"g[9z]\" is not one of the asked steps (did you mean \"g[3z]\"?): "
                "ignored"}}},
    {"ann.json",
     "{\"id\": \"ann\", \"claims\": {\"g[3z]\": -0.48, \"g[2W]\": [[0.04, 0.048, 0.045], "
     "[-0.03, -0.036, -0.034]]}}",
     {{'W', 1, "claims.g[2W]: expected 3×2 (as the sheet shows it), got 2×3"}}},
    {"ann.json",
     "{\"id\": \"ann\", \"claims\": {\"g[3z]\": -0.48, \"g[2W]\": [0.04, -0.03, 0.048, -0.036, "
     "0.045, -0.034]}}",
     {{'M', 1, "claims.g[2W]: a flat list of 6 numbers for a 3×2 step: write it as a list of 3 "
               "rows of 2"}}},
    {"ann.json",
     "{\"id\": \"ann\", \"claims\": {\"g[3z]\": -0.48, \"g[2W]\": [[1, 2], [3, 4]]}}",
     {{'M', 1, "claims.g[2W]: expected 3×2 (row convention, as in the trace), got 2×2"}}},
    {"ann.json", "[" GOOD "]", {{'F', -1, "expected an object {\"id\": …, \"claims\": {…}}"}}},
    {"ann.json", "{\"id\": 7, \"claims\": {\"g[3z]\": null, \"g[2W]\": null}}",
     {{'F', -1, "id: expected a string"}}},
    {"ann.json", "{\"id\": \"ann\", \"claims\": [-0.48]}",
     {{'F', -1, "claims: expected an object of step names and answers"}}},
    {"anne.json", "{\"id\": \"anne\", \"claims\": {\"g[3z]\": null, \"g[2W]\": null}}",
     {{'F', -1, "unknown id \"anne\": not on the exercise's roster"}}},
    {"bob/answers.json", GOOD,
     {{'F', -1, "the file's name says bob but its id says ann: not graded for either (check "
                "it)"}}},
};

/* the problems of files[i] at one level, "; " between */
static void joined(int i, int fatal, char *buf, size_t size)
{
    buf[0] = '\0';
    for (const expect *e = files[i].problems; e->text; e++)
        if ((e->level == 'F') == fatal)
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "; " : "",
                     e->text);
}

START_TEST(test_both_paths)
{
    char dir[64];
    bs_exercise_set *x = answers_set(dir, sizeof dir);
    const char *name = files[_i].name, *text = files[_i].text;
    size_t len = strlen(text), nexp = 0, nfatal = 0;
    char want[4096] = "";
    for (const expect *e = files[_i].problems; e->text; e++, nexp++) {
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s: %s\n", name, e->text);
        nfatal += e->level == 'F';
    }

    /* the check: every problem, one line each; 0 when there is none */
    bs_sink b = bs_sink_buffer();
    size_t k = bs_answers_check(x, text, len, name, &b);
    ck_assert_int_eq(bs_sink_status(&b), 0);
    ck_assert_msg(k == nexp && strcmp(b.buf ? b.buf : "", want) == 0,
                  "file %d: the check says (%zu)\n%swhere it should say (%zu)\n%s", _i, k,
                  b.buf ? b.buf : "", nexp, want);
    bs_sink_free_buffer(&b);

    /* grading: the same problems, each where grading keeps it */
    bs_grade_result r;
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_grade_text(x, text, len, name, &r, &err) == BS_OK);
    char fatal[2048], others[2048];
    joined(_i, 1, fatal, sizeof fatal);
    joined(_i, 0, others, sizeof others);
    ck_assert_msg(r.error == (nfatal > 0), "file %d: error %d, reason \"%s\"", _i, r.error,
                  r.reason);
    if (nfatal) {
        ck_assert_str_eq(r.reason, fatal);
        ck_assert_str_eq(r.warnings, others);
    } else {
        /* the warnings, and each malformed step with its first problem */
        char warn[2048] = "";
        size_t malformed = 0;
        for (const expect *e = files[_i].problems; e->text; e++)
            if (e->level == 'W')
                snprintf(warn + strlen(warn), sizeof warn - strlen(warn), "%s%s",
                         warn[0] ? "; " : "", e->text);
        ck_assert_str_eq(r.warnings, warn);
        ck_assert_uint_eq(r.nsteps, 2);
        for (size_t s = 0; s < r.nsteps; s++) {
            const expect *m = NULL;
            for (const expect *e = files[_i].problems; e->text && !m; e++)
                if (e->level == 'M' && e->step == (int)s)
                    m = e;
            ck_assert_msg((r.steps[s].mark == BS_MARK_MALFORMED) == (m != NULL),
                          "file %d, step %zu: mark %d", _i, s, (int)r.steps[s].mark);
            if (m) {
                ck_assert_str_eq(r.steps[s].note, m->text);
                malformed++;
            }
        }
        ck_assert_uint_eq(r.malformed, malformed);
    }
    bs_grade_result_free(&r);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

/* The same good file handed in twice (under two names): the check has
 * nothing to say about it; grading grades both, and the gradebook has one
 * row for ann (the later), counting two files. */
START_TEST(test_handed_in_twice)
{
    char dir[64];
    bs_exercise_set *x = answers_set(dir, sizeof dir);
    bs_sink b = bs_sink_buffer();
    ck_assert_uint_eq(bs_answers_check(x, GOOD, strlen(GOOD), "ann.json", &b), 0);
    ck_assert_uint_eq(b.len, 0);
    bs_sink_free_buffer(&b);
    bs_grade_result r[2];
    bs_error err;
    bs_error_clear(&err);
    const char *names[2] = {"ann.json", "late/ann.json"};
    for (int i = 0; i < 2; i++) {
        ck_assert(bs_grade_text(x, GOOD, strlen(GOOD), names[i], &r[i], &err) == BS_OK);
        ck_assert_msg(!r[i].error && !r[i].warnings[0] && !r[i].malformed, "%s: %s%s", names[i],
                      r[i].reason, r[i].warnings);
        r[i].mtime = i;
    }
    bs_grade_row *rows = NULL;
    size_t nrows = 0;
    ck_assert(bs_grade_rows(x, r, 2, BS_RESUBMIT_LATEST, &rows, &nrows, &err) == BS_OK);
    ck_assert_uint_eq(nrows, 2); /* ann, then bob (missing) */
    ck_assert_int_eq(rows[0].status, BS_ROW_GRADED);
    ck_assert_uint_eq(rows[0].handed_in, 2);
    ck_assert_ptr_eq(rows[0].result, &r[1]);
    ck_assert_int_eq(rows[1].status, BS_ROW_MISSING);
    free(rows);
    bs_grade_result_free(&r[0]);
    bs_grade_result_free(&r[1]);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

Suite *grade_suite(void)
{
    Suite *s = suite_create("grade");
    TCase *tc = tcase_create("answers");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_both_paths, 0, (int)(sizeof files / sizeof files[0]));
    tcase_add_test(tc, test_handed_in_twice);
    suite_add_tcase(s, tc);
    return s;
}
