/* bs_render.h — renderers over a trace.
 *
 * A renderer reads a trace and writes it through a sink; it computes
 * nothing.  Each output format is one function of the same shape.
 */
#ifndef BS_RENDER_H
#define BS_RENDER_H

#include "bs_formula.h"
#include "bs_sink.h"
#include "bs_trace.h"

typedef enum bs_format {
    BS_FORMAT_TEXT = 0, /* for people at a terminal */
    BS_FORMAT_JSON,     /* for programs (docs/json-output.md) */
    BS_FORMAT_MARKDOWN, /* GitHub-flavoured Markdown with $…$ math */
    BS_FORMAT_LATEX,    /* a LaTeX document (or its body, with fragment) */
    BS_FORMAT_HTML,     /* one self-contained page: MathML, inline CSS and SVG */
    BS_FORMAT_DOT,      /* a Graphviz diagram of the network */
    BS_FORMAT_NPZ       /* NumPy arrays: an .npz archive (binary) */
} bs_format;

/* Names of the formats, NULL-terminated, in bs_format order. */
extern const char *const bs_format_names[];

typedef struct bs_render_opts {
    bs_format format;
    bs_notation notation;
    int precision;       /* significant digits in text (JSON always prints 17) */
    const char *source;  /* the spec's file name, shown in the header, or NULL */
    int terms;           /* 1: expand elements term by term (bs_terms.h) */
    int explain;         /* 1: say why each step is what it is (bs_explain.h) */
    int fragment;        /* LaTeX: the body only, without preamble */
} bs_render_opts;

/* Returns default options: text, g notation, 6 digits. */
bs_render_opts bs_render_defaults(void);

/* Renders a trace in the chosen format.  Returns -1 if the sink failed. */
int bs_render(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The text renderer: the forward pass, each backward step with its formula,
 * shape, analytic and numerical values, and a closing verdict line. */
void bs_render_text(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The summary at the head of the text output: the network's name, the spec
 * file (`source`, or NULL), the description, the layers and convention, the
 * activations and loss, and the batch. */
void bs_render_text_network(bs_sink *s, const bs_net *net, const char *source);

/* The pieces of the text rendering, for showing a trace one step at a time
 * (backstep step); bs_render_text writes intro, backward head, every
 * backward step and end, in that order.  The intro: the network summary, the
 * parameters and the forward pass. */
void bs_render_text_intro(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The forward pass alone, under its heading. */
void bs_render_text_forward(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The heading of the backward pass and, for a checked trace, how it was checked. */
void bs_render_text_backward_head(bs_sink *s, const bs_trace *t);

/* Backward step t->steps[i] after a blank line: its formula, shortcut, values
 * and check, with its explanation and expansion when o asks for them. */
void bs_render_text_step(bs_sink *s, const bs_trace *t, size_t i, const bs_render_opts *o);

/* The element-level expansions of a backward step with their numbers
 * ("  term by term:" and one line per element). */
void bs_render_text_terms(bs_sink *s, const bs_trace *t, const bs_step *st,
                          const bs_render_opts *o);

/* For a checked trace, a blank line, the failure when there is one, and the
 * verdict line; nothing otherwise. */
void bs_render_text_end(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* A rows×cols matrix as the text renderer lays it out: one "[ v v ]" line
 * per row after `indent`, columns aligned, `prec` significant digits, the
 * middle of large matrices elided. */
void bs_render_text_matrix(bs_sink *s, const double *v, size_t rows, size_t cols, int prec,
                           const char *indent);

/* The JSON renderer (docs/json-output.md). */
void bs_render_json(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The Markdown renderer: one section per step, matrices as bmatrix, the
 * numerical check as a table. */
void bs_render_markdown(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The LaTeX renderer: a complete document for pdflatex (amsmath, amssymb,
 * booktabs, geometry), or with o->fragment only its body. */
void bs_render_latex(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The HTML renderer: one self-contained page (no scripts, no network) with
 * MathML, an inline style sheet and the network diagram as inline SVG. */
void bs_render_html(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The Graphviz renderer: one node per neuron (one per layer when layers are
 * large) with forward values and gradients, edges with weights and ∂L/∂w. */
void bs_render_dot(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* The NumPy renderer: an .npz archive (np.load) of the parameters in the
 * spec's convention (W1, b1, …), the batch (x, y) and every step's values as
 * the trace displays them, named in code notation (z1, a1, …, yhat, loss,
 * da2, dz2, dW2, db2, …).  Binary, the same bytes for the same trace. */
void bs_render_npz(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

/* Writes the one-line verdict of a checked trace, e.g. "PASS  41 of 41
 * elements compared (central), largest relative error 2.3e-10 at
 * g[1W][2,3]", with the counts of agree, disagree, unresolved and kinks when
 * not every element agrees, without a newline.  Used by the text renderer
 * and by `backstep check`. */
void bs_render_verdict(bs_sink *s, const bs_trace *t, bs_notation nt);

/* Writes the message of a failed check without a newline: the element that
 * decides it by its 1-based index, "analytic" and "numeric" with its error
 * bar, their ratio when it is −1, 2, 1/2, B or 1/B, and which side is wrong
 * (the gaps at h, h/4, h/16, h/64), or the kink's one-sided differences. */
void bs_render_failure(bs_sink *s, const bs_trace *t, bs_notation nt);

/* Writes a step's name in a notation, e.g. "g[2z]", "dz2". */
void bs_step_name(char *buf, size_t size, const bs_step *st, bs_notation nt);

#endif
