/*
 * prefilter.c - literal prefilters for regular-expression lexicon entries.
 *
 * Running every regular expression over every statement costs more than all
 * the other stages together.  Most entries can only match where one of a
 * few literal strings occurs ("down" in `\b(?:lay|laid)\s+down\s+arms\b`;
 * one of 避免, 防止, 不采取 in `(避免|防止|不采取)...升级`), and memmem finds
 * those far faster than the regex engine scans.  This module derives, from
 * the pattern text, a set of literals of which every match must contain at
 * least one; when the derivation meets anything it does not fully
 * understand it gives up, and the regex always runs.  So the prefilter can
 * only skip work, never change a result.
 *
 * A pattern that is one sequence (no | at its top) yields several sets, one
 * per required item, and a match contains a literal of each: "lift ...
 * sanctions" needs both a verb and a noun in the sentence.  A literal
 * right after \b that begins with a word character is marked: it counts
 * only where it starts a word ("end" in "end the war", not in "spend").
 *
 * The grammar understood: literal characters and escaped punctuation;
 * quantifiers ? * + {n,m} (an optional item is not required); classes
 * (. \s \S \w \d [..]) and anchors (\b ^ $) that break a literal run;
 * groups ( ), (?: ), (?<name> ) with | alternatives; lookarounds, which
 * are skipped as zero-width.  Letters are case-folded (the text is).
 */
#define _GNU_SOURCE 1 /* memmem */
#include "prefilter.h"

#include <string.h>

#include "alloc.h"
#include "buf.h"

#define MAX_LITS 64
#define MAX_LIT 64
#define MAX_SETS SPIRAL_PREFILTER_SETS

typedef struct litset {
    int known;                  /* 0: no constraint derived */
    size_t n;
    char s[MAX_LITS][MAX_LIT];
    uint8_t wb[MAX_LITS];       /* starts a word (after \b) */
} litset;

/* An empty set (only n literals are ever read: clearing the 4 KB of
 * them would cost more than the parsing). */
static void litset_clear(litset *l)
{
    l->known = 0;
    l->n = 0;
}

/* Add alt's literals to *into (a union of alternatives); when they do not
 * fit, *into becomes unknown. */
static void litset_union(litset *into, const litset *alt)
{
    size_t i;

    if (into->n + alt->n > MAX_LITS) {
        into->known = 0;
        return;
    }
    for (i = 0; i < alt->n; i++) {
        into->wb[into->n] = alt->wb[i];
        memcpy(into->s[into->n++], alt->s[i], MAX_LIT);
    }
}

/* The required sets of a sequence, the best MAX_SETS of them. */
typedef struct conj {
    size_t n;
    litset s[MAX_SETS];
} conj;

/* The quality of a set: its weakest literal's length, plus one when it
 * must start a word (longer literals are more selective), 0 when unknown. */
static size_t quality(const litset *l)
{
    size_t i, m = (size_t)-1;

    if (!l->known || l->n == 0)
        return 0;
    for (i = 0; i < l->n; i++)
        if (strlen(l->s[i]) + l->wb[i] < m)
            m = strlen(l->s[i]) + l->wb[i];
    return m;
}

/* Whether set a is more selective than b: longer literals, or as long and
 * fewer of them. */
static int set_before(const litset *a, const litset *b)
{
    size_t qa = quality(a), qb = quality(b);

    return qa > qb || (qa == qb && qa > 0 && a->n < b->n);
}

static void better(litset *best, const litset *cand)
{
    if (set_before(cand, best))
        *best = *cand;
}

/* Keep a required set in *all, replacing its worst set when full. */
static void conj_add(conj *all, const litset *l)
{
    size_t i, worst = 0;

    if (all == NULL || quality(l) == 0)
        return;
    if (all->n < MAX_SETS) {
        all->s[all->n++] = *l;
        return;
    }
    for (i = 1; i < all->n; i++)
        if (quality(&all->s[i]) < quality(&all->s[worst]))
            worst = i;
    better(&all->s[worst], l);
}

/* A required item of a sequence: the best one so far, and one of all. */
static void required(litset *out, conj *all, const litset *l)
{
    better(out, l);
    conj_add(all, l);
}

static int is_meta(char c)
{
    return strchr("\\^$.|?*+()[]{}", c) != NULL;
}

/* Whether p starts a quantifier that makes the previous item optional
 * (? * {0,...}); *len gets its length.  A + or {n,...} with n >= 1 keeps it
 * required. */
static int quantifier(const char *p, int *optional, size_t *len)
{
    *optional = 0;
    *len = 0;
    if (*p == '?' || *p == '*') {
        *optional = 1;
        *len = 1;
    } else if (*p == '+') {
        *len = 1;
    } else if (*p == '{') {
        const char *q = p + 1;
        unsigned long min = 0;

        if (*q < '0' || *q > '9')
            return 0;
        for (; *q >= '0' && *q <= '9'; q++)
            min = min < 100000 ? min * 10 + (unsigned long)(*q - '0') : min;
        *optional = min == 0; /* {0}, {00,3} ... */
        while (*q && *q != '}')
            q++;
        if (*q != '}')
            return -1;
        *len = (size_t)(q - p) + 1;
    } else {
        return 0;
    }
    /* lazy or possessive suffix */
    if (p[*len] == '?' || p[*len] == '+')
        (*len)++;
    return 1;
}

static const char *parse_alt(const char *p, litset *out, int depth, int wb, conj *all);

