/* bs_session.c — step mode and quiz mode: state machines fed one line at a
 * time, writing to a sink. */
#include "bs_render_text.h"
#include "bs_session.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_compare.h"
#include "bs_explain.h"
#include "bs_mistakes.h"
#include "bs_render_common.h"
#include "bs_typeset.h"

/* ---- answers ------------------------------------------------------------ */

void bs_answer_free(bs_answer *a)
{
    if (!a)
        return;
    free(a->v);
    a->v = NULL;
    a->rows = a->cols = 0;
}

/* Separators between numbers: spaces, commas and the brackets of a pasted
 * matrix. */
static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' ||
           c == ']';
}

/* Characters (not bytes) of UTF-8 text from `from` up to `to`. */
static size_t chars_between(const char *from, const char *to)
{
    size_t n = 0;
    for (const char *p = from; p < to; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            n++;
    return n;
}

static const char MINUS[] = "\xe2\x88\x92"; /* U+2212 − */

/* Closes a row of `in_row` numbers; returns 0 or sets the error. */
static bs_status close_row(size_t *rows, size_t *cols, size_t in_row, bs_error *err)
{
    char where[32];
    snprintf(where, sizeof where, "row %zu", *rows + 1);
    if (in_row == 0)
        return bs_error_set(err, BS_ERR_SYNTAX, where, "row %zu is empty", *rows + 1);
    if (*rows > 0 && in_row != *cols)
        return bs_error_set(err, BS_ERR_SYNTAX, where,
                            "row %zu has %zu number%s, row 1 has %zu", *rows + 1, in_row,
                            in_row == 1 ? "" : "s", *cols);
    if (*rows == 0)
        *cols = in_row;
    (*rows)++;
    return BS_OK;
}

bs_status bs_answer_parse(const char *line, bs_answer *out, bs_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = 0, cap = 16, rows = 0, cols = 0, in_row = 0;
    double *v = malloc(cap * sizeof *v);
    if (!v)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_status st = BS_OK;
    const char *p = line;
    for (;;) {
        /* A comma separates two numbers: a comma before a row's first number,
         * or a second one before the next number, leaves an entry empty
         * ("1,,2" is not two numbers). */
        const char *empty = NULL;
        size_t commas = 0;
        while (is_sep(*p)) {
            if (*p == ',' && !empty && (in_row == 0 || ++commas > 1))
                empty = p;
            p++;
        }
        if (empty && (in_row > 0 || (*p != '\0' && *p != ';'))) {
            char where[32];
            snprintf(where, sizeof where, "column %zu", chars_between(line, empty) + 1);
            st = bs_error_set(err, BS_ERR_SYNTAX, where,
                              "an empty entry: expected a number before this comma");
            break;
        }
        if (*p == '\0') {
            if (in_row > 0)
                st = close_row(&rows, &cols, in_row, err);
            break;
        }
        if (*p == ';') {
            if ((st = close_row(&rows, &cols, in_row, err)) != BS_OK)
                break;
            in_row = 0;
            p++;
            continue;
        }
        /* one number: up to the next separator, with − read as - */
        const char *start = p;
        char tok[64];
        size_t k = 0;
        int bad = 0;
        while (*p && !is_sep(*p) && *p != ';') {
            char c = *p;
            if (strncmp(p, MINUS, 3) == 0) {
                c = '-';
                p += 3;
            } else {
                p++;
            }
            if (!(isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.' || c == 'e' ||
                  c == 'E'))
                bad = 1;
            if (k + 1 < sizeof tok)
                tok[k++] = c;
            else
                bad = 1;
        }
        tok[k] = '\0';
        char *end = NULL;
        double x = 0.0;
        if (!bad) {
            errno = 0;
            x = strtod(tok, &end);
            bad = end == tok || *end != '\0' || !isfinite(x) ||
                  (errno == ERANGE && fabs(x) >= 1.0);
        }
        if (bad) {
            char where[32], shown[80];
            snprintf(where, sizeof where, "column %zu", chars_between(line, start) + 1);
            char raw[64];
            size_t len = (size_t)(p - start) < sizeof raw - 1 ? (size_t)(p - start) : sizeof raw - 1;
            memcpy(raw, start, len);
            raw[len] = '\0';
            bs_error_quote(shown, sizeof shown, raw);
            st = bs_error_set(err, BS_ERR_SYNTAX, where, "expected a number, got \"%s\"",
                              shown);
            break;
        }
        if (n == cap) {
            double *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) {
                st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
                break;
            }
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
        in_row++;
    }
    if (st == BS_OK && n == 0)
        st = bs_error_set(err, BS_ERR_SYNTAX, NULL,
                          "expected numbers, e.g. 0.12 -0.3; 0.5 1e-2");
    if (st != BS_OK) {
        free(v);
        return st;
    }
    out->rows = rows;
    out->cols = cols;
    out->v = v;
    return BS_OK;
}

/* A line of input as a command: without surrounding white space, lower case,
 * at most size − 1 characters (longer lines come back truncated, so that they
 * match no command). */
static void command_of(const char *line, char *buf, size_t size)
{
    while (isspace((unsigned char)*line))
        line++;
    size_t n = strlen(line);
    while (n > 0 && isspace((unsigned char)line[n - 1]))
        n--;
    size_t k = 0;
    for (; k < n && k + 1 < size; k++)
        buf[k] = (char)tolower((unsigned char)line[k]);
    buf[k] = '\0';
}

/* ---- step mode ---------------------------------------------------------- */

struct bs_stepper {
    const bs_trace *t;
    bs_render_opts o;
    size_t n;     /* backward steps */
    size_t cur;   /* the one shown now, 0-based */
    int ended;
};

static const char STEP_COMMANDS[] =
    "commands: Enter the next step, b the previous step again, why its explanation,\n"
    "          terms its expansion with numbers, forward the forward pass again, q quit\n";

bs_status bs_stepper_create(const bs_trace *t, const bs_render_opts *o, bs_stepper **out,
                            bs_error *err)
{
    *out = NULL;
    if (t->nsteps <= t->first_backward)
        return bs_error_set(err, BS_ERR_SPEC, NULL, "the trace has no backward steps");
    bs_stepper *w = calloc(1, sizeof *w);
    if (!w)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    w->t = t;
    w->o = *o;
    w->o.format = BS_FORMAT_TEXT;
    w->n = t->nsteps - t->first_backward;
    *out = w;
    return BS_OK;
}

void bs_stepper_free(bs_stepper *w)
{
    free(w);
}

size_t bs_stepper_current(const bs_stepper *w)
{
    return w->cur;
}

/* "step 6 of 12: g[2z]" and the step as the trace shows it. */
static void show_step(bs_stepper *w, size_t k, bs_sink *s)
{
    const bs_step *st = &w->t->steps[w->t->first_backward + k];
    char name[48];
    bs_step_name(name, sizeof name, st, w->o.notation);
    bs_sink_printf(s, "\nstep %zu of %zu: %s\n", k + 1, w->n, name);
    bs_sink b = bs_sink_buffer();
    bs_render_text_step(&b, w->t, w->t->first_backward + k, &w->o);
    if (bs_sink_status(&b) != 0)
        s->failed = 1;
    else if (b.buf)
        bs_sink_puts(s, b.buf[0] == '\n' ? b.buf + 1 : b.buf);
    bs_sink_free_buffer(&b);
}

void bs_stepper_start(bs_stepper *w, bs_sink *s)
{
    bs_render_text_intro(s, w->t, &w->o);
    bs_render_text_backward_head(s, w->t);
    bs_sink_printf(s, "\n%zu backward steps, one at a time.\n", w->n);
    bs_sink_puts(s, STEP_COMMANDS);
    w->cur = 0;
    show_step(w, 0, s);
}

static void step_end(bs_stepper *w, bs_sink *s)
{
    bs_render_text_end(s, w->t, &w->o);
    w->ended = 1;
}

int bs_stepper_feed(bs_stepper *w, const char *line, bs_sink *s)
{
    if (w->ended)
        return 0;
    char cmd[32];
    command_of(line, cmd, sizeof cmd);
    const bs_step *st = &w->t->steps[w->t->first_backward + w->cur];
    if (cmd[0] == '\0' || strcmp(cmd, "n") == 0 || strcmp(cmd, "next") == 0) {
        if (w->cur + 1 < w->n) {
            w->cur++;
            show_step(w, w->cur, s);
        } else {
            step_end(w, s);
        }
    } else if (strcmp(cmd, "b") == 0 || strcmp(cmd, "back") == 0) {
        if (w->cur == 0)
            bs_sink_puts(s, "(this is the first backward step)\n");
        else
            w->cur--;
        show_step(w, w->cur, s);
    } else if (strcmp(cmd, "why") == 0) {
        bs_sink_puts(s, "  why: ");
        bs_explain(s, w->t, st, w->o.notation);
        bs_sink_puts(s, "\n");
    } else if (strcmp(cmd, "terms") == 0) {
        bs_render_text_terms(s, w->t, st, &w->o);
    } else if (strcmp(cmd, "forward") == 0) {
        bs_render_text_forward(s, w->t, &w->o);
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "?") == 0) {
        bs_sink_puts(s, STEP_COMMANDS);
    } else if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
        bs_sink_printf(s, "stopped at step %zu of %zu\n", w->cur + 1, w->n);
        w->ended = 1;
    } else {
        char shown[80];
        bs_error_quote(shown, sizeof shown, line);
        bs_sink_printf(s, "unknown command \"%s\"; %s", shown, STEP_COMMANDS);
    }
    return w->ended ? 0 : 1;
}

