/* bs_exercise.c — per-student variants, sheets, answer skeletons and keys. */
#include "bs_check.h"
#include "bs_exercise.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_checked.h"
#include "bs_json.h"
#include "bs_latex.h"
#include "bs_mathml.h"
#include "bs_rng.h"

/* ---- ids and rosters ------------------------------------------------- */

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int bs_id_check(const char *id, char *why, size_t size)
{
    size_t n = strlen(id);
    if (n == 0) {
        snprintf(why, size, "empty id");
        return -1;
    }
    char q[80];
    bs_error_quote(q, sizeof q, id);
    if (n > BS_ID_MAX) {
        snprintf(why, size, "id \"%s\" is longer than %d characters", q, BS_ID_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!(isalnum(c) && c < 128) && c != '.' && c != '_' && c != '-') {
            snprintf(why, size,
                     "id \"%s\" has the character '%s%c' at %zu: an id is a file name made of "
                     "letters, digits, '.', '_' and '-'",
                     q, c < 32 || c >= 127 ? "\\x" : "", c < 32 || c >= 127 ? '?' : c, i + 1);
            if (c < 32 || c >= 127)
                snprintf(why, size,
                         "id \"%s\" has byte 0x%02x at %zu: an id is a file name made of "
                         "letters, digits, '.', '_' and '-'",
                         q, c, i + 1);
            return -1;
        }
    }
    if (id[0] == '.' || id[0] == '-') {
        snprintf(why, size, "id \"%s\" starts with '%c': an id is a file name that starts "
                            "with a letter, a digit or '_'",
                 q, id[0]);
        return -1;
    }
    if (ieq(id, "key") || ieq(id, "feedback") || ieq(id, "students") ||
        ieq(id, "exercise.json") || ieq(id, "booklet-sheets.html") ||
        ieq(id, "booklet-keys.html")) {
        snprintf(why, size, "id \"%s\" is a name the exercise directory uses itself (key, "
                            "feedback, students, exercise.json, booklet-sheets.html, "
                            "booklet-keys.html)",
                 q);
        return -1;
    }
    return 0;
}

void bs_roster_free(bs_roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->ids[i]);
    free(r->ids);
    free(r->line);
    free(r);
}

/* splits one CSV line into at most `max` fields, unquoting them in place in
 * buf; returns the number of fields, or -1 for an unterminated quote */
static int csv_split(char *buf, char **field, int max)
{
    int n = 0;
    char *p = buf;
    for (;;) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ',' && *p != '\0')
                return -1;
        } else {
            while (*p != ',' && *p != '\0')
                out++, p++;
        }
        char end = *p;
        *out = '\0';
        if (n < max)
            field[n] = start;
        n++;
        if (end == '\0')
            break;
        p++;
    }
    return n;
}

/* trims spaces and tabs at both ends, in place */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

#define CSV_MAX_FIELDS 64

/* a header naming the id column: "id", "student" or "student_id", in any case */
static int id_header(const char *name)
{
    return ieq(name, "id") || ieq(name, "student") || ieq(name, "student_id");
}

/* records one bad line; keeps going */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static void roster_problem(bs_error *errs, size_t max, size_t *nerr, const char *file,
                           const char *where, const char *fmt, ...)
{
    if (*nerr < max && errs) {
        bs_error *e = &errs[*nerr];
        va_list ap;
        va_start(ap, fmt);
        char msg[sizeof e->message];
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        bs_error_set(e, BS_ERR_SPEC, where, "%s", msg);
        bs_error_set_file(e, file);
    }
    (*nerr)++;
}

/* The reading of a roster: the roster so far and its capacity, whether the
 * ids are a CSV file's column idcol, whether a line that is not blank or a
 * comment has been seen, and the problems found (nerr, the first max of
 * them kept in errs). */
typedef struct roster_reader {
    bs_roster *r;
    size_t cap;
    int csv, idcol, seen;
    const char *file;
    bs_error *errs;
    size_t max, nerr;
} roster_reader;

/* The first line when it is a header: a CSV header naming the id column, or
 * a one-column header.  Returns 1 if it was a header, 0 if not, -1 (the
 * problem recorded) if it has commas but no id column: the rest cannot be
 * read without it. */
static int roster_header(roster_reader *R, char *line, const char *where)
{
    if (strchr(line, ',')) {
        char *f[CSV_MAX_FIELDS];
        int nf = csv_split(line, f, CSV_MAX_FIELDS);
        for (int i = 0; i < nf && i < CSV_MAX_FIELDS && R->idcol < 0; i++)
            if (id_header(trim(f[i])))
                R->idcol = i;
        if (R->idcol < 0) {
            roster_problem(R->errs, R->max, &R->nerr, R->file, where,
                           "a roster is one id per line, or a CSV file whose header "
                           "has an \"id\" (or \"student\", \"student_id\") column; this "
                           "first line has commas but no such column");
            return -1;
        }
        R->csv = 1;
        return 1;
    }
    return id_header(line);
}

/* The id a line gives: the line, or its field of the id column; NULL (the
 * problem recorded) if the CSV line has no such field. */
static char *roster_id(roster_reader *R, char *line, const char *where)
{
    if (!R->csv)
        return line;
    char *f[CSV_MAX_FIELDS];
    int nf = csv_split(line, f, CSV_MAX_FIELDS);
    if (nf < 0) {
        roster_problem(R->errs, R->max, &R->nerr, R->file, where, "a quoted field is not closed");
        return NULL;
    }
    if (R->idcol >= nf) {
        roster_problem(R->errs, R->max, &R->nerr, R->file, where,
                       "%d field%s, but the id column is field %d", nf, nf == 1 ? "" : "s",
                       R->idcol + 1);
        return NULL;
    }
    return trim(f[R->idcol]);
}

/* Whether id is already on the roster, whatever its case (the problem
 * recorded if so). */
static int roster_duplicate(roster_reader *R, const char *id, const char *where)
{
    const bs_roster *r = R->r;
    for (size_t i = 0; i < r->n; i++)
        if (ieq(r->ids[i], id)) {
            char q[80];
            bs_error_quote(q, sizeof q, id);
            roster_problem(R->errs, R->max, &R->nerr, R->file, where,
                           strcmp(r->ids[i], id) == 0
                               ? "id \"%s\" is already on line %zu"
                               : "id \"%s\" is already on line %zu (ids are the same "
                                 "whatever their case)",
                           q, r->line[i]);
            return 1;
        }
    return 0;
}

/* Adds id, read on line lineno; BS_ERR_LIMIT (in errs[0]) past
 * BS_ROSTER_MAX students, BS_ERR_NOMEM if memory ran out. */
static bs_status roster_add(roster_reader *R, const char *id, size_t lineno, const char *where)
{
    bs_roster *r = R->r;
    if (r->n >= BS_ROSTER_MAX) {
        if (R->errs && R->max) {
            bs_error_set(R->errs, BS_ERR_LIMIT, where, "more than %d students", BS_ROSTER_MAX);
            bs_error_set_file(R->errs, R->file);
        }
        return BS_ERR_LIMIT;
    }
    if (r->n == R->cap) {
        size_t nc = R->cap ? 2 * R->cap : 32;
        char **ids = realloc(r->ids, nc * sizeof *ids);
        if (ids)
            r->ids = ids;
        size_t *ln = realloc(r->line, nc * sizeof *ln);
        if (ln)
            r->line = ln;
        if (!ids || !ln)
            return BS_ERR_NOMEM;
        R->cap = nc;
    }
    r->ids[r->n] = malloc(strlen(id) + 1);
    if (!r->ids[r->n])
        return BS_ERR_NOMEM;
    strcpy(r->ids[r->n], id);
    r->line[r->n] = lineno;
    r->n++;
    return BS_OK;
}

/* One line of n bytes (its end cut off) in buf, trimmed in place: blank
 * lines, comments and a header are skipped, a bad line is recorded and
 * skipped; *stop is set when the rest cannot be read. */
