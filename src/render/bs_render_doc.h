/* bs_render_doc.h — the document the Markdown and LaTeX renderers share.
 *
 * Both write the same document with its mathematics in LaTeX: a header with
 * the network, the parameters, the forward pass, one section per backward
 * step (formula, shortcut, note, derivative, explanation, analytic matrix,
 * the numerical check as a table, the expansions) and the verdict.
 * bs_render_doc walks the trace once and writes through a format: a table
 * of markup strings and of hooks for what the two formats do differently.
 */
#ifndef BS_RENDER_DOC_H
#define BS_RENDER_DOC_H

#include <stddef.h>

#include "bs_render.h"

typedef struct bs_doc_format {
    /* around the whole document (NULL: nothing) */
    void (*doc_begin)(bs_sink *s, const bs_render_opts *o);
    void (*doc_end)(bs_sink *s, const bs_render_opts *o);
    /* the title block: the network's name and the spec's file name (or NULL) */
    void (*title)(bs_sink *s, const char *name, const char *source);
    /* a backward step's section title after "Step i of n: ": name and shape */
    void (*step_title)(bs_sink *s, const bs_step *st, bs_notation nt);
    /* prose, escaped; a name (of an activation or a loss), escaped */
    void (*text)(bs_sink *s, const char *str);
    void (*name)(bs_sink *s, const char *str);
    /* a value in a table cell; an error in two digits, in a cell or in prose */
    void (*number)(bs_sink *s, double v, int precision);
    void (*small)(bs_sink *s, double v);
    /* a smaller font around a display `units` digit widths wide (NULL: none) */
    void (*size_begin)(bs_sink *s, double units);
    void (*size_end)(bs_sink *s, double units);
    /* a table: before its header row and after it; align is "lrc…" a column
     * (table_begin NULL: nothing) */
    void (*table_begin)(bs_sink *s, const char *align);
    void (*table_head_end)(bs_sink *s, const char *align);
    /* how many terms of an expansion's sums go on one line */
    size_t (*terms_per_line)(int precision);
    double line; /* a line's width in digit widths, for long displays (0: no limit) */
    const char *section_begin, *section_end; /* around a section's title */
    const char *strong_begin, *strong_end;
    const char *emph_begin, *emph_end;
    const char *code_begin, *code_end;
    const char *item;      /* before each field of the header (Network, Loss, …) */
    const char *field_sep; /* between two fields of the header */
    const char *line_end;  /* after a line of prose that a display or table follows */
    const char *block_end; /* after a display and the lines that go with it */
    const char *display_begin, *display_end; /* one equation */
    const char *align_begin, *align_end;     /* equations aligned at rel_first */
    const char *rel_first, *rel_next;        /* "=" of the first and later equations */
    const char *lines_begin, *lines_sep, *lines_end; /* the expansions of a step */
    const char *pair_sep;  /* between W and b in one display */
    const char *range_sep; /* between the layer sizes: 2-3-2 */
    const char *abs_begin, *abs_end;  /* |x| in math */
    const char *central_difference;   /* the central difference, in math */
    const char *yes, *no, *none;      /* agrees, disagrees, no value */
    const char *row_begin, *cell_sep, *row_end, *table_end;
} bs_doc_format;

/* Writes a trace as a document of format f (the Markdown or LaTeX one). */
void bs_render_doc(bs_sink *s, const bs_trace *t, const bs_render_opts *o,
                   const bs_doc_format *f);

#endif
