/* check_exercise.c — tests of bs_exercise: student ids and rosters, the
 * hash that keys a student's variant (FNV-1a 64, against its published
 * test vectors), the variant's rounding and sameness of network, the rules
 * for hand work (each broken by a spec built here by hand) and the asked
 * steps; of bs_grade: which submission of a student counts and the
 * gradebook's rows; of the CSV fields and the set writer they share. */
#define _XOPEN_SOURCE 700
#include <check.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_grade.h"
#include "bs_net.h"
#include "bs_sink.h"

/* ---- ids and rosters ------------------------------------------------- */

static const struct {
    const char *id;
    int ok;
} ids[] = {
    {"ann", 1},       {"s1234567", 1}, {"Lee_Ann-2.b", 1}, {"_x", 1},
    {"", 0},          {".hidden", 0},  {"-rf", 0},         {"a/b", 0},
    {"a b", 0},       {"é", 0},        {"KEY", 0},         {"feedback", 0},
    {"exercise.json", 0},
    {"0123456789012345678901234567890123456789012345678901234567890123", 1},
    {"01234567890123456789012345678901234567890123456789012345678901234", 0},
};

START_TEST(test_id_check)
{
    char why[256] = "";
    int rc = bs_id_check(ids[_i].id, why, sizeof why);
    ck_assert_msg((rc == 0) == ids[_i].ok, "id \"%s\": rc %d (%s)", ids[_i].id, rc, why);
    if (!ids[_i].ok)
        ck_assert_msg(why[0] != '\0', "no reason for \"%s\"", ids[_i].id);
}
END_TEST

static const struct {
    const char *text;
    size_t n;          /* ids read, or 0 for an error */
    const char *first, *last;
    const char *where; /* the error's line */
    const char *message;
} rosters[] = {
    {"ann\nbob\ncarol\n", 3, "ann", "carol", NULL, NULL},
    {"ann\r\nbob\r\n", 2, "ann", "bob", NULL, NULL},
    {"\xef\xbb\xbf  ann  \nbob", 2, "ann", "bob", NULL, NULL},
    {"name,ID\n\"Lee, Ann\",ann\n\"Bo \"\"B\"\"\",bob\n", 2, "ann", "bob", NULL, NULL},
    {"id\nann\n", 2, "id", "ann", NULL, NULL}, /* no comma: a plain list */
    {"ann\n\nbob\n", 0, NULL, NULL, "line 2", "empty id"},
    {"ann\nbob\nAnn\n", 0, NULL, NULL, "line 3", "already on line 1"},
    {"ann\nbob\nbob\n", 0, NULL, NULL, "line 3", "already on line 2"},
    {"ann\na/b\n", 0, NULL, NULL, "line 2", "'/'"},
    {"name,mail\nann,a\n", 0, NULL, NULL, "line 1", "no \"id\" column"},
    {"name,id\nann\n", 0, NULL, NULL, "line 2", "1 fields"},
    {"name,id\nx,\"ann\n", 0, NULL, NULL, "line 2", "not closed"},
    {"", 0, NULL, NULL, "", "no student ids"},
};

START_TEST(test_roster)
{
    bs_roster *r = NULL;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_roster_parse(rosters[_i].text, strlen(rosters[_i].text), "class.txt", &r,
                                   &err);
    if (rosters[_i].n) {
        ck_assert_msg(st == BS_OK, "roster %d: %s %s", _i, err.where, err.message);
        ck_assert_uint_eq(r->n, rosters[_i].n);
        ck_assert_str_eq(r->ids[0], rosters[_i].first);
        ck_assert_str_eq(r->ids[r->n - 1], rosters[_i].last);
    } else {
        ck_assert_msg(st == BS_ERR_SPEC, "roster %d: status %d", _i, (int)st);
        ck_assert_ptr_null(r);
        ck_assert_str_eq(err.file, "class.txt");
        ck_assert_str_eq(err.where, rosters[_i].where);
        ck_assert_msg(strstr(err.message, rosters[_i].message), "roster %d: \"%s\"", _i,
                      err.message);
    }
    bs_roster_free(r);
}
END_TEST

