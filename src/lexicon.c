/*
 * lexicon.c - loading threat, reassurance and modifier lexicons.
 *
 * Reads the TSV files documented in lexicons/README.md, checks every field
 * (reporting file, line and column), and compiles the entries for the
 * matcher: word and phrase patterns are normalised exactly as input text is
 * and cut into tokens by the same tokenizer, then inserted into a byte trie
 * over token sequences (a space between Latin tokens, nothing between Han
 * ones, a wildcard edge for "sanction*"); regular expressions are compiled
 * once with PCRE2 (UTF, UCP, caseless) and JIT-compiled where available.
 * Chinese patterns are also collected into a user dictionary so that the
 * segmenter keeps them whole.  Once sealed the lexicon is only read, and one
 * lexicon serves any number of threads.
 */
#include "lexicon.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define running_on_valgrind() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef running_on_valgrind
#define running_on_valgrind() 0
#endif

#include "alloc.h"
#include "error.h"
#include "lexcache.h"
#include "normalize.h"
#include "segment_zh.h"
#include "t2s.h"
#include "tokenize.h"
#include "utf8.h"
#include "zhdict.h"

/* ------------------------------------------------------------------ */
/* Categories                                                          */
/* ------------------------------------------------------------------ */

static const struct category {
    const char *name;
    uint8_t family;
    uint8_t modifier;
} categories[] = {
    { "threat.force", SPIRAL_FAM_THREAT, 0 },
    { "threat.coercion", SPIRAL_FAM_THREAT, 0 },
    { "threat.warning", SPIRAL_FAM_THREAT, 0 },
    { "threat.demand", SPIRAL_FAM_THREAT, 0 },
    { "threat.accusation", SPIRAL_FAM_THREAT, 0 },
    { "threat.opposition", SPIRAL_FAM_THREAT, 0 },
    { "threat.insult", SPIRAL_FAM_THREAT, 0 },
    { "reassurance.restraint", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.nonthreat", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.dialogue", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.cooperation", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.aid", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.agreement", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.transparency", SPIRAL_FAM_REASSURANCE, 0 },
    { "reassurance.deescalation", SPIRAL_FAM_REASSURANCE, 0 },
    { "modifier.negator", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_NEGATOR },
    { "modifier.intensifier", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_INTENSIFIER },
    { "modifier.downtoner", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_DOWNTONER },
    { "modifier.hedge", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_HEDGE },
    { "modifier.certainty", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_CERTAINTY },
    { "modifier.conditional", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_CONDITIONAL },
    { "modifier.rhetorical", SPIRAL_FAM_MODIFIER, SPIRAL_MOD_RHETORICAL },
    { "none", SPIRAL_FAM_NONE, 0 },
    { NULL, 0, 0 }
};

/* A category is one of the table's names, or a deeper level of one
 * ("threat.force.nuclear"). */
