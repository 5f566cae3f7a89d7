/* bs_typeset.h — one typesetting walk over the formula data, three emitters.
 *
 * The expression trees and quantity names of bs_formula.h, the element
 * symbols and the term-by-term expansions of bs_terms.h are walked here
 * once; what each output format writes for the pieces of the walk — a plus
 * sign, a product's dot, brackets, a sub- or superscript, a number, the
 * arrangement of a loss derivative — comes from an emitter (bs_emitter).
 * The Unicode text emitter lives here; the LaTeX one in bs_latex.c and the
 * MathML one in bs_mathml.c.  A new construct is written once, as a step of
 * the walk, plus its tokens in each emitter.
 */
#ifndef BS_TYPESET_H
#define BS_TYPESET_H

#include <stddef.h>

#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_terms.h"

/* The fixed pieces of formulas and term lines, each a string the emitter
 * writes as is (a NULL entry writes nothing).  The examples are the Unicode
 * text emitter's. */
typedef enum bs_tok {
    BS_TOK_PLUS,       /* + between terms: " + " */
    BS_TOK_BREAK,      /* a line break before a + in a layout with rows */
    BS_TOK_ELLIPSIS,   /* the terms left out of a long sum: "…" */
    BS_TOK_DOT,        /* the product of two symbols: " · " */
    BS_TOK_TIMES,      /* the product of two numbers: " × " */
    BS_TOK_TWO_LAMBDA, /* the penalty's factor before W, with its dot: "2λ · " */
    BS_TOK_INV_B,      /* the batch mean before the sum, with its dot: "(1/B) · " */
    BS_TOK_GRAD_OPEN,  /* before an element's name in ∂L/∂(element): "∂L/∂" */
    BS_TOK_GRAD_CLOSE, /* after it: "" in text, closing the fraction elsewhere */
    BS_TOK_ZERO,       /* an empty sum (used when the emitter sets empty_zero) */
    BS_TOK_APPLY_OPEN, /* before a function applied to its argument, g_h'(z_1[2]): "" */
    BS_TOK_APPLY_CLOSE, /* after it: "" */
    BS_TOK_CALL_OPEN,  /* the bracket of a function's argument: "(" */
    BS_TOK_CALL_CLOSE, /* ")" */
    BS_TOK_DFRAC_OPEN, /* a derivative ∂a/∂z: before a: "∂" */
    BS_TOK_DFRAC_MID,  /* between a and z: "/∂" */
    BS_TOK_DFRAC_CLOSE, /* after z: "" */
    BS_TOK_UNKNOWN,    /* a missing expression: "?" */
    BS_TOK_ONE,        /* 1 */
    BS_TOK_X_INVB,     /* 1/B as a factor of a formula: "(1/B)" */
    BS_TOK_X_TWOLAMBDA, /* 2λ as a factor of a formula: "2λ" */
    BS_TOK_GROUP_OPEN, /* brackets around an operand: "(" */
    BS_TOK_GROUP_CLOSE, /* ")" */
    BS_TOK_GROUP_OPEN_BIG, /* brackets around an operand holding a fraction */
    BS_TOK_GROUP_CLOSE_BIG,
    BS_TOK_T_OPEN,     /* before a transposed operand: "" */
    BS_TOK_T_CLOSE,    /* after it: "ᵀ" */
    BS_TOK_NEG_OPEN,   /* a negation's sign: "−" */
    BS_TOK_NEG_CLOSE,  /* after the negated operand: "" */
    BS_TOK_SUM_OPEN,   /* the sum over the batch: "Σ_i " */
    BS_TOK_SUM_CLOSE,  /* after its operand: "" */
    BS_TOK_SUB_OPEN,   /* before an operand of the sum that is not a name: "" */
    BS_TOK_SUB_CLOSE,  /* after it, the index: "_i" */
    BS_TOK_SCALE_OPEN, /* before a scaled operand's scalar: "" */
    BS_TOK_SCALE_OP,   /* between the scalar and the operand: " " */
    BS_TOK_SCALE_CLOSE, /* after the operand: "" */
    BS_TOK_FRAC_OPEN,  /* an elementwise quotient set as a fraction (frac_hdiv) */
    BS_TOK_FRAC_MID,
    BS_TOK_FRAC_CLOSE,
    BS_TOK_BIN_OPEN,   /* before a binary operation: "" */
    BS_TOK_BIN_CLOSE,  /* after it: "" */
    BS_TOK_HADAMARD,   /* the elementwise product: " ∘ " (the matrix product is BS_TOK_DOT) */
    BS_TOK_HDIV,       /* the elementwise quotient: " ⊘ " */
    BS_TOK_MINUS,      /* subtraction: " − " (addition is BS_TOK_PLUS) */
    BS_TOK_OP_UNKNOWN, /* an operator of no known kind: " ? " */
    BS_TOK_COUNT
} bs_tok;

