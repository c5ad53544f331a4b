/*
 * emit_csv.c - the emit stage for tracked series as tidy tables.
 *
 * Fed by a finished tracker, spiral_table_rows() produces the rows of one
 * table as typed values: dyads (one row per dyad and period), pairs (one
 * per pair), pair_periods (the spiral score per pair and period), episodes
 * and lags.  The CSV writer here formats them (RFC 4180 quoting, a header,
 * numbers with at most 4 decimals, an empty cell for an undefined value);
 * store.c inserts the same rows into SQLite with full precision, so the
 * column names and order are one list.  Rows come sorted as the tracker
 * sorts dyads and pairs, so output is byte-for-byte repeatable.  README.md
 * (Outputs) lists the columns and units.
 */
#include "emit_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "buf.h"
#include "escalation.h"

static const char *const table_names[SPIRAL_CSV_NTABLES] = {
    "dyads.csv", "pairs.csv", "pair_periods.csv", "episodes.csv", "lags.csv"
};

static const char *const dyad_cols[] = {
    "speaker", "target", "period", "period_start", "n", "threat_sum", "threat_mean",
    "reassurance_sum", "reassurance_mean", "tone_sum", "tone_mean", "hostility_sum",
    "hostility_mean", NULL
};
static const char *const pair_cols[] = {
    "a", "b", "n_ab", "n_ba", "periods", "periods_both",
    "ab_best_lag", "ab_r", "ab_lo", "ab_hi", "ab_n", "ab_reason",
    "ba_best_lag", "ba_r", "ba_lo", "ba_hi", "ba_n", "ba_reason",
    "responsiveness", "responsiveness_reason",
    "richardson_k", "richardson_a", "richardson_g", "richardson_l", "richardson_b",
    "richardson_h", "richardson_r2_x", "richardson_r2_y", "richardson_n", "runaway",
    "richardson_reason", "noise", "escalations", "deescalations", "episodes_reason",
    "spiral_mean", "spiral_max", "spiral_max_period", "spiral_last", "spiral_periods", NULL
};
static const char *const pair_period_cols[] = {
    "a", "b", "period", "period_start", "n_ab", "n_ba", "hostility_ab", "hostility_ba",
    "smooth_ab", "smooth_ba", "mutual", "responsiveness", "trend", "spiral_score", "reason",
    NULL
};
static const char *const episode_cols[] = {
    "a", "b", "seq", "kind", "start", "peak", "end", "open", "periods", "leader",
    "response_lag", "change_ab", "change_ba", "peak_ab", "peak_ba", NULL
};
static const char *const lag_cols[] = {
    "a", "b", "direction", "lag", "n", "r", "lo", "hi", "best", "reason", NULL
};

static const char *const *const table_cols[SPIRAL_CSV_NTABLES] = {
    dyad_cols, pair_cols, pair_period_cols, episode_cols, lag_cols
};

const char *spiral_csv_table_name(spiral_csv_table which)
{
    return (unsigned)which < SPIRAL_CSV_NTABLES ? table_names[which] : NULL;
}

