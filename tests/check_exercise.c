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
#include "bs_check.h"
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
    /* a one-column header is no student; blank and '#' lines are skipped */
    {"id\nann\n", 1, "ann", "ann", NULL, NULL},
    {"ID\r\nann\r\n", 1, "ann", "ann", NULL, NULL},
    {"# class of 2026\nstudent_id\nann\n", 1, "ann", "ann", NULL, NULL},
    {"ann\n\nbob\n", 2, "ann", "bob", NULL, NULL},
    {"# class\r\nann\r\n\r\n  # late\r\nbob\r\n\r\n", 2, "ann", "bob", NULL, NULL},
    {"name,Student\n\nx,ann\n# gone\ny,bob\n\n", 2, "ann", "bob", NULL, NULL},
    {"ann\nid\n", 2, "ann", "id", NULL, NULL}, /* a header only on the first line */
    {"# nobody\n\n", 0, NULL, NULL, "", "no student ids"},
    {"ann\nbob\nAnn\n", 0, NULL, NULL, "line 3", "already on line 1"},
    {"ann\nbob\nbob\n", 0, NULL, NULL, "line 3", "already on line 2"},
    {"ann\na/b\n", 0, NULL, NULL, "line 2", "'/'"},
    {"name,mail\nann,a\n", 0, NULL, NULL, "line 1", "no such column"},
    {"name,id\nann\n", 0, NULL, NULL, "line 2", "1 field,"},
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

/* Every bad line is reported, one error each, in file order. */
START_TEST(test_roster_every_error)
{
    const char *t = "ann\na/b\nANN\n\n-x\nbob\n";
    bs_roster *r = NULL;
    bs_error errs[2];
    size_t n = 0;
    ck_assert_int_eq(bs_roster_parse_all(t, strlen(t), "c.txt", &r, errs, 2, &n), BS_ERR_SPEC);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(n, 3); /* lines 2, 3 and 5; two kept */
    ck_assert_str_eq(errs[0].where, "line 2");
    ck_assert_str_eq(errs[0].file, "c.txt");
    ck_assert_str_eq(errs[1].where, "line 3");
    ck_assert_ptr_nonnull(strstr(errs[1].message, "already on line 1"));
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

/* A set of ann and bob asked g[3z] (bs_test_exercise_set). */
static bs_exercise_set *grade_set(char *dir, size_t size)
{
    return bs_test_exercise_set("bs_check_grade", "g[3z]", dir, size);
}

static void remove_set(const char *dir)
{
    bs_test_remove_dir(dir);
}

/* grades texts[i] as names[i] (with modification times mtime[i]) */
static void grade_all(bs_exercise_set *x, const char *const *texts, const char *const *names,
                      const double *mtime, bs_grade_result *r, int n)
{
    bs_error err;
    bs_error_clear(&err);
    for (int i = 0; i < n; i++) {
        ck_assert(bs_grade_text(x, texts[i], strlen(texts[i]), names[i], &r[i], &err) == BS_OK);
        r[i].mtime = mtime ? mtime[i] : 0;
    }
}

/* The policy: written into the manifest and said on the sheet by exercise,
 * read back by grade (carry when the manifest has none), and overridden. */
START_TEST(test_policy_stored)
{
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_roster *roster = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_roster_parse("ann\n", 4, "roster", &roster, &err) == BS_OK);
    bs_exercise_opts o = bs_exercise_defaults();
    ck_assert_int_eq(o.policy, BS_POLICY_CARRY);
    o.steps = "g[3z]";
    o.formats = 1u << BS_FORMAT_MARKDOWN;
    o.policy = BS_POLICY_STRICT;
    bs_fileset *fs = NULL;
    ck_assert_msg(bs_exercise_build(net, roster, &o, &fs, &err) == BS_OK, "%s", err.message);
    int manifest = 0, sheet = 0;
    for (size_t i = 0; i < fs->n; i++) {
        char *d = strndup(fs->files[i].data, fs->files[i].len);
        ck_assert_ptr_nonnull(d);
        if (strcmp(fs->files[i].path, "exercise.json") == 0)
            manifest = strstr(d, "\"policy\": \"strict\",\n") != NULL;
        if (strcmp(fs->files[i].path, "ann/sheet.md") == 0)
            sheet = strstr(d, "Each step is marked against the right values, so a slip also "
                              "costs every step worked out from it.") != NULL;
        free(d);
    }
    ck_assert_int_eq(manifest, 1);
    ck_assert_int_eq(sheet, 1);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/bs_check_policy.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_msg(bs_fileset_write(fs, dir, NULL, &err) == BS_OK, "%s", err.message);
    bs_exercise_set *x = NULL;
    ck_assert_msg(bs_exercise_set_open(dir, &x, &err) == BS_OK, "%s", err.message);
    ck_assert_int_eq(bs_exercise_set_policy(x), BS_POLICY_STRICT);
    bs_exercise_set_set_policy(x, BS_POLICY_CARRY);
    ck_assert_int_eq(bs_exercise_set_policy(x), BS_POLICY_CARRY);
    bs_exercise_set_free(x);
    remove_set(dir);
    bs_fileset_free(fs);
    bs_roster_free(roster);
    bs_net_free(net);
}
END_TEST