int spiral_category_parse(const char *name, uint8_t *family, uint8_t *modifier)
{
    size_t i, n;

    for (i = 0; categories[i].name; i++) {
        n = strlen(categories[i].name);
        if (strncmp(name, categories[i].name, n) == 0 &&
            (name[n] == '\0' || (name[n] == '.' && name[n + 1] != '\0' &&
                                 categories[i].family != SPIRAL_FAM_NONE))) {
            *family = categories[i].family;
            *modifier = categories[i].modifier;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The trie                                                            */
/* ------------------------------------------------------------------ */

static int32_t trie_new_node(spiral_trie *t)
{
    if (spiral_grow(&t->entry, &t->cap, t->nnodes + 1, sizeof *t->entry) < 0 ||
        spiral_grow(&t->bn, &t->bncap, t->nnodes + 1, sizeof *t->bn) < 0)
        return -1;
    t->entry[t->nnodes] = -1;
    t->bn[t->nnodes].kid = -1;
    return (int32_t)t->nnodes++;
}

/* Child of node for b, created if missing (in its place in the list of
 * node's children, which stays in label order).  Most nodes have one
 * child or a few; the root, which has many, has a table.  Returns -1 out
 * of memory. */
static int32_t trie_step(spiral_trie *t, int32_t node, unsigned b)
{
    int32_t prev = -1, c = -1, k;

    b &= 0xFF;
    if (node == 0) {
        if (t->root[b] > 0)
            return t->root[b];
    } else {
        for (c = t->bn[node].kid; c >= 0 && t->bn[c].label < b; c = t->bn[c].sib)
            prev = c;
        if (c >= 0 && t->bn[c].label == b)
            return c;
    }
    if ((k = trie_new_node(t)) < 0)
        return -1;
    t->bn[k].label = (uint8_t)b;
    t->bn[k].sib = c;
    if (node == 0)
        t->root[b] = k;
    else if (prev < 0)
        t->bn[node].kid = k;
    else
        t->bn[prev].sib = k;
    return k;
}

static void trie_free(spiral_trie *t)
{
    spiral_free(t->entry);
    spiral_free(t->bn);
    spiral_free(t->fn);
    spiral_free(t->label);
    spiral_free(t->tok_many);
    spiral_free(t->tok_edge_mem);
    memset(t, 0, sizeof *t);
}

/* Number child c (old numbering) of the node f is becoming, by byte l,
 * as the next node, *qt, in breadth-first order. */
static void freeze_kid(spiral_trie *t, spiral_tnode *f, uint32_t *queue, size_t *qt, int32_t c,
                       unsigned l, int root)
{
    if (l == SPIRAL_TRIE_WILD)
        f->wild = (int32_t)*qt;
    if (root)
        t->root[l] = (int32_t)*qt;
    t->label[*qt] = (uint8_t)l;
    queue[(*qt)++] = (uint32_t)c;
}

/* Lay the trie out for walking: nodes renumbered breadth first, so the
 * levels every walk starts with are together in memory and each node's
 * children are consecutive, in label order (found without hashing).  A
 * frozen trie is only read, so the building lists and entries (in the old
 * numbering) are freed.  SPIRAL_OK or SPIRAL_ENOMEM. */
static int trie_freeze(spiral_trie *t)
{
    size_t nn = t->nnodes, qh = 0, qt = 0;
    uint32_t *queue = spiral_malloc((nn + 1) * sizeof *queue);
    int32_t first[256];
    unsigned b;

    t->fn = spiral_malloc((nn + 1) * sizeof *t->fn);
    t->label = spiral_malloc(nn + 1);
    if (queue == NULL || t->fn == NULL || t->label == NULL) {
        spiral_free(queue);
        return SPIRAL_ENOMEM;
    }
    /* The root's children by their table, the others by their lists. */
    memcpy(first, t->root, sizeof first);
    for (b = 0; b < 256; b++)
        t->root[b] = -1;
    memset(&t->fn[nn], 0, sizeof *t->fn);
    t->label[0] = t->label[nn] = 0;
    if (nn > 0)
        queue[qt++] = 0;
    /* Breadth first: node qh's children become qt, qt+1, ... */
    while (qh < qt) {
        uint32_t o = queue[qh];
        spiral_tnode *f = &t->fn[qh];
        int32_t c;

        f->entry = t->entry[o];
        f->wild = -1;
        f->kid = (int32_t)qt;
        if (o == 0) {
            for (b = 0; b < 256; b++)
                if (first[b] > 0)
                    freeze_kid(t, f, queue, &qt, first[b], b, 1);
        } else {
            for (c = t->bn[o].kid; c >= 0; c = t->bn[c].sib)
                freeze_kid(t, f, queue, &qt, c, t->bn[c].label, 0);
        }
        f->n = (uint32_t)(qt - (size_t)f->kid);
        qh++;
    }
    spiral_free(t->bn);
    spiral_free(t->entry);
    t->bn = NULL;
    t->entry = NULL;
    t->bncap = t->cap = 0;
    spiral_free(queue);
    return SPIRAL_OK;
}

size_t spiral_trie_calls(const spiral_trie *t, int32_t node, const unsigned char *p, size_t len,
                         int32_t *node_out, uint8_t *wild_out, size_t max)
{
    size_t k, n = 0;

    for (k = 0;; k++) {
        int32_t wnode = t->fn[node].wild;

        /* "sanction*": the rest of this token is the wildcard's. */
        if (wnode >= 0 && k > 0) {
            if (n == max)
                return max + 1;
            node_out[n] = wnode;
            wild_out[n++] = 1;
        }
        if (k == len) {
            if (n == max)
                return max + 1;
            node_out[n] = node;
            wild_out[n++] = 0;
            return n;
        }
        if ((node = spiral_trie_next(t, node, p[k])) < 0)
            return n;
    }
}

/* ------------------------------------------------------------------ */
/* Token records                                                       */
/* ------------------------------------------------------------------ */

/*
 * Most walks start on, or go on to, a token between Latin tokens, where a
 * walk begins at the root or at a child by ' ' and covers the whole token
 * (between Han tokens there is no separator, and a walk may go on from
 * inside a key).  Such walks are worked out here once: every token of a
 * key is a word, and so is every stem before a wildcard; per trie, the
 * walk over each word from each node where a token starts has a record of
 * its calls.  A text token is then one hash probe (its word number) and
 * its walk one more (the record), instead of a step per byte through
 * nodes spread over the trie; a token that is no word and has no stem
 * makes no call anywhere.
 */

/* The first 24 bytes of p[0..len), zero-padded, as little-endian loads
 * (readable as for spiral_word_load()). */
static void word_head(const unsigned char *p, size_t len, int readable, uint64_t *head)
{
    size_t k;

    for (k = 0; k < 3; k++)
        head[k] = spiral_word_load(p, k * 8, len, readable);
}

int spiral_word_tail_is(const spiral_lexicon *lex, uint32_t w, const unsigned char *p,
                        size_t len)
{
    const spiral_word *wd = &lex->words[w];

    return wd->len == len && memcmp(lex->voc_text + wd->off + 24, p + 24, len - 24) == 0;
}

/* Whether word w is p[0..len) (readable as for spiral_word_hash()). */
static int word_is(const spiral_lexicon *lex, uint32_t w, const unsigned char *p, size_t len,
                   int readable)
{
    const spiral_word *wd = &lex->words[w];

    if (wd->len != len)
        return 0;
    return spiral_word_is(lex, w, p, len, readable);
}

/* The number of word p[0..len) with hash h, or SPIRAL_WORD_NONE; *slot
 * gets where it is or would go (readable as for spiral_word_load()). */
static uint32_t voc_find(const spiral_lexicon *lex, const unsigned char *p, size_t len, uint64_t h,
                         int readable, size_t *slot)
{
    uint64_t v;
    size_t i;

    for (i = h & (lex->voc_cap - 1); (v = lex->voc_slot[i]) != 0; i = (i + 1) & (lex->voc_cap - 1))
        if ((v >> 32) == (h >> 32) && word_is(lex, (uint32_t)v - 1, p, len, readable)) {
            *slot = i;
            return (uint32_t)v - 1;
        }
    *slot = i;
    return SPIRAL_WORD_NONE;
}

uint32_t spiral_lexicon_word(const spiral_lexicon *lex, const unsigned char *p, size_t len,
                             int readable, uint64_t h, uint32_t guess)
{
    uint32_t w = SPIRAL_WORD_NONE;
    int32_t node = 0;
    size_t k, slot;

    if (guess != SPIRAL_WORD_NONE &&
        (word_is(lex, guess, p, len, readable) ||
         (guess = voc_find(lex, p, len, h, readable, &slot)) != SPIRAL_WORD_NONE))
        return guess; /* the guess, or after a tag shared by two words */
    if (!spiral_may_have_stem(lex, p, len))
        return w; /* most tokens: too short, or not how a stem starts */
    for (k = 0; k + 1 < len && (node = spiral_trie_next(&lex->stems, node, p[k])) >= 0; k++)
        if (lex->stems.fn[node].entry >= 0)
            w = (uint32_t)lex->stems.fn[node].entry | SPIRAL_WORD_STEM;
    return w;
}

/* Add word p[0..len) unless it is there; *out gets its number (readable
 * as for spiral_word_load()).  SPIRAL_OK or SPIRAL_ENOMEM. */
static int voc_add(spiral_lexicon *lex, const unsigned char *p, size_t len, int readable,
                   uint32_t *out)
{
    uint64_t h = spiral_word_hash(p, len, readable);
    size_t slot, i;
    spiral_word *w;

    if ((lex->nvoc + 1) * 2 > lex->voc_cap) {
        size_t ncap = lex->voc_cap ? lex->voc_cap * 2 : 1024;
        uint64_t *n = spiral_calloc(ncap, sizeof *n);

        if (n == NULL)
            return SPIRAL_ENOMEM;
        for (i = 0; i < lex->voc_cap; i++) {
            uint64_t v = lex->voc_slot[i];
            size_t j;

            if (v == 0)
                continue;
            w = &lex->words[(uint32_t)v - 1];
            j = spiral_word_hash((const unsigned char *)lex->voc_text + w->off, w->len, 0) &
                (ncap - 1);
            while (n[j])
                j = (j + 1) & (ncap - 1);
            n[j] = v;
        }
        spiral_free(lex->voc_slot);
        lex->voc_slot = n;
        lex->voc_cap = ncap;
    }
    if ((*out = voc_find(lex, p, len, h, readable, &slot)) != SPIRAL_WORD_NONE)
        return SPIRAL_OK;
    if (lex->nvoc + 1 >= SPIRAL_WORD_STEM || len > UINT32_MAX - lex->voc_len ||
        spiral_grow(&lex->voc_text, &lex->voctextcap, lex->voc_len + len + 1, 1) < 0)
        return SPIRAL_ENOMEM;
    if (lex->nvoc == lex->wordcap) {
        size_t ncap = lex->wordcap ? lex->wordcap * 2 : 256;
        unsigned char *mem;
        spiral_word *n;

        /* (not zeroed: every field of a word is set below) */
        if (ncap > (SIZE_MAX - 64) / sizeof *n || (mem = spiral_malloc(ncap * sizeof *n + 64)) == NULL)
            return SPIRAL_ENOMEM;
        n = (spiral_word *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
        if (lex->nvoc)
            memcpy(n, lex->words, lex->nvoc * sizeof *n);
        spiral_free(lex->words_mem);
        lex->words_mem = mem;
        lex->words = n;
        lex->wordcap = ncap;
    }
    w = &lex->words[lex->nvoc];
    memset(w->root, 0, sizeof w->root);
    word_head(p, len, readable, w->head);
    w->len = (uint32_t)len;
    w->off = (uint32_t)lex->voc_len;
    memcpy(lex->voc_text + lex->voc_len, p, len);
    lex->voc_len += len;
    lex->voc_slot[slot] = (h & 0xFFFFFFFF00000000u) | (lex->nvoc + 1);
    *out = (uint32_t)lex->nvoc++;
    return SPIRAL_OK;
}

/* Whether a call of the walk on node can lead somewhere when the token
 * after is not Han: an entry, or a child by ' '. */
static int useful(const spiral_trie *t, int32_t node)
{
    return t->fn[node].entry >= 0 || spiral_trie_next(t, node, ' ') >= 0;
}

/* A node below a token start where a call of a walk can lead somewhere,
 * or where a wildcard starts: the walks from the start over the path to
 * it (its word), and over the words it is a stem of, are worked out. */
typedef struct word_site {
    int32_t s, node;
    uint32_t word;
} word_site;

/* While the vocabulary and the walks of both tries are worked out. */
typedef struct rec_build {
    int which;             /* 0 the lexicon's trie, 1 the actors' */
    word_site *site;       /* the lexicon trie's, then the actor trie's */
    size_t nsite, sitecap;
    uint32_t *stem_first;  /* per word and one more: the words stem w starts */
    uint32_t *stem_word;   /* are stem_word[stem_first[w] .. stem_first[w + 1]) */
    uint32_t *seen;        /* per word: 1 + the token start it was last tried from */
    int32_t *nodes;
    uint8_t *wild;
    size_t nodecap, wildcap;
    struct dfs_item {
        int32_t node;
        uint32_t depth;
    } *stack;              /* within_token()'s, and the path it is at */
    unsigned char *path;
    size_t stackcap, pathcap;
} rec_build;

/* Whether node s of t is where a token starts: the root, or a child by
 * ' '. */
static int token_start(const spiral_trie *t, size_t s)
{
    return s == 0 || t->label[s] == ' ';
}

/* Record node (path[0..depth) below token start s) as a site if it is
 * one, with its word (added to the vocabulary), and a stem before a
 * wildcard in the stems' trie.  SPIRAL_OK or SPIRAL_ENOMEM. */
static int add_site(spiral_lexicon *lex, spiral_trie *t, rec_build *rb, int32_t s, int32_t node,
                    const unsigned char *path, size_t depth)
{
    uint32_t w;
    int32_t st = 0;
    size_t i;

    if (t->fn[node].wild < 0 && !useful(t, node))
        return SPIRAL_OK;
    if (voc_add(lex, path, depth, 1, &w) < 0 ||
        spiral_grow(&rb->site, &rb->sitecap, rb->nsite + 1, sizeof *rb->site) < 0)
        return SPIRAL_ENOMEM;
    rb->site[rb->nsite].s = s;
    rb->site[rb->nsite].node = node;
    rb->site[rb->nsite++].word = w;
    if (t->fn[node].wild < 0)
        return SPIRAL_OK;
    for (i = 0; i < depth && st >= 0; i++)
        st = trie_step(&lex->stems, st, path[i]);
    if (st < 0)
        return SPIRAL_ENOMEM;
    lex->stems.entry[st] = (int32_t)w;
    if (lex->stem_min == 0 || depth < lex->stem_min)
        lex->stem_min = depth;
    if (depth >= 3) {
        unsigned b = spiral_stem_bit(path, depth == 3 ? 3 : 4);
        uint8_t *set = depth == 3 ? lex->stem3 : lex->stem4;

        set[b / 8] |= (uint8_t)(1u << (b % 8));
    }
    return SPIRAL_OK;
}

/* The sites below token start s of frozen trie t, depth first within the
 * token: the path to every node is a word when a call there can lead
 * somewhere, and a stem (a word too) before a wildcard.  SPIRAL_OK or
 * SPIRAL_ENOMEM. */
static int within_token(spiral_lexicon *lex, spiral_trie *t, rec_build *rb, int32_t s)
{
    size_t n = 0;
    int32_t node = s;
    uint32_t depth = 0, c;

    for (;;) {
        /* push node's children within the token */
        for (c = 0; c < t->fn[node].n; c++) {
            int32_t k = t->fn[node].kid + (int32_t)c;

            if (t->label[k] == ' ' || t->label[k] == SPIRAL_TRIE_WILD)
                continue;
            if (spiral_grow(&rb->stack, &rb->stackcap, n + 1, sizeof *rb->stack) < 0)
                return SPIRAL_ENOMEM;
            rb->stack[n].node = k;
            rb->stack[n++].depth = depth + 1;
        }
        if (n == 0)
            return SPIRAL_OK;
        node = rb->stack[--n].node;
        depth = rb->stack[n].depth;
        if (spiral_grow(&rb->path, &rb->pathcap, depth + 8, 1) < 0)
            return SPIRAL_ENOMEM; /* (read eight bytes at a time) */
        rb->path[depth - 1] = t->label[node];
        if (add_site(lex, t, rb, s, node, rb->path, depth) < 0)
            return SPIRAL_ENOMEM;
    }
}

/* The words each stem starts (itself included), by a walk over every
 * word in the stems' trie.  SPIRAL_OK or SPIRAL_ENOMEM. */
static int stem_words(spiral_lexicon *lex, rec_build *rb)
{
    size_t pass, x, k;

    /* Counted at [w + 2], summed, then filled in at [w + 1]++, so that
     * stem w's words end up from stem_first[w] to stem_first[w + 1]. */
    if ((rb->stem_first = spiral_calloc(lex->nvoc + 2, sizeof *rb->stem_first)) == NULL)
        return SPIRAL_ENOMEM;
    for (pass = 0; pass < 2; pass++) {
        for (x = 0; x < lex->nvoc; x++) {
            const unsigned char *p = (const unsigned char *)lex->voc_text + lex->words[x].off;
            int32_t node = 0;

            for (k = 0; k < lex->words[x].len &&
                        (node = spiral_trie_next(&lex->stems, node, p[k])) >= 0;
                 k++) {
                int32_t e = lex->stems.fn[node].entry;

                if (e < 0)
                    continue;
                if (pass == 0)
                    rb->stem_first[e + 2]++;
                else
                    rb->stem_word[rb->stem_first[e + 1]++] = (uint32_t)x;
            }
        }
        if (pass == 0) {
            for (x = 1; x < lex->nvoc + 2; x++)
                rb->stem_first[x] += rb->stem_first[x - 1];
            if ((rb->stem_word = spiral_malloc((rb->stem_first[lex->nvoc + 1] + 1) *
                                               sizeof *rb->stem_word)) == NULL)
                return SPIRAL_ENOMEM;
        }
    }
    return SPIRAL_OK;
}

/* A call on node (ending a wildcard or not) in the form of spiral_calls
 * (its `next` is set once all walks are known). */
static spiral_calls one_call(const spiral_trie *t, int32_t node, int wild)
{
    spiral_calls c;

    c.a = (uint32_t)t->fn[node].entry;
    c.b = SPIRAL_CALL_ONE | (uint32_t)(spiral_trie_next(t, node, ' ') + 1) |
          (wild ? SPIRAL_CALL_WILD : 0);
    c.next = 0;
    return c;
}

/* Add edge `key` with calls c to t's table (which keeps at most half
 * full).  SPIRAL_OK or SPIRAL_ENOMEM. */
static int add_edge(spiral_trie *t, uint64_t key, spiral_calls c)
{
    size_t i;

    if ((t->tok_used + 1) * 2 > t->tok_cap) {
        size_t ncap = t->tok_cap ? t->tok_cap * 2 : 1024, j;
        void *mem;
        spiral_tedge *n = spiral_calloc_lines(ncap, sizeof *n, &mem);

        if (n == NULL)
            return SPIRAL_ENOMEM;
        for (i = 0; i < t->tok_cap; i++) {
            if (t->tok_edge[i].key == 0)
                continue;
            for (j = spiral_tedge_slot(t->tok_edge[i].key, ncap); n[j].key;
                 j = (j + 1) & (ncap - 1))
                ;
            n[j] = t->tok_edge[i];
        }
        spiral_free(t->tok_edge_mem);
        t->tok_edge_mem = mem;
        t->tok_edge = n;
        t->tok_cap = ncap;
    }
    for (i = spiral_tedge_slot(key, t->tok_cap); t->tok_edge[i].key; i = (i + 1) & (t->tok_cap - 1))
        ;
    t->tok_edge[i].key = key;
    t->tok_edge[i].calls = c;
    t->tok_used++;
    return SPIRAL_OK;
}

/* Work out the walk over word w from token start s of t (unless it has no
 * call that can lead somewhere).  SPIRAL_OK or SPIRAL_ENOMEM. */
static int add_walk(spiral_lexicon *lex, spiral_trie *t, rec_build *rb, int32_t s, uint32_t w)
{
    const spiral_word *wd = &lex->words[w];
    size_t n, i, kept = 0;
    spiral_calls c = { 0, 0, 0 };

    if (rb->seen[w] == (uint32_t)s + 1)
        return SPIRAL_OK;
    rb->seen[w] = (uint32_t)s + 1;
    if (spiral_grow(&rb->nodes, &rb->nodecap, wd->len + 1, sizeof *rb->nodes) < 0 ||
        spiral_grow(&rb->wild, &rb->wildcap, wd->len + 1, 1) < 0)
        return SPIRAL_ENOMEM;
    n = spiral_trie_calls(t, s, (const unsigned char *)lex->voc_text + wd->off, wd->len, rb->nodes,
                          rb->wild, wd->len + 1);
    for (i = 0; i < n; i++)
        if (useful(t, rb->nodes[i]))
            rb->nodes[kept] = rb->nodes[i], rb->wild[kept++] = rb->wild[i];
    if (kept == 0)
        return SPIRAL_OK;
    if (kept == 1) {
        c = one_call(t, rb->nodes[0], rb->wild[0]);
    } else {
        size_t at = t->tok_nmany;

        if (at > UINT32_MAX - 1 - kept ||
            spiral_grow(&t->tok_many, &t->tok_manycap, at + 1 + kept, sizeof *t->tok_many) < 0)
            return SPIRAL_ENOMEM;
        memset(&t->tok_many[at], 0, sizeof *t->tok_many);
        t->tok_many[at].a = (uint32_t)kept | (rb->wild[kept - 1] ? 0 : 1u << 31);
        for (i = 0; i < kept; i++)
            t->tok_many[at + 1 + i] = one_call(t, rb->nodes[i], rb->wild[i]);
        t->tok_nmany = at + 1 + kept;
        c.a = (uint32_t)at;
        c.b = SPIRAL_CALL_MANY;
    }
    if (s == 0) {
        lex->words[w].root[rb->which] = c;
        return SPIRAL_OK;
    }
    return add_edge(t, ((uint64_t)(uint32_t)s << 32 | w) + 1, c);
}

/* The words with a walk from each token start that has one, by node:
 * open addressing on node + 1 (0 empty), twice as many slots as edges. */
typedef struct next_words {
    uint64_t bits;
    uint32_t node;
} next_words;

/* The slot of node in a table of cap slots (where it is, or the empty
 * one where it goes). */
static next_words *next_slot(next_words *tab, size_t cap, int32_t node)
{
    size_t i;

    for (i = ((uint32_t)node * 0x9E3779B1u) & (cap - 1);
         tab[i].node != 0 && tab[i].node != (uint32_t)node + 1; i = (i + 1) & (cap - 1))
        ;
    return &tab[i];
}

/* Set the `next` of every call of t's walks (words[].root[which], edges,
 * walks of many calls): the words with a walk from the call's child by
 * ' '.  SPIRAL_OK or SPIRAL_ENOMEM. */
static int set_next_words(spiral_lexicon *lex, spiral_trie *t, int which)
{
    size_t cap = 16, i;
    next_words *tab;

    while (cap < 2 * (t->tok_used + 1))
        cap *= 2;
    if ((tab = spiral_calloc(cap, sizeof *tab)) == NULL)
        return SPIRAL_ENOMEM;
    for (i = 0; i < t->tok_cap; i++)
        if (t->tok_edge[i].key) {
            int32_t node = (int32_t)((t->tok_edge[i].key - 1) >> 32);
            next_words *n = next_slot(tab, cap, node);

            n->node = (uint32_t)node + 1;
            n->bits |= spiral_word_bits((uint32_t)(t->tok_edge[i].key - 1));
        }
#define SET_NEXT(c)                                                                  \
    do {                                                                             \
        if (((c).b & SPIRAL_CALL_ONE) && ((c).b & SPIRAL_CALL_NODE))                  \
            (c).next =                                                               \
                next_slot(tab, cap, (int32_t)((c).b & SPIRAL_CALL_NODE) - 1)->bits;   \
    } while (0)
    for (i = 0; i < lex->nvoc; i++)
        SET_NEXT(lex->words[i].root[which]);
    for (i = 0; i < t->tok_cap; i++)
        SET_NEXT(t->tok_edge[i].calls);
    for (i = 0; i < t->tok_nmany; i++)
        SET_NEXT(t->tok_many[i]);
#undef SET_NEXT
    spiral_free(tab);
    return SPIRAL_OK;
}

/* The vocabulary, the stems' trie and the walks over words in both
 * tries: from each site's token start over its word, when a call there
 * can lead somewhere, and over each word it is a stem of (the wildcards'
 * calls).  SPIRAL_OK or SPIRAL_ENOMEM. */
static int build_words(spiral_lexicon *lex)
{
    spiral_trie *tries[2] = { &lex->trie, &lex->atrie };
    size_t end[2] = { 0, 0 }, i, s, k, j;
    rec_build rb;
    int rc = SPIRAL_OK;

    memset(&rb, 0, sizeof rb);
    if (trie_new_node(&lex->stems) < 0)
        return SPIRAL_ENOMEM;
    for (i = 0; i < 2 && rc == SPIRAL_OK; i++) {
        for (s = 0; s < tries[i]->nnodes && rc == SPIRAL_OK; s++)
            if (token_start(tries[i], s))
                rc = within_token(lex, tries[i], &rb, (int32_t)s);
        end[i] = rb.nsite;
    }
    if (rc == SPIRAL_OK && ((rc = trie_freeze(&lex->stems)) < 0 || (rc = stem_words(lex, &rb)) < 0 ||
                            (rb.seen = spiral_malloc((lex->nvoc + 1) * sizeof *rb.seen)) == NULL))
        rc = SPIRAL_ENOMEM;
    for (i = 0, k = 0; i < 2 && rc == SPIRAL_OK; i++) {
        spiral_trie *t = tries[i];

        rb.which = (int)i;
        memset(rb.seen, 0, (lex->nvoc + 1) * sizeof *rb.seen);
        for (; k < end[i] && rc == SPIRAL_OK; k++) {
            const word_site *st = &rb.site[k];
            uint32_t w = st->word;

            if (useful(t, st->node))
                rc = add_walk(lex, t, &rb, st->s, w);
            if (t->fn[st->node].wild < 0)
                continue;
            for (j = rb.stem_first[w]; j < rb.stem_first[w + 1] && rc == SPIRAL_OK; j++)
                rc = add_walk(lex, t, &rb, st->s, rb.stem_word[j]);
        }
        if (rc == SPIRAL_OK)
            rc = set_next_words(lex, t, (int)i);
    }
    spiral_free(rb.site);
    spiral_free(rb.stem_first);
    spiral_free(rb.stem_word);
    spiral_free(rb.seen);
    spiral_free(rb.nodes);
    spiral_free(rb.wild);
    spiral_free(rb.stack);
    spiral_free(rb.path);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* State used only while loading. */
typedef struct builder {
    spiral_normalizer *norm;
    spiral_zhseg *zh;
    spiral_normtext nt;
    spiral_tokens tk;
    spiral_buf key;
    spiral_buf word;
    spiral_buf file;         /* the lexicon file being read */
    /* The names interned last (the next line's are mostly the same), and
     * the last category's family and modifier. */
    const char *cat, *file_name, *kind;
    uint8_t cat_family, cat_modifier;
    pcre2_general_context *gctx; /* PCRE2 allocates through alloc.h */
    pcre2_compile_context *cctx;
    spiral_error_fn report;  /* check mode: report every error and go on */
    void *payload;
    unsigned long errors;
} builder;

/* A lexicon block of interned strings holds this much unless one string
 * needs more. */
#define STRING_BLOCK 16384

/* A copy of s[0..n) that lives as long as the lexicon, NUL-terminated,
 * from a block of them (one allocation for many), or NULL. */
static const char *intern(spiral_lexicon *lex, const char *s, size_t n)
{
    char *p;

    if (n >= lex->str_left) {
        size_t size = n >= STRING_BLOCK ? n + 1 : STRING_BLOCK;

        if (spiral_grow(&lex->strings, &lex->strcap, lex->nstrings + 1, sizeof *lex->strings) < 0 ||
            (p = spiral_malloc(size)) == NULL)
            return NULL;
        lex->strings[lex->nstrings++] = p;
        lex->str_next = p;
        lex->str_left = size;
    }
    p = lex->str_next;
    memcpy(p, s, n);
    p[n] = '\0';
    lex->str_next += n + 1;
    lex->str_left -= n + 1;
    return p;
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Find or add an interned copy of a string that repeats (categories, file
 * names, actor codes and kinds), through a small hash set. */
static const char *intern_shared(spiral_lexicon *lex, const char *s)
{
    const char *p;
    size_t i;

    if ((lex->shused + 1) * 2 > lex->shcap) {
        size_t ncap = lex->shcap ? lex->shcap * 2 : 256, j;
        const char **n = spiral_calloc(ncap, sizeof *n);

        if (n == NULL)
            return NULL;
        for (j = 0; j < lex->shcap; j++) {
            if (lex->shared[j] == NULL)
                continue;
            for (i = str_hash(lex->shared[j]) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
                ;
            n[i] = lex->shared[j];
        }
        spiral_free(lex->shared);
        lex->shared = n;
        lex->shcap = ncap;
    }
    for (i = str_hash(s) & (lex->shcap - 1); lex->shared[i]; i = (i + 1) & (lex->shcap - 1))
        if (strcmp(lex->shared[i], s) == 0)
            return lex->shared[i];
    if ((p = intern(lex, s, strlen(s))) == NULL)
        return NULL;
    lex->shared[i] = p;
    lex->shused++;
    return p;
}

/* intern_shared(lex, s), where *last is the string it was called with
 * the last time (or NULL), mostly the same one. */
static const char *intern_last(spiral_lexicon *lex, const char **last, const char *s)
{
    if (*last == NULL || strcmp(*last, s) != 0)
        *last = intern_shared(lex, s);
    return *last;
}

/* A weight that is only digits, with a point and more digits or not, in
 * *out; 0 when it is not such (or too long to be exact): strtod() then
 * decides.  Up to 15 digits the value and the power of ten are exact
 * doubles, so their quotient is the correctly rounded value, as
 * strtod()'s is. */
static int plain_weight(const char *s, double *out)
{
    static const double pow10[] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    uint64_t m = 0;
    size_t digits = 0, frac = 0;
    const char *p = s;

    for (; *p >= '0' && *p <= '9'; p++, digits++)
        m = m * 10 + (uint64_t)(*p - '0');
    if (digits == 0)
        return 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++, frac++)
            m = m * 10 + (uint64_t)(*p - '0');
    if (*p != '\0' || digits > 15 || (p[-1] == '.'))
        return 0;
    *out = (double)m / pow10[frac];
    return 1;
}

int spiral_lexicon_new(spiral_lexicon **out, spiral_error *err)
{
    spiral_lexicon *lex;

    *out = NULL;
    if ((lex = spiral_calloc(1, sizeof *lex)) == NULL)
        return spiral_error_nomem(err, NULL);
    if (trie_new_node(&lex->trie) < 0 || trie_new_node(&lex->atrie) < 0 ||
        spiral_dict_new(&lex->user) < 0) {
        spiral_lexicon_free(lex);
        return spiral_error_nomem(err, NULL);
    }
    *out = lex;
    return SPIRAL_OK;
}

void spiral_lexicon_free(spiral_lexicon *lex)
{
    size_t i;

    if (lex == NULL)
        return;
    spiral_free(lex->cache_dir);
    spiral_buf_free(&lex->src);
    if (lex->map != NULL) {
        spiral_lexcache_release(lex);
        spiral_free(lex);
        return;
    }
    for (i = 0; i < lex->n; i++) {
        pcre2_code_free(lex->e[i].re);
        spiral_prefilter_free(&lex->e[i].pf);
    }
    for (i = 0; i < lex->nstrings; i++)
        spiral_free(lex->strings[i]);
    spiral_free(lex->strings);
    spiral_free(lex->shared);
    spiral_free(lex->e);
    spiral_free(lex->regex);
    spiral_free(lex->root);
    spiral_free(lex->actors);
    spiral_free(lex->rx_always);
    for (i = 0; i < lex->nscans; i++)
        spiral_scan_free(&lex->scans[i].scan);
    spiral_free(lex->scans);
    spiral_free(lex->rx_scan);
    spiral_free(lex->rx_need);
    spiral_free(lex->rx_lazy);
    trie_free(&lex->trie);
    trie_free(&lex->atrie);
    trie_free(&lex->stems);
    spiral_free(lex->words_mem);
    spiral_free(lex->voc_text);
    spiral_free(lex->voc_slot);
    spiral_dict_free(lex->user);
    spiral_free(lex);
}

static void builder_free(builder *b);

static int builder_init(builder *b, spiral_error *err)
{
    memset(b, 0, sizeof *b);
    if (spiral_normalizer_new(&b->norm, err) < 0)
        return SPIRAL_ENOMEM;
    if (spiral_zhseg_new(&b->zh) < 0 ||
        (b->gctx = pcre2_general_context_create(spiral_pcre2_malloc, spiral_pcre2_free,
                                                NULL)) == NULL ||
        (b->cctx = pcre2_compile_context_create(b->gctx)) == NULL) {
        builder_free(b);
        return spiral_error_nomem(err, NULL);
    }
    return SPIRAL_OK;
}

static void builder_free(builder *b)
{
    pcre2_compile_context_free(b->cctx);
    pcre2_general_context_free(b->gctx);
    spiral_normalizer_free(b->norm);
    spiral_zhseg_free(b->zh);
    spiral_normtext_free(&b->nt);
    spiral_tokens_free(&b->tk);
    spiral_buf_free(&b->key);
    spiral_buf_free(&b->word);
    spiral_buf_free(&b->file);
}

/* Report an error: in check mode through the callback (and go on), else
 * into err (and stop). */
static int fail(builder *b, spiral_error *err, int code, const char *file,
                unsigned long line, unsigned long col, const char *fmt, const char *arg)
{
    spiral_error e;

    spiral_error_set(&e, code, file, line, col, fmt, arg);
    if (b->report) {
        b->report(&e, b->payload);
        b->errors++;
        return SPIRAL_OK;
    }
    if (err)
        *err = e;
    return code;
}

/* Whether w[0..n) is what normalising and tokenising make of most words
 * of patterns, without asking them: ASCII letters only (lower-cased, one
 * word; but "cannot", which is two), returning 1; or Han characters of
 * U+4E00 to U+9FFF only, none of which Traditional-to-Simplified
 * conversion changes (as they are, one Han token or more, all joined in a
 * key), returning 2.  0: neither. */
static int plain_word(const char *w, size_t n)
{
    const unsigned char *u = (const unsigned char *)w;
    size_t i;


    if (n == 0)
        return 0;
    for (i = 0; i < n && ((u[i] | 0x20) >= 'a' && (u[i] | 0x20) <= 'z'); i++)
        ;
    if (i == n) {
        for (i = 0; n == 6 && i < 6 && (u[i] | 0x20) == (unsigned char)"cannot"[i]; i++)
            ;
        return i == 6 ? 0 : 1;
    }
    if (i > 0 || n % 3 != 0)
        return 0;
    for (i = 0; i < n; i += 3) {
        int32_t cp = (u[i] & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);

        if (u[i] < 0xE4 || u[i] > 0xE9 || (u[i + 1] & 0xC0) != 0x80 ||
            (u[i + 2] & 0xC0) != 0x80 || cp < 0x4E00 || spiral_t2s_may_change(cp))
            return 0;
    }
    return 2;
}

/* Append the token key of one space-free word of a pattern (normalised and
 * tokenised as text is) to b->key.  *prev_han tracks whether the last token
 * was Han, for the separator rule. */
static int key_word(builder *b, const char *w, size_t n, int wild, int *prev_han, int *first)
{
    size_t i;
    int rc, plain = plain_word(w, n);

    if (plain != 0) {
        if (!*first && plain == 1 && !*prev_han && spiral_buf_putc(&b->key, ' ') < 0)
            return SPIRAL_ENOMEM;
        char *k;

        if (spiral_buf_reserve(&b->key, n + 1) < 0)
            return SPIRAL_ENOMEM;
        k = b->key.data + b->key.len;
        if (plain == 1)
            for (i = 0; i < n; i++)
                k[i] = (char)((unsigned char)w[i] | 0x20);
        else
            memcpy(k, w, n);
        if (wild)
            k[n++] = SPIRAL_TRIE_WILD;
        k[n] = '\0';
        b->key.len += n;
        *prev_han = plain == 2;
        *first = 0;
        return SPIRAL_OK;
    }
    if ((rc = spiral_normalize(b->norm, w, n, &b->nt, NULL)) < 0)
        return rc; /* SPIRAL_EENCODING, or SPIRAL_ENOMEM: not a bad pattern */
    if (spiral_tokenize(&b->tk, &b->nt, w, b->zh, NULL, NULL, 0) < 0)
        return SPIRAL_ENOMEM;
    for (i = 0; i < b->tk.n; i++) {
        const spiral_token *t = &b->tk.tok[i];
        int han = t->kind == SPIRAL_TOK_HAN;

        if (!*first && !han && !*prev_han && spiral_buf_putc(&b->key, ' ') < 0)
            return SPIRAL_ENOMEM;
        if (spiral_buf_append(&b->key, b->nt.text.data + t->norm_start,
                              t->norm_end - t->norm_start) < 0)
            return SPIRAL_ENOMEM;
        *prev_han = han;
        *first = 0;
    }
    if (wild && b->tk.n > 0 && spiral_buf_putc(&b->key, SPIRAL_TRIE_WILD) < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

/* The trie key of a word or phrase pattern.  Returns SPIRAL_OK, or
 * SPIRAL_EINVAL when it yields no tokens. */
static int pattern_key(builder *b, const char *p)
{
    int prev_han = 0, first = 1, rc;

    spiral_buf_reset(&b->key);
    while (*p) {
        size_t n;
        int wild;

        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n == 0)
            break;
        wild = p[n - 1] == '*' && n > 1;
        if ((rc = key_word(b, p, n - (size_t)wild, wild, &prev_han, &first)) < 0)
            return rc;
        p += n;
    }
    return b->key.len > 0 ? SPIRAL_OK : SPIRAL_EINVAL;
}

/* Whether s[0..n) has a Han character: they are three- or four-byte
 * sequences with lead bytes from E3 up (punctuation below U+3000 is not). */
static int has_han_n(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i;

    for (i = 0; i < n; i++)
        if (u[i] >= 0xE3 && u[i] < 0xF8 && !(u[i] == 0xE3 && i + 1 < n && u[i + 1] == 0x80))
            return 1;
    return 0;
}

static int has_han(const char *s)
{
    return has_han_n(s, strlen(s));
}

/* Parse flags; returns 0 or the 1-based offset of the bad flag within f. */
static size_t parse_flags(spiral_lexicon *lex, spiral_entry *e, const char *f, int *oom)
{
    const char *p = f;

    while (*p) {
        size_t n = strcspn(p, ",");
        char flag[128];

        if (n >= sizeof flag)
            return (size_t)(p - f) + 1;
        memcpy(flag, p, n);
        flag[n] = '\0';
        if (strcmp(flag, "noneg") == 0) {
            e->neg_mode = SPIRAL_NEG_IMMUNE;
        } else if (strcmp(flag, "neg=keep") == 0) {
            e->neg_mode = SPIRAL_NEG_KEEP;
        } else if (strncmp(flag, "neg=", 4) == 0) {
            char *colon = strchr(flag + 4, ':'), *end;
            uint8_t fam, mod;

            if (colon == NULL)
                return (size_t)(p - f) + 1;
            *colon = '\0';
            if (!spiral_category_parse(flag + 4, &fam, &mod) || fam == SPIRAL_FAM_MODIFIER)
                return (size_t)(p - f) + 5;
            errno = 0;
            e->neg_weight = strtod(colon + 1, &end);
            if (errno || *end || end == colon + 1 || !isfinite(e->neg_weight) ||
                e->neg_weight < 0)
                return (size_t)(p - f) + (size_t)(colon - flag) + 2;
            if ((e->neg_category = intern_shared(lex, flag + 4)) == NULL) {
                *oom = 1;
                return 0;
            }
            e->neg_family = fam;
            e->neg_mode = SPIRAL_NEG_TO;
        } else if (n > 0) {
            return (size_t)(p - f) + 1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int compile_regex(builder *b, spiral_entry *e, const char *file, unsigned long line,
                         size_t col, spiral_error *err)
{
    int errcode;
    PCRE2_SIZE off;
    PCRE2_UCHAR msg[200];
    char buf[256];

    e->re = pcre2_compile((PCRE2_SPTR)(e->pattern + 3), PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_USE_OFFSET_LIMIT,
                          &errcode, &off, b->cctx);
    if (e->re != NULL)
        return SPIRAL_OK;
    if (errcode == PCRE2_ERROR_HEAP_FAILED)
        return spiral_error_nomem(err, file);
    pcre2_get_error_message(errcode, msg, sizeof msg);
    snprintf(buf, sizeof buf, "bad regular expression: %s", (const char *)msg);
    return fail(b, err, SPIRAL_EPARSE, file, line, col + 3 + off, "%s", buf);
}

static int key_to_user_dict(spiral_lexicon *lex, const builder *b);

/* One line of a lexicon file. */
static int parse_line(spiral_lexicon *lex, builder *b, char *s, const char *file,
                      unsigned long line, spiral_error *err)
{
    char *field[5];
    size_t col[5], nf = 0, bad;
    char *p = s, *end;
    size_t linelen = strlen(s);
    spiral_entry e;
    int rc, oom = 0;

    for (;;) {
        field[nf] = p;
        col[nf] = (size_t)(p - s) + 1;
        nf++;
        if ((p = strchr(p, '\t')) == NULL || nf == 5)
            break;
        *p++ = '\0';
    }
    if (nf < 3)
        return fail(b, err, SPIRAL_EPARSE, file, line, linelen + 1,
                    "%s", "expected pattern<TAB>category<TAB>weight[<TAB>flags]");
    if (nf > 4)
        return fail(b, err, SPIRAL_EPARSE, file, line, col[4],
                    "%s", "too many fields (pattern, category, weight, flags)");
    memset(&e, 0, sizeof e);
    if (field[0][0] == '\0' || field[0][0] == ' ')
        return fail(b, err, SPIRAL_EPARSE, file, line, 1, "%s",
                    "empty pattern or pattern starting with a space");
    if (b->cat != NULL && strcmp(field[1], b->cat) == 0) {
        e.family = b->cat_family;
        e.modifier = b->cat_modifier;
    } else if (!spiral_category_parse(field[1], &e.family, &e.modifier)) {
        return fail(b, err, SPIRAL_EPARSE, file, line, col[1], "unknown category '%s'", field[1]);
    }
    errno = 0;
    if (plain_weight(field[2], &e.weight))
        end = field[2] + strlen(field[2]);
    else
        e.weight = strtod(field[2], &end);
    if (errno || end == field[2] || *end != '\0' || !isfinite(e.weight) || e.weight < 0 ||
        e.weight > 100)
        return fail(b, err, SPIRAL_EPARSE, file, line, col[2],
                    "bad weight '%s' (a number from 0 to 100)", field[2]);
    if (nf == 4 && (bad = parse_flags(lex, &e, field[3], &oom)) > 0)
        return fail(b, err, SPIRAL_EPARSE, file, line, col[3] + bad - 1,
                    "bad flag in '%s' (neg=CATEGORY:WEIGHT, neg=keep, noneg)", field[3]);
    if (oom)
        return spiral_error_nomem(err, file);
    if ((e.pattern = intern(lex, field[0], strlen(field[0]))) == NULL ||
        (e.category = intern_last(lex, &b->cat, field[1])) == NULL ||
        (e.file = intern_last(lex, &b->file_name, file)) == NULL)
        return spiral_error_nomem(err, file);
    b->cat_family = e.family;
    b->cat_modifier = e.modifier;
    e.line = (uint32_t)line;
    e.lang_zh = (uint8_t)has_han(e.pattern);
    if (strncmp(e.pattern, "re:", 3) == 0) {
        e.is_regex = 1;
        if (e.pattern[3] == '\0')
            return fail(b, err, SPIRAL_EPARSE, file, line, 4, "%s", "empty regular expression");
        if ((rc = compile_regex(b, &e, file, line, col[0], err)) < 0)
            return rc;
        if (e.re == NULL)
            return SPIRAL_OK; /* reported in check mode */
        if (spiral_grow(&lex->regex, &lex->regcap, lex->nregex + 1, sizeof *lex->regex) < 0)
            goto nomem;
    } else {
        rc = pattern_key(b, e.pattern);
        if (rc == SPIRAL_ENOMEM)
            return spiral_error_nomem(err, file);
        if (rc < 0)
            return fail(b, err, SPIRAL_EPARSE, file, line, 1,
                        "pattern '%s' has no words (invalid UTF-8 or only spaces)", e.pattern);
    }
    if (spiral_grow(&lex->e, &lex->cap, lex->n + 1, sizeof *lex->e) < 0)
        goto nomem;
    if (e.is_regex) {
        lex->regex[lex->nregex++] = lex->n;
    } else {
        int32_t node = 0;
        size_t i;

        for (i = 0; i < b->key.len && node >= 0; i++)
            node = trie_step(&lex->trie, node, (unsigned char)b->key.data[i]);
        if (node < 0)
            goto nomem;
        if (lex->trie.entry[node] >= 0 && b->report) {
            const spiral_entry *o = &lex->e[lex->trie.entry[node]];

            if (strcmp(o->category, e.category) != 0 || o->weight != e.weight) {
                char msg[200];

                snprintf(msg, sizeof msg, "duplicate pattern '%.60s' conflicts with %.80s:%u",
                         e.pattern, o->file, o->line);
                fail(b, err, SPIRAL_EPARSE, file, line, 1, "%s", msg);
            }
        }
        /* A later entry with the same pattern replaces an earlier one, so
         * --extra-lexicon can override the shipped weights. */
        lex->trie.entry[node] = (int32_t)lex->n;
        if (e.lang_zh && key_to_user_dict(lex, b) < 0)
            goto nomem;
    }
    lex->e[lex->n++] = e;
    return SPIRAL_OK;
nomem:
    pcre2_code_free(e.re);
    return spiral_error_nomem(err, file);
}

/* ------------------------------------------------------------------ */
/* Actors                                                              */
/* ------------------------------------------------------------------ */

int32_t spiral_date_int(const char *s)
{
    int i;

    if (s == NULL)
        return 0;
    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (s[10] >= '0' && s[10] <= '9')
        return (int32_t)(atoi(s) * 10000 + atoi(s + 5) * 100 + atoi(s + 8));
    /* (what atoi() makes of the digits, without its cost) */
    return (int32_t)((((s[0] - '0') * 10 + s[1] - '0') * 10 + s[2] - '0') * 10 + s[3] - '0') *
               10000 +
           ((s[5] - '0') * 10 + s[6] - '0') * 100 + (s[8] - '0') * 10 + s[9] - '0';
}

/* Add every Han run of the current key to the user dictionary, so the
 * segmenter keeps Chinese patterns and aliases whole. */
static int key_to_user_dict(spiral_lexicon *lex, const builder *b)
{
    const char *k = b->key.data;
    size_t a = 0, j;

    for (j = 0; j <= b->key.len; j++) {
        if (j == b->key.len || k[j] == ' ' || k[j] == SPIRAL_TRIE_WILD ||
            (unsigned char)k[j] < 0x80) {
            if (j > a && has_han_n(k + a, j - a) &&
                spiral_dict_add(lex->user, k + a, j - a, 0) == SPIRAL_ENOMEM)
                return SPIRAL_ENOMEM;
            a = j + 1;
        }
    }
    return SPIRAL_OK;
}

/* alias<TAB>code<TAB>lang<TAB>kind<TAB>from<TAB>to[<TAB>flags] */
static int parse_actor_line(spiral_lexicon *lex, builder *b, char *s, const char *file,
                            unsigned long line, spiral_error *err)
{
    char *f[8];
    size_t col[8], nf = 0, i, linelen = strlen(s);
    char *p = s;
    spiral_actor a;
    int32_t node = 0;
    int rc;

    for (;;) {
        f[nf] = p;
        col[nf] = (size_t)(p - s) + 1;
        nf++;
        if ((p = strchr(p, '\t')) == NULL || nf == 8)
            break;
        *p++ = '\0';
    }
    if (nf < 6 || nf > 7)
        return fail(b, err, SPIRAL_EPARSE, file, line, nf < 6 ? linelen + 1 : col[nf - 1],
                    "%s", "expected alias<TAB>code<TAB>lang<TAB>kind<TAB>from<TAB>to[<TAB>flags]");
    memset(&a, 0, sizeof a);
    if (f[0][0] == '\0')
        return fail(b, err, SPIRAL_EPARSE, file, line, 1, "%s", "empty alias");
    for (i = 0; f[1][i]; i++)
        if (!((f[1][i] >= 'A' && f[1][i] <= 'Z') || (f[1][i] >= '0' && f[1][i] <= '9')))
            break;
    if (i == 0 || f[1][i] != '\0')
        return fail(b, err, SPIRAL_EPARSE, file, line, col[1],
                    "bad actor code '%s' (upper-case letters and digits)", f[1]);
    if ((f[4][0] && (a.from = spiral_date_int(f[4])) == 0) || (f[4][0] && f[4][10]))
        return fail(b, err, SPIRAL_EPARSE, file, line, col[4], "bad date '%s' (YYYY-MM-DD)", f[4]);
    if ((f[5][0] && (a.to = spiral_date_int(f[5])) == 0) || (f[5][0] && f[5][10]))
        return fail(b, err, SPIRAL_EPARSE, file, line, col[5], "bad date '%s' (YYYY-MM-DD)", f[5]);
    if (nf == 7 && f[6][0]) {
        if (strcmp(f[6], "case") != 0)
            return fail(b, err, SPIRAL_EPARSE, file, line, col[6], "unknown flag '%s' (case)", f[6]);
        a.case_sensitive = 1;
    }
    rc = pattern_key(b, f[0]);
    if (rc == SPIRAL_ENOMEM)
        return spiral_error_nomem(err, file);
    if (rc < 0)
        return fail(b, err, SPIRAL_EPARSE, file, line, 1, "alias '%s' has no words", f[0]);
    if ((a.alias = intern(lex, f[0], strlen(f[0]))) == NULL ||
        (a.code = intern_shared(lex, f[1])) == NULL ||
        (a.kind = intern_last(lex, &b->kind, f[3])) == NULL ||
        (a.file = intern_last(lex, &b->file_name, file)) == NULL)
        return spiral_error_nomem(err, file);
    a.line = (uint32_t)line;
    for (i = 0; i < b->key.len && node >= 0; i++)
        node = trie_step(&lex->atrie, node, (unsigned char)b->key.data[i]);
    if (node < 0 || spiral_grow(&lex->actors, &lex->actorcap, lex->nactors + 1,
                                sizeof *lex->actors) < 0)
        return spiral_error_nomem(err, file);
    /* Chain: the new alias goes last, so earlier rows are tried first. */
    a.next = -1;
    if (lex->atrie.entry[node] < 0) {
        lex->atrie.entry[node] = (int32_t)lex->nactors;
    } else {
        int32_t k = lex->atrie.entry[node];

        while (lex->actors[k].next >= 0)
            k = lex->actors[k].next;
        lex->actors[k].next = (int32_t)lex->nactors;
    }
    lex->actors[lex->nactors++] = a;
    if (key_to_user_dict(lex, b) < 0)
        return spiral_error_nomem(err, file);
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Files and directories                                               */
/* ------------------------------------------------------------------ */

/* Read the rest of f into b (NUL-terminated), through alloc.h, so that
 * running out of memory is an error and not an early end of the file;
 * a read error ends it early (ferror() tells).  SPIRAL_OK or
 * SPIRAL_ENOMEM. */
static int read_all(FILE *f, spiral_buf *b)
{
    size_t got;

    spiral_buf_reset(b);
    do {
        if (spiral_buf_reserve(b, 65536) < 0)
            return SPIRAL_ENOMEM;
        got = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
        b->len += got;
        b->data[b->len] = '\0';
    } while (got > 0);
    return SPIRAL_OK;
}

/* Parse the lexicon (or actor) file text in b->file, read from display,
 * line by line.  SPIRAL_OK or the first error (in check mode, every
 * error is reported and SPIRAL_OK returned); *lines gets the lines read. */
static int parse_text(spiral_lexicon *lex, builder *b, const char *display, int actors,
                      unsigned long *lines, spiral_error *err)
{
    spiral_buf *fb = &b->file;
    char *line, *next, *end;
    unsigned long lineno = 0;
    int rc = SPIRAL_OK;

    /* Line by line, each cut off at its newline in place. */
    for (line = fb->data, end = fb->data + fb->len; rc == SPIRAL_OK && line < end; line = next) {
        size_t len, bad;

        if ((next = memchr(line, '\n', (size_t)(end - line))) != NULL)
            len = (size_t)(next++ - line);
        else
            len = (size_t)(end - line), next = end;
        lineno++;
        while (len > 0 && line[len - 1] == '\r')
            len--;
        line[len] = '\0';
        if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        if (memchr(line, '\0', len) != NULL) {
            rc = fail(b, err, SPIRAL_EPARSE, display, lineno, 1, "%s",
                      "NUL byte in a lexicon line (binary file?)");
            if (b->report)
                break; /* one report for a binary file */
            continue;
        }
        if ((bad = spiral_utf8_check(line, len)) < len) {
            rc = fail(b, err, SPIRAL_EENCODING, display, lineno, bad + 1, "%s", "invalid UTF-8");
            continue;
        }
        if (len == 0 || line[0] == '#' || strspn(line, " \t") == len)
            continue;
        rc = actors ? parse_actor_line(lex, b, line, display, lineno, err)
                    : parse_line(lex, b, line, display, lineno, err);
    }
    *lines = lineno;
    return rc;
}

/* The lines of text[0..len) as parse_text() counts them. */
static unsigned long count_lines(const char *text, size_t len)
{
    unsigned long n = 0;
    const char *p = text, *end = text + len, *nl;

    for (; p < end; p = nl + 1, n++)
        if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
            return n + 1;
    return n;
}

/* Read the file at path (shown as display) and parse it, or with a cache
 * directory record it for spiral_lexicon_seal(). */
static int add_file_as(spiral_lexicon *lex, builder *b, const char *path, const char *display,
                       int actors, spiral_error *err)
{
    FILE *f;
    unsigned long lineno = 0;
    int rc = SPIRAL_OK;

    if ((f = fopen(path, "rb")) == NULL)
        return fail(b, err, SPIRAL_EIO, display, 0, 0, "cannot open: %s", strerror(errno));
    if (lex->cache_dir != NULL) {
        const char *data;
        size_t len;

        if (spiral_lexcache_source(lex, f, actors, path, display, &data, &len) < 0)
            rc = spiral_error_nomem(err, display);
        else if (ferror(f))
            lineno = count_lines(data, len);
    } else if (read_all(f, &b->file) < 0) {
        rc = spiral_error_nomem(err, display);
    } else {
        rc = parse_text(lex, b, display, actors, &lineno, err);
    }
    if (rc == SPIRAL_OK && ferror(f))
        rc = fail(b, err, SPIRAL_EIO, display, lineno, 0, "read error: %s", strerror(errno));
    fclose(f);
    return rc;
}

/* Parse the sources recorded while a cache directory was set, in order.
 * SPIRAL_OK or the first error, as add_file_as() would have reported it. */
static int parse_sources(spiral_lexicon *lex, spiral_error *err)
{
    spiral_lexcache_rec r;
    unsigned long lines;
    size_t at = 0;
    builder b;
    int rc;

    if ((rc = builder_init(&b, err)) < 0)
        return rc;
    while (rc == SPIRAL_OK && spiral_lexcache_next(&lex->src, &at, &r)) {
        spiral_buf_reset(&b.file);
        if (spiral_buf_append(&b.file, r.data, r.len) < 0 || spiral_buf_reserve(&b.file, 0) < 0)
            rc = spiral_error_nomem(err, r.display);
        else
            rc = parse_text(lex, &b, r.display, r.actors, &lines, err);
    }
    builder_free(&b);
    return rc;
}

static int add_file(spiral_lexicon *lex, builder *b, const char *path, const char *display,
                    spiral_error *err)
{
    return add_file_as(lex, b, path, display, 0, err);
}

/* dir/name as an actor file when it exists. */
static int add_actor_file(spiral_lexicon *lex, builder *b, const char *dir, const char *name,
                          spiral_error *err)
{
    char path[4096];

    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return SPIRAL_OK;
    if (access(path, R_OK) != 0)
        return SPIRAL_OK;
    return add_file_as(lex, b, path, name, 1, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.tsv directly under dir/sub, in name order. */
static int add_subdir(spiral_lexicon *lex, builder *b, const char *dir, const char *sub,
                      spiral_error *err)
{
    char path[4096], disp[4096];
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *d;
    DIR *dp;
    int rc = SPIRAL_OK;

    if (snprintf(path, sizeof path, "%s/%s", dir, sub) >= (int)sizeof path)
        return SPIRAL_OK;
    if ((dp = opendir(path)) == NULL)
        return SPIRAL_OK; /* a language may be absent */
    while ((d = readdir(dp)) != NULL) {
        size_t len = strlen(d->d_name);

        if (len < 5 || strcmp(d->d_name + len - 4, ".tsv") != 0 || d->d_name[0] == '.')
            continue;
        /* The segmentation word list lives beside the lexicons but is not one. */
        if (strcmp(d->d_name, "dict-extra.tsv") == 0)
            continue;
        if (spiral_grow(&names, &cap, n + 1, sizeof *names) < 0 ||
            (names[n] = spiral_strdup(d->d_name)) == NULL) {
            rc = spiral_error_nomem(err, path);
            break;
        }
        n++;
    }
    closedir(dp);
    if (rc == SPIRAL_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (i = 0; i < n; i++) {
        if (rc == SPIRAL_OK) {
            snprintf(path, sizeof path, "%s/%s/%s", dir, sub, names[i]);
            snprintf(disp, sizeof disp, "%s/%s", sub, names[i]);
            rc = add_file(lex, b, path, disp, err);
        }
        spiral_free(names[i]);
    }
    spiral_free(names);
    return rc;
}

int spiral_lexicon_add_dir(spiral_lexicon *lex, const char *dir, spiral_error *err)
{
    builder b;
    int rc;

    if (lex->sealed)
        return spiral_error_set(err, SPIRAL_EINVAL, dir, 0, 0, "lexicon already in use");
    if (dir == NULL)
        return SPIRAL_OK;
    {
        /* A directory that is not there, or holds no lexicon at all, is an
         * error: silently scoring everything 0 would hide the mistake. */
        static const char *const parts[] = { "en", "zh", "actors.tsv", "referents.tsv", NULL };
        char path[4096];
        size_t k;
        int found = 0;

        for (k = 0; parts[k] && !found; k++)
            found = snprintf(path, sizeof path, "%s/%s", dir, parts[k]) < (int)sizeof path &&
                    access(path, R_OK) == 0;
        if (!found)
            return spiral_error_set(err, SPIRAL_EIO, dir, 0, 0,
                                    access(dir, R_OK) == 0
                                        ? "not a lexicon directory (no en/, zh/ or actors.tsv in it)"
                                        : "cannot open: %s", strerror(errno));
    }
    if ((rc = builder_init(&b, err)) < 0)
        return rc;
    if ((rc = add_subdir(lex, &b, dir, "en", err)) == SPIRAL_OK &&
        (rc = add_subdir(lex, &b, dir, "zh", err)) == SPIRAL_OK &&
        (rc = add_actor_file(lex, &b, dir, "actors.tsv", err)) == SPIRAL_OK)
        rc = add_actor_file(lex, &b, dir, "referents.tsv", err);
    builder_free(&b);
    return rc;
}

int spiral_lexicon_set_cache(spiral_lexicon *lex, const char *dir, spiral_error *err)
{
    char *copy = NULL;

    if (lex->sealed || lex->n > 0 || lex->nactors > 0 || lex->src.len > 0)
        return spiral_error_set(err, SPIRAL_EINVAL, dir, 0, 0, "lexicon already loading");
    if (dir != NULL && dir[0] != '\0' && (copy = spiral_strdup(dir)) == NULL)
        return spiral_error_nomem(err, dir);
    spiral_free(lex->cache_dir);
    lex->cache_dir = copy;
    return SPIRAL_OK;
}

int spiral_lexicon_add_actors(spiral_lexicon *lex, const char *path, spiral_error *err)
{
    builder b;
    int rc;

    if (lex->sealed)
        return spiral_error_set(err, SPIRAL_EINVAL, path, 0, 0, "lexicon already in use");
    if ((rc = builder_init(&b, err)) < 0)
        return rc;
    rc = add_file_as(lex, &b, path, path, 1, err);
    builder_free(&b);
    return rc;
}

int spiral_lexicon_add_file(spiral_lexicon *lex, const char *path, spiral_error *err)
{
    builder b;
    int rc;

    if (lex->sealed)
        return spiral_error_set(err, SPIRAL_EINVAL, path, 0, 0, "lexicon already in use");
    if ((rc = builder_init(&b, err)) < 0)
        return rc;
    rc = add_file(lex, &b, path, path, err);
    builder_free(&b);
    return rc;
}

/* Which scanners a prefilter's literals go to: all ASCII, none, or both. */
static int script_of(const spiral_prefilter *pf)
{
    size_t i, j;
    int low = 0, high = 0;

    for (i = 0; i < pf->n; i++)
        for (j = 0; j < pf->len[i]; j++) {
            if ((unsigned char)pf->lit[i][j] < 0x80)
                low = 1;
            else
                high = 1;
        }
    return high ? 1 + low : 0;
}

/* A set of a regex after its first whose literals are shorter than this
 * (counting a word start as a byte) is not scanned for: such literals are
 * everywhere ("to", "ed", 的), so it is checked only in the sentences
 * that hold the others. */
#define SCAN_QUALITY 3

/* The sets of prefilter pf that scanners look for: bit k for set k. */
static unsigned scanned_sets(const spiral_prefilter *pf)
{
    unsigned sets = 1;
    size_t k;

    for (k = 1; k < pf->nset; k++)
        if (spiral_prefilter_set_quality(pf, k) >= SCAN_QUALITY)
            sets |= 1u << k;
    return sets;
}

/* The scanners of the regexes' prefilter literals: regexes in order, each
 * to the last scanner of its script while its sets fit (a script's text
 * is skipped by the others' scanners).  SPIRAL_OK or SPIRAL_ENOMEM. */
static int build_scanners(spiral_lexicon *lex)
{
    size_t cur[3] = { (size_t)-1, (size_t)-1, (size_t)-1 }, used[3] = { 0, 0, 0 };
    size_t i, k, g, cap = 0, nlit = 0, scap = 0;
    spiral_scan_lit *lit = NULL;
    uint8_t *bit;
    int rc = SPIRAL_OK;

    if ((lex->rx_scan = spiral_calloc(lex->nregex, sizeof *lex->rx_scan)) == NULL ||
        (lex->rx_need = spiral_calloc(2 * lex->nregex, sizeof *lex->rx_need)) == NULL ||
        (lex->rx_lazy = spiral_calloc(lex->nregex, 1)) == NULL ||
        (bit = spiral_calloc(lex->nregex * SPIRAL_PREFILTER_SETS + 1, 1)) == NULL)
        return SPIRAL_ENOMEM;
    for (i = 0; i < lex->nregex; i++) {
        const spiral_prefilter *pf = &lex->e[lex->regex[i]].pf;
        unsigned sets = scanned_sets(pf), nb = 0;
        int sc = script_of(pf);

        if (pf->n == 0)
            continue;
        for (k = 0; k < pf->nset; k++)
            nb += (sets >> k) & 1;
        if (cur[sc] == (size_t)-1 || used[sc] + nb > SPIRAL_SCAN_BITS) {
            if (spiral_grow(&lex->scans, &scap, lex->nscans + 1, sizeof *lex->scans) < 0) {
                rc = SPIRAL_ENOMEM;
                goto done;
            }
            memset(&lex->scans[lex->nscans], 0, sizeof *lex->scans);
            cur[sc] = lex->nscans++;
            used[sc] = 0;
        }
        lex->rx_scan[i] = (uint32_t)cur[sc];
        lex->scans[cur[sc]].first[used[sc] / 64] |= (uint64_t)1 << (used[sc] % 64);
        for (k = 0; k < pf->nset; k++) {
            size_t b = used[sc];

            if (!((sets >> k) & 1)) {
                lex->rx_lazy[i] |= (uint8_t)(1u << k);
                continue;
            }
            bit[i * SPIRAL_PREFILTER_SETS + k] = (uint8_t)b;
            lex->rx_need[2 * i + b / 64] |= (uint64_t)1 << (b % 64);
            lex->scans[cur[sc]].rx[b] = (uint32_t)i;
            used[sc]++;
        }
    }
    for (g = 0; g < lex->nscans && rc == SPIRAL_OK; g++) {
        nlit = 0;
        for (i = 0; i < lex->nregex; i++) {
            const spiral_prefilter *pf = &lex->e[lex->regex[i]].pf;

            if (pf->n == 0 || lex->rx_scan[i] != g)
                continue;
            if (spiral_grow(&lit, &cap, nlit + pf->n, sizeof *lit) < 0) {
                rc = SPIRAL_ENOMEM;
                goto done;
            }
            for (k = 0; k < pf->n; k++) {
                if ((lex->rx_lazy[i] >> pf->set[k]) & 1)
                    continue;
                lit[nlit].s = pf->lit[k];
                lit[nlit].len = pf->len[k];
                lit[nlit].bit = bit[i * SPIRAL_PREFILTER_SETS + pf->set[k]];
                lit[nlit].wb = pf->wb[k];
                lit[nlit++].spans = pf->set[k] == 0;
            }
        }
        if (spiral_scan_build(&lex->scans[g].scan, lit, nlit) < 0)
            rc = SPIRAL_ENOMEM;
    }
done:
    spiral_free(lit);
    spiral_free(bit);
    return rc;
}

int spiral_lexicon_seal(spiral_lexicon *lex, spiral_error *err)
{
    size_t i;

    if (lex->sealed)
        return SPIRAL_OK;
    /* The sources' sealed state from the cache, else parsed now. */
    if (lex->cache_dir != NULL) {
        int rc;

        if (spiral_lexcache_load(lex) == 1) {
            lex->sealed = 1;
            return SPIRAL_OK;
        }
        if ((rc = parse_sources(lex, err)) < 0)
            return rc;
    }
    /* The literal prefilter that lets most documents skip most regexes
     * (which sessions JIT-compile as they use them: spiral_regex_jit()). */
    if (lex->nregex && (lex->rx_always = spiral_calloc(lex->nregex, 1)) == NULL)
        return spiral_error_nomem(err, NULL);
    for (i = 0; i < lex->nregex; i++) {
        spiral_entry *e = &lex->e[lex->regex[i]];

        if (spiral_prefilter_build(&e->pf, e->pattern + 3) < 0)
            return spiral_error_nomem(err, e->file);
        lex->rx_always[i] = e->pf.n == 0;
        lex->nalways += e->pf.n == 0;
    }
    spiral_dict_freeze(lex->user);
    if (trie_freeze(&lex->trie) < 0 || trie_freeze(&lex->atrie) < 0 || build_words(lex) < 0 ||
        (lex->nregex && build_scanners(lex) < 0))
        return spiral_error_nomem(err, NULL);
    lex->sealed = 1;
    if (lex->cache_dir != NULL)
        spiral_lexcache_save(lex); /* no cache is no error */
    return SPIRAL_OK;
}

pcre2_code *spiral_regex_jit(const pcre2_code *re)
{
    pcre2_code *c;

    /* Not under valgrind, which cannot follow JIT code and reports false
     * errors in it. */
    if (running_on_valgrind() || (c = pcre2_code_copy(re)) == NULL)
        return NULL;
    if (pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(c);
        return NULL;
    }
    return c;
}

int spiral_lexicon_load(spiral_lexicon **out, const char *dir, spiral_error *err)
{
    spiral_lexicon *lex;
    int rc;

    *out = NULL;
    if ((rc = spiral_lexicon_new(&lex, err)) < 0)
        return rc;
    if ((rc = spiral_lexicon_add_dir(lex, dir, err)) < 0 ||
        (rc = spiral_lexicon_seal(lex, err)) < 0) {
        spiral_lexicon_free(lex);
        return rc;
    }
    *out = lex;
    return SPIRAL_OK;
}

int spiral_lexicon_check(const char *path, spiral_error_fn fn, void *payload)
{
    spiral_lexicon *lex;
    builder b;
    spiral_error err;
    DIR *dp;
    int rc;

    if (spiral_lexicon_new(&lex, &err) < 0)
        return SPIRAL_ENOMEM;
    if (builder_init(&b, &err) < 0) {
        spiral_lexicon_free(lex);
        return SPIRAL_ENOMEM;
    }
    b.report = fn;
    b.payload = payload;
    if ((dp = opendir(path)) != NULL) {
        closedir(dp);
        rc = add_subdir(lex, &b, path, "en", &err);
        if (rc == SPIRAL_OK)
            rc = add_subdir(lex, &b, path, "zh", &err);
        if (rc == SPIRAL_OK)
            rc = add_actor_file(lex, &b, path, "actors.tsv", &err);
        if (rc == SPIRAL_OK)
            rc = add_actor_file(lex, &b, path, "referents.tsv", &err);
    } else {
        const char *base = strrchr(path, '/');

        base = base ? base + 1 : path;
        rc = add_file_as(lex, &b, path, path,
                         strcmp(base, "actors.tsv") == 0 || strcmp(base, "referents.tsv") == 0 ||
                             strstr(base, "actors") != NULL, &err);
    }
    if (rc == SPIRAL_OK)
        rc = (int)(b.errors > 0x7FFFFFFF ? 0x7FFFFFFF : b.errors);
    builder_free(&b);
    spiral_lexicon_free(lex);
    return rc;
}

int spiral_lexicon_cached(const spiral_lexicon *lex)
{
    return lex != NULL && lex->map != NULL;
}

size_t spiral_lexicon_size(const spiral_lexicon *lex)
{
    return lex ? lex->n : 0;
}

int spiral_lexicon_entry(const spiral_lexicon *lex, size_t i, spiral_entry_info *out)
{
    const spiral_entry *e;

    if (lex == NULL || i >= lex->n)
        return SPIRAL_EINVAL;
    e = &lex->e[i];
    out->pattern = e->pattern;
    out->category = e->category;
    out->file = e->file;
    out->line = e->line;
    out->weight = e->weight;
    out->lang = e->lang_zh ? "zh" : "en";
    out->is_regex = e->is_regex;
    return SPIRAL_OK;
}
