/* Budgets files (reports/budget.h): what is accepted, and every error names
 * the file, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reports/budget.h"

static eb_status parse(const char *text, eb_budget_set **out, char *msg, size_t len)
{
    return eb_budget_set_parse("b.yaml", text, strlen(text), out, msg, len);
}

static void expect_error(const char *text, const char *want)
{
    eb_budget_set *s = NULL;
    char msg[1024] = "";
    eb_status st = parse(text, &s, msg, sizeof msg);
    if (st != EB_ERR_FORMAT || !strstr(msg, want))
        fail_msg("expected an error containing '%s', got status %d: '%s'", want, st, msg);
    assert_null(s);
}

static void test_a_full_budgets_file_is_read(void **state)
{
    (void)state;
    const char *text = "budgets:\n"
                       "  - name: int8 p99\n"
                       "    select: {device: \"rpi-*\", backend: ref, variant: [int8, \"q*\"], tag: ci}\n"
                       "    metric: latency_p99_ms\n"
                       "    max: 5\n"
                       "    max_regression_pct: 5\n"
                       "    alpha: 0.05\n"
                       "    on_unstable: pass\n"
                       "  - metric: top1\n"
                       "    min: 0.9\n"
                       "  - metric: accuracy_drop\n"
                       "    select: {condition: noise}\n"
                       "    max: 0.01\n";
    eb_budget_set *s;
    char msg[512];
    assert_int_equal(parse(text, &s, msg, sizeof msg), EB_OK);
    assert_int_equal(s->n, 3);
    const eb_budget *b = &s->items[0];
    assert_string_equal(b->name, "int8 p99");
    assert_int_equal(b->metric, EB_BM_LAT_P99);
    assert_true(b->has_max && b->max == 5 && b->has_regression && b->max_regression_pct == 5);
    assert_true(b->alpha == 0.05 && b->on_unstable == EB_UNSTABLE_PASS);
    assert_int_equal(b->select[EB_BUDGET_SEL_VARIANT].n, 2);
    assert_int_equal(b->line, 2);
    assert_int_equal(s->items[1].metric, EB_BM_TOP1);
    assert_true(s->items[1].has_min && s->items[1].min == 0.9 && s->items[1].alpha == 0.01);
    /* the data cannot tell: neither pass nor fail unless the budget says so */
    assert_int_equal(s->items[1].on_unstable, EB_UNSTABLE_INCONCLUSIVE);
    /* a default name says what the budget checks */
    assert_string_equal(s->items[1].name, "top1");
    assert_string_equal(s->items[2].name, "accuracy_drop condition=noise");
    eb_budget_set_free(s);
}

static void test_a_scenario_file_lends_its_budgets_section(void **state)
{
    (void)state;
    const char *text = "edgebench: 1\nname: x\nmodel: {path: m.onnx}\nbackends: [ref]\n"
                       "budgets:\n  - {metric: latency_p99_ms, max: 5}\n";
    eb_budget_set *s;
    char msg[512];
    assert_int_equal(parse(text, &s, msg, sizeof msg), EB_OK);
    assert_int_equal(s->n, 1);
    eb_budget_set_free(s);
}

static void test_every_error_of_the_file_is_listed_at_once(void **state)
{
    (void)state;
    eb_budget_set *s = NULL;
    char msg[2048];
    const char *text = "budgets:\n"
                       "  - {metric: latency_p99_ms, maks: 5}\n"
                       "  - {metric: latency_p50_ms, max: 3}\n"
                       "  - {metric: latency_p42_ms, max: 5}\n"
                       "  - {metric: top1, max: 0.9}\n"
                       "extra: 1\n";
    assert_int_equal(parse(text, &s, msg, sizeof msg), EB_ERR_FORMAT);
    assert_null(s);
    print_message("%s\n", msg);
    assert_non_null(strstr(msg, "b.yaml:6:1: unknown key 'extra'"));
    assert_non_null(strstr(msg, "\nb.yaml:2:"));
    assert_non_null(strstr(msg, "unknown key 'maks'"));
    assert_non_null(strstr(msg, "\nb.yaml:4:"));
    assert_non_null(strstr(msg, "unknown metric string 'latency_p42_ms'"));
    assert_non_null(strstr(msg, "\nb.yaml:5:"));
    assert_non_null(strstr(msg, "top1 takes 'min'"));
    assert_null(strstr(msg, "b.yaml:3:"));
}

