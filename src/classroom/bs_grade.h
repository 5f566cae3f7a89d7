/* bs_grade.h — grading returned answer files (`backstep grade`).
 *
 * An exercise directory written by `backstep exercise` holds the manifest
 * exercise.json (asked steps, notation, tolerances, roster) and each
 * student's variant <id>/spec.json.  A submission is that student's
 * answers.json with the nulls replaced by numbers; the id inside it says
 * whose variant it is graded against.  Each asked step is right, wrong
 * (with the catalogue mistake that reproduces it, found by the walk of
 * bs_compare_run over the student's own answers, as `compare` finds it),
 * missing (null, or its key left out) or malformed (a value that cannot be
 * read as the step: a wrong shape, a flat list for a matrix, text that is
 * not a number, a step answered twice).  Under the carry policy a step is
 * judged against what the backward step (bs_backward_step) gives from the
 * student's own answers above it, so a slip costs the one step where it is
 * made; under the strict policy against the right values.  A step is right
 * when every element is within the rounding bound: half a unit in the
 * BS_SHEET_SIG_DIGITS-th significant digit of each value the student
 * carried into the step (their answer above it, and their own rounded
 * forward values, whose rounding is carried through the forward pass),
 * propagated to first order by evaluating the step at each perturbed input,
 * plus half a unit in that digit of the answer itself.  A submission that
 * cannot be graded at all — not JSON, no or an unknown id, no "claims"
 * object, a name and an id of two students — is marked as an error with the
 * reason, and the others are graded all the same; a bad field costs only
 * its step.  Files are read by bs_answers_read, the one reader that grading
 * and the check before handing in (bs_answers_check) share.
 *
 * Ids compare without regard to case, after the spaces around them are
 * dropped; the gradebook and the feedback files use the roster's spelling.
 *
 * The gradebook has one row per student of the roster, in roster order,
 * whether or not anything was handed in ("missing"), then one row per file
 * that cannot be any roster student's, in the order given: an id not on the
 * roster ("not on roster"), a file whose name names one roster student and
 * whose id another ("check": graded for neither, so that neither student's
 * grade is taken over by a typo), or a file without a readable id whose name
 * names no student ("error").  A file without a readable id whose name names
 * a roster student ("s022.json", "s022/answers.json") counts as that
 * student's failed file.  When a student handed in more than one file, the
 * resubmission rule picks one (bs_resubmit); a failed file never takes the
 * place of a graded one.
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
    BS_MARK_RIGHT,       /* every element within the rounding bound */
    BS_MARK_WRONG,       /* some element is not */
    BS_MARK_MALFORMED    /* the value cannot be read as the step (see note) */
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
    bs_compare_diff top[BS_COMPARE_TOP]; /* largest differences (1-based row, col): the
                                            answer in program, the value it is judged
                                            against in backstep */
    size_t ntop;
    char carried[48];        /* for a step right from a wrong answer above it (carry), or
                                wrong only through it (strict): that step's name, else "" */
    char note[300];          /* the first problem the reader found with the step: why it is
                                malformed or missing its key, or how it was read ("written
                                as text", another shape), or "" */
} bs_grade_step;

/* The grade of one submission. */
typedef struct bs_grade_result {
    char file[256];          /* the submission's path */
    char id[BS_ID_MAX + 1];  /* the id it gives, without the spaces around it ("" when
                                none could be read, or when it is too long to be an id) */
    int has_id;              /* 1 when an id string could be read */
    long student;            /* the roster index of the id, or -1 */
    long named;              /* the roster index of the student the file's name (less
                                its extension) or else its directory's name is, or -1 */
    int mismatch;            /* 1 when named and student are two roster students */
    double mtime;            /* modification time in seconds (bs_grade_file), or 0 */
    int error;               /* 1 when the submission could not be graded */
    char reason[700];        /* why, for an error: each fatal problem (bs_answers_read),
                                "; " between */
    bs_grade_step *steps;    /* the asked steps, in trace order (NULL for an error
                                found before the answers were read) */
    size_t nsteps;
    size_t right, wrong, missing, malformed;
    bs_grade_policy policy;  /* the policy it was graded under */
    char warnings[700];      /* the problems of level BS_ANSWERS_WARNING (keys ignored, a key
                                left out, numbers written as text, an answer in another
                                shape), and for an error every problem not fatal, "; "
                                between, or "" */
    int matches_other;       /* 1 when the answers are rather another student's right
                                values (bs_gradebook_match) */
    size_t other;            /* then that student's roster index */
} bs_grade_result;

