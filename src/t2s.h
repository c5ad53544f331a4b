/*
 * t2s.h - the Han characters OpenCC's Traditional-to-Simplified conversion
 * changes (generated at build time by scripts/gen-t2s.c).
 */
#ifndef SPIRAL_T2S_H
#define SPIRAL_T2S_H

#include <stdint.h>

/* Bit cp (cp < 0x10000) set: converting U+cp alone changes it. */
extern const unsigned char spiral_t2s_changes[0x10000 / 8];

static inline int spiral_t2s_may_change(int32_t cp)
{
    return cp < 0 || cp >= 0x10000 || (spiral_t2s_changes[cp >> 3] >> (cp & 7) & 1);
}

#endif
