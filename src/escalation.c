/*
 * escalation.c - the spiral stage: from two directed hostility series to
 * the metrics of a pair.
 *
 * Fed by a finished tracker (aggregate.c), it finds every pair {A, B} with
 * statements in both directions and computes, on the per-period hostility
 * index X (A->B) and Y (B->A): reciprocity (lagged correlations with Fisher
 * intervals), Richardson's reaction model by least squares, escalation and
 * de-escalation episodes (a CUSUM of the smoothed mutual hostility that
 * resets at confirmed turns), and the spiral score per period.  Every
 * formula is in README.md (Metrics); every undefined figure carries a
 * reason instead of a NaN.
 */
#include "escalation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

static const char reason_short_corr[] = "fewer than 4 periods with both sides";
static const char reason_constant[] = "constant series: no variation to correlate";
static const char reason_short_fit[] = "fewer than 5 transitions with both sides";
static const char reason_constant_fit[] = "a constant series: the model cannot be fitted";
static const char reason_collinear[] = "the two series move in lockstep: collinear";
static const char reason_no_ab[] = "outside the span of A->B statements";
static const char reason_no_ba[] = "outside the span of B->A statements";
static const char reason_gap_ab[] = "in a gap of more than 3 periods (or the smoothing window) "
                                    "without A->B statements";
static const char reason_gap_ba[] = "in a gap of more than 3 periods (or the smoothing window) "
                                    "without B->A statements";
static const char reason_single[] = "a single period: no trend";
static const char reason_short_ep[] = "fewer than 4 periods with both sides";
static const char reason_flat_ep[] = "mutual hostility does not vary";

double spiral_cell_hostility(const spiral_cell *c)
{
    return c->n ? c->hostility_sum / (double)c->n : NAN;
}

/* ------------------------------------------------------------------ */
/* Correlation                                                         */
/* ------------------------------------------------------------------ */

