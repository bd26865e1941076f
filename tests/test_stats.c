/* Unit tests of harness/stats: percentiles, mean/stdev/CV, MAD, the median
 * CI, outliers, drift and the stability verdict, against values computed by
 * hand (worked in the comments) and, for the median CI, against exact integer
 * binomial sums from tools/median_ci_ranks.py. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/stats/stats.h"
#include "harness/stats/two_sample.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static eb_summary summarize(const uint64_t *v, size_t n)
{
    eb_summary s;
    assert_int_equal(eb_stats_summarize(v, n, NULL, NULL, &s), 0);
    return s;
}

/* ---- percentiles ------------------------------------------------------- */

static void test_percentile_of_one_sample_is_that_sample(void **state)
{
    (void)state;
    const uint64_t v[] = {42};
    eb_summary s = summarize(v, 1);
    assert_int_equal(s.n, 1);
    assert_near(s.min, 42, 0);
    assert_near(s.p50, 42, 0);
    assert_near(s.p90, 42, 0);
    assert_near(s.p95, 42, 0);
    assert_near(s.p99, 42, 0);
    assert_near(s.p999, 42, 0);
    assert_near(s.max, 42, 0);
    assert_near(s.mean, 42, 0);
    for (double p = 0; p <= 100; p += 12.5)
        assert_near(eb_percentile_sorted(v, 1, p), 42, 0);
}

static void test_percentile_interpolates_linearly_type7(void **state)
{
    (void)state;
    /* numpy.percentile([15, 20, 35, 40, 50], 40) == 29:
     * h = 4 * 0.4 = 1.6 -> 20 + 0.6 * (35 - 20). */
    const uint64_t v[] = {15, 20, 35, 40, 50};
    assert_near(eb_percentile_sorted(v, 5, 40), 29.0, 1e-12);
    assert_near(eb_percentile_sorted(v, 5, 0), 15.0, 0);
    assert_near(eb_percentile_sorted(v, 5, 100), 50.0, 0);
    assert_near(eb_percentile_sorted(v, 5, 50), 35.0, 0);
    /* h = 4 * 0.75 = 3 exactly: no interpolation. */
    assert_near(eb_percentile_sorted(v, 5, 75), 40.0, 0);
}

static void test_percentile_out_of_range_or_empty_is_nan(void **state)
{
    (void)state;
    const uint64_t v[] = {1, 2};
    assert_true(isnan(eb_percentile_sorted(v, 0, 50)));
    assert_true(isnan(eb_percentile_sorted(v, 2, -1)));
    assert_true(isnan(eb_percentile_sorted(v, 2, 100.5)));
    assert_true(isnan(eb_percentile_sorted(v, 2, NAN)));
}

static void test_p999_of_0_to_1000_is_999(void **state)
{
    (void)state;
    uint64_t v[1001];
    for (size_t i = 0; i < N_OF(v); i++)
        v[i] = i;
    /* h = 1000 * 0.999 = 999 (up to rounding of 99.9/100). */
    assert_near(eb_percentile_sorted(v, N_OF(v), 99.9), 999.0, 1e-9);
    assert_near(eb_percentile_sorted(v, N_OF(v), 99.0), 990.0, 1e-9);
}

/* ---- summaries of small samples ---------------------------------------- */

static void test_one_sample_has_no_spread_statistics(void **state)
{
    (void)state;
    const uint64_t v[] = {42};
    eb_summary s = summarize(v, 1);
    assert_true(isnan(s.stdev));
    assert_true(isnan(s.cv));
    assert_true(isnan(s.mad));
    assert_true(isnan(s.median_ci_lo));
    assert_true(isnan(s.median_ci_hi));
    assert_true(isnan(s.drift));
    assert_int_equal(s.outliers, 0);
    assert_int_equal(s.stable, 0);
    assert_string_equal(s.stability, "too few samples (n=1 < 10)");
}

