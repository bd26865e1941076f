/* edgebench gate: budgets (budget.h) checked against the cells of a results
 * file (compare_cells.h), optionally against a baseline file.
 *
 * One check per budget x selected cell. A check fails when
 *   - any run of the cell failed, crashed, timed out, was interrupted or
 *     skipped (the run's status and message are the reason);
 *   - the metric is not measured (a limit on something not measured is
 *     not a pass);
 *   - an absolute limit is exceeded;
 *   - max_regression_pct is set and the cell is slower than its baseline
 *     cell by the rule of compare.h (latency: change > limit AND
 *     significant), or has no baseline cell; memory and energy compare
 *     plain values.
 * A regression check the data cannot decide (compare's verdict unstable)
 * is inconclusive by default: neither a pass nor a failure (budget.h,
 * on_unstable). A budget that selects no cell gives one check with status
 * error.
 *
 * Exit code (eb_gate_exit_code): 2 when a check is an error, else 1 when a
 * check failed, else 4 (EB_GATE_EXIT_INCONCLUSIVE) when a check is
 * inconclusive, else 0. */
#ifndef EB_GATE_H
#define EB_GATE_H

#include <stdio.h>

#include "reports/budget.h"
#include "reports/compare.h"
#include "reports/compare_cells.h"

typedef enum eb_check_status {
    EB_CHECK_PASS = 0,
    EB_CHECK_FAIL = 1,
    EB_CHECK_ERROR = 2,
    EB_CHECK_INCONCLUSIVE = 3, /* unstable: more samples could decide it */
    EB_CHECK_STATUS_COUNT
} eb_check_status;

/* The gate's exit code when no check failed but one could not be decided:
 * CI recipes turn it into a warning (docs/ci-gating.md). */
#define EB_GATE_EXIT_INCONCLUSIVE 4

const char *eb_check_status_str(eb_check_status s); /* "pass", "fail", "error", "inconclusive" */

typedef struct eb_gate_check {
    int budget;               /* index into the budget set */
    const eb_cell *cell;      /* NULL when the budget selects no cell */
    eb_check_status status;
    int has_value;
    double value;             /* the metric in the budget's unit, when measured */
    int has_change;
    double change_pct;        /* against the baseline, when compared */
    /* The figures behind the check, whenever a baseline cell exists (not
     * for accuracy_drop): the baseline's value of the metric (budget unit),
     * the ratio candidate / baseline, and for the latency metrics the
     * bootstrap interval of the median ratio, the one-sided Mann-Whitney p
     * (in the direction of the change) and compare's verdict. */
    int has_base;
    double base_value;
    int has_ratio;
    double ratio;
    int has_interval;
    double ci_lo, ci_hi, p;
    const char *verdict;      /* "same", "slower", ...; NULL when not compared */
    char message[1024];       /* the numbers: "p99 1.234 ms <= max 5 ms (n=1000)" */
    int confirmed;            /* 0 not re-run; 1 re-run and still failing; 2 re-run and passed;
                                 3 re-run and still inconclusive */
    char first_message[1024]; /* the message before the re-run, when re-run */
} eb_gate_check;

typedef struct eb_gate_result {
    const eb_budget_set *budgets; /* borrowed */
    const eb_results *results;    /* borrowed */
    const eb_results *baseline;   /* borrowed, NULL when none */
    eb_cells *cells, *base_cells; /* owned */
    int n_checks;
    eb_gate_check *checks;        /* budget by budget, cells in file order */
    int counts[EB_CHECK_STATUS_COUNT]; /* per eb_check_status */
} eb_gate_result;

/* Evaluate every budget. baseline may be NULL; a budget with
 * max_regression_pct then makes this fail with EB_ERR_INVALID_ARG ("needs
 * --baseline", naming the budget and its line). Results files should be
 * read with samples. *out is caller-owned (eb_gate_result_free) and borrows
 * budgets, results and baseline. */
eb_status eb_gate_evaluate(const eb_budget_set *budgets, const eb_results *results,
                           const eb_results *baseline, eb_gate_result **out, char *msg,
                           size_t msg_len);

/* Check one cell against one budget (as eb_gate_evaluate does). cells are
 * the cells of the file `cell` belongs to (for the reference variant of
 * accuracy_drop), base_cells those of the baseline (may be NULL). The
 * check's budget index is set to budget_index. */
void eb_gate_check_cell(const eb_budget *b, int budget_index, const eb_cell *cell,
                        const eb_results *results, const eb_cells *cells,
                        const eb_cells *base_cells, eb_gate_check *out);

/* Recount r->counts after checks were replaced (confirmation re-runs). */
void eb_gate_recount(eb_gate_result *r);

int eb_gate_exit_code(const eb_gate_result *r);
void eb_gate_result_free(eb_gate_result *r);

/* Outputs. Each returns 0, or -1 when writing failed. */
int eb_gate_write_text(FILE *f, const eb_gate_result *r);
int eb_gate_write_markdown(FILE *f, const eb_gate_result *r);
int eb_gate_write_json(FILE *f, const eb_gate_result *r);
/* JUnit XML: <testsuites> with one <testsuite> per budget and one
 * <testcase> per check (name = the cell, classname = "edgebench.gate." +
 * budget), <failure message="..." type="budget"> for a failed check and
 * <error message="..." type="no-cell"> for an error; the shape Jenkins,
 * GitLab, GitHub test reporters and the common junit-10.xsd read. */
int eb_gate_write_junit(FILE *f, const eb_gate_result *r);

#endif
