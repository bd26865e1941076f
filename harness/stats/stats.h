/* Statistics over latency samples: pure functions, no I/O, no globals.
 *
 * Samples are nanoseconds (uint64_t). Percentiles use linear interpolation
 * between closest ranks (Hyndman & Fan type 7, numpy's default), so a single
 * sample is its own every percentile. Statistics that mean nothing for the
 * sample count (stdev of one sample, a CI from too few samples) are NAN. */
#ifndef EB_STATS_H
#define EB_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct eb_summary {
    uint64_t n;
    double min, p50, p90, p95, p99, p999, max; /* ns */
    double mean, stdev;                       /* ns; stdev NAN for n < 2 */
    double cv;                                /* stdev / mean; NAN for n < 2 */
    double mad;                               /* median absolute deviation, ns */
    double median_ci_lo, median_ci_hi;        /* 95% distribution-free CI of the median; NAN when n too small */
    uint64_t outliers;                        /* samples outside median +- 3 * 1.4826 * MAD */
    int stable;                               /* 1 when no reason below applies */
    char stability[160];                      /* "stable" or the reasons, e.g. "cv 12.3% > 5%; 4% outliers" */
} eb_summary;

/* Thresholds of the stability verdict. */
typedef struct eb_stability_rules {
    double max_cv;            /* default 0.05 */
    double max_outlier_frac;  /* default 0.02 */
    uint64_t min_samples;     /* default 10 */
    double max_drift;         /* relative change of median between first and last third; default 0.05 */
} eb_stability_rules;

void eb_stability_rules_default(eb_stability_rules *r);

/* Summarise n samples (in measurement order: drift uses the order). Uses
 * `scratch` of n uint64_t for sorting when non-NULL, else allocates; returns
 * 0, or -1 when out of memory. rules NULL = defaults. n == 0 gives n = 0 and
 * every statistic NAN. */
int eb_stats_summarize(const uint64_t *samples, size_t n, const eb_stability_rules *rules,
                       uint64_t *scratch, eb_summary *out);

/* Percentile p in [0, 100] of sorted samples (type 7). NAN when n == 0. */
double eb_percentile_sorted(const uint64_t *sorted, size_t n, double p);

/* Ranks (0-based, inclusive) of the order statistics bounding a
 * distribution-free confidence interval for the median at `confidence`
 * (e.g. 0.95), from the binomial(n, 1/2) distribution. Returns -1 when n is
 * too small for that confidence. */
int eb_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi);

/* Median absolute deviation of sorted samples around `median`. */
double eb_mad_sorted(const uint64_t *sorted, size_t n, double median, uint64_t *scratch);

#endif
