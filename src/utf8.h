/*
 * utf8.h - UTF-8 decoding, validation and the character classes the
 * segmenter needs.
 */
#ifndef SPIRAL_UTF8_H
#define SPIRAL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decode one code point at s (len > 0 bytes available).  Returns its length
 * in bytes and sets *cp, or -1 for an invalid or truncated sequence
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
int spiral_utf8_decode(const unsigned char *s, size_t len, int32_t *cp);

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
int spiral_is_han(int32_t cp);

#endif
