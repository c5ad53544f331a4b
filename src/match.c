/*
 * match.c - the match stage: lexicon entries and actor mentions found in a
 * document.
 *
 * Fed by the segmenter's tokens and sentences; yields hits for score.c and
 * mentions for attribute.c.  Within each sentence, every token is tried as
 * the start of a pattern by walking the lexicon's trie (and the actor
 * aliases' trie) over the normalised tokens (a space between Latin tokens,
 * nothing between Han ones, and a wildcard edge that swallows the rest of a
 * token), keeping the longest match for each start; regular expressions
 * add their matches, widened to whole tokens.  A Chinese pattern may also
 * match the tail of a longer word (制裁 in 单边制裁, 挑衅 in 军事挑衅: Chinese
 * compounds put the head last) but never its head or middle.  Overlaps are
 * then resolved longest first, so "arms control" beats "arms" and each
 * stretch of text is counted once.  Because matches start and end on token
 * boundaries, 印度 never matches inside 印度尼西亚.
 *
 * Between Latin tokens a walk goes from token to token, not byte to byte:
 * each token's word number in the lexicon's vocabulary is found once, and
 * the walk over it from a token start is worked out by the lexicon at
 * seal time (spiral_token_calls()).  Walks that touch a Han token go byte
 * by byte, as there is no separator to stop at.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "session.h"
#include "utf8.h"

/* The walk from one start token. */
typedef struct walk {
    const spiral_lexicon *lex;
    int which;             /* the trie: 0 the lexicon's, 1 the actors' */
    const spiral_trie *trie;
    const spiral_token *tok;
    const uint32_t *words; /* per token: its word number, or WORD_WALK */
    const unsigned char *norm;
    size_t normcap;        /* bytes allocated at norm (readable, if not text) */
    uint32_t start, end;   /* start token; end of the sentence */
    uint32_t skip;         /* bytes of the start token skipped (tail match) */
    spiral_cand best;
    /* actor aliases: terminals are chains checked against date and case */
    const spiral_lexicon *actors;
    int32_t date;
    const char *orig;
} walk;

/* The first alias in the chain from `head` that applies on the date (and,
 * for case-sensitive aliases, is written exactly so), or -1. */
static int32_t valid_actor(const walk *w, int32_t head, uint32_t last)
{
    const spiral_actor *ac = w->actors->actors;
    uint32_t a = w->tok[w->start].start, b = w->tok[last].end;
    int32_t k;

    for (k = head; k >= 0; k = ac[k].next) {
        if (w->date && ((ac[k].from && w->date < ac[k].from) || (ac[k].to && w->date > ac[k].to)))
            continue;
        if (ac[k].case_sensitive &&
            (strlen(ac[k].alias) != b - a || memcmp(ac[k].alias, w->orig + a, b - a) != 0))
            continue;
        return k;
    }
    return -1;
}

/* A token walked byte by byte: Han, or before a Han token. */
#define WORD_WALK 0xFFFFFFFEu
/* In d->words, with a word number: the word starts a walk in one of the
 * tries (its calls from a root are not empty).  With SPIRAL_WORD_STEM too,
 * only the last word of a vocabulary of 2^30 would read as WORD_WALK, and
 * a walk byte by byte finds what the walk by words finds. */
#define WORD_STARTS 0x80000000u
#define WORD_NUMBER(w) ((w) & ~(SPIRAL_WORD_STEM | WORD_STARTS))

#if defined(__GNUC__)
#define SPIRAL_PREFETCH(p) __builtin_prefetch(p)
#else
#define SPIRAL_PREFETCH(p) ((void)(p))
#endif

static void walk_token_from(walk *w, int32_t node, uint32_t t, uint32_t wilds, size_t from);
static void walk_next(walk *w, int32_t start, uint32_t t, uint32_t wilds);

static void walk_token(walk *w, int32_t node, uint32_t t, uint32_t wilds)
{
    walk_token_from(w, node, t, wilds, 0);
}

/* A pattern (entry e, for actors the head of a chain of aliases) ends
 * with token t: the best of the walk if it is longer, or as long with
 * fewer wildcards. */
static void take(walk *w, int32_t e, uint32_t t, uint32_t wilds)
{
    if (e >= 0 && w->actors)
        e = valid_actor(w, e, t);
    if (e >= 0) {
        uint32_t n = t - w->start + 1;

        if (n > w->best.n || (n == w->best.n && wilds < w->best.wilds)) {
            w->best.first = w->start;
            w->best.n = n;
            w->best.entry = e;
            w->best.wilds = wilds;
            w->best.skip = w->skip;
        }
    }
}

static void after_token(walk *w, int32_t node, uint32_t t, uint32_t wilds)
{
    take(w, w->trie->fn[node].entry, t, wilds);
    if (t + 1 < w->end) {
        if (w->tok[t].kind != SPIRAL_TOK_HAN && w->tok[t + 1].kind != SPIRAL_TOK_HAN) {
            int32_t next = spiral_trie_next(w->trie, node, ' ');

            if (next >= 0)
                walk_next(w, next, t + 1, wilds);
        } else {
            walk_token(w, node, t + 1, wilds);
        }
    }
}

/* One call of a walk by words: its pattern ends with token t, and the
 * walk goes on from its child by ' ' (unless the next token's word is not
 * among those with a walk from there). */
static inline void word_call(walk *w, const spiral_calls *c, uint32_t t, uint32_t wilds)
{
    int32_t space = (int32_t)(c->b & SPIRAL_CALL_NODE) - 1;
    uint32_t next;

    wilds += c->b >> 31;
    take(w, (int32_t)c->a, t, wilds);
    if (space < 0 || t + 1 >= w->end || (next = w->words[t + 1]) == SPIRAL_WORD_NONE)
        return;
    if (next != WORD_WALK) {
        uint64_t bits = spiral_word_bits(WORD_NUMBER(next));

        if ((c->next & bits) != bits)
            return;
    }
    walk_next(w, space, t + 1, wilds);
}

/* The calls c of the walk over token t, whose word is `word` (with
 * SPIRAL_WORD_STEM, a longer token than the stem: only the wildcards'
 * calls). */
static inline void word_calls(walk *w, const spiral_calls *c, uint32_t word, uint32_t t,
                              uint32_t wilds)
{
    const spiral_calls *r;
    uint32_t n, i;

    if (c->b & SPIRAL_CALL_ONE) {
        if (!(word & SPIRAL_WORD_STEM) || (c->b & SPIRAL_CALL_WILD))
            word_call(w, c, t, wilds);
        return;
    }
    if (!(c->b & SPIRAL_CALL_MANY))
        return;
    r = w->trie->tok_many + c->a;
    n = (r[0].a & 0x7FFFFFFFu) - ((word & SPIRAL_WORD_STEM) ? r[0].a >> 31 : 0);
    for (i = 1; i <= n; i++)
        word_call(w, &r[i], t, wilds);
}

