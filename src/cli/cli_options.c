/* cli_options.c — the option table, the help texts and the parsing of the
 * command line. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bs_error.h"
#include "bs_exercise.h"
#include "bs_grade.h"
#include "bs_gradebook.h"
#include "bs_render.h"
#include "bs_report.h"
#include "bs_trace.h"
#include "bs_train.h"
#include "bs_train_render.h"

#include "cli.h"

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
    {"--format", "FORMAT", CMD_HANDOUT,
     "output format: text (default), json (every number with what it is), markdown, latex "
     "or html"},
    {"--format", "FORMAT", CMD_SWEEP,
     "sweep: text (default: a table and a Unicode plot) or svg (an SVG image)"},
    {"--steps", "N", CMD_TRAIN, "train: full-batch gradient descent steps (default 1)"},
    {"--lr", "ALPHA", CMD_TRAIN, "train: the learning rate α > 0 (required)"},
    {"--lr", "ALPHA", CMD_HANDOUT,
     "handout 001: α > 0 of the update W_{s+1} = W_s − α ∂ℒ/∂W_s (default 0.1)"},
    {"--check-every", "K", CMD_TRAIN,
     "train: check the gradient after every K steps too (default: before the first step "
     "only)"},
    {"--freeze", "LIST", CMD_TRAIN,
     "train: parameters kept fixed, e.g. b1,b2 (names as in the spec's params)"},
    {"--fragment", NULL, CMD_TRACE | CMD_HANDOUT, "latex: write only the body, without the preamble"},
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
    {"--example", "I", CMD_COMPARE,
     "compare: the file holds the gradients of example I of the batch alone (counted "
     "from 1), as a per-example program computes them: its own loss, without the 1/B"},
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
    {"--precision", "N", CMD_TRACE | CMD_TRAIN | CMD_HANDOUT, "significant digits in text output (default 6)"},
    {"-o", "FILE", CMD_TRACE | CMD_INIT | CMD_TRAIN | CMD_COMPARE | CMD_SWEEP | CMD_HANDOUT,
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
    {"--policy", "POLICY", CMD_EXERCISE | CMD_GRADE,
     "exercise, grade: how a step below a wrong one is marked: carry (default; against the "
     "student's own answers above it, so a slip costs one step) or strict (against the "
     "right values); exercise says it on the sheet and in exercise.json, grade's overrides "
     "the exercise's"},
    {"-o", "FILE", CMD_GRADE,
     "grade: write the gradebook to FILE (default: standard output); never one "
     "of the files grade reads or writes"},
    {"--format", "FORMAT", CMD_GRADE,
     "grade: the gradebook's format: csv (default), gradescope (results.json for one "
     "submission), canvas or moodle (the CSV each imports)"},
    {"--weights", "FILE|LIST", CMD_GRADE,
     "grade: the points of each step, e.g. g[3z]=2,g[2W]=3, or a file of such entries "
     "(default 1 each)"},
    {"--visibility", "WHO", CMD_GRADE,
     "grade --format gradescope: visible (default), hidden, after_due_date or "
     "after_published"},
    {"--assignment", "NAME", CMD_GRADE,
     "grade --format canvas|moodle: the grade column's name (default: the spec's name); "
     "Canvas wants \"Name (id)\""},
    {"--summary", "FILE", CMD_GRADE,
     "grade: also write a class summary (Markdown): per step, how many students made "
     "each mistake, and who"},
    {"--feedback", "MODE", CMD_GRADE,
     "grade: answers (default: yours and the right value of each differing element) or "
     "hints (the step, the mistake and the elements, no values)"},
    {"--check", "ANSWERS.json", CMD_GRADE,
     "grade DIR --check ANSWERS.json: check an answers file before handing it in (JSON, "
     "id, keys, shapes), without grading; one line per problem"},
    {"--notation", "NOTATION", CMD_STEP | CMD_QUIZ | CMD_TRAIN,
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

void cli_usage_line(FILE *f)
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
          "       backstep handout 000|001|002 [SPEC] [--format FORMAT] [-o FILE] [--lr ALPHA]\n"
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
     "sigmoid'(z2) in dz2\".  A program that differs only by a convention (it\n"
     "averages where the spec sums, its file is transposed, ...) is told so once,\n"
     "with the change that reconciles it.  The file must give dW and db of every\n"
     "layer, or the steps --only names.  - reads GRADS.json from standard\n"
     "input.  A grads dict is read as programs keep it: W1, b1, ... as the\n"
     "gradients of those parameters, nested under \"grads\" (or \"gradients\"),\n"
     "grad_W2, W2_grad or d_W2 as dW2; dX (da0) is the gradient of the input.\n"
     "--example I compares the gradients of example I of the batch alone.\n\noptions:\n",
     "\nexit status: 0 every required step is given and every given step agrees,\n"
     "1 a step disagrees or a required step is missing, 2 usage error, bad spec,\n"
     "bad gradient file or i/o error, 3 every difference is a convention named\n"},
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
     "DIR/<id>/sheet.{md,tex,html}, the answer file to fill in DIR/<id>/answers.json,\n"
     "the same sheet and answer file alone in DIR/students/<id>/ (the folder to hand\n"
     "out); and for the instructor the key DIR/<id>/key.{md,tex,html} (every value,\n"
     "the asked steps marked), the worked solutions DIR/key/<id>.{md,tex,html}, the\n"
     "booklets DIR/booklet-sheets.html and DIR/booklet-keys.html (a student a page),\n"
     "the answers in DIR/key/summary.csv and DIR/exercise.json for backstep grade.\n"
     "Ids are 1 to 64 letters, digits, '.', '_' or '-', the same whatever their case.\n"
     "A roster skips blank lines and lines starting with '#'.  --add adds students\n"
     "to an existing set.\n\noptions:\n",
     "\nexit status: 0 written, 2 usage error, bad spec or roster, or i/o error\n"},
    {"grade", CMD_GRADE,
     "usage: backstep grade DIR ANSWERS.json... [-o GRADEBOOK.csv] [--format FORMAT]\n"
     "                                              [--policy carry|strict]\n"
     "       backstep grade DIR --check ANSWERS.json\n\n"
     "Grades each returned answers.json against the variant of the student it\n"
     "names (DIR is the directory backstep exercise wrote): each asked step is\n"
     "right (what the student's own answers above it give, to 3 significant\n"
     "digits, under --policy carry; the right value under strict), wrong with the\n"
     "mistake compare names for it, missing, or malformed (unreadable; the other\n"
     "steps are graded all the same).  Writes the gradebook (CSV: id, file,\n"
     "handed_in, status, score, points, max_points, percent, other_variant, a\n"
     "column per step, the mistakes, the error, the policy): one row per student\n"
     "of the roster in roster order\n"
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
    {"handout", CMD_HANDOUT,
     "usage: backstep handout 000|001|002 [SPEC] [options]\n\n"
     "Follows a backpropagation handout equation by equation, in its own order\n"
     "and notation, with the numbers of SPEC (default: the handout's shipped spec,\n"
     "000-2-3-2-mse, 4-3-2-1-bce or 002-4-3-3-3-softmax-ce-l2): every equation that\n"
     "carries a value, labelled by the handout's section and left-hand side (002\n"
     "also by its own equation number), the errata its numbers expose at their\n"
     "equations (for 002 the program's dz3 ... db1 beside the gradients), and a\n"
     "closing table of the numerical check.  A SPEC of another structure is\n"
     "refused, saying what differs (docs/handouts.md).\n\noptions:\n",
     "\nexit status: 0 every gradient agrees, 1 a gradient check failed, 2 usage\n"
     "error, bad spec, a spec of another structure or i/o error\n"},
    {"examples", 0,
     "usage: backstep examples\n\n"
     "Lists the shipped specs: name, layers, handout and a one-line description.\n"
     "The handout is the one whose conventions the spec follows: 000 for the\n"
     "column convention, 002 for the row convention with softmax + cross-entropy,\n"
     "001 for any other row-convention spec.\n"
     "A SPEC argument that is not a file but one of these names runs that spec.\n"
     "\nexit status: 0 listed, 2 no shipped specs found\n",
     NULL},
    {"check", CMD_CHECK,
     "usage: backstep check SPEC... [options]\n\n"
     "Checks the gradients of each SPEC quietly: one line per spec.\n\noptions:\n",
     "\nexit status: 0 all agree, 1 some check failed or verified nothing\n"
     "(UNVERIFIED), 2 a spec could not be loaded or usage error\n"},
    {NULL, 0, NULL, NULL}};

void cli_help(FILE *f, const char *topic)
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
    cli_usage_line(f);
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
    return want ? cli_bad_usage("%s expects %s, got \"%s\"%s", name, want, s, why) : 0;
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
        cli_say("unknown %s \"%s\" (did you mean \"%s\"?)", what, value, g);
    } else {
        char list[512] = "";
        for (int i = 0; names[i]; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s %s", i ? "," : "", names[i]);
        }
        cli_say("unknown %s \"%s\" (expected%s)", what, value, list);
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
            return cli_bad_usage("--digits expects a number of decimals from 1 to %d, got \"%s\"",
                             BS_DIGITS_MAX, v);
        c->digits = (int)d;
    } else if (strcmp(name, "--add") == 0 && c->command == CMD_EXERCISE) {
        c->add = v;
    } else if (strcmp(name, "--resubmissions") == 0 && c->command == CMD_GRADE) {
        int k = pick(v, bs_resubmit_names, "--resubmissions rule");
        if (k < 0)
            return EXIT_BAD;
        c->resubmit = bs_resubmit_names[k];
    } else if (strcmp(name, "--policy") == 0) {
        int k = pick(v, bs_policy_names, "--policy");
        if (k < 0)
            return EXIT_BAD;
        c->policy = bs_policy_names[k];
    } else if (strcmp(name, "--format") == 0 && c->command == CMD_GRADE) {
        int k = pick(v, bs_book_format_names, "gradebook format");
        if (k < 0)
            return EXIT_BAD;
        c->book_format = bs_book_format_names[k];
    } else if (strcmp(name, "--visibility") == 0 && c->command == CMD_GRADE) {
        int k = pick(v, bs_visibility_names, "--visibility");
        if (k < 0)
            return EXIT_BAD;
        c->visibility = bs_visibility_names[k];
    } else if (strcmp(name, "--feedback") == 0 && c->command == CMD_GRADE) {
        int k = pick(v, bs_feedback_mode_names, "--feedback mode");
        if (k < 0)
            return EXIT_BAD;
        c->hints = strcmp(bs_feedback_mode_names[k], "hints") == 0;
    } else if (strcmp(name, "--weights") == 0 && c->command == CMD_GRADE) {
        c->weights = v;
    } else if (strcmp(name, "--assignment") == 0 && c->command == CMD_GRADE) {
        c->assignment = v;
    } else if (strcmp(name, "--summary") == 0 && c->command == CMD_GRADE) {
        c->summary = v;
    } else if (strcmp(name, "--check") == 0 && c->command == CMD_GRADE) {
        c->check_file = v;
    } else if (strcmp(name, "--formats") == 0) {
        bs_exercise_settings es = bs_exercise_settings_default(); /* the list alone */
        es.formats = v;
        bs_lib_error e;
        if (bs_exercise_settings_validate(&es, &e) != BS_LIB_OK)
            return cli_bad_usage("--formats: %s", e.message);
        c->formats = v;
    } else {
        return -1;
    }
    return 0;
}