void bs_stepper_finish(bs_stepper *w, bs_sink *s)
{
    if (w->ended)
        return;
    while (w->cur + 1 < w->n) {
        w->cur++;
        show_step(w, w->cur, s);
    }
    step_end(w, s);
}

void bs_stepper_prompt(const bs_stepper *w, char *buf, size_t size)
{
    snprintf(buf, size, "step %zu/%zu> ", w->cur + 1, w->n);
}

/* ---- quiz mode ---------------------------------------------------------- */

/* Kinds of mistake a wrong answer is tallied under: the catalogue's, then
 * these two. */
enum { Q_SHAPE = BS_MISTAKE_COUNT, Q_UNEXPLAINED, Q_KINDS };

typedef enum outcome { O_UNANSWERED = 0, O_RIGHT, O_REVEALED, O_SKIPPED } outcome;

static const char *const outcome_names[] = {"unanswered", "right", "revealed", "skipped"};

/* One answer given to a question. */
typedef struct attempt {
    char *text;       /* as typed */
    bs_answer a;      /* as read */
    int right;
    int kind;         /* a mistake kind (catalogue id, Q_SHAPE, Q_UNEXPLAINED), or -1 */
    char *diagnosis;  /* the sentence that names it, or NULL */
    size_t n_wrong;   /* elements outside the tolerance (answers of the right shape) */
} attempt;

typedef struct item {
    size_t step;      /* index into t->steps */
    char name[48];    /* in the quiz's notation */
    attempt *att;
    size_t natt, cap;
    outcome out;
    size_t hints;
} item;

