/* bs_json.c — strict JSON reading with precise error places.
 *
 * bs_json_parse() first runs a hand-written recursive-descent validator over
 * the bytes (RFC 8259, strict), which keeps track of the line, the column
 * (in UTF-8 characters) and the nesting depth, and stops at the first problem
 * with a message saying what was expected there.  Only a text that passes is
 * handed to cJSON to build the tree, so cJSON's leniencies (duplicate keys,
 * infinite numbers, unlimited nesting, unchecked UTF-8) never reach callers.
 *
 * Two deliberate refusals beyond RFC 8259: the escape \u0000 (C strings, and
 * so cJSON, cannot hold it: the string would be silently cut short) and a
 * UTF-16 byte order mark (the file must be UTF-8).
 */
#define _POSIX_C_SOURCE 200809L

#include "bs_json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define VALUE_EXPECTED \
    "expected a value (number, string, array, object, true, false or null)"

/* One key seen in some object, for duplicate detection.  The key's bytes
 * (unescaped) live in the parser's arena at [off, off + len). */
typedef struct key_rec {
    size_t obj;  /* serial number of the object holding the key */
    size_t off;
    size_t len;
    size_t line; /* where the key's opening quote is */
    size_t col;
    uint64_t hash;
} key_rec;

/* The validator's state: the input, the current place, the innermost open
 * container, and the duplicate-key table. */
typedef struct parser {
    const unsigned char *s;
    size_t len;
    size_t pos;
    size_t line;
    size_t col;
    int max_depth;
    bs_error *err;
    bs_status status;

    int open_kind; /* '[' or '{' for the innermost open container, or 0 */
    size_t open_line;
    size_t open_col;

    /* Duplicate keys: every key of every object goes into one open-addressing
     * hash table keyed by (object serial, unescaped key bytes), so a
     * duplicate is found as soon as it is read, in linear expected time. */
    size_t next_obj;
    unsigned char *arena;
    size_t arena_len;
    size_t arena_cap;
    key_rec *recs;
    size_t nrecs;
    size_t recs_cap;
    size_t *slots; /* 0 = empty, else index into recs plus one */
    size_t slots_cap; /* a power of two, or 0 */
} parser;

/* Records an error at line:col with a printf-style message; returns -1. */
static int fail_at(parser *p, bs_status status, size_t line, size_t col,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int fail_at(parser *p, bs_status status, size_t line, size_t col,
                   const char *fmt, ...)
{
    char msg[512];
    char where[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%zu:%zu", line, col);
    p->status = status;
    bs_error_set(p->err, status, where, "%s", msg);
    return -1;
}

/* Reports running out of memory; returns -1. */
static int fail_nomem(parser *p)
{
    return fail_at(p, BS_ERR_NOMEM, p->line, p->col,
                   "out of memory while checking the JSON");
}

/* True when the input is used up. */
static int at_end(const parser *p)
{
    return p->pos >= p->len;
}

/* The current byte, or 0 at the end (check at_end() where 0 matters). */
static unsigned char peek(const parser *p)
{
    return p->pos < p->len ? p->s[p->pos] : 0;
}

/* Steps over `n` ASCII bytes that are not line breaks. */
static void advance(parser *p, size_t n)
{
    p->pos += n;
    p->col += n;
}

/* Steps over JSON whitespace (space, tab, CR, LF), counting lines. */
static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p->col++;
        } else {
            break;
        }
        p->pos++;
    }
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_value(unsigned char c)
{
    if (is_digit(c))
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

/* Decodes one UTF-8 character from `s` (with `avail` bytes available) into
 * *cp; returns its length in bytes, or 0 when the bytes are not well-formed
 * UTF-8 (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char b = s[i];
        if (b < lo || b > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (uint32_t)(b & 0x3Fu);
    }
    *cp = v;
    return n;
}

/* Reports end of input where more was expected, naming the innermost
 * container that is still open. */
static int fail_truncated(parser *p)
{
    if (p->open_kind)
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "unexpected end of input: the JSON is truncated "
                       "(%s opened at %zu:%zu is not closed)",
                       p->open_kind == '[' ? "an array" : "an object",
                       p->open_line, p->open_col);
    return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                   "unexpected end of input: the JSON is truncated");
}