/* Applies --format, read for the command it is given to (sweep, compare,
 * train, check, and the trace formats):
 * 0, EXIT_BAD after printing why, or -1 when `name` is none of them. */
static int apply_format(cli *c, const char *name, const char *v)
{
    int i;
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
        c->train_format = bs_train_format_names[i];
    } else if (strcmp(name, "--format") == 0 && c->command == CMD_CHECK) {
        if ((i = pick(v, bs_report_format_names, "report format")) < 0)
            return EXIT_BAD;
        c->report_name = bs_report_format_names[i];
    } else if (strcmp(name, "--format") == 0) {
        if ((i = pick(v, bs_format_names, "format")) < 0)
            return EXIT_BAD;
        c->render.format = bs_format_names[i];
    } else {
        return -1;
    }
    return 0;
}

/* Applies train's --steps, --lr, --check-every and --freeze:
 * 0, EXIT_BAD after printing why, or -1 when `name` is none of them. */
static int apply_train(cli *c, const char *name, const char *v)
{
    if (strcmp(name, "--steps") == 0 && c->command == CMD_TRAIN) {
        if (parse_size(v, &c->train.steps) || c->train.steps < 1 ||
            c->train.steps > BS_TRAIN_MAX_STEPS)
            return cli_bad_usage("--steps expects a number of steps from 1 to %zu, got \"%s\"",
                             BS_TRAIN_MAX_STEPS, v);
    } else if (strcmp(name, "--lr") == 0) {
        if (parse_double(v, &c->train.lr) || !(c->train.lr > 0))
            return cli_bad_usage("--lr expects a learning rate α > 0, got \"%s\"", v);
    } else if (strcmp(name, "--check-every") == 0) {
        if (parse_size(v, &c->train.check_every) || c->train.check_every < 1)
            return cli_bad_usage("--check-every expects a number of steps ≥ 1, got \"%s\"", v);
    } else if (strcmp(name, "--freeze") == 0) {
        c->train.freeze = v;
    } else {
        return -1;
    }
    return 0;
}

