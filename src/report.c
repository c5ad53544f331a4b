/*
 * report.c - the report stage: a finished tracker as one self-contained
 * HTML page, or a pair's charts as standalone SVG.
 *
 * For each pair the page shows both directions' hostility over time
 * (per-period means as dots, the smoothed series as lines), the spiral
 * score, the episodes shaded, and for each episode's peak the statements
 * and hits that drove it (the exemplars the tracker kept per dyad and
 * period).  Dyads without a counterpart get a small chart of their own.
 * Everything is inline: SVG with presentation attributes, one <style>
 * block, system fonts, no scripts, no links to anything outside the page;
 * the markup is well-formed XML so that tests can parse it with libxml2.
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "buf.h"
#include "emit_csv.h"
#include "escalation.h"

#define COLOR_AB "#c84b00"   /* A->B: dark orange */
#define COLOR_BA "#0b62a4"   /* B->A: blue */
#define COLOR_UP "#d62728"   /* escalation shading */
#define COLOR_DOWN "#2ca02c" /* de-escalation shading */
#define COLOR_SCORE "#6a3d9a"

/* ------------------------------------------------------------------ */
/* Writing helpers                                                     */
/* ------------------------------------------------------------------ */

/* Text escaped for XML content and attribute values. */
static int esc(spiral_buf *b, const char *s)
{
    int rc = SPIRAL_OK;

    if (s == NULL)
        return SPIRAL_OK;
    for (; *s; s++) {
        switch (*s) {
        case '&': rc |= spiral_buf_puts(b, "&amp;"); break;
        case '<': rc |= spiral_buf_puts(b, "&lt;"); break;
        case '>': rc |= spiral_buf_puts(b, "&gt;"); break;
        case '"': rc |= spiral_buf_puts(b, "&quot;"); break;
        case '\'': rc |= spiral_buf_puts(b, "&#39;"); break;
        default:
            /* control characters are not allowed in XML 1.0 */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                rc |= spiral_buf_putc(b, ' ');
            else
                rc |= spiral_buf_putc(b, *s);
        }
    }
    return rc;
}

static int flush(FILE *f, spiral_buf *b)
{
    int rc = SPIRAL_OK;

    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        rc = SPIRAL_EIO;
    spiral_buf_reset(b);
    return rc;
}

static void label_of(const spiral_tracker *t, size_t p, char *buf)
{
    spiral_period_label(buf, 32, t->opts.period, spiral_tracker_first_period(t) + (int64_t)p);
}

/* A step for about five ticks over range: 1, 2 or 5 times a power of ten. */
static double nice_step(double range)
{
    double raw = range / 5.0, mag, f;

    if (!(raw > 0))
        return 1.0;
    mag = pow(10.0, floor(log10(raw)));
    f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

/* ------------------------------------------------------------------ */
/* Charts                                                              */
/* ------------------------------------------------------------------ */

typedef struct frame {
    double left, top, width, height; /* the plot area */
    double ymin, ymax;
    size_t np;
} frame;

static double fx(const frame *fr, double p)
{
    return fr->left + (p + 0.5) * fr->width / (double)(fr->np ? fr->np : 1);
}

static double fy(const frame *fr, double v)
{
    return fr->top + fr->height - (v - fr->ymin) / (fr->ymax - fr->ymin) * fr->height;
}

/* Axes, horizontal grid lines with labels, and period labels along x. */
static int axes(spiral_buf *b, const spiral_tracker *t, const frame *fr, const char *ylabel,
                int xlabels)
{
    double step = nice_step(fr->ymax - fr->ymin), v;
    size_t p, every = fr->np / 12 + 1;
    char label[32];
    int rc = SPIRAL_OK;

    rc |= spiral_buf_printf(b, "<g font-size=\"11\" fill=\"#444\">\n");
    for (v = ceil(fr->ymin / step) * step; v <= fr->ymax + step * 1e-9; v += step) {
        double y = fy(fr, v);

        rc |= spiral_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"%s\" stroke-width=\"1\"/>\n", fr->left, y,
                                fr->left + fr->width, y, fabs(v) < step * 1e-9 ? "#888" : "#e4e4e4");
        rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                                fr->left - 6, y + 4, fabs(v) < step * 1e-9 ? 0.0 : v);
    }
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                               "transform=\"rotate(-90 %.1f %.1f)\">", fr->left - 40,
                            fr->top + fr->height / 2, fr->left - 40, fr->top + fr->height / 2);
    rc |= esc(b, ylabel);
    rc |= spiral_buf_puts(b, "</text>\n");
    for (p = 0; xlabels && p < fr->np; p += every) {
        label_of(t, p, label);
        rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                                fx(fr, (double)p), fr->top + fr->height + 16, label);
        rc |= spiral_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"#888\" stroke-width=\"1\"/>\n", fx(fr, (double)p),
                                fr->top + fr->height, fx(fr, (double)p), fr->top + fr->height + 4);
    }
    rc |= spiral_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                               "fill=\"none\" stroke=\"#888\" stroke-width=\"1\"/>\n</g>\n",
                            fr->left, fr->top, fr->width, fr->height);
    return rc;
}

