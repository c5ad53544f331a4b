/*
 * emit_track.c - the emit stage for tracked series: the JSON document of
 * `spiral track` and the pairs table printed for people.
 *
 * Fed by a finished tracker.  The JSON document is one object (not JSON
 * Lines): options, the period labels, every dyad's series, every pair's
 * metrics and spiral scores.  It is written one dyad row or pair period a
 * line so that diffs stay readable; keys keep their order, numbers have at
 * most 4 decimals, undefined values are null with a reason beside them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "buf.h"
#include "emit_csv.h"
#include "emit_json.h"
#include "escalation.h"

static int flush(FILE *f, spiral_buf *b)
{
    int rc = SPIRAL_OK;

    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        rc = SPIRAL_EIO;
    spiral_buf_reset(b);
    return rc;
}

static int num_or_null(spiral_buf *b, double v, int defined)
{
    return defined ? spiral_json_num(b, v) : spiral_buf_puts(b, "null");
}

static int period_str(spiral_buf *b, const spiral_tracker *t, size_t p)
{
    char label[32];

    spiral_period_label(label, sizeof label, t->opts.period,
                        spiral_tracker_first_period(t) + (int64_t)p);
    return spiral_json_cstr(b, label);
}

static int emit_cell(spiral_buf *b, const spiral_tracker *t, size_t p, const spiral_cell *c)
{
    double n = (double)c->n;
    int rc = SPIRAL_OK, def = c->n > 0;

    rc |= spiral_buf_puts(b, "{\"period\":");
    rc |= period_str(b, t, p);
    rc |= spiral_buf_printf(b, ",\"n\":%lu", c->n);
    rc |= spiral_json_key(b, "threat_sum", 0);
    rc |= spiral_json_num(b, c->threat_sum);
    rc |= spiral_json_key(b, "threat_mean", 0);
    rc |= num_or_null(b, c->threat_sum / n, def);
    rc |= spiral_json_key(b, "reassurance_sum", 0);
    rc |= spiral_json_num(b, c->reassurance_sum);
    rc |= spiral_json_key(b, "reassurance_mean", 0);
    rc |= num_or_null(b, c->reassurance_sum / n, def);
    rc |= spiral_json_key(b, "tone_sum", 0);
    rc |= spiral_json_num(b, c->tone_sum);
    rc |= spiral_json_key(b, "tone_mean", 0);
    rc |= num_or_null(b, c->tone_sum / n, def);
    rc |= spiral_json_key(b, "hostility_sum", 0);
    rc |= spiral_json_num(b, c->hostility_sum);
    rc |= spiral_json_key(b, "hostility_mean", 0);
    rc |= num_or_null(b, c->hostility_sum / n, def);
    rc |= spiral_buf_putc(b, '}');
    return rc;
}

static int emit_corr(spiral_buf *b, const spiral_corr *c)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_printf(b, "{\"lag\":%d,\"n\":%zu", c->lag, c->n);
    rc |= spiral_json_key(b, "r", 0);
    rc |= num_or_null(b, c->r, !c->reason);
    rc |= spiral_json_key(b, "lo", 0);
    rc |= num_or_null(b, c->lo, !c->reason);
    rc |= spiral_json_key(b, "hi", 0);
    rc |= num_or_null(b, c->hi, !c->reason);
    rc |= spiral_json_key(b, "reason", 0);
    rc |= spiral_json_cstr(b, c->reason);
    rc |= spiral_buf_putc(b, '}');
    return rc;
}

static int emit_reciprocity(spiral_buf *b, const spiral_reciprocity *r)
{
    int rc = SPIRAL_OK, k;

    rc |= spiral_buf_puts(b, "{\"best_lag\":");
    if (r->best >= 0)
        rc |= spiral_buf_printf(b, "%d", r->best);
    else
        rc |= spiral_buf_puts(b, "null");
    rc |= spiral_buf_puts(b, ",\"lags\":[");
    for (k = 0; k < r->nlags; k++) {
        if (k)
            rc |= spiral_buf_putc(b, ',');
        rc |= emit_corr(b, &r->lags[k]);
    }
    rc |= spiral_buf_puts(b, "]}");
    return rc;
}

static int emit_richardson(spiral_buf *b, const spiral_richardson *f)
{
    static const char *const names[] = { "k", "a", "g", "l", "b", "h", "r2_x", "r2_y" };
    double v[8];
    int rc = SPIRAL_OK, i;

    v[0] = f->k, v[1] = f->a, v[2] = f->g, v[3] = f->l, v[4] = f->b, v[5] = f->h;
    v[6] = f->r2_x, v[7] = f->r2_y;
    rc |= spiral_buf_putc(b, '{');
    for (i = 0; i < 8; i++) {
        rc |= spiral_json_key(b, names[i], i == 0);
        rc |= num_or_null(b, v[i], !f->reason);
    }
    rc |= spiral_buf_printf(b, ",\"n\":%zu,\"runaway\":%s", f->n,
                            f->reason ? "null" : f->runaway ? "true" : "false");
    rc |= spiral_json_key(b, "reason", 0);
    rc |= spiral_json_cstr(b, f->reason);
    rc |= spiral_buf_putc(b, '}');
    return rc;
}

static int emit_episode(spiral_buf *b, const spiral_tracker *t, const spiral_episode *e)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "{\"kind\":");
    rc |= spiral_json_cstr(b, e->kind == SPIRAL_ESCALATION ? "escalation" : "de-escalation");
    rc |= spiral_buf_puts(b, ",\"start\":");
    rc |= period_str(b, t, e->start);
    rc |= spiral_buf_puts(b, ",\"peak\":");
    rc |= period_str(b, t, e->peak);
    rc |= spiral_buf_puts(b, ",\"end\":");
    rc |= period_str(b, t, e->end);
    rc |= spiral_buf_printf(b, ",\"open\":%s,\"periods\":%zu", e->open ? "true" : "false",
                            e->end - e->start + 1);
    rc |= spiral_json_key(b, "leader", 0);
    rc |= spiral_json_cstr(b, e->leader);
    rc |= spiral_buf_printf(b, ",\"response_lag\":%d", e->response_lag);
    rc |= spiral_json_key(b, "change_ab", 0);
    rc |= spiral_json_num(b, e->change_ab);
    rc |= spiral_json_key(b, "change_ba", 0);
    rc |= spiral_json_num(b, e->change_ba);
    rc |= spiral_json_key(b, "peak_ab", 0);
    rc |= spiral_json_num(b, e->peak_ab);
    rc |= spiral_json_key(b, "peak_ba", 0);
    rc |= spiral_json_num(b, e->peak_ba);
    rc |= spiral_buf_putc(b, '}');
    return rc;
}

static int emit_pair_period(spiral_buf *b, const spiral_tracker *t, size_t p,
                            const spiral_pair_period *q)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "{\"period\":");
    rc |= period_str(b, t, p);
    rc |= spiral_json_key(b, "score", 0);
    rc |= num_or_null(b, q->score, !q->reason);
    rc |= spiral_json_key(b, "mutual", 0);
    rc |= num_or_null(b, q->mutual, q->have_parts);
    rc |= spiral_json_key(b, "responsiveness", 0);
    rc |= num_or_null(b, q->responsiveness, !q->reason);
    rc |= spiral_json_key(b, "trend", 0);
    rc |= num_or_null(b, q->trend, q->have_parts);
    rc |= spiral_json_key(b, "smooth_ab", 0);
    rc |= num_or_null(b, q->smooth_ab, q->have_ab);
    rc |= spiral_json_key(b, "smooth_ba", 0);
    rc |= num_or_null(b, q->smooth_ba, q->have_ba);
    rc |= spiral_json_key(b, "reason", 0);
    rc |= spiral_json_cstr(b, q->reason);
    rc |= spiral_buf_putc(b, '}');
    return rc;
}

static int emit_pair(FILE *f, spiral_buf *b, const spiral_tracker *t, const spiral_pair *pr)
{
    size_t np = spiral_tracker_nperiods(t), p;
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "{\"a\":");
    rc |= spiral_json_cstr(b, pr->a);
    rc |= spiral_json_key(b, "b", 0);
    rc |= spiral_json_cstr(b, pr->b);
    rc |= spiral_buf_printf(b, ",\"n_ab\":%lu,\"n_ba\":%lu",
                            spiral_tracker_dyad(t, pr->dyad_ab)->n,
                            spiral_tracker_dyad(t, pr->dyad_ba)->n);
    rc |= spiral_buf_puts(b, ",\n   \"reciprocity\":{\"ab\":");
    rc |= emit_reciprocity(b, &pr->ab);
    rc |= spiral_buf_puts(b, ",\n                  \"ba\":");
    rc |= emit_reciprocity(b, &pr->ba);
    rc |= spiral_buf_puts(b, "},\n   \"responsiveness\":");
    rc |= num_or_null(b, pr->responsiveness, !pr->responsiveness_reason);
    rc |= spiral_json_key(b, "responsiveness_reason", 0);
    rc |= spiral_json_cstr(b, pr->responsiveness_reason);
    rc |= spiral_buf_puts(b, ",\n   \"richardson\":");
    rc |= emit_richardson(b, &pr->richardson);
    rc |= spiral_buf_puts(b, ",\n   \"noise\":");
    rc |= spiral_json_num(b, pr->noise);
    rc |= spiral_buf_puts(b, ",\"episodes_reason\":");
    rc |= spiral_json_cstr(b, pr->episodes_reason);
    rc |= spiral_buf_puts(b, ",\"episodes\":[");
    for (p = 0; p < pr->nepisodes; p++) {
        rc |= spiral_buf_puts(b, p ? ",\n    " : "\n    ");
        rc |= emit_episode(b, t, &pr->episodes[p]);
    }
    rc |= spiral_buf_puts(b, "],\n   \"spiral\":[");
    for (p = 0; p < np && rc == SPIRAL_OK; p++) {
        rc |= spiral_buf_puts(b, p ? ",\n    " : "\n    ");
        rc |= emit_pair_period(b, t, p, &pr->periods[p]);
        if (rc == SPIRAL_OK && b->len > 65536)
            rc = flush(f, b);
    }
    rc |= spiral_buf_puts(b, "]}");
    return rc;
}

int spiral_track_write_json(FILE *f, const spiral_tracker *t)
{
    const spiral_track_opts *o = &t->opts;
    spiral_buf b = SPIRAL_BUF_INIT;
    size_t np = spiral_tracker_nperiods(t), i, p;
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(&b, "{\"spiral_track\":1");
    rc |= spiral_json_key(&b, "period", 0);
    rc |= spiral_json_cstr(&b, spiral_period_name(o->period));
    rc |= spiral_buf_printf(&b, ",\"max_lag\":%d,\"smooth\":%d", o->max_lag, o->smooth);
    rc |= spiral_json_key(&b, "threshold", 0);
    rc |= spiral_json_num(&b, o->threshold);
    rc |= spiral_json_key(&b, "confidence", 0);
    rc |= spiral_json_num(&b, o->confidence);
    rc |= spiral_buf_printf(&b, ",\"statements\":%lu,\n \"periods\":[",
                            spiral_tracker_statements(t));
    for (p = 0; p < np; p++) {
        if (p)
            rc |= spiral_buf_putc(&b, ',');
        rc |= period_str(&b, t, p);
    }
    rc |= spiral_buf_puts(&b, "],\n \"dyads\":[");
    for (i = 0; i < spiral_tracker_ndyads(t) && rc == SPIRAL_OK; i++) {
        const spiral_dyad *d = spiral_tracker_dyad(t, i);

        rc |= spiral_buf_puts(&b, i ? ",\n  {\"speaker\":" : "\n  {\"speaker\":");
        rc |= spiral_json_cstr(&b, d->speaker);
        rc |= spiral_json_key(&b, "target", 0);
        rc |= spiral_json_cstr(&b, d->target);
        rc |= spiral_buf_printf(&b, ",\"n\":%lu,\"series\":[", d->n);
        for (p = 0; p < np && rc == SPIRAL_OK; p++) {
            rc |= spiral_buf_puts(&b, p ? ",\n   " : "\n   ");
            rc |= emit_cell(&b, t, p, &d->cells[p]);
            if (rc == SPIRAL_OK && b.len > 65536)
                rc = flush(f, &b);
        }
        rc |= spiral_buf_puts(&b, "]}");
    }
    rc |= spiral_buf_puts(&b, "],\n \"pairs\":[");
    for (i = 0; i < spiral_tracker_npairs(t) && rc == SPIRAL_OK; i++) {
        rc |= spiral_buf_puts(&b, i ? ",\n  " : "\n  ");
        rc |= emit_pair(f, &b, t, spiral_tracker_pair(t, i));
    }
    rc |= spiral_buf_puts(&b, "]}\n");
    if (rc == SPIRAL_OK)
        rc = flush(f, &b);
    else if (rc != SPIRAL_EIO)
        rc = SPIRAL_ENOMEM;
    spiral_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

/* "0.78 (lag 1, 0.55..0.90)" or "- (reason)" */
static void corr_text(char *buf, size_t size, const spiral_reciprocity *r)
{
    const spiral_corr *c;

    if (r->best < 0) {
        snprintf(buf, size, "-");
        return;
    }
    c = &r->lags[r->best];
    snprintf(buf, size, "%+.2f lag %d [%+.2f,%+.2f]", c->r, c->lag, c->lo, c->hi);
}

