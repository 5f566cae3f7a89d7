/* bs_act.c — the activation registry. */
#include "bs_act.h"

#include <string.h>

#define BS_COMPLEX 0
#include "bs_act_tmpl.h"
#define BS_COMPLEX 1
#include "bs_act_tmpl.h"

/* g[z] = f'(z) ∘ g[a] for elementwise f */
#define ELEMENTWISE_BACKWARD(fname, deriv)                                     \
    static void fname(const double *z, const double *a, const double *ga,      \
                      double *gz, size_t n)                                    \
    {                                                                          \
        for (size_t i = 0; i < n; i++)                                         \
            gz[i] = deriv(z[i], a[i]) * ga[i];                                 \
    }

/* sigmoid'(z) = a (1 − a) */
static double sigmoid_d1(double z, double a) { (void)z; return a * (1.0 - a); }
/* tanh'(z) = 1 − a² */
static double tanh_d1(double z, double a) { (void)z; return 1.0 - a * a; }
/* relu'(z) = 1 for z > 0, else 0 (the subgradient 0 is taken at z = 0) */
static double relu_d1(double z, double a) { (void)a; return z > 0 ? 1.0 : 0.0; }
/* leaky_relu'(z) = 1 for z > 0, else 0.01 */
static double leaky_relu_d1(double z, double a) { (void)a; return z > 0 ? 1.0 : 0.01; }
/* identity'(z) = 1 */
static double identity_d1(double z, double a) { (void)z; (void)a; return 1.0; }

ELEMENTWISE_BACKWARD(sigmoid_bwd, sigmoid_d1)
ELEMENTWISE_BACKWARD(tanh_bwd, tanh_d1)
ELEMENTWISE_BACKWARD(relu_bwd, relu_d1)
ELEMENTWISE_BACKWARD(leaky_relu_bwd, leaky_relu_d1)
ELEMENTWISE_BACKWARD(identity_bwd, identity_d1)

/* g[z]_j = Σ_t (∂a_t/∂z_j) g[a]_t = a_j (g[a]_j − Σ_t a_t g[a]_t),
 * since ∂a_t/∂z_j = a_t (δ_tj − a_j)  (handout 002, Lemma 1 and eq. 12) */
static void softmax_bwd(const double *z, const double *a, const double *ga,
                        double *gz, size_t n)
{
    (void)z;
    double dot = 0.0;
    for (size_t t = 0; t < n; t++)
        dot += a[t] * ga[t];
    for (size_t j = 0; j < n; j++)
        gz[j] = a[j] * (ga[j] - dot);
}

static const bs_activation act_sigmoid = {
    "sigmoid", 1, 0, 1, sigmoid_fwd_d, sigmoid_fwd_c, sigmoid_bwd, sigmoid_d1,
    "1/(1 + exp(−z))", "%a ∘ (1 − %a)"};
static const bs_activation act_tanh = {
    "tanh", 1, 0, 0, tanh_fwd_d, tanh_fwd_c, tanh_bwd, tanh_d1,
    "tanh(z)", "1 − %a ∘ %a"};
static const bs_activation act_relu = {
    "relu", 1, 1, 0, relu_fwd_d, relu_fwd_c, relu_bwd, relu_d1,
    "max(0, z)", "1[%z > 0]"};
static const bs_activation act_leaky_relu = {
    "leaky_relu", 1, 1, 0, leaky_relu_fwd_d, leaky_relu_fwd_c, leaky_relu_bwd,
    leaky_relu_d1, "max(0.01·z, z)", "1[%z > 0] + 0.01·1[%z ≤ 0]"};
static const bs_activation act_identity = {
    "identity", 1, 0, 0, identity_fwd_d, identity_fwd_c, identity_bwd,
    identity_d1, "z", "1"};
static const bs_activation act_softmax = {
    "softmax", 0, 0, 1, softmax_fwd_d, softmax_fwd_c, softmax_bwd, NULL,
    "exp(z_j)/Σ_t exp(z_t)", NULL};

const bs_activation *const bs_activations[] = {
    &act_sigmoid, &act_tanh, &act_relu, &act_leaky_relu, &act_identity,
    &act_softmax, NULL};

const char *const bs_activation_names[] = {
    "sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax", NULL};

const bs_activation *bs_activation_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; bs_activations[i]; i++)
        if (strcmp(bs_activations[i]->name, name) == 0)
            return bs_activations[i];
    return NULL;
}
