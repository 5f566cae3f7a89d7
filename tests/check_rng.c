/* check_rng.c — tests of bs_rng: the SplitMix64 reference vectors, the
 * uniform, bounded and normal deviates drawn from it, the portable
 * logarithm against the C library's, reproducibility and streams.
 *
 * The reference vectors are the published ones of SplitMix64 for the seed
 * 1234567; the stream formula is checked against a SplitMix64 written out
 * here from its definition (Steele, Lea and Flood, 2014). */
#include <check.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "suites.h"
#include "bs_rng.h"

/* ---------------------------------------------------------------------------
 * SplitMix64 itself
 * ------------------------------------------------------------------------- */

static const uint64_t seed_vectors[5] = {
    UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
    UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
    UINT64_C(16408922859458223821)};

START_TEST(test_reference_vectors)
{
    bs_rng r = bs_rng_make(1234567);
    for (int i = 0; i < 5; i++) {
        uint64_t v = bs_rng_next(&r);
        ck_assert_msg(v == seed_vectors[i],
                      "draw %d of seed 1234567: %llu, expected %llu", i,
                      (unsigned long long)v, (unsigned long long)seed_vectors[i]);
    }
}
END_TEST

/* u = (next ≫ 11) · 2⁻⁵³, from the same published outputs */
START_TEST(test_uniform_from_vectors)
{
    bs_rng r = bs_rng_make(1234567);
    for (int i = 0; i < 5; i++) {
        double u = bs_rng_uniform(&r);
        double want = ldexp((double)(seed_vectors[i] >> 11), -53);
        ck_assert_msg(u == want, "uniform draw %d: %.17g, expected %.17g", i, u,
                      want);
    }
}
END_TEST

/* SplitMix64's finaliser, written out from the algorithm's definition */
static uint64_t ref_mix(uint64_t z)
{
    z ^= z >> 30;
    z *= UINT64_C(0xBF58476D1CE4E5B9);
    z ^= z >> 27;
    z *= UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return z;
}

static const uint64_t GOLDEN = UINT64_C(0x9E3779B97F4A7C15);

START_TEST(test_reference_implementation)
{
    /* the reference agrees with the published vectors, then with bs_rng */
    uint64_t state = 1234567;
    for (int i = 0; i < 5; i++) {
        state += GOLDEN;
        ck_assert(ref_mix(state) == seed_vectors[i]);
    }
    static const uint64_t seeds[] = {0, 1, 42, UINT64_MAX, UINT64_C(0x0123456789ABCDEF)};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        bs_rng r = bs_rng_make(seeds[s]);
        state = seeds[s];
        for (int i = 0; i < 1000; i++) {
            state += GOLDEN;
            uint64_t want = ref_mix(state), got = bs_rng_next(&r);
            ck_assert_msg(got == want, "seed %llu draw %d: %llu, expected %llu",
                          (unsigned long long)seeds[s], i,
                          (unsigned long long)got, (unsigned long long)want);
        }
    }
}
END_TEST

START_TEST(test_same_seed_same_sequence)
{
    bs_rng a = bs_rng_make(20240601), b = bs_rng_make(20240601);
    for (int i = 0; i < 10000; i++) {
        uint64_t x = bs_rng_next(&a), y = bs_rng_next(&b);
        ck_assert_msg(x == y, "draw %d differs: %llu vs %llu", i,
                      (unsigned long long)x, (unsigned long long)y);
    }
    bs_rng c = bs_rng_make(7), d = bs_rng_make(7);
    for (int i = 0; i < 10000; i++) {
        double x = bs_rng_normal(&c), y = bs_rng_normal(&d);
        ck_assert_msg(x == y, "normal draw %d differs: %.17g vs %.17g", i, x, y);
    }
    /* a different seed gives a different sequence */
    bs_rng e = bs_rng_make(20240601), f = bs_rng_make(20240602);
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += bs_rng_next(&e) == bs_rng_next(&f);
    ck_assert_int_eq(same, 0);
}
END_TEST

START_TEST(test_streams)
{
    const uint64_t seed = 1234567;
    bs_rng s0 = bs_rng_stream(seed, 0), s1 = bs_rng_stream(seed, 1);
    ck_assert_msg(s0.state != s1.state, "streams 0 and 1 share a state");
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += bs_rng_next(&s0) == bs_rng_next(&s1);
    ck_assert_int_eq(same, 0);

    /* the documented formula: seed' = mix(seed ^ mix(stream + 1)), and the
     * first draw is then mix(seed' + golden) */
    for (uint64_t k = 0; k < 50; k++) {
        bs_rng r = bs_rng_stream(seed, k);
        uint64_t st = ref_mix(seed ^ ref_mix(k + 1));
        for (int i = 0; i < 3; i++) {
            st += GOLDEN;
            uint64_t want = ref_mix(st), got = bs_rng_next(&r);
            ck_assert_msg(got == want,
                          "stream %llu draw %d: %llu, expected %llu",
                          (unsigned long long)k, i, (unsigned long long)got,
                          (unsigned long long)want);
        }
    }
    /* streams are also distinct from the plain generator of the seed */
    bs_rng p = bs_rng_make(seed), q = bs_rng_stream(seed, 0);
    ck_assert(bs_rng_next(&p) != bs_rng_next(&q));
}
END_TEST