const char *const *spiral_table_columns(spiral_csv_table which, size_t *n)
{
    size_t k = 0;

    if ((unsigned)which >= SPIRAL_CSV_NTABLES)
        return NULL;
    while (table_cols[which][k])
        k++;
    if (n)
        *n = k;
    return table_cols[which];
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */
/* ------------------------------------------------------------------ */

/* A row under construction. */
typedef struct row {
    spiral_value v[48];
    size_t n;
} row;

static void put_null(row *r)
{
    r->v[r->n].type = SPIRAL_VALUE_NULL;
    r->n++;
}

static void put_int(row *r, long long i)
{
    r->v[r->n].type = SPIRAL_VALUE_INT;
    r->v[r->n].i = i;
    r->n++;
}

static void put_real(row *r, double d, int defined)
{
    if (!defined || !isfinite(d)) {
        put_null(r);
        return;
    }
    r->v[r->n].type = SPIRAL_VALUE_REAL;
    r->v[r->n].d = d;
    r->n++;
}

static void put_text(row *r, const char *s)
{
    if (s == NULL) {
        put_null(r);
        return;
    }
    r->v[r->n].type = SPIRAL_VALUE_TEXT;
    r->v[r->n].s = s;
    r->n++;
}

static void put_bool(row *r, int b)
{
    put_text(r, b ? "true" : "false");
}

static void labels(const spiral_tracker *t, size_t p, char *label, char *start)
{
    int64_t idx = spiral_tracker_first_period(t) + (int64_t)p;

    spiral_period_label(label, 32, t->opts.period, idx);
    if (start)
        spiral_period_start(start, 32, t->opts.period, idx);
}

static int rows_dyads(const spiral_tracker *t, spiral_row_fn fn, void *payload)
{
    size_t np = spiral_tracker_nperiods(t), d, p;
    char label[32], start[32];
    int rc;

    for (d = 0; d < spiral_tracker_ndyads(t); d++) {
        const spiral_dyad *dy = spiral_tracker_dyad(t, d);

        for (p = 0; p < np; p++) {
            const spiral_cell *c = &dy->cells[p];
            double n = (double)c->n;
            row r;

            r.n = 0;
            labels(t, p, label, start);
            put_text(&r, dy->speaker);
            put_text(&r, dy->target);
            put_text(&r, label);
            put_text(&r, start);
            put_int(&r, (long long)c->n);
            put_real(&r, c->threat_sum, 1);
            put_real(&r, c->threat_sum / n, c->n > 0);
            put_real(&r, c->reassurance_sum, 1);
            put_real(&r, c->reassurance_sum / n, c->n > 0);
            put_real(&r, c->tone_sum, 1);
            put_real(&r, c->tone_sum / n, c->n > 0);
            put_real(&r, c->hostility_sum, 1);
            put_real(&r, c->hostility_sum / n, c->n > 0);
            if ((rc = fn(payload, r.v, r.n)) < 0)
                return rc;
        }
    }
    return SPIRAL_OK;
}

void spiral_pair_summary(const spiral_tracker *t, const spiral_pair *pr, double *mean,
                         double *max, size_t *at, double *last, size_t *ndef)
{
    size_t np = spiral_tracker_nperiods(t), p;
    double sum = 0;

    *mean = *max = *last = 0;
    *at = 0;
    *ndef = 0;
    for (p = 0; p < np; p++) {
        const spiral_pair_period *q = &pr->periods[p];

        if (q->reason)
            continue;
        sum += q->score;
        if (*ndef == 0 || q->score > *max) {
            *max = q->score;
            *at = p;
        }
        *last = q->score;
        (*ndef)++;
    }
    if (*ndef)
        *mean = sum / (double)*ndef;
}

static int rows_pairs(const spiral_tracker *t, spiral_row_fn fn, void *payload)
{
    size_t i, np = spiral_tracker_nperiods(t);
    int rc;

    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);
        const spiral_dyad *ab = spiral_tracker_dyad(t, pr->dyad_ab);
        const spiral_dyad *ba = spiral_tracker_dyad(t, pr->dyad_ba);
        const spiral_reciprocity *rr[2] = { &pr->ab, &pr->ba };
        const spiral_richardson *rf = &pr->richardson;
        size_t p, both = 0, up = 0, down = 0, at, ndef;
        double mean, max, last;
        char label[32];
        int k, fit = rf->reason == NULL;
        row r;

        r.n = 0;
        for (p = 0; p < np; p++)
            both += ab->cells[p].n > 0 && ba->cells[p].n > 0;
        for (p = 0; p < pr->nepisodes; p++) {
            up += pr->episodes[p].kind == SPIRAL_ESCALATION;
            down += pr->episodes[p].kind == SPIRAL_DEESCALATION;
        }
        put_text(&r, pr->a);
        put_text(&r, pr->b);
        put_int(&r, (long long)ab->n);
        put_int(&r, (long long)ba->n);
        put_int(&r, (long long)np);
        put_int(&r, (long long)both);
        for (k = 0; k < 2; k++) {
            const spiral_reciprocity *rc2 = rr[k];
            int def = rc2->best >= 0;
            const spiral_corr *c = def ? &rc2->lags[rc2->best] : &rc2->lags[0];

            if (def)
                put_int(&r, rc2->best);
            else
                put_null(&r);
            put_real(&r, c->r, def);
            put_real(&r, c->lo, def);
            put_real(&r, c->hi, def);
            put_int(&r, (long long)c->n);
            put_text(&r, def ? NULL : c->reason);
        }
        put_real(&r, pr->responsiveness, pr->responsiveness_reason == NULL);
        put_text(&r, pr->responsiveness_reason);
        put_real(&r, rf->k, fit);
        put_real(&r, rf->a, fit);
        put_real(&r, rf->g, fit);
        put_real(&r, rf->l, fit);
        put_real(&r, rf->b, fit);
        put_real(&r, rf->h, fit);
        put_real(&r, rf->r2_x, fit);
        put_real(&r, rf->r2_y, fit);
        put_int(&r, (long long)rf->n);
        if (fit)
            put_bool(&r, rf->runaway);
        else
            put_null(&r);
        put_text(&r, rf->reason);
        put_real(&r, pr->noise, 1);
        put_int(&r, (long long)up);
        put_int(&r, (long long)down);
        put_text(&r, pr->episodes_reason);
        spiral_pair_summary(t, pr, &mean, &max, &at, &last, &ndef);
        labels(t, at, label, NULL);
        put_real(&r, mean, ndef > 0);
        put_real(&r, max, ndef > 0);
        put_text(&r, ndef > 0 ? label : NULL);
        put_real(&r, last, ndef > 0);
        put_int(&r, (long long)ndef);
        if ((rc = fn(payload, r.v, r.n)) < 0)
            return rc;
    }
    return SPIRAL_OK;
}

