/* bs_train.c — gradient descent on a copy of a spec's parameters. */
#include "bs_check.h"
#include "bs_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_backward.h"
#include "bs_checked.h"
#include "bs_forward.h"
#include "bs_render.h"

const char *const bs_train_stop_names[] = {"completed", "loss_nonfinite", "diverged",
                                           "param_nonfinite", "gradient_nonfinite", NULL};

bs_train_opts bs_train_defaults(void)
{
    bs_train_opts o;
    memset(&o, 0, sizeof o);
    o.steps = 1;
    o.lr = 0.0;
    o.check_every = 0;
    o.freeze = NULL;
    o.check = bs_check_defaults(BS_METHOD_CENTRAL);
    o.notation = BS_NOTATION_G;
    return o;
}

int bs_param_parse(const char *name, bs_qty *q, size_t *layer)
{
    char buf[80];
    if (!name || strlen(name) + 2 > sizeof buf)
        return -1;
    /* a gradient's name (g[1W], dW1, dL/dW1, ∂L/∂W[1]), or the parameter's own
     * name (W1, W[1]), which reads as a gradient's name once prefixed by "d" */
    snprintf(buf, sizeof buf, "d%s", name);
    if (bs_name_parse(name, q, layer) != 0 && bs_name_parse(buf, q, layer) != 0)
        return -1;
    return *q == BS_Q_W || *q == BS_Q_B ? 0 : -1;
}

void bs_train_free(bs_train *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->params && i < t->nparams; i++) {
        free(t->params[i].before);
        free(t->params[i].gradient);
        free(t->params[i].after);
        free(t->params[i].final);
    }
    free(t->params);
    free(t->loss);
    free(t->checks);
    free(t);
}

static bs_status nomem(bs_error *err)
{
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}

/* The parameter names of a network, "W1", "b1", … "bL", NULL-terminated, in
 * one allocation that the caller frees. */
static const char **param_names(const bs_net *net)
{
    size_t n = 2 * net->L;
    const char **names = malloc((n + 1) * sizeof *names + n * 24);
    if (!names)
        return NULL;
    char *text = (char *)(names + n + 1);
    for (size_t l = 1; l <= net->L; l++)
        for (int k = 0; k < 2; k++) {
            char *s = text + (2 * (l - 1) + (size_t)k) * 24;
            snprintf(s, 24, "%c%zu", k ? 'b' : 'W', l);
            names[2 * (l - 1) + (size_t)k] = s;
        }
    names[n] = NULL;
    return names;
}

/* Marks the parameters named in the comma-separated list `list`:
 * frozen[2(l−1)] for W[l], frozen[2(l−1) + 1] for b[l]. */
