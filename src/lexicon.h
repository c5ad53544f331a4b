/*
 * lexicon.h - threat, reassurance and modifier entries, and the structures
 * the matcher walks.
 */
#ifndef SPIRAL_LEXICON_H
#define SPIRAL_LEXICON_H

#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "prefilter.h"
#include "spiral.h"
#include "utf8.h"

enum spiral_family {
    SPIRAL_FAM_NONE = 0,
    SPIRAL_FAM_THREAT,
    SPIRAL_FAM_REASSURANCE,
    SPIRAL_FAM_MODIFIER
};

enum spiral_modifier {
    SPIRAL_MOD_NONE = 0,
    SPIRAL_MOD_NEGATOR,
    SPIRAL_MOD_INTENSIFIER,
    SPIRAL_MOD_DOWNTONER,
    SPIRAL_MOD_HEDGE,
    SPIRAL_MOD_CERTAINTY,
    SPIRAL_MOD_CONDITIONAL,
    SPIRAL_MOD_RHETORICAL
};

enum spiral_neg_mode {
    SPIRAL_NEG_ZERO = 0, /* negated: scores 0 (kept, marked) */
    SPIRAL_NEG_TO,       /* negated: becomes neg_cat with neg_weight */
    SPIRAL_NEG_KEEP,     /* negation does not change it */
    SPIRAL_NEG_IMMUNE    /* noneg: negators never apply */
};

typedef struct spiral_entry {
    const char *pattern;   /* as written in the file */
    const char *category;  /* interned, e.g. "threat.warning" */
    const char *file;      /* interned display path */
    uint32_t line;
    uint8_t family;        /* spiral_family */
    uint8_t modifier;      /* spiral_modifier, for SPIRAL_FAM_MODIFIER */
    uint8_t neg_mode;
    uint8_t is_regex;
    uint8_t lang_zh;       /* the pattern has Han characters */
    uint8_t neg_family;
    double weight;
    const char *neg_category;
    double neg_weight;
    pcre2_code *re;        /* for regex entries */
    spiral_prefilter pf;   /* literals every match contains (may be empty) */
} spiral_entry;

/* A trie over normalised token sequences.  Edges are bytes; a space joins
 * two Latin tokens; byte 0x01 is a prefix wildcard edge that swallows the
 * rest of the current token. */
#define SPIRAL_TRIE_WILD 0x01

/* A frozen trie is numbered breadth first, so a node's children are
 * consecutive nodes kid .. kid+n-1 in label order, and label[c] is the byte
 * on the edge into node c.  The root's children are found in a table. */
typedef struct spiral_tnode {
    int32_t entry;         /* entry index, or -1 */
    int32_t wild;          /* the child by SPIRAL_TRIE_WILD, or -1 */
    int32_t kid;           /* the first child */
    uint32_t n;            /* children */
} spiral_tnode;

/* A node while a trie is built: its children are a list in label order,
 * from kid along sib (-1 ends it). */
typedef struct spiral_bnode {
    int32_t kid, sib;
    uint8_t label;
} spiral_bnode;

typedef struct spiral_trie {
    int32_t *entry;        /* per node: entry index, or -1 (while building) */
    size_t nnodes, cap;
    /* While building (freed when frozen); the root's children are in
     * root[], where 0 is none (no node is a child of 0 but the root). */
    spiral_bnode *bn;
    size_t bncap;
    /* Frozen by spiral_lexicon_seal(): what the matcher walks. */
    spiral_tnode *fn;
    uint8_t *label;
    int32_t root[256];
    /* Walks over a whole token from a node where tokens start other than
     * the root (a child by ' '), by the token's word number (see
     * spiral_lexicon_word()); walks of more than one call. */
    struct spiral_tedge *tok_edge; /* open addressing on key, 0 empty */
    void *tok_edge_mem;            /* its allocation (tok_edge is aligned) */
    size_t tok_cap, tok_used;      /* a power of two, or 0 */
    struct spiral_calls *tok_many;
    size_t tok_nmany, tok_manycap;
} spiral_trie;

/* The calls a walk over one token makes (those of the matcher's
 * after_token(), in order), as far as they can lead somewhere when the
 * token after it is not Han: to an entry, or on by ' ' to the next token.
 * b == 0: none.  b & SPIRAL_CALL_ONE: one, with entry (int32_t)a, child by
 * ' ' (b & SPIRAL_CALL_NODE) - 1 (-1: none), and SPIRAL_CALL_WILD when it
 * ends a wildcard (else it is the token's end); `next` has the bits
 * (spiral_word_bits()) of every word with a walk from that child.
 * b & SPIRAL_CALL_MANY: tok_many[a] has in its `a` n | has_end << 31 (the
 * last call is the token's end), and the n calls follow, each as one. */
