/* bs_diagram.h — the picture of a network, drawn from a trace.
 *
 * One node per neuron, labelled with its forward value a (and, in the
 * backward view, its gradient ∂L/∂a); one edge per weight, labelled with the
 * weight and ∂L/∂w.  A layer wider than BS_DIAGRAM_MAX_UNITS is collapsed
 * into one node carrying its shape, and the edges into and out of it into
 * one edge carrying the weight matrix's shape.  The same model feeds the
 * Graphviz renderer and the SVG that the HTML page draws itself.  One layer
 * can also be drawn as the outer product its weight gradients make
 * (handout 000's Figure 1), in text, SVG and LaTeX.
 */
#ifndef BS_DIAGRAM_H
#define BS_DIAGRAM_H

#include "bs_sink.h"
#include "bs_trace.h"

#define BS_DIAGRAM_MAX_UNITS 12

/* Writes the network as an inline <svg> element (no XML declaration), laid
 * out by backstep itself: layers left to right, neurons top to bottom.
 * backward = 1 adds the gradients to the labels.  For an example of a
 * batch, the values shown are those of example 1. */
void bs_diagram_svg(bs_sink *s, const bs_trace *t, int backward);

/* One layer's weights as the outer product their gradients make, in the
 * column convention and the ∂L/∂ notation: the units a_k[l−1] on the left,
 * the units z_j[l] on the right, one edge W_{j,k}[l] from a_k[l−1] to z_j[l]
 * labelled ∂L/∂W_{j,k}[l] = ∂L/∂z_j[l] · a_k[l−1] with its numbers, and the
 * matrix ∂L/∂W[l] = ∂L/∂z[l] (a[l−1])ᵀ those scalars fill.  The arrays are
 * borrowed. */
typedef struct bs_outer_fig {
    size_t layer;     /* l */
    size_t nin, nout; /* n_{l−1} units on the left, n_l on the right */
    const double *a;  /* a_k[l−1], nin values */
    const double *gz; /* ∂L/∂z_j[l], nout values */
    const double *gW; /* ∂L/∂W_{j,k}[l], nout × nin: row j, column k */
    /* When only some units of a large layer are drawn: the index (from 0)
     * of each drawn unit in its layer, and the layer's sizes; NULL and 0
     * when every unit is drawn. */
    const size_t *kin, *jout;
    size_t nin_all, nout_all;
} bs_outer_fig;

/* The index (from 0) in its layer of drawn unit k on the left, and of
 * drawn unit j on the right. */
size_t bs_outer_fig_k(const bs_outer_fig *f, size_t k);
size_t bs_outer_fig_j(const bs_outer_fig *f, size_t j);

/* Writes into b the sentence saying which units are drawn when only some
 * are ("Drawn for a_k[1], k = 1, 2, 3, 18, 19, 20 of 20, and …"), as
 * plain text or (latex) as LaTeX, or "" when every unit is drawn. */
void bs_outer_fig_subset(char *b, size_t n, const bs_outer_fig *f, int latex);

/* Writes the figure as lines of text with box-drawing characters, each
 * starting with two spaces: the edges drawn as one horizontal line each,
 * grouped by z_j[l], fed by one vertical line per a_k[l−1]; then the matrix
 * as a table with ∂L/∂z_j[l] beside row j and a_k[l−1] above column k.
 * Columns are as wide as their widest number, so the lines keep their
 * alignment at any value. */
void bs_diagram_outer_text(bs_sink *s, const bs_outer_fig *f, int precision);

/* Writes the same figure as an inline <svg> element, the matrix beside the
 * units z_j[l], row j level with z_j[l]. */
void bs_diagram_outer_svg(bs_sink *s, const bs_outer_fig *f, int precision);

/* Writes the same figure for LaTeX, with nothing but the kernel's picture
 * mode and amsmath: the diagram as one line of line pieces per row (so a
 * tall one breaks across pages), then the matrix as a displayed array.
 * Needs no preamble of its own. */
void bs_diagram_outer_latex(bs_sink *s, const bs_outer_fig *f, int precision);

#endif