/* The shaded spans of the episodes. */
static int shade(spiral_buf *b, const frame *fr, const spiral_pair *pr)
{
    size_t e;
    int rc = SPIRAL_OK;

    for (e = 0; e < pr->nepisodes; e++) {
        const spiral_episode *ep = &pr->episodes[e];
        double x0 = fx(fr, (double)ep->start - 0.5), x1 = fx(fr, (double)ep->end + 0.5);

        rc |= spiral_buf_printf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                   "height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.13\"/>\n",
                                ep->kind == SPIRAL_ESCALATION ? "escalation" : "deescalation",
                                x0, fr->top, x1 - x0, fr->height,
                                ep->kind == SPIRAL_ESCALATION ? COLOR_UP : COLOR_DOWN);
        rc |= spiral_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n",
                                fx(fr, (double)ep->peak), fr->top, fx(fr, (double)ep->peak),
                                fr->top + fr->height,
                                ep->kind == SPIRAL_ESCALATION ? COLOR_UP : COLOR_DOWN);
    }
    return rc;
}

/* A line through the defined values of v (NAN breaks it). */
static int polyline(spiral_buf *b, const frame *fr, const double *v, const char *color,
                    double width, const char *cls)
{
    size_t p;
    int rc = SPIRAL_OK, open = 0;

    rc |= spiral_buf_printf(b, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" "
                               "stroke-width=\"%.1f\" d=\"", cls, color, width);
    for (p = 0; p < fr->np; p++) {
        if (!isfinite(v[p])) {
            open = 0;
            continue;
        }
        rc |= spiral_buf_printf(b, "%s%.1f %.1f ", open ? "L" : "M", fx(fr, (double)p),
                                fy(fr, v[p]));
        open = 1;
    }
    rc |= spiral_buf_puts(b, "\"/>\n");
    return rc;
}

static int dots(spiral_buf *b, const frame *fr, const spiral_dyad *d, const char *color)
{
    size_t p;
    int rc = SPIRAL_OK;

    rc |= spiral_buf_printf(b, "<g fill=\"%s\" fill-opacity=\"0.55\">\n", color);
    for (p = 0; p < fr->np; p++)
        if (d->cells[p].n)
            rc |= spiral_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\"/>\n",
                                    fx(fr, (double)p), fy(fr, spiral_cell_hostility(&d->cells[p])));
    rc |= spiral_buf_puts(b, "</g>\n");
    return rc;
}

static int legend_item(spiral_buf *b, double x, double y, const char *color, const char *text)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"%s\" stroke-width=\"2.5\"/>\n", x, y - 4, x + 18, y - 4,
                            color);
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#222\">",
                            x + 23, y);
    rc |= esc(b, text);
    rc |= spiral_buf_puts(b, "</text>\n");
    return rc;
}

/* The y range of the defined values of some series, widened to include
 * [-1, 1] and padded. */
static void yrange(frame *fr, const double *const *series, size_t nseries)
{
    double lo = -1.0, hi = 1.0;
    size_t i, p;

    for (i = 0; i < nseries; i++)
        for (p = 0; p < fr->np; p++)
            if (isfinite(series[i][p])) {
                lo = fmin(lo, series[i][p]);
                hi = fmax(hi, series[i][p]);
            }
    fr->ymin = lo - (hi - lo) * 0.05;
    fr->ymax = hi + (hi - lo) * 0.05;
}

#define SVG_W 900.0

