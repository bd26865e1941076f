/* Robust spread: median absolute deviation and outlier count. */
#include <math.h>

#include "harness/stats/stats.h"

/* The deviations |x - median| of a sorted array form two ascending runs:
 * leftwards from the split (median - x) and rightwards (x - median). This
 * walks their merge and returns the k-th smallest (0-based) in O(k). */
static double kth_deviation(const uint64_t *sorted, size_t n, double median, size_t split, size_t k)
{
    size_t l = split, r = split; /* next left is sorted[l-1], next right is sorted[r] */
    double d = 0.0;
    for (size_t i = 0; i <= k; i++) {
        int take_left;
        if (l == 0)
            take_left = 0;
        else if (r == n)
            take_left = 1;
        else
            take_left = median - (double)sorted[l - 1] <= (double)sorted[r] - median;
        if (take_left)
            d = median - (double)sorted[--l];
        else
            d = (double)sorted[r++] - median;
    }
    return d;
}

double eb_mad_sorted(const uint64_t *sorted, size_t n, double median)
{
    if (n == 0)
        return NAN;
    size_t split = 0; /* first index with sorted[i] >= median */
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if ((double)sorted[mid] < median)
            a = mid + 1;
        else
            b = mid;
    }
    split = a;
    /* Type-7 median of the n deviations: the middle one, or the mean of the
     * two middle ones. */
    size_t k = (n - 1) / 2;
    double d0 = kth_deviation(sorted, n, median, split, k);
    if (n % 2 == 1)
        return d0;
    double d1 = kth_deviation(sorted, n, median, split, k + 1);
    return (d0 + d1) / 2.0;
}

uint64_t eb_outliers_sorted(const uint64_t *sorted, size_t n, double median, double mad)
{
    if (n == 0 || isnan(median) || isnan(mad))
        return 0;
    double scale = 1.4826 * mad;
    if (mad == 0.0) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += fabs((double)sorted[i] - median);
        scale = 1.2533 * (sum / (double)n);
        if (scale == 0.0)
            return 0; /* every sample equals the median */
    }
    double limit = 3.0 * scale;
    uint64_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)sorted[i] - median) > limit)
            count++;
    return count;
}