static void test_zero_samples_give_nan_everywhere(void **state)
{
    (void)state;
    eb_summary s = summarize(NULL, 0);
    assert_int_equal(s.n, 0);
    const double all[] = {s.min, s.p50, s.p90, s.p95, s.p99, s.p999, s.max, s.mean,
                          s.stdev, s.cv, s.mad, s.median_ci_lo, s.median_ci_hi, s.drift};
    for (size_t i = 0; i < N_OF(all); i++)
        assert_true(isnan(all[i]));
    assert_int_equal(s.outliers, 0);
    assert_int_equal(s.stable, 0);
    assert_string_equal(s.stability, "no samples");
}

static void test_two_samples(void **state)
{
    (void)state;
    const uint64_t v[] = {20, 10};
    eb_summary s = summarize(v, 2);
    assert_near(s.min, 10, 0);
    assert_near(s.max, 20, 0);
    assert_near(s.p50, 15, 0);      /* h = 0.5 */
    assert_near(s.p90, 19, 1e-12);  /* h = 0.9 */
    assert_near(s.p99, 19.9, 1e-12);
    assert_near(s.p999, 19.99, 1e-12);
    assert_near(s.mean, 15, 0);
    assert_near(s.stdev, sqrt(50.0), 1e-12);         /* (25 + 25) / (2 - 1) */
    assert_near(s.cv, sqrt(50.0) / 15.0, 1e-15);
    assert_near(s.mad, 5, 0);                        /* |10-15|, |20-15| */
    assert_true(isnan(s.median_ci_lo));              /* n < 6 */
}

static void test_all_equal_samples_have_zero_spread_and_are_stable(void **state)
{
    (void)state;
    uint64_t v[10];
    for (size_t i = 0; i < N_OF(v); i++)
        v[i] = 500;
    eb_summary s = summarize(v, N_OF(v));
    assert_near(s.min, 500, 0);
    assert_near(s.p50, 500, 0);
    assert_near(s.p999, 500, 0);
    assert_near(s.max, 500, 0);
    assert_near(s.stdev, 0, 0);
    assert_near(s.cv, 0, 0);
    assert_near(s.mad, 0, 0);
    assert_near(s.median_ci_lo, 500, 0);
    assert_near(s.median_ci_hi, 500, 0);
    assert_near(s.drift, 0, 0);
    assert_int_equal(s.outliers, 0);
    assert_int_equal(s.stable, 1);
    assert_string_equal(s.stability, "stable");
}

static void test_all_zero_samples_have_cv_zero_not_nan(void **state)
{
    (void)state;
    const uint64_t v[] = {0, 0, 0};
    eb_summary s = summarize(v, 3);
    assert_near(s.cv, 0, 0);
    assert_near(s.drift, 0, 0);
}

static void test_odd_n_unsorted_input(void **state)
{
    (void)state;
    const uint64_t v[] = {5, 1, 4, 2, 3};
    eb_summary s = summarize(v, 5);
    assert_near(s.p50, 3, 0);
    assert_near(s.p90, 4.6, 1e-12);  /* h = 3.6 */
    assert_near(s.p95, 4.8, 1e-12);  /* h = 3.8 */
    assert_near(s.p99, 4.96, 1e-12); /* h = 3.96 */
    assert_near(s.mean, 3, 0);
    assert_near(s.stdev, sqrt(10.0 / 4.0), 1e-12);
    /* deviations 2 1 1 2 0 -> sorted 0 1 1 2 2 -> 1 */
    assert_near(s.mad, 1, 0);
    /* The input is only read. */
    assert_int_equal(v[0], 5);
    assert_int_equal(v[4], 3);
}