/* Reports a NUL byte at the current place. */
static int fail_nul(parser *p)
{
    return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                   "unexpected NUL byte (0x00) in the input "
                   "(is the file binary, or UTF-16 encoded?)");
}

/* Reports the malformed UTF-8 sequence starting at the current place. */
static int fail_bad_utf8(parser *p)
{
    return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                   "invalid UTF-8 byte 0x%02x (the file must be UTF-8 encoded)",
                   (unsigned)peek(p));
}

/* Reports that `expected` was expected at the current place, naming what
 * was found instead.  End of input, NUL bytes and bad UTF-8 get their own
 * messages. */
static int fail_unexpected(parser *p, const char *expected)
{
    if (at_end(p))
        return fail_truncated(p);
    unsigned char c = peek(p);
    if (c == 0)
        return fail_nul(p);
    if (c >= 0x80) {
        uint32_t cp = 0;
        if (!utf8_decode(p->s + p->pos, p->len - p->pos, &cp))
            return fail_bad_utf8(p);
        if (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019)
            return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                           "%s, found U+%04lX (a curly quote; JSON strings "
                           "need straight double quotes \")",
                           expected, (unsigned long)cp);
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col, "%s, found U+%04lX",
                       expected, (unsigned long)cp);
    }
    if (c < 0x20 || c == 0x7F)
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "%s, found control character U+%04X", expected,
                       (unsigned)c);
    if (c == '\'')
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "%s, found a single quote (JSON strings use double "
                       "quotes)",
                       expected);
    if (c == '/')
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "%s, found '/' (JSON has no comments)", expected);
    if (is_alpha(c)) {
        char word[28];
        size_t n = 0;
        while (p->pos + n < p->len && n < 24 &&
               (is_alpha(p->s[p->pos + n]) || is_digit(p->s[p->pos + n]) ||
                p->s[p->pos + n] == '_')) {
            word[n] = (char)p->s[p->pos + n];
            n++;
        }
        word[n] = '\0';
        int literal_case = 0;
        const char *lits[] = {"true", "false", "null"};
        for (size_t i = 0; i < 3; i++) {
            size_t m = strlen(lits[i]);
            if (n != m)
                continue;
            size_t j = 0;
            while (j < m && (word[j] | 0x20) == lits[i][j])
                j++;
            if (j == m)
                literal_case = 1;
        }
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col, "%s, found '%s'%s",
                       expected, word,
                       literal_case ? " (true, false and null are lower-case)"
                                    : "");
    }
    return fail_at(p, BS_ERR_SYNTAX, p->line, p->col, "%s, found '%c'",
                   expected, (char)c);
}

/* The key bytes at arena[off]; an empty key before anything was stored in
 * the arena (which is then still NULL) reads as "". */
static const unsigned char *arena_at(const parser *p, size_t off)
{
    return p->arena ? p->arena + off : (const unsigned char *)"";
}

/* Appends `n` bytes to the key arena; returns -1 when out of memory. */
static int arena_put(parser *p, const unsigned char *b, size_t n)
{
    if (n == 0)
        return 0;
    if (n > p->arena_cap - p->arena_len) {
        size_t cap = p->arena_cap ? p->arena_cap : 256;
        while (n > cap - p->arena_len) {
            if (cap > SIZE_MAX / 2)
                return fail_nomem(p);
            cap *= 2;
        }
        unsigned char *a = realloc(p->arena, cap);
        if (!a)
            return fail_nomem(p);
        p->arena = a;
        p->arena_cap = cap;
    }
    memcpy(p->arena + p->arena_len, b, n);
    p->arena_len += n;
    return 0;
}

/* Appends code point `cp` to the key arena as UTF-8. */
static int arena_put_cp(parser *p, uint32_t cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (cp >> 18));
        b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return arena_put(p, b, n);
}

/* Writes a key (unescaped bytes) into `out` for a message: quotes,
 * backslashes and control characters escaped, cut to about 40 bytes with
 * "..." (never inside a UTF-8 character). */