/* Both directions' hostility and the spiral score of a pair. */
static int chart_pair(spiral_buf *b, const spiral_tracker *t, const spiral_pair *pr,
                      double *work)
{
    const spiral_dyad *ab = spiral_tracker_dyad(t, pr->dyad_ab);
    const spiral_dyad *ba = spiral_tracker_dyad(t, pr->dyad_ba);
    size_t np = spiral_tracker_nperiods(t), p;
    double *rawx = work, *rawy = work + np, *sx = work + 2 * np, *sy = work + 3 * np;
    double *score = work + 4 * np;
    const double *series[4];
    frame h, s;
    char l1[96], l2[96];
    int rc = SPIRAL_OK;

    for (p = 0; p < np; p++) {
        const spiral_pair_period *q = &pr->periods[p];

        rawx[p] = spiral_cell_hostility(&ab->cells[p]);
        rawy[p] = spiral_cell_hostility(&ba->cells[p]);
        sx[p] = q->have_ab ? q->smooth_ab : NAN;
        sy[p] = q->have_ba ? q->smooth_ba : NAN;
        score[p] = q->reason ? NAN : q->score;
    }
    h.left = 62, h.top = 34, h.width = SVG_W - 62 - 20, h.height = 220, h.np = np;
    series[0] = rawx, series[1] = rawy, series[2] = sx, series[3] = sy;
    yrange(&h, series, 4);
    s = h;
    s.top = h.top + h.height + 52;
    s.height = 110;
    s.ymin = 0;
    s.ymax = 100;
    rc |= spiral_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                               "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                               "role=\"img\" font-family=\"DejaVu Sans, Liberation Sans, Arial, "
                               "sans-serif\">\n<title>", SVG_W, s.top + s.height + 40, SVG_W,
                            s.top + s.height + 40);
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, " and ");
    rc |= esc(b, pr->b);
    rc |= spiral_buf_puts(b, ": hostility each way and the spiral score</title>\n");
    rc |= spiral_buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                               "fill=\"#ffffff\"/>\n", SVG_W, s.top + s.height + 40);
    /* hostility panel */
    rc |= spiral_buf_puts(b, "<g class=\"hostility\">\n");
    rc |= shade(b, &h, pr);
    rc |= axes(b, t, &h, "hostility (T - R per statement)", 1);
    rc |= dots(b, &h, ab, COLOR_AB);
    rc |= dots(b, &h, ba, COLOR_BA);
    rc |= polyline(b, &h, sx, COLOR_AB, 2.5, "ab");
    rc |= polyline(b, &h, sy, COLOR_BA, 2.5, "ba");
    snprintf(l1, sizeof l1, "%s \xe2\x86\x92 %s", pr->a, pr->b);
    snprintf(l2, sizeof l2, "%s \xe2\x86\x92 %s", pr->b, pr->a);
    rc |= legend_item(b, h.left, 20, COLOR_AB, l1);
    rc |= legend_item(b, h.left + 150, 20, COLOR_BA, l2);
    rc |= spiral_buf_printf(b, "<rect x=\"%.1f\" y=\"10\" width=\"14\" height=\"12\" fill=\"%s\" "
                               "fill-opacity=\"0.25\"/>\n", h.left + 300, COLOR_UP);
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"12\" fill=\"#222\">"
                               "escalation</text>\n", h.left + 319);
    rc |= spiral_buf_printf(b, "<rect x=\"%.1f\" y=\"10\" width=\"14\" height=\"12\" fill=\"%s\" "
                               "fill-opacity=\"0.25\"/>\n", h.left + 400, COLOR_DOWN);
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"12\" fill=\"#222\">"
                               "de-escalation</text>\n", h.left + 419);
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"20\" font-size=\"12\" fill=\"#555\">"
                               "dots: per-%s means; lines: smoothed</text>\n", h.left + 525,
                            spiral_period_name(t->opts.period));
    rc |= spiral_buf_puts(b, "</g>\n");
    /* spiral score panel */
    rc |= spiral_buf_puts(b, "<g class=\"spiral\">\n");
    rc |= shade(b, &s, pr);
    rc |= axes(b, t, &s, "spiral score", 1);
    {
        double w = s.width / (double)(np ? np : 1) * 0.7;

        rc |= spiral_buf_printf(b, "<g fill=\"%s\" fill-opacity=\"0.75\">\n", COLOR_SCORE);
        for (p = 0; p < np; p++)
            if (isfinite(score[p]))
                rc |= spiral_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                           "height=\"%.1f\"/>\n", fx(&s, (double)p) - w / 2,
                                        fy(&s, score[p]), w, fy(&s, 0) - fy(&s, score[p]));
        rc |= spiral_buf_puts(b, "</g>\n");
    }
    rc |= spiral_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#222\">"
                               "spiral score (0-100) per %s</text>\n", s.left, s.top - 8,
                            spiral_period_name(t->opts.period));
    rc |= spiral_buf_puts(b, "</g>\n</svg>\n");
    return rc;
}