static bs_status roster_line(roster_reader *R, char *buf, size_t n, size_t lineno, int *stop)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", lineno);
    if (memchr(buf, '\0', n)) {
        roster_problem(R->errs, R->max, &R->nerr, R->file, where, "a NUL byte in the roster");
        return BS_OK;
    }
    char *line = trim(buf);
    if (line[0] == '\0' || line[0] == '#') /* a blank line or a comment */
        return BS_OK;
    int first = !R->seen;
    R->seen = 1;
    int header = first ? roster_header(R, line, where) : 0;
    if (header < 0)
        *stop = 1;
    if (header != 0)
        return BS_OK;
    char *id = roster_id(R, line, where);
    if (!id)
        return BS_OK;
    char why[256];
    if (bs_id_check(id, why, sizeof why) != 0) {
        roster_problem(R->errs, R->max, &R->nerr, R->file, where, "%s", why);
        return BS_OK;
    }
    if (roster_duplicate(R, id, where))
        return BS_OK;
    return roster_add(R, id, lineno, where);
}

bs_status bs_roster_parse_all(const char *text, size_t len, const char *file, bs_roster **out,
                              bs_error *errs, size_t max, size_t *nerrs)
{
    *out = NULL;
    if (nerrs)
        *nerrs = 0;
    bs_roster *r = calloc(1, sizeof *r);
    if (!r) {
        if (errs && max)
            bs_error_set(errs, BS_ERR_NOMEM, NULL, "out of memory");
        return BS_ERR_NOMEM;
    }
    roster_reader R = {r, 0, 0, -1, 0, file, errs, max, 0};
    size_t pos = 0, lineno = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    bs_status st = BS_OK;
    int stop = 0;
    while (pos < len && st == BS_OK && !stop) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        size_t n = end - pos;
        if (n && text[pos + n - 1] == '\r')
            n--;
        char *buf = malloc(n + 1);
        if (!buf) {
            st = BS_ERR_NOMEM;
            break;
        }
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos = end + 1;
        st = roster_line(&R, buf, n, lineno, &stop);
        free(buf);
    }
    if (st == BS_ERR_NOMEM && errs && max)
        bs_error_set(errs, BS_ERR_NOMEM, NULL, "out of memory");
    if (st == BS_OK && R.nerr == 0 && r->n == 0)
        roster_problem(errs, max, &R.nerr, file, NULL, "no student ids in the roster");
    if (st == BS_OK && R.nerr > 0)
        st = BS_ERR_SPEC;
    if (nerrs)
        *nerrs = st == BS_ERR_SPEC ? R.nerr : 1;
    if (st != BS_OK) {
        bs_roster_free(r);
        return st;
    }
    *out = r;
    return BS_OK;
}

bs_status bs_roster_parse(const char *text, size_t len, const char *file, bs_roster **out,
                          bs_error *err)
{
    bs_error first;
    bs_error_clear(&first);
    bs_status st = bs_roster_parse_all(text, len, file, out, &first, 1, NULL);
    if (st != BS_OK && err)
        *err = first;
    return st;
}

bs_status bs_roster_load_all(const char *path, bs_roster **out, bs_error *errs, size_t max,
                             size_t *nerrs)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    if (nerrs)
        *nerrs = 0;
    bs_error e;
    bs_error_clear(&e);
    bs_status st = bs_read_file(path, (size_t)16 << 20, &data, &len, &e);
    if (st != BS_OK) {
        if (errs && max)
            errs[0] = e;
        if (nerrs)
            *nerrs = 1;
        return st;
    }
    st = bs_roster_parse_all(data, len, strcmp(path, "-") == 0 ? "<stdin>" : path, out, errs,
                             max, nerrs);
    free(data);
    return st;
}

bs_status bs_roster_load(const char *path, bs_roster **out, bs_error *err)
{
    bs_error first;
    bs_error_clear(&first);
    bs_status st = bs_roster_load_all(path, out, &first, 1, NULL);
    if (st != BS_OK && err)
        *err = first;
    return st;
}

/* ---- variants -------------------------------------------------------- */

uint64_t bs_id_hash(const char *id)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t bs_variant_seed(uint64_t seed, const char *id)
{
    bs_rng r = bs_rng_stream(seed, bs_id_hash(id));
    return bs_rng_next(&r);
}

int bs_variant_suits(const bs_trace *t, int digits, char *why, size_t size)
{
    char dummy[8];
    if (!why) {
        why = dummy;
        size = sizeof dummy;
    }
    const bs_net *net = t->net;
    if (t->first_nonfinite < t->nsteps) {
        snprintf(why, size, "a value is not finite at %s", t->steps[t->first_nonfinite].id);
        return 0;
    }
    if (!t->checked || !t->passed) {
        snprintf(why, size, "the gradient check does not pass");
        return 0;
    }
    for (size_t l = 1; l <= net->L; l++) {
        const char *name = net->act[l]->name;
        double lo = 0, hi = 0, kink = 0;
        if (strcmp(name, "sigmoid") == 0)
            lo = 0.05, hi = 0.95;
        else if (strcmp(name, "tanh") == 0)
            lo = -0.95, hi = 0.95;
        else if (strcmp(name, "softmax") == 0)
            lo = 0.02, hi = 0.98;
        if (net->act[l]->kink)
            kink = 0.05;
        for (size_t k = 0; k < net->B * net->n[l]; k++) {
            double z = t->fw->z[l][k], a = t->fw->a[l][k];
            if (hi > lo && (a < lo || a > hi)) {
                snprintf(why, size, "%s output a[%zu] = %.4g is saturated (outside [%g, %g])",
                         name, l, a, lo, hi);
                return 0;
            }
            if (kink > 0 && fabs(z) < kink) {
                snprintf(why, size, "pre-activation z[%zu] = %.4g is within %g of the %s kink",
                         l, z, kink, name);
                return 0;
            }
        }
    }
    double least = pow(10.0, -(double)(digits + 1));
    for (size_t i = t->first_backward; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        if (st->kind != BS_STEP_BACKWARD)
            continue;
        double big = 0;
        for (size_t k = 0; k < st->rows * st->cols; k++)
            big = fmax(big, fabs(st->value[k]));
        if (big < least) {
            snprintf(why, size, "every element of %s is below %g in magnitude", st->id, least);
            return 0;
        }
    }
    return 1;
}

static double scale10(int digits)
{
    double p = 1;
    for (int i = 0; i < digits; i++)
        p *= 10;
    return p;
}

/* u uniform on [lo, hi), rounded to `digits` decimals, drawn again while it
 * rounds to 0 (when nonzero is set) */
static double draw(bs_rng *r, double lo, double hi, int digits, int nonzero)
{
    double p = scale10(digits);
    for (int i = 0; i < 64; i++) {
        double v = round((lo + (hi - lo) * bs_rng_uniform(r)) * p) / p;
        if (v == 0.0)
            v = 0.0; /* no −0 */
        if (!nonzero || v != 0.0)
            return v;
    }
    return 1.0 / p;
}

static void num(bs_sink *s, double v, int digits)
{
    bs_sink_printf(s, "%.*f", digits, v == 0.0 ? 0.0 : v);
}

/* writes rows×cols values as a JSON list of rows, each row after the first
 * on its own line after `indent` (flat: one list) */
static void json_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int transposed,
                        int digits, int flat, const char *indent)
{
    bs_sink_puts(s, "[");
    for (size_t a = 0; a < rows; a++) {
        if (!flat)
            bs_sink_printf(s, "%s%s[", a ? ",\n" : "", a ? indent : "");
        for (size_t b = 0; b < cols; b++) {
            if (b || (flat && a))
                bs_sink_puts(s, ", ");
            num(s, transposed ? v[b * rows + a] : v[a * cols + b], digits);
        }
        if (!flat)
            bs_sink_puts(s, "]");
    }
    bs_sink_puts(s, "]");
}

