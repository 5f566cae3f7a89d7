/* cli_classroom.c — the classroom commands: exercise, grade, step and
 * quiz. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Reads a class list, printing every bad line; returns 0 or EXIT_BAD. */
static int load_roster(const char *path, bs_class_list **out)
{
    bs_lib_error errs[50];
    size_t nerr = 0;
    if (bs_class_list_load(path, out, errs, 50, &nerr) == BS_LIB_OK)
        return 0;
    for (size_t i = 0; i < nerr && i < 50; i++)
        cli_report_lib(&errs[i]);
    if (nerr > 50)
        fprintf(stderr, "backstep: %s: and %zu more bad lines\n", path, nerr - 50);
    return EXIT_BAD;
}

/* exercise DIR --add ROSTER: the new students' files, the summary and the
 * manifest; the other students' files are left as they are */
static int exercise_add(cli *c)
{
    if (c->nspecs != 1)
        return cli_bad_usage("exercise --add takes the exercise directory, e.g. backstep exercise "
                         "ex1 --add late.txt");
    if (c->roster || c->out || c->ask || c->digits || c->formats || c->force || c->policy)
        return cli_bad_usage("exercise --add takes its spec, seed and options from "
                         "DIR/exercise.json: give only DIR and --add ROSTER");
    const char *dir = c->specs[0];
    bs_lib_error err;
    bs_exercise *x = NULL;
    if (bs_exercise_open(dir, &x, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    bs_class_list *more = NULL;
    if (load_roster(c->add, &more) != 0) {
        bs_exercise_free(x);
        return EXIT_BAD;
    }
    bs_exercise_files *files = NULL;
    int rc = 0;
    if (bs_exercise_add_students(x, more, &files, &err) != BS_LIB_OK ||
        bs_exercise_files_write(files, dir, c->inputs.paths, c->inputs.n, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        size_t n = bs_class_list_count(more);
        printf("backstep: added %zu student%s to %s/ (%zu in all): their files and "
               "students/<id>/ folders, the booklets (rewritten whole), key/summary.csv, "
               "exercise.json\n",
               n, n == 1 ? "" : "s", dir, bs_exercise_student_count(x) + n);
    }
    bs_exercise_files_free(files);
    bs_class_list_free(more);
    bs_exercise_free(x);
    return rc;
}

/* Whether the built files hold the file `path`. */
static int has_file(const bs_exercise_files *files, const char *path)
{
    for (size_t i = 0; i < bs_exercise_files_count(files); i++)
        if (strcmp(bs_exercise_files_path(files, i), path) == 0)
            return 1;
    return 0;
}

int cmd_exercise(cli *c)
{
    if (c->add)
        return exercise_add(c);
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("exercise takes one SPEC, got %zu", c->nspecs)
                         : cli_bad_usage("exercise needs a SPEC, e.g. backstep exercise "
                                     "4-3-2-1-bce --roster class.txt -o ex1");
    if (!c->roster)
        return cli_bad_usage("exercise needs the students: --roster FILE (one id per line)");
    if (!c->out)
        return cli_bad_usage("exercise needs the directory to write: -o DIR");
    bs_path_state k = bs_lib_path_state(c->out);
    if (k == BS_PATH_NOT_DIR) {
        fprintf(stderr, "backstep: %s: exists and is not a directory\n", c->out);
        return EXIT_BAD;
    }
    if (k == BS_PATH_FULL_DIR && !c->force) {
        fprintf(stderr, "backstep: %s: is not empty; refusing to write an exercise set into "
                        "it (give --force to write over the files there)\n",
                c->out);
        return EXIT_BAD;
    }
    const char *path = c->specs[0];
    bs_spec *spec;
    bs_lib_error err;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        return EXIT_BAD;
    bs_class_list *roster = NULL;
    if (load_roster(c->roster, &roster) != 0) {
        bs_spec_free(spec);
        return EXIT_BAD;
    }
    bs_exercise_settings es = bs_exercise_settings_default();
    es.seed = c->init.seed;
    es.digits = c->digits;
    es.formats = c->formats;
    es.notation = c->render.notation;
    es.steps = c->ask;
    es.policy = c->policy;
    progress p;
    es.progress = cli_start_progress(c, &p, "exercise: student");
    es.progress_ctx = &p;
    bs_exercise_files *files = NULL;
    int rc = 0;
    bs_lib_status built = bs_spec_exercise(spec, roster, &es, &files, &err);
    cli_end_progress(&p);
    if (built != BS_LIB_OK ||
        bs_exercise_files_write(files, c->out, c->inputs.paths, c->inputs.n, &err) !=
            BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        size_t n = bs_class_list_count(roster);
        printf("backstep: wrote the exercise for %zu student%s to %s/: students/<id>/ (the "
               "sheet and answers.json, to hand out), <id>/spec.json, <id>/sheet.*, "
               "<id>/answers.json, <id>/key.*, key/<id>.*, %skey/summary.csv, exercise.json\n",
               n, n == 1 ? "" : "s", c->out,
               has_file(files, "booklet-sheets.html") ? "booklet-sheets.html, booklet-keys.html, "
                                                     : "");
    }
    bs_exercise_files_free(files);
    bs_class_list_free(roster);
    bs_spec_free(spec);
    return rc;
}

/* grade DIR --check ANSWERS.json: the problems of an answers file, one line
 * each on stderr (exit 2), or that it is ready to hand in (exit 0) */
static int grade_check(cli *c)
{
    if (c->nspecs != 1)
        return cli_bad_usage("grade --check takes the exercise directory alone, e.g. backstep "
                             "grade ex1 --check answers.json");
    bs_lib_error err;
    bs_exercise *x = NULL;
    if (bs_exercise_open(c->specs[0], &x, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    char *report = NULL;
    size_t k = 0;
    int rc = EXIT_AGREE;
    if (bs_exercise_check_answers(x, c->check_file, &report, &k, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else if (k > 0) {
        for (const char *p = report; p && *p;) {
            size_t l = strcspn(p, "\n");
            fprintf(stderr, "backstep: %.*s\n", (int)l, p);
            p += l + (p[l] == '\n');
        }
        rc = EXIT_BAD;
    } else {
        printf("backstep: %s: ready to hand in (well-formed, every asked step's key, the "
               "shapes of the sheet; not graded)\n",
               c->check_file);
    }
    free(report);
    bs_exercise_free(x);
    return rc;
}

/* Opens the exercise directory of a grade run with the options that shape
 * it (policy, weights, hints) and refuses outputs that would write over an
 * input or over each other: 0 with *out set, or the exit status. */
static int grade_open(cli *c, bs_exercise **out)
{
    const char *dir = c->specs[0];
    bs_lib_error err;
    bs_exercise *x = NULL;
    *out = NULL;
    if (bs_exercise_open(dir, &x, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        return EXIT_BAD;
    }
    size_t n = c->nspecs - 1;
    if (is_format(c->book_format, "gradescope") && n != 1) {
        bs_exercise_free(x);
        return cli_bad_usage("--format gradescope grades one submission, got %zu answers files",
                             n);
    }
    bs_grade_settings gs = bs_grade_settings_default();
    gs.policy = c->policy;
    /* --weights: a LIST when it holds "=", else the FILE of one */
    if (c->weights && strchr(c->weights, '='))
        gs.weights = c->weights;
    else
        gs.weights_file = c->weights;
    gs.hints = c->hints;
    gs.resubmissions = c->resubmit;
    if (bs_exercise_configure(x, &gs, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        bs_exercise_free(x);
        return EXIT_BAD;
    }
    char clash[4096];
    const char *what;
    const char *outs[2] = {c->out, c->summary};
    for (int o = 0; o < 2; o++)
        if (outs[o] && bs_exercise_output_clash(x, outs[o], c->specs + 1, n, clash,
                                                sizeof clash, &what)) {
            fprintf(stderr, "backstep: %s: is %s (%s); refusing to write the %s over it\n",
                    outs[o], what, clash, o ? "summary" : "gradebook");
            bs_exercise_free(x);
            return EXIT_BAD;
        }
    if (c->out && c->summary && bs_lib_same_file(c->out, c->summary)) {
        bs_exercise_free(x);
        return cli_bad_usage("--summary and -o name the same file %s", c->out);
    }
    *out = x;
    return 0;
}

/* Writes DIR/feedback/<id>.md for every row that gets feedback, each file
 * on its own; returns the number not written. */
static size_t grade_feedback(cli *c, const bs_grading *g)
{
    size_t unwritten = 0;
    bs_lib_error err;
    for (size_t i = 0; i < bs_grading_feedback_count(g); i++)
        if (bs_grading_write_feedback(g, i, c->inputs.paths, c->inputs.n, &err) !=
            BS_LIB_OK) {
            cli_report_lib(&err); /* this student's feedback alone */
            unwritten++;
        }
    return unwritten;
}

/* grade: the gradebook first, whole (to -o FILE or standard output); then
 * each student's feedback file on its own, so that one that cannot be
 * written loses nothing else.  Exit 2 when the gradebook or a feedback file
 * could not be written, else 1 when a submission could not be graded. */
int cmd_grade(cli *c)
{
    if (c->check_file)
        return grade_check(c);
    if (c->nspecs < 2)
        return cli_bad_usage("grade takes the exercise directory and the returned answer files, "
                         "e.g. backstep grade ex1 returned/*.json");
    const char *dir = c->specs[0];
    size_t n = c->nspecs - 1;
    int gradescope = is_format(c->book_format, "gradescope");
    bs_exercise *x = NULL;
    int opened = grade_open(c, &x);
    if (opened != 0)
        return opened;
    bs_lib_error err;
    bs_grading *g = NULL;
    if (bs_exercise_grade(x, c->specs + 1, n, &g, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        bs_exercise_free(x);
        return EXIT_BAD;
    }
    for (size_t i = 0; i < bs_grading_message_count(g); i++)
        fprintf(stderr, "backstep: %s\n", bs_grading_message(g, i));
    size_t graded, missing, other;
    bs_grading_counts(g, &graded, &missing, &other);
    int rc = 0, book = 0; /* book: 0, or EXIT_BAD when the gradebook was not written */
    bs_gradebook_settings bs = {c->book_format, c->visibility, c->assignment};
    char *text = NULL;
    size_t len = 0;
    if (bs_grading_gradebook(g, &bs, &text, &len, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        book = cli_deliver_text(c, text, len);
    }
    free(text);
    if (rc == 0 && c->summary) {
        if (bs_grading_summary(g, &text, &len, &err) != BS_LIB_OK) {
            cli_report_lib(&err);
            rc = EXIT_BAD;
        } else if (cli_write_text(c, c->summary, text, len) != 0) {
            book = EXIT_BAD;
        }
        free(text);
    }
    size_t unwritten = 0;
    /* a Gradescope result carries its feedback: DIR is left as it is */
    if (rc == 0 && !gradescope)
        unwritten = grade_feedback(c, g);
    if (rc == 0 && book == 0 && c->out)
        printf("backstep: graded %zu of %zu students from %zu file%s (%zu missing, %zu "
               "other rows to look at): gradebook %s%s%s, feedback in %s%s%s\n",
               graded, bs_exercise_student_count(x), n, n == 1 ? "" : "s", missing, other,
               c->out, c->summary ? ", summary " : "", c->summary ? c->summary : "",
               gradescope ? "the result" : dir, gradescope ? "" : "/feedback/",
               unwritten ? " (some not written: see above)" : "");
    if (rc == 0 && (book || unwritten))
        rc = EXIT_BAD;
    if (rc == 0 && other)
        rc = EXIT_MISMATCH;
    bs_grading_free(g);
    bs_exercise_free(x);
    return rc;
}

/* Reads one line of standard input into *buf without its line end; returns
 * 0, or -1 at the end of input. */
static int read_line(char **buf, size_t *cap)
{
    ssize_t n = getline(buf, cap, stdin);
    if (n < 0)
        return -1;
    while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        (*buf)[--n] = '\0';
    return 0;
}

/* Feeds the lines of standard input to a started session until it ends or
 * the input does (then the session finishes on its own terms).  On a
 * terminal it prompts; otherwise it writes each line it read after the
 * prompt, so that the output reads like the session at a terminal.
 * `bad` says the session's start could not be written.  Returns 0, or
 * EXIT_BAD when standard output failed. */
static int session_loop(bs_session *se, int bad)
{
    int tty = isatty(fileno(stdin));
    char *line = NULL;
    size_t cap = 0;
    char prompt[128];
    bs_lib_error err;
    while (!bad && !bs_session_ended(se) && !ferror(stdout)) {
        bs_session_prompt(se, prompt, sizeof prompt);
        if (tty)
            fputs(prompt, stdout);
        fflush(stdout);
        if (read_line(&line, &cap) != 0) {
            if (tty)
                fputs("\n", stdout);
            bad = bs_session_finish(se, stdout, &err) != BS_LIB_OK;
            break;
        }
        if (!tty)
            printf("%s%s\n", prompt, line);
        bad = bs_session_feed(se, line, stdout, &err) != BS_LIB_OK;
    }
    free(line);
    if (fflush(stdout) != 0 || ferror(stdout) || bad)
        return cli_stdout_failed(errno);
    return 0;
}

int cmd_step(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("step takes one SPEC, got %zu", c->nspecs)
                         : cli_bad_usage("step needs a SPEC file");
    const char *path = c->specs[0];
    if (strcmp(path, "-") == 0)
        return cli_bad_usage("step reads its commands from standard input: give SPEC as a file");
    bs_spec *spec;
    bs_lib_error err;
    bs_run *run = cli_open_run(c, path, &spec, &err);
    if (!run)
        return EXIT_BAD;
    bs_session_settings ss = bs_session_settings_default();
    ss.notation = c->render.notation;
    ss.precision = c->render.precision;
    ss.terms = c->render.terms;
    ss.explain = c->render.explain;
    ss.source = path;
    bs_session *se = NULL;
    int rc = 0;
    if (bs_run_step_session(run, &ss, &se, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        rc = session_loop(se, bs_session_start(se, stdout, &err) != BS_LIB_OK);
    }
    if (rc == 0 && bs_run_passed(run) != 1)
        rc = EXIT_MISMATCH;
    bs_session_free(se);
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}

int cmd_quiz(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? cli_bad_usage("quiz takes one SPEC, got %zu", c->nspecs)
                         : cli_bad_usage("quiz needs a SPEC file");
    const char *path = c->specs[0];
    if (strcmp(path, "-") == 0)
        return cli_bad_usage("quiz reads the answers from standard input: give SPEC as a file");
    bs_spec *spec;
    bs_lib_error err;
    if (cli_open_spec(c, &path, &spec, &err) != 0)
        return EXIT_BAD;
    bs_run *run = NULL;
    bs_session *se = NULL;
    bs_session_settings ss = bs_session_settings_default();
    ss.notation = c->render.notation;
    ss.precision = c->render.precision;
    ss.only = c->quiz_only;
    ss.tolerance = c->quiz_tolerance;
    ss.source = path;
    int rc = 0;
    if (bs_run_create(spec, &run, &err) != BS_LIB_OK ||
        bs_run_quiz(run, &ss, &se, &err) != BS_LIB_OK) {
        cli_report_lib(&err);
        rc = EXIT_BAD;
    } else {
        rc = session_loop(se, bs_session_start(se, stdout, &err) != BS_LIB_OK);
        if (c->quiz_record) {
            char *text = NULL;
            size_t len = 0;
            int wr = 0;
            if (bs_session_record(se, &text, &len, &err) != BS_LIB_OK) {
                cli_report_lib(&err);
                wr = EXIT_BAD;
            } else {
                wr = cli_write_text(c, c->quiz_record, text, len);
            }
            free(text);
            if (wr)
                rc = wr;
        }
    }
    bs_session_free(se);
    bs_run_free(run);
    bs_spec_free(spec);
    return rc;
}
