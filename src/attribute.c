/*
 * attribute.c - the attribute stage: whom each signal is aimed at, and
 * whether the speaker is portraying itself or another.
 *
 * Fed by match.c (actor mentions) and score.c (hits, clauses); yields each
 * hit's target and portrayal and the statement's target distribution.
 * The rules work inside one sentence:
 *
 *   subject   the nearest actor mention before the hit that is not marked
 *             as an object or partner by the word before it (同/与/和/对/向,
 *             with/to/against/on ...).  First-person forms (we, 我们, 我方)
 *             and mentions of the speaker itself are the speaker.
 *   other     when the subject is another actor, the hit portrays that
 *             actor and is aimed at it ("美方霸凌行径", "Russia's aggression",
 *             "the US has threatened China").
 *   self      when the subject is the speaker, the hit portrays the speaker
 *             ("中方始终坚持和平发展", "we firmly oppose ...") and is aimed at
 *             the nearest other actor in the clause (objects first), else in
 *             the sentence; with no subject at all a reassurance is the
 *             speaker's own stance and a threat portrays another.
 *   unnamed   个别国家, "certain countries": the target is UNRESOLVED, never
 *             a guess.  With no actor in the sentence the record's own
 *             target field is used, else the target is null.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "session.h"

static const char UNRESOLVED[] = "UNRESOLVED";

/* Whether the word before mention m marks it as an object or partner.
 * Called for mentions before every hit, so the word's length picks the few
 * words to compare, with memcmp of constant sizes (inlined). */
static int object_marked(const spiral_doc *d, const spiral_mention *m)
{
    static const char *const zh_tails[] = { "同", "与", "和", "对", "向", NULL };
    const spiral_token *prev;
    const char *norm;
    size_t i, n;

    if (m->first_token == 0 || m->first_token == d->tk.sent[m->sentence].first_token)
        return 0;
    prev = &d->tk.tok[m->first_token - 1];
    norm = d->nt.text.data + prev->norm_start;
    n = prev->norm_end - prev->norm_start;
#define IS(lit) (memcmp(norm, lit, sizeof(lit) - 1) == 0)
    switch (n) {
    case 2:
        if (IS("to") || IS("on") || IS("at") || IS("by"))
            return 1;
        break;
    case 3:
        if (IS("同") || IS("与") || IS("和") || IS("跟") || IS("对") || IS("向") || IS("给") ||
            IS("替") || IS("为"))
            return 1;
        break;
    case 4:
        if (IS("with") || IS("from"))
            return 1;
        break;
    case 6:
        if (IS("针对") || IS("对于") || IS("toward"))
            return 1;
        break;
    case 7:
        if (IS("towards") || IS("against"))
            return 1;
        break;
    default:
        break;
    }
#undef IS
    /* A Chinese word ending in one of them: 愿同, 并与, 将对 ... */
    for (i = 0; prev->kind == SPIRAL_TOK_HAN && zh_tails[i]; i++)
        if (n > 3 && memcmp(d->nt.text.data + prev->norm_end - 3, zh_tails[i], 3) == 0)
            return 1;
    return 0;
}

/* Whether the code s is the literal lit: its first two characters settle
 * nearly every case without a call. */
static inline int code_is(const char *s, const char *lit)
{
    return s[0] == lit[0] && s[1] == lit[1] && strcmp(s, lit) == 0;
}

static int is_self(const spiral_doc *d, const spiral_mention *m)
{
    return code_is(m->alias_code, "SELF") ||
           (d->speaker && m->code[0] == d->speaker[0] && strcmp(m->code, d->speaker) == 0);
}

static int is_none(const spiral_mention *m)
{
    return code_is(m->alias_code, "NONE");
}

static int is_unresolved(const spiral_mention *m)
{
    return code_is(m->alias_code, UNRESOLVED);
}

/* The nearest other actor for hit h: a partner or object marked before it
 * in the clause first (愿同美方对话), then the nearest in the clause, then
 * in the sentence.  NULL if none. */
static const spiral_mention *other_actor(const spiral_doc *d, const spiral_hit *h, uint32_t clause,
                                         uint32_t clause_end, size_t lo, size_t hi)
{
    const spiral_mention *best = NULL;
    long bestd = 0;
    int pass;
    size_t i;

    for (pass = 0; pass < 3 && best == NULL; pass++) {
        for (i = lo; i < hi; i++) {
            const spiral_mention *m = &d->ments[i];
            long dist;

            if (m->sentence != h->sentence || is_none(m) || is_self(d, m) || is_unresolved(m))
                continue;
            if (pass < 2 && (m->first_token < clause || m->first_token >= clause_end))
                continue;
            if (pass == 0 && (!object_marked(d, m) || m->first_token > h->first_token))
                continue;
            dist = (long)m->first_token - (long)h->first_token;
            if (dist < 0)
                dist = -dist;
            if (best == NULL || dist < bestd) {
                best = m;
                bestd = dist;
            }
        }
    }
    return best;
}

