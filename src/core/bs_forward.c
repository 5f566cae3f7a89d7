/* bs_forward.c — the forward pass of the whole batch. */
#include "bs_forward.h"

#include <stdlib.h>

#define BS_COMPLEX 0
#include "bs_forward_tmpl.h"
#define BS_COMPLEX 1
#include "bs_forward_tmpl.h"

double bs_net_reduction_factor(const bs_net *net)
{
    return net->reduction == BS_MEAN ? 1.0 / (double)net->B : 1.0;
}

double bs_net_penalty(const bs_net *net)
{
    if (net->l2 == 0.0)
        return 0.0;
    double s = 0.0;
    for (size_t l = 1; l <= net->L; l++) {
        size_t count = net->n[l - 1] * net->n[l];
        for (size_t k = 0; k < count; k++)
            s += net->W[l][k] * net->W[l][k];
    }
    return net->l2 * s;
}

void bs_forward_free(bs_forward *fw)
{
    if (!fw)
        return;
    if (fw->z)
        for (size_t l = 0; l <= fw->L; l++)
            free(fw->z[l]);
    if (fw->a)
        for (size_t l = 1; l <= fw->L; l++) /* a[0] is owned too */
            free(fw->a[l]);
    if (fw->a)
        free(fw->a[0]);
    free(fw->z);
    free(fw->a);
    free(fw->ell);
    free(fw);
}

bs_status bs_forward_run(const bs_net *net, bs_forward **out, bs_error *err)
{
    *out = NULL;
    size_t L = net->L, B = net->B;
    bs_forward *fw = calloc(1, sizeof *fw);
    if (!fw)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    fw->L = L;
    fw->B = B;
    fw->z = calloc(L + 1, sizeof(double *));
    fw->a = calloc(L + 1, sizeof(double *));
    fw->ell = malloc(sizeof(double) * B);
    if (!fw->z || !fw->a || !fw->ell)
        goto nomem;
    fw->a[0] = malloc(sizeof(double) * B * net->n[0]);
    if (!fw->a[0])
        goto nomem;
    for (size_t k = 0; k < B * net->n[0]; k++)
        fw->a[0][k] = net->x[k];
    for (size_t l = 1; l <= L; l++) {
        fw->z[l] = malloc(sizeof(double) * B * net->n[l]);
        fw->a[l] = malloc(sizeof(double) * B * net->n[l]);
        if (!fw->z[l] || !fw->a[l])
            goto nomem;
        bs_fwd_affine_d(fw->a[l - 1], net->W[l], net->b[l], B, net->n[l - 1],
                        net->n[l], fw->z[l]);
        activate_d(net->act[l], fw->z[l], fw->a[l], B, net->n[l]);
    }
    size_t K = net->n[L];
    double sum = 0.0;
    for (size_t i = 0; i < B; i++) {
        fw->ell[i] = example_loss_d(net, fw->z[L] + i * K, fw->a[L] + i * K,
                                    net->y + i * K);
        sum += fw->ell[i];
    }
    fw->data_loss = bs_net_reduction_factor(net) * sum;
    fw->penalty = bs_net_penalty(net);
    fw->loss = fw->data_loss + fw->penalty;
    *out = fw;
    return BS_OK;
nomem:
    bs_forward_free(fw);
    return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
}