/* One direction's hostility, for a dyad without a counterpart. */
static int chart_dyad(spiral_buf *b, const spiral_tracker *t, const spiral_dyad *d,
                      double *work)
{
    size_t np = spiral_tracker_nperiods(t), p;
    double *raw = work, *sm = work + np;
    const double *series[2];
    frame h;
    char l1[160];
    int rc = SPIRAL_OK;

    for (p = 0; p < np; p++)
        raw[p] = spiral_cell_hostility(&d->cells[p]);
    spiral_series_smooth(sm, raw, np, t->opts.smooth, spiral_max_gap(t->opts.smooth));
    h.left = 62, h.top = 30, h.width = SVG_W - 62 - 20, h.height = 150, h.np = np;
    series[0] = raw, series[1] = sm;
    yrange(&h, series, 2);
    rc |= spiral_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                               "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                               "role=\"img\" font-family=\"DejaVu Sans, Liberation Sans, Arial, "
                               "sans-serif\">\n<title>", SVG_W, h.top + h.height + 30, SVG_W,
                            h.top + h.height + 30);
    snprintf(l1, sizeof l1, "%s \xe2\x86\x92 %s", d->speaker, d->target);
    rc |= esc(b, l1);
    rc |= spiral_buf_puts(b, ": hostility</title>\n");
    rc |= spiral_buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                               "fill=\"#ffffff\"/>\n", SVG_W, h.top + h.height + 30);
    rc |= axes(b, t, &h, "hostility", 1);
    rc |= dots(b, &h, d, COLOR_AB);
    rc |= polyline(b, &h, sm, COLOR_AB, 2.0, "ab");
    rc |= legend_item(b, h.left, 18, COLOR_AB, l1);
    rc |= spiral_buf_puts(b, "</svg>\n");
    return rc;
}

int spiral_report_write_svg(FILE *f, const spiral_tracker *t, size_t pair)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    size_t np = spiral_tracker_nperiods(t);
    double *work;
    int rc;

    if (pair >= spiral_tracker_npairs(t))
        return SPIRAL_EINVAL;
    if ((work = spiral_reallocarray(NULL, 5 * (np ? np : 1), sizeof *work)) == NULL)
        return SPIRAL_ENOMEM;
    rc = spiral_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    rc |= chart_pair(&b, t, spiral_tracker_pair(t, pair), work);
    rc = rc < 0 ? SPIRAL_ENOMEM : flush(f, &b);
    spiral_free(work);
    spiral_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The page                                                            */
/* ------------------------------------------------------------------ */

static const char style[] =
    "body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,\"Noto Sans CJK SC\","
    "\"WenQuanYi Zen Hei\",sans-serif;margin:2em auto;"
    "max-width:960px;color:#222;line-height:1.4;padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.9em}\n"
    "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".meta{color:#555}.note{color:#555;font-size:.9em}\n"
    ".cols{display:flex;gap:1em}.cols>div{flex:1;min-width:0}\n"
    ".stmt{border-left:3px solid #ccc;padding:.2em .6em;margin:.5em 0;font-size:.9em}\n"
    ".stmt.ab{border-color:" COLOR_AB "}.stmt.ba{border-color:" COLOR_BA "}\n"
    "mark{background:#fde2d6;padding:0 .15em}mark.r{background:#d9f0d3}\n"
    "figure{margin:1em 0}svg{max-width:100%;height:auto}\n"
    ".up{color:" COLOR_UP "}.down{color:" COLOR_DOWN "}\n";

static int fmt_num(spiral_buf *b, double v)
{
    char tmp[64];

    return spiral_buf_puts(b, spiral_fmt_num(tmp, sizeof tmp, v));
}

/* The statements kept for dyad d in period p: the most hostile (hot) or
 * the most reassuring. */
static int exemplars(spiral_buf *b, const spiral_tracker *t, size_t d, size_t p, int hot,
                     const char *cls)
{
    const spiral_cell_ex *x = spiral_tracker_cell_ex(t, d, p);
    const spiral_dyad *dy = spiral_tracker_dyad(t, d);
    const spiral_exemplar *e;
    unsigned i, n;
    size_t k;
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "<div><p><b>");
    rc |= esc(b, dy->speaker);
    rc |= spiral_buf_puts(b, " \xe2\x86\x92 ");
    rc |= esc(b, dy->target);
    rc |= spiral_buf_printf(b, "</b> (%lu statement%s)</p>\n", dy->cells[p].n,
                            dy->cells[p].n == 1 ? "" : "s");
    n = x ? (hot ? x->nhot : x->ncool) : 0;
    e = x ? (hot ? x->hot : x->cool) : NULL;
    if (n == 0)
        rc |= spiral_buf_puts(b, "<p class=\"note\">no statements in this period</p>\n");
    for (i = 0; i < n; i++) {
        rc |= spiral_buf_printf(b, "<div class=\"stmt %s\"><b>", cls);
        rc |= esc(b, e[i].id);
        rc |= spiral_buf_puts(b, "</b> ");
        rc |= esc(b, e[i].date);
        if (e[i].title) {
            rc |= spiral_buf_puts(b, " \xe2\x80\x94 ");
            rc |= esc(b, e[i].title);
        }
        rc |= spiral_buf_puts(b, "<br/>threat ");
        rc |= fmt_num(b, e[i].threat);
        rc |= spiral_buf_puts(b, ", reassurance ");
        rc |= fmt_num(b, e[i].reassurance);
        for (k = 0; k < e[i].nhits; k++) {
            rc |= spiral_buf_puts(b, k ? " " : "<br/>");
            rc |= spiral_buf_puts(b, hot ? "<mark>" : "<mark class=\"r\">");
            rc |= esc(b, e[i].hits[k].text);
            rc |= spiral_buf_puts(b, "</mark> <small>");
            rc |= esc(b, e[i].hits[k].category);
            rc |= spiral_buf_puts(b, " ");
            rc |= fmt_num(b, e[i].hits[k].score);
            rc |= spiral_buf_puts(b, "</small>");
        }
        rc |= spiral_buf_puts(b, "</div>\n");
    }
    rc |= spiral_buf_puts(b, "</div>\n");
    return rc;
}

