/* edgebench gate (reports/gate.h): every way a check passes or fails, the
 * exit code, and the JUnit / Markdown / JSON outputs by expectation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports/gate.h"
#include "tests/data/gate/fixture_runs.h"

typedef struct gate_case {
    eb_budget_set *budgets;
    eb_results *res, *base;
    eb_gate_result *r;
} gate_case;

static void run_gate(gate_case *g, const char *budgets_yaml, const fx_run *runs, int n,
                     const fx_run *base, int nb)
{
    char msg[1024];
    memset(g, 0, sizeof *g);
    assert_int_equal(eb_budget_set_parse("budgets.yaml", budgets_yaml, strlen(budgets_yaml),
                                         &g->budgets, msg, sizeof msg),
                     EB_OK);
    g->res = fx_results("results.h5", runs, n, 7);
    if (base)
        g->base = fx_results("base.h5", base, nb, 9);
    eb_status st = eb_gate_evaluate(g->budgets, g->res, g->base, &g->r, msg, sizeof msg);
    if (st != EB_OK)
        fail_msg("gate: %s", msg);
}

static void done(gate_case *g)
{
    eb_gate_result_free(g->r);
    eb_budget_set_free(g->budgets);
    fx_free(g->res);
    if (g->base)
        fx_free(g->base);
}

static char *render(int (*w)(FILE *, const eb_gate_result *), const eb_gate_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(w(f, r), 0);
    fclose(f);
    return buf;
}

static const fx_run two_variants[2] = {
    {.variant = "fp32", .cell_index = 0, .median_ns = 1e6, .spread = 0.02, .n = 200},
    {.variant = "int8", .cell_index = 1, .median_ns = 4e6, .spread = 0.02, .n = 200},
};

static void test_absolute_latency_limit_passes_and_fails_with_the_numbers(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p99_ms, max: 2}\n", two_variants, 2, NULL, 0);
    assert_int_equal(g.r->n_checks, 2);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_PASS);
    assert_int_equal(g.r->checks[1].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[1].message, "p99 4.0"));
    assert_non_null(strstr(g.r->checks[1].message, "ms > max 2 ms (n=200)"));
    assert_int_equal(eb_gate_exit_code(g.r), 1);
    done(&g);
}

static void test_selectors_pick_cells_by_variant_and_device_tag(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g,
             "budgets:\n"
             "  - {select: {variant: fp32, tag: ci}, metric: latency_p50_ms, max: 2}\n"
             "  - {select: {device: \"boa*\", variant: [\"int?\"]}, metric: latency_p50_ms, max: 5}\n",
             two_variants, 2, NULL, 0);
    assert_int_equal(g.r->n_checks, 2);
    assert_string_equal(g.r->checks[0].cell->first->variant, "fp32");
    assert_string_equal(g.r->checks[1].cell->first->variant, "int8");
    assert_int_equal(eb_gate_exit_code(g.r), 0);
    done(&g);
}

static void test_a_budget_selecting_no_cell_is_an_error_not_a_pass(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g,
             "budgets:\n  - {metric: latency_p50_ms, max: 100}\n"
             "  - {select: {tag: nightly}, metric: latency_p50_ms, max: 100}\n",
             two_variants, 2, NULL, 0);
    assert_int_equal(g.r->counts[EB_CHECK_ERROR], 1);
    assert_null(g.r->checks[2].cell);
    assert_non_null(strstr(g.r->checks[2].message, "budgets.yaml:3:5: budget"));
    assert_non_null(strstr(g.r->checks[2].message, "selects no cell"));
    assert_int_equal(eb_gate_exit_code(g.r), 2);
    done(&g);
}

static void test_failed_crashed_timed_out_and_skipped_cells_fail(void **state)
{
    (void)state;
    const eb_run_status bad[4] = {EB_RUN_FAILED, EB_RUN_CRASHED, EB_RUN_TIMEOUT, EB_RUN_SKIPPED};
    for (int i = 0; i < 4; i++) {
        fx_run runs[2] = {two_variants[0], two_variants[1]};
        runs[1].status = bad[i];
        gate_case g;
        run_gate(&g, "budgets:\n  - {metric: peak_memory_mb, max: 1000}\n", runs, 2, NULL, 0);
        assert_int_equal(g.r->checks[0].status, EB_CHECK_PASS);
        assert_int_equal(g.r->checks[1].status, EB_CHECK_FAIL);
        assert_non_null(strstr(g.r->checks[1].message, eb_run_status_str(bad[i])));
        assert_int_equal(eb_gate_exit_code(g.r), 1);
        done(&g);
    }
}

static void test_a_limit_on_something_not_measured_fails(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g,
             "budgets:\n  - {metric: top1, min: 0.5}\n"
             "  - {metric: energy_per_inference_mj, max: 10}\n",
             two_variants, 1, NULL, 0);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_FAIL);
    assert_string_equal(g.r->checks[0].message, "top-1 not measured");
    assert_int_equal(g.r->checks[1].status, EB_CHECK_FAIL);
    assert_string_equal(g.r->checks[1].message, "energy per inference not measured");
    done(&g);
}

static void test_top1_energy_and_accuracy_drop_against_the_reference(void **state)
{
    (void)state;
    gate_case g;
    const char *yaml = "budgets:\n  - {metric: top1, min: 0.86}\n"
                       "  - {metric: accuracy_drop, max: 0.01}\n"
                       "  - {metric: energy_per_inference_mj, max: 2.5}\n";
    char msg[512];
    memset(&g, 0, sizeof g);
    assert_int_equal(eb_budget_set_parse("b.yaml", yaml, strlen(yaml), &g.budgets, msg, sizeof msg), EB_OK);
    g.res = fx_results("results.h5", two_variants, 2, 7);
    eb_run_record_set_metric(&g.res->runs[0], "top1", 0.90);
    eb_run_record_set_metric(&g.res->runs[1], "top1", 0.85);
    eb_run_record_set_metric(&g.res->runs[0], "energy_per_inference_j", 0.002);
    eb_run_record_set_metric(&g.res->runs[1], "energy_per_inference_j", 0.003);
    assert_int_equal(eb_gate_evaluate(g.budgets, g.res, NULL, &g.r, msg, sizeof msg), EB_OK);
    /* checks: top1 fp32, top1 int8, drop fp32, drop int8, energy fp32, energy int8 */
    assert_int_equal(g.r->n_checks, 6);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_PASS);
    assert_int_equal(g.r->checks[1].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[1].message, "top-1 0.85 < min 0.86"));
    assert_int_equal(g.r->checks[2].status, EB_CHECK_PASS);
    assert_int_equal(g.r->checks[3].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[3].message, "accuracy drop 0.05 > max 0.01"));
    assert_non_null(strstr(g.r->checks[3].message, "reference fp32 top-1 0.9"));
    assert_int_equal(g.r->checks[4].status, EB_CHECK_PASS);
    assert_int_equal(g.r->checks[5].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[5].message, "energy per inference 3 mJ > max 2.5 mJ"));
    done(&g);
}

