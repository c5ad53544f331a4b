/*
 * zhdict.c - the Chinese segmentation dictionary.
 *
 * The segmenter (segment_zh.c) asks one question of it for every position of
 * a stretch of Han text: "which words start here, and how likely is each?".
 * The words are kept in a trie over characters, so one walk from a position
 * answers it: each step follows one character and says whether the text so
 * far is a word (and its value) and whether a longer word goes on from it;
 * the walk ends at the first character no word continues with.  The walks
 * are most of the segmenter's work, and nearly all of their time went to
 * waiting for memory, so the compiled dictionary makes each step a single
 * look-up in a double array (below).  Read-only after it is built, so walks
 * are safe from any number of threads.
 *
 * A dictionary comes from one of three places:
 *
 *   - a compiled file written by scripts/build-dict.py (jieba's dictionary
 *     plus lexicons/zh/dict-extra.tsv, and jieba's HMM for unknown words).
 *     The file *is* the trie: loading maps it read-only (or, where mmap is
 *     missing, reads it into one buffer), checks the header and sizes, and
 *     points into it; a walk checks each unit it goes to, so a damaged file
 *     gives wrong answers at worst, never a read out of bounds or a walk
 *     longer than its text.  Start-up is then independent of the
 *     dictionary's size (~0.1 ms);
 *   - a text file in jieba's "word freq [tag]" format, parsed line by line
 *     into a trie in memory (slower; for tests and small custom
 *     dictionaries; no HMM);
 *   - spiral_dict_new() + spiral_dict_add(), for user words (in memory too).
 *
 * Compiled format "SPZHDICT" version 3, little-endian, all sections 4-byte
 * aligned:
 *
 *   0   char[8]  magic "SPZHDICT"
 *   8   u32      version (3; version 1 was a hash table of words and
 *                prefixes, version 2 a trie searched by binary search: both
 *                are refused)
 *   12  u32      0x01020304, to detect a file from another byte order
 *   16  u32      nunits: units of the double array, the root (unit 0)
 *                included
 *   20  u32      nsyms: symbols, 0 (no character) included
 *   24  u32      nsupp: characters beyond the BMP that have a symbol
 *   28  u32      0
 *   32  f64      log of the total word frequency
 *   40  f32[4]   HMM start log probabilities (B, M, E, S)
 *   56  f32[16]  HMM transitions, from-major
 *   120 u32      flags: 1 = the HMM tables are present
 *   124 u32      nwords
 *   128 u16[65536]  the symbol of each BMP code point, 0 if it has none
 *       u32[nsupp]  the characters beyond the BMP that have a symbol, sorted
 *       u32[nsupp]  their symbols
 *       u16[nunits]  check of each unit, then 0 or 2 bytes of padding
 *       {u32 base<<2|flags, f32 logp}[nunits]
 *       f32[nsyms][4]  HMM emission log probabilities by symbol (B, M, E, S)
 *
 * Symbols number the characters of the words (1 for the one the
 * dictionary's words use most, and so on), then those only the HMM knows, so
 * a character is looked up once per text (spiral_dict_symbols()) and the
 * HMM's emissions are a row of a table.  The trie is a double array: the
 * child of unit s by symbol c is unit t = base(s) + c if check(t) == c
 * (unused units have check 0xFFFF, which is no symbol).  No two units with
 * children have the same base, so the symbol is enough of a check, and the
 * checks can be a small array of their own: most steps from a unit with
 * many children fail, and those read only the checks, which for the busy
 * units stay in the cache.  flags are SPIRAL_DICT_WORD (logp is then the
 * word's log probability, else 0) and SPIRAL_DICT_PREFIX (the unit has
 * children).  The build script places children breadth first at the lowest
 * base that fits, so the busiest units (the first characters, and the
 * second characters of frequent words) lie close together.
 *
 * Text and user dictionaries, which change as words are added, are tries of
 * nodes whose children lie side by side, sorted by code point, and a step is
 * a binary search among them; their symbols are the code points.  A node's
 * children are kept in a block of a power of two nodes, moved to the end
 * (with twice the room) when it is full.  A bit set of the first characters
 * ends most walks at their first step; once the trie is complete (loaded,
 * or spiral_dict_freeze()), a small hash table of the root's children
 * makes the first step of the others one look-up, without a binary search
 * among many labels.  (A table of the root's children by code point,
 * 256 KiB, did that too, but missed the cache at nearly every look-up.)
 */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fileno, mmap */
#endif

#include "zhdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "utf8.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define DICT_MMAP 1
#else
#define DICT_MMAP 0
#endif

#define DICT_MAGIC "SPZHDICT"
#define DICT_VERSION 3u
#define DICT_BOM 0x01020304u
#define DICT_HEADER 128u
#define DICT_HAS_HMM 1u
#define DICT_BMP 0x10000u
#define DICT_MAX_KEY ((size_t)1 << 20)
/* Most nodes a trie, or units a double array, may have: child counts and
 * bases are kept in 30 bits. */
