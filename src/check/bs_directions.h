/* bs_directions.h — the directional check of the parameter matrices
 * (`--directions N`).
 *
 * For each parameter matrix θ = W[n] or b[n], N directions v are drawn, unit
 * vectors with Gaussian entries: u_i standard normal (bs_rng_normal) from
 * stream 2³²·(1 + s) + j of the seed 0x6261636b73746570 ("backstep" in
 * ASCII), s the trace index of the step g[nW] or g[nb] and j = 0 … N − 1
 * the direction, then v = u / ‖u‖.  The u_i come from Marsaglia's polar
 * method as in bs_rng_normal, but both deviates of each accepted pair are
 * kept: u_1 = a·f, u_2 = b·f, u_3 = a'·f', … in stored (row-convention)
 * order.  The directional derivative of the loss,
 *   D_v L = lim (L(θ + h v) − L(θ − h v)) / 2h,
 * is computed numerically by the method of the check (the default central
 * difference chooses its step and error bar as for one entry, the step
 * being that of the matrix's largest entry), and compared with the analytic
 * gradient projected on v, g·v = Σ_i g_i v_i, under the verdict of one
 * element (agree, disagree, unresolved, or at a kink the one-sided
 * differences).  A matrix any of whose directions fails is then checked
 * element by element, which names the elements that are wrong.
 *
 * One loss evaluation along a direction costs one forward pass of the batch
 * from layer n; drawing v and Δz = a[n−1]·V cost one product of the layer,
 * once per direction.  docs/numerics.md has the details.
 */
#ifndef BS_DIRECTIONS_H
#define BS_DIRECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "bs_error.h"
#include "bs_numeric.h"
#include "bs_trace.h"

/* The seed of the directions: "backstep" in ASCII, as for sampling. */
#define BS_DIR_SEED UINT64_C(0x6261636b73746570)

/* One direction of one matrix. */
typedef struct bs_dir_one {
    double analytic;      /* g·v */
    bs_numeric_item num;  /* the numerical directional derivative, its error bar and step */
    bs_verdict verdict;   /* agree, disagree, unresolved, kink-consistent, kink-inconsistent */
} bs_dir_one;

/* The directional check of one parameter matrix. */
typedef struct bs_dir_matrix {
    size_t step;          /* the trace index of its step, g[nW] or g[nb] */
    size_t count;         /* entries of the matrix */
    size_t n;             /* directions */
    bs_dir_one *dir;      /* n of them */
    size_t n_agree, n_disagree, n_unresolved, n_kink_ok, n_kink_bad;
    size_t n_failed;      /* directions that fail the check */
    double max_rel_error; /* largest |g·v − D_v| / max(|g·v|, |D_v|), kinks left out */
    size_t worst;         /* the direction with it */
    int elementwise;      /* 1 when some direction failed or is unresolved: the matrix was then
                             checked element by element */
} bs_dir_matrix;

/* The directional check of every parameter matrix of a trace. */
typedef struct bs_directions {
    size_t n;             /* directions per matrix */
    bs_dir_matrix *m;     /* one per parameter step, in trace order */
    size_t count;
    size_t n_failed;      /* failed directions over all matrices */
    size_t n_unresolved;  /* unresolved directions over all matrices */
} bs_directions;

/* Fills v[0 … count) with direction j of the matrix of trace step s: a unit
 * vector with Gaussian entries from stream 2³²·(1 + s) + j of BS_DIR_SEED
 * (see above).  Gives the same bits on every machine. */
void bs_directions_draw(size_t s, size_t j, size_t count, double *v);

/* Checks every parameter matrix of the trace along n directions, by the
 * method, step and tolerances of o (o->threads threads; 0: one per
 * processor), comparing with the trace's analytic values (displayed
 * orientation, mapped to the stored entries).  The caller frees *out with
 * bs_directions_free().  Returns BS_OK, or BS_ERR_NOMEM with err set. */
bs_status bs_directions_run(const bs_trace *t, const bs_check_opts *o, size_t n,
                            bs_directions **out, bs_error *err);

/* Frees a directional check; NULL is allowed. */
void bs_directions_free(bs_directions *d);

/* The directional check of trace step s, or NULL when d is NULL or the step
 * is not a parameter matrix. */
const bs_dir_matrix *bs_directions_find(const bs_directions *d, size_t s);

#endif