static void write_variant(const bs_net *net, uint64_t vseed, uint64_t attempt, const char *id,
                          uint64_t seed, int digits, bs_sink *s, double *buf)
{
    bs_rng r = bs_rng_stream(vseed, attempt);
    int col = net->convention == BS_COLUMN;
    char layers[256];
    size_t k = 0;
    layers[0] = '\0';
    for (size_t l = 0; l <= net->L && k < sizeof layers - 24; l++)
        k += (size_t)snprintf(layers + k, sizeof layers - k, "%s%zu", l ? "-" : "", net->n[l]);
    char title[512];
    snprintf(title, sizeof title, "%s (variant for %s)", net->name ? net->name : layers, id);
    bs_sink_puts(s, "{\n  \"name\": ");
    bs_sink_json_string(s, title);
    char desc[768];
    snprintf(desc, sizeof desc,
             "The variant of \"%s\" drawn by backstep exercise for %s (seed %llu, numbers with "
             "%d decimals): the same network, loss and convention with its own weights, "
             "biases, inputs and targets.",
             net->name ? net->name : layers, id, (unsigned long long)seed, digits);
    bs_sink_puts(s, ",\n  \"description\": ");
    bs_sink_json_string(s, desc);
    bs_sink_printf(s, ",\n  \"convention\": \"%s\",\n  \"layers\": [", col ? "column" : "row");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? ", " : "", net->n[l]);
    bs_sink_puts(s, "],\n  \"activations\": [");
    for (size_t l = 1; l <= net->L; l++)
        bs_sink_printf(s, "%s\"%s\"", l > 1 ? ", " : "", net->act[l]->name);
    bs_sink_printf(s, "],\n  \"loss\": \"%s\",\n  \"batch_reduction\": \"%s\",\n",
                   net->loss->name, net->reduction == BS_MEAN ? "mean" : "sum");
    if (net->l2 != 0.0)
        bs_sink_printf(s, "  \"l2\": %.17g,\n", net->l2);
    bs_sink_puts(s, "  \"params\": {\n");
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        double w = fmin(1.0, 2.0 / sqrt((double)nin));
        for (size_t i = 0; i < nin * nout; i++)
            buf[i] = draw(&r, -w, w, digits, 1);
        bs_sink_printf(s, "    \"W%zu\": ", l);
        /* row storage is nin×nout; the column convention writes nout×nin */
        json_matrix(s, buf, col ? nout : nin, col ? nin : nout, col, digits, 0,
                    l < 10 ? "           " : "            ");
        for (size_t j = 0; j < nout; j++)
            buf[j] = draw(&r, -0.5, 0.5, digits, 1);
        bs_sink_printf(s, ",\n    \"b%zu\": ", l);
        json_matrix(s, buf, 1, nout, 0, digits, 1, "");
        bs_sink_printf(s, "%s\n", l < net->L ? "," : "");
    }
    bs_sink_puts(s, "  },\n  \"x\": ");
    size_t B = net->B, n0 = net->n[0], K = net->n[net->L];
    for (size_t i = 0; i < B * n0; i++)
        buf[i] = draw(&r, -1, 1, digits, 1);
    json_matrix(s, buf, B, n0, 0, digits, B == 1, "        ");
    if (net->loss->targets_simplex) {
        bs_sink_puts(s, ",\n  \"labels\": [");
        for (size_t i = 0; i < B; i++)
            bs_sink_printf(s, "%s%llu", i ? ", " : "", (unsigned long long)bs_rng_below(&r, K));
        bs_sink_puts(s, "]\n}\n");
        return;
    }
    bs_sink_puts(s, ",\n  \"y\": ");
    if (net->loss->targets_unit) {
        bs_sink_puts(s, B == 1 ? "[" : "[[");
        for (size_t i = 0; i < B; i++) {
            if (i)
                bs_sink_puts(s, "],\n        [");
            for (size_t j = 0; j < K; j++)
                bs_sink_printf(s, "%s%llu", j ? ", " : "",
                               (unsigned long long)bs_rng_below(&r, 2));
        }
        bs_sink_puts(s, B == 1 ? "]\n}\n" : "]]\n}\n");
        return;
    }
    double lo = net->act[net->L]->unit_interval ? 0.0 : -1.0;
    for (size_t i = 0; i < B * K; i++)
        buf[i] = draw(&r, lo, 1, digits, 0);
    json_matrix(s, buf, B, K, 0, digits, B == 1, "        ");
    bs_sink_puts(s, "\n}\n");
}

static size_t variant_numbers(const bs_net *net)
{
    return bs_net_param_count(net) + net->B * (net->n[0] + net->n[net->L]);
}

bs_status bs_variant_write(const bs_net *base, uint64_t seed, const char *id, int digits,
                           bs_sink *out, unsigned *attempts, bs_error *err)
{
    if (attempts)
        *attempts = 0;
    if (digits < 1 || digits > BS_DIGITS_MAX)
        return bs_error_set(err, BS_ERR_USAGE, "--digits", "expected 1 to %d decimals, got %d",
                            BS_DIGITS_MAX, digits);
    size_t count = variant_numbers(base);
    if (count > BS_EXERCISE_MAX_NUMBERS)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "the network and batch have %zu numbers; an exercise to work by "
                            "hand has at most %d (fewer or smaller layers, or a smaller batch)",
                            count, BS_EXERCISE_MAX_NUMBERS);
    size_t widest = bs_net_max_width(base);
    size_t room = widest * widest;
    if (base->B * widest > room)
        room = base->B * widest;
    double *buf = malloc(room * sizeof *buf);
    if (!buf)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    uint64_t vseed = bs_variant_seed(seed, id);
    char why[256] = "";
    for (unsigned a = 0; a < BS_VARIANT_ATTEMPTS; a++) {
        bs_sink b = bs_sink_buffer();
        write_variant(base, vseed, a, id, seed, digits, &b, buf);
        if (bs_sink_status(&b) != 0 || !b.buf) {
            bs_sink_free_buffer(&b);
            free(buf);
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        }
        bs_net *net = NULL;
        bs_trace *t = NULL;
        bs_error e;
        bs_error_clear(&e);
        int ok = 0;
        bs_check_opts co = bs_check_defaults(BS_METHOD_CENTRAL);
        if (bs_checked_string(b.buf, b.len, "variant", NULL, &co, &net, &t, &e) == BS_OK)
            ok = bs_variant_suits(t, digits, why, sizeof why);
        bs_status est = e.status;
        bs_trace_free(t);
        bs_net_free(net);
        if (est == BS_ERR_NOMEM) {
            bs_sink_free_buffer(&b);
            free(buf);
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        }
        if (est != BS_OK) {
            /* a drawn spec that does not load is a fault of the draw itself */
            char line[700];
            bs_error_format(&e, line, sizeof line);
            bs_sink_free_buffer(&b);
            free(buf);
            return bs_error_set(err, BS_ERR_SPEC, NULL, "the variant for %s does not load: %s",
                                id, line);
        }
        if (ok) {
            bs_sink_write(out, b.buf, b.len);
            bs_sink_free_buffer(&b);
            free(buf);
            if (attempts)
                *attempts = a + 1;
            return BS_OK;
        }
        bs_sink_free_buffer(&b);
    }
    free(buf);
    return bs_error_set(err, BS_ERR_SPEC, NULL,
                        "no variant for %s suits hand work in %d draws (the last: %s); try "
                        "another --seed or more --digits",
                        id, BS_VARIANT_ATTEMPTS, why);
}

/* ---- options --------------------------------------------------------- */

const char *const bs_policy_names[] = {"carry", "strict", NULL};

/* the sentence of the sheet that says how the answers are marked */
static const char *policy_sentence(bs_grade_policy p)
{
    return p == BS_POLICY_STRICT
               ? "Each step is marked against the right values, so a slip also costs every "
                 "step worked out from it."
               : "Each step is marked against your own answers above it, so a slip costs "
                 "only the step where it is made.";
}

bs_exercise_opts bs_exercise_defaults(void)
{
    bs_exercise_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.digits = 2;
    o.notation = BS_NOTATION_G;
    o.formats = BS_EXERCISE_FORMATS_DEFAULT;
    return o;
}

