/* bs_error.c — errors as values, and the "did you mean" helper. */
#include "bs_error.h"

#include <stdio.h>
#include <string.h>

void bs_error_clear(bs_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

bs_status bs_error_set(bs_error *err, bs_status status, const char *where,
                       const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void bs_error_set_file(bs_error *err, const char *file)
{
    if (!err)
        return;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
}

/* 1 for "12:7", 0 for a JSON path */
static int is_line_column(const char *w)
{
    size_t i = 0;
    while (w[i] >= '0' && w[i] <= '9')
        i++;
    if (i == 0 || w[i] != ':')
        return 0;
    size_t j = ++i;
    while (w[i] >= '0' && w[i] <= '9')
        i++;
    return i > j && w[i] == '\0';
}

/* Writes byte c into piece as a message shows it: a control character
 * escaped as in JSON (\n, \t, \u001b), and with `quotes` a double quote
 * or a backslash too. */
static void escape_one(unsigned char c, int quotes, char piece[8])
{
    if (quotes && (c == '"' || c == '\\'))
        snprintf(piece, 8, "\\%c", c);
    else if (c == '\n')
        snprintf(piece, 8, "\\n");
    else if (c == '\t')
        snprintf(piece, 8, "\\t");
    else if (c < 0x20 || c == 0x7f)
        snprintf(piece, 8, "\\u%04x", c);
    else {
        piece[0] = (char)c;
        piece[1] = '\0';
    }
}

void bs_error_quote(char *buf, size_t size, const char *text)
{
    size_t o = 0, shown = 0;
    if (!buf || size == 0)
        return;
    for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; c++) {
        char piece[8];
        escape_one(*c, 1, piece);
        if ((*c & 0xC0) != 0x80 && ++shown > 60) {
            const char *more = "…";
            if (o + strlen(more) < size) {
                memcpy(buf + o, more, strlen(more));
                o += strlen(more);
            }
            break;
        }
        size_t len = strlen(piece);
        if (o + len >= size)
            break;
        memcpy(buf + o, piece, len);
        o += len;
    }
    buf[o] = '\0';
}

void bs_escape_controls(char *out, size_t size, const char *in)
{
    if (!out || size == 0)
        return;
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)(in ? in : ""); *c; c++) {
        char piece[8];
        escape_one(*c, 0, piece);
        size_t len = strlen(piece);
        if (o + len >= size)
            break;
        memcpy(out + o, piece, len);
        o += len;
    }
    out[o] = '\0';
}

void bs_error_format(const bs_error *err, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    if (!err) {
        out[0] = '\0';
        return;
    }
    /* the parts joined, then control characters escaped: a file name, a
     * key or an id with a newline in it cannot break the line */
    char buf[sizeof err->file + sizeof err->where + sizeof err->message + 8];
    size = size < sizeof buf ? size : sizeof buf;
    size_t n = 0;
    int w;
    if (err->file[0]) {
        w = snprintf(buf + n, size - n, "%s: ", err->file);
        n = (w < 0 || (size_t)w >= size - n) ? size - 1 : n + (size_t)w;
    }
    if (err->where[0] && n < size - 1) {
        /* a line:column place joins the file name with ':' as compilers do */
        int is_linecol = is_line_column(err->where);
        if (is_linecol && n >= 2 && buf[n - 2] == ':' && buf[n - 1] == ' ')
            n -= 1;
        w = snprintf(buf + n, size - n, "%s: ", err->where);
        n = (w < 0 || (size_t)w >= size - n) ? size - 1 : n + (size_t)w;
    }
    if (n < size - 1)
        snprintf(buf + n, size - n, "%s", err->message);
    bs_escape_controls(out, size, buf);
}

const char *bs_status_name(bs_status status)
{
    switch (status) {
    case BS_OK: return "ok";
    case BS_ERR_USAGE: return "usage error";
    case BS_ERR_SYNTAX: return "syntax error";
    case BS_ERR_SPEC: return "spec error";
    case BS_ERR_LIMIT: return "limit exceeded";
    case BS_ERR_IO: return "i/o error";
    case BS_ERR_NOMEM: return "out of memory";
    case BS_ERR_NUMERIC: return "non-finite value";
    }
    return "error";
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
 * on bytes; words longer than 63 bytes are never suggested. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *bs_suggest(const char *word, const char *const *candidates)
{
    if (!word || !candidates)
        return NULL;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; candidates[i]; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* none for an empty word, whose nearest candidate is merely the
     * shortest one */
    size_t len = strlen(word), limit = len <= 3 ? 1 : 2;
    return len > 0 && best_d <= limit ? best : NULL;
}
