/* Outputs against golden values (harness/accuracy/golden_diff.c) on arrays
 * whose errors are known by construction: numpy.allclose's rule, the
 * maximum absolute and relative errors, the mismatch count, the order of
 * the worst elements, NaN and infinities. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness/accuracy/golden_diff.h"

static void test_allclose_rule_and_maxima(void **state)
{
    (void)state;
    /* atol 0.1, rtol 0.01: element k may differ by 0.1 + 0.01 * |want| */
    double want[6] = {0, 10, -10, 100, 1, 5};
    double got[6] = {0.1, 10.2, -10.3, 101.0, 1, 5.5};
    /* errors: 0.1 (limit 0.1: ok), 0.2 (limit 0.2: ok), 0.3 (limit 0.2:
     * mismatch), 1.0 (limit 1.1: ok), 0 (ok), 0.5 (limit 0.15: mismatch) */
    eb_golden_diff d;
    eb_golden_diff_init(&d, 0.01, 0.1, 0, 3);
    eb_golden_diff_add(&d, got, want, 6);
    assert_int_equal(d.n, 6);
    assert_int_equal(d.mismatches, 2);
    assert_int_equal(d.nan_mismatches, 0);
    assert_float_equal(d.max_abs_err, 1.0, 1e-12);
    assert_float_equal(d.max_rel_err, 0.1, 1e-12); /* 0.5 / 5; want 0 has no relative error */
    assert_float_equal(eb_golden_diff_fraction(&d), 2.0 / 6.0, 1e-12);
    /* the worst three, largest error first: index 3 (1.0), 5 (0.5), 2 (0.3) */
    assert_int_equal(d.n_worst, 3);
    assert_int_equal(d.worst[0].index, 3);
    assert_false(d.worst[0].mismatch);
    assert_int_equal(d.worst[1].index, 5);
    assert_true(d.worst[1].mismatch);
    assert_int_equal(d.worst[2].index, 2);
    assert_float_equal(d.worst[2].got, -10.3, 0);
    assert_float_equal(d.worst[2].want, -10, 0);
}

static void test_indices_continue_across_calls_and_ties_keep_the_first(void **state)
{
    (void)state;
    double want[4] = {0, 0, 0, 0};
    double a[4] = {1, 2, 2, 0}, b[4] = {0, 3, 2, 2};
    eb_golden_diff d;
    eb_golden_diff_init(&d, 0, 0, 0, 4);
    eb_golden_diff_add(&d, a, want, 4); /* indices 0..3 */
    eb_golden_diff_add(&d, b, want, 4); /* indices 4..7 */
    assert_int_equal(d.n, 8);
    assert_int_equal(d.mismatches, 6);
    /* 3 at 5; then the 2s at 1, 2, 6, 7: the earliest two make the list */
    assert_int_equal(d.n_worst, 4);
    uint64_t order[4] = {5, 1, 2, 6};
    for (int i = 0; i < 4; i++)
        assert_int_equal(d.worst[i].index, order[i]);
    /* exact matches are nobody's worst; k 0 keeps none */
    eb_golden_diff z;
    eb_golden_diff_init(&z, 0, 0, 0, 0);
    eb_golden_diff_add(&z, a, want, 4);
    assert_int_equal(z.n_worst, 0);
    assert_int_equal(z.mismatches, 3);
    eb_golden_diff e;
    eb_golden_diff_init(&e, 0, 0, 0, 5);
    eb_golden_diff_add(&e, want, want, 4);
    assert_int_equal(e.n_worst, 0);
    assert_int_equal(e.mismatches, 0);
    assert_float_equal(e.max_abs_err, 0, 0);
}

static void test_nan_and_infinity(void **state)
{
    (void)state;
    double got[5] = {NAN, 1, NAN, INFINITY, INFINITY};
    double want[5] = {1, NAN, NAN, INFINITY, -INFINITY};
    eb_golden_diff d;
    eb_golden_diff_init(&d, 1e-5, 1e-8, 0, 5);
    eb_golden_diff_add(&d, got, want, 5);
    /* NaN against a number either way, NaN against NaN (no equal_nan) and
     * +inf against -inf differ; equal infinities agree, as numpy.isclose */
    assert_int_equal(d.mismatches, 4);
    assert_int_equal(d.nan_mismatches, 3);
    assert_true(isinf(d.max_abs_err));
    /* the NaN ones rank as infinitely wrong, in index order among equals */
    assert_int_equal(d.n_worst, 4);
    assert_int_equal(d.worst[0].index, 0);
    assert_int_equal(d.worst[1].index, 1);
    assert_int_equal(d.worst[2].index, 2);
    assert_int_equal(d.worst[3].index, 4);
    /* with equal_nan, NaN against NaN agrees; NaN against a number still not */
    eb_golden_diff q;
    eb_golden_diff_init(&q, 1e-5, 1e-8, 1, 5);
    eb_golden_diff_add(&q, got, want, 5);
    assert_int_equal(q.mismatches, 3);
    assert_int_equal(q.nan_mismatches, 2);
}

static void test_worst_is_clamped(void **state)
{
    (void)state;
    eb_golden_diff d;
    eb_golden_diff_init(&d, 0, 0, 0, 1000);
    assert_int_equal(d.k, EB_GOLDEN_WORST_MAX);
    eb_golden_diff_init(&d, 0, 0, 0, -3);
    assert_int_equal(d.k, 0);
    double want[200], got[200];
    for (int i = 0; i < 200; i++) {
        want[i] = 0;
        got[i] = i; /* error i: the worst are 199, 198, ... */
    }
    eb_golden_diff_init(&d, 0, 0.5, 0, 10);
    eb_golden_diff_add(&d, got, want, 200);
    assert_int_equal(d.mismatches, 199);
    assert_int_equal(d.n_worst, 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(d.worst[i].index, 199 - i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allclose_rule_and_maxima),
        cmocka_unit_test(test_indices_continue_across_calls_and_ties_keep_the_first),
        cmocka_unit_test(test_nan_and_infinity),
        cmocka_unit_test(test_worst_is_clamped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