typedef struct spiral_calls {
    uint32_t a, b;
    uint64_t next;
} spiral_calls;

#define SPIRAL_CALL_NODE 0x1FFFFFFFu
#define SPIRAL_CALL_ONE 0x20000000u
#define SPIRAL_CALL_MANY 0x40000000u
#define SPIRAL_CALL_WILD 0x80000000u

/* The bits of word w in a set of words (spiral_calls.next): a word
 * missing any is not in it. */
static inline uint64_t spiral_word_bits(uint32_t w)
{
    uint64_t h = (uint64_t)w * 0x9E3779B97F4A7C15u;

    return (uint64_t)1 << (h >> 58) | (uint64_t)1 << ((h >> 52) & 63);
}

typedef struct spiral_tedge {
    uint64_t key;          /* (node << 32 | word) + 1 */
    spiral_calls calls;
    uint64_t pad;          /* two to a cache line */
} spiral_tedge;

/* Where key is first looked for in a table of cap edges. */
static inline size_t spiral_tedge_slot(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);
}

/* A word of the lexicon's vocabulary: a token of the tries' keys (between
 * separators) that ends an entry or goes on to another token, or a stem
 * before a wildcard. */
typedef struct spiral_word {
    uint64_t head[3];      /* its first 24 bytes, zero-padded (little-endian loads) */
    uint32_t len, off;     /* its length; its text at voc_text + off */
    spiral_calls root[2];  /* its walk from the root: lexicon, actors */
} spiral_word;

/* A word number with this bit stands for a longer token that starts with
 * the word, a wildcard's stem: only the wildcards' calls apply. */
#define SPIRAL_WORD_STEM 0x40000000u
#define SPIRAL_WORD_NONE 0xFFFFFFFFu /* no call from any token start */

