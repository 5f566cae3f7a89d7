/* bench_check.c — parameters checked per second by the numerical check of
 * every weight and bias of a spec (default: handout 002's 784-200-100-10
 * network, B = 32), on the plain path and on the incremental path, with one
 * thread per processor.  Run with `meson test -C BUILD --benchmark`.
 *
 *   bench_check [SPEC [STRIDE [THREADS]]]
 *
 * The plain path takes minutes on all 178,110 parameters, so it is timed on
 * every STRIDE-th parameter (default 89: 2,002 of them); the incremental
 * path on all of them.  Both use the central difference with the default
 * steps.  Then the directional mode (--directions N, bs_directions.h)
 * with N = 1, 4 and 16 directions per matrix: the directional check of all
 * six matrices, counted as all 178,110 parameters checked.  Prints each
 * run's wall time and processor time (the sum over threads, less disturbed
 * by other work on the machine), the best of three runs of each and the
 * ratios of the rates. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bs_check.h"
#include "bs_directions.h"
#include "bs_forward.h"
#include "bs_net.h"
#include "bs_numeric.h"
#include "bs_parallel.h"
#include "bs_trace.h"

static double clock_of(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_of(CLOCK_MONOTONIC); }

/* The seconds of the best of `runs` runs over items[0, n). */
static double best(const bs_net *net, const bs_forward *fw, int plain, size_t threads,
                   bs_numeric_item *items, size_t n, int runs)
{
    double b = 1e300;
    bs_numeric_speed sp = {plain, threads};
    for (int r = 0; r < runs; r++) {
        bs_error err;
        bs_error_clear(&err);
        double t0 = now(), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
        if (bs_numeric_run(net, fw, BS_METHOD_CENTRAL, 0.0, &sp, items, n, NULL, NULL, &err) !=
            BS_OK) {
            fprintf(stderr, "bench_check: %s\n", err.message);
            exit(1);
        }
        double t = now() - t0, c = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
        printf("    run %d: %.3f s, %.3f s of processor time\n", r + 1, t, c);
        b = t < b ? t : b;
    }
    return b;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "specs/mnist-784-200-100-10.json";
    size_t stride = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 89;
    size_t threads = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : bs_parallel_cpus();
    bs_net *net = NULL;
    bs_forward *fw = NULL;
    bs_error err;
    bs_error_clear(&err);
    if (bs_net_load_file(path, NULL, &net, &err) != BS_OK ||
        bs_forward_run(net, &fw, &err) != BS_OK) {
        fprintf(stderr, "bench_check: %s: %s\n", path, err.message);
        return 1;
    }
    size_t count = bs_net_param_count(net), n = 0, sub = 0;
    bs_numeric_item *all = calloc(count, sizeof *all), *some = calloc(count, sizeof *some);
    if (!all || !some)
        return 1;
    for (size_t l = 1; l <= net->L; l++)
        for (int bias = 0; bias < 2; bias++) {
            size_t size = bias ? net->n[l] : net->n[l - 1] * net->n[l];
            for (size_t k = 0; k < size; k++, n++) {
                all[n].q = bias ? BS_Q_B : BS_Q_W;
                all[n].layer = l;
                all[n].k = k;
                if (n % stride == 0)
                    some[sub++] = all[n];
            }
        }
    printf("%s: %zu parameters, %zu threads\n", path, count, threads);
    printf("  plain path, %zu parameters (every %zu-th):\n", sub, stride);
    double tp = best(net, fw, 1, threads, some, sub, 3);
    printf("  incremental path, all %zu parameters:\n", n);
    double ti = best(net, fw, 0, threads, all, n, 3);
    double rp = (double)sub / tp, ri = (double)n / ti;
    printf("plain:       %10.0f parameters/s (all %zu would take %.1f s)\n", rp, n,
           (double)n / rp);
    printf("incremental: %10.0f parameters/s (all %zu in %.3f s)\n", ri, n, ti);
    printf("ratio:       %10.1f\n", ri / rp);
    bs_trace *t = NULL;
    if (bs_trace_build(net, &t, &err) != BS_OK) {
        fprintf(stderr, "bench_check: %s\n", err.message);
        return 1;
    }
    const size_t ns[] = {1, 4, 16};
    for (size_t i = 0; i < 3; i++) {
        bs_check_opts o = bs_check_defaults(BS_METHOD_CENTRAL);
        o.threads = threads;
        printf("  directional mode, %zu direction%s per matrix:\n", ns[i], ns[i] > 1 ? "s" : "");
        double b = 1e300;
        for (int r = 0; r < 3; r++) {
            bs_directions *d = NULL;
            double t0 = now(), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
            if (bs_directions_run(t, &o, ns[i], &d, &err) != BS_OK) {
                fprintf(stderr, "bench_check: %s\n", err.message);
                return 1;
            }
            double w = now() - t0, c = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
            printf("    run %d: %.4f s, %.4f s of processor time, %zu directions failed\n", r + 1,
                   w, c, d->n_failed);
            b = w < b ? w : b;
            bs_directions_free(d);
        }
        double rd = (double)n / b;
        printf("directional (N = %2zu): %10.0f parameters/s (all %zu in %.4f s), %.0f× the "
               "incremental rate, %.0f× the plain\n",
               ns[i], rd, n, b, rd / ri, rd / rp);
    }
    bs_trace_free(t);
    free(all);
    free(some);
    bs_forward_free(fw);
    bs_net_free(net);
    return 0;
}
