/* backstep.h — libbackstep, the backstep library for C programs.
 *
 * Load a spec (a small fully-connected network with its weights, a batch of
 * inputs and targets), run the forward pass and backpropagation, read any
 * step's values, check every gradient against a numerical one, compare the
 * gradients your own program computed with backstep's (the first step that
 * disagrees is named, with the classic mistake that reproduces its numbers),
 * render the whole trace in any of backstep's formats, follow a handout's
 * derivation with its numbers, train it by gradient descent, and grade a
 * class's answers to an exercise set.
 *
 *     bs_spec *spec;  bs_run *run;  bs_lib_error err;
 *     if (bs_spec_load_file("net.json", &spec, &err) != BS_LIB_OK ||
 *         bs_run_create(spec, &run, &err) != BS_LIB_OK) ...
 *
 * Build with `cc prog.c $(pkg-config --cflags --libs backstep)`; the manual
 * is docs/library.md.
 *
 * Ownership: every handle comes from a _load, _create, _open, _grade,
 * _train, _sweep or _session (_quiz) function and is freed by its _free
 * function, which accepts NULL.  A run and a training borrow their spec, a
 * gradient set, a comparison or a session borrows its run, and a grading
 * borrows its exercise: free them in the reverse order.  Pointers returned
 * inside a bs_step_info, a bs_compared_step, a bs_trained_param, a
 * bs_sweep_info or a bs_sweep_method are borrowed from the handle and stay
 * valid until it is freed.  Text returned
 * through a `char **` was allocated with malloc(); the caller frees it with
 * free().
 *
 * Errors are values: a function that can fail returns a bs_lib_status and
 * fills the bs_lib_error it is given (which may be NULL).  The library never
 * prints, except to a FILE * it is handed for rendering, and never exits.
 */
#ifndef BACKSTEP_H
#define BACKSTEP_H

#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__) && __GNUC__ >= 4
#define BS_API __attribute__((visibility("default")))
#else
#define BS_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

/* What went wrong, coarsely. */
typedef enum bs_lib_status {
    BS_LIB_OK = 0,
    BS_LIB_ERR_USAGE,   /* a bad argument: an unknown name, an index out of range */
    BS_LIB_ERR_SYNTAX,  /* the text is not valid JSON */
    BS_LIB_ERR_SPEC,    /* valid JSON, but not a valid spec (or a bad gradient) */
    BS_LIB_ERR_LIMIT,   /* the input is larger than the library's limits */
    BS_LIB_ERR_IO,      /* a file could not be read or written */
    BS_LIB_ERR_NOMEM,   /* an allocation failed */
    BS_LIB_ERR_NUMERIC  /* a computation produced a non-finite number */
} bs_lib_status;

/* An error: its status, the file it concerns, the place in it (a JSON path
 * such as "params.W2", "3:15" for line 3, column 15, or a step name), and
 * one line of explanation; fixed-size buffers, so it never needs freeing. */
typedef struct bs_lib_error {
    bs_lib_status status;
    char file[256];
    char where[128];
    char message[512];
} bs_lib_error;

/* Writes an error as one line, "file:where: message", into buf (always
 * NUL-terminated, cut to size); empty parts are left out with their colon. */
BS_API void bs_lib_error_line(const bs_lib_error *err, char *buf, size_t size);

/* Returns a short name of a status, e.g. "spec error"; a static string. */
BS_API const char *bs_lib_status_name(bs_lib_status status);

/* Returns the library's version, e.g. "0.1.0"; a static string. */
BS_API const char *bs_lib_version(void);

/* ---- specs ------------------------------------------------------------- */

/* A network and its batch, loaded and validated from a spec (docs/spec-format.md). */
typedef struct bs_spec bs_spec;

/* Reads and validates the spec file at `path` ("-" for standard input).  On
 * success *out is a new spec the caller frees with bs_spec_free(); on failure
 * *out is NULL and err names the file, the place and what was expected. */
BS_API bs_lib_status bs_spec_load_file(const char *path, bs_spec **out, bs_lib_error *err);

/* The same from `len` bytes of JSON text; `name` (or "<string>" when NULL)
 * stands for the file name in errors.  The text is not kept. */
BS_API bs_lib_status bs_spec_load_string(const char *text, size_t len, const char *name,
                                         bs_spec **out, bs_lib_error *err);

/* How a spec file is read: the limits that refuse too large an input before
 * it is allocated, and the name the run's errors give the file.  Start from
 * bs_load_settings_default() and change what you need. */
typedef struct bs_load_settings {
    size_t max_file_bytes; /* largest spec file read, in bytes (default 64 MiB) */
    size_t max_memory;     /* largest estimated working memory, in bytes (default 2 GiB) */
    size_t max_layers;     /* most layers (default 100) */
    int max_depth;         /* deepest JSON nesting (default 64) */
    int full;              /* 1: the run will be checked with `full`, whose work list
                              counts in the memory estimate */
    const char *name;      /* the file named by errors of the run's build and check;
                              NULL: the path, "<stdin>" for "-" */
} bs_load_settings;

/* Returns the default load settings: the limits above, not full, no name. */
BS_API bs_load_settings bs_load_settings_default(void);

/* Reads and validates the spec file at `path` as bs_spec_load_file does,
 * under `settings` (NULL: the defaults); an input over a limit is
 * BS_LIB_ERR_LIMIT with the place and the limit in err. */
BS_API bs_lib_status bs_spec_load_file_with(const char *path, const bs_load_settings *settings,
                                            bs_spec **out, bs_lib_error *err);

/* Finds the shipped spec called `name` ("4-3-2-1-bce", with or without
 * ".json"; `backstep examples` lists them) in $BACKSTEP_SPECS_DIR, the
 * installed specs directory or the source tree of the build, and writes its
 * path into buf (cut to size), ready for bs_spec_load_file.  Returns 1 when
 * found, 0 when not (a name with a '/' is a path, never a shipped spec). */
BS_API int bs_example_path(const char *name, char *buf, size_t size);

/* Writes the list of shipped specs to `fp` (not closed): name, layers,
 * handout and the spec's own name, one per line, sorted by name.  Sets
 * *count (when not NULL) to how many were listed; a failed write is
 * BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_examples_write(FILE *fp, size_t *count, bs_lib_error *err);

/* Frees a spec; NULL is allowed.  Every run made from it must be freed first. */
BS_API void bs_spec_free(bs_spec *spec);

/* ---- runs: the trace of a spec ----------------------------------------- */

/* The forward pass and backpropagation of a spec, step by step, and once
 * checked the numerical gradient beside every analytic one. */
typedef struct bs_run bs_run;

/* Runs the forward pass and backpropagation of `spec`, which the run borrows
 * and which must outlive it.  The caller frees *out with bs_run_free(). */
