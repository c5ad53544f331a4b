/*
 * zhdict.h - the Chinese segmentation dictionary (internal API).
 *
 * A spiral_dict maps words (UTF-8 bytes of normalised, Simplified text) to a
 * value and also knows every proper prefix of its words, which is what the
 * segmenter needs to build its word graph: from each position it walks the
 * dictionary character by character (spiral_dict_prefixes()) and so meets
 * every word starting there in one pass.  Walks go by the dictionary's
 * symbols for characters (spiral_dict_symbols()), which the segmenter finds
 * once per character of its text.  There are two kinds:
 *
 *   loaded   spiral_dict_load(): a compiled file from scripts/build-dict.py or
 *            a jieba-style text file.  Values are natural-log probabilities;
 *            a compiled file may also carry the HMM used for unknown words.
 *   user     spiral_dict_new() + spiral_dict_add(): words the caller wants
 *            kept whole (lexicon patterns, actor aliases).  Values are the
 *            frequencies given to spiral_dict_add().
 *
 * Both are read-only once built: lookups and walks mutate nothing, so one
 * dictionary may be shared by any number of threads as long as nobody adds
 * to it any more.
 */
#ifndef SPIRAL_ZHDICT_H
#define SPIRAL_ZHDICT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "spiral.h"

/* Flags returned by spiral_dict_find(). */
#define SPIRAL_DICT_WORD 1u   /* the key is a word */
#define SPIRAL_DICT_PREFIX 2u /* the key is a proper prefix of a longer word */

/* HMM states, in the order of the tables below. */
enum { SPIRAL_HMM_B = 0, SPIRAL_HMM_M, SPIRAL_HMM_E, SPIRAL_HMM_S };

/* Any HMM log probability at or below this is "impossible". */
#define SPIRAL_HMM_IMPOSSIBLE (-1.0e30)

/* Create an empty user dictionary.  Caller owns *out (spiral_dict_free()).
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_dict_new(spiral_dict **out);

/* Add word (len bytes of valid UTF-8, no NUL) to a user dictionary with the
 * given frequency on jieba's scale; 0 means "keep it whole": the segmenter
 * then gives it just enough weight to beat any split of it.  Adding a word
 * again replaces its frequency.  ASCII letters are lower-cased.  Not for
 * loaded dictionaries, and not while other threads read d.
 * Returns SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_EINVAL (empty or invalid word,
 * negative or non-finite freq, d loaded from a file). */
int spiral_dict_add(spiral_dict *d, const char *word, size_t len, double freq);

/* Look s[0..len) up.  Returns a combination of SPIRAL_DICT_WORD and
 * SPIRAL_DICT_PREFIX, 0 if the key is neither.  When the key is a word and
 * value is not NULL, *value is its log probability (loaded dictionary) or its
 * frequency (user dictionary).  d may be NULL (returns 0). */
unsigned spiral_dict_find(const spiral_dict *d, const char *s, size_t len, float *value);

/* A word found by spiral_dict_prefixes(): its length in characters and its
 * value (as spiral_dict_find() gives it). */
typedef struct spiral_dict_hit {
    uint32_t len;
    float value;
} spiral_dict_hit;

/* A user dictionary is complete: fill the filter of spiral_dict_may_start();
 * a later spiral_dict_add() drops it.  Not while other threads read d. */
void spiral_dict_freeze(spiral_dict *d);

/* Whether a word of d may be the character a alone or start with the
 * characters a and b (b UINT32_MAX: a is the text's last character).  0
 * means surely not, so a walk from a finds no word; 1 means maybe.  A
 * frozen user dictionary answers from a filter of 8 KiB; any other always
 * answers 1. */
int spiral_dict_may_start(const spiral_dict *d, uint32_t a, uint32_t b);

/* spiral_dict_may_start() at every position of the text cp[0..n): out[k]
 * for cp[k] and the character after it. */
void spiral_dict_may_starts(const spiral_dict *d, const uint32_t *cp, size_t n, unsigned char *out);

/* Translate the code points cp[0..n) into d's symbols, out[0..n): what
 * spiral_dict_prefixes() and spiral_dict_hmm_emit() take.  A compiled
 * dictionary numbers the characters it knows from 1 (the frequent first)
 * and gives 0 to the others; the others' symbols are the code points.
 * Symbol 0 is in no word of any dictionary, so a caller may put it where
 * the text holds no real character (an invalid byte) to stop walks there.
 * d NULL: every symbol is 0. */
void spiral_dict_symbols(const spiral_dict *d, const uint32_t *cp, size_t n, uint32_t *out);

/* The words of d that the text sym[0..n) (symbols of d) starts with, shortest
 * first, in out[] (room for n).  One walk down the trie, which ends at the
 * first symbol no word goes on with.  Returns how many; 0 if d is NULL. */
size_t spiral_dict_prefixes(const spiral_dict *d, const uint32_t *sym, size_t n,
                            spiral_dict_hit *out);

