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

#define SPIRAL_PREFILTER_OK 0
#define SPIRAL_PREFILTER_NONE 1

/* Derive the prefilter of a PCRE2 pattern.  Returns SPIRAL_PREFILTER_OK,
 * SPIRAL_PREFILTER_NONE (nothing derived: pf is empty), or -1 out of
 * memory. */
int spiral_prefilter_build(spiral_prefilter *pf, const char *pattern);

/* 0 when text[0..len) lacks every literal of some set, so no match is
 * possible; 1 otherwise. */
int spiral_prefilter_may_match(const spiral_prefilter *pf, const char *text, size_t len);

void spiral_prefilter_free(spiral_prefilter *pf);

/* An Aho-Corasick automaton over many literals, each with a payload (the
 * regex it belongs to): one table step per byte of text finds every
 * occurrence of every literal.  Bytes that occur in no literal share
 * class 0.  State 0 is the start. */
typedef struct spiral_acm {
    uint8_t cls[256];
    uint32_t ncls;
    uint32_t *delta;       /* nstates * ncls: the next state */
    uint16_t *delta16;     /* the same, when every state fits (half the cache) */
    uint32_t *out_first;   /* per state: its payloads out[first..first+n) */
    uint32_t *out_n;       /* (the literals ending there, suffixes included) */
    uint32_t *out;
    size_t nstates;
} spiral_acm;

/* Build m from n literals lit[i] (len[i] > 0 bytes) with payloads pay[i].
 * Returns 0 or -1 out of memory (m is then empty). */
int spiral_acm_build(spiral_acm *m, const char *const *lit, const size_t *len,
                     const uint32_t *pay, size_t n);

/* One step: the state after byte b. */
static inline uint32_t spiral_acm_step(const spiral_acm *m, uint32_t state, unsigned char b)
{
    size_t i = (size_t)state * m->ncls + m->cls[b];

    return m->delta16 ? m->delta16[i] : m->delta[i];
}

void spiral_acm_free(spiral_acm *m);

#endif
