/* bs_formula.h — formulas as data.
 *
 * Each trace step carries its formula as a small expression tree, so that
 * every renderer can typeset it in its own way (Unicode text, JSON, …) and
 * in any of the handouts' notations.  The tree says *what* is computed:
 * g[3W] = (a[2])ᵀ · g[3z] is MATMUL(T(VAR a 2), GRAD z 3).
 */
#ifndef BS_FORMULA_H
#define BS_FORMULA_H

#include <stddef.h>

#include "bs_net.h"
#include "bs_sink.h"

/* How gradients and variables are named. */
typedef enum bs_notation {
    BS_NOTATION_G = 0,   /* g[2z], g_h'(z[2]) — handout 001 */
    BS_NOTATION_PARTIAL, /* ∂L/∂z[2], σ'(z[1]), x — handout 000 */
    BS_NOTATION_CODE     /* dz2, dW2, sigmoid'(z2), X — handout 002's program */
} bs_notation;

/* The quantities of a network. */
typedef enum bs_qty {
    BS_Q_A = 0, /* activation a[n] (a[0] is the input x) */
    BS_Q_Z,     /* pre-activation z[n] */
    BS_Q_W,     /* weights W[n] */
    BS_Q_B,     /* biases b[n] */
    BS_Q_Y,     /* targets y */
    BS_Q_YHAT,  /* output ŷ = a[L] */
    BS_Q_LOSS   /* the loss L */
} bs_qty;

typedef enum bs_xkind {
    BS_X_VAR,       /* a quantity of the forward pass: qty, layer */
    BS_X_GRAD,      /* the gradient of L with respect to qty of layer */
    BS_X_ACT,       /* layer's activation applied to l: g_h(z[1]) */
    BS_X_DACT,      /* layer's activation derivative at z[layer] */
    BS_X_JACT,      /* layer's activation Jacobian at z[layer] (softmax) */
    BS_X_ONE,       /* 1 */
    BS_X_INVB,      /* 1/B */
    BS_X_TWOLAMBDA, /* 2λ */
    BS_X_T,         /* (l)ᵀ */
    BS_X_MATMUL,    /* l · r, the matrix product */
    BS_X_HADAMARD,  /* l ∘ r, the elementwise product */
    BS_X_HDIV,      /* l ⊘ r, the elementwise quotient */
    BS_X_ADD,       /* l + r */
    BS_X_SUB,       /* l − r */
    BS_X_SCALE,     /* l r with l a scalar (1/B, 2λ) */
    BS_X_NEG,       /* −l */
    BS_X_SUMB       /* Σ_i l_i: the sum over the examples of the batch */
} bs_xkind;

typedef struct bs_expr {
    bs_xkind kind;
    bs_qty qty;
    size_t layer;
    const struct bs_expr *l, *r;
} bs_expr;

/* A fixed-capacity store of expression nodes, owned by a trace. */
typedef struct bs_pool {
    bs_expr *nodes;
    size_t len, cap;
} bs_pool;

/* Builders: each returns a node from the pool, or NULL when the pool is full
 * or an operand is NULL (so a failed build is a NULL formula, never a crash). */
const bs_expr *bs_x_var(bs_pool *p, bs_qty q, size_t layer);
const bs_expr *bs_x_grad(bs_pool *p, bs_qty q, size_t layer);
const bs_expr *bs_x_leaf(bs_pool *p, bs_xkind kind, size_t layer);
const bs_expr *bs_x_unary(bs_pool *p, bs_xkind kind, const bs_expr *l);
const bs_expr *bs_x_act(bs_pool *p, size_t layer, const bs_expr *arg);
const bs_expr *bs_x_binary(bs_pool *p, bs_xkind kind, const bs_expr *l,
                           const bs_expr *r);

/* Parses a notation name ("g", "partial", "code"); returns -1 if unknown. */
int bs_notation_parse(const char *name);

/* Names of the notations, NULL-terminated. */
extern const char *const bs_notation_names[];

/* Writes the name of the gradient ∂L/∂(qty of layer) in a notation:
 * "g[2z]", "∂L/∂z[2]" or "dz2". */
void bs_name_grad(char *buf, size_t size, bs_qty q, size_t layer,
                  bs_notation nt);

/* Writes the name of a forward quantity: "z[2]", "a[0]" (or "x", "X"), "ŷ". */
void bs_name_var(char *buf, size_t size, bs_qty q, size_t layer,
                 bs_notation nt);

/* Writes the activation symbol of a layer: g_h / g_o (handout 001), σ / f
 * (handout 000) or the activation's own name (code). */
void bs_name_act(char *buf, size_t size, const bs_net *net, size_t layer,
                 bs_notation nt);

/* Reads a step's name written in any notation: "g[2z]", "dz2", "dL/dz2",
 * "dL/dz[2]", "∂L/∂z[2]", and "L" or "loss" for the loss.  Spaces are
 * ignored, and "w" is read as "W".  Returns 0 and sets *q and *layer (0 for
 * the loss), or -1 when the name is not one of these forms. */
int bs_name_parse(const char *name, bs_qty *q, size_t *layer);

/* The letter of a quantity in names: a, z, W, b, y ('?' for the others). */
char bs_qty_letter(bs_qty q);

/* How tightly an expression binds, for every typesetter: 1 for + and −, 2
 * for products, quotients and scaling, 3 for negation, 4 for atoms (and
 * NULL).  With frac_hdiv the elementwise quotient is set as a fraction, an
 * atom. */
int bs_expr_prec(const bs_expr *e, int frac_hdiv);

/* 1 when the left (right == 0) or right operand of a binary expression
 * (· ∘ ⊘ + −) needs brackets: it binds less tightly, or as the right operand
 * equally (but not in a + (b + c) or a ∘ (b ∘ c)).  A NULL operand needs none. */
int bs_expr_operand_paren(const bs_expr *e, int right, int frac_hdiv);

/* 1 when an expression holds a fraction (1/B, ∂L/∂x in partial notation, with
 * frac_hdiv an elementwise quotient), so that brackets around it grow. */
int bs_expr_has_fraction(const bs_expr *e, bs_notation nt, int frac_hdiv);

#endif
