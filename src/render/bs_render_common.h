/* bs_render_common.h — the options of every renderer and the helpers they
 * share: verdict lines, failures, counts, which rows a check shows. */
#ifndef BS_RENDER_COMMON_H
#define BS_RENDER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "bs_fmt.h"
#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_trace.h"

typedef enum bs_format {
    BS_FORMAT_TEXT = 0, /* for people at a terminal */
    BS_FORMAT_JSON,     /* for programs (docs/json-output.md) */
    BS_FORMAT_MARKDOWN, /* GitHub-flavoured Markdown with $…$ math */
    BS_FORMAT_LATEX,    /* a LaTeX document (or its body, with fragment) */
    BS_FORMAT_HTML,     /* one self-contained page: MathML, inline CSS and SVG */
    BS_FORMAT_DOT,      /* a Graphviz diagram of the network */
    BS_FORMAT_NPZ       /* NumPy arrays: an .npz archive (binary) */
} bs_format;

/* Names of the formats, NULL-terminated, in bs_format order. */
extern const char *const bs_format_names[];

typedef struct bs_render_opts {
    bs_format format;
    bs_notation notation;
    int precision;       /* significant digits in text (JSON always prints 17) */
    const char *source;  /* the spec's file name, shown in the header, or NULL */
    int terms;           /* 1: expand elements term by term (bs_terms.h) */
    int explain;         /* 1: say why each step is what it is (bs_explain.h) */
    int fragment;        /* LaTeX: the body only, without preamble */
} bs_render_opts;

/* Returns default options: text, g notation, 6 digits. */
bs_render_opts bs_render_defaults(void);

/* Writes the batch loss formula, e.g. "L = (1/B) Σ_i ℓ(ŷ_i, y_i) + λ Σ_n ‖W[n]‖²". */
void bs_loss_formula(bs_sink *s, const bs_net *net);

/* The verdict word of a checked trace: "pass", "fail" or "non-finite". */
const char *bs_verdict_word(const bs_trace *t);

/* The relative error of element k of a checked step: |a − n| / max(|a|, |n|). */
double bs_element_rel_error(const bs_step *st, size_t k);

/* 1 when element k of a checked step fails: it disagrees, sits at a kink
 * inconsistently, or (strict) is unresolved. */
int bs_element_disagrees(const bs_trace *t, const bs_step *st, size_t k);

/* The mark of element k's verdict in a check table: "✓", "✗", "? unresolved"
 * ("✗ unresolved" when strict), "✓ kink", "✗ kink"; "" when not compared. */
const char *bs_verdict_mark(const bs_trace *t, const bs_step *st, size_t k);

/* The directional check of a trace as a JSON object, or null when it was
 * not run: per matrix the counts, the largest relative error, whether it
 * was checked element by element and, with detail, every direction's g·v,
 * numerical value, error bar, step and verdict (docs/json-output.md). */
void bs_render_directions_json(bs_sink *s, const bs_trace *t, bs_notation nt, int detail);

/* Writes the counts of a verdict: "5 agree, 1 disagree, 0 unresolved", then
 * ", 2 at a kink (consistent)" and ", 1 at a kink (inconsistent)" when not 0. */
void bs_render_counts(bs_sink *s, size_t agree, size_t disagree, size_t unresolved,
                      size_t kink_ok, size_t kink_bad);

/* Writes to idx the compared elements a check table lists, at most `limit`, in index
 * order or (worst_first) the worst, the failures, then the others; returns how many. */
size_t bs_check_rows(const bs_trace *t, const bs_step *st, int worst_first, size_t limit,
                     size_t *idx);

/* Writes the one-line verdict of a checked trace, e.g. "PASS  41 of 41
 * elements compared (central), largest relative error 2.3e-10 at
 * g[1W][2,3]", with the counts of agree, disagree, unresolved and kinks when
 * not every element agrees, without a newline.  Used by the text renderer
 * and by `backstep check`. */
void bs_render_verdict(bs_sink *s, const bs_trace *t, bs_notation nt);

/* In the code notation only: writes, without a newline, the line saying
 * what handout 002's program holds under the step's name where that differs
 * from the step (bs_step_program_value), e.g. "handout 002's program holds
 * B = 4 times this in dz2: it never divides by B (Notes 2–4), so there
 * dz2[1,1] = 0.0832", and returns 1; writes nothing and returns 0 otherwise. */
int bs_render_program_line(bs_sink *s, const bs_trace *t, const bs_step *st, bs_notation nt,
                           int precision);

/* Writes the message of a failed check without a newline: the element that
 * decides it by its 1-based index, "analytic" and "numeric" with its error
 * bar, their ratio when it is −1, 2, 1/2, B or 1/B, and which side is wrong
 * (the gaps at h, h/4, h/16, h/64), or the kink's one-sided differences. */
void bs_render_failure(bs_sink *s, const bs_trace *t, bs_notation nt);

#endif
