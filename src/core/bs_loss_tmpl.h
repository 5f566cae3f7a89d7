/* bs_loss_tmpl.h — per-example losses over the scalar type T.
 * Included by bs_loss.c once per scalar type (see bs_scalar.h).
 * Terms whose target coefficient is exactly 0 are skipped, so that
 * 0 · log 0 never turns into NaN. */
#include "bs_scalar.h"

/* ℓ = ½ Σ_j (y_j − ŷ_j)² */
static T BS_FN(mse_value)(const T *a, const double *y, size_t n)
{
    T s = 0;
    for (size_t j = 0; j < n; j++) {
        T d = y[j] - a[j];
        s += d * d;
    }
    return 0.5 * s;
}

/* ℓ = −Σ_j [y_j log ŷ_j + (1 − y_j) log(1 − ŷ_j)] */
static T BS_FN(bce_value)(const T *a, const double *y, size_t n)
{
    T s = 0;
    for (size_t j = 0; j < n; j++) {
        if (y[j] != 0.0)
            s += y[j] * BS_LOG(a[j]);
        if (y[j] != 1.0)
            s += (1.0 - y[j]) * BS_LOG1P(-a[j]);
    }
    return -s;
}

/* ℓ = −Σ_j y_j log ŷ_j */
static T BS_FN(ce_value)(const T *a, const double *y, size_t n)
{
    T s = 0;
    for (size_t j = 0; j < n; j++)
        if (y[j] != 0.0)
            s += y[j] * BS_LOG(a[j]);
    return -s;
}

/* softplus(x) = log(1 + exp(x)), without overflow */
static T BS_FN(softplus)(T x)
{
    if (BS_RE(x) > 0)
        return x + BS_LOG1P(BS_EXP(-x));
    return BS_LOG1P(BS_EXP(x));
}

/* sigmoid + bce from z: −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z) */
static T BS_FN(sigmoid_bce_value)(const T *z, const double *y, size_t n)
{
    T s = 0;
    for (size_t j = 0; j < n; j++) {
        if (y[j] != 0.0)
            s += y[j] * BS_FN(softplus)(-z[j]);
        if (y[j] != 1.0)
            s += (1.0 - y[j]) * BS_FN(softplus)(z[j]);
    }
    return s;
}

/* max_j Re z_j */
static double BS_FN(max_re)(const T *z, size_t n)
{
    double m = BS_RE(z[0]);
    for (size_t j = 1; j < n; j++)
        if (BS_RE(z[j]) > m)
            m = BS_RE(z[j]);
    return m;
}

/* softmax + cross_entropy from z: −log ŷ_j = lse(z) − z_j,
 * lse(z) = m + log Σ_t exp(z_t − m) */
static T BS_FN(softmax_ce_value)(const T *z, const double *y, size_t n)
{
    if (n == 0)
        return 0;
    double m = BS_FN(max_re)(z, n);
    T s = 0;
    for (size_t t = 0; t < n; t++)
        s += BS_EXP(z[t] - m);
    T lse = m + BS_LOG(s);
    T l = 0;
    for (size_t j = 0; j < n; j++)
        if (y[j] != 0.0)
            l += y[j] * (lse - z[j]);
    return l;
}

/* softmax + bce from z: log ŷ_j = z_j − lse(z), and
 * log(1 − ŷ_j) = lse_{t≠j}(z) − lse(z), where lse_{t≠j} takes its own
 * maximum over t ≠ j, so that it stays finite however far z_j is above the
 * others */
static T BS_FN(softmax_bce_value)(const T *z, const double *y, size_t n)
{
    if (n == 0)
        return 0;
    double m = BS_FN(max_re)(z, n);
    T s = 0;
    for (size_t t = 0; t < n; t++)
        s += BS_EXP(z[t] - m);
    T logs = BS_LOG(s); /* lse(z) = m + logs, kept apart for accuracy */
    T l = 0;
    for (size_t j = 0; j < n; j++) {
        if (y[j] != 0.0)
            l += y[j] * (z[j] - m - logs);
        if (y[j] != 1.0 && n > 1) {
            double mj = 0;
            int first = 1;
            for (size_t t = 0; t < n; t++)
                if (t != j && (first || BS_RE(z[t]) > mj)) {
                    mj = BS_RE(z[t]);
                    first = 0;
                }
            T rest = 0; /* Σ_{t≠j} exp(z_t − m_j), summed directly: no cancellation */
            for (size_t t = 0; t < n; t++)
                if (t != j)
                    rest += BS_EXP(z[t] - mj);
            l += (1.0 - y[j]) * ((mj - m) + BS_LOG(rest) - logs);
        }
    }
    return -l;
}

#include "bs_scalar_undef.h"