#define DICT_MAX_NODES (((size_t)1 << 30) - 1)
/* Bits of a user dictionary's filter of word starts. */
#define DICT_STARTS_BITS ((size_t)1 << 16)
/* A cursor's first while it is at the root (no node has that index). */
#define DICT_AT_ROOT UINT32_MAX

/* A node of an in-memory trie; its character is in the parallel array of
 * labels, so that a binary search among siblings reads few cache lines. */
typedef struct dict_node {
    uint32_t first; /* index of the first child */
    uint32_t kids;  /* number of children << 2 | SPIRAL_DICT_* flags */
    float value;    /* log probability or user frequency; 0 for prefixes */
} dict_node;

/* A slot of the hash table of the root's children (dict_index_root()): the
 * child's character and a copy of its node, so that a walk's first step
 * reads the slot and nothing else.  Every child is a word or has children,
 * so kids 0 marks an empty slot. */
typedef struct dict_root_slot {
    uint32_t cp;
    dict_node node;
} dict_root_slot;

/* Where a walk through an in-memory trie is: the children of the text read
 * so far. */
typedef struct dict_cursor {
    uint32_t first, count;
} dict_cursor;

_Static_assert(sizeof(spiral_dict_unit) == 8, "spiral_dict_unit must match the file layout");

struct spiral_dict {
    unsigned char *blob; /* a compiled file read into memory, or NULL */
    void *map;           /* a compiled file mapped into memory, or NULL */
    size_t maplen;
    /* A compiled dictionary (trie.unit not NULL), pointing into the file. */
    spiral_dict_trie trie;
    const uint16_t *bmp;       /* symbol of each BMP code point */
    const uint32_t *supp_cp;   /* characters beyond the BMP, sorted */
    const uint32_t *supp_sym;  /* and their symbols */
    size_t nsupp;
    const float *emit;     /* 4 emission log probabilities by symbol */
    size_t nsyms;
    /* A text or user dictionary: a trie in memory, owned. */
    uint32_t *labels;    /* the character of each node */
    dict_node *nodes;
    size_t nnodes, nodes_cap;
    dict_node root;      /* first and kids only */
    uint64_t roots[0x10000 / 64]; /* bit cp: a word starts with BMP cp */
    /* The root's children by code point, or NULL (see dict_index_root()). */
    dict_root_slot *roothash;
    unsigned roothash_bits;
    /* A frozen user dictionary's filter of how its words start (see
     * spiral_dict_may_start()); starts_ok says it is up to date. */
    uint64_t starts[DICT_STARTS_BITS / 64];
    int starts_ok;
    size_t nwords;
    double logtotal;
    int user;
    int has_hmm;
    float start[4];
    float trans[16];
};

/* ------------------------------------------------------------------ */
/* The trie                                                            */
/* ------------------------------------------------------------------ */

/* Decode the UTF-8 character at s (n > 0 bytes) into *cp.  Returns its
 * length, or 0 if it is invalid or NUL. */
static size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    int32_t c;
    int len;

    /* Most of a dictionary: three bytes that are always well formed. */
    if (n >= 3 && u[0] >= 0xE1 && u[0] <= 0xEF && u[0] != 0xED && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80) {
        *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
        return 3;
    }
    len = spiral_utf8_decode(u, n, &c);

    if (len <= 0 || c == 0)
        return 0;
    *cp = (uint32_t)c;
    return (size_t)len;
}

/*
 * Find where cp belongs among the count sorted labels at v.
 *
 * Returns: the index of the first label not below cp (count if none).
 */
static size_t lower_bound(const uint32_t *v, size_t count, uint32_t cp)
{
    size_t lo = 0, n = count;

    while (n > 0) {
        size_t half = n / 2;
        if (v[lo + half] < cp) {
            lo += half + 1;
            n -= half + 1;
        } else {
            n = half;
        }
    }
    return lo;
}

/* Is a child block of count nodes full?  Blocks of the in-memory trie hold
 * a power of two nodes, so it is when count is 0 or a power of two. */
static int block_full(size_t count)
{
    return (count & (count - 1)) == 0;
}

/*
 * The child of parent labelled cp, created if missing.  The caller has made
 * room for the nodes this may need (dict_put_word()).  A full child block is
 * copied to the end of the arrays with twice the room; the old one is left
 * behind, marked dead (kids 0).
 *
 * Returns: the child.
 */
