/* bs_backward.c — analytic backpropagation: one kernel per backward step,
 * and the full pass as a loop over it. */
#include "bs_backward.h"

#include <stdlib.h>
#include <string.h>

void bs_grads_free(bs_grads *g)
{
    if (!g)
        return;
    for (size_t l = 0; l <= g->L; l++) {
        if (g->ga) free(g->ga[l]);
        if (g->gz) free(g->gz[l]);
        if (g->gW) free(g->gW[l]);
        if (g->gb) free(g->gb[l]);
    }
    free(g->ga);
    free(g->gz);
    free(g->gW);
    free(g->gb);
    free(g);
}

/* ---- step indexing ----------------------------------------------------- */

size_t bs_backward_nsteps(const bs_net *net)
{
    return 4 * net->L;
}

void bs_backward_step_of(const bs_net *net, size_t j, bs_qty *q, size_t *layer)
{
    static const bs_qty kinds[4] = {BS_Q_A, BS_Q_Z, BS_Q_W, BS_Q_B};
    *layer = net->L - j / 4;
    *q = kinds[j % 4];
}

size_t bs_backward_step_index(const bs_net *net, bs_qty q, size_t layer)
{
    size_t k = q == BS_Q_A ? 0 : q == BS_Q_Z ? 1 : q == BS_Q_W ? 2 : 3;
    return 4 * (net->L - layer) + k;
}

