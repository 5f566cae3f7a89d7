/* bs_act_tmpl.h — activation forward functions over the scalar type T.
 * Included by bs_act.c once per scalar type (see bs_scalar.h). */
#include "bs_scalar.h"

/* f(z) = 1/(1 + exp(−z)), evaluated as exp(z)/(1 + exp(z)) for z < 0 so that
 * exp never overflows */
static void BS_FN(sigmoid_fwd)(const T *z, T *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (BS_RE(z[i]) >= 0) {
            a[i] = 1.0 / (1.0 + BS_EXP(-z[i]));
        } else {
            T e = BS_EXP(z[i]);
            a[i] = e / (1.0 + e);
        }
    }
}

/* f(z) = tanh(z) */
static void BS_FN(tanh_fwd)(const T *z, T *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = BS_TANH(z[i]);
}

/* f(z) = max(0, z), branch on Re z */
static void BS_FN(relu_fwd)(const T *z, T *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = BS_RE(z[i]) > 0 ? z[i] : (T)0.0;
}

/* f(z) = z for z > 0, 0.01·z otherwise */
static void BS_FN(leaky_relu_fwd)(const T *z, T *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = BS_RE(z[i]) > 0 ? z[i] : 0.01 * z[i];
}

/* f(z) = z */
static void BS_FN(identity_fwd)(const T *z, T *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = z[i];
}

/* f_j(z) = exp(z_j − m) / Σ_t exp(z_t − m), m = max_t Re z_t */
static void BS_FN(softmax_fwd)(const T *z, T *a, size_t n)
{
    if (n == 0)
        return;
    double m = BS_RE(z[0]);
    for (size_t i = 1; i < n; i++)
        if (BS_RE(z[i]) > m)
            m = BS_RE(z[i]);
    T s = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = BS_EXP(z[i] - m);
        s += a[i];
    }
    for (size_t i = 0; i < n; i++)
        a[i] /= s;
}

#include "bs_scalar_undef.h"
