/* bs_rng.h — the documented random generator of backstep.
 *
 * SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state advanced by the
 * constant 0x9E3779B97F4A7C15 and mixed by two xor-shift-multiply rounds.
 * Every number backstep draws (initial weights, random batches, samples of
 * elements to check) comes from here, so the same seed gives bit-identical
 * numbers on every machine: the uniform numbers use integer arithmetic only,
 * and the normal numbers use +, −, ×, ÷, sqrt and a logarithm computed here
 * from those operations, never the C library's rand() or log().
 */
#ifndef BS_RNG_H
#define BS_RNG_H

#include <stdint.h>

typedef struct bs_rng {
    uint64_t state;
} bs_rng;

/* Returns a generator whose first draw is the SplitMix64 output for `seed`. */
bs_rng bs_rng_make(uint64_t seed);

/* Returns a generator for stream number `stream` of `seed`, so that each
 * parameter or sample has its own independent sequence:
 * seed' = splitmix64_mix(seed ^ splitmix64_mix(stream + 1)). */
bs_rng bs_rng_stream(uint64_t seed, uint64_t stream);

/* Returns the next 64-bit SplitMix64 output. */
uint64_t bs_rng_next(bs_rng *r);

/* u = (next >> 11) · 2⁻⁵³: uniform on [0, 1) with 53 random bits. */
double bs_rng_uniform(bs_rng *r);

/* Returns an integer uniform on [0, n) (n ≥ 1), by rejection, without bias. */
uint64_t bs_rng_below(bs_rng *r, uint64_t n);

/* A standard normal deviate by Marsaglia's polar method:
 * u, v = 2U − 1 until 0 < s = u² + v² < 1, then u · sqrt(−2 ln s / s). */
double bs_rng_normal(bs_rng *r);

/* ln x for finite x > 0, computed with +, −, ×, ÷ only (frexp reduction to
 * m ∈ [√½, √2), then 2·atanh((m−1)/(m+1)) as a series), so that it gives the
 * same bits on every IEEE-754 machine.  Within 3 ulp of the correctly
 * rounded value (relative error below 5e-16). */
double bs_rng_log(double x);

#endif