START_TEST(test_roster_csv_lines)
{
    /* the line of each id is kept for messages */
    const char *t = "email,id,name\na@x,ann,Ann\nb@x,bob,Bob\n";
    bs_roster *r = NULL;
    ck_assert_int_eq(bs_roster_parse(t, strlen(t), "c.csv", &r, NULL), BS_OK);
    ck_assert_uint_eq(r->n, 2);
    ck_assert_uint_eq(r->line[0], 2);
    ck_assert_uint_eq(r->line[1], 3);
    ck_assert_str_eq(r->ids[1], "bob");
    bs_roster_free(r);
    bs_roster_free(NULL);
}
END_TEST

/* ---- the hash and the variant seed ----------------------------------- */

START_TEST(test_fnv1a)
{
    /* the published FNV-1a 64 test vectors (Fowler, Noll, Vo) */
    ck_assert_uint_eq(bs_id_hash(""), UINT64_C(0xcbf29ce484222325));
    ck_assert_uint_eq(bs_id_hash("a"), UINT64_C(0xaf63dc4c8601ec8c));
    ck_assert_uint_eq(bs_id_hash("foobar"), UINT64_C(0x85944171f73967e8));
}
END_TEST

/* SplitMix64 written out from its definition, for the variant seed */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

START_TEST(test_variant_seed)
{
    /* v = first output of the stream h(id) of seed: state
     * seed ^ mix(h + 1) advanced once by the golden gamma, then mixed */
    uint64_t seed = 7, h = bs_id_hash("ann");
    uint64_t state = mix(seed ^ mix(h + 1)) + UINT64_C(0x9E3779B97F4A7C15);
    uint64_t want = mix(state);
    ck_assert_uint_eq(bs_variant_seed(seed, "ann"), want);
    ck_assert_uint_ne(bs_variant_seed(seed, "ann"), bs_variant_seed(seed, "bob"));
    ck_assert_uint_ne(bs_variant_seed(7, "ann"), bs_variant_seed(8, "ann"));
}
END_TEST

/* ---- variants -------------------------------------------------------- */

static bs_trace *checked(const bs_net *net)
{
    bs_trace *t = NULL;
    bs_error err;
    ck_assert(bs_trace_build(net, &t, &err) == BS_OK);
    bs_check_opts co = bs_check_defaults(BS_METHOD_CENTRAL);
    ck_assert(bs_trace_check(t, &co, &err) == BS_OK);
    return t;
}

static const char *const bases[] = {
    "{\"layers\": [4, 3, 2, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\", "
    "\"init\": {}, \"x\": [0, 0, 0, 0], \"y\": [1]}",
    "{\"convention\": \"column\", \"layers\": [2, 3, 2], \"activations\": [\"relu\", "
    "\"sigmoid\"], \"loss\": \"mse\", \"init\": {}, \"x\": [[0, 0], [1, 1]], \"y\": [[0, 1], "
    "[1, 0]]}",
    "{\"layers\": [3, 4, 3], \"activations\": [\"tanh\", \"softmax\"], \"loss\": "
    "\"cross_entropy\", \"l2\": 0.01, \"batch_reduction\": \"sum\", \"init\": {}, "
    "\"x\": [[0, 0, 0], [1, 1, 1], [2, 2, 2]], \"labels\": [0, 1, 2]}",
};