static void render_key(const unsigned char *k, size_t len, char *out,
                       size_t size)
{
    size_t o = 0, i = 0;
    const size_t budget = 40;
    while (i < len) {
        unsigned char c = k[i];
        char tmp[8];
        size_t n;
        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            n = 2;
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)c);
            n = 6;
        } else {
            n = 1;
            if (c >= 0xF0)
                n = 4;
            else if (c >= 0xE0)
                n = 3;
            else if (c >= 0xC0)
                n = 2;
            if (n > len - i)
                n = len - i;
            memcpy(tmp, k + i, n);
        }
        if (o + n > budget || o + n + 4 > size) {
            if (o + 4 <= size) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, tmp, n);
        o += n;
        i += (c >= 0x80) ? n : 1;
    }
    out[o] = '\0';
}

/* 64-bit FNV-1a over the object serial and the key bytes. */
static uint64_t key_hash(size_t obj, const unsigned char *k, size_t len)
{
    uint64_t h = 1469598103934665603u;
    uint64_t o = (uint64_t)obj;
    for (int i = 0; i < 8; i++) {
        h ^= (o >> (8 * i)) & 0xFFu;
        h *= 1099511628211u;
    }
    for (size_t i = 0; i < len; i++) {
        h ^= k[i];
        h *= 1099511628211u;
    }
    return h ^ (h >> 29);
}

/* Doubles the slot table (or creates it) and re-inserts every key. */
static int slots_grow(parser *p)
{
    size_t cap = p->slots_cap ? p->slots_cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof *p->slots)
        return fail_nomem(p);
    size_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return fail_nomem(p);
    size_t mask = cap - 1;
    for (size_t r = 0; r < p->nrecs; r++) {
        size_t i = (size_t)p->recs[r].hash & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = r + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->slots_cap = cap;
    return 0;
}

/* Registers the key at arena[off, off+len) of object `obj`, read at
 * line:col; reports a duplicate if that object already has the key.
 * Keys are compared after unescaping, so "a" and "\u0061" are the same. */
static int key_insert(parser *p, size_t obj, size_t off, size_t len,
                      size_t line, size_t col)
{
    if ((p->nrecs + 1) * 2 > p->slots_cap && slots_grow(p))
        return -1;
    if (p->nrecs == p->recs_cap) {
        size_t cap = p->recs_cap ? p->recs_cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *p->recs)
            return fail_nomem(p);
        key_rec *r = realloc(p->recs, cap * sizeof *r);
        if (!r)
            return fail_nomem(p);
        p->recs = r;
        p->recs_cap = cap;
    }
    const unsigned char *k = arena_at(p, off);
    uint64_t h = key_hash(obj, k, len);
    size_t mask = p->slots_cap - 1;
    size_t i = (size_t)h & mask;
    while (p->slots[i]) {
        const key_rec *r = &p->recs[p->slots[i] - 1];
        if (r->hash == h && r->obj == obj && r->len == len &&
            memcmp(arena_at(p, r->off), k, len) == 0) {
            char shown[64];
            render_key(k, len, shown, sizeof shown);
            return fail_at(p, BS_ERR_SYNTAX, line, col,
                           "duplicate key \"%s\" (first defined at %zu:%zu)",
                           shown, r->line, r->col);
        }
        i = (i + 1) & mask;
    }
    key_rec *r = &p->recs[p->nrecs++];
    r->obj = obj;
    r->off = off;
    r->len = len;
    r->line = line;
    r->col = col;
    r->hash = h;
    p->slots[i] = p->nrecs;
    return 0;
}

/* Reads four hex digits at byte offset `at`: 1 and *v on success, 0 when a
 * non-hex byte is in the way, -1 when the input ends first. */
static int read_hex4(const parser *p, size_t at, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = 0; i < 4; i++) {
        if (at + i >= p->len)
            return -1;
        unsigned char c = p->s[at + i];
        if (!is_hex(c))
            return 0;
        x = x * 16 + hex_value(c);
    }
    *v = x;
    return 1;
}

