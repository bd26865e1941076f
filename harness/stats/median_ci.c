/* Distribution-free confidence interval of the median from binomial order
 * statistics.
 *
 * For n samples of any continuous distribution with median M, the number B of
 * samples below M is binomial(n, 1/2), so with 0-based order statistics
 * x(0) <= ... <= x(n-1):
 *     P(x(k) <= M <= x(n-1-k)) = P(k+1 <= B <= n-1-k) = 1 - 2 P(B <= k).
 * The CI takes the largest k whose coverage still reaches the confidence. */
#include <math.h>

#include "harness/stats/stats.h"

#ifndef M_LN2
#define M_LN2 0.69314718055994530942
#endif

/* log P(B = k) for B ~ binomial(n, 1/2). */
static double log_binom_half_pmf(double n, double k)
{
    return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) - n * M_LN2;
}

/* log(e^a + e^b) without overflow or underflow. */
static double log_add(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    double hi = a > b ? a : b, lo = a > b ? b : a;
    return hi + log1p(exp(lo - hi));
}

int eb_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi)
{
    if (n == 0 || !(confidence > 0.0 && confidence < 1.0))
        return -1;
    double dn = (double)n;
    /* P(B <= k) must stay <= alpha/2. The tiny slack absorbs rounding of the
     * log sums at a boundary hit exactly (only possible for dyadic confidences). */
    double log_limit = log((1.0 - confidence) / 2.0) + 1e-12;

    /* Terms far below the mean add nothing visible: by Hoeffding,
     * P(B <= n/2 - t) <= exp(-2 t^2 / n), which is < e^-200 for
     * t = 10 sqrt(n). Starting there makes the cost O(sqrt n) instead of O(n)
     * while every term that matters is still summed exactly. */
    double skip = floor(dn / 2.0 - 10.0 * sqrt(dn));
    size_t k = skip > 0.0 ? (size_t)skip : 0;

    double log_cdf = -INFINITY;
    size_t best = 0; /* largest k with P(B <= k) <= alpha/2, when found */
    int found = 0;
    for (; 2 * k < n; k++) {
        log_cdf = log_add(log_cdf, log_binom_half_pmf(dn, (double)k));
        if (log_cdf > log_limit)
            break;
        best = k;
        found = 1;
    }
    if (!found)
        return -1;
    *lo = best;
    *hi = n - 1 - best;
    return 0;
}
