/*
 * aggregate.c - the aggregate stage: scored statements into dyad x period
 * cells.
 *
 * Fed by spiral_statement records (statement.c makes them from scored JSON
 * Lines or from a scored doc), it places each statement in its period
 * (day, ISO week, month, quarter or year) and adds its scores to the cell of
 * every directed dyad it belongs to: speaker -> target, or speaker -> each
 * entry of `targets`.  Each dyad keeps a dense array of cells over the
 * periods it has seen, grown at either end, plus a few exemplar statements
 * per cell for reports, so memory grows with dyads x periods and never with
 * the number of statements.  spiral_tracker_finish() lays every dyad out
 * over the same span, from the first period of the whole input to the last,
 * with n = 0 cells where nothing was said, and hands over to escalation.c
 * for the pairs.
 */
#include "aggregate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "escalation.h"

/* ------------------------------------------------------------------ */
/* Calendar                                                            */
/* ------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
int64_t spiral_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void spiral_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

static int digits(const char *s, int n)
{
    int i, v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (+ 'T' or ' ' and anything).
 * *prec is 0 for a year, 1 for a month, 2 for a day.
 * Returns 0, or -1 when malformed. */
static int parse_date(const char *s, int64_t *y, int *m, int *d, int *prec)
{
    int v;

    *m = 1;
    *d = 1;
    if ((v = digits(s, 4)) < 1)
        return -1;
    *y = v;
    s += 4;
    *prec = 0;
    if (*s == '\0' || *s == 'T' || *s == ' ')
        return 0;
    if (*s != '-' || (v = digits(s + 1, 2)) < 1 || v > 12)
        return -1;
    *m = v;
    s += 3;
    *prec = 1;
    if (*s == '\0' || *s == 'T' || *s == ' ')
        return 0;
    if (*s != '-' || (v = digits(s + 1, 2)) < 1 || v > days_in_month(*y, *m))
        return -1;
    *d = v;
    s += 3;
    *prec = 2;
    if (*s == '\0' || *s == 'T' || *s == ' ')
        return 0;
    return -1;
}

static const char *const period_names[] = { "day", "week", "month", "quarter", "year" };

int spiral_period_parse(spiral_period *out, const char *name)
{
    size_t i;

    for (i = 0; i < sizeof period_names / sizeof *period_names; i++)
        if (name && strcmp(name, period_names[i]) == 0) {
            *out = (spiral_period)i;
            return SPIRAL_OK;
        }
    return SPIRAL_EINVAL;
}

const char *spiral_period_name(spiral_period p)
{
    return (unsigned)p < sizeof period_names / sizeof *period_names ? period_names[p] : "?";
}

/* The precision a period needs: 2 day, 1 month, 0 year. */
static int period_precision(spiral_period p)
{
    switch (p) {
    case SPIRAL_PERIOD_DAY:
    case SPIRAL_PERIOD_WEEK:
        return 2;
    case SPIRAL_PERIOD_MONTH:
    case SPIRAL_PERIOD_QUARTER:
        return 1;
    default:
        return 0;
    }
}

int spiral_period_index(int64_t *out, spiral_period p, const char *date)
{
    int64_t y, days;
    int m, d, prec;

    if (date == NULL || parse_date(date, &y, &m, &d, &prec) < 0)
        return SPIRAL_EINVAL;
    if (prec < period_precision(p))
        return SPIRAL_EINVAL;
    switch (p) {
    case SPIRAL_PERIOD_DAY:
        *out = spiral_days_from_civil(y, m, d);
        break;
    case SPIRAL_PERIOD_WEEK:
        /* 1970-01-01 was a Thursday, so weeks counted from the Monday
         * before it are floor((days + 3) / 7). */
        days = spiral_days_from_civil(y, m, d);
        *out = floor_div(days + 3, 7);
        break;
    case SPIRAL_PERIOD_MONTH:
        *out = y * 12 + (m - 1);
        break;
    case SPIRAL_PERIOD_QUARTER:
        *out = y * 4 + (m - 1) / 3;
        break;
    case SPIRAL_PERIOD_YEAR:
        *out = y;
        break;
    default:
        return SPIRAL_EINVAL;
    }
    return SPIRAL_OK;
}

