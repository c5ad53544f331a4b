/*
 * score.c - the score stage: scoring rules and scores.
 *
 * Fed by match.c (threat and reassurance hits, modifier hits); yields each
 * hit's contribution with the rules that shaped it, and sentence and
 * statement scores.  The rules, in both languages, all work inside one
 * sentence and, for negation and degree, inside one clause (commas,
 * semicolons, colons and "but"/"however"/但是/然而 end a clause):
 *
 *   negation     a negator at most NEG_WINDOW tokens before the hit, with no
 *                other hit in between, negates it: the entry's neg= rule
 *                applies (it may become another category), else it scores 0.
 *                A non-threat pledge ("no intention", 无意) negates the
 *                threat words after it in its clause the same way.
 *   degree       intensifiers and downtoners up to DEGREE_WINDOW tokens
 *                before multiply the weight by their own weights (capped).
 *   modality     a hedge (may, 可能) or a certainty marker (will, 必将)
 *                earlier in the clause multiplies by its weight.
 *   conditional  after if/unless/如果/一旦/否则 in the sentence: a conditional
 *                threat is still a threat (a warning), a conditional
 *                reassurance counts COND_REASSURANCE of its weight.
 *   questions    in a sentence ending with "?": with a rhetorical marker
 *                (难道, 岂, "how can") negation is ignored and the hit counts
 *                in full; otherwise the hit counts QUESTION of its weight.
 *
 * A sentence's threat is its strongest threat hit plus half of the others
 * (more hostile words add, with diminishing weight); likewise reassurance.
 * A statement's threat and reassurance are the sums over its sentences.
 * The formulas are in README.md ("Scores").
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "session.h"

#define NEG_WINDOW_EN 3
#define NEG_WINDOW_ZH 2
#define PLEDGE_WINDOW 5
#define DEGREE_WINDOW 3
#define DEGREE_CAP 2.0
#define COND_REASSURANCE 0.75
#define QUESTION 0.5
#define NEUTRAL_BELOW 0.5
#define MIXED_RATIO 0.65

const char *spiral_rule_name(unsigned rule)
{
    switch (rule) {
    case SPIRAL_RULE_NEGATED:     return "negated";
    case SPIRAL_RULE_INTENSIFIED: return "intensified";
    case SPIRAL_RULE_DOWNTONED:   return "downtoned";
    case SPIRAL_RULE_HEDGED:      return "hedged";
    case SPIRAL_RULE_CERTAIN:     return "certain";
    case SPIRAL_RULE_CONDITIONAL: return "conditional";
    case SPIRAL_RULE_QUESTION:    return "question";
    case SPIRAL_RULE_RHETORICAL:  return "rhetorical";
    default:                      return "unknown";
    }
}

/* Per token of sentence si, the first token of its clause.  The tokenizer
 * has marked the tokens that end a clause (",", ";", ":", "but", "however",
 * 但是, 然而 ...: SPIRAL_NL_CLAUSE in tokenize.h). */
static void clause_sentence(spiral_doc *d, size_t si)
{
    const spiral_sentence *s = &d->tk.sent[si];
    const uint8_t *nl = d->tk.nl;
    uint32_t t, start = s->first_token, end = s->first_token + s->ntokens;

    for (t = start; t < end; t++) {
        d->clause[t] = start;
        start = (nl[t] & SPIRAL_NL_CLAUSE) ? t + 1 : start;
    }
}

/* Per token, the first token of its clause: only in the sentences with
 * hits, which are all the rules (and attribute.c) look at, when the hits
 * are in sentence order; else in every sentence. */
static int clauses(spiral_doc *d, int sorted)
{
    size_t i;

    if (spiral_grow(&d->clause, &d->clausecap, d->tk.n + 1, sizeof *d->clause) < 0)
        return SPIRAL_ENOMEM;
    if (!sorted) {
        for (i = 0; i < d->tk.nsent; i++)
            clause_sentence(d, i);
        return SPIRAL_OK;
    }
    for (i = 0; i < d->nhits; i++)
        if (i == 0 || d->hits[i].sentence != d->hits[i - 1].sentence)
            clause_sentence(d, d->hits[i].sentence);
    return SPIRAL_OK;
}

static const spiral_entry *entry_of(const spiral_doc *d, const spiral_hit *h)
{
    return d->lex && h->entry_index < d->lex->n ? &d->lex->e[h->entry_index] : NULL;
}

/* Where the rules of one sentence look: its hits and its modifiers, as
 * index ranges of d->hits and d->mods.  Both arrays are in sentence order,
 * as match.c makes them, so a sentence's entries are side by side and
 * scoring stays linear in the statement's length; were they not, the
 * ranges are the whole arrays (the rules check the sentence anyway). */
typedef struct sent_range {
    size_t h0, h1; /* hits */
    size_t m0, m1; /* modifiers */
} sent_range;

