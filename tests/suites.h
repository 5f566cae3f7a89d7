/* suites.h — every Check suite of backstep, one per module. */
#ifndef BS_TEST_SUITES_H
#define BS_TEST_SUITES_H

#include <check.h>
#include <complex.h>

/* re + i·im built exactly, for compilers whose CMPLX is missing (clang 14
 * with glibc): C11 lays a double complex out as two doubles. */
static inline double complex bs_test_cx(double re, double im)
{
    double complex z;
    ((double *)&z)[0] = re;
    ((double *)&z)[1] = im;
    return z;
}

#define BS_SUITES \
    X(json) \
    X(trace) \
    X(net) \
    X(render) \
    X(terms) \
    X(act) \
    X(loss) \
    X(rng) \
    X(train) \
    X(exercise) \
    X(session) \
    X(api) \
    X(numeric) \
    X(sweep) \
    X(compare) \
    X(incr) \
    X(directions)

#define X(name) Suite *name##_suite(void);
BS_SUITES
#undef X

#endif
