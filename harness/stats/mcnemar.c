/* McNemar's exact test for paired hits: the same samples classified by two
 * models. Only the discordant pairs carry information: b samples the first
 * model got right and the second wrong, c the other way round. Under "both
 * models are equally accurate" each discordant pair is a fair coin, so
 * min(b, c) is a Binomial(b + c, 1/2) tail. Exact for any b + c (summed in
 * log space, so thousands of discordant pairs neither overflow nor lose
 * the tail); tests/test_stats.c checks values from SciPy's binomtest. */
#include <math.h>

#include "harness/stats/two_sample.h"

double eb_mcnemar_exact_p(uint64_t b, uint64_t c)
{
    uint64_t n = b + c, k = b < c ? b : c;
    if (n == 0)
        return 1.0;
    /* P(X <= k) = sum_{i<=k} C(n,i) / 2^n, terms in log space, largest
     * term factored out */
    double lg_n1 = lgamma((double)n + 1.0), half = (double)n * log(0.5);
    double top = lg_n1 - lgamma((double)k + 1.0) - lgamma((double)(n - k) + 1.0) + half;
    double sum = 0.0;
    for (uint64_t i = 0; i <= k; i++) {
        double t = lg_n1 - lgamma((double)i + 1.0) - lgamma((double)(n - i) + 1.0) + half;
        sum += exp(t - top);
    }
    double p = 2.0 * exp(top) * sum;
    return p > 1.0 ? 1.0 : p;
}