static int rows_pair_periods(const spiral_tracker *t, spiral_row_fn fn, void *payload)
{
    size_t i, p, np = spiral_tracker_nperiods(t);
    char label[32], start[32];
    int rc;

    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);
        const spiral_dyad *ab = spiral_tracker_dyad(t, pr->dyad_ab);
        const spiral_dyad *ba = spiral_tracker_dyad(t, pr->dyad_ba);

        for (p = 0; p < np; p++) {
            const spiral_pair_period *q = &pr->periods[p];
            row r;

            r.n = 0;
            labels(t, p, label, start);
            put_text(&r, pr->a);
            put_text(&r, pr->b);
            put_text(&r, label);
            put_text(&r, start);
            put_int(&r, (long long)ab->cells[p].n);
            put_int(&r, (long long)ba->cells[p].n);
            put_real(&r, spiral_cell_hostility(&ab->cells[p]), ab->cells[p].n > 0);
            put_real(&r, spiral_cell_hostility(&ba->cells[p]), ba->cells[p].n > 0);
            put_real(&r, q->smooth_ab, q->have_ab);
            put_real(&r, q->smooth_ba, q->have_ba);
            /* mutual and trend are known whenever both sides are, even
             * when responsiveness (and so the score) is not */
            put_real(&r, q->mutual, q->have_parts);
            put_real(&r, q->responsiveness, !q->reason);
            put_real(&r, q->trend, q->have_parts);
            put_real(&r, q->score, !q->reason);
            put_text(&r, q->reason);
            if ((rc = fn(payload, r.v, r.n)) < 0)
                return rc;
        }
    }
    return SPIRAL_OK;
}

static int rows_episodes(const spiral_tracker *t, spiral_row_fn fn, void *payload)
{
    size_t i, e;
    char s1[32], s2[32], s3[32];
    int rc;

    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);

        for (e = 0; e < pr->nepisodes; e++) {
            const spiral_episode *ep = &pr->episodes[e];
            row r;

            r.n = 0;
            labels(t, ep->start, s1, NULL);
            labels(t, ep->peak, s2, NULL);
            labels(t, ep->end, s3, NULL);
            put_text(&r, pr->a);
            put_text(&r, pr->b);
            put_int(&r, (long long)e + 1);
            put_text(&r, ep->kind == SPIRAL_ESCALATION ? "escalation" : "de-escalation");
            put_text(&r, s1);
            put_text(&r, s2);
            put_text(&r, s3);
            put_bool(&r, ep->open);
            put_int(&r, (long long)(ep->end - ep->start + 1));
            put_text(&r, ep->leader);
            put_int(&r, ep->response_lag);
            put_real(&r, ep->change_ab, 1);
            put_real(&r, ep->change_ba, 1);
            put_real(&r, ep->peak_ab, 1);
            put_real(&r, ep->peak_ba, 1);
            if ((rc = fn(payload, r.v, r.n)) < 0)
                return rc;
        }
    }
    return SPIRAL_OK;
}

