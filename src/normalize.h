/*
 * normalize.h - the normalise stage: NFKC, case folding, full-width to
 * ASCII and Traditional to Simplified Chinese, with a map back to the
 * original bytes.
 */
#ifndef SPIRAL_NORMALIZE_H
#define SPIRAL_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <utf8proc.h>

#include "buf.h"
#include "spiral.h"

/* Per-session state: the OpenCC converter (opened on first use, since
 * English-only work never needs it) and a cache of Han characters known to
 * be unchanged by Traditional-to-Simplified conversion. */
typedef struct spiral_normalizer spiral_normalizer;

int spiral_normalizer_new(spiral_normalizer **out, spiral_error *err);
void spiral_normalizer_free(spiral_normalizer *n);

/* The bytes after a normalised text that are NUL: a scanner may load eight
 * bytes at any offset up to text.len. */
#define SPIRAL_NORM_PAD 8

/* The result of normalising one text. */
typedef struct spiral_normtext {
    spiral_buf text;  /* normalised UTF-8, then SPIRAL_NORM_PAD NUL bytes */
    uint32_t *map;    /* map[i]: original byte where normalised byte i came from;
                         map[text.len] is the original length */
    size_t mapcap;
    int has_han;      /* any Han character seen */
    int may_t2s;      /* a Han character Traditional-to-Simplified may change */
    size_t han_chars; /* counts for language detection */
    size_t latin_chars;
} spiral_normtext;

/* Normalise src[0..len) into nt (reusing its memory).  src must be valid
 * UTF-8; otherwise SPIRAL_EENCODING with err->offset at the first bad byte.
 * A text longer than UINT32_MAX bytes is SPIRAL_ELIMIT. */
int spiral_normalize(spiral_normalizer *n, const char *src, size_t len,
                     spiral_normtext *nt, spiral_error *err);

/* Normalise a short string (a lexicon pattern) into out, without a map.
 * Returns SPIRAL_OK, SPIRAL_ENOMEM or SPIRAL_EENCODING. */
int spiral_normalize_string(spiral_normalizer *n, const char *src, size_t len,
                            spiral_buf *out);

/* The original end offset of the normalised span ending at byte `end`. */
uint32_t spiral_normtext_src_end(const spiral_normtext *nt, size_t end);

void spiral_normtext_free(spiral_normtext *nt);

/* Whether u[0..n) starts with a CJK unified ideograph (U+4E00 to U+9FFF)
 * or CJK punctuation but the ideographic space (U+3001 to U+303F), well
 * formed, by its bytes: E4 B8 80 to E9 BF BF, or E3 80 81 to E3 80 BF.
 * The normalise stage copies runs of them and the fingerprint hashes them
 * as they are. */
static inline int spiral_cjk_at(const unsigned char *u, size_t n)
{
    unsigned c1, c2;

    if (n < 3)
        return 0;
    c1 = u[1] ^ 0x80u; /* continuation bytes: 0 to 0x3F */
    c2 = u[2] ^ 0x80u;
    if ((c1 | c2) >= 0x40)
        return 0;
    if (u[0] - 0xE4u < 6)
        return u[0] != 0xE4 || c1 >= 0x38;
    return u[0] == 0xE3 && c1 == 0 && c2 != 0;
}

/* NFKC and case folding of the code point cp when no mark follows it, for
 * the characters that need no utf8proc_decompose(): those it leaves as they
 * are (not ignorable, with no case folding and no decomposition in
 * utf8proc's tables; Hangul syllables, decomposed by rule, compose back)
 * and the full-width forms of ASCII.  Sets *out to the one code point cp
 * becomes and returns 1, else returns 0.  The normalise stage and the
 * duplicate fingerprint share it; the test suite checks it against utf8proc
 * for every code point. */
static inline int spiral_nfkc_single(int32_t cp, int32_t *out)
{
    const utf8proc_property_t *p;

    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        cp -= 0xFEE0;
        *out = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        return 1;
    }
    p = utf8proc_get_property(cp);
    *out = cp;
    return !p->ignorable && p->casefold_seqindex == UINT16_MAX &&
           p->decomp_seqindex == UINT16_MAX;
}

#endif
