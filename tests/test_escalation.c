/*
 * test_escalation.c - each spiral metric against values computed here,
 * independently of src/escalation.c, on small series: lagged correlation
 * with its Fisher interval, the Richardson fit (normal equations solved by
 * Gaussian elimination here, centred formulas there), smoothing, the noise
 * scale, episodes and the spiral score; and the constant, empty and
 * one-sided series that must give a reason instead of a number.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "escalation.h"
#include "suites.h"

#define Z95 1.959963984540054

/* Pearson's r by the textbook one-pass sums formula. */
static double pearson(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int i;

    for (i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        syy += y[i] * y[i];
        sxy += x[i] * y[i];
    }
    return (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}

START_TEST(normal_quantile)
{
    ck_assert_double_eq_tol(spiral_normal_quantile(0.95), Z95, 1e-9);
    ck_assert_double_eq_tol(spiral_normal_quantile(0.90), 1.6448536269514722, 1e-9);
}
END_TEST

START_TEST(correlation_at_lag_zero_and_one)
{
    double x[6] = { 1, 3, 2, 5, 4, 6 }, y[6] = { 2, 1, 4, 3, 6, 5 };
    double xs[5], ys[5], r, z, se;
    spiral_corr c;
    int i;

    spiral_corr_lagged(&c, x, y, 6, 0, 0.95);
    ck_assert_ptr_null(c.reason);
    ck_assert_uint_eq(c.n, 6);
    r = pearson(x, y, 6);
    ck_assert_double_eq_tol(c.r, r, 1e-12);
    z = 0.5 * log((1 + r) / (1 - r));
    se = 1 / sqrt(6 - 3.0);
    ck_assert_double_eq_tol(c.lo, tanh(z - Z95 * se), 1e-9);
    ck_assert_double_eq_tol(c.hi, tanh(z + Z95 * se), 1e-9);
    /* lag 1: x[t] with y[t-1] */
    for (i = 0; i < 5; i++) {
        xs[i] = x[i + 1];
        ys[i] = y[i];
    }
    spiral_corr_lagged(&c, x, y, 6, 1, 0.95);
    ck_assert_uint_eq(c.n, 5);
    ck_assert_int_eq(c.lag, 1);
    ck_assert_double_eq_tol(c.r, pearson(xs, ys, 5), 1e-12);
}
END_TEST

START_TEST(correlation_skips_missing_periods)
{
    double x[7] = { 1, NAN, 2, 4, 3, 5, 8 }, y[7] = { 1, 2, NAN, 3, 3, 6, 7 };
    double xs[5] = { 1, 4, 3, 5, 8 }, ys[5] = { 1, 3, 3, 6, 7 };
    spiral_corr c;

    spiral_corr_lagged(&c, x, y, 7, 0, 0.95);
    ck_assert_uint_eq(c.n, 5);
    ck_assert_double_eq_tol(c.r, pearson(xs, ys, 5), 1e-12);
}
END_TEST

START_TEST(correlation_undefined_cases)
{
    double x[5] = { 1, 2, 3, 4, 5 }, k[5] = { 2, 2, 2, 2, 2 };
    double none[5] = { NAN, NAN, NAN, NAN, NAN };
    spiral_corr c;
    spiral_reciprocity r;

    /* constant */
    spiral_corr_lagged(&c, x, k, 5, 0, 0.95);
    ck_assert_ptr_nonnull(c.reason);
    ck_assert_msg(strstr(c.reason, "constant") != NULL, "%s", c.reason);
    ck_assert_double_eq(c.r, 0.0);
    /* one-sided: the other direction never spoke */
    spiral_corr_lagged(&c, x, none, 5, 0, 0.95);
    ck_assert_ptr_nonnull(c.reason);
    ck_assert_uint_eq(c.n, 0);
    /* empty */
    spiral_corr_lagged(&c, x, x, 0, 0, 0.95);
    ck_assert_ptr_nonnull(c.reason);
    /* too short at lag 2: 3 pairs */
    spiral_corr_lagged(&c, x, x, 5, 2, 0.95);
    ck_assert_uint_eq(c.n, 3);
    ck_assert_ptr_nonnull(c.reason);
    /* perfect: finite interval collapsing to 1 */
    spiral_corr_lagged(&c, x, x, 5, 0, 0.95);
    ck_assert_ptr_null(c.reason);
    ck_assert_double_eq_tol(c.r, 1.0, 1e-12);
    ck_assert(isfinite(c.lo) && isfinite(c.hi));
    ck_assert(c.lo > 0.99);
    spiral_reciprocity_compute(&r, x, none, 5, 3, 0.95);
    ck_assert_int_eq(r.best, -1);
    ck_assert_int_eq(r.nlags, 4);
}
END_TEST

START_TEST(reciprocity_finds_the_lag)
{
    /* y leads x by 2: x[t] = y[t-2] */
    double y[12] = { 0, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5 }, x[12];
    spiral_reciprocity r;
    int t;

    for (t = 0; t < 12; t++)
        x[t] = t >= 2 ? y[t - 2] : 0;
    spiral_reciprocity_compute(&r, x, y, 12, 3, 0.95);
    ck_assert_int_eq(r.best, 2);
    ck_assert_double_eq_tol(r.lags[2].r, 1.0, 1e-12);
    ck_assert_uint_eq(r.lags[2].n, 10);
    ck_assert_uint_eq(r.lags[3].n, 9);
}
END_TEST

/* Solve the 3x3 normal equations (Z'Z) beta = Z'd by Gaussian elimination,
 * Z = [first, second, 1]. */
static void ols3(double *beta, const double *c1, const double *c2, const double *d, int n)
{
    double m[3][4] = { { 0 } };
    int i, j, k;

    for (k = 0; k < n; k++) {
        double z[3] = { c1[k], c2[k], 1.0 };

        for (i = 0; i < 3; i++) {
            for (j = 0; j < 3; j++)
                m[i][j] += z[i] * z[j];
            m[i][3] += z[i] * d[k];
        }
    }
    for (i = 0; i < 3; i++)
        for (j = i + 1; j < 3; j++) {
            double f = m[j][i] / m[i][i];

            for (k = i; k < 4; k++)
                m[j][k] -= f * m[i][k];
        }
    for (i = 2; i >= 0; i--) {
        double s = m[i][3];

        for (j = i + 1; j < 3; j++)
            s -= m[i][j] * beta[j];
        beta[i] = s / m[i][i];
    }
}

START_TEST(richardson_against_normal_equations)
{
    double x[9] = { 1.0, 2.5, 2.0, 3.5, 5.0, 4.0, 6.5, 6.0, 8.0 };
    double y[9] = { 0.5, 1.0, 3.0, 2.0, 4.5, 6.0, 5.0, 7.5, 7.0 };
    double dx[8], dy[8], xs[8], ys[8], bx[3], by[3], fx, ssr = 0, sst = 0, mean = 0;
    spiral_richardson f;
    int t;

    for (t = 0; t < 8; t++) {
        dx[t] = x[t + 1] - x[t];
        dy[t] = y[t + 1] - y[t];
        xs[t] = x[t];
        ys[t] = y[t];
    }
    ols3(bx, ys, xs, dx, 8); /* dX = k Y + (-a) X + g */
    ols3(by, xs, ys, dy, 8); /* dY = l X + (-b) Y + h */
    spiral_richardson_fit(&f, x, y, 9);
    ck_assert_ptr_null(f.reason);
    ck_assert_uint_eq(f.n, 8);
    ck_assert_double_eq_tol(f.k, bx[0], 1e-9);
    ck_assert_double_eq_tol(f.a, -bx[1], 1e-9);
    ck_assert_double_eq_tol(f.g, bx[2], 1e-9);
    ck_assert_double_eq_tol(f.l, by[0], 1e-9);
    ck_assert_double_eq_tol(f.b, -by[1], 1e-9);
    ck_assert_double_eq_tol(f.h, by[2], 1e-9);
    for (t = 0; t < 8; t++)
        mean += dx[t] / 8;
    for (t = 0; t < 8; t++) {
        fx = bx[0] * ys[t] + bx[1] * xs[t] + bx[2];
        ssr += (dx[t] - fx) * (dx[t] - fx);
        sst += (dx[t] - mean) * (dx[t] - mean);
    }
    ck_assert_double_eq_tol(f.r2_x, 1 - ssr / sst, 1e-9);
    ck_assert_int_eq(f.runaway, f.k * f.l > f.a * f.b);
}
END_TEST

START_TEST(richardson_recovers_a_known_model)
{
    /* an arms race by the book: k l = 0.36 > a b = 0.04, runaway */
    const double k = 0.6, a = 0.2, g = 0.1, l = 0.6, b = 0.2, h = -0.05;
    double x[12], y[12];
    spiral_richardson f;
    int t;

    x[0] = 1.0;
    y[0] = 0.2;
    for (t = 0; t < 11; t++) {
        x[t + 1] = x[t] + k * y[t] - a * x[t] + g;
        y[t + 1] = y[t] + l * x[t] - b * y[t] + h;
    }
    spiral_richardson_fit(&f, x, y, 12);
    ck_assert_ptr_null(f.reason);
    ck_assert_double_eq_tol(f.k, k, 1e-6);
    ck_assert_double_eq_tol(f.a, a, 1e-6);
    ck_assert_double_eq_tol(f.g, g, 1e-6);
    ck_assert_double_eq_tol(f.l, l, 1e-6);
    ck_assert_double_eq_tol(f.b, b, 1e-6);
    ck_assert_double_eq_tol(f.h, h, 1e-6);
    ck_assert_double_eq_tol(f.r2_x, 1.0, 1e-9);
    ck_assert_int_eq(f.runaway, 1);
}
END_TEST

START_TEST(richardson_undefined_cases)
{
    double x[6] = { 1, 2, 3, 2, 4, 3 }, k[6] = { 1, 1, 1, 1, 1, 1 };
    double none[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
    spiral_richardson f;

    spiral_richardson_fit(&f, x, k, 6);
    ck_assert_ptr_nonnull(f.reason); /* constant */
    ck_assert_double_eq(f.k, 0.0);
    spiral_richardson_fit(&f, x, none, 6);
    ck_assert_ptr_nonnull(f.reason); /* one-sided */
    ck_assert_uint_eq(f.n, 0);
    spiral_richardson_fit(&f, x, x, 4);
    ck_assert_ptr_nonnull(f.reason); /* 3 transitions */
    spiral_richardson_fit(&f, x, x, 6);
    ck_assert_ptr_nonnull(f.reason); /* X = Y: collinear */
    spiral_richardson_fit(&f, NULL, NULL, 0);
    ck_assert_ptr_nonnull(f.reason); /* empty */
}
END_TEST

START_TEST(smoothing_and_noise)
{
    double x[7] = { NAN, 1, NAN, 5, 3, NAN, NAN }, out[7], d[7];
    double y[6] = { 0, 1, 0, 1, 0, 1 };

    spiral_series_smooth(out, x, 7, 3, 3);
    /* interpolated: -, 1, 3, 5, 3, -, -; then windows of 3 within [1, 4] */
    ck_assert(isnan(out[0]));
    ck_assert_double_eq_tol(out[1], (1 + 3) / 2.0, 1e-12);
    ck_assert_double_eq_tol(out[2], (1 + 3 + 5) / 3.0, 1e-12);
    ck_assert_double_eq_tol(out[3], (3 + 5 + 3) / 3.0, 1e-12);
    ck_assert_double_eq_tol(out[4], (5 + 3) / 2.0, 1e-12);
    ck_assert(isnan(out[5]) && isnan(out[6]));
    spiral_series_smooth(out, x, 7, 1, 3);
    ck_assert_double_eq_tol(out[2], 3.0, 1e-12);
    /* differences 1,-1,1,-1,1: median 1, MAD 0 -> sd / sqrt 2 */
    ck_assert_double_eq_tol(spiral_noise_scale(y, 6, d), sqrt(6.0 / 5.0) / sqrt(2.0), 1e-12);
    {
        double z[6] = { 0, 1, 3, 2, 6, 5 };
        /* differences 1, 2, -1, 4, -1: median 1; |d - 1| = 0, 1, 2, 3, 2: MAD 2 */

        ck_assert_double_eq_tol(spiral_noise_scale(z, 6, d), 1.4826 * 2 / sqrt(2.0), 1e-12);
    }
    ck_assert_double_eq(spiral_noise_scale(x, 7, d), 0.0); /* only two differences */
    {
        /* a gap of 4 periods is not bridged with max_gap 3; one of 3 is */
        double g[6] = { 1, NAN, NAN, NAN, NAN, 6 }, h[5] = { 1, NAN, NAN, NAN, 5 }, o[6];

        spiral_series_smooth(o, g, 6, 1, 3);
        ck_assert(isnan(o[1]) && isnan(o[4]));
        ck_assert_double_eq(o[5], 6.0);
        spiral_series_smooth(o, g, 6, 3, 3);
        ck_assert_double_eq(o[0], 1.0); /* its window holds no other defined value */
        spiral_series_smooth(o, h, 5, 1, 3);
        ck_assert_double_eq_tol(o[2], 3.0, 1e-12);
    }
}
END_TEST

START_TEST(episodes_of_a_constructed_spiral)
{
    /* both rise from period 3 to 8 (A first, B one period later), stay,
     * then fall together from period 11 */
    double x[16] = { 0, 0, 0, 2, 4, 6, 8, 10, 10, 10, 10, 7, 4, 1, 0, 0 };
    double y[16] = { 0, 0, 0, 0, 2, 4, 6, 8, 10, 10, 10, 7, 4, 1, 0, 0 };
    double sx[16], sy[16];
    spiral_episode *ep;
    size_t n;

    spiral_series_smooth(sx, x, 16, 1, 3);
    spiral_series_smooth(sy, y, 16, 1, 3);
    ck_assert_int_eq(spiral_episodes_find(&ep, &n, x, y, sx, sy, 16, 3.0, 3, "A", "B"),
                     SPIRAL_OK);
    ck_assert_uint_eq(n, 2);
    /* J = (x + y) / 2 = 0 0 0 1 3 5 7 9 10 10 10 7 4 1 0 0.  The rise is
     * confirmed from the low at 0; it starts where J stays above 0 + 1.5:
     * period 4 (J = 3); the high is 10 at period 8; J stays within 1.5 of
     * it up to period 10 */
    ck_assert_int_eq(ep[0].kind, SPIRAL_ESCALATION);
    ck_assert_uint_eq(ep[0].start, 4);
    ck_assert_uint_eq(ep[0].peak, 8);
    ck_assert_uint_eq(ep[0].end, 10);
    ck_assert_int_eq(ep[0].open, 0);
    ck_assert_str_eq(ep[0].leader, "A"); /* A reached +1.5 at 3, B at 4 */
    ck_assert_int_eq(ep[0].response_lag, 1);
    ck_assert_double_eq_tol(ep[0].change_ab, 10.0, 1e-12);
    ck_assert_double_eq_tol(ep[0].change_ba, 10.0, 1e-12);
    /* the fall: starts at 11 (J = 7 < 10 - 1.5), lowest 0 at 14, runs to the end */
    ck_assert_int_eq(ep[1].kind, SPIRAL_DEESCALATION);
    ck_assert_uint_eq(ep[1].start, 11);
    ck_assert_uint_eq(ep[1].peak, 14);
    ck_assert_uint_eq(ep[1].end, 15);
    ck_assert_int_eq(ep[1].open, 1);
    ck_assert_ptr_null(ep[1].leader);
    spiral_free(ep);
}
END_TEST

START_TEST(episodes_need_both_sides)
{
    /* only A rises: no mutual escalation */
    double x[10] = { 0, 0, 2, 5, 8, 10, 10, 10, 10, 10 };
    double y[10] = { 1, 0, 1, 0, 1, 0, 1, 0, 1, 0 };
    double k[10] = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    spiral_episode *ep;
    size_t n;

    ck_assert_int_eq(spiral_episodes_find(&ep, &n, x, y, x, y, 10, 3.0, 3, "A", "B"), SPIRAL_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(ep);
    /* constant: no turn */
    ck_assert_int_eq(spiral_episodes_find(&ep, &n, k, k, k, k, 10, 1.0, 3, "A", "B"), SPIRAL_OK);
    ck_assert_uint_eq(n, 0);
    /* B follows A five periods later: beyond max_lag 3 */
    {
        double a[14] = { 0, 0, 4, 8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 };
        double b[14] = { 0, 0, 0, 0, 0, 0, 0, 4, 8, 10, 10, 10, 10, 10 };

        ck_assert_int_eq(spiral_episodes_find(&ep, &n, a, b, a, b, 14, 3.0, 3, "A", "B"),
                         SPIRAL_OK);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(spiral_episodes_find(&ep, &n, a, b, a, b, 14, 3.0, 6, "A", "B"),
                         SPIRAL_OK);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(ep[0].response_lag, 5);
        spiral_free(ep);
    }
    /* empty */
    ck_assert_int_eq(spiral_episodes_find(&ep, &n, x, y, x, y, 0, 3.0, 3, "A", "B"), SPIRAL_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(spiral_score_formula)
{
    double sx[4] = { NAN, 1.0, 3.0, 4.0 }, sy[4] = { 0.5, 2.0, 2.0, NAN };
    spiral_pair_period p[4];
    double m, slope, trend;

    spiral_pair_scores(p, NULL, NULL, sx, sy, 4, 0.6, NULL);
    ck_assert_ptr_nonnull(p[0].reason); /* no A->B yet */
    ck_assert_ptr_nonnull(p[3].reason); /* no B->A any more */
    ck_assert_int_eq(p[0].have_parts, 0);
    /* period 1: J = 1.5, next J = 2.5, no previous: forward slope 1 */
    m = 1.0;
    slope = 2.5 - 1.5;
    trend = 1 / (1 + exp(-slope / 0.5));
    ck_assert_ptr_null(p[1].reason);
    ck_assert_double_eq_tol(p[1].mutual, m / (m + 2), 1e-12);
    ck_assert_double_eq_tol(p[1].trend, trend, 1e-12);
    ck_assert_double_eq_tol(p[1].score, 100 * (m / (m + 2)) * (1 + 0.6 + trend) / 3, 1e-9);
    /* period 2: min(3, 2) = 2, backward slope 1 */
    m = 2.0;
    ck_assert_double_eq_tol(p[2].score, 100 * 0.5 * (1 + 0.6 + trend) / 3, 1e-9);
    ck_assert(p[2].score >= 0 && p[2].score <= 100);
    /* undefined responsiveness: the parts stay, the score goes */
    spiral_pair_scores(p, NULL, NULL, sx, sy, 4, 0, "too short");
    ck_assert_str_eq(p[1].reason, "too short");
    ck_assert_int_eq(p[1].have_parts, 1);
    ck_assert_double_eq(p[1].score, 0.0);
    /* a single period */
    spiral_pair_scores(p, NULL, NULL, sy, sy, 1, 1, NULL);
    ck_assert_ptr_nonnull(p[0].reason);
    /* hostile only on one side: mutual 0, score 0 */
    {
        double hx[3] = { 5, 6, 7 }, hy[3] = { -2, -2, -2 };

        spiral_pair_scores(p, NULL, NULL, hx, hy, 3, 1, NULL);
        ck_assert_double_eq(p[1].score, 0.0);
    }
}
END_TEST

/* A tracker whose pair has too few periods gives reasons, never NaN. */
START_TEST(short_pair_gives_reasons)
{
    spiral_tracker *t;
    spiral_statement st;
    const spiral_pair *p;
    spiral_error err;
    const char *dates[3] = { "2023-01-01", "2023-02-01", "2023-03-01" };
    int i, k;

    ck_assert_int_eq(spiral_tracker_new(&t, NULL, &err), SPIRAL_OK);
    for (i = 0; i < 3; i++)
        for (k = 0; k < 2; k++) {
            memset(&st, 0, sizeof st);
            st.id = "x";
            st.date = dates[i];
            st.actor = k ? "AAA" : "BBB";
            st.target = k ? "BBB" : "AAA";
            st.threat = i + k;
            ck_assert_int_eq(spiral_tracker_add(t, &st, &err), SPIRAL_OK);
        }
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_tracker_npairs(t), 1);
    p = spiral_tracker_pair(t, 0);
    ck_assert_int_eq(p->ab.best, -1);
    ck_assert_ptr_nonnull(p->responsiveness_reason);
    ck_assert_ptr_nonnull(p->richardson.reason);
    ck_assert_ptr_nonnull(p->episodes_reason);
    for (i = 0; i < 3; i++) {
        ck_assert_ptr_nonnull(p->periods[i].reason);
        ck_assert(isfinite(p->periods[i].score));
    }
    spiral_tracker_free(t);
}
END_TEST

Suite *escalation_suite(void)
{
    Suite *s = suite_create("escalation");
    TCase *tc = tcase_create("reciprocity");

    tcase_add_test(tc, normal_quantile);
    tcase_add_test(tc, correlation_at_lag_zero_and_one);
    tcase_add_test(tc, correlation_skips_missing_periods);
    tcase_add_test(tc, correlation_undefined_cases);
    tcase_add_test(tc, reciprocity_finds_the_lag);
    suite_add_tcase(s, tc);
    tc = tcase_create("richardson");
    tcase_add_test(tc, richardson_against_normal_equations);
    tcase_add_test(tc, richardson_recovers_a_known_model);
    tcase_add_test(tc, richardson_undefined_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("episodes");
    tcase_add_test(tc, smoothing_and_noise);
    tcase_add_test(tc, episodes_of_a_constructed_spiral);
    tcase_add_test(tc, episodes_need_both_sides);
    suite_add_tcase(s, tc);
    tc = tcase_create("score");
    tcase_add_test(tc, spiral_score_formula);
    tcase_add_test(tc, short_pair_gives_reasons);
    suite_add_tcase(s, tc);
    return s;
}
