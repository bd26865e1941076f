/* edgebench compare (reports/compare.h): verdicts per cell, the order of the
 * rules, matching and the outputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/compare.h"
#include "tests/data/gate/fixture_runs.h"

static eb_comparison *compare(const fx_run *base, int nb, const fx_run *cand, int nc,
                              eb_results **rb, eb_results **rc)
{
    *rb = fx_results("base.h5", base, nb, 1);
    *rc = fx_results("cand.h5", cand, nc, 2);
    eb_compare_options o;
    eb_compare_options_default(&o);
    eb_comparison *c = NULL;
    assert_int_equal(eb_compare_results(*rb, *rc, &o, &c), 0);
    return c;
}

static eb_verdict verdict_of(double base_ns, double cand_ns, double spread, double drift,
                             size_t n, char *why, size_t cap)
{
    fx_run b = {.median_ns = base_ns, .spread = spread, .n = n};
    fx_run k = {.median_ns = cand_ns, .spread = spread, .n = n, .drift = drift};
    eb_results *rb, *rc;
    eb_comparison *c = compare(&b, 1, &k, 1, &rb, &rc);
    assert_int_equal(c->n, 1);
    eb_verdict v = c->items[0].verdict;
    snprintf(why, cap, "%s", c->items[0].why);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
    return v;
}

static void test_ten_percent_slower_is_slower(void **state)
{
    (void)state;
    char why[512];
    assert_int_equal(verdict_of(1e6, 1.1e6, 0.02, 0, 300, why, sizeof why), EB_VERDICT_SLOWER);
    print_message("%s\n", why);
    assert_non_null(strstr(why, "ratio interval above 1.0500 (tolerance 5.0%): 95% CI of ratio [1.0"));
}

static void test_two_percent_under_five_percent_tolerance_is_same(void **state)
{
    (void)state;
    char why[512];
    assert_int_equal(verdict_of(1e6, 1.02e6, 0.02, 0, 300, why, sizeof why), EB_VERDICT_SAME);
    assert_non_null(strstr(why, "within 5.0%"));
}

static void test_ten_percent_faster_is_faster(void **state)
{
    (void)state;
    char why[512];
    assert_int_equal(verdict_of(1e6, 0.9e6, 0.02, 0, 300, why, sizeof why), EB_VERDICT_FASTER);
}

static void test_a_big_change_of_few_noisy_samples_is_unstable_not_slower(void **state)
{
    (void)state;
    char why[512];
    /* 12 samples spread over +-50%: the ratio interval straddles 1.05 */
    assert_int_equal(verdict_of(1e6, 1.1e6, 1.0, 0, 12, why, sizeof why), EB_VERDICT_UNSTABLE);
    assert_non_null(strstr(why, "ratio interval straddles 1.0500"));
    assert_non_null(strstr(why, "more samples needed"));
    assert_int_equal(verdict_of(1e6, 1.1e6, 0.02, 0, 5, why, sizeof why), EB_VERDICT_UNSTABLE);
    assert_non_null(strstr(why, "5 samples (< 10)"));
}

static void test_a_drifting_candidate_is_noted_and_judged_by_the_ratio(void **state)
{
    (void)state;
    char why[512];
    /* 30% drift over the run: its median is really ~15% higher */
    assert_int_equal(verdict_of(1e6, 1e6, 0.01, 0.3, 300, why, sizeof why), EB_VERDICT_SLOWER);
    assert_non_null(strstr(why, "candidate median drifted"));
}

/* The case of issue 16: a candidate 23.7% faster against a baseline whose
 * own median is uncertain by far more than the 5% tolerance. The old rule
 * called it unstable (and gate failed it); the ratio interval is wholly
 * below 1: faster. */
static void test_a_much_faster_candidate_against_a_noisy_baseline_is_faster(void **state)
{
    (void)state;
    fx_run b = {.median_ns = 1e6, .spread = 1.0, .n = 300};
    fx_run k = {.median_ns = 0.763e6, .spread = 0.1, .n = 300};
    eb_results *rb, *rc;
    eb_comparison *c = compare(&b, 1, &k, 1, &rb, &rc);
    const eb_cell *base = c->items[0].base;
    double width = (base->summary.median_ci_hi - base->summary.median_ci_lo) / base->summary.p50;
    assert_true(width > 0.05); /* the baseline alone is not pinned to 5% */
    print_message("%s\n", c->items[0].why);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_FASTER);
    assert_true(c->items[0].ci.hi < 0.9);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

