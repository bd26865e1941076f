/* edgebench compare: a baseline results file against a candidate, cell by
 * cell (cells as in compare_cells.h).
 *
 * Latency: the change of the median in percent, a percentile-bootstrap
 * interval of median(candidate) / median(baseline) (fixed seed), and a
 * Mann-Whitney U test of the pooled latency samples. The verdict is read
 * from the interval of the ratio [lo, hi], never from each side's own
 * interval (a noisy baseline only widens the ratio interval), in this order:
 *   failed    either side has no ok run with samples (the failing run's
 *             status and message are given);
 *   unstable  a side has fewer than EB_COMPARE_MIN_SAMPLES samples;
 *   slower    lo > 1 + tolerance (wholly above the boundary; the one-sided
 *             Mann-Whitney p must also be < alpha, else unstable);
 *   unstable  hi > 1 + tolerance (straddles the boundary: more samples
 *             decide, gate --confirm);
 *   faster    hi < 1 - tolerance, or hi < 1 and the median change is below
 *             -tolerance (a faster candidate never fails a regression);
 *   same      otherwise (the interval lies below 1 + tolerance).
 * With >= 2 ok runs on both sides the interval is widened to a two-stage
 * bootstrap (runs with replacement, then samples within them), so runs
 * that disagree (the load changed between them) make it unstable rather
 * than a confident verdict (for a CPU view, eb_cell_cpu_view, the runs'
 * CPU times). A side's drift or spread between repetitions is noted in
 * `why`. A wall-time "slower" whose runs got a smaller share of the CPU
 * (run metric cpu_share) than the baseline's, by more than the change the
 * tolerance allows, is unstable: the load differed between the sides, and
 * that alone explains the change.
 * Other metrics (p90, p99, peak memory, energy per inference, top-1) are
 * single numbers per run: their change is shown, a missing one is "not
 * measured", never 0. */
#ifndef EB_COMPARE_H
#define EB_COMPARE_H

#include <stdio.h>

#include "harness/stats/two_sample.h"
#include "reports/compare_cells.h"

/* Bound on the bootstrap's work per cell (resamples x pooled samples): past
 * it the resamples are reduced (to 500 at least), e.g. 2000 resamples up to
 * 50000 samples a side. */
#define EB_COMPARE_MAX_DRAWS 2e8

typedef struct eb_compare_options {
    double tolerance;  /* relative, 0.05 = 5% */
    double alpha;      /* significance level of the one-sided test, default 0.01 */
    double confidence; /* of the ratio interval, default 0.95 */
    int resamples;     /* bootstrap resamples, default EB_RATIO_CI_RESAMPLES */
    uint64_t seed;     /* default EB_RATIO_CI_SEED */
} eb_compare_options;

void eb_compare_options_default(eb_compare_options *o);

typedef enum eb_verdict {
    EB_VERDICT_SAME = 0,
    EB_VERDICT_SLOWER = 1,
    EB_VERDICT_FASTER = 2,
    EB_VERDICT_UNSTABLE = 3,
    EB_VERDICT_FAILED = 4
} eb_verdict;

const char *eb_verdict_str(eb_verdict v); /* "same", "slower", ... */

/* Fewest pooled samples a side needs for a verdict other than unstable. */
#define EB_COMPARE_MIN_SAMPLES 10

/* The rule above on a ratio interval [lo, hi] (candidate / baseline), the
 * median change (ratio - 1) and the tolerance (relative): SLOWER, UNSTABLE,
 * FASTER or SAME. Non-finite bounds: UNSTABLE. Pure. */
eb_verdict eb_ratio_verdict(double lo, double hi, double change, double tol);

/* One metric on both sides. has_* 0 = not measured on that side. */
typedef struct eb_metric_change {
    const char *name;  /* "p50", "p99", "peak_rss_bytes", "energy_per_inference_j", "top1" */
    int has_base, has_cand;
    double base, cand;
    double change;     /* cand / base - 1 (top1: cand - base, in points of 1); NAN unless both */
    double p_worse;    /* top1 with accuracy/correct on both sides: one-sided p of a lower
                        * hit rate (two-proportion z test); else NAN */
} eb_metric_change;

enum { EB_COMPARE_N_METRICS = 6 };

typedef struct eb_cell_compare {
    const eb_cell *base, *cand; /* borrowed */
    eb_verdict verdict;
    char why[512];              /* reason in words: "+10.2% > 5%, p=1e-30, CI [1.09, 1.11]" */
    double change;              /* median ratio - 1; NAN when not computed */
    int have_stats;             /* mwu and ci computed */
    eb_mwu mwu;                 /* a = baseline, b = candidate */
    eb_ratio_ci ci;
    eb_metric_change metrics[EB_COMPARE_N_METRICS];
} eb_cell_compare;

/* Compare two cells (samples needed for the statistics). 0 ok, -1 out of
 * memory. */
int eb_compare_cell(const eb_cell *base, const eb_cell *cand, const eb_compare_options *o,
                    eb_cell_compare *out);

typedef struct eb_comparison {
    eb_cells *base_cells, *cand_cells; /* owned */
    size_t n;
    eb_cell_compare *items;            /* matched cells, in the baseline's order */
    size_t n_only_base, n_only_cand;
    const eb_cell **only_base;         /* unmatched */
    const eb_cell **only_cand;
    int counts[5];                     /* per verdict */
    eb_compare_options options;
} eb_comparison;

/* Match the cells of two files (read with samples) and compare each pair.
 * *out is caller-owned (eb_comparison_free); it borrows base and cand. */
int eb_compare_results(const eb_results *base, const eb_results *cand, const eb_compare_options *o,
                       eb_comparison **out);
void eb_comparison_free(eb_comparison *c);

/* Why no cell of cand matches a cell of base, in words for a user: each
 * side's device ids and first cells, and a hint when the device ids differ
 * (--device-id). Written to buf (several lines). */
void eb_cells_explain_no_match(const eb_cells *base, const char *base_name, const eb_cells *cand,
                               const char *cand_name, char *buf, size_t cap);

/* A comparison as text, Markdown or JSON (the reporters' comparison
 * documents, reporter.h). 0 ok, -1 write error. */
int eb_compare_write_text(FILE *f, const eb_comparison *c, const char *base_path,
                          const char *cand_path);
int eb_compare_write_md(FILE *f, const eb_comparison *c, const char *base_path,
                        const char *cand_path);
int eb_compare_write_json(FILE *f, const eb_comparison *c, const char *base_path,
                          const char *cand_path);

#endif