/* A unit of a compiled dictionary's trie, a double array (zhdict.c tells
 * how it is laid out). */
typedef struct spiral_dict_unit {
    uint32_t base; /* where its children are << 2 | SPIRAL_DICT_* flags */
    float value;   /* log probability of a word, else 0 */
} spiral_dict_unit;

/* A compiled dictionary's trie, for the segmenter's inner loop: it walks
 * from every position of its text, and a call per step would cost about as
 * much as the step, so the step is inline (spiral_dict_trie_step()). */
typedef struct spiral_dict_trie {
    const uint16_t *check; /* the symbol by which each unit is a child */
    const spiral_dict_unit *unit;
    size_t nunits;
} spiral_dict_trie;

/* d's trie, borrowed from it, if d is a compiled dictionary; else NULL. */
const spiral_dict_trie *spiral_dict_trie_of(const spiral_dict *d);

/* Where a walk through tr starts: the root's base (a walk's state is the
 * base of the unit it is at). */
static inline uint32_t spiral_dict_trie_root(const spiral_dict_trie *tr)
{
    return tr->unit[0].base;
}

/* The unit that a walk from the text a b (symbols) reads at its second
 * step, or 0 if its first fails: the first step of a walk nearly always
 * finds its unit in the cache, the second and third often do not, and walks
 * from successive positions are independent, so a caller can have their
 * units loaded a few positions ahead. */
static inline size_t spiral_dict_trie_second(const spiral_dict_trie *tr, uint32_t a, uint32_t b)
{
    size_t t = (size_t)(tr->unit[0].base >> 2) + a;

    if (t >= tr->nunits || tr->check[t] != a || (tr->unit[t].base & SPIRAL_DICT_PREFIX) == 0)
        return 0;
    t = (size_t)(tr->unit[t].base >> 2) + b;
    return t < tr->nunits ? t : 0;
}

/* The same for the third step of a walk from the text a b c. */
static inline size_t spiral_dict_trie_third(const spiral_dict_trie *tr, uint32_t a, uint32_t b,
                                            uint32_t c)
{
    size_t t = spiral_dict_trie_second(tr, a, b);

    if (t == 0 || tr->check[t] != b || (tr->unit[t].base & SPIRAL_DICT_PREFIX) == 0)
        return 0;
    t = (size_t)(tr->unit[t].base >> 2) + c;
    return t < tr->nunits ? t : 0;
}

/* Extend the text of the walk at *at by the character with symbol sym.
 * Returns what spiral_dict_find() would return for the longer text and sets
 * *value to the word's value when that has SPIRAL_DICT_WORD; 0 ends the
 * walk.  The unit stepped to is checked to be in the array and to be a
 * child by sym, so a damaged file cannot send a walk out of bounds; no check
 * is 0, so symbol 0 ends a walk. */
static inline unsigned spiral_dict_trie_step(const spiral_dict_trie *tr, uint32_t *at, uint32_t sym,
                                             float *value)
{
    size_t t = (size_t)(*at >> 2) + sym;

    if ((*at & SPIRAL_DICT_PREFIX) == 0 || t >= tr->nunits || tr->check[t] != sym)
        return 0;
    *at = tr->unit[t].base;
    *value = tr->unit[t].value;
    return *at & (SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
}

/* Append the words of user dictionary d to out as bytes that
 * spiral_dict_user_restore() takes back (the lexicon's compiled cache,
 * lexcache.c).  SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_EINVAL when d is no
 * user dictionary. */
int spiral_dict_user_save(const spiral_dict *d, spiral_buf *out);

/* A frozen user dictionary, owned by the caller, from p[0..len) (8-byte
 * aligned) as spiral_dict_user_save() wrote it; its arrays are checked
 * so that no walk leaves them.  SPIRAL_OK, SPIRAL_ENOMEM, or
 * SPIRAL_EINVAL when p is not such bytes. */
int spiral_dict_user_restore(spiral_dict **out, const void *p, size_t len);

/* 1 if d was made by spiral_dict_new() (values are frequencies), else 0. */
int spiral_dict_is_user(const spiral_dict *d);

/* Natural log of the total frequency of a loaded dictionary's words (what
 * its log probabilities are relative to); 0 for a user dictionary. */
double spiral_dict_logtotal(const spiral_dict *d);

/* 1 if d carries the HMM for unknown words (compiled dictionaries do). */
int spiral_dict_has_hmm(const spiral_dict *d);

/* The HMM's start (4) and transition (4x4, from-major) log probabilities,
 * borrowed from d; NULL without an HMM. */
const float *spiral_dict_hmm_start(const spiral_dict *d);
const float *spiral_dict_hmm_trans(const spiral_dict *d);

/* Emission log probabilities of the character with symbol sym (see
 * spiral_dict_symbols()) in states B, M, E, S.  Returns 1 and fills out[4]
 * if the HMM knows the character, else 0 (out is then filled with
 * impossible values). */
int spiral_dict_hmm_emit(const spiral_dict *d, uint32_t sym, float out[4]);

#endif
