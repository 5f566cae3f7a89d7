/* bs_session.h — stepping through a derivation, and being quizzed on it.
 *
 * Two small state machines over a trace, fed one line of input at a time,
 * so that the library never reads standard input itself: the caller reads a
 * line (from a terminal or a pipe), hands it to _feed, and shows the prompt
 * when it wants to.  Everything they say goes to the sink they are given.
 *
 * `backstep step` (bs_stepper) shows the network and the forward pass, then
 * the backward steps one at a time, each as `backstep trace` shows it.
 * `backstep quiz` (bs_quiz) asks for the value of each backward step; a
 * wrong answer is checked with bs_compare_answer, which names the mistake of
 * the catalogue (bs_mistakes.h) that reproduces it.
 */
#ifndef BS_SESSION_H
#define BS_SESSION_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_formula.h"
#include "bs_render.h"
#include "bs_sink.h"
#include "bs_trace.h"

/* ---- answers ------------------------------------------------------------ */

/* A matrix typed by a student: rows×cols numbers, row by row. */
typedef struct bs_answer {
    size_t rows, cols;
    double *v;
} bs_answer;

/* Reads an answer: numbers separated by spaces or commas, rows separated by
 * ';' ("0.12 -0.3; 0.5 1e-2"); a trailing ';', square brackets and the
 * Unicode minus − are accepted.  On success *out holds the matrix, which the
 * caller frees with bs_answer_free().  Text that is not such a matrix (a
 * word, an empty row, rows of different lengths, a number out of range) is
 * BS_ERR_SYNTAX with err->where "column N" (counted in characters) or
 * "row N", and *out left empty. */
bs_status bs_answer_parse(const char *line, bs_answer *out, bs_error *err);

/* Frees an answer's numbers and empties it; safe twice and on a zeroed one. */
void bs_answer_free(bs_answer *a);

/* ---- step mode ---------------------------------------------------------- */

/* A walk through the backward steps of a trace. */
typedef struct bs_stepper bs_stepper;

/* Creates a walk over the trace `t` (borrowed; it must outlive the walk),
 * rendered with `o` (copied; its notation, explain, terms and precision
 * apply).  The caller frees *out with bs_stepper_free(). */
bs_status bs_stepper_create(const bs_trace *t, const bs_render_opts *o, bs_stepper **out,
                            bs_error *err);

/* Writes the network summary, the parameters, the forward pass, the
 * commands and the first backward step under its header ("step 1 of 12:
 * g[3a]"). */
void bs_stepper_start(bs_stepper *w, bs_sink *s);

/* Takes one line of input (without its newline): "" or "n" the next step
 * (after the last one, the verdict, and the walk ends), "b" the previous step
 * again, "why" the explanation of this step, "terms" its element-level
 * expansion, "forward" the forward pass again, "help" the commands, "q" to
 * quit.  Returns 1 while the walk goes on, 0 once it has ended. */
int bs_stepper_feed(bs_stepper *w, const char *line, bs_sink *s);

/* Ends the walk at the end of input: writes the steps not yet shown and the
 * verdict.  Does nothing when the walk has already ended. */
void bs_stepper_finish(bs_stepper *w, bs_sink *s);

/* Writes the prompt for the next line ("step 6/12> ") into buf. */
void bs_stepper_prompt(const bs_stepper *w, char *buf, size_t size);

/* The backward step shown now, counted from 0 in trace order. */
size_t bs_stepper_current(const bs_stepper *w);

/* Frees a walk; NULL is allowed. */
void bs_stepper_free(bs_stepper *w);

/* ---- quiz mode ---------------------------------------------------------- */

/* A quiz on the backward steps of a trace. */
typedef struct bs_quiz bs_quiz;

