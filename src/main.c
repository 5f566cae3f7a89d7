/* main.c — the backstep command line: parses arguments, runs the library,
 * prints errors, maps results to exit codes (0 agree, 1 a check failed,
 * 2 usage error, bad spec or i/o error). */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bs_checked.h"
#include "bs_compare.h"
#include "bs_error.h"
#include "bs_examples.h"
#include "bs_exercise.h"
#include "bs_files.h"
#include "bs_grade.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_report.h"
#include "bs_scaffold.h"
#include "bs_session.h"
#include "bs_sweep.h"
#include "bs_trace.h"
#include "bs_train.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

enum { EXIT_AGREE = 0, EXIT_MISMATCH = 1, EXIT_BAD = 2 };

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
    CMD_QUIZ = 8192
};

/* One table of options: the parser and the help text both read it. */
typedef struct option_def {
    const char *name; /* "--format" */
    const char *arg;  /* metavariable, or NULL for a flag */
    int commands;     /* CMD_* bits */
    const char *help;
} option_def;

static const option_def options[] = {
    {"--format", "FORMAT", CMD_TRACE,
     "output format: text (default), json, markdown, latex, html, dot or npz (NumPy "
     "arrays, binary: with -o FILE)"},
    {"--format", "FORMAT", CMD_CHECK,
     "report format: text (default, one line per spec), json, tap (TAP version 13) or "
     "junit (JUnit XML)"},
    {"--format", "FORMAT", CMD_TRAIN,
     "output format: text (default), json (with the final params, loadable into a spec) "
     "or csv (step,loss)"},
    {"--format", "FORMAT", CMD_COMPARE,
     "report format: text (default) or json"},
    {"--format", "FORMAT", CMD_SWEEP,
     "sweep: text (default: a table and a Unicode plot) or svg (an SVG image)"},
    {"--steps", "N", CMD_TRAIN, "train: full-batch gradient descent steps (default 1)"},
    {"--lr", "ALPHA", CMD_TRAIN, "train: the learning rate α > 0 (required)"},
    {"--check-every", "K", CMD_TRAIN,
     "train: check the gradient after every K steps too (default: before the first step "
     "only)"},
    {"--freeze", "LIST", CMD_TRAIN,
     "train: parameters kept fixed, e.g. b1,b2 (names as in the spec's params)"},
    {"--fragment", NULL, CMD_TRACE, "latex: write only the body, without the preamble"},
    {"--notation", "NOTATION", CMD_TRACE,
     "names of the steps: g (g[2z], handout 001, default), partial (∂L/∂z[2], "
     "handout 000) or code (dz2, handout 002)"},
    {"--notation", "NOTATION", CMD_COMPARE,
     "names of the steps in the report: g, partial or code (default: the notation of the "
     "file's first key)"},
    {"--only", "LIST", CMD_COMPARE,
     "compare: the steps the file must give, in any notation, e.g. dW2,db2 (default: dW "
     "and db of every layer); other steps it gives are compared too"},
    {"--rtol", "R", CMD_COMPARE,
     "compare: relative tolerance between the program's values and backstep's, below 1 "
     "(default 1e-6)"},
    {"--atol", "A", CMD_COMPARE,
     "compare: absolute tolerance, at most 1e-3 (default 1e-9)"},
    {"--method", "METHOD", CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "numerical gradient: forward, central (default), richardson (Richardson "
     "extrapolation of central differences) or complex (complex step)"},
    {"--epsilon", "H", CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "step h of the numerical gradient (default: forward √ε·max(1,|x|), central "
     "∛ε·max(1,|x|), richardson ε^(1/5)·max(1,|x|), complex 1e-20·max(1,|x|)); at least "
     "1e-3 of that at |x| = 1 (complex: 1e-292)"},
    {"--rtol", "R", CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "relative tolerance, below 1 (default: forward 1e-5, central 1e-6, richardson 1e-8, "
     "complex 1e-11)"},
    {"--atol", "A", CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "absolute tolerance, at most 1e-3 (default: forward 1e-8, central 1e-9, richardson "
     "1e-11, complex 1e-14)"},
    {"--strict", NULL, CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "unresolved elements (error bar too wide to decide) fail the check (FAIL) instead of "
     "leaving it UNVERIFIED"},
    {"--full", NULL, CMD_TRACE | CMD_CHECK | CMD_TRAIN,
     "compare every element (default: steps of more than 100 elements are sampled)"},
    {"--directions", "N", CMD_TRACE | CMD_CHECK,
     "check each weight and bias matrix along N seeded random directions (one numerical "
     "directional derivative each), element by element only where a direction fails"},
    {"--terms", NULL, CMD_TRACE,
     "expand each element term by term with its numbers (handout 001 style)"},
    {"--explain", NULL, CMD_TRACE, "say in words why each step is what it is"},
    {"--precision", "N", CMD_TRACE | CMD_TRAIN, "significant digits in text output (default 6)"},
    {"-o", "FILE", CMD_TRACE | CMD_INIT | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP,
     "write the output to FILE (replaced only once the whole output is written)"},
    {"--activations", "LIST", CMD_INIT,
     "init: activations, one per layer or one for all, e.g. sigmoid,sigmoid,tanh "
     "(default: sigmoid, and the output the loss needs)"},
    {"--loss", "NAME", CMD_INIT,
     "init: mse, bce or cross_entropy (default: bce for one output, else cross_entropy)"},
    {"--convention", "NAME", CMD_INIT, "init: row (default) or column"},
    {"--seed", "S", CMD_INIT, "init: the seed of the weights and the example (default 1)"},
    {"--force", NULL, CMD_INIT, "init: overwrite FILE if it exists"},
    {"--quiet", NULL, CMD_TRACE | CMD_CHECK | CMD_TRAIN | CMD_SWEEP | CMD_EXERCISE,
     "no progress indicator (it appears only on a terminal, on stderr, for work that "
     "takes longer than half a second)"},
    {"--max-file-size", "BYTES", CMD_TRACE | CMD_CHECK | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP,
     "largest spec file read (default 67108864)"},
    {"--max-memory", "BYTES", CMD_TRACE | CMD_CHECK | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP,
     "largest estimated working memory (default 2147483648)"},
    {"--max-layers", "N", CMD_TRACE | CMD_CHECK | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP, "most layers in a network (default 100)"},
    {"--max-depth", "N", CMD_TRACE | CMD_CHECK | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP,
     "deepest nesting of JSON arrays and objects (default 64, at most 1000)"},
    {"--roster", "FILE", CMD_EXERCISE,
     "exercise: the student ids, one per line, or a CSV file with an \"id\" column "
     "(required)"},
    {"-o", "DIR", CMD_EXERCISE,
     "exercise: the directory to write the exercise set into (required; empty unless "
     "--force)"},
    {"--steps", "LIST", CMD_EXERCISE,
     "exercise: the steps asked, in any notation, e.g. g[2z],dW2 (default: every backward "
     "step)"},
    {"--digits", "N", CMD_EXERCISE,
     "exercise: decimals of each student's numbers, 1 to 4 (default 2)"},
    {"--seed", "S", CMD_EXERCISE,
     "exercise: the seed the students' numbers are drawn from, with their ids (default 1)"},
    {"--formats", "LIST", CMD_EXERCISE,
     "exercise: the sheets and keys written: markdown,latex,html (default: all three)"},
    {"--notation", "NOTATION", CMD_EXERCISE,
     "exercise: names of the steps on the sheets and in answers.json: g (default), partial "
     "or code"},
    {"--force", NULL, CMD_EXERCISE, "exercise: write into DIR even if it is not empty"},
    {"--add", "ROSTER", CMD_EXERCISE,
     "exercise DIR --add ROSTER: add the students of ROSTER to the existing set in DIR "
     "(its spec, seed and options from DIR/exercise.json; the other students' files are "
     "not touched; an id already in the set is refused)"},
    {"--resubmissions", "RULE", CMD_GRADE,
     "grade: which file counts when a student handed in several: latest (default; by "
     "modification time, then command-line order), first, or error (grade none of them)"},
    {"-o", "FILE", CMD_GRADE,
     "grade: write the gradebook CSV to FILE (default: standard output); never one "
     "of the files grade reads or writes"},
    {"--notation", "NOTATION", CMD_STEP | CMD_QUIZ,
     "names of the steps: g (g[2z], handout 001, default), partial (∂L/∂z[2], "
     "handout 000) or code (dz2, handout 002)"},
    {"--explain", NULL, CMD_STEP,
     "step: show each step with its explanation (the command why shows it on demand)"},
    {"--terms", NULL, CMD_STEP,
     "step: show each step expanded term by term (the command terms shows it on demand)"},
    {"--only", "LIST", CMD_QUIZ,
     "quiz: ask only these steps, in any notation, e.g. g[2z],dW1 (default: every "
     "backward step)"},
    {"--tolerance", "R", CMD_QUIZ,
     "quiz: relative tolerance of an answer (default 0.005, for 3 significant digits)"},
    {"--record", "FILE", CMD_QUIZ,
     "quiz: write the session as JSON to FILE: each answer, its diagnosis, the tries, "
     "the score (replaced only once the whole record is written)"},
    {NULL, NULL, 0, NULL}};

