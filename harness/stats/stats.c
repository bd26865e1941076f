/* eb_stats_summarize: every summary statistic of one cell's latency samples. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/stats.h"

static void summary_empty(eb_summary *s)
{
    memset(s, 0, sizeof *s);
    s->min = s->p50 = s->p90 = s->p95 = s->p99 = s->p999 = s->max = NAN;
    s->mean = s->stdev = s->cv = s->mad = NAN;
    s->median_ci_lo = s->median_ci_hi = NAN;
    s->drift = NAN;
}

int eb_stats_summarize(const uint64_t *samples, size_t n, const eb_stability_rules *rules,
                       uint64_t *scratch, eb_summary *out)
{
    eb_summary s;
    summary_empty(&s);
    if (n == 0) {
        eb_stability_verdict(&s, rules);
        *out = s;
        return 0;
    }
    uint64_t *sorted = scratch ? scratch : malloc(n * sizeof *sorted);
    if (!sorted)
        return -1;

    s.n = n;
    /* Drift needs the measurement order, so it goes before the sort that
     * reuses the same buffer. */
    s.drift = eb_drift(samples, n, sorted);

    memcpy(sorted, samples, n * sizeof *samples);
    eb_sort_u64(sorted, n);

    s.min = (double)sorted[0];
    s.max = (double)sorted[n - 1];
    s.p50 = eb_percentile_sorted(sorted, n, 50.0);
    s.p90 = eb_percentile_sorted(sorted, n, 90.0);
    s.p95 = eb_percentile_sorted(sorted, n, 95.0);
    s.p99 = eb_percentile_sorted(sorted, n, 99.0);
    s.p999 = eb_percentile_sorted(sorted, n, 99.9);

    /* Two passes in long double: exact enough for any realistic n and no
     * cancellation from a sum-of-squares formula. */
    long double sum = 0.0L;
    for (size_t i = 0; i < n; i++)
        sum += (long double)sorted[i];
    long double mean = sum / (long double)n;
    s.mean = (double)mean;
    if (n >= 2) {
        long double ss = 0.0L;
        for (size_t i = 0; i < n; i++) {
            long double d = (long double)sorted[i] - mean;
            ss += d * d;
        }
        s.stdev = (double)sqrtl(ss / (long double)(n - 1));
        /* All-equal samples have no spread whatever the mean (even 0). */
        s.cv = s.stdev == 0.0 ? 0.0 : s.stdev / s.mean;
    }
    /* The MAD of one sample is 0 but says nothing about spread: reported NAN
     * like the stdev, while the outlier rule still uses the value. */
    double mad = eb_mad_sorted(sorted, n, s.p50);
    if (n >= 2)
        s.mad = mad;

    size_t lo, hi;
    if (eb_median_ci_ranks(n, 0.95, &lo, &hi) == 0) {
        s.median_ci_lo = (double)sorted[lo];
        s.median_ci_hi = (double)sorted[hi];
    }
    s.outliers = eb_outliers_sorted(sorted, n, s.p50, mad);

    eb_stability_verdict(&s, rules);
    if (!scratch)
        free(sorted);
    *out = s;
    return 0;
}
