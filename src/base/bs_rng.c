/* bs_rng.c — SplitMix64 and the deviates drawn from it. */
#include "bs_rng.h"

#include <math.h>

/* z ← (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9; z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB; z ⊕ (z ≫ 31) */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

bs_rng bs_rng_make(uint64_t seed)
{
    bs_rng r = {seed};
    return r;
}

bs_rng bs_rng_stream(uint64_t seed, uint64_t stream)
{
    bs_rng r = {mix(seed ^ mix(stream + 1))};
    return r;
}

uint64_t bs_rng_next(bs_rng *r)
{
    r->state += UINT64_C(0x9E3779B97F4A7C15);
    return mix(r->state);
}

double bs_rng_uniform(bs_rng *r)
{
    return (double)(bs_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t bs_rng_below(bs_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* reject the top partial block so every residue is equally likely */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do {
        v = bs_rng_next(r);
    } while (v >= limit);
    return v % n;
}

double bs_rng_log(double x)
{
    /* fdlibm's split of ln 2, so that e·ln2 is exact in its high part */
    static const double ln2_hi = 6.93147180369123816490e-01;
    static const double ln2_lo = 1.90821492927058770002e-10;
    int e;
    double m = frexp(x, &e); /* x = m · 2^e, m ∈ [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double s = (m - 1.0) / (m + 1.0); /* |s| ≤ 0.1716 */
    double s2 = s * s;
    /* 2·atanh(s) = 2s (1 + s²/3 + s⁴/5 + … + s²²/23), Horner from the top */
    double p = 1.0 / 23.0;
    for (int k = 21; k >= 1; k -= 2)
        p = 1.0 / k + s2 * p;
    double logm = 2.0 * s * p;
    return (double)e * ln2_hi + ((double)e * ln2_lo + logm);
}

double bs_rng_normal(bs_rng *r)
{
    for (;;) {
        double u = 2.0 * bs_rng_uniform(r) - 1.0;
        double v = 2.0 * bs_rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0)
            return u * sqrt(-2.0 * bs_rng_log(s) / s);
    }
}
