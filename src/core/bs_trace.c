/* bs_trace.c — recording the forward and backward passes as steps. */
#include "bs_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bs_method_names[] = {"central", "complex", "forward", "richardson", NULL};

const char *const bs_verdict_names[] = {"",           "agree",           "disagree",
                                        "unresolved", "kink-consistent", "kink-inconsistent"};

const char *const bs_side_names[] = {"", "analytic", "step", "rounding", "unclear", "numeric"};

static void free_step(bs_step *s)
{
    free(s->value);
    free(s->numeric);
    free(s->numeric_error);
    free(s->compared);
    free(s->verdict);
    free(s->left);
    free(s->right);
}

void bs_trace_free(bs_trace *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nsteps; i++)
        free_step(&t->steps[i]);
    free(t->steps);
    free(t->claims);
    if (t->directions_free)
        t->directions_free(t->directions);
    free(t->pool.nodes);
    bs_forward_free(t->fw);
    bs_grads_free(t->grads);
    free(t);
}

const bs_claim_result *bs_trace_claim(const bs_trace *t, size_t step)
{
    for (size_t i = 0; t && i < t->nclaims; i++)
        if (t->claims[i].step == step)
            return &t->claims[i];
    return NULL;
}

/* Compares each claim with its step: an element agrees when
 * |claim − value| ≤ tol · max(|claim|, |value|) (tol relative, for rounded
 * hand work) or both are 0. */
static int compare_claims(bs_trace *t)
{
    const bs_net *net = t->net;
    if (net->nclaims == 0)
        return 0;
    t->claims = calloc(net->nclaims, sizeof *t->claims);
    if (!t->claims)
        return -1;
    for (size_t i = 0; i < net->nclaims; i++) {
        const bs_claim *c = &net->claims[i];
        bs_claim_result *r = &t->claims[t->nclaims];
        size_t si = t->nsteps;
        for (size_t k = 0; k < t->nsteps; k++) {
            const bs_step *st = &t->steps[k];
            if (c->qty == BS_Q_LOSS ? st->kind == BS_STEP_LOSS
                                    : st->kind == BS_STEP_BACKWARD && (int)st->qty == c->qty &&
                                          st->layer == c->layer)
                si = k;
        }
        if (si == t->nsteps)
            continue;
        const bs_step *st = &t->steps[si];
        r->claim = c;
        r->step = si;
        for (size_t k = 0; k < st->rows * st->cols && k < c->rows * c->cols; k++) {
            double v = st->value[k], w = c->values[k];
            double m = fmax(fabs(v), fabs(w));
            double rel = m == 0.0 ? 0.0 : fabs(v - w) / m;
            if (!(rel <= net->claims_tolerance)) {
                r->n_wrong++;
                if (!(rel <= r->max_rel) || r->n_wrong == 1) {
                    r->max_rel = isnan(rel) ? INFINITY : rel;
                    r->worst = k;
                }
            } else if (r->n_wrong == 0 && rel > r->max_rel) {
                r->max_rel = rel;
                r->worst = k;
            }
        }
        r->agrees = r->n_wrong == 0;
        t->claims_wrong += !r->agrees;
        t->nclaims++;
    }
    return 0;
}

int bs_step_program_value(const bs_trace *t, const bs_step *st, size_t k, double *out)
{
    const bs_net *net = t->net;
    if (strcmp(bs_net_handout(net), "002") != 0 || net->reduction != BS_MEAN || net->B < 2 ||
        st->kind != BS_STEP_BACKWARD || (st->qty == BS_Q_A && st->layer == net->L) ||
        k >= st->rows * st->cols)
        return 0;
    double B = (double)net->B, v = st->value[k];
    /* the data term is B times larger; the penalty's 2λW (row convention:
     * displayed as stored) is not */
    double penalty = st->qty == BS_Q_W && st->has_l2 ? 2.0 * net->l2 * net->W[st->layer][k] : 0.0;
    *out = B * (v - penalty) + penalty;
    return 1;
}

const bs_step *bs_trace_find(const bs_trace *t, const char *id)
{
    for (size_t i = 0; t && i < t->nsteps; i++)
        if (strcmp(t->steps[i].id, id) == 0)
            return &t->steps[i];
    return NULL;
}

/* Copies a stored irows×icols matrix into the step, transposed when the
 * convention is column, and notes whether any value is non-finite. */
static int fill(bs_step *s, const double *src, size_t irows, size_t icols,
                int transpose)
{
    s->transposed = transpose;
    s->rows = transpose ? icols : irows;
    s->cols = transpose ? irows : icols;
    s->value = malloc(sizeof(double) * irows * icols);
    if (!s->value)
        return -1;
    for (size_t i = 0; i < irows; i++)
        for (size_t j = 0; j < icols; j++) {
            double v = src[i * icols + j];
            if (transpose)
                s->value[j * irows + i] = v;
            else
                s->value[i * icols + j] = v;
            if (!isfinite(v))
                s->value_nonfinite = 1;
        }
    return 0;
}