/* Validates one string starting at its opening quote and steps past it.
 * With `decode`, the unescaped bytes are appended to the key arena. */
/* The error for control character c (< 0x20, not NUL) inside a string
 * opened at open_line:open_col. */
static int fail_control(parser *p, unsigned char c, size_t open_line, size_t open_col)
{
        const char *esc = NULL;
        char uesc[8];
        switch (c) {
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            snprintf(uesc, sizeof uesc, "\\u%04x", (unsigned)c);
            esc = uesc;
            break;
        }
        if (c == '\n')
            return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                           "control character U+000A in a string (escape "
                           "it as \\n); the string opened at %zu:%zu may "
                           "lack its closing quote",
                           open_line, open_col);
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "control character U+%04X in a string (escape it "
                       "as %s)",
                       (unsigned)c, esc);
}

/* A \u escape at p->pos (the backslash at bl:bc), with a surrogate pair
 * read whole; its code point is added to the string when decoding. */
static int parse_u_escape(parser *p, int decode, size_t bl, size_t bc, size_t open_line,
                          size_t open_col)
{
    unsigned v = 0;
    int h = read_hex4(p, p->pos + 2, &v);
    if (h < 0)
        return fail_at(p, BS_ERR_SYNTAX, p->line,
                       p->col + (p->len - p->pos),
                       "unterminated string (opened at %zu:%zu)",
                       open_line, open_col);
    if (h == 0)
        return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                       "invalid \\u escape in a string: expected four hex "
                       "digits after \\u");
    size_t used = 6;
    uint32_t cp = v;
    if (v == 0)
        return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                       "the escape \\u0000 (a NUL character) is not "
                       "supported in strings");
    if (v >= 0xDC00 && v <= 0xDFFF)
        return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                       "invalid \\u escape in a string: \\u%04X is a lone "
                       "low surrogate",
                       v);
    if (v >= 0xD800 && v <= 0xDBFF) {
        size_t q = p->pos + 6;
        unsigned lo = 0;
        int ok = 0;
        if (q >= p->len || (p->s[q] == '\\' && q + 1 >= p->len))
            return fail_at(p, BS_ERR_SYNTAX, p->line,
                           p->col + (p->len - p->pos),
                           "unterminated string (opened at %zu:%zu)",
                           open_line, open_col);
        if (p->s[q] == '\\' && p->s[q + 1] == 'u') {
            int h2 = read_hex4(p, q + 2, &lo);
            if (h2 < 0)
                return fail_at(p, BS_ERR_SYNTAX, p->line,
                               p->col + (p->len - p->pos),
                               "unterminated string (opened at %zu:%zu)",
                               open_line, open_col);
            ok = h2 > 0 && lo >= 0xDC00 && lo <= 0xDFFF;
        }
        if (!ok)
            return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                           "invalid \\u escape in a string: \\u%04X is a "
                           "high surrogate and must be followed by a low "
                           "one (\\uDC00 to \\uDFFF)",
                           v);
        cp = 0x10000 + (((uint32_t)v - 0xD800) << 10) +
             ((uint32_t)lo - 0xDC00);
        used = 12;
    }
    if (decode && arena_put_cp(p, cp))
        return -1;
    advance(p, used);
    return 0;
}

/* A backslash escape at p->pos inside a string opened at open_line:open_col;
 * its character is added to the string when decoding. */
static int parse_escape(parser *p, int decode, size_t open_line, size_t open_col)
{
    size_t bl = p->line, bc = p->col;
    if (p->pos + 1 >= p->len)
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col + 1,
                       "unterminated string (opened at %zu:%zu)",
                       open_line, open_col);
    unsigned char e = p->s[p->pos + 1];
    unsigned char out = 0;
    switch (e) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u': break;
    default:
        if (e == '\'')
            return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                           "invalid escape \\' in a string (a single "
                           "quote needs no escape)");
        if (e > 0x20 && e < 0x7F)
            return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                           "invalid escape \\%c in a string (valid: \\\" "
                           "\\\\ \\/ \\b \\f \\n \\r \\t and \\u with four hex digits)",
                           (char)e);
        if (e == 0)
            return fail_at(p, BS_ERR_SYNTAX, bl, bc + 1,
                           "unexpected NUL byte (0x00) in the input "
                           "(is the file binary, or UTF-16 encoded?)");
        return fail_at(p, BS_ERR_SYNTAX, bl, bc,
                       "invalid escape in a string: a backslash followed "
                       "by byte 0x%02x",
                       (unsigned)e);
    }
    if (e == 'u')
        return parse_u_escape(p, decode, bl, bc, open_line, open_col);
    if (decode && arena_put(p, &out, 1))
        return -1;
    advance(p, 2);
    return 0;
}

