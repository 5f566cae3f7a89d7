/* main.c — the backstep command line: parses arguments, runs the library,
 * prints errors, maps results to exit codes (0 agree, 1 a check failed,
 * 2 usage error, bad spec or i/o error). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bs_error.h"
#include "bs_examples.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_report.h"
#include "bs_scaffold.h"
#include "bs_trace.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

enum { EXIT_AGREE = 0, EXIT_MISMATCH = 1, EXIT_BAD = 2 };

enum { CMD_TRACE = 1, CMD_CHECK = 2, CMD_INIT = 4, CMD_EXAMPLES = 8 };

/* One table of options: the parser and the help text both read it. */
typedef struct option_def {
    const char *name; /* "--format" */
    const char *arg;  /* metavariable, or NULL for a flag */
    int commands;     /* CMD_* bits */
    const char *help;
} option_def;

static const option_def options[] = {
    {"--format", "FORMAT", CMD_TRACE,
     "output format: text (default), json, markdown, latex, html or dot"},
    {"--format", "FORMAT", CMD_CHECK,
     "report format: text (default, one line per spec), json, tap (TAP version 13) or "
     "junit (JUnit XML)"},
    {"--fragment", NULL, CMD_TRACE, "latex: write only the body, without the preamble"},
    {"--notation", "NOTATION", CMD_TRACE,
     "names of the steps: g (g[2z], handout 001, default), partial (∂L/∂z[2], "
     "handout 000) or code (dz2, handout 002)"},
    {"--method", "METHOD", CMD_TRACE | CMD_CHECK,
     "numerical gradient: central (default) or complex (complex step)"},
    {"--epsilon", "H", CMD_TRACE | CMD_CHECK,
     "step h of the numerical gradient (default: central ∛ε·max(1,|x|), complex 1e-20)"},
    {"--rtol", "R", CMD_TRACE | CMD_CHECK,
     "relative tolerance (default: central 1e-6, complex 1e-11)"},
    {"--atol", "A", CMD_TRACE | CMD_CHECK,
     "absolute tolerance (default: central 1e-9, complex 1e-14)"},
    {"--full", NULL, CMD_TRACE | CMD_CHECK,
     "compare every element (default: steps of more than 100 elements are sampled)"},
    {"--terms", NULL, CMD_TRACE,
     "expand each element term by term with its numbers (handout 001 style)"},
    {"--explain", NULL, CMD_TRACE, "say in words why each step is what it is"},
    {"--precision", "N", CMD_TRACE, "significant digits in text output (default 6)"},
    {"-o", "FILE", CMD_TRACE | CMD_INIT,
     "write the output to FILE (replaced only once the whole output is written)"},
    {"--activations", "LIST", CMD_INIT,
     "init: activations, one per layer or one for all, e.g. sigmoid,sigmoid,tanh "
     "(default: sigmoid, and the output the loss needs)"},
    {"--loss", "NAME", CMD_INIT,
     "init: mse, bce or cross_entropy (default: bce for one output, else cross_entropy)"},
    {"--convention", "NAME", CMD_INIT, "init: row (default) or column"},
    {"--seed", "S", CMD_INIT, "init: the seed of the weights and the example (default 1)"},
    {"--force", NULL, CMD_INIT, "init: overwrite FILE if it exists"},
    {"--quiet", NULL, CMD_TRACE | CMD_CHECK,
     "no progress indicator (it appears only on a terminal, on stderr, for work that "
     "takes longer than half a second)"},
    {"--max-file-size", "BYTES", CMD_TRACE | CMD_CHECK,
     "largest spec file read (default 67108864)"},
    {"--max-memory", "BYTES", CMD_TRACE | CMD_CHECK,
     "largest estimated working memory (default 2147483648)"},
    {"--max-layers", "N", CMD_TRACE | CMD_CHECK, "most layers in a network (default 100)"},
    {"--max-depth", "N", CMD_TRACE | CMD_CHECK,
     "deepest nesting of JSON arrays and objects (default 64, at most 1000)"},
    {NULL, NULL, 0, NULL}};

