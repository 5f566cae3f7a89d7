/* bs_loss.h — loss functions, registered in one table.
 *
 * A loss is defined per example, ℓ(ŷ, y); the batch loss is
 * L = r Σ_i ℓ(ŷ_i, y_i) + λ Σ_n ‖W[n]‖²_F with r = 1/B ("mean") or 1 ("sum").
 * Some output activation and loss pairs are also registered as fused pairs:
 * their loss is evaluated from the pre-activations z (softplus, log-sum-exp),
 * which stays finite when ŷ rounds to 0 or 1, and some have the handout's
 * shortcut g[z] = ŷ − y.
 */
#ifndef BS_LOSS_H
#define BS_LOSS_H

#include <complex.h>
#include <stddef.h>

#include "bs_act.h"

typedef struct bs_loss {
    const char *name; /* as written in a spec: "bce" */
    /* ℓ(ŷ, y) for one example of n outputs */
    double (*value_d)(const double *yhat, const double *y, size_t n);
    /* the same in complex arithmetic (y stays real) */
    double complex (*value_c)(const double complex *yhat, const double *y, size_t n);
    /* g = ∂ℓ/∂ŷ for one example */
    void (*grad)(const double *yhat, const double *y, double *g, size_t n);
    /* ℓ in words of mathematics, e.g. "½ Σ_j (y_j − ŷ_j)²" */
    const char *math;
    /* 1 when targets must lie in [0, 1] */
    int targets_unit;
    /* 1 when each target row must be a probability vector (Σ_j y_j = 1) */
    int targets_simplex;
} bs_loss;

/* An output activation and loss evaluated together from z. */
typedef struct bs_fused {
    const char *activation;
    const char *loss;
    /* ℓ from the output pre-activations z of one example */
    double (*value_d)(const double *z, const double *y, size_t n);
    double complex (*value_c)(const double complex *z, const double *y, size_t n);
    /* 1 when ∂ℓ/∂z = ŷ − y exactly, so the trace may use the shortcut */
    int shortcut;
    /* the one-line reason for the shortcut, as the trace prints it */
    const char *note;
} bs_fused;

/* The registry, in a fixed order, ending with NULL. */
extern const bs_loss *const bs_losses[];

/* Names of the registered losses, NULL-terminated (for suggestions). */
extern const char *const bs_loss_names[];

/* Returns the loss called `name`, or NULL. */
const bs_loss *bs_loss_find(const char *name);

/* Returns the fused form of this output activation and loss, or NULL. */
const bs_fused *bs_fused_find(const bs_activation *act, const bs_loss *loss);

#endif
