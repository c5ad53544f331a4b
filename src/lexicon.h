/*
 * lexicon.h - threat, reassurance and modifier entries, and the structures
 * the matcher walks.
 */
#ifndef SPIRAL_LEXICON_H
#define SPIRAL_LEXICON_H

#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "prefilter.h"
#include "spiral.h"

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

typedef struct spiral_trie {
    int32_t *entry;        /* per node: entry index, or -1 (while building) */
    size_t nnodes, cap;
    /* While building (freed when frozen): open addressing,
     * (node << 8 | byte) + 1, 0 = empty. */
    uint64_t *keys;
    int32_t *vals;         /* child node */
    size_t hcap, hused;
    /* Frozen by spiral_lexicon_seal(): what the matcher walks. */
    spiral_tnode *fn;
    uint8_t *label;
    int32_t root[256];
} spiral_trie;

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
    char **strings;        /* interned strings, freed with the lexicon */
    size_t nstrings, strcap;
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
    spiral_actor *actors;  /* aliases; the actor trie's entries head chains */
    size_t nactors, actorcap;
    spiral_trie atrie;
    int sealed;
    char *root;            /* the directory loaded, for display paths */
};

/* YYYYMMDD of an ISO date's first ten characters, or 0 if it is not one. */
int32_t spiral_date_int(const char *s);

/* Child of node for byte b, or -1 (while building; spiral_trie_next()
 * once frozen). */
int32_t spiral_trie_child(const spiral_trie *t, int32_t node, unsigned b);

/* The family and modifier of a category name; 0 family for unknown. */
int spiral_category_parse(const char *name, uint8_t *family, uint8_t *modifier);

#endif
