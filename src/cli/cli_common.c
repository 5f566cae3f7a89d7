/* cli_common.c — what every command uses: messages on stderr, the check
 * options, the progress indicator, loading and checking a spec, and writing
 * the output to standard output or a file. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_error.h"

#include "cli.h"

/* Prints "backstep: " and the message as one line on stderr: control
 * characters of a file name or an argument are escaped (bs_escape_controls),
 * so that nothing breaks the line. */
static void vsay(const char *fmt, va_list ap)
{
    char raw[2048], line[4096];
    vsnprintf(raw, sizeof raw, fmt, ap);
    bs_escape_controls(line, sizeof line, raw);
    fprintf(stderr, "backstep: %s\n", line);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int cli_bad_usage(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_say("%s (see 'backstep --help')", msg);
    return EXIT_BAD;
}

void cli_report_lib(const bs_lib_error *err)
{
    char line[1024];
    bs_lib_error_line(err, line, sizeof line);
    fprintf(stderr, "backstep: %s\n", line);
}

bs_check_settings cli_check_settings(const cli *c)
{
    bs_check_settings s = bs_check_settings_default();
    if (c->method_name)
        s.method = c->method_name;
    s.epsilon = c->epsilon > 0 ? c->epsilon : 0;
    s.rtol = c->rtol;
    s.atol = c->atol;
    s.full = c->full;
    s.strict = c->strict;
    s.directions = c->directions;
    return s;
}

bs_render_settings cli_render_settings(const cli *c, const char *source)
{
    bs_render_settings s = c->render;
    s.source = source;
    return s;
}

int cli_open_spec(const cli *c, const char **path, bs_spec **spec, bs_lib_error *err)
{
    static char shipped[1024];
    struct stat st;
    *spec = NULL;
    /* a file always wins over the name of a shipped spec */
    if (strcmp(*path, "-") != 0 && stat(*path, &st) != 0 &&
        bs_example_path(*path, shipped, sizeof shipped)) {
        cli_say("%s is not a file; running the shipped spec %s", *path, shipped);
        *path = shipped;
    }
    bs_load_settings ls = c->limits;
    ls.name = *path;
    if (bs_spec_load_file_with(*path, &ls, spec, err) != BS_LIB_OK) {
        cli_report_lib(err);
        return -1;
    }
    return 0;
}

bs_run *cli_open_run(const cli *c, const char *path, bs_spec **spec, bs_lib_error *err)
{
    bs_run *run = NULL;
    if (cli_open_spec(c, &path, spec, err) != 0)
        return NULL;
    bs_check_settings cs = cli_check_settings(c);
    progress p;
    cs.progress = cli_start_progress(c, &p, NULL);
    cs.progress_ctx = &p;
    int ok = bs_run_create(*spec, &run, err) == BS_LIB_OK &&
             bs_run_check(run, &cs, err) == BS_LIB_OK;
    cli_end_progress(&p);
    if (!ok) {
        cli_report_lib(err);
        bs_run_free(run);
        bs_spec_free(*spec);
        *spec = NULL;
        return NULL;
    }
    return run;
}


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
    if (p->what)
        fprintf(stderr, "\r\033[K%s %zu of %zu, %.0f/s, about %d:%02d left", p->what, done,
                total, rate, (int)(left / 60), (int)left % 60);
    else
        fprintf(stderr, "\r\033[Kchecking %zu of %zu elements, %.0f/s, about %d:%02d left",
                done, total, rate, (int)(left / 60), (int)left % 60);
    fflush(stderr);
    p->shown = 1;
}



/* Starts the indicator p labelled `what` (NULL: "checking … elements") and
 * returns the function to report to, or NULL when nothing is to be shown:
 * with --quiet, or when stderr is not a terminal that can erase a line (a
 * file, a pipe, TERM=dumb). */
progress_fn cli_start_progress(const cli *c, progress *p, const char *what)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    if (c->quiet || !cli_smart_terminal(stderr))
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return show_progress;
}

void cli_end_progress(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

int is_format(const char *name, const char *format)
{
    return name && strcmp(name, format) == 0;
}

/* Whether f is a terminal that understands escape sequences (colour,
 * erasing a line): not one that says TERM=dumb. */
int cli_smart_terminal(FILE *f)
{
    const char *term = getenv("TERM");
    return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

/* Whether to colour what goes to f: such a terminal, and no NO_COLOR. */
int cli_use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return 0;
    return cli_smart_terminal(f);
}

/* Standard output's state: 0 while every write succeeded, EPIPE once a
 * reader went away, -1 once a failed write was reported. */
static int stdout_state;

/* Reports a failed write to standard output with errno `e`, once.  A reader
 * that went away (… | head) is not an error worth a word: returns 0 then,
 * EXIT_BAD otherwise. */
int cli_stdout_failed(int e)
{
    if (stdout_state == EPIPE || (stdout_state == 0 && e == EPIPE)) {
        stdout_state = EPIPE;
        return 0;
    }
    if (stdout_state == 0)
        fprintf(stderr, "backstep: error writing standard output: %s\n",
                strerror(e ? e : EIO));
    stdout_state = -1;
    return EXIT_BAD;
}

/* The last thing every command does: flushes standard output and checks
 * that everything written to it arrived, so that no output is lost without
 * a word whatever printed it.  Returns `rc`, or EXIT_BAD after a failed
 * write. */
int cli_finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_stdout_failed(errno) ? EXIT_BAD : rc;
    return stdout_state == -1 ? EXIT_BAD : rc;
}

/* After writing to f (bad: the writer reported a failure): flushes it and
 * returns 0, or the errno of the failed write (EIO when none was set). */
int cli_stream_result(FILE *f, int bad)
{
    int saved = errno;
    if (fflush(f) != 0 || ferror(f)) {
        bad = 1;
        saved = errno;
    }
    return bad ? (saved ? saved : EIO) : 0;
}



/* Writes what `emit` writes to `path` with the library's atomic writer
 * (bs_lib_write_with: never over one of the inputs `in`, through a
 * temporary file renamed into place, a symbolic link followed); returns 0,
 * or EXIT_BAD after saying why. */
int cli_write_output(const char *path, const cli_inputs *in, emit_fn emit, const void *ctx)
{
    bs_lib_error err;
    if (bs_lib_write_with(path, emit, ctx, in->paths, in->n, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    return 0;
}

/* Writes the output: to -o FILE through write_output, or to standard
 * output, where a reader that went away (… | head) is not an error worth a
 * word.  Returns 0 or EXIT_BAD. */
int cli_deliver(const cli *c, emit_fn emit, const void *ctx)
{
    if (c->out)
        return cli_write_output(c->out, &c->inputs, emit, ctx);
    int e = emit(stdout, ctx);
    return e ? cli_stdout_failed(e) : 0;
}

int cli_write_text(const cli *c, const char *path, const char *text, size_t len)
{
    bs_lib_error err;
    if (bs_lib_write_file_except(path, text, len, c->inputs.paths, c->inputs.n, &err) !=
        BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    return 0;
}

int cli_deliver_text(const cli *c, const char *text, size_t len)
{
    if (c->out)
        return cli_write_text(c, c->out, text, len);
    int e = cli_emit_text(stdout, text);
    return e ? cli_stdout_failed(e) : 0;
}

int cli_emit_text(FILE *f, const void *ctx)
{
    const char *text = ctx;
    errno = 0;
    if (fputs(text, f) == EOF || fflush(f) != 0 || ferror(f))
        return errno ? errno : EIO;
    return 0;
}
