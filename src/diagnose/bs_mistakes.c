/* bs_mistakes.c — the mistake catalogue: each classic mistake recomputes one
 * backward step the wrong way, in the row convention, as the backward kernel
 * with one knob turned. */
#include "bs_mistakes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mat_new(bs_mat *m, size_t rows, size_t cols)
{
    m->rows = rows;
    m->cols = cols;
    m->v = calloc(rows * cols > 0 ? rows * cols : 1, sizeof(double));
    return m->v ? 0 : -1;
}

/* The program's value of step s (ctx->cur[s]), checked against the step's
 * shape; NULL when it is missing or misshapen. */
static const bs_mat *value_of(const bs_mistake_ctx *c, size_t s)
{
    size_t r, k;
    bs_backward_shape(c->t->net, s, &r, &k);
    const bs_mat *m = &c->cur[s];
    return m->v && m->rows == r && m->cols == k ? m : NULL;
}

/* Step ctx->j computed by the backward kernel with knobs k (NULL for the
 * right ones) from the program's value of the step it reads, into *o
 * (allocated here; o->v is NULL unless the step was made). */
static bs_mistake_rc kernel(const bs_mistake_ctx *c, const bs_step_knobs *k, bs_mat *o)
{
    const bs_net *net = c->t->net;
    const double *from = NULL;
    size_t s = bs_backward_source(net, c->j, k), rows, cols;
    o->v = NULL;
    if (s != (size_t)-1) {
        const bs_mat *m = value_of(c, s);
        if (!m)
            return BS_MISTAKE_SKIP;
        from = m->v;
    }
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, c->j, &q, &l);
    bs_backward_shape(net, c->j, &rows, &cols);
    if (q == BS_Q_B && k && k->sum == BS_SUM_NONE)
        rows = net->B; /* the B rows of g[nz], unsummed */
    if (mat_new(o, rows, cols))
        return BS_MISTAKE_NOMEM;
    bs_backward_step(net, c->t->fw, c->j, from, k, o->v);
    return BS_MISTAKE_MADE;
}

int bs_mistake_correct(const bs_mistake_ctx *c, bs_mat *o)
{
    return kernel(c, NULL, o) == BS_MISTAKE_MADE ? 0 : -1;
}

/* ---- the mistakes ---------------------------------------------------- */

#define STEP_OF(c, q, l) \
    bs_qty q;            \
    size_t l;            \
    bs_backward_step_of((c)->t->net, (c)->j, &q, &l)

/* The knobs of the right step, to turn one of. */
#define KNOBS(k) bs_step_knobs k = bs_step_knobs_right()

static bs_mistake_rc m_sign(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                            char *d, size_t ds)
{
    (void)d;
    (void)ds;
    if (v > 0)
        return BS_MISTAKE_DONE;
    KNOBS(k);
    k.negate = 1;
    return kernel(c, &k, o);
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
    KNOBS(k);
    k.batch_power = 1;
    return kernel(c, &k, o);
}

static bs_mistake_rc m_invb_twice(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    STEP_OF(c, q, l);
    (void)d;
    (void)ds;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (!batch_mean(c->t) || ((q == BS_Q_A || q == BS_Q_Z) && l != c->t->net->L))
        return BS_MISTAKE_SKIP;
    KNOBS(k);
    k.batch_power = -1;
    return kernel(c, &k, o);
}

/* Variant 0: the right step laid out transposed (a layout mistake of the
 * result, not a change of formula); variant 1: g[(n−1)a] = g[nz] W instead of
 * g[nz] Wᵀ (square W only). */
static bs_mistake_rc m_transpose(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                 char *d, size_t ds)
{
    STEP_OF(c, q, l);
    const bs_net *net = c->t->net;
    char w[32], k[40];
    if (v == 0) {
        bs_mat m;
        bs_mistake_rc rc = kernel(c, NULL, &m);
        if (rc != BS_MISTAKE_MADE)
            return rc;
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
    if (q != BS_Q_A || l == net->L || net->n[l] != net->n[l + 1])
        return BS_MISTAKE_SKIP;
    KNOBS(kn);
    kn.w_transposed = 0;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_var(w, sizeof w, BS_Q_W, l + 1, c->nt);
    bs_name_grad(k, sizeof k, q, l, c->nt);
    snprintf(d, ds, "the result of a missing transpose: %s computed with %s in place of its transpose",
             k, w);
    return rc;
}

/* The step g[lz] under derivative knob `deriv`, and the names its detail
 * text uses: the activation f, z[l], a[l] and g[lz] in the notation. */
typedef struct z_names {
    char f[32], z[32], a[32], k[40];
} z_names;

static bs_mistake_rc deriv_variant(const bs_mistake_ctx *c, size_t l, bs_deriv deriv,
                                   bs_mat *o, z_names *n)
{
    KNOBS(kn);
    kn.deriv = deriv;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_act(n->f, sizeof n->f, c->t->net, l, c->nt);
    bs_name_var(n->z, sizeof n->z, BS_Q_Z, l, c->nt);
    bs_name_var(n->a, sizeof n->a, BS_Q_A, l, c->nt);
    bs_name_grad(n->k, sizeof n->k, BS_Q_Z, l, c->nt);
    return rc;
}

static bs_mistake_rc m_no_deriv(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                char *d, size_t ds)
{
    STEP_OF(c, q, l);
    z_names n;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_Z)
        return BS_MISTAKE_SKIP;
    bs_mistake_rc rc = deriv_variant(c, l, BS_DERIV_NONE, o, &n);
    if (rc == BS_MISTAKE_MADE)
        snprintf(d, ds, "the result of leaving out %s'(%s) in %s", n.f, n.z, n.k);
    return rc;
}