/* The first day of period i, in days from 1970-01-01. */
static int64_t period_first_day(spiral_period p, int64_t i)
{
    switch (p) {
    case SPIRAL_PERIOD_DAY:
        return i;
    case SPIRAL_PERIOD_WEEK:
        return i * 7 - 3;
    case SPIRAL_PERIOD_MONTH:
        return spiral_days_from_civil(floor_div(i, 12), (int)(i - floor_div(i, 12) * 12) + 1, 1);
    case SPIRAL_PERIOD_QUARTER:
        return spiral_days_from_civil(floor_div(i, 4), (int)(i - floor_div(i, 4) * 4) * 3 + 1, 1);
    default:
        return spiral_days_from_civil(i, 1, 1);
    }
}

size_t spiral_period_start(char *buf, size_t size, spiral_period p, int64_t i)
{
    int64_t y;
    int m, d, n;

    spiral_civil_from_days(period_first_day(p, i), &y, &m, &d);
    n = snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
    return n < 0 ? 0 : (size_t)n;
}

size_t spiral_period_label(char *buf, size_t size, spiral_period p, int64_t i)
{
    int64_t y, thu;
    int m, d, n;

    switch (p) {
    case SPIRAL_PERIOD_WEEK:
        /* The ISO year is the Thursday's; the week is counted from the
         * week holding that year's first Thursday. */
        thu = i * 7;
        spiral_civil_from_days(thu, &y, &m, &d);
        n = snprintf(buf, size, "%04lld-W%02d", (long long)y,
                     (int)((thu - spiral_days_from_civil(y, 1, 1)) / 7 + 1));
        break;
    case SPIRAL_PERIOD_MONTH:
        n = snprintf(buf, size, "%04lld-%02d", (long long)floor_div(i, 12),
                     (int)(i - floor_div(i, 12) * 12) + 1);
        break;
    case SPIRAL_PERIOD_QUARTER:
        n = snprintf(buf, size, "%04lld-Q%d", (long long)floor_div(i, 4),
                     (int)(i - floor_div(i, 4) * 4) + 1);
        break;
    case SPIRAL_PERIOD_YEAR:
        n = snprintf(buf, size, "%04lld", (long long)i);
        break;
    default:
        return spiral_period_start(buf, size, p, i);
    }
    return n < 0 ? 0 : (size_t)n;
}

const char *spiral_fmt_num(char *buf, size_t size, double v)
{
    size_t n;

    if (!isfinite(v)) {
        snprintf(buf, size, "null");
        return buf;
    }
    if (fabs(v) < 0.00005)
        v = 0.0;
    n = (size_t)snprintf(buf, size, "%.4f", v);
    if (n >= size)
        n = size - 1;
    while (n > 0 && buf[n - 1] == '0')
        n--;
    if (n > 0 && buf[n - 1] == '.')
        n--;
    buf[n] = '\0';
    return buf;
}

/* ------------------------------------------------------------------ */
/* The tracker                                                         */
/* ------------------------------------------------------------------ */

int spiral_tracker_new(spiral_tracker **out, const spiral_track_opts *opts, spiral_error *err)
{
    spiral_track_opts def = SPIRAL_TRACK_OPTS_INIT;
    spiral_tracker *t;

    *out = NULL;
    if (opts == NULL)
        opts = &def;
    if ((unsigned)opts->period > SPIRAL_PERIOD_YEAR)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0, "unknown period");
    if (opts->max_lag < 0 || opts->max_lag > SPIRAL_MAX_LAG)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0,
                                "max lag must be 0 to %d", SPIRAL_MAX_LAG);
    if (opts->smooth < 1 || opts->smooth % 2 == 0 || opts->smooth > 99)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0,
                                "smoothing window must be odd, 1 to 99");
    if (!(opts->threshold > 0) || !isfinite(opts->threshold))
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0, "threshold must be positive");
    if (!(opts->confidence > 0 && opts->confidence < 1))
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0,
                                "confidence must be between 0 and 1");
    if (opts->max_periods == 0 || opts->exemplars > 100)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0, "bad limits");
    if ((t = spiral_calloc(1, sizeof *t)) == NULL)
        return spiral_error_nomem(err, "");
    t->opts = *opts;
    *out = t;
    return SPIRAL_OK;
}

static void exemplar_clear(spiral_exemplar *e)
{
    size_t i;

    spiral_free(e->id);
    spiral_free(e->date);
    spiral_free(e->title);
    spiral_free(e->lang);
    for (i = 0; i < e->nhits; i++) {
        spiral_free(e->hits[i].text);
        spiral_free(e->hits[i].category);
    }
    memset(e, 0, sizeof *e);
}