int bs_exercise_formats_parse(const char *list, unsigned *out, char *why, size_t size)
{
    static const struct {
        const char *name;
        bs_format f;
    } known[] = {{"markdown", BS_FORMAT_MARKDOWN}, {"latex", BS_FORMAT_LATEX},
                 {"html", BS_FORMAT_HTML}};
    *out = 0;
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int found = 0;
        for (size_t i = 0; i < 3; i++)
            if (strlen(known[i].name) == n && strncmp(known[i].name, p, n) == 0) {
                *out |= 1u << known[i].f;
                found = 1;
            }
        if (!found) {
            snprintf(why, size, "unknown format \"%.*s\" (expected markdown, latex or html, "
                                "separated by commas)",
                     (int)(n > 40 ? 40 : n), p);
            return -1;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

bs_status bs_exercise_steps(const bs_trace *t, const char *list, size_t *idx, size_t *n,
                            bs_error *err)
{
    *n = 0;
    if (!list || !*list) {
        for (size_t i = t->first_backward; i < t->nsteps; i++)
            if (t->steps[i].kind == BS_STEP_BACKWARD)
                idx[(*n)++] = i;
        return BS_OK;
    }
    unsigned char *want = calloc(t->nsteps, 1);
    if (!want)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    const char *p = list;
    bs_status st = BS_OK;
    while (st == BS_OK) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[64], q[80];
        if (len >= sizeof name)
            len = sizeof name - 1;
        memcpy(name, p, len);
        name[len] = '\0';
        bs_error_quote(q, sizeof q, name);
        bs_qty qty;
        size_t layer;
        const bs_step *s = NULL;
        if (bs_name_parse(name, &qty, &layer) == 0 && qty != BS_Q_LOSS && qty != BS_Q_Y &&
            qty != BS_Q_YHAT) {
            char id[24];
            bs_name_grad(id, sizeof id, qty, layer, BS_NOTATION_G);
            s = bs_trace_find(t, id);
        }
        if (!s || s->kind != BS_STEP_BACKWARD) {
            st = bs_error_set(err, BS_ERR_USAGE, "--steps",
                              "\"%s\" is not a backward step of this %zu-layer network "
                              "(names like g[%zuz], dW1 or dL/db1)",
                              q, t->net->L, t->net->L);
            break;
        }
        size_t i = (size_t)(s - t->steps);
        if (want[i]) {
            st = bs_error_set(err, BS_ERR_USAGE, "--steps", "step %s is named twice", s->id);
            break;
        }
        want[i] = 1;
        if (!e)
            break;
        p = e + 1;
    }
    if (st == BS_OK)
        for (size_t i = 0; i < t->nsteps; i++)
            if (want[i])
                idx[(*n)++] = i;
    free(want);
    return st;
}

void bs_exercise_tolerance(int digits, double *rtol, double *atol)
{
    *rtol = 5e-3;
    *atol = 0.5 / scale10(digits + 2);
}

/* ---- the sheet ------------------------------------------------------- */

#define SHEET_PRECISION 6

static void tex_var(bs_sink *s, const bs_net *net, bs_qty q, size_t l, bs_notation nt)
{
    bs_expr_latex(s, &(bs_expr){.kind = BS_X_VAR, .qty = q, .layer = l}, net, nt);
}

static void tex_blank(bs_sink *s, size_t rows, size_t cols)
{
    bs_sink_puts(s, "\\begin{bmatrix}");
    for (size_t a = 0; a < rows; a++) {
        bs_sink_puts(s, a ? " \\\\ " : " ");
        for (size_t b = 0; b < cols; b++)
            bs_sink_puts(s, b ? " & \\underline{\\hspace{3em}}" : "\\underline{\\hspace{3em}}");
    }
    bs_sink_puts(s, " \\end{bmatrix}");
}

/* The head of a sheet or a key in Markdown (md = 1) or LaTeX (md = 0):
 * "Exercise: NAME" or "Key: NAME" and the student's id (the LaTeX preamble
 * first). */
static void doc_head(bs_sink *s, const char *word, const char *name, const char *id, int md)
{
    if (md) {
        bs_sink_printf(s, "# %s: ", word);
        bs_text_markdown(s, name);
        bs_sink_printf(s, "\n\n**Student:** `%s`\n\n", id);
    } else {
        bs_sink_puts(s, "\\documentclass[11pt,a4paper]{article}\n"
                        "\\usepackage[margin=2cm]{geometry}\n\\usepackage{amsmath}\n"
                        "\\usepackage{amssymb}\n\\setcounter{MaxMatrixCols}{20}\n"
                        "\\setlength{\\parindent}{0pt}\n"
                        "\\setlength{\\parskip}{0.6\\baselineskip}\n"
                        "\\emergencystretch=2em\n\\begin{document}\n");
        bs_sink_printf(s, "\\section*{%s: ", word);
        bs_text_latex(s, name);
        bs_sink_puts(s, "}\n\\textbf{Student:} \\texttt{");
        bs_plain_latex(s, id);
        bs_sink_puts(s, "}\n\n");
    }
}

/* the sheet in Markdown (md = 1) or LaTeX (md = 0): the same mathematics */
static void sheet_tex(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                      size_t nasked, bs_notation nt, int digits, bs_grade_policy policy, int md,
                      double *buf)
{
    const bs_net *net = t->net;
    const char *dbeg = md ? "$$\n" : "\\[\n", *dend = md ? "\n$$\n\n" : "\n\\]\n\n";
    const char *name = net->name ? net->name : "backstep exercise";
    doc_head(s, "Exercise", name, id, md);
    const char *b0 = md ? "**" : "\\textbf{", *b1 = md ? "**" : "}";
    bs_sink_printf(s, "%sNetwork:%s ", b0, b1);
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention: $", net->convention == BS_ROW ? "row" : "column");
    bs_forward_formula_latex(s, net);
    bs_sink_printf(s, "$%s%sActivations:%s ", md ? "  \n" : "\\\\\n", b0, b1);
    for (size_t l = 1; l <= net->L; l++) {
        bs_sink_printf(s, "%slayer %zu ", l > 1 ? ", " : "", l);
        if (md)
            bs_text_markdown(s, net->act[l]->name);
        else
            bs_plain_latex(s, net->act[l]->name);
        bs_sink_puts(s, " $");
        bs_expr_latex(s, &(bs_expr){.kind = BS_X_ACT, .layer = l,
                                    .l = &(bs_expr){.kind = BS_X_VAR, .qty = BS_Q_Z,
                                                    .layer = l}},
                      net, nt);
        bs_sink_puts(s, "$");
    }
    bs_sink_printf(s, "%s%sLoss:%s ", md ? "  \n" : "\\\\\n", b0, b1);
    if (md)
        bs_text_markdown(s, net->loss->name);
    else
        bs_plain_latex(s, net->loss->name);
    bs_sink_puts(s, ", $\\ell(\\hat{y}, y) = ");
    bs_unimath_latex(s, net->loss->math);
    bs_sink_printf(s, "$%s%sBatch:%s $B = %zu$", md ? "  \n" : "\\\\\n", b0, b1, net->B);
    if (net->B > 1)
        bs_sink_printf(s, " (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    bs_sink_puts(s, ", $");
    bs_loss_formula_latex(s, net);
    bs_sink_puts(s, "$");
    if (net->l2 != 0.0) {
        bs_sink_puts(s, " with $\\lambda = ");
        bs_number_latex(s, net->l2, SHEET_PRECISION);
        bs_sink_puts(s, "$");
    }
    bs_sink_puts(s, md ? "\n\n## Parameters\n\n" : "\n\n\\subsection*{Parameters}\n\n");
    int col = net->convention == BS_COLUMN;
    for (size_t l = 1; l <= net->L; l++) {
        size_t r, c;
        bs_net_W_displayed(net, l, buf, &r, &c);
        bs_sink_puts(s, dbeg);
        tex_var(s, net, BS_Q_W, l, nt);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, buf, NULL, r, c, SHEET_PRECISION);
        bs_sink_puts(s, ", \\quad ");
        tex_var(s, net, BS_Q_B, l, nt);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, net->b[l], NULL, col ? net->n[l] : 1, col ? 1 : net->n[l],
                        SHEET_PRECISION);
        bs_sink_puts(s, dend);
    }
    bs_sink_puts(s, md ? "## Inputs and targets\n\n" : "\\subsection*{Inputs and targets}\n\n");
    const bs_step *x = bs_trace_find(t, "a[0]"), *y = bs_trace_find(t, "y");
    bs_sink_puts(s, dbeg);
    if (x) {
        tex_var(s, net, BS_Q_A, 0, nt);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, x->value, NULL, x->rows, x->cols, SHEET_PRECISION);
    }
    if (y) {
        bs_sink_puts(s, ", \\quad ");
        tex_var(s, net, BS_Q_Y, 0, nt);
        bs_sink_puts(s, " = ");
        bs_matrix_latex(s, y->value, NULL, y->rows, y->cols, SHEET_PRECISION);
    }
    bs_sink_puts(s, dend);
    bs_sink_puts(s, md ? "## Questions\n\n" : "\\subsection*{Questions}\n\n");
    bs_sink_printf(s,
                   "Run the forward pass, then work out each step below from the output layer "
                   "down, to at least three significant digits, in the orientation shown. "
                   "Write your answers into %sanswers.json%s: replace each %snull%s by a "
                   "number, a list (one row or one column) or a list of rows. %s\n\n",
                   md ? "`" : "\\texttt{", md ? "`" : "}", md ? "`" : "\\texttt{",
                   md ? "`" : "}", policy_sentence(policy));
    (void)digits;
    for (size_t i = 0; i < nasked; i++) {
        const bs_step *st = &t->steps[asked[i]];
        bs_sink_printf(s, md ? "### %zu. $" : "\\subsubsection*{%zu. $", i + 1);
        bs_step_name_latex(s, st, nt);
        if (md)
            bs_sink_printf(s, "$, %zu×%zu\n\n", st->rows, st->cols);
        else
            bs_sink_printf(s, "$, $%zu \\times %zu$}\n\n", st->rows, st->cols);
        bs_sink_puts(s, dbeg);
        bs_step_name_latex(s, st, nt);
        bs_sink_puts(s, " = ");
        tex_blank(s, st->rows, st->cols);
        bs_sink_puts(s, dend);
    }
    if (!md)
        bs_sink_puts(s, "\\end{document}\n");
}

