/* fuzz_spec.c — libFuzzer target: arbitrary bytes through the whole path a
 * spec takes: parse, validate, forward, backward, the numerical check (both
 * methods, every element) and every renderer in every notation.  Limits are
 * kept small so that each input runs in milliseconds. */
#include <stddef.h>
#include <stdint.h>

#include "bs_check.h"
#include "bs_net.h"
#include "bs_render.h"
#include "bs_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bs_limits lim = bs_limits_default();
    lim.max_file_bytes = 1 << 16;
    lim.max_memory = (size_t)64 << 20; /* the size cap below keeps inputs small */
    lim.max_layers = 6;
    bs_net *net = NULL;
    bs_error err;
    if (bs_net_load_string((const char *)data, size, "fuzz.json", &lim, &net, &err) != BS_OK)
        return 0;
    if (bs_net_param_count(net) * net->B > 4000) {
        bs_net_free(net);
        return 0;
    }
    for (int m = 0; m < 2; m++) {
        bs_trace *t = NULL;
        if (bs_trace_build(net, &t, &err) == BS_OK) {
            bs_check_opts o = bs_check_defaults(m ? BS_METHOD_COMPLEX : BS_METHOD_CENTRAL);
            o.full = m == 0;
            if (bs_trace_check(t, &o, &err) == BS_OK) {
                for (int f = 0; bs_format_names[f]; f++)
                    for (int n = 0; bs_notation_names[n]; n++) {
                        bs_render_opts ro = bs_render_defaults();
                        ro.format = (bs_format)f;
                        ro.notation = (bs_notation)n;
                        ro.precision = 1 + (int)(size % 17);
                        bs_sink s = bs_sink_buffer();
                        bs_render(&s, t, &ro);
                        bs_sink_free_buffer(&s);
                    }
            }
        }
        bs_trace_free(t);
    }
    bs_net_free(net);
    return 0;
}