/* Whether another hit of the sentence starts between token `from` (in the
 * sentence) and hit hi: the modifier before it then belongs to that one. */
static int hit_between(const spiral_doc *d, const sent_range *r, size_t hi, uint32_t from)
{
    size_t k;

    for (k = r->h0; k < r->h1; k++)
        if (k != hi && d->hits[k].first_token >= from &&
            d->hits[k].first_token < d->hits[hi].first_token)
            return 1;
    return 0;
}

static void add_mod(spiral_hit *h, uint32_t m)
{
    if (h->nmods < SPIRAL_HIT_MAX_MODS)
        h->mods[h->nmods++] = m;
}

static int sentence_is_question(const spiral_doc *d, const spiral_sentence *s)
{
    uint32_t t;

    /* The last non-closing token ends with '?' */
    for (t = s->first_token + s->ntokens; t-- > s->first_token;) {
        const spiral_token *k = &d->tk.tok[t];

        if (k->kind != SPIRAL_TOK_PUNCT)
            return 0;
        if (d->nt.text.data[k->norm_start] == '?')
            return 1;
        if (d->nt.text.data[k->norm_start] == '!' || d->nt.text.data[k->norm_start] == '.')
            return 0;
    }
    return 0;
}

/* Apply the rules to hit h (index hi), of the sentence r. */
static void apply_rules(spiral_doc *d, const sent_range *r, size_t hi, int question, int rhetorical)
{
    spiral_hit *h = &d->hits[hi];
    const spiral_entry *e = d->lex ? entry_of(d, h) : NULL;
    uint32_t clause = d->clause[h->first_token];
    int zh = e && e->lang_zh;
    uint32_t negwin = zh ? NEG_WINDOW_ZH : NEG_WINDOW_EN;
    double degree = 1.0, modal = 1.0;
    int negated = 0, by_pledge = 0;
    size_t m, k;

    for (m = r->m0; m < r->m1; m++) {
        const spiral_hit *mh = &d->mods[m];
        const spiral_entry *me;
        uint32_t mend = mh->first_token + mh->ntokens;

        if (mh->sentence != h->sentence || mh->first_token >= h->first_token)
            continue;
        if ((me = entry_of(d, mh)) == NULL)
            continue;
        switch (me->modifier) {
        case SPIRAL_MOD_NEGATOR:
            if (mh->first_token < clause || h->first_token - mend > negwin ||
                hit_between(d, r, hi, mend))
                break;
            negated = 1;
            add_mod(h, (uint32_t)m);
            break;
        case SPIRAL_MOD_INTENSIFIER:
        case SPIRAL_MOD_DOWNTONER:
            if (mh->first_token < clause || h->first_token - mend > DEGREE_WINDOW ||
                hit_between(d, r, hi, mend))
                break;
            degree *= me->weight;
            h->rules |= me->modifier == SPIRAL_MOD_INTENSIFIER ? SPIRAL_RULE_INTENSIFIED
                                                               : SPIRAL_RULE_DOWNTONED;
            add_mod(h, (uint32_t)m);
            break;
        case SPIRAL_MOD_HEDGE:
        case SPIRAL_MOD_CERTAINTY:
            if (mh->first_token < clause)
                break;
            /* The nearest modal wins: "may ... will" is a will. */
            modal = me->weight;
            h->rules &= ~(SPIRAL_RULE_HEDGED | SPIRAL_RULE_CERTAIN);
            h->rules |= me->modifier == SPIRAL_MOD_HEDGE ? SPIRAL_RULE_HEDGED : SPIRAL_RULE_CERTAIN;
            add_mod(h, (uint32_t)m);
            break;
        case SPIRAL_MOD_CONDITIONAL:
            h->rules |= SPIRAL_RULE_CONDITIONAL;
            add_mod(h, (uint32_t)m);
            break;
        default:
            break;
        }
    }
    /* A non-threat pledge governs the threat words after it ("no intention
     * to threaten", 无意挑战). */
    if (h->family == SPIRAL_THREAT) {
        for (k = r->h0; k < hi; k++) {
            const spiral_hit *p = &d->hits[k];

            if (p->sentence == h->sentence && p->family == SPIRAL_REASSURANCE &&
                strncmp(p->entry_category, "reassurance.nonthreat", 21) == 0 &&
                p->first_token >= clause &&
                h->first_token - (p->first_token + p->ntokens) <= PLEDGE_WINDOW) {
                negated = 1;
                by_pledge = 1;
            }
        }
    }
    if (rhetorical) {
        h->rules |= SPIRAL_RULE_RHETORICAL;
        negated = 0;
    } else if (question) {
        h->rules |= SPIRAL_RULE_QUESTION;
    }
    if (negated && e && e->neg_mode != SPIRAL_NEG_IMMUNE && e->neg_mode != SPIRAL_NEG_KEEP) {
        h->rules |= SPIRAL_RULE_NEGATED;
        if (e->neg_mode == SPIRAL_NEG_TO && !by_pledge) {
            h->category = e->neg_category;
            h->family = e->neg_family == SPIRAL_FAM_THREAT ? SPIRAL_THREAT
                      : e->neg_family == SPIRAL_FAM_REASSURANCE ? SPIRAL_REASSURANCE
                      : SPIRAL_NONE;
            h->score = e->neg_weight;
        } else {
            h->score = 0;
        }
    }
    if (h->family == SPIRAL_NONE) {
        h->score = 0;
        return;
    }
    if (degree > DEGREE_CAP)
        degree = DEGREE_CAP;
    h->score *= degree * modal;
    if ((h->rules & SPIRAL_RULE_CONDITIONAL) && h->family == SPIRAL_REASSURANCE)
        h->score *= COND_REASSURANCE;
    if ((h->rules & SPIRAL_RULE_QUESTION) && !(h->rules & SPIRAL_RULE_RHETORICAL))
        h->score *= QUESTION;
}