/* Opens the exercise directory `dir`: reads and checks its exercise.json
 * (every key known, the tolerances, the policy "carry" or "strict" when
 * given, the asked steps canonical, distinct and
 * backward steps of the base network, the ids valid and distinct ignoring
 * case).  Errors are BS_ERR_IO, BS_ERR_SYNTAX or BS_ERR_SPEC naming the
 * manifest and the JSON path ("steps[2]").  The caller frees *out with
 * bs_exercise_set_free().
 *
 * A manifest with a "base" network has each student's variant drawn again
 * from the base, the seed and the id when grading; DIR/<id>/spec.json is
 * only compared with it (bs_exercise_set_note).  A manifest without one (an
 * earlier backstep's) has the variants read from DIR/<id>/spec.json. */
bs_status bs_exercise_set_open(const char *dir, bs_exercise_set **out, bs_error *err);

/* The grading policy: the manifest's "policy" (carry when it has none) until
 * bs_exercise_set_set_policy changes it. */
bs_grade_policy bs_exercise_set_policy(const bs_exercise_set *x);

/* Grades the submissions after it under policy p (grade --policy). */
void bs_exercise_set_set_policy(bs_exercise_set *x, bs_grade_policy p);

/* The number of students on the exercise's roster. */
size_t bs_exercise_set_count(const bs_exercise_set *x);

/* After grading: why the i-th student's DIR/<id>/spec.json was not used
 * (it differs from the variant drawn from the seed, or cannot be read), or
 * NULL. */
const char *bs_exercise_set_note(const bs_exercise_set *x, size_t i);

/* Builds, in memory, the files that add the students of `more` to the
 * exercise set x: each new student's files as bs_exercise_build writes them
 * (with the set's spec name, seed, digits, notation, steps and formats), the
 * updated key/summary.csv and exercise.json listing every student.  The
 * existing students' files are not in it.  An id of `more` already in the
 * set is BS_ERR_SPEC naming its roster line (err->file `roster_file`); a
 * manifest without a base network is BS_ERR_SPEC. */
bs_status bs_exercise_set_add(const bs_exercise_set *x, const bs_roster *more,
                              const char *roster_file, bs_fileset **out, bs_error *err);

/* The id of the i-th student on the exercise's roster, or NULL past the
 * last. */
const char *bs_exercise_set_id(const bs_exercise_set *x, size_t i);

/* Frees an exercise set; NULL is allowed. */
void bs_exercise_set_free(bs_exercise_set *x);

/* Grades the submission at `path` into *out (freed with
 * bs_grade_result_free()), with out->mtime its modification time.  A
 * submission that cannot be graded still returns BS_OK, with out->error set
 * and out->reason saying why; only a failed allocation returns
 * BS_ERR_NOMEM.  Each file is graded on its own: which one counts is
 * decided by bs_grade_rows. */
bs_status bs_grade_file(bs_exercise_set *x, const char *path, bs_grade_result *out,
                        bs_error *err);

/* The same for `len` bytes of text in memory; `name` stands for the file
 * (its name and directory name are compared with the id inside). */
bs_status bs_grade_text(bs_exercise_set *x, const char *text, size_t len, const char *name,
                        bs_grade_result *out, bs_error *err);

/* Frees what a result holds (safe twice, and on a zeroed result). */
void bs_grade_result_free(bs_grade_result *r);

/* Which of a student's files is graded when there are several:
 * LATEST the newest by modification time (ties: the later on the command
 * line), FIRST the oldest (ties: the earlier), ERROR none (the row is an
 * error listing them).  LATEST and FIRST pick among the graded files, and
 * only when none could be graded among the failed ones. */
typedef enum bs_resubmit { BS_RESUBMIT_LATEST = 0, BS_RESUBMIT_FIRST, BS_RESUBMIT_ERROR } bs_resubmit;

extern const char *const bs_resubmit_names[]; /* "latest", "first", "error", NULL */

typedef enum bs_row_status {
    BS_ROW_GRADED = 0,
    BS_ROW_ERROR,    /* the student's file could not be graded */
    BS_ROW_MISSING,  /* nothing handed in */
    BS_ROW_UNKNOWN,  /* a file whose id is not on the roster */
    BS_ROW_CHECK     /* a file whose name names another roster student than its id */
} bs_row_status;

extern const char *const bs_row_status_names[]; /* "graded", "error", "missing", … */

