/* bs_fmt.h — numbers and counts as people read them, and which rows of a
 * large matrix are shown.  Every format prints its numbers through these. */
#ifndef BS_FMT_H
#define BS_FMT_H

#include <stddef.h>
#include <stdint.h>

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

#endif