START_TEST(test_variant)
{
    bs_net *base = bs_test_load(bases[_i]);
    int digits = 1 + _i; /* 1, 2, 3 decimals */
    bs_sink a = bs_sink_buffer(), b = bs_sink_buffer(), c = bs_sink_buffer();
    unsigned draws = 0;
    bs_error err;
    ck_assert(bs_variant_write(base, 3, "ann", digits, &a, &draws, &err) == BS_OK);
    ck_assert(draws >= 1);
    ck_assert(bs_variant_write(base, 3, "ann", digits, &b, NULL, &err) == BS_OK);
    ck_assert(bs_variant_write(base, 3, "bob", digits, &c, NULL, &err) == BS_OK);
    ck_assert_str_eq(a.buf, b.buf);
    ck_assert_str_ne(a.buf, c.buf);
    bs_net *v = bs_test_load(a.buf);
    /* the same network, loss, convention, batch and λ */
    ck_assert_uint_eq(v->L, base->L);
    for (size_t l = 0; l <= v->L; l++)
        ck_assert_uint_eq(v->n[l], base->n[l]);
    for (size_t l = 1; l <= v->L; l++)
        ck_assert_ptr_eq(v->act[l], base->act[l]);
    ck_assert_ptr_eq(v->loss, base->loss);
    ck_assert_int_eq(v->convention, base->convention);
    ck_assert_int_eq(v->reduction, base->reduction);
    ck_assert_uint_eq(v->B, base->B);
    ck_assert_double_eq(v->l2, base->l2);
    /* every weight, bias and input is a nonzero multiple of 10^−digits */
    double p = pow(10.0, digits);
    for (size_t l = 1; l <= v->L; l++) {
        for (size_t k = 0; k < v->n[l - 1] * v->n[l]; k++) {
            ck_assert_double_eq_tol(v->W[l][k] * p, round(v->W[l][k] * p), 1e-9);
            ck_assert(v->W[l][k] != 0.0);
            ck_assert(fabs(v->W[l][k]) <= fmin(1.0, 2.0 / sqrt((double)v->n[l - 1])) + 1e-12);
        }
        for (size_t k = 0; k < v->n[l]; k++) {
            ck_assert_double_eq_tol(v->b[l][k] * p, round(v->b[l][k] * p), 1e-9);
            ck_assert(fabs(v->b[l][k]) <= 0.5);
        }
    }
    for (size_t k = 0; k < v->B * v->n[0]; k++) {
        ck_assert_double_eq_tol(v->x[k] * p, round(v->x[k] * p), 1e-9);
        ck_assert(v->x[k] != 0.0 && fabs(v->x[k]) <= 1.0);
    }
    bs_trace *t = checked(v);
    char why[256] = "";
    ck_assert_msg(bs_variant_suits(t, digits, why, sizeof why), "%s", why);
    bs_trace_free(t);
    bs_net_free(v);
    bs_net_free(base);
    bs_sink_free_buffer(&a);
    bs_sink_free_buffer(&b);
    bs_sink_free_buffer(&c);
}
END_TEST

START_TEST(test_variant_too_large)
{
    bs_net *base = bs_test_load("{\"layers\": [30, 20, 1], \"activations\": \"sigmoid\", \"loss\": "
                        "\"bce\", \"init\": {}, \"random_batch\": {\"size\": 2}}");
    bs_sink s = bs_sink_buffer();
    bs_error err;
    /* 30·20 + 20 + 20 + 1 parameters and 2·31 inputs and targets: 703 > 600 */
    ck_assert(bs_variant_write(base, 1, "ann", 2, &s, NULL, &err) == BS_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "703 numbers"));
    ck_assert(bs_variant_write(base, 1, "ann", 5, &s, NULL, &err) == BS_ERR_USAGE);
    bs_sink_free_buffer(&s);
    bs_net_free(base);
}
END_TEST

