/* Percentile-bootstrap confidence interval of the ratio of two medians.
 *
 * Each resample draws n indices into the sorted sample; since the sample is
 * sorted, the median of the drawn values is the value at the median of the
 * drawn indices, found by counting (O(n) per resample, no sorting). The
 * generator is xoshiro256** seeded by splitmix64, so an interval depends only
 * on the samples, the confidence, the resample count and the seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "harness/stats/stats.h"
#include "harness/stats/two_sample.h"





/* Uniform in [0, n) without modulo bias (Lemire's multiply-shift with
 * rejection). */
static size_t below(eb_rng *r, size_t n)
{
    uint64_t x = eb_rng_next(r);
    __uint128_t m = (__uint128_t)x * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t floor = -(uint64_t)n % n;
        while (low < floor) {
            x = eb_rng_next(r);
            m = (__uint128_t)x * n;
            low = (uint64_t)m;
        }
    }
    return (size_t)(m >> 64);
}

/* Median (type 7) of one resample of sorted[0..n); counts has n entries. */
static double resampled_median(const uint64_t *sorted, size_t n, uint32_t *counts, eb_rng *r)
{
    memset(counts, 0, n * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        counts[below(r, n)]++;
    /* ranks (n-1)/2 and n/2 of the drawn indices */
    size_t want_lo = (n - 1) / 2, want_hi = n / 2, seen = 0;
    double lo = NAN, hi = NAN;
    for (size_t k = 0; k < n; k++) {
        seen += counts[k];
        if (isnan(lo) && seen > want_lo)
            lo = (double)sorted[k];
        if (seen > want_hi) {
            hi = (double)sorted[k];
            break;
        }
    }
    return (lo + hi) / 2.0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double percentile_sorted_d(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t k = (size_t)floor(h);
    if (k + 1 >= n)
        return v[n - 1];
    return v[k] + (h - (double)k) * (v[k + 1] - v[k]);
}

int eb_median_ratio_ci(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                       double confidence, int resamples, uint64_t seed, eb_ratio_ci *out)
{
    if (na == 0 || nb == 0 || !(confidence > 0.0 && confidence < 1.0) || resamples < 10)
        return -1;
    size_t nmax = na > nb ? na : nb;
    uint64_t *sa = malloc(na * sizeof *sa), *sb = malloc(nb * sizeof *sb);
    uint32_t *counts = malloc(nmax * sizeof *counts);
    double *ratios = malloc((size_t)resamples * sizeof *ratios);
    int rc = -1;
    if (!sa || !sb || !counts || !ratios)
        goto out;
    memcpy(sa, a, na * sizeof *sa);
    memcpy(sb, b, nb * sizeof *sb);
    eb_sort_u64(sa, na);
    eb_sort_u64(sb, nb);

    eb_rng r;
    eb_rng_seed(&r, seed);

    double ma = eb_percentile_sorted(sa, na, 50.0), mb = eb_percentile_sorted(sb, nb, 50.0);
    size_t kept = 0;
    for (int i = 0; i < resamples; i++) {
        double ra = resampled_median(sa, na, counts, &r);
        double rb = resampled_median(sb, nb, counts, &r);
        if (ra > 0.0)
            ratios[kept++] = rb / ra;
    }
    out->resamples = resamples;
    out->ratio = ma > 0.0 ? mb / ma : NAN;
    if (kept < 2) {
        out->lo = out->hi = NAN;
    } else {
        qsort(ratios, kept, sizeof *ratios, cmp_double);
        out->lo = percentile_sorted_d(ratios, kept, (1.0 - confidence) / 2.0);
        out->hi = percentile_sorted_d(ratios, kept, (1.0 + confidence) / 2.0);
    }
    rc = 0;
out:
    free(sa);
    free(sb);
    free(counts);
    free(ratios);
    return rc;
}