int spiral_track_write_table(FILE *f, const spiral_tracker *t)
{
    size_t np = spiral_tracker_nperiods(t), i, e;
    char first[32], last[32];

    if (np == 0) {
        fprintf(f, "no statements\n");
        return ferror(f) ? SPIRAL_EIO : SPIRAL_OK;
    }
    spiral_period_label(first, sizeof first, t->opts.period, spiral_tracker_first_period(t));
    spiral_period_label(last, sizeof last, t->opts.period,
                        spiral_tracker_first_period(t) + (int64_t)np - 1);
    fprintf(f, "%lu statements, %zu dyad%s, %zu pair%s; period %s, %s .. %s (%zu periods), "
               "lags 0..%d\n", spiral_tracker_statements(t), spiral_tracker_ndyads(t),
            spiral_tracker_ndyads(t) == 1 ? "" : "s", spiral_tracker_npairs(t),
            spiral_tracker_npairs(t) == 1 ? "" : "s", spiral_period_name(t->opts.period), first,
            last, np, t->opts.max_lag);
    if (spiral_tracker_npairs(t) == 0) {
        fprintf(f, "no pair has statements in both directions\n");
        return ferror(f) ? SPIRAL_EIO : SPIRAL_OK;
    }
    fprintf(f, "\n%-15s %6s %6s  %-27s %-27s %-7s %-9s %-20s %s\n", "pair A-B", "n A>B",
            "n B>A", "A answers B: r, CI", "B answers A: r, CI", "runaway", "R2 dX/dY",
            "spiral mean/max", "episodes");
    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);
        char name[64], c1[64], c2[64], r2[32], sp[48], at[32];
        double mean, max, lastv;
        size_t atp, ndef, up = 0, down = 0;

        snprintf(name, sizeof name, "%s-%s", pr->a, pr->b);
        corr_text(c1, sizeof c1, &pr->ab);
        corr_text(c2, sizeof c2, &pr->ba);
        if (pr->richardson.reason)
            snprintf(r2, sizeof r2, "-");
        else
            snprintf(r2, sizeof r2, "%.2f/%.2f", pr->richardson.r2_x, pr->richardson.r2_y);
        spiral_pair_summary(t, pr, &mean, &max, &atp, &lastv, &ndef);
        spiral_period_label(at, sizeof at, t->opts.period,
                            spiral_tracker_first_period(t) + (int64_t)atp);
        if (ndef)
            snprintf(sp, sizeof sp, "%.1f/%.1f (%s)", mean, max, at);
        else
            snprintf(sp, sizeof sp, "-");
        for (e = 0; e < pr->nepisodes; e++) {
            up += pr->episodes[e].kind == SPIRAL_ESCALATION;
            down += pr->episodes[e].kind == SPIRAL_DEESCALATION;
        }
        fprintf(f, "%-15s %6lu %6lu  %-27s %-27s %-7s %-9s %-20s %zu up, %zu down\n", name,
                spiral_tracker_dyad(t, pr->dyad_ab)->n, spiral_tracker_dyad(t, pr->dyad_ba)->n,
                c1, c2, pr->richardson.reason ? "-" : pr->richardson.runaway ? "yes" : "no",
                r2, sp, up, down);
    }
    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *pr = spiral_tracker_pair(t, i);
        const spiral_richardson *rf = &pr->richardson;

        fprintf(f, "\n%s-%s\n", pr->a, pr->b);
        if (rf->reason)
            fprintf(f, "  Richardson: %s\n", rf->reason);
        else
            fprintf(f, "  Richardson (dX = k*Y - a*X + g, dY = l*X - b*Y + h): k %.3f, a %.3f, "
                       "g %.3f; l %.3f, b %.3f, h %.3f; R2 %.2f/%.2f over %zu transitions; "
                       "k*l %s a*b: %s\n", rf->k, rf->a, rf->g, rf->l, rf->b, rf->h, rf->r2_x,
                    rf->r2_y, rf->n, rf->runaway ? ">" : "<=",
                    rf->runaway ? "runaway" : "stable");
        if (pr->responsiveness_reason)
            fprintf(f, "  responsiveness: %s\n", pr->responsiveness_reason);
        else
            fprintf(f, "  responsiveness: %.2f\n", pr->responsiveness);
        if (pr->episodes_reason)
            fprintf(f, "  episodes: %s\n", pr->episodes_reason);
        else if (pr->nepisodes == 0)
            fprintf(f, "  episodes: none (threshold %.2f)\n", t->opts.threshold * pr->noise);
        for (e = 0; e < pr->nepisodes; e++) {
            const spiral_episode *ep = &pr->episodes[e];
            char s1[32], s2[32], s3[32];
            int64_t base = spiral_tracker_first_period(t);

            spiral_period_label(s1, sizeof s1, t->opts.period, base + (int64_t)ep->start);
            spiral_period_label(s2, sizeof s2, t->opts.period, base + (int64_t)ep->peak);
            spiral_period_label(s3, sizeof s3, t->opts.period, base + (int64_t)ep->end);
            fprintf(f, "  %-13s %s .. %s%s, %s %s; ", ep->kind == SPIRAL_ESCALATION ?
                    "escalation" : "de-escalation", s1, s3, ep->open ? " (open)" : "",
                    ep->kind == SPIRAL_ESCALATION ? "peak" : "trough", s2);
            if (ep->leader)
                fprintf(f, "%s moved first, the other followed %d %s%s later\n", ep->leader,
                        ep->response_lag, spiral_period_name(t->opts.period),
                        ep->response_lag == 1 ? "" : "s");
            else
                fprintf(f, "both moved together\n");
        }
    }
    return ferror(f) ? SPIRAL_EIO : SPIRAL_OK;
}