/* One row of the gradebook. */
typedef struct bs_grade_row {
    char id[BS_ID_MAX + 1];          /* the roster's spelling, or the file's id */
    long student;                    /* roster index, or -1 for a row after the roster */
    bs_row_status status;
    const bs_grade_result *result;   /* the file graded (or failed), or NULL */
    size_t handed_in;                /* the student's files */
    char note[700];                  /* why, when result->reason does not say it */
} bs_grade_row;

/* Builds the rows of the n results of one run (in command-line order):
 * one per roster student in roster order, then the files that are no
 * roster student's.  The caller frees *rows with free(). */
bs_status bs_grade_rows(const bs_exercise_set *x, const bs_grade_result *r, size_t n,
                        bs_resubmit rule, bs_grade_row **rows, size_t *nrows, bs_error *err);

/* Writes the gradebook as CSV: a header, then one row per row: id, file
 * (the one graded), handed_in, status (bs_row_status_names), score ("9/12"),
 * one column per asked step ("right", "missing", "malformed", "wrong" or
 * "wrong: <mistake key>"), the mistakes in words with the steps they were
 * made in, why a row is not graded, and last the policy ("carry" or
 * "strict").  Every row has the header's number of
 * fields; text fields go through bs_sink_csv_field, so an id or file name
 * that looks like a formula shows as text in a spreadsheet. */
void bs_gradebook_csv(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *rows,
                      size_t n);

/* Returns 1 when a row gets feedback/<id>.md: a roster student's graded or
 * failed row; else 0. */
int bs_grade_gives_feedback(const bs_grade_row *row);

/* Writes the feedback for one row as Markdown: the score, a table of the
 * steps and, for each wrong step, what went wrong in words (the named
 * mistake) and where (the elements that differ); for an error, why the
 * submission could not be graded; how many files were handed in. */
void bs_grade_feedback(bs_sink *s, const bs_exercise_set *x, const bs_grade_row *row,
                       bs_resubmit rule);

/* How many rows of a run are graded, missing, and anything else (a row to
 * look at: an error, a file not on the roster, a name and id that differ). */
typedef struct bs_grade_tally {
    size_t graded, missing, other;
} bs_grade_tally;

/* Counts the n rows by status. */
bs_grade_tally bs_grade_count(const bs_grade_row *rows, size_t n);

/* Builds in memory the feedback files of a run, "feedback/<id>.md"
 * (bs_grade_feedback) for each row that gives feedback
 * (bs_grade_gives_feedback), in row order.  The caller frees *out with
 * bs_fileset_free() and writes each file on its own (bs_write_under), so
 * that one that cannot be written loses nothing else.  The only error is
 * BS_ERR_NOMEM, with *out NULL. */
bs_status bs_grade_feedback_files(const bs_exercise_set *x, const bs_grade_row *rows,
                                  size_t n, bs_resubmit rule, bs_fileset **out,
                                  bs_error *err);

/* Whether a gradebook written to `out` would replace something grade reads
 * or writes: one of the n answers files, dir/exercise.json, a student's
 * dir/<id>/spec.json or a feedback file dir/feedback/<id>.md (compared with
 * bs_same_file), or an existing regular file whose first line is not a
 * gradebook's header (a glob slip: "-o returned/ *.json").  Returns 1 and
 * puts the path it would replace into clash (cut to size) and what it is
 * into *what (a static string), else 0. */
int bs_grade_output_clash(const char *out, const char *dir, const bs_exercise_set *x,
                          const char *const *answers, size_t n, char *clash, size_t size,
                          const char **what);

/* The number of asked steps. */
size_t bs_exercise_set_nsteps(const bs_exercise_set *x);

/* The canonical id ("g[2z]") of the i-th asked step, or NULL past the last. */
const char *bs_exercise_set_step(const bs_exercise_set *x, size_t i);

/* The name of the spec the exercise was made from. */
const char *bs_exercise_set_spec(const bs_exercise_set *x);

/* The notation of the sheets and answers. */
bs_notation bs_exercise_set_notation(const bs_exercise_set *x);

/* The tolerances an answer is judged with. */
void bs_exercise_set_tolerances(const bs_exercise_set *x, double *rtol, double *atol);

/* The trace of the i-th student's variant, loaded on first use (owned by
 * x), or NULL when it does not load or i is past the last. */
const bs_trace *bs_exercise_set_trace(bs_exercise_set *x, size_t i);

/* Sets the weight of each asked step (w holds bs_exercise_set_nsteps
 * values, copied); returns 0, or -1 when memory ran out. */
int bs_exercise_set_weigh(bs_exercise_set *x, const double *w);