BS_API bs_lib_status bs_run_create(const bs_spec *spec, bs_run **out, bs_lib_error *err);

/* The run of example `example` (counted from 1) of the spec's batch alone,
 * for a program that works one example at a time: the same parameters, that
 * example's x and y, a batch of one, no claims, and its loss that example's
 * ℓ(ŷ, y) plus the penalty, without the 1/B of a batch mean.  A comparison
 * with it says which example it is.  An example outside 1 … B is
 * BS_LIB_ERR_USAGE.  The caller frees *out with bs_run_free(). */
BS_API bs_lib_status bs_run_create_example(const bs_spec *spec, size_t example, bs_run **out,
                                           bs_lib_error *err);

/* Frees a run; NULL is allowed.  Its gradient sets and comparisons must be
 * freed first. */
BS_API void bs_run_free(bs_run *run);

/* One step of a run, or one parameter of its spec. */
typedef struct bs_step_info {
    const char *id;         /* canonical name: "g[2z]", "z[1]", "a[0]", "y", "L", "W[1]" */
    int gradient;           /* 1 for a backward step (a gradient), 0 otherwise */
    size_t rows, cols;      /* shape, in the displayed orientation of the spec's convention */
    const double *value;    /* rows×cols values row by row (analytic for gradients) */
    const double *numeric;  /* numerical gradient, NaN where not compared; NULL
                               before bs_run_check and for values that are not gradients */
    size_t n_compared;      /* elements compared with the numerical gradient */
    int passed;             /* 1 something verified and every compared element agrees (none
                               unresolved), 0 otherwise, -1 not checked */
    double max_rel_error;   /* largest relative error among the compared elements */
} bs_step_info;

/* Returns the number of steps: a[0], y, then z[n], a[n] for n = 1..L, the
 * loss L, then g[La], g[Lz], g[LW], g[Lb], … down to g[1b]. */
BS_API size_t bs_run_step_count(const bs_run *run);

/* Fills *out with step `index` (0 ≤ index < bs_run_step_count()); an index
 * out of range is BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_run_step(const bs_run *run, size_t index, bs_step_info *out,
                                 bs_lib_error *err);

/* Fills *out with the step or parameter called `name` in any notation:
 * gradients "g[2z]", "dz2", "dL/dz2", "dL/dz[2]", "∂L/∂z[2]"; forward values
 * "z[1]", "z1", "a[2]", "a2", "x", "yhat", "ŷ", "y"; the loss "L" or "loss";
 * parameters "W1", "W[1]", "b1", "b[1]".  An unknown name is
 * BS_LIB_ERR_USAGE with the name in err->where.  A parameter's values in the
 * displayed orientation are copied on its first read and kept with the run
 * (so a run is read by one thread at a time). */
BS_API bs_lib_status bs_run_find(const bs_run *run, const char *name, bs_step_info *out,
                                 bs_lib_error *err);

/* Writes the name of step `index` in a notation ("g", "partial" or "code";
 * NULL for "g"), e.g. "g[2z]", "∂L/∂z[2]", "dz2", into buf (cut to size). */
BS_API bs_lib_status bs_run_step_name(const bs_run *run, size_t index, const char *notation,
                                      char *buf, size_t size, bs_lib_error *err);

/* Returns the loss L of the batch. */
BS_API double bs_run_loss(const bs_run *run);

