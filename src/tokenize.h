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

/* Tokens of one text, reused across documents. */
typedef struct spiral_tokens {
    spiral_token *tok;
    size_t n, cap;
    uint8_t *nl;        /* newlines before token i: 0, 1 or 2 (two or more), and
                           whether it may end a sentence (tokenize.c) */
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
