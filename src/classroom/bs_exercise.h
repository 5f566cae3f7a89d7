/* bs_exercise.h — per-student exercise sets (`backstep exercise`).
 *
 * From a spec and a roster of student ids, each student gets a variant of
 * the spec: the same layers, activations, loss, convention, batch size,
 * reduction and λ, with their own weights, biases, inputs and targets,
 * rounded to a few decimals so that it can be worked by hand.  The variant
 * is drawn from the seed and the id, so the same seed and id give the same
 * numbers on every machine:
 *
 *   h = FNV-1a 64 of the id's bytes (offset basis 0xcbf29ce484222325,
 *       prime 0x100000001b3)
 *   v = the first output of bs_rng_stream(seed, h)
 *   attempt a = 0, 1, 2, … draws from bs_rng_stream(v, a)
 *
 * and an attempt is kept only when it suits hand work (bs_variant_suits).
 * Everything is built in memory as a bs_fileset (bs_files.h): the variants,
 * the question sheets, the answer skeletons, the worked keys, a summary for
 * the instructor and the manifest `exercise.json` that `backstep grade`
 * reads.
 */
#ifndef BS_EXERCISE_H
#define BS_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

#include "bs_error.h"
#include "bs_files.h"
#include "bs_formula.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_sink.h"
#include "bs_trace.h"

#define BS_ID_MAX 64          /* longest student id, in bytes */
#define BS_ROSTER_MAX 10000   /* most students in a roster */
#define BS_DIGITS_MAX 4       /* most decimals of a variant's numbers */
#define BS_VARIANT_ATTEMPTS 200 /* draws tried per student before giving up */
#define BS_EXERCISE_MAX_NUMBERS 600 /* most parameters, inputs and targets in a variant */

/* A roster: student ids in file order, with the line each was read from. */
typedef struct bs_roster {
    char **ids;
    size_t *line;
    size_t n;
} bs_roster;

/* Checks that `id` can be a student id: 1 to 64 bytes of ASCII letters,
 * digits, '.', '_' and '-', not starting with '.' or '-', and not "key",
 * "feedback", "students", "exercise.json", "booklet-sheets.html" or
 * "booklet-keys.html" in any case (names the exercise directory uses
 * itself).  Returns 0, or -1 with the reason written into why. */
int bs_id_check(const char *id, char *why, size_t size);

/* Reads a roster from `len` bytes of text: one id per line (surrounding
 * spaces and tabs and a CR before the newline are dropped; a UTF-8 byte
 * order mark at the start is skipped; blank lines and lines starting with
 * '#' are skipped; a first line that is just "id", "student" or
 * "student_id", in any case, is a header and skipped), or, when the first
 * line is a comma-separated header with a column named "id", "student" or
 * "student_id" (in any case; the first such), a CSV file whose that column
 * gives the ids (fields may be quoted with "…", "" for a quote).  Every id is
 * checked with bs_id_check and must be unique, ignoring case (ids compare
 * without regard to case everywhere: two students never share a directory
 * on a case-insensitive file system).  Errors are BS_ERR_SPEC with err->file
 * `file` and err->where "line N": the first bad line.  The caller frees
 * *out with bs_roster_free(). */
bs_status bs_roster_parse(const char *text, size_t len, const char *file, bs_roster **out,
                          bs_error *err);

/* The same, reporting every bad line: the first `max` of them go into
 * errs[0 … max−1] (errs may be NULL), their number into *nerrs (may be
 * NULL).  Lines after a bad one are still read and checked. */
bs_status bs_roster_parse_all(const char *text, size_t len, const char *file, bs_roster **out,
                              bs_error *errs, size_t max, size_t *nerrs);

/* Reads and parses the roster file at `path`, reporting every bad line as
 * bs_roster_parse_all does. */
bs_status bs_roster_load_all(const char *path, bs_roster **out, bs_error *errs, size_t max,
                             size_t *nerrs);

