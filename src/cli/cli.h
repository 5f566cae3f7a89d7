/* cli.h — what the files of the backstep command line share: the exit
 * codes, the command bits, the option table's rows, the parsed command
 * line, and the helpers every command uses to load a spec, show progress,
 * say what went wrong and deliver its output.  The commands are in
 * cli_trace.c (trace, check, sweep, init, train, compare, examples) and
 * cli_classroom.c (exercise, grade, step, quiz); the options and the help
 * in cli_options.c; main.c dispatches. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "backstep.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

/* The exit statuses: the checks agree, a check failed, anything else. */
enum { EXIT_AGREE = 0, EXIT_MISMATCH = 1, EXIT_BAD = 2, EXIT_CONVENTION = 3 };

/* The commands, one bit each, so that an option can name those it applies to. */
enum {
    CMD_TRACE = 1,
    CMD_CHECK = 2,
    CMD_INIT = 4,
    CMD_EXAMPLES = 8,
    CMD_TRAIN = 16,
    CMD_COMPARE = 32,
    CMD_SWEEP = 64,
    CMD_EXERCISE = 1024, /* the classroom (docs/classroom.md) */
    CMD_GRADE = 2048,
    CMD_STEP = 4096,
    CMD_QUIZ = 8192,
    CMD_HANDOUT = 16384 /* a handout followed with numbers (docs/handouts.md) */
};

/* One table of options: the parser and the help text both read it. */
typedef struct option_def {
    const char *name; /* "--format" */
    const char *arg;  /* metavariable, or NULL for a flag */
    int commands;     /* CMD_* bits */
    const char *help;
} option_def;

/* The files a command reads: `n` paths, which no output may replace. */
typedef struct cli_inputs {
    const char *const *paths;
    size_t n;
} cli_inputs;

/* The parsed command line: the command, its arguments and every option. */
typedef struct cli {
    int command;
    const char **specs;
    size_t nspecs;
    /* --format (of trace, step, handout), --notation, --precision, --terms,
     * --explain, --fragment; format and notation NULL when not given */
    bs_render_settings render;
    /* the names of --method and of check's --format as the library takes
     * them, or NULL for the default */
    const char *method_name, *report_name;
    size_t directions; /* --directions, 0: off */
    int method_set;
    double epsilon, rtol, atol;
    const char *epsilon_text; /* --epsilon as given, or NULL */
    int full;
    const char *out;
    bs_load_settings limits; /* --max-*, and --full's work list */
    bs_scaffold_settings init; /* init's options; exercise's --seed too */
    int force;
    int quiet;
    bs_train_settings train; /* --steps, --lr, --check-every, --freeze */
    const char *train_format; /* train --format, NULL: text */
    int compare_json; /* compare --format json */
    int notation_set; /* --notation was given */
    int sweep_svg;    /* sweep --format svg */
    int strict;       /* --strict */
    const char *roster; /* exercise --roster */
    const char *ask;    /* exercise --steps */
    int digits;         /* exercise --digits (0: the default) */
    const char *formats; /* exercise --formats (NULL: the default) */
    const char *add;    /* exercise --add ROSTER */
    const char *resubmit;    /* grade --resubmissions, NULL: latest */
    const char *policy;      /* exercise and grade --policy, NULL when not given */
    const char *book_format; /* grade --format, NULL: csv */
    const char *visibility;  /* grade --visibility, NULL: visible */
    int hints;               /* grade --feedback hints */
    const char *weights;    /* grade --weights FILE|LIST */
    const char *assignment; /* grade --assignment */
    const char *summary;    /* grade --summary FILE */
    const char *check_file; /* grade --check ANSWERS.json */
    const char *quiz_only;   /* quiz --only */
    const char *compare_only; /* compare --only */
    size_t compare_example;   /* compare --example: the example from 1, or 0 */
    double quiz_tolerance;   /* quiz --tolerance, 0 for the default */
    const char *quiz_record; /* quiz --record */
    /* every file the command reads (collect_inputs): no output replaces one */
    char **input_paths;
    cli_inputs inputs;
} cli;

/* A one-line progress indicator on stderr: done/total, rate, time left.  It
 * appears only after half a second, is redrawn at most ten times a second,
 * and is erased when the work ends, so nothing of it stays on the screen. */
typedef struct progress {
    struct timespec start, last;
    int shown;
    const char *what; /* "training step", or NULL for "checking … elements" */
} progress;

/* Where a long computation reports that `done` of `total` are done. */
typedef void (*progress_fn)(void *ctx, size_t done, size_t total);

/* Writes an output to f; returns 0, or the errno of a failed write. */
typedef int (*emit_fn)(FILE *f, const void *ctx);

/* ---- messages (cli_common.c) ---- */

/* Prints "backstep: " and the message as one line on stderr, control
 * characters escaped. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_say(const char *fmt, ...);

/* Says a usage error with a pointer to --help; returns EXIT_BAD. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int cli_bad_usage(const char *fmt, ...);

/* ---- running a spec (cli_common.c) ---- */

