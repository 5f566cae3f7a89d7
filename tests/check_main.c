/* check_main.c — runs the Check suites of backstep.  With an argument, runs
 * only the suite of that name (meson registers one test per suite); exits
 * non-zero when any check failed. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_grade.h"
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

bs_exercise_set *bs_test_exercise_set(const char *prefix, const char *steps, char *dir,
                                      size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_net *net = bs_test_load_spec("4-3-2-1-bce.json");
    bs_roster *roster = NULL;
    bs_error err;
    bs_error_clear(&err);
    ck_assert(bs_roster_parse("ann\nbob\n", 8, "roster", &roster, &err) == BS_OK);
    bs_exercise_opts o = bs_exercise_defaults();
    o.steps = steps;
    o.formats = 1u << BS_FORMAT_MARKDOWN;
    bs_fileset *fs = NULL;
    ck_assert_msg(bs_exercise_build(net, roster, &o, &fs, &err) == BS_OK, "%s", err.message);
    ck_assert_msg(bs_fileset_write(fs, dir, NULL, &err) == BS_OK, "%s", err.message);
    bs_exercise_set *x = NULL;
    ck_assert_msg(bs_exercise_set_open(dir, &x, &err) == BS_OK, "%s", err.message);
    bs_fileset_free(fs);
    bs_roster_free(roster);
    bs_net_free(net);
    return x;
}

void bs_test_remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
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
