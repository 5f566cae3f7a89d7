/* cli_handout.c — `backstep handout 000|001|002 [SPEC]`: a handout's derivation
 * followed equation by equation with the numbers of a spec (bs_run_handout). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct handout_job {
    const bs_run *run;
    bs_handout_settings hs;
    bs_lib_error *err; /* why the walk was not written */
} handout_job;

static int emit_handout(FILE *f, const void *ctx)
{
    const handout_job *j = ctx;
    errno = 0;
    int bad = bs_run_handout(j->run, f, &j->hs, j->err) != BS_LIB_OK;
    return cli_stream_result(f, bad);
}

int cmd_handout(cli *c)
{
    if (c->nspecs < 1 || c->nspecs > 2)
        return cli_bad_usage("handout takes a handout (000, 001 or 002) and optionally a SPEC, got "
                             "%zu argument%s",
                             c->nspecs, c->nspecs == 1 ? "" : "s");
    const char *spec_name = bs_handout_spec_name(c->specs[0]);
    if (!spec_name)
        return cli_bad_usage("handout expects 000, 001 or 002, got \"%s\"", c->specs[0]);
    if (is_format(c->render.format, "dot") || is_format(c->render.format, "npz"))
        return cli_bad_usage("handout writes text, markdown, latex, html or json, not %s",
                             c->render.format);

    /* the handout's own spec, found among the shipped ones, is read too */
    char shipped[1024];
    const char *path;
    if (c->nspecs == 2) {
        path = c->specs[1];
    } else if (bs_example_path(spec_name, shipped, sizeof shipped)) {
        path = shipped;
    } else {
        cli_say("handout %s: its spec %s.json is not installed: give a SPEC", c->specs[0],
                spec_name);
        return EXIT_BAD;
    }
    const char **paths = malloc((c->inputs.n + 1) * sizeof *paths);
    if (!paths)
        return cli_bad_usage("out of memory");
    for (size_t i = 0; i < c->inputs.n; i++)
        paths[i] = c->inputs.paths[i];
    paths[c->inputs.n] = path;
    cli_inputs in = {paths, c->inputs.n + 1};

    bs_spec *spec = NULL;
    bs_run *run = NULL;
    bs_lib_error err;
    int rc = EXIT_BAD;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        goto done;
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (bs_spec_fits_handout(spec, c->specs[0], &err) != BS_LIB_OK) {
        snprintf(err.file, sizeof err.file, "%s", shown);
        cli_report_lib(&err);
        goto done;
    }
    bs_check_settings cs = cli_check_settings(c);
    if (bs_run_create(spec, &run, &err) != BS_LIB_OK ||
        bs_run_check(run, &cs, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        goto done;
    }
    handout_job job = {run, bs_handout_settings_default(), &err};
    job.hs.handout = c->specs[0];
    job.hs.format = c->render.format;
    job.hs.precision = c->render.precision;
    job.hs.fragment = c->render.fragment;
    job.hs.lr = c->train.lr > 0 ? c->train.lr : 0;
    job.hs.source = c->nspecs == 1 ? spec_name : shown;
    if (c->out)
        rc = cli_write_output(c->out, &in, emit_handout, &job);
    else {
        int e = emit_handout(stdout, &job);
        rc = e ? cli_stdout_failed(e) : 0;
    }
    /* a walk that could not be built (out of memory) says so */
    if (rc != 0 && err.status != BS_LIB_OK && err.status != BS_LIB_ERR_IO)
        cli_report_lib(&err);
    if (rc == 0 && bs_run_passed(run) != 1)
        rc = EXIT_MISMATCH;
done:
    bs_run_free(run);
    bs_spec_free(spec);
    free(paths);
    return rc;
}