static void test_regression_limit_needs_a_baseline(void **state)
{
    (void)state;
    eb_budget_set *b;
    char msg[512];
    const char *yaml = "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n";
    assert_int_equal(eb_budget_set_parse("b.yaml", yaml, strlen(yaml), &b, msg, sizeof msg), EB_OK);
    eb_results *r = fx_results("r.h5", two_variants, 2, 1);
    eb_gate_result *g = NULL;
    assert_int_equal(eb_gate_evaluate(b, r, NULL, &g, msg, sizeof msg), EB_ERR_INVALID_ARG);
    assert_non_null(strstr(msg, "b.yaml:2:5"));
    assert_non_null(strstr(msg, "needs --baseline"));
    assert_null(g);
    eb_budget_set_free(b);
    fx_free(r);
}

static void test_regression_fails_only_when_larger_than_limit_and_significant(void **state)
{
    (void)state;
    fx_run cand[2] = {two_variants[0], two_variants[1]};
    cand[0].median_ns *= 1.10; /* 10% slower: fails */
    cand[1].median_ns *= 1.02; /* 2% slower: within 5% */
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n", cand, 2,
             two_variants, 2);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[0].message, "slower than baseline: median +"));
    assert_true(g.r->checks[0].has_change && fabs(g.r->checks[0].change_pct - 10) < 1);
    assert_int_equal(g.r->checks[1].status, EB_CHECK_PASS);
    assert_non_null(strstr(g.r->checks[1].message, "within 5.0%"));
    done(&g);
}