typedef struct cli {
    int command;
    const char **specs;
    size_t nspecs;
    bs_render_opts render;
    bs_check_opts check;
    bs_report_format report;
    int method_set;
    double epsilon, rtol, atol;
    int full;
    const char *out;
    bs_limits limits;
    bs_scaffold_opts init;
    int force;
    int quiet;
} cli;

static void usage_line(FILE *f)
{
    fputs("usage: backstep trace SPEC [options]\n"
          "       backstep check SPEC... [options]\n"
          "       backstep init LAYERS [options]\n"
          "       backstep examples\n"
          "       backstep help [trace|check]\n"
          "       backstep --version\n",
          f);
}

static void print_options(FILE *f, int command)
{
    for (const option_def *o = options; o->name; o++) {
        if (!(o->commands & command))
            continue;
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        fprintf(f, "  %-22s %s\n", left, o->help);
    }
}

static void help(FILE *f, const char *topic)
{
    if (topic && strcmp(topic, "trace") == 0) {
        fputs("usage: backstep trace SPEC [options]\n\n"
              "Runs the network of SPEC (a JSON file; - reads standard input) forward,\n"
              "then backpropagates, printing every step from the output layer down with\n"
              "its formula, shape, analytic values and the numerical gradient beside\n"
              "them, and ends with a one-line verdict.\n\noptions:\n",
              f);
        print_options(f, CMD_TRACE);
        fputs("\nexit status: 0 all gradients agree, 1 a gradient check failed or a value\n"
              "is not finite, 2 usage error, bad spec or i/o error\n",
              f);
        return;
    }
    if (topic && strcmp(topic, "init") == 0) {
        fputs("usage: backstep init LAYERS [options]\n\n"
              "Writes a complete spec to start from: LAYERS like 4-3-2-1, weights and\n"
              "biases drawn from the seed and rounded to two decimals, an example input\n"
              "and target, and a \"//field\" comment beside each field.  The spec is\n"
              "traced and checked before it is written, so it always runs cleanly.\n"
              "It refuses to overwrite FILE unless --force is given.\n\noptions:\n",
              f);
        print_options(f, CMD_INIT);
        fputs("\nexit status: 0 written, 2 usage error or i/o error\n", f);
        return;
    }
    if (topic && strcmp(topic, "check") == 0) {
        fputs("usage: backstep check SPEC... [options]\n\n"
              "Checks the gradients of each SPEC quietly: one line per spec.\n\noptions:\n",
              f);
        print_options(f, CMD_CHECK);
        fputs("\nexit status: 0 all agree, 1 some check failed, 2 a spec could not be\n"
              "loaded or usage error\n",
              f);
        return;
    }
    fputs("backstep — follow backpropagation term by term\n\n", f);
    usage_line(f);
    fputs("\ncommands:\n"
          "  trace SPEC      the forward pass and every backward step beside its\n"
          "                  numerical gradient\n"
          "  check SPEC...   the gradient check alone, one line per spec, for CI\n"
          "  init LAYERS     write a starter spec, e.g. backstep init 4-3-2-1\n"
          "  examples        list the shipped specs; a SPEC that is not a file but the\n"
          "                  name of one (backstep trace 4-3-2-1-bce) runs it\n"
          "  help [COMMAND]  this text, or a command's options\n"
          "\nSee 'backstep help trace' and docs/ for the spec format and the output.\n",
          f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("backstep: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see 'backstep --help')\n", stderr);
    va_end(ap);
    return EXIT_BAD;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int pick(const char *value, const char *const *names, const char *what)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], value) == 0)
            return i;
    fprintf(stderr, "backstep: unknown %s \"%s\"", what, value);
    const char *g = bs_suggest(value, names);
    if (g)
        fprintf(stderr, " (did you mean \"%s\"?)", g);
    else {
        fputs(" (expected", stderr);
        for (int i = 0; names[i]; i++)
            fprintf(stderr, "%s %s", i ? "," : "", names[i]);
        fputs(")", stderr);
    }
    fputs("\n", stderr);
    return -1;
}