/* How the numerical check runs (docs/numerical-check.md). */
typedef struct bs_check_settings {
    const char *method; /* "central" (the default), "complex", "forward" or "richardson" */
    double epsilon;     /* the step h; 0 for the method's default */
    double rtol;        /* relative tolerance; < 0 for the method's default */
    double atol;        /* absolute tolerance; < 0 for the method's default */
    int full;           /* 1: compare every element, not a sample of large steps */
    int strict;         /* 1: an element left unresolved fails the check too */
    size_t directions;  /* N > 0: check each parameter matrix along N seeded random
                           directions, element by element only where one fails; 0: off */
    /* called now and then with the elements compared so far and in all (for a
     * progress indicator), or NULL; ctx is progress_ctx */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_check_settings;

/* Returns the default check settings: central differences, the method's own
 * step and tolerances, large steps sampled. */
BS_API bs_check_settings bs_check_settings_default(void);

/* Returns BS_LIB_OK when `settings` can run a check: a known method, a step
 * h that is 0 or at least the method's smallest (docs/numerics.md), and
 * tolerances under which a wrong value cannot agree (0 ≤ rtol < 1,
 * 0 ≤ atol ≤ 1e-3; negative: the default); else BS_LIB_ERR_USAGE with the
 * setting ("method", "epsilon", "rtol" or "atol") in err->where and why in
 * err->message. */
BS_API bs_lib_status bs_check_settings_validate(const bs_check_settings *settings,
                                                bs_lib_error *err);

/* Computes the numerical gradient of every backward step and compares it
 * with the analytic one; `settings` may be NULL (the defaults).  Checking a
 * run again replaces the previous check.  A gradient that disagrees is not
 * an error: read the outcome with bs_run_passed(). */
BS_API bs_lib_status bs_run_check(bs_run *run, const bs_check_settings *settings,
                                  bs_lib_error *err);

/* Returns 1 when the checked run passed (at least one element verified,
 * every compared element agrees with none left unresolved, every value is
 * finite, every claim of the spec agrees), 0 when it failed or verified
 * nothing, -1 when it has not been checked.  A step below the method's
 * smallest or a tolerance out of bounds makes bs_run_check an error. */
BS_API int bs_run_passed(const bs_run *run);

/* Writes the one-line verdict of a checked run, e.g. "PASS  38 of 38 elements
 * compared (central), largest relative error 9.5e-10 at g[1z][1,2]", into buf
 * (cut to size), naming steps in `notation` (NULL for "g").  A run not yet
 * checked is BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_run_verdict(const bs_run *run, const char *notation, char *buf,
                                    size_t size, bs_lib_error *err);

/* How a run is rendered; every field zero gives the defaults. */
typedef struct bs_render_settings {
    const char *format;   /* "text", "json", "markdown", "latex", "html", "dot" or "npz"
                             (NumPy arrays in a zip archive: binary); NULL: text */
    const char *notation; /* "g", "partial" or "code"; NULL: g */
    int precision;        /* significant digits in text, 1 to 17; 0: 6 */
    int terms;            /* 1: expand each element term by term with its numbers */
    int explain;          /* 1: say in words why each step is what it is */
    int fragment;         /* latex: the body only, without the preamble */
    const char *source;   /* the file name shown in the header; NULL: the spec's */
    int color;            /* text: 1 to colour the verdicts with ANSI escapes */
} bs_render_settings;

/* Returns the default render settings: text, g notation, 6 digits. */
BS_API bs_render_settings bs_render_settings_default(void);

/* Renders the run to `fp` (not closed) as `settings` say (NULL: defaults).
 * An unchecked run is rendered without numerical values.  A failed write is
 * BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_run_render(const bs_run *run, FILE *fp,
                                   const bs_render_settings *settings, bs_lib_error *err);

/* Renders the run into memory: on success *out holds the NUL-terminated text
 * (its length in *len when len is not NULL), which the caller frees with
 * free(); on failure *out is NULL.  The text equals what bs_run_render writes. */
BS_API bs_lib_status bs_run_render_string(const bs_run *run, const bs_render_settings *settings,
                                          char **out, size_t *len, bs_lib_error *err);

/* Renders the run (as bs_run_render) into the file `path`, atomically: the
 * text goes to a temporary file beside it, which replaces `path` only once
 * the whole rendering is written and on disk, so `path` is either the old
 * file or the whole new one; an existing file keeps its permissions, and a
 * symbolic link keeps pointing to its target, which is replaced.  The spec's
 * own file is refused (BS_LIB_ERR_USAGE), and on any failure `path` is left
 * as it was and err names it. */
BS_API bs_lib_status bs_run_render_file(const bs_run *run, const char *path,
                                        const bs_render_settings *settings, bs_lib_error *err);

/* Writes `len` bytes of `data` (any bytes, NULs too) to the file `path`
 * atomically, as bs_run_render_file writes its rendering. */
BS_API bs_lib_status bs_lib_write_file(const char *path, const void *data, size_t len,
                                       bs_lib_error *err);

/* Writes as bs_lib_write_file, but refuses to replace any of the `nkeep`
 * files `keep` (the files a program reads: the same file by device and
 * inode, so another name for it, a hard or a symbolic link, is caught too)
 * with BS_LIB_ERR_USAGE and err->file the path; `keep` may be NULL when
 * nkeep is 0. */
BS_API bs_lib_status bs_lib_write_file_except(const char *path, const void *data, size_t len,
                                              const char *const *keep, size_t nkeep,
                                              bs_lib_error *err);

/* Writes what `writer` writes to the FILE * it is handed (a temporary file
 * beside `path`) to the file `path` atomically, as bs_lib_write_file_except
 * does, so that a large output need not be held in memory; the writer
 * returns 0, or the errno of a failed write (which leaves `path` as it was,
 * BS_LIB_ERR_IO).  `ctx` is passed to the writer. */
BS_API bs_lib_status bs_lib_write_with(const char *path,
                                       int (*writer)(FILE *fp, const void *ctx),
                                       const void *ctx, const char *const *keep, size_t nkeep,
                                       bs_lib_error *err);

/* Returns BS_LIB_OK when writing `path` would replace none of the `nkeep`
 * files `keep` (compared as bs_lib_write_file_except compares them), else
 * BS_LIB_ERR_USAGE with err->file the path: the check a program makes
 * before it starts work whose output would go there. */
BS_API bs_lib_status bs_lib_check_output(const char *path, const char *const *keep,
                                         size_t nkeep, bs_lib_error *err);

/* Returns 1 when the paths a and b name the same file (the same device and
 * inode; when neither exists yet, the same last name in the same
 * directory), else 0. */
BS_API int bs_lib_same_file(const char *a, const char *b);

/* Removes the temporary file an atomic write of this library is writing,
 * if any; async-signal-safe (it only calls unlink), for a handler of
 * SIGINT or SIGTERM that then re-raises the signal. */
BS_API void bs_lib_remove_temporary(void);

/* ---- sessions: stepping through a run, and a quiz on it ------------------ */

/* How a session is shown; every field zero (or NULL) is the default. */
typedef struct bs_session_settings {
    const char *notation; /* "g", "partial" or "code"; NULL: g */
    int precision;        /* significant digits of the values shown, 1 to 17; 0: 6 */
    int terms;            /* step: 1 to expand each step term by term */
    int explain;          /* step: 1 to say in words why each step is what it is */
    const char *only;     /* quiz: the steps asked, comma-separated in any notation
                             ("dz2,g[1W]"); NULL: every backward step */
    double tolerance;     /* quiz: an element is right when |a − v| ≤ tolerance·max(|a|,
                             |v|); 0: 5e-3 (answers of 3 significant digits) */
    const char *source;   /* the spec's name in the header and the record; NULL: the
                             spec's file */
} bs_session_settings;

/* Returns the default session settings: g notation, 6 digits, every step,
 * tolerance 5e-3, the spec's own file. */
BS_API bs_session_settings bs_session_settings_default(void);

/* An interactive session on a run, fed one line of input at a time by the
 * caller (the library never reads standard input): a walk through the
 * backward steps (`backstep step`) or a quiz on them (`backstep quiz`). */
typedef struct bs_session bs_session;

/* Creates a walk through the run's backward steps, each shown as
 * bs_run_render shows it in text; the session borrows the run, which must
 * outlive it.  A bad setting is BS_LIB_ERR_USAGE with the setting in
 * err->where.  The caller frees *out with bs_session_free(). */
BS_API bs_lib_status bs_run_step_session(const bs_run *run, const bs_session_settings *settings,
                                         bs_session **out, bs_lib_error *err);

/* Creates a quiz asking the value of each backward step of the run (or of
 * those in settings->only), a wrong answer diagnosed with the mistake that
 * reproduces it; the session borrows the run.  A name in `only` that is no
 * backward step, or a tolerance out of range, is BS_LIB_ERR_USAGE with the
 * spec's file and the setting ("--only") in err->where.  The caller frees
 * *out with bs_session_free(). */
BS_API bs_lib_status bs_run_quiz(const bs_run *run, const bs_session_settings *settings,
                                 bs_session **out, bs_lib_error *err);

/* Frees a session; NULL is allowed. */
BS_API void bs_session_free(bs_session *s);

/* Writes the opening to `fp` (not closed): the network, its parameters, the
 * forward pass, the commands, and the first step or question.  A failed
 * write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_session_start(bs_session *s, FILE *fp, bs_lib_error *err);

/* Writes the prompt for the next line ("step 6/12> ", "g[2z] = ") into buf
 * (cut to size). */
BS_API void bs_session_prompt(const bs_session *s, char *buf, size_t size);

/* Takes one line of input (without its line end) and writes the answer to
 * `fp`: for a walk "" or "n" (the next step), "b", "why", "terms",
 * "forward", "help", "q"; for a quiz an answer ("0.12 -0.3; 0.5 1e-2") or
 * "hint", "why", "skip", "forward", "help", "quit".  A failed write is
 * BS_LIB_ERR_IO; read bs_session_ended() for whether the session goes on. */
BS_API bs_lib_status bs_session_feed(bs_session *s, const char *line, FILE *fp,
                                     bs_lib_error *err);

/* Ends the session at the end of input, writing to `fp` what is left (a
 * walk's remaining steps and verdict, a quiz's score); nothing once it has
 * ended.  A failed write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_session_finish(bs_session *s, FILE *fp, bs_lib_error *err);

/* Returns 1 once the session has ended (the last step or question, a quit,
 * or bs_session_finish), else 0. */
BS_API int bs_session_ended(const bs_session *s);

/* The tally of a quiz so far; all zero for a walk. */
typedef struct bs_session_score {
    size_t steps;     /* questions in the quiz */
    size_t asked;     /* questions reached */
    size_t first_try; /* answered right at the first try */
    size_t right;     /* answered right at some try */
    size_t skipped;   /* skipped */
    size_t revealed;  /* revealed after every try was wrong */
    size_t wrong;     /* wrong answers in all */
} bs_session_score;

/* Fills *out with the quiz's tally so far. */
BS_API void bs_session_tally(const bs_session *s, bs_session_score *out);

/* Writes the quiz's score line ("score: 8/12 steps right at the first try;
 * mistakes: activation derivative left out ×2") into buf (cut to size); ""
 * for a walk. */
BS_API void bs_session_score_line(const bs_session *s, char *buf, size_t size);

/* Returns how many wrong answers of the quiz the mistake `key` was found in
 * (a catalogue key such as "no-derivative", "wrong-shape", or
 * "unexplained"); 0 for a walk. */
BS_API size_t bs_session_mistake_count(const bs_session *s, const char *key);

/* Writes the quiz as one JSON object (each question, each answer given and
 * its diagnosis, the score) into memory: *out holds the NUL-terminated text
 * (its length in *len when len is not NULL), which the caller frees with
 * free().  A walk has no record: BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_session_record(const bs_session *s, char **out, size_t *len,
                                       bs_lib_error *err);

/* ---- scaffolds: a new spec to start from -------------------------------- */

/* How a new spec is drawn; start from bs_scaffold_settings_default(). */
typedef struct bs_scaffold_settings {
    const char *activations; /* one per layer, comma-separated ("sigmoid,tanh"), or one
                                for all; NULL: sigmoid, and the output the loss needs */
    const char *loss;        /* "mse", "bce" or "cross_entropy"; NULL: bce for one
                                output, else cross_entropy */
    const char *convention;  /* "row" (NULL) or "column" */
    unsigned long long seed; /* the seed of the weights and the example (default 1) */
} bs_scaffold_settings;

/* Returns the default scaffold settings: sigmoid, the loss the output needs,
 * the row convention, seed 1. */
BS_API bs_scaffold_settings bs_scaffold_settings_default(void);

/* Writes a complete spec for the layer sizes `layers` ("4-3-2-1") as
 * `backstep init` does: weights and biases drawn from the seed and rounded
 * to two decimals, an example input and target, a "//field" comment beside
 * each field; it is traced and checked before it is returned, so it runs
 * cleanly.  `settings` may be NULL.  On success *out holds the
 * NUL-terminated JSON text (its length in *len when len is not NULL), which
 * the caller frees with free(); bad layer sizes or a bad setting are
 * BS_LIB_ERR_USAGE with what is wrong in err->where ("LAYERS",
 * "--activations", "--loss", "convention"), and *out is NULL. */
BS_API bs_lib_status bs_spec_scaffold(const char *layers, const bs_scaffold_settings *settings,
                                      char **out, size_t *len, bs_lib_error *err);

/* ---- sweeps: a numerical method's error as the step h shrinks ------------ */

/* How a sweep runs; start from bs_sweep_settings_default(). */
typedef struct bs_sweep_settings {
    /* called now and then with the evaluations done so far and in all (for a
     * progress indicator), or NULL; ctx is progress_ctx */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_sweep_settings;

/* Returns the default sweep settings: no progress reported. */
BS_API bs_sweep_settings bs_sweep_settings_default(void);

/* One element of a backward step, its numerical derivative by each method
 * at steps h from 1e-1 down to 1e-16 (two per decade), each compared with
 * the complex step at its default h (docs/numerics.md). */
typedef struct bs_step_sweep bs_step_sweep;

/* Sweeps the element `element` of `run`: a backward step or the quantity it
 * is the gradient of, then [row,column] counted from 1 in the displayed
 * orientation ("W1[2,3]", "g[2z][1,2]", "dz2[1,1]").  A bad element is
 * BS_LIB_ERR_USAGE with the spec's file in err->file and the element quoted
 * in err->message.  `settings`
 * may be NULL.  The sweep copies what it needs of the run; the caller
 * frees *out with bs_step_sweep_free(). */
BS_API bs_lib_status bs_run_sweep(const bs_run *run, const char *element,
                                  const bs_sweep_settings *settings, bs_step_sweep **out,
                                  bs_lib_error *err);

/* Frees a sweep; NULL is allowed. */
BS_API void bs_step_sweep_free(bs_step_sweep *sweep);

/* What a sweep is of; the pointers are borrowed from the sweep. */
typedef struct bs_sweep_info {
    const char *element; /* in the g notation: "g[1W][2,3]" */
    double x;            /* the value of the parameter entry moved */
    double analytic;     /* the backpropagated value */
    double reference;    /* the complex-step value at its default step */
    size_t n;            /* the number of steps h */
    const double *h;     /* the n steps, largest first */
} bs_sweep_info;

/* Fills *out with what the sweep is of and its steps h. */
BS_API void bs_step_sweep_info(const bs_step_sweep *sweep, bs_sweep_info *out);

/* One method of a sweep; the arrays of n values are borrowed from the sweep. */
typedef struct bs_sweep_method {
    const char *method;      /* "central", "complex", "forward" or "richardson" */
    const double *value;     /* the numerical derivative D(h) at each step */
    const double *error;     /* |D(h) − reference| at each step */
    size_t best;             /* the index of the step with the smallest error */
    double slope_truncation; /* log-log slope of the error above the best step, or NaN */
    double slope_rounding;   /* log-log slope of the error below the best step, or NaN */
} bs_sweep_method;

/* Fills *out with the method called `method` ("central", "complex",
 * "forward" or "richardson"); another name is BS_LIB_ERR_USAGE with
 * "method" in err->where. */
BS_API bs_lib_status bs_step_sweep_method(const bs_step_sweep *sweep, const char *method,
                                          bs_sweep_method *out, bs_lib_error *err);

/* Writes the sweep to `fp` (not closed) as `backstep sweep` does, in
 * `format`: "text" (NULL; the table, the best steps and slopes, a plot
 * drawn with Unicode) or "svg" (one standalone SVG image).  An unknown
 * format is BS_LIB_ERR_USAGE; a failed write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_step_sweep_render(const bs_step_sweep *sweep, FILE *fp,
                                          const char *format, bs_lib_error *err);

/* The same into memory: on success *out holds the NUL-terminated text (its
 * length in *len when len is not NULL), which the caller frees with free();
 * on failure *out is NULL. */
BS_API bs_lib_status bs_step_sweep_render_string(const bs_step_sweep *sweep, const char *format,
                                                 char **out, size_t *len, bs_lib_error *err);

/* ---- handouts: a derivation followed with a spec's numbers ------------ */

/* How a handout walkthrough is rendered (docs/handouts.md); start from
 * bs_handout_settings_default() and name the handout. */
typedef struct bs_handout_settings {
    const char *handout; /* "000", "001" or "002" (required) */
    const char *format;  /* "text", "markdown", "latex", "html" or "json"; NULL: text */
    int precision;       /* significant digits (not JSON), 1 to 17; 0: 6 */
    int fragment;        /* latex: the body only, without the preamble */
    double lr;           /* α > 0 of the update W_{s+1} = W_s − α ∂ℒ/∂W_s; 0: 0.1 */
    const char *source;  /* the spec's name shown in the heading; NULL: the spec's file */
} bs_handout_settings;

/* Returns the default handout settings: no handout named, text, 6 digits,
 * α 0.1, the spec's own file as the source. */
BS_API bs_handout_settings bs_handout_settings_default(void);

/* Returns the name of the shipped spec handout `handout` ("000", "001" or
 * "002") uses by default, e.g. "4-3-2-1-bce", ready for bs_example_path; a
 * static string, or NULL for a name that is no handout. */
BS_API const char *bs_handout_spec_name(const char *handout);

/* Returns BS_LIB_OK when `spec` has the structure handout `handout` derives;
 * else BS_LIB_ERR_SPEC with the spec's file and one sentence saying what
 * differs ("handout 001 needs 3 layers with sigmoid, found 2"), or
 * BS_LIB_ERR_USAGE with "handout" in err->where for a name that is no handout. */
BS_API bs_lib_status bs_spec_fits_handout(const bs_spec *spec, const char *handout,
                                          bs_lib_error *err);

/* Writes the walkthrough of a handout on `run` to `fp` (not closed): every
 * equation of the handout in its own order and notation, with the run's
 * numbers, as `backstep handout` prints it.  A checked run's numbers are
 * those checked; an unchecked one is walked too.  A spec of another
 * structure is BS_LIB_ERR_SPEC as bs_spec_fits_handout says; a bad setting
 * is BS_LIB_ERR_USAGE with the setting in err->where; a failed write is
 * BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_run_handout(const bs_run *run, FILE *fp,
                                    const bs_handout_settings *settings, bs_lib_error *err);

/* The same into memory: on success *out holds the NUL-terminated text (its
 * length in *len when len is not NULL), which the caller frees with free();
 * on failure *out is NULL.  The text equals what bs_run_handout writes. */
BS_API bs_lib_status bs_run_handout_string(const bs_run *run,
                                           const bs_handout_settings *settings, char **out,
                                           size_t *len, bs_lib_error *err);

/* ---- training: gradient descent on a spec ------------------------------ */

/* How a spec is trained (docs/train.md); start from
 * bs_train_settings_default() and set the learning rate. */
typedef struct bs_train_settings {
    size_t steps;         /* N: full-batch updates, 1 to 10,000,000 (default 1) */
    double lr;            /* α: the learning rate, finite and > 0 (required) */
    size_t check_every;   /* K: the gradient is checked before the first step and after
                             every K-th step; 0 (default): before the first step only */
    const char *freeze;   /* parameters kept fixed, comma-separated ("b1,b2"), or NULL */
    const char *notation; /* "g", "partial" or "code" for names in the text; NULL: g */
    const bs_check_settings *check; /* how each gradient check runs (its progress is not
                                       used); NULL: the defaults */
    /* called after each step with the steps done so far and in all (for a
     * progress indicator), or NULL; ctx is progress_ctx */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_train_settings;

/* Returns the default train settings: 1 step, α 0 (to be set), checked
 * before the first step only, nothing frozen, g notation, default checks. */
BS_API bs_train_settings bs_train_settings_default(void);

/* A training run: the loss after every step, the gradient checks, why it
 * ended, and each parameter before, after the first step and at the end. */
typedef struct bs_training bs_training;

/* Trains a copy of `spec`'s parameters by full-batch gradient descent
 * (W ← W − α ∂L/∂W for every parameter at once), as `backstep train` does;
 * the spec is not modified, and the training borrows it.  A run that stops
 * early (the loss or a parameter not finite, the loss diverging) is not an
 * error: read bs_training_stop().  Bad settings (no α, too many steps, an
 * unknown name to freeze) are BS_LIB_ERR_USAGE with the spec's file and
 * the setting.  The caller frees *out with bs_training_free(). */
BS_API bs_lib_status bs_spec_train(const bs_spec *spec, const bs_train_settings *settings,
                                   bs_training **out, bs_lib_error *err);

/* Frees a training run; NULL is allowed. */
BS_API void bs_training_free(bs_training *t);

/* Returns the number of steps taken: N when training completed. */
BS_API size_t bs_training_steps(const bs_training *t);

/* Returns the loss after `step` steps (0: the initial parameters, up to
 * bs_training_steps()), or NaN past the last step taken. */
BS_API double bs_training_loss(const bs_training *t, size_t step);

/* Returns 1 when training completed and every gradient check passed, else 0. */
BS_API int bs_training_passed(const bs_training *t);

/* Returns why training ended: "completed", "loss_nonfinite", "diverged",
 * "param_nonfinite" or "gradient_nonfinite"; a static string. */
BS_API const char *bs_training_stop(const bs_training *t);

/* Returns one line on what stopped training early and its probable cause,
 * borrowed from the training, or "" when it completed. */
BS_API const char *bs_training_stop_message(const bs_training *t);

/* Returns the number of gradient checks made, and how many failed when
 * failed is not NULL. */
BS_API size_t bs_training_check_count(const bs_training *t, size_t *failed);

/* One parameter of a training run, in the displayed orientation of the
 * spec's convention; the arrays (rows×cols, row by row) are borrowed from
 * the training. */
typedef struct bs_trained_param {
    const char *name;       /* the spec's key: "W1", "b2" */
    size_t rows, cols;
    int frozen;             /* 1 when kept fixed */
    const double *before;   /* before the first step */
    const double *gradient; /* ∂L/∂(parameter) at the first step; NULL when no step was taken */
    const double *after;    /* after the first step; NULL when no step was taken */
    const double *final;    /* at the end of training */
} bs_trained_param;

/* Fills *out with the parameter called `name` ("W1", "W[1]", "b2", "dW1",
 * "g[1W]"); an unknown name is BS_LIB_ERR_USAGE with the name in err->where. */
BS_API bs_lib_status bs_training_param(const bs_training *t, const char *name,
                                       bs_trained_param *out, bs_lib_error *err);

/* Writes the one-line verdict of a training run (how it ended, the checks)
 * into buf (cut to size), numbers at `precision` significant digits (0: 6). */
BS_API void bs_training_verdict(const bs_training *t, int precision, char *buf, size_t size);

/* Writes a training run to `fp` (not closed) as `backstep train` does, in
 * `format`: "text" (NULL: the first update term by term, the losses, the
 * checks, the end), "json" (everything, the final "params" loadable into a
 * spec) or "csv" (step, loss); `precision` significant digits in text (0:
 * 6); `source` the spec's name in the heading (NULL: the spec's file).  A
 * bad setting is BS_LIB_ERR_USAGE; a failed write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_training_render(const bs_training *t, FILE *fp, const char *format,
                                        int precision, const char *source, bs_lib_error *err);

/* The same into memory: *out holds the NUL-terminated text (its length in
 * *len when len is not NULL), which the caller frees with free(); on
 * failure *out is NULL. */
BS_API bs_lib_status bs_training_render_string(const bs_training *t, const char *format,
                                               int precision, const char *source, char **out,
                                               size_t *len, bs_lib_error *err);

/* ---- reports of checks over several specs ------------------------------ */

/* One spec of a check report: its file name, and its checked run or, when
 * it could not be loaded or checked, the error that stopped it (run NULL).
 * Both are borrowed. */
typedef struct bs_report_entry {
    const char *file;
    const bs_run *run;
    const bs_lib_error *error;
} bs_report_entry;

/* Writes the report of `backstep check` on `n` entries to `fp` (not closed)
 * in `format`: "text" (NULL; one line per spec, which may be written entry
 * by entry), "json", "tap" (TAP 13) or "junit" (JUnit XML); `color` 1
 * colours the text verdicts.  An entry without a run is a failure, never a
 * pass.  A failed write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_report_write_file(FILE *fp, const char *format,
                                          const bs_report_entry *entries, size_t n, int color,
                                          bs_lib_error *err);

/* ---- comparing another program's gradients ------------------------------ */

/* Gradients computed by another program, given step by step, to compare
 * with a run. */
typedef struct bs_grad_set bs_grad_set;

/* Creates an empty gradient set for `run`, which it borrows and which must
 * outlive it.  The caller frees *out with bs_grad_set_free(). */
BS_API bs_lib_status bs_grad_set_create(const bs_run *run, bs_grad_set **out,
                                        bs_lib_error *err);

/* Gives the values of gradient `name` in any notation ("dz2", "g[2z]",
 * "dL/dz2", "∂L/∂z[2]"; "loss" for the loss): rows×cols doubles row by row
 * in the displayed orientation of the spec's convention, copied.  Its
 * transpose, and an unsummed bias gradient (one row per example), are taken
 * too; anything else, a name given twice, or a value that is not finite is
 * BS_LIB_ERR_SPEC with the name in err->where. */
BS_API bs_lib_status bs_grad_set_put(bs_grad_set *set, const char *name, const double *values,
                                     size_t rows, size_t cols, bs_lib_error *err);

/* Reads another program's gradients for `run` from the file at `path` ("-"
 * for standard input): a JSON object of named arrays or a NumPy .npz archive
 * (docs/compare.md), each checked as bs_grad_set_put checks it; bad input is
 * BS_LIB_ERR_SYNTAX or BS_LIB_ERR_SPEC with err->where the JSON path of the
 * offending value ("dz2[1][3]").  The caller frees *out with
 * bs_grad_set_free(). */
BS_API bs_lib_status bs_grad_set_load_file(const bs_run *run, const char *path,
                                           bs_grad_set **out, bs_lib_error *err);

/* Frees a gradient set; NULL is allowed. */
BS_API void bs_grad_set_free(bs_grad_set *set);

/* How gradients are compared. */
typedef struct bs_compare_settings {
    double rtol;          /* relative tolerance (default 1e-6) */
    double atol;          /* absolute tolerance (default 1e-9) */
    const char *notation; /* "g", "partial" or "code" for the report; NULL: that of
                             the first name given */
    const char *only;     /* the steps the set must give, comma-separated in any
                             notation ("dW2,db2"); NULL: dW and db of every layer */
} bs_compare_settings;

/* Returns the default compare settings: rtol 1e-6, atol 1e-9, the notation
 * of the first name given, dW and db of every layer required. */
BS_API bs_compare_settings bs_compare_settings_default(void);

/* The comparison of a gradient set with its run, step by step. */
typedef struct bs_comparison bs_comparison;

/* Compares the gradients of `set` with those of `run` (the run the set was
 * created for) in backward order; the first step that disagrees is where the
 * mistake entered, and the mistake catalogue names the mistake that
 * reproduces its numbers, as `backstep compare` does.  `settings` may be
 * NULL.  The comparison borrows the run; the caller frees *out with
 * bs_comparison_free(). */
BS_API bs_lib_status bs_run_compare(const bs_run *run, const bs_grad_set *set,
                                    const bs_compare_settings *settings, bs_comparison **out,
                                    bs_lib_error *err);

/* Frees a comparison; NULL is allowed. */
BS_API void bs_comparison_free(bs_comparison *cmp);

/* Returns 1 when the set gives dW and db of every layer (or the steps of
 * `only`) and every step given (and the loss, if given) agrees, else 0. */
BS_API int bs_comparison_agrees(const bs_comparison *cmp);

/* Returns 1 when the set does not agree but every difference is explained,
 * element by element, by a convention rather than a bug (a uniform factor,
 * where the 1/B enters, the orientation, the penalty's scale, …; the report
 * names it), else 0. */
BS_API int bs_comparison_convention(const bs_comparison *cmp);

/* What the comparison found for one step. */
typedef enum bs_outcome {
    BS_OUTCOME_NOT_GIVEN = 0, /* the set does not give this step */
    BS_OUTCOME_AGREES,        /* every element within the tolerances */
    BS_OUTCOME_DISAGREES,     /* a mistake enters here */
    BS_OUTCOME_INHERITS       /* wrong only because a step above it is wrong */
} bs_outcome;

/* One backward step of a comparison. */
typedef struct bs_compared_step {
    const char *name;          /* in the report's notation: "dz2" */
    const char *id;            /* canonical: "g[2z]" */
    bs_outcome outcome;
    size_t rows, cols;         /* backstep's displayed shape */
    size_t n_elements, n_wrong;
    double max_abs, max_rel;   /* largest differences over the elements */
    const char *mistake;       /* the catalogue key, e.g. "no-derivative", or NULL */
    const char *mistake_name;  /* e.g. "activation derivative left out", or NULL */
    const char *diagnosis;     /* one or two sentences on the mistake, or "" */
    const char *inherits_from; /* for BS_OUTCOME_INHERITS, the step whose error it carries */
} bs_compared_step;

/* Returns the number of backward steps compared (4 per layer), in backward order. */
BS_API size_t bs_comparison_step_count(const bs_comparison *cmp);

/* Returns the index of the first step that disagrees, or -1 when none does. */
BS_API long bs_comparison_first(const bs_comparison *cmp);

/* Fills *out with step `index` of the comparison; out of range is
 * BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_comparison_step(const bs_comparison *cmp, size_t index,
                                        bs_compared_step *out, bs_lib_error *err);

/* Fills *out with the step called `name` in any notation ("dz2", "g[2z]");
 * a name that is not a backward step is BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_comparison_find(const bs_comparison *cmp, const char *name,
                                        bs_compared_step *out, bs_lib_error *err);

/* Writes the report of `backstep compare` to `fp` (not closed): `format`
 * "text" (NULL) — a line per step, then the first disagreement and its
 * diagnosis — or "json".  A failed write is BS_LIB_ERR_IO. */
BS_API bs_lib_status bs_comparison_render(const bs_comparison *cmp, FILE *fp,
                                          const char *format, bs_lib_error *err);

/* The same into memory: *out holds the NUL-terminated report (its length in
 * *len when len is not NULL), which the caller frees with free(). */
BS_API bs_lib_status bs_comparison_render_string(const bs_comparison *cmp, const char *format,
                                                 char **out, size_t *len, bs_lib_error *err);

/* ---- grading an exercise set ---------------------------------------------- */

/* An exercise directory written by `backstep exercise` (docs/classroom.md),
 * opened for grading. */
typedef struct bs_exercise bs_exercise;

/* Opens the exercise directory `dir` (its exercise.json and the students'
 * variants).  Errors name the manifest and the JSON path.  The caller frees
 * *out with bs_exercise_free(). */
BS_API bs_lib_status bs_exercise_open(const char *dir, bs_exercise **out, bs_lib_error *err);

/* Frees an exercise; NULL is allowed.  Its gradings must be freed first. */
BS_API void bs_exercise_free(bs_exercise *x);

/* Returns the number of students on the exercise's roster. */
BS_API size_t bs_exercise_student_count(const bs_exercise *x);

/* How answers are graded; every field zero (or NULL) is the default. */
typedef struct bs_grade_settings {
    const char *policy;        /* "carry" or "strict"; NULL: the exercise's own */
    const char *weights;       /* the asked steps' weights, "dW1=2, db1=1"; NULL: 1 each */
    const char *weights_file;  /* or a file of them (read here); NULL: none */
    int hints;                 /* 1: feedback names a mistake without giving values */
    const char *resubmissions; /* several files of a student: "latest" (NULL), "first"
                                  or "error" */
} bs_grade_settings;

/* Returns the default grade settings: the exercise's policy, weights 1, the
 * answers in the feedback, the latest file of a student graded. */
BS_API bs_grade_settings bs_grade_settings_default(void);

/* Applies `settings` (NULL: the defaults) to the exercise before grading.
 * A bad weight list or file is BS_LIB_ERR_USAGE (or BS_LIB_ERR_IO) saying
 * where (file:line:column); an unknown name is BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_exercise_configure(bs_exercise *x, const bs_grade_settings *settings,
                                           bs_lib_error *err);

/* Returns 1 when a gradebook written to `out` would replace something
 * grading reads or writes (one of the n answers files, the manifest, a
 * variant, a feedback file, or a file that is not a gradebook), putting
 * that path into clash (cut to size) and what it is into *what (a static
 * string); else 0. */
BS_API int bs_exercise_output_clash(const bs_exercise *x, const char *out,
                                    const char *const *files, size_t n, char *clash,
                                    size_t size, const char **what);

/* Checks the answers file at `path` before it is handed in, without
 * grading: on success *report holds one line per problem (never a right
 * value; the caller frees it with free()) and *problems their number, 0
 * when the file is ready to hand in.  An unreadable file is an error. */
BS_API bs_lib_status bs_exercise_check_answers(bs_exercise *x, const char *path, char **report,
                                               size_t *problems, bs_lib_error *err);

/* The grades of a set of answers files: one row per roster student, then
 * the files that are no roster student's. */
typedef struct bs_grading bs_grading;

/* Grades the n answers files at `files` against the exercise (each step
 * against the student's own answers above it), as `backstep grade` does.
 * A file that cannot be graded is a row of its own, not an error.  The
 * grading borrows x and files; the caller frees *out with
 * bs_grading_free(). */
BS_API bs_lib_status bs_exercise_grade(bs_exercise *x, const char *const *files, size_t n,
                                       bs_grading **out, bs_lib_error *err);

/* Frees a grading; NULL is allowed. */
BS_API void bs_grading_free(bs_grading *g);

/* Returns the number of lines worth telling the grader: a file not graded
 * and why, a malformed step, a warning, a variant whose spec was edited, a
 * row in error. */
BS_API size_t bs_grading_message_count(const bs_grading *g);

/* Returns message i ("FILE: what"), borrowed from the grading, or NULL past
 * the last. */
BS_API const char *bs_grading_message(const bs_grading *g, size_t i);

/* Sets how many rows are graded, missing (nothing handed in), and other (to
 * look at: an error, a file not on the roster, a name and an id that
 * differ); any pointer may be NULL. */
BS_API void bs_grading_counts(const bs_grading *g, size_t *graded, size_t *missing,
                              size_t *other);

/* How the gradebook is written; every field NULL is the default. */
typedef struct bs_gradebook_settings {
    const char *format;     /* "csv" (NULL), "gradescope" (one submission), "canvas",
                               "moodle" */
    const char *visibility; /* gradescope: "visible" (NULL), "hidden", "after_due_date",
                               "after_published" */
    const char *assignment; /* canvas, moodle: the grade column; NULL: the spec's name */
} bs_gradebook_settings;

/* Writes the gradebook into memory: *out holds the NUL-terminated text (its
 * length in *len when len is not NULL), which the caller frees with
 * free(). */
BS_API bs_lib_status bs_grading_gradebook(const bs_grading *g,
                                          const bs_gradebook_settings *settings, char **out,
                                          size_t *len, bs_lib_error *err);

/* Writes the class summary (Markdown: per asked step who got it right, left
 * it out, made which mistake; the rows not graded) into memory, as
 * bs_grading_gradebook. */
BS_API bs_lib_status bs_grading_summary(const bs_grading *g, char **out, size_t *len,
                                        bs_lib_error *err);

/* Returns the number of feedback files (DIR/feedback/<id>.md, one per
 * roster student graded or in error). */
BS_API size_t bs_grading_feedback_count(const bs_grading *g);

/* Writes feedback file i under the exercise directory, atomically, creating
 * feedback/ as needed and refusing to replace any of the nkeep files
 * `keep`; each file is written on its own, so one that fails loses nothing
 * else.  Out of range is BS_LIB_ERR_USAGE. */
BS_API bs_lib_status bs_grading_write_feedback(const bs_grading *g, size_t i,
                                               const char *const *keep, size_t nkeep,
                                               bs_lib_error *err);

/* ---- building an exercise set (or adding students to one) ----------------- */

/* A class list (roster): the students' ids, in order. */
typedef struct bs_class_list bs_class_list;

/* Reads the class list at `path` ("-" for standard input): one id per line,
 * or a CSV file with an "id", "student" or "student_id" column
 * (docs/classroom.md); ids are unique whatever their case.  Every bad line
 * is reported: the first `max` errors go into errs[0 … max−1] (errs may be
 * NULL when max is 0), each with the file and "line N" in where, and their
 * number into *nerrs (may be NULL); an unreadable file is one error.
 * Returns the first error's status, or BS_LIB_OK with *out a list the caller
 * frees with bs_class_list_free(). */
BS_API bs_lib_status bs_class_list_load(const char *path, bs_class_list **out,
                                        bs_lib_error *errs, size_t max, size_t *nerrs);

/* Frees a class list; NULL is allowed. */
BS_API void bs_class_list_free(bs_class_list *list);

/* Returns the number of students on the list. */
BS_API size_t bs_class_list_count(const bs_class_list *list);

/* Returns the id of student i (from 0), borrowed from the list, or NULL past
 * the last. */
BS_API const char *bs_class_list_id(const bs_class_list *list, size_t i);

/* What is at a path: nothing, an empty directory, a directory with
 * something in it, or something that is not a directory. */
typedef enum bs_path_state {
    BS_PATH_MISSING = 0,
    BS_PATH_EMPTY_DIR,
    BS_PATH_FULL_DIR,
    BS_PATH_NOT_DIR
} bs_path_state;

/* Returns what is at `path`, e.g. to refuse writing an exercise set into a
 * directory that is not empty. */
BS_API bs_path_state bs_lib_path_state(const char *path);

/* How an exercise set is built; start from bs_exercise_settings_default(). */
typedef struct bs_exercise_settings {
    unsigned long long seed; /* the seed the students' numbers are drawn from, with
                                their ids (default 1) */
    int digits;              /* decimals of each student's numbers, 1 to 4; 0: 2 */
    const char *notation;    /* "g", "partial" or "code" on the sheets and in
                                answers.json; NULL: g */
    const char *steps;       /* the steps asked, comma-separated in any notation
                                ("g[2z],dW2"); NULL: every backward step */
    const char *formats;     /* the sheets and keys written, "markdown,latex,html" or
                                some of them; NULL: all three */
    const char *policy;      /* "carry" (NULL) or "strict": how grade marks a step
                                below a wrong one, said on the sheet */
    const char *source;      /* the spec's name in the manifest; NULL: its file name
                                without the directory ("<stdin>" for standard input) */
    /* called before each student with the students done so far and in all
     * (for a progress indicator), or NULL; ctx is progress_ctx */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} bs_exercise_settings;

/* Returns the default exercise settings: seed 1, 2 decimals, g notation,
 * every backward step, Markdown, LaTeX and HTML, the carry policy. */
BS_API bs_exercise_settings bs_exercise_settings_default(void);

/* Returns BS_LIB_OK when `settings` can build an exercise set, as far as
 * can be told without the spec (the steps are checked against it by
 * bs_spec_exercise): digits 0 to 4, a known notation, formats and policy;
 * else BS_LIB_ERR_USAGE with the setting ("digits", "notation", "formats",
 * "policy") in err->where and why in err->message. */
BS_API bs_lib_status bs_exercise_settings_validate(const bs_exercise_settings *settings,
                                                   bs_lib_error *err);

/* The files of an exercise set (or of students added to one), built in
 * memory and not yet written. */
typedef struct bs_exercise_files bs_exercise_files;

/* Builds the exercise set of `spec` for the students of `list`, as
 * `backstep exercise` does (docs/classroom.md): each student's variant of
 * the spec, sheet, answers skeleton and key, the folders to hand out, the
 * booklets (with HTML), key/summary.csv and the manifest exercise.json.
 * `settings` may be NULL.  A bad setting is BS_LIB_ERR_USAGE with the
 * setting in err->where; a student whose variant cannot be drawn is named
 * in err->where ("id ann").  The caller frees *out with
 * bs_exercise_files_free(). */
BS_API bs_lib_status bs_spec_exercise(const bs_spec *spec, const bs_class_list *list,
                                      const bs_exercise_settings *settings,
                                      bs_exercise_files **out, bs_lib_error *err);

/* Builds the files that add the students of `more` to the opened exercise
 * set x, with its own spec, seed and settings: the new students' files, the
 * booklets rewritten whole, key/summary.csv and exercise.json; the other
 * students' files are not in it.  An id already in the set is
 * BS_LIB_ERR_SPEC naming the list's file and line.  The caller frees *out
 * with bs_exercise_files_free(). */
BS_API bs_lib_status bs_exercise_add_students(const bs_exercise *x, const bs_class_list *more,
                                              bs_exercise_files **out, bs_lib_error *err);

/* Frees built files; NULL is allowed. */
BS_API void bs_exercise_files_free(bs_exercise_files *files);

/* Returns the number of files built. */
BS_API size_t bs_exercise_files_count(const bs_exercise_files *files);

/* Returns the path of file i relative to the exercise directory
 * ("ann/sheet.md"), borrowed from the files, or NULL past the last. */
BS_API const char *bs_exercise_files_path(const bs_exercise_files *files, size_t i);

/* Writes the files under directory `dir` (created as needed), each
 * atomically, refusing (before anything is written) to replace any of the
 * nkeep files `keep` (keep may be NULL when nkeep is 0).  A new set first
 * removes an old dir/exercise.json, so that a write that stops halfway
 * leaves a directory grading refuses; an addition replaces the manifest
 * last.  Errors are BS_LIB_ERR_IO (BS_LIB_ERR_USAGE for a kept file) with
 * err->file the file. */
BS_API bs_lib_status bs_exercise_files_write(const bs_exercise_files *files, const char *dir,
                                             const char *const *keep, size_t nkeep,
                                             bs_lib_error *err);

#ifdef __cplusplus
}
#endif

#endif
