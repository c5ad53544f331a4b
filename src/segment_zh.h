/*
 * segment_zh.h - Chinese word segmentation (internal API).
 *
 * Fed by the tokenizer with chunks of normalised, Simplified text (Han
 * characters, ASCII letters and digits, and '.', ',' or '%' in or after
 * digits); yields the byte end of each word.  The dictionary (zhdict.h) is
 * shared and read-only; a spiral_zhseg holds one thread's scratch space.
 */
#ifndef SPIRAL_SEGMENT_ZH_H
#define SPIRAL_SEGMENT_ZH_H

#include <stddef.h>
#include <stdint.h>

#include "spiral.h"

typedef struct spiral_zhseg spiral_zhseg;

/* Create a segmenter's scratch space; one per thread (session).  Caller owns
 * *out.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_zhseg_new(spiral_zhseg **out);
void spiral_zhseg_free(spiral_zhseg *z); /* NULL: no-op */

/* Segment one chunk of normalised, Simplified text made of Han characters
 * (CJK ideographs incl. extension A/B, compatibility ideographs, 〇 U+3007
 * and ○ U+25CB used as zero), ASCII letters and digits, and '.', ',' or '%'
 * inside or after digits.  Appends the byte end offset (relative to s) of
 * each word to (*ends)[*n...], growing *ends and *cap with spiral_reallocarray.
 * dict is a loaded dictionary or NULL (then each Han character is a word);
 * user is a dictionary from spiral_dict_new()/spiral_dict_add() whose words
 * are kept whole, or NULL.  An ASCII run of letters/digits is never split
 * (NATO, G7, 5G stay whole).  Any other character becomes a word by itself.
 * Returns SPIRAL_OK, SPIRAL_ENOMEM (*n is then unchanged), or SPIRAL_EINVAL
 * when len does not fit in 32 bits. */
int spiral_zhseg_chunk(spiral_zhseg *z, const spiral_dict *dict, const spiral_dict *user,
                       const char *s, size_t len, uint32_t **ends, size_t *n, size_t *cap);

#endif
