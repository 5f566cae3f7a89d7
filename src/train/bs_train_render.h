/* bs_train_render.h — a training run (bs_train.h) as text, JSON and CSV. */
#ifndef BS_TRAIN_RENDER_H
#define BS_TRAIN_RENDER_H

#include "bs_sink.h"
#include "bs_train.h"

/* Output formats of a training run. */
typedef enum bs_train_format {
    BS_TRAIN_TEXT = 0, /* the first update term by term, the losses, the checks, the end */
    BS_TRAIN_JSON,     /* everything, the final "params" loadable into a spec */
    BS_TRAIN_CSV       /* one row per step: step, loss */
} bs_train_format;

/* Names of the formats, in bs_train_format order, NULL-terminated. */
extern const char *const bs_train_format_names[];

/* Renders a training run in a format; `source` is the spec's file name shown
 * in the output (or NULL) and `precision` the significant digits of text
 * (JSON and CSV always print 17).  Returns -1 if the sink failed, else 0. */
int bs_train_render(bs_sink *s, const bs_train *t, bs_train_format format,
                    const char *source, int precision);

/* The text renderer: the first update element by element ("W_{1,1}[2] = 0.4 −
 * 0.5 × 0.0821670 = 0.358916"), the loss of a readable selection of steps and a
 * sparkline of all of them, the gradient checks, the final loss and
 * parameters, and a closing line saying whether training completed. */
void bs_train_render_text(bs_sink *s, const bs_train *t, const char *source, int precision);

/* The JSON renderer (docs/train.md): options, the first update, every loss,
 * the checks, how training ended, and the final parameters as "params". */
void bs_train_render_json(bs_sink *s, const bs_train *t, const char *source);

/* The CSV renderer: a header "step,loss" and one row per step 0 … steps_done. */
void bs_train_render_csv(bs_sink *s, const bs_train *t);

/* Writes the one-line summary of a run without a newline, e.g. "TRAINED  10000
 * steps, loss 0.298371 → 3.51019e-05; 2 of 2 gradient checks passed", or
 * "STOPPED at step 7: …". */
void bs_train_verdict(bs_sink *s, const bs_train *t, int precision);

#endif