struct bs_quiz {
    const bs_trace *t;
    bs_quiz_opts o;
    bs_render_opts ro;
    item *items;
    size_t n;
    size_t cur;
    int ended;
    size_t tally[Q_KINDS];
    size_t first_seen[Q_KINDS]; /* order of first appearance, 1-based; 0 never */
    size_t seen;
};

bs_quiz_opts bs_quiz_defaults(void)
{
    bs_quiz_opts o;
    o.notation = BS_NOTATION_G;
    o.tolerance = BS_QUIZ_TOLERANCE;
    o.precision = 6;
    o.only = NULL;
    o.tries = 3;
    o.source = NULL;
    return o;
}

static const char *kind_key(int k)
{
    if (k == Q_SHAPE)
        return "wrong-shape";
    if (k == Q_UNEXPLAINED)
        return "unexplained";
    return bs_mistakes[k].key;
}

static const char *kind_name(int k)
{
    if (k == Q_SHAPE)
        return "wrong shape";
    if (k == Q_UNEXPLAINED)
        return "not in the catalogue";
    return bs_mistakes[k].name;
}

/* The index into t->steps of the backward step named `name`, in any
 * notation, or (size_t)-1. */
static size_t find_backward(const bs_trace *t, const char *name)
{
    bs_qty q;
    size_t layer;
    if (bs_name_parse(name, &q, &layer) != 0)
        return (size_t)-1;
    if ((q != BS_Q_A && q != BS_Q_Z && q != BS_Q_W && q != BS_Q_B) || layer < 1 ||
        layer > t->net->L)
        return (size_t)-1;
    char id[24];
    bs_name_grad(id, sizeof id, q, layer, BS_NOTATION_G);
    for (size_t i = t->first_backward; i < t->nsteps; i++)
        if (strcmp(t->steps[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

/* Marks the steps `only` names in `want` (indexed by trace step). */
static bs_status pick_only(const bs_trace *t, const char *only, unsigned char *want,
                           bs_error *err)
{
    const char *p = only;
    size_t named = 0;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (len >= sizeof name) {
            char shown[80];
            bs_error_quote(shown, sizeof shown, p);
            return bs_error_set(err, BS_ERR_USAGE, "--only", "\"%s\" is not a step name",
                                shown);
        }
        memcpy(name, p, len);
        name[len] = '\0';
        char *a = name;
        while (isspace((unsigned char)*a))
            a++;
        size_t n = strlen(a);
        while (n > 0 && isspace((unsigned char)a[n - 1]))
            a[--n] = '\0';
        if (*a) {
            size_t i = find_backward(t, a);
            if (i == (size_t)-1) {
                char shown[80], first[48], last[48];
                bs_error_quote(shown, sizeof shown, a);
                bs_step_name(first, sizeof first, &t->steps[t->first_backward],
                             BS_NOTATION_G);
                bs_step_name(last, sizeof last, &t->steps[t->nsteps - 1], BS_NOTATION_G);
                return bs_error_set(err, BS_ERR_USAGE, "--only",
                                    "\"%s\" is not a backward step of this network (%s … %s, "
                                    "in any notation: g[2z], dz2, dL/dz2)",
                                    shown, first, last);
            }
            want[i] = 1;
            named++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (named == 0)
        return bs_error_set(err, BS_ERR_USAGE, "--only",
                            "names no step; expected names such as g[2z],g[2W]");
    return BS_OK;
}

bs_status bs_quiz_create(const bs_trace *t, const bs_quiz_opts *o, bs_quiz **out,
                         bs_error *err)
{
    *out = NULL;
    if (!(o->tolerance > 0 && o->tolerance < 1))
        return bs_error_set(err, BS_ERR_USAGE, "--tolerance",
                            "expected a relative tolerance between 0 and 1, got %g",
                            o->tolerance);
    if (o->tries < 1 || o->tries > 100)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "expected 1 to 100 tries per question, got %d", o->tries);
    if (t->nsteps <= t->first_backward)
        return bs_error_set(err, BS_ERR_SPEC, NULL, "the trace has no backward steps");
    unsigned char *want = calloc(t->nsteps, 1);
    bs_quiz *q = calloc(1, sizeof *q);
    if (!want || !q) {
        free(want);
        free(q);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    bs_status st = BS_OK;
    if (o->only)
        st = pick_only(t, o->only, want, err);
    else
        memset(want + t->first_backward, 1, t->nsteps - t->first_backward);
    size_t n = 0;
    for (size_t i = t->first_backward; i < t->nsteps; i++)
        n += want[i];
    if (st == BS_OK && !(q->items = calloc(n, sizeof *q->items)))
        st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    if (st != BS_OK) {
        free(want);
        free(q->items);
        free(q);
        return st;
    }
    q->t = t;
    q->o = *o;
    q->ro = bs_render_defaults();
    q->ro.notation = o->notation;
    q->ro.precision = o->precision;
    q->ro.source = o->source;
    for (size_t i = t->first_backward; i < t->nsteps; i++)
        if (want[i]) {
            item *it = &q->items[q->n++];
            it->step = i;
            bs_step_name(it->name, sizeof it->name, &t->steps[i], o->notation);
        }
    free(want);
    *out = q;
    return BS_OK;
}

void bs_quiz_free(bs_quiz *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++) {
        for (size_t k = 0; k < q->items[i].natt; k++) {
            free(q->items[i].att[k].text);
            free(q->items[i].att[k].diagnosis);
            bs_answer_free(&q->items[i].att[k].a);
        }
        free(q->items[i].att);
    }
    free(q->items);
    free(q);
}

/* "1 number", "3 numbers", "2 rows of 3 numbers", "4 numbers in one column" */
static void shape_words(char *buf, size_t size, size_t rows, size_t cols)
{
    if (rows == 1)
        snprintf(buf, size, "%zu number%s", cols, cols == 1 ? "" : "s");
    else if (cols == 1)
        snprintf(buf, size, "%zu numbers in one column", rows);
    else
        snprintf(buf, size, "%zu rows of %zu number%s", rows, cols, cols == 1 ? "" : "s");
}

/* The values of a step on one line, in answer syntax (rows separated by
 * "; "), at most `max` of them before "…". */
static void inline_values(bs_sink *s, const double *v, size_t rows, size_t cols, int prec,
                          size_t max)
{
    size_t shown = 0;
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            if (shown == max) {
                bs_sink_printf(s, " … (%zu×%zu)", rows, cols);
                return;
            }
            char num[40];
            bs_fmt_num(num, sizeof num, v[r * cols + c], prec);
            bs_sink_printf(s, "%s%s", c ? " " : r ? "; " : "", num);
            shown++;
        }
    }
}

/* The formula of a step as the trace heads it: "g[2z] = g_h'(z[2]) ∘ g[2a]",
 * the shortcut, the activation derivative and the note, each line after
 * `indent`. */
static void formula_lines(bs_sink *s, const bs_quiz *q, const bs_step *st, const char *indent)
{
    const bs_net *net = q->t->net;
    bs_notation nt = q->o.notation;
    char name[48];
    bs_step_name(name, sizeof name, st, nt);
    size_t pad = bs_text_width(name);
    bs_sink_printf(s, "%s%s = ", indent, name);
    bs_expr_text(s, st->formula, net, nt);
    bs_sink_puts(s, "\n");
    if (st->shortcut) {
        bs_sink_puts(s, indent);
        bs_sink_repeat(s, " ", pad);
        bs_sink_puts(s, " = ");
        bs_expr_text(s, st->shortcut, net, nt);
        bs_sink_puts(s, "\n");
    }
    if (st->qty == BS_Q_Z && net->act[st->layer]->dmath && !st->shortcut) {
        bs_sink_puts(s, indent);
        bs_sink_repeat(s, " ", pad);
        bs_sink_puts(s, "   where ");
        bs_expr_text(s, &(bs_expr){.kind = BS_X_DACT, .layer = st->layer}, net, nt);
        bs_sink_puts(s, " = ");
        bs_dact_text(s, net, st->layer, nt);
        bs_sink_puts(s, "\n");
    }
    if (st->note) {
        bs_sink_puts(s, indent);
        bs_sink_repeat(s, " ", pad);
        bs_sink_printf(s, "   (%s)\n", st->note);
    }
}

static void ask(bs_quiz *q, bs_sink *s)
{
    const bs_trace *t = q->t;
    item *it = &q->items[q->cur];
    const bs_step *st = &t->steps[it->step];
    size_t nb = t->nsteps - t->first_backward;
    char mean[48], words[80];
    bs_sink_printf(s, "\nquestion %zu of %zu: %s", q->cur + 1, q->n, it->name);
    if (q->o.notation != BS_NOTATION_PARTIAL) {
        bs_name_grad(mean, sizeof mean, st->qty, st->layer, BS_NOTATION_PARTIAL);
        bs_sink_printf(s, " = %s", mean);
    }
    bs_sink_printf(s, ", %zu×%zu", st->rows, st->cols);
    if (q->n < nb)
        bs_sink_printf(s, " (step %zu of %zu)", it->step - t->first_backward + 1, nb);
    bs_sink_puts(s, "\n");
    if (it->step > t->first_backward) {
        bs_sink_puts(s, "known so far (and the forward pass above):\n");
        for (size_t i = t->first_backward; i < it->step; i++) {
            const bs_step *k = &t->steps[i];
            char name[48];
            bs_step_name(name, sizeof name, k, q->o.notation);
            bs_sink_printf(s, "  %s = ", name);
            inline_values(s, k->value, k->rows, k->cols, q->o.precision, 12);
            bs_sink_puts(s, "\n");
        }
    }
    shape_words(words, sizeof words, st->rows, st->cols);
    bs_sink_printf(s, "type %s: %s%s\n", it->name, words,
                   st->rows > 1 && st->cols > 1 ? ", rows separated by ;" : "");
}

/* The next question, or the end of the quiz. */
static void advance(bs_quiz *q, bs_sink *s)
{
    q->cur++;
    if (q->cur < q->n) {
        ask(q, s);
        return;
    }
    q->ended = 1;
    bs_sink_puts(s, "\n");
    bs_quiz_score_line(q, s);
    bs_sink_puts(s, "\n");
}

static void reveal(bs_quiz *q, const bs_step *st, bs_sink *s)
{
    bs_sink_puts(s, "  the answer:\n");
    formula_lines(s, q, st, "    ");
    bs_render_text_matrix(s, st->value, st->rows, st->cols, q->o.precision, "    ");
    bs_sink_puts(s, "  why: ");
    bs_explain(s, q->t, st, q->o.notation);
    bs_sink_puts(s, "\n");
}

/* An answer's element against the step's value: compare's agreement
 * (never with a non-finite value), with the quiz's relative tolerance. */
static int close_enough(double a, double v, double rtol)
{
    return bs_compare_close(a, v, rtol, 1e-9);
}

/* compare's wording, said to a student */
static const char *const PERSONAL[][2] = {{"the program's", "your"},
                                          {"backstep's", "the right"}};

/* Copies text with the phrases of PERSONAL replaced. */
static void personal(char *buf, size_t size, const char *text)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *p = text; *p && n + 1 < size;) {
        const char *rep = NULL;
        size_t skip = 0;
        for (size_t k = 0; k < sizeof PERSONAL / sizeof PERSONAL[0]; k++)
            if (strncmp(p, PERSONAL[k][0], strlen(PERSONAL[k][0])) == 0) {
                rep = PERSONAL[k][1];
                skip = strlen(PERSONAL[k][0]);
            }
        if (rep) {
            int w = snprintf(buf + n, size - n, "%s", rep);
            n += w > 0 ? (size_t)w : 0;
            if (n >= size)
                n = size - 1;
            p += skip;
        } else {
            buf[n++] = *p++;
            buf[n] = '\0';
        }
    }
}

