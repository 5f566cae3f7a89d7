/* bs_parallel.c — a loop over independent items, spread over POSIX threads. */
#define _POSIX_C_SOURCE 200809L
#include "bs_parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

size_t bs_parallel_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

typedef struct shared {
    size_t n, chunk;
    atomic_size_t next, done;
    void (*work)(void *ctx, size_t t, size_t begin, size_t end);
    void *ctx;
} shared;

typedef struct worker {
    shared *s;
    size_t t;
} worker;

/* Takes chunks until none is left; returns 0 when there was nothing to do. */
static int take(shared *s, size_t t)
{
    size_t begin = atomic_fetch_add(&s->next, s->chunk);
    if (begin >= s->n)
        return 0;
    size_t end = s->n - begin < s->chunk ? s->n : begin + s->chunk;
    s->work(s->ctx, t, begin, end);
    atomic_fetch_add(&s->done, end - begin);
    return 1;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    while (take(w->s, w->t))
        ;
    return NULL;
}

size_t bs_parallel_for(size_t n, size_t chunk, size_t threads,
                       void (*work)(void *ctx, size_t t, size_t begin, size_t end),
                       void *ctx, void (*progress)(void *pctx, size_t done, size_t total),
                       void *progress_ctx)
{
    if (chunk == 0)
        chunk = 1;
    size_t chunks = (n + chunk - 1) / chunk;
    if (threads > chunks)
        threads = chunks;
    if (threads == 0)
        threads = 1;
    shared s;
    s.n = n;
    s.chunk = chunk;
    atomic_init(&s.next, 0);
    atomic_init(&s.done, 0);
    s.work = work;
    s.ctx = ctx;
    pthread_t *ids = threads > 1 ? malloc(sizeof *ids * (threads - 1)) : NULL;
    worker *ws = threads > 1 ? malloc(sizeof *ws * (threads - 1)) : NULL;
    size_t started = 0;
    if (ids && ws)
        for (size_t t = 1; t < threads; t++) {
            ws[started].s = &s;
            ws[started].t = t;
            if (pthread_create(&ids[started], NULL, run_worker, &ws[started]) != 0)
                break;
            started++;
        }
    while (take(&s, 0))
        if (progress)
            progress(progress_ctx, atomic_load(&s.done), n);
    for (size_t t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    free(ids);
    free(ws);
    return started + 1;
}
