/* cli_trace.c — the commands on one spec: trace, check, sweep, init,
 * train, compare, and examples. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "cli.h"

typedef struct trace_job {
    const bs_run *run;
    bs_render_settings rs;
} trace_job;

static int emit_trace(FILE *f, const void *ctx)
{
    const trace_job *j = ctx;
    errno = 0;
    int bad = bs_run_render(j->run, f, &j->rs, NULL) != BS_LIB_OK;
    return cli_stream_result(f, bad);
}

int cmd_trace(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("trace takes one SPEC, got %zu", c->nspecs)
                         : cli_bad_usage("trace needs a SPEC file");
    if (is_format(c->render.format, "npz") && !c->out && isatty(fileno(stdout))) {
        fputs("backstep: --format npz writes binary NumPy arrays: give -o FILE (or "
              "redirect standard output)\n",
              stderr);
        return EXIT_BAD;
    }
    const char *path = c->specs[0];
    bs_spec *spec;
    bs_lib_error err;
    bs_run *run = cli_open_run(c, path, &spec, &err);
    if (!run)
        return EXIT_BAD;
    trace_job job = {run, cli_render_settings(c, strcmp(path, "-") == 0 ? "<stdin>" : path)};
    job.rs.color = !c->out && (!c->render.format || is_format(c->render.format, "text")) &&
                   cli_use_color(stdout);
    int rc = cli_deliver(c, emit_trace, &job);
    if (rc == 0 && bs_run_passed(run) != 1)
        rc = EXIT_MISMATCH;
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}

/* Checks every spec and writes the report: line by line for text, as one
 * document for the other formats (so all runs are kept until the end). */
int cmd_check(cli *c)
{
    if (c->nspecs == 0)
        return cli_bad_usage("check needs at least one SPEC file");
    int rc = EXIT_AGREE;
    int streaming = !c->report_name || is_format(c->report_name, "text");
    bs_report_entry *items = calloc(c->nspecs, sizeof *items);
    bs_spec **specs = calloc(c->nspecs, sizeof *specs);
    bs_run **runs = calloc(c->nspecs, sizeof *runs);
    bs_lib_error *errs = calloc(c->nspecs, sizeof *errs);
    if (!items || !specs || !runs || !errs) {
        free(items);
        free(specs);
        free(runs);
        free(errs);
        return cli_bad_usage("out of memory");
    }
    int color = streaming && cli_use_color(stdout);
    int bad = 0;
    for (size_t i = 0; i < c->nspecs; i++) {
        items[i].file = c->specs[i];
        items[i].error = &errs[i];
        items[i].run = runs[i] = cli_open_run(c, c->specs[i], &specs[i], &errs[i]);
        if (!runs[i])
            rc = EXIT_BAD;
        else if (bs_run_passed(runs[i]) != 1 && rc == EXIT_AGREE)
            rc = EXIT_MISMATCH;
        if (streaming) {
            bad |= bs_report_write_file(stdout, c->report_name, &items[i], 1, color, NULL) !=
                   BS_LIB_OK;
            fflush(stdout);
            bs_run_free(runs[i]);
            bs_spec_free(specs[i]);
            items[i].run = runs[i] = NULL;
            specs[i] = NULL;
        }
    }
    if (!streaming)
        bad |= bs_report_write_file(stdout, c->report_name, items, c->nspecs, 0, NULL) !=
               BS_LIB_OK;
    for (size_t i = 0; i < c->nspecs; i++) {
        bs_run_free(runs[i]);
        bs_spec_free(specs[i]);
    }
    free(items);
    free(specs);
    free(runs);
    free(errs);
    if (fflush(stdout) != 0 || ferror(stdout) || bad)
        return cli_stdout_failed(errno) ? EXIT_BAD : rc;
    return rc;
}