/* Applies one option; returns 0, or EXIT_BAD after printing why. */
static int apply(cli *c, const char *name, const char *v)
{
    int i;
    if (strcmp(name, "--format") == 0 && c->command == CMD_CHECK) {
        if ((i = pick(v, bs_report_format_names, "report format")) < 0)
            return EXIT_BAD;
        c->report = (bs_report_format)i;
    } else if (strcmp(name, "--format") == 0) {
        if ((i = pick(v, bs_format_names, "format")) < 0)
            return EXIT_BAD;
        c->render.format = (bs_format)i;
    } else if (strcmp(name, "--notation") == 0) {
        if ((i = pick(v, bs_notation_names, "notation")) < 0)
            return EXIT_BAD;
        c->render.notation = (bs_notation)i;
    } else if (strcmp(name, "--method") == 0) {
        if ((i = pick(v, bs_method_names, "method")) < 0)
            return EXIT_BAD;
        c->check.method = (bs_method)i;
    } else if (strcmp(name, "--epsilon") == 0) {
        if (parse_double(v, &c->epsilon) || !(c->epsilon > 0))
            return bad_usage("--epsilon expects a positive number, got \"%s\"", v);
    } else if (strcmp(name, "--rtol") == 0) {
        if (parse_double(v, &c->rtol) || c->rtol < 0)
            return bad_usage("--rtol expects a number ≥ 0, got \"%s\"", v);
    } else if (strcmp(name, "--atol") == 0) {
        if (parse_double(v, &c->atol) || c->atol < 0)
            return bad_usage("--atol expects a number ≥ 0, got \"%s\"", v);
    } else if (strcmp(name, "--fragment") == 0) {
        c->render.fragment = 1;
    } else if (strcmp(name, "--terms") == 0) {
        c->render.terms = 1;
    } else if (strcmp(name, "--explain") == 0) {
        c->render.explain = 1;
    } else if (strcmp(name, "--full") == 0) {
        c->full = 1;
    } else if (strcmp(name, "--precision") == 0) {
        size_t p;
        if (parse_size(v, &p) || p < 1 || p > 17)
            return bad_usage("--precision expects a number of digits from 1 to 17, got \"%s\"",
                             v);
        c->render.precision = (int)p;
    } else if (strcmp(name, "-o") == 0) {
        c->out = v;
    } else if (strcmp(name, "--max-file-size") == 0) {
        if (parse_size(v, &c->limits.max_file_bytes))
            return bad_usage("--max-file-size expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--max-memory") == 0) {
        if (parse_size(v, &c->limits.max_memory))
            return bad_usage("--max-memory expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--activations") == 0) {
        c->init.activations = v;
    } else if (strcmp(name, "--loss") == 0) {
        c->init.loss = v;
    } else if (strcmp(name, "--convention") == 0) {
        static const char *const convs[] = {"row", "column", NULL};
        if ((i = pick(v, convs, "convention")) < 0)
            return EXIT_BAD;
        c->init.convention = i == 0 ? BS_ROW : BS_COLUMN;
    } else if (strcmp(name, "--seed") == 0) {
        size_t seed;
        if (parse_size(v, &seed))
            return bad_usage("--seed expects a non-negative integer, got \"%s\"", v);
        c->init.seed = (uint64_t)seed;
    } else if (strcmp(name, "--force") == 0) {
        c->force = 1;
    } else if (strcmp(name, "--quiet") == 0) {
        c->quiet = 1;
    } else if (strcmp(name, "--max-depth") == 0) {
        size_t d;
        if (parse_size(v, &d) || d < 1 || d > 1000)
            return bad_usage("--max-depth expects a number from 1 to 1000, got \"%s\"", v);
        c->limits.max_depth = (int)d;
    } else if (strcmp(name, "--max-layers") == 0) {
        if (parse_size(v, &c->limits.max_layers) || c->limits.max_layers == 0)
            return bad_usage("--max-layers expects a positive number, got \"%s\"", v);
    }
    return 0;
}