static bs_step *add_step(bs_trace *t, bs_step_kind kind, bs_qty q, size_t layer)
{
    bs_step *s = &t->steps[t->nsteps++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->qty = q;
    s->layer = layer;
    if (kind == BS_STEP_BACKWARD)
        bs_name_grad(s->id, sizeof s->id, q, layer, BS_NOTATION_G);
    else
        bs_name_var(s->id, sizeof s->id, q, layer, BS_NOTATION_G);
    return s;
}

static const char NOTE_MEAN[] =
    "1/B enters here, once: L is the mean of the B example losses (handout 002, "
    "eq. 1), and every later step inherits it";
static const char NOTE_SUM_W[] =
    "the matrix product sums over the B examples (handout 002, eqs. 19, 35)";
static const char NOTE_SUM_B[] =
    "summed over the B examples (handout 002, eqs. 20, 36)";
static const char NOTE_YHAT[] = "ŷ = a[L], the output";

/* The loss derivative ∂ℓ/∂ŷ as a formula. */
static const bs_expr *loss_derivative(bs_pool *p, const bs_net *net)
{
    const bs_expr *yhat = bs_x_var(p, BS_Q_YHAT, net->L);
    const bs_expr *y = bs_x_var(p, BS_Q_Y, 0);
    const bs_expr *diff = bs_x_binary(p, BS_X_SUB, yhat, y);
    if (strcmp(net->loss->name, "bce") == 0) {
        const bs_expr *one_minus =
            bs_x_binary(p, BS_X_SUB, bs_x_leaf(p, BS_X_ONE, 0), yhat);
        return bs_x_binary(p, BS_X_HDIV, diff,
                           bs_x_binary(p, BS_X_HADAMARD, yhat, one_minus));
    }
    if (strcmp(net->loss->name, "cross_entropy") == 0)
        return bs_x_unary(p, BS_X_NEG, bs_x_binary(p, BS_X_HDIV, y, yhat));
    return diff;
}

static int build_steps(bs_trace *t)
{
    const bs_net *net = t->net;
    const bs_forward *fw = t->fw;
    const bs_grads *g = t->grads;
    bs_pool *p = &t->pool;
    size_t L = net->L, B = net->B;
    int col = net->convention == BS_COLUMN;
    int mean = net->reduction == BS_MEAN && B > 1;
    bs_step *s;

    /* forward: a[0], y, z[1], a[1], …, z[L], a[L], L */
    s = add_step(t, BS_STEP_FORWARD, BS_Q_A, 0);
    s->note = "the input x";
    if (fill(s, fw->a[0], B, net->n[0], col))
        return -1;
    s = add_step(t, BS_STEP_FORWARD, BS_Q_Y, 0);
    s->note = net->labels ? "the targets, one-hot rows from \"labels\"" : "the targets";
    if (fill(s, net->y, B, net->n[L], col))
        return -1;
    for (size_t l = 1; l <= L; l++) {
        s = add_step(t, BS_STEP_FORWARD, BS_Q_Z, l);
        const bs_expr *aw =
            col ? bs_x_binary(p, BS_X_MATMUL, bs_x_var(p, BS_Q_W, l),
                              bs_x_var(p, BS_Q_A, l - 1))
                : bs_x_binary(p, BS_X_MATMUL, bs_x_var(p, BS_Q_A, l - 1),
                              bs_x_var(p, BS_Q_W, l));
        s->formula = bs_x_binary(p, BS_X_ADD, aw, bs_x_var(p, BS_Q_B, l));
        if (fill(s, fw->z[l], B, net->n[l], col))
            return -1;
        s = add_step(t, BS_STEP_FORWARD, BS_Q_A, l);
        s->formula = bs_x_act(p, l, bs_x_var(p, BS_Q_Z, l));
        if (l == L)
            s->note = NOTE_YHAT;
        if (fill(s, fw->a[l], B, net->n[l], col))
            return -1;
    }
    s = add_step(t, BS_STEP_LOSS, BS_Q_LOSS, 0);
    if (fill(s, &fw->loss, 1, 1, 0))
        return -1;

    /* backward, from the output layer down */
    t->first_backward = t->nsteps;
    for (size_t l = L; l >= 1; l--) {
        s = add_step(t, BS_STEP_BACKWARD, BS_Q_A, l);
        if (l == L) {
            const bs_expr *d = loss_derivative(p, net);
            s->formula = mean ? bs_x_binary(p, BS_X_SCALE, bs_x_leaf(p, BS_X_INVB, 0), d)
                              : d;
            s->mean_enters = mean;
            if (mean)
                s->note = NOTE_MEAN;
        } else {
            const bs_expr *gz = bs_x_grad(p, BS_Q_Z, l + 1);
            const bs_expr *Wt = bs_x_unary(p, BS_X_T, bs_x_var(p, BS_Q_W, l + 1));
            s->formula = col ? bs_x_binary(p, BS_X_MATMUL, Wt, gz)
                             : bs_x_binary(p, BS_X_MATMUL, gz, Wt);
        }
        if (fill(s, g->ga[l], B, net->n[l], col))
            return -1;

        s = add_step(t, BS_STEP_BACKWARD, BS_Q_Z, l);
        const bs_expr *ga = bs_x_grad(p, BS_Q_A, l);
        if (net->act[l]->elementwise) {
            s->formula = bs_x_binary(p, BS_X_HADAMARD, bs_x_leaf(p, BS_X_DACT, l), ga);
        } else {
            const bs_expr *J = bs_x_leaf(p, BS_X_JACT, l);
            s->formula = col ? bs_x_binary(p, BS_X_MATMUL, bs_x_unary(p, BS_X_T, J), ga)
                             : bs_x_binary(p, BS_X_MATMUL, ga, J);
        }
        if (l == L && g->shortcut) {
            const bs_expr *d = bs_x_binary(p, BS_X_SUB, bs_x_var(p, BS_Q_YHAT, L),
                                           bs_x_var(p, BS_Q_Y, 0));
            s->shortcut = mean ? bs_x_binary(p, BS_X_SCALE,
                                             bs_x_leaf(p, BS_X_INVB, 0), d)
                               : d;
            s->note = net->fused->note;
        }
        if (fill(s, g->gz[l], B, net->n[l], col))
            return -1;

        s = add_step(t, BS_STEP_BACKWARD, BS_Q_W, l);
        const bs_expr *gz = bs_x_grad(p, BS_Q_Z, l);
        const bs_expr *at = bs_x_unary(p, BS_X_T, bs_x_var(p, BS_Q_A, l - 1));
        s->formula = col ? bs_x_binary(p, BS_X_MATMUL, gz, at)
                         : bs_x_binary(p, BS_X_MATMUL, at, gz);
        if (net->l2 != 0.0) {
            s->has_l2 = 1;
            s->formula = bs_x_binary(
                p, BS_X_ADD, s->formula,
                bs_x_binary(p, BS_X_SCALE, bs_x_leaf(p, BS_X_TWOLAMBDA, 0),
                            bs_x_var(p, BS_Q_W, l)));
        }
        if (B > 1)
            s->note = NOTE_SUM_W;
        if (fill(s, g->gW[l], net->n[l - 1], net->n[l], col))
            return -1;

        s = add_step(t, BS_STEP_BACKWARD, BS_Q_B, l);
        s->formula = B > 1 ? bs_x_unary(p, BS_X_SUMB, bs_x_grad(p, BS_Q_Z, l))
                           : bs_x_grad(p, BS_Q_Z, l);
        if (B > 1)
            s->note = NOTE_SUM_B;
        if (fill(s, g->gb[l], 1, net->n[l], col))
            return -1;
    }
    return 0;
}

bs_status bs_trace_build(const bs_net *net, bs_trace **out, bs_error *err)
{
    *out = NULL;
    bs_trace *t = calloc(1, sizeof *t);
    if (!t)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    t->net = net;
    bs_status st = bs_forward_run(net, &t->fw, err);
    if (st == BS_OK)
        st = bs_backward_run(net, t->fw, &t->grads, err);
    if (st != BS_OK) {
        bs_trace_free(t);
        return st;
    }
    size_t cap = 2 + 2 * net->L + 1 + 4 * net->L;
    t->steps = calloc(cap, sizeof(bs_step));
    t->pool.cap = 24 * cap;
    t->pool.nodes = calloc(t->pool.cap, sizeof(bs_expr));
    if (!t->steps || !t->pool.nodes || build_steps(t) != 0) {
        bs_trace_free(t);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    if (compare_claims(t) != 0) {
        bs_trace_free(t);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    t->first_nonfinite = t->nsteps;
    for (size_t i = 0; i < t->nsteps; i++)
        if (t->steps[i].value_nonfinite) {
            t->first_nonfinite = i;
            break;
        }
    *out = t;
    return BS_OK;
}

void bs_step_name(char *buf, size_t size, const bs_step *st, bs_notation nt)
{
    if (st->kind == BS_STEP_BACKWARD)
        bs_name_grad(buf, size, st->qty, st->layer, nt);
    else
        bs_name_var(buf, size, st->qty, st->layer, nt);
}