/* ---------------------------------------------------------------------------
 * Deviates
 * ------------------------------------------------------------------------- */

START_TEST(test_uniform_range_and_mean)
{
    bs_rng r = bs_rng_make(99);
    const int n = 100000;
    double sum = 0.0, lo = 1.0, hi = 0.0;
    for (int i = 0; i < n; i++) {
        double u = bs_rng_uniform(&r);
        ck_assert_msg(u >= 0.0 && u < 1.0, "uniform draw %d = %.17g", i, u);
        sum += u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    double mean = sum / n;
    ck_assert_msg(fabs(mean - 0.5) <= 0.01, "uniform mean %.6f", mean);
    /* 100k draws reach within 1e-3 of both ends (failure chance ~e⁻¹⁰⁰) */
    ck_assert_msg(lo < 1e-3 && hi > 1.0 - 1e-3, "uniform range [%g, %g]", lo, hi);
}
END_TEST

START_TEST(test_below)
{
    bs_rng r = bs_rng_make(5);
    int counts[7] = {0};
    for (int i = 0; i < 10000; i++) {
        uint64_t v = bs_rng_below(&r, 7);
        ck_assert_msg(v < 7, "below(7) gave %llu", (unsigned long long)v);
        counts[v]++;
    }
    /* each residue about 10000/7 ≈ 1429 times, σ ≈ 35 */
    for (int k = 0; k < 7; k++)
        ck_assert_msg(counts[k] > 1429 - 250 && counts[k] < 1429 + 250,
                      "below(7) gave %d %d times in 10000", k, counts[k]);

    for (uint64_t n = 1; n <= 40; n++)
        for (int i = 0; i < 200; i++) {
            uint64_t v = bs_rng_below(&r, n);
            ck_assert_msg(v < n, "below(%llu) gave %llu", (unsigned long long)n,
                          (unsigned long long)v);
        }
    /* a bound just above 2⁶³, where almost half of the outputs are rejected */
    const uint64_t big = (UINT64_C(1) << 63) + 1;
    for (int i = 0; i < 1000; i++)
        ck_assert(bs_rng_below(&r, big) < big);
    ck_assert(bs_rng_below(&r, UINT64_MAX) < UINT64_MAX);

    /* no modulo bias: with n = 3·2⁶², a plain next % n would land in
     * [0, 2⁶²) half of the time instead of a third (σ of the fraction ≈ 0.005) */
    const uint64_t q = UINT64_C(1) << 62, n3 = 3 * q;
    int low = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t v = bs_rng_below(&r, n3);
        ck_assert(v < n3);
        low += v < q;
    }
    ck_assert_msg(fabs(low / 10000.0 - 1.0 / 3.0) <= 0.03,
                  "below(3·2^62) fell below 2^62 in %d of 10000 draws", low);
}
END_TEST

START_TEST(test_normal_moments)
{
    bs_rng r = bs_rng_make(2718281828);
    const int n = 100000;
    double sum = 0.0, sum2 = 0.0;
    int inside1 = 0;
    for (int i = 0; i < n; i++) {
        double x = bs_rng_normal(&r);
        ck_assert_msg(isfinite(x), "normal draw %d = %g", i, x);
        sum += x;
        sum2 += x * x;
        inside1 += fabs(x) < 1.0;
    }
    double mean = sum / n;
    double var = sum2 / n - mean * mean;
    ck_assert_msg(fabs(mean) <= 0.02, "normal mean %.6f", mean);
    ck_assert_msg(fabs(var - 1.0) <= 0.03, "normal variance %.6f", var);
    /* P(|X| < 1) = erf(1/√2) ≈ 0.6827; σ of the fraction ≈ 0.0015 */
    double frac = (double)inside1 / n;
    ck_assert_msg(fabs(frac - erf(1.0 / sqrt(2.0))) <= 0.01,
                  "fraction within one sigma %.5f", frac);
}
END_TEST

/* ---------------------------------------------------------------------------
 * The portable logarithm
 * ------------------------------------------------------------------------- */

/* |got − want| in units of the last place of want */
static double ulps(double got, double want)
{
    if (got == want)
        return 0.0;
    double w = fabs(want);
    double ulp = nextafter(w, INFINITY) - w;
    return fabs(got - want) / ulp;
}