/* Skip a character class [...] starting at p; returns the end or NULL. */
static const char *skip_class(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    while (*p && *p != ']') {
        if (*p == '\\' && p[1])
            p++;
        p++;
    }
    return *p == ']' ? p + 1 : NULL;
}

/* A group starting at p (at '('); *req gets the union of its
 * alternatives' sets.  wb: the group follows \b.  Returns the end (after
 * ')') or NULL. */
static const char *parse_group(const char *p, litset *req, int depth, int wb)
{
    int lookaround = 0;

    p++;
    if (*p == '?') {
        if (p[1] == ':') {
            p += 2;
        } else if (p[1] == '=' || p[1] == '!') {
            lookaround = 1;
            p += 2;
        } else if (p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
            lookaround = 1;
            p += 3;
        } else if (p[1] == '<' || (p[1] == 'P' && p[2] == '<')) {
            /* a named group, (?<name>...) or (?P<name>...) */
            while (*p && *p != '>')
                p++;
            if (!*p)
                return NULL;
            p++;
        } else if (p[1] == '\'') {
            /* a named group, (?'name'...) */
            for (p += 2; *p && *p != '\''; p++)
                ;
            if (!*p)
                return NULL;
            p++;
        } else {
            /* inline options, conditionals, atomic groups, references and
             * calls by name ((?P=n), (?P>n)) ...: give up */
            return NULL;
        }
    }
    req->known = 1;
    req->n = 0;
    for (;;) {
        litset alt;

        litset_clear(&alt);
        if ((p = parse_alt(p, &alt, depth + 1, wb, NULL)) == NULL)
            return NULL;
        if (!alt.known || alt.n == 0)
            req->known = 0;
        else if (req->known)
            litset_union(req, &alt);
        if (*p == '|') {
            p++;
            continue;
        }
        if (*p == ')')
            break;
        return NULL;
    }
    if (lookaround)
        req->known = 0; /* zero-width: requires nothing of the match */
    return p + 1;
}

/* A sequence up to '|' or ')' (or the end at depth 0); *out gets the best
 * required set among its items, and *all (unless NULL) the best few.  wb:
 * the sequence follows \b.  Returns where it stopped, or NULL. */
static const char *parse_alt(const char *p, litset *out, int depth, int wb, conj *all)
{
    char run[MAX_LIT];
    size_t rn = 0, qlen;
    int optional, run_wb = 0;

    litset_clear(out);
    if (depth > 20)
        return NULL;
#define FLUSH()                                                       \
    do {                                                              \
        if (rn > 0) {                                                 \
            litset one;                                               \
            one.known = 1;                                            \
            one.n = 1;                                                \
            one.wb[0] = (uint8_t)run_wb;                              \
            memcpy(one.s[0], run, rn);                                \
            one.s[0][rn] = '\0';                                      \
            required(out, all, &one);                                 \
        }                                                             \
        rn = 0;                                                       \
    } while (0)
    while (*p && *p != '|' && *p != ')') {
        char c = *p;

        if (c == '(') {
            litset g;
            const char *e;

            FLUSH();
            litset_clear(&g);
            if ((e = parse_group(p, &g, depth, wb)) == NULL)
                return NULL;
            wb = 0;
            if (quantifier(e, &optional, &qlen) < 0)
                return NULL;
            if (!optional)
                required(out, all, &g);
            p = e + qlen;
            continue;
        }
        if (c == '[') {
            FLUSH();
            wb = 0;
            if ((p = skip_class(p)) == NULL)
                return NULL;
            if (quantifier(p, &optional, &qlen) < 0)
                return NULL;
            p += qlen;
            continue;
        }
        if (c == '.' || c == '^' || c == '$') {
            FLUSH();
            wb = 0;
            p++;
            if (quantifier(p, &optional, &qlen) < 0)
                return NULL;
            p += qlen;
            continue;
        }
        if (c == '\\') {
            char e = p[1];

            if (e == '\0')
                return NULL;
            if (e == 'Q' || e == 'E' || e == 'K' || e == 'c')
                return NULL; /* quoting, match-start reset, controls: give up */
            if ((e >= '0' && e <= '9') || e == 'g' || e == 'k' || e == 'o' || e == 'N')
                return NULL; /* back references, octal, \N{U+..}: give up */
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z')) {
                /* \b \s \w \d \pL \p{..} \x{..} ...: not a literal */
                FLUSH();
                p += 2;
                if (e == 'p' || e == 'P' || e == 'x') {
                    if (*p == '{') {
                        while (*p && *p != '}')
                            p++;
                        if (!*p)
                            return NULL;
                        p++;
                    } else if (e == 'x' || *p == '\0') {
                        return NULL;
                    } else {
                        p++; /* \pL: a one-letter property */
                    }
                }
                if (quantifier(p, &optional, &qlen) < 0)
                    return NULL;
                p += qlen;
                wb = e == 'b' && qlen == 0; /* \b: a word starts or ends here */
                continue;
            }
            c = e; /* escaped punctuation is literal */
            p++;
        } else if (is_meta(c)) {
            return NULL; /* a stray quantifier or brace: give up */
        }
        {
            /* One literal character (a whole UTF-8 sequence). */
            size_t k = 1;
            char ch[4];

            /* Two-byte letters (Latin-1, Greek, Cyrillic ...) have case
             * variants this module does not fold: give up on them. */
            if ((unsigned char)c >= 0xC0 && (unsigned char)c < 0xE0)
                return NULL;
            ch[0] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            while ((p[k] & 0xC0) == 0x80 && k < 4) {
                ch[k] = p[k];
                k++;
            }
            p += k;
            if (quantifier(p, &optional, &qlen) < 0)
                return NULL;
            if (optional) {
                /* Not required: the run ends before it. */
                FLUSH();
                wb = 0;
                p += qlen;
                continue;
            }
            if (rn + k >= MAX_LIT)
                FLUSH();
            if (rn == 0)
                run_wb = wb && spiral_prefilter_word_byte((unsigned char)ch[0]);
            wb = 0;
            memcpy(run + rn, ch, k);
            rn += k;
            if (qlen > 0) {
                /* c+ or c{2,}: required once, but what follows is not
                 * adjacent in a fixed way. */
                FLUSH();
                p += qlen;
            }
        }
    }
    FLUSH();
