/*
 * compare.c - how two sides frame themselves and each other.
 *
 * Fed with analysed statements (tokens, scored hits with targets and
 * portrayals); yields, per language and combined:
 *
 *   profile    each side's category rates per 1,000 tokens, with bootstrap
 *              percentile intervals.  The bootstrap is Poisson's (each
 *              statement gets a Poisson(1) weight in each replicate as it
 *              streams by), so memory does not grow with the input.
 *   portrayal  how A describes A (hits portraying the speaker itself), how
 *              A describes B (hits aimed at B portraying B), and the same for
 *              B, in threat and reassurance totals and per 1,000 tokens.
 *   asymmetry  per side: the reassurance share R/(R+T) of its self-portrayal
 *              minus that of its portrayal of the other side, in [-1, 1];
 *              positive when a side paints itself as reassuring and the other
 *              as threatening.  Null when either portrayal is empty.
 *   mirror     cosine similarity of A's accusations of B and B's accusations
 *              of A over the threat categories, in [0, 1]: 1 when each
 *              accuses the other of the same things in the same proportions.
 *   terms      distinctive terms of each side by the weighted log-odds ratio
 *              with an informative Dirichlet prior (Monroe, Colaresi and
 *              Quinn 2008): alpha_w = alpha0 * (y_aw + y_bw) / (n_a + n_b),
 *              delta_w = log((y_aw + a_w) / (n_a + a0 - y_aw - a_w))
 *                      - log((y_bw + a_w) / (n_b + a0 - y_bw - a_w)),
 *              z_w = delta_w / sqrt(1 / (y_aw + a_w) + 1 / (y_bw + a_w)).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "buf.h"
#include "emit_json.h"
#include "error.h"
#include "session.h"

static const char *const cats[] = {
    "threat.force", "threat.coercion", "threat.warning", "threat.demand",
    "threat.accusation", "threat.opposition", "threat.insult",
    "reassurance.restraint", "reassurance.nonthreat", "reassurance.dialogue",
    "reassurance.cooperation", "reassurance.aid", "reassurance.agreement",
    "reassurance.transparency", "reassurance.deescalation"
};
#define NCAT 15
#define NTHREAT 7
#define NROW (NCAT + 2) /* the categories, then all threat, all reassurance */
#define MIN_TERM_COUNT 3

static const char *const langs[] = { "all", "en", "zh" };
#define NLANG 3

typedef struct term {
    char *s;
    unsigned long y[2];
} term;

typedef struct side_stats {
    unsigned long statements;
    double tokens;
    double row[NROW];
    double *boot;          /* [replicates][NROW + 1]: rows, then tokens */
    double port[2][2];     /* [self, other][threat, reassurance] */
    double accuse[NTHREAT];
} side_stats;

typedef struct lang_stats {
    side_stats side[2];
    term *terms;           /* open addressing */
    size_t tcap, tused;
    unsigned long n[2];    /* term tokens per side */
} lang_stats;

struct spiral_compare {
    char code[2][32];
    spiral_compare_opts o;
    lang_stats l[NLANG];
    uint64_t rng;
};

