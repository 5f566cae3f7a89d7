/* bs_backward.c — analytic backpropagation, one readable loop per formula. */
#include "bs_backward.h"

#include <stdlib.h>

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

/* gW = (a_prev)ᵀ gz + 2λ W   (a_prev: B×nin, gz: B×nout, gW: nin×nout) */
static void weight_grad(const double *a_prev, const double *gz, const double *W,
                        double lambda, size_t B, size_t nin, size_t nout,
                        double *gW)
{
    for (size_t k = 0; k < nin * nout; k++)
        gW[k] = 0.0;
    for (size_t i = 0; i < B; i++)
        for (size_t p = 0; p < nin; p++) {
            double ap = a_prev[i * nin + p];
            for (size_t q = 0; q < nout; q++)
                gW[p * nout + q] += ap * gz[i * nout + q];
        }
    if (lambda != 0.0)
        for (size_t k = 0; k < nin * nout; k++)
            gW[k] += 2.0 * lambda * W[k];
}

/* gb = Σ_i gz_i   (column sums of gz: B×nout) */
static void bias_grad(const double *gz, size_t B, size_t nout, double *gb)
{
    for (size_t q = 0; q < nout; q++)
        gb[q] = 0.0;
    for (size_t i = 0; i < B; i++)
        for (size_t q = 0; q < nout; q++)
            gb[q] += gz[i * nout + q];
}

/* ga_prev = gz Wᵀ   (gz: B×nout, W: nin×nout, ga_prev: B×nin) */
static void input_grad(const double *gz, const double *W, size_t B, size_t nin,
                       size_t nout, double *ga_prev)
{
    for (size_t i = 0; i < B; i++)
        for (size_t p = 0; p < nin; p++) {
            double s = 0.0;
            for (size_t q = 0; q < nout; q++)
                s += gz[i * nout + q] * W[p * nout + q];
            ga_prev[i * nin + p] = s;
        }
}

bs_status bs_backward_run(const bs_net *net, const bs_forward *fw,
                          bs_grads **out, bs_error *err)
{
    *out = NULL;
    size_t L = net->L, B = net->B, K = net->n[L];
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
    double r = bs_net_reduction_factor(net);
    const double *yhat = fw->a[L];

    /* g[La] = r ∂ℓ/∂ŷ, example by example */
    for (size_t i = 0; i < B; i++) {
        net->loss->grad(yhat + i * K, net->y + i * K, g->ga[L] + i * K, K);
        for (size_t j = 0; j < K; j++)
            g->ga[L][i * K + j] *= r;
    }
    /* g[Lz]: the shortcut r (ŷ − y) where the pair allows it, else J_fᵀ g[La] */
    g->shortcut = net->fused && net->fused->shortcut;
    for (size_t i = 0; i < B; i++) {
        if (g->shortcut)
            for (size_t j = 0; j < K; j++)
                g->gz[L][i * K + j] = r * (yhat[i * K + j] - net->y[i * K + j]);
        else
            net->act[L]->backward(fw->z[L] + i * K, yhat + i * K, g->ga[L] + i * K,
                                  g->gz[L] + i * K, K);
    }
    for (size_t l = L; l >= 1; l--) {
        size_t nin = net->n[l - 1], nout = net->n[l];
        weight_grad(fw->a[l - 1], g->gz[l], net->W[l], net->l2, B, nin, nout,
                    g->gW[l]);
        bias_grad(g->gz[l], B, nout, g->gb[l]);
        if (l == 1)
            break;
        input_grad(g->gz[l], net->W[l], B, nin, nout, g->ga[l - 1]);
        for (size_t i = 0; i < B; i++)
            net->act[l - 1]->backward(fw->z[l - 1] + i * nin, fw->a[l - 1] + i * nin,
                                      g->ga[l - 1] + i * nin, g->gz[l - 1] + i * nin,
                                      nin);
    }
    *out = g;
    return BS_OK;
nomem:
    bs_grads_free(g);
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}
