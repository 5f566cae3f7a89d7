/* bs_terms.c — term-by-term expansions of the steps, as data (typeset by bs_typeset.c). */
#include "bs_terms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void bs_expansion_free(bs_expansion *e)
{
    if (!e)
        return;
    free(e->terms);
    e->terms = NULL;
    e->nterms = 0;
}

static bs_factor fac(bs_fac_kind kind, bs_qty q, size_t layer, size_t ex, size_t unit,
                     double value)
{
    bs_factor f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.qty = q;
    f.layer = layer;
    f.ex = ex;
    f.unit = unit;
    f.r = f.c = BS_NONE;
    f.value = value;
    return f;
}

/* W[n] entry from input p to output q, named in the displayed orientation */
static bs_factor w_fac(const bs_net *net, size_t n, size_t p, size_t q)
{
    bs_factor f = fac(BS_FAC_VAR, BS_Q_W, n, BS_NONE, BS_NONE,
                      net->W[n][p * net->n[n] + q]);
    f.r = net->convention == BS_ROW ? p : q;
    f.c = net->convention == BS_ROW ? q : p;
    return f;
}

static size_t ex_of(const bs_net *net, size_t i)
{
    return net->B == 1 ? BS_NONE : i;
}

static int add(bs_expansion *e, size_t cap, bs_factor a, const bs_factor *b)
{
    if (e->nterms >= cap)
        return -1;
    bs_term *t = &e->terms[e->nterms++];
    t->f[0] = a;
    t->n = 1;
    t->value = a.value;
    if (b) {
        t->f[1] = *b;
        t->n = 2;
        t->value *= b->value;
    }
    return 0;
}

bs_status bs_expand(const bs_trace *t, const bs_step *st, size_t r, size_t c,
                    bs_expansion *e, bs_error *err)
{
    const bs_net *net = t->net;
    const bs_forward *fw = t->fw;
    const bs_grads *g = t->grads;
    memset(e, 0, sizeof *e);
    e->step = st;
    e->r = r;
    e->c = c;
    e->scale = 1.0;
    e->total = st->value[r * st->cols + c];
    if (st->kind != BS_STEP_BACKWARD)
        return bs_error_set(err, BS_ERR_USAGE, st->id, "only backward steps are expanded");
    int col = net->convention == BS_COLUMN;
    size_t n = st->layer, B = net->B, L = net->L;
    double rB = bs_net_reduction_factor(net);
    /* the example and unit of an activation-shaped step */
    size_t i = col ? c : r, j = col ? r : c;
    size_t cap = B + net->n[n] + (n < L ? net->n[n + 1] : 0) + 2;
    e->terms = calloc(cap, sizeof(bs_term));
    if (!e->terms)
        return bs_error_set(err, BS_ERR_NOMEM, st->id, "out of memory");
    size_t nn = net->n[n], K = net->n[L];
    switch (st->qty) {
    case BS_Q_A:
        e->self = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), j, e->total);
        if (n == L) {
            e->kind = BS_EXP_LOSS;
            e->yhat = fac(BS_FAC_VAR, BS_Q_YHAT, L, ex_of(net, i), j, fw->a[L][i * K + j]);
            e->y = fac(BS_FAC_VAR, BS_Q_Y, 0, ex_of(net, i), j, net->y[i * K + j]);
            e->show_scale = st->mean_enters;
            e->scale = st->mean_enters ? rB : 1.0;
        } else {
            /* Σ_q W_{p,q}[n+1] g_q[(n+1)z] for unit p = j */
            size_t nq = net->n[n + 1];
            for (size_t q = 0; q < nq; q++) {
                bs_factor gz = fac(BS_FAC_GRAD, BS_Q_Z, n + 1, ex_of(net, i), q,
                                   g->gz[n + 1][i * nq + q]);
                add(e, cap, w_fac(net, n + 1, j, q), &gz);
            }
        }
        break;
    case BS_Q_Z:
        e->self = fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, i), j, e->total);
        if (st->shortcut) {
            e->kind = BS_EXP_SHORTCUT;
            e->yhat = fac(BS_FAC_VAR, BS_Q_YHAT, L, ex_of(net, i), j, fw->a[L][i * K + j]);
            e->y = fac(BS_FAC_VAR, BS_Q_Y, 0, ex_of(net, i), j, net->y[i * K + j]);
            e->show_scale = B > 1 && net->reduction == BS_MEAN;
            e->scale = rB;
        } else if (net->act[n]->elementwise) {
            bs_factor d = fac(BS_FAC_DACT, BS_Q_Z, n, ex_of(net, i), j,
                              net->act[n]->derivative(fw->z[n][i * nn + j],
                                                      fw->a[n][i * nn + j]));
            bs_factor ga = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), j, g->ga[n][i * nn + j]);
            add(e, cap, d, &ga);
        } else {
            /* Σ_t ∂ŷ_t/∂z_j · g_t[a] with ∂ŷ_t/∂z_j = ŷ_t (δ_tj − ŷ_j) */
            const double *a = fw->a[n] + i * nn;
            for (size_t tt = 0; tt < nn; tt++) {
                bs_factor J = fac(BS_FAC_JSOFT, BS_Q_Z, n, ex_of(net, i), tt,
                                  a[tt] * ((tt == j ? 1.0 : 0.0) - a[j]));
                J.c = j;
                bs_factor ga = fac(BS_FAC_GRAD, BS_Q_A, n, ex_of(net, i), tt,
                                   g->ga[n][i * nn + tt]);
                add(e, cap, J, &ga);
            }
        }
        break;
    case BS_Q_W: {
        size_t p = col ? c : r, q = col ? r : c, nin = net->n[n - 1];
        e->self = w_fac(net, n, p, q);
        e->self.kind = BS_FAC_GRAD;
        e->self.value = e->total;
        for (size_t ii = 0; ii < B; ii++) {
            bs_factor a = fac(BS_FAC_VAR, BS_Q_A, n - 1, ex_of(net, ii), p,
                              fw->a[n - 1][ii * nin + p]);
            bs_factor gz = fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, ii), q,
                               g->gz[n][ii * nn + q]);
            if (col)
                add(e, cap, gz, &a);
            else
                add(e, cap, a, &gz);
        }
        if (st->has_l2) {
            e->has_l2 = 1;
            e->lambda = net->l2;
            e->w = w_fac(net, n, p, q);
        }
        break;
    }
    case BS_Q_B: {
        size_t q = col ? r : c;
        e->self = fac(BS_FAC_GRAD, BS_Q_B, n, BS_NONE, q, e->total);
        for (size_t ii = 0; ii < B; ii++)
            add(e, cap, fac(BS_FAC_GRAD, BS_Q_Z, n, ex_of(net, ii), q, g->gz[n][ii * nn + q]),
                NULL);
        break;
    }
    default:
        break;
    }
    return BS_OK;
}