static int parse(cli *c, int argc, char **argv, int first)
{
    c->specs = calloc((size_t)argc, sizeof(char *));
    if (!c->specs)
        return bad_usage("out of memory");
    int only_files = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            c->specs[c->nspecs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        char name[64];
        const char *value = NULL;
        const char *eq = strchr(a, '=');
        size_t len = eq && a[1] == '-' ? (size_t)(eq - a) : strlen(a);
        if (len >= sizeof name)
            return bad_usage("unknown option \"%s\"", a);
        memcpy(name, a, len);
        name[len] = '\0';
        const option_def *o = options;
        while (o->name && strcmp(o->name, name) != 0)
            o++;
        /* an option may have a row per command (--format) */
        for (const option_def *p = o; p->name; p++)
            if (strcmp(p->name, name) == 0 && (p->commands & c->command)) {
                o = p;
                break;
            }
        if (!o->name || !(o->commands & c->command)) {
            const char *names[32];
            size_t k = 0;
            for (const option_def *p = options; p->name && k < 31; p++)
                if (p->commands & c->command)
                    names[k++] = p->name;
            names[k] = NULL;
            const char *g = bs_suggest(name, names);
            if (g) {
                fprintf(stderr, "backstep: unknown option \"%s\" (did you mean \"%s\"?)\n",
                        name, g);
                return EXIT_BAD;
            }
            if (o->name)
                return bad_usage("option \"%s\" does not apply to this command", name);
            return bad_usage("unknown option \"%s\"", name);
        }
        if (o->arg) {
            if (eq && a[1] == '-')
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return bad_usage("option \"%s\" needs a value", name);
        } else if (eq && a[1] == '-') {
            return bad_usage("option \"%s\" takes no value", name);
        }
        int rc = apply(c, name, value);
        if (rc)
            return rc;
    }
    return 0;
}

/* Prints an error as one line on stderr. */
static void report(const bs_error *err)
{
    char line[1024];
    bs_error_format(err, line, sizeof line);
    fprintf(stderr, "backstep: %s\n", line);
}

static bs_check_opts check_opts(const cli *c)
{
    bs_check_opts o = bs_check_defaults(c->check.method);
    if (c->epsilon > 0)
        o.epsilon = c->epsilon;
    if (c->rtol >= 0)
        o.rtol = c->rtol;
    if (c->atol >= 0)
        o.atol = c->atol;
    o.full = c->full;
    return o;
}

/* A one-line progress indicator on stderr: done/total, rate, time left.  It
 * appears only after half a second, is redrawn at most ten times a second,
 * and is erased when the work ends, so nothing of it stays on the screen. */
typedef struct progress {
    struct timespec start, last;
    int shown;
} progress;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