static void cell_ex_clear(spiral_cell_ex *x)
{
    unsigned i;

    for (i = 0; i < x->nhot; i++)
        exemplar_clear(&x->hot[i]);
    for (i = 0; i < x->ncool; i++)
        exemplar_clear(&x->cool[i]);
    spiral_free(x->hot);
    spiral_free(x->cool);
    memset(x, 0, sizeof *x);
}

static void dyad_clear(spiral_dyad_int *d, size_t ncells)
{
    size_t i;

    if (d->ex)
        for (i = 0; i < ncells; i++)
            cell_ex_clear(&d->ex[i]);
    spiral_free(d->ex);
    spiral_free(d->cells);
    spiral_free(d->speaker);
    spiral_free(d->target);
}

void spiral_tracker_free(spiral_tracker *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->ndyads; i++) {
        spiral_dyad_int *d = &t->dyads[i];

        dyad_clear(d, (size_t)(d->ahi - d->alo + 1));
    }
    spiral_free(t->dyads);
    spiral_free(t->slots);
    spiral_pairs_free(t->pairs, t->npairs);
    spiral_free(t);
}

const spiral_track_opts *spiral_tracker_opts(const spiral_tracker *t)
{
    return &t->opts;
}

static uint64_t hash_dyad(const char *s, const char *tg)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull; /* separator: no byte of UTF-8 is 0xff */
    for (; *tg; tg++)
        h = (h ^ (unsigned char)*tg) * 1099511628211ull;
    return h;
}

/* Rebuild the hash table with room for twice the dyads. */
static int rehash(spiral_tracker *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 64, i;
    size_t *slots = spiral_calloc(n, sizeof *slots);

    if (slots == NULL)
        return SPIRAL_ENOMEM;
    for (i = 0; i < t->ndyads; i++) {
        size_t j = (size_t)(hash_dyad(t->dyads[i].speaker, t->dyads[i].target) & (n - 1));

        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = i + 1;
    }
    spiral_free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return SPIRAL_OK;
}

/* The dyad speaker -> target, created when new.
 * Returns its index, or -1 when out of memory. */
static long dyad_get(spiral_tracker *t, const char *speaker, const char *target)
{
    spiral_dyad_int *d;
    size_t j;

    if (t->nslots) {
        j = (size_t)(hash_dyad(speaker, target) & (t->nslots - 1));
        for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
            d = &t->dyads[t->slots[j] - 1];
            if (strcmp(d->speaker, speaker) == 0 && strcmp(d->target, target) == 0)
                return (long)(t->slots[j] - 1);
        }
    }
    if ((t->ndyads + 1) * 2 > t->nslots && rehash(t) < 0)
        return -1;
    if (spiral_grow(&t->dyads, &t->cap, t->ndyads + 1, sizeof *t->dyads) < 0)
        return -1;
    d = &t->dyads[t->ndyads];
    memset(d, 0, sizeof *d);
    d->speaker = spiral_strdup(speaker);
    d->target = spiral_strdup(target);
    if (d->speaker == NULL || d->target == NULL) {
        spiral_free(d->speaker);
        spiral_free(d->target);
        return -1;
    }
    d->alo = 0;
    d->ahi = -1;
    j = (size_t)(hash_dyad(speaker, target) & (t->nslots - 1));
    while (t->slots[j])
        j = (j + 1) & (t->nslots - 1);
    t->slots[j] = t->ndyads + 1;
    return (long)t->ndyads++;
}

/* Make d's cells cover period idx, growing the allocation with slack in the
 * direction of growth so that a stream in date order reallocates only
 * log(periods) times.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int dyad_cover(spiral_dyad_int *d, int64_t idx)
{
    int64_t nlo, nhi, span, old = d->ahi - d->alo + 1;
    spiral_cell *cells;
    spiral_cell_ex *ex;
    size_t n, shift;

    if (old > 0 && idx >= d->alo && idx <= d->ahi)
        return SPIRAL_OK;
    if (old <= 0) {
        nlo = idx;
        nhi = idx + 7;
        old = 0;
    } else {
        span = old > 8 ? old : 8;
        nlo = idx < d->alo ? idx - span / 2 : d->alo;
        nhi = idx > d->ahi ? idx + span : d->ahi;
    }
    n = (size_t)(nhi - nlo + 1);
    cells = spiral_calloc(n, sizeof *cells);
    ex = spiral_calloc(n, sizeof *ex);
    if (cells == NULL || ex == NULL) {
        spiral_free(cells);
        spiral_free(ex);
        return SPIRAL_ENOMEM;
    }
    if (old > 0) {
        shift = (size_t)(d->alo - nlo);
        memcpy(cells + shift, d->cells, (size_t)old * sizeof *cells);
        memcpy(ex + shift, d->ex, (size_t)old * sizeof *ex);
    }
    spiral_free(d->cells);
    spiral_free(d->ex);
    d->cells = cells;
    d->ex = ex;
    d->alo = nlo;
    d->ahi = nhi;
    return SPIRAL_OK;
}

/* The family of a hit category: 1 threat, 2 reassurance, 0 other. */
static int category_family(const char *c)
{
    if (c == NULL)
        return 0;
    if (strncmp(c, "threat", 6) == 0)
        return 1;
    if (strncmp(c, "reassurance", 11) == 0)
        return 2;
    return 0;
}