static void test_model_size_is_a_metric_in_mib(void **state)
{
    (void)state;
    eb_budget_set *s = NULL;
    char msg[512];
    assert_int_equal(parse("budgets:\n  - {metric: model_size_mb, max: 4, max_regression_pct: 10}\n",
                           &s, msg, sizeof msg),
                     EB_OK);
    assert_int_equal(s->items[0].metric, EB_BM_MODEL_SIZE);
    assert_string_equal(eb_budget_metric_unit(EB_BM_MODEL_SIZE), "MiB");
    eb_budget_set_free(s);
}

static void test_errors_name_file_line_and_column(void **state)
{
    (void)state;
    expect_error("budgets:\n  - metric: latency_p99_ms\n    maks: 5\n",
                 "b.yaml:3:5: unknown key 'maks' in a budget");
    expect_error("budgets:\n  - metric: latency_p42_ms\n    max: 5\n",
                 "b.yaml:2:5: metric: unknown metric string 'latency_p42_ms'");
    expect_error("budgets:\n  - metric: latency_p99_ms\n    max: fast\n",
                 "b.yaml:3:5: max: expected a number");
    expect_error("budgets:\n  - metric: latency_p99_ms\n", "sets no limit");
    expect_error("budgets:\n  - max: 5\n", "b.yaml:2:5: budgets[0]: missing key 'metric'");
    expect_error("budgets:\n  - metric: top1\n    max: 0.9\n", "top1 takes 'min'");
    expect_error("budgets:\n  - metric: latency_p50_ms\n    min: 1\n", "takes 'max'");
    expect_error("budgets:\n  - metric: accuracy_drop\n    max_regression_pct: 1\n",
                 "accuracy_drop takes 'max'");
    expect_error("budgets:\n  - metric: top1\n    min: 0.9\n    select: {devise: x}\n",
                 "b.yaml:4:14: select: unknown key 'devise'");
    expect_error("budgets:\n  - metric: top1\n    min: 0.9\n    select: {device: {a: 1}}\n",
                 "select.device: expected a glob or a list");
    expect_error("budgets: []\n", "at least one budget");
    expect_error("budget:\n  - {metric: top1, min: 1}\n", "unknown key 'budget'");
    expect_error("budgets:\n  - metric: top1\n    min: 0.9\n    alpha: 2\n", "alpha: expected a number from");
    expect_error("budgets:\n  - [1, 2]\n", "budgets[0]: expected a map");
    expect_error("budgets: [\n", "b.yaml:");
}

static void test_missing_file_is_not_found(void **state)
{
    (void)state;
    eb_budget_set *s = NULL;
    char msg[512];
    assert_int_equal(eb_budget_set_load("/nonexistent/budgets.yaml", &s, msg, sizeof msg),
                     EB_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "/nonexistent/budgets.yaml"));
}

static void test_selectors_match_globs_lists_and_tags(void **state)
{
    (void)state;
    eb_budget_selector any = {0}, one = {.n = 1}, two = {.n = 2};
    strcpy(one.globs[0], "rpi-*");
    strcpy(two.globs[0], "int8");
    strcpy(two.globs[1], "q?");
    assert_true(eb_budget_selector_matches(&any, "whatever", 0));
    assert_true(eb_budget_selector_matches(&any, NULL, 1));
    assert_true(eb_budget_selector_matches(&one, "rpi-4", 0));
    assert_false(eb_budget_selector_matches(&one, "jetson", 0));
    assert_false(eb_budget_selector_matches(&one, NULL, 0));
    assert_true(eb_budget_selector_matches(&two, "q8", 0));
    assert_false(eb_budget_selector_matches(&two, "q16", 0));
    /* tags: some tag of the device matches some glob */
    eb_budget_selector ci = {.n = 1};
    strcpy(ci.globs[0], "c?");
    assert_true(eb_budget_selector_matches(&ci, "arm64, ci", 1));
    assert_true(eb_budget_selector_matches(&ci, "[arm64, 'ci']", 1));
    assert_false(eb_budget_selector_matches(&ci, "arm64 nightly", 1));
    assert_false(eb_budget_selector_matches(&ci, NULL, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_full_budgets_file_is_read),
        cmocka_unit_test(test_a_scenario_file_lends_its_budgets_section),
        cmocka_unit_test(test_errors_name_file_line_and_column),
        cmocka_unit_test(test_every_error_of_the_file_is_listed_at_once),
        cmocka_unit_test(test_model_size_is_a_metric_in_mib),
        cmocka_unit_test(test_missing_file_is_not_found),
        cmocka_unit_test(test_selectors_match_globs_lists_and_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
