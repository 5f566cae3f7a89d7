/* bs_render_npz.c — the trace as NumPy arrays: an .npz archive that
 * np.load reads (docs/json-output.md, "NumPy arrays"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_npz.h"
#include "bs_npz.h"
#include "bs_render.h"

/* one array to write: a name and values the renderer owns or borrows */
typedef struct entry {
    char name[48];
    size_t ndim, rows, cols;
    const double *v;
    double *owned; /* freed after writing */
} entry;

static entry *add(entry *e, size_t *n, const char *name, size_t ndim, size_t rows,
                  size_t cols, const double *v)
{
    entry *x = &e[(*n)++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->ndim = ndim;
    x->rows = rows;
    x->cols = cols;
    x->v = v;
    return x;
}

void bs_render_npz(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    (void)o;
    const bs_net *net = t->net;
    /* W and b per layer, x, y, yhat, and the steps */
    size_t cap = 2 * net->L + 3 + t->nsteps, n = 0;
    entry *e = calloc(cap, sizeof *e);
    bs_npz_array *arrays = calloc(cap, sizeof *arrays);
    int bad = !e || !arrays;
    /* the parameters in the spec's convention: W[n] is n[n−1]×n[n] in the
     * row convention, its transpose in the column one; b[n] a vector */
    for (size_t l = 1; !bad && l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        char name[32];
        snprintf(name, sizeof name, "W%zu", l);
        if (net->convention == BS_COLUMN) {
            double *tr = malloc(sizeof(double) * (nin * nout > 0 ? nin * nout : 1));
            if (!tr) {
                bad = 1;
                break;
            }
            size_t dr, dc;
            bs_net_W_displayed(net, l, tr, &dr, &dc);
            add(e, &n, name, 2, dr, dc, tr)->owned = tr;
        } else {
            add(e, &n, name, 2, nin, nout, net->W[l]);
        }
        snprintf(name, sizeof name, "b%zu", l);
        add(e, &n, name, 1, 1, nout, net->b[l]);
    }
    /* the batch and every step as the trace displays it, in code notation;
     * the input a[0] as x, the loss as a number */
    for (size_t i = 0; !bad && i < t->nsteps; i++) {
        const bs_step *st = &t->steps[i];
        char name[48];
        if (st->kind == BS_STEP_LOSS) {
            add(e, &n, "loss", 0, 1, 1, st->value);
            continue;
        }
        if (st->kind == BS_STEP_FORWARD && st->qty == BS_Q_A && st->layer == 0)
            snprintf(name, sizeof name, "x");
        else
            bs_step_name(name, sizeof name, st, BS_NOTATION_CODE);
        add(e, &n, name, 2, st->rows, st->cols, st->value);
        if (st->kind == BS_STEP_FORWARD && st->qty == BS_Q_A && st->layer == net->L)
            add(e, &n, "yhat", 2, st->rows, st->cols, st->value);
    }
    char *data = NULL;
    size_t len = 0;
    if (!bad) {
        for (size_t i = 0; i < n; i++) {
            arrays[i].name = e[i].name;
            arrays[i].ndim = e[i].ndim;
            arrays[i].rows = e[i].rows;
            arrays[i].cols = e[i].cols;
            arrays[i].v = (double *)e[i].v; /* read only by bs_npz_write */
        }
        bad = bs_npz_write(arrays, n, &data, &len, NULL) != BS_OK;
    }
    if (bad)
        s->failed = 1;
    else
        bs_sink_write(s, data, len);
    free(data);
    for (size_t i = 0; e && i < n; i++)
        free(e[i].owned);
    free(e);
    free(arrays);
}