double spiral_normal_quantile(double confidence)
{
    double p = 1.0 - (1.0 - confidence) / 2.0, lo = 0.0, hi = 40.0;
    int i;

    /* Bisection on the normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2. */
    for (i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2.0;

        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2.0;
}

/* Whether a sum of squared deviations is zero for all practical purposes. */
static int negligible(double ss, double mean, size_t n)
{
    return ss <= (double)n * 1e-20 * (1.0 + mean * mean);
}

void spiral_corr_lagged(spiral_corr *out, const double *x, const double *y, size_t n,
                        int lag, double confidence)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, r, z, se, q;
    size_t t, m = 0;

    memset(out, 0, sizeof *out);
    out->lag = lag;
    for (t = (size_t)lag; t < n; t++)
        if (isfinite(x[t]) && isfinite(y[t - (size_t)lag])) {
            mx += x[t];
            my += y[t - (size_t)lag];
            m++;
        }
    out->n = m;
    if (m < 4) {
        out->reason = reason_short_corr;
        return;
    }
    mx /= (double)m;
    my /= (double)m;
    for (t = (size_t)lag; t < n; t++)
        if (isfinite(x[t]) && isfinite(y[t - (size_t)lag])) {
            double dx = x[t] - mx, dy = y[t - (size_t)lag] - my;

            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
    if (negligible(sxx, mx, m) || negligible(syy, my, m)) {
        out->reason = reason_constant;
        return;
    }
    r = sxy / sqrt(sxx * syy);
    if (r > 1.0)
        r = 1.0;
    if (r < -1.0)
        r = -1.0;
    /* Fisher's z: atanh(r) is about normal with standard error 1/sqrt(n-3). */
    z = atanh(fmax(-0.9999999999, fmin(0.9999999999, r)));
    se = 1.0 / sqrt((double)m - 3.0);
    q = spiral_normal_quantile(confidence);
    out->r = r;
    out->lo = tanh(z - q * se);
    out->hi = tanh(z + q * se);
}

void spiral_reciprocity_compute(spiral_reciprocity *out, const double *x, const double *y,
                                size_t n, int max_lag, double confidence)
{
    int k;

    memset(out, 0, sizeof *out);
    out->best = -1;
    if (max_lag > SPIRAL_MAX_LAG)
        max_lag = SPIRAL_MAX_LAG;
    out->nlags = max_lag + 1;
    for (k = 0; k <= max_lag; k++) {
        spiral_corr_lagged(&out->lags[k], x, y, n, k, confidence);
        if (out->lags[k].reason == NULL &&
            (out->best < 0 || out->lags[k].r > out->lags[out->best].r))
            out->best = k;
    }
}

/* ------------------------------------------------------------------ */
/* Richardson                                                          */
/* ------------------------------------------------------------------ */

void spiral_richardson_fit(spiral_richardson *out, const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, mdx = 0, mdy = 0;
    double sxx = 0, syy = 0, sxy = 0, sxdx = 0, sydx = 0, sxdy = 0, sydy = 0;
    double det, bx, by, ssr_x = 0, sst_x = 0, ssr_y = 0, sst_y = 0;
    size_t t, m = 0;

    memset(out, 0, sizeof *out);
#define ROW_OK(t) (isfinite(x[t]) && isfinite(y[t]) && isfinite(x[(t) + 1]) && isfinite(y[(t) + 1]))
    for (t = 0; t + 1 < n; t++)
        if (ROW_OK(t)) {
            mx += x[t];
            my += y[t];
            mdx += x[t + 1] - x[t];
            mdy += y[t + 1] - y[t];
            m++;
        }
    out->n = m;
    if (m < 5) {
        out->reason = reason_short_fit;
        return;
    }
    mx /= (double)m;
    my /= (double)m;
    mdx /= (double)m;
    mdy /= (double)m;
    for (t = 0; t + 1 < n; t++)
        if (ROW_OK(t)) {
            double ex = x[t] - mx, ey = y[t] - my;
            double edx = x[t + 1] - x[t] - mdx, edy = y[t + 1] - y[t] - mdy;

            sxx += ex * ex;
            syy += ey * ey;
            sxy += ex * ey;
            sxdx += ex * edx;
            sydx += ey * edx;
            sxdy += ex * edy;
            sydy += ey * edy;
            sst_x += edx * edx;
            sst_y += edy * edy;
        }
    if (negligible(sxx, mx, m) || negligible(syy, my, m)) {
        out->reason = reason_constant_fit;
        return;
    }
    det = sxx * syy - sxy * sxy;
    if (det <= 1e-10 * sxx * syy) {
        out->reason = reason_collinear;
        return;
    }
    /* dX on (Y, X, 1), centred: [syy sxy; sxy sxx] [k; -a] = [sydx; sxdx] */
    by = (sydx * sxx - sxdx * sxy) / det;
    bx = (sxdx * syy - sydx * sxy) / det;
    out->k = by;
    out->a = -bx;
    out->g = mdx - by * my - bx * mx;
    /* dY on (X, Y, 1): [sxx sxy; sxy syy] [l; -b] = [sxdy; sydy] */
    {
        double bl = (sxdy * syy - sydy * sxy) / det;
        double bb = (sydy * sxx - sxdy * sxy) / det;

        out->l = bl;
        out->b = -bb;
        out->h = mdy - bl * mx - bb * my;
    }
    for (t = 0; t + 1 < n; t++)
        if (ROW_OK(t)) {
            double fx = out->k * y[t] - out->a * x[t] + out->g;
            double fy = out->l * x[t] - out->b * y[t] + out->h;
            double rx = (x[t + 1] - x[t]) - fx, ry = (y[t + 1] - y[t]) - fy;

            ssr_x += rx * rx;
            ssr_y += ry * ry;
        }
#undef ROW_OK
    out->r2_x = negligible(sst_x, mdx, m) ? 0.0 : fmax(0.0, 1.0 - ssr_x / sst_x);
    out->r2_y = negligible(sst_y, mdy, m) ? 0.0 : fmax(0.0, 1.0 - ssr_y / sst_y);
    out->runaway = out->k * out->l > out->a * out->b;
}

/* ------------------------------------------------------------------ */
/* Smoothing and noise                                                 */
/* ------------------------------------------------------------------ */

void spiral_series_smooth(double *out, const double *x, size_t n, int window, size_t max_gap)
{
    size_t t, s, prev = n, half = (size_t)(window > 1 ? window / 2 : 0);
    double sum = 0.0, ring[100];
    size_t lo = 0, hi = 0, cnt = 0;

    /* Interpolate into out first: observed values, and the periods of a
     * gap of at most max_gap between two of them ... */
    for (t = 0; t < n; t++) {
        out[t] = NAN;
        if (!isfinite(x[t]))
            continue;
        if (prev < n && t - prev - 1 <= max_gap)
            for (s = prev + 1; s < t; s++)
                out[s] = x[prev] + (x[t] - x[prev]) * (double)(s - prev) / (double)(t - prev);
        out[t] = x[t];
        prev = t;
    }
    if (half == 0)
        return;
    /* ... then average in place over the defined values of the window.
     * The window reads values at or after t before out[t] is overwritten;
     * those leaving it come from a ring of the last `window` interpolated
     * values (window <= 99, checked by the tracker). */
    for (t = 0; t < n; t++) {
        size_t wlo = t >= half ? t - half : 0, whi = t + half < n ? t + half : n - 1;

        for (; hi <= whi; hi++) {
            ring[hi % 100] = out[hi];
            if (isfinite(out[hi])) {
                sum += out[hi];
                cnt++;
            }
        }
        for (; lo < wlo; lo++)
            if (isfinite(ring[lo % 100])) {
                sum -= ring[lo % 100];
                cnt--;
            }
        if (isfinite(ring[t % 100]))
            out[t] = sum / (double)cnt;
    }
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;

    return (a > b) - (a < b);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double spiral_noise_scale(const double *x, size_t n, double *d)
{
    size_t t, m = 0, i, prev = n;
    double med, mad, mean = 0, ss = 0;

    for (t = 0; t < n; t++) {
        if (!isfinite(x[t]))
            continue;
        if (prev < n)
            d[m++] = x[t] - x[prev];
        prev = t;
    }
    if (m < 3)
        return 0.0;
    for (i = 0; i < m; i++)
        mean += d[i];
    mean /= (double)m;
    for (i = 0; i < m; i++)
        ss += (d[i] - mean) * (d[i] - mean);
    med = median(d, m);
    for (i = 0; i < m; i++)
        d[i] = fabs(d[i] - med);
    mad = median(d, m);
    if (mad > 1e-12)
        return 1.4826 * mad / sqrt(2.0);
    return sqrt(ss / (double)(m - 1)) / sqrt(2.0);
}

/* ------------------------------------------------------------------ */
/* Episodes                                                            */
/* ------------------------------------------------------------------ */

/* The turning points of j over [f, last]: a CUSUM of the changes of j
 * against the last confirmed turn (the rise since the running minimum, or
 * the fall since the running maximum) confirms a turn when it reaches H.
 * piv[] gets the indices, alternately lows and highs; the last one is the
 * running extreme at the end.  Returns how many. */
static size_t turning_points(size_t *piv, const double *j, size_t f, size_t last, double H)
{
    size_t t, imax = f, imin = f, np = 0, s;
    int dir = 0;

    for (t = f + 1; t <= last; t++) {
        if (dir >= 0 && j[t] > j[imax])
            imax = t;
        if (dir <= 0 && j[t] < j[imin])
            imin = t;
        if (dir == 0) {
            if (j[t] - j[imin] >= H) {
                piv[np++] = imin;
                dir = 1;
                for (imax = imin, s = imin; s <= t; s++)
                    if (j[s] > j[imax])
                        imax = s;
            } else if (j[imax] - j[t] >= H) {
                piv[np++] = imax;
                dir = -1;
                for (imin = imax, s = imax; s <= t; s++)
                    if (j[s] < j[imin])
                        imin = s;
            }
        } else if (dir > 0 && j[imax] - j[t] >= H) {
            piv[np++] = imax;
            dir = -1;
            for (imin = imax, s = imax; s <= t; s++)
                if (j[s] < j[imin])
                    imin = s;
        } else if (dir < 0 && j[t] - j[imin] >= H) {
            piv[np++] = imin;
            dir = 1;
            for (imax = imin, s = imin; s <= t; s++)
                if (j[s] > j[imax])
                    imax = s;
        }
    }
    if (dir > 0)
        piv[np++] = imax;
    else if (dir < 0)
        piv[np++] = imin;
    return np;
}

/* The onset of side z's move between turning points from and to: the first
 * period after which z stays at least H/2 away (in direction sign) from
 * z[from] up to z[to], or (size_t)-1 when z[to] is not that far. */
static size_t onset(const double *z, size_t from, size_t to, double H, int sign)
{
    size_t t, first = (size_t)-1;

    for (t = to + 1; t-- > from + 1;) {
        if ((z[t] - z[from]) * sign >= H / 2.0)
            first = t;
        else
            break;
    }
    return first;
}

/* The episode of the swing between turning points piv[i] and piv[i + 1]
 * (see README, Metrics: episodes), appended to *ep when both sides moved,
 * each within max_lag periods of the other.  Returns SPIRAL_OK or
 * SPIRAL_ENOMEM. */
static int swing(spiral_episode **ep, size_t *cap, size_t *nout, const size_t *piv, size_t np,
                 size_t i, const double *j, const double *jr, const double *rx,
                 const double *ry, const double *sx, const double *sy, size_t last, double H,
                 int max_lag, const char *a, const char *b)
{
    size_t p0 = piv[i], p1 = piv[i + 1], lim = i + 2 < np ? piv[i + 2] : last + 1;
    int sign = j[p1] > j[p0] ? 1 : -1;
    size_t start = p1, end = p1, ox, oy, peak, t;
    spiral_episode e;

    /* The move starts at the first period from which the raw mutual
     * hostility stays more than H/2 away from the level it left (the
     * smoothed turning point p0) ... */
    for (t = p1 + 1; t-- > p0 + 1;) {
        if ((jr[t] - j[p0]) * sign > H / 2.0)
            start = t;
        else
            break;
    }
    /* ... and ends at the last period still within H/2 of the level it
     * reached (p1) before the next turning point, so that the next move
     * starts right after it. */
    for (t = p1; t < lim; t++)
        if ((jr[t] - j[p1]) * sign >= -H / 2.0)
            end = t;
    peak = start;
    for (t = start; t <= end; t++)
        if ((jr[t] - jr[peak]) * sign > 0)
            peak = t;
    memset(&e, 0, sizeof e);
    e.kind = sign > 0 ? SPIRAL_ESCALATION : SPIRAL_DEESCALATION;
    e.start = start;
    e.peak = peak;
    e.end = end;
    e.open = i + 2 >= np;
    e.change_ab = sx[p1] - sx[p0];
    e.change_ba = sy[p1] - sy[p0];
    e.peak_ab = isfinite(rx[peak]) ? rx[peak] : sx[peak];
    e.peak_ba = isfinite(ry[peak]) ? ry[peak] : sy[peak];
    /* Both sides must move, each within max_lag periods of the other. */
    if (e.change_ab * sign < H / 2.0 || e.change_ba * sign < H / 2.0)
        return SPIRAL_OK;
    ox = onset(sx, p0, p1, H, sign);
    oy = onset(sy, p0, p1, H, sign);
    if (ox == (size_t)-1 || oy == (size_t)-1)
        return SPIRAL_OK;
    e.response_lag = (int)(ox > oy ? ox - oy : oy - ox);
    if (e.response_lag > max_lag)
        return SPIRAL_OK;
    e.leader = ox < oy ? a : oy < ox ? b : NULL;
    if (spiral_grow(ep, cap, *nout + 1, sizeof **ep) < 0)
        return SPIRAL_ENOMEM;
    (*ep)[(*nout)++] = e;
    return SPIRAL_OK;
}

int spiral_episodes_find(spiral_episode **out, size_t *nout, const double *rx,
                         const double *ry, const double *sx, const double *sy, size_t n,
                         double H, int max_lag, const char *a, const char *b)
{
    double *j = NULL, *jr = NULL, *tmp = NULL;
    size_t *piv = NULL, np, f = n, last = 0, t, i, cap = 0;
    spiral_episode *ep = NULL;
    int rc = SPIRAL_OK;

    *out = NULL;
    *nout = 0;
    if (n == 0 || !(H > 0))
        return SPIRAL_OK;
    j = spiral_reallocarray(NULL, n, sizeof *j);
    jr = spiral_reallocarray(NULL, n, sizeof *jr);
    tmp = spiral_reallocarray(NULL, n, sizeof *tmp);
    piv = spiral_reallocarray(NULL, n + 1, sizeof *piv);
    if (j == NULL || jr == NULL || tmp == NULL || piv == NULL) {
        rc = SPIRAL_ENOMEM;
        goto done;
    }
    for (t = 0; t < n; t++) {
        j[t] = isfinite(sx[t]) && isfinite(sy[t]) ? (sx[t] + sy[t]) / 2.0 : NAN;
        tmp[t] = isfinite(rx[t]) && isfinite(ry[t]) ? (rx[t] + ry[t]) / 2.0 : NAN;
        if (isfinite(j[t])) {
            if (f == n)
                f = t;
            last = t;
        }
    }
    if (f == n)
        goto done;
    /* the raw mutual hostility, gaps interpolated, for the boundaries */
    spiral_series_smooth(jr, tmp, n, 1, n);
    for (t = 0; t < n; t++)
        if (isfinite(j[t]) && !isfinite(jr[t]))
            jr[t] = j[t];
    /* each run of periods where both smoothed sides are known */
    for (f = 0; f < n; f = last + 1) {
        while (f < n && !isfinite(j[f]))
            f++;
        if (f == n)
            break;
        for (last = f; last + 1 < n && isfinite(j[last + 1]); last++)
            ;
        if (last - f < 2)
            continue;
        np = turning_points(piv, j, f, last, H);
        for (i = 0; i + 1 < np; i++)
            if ((rc = swing(&ep, &cap, nout, piv, np, i, j, jr, rx, ry, sx, sy, last, H,
                            max_lag, a, b)) < 0)
                goto done;
    }
done:
    spiral_free(j);
    spiral_free(jr);
    spiral_free(tmp);
    spiral_free(piv);
    if (rc < 0) {
        spiral_free(ep);
        *nout = 0;
        return rc;
    }
    *out = ep;
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* The spiral score                                                    */
/* ------------------------------------------------------------------ */

/* Hostility (points per statement) at which mutual hostility is 1/2. */
#define MUTUAL_HALF 2.0
/* Change of smoothed mutual hostility per period at which trend is 0.73. */
#define TREND_SCALE 0.5

/* Whether x has an observation before t and one after it. */
static int inside(const double *x, size_t n, size_t t)
{
    size_t s;
    int before = 0, after = 0;

    for (s = 0; s < t && !before; s++)
        before = isfinite(x[s]) != 0;
    for (s = t + 1; s < n && !after; s++)
        after = isfinite(x[s]) != 0;
    return before && after;
}

void spiral_pair_scores(spiral_pair_period *out, const double *rx, const double *ry,
                        const double *sx, const double *sy, size_t n, double responsiveness,
                        const char *responsiveness_reason)
{
    size_t t;

    for (t = 0; t < n; t++) {
        spiral_pair_period *p = &out[t];
        double m, slope, jprev = NAN, jnext = NAN, jt;

        memset(p, 0, sizeof *p);
        p->have_ab = isfinite(sx[t]);
        p->have_ba = isfinite(sy[t]);
        p->smooth_ab = p->have_ab ? sx[t] : 0.0;
        p->smooth_ba = p->have_ba ? sy[t] : 0.0;
        if (!p->have_ab) {
            p->reason = rx && inside(rx, n, t) ? reason_gap_ab : reason_no_ab;
            continue;
        }
        if (!p->have_ba) {
            p->reason = ry && inside(ry, n, t) ? reason_gap_ba : reason_no_ba;
            continue;
        }
        jt = (sx[t] + sy[t]) / 2.0;
        if (t > 0 && isfinite(sx[t - 1]) && isfinite(sy[t - 1]))
            jprev = (sx[t - 1] + sy[t - 1]) / 2.0;
        if (t + 1 < n && isfinite(sx[t + 1]) && isfinite(sy[t + 1]))
            jnext = (sx[t + 1] + sy[t + 1]) / 2.0;
        if (isfinite(jprev) && isfinite(jnext))
            slope = (jnext - jprev) / 2.0;
        else if (isfinite(jprev))
            slope = jt - jprev;
        else if (isfinite(jnext))
            slope = jnext - jt;
        else {
            p->reason = reason_single;
            continue;
        }
        m = fmax(0.0, fmin(sx[t], sy[t]));
        p->mutual = m / (m + MUTUAL_HALF);
        p->trend = 1.0 / (1.0 + exp(-slope / TREND_SCALE));
        p->have_parts = 1;
        if (responsiveness_reason) {
            p->reason = responsiveness_reason;
            continue;
        }
        p->responsiveness = responsiveness;
        p->score = 100.0 * p->mutual * (1.0 + p->responsiveness + p->trend) / 3.0;
    }
}

/* ------------------------------------------------------------------ */
/* Pairs                                                               */
/* ------------------------------------------------------------------ */

static int is_party(const char *code)
{
    return strcmp(code, "NONE") != 0 && strcmp(code, "UNRESOLVED") != 0 &&
           strcmp(code, "SELF") != 0;
}

/* The index of dyad speaker -> target in the sorted dyads, or -1. */
static long find_dyad(const spiral_tracker *t, const char *speaker, const char *target)
{
    size_t lo = 0, hi = t->ndyads;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const spiral_dyad_int *d = &t->dyads[mid];
        int c = strcmp(d->speaker, speaker);

        if (c == 0)
            c = strcmp(d->target, target);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void spiral_pairs_free(spiral_pair *pairs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        spiral_free((void *)pairs[i].episodes);
        spiral_free((void *)pairs[i].periods);
    }
    spiral_free(pairs);
}

/* Responsiveness from the best lags of both directions: 0 when a side is
 * constant (no answer can be seen), undefined when too short. */
static void responsiveness(spiral_pair *p)
{
    const spiral_reciprocity *r[2] = { &p->ab, &p->ba };
    double best[2];
    int i, k;

    p->responsiveness = 0.0;
    p->responsiveness_reason = NULL;
    for (i = 0; i < 2; i++) {
        int constant = 0;

        if (r[i]->best >= 0) {
            best[i] = fmax(0.0, r[i]->lags[r[i]->best].r);
            continue;
        }
        for (k = 0; k < r[i]->nlags; k++)
            if (r[i]->lags[k].reason == reason_constant)
                constant = 1;
        if (!constant) {
            p->responsiveness_reason = "reciprocity undefined: fewer than 4 periods with both sides";
            return;
        }
        best[i] = 0.0;
    }
    p->responsiveness = sqrt(best[0] * best[1]);
}

size_t spiral_max_gap(int smooth)
{
    return smooth > 3 ? (size_t)smooth : 3;
}

static int pair_compute(spiral_tracker *t, spiral_pair *p, double *buf, spiral_error *err)
{
    size_t n = spiral_tracker_nperiods(t), k, both = 0;
    size_t gap = spiral_max_gap(t->opts.smooth);
    const spiral_dyad_int *dab = &t->dyads[p->dyad_ab], *dba = &t->dyads[p->dyad_ba];
    double *x = buf, *y = buf + n, *sx = buf + 2 * n, *sy = buf + 3 * n, *jr = buf + 4 * n;
    double *scratch = buf + 5 * n;
    spiral_pair_period *pp;
    spiral_episode *ep;
    size_t nep;

    for (k = 0; k < n; k++) {
        x[k] = spiral_cell_hostility(&dab->cells[k]);
        y[k] = spiral_cell_hostility(&dba->cells[k]);
        jr[k] = isfinite(x[k]) && isfinite(y[k]) ? (x[k] + y[k]) / 2.0 : NAN;
        both += isfinite(jr[k]) != 0;
    }
    spiral_series_smooth(sx, x, n, t->opts.smooth, gap);
    spiral_series_smooth(sy, y, n, t->opts.smooth, gap);
    spiral_reciprocity_compute(&p->ab, x, y, n, t->opts.max_lag, t->opts.confidence);
    spiral_reciprocity_compute(&p->ba, y, x, n, t->opts.max_lag, t->opts.confidence);
    responsiveness(p);
    spiral_richardson_fit(&p->richardson, x, y, n);
    p->noise = spiral_noise_scale(jr, n, scratch);
    if (both < 4)
        p->episodes_reason = reason_short_ep;
    else if (!(p->noise > 0))
        p->episodes_reason = reason_flat_ep;
    else {
        if (spiral_episodes_find(&ep, &nep, x, y, sx, sy, n, t->opts.threshold * p->noise,
                                 t->opts.max_lag, p->a, p->b) < 0)
            return spiral_error_nomem(err, "");
        p->episodes = ep;
        p->nepisodes = nep;
    }
    if ((pp = spiral_reallocarray(NULL, n ? n : 1, sizeof *pp)) == NULL)
        return spiral_error_nomem(err, "");
    spiral_pair_scores(pp, x, y, sx, sy, n, p->responsiveness, p->responsiveness_reason);
    p->periods = pp;
    return SPIRAL_OK;
}

int spiral_pairs_compute(spiral_tracker *t, spiral_error *err)
{
    size_t n = spiral_tracker_nperiods(t), i, cap = 0;
    double *buf = NULL;
    int rc = SPIRAL_OK;

    for (i = 0; i < t->ndyads; i++) {
        const spiral_dyad_int *d = &t->dyads[i];
        spiral_pair *p;
        long r;

        if (strcmp(d->speaker, d->target) >= 0 || !is_party(d->speaker) || !is_party(d->target))
            continue;
        if ((r = find_dyad(t, d->target, d->speaker)) < 0)
            continue;
        if (spiral_grow(&t->pairs, &cap, t->npairs + 1, sizeof *t->pairs) < 0)
            return spiral_error_nomem(err, "");
        p = &t->pairs[t->npairs++];
        memset(p, 0, sizeof *p);
        p->a = d->speaker;
        p->b = d->target;
        p->dyad_ab = i;
        p->dyad_ba = (size_t)r;
    }
    if (t->npairs == 0)
        return SPIRAL_OK;
    if ((buf = spiral_reallocarray(NULL, 6 * (n ? n : 1), sizeof *buf)) == NULL)
        return spiral_error_nomem(err, "");
    for (i = 0; i < t->npairs && rc == SPIRAL_OK; i++)
        rc = pair_compute(t, &t->pairs[i], buf, err);
    spiral_free(buf);
    return rc;
}
