/*
 * session.h - the per-thread pipeline and the document it produces.
 */
#ifndef SPIRAL_SESSION_H
#define SPIRAL_SESSION_H

#include <pcre2.h>

#include "buf.h"
#include "lexicon.h"
#include "normalize.h"
#include "spiral.h"
#include "tokenize.h"

/* A candidate match: tokens [first, first + n) for entry. */
typedef struct spiral_cand {
    uint32_t first, n;
    int32_t entry;
    uint32_t wilds;     /* wildcard edges used: exact patterns win ties */
    uint32_t skip;      /* normalised bytes of the first token before the match */
} spiral_cand;

/* The JSON of a lexicon entry's fields in a hit, written the first time
 * a session writes a hit of the entry and copied every time after
 * (emit_json.c).  It holds, one after the other: ,"category":..,"weight":..
 * (ncw bytes), ,"pattern":.. (npat) and ,"entry":"file:line" (nref); the
 * entry's values it was written from, to be compared with a hit's. */
typedef struct spiral_hitfrag {
    const char *category, *pattern, *file;
    double weight;
    unsigned long line;
    size_t at;          /* where it starts in spiral_emitcache.bytes */
    uint16_t ncw, npat, nref; /* ncw 0: not written yet */
} spiral_hitfrag;

typedef struct spiral_emitcache {
    const spiral_lexicon *lex; /* the entries' lexicon */
    spiral_hitfrag *frag;      /* per entry of lex (lex->n of them), or NULL */
    spiral_buf bytes;
} spiral_emitcache;

struct spiral_doc {
    const char *text;   /* the caller's original text (borrowed) */
    size_t len;
    spiral_normtext nt;
    spiral_tokens tk;
    char lang[8];
    spiral_buf out;     /* emit scratch */
    spiral_emitcache ec; /* emit: lexicon entries' fields as JSON */

    /* match and score */
    const spiral_lexicon *lex;
    spiral_hit *hits, *mods;
    size_t nhits, hitcap, nmods, modcap;
    uint32_t *words;    /* per token: its word number (match.c) */
    uint32_t *starts;   /* the tokens that start walks (match.c) */
    size_t wordcap, startcap;
    struct spiral_wcache *wcache; /* the words of tokens met last (match.c), */
#define SPIRAL_WORD_CACHE 8192        /* by spiral_word_hash() % SPIRAL_WORD_CACHE: 256 KB */
    void *wcache_mem;         /* its allocation (wcache is aligned within) */
    struct spiral_memo *memo; /* first-token walks in the lexicon and actor tries */
    void *memo_mem;           /* its allocation (memo is aligned within) */
    size_t memo_slots, memo_fills; /* its slots; slots filled since it was made */
    spiral_cand *cand;  /* lexicon candidates of a sentence */
    size_t ncand, candcap;
    spiral_cand *acand; /* actor candidates of a sentence */
    size_t nacand, acandcap;
    spiral_cand *rx;    /* regex matches of the document (skip = sentence) */
    size_t nrx, rxcap;
    size_t *sent_end;   /* per sentence: where its normalised text ends */
    size_t sendcap;
    /* Per scanner and sentence, the bits of the prefilter sets found (two
     * words); the sentences where a regex may match, as regex << 32 |
     * sentence, ascending. */
    uint64_t *rx_mask, *rx_pair;
    size_t rxmcap, npair, paircap;
    uint8_t *taken;
    size_t takencap;
    uint32_t *clause;   /* per token: first token of its clause */
    size_t clausecap;
    spiral_scores scores;
    spiral_scores *sscores; /* per sentence */
    size_t sscap;
    spiral_mention *ments;
    size_t nments, mentcap;
    const char *speaker;        /* actor code or NULL */
    char speaker_buf[32];       /* a code given by the caller, copied */
    spiral_target_share *targets;
    size_t ntargets, targetcap;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_code **rx_jit;        /* per regex of rx_lex: a JIT copy, or NULL (match.c) */
    uint32_t *rx_runs;          /* per regex: how often it has run */
    size_t rx_njit;
    const spiral_lexicon *rx_lex;
    unsigned long regex_limit_hits; /* matches stopped by the match/depth limit */
    uint32_t regex_time_limit;      /* ms per regex entry and statement; 0: none */
};

/* Find the lexicon's entries and the actor mentions valid on `date`
 * (YYYYMMDD, 0 = any) in the document, in one pass over its tokens
 * (match.c).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_match_doc(spiral_doc *d, const spiral_lexicon *lex, int32_t date);

/* Free the regexes' JIT copies of d (match.c). */
void spiral_doc_free_regex(spiral_doc *d);

/* Find the actor mentions alone (match.c). */
int spiral_match_actors(spiral_doc *d, const spiral_lexicon *lex, int32_t date);

/* Resolve each hit's target and portrayal and the statement's target
 * distribution (attribute.c).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_attribute_doc(spiral_doc *d, const spiral_context *ctx);

/* Apply the scoring rules and compute sentence and statement scores
 * (score.c).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_score_doc(spiral_doc *d);

/* The emit buffer of a document (the session's; reused per statement). */
spiral_buf *spiral_doc_outbuf(const spiral_doc *doc);
/* Its cache of entries' JSON (the session's), and its lexicon. */
spiral_emitcache *spiral_doc_emitcache(const spiral_doc *doc);
const spiral_lexicon *spiral_doc_lexicon(const spiral_doc *doc);

/* Fields written at the start and end of every output object. */
int spiral_emit_record_head(spiral_buf *b, const spiral_record *rec, const spiral_doc *doc);
int spiral_emit_record_tail(spiral_buf *b, const spiral_record *rec);

/* Language from the script mix: "zh", "en" or "und". */
const char *spiral_detect_lang(const spiral_normtext *nt);

#endif