/* The walk over token t from `start`, where a token starts, by its word
 * (the calls after_token() would get, with their nodes' entries and
 * children by ' '). */
static void walk_word(walk *w, int32_t start, uint32_t t, uint32_t wilds)
{
    uint32_t word = w->words[t];
    spiral_calls c;

    if (word == SPIRAL_WORD_NONE)
        return;
    c = spiral_token_calls(w->lex, w->which, start, WORD_NUMBER(word));
    word_calls(w, &c, word, t, wilds);
}

static void walk_next(walk *w, int32_t start, uint32_t t, uint32_t wilds)
{
    if (w->words[t] == WORD_WALK)
        walk_token(w, start, t, wilds);
    else
        walk_word(w, start, t, wilds);
}

static void walk_token_from(walk *w, int32_t node, uint32_t t, uint32_t wilds, size_t from)
{
    const spiral_token *tk = &w->tok[t];
    const unsigned char *p = w->norm + tk->norm_start;
    size_t len = tk->norm_end - tk->norm_start, k;

    for (k = from;; k++) {
        int32_t wild = w->trie->fn[node].wild;

        /* "sanction*": the rest of this token is the wildcard's. */
        if (wild >= 0 && k > from)
            after_token(w, wild, t, wilds + 1);
        if (k == len) {
            after_token(w, node, t, wilds);
            return;
        }
        if ((node = spiral_trie_next(w->trie, node, p[k])) < 0)
            return;
    }
}

/* A start token walked byte by byte (Han, or before a Han token): its
 * walk through its own bytes depends only on the token, and the same
 * words start walks again and again; what it yields in each trie
 * (the nodes after_token() is called with, in order: wildcard ends inside
 * it, then the node at its end) is remembered per session in one
 * direct-mapped table of 64-byte slots, filled for the lexicon and the
 * actor trie at once (the actor pass then finds the slots the lexicon pass
 * filled), and replayed.  Tokens longer than MEMO_KEY bytes, and walks
 * with more than MEMO_OUT calls, are walked every time. */
#define MEMO_SLOTS 16384
#define MEMO_FIRST 512 /* slots at first: a short input touches few pages */
#define MEMO_KEY 24
#define MEMO_OUT 4
#define MEMO_WALK 0xFF /* nout: too many calls to remember */

typedef struct spiral_memo {
    uint64_t key[MEMO_KEY / 8]; /* the token's bytes, zero-padded */
    uint8_t len;                /* 0: empty */
    uint8_t nout[2];            /* per trie: 0 lexicon, 1 actors */
    uint8_t wild[2];            /* bit n: call n counts one more wildcard */
    int32_t node[2][MEMO_OUT];
} spiral_memo;

/* The after_token() calls of a start token's bytes in trie: their number
 * (nodes in node_out, bit n of *wild set when call n is a wildcard end),
 * or MEMO_WALK when there are more than MEMO_OUT. */
static uint8_t first_token_calls(const spiral_trie *trie, const unsigned char *p, size_t len,
                                 int32_t *node_out, uint8_t *wild)
{
    uint8_t wilds[MEMO_OUT];
    size_t n = spiral_trie_calls(trie, 0, p, len, node_out, wilds, MEMO_OUT), i;

    *wild = 0;
    if (n > MEMO_OUT)
        return MEMO_WALK;
    for (i = 0; i < n; i++)
        *wild |= (uint8_t)(wilds[i] << i);
    return (uint8_t)n;
}

/* A start token's memo key: its bytes, zero-padded, its length and hash;
 * len 0 when it is too long to remember (or empty). */
typedef struct memo_key {
    uint64_t key[MEMO_KEY / 8];
    size_t len;
    uint64_t h;
} memo_key;

static inline void memo_key_of(memo_key *k, const walk *w, uint32_t t)
{
    const spiral_token *tk = &w->tok[t];
    const unsigned char *p = w->norm + tk->norm_start;
    size_t len = tk->norm_end - tk->norm_start, i;
    uint64_t h;

    k->len = 0;
    if (len == 0 || len > MEMO_KEY)
        return;
    k->key[0] = k->key[1] = k->key[2] = 0;
    if (tk->norm_start + MEMO_KEY <= w->normcap) {
        /* Whole words, the bytes past the token masked off. */
        for (i = 0; i < MEMO_KEY / 8; i++) {
            size_t have = len > i * 8 ? len - i * 8 : 0;

            k->key[i] = spiral_load8(p + i * 8);
            k->key[i] &= have >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (have * 8)) - 1;
        }
    } else {
        for (i = 0; i < len; i++)
            k->key[i / 8] |= (uint64_t)p[i] << (i % 8 * 8);
    }
    h = (k->key[0] * 0x9E3779B97F4A7C15u) ^ (k->key[1] * 0xC2B2AE3D27D4EB4Fu) ^
        (k->key[2] * 0x165667B19E3779F9u) ^ len;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    k->h = h >> 32;
    k->len = len;
}

/* The memo slot of token t (w->tok, w->norm) in m (of nslots, a power of
 * two), filled for both tries of lex if it held another token (counted in
 * *fills); NULL when the token is too long to remember, or there is no
 * memo.  The slot stays the token's until the next call. */
static const spiral_memo *memo_slot(const walk *w, spiral_memo *m, size_t nslots, size_t *fills,
                                    const spiral_lexicon *lex, uint32_t t)
{
    const spiral_token *tk = &w->tok[t];
    const unsigned char *p = w->norm + tk->norm_start;
    memo_key k;
    spiral_memo *slot;

    memo_key_of(&k, w, t);
    if (m == NULL || k.len == 0)
        return NULL;
    slot = &m[k.h & (nslots - 1)];
    if (slot->len != k.len || slot->key[0] != k.key[0] || slot->key[1] != k.key[1] ||
        slot->key[2] != k.key[2]) {
        (*fills)++;
        slot->len = (uint8_t)k.len;
        memcpy(slot->key, k.key, sizeof k.key);
        slot->nout[0] = first_token_calls(&lex->trie, p, k.len, slot->node[0], &slot->wild[0]);
        slot->nout[1] = first_token_calls(&lex->atrie, p, k.len, slot->node[1], &slot->wild[1]);
    }
    return slot;
}