/* The sentence that names a catalogue mistake found in an answer to `st`. */
static char *diagnose(const bs_quiz *q, const bs_step *st, const bs_compare_step *cs)
{
    const bs_net *net = q->t->net;
    bs_notation nt = q->o.notation;
    bs_sink b = bs_sink_buffer();
    char name[48];
    bs_step_name(name, sizeof name, st, nt);
    if (cs->mistake == BS_MISTAKE_NO_DERIV && st->qty == BS_Q_Z &&
        net->act[st->layer]->dmath) {
        char up[48];
        bs_name_grad(up, sizeof up, BS_Q_A, st->layer, nt);
        bs_sink_printf(&b, "your %s equals %s without the factor ", name, up);
        bs_expr_text(&b, &(bs_expr){.kind = BS_X_DACT, .layer = st->layer}, net, nt);
        bs_sink_puts(&b, " = ");
        bs_dact_text(&b, net, st->layer, nt);
    } else {
        char text[sizeof cs->diagnosis + 64];
        personal(text, sizeof text, cs->diagnosis);
        bs_sink_printf(&b, "your %s", text);
    }
    if (bs_sink_status(&b) != 0) {
        bs_sink_free_buffer(&b);
        return NULL;
    }
    return b.buf;
}

static void tally(bs_quiz *q, int kind)
{
    q->tally[kind]++;
    if (!q->first_seen[kind])
        q->first_seen[kind] = ++q->seen;
}