static bs_status parse_freeze(const bs_net *net, const char *list, int *frozen,
                              bs_error *err)
{
    if (!list)
        return BS_OK;
    const char **names = param_names(net);
    if (!names)
        return nomem(err);
    bs_status st = BS_OK;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[80], quoted[160];
        if (len >= sizeof item) {
            bs_error_quote(quoted, sizeof quoted, p);
            st = bs_error_set(err, BS_ERR_USAGE, "--freeze", "unknown parameter \"%s\"", quoted);
            break;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        bs_qty q;
        size_t layer;
        if (len == 0) {
            bs_error_quote(quoted, sizeof quoted, list);
            st = bs_error_set(err, BS_ERR_USAGE, "--freeze",
                              "an empty name in \"%s\" (expected names such as b1,b2)",
                              quoted);
            break;
        }
        bs_error_quote(quoted, sizeof quoted, item);
        if (bs_param_parse(item, &q, &layer) != 0) {
            const char *g = bs_suggest(item, names);
            if (g)
                st = bs_error_set(err, BS_ERR_USAGE, "--freeze",
                                  "unknown parameter \"%s\" (did you mean \"%s\"?)", quoted, g);
            else
                st = bs_error_set(err, BS_ERR_USAGE, "--freeze",
                                  "unknown parameter \"%s\" (expected W1 … W%zu and b1 … b%zu)",
                                  quoted, net->L, net->L);
            break;
        }
        if (layer > net->L) {
            char g[24];
            snprintf(g, sizeof g, "%c%zu", q == BS_Q_W ? 'W' : 'b', net->L);
            st = bs_error_set(err, BS_ERR_USAGE, "--freeze",
                              "there is no parameter \"%s\": the network has %zu layer%s "
                              "(W1 … W%zu, b1 … b%zu; did you mean \"%s\"?)",
                              quoted, net->L, net->L == 1 ? "" : "s", net->L, net->L, g);
            break;
        }
        frozen[2 * (layer - 1) + (q == BS_Q_B)] = 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    free(names);
    return st;
}

/* The working state: the parameters of the current step and of the next one,
 * and a network that reads the spec's network but the parameters from here. */
typedef struct work {
    bs_net view;
    double **W[2], **b[2]; /* [k][1..L] */
    int cur;
} work;

static void work_free(work *w, size_t L)
{
    for (int k = 0; k < 2; k++) {
        for (size_t l = 1; l <= L; l++) {
            if (w->W[k])
                free(w->W[k][l]);
            if (w->b[k])
                free(w->b[k][l]);
        }
        free(w->W[k]);
        free(w->b[k]);
    }
}

static int work_init(work *w, const bs_net *net)
{
    memset(w, 0, sizeof *w);
    w->view = *net;
    /* the spec's claims are about its own parameters, not the trained ones */
    w->view.claims = NULL;
    w->view.nclaims = 0;
    size_t L = net->L;
    for (int k = 0; k < 2; k++) {
        w->W[k] = calloc(L + 1, sizeof(double *));
        w->b[k] = calloc(L + 1, sizeof(double *));
        if (!w->W[k] || !w->b[k])
            return -1;
        for (size_t l = 1; l <= L; l++) {
            size_t nw = net->n[l - 1] * net->n[l];
            w->W[k][l] = malloc(sizeof(double) * nw);
            w->b[k][l] = malloc(sizeof(double) * net->n[l]);
            if (!w->W[k][l] || !w->b[k][l])
                return -1;
            if (k == 0) {
                memcpy(w->W[0][l], net->W[l], sizeof(double) * nw);
                memcpy(w->b[0][l], net->b[l], sizeof(double) * net->n[l]);
            }
        }
    }
    w->cur = 0;
    w->view.W = w->W[0];
    w->view.b = w->b[0];
    return 0;
}

static void use(work *w, int k)
{
    w->view.W = w->W[k];
    w->view.b = w->b[k];
}

/* Checks the gradient of the parameters in w->view and records the result. */
static bs_status run_check(bs_train *t, work *w, size_t step, bs_error *err)
{
    bs_trace *tr = NULL;
    bs_check_opts o = t->opts.check;
    o.progress = NULL;
    o.progress_ctx = NULL;
    bs_status st = bs_checked_trace(&w->view, &o, &tr, err);
    if (st != BS_OK)
        return st;
    bs_train_check *c = &t->checks[t->nchecks++];
    memset(c, 0, sizeof *c);
    c->step = step;
    c->passed = tr->passed;
    c->unverified = tr->unverified;
    c->n_compared = tr->n_compared;
    c->n_failed = tr->n_failed;
    c->n_nonfinite = tr->n_nonfinite;
    c->max_rel_error = tr->max_rel_error;
    if (tr->n_compared > 0 && tr->max_rel_error > 0) {
        const bs_step *ws = &tr->steps[tr->worst_step];
        char name[24];
        bs_step_name(name, sizeof name, ws, t->opts.notation);
        snprintf(c->worst, sizeof c->worst, "%s[%zu,%zu]", name, tr->worst_index / ws->cols + 1,
                 tr->worst_index % ws->cols + 1);
    }
    bs_sink b = bs_sink_buffer();
    bs_render_verdict(&b, tr, t->opts.notation);
    snprintf(c->verdict, sizeof c->verdict, "%s", b.buf ? b.buf : "");
    bs_sink_free_buffer(&b);
    if (!c->passed)
        t->checks_failed++;
    bs_trace_free(tr);
    return BS_OK;
}

/* The first non-finite element of a stored parameter of the next step, named
 * in the displayed orientation ("W_{1,2}[2]"). */
static int find_nonfinite(const bs_net *net, double **W, double **b, int only_free,
                          const int *frozen, char *where, size_t size)
{
    int col = net->convention == BS_COLUMN;
    for (size_t l = net->L; l >= 1; l--) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        if (!(only_free && frozen[2 * (l - 1)]))
            for (size_t k = 0; k < nin * nout; k++)
                if (!isfinite(W[l][k])) {
                    size_t i = k / nout + 1, j = k % nout + 1;
                    snprintf(where, size, "W_{%zu,%zu}[%zu]", col ? j : i, col ? i : j, l);
                    return 1;
                }
        if (!(only_free && frozen[2 * (l - 1) + 1]))
            for (size_t j = 0; j < nout; j++)
                if (!isfinite(b[l][j])) {
                    snprintf(where, size, "b_%zu[%zu]", j + 1, l);
                    return 1;
                }
    }
    return 0;
}

