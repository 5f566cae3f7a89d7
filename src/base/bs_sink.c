/* bs_sink.c — FILE * and memory sinks. */
#include "bs_sink.h"

#include <math.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

bs_sink bs_sink_file(FILE *fp)
{
    bs_sink s;
    memset(&s, 0, sizeof s);
    s.fp = fp;
    return s;
}

bs_sink bs_sink_buffer(void)
{
    bs_sink s;
    memset(&s, 0, sizeof s);
    return s;
}

void bs_sink_free_buffer(bs_sink *s)
{
    if (!s)
        return;
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

void bs_sink_write(bs_sink *s, const char *data, size_t n)
{
    if (!s || s->failed || n == 0)
        return;
    if (s->fp) {
        if (fwrite(data, 1, n, s->fp) != n)
            s->failed = 1;
        return;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1) {
            if (cap > ((size_t)-1) / 2) {
                s->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            s->failed = 1;
            return;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

void bs_sink_puts(bs_sink *s, const char *str)
{
    if (str)
        bs_sink_write(s, str, strlen(str));
}

void bs_sink_printf(bs_sink *s, const char *fmt, ...)
{
    if (!s || s->failed)
        return;
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        bs_sink_write(s, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        s->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bs_sink_write(s, big, (size_t)n);
    free(big);
}

void bs_sink_repeat(bs_sink *s, const char *str, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bs_sink_puts(s, str);
}

int bs_sink_status(const bs_sink *s)
{
    if (!s || s->failed)
        return -1;
    if (s->fp && ferror(s->fp))
        return -1;
    return 0;
}

void bs_sink_json_string(bs_sink *s, const char *v)
{
    if (!v) {
        bs_sink_puts(s, "null");
        return;
    }
    bs_sink_puts(s, "\"");
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        switch (*c) {
        case '"': bs_sink_puts(s, "\\\""); break;
        case '\\': bs_sink_puts(s, "\\\\"); break;
        case '\n': bs_sink_puts(s, "\\n"); break;
        case '\r': bs_sink_puts(s, "\\r"); break;
        case '\t': bs_sink_puts(s, "\\t"); break;
        default:
            if (*c < 0x20)
                bs_sink_printf(s, "\\u%04x", *c);
            else
                bs_sink_write(s, (const char *)c, 1);
        }
    }
    bs_sink_puts(s, "\"");
}

void bs_sink_json_number(bs_sink *s, double v)
{
    if (isnan(v))
        bs_sink_puts(s, "\"NaN\"");
    else if (isinf(v))
        bs_sink_puts(s, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else if (v == 0.0)
        bs_sink_puts(s, "0");
    else
        bs_sink_printf(s, "%.17g", v);
}

/* 1 when `v` is a whole finite decimal number ("-0.0113", "+2e-5"): a
 * spreadsheet reads it as that number and runs nothing */
static int is_number(const char *v)
{
    if (v[strspn(v, "0123456789.eE+-")] != '\0')
        return 0;
    char *end;
    double d = strtod(v, &end);
    return end != v && *end == '\0' && isfinite(d);
}

void bs_sink_csv_field(bs_sink *s, const char *v)
{
    /* a cell that starts with = + - @ TAB or CR is a formula to a
     * spreadsheet; OWASP's advice for CSV is to prefix it with ' and quote it */
    int formula = v[0] && strchr("=+-@\t\r", v[0]) && !is_number(v);
    if (!formula && !strpbrk(v, ",\"\r\n")) {
        bs_sink_puts(s, v);
        return;
    }
    bs_sink_puts(s, formula ? "\"'" : "\"");
    for (; *v; v++)
        bs_sink_puts(s, *v == '"' ? "\"\"" : (char[2]){*v, 0});
    bs_sink_puts(s, "\"");
}
