/* bs_fmt.c — numbers and counts as people read them. */
#include "bs_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void bs_fmt_num(char *buf, size_t size, double v, int prec)
{
    if (isnan(v))
        snprintf(buf, size, "nan");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
    else if (v == 0.0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%.*g", prec, v);
}

void bs_fmt_operand(char *buf, size_t size, double v, int prec, int paren)
{
    char n[40];
    bs_fmt_num(n, sizeof n, v, prec);
    if (n[0] != '-')
        snprintf(buf, size, "%s", n);
    else
        snprintf(buf, size, paren ? "(−%s)" : "−%s", n + 1);
}

void bs_fmt_count(char *buf, size_t size, size_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%zu", v);
    size_t len = strlen(tmp), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

size_t bs_matrix_shown(size_t count, size_t *idx)
{
    size_t k = 0;
    if (count <= BS_MATRIX_MAX_SHOWN) {
        for (size_t i = 0; i < count; i++)
            idx[k++] = i;
        return k;
    }
    for (size_t i = 0; i < BS_MATRIX_EDGE; i++)
        idx[k++] = i;
    idx[k++] = BS_MATRIX_GAP;
    for (size_t i = count - BS_MATRIX_EDGE; i < count; i++)
        idx[k++] = i;
    return k;
}

size_t bs_text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}
