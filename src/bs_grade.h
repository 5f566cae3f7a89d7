/* bs_grade.h — grading returned answer files (`backstep grade`).
 *
 * An exercise directory written by `backstep exercise` holds the manifest
 * exercise.json (asked steps, notation, tolerances, roster) and each
 * student's variant <id>/spec.json.  A submission is that student's
 * answers.json with the nulls replaced by numbers; the id inside it says
 * whose variant it is graded against.  Each asked step is right, wrong (with
 * the catalogue mistake that reproduces it, bs_mistakes.h, checked one step
 * at a time by bs_compare_answer as if every step above were right) or
 * missing (null).  A submission that cannot be graded — not JSON, no or an
 * unknown id, an id graded before, a wrong shape, a key that is not an
 * asked step or an asked step without its key — is marked as an error with
 * the reason, and the others are graded all the same.
 *
 * One graded submission per student: the first that is graded takes the
 * id, and any later one with that id is an error ("duplicate").  A
 * submission that failed takes nothing: a later valid file of the same
 * student is graded.
 */
#ifndef BS_GRADE_H
#define BS_GRADE_H

#include <stddef.h>

#include "bs_compare.h"
#include "bs_error.h"
#include "bs_exercise.h"
#include "bs_sink.h"

/* An exercise directory opened for grading. */
typedef struct bs_exercise_set bs_exercise_set;

/* How one asked step was answered. */
typedef enum bs_mark {
    BS_MARK_MISSING = 0, /* null: not answered */
    BS_MARK_RIGHT,       /* every element within the exercise's tolerances */
    BS_MARK_WRONG        /* some element is not */
} bs_mark;

typedef struct bs_grade_step {
    char id[24];             /* canonical: "g[2z]" */
    char name[48];           /* in the exercise's notation */
    bs_mark mark;
    int mistake;             /* a bs_mistake_id reproducing a wrong answer, or -1 */
    char diagnosis[640];     /* "g[2z] matches …", or "" */
    size_t rows, cols;       /* the step's displayed shape */
    size_t given_rows, given_cols; /* the answer's */
    size_t n_wrong, n_elements;
    bs_compare_diff top[BS_COMPARE_TOP]; /* largest differences (1-based row, col) */
    size_t ntop;
} bs_grade_step;

/* The grade of one submission. */
typedef struct bs_grade_result {
    char file[256];          /* the submission's path */
    char id[BS_ID_MAX + 1];  /* the id it gives ("" when none could be read) */
    int known;               /* 1 when the id is on the roster and no earlier
                                submission of it was graded */
    int error;               /* 1 when the submission could not be graded */
    char reason[700];        /* why, for an error */
    bs_grade_step *steps;    /* the asked steps, in trace order (NULL for an error
                                found before the answers were read) */
    size_t nsteps;
    size_t right, wrong, missing;
} bs_grade_result;

/* Opens the exercise directory `dir`: reads and checks its exercise.json.
 * Errors are BS_ERR_IO, BS_ERR_SYNTAX or BS_ERR_SPEC naming the manifest.
 * The caller frees *out with bs_exercise_set_free(). */
bs_status bs_exercise_set_open(const char *dir, bs_exercise_set **out, bs_error *err);

/* The id of the i-th student on the exercise's roster, or NULL past the
 * last. */
const char *bs_exercise_set_id(const bs_exercise_set *x, size_t i);

/* Frees an exercise set; NULL is allowed. */
void bs_exercise_set_free(bs_exercise_set *x);

/* Grades the submission at `path` into *out (freed with
 * bs_grade_result_free()).  A submission that cannot be graded still
 * returns BS_OK, with out->error set and out->reason saying why; only a
 * failed allocation returns BS_ERR_NOMEM.  An id is graded once: a
 * submission with the id of one graded before is an error naming that one;
 * a submission that failed does not count. */
bs_status bs_grade_file(bs_exercise_set *x, const char *path, bs_grade_result *out,
                        bs_error *err);

/* The same for `len` bytes of text in memory; `name` stands for the file. */
bs_status bs_grade_text(bs_exercise_set *x, const char *text, size_t len, const char *name,
                        bs_grade_result *out, bs_error *err);

/* Frees what a result holds (safe twice, and on a zeroed result). */
void bs_grade_result_free(bs_grade_result *r);

/* Writes the gradebook as CSV: a header, then one row per result in the
 * given order: id, file, status ("graded" or "error"), score ("9/12"), one
 * column per asked step ("right", "missing", "wrong" or "wrong: <mistake
 * key>"), the mistakes in words with the steps they were made in, and the
 * reason of an error.  Every row has the header's number of fields (an
 * error row leaves the score, the steps and the mistakes empty); text
 * fields go through bs_sink_csv_field, so a student's id or file name that
 * looks like a formula shows as text in a spreadsheet. */
void bs_gradebook_csv(bs_sink *s, const bs_exercise_set *x, const bs_grade_result *r,
                      size_t n);

/* Returns 1 when r[i], of the n results of one run in order, is the one
 * whose feedback goes to feedback/<id>.md: a student's graded submission or,
 * when none was graded, the last one that failed; else 0 (an unknown id, a
 * duplicate, or a failed file followed by another of the same student). */
int bs_grade_gives_feedback(const bs_grade_result *r, size_t n, size_t i);

/* Writes the feedback for one student as Markdown: the score, a table of
 * the steps and, for each wrong step, what went wrong in words (the named
 * mistake) and where (the elements that differ); for an error, why the
 * submission could not be graded. */
void bs_grade_feedback(bs_sink *s, const bs_exercise_set *x, const bs_grade_result *r);

#endif