/* Reads and parses the roster file at `path`. */
bs_status bs_roster_load(const char *path, bs_roster **out, bs_error *err);

/* Frees a roster; NULL is allowed. */
void bs_roster_free(bs_roster *r);

/* h = FNV-1a 64 of the bytes of `id`. */
uint64_t bs_id_hash(const char *id);

/* The variant seed of a student: the first output of bs_rng_stream(seed, h(id)). */
uint64_t bs_variant_seed(uint64_t seed, const char *id);

/* Says whether a checked trace suits hand work, for values of `digits`
 * decimals: its check passes with every value finite; no sigmoid output
 * lies outside [0.05, 0.95], no tanh output outside [−0.95, 0.95] and no
 * softmax output outside [0.02, 0.98] (saturation); no pre-activation of a
 * ReLU or leaky ReLU lies within 0.05 of its kink at 0; and every backward
 * step has an element of magnitude at least 10^−(digits+1).  Returns 1, or 0
 * with the first rule broken written into why (may be NULL). */
int bs_variant_suits(const bs_trace *t, int digits, char *why, size_t size);

/* Writes the variant of `base` for student `id` as a complete spec (JSON
 * text) to `out`: attempt by attempt as described above, W[n] uniform on
 * [−w, w) with w = min(1, 2/√n_{n−1}), b[n] uniform on [−0.5, 0.5), inputs
 * uniform on [−1, 1), each rounded to `digits` decimals and drawn again
 * when it rounds to 0; targets 0 or 1 for bce, a class for cross_entropy,
 * and for mse uniform on [0, 1) (an output in (0, 1)) or [−1, 1), rounded.
 * *attempts (may be NULL) receives the number of draws it took.  A network
 * with more than BS_EXERCISE_MAX_NUMBERS numbers is BS_ERR_USAGE; no draw
 * that suits hand work in BS_VARIANT_ATTEMPTS is BS_ERR_SPEC. */
bs_status bs_variant_write(const bs_net *base, uint64_t seed, const char *id, int digits,
                           bs_sink *out, unsigned *attempts, bs_error *err);

/* Which outputs an exercise writes, as bits of 1 << bs_format. */
#define BS_EXERCISE_FORMATS_DEFAULT \
    ((1u << BS_FORMAT_MARKDOWN) | (1u << BS_FORMAT_LATEX) | (1u << BS_FORMAT_HTML))

/* How grade marks a step below one that is wrong: CARRY against the student's
 * own answers above it (consequential marking: a slip costs the step where
 * it is made), STRICT against the right values (a slip also costs every step
 * computed from it). */
typedef enum bs_grade_policy { BS_POLICY_CARRY = 0, BS_POLICY_STRICT } bs_grade_policy;

extern const char *const bs_policy_names[]; /* "carry", "strict", NULL */

/* The significant digits the sheet asks the answers in. */
#define BS_SHEET_SIG_DIGITS 3

typedef struct bs_exercise_opts {
    uint64_t seed;         /* default 1 */
    int digits;            /* decimals of the variants' numbers, 1 … 4 (default 2) */
    bs_notation notation;  /* names on the sheets and in answers.json (default g) */
    const char *steps;     /* the asked steps, comma-separated names in any notation,
                              or NULL for every backward step */
    unsigned formats;      /* bits 1 << BS_FORMAT_MARKDOWN, _LATEX, _HTML */
    const char *source;    /* the spec's name or file, for the manifest and summary */
    /* called before each student with the students done so far and in all
     * (for a progress indicator), or NULL; it must not print to the output */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* the first `skip` students of the roster already have their files (an
     * exercise set extended with bs_exercise_set_add): their files are not
     * built again, but the summary and the manifest list them (default 0) */
    size_t skip;
    bs_grade_policy policy; /* how grade marks the steps, said on the sheet (default carry) */
} bs_exercise_opts;

/* Returns the default options: seed 1, 2 decimals, g notation, every step,
 * Markdown, LaTeX and HTML, the carry policy. */