/* xorshift64*: a small, repeatable generator. */
static double uniform(spiral_compare *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return (double)((c->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static unsigned poisson1(spiral_compare *c)
{
    const double limit = 0.36787944117144233; /* e^-1 */
    double p = uniform(c);
    unsigned k = 0;

    while (p > limit) {
        k++;
        p *= uniform(c);
    }
    return k;
}

int spiral_compare_new(spiral_compare **out, const char *side_a, const char *side_b,
                       const spiral_compare_opts *opts, spiral_error *err)
{
    spiral_compare_opts def = SPIRAL_COMPARE_OPTS_INIT;
    spiral_compare *c;
    int l, s;

    *out = NULL;
    if (side_a == NULL || side_b == NULL || !*side_a || !*side_b || strcmp(side_a, side_b) == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, NULL, 0, 0,
                                "compare needs two different sides");
    if ((c = spiral_calloc(1, sizeof *c)) == NULL)
        return spiral_error_nomem(err, NULL);
    c->o = opts ? *opts : def;
    if (c->o.replicates == 0)
        c->o.replicates = 1;
    if (!(c->o.level > 0 && c->o.level < 1))
        c->o.level = def.level;
    if (!(c->o.prior > 0))
        c->o.prior = def.prior;
    c->rng = c->o.seed ? c->o.seed : def.seed;
    snprintf(c->code[0], sizeof c->code[0], "%s", side_a);
    snprintf(c->code[1], sizeof c->code[1], "%s", side_b);
    for (l = 0; l < NLANG; l++) {
        for (s = 0; s < 2; s++) {
            c->l[l].side[s].boot = spiral_calloc((size_t)c->o.replicates * (NROW + 1), sizeof(double));
            if (c->l[l].side[s].boot == NULL) {
                spiral_compare_free(c);
                return spiral_error_nomem(err, NULL);
            }
        }
    }
    *out = c;
    return SPIRAL_OK;
}

void spiral_compare_free(spiral_compare *c)
{
    int l, s;
    size_t i;

    if (c == NULL)
        return;
    for (l = 0; l < NLANG; l++) {
        for (s = 0; s < 2; s++)
            spiral_free(c->l[l].side[s].boot);
        for (i = 0; i < c->l[l].tcap; i++)
            spiral_free(c->l[l].terms[i].s);
        spiral_free(c->l[l].terms);
    }
    spiral_free(c);
}

static int cat_index(const char *category)
{
    int i;

    for (i = 0; i < NCAT; i++) {
        size_t n = strlen(cats[i]);

        if (strncmp(category, cats[i], n) == 0 && (category[n] == '\0' || category[n] == '.'))
            return i;
    }
    return -1;
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int term_add(lang_stats *l, const char *s, size_t n, int side)
{
    size_t i;

    if ((l->tused + 1) * 2 > l->tcap) {
        size_t ncap = l->tcap ? l->tcap * 2 : 4096, j;
        term *nt = spiral_calloc(ncap, sizeof *nt);

        if (nt == NULL)
            return SPIRAL_ENOMEM;
        for (j = 0; j < l->tcap; j++) {
            if (l->terms[j].s == NULL)
                continue;
            for (i = hash(l->terms[j].s, strlen(l->terms[j].s)) & (ncap - 1); nt[i].s;
                 i = (i + 1) & (ncap - 1))
                ;
            nt[i] = l->terms[j];
        }
        spiral_free(l->terms);
        l->terms = nt;
        l->tcap = ncap;
    }
    for (i = hash(s, n) & (l->tcap - 1); l->terms[i].s; i = (i + 1) & (l->tcap - 1))
        if (strlen(l->terms[i].s) == n && memcmp(l->terms[i].s, s, n) == 0)
            break;
    if (l->terms[i].s == NULL) {
        if ((l->terms[i].s = spiral_strndup(s, n)) == NULL)
            return SPIRAL_ENOMEM;
        l->tused++;
    }
    l->terms[i].y[side]++;
    l->n[side]++;
    return SPIRAL_OK;
}

/* One statement into one language slice. */
static int add_to(spiral_compare *c, lang_stats *l, int side, const spiral_doc *doc,
                  const double *row, const unsigned *weights)
{
    side_stats *st = &l->side[side];
    const char *other = c->code[1 - side];
    const spiral_token *tok;
    const spiral_hit *h;
    const char *norm = spiral_doc_norm(doc, NULL);
    size_t ntok, nh, i, words = 0;
    unsigned r;
    int k;

    tok = spiral_doc_tokens(doc, &ntok);
    for (i = 0; i < ntok; i++) {
        if (tok[i].kind != SPIRAL_TOK_WORD && tok[i].kind != SPIRAL_TOK_HAN)
            continue;
        words++;
        if (term_add(l, norm + tok[i].norm_start, tok[i].norm_end - tok[i].norm_start, side) < 0)
            return SPIRAL_ENOMEM;
    }
    st->statements++;
    st->tokens += (double)ntok;
    for (k = 0; k < NROW; k++)
        st->row[k] += row[k];
    for (r = 0; r < c->o.replicates; r++) {
        double *b = st->boot + (size_t)r * (NROW + 1);

        if (weights[r] == 0)
            continue;
        for (k = 0; k < NROW; k++)
            b[k] += weights[r] * row[k];
        b[NROW] += weights[r] * (double)ntok;
    }
    h = spiral_doc_hits(doc, &nh);
    for (i = 0; i < nh; i++) {
        int fam = h[i].family == SPIRAL_THREAT ? 0 : h[i].family == SPIRAL_REASSURANCE ? 1 : -1;

        if (fam < 0 || h[i].score <= 0)
            continue;
        if (h[i].portrayal == SPIRAL_PORTRAY_SELF)
            st->port[0][fam] += h[i].score;
        else if (h[i].target && strcmp(h[i].target, other) == 0)
            st->port[1][fam] += h[i].score;
        if (fam == 0 && h[i].target && strcmp(h[i].target, other) == 0 &&
            (k = cat_index(h[i].category)) >= 0 && k < NTHREAT)
            st->accuse[k] += h[i].score;
    }
    (void)words;
    return SPIRAL_OK;
}

int spiral_compare_add(spiral_compare *c, const spiral_doc *doc)
{
    const char *speaker = spiral_doc_speaker(doc);
    const char *lang = spiral_doc_lang(doc);
    const spiral_hit *h;
    double row[NROW];
    unsigned *w;
    size_t nh, i;
    unsigned r;
    int side, k, rc;

    if (speaker == NULL)
        return SPIRAL_OK;
    if (strcmp(speaker, c->code[0]) == 0)
        side = 0;
    else if (strcmp(speaker, c->code[1]) == 0)
        side = 1;
    else
        return SPIRAL_OK;
    memset(row, 0, sizeof row);
    h = spiral_doc_hits(doc, &nh);
    for (i = 0; i < nh; i++) {
        if (h[i].family != SPIRAL_THREAT && h[i].family != SPIRAL_REASSURANCE)
            continue;
        if ((k = cat_index(h[i].category)) >= 0)
            row[k] += h[i].score;
        row[h[i].family == SPIRAL_THREAT ? NCAT : NCAT + 1] += h[i].score;
    }
    if ((w = spiral_calloc(c->o.replicates, sizeof *w)) == NULL)
        return SPIRAL_ENOMEM;
    /* The same weights for the language slice and the combined one. */
    for (r = 0; r < c->o.replicates; r++)
        w[r] = poisson1(c);
    rc = add_to(c, &c->l[0], side, doc, row, w);
    if (rc == SPIRAL_OK && strcmp(lang, "en") == 0)
        rc = add_to(c, &c->l[1], side, doc, row, w);
    else if (rc == SPIRAL_OK && strcmp(lang, "zh") == 0)
        rc = add_to(c, &c->l[2], side, doc, row, w);
    spiral_free(w);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Figures                                                             */
/* ------------------------------------------------------------------ */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Rate per 1,000 tokens of row k, with its percentile interval. */
static int profile(const spiral_compare *c, const side_stats *st, int k, double *rate,
                   double *lo, double *hi)
{
    unsigned n = c->o.replicates, r, m = 0;
    double *v;

    *rate = st->tokens > 0 ? 1000.0 * st->row[k] / st->tokens : NAN;
    *lo = *hi = NAN;
    if ((v = spiral_malloc(sizeof *v * n)) == NULL)
        return SPIRAL_ENOMEM;
    for (r = 0; r < n; r++) {
        const double *b = st->boot + (size_t)r * (NROW + 1);

        if (b[NROW] > 0)
            v[m++] = 1000.0 * b[k] / b[NROW];
    }
    if (m > 1) {
        double a = (1.0 - c->o.level) / 2.0;
        size_t il = (size_t)floor(a * (m - 1)), ih = (size_t)ceil((1.0 - a) * (m - 1));

        qsort(v, m, sizeof *v, dbl_cmp);
        *lo = v[il];
        *hi = v[ih];
    }
    spiral_free(v);
    return SPIRAL_OK;
}

static const char *row_name(int k)
{
    return k < NCAT ? cats[k] : k == NCAT ? "threat" : "reassurance";
}

static double share(const double tr[2])
{
    return tr[0] + tr[1] > 0 ? tr[1] / (tr[0] + tr[1]) : NAN;
}

static double asymmetry(const side_stats *st)
{
    return share(st->port[0]) - share(st->port[1]);
}

static double mirror(const lang_stats *l)
{
    double dot = 0, na = 0, nb = 0;
    int k;

    for (k = 0; k < NTHREAT; k++) {
        dot += l->side[0].accuse[k] * l->side[1].accuse[k];
        na += l->side[0].accuse[k] * l->side[0].accuse[k];
        nb += l->side[1].accuse[k] * l->side[1].accuse[k];
    }
    return na > 0 && nb > 0 ? dot / sqrt(na * nb) : NAN;
}

typedef struct scored_term {
    const term *t;
    double delta, z;
} scored_term;

static int z_desc(const void *a, const void *b)
{
    double x = ((const scored_term *)a)->z, y = ((const scored_term *)b)->z;

    if (x != y)
        return x > y ? -1 : 1;
    return strcmp(((const scored_term *)a)->t->s, ((const scored_term *)b)->t->s);
}

/* Terms by z (descending: side A's first, side B's last).  Caller frees. */
static scored_term *log_odds(const spiral_compare *c, const lang_stats *l, size_t *n)
{
    double na = (double)l->n[0], nb = (double)l->n[1], a0 = c->o.prior;
    scored_term *v;
    size_t i, m = 0;

    *n = 0;
    if ((v = spiral_calloc(l->tused + 1, sizeof *v)) == NULL)
        return NULL;
    for (i = 0; i < l->tcap; i++) {
        const term *t = &l->terms[i];
        double ya, yb, aw;

        if (t->s == NULL || t->y[0] + t->y[1] < MIN_TERM_COUNT || na == 0 || nb == 0)
            continue;
        ya = (double)t->y[0];
        yb = (double)t->y[1];
        aw = a0 * (ya + yb) / (na + nb);
        v[m].t = t;
        v[m].delta = log((ya + aw) / (na + a0 - ya - aw)) - log((yb + aw) / (nb + a0 - yb - aw));
        v[m].z = v[m].delta / sqrt(1.0 / (ya + aw) + 1.0 / (yb + aw));
        m++;
    }
    qsort(v, m, sizeof *v, z_desc);
    *n = m;
    return v;
}

static int json_num_or_null(spiral_buf *b, double v)
{
    return spiral_json_num(b, v);
}

static int write_lang_json(spiral_compare *c, spiral_buf *b, int li)
{
    const lang_stats *l = &c->l[li];
    scored_term *terms;
    size_t nterms, i;
    int s, k, rc = SPIRAL_OK;

    rc |= spiral_buf_printf(b, "\"%s\":{\"statements\":{", langs[li]);
    for (s = 0; s < 2; s++)
        rc |= spiral_buf_printf(b, "%s\"%s\":%lu", s ? "," : "", c->code[s], l->side[s].statements);
    rc |= spiral_buf_puts(b, "},\"tokens\":{");
    for (s = 0; s < 2; s++)
        rc |= spiral_buf_printf(b, "%s\"%s\":%.0f", s ? "," : "", c->code[s], l->side[s].tokens);
    rc |= spiral_buf_puts(b, "},\"profile\":[");
    for (s = 0; s < 2; s++) {
        for (k = 0; k < NROW; k++) {
            double rate, lo, hi;

            if (profile(c, &l->side[s], k, &rate, &lo, &hi) < 0)
                return SPIRAL_ENOMEM;
            rc |= spiral_buf_printf(b, "%s{\"side\":\"%s\",\"category\":\"%s\",\"per_1000\":",
                                    s || k ? "," : "", c->code[s], row_name(k));
            rc |= json_num_or_null(b, rate);
            rc |= spiral_buf_puts(b, ",\"lo\":");
            rc |= json_num_or_null(b, lo);
            rc |= spiral_buf_puts(b, ",\"hi\":");
            rc |= json_num_or_null(b, hi);
            rc |= spiral_buf_putc(b, '}');
        }
    }
    rc |= spiral_buf_puts(b, "],\"portrayal\":[");
    for (s = 0; s < 2; s++) {
        for (k = 0; k < 2; k++) {
            const double *p = l->side[s].port[k];
            double tok = l->side[s].tokens;

            rc |= spiral_buf_printf(b, "%s{\"speaker\":\"%s\",\"about\":\"%s\",\"threat\":",
                                    s || k ? "," : "", c->code[s], c->code[k ? 1 - s : s]);
            rc |= spiral_json_num(b, p[0]);
            rc |= spiral_buf_puts(b, ",\"reassurance\":");
            rc |= spiral_json_num(b, p[1]);
            rc |= spiral_buf_puts(b, ",\"threat_per_1000\":");
            rc |= json_num_or_null(b, tok > 0 ? 1000.0 * p[0] / tok : NAN);
            rc |= spiral_buf_puts(b, ",\"reassurance_per_1000\":");
            rc |= json_num_or_null(b, tok > 0 ? 1000.0 * p[1] / tok : NAN);
            rc |= spiral_buf_putc(b, '}');
        }
    }
    rc |= spiral_buf_puts(b, "],\"asymmetry\":{");
    for (s = 0; s < 2; s++) {
        rc |= spiral_buf_printf(b, "%s\"%s\":", s ? "," : "", c->code[s]);
        rc |= json_num_or_null(b, asymmetry(&l->side[s]));
    }
    rc |= spiral_buf_puts(b, "},\"mirror\":");
    rc |= json_num_or_null(b, mirror(l));
    if ((terms = log_odds(c, l, &nterms)) == NULL)
        return SPIRAL_ENOMEM;
    rc |= spiral_buf_puts(b, ",\"terms\":{");
    for (s = 0; s < 2; s++) {
        size_t shown = 0;

        rc |= spiral_buf_printf(b, "%s\"%s\":[", s ? "," : "", c->code[s]);
        for (i = 0; i < nterms && shown < c->o.top_terms; i++) {
            const scored_term *t = &terms[s == 0 ? i : nterms - 1 - i];

            if ((s == 0 && t->z <= 0) || (s == 1 && t->z >= 0))
                break;
            rc |= spiral_buf_puts(b, shown ? ",{\"term\":" : "{\"term\":");
            rc |= spiral_json_cstr(b, t->t->s);
            rc |= spiral_buf_puts(b, ",\"z\":");
            rc |= spiral_json_num(b, s == 0 ? t->z : -t->z);
            rc |= spiral_buf_puts(b, ",\"delta\":");
            rc |= spiral_json_num(b, s == 0 ? t->delta : -t->delta);
            rc |= spiral_buf_printf(b, ",\"count\":%lu,\"other_count\":%lu}", t->t->y[s],
                                    t->t->y[1 - s]);
            shown++;
        }
        rc |= spiral_buf_putc(b, ']');
    }
    rc |= spiral_buf_puts(b, "}}");
    spiral_free(terms);
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

int spiral_compare_write_json(spiral_compare *c, FILE *f)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    int li, rc = SPIRAL_OK;

    rc |= spiral_buf_printf(&b, "{\"sides\":[\"%s\",\"%s\"],\"replicates\":%u,\"level\":",
                            c->code[0], c->code[1], c->o.replicates);
    rc |= spiral_json_num(&b, c->o.level);
    rc |= spiral_buf_puts(&b, ",\"languages\":{");
    for (li = 0; li < NLANG && rc == SPIRAL_OK; li++) {
        if (li)
            rc |= spiral_buf_putc(&b, ',');
        rc |= write_lang_json(c, &b, li);
    }
    rc |= spiral_buf_puts(&b, "}}\n");
    if (rc == SPIRAL_OK && fwrite(b.data, 1, b.len, f) != b.len)
        rc = SPIRAL_EIO;
    spiral_buf_free(&b);
    return rc < 0 ? (rc == SPIRAL_EIO ? SPIRAL_EIO : SPIRAL_ENOMEM) : SPIRAL_OK;
}

static void fmt(char *out, size_t n, double v)
{
    if (isfinite(v))
        snprintf(out, n, "%.2f", v);
    else
        snprintf(out, n, "-");
}

int spiral_compare_write_table(spiral_compare *c, FILE *f)
{
    int li, s, k;
    char a[32], b2[32], x[32];

    for (li = 0; li < NLANG; li++) {
        const lang_stats *l = &c->l[li];
        scored_term *terms;
        size_t nterms, i;

        if (l->side[0].statements + l->side[1].statements == 0)
            continue;
        fprintf(f, "== %s: %s %lu statements, %.0f tokens; %s %lu statements, %.0f tokens\n",
                langs[li], c->code[0], l->side[0].statements, l->side[0].tokens, c->code[1],
                l->side[1].statements, l->side[1].tokens);
        fprintf(f, "\nper 1,000 tokens (%.0f%% interval)   %-22s %-22s\n", 100 * c->o.level,
                c->code[0], c->code[1]);
        for (k = 0; k < NROW; k++) {
            fprintf(f, "  %-28s", row_name(k));
            for (s = 0; s < 2; s++) {
                double rate, lo, hi;
                char cell[112];

                if (profile(c, &l->side[s], k, &rate, &lo, &hi) < 0)
                    return SPIRAL_ENOMEM;
                fmt(a, sizeof a, rate);
                fmt(b2, sizeof b2, lo);
                fmt(x, sizeof x, hi);
                if (snprintf(cell, sizeof cell, "%s [%s, %s]", a, b2, x) >= (int)sizeof cell)
                    cell[sizeof cell - 1] = '\0';
                fprintf(f, " %-22s", cell);
            }
            fputc('\n', f);
        }
        fprintf(f, "\nportrayal (threat / reassurance, totals)\n");
        for (s = 0; s < 2; s++) {
            fprintf(f, "  %s on %s: %.2f / %.2f    %s on %s: %.2f / %.2f\n", c->code[s], c->code[s],
                    l->side[s].port[0][0], l->side[s].port[0][1], c->code[s], c->code[1 - s],
                    l->side[s].port[1][0], l->side[s].port[1][1]);
        }
        fprintf(f, "attribution asymmetry (self reassurance share - other's):");
        for (s = 0; s < 2; s++) {
            fmt(a, sizeof a, asymmetry(&l->side[s]));
            fprintf(f, "  %s %s", c->code[s], a);
        }
        fmt(a, sizeof a, mirror(l));
        fprintf(f, "\nmirror-image index (cosine of mutual accusations): %s\n", a);
        if ((terms = log_odds(c, l, &nterms)) == NULL)
            return SPIRAL_ENOMEM;
        for (s = 0; s < 2; s++) {
            size_t shown = 0;

            fprintf(f, "distinctive terms of %s (z):", c->code[s]);
            for (i = 0; i < nterms && shown < c->o.top_terms; i++, shown++) {
                const scored_term *t = &terms[s == 0 ? i : nterms - 1 - i];

                if ((s == 0 && t->z <= 0) || (s == 1 && t->z >= 0))
                    break;
                fprintf(f, " %s (%.1f)", t->t->s, s == 0 ? t->z : -t->z);
            }
            fputc('\n', f);
        }
        spiral_free(terms);
        fputc('\n', f);
    }
    return ferror(f) ? SPIRAL_EIO : SPIRAL_OK;
}

static FILE *csv_open(const char *dir, const char *name, const char *header, spiral_error *err)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "w")) == NULL) {
        spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        return NULL;
    }
    fputs(header, f);
    return f;
}

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.4f", v);
    else
        fputs(",", f);
}

