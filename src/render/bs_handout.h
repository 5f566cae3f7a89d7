/* bs_handout.h — a handout's derivation followed equation by equation.
 *
 * `backstep handout 000|001|002` walks a handout in its own order and notation
 * and shows every equation that carries a value with its numbers.  The walk
 * is data, computed once from a checked trace (bs_handout_build): a list of
 * equations, each a sequence of typesetting pieces (bs_typeset.h) labelled
 * by the handout's section and left-hand side (and, for handout 002, by its
 * own equation number), with every number it shows
 * and what that number is (its reference, e.g. "W2[0,1]").  The renderers
 * write it through the typesetting walk's emitters: Unicode text,
 * Markdown and LaTeX, HTML with MathML, and JSON.  Handout 000's Figure 1
 * is drawn as well (bs_diagram_outer_*): a text diagram (also in Markdown),
 * LaTeX picture mode, inline SVG, and its edges as data in JSON.
 */
#ifndef BS_HANDOUT_H
#define BS_HANDOUT_H

#include <stddef.h>

#include "bs_diagram.h"
#include "bs_error.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_sink.h"
#include "bs_trace.h"
#include "bs_typeset.h"

/* A number an equation shows, and what it is: a quantity's element in the
 * handout's orientation, 0-based ("z1[2]", "gW2[0,1]", "L"). */
typedef struct bs_hnum {
    char ref[72];
    double v;
} bs_hnum;

/* One equation of the walk. */
typedef struct bs_heq {
    const char *section; /* the handout's section: "Forward propagation" */
    char *lhs;           /* the left-hand side as Unicode text: "z_1[1]" */
    bs_piece *p;         /* the equation: sides separated by BS_PC_EQ */
    size_t np, pcap;
    bs_hnum *num;        /* every number it shows, in order (of a matrix shown by
                            its ends, the entries shown) */
    size_t nn, ncap;
    const char *note;    /* a sentence beside it (a "why?" answered), or NULL */
    const char *erratum; /* the erratum its numbers expose, or NULL */
    const char *label;   /* the handout's own label ("(19)", "Lemma 1"), or NULL */
} bs_heq;

/* A handout's walk on one spec. */
typedef struct bs_handout {
    int which;          /* 0, 1 or 2 */
    const bs_trace *t;  /* borrowed: the checked trace the numbers come from */
    double lr;          /* α of the update W_{s+1} = W_s − α ∂ℒ/∂W_s (handout 001) */
    bs_heq *eq;
    size_t n, cap;
    double **store;     /* the matrices the pieces point to, owned */
    size_t nstore, scap;
    char **strs;        /* the symbols the pieces point to, owned */
    size_t nstrs, strcap;
    int oom;            /* 1 when an allocation failed while building */
    bs_outer_fig fig;   /* handout 000's Figure 1, layer 2 as an outer product
                           (bs_diagram.h), when fig.nin > 0; its arrays are
                           the trace's or the walk's */
    size_t fig_at;      /* the figure is drawn before this equation */
    size_t fig_k[BS_MATRIX_MAX_SHOWN], fig_j[BS_MATRIX_MAX_SHOWN]; /* the units
                           it draws of a layer too large to draw whole */
} bs_handout;

/* How a walk is rendered. */
typedef struct bs_handout_opts {
    bs_format format;   /* text, markdown, latex, html or json */
    int precision;      /* significant digits (text, Markdown, LaTeX, HTML) */
    int fragment;       /* latex: the body only */
    const char *source; /* the spec's file name (or shipped name), shown in the heading */
} bs_handout_opts;

/* The handout a name means: "000" → 0, "001" → 1, "002" → 2; -1 otherwise. */
int bs_handout_parse(const char *name);

/* The name of the shipped spec a handout uses by default ("000-2-3-2-mse",
 * "4-3-2-1-bce", "002-4-3-3-3-softmax-ce-l2"), or NULL when there is none. */
const char *bs_handout_default_spec(int which);

/* BS_OK when a network has the structure handout `which` derives; else
 * BS_ERR_SPEC with one sentence saying what differs ("handout 001 needs 3
 * layers with sigmoid, found 2"). */
bs_status bs_handout_fits(int which, const bs_net *net, bs_error *err);

/* Builds the walk of handout `which` (0, 1 or 2) from a trace of a network
 * that fits (bs_handout_fits), checked or not; lr is the update's α.  The
 * caller frees *out with bs_handout_free (it borrows t). */
bs_status bs_handout_build(int which, const bs_trace *t, double lr, bs_handout **out,
                           bs_error *err);

/* Frees a walk; NULL is allowed. */
void bs_handout_free(bs_handout *h);

/* Writes a walk in a format; returns 0, or -1 for a format it has not
 * (dot, npz). */
int bs_handout_render(bs_sink *s, const bs_handout *h, const bs_handout_opts *o);

/* Writes an equation's left-hand side (up to its first =), or the whole
 * equation when whole is set, as Unicode text. */
void bs_handout_eq_text(bs_sink *s, const bs_heq *e, int whole, int precision);

#endif
