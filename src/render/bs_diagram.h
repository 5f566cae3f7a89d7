/* bs_diagram.h — the picture of a network, drawn from a trace.
 *
 * One node per neuron, labelled with its forward value a (and, in the
 * backward view, its gradient ∂L/∂a); one edge per weight, labelled with the
 * weight and ∂L/∂w.  A layer wider than BS_DIAGRAM_MAX_UNITS is collapsed
 * into one node carrying its shape, and the edges into and out of it into
 * one edge carrying the weight matrix's shape.  The same model feeds the
 * Graphviz renderer and the SVG that the HTML page draws itself.
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

#endif
