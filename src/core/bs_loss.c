/* bs_loss.c — the loss registry and the fused output/loss pairs. */
#include "bs_loss.h"

#include <string.h>

#define BS_COMPLEX 0
#include "bs_loss_tmpl.h"
#define BS_COMPLEX 1
#include "bs_loss_tmpl.h"

/* ∂ℓ/∂ŷ_j = ŷ_j − y_j */
static void mse_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++)
        g[j] = a[j] - y[j];
}

/* ∂ℓ/∂ŷ_j = (1 − y_j)/(1 − ŷ_j) − y_j/ŷ_j = (ŷ_j − y_j) / (ŷ_j (1 − ŷ_j))  (handout 001);
 * where ŷ_j is exactly 0 or 1 the two terms apart, each left out where its
 * coefficient is 0, as in the loss itself (ŷ_j = y_j = 1: −1, not 0/0) */
static void bce_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j] * (1.0 - a[j]);
        if (d != 0.0)
            g[j] = (a[j] - y[j]) / d;
        else
            g[j] = (y[j] != 1.0 ? (1.0 - y[j]) / (1.0 - a[j]) : 0.0) -
                   (y[j] != 0.0 ? y[j] / a[j] : 0.0);
    }
}

/* ∂ℓ/∂ŷ_j = −y_j / ŷ_j  (0 where y_j = 0) */
static void ce_grad(const double *a, const double *y, double *g, size_t n)
{
    for (size_t j = 0; j < n; j++)
        g[j] = y[j] != 0.0 ? -y[j] / a[j] : 0.0;
}

static const bs_loss loss_mse = {
    "mse", mse_value_d, mse_value_c, mse_grad, "½ Σ_j (y_j − ŷ_j)²", 0, 0};
static const bs_loss loss_bce = {
    "bce", bce_value_d, bce_value_c, bce_grad,
    "−Σ_j [y_j log ŷ_j + (1 − y_j) log(1 − ŷ_j)]", 1, 0};
static const bs_loss loss_ce = {
    "cross_entropy", ce_value_d, ce_value_c, ce_grad, "−Σ_j y_j log ŷ_j", 1, 1};

const bs_loss *const bs_losses[] = {&loss_mse, &loss_bce, &loss_ce, NULL};

const char *const bs_loss_names[] = {"mse", "bce", "cross_entropy", NULL};

static const bs_fused fused_pairs[] = {
    {"sigmoid", "bce", sigmoid_bce_value_d, sigmoid_bce_value_c, 1,
     "sigmoid + bce: the factors ŷ(1 − ŷ) cancel (handout 001)"},
    {"softmax", "cross_entropy", softmax_ce_value_d, softmax_ce_value_c, 1,
     "softmax + cross-entropy: J_softmaxᵀ g[a] collapses because Σ_j y_j = 1 "
     "(handout 002, Lemma 2)"},
    {"softmax", "bce", softmax_bce_value_d, softmax_bce_value_c, 0, NULL},
};

const bs_loss *bs_loss_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; bs_losses[i]; i++)
        if (strcmp(bs_losses[i]->name, name) == 0)
            return bs_losses[i];
    return NULL;
}

const bs_fused *bs_fused_find(const bs_activation *act, const bs_loss *loss)
{
    if (!act || !loss)
        return NULL;
    for (size_t i = 0; i < sizeof fused_pairs / sizeof fused_pairs[0]; i++)
        if (strcmp(fused_pairs[i].activation, act->name) == 0 &&
            strcmp(fused_pairs[i].loss, loss->name) == 0)
            return &fused_pairs[i];
    return NULL;
}