static void test_even_n_median_and_mad_average_the_middle_pair(void **state)
{
    (void)state;
    const uint64_t v[] = {1, 2, 3, 4, 10, 20};
    eb_summary s = summarize(v, 6);
    assert_near(s.p50, 3.5, 0);        /* h = 2.5 */
    assert_near(s.p90, 15, 1e-12);     /* h = 4.5 -> 10 + 0.5 * 10 */
    assert_near(s.mean, 40.0 / 6.0, 1e-12);
    assert_near(s.stdev, 7.2571803523590805, 1e-12); /* python statistics.stdev */
    /* deviations from 3.5: 2.5 1.5 0.5 0.5 6.5 16.5 -> sorted
     * 0.5 0.5 1.5 2.5 6.5 16.5 -> (1.5 + 2.5) / 2 */
    assert_near(s.mad, 2.0, 0);
    /* n = 6 is the smallest n with a 95% CI: ranks 0..5 (coverage 1 - 2/64). */
    assert_near(s.median_ci_lo, 1, 0);
    assert_near(s.median_ci_hi, 20, 0);
}

static void test_scratch_buffer_gives_the_same_summary(void **state)
{
    (void)state;
    uint64_t v[100], scratch[100];
    for (size_t i = 0; i < N_OF(v); i++)
        v[i] = 1000 + (i * 7919) % 101;
    eb_summary a = summarize(v, N_OF(v)), b;
    assert_int_equal(eb_stats_summarize(v, N_OF(v), NULL, scratch, &b), 0);
    assert_memory_equal(&a, &b, sizeof a);
}

/* ---- MAD ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void test_mad_matches_sorting_the_deviations(void **state)
{
    (void)state;
    /* The merge walk in eb_mad_sorted against the obvious O(n log n) way, on
     * skewed data with ties, for every n from 1 to 60. */
    uint64_t v[60];
    double dev[60];
    unsigned seed = 12345;
    for (size_t n = 1; n <= N_OF(v); n++) {
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            uint64_t r = (seed >> 16) % 50;
            v[i] = 100 + r * r / 10; /* right-skewed, with ties */
        }
        qsort(v, n, sizeof v[0], cmp_u64);
        double med = eb_percentile_sorted(v, n, 50);
        for (size_t i = 0; i < n; i++)
            dev[i] = fabs((double)v[i] - med);
        qsort(dev, n, sizeof dev[0], cmp_double);
        double want = n % 2 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
        assert_near(eb_mad_sorted(v, n, med), want, 0);
    }
}

/* ---- median confidence interval ------------------------------------------ */

