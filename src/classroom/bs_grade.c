/* bs_grade.c — grading answer files against their students' variants. */
#define _XOPEN_SOURCE 700
#include "bs_grade.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bs_checked.h"
#include "bs_gradebook.h"
#include "bs_json.h"
#include "bs_backward.h"
#include "bs_mistakes.h"
#include "bs_render.h"

#define MAX_SUBMISSION_BYTES ((size_t)4 << 20)

const char *const bs_resubmit_names[] = {"latest", "first", "error", NULL};
const char *const bs_row_status_names[] = {"graded", "error", "missing", "not on roster",
                                           "check", NULL};

/* one student of the roster, with the variant loaded on first use */
typedef struct student {
    char *id;
    bs_net *net;
    bs_trace *t;
    int tried;         /* 1 once loading was attempted */
    char load_error[600];
    char note[600];    /* why DIR/<id>/spec.json was not used, or "" */
} student;

struct bs_exercise_set {
    char *dir;
    char spec[256];
    uint64_t seed;
    int digits;
    bs_notation notation;
    double rtol, atol;
    bs_grade_policy policy;
    unsigned formats;
    bs_net *base;       /* the network the variants are drawn from, or NULL */
    char (*steps)[24];  /* canonical ids of the asked steps */
    size_t nsteps;
    student *students;
    size_t nstudents;
    double *weights;    /* per asked step (bs_exercise_set_weigh), or NULL: 1 each */
    int hints;          /* feedback without values (bs_exercise_set_hints) */
};

void bs_exercise_set_free(bs_exercise_set *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nstudents; i++) {
        free(x->students[i].id);
        bs_trace_free(x->students[i].t);
        bs_net_free(x->students[i].net);
    }
    bs_net_free(x->base);
    free(x->students);
    free(x->steps);
    free(x->weights);
    free(x->dir);
    free(x);
}

/* ids compare without regard to case */
static int id_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static const char *const manifest_keys[] = {"backstep_exercise", "spec", "seed", "digits",
                                            "notation", "rtol", "atol", "policy", "steps",
                                            "formats", "base", "ids", NULL};

static int whole(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi && v == floor(v);
}

/* checks the manifest's parsed JSON into x */
/* The settings of the manifest (every key known; backstep_exercise, spec,
 * seed, digits, notation, rtol, atol, policy, formats) into x. */
static bs_status read_settings(const cJSON *root, bs_exercise_set *x, bs_error *err)
{
    char where[sizeof err->where + 32];
    if (!cJSON_IsObject(root))
        return bs_error_set(err, BS_ERR_SPEC, NULL, "expected an object, the manifest of an exercise set");
    const cJSON *c;
    cJSON_ArrayForEach(c, root)
    {
        int known = 0;
        for (int k = 0; manifest_keys[k]; k++)
            known |= strcmp(c->string, manifest_keys[k]) == 0;
        if (!known) {
            char q[80];
            bs_error_quote(q, sizeof q, c->string);
            return bs_error_set(err, BS_ERR_SPEC, q, "unknown key (expected backstep_exercise, spec, seed, "
                                        "digits, notation, rtol, atol, policy, steps, formats, "
                                        "base, ids)");
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "backstep_exercise");
    const cJSON *sp = cJSON_GetObjectItemCaseSensitive(root, "spec");
    const cJSON *sd = cJSON_GetObjectItemCaseSensitive(root, "seed");
    const cJSON *dg = cJSON_GetObjectItemCaseSensitive(root, "digits");
    const cJSON *nt = cJSON_GetObjectItemCaseSensitive(root, "notation");
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(root, "rtol");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(root, "atol");
    const cJSON *pol = cJSON_GetObjectItemCaseSensitive(root, "policy");
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
    const cJSON *fm = cJSON_GetObjectItemCaseSensitive(root, "formats");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "ids");
    int n;
    if (!cJSON_IsNumber(v) || v->valuedouble != 1)
        return bs_error_set(err, BS_ERR_SPEC, "backstep_exercise",
                            "not the manifest of an exercise directory of this version "
                            "(expected \"backstep_exercise\": 1)");
    if (!cJSON_IsString(sp))
        return bs_error_set(err, BS_ERR_SPEC, "spec", "expected the spec's name, a string");
    if (!cJSON_IsNumber(sd) || !whole(sd->valuedouble, 0, 9007199254740992.0))
        return bs_error_set(err, BS_ERR_SPEC, "seed", "expected a whole number from 0 to 2^53");
    if (!cJSON_IsNumber(dg) || !whole(dg->valuedouble, 1, BS_DIGITS_MAX))
        return bs_error_set(err, BS_ERR_SPEC, "digits", "expected a number of decimals from 1 to %d",
                            BS_DIGITS_MAX);
    if (!cJSON_IsString(nt) || (n = bs_notation_parse(nt->valuestring)) < 0)
        return bs_error_set(err, BS_ERR_SPEC, "notation", "expected g, partial or code");
    if (!cJSON_IsNumber(rt) || !(rt->valuedouble >= 0) || !isfinite(rt->valuedouble))
        return bs_error_set(err, BS_ERR_SPEC, "rtol", "expected a finite tolerance ≥ 0");
    if (!cJSON_IsNumber(at) || !(at->valuedouble >= 0) || !isfinite(at->valuedouble))
        return bs_error_set(err, BS_ERR_SPEC, "atol", "expected a finite tolerance ≥ 0");
    x->policy = BS_POLICY_CARRY;
    if (pol) {
        int p = -1;
        for (int k = 0; cJSON_IsString(pol) && bs_policy_names[k]; k++)
            if (strcmp(pol->valuestring, bs_policy_names[k]) == 0)
                p = k;
        if (p < 0)
            return bs_error_set(err, BS_ERR_SPEC, "policy", "expected \"carry\" or \"strict\"");
        x->policy = (bs_grade_policy)p;
    }
    if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) < 1)
        return bs_error_set(err, BS_ERR_SPEC, "steps", "expected a list of step names like \"g[2z]\"");
    if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) < 1)
        return bs_error_set(err, BS_ERR_SPEC, "ids", "expected a list of student ids");
    x->seed = (uint64_t)sd->valuedouble;
    x->digits = (int)dg->valuedouble;
    x->notation = (bs_notation)n;
    x->rtol = rt->valuedouble;
    x->atol = at->valuedouble;
    snprintf(x->spec, sizeof x->spec, "%s", sp->valuestring);
    x->formats = BS_EXERCISE_FORMATS_DEFAULT;
    if (fm) {
        x->formats = 0;
        size_t i = 0;
        const cJSON *e;
        if (!cJSON_IsArray(fm) || cJSON_GetArraySize(fm) < 1)
            return bs_error_set(err, BS_ERR_SPEC, "formats", "expected a list of markdown, latex, html");
        cJSON_ArrayForEach(e, fm)
        {
            unsigned f;
            char why[160];
            snprintf(where, sizeof where, "formats[%zu]", i++);
            if (!cJSON_IsString(e) || bs_exercise_formats_parse(e->valuestring, &f, why,
                                                                sizeof why) != 0)
                return bs_error_set(err, BS_ERR_SPEC, where, "expected markdown, latex or html");
            x->formats |= f;
        }
    }
    return BS_OK;
}

/* The asked steps of the manifest, each written as exercise writes it,
 * once, and a backward step of the base network when the manifest has
 * one (checked by building it); allocates x->steps and x->students. */
static bs_status read_steps(const cJSON *root, bs_exercise_set *x, bs_error *err)
{
    char where[sizeof err->where + 32];
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(root, "base");
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "ids");
    bs_status st = BS_OK;
    bs_trace *bt = NULL;
    if (base) {
        if (!cJSON_IsObject(base))
            return bs_error_set(err, BS_ERR_SPEC, "base", "expected the network the variants are drawn from");
        char *text = cJSON_PrintUnformatted(base);
        if (!text)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        bs_error e;
        bs_error_clear(&e);
        st = bs_checked_string(text, strlen(text), "base", NULL, NULL, &x->base, &bt, &e);
        free(text);
        if (st != BS_OK) {
            snprintf(where, sizeof where, "base%s%s", e.where[0] ? "." : "", e.where);
            return st == BS_ERR_NOMEM ? bs_error_set(err, st, NULL, "out of memory")
                                      : bs_error_set(err, BS_ERR_SPEC, where, "%s", e.message);
        }
    }
    x->nsteps = (size_t)cJSON_GetArraySize(steps);
    x->steps = calloc(x->nsteps, sizeof *x->steps);
    x->students = calloc((size_t)cJSON_GetArraySize(ids), sizeof *x->students);
    if (!x->steps || !x->students) {
        bs_trace_free(bt);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, steps)
    {
        bs_qty q;
        size_t l;
        snprintf(where, sizeof where, "steps[%zu]", i);
        char q80[80];
        bs_error_quote(q80, sizeof q80, cJSON_IsString(e) ? e->valuestring : "");
        if (!cJSON_IsString(e) || bs_name_parse(e->valuestring, &q, &l) != 0 ||
            q == BS_Q_LOSS) {
            st = bs_error_set(err, BS_ERR_SPEC, where, "expected a step name like \"g[2z]\", got %s%s%s",
                              cJSON_IsString(e) ? "\"" : "a non-string",
                              cJSON_IsString(e) ? q80 : "", cJSON_IsString(e) ? "\"" : "");
            break;
        }
        bs_name_grad(x->steps[i], sizeof x->steps[0], q, l, BS_NOTATION_G);
        if (strcmp(x->steps[i], e->valuestring) != 0) {
            st = bs_error_set(err, BS_ERR_SPEC, where, "\"%s\" is not written as exercise writes it: "
                                          "expected \"%s\"",
                              q80, x->steps[i]);
            break;
        }
        for (size_t j = 0; j < i && st == BS_OK; j++)
            if (strcmp(x->steps[j], x->steps[i]) == 0)
                st = bs_error_set(err, BS_ERR_SPEC, where, "%s is asked twice (also steps[%zu])",
                                  x->steps[i], j);
        const bs_step *bst = bt ? bs_trace_find(bt, x->steps[i]) : NULL;
        if (st == BS_OK && bt && (!bst || bst->kind != BS_STEP_BACKWARD))
            st = bs_error_set(err, BS_ERR_SPEC, where, "%s is not a backward step of the base network",
                              x->steps[i]);
        if (st != BS_OK)
            break;
        i++;
    }
    bs_trace_free(bt);
    return st;
}

