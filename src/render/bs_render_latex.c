/* bs_render_latex.c — the trace as a LaTeX document.
 *
 * The document of bs_render_doc.h in LaTeX: \section* headings, align*
 * for formulas, booktabs tables, and a smaller font for displays too wide
 * for the line.  The document uses only amsmath, amssymb, booktabs and
 * geometry, and every character written is ASCII: prose goes through
 * bs_text_latex.  With o->fragment only the body is written, for \input
 * into another document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bs_render_latex.h"
#include "bs_render.h"
#include "bs_latex.h"
#include "bs_render_doc.h"

#define LINE 84.0 /* digits in a line of the text block (11pt, 2cm margins) */

/* the font a display of this width (in digits) needs to fit, or NULL */
static const char *font_for(double units)
{
    if (units <= LINE)
        return NULL;
    if (units <= LINE * 1.1)
        return "\\small";
    if (units <= LINE * 1.22)
        return "\\footnotesize";
    if (units <= LINE * 1.37)
        return "\\scriptsize";
    return "\\tiny";
}

static void size_begin(bs_sink *s, double units)
{
    const char *font = font_for(units);
    if (font)
        bs_sink_printf(s, "{%s\n", font);
}

static void size_end(bs_sink *s, double units)
{
    if (font_for(units))
        bs_sink_puts(s, "}\n");
}

static void doc_begin(bs_sink *s, const bs_render_opts *o)
{
    if (o->fragment)
        return;
    bs_sink_puts(s, "% Written by backstep: a worked backpropagation example.\n"
                    "\\documentclass[11pt,a4paper]{article}\n"
                    "\\usepackage[margin=2cm]{geometry}\n"
                    "\\usepackage{amsmath}\n"
                    "\\usepackage{amssymb}\n"
                    "\\usepackage{booktabs}\n"
                    "\\allowdisplaybreaks\n"
                    "\\setcounter{MaxMatrixCols}{20}\n"
                    "\\setlength{\\parindent}{0pt}\n"
                    "\\setlength{\\parskip}{0.6\\baselineskip}\n"
                    "\\emergencystretch=2em\n");
    bs_sink_puts(s, "\\begin{document}\n");
}

static void doc_end(bs_sink *s, const bs_render_opts *o)
{
    if (!o->fragment)
        bs_sink_puts(s, "\n\\end{document}\n");
}

static void title(bs_sink *s, const char *name, const char *source)
{
    bs_sink_puts(s, "\\begin{center}\n{\\Large\\bfseries ");
    bs_text_latex(s, name);
    bs_sink_puts(s, "\\par}\n");
    if (source) {
        bs_sink_puts(s, "\\smallskip\n{\\small spec: \\texttt{");
        bs_plain_latex(s, source);
        bs_sink_puts(s, "}\\par}\n");
    }
    bs_sink_puts(s, "\\end{center}\n\n");
}

static void step_title(bs_sink *s, const bs_step *st, bs_notation nt)
{
    bs_sink_puts(s, "$");
    bs_step_name_latex(s, st, nt);
    bs_sink_printf(s, "$ \\quad {\\normalsize\\mdseries($%zu \\times %zu$)}", st->rows,
                   st->cols);
}

static void number(bs_sink *s, double v, int precision)
{
    bs_sink_puts(s, "$");
    bs_number_latex(s, v, precision);
    bs_sink_puts(s, "$");
}

/* an error in two digits, in math: 1.2 \times 10^{-9} */
static void small(bs_sink *s, double v)
{
    char b[32];
    bs_sink_puts(s, "$");
    if (!isfinite(v)) {
        bs_number_latex(s, v, 2);
    } else {
        snprintf(b, sizeof b, "%.2g", v);
        char *e = strchr(b, 'e');
        if (e) {
            *e = '\0';
            bs_sink_printf(s, "%s \\times 10^{%d}", b, atoi(e + 1));
        } else {
            bs_sink_puts(s, b);
        }
    }
    bs_sink_puts(s, "$");
}

static void table_begin(bs_sink *s, const char *align)
{
    bs_sink_printf(s, "\\begin{center}\n\\small\n\\begin{tabular}{%s}\n\\toprule\n", align);
}

static void table_head_end(bs_sink *s, const char *align)
{
    (void)align;
    bs_sink_puts(s, "\\midrule\n");
}

/* fractions (partial notation) and batches make long sums: break them */
static size_t terms_per_line(int precision)
{
    return precision > 9 ? 1 : 2;
}

static const bs_doc_format latex = {
    .doc_begin = doc_begin,
    .doc_end = doc_end,
    .title = title,
    .step_title = step_title,
    .text = bs_text_latex,
    .name = bs_plain_latex,
    .number = number,
    .small = small,
    .size_begin = size_begin,
    .size_end = size_end,
    .table_begin = table_begin,
    .table_head_end = table_head_end,
    .terms_per_line = terms_per_line,
    .line = LINE,
    .section_begin = "\\section*{",
    .section_end = "}\n\n",
    .strong_begin = "\\textbf{",
    .strong_end = "}",
    .emph_begin = "\\emph{",
    .emph_end = "}",
    .code_begin = "\\texttt{",
    .code_end = "}",
    .item = "",
    .field_sep = "\\\\\n",
    .line_end = "\n",
    .block_end = "\n",
    .display_begin = "\\begin{equation*}\n",
    .display_end = "\n\\end{equation*}\n",
    .align_begin = "\\begin{align*}\n",
    .align_end = "\n\\end{align*}\n",
    .rel_first = " &= ",
    .rel_next = " \\\\\n&= ",
    .lines_begin = "{\\allowdisplaybreaks\n\\begin{align*}\n",
    .lines_sep = " \\\\[4pt]\n",
    .lines_end = "\n\\end{align*}\n}\n",
    .pair_sep = ", \\qquad ",
    .range_sep = "--",
    .abs_begin = "|",
    .abs_end = "|",
    .central_difference = "\\bigl(L(x + h) - L(x - h)\\bigr)/2h",
    .yes = "$\\checkmark$",
    .no = "$\\times$",
    .none = "--",
    .row_begin = "",
    .cell_sep = " & ",
    .row_end = " \\\\\n",
    .table_end = "\\bottomrule\n\\end{tabular}\n\\end{center}\n",
};

void bs_render_latex(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_render_doc(s, t, o, &latex);
}
