/* bs_vexp.c — exp and log over arrays, vectorised (see bs_vexp.h). */
#include "bs_vexp.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define BS_VEXP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BS_VEXP_CLONES
#endif

/* the range of x where the vector exp needs no special case: 2^k stays a
 * normal number (−1021 ≤ k ≤ 1023) and so does the result */
#define EXP_LO (-708.0)
#define EXP_HI 709.0

static inline uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* fdlibm e_exp.c: k = round(x / ln 2), r = hi − lo = x − k ln 2 with ln 2
 * split so that k·ln2_hi is exact, exp(r) = 1 + 2r / (2 − c) − r ... in
 * the form 1 − ((lo − r c / (2 − c)) − hi), c = r − r² P(r²); then the
 * result is scaled by 2^k, built from k's bits.  k is rounded by adding and
 * subtracting 1.5·2^52, whose low bits then hold k. */
BS_VEXP_CLONES
static uint64_t vexp_lanes(const double *restrict x, double *restrict y, size_t n)
{
    const double invln2 = 1.44269504088896338700e+00, ln2_hi = 6.93147180369123816490e-01,
                 ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52,
                 P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                 P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                 P5 = 4.13813679705723846039e-08;
    uint64_t outside = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        outside |= (uint64_t)((v < EXP_LO) | (v > EXP_HI) | (v != v));
        v = v > EXP_HI ? EXP_HI : v; /* clamped lanes are redone by the caller */
        v = v < EXP_LO ? EXP_LO : v;
        double kd = v * invln2 + shifter;
        uint64_t kb = bits_of(kd);
        kd = kd - shifter;
        double hi = v - kd * ln2_hi, lo = kd * ln2_lo, r = hi - lo;
        double t = r * r;
        double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
        double e = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
        double scale = double_of((kb + 1023u) << 52);
        y[i] = e * scale;
    }
    return outside;
}

void bs_vexp(const double *x, double *y, size_t n)
{
    /* the lanes outside the vector range (and NaN) are redone by libm */
    if (n == 0 || !vexp_lanes(x, y, n))
        return;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (!(v >= EXP_LO && v <= EXP_HI))
            y[i] = exp(v);
    }
}

/* fdlibm e_log.c: x = 2^k (1 + f) with 1 + f in [√2/2, √2), s = f/(2 + f),
 * log(1 + f) = f − (f²/2 − s (f²/2 + R(s²))), log x = k ln2_hi − ((f²/2 −
 * (s (f²/2 + R) + k ln2_lo)) − f).  k is turned into a double through the
 * bits of 2^52 + k, so that no integer conversion is needed. */
BS_VEXP_CLONES
static void vlog_lanes(const double *restrict x, double *restrict y, size_t n)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
                 Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01, two52 = 0x1p52;
    const uint64_t mant = 0x000fffffffffffffu, one = 0x3ff0000000000000u;
    for (size_t i = 0; i < n; i++) {
        uint64_t u = bits_of(x[i]);
        /* m in [1, 2): x = 2^e m; fold m ≥ √2 down to m/2, e + 1 */
        double m = double_of((u & mant) | one);
        uint64_t e = u >> 52; /* biased exponent of a positive normal x */
        int big = m > 1.41421356237309504880;
        m = big ? m * 0.5 : m;
        e = big ? e + 1 : e;
        double k = double_of(e | 0x4330000000000000u) - two52 - 1023.0;
        double f = m - 1.0;
        double s = f / (2.0 + f), z = s * s, w = z * z;
        double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        double R = t2 + t1, hfsq = 0.5 * f * f;
        y[i] = k * ln2_hi - ((hfsq - (s * (hfsq + R) + k * ln2_lo)) - f);
    }
}

void bs_vlog(const double *x, double *y, size_t n)
{
    size_t i = 0;
    for (; i < n; i++)
        if (!(x[i] >= DBL_MIN && x[i] <= DBL_MAX))
            break;
    if (i == n) {
        vlog_lanes(x, y, n);
        return;
    }
    for (i = 0; i < n; i++) {
        double v = x[i];
        if (v >= DBL_MIN && v <= DBL_MAX)
            vlog_lanes(&v, &y[i], 1);
        else
            y[i] = log(v);
    }
}

/* the maximum over j of z[j·R + r] for each r, compared as the scalar
 * max_re does (z_0 first, then z_j > m), and z_j − m_r */
BS_VEXP_CLONES
static void shifted(const double *restrict z, size_t K, size_t R, double *restrict m,
                    double *restrict d)
{
    for (size_t r = 0; r < R; r++)
        m[r] = z[r];
    for (size_t j = 1; j < K; j++)
        for (size_t r = 0; r < R; r++)
            m[r] = z[j * R + r] > m[r] ? z[j * R + r] : m[r];
    for (size_t j = 0; j < K; j++)
        for (size_t r = 0; r < R; r++)
            d[j * R + r] = z[j * R + r] - m[r];
}

BS_VEXP_CLONES
static void column_sums(const double *restrict e, size_t K, size_t R, double *restrict s)
{
    for (size_t r = 0; r < R; r++)
        s[r] = 0.0;
    for (size_t j = 0; j < K; j++)
        for (size_t r = 0; r < R; r++)
            s[r] += e[j * R + r];
}

/* ℓ_r = Σ_{j: y_j ≠ 0} y_j (lse_r − z_j) in increasing j; a term whose y is
 * 0 is not added (adding +0 to a sum that starts at +0 changes no bit, and
 * 0 · (lse − z) is never formed, so an infinite z there does not turn the
 * sum into NaN) */
BS_VEXP_CLONES
static void ce_terms(const double *restrict z, const double *restrict y, const double *restrict m,
                     const double *restrict logs, size_t K, size_t R, double *restrict ell)
{
    for (size_t r = 0; r < R; r++)
        ell[r] = 0.0;
    for (size_t j = 0; j < K; j++)
        for (size_t r = 0; r < R; r++) {
            double yj = y[r * K + j], lse = m[r] + logs[r];
            double t = yj != 0.0 ? yj * (lse - z[j * R + r]) : 0.0;
            ell[r] += t;
        }
}

void bs_softmax_ce_cols(const double *z, const double *y, size_t K, size_t R, double *ws,
                        double *ell)
{
    if (K == 0) {
        for (size_t r = 0; r < R; r++)
            ell[r] = 0.0;
        return;
    }
    double *d = ws, *e = d + K * R, *m = e + K * R, *s = m + R, *logs = s + R;
    shifted(z, K, R, m, d);
    bs_vexp(d, e, K * R);
    column_sums(e, K, R, s);
    bs_vlog(s, logs, R);
    ce_terms(z, y, m, logs, K, R, ell);
}