typedef struct cli {
    int command;
    const char **specs;
    size_t nspecs;
    bs_render_opts render;
    bs_check_opts check;
    bs_report_format report;
    int method_set;
    double epsilon, rtol, atol;
    const char *epsilon_text; /* --epsilon as given, or NULL */
    int full;
    const char *out;
    bs_limits limits;
    bs_scaffold_opts init;
    int force;
    int quiet;
    bs_train_opts train;
    bs_train_format train_format;
    int compare_json; /* compare --format json */
    int notation_set; /* --notation was given */
    int sweep_svg;    /* sweep --format svg */
    int strict;       /* --strict */
    const char *roster; /* exercise --roster */
    const char *ask;    /* exercise --steps */
    int digits;         /* exercise --digits (0: the default) */
    unsigned formats;   /* exercise --formats (0: the default) */
    const char *add;    /* exercise --add ROSTER */
    int resubmit;       /* grade --resubmissions (a bs_resubmit) */
    const char *quiz_only;   /* quiz --only */
    const char *compare_only; /* compare --only */
    double quiz_tolerance;   /* quiz --tolerance, 0 for the default */
    const char *quiz_record; /* quiz --record */
    /* every file the command reads (collect_inputs): no output replaces one */
    char **input_paths;
    bs_inputs inputs;
} cli;

static void usage_line(FILE *f)
{
    fputs("usage: backstep trace SPEC [options]\n"
          "       backstep check SPEC... [options]\n"
          "       backstep init LAYERS [options]\n"
          "       backstep train SPEC --lr ALPHA [--steps N] [options]\n"
          "       backstep compare SPEC GRADS.json [options]\n"
          "       backstep sweep SPEC ELEMENT [--format text|svg] [-o FILE]\n"
          "       backstep exercise SPEC --roster FILE -o DIR [options]\n"
          "       backstep grade DIR ANSWERS.json... [-o GRADEBOOK.csv]\n"
          "       backstep step SPEC [--notation g|partial|code] [--explain] [--terms]\n"
          "       backstep quiz SPEC [--only NAME,...] [--tolerance R] [--record FILE]\n"
          "       backstep examples\n"
          "       backstep help [COMMAND]\n"
          "       backstep --version\n",
          f);
}

static void print_options(FILE *f, int command)
{
    for (const option_def *o = options; o->name; o++) {
        if (!(o->commands & command))
            continue;
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        fprintf(f, "  %-22s %s\n", left, o->help);
    }
}

/* The text of `backstep help COMMAND`: the usage and what the command does
 * (ending "options:\n" when it has options), the options from the table
 * above, and its exit status. */
typedef struct help_topic {
    const char *name;
    int command;
    const char *intro;
    const char *status;
} help_topic;

static const help_topic help_topics[] = {
    {"trace", CMD_TRACE,
     "usage: backstep trace SPEC [options]\n\n"
     "Runs the network of SPEC (a JSON file; - reads standard input) forward,\n"
     "then backpropagates, printing every step from the output layer down with\n"
     "its formula, shape, analytic values and the numerical gradient beside\n"
     "them, and ends with a one-line verdict.\n\noptions:\n",
     "\nexit status: 0 all gradients agree, 1 a gradient check failed or verified\n"
     "nothing (UNVERIFIED) or a value is not finite, 2 usage error, bad spec or\n"
     "i/o error\n"},
    {"init", CMD_INIT,
     "usage: backstep init LAYERS [options]\n\n"
     "Writes a complete spec to start from: LAYERS like 4-3-2-1, weights and\n"
     "biases drawn from the seed and rounded to two decimals, an example input\n"
     "and target, and a \"//field\" comment beside each field.  The spec is\n"
     "traced and checked before it is written, so it always runs cleanly.\n"
     "It refuses to overwrite FILE unless --force is given.\n\noptions:\n",
     "\nexit status: 0 written, 2 usage error or i/o error\n"},
    {"train", CMD_TRAIN,
     "usage: backstep train SPEC --lr ALPHA [--steps N] [options]\n\n"
     "Trains the network of SPEC by full-batch gradient descent,\n"
     "W[n] <- W[n] - α ∂L/∂W[n] and b[n] <- b[n] - α ∂L/∂b[n], on a copy of its\n"
     "parameters: prints the first update element by element, the loss after\n"
     "each step (a table and a sparkline), the gradient checks, and the final\n"
     "loss and parameters.  Training stops, naming the step and the probable\n"
     "cause, when the loss or a parameter is no longer finite or the loss grows\n"
     "beyond 10^6 times the initial loss.\n\noptions:\n",
     "\nexit status: 0 trained and every gradient check passed, 1 a gradient check\n"
     "failed or verified nothing, or training stopped on divergence, 2 usage error,\n"
     "bad spec or i/o error\n"},
    {"compare", CMD_COMPARE,
     "usage: backstep compare SPEC GRADS.json [options]\n\n"
     "Compares the gradients another program computed for the network and batch\n"
     "of SPEC (GRADS.json: an object of step names in any notation, e.g. dW2,\n"
     "g[2z], dL/db1, and \"loss\", with numbers, vectors or matrices in the\n"
     "spec's convention, or an .npz archive of NumPy arrays under the same names,\n"
     "as np.savez writes it) with backstep's, step by step from the output layer\n"
     "down.  It names the first step that disagrees (where the bug entered; later\n"
     "steps inherit it) and the mistake from its catalogue that reproduces the\n"
     "program's numbers, e.g. \"dz2 matches the result of leaving out\n"
     "sigmoid'(z2) in dz2\".  The file must give dW and db of every layer, or\n"
     "the steps --only names.  - reads GRADS.json from standard input.\n\noptions:\n",
     "\nexit status: 0 every required step is given and every given step agrees,\n"
     "1 a step disagrees or a required step is missing, 2 usage error, bad spec,\n"
     "bad gradient file or i/o error\n"},
    {"sweep", CMD_SWEEP,
     "usage: backstep sweep SPEC ELEMENT [options]\n\n"
     "Evaluates one gradient element with each numerical method (forward,\n"
     "central, richardson, complex) at steps h from 1e-1 down to 1e-16 and\n"
     "prints the error of each against the complex-step value, as a table\n"
     "and a plot: the truncation error falling like h^p as h shrinks, the\n"
     "rounding error rising like 1/h below the best step.  ELEMENT is a step\n"
     "or the quantity it differentiates, in any notation, and [row,column]\n"
     "counted from 1 as displayed: W1[2,3], g[2z][1,2], dz2[1,1].\n\noptions:\n",
     "\nexit status: 0 written, 2 usage error, bad spec, bad ELEMENT or i/o error\n"},
    {"exercise", CMD_EXERCISE,
     "usage: backstep exercise SPEC --roster FILE -o DIR [options]\n"
     "       backstep exercise DIR --add ROSTER\n\n"
     "Writes an exercise set: for each student id of the roster, a variant of SPEC\n"
     "(the same network, loss and convention with the student's own weights,\n"
     "biases, inputs and targets, drawn from the seed and the id and rounded to\n"
     "--digits decimals) in DIR/<id>/spec.json, the question sheet\n"
     "DIR/<id>/sheet.{md,tex,html}, the answer file to fill in DIR/<id>/answers.json;\n"
     "and for the instructor the worked solutions DIR/key/<id>.{md,tex,html}, the\n"
     "answers in DIR/key/summary.csv and DIR/exercise.json for backstep grade.\n"
     "Ids are 1 to 64 letters, digits, '.', '_' or '-', the same whatever their case.\n"
     "A roster skips blank lines and lines starting with '#'.  --add adds students\n"
     "to an existing set.\n\noptions:\n",
     "\nexit status: 0 written, 2 usage error, bad spec or roster, or i/o error\n"},
    {"grade", CMD_GRADE,
     "usage: backstep grade DIR ANSWERS.json... [-o GRADEBOOK.csv]\n\n"
     "Grades each returned answers.json against the variant of the student it\n"
     "names (DIR is the directory backstep exercise wrote): each asked step is\n"
     "right, wrong with the mistake that reproduces it, or missing.  Writes the\n"
     "gradebook (CSV: id, file, handed_in, status, score, a column per step, the\n"
     "mistakes, the error): one row per student of the roster in roster order\n"
     "(status missing when nothing was handed in), then a row for each file whose\n"
     "id is not on the roster (not on roster) or whose name names another student\n"
     "than its id (check: graded for neither).  Then DIR/feedback/<id>.md for each\n"
     "student who handed something in, each on its own.  A file that cannot be\n"
     "graded gets its reason; a failed file never takes the place of a graded\n"
     "one; --resubmissions picks among a student's files.  Ids compare without\n"
     "regard to case.\n"
     "\noptions:\n",
     "\nexit status: 0 every file handed in graded or replaced by a resubmission,\n"
     "1 a student's only files could not be graded or a file is not on the roster\n"
     "or to check, 2 usage error, bad exercise directory, or the gradebook or a\n"
     "feedback file could not be written (the rest is written all the same)\n"},
    {"step", CMD_STEP,
     "usage: backstep step SPEC [options]\n\n"
     "Shows the network and the forward pass of SPEC, then its backward steps one\n"
     "at a time, each as trace shows it under a header such as \"step 6 of 12:\n"
     "g[2z]\".  Commands, one per line: Enter the next step, b the previous step\n"
     "again, why its explanation, terms its expansion with numbers, forward the\n"
     "forward pass again, q quit.  On a terminal it prompts; otherwise it reads the\n"
     "commands from standard input, and at its end shows the remaining steps.\n"
     "\noptions:\n",
     "\nexit status: 0 every gradient agrees, 1 a gradient check failed, 2 usage\n"
     "error, bad spec or i/o error\n"},
    {"quiz", CMD_QUIZ,
     "usage: backstep quiz SPEC [options]\n\n"
     "Asks for the value of each backward step of SPEC in trace order, showing\n"
     "what is known so far.  Answers are read one per line from standard input:\n"
     "numbers separated by spaces or commas, matrix rows by ; (0.12 -0.3; 0.5\n"
     "1e-2), as the spec's convention displays them; or hint (the formula), why\n"
     "(the explanation), skip (reveal the answer), forward, quit.  A wrong answer\n"
     "is checked against the mistake catalogue of compare, which names the mistake\n"
     "it contains (activation derivative left out, transpose, 1/B missing, ...);\n"
     "after 3 wrong tries the answer is revealed.  The quiz ends with a score line;\n"
     "the end of input ends it with the score so far.\n\noptions:\n",
     "\nexit status: 0 the quiz ran (whatever the score), 2 usage error, bad spec\n"
     "or i/o error\n"},
    {"examples", 0,
     "usage: backstep examples\n\n"
     "Lists the shipped specs: name, layers, handout and a one-line description.\n"
     "A SPEC argument that is not a file but one of these names runs that spec.\n"
     "\nexit status: 0 listed, 2 no shipped specs found\n",
     NULL},
    {"check", CMD_CHECK,
     "usage: backstep check SPEC... [options]\n\n"
     "Checks the gradients of each SPEC quietly: one line per spec.\n\noptions:\n",
     "\nexit status: 0 all agree, 1 some check failed or verified nothing\n"
     "(UNVERIFIED), 2 a spec could not be loaded or usage error\n"},
    {NULL, 0, NULL, NULL}};

