/* bs_act.h — activation functions, registered in one table.
 *
 * Each entry pairs a forward function with its derivative.  Elementwise
 * activations act on each pre-activation alone; softmax acts on one example's
 * row at a time and its derivative is a full Jacobian, applied here as the
 * vector-Jacobian product g[z] = J(z)ᵀ g[a].
 */
#ifndef BS_ACT_H
#define BS_ACT_H

#include <complex.h>
#include <stddef.h>

typedef struct bs_activation {
    const char *name;  /* as written in a spec: "sigmoid" */
    int elementwise;   /* 1 for all but softmax */
    int kink;          /* 1 where f is not differentiable at z = 0 */
    int unit_interval; /* 1 when every output lies in (0, 1) */
    /* a = f(z) for one example's n pre-activations */
    void (*forward_d)(const double *z, double *a, size_t n);
    /* the same in complex arithmetic, for the complex-step method */
    void (*forward_c)(const double complex *z, double complex *a, size_t n);
    /* g[z] = J_f(z)ᵀ g[a] for one example, given z and a = f(z) */
    void (*backward)(const double *z, const double *a, const double *ga,
                     double *gz, size_t n);
    /* f'(z) for an elementwise activation, given z and a = f(z); NULL for softmax */
    double (*derivative)(double z, double a);
    /* f(z) in words of mathematics, e.g. "1/(1 + exp(−z))" */
    const char *math;
    /* f'(z) in terms of a = f(z) and z, with %a and %z standing for them,
     * e.g. "%a ∘ (1 − %a)"; NULL for softmax */
    const char *dmath;
} bs_activation;

/* The registry, in a fixed order, ending with NULL. */
extern const bs_activation *const bs_activations[];

/* Names of the registered activations, NULL-terminated (for suggestions). */
extern const char *const bs_activation_names[];

/* Returns the activation called `name`, or NULL if there is none. */
const bs_activation *bs_activation_find(const char *name);

#endif
