/* bs_render_common.h — small helpers shared by the renderers. */
#ifndef BS_RENDER_COMMON_H
#define BS_RENDER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "bs_render.h"

/* Formats a number with `prec` significant digits ("%.*g"); non-finite
 * values as "nan", "inf", "-inf". */
void bs_fmt_num(char *buf, size_t size, double v, int prec);

/* Formats a number as an operand of a line of arithmetic a calculator can
 * follow: a negative number carries the operators' minus sign (−0.2, not
 * -0.2; the exponent keeps e-05) and, when `paren` is set (after a binary
 * operator, or as a factor of a product), brackets: "(−0.2)". */
void bs_fmt_operand(char *buf, size_t size, double v, int prec, int paren);

/* Formats a count with thousands separators: 178110 → "178,110". */
void bs_fmt_count(char *buf, size_t size, size_t v);

#define BS_MATRIX_MAX_SHOWN 8 /* matrices up to this many rows/columns are shown whole */
#define BS_MATRIX_EDGE 3      /* of larger ones, this many at each end */
#define BS_MATRIX_GAP SIZE_MAX /* the gap between the ends, in bs_matrix_shown */

/* Writes to idx (room for BS_MATRIX_MAX_SHOWN + 1) which rows or columns of
 * `count` a matrix shows: all, or the ends with BS_MATRIX_GAP between them. */
size_t bs_matrix_shown(size_t count, size_t *idx);

/* The number of terminal columns a UTF-8 string takes (one per character). */
size_t bs_text_width(const char *s);

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

#endif
