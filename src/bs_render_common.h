/* bs_render_common.h — small helpers shared by the renderers. */
#ifndef BS_RENDER_COMMON_H
#define BS_RENDER_COMMON_H

#include <stddef.h>

#include "bs_render.h"

/* Formats a number with `prec` significant digits ("%.*g"); non-finite
 * values as "nan", "inf", "-inf". */
void bs_fmt_num(char *buf, size_t size, double v, int prec);

/* Formats a count with thousands separators: 178110 → "178,110". */
void bs_fmt_count(char *buf, size_t size, size_t v);

/* The number of terminal columns a UTF-8 string takes (one per character). */
size_t bs_text_width(const char *s);

/* Writes the batch loss formula, e.g. "L = (1/B) Σ_i ℓ(ŷ_i, y_i) + λ Σ_n ‖W[n]‖²". */
void bs_loss_formula(bs_sink *s, const bs_net *net);

/* The verdict word of a checked trace: "pass", "fail" or "non-finite". */
const char *bs_verdict_word(const bs_trace *t);

#endif
