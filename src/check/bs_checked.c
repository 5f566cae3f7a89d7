/* bs_checked.c — load, build and check a spec's trace in one call. */
#include "bs_checked.h"

#include "bs_check.h"

bs_status bs_checked_trace(const bs_net *net, const bs_check_opts *opts, bs_trace **out,
                           bs_error *err)
{
    *out = NULL;
    bs_trace *t = NULL;
    bs_status st = bs_trace_build(net, &t, err);
    if (st == BS_OK && opts)
        st = bs_trace_check(t, opts, err);
    if (st != BS_OK) {
        bs_trace_free(t);
        return st;
    }
    *out = t;
    return BS_OK;
}

bs_status bs_checked_string(const char *text, size_t len, const char *name,
                            const bs_limits *limits, const bs_check_opts *opts, bs_net **net,
                            bs_trace **out, bs_error *err)
{
    *out = NULL;
    bs_status st = bs_net_load_string(text, len, name, limits, net, err);
    if (st == BS_OK)
        st = bs_checked_trace(*net, opts, out, err);
    if (st != BS_OK) {
        bs_net_free(*net);
        *net = NULL;
    }
    return st;
}