static dict_node *dict_child_make(spiral_dict *d, dict_node *parent, uint32_t cp)
{
    size_t count = parent->kids >> 2, first = parent->first;
    size_t pos = count > 0 ? lower_bound(d->labels + first, count, cp) : 0;
    uint32_t *lab;
    dict_node *v;

    if (pos < count && d->labels[first + pos] == cp)
        return &d->nodes[first + pos];
    if (block_full(count)) {
        size_t cap = count > 0 ? 2 * count : 1, i;
        lab = d->labels + d->nnodes;
        v = d->nodes + d->nnodes;
        memset(lab, 0, cap * sizeof *lab);
        memset(v, 0, cap * sizeof *v);
        if (count > 0) {
            memcpy(lab, d->labels + first, pos * sizeof *lab);
            memcpy(lab + pos + 1, d->labels + first + pos, (count - pos) * sizeof *lab);
            memcpy(v, d->nodes + first, pos * sizeof *v);
            memcpy(v + pos + 1, d->nodes + first + pos, (count - pos) * sizeof *v);
            for (i = 0; i < count; i++)
                d->nodes[first + i].kids = 0;
        }
        parent->first = (uint32_t)d->nnodes;
        d->nnodes += cap;
    } else {
        lab = d->labels + first;
        v = d->nodes + first;
        memmove(lab + pos + 1, lab + pos, (count - pos) * sizeof *lab);
        memmove(v + pos + 1, v + pos, (count - pos) * sizeof *v);
    }
    lab[pos] = cp;
    v[pos].first = 0;
    v[pos].kids = 0;
    v[pos].value = 0;
    parent->kids = (uint32_t)(count + 1) << 2 | (parent->kids & SPIRAL_DICT_WORD) | SPIRAL_DICT_PREFIX;
    return &v[pos];
}

/*
 * Add word w[0..len) (already lower-cased) with the given value, or set the
 * value if it is a word already.  The room for every node it needs is made
 * first, so that on failure d is unchanged.
 *
 * Returns: SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_EINVAL for invalid UTF-8.
 */
static int dict_put_word(spiral_dict *d, const char *w, size_t len, float value)
{
    const dict_node *at = &d->root;
    dict_node *node;
    size_t i, n, need = 0, count, pos;
    uint32_t cp;
    int missing = 0;

    /* Count the nodes to make: a bigger block for the first missing
     * character if its parent's block is full, and a block of one for each
     * character after it. */
    for (i = 0; i < len; i += n) {
        if ((n = utf8_next(w + i, len - i, &cp)) == 0)
            return SPIRAL_EINVAL;
        if (missing) {
            need++;
            continue;
        }
        count = at->kids >> 2;
        pos = count > 0 ? lower_bound(d->labels + at->first, count, cp) : 0;
        if (pos < count && d->labels[at->first + pos] == cp) {
            at = &d->nodes[at->first + pos];
            continue;
        }
        missing = 1;
        if (block_full(count))
            need += count > 0 ? 2 * count : 1;
    }
    if (need > DICT_MAX_NODES - d->nnodes)
        return SPIRAL_ENOMEM;
    if (d->nnodes + need > d->nodes_cap) {
        size_t cap = d->nodes_cap ? d->nodes_cap : 256;
        uint32_t *lab;
        dict_node *v;
        while (cap < d->nnodes + need)
            cap *= 2;
        /* Grown one after the other: if the second fails, the first is
         * only bigger than it needs to be. */
        if ((lab = spiral_reallocarray(d->labels, cap, sizeof *lab)) == NULL)
            return SPIRAL_ENOMEM;
        d->labels = lab;
        if ((v = spiral_reallocarray(d->nodes, cap, sizeof *v)) == NULL)
            return SPIRAL_ENOMEM;
        d->nodes = v;
        d->nodes_cap = cap;
    }
    node = &d->root;
    for (i = 0; i < len; i += n) {
        n = utf8_next(w + i, len - i, &cp);
        if (i == 0 && cp < 0x10000)
            d->roots[cp / 64] |= (uint64_t)1 << (cp % 64);
        node = dict_child_make(d, node, cp);
    }
    if ((node->kids & SPIRAL_DICT_WORD) == 0) {
        node->kids |= SPIRAL_DICT_WORD;
        d->nwords++;
    }
    node->value = value;
    return SPIRAL_OK;
}

/* The slot of code point cp in a hash table of 1 << bits slots. */
static size_t root_slot(uint32_t cp, unsigned bits)
{
    return (size_t)((uint32_t)(cp * 0x9E3779B1u) >> (32 - bits));
}

/*
 * Make the hash table of the root's children, for a trie that is complete
 * (every walk starts at the root, and a binary search among a big root's
 * labels is a dozen dependent reads).  Twice as many slots as children,
 * so that most look-ups read one.  Without memory d goes without.
 */
static void dict_index_root(spiral_dict *d)
{
    size_t count = d->root.kids >> 2, i;
    unsigned bits = 4;

    while (((size_t)1 << bits) < 2 * count)
        bits++;
    if ((d->roothash = spiral_calloc((size_t)1 << bits, sizeof *d->roothash)) == NULL)
        return;
    d->roothash_bits = bits;
    for (i = 0; i < count; i++) {
        uint32_t cp = d->labels[d->root.first + i];
        size_t h = root_slot(cp, bits);
        while (d->roothash[h].node.kids != 0)
            h = (h + 1) & (((size_t)1 << bits) - 1);
        d->roothash[h].cp = cp;
        d->roothash[h].node = d->nodes[d->root.first + i];
    }
}

