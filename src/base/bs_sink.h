/* bs_sink.h — where renderers write.
 *
 * A sink is either a FILE * or a growing memory buffer.  Renderers write
 * only through a sink, so the same code fills a terminal, a file or a string.
 * A sink remembers the first write error; later writes are skipped.
 */
#ifndef BS_SINK_H
#define BS_SINK_H

#include <stdio.h>
#include <stddef.h>

typedef struct bs_sink {
    FILE *fp;      /* non-NULL: write here */
    char *buf;     /* memory sink: the text so far, NUL-terminated */
    size_t len;
    size_t cap;
    int failed;    /* a write or an allocation failed */
    int color;     /* renderers may emit ANSI colour */
} bs_sink;

/* Returns a sink that writes to fp (not closed by the sink). */
bs_sink bs_sink_file(FILE *fp);

/* Returns an empty memory sink; free its text with bs_sink_free_buffer(). */
bs_sink bs_sink_buffer(void);

/* Frees a memory sink's text (safe on any sink, and twice). */
void bs_sink_free_buffer(bs_sink *s);

/* Writes n bytes. */
void bs_sink_write(bs_sink *s, const char *data, size_t n);

/* Writes a NUL-terminated string. */
void bs_sink_puts(bs_sink *s, const char *str);

/* Writes formatted text, like printf. */
void bs_sink_printf(bs_sink *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Writes `count` copies of the string `str`. */
void bs_sink_repeat(bs_sink *s, const char *str, size_t count);

/* Writes `str` as a JSON string, quoted, with the escapes RFC 8259 requires;
 * NULL is written as null. */
void bs_sink_json_string(bs_sink *s, const char *str);

/* Writes a number as JSON: with 17 significant digits (enough to read back
 * the same double), 0 as 0.  NaN and ±infinity, which JSON cannot hold, are
 * written as the strings "NaN", "Infinity" and "-Infinity" (what Python's
 * float() and JavaScript's Number() read back), never as bare tokens.
 * Every number of every JSON output goes through here. */
void bs_sink_json_number(bs_sink *s, double v);

/* Writes a text field of CSV (RFC 4180): as it is, or in double quotes
 * with each quote doubled when it holds a comma, a quote or a line break.
 * A field that a spreadsheet would run as a formula — one that starts with
 * '=', '+', '-', '@', a tab or a carriage return and is not a whole number
 * such as -0.0113 — is written as OWASP advises for CSV: quoted, with a
 * single quote before it ("'=1+1"), so that it shows as text.  Numbers
 * computed by backstep are written as numbers, not through this. */
void bs_sink_csv_field(bs_sink *s, const char *v);

/* Returns 0 if every write so far succeeded, else -1. */
int bs_sink_status(const bs_sink *s);

#endif