/* Runs of one side that disagree (the load changed between them): the
 * pooled samples look like a tight +15%, but one run in three says +0%:
 * the two-stage interval (runs, then samples) straddles the boundary. The
 * same runs agreeing stay "slower" with an interval around the change. */
static void test_runs_that_disagree_widen_the_interval(void **state)
{
    (void)state;
    fx_run b[3], k[3];
    for (int i = 0; i < 3; i++) {
        b[i] = (fx_run){.repetition = i, .cell_index = i, .median_ns = 1e6, .spread = 0.02, .n = 200};
        k[i] = (fx_run){.repetition = i, .cell_index = i, .median_ns = i == 0 ? 1e6 : 1.15e6,
                        .spread = 0.02, .n = 200};
    }
    eb_results *rb, *rc;
    eb_comparison *c = compare(b, 3, k, 3, &rb, &rc);
    print_message("%s\n", c->items[0].why);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_UNSTABLE);
    assert_true(c->items[0].ci.lo < 1.05 && c->items[0].ci.hi > 1.14);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
    for (int i = 0; i < 3; i++)
        k[i].median_ns = 1.10e6;
    c = compare(b, 3, k, 3, &rb, &rc);
    print_message("%s\n", c->items[0].why);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_SLOWER);
    assert_true(c->items[0].ci.lo > 1.09 && c->items[0].ci.hi < 1.11);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

static void test_the_ratio_rule_at_its_boundaries(void **state)
{
    (void)state;
    const double t = 0.05;
    assert_int_equal(eb_ratio_verdict(1.06, 1.10, 0.08, t), EB_VERDICT_SLOWER);
    assert_int_equal(eb_ratio_verdict(1.04, 1.10, 0.07, t), EB_VERDICT_UNSTABLE);
    assert_int_equal(eb_ratio_verdict(0.90, 1.06, 0.00, t), EB_VERDICT_UNSTABLE);
    assert_int_equal(eb_ratio_verdict(1.01, 1.05, 0.03, t), EB_VERDICT_SAME); /* +3%: never fails */
    assert_int_equal(eb_ratio_verdict(0.97, 1.03, 0.00, t), EB_VERDICT_SAME);
    assert_int_equal(eb_ratio_verdict(0.73, 0.79, -0.237, t), EB_VERDICT_FASTER);
    assert_int_equal(eb_ratio_verdict(0.92, 0.99, -0.06, t), EB_VERDICT_FASTER);
    assert_int_equal(eb_ratio_verdict(0.97, 0.99, -0.02, t), EB_VERDICT_SAME);
    assert_int_equal(eb_ratio_verdict(NAN, 1.0, 0, t), EB_VERDICT_UNSTABLE);
}

static void test_a_crashed_side_is_failed_with_its_message(void **state)
{
    (void)state;
    fx_run b = {.median_ns = 1e6, .spread = 0.02, .n = 100};
    fx_run k = {.status = EB_RUN_CRASHED};
    eb_results *rb, *rc;
    eb_comparison *c = compare(&b, 1, &k, 1, &rb, &rc);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_FAILED);
    assert_non_null(strstr(c->items[0].why, "candidate crashed: killed by SIGSEGV"));
    assert_int_equal(c->counts[EB_VERDICT_FAILED], 1);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