/* 1 when an answer of rows×cols can be compared with step st: its shape, its
 * transpose, or a bias gradient with one row (column) per example. */
static int comparable_shape(const bs_net *net, const bs_step *st, size_t rows, size_t cols)
{
    if ((rows == st->rows && cols == st->cols) || (rows == st->cols && cols == st->rows))
        return 1;
    if (st->qty != BS_Q_B)
        return 0;
    size_t B = net->B, n = net->n[st->layer];
    return net->convention == BS_ROW ? (rows == B && cols == n) : (rows == n && cols == B);
}

/* The student's right answer to backward step j (displayed), or NULL when
 * they gave none (not asked, not reached, skipped or revealed). */
static const bs_answer *carried_answer(const bs_quiz *q, size_t j)
{
    const bs_net *net = q->t->net;
    for (size_t i = 0; i < q->n; i++) {
        const item *it = &q->items[i];
        const bs_step *st = &q->t->steps[it->step];
        if (bs_backward_step_index(net, st->qty, st->layer) != j)
            continue;
        for (size_t k = 0; k < it->natt; k++)
            if (it->att[k].right)
                return &it->att[k].a;
    }
    return NULL;
}

/* 1 when answer a, of step st's shape, is what the right step gives from
 * the value the student carries: their own right answer to the step it is
 * computed from (rounded as they rounded it), within the quiz's tolerance.
 * A student who rounds as they go and carries their numbers on is right
 * even where the rounding has drifted past the tolerance from backstep's. */
static int carried_right(const bs_quiz *q, const bs_step *st, const bs_answer *a)
{
    const bs_net *net = q->t->net;
    size_t j = bs_backward_step_index(net, st->qty, st->layer);
    size_t src = bs_backward_source(net, j, NULL);
    const bs_answer *from = src == (size_t)-1 ? NULL : carried_answer(q, src);
    if (!from)
        return 0;
    size_t sr, sc, r, c;
    bs_backward_shape(net, src, &sr, &sc);
    bs_backward_shape(net, j, &r, &c);
    if (from->rows * from->cols != sr * sc || a->rows * a->cols != r * c)
        return 0;
    double *f = malloc(sizeof(double) * (sr * sc + 2 * r * c + 1));
    if (!f)
        return 0;
    double *expect = f + sr * sc, *mine = expect + r * c;
    bs_net_from_displayed(net, from->v, from->rows, from->cols, f);
    bs_net_from_displayed(net, a->v, a->rows, a->cols, mine);
    bs_backward_step(net, q->t->fw, j, f, NULL, expect);
    int all = 1;
    for (size_t k = 0; all && k < r * c; k++)
        all = close_enough(mine[k], expect[k], q->o.tolerance);
    free(f);
    return all;
}

/* Records and answers one try at the current question. */
/* Judges answer a to step st (named `name`) into at: right, a mistake of
 * the catalogue (cs holds bs_compare_answer's diagnosis), unexplained, or
 * the wrong shape.  Returns -1, having said why, when the answer could not
 * be checked (it does not count as a try). */