static void show_progress(void *ctx, size_t done, size_t total)
{
    progress *p = ctx;
    double elapsed = seconds_since(&p->start);
    if (elapsed < 0.5 || (p->shown && seconds_since(&p->last) < 0.1) || done == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    double rate = (double)done / elapsed;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r\033[Kchecking %zu of %zu elements, %.0f/s, about %d:%02d left", done,
            total, rate, (int)(left / 60), (int)left % 60);
    fflush(stderr);
    p->shown = 1;
}

static void end_progress(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* Loads, traces and checks one spec.  On failure prints why, fills *err
 * and returns NULL. */
static bs_trace *run(const cli *c, const char *path, bs_net **net, bs_error *err)
{
    bs_error_clear(err);
    *net = NULL;
    /* a file always wins over the name of a shipped spec */
    char shipped[1024];
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) != 0 &&
        bs_example_find(path, shipped, sizeof shipped) == 0) {
        fprintf(stderr, "backstep: %s is not a file; running the shipped spec %s\n", path,
                shipped);
        path = shipped;
    }
    if (bs_net_load_file(path, &c->limits, net, err) != BS_OK) {
        report(err);
        return NULL;
    }
    bs_trace *t = NULL;
    bs_check_opts o = check_opts(c);
    progress p;
    memset(&p, 0, sizeof p);
    if (!c->quiet && isatty(fileno(stderr))) {
        clock_gettime(CLOCK_MONOTONIC, &p.start);
        o.progress = show_progress;
        o.progress_ctx = &p;
    }
    int built = bs_trace_build(*net, &t, err) == BS_OK;
    int checked = built && bs_trace_check(t, &o, err) == BS_OK;
    end_progress(&p);
    if (!checked) {
        bs_error_set_file(err, path);
        report(err);
        bs_trace_free(t);
        bs_net_free(*net);
        *net = NULL;
        return NULL;
    }
    return t;
}

static int use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return 0;
    return isatty(fileno(f));
}

/* Renders to an open stream; returns 0, or the errno of a failed write. */
static int render_to(FILE *f, const bs_trace *t, const bs_render_opts *ro, int color)
{
    bs_sink s = bs_sink_file(f);
    s.color = color;
    errno = 0;
    int bad = bs_render(&s, t, ro) != 0;
    int saved = errno;
    if (fflush(f) != 0 || ferror(f)) {
        bad = 1;
        saved = errno;
    }
    return bad ? (saved ? saved : EIO) : 0;
}

/* Writes the rendered trace to `path`.  A regular file (or a new one) is
 * written through a temporary file in the same directory and renamed into
 * place only once everything was written, keeping an existing file's
 * permissions; a symbolic link is followed.  Anything else that exists (a
 * FIFO, a terminal, /dev/null) is written to directly. */
typedef int (*emit_fn)(FILE *f, const void *ctx);

static int write_output(const char *path, const char *spec, emit_fn emit,
                        const void *ctx)
{
    struct stat so, ss;
    int exists = stat(path, &so) == 0;
    if (exists && strcmp(spec, "-") != 0 && stat(spec, &ss) == 0 &&
        so.st_dev == ss.st_dev && so.st_ino == ss.st_ino) {
        fprintf(stderr, "backstep: %s: refusing to write the output over the spec it reads\n",
                path);
        return EXIT_BAD;
    }
    if (exists && S_ISDIR(so.st_mode)) {
        fprintf(stderr, "backstep: %s: is a directory, expected a file name for -o\n", path);
        return EXIT_BAD;
    }
    if (exists && !S_ISREG(so.st_mode)) {
        FILE *f = fopen(path, "w");
        int e = f ? emit(f, ctx) : errno;
        if (f && fclose(f) != 0 && !e)
            e = errno;
        if (e) {
            fprintf(stderr, "backstep: %s: cannot write: %s\n", path, strerror(e));
            return EXIT_BAD;
        }
        return 0;
    }
    char *target = exists ? realpath(path, NULL) : NULL; /* follows a symbolic link */
    const char *dest = target ? target : path;
    size_t len = strlen(dest);
    char *tmp = malloc(len + 32);
    if (!tmp) {
        free(target);
        fprintf(stderr, "backstep: %s: out of memory\n", path);
        return EXIT_BAD;
    }
    const char *slash = strrchr(dest, '/');
    size_t dirlen = slash ? (size_t)(slash - dest) + 1 : 0;
    memcpy(tmp, dest, dirlen);
    /* mkstemp's template: ".backstep-" and six 'X' it replaces */
    strcpy(tmp + dirlen, ".backstep-");
    memset(tmp + dirlen + 10, 'X', 6);
    tmp[dirlen + 16] = '\0';
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "backstep: %s: cannot create a temporary file beside it: %s\n",
                path, strerror(errno));
        free(tmp);
        free(target);
        return EXIT_BAD;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, exists ? (so.st_mode & 07777) : (0666 & ~mask));
    FILE *f = fdopen(fd, "w");
    int e = f ? emit(f, ctx) : errno;
    if (!f)
        close(fd);
    if (f && fclose(f) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, dest) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        fprintf(stderr, "backstep: %s: cannot write: %s\n", path, strerror(e));
    }
    free(tmp);
    free(target);
    return e ? EXIT_BAD : 0;
}

