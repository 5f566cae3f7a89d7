/* bs_api.c — libbackstep's public interface (backstep.h), a thin layer over
 * the modules below it: bs_net, bs_checked, bs_check, bs_render, bs_report,
 * bs_compare, bs_examples, bs_handout, bs_train, bs_grade, bs_gradebook and
 * bs_files.  Nothing is computed here; handles wrap the internal objects and
 * errors are copied into the public error struct. */
#define _XOPEN_SOURCE 700 /* strdup */
#include "backstep.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bs_check.h"
#include "bs_checked.h"
#include "bs_compare.h"
#include "bs_error.h"
#include "bs_examples.h"
#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_formula.h"
#include "bs_grade.h"
#include "bs_gradebook.h"
#include "bs_handout.h"
#include "bs_json.h"
#include "bs_mistakes.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_report.h"
#include "bs_scaffold.h"
#include "bs_session.h"
#include "bs_sink.h"
#include "bs_sweep.h"
#include "bs_trace.h"
#include "bs_train.h"
#include "bs_train_render.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

/* The public error is the internal one under its public name. */
_Static_assert((int)BS_LIB_OK == (int)BS_OK && (int)BS_LIB_ERR_USAGE == (int)BS_ERR_USAGE &&
                   (int)BS_LIB_ERR_SYNTAX == (int)BS_ERR_SYNTAX &&
                   (int)BS_LIB_ERR_SPEC == (int)BS_ERR_SPEC &&
                   (int)BS_LIB_ERR_LIMIT == (int)BS_ERR_LIMIT &&
                   (int)BS_LIB_ERR_IO == (int)BS_ERR_IO &&
                   (int)BS_LIB_ERR_NOMEM == (int)BS_ERR_NOMEM &&
                   (int)BS_LIB_ERR_NUMERIC == (int)BS_ERR_NUMERIC,
               "bs_lib_status follows bs_status");
_Static_assert(sizeof(((bs_lib_error *)0)->file) == sizeof(((bs_error *)0)->file) &&
                   sizeof(((bs_lib_error *)0)->where) == sizeof(((bs_error *)0)->where) &&
                   sizeof(((bs_lib_error *)0)->message) == sizeof(((bs_error *)0)->message),
               "bs_lib_error holds what bs_error holds");
_Static_assert((int)BS_OUTCOME_NOT_GIVEN == (int)BS_CMP_NOT_GIVEN &&
                   (int)BS_OUTCOME_AGREES == (int)BS_CMP_AGREES &&
                   (int)BS_OUTCOME_DISAGREES == (int)BS_CMP_DISAGREES &&
                   (int)BS_OUTCOME_INHERITS == (int)BS_CMP_INHERITS,
               "bs_outcome follows bs_compare_status");

struct bs_spec {
    bs_net *net;
    char file[256]; /* the file or name it was loaded from */
};

/* A parameter of the spec in the displayed orientation. */
typedef struct param_view {
    char id[16];    /* "W[1]", "b[1]" */
    size_t rows, cols;
    double *v; /* NULL until first read */
} param_view;

struct bs_run {
    const bs_spec *spec;
    size_t example; /* the example (from 1) the run is cut to, or 0: the batch */
    bs_net one;     /* with example: the spec's network cut to it (a view) */
    bs_trace *t;
    param_view *params; /* [2(l − 1)] W[l], [2(l − 1) + 1] b[l] */
};

struct bs_grad_set {
    const bs_run *run;
    bs_grads_file *g;
};

struct bs_comparison {
    const bs_run *run;
    bs_compare_result *r;
};

/* ---- errors ------------------------------------------------------------ */

static bs_lib_status give(bs_lib_error *out, const bs_error *in)
{
    if (out) {
        out->status = (bs_lib_status)in->status;
        memcpy(out->file, in->file, sizeof out->file);
        memcpy(out->where, in->where, sizeof out->where);
        memcpy(out->message, in->message, sizeof out->message);
    }
    return (bs_lib_status)in->status;
}

static void clear(bs_lib_error *out)
{
    bs_error e;
    bs_error_clear(&e);
    give(out, &e);
}

/* Ends a call that succeeded: err cleared, BS_LIB_OK. */
static bs_lib_status ok(bs_lib_error *err)
{
    clear(err);
    return BS_LIB_OK;
}

/* Ends a call on the internal status st: ok() when it is BS_OK, else the
 * internal error e as the caller's. */
static bs_lib_status outcome(bs_status st, const bs_error *e, bs_lib_error *err)
{
    return st == BS_OK ? ok(err) : give(err, e);
}

void bs_lib_error_line(const bs_lib_error *err, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    if (!err) {
        buf[0] = '\0';
        return;
    }
    bs_error e;
    e.status = (bs_status)err->status;
    memcpy(e.file, err->file, sizeof e.file);
    memcpy(e.where, err->where, sizeof e.where);
    memcpy(e.message, err->message, sizeof e.message);
    e.file[sizeof e.file - 1] = e.where[sizeof e.where - 1] = e.message[sizeof e.message - 1] =
        '\0';
    bs_error_format(&e, buf, size);
}

const char *bs_lib_status_name(bs_lib_status status)
{
    return bs_status_name((bs_status)status);
}

const char *bs_lib_version(void)
{
    return BS_VERSION;
}