static void help(FILE *f, const char *topic)
{
    for (const help_topic *h = help_topics; topic && h->name; h++)
        if (strcmp(h->name, topic) == 0) {
            fputs(h->intro, f);
            if (h->command)
                print_options(f, h->command);
            if (h->status)
                fputs(h->status, f);
            return;
        }
    fputs("backstep — follow backpropagation term by term\n\n", f);
    usage_line(f);
    fputs("\ncommands:\n"
          "  trace SPEC      the forward pass and every backward step beside its\n"
          "                  numerical gradient\n"
          "  check SPEC...   the gradient check alone, one line per spec, for CI\n"
          "  init LAYERS     write a starter spec, e.g. backstep init 4-3-2-1\n"
          "  train SPEC      gradient descent, the first update term by term and the\n"
          "                  loss per step, e.g. backstep train SPEC --lr 0.5 --steps 100\n"
          "  compare SPEC GRADS.json\n"
          "                  check a program's gradients step by step and name the\n"
          "                  mistake that explains the first one that disagrees\n"
          "  sweep SPEC ELEMENT\n"
          "                  the error of each numerical method as the step h shrinks,\n"
          "                  e.g. backstep sweep 4-3-2-1-bce W1[2,3]\n"
          "  exercise SPEC --roster FILE -o DIR\n"
          "                  a class set: each student's own variant of SPEC, a question\n"
          "                  sheet, an answer file and the worked key\n"
          "  grade DIR ANSWERS.json...\n"
          "                  grade returned answers: a gradebook and feedback naming\n"
          "                  each mistake\n"
          "  step SPEC       show the backward steps one at a time, Enter for the next\n"
          "  quiz SPEC       be asked for each backward step's value; a wrong answer's\n"
          "                  mistake is named\n"
          "  examples        list the shipped specs; a SPEC that is not a file but the\n"
          "                  name of one (backstep trace 4-3-2-1-bce) runs it\n"
          "  help [COMMAND]  this text, or a command's options\n"
          "\nSee 'backstep help trace' and docs/ for the spec format and the output.\n",
          f);
}

/* Prints "backstep: " and the message as one line on stderr: control
 * characters of a file name or an argument are escaped (bs_escape_controls),
 * so that nothing breaks the line. */
static void vsay(const char *fmt, va_list ap)
{
    char raw[2048], line[4096];
    vsnprintf(raw, sizeof raw, fmt, ap);
    bs_escape_controls(line, sizeof line, raw);
    fprintf(stderr, "backstep: %s\n", line);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int bad_usage(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    say("%s (see 'backstep --help')", msg);
    return EXIT_BAD;
}

/* Reads a decimal number written the way a spec writes one: no leading
 * space, no hex, nothing after it, finite.  A value too small for a double
 * but not 0 (1e-400) reads as the smallest positive double of its sign, so
 * that it stays positive; a subnormal (5e-324) is read as it is.  Returns
 * NULL, or what was expected instead ("a number", "a decimal number",
 * "a finite number") with a parenthesised reason in *why ("" if none). */
static const char *number_problem(const char *s, double *out, const char **why)
{
    char *end;
    const char *digits = s + (*s == '+' || *s == '-');
    *why = "";
    if (*s == '\0' || isspace((unsigned char)*s))
        return "a number";
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        return "a decimal number";
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        return "a number";
    if (isnan(v)) {
        *why = " (not a number)";
        return "a number";
    }
    if (errno == ERANGE && fabs(v) > 1.0) {
        *why = " (beyond the largest double)";
        return "a finite number";
    }
    if (isinf(v))
        return "a finite number";
    if (errno == ERANGE && v == 0.0) {
        /* nonzero digits that round to 0 */
        int nonzero = 0;
        for (const char *c = digits; *c && *c != 'e' && *c != 'E'; c++)
            nonzero |= *c >= '1' && *c <= '9';
        if (nonzero)
            v = *s == '-' ? -DBL_TRUE_MIN : DBL_TRUE_MIN;
    }
    *out = v;
    return NULL;
}

/* number_problem() for option `name`, printing one line when the value is
 * no number: returns 0 or EXIT_BAD. */
static int parse_double_opt(const char *name, const char *s, double *out)
{
    const char *why, *want = number_problem(s, out, &why);
    return want ? bad_usage("%s expects %s, got \"%s\"%s", name, want, s, why) : 0;
}

static int parse_double(const char *s, double *out)
{
    const char *why;
    return number_problem(s, out, &why) ? -1 : 0;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int pick(const char *value, const char *const *names, const char *what)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], value) == 0)
            return i;
    const char *g = bs_suggest(value, names);
    if (g) {
        say("unknown %s \"%s\" (did you mean \"%s\"?)", what, value, g);
    } else {
        char list[512] = "";
        for (int i = 0; names[i]; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s %s", i ? "," : "", names[i]);
        }
        say("unknown %s \"%s\" (expected%s)", what, value, list);
    }
    return -1;
}

/* Applies an option of exercise or grade that the other commands do not
 * have; returns 0, EXIT_BAD after printing why, or -1 when it is not one. */
