/* bs_report.h — reports of `backstep check` over several specs, for people
 * and for CI systems: text (one line per spec), JSON, TAP version 13 and
 * JUnit XML.  Every report is well-formed whatever the specs hold, and a
 * spec that could not be loaded is an error, never a pass.
 */
#ifndef BS_REPORT_H
#define BS_REPORT_H

#include <stddef.h>

#include "bs_error.h"
#include "bs_sink.h"
#include "bs_trace.h"

typedef enum bs_report_format {
    BS_REPORT_TEXT = 0,
    BS_REPORT_JSON,
    BS_REPORT_TAP,
    BS_REPORT_JUNIT
} bs_report_format;

/* Names of the report formats, NULL-terminated, in bs_report_format order. */
extern const char *const bs_report_format_names[];

/* The outcome of checking one spec: a checked trace, or the error that
 * stopped it (trace NULL).  Both are borrowed by the report. */
typedef struct bs_report_item {
    const char *file;
    const bs_trace *trace;
    const bs_error *error;
} bs_report_item;

/* Writes the report of n items in a format. */
void bs_report_write(bs_sink *s, bs_report_format f, const bs_report_item *items,
                     size_t n);

/* Finds the element that decides a failed check: the disagreeing element
 * with the largest relative error (a non-finite one first).  Returns 0 and
 * sets *step and *index (displayed r·cols + c), or -1 when nothing failed. */
int bs_trace_worst_failure(const bs_trace *t, size_t *step, size_t *index);

#endif