/* The error of each numerical method for one element as h shrinks. */
int cmd_sweep(cli *c)
{
    if (c->nspecs != 2)
        return cli_bad_usage("sweep takes a SPEC and an ELEMENT such as W1[2,3] or g[2z][1,2], "
                         "got %zu argument%s",
                         c->nspecs, c->nspecs == 1 ? "" : "s");
    const char *path = c->specs[0];
    bs_spec *spec;
    bs_lib_error err;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        return EXIT_BAD;
    bs_run *run = NULL;
    bs_step_sweep *sw = NULL;
    int rc = 0;
    if (bs_run_create(spec, &run, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        progress p;
        bs_sweep_settings ss = bs_sweep_settings_default();
        ss.progress = cli_start_progress(c, &p, "sweep: evaluation");
        ss.progress_ctx = &p;
        bs_lib_status st = bs_run_sweep(run, c->specs[1], &ss, &sw, &err);
        cli_end_progress(&p);
        /* a bad element names standard input as its loader does */
        if (st != BS_LIB_OK && strcmp(path, "-") == 0)
            snprintf(err.file, sizeof err.file, "<stdin>");
        if (st != BS_LIB_OK) {
            cli_report_lib(&err);
            rc = EXIT_BAD;
        }
    }
    if (rc == 0) {
        char *text = NULL;
        size_t len = 0;
        if (bs_step_sweep_render_string(sw, c->sweep_svg ? "svg" : "text", &text, &len, &err) !=
            BS_LIB_OK) {
            cli_report_lib(&err);
            rc = EXIT_BAD;
        } else {
            rc = cli_deliver_text(c, text, len);
        }
        free(text);
    }
    bs_step_sweep_free(sw);
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}

int cmd_init(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("init takes one LAYERS argument, got %zu", c->nspecs)
                         : cli_bad_usage("init needs the layer sizes, e.g. backstep init 4-3-2-1");
    bs_lib_error err;
    char *text = NULL;
    size_t len = 0;
    if (bs_spec_scaffold(c->specs[0], &c->init, &text, &len, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    int rc = 0;
    struct stat st;
    if (!c->out) {
        int e = cli_emit_text(stdout, text);
        rc = e ? cli_stdout_failed(e) : 0;
    } else if (!c->force && stat(c->out, &st) == 0 && S_ISREG(st.st_mode)) {
        cli_say("%s: exists; refusing to overwrite it (give --force to replace it)", c->out);
        rc = EXIT_BAD;
    } else {
        rc = cli_write_text(c, c->out, text, len);
    }
    free(text);
    return rc;
}

typedef struct train_job {
    const bs_training *t;
    const char *format;
    const char *source;
    int precision;
} train_job;

static int emit_train(FILE *f, const void *ctx)
{
    const train_job *j = ctx;
    errno = 0;
    int bad = bs_training_render(j->t, f, j->format, j->precision, j->source, NULL) !=
              BS_LIB_OK;
    return cli_stream_result(f, bad);
}

int cmd_train(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("train takes one SPEC, got %zu", c->nspecs)
                         : cli_bad_usage("train needs a SPEC file");
    if (!(c->train.lr > 0))
        return cli_bad_usage("train needs a learning rate, e.g. --lr 0.5");
    const char *path = c->specs[0];
    bs_spec *spec;
    bs_lib_error err;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        return EXIT_BAD;
    bs_check_settings cs = cli_check_settings(c);
    bs_train_settings ts = bs_train_settings_default();
    ts.steps = c->train.steps;
    ts.lr = c->train.lr;
    ts.check_every = c->train.check_every;
    ts.freeze = c->train.freeze;
    ts.notation = c->render.notation;
    ts.check = &cs;
    progress p;
    ts.progress = cli_start_progress(c, &p, "training step");
    ts.progress_ctx = &p;
    bs_training *t = NULL;
    bs_lib_status st = bs_spec_train(spec, &ts, &t, &err);
    cli_end_progress(&p);
    if (st != BS_LIB_OK) {
        cli_report_lib(&err);
        bs_spec_free(spec);
        return EXIT_BAD;
    }
    train_job job = {t, c->train_format,
                     strcmp(path, "-") == 0 ? "<stdin>" : path, c->render.precision};
    int rc = cli_deliver(c, emit_train, &job);
    if (rc == 0 && !bs_training_passed(t)) {
        rc = EXIT_MISMATCH;
        /* CSV has no room for why; the other formats say it themselves */
        if (is_format(c->train_format, "csv")) {
            char verdict[2048];
            bs_training_verdict(t, c->render.precision, verdict, sizeof verdict);
            cli_say("%s: %s", job.source, verdict);
        }
    }
    bs_training_free(t);
    bs_spec_free(spec);
    return rc;
}

typedef struct compare_job {
    const bs_comparison *cmp;
    int json;
    const char *spec, *grads;
} compare_job;

static int emit_compare(FILE *f, const void *ctx)
{
    const compare_job *j = ctx;
    errno = 0;
    int bad = 0;
    if (!j->json)
        bad = fprintf(f, "backstep compare: %s against %s, backward steps in order\n\n",
                      j->grads, j->spec) < 0;
    if (!bad)
        bad = bs_comparison_render(j->cmp, f, j->json ? "json" : "text", NULL) != BS_LIB_OK;
    return cli_stream_result(f, bad);
}

int cmd_compare(cli *c)
{
    if (c->nspecs != 2)
        return cli_bad_usage("compare takes a SPEC and a gradient file, e.g. backstep compare "
                         "spec.json grads.json");
    const char *path = c->specs[0], *grads = c->specs[1];
    if (strcmp(path, "-") == 0 && strcmp(grads, "-") == 0)
        return cli_bad_usage("only one of SPEC and GRADS.json can be read from standard input");
    bs_spec *spec;
    bs_lib_error err;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        return EXIT_BAD;
    bs_compare_settings o = bs_compare_settings_default();
    if (c->rtol >= 0)
        o.rtol = c->rtol;
    if (c->atol >= 0)
        o.atol = c->atol;
    if (c->notation_set)
        o.notation = c->render.notation;
    o.only = c->compare_only;
    /* --example I: the run of that example alone */
    bs_run *run = NULL;
    bs_grad_set *g = NULL;
    bs_comparison *cmp = NULL;
    int rc = 0;
    if ((c->compare_example ? bs_run_create_example(spec, c->compare_example, &run, &err)
                            : bs_run_create(spec, &run, &err)) != BS_LIB_OK ||
        bs_grad_set_load_file(run, grads, &g, &err) != BS_LIB_OK ||
        bs_run_compare(run, g, &o, &cmp, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        compare_job job = {cmp, c->compare_json, strcmp(path, "-") == 0 ? "<stdin>" : path,
                           strcmp(grads, "-") == 0 ? "<stdin>" : grads};
        rc = cli_deliver(c, emit_compare, &job);
        if (rc == 0 && bs_comparison_convention(cmp))
            rc = EXIT_CONVENTION;
        else if (rc == 0 && !bs_comparison_agrees(cmp))
            rc = EXIT_MISMATCH;
    }
    bs_comparison_free(cmp);
    bs_grad_set_free(g);
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}

static int cmd_examples(void)
{
    size_t n = 0;
    errno = 0;
    int bad = bs_examples_write(stdout, &n, NULL) != BS_LIB_OK;
    if (!bad && n == 0) {
        fputs("backstep: no shipped specs found (set BACKSTEP_SPECS_DIR to their directory)\n",
              stderr);
        return EXIT_BAD;
    }
    if (fflush(stdout) != 0 || ferror(stdout) || bad)
        return cli_stdout_failed(errno);
    return 0;
}

int cmd_examples_args(cli *c)
{
    return c->nspecs ? cli_bad_usage("examples takes no arguments") : cmd_examples();
}
