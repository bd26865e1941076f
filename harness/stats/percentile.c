/* Type-7 percentiles (Hyndman & Fan; numpy's and R's default) of sorted samples. */
#include <math.h>

#include "harness/stats/stats.h"

double eb_percentile_sorted(const uint64_t *sorted, size_t n, double p)
{
    if (n == 0 || !(p >= 0.0 && p <= 100.0))
        return NAN;
    double h = (double)(n - 1) * p / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return (double)sorted[n - 1];
    double frac = h - (double)lo;
    /* Difference in double: exact for values below 2^53 ns (104 days). */
    return (double)sorted[lo] + frac * ((double)sorted[lo + 1] - (double)sorted[lo]);
}