static int parse_string(parser *p, int decode)
{
    size_t open_line = p->line, open_col = p->col;
    advance(p, 1);
    for (;;) {
        /* copy a run of plain ASCII at once */
        size_t run = p->pos;
        while (run < p->len && p->s[run] >= 0x20 && p->s[run] < 0x80 &&
               p->s[run] != '"' && p->s[run] != '\\')
            run++;
        if (run > p->pos) {
            if (decode && arena_put(p, p->s + p->pos, run - p->pos))
                return -1;
            advance(p, run - p->pos);
        }
        if (at_end(p))
            return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                           "unterminated string (opened at %zu:%zu)",
                           open_line, open_col);
        unsigned char c = peek(p);
        if (c == '"') {
            advance(p, 1);
            return 0;
        }
        if (c == 0)
            return fail_nul(p);
        if (c < 0x20)
            return fail_control(p, c, open_line, open_col);
        if (c >= 0x80) {
            uint32_t cp = 0;
            size_t n = utf8_decode(p->s + p->pos, p->len - p->pos, &cp);
            if (!n)
                return fail_bad_utf8(p);
            if (decode && arena_put(p, p->s + p->pos, n))
                return -1;
            p->pos += n;
            p->col += 1;
            continue;
        }
        /* a backslash escape */
        if (parse_escape(p, decode, open_line, open_col))
            return -1;
    }
}

/* Renders a number literal for a message: at most 30 characters, the rest
 * replaced by "...". The literal is ASCII. */
static void render_literal(const unsigned char *s, size_t n, char *out,
                           size_t size)
{
    size_t keep = n <= 30 ? n : 27;
    if (keep > size - 4)
        keep = size - 4;
    memcpy(out, s, keep);
    if (keep < n) {
        memcpy(out + keep, "...", 3);
        keep += 3;
    }
    out[keep] = '\0';
}

/* True for the bytes that can continue a number-like token. */
static int is_number_char(unsigned char c)
{
    return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '-' ||
           c == '_';
}

/* Validates a number at the current place (which starts with a digit, '-',
 * '+' or '.') and checks that it does not overflow a double. */
static int parse_number(parser *p)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, end = start;
    while (end < p->len && is_number_char(s[end]))
        end++;
    size_t n = end - start;
    char lit[40];
    render_literal(s + start, n, lit, sizeof lit);

#define AT(k) ((k) < end ? s[k] : (unsigned char)0)
    size_t i = start;
    const char *why = NULL;
    if (AT(i) == '+') {
        why = "a leading '+' is not allowed";
    } else {
        if (AT(i) == '-')
            i++;
        if (AT(i) == '.') {
            why = "a digit is required before '.'";
        } else if (!is_digit(AT(i))) {
            why = "a digit is required after '-'";
        } else if (AT(i) == '0' && is_digit(AT(i + 1))) {
            why = "leading zeros are not allowed";
        } else {
            while (is_digit(AT(i)))
                i++;
            if (AT(i) == '.') {
                i++;
                if (!is_digit(AT(i)))
                    why = "a digit is required after '.'";
                while (is_digit(AT(i)))
                    i++;
            }
            if (!why && (AT(i) == 'e' || AT(i) == 'E')) {
                i++;
                if (AT(i) == '+' || AT(i) == '-')
                    i++;
                if (!is_digit(AT(i)))
                    why = "the exponent needs at least one digit";
                while (is_digit(AT(i)))
                    i++;
            }
        }
    }
