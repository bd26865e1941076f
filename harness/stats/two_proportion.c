/* Two-proportion z test with the pooled variance: is the candidate's hit
 * rate (top-1 over its samples) lower than the baseline's? Normal
 * approximation; tests/test_compare.c checks a value computed with SciPy's
 * normal distribution. */
#include <math.h>

#include "harness/stats/two_sample.h"

int eb_two_proportion_test(uint64_t k_a, uint64_t n_a, uint64_t k_b, uint64_t n_b, double *z,
                           double *p_less, double *p_greater)
{
    if (n_a == 0 || n_b == 0 || k_a > n_a || k_b > n_b)
        return -1;
    double pa = (double)k_a / (double)n_a, pb = (double)k_b / (double)n_b;
    double pooled = (double)(k_a + k_b) / (double)(n_a + n_b);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double)n_a + 1.0 / (double)n_b));
    if (!(se > 0.0)) {
        *z = 0.0;
        *p_less = *p_greater = 1.0;
        return 0;
    }
    *z = (pb - pa) / se;
    *p_less = 0.5 * erfc(-*z / sqrt(2.0));   /* P(Z <= z) */
    *p_greater = 0.5 * erfc(*z / sqrt(2.0)); /* P(Z >= z) */
    return 0;
}
