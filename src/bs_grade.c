/* bs_grade.c — grading answer files against their students' variants. */
#include "bs_grade.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_json.h"
#include "bs_mistakes.h"
#include "bs_render.h"

#define MAX_SUBMISSION_BYTES ((size_t)4 << 20)

/* one student of the roster, with the variant loaded on first use */
typedef struct student {
    char *id;
    bs_net *net;
    bs_trace *t;
    int tried;         /* 1 once loading was attempted */
    char load_error[600];
    char graded_from[256]; /* the file it was graded from, or "" */
} student;

struct bs_exercise_set {
    char *dir;
    char spec[256];
    int digits;
    bs_notation notation;
    double rtol, atol;
    char (*steps)[24];  /* canonical ids of the asked steps */
    size_t nsteps;
    student *students;
    size_t nstudents;
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
    free(x->students);
    free(x->steps);
    free(x->dir);
    free(x);
}

static bs_status bad_manifest(bs_error *err, const char *where, const char *what)
{
    return bs_error_set(err, BS_ERR_SPEC, where, "%s", what);
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
    if (st == BS_OK) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "backstep_exercise");
        const cJSON *sp = cJSON_GetObjectItemCaseSensitive(root, "spec");
        const cJSON *dg = cJSON_GetObjectItemCaseSensitive(root, "digits");
        const cJSON *nt = cJSON_GetObjectItemCaseSensitive(root, "notation");
        const cJSON *rt = cJSON_GetObjectItemCaseSensitive(root, "rtol");
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(root, "atol");
        const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "ids");
        int n;
        if (!cJSON_IsObject(root) || !cJSON_IsNumber(v) || v->valuedouble != 1)
            st = bad_manifest(err, "backstep_exercise",
                              "not the manifest of an exercise directory of this version "
                              "(expected \"backstep_exercise\": 1)");
        else if (!cJSON_IsNumber(dg) || dg->valuedouble < 1 || dg->valuedouble > BS_DIGITS_MAX)
            st = bad_manifest(err, "digits", "expected a number of decimals from 1 to 4");
        else if (!cJSON_IsString(nt) || (n = bs_notation_parse(nt->valuestring)) < 0)
            st = bad_manifest(err, "notation", "expected g, partial or code");
        else if (!cJSON_IsNumber(rt) || !(rt->valuedouble >= 0) || !cJSON_IsNumber(at) ||
                 !(at->valuedouble >= 0))
            st = bad_manifest(err, "rtol", "expected tolerances rtol and atol ≥ 0");
        else if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) < 1)
            st = bad_manifest(err, "steps", "expected a list of step names");
        else if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) < 1)
            st = bad_manifest(err, "ids", "expected a list of student ids");
        else {
            x->digits = (int)dg->valuedouble;
            x->notation = (bs_notation)n;
            x->rtol = rt->valuedouble;
            x->atol = at->valuedouble;
            snprintf(x->spec, sizeof x->spec, "%s",
                     cJSON_IsString(sp) ? sp->valuestring : "exercise");
            x->nsteps = (size_t)cJSON_GetArraySize(steps);
            x->steps = calloc(x->nsteps, sizeof *x->steps);
            x->nstudents = 0;
            x->students = calloc((size_t)cJSON_GetArraySize(ids), sizeof *x->students);
            if (!x->steps || !x->students)
                st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
            size_t i = 0;
            const cJSON *e;
            cJSON_ArrayForEach(e, steps)
            {
                bs_qty q;
                size_t l;
                if (st != BS_OK)
                    break;
                if (!cJSON_IsString(e) || bs_name_parse(e->valuestring, &q, &l) != 0 ||
                    q == BS_Q_LOSS) {
                    st = bad_manifest(err, "steps", "expected step names like g[2z]");
                    break;
                }
                bs_name_grad(x->steps[i++], sizeof x->steps[0], q, l, BS_NOTATION_G);
            }
            cJSON_ArrayForEach(e, ids)
            {
                char why[256];
                if (st != BS_OK)
                    break;
                if (!cJSON_IsString(e) || bs_id_check(e->valuestring, why, sizeof why) != 0) {
                    st = bad_manifest(err, "ids", "expected valid student ids");
                    break;
                }
                student *s = &x->students[x->nstudents];
                if (!(s->id = malloc(strlen(e->valuestring) + 1))) {
                    st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
                    break;
                }
                strcpy(s->id, e->valuestring);
                x->nstudents++;
            }
        }
        if (st != BS_OK)
            bs_error_set_file(err, path);
    }
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

