/*
 * zhdict.h - the Chinese segmentation dictionary (internal API).
 *
 * A spiral_dict maps words (UTF-8 bytes of normalised, Simplified text) to a
 * value and also knows every proper prefix of its words, which is what the
 * segmenter needs to build its word graph: it walks the dictionary character
 * by character from each position (spiral_dict_walk()) and so meets every
 * word starting there in one pass.  There are two kinds:
 *
 *   loaded   spiral_dict_load(): a compiled file from scripts/build-dict.py or
 *            a jieba-style text file.  Values are natural-log probabilities;
 *            a compiled file may also carry the HMM used for unknown words.
 *   user     spiral_dict_new() + spiral_dict_add(): words the caller wants
 *            kept whole (lexicon patterns, actor aliases).  Values are the
 *            frequencies given to spiral_dict_add().
 *
 * Both are read-only once built: lookups and walks mutate nothing (a walk's
 * state is the caller's cursor), so one dictionary may be shared by any number
 * of threads as long as nobody adds to it any more.
 */
#ifndef SPIRAL_ZHDICT_H
#define SPIRAL_ZHDICT_H

#include <stddef.h>
#include <stdint.h>

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

/* Where a walk through a dictionary is: the children of the text read so
 * far.  Owned by the caller; valid while the dictionary is not changed. */
typedef struct spiral_dict_cursor {
    uint32_t first, count;
} spiral_dict_cursor;

/* A user dictionary is complete: index its first characters, as a loaded
 * dictionary's are, so walks start with one table look-up (skipped without
 * memory), and fill the filter of spiral_dict_may_start(); a later
 * spiral_dict_add() drops both.  Not while other threads read d. */
void spiral_dict_freeze(spiral_dict *d);

/* Whether a word of d may be the character a alone or start with the
 * characters a and b (b UINT32_MAX: a is the text's last character).  0
 * means surely not, so a walk from a finds no word; 1 means maybe.  A
 * frozen user dictionary answers from a filter of 8 KiB; any other always
 * answers 1. */
int spiral_dict_may_start(const spiral_dict *d, uint32_t a, uint32_t b);

/* Start a walk at the empty text.  d may be NULL (every step then fails). */
void spiral_dict_walk_start(spiral_dict_cursor *out, const spiral_dict *d);

/* Extend the text of walk cur through d (the dictionary it was started on)
 * by code point cp.  Returns what spiral_dict_find() would return for the
 * longer text, and fills *value the same way; 0 ends the walk (later steps
 * return 0 too).  So the words that start at some point of a text are found
 * by stepping through its characters until a step returns a value without
 * SPIRAL_DICT_PREFIX.  cp must be a character that the text really holds:
 * never step with a stand-in for an invalid byte. */
unsigned spiral_dict_walk(spiral_dict_cursor *cur, const spiral_dict *d, uint32_t cp, float *value);

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

/* Emission log probabilities of code point cp in states B, M, E, S.  Returns 1
 * and fills out[4] if the HMM knows cp, else 0 (out is then filled with
 * impossible values). */
int spiral_dict_hmm_emit(const spiral_dict *d, uint32_t cp, float out[4]);

#endif
