/* Statistics over latency samples: pure functions, no I/O, no globals.
 *
 * Samples are nanoseconds (uint64_t). Percentiles use linear interpolation
 * between closest ranks (Hyndman & Fan type 7, numpy's default), so a single
 * sample is its own every percentile. Statistics that mean nothing for the
 * sample count (stdev or MAD of one sample, a CI from too few samples) are NAN.
 *
 * Where each piece lives: percentile.c (type-7 percentiles), median_ci.c
 * (binomial order-statistic CI of the median), robust.c (MAD, outliers),
 * stability.c (drift, verdict), stats.c (eb_stats_summarize ties them up). */
#ifndef EB_STATS_H
#define EB_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_summary {
    uint64_t n;
    double min, p50, p90, p95, p99, p999, max; /* ns */
    double mean, stdev;                       /* ns; stdev NAN for n < 2 */
    double cv;                                /* stdev / mean; NAN for n < 2; 0 when stdev is 0 */
    double mad;                               /* median absolute deviation (unscaled), ns; NAN for n < 2 */
    double median_ci_lo, median_ci_hi;        /* 95% distribution-free CI of the median; NAN when n < 6 */
    uint64_t outliers;                        /* samples outside median +- 3 * 1.4826 * MAD (see eb_outliers_sorted) */
    int stable;                               /* 1 when no reason below applies */
    char stability[160];                      /* "stable" or the reasons, e.g. "cv 12.3% > 5%; outliers 4.0% > 2%" */
    double drift;                             /* (median of last third - median of first third) / first; NAN for n < 3 */
} eb_summary;

/* Thresholds of the stability verdict. */
typedef struct eb_stability_rules {
    double max_cv;            /* default 0.05 */
    double max_outlier_frac;  /* default 0.02 */
    uint64_t min_samples;     /* default 10 */
    double max_drift;         /* |relative change| of median between first and last third; default 0.05 */
} eb_stability_rules;

void eb_stability_rules_default(eb_stability_rules *r);

/* Summarise n samples (in measurement order: drift uses the order). Uses
 * `scratch` of n uint64_t for sorting when non-NULL, else allocates; returns
 * 0, or -1 when out of memory (out untouched). rules NULL = defaults. n == 0
 * gives n = 0, every statistic NAN, outliers 0 and the verdict "no samples".
 * `samples` is only read; scratch contents are garbage afterwards. */
int eb_stats_summarize(const uint64_t *samples, size_t n, const eb_stability_rules *rules,
                       uint64_t *scratch, eb_summary *out);

/* Sort ascending in place (samples before a percentile or a plot). */
void eb_sort_u64(uint64_t *v, size_t n);

/* Percentile p in [0, 100] of sorted samples (type 7): with h = (n-1)p/100,
 * x[floor h] + frac(h) (x[floor h + 1] - x[floor h]). NAN when n == 0 or p is
 * outside [0, 100] (or NAN). */
double eb_percentile_sorted(const uint64_t *sorted, size_t n, double p);

/* Ranks (0-based, inclusive) of the order statistics bounding a
 * distribution-free confidence interval for the median at `confidence`
 * (0 < confidence < 1, e.g. 0.95): the narrowest symmetric pair
 * [x(lo), x(n-1-lo)] whose coverage 1 - 2 P(B <= lo), B ~ binomial(n, 1/2),
 * is at least `confidence`. The binomial CDF is summed exactly in log space
 * (lgamma), so any n works. Returns 0, or -1 when even [x(0), x(n-1)] covers
 * less than `confidence` (n < 6 at 0.95) or confidence is out of range. */
int eb_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi);

/* Median absolute deviation (unscaled: multiply by 1.4826 for a normal
 * sigma) of sorted samples around `median`: the type-7 median of
 * |x - median|. O(n), no scratch: the deviations of a sorted array are two
 * sorted runs that are merged up to the middle. NAN when n == 0. */
double eb_mad_sorted(const uint64_t *sorted, size_t n, double median);

/* Count of samples with |x - median| > 3 * 1.4826 * mad (a robust 3-sigma).
 * When mad is 0 (more than half the samples equal the median, e.g. a coarse
 * timer), the scale falls back to 1.2533 * the mean absolute deviation around
 * the median (Iglewicz & Hoaglin's modified z-score rule), so a lone spike is
 * still counted; when that is 0 too every sample equals the median and the
 * count is 0. */
uint64_t eb_outliers_sorted(const uint64_t *sorted, size_t n, double median, double mad);

/* Relative drift of the median between the first and the last third of the
 * samples in measurement order: (m_last - m_first) / m_first, signed. NAN when
 * n < 3; +INFINITY when m_first is 0 and m_last is not. `scratch` holds at
 * least n / 3 uint64_t (required). */
double eb_drift(const uint64_t *samples, size_t n, uint64_t *scratch);

/* Fill s->stable and s->stability from s->n, cv, outliers and drift. Reasons,
 * in this order and joined with "; ":
 *   "no samples" / "too few samples (n=3 < 10)"  (then no other reason),
 *   "cv 12.3% > 5%", "outliers 4.0% > 2%", "drift +7.2% > 5% (first vs last third)".
 * A statistic that is NAN is not a reason. rules NULL = defaults. */
void eb_stability_verdict(eb_summary *s, const eb_stability_rules *rules);

/* The verdict in a table cell: "stable", or "unstable (" + the first reason
 * without its threshold + ")", e.g. "unstable (CV 48%)", "unstable
 * (outliers 29.6%)", "unstable (too few samples)". Read from s->stability
 * (as stored), so a reader needs no rules; the first reason, because "CV 0%"
 * beside "unstable" reads as a contradiction when outliers were the cause. */
void eb_stability_short(const eb_summary *s, char *buf, size_t cap);

#endif