/* Applies the limits --max-file-size, --max-memory, --max-depth and
 * --max-layers:
 * 0, EXIT_BAD after printing why, or -1 when `name` is none of them. */
static int apply_limits(cli *c, const char *name, const char *v)
{
    if (strcmp(name, "--max-file-size") == 0) {
        if (parse_size(v, &c->limits.max_file_bytes))
            return cli_bad_usage("--max-file-size expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--max-memory") == 0) {
        if (parse_size(v, &c->limits.max_memory))
            return cli_bad_usage("--max-memory expects a number of bytes, got \"%s\"", v);
    } else if (strcmp(name, "--max-depth") == 0) {
        size_t d;
        if (parse_size(v, &d) || d < 1 || d > 1000)
            return cli_bad_usage("--max-depth expects a number from 1 to 1000, got \"%s\"", v);
        c->limits.max_depth = (int)d;
    } else if (strcmp(name, "--max-layers") == 0) {
        if (parse_size(v, &c->limits.max_layers) || c->limits.max_layers == 0)
            return cli_bad_usage("--max-layers expects a positive number, got \"%s\"", v);
    } else {
        return -1;
    }
    return 0;
}

/* Applies init's --activations, --loss, --convention and --seed:
 * 0, EXIT_BAD after printing why, or -1 when `name` is none of them. */
