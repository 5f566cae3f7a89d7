/* bs_mistakes.c — the mistake catalogue: each classic mistake recomputes one
 * backward step the wrong way, in the row convention. */
#include "bs_mistakes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bs_mistake_nsteps(const bs_trace *t)
{
    return 4 * t->net->L;
}

void bs_mistake_step_of(const bs_trace *t, size_t j, bs_qty *q, size_t *layer)
{
    static const bs_qty kinds[4] = {BS_Q_A, BS_Q_Z, BS_Q_W, BS_Q_B};
    *layer = t->net->L - j / 4;
    *q = kinds[j % 4];
}

void bs_mistake_shape(const bs_trace *t, size_t j, size_t *rows, size_t *cols)
{
    const bs_net *net = t->net;
    bs_qty q;
    size_t l;
    bs_mistake_step_of(t, j, &q, &l);
    switch (q) {
    case BS_Q_W:
        *rows = net->n[l - 1];
        *cols = net->n[l];
        break;
    case BS_Q_B:
        *rows = 1;
        *cols = net->n[l];
        break;
    default:
        *rows = net->B;
        *cols = net->n[l];
        break;
    }
}

bs_mat bs_mistake_truth(const bs_trace *t, size_t j)
{
    bs_mat m;
    bs_qty q;
    size_t l;
    bs_mistake_step_of(t, j, &q, &l);
    bs_mistake_shape(t, j, &m.rows, &m.cols);
    const bs_grads *g = t->grads;
    m.v = q == BS_Q_A ? g->ga[l] : q == BS_Q_Z ? g->gz[l] : q == BS_Q_W ? g->gW[l]
                                                                          : g->gb[l];
    return m;
}

size_t bs_mistake_upstream(const bs_trace *t, size_t j)
{
    bs_qty q;
    size_t l;
    bs_mistake_step_of(t, j, &q, &l);
    switch (q) {
    case BS_Q_A:
        return l == t->net->L ? (size_t)-1 : j - 3;
    case BS_Q_Z:
        return l == t->net->L && t->grads->shortcut ? (size_t)-1 : j - 1;
    case BS_Q_W:
        return j - 1;
    default:
        return j - 2;
    }
}

static int mat_new(bs_mat *m, size_t rows, size_t cols)
{
    m->rows = rows;
    m->cols = cols;
    m->v = calloc(rows * cols > 0 ? rows * cols : 1, sizeof(double));
    return m->v ? 0 : -1;
}

/* The upstream value of step j, checked against its expected shape. */
static const bs_mat *upstream(const bs_mistake_ctx *c)
{
    size_t u = bs_mistake_upstream(c->t, c->j);
    if (u == (size_t)-1)
        return NULL;
    size_t r, k;
    bs_mistake_shape(c->t, u, &r, &k);
    const bs_mat *m = &c->cur[u];
    return m->v && m->rows == r && m->cols == k ? m : NULL;
}

/* The program's g[la] for a step g[lz] (step j − 1), checked against its
 * shape: also for a fused output layer, whose correct g[Lz] does not use it
 * but whose mistaken ones (a derivative left out or taken wrongly) do. */
static const bs_mat *grad_a_of_z(const bs_mistake_ctx *c)
{
    size_t r, k;
    bs_mistake_shape(c->t, c->j - 1, &r, &k);
    const bs_mat *m = &c->cur[c->j - 1];
    return m->v && m->rows == r && m->cols == k ? m : NULL;
}

/* o = U · W[m]ᵀ  (U: B×n[l+1], W[m]: n[l]×n[l+1]); transpose_w = 0 uses W[m]
 * itself (square W only). */