#undef FLUSH
    return p;
}

/* Append set l as set number k of pf's literals (pf->lit etc. have room). */
static void put_set(spiral_prefilter *pf, char **buf, const litset *l, uint8_t k)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        size_t n = strlen(l->s[i]);

        memcpy(*buf, l->s[i], n + 1);
        pf->lit[pf->n] = *buf;
        pf->len[pf->n] = n;
        pf->set[pf->n] = k;
        pf->wb[pf->n++] = l->wb[i];
        *buf += n + 1;
    }
}

int spiral_prefilter_build(spiral_prefilter *pf, const char *pattern)
{
    litset top;
    conj *all;
    const char *e;
    size_t i, k, total = 0, nlit = 0, nalt = 0;
    char *buf;

    memset(pf, 0, sizeof *pf);
    litset_clear(&top);
    /* (17 KB of sets: only the first `n` are ever read) */
    if ((all = spiral_malloc(sizeof *all)) == NULL)
        return -1;
    all->n = 0;
    /* The whole pattern is one group of alternatives at depth 0; the
     * first one's required sets are kept, for a pattern of one. */
    top.known = 1;
    for (;;) {
        litset alt;

        if ((e = parse_alt(pattern, &alt, 0, 0, nalt == 0 ? all : NULL)) == NULL) {
            spiral_free(all);
            return SPIRAL_PREFILTER_NONE;
        }
        nalt++;
        if (!alt.known || alt.n == 0)
            top.known = 0;
        else
            litset_union(&top, &alt);
        if (!top.known)
            break;
        if (*e == '|') {
            pattern = e + 1;
            continue;
        }
        if (*e != '\0') {
            spiral_free(all);
            return SPIRAL_PREFILTER_NONE; /* unbalanced ')' */
        }
        break;
    }
    if (!top.known || top.n == 0) {
        spiral_free(all);
        return SPIRAL_PREFILTER_NONE;
    }
    if (nalt > 1) {
        all->s[0] = top; /* one set: the union of the alternatives' best */
        all->n = 1;
    }
    /* Best first (the set the whole text is scanned for). */
    for (k = 1; k < all->n; k++)
        for (i = k; i > 0 && set_before(&all->s[i], &all->s[i - 1]); i--) {
            top = all->s[i];
            all->s[i] = all->s[i - 1];
            all->s[i - 1] = top;
        }
    for (k = 0; k < all->n; k++)
        for (i = 0; i < all->s[k].n; i++, nlit++)
            total += strlen(all->s[k].s[i]) + 1;
    buf = spiral_malloc(total);
    pf->lit = spiral_calloc(nlit, sizeof *pf->lit);
    pf->len = spiral_calloc(nlit, sizeof *pf->len);
    pf->set = spiral_calloc(nlit, 1);
    pf->wb = spiral_calloc(nlit, 1);
    if (buf == NULL || pf->lit == NULL || pf->len == NULL || pf->set == NULL || pf->wb == NULL) {
        spiral_free(buf);
        spiral_free(all);
        spiral_prefilter_free(pf);
        return -1;
    }
    pf->buf = buf;
    for (k = 0; k < all->n; k++)
        put_set(pf, &buf, &all->s[k], (uint8_t)k);
    pf->nset = all->n;
    spiral_free(all);
    return SPIRAL_PREFILTER_OK;
}

/* Whether literal i of pf occurs within text[from..to) where it may (at a
 * word start when it must be). */
static int occurs(const spiral_prefilter *pf, size_t i, const char *text, size_t from, size_t to)
{
    const char *at = text + from, *end = text + to, *q;

    while ((q = memmem(at, (size_t)(end - at), pf->lit[i], pf->len[i])) != NULL) {
        if (!pf->wb[i] || !spiral_prefilter_in_word((const unsigned char *)text, (size_t)(q - text)))
            return 1;
        at = q + 1;
    }
    return 0;
}

int spiral_prefilter_set_in(const spiral_prefilter *pf, size_t k, const char *text, size_t from,
                            size_t to)
{
    size_t i;

    for (i = 0; i < pf->n; i++)
        if (pf->set[i] == k && occurs(pf, i, text, from, to))
            return 1;
    return 0;
}

int spiral_prefilter_may_match(const spiral_prefilter *pf, const char *text, size_t len)
{
    size_t k;

    for (k = 0; k < pf->nset; k++)
        if (!spiral_prefilter_set_in(pf, k, text, 0, len))
            return 0;
    return 1;
}

size_t spiral_prefilter_set_quality(const spiral_prefilter *pf, size_t k)
{
    size_t i, q = (size_t)-1;

    for (i = 0; i < pf->n; i++)
        if (pf->set[i] == k && pf->len[i] + pf->wb[i] < q)
            q = pf->len[i] + pf->wb[i];
    return q == (size_t)-1 ? 0 : q;
}

