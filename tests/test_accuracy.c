/* Accuracy metrics on hand-made outputs: argmax and top-k with ties,
 * per-sample correctness, and the comparison with reference outputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness/accuracy/accuracy.h"

static void test_argmax_and_top_k(void **state)
{
    (void)state;
    float x[5] = {0.1f, 0.7f, 0.7f, -1.0f, 0.2f};
    assert_int_equal(eb_argmax(x, 5), 1); /* first of equal ones */
    assert_int_equal(eb_argmax(x, 0), -1);
    assert_true(eb_in_top_k(x, 5, 1, 1));
    assert_false(eb_in_top_k(x, 5, 2, 1)); /* tie broken toward the lower index */
    assert_true(eb_in_top_k(x, 5, 2, 2));
    assert_false(eb_in_top_k(x, 5, 4, 2));
    assert_true(eb_in_top_k(x, 5, 4, 3));
    assert_false(eb_in_top_k(x, 5, 9, 5)); /* a label outside the outputs */
    assert_false(eb_in_top_k(x, 5, -1, 5));
}

static void test_label_accuracy_counts_and_records_each_sample(void **state)
{
    (void)state;
    eb_label_acc a;
    eb_label_acc_init(&a, 2);
    float o[3][3] = {{0.9f, 0.05f, 0.05f}, {0.2f, 0.3f, 0.5f}, {0.1f, 0.6f, 0.3f}};
    int64_t labels[3] = {0, 1, 2};
    for (int i = 0; i < 3; i++)
        eb_label_acc_add(&a, o[i], 3, labels[i]);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.top1, 1); /* only the first */
    assert_int_equal(a.topk, 3); /* sample 1: class 1 is second; sample 2: class 2 second */
    assert_int_equal(a.correct[0], 1);
    assert_int_equal(a.correct[1], 0);
    assert_int_equal(a.correct[2], 0);
    /* beyond the first allocation */
    for (int i = 0; i < 10000; i++)
        eb_label_acc_add(&a, o[0], 3, 0);
    assert_int_equal(a.n, 10003);
    assert_int_equal(a.correct[10002], 1);
    eb_label_acc_free(&a);
}

static void test_reference_comparison_metrics(void **state)
{
    (void)state;
    eb_output_diff d;
    memset(&d, 0, sizeof d);
    eb_diff_metrics m;
    eb_output_diff_metrics(&d, &m);
    assert_true(isnan(m.agreement) && isnan(m.mse) && isnan(m.snr_db));

    float ref1[2] = {3, 4}, out1[2] = {3, 4};      /* identical */
    float ref2[2] = {1, 0}, out2[2] = {0, 1};      /* argmax differs, orthogonal */
    eb_output_diff_add(&d, out1, ref1, 2);
    eb_output_diff_metrics(&d, &m);
    assert_float_equal(m.agreement, 1, 0);
    assert_float_equal(m.max_abs_err, 0, 0);
    assert_true(isinf(m.snr_db) && m.snr_db > 0);
    assert_float_equal(m.cosine, 1, 1e-12);
    eb_output_diff_add(&d, out2, ref2, 2);
    eb_output_diff_metrics(&d, &m);
    assert_float_equal(m.agreement, 0.5, 0);
    assert_float_equal(m.max_abs_err, 1, 0);
    assert_float_equal(m.mse, 2.0 / 4, 1e-12);              /* errors 0, 0, 1, 1 */
    assert_float_equal(m.cosine, 0.5, 1e-12);               /* mean of 1 and 0 */
    assert_float_equal(m.snr_db, 10 * log10(26.0 / 2.0), 1e-9); /* ref energy 9+16+1 */
}

static void test_outputs_of_any_type_become_floats(void **state)
{
    (void)state;
    uint8_t q[3] = {0, 128, 255};
    eb_value v = {.dtype = EB_DT_U8, .data = q, .nbytes = 3};
    float f[3];
    assert_int_equal(eb_value_to_float(&v, f, 3), 3);
    assert_float_equal(f[2], 255, 0);
    unsigned short h[2] = {0x3c00, 0xc000}; /* 1.0, -2.0 in float16 */
    eb_value vh = {.dtype = EB_DT_F16, .data = h, .nbytes = 4};
    assert_int_equal(eb_value_to_float(&vh, f, 3), 2);
    assert_float_equal(f[0], 1, 0);
    assert_float_equal(f[1], -2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argmax_and_top_k),
        cmocka_unit_test(test_label_accuracy_counts_and_records_each_sample),
        cmocka_unit_test(test_reference_comparison_metrics),
        cmocka_unit_test(test_outputs_of_any_type_become_floats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