/* The filter bit of a word that is the character a alone (b == NONE) or
 * starts with the characters a and b. */
#define DICT_NONE UINT32_MAX
static size_t start_bit(uint32_t a, uint32_t b)
{
    uint64_t key = (uint64_t)a << 32 | b;

    return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - 16));
}

/*
 * Fill the filter of how d's words start: a bit for each one-character
 * word and for each word's first two characters (both are the root's
 * children and theirs).
 */
static void dict_index_starts(spiral_dict *d)
{
    size_t count = d->root.kids >> 2, i, j;

    memset(d->starts, 0, sizeof d->starts);
    for (i = d->root.first; i < d->root.first + count; i++) {
        const dict_node *n = &d->nodes[i];
        size_t b;

        if (n->kids & SPIRAL_DICT_WORD) {
            b = start_bit(d->labels[i], DICT_NONE);
            d->starts[b / 64] |= (uint64_t)1 << (b % 64);
        }
        for (j = n->first; j < n->first + (n->kids >> 2); j++) {
            b = start_bit(d->labels[i], d->labels[j]);
            d->starts[b / 64] |= (uint64_t)1 << (b % 64);
        }
    }
    d->starts_ok = 1;
}

/* ------------------------------------------------------------------ */
/* Public and internal API                                             */
/* ------------------------------------------------------------------ */

int spiral_dict_new(spiral_dict **out)
{
    spiral_dict *d;

    *out = NULL;
    if ((d = spiral_calloc(1, sizeof *d)) == NULL)
        return SPIRAL_ENOMEM;
    d->user = 1;
    *out = d;
    return SPIRAL_OK;
}

int spiral_dict_add(spiral_dict *d, const char *word, size_t len, double freq)
{
    char small[64];
    char *w = small;
    size_t i;
    int rc;

    if (d == NULL || !d->user || word == NULL || len == 0 || len >= DICT_MAX_KEY
        || !(freq >= 0) || freq > 3.0e38)
        return SPIRAL_EINVAL;
    if (memchr(word, '\0', len) != NULL)
        return SPIRAL_EINVAL;
    if (len > sizeof small && (w = spiral_malloc(len)) == NULL)
        return SPIRAL_ENOMEM;
    /* The filter and the root's table (spiral_dict_freeze()) would go
     * stale. */
    d->starts_ok = 0;
    spiral_free(d->roothash);
    d->roothash = NULL;
    for (i = 0; i < len; i++)
        w[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] - 'A' + 'a') : word[i];
    rc = dict_put_word(d, w, len, (float)freq);
    if (w != small)
        spiral_free(w);
    return rc;
}

void spiral_dict_freeze(spiral_dict *d)
{
    if (d == NULL || !d->user)
        return;
    if (!d->starts_ok)
        dict_index_starts(d);
    if (d->roothash == NULL)
        dict_index_root(d);
}

/* The head of a user dictionary's bytes (spiral_dict_user_save()), then
 * roots[], labels[nnodes] and nodes[nnodes]. */
typedef struct dict_image {
    uint64_t nnodes, nwords;
    uint32_t root_first, root_kids;
} dict_image;

