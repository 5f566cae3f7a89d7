/* bs_render_markdown.c — the trace as GitHub-flavoured Markdown.
 *
 * The document of bs_render_doc.h in Markdown: "##" sections, prose through
 * bs_text_markdown, the numerical check as a pipe table.  Display math is
 * always "$$", one line of LaTeX, "$$", so that no line of it can be read as
 * Markdown.
 */
#include <math.h>
#include <stdio.h>

#include "bs_render_markdown.h"
#include "bs_render.h"
#include "bs_latex.h"
#include "bs_render_common.h"
#include "bs_render_doc.h"

static void title(bs_sink *s, const char *name, const char *source)
{
    bs_sink_puts(s, "# ");
    bs_text_markdown(s, name);
    bs_sink_puts(s, "\n\n");
    if (source) {
        bs_sink_puts(s, "Spec: ");
        bs_text_markdown(s, source);
        bs_sink_puts(s, "\n\n");
    }
}

static void step_title(bs_sink *s, const bs_step *st, bs_notation nt)
{
    char name[48];
    bs_step_name(name, sizeof name, st, nt);
    bs_text_markdown(s, name);
    bs_sink_printf(s, " (%zu×%zu)", st->rows, st->cols);
}

static void number(bs_sink *s, double v, int precision)
{
    char b[48];
    if (isnan(v))
        snprintf(b, sizeof b, "NaN");
    else
        bs_fmt_num(b, sizeof b, v, precision);
    bs_sink_puts(s, b);
}

/* an error in two digits: 1.2e-09 */
static void small(bs_sink *s, double v)
{
    if (isnan(v))
        bs_sink_puts(s, "NaN");
    else if (isinf(v))
        bs_sink_puts(s, v > 0 ? "inf" : "-inf");
    else
        bs_sink_printf(s, "%.2g", v);
}

/* the line under the header row: |:--|--:|:-:| */
static void table_head_end(bs_sink *s, const char *align)
{
    bs_sink_puts(s, "|");
    for (; *align; align++)
        bs_sink_puts(s, *align == 'l' ? ":--|" : *align == 'r' ? "--:|" : ":-:|");
    bs_sink_puts(s, "\n");
}

static size_t terms_per_line(int precision)
{
    (void)precision;
    return 3;
}

static const bs_doc_format markdown = {
    .title = title,
    .step_title = step_title,
    .text = bs_text_markdown,
    .name = bs_text_markdown,
    .number = number,
    .small = small,
    .table_head_end = table_head_end,
    .terms_per_line = terms_per_line,
    .line = 0,
    .section_begin = "## ",
    .section_end = "\n\n",
    .strong_begin = "**",
    .strong_end = "**",
    .emph_begin = "*",
    .emph_end = "*",
    .code_begin = "",
    .code_end = "",
    .item = "- ",
    .field_sep = "\n",
    .line_end = "\n\n",
    .block_end = "",
    .display_begin = "$$\n",
    .display_end = "\n$$\n\n",
    .align_begin = "$$\n",
    .align_end = "\n$$\n\n",
    .rel_first = " = ",
    .rel_next = " = ",
    .lines_begin = "$$\n\\begin{aligned} ",
    .lines_sep = " \\\\[4pt] ",
    .lines_end = " \\end{aligned}\n$$\n\n",
    .pair_sep = ", \\quad ",
    .range_sep = "-",
    .abs_begin = "\\vert ",
    .abs_end = " \\vert",
    .central_difference = "\\frac{L(x + h) - L(x - h)}{2h}",
    .yes = "✓",
    .no = "✗",
    .none = "–",
    .row_begin = "| ",
    .cell_sep = " | ",
    .row_end = " |\n",
    .table_end = "\n",
};

void bs_render_markdown(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_render_doc(s, t, o, &markdown);
}
