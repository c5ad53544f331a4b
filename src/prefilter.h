/*
 * prefilter.h - literal prefilters for regular-expression entries.
 */
#ifndef SPIRAL_PREFILTER_H
#define SPIRAL_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/* What every match of a regex contains: for each of nset sets, one of its
 * literals (lit[i] belongs to set[i]; set 0 is the most selective, by the
 * length of its shortest literal); a literal with wb[i] set occurs
 * only at the start of a word (the byte before it is not an ASCII word
 * character).  n == 0 means no prefilter (the regex always runs). */
typedef struct spiral_prefilter {
    char **lit;
    size_t *len;
    uint8_t *set;
    uint8_t *wb;
    size_t n, nset;
    char *buf;
} spiral_prefilter;

/* Bytes that are word characters for \b in any mode: ASCII letters,
 * digits and '_' (a non-ASCII letter may be one too, so such bytes are
 * never taken as a word boundary). */
static inline int spiral_prefilter_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether text[at] is inside a word, where a literal that must start one
 * (wb) cannot be: the byte before it is a word byte. */
static inline int spiral_prefilter_in_word(const unsigned char *text, size_t at)
{
    return at > 0 && spiral_prefilter_word_byte(text[at - 1]);
}

/* The most sets a prefilter has. */
#define SPIRAL_PREFILTER_SETS 4

#define SPIRAL_PREFILTER_OK 0
#define SPIRAL_PREFILTER_NONE 1

/* Derive the prefilter of a PCRE2 pattern.  Returns SPIRAL_PREFILTER_OK,
 * SPIRAL_PREFILTER_NONE (nothing derived: pf is empty), or -1 out of
 * memory. */
int spiral_prefilter_build(spiral_prefilter *pf, const char *pattern);

/* 0 when text[0..len) lacks every literal of some set, so no match is
 * possible; 1 otherwise. */
int spiral_prefilter_may_match(const spiral_prefilter *pf, const char *text, size_t len);

/* The quality of set k of pf: its weakest literal's length, plus one when
 * it must start a word (0 if the set is empty). */
size_t spiral_prefilter_set_quality(const spiral_prefilter *pf, size_t k);

/* Whether a literal of set k of pf lies wholly within text[from..to) (and
 * starts a word there when it must: text[from - 1] is looked at). */
int spiral_prefilter_set_in(const spiral_prefilter *pf, size_t k, const char *text, size_t from,
                            size_t to);

void spiral_prefilter_free(spiral_prefilter *pf);

/* ------------------------------------------------------------------ */
/* Scanning a text for many literals at once                           */
/* ------------------------------------------------------------------ */

/* The most bits (one per required set of a regex) one scanner reports. */
#define SPIRAL_SCAN_BITS 128

/* A literal to scan for: len > 0 bytes; bit: what its occurrence sets;
 * wb: it counts only at the start of a word (spiral_prefilter_in_word());
 * spans: it counts in the sentence where it ends even if it starts in the
 * one before (otherwise it must lie wholly inside a sentence). */
typedef struct spiral_scan_lit {
    const char *s;
    size_t len;
    uint8_t bit;
    uint8_t wb;
    uint8_t spans;
} spiral_scan_lit;

/* A deterministic automaton over byte classes that finds every occurrence
 * of a set of literals in one pass, one table step per byte.  A state's
 * row holds, per byte class, the next state's number (16 bits, or 32 when
 * there are more states); rows are a power of two bytes, on cache-line
 * boundaries, so that a step reads one line.  The states where literals
 * end come last, with the bits they set; each state's depth (the bytes of
 * the literal in progress) and literals serve the first bytes of a
 * sentence, where a literal may have started before it.  The start state
 * is split in two, after a non-word byte (state 0) or a word byte (1), so
 * that a literal that must start a word is found only where one starts. */
typedef struct spiral_scan {
    uint32_t off[256];     /* per byte: where its class's entry is in a row */
    unsigned char *rows;
    void *rows_mem;        /* the allocation rows is aligned within */
    unsigned shift;        /* a row is 1 << shift bytes */
    int wide;              /* 32-bit entries */
    size_t nstates;
    uint32_t out_state;    /* the first state where literals end */
    uint64_t *bits;        /* two words per state from out_state */
    uint16_t *depth;       /* per state */
    uint32_t *out_first;   /* per state and one more: its literals are */
    uint32_t *out;         /* out[out_first[s] .. out_first[s + 1]), by index into: */
    uint16_t *lit_len;
    uint8_t *lit_bit, *lit_spans;
    uint32_t depth_max;    /* the longest literal */
    int skip;              /* SPIRAL_SCAN_SKIP_*: bytes in no literal, skipped */
} spiral_scan;

/* n zeroed elements of `size` bytes from a cache-line boundary within a
 * fresh allocation, *mem (for spiral_free()); NULL out of memory. */
void *spiral_calloc_lines(size_t n, size_t size, void **mem);

#define SPIRAL_SCAN_SKIP_HIGH 1 /* bytes >= 0x80 (every literal is ASCII) */
#define SPIRAL_SCAN_SKIP_LOW 2  /* bytes < 0x80 (no literal has ASCII) */

/* Build sc from n < 65536 literals, each shorter than 65536 bytes.
 * Returns 0, or -1 out of memory or beyond those bounds (sc is then
 * empty). */
int spiral_scan_build(spiral_scan *sc, const spiral_scan_lit *lit, size_t n);

/* Scan text[0..len), whose sentence k is [ends[k - 1], ends[k]) (the first
 * from 0; ends ascending, the last <= len; bytes after it belong to the
 * last sentence, but only for literals that span): out[2k] and out[2k + 1]
 * get the bits of the literals that occur in sentence k.  `foreign`: most
 * of the text is bytes sc skips (then it goes through once, skipping;
 * else in four parts at once, so that the table's loads overlap). */
void spiral_scan_text(const spiral_scan *sc, const unsigned char *text, size_t len,
                      const size_t *ends, size_t nsent, uint64_t *out, int foreign);

void spiral_scan_free(spiral_scan *sc);

/* The lowest set bit of x (not 0). */
static inline unsigned spiral_lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;

    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

#endif