static int rows_lags(const spiral_tracker *t, spiral_row_fn fn, void *payload)
{
    size_t i;
    int rc, d, k;

    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);

        for (d = 0; d < 2; d++) {
            const spiral_reciprocity *rp = d == 0 ? &pr->ab : &pr->ba;

            for (k = 0; k < rp->nlags; k++) {
                const spiral_corr *c = &rp->lags[k];
                row r;

                r.n = 0;
                put_text(&r, pr->a);
                put_text(&r, pr->b);
                put_text(&r, d == 0 ? "ab" : "ba");
                put_int(&r, k);
                put_int(&r, (long long)c->n);
                put_real(&r, c->r, !c->reason);
                put_real(&r, c->lo, !c->reason);
                put_real(&r, c->hi, !c->reason);
                put_bool(&r, k == rp->best);
                put_text(&r, c->reason);
                if ((rc = fn(payload, r.v, r.n)) < 0)
                    return rc;
            }
        }
    }
    return SPIRAL_OK;
}

int spiral_table_rows(const spiral_tracker *t, spiral_csv_table which, spiral_row_fn fn,
                      void *payload)
{
    switch (which) {
    case SPIRAL_CSV_DYADS:
        return rows_dyads(t, fn, payload);
    case SPIRAL_CSV_PAIRS:
        return rows_pairs(t, fn, payload);
    case SPIRAL_CSV_PAIR_PERIODS:
        return rows_pair_periods(t, fn, payload);
    case SPIRAL_CSV_EPISODES:
        return rows_episodes(t, fn, payload);
    case SPIRAL_CSV_LAGS:
        return rows_lags(t, fn, payload);
    default:
        return SPIRAL_EINVAL;
    }
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

static int csv_field(spiral_buf *b, const char *s)
{
    int rc = SPIRAL_OK;

    if (strpbrk(s, ",\"\r\n") == NULL)
        return spiral_buf_puts(b, s);
    rc |= spiral_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            rc |= spiral_buf_putc(b, '"');
        rc |= spiral_buf_putc(b, *s);
    }
    return rc | spiral_buf_putc(b, '"');
}

typedef struct csv_out {
    FILE *f;
    spiral_buf b;
} csv_out;

static int flush(csv_out *o)
{
    int rc = SPIRAL_OK;

    if (o->b.len && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
        rc = SPIRAL_EIO;
    spiral_buf_reset(&o->b);
    return rc;
}

static int csv_row(void *payload, const spiral_value *v, size_t n)
{
    csv_out *o = payload;
    char tmp[64];
    size_t i;
    int rc = SPIRAL_OK;

    for (i = 0; i < n; i++) {
        if (i)
            rc |= spiral_buf_putc(&o->b, ',');
        switch (v[i].type) {
        case SPIRAL_VALUE_INT:
            rc |= spiral_buf_printf(&o->b, "%lld", v[i].i);
            break;
        case SPIRAL_VALUE_REAL:
            rc |= spiral_buf_puts(&o->b, spiral_fmt_num(tmp, sizeof tmp, v[i].d));
            break;
        case SPIRAL_VALUE_TEXT:
            rc |= csv_field(&o->b, v[i].s);
            break;
        default:
            break;
        }
    }
    rc |= spiral_buf_putc(&o->b, '\n');
    if (rc < 0)
        return SPIRAL_ENOMEM;
    return o->b.len > 65536 ? flush(o) : SPIRAL_OK;
}

int spiral_track_write_csv(FILE *f, const spiral_tracker *t, spiral_csv_table which)
{
    static const spiral_buf empty = SPIRAL_BUF_INIT;
    const char *const *cols;
    csv_out o;
    size_t n, i;
    int rc = SPIRAL_OK;

    if ((cols = spiral_table_columns(which, &n)) == NULL)
        return SPIRAL_EINVAL;
    o.f = f;
    o.b = empty;
    for (i = 0; i < n; i++) {
        if (i)
            rc |= spiral_buf_putc(&o.b, ',');
        rc |= spiral_buf_puts(&o.b, cols[i]);
    }
    rc |= spiral_buf_putc(&o.b, '\n');
    if (rc < 0)
        rc = SPIRAL_ENOMEM;
    if (rc == SPIRAL_OK)
        rc = spiral_table_rows(t, which, csv_row, &o);
    if (rc == SPIRAL_OK)
        rc = flush(&o);
    spiral_buf_free(&o.b);
    return rc;
}