/* each spec breaks one rule of hand work, worked out by hand */
static const struct {
    const char *spec;
    int suits;
    const char *why;
} rules[] = {
    /* z = 0.5, a = σ(0.5) = 0.622: suits */
    {"{\"layers\": [1, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\", \"params\": "
     "{\"W1\": [[0.5]], \"b1\": [0]}, \"x\": [1], \"y\": [1]}",
     1, ""},
    /* z = 3, σ(3) = 0.953 > 0.95 */
    {"{\"layers\": [1, 1], \"activations\": \"sigmoid\", \"loss\": \"bce\", \"params\": "
     "{\"W1\": [[3]], \"b1\": [0]}, \"x\": [1], \"y\": [0]}",
     0, "saturated"},
    /* z = 2, tanh(2) = 0.964 > 0.95 */
    {"{\"layers\": [1, 1, 1], \"activations\": [\"tanh\", \"identity\"], \"loss\": \"mse\", "
     "\"params\": {\"W1\": [[2]], \"b1\": [0], \"W2\": [[1]], \"b2\": [0]}, \"x\": [1], "
     "\"y\": [0.5]}",
     0, "tanh output"},
    /* z = 0.03: within 0.05 of the ReLU kink */
    {"{\"layers\": [1, 1, 1], \"activations\": [\"relu\", \"identity\"], \"loss\": \"mse\", "
     "\"params\": {\"W1\": [[0.03]], \"b1\": [0], \"W2\": [[1]], \"b2\": [0]}, \"x\": [1], "
     "\"y\": [0.5]}",
     0, "kink"},
    /* z = −0.5: the ReLU is off, so a[1] = 0 and g[2W] = (a[1])ᵀ g[2z] = 0 */
    {"{\"layers\": [1, 1, 1], \"activations\": [\"relu\", \"identity\"], \"loss\": \"mse\", "
     "\"params\": {\"W1\": [[-0.5]], \"b1\": [0], \"W2\": [[1]], \"b2\": [0]}, \"x\": [1], "
     "\"y\": [0.5]}",
     0, "every element of g[2W]"},
    /* ŷ = 0.5 = y with mse: g[2a] = ŷ − y = 0 */
    {"{\"layers\": [1, 1], \"activations\": \"identity\", \"loss\": \"mse\", \"params\": "
     "{\"W1\": [[1]], \"b1\": [0]}, \"x\": [0.5], \"y\": [0.5]}",
     0, "every element of g[1a]"},
    /* softmax of z = (0, 4): ŷ_2 = e⁴/(1 + e⁴) = 0.982 > 0.98 */
    {"{\"layers\": [1, 2], \"activations\": \"softmax\", \"loss\": \"cross_entropy\", "
     "\"params\": {\"W1\": [[0, 4]], \"b1\": [0, 0]}, \"x\": [1], \"labels\": [0]}",
     0, "softmax output"},
};

START_TEST(test_suits)
{
    bs_net *net = bs_test_load(rules[_i].spec);
    bs_trace *t = checked(net);
    char why[256] = "";
    int s = bs_variant_suits(t, 2, why, sizeof why);
    ck_assert_msg(s == rules[_i].suits, "rule %d: %d (%s)", _i, s, why);
    ck_assert_msg(strstr(why, rules[_i].why), "rule %d: \"%s\"", _i, why);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

/* ---- options --------------------------------------------------------- */

START_TEST(test_steps)
{
    bs_net *net = bs_test_load(bases[0]);
    bs_trace *t = checked(net);
    size_t idx[64], n = 0;
    bs_error err;
    ck_assert(bs_exercise_steps(t, NULL, idx, &n, &err) == BS_OK);
    ck_assert_uint_eq(n, 12);
    ck_assert_str_eq(t->steps[idx[0]].id, "g[3a]");
    ck_assert_str_eq(t->steps[idx[11]].id, "g[1b]");
    /* any notation, given in any order, kept in trace order */
    ck_assert(bs_exercise_steps(t, "dL/db1,dW2,g[3z]", idx, &n, &err) == BS_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(t->steps[idx[0]].id, "g[3z]");
    ck_assert_str_eq(t->steps[idx[1]].id, "g[2W]");
    ck_assert_str_eq(t->steps[idx[2]].id, "g[1b]");
    ck_assert(bs_exercise_steps(t, "dz2,g[2z]", idx, &n, &err) == BS_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "named twice"));
    ck_assert(bs_exercise_steps(t, "g[4z]", idx, &n, &err) == BS_ERR_USAGE);
    ck_assert(bs_exercise_steps(t, "loss", idx, &n, &err) == BS_ERR_USAGE);
    ck_assert(bs_exercise_steps(t, "z[1]", idx, &n, &err) == BS_ERR_USAGE);
    bs_trace_free(t);
    bs_net_free(net);
}
END_TEST

START_TEST(test_tolerance_and_formats)
{
    double rtol, atol;
    bs_exercise_tolerance(2, &rtol, &atol);
    ck_assert_double_eq_tol(rtol, 5e-3, 1e-15);
    ck_assert_double_eq_tol(atol, 5e-5, 1e-15);
    bs_exercise_tolerance(1, &rtol, &atol);
    ck_assert_double_eq_tol(atol, 5e-4, 1e-15);
    unsigned f;
    char why[160];
    ck_assert_int_eq(bs_exercise_formats_parse("html,markdown", &f, why, sizeof why), 0);
    ck_assert_uint_eq(f, (1u << BS_FORMAT_HTML) | (1u << BS_FORMAT_MARKDOWN));
    ck_assert_int_eq(bs_exercise_formats_parse("latex,pdf", &f, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "\"pdf\""));
}
END_TEST

/* ---- CSV fields, the set writer, grading ------------------------------ */

/* Expected by hand: RFC 4180 (a field with a comma, a quote or a line
 * break is quoted, its quotes doubled) and OWASP's CSV injection advice (a
 * cell starting with = + - @ TAB CR is prefixed with ' and quoted), except
 * a whole decimal number, which a spreadsheet reads as a number. */
static const struct {
    const char *in, *out;
} csv_fields[] = {
    {"ann", "ann"},
    {"", ""},
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"two\nlines", "\"two\nlines\""},
    {"a=1", "a=1"},
    {"=1+1", "\"'=1+1\""},
    {"+SUM(2,3)", "\"'+SUM(2,3)\""},
    {"@SUM(1+1)", "\"'@SUM(1+1)\""},
    {"-1+2", "\"'-1+2\""},
    {"=\"x\"", "\"'=\"\"x\"\"\""},
    {"\t=1", "\"'\t=1\""},
    {"\r=1", "\"'\r=1\""},
    {"-", "\"'-\""},
    {"-inf", "\"'-inf\""},
    {"-0x10", "\"'-0x10\""},
    {"-0.0113", "-0.0113"},
    {"+2e-5", "+2e-5"},
    {"-12", "-12"},
};