/* walk_token(w, 0, t, 0) in trie `which` (0 lexicon, 1 actors): by its
 * word's walk from the root, or replayed from the token's memo slot, or
 * walked (slot NULL). */
static inline void walk_start(walk *w, const spiral_memo *slot, int which, uint32_t t)
{
    uint32_t word = w->words[t];
    uint8_t i, n;

    if (word != WORD_WALK) {
        word_calls(w, &w->lex->words[WORD_NUMBER(word)].root[which], word, t, 0);
        return;
    }
    if (slot == NULL || (n = slot->nout[which]) == MEMO_WALK) {
        walk_token(w, 0, t, 0);
        return;
    }
    for (i = 0; i < n; i++)
        after_token(w, slot->node[which][i], t, (slot->wild[which] >> i) & 1);
}

_Static_assert(sizeof(spiral_memo) == 64, "a memo slot is one cache line");

/* The session's memo, allocated on first use with its slots on cache-line
 * boundaries: MEMO_FIRST of them, and MEMO_SLOTS (empty again) once those
 * have been filled four times over; NULL when that fails (the walks then
 * go without). */
static spiral_memo *memo_of(spiral_doc *d)
{
    size_t n = d->memo_slots == 0 ? MEMO_FIRST
               : d->memo_slots < MEMO_SLOTS && d->memo_fills > 4 * d->memo_slots ? MEMO_SLOTS
                                                                                 : d->memo_slots;
    void *mem;

    if (n != d->memo_slots && (mem = spiral_calloc(n + 1, sizeof *d->memo)) != NULL) {
        spiral_free(d->memo_mem);
        d->memo_mem = mem;
        d->memo = (spiral_memo *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
        d->memo_slots = n;
        d->memo_fills = 0;
    }
    return d->memo;
}

/* Append candidate c to the array v (*n of *cap used). */
static int add_cand(spiral_cand **v, size_t *n, size_t *cap, const spiral_cand *c)
{
    if (spiral_grow(v, cap, *n + 1, sizeof **v) < 0)
        return SPIRAL_ENOMEM;
    (*v)[(*n)++] = *c;
    return SPIRAL_OK;
}

/* Chinese patterns of two or more characters that end a longer Han word:
 * the longest such tail that is an entry. */
static int tail_cands(spiral_doc *d, walk *w, uint32_t t)
{
    const spiral_token *tk = &d->tk.tok[t];
    const unsigned char *p = w->norm + tk->norm_start;
    size_t len = tk->norm_end - tk->norm_start, off;

    /* Han characters are 3 bytes (4 in the supplementary planes); start
     * at each character boundary after the first, leaving at least two. */
    for (off = 1; off + 6 <= len; off++) {
        if ((p[off] & 0xC0) == 0x80)
            continue;
        memset(&w->best, 0, sizeof w->best);
        w->skip = (uint32_t)off;
        walk_token_from(w, 0, t, 0, off);
        if (w->best.n > 0 && d->lex->e[w->best.entry].lang_zh &&
            d->lex->e[w->best.entry].family != SPIRAL_FAM_MODIFIER) {
            w->skip = 0;
            return add_cand(&d->cand, &d->ncand, &d->candcap, &w->best);
        }
    }
    w->skip = 0;
    return SPIRAL_OK;
}

/* The sentence whose normalised text contains byte `at`, or nsent (by
 * d->sent_end). */
static size_t sentence_at(const spiral_doc *d, size_t at)
{
    size_t lo = 0, hi = d->tk.nsent;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (d->sent_end[mid] <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int add_regex_hit(spiral_doc *d, size_t si, size_t ms, size_t me, int32_t entry)
{
    const spiral_sentence *s = &d->tk.sent[si];
    const spiral_token *tok = d->tk.tok;
    spiral_cand *c;
    uint32_t a, b;

    /* The tokens the match touches. */
    for (a = s->first_token; a < s->first_token + s->ntokens && tok[a].norm_end <= ms; a++)
        ;
    for (b = a; b < s->first_token + s->ntokens && tok[b].norm_start < me; b++)
        ;
    if (b <= a)
        return SPIRAL_OK;
    if (spiral_grow(&d->rx, &d->rxcap, d->nrx + 1, sizeof *d->rx) < 0)
        return SPIRAL_ENOMEM;
    c = &d->rx[d->nrx++];
    c->first = a;
    c->n = b - a;
    c->entry = entry;
    c->wilds = 0;
    c->skip = (uint32_t)si; /* the sentence, until it is added as a candidate */
    return SPIRAL_OK;
}

/* Whether most of text nt is bytes scanner sc skips: Han characters (3
 * bytes) for an ASCII scanner, or the other way round. */
static int scan_foreign(const spiral_scan *sc, const spiral_normtext *nt)
{
    size_t han = 3 * nt->han_chars;

    if (sc->skip == SPIRAL_SCAN_SKIP_HIGH)
        return han > nt->text.len / 2;
    return sc->skip == SPIRAL_SCAN_SKIP_LOW && han < nt->text.len / 2;
}

/* Whether regex r may match in sentence si: the bits of its scanned sets
 * are all in `m` (its scanner's for the sentence), and the sentence holds
 * a literal of each of its other sets. */
static int regex_may_match(const spiral_doc *d, const spiral_lexicon *lex, size_t r, size_t si,
                           const uint64_t *m)
{
    const uint64_t *need = lex->rx_need + 2 * r;
    const spiral_prefilter *pf = &lex->e[lex->regex[r]].pf;
    size_t k;

    if ((m[0] & need[0]) != need[0] || (m[1] & need[1]) != need[1])
        return 0;
    for (k = 1; k < pf->nset; k++)
        if (((lex->rx_lazy[r] >> k) & 1) &&
            !spiral_prefilter_set_in(pf, k, d->nt.text.data, si ? d->sent_end[si - 1] : 0,
                                     d->sent_end[si]))
            return 0;
    return 1;
}

static int pair_order(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

/* The sentences where each regex with a prefilter may match: those
 * holding a literal of each of its sets (a match lies within one sentence
 * and contains one of each; a literal of its first set counts in the
 * sentence where it ends), in d->rx_pair as regex << 32 | sentence,
 * ascending.  One scan of the text per scanner.  SPIRAL_OK or
 * SPIRAL_ENOMEM. */
static int regex_sentences(spiral_doc *d, const spiral_lexicon *lex)
{
    const unsigned char *t = (const unsigned char *)d->nt.text.data;
    size_t ns = d->tk.nsent, g, si, r, w, k;

    if (spiral_grow(&d->rx_mask, &d->rxmcap, 2 * ns * (lex->nscans + 1), sizeof *d->rx_mask) < 0)
        return SPIRAL_ENOMEM;
    d->npair = 0;
    for (g = 0; g < lex->nscans; g++) {
        const spiral_rxscan *sc = &lex->scans[g];
        uint64_t *mask = d->rx_mask + 2 * ns * g;

        spiral_scan_text(&sc->scan, t, d->nt.text.len, d->sent_end, ns, mask,
                         scan_foreign(&sc->scan, &d->nt));
        for (si = 0; si < ns; si++)
            for (w = 0; w < 2; w++) {
                uint64_t bits = mask[2 * si + w] & sc->first[w];

                for (; bits != 0; bits &= bits - 1) {
                    r = sc->rx[w * 64 + spiral_lowest_bit(bits)];
                    if (!regex_may_match(d, lex, r, si, mask + 2 * si))
                        continue;
                    if (spiral_grow(&d->rx_pair, &d->paircap, d->npair + 1,
                                    sizeof *d->rx_pair) < 0)
                        return SPIRAL_ENOMEM;
                    d->rx_pair[d->npair++] = (uint64_t)r << 32 | si;
                }
            }
    }
    /* By regex, then sentence: few, mostly (an insertion sort). */
    if (d->npair > 32) {
        qsort(d->rx_pair, d->npair, sizeof *d->rx_pair, pair_order);
    } else {
        for (k = 1; k < d->npair; k++) {
            uint64_t v = d->rx_pair[k];
            size_t j;

            for (j = k; j > 0 && d->rx_pair[j - 1] > v; j--)
                d->rx_pair[j] = d->rx_pair[j - 1];
            d->rx_pair[j] = v;
        }
    }
    return SPIRAL_OK;
}

/* Milliseconds on a monotonic clock (coarse: ticks of a few ms). */
static uint64_t now_ms(void)
{
    struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Every regular-expression match of the document, each within one
 * sentence.  A regex runs once over the whole text (one call instead of
 * one per sentence); a match that would cross a sentence end is searched
 * again inside its sentence, so the result is as if each sentence were
 * matched alone.
 *
 * An entry with prefilter literals is searched only in the runs of
 * sentences that hold one of them (regex_possible()).
 *
 * PCRE2's match limit counts the steps from one starting point, so a
 * pattern that costs nearly the limit from every point of a long text
 * ("(a|a)+$" over many short runs of a) would not be stopped by it (JIT
 * code too: 54 s for 400 KB in one call).  Each call may therefore start
 * at most RX_WINDOW bytes ahead (an offset limit; the subject is unchanged,
 * so the matches are the same), and between calls the entry's time for
 * this statement is checked against regex_time_limit on the coarse clock
 * (a few ms resolution, a fraction of the cost of the precise one).  Any
 * stop is counted in regex_limit_hits and ends the entry's search. */
#define RX_WINDOW 64

/* The matches of regex entry ei that start in [from, stop), exactly as a
 * search of the whole text would find them there.  Returns SPIRAL_OK,
 * SPIRAL_ENOMEM, or 1 when the entry's search ends here (a limit). */
static int regex_range(spiral_doc *d, const pcre2_code *re, int32_t ei, size_t from,
                       size_t stop, uint32_t opts, uint64_t start)
{
    PCRE2_SPTR subj = (PCRE2_SPTR)d->nt.text.data;
    size_t len = d->nt.text.len;
    PCRE2_SIZE at = from, limit = len; /* limit: the subject's length */
    size_t pinned = (size_t)-1;        /* searching inside one sentence */

    for (;;) {
        PCRE2_SIZE last = pinned != (size_t)-1 ? limit : stop - 1; /* last start */
        PCRE2_SIZE window = last - at > RX_WINDOW ? at + RX_WINDOW : last;
        int rc;
        PCRE2_SIZE *ov;
        size_t si, send;

        if (at > last)
            return SPIRAL_OK;
        pcre2_set_offset_limit(d->mctx, window);
        rc = pcre2_match(re, subj, limit, at, opts, d->md, d->mctx);
        if (rc == PCRE2_ERROR_NOMATCH && window < last) {
            /* Nothing starts in this window: the next one, unless the
             * entry is out of time. */
            if (d->regex_time_limit && now_ms() - start >= d->regex_time_limit) {
                d->regex_limit_hits++;
                return 1;
            }
            for (at = window + 1; at < limit && (subj[at] & 0xC0) == 0x80; at++)
                ;
            continue;
        }
        if (rc == PCRE2_ERROR_NOMEMORY)
            return SPIRAL_ENOMEM;
        if (rc < 0) {
            if (rc != PCRE2_ERROR_NOMATCH)
                d->regex_limit_hits++; /* match or depth limit: bounded, skipped */
            if (pinned == (size_t)-1)
                return rc == PCRE2_ERROR_NOMATCH ? SPIRAL_OK : 1;
            /* Done with the pinned sentence: go on after it. */
            at = limit;
            limit = len;
            pinned = (size_t)-1;
            continue;
        }
        ov = pcre2_get_ovector_pointer(d->md);
        si = sentence_at(d, ov[0]);
        if (si >= d->tk.nsent)
            return 1;
        send = d->sent_end[si];
        if (ov[1] > send && pinned == (size_t)-1) {
            /* Crosses the sentence end: search this sentence alone. */
            pinned = si;
            at = ov[0];
            limit = send;
            continue;
        }
        if (ov[1] <= ov[0]) {
            /* An empty match: go on at the next character (not inside
             * this one, which PCRE2 would refuse as a bad offset). */
            for (at = ov[0] + 1; at < limit && (subj[at] & 0xC0) == 0x80; at++)
                ;
            continue;
        }
        if (add_regex_hit(d, si, ov[0], ov[1], ei) < 0)
            return SPIRAL_ENOMEM;
        at = ov[1];
        if (pinned != (size_t)-1 && at >= limit) {
            limit = len;
            pinned = (size_t)-1;
        }
    }
}

/* Regexes are compiled for PCRE2's interpreter when the lexicon is loaded;
 * compiling them all to machine code too (JIT) would cost more than a short
 * input takes to score, which needs few of them.  So each session
 * JIT-compiles a copy of its own of a regex the first time it runs it
 * (RX_JIT_AFTER), and runs that from then on.  Not later: the interpreter
 * and JIT code stop at different points of the match and depth limits, so
 * a statement's hits would then depend on how many statements the session
 * had seen before it, that is on the order and on -j N. */
#define RX_JIT_AFTER 1

void spiral_doc_free_regex(spiral_doc *d)
{
    size_t r;

    for (r = 0; r < d->rx_njit; r++)
        pcre2_code_free(d->rx_jit[r]);
    spiral_free(d->rx_jit);
    spiral_free(d->rx_runs);
    d->rx_jit = NULL;
    d->rx_runs = NULL;
    d->rx_njit = 0;
    d->rx_lex = NULL;
}

/* The code to run lex's regex r with: its own, or the session's JIT copy
 * (see RX_JIT_AFTER).  Without memory for the copies the regex is
 * interpreted, as under valgrind (spiral_regex_jit()). */
static const pcre2_code *regex_code(spiral_doc *d, const spiral_lexicon *lex, size_t r)
{
    const pcre2_code *re = lex->e[lex->regex[r]].re;

    if (d->rx_lex != lex) {
        spiral_doc_free_regex(d);
        if ((d->rx_jit = spiral_calloc(lex->nregex, sizeof *d->rx_jit)) == NULL ||
            (d->rx_runs = spiral_calloc(lex->nregex, sizeof *d->rx_runs)) == NULL) {
            spiral_doc_free_regex(d);
            return re;
        }
        d->rx_njit = lex->nregex;
        d->rx_lex = lex;
    }
    if (d->rx_jit[r] == NULL && ++d->rx_runs[r] == RX_JIT_AFTER)
        d->rx_jit[r] = spiral_regex_jit(re);
    return d->rx_jit[r] ? d->rx_jit[r] : re;
}

static int regex_matches(spiral_doc *d, const spiral_lexicon *lex)
{
    size_t len = d->nt.text.len, r, si, k;
    uint32_t opts;
    int rc;

    d->nrx = 0;
    if (d->tk.nsent == 0)
        return SPIRAL_OK;
    if (spiral_grow(&d->sent_end, &d->sendcap, d->tk.nsent, sizeof *d->sent_end) < 0)
        return SPIRAL_ENOMEM;
    for (si = 0; si < d->tk.nsent; si++) {
        const spiral_sentence *s = &d->tk.sent[si];

        d->sent_end[si] = d->tk.tok[s->first_token + s->ntokens - 1].norm_end;
    }
    if (regex_sentences(d, lex) < 0)
        return SPIRAL_ENOMEM;
    if (d->npair == 0 && lex->nalways == 0)
        return SPIRAL_OK;
    /* PCRE2 would check the whole subject's UTF-8 on every call (one per
     * window and match): check it once here. */
    opts = spiral_utf8_check(d->nt.text.data, len) == len ? PCRE2_NO_UTF_CHECK : 0;
    for (r = 0; lex->nalways > 0 && r < lex->nregex; r++)
        if (lex->rx_always[r] &&
            (rc = regex_range(d, regex_code(d, lex, r), (int32_t)lex->regex[r], 0, len + 1, opts,
                              d->regex_time_limit ? now_ms() : 0)) < 0)
            return rc;
    for (k = 0; k < d->npair;) {
        /* regex r's sentences, in runs of consecutive ones */
        int32_t ei = (int32_t)lex->regex[r = (size_t)(d->rx_pair[k] >> 32)];
        uint64_t start = d->regex_time_limit ? now_ms() : 0;
        const pcre2_code *re = regex_code(d, lex, r);

        for (rc = SPIRAL_OK; k < d->npair && d->rx_pair[k] >> 32 == r; k++) {
            uint32_t a = (uint32_t)d->rx_pair[k];

            while (k + 1 < d->npair && d->rx_pair[k + 1] == d->rx_pair[k] + 1)
                k++;
            if (rc == SPIRAL_OK)
                rc = regex_range(d, re, ei, a ? d->sent_end[a - 1] : 0,
                                 d->sent_end[(uint32_t)d->rx_pair[k]], opts, start);
        }
        if (rc < 0)
            return rc;
    }
    return SPIRAL_OK;
}

static int cand_order(const void *x, const void *y)
{
    const spiral_cand *a = x, *b = y;

    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->skip != b->skip)
        return a->skip < b->skip ? -1 : 1;
    if (a->wilds != b->wilds)
        return a->wilds < b->wilds ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Regex matches by sentence (then any fixed order: candidates' order does
 * not matter to select_cands(), whose sort is total). */
static int rx_order(const void *x, const void *y)
{
    const spiral_cand *a = x, *b = y;

    if (a->skip != b->skip)
        return a->skip < b->skip ? -1 : 1;
    return cand_order(x, y);
}

static int text_order(const void *x, const void *y)
{
    const spiral_cand *a = x, *b = y;

    return a->first < b->first ? -1 : a->first > b->first;
}

/* Sort v[0..n) by `order`: a sentence has few candidates, mostly in
 * order already (an insertion sort), a long one many (qsort). */
static void sort_cands(spiral_cand *v, size_t n, int (*order)(const void *, const void *))
{
    size_t i, j;

    if (n > 16) {
        qsort(v, n, sizeof *v, order);
        return;
    }
    for (i = 1; i < n; i++) {
        spiral_cand k = v[i];

        for (j = i; j > 0 && order(&v[j - 1], &k) > 0; j--)
            v[j] = v[j - 1];
        v[j] = k;
    }
}

/* Keep the candidates v[0..n) of sentence s that do not overlap a longer
 * one (longest first: each token belongs to at most one hit; the others
 * get n = 0) and put them in text order (the order of those kept: each
 * starts at a token of its own).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int select_cands(spiral_doc *d, spiral_cand *v, size_t n, const spiral_sentence *s)
{
    size_t c;

    sort_cands(v, n, cand_order);
    if (spiral_grow(&d->taken, &d->takencap, s->ntokens, 1) < 0)
        return SPIRAL_ENOMEM;
    memset(d->taken, 0, s->ntokens);
    for (c = 0; c < n; c++) {
        spiral_cand *k = &v[c];
        uint32_t i, free_ = 1;

        for (i = k->first; i < k->first + k->n && free_; i++)
            free_ = !d->taken[i - s->first_token];
        if (!free_) {
            k->n = 0;
            continue;
        }
        for (i = k->first; i < k->first + k->n; i++)
            d->taken[i - s->first_token] = 1;
    }
    sort_cands(v, n, text_order);
    return SPIRAL_OK;
}

static int emit_hit(spiral_doc *d, const spiral_lexicon *lex, const spiral_cand *c,
                    uint32_t sentence)
{
    static const spiral_hit zero_hit;
    const spiral_entry *e = &lex->e[c->entry];
    const spiral_token *tok = d->tk.tok;
    spiral_hit *h;

    if (e->family == SPIRAL_FAM_MODIFIER) {
        if (spiral_grow(&d->mods, &d->modcap, d->nmods + 1, sizeof *d->mods) < 0)
            return SPIRAL_ENOMEM;
        h = &d->mods[d->nmods++];
    } else {
        if (spiral_grow(&d->hits, &d->hitcap, d->nhits + 1, sizeof *d->hits) < 0)
            return SPIRAL_ENOMEM;
        h = &d->hits[d->nhits++];
    }
    /* (Copied from a zero hit: a memset of the whole hit took a slow
     * string instruction.) */
    *h = zero_hit;
    h->first_token = c->first;
    h->ntokens = c->n;
    h->start = c->skip ? d->nt.map[tok[c->first].norm_start + c->skip] : tok[c->first].start;
    h->end = tok[c->first + c->n - 1].end;
    h->sentence = sentence;
    h->family = e->family == SPIRAL_FAM_THREAT ? SPIRAL_THREAT
              : e->family == SPIRAL_FAM_REASSURANCE ? SPIRAL_REASSURANCE
              : e->family == SPIRAL_FAM_MODIFIER ? SPIRAL_MODIFIER : SPIRAL_NONE;
    h->category = h->entry_category = e->category;
    h->pattern = e->pattern;
    h->entry_file = e->file;
    h->entry_line = e->line;
    h->entry_index = (size_t)c->entry;
    h->weight = e->weight;
    h->score = e->weight;
    return SPIRAL_OK;
}

/* The actor mentions among the candidates v[0..n) of sentence si (after
 * select_cands()). */
static int emit_mentions(spiral_doc *d, const spiral_lexicon *lex, const spiral_cand *v, size_t n,
                         uint32_t si)
{
    size_t c;

    for (c = 0; c < n; c++) {
        const spiral_cand *k = &v[c];
        const spiral_actor *a;
        spiral_mention *m;

        if (k->n == 0)
            continue;
        a = &lex->actors[k->entry];
        if (spiral_grow(&d->ments, &d->mentcap, d->nments + 1, sizeof *d->ments) < 0)
            return SPIRAL_ENOMEM;
        m = &d->ments[d->nments++];
        m->first_token = k->first;
        m->ntokens = k->n;
        m->sentence = si;
        m->start = d->tk.tok[k->first].start;
        m->end = d->tk.tok[k->first + k->n - 1].end;
        m->code = m->alias_code = a->code;
        m->kind = a->kind;
        m->alias = a->alias;
    }
    return SPIRAL_OK;
}

/* The walks of one sentence's tokens start from: lexicon (which 0) or
 * actors (1). */
static void walk_init(walk *w, const spiral_doc *d, const spiral_lexicon *lex, int which,
                      uint32_t end, int32_t date)
{
    w->lex = lex;
    w->which = which;
    w->trie = which ? &lex->atrie : &lex->trie;
    w->tok = d->tk.tok;
    w->words = d->words;
    w->norm = (const unsigned char *)d->nt.text.data;
    w->normcap = d->nt.text.cap;
    w->end = end;
    w->skip = 0;
    w->actors = which ? lex : NULL;
    w->date = date;
    w->orig = d->text;
}

/* The words of the tokens a session met last, by hash (a token of up to
 * 16 bytes: its bytes, zero-padded, and length), as d->words has them:
 * most tokens are the same few words, and their entries stay in the
 * nearest caches, where the vocabulary's slots and words do not. */
typedef struct spiral_wcache {
    uint64_t key[2];
    uint32_t len;          /* 0: empty */
    uint32_t word;
    uint64_t pad;
} spiral_wcache;

_Static_assert(sizeof(spiral_wcache) == 32, "two word-cache entries to a cache line");

/* The session's word cache, allocated on first use; NULL when that
 * fails (the tokens are then looked up every time). */
static spiral_wcache *wcache_of(spiral_doc *d)
{
    if (d->wcache == NULL)
        d->wcache = spiral_calloc_lines(SPIRAL_WORD_CACHE, sizeof *d->wcache, &d->wcache_mem);
    return d->wcache;
}

/* The word number (spiral_lexicon_word()) of each token in d->words, or
 * WORD_WALK for one walked byte by byte: a Han token, or one before a Han
 * token in its sentence (walks go on into it without a separator); a word
 * that starts walks has WORD_STARTS.  Tokens hold no space
 * and no control byte (tokenize.c splits there), so a word's walk never
 * crosses a separator.  Four steps in a pipeline, a block of tokens
 * apart, so that cache misses overlap: the tokens' keys and hashes, with
 * their word-cache entries fetched ahead; the tokens found there done,
 * the others' vocabulary slots fetched ahead; the words the slots name
 * fetched ahead in turn; the tokens checked against those words (and
 * remembered in the word cache).  The last two steps go over a list of
 * the tokens left, as most are found in the cache.  Returns the end of the
 * last sentence (the tokens after it have no word). */
#define WORD_BLOCK 16
#define WORD_BLOCKS 4 /* blocks in the pipeline at once */
#define WORD_RING (WORD_BLOCKS * WORD_BLOCK) /* their tokens' keys, by t % WORD_RING */

/* A token as the word cache knows it: its first 16 bytes, zero-padded,
 * and its length (KEY_NONE: longer, or not readable so: not cached); its
 * hash. */
typedef struct word_key {
    uint64_t k0, k1, h;
    size_t len;
} word_key;

#define KEY_NONE ((size_t)-1)

/* The bytes of a token's first and second 8 that are its own, by length. */
#define KEY_BYTES(n) ((n) >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * ((n) & 7))) - 1)
#define KEY_MASK(len) { KEY_BYTES(len), KEY_BYTES((len) > 8 ? (len) - 8 : 0) }
static const uint64_t key_mask[17][2] = {
    KEY_MASK(0),  KEY_MASK(1),  KEY_MASK(2),  KEY_MASK(3),  KEY_MASK(4),  KEY_MASK(5),
    KEY_MASK(6),  KEY_MASK(7),  KEY_MASK(8),  KEY_MASK(9),  KEY_MASK(10), KEY_MASK(11),
    KEY_MASK(12), KEY_MASK(13), KEY_MASK(14), KEY_MASK(15), KEY_MASK(16)
};

/* The key of token p[0..len), which starts at byte `at` of the normalised
 * text of cap bytes: a token of 1 to 16 bytes with 8-byte loads (the
 * second from p again when it has no second 8, masked off), and
 * spiral_word_hash() computed from them, as it would from the bytes (its
 * second round worked out for every token and kept for the longer ones:
 * whether a word is longer than 8 bytes is not for guessing). */
static inline void word_key_of(word_key *k, const unsigned char *p, size_t len, size_t at,
                               size_t cap)
{
    int readable = at + len + 7 <= cap;
    uint64_t h, h2;

    if (len - 1 >= 16 || !readable) {
        k->h = spiral_word_hash(p, len, readable);
        k->len = KEY_NONE;
        return;
    }
    k->k0 = spiral_load8(p) & key_mask[len][0];
    k->k1 = spiral_load8(p + (len > 8 ? 8 : 0)) & key_mask[len][1];
    k->len = len;
    h = ((uint64_t)len ^ k->k0) * 0x9E3779B97F4A7C15u;
    h ^= h >> 29;
    h2 = (h ^ k->k1) * 0x9E3779B97F4A7C15u;
    h2 ^= h2 >> 29;
    h ^= (h ^ h2) & -(uint64_t)(len > 8); /* (a mask, which compilers keep) */
    h *= 0xBF58476D1CE4E5B9u;
    k->h = h ^ (h >> 32);
}

/* Mark WORD_WALK the tokens of d that are walked byte by byte (between
 * sentences too: none starts there), 0 the others; returns the end of the
 * last sentence. */
static uint32_t walked_tokens(spiral_doc *d)
{
    const spiral_token *tok = d->tk.tok;
    uint32_t *words = d->words, t, n = 0;
    size_t si;

    for (si = 0; si < d->tk.nsent; si++) {
        uint32_t end = d->tk.sent[si].first_token + d->tk.sent[si].ntokens;
        uint32_t han = 0;

        for (t = n; t < d->tk.sent[si].first_token; t++)
            words[t] = WORD_WALK;
        for (t = d->tk.sent[si].first_token; t < end; t++) {
            uint32_t is_han = tok[t].kind == SPIRAL_TOK_HAN;

            words[t] = is_han ? WORD_WALK : 0;
            han |= is_han;
        }
        for (t = d->tk.sent[si].first_token; han && t + 1 < end; t++)
            if (tok[t + 1].kind == SPIRAL_TOK_HAN)
                words[t] = WORD_WALK;
        n = end;
    }
    return n;
}

static uint32_t token_words(spiral_doc *d, const spiral_lexicon *lex)
{
    static const spiral_wcache no_entry = { { 0, 0 }, 0, 0, 0 }; /* without a cache */
    const spiral_token *tok = d->tk.tok;
    const unsigned char *norm = (const unsigned char *)d->nt.text.data;
    size_t cap = d->nt.text.cap;
    spiral_wcache *wc = wcache_of(d);
    word_key key[WORD_RING];
    uint32_t todo[WORD_BLOCKS][WORD_BLOCK]; /* per block: its tokens not in the cache */
    uint32_t ntodo[WORD_BLOCKS] = { 0 };
    uint32_t *words = d->words, b, t, i, n = walked_tokens(d);

    for (b = 0; b < n + 3 * WORD_BLOCK; b += WORD_BLOCK) {
        uint32_t e = b < n ? (n - b < WORD_BLOCK ? n : b + WORD_BLOCK) : b;
        uint32_t blk = b / WORD_BLOCK, *list;

        for (t = b; t < e; t++)
            if (words[t] != WORD_WALK) {
                word_key *k = &key[t % WORD_RING];

                word_key_of(k, norm + tok[t].norm_start, tok[t].norm_end - tok[t].norm_start,
                            tok[t].norm_start, cap);
                if (wc != NULL)
                    SPIRAL_PREFETCH(&wc[k->h % SPIRAL_WORD_CACHE]);
            }
        if (b >= WORD_BLOCK) {
            /* (the count in a local: the lists' stores would be taken to
             * change it) */
            uint32_t nlist = 0;

            list = todo[(blk - 1) % WORD_BLOCKS];
            for (t = b - WORD_BLOCK; t < n && t < b; t++) {
                const word_key *k = &key[t % WORD_RING];
                const spiral_wcache *c = wc != NULL ? &wc[k->h % SPIRAL_WORD_CACHE] : &no_entry;
                uint32_t miss;

                if (words[t] == WORD_WALK)
                    continue;
                /* Found or not, without a branch (a fifth are not, at
                 * random): a token not found is listed, and its word
                 * written over in the next step. */
                miss = (c->len != k->len) | (c->key[0] != k->k0) | (c->key[1] != k->k1);
                words[t] = c->word;
                list[nlist] = t;
                nlist += miss;
                SPIRAL_PREFETCH(spiral_word_slot(lex, k->h & -(uint64_t)miss));
            }
            ntodo[(blk - 1) % WORD_BLOCKS] = nlist;
        }
        if (b >= 2 * WORD_BLOCK) {
            list = todo[(blk - 2) % WORD_BLOCKS];
            for (i = 0; i < ntodo[(blk - 2) % WORD_BLOCKS]; i++) {
                const unsigned char *p = norm + tok[t = list[i]].norm_start;
                size_t len = tok[t].norm_end - tok[t].norm_start;

                words[t] = spiral_word_probe(lex, key[t % WORD_RING].h);
                if (words[t] != SPIRAL_WORD_NONE) {
                    SPIRAL_PREFETCH(&lex->words[words[t]]);
                } else if (len > lex->stem_min && lex->stem_min >= 3) {
                    /* no word: the stem filter's bits */
                    SPIRAL_PREFETCH(&lex->stem3[spiral_stem_bit(p, 3) / 8]);
                    if (len > 4)
                        SPIRAL_PREFETCH(&lex->stem4[spiral_stem_bit(p, 4) / 8]);
                }
            }
        }
        if (b >= 3 * WORD_BLOCK) {
            list = todo[(blk - 3) % WORD_BLOCKS];
            for (i = 0; i < ntodo[(blk - 3) % WORD_BLOCKS]; i++) {
                const word_key *k = &key[(t = list[i]) % WORD_RING];
                const unsigned char *p = norm + tok[t].norm_start;
                size_t len = tok[t].norm_end - tok[t].norm_start;
                uint32_t w = words[t];
                int readable = tok[t].norm_start + len + 7 <= cap;

                if (w == SPIRAL_WORD_NONE ? spiral_may_have_stem(lex, p, len)
                                          : lex->words[w].len != len ||
                                                !spiral_word_is(lex, w, p, len, readable))
                    w = spiral_lexicon_word(lex, p, len, readable, k->h, w);
                if (w != SPIRAL_WORD_NONE) {
                    const spiral_calls *r = lex->words[w & ~SPIRAL_WORD_STEM].root;

                    w |= (r[0].b | r[1].b) != 0 ? WORD_STARTS : 0;
                }
                words[t] = w;
                if (wc != NULL && k->len != KEY_NONE) {
                    spiral_wcache *c = &wc[k->h % SPIRAL_WORD_CACHE];

                    c->key[0] = k->k0;
                    c->key[1] = k->k1;
                    c->len = (uint32_t)len;
                    c->word = w;
                }
            }
        }
    }
    return n;
}

/* The tokens of d that start walks (a word with WORD_STARTS, or walked
 * byte by byte) among the first n, in d->starts (*out of them), listed
 * without a branch on each token, which would be guessed wrong at random.
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int start_tokens(size_t *out, spiral_doc *d, uint32_t n)
{
    uint32_t t;
    size_t k = 0;

    if (spiral_grow(&d->starts, &d->startcap, (size_t)n + 1, sizeof *d->starts) < 0)
        return SPIRAL_ENOMEM;
    for (t = 0; t < n; t++) {
        uint32_t w = d->words[t];

        d->starts[k] = t;
        k += (w >> 31) & (w != SPIRAL_WORD_NONE);
    }
    *out = k;
    return SPIRAL_OK;
}

/* How many start tokens ahead match_sentences() fetches their words. */
#define START_AHEAD 4

/* The lexicon entries (when `entries`) and the actor aliases valid on
 * `date` in each sentence, in one pass over its tokens.  A token walked
 * byte by byte has its memo slot looked up once for both tries. */
static int match_sentences(spiral_doc *d, const spiral_lexicon *lex, int32_t date, int entries)
{
    spiral_memo *memo = NULL;
    size_t si, rxi = 0, sc = 0, nst;

    if (spiral_grow(&d->words, &d->wordcap, d->tk.n + 1, sizeof *d->words) < 0 ||
        start_tokens(&nst, d, token_words(d, lex)) < 0)
        return SPIRAL_ENOMEM;

    /* Each sentence takes its regex matches from a cursor: a long
     * statement's sentences do not each scan all of them. */
    if (entries && d->nrx > 1)
        qsort(d->rx, d->nrx, sizeof *d->rx, rx_order);
    for (si = 0; si < d->tk.nsent; si++) {
        const spiral_sentence *s = &d->tk.sent[si];
        uint32_t t, end = s->first_token + s->ntokens;
        walk w, wa;
        size_t c, first;

        d->ncand = d->nacand = 0;
        /* Most tokens start no walk in either trie (no word, or one met
         * only after another): the sentence's start tokens, from the
         * list (past those between sentences). */
        for (; sc < nst && d->starts[sc] < s->first_token; sc++)
            ;
        for (first = sc; sc < nst && d->starts[sc] < end; sc++)
            ;
        walk_init(&w, d, lex, 0, end, date);
        walk_init(&wa, d, lex, 1, end, date);
        for (c = first; c < sc; c++) {
            const spiral_memo *slot = NULL;
            const spiral_calls *root = NULL;
            uint32_t word = d->words[t = d->starts[c]];
            int walked = word == WORD_WALK;

            /* A start word's entry in the vocabulary is seldom in the
             * nearest caches (the word cache spared fetching it), nor is a
             * walked start's memo slot: fetch a later start's ahead, past
             * the end of the sentence too. */
            if (c + START_AHEAD < nst) {
                uint32_t ahead = d->starts[c + START_AHEAD];

                if (d->words[ahead] != WORD_WALK) {
                    SPIRAL_PREFETCH(lex->words[WORD_NUMBER(d->words[ahead])].root);
                } else if (memo != NULL) {
                    /* (here, not in a function of its own, which compilers
                     * may take for one without effects and drop) */
                    memo_key k;

                    memo_key_of(&k, &w, ahead);
                    if (k.len != 0)
                        SPIRAL_PREFETCH(&memo[k.h & (d->memo_slots - 1)]);
                }
            }
            if (!walked) {
                root = lex->words[WORD_NUMBER(word)].root;
            } else {
                if (memo == NULL)
                    memo = memo_of(d);
                slot = memo_slot(&w, memo, d->memo_slots, &d->memo_fills, lex, t);
            }
            if (entries && (walked || root[0].b != 0)) {
                w.start = t;
                memset(&w.best, 0, sizeof w.best);
                walk_start(&w, slot, 0, t);
                if (w.best.n > 0) {
                    SPIRAL_PREFETCH(&lex->e[w.best.entry]); /* for emit_hit() */
                    if (add_cand(&d->cand, &d->ncand, &d->candcap, &w.best) < 0)
                        return SPIRAL_ENOMEM;
                }
                if (d->tk.tok[t].kind == SPIRAL_TOK_HAN && tail_cands(d, &w, t) < 0)
                    return SPIRAL_ENOMEM;
            }
            if (lex->nactors && (walked || root[1].b != 0)) {
                wa.start = t;
                memset(&wa.best, 0, sizeof wa.best);
                walk_start(&wa, slot, 1, t);
                if (wa.best.n > 0 && add_cand(&d->acand, &d->nacand, &d->acandcap, &wa.best) < 0)
                    return SPIRAL_ENOMEM;
            }
        }
        for (; entries && rxi < d->nrx && d->rx[rxi].skip == si; rxi++) {
            spiral_cand k = d->rx[rxi];

            k.skip = 0;
            if (add_cand(&d->cand, &d->ncand, &d->candcap, &k) < 0)
                return SPIRAL_ENOMEM;
        }
        if (d->ncand > 0) {
            if (select_cands(d, d->cand, d->ncand, s) < 0)
                return SPIRAL_ENOMEM;
            for (c = 0; c < d->ncand; c++)
                if (d->cand[c].n > 0 && emit_hit(d, lex, &d->cand[c], (uint32_t)si) < 0)
                    return SPIRAL_ENOMEM;
        }
        if (d->nacand > 0 && (select_cands(d, d->acand, d->nacand, s) < 0 ||
                              emit_mentions(d, lex, d->acand, d->nacand, (uint32_t)si) < 0))
            return SPIRAL_ENOMEM;
    }
    return SPIRAL_OK;
}

int spiral_match_doc(spiral_doc *d, const spiral_lexicon *lex, int32_t date)
{
    d->nhits = d->nmods = 0;
    d->nments = 0;
    d->regex_limit_hits = 0;
    if (lex == NULL || (lex->n == 0 && lex->nactors == 0))
        return SPIRAL_OK;
    if (lex->n > 0 && lex->nregex && regex_matches(d, lex) < 0)
        return SPIRAL_ENOMEM;
    return match_sentences(d, lex, date, lex->n > 0);
}

int spiral_match_actors(spiral_doc *d, const spiral_lexicon *lex, int32_t date)
{
    d->nments = 0;
    if (lex == NULL || lex->nactors == 0)
        return SPIRAL_OK;
    return match_sentences(d, lex, date, 0);
}