#undef AT
    if (why)
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "invalid number '%s' (%s)", lit, why);
    if (i != end)
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "invalid number '%s'", lit);

    /* overflow: strtod on a NUL-terminated copy (JSON uses '.', and the tool
     * never calls setlocale, so the "C" locale applies) */
    char small[1024];
    char *copy = small;
    if (n >= sizeof small) {
        copy = malloc(n + 1);
        if (!copy)
            return fail_nomem(p);
    }
    memcpy(copy, s + start, n);
    copy[n] = '\0';
    double d = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    if (isinf(d))
        return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                       "number %s is out of range (its magnitude overflows a "
                       "double)",
                       lit);
    advance(p, n);
    return 0;
}

/* Compares the `n` bytes at `s` with lower-case ASCII `word`, ignoring case. */
static int word_is(const unsigned char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != (unsigned char)word[i])
            return 0;
    return 1;
}

/* Validates a value that is not an array or object: a string, a number,
 * true, false or null; and explains anything else. */
static int parse_scalar(parser *p)
{
    if (at_end(p))
        return fail_truncated(p);
    unsigned char c = peek(p);
    if (c == '"')
        return parse_string(p, 0);

    /* words: literals, and NaN / Infinity with an optional sign */
    size_t w = p->pos;
    if ((c == '-' || c == '+') && w + 1 < p->len && is_alpha(p->s[w + 1]))
        w++;
    if (is_alpha(p->s[w])) {
        size_t e = w;
        while (e < p->len &&
               (is_alpha(p->s[e]) || is_digit(p->s[e]) || p->s[e] == '_'))
            e++;
        const unsigned char *ws = p->s + w;
        size_t wn = e - w;
        if (word_is(ws, wn, "nan"))
            return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                           "NaN is not a JSON number (write a finite number)");
        if (word_is(ws, wn, "infinity") || word_is(ws, wn, "inf"))
            return fail_at(p, BS_ERR_SYNTAX, p->line, p->col,
                           "Infinity is not a JSON number (write a finite "
                           "number)");
        if (w == p->pos) {
            const char *lits[] = {"true", "false", "null"};
            for (size_t i = 0; i < 3; i++) {
                size_t m = strlen(lits[i]);
                if (wn == m && memcmp(ws, lits[i], m) == 0) {
                    advance(p, m);
                    return 0;
                }
                /* "tru" at the very end: the text was cut off */
                if (e == p->len && wn < m && memcmp(ws, lits[i], wn) == 0) {
                    advance(p, wn);
                    return fail_truncated(p);
                }
            }
            return fail_unexpected(p, VALUE_EXPECTED);
        }
    }
    if (is_digit(c) || c == '-' || c == '+' || c == '.')
        return parse_number(p);
    return fail_unexpected(p, VALUE_EXPECTED);
}

/* Validates an array or object starting at its bracket, `depth` being its
 * own nesting level (1 for the outermost).  This is the only recursive
 * function, one frame per level, and it refuses to go past max_depth. */