static const char *const SHEET_STYLE =
    "body{margin:0;background:#fff;color:#111;font:19px/1.5 \"DejaVu Serif\",Georgia,serif}\n"
    "main{max-width:56rem;margin:0 auto;padding:1.2rem 2rem 4rem}\n"
    "h1{font-size:1.8rem;margin:.3em 0}\n"
    "h2{font-size:1.4rem;margin:1.8em 0 .5em;border-bottom:3px solid #222}\n"
    "h3{font-size:1.15rem;margin:1.2em 0 .3em}\n"
    "code{font-family:\"DejaVu Sans Mono\",monospace}\n"
    "math{font-size:1.15em}\n"
    "math[display=block]{margin:.5em 0;padding:.25em 0;overflow-x:auto;overflow-y:hidden}\n"
    "div.pair{display:flex;flex-wrap:wrap;align-items:center;column-gap:2em}\n"
    "div.pair>math[display=block]{max-width:100%}\n"
    "mtable.matrix mtd{text-align:right;padding:.15em .45em}\n"
    "table.blank{border-collapse:collapse;margin:.4em 0 1em;border-left:2px solid #111;"
    "border-right:2px solid #111}\n"
    "table.blank td{width:8em;height:2.2em;border-bottom:1px solid #777;padding:0 .4em}\n"
    /* on paper nothing scrolls: a smaller type and the page's whole width, and
     * a matrix is never cut to a scroll box's width */
    "@media print{body{font-size:10pt}main{max-width:none;padding:0}"
    "math[display=block]{overflow:visible}"
    /* a blank holds a handwritten −0.1234567: about 4 cm */
    "table.blank td{width:11.5em;height:2.8em}"
    /* a question stays with its blank, and a blank on one page */
    "h3{break-after:avoid}table.blank{break-inside:avoid}}\n";

/* a key's values, and a step that was asked */
#define KEY_CSS                                                                              \
    "table.key{border-collapse:collapse;margin:.3em 0 1em;border-left:2px solid #111;"       \
    "border-right:2px solid #111}\n"                                                         \
    "table.key td{text-align:right;padding:.1em .7em;white-space:nowrap;"                    \
    "font-variant-numeric:tabular-nums}\n"                                                   \
    "section.step{break-inside:avoid}\n"                                                      \
    "section.asked{border-left:5px solid #111;padding-left:.8em}\n"                          \
    "span.asked{font-size:.8em;font-weight:bold;border:2px solid #111;padding:0 .35em;"      \
    "margin-left:.6em}\n"

/* a booklet: one student a page */
#define BOOKLET_CSS                                                                          \
    "section.student{break-after:page}\n"                                                    \
    "section.student:last-child{break-after:auto}\n"                                         \
    "@media screen{section.student+section.student{border-top:3px dashed #999;"              \
    "margin-top:2rem}}\n"

static const char *const KEY_STYLE = KEY_CSS;
static const char *const BOOKLET_STYLE = BOOKLET_CSS;
static const char *const BOOKLET_KEY_STYLE = BOOKLET_CSS KEY_CSS;

static void ml_var(bs_sink *s, bs_qty q, size_t l, bs_notation nt)
{
    bs_name_var_mathml(s, q, l, nt);
}

/* the head of an HTML page in the sheet's style, up to and with <body>:
 * its title `title` — `sub`, and `extra` CSS after the sheet's own */
static void html_head(bs_sink *s, const char *title, const char *sub, const char *extra)
{
    bs_sink_puts(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"backstep\">\n<title>");
    bs_text_html(s, title);
    bs_sink_puts(s, " — ");
    bs_text_html(s, sub);
    bs_sink_printf(s, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", SHEET_STYLE,
                   extra ? extra : "");
}

/* the sheet's content, from its heading to its last blank */
static void sheet_html_body(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                            size_t nasked, bs_notation nt, bs_grade_policy policy, double *buf)
{
    const bs_net *net = t->net;
    const char *name = net->name ? net->name : "backstep exercise";
    bs_sink_puts(s, "<h1>Exercise: ");
    bs_text_html(s, name);
    bs_sink_puts(s, "</h1>\n<p><strong>Student:</strong> <code>");
    bs_text_html(s, id);
    bs_sink_puts(s, "</code></p>\n<p><strong>Network:</strong> ");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? "-" : "", net->n[l]);
    bs_sink_printf(s, ", %s convention<br>\n<strong>Activations:</strong> ",
                   net->convention == BS_ROW ? "row" : "column");
    for (size_t l = 1; l <= net->L; l++)
        bs_sink_printf(s, "%slayer %zu %s", l > 1 ? ", " : "", l, net->act[l]->name);
    bs_sink_printf(s, "<br>\n<strong>Loss:</strong> %s, <math><mrow><mi>ℓ</mi><mo>=</mo>",
                   net->loss->name);
    bs_umath_mathml(s, net->loss->math);
    bs_sink_printf(s, "</mrow></math><br>\n<strong>Batch:</strong> B = %zu", net->B);
    if (net->B > 1)
        bs_sink_printf(s, " (%s)", net->reduction == BS_MEAN ? "mean" : "sum");
    if (net->l2 != 0.0)
        bs_sink_printf(s, ", λ = %g", net->l2);
    bs_sink_puts(s, "</p>\n<h2>Parameters</h2>\n");
    int col = net->convention == BS_COLUMN;
    for (size_t l = 1; l <= net->L; l++) {
        size_t r, c;
        bs_net_W_displayed(net, l, buf, &r, &c);
        /* W and b side by side where they fit, b under W where they do not */
        bs_sink_puts(s, "<div class=\"pair\"><math display=\"block\"><mrow>");
        ml_var(s, BS_Q_W, l, nt);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_matrix_mathml(s, buf, NULL, r, c, SHEET_PRECISION);
        bs_sink_puts(s, "<mo separator=\"true\">,</mo></mrow></math>\n"
                        "<math display=\"block\"><mrow>");
        ml_var(s, BS_Q_B, l, nt);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_matrix_mathml(s, net->b[l], NULL, col ? net->n[l] : 1, col ? 1 : net->n[l],
                         SHEET_PRECISION);
        bs_sink_puts(s, "</mrow></math></div>\n");
    }
    bs_sink_puts(s, "<h2>Inputs and targets</h2>\n<div class=\"pair\"><math display=\"block\">"
                    "<mrow>");
    const bs_step *x = bs_trace_find(t, "a[0]"), *y = bs_trace_find(t, "y");
    if (x) {
        ml_var(s, BS_Q_A, 0, nt);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_matrix_mathml(s, x->value, NULL, x->rows, x->cols, SHEET_PRECISION);
    }
    if (y) {
        bs_sink_puts(s, "<mo separator=\"true\">,</mo></mrow></math>\n"
                        "<math display=\"block\"><mrow>");
        ml_var(s, BS_Q_Y, 0, nt);
        bs_sink_puts(s, "<mo>=</mo>");
        bs_matrix_mathml(s, y->value, NULL, y->rows, y->cols, SHEET_PRECISION);
    }
    bs_sink_puts(s, "</mrow></math></div>\n<h2>Questions</h2>\n<p>Run the forward pass, then work "
                    "out each step below from the output layer down, to at least three "
                    "significant digits, in the orientation shown. Write your answers into "
                    "<code>answers.json</code>: replace each <code>null</code> by a number, a "
                    "list (one row or one column) or a list of rows. ");
    bs_sink_puts(s, policy_sentence(policy));
    bs_sink_puts(s, "</p>\n");
    for (size_t i = 0; i < nasked; i++) {
        const bs_step *st = &t->steps[asked[i]];
        bs_sink_printf(s, "<h3>%zu. <math><mrow>", i + 1);
        bs_step_name_mathml(s, st, nt);
        bs_sink_printf(s, "</mrow></math>, %zu × %zu</h3>\n<table class=\"blank\">\n", st->rows,
                       st->cols);
        for (size_t a = 0; a < st->rows; a++) {
            bs_sink_puts(s, "<tr>");
            for (size_t b = 0; b < st->cols; b++)
                bs_sink_puts(s, "<td></td>");
            bs_sink_puts(s, "</tr>\n");
        }
        bs_sink_puts(s, "</table>\n");
    }
}

