/* Two-sample statistics (harness/stats/two_sample.h): Mann-Whitney U and the
 * bootstrap interval of the ratio of medians, against SciPy's values
 * (tests/data/gate/two_sample_golden.inc, from make_two_sample_golden.py)
 * and against properties that must hold. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "harness/stats/two_sample.h"

#include "tests/data/gate/two_sample_golden.inc"

static void assert_close(double got, double want, double rel, const char *what)
{
    double tol = rel * fabs(want) + 1e-300;
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, want %.17g (relative tolerance %g)", what, got, want, rel);
}

static void test_mann_whitney_matches_scipy(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof golden_cases / sizeof golden_cases[0]; i++) {
        const struct golden_case *g = &golden_cases[i];
        eb_mwu m;
        assert_int_equal(eb_mann_whitney_method(g->a, g->na, g->b, g->nb, g->exact, &m), 0);
        print_message("%s: U %g p> %g p< %g p2 %g\n", g->name, m.u_b, m.p_greater, m.p_less,
                      m.p_two_sided);
        assert_close(m.u_b, g->u_b, 1e-12, g->name);
        assert_int_equal(m.exact, g->exact);
        assert_close(m.p_greater, g->p_greater, 1e-6, "p_greater");
        assert_close(m.p_less, g->p_less, 1e-6, "p_less");
        assert_close(m.p_two_sided, g->p_two_sided, 1e-6, "p_two_sided");
        assert_close(m.u_a, (double)(g->na * g->nb) - g->u_b, 1e-12, "u_a");
    }
}

static void test_mann_whitney_picks_exact_only_without_ties(void **state)
{
    (void)state;
    const struct golden_case *small = &golden_cases[0], *ties = &golden_cases[2];
    eb_mwu m;
    assert_int_equal(eb_mann_whitney(small->a, small->na, small->b, small->nb, &m), 0);
    assert_int_equal(m.exact, 1);
    assert_true(isnan(m.z));
    assert_int_equal(eb_mann_whitney(ties->a, ties->na, ties->b, ties->nb, &m), 0);
    assert_int_equal(m.exact, 0);
    /* the exact method refuses tied samples rather than giving a wrong p */
    assert_int_equal(eb_mann_whitney_method(ties->a, ties->na, ties->b, ties->nb, 1, &m), -1);
}

static void test_mann_whitney_of_identical_constant_samples_is_no_evidence(void **state)
{
    (void)state;
    uint64_t a[20], b[30];
    for (int i = 0; i < 20; i++)
        a[i] = 1000;
    for (int i = 0; i < 30; i++)
        b[i] = 1000;
    eb_mwu m;
    assert_int_equal(eb_mann_whitney(a, 20, b, 30, &m), 0);
    assert_true(m.p_greater == 1.0 && m.p_less == 1.0 && m.p_two_sided == 1.0);
    assert_close(m.effect, 0.5, 1e-12, "effect");
    assert_int_equal(eb_mann_whitney(a, 0, b, 30, &m), -1);
}

static void test_exact_distribution_sums_to_one_and_is_symmetric(void **state)
{
    (void)state;
    /* a completely separated pair: b all above a, p = 1 / C(na+nb, na) */
    uint64_t a[5] = {1, 2, 3, 4, 5}, b[4] = {10, 11, 12, 13};
    eb_mwu m;
    assert_int_equal(eb_mann_whitney_method(a, 5, b, 4, 1, &m), 0);
    assert_close(m.u_b, 20, 0, "U");
    assert_close(m.p_greater, 1.0 / 126.0, 1e-12, "p = 1/C(9,4)");
    assert_close(m.p_less, 1.0, 1e-12, "p_less");
    /* swapped roles give the mirrored p-values */
    eb_mwu w;
    assert_int_equal(eb_mann_whitney_method(b, 4, a, 5, 1, &w), 0);
    assert_close(w.p_less, m.p_greater, 1e-12, "mirror");
}

static void test_ratio_ci_matches_scipy_bootstrap_on_large_samples(void **state)
{
    (void)state;
    const struct golden_case *g = &golden_cases[3]; /* lognormal, 300 vs 250 */
    eb_ratio_ci ci;
    assert_int_equal(eb_median_ratio_ci(g->a, g->na, g->b, g->nb, 0.95, EB_RATIO_CI_RESAMPLES,
                                        EB_RATIO_CI_SEED, &ci), 0);
    print_message("ratio %.5f CI [%.5f, %.5f], scipy [%.5f, %.5f]\n", ci.ratio, ci.lo, ci.hi,
                  g->ci_lo, g->ci_hi);
    /* two bootstraps with different generators agree to Monte-Carlo error */
    assert_close(ci.lo, g->ci_lo, 0.003, "ci lo");
    assert_close(ci.hi, g->ci_hi, 0.003, "ci hi");
    assert_true(ci.lo <= ci.ratio && ci.ratio <= ci.hi);
}