/* The roster of the manifest: ids valid, none twice whatever its case. */
static bs_status read_ids(const cJSON *root, bs_exercise_set *x, bs_error *err)
{
    char where[sizeof err->where + 32];
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "ids");
    bs_status st = BS_OK;
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, ids)
    {
        char why[256];
        snprintf(where, sizeof where, "ids[%zu]", i++);
        if (!cJSON_IsString(e)) {
            st = bs_error_set(err, BS_ERR_SPEC, where, "expected a student id, a string");
            break;
        }
        if (bs_id_check(e->valuestring, why, sizeof why) != 0) {
            st = bs_error_set(err, BS_ERR_SPEC, where, "%s", why);
            break;
        }
        for (size_t j = 0; j < x->nstudents && st == BS_OK; j++)
            if (id_eq(x->students[j].id, e->valuestring))
                st = bs_error_set(err, BS_ERR_SPEC, where, "id \"%s\" is already ids[%zu] (ids are the same "
                                              "whatever their case)",
                                  e->valuestring, j);
        if (st != BS_OK)
            break;
        student *s = &x->students[x->nstudents];
        if (!(s->id = malloc(strlen(e->valuestring) + 1))) {
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
            break;
        }
        strcpy(s->id, e->valuestring);
        x->nstudents++;
    }
    return st;
}


static bs_status read_manifest(const cJSON *root, bs_exercise_set *x, bs_error *err)
{
    bs_status st = read_settings(root, x, err);
    if (st == BS_OK)
        st = read_steps(root, x, err);
    return st == BS_OK ? read_ids(root, x, err) : st;
}

bs_status bs_exercise_set_open(const char *dir, bs_exercise_set **out, bs_error *err)
{
    *out = NULL;
    size_t dl = strlen(dir);
    char *path = malloc(dl + 32);
    if (!path)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    snprintf(path, dl + 32, "%s/exercise.json", dir);
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    bs_status st = bs_read_file(path, MAX_SUBMISSION_BYTES, &text, &len, err);
    if (st == BS_OK && (st = bs_json_parse(text, len, BS_JSON_DEFAULT_MAX_DEPTH, &root, err)))
        bs_error_set_file(err, path);
    free(text);
    bs_exercise_set *x = NULL;
    if (st == BS_OK) {
        x = calloc(1, sizeof *x);
        if (!x || !(x->dir = malloc(dl + 1)))
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        else
            strcpy(x->dir, dir);
    }
    if (st == BS_OK && (st = read_manifest(root, x, err)) != BS_OK)
        bs_error_set_file(err, path);
    cJSON_Delete(root);
    free(path);
    if (st != BS_OK) {
        bs_exercise_set_free(x);
        return st;
    }
    *out = x;
    return BS_OK;
}

const char *bs_exercise_set_id(const bs_exercise_set *x, size_t i)
{
    return i < x->nstudents ? x->students[i].id : NULL;
}

bs_grade_policy bs_exercise_set_policy(const bs_exercise_set *x)
{
    return x->policy;
}

void bs_exercise_set_set_policy(bs_exercise_set *x, bs_grade_policy p)
{
    x->policy = p;
}

size_t bs_exercise_set_count(const bs_exercise_set *x)
{
    return x->nstudents;
}

const char *bs_exercise_set_note(const bs_exercise_set *x, size_t i)
{
    return i < x->nstudents && x->students[i].note[0] ? x->students[i].note : NULL;
}

bs_status bs_exercise_set_add(const bs_exercise_set *x, const bs_roster *more,
                              const char *roster_file, bs_fileset **out, bs_error *err)
{
    *out = NULL;
    if (!x->base)
        return bs_error_set(err, BS_ERR_SPEC, "base",
                            "the manifest has no base network (an earlier backstep wrote it): "
                            "students cannot be added to this set");
    for (size_t k = 0; k < more->n; k++)
        for (size_t i = 0; i < x->nstudents; i++)
            if (id_eq(more->ids[k], x->students[i].id)) {
                char where[32];
                snprintf(where, sizeof where, "line %zu", more->line[k]);
                bs_error_set(err, BS_ERR_SPEC, where,
                             "id \"%s\" is already in the exercise set (as \"%s\")",
                             more->ids[k], x->students[i].id);
                bs_error_set_file(err, roster_file);
                return BS_ERR_SPEC;
            }
    bs_roster all = {0};
    all.n = x->nstudents + more->n;
    all.ids = malloc(all.n * sizeof *all.ids);
    all.line = calloc(all.n, sizeof *all.line);
    char *steps = malloc(x->nsteps * sizeof x->steps[0] + 1);
    bs_status st = BS_OK;
    if (!all.ids || !all.line || !steps) {
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    } else {
        for (size_t i = 0; i < x->nstudents; i++)
            all.ids[i] = x->students[i].id;
        for (size_t k = 0; k < more->n; k++) {
            all.ids[x->nstudents + k] = more->ids[k];
            all.line[x->nstudents + k] = more->line[k];
        }
        steps[0] = '\0';
        for (size_t i = 0; i < x->nsteps; i++) {
            if (i)
                strcat(steps, ",");
            strcat(steps, x->steps[i]);
        }
        bs_exercise_opts o = bs_exercise_defaults();
        o.seed = x->seed;
        o.digits = x->digits;
        o.notation = x->notation;
        o.steps = steps;
        o.formats = x->formats;
        o.source = x->spec;
        o.skip = x->nstudents;
        o.policy = x->policy;
        st = bs_exercise_build(x->base, &all, &o, out, err);
    }
    free(all.ids);
    free(all.line);
    free(steps);
    return st;
}

