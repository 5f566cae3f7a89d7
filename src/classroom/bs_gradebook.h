/* bs_gradebook.h — the gradebook of a grading run in the formats a course
 * uses: backstep's CSV with points, Gradescope's autograder results.json,
 * the CSV Canvas and Moodle import; the class summary; the student-side
 * check of an answers file; weights per step; and the signal that a
 * submission's answers are another student's right values.
 *
 * Points: a right step earns its weight (1 unless --weights says
 * otherwise), a wrong or missing step 0; max_points is the sum of the
 * weights; percent is 100·points/max_points.  Rows that are not graded
 * (missing, error, not on roster, check) have no points. */
#ifndef BS_GRADEBOOK_H
#define BS_GRADEBOOK_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_grade.h"
#include "bs_json.h"
#include "bs_sink.h"

/* What grade writes as its gradebook. */
typedef enum bs_book_format {
    BS_BOOK_CSV = 0,    /* backstep's gradebook (bs_gradebook_csv) */
    BS_BOOK_GRADESCOPE, /* Gradescope's results.json for one submission */
    BS_BOOK_CANVAS,     /* Canvas's gradebook import CSV */
    BS_BOOK_MOODLE      /* Moodle's grade import CSV */
} bs_book_format;

extern const char *const bs_book_format_names[]; /* "csv", "gradescope", "canvas", "moodle", NULL */

/* Who sees a Gradescope result (Gradescope's own words). */
typedef enum bs_visibility {
    BS_VIS_VISIBLE = 0,
    BS_VIS_HIDDEN,
    BS_VIS_AFTER_DUE_DATE,
    BS_VIS_AFTER_PUBLISHED
} bs_visibility;

extern const char *const bs_visibility_names[]; /* "visible", "hidden", "after_due_date", "after_published", NULL */

/* What the feedback shows of a wrong step. */
typedef enum bs_feedback_mode {
    BS_FEEDBACK_ANSWERS = 0, /* the mistake, the elements that differ, yours and the right value */
    BS_FEEDBACK_HINTS        /* the step and the mistake, the elements that differ, no values */
} bs_feedback_mode;

extern const char *const bs_feedback_mode_names[]; /* "answers", "hints", NULL */

/* How a gradebook other than backstep's CSV is written. */
typedef struct bs_book_opts {
    bs_book_format format;
    bs_visibility visibility; /* gradescope */
    const char *assignment;   /* canvas and moodle: the grade column's name, or NULL for the
                                 exercise's spec name */
    bs_resubmit rule;         /* for the feedback in a gradescope result */
    bs_feedback_mode feedback; /* what a gradescope test's output shows */
} bs_book_opts;

/* Reads the weights of the asked steps from `text`: entries "STEP=W"
 * separated by commas, spaces or line ends, a line from '#' on a comment;
 * STEP in any notation, W a finite number ≥ 0; a step not given weighs 1.
 * `file` names the text in errors (NULL: "--weights", the text given on
 * the command line).  On success the weights are set on x
 * (bs_exercise_set_weigh).  An unknown or unasked step, a step given
 * twice, a bad weight, or every weight 0 is BS_ERR_USAGE saying where
 * (file:line:column) and, for a step, the nearest asked one. */
bs_status bs_weights_parse(bs_exercise_set *x, const char *text, const char *file,
                           bs_error *err);

/* The points a graded result earns with the weights of x. */
double bs_gradebook_points(const bs_exercise_set *x, const bs_grade_result *r);

/* The points of every asked step together. */
double bs_gradebook_max_points(const bs_exercise_set *x);

/* Writes a number of points as the gradebooks show it: shortest decimal,
 * "7", "6.5". */
void bs_gradebook_number(bs_sink *s, double v);

/* Writes the fields bs_gradebook_csv puts after the score, each preceded
 * by a comma: points, max_points, percent (two decimals) and other_variant
 * (the roster id whose right values the answers agree with, or empty). */
void bs_gradebook_csv_points(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *row);

/* Writes the gradebook in o->format (BS_BOOK_CSV: bs_gradebook_csv).  For
 * gradescope, `row` is the row of the one submission and rows/n are
 * ignored; for the others row is ignored. */
void bs_gradebook_write(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *rows,
                        size_t n, const bs_grade_row *row, const bs_book_opts *o);

/* Returns 1 when `head` (the start of a file) is the start of a gradebook
 * in one of the formats, so that grade may write over it; else 0. */
int bs_gradebook_is_ours(const char *head);

/* Writes the class summary as Markdown: per asked step, how many graded
 * students got it right, left it out, and made each named mistake (with
 * their ids), the most common first; then the rows not graded. */
void bs_gradebook_summary(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *rows,
                          size_t n);

/* Called by bs_grade_text on a graded result with a wrong step: compares
 * the answers `a` gives in the step's shape with every other roster
 * student's right values and sets r->matches_other and r->other when, of
 * the answered steps where the two students' right values differ, more
 * agree with the other student's (within the exercise's tolerances) than
 * with the student's own, and at least half of them.  Returns BS_OK, or
 * BS_ERR_NOMEM. */
bs_status bs_gradebook_match(bs_exercise_set *x, const bs_answers *a, bs_grade_result *r,
                             bs_error *err);

/* Checks an answers file before it is handed in, without grading: reads it
 * as grading reads it (bs_answers_read) and writes every problem grading
 * would find, one line each, to `problems` ("answers.json: claims.g[2W]:
 * expected …"), never a right value; returns their number, 0 when the file
 * is ready to hand in (grading finds nothing to say about it).  `name`
 * names the file in the lines, and its name or directory name is compared
 * with the id inside as grading does.  Returns (size_t)-1 when memory ran
 * out. */
size_t bs_answers_check(bs_exercise_set *x, const char *text, size_t len, const char *name,
                        bs_sink *problems);

#endif
