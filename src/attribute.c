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

static int tok_is(const spiral_doc *d, uint32_t t, const char *s)
{
    const spiral_token *k = &d->tk.tok[t];
    size_t n = strlen(s);

    return k->norm_end - k->norm_start == n && memcmp(d->nt.text.data + k->norm_start, s, n) == 0;
}

/* Whether the word before mention m marks it as an object or partner. */
static int object_marked(const spiral_doc *d, const spiral_mention *m)
{
    static const char *const markers[] = {
        "同", "与", "和", "跟", "对", "向", "给", "针对", "对于", "替", "为",
        "with", "to", "toward", "towards", "against", "on", "at", "by", "from", NULL
    };
    static const char *const zh_tails[] = { "同", "与", "和", "对", "向", NULL };
    const spiral_token *prev;
    size_t i, n;

    if (m->first_token == 0 || m->first_token == d->tk.sent[m->sentence].first_token)
        return 0;
    for (i = 0; markers[i]; i++)
        if (tok_is(d, m->first_token - 1, markers[i]))
            return 1;
    /* A Chinese word ending in one of them: 愿同, 并与, 将对 ... */
    prev = &d->tk.tok[m->first_token - 1];
    n = prev->norm_end - prev->norm_start;
    for (i = 0; prev->kind == SPIRAL_TOK_HAN && zh_tails[i]; i++)
        if (n > 3 && memcmp(d->nt.text.data + prev->norm_end - 3, zh_tails[i], 3) == 0)
            return 1;
    return 0;
}

static int is_self(const spiral_doc *d, const spiral_mention *m)
{
    return strcmp(m->alias_code, "SELF") == 0 ||
           (d->speaker && strcmp(m->code, d->speaker) == 0);
}

static int is_none(const spiral_mention *m)
{
    return strcmp(m->alias_code, "NONE") == 0;
}

static int is_unresolved(const spiral_mention *m)
{
    return strcmp(m->alias_code, UNRESOLVED) == 0;
}

/* The nearest other actor for hit h: a partner or object marked before it
 * in the clause first (愿同美方对话), then the nearest in the clause, then
 * in the sentence.  NULL if none. */
static const spiral_mention *other_actor(const spiral_doc *d, const spiral_hit *h, uint32_t clause,
                                         uint32_t clause_end)
{
    const spiral_mention *best = NULL;
    long bestd = 0;
    int pass;
    size_t i;

    for (pass = 0; pass < 3 && best == NULL; pass++) {
        for (i = 0; i < d->nments; i++) {
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

static int unresolved_in_sentence(const spiral_doc *d, uint32_t sentence)
{
    size_t i;

    for (i = 0; i < d->nments; i++)
        if (d->ments[i].sentence == sentence && is_unresolved(&d->ments[i]))
            return 1;
    return 0;
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
    size_t i, k;

    d->ntargets = 0;
    /* First-person mentions stand for the speaker. */
    for (i = 0; i < d->nments; i++)
        if (strcmp(d->ments[i].alias_code, "SELF") == 0 && d->speaker)
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
        /* The subject: the nearest unmarked mention before the hit. */
        for (k = d->nments; k-- > 0;) {
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
            if ((other = other_actor(d, h, clause, clause_end)) != NULL)
                h->target = other->code;
            else if (unresolved_in_sentence(d, h->sentence))
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