static int apply_classroom(cli *c, const char *name, const char *v)
{
    if (strcmp(name, "--roster") == 0) {
        c->roster = v;
    } else if (strcmp(name, "--steps") == 0 && c->command == CMD_EXERCISE) {
        c->ask = v;
    } else if (strcmp(name, "--digits") == 0) {
        size_t d;
        if (parse_size(v, &d) || d < 1 || d > BS_DIGITS_MAX)
            return bad_usage("--digits expects a number of decimals from 1 to %d, got \"%s\"",
                             BS_DIGITS_MAX, v);
        c->digits = (int)d;
    } else if (strcmp(name, "--add") == 0 && c->command == CMD_EXERCISE) {
        c->add = v;
    } else if (strcmp(name, "--resubmissions") == 0 && c->command == CMD_GRADE) {
        int k = pick(v, bs_resubmit_names, "--resubmissions rule");
        if (k < 0)
            return EXIT_BAD;
        c->resubmit = k;
    } else if (strcmp(name, "--formats") == 0) {
        char why[160];
        if (bs_exercise_formats_parse(v, &c->formats, why, sizeof why) != 0)
            return bad_usage("--formats: %s", why);
    } else {
        return -1;
    }
    return 0;
}

/* Applies one option; returns 0, or EXIT_BAD after printing why. */
static int apply(cli *c, const char *name, const char *v)
{
    int i;
    if (c->command & (CMD_EXERCISE | CMD_GRADE)) {
        int r = apply_classroom(c, name, v);
        if (r >= 0)
            return r;
    }
    if (strcmp(name, "--format") == 0 && c->command == CMD_SWEEP) {
        static const char *const fmts[] = {"text", "svg", NULL};
        if ((i = pick(v, fmts, "format")) < 0)
            return EXIT_BAD;
        c->sweep_svg = i == 1;
    } else if (strcmp(name, "--format") == 0 && c->command == CMD_COMPARE) {
        static const char *const fmts[] = {"text", "json", NULL};
        if ((i = pick(v, fmts, "format")) < 0)
            return EXIT_BAD;
        c->compare_json = i == 1;
    } else if (strcmp(name, "--format") == 0 && c->command == CMD_TRAIN) {
        if ((i = pick(v, bs_train_format_names, "format")) < 0)
            return EXIT_BAD;
        c->train_format = (bs_train_format)i;
    } else if (strcmp(name, "--steps") == 0 && c->command == CMD_TRAIN) {
        if (parse_size(v, &c->train.steps) || c->train.steps < 1 ||
            c->train.steps > BS_TRAIN_MAX_STEPS)
            return bad_usage("--steps expects a number of steps from 1 to %zu, got \"%s\"",
                             BS_TRAIN_MAX_STEPS, v);
    } else if (strcmp(name, "--lr") == 0) {
        if (parse_double(v, &c->train.lr) || !(c->train.lr > 0))
            return bad_usage("--lr expects a learning rate α > 0, got \"%s\"", v);
    } else if (strcmp(name, "--check-every") == 0) {
        if (parse_size(v, &c->train.check_every) || c->train.check_every < 1)
            return bad_usage("--check-every expects a number of steps ≥ 1, got \"%s\"", v);
    } else if (strcmp(name, "--freeze") == 0) {
        c->train.freeze = v;
    } else if (strcmp(name, "--format") == 0 && c->command == CMD_CHECK) {
        if ((i = pick(v, bs_report_format_names, "report format")) < 0)
            return EXIT_BAD;
        c->report = (bs_report_format)i;
    } else if (strcmp(name, "--format") == 0) {
        if ((i = pick(v, bs_format_names, "format")) < 0)
            return EXIT_BAD;
        c->render.format = (bs_format)i;
    } else if (strcmp(name, "--notation") == 0) {
        if ((i = pick(v, bs_notation_names, "notation")) < 0)
            return EXIT_BAD;
        c->render.notation = (bs_notation)i;
        c->notation_set = 1;
    } else if (strcmp(name, "--method") == 0) {
        if ((i = pick(v, bs_method_names, "method")) < 0)
            return EXIT_BAD;
        c->check.method = (bs_method)i;
    } else if (strcmp(name, "--epsilon") == 0) {
        if (parse_double_opt(name, v, &c->epsilon))
            return EXIT_BAD;
        if (!(c->epsilon > 0))
            return bad_usage("--epsilon expects a positive number, got \"%s\"", v);
        c->epsilon_text = v; /* checked against the method once all options are read */
    } else if (strcmp(name, "--rtol") == 0 || strcmp(name, "--atol") == 0) {
        int rel = name[2] == 'r';
        double *t = rel ? &c->rtol : &c->atol;
        bs_error e;
        if (parse_double_opt(name, v, t))
            return EXIT_BAD;
        if (*t < 0)
            return bad_usage("%s expects a number ≥ 0, got \"%s\"", name, v);
        if (bs_check_validate_tolerances(rel ? *t : -1, rel ? -1 : *t, &e) != BS_OK)
            return bad_usage("%s %s: %s", name, v, e.message);
    } else if (strcmp(name, "--fragment") == 0) {
        c->render.fragment = 1;
    } else if (strcmp(name, "--terms") == 0) {
        c->render.terms = 1;
    } else if (strcmp(name, "--explain") == 0) {
        c->render.explain = 1;
    } else if (strcmp(name, "--full") == 0) {
        c->full = 1;
    } else if (strcmp(name, "--strict") == 0) {
        c->strict = 1;
    } else if (strcmp(name, "--directions") == 0) {
        if (parse_size(v, &c->check.directions) || c->check.directions < 1 ||
            c->check.directions > 10000)
            return bad_usage("--directions expects a number of directions from 1 to 10000, "
                             "got \"%s\"", v);
    } else if (strcmp(name, "--precision") == 0) {
        size_t p;
        if (parse_size(v, &p) || p < 1 || p > 17)
            return bad_usage("--precision expects a number of digits from 1 to 17, got \"%s\"",
                             v);
        c->render.precision = (int)p;
    } else if (strcmp(name, "-o") == 0) {
        c->out = v;
    } else if (strcmp(name, "--max-file-size") == 0) {
        if (parse_size(v, &c->limits.max_file_bytes))
            return bad_usage("--max-file-size expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--max-memory") == 0) {
        if (parse_size(v, &c->limits.max_memory))
            return bad_usage("--max-memory expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--activations") == 0) {
        c->init.activations = v;
    } else if (strcmp(name, "--loss") == 0) {
        c->init.loss = v;
    } else if (strcmp(name, "--convention") == 0) {
        static const char *const convs[] = {"row", "column", NULL};
        if ((i = pick(v, convs, "convention")) < 0)
            return EXIT_BAD;
        c->init.convention = i == 0 ? BS_ROW : BS_COLUMN;
    } else if (strcmp(name, "--seed") == 0) {
        size_t seed;
        if (parse_size(v, &seed))
            return bad_usage("--seed expects a non-negative integer, got \"%s\"", v);
        c->init.seed = (uint64_t)seed;
    } else if (strcmp(name, "--force") == 0) {
        c->force = 1;
    } else if (strcmp(name, "--quiet") == 0) {
        c->quiet = 1;
    } else if (strcmp(name, "--max-depth") == 0) {
        size_t d;
        if (parse_size(v, &d) || d < 1 || d > 1000)
            return bad_usage("--max-depth expects a number from 1 to 1000, got \"%s\"", v);
        c->limits.max_depth = (int)d;
    } else if (strcmp(name, "--max-layers") == 0) {
        if (parse_size(v, &c->limits.max_layers) || c->limits.max_layers == 0)
            return bad_usage("--max-layers expects a positive number, got \"%s\"", v);
    } else if (strcmp(name, "--only") == 0 && c->command == CMD_COMPARE) {
        c->compare_only = v;
    } else if (strcmp(name, "--only") == 0) {
        c->quiz_only = v;
    } else if (strcmp(name, "--tolerance") == 0) {
        if (parse_double(v, &c->quiz_tolerance) || !(c->quiz_tolerance > 0) ||
            !(c->quiz_tolerance < 1))
            return bad_usage("--tolerance expects a relative tolerance between 0 and 1, got "
                             "\"%s\"",
                             v);
    } else if (strcmp(name, "--record") == 0) {
        c->quiz_record = v;
    }
    return 0;
}