static bs_mistake_rc m_deriv_at_a(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    STEP_OF(c, q, l);
    z_names n;
    if (v > 0)
        return BS_MISTAKE_DONE;
    const bs_activation *act = c->t->net->act[l];
    if (q != BS_Q_Z || !act->elementwise || !act->derivative)
        return BS_MISTAKE_SKIP;
    bs_mistake_rc rc = deriv_variant(c, l, BS_DERIV_AT_A, o, &n);
    if (rc == BS_MISTAKE_MADE)
        snprintf(d, ds,
                 "the result of evaluating the derivative at %s instead of %s in %s: %s'(%s)",
                 n.a, n.z, n.k, n.f, n.a);
    return rc;
}

/* The derivative formula half remembered: the activation's value a[n] = f(z[n])
 * where f'(z[n]) belongs (a instead of a(1 − a) for the sigmoid). */
static bs_mistake_rc m_act_for_deriv(const bs_mistake_ctx *c, size_t v, bs_mat *o, char *d,
                                     size_t ds)
{
    STEP_OF(c, q, l);
    z_names n;
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_Z || !c->t->net->act[l]->elementwise)
        return BS_MISTAKE_SKIP;
    bs_mistake_rc rc = deriv_variant(c, l, BS_DERIV_VALUE, o, &n);
    if (rc == BS_MISTAKE_MADE)
        snprintf(d, ds,
                 "the result of multiplying by %s(%s) = %s, the activation itself, instead of "
                 "its derivative %s'(%s) in %s",
                 n.f, n.z, n.a, n.f, n.z, n.k);
    return rc;
}

/* Softmax treated as elementwise keeps only its Jacobian's diagonal
 * a ∘ (1 − a): the logistic derivative formula, applied to softmax's own a. */
static bs_mistake_rc m_softmax_elementwise(const bs_mistake_ctx *c, size_t v,
                                           bs_mat *o, char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char a[32], ga[40], k[40];
    if (v > 0)
        return BS_MISTAKE_DONE;
    const bs_activation *logistic = bs_activation_find("sigmoid");
    if (q != BS_Q_Z || strcmp(c->t->net->act[l]->name, "softmax") != 0 || !logistic)
        return BS_MISTAKE_SKIP;
    KNOBS(kn);
    kn.deriv = BS_DERIV_ON_ZA;
    kn.deriv_f = logistic;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    bs_name_grad(ga, sizeof ga, BS_Q_A, l, c->nt);
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    snprintf(d, ds,
             "the result of treating softmax as elementwise in %s: %s ∘ (1 − %s) ∘ %s "
             "instead of the Jacobian",
             k, a, a, ga);
    return rc;
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
    KNOBS(kn);
    kn.deriv = own_a ? BS_DERIV_ON_ZA : BS_DERIV_AT_Z;
    kn.deriv_f = g;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_grad(k, sizeof k, BS_Q_Z, l, c->nt);
    if (!own_a) {
        snprintf(d, ds, "the result of using the derivative of %s instead of %s in %s",
                 g->name, own->name, k);
        return rc;
    }
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    formula_of(g, f, sizeof f);
    snprintf(d, ds,
             "the result of applying %s's derivative formula %s to the %s layer's own %s in %s",
             g->name, f, own->name, a, k);
    return rc;
}

/* Variant 0: the B rows of g[nz] unsummed; variant 1: its first row only. */
static bs_mistake_rc m_bias_not_summed(const bs_mistake_ctx *c, size_t v,
                                       bs_mat *o, char *d, size_t ds)
{
    STEP_OF(c, q, l);
    char k[40], gz[40];
    if (v > 1)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_B || c->t->net->B < 2)
        return BS_MISTAKE_SKIP;
    KNOBS(kn);
    kn.sum = v == 0 ? BS_SUM_NONE : BS_SUM_FIRST;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_grad(k, sizeof k, BS_Q_B, l, c->nt);
    bs_name_grad(gz, sizeof gz, BS_Q_Z, l, c->nt);
    if (v == 0)
        snprintf(d, ds, "the result of not summing %s over the batch: the B rows of %s",
                 k, gz);
    else
        snprintf(d, ds,
                 "the result of not summing %s over the batch: the first example's row of %s only",
                 k, gz);
    return rc;
}