/* Child of node for byte b in a frozen trie, or -1. */
static inline int32_t spiral_trie_next(const spiral_trie *t, int32_t node, unsigned b)
{
    const spiral_tnode *f;
    const uint8_t *l;
    uint32_t lo, hi;

    if (node == 0)
        return t->root[b];
    f = &t->fn[node];
    l = t->label + f->kid;
    if (f->n <= 8) {
        for (lo = 0; lo < f->n; lo++)
            if (l[lo] >= b)
                return l[lo] == b ? f->kid + (int32_t)lo : -1;
        return -1;
    }
    for (lo = 0, hi = f->n; lo < hi;) {
        uint32_t mid = (lo + hi) / 2;

        if (l[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n && l[lo] == b ? f->kid + (int32_t)lo : -1;
}

/* A scanner of prefilter literals and the regexes whose sets it tells. */
typedef struct spiral_rxscan {
    spiral_scan scan;
    uint64_t first[2];                 /* the bits of regexes' first sets */
    uint32_t rx[SPIRAL_SCAN_BITS];     /* per bit: its regex */
} spiral_rxscan;

/* An actor alias (lexicons/actors.tsv, lexicons/referents.tsv). */
typedef struct spiral_actor {
    const char *alias;     /* as written */
    const char *code;      /* interned: "USA", "SELF", "UNRESOLVED", "NONE" */
    const char *kind;      /* interned: state, short, leader ... */
    const char *file;
    uint32_t line;
    int32_t from, to;      /* YYYYMMDD, 0 = unbounded */
    int32_t next;          /* next alias with the same key, or -1 */
    uint8_t case_sensitive;
} spiral_actor;

struct spiral_lexicon {
    spiral_entry *e;
    size_t n, cap;
    spiral_trie trie;
    size_t *regex;         /* indices of regex entries */
    size_t nregex, regcap;
    char **strings;        /* blocks of interned strings, freed with the lexicon */
    size_t nstrings, strcap;
    char *str_next;        /* room for more in the last block */
    size_t str_left;
    const char **shared;   /* hash set of the repeating ones among them */
    size_t shcap, shused;
    spiral_dict *user;     /* Chinese patterns as segmentation words */
    /* The regexes' prefilter literals in scanners (one per script of
     * their literals, ASCII, other or both, and per SPIRAL_SCAN_BITS
     * sets), each run once over a document: a set's literals set its bit
     * (those of a regex's first set wherever they start).  Sets of short
     * literals are not scanned for, but looked for in each sentence that
     * holds the others. */
    spiral_rxscan *scans;
    size_t nscans;
    uint32_t *rx_scan;     /* per regex: its scanner */
    uint64_t *rx_need;     /* per regex: the bits of its sets, two words */
    uint8_t *rx_lazy;      /* per regex: its sets not scanned for (bit k: set k) */
    uint8_t *rx_always;    /* per regex: no prefilter, always run */
    size_t nalways;        /* how many */
    /* The vocabulary (spiral_word), with the walks over each word from the
     * tries' roots; voc_slot is open addressing, hash << 32 | (word + 1),
     * 0 empty; `stems` is a trie of the stems, whose entries are their
     * word numbers. */
    spiral_word *words;    /* on cache-line boundaries within words_mem */
    void *words_mem;
    size_t nvoc, wordcap;
    char *voc_text;
    size_t voc_len, voctextcap;
    uint64_t *voc_slot;
    size_t voc_cap;
    spiral_trie stems;
    size_t stem_min;       /* the shortest stem's length (0: none) */
    uint8_t stem3[4096];   /* bits by hash: the stems of 3 bytes */
    uint8_t stem4[4096];   /* bits by hash: the first 4 bytes of longer stems */
    spiral_actor *actors;  /* aliases; the actor trie's entries head chains */
    size_t nactors, actorcap;
    spiral_trie atrie;
    int sealed;
    char *root;            /* the directory loaded, for display paths */
    /* The compiled cache (lexcache.c).  With a cache directory the
     * sources are only read while added, into `src` (records of
     * spiral_lexcache_source()), and parsed at sealing if the cache does
     * not hold their sealed state.  When it does, that state lives in
     * `map` (read-only): the arrays point into it, and only e, actors,
     * scans, the entries' regexes and prefilter literals (pf_lits), and
     * user are the lexicon's own. */
    char *cache_dir;
    spiral_buf src;
    uint64_t src_key;      /* a hash of the sources' paths: the file's name */
    void *map;
    size_t maplen;
    char **pf_lits;
};

/* Bytes i .. i + 8 of p[0..len) as a little-endian load, those past len
 * zero (`readable`: p[0 .. len rounded up to 8) may be read; else they are
 * read one by one; the value is the same). */
static inline uint64_t spiral_word_load(const unsigned char *p, size_t i, size_t len, int readable)
{
    uint64_t w = 0;
    size_t k;

    if (i >= len)
        return 0;
    if (!readable) {
        for (k = 0; k < 8 && i + k < len; k++)
            w |= (uint64_t)p[i + k] << (k * 8);
        return w;
    }
    w = spiral_load8(p + i);
    return len - i >= 8 ? w : w & (((uint64_t)1 << ((len - i) * 8)) - 1);
}

/* The hash of a token's bytes p[0..len) for spiral_lexicon_word()
 * (readable as for spiral_word_load()). */
static inline uint64_t spiral_word_hash(const unsigned char *p, size_t len, int readable)
{
    uint64_t h = len;
    size_t i;

    for (i = 0; i < len; i += 8) {
        h = (h ^ spiral_word_load(p, i, len, readable)) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9u;
    return h ^ (h >> 32);
}

/* The bit of p[0..n) (n is 3 or 4) in lex->stem3 or stem4. */
static inline unsigned spiral_stem_bit(const unsigned char *p, size_t n)
{
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

    if (n == 4)
        v = v << 8 | p[3];
    return (unsigned)(v * 0x9E3779B1u) >> 17;
}

/* Whether token p[0..len) may have a stem as a proper prefix: one of 3
 * bytes, or one of more that starts as it does (stems shorter than 3 bytes
 * are looked for every time). */
static inline int spiral_may_have_stem(const spiral_lexicon *lex, const unsigned char *p,
                                       size_t len)
{
    unsigned b3, b4;

    if (lex->stem_min == 0 || len <= lex->stem_min)
        return 0;
    if (lex->stem_min < 3)
        return 1;
    b3 = spiral_stem_bit(p, 3);
    if ((lex->stem3[b3 / 8] >> (b3 % 8)) & 1)
        return 1;
    b4 = len > 4 ? spiral_stem_bit(p, 4) : 0;
    return len > 4 && ((lex->stem4[b4 / 8] >> (b4 % 8)) & 1);
}

/* Whether p[24..len) is the rest of word w of len bytes. */
int spiral_word_tail_is(const spiral_lexicon *lex, uint32_t w, const unsigned char *p,
                        size_t len);

/* Whether word w, whose length is len, is p[0..len) (readable as for
 * spiral_word_load()). */
static inline int spiral_word_is(const spiral_lexicon *lex, uint32_t w, const unsigned char *p,
                                 size_t len, int readable)
{
    const spiral_word *wd = &lex->words[w];

    return wd->head[0] == spiral_word_load(p, 0, len, readable) &&
           (len <= 8 || (wd->head[1] == spiral_word_load(p, 8, len, readable) &&
                         (len <= 16 || (wd->head[2] == spiral_word_load(p, 16, len, readable) &&
                                        (len <= 24 || spiral_word_tail_is(lex, w, p, len))))));
}

/* The vocabulary slot where the search for hash h starts (to fetch it
 * ahead), or NULL. */
static inline const uint64_t *spiral_word_slot(const spiral_lexicon *lex, uint64_t h)
{
    return lex->voc_cap ? lex->voc_slot + (h & (lex->voc_cap - 1)) : NULL;
}

/* The first word whose slot has the tag of hash h (the token's word, most
 * probably), or SPIRAL_WORD_NONE: then the token is no word. */
static inline uint32_t spiral_word_probe(const spiral_lexicon *lex, uint64_t h)
{
    size_t i;
    uint64_t v;

    if (lex->voc_cap == 0)
        return SPIRAL_WORD_NONE;
    for (i = h & (lex->voc_cap - 1); (v = lex->voc_slot[i]) != 0; i = (i + 1) & (lex->voc_cap - 1))
        if ((v >> 32) == (h >> 32))
            return (uint32_t)v - 1;
    return SPIRAL_WORD_NONE;
}

/* The number of token p[0..len) in lex's vocabulary (h: its hash; guess:
 * spiral_word_probe(lex, h); readable as for the hash); when it is not a
 * word, that of its longest proper prefix that is a stem, with
 * SPIRAL_WORD_STEM; else SPIRAL_WORD_NONE: no walk from a token start
 * makes a call over it. */
uint32_t spiral_lexicon_word(const spiral_lexicon *lex, const unsigned char *p, size_t len,
                             int readable, uint64_t h, uint32_t guess);

/* The calls of the walk over word `word` (without SPIRAL_WORD_STEM) from
 * node, where a token starts, in the lexicon's trie (which 0) or the
 * actors' (1). */
static inline spiral_calls spiral_token_calls(const spiral_lexicon *lex, int which, int32_t node,
                                              uint32_t word)
{
    const spiral_trie *t = which ? &lex->atrie : &lex->trie;
    spiral_calls none = { 0, 0, 0 };
    uint64_t key;
    size_t i;

    if (node == 0)
        return lex->words[word].root[which];
    if (t->tok_cap == 0)
        return none;
    key = ((uint64_t)(uint32_t)node << 32 | word) + 1;
    for (i = spiral_tedge_slot(key, t->tok_cap);; i = (i + 1) & (t->tok_cap - 1)) {
        if (t->tok_edge[i].key == key)
            return t->tok_edge[i].calls;
        if (t->tok_edge[i].key == 0)
            return none;
    }
}

/* The calls of the walk over p[0..len) from node of frozen trie t (those
 * of the matcher's after_token(), in order): their number, with the nodes
 * in node_out and 1 in wild_out for a wildcard's end, or max + 1 when
 * there are more than max. */
size_t spiral_trie_calls(const spiral_trie *t, int32_t node, const unsigned char *p, size_t len,
                         int32_t *node_out, uint8_t *wild_out, size_t max);

/* A JIT-compiled copy of regex re, which the caller frees with
 * pcre2_code_free(); NULL when JIT compiling fails or is not available
 * (or under valgrind, which cannot follow JIT code: make memcheck checks
 * the interpreter). */
pcre2_code *spiral_regex_jit(const pcre2_code *re);

/* YYYYMMDD of an ISO date's first ten characters, or 0 if it is not one. */
int32_t spiral_date_int(const char *s);

/* The family and modifier of a category name; 0 family for unknown. */
int spiral_category_parse(const char *name, uint8_t *family, uint8_t *modifier);

#endif