static void test_unmatched_cells_are_listed_on_both_sides(void **state)
{
    (void)state;
    fx_run b[2] = {{.variant = "fp32", .median_ns = 1e6, .spread = 0.02, .n = 50},
                   {.variant = "int8", .cell_index = 1, .median_ns = 1e6, .spread = 0.02, .n = 50}};
    fx_run k[2] = {{.variant = "fp32", .median_ns = 1e6, .spread = 0.02, .n = 50},
                   {.variant = "pruned", .cell_index = 1, .median_ns = 1e6, .spread = 0.02, .n = 50}};
    eb_results *rb, *rc;
    eb_comparison *c = compare(b, 2, k, 2, &rb, &rc);
    assert_int_equal(c->n, 1);
    assert_int_equal(c->n_only_base, 1);
    assert_int_equal(c->n_only_cand, 1);
    assert_string_equal(c->only_base[0]->first->variant, "int8");
    assert_string_equal(c->only_cand[0]->first->variant, "pruned");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(eb_compare_write_text(f, c, "base.h5", "cand.h5"), 0);
    fclose(f);
    assert_non_null(strstr(buf, "only in baseline:  board/ref/int8/plain threads=1"));
    assert_non_null(strstr(buf, "only in candidate: board/ref/pruned/plain threads=1"));
    assert_non_null(strstr(buf, "1 matched: 0 slower, 0 faster, 1 same"));
    free(buf);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

static void test_repetitions_pool_and_same_named_entries_match_in_order(void **state)
{
    (void)state;
    /* two backend entries "ref" with nothing swept (cells 0-1 and 2-3), two
     * repetitions each; the second entry of the candidate is 10% slower */
    fx_run b[4] = {{.cell_index = 0, .repetition = 0, .median_ns = 1e6, .spread = 0.02, .n = 100},
                   {.cell_index = 1, .repetition = 1, .median_ns = 1e6, .spread = 0.02, .n = 100},
                   {.cell_index = 2, .repetition = 0, .median_ns = 2e6, .spread = 0.02, .n = 100},
                   {.cell_index = 3, .repetition = 1, .median_ns = 2e6, .spread = 0.02, .n = 100}};
    fx_run k[4];
    memcpy(k, b, sizeof k);
    k[2].median_ns = k[3].median_ns = 2.2e6;
    eb_results *rb, *rc;
    eb_comparison *c = compare(b, 4, k, 4, &rb, &rc);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->items[0].base->n_runs, 2);
    assert_int_equal(c->items[0].base->n_samples, 200);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_SAME);
    assert_int_equal(c->items[1].verdict, EB_VERDICT_SLOWER);
    assert_non_null(strstr(c->items[1].base->label, "#2"));
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

/* Two entries of one backend with different options are two cells, each
 * paired with the other file's entry of the same options even when the
 * files list them in another order: never "#2", never crossed. */
static void test_entries_with_different_options_pair_by_options(void **state)
{
    (void)state;
    fx_run b[2] = {{.options = "tile=32", .median_ns = 1e6, .spread = 0.02, .n = 100},
                   {.options = "tile=64", .cell_index = 1, .median_ns = 2e6, .spread = 0.02, .n = 100}};
    fx_run k[2] = {{.options = "tile=64", .median_ns = 2e6, .spread = 0.02, .n = 100},
                   {.options = "tile=32", .cell_index = 1, .median_ns = 1e6, .spread = 0.02, .n = 100}};
    eb_results *rb, *rc;
    eb_comparison *c = compare(b, 2, k, 2, &rb, &rc);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->n_only_base + c->n_only_cand, 0);
    for (size_t i = 0; i < c->n; i++) {
        assert_string_equal(c->items[i].base->first->backend_options,
                            c->items[i].cand->first->backend_options);
        assert_int_equal(c->items[i].verdict, EB_VERDICT_SAME);
        assert_null(strstr(c->items[i].base->label, "#2"));
    }
    assert_string_equal(c->items[0].base->label, "board/ref{tile=32}/fp32/plain threads=1");
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

/* One entry on each side with an option changed (an A/B by option, or a
 * baseline from before schema 1.2 with no options stored) is one cell; with
 * two entries on a side, different options do not pair. */
static void test_a_single_entry_pairs_across_options_several_do_not(void **state)
{
    (void)state;
    fx_run b[1] = {{.median_ns = 1e6, .spread = 0.02, .n = 100}};
    fx_run k[1] = {{.options = "delay_us=1100", .median_ns = 1.1e6, .spread = 0.02, .n = 100}};
    eb_results *rb, *rc;
    eb_comparison *c = compare(b, 1, k, 1, &rb, &rc);
    assert_int_equal(c->n, 1);
    assert_int_equal(c->items[0].verdict, EB_VERDICT_SLOWER);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(eb_compare_write_text(f, c, "base.h5", "cand.h5"), 0);
    fclose(f);
    assert_non_null(strstr(buf, "candidate backend: ref{delay_us=1100}\n"));
    free(buf);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);

    fx_run k2[2] = {{.options = "delay_us=1100", .median_ns = 1e6, .spread = 0.02, .n = 100},
                    {.options = "delay_us=900", .cell_index = 1, .median_ns = 1e6, .spread = 0.02, .n = 100}};
    c = compare(b, 1, k2, 2, &rb, &rc);
    assert_int_equal(c->n, 0);
    assert_int_equal(c->n_only_base, 1);
    assert_int_equal(c->n_only_cand, 2);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