static student *find_student(bs_exercise_set *x, const char *id)
{
    for (size_t i = 0; i < x->nstudents; i++)
        if (strcmp(x->students[i].id, id) == 0)
            return &x->students[i];
    return NULL;
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
    if (bs_net_load_file(path, NULL, &s->net, &e) != BS_OK ||
        bs_trace_build(s->net, &s->t, &e) != BS_OK) {
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

static int is_comment_key(const char *k)
{
    return strcmp(k, "$comment") == 0 || strncmp(k, "//", 2) == 0;
}

/* the index of an asked step named `name` in any notation, or -1 */
static long asked_index(const bs_exercise_set *x, const char *name)
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

static bs_status grade_claims(bs_exercise_set *x, student *s, const cJSON *claims,
                              bs_grade_result *r)
{
    const bs_trace *t = s->t;
    r->steps = calloc(x->nsteps, sizeof *r->steps);
    if (!r->steps)
        return BS_ERR_NOMEM;
    r->nsteps = x->nsteps;
    const cJSON **given = calloc(x->nsteps, sizeof *given);
    if (!given)
        return BS_ERR_NOMEM;
    for (size_t i = 0; i < x->nsteps; i++) {
        bs_grade_step *g = &r->steps[i];
        const bs_step *st = bs_trace_find(t, x->steps[i]);
        snprintf(g->id, sizeof g->id, "%s", x->steps[i]);
        g->mistake = -1;
        if (st) {
            bs_step_name(g->name, sizeof g->name, st, x->notation);
            g->rows = st->rows;
            g->cols = st->cols;
        } else {
            snprintf(g->name, sizeof g->name, "%s", x->steps[i]);
        }
    }
    const cJSON *c;
    char q[80];
    cJSON_ArrayForEach(c, claims)
    {
        if (is_comment_key(c->string))
            continue;
        bs_error_quote(q, sizeof q, c->string);
        long i = asked_index(x, c->string);
        if (i < 0) {
            free((void *)given);
            return fail(r, "claims: \"%s\" is not one of the asked steps (the keys are those "
                           "of the answers.json handed out)",
                        q);
        }
        if (given[i]) {
            free((void *)given);
            return fail(r, "claims: \"%s\" answers %s a second time", q, r->steps[i].name);
        }
        given[i] = c;
    }
    for (size_t i = 0; i < x->nsteps; i++)
        if (!given[i]) {
            free((void *)given);
            return fail(r, "claims: the key \"%s\" is missing (leave it null for a step not "
                           "answered)",
                        r->steps[i].name);
        }
    bs_compare_opts co = bs_compare_defaults();
    co.rtol = x->rtol;
    co.atol = x->atol;
    co.notation = (int)x->notation;
    for (size_t i = 0; i < x->nsteps; i++) {
        bs_grade_step *g = &r->steps[i];
        const cJSON *v = given[i];
        if (cJSON_IsNull(v)) {
            g->mark = BS_MARK_MISSING;
            r->missing++;
            continue;
        }
        bs_qty q2;
        size_t layer;
        bs_name_parse(v->string, &q2, &layer);
        char path[96];
        bs_error_quote(q, sizeof q, v->string);
        snprintf(path, sizeof path, "claims.%s", q);
        double *vals = NULL;
        size_t rows = 0, cols = 0;
        bs_error e;
        bs_error_clear(&e);
        bs_status st = bs_net_read_values(t->net, v, path, (int)q2, layer, &rows, &cols, &vals,
                                          &e);
        bs_compare_step cmp;
        if (st == BS_OK)
            st = bs_compare_answer(t, v->string, vals, rows, cols, &co, &cmp, &e);
        free(vals);
        if (st == BS_ERR_NOMEM) {
            free((void *)given);
            return BS_ERR_NOMEM;
        }
        if (st != BS_OK) {
            free((void *)given);
            char line[600];
            if (!e.where[0])
                snprintf(e.where, sizeof e.where, "%s", path);
            bs_error_format(&e, line, sizeof line);
            return fail(r, "%s%s", strncmp(e.where, "claims.", 7) != 0 ? "claims." : "", line);
        }
        g->given_rows = rows;
        g->given_cols = cols;
        g->n_wrong = cmp.n_wrong;
        g->n_elements = cmp.n_elements;
        g->ntop = cmp.ntop;
        memcpy(g->top, cmp.top, sizeof g->top);
        if (cmp.status == BS_CMP_AGREES) {
            g->mark = BS_MARK_RIGHT;
            r->right++;
        } else {
            g->mark = BS_MARK_WRONG;
            g->mistake = cmp.mistake;
            snprintf(g->diagnosis, sizeof g->diagnosis, "%s", cmp.diagnosis);
            r->wrong++;
        }
    }
    free((void *)given);
    return BS_OK;
}

bs_status bs_grade_text(bs_exercise_set *x, const char *text, size_t len, const char *name,
                        bs_grade_result *r, bs_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->file, sizeof r->file, "%s", name);
    cJSON *root = NULL;
    bs_error e;
    bs_error_clear(&e);
    if (bs_json_parse(text, len, BS_JSON_DEFAULT_MAX_DEPTH, &root, &e) != BS_OK) {
        if (e.status == BS_ERR_NOMEM)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        char line[600];
        bs_error_format(&e, line, sizeof line);
        return fail(r, "not valid JSON: %s", line);
    }
    bs_status st = BS_OK;
    const cJSON *idv = NULL, *claims = NULL, *c;
    char q[80];
    if (!cJSON_IsObject(root)) {
        fail(r, "expected an object {\"id\": …, \"claims\": {…}}");
        goto done;
    }
    cJSON_ArrayForEach(c, root)
    {
        if (strcmp(c->string, "id") == 0)
            idv = c;
        else if (strcmp(c->string, "claims") == 0)
            claims = c;
        else if (!is_comment_key(c->string)) {
            bs_error_quote(q, sizeof q, c->string);
            fail(r, "unknown key \"%s\" (expected \"id\" and \"claims\")", q);
            goto done;
        }
    }
    if (!idv || !cJSON_IsString(idv)) {
        fail(r, idv ? "id: expected a string" : "no \"id\": which student's answers these are "
                                                "is not said");
        goto done;
    }
    bs_error_quote(q, sizeof q, idv->valuestring);
    if (strlen(q) < sizeof r->id)
        memcpy(r->id, q, strlen(q) + 1);
    student *s = find_student(x, idv->valuestring);
    if (!s) {
        const char **names = calloc(x->nstudents + 1, sizeof *names);
        const char *g = NULL;
        if (names) {
            for (size_t i = 0; i < x->nstudents; i++)
                names[i] = x->students[i].id;
            g = bs_suggest(idv->valuestring, names);
        }
        if (g)
            fail(r, "unknown id \"%s\": not on the exercise's roster (did you mean \"%s\"?)", q,
                 g);
        else
            fail(r, "unknown id \"%s\": not on the exercise's roster", q);
        free((void *)names);
        goto done;
    }
    if (s->graded_from[0]) {
        fail(r, "duplicate: id \"%s\" was already graded from %s", q, s->graded_from);
        goto done;
    }
    r->known = 1;
    if (!claims || !cJSON_IsObject(claims)) {
        fail(r, claims ? "claims: expected an object of step names and answers"
                       : "no \"claims\": the answers are missing");
        goto done;
    }
    if (load_variant(x, s) != 0) {
        fail(r, "%s", s->load_error);
        goto done;
    }
    st = grade_claims(x, s, claims, r);
    if (st == BS_ERR_NOMEM)
        bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    else if (!r->error) /* only a graded submission takes the id */
        snprintf(s->graded_from, sizeof s->graded_from, "%s", name);
done:
    cJSON_Delete(root);
    return st;
}

bs_status bs_grade_file(bs_exercise_set *x, const char *path, bs_grade_result *r,
                        bs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    bs_error e;
    bs_error_clear(&e);
    if (bs_read_file(path, MAX_SUBMISSION_BYTES, &text, &len, &e) != BS_OK) {
        memset(r, 0, sizeof *r);
        snprintf(r->file, sizeof r->file, "%s", path);
        if (e.status == BS_ERR_NOMEM)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        return fail(r, "cannot be read: %s", e.message);
    }
    bs_status st = bs_grade_text(x, text, len, path, r, err);
    free(text);
    return st;
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

void bs_gradebook_csv(bs_sink *s, const bs_exercise_set *x, const bs_grade_result *r,
                      size_t n)
{
    bs_sink_puts(s, "id,file,status,score");
    for (size_t i = 0; i < x->nsteps; i++) {
        char name[48];
        bs_qty q;
        size_t l;
        bs_name_parse(x->steps[i], &q, &l);
        bs_name_grad(name, sizeof name, q, l, x->notation);
        bs_sink_puts(s, ",");
        csv_field(s, name);
    }
    bs_sink_puts(s, ",mistakes,error\n");
    /* every row has the header's 4 + nsteps + 2 fields */
    for (size_t k = 0; k < n; k++) {
        const bs_grade_result *g = &r[k];
        csv_field(s, g->id);
        bs_sink_puts(s, ",");
        csv_field(s, g->file);
        if (g->error) {
            bs_sink_puts(s, ",error,"); /* an empty score */
            for (size_t i = 0; i < x->nsteps; i++)
                bs_sink_puts(s, ",");   /* an empty step */
            bs_sink_puts(s, ",,");      /* no mistakes, then the reason */
            csv_field(s, g->reason);
            bs_sink_puts(s, "\n");
            continue;
        }
        bs_sink_printf(s, ",graded,%zu/%zu", g->right, g->nsteps);
        for (size_t i = 0; i < g->nsteps; i++) {
            const bs_grade_step *st = &g->steps[i];
            if (st->mark == BS_MARK_RIGHT)
                bs_sink_puts(s, ",right");
            else if (st->mark == BS_MARK_MISSING)
                bs_sink_puts(s, ",missing");
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
        bs_sink_puts(s, ",\n"); /* no error */
    }
}

int bs_grade_gives_feedback(const bs_grade_result *r, size_t n, size_t i)
{
    if (i >= n || !r[i].known)
        return 0;
    /* after a graded submission the id's later ones are duplicates, not
     * known; so the last known one is the graded one, if any */
    for (size_t j = i + 1; j < n; j++)
        if (r[j].known && strcmp(r[j].id, r[i].id) == 0)
            return 0;
    return 1;
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

void bs_grade_feedback(bs_sink *s, const bs_exercise_set *x, const bs_grade_result *r)
{
    bs_sink_puts(s, "# Feedback: ");
    md_text(s, x->spec);
    bs_sink_puts(s, "\n\n**Student:** ");
    md_code(s, r->id);
    bs_sink_puts(s, "  \n**Answers:** ");
    md_code(s, r->file);
    bs_sink_puts(s, "\n\n");
    if (r->error) {
        bs_sink_puts(s, "Your answers could not be graded: ");
        md_text(s, r->reason);
        bs_sink_puts(s, ".\n\nCorrect the file (start again from the answers.json you were "
                        "given if need be) and hand it in again.\n");
        return;
    }
    bs_sink_printf(s, "**Score:** %zu of %zu steps right", r->right, r->nsteps);
    if (r->wrong)
        bs_sink_printf(s, ", %zu wrong", r->wrong);
    if (r->missing)
        bs_sink_printf(s, ", %zu not answered", r->missing);
    bs_sink_puts(s, ".\n\n| step | result |\n|---|---|\n");
    for (size_t i = 0; i < r->nsteps; i++) {
        const bs_grade_step *g = &r->steps[i];
        bs_sink_puts(s, "| ");
        md_code(s, g->name);
        bs_sink_puts(s, " | ");
        if (g->mark == BS_MARK_RIGHT)
            bs_sink_puts(s, "right");
        else if (g->mark == BS_MARK_MISSING)
            bs_sink_puts(s, "not answered");
        else if (g->mistake >= 0) {
            bs_sink_puts(s, "wrong: ");
            md_text(s, bs_mistakes[g->mistake].name);
        } else {
            bs_sink_puts(s, "wrong");
        }
        bs_sink_puts(s, " |\n");
    }
    if (!r->wrong) {
        bs_sink_puts(s, r->missing ? "\nEvery step you answered is right.\n"
                                   : "\nEvery step is right.\n");
        return;
    }
    bs_sink_puts(s, "\n## What went wrong\n");
    for (size_t i = 0; i < r->nsteps; i++) {
        const bs_grade_step *g = &r->steps[i];
        if (g->mark != BS_MARK_WRONG)
            continue;
        bs_sink_puts(s, "\n### ");
        md_code(s, g->name);
        bs_sink_puts(s, "\n\n");
        if (g->mistake >= 0 && g->diagnosis[0]) {
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
            continue;
        }
        bs_sink_printf(s, "%zu of %zu element%s differ%s:\n\n", g->n_wrong, g->n_elements,
                       g->n_elements == 1 ? "" : "s", g->n_wrong == 1 ? "s" : "");
        for (size_t k = 0; k < g->ntop && k < g->n_wrong; k++) {
            bs_sink_puts(s, "- ");
            bs_sink_printf(s, "`%s[%zu,%zu]`: yours %.6g, right %.6g\n", g->name, g->top[k].row,
                           g->top[k].col, g->top[k].program, g->top[k].backstep);
        }
    }
}