/* Fill e from st's share aimed at target (hits of the family that makes it
 * hot or cool, strongest first).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int exemplar_fill(spiral_exemplar *e, const spiral_statement *st, const char *target,
                         double threat, double reassurance, int family)
{
    size_t i, j, k;

    memset(e, 0, sizeof *e);
    e->threat = threat;
    e->reassurance = reassurance;
    e->hostility = threat - reassurance;
    if ((e->id = spiral_strdup(st->id ? st->id : "")) == NULL)
        return SPIRAL_ENOMEM;
    if (st->date && (e->date = spiral_strdup(st->date)) == NULL)
        return SPIRAL_ENOMEM;
    if (st->title && (e->title = spiral_strdup(st->title)) == NULL)
        return SPIRAL_ENOMEM;
    if (st->lang && (e->lang = spiral_strdup(st->lang)) == NULL)
        return SPIRAL_ENOMEM;
    for (i = 0; i < st->nhits; i++) {
        const spiral_stmt_hit *h = &st->hits[i];

        if (category_family(h->category) != family || !(h->score > 0) || h->text == NULL)
            continue;
        if (st->has_targets && h->target && strcmp(h->target, target) != 0)
            continue;
        /* insertion into the top SPIRAL_EXEMPLAR_HITS by score */
        for (j = 0; j < e->nhits && e->hits[j].score >= h->score; j++)
            ;
        if (j >= SPIRAL_EXEMPLAR_HITS)
            continue;
        if (e->nhits == SPIRAL_EXEMPLAR_HITS) {
            spiral_free(e->hits[e->nhits - 1].text);
            spiral_free(e->hits[e->nhits - 1].category);
            e->nhits--;
        }
        for (k = e->nhits; k > j; k--)
            e->hits[k] = e->hits[k - 1];
        e->hits[j].score = h->score;
        e->hits[j].text = spiral_strdup(h->text);
        e->hits[j].category = spiral_strdup(h->category ? h->category : "");
        e->nhits++;
        if (e->hits[j].text == NULL || e->hits[j].category == NULL)
            return SPIRAL_ENOMEM;
    }
    return SPIRAL_OK;
}

/* Whether a ranks before b: hotter (sign +1) or cooler (sign -1), ties by id. */
static int ranks_before(double ha, const char *ida, const spiral_exemplar *b, int sign)
{
    if (ha * sign != b->hostility * sign)
        return ha * sign > b->hostility * sign;
    return strcmp(ida, b->id) < 0;
}

/* Keep st among the cell's hot (sign +1) or cool (sign -1) exemplars.
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int exemplar_offer(spiral_exemplar **arr, unsigned *n, unsigned max,
                          const spiral_statement *st, const char *target,
                          double threat, double reassurance, int sign)
{
    double h = threat - reassurance;
    const char *id = st->id ? st->id : "";
    spiral_exemplar e;
    unsigned j, k;

    if (max == 0)
        return SPIRAL_OK;
    for (j = 0; j < *n && !ranks_before(h, id, &(*arr)[j], sign); j++)
        ;
    if (j >= max)
        return SPIRAL_OK;
    if (*arr == NULL && (*arr = spiral_calloc(max, sizeof **arr)) == NULL)
        return SPIRAL_ENOMEM;
    if (exemplar_fill(&e, st, target, threat, reassurance, sign > 0 ? 1 : 2) < 0) {
        exemplar_clear(&e);
        return SPIRAL_ENOMEM;
    }
    if (*n == max) {
        exemplar_clear(&(*arr)[max - 1]);
        (*n)--;
    }
    for (k = *n; k > j; k--)
        (*arr)[k] = (*arr)[k - 1];
    (*arr)[j] = e;
    (*n)++;
    return SPIRAL_OK;
}

/* The speaker of st: its speaker field, else its actor's code. */
static const char *stmt_speaker(const spiral_statement *st, char *buf, size_t size)
{
    if (st->speaker && *st->speaker)
        return st->speaker;
    return spiral_speaker_code(buf, size, st->actor);
}