int spiral_compare_write_csv(spiral_compare *c, const char *dir, spiral_error *err)
{
    FILE *pf, *po, *pa, *pm, *pt;
    int li, s, k, rc = SPIRAL_OK;

    /* Like track --csv: make the directory when it is not there. */
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return spiral_error_set(err, SPIRAL_EIO, dir, 0, 0, "cannot make the directory: %s",
                                strerror(errno));

    pf = csv_open(dir, "profiles.csv", "language,side,category,per_1000,lo,hi\n", err);
    po = pf ? csv_open(dir, "portrayal.csv", "language,speaker,about,threat,reassurance,"
                       "threat_per_1000,reassurance_per_1000\n", err) : NULL;
    pa = po ? csv_open(dir, "asymmetry.csv", "language,side,self_reassurance_share,"
                       "other_reassurance_share,asymmetry\n", err) : NULL;
    pm = pa ? csv_open(dir, "mirror.csv", "language,mirror\n", err) : NULL;
    pt = pm ? csv_open(dir, "terms.csv", "language,side,rank,term,z,delta,count,other_count\n", err)
            : NULL;
    if (pt == NULL) {
        rc = SPIRAL_EIO;
        goto done;
    }
    for (li = 0; li < NLANG; li++) {
        const lang_stats *l = &c->l[li];
        scored_term *terms;
        size_t nterms, i;

        for (s = 0; s < 2; s++) {
            const side_stats *st = &l->side[s];

            for (k = 0; k < NROW; k++) {
                double rate, lo, hi;

                if (profile(c, st, k, &rate, &lo, &hi) < 0) {
                    rc = SPIRAL_ENOMEM;
                    goto done;
                }
                fprintf(pf, "%s,%s,%s", langs[li], c->code[s], row_name(k));
                csv_num(pf, rate);
                csv_num(pf, lo);
                csv_num(pf, hi);
                fputc('\n', pf);
            }
            for (k = 0; k < 2; k++) {
                fprintf(po, "%s,%s,%s", langs[li], c->code[s], c->code[k ? 1 - s : s]);
                csv_num(po, st->port[k][0]);
                csv_num(po, st->port[k][1]);
                csv_num(po, st->tokens > 0 ? 1000.0 * st->port[k][0] / st->tokens : NAN);
                csv_num(po, st->tokens > 0 ? 1000.0 * st->port[k][1] / st->tokens : NAN);
                fputc('\n', po);
            }
            fprintf(pa, "%s,%s", langs[li], c->code[s]);
            csv_num(pa, share(st->port[0]));
            csv_num(pa, share(st->port[1]));
            csv_num(pa, asymmetry(st));
            fputc('\n', pa);
        }
        fprintf(pm, "%s", langs[li]);
        csv_num(pm, mirror(l));
        fputc('\n', pm);
        if ((terms = log_odds(c, l, &nterms)) == NULL) {
            rc = SPIRAL_ENOMEM;
            goto done;
        }
        for (s = 0; s < 2; s++) {
            for (i = 0; i < nterms && i < c->o.top_terms; i++) {
                const scored_term *t = &terms[s == 0 ? i : nterms - 1 - i];
                const char *q;

                if ((s == 0 && t->z <= 0) || (s == 1 && t->z >= 0))
                    break;
                fprintf(pt, "%s,%s,%zu,\"", langs[li], c->code[s], i + 1);
                for (q = t->t->s; *q; q++) {
                    if (*q == '"')
                        fputc('"', pt);
                    fputc(*q, pt);
                }
                fputc('"', pt);
                csv_num(pt, s == 0 ? t->z : -t->z);
                csv_num(pt, s == 0 ? t->delta : -t->delta);
                fprintf(pt, ",%lu,%lu\n", t->t->y[s], t->t->y[1 - s]);
            }
        }
        spiral_free(terms);
    }
done:
    if (pf && fclose(pf) != 0)
        rc = SPIRAL_EIO;
    if (po && fclose(po) != 0)
        rc = SPIRAL_EIO;
    if (pa && fclose(pa) != 0)
        rc = SPIRAL_EIO;
    if (pm && fclose(pm) != 0)
        rc = SPIRAL_EIO;
    if (pt && fclose(pt) != 0)
        rc = SPIRAL_EIO;
    if (rc == SPIRAL_EIO && err && err->code == 0)
        spiral_error_set(err, SPIRAL_EIO, dir, 0, 0, "cannot write the CSV files");
    return rc;
}