static void sheet_html(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                       size_t nasked, bs_notation nt, bs_grade_policy policy, double *buf)
{
    html_head(s, t->net->name ? t->net->name : "backstep exercise", id, NULL);
    bs_sink_puts(s, "<main>\n");
    sheet_html_body(s, t, id, asked, nasked, nt, policy, buf);
    bs_sink_puts(s, "</main>\n</body>\n</html>\n");
}

void bs_exercise_sheet(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                       size_t nasked, bs_notation nt, int digits, bs_grade_policy policy,
                       bs_format format)
{
    const bs_net *net = t->net;
    size_t widest = bs_net_max_width(net);
    double *buf = malloc(widest * widest * sizeof *buf + 1);
    if (!buf) {
        s->failed = 1;
        return;
    }
    if (format == BS_FORMAT_HTML)
        sheet_html(s, t, id, asked, nasked, nt, policy, buf);
    else
        sheet_tex(s, t, id, asked, nasked, nt, digits, policy, format == BS_FORMAT_MARKDOWN,
                  buf);
    free(buf);
}

/* ---- the key --------------------------------------------------------- */

/* v to the sheet's significant digits, in fixed notation ("-0.0113",
 * "0.120", "2.35"); an integer part longer than that is kept whole */
static void sig_format(char *buf, size_t size, double v)
{
    if (!isfinite(v) || v == 0.0) {
        snprintf(buf, size, "%g", v == 0.0 ? 0.0 : v);
        return;
    }
    int e = (int)floor(log10(fabs(v)));
    int d = BS_SHEET_SIG_DIGITS - 1 - e;
    if (d < 0)
        d = 0;
    snprintf(buf, size, "%.*f", d, v);
    /* 0.09996 rounds to 0.1000: one decimal fewer keeps three digits */
    if (d > 0 && fabs(strtod(buf, NULL)) >= pow(10.0, e + 1))
        snprintf(buf, size, "%.*f", d - 1, v);
}

/* the steps a key shows: the forward pass from z[1], the loss and every
 * backward step (the inputs and targets are on the sheet) */
static int key_shows(const bs_step *st)
{
    return !(st->qty == BS_Q_Y || (st->kind == BS_STEP_FORWARD && st->layer == 0));
}

/* the question number of trace step i (1-based), or 0 when it was not asked */
static size_t question_of(size_t i, const size_t *asked, size_t nasked)
{
    for (size_t k = 0; k < nasked; k++)
        if (asked[k] == i)
            return k + 1;
    return 0;
}

static void key_tex(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                    size_t nasked, bs_notation nt, int md)
{
    const bs_net *net = t->net;
    const char *dbeg = md ? "$$\n" : "\\[\n", *dend = md ? "\n$$\n\n" : "\n\\]\n\n";
    const char *name = net->name ? net->name : "backstep exercise";
    doc_head(s, "Key", name, id, md);
    bs_sink_printf(s, "Every step of the forward and the backward pass, to three significant "
                      "digits (the precision the sheet asks for); the %zu asked step%s %s "
                      "marked %sasked%s with %s question number.\n\n",
                   nasked, nasked == 1 ? "" : "s", nasked == 1 ? "is" : "are",
                   md ? "**" : "\\textbf{", md ? "**" : "}", nasked == 1 ? "its" : "their");
    int section = -1;
    for (size_t i = 0; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        if (!key_shows(st))
            continue;
        int back = st->kind == BS_STEP_BACKWARD;
        if (back != section) {
            section = back;
            bs_sink_printf(s, md ? "## %s\n\n" : "\\subsection*{%s}\n\n",
                           back ? "Backward pass" : "Forward pass");
        }
        size_t q = question_of(i, asked, nasked);
        bs_sink_puts(s, md ? "### $" : "\\subsubsection*{$");
        bs_step_name_latex(s, st, nt);
        if (md)
            bs_sink_printf(s, "$, %zu×%zu", st->rows, st->cols);
        else
            bs_sink_printf(s, "$, $%zu \\times %zu$", st->rows, st->cols);
        if (q)
            bs_sink_printf(s, md ? " — **asked, question %zu**" : " --- \\textbf{asked, question %zu}",
                           q);
        bs_sink_puts(s, md ? "\n\n" : "}\n\n");
        bs_sink_puts(s, dbeg);
        bs_step_name_latex(s, st, nt);
        bs_sink_puts(s, " = ");
        if (st->rows * st->cols > 1)
            bs_sink_puts(s, "\\begin{bmatrix} ");
        for (size_t a = 0; a < st->rows; a++) {
            if (a)
                bs_sink_puts(s, " \\\\ ");
            for (size_t b = 0; b < st->cols; b++) {
                char v[48];
                sig_format(v, sizeof v, st->value[a * st->cols + b]);
                bs_sink_printf(s, "%s%s", b ? " & " : "", v);
            }
        }
        if (st->rows * st->cols > 1)
            bs_sink_puts(s, " \\end{bmatrix}");
        bs_sink_puts(s, dend);
    }
    if (!md)
        bs_sink_puts(s, "\\end{document}\n");
}

/* the key's content in HTML, from its heading to its last step */
static void key_html_body(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                          size_t nasked, bs_notation nt)
{
    const bs_net *net = t->net;
    bs_sink_puts(s, "<h1>Key: ");
    bs_text_html(s, net->name ? net->name : "backstep exercise");
    bs_sink_puts(s, "</h1>\n<p><strong>Student:</strong> <code>");
    bs_text_html(s, id);
    bs_sink_printf(s, "</code></p>\n<p>Every step of the forward and the backward pass, to "
                      "three significant digits (the precision the sheet asks for); the %zu "
                      "asked step%s %s marked <span class=\"asked\">asked</span> with %s "
                      "question number.</p>\n",
                   nasked, nasked == 1 ? "" : "s", nasked == 1 ? "is" : "are",
                   nasked == 1 ? "its" : "their");
    int section = -1;
    for (size_t i = 0; i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        if (!key_shows(st))
            continue;
        int back = st->kind == BS_STEP_BACKWARD;
        if (back != section) {
            section = back;
            bs_sink_printf(s, "<h2>%s</h2>\n", back ? "Backward pass" : "Forward pass");
        }
        size_t q = question_of(i, asked, nasked);
        bs_sink_printf(s, "<section class=\"%s\">\n<h3><math><mrow>", q ? "step asked" : "step");
        bs_step_name_mathml(s, st, nt);
        bs_sink_printf(s, "</mrow></math>, %zu × %zu", st->rows, st->cols);
        if (q)
            bs_sink_printf(s, "<span class=\"asked\">asked, question %zu</span>", q);
        bs_sink_puts(s, "</h3>\n<table class=\"key\">\n");
        for (size_t a = 0; a < st->rows; a++) {
            bs_sink_puts(s, "<tr>");
            for (size_t b = 0; b < st->cols; b++) {
                char v[48];
                sig_format(v, sizeof v, st->value[a * st->cols + b]);
                bs_sink_printf(s, "<td>%s%s</td>", v[0] == '-' ? "−" : "",
                               v[0] == '-' ? v + 1 : v);
            }
            bs_sink_puts(s, "</tr>\n");
        }
        bs_sink_puts(s, "</table>\n</section>\n");
    }
}