/* Starts the progress indicator p labelled `what` (NULL: "checking …
 * elements"); returns the function to report to, or NULL when nothing is
 * to be shown (--quiet, or stderr not a terminal that can erase a line). */
progress_fn cli_start_progress(const cli *c, progress *p, const char *what);

/* Erases the progress indicator if it was shown. */
void cli_end_progress(progress *p);

/* Prints a library error as one line on stderr. */
void cli_report_lib(const bs_lib_error *err);

/* The check settings the command line asks for (without progress). */
bs_check_settings cli_check_settings(const cli *c);

/* The render settings the command line asks for, the header naming `source`. */
bs_render_settings cli_render_settings(const cli *c, const char *source);

/* Loads the spec at *path, or the shipped spec of that name when there is
 * no such file (saying so; *path then names it, in storage kept until the
 * next call), under the command line's limits; returns 0 with *spec the
 * caller frees with bs_spec_free, or -1 after printing why. */
int cli_open_spec(const cli *c, const char **path, bs_spec **spec, bs_lib_error *err);

/* Loads the spec at `path` (or the shipped spec of that name, saying so),
 * runs it and checks it as the command line asks, with the progress
 * indicator; returns the run (freed with bs_run_free, then *spec with
 * bs_spec_free), or NULL after printing why (err says it too). */
bs_run *cli_open_run(const cli *c, const char *path, bs_spec **spec, bs_lib_error *err);

/* ---- output (cli_common.c) ---- */

/* Whether `name` (an option's value as the library takes it, or NULL when
 * not given) is `format`. */
int is_format(const char *name, const char *format);

/* Whether f is a terminal that understands escape sequences (not TERM=dumb). */
int cli_smart_terminal(FILE *f);

/* Whether to colour what goes to f: such a terminal, and no NO_COLOR. */
int cli_use_color(FILE *f);

/* Reports a failed write to standard output with errno e, once; returns 0
 * for a reader that went away (EPIPE), else EXIT_BAD. */
int cli_stdout_failed(int e);

/* Flushes standard output and returns rc, or EXIT_BAD after a failed write. */
int cli_finish_stdout(int rc);

/* After writing to f (bad: the writer reported a failure): flushes it and
 * returns 0, or the errno of the failed write (EIO when none was set). */
int cli_stream_result(FILE *f, int bad);


/* Writes what `emit` writes to `path` atomically (bs_lib_write_with, never
 * over one of the inputs `in`); returns 0, or EXIT_BAD after saying why. */
int cli_write_output(const char *path, const cli_inputs *in, emit_fn emit, const void *ctx);

/* Writes the output to -o FILE (cli_write_output) or standard output;
 * returns 0 or EXIT_BAD. */
int cli_deliver(const cli *c, emit_fn emit, const void *ctx);

/* Writes `len` bytes of text to `path` atomically (bs_lib_write_file_except,
 * never over one of the command's inputs); returns 0, or EXIT_BAD after
 * saying why. */
int cli_write_text(const cli *c, const char *path, const char *text, size_t len);

/* Writes the NUL-terminated text (of `len` bytes) to -o FILE
 * (cli_write_text) or standard output; returns 0 or EXIT_BAD. */
int cli_deliver_text(const cli *c, const char *text, size_t len);

/* An emit_fn writing the NUL-terminated text ctx. */
int cli_emit_text(FILE *f, const void *ctx);

/* ---- options and help (cli_options.c) ---- */

/* Prints the usage lines of every command to f. */
void cli_usage_line(FILE *f);

/* Prints the help of command `topic`, or the general help when NULL. */
void cli_help(FILE *f, const char *topic);

/* Parses argv[first..argc) into c; returns 0, or EXIT_BAD after saying why. */
int cli_parse(cli *c, int argc, char **argv, int first);

/* ---- the commands: each returns the exit status ---- */

/* trace SPEC (cli_trace.c). */
int cmd_trace(cli *c);
/* check SPEC... (cli_trace.c). */
int cmd_check(cli *c);
/* sweep SPEC ELEMENT (cli_trace.c). */
int cmd_sweep(cli *c);
/* init LAYERS (cli_trace.c). */
int cmd_init(cli *c);
/* train SPEC (cli_trace.c). */
int cmd_train(cli *c);
/* compare SPEC GRADS.json (cli_trace.c). */
int cmd_compare(cli *c);
/* examples (cli_trace.c). */
int cmd_examples_args(cli *c);
/* handout 000|001|002 [SPEC] (cli_handout.c). */
int cmd_handout(cli *c);
/* exercise SPEC --roster FILE -o DIR, or exercise DIR --add ROSTER (cli_classroom.c). */
int cmd_exercise(cli *c);
/* grade DIR ANSWERS.json... (cli_classroom.c). */
int cmd_grade(cli *c);
/* step SPEC (cli_classroom.c). */
int cmd_step(cli *c);
/* quiz SPEC (cli_classroom.c). */
int cmd_quiz(cli *c);

#endif