static int judge(const bs_quiz *q, const bs_step *st, const char *name, const bs_answer *a,
                 attempt *at, bs_compare_step *cs, bs_sink *s)
{
    const bs_trace *t = q->t;
    int same = a->rows == st->rows && a->cols == st->cols;
    if (comparable_shape(t->net, st, a->rows, a->cols)) {
        bs_compare_opts co = bs_compare_defaults();
        co.rtol = q->o.tolerance;
        co.notation = (int)q->o.notation;
        bs_error err;
        bs_error_clear(&err);
        bs_status rc = bs_compare_answer(t, name, a->v, a->rows, a->cols, &co, cs, &err);
        if (rc != BS_OK && rc != BS_ERR_SPEC) {
            char msg[700];
            bs_error_format(&err, msg, sizeof msg);
            bs_sink_printf(s, "could not check the answer: %s (it did not count as a try)\n",
                           msg);
            return -1;
        }
        if (rc == BS_OK && (cs->status == BS_CMP_AGREES || (same && carried_right(q, st, a))))
            at->right = 1;
        else if (rc == BS_OK && cs->mistake >= 0)
            at->kind = cs->mistake;
        else
            at->kind = same ? Q_UNEXPLAINED : Q_SHAPE;
    } else {
        at->kind = Q_SHAPE;
    }
    return 0;
}

/* The verdict on a wrong answer whose shape is right or explained: which
 * elements are wrong (same shape), or how the shape differs, and the
 * mistake that explains it when there is one. */
static void say_wrong(const bs_quiz *q, const item *it, const bs_step *st, const attempt *at,
                      const bs_compare_step *cs, const char *want, int same, bs_sink *s)
{
    bs_sink_puts(s, "✗ not right");
    if (same) {
        bs_sink_printf(s, ": %zu of %zu element%s wrong:", at->n_wrong, st->rows * st->cols,
                       st->rows * st->cols == 1 ? "" : "s");
        size_t listed = 0;
        for (size_t k = 0; k < st->rows * st->cols; k++) {
            if (close_enough(at->a.v[k], st->value[k], q->o.tolerance))
                continue;
            if (listed == 8) {
                bs_sink_puts(s, " …");
                break;
            }
            bs_sink_printf(s, " [%zu,%zu]", k / st->cols + 1, k % st->cols + 1);
            listed++;
        }
    } else if (at->kind == BS_MISTAKE_TRANSPOSE) {
        bs_sink_printf(s, ": your answer is %zu×%zu, transposed; %s is %zu×%zu (%s)",
                       at->a.rows, at->a.cols, it->name, st->rows, st->cols, want);
    } else {
        bs_sink_printf(s, ": your answer is %zu×%zu, %s is %zu×%zu (%s)", at->a.rows,
                       at->a.cols, it->name, st->rows, st->cols, want);
    }
    bs_sink_puts(s, "\n");
    if (at->kind == Q_UNEXPLAINED && cs->reference_nonfinite)
        bs_sink_printf(s, "  the value of %s is not finite: no answer is right here "
                          "(skip shows it)\n",
                       it->name);
    else if (at->kind == Q_UNEXPLAINED)
        bs_sink_puts(s, "  no mistake of the catalogue reproduces these numbers\n");
    else
        bs_sink_printf(s, "  mistake: %s: %s\n", kind_name(at->kind),
                       at->diagnosis ? at->diagnosis : "");
}

static void try_answer(bs_quiz *q, const char *line, bs_answer *a, bs_sink *s)
{
    const bs_trace *t = q->t;
    item *it = &q->items[q->cur];
    const bs_step *st = &t->steps[it->step];
    /* A vector may be typed in either orientation: a column on one line, or
     * a row as a column.  Its orientation is the notation's convention, not
     * part of the value, so it is read as the step's vector (a transposed
     * matrix is still judged as a transpose). */
    if ((st->rows == 1 || st->cols == 1) && st->rows * st->cols > 1 && a->rows == st->cols &&
        a->cols == st->rows) {
        if (a->cols == 1)
            bs_sink_printf(s, "(%s is a row vector, 1×%zu: your column was read as that row)\n",
                           it->name, st->cols);
        a->rows = st->rows;
        a->cols = st->cols;
    }
    attempt at;
    memset(&at, 0, sizeof at);
    at.kind = -1;
    char given[80], want[80];
    shape_words(given, sizeof given, a->rows, a->cols);
    shape_words(want, sizeof want, st->rows, st->cols);
    bs_compare_step cs;
    memset(&cs, 0, sizeof cs);
    cs.mistake = -1;
    int same = a->rows == st->rows && a->cols == st->cols;
    if (judge(q, st, it->name, a, &at, &cs, s))
        return;
    if (!at.right && same)
        for (size_t k = 0; k < st->rows * st->cols; k++)
            at.n_wrong += !close_enough(a->v[k], st->value[k], q->o.tolerance);
    at.text = malloc(strlen(line) + 1);
    if (at.text)
        strcpy(at.text, line);
    at.a = *a;
    memset(a, 0, sizeof *a);
    /* the sentence */
    if (at.kind >= 0 && at.kind < BS_MISTAKE_COUNT) {
        at.diagnosis = diagnose(q, st, &cs);
    } else if (at.kind == Q_SHAPE) {
        bs_sink b = bs_sink_buffer();
        bs_sink_printf(&b, "%s is %zu×%zu (%s), your answer is %zu×%zu (%s)", it->name,
                       st->rows, st->cols, want, at.a.rows, at.a.cols, given);
        at.diagnosis = b.buf;
    }
    if (it->natt == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 4;
        attempt *na = realloc(it->att, cap * sizeof *na);
        if (!na) {
            free(at.text);
            free(at.diagnosis);
            bs_answer_free(&at.a);
            bs_sink_puts(s, "out of memory: the answer was not recorded\n");
            return;
        }
        it->att = na;
        it->cap = cap;
    }
    it->att[it->natt++] = at;
    if (at.right) {
        bs_sink_printf(s, "✓ right: %s =\n", it->name);
        bs_render_text_matrix(s, st->value, st->rows, st->cols, q->o.precision, "  ");
        it->out = O_RIGHT;
        advance(q, s);
        return;
    }
    tally(q, at.kind);
    if (at.kind == Q_SHAPE)
        bs_sink_printf(s, "✗ wrong shape: %s\n", at.diagnosis ? at.diagnosis : "");
    else
        say_wrong(q, it, st, &at, &cs, want, same, s);
    size_t left = (size_t)q->o.tries > it->natt ? (size_t)q->o.tries - it->natt : 0;
    if (left > 0) {
        bs_sink_printf(s, "  try again: %zu %s left (hint shows the formula, why explains it)\n",
                       left, left == 1 ? "try" : "tries");
        return;
    }
    it->out = O_REVEALED;
    reveal(q, st, s);
    advance(q, s);
}