void bs_exercise_key(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                     size_t nasked, bs_notation nt, bs_format format)
{
    if (format != BS_FORMAT_HTML) {
        key_tex(s, t, id, asked, nasked, nt, format == BS_FORMAT_MARKDOWN);
        return;
    }
    char sub[BS_ID_MAX + 16];
    snprintf(sub, sizeof sub, "%s, key", id);
    html_head(s, t->net->name ? t->net->name : "backstep exercise", sub, KEY_STYLE);
    bs_sink_puts(s, "<main>\n");
    key_html_body(s, t, id, asked, nasked, nt);
    bs_sink_puts(s, "</main>\n</body>\n</html>\n");
}

void bs_exercise_answers(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                         size_t nasked, bs_notation nt)
{
    bs_sink_puts(s, "{\n  \"id\": ");
    bs_sink_json_string(s, id);
    bs_sink_puts(s, ",\n  \"claims\": {");
    for (size_t i = 0; i < nasked; i++) {
        char name[48];
        bs_step_name(name, sizeof name, &t->steps[asked[i]], nt);
        bs_sink_puts(s, i ? ",\n    " : "\n    ");
        bs_sink_json_string(s, name);
        bs_sink_puts(s, ": null");
    }
    bs_sink_puts(s, nasked ? "\n  }\n}\n" : "}\n}\n");
}

/* ---- the whole set --------------------------------------------------- */

/* a value in the quiz's answer syntax: "0.12 -0.3; 0.5 0.01" */
static void answer_syntax(bs_sink *s, const bs_step *st)
{
    for (size_t r = 0; r < st->rows; r++) {
        if (r)
            bs_sink_puts(s, "; ");
        for (size_t c = 0; c < st->cols; c++)
            bs_sink_printf(s, "%s%.6g", c ? " " : "", st->value[r * st->cols + c]);
    }
}

/* a CSV field (RFC 4180) */
static void csv_field(bs_sink *s, const char *v)
{
    bs_sink_csv_field(s, v);
}