static int parse(cli *c, int argc, char **argv, int first)
{
    c->specs = calloc((size_t)argc, sizeof(char *));
    if (!c->specs)
        return bad_usage("out of memory");
    int only_files = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            c->specs[c->nspecs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        char name[64];
        const char *value = NULL;
        const char *eq = strchr(a, '=');
        size_t len = eq && a[1] == '-' ? (size_t)(eq - a) : strlen(a);
        if (len >= sizeof name)
            return bad_usage("unknown option \"%s\"", a);
        memcpy(name, a, len);
        name[len] = '\0';
        const option_def *o = options;
        while (o->name && strcmp(o->name, name) != 0)
            o++;
        /* an option may have a row per command (--format) */
        for (const option_def *p = o; p->name; p++)
            if (strcmp(p->name, name) == 0 && (p->commands & c->command)) {
                o = p;
                break;
            }
        if (!o->name || !(o->commands & c->command)) {
            const char *names[32];
            size_t k = 0;
            for (const option_def *p = options; p->name && k < 31; p++)
                if (p->commands & c->command)
                    names[k++] = p->name;
            names[k] = NULL;
            const char *g = bs_suggest(name, names);
            if (g) {
                say("unknown option \"%s\" (did you mean \"%s\"?)", name, g);
                return EXIT_BAD;
            }
            if (o->name)
                return bad_usage("option \"%s\" does not apply to this command", name);
            return bad_usage("unknown option \"%s\"", name);
        }
        if (o->arg) {
            if (eq && a[1] == '-')
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return bad_usage("option \"%s\" needs a value", name);
        } else if (eq && a[1] == '-') {
            return bad_usage("option \"%s\" takes no value", name);
        }
        /* -o "$DIR" with DIR unset: an empty value is never meant (as a
         * directory it would be read as the root directory) */
        if (value && !value[0])
            return bad_usage("option \"%s\" needs a value: %s, got an empty string", name,
                             o->arg);
        int rc = apply(c, name, value);
        if (rc)
            return rc;
    }
    return 0;
}

/* Prints an error as one line on stderr. */
static void report(const bs_error *err)
{
    char line[1024];
    bs_error_format(err, line, sizeof line);
    fprintf(stderr, "backstep: %s\n", line);
}

static bs_check_opts check_opts(const cli *c)
{
    bs_check_opts o = bs_check_defaults(c->check.method);
    if (c->epsilon > 0)
        o.epsilon = c->epsilon;
    if (c->rtol >= 0)
        o.rtol = c->rtol;
    if (c->atol >= 0)
        o.atol = c->atol;
    o.full = c->full;
    o.strict = c->strict;
    o.directions = c->check.directions;
    return o;
}

/* A one-line progress indicator on stderr: done/total, rate, time left.  It
 * appears only after half a second, is redrawn at most ten times a second,
 * and is erased when the work ends, so nothing of it stays on the screen. */
typedef struct progress {
    struct timespec start, last;
    int shown;
    const char *what; /* "training step", or NULL for "checking … elements" */
} progress;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

static void show_progress(void *ctx, size_t done, size_t total)
{
    progress *p = ctx;
    double elapsed = seconds_since(&p->start);
    if (elapsed < 0.5 || (p->shown && seconds_since(&p->last) < 0.1) || done == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    double rate = (double)done / elapsed;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    if (p->what)
        fprintf(stderr, "\r\033[K%s %zu of %zu, %.0f/s, about %d:%02d left", p->what, done,
                total, rate, (int)(left / 60), (int)left % 60);
    else
        fprintf(stderr, "\r\033[Kchecking %zu of %zu elements, %.0f/s, about %d:%02d left",
                done, total, rate, (int)(left / 60), (int)left % 60);
    fflush(stderr);
    p->shown = 1;
}

typedef void (*progress_fn)(void *ctx, size_t done, size_t total);

static int smart_terminal(FILE *f);

/* Starts the indicator p labelled `what` (NULL: "checking … elements") and
 * returns the function to report to, or NULL when nothing is to be shown:
 * with --quiet, or when stderr is not a terminal that can erase a line (a
 * file, a pipe, TERM=dumb). */
static progress_fn start_progress(const cli *c, progress *p, const char *what)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    if (c->quiet || !smart_terminal(stderr))
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return show_progress;
}

static void end_progress(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* Loads the spec at *path, or the shipped spec of that name when there is no
 * such file (saying so on stderr; *path then points into `shipped`).  On
 * failure prints why and returns -1. */
static int load_spec(const cli *c, const char **path, char *shipped, size_t size,
                     bs_net **net, bs_error *err)
{
    bs_error_clear(err);
    *net = NULL;
    /* a file always wins over the name of a shipped spec */
    struct stat st;
    if (strcmp(*path, "-") != 0 && stat(*path, &st) != 0 &&
        bs_example_find(*path, shipped, size) == 0) {
        say("%s is not a file; running the shipped spec %s", *path, shipped);
        *path = shipped;
    }
    if (bs_net_load_file(*path, &c->limits, net, err) != BS_OK) {
        report(err);
        return -1;
    }
    return 0;
}

static bs_trace *run(const cli *c, const char *path, bs_net **net, bs_error *err)
{
    char shipped[1024];
    if (load_spec(c, &path, shipped, sizeof shipped, net, err) != 0)
        return NULL;
    bs_trace *t = NULL;
    bs_check_opts o = check_opts(c);
    progress p;
    o.progress = start_progress(c, &p, NULL);
    o.progress_ctx = &p;
    int checked = bs_checked_trace(*net, &o, &t, err) == BS_OK;
    end_progress(&p);
    if (!checked) {
        bs_error_set_file(err, path);
        report(err);
        bs_net_free(*net);
        *net = NULL;
        return NULL;
    }
    return t;
}

/* Whether f is a terminal that understands escape sequences (colour,
 * erasing a line): not one that says TERM=dumb. */
static int smart_terminal(FILE *f)
{
    const char *term = getenv("TERM");
    return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

/* Whether to colour what goes to f: such a terminal, and no NO_COLOR. */
static int use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return 0;
    return smart_terminal(f);
}

/* Standard output's state: 0 while every write succeeded, EPIPE once a
 * reader went away, -1 once a failed write was reported. */
static int stdout_state;

/* Reports a failed write to standard output with errno `e`, once.  A reader
 * that went away (… | head) is not an error worth a word: returns 0 then,
 * EXIT_BAD otherwise. */
static int stdout_failed(int e)
{
    if (stdout_state == EPIPE || (stdout_state == 0 && e == EPIPE)) {
        stdout_state = EPIPE;
        return 0;
    }
    if (stdout_state == 0)
        fprintf(stderr, "backstep: error writing standard output: %s\n",
                strerror(e ? e : EIO));
    stdout_state = -1;
    return EXIT_BAD;
}

/* The last thing every command does: flushes standard output and checks
 * that everything written to it arrived, so that no output is lost without
 * a word whatever printed it.  Returns `rc`, or EXIT_BAD after a failed
 * write. */
static int finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        return stdout_failed(errno) ? EXIT_BAD : rc;
    return stdout_state == -1 ? EXIT_BAD : rc;
}

/* After writing to f (bad: the writer reported a failure): flushes it and
 * returns 0, or the errno of the failed write (EIO when none was set). */
static int stream_result(FILE *f, int bad)
{
    int saved = errno;
    if (fflush(f) != 0 || ferror(f)) {
        bad = 1;
        saved = errno;
    }
    return bad ? (saved ? saved : EIO) : 0;
}

/* Renders to an open stream; returns 0, or the errno of a failed write. */
static int render_to(FILE *f, const bs_trace *t, const bs_render_opts *ro, int color)
{
    bs_sink s = bs_sink_file(f);
    s.color = color;
    errno = 0;
    int bad = bs_render(&s, t, ro) != 0;
    return stream_result(f, bad);
}

typedef int (*emit_fn)(FILE *f, const void *ctx);

/* Writes what `emit` writes to `path` with the one atomic writer
 * (bs_write_atomic: never over one of the inputs `in`, through a temporary
 * file renamed into place, a symbolic link followed); returns 0, or
 * EXIT_BAD after saying why. */
static int write_output(const char *path, const bs_inputs *in, emit_fn emit,
                        const void *ctx)
{
    bs_error err;
    bs_error_clear(&err);
    if (bs_write_atomic(path, emit, ctx, in, &err) != BS_OK) {
        report(&err);
        return EXIT_BAD;
    }
    return 0;
}

/* Writes the output: to -o FILE through write_output, or to standard
 * output, where a reader that went away (… | head) is not an error worth a
 * word.  Returns 0 or EXIT_BAD. */
static int deliver(const cli *c, emit_fn emit, const void *ctx)
{
    if (c->out)
        return write_output(c->out, &c->inputs, emit, ctx);
    int e = emit(stdout, ctx);
    return e ? stdout_failed(e) : 0;
}

typedef struct trace_job {
    const bs_trace *t;
    const bs_render_opts *ro;
    int color;
} trace_job;

static int emit_trace(FILE *f, const void *ctx)
{
    const trace_job *j = ctx;
    return render_to(f, j->t, j->ro, j->color);
}