START_TEST(test_csv_field)
{
    bs_sink b = bs_sink_buffer();
    bs_sink_csv_field(&b, csv_fields[_i].in);
    ck_assert_int_eq(bs_sink_status(&b), 0);
    ck_assert_str_eq(b.buf ? b.buf : "", csv_fields[_i].out);
    bs_sink_free_buffer(&b);
}
END_TEST

/* an empty directory name is refused, not taken for the root directory */
START_TEST(test_write_empty_dir)
{
    char name[64];
    snprintf(name, sizeof name, "bs-check-empty-dir-%ld", (long)getpid());
    bs_fileset *fs = bs_fileset_create();
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_fileset_add(fs, name, "x", 1, &err) == BS_OK);
    bs_status st = bs_fileset_write(fs, "", NULL, &err);
    char root[80];
    snprintf(root, sizeof root, "/%s", name);
    struct stat sb;
    int written = stat(root, &sb) == 0;
    if (written)
        unlink(root);
    ck_assert_msg(!written, "%s was written", root);
    ck_assert_int_eq(st, BS_ERR_USAGE);
    ck_assert(bs_write_under("", name, "x", 1, NULL, &err) == BS_ERR_USAGE);
    bs_fileset_free(fs);
}
END_TEST

/* A set of ann and bob asked g[3z], in a new directory under /tmp. */
static bs_exercise_set *grade_set(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/bs_check_grade.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_roster *roster = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_roster_parse("ann\nbob\n", 8, "roster", &roster, &err) == BS_OK);
    bs_exercise_opts o = bs_exercise_defaults();
    o.steps = "g[3z]";
    o.formats = 1u << BS_FORMAT_MARKDOWN;
    bs_fileset *fs = NULL;
    ck_assert_msg(bs_exercise_build(net, roster, &o, &fs, &err) == BS_OK, "%s", err.message);
    ck_assert_msg(bs_fileset_write(fs, dir, NULL, &err) == BS_OK, "%s", err.message);
    bs_exercise_set *x = NULL;
    ck_assert_msg(bs_exercise_set_open(dir, &x, &err) == BS_OK, "%s", err.message);
    bs_fileset_free(fs);
    bs_roster_free(roster);
    bs_net_free(net);
    return x;
}