int spiral_dict_user_save(const spiral_dict *d, spiral_buf *out)
{
    dict_image h;

    if (d == NULL || !d->user)
        return SPIRAL_EINVAL;
    memset(&h, 0, sizeof h);
    h.nnodes = d->nnodes;
    h.nwords = d->nwords;
    h.root_first = d->root.first;
    h.root_kids = d->root.kids;
    if (spiral_buf_append(out, &h, sizeof h) < 0 ||
        spiral_buf_append(out, d->roots, sizeof d->roots) < 0 ||
        spiral_buf_append(out, d->labels, d->nnodes * sizeof *d->labels) < 0 ||
        spiral_buf_append(out, d->nodes, d->nnodes * sizeof *d->nodes) < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

/* Whether node n's children lie within nnodes nodes. */
static int kids_inside(const dict_node *n, size_t nnodes)
{
    size_t count = n->kids >> 2;

    return count == 0 || (n->first <= nnodes && count <= nnodes - n->first);
}

int spiral_dict_user_restore(spiral_dict **out, const void *p, size_t len)
{
    const unsigned char *b = p;
    dict_image h;
    spiral_dict *d;
    size_t i, nn;

    *out = NULL;
    if (len < sizeof h + sizeof d->roots)
        return SPIRAL_EINVAL;
    memcpy(&h, b, sizeof h);
    nn = (size_t)h.nnodes;
    if (h.nnodes > DICT_MAX_NODES || h.nwords > h.nnodes ||
        len != sizeof h + sizeof d->roots + nn * (sizeof(uint32_t) + sizeof(dict_node)))
        return SPIRAL_EINVAL;
    if (spiral_dict_new(&d) < 0)
        return SPIRAL_ENOMEM;
    d->nnodes = d->nodes_cap = nn;
    d->nwords = (size_t)h.nwords;
    d->root.first = h.root_first;
    d->root.kids = h.root_kids;
    memcpy(d->roots, b + sizeof h, sizeof d->roots);
    if (nn > 0 && ((d->labels = spiral_malloc(nn * sizeof *d->labels)) == NULL ||
                   (d->nodes = spiral_malloc(nn * sizeof *d->nodes)) == NULL)) {
        spiral_dict_free(d);
        return SPIRAL_ENOMEM;
    }
    if (nn > 0) {
        memcpy(d->labels, b + sizeof h + sizeof d->roots, nn * sizeof *d->labels);
        memcpy(d->nodes, b + sizeof h + sizeof d->roots + nn * sizeof *d->labels,
               nn * sizeof *d->nodes);
    }
    for (i = 0; i < nn && kids_inside(&d->nodes[i], nn); i++)
        ;
    if (i < nn || !kids_inside(&d->root, nn)) {
        spiral_dict_free(d);
        return SPIRAL_EINVAL;
    }
    spiral_dict_freeze(d);
    *out = d;
    return SPIRAL_OK;
}

/* Whether the filter of d (frozen) lets a word be a alone or start with a
 * and b (b DICT_NONE: a is the text's last character).  A character that
 * starts no word is ruled out by the bit set of first characters (exact in
 * the BMP), before any hashing and without the filter's false positives,
 * which would send the segmenter on a walk for nothing. */
static int starts_maybe(const spiral_dict *d, uint32_t a, uint32_t b)
{
    size_t one, two;

    if (a < 0x10000 && (d->roots[a / 64] >> (a % 64) & 1) == 0)
        return 0;
    one = start_bit(a, DICT_NONE);
    two = start_bit(a, b);
    return (d->starts[one / 64] >> (one % 64) & 1) != 0 ||
           (b != DICT_NONE && (d->starts[two / 64] >> (two % 64) & 1) != 0);
}

int spiral_dict_may_start(const spiral_dict *d, uint32_t a, uint32_t b)
{
    return d == NULL || !d->starts_ok || starts_maybe(d, a, b);
}

void spiral_dict_may_starts(const spiral_dict *d, const uint32_t *cp, size_t n, unsigned char *out)
{
    size_t i;

    if (d == NULL || !d->starts_ok) {
        memset(out, 1, n);
        return;
    }
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)starts_maybe(d, cp[i], i + 1 < n ? cp[i + 1] : DICT_NONE);
}

/* Start a walk through an in-memory trie at the empty text. */
static void trie_start(dict_cursor *out, const spiral_dict *d)
{
    out->first = DICT_AT_ROOT;
    out->count = d->root.kids >> 2;
}

/*
 * Extend the text of walk cur through an in-memory trie by code point cp.
 *
 * Returns: what spiral_dict_find() would return for the longer text (and
 * *value likewise); 0 ends the walk, and later steps return 0 too.
 */
static unsigned trie_step(dict_cursor *cur, const spiral_dict *d, uint32_t cp, float *value)
{
    const uint32_t *lab;
    const dict_node *node;
    size_t n = cur->count;

    if (n == 0)
        return 0;
    if (cur->first == DICT_AT_ROOT && cp < 0x10000
        && (d->roots[cp / 64] & (uint64_t)1 << (cp % 64)) == 0) {
        cur->count = 0;
        return 0;
    }
    if (cur->first == DICT_AT_ROOT && d->roothash != NULL) {
        size_t h = root_slot(cp, d->roothash_bits), mask = ((size_t)1 << d->roothash_bits) - 1;
        while (d->roothash[h].node.kids != 0 && d->roothash[h].cp != cp)
            h = (h + 1) & mask;
        if (d->roothash[h].node.kids == 0) {
            cur->count = 0;
            return 0;
        }
        node = &d->roothash[h].node;
    } else {
        /* The last label not above cp: they are sorted, so it is cp if any
         * is. */
        lab = d->labels + (cur->first == DICT_AT_ROOT ? d->root.first : cur->first);
        while (n > 1) {
            size_t half = n / 2;
            lab = lab[half] <= cp ? lab + half : lab;
            n -= half;
        }
        if (*lab != cp) {
            cur->count = 0;
            return 0;
        }
        node = &d->nodes[lab - d->labels];
    }
    cur->first = node->first;
    cur->count = node->kids >> 2;
    if (value != NULL && (node->kids & SPIRAL_DICT_WORD) != 0)
        *value = node->value;
    return node->kids & (SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
}

/* The symbol of code point cp in a compiled dictionary, 0 if none. */
static uint32_t unit_symbol(const spiral_dict *d, uint32_t cp)
{
    size_t i;

    if (cp < DICT_BMP)
        return d->bmp[cp];
    i = lower_bound(d->supp_cp, d->nsupp, cp);
    return i < d->nsupp && d->supp_cp[i] == cp ? d->supp_sym[i] : 0;
}

/* One step of a walk through d: through the compiled trie from the unit
 * whose base is *at, or through the in-memory one from *cur. */
static unsigned dict_step(const spiral_dict *d, uint32_t *at, dict_cursor *cur, uint32_t sym,
                          float *value)
{
    return d->trie.unit != NULL ? spiral_dict_trie_step(&d->trie, at, sym, value)
                                : trie_step(cur, d, sym, value);
}

void spiral_dict_symbols(const spiral_dict *d, const uint32_t *cp, size_t n, uint32_t *out)
{
    size_t i;

    if (d == NULL) {
        for (i = 0; i < n; i++)
            out[i] = 0;
    } else if (d->trie.unit != NULL) {
        for (i = 0; i < n; i++)
            out[i] = cp[i] < DICT_BMP ? d->bmp[cp[i]] : unit_symbol(d, cp[i]);
    } else {
        memcpy(out, cp, n * sizeof *out);
    }
}

size_t spiral_dict_prefixes(const spiral_dict *d, const uint32_t *sym, size_t n,
                            spiral_dict_hit *out)
{
    dict_cursor cur;
    size_t i, m = 0;
    uint32_t at;
    unsigned f;
    float v = 0;

    if (d == NULL)
        return 0;
    trie_start(&cur, d);
    at = d->trie.unit != NULL ? spiral_dict_trie_root(&d->trie) : 0;
    for (i = 0; i < n; i++) {
        f = dict_step(d, &at, &cur, sym[i], &v);
        if ((f & SPIRAL_DICT_WORD) != 0) {
            out[m].len = (uint32_t)(i + 1);
            out[m].value = v;
            m++;
        }
        if ((f & SPIRAL_DICT_PREFIX) == 0)
            break;
    }
    return m;
}

unsigned spiral_dict_find(const spiral_dict *d, const char *s, size_t len, float *value)
{
    dict_cursor cur;
    size_t i, n;
    uint32_t cp, at;
    unsigned f = 0;
    float v = 0;

    if (d == NULL || len == 0)
        return 0;
    trie_start(&cur, d);
    at = d->trie.unit != NULL ? spiral_dict_trie_root(&d->trie) : 0;
    for (i = 0; i < len; i += n) {
        if ((n = utf8_next(s + i, len - i, &cp)) == 0)
            return 0;
        if ((f = dict_step(d, &at, &cur, d->trie.unit != NULL ? unit_symbol(d, cp) : cp, &v)) == 0)
            return 0;
    }
    if (value != NULL && (f & SPIRAL_DICT_WORD) != 0)
        *value = v;
    return f;
}

const spiral_dict_trie *spiral_dict_trie_of(const spiral_dict *d)
{
    return d != NULL && d->trie.unit != NULL ? &d->trie : NULL;
}

int spiral_dict_is_user(const spiral_dict *d)
{
    return d != NULL && d->user;
}

double spiral_dict_logtotal(const spiral_dict *d)
{
    return d != NULL ? d->logtotal : 0.0;
}

int spiral_dict_has_hmm(const spiral_dict *d)
{
    return d != NULL && d->has_hmm;
}

const float *spiral_dict_hmm_start(const spiral_dict *d)
{
    return spiral_dict_has_hmm(d) ? d->start : NULL;
}

const float *spiral_dict_hmm_trans(const spiral_dict *d)
{
    return spiral_dict_has_hmm(d) ? d->trans : NULL;
}

int spiral_dict_hmm_emit(const spiral_dict *d, uint32_t sym, float out[4])
{
    int i, known = 0;

    for (i = 0; i < 4; i++)
        out[i] = -3.0e38f;
    if (!spiral_dict_has_hmm(d) || sym >= d->nsyms)
        return 0;
    memcpy(out, d->emit + 4 * (size_t)sym, 4 * sizeof *out);
    for (i = 0; i < 4; i++)
        known |= out[i] > SPIRAL_HMM_IMPOSSIBLE;
    return known;
}

size_t spiral_dict_size(const spiral_dict *dict)
{
    return dict != NULL ? dict->nwords : 0;
}

void spiral_dict_free(spiral_dict *dict)
{
    if (dict == NULL)
        return;
    if (dict->map != NULL) {
#if DICT_MMAP
        munmap(dict->map, dict->maplen);
#endif
    } else if (dict->blob != NULL) {
        spiral_free(dict->blob);
    } else {
        spiral_free(dict->labels);
        spiral_free(dict->nodes);
    }
    spiral_free(dict->roothash);
    spiral_free(dict);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/*
 * Read all of path into a new NUL-terminated buffer.
 *
 * Returns: SPIRAL_OK, SPIRAL_EIO (err names path) or SPIRAL_ENOMEM.
 */
static int read_file(const char *path, unsigned char **out, size_t *outlen, spiral_error *err)
{
    FILE *f;
    unsigned char *buf = NULL, *nbuf;
    size_t len = 0, cap = 0, n;
    long hint;
    int rc = SPIRAL_OK;

    *out = NULL;
    *outlen = 0;
    if ((f = fopen(path, "rb")) == NULL)
        return spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fseek(f, 0, SEEK_END) == 0 && (hint = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        cap = (size_t)hint + 1;
    if (cap < 4096)
        cap = 4096;
    for (;;) {
        if (len + 1 >= cap || buf == NULL) {
            size_t ncap = buf == NULL ? cap : cap * 2;
            if ((nbuf = spiral_realloc(buf, ncap)) == NULL) {
                rc = spiral_error_nomem(err, path);
                goto done;
            }
            buf = nbuf;
            cap = ncap;
        }
        n = fread(buf + len, 1, cap - 1 - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "read error: %s", strerror(errno));
            break;
        }
    }
done:
    fclose(f);
    if (rc < 0) {
        spiral_free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return SPIRAL_OK;
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof v);
    return v;
}

static int corrupt(spiral_error *err, const char *path, size_t offset, const char *what)
{
    spiral_error_set(err, SPIRAL_EPARSE, path, 0, 0, "corrupt compiled dictionary: %s", what);
    if (err != NULL)
        err->offset = offset;
    return SPIRAL_EPARSE;
}

/*
 * Point d's tables into blob (len bytes of a compiled dictionary) after
 * checking its header and that the sections add up to its size.  Units are
 * checked as walks go to them (spiral_dict_prefixes()), so that a mapped
 * file is not read in full at start-up.  d does not own blob yet.
 *
 * Returns: SPIRAL_OK or SPIRAL_EPARSE (err says what is wrong).
 */
static int load_compiled(spiral_dict *d, unsigned char *blob, size_t len, const char *path,
                         spiral_error *err)
{
    uint32_t nunits, nsyms, nsupp, flags, nwords, version;
    uint64_t o_supp, o_check, o_units, o_emit, need;

    if (len < DICT_HEADER)
        return corrupt(err, path, len, "truncated header");
    version = get_u32(blob + 8);
    if (get_u32(blob + 12) != DICT_BOM)
        return corrupt(err, path, 12, "built for another byte order; rebuild it");
    if (version != DICT_VERSION)
        return corrupt(err, path, 8,
                       version < DICT_VERSION
                           ? "old format version (before the double array); rebuild it"
                           : "unsupported version; rebuild it");
    nunits = get_u32(blob + 16);
    nsyms = get_u32(blob + 20);
    nsupp = get_u32(blob + 24);
    flags = get_u32(blob + 120);
    nwords = get_u32(blob + 124);
    if (nunits == 0 || nunits > DICT_MAX_NODES || nsyms > DICT_BMP || nsupp > 0x100000
        || nwords > nunits)
        return corrupt(err, path, 16, "bad table size");
    o_supp = DICT_HEADER + (uint64_t)DICT_BMP * sizeof(uint16_t);
    o_check = o_supp + (uint64_t)nsupp * 2 * sizeof(uint32_t);
    o_units = o_check + ((uint64_t)nunits * sizeof(uint16_t) + 3) / 4 * 4;
    o_emit = o_units + (uint64_t)nunits * sizeof(spiral_dict_unit);
    need = o_emit + (uint64_t)nsyms * 4 * sizeof(float);
    if (need != len)
        return corrupt(err, path, len < need ? len : (size_t)need, "size does not match its header");
    d->bmp = (const uint16_t *)(const void *)(blob + DICT_HEADER);
    d->supp_cp = (const uint32_t *)(const void *)(blob + o_supp);
    d->supp_sym = d->supp_cp + nsupp;
    d->trie.check = (const uint16_t *)(const void *)(blob + o_check);
    d->trie.unit = (const spiral_dict_unit *)(const void *)(blob + o_units);
    d->emit = (const float *)(const void *)(blob + o_emit);
    memcpy(&d->logtotal, blob + 32, sizeof d->logtotal);
    memcpy(d->start, blob + 40, sizeof d->start);
    memcpy(d->trans, blob + 56, sizeof d->trans);
    d->trie.nunits = nunits;
    d->nsupp = nsupp;
    d->nsyms = nsyms;
    d->nwords = nwords;
    d->has_hmm = (flags & DICT_HAS_HMM) != 0 && nsyms > 0;
    return SPIRAL_OK;
}

#if DICT_MMAP
/*
 * Map path if it is a compiled dictionary.
 *
 * Returns: 1 and fills d if it was one, 0 if it is not (or cannot be
 * mapped: the caller then reads it), or SPIRAL_EPARSE.
 */
static int map_compiled(spiral_dict *d, const char *path, spiral_error *err)
{
    FILE *f;
    struct stat st;
    char magic[8];
    void *map;
    int rc;

    if ((f = fopen(path, "rb")) == NULL)
        return 0;
    if (fread(magic, 1, sizeof magic, f) != sizeof magic || memcmp(magic, DICT_MAGIC, 8) != 0
        || fstat(fileno(f), &st) != 0 || st.st_size <= 0
        || (unsigned long long)st.st_size > (unsigned long long)SIZE_MAX) {
        fclose(f);
        return 0;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    fclose(f);
    if (map == MAP_FAILED)
        return 0;
    if ((rc = load_compiled(d, map, (size_t)st.st_size, path, err)) < 0) {
        munmap(map, (size_t)st.st_size);
        return rc;
    }
    d->map = map;
    d->maplen = (size_t)st.st_size;
    return 1;
}
#endif

/*
 * Parse a jieba-style text dictionary: one "word freq [tag]" a line, fields
 * separated by spaces or tabs; blank lines and lines starting with '#' are
 * skipped; a word with frequency 0 is not a word (as in jieba).  Fills d,
 * then turns frequencies into log probabilities.
 *
 * Returns: SPIRAL_OK, SPIRAL_ENOMEM or SPIRAL_EPARSE (err has line, column).
 */
static int load_text(spiral_dict *d, const char *text, size_t len, const char *path,
                     spiral_error *err)
{
    const char *p = text, *end = text + len;
    unsigned long lineno = 0;
    double total = 0;
    char *w = NULL;
    size_t wcap = 0, i;
    int rc = SPIRAL_OK;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *q, *word, *num;
        size_t wlen;
        double freq = 0;
        float prev;

        if (eol == NULL)
            eol = end;
        lineno++;
        q = p;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == eol || *q == '#')
            goto next;
        word = q;
        while (q < eol && *q != ' ' && *q != '\t' && *q != '\r')
            q++;
        wlen = (size_t)(q - word);
        while (q < eol && (*q == ' ' || *q == '\t'))
            q++;
        num = q;
        if (q == eol || *q < '0' || *q > '9') {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(q - p) + 1,
                                  "expected a frequency after the word");
            goto out;
        }
        while (q < eol && *q >= '0' && *q <= '9') {
            freq = freq * 10 + (*q - '0');
            q++;
        }
        if (q < eol && *q != ' ' && *q != '\t' && *q != '\r') {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(num - p) + 1,
                                  "the frequency must be a whole number");
            goto out;
        }
        if (wlen >= DICT_MAX_KEY || memchr(word, '\0', wlen) != NULL) {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(word - p) + 1,
                                  "bad word");
            goto out;
        }
        if (freq <= 0 || freq > 1e15)
            goto next;
        if (wlen > wcap) {
            char *nw = spiral_realloc(w, wlen);
            if (nw == NULL) {
                rc = spiral_error_nomem(err, path);
                goto out;
            }
            w = nw;
            wcap = wlen;
        }
        for (i = 0; i < wlen; i++)
            w[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] - 'A' + 'a') : word[i];
        if ((spiral_dict_find(d, w, wlen, &prev) & SPIRAL_DICT_WORD) != 0)
            total -= prev;
        if ((rc = dict_put_word(d, w, wlen, (float)freq)) < 0) {
            if (rc == SPIRAL_ENOMEM)
                spiral_error_nomem(err, path);
            else
                spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(word - p) + 1,
                                 "the word is not valid UTF-8");
            rc = rc == SPIRAL_ENOMEM ? rc : SPIRAL_EPARSE;
            goto out;
        }
        total += freq;