static void test_ratio_ci_is_deterministic_for_a_seed(void **state)
{
    (void)state;
    const struct golden_case *g = &golden_cases[3];
    eb_ratio_ci x, y, z;
    assert_int_equal(eb_median_ratio_ci(g->a, g->na, g->b, g->nb, 0.95, 500, 7, &x), 0);
    assert_int_equal(eb_median_ratio_ci(g->a, g->na, g->b, g->nb, 0.95, 500, 7, &y), 0);
    assert_int_equal(eb_median_ratio_ci(g->a, g->na, g->b, g->nb, 0.95, 500, 8, &z), 0);
    assert_true(x.lo == y.lo && x.hi == y.hi);
    assert_true(x.lo != z.lo || x.hi != z.hi);
}

static void test_ratio_ci_of_exactly_scaled_samples_holds_the_scale(void **state)
{
    (void)state;
    uint64_t a[401], b[401];
    for (int i = 0; i < 401; i++) {
        a[i] = 100000 + (uint64_t)((i * 7919) % 401) * 50; /* a spread of 20000 ns */
        b[i] = a[i] * 11 / 10;
    }
    eb_ratio_ci ci;
    assert_int_equal(eb_median_ratio_ci(a, 401, b, 401, 0.95, 2000, EB_RATIO_CI_SEED, &ci), 0);
    assert_close(ci.ratio, 1.1, 1e-9, "ratio");
    assert_true(ci.lo < 1.1 && ci.hi > 1.1);
    assert_true(ci.lo > 1.0); /* 10% is resolved with 401 samples each */
}

/* Coverage: samples of one distribution give an interval holding 1 in about
 * 95% of trials (a failure rate far above 5% would make A/A comparisons cry
 * wolf). 200 trials of 200 vs 200 samples from a fixed generator. */
static void test_ratio_ci_covers_one_for_equal_distributions(void **state)
{
    (void)state;
    uint64_t s = 12345;
    uint64_t a[200], b[200];
    int covered = 0, trials = 200;
    for (int t = 0; t < trials; t++) {
        for (int i = 0; i < 200; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = 1000000 + (s >> 40) % 100000;
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            b[i] = 1000000 + (s >> 40) % 100000;
        }
        eb_ratio_ci ci;
        assert_int_equal(eb_median_ratio_ci(a, 200, b, 200, 0.95, 400, (uint64_t)t, &ci), 0);
        covered += ci.lo <= 1.0 && 1.0 <= ci.hi;
    }
    print_message("coverage %d / %d\n", covered, trials);
    assert_true(covered >= 178); /* 89%: binomial(200, 0.95) is below this with p < 0.001 */
}

static void test_ratio_ci_refuses_bad_arguments(void **state)
{
    (void)state;
    uint64_t a[3] = {1, 2, 3};
    eb_ratio_ci ci;
    assert_int_equal(eb_median_ratio_ci(a, 0, a, 3, 0.95, 100, 1, &ci), -1);
    assert_int_equal(eb_median_ratio_ci(a, 3, a, 3, 1.0, 100, 1, &ci), -1);
    assert_int_equal(eb_median_ratio_ci(a, 3, a, 3, 0.95, 5, 1, &ci), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mann_whitney_matches_scipy),
        cmocka_unit_test(test_mann_whitney_picks_exact_only_without_ties),
        cmocka_unit_test(test_mann_whitney_of_identical_constant_samples_is_no_evidence),
        cmocka_unit_test(test_exact_distribution_sums_to_one_and_is_symmetric),
        cmocka_unit_test(test_ratio_ci_matches_scipy_bootstrap_on_large_samples),
        cmocka_unit_test(test_ratio_ci_is_deterministic_for_a_seed),
        cmocka_unit_test(test_ratio_ci_of_exactly_scaled_samples_holds_the_scale),
        cmocka_unit_test(test_ratio_ci_covers_one_for_equal_distributions),
        cmocka_unit_test(test_ratio_ci_refuses_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