static void cause(char *buf, size_t size, double lr)
{
    snprintf(buf, size,
             "the learning rate α = %g is probably too large: the steps overshoot the "
             "minimum and grow (try α = %g)",
             lr, lr / 10);
}

/* A training's record with room for its parameters, losses and checks, and
 * the working state w; NULL (with w freed) if memory ran out. */
static bs_train *train_create(const bs_net *net, const bs_train_opts *o, const int *frozen,
                              work *w)
{
    size_t L = net->L;
    bs_train *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->net = net;
    t->opts = *o;
    t->nparams = 2 * L;
    t->params = calloc(t->nparams, sizeof *t->params);
    t->loss = malloc(sizeof(double) * (o->steps + 1));
    size_t nchecks = 1 + (o->check_every ? o->steps / o->check_every : 0);
    t->checks = calloc(nchecks, sizeof *t->checks);
    /* work_init runs in any case: its partial allocations are freed below */
    int ok = work_init(w, net) == 0 && t->params && t->loss && t->checks;
    int col = net->convention == BS_COLUMN;
    for (size_t l = 1; ok && l <= L; l++)
        for (int k = 0; k < 2; k++) {
            bs_train_param *p = &t->params[2 * (l - 1) + (size_t)k];
            p->qty = k ? BS_Q_B : BS_Q_W;
            p->layer = l;
            snprintf(p->name, sizeof p->name, "%c%zu", k ? 'b' : 'W', l);
            size_t nin = k ? 1 : net->n[l - 1], nout = net->n[l];
            p->rows = col ? nout : nin;
            p->cols = col ? nin : nout;
            p->frozen = frozen[2 * (l - 1) + (size_t)k];
            t->nfrozen += (size_t)p->frozen;
            size_t count = nin * nout;
            p->before = malloc(sizeof(double) * count);
            p->gradient = malloc(sizeof(double) * count);
            p->after = malloc(sizeof(double) * count);
            p->final = malloc(sizeof(double) * count);
            if (!p->before || !p->gradient || !p->after || !p->final)
                ok = 0;
        }
    if (!ok) {
        work_free(w, L);
        bs_train_free(t);
        return NULL;
    }
    return t;
}

/* The loss of the spec's own parameters and the check of their gradient;
 * a non-finite loss stops the training before its first step. */
static bs_status train_start(bs_train *t, work *w, bs_forward **fw, bs_error *err)
{
    t->stop = BS_TRAIN_COMPLETED;
    bs_status st = bs_forward_run(&w->view, fw, err);
    if (st != BS_OK)
        return st;
    t->loss[0] = (*fw)->loss;
    if (isfinite((*fw)->loss))
        return run_check(t, w, 0, err);
    t->stop = BS_TRAIN_LOSS_NONFINITE;
    snprintf(t->stop_message, sizeof t->stop_message,
             "the initial loss is %s: the spec's own parameters give a non-finite "
             "loss (trace the spec to see where)",
             isnan((*fw)->loss) ? "NaN" : "infinite");
    return BS_OK;
}