next:
        p = eol + 1;
    }
    d->logtotal = total > 0 ? log(total) : 0;
    /* Dead nodes (kids 0) and unused ones (zeroed) are not words. */
    for (i = 0; i < d->nnodes; i++)
        if ((d->nodes[i].kids & SPIRAL_DICT_WORD) != 0)
            d->nodes[i].value = (float)(log(d->nodes[i].value) - d->logtotal);
    dict_index_root(d);
out:
    spiral_free(w);
    return rc;
}

int spiral_dict_load(spiral_dict **out, const char *path, spiral_error *err)
{
    spiral_dict *d;
    unsigned char *buf;
    size_t len;
    int rc;

    *out = NULL;
    if (path == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0, "no dictionary path");
    if ((d = spiral_calloc(1, sizeof *d)) == NULL)
        return spiral_error_nomem(err, path);
#if DICT_MMAP
    if ((rc = map_compiled(d, path, err)) != 0) {
        if (rc < 0)
            goto fail;
        *out = d;
        return SPIRAL_OK;
    }
#endif
    if ((rc = read_file(path, &buf, &len, err)) < 0)
        goto fail;
    if (len >= 8 && memcmp(buf, DICT_MAGIC, 8) == 0) {
        if ((rc = load_compiled(d, buf, len, path, err)) < 0) {
            memset(d, 0, sizeof *d);
            spiral_free(buf);
            goto fail;
        }
        d->blob = buf;
    } else {
        rc = load_text(d, (const char *)buf, len, path, err);
        spiral_free(buf);
        if (rc < 0)
            goto fail;
    }
    *out = d;
    return SPIRAL_OK;
fail:
    spiral_dict_free(d);
    return rc;
}
