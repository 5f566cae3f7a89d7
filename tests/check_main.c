/* check_main.c — runs the Check suites of backstep.  With an argument, runs
 * only the suite of that name (meson registers one test per suite); exits
 * non-zero when any check failed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

typedef Suite *(*suite_fn)(void);

static const struct {
    const char *name;
    suite_fn make;
} suites[] = {
#define X(name) {#name, name##_suite},
    BS_SUITES
#undef X
};

int main(int argc, char **argv)
{
    SRunner *runner = NULL;
    size_t n = sizeof suites / sizeof suites[0];
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
            continue;
        if (!runner)
            runner = srunner_create(suites[i].make());
        else
            srunner_add_suite(runner, suites[i].make());
    }
    if (!runner)
        return 2; /* no such suite: a misconfigured test must not pass */
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