size_t bs_terms_pick(const bs_step *st, size_t *idx)
{
    size_t count = st->rows * st->cols;
    if (count <= 16) {
        for (size_t k = 0; k < count; k++)
            idx[k] = k;
        return count;
    }
    size_t big = 0;
    for (size_t k = 1; k < count; k++)
        if (fabs(st->value[k]) > fabs(st->value[big]))
            big = k;
    idx[0] = 0;
    idx[1] = 1;
    size_t m = 2;
    if (big > 1)
        idx[m++] = big;
    return m;
}

size_t bs_terms_shown(const bs_expansion *e, size_t *idx)
{
    size_t n = e->nterms, m = 0;
    for (size_t k = 0; k < n; k++) {
        if (n > 6 && k == 3) {
            idx[m++] = BS_NONE;
            k = n - 2;
            continue;
        }
        idx[m++] = k;
    }
    return m;
}

int bs_expansion_trivial(const bs_expansion *e)
{
    return e->kind == BS_EXP_SUM && e->nterms == 1 && e->terms && e->terms[0].n == 1 &&
           !e->has_l2 && !e->show_scale;
}

bs_loss_form bs_expansion_loss_form(const bs_expansion *e, const bs_net *net)
{
    const char *loss = net->loss ? net->loss->name : "mse";
    if (e->kind == BS_EXP_SHORTCUT || strcmp(loss, "mse") == 0)
        return BS_FORM_DIFFERENCE;
    return strcmp(loss, "bce") == 0 ? BS_FORM_BCE : BS_FORM_QUOTIENT;
}

void bs_factor_jsoft_parts(const bs_factor *f, bs_factor *a, bs_factor *z)
{
    *a = *f;
    *z = *f;
    a->kind = z->kind = BS_FAC_VAR;
    a->qty = BS_Q_A;
    z->qty = BS_Q_Z;
    z->unit = f->c;
}