static int parse_container(parser *p, int depth)
{
    unsigned char kind = peek(p);
    unsigned char close = kind == '[' ? ']' : '}';
    if (depth > p->max_depth)
        return fail_at(p, BS_ERR_LIMIT, p->line, p->col,
                       "nesting deeper than %d levels (raise the limit with --max-depth)",
                       p->max_depth);
    int saved_kind = p->open_kind;
    size_t saved_line = p->open_line, saved_col = p->open_col;
    p->open_kind = kind;
    p->open_line = p->line;
    p->open_col = p->col;
    size_t obj = kind == '{' ? ++p->next_obj : 0;

    advance(p, 1);
    skip_ws(p);
    if (!at_end(p) && peek(p) == close) {
        advance(p, 1);
    } else {
        for (;;) {
            if (kind == '{') {
                if (at_end(p) || peek(p) != '"')
                    return fail_unexpected(p,
                                           "expected a string key in double "
                                           "quotes");
                size_t kl = p->line, kc = p->col, off = p->arena_len;
                if (parse_string(p, 1))
                    return -1;
                size_t klen = p->arena_len - off;
                if (key_insert(p, obj, off, klen, kl, kc))
                    return -1;
                skip_ws(p);
                if (at_end(p) || peek(p) != ':') {
                    char shown[64], expected[128];
                    render_key(arena_at(p, off), klen, shown, sizeof shown);
                    snprintf(expected, sizeof expected,
                             "expected ':' after the key \"%s\"", shown);
                    return fail_unexpected(p, expected);
                }
                advance(p, 1);
                skip_ws(p);
            }
            if (!at_end(p) && (peek(p) == '[' || peek(p) == '{')) {
                if (parse_container(p, depth + 1))
                    return -1;
            } else if (parse_scalar(p)) {
                return -1;
            }
            skip_ws(p);
            if (!at_end(p) && peek(p) == ',') {
                size_t cl = p->line, cc = p->col;
                advance(p, 1);
                skip_ws(p);
                if (!at_end(p) && peek(p) == close)
                    return fail_at(p, BS_ERR_SYNTAX, cl, cc,
                                   "trailing comma before '%c' (JSON does not "
                                   "allow one)",
                                   (char)close);
                continue;
            }
            if (!at_end(p) && peek(p) == close) {
                advance(p, 1);
                break;
            }
            return fail_unexpected(p, kind == '['
                                          ? "expected ',' or ']' after an "
                                            "array element"
                                          : "expected ',' or '}' after an "
                                            "object member");
        }
    }
    p->open_kind = saved_kind;
    p->open_line = saved_line;
    p->open_col = saved_col;
    return 0;
}

/* Validates the whole text: one value, surrounded by whitespace only. */
static int validate(parser *p)
{
    if (p->len >= 2 && ((p->s[0] == 0xFF && p->s[1] == 0xFE) ||
                        (p->s[0] == 0xFE && p->s[1] == 0xFF)))
        return fail_at(p, BS_ERR_SYNTAX, 1, 1,
                       "the file is UTF-16 encoded (it starts with a UTF-16 "
                       "byte order mark); save it as UTF-8");
    skip_ws(p);
    if (at_end(p))
        return fail_at(p, BS_ERR_SYNTAX, 1, 1,
                       "the file is empty (or holds only whitespace)");
    unsigned char c = peek(p);
    if (c == '[' || c == '{') {
        if (parse_container(p, 1))
            return -1;
    } else if (parse_scalar(p)) {
        return -1;
    }
    skip_ws(p);
    if (!at_end(p)) {
        if (peek(p) == 0)
            return fail_nul(p);
        return fail_unexpected(p, "unexpected content after the JSON value");
    }
    return 0;
}

bs_status bs_json_parse(const char *text, size_t len, int max_depth,
                        cJSON **out, bs_error *err)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return bs_error_set(err, BS_ERR_USAGE, NULL,
                            "bs_json_parse: NULL argument");

    /* max_depth < 1 means the default; cJSON itself stops at its own limit */
    if (max_depth < 1)
        max_depth = BS_JSON_DEFAULT_MAX_DEPTH;
    if (max_depth > CJSON_NESTING_LIMIT)
        max_depth = CJSON_NESTING_LIMIT;

    parser p;
    memset(&p, 0, sizeof p);
    p.s = (const unsigned char *)text;
    p.len = len;
    p.line = 1;
    p.col = 1;
    p.max_depth = max_depth;
    p.err = err;
    p.status = BS_OK;

    /* a UTF-8 byte order mark is skipped and takes no column */
    size_t bom = 0;
    if (len >= 3 && p.s[0] == 0xEF && p.s[1] == 0xBB && p.s[2] == 0xBF)
        bom = 3;
    p.pos = bom;

    int rc = validate(&p);
    free(p.arena);
    free(p.recs);
    free(p.slots);
    if (rc)
        return p.status;

    cJSON *tree = cJSON_ParseWithLength(text + bom, len - bom);
    if (!tree)
        return bs_error_set(err, BS_ERR_SYNTAX, "1:1",
                            "the JSON is valid but could not be parsed into a "
                            "tree (out of memory?)");
    *out = tree;
    return BS_OK;
}

