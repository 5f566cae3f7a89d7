/* bs_render_npz.h — the NumPy renderer. */
#ifndef BS_RENDER_NPZ_H
#define BS_RENDER_NPZ_H

#include "bs_render_common.h"

/* The NumPy renderer: an .npz archive (np.load) of the parameters in the
 * spec's convention (W1, b1, …), the batch (x, y) and every step's values as
 * the trace displays them, named in code notation (z1, a1, …, yhat, loss,
 * da2, dz2, dW2, db2, …).  Binary, the same bytes for the same trace. */
void bs_render_npz(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
