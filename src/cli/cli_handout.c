/* cli_handout.c — `backstep handout 000|001|002 [SPEC]`: a handout's derivation
 * followed equation by equation with the numbers of a spec (bs_handout.h). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bs_checked.h"
#include "bs_handout.h"

#include "cli.h"

/* the learning rate of the update equation when --lr is not given */
#define HANDOUT_DEFAULT_LR 0.1

typedef struct handout_job {
    const bs_handout *h;
    bs_handout_opts o;
} handout_job;

static int emit_handout(FILE *f, const void *ctx)
{
    const handout_job *j = ctx;
    bs_sink s = bs_sink_file(f);
    errno = 0;
    bs_handout_render(&s, j->h, &j->o);
    return cli_stream_result(f, bs_sink_status(&s) != 0);
}

int cmd_handout(cli *c)
{
    if (c->nspecs < 1 || c->nspecs > 2)
        return cli_bad_usage("handout takes a handout (000, 001 or 002) and optionally a SPEC, got "
                             "%zu argument%s",
                             c->nspecs, c->nspecs == 1 ? "" : "s");
    int which = bs_handout_parse(c->specs[0]);
    if (which < 0)
        return cli_bad_usage("handout expects 000, 001 or 002, got \"%s\"", c->specs[0]);
    if (c->render.format == BS_FORMAT_DOT || c->render.format == BS_FORMAT_NPZ)
        return cli_bad_usage("handout writes text, markdown, latex, html or json, not %s",
                             bs_format_names[c->render.format]);

    /* the handout's own spec, found among the shipped ones, is read too */
    char shipped[1024];
    const char *path;
    if (c->nspecs == 2) {
        path = c->specs[1];
    } else if (bs_example_path(bs_handout_default_spec(which), shipped, sizeof shipped)) {
        path = shipped;
    } else {
        cli_say("handout %s: its spec %s.json is not installed: give a SPEC", c->specs[0],
                bs_handout_default_spec(which));
        return EXIT_BAD;
    }
    const char **paths = malloc((c->inputs.n + 1) * sizeof *paths);
    if (!paths)
        return cli_bad_usage("out of memory");
    for (size_t i = 0; i < c->inputs.n; i++)
        paths[i] = c->inputs.paths[i];
    paths[c->inputs.n] = path;
    bs_inputs in = {paths, c->inputs.n + 1};

    bs_net *net = NULL;
    bs_trace *t = NULL;
    bs_handout *h = NULL;
    bs_error err;
    int rc = EXIT_BAD;
    if (cli_load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        goto done;
    if (bs_handout_fits(which, net, &err) != BS_OK) {
        bs_error_set_file(&err, strcmp(path, "-") == 0 ? "<stdin>" : path);
        cli_report(&err);
        goto done;
    }
    bs_check_opts o = cli_check_opts(c);
    if (bs_checked_trace(net, &o, &t, &err) != BS_OK ||
        bs_handout_build(which, t, c->train.lr > 0 ? c->train.lr : HANDOUT_DEFAULT_LR, &h,
                         &err) != BS_OK) {
        cli_report(&err);
        goto done;
    }
    handout_job job = {h,
                       {c->render.format, c->render.precision, c->render.fragment,
                        c->nspecs == 1              ? bs_handout_default_spec(which)
                        : strcmp(path, "-") == 0 ? "<stdin>"
                                                 : path}};
    if (c->out)
        rc = cli_write_output(c->out, &in, emit_handout, &job);
    else {
        int e = emit_handout(stdout, &job);
        rc = e ? cli_stdout_failed(e) : 0;
    }
    if (rc == 0 && !t->passed)
        rc = EXIT_MISMATCH;
done:
    bs_handout_free(h);
    bs_trace_free(t);
    bs_net_free(net);
    free(paths);
    return rc;
}