static void test_metrics_not_measured_are_null_not_zero(void **state)
{
    (void)state;
    fx_run b = {.median_ns = 1e6, .spread = 0.02, .n = 100};
    eb_results *rb, *rc;
    eb_comparison *c = compare(&b, 1, &b, 1, &rb, &rc);
    eb_run_record_set_metric(&rc->runs[0], "top1", 0.9);
    eb_comparison_free(c);
    eb_compare_options o;
    eb_compare_options_default(&o);
    assert_int_equal(eb_compare_results(rb, rc, &o, &c), 0);
    const eb_metric_change *top1 = &c->items[0].metrics[5];
    assert_string_equal(top1->name, "top1");
    assert_int_equal(top1->has_base, 0);
    assert_int_equal(top1->has_cand, 1);
    assert_true(isnan(top1->change));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(eb_compare_write_json(f, c, "base.h5", "cand.h5"), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"top1\": {\"baseline\": null, \"candidate\": 0.9, \"change\": null, \"p_worse\": null}"));
    assert_non_null(strstr(buf, "\"energy_per_inference_j\": {\"baseline\": null, \"candidate\": null"));
    assert_non_null(strstr(buf, "\"format\": \"edgebench-compare\""));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(eb_compare_write_text(f, c, "base.h5", "cand.h5"), 0);
    fclose(f);
    assert_non_null(strstr(buf, "top1 not measured in the baseline"));
    free(buf);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

static void test_a_top1_drop_gets_a_two_proportion_p_value(void **state)
{
    (void)state;
    /* 900 / 1000 right against 860 / 1000: z = -2.7524, p = 0.002958
     * (scipy.stats.norm.cdf of the pooled two-proportion z) */
    double z, pl, pg;
    assert_int_equal(eb_two_proportion_test(900, 1000, 860, 1000, &z, &pl, &pg), 0);
    assert_true(fabs(z - -2.752409412815904) < 1e-9);
    assert_true(fabs(pl - 0.0029579255371189866) < 1e-9);
    assert_true(fabs(pg - 0.9970420744628811) < 1e-9);
    assert_int_equal(eb_two_proportion_test(1, 0, 1, 1, &z, &pl, &pg), -1);
    assert_int_equal(eb_two_proportion_test(10, 10, 5, 5, &z, &pl, &pg), 0);
    assert_true(pl == 1.0 && pg == 1.0);

    fx_run b = {.median_ns = 1e6, .spread = 0.02, .n = 1000};
    eb_results *rb = fx_results("base.h5", &b, 1, 1), *rc = fx_results("cand.h5", &b, 1, 2);
    uint8_t correct[1000];
    for (int i = 0; i < 1000; i++)
        correct[i] = i < 900;
    eb_run_record_set_array(&rb->runs[0], "accuracy/correct", EB_ARRAY_U8, 1000, 0, correct);
    eb_run_record_set_metric(&rb->runs[0], "top1", 0.90);
    for (int i = 0; i < 1000; i++)
        correct[i] = i < 860;
    eb_run_record_set_array(&rc->runs[0], "accuracy/correct", EB_ARRAY_U8, 1000, 0, correct);
    eb_run_record_set_metric(&rc->runs[0], "top1", 0.86);
    eb_compare_options o;
    eb_compare_options_default(&o);
    eb_comparison *c;
    assert_int_equal(eb_compare_results(rb, rc, &o, &c), 0);
    const eb_metric_change *top1 = &c->items[0].metrics[5];
    assert_true(fabs(top1->p_worse - 0.0029579255371189866) < 1e-9);
    assert_true(fabs(top1->change - -0.04) < 1e-12);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(eb_compare_write_text(f, c, "base.h5", "cand.h5"), 0);
    fclose(f);
    assert_non_null(strstr(buf, "top1 0.9000 -> 0.8600 (-0.0400, p=0.003 lower)"));
    free(buf);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
}

/* A wall-time "slower" measured while the candidate got much less CPU than
 * the baseline (a neighbour's burst on a shared runner) is unstable with
 * the load named; the same change at equal CPU share stays slower. */
static eb_verdict with_shares(double share_b, double share_c, char *why, size_t cap)
{
    fx_run b = {.median_ns = 1e6, .spread = 0.02, .n = 300};
    fx_run k = {.median_ns = 1.4e6, .spread = 0.02, .n = 300};
    eb_results *rb = fx_results("base.h5", &b, 1, 1), *rc = fx_results("cand.h5", &k, 1, 2);
    assert_int_equal(eb_run_record_set_metric(&rb->runs[0], "cpu_share", share_b), 0);
    assert_int_equal(eb_run_record_set_metric(&rc->runs[0], "cpu_share", share_c), 0);
    eb_compare_options o;
    eb_compare_options_default(&o);
    eb_comparison *c = NULL;
    assert_int_equal(eb_compare_results(rb, rc, &o, &c), 0);
    eb_verdict v = c->items[0].verdict;
    snprintf(why, cap, "%s", c->items[0].why);
    eb_comparison_free(c);
    fx_free(rb);
    fx_free(rc);
    return v;
}