/* Where a term line goes: on one line, or on rows (one for the symbols, one
 * for the numbers), breaking a sum after every brk[0] symbol terms and every
 * brk[1] number terms (0: no breaks). */
typedef struct bs_layout {
    int rows;      /* 1: symbols, numbers and value on rows of their own */
    size_t brk[2]; /* terms per row of the symbols and of the numbers */
    int first;     /* 1 for the first expansion of a table (MathML spacing) */
} bs_layout;

/* A symbol as the walk hands it to an emitter: an element of a quantity
 * (a_2[2], W_{2,1}[3], g_1[3z], ŷ_1(2)), or a whole quantity (z[2], g[2z],
 * ŷ, dz2). */
typedef struct bs_elem {
    const char *base; /* the symbol in Unicode: "a", "W", "g", "ŷ", "y", "x" */
    int layered;      /* 1: a layer bracket belongs to it: [2], [3z] */
    size_t layer;
    char letter;      /* a gradient's quantity letter in the bracket ([3z]), or 0 */
    int matrix;       /* 1: a weight, indexed by r and c, never by example */
    size_t r, c;      /* a weight's element (0-based) */
    size_t unit;      /* otherwise the unit (0-based) */
    size_t ex;        /* the example (0-based), or BS_NONE */
    int whole;        /* 1: the whole quantity: no element index, r, c, unit, ex unused */
    int code;         /* 1 (whole only): base is a name of code notation, in the code font */
    const char *sub;  /* (whole only) an index set on it, the i of Σ_i, or NULL */
} bs_elem;

/* One output format: the tokens and the few pieces whose arrangement is the
 * format's own.  Every function pointer is required unless said otherwise. */
typedef struct bs_emitter {
    const char *tok[BS_TOK_COUNT];
    /* writes an element's symbol with its subscripts and superscripts */
    void (*elem)(bs_sink *s, const bs_elem *x);
    /* writes a name of code notation ("dz2", "sigmoid") in the code font, then
     * its index ("[3,2]", or "") */
    void (*code)(bs_sink *s, const char *name, const char *index);
    /* writes an activation's symbol: base (in Unicode, "g", "σ") with an
     * optional subscript, or with code set a name in the code font; prime
     * adds the derivative's prime */
    void (*act)(bs_sink *s, const char *base, const char *sub, int code, int prime);
    /* writes a number; paren: bracket it when it is negative */
    void (*number)(bs_sink *s, double v, int precision, int paren);
    /* writes a loss derivative of a form from its operands: a is ŷ, ao is ŷ
     * as an operand (bracketed when a negative number), b is y as an
     * operand; scaled: the factor 1/B stands before it */
    void (*loss)(bs_sink *s, bs_loss_form form, const char *a, const char *ao,
                 const char *b, int scaled);
    /* writes a Jacobian's symbol for an activation's name: J_softmax */
    void (*jac)(bs_sink *s, const char *name);
    /* writes the = before the symbols (which 0), the numbers (1) or the value (2) */
    void (*equals)(bs_sink *s, int which, const bs_layout *lo);
    /* optional: write around a whole expansion (a table row in MathML) */
    void (*begin)(bs_sink *s, const bs_layout *lo);
    void (*end)(bs_sink *s, const bs_layout *lo);
    int self_partial; /* 1: the left side keeps partial notation (x for a[0]) */
    int empty_zero;   /* 1: an empty sum is written as BS_TOK_ZERO, once */
    int frac_hdiv;    /* 1: the elementwise quotient is set as a fraction */
    int scale_paren;  /* a scaled operand binding less tightly than this (bs_expr_prec) is bracketed */
    int sum_group_all; /* 1: Σ_i brackets every operand but a name; 0: those binding less than an atom */
    /* writes small Unicode mathematics ("ℒ", "log", "½", "e^(−z)") in the format */
    void (*umath)(bs_sink *s, const char *text);
    /* writes a rows×cols row-major matrix of numbers */
    void (*matrix)(bs_sink *s, const double *v, size_t rows, size_t cols, int precision);
} bs_emitter;

/* The Unicode text emitter (bs_expansion_text's). */
extern const bs_emitter bs_emitter_text;

/* A piece of an equation written in a document's own order (a handout's
 * derivation, bs_typeset_pieces). */