void spiral_prefilter_free(spiral_prefilter *pf)
{
    spiral_free(pf->buf);
    spiral_free(pf->lit);
    spiral_free(pf->len);
    spiral_free(pf->set);
    spiral_free(pf->wb);
    memset(pf, 0, sizeof *pf);
}

/* ------------------------------------------------------------------ */
/* The scanner                                                         */
/* ------------------------------------------------------------------ */

/*
 * Built as an Aho-Corasick automaton over an alphabet whose symbols pair a
 * byte's class with whether the byte before it is a word byte: a literal
 * that must start a word begins with a symbol saying "not after a word
 * byte", one that need not is entered twice (both ways).  In every state
 * but the start the last byte is known, so the flag is too, and the
 * automaton is laid out over byte classes alone, with the start split
 * into "after a word byte" and "not".
 */

#define SCAN_NONE (-1)

void *spiral_calloc_lines(size_t n, size_t size, void **mem)
{
    unsigned char *p;

    if (size == 0 || n > (SIZE_MAX - 64) / size || (p = spiral_calloc(n * size + 64, 1)) == NULL)
        return NULL;
    *mem = p;
    return (void *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
}

void spiral_scan_free(spiral_scan *sc)
{
    spiral_free(sc->rows_mem);
    spiral_free(sc->bits);
    spiral_free(sc->depth);
    spiral_free(sc->out_first);
    spiral_free(sc->out);
    spiral_free(sc->lit_len);
    spiral_free(sc->lit_bit);
    spiral_free(sc->lit_spans);
    memset(sc, 0, sizeof *sc);
}

/* The trie of the literals' symbol strings while it is built.  Children
 * are lists in symbol order (the root's a table), so that the automaton's
 * states come out numbered as a breadth-first walk over symbols finds
 * them, and only its rows over byte classes are ever complete. */
typedef struct scan_trie {
    int32_t *root;        /* per symbol: the root's child, or SCAN_NONE */
    int32_t *kid, *sib;   /* per node: its first child, its next sibling */
    uint16_t *sym;        /* the symbol into the node */
    uint16_t *depth;
    uint16_t *last;       /* class of the byte into the node */
    int32_t *own;         /* the first variant ending at a node, or SCAN_NONE */
    int32_t *next;        /* per variant: the next one ending at its node */
    uint32_t *lit;        /* per variant: its literal */
    size_t n, nsym, nvar;
} scan_trie;

/* Child of node u by symbol a, or SCAN_NONE. */
static int32_t scan_child(const scan_trie *tr, int32_t u, size_t a)
{
    int32_t v;

    if (u == 0)
        return tr->root[a];
    for (v = tr->kid[u]; v != SCAN_NONE && tr->sym[v] < a; v = tr->sib[v])
        ;
    return v != SCAN_NONE && tr->sym[v] == a ? v : SCAN_NONE;
}

/* Insert the symbols of literal i, l (the first with flag f0), into tr,
 * which has room for them. */
static void trie_insert(scan_trie *tr, const uint16_t *cls, const uint8_t *word, int any_wb,
                        const spiral_scan_lit *l, int f0, size_t i)
{
    size_t j;
    int32_t u = 0;

    for (j = 0; j < l->len; j++) {
        unsigned c = cls[(unsigned char)l->s[j]];
        unsigned f = j == 0 ? (unsigned)f0 : word[cls[(unsigned char)l->s[j - 1]]];
        size_t a = any_wb ? c * 2 + f : c;
        int32_t prev = SCAN_NONE, v = u == 0 ? tr->root[a] : tr->kid[u];

        if (u != 0)
            for (; v != SCAN_NONE && tr->sym[v] < a; v = tr->sib[v])
                prev = v;
        if (v == SCAN_NONE || tr->sym[v] != a) {
            int32_t w = (int32_t)tr->n++;

            tr->kid[w] = SCAN_NONE;
            tr->sib[w] = v;
            tr->sym[w] = (uint16_t)a;
            tr->depth[w] = (uint16_t)(j + 1);
            tr->last[w] = (uint16_t)c;
            tr->own[w] = SCAN_NONE;
            if (u == 0)
                tr->root[a] = w;
            else if (prev == SCAN_NONE)
                tr->kid[u] = w;
            else
                tr->sib[prev] = w;
            v = w;
        }
        u = v;
    }
    tr->next[tr->nvar] = tr->own[u];
    tr->lit[tr->nvar] = (uint32_t)i;
    tr->own[u] = (int32_t)tr->nvar++;
}

static void scan_trie_free(scan_trie *tr)
{
    spiral_free(tr->root);
    spiral_free(tr->kid);
    spiral_free(tr->sib);
    spiral_free(tr->sym);
    spiral_free(tr->depth);
    spiral_free(tr->last);
    spiral_free(tr->own);
    spiral_free(tr->next);
    spiral_free(tr->lit);
}

/* Set entry c of row r of sc to state `to`. */
static void scan_set(spiral_scan *sc, unsigned char *r, size_t c, uint32_t to)
{
    if (sc->wide) {
        memcpy(r + 4 * c, &to, 4);
    } else {
        uint16_t to16 = (uint16_t)to;

        memcpy(r + 2 * c, &to16, 2);
    }
}

int spiral_scan_build(spiral_scan *sc, const spiral_scan_lit *lit, size_t n)
{
    uint16_t cls[256];
    uint8_t word[258];
    scan_trie tr;
    int32_t *fail = NULL, *queue = NULL, *id = NULL;
    uint32_t *ofirst = NULL, *ocount = NULL, *tmp;
    int32_t *node = NULL;
    size_t ncls = 2, bytes = 0, nout = 0, outcap = 0, qh = 0, qt = 0, i, j, k, rowlen;
    int any_wb = 0, low = 0, high = 0, rc = -1;

    memset(sc, 0, sizeof *sc);
    memset(&tr, 0, sizeof tr);
    if (n > UINT16_MAX)
        return -1; /* a state's literals are counted in 16 bits */
    /* Classes: one per byte of some literal; the others are 0 (not a word
     * byte) or 1 (a word byte). */
    memset(cls, 0xFF, sizeof cls);
    word[0] = 0;
    word[1] = 1;
    for (i = 0; i < n; i++) {
        any_wb |= lit[i].wb;
        bytes += lit[i].len;
        if (lit[i].len > UINT16_MAX)
            return -1;
        for (j = 0; j < lit[i].len; j++) {
            unsigned char b = (unsigned char)lit[i].s[j];

            if (b < 0x80)
                low = 1;
            else
                high = 1;
            if (cls[b] == 0xFFFF) {
                word[ncls] = (uint8_t)spiral_prefilter_word_byte(b);
                cls[b] = (uint16_t)ncls++;
            }
        }
    }
    for (i = 0; i < 256; i++)
        if (cls[i] == 0xFFFF)
            cls[i] = (uint16_t)spiral_prefilter_word_byte((unsigned char)i);
    /* Without a literal that must start a word the flag is always 0. */
    if (!any_wb)
        memset(word, 0, sizeof word);
    sc->skip = !high ? SPIRAL_SCAN_SKIP_HIGH : !low ? SPIRAL_SCAN_SKIP_LOW : 0;
    tr.nsym = any_wb ? 2 * ncls : ncls;
    /* At most one node per byte of each variant, plus the start. */
    tr.root = spiral_malloc(tr.nsym * sizeof *tr.root);
    tr.kid = spiral_malloc((2 * bytes + 1) * sizeof *tr.kid);
    tr.sib = spiral_malloc((2 * bytes + 1) * sizeof *tr.sib);
    tr.sym = spiral_malloc((2 * bytes + 1) * sizeof *tr.sym);
    tr.depth = spiral_malloc((2 * bytes + 1) * sizeof *tr.depth);
    tr.last = spiral_malloc((2 * bytes + 1) * sizeof *tr.last);
    tr.own = spiral_malloc((2 * bytes + 1) * sizeof *tr.own);
    tr.next = spiral_malloc((2 * n + 1) * sizeof *tr.next);
    tr.lit = spiral_malloc((2 * n + 1) * sizeof *tr.lit);
    if (tr.root == NULL || tr.kid == NULL || tr.sib == NULL || tr.sym == NULL ||
        tr.depth == NULL || tr.last == NULL || tr.own == NULL || tr.next == NULL ||
        tr.lit == NULL)
        goto nomem;
    for (k = 0; k < tr.nsym; k++)
        tr.root[k] = SCAN_NONE;
    tr.kid[0] = SCAN_NONE;
    tr.depth[0] = 0;
    tr.last[0] = 0;
    tr.own[0] = SCAN_NONE;
    tr.n = 1;
    for (i = 0; i < n; i++) {
        int f;

        for (f = 0; f <= (any_wb && !lit[i].wb); f++)
            trie_insert(&tr, cls, word, any_wb, &lit[i], f, i);
    }
    /* Breadth first, children in symbol order: failure links (a child's
     * is the child by its symbol of the nearest node on its parent's
     * failure chain that has one, else the start) and each node's
     * literals (its own, then its failure node's). */
    if ((fail = spiral_malloc(tr.n * sizeof *fail)) == NULL ||
        (queue = spiral_malloc(tr.n * sizeof *queue)) == NULL ||
        (ofirst = spiral_malloc(tr.n * sizeof *ofirst)) == NULL ||
        (ocount = spiral_malloc(tr.n * sizeof *ocount)) == NULL ||
        (id = spiral_malloc(tr.n * sizeof *id)) == NULL)
        goto nomem;
    /* The root's children as a list too, for the walk. */
    for (k = tr.nsym; k-- > 0;)
        if (tr.root[k] != SCAN_NONE) {
            tr.sib[tr.root[k]] = tr.kid[0];
            tr.kid[0] = tr.root[k];
        }
    fail[0] = 0;
    queue[qt++] = 0;
    while (qh < qt) {
        int32_t u = queue[qh++], f = fail[u], x, c;

        ofirst[u] = (uint32_t)nout;
        for (x = tr.own[u]; x != SCAN_NONE; x = tr.next[x]) {
            if (spiral_grow(&sc->out, &outcap, nout + 1, sizeof *sc->out) < 0)
                goto nomem;
            sc->out[nout++] = tr.lit[x];
        }
        for (k = 0; u != 0 && k < ocount[f]; k++) {
            if (spiral_grow(&sc->out, &outcap, nout + 1, sizeof *sc->out) < 0)
                goto nomem;
            sc->out[nout++] = sc->out[ofirst[f] + k];
        }
        ocount[u] = (uint32_t)(nout - ofirst[u]);
        for (c = tr.kid[u]; c != SCAN_NONE; c = tr.sib[c]) {
            int32_t g = f;

            x = SCAN_NONE;
            while (u != 0 && (x = scan_child(&tr, g, tr.sym[c])) == SCAN_NONE && g != 0)
                g = fail[g];
            fail[c] = x == SCAN_NONE ? 0 : x;
            queue[qt++] = c;
        }
    }
    /* States: the start after a non-word byte (0), after a word byte (1),
     * then the other nodes breadth first, those where literals end last;
     * node[] gets each state's node, id[] each node's state. */
    sc->nstates = tr.n + 1;
    if ((node = spiral_malloc(sc->nstates * sizeof *node)) == NULL)
        goto nomem;
    node[0] = node[1] = 0;
    for (k = 2, j = 0; j < 2; j++)
        for (i = 1; i < qt; i++)
            if ((ocount[queue[i]] > 0) == (int)j) {
                if (j == 1 && sc->out_state == 0)
                    sc->out_state = (uint32_t)k;
                id[queue[i]] = (int32_t)k;
                node[k++] = queue[i];
            }
    if (sc->out_state == 0)
        sc->out_state = (uint32_t)sc->nstates;
    id[0] = 0;
    sc->wide = sc->nstates > UINT16_MAX + 1;
    for (sc->shift = 4; ((size_t)1 << sc->shift) < (sc->wide ? 4 : 2) * ncls; sc->shift++)
        ;
    rowlen = (size_t)1 << sc->shift;
    for (i = 1; i < tr.n; i++)
        if (tr.depth[i] > sc->depth_max)
            sc->depth_max = tr.depth[i];
    for (i = 0; i < 256; i++)
        sc->off[i] = (uint32_t)((sc->wide ? 4 : 2) * cls[i]);
    if (sc->nstates > (SIZE_MAX >> sc->shift) ||
        (sc->rows = spiral_calloc_lines(sc->nstates, rowlen, &sc->rows_mem)) == NULL ||
        (sc->bits = spiral_calloc(2 * (sc->nstates - sc->out_state) + 2, sizeof *sc->bits)) ==
            NULL ||
        (sc->depth = spiral_malloc(sc->nstates * sizeof *sc->depth)) == NULL ||
        (sc->out_first = spiral_malloc((sc->nstates + 1) * sizeof *sc->out_first)) == NULL ||
        (sc->lit_len = spiral_malloc((n + 1) * sizeof *sc->lit_len)) == NULL ||
        (sc->lit_bit = spiral_malloc(n + 1)) == NULL ||
        (sc->lit_spans = spiral_malloc(n + 1)) == NULL)
        goto nomem;
    for (i = 0; i < n; i++) {
        sc->lit_len[i] = (uint16_t)lit[i].len;
        sc->lit_bit[i] = lit[i].bit;
        sc->lit_spans[i] = lit[i].spans;
    }
    /* The states' literals in their order (a node's are in one run). */
    if ((tmp = spiral_malloc((nout + 1) * sizeof *tmp)) == NULL)
        goto nomem;
    for (i = 0, k = 0; i < sc->nstates; i++) {
        int32_t u = node[i];

        sc->out_first[i] = (uint32_t)k;
        for (j = 0; j < ocount[u]; j++)
            tmp[k++] = sc->out[ofirst[u] + j];
    }
    sc->out_first[sc->nstates] = (uint32_t)k;
    spiral_free(sc->out);
    sc->out = tmp;
    for (i = 0; i < sc->nstates; i++) {
        int32_t u = node[i];

        for (k = sc->out_first[i]; k < sc->out_first[i + 1]; k++) {
            unsigned b = lit[sc->out[k]].bit;

            sc->bits[2 * (i - sc->out_state) + b / 64] |= (uint64_t)1 << (b % 64);
        }
        sc->depth[i] = tr.depth[u];
    }
    /* The rows.  The two starts: by the root's children with their flag,
     * else back to a start (by the byte's class).  Then breadth first, so
     * that a node's failure node has its row: the node's state, entered
     * after a word byte or not (as the byte into it says, and into its
     * failure node, which ends with that byte), goes where the failure
     * node's does but by its own children. */
    for (j = 0; j < 2; j++)
        for (k = 0; k < ncls; k++) {
            int32_t v = tr.root[any_wb ? k * 2 + j : k];

            scan_set(sc, sc->rows + j * rowlen, k,
                     v != SCAN_NONE ? (uint32_t)id[v] : word[k]);
        }
    for (i = 1; i < qt; i++) {
        int32_t u = queue[i], c;
        unsigned f = word[tr.last[u]];
        unsigned char *r = sc->rows + (size_t)id[u] * rowlen;

        memcpy(r, sc->rows + (fail[u] == 0 ? f : (size_t)id[fail[u]]) * rowlen, rowlen);
        for (c = tr.kid[u]; c != SCAN_NONE; c = tr.sib[c])
            scan_set(sc, r, any_wb ? tr.sym[c] / 2u : tr.sym[c], (uint32_t)id[c]);
    }
    rc = 0;
nomem:
    scan_trie_free(&tr);
    spiral_free(fail);
    spiral_free(queue);
    spiral_free(ofirst);
    spiral_free(ocount);
    spiral_free(id);
    spiral_free(node);
    if (rc < 0)
        spiral_scan_free(sc);
    return rc;
}

/* The next state after byte b in state st. */
static inline uint32_t scan_step(const spiral_scan *sc, uint32_t st, unsigned char b)
{
    const unsigned char *p = sc->rows + ((size_t)st << sc->shift) + sc->off[b];

    if (sc->wide) {
        uint32_t v;

        memcpy(&v, p, 4);
        return v;
    } else {
        uint16_t v;

        memcpy(&v, p, 2);
        return v;
    }
}

/* The bits set where literals end in state st (>= out_state). */
static inline void scan_bits(const spiral_scan *sc, uint32_t st, uint64_t *m)
{
    const uint64_t *w = sc->bits + 2 * (st - sc->out_state);

    m[0] |= w[0];
    m[1] |= w[1];
}

/* The bits of the literals ending in state st that count where `inside`
 * bytes of the sentence have been read (a longer literal started before
 * it, and counts only if it spans). */
static void scan_outputs(const spiral_scan *sc, uint32_t st, size_t inside, uint64_t *m)
{
    uint32_t k;

    for (k = sc->out_first[st]; k < sc->out_first[st + 1]; k++) {
        uint32_t j = sc->out[k];

        if (sc->lit_len[j] <= inside || sc->lit_spans[j])
            m[sc->lit_bit[j] / 64] |= (uint64_t)1 << (sc->lit_bit[j] % 64);
    }
}

/* The first byte at or after i, before e, that is not to be skipped (with
 * `stop` = 0x80 in every byte: skipping bytes < 0x80; 0: bytes >= 0x80), or
 * e; a word at a time. */
static size_t scan_skip(const unsigned char *t, size_t i, size_t e, uint64_t stop)
{
    const uint64_t high = 0x8080808080808080u;

    for (; i + 8 <= e; i += 8) {
        uint64_t w;

        memcpy(&w, t + i, 8);
        if (((w ^ ~stop) & high) != 0)
            break;
    }
    for (; i < e; i++)
        if (((t[i] ^ (unsigned)~stop) & 0x80) != 0)
            return i;
    return e;
}

/* Steps over t[i..e) from state *st, adding the bits of the literals that
 * end there to m; with `skip`, bytes in no literal (those `stop` says) are
 * passed over a word at a time, to the start state.  ENTRY is the type of
 * the rows' entries. */
#define SCAN_RUN(ENTRY)                                                               \
    do {                                                                              \
        const unsigned char *rows = sc->rows;                                         \
        const uint32_t *off = sc->off;                                                \
        unsigned shift = sc->shift;                                                   \
        uint32_t out_state = sc->out_state, s_ = *st;                                 \
        ENTRY v_;                                                                     \
                                                                                      \
        while (i < e) {                                                               \
            unsigned char c = t[i];                                                   \
                                                                                      \
            if (skip && ((c ^ (unsigned)stop) & 0x80) != 0) {                         \
                i = scan_skip(t, i + 1, e, stop);                                     \
                s_ = 0;                                                               \
                continue;                                                             \
            }                                                                         \
            memcpy(&v_, rows + ((size_t)s_ << shift) + off[c], sizeof v_);            \
            s_ = v_;                                                                  \
            if (s_ >= out_state)                                                      \
                scan_bits(sc, s_, m);                                                 \
            i++;                                                                      \
        }                                                                             \
        *st = s_;                                                                     \
    } while (0)

static void scan_run16(const spiral_scan *sc, const unsigned char *t, size_t i, size_t e,
                       uint32_t *st, uint64_t *m, int skip, uint64_t stop)
{
    SCAN_RUN(uint16_t);
}

static void scan_run32(const spiral_scan *sc, const unsigned char *t, size_t i, size_t e,
                       uint32_t *st, uint64_t *m, int skip, uint64_t stop)
{
    SCAN_RUN(uint32_t);
}

/* Sentences [s, stop) of t (the first from byte i, the scanner in state
 * *st there) one after the other, as spiral_scan_text() describes. */
static void scan_sentences(const spiral_scan *sc, const unsigned char *t, size_t i, uint32_t *st,
                           const size_t *ends, size_t s, size_t stop, uint64_t *out)
{
    uint64_t skip = sc->skip == SPIRAL_SCAN_SKIP_LOW ? 0x8080808080808080u : 0;

    for (; s < stop; s++) {
        size_t b = i, e = ends[s];
        uint64_t *m = out + 2 * s;

        m[0] = m[1] = 0;
        /* While the literal in progress may have started before the
         * sentence: once it cannot, it never can again in this one (the
         * depth grows by one byte at most). */
        for (; i < e; i++) {
            *st = scan_step(sc, *st, t[i]);
            if (sc->depth[*st] <= i + 1 - b) {
                if (*st >= sc->out_state)
                    scan_bits(sc, *st, m);
                i++;
                break;
            }
            scan_outputs(sc, *st, i + 1 - b, m);
        }
        if (sc->wide)
            scan_run32(sc, t, i, e, st, m, sc->skip != 0, skip);
        else
            scan_run16(sc, t, i, e, st, m, sc->skip != 0, skip);
        i = e;
    }
}

/* A part of the text scanned in step with others: byte i next (before
 * `stop`), in sentence s (bytes b to e). */
typedef struct scan_part {
    size_t i, stop, b, e, s;
    uint32_t st;
} scan_part;

/* Part x at byte x->i, in sentence x->s or a later one: where that
 * sentence begins and ends, and its bytes while a literal in progress may
 * have started before it (usually none: the depth check passes at once).
 * A part may start inside a sentence: being watchful there as at its
 * start changes nothing, as the depth check lets literals that start
 * inside it count.  Returns 0 when the part is done. */
static int part_sentence(const spiral_scan *sc, const unsigned char *t, const size_t *ends,
                         uint64_t *out, scan_part *x)
{
    while (x->i < x->stop) {
        while (ends[x->s] <= x->i)
            x->s++;
        x->b = x->s ? ends[x->s - 1] : 0;
        x->e = ends[x->s];
        for (; x->i < x->e && x->i < x->stop; x->i++) {
            x->st = scan_step(sc, x->st, t[x->i]);
            if (sc->depth[x->st] <= x->i + 1 - x->b) {
                if (x->st >= sc->out_state)
                    scan_bits(sc, x->st, out + 2 * x->s);
                x->i++;
                return x->i < x->stop;
            }
            scan_outputs(sc, x->st, x->i + 1 - x->b, out + 2 * x->s);
        }
    }
    return 0;
}

/* One byte of part K in the loop of spiral_scan_text(). */
#define PART_STEP(K)                                                    \
    do {                                                                \
        uint16_t v_;                                                    \
                                                                        \
        memcpy(&v_, rows + ((size_t)st##K << shift) + off[p##K[j]], 2); \
        st##K = v_;                                                     \
        if (v_ >= out_state)                                            \
            scan_bits(sc, v_, out + 2 * x[K].s);                        \
    } while (0)

#define SCAN_PARTS 4

void spiral_scan_text(const spiral_scan *sc, const unsigned char *t, size_t len,
                      const size_t *ends, size_t nsent, uint64_t *out, int foreign)
{
    scan_part x[SCAN_PARTS];
    uint32_t st = 0;
    size_t i, k, end, live = 0;

    if (nsent == 0)
        return;
    end = ends[nsent - 1];
    if (foreign || sc->wide || end < 64 * SCAN_PARTS || end / SCAN_PARTS <= sc->depth_max + 1) {
        scan_sentences(sc, t, 0, &st, ends, 0, nsent, out);
    } else {
        const unsigned char *rows = sc->rows;
        const uint32_t *off = sc->off;
        unsigned shift = sc->shift;
        uint32_t out_state = sc->out_state;

        /* Parts of equal bytes, each started depth_max bytes early (from
         * the start state after the byte before, a word byte or not), so
         * that it is in the state one pass would be in where its own bytes
         * begin; a sentence in two parts gets the bits of both. */
        size_t warm = sc->depth_max, back;

        memset(out, 0, 2 * nsent * sizeof *out);
        for (k = 0; k < SCAN_PARTS; k++) {
            x[k].i = end / SCAN_PARTS * k;
            x[k].stop = k + 1 < SCAN_PARTS ? end / SCAN_PARTS * (k + 1) : end;
            x[k].s = 0;
            x[k].st = 0;
        }
        /* (the parts but the first start more than depth_max bytes in) */
        for (k = 1; k < SCAN_PARTS; k++)
            x[k].st = spiral_prefilter_word_byte(t[x[k].i - warm - 1]);
        for (back = warm; back > 0; back--) {
            x[1].st = scan_step(sc, x[1].st, t[x[1].i - back]);
            x[2].st = scan_step(sc, x[2].st, t[x[2].i - back]);
            x[3].st = scan_step(sc, x[3].st, t[x[3].i - back]);
        }
        for (k = 0; k < SCAN_PARTS; k++)
            live += part_sentence(sc, t, ends, out, &x[k]);
        /* In step, as far as all four go before a sentence or part ends. */
        while (live == SCAN_PARTS) {
            const unsigned char *p0 = t + x[0].i, *p1 = t + x[1].i, *p2 = t + x[2].i,
                                *p3 = t + x[3].i;
            uint32_t st0 = x[0].st, st1 = x[1].st, st2 = x[2].st, st3 = x[3].st;
            size_t n = (size_t)-1, j;

            for (k = 0; k < SCAN_PARTS; k++) {
                size_t left = (x[k].e < x[k].stop ? x[k].e : x[k].stop) - x[k].i;

                n = left < n ? left : n;
            }
            for (j = 0; j < n; j++) {
                PART_STEP(0);
                PART_STEP(1);
                PART_STEP(2);
                PART_STEP(3);
            }
            x[0].st = st0;
            x[1].st = st1;
            x[2].st = st2;
            x[3].st = st3;
            for (k = 0; k < SCAN_PARTS; k++) {
                x[k].i += n;
                if (x[k].i == x[k].e || x[k].i == x[k].stop)
                    live -= !part_sentence(sc, t, ends, out, &x[k]);
            }
        }
        for (k = 0; k < SCAN_PARTS; k++)
            if (x[k].i < x[k].stop) {
                /* the rest of its sentence, then its other sentences */
                size_t e = x[k].e < x[k].stop ? x[k].e : x[k].stop;

                for (; x[k].i < e; x[k].i++) {
                    x[k].st = scan_step(sc, x[k].st, t[x[k].i]);
                    if (x[k].st >= sc->out_state)
                        scan_bits(sc, x[k].st, out + 2 * x[k].s);
                }
                while (part_sentence(sc, t, ends, out, &x[k]))
                    for (e = x[k].e < x[k].stop ? x[k].e : x[k].stop; x[k].i < e; x[k].i++) {
                        x[k].st = scan_step(sc, x[k].st, t[x[k].i]);
                        if (x[k].st >= sc->out_state)
                            scan_bits(sc, x[k].st, out + 2 * x[k].s);
                    }
            }
        st = x[SCAN_PARTS - 1].st; /* where one pass would end */
    }
    /* After the last sentence, only literals that span count, for it. */
    for (i = end; i < len; i++) {
        st = scan_step(sc, st, t[i]);
        scan_outputs(sc, st, 0, out + 2 * (nsent - 1));
    }
}