static const char QUIZ_COMMANDS[] =
    "commands: hint the formula, why the explanation, skip show the answer and go on,\n"
    "          forward the forward pass again, quit end with the score\n";

void bs_quiz_start(bs_quiz *q, bs_sink *s)
{
    const bs_net *net = q->t->net;
    bs_render_text_intro(s, q->t, &q->ro);
    bs_sink_printf(s, "\nQuiz: %zu backward step%s, in the order backpropagation computes "
                      "them.\n",
                   q->n, q->n == 1 ? "" : "s");
    bs_sink_printf(s, "Type each value as numbers separated by spaces or commas, matrix rows\n"
                      "separated by ; (0.12 -0.3; 0.5 1e-2), as the %s convention displays "
                      "it.\nAn answer within a relative %g of the value is right; %d tries per step.\n",
                   net->convention == BS_ROW ? "row" : "column", q->o.tolerance, q->o.tries);
    bs_sink_puts(s, QUIZ_COMMANDS);
    q->cur = 0;
    ask(q, s);
}

int bs_quiz_feed(bs_quiz *q, const char *line, bs_sink *s)
{
    if (q->ended)
        return 0;
    item *it = &q->items[q->cur];
    const bs_step *st = &q->t->steps[it->step];
    char cmd[32];
    command_of(line, cmd, sizeof cmd);
    if (cmd[0] == '\0') {
        bs_sink_printf(s, "type the value of %s, or hint, why, skip, quit\n", it->name);
    } else if (strcmp(cmd, "hint") == 0) {
        it->hints++;
        bs_sink_puts(s, "  hint:\n");
        formula_lines(s, q, st, "    ");
    } else if (strcmp(cmd, "why") == 0) {
        it->hints++;
        bs_sink_puts(s, "  why: ");
        bs_explain(s, q->t, st, q->o.notation);
        bs_sink_puts(s, "\n");
    } else if (strcmp(cmd, "skip") == 0) {
        it->out = O_SKIPPED;
        bs_sink_printf(s, "skipped %s\n", it->name);
        reveal(q, st, s);
        advance(q, s);
    } else if (strcmp(cmd, "forward") == 0) {
        bs_render_text_forward(s, q->t, &q->ro);
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "?") == 0) {
        bs_sink_puts(s, QUIZ_COMMANDS);
    } else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0) {
        bs_sink_printf(s, "\nquiz ended at question %zu of %zu\n", q->cur + 1, q->n);
        bs_quiz_score_line(q, s);
        bs_sink_puts(s, "\n");
        q->ended = 1;
    } else {
        bs_answer a;
        bs_error err;
        bs_error_clear(&err);
        if (bs_answer_parse(line, &a, &err) != BS_OK) {
            char msg[700];
            bs_error_format(&err, msg, sizeof msg);
            bs_sink_printf(s, "could not read that as an answer: %s\n  type numbers like "
                              "0.12 -0.3; 0.5 1e-2, or hint, why, skip, quit (this did not "
                              "count as a try)\n",
                           msg);
        } else {
            try_answer(q, line, &a, s);
            bs_answer_free(&a);
        }
    }
    return q->ended ? 0 : 1;
}

void bs_quiz_finish(bs_quiz *q, bs_sink *s)
{
    if (q->ended)
        return;
    bs_sink_printf(s, "\nend of input at question %zu of %zu\n", q->cur + 1, q->n);
    bs_quiz_score_line(q, s);
    bs_sink_puts(s, "\n");
    q->ended = 1;
}

void bs_quiz_prompt(const bs_quiz *q, char *buf, size_t size)
{
    if (q->ended || q->cur >= q->n) {
        snprintf(buf, size, "> ");
        return;
    }
    const item *it = &q->items[q->cur];
    if (it->natt > 0)
        snprintf(buf, size, "%s (try %zu of %d) = ", it->name, it->natt + 1, q->o.tries);
    else
        snprintf(buf, size, "%s = ", it->name);
}

bs_quiz_score bs_quiz_tally(const bs_quiz *q)
{
    bs_quiz_score sc;
    memset(&sc, 0, sizeof sc);
    sc.steps = q->n;
    sc.ended = q->ended;
    sc.asked = q->cur < q->n ? q->cur + 1 : q->n;
    for (size_t i = 0; i < q->n; i++) {
        const item *it = &q->items[i];
        if (it->natt > 0 && it->att[0].right)
            sc.first_try++;
        sc.right += it->out == O_RIGHT;
        sc.skipped += it->out == O_SKIPPED;
        sc.revealed += it->out == O_REVEALED;
        for (size_t k = 0; k < it->natt; k++)
            sc.wrong += !it->att[k].right;
    }
    return sc;
}

size_t bs_quiz_mistake_count(const bs_quiz *q, const char *key)
{
    for (int k = 0; k < Q_KINDS; k++)
        if (strcmp(kind_key(k), key) == 0)
            return q->tally[k];
    return 0;
}