static int input_grad(const bs_mistake_ctx *c, const bs_mat *U, size_t m,
                      int transpose_w, bs_mat *o)
{
    const bs_net *net = c->t->net;
    size_t B = U->rows, nout = U->cols, nin = net->n[m - 1];
    if (mat_new(o, B, nin))
        return -1;
    const double *W = net->W[m];
    for (size_t i = 0; i < B; i++)
        for (size_t p = 0; p < nin; p++) {
            double s = 0.0;
            for (size_t q = 0; q < nout; q++)
                s += U->v[i * nout + q] * (transpose_w ? W[p * nout + q] : W[q * nin + p]);
            o->v[i * nin + p] = s;
        }
    return 0;
}

int bs_mistake_correct(const bs_mistake_ctx *c, bs_mat *o)
{
    const bs_trace *t = c->t;
    const bs_net *net = t->net;
    const bs_forward *fw = t->fw;
    bs_qty q;
    size_t l;
    bs_mistake_step_of(t, c->j, &q, &l);
    size_t B = net->B, L = net->L, n = net->n[l];
    double r = bs_net_reduction_factor(net);
    const bs_mat *U = upstream(c);
    o->v = NULL;
    if (!U && !((q == BS_Q_A && l == L) || (q == BS_Q_Z && l == L && t->grads->shortcut)))
        return -1;
    switch (q) {
    case BS_Q_A:
        if (l < L)
            return input_grad(c, U, l + 1, 1, o);
        if (mat_new(o, B, n))
            return -1;
        for (size_t i = 0; i < B; i++) {
            net->loss->grad(fw->a[L] + i * n, net->y + i * n, o->v + i * n, n);
            for (size_t k = 0; k < n; k++)
                o->v[i * n + k] *= r;
        }
        return 0;
    case BS_Q_Z:
        if (mat_new(o, B, n))
            return -1;
        for (size_t i = 0; i < B; i++) {
            if (l == L && t->grads->shortcut)
                for (size_t k = 0; k < n; k++)
                    o->v[i * n + k] = r * (fw->a[L][i * n + k] - net->y[i * n + k]);
            else
                net->act[l]->backward(fw->z[l] + i * n, fw->a[l] + i * n, U->v + i * n,
                                      o->v + i * n, n);
        }
        return 0;
    case BS_Q_W: {
        size_t nin = net->n[l - 1];
        if (mat_new(o, nin, n))
            return -1;
        for (size_t i = 0; i < B; i++)
            for (size_t p = 0; p < nin; p++) {
                double ap = fw->a[l - 1][i * nin + p];
                for (size_t k = 0; k < n; k++)
                    o->v[p * n + k] += ap * U->v[i * n + k];
            }
        if (net->l2 != 0.0)
            for (size_t k = 0; k < nin * n; k++)
                o->v[k] += 2.0 * net->l2 * net->W[l][k];
        return 0;
    }
    default:
        if (mat_new(o, 1, n))
            return -1;
        for (size_t i = 0; i < B; i++)
            for (size_t k = 0; k < n; k++)
                o->v[k] += U->v[i * n + k];
        return 0;
    }
}

/* ---- the mistakes ---------------------------------------------------- */

#define STEP_OF(c, q, l) \
    bs_qty q;            \
    size_t l;            \
    bs_mistake_step_of((c)->t, (c)->j, &q, &l)

static bs_mistake_rc made(int rc)
{
    return rc ? BS_MISTAKE_NOMEM : BS_MISTAKE_MADE;
}

static bs_mistake_rc m_sign(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                            char *d, size_t ds)
{
    (void)d;
    (void)ds;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (bs_mistake_correct(c, o))
        return o->v ? BS_MISTAKE_NOMEM : BS_MISTAKE_SKIP;
    for (size_t k = 0; k < o->rows * o->cols; k++)
        o->v[k] = -o->v[k];
    return BS_MISTAKE_MADE;
}

static int batch_mean(const bs_trace *t)
{
    return t->net->reduction == BS_MEAN && t->net->B > 1;
}