void bs_grade_result_free(bs_grade_result *r)
{
    if (!r)
        return;
    free(r->steps);
    r->steps = NULL;
    r->nsteps = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static bs_status fail(bs_grade_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    r->error = 1;
    return BS_OK;
}

static long find_student(const bs_exercise_set *x, const char *id)
{
    for (size_t i = 0; i < x->nstudents; i++)
        if (id_eq(x->students[i].id, id))
            return (long)i;
    return -1;
}

/* the roster student a file's name names: its name less the last
 * extension, else its directory's name; or -1 */
static long named_student(const bs_exercise_set *x, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    char *slash = strrchr(buf, '/');
    char *base = slash ? slash + 1 : buf;
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    long k = find_student(x, base);
    if (k >= 0 || !slash)
        return k;
    *slash = '\0';
    char *up = strrchr(buf, '/');
    return find_student(x, up ? up + 1 : buf);
}

/* loads the variant of a student once; returns 0, or -1 with s->load_error */
static int load_variant(bs_exercise_set *x, student *s)
{
    if (s->tried)
        return s->t ? 0 : -1;
    s->tried = 1;
    size_t n = strlen(x->dir) + strlen(s->id) + 16;
    char *path = malloc(n);
    if (!path) {
        snprintf(s->load_error, sizeof s->load_error, "out of memory");
        return -1;
    }
    snprintf(path, n, "%s/%s/spec.json", x->dir, s->id);
    bs_error e;
    bs_error_clear(&e);
    bs_status st;
    if (x->base) {
        /* drawn again from the seed; the file is only compared with it */
        bs_sink b = bs_sink_buffer();
        st = bs_variant_write(x->base, x->seed, s->id, x->digits, &b, NULL, &e);
        if (st == BS_OK && bs_sink_status(&b) != 0)
            st = bs_error_set(&e, BS_ERR_NOMEM, NULL, "out of memory");
        if (st == BS_OK)
            st = bs_net_load_string(b.buf, b.len, path, NULL, &s->net, &e);
        if (st == BS_OK) {
            char *text = NULL;
            size_t len = 0;
            bs_error fe;
            bs_error_clear(&fe);
            if (bs_read_file(path, MAX_SUBMISSION_BYTES, &text, &len, &fe) != BS_OK)
                snprintf(s->note, sizeof s->note, "cannot be read (%s); graded against the "
                                                  "variant drawn from the seed",
                         fe.message);
            else if (len != b.len || memcmp(text, b.buf, len) != 0)
                snprintf(s->note, sizeof s->note, "differs from the variant drawn from the "
                                                  "seed; graded against the drawn one");
            free(text);
        }
        bs_sink_free_buffer(&b);
    } else {
        st = bs_net_load_file(path, NULL, &s->net, &e);
    }
    if (st != BS_OK || bs_checked_trace(s->net, NULL, &s->t, &e) != BS_OK) {
        char line[520];
        bs_error_format(&e, line, sizeof line);
        snprintf(s->load_error, sizeof s->load_error, "the student's variant does not load: %s",
                 line);
        bs_net_free(s->net);
        s->net = NULL;
    }
    free(path);
    return s->t ? 0 : -1;
}

int bs_answers_comment_key(const char *k)
{
    return strcmp(k, "$comment") == 0 || strncmp(k, "//", 2) == 0;
}

long bs_exercise_set_find_step(const bs_exercise_set *x, const char *name)
{
    bs_qty q;
    size_t l;
    if (bs_name_parse(name, &q, &l) != 0 || q == BS_Q_LOSS)
        return -1;
    char id[24];
    bs_name_grad(id, sizeof id, q, l, BS_NOTATION_G);
    for (size_t i = 0; i < x->nsteps; i++)
        if (strcmp(x->steps[i], id) == 0)
            return (long)i;
    return -1;
}

const char *bs_exercise_set_nearest_step(const bs_exercise_set *x, const char *name, char *buf,
                                         size_t size)
{
    size_t n = x->nsteps;
    char(*names)[48] = calloc(2 * n + 1, sizeof *names);
    const char **list = calloc(2 * n + 1, sizeof *list);
    const char *g = NULL;
    if (names && list) {
        for (size_t i = 0; i < n; i++) {
            bs_qty q;
            size_t l;
            bs_name_parse(x->steps[i], &q, &l);
            snprintf(names[2 * i], sizeof names[0], "%s", x->steps[i]);
            bs_name_grad(names[2 * i + 1], sizeof names[0], q, l, x->notation);
            list[2 * i] = names[2 * i];
            list[2 * i + 1] = names[2 * i + 1];
        }
        g = bs_suggest(name, list);
        if (g)
            snprintf(buf, size, "%s", g);
    }
    free(names);
    free((void *)list);
    return g ? buf : NULL;
}

/* ---- judging the answers ---------------------------------------------- */

/* half a unit in the n-th significant digit of v (0 for 0 or a value that
 * is not finite) */
static double half_unit(double v, int n)
{
    if (!isfinite(v) || v == 0.0)
        return 0.0;
    return 0.5 * pow(10.0, floor(log10(fabs(v))) - n + 1);
}

/* The rounding the forward values a student works out carry: dz[l], da[l]
 * (B×n[l], l = 0 … L) bound, to first order, how far a student's z[l] and
 * a[l] rounded to n significant digits at each layer and carried forward
 * can be from the exact ones.  a[0], the weights and biases are given
 * exactly.  dz[l] = |da[l−1]| |W[l]| + ½ unit of z[l]; da[l] = the change of
 * f at each z[l] element moved by its bound (summed in absolute value over
 * the elements of the example) + ½ unit of a[l]. */
typedef struct fwd_bound {
    size_t L;
    double **dz, **da;
} fwd_bound;

static void fwd_bound_free(fwd_bound *b)
{
    for (size_t l = 0; b->dz && l <= b->L; l++) {
        free(b->dz[l]);
        free(b->da[l]);
    }
    free(b->dz);
    free(b->da);
}

static int fwd_bound_make(const bs_net *net, const bs_forward *fw, int n, fwd_bound *b)
{
    size_t L = net->L, B = net->B;
    b->L = L;
    b->dz = calloc(L + 1, sizeof *b->dz);
    b->da = calloc(L + 1, sizeof *b->da);
    if (!b->dz || !b->da)
        return -1;
    size_t widest = bs_net_max_width(net);
    double *zz = malloc(widest * sizeof *zz + 1), *aa = malloc(widest * sizeof *aa + 1);
    int rc = zz && aa ? 0 : -1;
    for (size_t l = 0; rc == 0 && l <= L; l++) {
        size_t m = net->n[l];
        b->dz[l] = calloc(B * m + 1, sizeof(double));
        b->da[l] = calloc(B * m + 1, sizeof(double));
        if (!b->dz[l] || !b->da[l]) {
            rc = -1;
            break;
        }
        if (l == 0)
            continue;
        size_t nin = net->n[l - 1];
        const double *W = net->W[l];
        for (size_t i = 0; i < B; i++)
            for (size_t q = 0; q < m; q++) {
                double s = 0.0;
                for (size_t p = 0; p < nin; p++)
                    s += b->da[l - 1][i * nin + p] * fabs(W[p * m + q]);
                b->dz[l][i * m + q] = s + half_unit(fw->z[l][i * m + q], n);
            }
        for (size_t i = 0; i < B; i++) {
            const double *z = fw->z[l] + i * m, *a = fw->a[l] + i * m;
            for (size_t k = 0; k < m; k++) {
                memcpy(zz, z, m * sizeof *zz);
                zz[k] += b->dz[l][i * m + k];
                net->act[l]->forward_d(zz, aa, m);
                for (size_t q = 0; q < m; q++)
                    b->da[l][i * m + q] += fabs(aa[q] - a[q]);
            }
            for (size_t q = 0; q < m; q++)
                b->da[l][i * m + q] += half_unit(a[q], n);
        }
    }
    free(zz);
    free(aa);
    return rc;
}

/* A forward pass to perturb: copies of z[l] and a[l]. */
static int fwd_copy(const bs_net *net, const bs_forward *fw, bs_forward *c)
{
    memset(c, 0, sizeof *c);
    c->L = fw->L;
    c->B = fw->B;
    c->z = calloc(fw->L + 1, sizeof *c->z);
    c->a = calloc(fw->L + 1, sizeof *c->a);
    if (!c->z || !c->a)
        return -1;
    for (size_t l = 0; l <= fw->L; l++) {
        size_t sz = fw->B * net->n[l];
        c->a[l] = malloc(sz * sizeof(double) + 1);
        if (!c->a[l])
            return -1;
        memcpy(c->a[l], fw->a[l], sz * sizeof(double));
        if (l) {
            if (!(c->z[l] = malloc(sz * sizeof(double) + 1)))
                return -1;
            memcpy(c->z[l], fw->z[l], sz * sizeof(double));
        }
    }
    return 0;
}

static void fwd_copy_free(bs_forward *c)
{
    for (size_t l = 0; c->a && l <= c->L; l++) {
        free(c->a[l]);
        if (c->z)
            free(c->z[l]);
    }
    free(c->a);
    free(c->z);
}

/* Adds to bound[0..size) the first-order effect on step j (knobs k, NULL
 * for the right ones) of moving each of the n values v[k] by d[k]: the step
 * evaluated at each moved value, |step − base| summed.  v is restored. */
static void perturb(const bs_net *net, bs_forward *pf, size_t j, const bs_step_knobs *kn,
                    double *from, double *v, const double *d, size_t n, const double *base,
                    double *tmp, double *bound, size_t size)
{
    for (size_t k = 0; k < n; k++) {
        if (!(d[k] > 0.0))
            continue;
        double keep = v[k];
        v[k] = keep + d[k];
        bs_backward_step(net, pf, j, from, kn, tmp);
        v[k] = keep;
        for (size_t i = 0; i < size; i++)
            bound[i] += fabs(tmp[i] - base[i]);
    }
}

/* Step j with knobs kn (NULL for the right ones) from `from` (the value of
 * its source step, or NULL) into out, and into bound the first-order effect
 * of the rounding dfrom of `from` and of the forward values the step reads
 * (a[l−1], z[l], a[l]). */
static void step_with_bound(const bs_net *net, bs_forward *pf, const fwd_bound *fb, size_t j,
                            const bs_step_knobs *kn, double *from, const double *dfrom,
                            size_t nfrom, double *out, double *tmp, double *bound, size_t size)
{
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
    bs_backward_step(net, pf, j, from, kn, out);
    for (size_t i = 0; i < size; i++)
        bound[i] = 0.0;
    size_t B = net->B;
    if (from && dfrom)
        perturb(net, pf, j, kn, from, from, dfrom, nfrom, out, tmp, bound, size);
    perturb(net, pf, j, kn, from, pf->a[l - 1], fb->da[l - 1], B * net->n[l - 1], out, tmp,
            bound, size);
    perturb(net, pf, j, kn, from, pf->z[l], fb->dz[l], B * net->n[l], out, tmp, bound, size);
    perturb(net, pf, j, kn, from, pf->a[l], fb->da[l], B * net->n[l], out, tmp, bound, size);
}

/* Strings that are numbers ("0.25") read as numbers, in place; returns how
 * many, or -1 for a string that is not a number. */
static int strings_to_numbers(cJSON *parent, cJSON *v)
{
    if (cJSON_IsString(v)) {
        const char *p = v->valuestring;
        char *end;
        while (*p == ' ')
            p++;
        double d = strtod(p, &end);
        while (*end == ' ')
            end++;
        if (end == p || *end || !isfinite(d))
            return -1;
        cJSON *num = cJSON_CreateNumber(d);
        if (!num)
            return -1;
        if (parent)
            cJSON_ReplaceItemViaPointer(parent, v, num);
        else {
            /* the top value itself: made a number in place */
            cJSON_free(v->valuestring);
            v->valuestring = NULL;
            v->type = cJSON_Number;
            cJSON_SetNumberValue(v, d);
            cJSON_Delete(num);
        }
        return 1;
    }
    int n = 0;
    if (cJSON_IsArray(v)) {
        cJSON *c = v->child;
        while (c) {
            cJSON *next = c->next;
            int k = strings_to_numbers(v, c);
            if (k < 0)
                return -1;
            n += k;
            c = next;
        }
    }
    return n;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void warn(bs_grade_result *r, const char *fmt, ...)
{
    size_t o = strlen(r->warnings);
    if (o + 4 >= sizeof r->warnings)
        return;
    if (o)
        o += (size_t)snprintf(r->warnings + o, sizeof r->warnings - o, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings + o, sizeof r->warnings - o, fmt, ap);
    va_end(ap);
}

/* 1 when every element of a (size n) is within the rounding bound of e:
 * |a − e| ≤ bound + ½ unit of the larger of a and e in the n-th digit */
static int within(const double *a, const double *e, const double *bound, size_t size, int n)
{
    for (size_t k = 0; k < size; k++) {
        double d = fabs(a[k] - e[k]);
        double lim = bound[k] + fmax(half_unit(a[k], n), half_unit(e[k], n)) +
                     1e-9 * fmax(fabs(a[k]), fabs(e[k]));
        if (!isfinite(a[k]) || !isfinite(e[k]) || !(d <= lim))
            return 0;
    }
    return 1;
}

/* the elements of a step that are not within the bound, largest first, into g
 * (displayed indices) */
static void differences(const bs_net *net, bs_grade_step *g, const double *a, const double *e,
                        const double *bound, size_t rows, size_t cols, int n)
{
    int col = net->convention == BS_COLUMN;
    g->n_elements = rows * cols;
    g->n_wrong = 0;
    g->ntop = 0;
    /* displayed (i, k) is row-convention element col ? k*rows+i : i*cols+k */
    for (size_t i = 0; i < rows; i++)
        for (size_t k = 0; k < cols; k++) {
            size_t at = col ? k * rows + i : i * cols + k;
            if (within(&a[at], &e[at], &bound[at], 1, n))
                continue;
            g->n_wrong++;
            double d = fabs(a[at] - e[at]);
            size_t p = g->ntop;
            while (p > 0 && !(fabs(g->top[p - 1].program - g->top[p - 1].backstep) >= d))
                p--;
            if (p >= BS_COMPARE_TOP)
                continue;
            size_t last = g->ntop < BS_COMPARE_TOP ? g->ntop : BS_COMPARE_TOP - 1;
            for (size_t m = last; m > p; m--)
                g->top[m] = g->top[m - 1];
            g->top[p].row = i + 1;
            g->top[p].col = k + 1;
            g->top[p].program = a[at];
            g->top[p].backstep = e[at];
            if (g->ntop < BS_COMPARE_TOP)
                g->ntop++;
        }
}

/* ---- reading an answers file ----------------------------------------- */

/* copies src into dst of `size` bytes, cut at a character when too long */
static void copy_cut(char *dst, size_t size, const char *src)
{
    size_t k = strlen(src);
    if (k >= size)
        for (k = size - 1; k && ((unsigned char)src[k] & 0xC0) == 0x80; k--)
            ;
    memcpy(dst, src, k);
    dst[k] = '\0';
}

void bs_answers_free(bs_answers *a)
{
    if (!a)
        return;
    for (size_t i = 0; a->steps && i < a->nsteps; i++)
        free(a->steps[i].v);
    free(a->steps);
    free(a->problems);
    bs_grads_file_free(a->grads);
    a->steps = NULL;
    a->nsteps = 0;
    a->problems = NULL;
    a->nproblems = 0;
    a->grads = NULL;
}

/* the reader's state: the set, what is read, a failed allocation */
typedef struct reader {
    bs_exercise_set *x;
    bs_answers *a;
    int nomem;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void problem(reader *rd, bs_answers_level level, long step, const char *fmt, ...)
{
    bs_answers *a = rd->a;
    bs_answers_problem *p = realloc(a->problems, (a->nproblems + 1) * sizeof *p);
    if (!p) {
        rd->nomem = 1;
        return;
    }
    a->problems = p;
    p += a->nproblems++;
    p->level = level;
    p->step = step;
    char line[sizeof p->text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    bs_escape_controls(p->text, sizeof p->text, line);
    if (level == BS_ANSWERS_FATAL)
        a->fatal++;
}

/* reads the value v of asked step i, whose key is v->string, against the
 * variant t */
static void read_step(reader *rd, const bs_trace *t, long i, const cJSON *v)
{
    bs_answers_step *ans = &rd->a->steps[i];
    const bs_step *st = bs_trace_find(t, rd->x->steps[i]);
    char q[80], path[96];
    bs_error_quote(q, sizeof q, v->string);
    snprintf(path, sizeof path, "claims.%s", q);
    bs_qty qty;
    size_t layer;
    bs_name_parse(v->string, &qty, &layer);
    cJSON *d = cJSON_Duplicate(v, 1);
    if (!d) {
        rd->nomem = 1;
        return;
    }
    int texts = strings_to_numbers(NULL, d);
    ans->state = BS_ANSWER_MALFORMED;
    if (texts < 0) {
        problem(rd, BS_ANSWERS_MALFORMED, i, "%s: a text that is not a number", path);
    } else if (cJSON_IsArray(d) && d->child && !cJSON_IsArray(d->child) && st && st->rows > 1 &&
               st->cols > 1) {
        problem(rd, BS_ANSWERS_MALFORMED, i,
                "%s: a flat list of %d numbers for a %zu×%zu step: write it as a list of %zu "
                "rows of %zu",
                path, cJSON_GetArraySize(d), st->rows, st->cols, st->rows, st->cols);
    } else {
        bs_error e;
        bs_error_clear(&e);
        bs_status s = bs_net_read_values(t->net, d, path, (int)qty, layer, &ans->rows,
                                         &ans->cols, &ans->v, &e);
        if (s == BS_OK && rd->a->grads)
            s = bs_grads_file_set(rd->a->grads, v->string, ans->v, ans->rows, ans->cols, &e);
        if (s == BS_ERR_NOMEM) {
            rd->nomem = 1;
        } else if (s != BS_OK) {
            char line[600];
            if (!e.where[0] || strncmp(e.where, "claims.", 7) != 0)
                snprintf(e.where, sizeof e.where, "%s", path);
            bs_error_format(&e, line, sizeof line);
            problem(rd, BS_ANSWERS_MALFORMED, i, "%s", line);
        } else {
            ans->state = BS_ANSWER_GIVEN;
            ans->texts = texts;
            ans->exact = st && ans->rows == st->rows && ans->cols == st->cols;
            if (texts > 0)
                problem(rd, BS_ANSWERS_WARNING, i, "%s: %d number%s written as text, read as "
                                                   "number%s",
                        path, texts, texts == 1 ? "" : "s", texts == 1 ? "" : "s");
            if (st && !ans->exact)
                problem(rd, BS_ANSWERS_WARNING, i,
                        "%s: expected %zu×%zu (as the sheet shows it), got %zu×%zu", path,
                        st->rows, st->cols, ans->rows, ans->cols);
        }
    }
    if (ans->state != BS_ANSWER_GIVEN) {
        free(ans->v);
        ans->v = NULL;
    }
    cJSON_Delete(d);
}

/* the keys of the "claims" object, read against the variant t (or only
 * named, when no variant loads) */
static void read_claims(reader *rd, const cJSON *claims, const bs_trace *t)
{
    bs_exercise_set *x = rd->x;
    bs_answers *a = rd->a;
    const cJSON **given = calloc(x->nsteps ? x->nsteps : 1, sizeof *given);
    if (!given) {
        rd->nomem = 1;
        return;
    }
    const cJSON *c;
    char q[80], first[80], sug[48];
    cJSON_ArrayForEach(c, claims)
    {
        if (bs_answers_comment_key(c->string))
            continue;
        bs_error_quote(q, sizeof q, c->string);
        long i = bs_exercise_set_find_step(x, c->string);
        if (i < 0) {
            const char *g = bs_exercise_set_nearest_step(x, c->string, sug, sizeof sug);
            if (g)
                problem(rd, BS_ANSWERS_WARNING, -1,
                        "claims: \"%s\" is not one of the asked steps (did you mean \"%s\"?): "
                        "ignored",
                        q, g);
            else
                problem(rd, BS_ANSWERS_WARNING, -1,
                        "claims: \"%s\" is not one of the asked steps: ignored", q);
            continue;
        }
        if (given[i]) {
            bs_error_quote(first, sizeof first, given[i]->string);
            char nm[48];
            bs_qty qq;
            size_t l;
            bs_name_parse(x->steps[i], &qq, &l);
            bs_name_grad(nm, sizeof nm, qq, l, x->notation);
            problem(rd, BS_ANSWERS_MALFORMED, i,
                    "claims.%s: %s is answered twice (also under \"%s\"): which answer counts "
                    "is not said",
                    q, nm, first);
            a->steps[i].state = BS_ANSWER_MALFORMED;
            continue;
        }
        given[i] = c;
    }
    /* the values, once every key is known: a step answered twice is not read */
    cJSON_ArrayForEach(c, claims)
    {
        long i = bs_answers_comment_key(c->string) ? -1 : bs_exercise_set_find_step(x, c->string);
        if (i < 0 || given[i] != c || a->steps[i].state == BS_ANSWER_MALFORMED)
            continue;
        if (cJSON_IsNull(c))
            a->steps[i].state = BS_ANSWER_NULL;
        else if (t)
            read_step(rd, t, i, c);
    }
    for (size_t i = 0; i < x->nsteps; i++)
        if (!given[i]) {
            char nm[48];
            bs_qty qq;
            size_t l;
            bs_name_parse(x->steps[i], &qq, &l);
            bs_name_grad(nm, sizeof nm, qq, l, x->notation);
            problem(rd, BS_ANSWERS_WARNING, (long)i,
                    "claims: the key \"%s\" is missing (graded as not answered)", nm);
        }
    free((void *)given);
}

/* "id": the student's, as r->id, r->student and r->has_id say it */
static void read_id(reader *rd, const cJSON *idv)
{
    bs_exercise_set *x = rd->x;
    bs_answers *a = rd->a;
    if (!idv || !cJSON_IsString(idv)) {
        problem(rd, BS_ANSWERS_FATAL, -1, "%s",
                idv ? "id: expected a string"
                    : "no \"id\": which student's answers these are is not said");
        return;
    }
    /* the id without the spaces around it */
    const char *id = idv->valuestring;
    while (*id == ' ' || *id == '\t')
        id++;
    size_t idn = strlen(id);
    while (idn && (id[idn - 1] == ' ' || id[idn - 1] == '\t'))
        idn--;
    a->has_id = 1;
    char *idbuf = malloc(idn + 1);
    if (!idbuf) {
        rd->nomem = 1;
        return;
    }
    memcpy(idbuf, id, idn);
    idbuf[idn] = '\0';
    char q[80], why[256];
    bs_error_quote(q, sizeof q, idbuf);
    /* an id as it is; what cannot be an id, as messages show it */
    const char *shown = bs_id_check(idbuf, why, sizeof why) == 0 ? idbuf : q;
    size_t k = strlen(shown);
    if (k >= sizeof a->id) /* only what is no id is this long: cut at a character */
        for (k = sizeof a->id - 1; k && ((unsigned char)shown[k] & 0xC0) == 0x80; k--)
            ;
    memcpy(a->id, shown, k);
    a->id[k] = '\0';
    a->student = find_student(x, idbuf);
    free(idbuf);
    if (a->student < 0) {
        /* no nearest id: the line may be shown to a student (the check before
         * handing in, Gradescope's output), who is told no other student's id */
        problem(rd, BS_ANSWERS_FATAL, -1, "unknown id \"%s\": not on the exercise's roster", q);
        return;
    }
    const student *s = &x->students[a->student];
    snprintf(a->id, sizeof a->id, "%s", s->id); /* the roster's spelling */
    if (a->named >= 0 && a->named != a->student) {
        a->mismatch = 1;
        problem(rd, BS_ANSWERS_FATAL, -1,
                "the file's name says %s but its id says %s: not graded for either (check it)",
                x->students[a->named].id, s->id);
    }
}

bs_status bs_answers_read(bs_exercise_set *x, const char *text, size_t len, const char *name,
                          bs_answers *a, bs_error *err)
{
    memset(a, 0, sizeof *a);
    a->student = -1;
    a->named = named_student(x, name);
    reader rd = {x, a, 0};
    cJSON *root = NULL;
    bs_error e;
    bs_error_clear(&e);
    if (bs_json_parse(text, len, BS_JSON_DEFAULT_MAX_DEPTH, &root, &e) != BS_OK) {
        if (e.status == BS_ERR_NOMEM)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        char line[600];
        bs_error_format(&e, line, sizeof line);
        problem(&rd, BS_ANSWERS_FATAL, -1, "not valid JSON: %s", line);
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        problem(&rd, BS_ANSWERS_FATAL, -1, "expected an object {\"id\": …, \"claims\": {…}}");
        goto done;
    }
    const cJSON *idv = NULL, *claims = NULL, *c;
    char q[80];
    cJSON_ArrayForEach(c, root)
    {
        if (strcmp(c->string, "id") == 0)
            idv = c;
        else if (strcmp(c->string, "claims") == 0)
            claims = c;
        else if (!bs_answers_comment_key(c->string)) {
            bs_error_quote(q, sizeof q, c->string);
            problem(&rd, BS_ANSWERS_WARNING, -1,
                    "unknown key \"%s\" (expected \"id\" and \"claims\"): ignored", q);
        }
    }
    read_id(&rd, idv);
    if (rd.nomem)
        goto done;
    if (!claims || !cJSON_IsObject(claims)) {
        problem(&rd, BS_ANSWERS_FATAL, -1, "%s",
                claims ? "claims: expected an object of step names and answers"
                       : "no \"claims\": the answers are missing");
        goto done;
    }
    /* the shapes are those of every variant: the student's, or else the first's */
    if (a->student >= 0) {
        student *s = &x->students[a->student];
        if (load_variant(x, s) != 0)
            problem(&rd, BS_ANSWERS_FATAL, -1, "%s", s->load_error);
        else
            a->trace = s->t;
    } else if (x->nstudents && load_variant(x, &x->students[0]) == 0) {
        a->trace = x->students[0].t;
    }
    a->steps = calloc(x->nsteps ? x->nsteps : 1, sizeof *a->steps);
    if (!a->steps) {
        rd.nomem = 1;
        goto done;
    }
    a->nsteps = x->nsteps;
    if (a->trace && bs_grads_file_create(a->trace, &a->grads, NULL) != BS_OK) {
        rd.nomem = 1;
        goto done;
    }
    if (a->student >= 0 && !a->trace)
        goto done; /* the student's variant does not load: nothing to read the answers by */
    read_claims(&rd, claims, a->trace);
done:
    cJSON_Delete(root);
    if (rd.nomem) {
        bs_answers_free(a);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    return BS_OK;
}

/* For a step that compare finds right given the values the student's answers
 * imply above it (BS_CMP_INHERITS): the step of cr where the error it carries
 * was named (a step that disagrees, its mistake made there or in a step above
 * that the answers do not give), or (size_t)-1.  With above set, only a
 * mistake made in a step the answers do not give counts. */
static size_t inherited_from(const bs_compare_result *cr, size_t j, int above)
{
    const bs_compare_step *cs = &cr->steps[j];
    if (cs->status != BS_CMP_INHERITS)
        return (size_t)-1;
    for (size_t k = 0; k < j; k++) {
        const bs_compare_step *o = &cr->steps[k];
        if (o->status != BS_CMP_DISAGREES || o->mistake < 0)
            continue;
        int there = strcmp(o->name, cs->inherits_from) == 0;
        int up = strcmp(o->mistake_step, cs->inherits_from) == 0 &&
                 strcmp(o->mistake_step, o->name) != 0;
        if (above ? up : there || up)
            return k;
    }
    return (size_t)-1;
}

/* the nearest step above backward step j (on the chain it is computed
 * from) that is asked and was judged wrong against the student's own values
 * above it, or (size_t)-1 */
static size_t wrong_above(const bs_net *net, size_t j, const long *ask_of,
                          const unsigned char *wrong_own)
{
    for (size_t u = bs_backward_upstream(net, j); u != (size_t)-1;
         u = bs_backward_upstream(net, u))
        if (ask_of[u] >= 0 && wrong_own[u])
            return u;
    return (size_t)-1;
}

/* The walk of one student's claims.  Per backward step j (n of them): the
 * value the student carries cur[j] and its rounding bound dc[j], the true
 * value tru[j] and its bound D[j], the bound a comparison allows bnd[j]
 * (bound_n[j] values), whether the answer is right against the student's
 * own values above it (ok_own) and against the true ones (ok_right), the
 * asked step it is (ask_of, or -1); per asked step i the mistake compare
 * named (cmp_mistake); a copy of the forward pass and its bounds; scratch
 * rows of the widest step. */
typedef struct claims {
    const bs_net *net;
    size_t n;
    unsigned char *wrong_own, *ok_own, *ok_right;
    long *ask_of;
    double **cur, **dc, **tru, **D, **bnd;
    size_t *bound_n;
    int *cmp_mistake;
    fwd_bound fb;
    bs_forward pf;
    double *expc, *tmp, *bc, *bs, *exps, *av;
    double *alt, *balt; /* g[Lz] worked as g_o'(z[L]) ∘ g[La], and its bound */
} claims;

static void claims_free(claims *c)
{
    for (size_t j = 0; j < c->n; j++) {
        if (c->cur)
            free(c->cur[j]);
        if (c->dc)
            free(c->dc[j]);
        if (c->tru)
            free(c->tru[j]);
        if (c->D)
            free(c->D[j]);
        if (c->bnd)
            free(c->bnd[j]);
    }
    free(c->cur);
    free(c->dc);
    free(c->tru);
    free(c->D);
    free(c->bnd);
    free(c->bound_n);
    free(c->ok_own);
    free(c->ok_right);
    free(c->wrong_own);
    free(c->ask_of);
    free(c->cmp_mistake);
    free(c->expc);
    free(c->tmp);
    free(c->bc);
    free(c->bs);
    free(c->exps);
    free(c->av);
    free(c->alt);
    free(c->balt);
    fwd_bound_free(&c->fb);
    fwd_copy_free(&c->pf);
}

/* Everything the walk needs for the trace t and nsteps asked steps; -1 if
 * memory ran out (claims_free frees what was made). */
static int claims_make(claims *c, const bs_trace *t, size_t nsteps, int N)
{
    const bs_net *net = t->net;
    memset(c, 0, sizeof *c);
    c->net = net;
    size_t n = c->n = bs_backward_nsteps(net);
    c->wrong_own = calloc(n, 1);
    c->ask_of = malloc(n * sizeof *c->ask_of);
    c->cur = calloc(n, sizeof *c->cur);
    c->dc = calloc(n, sizeof *c->dc);
    c->tru = calloc(n, sizeof *c->tru);
    c->D = calloc(n, sizeof *c->D);
    c->bnd = calloc(n, sizeof *c->bnd);
    c->bound_n = calloc(n, sizeof *c->bound_n);
    c->ok_own = calloc(n, 1);
    c->ok_right = calloc(n, 1);
    c->cmp_mistake = calloc(nsteps, sizeof *c->cmp_mistake);
    size_t w = bs_net_max_width(net), widest = w * (net->B > w ? net->B : w);
    double **rows[] = {&c->expc, &c->tmp, &c->bc, &c->bs, &c->exps, &c->av, &c->alt, &c->balt};
    int ok = 1;
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
        ok &= (*rows[k] = malloc(widest * sizeof(double) + 8)) != NULL;
    if (!ok || !c->wrong_own || !c->ask_of || !c->cur || !c->dc || !c->tru || !c->D ||
        !c->bnd || !c->bound_n || !c->ok_own || !c->ok_right || !c->cmp_mistake ||
        fwd_copy(net, t->fw, &c->pf) != 0 || fwd_bound_make(net, t->fw, N, &c->fb) != 0)
        return -1;
    for (size_t j = 0; j < n; j++) {
        size_t rr, cc;
        bs_backward_shape(net, j, &rr, &cc);
        size_t size = rr * cc;
        c->bound_n[j] = size;
        c->cur[j] = malloc(size * sizeof(double) + 8);
        c->dc[j] = malloc(size * sizeof(double) + 8);
        c->tru[j] = malloc(size * sizeof(double) + 8);
        c->D[j] = malloc(size * sizeof(double) + 8);
        c->bnd[j] = malloc(size * sizeof(double) + 8);
        if (!c->cur[j] || !c->dc[j] || !c->tru[j] || !c->D[j] || !c->bnd[j])
            return -1;
        c->ask_of[j] = -1;
    }
    return 0;
}

/* Each asked step's id, name and shape, and which backward step it is. */
static void name_asked(const bs_exercise_set *x, const bs_trace *t, bs_grade_result *r,
                       claims *c)
{
    for (size_t i = 0; i < x->nsteps; i++) {
        bs_grade_step *g = &r->steps[i];
        const bs_step *bst = bs_trace_find(t, x->steps[i]);
        snprintf(g->id, sizeof g->id, "%s", x->steps[i]);
        g->mistake = -1;
        c->cmp_mistake[i] = -1;
        if (bst) {
            bs_step_name(g->name, sizeof g->name, bst, x->notation);
            g->rows = bst->rows;
            g->cols = bst->cols;
        } else {
            snprintf(g->name, sizeof g->name, "%s", x->steps[i]);
        }
        bs_qty q;
        size_t l;
        bs_name_parse(x->steps[i], &q, &l);
        c->ask_of[bs_backward_step_index(t->net, q, l)] = (long)i;
    }
}

/* The marks the file decides: not answered, or not readable as the step; a
 * step's note is the first problem found with it.  Returns whether any step
 * was answered. */
static int file_marks(const bs_exercise_set *x, const bs_answers *a, bs_grade_result *r)
{
    int any = 0;
    for (size_t i = 0; i < x->nsteps; i++) {
        bs_grade_step *g = &r->steps[i];
        g->mark = a->steps[i].state == BS_ANSWER_MALFORMED ? BS_MARK_MALFORMED : BS_MARK_MISSING;
        any |= a->steps[i].v != NULL;
    }
    for (size_t k = 0; k < a->nproblems; k++) {
        const bs_answers_problem *p = &a->problems[k];
        if (p->step >= 0 && !r->steps[p->step].note[0])
            copy_cut(r->steps[p->step].note, sizeof r->steps[p->step].note, p->text);
        if (p->level == BS_ANSWERS_WARNING)
            warn(r, "%s", p->text);
    }
    return any;
}

/* g[Lz] of a fused output pair (sigmoid + bce), whose right step is the
 * shortcut r (ŷ − y): a student may also work it as the product
 * g_o'(z[L]) ∘ g[La], the derivative taken from their a[L], and g[La] the
 * one they carry (handout 001 shows both forms); the rounding of g[La] then
 * enters it.  The true chain's bound D[j] is widened to hold the product
 * worked from the true g[La], so the steps below allow for either form;
 * an answer av (or NULL) is right against the student's own values
 * (ok_own) or the true ones (ok_right) when either form gives it. */
static void product_form(claims *c, size_t j, const double *av, int N)
{
    const bs_net *net = c->net;
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
    if (q != BS_Q_Z || l != net->L || !bs_backward_shortcut(net) || !net->act[l]->elementwise)
        return;
    bs_step_knobs k = bs_step_knobs_right();
    k.deriv = BS_DERIV_ON_ZA;
    size_t ja = bs_backward_source(net, j, &k);
    if (ja == (size_t)-1)
        return;
    size_t size = c->bound_n[j], na = c->bound_n[ja];
    step_with_bound(net, &c->pf, &c->fb, j, &k, c->tru[ja], c->D[ja], na, c->alt, c->tmp,
                    c->balt, size);
    for (size_t i = 0; i < size; i++)
        c->D[j][i] = fmax(c->D[j][i], fabs(c->alt[i] - c->tru[j][i]) + c->balt[i] +
                                          half_unit(c->alt[i], N));
    if (!av)
        return;
    c->ok_right[j] |= (unsigned char)within(av, c->alt, c->balt, size, N);
    step_with_bound(net, &c->pf, &c->fb, j, &k, c->cur[ja], c->dc[ja], na, c->alt, c->tmp,
                    c->balt, size);
    c->ok_own[j] |= (unsigned char)within(av, c->alt, c->balt, size, N);
}

/* Backward step j of the walk down the steps: under carry each step is
 * judged against the step computed from the student's own value above it
 * (given, or implied by theirs above that); under strict against the right
 * value. */
static void walk_step(const bs_exercise_set *x, const bs_answers *a, bs_grade_result *r,
                      claims *c, size_t j, int N)
{
    const bs_net *net = c->net;
    size_t size = c->bound_n[j];
    size_t src = bs_backward_source(net, j, NULL), nsrc = 0;
    if (src != (size_t)-1) {
        size_t sr, sc;
        bs_backward_shape(net, src, &sr, &sc);
        nsrc = sr * sc;
    }
    int has = src != (size_t)-1;
    step_with_bound(net, &c->pf, &c->fb, j, NULL, has ? c->cur[src] : NULL,
                    has ? c->dc[src] : NULL, nsrc, c->expc, c->tmp, c->bc, size);
    step_with_bound(net, &c->pf, &c->fb, j, NULL, has ? c->tru[src] : NULL,
                    has ? c->D[src] : NULL,
                    nsrc, c->exps, c->tmp, c->bs, size);
    memcpy(c->tru[j], c->exps, size * sizeof(double));
    for (size_t k = 0; k < size; k++) {
        c->D[j][k] = c->bs[k] + half_unit(c->exps[k], N);
        c->bnd[j][k] = c->bc[k] + half_unit(c->expc[k], N);
    }
    long i = c->ask_of[j];
    const bs_answers_step *an = i >= 0 ? &a->steps[i] : NULL;
    if (!an || !an->v || !an->exact) {
        /* not answered in the step's shape: what the student's values above imply */
        memcpy(c->cur[j], c->expc, size * sizeof(double));
        memcpy(c->dc[j], c->bnd[j], size * sizeof(double));
        product_form(c, j, NULL, N);
    }
    if (!an || !an->v)
        return;
    bs_grade_step *g = &r->steps[i];
    g->given_rows = an->rows;
    g->given_cols = an->cols;
    if (!an->exact) {
        g->n_elements = an->rows * an->cols;
        return;
    }
    double *av = c->av;
    bs_net_from_displayed(net, an->v, an->rows, an->cols, av);
    c->ok_own[j] = (unsigned char)within(av, c->expc, c->bc, size, N);
    c->ok_right[j] = (unsigned char)within(av, c->exps, c->bs, size, N);
    product_form(c, j, av, N);
    /* the student's own value is what they carry on */
    memcpy(c->cur[j], av, size * sizeof(double));
    for (size_t k = 0; k < size; k++)
        c->dc[j][k] = half_unit(av[k], N);
    if (x->policy == BS_POLICY_CARRY)
        differences(net, g, av, c->expc, c->bc, g->rows, g->cols, N);
    else
        differences(net, g, av, c->exps, c->bs, g->rows, g->cols, N);
}

/* A wrong step that follows rightly from the student's wrong step u above
 * it (implied: from the value their u implies at a step not asked): it is
 * named as carried, with u's mistake and diagnosis. */
static void carried_error(bs_grade_result *r, const claims *c, const bs_compare_result *cr,
                          size_t j, bs_grade_step *g, size_t u, int implied)
{
    const bs_grade_step *o = &r->steps[c->ask_of[u]];
    const char *from = implied ? cr->steps[j].inherits_from : o->name;
    snprintf(g->carried, sizeof g->carried, "%s", from);
    g->mistake = c->cmp_mistake[c->ask_of[u]];
    char why[sizeof g->diagnosis + 240];
    if (implied)
        snprintf(why, sizeof why, "%s follows rightly from the %s that your %s implies "
                                  "and carries its error%s%s",
                 g->name, from, o->name, o->diagnosis[0] ? ": " : "", o->diagnosis);
    else
        snprintf(why, sizeof why, "%s follows rightly from your %s and carries its "
                                  "error%s%s",
                 g->name, from, o->diagnosis[0] ? ": " : "", o->diagnosis);
    size_t k = strlen(why);
    if (k >= sizeof g->diagnosis) /* cut at a character */
        for (k = sizeof g->diagnosis - 1; k && ((unsigned char)why[k] & 0xC0) == 0x80; k--)
            ;
    memcpy(g->diagnosis, why, k);
    g->diagnosis[k] = '\0';
}

/* The mark of the answered backward step j, with compare's diagnosis cr
 * (or NULL) and the steps above it already marked. */
static void mark_step(const bs_exercise_set *x, bs_grade_result *r, claims *c,
                      const bs_compare_result *cr, size_t j)
{
    const bs_net *net = c->net;
    long i = c->ask_of[j];
    bs_grade_step *g = &r->steps[i];
    const bs_compare_step *cs = cr ? &cr->steps[j] : NULL;
    if (cs && cs->status == BS_CMP_DISAGREES && cs->mistake >= 0) {
        c->cmp_mistake[i] = cs->mistake;
        snprintf(g->diagnosis, sizeof g->diagnosis, "%s", cs->diagnosis);
    }
    int okc = c->ok_own[j], oks = c->ok_right[j];
    /* a slip in a step that is not asked (or not answered), carried down: the
     * first asked step that shows it is wrong, the steps below it follow
     * from the value the student's answers imply there */
    size_t via = cr && !okc ? inherited_from(cr, j, 1) : (size_t)-1;
    if (via != (size_t)-1)
        okc = 1;
    c->wrong_own[j] = !okc;
    /* under carry, the true value is right too (the student set the slip right) */
    int ok = x->policy == BS_POLICY_CARRY ? okc || oks : oks;
    if (ok) {
        g->mark = BS_MARK_RIGHT;
        r->right++;
        size_t u = oks ? (size_t)-1 : wrong_above(net, j, c->ask_of, c->wrong_own);
        if (u != (size_t)-1)
            snprintf(g->carried, sizeof g->carried, "%s", r->steps[c->ask_of[u]].name);
        else if (!oks && via != (size_t)-1)
            snprintf(g->carried, sizeof g->carried, "%s", cr->steps[j].inherits_from);
        g->diagnosis[0] = '\0';
        g->n_wrong = 0;
        g->ntop = 0;
        return;
    }
    g->mark = BS_MARK_WRONG;
    r->wrong++;
    size_t u = okc ? wrong_above(net, j, c->ask_of, c->wrong_own) : (size_t)-1;
    int implied = 0;
    if (u == (size_t)-1 && okc && via != (size_t)-1) {
        u = via; /* the asked step that showed a slip made above it */
        implied = 1;
    }
    if (u != (size_t)-1) /* strict: right from the student's own wrong value above it */
        carried_error(r, c, cr, j, g, u, implied);
    else
        g->mistake = c->cmp_mistake[i];
}

static bs_status grade_claims(bs_exercise_set *x, student *s, const bs_answers *a,
                              bs_grade_result *r)
{
    const bs_trace *t = s->t;
    const int N = BS_SHEET_SIG_DIGITS;
    r->policy = x->policy;
    r->steps = calloc(x->nsteps, sizeof *r->steps);
    if (!r->steps)
        return BS_ERR_NOMEM;
    r->nsteps = x->nsteps;
    claims c;
    bs_compare_result *cr = NULL;
    bs_status st = BS_OK;
    if (claims_make(&c, t, x->nsteps, N) != 0) {
        st = BS_ERR_NOMEM;
        goto done;
    }
    name_asked(x, t, r, &c);
    int any = file_marks(x, a, r);
    for (size_t j = 0; j < c.n; j++)
        walk_step(x, a, r, &c, j, N);
    if (any) {
        /* the diagnosis of compare, over the student's answers, with the rounding
         * bound of each step */
        bs_compare_opts co = bs_compare_defaults();
        co.rtol = x->rtol;
        co.atol = x->atol;
        co.notation = (int)x->notation;
        co.bound = (const double *const *)c.bnd;
        co.bound_n = c.bound_n;
        bs_error e;
        bs_error_clear(&e);
        st = bs_compare_run(t, a->grads, &co, &cr, &e);
        if (st == BS_ERR_NOMEM)
            goto done;
        st = BS_OK; /* without a diagnosis the marks stand, unnamed */
    }
    for (size_t j = 0; j < c.n; j++)
        if (c.ask_of[j] >= 0 && a->steps[c.ask_of[j]].v)
            mark_step(x, r, &c, cr, j);
    for (size_t i = 0; i < x->nsteps; i++) {
        if (r->steps[i].mark == BS_MARK_MISSING)
            r->missing++;
        else if (r->steps[i].mark == BS_MARK_MALFORMED)
            r->malformed++;
    }
done:
    claims_free(&c);
    bs_compare_result_free(cr);
    return st;
}

bs_status bs_grade_text(bs_exercise_set *x, const char *text, size_t len, const char *name,
                        bs_grade_result *r, bs_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->file, sizeof r->file, "%s", name);
    bs_answers a;
    bs_status st = bs_answers_read(x, text, len, name, &a, err);
    r->student = a.student;
    r->named = a.named;
    if (st != BS_OK)
        return st;
    memcpy(r->id, a.id, sizeof r->id);
    r->has_id = a.has_id;
    r->mismatch = a.mismatch;
    if (a.fatal) {
        /* not graded: why, then what else the file would be told */
        size_t o = 0;
        for (size_t k = 0; k < a.nproblems && o + 3 < sizeof r->reason; k++)
            if (a.problems[k].level == BS_ANSWERS_FATAL)
                o += (size_t)snprintf(r->reason + o, sizeof r->reason - o, "%s%s",
                                      o ? "; " : "", a.problems[k].text);
        for (size_t k = 0; k < a.nproblems; k++)
            if (a.problems[k].level != BS_ANSWERS_FATAL)
                warn(r, "%s", a.problems[k].text);
        r->error = 1;
        bs_answers_free(&a);
        return BS_OK;
    }
    st = grade_claims(x, &x->students[a.student], &a, r);
    if (st == BS_OK && !r->error && r->wrong)
        st = bs_gradebook_match(x, &a, r, err);
    if (st == BS_ERR_NOMEM)
        bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_answers_free(&a);
    return st;
}

bs_status bs_grade_file(bs_exercise_set *x, const char *path, bs_grade_result *r,
                        bs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    bs_error e;
    bs_error_clear(&e);
    struct stat sb;
    double mtime = 0;
    if (stat(path, &sb) == 0)
        mtime = (double)sb.st_mtim.tv_sec + 1e-9 * (double)sb.st_mtim.tv_nsec;
    if (bs_read_file(path, MAX_SUBMISSION_BYTES, &text, &len, &e) != BS_OK) {
        memset(r, 0, sizeof *r);
        snprintf(r->file, sizeof r->file, "%s", path);
        r->student = -1;
        r->named = named_student(x, path);
        r->mtime = mtime;
        if (e.status == BS_ERR_NOMEM)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        return fail(r, "cannot be read: %s", e.message);
    }
    bs_status st = bs_grade_text(x, text, len, path, r, err);
    r->mtime = mtime;
    free(text);
    return st;
}

/* ---- which file counts ----------------------------------------------- */

/* the student a result counts for, or -1: its id's, or for a file without
 * a readable id, the one its name names */
static long counts_for(const bs_grade_result *r)
{
    if (r->mismatch)
        return -1;
    if (r->student >= 0)
        return r->student;
    return r->has_id ? -1 : r->named;
}

/* a before b: older, or as old and earlier on the command line */
static int older(const bs_grade_result *r, size_t a, size_t b)
{
    return r[a].mtime < r[b].mtime || (r[a].mtime == r[b].mtime && a < b);
}

bs_status bs_grade_rows(const bs_exercise_set *x, const bs_grade_result *r, size_t n,
                        bs_resubmit rule, bs_grade_row **rows_out, size_t *nrows,
                        bs_error *err)
{
    *rows_out = NULL;
    *nrows = 0;
    bs_grade_row *rows = calloc(x->nstudents + n + 1, sizeof *rows);
    if (!rows)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    size_t k = 0;
    for (size_t s = 0; s < x->nstudents; s++, k++) {
        bs_grade_row *w = &rows[k];
        snprintf(w->id, sizeof w->id, "%s", x->students[s].id);
        w->student = (long)s;
        long pick = -1, pick_ok = -1;
        for (size_t i = 0; i < n; i++) {
            if (counts_for(&r[i]) != (long)s)
                continue;
            w->handed_in++;
            int later = rule == BS_RESUBMIT_FIRST ? 0 : 1;
            if (pick < 0 || (later ? older(r, (size_t)pick, i) : older(r, i, (size_t)pick)))
                pick = (long)i;
            if (!r[i].error && (pick_ok < 0 || (later ? older(r, (size_t)pick_ok, i)
                                                      : older(r, i, (size_t)pick_ok))))
                pick_ok = (long)i;
        }
        if (w->handed_in == 0) {
            w->status = BS_ROW_MISSING;
            for (size_t i = 0; i < n; i++)
                if (r[i].named == (long)s && counts_for(&r[i]) != (long)s) {
                    snprintf(w->note, sizeof w->note,
                             "nothing handed in under this id; %.200s is named for it but says "
                             "it is %.64s's (see the end of the gradebook)",
                             r[i].file, r[i].has_id ? r[i].id : "nobody");
                    break;
                }
        } else if (rule == BS_RESUBMIT_ERROR && w->handed_in > 1) {
            w->status = BS_ROW_ERROR;
            size_t o = (size_t)snprintf(w->note, sizeof w->note,
                                        "%zu files handed in and --resubmissions error: none "
                                        "graded (",
                                        w->handed_in);
            int first = 1;
            for (size_t i = 0; i < n && o < sizeof w->note; i++)
                if (counts_for(&r[i]) == (long)s) {
                    o += (size_t)snprintf(w->note + o, sizeof w->note - o, "%s%s",
                                          first ? "" : ", ", r[i].file);
                    first = 0;
                }
            if (o < sizeof w->note)
                snprintf(w->note + o, sizeof w->note - o, ")");
        } else {
            w->result = &r[pick_ok >= 0 ? pick_ok : pick];
            w->status = pick_ok >= 0 ? BS_ROW_GRADED : BS_ROW_ERROR;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (counts_for(&r[i]) >= 0)
            continue;
        bs_grade_row *w = &rows[k++];
        snprintf(w->id, sizeof w->id, "%s", r[i].id);
        w->student = -1;
        w->result = &r[i];
        w->handed_in = 1;
        w->status = r[i].mismatch ? BS_ROW_CHECK : r[i].has_id ? BS_ROW_UNKNOWN : BS_ROW_ERROR;
    }
    *rows_out = rows;
    *nrows = k;
    return BS_OK;
}

/* ---- reports --------------------------------------------------------- */

/* a CSV field (RFC 4180) */
static void csv_field(bs_sink *s, const char *v)
{
    bs_sink_csv_field(s, v);
}

/* the mistakes of a result in words: "transpose (g[2W]); activation
 * derivative left out (g[2z], g[1z]); no catalogue mistake (g[1W])" */
static void mistakes_words(bs_sink *s, const bs_grade_result *r)
{
    int any = 0;
    for (int m = -1; m < (int)BS_MISTAKE_COUNT; m++) {
        int first = 1;
        for (size_t i = 0; i < r->nsteps; i++) {
            const bs_grade_step *g = &r->steps[i];
            if (g->mark != BS_MARK_WRONG || g->mistake != m)
                continue;
            if (first) {
                if (any)
                    bs_sink_puts(s, "; ");
                bs_sink_puts(s, m >= 0 ? bs_mistakes[m].name : "no catalogue mistake");
                bs_sink_puts(s, " (");
            } else {
                bs_sink_puts(s, ", ");
            }
            bs_sink_puts(s, g->name);
            first = 0;
            any = 1;
        }
        if (!first)
            bs_sink_puts(s, ")");
    }
}

void bs_gradebook_csv(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *rows,
                      size_t n)
{
    bs_sink_puts(s, "id,file,handed_in,status,score,points,max_points,percent,other_variant");
    for (size_t i = 0; i < x->nsteps; i++) {
        char name[48];
        bs_qty q;
        size_t l;
        bs_name_parse(x->steps[i], &q, &l);
        bs_name_grad(name, sizeof name, q, l, x->notation);
        bs_sink_puts(s, ",");
        csv_field(s, name);
    }
    bs_sink_puts(s, ",mistakes,error,policy\n");
    /* every row has the header's 9 + nsteps + 3 fields */
    for (size_t k = 0; k < n; k++) {
        const bs_grade_row *w = &rows[k];
        const bs_grade_result *g = w->result;
        csv_field(s, w->id);
        bs_sink_puts(s, ",");
        csv_field(s, g ? g->file : "");
        bs_sink_printf(s, ",%zu,", w->handed_in);
        csv_field(s, bs_row_status_names[w->status]);
        bs_sink_puts(s, ",");         /* the score, then the points */
        if (w->status == BS_ROW_GRADED)
            bs_sink_printf(s, "%zu/%zu", g->right, g->nsteps);
        bs_gradebook_csv_points(s, x, w);
        if (w->status != BS_ROW_GRADED) {
            for (size_t i = 0; i < x->nsteps; i++)
                bs_sink_puts(s, ","); /* an empty step */
            bs_sink_puts(s, ",,");    /* no mistakes, then the reason */
            csv_field(s, w->note[0] ? w->note : g ? g->reason : "");
            bs_sink_printf(s, ",%s\n", bs_policy_names[x->policy]);
            continue;
        }
        for (size_t i = 0; i < g->nsteps; i++) {
            const bs_grade_step *st = &g->steps[i];
            if (st->mark == BS_MARK_RIGHT)
                bs_sink_puts(s, ",right");
            else if (st->mark == BS_MARK_MISSING)
                bs_sink_puts(s, ",missing");
            else if (st->mark == BS_MARK_MALFORMED)
                bs_sink_puts(s, ",malformed");
            else if (st->mistake >= 0)
                bs_sink_printf(s, ",wrong: %s", bs_mistakes[st->mistake].key);
            else
                bs_sink_puts(s, ",wrong");
        }
        bs_sink_puts(s, ",");
        bs_sink b = bs_sink_buffer();
        mistakes_words(&b, g);
        csv_field(s, b.buf ? b.buf : "");
        bs_sink_free_buffer(&b);
        bs_sink_printf(s, ",,%s\n", bs_policy_names[g->policy]); /* no error */
    }
}

bs_grade_tally bs_grade_count(const bs_grade_row *rows, size_t n)
{
    bs_grade_tally k = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (rows[i].status == BS_ROW_GRADED)
            k.graded++;
        else if (rows[i].status == BS_ROW_MISSING)
            k.missing++;
        else
            k.other++;
    }
    return k;
}

bs_status bs_grade_feedback_files(const bs_exercise_set *x, const bs_grade_row *rows,
                                  size_t n, bs_resubmit rule, bs_fileset **out,
                                  bs_error *err)
{
    *out = NULL;
    bs_fileset *fs = bs_fileset_create();
    if (!fs)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!bs_grade_gives_feedback(&rows[i]))
            continue;
        char name[BS_ID_MAX + 32];
        snprintf(name, sizeof name, "feedback/%s.md", rows[i].id);
        bs_sink b = bs_sink_buffer();
        bs_grade_feedback(&b, x, &rows[i], rule);
        bs_status st = bs_sink_status(&b) != 0
                           ? bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory")
                           : bs_fileset_add(fs, name, b.buf ? b.buf : "", b.len, err);
        bs_sink_free_buffer(&b);
        if (st != BS_OK) {
            bs_fileset_free(fs);
            return st;
        }
    }
    *out = fs;
    return BS_OK;
}

/* 1 when `out` is an existing regular file whose first line is not a
 * gradebook's header ("id,file,…") */
static int not_a_gradebook(const char *out)
{
    FILE *f = fopen(out, "r");
    struct stat st;
    int other = 0;
    if (f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        char head[16] = "";
        size_t got = fread(head, 1, sizeof head - 1, f);
        head[got] = '\0';
        other = got > 0 && !bs_gradebook_is_ours(head);
    }
    if (f)
        fclose(f);
    return other;
}

int bs_grade_output_clash(const char *out, const char *dir, const bs_exercise_set *x,
                          const char *const *answers, size_t n, char *clash, size_t size,
                          const char **what)
{
    *what = "an answers file it grades";
    for (size_t i = 0; i < n; i++)
        if (bs_same_file(out, answers[i])) {
            snprintf(clash, size, "%s", answers[i]);
            return 1;
        }
    *what = "the exercise's manifest";
    snprintf(clash, size, "%s/exercise.json", dir);
    if (bs_same_file(out, clash))
        return 1;
    /* "-o returned/ *.json" (a glob slip) puts the first answers file after -o, where grade
     * never reads it: an existing file is replaced only when it is a
     * gradebook (its first line the gradebook's header) */
    *what = "an existing file that is not a gradebook; -o names the gradebook to write "
            "(a glob after -o?)";
    if (not_a_gradebook(out)) {
        snprintf(clash, size, "%s", out);
        return 1;
    }
    const char *id;
    for (size_t i = 0; (id = bs_exercise_set_id(x, i)) != NULL; i++) {
        *what = "a student's variant";
        snprintf(clash, size, "%s/%s/spec.json", dir, id);
        if (bs_same_file(out, clash))
            return 1;
        *what = "a feedback file it writes";
        snprintf(clash, size, "%s/feedback/%s.md", dir, id);
        if (bs_same_file(out, clash))
            return 1;
    }
    return 0;
}

int bs_grade_gives_feedback(const bs_grade_row *row)
{
    return row->student >= 0 && (row->status == BS_ROW_GRADED || row->status == BS_ROW_ERROR);
}

/* Markdown prose: escapes the characters that would be read as markup */
static void md_text(bs_sink *s, const char *t)
{
    for (; *t; t++) {
        if (strchr("\\`*<>|", *t))
            bs_sink_printf(s, "\\%c", *t);
        else if (*t == '\n')
            bs_sink_puts(s, " ");
        else
            bs_sink_write(s, t, 1);
    }
}

static void md_code(bs_sink *s, const char *t)
{
    bs_sink_puts(s, "`");
    for (; *t; t++)
        if (*t != '`' && *t != '\n')
            bs_sink_write(s, t, 1);
    bs_sink_puts(s, "`");
}

/* the score line, how the steps were marked, and the warning that the
 * answers fit another student's variant */
static void fb_score(bs_sink *s, const bs_grade_result *r)
{
    bs_sink_printf(s, "**Score:** %zu of %zu steps right", r->right, r->nsteps);
    if (r->wrong)
        bs_sink_printf(s, ", %zu wrong", r->wrong);
    if (r->missing)
        bs_sink_printf(s, ", %zu not answered", r->missing);
    if (r->malformed)
        bs_sink_printf(s, ", %zu that could not be read", r->malformed);
    bs_sink_puts(s, r->policy == BS_POLICY_STRICT
                        ? ".\n\nEach step is marked against the right values (strict), so a "
                          "slip also costs every step worked out from it."
                        : ".\n\nEach step is marked against your own answers above it "
                          "(carry), so a slip costs only the step where it is made.");
    bs_sink_printf(s, " An answer is right when it is what your values give to %d significant "
                      "digits.\n\n",
                   BS_SHEET_SIG_DIGITS);
    if (r->matches_other)
        bs_sink_puts(s, "**Check your numbers:** your answers agree with the right values of "
                        "another student's variant, not with your own: work from your own "
                        "sheet.\n\n");
}

/* the table of steps and their marks */
static void fb_table(bs_sink *s, const bs_grade_result *r)
{
    bs_sink_puts(s, "| step | result |\n|---|---|\n");
    for (size_t i = 0; i < r->nsteps; i++) {
        const bs_grade_step *g = &r->steps[i];
        bs_sink_puts(s, "| ");
        md_code(s, g->name);
        bs_sink_puts(s, " | ");
        if (g->mark == BS_MARK_RIGHT && g->carried[0]) {
            bs_sink_puts(s, "right, from your ");
            md_code(s, g->carried);
        } else if (g->mark == BS_MARK_RIGHT)
            bs_sink_puts(s, "right");
        else if (g->mark == BS_MARK_MISSING)
            bs_sink_puts(s, "not answered");
        else if (g->mark == BS_MARK_MALFORMED)
            bs_sink_puts(s, "could not be read");
        else if (g->mistake >= 0) {
            bs_sink_puts(s, "wrong: ");
            md_text(s, bs_mistakes[g->mistake].name);
        } else {
            bs_sink_puts(s, "wrong");
        }
        bs_sink_puts(s, " |\n");
    }
}

/* the notes: each step that could not be read, and the warnings */
static void fb_notes(bs_sink *s, const bs_grade_result *r)
{
    if (r->warnings[0] || r->malformed) {
        bs_sink_puts(s, "\n## Notes\n\n");
        for (size_t i = 0; i < r->nsteps; i++)
            if (r->steps[i].mark == BS_MARK_MALFORMED) {
                bs_sink_puts(s, "- ");
                md_code(s, r->steps[i].name);
                bs_sink_puts(s, " could not be read: ");
                md_text(s, r->steps[i].note);
                bs_sink_puts(s, ".\n");
            }
        if (r->warnings[0]) {
            bs_sink_puts(s, "- ");
            md_text(s, r->warnings);
            bs_sink_puts(s, ".\n");
        }
    }
}

/* what went wrong at the wrong step g: the mistake or the step it carries
 * from, then its shape or the elements that differ most */
static void fb_wrong_step(bs_sink *s, const bs_exercise_set *x, const bs_grade_result *r,
                          const bs_grade_step *g)
{
    bs_sink_puts(s, "\n### ");
    md_code(s, g->name);
    bs_sink_puts(s, "\n\n");
    if ((g->carried[0] && g->mistake < 0) || (g->mistake >= 0 && g->diagnosis[0])) {
        bs_sink_puts(s, "Your ");
        md_text(s, g->diagnosis);
        bs_sink_puts(s, ".\n\n");
    } else {
        bs_sink_puts(s, "No mistake in backstep's catalogue reproduces your answer: look "
                        "for a slip in the arithmetic.\n\n");
    }
    if (g->given_rows != g->rows || g->given_cols != g->cols) {
        bs_sink_printf(s, "You gave a %zu×%zu answer; the step is %zu×%zu.\n", g->given_rows,
                       g->given_cols, g->rows, g->cols);
        return;
    }
    bs_sink_printf(s, "%zu of %zu element%s differ%s:\n\n", g->n_wrong, g->n_elements,
                   g->n_elements == 1 ? "" : "s", g->n_wrong == 1 ? "s" : "");
    for (size_t k = 0; k < g->ntop && k < g->n_wrong; k++) {
        bs_sink_puts(s, "- ");
        if (x->hints)
            bs_sink_printf(s, "`%s[%zu,%zu]`\n", g->name, g->top[k].row, g->top[k].col);
        else
            bs_sink_printf(s, "`%s[%zu,%zu]`: yours %.6g, %s %.6g\n", g->name,
                           g->top[k].row, g->top[k].col, g->top[k].program,
                           r->policy == BS_POLICY_CARRY ? "from your values above"
                                                        : "right",
                           g->top[k].backstep);
    }
}

void bs_grade_feedback(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *row,
                       bs_resubmit rule)
{
    const bs_grade_result *r = row->result;
    bs_sink_puts(s, "# Feedback: ");
    md_text(s, x->spec);
    bs_sink_puts(s, "\n\n**Student:** ");
    md_code(s, row->id);
    if (r) {
        bs_sink_puts(s, "  \n**Answers:** ");
        md_code(s, r->file);
    }
    bs_sink_puts(s, "\n\n");
    if (row->handed_in > 1 && r)
        bs_sink_printf(s, "You handed in %zu files; this is about the %s%s.\n\n",
                       row->handed_in, rule == BS_RESUBMIT_FIRST ? "first" : "latest",
                       r->error ? ", as none could be graded" : " that could be graded");
    if (!r) {
        bs_sink_puts(s, "Your answers could not be graded: ");
        md_text(s, row->note);
        bs_sink_puts(s, ".\n\nAsk your instructor which file counts.\n");
        return;
    }
    if (r->error) {
        bs_sink_puts(s, "Your answers could not be graded: ");
        md_text(s, r->reason);
        bs_sink_puts(s, ".\n\nCorrect the file (start again from the answers.json you were "
                        "given if need be) and hand it in again.\n");
        return;
    }
    fb_score(s, r);
    fb_table(s, r);
    fb_notes(s, r);
    if (!r->wrong) {
        bs_sink_puts(s, r->missing || r->malformed ? "\nEvery step you answered is right.\n"
                                                   : "\nEvery step is right.\n");
        return;
    }
    bs_sink_puts(s, "\n## What went wrong\n");
    for (size_t i = 0; i < r->nsteps; i++)
        if (r->steps[i].mark == BS_MARK_WRONG)
            fb_wrong_step(s, x, r, &r->steps[i]);
}

/* ---- what the gradebook formats read (bs_gradebook.h) --------------- */

size_t bs_exercise_set_nsteps(const bs_exercise_set *x)
{
    return x->nsteps;
}

const char *bs_exercise_set_step(const bs_exercise_set *x, size_t i)
{
    return i < x->nsteps ? x->steps[i] : NULL;
}

const char *bs_exercise_set_spec(const bs_exercise_set *x)
{
    return x->spec;
}

bs_notation bs_exercise_set_notation(const bs_exercise_set *x)
{
    return x->notation;
}

void bs_exercise_set_tolerances(const bs_exercise_set *x, double *rtol, double *atol)
{
    *rtol = x->rtol;
    *atol = x->atol;
}

const bs_trace *bs_exercise_set_trace(bs_exercise_set *x, size_t i)
{
    if (i >= x->nstudents || load_variant(x, &x->students[i]) != 0)
        return NULL;
    return x->students[i].t;
}

int bs_exercise_set_weigh(bs_exercise_set *x, const double *w)
{
    double *c = malloc(x->nsteps * sizeof *c);
    if (!c)
        return -1;
    memcpy(c, w, x->nsteps * sizeof *c);
    free(x->weights);
    x->weights = c;
    return 0;
}

double bs_exercise_set_weight(const bs_exercise_set *x, size_t i)
{
    return x->weights && i < x->nsteps ? x->weights[i] : 1.0;
}

void bs_exercise_set_hints(bs_exercise_set *x, int on)
{
    x->hints = on != 0;
}