/* g[nW] with c λ W[n] in place of 2λ W[n]: c = 0 (missing) or 1. */
static bs_mistake_rc l2_variant(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                char *d, size_t ds, double factor)
{
    STEP_OF(c, q, l);
    char k[40], w[32];
    if (v > 0)
        return BS_MISTAKE_DONE;
    if (q != BS_Q_W || c->t->net->l2 == 0.0)
        return BS_MISTAKE_SKIP;
    KNOBS(kn);
    kn.l2_factor = factor;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_grad(k, sizeof k, BS_Q_W, l, c->nt);
    bs_name_var(w, sizeof w, BS_Q_W, l, c->nt);
    if (factor == 0.0)
        snprintf(d, ds, "backstep's %s without the L2 term 2λ%s", k, w);
    else
        snprintf(d, ds, "backstep's %s with λ%s instead of 2λ%s: the derivative of λ‖%s‖² is 2λ%s",
                 k, w, w, w, w);
    return rc;
}

static bs_mistake_rc m_l2_missing(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                  char *d, size_t ds)
{
    return l2_variant(c, v, o, d, ds, 0.0);
}

static bs_mistake_rc m_l2_lambda(const bs_mistake_ctx *c, size_t v, bs_mat *o,
                                 char *d, size_t ds)
{
    return l2_variant(c, v, o, d, ds, 1.0);
}

/* Variant v: g[na] computed with W[v + 1] in place of W[n+1] (same shape). */
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
    KNOBS(kn);
    kn.w_layer = m;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    bs_name_grad(k, sizeof k, BS_Q_A, l, c->nt);
    bs_name_var(w, sizeof w, BS_Q_W, m, c->nt);
    bs_name_var(right, sizeof right, BS_Q_W, l + 1, c->nt);
    snprintf(d, ds, "the result of using the weights of the wrong layer in %s: %s instead of %s",
             k, w, right);
    return rc;
}

/* Backstep's own value of the same step one layer up (variant 0) or down
 * (variant 1): not a variation of the step's formula but a value taken from
 * the wrong place, so it reads the trace rather than the kernel. */
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
    bs_backward_shape(net, c->j, &r0, &c0);
    bs_backward_shape(net, jm, &r, &cc);
    if (r != r0 || cc != c0)
        return BS_MISTAKE_SKIP;
    bs_mat tr = bs_backward_value(net, c->t->grads, jm);
    if (mat_new(o, r, cc))
        return BS_MISTAKE_NOMEM;
    memcpy(o->v, tr.v, sizeof(double) * r * cc);
    bs_name_grad(k, sizeof k, q, l, c->nt);
    bs_name_grad(other, sizeof other, q, m, c->nt);
    snprintf(d, ds, "backstep's %s in place of %s: a step off by one layer", other, k);
    return BS_MISTAKE_MADE;
}

/* Only one of the flows into a[n]: a unit of layer n feeds every unit u of
 * layer n + 1, and g[na] sums the flows back through all of them; variant u
 * keeps the flow through unit u alone (the sum left out).  Layers n + 1 of
 * two units or more. */
static bs_mistake_rc m_one_flow(const bs_mistake_ctx *c, size_t v, bs_mat *o, char *d,
                                size_t ds)
{
    STEP_OF(c, q, l);
    const bs_net *net = c->t->net;
    if (q != BS_Q_A || l == net->L)
        return v == 0 ? BS_MISTAKE_SKIP : BS_MISTAKE_DONE;
    if (net->n[l + 1] < 2 || v >= net->n[l + 1])
        return BS_MISTAKE_DONE;
    KNOBS(kn);
    kn.only_flow = v + 1;
    bs_mistake_rc rc = kernel(c, &kn, o);
    if (rc != BS_MISTAKE_MADE)
        return rc;
    char k[40], a[32], z[32];
    bs_name_grad(k, sizeof k, BS_Q_A, l, c->nt);
    bs_name_var(a, sizeof a, BS_Q_A, l, c->nt);
    bs_name_var(z, sizeof z, BS_Q_Z, l + 1, c->nt);
    snprintf(d, ds,
             "the result of following only the flow through unit %zu of %s in %s: each unit "
             "of %s feeds all %zu units of %s, and its gradient sums the flows back through "
             "every one",
             v + 1, z, k, a, net->n[l + 1], z);
    return rc;
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
    {BS_MISTAKE_ACT_FOR_DERIV, "activation-for-derivative",
     "the activation in place of its derivative", "{d}", BS_MK_Z, m_act_for_deriv},
    {BS_MISTAKE_ONE_FLOW, "one-flow", "only one of the flows into a unit", "{d}", BS_MK_A,
     m_one_flow},
};

const bs_mistake *bs_mistake_find(const char *key)
{
    for (size_t i = 0; i < BS_MISTAKE_COUNT; i++)
        if (strcmp(bs_mistakes[i].key, key) == 0)
            return &bs_mistakes[i];
    return NULL;
}