bs_exercise_opts bs_exercise_defaults(void);

/* Parses a --formats list ("markdown,latex,html", any of them, in any
 * order) into bits of 1 << bs_format.  Returns 0, or -1 with the reason in
 * why. */
int bs_exercise_formats_parse(const char *list, unsigned *out, char *why, size_t size);

/* Reads the asked steps of a trace from a comma-separated list of names in
 * any notation ("g[3z],dW2,dL/db1"; NULL or "" for every backward step) into
 * idx (room for t->nsteps), as trace step indices in trace order.  A name
 * that is not a backward step of the network, or a step named twice, is
 * BS_ERR_USAGE naming it. */
bs_status bs_exercise_steps(const bs_trace *t, const char *list, size_t *idx, size_t *n,
                            bs_error *err);

/* The relative and absolute tolerances written into the manifest, which grade's
 * diagnosis accepts besides each step's rounding bound, for a sheet of
 * `digits` decimals: rtol 5e-3 (three significant digits) and atol
 * 0.5·10^−(digits+2) (half a unit two decimals after the sheet's last), so
 * that an element near 0 is not held to a relative tolerance. */
void bs_exercise_tolerance(int digits, double *rtol, double *atol);

/* Builds the whole exercise set in memory: for each student of the roster,
 * <id>/spec.json, <id>/sheet.{md,tex,html} (the formats asked for),
 * <id>/answers.json, <id>/key.{md,tex,html} (bs_exercise_key),
 * students/<id>/sheet.{md,tex,html} and students/<id>/answers.json (the
 * folder to hand out: the same sheet and skeleton, nothing else),
 * key/<id>.{md,tex,html} (the worked trace); then, when HTML is asked for,
 * booklet-sheets.html and booklet-keys.html (every student's sheet, and
 * key, in roster order, one student a printed page, the students skipped by
 * o->skip included); then key/summary.csv and exercise.json (the manifest for `backstep grade`: the spec's name, seed,
 * digits, notation, tolerances, grading policy, asked steps, formats, the base network
 * "base" that every variant is drawn from, and the ids).  The caller frees *out
 * with bs_fileset_free().  Errors name the student (err->where "id ann"). */
bs_status bs_exercise_build(const bs_net *base, const bs_roster *roster,
                            const bs_exercise_opts *o, bs_fileset **out, bs_error *err);

/* Writes the question sheet of a variant's (built) trace in `format`
 * (Markdown, LaTeX or HTML): the network, its parameters, inputs and
 * targets, how the answers are marked (the policy, in one sentence), and
 * for each asked step (trace step indices) its name, shape and an empty
 * matrix to fill in; `id` heads it. */
void bs_exercise_sheet(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                       size_t nasked, bs_notation nt, int digits, bs_grade_policy policy,
                       bs_format format);

/* Writes the key of a variant's (built) trace in `format` (Markdown, LaTeX
 * or HTML): every step of the forward pass from z[1], the loss and every
 * backward step, each value to the sheet's BS_SHEET_SIG_DIGITS significant
 * digits in fixed notation, the asked steps (trace step indices) marked
 * "asked, question N"; `id` heads it. */
void bs_exercise_key(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                     size_t nasked, bs_notation nt, bs_format format);

/* Writes the answer skeleton {"id": …, "claims": {name: null, …}} with the
 * asked steps named in notation `nt`. */
void bs_exercise_answers(bs_sink *s, const bs_trace *t, const char *id, const size_t *asked,
                         size_t nasked, bs_notation nt);

/* Before an exercise set is written over an old one in `dir`, removes the
 * old manifest dir/exercise.json (none there is fine): exercise.json is the
 * set's last file, so a write that stops halfway leaves a directory that
 * grade refuses, never old and new files graded as one set.  Errors are
 * BS_ERR_IO naming the manifest, or BS_ERR_NOMEM. */
bs_status bs_exercise_remove_manifest(const char *dir, bs_error *err);

#endif