typedef struct trace_job {
    const bs_trace *t;
    const bs_render_opts *ro;
} trace_job;

static int emit_trace(FILE *f, const void *ctx)
{
    const trace_job *j = ctx;
    return render_to(f, j->t, j->ro, 0);
}

static int cmd_trace(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("trace takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("trace needs a SPEC file");
    const char *path = c->specs[0];
    bs_net *net;
    bs_error err;
    bs_trace *t = run(c, path, &net, &err);
    if (!t)
        return EXIT_BAD;
    c->render.source = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int rc;
    if (c->out) {
        trace_job job = {t, &c->render};
        rc = write_output(c->out, path, emit_trace, &job);
    } else {
        int e = render_to(stdout, t, &c->render,
                          c->render.format == BS_FORMAT_TEXT && use_color(stdout));
        rc = 0;
        /* a reader that went away (… | head) is not an error worth a word */
        if (e && e != EPIPE) {
            fprintf(stderr, "backstep: error writing standard output: %s\n", strerror(e));
            rc = EXIT_BAD;
        }
    }
    if (rc == 0 && !t->passed)
        rc = EXIT_MISMATCH;
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

/* Checks every spec and writes the report: line by line for text, as one
 * document for the other formats (so all traces are kept until the end). */
static int cmd_check(cli *c)
{
    if (c->nspecs == 0)
        return bad_usage("check needs at least one SPEC file");
    int rc = EXIT_AGREE;
    int streaming = c->report == BS_REPORT_TEXT;
    bs_report_item *items = calloc(c->nspecs, sizeof *items);
    bs_net **nets = calloc(c->nspecs, sizeof *nets);
    bs_error *errs = calloc(c->nspecs, sizeof *errs);
    if (!items || !nets || !errs) {
        free(items);
        free(nets);
        free(errs);
        return bad_usage("out of memory");
    }
    bs_sink s = bs_sink_file(stdout);
    s.color = streaming && use_color(stdout);
    for (size_t i = 0; i < c->nspecs; i++) {
        items[i].file = c->specs[i];
        items[i].error = &errs[i];
        items[i].trace = run(c, c->specs[i], &nets[i], &errs[i]);
        if (!items[i].trace)
            rc = EXIT_BAD;
        else if (!items[i].trace->passed && rc == EXIT_AGREE)
            rc = EXIT_MISMATCH;
        if (streaming) {
            bs_report_write(&s, c->report, &items[i], 1);
            fflush(stdout);
            bs_trace_free((bs_trace *)items[i].trace);
            bs_net_free(nets[i]);
            items[i].trace = NULL;
            nets[i] = NULL;
        }
    }
    if (!streaming)
        bs_report_write(&s, c->report, items, c->nspecs);
    for (size_t i = 0; i < c->nspecs; i++) {
        bs_trace_free((bs_trace *)items[i].trace);
        bs_net_free(nets[i]);
    }
    free(items);
    free(nets);
    free(errs);
    if (fflush(stdout) != 0 || ferror(stdout) || bs_sink_status(&s) != 0) {
        if (errno != EPIPE) {
            fprintf(stderr, "backstep: error writing standard output: %s\n", strerror(errno));
            return EXIT_BAD;
        }
    }
    return rc;
}

static int emit_text(FILE *f, const void *ctx)
{
    const char *text = ctx;
    errno = 0;
    if (fputs(text, f) == EOF || fflush(f) != 0 || ferror(f))
        return errno ? errno : EIO;
    return 0;
}

static int cmd_init(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("init takes one LAYERS argument, got %zu", c->nspecs)
                         : bad_usage("init needs the layer sizes, e.g. backstep init 4-3-2-1");
    c->init.layers = c->specs[0];
    bs_error err;
    bs_error_clear(&err);
    bs_sink b = bs_sink_buffer();
    if (bs_scaffold(&c->init, &b, &err) != BS_OK) {
        bs_sink_free_buffer(&b);
        report(&err);
        return EXIT_BAD;
    }
    int rc = 0;
    struct stat st;
    if (!c->out) {
        rc = emit_text(stdout, b.buf) ? EXIT_BAD : 0;
        if (rc)
            fprintf(stderr, "backstep: error writing standard output: %s\n", strerror(errno));
    } else if (!c->force && stat(c->out, &st) == 0 && S_ISREG(st.st_mode)) {
        fprintf(stderr, "backstep: %s: exists; refusing to overwrite it (give --force to "
                        "replace it)\n",
                c->out);
        rc = EXIT_BAD;
    } else {
        rc = write_output(c->out, "-", emit_text, b.buf);
    }
    bs_sink_free_buffer(&b);
    return rc;
}

static int cmd_examples(void)
{
    bs_sink s = bs_sink_file(stdout);
    if (bs_examples_list(&s) == 0) {
        fputs("backstep: no shipped specs found (set BACKSTEP_SPECS_DIR to their directory)\n",
              stderr);
        return EXIT_BAD;
    }
    if (fflush(stdout) != 0 || bs_sink_status(&s) != 0) {
        fprintf(stderr, "backstep: error writing standard output: %s\n", strerror(errno));
        return EXIT_BAD;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_line(stderr);
        return EXIT_BAD;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        help(stdout, NULL);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("backstep %s\n", BS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        const char *topic = argc > 2 ? argv[2] : NULL;
        if (topic && strcmp(topic, "trace") != 0 && strcmp(topic, "check") != 0 &&
            strcmp(topic, "init") != 0)
            return bad_usage("no help for \"%s\": commands are trace, check and init", topic);
        help(stdout, topic);
        return 0;
    }
    cli c;
    memset(&c, 0, sizeof c);
    c.render = bs_render_defaults();
    c.check = bs_check_defaults(BS_METHOD_CENTRAL);
    c.rtol = c.atol = -1;
    c.limits = bs_limits_default();
    c.init.seed = 1;
    if (strcmp(cmd, "trace") == 0)
        c.command = CMD_TRACE;
    else if (strcmp(cmd, "check") == 0)
        c.command = CMD_CHECK;
    else if (strcmp(cmd, "init") == 0)
        c.command = CMD_INIT;
    else if (strcmp(cmd, "examples") == 0)
        c.command = CMD_EXAMPLES;
    else {
        const char *const cmds[] = {"trace", "check", "init", "examples", "help", NULL};
        const char *g = bs_suggest(cmd, cmds);
        if (g)
            fprintf(stderr, "backstep: unknown command \"%s\" (did you mean \"%s\"?)\n", cmd, g);
        else
            fprintf(stderr, "backstep: unknown command \"%s\"\n", cmd);
        usage_line(stderr);
        return EXIT_BAD;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout, cmd);
            return 0;
        }
    int rc = parse(&c, argc, argv, 2);
    if (rc == 0)
        rc = c.command == CMD_TRACE      ? cmd_trace(&c)
             : c.command == CMD_CHECK    ? cmd_check(&c)
             : c.command == CMD_EXAMPLES ? (c.nspecs ? bad_usage("examples takes no arguments")
                                                     : cmd_examples())
                                         : cmd_init(&c);
    free(c.specs);
    return rc;
}