/* Records an I/O-type error for `name`, closing `f` unless it is stdin and
 * freeing `buf`; returns the status. */
static bs_status read_fail(bs_error *err, const char *name, FILE *f,
                           char *buf, bs_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static bs_status read_fail(bs_error *err, const char *name, FILE *f,
                           char *buf, bs_status status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (f && f != stdin)
        fclose(f);
    free(buf);
    bs_error_set(err, status, NULL, "%s", msg);
    bs_error_set_file(err, name);
    return status;
}

bs_status bs_read_file(const char *path, size_t max_bytes, char **data,
                       size_t *len, bs_error *err)
{
    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    if (!path || !data || !len) {
        bs_error_set(err, BS_ERR_USAGE, NULL, "bs_read_file: NULL argument");
        bs_error_set_file(err, path);
        return BS_ERR_USAGE;
    }

    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = NULL;
    struct stat st;

    if (is_stdin) {
        f = stdin;
        if (fstat(fileno(stdin), &st) != 0)
            return read_fail(err, name, NULL, NULL, BS_ERR_IO,
                             "cannot read standard input: %s",
                             strerror(errno));
    } else if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return read_fail(err, name, NULL, NULL, BS_ERR_IO, "no such file");
        return read_fail(err, name, NULL, NULL, BS_ERR_IO,
                         "cannot read the file: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode))
        return read_fail(err, name, NULL, NULL, BS_ERR_IO,
                         "is a directory, expected a spec file");
    int sized = S_ISREG(st.st_mode) && st.st_size > 0;
    if (sized && (uintmax_t)st.st_size > (uintmax_t)max_bytes)
        return read_fail(err, name, NULL, NULL, BS_ERR_LIMIT,
                         "the file is %ju bytes, more than the limit of %zu "
                         "bytes (raise it with --max-file-size)",
                         (uintmax_t)st.st_size, max_bytes);

    if (!is_stdin) {
        f = fopen(path, "rb");
        if (!f) {
            int e = errno;
            if (e == ENOENT)
                return read_fail(err, name, NULL, NULL, BS_ERR_IO,
                                 "no such file");
            return read_fail(err, name, NULL, NULL, BS_ERR_IO,
                             "cannot read the file: %s", strerror(e));
        }
    }

    /* read at most max_bytes + 1 bytes: one more than allowed tells that the
     * input is too large even when its size was not known beforehand */
    size_t limit = max_bytes < SIZE_MAX - 1 ? max_bytes + 1 : SIZE_MAX - 1;
    size_t cap = 64 * 1024;
    if (sized && (uintmax_t)st.st_size < (uintmax_t)limit)
        cap = (size_t)st.st_size + 2; /* the data, a NUL, and room to see EOF */
    if (cap > limit + 1)
        cap = limit + 1;
    char *buf = malloc(cap);
    if (!buf)
        return read_fail(err, name, f, NULL, BS_ERR_NOMEM,
                         "out of memory reading the file");
    size_t n = 0;
    for (;;) {
        if (n == cap - 1) {
            size_t ncap = cap <= SIZE_MAX / 2 ? cap * 2 : SIZE_MAX;
            if (ncap > limit + 1)
                ncap = limit + 1;
            char *nb = realloc(buf, ncap);
            if (!nb)
                return read_fail(err, name, f, buf, BS_ERR_NOMEM,
                                 "out of memory reading the file");
            buf = nb;
            cap = ncap;
        }
        size_t want = cap - 1 - n;
        size_t got = fread(buf + n, 1, want, f);
        n += got;
        if (n > max_bytes)
            return read_fail(err, name, f, buf, BS_ERR_LIMIT,
                             "the input is more than the limit of %zu bytes "
                             "(raise it with --max-file-size)",
                             max_bytes);
        if (got < want) {
            if (ferror(f)) {
                int e = errno;
                if (is_stdin)
                    clearerr(stdin);
                return read_fail(err, name, f, buf, BS_ERR_IO,
                                 "cannot read the file: %s", strerror(e));
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    bs_error_set_file(err, name);
    return BS_OK;
}