static int apply_init(cli *c, const char *name, const char *v)
{
    int i;
    if (strcmp(name, "--activations") == 0) {
        c->init.activations = v;
    } else if (strcmp(name, "--loss") == 0) {
        c->init.loss = v;
    } else if (strcmp(name, "--convention") == 0) {
        static const char *const convs[] = {"row", "column", NULL};
        if ((i = pick(v, convs, "convention")) < 0)
            return EXIT_BAD;
        c->init.convention = convs[i];
    } else if (strcmp(name, "--seed") == 0) {
        size_t seed;
        if (parse_size(v, &seed))
            return cli_bad_usage("--seed expects a non-negative integer, got \"%s\"", v);
        c->init.seed = (unsigned long long)seed;
    } else {
        return -1;
    }
    return 0;
}

/* Applies compare's --example and --only, and quiz's --only, --tolerance
 * and --record:
 * 0, EXIT_BAD after printing why, or -1 when `name` is none of them. */
static int apply_quiz(cli *c, const char *name, const char *v)
{
    if (strcmp(name, "--example") == 0 && c->command == CMD_COMPARE) {
        if (parse_size(v, &c->compare_example) || c->compare_example < 1)
            return cli_bad_usage("--example expects an example of the batch, counted from 1, "
                                 "got \"%s\"", v);
    } else if (strcmp(name, "--only") == 0 && c->command == CMD_COMPARE) {
        c->compare_only = v;
    } else if (strcmp(name, "--only") == 0) {
        c->quiz_only = v;
    } else if (strcmp(name, "--tolerance") == 0) {
        if (parse_double(v, &c->quiz_tolerance) || !(c->quiz_tolerance > 0) ||
            !(c->quiz_tolerance < 1))
            return cli_bad_usage("--tolerance expects a relative tolerance between 0 and 1, got "
                             "\"%s\"",
                             v);
    } else if (strcmp(name, "--record") == 0) {
        c->quiz_record = v;
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
    int (*const groups[])(cli *, const char *, const char *) = {
        apply_format, apply_train, apply_limits, apply_init, apply_quiz};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int r = groups[g](c, name, v);
        if (r >= 0)
            return r;
    }
    if (strcmp(name, "--notation") == 0) {
        if ((i = pick(v, bs_notation_names, "notation")) < 0)
            return EXIT_BAD;
        c->render.notation = bs_notation_names[i];
        c->notation_set = 1;
    } else if (strcmp(name, "--method") == 0) {
        if ((i = pick(v, bs_method_names, "method")) < 0)
            return EXIT_BAD;
        c->method_name = bs_method_names[i];
    } else if (strcmp(name, "--epsilon") == 0) {
        if (parse_double_opt(name, v, &c->epsilon))
            return EXIT_BAD;
        if (!(c->epsilon > 0))
            return cli_bad_usage("--epsilon expects a positive number, got \"%s\"", v);
        c->epsilon_text = v; /* checked against the method once all options are read */
    } else if (strcmp(name, "--rtol") == 0 || strcmp(name, "--atol") == 0) {
        int rel = name[2] == 'r';
        double *t = rel ? &c->rtol : &c->atol;
        if (parse_double_opt(name, v, t))
            return EXIT_BAD;
        if (*t < 0)
            return cli_bad_usage("%s expects a number ≥ 0, got \"%s\"", name, v);
        bs_check_settings cs = bs_check_settings_default(); /* the tolerance alone */
        *(rel ? &cs.rtol : &cs.atol) = *t;
        bs_lib_error e;
        if (bs_check_settings_validate(&cs, &e) != BS_LIB_OK)
            return cli_bad_usage("%s %s: %s", name, v, e.message);
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
        if (parse_size(v, &c->directions) || c->directions < 1 || c->directions > 10000)
            return cli_bad_usage("--directions expects a number of directions from 1 to 10000, "
                             "got \"%s\"", v);
    } else if (strcmp(name, "--precision") == 0) {
        size_t p;
        if (parse_size(v, &p) || p < 1 || p > 17)
            return cli_bad_usage("--precision expects a number of digits from 1 to 17, got \"%s\"",
                             v);
        c->render.precision = (int)p;
    } else if (strcmp(name, "-o") == 0) {
        c->out = v;
    } else if (strcmp(name, "--force") == 0) {
        c->force = 1;
    } else if (strcmp(name, "--quiet") == 0) {
        c->quiet = 1;
    }
    return 0;
}

int cli_parse(cli *c, int argc, char **argv, int first)
{
    c->specs = calloc((size_t)argc, sizeof(char *));
    if (!c->specs)
        return cli_bad_usage("out of memory");
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
            return cli_bad_usage("unknown option \"%s\"", a);
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
                cli_say("unknown option \"%s\" (did you mean \"%s\"?)", name, g);
                return EXIT_BAD;
            }
            if (o->name)
                return cli_bad_usage("option \"%s\" does not apply to this command", name);
            return cli_bad_usage("unknown option \"%s\"", name);
        }
        if (o->arg) {
            if (eq && a[1] == '-')
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return cli_bad_usage("option \"%s\" needs a value", name);
        } else if (eq && a[1] == '-') {
            return cli_bad_usage("option \"%s\" takes no value", name);
        }
        /* -o "$DIR" with DIR unset: an empty value is never meant (as a
         * directory it would be read as the root directory) */
        if (value && !value[0])
            return cli_bad_usage("option \"%s\" needs a value: %s, got an empty string", name,
                             o->arg);
        int rc = apply(c, name, value);
        if (rc)
            return rc;
    }
    return 0;
}

/* Prints an error as one line on stderr. */