static bs_mistake_rc m_no_invb(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                               char *d, size_t ds)
{
    STEP_OF(c, q, l);
    (void)d;
    (void)ds;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (!batch_mean(c->t) || l != c->t->net->L || (q != BS_Q_A && q != BS_Q_Z))
        return BS_MISTAKE_SKIP;
    if (bs_mistake_correct(c, o))
        return o->v ? BS_MISTAKE_NOMEM : BS_MISTAKE_SKIP;
    for (size_t k = 0; k < o->rows * o->cols; k++)
        o->v[k] *= (double)c->t->net->B;
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_invb_twice(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    STEP_OF(c, q, l);
    (void)d;
    (void)ds;
    const bs_net *net = c->t->net;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (!batch_mean(c->t) || ((q == BS_Q_A || q == BS_Q_Z) && l != net->L))
        return BS_MISTAKE_SKIP;
    if (bs_mistake_correct(c, o))
        return o->v ? BS_MISTAKE_NOMEM : BS_MISTAKE_SKIP;
    double B = (double)net->B;
    for (size_t k = 0; k < o->rows * o->cols; k++) {
        if (q == BS_Q_W && net->l2 != 0.0) {
            double pen = 2.0 * net->l2 * net->W[l][k];
            o->v[k] = (o->v[k] - pen) / B + pen;
        } else {
            o->v[k] /= B;
        }
    }
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_transpose(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                 char *d, size_t ds)
{
    STEP_OF(c, q, l);
    const bs_net *net = c->t->net;
    char w[32], k[40];
    if (v == 0) {
        bs_mat m;
        if (bs_mistake_correct(c, &m))
            return m.v ? BS_MISTAKE_NOMEM : BS_MISTAKE_SKIP;
        if (m.rows == 1 || m.cols == 1) {
            free(m.v);
            return BS_MISTAKE_SKIP;
        }
        if (mat_new(o, m.cols, m.rows)) {
            free(m.v);
            return BS_MISTAKE_NOMEM;
        }
        for (size_t i = 0; i < m.rows; i++)
            for (size_t jj = 0; jj < m.cols; jj++)
                o->v[jj * m.rows + i] = m.v[i * m.cols + jj];
        free(m.v);
        bs_name_grad(k, sizeof k, q, l, c->nt);
        snprintf(d, ds, "the transpose of backstep's %s: a missing or extra transpose", k);
        return BS_MISTAKE_MADE;
    }
    if (v > 1)
        return BS_MISTAKE_DONE;
    /* g[(n−1)a] = g[nz] W instead of g[nz] Wᵀ (square W only) */
    if (q != BS_Q_A || l == net->L || net->n[l] != net->n[l + 1])
        return BS_MISTAKE_SKIP;
    const bs_mat *U = upstream(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_var(w, sizeof w, BS_Q_W, l + 1, c->nt);
    bs_name_grad(k, sizeof k, q, l, c->nt);
    snprintf(d, ds, "the result of a missing transpose: %s computed with %s in place of its transpose",
             k, w);
    return made(input_grad(c, U, l + 1, 0, o));
}

/* f'(x) ∘ U for an elementwise activation, with f' taken at z = x and
 * a = f(x). */
static bs_mistake_rc deriv_times(const bs_activation *f, const double *x,
                                 const bs_mat *U, bs_mat *o)
{
    if (mat_new(o, U->rows, U->cols))
        return BS_MISTAKE_NOMEM;
    for (size_t k = 0; k < U->rows * U->cols; k++) {
        double fx;
        f->forward_d(&x[k], &fx, 1);
        o->v[k] = f->derivative(x[k], fx) * U->v[k];
    }
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_no_deriv(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char f[32], z[32], k[40];
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_Z)
        return BS_MISTAKE_SKIP;
    const bs_mat *U = grad_a_of_z(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_act(f, sizeof f, c->t->net, l, c->nt);
    bs_name_var(z, sizeof z, BS_Q_Z, l, c->nt);
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    snprintf(d, ds, "the result of leaving out %s'(%s) in %s", f, z, k);
    if (mat_new(o, U->rows, U->cols))
        return BS_MISTAKE_NOMEM;
    memcpy(o->v, U->v, sizeof(double) * U->rows * U->cols);
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_deriv_at_a(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char f[32], z[32], a[32], k[40];
    if (v > 0)
        return BS_MISTAKE_DONE;
    const bs_activation *act = c->t->net->act[l];
    if (q != BS_Q_Z || !act->elementwise || !act->derivative)
        return BS_MISTAKE_SKIP;
    const bs_mat *U = grad_a_of_z(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_act(f, sizeof f, c->t->net, l, c->nt);
    bs_name_var(z, sizeof z, BS_Q_Z, l, c->nt);
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    snprintf(d, ds, "the result of evaluating the derivative at %s instead of %s in %s: %s'(%s)",
             a, z, k, f, a);
    return deriv_times(act, c->t->fw->a[l], U, o);
}

static bs_mistake_rc m_softmax_elementwise(const bs_mistake_ctx *c, size_t v,
                                           bs_mat *o, char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char a[32], ga[40], k[40];
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_Z || strcmp(c->t->net->act[l]->name, "softmax") != 0)
        return BS_MISTAKE_SKIP;
    const bs_mat *U = grad_a_of_z(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    bs_name_grad(ga, sizeof ga, BS_Q_A, l, c->nt);
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    snprintf(d, ds,
             "the result of treating softmax as elementwise in %s: %s ∘ (1 − %s) ∘ %s "
             "instead of the Jacobian",
             k, a, a, ga);
    if (mat_new(o, U->rows, U->cols))
        return BS_MISTAKE_NOMEM;
    const double *y = c->t->fw->a[l];
    for (size_t i = 0; i < U->rows * U->cols; i++)
        o->v[i] = y[i] * (1.0 - y[i]) * U->v[i];
    return BS_MISTAKE_MADE;
}

/* The number of registered activations. */
static size_t n_activations(void)
{
    size_t n = 0;
    while (bs_activations[n])
        n++;
    return n;
}

/* An activation's derivative formula with %a and %z written as a and z:
 * "a ∘ (1 − a)". */
static void formula_of(const bs_activation *g, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = g->dmath; *p && n + 1 < size; p++) {
        if (p[0] == '%' && (p[1] == 'a' || p[1] == 'z')) {
            buf[n++] = p[1];
            p++;
        } else {
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
}

/* Variants 0 … n−1: activation v's derivative taken at z[l] (as if the layer
 * were a v layer); n … 2n−1: activation v's derivative formula in terms of
 * a applied to this layer's own a[l] (a(1 − a) in a tanh layer). */
static bs_mistake_rc m_wrong_act(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                 char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char k[40], a[32], f[64];
    size_t nact = n_activations();
    if (v >= 2 * nact)
        return BS_MISTAKE_DONE;
    int own_a = v >= nact;
    const bs_activation *g = bs_activations[own_a ? v - nact : v];
    const bs_activation *own = c->t->net->act[l];
    if (q != BS_Q_Z || !own->elementwise || !g->elementwise || !g->derivative ||
        g == own || (own_a && (!g->dmath || !strstr(g->dmath, "%a"))))
        return BS_MISTAKE_SKIP;
    const bs_mat *U = grad_a_of_z(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    if (!own_a) {
        snprintf(d, ds, "the result of using the derivative of %s instead of %s in %s",
                 g->name, own->name, k);
        return deriv_times(g, c->t->fw->z[l], U, o);
    }
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    formula_of(g, f, sizeof f);
    snprintf(d, ds,
             "the result of applying %s's derivative formula %s to the %s layer's own %s in %s",
             g->name, f, own->name, a, k);
    if (mat_new(o, U->rows, U->cols))
        return BS_MISTAKE_NOMEM;
    const double *zl = c->t->fw->z[l], *al = c->t->fw->a[l];
    for (size_t i = 0; i < U->rows * U->cols; i++)
        o->v[i] = g->derivative(zl[i], al[i]) * U->v[i];
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_bias_not_summed(const bs_mistake_ctx *c, size_t v,
                                       bs_mat *o, char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char k[40], gz[40];
    if (v > 1)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_B || c->t->net->B < 2)
        return BS_MISTAKE_SKIP;
    const bs_mat *U = upstream(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_grad(k, sizeof k, BS_Q_B, l, c->nt);
    bs_name_grad(gz, sizeof gz, BS_Q_Z, l, c->nt);
    if (v == 0)
        snprintf(d, ds, "the result of not summing %s over the batch: the B rows of %s",
                 k, gz);
    else
        snprintf(d, ds,
                 "the result of not summing %s over the batch: the first example's row of %s only",
                 k, gz);
    if (mat_new(o, v == 0 ? U->rows : 1, U->cols))
        return BS_MISTAKE_NOMEM;
    memcpy(o->v, U->v, sizeof(double) * o->rows * o->cols);
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc l2_variant(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                char *d, size_t ds, double factor)
{
    STEP_OF(c, q, l);
    char k[40], w[32];
    const bs_net *net = c->t->net;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_W || net->l2 == 0.0)
        return BS_MISTAKE_SKIP;
    if (bs_mistake_correct(c, o))
        return o->v ? BS_MISTAKE_NOMEM : BS_MISTAKE_SKIP;
    for (size_t i = 0; i < o->rows * o->cols; i++)
        o->v[i] -= factor * net->l2 * net->W[l][i];
    bs_name_grad(k, sizeof k, BS_Q_W, l, c->nt);
    bs_name_var(w, sizeof w, BS_Q_W, l, c->nt);
    if (factor == 2.0)
        snprintf(d, ds, "backstep's %s without the L2 term 2λ%s", k, w);
    else
        snprintf(d, ds, "backstep's %s with λ%s instead of 2λ%s: the derivative of λ‖%s‖² is 2λ%s",
                 k, w, w, w, w);
    return BS_MISTAKE_MADE;
}

static bs_mistake_rc m_l2_missing(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    return l2_variant(c, v, o, d, ds, 2.0);
}

static bs_mistake_rc m_l2_lambda(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                 char *d, size_t ds)
{
    return l2_variant(c, v, o, d, ds, 1.0);
}

static bs_mistake_rc m_wrong_layer_w(const bs_mistake_ctx *c, size_t v,
                                     bs_mat *o, char *d, size_t ds)
{
    STEP_OF(c, q, l);
    const bs_net *net = c->t->net;
    char k[40], w[32], right[32];
    size_t m = v + 1;
    if (m > net->L)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_A || l == net->L || m == l + 1 || net->n[m - 1] != net->n[l] ||
        net->n[m] != net->n[l + 1])
        return BS_MISTAKE_SKIP;
    const bs_mat *U = upstream(c);
    if (!U)
        return BS_MISTAKE_SKIP;
    bs_name_grad(k, sizeof k, BS_Q_A, l, c->nt);
    bs_name_var(w, sizeof w, BS_Q_W, m, c->nt);
    bs_name_var(right, sizeof right, BS_Q_W, l + 1, c->nt);
    snprintf(d, ds, "the result of using the weights of the wrong layer in %s: %s instead of %s",
             k, w, right);
    return made(input_grad(c, U, m, 1, o));
}

static bs_mistake_rc m_off_by_one(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    STEP_OF(c, q, l);
    const bs_net *net = c->t->net;
    char k[40], other[40];
    if (v > 1)
        return BS_MISTAKE_DONE;
    size_t m = v == 0 ? l + 1 : l - 1;
    if (m < 1 || m > net->L)
        return BS_MISTAKE_SKIP;
    /* step j of layer m: j ± 4 */
    size_t jm = v == 0 ? c->j - 4 : c->j + 4;
    size_t r, cc, r0, c0;
    bs_mistake_shape(c->t, c->j, &r0, &c0);
    bs_mistake_shape(c->t, jm, &r, &cc);
    if (r != r0 || cc != c0)
        return BS_MISTAKE_SKIP;
    bs_mat tr = bs_mistake_truth(c->t, jm);
    if (mat_new(o, r, cc))
        return BS_MISTAKE_NOMEM;
    memcpy(o->v, tr.v, sizeof(double) * r * cc);
    bs_name_grad(k, sizeof k, q, l, c->nt);
    bs_name_grad(other, sizeof other, q, m, c->nt);
    snprintf(d, ds, "backstep's %s in place of %s: a step off by one layer", other, k);
    return BS_MISTAKE_MADE;
}

const bs_mistake bs_mistakes[BS_MISTAKE_COUNT] = {
    {BS_MISTAKE_SIGN, "sign", "sign flipped", "backstep's {k} with its sign flipped",
     BS_MK_A | BS_MK_Z | BS_MK_W | BS_MK_B, m_sign},
    {BS_MISTAKE_NO_INVB, "no-1/B", "1/B of the batch mean missing",
     "backstep's {k} without the 1/B of the batch mean: the program's gradient is "
     "B = {B} times too large (handout 002, Notes 2–4)",
     BS_MK_A | BS_MK_Z, m_no_invb},
    {BS_MISTAKE_INVB_TWICE, "1/B-twice", "1/B applied twice",
     "backstep's {k} with the 1/B of the batch mean applied a second time: "
     "B = {B} times too small",
     BS_MK_A | BS_MK_Z | BS_MK_W | BS_MK_B, m_invb_twice},
    {BS_MISTAKE_TRANSPOSE, "transpose", "missing or extra transpose", "{d}",
     BS_MK_A | BS_MK_Z | BS_MK_W, m_transpose},
    {BS_MISTAKE_NO_DERIV, "no-derivative", "activation derivative left out", "{d}",
     BS_MK_Z, m_no_deriv},
    {BS_MISTAKE_DERIV_AT_A, "derivative-at-a", "derivative evaluated at a instead of z",
     "{d}", BS_MK_Z, m_deriv_at_a},
    {BS_MISTAKE_SOFTMAX_ELEMENTWISE, "softmax-elementwise", "softmax treated as elementwise",
     "{d}", BS_MK_Z, m_softmax_elementwise},
    {BS_MISTAKE_WRONG_ACT, "wrong-activation", "derivative of the wrong activation", "{d}",
     BS_MK_Z, m_wrong_act},
    {BS_MISTAKE_BIAS_NOT_SUMMED, "bias-not-summed", "bias gradient not summed over the batch",
     "{d}", BS_MK_B, m_bias_not_summed},
    {BS_MISTAKE_L2_MISSING, "l2-missing", "L2 term missing", "{d}", BS_MK_W, m_l2_missing},
    {BS_MISTAKE_L2_LAMBDA, "lambda-W", "λW instead of 2λW", "{d}", BS_MK_W, m_l2_lambda},
    {BS_MISTAKE_WRONG_LAYER_W, "wrong-layer-weights", "weights of the wrong layer", "{d}",
     BS_MK_A, m_wrong_layer_w},
    {BS_MISTAKE_OFF_BY_ONE, "off-by-one-layer", "a step off by one layer", "{d}",
     BS_MK_A | BS_MK_Z | BS_MK_W | BS_MK_B, m_off_by_one},
};

const bs_mistake *bs_mistake_find(const char *key)
{
    for (size_t i = 0; i < BS_MISTAKE_COUNT; i++)
        if (strcmp(bs_mistakes[i].key, key) == 0)
            return &bs_mistakes[i];
    return NULL;
}