static void test_unstable_is_inconclusive_unless_the_budget_says_otherwise(void **state)
{
    (void)state;
    fx_run base = {.median_ns = 1e6, .spread = 1.0, .n = 12};
    fx_run cand = base;
    gate_case g;
    run_gate(&g,
             "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n"
             "  - {metric: latency_p50_ms, max_regression_pct: 5, on_unstable: pass}\n"
             "  - {metric: latency_p50_ms, max_regression_pct: 5, on_unstable: fail}\n",
             &cand, 1, &base, 1);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_INCONCLUSIVE);
    assert_non_null(strstr(g.r->checks[0].message, "unstable: "));
    assert_int_equal(g.r->checks[1].status, EB_CHECK_PASS);
    assert_non_null(strstr(g.r->checks[1].message, "unstable (on_unstable: pass)"));
    assert_int_equal(g.r->checks[2].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[2].message, "unstable (on_unstable: fail)"));
    /* a failure outranks an undecided check */
    assert_int_equal(eb_gate_exit_code(g.r), 1);
    done(&g);
}

static void test_inconclusive_alone_exits_4_and_says_so_everywhere(void **state)
{
    (void)state;
    fx_run base = {.median_ns = 1e6, .spread = 1.0, .n = 12};
    fx_run cand = base;
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n", &cand, 1,
             &base, 1);
    assert_int_equal(g.r->counts[EB_CHECK_INCONCLUSIVE], 1);
    assert_int_equal(eb_gate_exit_code(g.r), EB_GATE_EXIT_INCONCLUSIVE);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(eb_gate_write_text(f, g.r), 0);
    assert_int_equal(eb_gate_write_json(f, g.r), 0);
    assert_int_equal(eb_gate_write_junit(f, g.r), 0);
    assert_int_equal(eb_gate_write_markdown(f, g.r), 0);
    fclose(f);
    assert_non_null(strstr(buf, "INCONCLUSIVE  "));
    assert_non_null(strstr(buf, "gate: INCONCLUSIVE (1 checks: 0 pass, 0 fail, 0 error, 1 inconclusive)"));
    assert_non_null(strstr(buf, "\"result\": \"inconclusive\""));
    assert_non_null(strstr(buf, "\"exit_code\": 4"));
    assert_non_null(strstr(buf, "\"status\": \"inconclusive\""));
    assert_non_null(strstr(buf, "skipped=\"1\""));
    assert_non_null(strstr(buf, "<skipped message=\"inconclusive: "));
    assert_non_null(strstr(buf, "## edgebench gate: INCONCLUSIVE"));
    assert_non_null(strstr(buf, "| *inconclusive* |"));
    free(buf);
    done(&g);
}

/* An absolute limit that fails stays failed when the relative check of the
 * same budget cannot be decided. */
static void test_an_exceeded_max_is_not_downgraded_by_an_undecided_change(void **state)
{
    (void)state;
    fx_run base = {.median_ns = 1e6, .spread = 1.0, .n = 12};
    fx_run cand = base;
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p50_ms, max: 0.001, max_regression_pct: 5}\n",
             &cand, 1, &base, 1);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_FAIL);
    assert_int_equal(eb_gate_exit_code(g.r), 1);
    done(&g);
}

/* Issue 16: 23.7% faster against a baseline too noisy to pin its own
 * median to 5% passes the regression budget. */
static void test_a_much_faster_candidate_passes_against_a_noisy_baseline(void **state)
{
    (void)state;
    fx_run base = {.median_ns = 1e6, .spread = 1.0, .n = 300};
    fx_run cand = {.median_ns = 0.763e6, .spread = 0.1, .n = 300};
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n", &cand, 1,
             &base, 1);
    print_message("%s\n", g.r->checks[0].message);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_PASS);
    assert_int_equal(eb_gate_exit_code(g.r), 0);
    done(&g);
}