/* Mistake kinds in the order the score line lists them: by count, then by
 * first appearance.  Returns how many have a count. */
static size_t kinds_in_order(const bs_quiz *q, int *order)
{
    size_t n = 0;
    for (int k = 0; k < Q_KINDS; k++)
        if (q->tally[k])
            order[n++] = k;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            int a = order[j - 1], b = order[j];
            if (q->tally[b] > q->tally[a] ||
                (q->tally[b] == q->tally[a] && q->first_seen[b] < q->first_seen[a])) {
                order[j - 1] = b;
                order[j] = a;
            }
        }
    return n;
}

void bs_quiz_score_line(const bs_quiz *q, bs_sink *s)
{
    bs_quiz_score sc = bs_quiz_tally(q);
    bs_sink_printf(s, "score: %zu/%zu steps right at the first try; mistakes: ", sc.first_try,
                   sc.steps);
    int order[Q_KINDS];
    size_t n = kinds_in_order(q, order);
    if (n == 0)
        bs_sink_puts(s, "none");
    for (size_t i = 0; i < n; i++)
        bs_sink_printf(s, "%s%s ×%zu", i ? ", " : "", kind_name(order[i]), q->tally[order[i]]);
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v. */
static void json_num(bs_sink *s, double v)
{
    if (!isfinite(v)) {
        bs_sink_json_number(s, v);
        return;
    }
    char num[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, v);
        if (strtod(num, NULL) == v)
            break;
    }
    bs_sink_puts(s, num);
}

static void json_matrix(bs_sink *s, const double *v, size_t rows, size_t cols)
{
    bs_sink_puts(s, "[");
    for (size_t r = 0; r < rows; r++) {
        bs_sink_puts(s, r ? ", [" : "[");
        for (size_t c = 0; c < cols; c++) {
            if (c)
                bs_sink_puts(s, ", ");
            json_num(s, v[r * cols + c]);
        }
        bs_sink_puts(s, "]");
    }
    bs_sink_puts(s, "]");
}

void bs_quiz_record(bs_sink *s, const bs_quiz *q)
{
    const bs_trace *t = q->t;
    bs_sink_puts(s, "{\n  \"spec\": ");
    bs_sink_json_string(s, q->o.source);
    bs_sink_puts(s, ",\n  \"notation\": ");
    bs_sink_json_string(s, bs_notation_names[q->o.notation]);
    bs_sink_puts(s, ",\n  \"tolerance\": ");
    json_num(s, q->o.tolerance);
    bs_sink_printf(s, ",\n  \"tries_allowed\": %d,\n  \"steps\": [", q->o.tries);
    for (size_t i = 0; i < q->n; i++) {
        const item *it = &q->items[i];
        const bs_step *st = &t->steps[it->step];
        bs_sink_puts(s, i ? ",\n    {" : "\n    {");
        bs_sink_puts(s, "\"step\": ");
        bs_sink_json_string(s, st->id);
        bs_sink_puts(s, ", \"name\": ");
        bs_sink_json_string(s, it->name);
        bs_sink_printf(s, ", \"shape\": [%zu, %zu], \"outcome\": \"%s\", \"first_try\": %s, "
                          "\"tries\": %zu, \"hints\": %zu,\n     \"answers\": [",
                       st->rows, st->cols, outcome_names[it->out],
                       it->natt > 0 && it->att[0].right ? "true" : "false", it->natt,
                       it->hints);
        for (size_t k = 0; k < it->natt; k++) {
            const attempt *at = &it->att[k];
            bs_sink_puts(s, k ? ",\n       {" : "\n       {");
            bs_sink_puts(s, "\"text\": ");
            bs_sink_json_string(s, at->text);
            bs_sink_puts(s, ", \"values\": ");
            json_matrix(s, at->a.v, at->a.rows, at->a.cols);
            bs_sink_printf(s, ", \"right\": %s, \"wrong_elements\": %zu, \"mistake\": ",
                           at->right ? "true" : "false", at->n_wrong);
            bs_sink_json_string(s, at->kind >= 0 ? kind_key(at->kind) : NULL);
            bs_sink_puts(s, ", \"mistake_name\": ");
            bs_sink_json_string(s, at->kind >= 0 ? kind_name(at->kind) : NULL);
            bs_sink_puts(s, ", \"diagnosis\": ");
            bs_sink_json_string(s, at->diagnosis);
            bs_sink_puts(s, "}");
        }
        bs_sink_puts(s, "]}");
    }
    bs_quiz_score sc = bs_quiz_tally(q);
    bs_sink_printf(s, "\n  ],\n  \"score\": {\"steps\": %zu, \"asked\": %zu, \"first_try\": %zu, "
                      "\"right\": %zu, \"skipped\": %zu, \"revealed\": %zu, \"wrong_answers\": "
                      "%zu, \"mistakes\": {",
                   sc.steps, sc.asked, sc.first_try, sc.right, sc.skipped, sc.revealed, sc.wrong);
    int order[Q_KINDS];
    size_t n = kinds_in_order(q, order);
    for (size_t i = 0; i < n; i++) {
        bs_sink_puts(s, i ? ", " : "");
        bs_sink_json_string(s, kind_key(order[i]));
        bs_sink_printf(s, ": %zu", q->tally[order[i]]);
    }
    bs_sink_puts(s, "}},\n  \"score_line\": ");
    bs_sink b = bs_sink_buffer();
    bs_quiz_score_line(q, &b);
    bs_sink_json_string(s, b.buf ? b.buf : "");
    bs_sink_free_buffer(&b);
    bs_sink_puts(s, "\n}\n");
}