/* One step of gradient descent into the other parameter set nxt:
 * θ' = θ − α ∂L/∂θ for each free parameter, a frozen one copied. */
static void descend(work *w, const bs_net *net, const bs_grads *g, const int *frozen,
                    double lr, int nxt)
{
    for (size_t l = 1; l <= net->L; l++) {
        size_t nw = net->n[l - 1] * net->n[l], nb = net->n[l];
        const double *cw = w->W[w->cur][l], *cb = w->b[w->cur][l];
        double *ow = w->W[nxt][l], *ob = w->b[nxt][l];
        if (frozen[2 * (l - 1)])
            memcpy(ow, cw, sizeof(double) * nw);
        else
            for (size_t k = 0; k < nw; k++)
                ow[k] = cw[k] - lr * g->gW[l][k];
        if (frozen[2 * (l - 1) + 1])
            memcpy(ob, cb, sizeof(double) * nb);
        else
            for (size_t k = 0; k < nb; k++)
                ob[k] = cb[k] - lr * g->gb[l][k];
    }
}

/* The first step's parameters before and after it and its gradient, in the
 * displayed orientation. */
static void record_first(bs_train *t, const work *w, const bs_grads *g, int nxt)
{
    const bs_net *net = t->net;
    for (size_t l = 1; l <= net->L; l++) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        bs_train_param *pw = &t->params[2 * (l - 1)], *pb = pw + 1;
        bs_net_to_displayed(net, w->W[w->cur][l], nin, nout, pw->before);
        bs_net_to_displayed(net, g->gW[l], nin, nout, pw->gradient);
        bs_net_to_displayed(net, w->W[nxt][l], nin, nout, pw->after);
        memcpy(pb->before, w->b[w->cur][l], sizeof(double) * nout);
        memcpy(pb->gradient, g->gb[l], sizeof(double) * nout);
        memcpy(pb->after, w->b[nxt][l], sizeof(double) * nout);
    }
    t->has_first = 1;
}

/* Stops the training when the loss after step s is not finite or has grown
 * past limit; returns 1 if it stopped. */
static int loss_stops(bs_train *t, size_t s, double loss, double limit)
{
    if (isfinite(loss) && loss <= limit)
        return 0;
    char why[200];
    cause(why, sizeof why, t->opts.lr);
    t->stop_step = s;
    if (!isfinite(loss)) {
        t->stop = BS_TRAIN_LOSS_NONFINITE;
        snprintf(t->stop_message, sizeof t->stop_message,
                 "after step %zu the loss is %s (it was %.6g before the step); %s", s,
                 isnan(loss) ? "NaN" : "infinite", t->loss[s - 1], why);
    } else {
        t->stop = BS_TRAIN_DIVERGED;
        snprintf(t->stop_message, sizeof t->stop_message,
                 "after step %zu the loss is %.6g, more than 10⁶ times the initial "
                 "loss %.6g; %s",
                 s, loss, t->loss[0], why);
    }
    return 1;
}

/* Step s: the gradient at the current parameters (*fw is their forward
 * pass), the descent, the new loss; a non-finite gradient or parameter, or a
 * loss past limit, stops the training with the parameters of step s − 1. */