/* The statements behind one peak, both directions side by side. */
static int peak_block(spiral_buf *b, const spiral_tracker *t, const spiral_pair *pr, size_t p,
                      int hot, const char *heading)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "<h4>");
    rc |= esc(b, heading);
    rc |= spiral_buf_puts(b, "</h4>\n<div class=\"cols\">\n");
    rc |= exemplars(b, t, pr->dyad_ab, p, hot, "ab");
    rc |= exemplars(b, t, pr->dyad_ba, p, hot, "ba");
    rc |= spiral_buf_puts(b, "</div>\n");
    return rc;
}

static int corr_cell(spiral_buf *b, const spiral_reciprocity *r)
{
    const spiral_corr *c;
    int rc = SPIRAL_OK;

    if (r->best < 0) {
        rc |= spiral_buf_puts(b, "<td>");
        rc |= esc(b, r->lags[0].reason);
        return rc | spiral_buf_puts(b, "</td>");
    }
    c = &r->lags[r->best];
    rc |= spiral_buf_puts(b, "<td>");
    rc |= fmt_num(b, c->r);
    rc |= spiral_buf_printf(b, " at lag %d [", c->lag);
    rc |= fmt_num(b, c->lo);
    rc |= spiral_buf_puts(b, ", ");
    rc |= fmt_num(b, c->hi);
    rc |= spiral_buf_printf(b, "], n %zu</td>", c->n);
    return rc;
}