static void check_log(double x)
{
    double got = bs_rng_log(x), want = log(x);
    if (want == 0.0) {
        ck_assert_msg(got == 0.0, "bs_rng_log(%.17g) = %.17g, expected 0", x, got);
        return;
    }
    double u = ulps(got, want);
    /* Relative 5e-16 is about 2 ulp at the bottom of a binade and 4 ulp at
     * its top.  The result 2·s·p carries the rounding errors of s = (m−1)/(m+1)
     * (two operations), of p and of the product, so up to 3 ulp are seen
     * (e.g. at x = 1.0295616055190757), as the header says. */
    int ok = u <= 3.0 && fabs(got - want) <= 5e-16 * fabs(want);
    ck_assert_msg(ok,
                  "bs_rng_log(%.17g) = %.17g, log = %.17g (%.2f ulp)", x, got,
                  want, u);
}

START_TEST(test_log_special_values)
{
    ck_assert_double_eq(bs_rng_log(1.0), 0.0);
    ck_assert_double_eq_tol(bs_rng_log(2.0), 0.69314718055994530942, 2e-16);
    ck_assert_double_eq_tol(bs_rng_log(0.5), -0.69314718055994530942, 2e-16);
    ck_assert_double_eq_tol(bs_rng_log(10.0), 2.30258509299404568402, 5e-16);
    ck_assert_double_eq_tol(bs_rng_log(1024.0), 10.0 * 0.69314718055994530942,
                            2e-15);
    static const double xs[] = {
        1.0, 0.5, 2.0, 4.0, 0.25, 3.0, 10.0, 0.1, 2.71828182845904523536, 1e-300, 1e300, 1e-308,
        5e-310, 1e-320, 4.9406564584124654e-324, DBL_MIN, DBL_MAX,
        DBL_MIN * (1.0 - DBL_EPSILON), 1.0 + DBL_EPSILON, 1.0 - DBL_EPSILON / 2,
        1.0 + 1e-10, 1.0 - 1e-10, 1.0 + 1e-5, 1.0 - 1e-5, 1.5, 0.75,
        0.70710678118654752440, 1.41421356237309504880};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        check_log(xs[i]);
}
END_TEST

START_TEST(test_log_near_sqrt_half)
{
    /* the reduction switches at m = √½: step across it ulp by ulp, and at the
     * same mantissas times powers of two */
    const double r = 0.70710678118654752440;
    static const int scales[] = {0, 1, -1, 10, -10, 500, -500, -1020, 1020};
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        double x = ldexp(r, scales[s]);
        double lo = x, hi = x;
        for (int k = 0; k < 200; k++) {
            check_log(lo);
            check_log(hi);
            lo = nextafter(lo, 0.0);
            hi = nextafter(hi, INFINITY);
        }
        /* and a little further away, both sides */
        for (int k = -100; k <= 100; k++)
            check_log(x * (1.0 + k * 1e-6));
    }
    /* around 1, ulp by ulp */
    double lo = 1.0, hi = 1.0;
    for (int k = 0; k < 500; k++) {
        check_log(lo);
        check_log(hi);
        lo = nextafter(lo, 0.0);
        hi = nextafter(hi, INFINITY);
    }
}
END_TEST

START_TEST(test_log_sweep)
{
    /* 1e-300 … 1e300 geometrically, with a mantissa that wanders */
    const int n = 60000;
    for (int i = 0; i <= n; i++) {
        double x = pow(10.0, -300.0 + 600.0 * i / n);
        check_log(x);
    }
    /* mantissas over [0.5, 2) finely */
    for (int i = 0; i < 30000; i++)
        check_log(0.5 + 1.5 * i / 30000.0);
    /* subnormals */
    for (double x = 5e-310; x > 1e-323; x /= 3.7)
        check_log(x);
    /* random doubles from the generator's own bits, positive and finite */
    bs_rng r = bs_rng_make(31337);
    for (int i = 0; i < 20000; i++) {
        double u = bs_rng_uniform(&r);
        double x = ldexp(0.5 + u / 2.0, (int)bs_rng_below(&r, 2000) - 1000);
        check_log(x);
    }
}
END_TEST

Suite *rng_suite(void);

Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");

    TCase *tc = tcase_create("splitmix64");
    tcase_add_test(tc, test_reference_vectors);
    tcase_add_test(tc, test_uniform_from_vectors);
    tcase_add_test(tc, test_reference_implementation);
    tcase_add_test(tc, test_same_seed_same_sequence);
    tcase_add_test(tc, test_streams);
    suite_add_tcase(s, tc);

    tc = tcase_create("deviates");
    tcase_add_test(tc, test_uniform_range_and_mean);
    tcase_add_test(tc, test_below);
    tcase_add_test(tc, test_normal_moments);
    suite_add_tcase(s, tc);

    tc = tcase_create("log");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_log_special_values);
    tcase_add_test(tc, test_log_near_sqrt_half);
    tcase_add_test(tc, test_log_sweep);
    suite_add_tcase(s, tc);

    return s;
}