static int unresolved_in_sentence(const spiral_doc *d, uint32_t sentence, size_t lo, size_t hi)
{
    size_t i;

    for (i = lo; i < hi; i++)
        if (d->ments[i].sentence == sentence && is_unresolved(&d->ments[i]))
            return 1;
    return 0;
}

/* The first mention at or after sentence s, by binary search. */
static size_t first_mention_from(const spiral_doc *d, uint32_t s)
{
    size_t lo = 0, hi = d->nments;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (d->ments[mid].sentence < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The mentions that can be in sentence s: [*lo, *hi).  match.c adds them
 * sentence by sentence, so the range is found by binary search and every
 * rule below looks at one sentence's mentions, not at the whole statement's
 * for every hit; if they ever come out of order, the whole list. */
static void sentence_mentions(const spiral_doc *d, int in_order, uint32_t s, size_t *lo,
                              size_t *hi)
{
    if (!in_order) {
        *lo = 0;
        *hi = d->nments;
        return;
    }
    *lo = first_mention_from(d, s);
    *hi = first_mention_from(d, s + 1);
}

static int share(spiral_doc *d, const spiral_hit *h)
{
    size_t i;

    for (i = 0; i < d->ntargets; i++)
        if (strcmp(d->targets[i].target, h->target) == 0)
            break;
    if (i == d->ntargets) {
        if (spiral_grow(&d->targets, &d->targetcap, d->ntargets + 1, sizeof *d->targets) < 0)
            return SPIRAL_ENOMEM;
        memset(&d->targets[i], 0, sizeof d->targets[i]);
        d->targets[i].target = h->target;
        d->ntargets++;
    }
    if (h->family == SPIRAL_THREAT)
        d->targets[i].threat += h->score;
    else
        d->targets[i].reassurance += h->score;
    d->targets[i].hits++;
    return SPIRAL_OK;
}

static int share_order(const void *a, const void *b)
{
    return strcmp(((const spiral_target_share *)a)->target,
                  ((const spiral_target_share *)b)->target);
}

int spiral_attribute_doc(spiral_doc *d, const spiral_context *ctx)
{
    size_t i, k, lo, hi;
    int in_order = 1;

    d->ntargets = 0;
    for (i = 1; i < d->nments; i++)
        if (d->ments[i].sentence < d->ments[i - 1].sentence)
            in_order = 0;
    /* First-person mentions stand for the speaker. */
    for (i = 0; i < d->nments; i++)
        if (d->speaker && code_is(d->ments[i].alias_code, "SELF"))
            d->ments[i].code = d->speaker;
    for (i = 0; i < d->nhits; i++) {
        spiral_hit *h = &d->hits[i];
        const spiral_sentence *s = &d->tk.sent[h->sentence];
        uint32_t clause = d->clause[h->first_token], clause_end = h->first_token + h->ntokens;
        const spiral_mention *subject = NULL, *other;

        h->target = NULL;
        h->portrayal = SPIRAL_PORTRAY_NONE;
        if (h->family != SPIRAL_THREAT && h->family != SPIRAL_REASSURANCE)
            continue;
        while (clause_end < s->first_token + s->ntokens && d->clause[clause_end] == clause)
            clause_end++;
        sentence_mentions(d, in_order, h->sentence, &lo, &hi);
        /* The subject: the nearest unmarked mention before the hit. */
        for (k = hi; k-- > lo;) {
            const spiral_mention *m = &d->ments[k];

            if (m->sentence != h->sentence || m->first_token + m->ntokens > h->first_token)
                continue;
            if (is_none(m) || object_marked(d, m))
                continue;
            subject = m;
            break;
        }
        if (subject && is_unresolved(subject)) {
            h->target = UNRESOLVED;
            h->portrayal = SPIRAL_PORTRAY_OTHER;
        } else if (subject && !is_self(d, subject)) {
            h->target = subject->code;
            h->portrayal = SPIRAL_PORTRAY_OTHER;
        } else {
            if (subject)
                h->portrayal = SPIRAL_PORTRAY_SELF;
            else
                h->portrayal = h->family == SPIRAL_REASSURANCE ? SPIRAL_PORTRAY_SELF
                                                               : SPIRAL_PORTRAY_OTHER;
            if ((other = other_actor(d, h, clause, clause_end, lo, hi)) != NULL)
                h->target = other->code;
            else if (unresolved_in_sentence(d, h->sentence, lo, hi))
                h->target = UNRESOLVED;
            else if (ctx && ctx->target && ctx->target[0] && d->lex)
                h->target = ctx->target;
        }
        if (h->target && h->score > 0 && share(d, h) < 0)
            return SPIRAL_ENOMEM;
    }
    if (d->ntargets > 1)
        qsort(d->targets, d->ntargets, sizeof *d->targets, share_order);
    return SPIRAL_OK;
}
