/* bs_checked.h — a spec's trace built and checked in one call.
 *
 * Every caller that turns a spec into a verified trace (the command line,
 * the public API, the exercise and its variants, the scaffolding of a new
 * spec, training, grading) does the same three things: load the network,
 * build its trace (forward pass and backpropagation), and check it against
 * the numerical gradient.  These functions do them in that order and stop
 * at the first error, freeing what they made.
 */
#ifndef BS_CHECKED_H
#define BS_CHECKED_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_net.h"
#include "bs_trace.h"

/* Builds the trace of `net` (borrowed; it must outlive the trace) and, when
 * `opts` is not NULL, checks it with those options (bs_trace_check; NULL:
 * built only).  On success the caller frees *out with bs_trace_free(); on
 * failure *out is NULL and err says why. */
bs_status bs_checked_trace(const bs_net *net, const bs_check_opts *opts, bs_trace **out,
                           bs_error *err);

/* Loads a network from `len` bytes of spec text (`name` stands for the file
 * in errors; `limits` NULL for the defaults) and builds and checks its trace
 * as bs_checked_trace.  On success the caller frees *out with
 * bs_trace_free() and then *net with bs_net_free(); on failure both are NULL. */
bs_status bs_checked_string(const char *text, size_t len, const char *name,
                            const bs_limits *limits, const bs_check_opts *opts, bs_net **net,
                            bs_trace **out, bs_error *err);

#endif
