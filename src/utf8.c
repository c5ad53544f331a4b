/*
 * utf8.c - strict UTF-8 decoding (RFC 3629) and repair.
 *
 * Ingest validates every record with these functions before anything else
 * sees the text; later stages may then decode without re-checking.
 */
#include "utf8.h"

#include <string.h>

#include "spiral.h"

int spiral_utf8_decode_rest(const unsigned char *s, size_t len, int32_t *cp)
{
    unsigned c = s[0];
    int32_t v;
    int n, i;

    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return -1;
    }
    if ((size_t)n > len)
        return -1;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong, surrogate and out-of-range forms. */
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return -1;
    *cp = v;
    return n;
}

int spiral_utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t spiral_utf8_check(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int32_t cp;
    int n;

    while (i < len) {
        if (u[i] < 0x80) {
            uint64_t w;

            /* Most text is ASCII in runs: eight bytes at a time. */
            i++;
            while (i + 8 <= len) {
                memcpy(&w, u + i, 8);
                if (w & SPIRAL_HIGHS)
                    break;
                i += 8;
            }
            continue;
        }
        /* Three-byte characters that cannot be overlong or surrogates (all
         * of Chinese) need only their continuation bytes checked. */
        if (u[i] >= 0xE1 && u[i] != 0xED && u[i] <= 0xEF && len - i >= 3 &&
            (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        if ((n = spiral_utf8_decode(u + i, len - i, &cp)) < 0)
            return i;
        i += (size_t)n;
    }
    return len;
}

/* Length of the maximal subpart of an ill-formed sequence at s: the lead
 * byte plus the continuation bytes that could still have been valid. */
static size_t utf8_bad_span(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t need, i;
    unsigned lo = 0x80, hi = 0xBF;

    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4;
    else
        return 1;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (i = 1; i < need && i < len; i++) {
        if (s[i] < lo || s[i] > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
    }
    return i;
}

int spiral_utf8_repair(spiral_buf *out, const char *s, size_t len, size_t *replaced)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;
    int32_t cp;
    int n;

    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        if ((n = spiral_utf8_decode(u + i, len - i, &cp)) > 0) {
            i += (size_t)n;
            continue;
        }
        if (spiral_buf_append(out, s + run, i - run) < 0 ||
            spiral_buf_append(out, "\xEF\xBF\xBD", 3) < 0)
            return SPIRAL_ENOMEM;
        (*replaced)++;
        i += utf8_bad_span(u + i, len - i);
        run = i;
    }
    return spiral_buf_append(out, s + run, len - run);
}
