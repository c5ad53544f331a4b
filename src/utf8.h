/*
 * utf8.h - UTF-8 decoding, validation and the character classes the
 * segmenter needs.
 */
#ifndef SPIRAL_UTF8_H
#define SPIRAL_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

/* Eight bytes at a time: a one in each byte, the high bit of each byte. */
#define SPIRAL_ONES 0x0101010101010101ull
#define SPIRAL_HIGHS 0x8080808080808080ull

/* The eight bytes at p as a number with p[0] in its lowest byte, on any
 * host (so that the lowest set bit of a mask is the first byte). */
static inline uint64_t spiral_load8(const void *p)
{
    uint64_t w;

    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* For a word of bytes below 0x80: 0x80 in each byte from lo to hi, else 0
 * (lo <= 0x80, hi < 0x80: each sum stays below 0x100 in its byte, so no
 * carry crosses bytes). */
static inline uint64_t spiral_bytes_in(uint64_t w, unsigned lo, unsigned hi)
{
    return ((w + SPIRAL_ONES * (0x80 - lo)) ^ (w + SPIRAL_ONES * (0x7F - hi))) & SPIRAL_HIGHS;
}

/* spiral_utf8_decode() for what its inline part leaves: leads E0, ED and
 * F0 to F4 (which have overlong, surrogate or out-of-range forms) and
 * invalid sequences (utf8.c). */
int spiral_utf8_decode_rest(const unsigned char *s, size_t len, int32_t *cp);

/* Decode one code point at s (len > 0 bytes available).  Returns its length
 * in bytes and sets *cp, or -1 for an invalid or truncated sequence
 * (overlong forms, surrogates and values above U+10FFFF are invalid).
 * Inline: every stage decodes text a character at a time, and ASCII and
 * the two- and three-byte forms that cannot be overlong or surrogates (all
 * of Chinese) need no more than a few compares. */
static inline int spiral_utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
    unsigned c = s[0];

    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF && len >= 2 && (s[1] & 0xC0) == 0x80) {
        *cp = (int32_t)((c & 0x1F) << 6 | (s[1] & 0x3F));
        return 2;
    }
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && len >= 3 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = (int32_t)((c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F));
        return 3;
    }
    return spiral_utf8_decode_rest(s, len, cp);
}

/* Encode cp into out (4 bytes room).  Returns the length. */
int spiral_utf8_encode(int32_t cp, char *out);

/* Offset of the first invalid byte, or len when all of s is valid UTF-8. */
size_t spiral_utf8_check(const char *s, size_t len);

/* Append s to out with each invalid sequence replaced by U+FFFD (one per
 * maximal invalid subpart, as Unicode recommends).  *replaced counts them.
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_utf8_repair(spiral_buf *out, const char *s, size_t len, size_t *replaced);

/* Han ideographs (CJK unified, extensions, compatibility) and the ideographic
 * zero U+3007; U+25CB WHITE CIRCLE is used as a zero in Chinese numerals and
 * is classed with them. */
static inline int spiral_is_han(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* unified */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* extension A */
           (cp >= 0x20000 && cp <= 0x323AF) || /* extensions B-H */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility */
           cp == 0x3007 || cp == 0x25CB;       /* ideographic zero, white circle */
}

#endif