static bs_lib_status usage(bs_lib_error *out, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records a usage error (a bad argument) at `where` (may be NULL). */
static bs_lib_status usage(bs_lib_error *out, const char *where, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bs_error e;
    bs_error_clear(&e);
    bs_error_set(&e, BS_ERR_USAGE, where, "%s", msg);
    return give(out, &e);
}

static bs_lib_status io_error(bs_lib_error *err, const char *what);

static bs_lib_status nomem(bs_lib_error *out)
{
    bs_error e;
    bs_error_clear(&e);
    bs_error_set(&e, BS_ERR_NOMEM, NULL, "out of memory");
    return give(out, &e);
}

/* Looks `name` up in a NULL-terminated list; NULL means the first entry.
 * Returns its index, or -1 with a usage error naming `what`. */
static int pick(const char *name, const char *const *names, const char *what,
                bs_lib_error *err)
{
    if (!name)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    char q[80], msg[160];
    bs_error_quote(q, sizeof q, name);
    const char *g = bs_suggest(name, names);
    if (g)
        snprintf(msg, sizeof msg, " (did you mean \"%s\"?)", g);
    else
        msg[0] = '\0';
    usage(err, what, "unknown %s \"%s\"%s", what, q, msg);
    return -1;
}

/* ---- specs ------------------------------------------------------------- */

static bs_lib_status wrap_spec(bs_net *net, const char *file, bs_spec **out,
                               bs_lib_error *err)
{
    bs_spec *s = calloc(1, sizeof *s);
    if (!s) {
        bs_net_free(net);
        return nomem(err);
    }
    s->net = net;
    snprintf(s->file, sizeof s->file, "%s", file);
    *out = s;
    return ok(err);
}

bs_load_settings bs_load_settings_default(void)
{
    bs_limits l = bs_limits_default();
    bs_load_settings s;
    s.max_file_bytes = l.max_file_bytes;
    s.max_memory = l.max_memory;
    s.max_layers = l.max_layers;
    s.max_depth = l.max_depth;
    s.full = l.full_check;
    s.name = NULL;
    return s;
}

bs_lib_status bs_spec_load_file_with(const char *path, const bs_load_settings *settings,
                                     bs_spec **out, bs_lib_error *err)
{
    *out = NULL;
    if (!path)
        return usage(err, NULL, "no spec file given");
    bs_load_settings s = settings ? *settings : bs_load_settings_default();
    bs_limits l;
    l.max_file_bytes = s.max_file_bytes;
    l.max_memory = s.max_memory;
    l.max_layers = s.max_layers;
    l.max_depth = s.max_depth;
    l.full_check = s.full != 0;
    bs_error e;
    bs_error_clear(&e);
    bs_net *net = NULL;
    if (bs_net_load_file(path, &l, &net, &e) != BS_OK)
        return give(err, &e);
    const char *name = s.name ? s.name : strcmp(path, "-") == 0 ? "<stdin>" : path;
    return wrap_spec(net, name, out, err);
}

bs_lib_status bs_spec_load_file(const char *path, bs_spec **out, bs_lib_error *err)
{
    return bs_spec_load_file_with(path, NULL, out, err);
}

bs_lib_status bs_spec_load_string(const char *text, size_t len, const char *name,
                                  bs_spec **out, bs_lib_error *err)
{
    *out = NULL;
    if (!name)
        name = "<string>";
    if (!text)
        return usage(err, NULL, "no spec text given");
    bs_error e;
    bs_error_clear(&e);
    bs_net *net = NULL;
    if (bs_net_load_string(text, len, name, NULL, &net, &e) != BS_OK)
        return give(err, &e);
    return wrap_spec(net, name, out, err);
}

int bs_example_path(const char *name, char *buf, size_t size)
{
    char path[4096];
    if (!name || bs_example_find(name, path, sizeof path) != 0)
        return 0;
    if (buf && size)
        snprintf(buf, size, "%s", path);
    return 1;
}

bs_lib_status bs_examples_write(FILE *fp, size_t *count, bs_lib_error *err)
{
    if (count)
        *count = 0;
    if (!fp)
        return usage(err, NULL, "no FILE * to write to");
    bs_sink s = bs_sink_file(fp);
    size_t n = bs_examples_list(&s);
    if (count)
        *count = n;
    if (bs_sink_status(&s) != 0)
        return io_error(err, "list of shipped specs");
    return ok(err);
}

void bs_spec_free(bs_spec *spec)
{
    if (!spec)
        return;
    bs_net_free(spec->net);
    free(spec);
}

/* ---- runs -------------------------------------------------------------- */

static void free_params(bs_run *r)
{
    if (!r->params)
        return;
    for (size_t k = 0; k < 2 * r->spec->net->L; k++)
        free(r->params[k].v);
    free(r->params);
    r->params = NULL;
}

/* The parameters' slots (ids and shapes); their values are made when first
 * read (param_values), so a run that never reads one (the command line's)
 * holds no second copy of the weights. */
static int make_params(bs_run *r)
{
    const bs_net *net = r->spec->net;
    r->params = calloc(2 * net->L, sizeof *r->params);
    if (!r->params)
        return -1;
    for (size_t l = 1; l <= net->L; l++) {
        for (int isb = 0; isb < 2; isb++) {
            param_view *p = &r->params[2 * (l - 1) + (size_t)isb];
            char gid[24];
            bs_name_grad(gid, sizeof gid, isb ? BS_Q_B : BS_Q_W, l, BS_NOTATION_G);
            const bs_step *st = bs_trace_find(r->t, gid);
            if (!st)
                return -1;
            snprintf(p->id, sizeof p->id, "%c[%zu]", isb ? 'b' : 'W', l);
            p->rows = st->rows;
            p->cols = st->cols;
        }
    }
    return 0;
}

/* The values of parameter slot k in the displayed orientation, shaped as
 * their gradients g[nW] and g[nb] are displayed: made on the first read and
 * kept with the run.  Returns NULL when out of memory. */
static const double *param_values(const bs_run *run, size_t k)
{
    param_view *p = &run->params[k];
    if (p->v)
        return p->v;
    const bs_net *net = run->spec->net;
    size_t l = k / 2 + 1;
    double *v = malloc(sizeof(double) * (p->rows * p->cols));
    if (!v)
        return NULL;
    if (k % 2) {
        memcpy(v, net->b[l], sizeof(double) * net->n[l]);
    } else {
        /* stored n[l−1]×n[l]; displayed the same, or its transpose */
        size_t dr, dc;
        bs_net_W_displayed(net, l, v, &dr, &dc);
    }
    p->v = v;
    return v;
}

/* The run of the whole batch (example 0) or of one example of it. */
static bs_lib_status create_run(const bs_spec *spec, size_t example, bs_run **out,
                                bs_lib_error *err)
{
    *out = NULL;
    if (!spec)
        return usage(err, NULL, "no spec given");
    bs_run *r = calloc(1, sizeof *r);
    if (!r)
        return nomem(err);
    r->spec = spec;
    bs_error e;
    bs_error_clear(&e);
    const bs_net *traced = spec->net;
    if (example) {
        if (bs_compare_example(spec->net, example, &r->one, &e) != BS_OK) {
            free(r);
            return give(err, &e);
        }
        r->example = example;
        traced = &r->one;
    }
    if (bs_checked_trace(traced, NULL, &r->t, &e) != BS_OK) {
        bs_error_set_file(&e, spec->file);
        free(r);
        return give(err, &e);
    }
    if (make_params(r) != 0) {
        bs_run_free(r);
        return nomem(err);
    }
    *out = r;
    return ok(err);
}

bs_lib_status bs_run_create(const bs_spec *spec, bs_run **out, bs_lib_error *err)
{
    return create_run(spec, 0, out, err);
}

bs_lib_status bs_run_create_example(const bs_spec *spec, size_t example, bs_run **out,
                                    bs_lib_error *err)
{
    if (example == 0) {
        *out = NULL;
        return usage(err, "example", "examples are counted from 1, got 0");
    }
    return create_run(spec, example, out, err);
}

void bs_run_free(bs_run *run)
{
    if (!run)
        return;
    free_params(run);
    bs_trace_free(run->t);
    free(run);
}

size_t bs_run_step_count(const bs_run *run)
{
    return run ? run->t->nsteps : 0;
}

static void step_info(const bs_run *run, const bs_step *st, bs_step_info *out)
{
    memset(out, 0, sizeof *out);
    out->id = st->id;
    out->gradient = st->kind == BS_STEP_BACKWARD;
    out->rows = st->rows;
    out->cols = st->cols;
    out->value = st->value;
    out->passed = -1;
    if (out->gradient && run->t->checked) {
        out->numeric = st->numeric;
        out->n_compared = st->n_compared;
        out->passed = st->passed;
        out->max_rel_error = st->max_rel_error;
    }
}

bs_lib_status bs_run_step(const bs_run *run, size_t index, bs_step_info *out, bs_lib_error *err)
{
    if (index >= run->t->nsteps) {
        return usage(err, NULL, "there is no step %zu: the run has %zu steps", index,
                     run->t->nsteps);
    }
    step_info(run, &run->t->steps[index], out);
    return ok(err);
}

/* Reads a forward name ("z1", "z[1]", "a[0]", "x", "yhat", "y") or a parameter
 * name ("W1", "W[1]", "b1"): its quantity and layer.  Returns 0, or -1. */
static int forward_name(const bs_net *net, const char *name, bs_qty *q, size_t *layer)
{
    char buf[64];
    size_t n = 0;
    for (const char *c = name; *c && n + 1 < sizeof buf; c++)
        if (*c != ' ')
            buf[n++] = *c;
    buf[n] = '\0';
    if (strcmp(buf, "x") == 0 || strcmp(buf, "X") == 0) {
        *q = BS_Q_A;
        *layer = 0;
        return 0;
    }
    if (strcmp(buf, "y") == 0 || strcmp(buf, "Y") == 0) {
        *q = BS_Q_Y;
        *layer = 0;
        return 0;
    }
    if (strcmp(buf, "yhat") == 0 || strcmp(buf, "ŷ") == 0) {
        *q = BS_Q_A;
        *layer = net->L;
        return 0;
    }
    switch (buf[0]) {
    case 'a': *q = BS_Q_A; break;
    case 'z': *q = BS_Q_Z; break;
    case 'W':
    case 'w': *q = BS_Q_W; break;
    case 'b': *q = BS_Q_B; break;
    default: return -1;
    }
    const char *s = buf + 1;
    int bracket = *s == '[';
    s += bracket;
    size_t v = 0, digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 6) {
        v = v * 10 + (size_t)(*s++ - '0');
        digits++;
    }
    if (digits == 0 || strcmp(s, bracket ? "]" : "") != 0)
        return -1;
    if (v > net->L || (v == 0 && *q != BS_Q_A))
        return -1;
    *layer = v;
    return 0;
}

bs_lib_status bs_run_find(const bs_run *run, const char *name, bs_step_info *out,
                          bs_lib_error *err)
{
    const bs_net *net = run->spec->net;
    char q[80];
    bs_error_quote(q, sizeof q, name ? name : "");
    bs_qty qty;
    size_t layer;
    char id[24];
    const bs_step *st = NULL;
    if (name && bs_name_parse(name, &qty, &layer) == 0) {
        if (qty == BS_Q_LOSS)
            st = bs_trace_find(run->t, "L");
        else if (layer <= net->L) {
            bs_name_grad(id, sizeof id, qty, layer, BS_NOTATION_G);
            st = bs_trace_find(run->t, id);
        }
    } else if (name && forward_name(net, name, &qty, &layer) == 0) {
        if (qty == BS_Q_W || qty == BS_Q_B) {
            size_t k = 2 * (layer - 1) + (qty == BS_Q_B);
            const param_view *p = &run->params[k];
            const double *v = param_values(run, k);
            if (!v)
                return nomem(err);
            memset(out, 0, sizeof *out);
            out->id = p->id;
            out->rows = p->rows;
            out->cols = p->cols;
            out->value = v;
            out->passed = -1;
            clear(err);
            return BS_LIB_OK;
        }
        bs_name_var(id, sizeof id, qty, layer, BS_NOTATION_G);
        st = bs_trace_find(run->t, id);
    }
    if (!st) {
        return usage(err, q,
                     "unknown step \"%s\": expected a name like dz2, g[2z], dL/dz2, z2, a[1], "
                     "x, y, loss or W1, with a layer from 1 to %zu",
                     q, net->L);
    }
    step_info(run, st, out);
    return ok(err);
}