static int pair_section(spiral_buf *b, const spiral_tracker *t, const spiral_pair *pr,
                        double *work)
{
    const spiral_richardson *rf = &pr->richardson;
    const spiral_dyad *ab = spiral_tracker_dyad(t, pr->dyad_ab);
    const spiral_dyad *ba = spiral_tracker_dyad(t, pr->dyad_ba);
    size_t e, np = spiral_tracker_nperiods(t);
    char s1[32], s2[32], s3[32], head[160];
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, "<section id=\"pair-");
    rc |= esc(b, pr->a);
    rc |= spiral_buf_putc(b, '-');
    rc |= esc(b, pr->b);
    rc |= spiral_buf_puts(b, "\">\n<h2>");
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, " \xe2\x86\x94 ");
    rc |= esc(b, pr->b);
    rc |= spiral_buf_printf(b, "</h2>\n<p class=\"meta\">%lu statements ", ab->n);
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, " \xe2\x86\x92 ");
    rc |= esc(b, pr->b);
    rc |= spiral_buf_printf(b, ", %lu ", ba->n);
    rc |= esc(b, pr->b);
    rc |= spiral_buf_puts(b, " \xe2\x86\x92 ");
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, ".</p>\n<figure>\n");
    rc |= chart_pair(b, t, pr, work);
    rc |= spiral_buf_puts(b, "</figure>\n<table>\n<tr><th>");
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, " answers ");
    rc |= esc(b, pr->b);
    rc |= spiral_buf_puts(b, " (r, lag, CI)</th>");
    rc |= corr_cell(b, &pr->ab);
    rc |= spiral_buf_puts(b, "</tr>\n<tr><th>");
    rc |= esc(b, pr->b);
    rc |= spiral_buf_puts(b, " answers ");
    rc |= esc(b, pr->a);
    rc |= spiral_buf_puts(b, " (r, lag, CI)</th>");
    rc |= corr_cell(b, &pr->ba);
    rc |= spiral_buf_puts(b, "</tr>\n<tr><th>Richardson fit</th><td>");
    if (rf->reason)
        rc |= esc(b, rf->reason);
    else {
        rc |= spiral_buf_puts(b, "dX = ");
        rc |= fmt_num(b, rf->k);
        rc |= spiral_buf_puts(b, "&#183;Y &#8722; ");
        rc |= fmt_num(b, rf->a);
        rc |= spiral_buf_puts(b, rf->g < 0 ? "&#183;X &#8722; " : "&#183;X + ");
        rc |= fmt_num(b, fabs(rf->g));
        rc |= spiral_buf_puts(b, " (R&#178; ");
        rc |= fmt_num(b, rf->r2_x);
        rc |= spiral_buf_puts(b, "); dY = ");
        rc |= fmt_num(b, rf->l);
        rc |= spiral_buf_puts(b, "&#183;X &#8722; ");
        rc |= fmt_num(b, rf->b);
        rc |= spiral_buf_puts(b, rf->h < 0 ? "&#183;Y &#8722; " : "&#183;Y + ");
        rc |= fmt_num(b, fabs(rf->h));
        rc |= spiral_buf_puts(b, " (R&#178; ");
        rc |= fmt_num(b, rf->r2_y);
        rc |= spiral_buf_printf(b, "); k&#183;l %s a&#183;b: %s; %zu transitions",
                                rf->runaway ? "&gt;" : "&#8804;",
                                rf->runaway ? "runaway (unstable)" : "stable", rf->n);
    }
    rc |= spiral_buf_puts(b, "</td></tr>\n<tr><th>responsiveness</th><td>");
    if (pr->responsiveness_reason)
        rc |= esc(b, pr->responsiveness_reason);
    else
        rc |= fmt_num(b, pr->responsiveness);
    rc |= spiral_buf_puts(b, "</td></tr>\n</table>\n");
    /* episodes */
    if (pr->episodes_reason) {
        rc |= spiral_buf_puts(b, "<p class=\"note\">Episodes: ");
        rc |= esc(b, pr->episodes_reason);
        rc |= spiral_buf_puts(b, "</p>\n");
    } else if (pr->nepisodes == 0)
        rc |= spiral_buf_puts(b, "<p class=\"note\">No escalation or de-escalation episode "
                                 "passed the threshold.</p>\n");
    else {
        rc |= spiral_buf_puts(b, "<table>\n<tr><th>episode</th><th>start</th><th>peak</th>"
                                 "<th>end</th><th>who moved first</th></tr>\n");
        for (e = 0; e < pr->nepisodes; e++) {
            const spiral_episode *ep = &pr->episodes[e];
            int up = ep->kind == SPIRAL_ESCALATION;

            label_of(t, ep->start, s1);
            label_of(t, ep->peak, s2);
            label_of(t, ep->end, s3);
            rc |= spiral_buf_printf(b, "<tr><td class=\"%s\">%s</td><td>%s</td><td>%s</td>"
                                       "<td>%s%s</td><td>", up ? "up" : "down",
                                    up ? "escalation" : "de-escalation", s1, s2, s3,
                                    ep->open ? " (open)" : "");
            if (ep->leader) {
                rc |= esc(b, ep->leader);
                rc |= spiral_buf_printf(b, ", the other %d %s%s later", ep->response_lag,
                                        spiral_period_name(t->opts.period),
                                        ep->response_lag == 1 ? "" : "s");
            } else
                rc |= spiral_buf_puts(b, "together");
            rc |= spiral_buf_puts(b, "</td></tr>\n");
        }
        rc |= spiral_buf_puts(b, "</table>\n");
    }
    /* what drove each peak */
    rc |= spiral_buf_puts(b, "<h3>What drove the peaks</h3>\n");
    for (e = 0; e < pr->nepisodes; e++) {
        const spiral_episode *ep = &pr->episodes[e];
        int up = ep->kind == SPIRAL_ESCALATION;

        label_of(t, ep->peak, s2);
        snprintf(head, sizeof head, "%s %s %s", up ? "Escalation peak" : "De-escalation low",
                 s2, up ? "(the most hostile statements)" : "(the most reassuring statements)");
        rc |= peak_block(b, t, pr, ep->peak, up, head);
    }
    if (pr->nepisodes == 0 && np > 0) {
        /* no episode: the period of the highest mutual hostility */
        size_t p, best = np;
        double bv = 0;

        for (p = 0; p < np; p++) {
            const spiral_pair_period *q = &pr->periods[p];
            double m;

            if (!q->have_ab || !q->have_ba)
                continue;
            m = fmin(q->smooth_ab, q->smooth_ba);
            if (best == np || m > bv) {
                best = p;
                bv = m;
            }
        }
        if (best < np) {
            label_of(t, best, s2);
            snprintf(head, sizeof head, "Highest mutual hostility: %s", s2);
            rc |= peak_block(b, t, pr, best, 1, head);
        }
    }
    rc |= spiral_buf_puts(b, "</section>\n");
    return rc;
}

