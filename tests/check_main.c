/* check_main.c — runs the Check suites of backstep.  With an argument, runs
 * only the suite of that name (meson registers one test per suite); exits
 * non-zero when any check failed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "bs_net.h"
#include "suites.h"

#ifndef BS_SPECS_DIR
#define BS_SPECS_DIR "specs"
#endif

bs_net *bs_test_load(const char *text)
{
    bs_net *net = NULL;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_net_load_string(text, strlen(text), "test.json", NULL, &net, &err);
    ck_assert_msg(st == BS_OK, "spec did not load: %s: %s", err.where, err.message);
    return net;
}

bs_net *bs_test_load_spec(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SPECS_DIR, name);
    bs_net *net = NULL;
    bs_error err;
    bs_error_clear(&err);
    bs_status st = bs_net_load_file(path, NULL, &net, &err);
    ck_assert_msg(st == BS_OK, "%s did not load: %s: %s", path, err.where, err.message);
    return net;
}

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