const char *spiral_speaker_code(char *buf, size_t size, const char *actor)
{
    size_t n = 0;

    if (actor == NULL || *actor == '\0' || size == 0)
        return NULL;
    while (actor[n] >= 'A' && actor[n] <= 'Z')
        n++;
    if (n >= 2 && n <= 5 && (actor[n] == '-' || actor[n] == ':')) {
        if (n >= size)
            n = size - 1;
    } else {
        n = strlen(actor);
        if (n >= size)
            n = size - 1;
    }
    memcpy(buf, actor, n);
    buf[n] = '\0';
    return buf;
}

int spiral_tracker_check(const spiral_tracker *t, const spiral_statement *st, spiral_error *err)
{
    const char *file = st->file ? st->file : "";
    char sbuf[256];
    int64_t idx, lo, hi;
    size_t i;

    if (t->finished)
        return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                "tracker already finished");
    if (st->date == NULL || *st->date == '\0')
        return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                "statement %s has no date", st->id ? st->id : "");
    if (spiral_period_index(&idx, t->opts.period, st->date) < 0) {
        int64_t y;
        int m, d, prec;

        if (parse_date(st->date, &y, &m, &d, &prec) == 0)
            return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                    "date '%.40s' is too coarse for --period %s",
                                    st->date, spiral_period_name(t->opts.period));
        return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                "bad date '%.40s' (YYYY, YYYY-MM or YYYY-MM-DD)", st->date);
    }
    if (stmt_speaker(st, sbuf, sizeof sbuf) == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                "statement %s has no speaker or actor", st->id ? st->id : "");
    if (!isfinite(st->threat) || !isfinite(st->reassurance) || !isfinite(st->tone))
        return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                "statement %s has a score that is not a finite number",
                                st->id ? st->id : "");
    for (i = 0; st->has_targets && i < st->ntargets; i++)
        if (st->targets[i].target == NULL || !isfinite(st->targets[i].threat) ||
            !isfinite(st->targets[i].reassurance))
            return spiral_error_set(err, SPIRAL_EINVAL, file, st->line, 0,
                                    "statement %s: targets[%zu] needs a target and finite scores",
                                    st->id ? st->id : "", i);
    lo = t->statements ? (idx < t->glo ? idx : t->glo) : idx;
    hi = t->statements ? (idx > t->ghi ? idx : t->ghi) : idx;
    if ((uint64_t)(hi - lo) >= t->opts.max_periods)
        return spiral_error_set(err, SPIRAL_ELIMIT, file, st->line, 0,
                                "date %.40s would make the series longer than %zu periods",
                                st->date, t->opts.max_periods);
    return SPIRAL_OK;
}

static double tone_of(double threat, double reassurance)
{
    return 10.0 * (reassurance - threat) / (reassurance + threat + 2.0);
}

/* Add one share of st to speaker -> target. */
static int add_share(spiral_tracker *t, const spiral_statement *st, const char *speaker,
                     const char *target, int64_t idx, double threat, double reassurance,
                     double tone, spiral_error *err)
{
    spiral_dyad_int *d;
    spiral_cell *c;
    spiral_cell_ex *x;
    long di = dyad_get(t, speaker, target);
    unsigned max = t->opts.exemplars;

    if (di < 0 || dyad_cover(&t->dyads[di], idx) < 0)
        return spiral_error_nomem(err, st->file);
    d = &t->dyads[di];
    c = &d->cells[idx - d->alo];
    x = &d->ex[idx - d->alo];
    c->n++;
    c->threat_sum += threat;
    c->reassurance_sum += reassurance;
    c->tone_sum += tone;
    c->hostility_sum += threat - reassurance;
    d->pub.n++;
    if (exemplar_offer(&x->hot, &x->nhot, max, st, target, threat, reassurance, 1) < 0 ||
        exemplar_offer(&x->cool, &x->ncool, max, st, target, threat, reassurance, -1) < 0)
        return spiral_error_nomem(err, st->file);
    return SPIRAL_OK;
}