static void finish(spiral_scores *s)
{
    s->net = s->reassurance - s->threat;
    s->tone = 10.0 * (s->reassurance - s->threat) / (s->reassurance + s->threat + 2.0);
    if (s->threat < NEUTRAL_BELOW && s->reassurance < NEUTRAL_BELOW)
        s->label = "neutral";
    else if (fmin(s->threat, s->reassurance) >= MIXED_RATIO * fmax(s->threat, s->reassurance))
        s->label = "mixed";
    else
        s->label = s->threat > s->reassurance ? "threat" : "reassurance";
}

/* Whether the hits v[0..n) are in sentence order. */
static int by_sentence(const spiral_hit *v, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++)
        if (v[i].sentence < v[i - 1].sentence)
            return 0;
    return 1;
}

int spiral_score_doc(spiral_doc *d)
{
    size_t si, i, mi = 0;
    int sorted;

    memset(&d->scores, 0, sizeof d->scores);
    if (spiral_grow(&d->sscores, &d->sscap, d->tk.nsent + 1, sizeof *d->sscores) < 0)
        return SPIRAL_ENOMEM;
    if (d->nhits == 0) {
        /* Nothing to score (modifiers alone change nothing): no clauses. */
        for (si = 0; si < d->tk.nsent; si++) {
            memset(&d->sscores[si], 0, sizeof *d->sscores);
            finish(&d->sscores[si]);
        }
        finish(&d->scores);
        return SPIRAL_OK;
    }
    sorted = by_sentence(d->hits, d->nhits) && by_sentence(d->mods, d->nmods);
    if (clauses(d, sorted) < 0)
        return SPIRAL_ENOMEM;
    i = 0;
    for (si = 0; si < d->tk.nsent; si++) {
        const spiral_sentence *s = &d->tk.sent[si];
        spiral_scores *ss = &d->sscores[si];
        int question = sentence_is_question(d, s), rhetorical = 0;
        double tmax = 0, tsum = 0, rmax = 0, rsum = 0;
        sent_range r = { 0, d->nhits, 0, d->nmods };
        size_t m;

        memset(ss, 0, sizeof *ss);
        if (sorted) {
            while (mi < d->nmods && d->mods[mi].sentence < si)
                mi++;
            r.m0 = r.m1 = mi;
            while (r.m1 < d->nmods && d->mods[r.m1].sentence == si)
                r.m1++;
            r.h0 = r.h1 = i;
            while (r.h1 < d->nhits && d->hits[r.h1].sentence == si)
                r.h1++;
        }
        if (question) {
            for (m = r.m0; m < r.m1; m++) {
                const spiral_entry *me = entry_of(d, &d->mods[m]);

                if (d->mods[m].sentence == si && me && me->modifier == SPIRAL_MOD_RHETORICAL)
                    rhetorical = 1;
            }
        }
        for (; i < d->nhits && d->hits[i].sentence == si; i++) {
            spiral_hit *h = &d->hits[i];

            apply_rules(d, &r, i, question, rhetorical);
            if (h->family == SPIRAL_THREAT) {
                tsum += h->score;
                tmax = fmax(tmax, h->score);
            } else if (h->family == SPIRAL_REASSURANCE) {
                rsum += h->score;
                rmax = fmax(rmax, h->score);
            }
        }
        ss->threat = tmax + 0.5 * (tsum - tmax);
        ss->reassurance = rmax + 0.5 * (rsum - rmax);
        finish(ss);
        d->scores.threat += ss->threat;
        d->scores.reassurance += ss->reassurance;
    }
    finish(&d->scores);
    /* Entries that score nothing by themselves (category none, not turned
     * into anything by negation) only shadowed other entries: drop them. */
    for (i = 0, si = 0; i < d->nhits; i++)
        if (d->hits[i].family != SPIRAL_NONE)
            d->hits[si++] = d->hits[i];
    d->nhits = si;
    return SPIRAL_OK;
}
