/*
 * tokenize.h - the segment stage: tokens and sentences over normalised text.
 */
#ifndef SPIRAL_TOKENIZE_H
#define SPIRAL_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "normalize.h"
#include "segment_zh.h"
#include "spiral.h"

/* What spiral_tokens.nl says of each token: the newlines before it (0, 1,
 * or 2 for two or more), whether it may end a sentence (punctuation, a word
 * ending in a period, a comma, semicolon or colon: spiral_sentences() passes
 * over the other tokens without looking at them), and whether it ends a
 * clause for the scoring rules (",", ";", ":", "but", "yet", "though",
 * "however", "whereas", "although", 但, 但是, 然而, 可是, 不过, 而是). */
#define SPIRAL_NL_COUNT 3
#define SPIRAL_NL_MAY_END 4
#define SPIRAL_NL_CLAUSE 8

/* Tokens of one text, reused across documents. */
typedef struct spiral_tokens {
    spiral_token *tok;
    size_t n, cap;
    uint8_t *nl;        /* per token: SPIRAL_NL_* */
    size_t nlcap;
    spiral_sentence *sent;
    size_t nsent, sentcap;
    uint32_t *ends;     /* the segmenter's word ends in a Han chunk (scratch) */
    size_t ecap;
} spiral_tokens;

/* Split nt (normalised from orig) into tokens: Latin words (contractions
 * split the Penn Treebank way, hyphenated words and dotted acronyms whole,
 * known abbreviations with their period), numbers, punctuation, and Chinese
 * words, which come from the dictionary segmenter over runs of Han text
 * (Latin letters and digits inside such a run stay whole).  user may be NULL.
 * Returns SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_ELIMIT past max_tokens. */
int spiral_tokenize(spiral_tokens *out, const spiral_normtext *nt, const char *orig,
                    spiral_zhseg *zh, const spiral_dict *dict, const spiral_dict *user,
                    size_t max_tokens);

/* Split the tokens into sentences (English and Chinese terminators, closing
 * quotes, abbreviations, paragraph breaks).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_sentences(spiral_tokens *t, const spiral_normtext *nt, const char *orig);

void spiral_tokens_free(spiral_tokens *t);

#endif