int spiral_tracker_add(spiral_tracker *t, const spiral_statement *st, spiral_error *err)
{
    char sbuf[256];
    const char *speaker;
    int64_t idx;
    size_t i;
    int rc;

    if ((rc = spiral_tracker_check(t, st, err)) < 0)
        return rc;
    spiral_period_index(&idx, t->opts.period, st->date);
    speaker = stmt_speaker(st, sbuf, sizeof sbuf);
    if (st->has_targets && st->ntargets > 0) {
        for (i = 0; i < st->ntargets; i++) {
            const spiral_stmt_target *g = &st->targets[i];

            rc = add_share(t, st, speaker, g->target, idx, g->threat, g->reassurance,
                           tone_of(g->threat, g->reassurance), err);
            if (rc < 0)
                return rc;
        }
    } else {
        const char *target = st->target && *st->target ? st->target : "NONE";

        if ((rc = add_share(t, st, speaker, target, idx, st->threat, st->reassurance,
                            st->tone, err)) < 0)
            return rc;
    }
    if (t->statements == 0 || idx < t->glo)
        t->glo = idx;
    if (t->statements == 0 || idx > t->ghi)
        t->ghi = idx;
    t->statements++;
    return SPIRAL_OK;
}

static int dyad_cmp(const void *pa, const void *pb)
{
    const spiral_dyad_int *a = pa, *b = pb;
    int c = strcmp(a->speaker, b->speaker);

    return c ? c : strcmp(a->target, b->target);
}

int spiral_tracker_finish(spiral_tracker *t, spiral_error *err)
{
    size_t n = spiral_tracker_nperiods(t), i;

    if (t->finished)
        return SPIRAL_OK;
    /* Lay every dyad out over [glo, ghi]. */
    for (i = 0; i < t->ndyads; i++) {
        spiral_dyad_int *d = &t->dyads[i];
        spiral_cell *cells = spiral_calloc(n ? n : 1, sizeof *cells);
        spiral_cell_ex *ex = spiral_calloc(n ? n : 1, sizeof *ex);
        int64_t p;

        if (cells == NULL || ex == NULL) {
            spiral_free(cells);
            spiral_free(ex);
            return spiral_error_nomem(err, "");
        }
        for (p = d->alo; p <= d->ahi; p++) {
            /* every cell with data lies in [glo, ghi]; slack cells are empty */
            if (p >= t->glo && p <= t->ghi) {
                cells[p - t->glo] = d->cells[p - d->alo];
                ex[p - t->glo] = d->ex[p - d->alo];
            }
        }
        spiral_free(d->cells);
        spiral_free(d->ex);
        d->cells = cells;
        d->ex = ex;
        d->alo = t->glo;
        d->ahi = t->glo + (int64_t)n - 1;
    }
    if (t->ndyads > 1)
        qsort(t->dyads, t->ndyads, sizeof *t->dyads, dyad_cmp);
    for (i = 0; i < t->ndyads; i++) {
        t->dyads[i].pub.speaker = t->dyads[i].speaker;
        t->dyads[i].pub.target = t->dyads[i].target;
        t->dyads[i].pub.cells = t->dyads[i].cells;
    }
    spiral_free(t->slots); /* indices changed by the sort; nothing more is added */
    t->slots = NULL;
    t->nslots = 0;
    t->finished = 1;
    return spiral_pairs_compute(t, err);
}

unsigned long spiral_tracker_statements(const spiral_tracker *t)
{
    return t->statements;
}

size_t spiral_tracker_nperiods(const spiral_tracker *t)
{
    return t->statements ? (size_t)(t->ghi - t->glo + 1) : 0;
}

int64_t spiral_tracker_first_period(const spiral_tracker *t)
{
    return t->statements ? t->glo : 0;
}

size_t spiral_tracker_ndyads(const spiral_tracker *t)
{
    return t->finished ? t->ndyads : 0;
}

const spiral_dyad *spiral_tracker_dyad(const spiral_tracker *t, size_t i)
{
    return t->finished && i < t->ndyads ? &t->dyads[i].pub : NULL;
}

size_t spiral_tracker_npairs(const spiral_tracker *t)
{
    return t->npairs;
}

const spiral_pair *spiral_tracker_pair(const spiral_tracker *t, size_t i)
{
    return i < t->npairs ? &t->pairs[i] : NULL;
}

const spiral_cell_ex *spiral_tracker_cell_ex(const spiral_tracker *t, size_t d, size_t p)
{
    const spiral_cell_ex *x;

    if (!t->finished || d >= t->ndyads || p >= spiral_tracker_nperiods(t))
        return NULL;
    x = &t->dyads[d].ex[p];
    return x->nhot || x->ncool ? x : NULL;
}