static void test_a_cell_without_baseline_fails_and_memory_compares_plainly(void **state)
{
    (void)state;
    fx_run base[1] = {two_variants[0]};
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: peak_memory_mb, max_regression_pct: 10}\n", two_variants,
             2, base, 1);
    assert_int_equal(g.r->checks[0].status, EB_CHECK_PASS);
    assert_non_null(strstr(g.r->checks[0].message, "peak memory 50 -> 50 MiB: +0.00% <= max regression 10%"));
    assert_int_equal(g.r->checks[1].status, EB_CHECK_FAIL);
    assert_string_equal(g.r->checks[1].message, "no baseline cell to compare with");
    done(&g);
}

static void test_junit_has_one_testcase_per_budget_and_cell_with_escaped_numbers(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g,
             "budgets:\n  - {name: \"p99 <2ms & co\", metric: latency_p99_ms, max: 2}\n"
             "  - {select: {variant: none}, metric: latency_p50_ms, max: 1}\n",
             two_variants, 2, NULL, 0);
    char *x = render(eb_gate_write_junit, g.r);
    assert_non_null(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"edgebench gate\" "
                              "tests=\"3\" failures=\"1\" errors=\"1\""));
    assert_non_null(strstr(x, "<testsuite name=\"p99 &lt;2ms &amp; co\" tests=\"2\" failures=\"1\" errors=\"0\""));
    assert_non_null(strstr(x, "<testcase name=\"board/ref/int8/plain threads=1\" "
                              "classname=\"edgebench.gate.p99_&lt;2ms_&amp;_co\" time=\"0\">"));
    assert_non_null(strstr(x, "<failure message=\"p99 4.0"));
    assert_non_null(strstr(x, "ms &gt; max 2 ms (n=200)\" type=\"budget\">"));
    assert_non_null(strstr(x, "<testcase name=\"(no cell selected)\""));
    assert_non_null(strstr(x, "<error message=\"budgets.yaml:3:5: budget"));
    free(x);
    done(&g);
}

/* gate.json gives the baseline and candidate figures, the ratio, its
 * interval and p of every check against a baseline, also of a latency
 * regression check (value was null) and of an absolute check. */
static void test_json_carries_baseline_candidate_ratio_interval_and_p(void **state)
{
    (void)state;
    fx_run base[2] = {two_variants[0], two_variants[1]};
    fx_run cand[2] = {two_variants[0], two_variants[1]};
    cand[1].median_ns *= 1.10;
    gate_case g;
    run_gate(&g,
             "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n"
             "  - {metric: model_size_mb, max: 0.5}\n"
             "  - {metric: peak_memory_mb, max: 100}\n",
             cand, 2, base, 2);
    const eb_gate_check *slow = &g.r->checks[1];
    assert_int_equal(slow->status, EB_CHECK_FAIL);
    assert_true(slow->has_value && fabs(slow->value - 4.4) < 0.05);
    assert_true(slow->has_base && fabs(slow->base_value - 4.0) < 0.05);
    assert_true(slow->has_ratio && fabs(slow->ratio - 1.10) < 0.01);
    assert_true(slow->has_interval && slow->ci_lo > 1.05 && slow->ci_hi < 1.15 && slow->p < 1e-10);
    assert_string_equal(slow->verdict, "slower");
    /* model size: 1 MiB > 0.5 MiB, with the baseline's figure too */
    assert_int_equal(g.r->checks[2].status, EB_CHECK_FAIL);
    assert_non_null(strstr(g.r->checks[2].message, "model size 1 MiB > max 0.5 MiB"));
    assert_true(g.r->checks[2].has_base && g.r->checks[2].base_value == 1.0 && g.r->checks[2].ratio == 1.0);
    char *js = render(eb_gate_write_json, g.r);
    fputs(js, stderr);
    assert_non_null(strstr(js, "\"unit\": \"ms\", \"baseline_value\": 4.0"));
    assert_non_null(strstr(js, "\"candidate_value\": 4.4") || strstr(js, "\"candidate_value\": 4.39"));
    assert_non_null(strstr(js, "\"ratio\": 1.1") || strstr(js, "\"ratio\": 1.09"));
    assert_non_null(strstr(js, "\"ratio_interval\": [1.0"));
    assert_non_null(strstr(js, "\"verdict\": \"slower\""));
    assert_non_null(strstr(js, "\"metric\": \"model_size_mb\""));
    assert_non_null(strstr(js, "\"unit\": \"MiB\", \"baseline_value\": 1, \"candidate_value\": 1, \"ratio\": 1, \"ratio_interval\": null, \"p\": null, \"verdict\": null"));
    free(js);
    done(&g);
}

