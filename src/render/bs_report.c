/* bs_report.c — check reports: text, JSON, TAP version 13, JUnit XML. */
#include "bs_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bs_render.h"
#include "bs_render_common.h"

#ifndef BS_VERSION
#define BS_VERSION "unknown"
#endif

const char *const bs_report_format_names[] = {"text", "json", "tap", "junit", NULL};

int bs_trace_worst_failure(const bs_trace *t, size_t *step, size_t *index)
{
    if (!t->checked || !t->failure.found || t->n_failed == 0)
        return -1;
    *step = t->failure.step;
    *index = t->failure.index;
    return 0;
}

/* "g[1W][3,2]: analytic 0.2, numeric 0.1 ± 1e-11, …; the analytic side is
 * wrong: …" (bs_render_failure) */
static void failure_text(bs_sink *s, const bs_trace *t)
{
    bs_render_failure(s, t, BS_NOTATION_G);
}

static void error_text(bs_sink *s, const bs_error *e)
{
    char line[1024];
    bs_error_format(e, line, sizeof line);
    bs_sink_puts(s, line);
}

/* ---- escaping ---- */

/* XML 1.0 text and attribute values: the five entities, and the control
 * characters XML cannot hold at all replaced by '?' */
static void xml_str(bs_sink *s, const char *v)
{
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        switch (*c) {
        case '&': bs_sink_puts(s, "&amp;"); break;
        case '<': bs_sink_puts(s, "&lt;"); break;
        case '>': bs_sink_puts(s, "&gt;"); break;
        case '"': bs_sink_puts(s, "&quot;"); break;
        case '\'': bs_sink_puts(s, "&apos;"); break;
        case '\n': bs_sink_puts(s, "&#10;"); break;
        case '\t': bs_sink_puts(s, "&#9;"); break;
        default:
            if (*c < 0x20 || *c == 0x7f)
                bs_sink_puts(s, "?");
            else
                bs_sink_write(s, (const char *)c, 1);
        }
    }
}

/* TAP descriptions and YAML plain text: one line, no '#' (a TAP directive) */
static void tap_str(bs_sink *s, const char *v)
{
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        bs_sink_write(s, *c < 0x20 ? " " : (*c == '#' ? "N" : (const char *)c), 1);
}

/* ---- the formats ---- */

static const char *status_of(const bs_report_item *it)
{
    return it->trace ? bs_verdict_word(it->trace) : "error";
}

static void write_text(bs_sink *s, const bs_report_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bs_sink_printf(s, "%s: ", items[i].file);
        const bs_trace *t = items[i].trace;
        if (t)
            bs_render_verdict(s, t, BS_NOTATION_G);
        else
            bs_sink_puts(s, "ERROR  the spec could not be checked (see the message above)");
        /* a failure names its element, both values and which side is wrong */
        if (t && !t->passed && ((t->failure.found && t->n_failed) || t->unverified) &&
            t->first_nonfinite == t->nsteps) {
            bs_sink_puts(s, " — ");
            bs_render_failure(s, t, BS_NOTATION_G);
        }
        bs_sink_puts(s, "\n");
    }
}

static void write_json(bs_sink *s, const bs_report_item *items, size_t n)
{
    size_t counts[5] = {0}; /* pass, fail, non-finite, error, unverified */
    bs_sink_printf(s, "{\n  \"backstep\": \"%s\",\n  \"specs\": [", BS_VERSION);
    for (size_t i = 0; i < n; i++) {
        const bs_report_item *it = &items[i];
        const char *st = status_of(it);
        counts[strcmp(st, "pass") == 0         ? 0
               : strcmp(st, "fail") == 0       ? 1
               : strcmp(st, "error") == 0      ? 3
               : strcmp(st, "unverified") == 0 ? 4
                                               : 2]++;
        bs_sink_printf(s, "%s\n    {\"file\": ", i ? "," : "");
        bs_sink_json_string(s, it->file);
        bs_sink_printf(s, ", \"status\": \"%s\"", st);
        if (!it->trace) {
            bs_sink b = bs_sink_buffer();
            error_text(&b, it->error);
            bs_sink_puts(s, ", \"error\": ");
            bs_sink_json_string(s, b.buf ? b.buf : "");
            bs_sink_free_buffer(&b);
            bs_sink_puts(s, "}");
            continue;
        }
        const bs_trace *t = it->trace;
        bs_sink_printf(s, ", \"method\": \"%s\", \"elements\": %zu, \"compared\": %zu, "
                          "\"failed\": %zu, \"nonfinite\": %zu, \"agree\": %zu, \"disagree\": %zu, "
                          "\"unresolved\": %zu, \"kinks_consistent\": %zu, "
                          "\"kinks_inconsistent\": %zu, \"max_rel_error\": ",
                       bs_method_names[t->opts.method], t->n_elements, t->n_compared,
                       t->n_failed, t->n_nonfinite, t->n_agree, t->n_disagree, t->n_unresolved,
                       t->n_kink_ok, t->n_kink_bad);
        bs_sink_json_number(s, t->max_rel_error);
        size_t si, k;
        if (bs_trace_worst_failure(t, &si, &k) == 0) {
            const bs_step *w = &t->steps[si];
            bs_sink_printf(s, ", \"failure\": {\"step\": \"%s\", \"index\": [%zu, %zu], "
                              "\"analytic\": ",
                           w->id, k / w->cols + 1, k % w->cols + 1);
            bs_sink_json_number(s, w->value[k]);
            bs_sink_puts(s, ", \"numeric\": ");
            bs_sink_json_number(s, w->numeric[k]);
            const bs_failure *f = &t->failure;
            bs_sink_printf(s, ", \"verdict\": \"%s\"", bs_verdict_names[f->verdict]);
            if (isfinite(f->numeric_error)) {
                bs_sink_puts(s, ", \"numeric_error\": ");
                bs_sink_json_number(s, f->numeric_error);
            }
            if (f->ratio_name)
                bs_sink_printf(s, ", \"ratio\": \"%s\"", f->ratio_name);
            if (f->side != BS_SIDE_NONE)
                bs_sink_printf(s, ", \"side\": \"%s\"", bs_side_names[f->side]);
            bs_sink_puts(s, ", \"message\": ");
            bs_sink b = bs_sink_buffer();
            failure_text(&b, t);
            bs_sink_json_string(s, b.buf ? b.buf : "");
            bs_sink_free_buffer(&b);
            bs_sink_puts(s, "}");
        }
        if (t->first_nonfinite < t->nsteps)
            bs_sink_printf(s, ", \"first_nonfinite\": \"%s\"", t->steps[t->first_nonfinite].id);
        if (t->directions) {
            bs_sink_puts(s, ", \"directions\": ");
            bs_render_directions_json(s, t, BS_NOTATION_G, 0);
        }
        bs_sink_puts(s, "}");
    }
    bs_sink_printf(s, "\n  ],\n  \"summary\": {\"specs\": %zu, \"passed\": %zu, \"failed\": %zu, "
                      "\"unverified\": %zu, \"nonfinite\": %zu, \"errors\": %zu}\n}\n",
                   n, counts[0], counts[1], counts[4], counts[2], counts[3]);
}