/* One row per roster student in roster order, then the files of no roster
 * student.  A submission that failed never takes the place of a valid one;
 * ids compare without regard to case or surrounding spaces and show in the
 * roster's spelling.  The rows all have the header's 13 fields (id, file,
 * handed_in, status, score, points, max_points, percent, other_variant,
 * g[3z], mistakes, error, policy: counted by hand; one step of weight 1). */
START_TEST(test_grade_failed_then_valid)
{
    char dir[64];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    static const char *const texts[] = {
        "{\"id\": \"ann\", \"claims\": [null]}",
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \" ANN \", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"=1+1\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"ann\", \"claims\": [null]}",
    };
    static const char *const names[] = {"extra.json", "valid.json", "again.json", "f.json",
                                        "late.json"};
    bs_grade_result r[5];
    grade_all(x, texts, names, NULL, r, 5);
    ck_assert_int_eq(r[0].error, 1);
    ck_assert_ptr_nonnull(strstr(r[0].reason, "claims: expected an object"));
    ck_assert_msg(r[1].error == 0, "valid.json: %s", r[1].reason);
    ck_assert_uint_eq(r[1].missing, 1);
    ck_assert_msg(r[2].error == 0, "again.json: %s", r[2].reason);
    ck_assert_str_eq(r[2].id, "ann"); /* the roster's spelling */
    ck_assert_int_eq(r[3].error, 1);
    bs_grade_row *rows = NULL;
    size_t nrows = 0;
    bs_error err;
    ck_assert(bs_grade_rows(x, r, 5, BS_RESUBMIT_LATEST, &rows, &nrows, &err) == BS_OK);
    ck_assert_uint_eq(nrows, 3); /* ann, bob, then =1+1 */
    /* the latest that could be graded: again.json, not the failed late.json */
    ck_assert_ptr_eq(rows[0].result, &r[2]);
    ck_assert_uint_eq(rows[0].handed_in, 4);
    ck_assert_int_eq(bs_grade_gives_feedback(&rows[0]), 1);
    ck_assert_int_eq(rows[1].status, BS_ROW_MISSING);
    ck_assert_int_eq(bs_grade_gives_feedback(&rows[1]), 0);
    ck_assert_int_eq(rows[2].status, BS_ROW_UNKNOWN);
    ck_assert_int_eq(bs_grade_gives_feedback(&rows[2]), 0);
    bs_sink b = bs_sink_buffer();
    bs_gradebook_csv(&b, x, rows, nrows);
    ck_assert_int_eq(bs_sink_status(&b), 0);
    ck_assert_msg(strncmp(b.buf, "id,file,handed_in,status,score,points,max_points,percent,"
                                 "other_variant,g[3z],mistakes,error,policy\n"
                                 "ann,again.json,4,graded,0/1,0,1,0.00,,missing,,,carry\n"
                                 "bob,,0,missing,,,1,,,,,,carry\n"
                                 "\"'=1+1\",f.json,1,not on roster,,,1,,,,,\"unknown id",
                          strlen("id,file,handed_in,status,score,points,max_points,percent,"
                                 "other_variant,g[3z],mistakes,error,policy\n"
                                 "ann,again.json,4,graded,0/1,0,1,0.00,,missing,,,carry\n"
                                 "bob,,0,missing,,,1,,,,,,carry\n"
                                 "\"'=1+1\",f.json,1,not on roster,,,1,,,,,\"unknown id")) == 0,
                  "%s", b.buf);
    bs_sink_free_buffer(&b);
    free(rows);
    for (int i = 0; i < 5; i++)
        bs_grade_result_free(&r[i]);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

/* latest: the newest valid file, a tie going to the later on the command
 * line; first: the oldest; error: none, the row naming every file. */
START_TEST(test_grade_resubmissions)
{
    char dir[64];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    static const char *const texts[] = {
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"ann\"}", /* the newest, failed: no claims */
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
    };
    static const char *const names[] = {"a.json", "b.json", "c.json", "d.json"};
    static const double mtime[] = {200, 100, 300, 200};
    bs_grade_result r[4];
    grade_all(x, texts, names, mtime, r, 4);
    ck_assert_int_eq(r[2].error, 1);
    bs_grade_row *rows = NULL;
    size_t nrows = 0;
    bs_error err;
    bs_resubmit rule = (bs_resubmit)_i;
    ck_assert(bs_grade_rows(x, r, 4, rule, &rows, &nrows, &err) == BS_OK);
    ck_assert_uint_eq(nrows, 2);
    ck_assert_uint_eq(rows[0].handed_in, 4);
    if (rule == BS_RESUBMIT_LATEST) {
        ck_assert_ptr_eq(rows[0].result, &r[3]); /* d.json: 200, after a.json */
        ck_assert_int_eq(rows[0].status, BS_ROW_GRADED);
    } else if (rule == BS_RESUBMIT_FIRST) {
        ck_assert_ptr_eq(rows[0].result, &r[1]); /* b.json: 100 */
        ck_assert_int_eq(rows[0].status, BS_ROW_GRADED);
    } else {
        ck_assert_ptr_null(rows[0].result);
        ck_assert_int_eq(rows[0].status, BS_ROW_ERROR);
        ck_assert_msg(strstr(rows[0].note, "4 files handed in") &&
                          strstr(rows[0].note, "a.json, b.json, c.json, d.json"),
                      "%s", rows[0].note);
        ck_assert_int_eq(bs_grade_gives_feedback(&rows[0]), 1);
    }
    free(rows);
    for (int i = 0; i < 4; i++)
        bs_grade_result_free(&r[i]);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

/* A file named for one student that carries another's id is graded for
 * neither: the student of the id is still graded from their own file, and
 * the file gets a "check" row after the roster.  A file without an id
 * counts for the student its name names. */
START_TEST(test_grade_name_mismatch)
{
    char dir[64];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    static const char *const texts[] = {
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"id\": \"ann\", \"claims\": {\"g[3z]\": null}}",
        "{\"claims\": {\"g[3z]\": null}}",
    };
    static const char *const names[] = {"returned/Bob.json", "returned/ann/answers.json",
                                        "late/bob.json"};
    bs_grade_result r[3];
    grade_all(x, texts, names, NULL, r, 3);
    ck_assert_int_eq(r[0].mismatch, 1);
    ck_assert_msg(strstr(r[0].reason, "name says bob but its id says ann"), "%s", r[0].reason);
    ck_assert_int_eq(r[1].error, 0);
    bs_grade_row *rows = NULL;
    size_t nrows = 0;
    bs_error err;
    /* the first two files: bob handed nothing in */
    for (int order = 0; order < 2; order++) {
        bs_grade_result two[2] = {r[order], r[1 - order]};
        ck_assert(bs_grade_rows(x, two, 2, BS_RESUBMIT_LATEST, &rows, &nrows, &err) == BS_OK);
        ck_assert_uint_eq(nrows, 3);
        ck_assert_str_eq(rows[0].id, "ann");
        ck_assert_str_eq(rows[0].result->file, "returned/ann/answers.json");
        ck_assert_uint_eq(rows[0].handed_in, 1);
        ck_assert_int_eq(rows[1].status, BS_ROW_MISSING);
        ck_assert_msg(strstr(rows[1].note, "returned/Bob.json"), "%s", rows[1].note);
        ck_assert_int_eq(rows[2].status, BS_ROW_CHECK);
        ck_assert_str_eq(rows[2].result->file, "returned/Bob.json");
        free(rows);
    }
    ck_assert(bs_grade_rows(x, r, 3, BS_RESUBMIT_LATEST, &rows, &nrows, &err) == BS_OK);
    ck_assert_int_eq(rows[1].status, BS_ROW_ERROR);
    ck_assert_ptr_eq(rows[1].result, &r[2]);
    free(rows);
    for (int i = 0; i < 3; i++)
        bs_grade_result_free(&r[i]);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *data = malloc(1 << 20);
    ck_assert_ptr_nonnull(data);
    *len = fread(data, 1, (1 << 20) - 1, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

static void write_all(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Edits of a good manifest (written by grade_set: seed 1, steps
 * ["g[3z]"], ids ann and bob) and the JSON path each error names. */
static const struct {
    const char *from, *to, *where, *message;
} manifest_edits[] = {
    {"\"ids\": [", "\"idz\": 1, \"ids\": [", "idz", "unknown key"},
    {"[\"g[3z]\"]", "[\"g[3z]\", \"g[3z]\"]", "steps[1]", "asked twice"},
    {"[\"g[3z]\"]", "[\"g[9z]\"]", "steps[0]", "not a backward step"},
    {"[\"g[3z]\"]", "[\"g[3z] \"]", "steps[0]", "g[3z]"},
    {"\"bob\"]", "\"bob\", \" \"]", "ids[2]", "id"},
    {"\"bob\"]", "\"bob\", \"ANN\"]", "ids[2]", "already ids[0]"},
    {"\"seed\": 1,", "\"seed\": 1.5,", "seed", "whole number"},
    {"\"atol\": ", "\"atol\": -", "atol", "≥ 0"},
    {"\"layers\": [4, 3, 2, 1]", "\"layers\": [4, 3, 2]", "base.", ""},
    {"\"formats\": [\"markdown\"]", "\"formats\": [\"pdf\"]", "formats[0]", "markdown"},
    {"\"policy\": \"carry\"", "\"policy\": \"lenient\"", "policy", "\"strict\""},
    {"\"policy\": \"carry\"", "\"policy\": 1", "policy", "\"carry\""},
};

START_TEST(test_manifest_bad)
{
    char dir[64], path[96];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    bs_exercise_set_free(x);
    snprintf(path, sizeof path, "%s/exercise.json", dir);
    size_t len;
    char *text = read_all(path, &len);
    char *at = strstr(text, manifest_edits[_i].from);
    ck_assert_msg(at != NULL, "%s not in %s", manifest_edits[_i].from, text);
    size_t a = (size_t)(at - text), fl = strlen(manifest_edits[_i].from);
    size_t tl = strlen(manifest_edits[_i].to);
    char *edited = malloc(len - fl + tl + 1);
    memcpy(edited, text, a);
    memcpy(edited + a, manifest_edits[_i].to, tl);
    memcpy(edited + a + tl, at + fl, len - a - fl);
    write_all(path, edited, len - fl + tl);
    bs_error err;
    bs_error_clear(&err);
    x = NULL;
    ck_assert_int_eq(bs_exercise_set_open(dir, &x, &err), BS_ERR_SPEC);
    ck_assert_ptr_null(x);
    ck_assert_str_eq(err.file, path);
    ck_assert_msg(strncmp(err.where, manifest_edits[_i].where,
                          strlen(manifest_edits[_i].where)) == 0 &&
                      strstr(err.message, manifest_edits[_i].message),
                  "edit %d: %s: %s", _i, err.where, err.message);
    free(edited);
    free(text);
    remove_set(dir);
}
END_TEST

/* An edited DIR/<id>/spec.json is not trusted: the variant is drawn again
 * from the seed, the file is said to differ, and the answer is graded
 * against the drawn variant.  The right answer is the one of the variant
 * as exercise wrote it (read before the edit). */
START_TEST(test_variant_derived)
{
    char dir[64], ann[96], bob[96];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    snprintf(ann, sizeof ann, "%s/ann/spec.json", dir);
    snprintf(bob, sizeof bob, "%s/bob/spec.json", dir);
    bs_net *net = NULL;
    bs_trace *t = NULL;
    ck_assert(bs_net_load_file(ann, NULL, &net, NULL) == BS_OK);
    ck_assert(bs_trace_build(net, &t, NULL) == BS_OK);
    const bs_step *g3 = bs_trace_find(t, "g[3z]");
    char text[256];
    snprintf(text, sizeof text, "{\"id\": \"ann\", \"claims\": {\"g[3z]\": [%.17g]}}",
             g3->value[0]);
    size_t len;
    char *other = read_all(bob, &len);
    write_all(ann, other, len); /* ann's variant replaced by bob's */
    free(other);
    bs_grade_result r;
    bs_error err;
    ck_assert(bs_grade_text(x, text, strlen(text), "ann.json", &r, &err) == BS_OK);
    ck_assert_msg(r.error == 0, "%s", r.reason);
    ck_assert_uint_eq(r.right, 1);
    ck_assert_ptr_nonnull(bs_exercise_set_note(x, 0));
    ck_assert_ptr_nonnull(strstr(bs_exercise_set_note(x, 0), "differs"));
    bs_grade_result_free(&r);
    ck_assert(bs_grade_text(x, text, strlen(text), "x.json", &r, &err) == BS_OK);
    bs_grade_result_free(&r);
    char btext[] = "{\"id\": \"bob\", \"claims\": {\"g[3z]\": null}}";
    ck_assert(bs_grade_text(x, btext, strlen(btext), "bob.json", &r, &err) == BS_OK);
    ck_assert_ptr_null(bs_exercise_set_note(x, 1)); /* bob's file is as drawn */
    bs_grade_result_free(&r);
    bs_trace_free(t);
    bs_net_free(net);
    bs_exercise_set_free(x);
    remove_set(dir);
}
END_TEST

static const bs_file_out *find_out(const bs_fileset *fs, const char *path)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->files[i].path, path) == 0)
            return &fs->files[i];
    return NULL;
}

/* Adding carol to the set of ann and bob gives carol's files, the summary
 * and the manifest exactly as a set built for ann, bob and carol at once,
 * and no file of ann or bob; an id already in the set (in any case) is
 * refused with its roster line. */
START_TEST(test_set_add)
{
    char dir[64];
    bs_exercise_set *x = grade_set(dir, sizeof dir);
    bs_roster *more = NULL, *all = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_roster_parse("carol\n", 6, "late", &more, &err) == BS_OK);
    bs_fileset *added = NULL;
    ck_assert_msg(bs_exercise_set_add(x, more, "late", &added, &err) == BS_OK, "%s",
                  err.message);
    ck_assert(bs_roster_parse("ann\nbob\ncarol\n", 14, "r", &all, &err) == BS_OK);
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_exercise_opts o = bs_exercise_defaults();
    o.steps = "g[3z]";
    o.formats = 1u << BS_FORMAT_MARKDOWN;
    bs_fileset *whole = NULL;
    ck_assert(bs_exercise_build(net, all, &o, &whole, &err) == BS_OK);
    for (size_t i = 0; i < added->n; i++) {
        const bs_file_out *f = &added->files[i];
        ck_assert_msg(strncmp(f->path, "ann/", 4) != 0 && strncmp(f->path, "bob/", 4) != 0 &&
                          strncmp(f->path, "key/ann", 7) != 0 &&
                          strncmp(f->path, "key/bob", 7) != 0,
                      "%s is in the added files", f->path);
        const bs_file_out *w = find_out(whole, f->path);
        ck_assert_msg(w && w->len == f->len && memcmp(w->data, f->data, f->len) == 0,
                      "%s differs from the whole set's", f->path);
    }
    ck_assert_ptr_nonnull(find_out(added, "carol/spec.json"));
    ck_assert_ptr_nonnull(find_out(added, "exercise.json"));
    bs_roster_free(more);
    ck_assert(bs_roster_parse("dan\nBOB\n", 8, "late", &more, &err) == BS_OK);
    bs_fileset *again = NULL;
    ck_assert_int_eq(bs_exercise_set_add(x, more, "late", &again, &err), BS_ERR_SPEC);
    ck_assert_ptr_null(again);
    ck_assert_str_eq(err.where, "line 2");
    ck_assert_ptr_nonnull(strstr(err.message, "already in the exercise set"));
    bs_fileset_free(added);
    bs_fileset_free(whole);
    bs_roster_free(more);
    bs_roster_free(all);
    bs_net_free(net);
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
    tcase_add_test(tc, test_roster_every_error);
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
    tcase_add_test(tc, test_policy_stored);
    tcase_add_loop_test(tc, test_grade_resubmissions, 0, 3);
    tcase_add_test(tc, test_grade_name_mismatch);
    tcase_add_loop_test(tc, test_manifest_bad, 0,
                        (int)(sizeof manifest_edits / sizeof manifest_edits[0]));
    tcase_add_test(tc, test_variant_derived);
    tcase_add_test(tc, test_set_add);
    suite_add_tcase(s, tc);
    return s;
}