/* Per-inference CPU times (the extra "cpu_ns") drawn around median_ns. */
static void add_cpu(eb_results *r, double median_ns, uint64_t seed)
{
    for (size_t i = 0; i < r->n_runs; i++) {
        eb_run_record *rec = &r->runs[i];
        int64_t *v = malloc(rec->n * sizeof *v);
        uint64_t s = seed + i;
        for (size_t k = 0; k < rec->n; k++)
            v[k] = (int64_t)(median_ns * (1.0 + 0.02 * ((double)(fx_rng(&s) % 1000000) / 1e6 - 0.5)));
        assert_int_equal(eb_run_record_set_array(rec, "cpu_ns", EB_ARRAY_I64, rec->n, 0, v), 0);
        free(v);
    }
}

/* The candidate's wall time is 10% longer (a busy runner) but its CPU time
 * per inference is the baseline's: cpu_p50_ms passes where latency fails;
 * a candidate whose CPU time grew 10% fails cpu_p50_ms. */
static void test_cpu_time_budgets_gate_on_process_cpu_time(void **state)
{
    (void)state;
    char msg[1024];
    eb_budget_set *b = NULL;
    const char *yaml = "budgets:\n  - {metric: latency_p50_ms, max_regression_pct: 5}\n"
                       "  - {metric: cpu_p50_ms, max_regression_pct: 5, max: 0.85}\n";
    assert_int_equal(eb_budget_set_parse("b.yaml", yaml, strlen(yaml), &b, msg, sizeof msg), EB_OK);
    fx_run base = {.median_ns = 1e6, .spread = 0.02, .n = 300};
    fx_run cand = {.median_ns = 1.1e6, .spread = 0.02, .n = 300};
    eb_results *rb = fx_results("base.h5", &base, 1, 3), *rc = fx_results("cand.h5", &cand, 1, 4);
    add_cpu(rb, 0.8e6, 11);
    add_cpu(rc, 0.8e6, 12);
    eb_gate_result *r = NULL;
    assert_int_equal(eb_gate_evaluate(b, rc, rb, &r, msg, sizeof msg), EB_OK);
    assert_int_equal(r->checks[0].status, EB_CHECK_FAIL);
    print_message("%s\n", r->checks[1].message);
    assert_int_equal(r->checks[1].status, EB_CHECK_PASS);
    assert_true(r->checks[1].has_value && fabs(r->checks[1].value - 0.8) < 0.01);
    assert_true(r->checks[1].has_base && r->checks[1].has_interval);
    assert_non_null(strstr(r->checks[1].message, "CPU time p50 0.8"));
    eb_gate_result_free(r);
    fx_free(rc);
    rc = fx_results("cand.h5", &cand, 1, 4);
    add_cpu(rc, 0.88e6, 12);
    assert_int_equal(eb_gate_evaluate(b, rc, rb, &r, msg, sizeof msg), EB_OK);
    print_message("%s\n", r->checks[1].message);
    assert_int_equal(r->checks[1].status, EB_CHECK_FAIL);
    assert_non_null(strstr(r->checks[1].message, "slower than baseline: median +10."));
    assert_non_null(strstr(r->checks[1].message, "> max 0.85 ms"));
    eb_gate_result_free(r);
    fx_free(rc);
    /* no CPU times recorded: not measured, a failure */
    rc = fx_results("cand.h5", &cand, 1, 4);
    assert_int_equal(eb_gate_evaluate(b, rc, rb, &r, msg, sizeof msg), EB_OK);
    assert_int_equal(r->checks[1].status, EB_CHECK_FAIL);
    assert_non_null(strstr(r->checks[1].message, "CPU time p50 not measured"));
    eb_gate_result_free(r);
    fx_free(rc);
    fx_free(rb);
    eb_budget_set_free(b);
}