bs_lib_status bs_run_step_name(const bs_run *run, size_t index, const char *notation,
                               char *buf, size_t size, bs_lib_error *err)
{
    int nt = pick(notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return BS_LIB_ERR_USAGE;
    if (index >= run->t->nsteps) {
        return usage(err, NULL, "there is no step %zu: the run has %zu steps", index,
                     run->t->nsteps);
    }
    if (buf && size)
        bs_step_name(buf, size, &run->t->steps[index], (bs_notation)nt);
    return ok(err);
}

double bs_run_loss(const bs_run *run)
{
    const bs_step *st = bs_trace_find(run->t, "L");
    return st ? st->value[0] : 0.0;
}

bs_check_settings bs_check_settings_default(void)
{
    bs_check_settings s;
    s.method = "central";
    s.epsilon = 0.0;
    s.rtol = -1.0;
    s.atol = -1.0;
    s.full = 0;
    s.strict = 0;
    s.directions = 0;
    s.progress = NULL;
    s.progress_ctx = NULL;
    return s;
}

bs_lib_status bs_check_settings_validate(const bs_check_settings *settings, bs_lib_error *err)
{
    bs_check_settings s = settings ? *settings : bs_check_settings_default();
    int m = pick(s.method, bs_method_names, "method", err);
    if (m < 0)
        return BS_LIB_ERR_USAGE;
    if (!(s.epsilon >= 0)) {
        return usage(err, "epsilon",
                     "the step h must be positive (or 0 for the default), got %g", s.epsilon);
    }
    bs_error e;
    bs_error_clear(&e);
    if (bs_check_validate_step((bs_method)m, s.epsilon, &e) != BS_OK) {
        snprintf(e.where, sizeof e.where, "epsilon");
        return give(err, &e);
    }
    if (bs_check_validate_tolerances(s.rtol, -1, &e) != BS_OK) {
        snprintf(e.where, sizeof e.where, "rtol");
        return give(err, &e);
    }
    if (bs_check_validate_tolerances(-1, s.atol, &e) != BS_OK) {
        snprintf(e.where, sizeof e.where, "atol");
        return give(err, &e);
    }
    return ok(err);
}

/* Turns public check settings (NULL: the defaults) into the checker's
 * options; BS_LIB_ERR_USAGE for an unknown method or a negative step. */
static bs_lib_status check_opts_of(const bs_check_settings *settings, bs_check_opts *out,
                                   bs_lib_error *err)
{
    bs_check_settings s = settings ? *settings : bs_check_settings_default();
    int m = pick(s.method, bs_method_names, "method", err);
    if (m < 0)
        return BS_LIB_ERR_USAGE;
    if (!(s.epsilon >= 0)) {
        return usage(err, "epsilon",
                     "the step h must be positive (or 0 for the default), got %g", s.epsilon);
    }
    bs_check_opts o = bs_check_defaults((bs_method)m);
    if (s.epsilon > 0)
        o.epsilon = s.epsilon;
    if (s.rtol >= 0)
        o.rtol = s.rtol;
    if (s.atol >= 0)
        o.atol = s.atol;
    o.full = s.full != 0;
    o.strict = s.strict != 0;
    o.directions = s.directions;
    o.progress = s.progress;
    o.progress_ctx = s.progress_ctx;
    *out = o;
    return BS_LIB_OK;
}

bs_lib_status bs_run_check(bs_run *run, const bs_check_settings *settings, bs_lib_error *err)
{
    bs_check_opts o;
    if (check_opts_of(settings, &o, err) != BS_LIB_OK)
        return BS_LIB_ERR_USAGE;
    bs_error e;
    bs_error_clear(&e);
    if (bs_trace_check(run->t, &o, &e) != BS_OK) {
        bs_error_set_file(&e, run->spec->file);
        return give(err, &e);
    }
    return ok(err);
}

int bs_run_passed(const bs_run *run)
{
    if (!run->t->checked)
        return -1;
    return run->t->passed ? 1 : 0;
}

/* Copies a memory sink's text into buf, cut to size. */
static void copy_out(const bs_sink *s, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    snprintf(buf, size, "%s", s->buf ? s->buf : "");
}

bs_lib_status bs_run_verdict(const bs_run *run, const char *notation, char *buf, size_t size,
                             bs_lib_error *err)
{
    int nt = pick(notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return BS_LIB_ERR_USAGE;
    if (!run->t->checked)
        return usage(err, NULL, "the run has not been checked: call bs_run_check() first");
    bs_sink s = bs_sink_buffer();
    bs_render_verdict(&s, run->t, (bs_notation)nt);
    int failed = bs_sink_status(&s) != 0;
    copy_out(&s, buf, size);
    bs_sink_free_buffer(&s);
    if (failed)
        return nomem(err);
    return ok(err);
}

bs_render_settings bs_render_settings_default(void)
{
    bs_render_settings s;
    memset(&s, 0, sizeof s);
    s.format = "text";
    s.notation = "g";
    s.precision = 6;
    return s;
}

/* Turns public render settings into the renderer's options. */
static int render_opts(const bs_run *run, const bs_render_settings *settings,
                       bs_render_opts *o, bs_lib_error *err)
{
    bs_render_settings s;
    if (settings)
        s = *settings;
    else
        memset(&s, 0, sizeof s);
    *o = bs_render_defaults();
    int f = pick(s.format, bs_format_names, "format", err);
    if (f < 0)
        return -1;
    int nt = pick(s.notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return -1;
    if (s.precision < 0 || s.precision > 17) {
        usage(err, "precision", "precision expects 1 to 17 digits (0 for 6), got %d",
              s.precision);
        return -1;
    }
    o->format = (bs_format)f;
    o->notation = (bs_notation)nt;
    if (s.precision > 0)
        o->precision = s.precision;
    o->terms = s.terms != 0;
    o->explain = s.explain != 0;
    o->fragment = s.fragment != 0;
    o->source = s.source ? s.source : run->spec->file;
    return 0;
}

static bs_lib_status io_error(bs_lib_error *err, const char *what)
{
    bs_error e;
    bs_error_clear(&e);
    bs_error_set(&e, BS_ERR_IO, NULL, "could not write the %s", what);
    return give(err, &e);
}

bs_lib_status bs_run_render(const bs_run *run, FILE *fp, const bs_render_settings *settings,
                            bs_lib_error *err)
{
    bs_render_opts o;
    if (render_opts(run, settings, &o, err) != 0)
        return BS_LIB_ERR_USAGE;
    if (!fp)
        return usage(err, NULL, "no FILE * to render to");
    bs_sink s = bs_sink_file(fp);
    s.color = settings && settings->color;
    if (bs_render(&s, run->t, &o) != 0 || bs_sink_status(&s) != 0)
        return io_error(err, "trace");
    return ok(err);
}

/* Hands a memory sink's text to the caller, or frees it on failure. */
static bs_lib_status hand_over(bs_sink *s, char **out, size_t *len, bs_lib_error *err)
{
    if (bs_sink_status(s) == 0 && !s->buf)
        s->buf = calloc(1, 1); /* nothing written: an empty string */
    if (bs_sink_status(s) != 0 || !s->buf) {
        bs_sink_free_buffer(s);
        return nomem(err);
    }
    *out = s->buf;
    if (len)
        *len = s->len;
    return ok(err);
}

bs_lib_status bs_run_render_string(const bs_run *run, const bs_render_settings *settings,
                                   char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    bs_render_opts o;
    if (render_opts(run, settings, &o, err) != 0)
        return BS_LIB_ERR_USAGE;
    bs_sink s = bs_sink_buffer();
    s.color = settings && settings->color;
    bs_render(&s, run->t, &o);
    return hand_over(&s, out, len, err);
}

typedef struct render_job {
    const bs_run *run;
    const bs_render_opts *o;
    int color;
} render_job;

/* bs_write_atomic's writer: the rendering of a run to the temporary file */
static int emit_render(FILE *f, const void *ctx)
{
    const render_job *j = ctx;
    bs_sink s = bs_sink_file(f);
    s.color = j->color;
    errno = 0;
    int bad = bs_render(&s, j->run->t, j->o) != 0 || bs_sink_status(&s) != 0;
    int saved = errno;
    if (fflush(f) != 0 || ferror(f)) {
        bad = 1;
        saved = errno;
    }
    return bad ? (saved ? saved : EIO) : 0;
}

bs_lib_status bs_run_render_file(const bs_run *run, const char *path,
                                 const bs_render_settings *settings, bs_lib_error *err)
{
    if (!run || !path)
        return usage(err, NULL, "no run or no path given");
    bs_render_opts o;
    if (render_opts(run, settings, &o, err) != 0)
        return BS_LIB_ERR_USAGE;
    const char *spec_file = run->spec->file;
    bs_inputs in = {&spec_file, 1};
    render_job job = {run, &o, settings && settings->color};
    bs_error e;
    bs_error_clear(&e);
    return outcome(bs_write_atomic(path, emit_render, &job, &in, &e), &e, err);
}

bs_lib_status bs_lib_write_file(const char *path, const void *data, size_t len,
                                bs_lib_error *err)
{
    if (!path || (!data && len > 0))
        return usage(err, NULL, "no path or no data given");
    bs_error e;
    bs_error_clear(&e);
    bs_status st = bs_write_atomic_bytes(path, data ? (const char *)data : "", len, NULL, &e);
    return outcome(st, &e, err);
}

bs_lib_status bs_lib_write_file_except(const char *path, const void *data, size_t len,
                                       const char *const *keep, size_t nkeep,
                                       bs_lib_error *err)
{
    if (!path || (!data && len > 0) || (!keep && nkeep > 0))
        return usage(err, NULL, "no path, no data or no files to keep given");
    bs_inputs in = {keep, nkeep};
    bs_error e;
    bs_error_clear(&e);
    bs_status st = bs_write_atomic_bytes(path, data ? (const char *)data : "", len, &in, &e);
    return outcome(st, &e, err);
}

/* ---- sessions ----------------------------------------------------------- */

struct bs_session {
    bs_stepper *w; /* a walk, or */
    bs_quiz *q;    /* a quiz */
    int ended;
};

bs_session_settings bs_session_settings_default(void)
{
    bs_session_settings s;
    memset(&s, 0, sizeof s);
    return s;
}

/* The notation and precision of session settings (NULL: the defaults). */
static bs_lib_status session_common(const bs_session_settings *settings, bs_session_settings *s,
                                    bs_notation *notation, bs_lib_error *err)
{
    *s = settings ? *settings : bs_session_settings_default();
    int nt = pick(s->notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return BS_LIB_ERR_USAGE;
    if (s->precision < 0 || s->precision > 17)
        return usage(err, "precision", "precision expects 1 to 17 digits (0 for 6), got %d",
                     s->precision);
    *notation = (bs_notation)nt;
    return BS_LIB_OK;
}

/* Ends the making of session se, whose walk or quiz was made with status st:
 * *out on success, else se freed and the error e, with the run's spec file. */
static bs_lib_status session_made(bs_session *se, bs_status st, bs_error *e, const bs_run *run,
                                  bs_session **out, bs_lib_error *err)
{
    if (st != BS_OK) {
        bs_error_set_file(e, run->spec->file);
        free(se);
        return give(err, e);
    }
    *out = se;
    return ok(err);
}

bs_lib_status bs_run_step_session(const bs_run *run, const bs_session_settings *settings,
                                  bs_session **out, bs_lib_error *err)
{
    *out = NULL;
    if (!run)
        return usage(err, NULL, "no run given");
    bs_session_settings s;
    bs_render_opts o = bs_render_defaults();
    if (session_common(settings, &s, &o.notation, err) != BS_LIB_OK)
        return BS_LIB_ERR_USAGE;
    o.format = BS_FORMAT_TEXT;
    if (s.precision > 0)
        o.precision = s.precision;
    o.terms = s.terms != 0;
    o.explain = s.explain != 0;
    o.source = s.source ? s.source : run->spec->file;
    bs_session *se = calloc(1, sizeof *se);
    if (!se)
        return nomem(err);
    bs_error e;
    bs_error_clear(&e);
    return session_made(se, bs_stepper_create(run->t, &o, &se->w, &e), &e, run, out, err);
}

bs_lib_status bs_run_quiz(const bs_run *run, const bs_session_settings *settings,
                          bs_session **out, bs_lib_error *err)
{
    *out = NULL;
    if (!run)
        return usage(err, NULL, "no run given");
    bs_session_settings s;
    bs_quiz_opts o = bs_quiz_defaults();
    if (session_common(settings, &s, &o.notation, err) != BS_LIB_OK)
        return BS_LIB_ERR_USAGE;
    if (s.precision > 0)
        o.precision = s.precision;
    o.only = s.only;
    if (s.tolerance > 0)
        o.tolerance = s.tolerance;
    o.source = s.source ? s.source : run->spec->file;
    bs_session *se = calloc(1, sizeof *se);
    if (!se)
        return nomem(err);
    bs_error e;
    bs_error_clear(&e);
    return session_made(se, bs_quiz_create(run->t, &o, &se->q, &e), &e, run, out, err);
}

void bs_session_free(bs_session *s)
{
    if (!s)
        return;
    bs_stepper_free(s->w);
    bs_quiz_free(s->q);
    free(s);
}

/* The outcome of writing a session's text to a FILE *. */
static bs_lib_status session_wrote(const bs_sink *k, bs_lib_error *err)
{
    if (bs_sink_status(k) != 0)
        return io_error(err, "session");
    return ok(err);
}

bs_lib_status bs_session_start(bs_session *s, FILE *fp, bs_lib_error *err)
{
    if (!s || !fp)
        return usage(err, NULL, "no session or no FILE * given");
    bs_sink k = bs_sink_file(fp);
    if (s->w)
        bs_stepper_start(s->w, &k);
    else
        bs_quiz_start(s->q, &k);
    return session_wrote(&k, err);
}

void bs_session_prompt(const bs_session *s, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    if (s->w)
        bs_stepper_prompt(s->w, buf, size);
    else
        bs_quiz_prompt(s->q, buf, size);
}

bs_lib_status bs_session_feed(bs_session *s, const char *line, FILE *fp, bs_lib_error *err)
{
    if (!s || !line || !fp)
        return usage(err, NULL, "no session, no line or no FILE * given");
    bs_sink k = bs_sink_file(fp);
    if (!s->ended)
        s->ended = !(s->w ? bs_stepper_feed(s->w, line, &k) : bs_quiz_feed(s->q, line, &k));
    return session_wrote(&k, err);
}

bs_lib_status bs_session_finish(bs_session *s, FILE *fp, bs_lib_error *err)
{
    if (!s || !fp)
        return usage(err, NULL, "no session or no FILE * given");
    bs_sink k = bs_sink_file(fp);
    if (s->w)
        bs_stepper_finish(s->w, &k);
    else
        bs_quiz_finish(s->q, &k);
    s->ended = 1;
    return session_wrote(&k, err);
}

int bs_session_ended(const bs_session *s)
{
    return s->ended;
}

void bs_session_tally(const bs_session *s, bs_session_score *out)
{
    memset(out, 0, sizeof *out);
    if (!s->q)
        return;
    bs_quiz_score t = bs_quiz_tally(s->q);
    out->steps = t.steps;
    out->asked = t.asked;
    out->first_try = t.first_try;
    out->right = t.right;
    out->skipped = t.skipped;
    out->revealed = t.revealed;
    out->wrong = t.wrong;
}

void bs_session_score_line(const bs_session *s, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    if (!s->q)
        return;
    bs_sink k = bs_sink_buffer();
    bs_quiz_score_line(s->q, &k);
    copy_out(&k, buf, size);
    bs_sink_free_buffer(&k);
}

size_t bs_session_mistake_count(const bs_session *s, const char *key)
{
    return s->q && key ? bs_quiz_mistake_count(s->q, key) : 0;
}

bs_lib_status bs_session_record(const bs_session *s, char **out, size_t *len,
                                bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    if (!s || !s->q)
        return usage(err, NULL, "only a quiz has a record");
    bs_sink k = bs_sink_buffer();
    bs_quiz_record(&k, s->q);
    return hand_over(&k, out, len, err);
}

/* ---- scaffolds ---------------------------------------------------------- */

bs_scaffold_settings bs_scaffold_settings_default(void)
{
    bs_scaffold_settings s;
    memset(&s, 0, sizeof s);
    s.seed = 1;
    return s;
}

bs_lib_status bs_spec_scaffold(const char *layers, const bs_scaffold_settings *settings,
                               char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    if (!layers)
        return usage(err, NULL, "no layer sizes given");
    bs_scaffold_settings s = settings ? *settings : bs_scaffold_settings_default();
    static const char *const conventions[] = {"row", "column", NULL};
    int conv = pick(s.convention, conventions, "convention", err);
    if (conv < 0)
        return BS_LIB_ERR_USAGE;
    bs_scaffold_opts o;
    memset(&o, 0, sizeof o);
    o.layers = layers;
    o.activations = s.activations;
    o.loss = s.loss;
    o.convention = conv == 0 ? BS_ROW : BS_COLUMN;
    o.seed = (uint64_t)s.seed;
    bs_error e;
    bs_error_clear(&e);
    bs_sink b = bs_sink_buffer();
    if (bs_scaffold(&o, &b, &e) != BS_OK) {
        bs_sink_free_buffer(&b);
        return give(err, &e);
    }
    return hand_over(&b, out, len, err);
}

/* ---- sweeps ------------------------------------------------------------- */

struct bs_step_sweep {
    bs_sweep *sw;
};

_Static_assert(BS_SWEEP_METHODS == 4, "a sweep has the four methods of bs_method_names");

bs_sweep_settings bs_sweep_settings_default(void)
{
    bs_sweep_settings s;
    memset(&s, 0, sizeof s);
    return s;
}

bs_lib_status bs_run_sweep(const bs_run *run, const char *element,
                           const bs_sweep_settings *settings, bs_step_sweep **out,
                           bs_lib_error *err)
{
    *out = NULL;
    if (!run || !element)
        return usage(err, NULL, "no run or no element given");
    bs_sweep_settings s = settings ? *settings : bs_sweep_settings_default();
    bs_error e;
    bs_error_clear(&e);
    size_t step, index;
    if (bs_sweep_parse_element(run->t, element, &step, &index, &e) != BS_OK) {
        bs_error_set_file(&e, run->spec->file);
        return give(err, &e);
    }
    bs_step_sweep *w = calloc(1, sizeof *w);
    if (!w)
        return nomem(err);
    if (bs_sweep_run(run->t, step, index, s.progress, s.progress_ctx, &w->sw, &e) != BS_OK) {
        bs_error_set_file(&e, run->spec->file);
        free(w);
        return give(err, &e);
    }
    *out = w;
    return ok(err);
}

void bs_step_sweep_free(bs_step_sweep *sweep)
{
    if (!sweep)
        return;
    bs_sweep_free(sweep->sw);
    free(sweep);
}

void bs_step_sweep_info(const bs_step_sweep *sweep, bs_sweep_info *out)
{
    const bs_sweep *sw = sweep->sw;
    out->element = sw->element;
    out->x = sw->x;
    out->analytic = sw->analytic;
    out->reference = sw->reference;
    out->n = sw->n;
    out->h = sw->h;
}

bs_lib_status bs_step_sweep_method(const bs_step_sweep *sweep, const char *method,
                                   bs_sweep_method *out, bs_lib_error *err)
{
    if (!method)
        return usage(err, "method", "no method given");
    int m = pick(method, bs_method_names, "method", err);
    if (m < 0)
        return BS_LIB_ERR_USAGE;
    const bs_sweep *sw = sweep->sw;
    out->method = bs_method_names[m];
    out->value = sw->value[m];
    out->error = sw->error[m];
    out->best = sw->best[m];
    out->slope_truncation = sw->slope_truncation[m];
    out->slope_rounding = sw->slope_rounding[m];
    return ok(err);
}

/* the sweep's formats, in the order sweep_write takes them */
static const char *const sweep_formats[] = {"text", "svg", NULL};

static void sweep_write(bs_sink *s, const bs_step_sweep *sweep, int svg)
{
    if (svg)
        bs_sweep_svg(s, sweep->sw);
    else
        bs_sweep_text(s, sweep->sw);
}

bs_lib_status bs_step_sweep_render(const bs_step_sweep *sweep, FILE *fp, const char *format,
                                   bs_lib_error *err)
{
    int f = pick(format, sweep_formats, "format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (!sweep || !fp)
        return usage(err, NULL, "no sweep or no FILE * to render to");
    bs_sink s = bs_sink_file(fp);
    sweep_write(&s, sweep, f == 1);
    if (bs_sink_status(&s) != 0)
        return io_error(err, "sweep");
    return ok(err);
}

bs_lib_status bs_step_sweep_render_string(const bs_step_sweep *sweep, const char *format,
                                          char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    int f = pick(format, sweep_formats, "format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (!sweep)
        return usage(err, NULL, "no sweep given");
    bs_sink s = bs_sink_buffer();
    sweep_write(&s, sweep, f == 1);
    return hand_over(&s, out, len, err);
}

bs_lib_status bs_lib_write_with(const char *path, int (*writer)(FILE *fp, const void *ctx),
                                const void *ctx, const char *const *keep, size_t nkeep,
                                bs_lib_error *err)
{
    if (!path || !writer || (!keep && nkeep > 0))
        return usage(err, NULL, "no path, no writer or no files to keep given");
    bs_inputs in = {keep, nkeep};
    bs_error e;
    bs_error_clear(&e);
    return outcome(bs_write_atomic(path, writer, ctx, &in, &e), &e, err);
}

bs_lib_status bs_lib_check_output(const char *path, const char *const *keep, size_t nkeep,
                                  bs_lib_error *err)
{
    if (!path || (!keep && nkeep > 0))
        return usage(err, NULL, "no path or no files to keep given");
    bs_inputs in = {keep, nkeep};
    bs_error e;
    bs_error_clear(&e);
    return outcome(bs_refuse_input(path, &in, &e), &e, err);
}

int bs_lib_same_file(const char *a, const char *b)
{
    return a && b && bs_same_file(a, b);
}

void bs_lib_remove_temporary(void)
{
    bs_files_remove_temporary();
}

/* ---- handouts ----------------------------------------------------------- */

/* the learning rate of handout 001's update equation when none is given */
#define HANDOUT_DEFAULT_LR 0.1

bs_handout_settings bs_handout_settings_default(void)
{
    bs_handout_settings s;
    memset(&s, 0, sizeof s);
    s.format = "text";
    s.precision = 6;
    s.lr = HANDOUT_DEFAULT_LR;
    return s;
}

const char *bs_handout_spec_name(const char *handout)
{
    return bs_handout_default_spec(bs_handout_parse(handout));
}

/* The handout a name means (0, 1 or 2), or -1 with a usage error. */
static int handout_which(const char *handout, bs_lib_error *err)
{
    int which = bs_handout_parse(handout);
    if (which < 0) {
        if (!handout) {
            usage(err, "handout", "no handout named: expected 000, 001 or 002");
        } else {
            char q[80];
            bs_error_quote(q, sizeof q, handout);
            usage(err, "handout", "unknown handout \"%s\": expected 000, 001 or 002", q);
        }
    }
    return which;
}

bs_lib_status bs_spec_fits_handout(const bs_spec *spec, const char *handout, bs_lib_error *err)
{
    if (!spec)
        return usage(err, NULL, "no spec given");
    int which = handout_which(handout, err);
    if (which < 0)
        return BS_LIB_ERR_USAGE;
    bs_error e;
    bs_error_clear(&e);
    if (bs_handout_fits(which, spec->net, &e) != BS_OK) {
        bs_error_set_file(&e, spec->file);
        return give(err, &e);
    }
    return ok(err);
}

/* Builds the walk `settings` ask for on a run, and the options it is
 * rendered with; the caller frees *out with bs_handout_free. */
static bs_lib_status handout_walk(const bs_run *run, const bs_handout_settings *settings,
                                  bs_handout **out, bs_handout_opts *o, bs_lib_error *err)
{
    *out = NULL;
    if (!run)
        return usage(err, NULL, "no run given");
    if (!settings)
        return usage(err, "handout", "no handout named: expected 000, 001 or 002");
    int which = handout_which(settings->handout, err);
    if (which < 0)
        return BS_LIB_ERR_USAGE;
    int f = pick(settings->format, bs_format_names, "format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (f == BS_FORMAT_DOT || f == BS_FORMAT_NPZ)
        return usage(err, "format",
                     "a handout is written as text, markdown, latex, html or json, not %s",
                     bs_format_names[f]);
    if (settings->precision < 0 || settings->precision > 17)
        return usage(err, "precision", "precision expects 1 to 17 digits (0 for 6), got %d",
                     settings->precision);
    if (!(settings->lr >= 0) || settings->lr > 1e300)
        return usage(err, "lr", "the learning rate α must be positive (or 0 for 0.1), got %g",
                     settings->lr);
    const bs_net *net = run->example ? &run->one : run->spec->net;
    bs_error e;
    bs_error_clear(&e);
    if (bs_handout_fits(which, net, &e) != BS_OK) {
        bs_error_set_file(&e, run->spec->file);
        return give(err, &e);
    }
    if (bs_handout_build(which, run->t, settings->lr > 0 ? settings->lr : HANDOUT_DEFAULT_LR,
                         out, &e) != BS_OK)
        return give(err, &e);
    o->format = (bs_format)f;
    o->precision = settings->precision > 0 ? settings->precision : bs_render_defaults().precision;
    o->fragment = settings->fragment != 0;
    o->source = settings->source ? settings->source : run->spec->file;
    return BS_LIB_OK;
}

bs_lib_status bs_run_handout(const bs_run *run, FILE *fp, const bs_handout_settings *settings,
                             bs_lib_error *err)
{
    if (!fp)
        return usage(err, NULL, "no FILE * to write the handout to");
    bs_handout *h;
    bs_handout_opts o;
    bs_lib_status st = handout_walk(run, settings, &h, &o, err);
    if (st != BS_LIB_OK)
        return st;
    bs_sink s = bs_sink_file(fp);
    int bad = bs_handout_render(&s, h, &o) != 0 || bs_sink_status(&s) != 0;
    bs_handout_free(h);
    if (bad)
        return io_error(err, "handout");
    return ok(err);
}

bs_lib_status bs_run_handout_string(const bs_run *run, const bs_handout_settings *settings,
                                    char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    bs_handout *h;
    bs_handout_opts o;
    bs_lib_status st = handout_walk(run, settings, &h, &o, err);
    if (st != BS_LIB_OK)
        return st;
    bs_sink s = bs_sink_buffer();
    bs_handout_render(&s, h, &o);
    bs_handout_free(h);
    return hand_over(&s, out, len, err);
}

/* ---- training ------------------------------------------------------------ */

struct bs_training {
    const bs_spec *spec;
    char *freeze; /* the settings' freeze list, copied: the result refers to it */
    bs_train *t;
};

bs_train_settings bs_train_settings_default(void)
{
    bs_train_settings s;
    memset(&s, 0, sizeof s);
    bs_train_opts o = bs_train_defaults();
    s.steps = o.steps;
    s.lr = o.lr;
    s.check_every = o.check_every;
    s.notation = "g";
    return s;
}

bs_lib_status bs_spec_train(const bs_spec *spec, const bs_train_settings *settings,
                            bs_training **out, bs_lib_error *err)
{
    *out = NULL;
    if (!spec)
        return usage(err, NULL, "no spec given");
    bs_train_settings s = settings ? *settings : bs_train_settings_default();
    bs_train_opts o = bs_train_defaults();
    if (check_opts_of(s.check, &o.check, err) != BS_LIB_OK)
        return BS_LIB_ERR_USAGE;
    o.check.progress = NULL;
    o.check.progress_ctx = NULL;
    int nt = pick(s.notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return BS_LIB_ERR_USAGE;
    o.notation = (bs_notation)nt;
    o.steps = s.steps;
    o.lr = s.lr;
    o.check_every = s.check_every;
    o.progress = s.progress;
    o.progress_ctx = s.progress_ctx;
    bs_training *r = calloc(1, sizeof *r);
    if (!r)
        return nomem(err);
    r->spec = spec;
    if (s.freeze) {
        size_t n = strlen(s.freeze) + 1;
        if (!(r->freeze = malloc(n))) {
            free(r);
            return nomem(err);
        }
        memcpy(r->freeze, s.freeze, n);
    }
    o.freeze = r->freeze;
    bs_error e;
    bs_error_clear(&e);
    if (bs_train_run(spec->net, &o, &r->t, &e) != BS_OK) {
        bs_error_set_file(&e, spec->file);
        bs_training_free(r);
        return give(err, &e);
    }
    *out = r;
    return ok(err);
}

void bs_training_free(bs_training *t)
{
    if (!t)
        return;
    bs_train_free(t->t);
    free(t->freeze);
    free(t);
}

size_t bs_training_steps(const bs_training *t)
{
    return t->t->steps_done;
}

double bs_training_loss(const bs_training *t, size_t step)
{
    return step <= t->t->steps_done ? t->t->loss[step] : NAN;
}

int bs_training_passed(const bs_training *t)
{
    return t->t->passed ? 1 : 0;
}

const char *bs_training_stop(const bs_training *t)
{
    return bs_train_stop_names[t->t->stop];
}

const char *bs_training_stop_message(const bs_training *t)
{
    return t->t->stop == BS_TRAIN_COMPLETED ? "" : t->t->stop_message;
}

size_t bs_training_check_count(const bs_training *t, size_t *failed)
{
    if (failed)
        *failed = t->t->checks_failed;
    return t->t->nchecks;
}

bs_lib_status bs_training_param(const bs_training *t, const char *name, bs_trained_param *out,
                                bs_lib_error *err)
{
    bs_qty q;
    size_t layer;
    if (name && bs_param_parse(name, &q, &layer) == 0) {
        for (size_t i = 0; i < t->t->nparams; i++) {
            const bs_train_param *p = &t->t->params[i];
            if (p->qty != q || p->layer != layer)
                continue;
            out->name = p->name;
            out->rows = p->rows;
            out->cols = p->cols;
            out->frozen = p->frozen;
            out->before = p->before;
            out->gradient = t->t->has_first ? p->gradient : NULL;
            out->after = t->t->has_first ? p->after : NULL;
            out->final = p->final;
            clear(err);
            return BS_LIB_OK;
        }
    }
    char q2[80];
    bs_error_quote(q2, sizeof q2, name ? name : "");
    return usage(err, name ? name : "", "no parameter \"%s\" in the training (W1, b1, …)", q2);
}

void bs_training_verdict(const bs_training *t, int precision, char *buf, size_t size)
{
    bs_sink s = bs_sink_buffer();
    bs_train_verdict(&s, t->t, precision > 0 && precision <= 17 ? precision : 6);
    copy_out(&s, buf, size);
    bs_sink_free_buffer(&s);
}

/* The training format a name means, or -1 with a usage error. */
static int train_format(const bs_training *t, const char *format, int precision,
                        bs_lib_error *err)
{
    if (!t) {
        usage(err, NULL, "no training given");
        return -1;
    }
    if (precision < 0 || precision > 17) {
        usage(err, "precision", "precision expects 1 to 17 digits (0 for 6), got %d", precision);
        return -1;
    }
    return pick(format, bs_train_format_names, "format", err);
}

bs_lib_status bs_training_render(const bs_training *t, FILE *fp, const char *format,
                                 int precision, const char *source, bs_lib_error *err)
{
    int f = train_format(t, format, precision, err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (!fp)
        return usage(err, NULL, "no FILE * to render to");
    bs_sink s = bs_sink_file(fp);
    if (bs_train_render(&s, t->t, (bs_train_format)f, source ? source : t->spec->file,
                        precision) != 0 ||
        bs_sink_status(&s) != 0)
        return io_error(err, "training");
    return ok(err);
}

bs_lib_status bs_training_render_string(const bs_training *t, const char *format, int precision,
                                        const char *source, char **out, size_t *len,
                                        bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    int f = train_format(t, format, precision, err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    bs_sink s = bs_sink_buffer();
    bs_train_render(&s, t->t, (bs_train_format)f, source ? source : t->spec->file, precision);
    return hand_over(&s, out, len, err);
}

/* ---- reports over several specs ---------------------------------------- */

/* The internal error of a public one (the same fields, bs_lib_error_line). */
static void take(bs_error *out, const bs_lib_error *in)
{
    bs_error_clear(out);
    if (!in)
        return;
    out->status = (bs_status)in->status;
    memcpy(out->file, in->file, sizeof out->file);
    memcpy(out->where, in->where, sizeof out->where);
    memcpy(out->message, in->message, sizeof out->message);
    out->file[sizeof out->file - 1] = out->where[sizeof out->where - 1] =
        out->message[sizeof out->message - 1] = '\0';
}

bs_lib_status bs_report_write_file(FILE *fp, const char *format, const bs_report_entry *entries,
                                   size_t n, int color, bs_lib_error *err)
{
    int f = pick(format, bs_report_format_names, "report format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (!fp || (!entries && n > 0))
        return usage(err, NULL, "no FILE * or no entries given");
    bs_report_item *items = calloc(n ? n : 1, sizeof *items);
    bs_error *errs = calloc(n ? n : 1, sizeof *errs);
    if (!items || !errs) {
        free(items);
        free(errs);
        return nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        items[i].file = entries[i].file;
        items[i].trace = entries[i].run ? entries[i].run->t : NULL;
        take(&errs[i], entries[i].error);
        items[i].error = &errs[i];
    }
    bs_sink s = bs_sink_file(fp);
    s.color = color != 0;
    bs_report_write(&s, (bs_report_format)f, items, n);
    free(items);
    free(errs);
    if (bs_sink_status(&s) != 0)
        return io_error(err, "report");
    return ok(err);
}

/* ---- comparing ---------------------------------------------------------- */

bs_lib_status bs_grad_set_create(const bs_run *run, bs_grad_set **out, bs_lib_error *err)
{
    *out = NULL;
    if (!run)
        return usage(err, NULL, "no run given");
    bs_grad_set *g = calloc(1, sizeof *g);
    if (!g)
        return nomem(err);
    bs_error e;
    bs_error_clear(&e);
    if (bs_grads_file_create(run->t, &g->g, &e) != BS_OK) {
        free(g);
        return give(err, &e);
    }
    g->run = run;
    *out = g;
    return ok(err);
}

bs_lib_status bs_grad_set_load_file(const bs_run *run, const char *path, bs_grad_set **out,
                                    bs_lib_error *err)
{
    *out = NULL;
    if (!run || !path)
        return usage(err, NULL, "no run or no path given");
    bs_grad_set *g = calloc(1, sizeof *g);
    if (!g)
        return nomem(err);
    bs_error e;
    bs_error_clear(&e);
    if (bs_compare_load(path, run->t, &g->g, &e) != BS_OK) {
        free(g);
        return give(err, &e);
    }
    g->run = run;
    *out = g;
    return ok(err);
}

bs_lib_status bs_grad_set_put(bs_grad_set *set, const char *name, const double *values,
                              size_t rows, size_t cols, bs_lib_error *err)
{
    if (!name || (!values && rows * cols > 0))
        return usage(err, NULL, "a gradient needs a name and its values");
    bs_error e;
    bs_error_clear(&e);
    return outcome(bs_grads_file_set(set->g, name, values, rows, cols, &e), &e, err);
}

void bs_grad_set_free(bs_grad_set *set)
{
    if (!set)
        return;
    bs_grads_file_free(set->g);
    free(set);
}

bs_compare_settings bs_compare_settings_default(void)
{
    bs_compare_opts d = bs_compare_defaults();
    bs_compare_settings s;
    s.rtol = d.rtol;
    s.atol = d.atol;
    s.notation = NULL;
    s.only = NULL;
    return s;
}

bs_lib_status bs_run_compare(const bs_run *run, const bs_grad_set *set,
                             const bs_compare_settings *settings, bs_comparison **out,
                             bs_lib_error *err)
{
    *out = NULL;
    if (!run || !set)
        return usage(err, NULL, "comparing needs a run and a gradient set");
    if (set->run != run)
        return usage(err, NULL, "the gradient set was created for another run");
    bs_compare_settings s = settings ? *settings : bs_compare_settings_default();
    bs_compare_opts o = bs_compare_defaults();
    if (!(s.rtol >= 0) || !(s.atol >= 0))
        return usage(err, NULL, "the tolerances must be numbers ≥ 0");
    o.rtol = s.rtol;
    o.atol = s.atol;
    if (s.notation) {
        int nt = pick(s.notation, bs_notation_names, "notation", err);
        if (nt < 0)
            return BS_LIB_ERR_USAGE;
        o.notation = nt;
    }
    o.only = s.only;
    if (run->example) {
        o.example = run->example;
        o.batch = run->spec->net->B;
    }
    bs_comparison *c = calloc(1, sizeof *c);
    if (!c)
        return nomem(err);
    bs_error e;
    bs_error_clear(&e);
    if (bs_compare_run(run->t, set->g, &o, &c->r, &e) != BS_OK) {
        free(c);
        return give(err, &e);
    }
    c->run = run;
    *out = c;
    return ok(err);
}

void bs_comparison_free(bs_comparison *cmp)
{
    if (!cmp)
        return;
    bs_compare_result_free(cmp->r);
    free(cmp);
}

int bs_comparison_agrees(const bs_comparison *cmp)
{
    return bs_compare_agrees(cmp->r) ? 1 : 0;
}

int bs_comparison_convention(const bs_comparison *cmp)
{
    return bs_compare_verdict(cmp->r) == BS_VERDICT_CONVENTION ? 1 : 0;
}

size_t bs_comparison_step_count(const bs_comparison *cmp)
{
    return cmp->r->nsteps;
}

long bs_comparison_first(const bs_comparison *cmp)
{
    return cmp->r->first;
}

static void compared_step(const bs_compare_step *s, bs_compared_step *out)
{
    memset(out, 0, sizeof *out);
    out->name = s->name;
    out->id = s->id;
    out->outcome = (bs_outcome)s->status;
    out->rows = s->rows;
    out->cols = s->cols;
    out->n_elements = s->n_elements;
    out->n_wrong = s->n_wrong;
    out->max_abs = s->max_abs;
    out->max_rel = s->max_rel;
    if (s->mistake >= 0 && s->mistake < BS_MISTAKE_COUNT) {
        out->mistake = bs_mistakes[s->mistake].key;
        out->mistake_name = bs_mistakes[s->mistake].name;
    }
    out->diagnosis = s->diagnosis;
    out->inherits_from = s->inherits_from;
}

bs_lib_status bs_comparison_step(const bs_comparison *cmp, size_t index, bs_compared_step *out,
                                 bs_lib_error *err)
{
    if (index >= cmp->r->nsteps) {
        return usage(err, NULL, "there is no step %zu: the comparison has %zu steps", index,
                     cmp->r->nsteps);
    }
    compared_step(&cmp->r->steps[index], out);
    return ok(err);
}

bs_lib_status bs_comparison_find(const bs_comparison *cmp, const char *name,
                                 bs_compared_step *out, bs_lib_error *err)
{
    bs_qty qty;
    size_t layer;
    char q[80];
    bs_error_quote(q, sizeof q, name ? name : "");
    if (name && bs_name_parse(name, &qty, &layer) == 0 && qty != BS_Q_LOSS) {
        char id[24];
        bs_name_grad(id, sizeof id, qty, layer, BS_NOTATION_G);
        for (size_t i = 0; i < cmp->r->nsteps; i++)
            if (strcmp(cmp->r->steps[i].id, id) == 0) {
                compared_step(&cmp->r->steps[i], out);
                clear(err);
                return BS_LIB_OK;
            }
    }
    return usage(err, q,
                 "unknown step \"%s\": expected a backward step of the network, like dz2, "
                 "g[2z] or dL/dW1",
                 q);
}

static void compare_report(bs_sink *s, const bs_comparison *cmp, int json)
{
    if (json)
        bs_compare_json(s, cmp->r);
    else
        bs_compare_text(s, cmp->r);
}

bs_lib_status bs_comparison_render(const bs_comparison *cmp, FILE *fp, const char *format,
                                   bs_lib_error *err)
{
    static const char *const formats[] = {"text", "json", NULL};
    int f = pick(format, formats, "format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    if (!fp)
        return usage(err, NULL, "no FILE * to render to");
    bs_sink s = bs_sink_file(fp);
    compare_report(&s, cmp, f == 1);
    if (bs_sink_status(&s) != 0)
        return io_error(err, "comparison");
    return ok(err);
}

bs_lib_status bs_comparison_render_string(const bs_comparison *cmp, const char *format,
                                          char **out, size_t *len, bs_lib_error *err)
{
    static const char *const formats[] = {"text", "json", NULL};
    *out = NULL;
    if (len)
        *len = 0;
    int f = pick(format, formats, "format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    bs_sink s = bs_sink_buffer();
    compare_report(&s, cmp, f == 1);
    return hand_over(&s, out, len, err);
}

/* ---- grading ------------------------------------------------------------- */

struct bs_exercise {
    bs_exercise_set *x;
    char *dir;
    bs_resubmit rule;
    bs_feedback_mode feedback;
};

struct bs_grading {
    bs_exercise *x;
    bs_grade_result *r;
    size_t n;
    bs_grade_row *rows;
    size_t nrows;
    const bs_grade_row *first; /* the row of the first file (gradescope's one) */
    char **msgs;
    size_t nmsgs;
    bs_fileset *feedback;
};

/* ---- building an exercise set -------------------------------------------- */

struct bs_class_list {
    bs_roster *r;
    char *file; /* the path it was read from, for errors */
};

struct bs_exercise_files {
    bs_fileset *fs;
    int added; /* 1: students added to a set, whose manifest is replaced last */
};

bs_lib_status bs_class_list_load(const char *path, bs_class_list **out, bs_lib_error *errs,
                                 size_t max, size_t *nerrs)
{
    *out = NULL;
    if (nerrs)
        *nerrs = 0;
    if (!path || (!errs && max > 0)) {
        bs_lib_error e;
        usage(&e, NULL, "no class list file or no room for its errors given");
        if (max > 0 && errs)
            errs[0] = e;
        if (nerrs)
            *nerrs = 1;
        return BS_LIB_ERR_USAGE;
    }
    bs_error *internal = max ? calloc(max, sizeof *internal) : NULL;
    bs_class_list *l = calloc(1, sizeof *l);
    if ((max && !internal) || !l || !(l->file = strdup(path))) {
        free(internal);
        free(l);
        if (max)
            nomem(&errs[0]);
        if (nerrs)
            *nerrs = 1;
        return BS_LIB_ERR_NOMEM;
    }
    size_t n = 0;
    bs_status st = bs_roster_load_all(path, &l->r, internal, max, &n);
    if (st == BS_OK)
        n = 0;
    for (size_t i = 0; i < n && i < max; i++)
        give(&errs[i], &internal[i]);
    free(internal);
    if (nerrs)
        *nerrs = n;
    if (st != BS_OK) {
        bs_class_list_free(l);
        return (bs_lib_status)st;
    }
    *out = l;
    return BS_LIB_OK;
}

void bs_class_list_free(bs_class_list *list)
{
    if (!list)
        return;
    bs_roster_free(list->r);
    free(list->file);
    free(list);
}

size_t bs_class_list_count(const bs_class_list *list)
{
    return list->r->n;
}

const char *bs_class_list_id(const bs_class_list *list, size_t i)
{
    return i < list->r->n ? list->r->ids[i] : NULL;
}

bs_path_state bs_lib_path_state(const char *path)
{
    switch (bs_dir_state(path)) {
    case BS_DIR_EMPTY:
        return BS_PATH_EMPTY_DIR;
    case BS_DIR_FULL:
        return BS_PATH_FULL_DIR;
    case BS_DIR_NOT_DIR:
        return BS_PATH_NOT_DIR;
    default:
        return BS_PATH_MISSING;
    }
}

bs_exercise_settings bs_exercise_settings_default(void)
{
    bs_exercise_settings s;
    memset(&s, 0, sizeof s);
    s.seed = 1;
    return s;
}

/* Wraps a built file set, or frees it when out of memory. */
static bs_lib_status wrap_files(bs_fileset *fs, int added, bs_exercise_files **out,
                                bs_lib_error *err)
{
    bs_exercise_files *f = calloc(1, sizeof *f);
    if (!f) {
        bs_fileset_free(fs);
        return nomem(err);
    }
    f->fs = fs;
    f->added = added;
    *out = f;
    return ok(err);
}

/* Turns public exercise settings into the builder's options (all but the
 * source and the progress); BS_LIB_ERR_USAGE naming a bad setting. */
static bs_lib_status exercise_opts_of(const bs_exercise_settings *s, bs_exercise_opts *o,
                                      bs_lib_error *err)
{
    *o = bs_exercise_defaults();
    o->seed = (uint64_t)s->seed;
    if (s->digits != 0) {
        if (s->digits < 1 || s->digits > BS_DIGITS_MAX)
            return usage(err, "digits", "digits expects 1 to %d decimals, got %d",
                         BS_DIGITS_MAX, s->digits);
        o->digits = s->digits;
    }
    int nt = pick(s->notation, bs_notation_names, "notation", err);
    if (nt < 0)
        return BS_LIB_ERR_USAGE;
    o->notation = (bs_notation)nt;
    o->steps = s->steps;
    if (s->formats) {
        char why[256];
        if (bs_exercise_formats_parse(s->formats, &o->formats, why, sizeof why) != 0)
            return usage(err, "formats", "%s", why);
    }
    int pol = pick(s->policy, bs_policy_names, "policy", err);
    if (pol < 0)
        return BS_LIB_ERR_USAGE;
    o->policy = (bs_grade_policy)pol;
    return ok(err);
}

bs_lib_status bs_exercise_settings_validate(const bs_exercise_settings *settings,
                                            bs_lib_error *err)
{
    bs_exercise_settings s = settings ? *settings : bs_exercise_settings_default();
    bs_exercise_opts o;
    return exercise_opts_of(&s, &o, err);
}

bs_lib_status bs_spec_exercise(const bs_spec *spec, const bs_class_list *list,
                               const bs_exercise_settings *settings,
                               bs_exercise_files **out, bs_lib_error *err)
{
    *out = NULL;
    if (!spec || !list)
        return usage(err, NULL, "no spec or no class list given");
    bs_exercise_settings s = settings ? *settings : bs_exercise_settings_default();
    bs_exercise_opts o;
    if (exercise_opts_of(&s, &o, err) != BS_LIB_OK)
        return BS_LIB_ERR_USAGE;
    if (s.source) {
        o.source = s.source;
    } else if (strcmp(spec->file, "-") == 0 || strcmp(spec->file, "<stdin>") == 0) {
        o.source = "<stdin>";
    } else {
        const char *slash = strrchr(spec->file, '/');
        o.source = slash ? slash + 1 : spec->file;
    }
    o.progress = s.progress;
    o.progress_ctx = s.progress_ctx;
    bs_error e;
    bs_error_clear(&e);
    bs_fileset *fs = NULL;
    if (bs_exercise_build(spec->net, list->r, &o, &fs, &e) != BS_OK) {
        if (e.where[0] != '-') /* not an option's error ("--steps") */
            bs_error_set_file(&e, spec->file);
        return give(err, &e);
    }
    return wrap_files(fs, 0, out, err);
}

bs_lib_status bs_exercise_add_students(const bs_exercise *x, const bs_class_list *more,
                                       bs_exercise_files **out, bs_lib_error *err)
{
    *out = NULL;
    if (!x || !more)
        return usage(err, NULL, "no exercise or no class list given");
    bs_error e;
    bs_error_clear(&e);
    bs_fileset *fs = NULL;
    if (bs_exercise_set_add(x->x, more->r, more->file, &fs, &e) != BS_OK)
        return give(err, &e);
    return wrap_files(fs, 1, out, err);
}

void bs_exercise_files_free(bs_exercise_files *files)
{
    if (!files)
        return;
    bs_fileset_free(files->fs);
    free(files);
}

size_t bs_exercise_files_count(const bs_exercise_files *files)
{
    return files->fs->n;
}

const char *bs_exercise_files_path(const bs_exercise_files *files, size_t i)
{
    return i < files->fs->n ? files->fs->files[i].path : NULL;
}

bs_lib_status bs_exercise_files_write(const bs_exercise_files *files, const char *dir,
                                      const char *const *keep, size_t nkeep,
                                      bs_lib_error *err)
{
    if (!files || !dir || (!keep && nkeep > 0))
        return usage(err, NULL, "no files, no directory or no files to keep given");
    bs_inputs in = {keep, nkeep};
    bs_error e;
    bs_error_clear(&e);
    if ((!files->added && (bs_fileset_refuse_inputs(files->fs, dir, &in, &e) != BS_OK ||
                           bs_exercise_remove_manifest(dir, &e) != BS_OK)) ||
        bs_fileset_write(files->fs, dir, &in, &e) != BS_OK)
        return give(err, &e);
    return ok(err);
}

/* ---- grading ----------------------------------------------------------- */

bs_lib_status bs_exercise_open(const char *dir, bs_exercise **out, bs_lib_error *err)
{
    *out = NULL;
    if (!dir)
        return usage(err, NULL, "no exercise directory given");
    bs_exercise *w = calloc(1, sizeof *w);
    size_t len = strlen(dir) + 1;
    if (!w || !(w->dir = malloc(len))) {
        free(w);
        return nomem(err);
    }
    memcpy(w->dir, dir, len);
    bs_error e;
    bs_error_clear(&e);
    if (bs_exercise_set_open(dir, &w->x, &e) != BS_OK) {
        free(w->dir);
        free(w);
        return give(err, &e);
    }
    *out = w;
    return ok(err);
}

void bs_exercise_free(bs_exercise *x)
{
    if (!x)
        return;
    bs_exercise_set_free(x->x);
    free(x->dir);
    free(x);
}

size_t bs_exercise_student_count(const bs_exercise *x)
{
    return bs_exercise_set_count(x->x);
}

bs_grade_settings bs_grade_settings_default(void)
{
    bs_grade_settings s;
    memset(&s, 0, sizeof s);
    return s;
}

bs_lib_status bs_exercise_configure(bs_exercise *x, const bs_grade_settings *settings,
                                    bs_lib_error *err)
{
    bs_grade_settings s = settings ? *settings : bs_grade_settings_default();
    int rule = pick(s.resubmissions, bs_resubmit_names, "resubmissions rule", err);
    if (rule < 0)
        return BS_LIB_ERR_USAGE;
    if (s.policy) {
        int p = pick(s.policy, bs_policy_names, "policy", err);
        if (p < 0)
            return BS_LIB_ERR_USAGE;
        bs_exercise_set_set_policy(x->x, (bs_grade_policy)p);
    }
    bs_error e;
    bs_error_clear(&e);
    if (s.weights && bs_weights_parse(x->x, s.weights, NULL, &e) != BS_OK)
        return give(err, &e);
    if (s.weights_file) {
        char *text = NULL;
        size_t len = 0;
        bs_status st = bs_read_file(s.weights_file, (size_t)1 << 20, &text, &len, &e);
        if (st == BS_OK && strlen(text) != len)
            st = bs_error_set(&e, BS_ERR_USAGE, NULL, "a NUL byte: not a weights file");
        if (st == BS_OK)
            st = bs_weights_parse(x->x, text, s.weights_file, &e);
        free(text);
        if (st != BS_OK) {
            bs_error_set_file(&e, s.weights_file);
            return give(err, &e);
        }
    }
    bs_exercise_set_hints(x->x, s.hints != 0);
    x->rule = (bs_resubmit)rule;
    x->feedback = s.hints ? BS_FEEDBACK_HINTS : BS_FEEDBACK_ANSWERS;
    return ok(err);
}

int bs_exercise_output_clash(const bs_exercise *x, const char *out, const char *const *files,
                             size_t n, char *clash, size_t size, const char **what)
{
    return bs_grade_output_clash(out, x->dir, x->x, files, n, clash, size, what);
}

bs_lib_status bs_exercise_check_answers(bs_exercise *x, const char *path, char **report,
                                        size_t *problems, bs_lib_error *err)
{
    *report = NULL;
    *problems = 0;
    if (!path)
        return usage(err, NULL, "no answers file given");
    bs_error e;
    bs_error_clear(&e);
    char *text = NULL;
    size_t len = 0;
    if (bs_read_file(path, (size_t)4 << 20, &text, &len, &e) != BS_OK)
        return give(err, &e);
    bs_sink b = bs_sink_buffer();
    size_t k = bs_answers_check(x->x, text, len, path, &b);
    free(text);
    if (k == (size_t)-1) {
        bs_sink_free_buffer(&b);
        return nomem(err);
    }
    *problems = k;
    return hand_over(&b, report, NULL, err);
}

/* Adds a message to the grading's list; -1 when out of memory. */
static int say(bs_grading *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int say(bs_grading *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char **m = realloc(g->msgs, (g->nmsgs + 1) * sizeof *m);
    if (n < 0 || !m)
        return -1;
    g->msgs = m;
    if (!(m[g->nmsgs] = malloc((size_t)n + 1)))
        return -1;
    va_start(ap, fmt);
    vsnprintf(m[g->nmsgs], (size_t)n + 1, fmt, ap);
    va_end(ap);
    g->nmsgs++;
    return 0;
}

/* The messages of a grading, in the order the command line tells them:
 * each file not graded, malformed step and warning; each edited variant;
 * each row in error without a file. */
static int messages(bs_grading *g)
{
    const bs_grade_result *r = g->r;
    for (size_t i = 0; i < g->n; i++)
        if (r[i].error) {
            if (say(g, "%s: %s", r[i].file, r[i].reason))
                return -1;
        } else {
            for (size_t k = 0; k < r[i].nsteps; k++)
                if (r[i].steps[k].mark == BS_MARK_MALFORMED &&
                    say(g, "%s: %s (marked malformed)", r[i].file, r[i].steps[k].note))
                    return -1;
            if (r[i].warnings[0] && say(g, "%s: warning: %s", r[i].file, r[i].warnings))
                return -1;
        }
    const bs_exercise_set *x = g->x->x;
    const char *note;
    for (size_t i = 0; i < bs_exercise_set_count(x); i++)
        if ((note = bs_exercise_set_note(x, i)) != NULL &&
            say(g, "%s/%s/spec.json: %s", g->x->dir, bs_exercise_set_id(x, i), note))
            return -1;
    for (size_t i = 0; i < g->nrows; i++)
        if (g->rows[i].status == BS_ROW_ERROR && !g->rows[i].result &&
            say(g, "%s: %s", g->rows[i].id, g->rows[i].note))
            return -1;
    return 0;
}

void bs_grading_free(bs_grading *g)
{
    if (!g)
        return;
    for (size_t i = 0; g->r && i < g->n; i++)
        bs_grade_result_free(&g->r[i]);
    free(g->r);
    free(g->rows);
    for (size_t i = 0; i < g->nmsgs; i++)
        free(g->msgs[i]);
    free(g->msgs);
    bs_fileset_free(g->feedback);
    free(g);
}

bs_lib_status bs_exercise_grade(bs_exercise *x, const char *const *files, size_t n,
                                bs_grading **out, bs_lib_error *err)
{
    *out = NULL;
    if (!x || (!files && n > 0))
        return usage(err, NULL, "no exercise or no answers files given");
    bs_grading *g = calloc(1, sizeof *g);
    if (!g || !(g->r = calloc(n ? n : 1, sizeof *g->r))) {
        free(g);
        return nomem(err);
    }
    g->x = x;
    g->n = n;
    bs_error e;
    bs_error_clear(&e);
    bs_status st = BS_OK;
    for (size_t i = 0; i < n && st == BS_OK; i++)
        st = bs_grade_file(x->x, files[i], &g->r[i], &e);
    if (st == BS_OK)
        st = bs_grade_rows(x->x, g->r, n, x->rule, &g->rows, &g->nrows, &e);
    if (st != BS_OK) {
        bs_grading_free(g);
        return give(err, &e);
    }
    for (size_t i = 0; i < g->nrows && !g->first; i++)
        if (g->rows[i].result == &g->r[0])
            g->first = &g->rows[i];
    if (messages(g) != 0 ||
        bs_grade_feedback_files(x->x, g->rows, g->nrows, x->rule, &g->feedback, &e) != BS_OK) {
        bs_grading_free(g);
        return nomem(err);
    }
    *out = g;
    return ok(err);
}

size_t bs_grading_message_count(const bs_grading *g)
{
    return g->nmsgs;
}

const char *bs_grading_message(const bs_grading *g, size_t i)
{
    return i < g->nmsgs ? g->msgs[i] : NULL;
}

void bs_grading_counts(const bs_grading *g, size_t *graded, size_t *missing, size_t *other)
{
    bs_grade_tally k = bs_grade_count(g->rows, g->nrows);
    if (graded)
        *graded = k.graded;
    if (missing)
        *missing = k.missing;
    if (other)
        *other = k.other;
}

bs_lib_status bs_grading_gradebook(const bs_grading *g, const bs_gradebook_settings *settings,
                                   char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    bs_gradebook_settings s;
    if (settings)
        s = *settings;
    else
        memset(&s, 0, sizeof s);
    int f = pick(s.format, bs_book_format_names, "gradebook format", err);
    if (f < 0)
        return BS_LIB_ERR_USAGE;
    int v = pick(s.visibility, bs_visibility_names, "visibility", err);
    if (v < 0)
        return BS_LIB_ERR_USAGE;
    if (f == BS_BOOK_GRADESCOPE && g->n != 1)
        return usage(err, "format", "gradescope grades one submission, got %zu answers files",
                     g->n);
    bs_book_opts bo = {(bs_book_format)f, (bs_visibility)v, s.assignment, g->x->rule,
                       g->x->feedback};
    bs_sink b = bs_sink_buffer();
    bs_gradebook_write(&b, g->x->x, g->rows, g->nrows, g->first, &bo);
    return hand_over(&b, out, len, err);
}

bs_lib_status bs_grading_summary(const bs_grading *g, char **out, size_t *len, bs_lib_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    bs_sink b = bs_sink_buffer();
    bs_gradebook_summary(&b, g->x->x, g->rows, g->nrows);
    return hand_over(&b, out, len, err);
}

size_t bs_grading_feedback_count(const bs_grading *g)
{
    return g->feedback ? g->feedback->n : 0;
}

bs_lib_status bs_grading_write_feedback(const bs_grading *g, size_t i, const char *const *keep,
                                        size_t nkeep, bs_lib_error *err)
{
    if (i >= bs_grading_feedback_count(g))
        return usage(err, NULL, "there is no feedback file %zu: the grading has %zu", i,
                     bs_grading_feedback_count(g));
    if (!keep && nkeep > 0)
        return usage(err, NULL, "no files to keep given");
    const bs_file_out *f = &g->feedback->files[i];
    bs_inputs in = {keep, nkeep};
    bs_error e;
    bs_error_clear(&e);
    return outcome(bs_write_under(g->x->dir, f->path, f->data, f->len, &in, &e), &e, err);
}
