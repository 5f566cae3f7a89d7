/* suites.h — every Check suite of backstep, one per module. */
#ifndef BS_TEST_SUITES_H
#define BS_TEST_SUITES_H

#include <check.h>

#define BS_SUITES \
    X(json) \
    X(trace) \
    X(net) \
    X(render) \
    X(terms) \
    X(act) \
    X(loss) \
    X(rng)

#define X(name) Suite *name##_suite(void);
BS_SUITES
#undef X

#endif