static int cmd_trace(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("trace takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("trace needs a SPEC file");
    if (c->render.format == BS_FORMAT_NPZ && !c->out && isatty(fileno(stdout))) {
        fputs("backstep: --format npz writes binary NumPy arrays: give -o FILE (or "
              "redirect standard output)\n",
              stderr);
        return EXIT_BAD;
    }
    const char *path = c->specs[0];
    bs_net *net;
    bs_error err;
    bs_trace *t = run(c, path, &net, &err);
    if (!t)
        return EXIT_BAD;
    c->render.source = strcmp(path, "-") == 0 ? "<stdin>" : path;
    trace_job job = {t, &c->render,
                     !c->out && c->render.format == BS_FORMAT_TEXT && use_color(stdout)};
    int rc = deliver(c, emit_trace, &job);
    if (rc == 0 && !t->passed)
        rc = EXIT_MISMATCH;
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

/* Checks every spec and writes the report: line by line for text, as one
 * document for the other formats (so all traces are kept until the end). */
static int cmd_check(cli *c)
{
    if (c->nspecs == 0)
        return bad_usage("check needs at least one SPEC file");
    int rc = EXIT_AGREE;
    int streaming = c->report == BS_REPORT_TEXT;
    bs_report_item *items = calloc(c->nspecs, sizeof *items);
    bs_net **nets = calloc(c->nspecs, sizeof *nets);
    bs_error *errs = calloc(c->nspecs, sizeof *errs);
    if (!items || !nets || !errs) {
        free(items);
        free(nets);
        free(errs);
        return bad_usage("out of memory");
    }
    bs_sink s = bs_sink_file(stdout);
    s.color = streaming && use_color(stdout);
    for (size_t i = 0; i < c->nspecs; i++) {
        items[i].file = c->specs[i];
        items[i].error = &errs[i];
        items[i].trace = run(c, c->specs[i], &nets[i], &errs[i]);
        if (!items[i].trace)
            rc = EXIT_BAD;
        else if (!items[i].trace->passed && rc == EXIT_AGREE)
            rc = EXIT_MISMATCH;
        if (streaming) {
            bs_report_write(&s, c->report, &items[i], 1);
            fflush(stdout);
            bs_trace_free((bs_trace *)items[i].trace);
            bs_net_free(nets[i]);
            items[i].trace = NULL;
            nets[i] = NULL;
        }
    }
    if (!streaming)
        bs_report_write(&s, c->report, items, c->nspecs);
    for (size_t i = 0; i < c->nspecs; i++) {
        bs_trace_free((bs_trace *)items[i].trace);
        bs_net_free(nets[i]);
    }
    free(items);
    free(nets);
    free(errs);
    if (fflush(stdout) != 0 || ferror(stdout) || bs_sink_status(&s) != 0)
        return stdout_failed(errno) ? EXIT_BAD : rc;
    return rc;
}

static int emit_text(FILE *f, const void *ctx)
{
    const char *text = ctx;
    errno = 0;
    if (fputs(text, f) == EOF || fflush(f) != 0 || ferror(f))
        return errno ? errno : EIO;
    return 0;
}

/* The error of each numerical method for one element as h shrinks. */
static int cmd_sweep(cli *c)
{
    if (c->nspecs != 2)
        return bad_usage("sweep takes a SPEC and an ELEMENT such as W1[2,3] or g[2z][1,2], "
                         "got %zu argument%s",
                         c->nspecs, c->nspecs == 1 ? "" : "s");
    const char *path = c->specs[0];
    char shipped[1024];
    bs_net *net = NULL;
    bs_trace *t = NULL;
    bs_sweep *sw = NULL;
    bs_error err;
    if (load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        return EXIT_BAD;
    size_t step, index;
    int rc = 0;
    if (bs_checked_trace(net, NULL, &t, &err) != BS_OK) {
        bs_error_set_file(&err, path);
        report(&err);
        rc = EXIT_BAD;
    } else if (bs_sweep_parse_element(t, c->specs[1], &step, &index, &err) != BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    } else {
        progress p;
        progress_fn fn = start_progress(c, &p, "sweep: evaluation");
        bs_status st = bs_sweep_run(t, step, index, fn, &p, &sw, &err);
        end_progress(&p);
        if (st != BS_OK) {
            report(&err);
            rc = EXIT_BAD;
        }
    }
    if (rc == 0) {
        bs_sink b = bs_sink_buffer();
        if (c->sweep_svg)
            bs_sweep_svg(&b, sw);
        else
            bs_sweep_text(&b, sw);
        if (bs_sink_status(&b) != 0 || !b.buf) {
            fputs("backstep: out of memory\n", stderr);
            rc = EXIT_BAD;
        } else {
            rc = deliver(c, emit_text, b.buf);
        }
        bs_sink_free_buffer(&b);
    }
    bs_sweep_free(sw);
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

static int cmd_init(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("init takes one LAYERS argument, got %zu", c->nspecs)
                         : bad_usage("init needs the layer sizes, e.g. backstep init 4-3-2-1");
    c->init.layers = c->specs[0];
    bs_error err;
    bs_error_clear(&err);
    bs_sink b = bs_sink_buffer();
    if (bs_scaffold(&c->init, &b, &err) != BS_OK) {
        bs_sink_free_buffer(&b);
        report(&err);
        return EXIT_BAD;
    }
    int rc = 0;
    struct stat st;
    if (!c->out) {
        int e = emit_text(stdout, b.buf);
        rc = e ? stdout_failed(e) : 0;
    } else if (!c->force && stat(c->out, &st) == 0 && S_ISREG(st.st_mode)) {
        say("%s: exists; refusing to overwrite it (give --force to replace it)", c->out);
        rc = EXIT_BAD;
    } else {
        rc = write_output(c->out, &c->inputs, emit_text, b.buf);
    }
    bs_sink_free_buffer(&b);
    return rc;
}

typedef struct train_job {
    const bs_train *t;
    bs_train_format format;
    const char *source;
    int precision;
} train_job;

static int emit_train(FILE *f, const void *ctx)
{
    const train_job *j = ctx;
    bs_sink s = bs_sink_file(f);
    errno = 0;
    int bad = bs_train_render(&s, j->t, j->format, j->source, j->precision) != 0;
    return stream_result(f, bad);
}

static int cmd_train(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("train takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("train needs a SPEC file");
    if (!(c->train.lr > 0))
        return bad_usage("train needs a learning rate, e.g. --lr 0.5");
    const char *path = c->specs[0];
    char shipped[1024];
    bs_net *net;
    bs_error err;
    if (load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        return EXIT_BAD;
    bs_train_opts o = c->train;
    o.check = check_opts(c);
    progress p;
    o.progress = start_progress(c, &p, "training step");
    o.progress_ctx = &p;
    bs_train *t = NULL;
    bs_status st = bs_train_run(net, &o, &t, &err);
    end_progress(&p);
    if (st != BS_OK) {
        bs_error_set_file(&err, path);
        report(&err);
        bs_net_free(net);
        return EXIT_BAD;
    }
    train_job job = {t, c->train_format, strcmp(path, "-") == 0 ? "<stdin>" : path,
                     c->render.precision};
    int rc = deliver(c, emit_train, &job);
    if (rc == 0 && !t->passed) {
        rc = EXIT_MISMATCH;
        /* CSV has no room for why; the other formats say it themselves */
        if (c->train_format == BS_TRAIN_CSV) {
            bs_sink b = bs_sink_buffer();
            bs_train_verdict(&b, t, c->render.precision);
            say("%s: %s", job.source, b.buf ? b.buf : "");
            bs_sink_free_buffer(&b);
        }
    }
    bs_train_free(t);
    bs_net_free(net);
    return rc;
}

typedef struct compare_job {
    const bs_compare_result *r;
    int json;
    const char *spec, *grads;
} compare_job;

static int emit_compare(FILE *f, const void *ctx)
{
    const compare_job *j = ctx;
    bs_sink s = bs_sink_file(f);
    errno = 0;
    if (j->json) {
        bs_compare_json(&s, j->r);
    } else {
        bs_sink_printf(&s, "backstep compare: %s against %s, backward steps in order\n\n",
                       j->grads, j->spec);
        bs_compare_text(&s, j->r);
    }
    int bad = bs_sink_status(&s) != 0;
    return stream_result(f, bad);
}

static int cmd_compare(cli *c)
{
    if (c->nspecs != 2)
        return bad_usage("compare takes a SPEC and a gradient file, e.g. backstep compare "
                         "spec.json grads.json");
    const char *path = c->specs[0], *grads = c->specs[1];
    if (strcmp(path, "-") == 0 && strcmp(grads, "-") == 0)
        return bad_usage("only one of SPEC and GRADS.json can be read from standard input");
    char shipped[1024];
    bs_net *net;
    bs_error err;
    if (load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        return EXIT_BAD;
    bs_trace *t = NULL;
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    bs_compare_opts o = bs_compare_defaults();
    if (c->rtol >= 0)
        o.rtol = c->rtol;
    if (c->atol >= 0)
        o.atol = c->atol;
    if (c->notation_set)
        o.notation = (int)c->render.notation;
    o.only = c->compare_only;
    int rc = 0;
    if (bs_checked_trace(net, NULL, &t, &err) != BS_OK) {
        bs_error_set_file(&err, path);
        rc = EXIT_BAD;
    } else if (bs_compare_load(grads, t, &g, &err) != BS_OK ||
               bs_compare_run(t, g, &o, &r, &err) != BS_OK) {
        rc = EXIT_BAD;
    }
    if (rc) {
        report(&err);
    } else {
        compare_job job = {r, c->compare_json, strcmp(path, "-") == 0 ? "<stdin>" : path,
                           strcmp(grads, "-") == 0 ? "<stdin>" : grads};
        rc = deliver(c, emit_compare, &job);
        if (rc == 0 && !bs_compare_agrees(r))
            rc = EXIT_MISMATCH;
    }
    bs_compare_result_free(r);
    bs_grads_file_free(g);
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

/* the name of a spec for an exercise's manifest: its file name without the
 * directory, so that the same spec gives the same files from anywhere */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Reads a roster, printing every bad line; returns 0 or EXIT_BAD. */
static int load_roster(const char *path, bs_roster **out)
{
    bs_error errs[50];
    size_t nerr = 0;
    if (bs_roster_load_all(path, out, errs, 50, &nerr) == BS_OK)
        return 0;
    for (size_t i = 0; i < nerr && i < 50; i++)
        report(&errs[i]);
    if (nerr > 50)
        fprintf(stderr, "backstep: %s: and %zu more bad lines\n", path, nerr - 50);
    return EXIT_BAD;
}

/* exercise DIR --add ROSTER: the new students' files, the summary and the
 * manifest; the other students' files are left as they are */
static int exercise_add(cli *c)
{
    if (c->nspecs != 1)
        return bad_usage("exercise --add takes the exercise directory, e.g. backstep exercise "
                         "ex1 --add late.txt");
    if (c->roster || c->out || c->ask || c->digits || c->formats || c->force)
        return bad_usage("exercise --add takes its spec, seed and options from "
                         "DIR/exercise.json: give only DIR and --add ROSTER");
    const char *dir = c->specs[0];
    bs_error err;
    bs_error_clear(&err);
    bs_exercise_set *x = NULL;
    if (bs_exercise_set_open(dir, &x, &err) != BS_OK) {
        report(&err);
        return EXIT_BAD;
    }
    bs_roster *more = NULL;
    if (load_roster(c->add, &more) != 0) {
        bs_exercise_set_free(x);
        return EXIT_BAD;
    }
    bs_fileset *fs = NULL;
    int rc = 0;
    if (bs_exercise_set_add(x, more, c->add, &fs, &err) != BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    } else if (bs_fileset_write(fs, dir, &c->inputs, &err) != BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    } else {
        printf("backstep: added %zu student%s to %s/ (%zu in all): their files, "
               "key/summary.csv, exercise.json\n",
               more->n, more->n == 1 ? "" : "s", dir, bs_exercise_set_count(x) + more->n);
    }
    bs_fileset_free(fs);
    bs_roster_free(more);
    bs_exercise_set_free(x);
    return rc;
}

static int cmd_exercise(cli *c)
{
    if (c->add)
        return exercise_add(c);
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("exercise takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("exercise needs a SPEC, e.g. backstep exercise "
                                     "4-3-2-1-bce --roster class.txt -o ex1");
    if (!c->roster)
        return bad_usage("exercise needs the students: --roster FILE (one id per line)");
    if (!c->out)
        return bad_usage("exercise needs the directory to write: -o DIR");
    bs_dir_kind k = bs_dir_state(c->out);
    if (k == BS_DIR_NOT_DIR) {
        fprintf(stderr, "backstep: %s: exists and is not a directory\n", c->out);
        return EXIT_BAD;
    }
    if (k == BS_DIR_FULL && !c->force) {
        fprintf(stderr, "backstep: %s: is not empty; refusing to write an exercise set into "
                        "it (give --force to write over the files there)\n",
                c->out);
        return EXIT_BAD;
    }
    const char *path = c->specs[0];
    char shipped[1024];
    bs_net *net = NULL;
    bs_error err;
    if (load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        return EXIT_BAD;
    bs_roster *roster = NULL;
    if (load_roster(c->roster, &roster) != 0) {
        bs_net_free(net);
        return EXIT_BAD;
    }
    bs_exercise_opts o = bs_exercise_defaults();
    o.seed = c->init.seed;
    if (c->digits)
        o.digits = c->digits;
    if (c->formats)
        o.formats = c->formats;
    o.notation = c->render.notation;
    o.steps = c->ask;
    o.source = strcmp(path, "-") == 0 ? "<stdin>" : base_name(path);
    progress p;
    o.progress = start_progress(c, &p, "exercise: student");
    o.progress_ctx = &p;
    bs_fileset *fs = NULL;
    int rc = 0;
    bs_error_clear(&err);
    bs_status built = bs_exercise_build(net, roster, &o, &fs, &err);
    end_progress(&p);
    if (built != BS_OK) {
        if (err.where[0] != '-')
            bs_error_set_file(&err, path);
        report(&err);
        rc = EXIT_BAD;
    } else if (bs_fileset_refuse_inputs(fs, c->out, &c->inputs, &err) != BS_OK ||
               bs_exercise_remove_manifest(c->out, &err) != BS_OK ||
               bs_fileset_write(fs, c->out, &c->inputs, &err) != BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    } else {
        printf("backstep: wrote the exercise for %zu student%s to %s/: <id>/spec.json, "
               "<id>/sheet.*, <id>/answers.json, key/<id>.*, key/summary.csv, exercise.json\n",
               roster->n, roster->n == 1 ? "" : "s", c->out);
    }
    bs_fileset_free(fs);
    bs_roster_free(roster);
    bs_net_free(net);
    return rc;
}

/* grade: the gradebook first, whole (to -o FILE or standard output); then
 * each student's feedback file on its own, so that one that cannot be
 * written loses nothing else.  Exit 2 when the gradebook or a feedback file
 * could not be written, else 1 when a submission could not be graded. */
static int cmd_grade(cli *c)
{
    if (c->nspecs < 2)
        return bad_usage("grade takes the exercise directory and the returned answer files, "
                         "e.g. backstep grade ex1 returned/*.json");
    const char *dir = c->specs[0];
    bs_error err;
    bs_error_clear(&err);
    bs_exercise_set *x = NULL;
    if (bs_exercise_set_open(dir, &x, &err) != BS_OK) {
        report(&err);
        return EXIT_BAD;
    }
    size_t n = c->nspecs - 1;
    char clash[4096];
    const char *what;
    if (c->out &&
        bs_grade_output_clash(c->out, dir, x, c->specs + 1, n, clash, sizeof clash, &what)) {
        fprintf(stderr, "backstep: %s: is %s (%s); refusing to write the gradebook over it\n",
                c->out, what, clash);
        bs_exercise_set_free(x);
        return EXIT_BAD;
    }
    bs_grade_result *r = calloc(n, sizeof *r);
    int rc = 0;
    if (!r) {
        fputs("backstep: out of memory\n", stderr);
        rc = EXIT_BAD;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (bs_grade_file(x, c->specs[i + 1], &r[i], &err) != BS_OK) {
            report(&err);
            rc = EXIT_BAD;
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (r[i].error)
            fprintf(stderr, "backstep: %s: %s\n", r[i].file, r[i].reason);
    const char *note;
    for (size_t i = 0; rc == 0 && i < bs_exercise_set_count(x); i++)
        if ((note = bs_exercise_set_note(x, i)) != NULL)
            fprintf(stderr, "backstep: %s/%s/spec.json: %s\n", dir, bs_exercise_set_id(x, i),
                    note);
    bs_grade_row *rows = NULL;
    size_t nrows = 0;
    if (rc == 0 && bs_grade_rows(x, r, n, (bs_resubmit)c->resubmit, &rows, &nrows, &err) !=
                       BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    }
    bs_grade_tally k = bs_grade_count(rows, nrows);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].status == BS_ROW_ERROR && !rows[i].result)
            fprintf(stderr, "backstep: %s: %s\n", rows[i].id, rows[i].note);
    int book = 0; /* 0, or EXIT_BAD when the gradebook was not written */
    if (rc == 0) {
        bs_sink b = bs_sink_buffer();
        bs_gradebook_csv(&b, x, rows, nrows);
        if (bs_sink_status(&b) != 0) {
            fputs("backstep: out of memory\n", stderr);
            rc = EXIT_BAD;
        } else {
            book = deliver(c, emit_text, b.buf ? b.buf : "");
        }
        bs_sink_free_buffer(&b);
    }
    size_t unwritten = 0;
    bs_fileset *fb = NULL;
    if (rc == 0 &&
        bs_grade_feedback_files(x, rows, nrows, (bs_resubmit)c->resubmit, &fb, &err) != BS_OK) {
        report(&err);
        rc = EXIT_BAD;
    }
    for (size_t i = 0; fb && i < fb->n; i++) {
        bs_error_clear(&err);
        if (bs_write_under(dir, fb->files[i].path, fb->files[i].data, fb->files[i].len,
                           &c->inputs, &err) != BS_OK) {
            report(&err); /* this student's feedback alone */
            unwritten++;
        }
    }
    bs_fileset_free(fb);
    if (rc == 0 && book == 0 && c->out)
        printf("backstep: graded %zu of %zu students from %zu file%s (%zu missing, %zu "
               "other rows to look at): gradebook %s, feedback in %s/feedback/%s\n",
               k.graded, bs_exercise_set_count(x), n, n == 1 ? "" : "s", k.missing,
               k.other, c->out, dir, unwritten ? " (some not written: see above)" : "");
    if (rc == 0 && (book || unwritten))
        rc = EXIT_BAD;
    if (rc == 0 && k.other)
        rc = EXIT_MISMATCH;
    free(rows);
    for (size_t i = 0; r && i < n; i++)
        bs_grade_result_free(&r[i]);
    free(r);
    bs_exercise_set_free(x);
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

/* A session of step or quiz: one of the two is set. */
typedef struct session {
    bs_stepper *w;
    bs_quiz *q;
} session;

static int session_feed(session *se, const char *line, bs_sink *s)
{
    return se->w ? bs_stepper_feed(se->w, line, s) : bs_quiz_feed(se->q, line, s);
}

static void session_prompt(const session *se, char *buf, size_t size)
{
    if (se->w)
        bs_stepper_prompt(se->w, buf, size);
    else
        bs_quiz_prompt(se->q, buf, size);
}

/* Feeds the lines of standard input to a started session until it ends or
 * the input does (then the session finishes on its own terms).  On a
 * terminal it prompts; otherwise it writes each line it read after the
 * prompt, so that the output reads like the session at a terminal.
 * Returns 0, or EXIT_BAD when standard output failed. */
static int session_loop(session *se, bs_sink *s)
{
    int tty = isatty(fileno(stdin));
    char *line = NULL;
    size_t cap = 0;
    char prompt[128];
    int more = 1;
    while (more && bs_sink_status(s) == 0) {
        session_prompt(se, prompt, sizeof prompt);
        if (tty)
            bs_sink_puts(s, prompt);
        fflush(stdout);
        if (read_line(&line, &cap) != 0) {
            if (tty)
                bs_sink_puts(s, "\n");
            if (se->w)
                bs_stepper_finish(se->w, s);
            else
                bs_quiz_finish(se->q, s);
            break;
        }
        if (!tty)
            bs_sink_printf(s, "%s%s\n", prompt, line);
        more = session_feed(se, line, s);
    }
    free(line);
    if (fflush(stdout) != 0 || ferror(stdout) || bs_sink_status(s) != 0)
        return stdout_failed(errno);
    return 0;
}

static int cmd_step(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("step takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("step needs a SPEC file");
    const char *path = c->specs[0];
    if (strcmp(path, "-") == 0)
        return bad_usage("step reads its commands from standard input: give SPEC as a file");
    bs_net *net;
    bs_error err;
    bs_trace *t = run(c, path, &net, &err);
    if (!t)
        return EXIT_BAD;
    c->render.format = BS_FORMAT_TEXT;
    c->render.source = path;
    session se = {NULL, NULL};
    int rc = 0;
    if (bs_stepper_create(t, &c->render, &se.w, &err) != BS_OK) {
        bs_error_set_file(&err, path);
        report(&err);
        rc = EXIT_BAD;
    } else {
        bs_sink s = bs_sink_file(stdout);
        bs_stepper_start(se.w, &s);
        rc = session_loop(&se, &s);
    }
    if (rc == 0 && !t->passed)
        rc = EXIT_MISMATCH;
    bs_stepper_free(se.w);
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

static int emit_record(FILE *f, const void *ctx)
{
    bs_sink s = bs_sink_file(f);
    errno = 0;
    bs_quiz_record(&s, ctx);
    int bad = bs_sink_status(&s) != 0;
    return stream_result(f, bad);
}

static int cmd_quiz(cli *c)
{
    if (c->nspecs != 1)
        return c->nspecs ? bad_usage("quiz takes one SPEC, got %zu", c->nspecs)
                         : bad_usage("quiz needs a SPEC file");
    const char *path = c->specs[0];
    if (strcmp(path, "-") == 0)
        return bad_usage("quiz reads the answers from standard input: give SPEC as a file");
    char shipped[1024];
    bs_net *net;
    bs_error err;
    if (load_spec(c, &path, shipped, sizeof shipped, &net, &err) != 0)
        return EXIT_BAD;
    bs_trace *t = NULL;
    session se = {NULL, NULL};
    bs_quiz_opts o = bs_quiz_defaults();
    o.notation = c->render.notation;
    o.precision = c->render.precision;
    o.only = c->quiz_only;
    if (c->quiz_tolerance > 0)
        o.tolerance = c->quiz_tolerance;
    o.source = path;
    int rc = 0;
    if (bs_checked_trace(net, NULL, &t, &err) != BS_OK) {
        bs_error_set_file(&err, path);
        report(&err);
        rc = EXIT_BAD;
    } else if (bs_quiz_create(t, &o, &se.q, &err) != BS_OK) {
        if (err.status != BS_ERR_USAGE)
            bs_error_set_file(&err, path);
        report(&err);
        rc = EXIT_BAD;
    } else {
        bs_sink s = bs_sink_file(stdout);
        bs_quiz_start(se.q, &s);
        rc = session_loop(&se, &s);
        if (c->quiz_record) {
            int wr = write_output(c->quiz_record, &c->inputs, emit_record, se.q);
            if (wr)
                rc = wr;
        }
    }
    bs_quiz_free(se.q);
    bs_trace_free(t);
    bs_net_free(net);
    return rc;
}

static int cmd_examples(void)
{
    bs_sink s = bs_sink_file(stdout);
    if (bs_examples_list(&s) == 0) {
        fputs("backstep: no shipped specs found (set BACKSTEP_SPECS_DIR to their directory)\n",
              stderr);
        return EXIT_BAD;
    }
    if (fflush(stdout) != 0 || ferror(stdout) || bs_sink_status(&s) != 0)
        return stdout_failed(errno);
    return 0;
}

static int cmd_examples_args(cli *c)
{
    return c->nspecs ? bad_usage("examples takes no arguments") : cmd_examples();
}

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
    {"examples", CMD_EXAMPLES, cmd_examples_args}, {NULL, 0, NULL}};

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
            if (bs_example_find(a, shipped, sizeof shipped) == 0 && add_input(c, shipped))
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
    bs_files_remove_temporary();
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
    return finish_stdout(run_command(argc, argv));
}

/* Runs the command of argv and returns its exit status; main checks that
 * what it wrote to standard output arrived. */
static int run_command(int argc, char **argv)
{
    if (argc < 2) {
        usage_line(stderr);
        return EXIT_BAD;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        help(stdout, NULL);
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
            say("no help for \"%s\": the commands are%s", topic, list);
            return EXIT_BAD;
        }
        help(stdout, topic);
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
            say("unknown command \"%s\" (did you mean \"%s\"?)", cmd, g);
        else
            say("unknown command \"%s\"", cmd);
        usage_line(stderr);
        return EXIT_BAD;
    }
    cli c;
    memset(&c, 0, sizeof c);
    c.render = bs_render_defaults();
    c.check = bs_check_defaults(BS_METHOD_CENTRAL);
    c.rtol = c.atol = -1;
    c.limits = bs_limits_default();
    c.init.seed = 1;
    c.train = bs_train_defaults();
    c.command = def->bit;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout, cmd);
            return 0;
        }
    int rc = parse(&c, argc, argv, 2);
    bs_error e;
    if (rc == 0 && c.epsilon_text &&
        bs_check_validate_step(c.check.method, c.epsilon, &e) != BS_OK)
        rc = bad_usage("--epsilon %s: %s", c.epsilon_text, e.message);
    c.limits.full_check = c.full; /* the memory estimate counts --full's work list */
    if (rc == 0 && collect_inputs(&c) != 0)
        rc = bad_usage("out of memory");
    /* an output over an input is refused before the command does anything */
    const char *outs[] = {c.out, c.quiz_record};
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        bs_error err;
        bs_error_clear(&err);
        if (outs[i] && bs_refuse_input(outs[i], &c.inputs, &err) != BS_OK) {
            report(&err);
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
