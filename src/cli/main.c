/* main.c — the backstep command line: finds the command, parses its
 * arguments (cli_options.c), collects the files it reads so that no output
 * replaces one, runs it (cli_trace.c, cli_classroom.c) and returns its exit
 * status (0 agree, 1 a check failed, 2 usage error, bad spec or i/o error). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "bs_error.h"

#include "cli.h"

/* The commands: name, bit and what runs them.  Dispatch, `help COMMAND` and
 * the "did you mean" of an unknown command all read this table. */
typedef struct command_def {
    const char *name;
    int bit;
    int (*run)(cli *c);
} command_def;

static const command_def commands[] = {
    {"trace", CMD_TRACE, cmd_trace},          {"check", CMD_CHECK, cmd_check},
    {"init", CMD_INIT, cmd_init},             {"train", CMD_TRAIN, cmd_train},
    {"compare", CMD_COMPARE, cmd_compare},    {"sweep", CMD_SWEEP, cmd_sweep},
    {"step", CMD_STEP, cmd_step},             {"quiz", CMD_QUIZ, cmd_quiz},
    {"exercise", CMD_EXERCISE, cmd_exercise}, {"grade", CMD_GRADE, cmd_grade},
    {"examples", CMD_EXAMPLES, cmd_examples_args}, {"handout", CMD_HANDOUT, cmd_handout},
    {NULL, 0, NULL}};

static const command_def *find_command(const char *name)
{
    for (const command_def *d = commands; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

/* Adds a copy of `path` to the command's inputs; -1 when out of memory. */
static int add_input(cli *c, const char *path)
{
    char **p = realloc(c->input_paths, (c->inputs.n + 1) * sizeof *p);
    if (!p)
        return -1;
    c->input_paths = p;
    size_t len = strlen(path) + 1;
    if (!(p[c->inputs.n] = malloc(len)))
        return -1;
    memcpy(p[c->inputs.n++], path, len);
    c->inputs.paths = (const char *const *)c->input_paths;
    return 0;
}

/* Adds `dir`/`a`[/`b`] to the inputs when it is a file. */
static int add_input_in(cli *c, const char *dir, const char *a, const char *b)
{
    char path[4096];
    struct stat st;
    int n = b ? snprintf(path, sizeof path, "%s/%s/%s", dir, a, b)
              : snprintf(path, sizeof path, "%s/%s", dir, a);
    if (n < 0 || (size_t)n >= sizeof path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    return add_input(c, path);
}

/* Collects every file the command reads, so that no output of it (-o,
 * --record, the files of exercise and grade) replaces one: each argument
 * that is a file (a spec, a gradient file, an answers file), the shipped
 * spec an argument names, the roster, and for a directory argument (grade's
 * exercise directory) the files read from it: exercise.json and each
 * student's spec.json.  Returns 0, or -1 when out of memory. */
static int collect_inputs(cli *c)
{
    for (size_t i = 0; i < c->nspecs; i++) {
        const char *a = c->specs[i];
        struct stat st;
        char shipped[1024];
        if (strcmp(a, "-") == 0)
            continue;
        if (stat(a, &st) != 0) {
            if (bs_example_path(a, shipped, sizeof shipped) && add_input(c, shipped))
                return -1;
        } else if (S_ISDIR(st.st_mode)) {
            /* exercise DIR --add updates the set's own manifest and summary
             * (its existing students' files are never rewritten) */
            if (c->command == CMD_EXERCISE)
                continue;
            if (add_input_in(c, a, "exercise.json", NULL))
                return -1;
            DIR *d = opendir(a);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL)
                if (e->d_name[0] != '.' && add_input_in(c, a, e->d_name, "spec.json")) {
                    closedir(d);
                    return -1;
                }
            if (d)
                closedir(d);
        } else if (add_input(c, a)) {
            return -1;
        }
    }
    if (c->roster && strcmp(c->roster, "-") != 0 && add_input(c, c->roster))
        return -1;
    if (c->add && strcmp(c->add, "-") != 0 && add_input(c, c->add))
        return -1;
    return 0;
}

/* SIGINT, SIGTERM, SIGHUP: the temporary file being written is removed, then
 * the signal is raised again with its default action (SA_RESETHAND), so the
 * exit status still tells that the signal ended the program. */
static void on_fatal_signal(int sig)
{
    bs_lib_remove_temporary();
    raise(sig);
}

static void catch_fatal_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old, sa;
        /* a signal ignored by whoever started backstep (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = (int)SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

static int run_command(int argc, char **argv);

int main(int argc, char **argv)
{
    return cli_finish_stdout(run_command(argc, argv));
}

/* Runs the command of argv and returns its exit status; main checks that
 * what it wrote to standard output arrived. */
static int run_command(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage_line(stderr);
        return EXIT_BAD;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        cli_help(stdout, NULL);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("backstep %s\n", BS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        const char *topic = argc > 2 ? argv[2] : NULL;
        if (topic && !find_command(topic)) {
            char list[512] = "";
            for (const command_def *d = commands; d->name; d++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s %s", d == commands ? "" : ",",
                         d->name);
            }
            cli_say("no help for \"%s\": the commands are%s", topic, list);
            return EXIT_BAD;
        }
        cli_help(stdout, topic);
        return 0;
    }
    const command_def *def = find_command(cmd);
    if (!def) {
        const char *names[32];
        size_t k = 0;
        for (const command_def *d = commands; d->name && k < 30; d++)
            names[k++] = d->name;
        names[k++] = "help";
        names[k] = NULL;
        const char *g = bs_suggest(cmd, names);
        if (g)
            cli_say("unknown command \"%s\" (did you mean \"%s\"?)", cmd, g);
        else
            cli_say("unknown command \"%s\"", cmd);
        cli_usage_line(stderr);
        return EXIT_BAD;
    }
    cli c;
    memset(&c, 0, sizeof c);
    c.render = bs_render_settings_default();
    c.render.format = c.render.notation = NULL; /* not given: the library's default */
    c.rtol = c.atol = -1;
    c.limits = bs_load_settings_default();
    c.init = bs_scaffold_settings_default();
    c.train = bs_train_settings_default();
    c.command = def->bit;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_help(stdout, cmd);
            return 0;
        }
    int rc = cli_parse(&c, argc, argv, 2);
    bs_check_settings cs = cli_check_settings(&c);
    bs_lib_error e;
    if (rc == 0 && c.epsilon_text && bs_check_settings_validate(&cs, &e) != BS_LIB_OK)
        rc = cli_bad_usage("--epsilon %s: %s", c.epsilon_text, e.message);
    c.limits.full = c.full; /* the memory estimate counts --full's work list */
    if (rc == 0 && collect_inputs(&c) != 0)
        rc = cli_bad_usage("out of memory");
    /* an output over an input is refused before the command does anything */
    const char *outs[] = {c.out, c.quiz_record};
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        bs_lib_error err;
        if (outs[i] && bs_lib_check_output(outs[i], c.inputs.paths, c.inputs.n, &err) !=
                           BS_LIB_OK) {
            cli_report_lib(&err);
            rc = EXIT_BAD;
        }
    }
    if (rc == 0) {
        catch_fatal_signals();
        rc = def->run(&c);
    }
    for (size_t i = 0; i < c.inputs.n; i++)
        free(c.input_paths[i]);
    free(c.input_paths);
    free(c.specs);
    return rc;
}
