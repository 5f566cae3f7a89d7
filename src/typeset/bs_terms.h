/* bs_terms.h — term-by-term expansions of the steps (handout 001 style).
 *
 * Each element of a backward step is written out as the sum of products
 * the chain rule gives, with every factor's value, e.g.
 *   ∂L/∂W_{2,1}[3] = a_2[2] · g_1[3z] = 0.5832 × 0.2174 = 0.1268
 *   ∂L/∂a_1[1] = W_{1,1}[2]·g_1[2z] + W_{1,2}[2]·g_2[2z] = …
 * An expansion is data; bs_typeset.h typesets it.  Element indices are
 * 0-based here and in the displayed orientation of the spec's convention;
 * renderers print them 1-based.
 */
#ifndef BS_TERMS_H
#define BS_TERMS_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_sink.h"
#include "bs_trace.h"

#define BS_NONE ((size_t)-1)

typedef enum bs_fac_kind {
    BS_FAC_VAR,  /* an element of a forward quantity: a_p[n], W_{p,q}[n], ŷ_j, y_j */
    BS_FAC_GRAD, /* an element of a gradient: g_q[nz] */
    BS_FAC_DACT, /* the activation derivative at one pre-activation: g_h'(z_j[n]) */
    BS_FAC_JSOFT /* one softmax Jacobian entry ∂ŷ_t/∂z_j = ŷ_t(δ_tj − ŷ_j): unit t, j in c */
} bs_fac_kind;

typedef struct bs_factor {
    bs_fac_kind kind;
    bs_qty qty;     /* BS_Q_A, Z, W, B, Y or YHAT */
    size_t layer;
    size_t ex;      /* example (0-based), BS_NONE when the batch has one example or for W, b */
    size_t unit;    /* unit of a layer (0-based) for a, z, b, ŷ, y and their gradients */
    size_t r, c;    /* for W: the element in the displayed orientation */
    double value;
} bs_factor;

typedef struct bs_term {
    bs_factor f[2];
    size_t n;       /* 1 or 2 factors */
    double value;   /* their product */
} bs_term;

typedef enum bs_exp_kind {
    BS_EXP_SUM,      /* Σ of products (the general chain rule) */
    BS_EXP_LOSS,     /* the loss derivative at ŷ_j and y_j */
    BS_EXP_SHORTCUT  /* ŷ_j − y_j */
} bs_exp_kind;

typedef struct bs_expansion {
    bs_exp_kind kind;
    const bs_step *step;
    size_t r, c;          /* the displayed element of the step */
    bs_factor self;       /* the element itself, as a factor (for its name) */
    double scale;         /* 1/B where the batch mean enters, else 1 */
    int show_scale;
    bs_term *terms;
    size_t nterms;
    bs_factor yhat, y;    /* for BS_EXP_LOSS and BS_EXP_SHORTCUT */
    int has_l2;           /* adds 2λ W_{p,q} */
    bs_factor w;
    double lambda;
    double total;         /* the step's value at this element */
} bs_expansion;

/* Expands element (r, c) of a backward step.  The caller frees the terms
 * with bs_expansion_free(). */
bs_status bs_expand(const bs_trace *t, const bs_step *st, size_t r, size_t c,
                    bs_expansion *out, bs_error *err);

/* Frees the terms of an expansion (safe twice, and on a zeroed one). */
void bs_expansion_free(bs_expansion *e);

/* Chooses which elements of a step renderers expand: every element of a
 * step with at most 16 elements; otherwise the first two and the one with
 * the largest magnitude.  Writes displayed indices r·cols + c into idx
 * (room for 16) and returns how many. */
size_t bs_terms_pick(const bs_step *st, size_t *idx);

#define BS_TERMS_SHOWN_MAX 6 /* entries bs_terms_shown writes at most */

/* Which terms of an expansion's sum the typesetters write: all of at most 6,
 * else the first 3, BS_NONE (for "…") and the last.  Writes term indices to
 * idx (room for BS_TERMS_SHOWN_MAX) and returns how many. */
size_t bs_terms_shown(const bs_expansion *e, size_t *idx);

/* 1 when an expansion is a single factor: no line of numbers before its value. */
int bs_expansion_trivial(const bs_expansion *e);

typedef enum bs_loss_form {
    BS_FORM_DIFFERENCE, /* ŷ − y: the shortcut, and the derivative of MSE */
    BS_FORM_BCE,        /* (ŷ − y) / (ŷ (1 − ŷ)) */
    BS_FORM_QUOTIENT    /* −y / ŷ: cross-entropy */
} bs_loss_form;

/* The form of the loss derivative of a BS_EXP_LOSS or BS_EXP_SHORTCUT expansion. */
bs_loss_form bs_expansion_loss_form(const bs_expansion *e, const bs_net *net);

/* The two sides of a softmax Jacobian entry (BS_FAC_JSOFT) ∂a_t/∂z_j, as
 * factors of kind BS_FAC_VAR: a_t and z_j. */
void bs_factor_jsoft_parts(const bs_factor *f, bs_factor *a, bs_factor *z);

#endif