static void test_a_slowdown_the_cpu_share_explains_is_unstable(void **state)
{
    (void)state;
    char why[512];
    assert_int_equal(with_shares(0.98, 0.70, why, sizeof why), EB_VERDICT_UNSTABLE);
    assert_non_null(strstr(why, "the candidate got 70% of its CPU time, the baseline 98%"));
    /* the same slowdown at the same share is the candidate's own */
    assert_int_equal(with_shares(0.98, 0.97, why, sizeof why), EB_VERDICT_SLOWER);
    /* a share loss within the tolerance does not explain +40% */
    assert_int_equal(with_shares(0.98, 0.95, why, sizeof why), EB_VERDICT_SLOWER);
}

/* With two runs a side, a CPU-time comparison widens its interval by the
 * runs' CPU times, not their wall times: runs whose wall time differed by
 * 2x under load but whose CPU time agreed are "same", not "unstable". */
static void test_cpu_view_two_stage_uses_cpu_times(void **state)
{
    (void)state;
    fx_run b[2], k[2];
    for (int i = 0; i < 2; i++) {
        b[i] = (fx_run){.repetition = i, .median_ns = 1e6, .spread = 0.02, .n = 200};
        k[i] = (fx_run){.repetition = i, .median_ns = i ? 2e6 : 1e6, .spread = 0.02, .n = 200};
    }
    eb_results *rb = fx_results("base.h5", b, 2, 1), *rc = fx_results("cand.h5", k, 2, 2);
    int64_t cpu[200];
    for (int r = 0; r < 2; r++)
        for (int side = 0; side < 2; side++) {
            for (int j = 0; j < 200; j++)
                cpu[j] = 900000 + (j * 37 % 200) * 100; /* the same CPU work everywhere */
            eb_run_record *run = side ? &rc->runs[r] : &rb->runs[r];
            assert_int_equal(eb_run_record_set_array(run, "cpu_ns", EB_ARRAY_I64, 200, 1, cpu), 0);
        }
    eb_cells *cb, *cc;
    assert_int_equal(eb_cells_build(rb, &cb), 0);
    assert_int_equal(eb_cells_build(rc, &cc), 0);
    eb_cell vb, vc;
    assert_int_equal(eb_cell_cpu_view(&cb->cells[0], &vb), 1);
    assert_int_equal(eb_cell_cpu_view(&cc->cells[0], &vc), 1);
    eb_compare_options o;
    eb_compare_options_default(&o);
    eb_cell_compare x;
    assert_int_equal(eb_compare_cell(&vb, &vc, &o, &x), 0);
    assert_int_equal(x.verdict, EB_VERDICT_SAME);
    assert_true(x.ci.lo > 0.97 && x.ci.hi < 1.03);
    free(vb.samples);
    free(vc.samples);
    eb_cells_free(cb);
    eb_cells_free(cc);
    fx_free(rb);
    fx_free(rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_percent_slower_is_slower),
        cmocka_unit_test(test_two_percent_under_five_percent_tolerance_is_same),
        cmocka_unit_test(test_ten_percent_faster_is_faster),
        cmocka_unit_test(test_a_big_change_of_few_noisy_samples_is_unstable_not_slower),
        cmocka_unit_test(test_a_drifting_candidate_is_noted_and_judged_by_the_ratio),
        cmocka_unit_test(test_a_much_faster_candidate_against_a_noisy_baseline_is_faster),
        cmocka_unit_test(test_the_ratio_rule_at_its_boundaries),
        cmocka_unit_test(test_runs_that_disagree_widen_the_interval),
        cmocka_unit_test(test_a_crashed_side_is_failed_with_its_message),
        cmocka_unit_test(test_unmatched_cells_are_listed_on_both_sides),
        cmocka_unit_test(test_repetitions_pool_and_same_named_entries_match_in_order),
        cmocka_unit_test(test_entries_with_different_options_pair_by_options),
        cmocka_unit_test(test_a_single_entry_pairs_across_options_several_do_not),
        cmocka_unit_test(test_metrics_not_measured_are_null_not_zero),
        cmocka_unit_test(test_a_top1_drop_gets_a_two_proportion_p_value),
        cmocka_unit_test(test_a_slowdown_the_cpu_share_explains_is_unstable),
        cmocka_unit_test(test_cpu_view_two_stage_uses_cpu_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
