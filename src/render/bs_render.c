/* bs_render.c — choosing a renderer. */
#include "bs_render.h"

#include "bs_render_dot.h"
#include "bs_render_html.h"
#include "bs_render_json.h"
#include "bs_render_latex.h"
#include "bs_render_markdown.h"
#include "bs_render_npz.h"
#include "bs_render_text.h"

int bs_render(bs_sink *s, const bs_trace *t, const bs_render_opts *o)
{
    bs_render_opts d = o ? *o : bs_render_defaults();
    switch (d.format) {
    case BS_FORMAT_JSON:
        bs_render_json(s, t, &d);
        break;
    case BS_FORMAT_MARKDOWN:
        bs_render_markdown(s, t, &d);
        break;
    case BS_FORMAT_LATEX:
        bs_render_latex(s, t, &d);
        break;
    case BS_FORMAT_HTML:
        bs_render_html(s, t, &d);
        break;
    case BS_FORMAT_DOT:
        bs_render_dot(s, t, &d);
        break;
    case BS_FORMAT_NPZ:
        bs_render_npz(s, t, &d);
        break;
    default:
        bs_render_text(s, t, &d);
        break;
    }
    return bs_sink_status(s);
}