static void test_markdown_puts_failures_first_and_json_carries_every_number(void **state)
{
    (void)state;
    gate_case g;
    run_gate(&g, "budgets:\n  - {metric: latency_p99_ms, max: 2}\n", two_variants, 2, NULL, 0);
    char *md = render(eb_gate_write_markdown, g.r);
    assert_true(strncmp(md, "## edgebench gate: FAILED\n\n2 checks: 1 pass, 1 fail, 0 error", 57) == 0);
    const char *failing = strstr(md, "### Failing\n\n| result | budget | cell | numbers |\n| --- | --- | --- | --- |\n"
                                     "| **fail** | latency\\_p99\\_ms | board/ref/int8/plain threads=1 | p99 4.0");
    assert_non_null(failing);
    assert_non_null(strstr(md, "<details><summary>All 2 checks</summary>"));
    assert_non_null(strstr(md, "| pass | latency\\_p99\\_ms | board/ref/fp32/plain threads=1 | p99 1.0"));
    free(md);
    char *js = render(eb_gate_write_json, g.r);
    assert_non_null(strstr(js, "\"format\": \"edgebench-gate\",\n  \"version\": 1,\n  \"result\": \"fail\""));
    assert_non_null(strstr(js, "\"counts\": {\"pass\": 1, \"fail\": 1, \"error\": 0, \"inconclusive\": 0}"));
    assert_non_null(strstr(js, "\"metric\": \"latency_p99_ms\", \"cell\": \"board/ref/int8/plain threads=1\""));
    assert_non_null(strstr(js, "\"status\": \"fail\", \"value\": 4.0"));
    assert_non_null(strstr(js, "\"max\": 2, \"min\": null, \"max_regression_pct\": null, \"change_pct\": null"));
    free(js);
    char *tx = render(eb_gate_write_text, g.r);
    assert_non_null(strstr(tx, "gate: FAILED (2 checks: 1 pass, 1 fail, 0 error, 0 inconclusive)\n"));
    free(tx);
    done(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute_latency_limit_passes_and_fails_with_the_numbers),
        cmocka_unit_test(test_selectors_pick_cells_by_variant_and_device_tag),
        cmocka_unit_test(test_a_budget_selecting_no_cell_is_an_error_not_a_pass),
        cmocka_unit_test(test_failed_crashed_timed_out_and_skipped_cells_fail),
        cmocka_unit_test(test_a_limit_on_something_not_measured_fails),
        cmocka_unit_test(test_top1_energy_and_accuracy_drop_against_the_reference),
        cmocka_unit_test(test_regression_limit_needs_a_baseline),
        cmocka_unit_test(test_regression_fails_only_when_larger_than_limit_and_significant),
        cmocka_unit_test(test_unstable_is_inconclusive_unless_the_budget_says_otherwise),
        cmocka_unit_test(test_inconclusive_alone_exits_4_and_says_so_everywhere),
        cmocka_unit_test(test_an_exceeded_max_is_not_downgraded_by_an_undecided_change),
        cmocka_unit_test(test_a_much_faster_candidate_passes_against_a_noisy_baseline),
        cmocka_unit_test(test_json_carries_baseline_candidate_ratio_interval_and_p),
        cmocka_unit_test(test_cpu_time_budgets_gate_on_process_cpu_time),
        cmocka_unit_test(test_a_cell_without_baseline_fails_and_memory_compares_plainly),
        cmocka_unit_test(test_junit_has_one_testcase_per_budget_and_cell_with_escaped_numbers),
        cmocka_unit_test(test_markdown_puts_failures_first_and_json_carries_every_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
