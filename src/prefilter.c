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
#define MAX_SETS 4

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
    if ((all = spiral_calloc(1, sizeof *all)) == NULL)
        return -1;
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

/* Whether literal i of pf occurs in text[0..len) where it may (at a word
 * start when it must be). */
static int occurs(const spiral_prefilter *pf, size_t i, const char *text, size_t len)
{
    const char *at = text, *end = text + len, *q;

    while ((q = memmem(at, (size_t)(end - at), pf->lit[i], pf->len[i])) != NULL) {
        if (!pf->wb[i] || !spiral_prefilter_in_word((const unsigned char *)text, (size_t)(q - text)))
            return 1;
        at = q + 1;
    }
    return 0;
}

int spiral_prefilter_may_match(const spiral_prefilter *pf, const char *text, size_t len)
{
    size_t i, k;

    for (k = 0; k < pf->nset; k++) {
        for (i = 0; i < pf->n; i++)
            if (pf->set[i] == k && occurs(pf, i, text, len))
                break;
        if (i == pf->n)
            return 0;
    }
    return 1;
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
/* Aho-Corasick                                                        */
/* ------------------------------------------------------------------ */

#define ACM_NONE UINT32_MAX

void spiral_acm_free(spiral_acm *m)
{
    spiral_free(m->delta);
    spiral_free(m->delta16);
    spiral_free(m->out_first);
    spiral_free(m->out_n);
    spiral_free(m->out);
    memset(m, 0, sizeof *m);
}

/* Append payload p to the state's list out[first..*nout) unless it is
 * there.  0 or -1 out of memory. */
static int add_payload(spiral_acm *m, size_t *outcap, size_t *nout, size_t first, uint32_t p)
{
    size_t k;

    for (k = first; k < *nout; k++)
        if (m->out[k] == p)
            return 0;
    if (spiral_grow(&m->out, outcap, *nout + 1, sizeof *m->out) < 0)
        return -1;
    m->out[(*nout)++] = p;
    return 0;
}

int spiral_acm_build(spiral_acm *m, const char *const *lit, const size_t *len,
                     const uint32_t *pay, size_t n)
{
    size_t i, k, cap = 1, nout = 0, outcap = 0;
    uint32_t *fail = NULL, *queue = NULL, *own = NULL, *own_next = NULL, *tmp;
    size_t qh = 0, qt = 0;
    uint32_t c, x;

    memset(m, 0, sizeof *m);
    /* Classes: one per byte used by some literal. */
    m->ncls = 1;
    for (i = 0; i < n; i++)
        for (k = 0; k < len[i]; k++) {
            unsigned char b = (unsigned char)lit[i][k];

            if (m->cls[b] == 0)
                m->cls[b] = (uint8_t)m->ncls++;
            cap++;
        }
    /* The goto trie: at most one state per literal byte, plus the start. */
    if ((m->delta = spiral_malloc(cap * m->ncls * sizeof *m->delta)) == NULL ||
        (own = spiral_malloc(cap * sizeof *own)) == NULL ||
        (own_next = spiral_malloc((n + 1) * sizeof *own_next)) == NULL)
        goto nomem;
    for (i = 0; i < m->ncls; i++)
        m->delta[i] = ACM_NONE;
    own[0] = ACM_NONE;
    m->nstates = 1;
    for (i = 0; i < n; i++) {
        uint32_t s = 0;

        for (k = 0; k < len[i]; k++) {
            uint32_t *slot = &m->delta[(size_t)s * m->ncls + m->cls[(unsigned char)lit[i][k]]];

            if (*slot == ACM_NONE) {
                size_t j;

                *slot = (uint32_t)m->nstates;
                for (j = 0; j < m->ncls; j++)
                    m->delta[m->nstates * m->ncls + j] = ACM_NONE;
                own[m->nstates++] = ACM_NONE;
            }
            s = *slot;
        }
        own_next[i] = own[s]; /* the literals ending at s, as a chain */
        own[s] = (uint32_t)i;
    }
    /* Breadth first: failure links, the full transition table, and each
     * state's payloads (its own, then its failure state's). */
    if ((fail = spiral_calloc(m->nstates, sizeof *fail)) == NULL ||
        (queue = spiral_malloc(m->nstates * sizeof *queue)) == NULL ||
        (m->out_first = spiral_calloc(m->nstates, sizeof *m->out_first)) == NULL ||
        (m->out_n = spiral_calloc(m->nstates, sizeof *m->out_n)) == NULL)
        goto nomem;
    queue[qt++] = 0;
    while (qh < qt) {
        uint32_t s = queue[qh++], f = fail[s], first = (uint32_t)nout;
        uint32_t j;

        /* Payloads: own literals, then the failure state's, once each. */
        for (j = own[s]; j != ACM_NONE; j = own_next[j])
            if (add_payload(m, &outcap, &nout, first, pay[j]) < 0)
                goto nomem;
        for (x = 0; s != 0 && x < m->out_n[f]; x++)
            if (add_payload(m, &outcap, &nout, first, m->out[m->out_first[f] + x]) < 0)
                goto nomem;
        m->out_first[s] = first;
        m->out_n[s] = (uint32_t)(nout - first);
        for (c = 0; c < m->ncls; c++) {
            uint32_t *slot = &m->delta[(size_t)s * m->ncls + c];

            if (*slot != ACM_NONE && c != 0) {
                fail[*slot] = s == 0 ? 0 : m->delta[(size_t)f * m->ncls + c];
                queue[qt++] = *slot;
            } else {
                *slot = s == 0 ? 0 : m->delta[(size_t)f * m->ncls + c];
            }
        }
    }
    if (m->out == NULL && (m->out = spiral_malloc(sizeof *m->out)) == NULL)
        goto nomem;
    if (m->nstates <= UINT16_MAX) {
        if ((m->delta16 = spiral_malloc(m->nstates * m->ncls * sizeof *m->delta16)) == NULL)
            goto nomem;
        for (i = 0; i < m->nstates * m->ncls; i++)
            m->delta16[i] = (uint16_t)m->delta[i];
        spiral_free(m->delta);
        m->delta = NULL;
    } else if ((tmp = spiral_reallocarray(m->delta, m->nstates * m->ncls,
                                          sizeof *m->delta)) != NULL) {
        m->delta = tmp;
    }
    spiral_free(fail);
    spiral_free(queue);
    spiral_free(own);
    spiral_free(own_next);
    return 0;
nomem:
    spiral_free(fail);
    spiral_free(queue);
    spiral_free(own);
    spiral_free(own_next);
    spiral_acm_free(m);
    return -1;
}