/* How a quiz runs. */
typedef struct bs_quiz_opts {
    bs_notation notation; /* names of the steps, in questions and answers */
    double tolerance;     /* relative: an element is right when |a − v| ≤ tolerance·max(|a|, |v|) */
    int precision;        /* significant digits of the values shown */
    const char *only;     /* steps to ask, comma-separated, in any notation ("dz2,g[1W]"),
                             or NULL for every backward step */
    int tries;            /* wrong answers to a step before it is revealed */
    const char *source;   /* the spec's file name, for the header and the record, or NULL */
} bs_quiz_opts;

#define BS_QUIZ_TOLERANCE 5e-3 /* the default: answers rounded to 3 significant digits pass */

/* Returns the defaults: g notation, tolerance BS_QUIZ_TOLERANCE, 6 digits,
 * every step, 3 tries, no source. */
bs_quiz_opts bs_quiz_defaults(void);

/* Creates a quiz on the trace `t` (borrowed; it must outlive the quiz), asking
 * for its backward steps in trace order, or for those named in o->only (in
 * trace order, whatever the order of the list).  A name that is not a
 * backward step of the network, or a tolerance or number of tries out of
 * range, is BS_ERR_USAGE naming it.  The caller frees *out with
 * bs_quiz_free(). */
bs_status bs_quiz_create(const bs_trace *t, const bs_quiz_opts *o, bs_quiz **out,
                         bs_error *err);

/* Writes the network summary, the parameters, the forward pass, how to answer,
 * and the first question. */
void bs_quiz_start(bs_quiz *q, bs_sink *s);

/* Takes one line of input (without its newline): an answer to the current
 * question, or "hint" (the step's formula), "why" (its explanation), "skip"
 * (reveal the answer and go on), "forward" (the forward pass again), "help",
 * "quit" (end with the score).  A right answer moves on; a wrong one is
 * diagnosed and may be tried again until o->tries are used, when the answer
 * and the reason are revealed.  After the last question, writes the score
 * line.  Returns 1 while the quiz goes on, 0 once it has ended. */
int bs_quiz_feed(bs_quiz *q, const char *line, bs_sink *s);

/* Ends the quiz at the end of input, with the score so far.  Does nothing
 * when the quiz has already ended. */
void bs_quiz_finish(bs_quiz *q, bs_sink *s);

/* Writes the prompt for the next line ("g[2z] = ", "g[2z] (try 2 of 3) = ")
 * into buf. */
void bs_quiz_prompt(const bs_quiz *q, char *buf, size_t size);

/* Writes the score line without a newline: "score: 8/12 steps right at the
 * first try; mistakes: activation derivative left out ×2, missing or extra
 * transpose ×1" (mistakes by count, then by first appearance; "mistakes:
 * none" when there were none). */
void bs_quiz_score_line(const bs_quiz *q, bs_sink *s);

/* The tally of a quiz so far. */
typedef struct bs_quiz_score {
    size_t steps;       /* questions in the quiz */
    size_t asked;       /* questions reached */
    size_t first_try;   /* answered right at the first try */
    size_t right;       /* answered right at some try */
    size_t skipped;     /* skipped */
    size_t revealed;    /* revealed after every try was wrong */
    size_t wrong;       /* wrong answers in all */
    int ended;          /* 1 once the quiz has ended */
} bs_quiz_score;

/* Returns the tally so far. */
bs_quiz_score bs_quiz_tally(const bs_quiz *q);

/* Returns how many wrong answers the catalogue mistake `key` (a bs_mistake
 * key such as "no-derivative", or "wrong-shape", or "unexplained" for a
 * wrong answer no catalogue mistake reproduces) was found in. */
size_t bs_quiz_mistake_count(const bs_quiz *q, const char *key);

/* Writes the session as one JSON object: the spec's file name (o->source),
 * the notation and tolerance, for each question its step, shape, outcome
 * ("right", "revealed", "skipped" or "unanswered"), whether it was right at
 * the first try, the number of tries and hints, and each answer given (its
 * text, numbers, whether right, the mistake's key and name and the
 * diagnosis); then the score and the score line. */
void bs_quiz_record(bs_sink *s, const bs_quiz *q);

/* Frees a quiz; NULL is allowed. */
void bs_quiz_free(bs_quiz *q);

#endif