/* The weight of the i-th asked step (1 unless set). */
double bs_exercise_set_weight(const bs_exercise_set *x, size_t i);

/* With on ≠ 0, the feedback of a wrong step names the step, the mistake and
 * the elements that differ without giving any value (--feedback hints). */
void bs_exercise_set_hints(bs_exercise_set *x, int on);

/* 1 when an answers file's key k is a comment ("$comment", or starting
 * with "//"), which the reader of answers files skips. */
int bs_answers_comment_key(const char *k);

/* The index of the asked step `name` names in any notation ("dz3",
 * "g[3z]", "dL/dz3"), or -1. */
long bs_exercise_set_find_step(const bs_exercise_set *x, const char *name);

/* The asked step nearest to `name` (its canonical id or its name in the
 * exercise's notation), copied into buf; returns buf, or NULL when none is
 * near or memory ran out. */
const char *bs_exercise_set_nearest_step(const bs_exercise_set *x, const char *name, char *buf,
                                         size_t size);

/* ---- reading an answers file ----------------------------------------- */

/* How much a problem found in an answers file weighs. */
typedef enum bs_answers_level {
    BS_ANSWERS_WARNING = 0, /* graded all the same: a key that is no asked step (ignored),
                               an asked step's key left out (not answered), numbers written
                               as text (read as numbers), an answer in another shape than
                               the sheet's (judged as given) */
    BS_ANSWERS_MALFORMED,   /* its step cannot be read: marked malformed, the others graded */
    BS_ANSWERS_FATAL        /* the file cannot be graded */
} bs_answers_level;

/* One problem of an answers file. */
typedef struct bs_answers_problem {
    bs_answers_level level;
    long step;       /* the index of the asked step it is about, or -1 */
    char text[700];  /* one line, the JSON path first where there is one
                        ("claims.g[2W]: expected 3×2 (as the sheet shows it), got 2×3") */
} bs_answers_problem;

/* How an asked step is answered. */
typedef enum bs_answer_state {
    BS_ANSWER_ABSENT = 0, /* its key is left out */
    BS_ANSWER_NULL,       /* null: not answered */
    BS_ANSWER_GIVEN,      /* read into v */
    BS_ANSWER_MALFORMED   /* a problem of level BS_ANSWERS_MALFORMED says why */
} bs_answer_state;

/* The answer to one asked step. */
typedef struct bs_answers_step {
    bs_answer_state state;
    double *v;          /* GIVEN: rows×cols values as given, row by row, in the displayed
                           orientation; else NULL */
    size_t rows, cols;  /* the shape given */
    int exact;          /* 1 when it is the step's displayed shape */
    int texts;          /* how many of the numbers were written as text */
} bs_answers_step;

/* An answers file as read: whose it is, each asked step's answer and every
 * problem found, in the order of the file. */
typedef struct bs_answers {
    char id[BS_ID_MAX + 1]; /* as bs_grade_result's id: the roster's spelling when on it */
    int has_id;             /* 1 when an id string could be read */
    long student;           /* the roster index of the id, or -1 */
    long named;             /* the roster student the file's name names (bs_grade_result) */
    int mismatch;           /* 1 when named and student are two roster students */
    const bs_trace *trace;  /* the variant the answers were read against (owned by the set):
                               the student's, else the first student's when the id is not on
                               the roster; NULL when it does not load */
    bs_grads_file *grads;   /* the answers given, for bs_compare_run, or NULL */
    bs_answers_step *steps;       /* one per asked step, or NULL when no "claims" object was read */
    size_t nsteps;
    bs_answers_problem *problems;
    size_t nproblems;
    size_t fatal;           /* how many of them are BS_ANSWERS_FATAL */
} bs_answers;

/* Reads the answers file of `len` bytes `text`, named `name` (its name and
 * directory name are compared with the id inside), against the exercise x:
 * JSON; an object with "id", a roster id, and "claims", an object with each
 * asked step's key once (any notation) and a value null or readable as the
 * step; comment keys (bs_answers_comment_key) skipped.  Every problem is
 * put into out->problems; grading (bs_grade_text) and the check before
 * handing in (bs_answers_check) both read files with it, so that they say
 * the same about a file.  Returns BS_OK, or BS_ERR_NOMEM.  The caller frees
 * *out with bs_answers_free(). */
bs_status bs_answers_read(bs_exercise_set *x, const char *text, size_t len, const char *name,
                          bs_answers *out, bs_error *err);

/* Frees what an answers file holds (safe twice, and on a zeroed one). */
void bs_answers_free(bs_answers *a);

#endif
