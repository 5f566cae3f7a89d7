/* bs_parallel.h — a loop over independent items, spread over threads.
 *
 * Items are handed out in chunks, in increasing order, to whichever thread
 * is free; since every item is computed by one call that depends on nothing
 * but the item, the results do not depend on the number of threads or on
 * which thread computed what.
 */
#ifndef BS_PARALLEL_H
#define BS_PARALLEL_H

#include <stddef.h>

/* The number of processors online (at least 1). */
size_t bs_parallel_cpus(void);

/* Calls work(ctx, t, begin, end) for consecutive ranges [begin, end) that
 * cover [0, n) once, in chunks of `chunk` items, on `threads` threads
 * numbered t = 0 … threads − 1 (thread 0 is the caller's; at most one thread
 * per chunk).  progress, when not NULL, is called from the caller's thread
 * only, now and then, with the items done so far and n.  When a thread
 * cannot be started, its share is done by the others.  Returns the number of
 * threads that ran. */
size_t bs_parallel_for(size_t n, size_t chunk, size_t threads,
                       void (*work)(void *ctx, size_t t, size_t begin, size_t end),
                       void *ctx, void (*progress)(void *pctx, size_t done, size_t total),
                       void *progress_ctx);

#endif