static void write_tap(bs_sink *s, const bs_report_item *items, size_t n)
{
    bs_sink_printf(s, "TAP version 13\n1..%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const bs_report_item *it = &items[i];
        int ok = it->trace && it->trace->passed;
        bs_sink_printf(s, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
        tap_str(s, it->file);
        bs_sink b = bs_sink_buffer();
        if (it->trace)
            bs_render_verdict(&b, it->trace, BS_NOTATION_G);
        bs_sink_puts(s, ": ");
        tap_str(s, b.buf ? b.buf : "error");
        bs_sink_free_buffer(&b);
        bs_sink_puts(s, "\n");
        if (ok)
            continue;
        b = bs_sink_buffer();
        if (it->trace)
            failure_text(&b, it->trace);
        else
            error_text(&b, it->error);
        bs_sink_printf(s, "  ---\n  status: %s\n  message: \"", status_of(it));
        /* a double-quoted YAML scalar: escape \ and " */
        for (const char *c = b.buf ? b.buf : ""; *c; c++) {
            if (*c == '"' || *c == '\\')
                bs_sink_printf(s, "\\%c", *c);
            else if ((unsigned char)*c < 0x20)
                bs_sink_puts(s, " ");
            else
                bs_sink_write(s, c, 1);
        }
        bs_sink_puts(s, "\"\n  ...\n");
        bs_sink_free_buffer(&b);
    }
}

static void write_junit(bs_sink *s, const bs_report_item *items, size_t n)
{
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].trace)
            errors++;
        else if (!items[i].trace->passed)
            failures++;
    }
    bs_sink_puts(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    bs_sink_printf(s, "<testsuites name=\"backstep\" tests=\"%zu\" failures=\"%zu\" "
                      "errors=\"%zu\">\n",
                   n, failures, errors);
    bs_sink_printf(s, "  <testsuite name=\"backstep check\" tests=\"%zu\" failures=\"%zu\" "
                      "errors=\"%zu\" skipped=\"0\">\n",
                   n, failures, errors);
    for (size_t i = 0; i < n; i++) {
        const bs_report_item *it = &items[i];
        bs_sink_puts(s, "    <testcase classname=\"backstep.check\" name=\"");
        xml_str(s, it->file);
        bs_sink_puts(s, "\"");
        if (it->trace && it->trace->passed) {
            bs_sink_puts(s, ">\n      <system-out>");
            bs_sink b = bs_sink_buffer();
            bs_render_verdict(&b, it->trace, BS_NOTATION_G);
            xml_str(s, b.buf ? b.buf : "");
            bs_sink_free_buffer(&b);
            bs_sink_puts(s, "</system-out>\n    </testcase>\n");
            continue;
        }
        bs_sink b = bs_sink_buffer();
        if (it->trace)
            failure_text(&b, it->trace);
        else
            error_text(&b, it->error);
        const char *tag = it->trace ? "failure" : "error";
        bs_sink_printf(s, ">\n      <%s type=\"%s\" message=\"", tag, status_of(it));
        xml_str(s, b.buf ? b.buf : "");
        bs_sink_puts(s, "\">");
        xml_str(s, b.buf ? b.buf : "");
        bs_sink_printf(s, "</%s>\n    </testcase>\n", tag);
        bs_sink_free_buffer(&b);
    }
    bs_sink_puts(s, "  </testsuite>\n</testsuites>\n");
}

void bs_report_write(bs_sink *s, bs_report_format f, const bs_report_item *items, size_t n)
{
    switch (f) {
    case BS_REPORT_JSON: write_json(s, items, n); break;
    case BS_REPORT_TAP: write_tap(s, items, n); break;
    case BS_REPORT_JUNIT: write_junit(s, items, n); break;
    default: write_text(s, items, n); break;
    }
}
