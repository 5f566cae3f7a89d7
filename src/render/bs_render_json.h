/* bs_render_json.h — the JSON renderer. */
#ifndef BS_RENDER_JSON_H
#define BS_RENDER_JSON_H

#include "bs_render_common.h"

/* The JSON renderer (docs/json-output.md). */
void bs_render_json(bs_sink *s, const bs_trace *t, const bs_render_opts *o);

#endif
