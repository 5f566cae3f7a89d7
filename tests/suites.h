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

struct bs_net;

/* The network of spec text `text` (a test's own), or the test fails with the
 * loader's message.  The caller frees it with bs_net_free(). */
struct bs_net *bs_test_load(const char *text);

/* The network of the shipped spec specs/NAME ("4-3-2-1-bce.json"), or the
 * test fails with the loader's message.  The caller frees it. */
struct bs_net *bs_test_load_spec(const char *name);

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
