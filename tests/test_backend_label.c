/* Backend options and labels (results/backend_label.c) and the cell key's
 * options field (results/cell_key.c): the canonical text is sorted and
 * escaped, the label names the options that do not sweep, and two entries
 * of one backend with different options are different cells while a run
 * without the stored options (a file before schema 1.2) still matches a
 * run without options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "results/backend_label.h"
#include "results/cell_key.h"

static void rec_init(eb_run_record *r, const char *backend, const char *options, const char *sweep)
{
    memset(r, 0, sizeof *r);
    snprintf(r->device, sizeof r->device, "local");
    snprintf(r->scenario, sizeof r->scenario, "s");
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->backend_options, sizeof r->backend_options, "%s", options);
    snprintf(r->variant, sizeof r->variant, "fp32");
    snprintf(r->condition, sizeof r->condition, "plain");
    snprintf(r->sweep, sizeof r->sweep, "%s", sweep);
    r->threads = 1;
}

static void test_options_are_sorted_by_key(void **state)
{
    (void)state;
    const char *k[] = {"qdq_fusion", "const_fold", "isa"}, *v[] = {"0", "1", "avx2"};
    char out[128];
    assert_int_equal(eb_backend_options_format(3, k, v, out, sizeof out), 0);
    assert_string_equal(out, "const_fold=1,isa=avx2,qdq_fusion=0");
}

static void test_no_options_format_as_empty(void **state)
{
    (void)state;
    char out[8] = "junk";
    assert_int_equal(eb_backend_options_format(0, NULL, NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_separators_in_keys_and_values_are_escaped(void **state)
{
    (void)state;
    const char *k[] = {"a=b"}, *v[] = {"x,{y}\\"};
    char out[64];
    assert_int_equal(eb_backend_options_format(1, k, v, out, sizeof out), 0);
    assert_string_equal(out, "a\\=b=x\\,\\{y\\}\\\\");
}

static void test_options_that_do_not_fit_are_cut_at_an_entry(void **state)
{
    (void)state;
    const char *k[] = {"a", "b"}, *v[] = {"1", "22222"};
    char out[8]; /* "a=1,b=22222" needs 12 */
    assert_int_equal(eb_backend_options_format(2, k, v, out, sizeof out), -1);
    assert_string_equal(out, "a=1");
}

static void test_label_is_name_then_options_in_braces(void **state)
{
    (void)state;
    eb_run_record r;
    char lab[128];
    rec_init(&r, "simd", "qdq_fusion=0", "");
    eb_backend_label(&r, lab, sizeof lab);
    assert_string_equal(lab, "simd{qdq_fusion=0}");
    rec_init(&r, "simd", "", "");
    eb_backend_label(&r, lab, sizeof lab);
    assert_string_equal(lab, "simd");
}

static void test_label_leaves_out_swept_options(void **state)
{
    (void)state;
    eb_run_record r;
    char lab[128];
    rec_init(&r, "ref", "tile=64,x\\=y=2", "threads=2;options.tile=64");
    eb_backend_label(&r, lab, sizeof lab);
    assert_string_equal(lab, "ref{x\\=y=2}");
    /* "options.til" is not "options.tile" */
    rec_init(&r, "ref", "tile=64", "options.til=6");
    eb_backend_label(&r, lab, sizeof lab);
    assert_string_equal(lab, "ref{tile=64}");
    rec_init(&r, "ref", "tile=64", "options.tile=64");
    eb_backend_label(&r, lab, sizeof lab);
    assert_string_equal(lab, "ref");
}

static void test_different_options_are_different_cells(void **state)
{
    (void)state;
    eb_run_record a, b;
    rec_init(&a, "simd", "qdq_fusion=0", "");
    rec_init(&b, "simd", "", "");
    assert_false(eb_cell_fields_equal(&a, &b, EB_CELL_ALL));
    assert_true(eb_cell_fields_equal(&a, &b, EB_CELL_ALL & ~EB_CELL_OPTIONS));
    rec_init(&b, "simd", "qdq_fusion=0", "");
    assert_true(eb_cell_fields_equal(&a, &b, EB_CELL_ALL));
}

static void test_old_run_without_options_matches_a_run_without_options(void **state)
{
    (void)state;
    eb_run_record old, now;
    rec_init(&old, "ref", "", ""); /* read from a 1.1 file: no attribute */
    rec_init(&now, "ref", "", "");
    assert_true(eb_cell_fields_equal(&old, &now, EB_CELL_ALL));
    /* options that only sweep were stored as the sweep point already */
    rec_init(&old, "ref", "", "options.tile=32");
    rec_init(&now, "ref", "tile=32", "options.tile=32");
    assert_true(eb_cell_fields_equal(&old, &now, EB_CELL_ALL));
    rec_init(&now, "ref", "tile=32,arena=on", "options.tile=32");
    assert_false(eb_cell_fields_equal(&old, &now, EB_CELL_ALL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_are_sorted_by_key),
        cmocka_unit_test(test_no_options_format_as_empty),
        cmocka_unit_test(test_separators_in_keys_and_values_are_escaped),
        cmocka_unit_test(test_options_that_do_not_fit_are_cut_at_an_entry),
        cmocka_unit_test(test_label_is_name_then_options_in_braces),
        cmocka_unit_test(test_label_leaves_out_swept_options),
        cmocka_unit_test(test_different_options_are_different_cells),
        cmocka_unit_test(test_old_run_without_options_matches_a_run_without_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
