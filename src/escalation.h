/*
 * escalation.h - the spiral metrics of a pair of hostility series.
 *
 * Series are arrays of doubles over consecutive periods, NAN where a period
 * had no statements (the functions here are the only place NAN is used as
 * "missing"; nothing they return to a caller is NaN).
 */
#ifndef SPIRAL_ESCALATION_H
#define SPIRAL_ESCALATION_H

#include <stddef.h>

#include "spiral.h"

/* The two-sided standard normal quantile for a confidence level:
 * 0.95 -> 1.959964. */
double spiral_normal_quantile(double confidence);

/* Pearson's r of x[t] with y[t - lag] over the t where both are present,
 * with a Fisher-z interval at the given confidence.  Needs 4 pairs; a
 * constant side leaves r undefined (out->reason says which). */
void spiral_corr_lagged(spiral_corr *out, const double *x, const double *y, size_t n,
                        int lag, double confidence);

/* lags 0..max_lag of x responding to y, and the best (largest r). */
void spiral_reciprocity_compute(spiral_reciprocity *out, const double *x, const double *y,
                                size_t n, int max_lag, double confidence);

/* Richardson's reaction model by least squares (see spiral.h). */
void spiral_richardson_fit(spiral_richardson *out, const double *x, const double *y, size_t n);

/* x with interior gaps of at most max_gap periods filled by linear
 * interpolation (longer gaps stay missing), smoothed by a centred moving
 * average of `window` periods over the defined values (shrinking at the
 * ends); NAN before the first and after the last observation. */
void spiral_series_smooth(double *out, const double *x, size_t n, int window, size_t max_gap);

/* The longest gap bridged by interpolation: 3 periods, or the smoothing
 * window when it is longer. */
size_t spiral_max_gap(int smooth);

/* The noise scale of a series: 1.4826 * MAD of the differences between
 * consecutive present values / sqrt 2 (the standard deviation of i.i.d.
 * noise around a slowly moving level); when the MAD is 0, the standard
 * deviation of the differences / sqrt 2; 0 with fewer than 3 differences.
 * scratch holds n doubles. */
double spiral_noise_scale(const double *x, size_t n, double *scratch);

/* Episodes of a pair from its raw series rx (A->B), ry (B->A) and their
 * smoothed forms sx, sy: see README (Metrics: episodes).  H is the
 * threshold in hostility units, a and b the sides' names (for leader).
 * *out is allocated (NULL when none).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_episodes_find(spiral_episode **out, size_t *nout, const double *rx,
                         const double *ry, const double *sx, const double *sy, size_t n,
                         double H, int max_lag, const char *a, const char *b);

/* The spiral score of a pair in each period, from the raw series (for the
 * reasons; may be NULL), the smoothed ones, and the pair's responsiveness
 * (or its reason for being undefined). */
void spiral_pair_scores(spiral_pair_period *out, const double *rx, const double *ry,
                        const double *sx, const double *sy, size_t n, double responsiveness,
                        const char *responsiveness_reason);

/* Pairs of a tracker whose dyads are laid out (aggregate.c calls this from
 * spiral_tracker_finish). */
struct spiral_tracker;
int spiral_pairs_compute(struct spiral_tracker *t, spiral_error *err);
void spiral_pairs_free(spiral_pair *pairs, size_t n);

/* The hostility index of a cell: mean of threat - reassurance, NAN at n = 0. */
double spiral_cell_hostility(const spiral_cell *c);

#endif