static void remove_set(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* A submission that failed does not take the student's id: a later valid
 * one is graded; a second valid one is a duplicate.  The rows of the
 * gradebook all have the header's 7 fields (id, file, status, score, g[3z],
 * mistakes, error: counted from the header by hand). */
START_TEST(test_grade_failed_then_valid)
{
    char dir[64];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    static const char *const texts[] = {
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null, \"g[4z]\": [1]}}",
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"=1+1\", \"claims\": {\"g[3z]\": null}}",
    };
    static const char *const names[] = {"extra.json", "valid.json", "again.json", "f.json"};
    bs_grade_result r[4];
    bs_error err;
    bs_error_clear(&err);
    for (int i = 0; i < 4; i++)
        ck_assert(bs_grade_text(x, texts[i], strlen(texts[i]), names[i], &r[i], &err) == BS_OK);
    ck_assert_int_eq(r[0].error, 1);
    ck_assert_ptr_nonnull(strstr(r[0].reason, "not one of the asked steps"));
    ck_assert_msg(r[1].error == 0, "valid.json: %s", r[1].reason);
    ck_assert_uint_eq(r[1].missing, 1);
    ck_assert_int_eq(r[2].error, 1);
    ck_assert_ptr_nonnull(strstr(r[2].reason, "already graded from valid.json"));
    ck_assert_int_eq(r[3].error, 1);
    /* the feedback of ann is that of valid.json; none for the duplicate */
    ck_assert_int_eq(bs_grade_gives_feedback(r, 4, 0), 0);
    ck_assert_int_eq(bs_grade_gives_feedback(r, 4, 1), 1);
    ck_assert_int_eq(bs_grade_gives_feedback(r, 4, 2), 0);
    ck_assert_int_eq(bs_grade_gives_feedback(r, 4, 3), 0);
    ck_assert_int_eq(bs_grade_gives_feedback(r, 1, 0), 1); /* a failed one alone */
    bs_sink b = bs_sink_buffer();
    bs_gradebook_csv(&b, x, r, 4);
    ck_assert_int_eq(bs_sink_status(&b), 0);
    ck_assert_msg(strstr(b.buf, "\nann,extra.json,error,,,,\"claims: ") != NULL, "%s", b.buf);
    ck_assert_msg(strstr(b.buf, "\nann,valid.json,graded,0/1,missing,,\n") != NULL, "%s", b.buf);
    ck_assert_msg(strstr(b.buf, "\n\"'=1+1\",f.json,error,,,,\"unknown id") != NULL, "%s",
                  b.buf);
    bs_sink_free_buffer(&b);
    for (int i = 0; i < 4; i++)
        bs_grade_result_free(&r[i]);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

Suite *exercise_suite(void)
{
    Suite *s = suite_create("exercise");
    TCase *tc = tcase_create("roster");
    tcase_add_loop_test(tc, test_id_check, 0, (int)(sizeof ids / sizeof ids[0]));
    tcase_add_loop_test(tc, test_roster, 0, (int)(sizeof rosters / sizeof rosters[0]));
    tcase_add_test(tc, test_roster_csv_lines);
    suite_add_tcase(s, tc);
    tc = tcase_create("variant");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fnv1a);
    tcase_add_test(tc, test_variant_seed);
    tcase_add_loop_test(tc, test_variant, 0, (int)(sizeof bases / sizeof bases[0]));
    tcase_add_test(tc, test_variant_too_large);
    tcase_add_loop_test(tc, test_suits, 0, (int)(sizeof rules / sizeof rules[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("options");
    tcase_add_test(tc, test_steps);
    tcase_add_test(tc, test_tolerance_and_formats);
    suite_add_tcase(s, tc);
    tc = tcase_create("grade");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_csv_field, 0, (int)(sizeof csv_fields / sizeof csv_fields[0]));
    tcase_add_test(tc, test_write_empty_dir);
    tcase_add_test(tc, test_grade_failed_then_valid);
    suite_add_tcase(s, tc);
    return s;
}
