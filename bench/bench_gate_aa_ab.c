/* Proof of the regression gate on this machine (issue: "Proving the gate"):
 *
 *   A/A   the same scenario run twice and compared: "slower" must never
 *         be said (target: 0 of 20);
 *   A/A on real inference: the same, with the reference backend running the
 *         quickstart CNN (scenarios/quickstart.yaml), whose latency has the
 *         noise of real computation on a shared machine; a "slower" is
 *         re-measured once as `gate --confirm` does (target: 0 of 20 after
 *         the re-run; the count before it is printed too);
 *   A/B   a candidate exactly 10% slower (the test plugin "chaos" busy-
 *         waits 1100 instead of 1000 µs per inference) must be caught
 *         every time (target: 20 of 20), and one 2% slower must not be
 *         flagged under a 5% tolerance (target: 0 of 20).
 *
 * Each trial runs the baseline, a second baseline and both candidates as
 * separate `edgebench run` sessions (isolated cell processes, like CI jobs),
 * then compares with the default rule of reports/compare.h. Prints one line
 * per trial (medians, change, verdict) and the rates against their targets;
 * exits 1 when a target is missed.
 *
 *   build/bench/bench_gate_aa_ab [--trials N] [--measure-ms MS] [--keep DIR]
 *   make gate-proof            (20 trials)
 * Needs the chaos plugin (built with the tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/run/runner.h"
#include "reports/compare.h"

typedef struct outcome {
    eb_verdict verdict;
    double base_p50, cand_p50, change;
} outcome;

static int run_one(const char *scenario, const char *out, const char *delay_set,
                   const char *measure_set)
{
    const char *sets[3] = {measure_set, delay_set, NULL};
    eb_run_options o = {
        .scenario_path = scenario,
        .overrides = sets,
        .n_overrides = delay_set ? 2 : 1,
        .output = out,
        .device_id = "bench",
        .command_line = "bench_gate_aa_ab",
        .exe = EB_BINARY_DIR "/harness/edgebench",
        .quiet = 1,
        .log = stderr,
    };
    return eb_run_scenario(&o);
}

static int compare(const char *base, const char *cand, outcome *out)
{
    char msg[1024];
    eb_results *a = NULL, *b = NULL;
    eb_comparison *c = NULL;
    int rc = -1;
    if (eb_results_read(base, 1, &a, msg, sizeof msg) != EB_OK ||
        eb_results_read(cand, 1, &b, msg, sizeof msg) != EB_OK) {
        fprintf(stderr, "bench_gate_aa_ab: %s\n", msg);
        goto out;
    }
    eb_compare_options o;
    eb_compare_options_default(&o);
    if (eb_compare_results(a, b, &o, &c) != 0 || c->n != 1)
        goto out;
    out->verdict = c->items[0].verdict;
    out->base_p50 = c->items[0].base->summary.p50;
    out->cand_p50 = c->items[0].cand->summary.p50;
    out->change = c->items[0].change;
    if (out->verdict == EB_VERDICT_UNSTABLE || out->verdict == EB_VERDICT_FAILED)
        fprintf(stderr, "  (%s: %s)\n", eb_verdict_str(out->verdict), c->items[0].why);
    rc = 0;
out:
    eb_comparison_free(c);
    eb_results_free(a);
    eb_results_free(b);
    return rc;
}

int main(int argc, char **argv)
{
    int trials = 20, measure_ms = 300;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc)
            trials = atoi(argv[++i]);
        else if (strcmp(argv[i], "--measure-ms") == 0 && i + 1 < argc)
            measure_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else {
            fprintf(stderr, "usage: bench_gate_aa_ab [--trials N] [--measure-ms MS] [--keep DIR]\n");
            return 2;
        }
    }
    if (trials < 1 || measure_ms < 1)
        return 2;
    setenv("EDGEBENCH_BACKEND_PATH", EB_BINARY_DIR "/tests/backends", 0);
    char dir[256];
    if (keep)
        snprintf(dir, sizeof dir, "%s", keep);
    else if (!mkdtemp(strcpy(dir, "/tmp/bench_gate.XXXXXX")))
        return 3;
    char measure[64];
    /* iterations 1: the measured phase is set by time alone */
    snprintf(measure, sizeof measure, "run.measure.min_time_ms=%d", measure_ms);
    const char *names[4] = {"A/A", "A/B +10%", "A/B +2%", "A/A ref"};
    const char *chaos = EB_SOURCE_DIR "/tests/data/gate/chaos_ab.yaml";
    const char *quick = EB_SOURCE_DIR "/scenarios/quickstart.yaml";
    const char *delays[4] = {NULL, "backends.0.options.delay_us=1100", "backends.0.options.delay_us=1020", NULL};
    int slower[4] = {0}, unstable[4] = {0}, done = 0, confirmed_slower = 0;
    printf("bench_gate_aa_ab: %d trials, %d ms measured per run, tolerance 5%%, alpha 0.01\n",
           trials, measure_ms);
    printf("%5s | %-24s | %-24s | %-24s | %-24s\n", "trial", "A/A (chaos 1000 us)",
           "A/B +10% (1100 us)", "A/B +2% (1020 us)", "A/A ref (quickstart CNN)");
    printf("%5s | %9s %5s %-9s | %9s %5s %-9s | %9s %5s %-9s | %9s %5s %-9s\n", "", "p50 us",
           "chg%", "verdict", "p50 us", "chg%", "verdict", "p50 us", "chg%", "verdict", "p50 us",
           "chg%", "verdict");
    time_t t0 = time(NULL);
    for (int t = 0; t < trials; t++) {
        char base[512], ref_base[512], cand[4][512];
        snprintf(base, sizeof base, "%s/base-%02d.h5", dir, t);
        snprintf(ref_base, sizeof ref_base, "%s/refbase-%02d.h5", dir, t);
        if (run_one(chaos, base, NULL, measure) != 0 || run_one(quick, ref_base, NULL, measure) != 0)
            return 3;
        outcome o[4];
        for (int k = 0; k < 4; k++) {
            snprintf(cand[k], sizeof cand[k], "%s/cand%d-%02d.h5", dir, k, t);
            int ref = k == 3;
            if (run_one(ref ? quick : chaos, cand[k], ref ? NULL : delays[k], measure) != 0 ||
                compare(ref ? ref_base : base, cand[k], &o[k]) != 0)
                return 3;
            slower[k] += o[k].verdict == EB_VERDICT_SLOWER;
            unstable[k] += o[k].verdict == EB_VERDICT_UNSTABLE;
        }
        /* what `gate --confirm` does: a "slower" candidate is measured once
         * more and judged by that re-run */
        outcome again = o[3];
        if (o[3].verdict == EB_VERDICT_SLOWER) {
            char re[512];
            snprintf(re, sizeof re, "%s/cand3-rerun-%02d.h5", dir, t);
            if (run_one(quick, re, NULL, measure) != 0 || compare(ref_base, re, &again) != 0)
                return 3;
            if (!keep)
                unlink(re);
        }
        confirmed_slower += again.verdict == EB_VERDICT_SLOWER;
        printf("%5d |", t + 1);
        for (int k = 0; k < 4; k++)
            printf(" %9.1f %+5.1f %-9s |", o[k].cand_p50 / 1e3, 100 * o[k].change,
                   eb_verdict_str(o[k].verdict));
        printf("  (baselines %.1f, %.1f us)\n", o[0].base_p50 / 1e3, o[3].base_p50 / 1e3);
        fflush(stdout);
        done++;
        if (!keep) {
            unlink(base);
            unlink(ref_base);
            for (int k = 0; k < 4; k++)
                unlink(cand[k]);
        }
    }
    if (!keep)
        rmdir(dir);
    int ok_aa = slower[0] == 0, ok_b10 = slower[1] == done, ok_b2 = slower[2] == 0,
        ok_ref = confirmed_slower == 0;
    printf("\n%-10s slower %2d/%d (unstable %d)  target 0/%d   %s\n", names[0], slower[0], done,
           unstable[0], done, ok_aa ? "ok" : "MISSED");
    printf("%-10s slower %2d/%d (unstable %d)  target %d/%d  %s\n", names[1], slower[1], done,
           unstable[1], done, done, ok_b10 ? "ok" : "MISSED");
    printf("%-10s slower %2d/%d (unstable %d)  target 0/%d   %s\n", names[2], slower[2], done,
           unstable[2], done, ok_b2 ? "ok" : "MISSED");
    printf("%-10s slower %2d/%d (unstable %d), after one confirmation re-run %d/%d  target 0/%d   %s\n",
           names[3], slower[3], done, unstable[3], confirmed_slower, done, done,
           ok_ref ? "ok" : "MISSED");
    printf("%d runs in %lds\n", 6 * done + slower[3], (long)(time(NULL) - t0));
    return ok_aa && ok_b10 && ok_b2 && ok_ref ? 0 : 1;
}