static bs_status add_sink(bs_fileset *fs, const char *path, bs_sink *b, bs_error *err)
{
    if (bs_sink_status(b) != 0) {
        bs_sink_free_buffer(b);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    bs_status st = bs_fileset_add(fs, path, b->buf ? b->buf : "", b->len, err);
    bs_sink_free_buffer(b);
    return st;
}

static const char *ext_of(bs_format f)
{
    return f == BS_FORMAT_MARKDOWN ? "md" : f == BS_FORMAT_LATEX ? "tex" : "html";
}

static const bs_format doc_formats[3] = {BS_FORMAT_MARKDOWN, BS_FORMAT_LATEX, BS_FORMAT_HTML};

/* the files of one student; appends the summary row */
static bs_status one_student(const bs_net *base, const char *id, const bs_exercise_opts *o,
                             const char *steps, bs_fileset *fs, bs_sink *summary,
                             bs_sink *book_sheets, bs_sink *book_keys, size_t **asked_out,
                             size_t *nasked_out, bs_trace **t_out, bs_net **net_out,
                             bs_error *err)
{
    char path[BS_ID_MAX + 32];
    bs_sink spec = bs_sink_buffer();
    unsigned attempts = 0;
    bs_status st = bs_variant_write(base, o->seed, id, o->digits, &spec, &attempts, err);
    if (st != BS_OK) {
        bs_sink_free_buffer(&spec);
        return st;
    }
    bs_net *net = NULL;
    bs_trace *t = NULL;
    snprintf(path, sizeof path, "%s/spec.json", id);
    bs_check_opts co = bs_check_defaults(BS_METHOD_CENTRAL);
    st = bs_checked_string(spec.buf, spec.len, path, NULL, &co, &net, &t, err);
    if (st == BS_OK)
        st = add_sink(fs, path, &spec, err);
    else
        bs_sink_free_buffer(&spec);
    size_t *asked = NULL, nasked = 0;
    if (st == BS_OK) {
        asked = malloc(t->nsteps * sizeof *asked);
        if (!asked)
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        else
            st = bs_exercise_steps(t, steps, asked, &nasked, err);
    }
    for (int k = 0; k < 3 && st == BS_OK; k++) {
        bs_format f = doc_formats[k];
        if (!(o->formats & (1u << f)))
            continue;
        /* the same sheet in DIR/<id>/ and in the student's folder */
        for (int copy = 0; copy < 2 && st == BS_OK; copy++) {
            bs_sink b = bs_sink_buffer();
            bs_exercise_sheet(&b, t, id, asked, nasked, o->notation, o->digits, o->policy, f);
            snprintf(path, sizeof path, "%s%s/sheet.%s", copy ? "students/" : "", id, ext_of(f));
            st = add_sink(fs, path, &b, err);
        }
    }
    for (int copy = 0; copy < 2 && st == BS_OK; copy++) {
        bs_sink b = bs_sink_buffer();
        bs_exercise_answers(&b, t, id, asked, nasked, o->notation);
        snprintf(path, sizeof path, "%s%s/answers.json", copy ? "students/" : "", id);
        st = add_sink(fs, path, &b, err);
    }
    for (int k = 0; k < 3 && st == BS_OK; k++) {
        bs_format f = doc_formats[k];
        if (!(o->formats & (1u << f)))
            continue;
        bs_sink b = bs_sink_buffer();
        bs_exercise_key(&b, t, id, asked, nasked, o->notation, f);
        snprintf(path, sizeof path, "%s/key.%s", id, ext_of(f));
        st = add_sink(fs, path, &b, err);
    }
    if (st == BS_OK && book_sheets) {
        double *buf = malloc(bs_net_max_width(t->net) * bs_net_max_width(t->net) * sizeof *buf + 1);
        if (!buf)
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        else {
            bs_sink_puts(book_sheets, "<section class=\"student\" id=\"sheet-");
            bs_text_html(book_sheets, id);
            bs_sink_puts(book_sheets, "\">\n");
            sheet_html_body(book_sheets, t, id, asked, nasked, o->notation, o->policy, buf);
            bs_sink_puts(book_sheets, "</section>\n");
            free(buf);
        }
    }
    if (st == BS_OK && book_keys) {
        bs_sink_puts(book_keys, "<section class=\"student\" id=\"key-");
        bs_text_html(book_keys, id);
        bs_sink_puts(book_keys, "\">\n");
        key_html_body(book_keys, t, id, asked, nasked, o->notation);
        bs_sink_puts(book_keys, "</section>\n");
    }
    for (int k = 0; k < 3 && st == BS_OK; k++) {
        bs_format f = doc_formats[k];
        if (!(o->formats & (1u << f)))
            continue;
        bs_render_opts ro = bs_render_defaults();
        ro.format = f;
        ro.notation = o->notation;
        ro.terms = 1;
        ro.explain = 1;
        char source[BS_ID_MAX + 16];
        snprintf(source, sizeof source, "%s/spec.json", id);
        ro.source = source;
        bs_sink b = bs_sink_buffer();
        bs_render(&b, t, &ro);
        snprintf(path, sizeof path, "key/%s.%s", id, ext_of(f));
        st = add_sink(fs, path, &b, err);
    }
    if (st == BS_OK) {
        csv_field(summary, id);
        bs_sink_printf(summary, ",%016llx,%u,%.6g",
                       (unsigned long long)bs_variant_seed(o->seed, id), attempts,
                       t->steps[t->first_backward - 1].value[0]);
        for (size_t i = 0; i < nasked; i++) {
            bs_sink_puts(summary, ",");
            answer_syntax(summary, &t->steps[asked[i]]);
        }
        bs_sink_puts(summary, "\n");
    }
    if (st == BS_OK && asked_out) {
        *asked_out = asked;
        *nasked_out = nasked;
        *t_out = t;
        *net_out = net;
        return BS_OK;
    }
    free(asked);
    bs_trace_free(t);
    bs_net_free(net);
    return st;
}

/* the network every variant is drawn from, as a spec without numbers (its
 * batch drawn by random_batch): what bs_variant_write reads of it */
static void base_json(bs_sink *s, const bs_net *net)
{
    bs_sink_puts(s, "{");
    if (net->name) {
        bs_sink_puts(s, "\"name\": ");
        bs_sink_json_string(s, net->name);
        bs_sink_puts(s, ", ");
    }
    bs_sink_printf(s, "\"convention\": \"%s\", \"layers\": [",
                   net->convention == BS_COLUMN ? "column" : "row");
    for (size_t l = 0; l <= net->L; l++)
        bs_sink_printf(s, "%s%zu", l ? ", " : "", net->n[l]);
    bs_sink_puts(s, "], \"activations\": [");
    for (size_t l = 1; l <= net->L; l++)
        bs_sink_printf(s, "%s\"%s\"", l > 1 ? ", " : "", net->act[l]->name);
    bs_sink_printf(s, "], \"loss\": \"%s\", \"batch_reduction\": \"%s\"", net->loss->name,
                   net->reduction == BS_MEAN ? "mean" : "sum");
    if (net->l2 != 0.0)
        bs_sink_printf(s, ", \"l2\": %.17g", net->l2);
    bs_sink_printf(s, ", \"init\": {\"seed\": 1}, \"random_batch\": {\"size\": %zu}}", net->B);
}

bs_status bs_exercise_remove_manifest(const char *dir, bs_error *err)
{
    size_t n = strlen(dir) + sizeof "/exercise.json";
    char *m = malloc(n);
    if (!m)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    snprintf(m, n, "%s/exercise.json", dir);
    bs_status st = BS_OK;
    int e = bs_remove_file(m);
    if (e) {
        st = bs_error_set(err, BS_ERR_IO, NULL, "cannot remove the old manifest: %s",
                          strerror(e));
        bs_error_set_file(err, m);
    }
    free(m);
    return st;
}

/* key/summary.csv: its header, with the names of the nasked steps asked,
 * then the rows gathered in summary */
static bs_status add_summary(bs_fileset *fs, const bs_sink *summary, const bs_trace *first,
                             const size_t *asked, size_t nasked, const bs_exercise_opts *o,
                             bs_error *err)
{
    bs_sink h = bs_sink_buffer();
    bs_sink_puts(&h, "id,variant_seed,draws,loss");
    for (size_t i = 0; i < nasked; i++) {
        char name[48];
        bs_step_name(name, sizeof name, &first->steps[asked[i]], o->notation);
        bs_sink_puts(&h, ",");
        csv_field(&h, name);
    }
    bs_sink_puts(&h, "\n");
    if (summary->buf)
        bs_sink_write(&h, summary->buf, summary->len);
    return add_sink(fs, "key/summary.csv", &h, err);
}

/* booklet-sheets.html (k = 0) or booklet-keys.html (k = 1) around the
 * sections gathered in part */
static bs_status add_booklet(bs_fileset *fs, const bs_net *base, int k, const bs_sink *part,
                             bs_error *err)
{
    char title[300];
    snprintf(title, sizeof title, "%s", base->name ? base->name : "backstep exercise");
    bs_sink b = bs_sink_buffer();
    html_head(&b, title, k ? "keys" : "exercise sheets", k ? BOOKLET_KEY_STYLE : BOOKLET_STYLE);
    bs_sink_puts(&b, "<main>\n");
    if (bs_sink_status(part) != 0)
        b.failed = 1;
    else if (part->buf)
        bs_sink_write(&b, part->buf, part->len);
    bs_sink_puts(&b, "</main>\n</body>\n</html>\n");
    return add_sink(fs, k ? "booklet-keys.html" : "booklet-sheets.html", &b, err);
}

/* exercise.json, the manifest grading reads: the spec, seed, digits,
 * notation, tolerances, policy, the steps asked, the formats, the base
 * network and the roster's ids */
static bs_status add_manifest(bs_fileset *fs, const bs_net *base, const bs_roster *roster,
                              const bs_trace *first, const size_t *asked, size_t nasked,
                              const bs_exercise_opts *o, bs_error *err)
{
    double rtol, atol;
    bs_exercise_tolerance(o->digits, &rtol, &atol);
    bs_sink m = bs_sink_buffer();
    bs_sink_puts(&m, "{\n  \"backstep_exercise\": 1,\n  \"spec\": ");
    bs_sink_json_string(&m, o->source ? o->source : base->name);
    bs_sink_printf(&m, ",\n  \"seed\": %llu,\n  \"digits\": %d,\n  \"notation\": \"%s\",\n"
                       "  \"rtol\": %.17g,\n  \"atol\": %.17g,\n  \"policy\": \"%s\",\n"
                       "  \"steps\": [",
                   (unsigned long long)o->seed, o->digits, bs_notation_names[o->notation],
                   rtol, atol, bs_policy_names[o->policy]);
    for (size_t i = 0; i < nasked; i++) {
        bs_sink_puts(&m, i ? ", " : "");
        bs_sink_json_string(&m, first->steps[asked[i]].id);
    }
    bs_sink_puts(&m, "],\n  \"formats\": [");
    int nf = 0;
    for (int k = 0; k < 3; k++)
        if (o->formats & (1u << doc_formats[k]))
            bs_sink_printf(&m, "%s\"%s\"", nf++ ? ", " : "", bs_format_names[doc_formats[k]]);
    bs_sink_puts(&m, "],\n  \"base\": ");
    base_json(&m, base);
    bs_sink_puts(&m, ",\n  \"ids\": [");
    for (size_t i = 0; i < roster->n; i++) {
        bs_sink_puts(&m, i ? ",\n          " : "");
        bs_sink_json_string(&m, roster->ids[i]);
    }
    bs_sink_puts(&m, "]\n}\n");
    return add_sink(fs, "exercise.json", &m, err);
}

bs_status bs_exercise_build(const bs_net *base, const bs_roster *roster,
                            const bs_exercise_opts *o, bs_fileset **out, bs_error *err)
{
    *out = NULL;
    if (o->digits < 1 || o->digits > BS_DIGITS_MAX)
        return bs_error_set(err, BS_ERR_USAGE, "--digits", "expected 1 to %d decimals, got %d",
                            BS_DIGITS_MAX, o->digits);
    if (!(o->formats & BS_EXERCISE_FORMATS_DEFAULT))
        return bs_error_set(err, BS_ERR_USAGE, "--formats",
                            "expected at least one of markdown, latex and html");
    if (variant_numbers(base) > BS_EXERCISE_MAX_NUMBERS)
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "the network and batch have %zu numbers; an exercise to work by "
                            "hand has at most %d (fewer or smaller layers, or a smaller batch)",
                            variant_numbers(base), BS_EXERCISE_MAX_NUMBERS);
    bs_fileset *fs = bs_fileset_create();
    if (!fs)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    bs_sink summary = bs_sink_buffer();
    /* the booklets' sections, every student's (those skipped too) in roster order */
    int html = (o->formats & (1u << BS_FORMAT_HTML)) != 0;
    bs_sink book_sheets = bs_sink_buffer(), book_keys = bs_sink_buffer();
    bs_status st = BS_OK;
    size_t *asked = NULL, nasked = 0;
    bs_trace *first = NULL;
    bs_net *first_net = NULL;
    for (size_t i = 0; i < roster->n && st == BS_OK; i++) {
        if (o->progress)
            o->progress(o->progress_ctx, i, roster->n);
        int is_first = i == 0;
        /* a student who already has files: built aside for the summary only */
        bs_fileset *aside = i < o->skip ? bs_fileset_create() : NULL;
        if (i < o->skip && !aside) {
            st = bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
            break;
        }
        st = one_student(base, roster->ids[i], o, o->steps, aside ? aside : fs, &summary,
                         html ? &book_sheets : NULL, html ? &book_keys : NULL,
                         is_first ? &asked : NULL, &nasked, &first, &first_net, err);
        bs_fileset_free(aside);
        if (st != BS_OK && st != BS_ERR_USAGE) {
            char where[BS_ID_MAX + 8];
            snprintf(where, sizeof where, "id %s", roster->ids[i]);
            snprintf(err->where, sizeof err->where, "%s", where);
        }
    }
    if (st == BS_OK) /* the summary: its header, then the rows gathered above */
        st = add_summary(fs, &summary, first, asked, nasked, o, err);
    for (int k = 0; k < 2 && st == BS_OK && html; k++)
        st = add_booklet(fs, base, k, k ? &book_keys : &book_sheets, err);
    if (st == BS_OK)
        st = add_manifest(fs, base, roster, first, asked, nasked, o, err);
    bs_sink_free_buffer(&summary);
    bs_sink_free_buffer(&book_sheets);
    bs_sink_free_buffer(&book_keys);
    free(asked);
    bs_trace_free(first);
    bs_net_free(first_net);
    if (st != BS_OK) {
        bs_fileset_free(fs);
        return st;
    }
    *out = fs;
    return BS_OK;
}