void bs_backward_shape(const bs_net *net, size_t j, size_t *rows, size_t *cols)
{
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
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

int bs_backward_shortcut(const bs_net *net)
{
    return net->fused && net->fused->shortcut;
}

size_t bs_backward_source(const bs_net *net, size_t j, const bs_step_knobs *k)
{
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
    switch (q) {
    case BS_Q_A: /* g[(n+1)z], three steps up; g[La] reads the forward pass only */
        return l == net->L ? (size_t)-1 : j - 3;
    case BS_Q_Z: /* g[na]; the output's shortcut reads ŷ and y only */
        return l == net->L && bs_backward_shortcut(net) && (!k || k->deriv == BS_DERIV_RIGHT)
                   ? (size_t)-1
                   : j - 1;
    case BS_Q_W: /* g[nz] */
        return j - 1;
    default: /* g[nz] */
        return j - 2;
    }
}

size_t bs_backward_upstream(const bs_net *net, size_t j)
{
    return bs_backward_source(net, j, NULL);
}

bs_mat bs_backward_value(const bs_net *net, const bs_grads *g, size_t j)
{
    bs_mat m;
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
    bs_backward_shape(net, j, &m.rows, &m.cols);
    m.v = q == BS_Q_A ? g->ga[l] : q == BS_Q_Z ? g->gz[l] : q == BS_Q_W ? g->gW[l] : g->gb[l];
    return m;
}

/* ---- the kernel -------------------------------------------------------- */

bs_step_knobs bs_step_knobs_right(void)
{
    bs_step_knobs k;
    memset(&k, 0, sizeof k);
    k.negate = 0;
    k.batch_power = 0;
    k.l2_factor = 2.0;
    k.w_layer = 0;
    k.w_transposed = 1;
    k.only_flow = 0;
    k.deriv = BS_DERIV_RIGHT;
    k.deriv_f = NULL;
    k.sum = BS_SUM_ALL;
    return k;
}

/* g[La] = r ∂ℓ/∂ŷ, example by example   (ŷ, y, out: B×K) */
static void output_grad(const bs_net *net, const bs_forward *fw, double r, double *out)
{
    size_t L = net->L, B = net->B, K = net->n[L];
    const double *yhat = fw->a[L];
    for (size_t i = 0; i < B; i++) {
        net->loss->grad(yhat + i * K, net->y + i * K, out + i * K, K);
        for (size_t k = 0; k < K; k++)
            out[i * K + k] *= r;
    }
}

/* g[na] = g[(n+1)z] W[m]ᵀ, or g[(n+1)z] W[m] when not transposed; the sum over
 * the units q of layer n + 1 taken over q = only − 1 alone when only > 0
 * (gz: B×nout, W[m]: nin×nout (square when not transposed), out: B×nin) */
static void input_grad(const double *gz, const double *W, int transposed, size_t only,
                       size_t B, size_t nin, size_t nout, double *out)
{
    size_t q0 = only ? only - 1 : 0, q1 = only ? only : nout;
    for (size_t i = 0; i < B; i++)
        for (size_t p = 0; p < nin; p++) {
            double s = 0.0;
            for (size_t q = q0; q < q1; q++)
                s += gz[i * nout + q] * (transposed ? W[p * nout + q] : W[q * nin + p]);
            out[i * nin + p] = s;
        }
}

/* g[nz] from g[na] under the derivative knob   (z, a, ga, out: B×n) */
static void act_grad(const bs_net *net, const bs_forward *fw, size_t l, double r,
                     const bs_step_knobs *k, const double *ga, double *out)
{
    size_t B = net->B, n = net->n[l];
    const double *z = fw->z[l], *a = fw->a[l];
    const bs_activation *f = k->deriv_f ? k->deriv_f : net->act[l];
    switch (k->deriv) {
    case BS_DERIV_RIGHT:
        if (l == net->L && bs_backward_shortcut(net)) {
            /* g[Lz] = r (ŷ − y) */
            for (size_t i = 0; i < B * n; i++)
                out[i] = r * (a[i] - net->y[i]);
        } else {
            /* g[nz] = J_f(z[n])ᵀ g[na], example by example (f'(z[n]) ∘ g[na] elementwise) */
            for (size_t i = 0; i < B; i++)
                net->act[l]->backward(z + i * n, a + i * n, ga + i * n, out + i * n, n);
        }
        return;
    case BS_DERIV_NONE:
        /* g[nz] = g[na] */
        memcpy(out, ga, sizeof(double) * B * n);
        return;
    case BS_DERIV_AT_Z:
    case BS_DERIV_AT_A: {
        /* g[nz] = f'(x) ∘ g[na], x = z[n] or a[n], with f(x) recomputed */
        const double *x = k->deriv == BS_DERIV_AT_Z ? z : a;
        for (size_t i = 0; i < B * n; i++) {
            double fx;
            f->forward_d(&x[i], &fx, 1);
            out[i] = f->derivative(x[i], fx) * ga[i];
        }
        return;
    }
    case BS_DERIV_ON_ZA:
        /* g[nz] = f'(z[n], a[n]) ∘ g[na]: f's formula on this layer's own z and a */
        for (size_t i = 0; i < B * n; i++)
            out[i] = f->derivative(z[i], a[i]) * ga[i];
        return;
    case BS_DERIV_VALUE:
        /* g[nz] = a[n] ∘ g[na]: f(z[n]) where f'(z[n]) belongs */
        for (size_t i = 0; i < B * n; i++)
            out[i] = a[i] * ga[i];
        return;
    }
}

/* g[nW] = (a[n−1])ᵀ g[nz], the data term   (a_prev: B×nin, gz: B×nout, out: nin×nout) */
static void weight_grad(const double *a_prev, const double *gz, size_t B, size_t nin,
                        size_t nout, double *out)
{
    for (size_t k = 0; k < nin * nout; k++)
        out[k] = 0.0;
    for (size_t i = 0; i < B; i++)
        for (size_t p = 0; p < nin; p++) {
            double ap = a_prev[i * nin + p];
            for (size_t q = 0; q < nout; q++)
                out[p * nout + q] += ap * gz[i * nout + q];
        }
}

/* g[nb] = Σ_i g[nz]_i, or the rows of g[nz] unsummed   (gz: B×nout) */
static void bias_grad(const double *gz, bs_sum sum, size_t B, size_t nout, double *out)
{
    switch (sum) {
    case BS_SUM_ALL:
        for (size_t q = 0; q < nout; q++)
            out[q] = 0.0;
        for (size_t i = 0; i < B; i++)
            for (size_t q = 0; q < nout; q++)
                out[q] += gz[i * nout + q];
        return;
    case BS_SUM_NONE:
        memcpy(out, gz, sizeof(double) * B * nout);
        return;
    case BS_SUM_FIRST:
        memcpy(out, gz, sizeof(double) * nout);
        return;
    }
}

void bs_backward_step(const bs_net *net, const bs_forward *fw, size_t j, const double *from,
                      const bs_step_knobs *kn, double *out)
{
    bs_step_knobs right = bs_step_knobs_right();
    const bs_step_knobs *k = kn ? kn : &right;
    bs_qty q;
    size_t l;
    bs_backward_step_of(net, j, &q, &l);
    size_t B = net->B, n = net->n[l], size;
    double r = bs_net_reduction_factor(net);
    switch (q) {
    case BS_Q_A:
        size = B * n;
        if (l == net->L) {
            output_grad(net, fw, r, out);
        } else {
            size_t m = k->w_layer ? k->w_layer : l + 1;
            input_grad(from, net->W[m], k->w_transposed, k->only_flow, B, n, net->n[l + 1],
                       out);
        }
        break;
    case BS_Q_Z:
        size = B * n;
        act_grad(net, fw, l, r, k, from, out);
        break;
    case BS_Q_W:
        size = net->n[l - 1] * n;
        weight_grad(fw->a[l - 1], from, B, net->n[l - 1], n, out);
        break;
    default:
        size = (k->sum == BS_SUM_NONE ? B : 1) * n;
        bias_grad(from, k->sum, B, n, out);
        break;
    }
    /* the data term off by a factor of B: ×B (1/B left out), ÷B (1/B twice) */
    if (k->batch_power > 0)
        for (size_t i = 0; i < size; i++)
            out[i] *= (double)B;
    else if (k->batch_power < 0)
        for (size_t i = 0; i < size; i++)
            out[i] /= (double)B;
    /* g[nW] += c λ W[n], c = 2 for the derivative of λ‖W[n]‖² */
    if (q == BS_Q_W && net->l2 != 0.0 && k->l2_factor != 0.0)
        for (size_t i = 0; i < size; i++)
            out[i] += k->l2_factor * net->l2 * net->W[l][i];
    /* −(the step) */
    if (k->negate)
        for (size_t i = 0; i < size; i++)
            out[i] = -out[i];
}

/* ---- the full pass ----------------------------------------------------- */

bs_status bs_backward_run(const bs_net *net, const bs_forward *fw,
                          bs_grads **out, bs_error *err)
{
    *out = NULL;
    size_t L = net->L, B = net->B;
    bs_grads *g = calloc(1, sizeof *g);
    if (!g)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    g->L = L;
    g->ga = calloc(L + 1, sizeof(double *));
    g->gz = calloc(L + 1, sizeof(double *));
    g->gW = calloc(L + 1, sizeof(double *));
    g->gb = calloc(L + 1, sizeof(double *));
    if (!g->ga || !g->gz || !g->gW || !g->gb)
        goto nomem;
    for (size_t l = 1; l <= L; l++) {
        g->ga[l] = malloc(sizeof(double) * B * net->n[l]);
        g->gz[l] = malloc(sizeof(double) * B * net->n[l]);
        g->gW[l] = malloc(sizeof(double) * net->n[l - 1] * net->n[l]);
        g->gb[l] = malloc(sizeof(double) * net->n[l]);
        if (!g->ga[l] || !g->gz[l] || !g->gW[l] || !g->gb[l])
            goto nomem;
    }
    g->shortcut = bs_backward_shortcut(net);
    /* g[La], g[Lz], g[LW], g[Lb], g[(L−1)a], …, g[1b], each from the one above */
    for (size_t j = 0; j < bs_backward_nsteps(net); j++) {
        size_t s = bs_backward_source(net, j, NULL);
        const double *from = s == (size_t)-1 ? NULL : bs_backward_value(net, g, s).v;
        bs_backward_step(net, fw, j, from, NULL, bs_backward_value(net, g, j).v);
    }
    *out = g;
    return BS_OK;
nomem:
    bs_grads_free(g);
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}