static bs_status train_step(bs_train *t, work *w, const int *frozen, double limit, size_t s,
                            bs_forward **fw, bs_grads **g, bs_error *err)
{
    const bs_net *net = t->net;
    const bs_train_opts *o = &t->opts;
    bs_grads_free(*g);
    *g = NULL;
    bs_status st = bs_backward_run(&w->view, *fw, g, err);
    if (st != BS_OK)
        return st;
    int nxt = 1 - w->cur;
    char where[96] = "";
    if (find_nonfinite(net, (*g)->gW, (*g)->gb, 1, frozen, where, sizeof where)) {
        t->stop = BS_TRAIN_GRAD_NONFINITE;
        t->stop_step = s;
        snprintf(t->stop_message, sizeof t->stop_message,
                 "the gradient ∂L/∂%s at step %zu is not finite, although the loss %.6g "
                 "is: a derivative overflowed (saturated units or very large weights)",
                 where, s, t->loss[s - 1]);
        return BS_OK;
    }
    descend(w, net, *g, frozen, o->lr, nxt);
    if (s == 1)
        record_first(t, w, *g, nxt);
    if (find_nonfinite(net, w->W[nxt], w->b[nxt], 0, frozen, where, sizeof where)) {
        char why[200];
        cause(why, sizeof why, o->lr);
        t->stop = BS_TRAIN_PARAM_NONFINITE;
        t->stop_step = s;
        snprintf(t->stop_message, sizeof t->stop_message, "step %zu made %s not finite; %s", s,
                 where, why);
        return BS_OK;
    }
    use(w, nxt);
    bs_forward *fw2 = NULL;
    st = bs_forward_run(&w->view, &fw2, err);
    if (st != BS_OK || loss_stops(t, s, fw2->loss, limit)) {
        bs_forward_free(fw2);
        use(w, w->cur);
        return st;
    }
    bs_forward_free(*fw);
    *fw = fw2;
    w->cur = nxt;
    t->loss[s] = fw2->loss;
    t->steps_done = s;
    if (o->check_every && s % o->check_every == 0)
        st = run_check(t, w, s, err);
    if (o->progress)
        o->progress(o->progress_ctx, s, o->steps);
    return st;
}

bs_status bs_train_run(const bs_net *net, const bs_train_opts *opts, bs_train **out,
                       bs_error *err)
{
    *out = NULL;
    bs_train_opts o = opts ? *opts : bs_train_defaults();
    if (o.steps < 1 || o.steps > BS_TRAIN_MAX_STEPS)
        return bs_error_set(err, BS_ERR_USAGE, "--steps",
                            "expected a number of steps from 1 to %zu, got %zu",
                            BS_TRAIN_MAX_STEPS, o.steps);
    if (!isfinite(o.lr) || !(o.lr > 0))
        return bs_error_set(err, BS_ERR_USAGE, "--lr",
                            "expected a learning rate α > 0, got %g", o.lr);
    size_t L = net->L;
    int *frozen = calloc(2 * L, sizeof *frozen);
    if (!frozen)
        return nomem(err);
    bs_status st = parse_freeze(net, o.freeze, frozen, err);
    if (st != BS_OK) {
        free(frozen);
        return st;
    }
    work w;
    bs_train *t = train_create(net, &o, frozen, &w);
    if (!t) {
        free(frozen);
        return nomem(err);
    }

    bs_forward *fw = NULL;
    bs_grads *g = NULL;
    st = train_start(t, &w, &fw, err);
    double limit = BS_TRAIN_DIVERGE_FACTOR * fmax(t->loss[0], 1e-12);
    for (size_t s = 1; st == BS_OK && t->stop == BS_TRAIN_COMPLETED && s <= o.steps; s++)
        st = train_step(t, &w, frozen, limit, s, &fw, &g, err);
    bs_grads_free(g);
    bs_forward_free(fw);
    if (st == BS_OK)
        for (size_t l = 1; l <= L; l++) {
            bs_train_param *pw = &t->params[2 * (l - 1)], *pb = pw + 1;
            bs_net_to_displayed(net, w.W[w.cur][l], net->n[l - 1], net->n[l], pw->final);
            memcpy(pb->final, w.b[w.cur][l], sizeof(double) * net->n[l]);
        }
    work_free(&w, L);
    free(frozen);
    if (st != BS_OK) {
        bs_train_free(t);
        return st;
    }
    t->passed = t->stop == BS_TRAIN_COMPLETED && t->checks_failed == 0;
    *out = t;
    return BS_OK;
}