static void test_median_ci_ranks_for_small_n(void **state)
{
    (void)state;
    size_t lo, hi;
    /* n = 5: even [x(0), x(4)] covers only 1 - 2/32 = 93.75% < 95%. */
    for (size_t n = 0; n <= 5; n++)
        assert_int_equal(eb_median_ci_ranks(n, 0.95, &lo, &hi), -1);
    /* n = 10 (hand-computed): P(B<=0) = 1/1024, P(B<=1) = 11/1024 = 1.07%,
     * P(B<=2) = 56/1024 = 5.47%. k = 1 is the largest with P(B<=k) <= 2.5%,
     * so the CI is [x(1), x(8)] (0-based) with coverage 1 - 22/1024 = 97.85%;
     * k = 2 would cover only 89.06%. */
    assert_int_equal(eb_median_ci_ranks(10, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 8);
    /* Rows of tools/median_ci_ranks.py (exact integer sums). */
    static const size_t golden[][3] = {
        {6, 0, 5}, {7, 0, 6}, {8, 0, 7}, {9, 1, 7}, {20, 5, 14}, {30, 9, 20},
        {100, 39, 60}, {1000, 468, 531}, {10000, 4901, 5098},
        /* coverage 95.0015%: a near-boundary case for the log-space sum */
        {1001, 469, 531},
    };
    for (size_t i = 0; i < N_OF(golden); i++) {
        assert_int_equal(eb_median_ci_ranks(golden[i][0], 0.95, &lo, &hi), 0);
        assert_int_equal(lo, golden[i][1]);
        assert_int_equal(hi, golden[i][2]);
    }
}

static void test_median_ci_ranks_for_large_n_are_exact(void **state)
{
    (void)state;
    size_t lo, hi;
    /* tools/median_ci_ranks.py 100000 1000000 (exact, took minutes). A plain
     * binomial CDF in doubles would underflow 2^-n long before these. */
    assert_int_equal(eb_median_ci_ranks(100000, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 49689);
    assert_int_equal(hi, 50310);
    assert_int_equal(eb_median_ci_ranks(1000000, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 499019);
    assert_int_equal(hi, 500980);
    /* 10^9: no exact reference, but the normal approximation puts the lower
     * rank at n/2 - 1.96 sqrt(n)/2 - 1/2 = 499969009.8 (within a couple of ranks). */
    assert_int_equal(eb_median_ci_ranks(1000000000, 0.95, &lo, &hi), 0);
    assert_true(lo >= 499969005 && lo <= 499969012);
    assert_int_equal(hi, 1000000000 - 1 - lo);
}

static void test_median_ci_rejects_confidence_out_of_range(void **state)
{
    (void)state;
    size_t lo, hi;
    assert_int_equal(eb_median_ci_ranks(100, 0.0, &lo, &hi), -1);
    assert_int_equal(eb_median_ci_ranks(100, 1.0, &lo, &hi), -1);
    assert_int_equal(eb_median_ci_ranks(100, NAN, &lo, &hi), -1);
    /* 50%: P(B<=k) <= 0.25 for n = 4 gives k = 0 (P = 1/16); k = 1 has 5/16. */
    assert_int_equal(eb_median_ci_ranks(4, 0.5, &lo, &hi), 0);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 3);
}

/* ---- outliers ------------------------------------------------------------ */

static void test_outliers_beyond_three_robust_sigmas_are_counted(void **state)
{
    (void)state;
    /* 1000..1018 and one 5000: median 1009.5; deviations are 0.5 0.5 1.5 1.5
     * ... 8.5 8.5 9.5 3990.5, whose median is (4.5 + 5.5)/2 = 5, so the limit
     * is 3 * 1.4826 * 5 = 22.2 and only 5000 is outside. */
    uint64_t v[20];
    for (size_t i = 0; i < 19; i++)
        v[i] = 1000 + i;
    v[19] = 5000;
    assert_near(eb_mad_sorted(v, 20, 1009.5), 5.0, 0);
    assert_int_equal(eb_outliers_sorted(v, 20, 1009.5, 5.0), 1);

    eb_summary s = summarize(v, 20);
    assert_int_equal(s.outliers, 1);
    assert_int_equal(s.stable, 0);
    /* cv = 892.4315 / 1208.55 (python statistics); drift is 1.4%: no reason. */
    assert_string_equal(s.stability, "cv 73.8% > 5%; outliers 5.0% > 2%");
}

static void test_outliers_with_zero_mad_fall_back_to_mean_absolute_deviation(void **state)
{
    (void)state;
    /* 9 x 100 and one 200: MAD = 0. Mean absolute deviation = 10, scale
     * 1.2533 * 10, limit 37.6: the spike is an outlier. */
    uint64_t spike[10] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 200};
    assert_near(eb_mad_sorted(spike, 10, 100), 0, 0);
    assert_int_equal(eb_outliers_sorted(spike, 10, 100, 0), 1);
    /* 6 x 100 and 4 x 101 (a coarse timer): MAD = 0, mean absolute deviation
     * 0.4, limit 1.5: one tick away is not an outlier. */
    uint64_t ticks[10] = {100, 100, 100, 100, 100, 100, 101, 101, 101, 101};
    assert_near(eb_mad_sorted(ticks, 10, 100), 0, 0);
    assert_int_equal(eb_outliers_sorted(ticks, 10, 100, 0), 0);
}

/* ---- drift and the verdict ----------------------------------------------- */

static void test_drift_between_first_and_last_third_makes_unstable(void **state)
{
    (void)state;
    /* 20 x 1000 then 10 x 1100: the last third's median is 10% above the
     * first's. cv 4.6% and no outliers (MAD 0, mean abs. deviation 33.3,
     * limit 125 > 100), so drift is the only reason. */
    uint64_t v[30];
    for (size_t i = 0; i < 30; i++)
        v[i] = i < 20 ? 1000 : 1100;
    eb_summary s = summarize(v, 30);
    assert_near(s.drift, 0.10, 1e-12);
    assert_near(s.cv, 0.04639967433729524, 1e-12);
    assert_int_equal(s.outliers, 0);
    assert_int_equal(s.stable, 0);
    assert_string_equal(s.stability, "drift +10.0% > 5% (first vs last third)");
}

static void test_same_samples_interleaved_have_no_drift(void **state)
{
    (void)state;
    /* The same multiset as above, but 1000 1000 1100 repeated: every third
     * has median 1000, so the order, not the values, made the drift. */
    uint64_t v[30];
    for (size_t i = 0; i < 30; i++)
        v[i] = i % 3 == 2 ? 1100 : 1000;
    eb_summary s = summarize(v, 30);
    assert_near(s.drift, 0, 0);
    assert_int_equal(s.stable, 1);
    assert_string_equal(s.stability, "stable");
}

static void test_speedup_drift_is_negative(void **state)
{
    (void)state;
    uint64_t v[30], scratch[10];
    for (size_t i = 0; i < 30; i++)
        v[i] = i < 10 ? 1100 : 1000;
    /* (1000 - 1100) / 1100 = -9.09% */
    assert_near(eb_drift(v, 30, scratch), -100.0 / 1100.0, 1e-15);
    eb_summary s = summarize(v, 30);
    assert_string_equal(s.stability, "drift -9.1% > 5% (first vs last third)");
    assert_true(isnan(eb_drift(v, 2, scratch)));
}

static void test_high_cv_alone_makes_unstable(void **state)
{
    (void)state;
    /* 1000 1200 alternating: mean 1100, stdev 102.598 (n-1), cv 9.33%; MAD
     * 100 so no outliers; every third has median 1100 so no drift. */
    uint64_t v[20];
    for (size_t i = 0; i < 20; i++)
        v[i] = i % 2 ? 1200 : 1000;
    eb_summary s = summarize(v, 20);
    assert_near(s.cv, 0.09327075928046855, 1e-12);
    assert_int_equal(s.outliers, 0);
    assert_string_equal(s.stability, "cv 9.3% > 5%");
}

static void test_rules_thresholds_are_applied(void **state)
{
    (void)state;
    uint64_t v[20];
    for (size_t i = 0; i < 20; i++)
        v[i] = i % 2 ? 1200 : 1000;
    eb_stability_rules r;
    eb_stability_rules_default(&r);
    assert_near(r.max_cv, 0.05, 0);
    assert_near(r.max_outlier_frac, 0.02, 0);
    assert_int_equal(r.min_samples, 10);
    assert_near(r.max_drift, 0.05, 0);

    eb_summary s;
    r.max_cv = 0.10;
    assert_int_equal(eb_stats_summarize(v, 20, &r, NULL, &s), 0);
    assert_string_equal(s.stability, "stable");
    r.min_samples = 21;
    assert_int_equal(eb_stats_summarize(v, 20, &r, NULL, &s), 0);
    assert_string_equal(s.stability, "too few samples (n=20 < 21)");
}

static void test_verdict_can_be_rejudged_from_a_summary(void **state)
{
    (void)state;
    eb_summary s = {0};
    s.n = 100;
    s.cv = 0.2;
    s.outliers = 10;
    s.drift = -0.5;
    eb_stability_verdict(&s, NULL);
    assert_int_equal(s.stable, 0);
    assert_string_equal(s.stability,
                        "cv 20.0% > 5%; outliers 10.0% > 2%; drift -50.0% > 5% (first vs last third)");
    s.cv = NAN; /* unknown is not a reason */
    s.outliers = 0;
    s.drift = NAN;
    eb_stability_verdict(&s, NULL);
    assert_int_equal(s.stable, 1);
    assert_string_equal(s.stability, "stable");
}

/* The table cell names the first reason, not the CV when the CV passed. */
static void test_short_verdict_names_the_first_reason(void **state)
{
    (void)state;
    eb_summary s = {0};
    char buf[96];
    s.n = 100;
    s.cv = 0.001;
    s.outliers = 30;
    s.drift = NAN;
    eb_stability_verdict(&s, NULL);
    eb_stability_short(&s, buf, sizeof buf);
    assert_string_equal(buf, "unstable (outliers 30.0%)");
    s.cv = 0.48;
    eb_stability_verdict(&s, NULL);
    eb_stability_short(&s, buf, sizeof buf);
    assert_string_equal(buf, "unstable (CV 48.0%)");
    s.n = 3;
    eb_stability_verdict(&s, NULL);
    eb_stability_short(&s, buf, sizeof buf);
    assert_string_equal(buf, "unstable (too few samples)");
    s.n = 100;
    s.cv = 0.01;
    s.outliers = 0;
    eb_stability_verdict(&s, NULL);
    eb_stability_short(&s, buf, sizeof buf);
    assert_string_equal(buf, "stable");
    eb_stability_short(&s, buf, 4); /* truncates, never overruns */
    assert_string_equal(buf, "sta");
}

/* McNemar's exact p against scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
 * (SciPy 1.10, Debian 12). */
static void test_mcnemar_exact_p_matches_scipy_binomtest(void **state)
{
    (void)state;
    const struct { uint64_t b, c; double p; } cases[] = {
        {5, 1, 0.21875}, {10, 10, 1.0}, {30, 12, 0.007915897334896727}, {0, 7, 0.015625},
        {250, 310, 0.012590475149380298}, {3, 0, 0.25}, {0, 0, 1.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double p = eb_mcnemar_exact_p(cases[i].b, cases[i].c);
        assert_true(fabs(p - cases[i].p) <= 1e-9 * (cases[i].p > 1e-3 ? 1 : 0) + 1e-6 * cases[i].p + 1e-15);
        /* symmetric in the two models */
        assert_true(p == eb_mcnemar_exact_p(cases[i].c, cases[i].b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mcnemar_exact_p_matches_scipy_binomtest),
        cmocka_unit_test(test_percentile_of_one_sample_is_that_sample),
        cmocka_unit_test(test_percentile_interpolates_linearly_type7),
        cmocka_unit_test(test_percentile_out_of_range_or_empty_is_nan),
        cmocka_unit_test(test_p999_of_0_to_1000_is_999),
        cmocka_unit_test(test_one_sample_has_no_spread_statistics),
        cmocka_unit_test(test_zero_samples_give_nan_everywhere),
        cmocka_unit_test(test_two_samples),
        cmocka_unit_test(test_all_equal_samples_have_zero_spread_and_are_stable),
        cmocka_unit_test(test_all_zero_samples_have_cv_zero_not_nan),
        cmocka_unit_test(test_odd_n_unsorted_input),
        cmocka_unit_test(test_even_n_median_and_mad_average_the_middle_pair),
        cmocka_unit_test(test_scratch_buffer_gives_the_same_summary),
        cmocka_unit_test(test_mad_matches_sorting_the_deviations),
        cmocka_unit_test(test_median_ci_ranks_for_small_n),
        cmocka_unit_test(test_median_ci_ranks_for_large_n_are_exact),
        cmocka_unit_test(test_median_ci_rejects_confidence_out_of_range),
        cmocka_unit_test(test_outliers_beyond_three_robust_sigmas_are_counted),
        cmocka_unit_test(test_outliers_with_zero_mad_fall_back_to_mean_absolute_deviation),
        cmocka_unit_test(test_drift_between_first_and_last_third_makes_unstable),
        cmocka_unit_test(test_same_samples_interleaved_have_no_drift),
        cmocka_unit_test(test_speedup_drift_is_negative),
        cmocka_unit_test(test_high_cv_alone_makes_unstable),
        cmocka_unit_test(test_rules_thresholds_are_applied),
        cmocka_unit_test(test_verdict_can_be_rejudged_from_a_summary),
        cmocka_unit_test(test_short_verdict_names_the_first_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