/* Whether dyad i belongs to a pair. */
static int in_pair(const spiral_tracker *t, size_t i)
{
    size_t k;

    for (k = 0; k < spiral_tracker_npairs(t); k++)
        if (spiral_tracker_pair(t, k)->dyad_ab == i || spiral_tracker_pair(t, k)->dyad_ba == i)
            return 1;
    return 0;
}

int spiral_report_write_html(FILE *f, const spiral_tracker *t, const spiral_report_opts *opts)
{
    spiral_report_opts def = SPIRAL_REPORT_OPTS_INIT;
    size_t np = spiral_tracker_nperiods(t), i, k, shown = 0, *order = NULL, nd;
    spiral_buf b = SPIRAL_BUF_INIT;
    const char *title;
    double *work;
    char first[32], last[32];
    int rc = SPIRAL_OK;

    if (opts == NULL)
        opts = &def;
    title = opts->title ? opts->title : "spiral report";
    if ((work = spiral_reallocarray(NULL, 5 * (np ? np : 1), sizeof *work)) == NULL)
        return SPIRAL_ENOMEM;
    rc |= spiral_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                              "<meta charset=\"utf-8\"/>\n"
                              "<meta name=\"viewport\" content=\"width=device-width, "
                              "initial-scale=1\"/>\n<title>");
    rc |= esc(&b, title);
    rc |= spiral_buf_printf(&b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    rc |= esc(&b, title);
    rc |= spiral_buf_puts(&b, "</h1>\n");
    if (np == 0) {
        rc |= spiral_buf_puts(&b, "<p>No statements.</p>\n");
    } else {
        label_of(t, 0, first);
        label_of(t, np - 1, last);
        rc |= spiral_buf_printf(&b, "<p class=\"meta\">%lu statements in %zu dyad%s and %zu pair%s; "
                                    "%s periods %s to %s (%zu); reciprocity at lags 0 to %d; "
                                    "smoothing over %d periods; episode threshold %g noise "
                                    "units. spiral %s.</p>\n",
                                spiral_tracker_statements(t), spiral_tracker_ndyads(t),
                                spiral_tracker_ndyads(t) == 1 ? "" : "s", spiral_tracker_npairs(t),
                                spiral_tracker_npairs(t) == 1 ? "" : "s",
                                spiral_period_name(t->opts.period), first, last, np, t->opts.max_lag, t->opts.smooth,
                                t->opts.threshold, spiral_version());
    }
    rc |= spiral_buf_puts(&b,
        "<p class=\"note\">Hostility is the mean of threat &#8722; reassurance per statement "
        "of a speaker toward a target in a period. The spiral score (0&#8211;100) is "
        "100 &#183; M &#183; (1 + R + T) / 3: M the lesser side&#8217;s smoothed hostility "
        "m as m/(m+2), R how strongly each side answers the other (the geometric mean of "
        "the best lagged correlations), T the trend of mutual hostility. Shaded spans are "
        "episodes in which both sides rose (red) or fell (green) together, each within the "
        "lag window of the other; dashed lines mark their peaks. README.md gives every "
        "formula.</p>\n");
    if (spiral_tracker_npairs(t) > 0) {
        rc |= spiral_buf_puts(&b, "<h2>Pairs</h2>\n<table>\n<tr><th>pair</th><th>statements</th>"
                                  "<th>spiral mean</th><th>spiral max</th><th>episodes</th>"
                                  "<th>Richardson</th></tr>\n");
        for (i = 0; i < spiral_tracker_npairs(t); i++) {
            const spiral_pair *pr = spiral_tracker_pair(t, i);
            double mean, max, lastv;
            size_t at, ndef, up = 0, down = 0;

            spiral_pair_summary(t, pr, &mean, &max, &at, &lastv, &ndef);
            for (k = 0; k < pr->nepisodes; k++) {
                up += pr->episodes[k].kind == SPIRAL_ESCALATION;
                down += pr->episodes[k].kind == SPIRAL_DEESCALATION;
            }
            rc |= spiral_buf_puts(&b, "<tr><td><a href=\"#pair-");
            rc |= esc(&b, pr->a);
            rc |= spiral_buf_putc(&b, '-');
            rc |= esc(&b, pr->b);
            rc |= spiral_buf_puts(&b, "\">");
            rc |= esc(&b, pr->a);
            rc |= spiral_buf_puts(&b, " \xe2\x86\x94 ");
            rc |= esc(&b, pr->b);
            rc |= spiral_buf_printf(&b, "</a></td><td class=\"n\">%lu / %lu</td>",
                                    spiral_tracker_dyad(t, pr->dyad_ab)->n,
                                    spiral_tracker_dyad(t, pr->dyad_ba)->n);
            if (ndef) {
                label_of(t, at, first);
                rc |= spiral_buf_printf(&b, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f (%s)"
                                            "</td>", mean, max, first);
            } else
                rc |= spiral_buf_puts(&b, "<td>-</td><td>-</td>");
            rc |= spiral_buf_printf(&b, "<td>%zu up, %zu down</td><td>%s</td></tr>\n", up, down,
                                    pr->richardson.reason ? "not fitted" :
                                    pr->richardson.runaway ? "runaway" : "stable");
        }
        rc |= spiral_buf_puts(&b, "</table>\n");
    }
    for (i = 0; i < spiral_tracker_npairs(t) && rc == SPIRAL_OK; i++) {
        rc |= pair_section(&b, t, spiral_tracker_pair(t, i), work);
        if (rc == SPIRAL_OK)
            rc = flush(f, &b);
    }
    /* dyads without a counterpart, the busiest first */
    nd = spiral_tracker_ndyads(t);
    if (rc == SPIRAL_OK && nd > 0 && (order = spiral_reallocarray(NULL, nd, sizeof *order)) == NULL)
        rc = SPIRAL_ENOMEM;
    if (rc == SPIRAL_OK && nd > 0) {
        size_t m = 0, j;

        for (i = 0; i < nd; i++)
            if (!in_pair(t, i))
                order[m++] = i;
        for (i = 1; i < m; i++)
            for (j = i; j > 0 && spiral_tracker_dyad(t, order[j])->n >
                                  spiral_tracker_dyad(t, order[j - 1])->n; j--) {
                size_t x = order[j];

                order[j] = order[j - 1];
                order[j - 1] = x;
            }
        if (m > 0) {
            rc |= spiral_buf_puts(&b, "<h2>Dyads without a counterpart</h2>\n<p class=\"note\">"
                                      "Statements of one speaker toward one target (NONE: no "
                                      "target) with nothing said the other way, so no spiral "
                                      "metrics.</p>\n");
        }
        for (i = 0; i < m && shown < opts->max_dyads && rc == SPIRAL_OK; i++, shown++) {
            const spiral_dyad *d = spiral_tracker_dyad(t, order[i]);

            rc |= spiral_buf_puts(&b, "<h3>");
            rc |= esc(&b, d->speaker);
            rc |= spiral_buf_puts(&b, " \xe2\x86\x92 ");
            rc |= esc(&b, d->target);
            rc |= spiral_buf_printf(&b, " <small>(%lu statements)</small></h3>\n<figure>\n", d->n);
            rc |= chart_dyad(&b, t, d, work);
            rc |= spiral_buf_puts(&b, "</figure>\n");
            if (rc == SPIRAL_OK)
                rc = flush(f, &b);
        }
        if (m > shown && rc == SPIRAL_OK)
            rc |= spiral_buf_printf(&b, "<p class=\"note\">%zu more dyads not shown.</p>\n",
                                    m - shown);
    }
    rc |= spiral_buf_puts(&b, "</body>\n</html>\n");
    if (rc == SPIRAL_OK)
        rc = flush(f, &b);
    else if (rc != SPIRAL_EIO)
        rc = SPIRAL_ENOMEM;
    spiral_free(order);
    spiral_free(work);
    spiral_buf_free(&b);
    return rc;
}