typedef enum bs_piece_kind {
    BS_PC_ELEM,       /* a symbol: elem */
    BS_PC_TOK,        /* a fixed piece: tok */
    BS_PC_NUM,        /* a number: num, bracketed when negative and paren is set */
    BS_PC_MATH,       /* small Unicode mathematics: math */
    BS_PC_ACT,        /* an activation symbol: math its base, sub its subscript, prime */
    BS_PC_EQ,         /* an equals sign between two sides */
    BS_PC_MATRIX,     /* a rows×cols matrix of the numbers vals (row-major) */
    BS_PC_FRAC_OPEN,  /* a fraction: its numerator follows */
    BS_PC_FRAC_MID,   /* its denominator follows */
    BS_PC_FRAC_CLOSE  /* the fraction ends */
} bs_piece_kind;

typedef struct bs_piece {
    bs_piece_kind kind;
    bs_elem elem;
    bs_tok tok;
    double num;
    int paren;
    const char *math;
    const char *sub;
    int prime;
    size_t rows, cols;
    const double *vals;
} bs_piece;

/* Writes a sequence of pieces with an emitter; numbers with `precision`
 * significant digits.  A fraction is the emitter's fraction tokens
 * (BS_TOK_FRAC_*), except in Unicode text, which writes it on the line as
 * "numerator / denominator", bracketing a part that is not a lone symbol. */
void bs_typeset_pieces(bs_sink *s, const bs_emitter *em, const bs_piece *p, size_t n,
                       int precision);

/* Writes a whole expansion with an emitter: its element, = the symbols,
 * = the numbers (left out when the expansion is a single factor), = the
 * value.  Sums of more than 6 terms are shortened to the first 3, the
 * ellipsis and the last (bs_terms_shown). */
void bs_typeset_expansion(bs_sink *s, const bs_emitter *em, const bs_expansion *e,
                          const bs_net *net, bs_notation nt, int precision,
                          const bs_layout *lo);

/* Writes an expression tree (bs_formula.h) with an emitter in a notation,
 * with the brackets precedence asks for (bs_expr_operand_paren). */
void bs_typeset_expr(bs_sink *s, const bs_emitter *em, const bs_expr *e, const bs_net *net,
                     bs_notation nt);

/* Writes the name of a whole quantity with an emitter: the forward
 * quantity q of a layer (z[2], x, ŷ, z2), or with grad set the gradient of
 * L with respect to it (g[2z], ∂L/∂z[2], dz2); sub, when not NULL, is an
 * index set on it (Σ_i z[2]_i). */
void bs_typeset_name(bs_sink *s, const bs_emitter *em, bs_qty q, size_t layer, bs_notation nt,
                     int grad, const char *sub);

/* Writes a factor's symbol (an element of a forward quantity or of a
 * gradient, an activation derivative, a softmax Jacobian entry) with an
 * emitter in a notation. */
void bs_typeset_factor(bs_sink *s, const bs_emitter *em, const bs_factor *f,
                       const bs_net *net, bs_notation nt);

/* Writes the activation symbol of a layer with an emitter: g_h or g_o
 * (handout 001), σ or f (handout 000), the activation's name (code); prime
 * adds the derivative's prime. */
void bs_typeset_act(bs_sink *s, const bs_emitter *em, const bs_net *net, size_t layer,
                    bs_notation nt, int prime);

/* Typesets an expression as Unicode text.  The network supplies the
 * activation names and the layer count. */
void bs_expr_text(bs_sink *s, const bs_expr *e, const bs_net *net, bs_notation nt);

/* Writes an activation's derivative (bs_activation.dmath) with a and z
 * replaced by the layer's a[n] and z[n], e.g. "a[2] ∘ (1 − a[2])". */
void bs_dact_text(bs_sink *s, const bs_net *net, size_t layer, bs_notation nt);

/* Writes a factor's symbol as Unicode text in a notation: a_2[2], a_2[2,3]
 * (unit 2 of a[2] in example 3), W_{2,1}[3], g_1[3z], g_h'(z_1[2]), ŷ_1, or
 * in code notation a2[3,2], W3[2,1], dz3[1,1], sigmoid'(z2[1,1]); 1-based. */
void bs_factor_text(bs_sink *s, const bs_factor *f, const bs_net *net, bs_notation nt);

/* Writes the whole expansion on one line as Unicode text:
 * "∂L/∂W_{2,1}[3] = a_2[2] · g_1[3z] = 0.581893 × (−0.411863) = −0.23966".
 * The line of numbers is plain arithmetic a calculator can follow: negative
 * numbers carry the operators' minus sign − and are bracketed after an
 * operator and as factors of a product; the penalty term's number is 2λ
 * itself ("2λ · W_{1,1}[2]" over "0.02 × (−0.35)").  Sums of more than 6
 * terms are shortened to the first 3, "…", and the last. */
void bs_expansion_text(bs_sink *s, const bs_expansion *e, const bs_net *net,
                       bs_notation nt, int precision);

#endif
