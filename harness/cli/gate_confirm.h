/* gate --confirm: re-running the cells of failing or unstable checks
 * (`edgebench run SCENARIO --cells ... --append` on this machine), and
 * for checks against a baseline the baseline's cells too, interleaved in
 * ABBA rounds until no check is unstable or the time budget runs out; the
 * checks are then judged by the re-runs alone (docs/ci-gating.md). */
#ifndef EB_GATE_CONFIRM_H
#define EB_GATE_CONFIRM_H

#include "reports/gate.h"

#define EB_GATE_MAX_SETS 64
#define EB_GATE_MAX_GROUPS 16

typedef struct eb_gate_confirm_ctx {
    const char *scenario_path; /* --scenario, or NULL: the stored scenario */
    const char *sets[EB_GATE_MAX_SETS];
    int n_sets;
    int allow_commands;        /* --allow-commands: for --scenario and --set only */
    double budget_s;           /* --confirm-budget: seconds for all re-runs */
    const char *base_program;  /* --baseline-program: edgebench that re-runs the baseline */
    char tmpdir[64];
    int n_rerun;               /* scenario copies written */
    /* kept alive while checks point at their cells: the files re-read after
     * the re-runs, views of their re-run runs only, and those views' cells */
    eb_results *full[2 * EB_GATE_MAX_GROUPS];
    eb_results *view[2 * EB_GATE_MAX_GROUPS];
    eb_cells *view_cells[2 * EB_GATE_MAX_GROUPS];
    int n_kept;
} eb_gate_confirm_ctx;

/* Re-run and re-judge the checks of r that need it (r is updated in place:
 * its checks point into cells cx keeps alive). Progress on stderr unless
 * quiet. */
void eb_gate_confirm(eb_gate_confirm_ctx *cx, eb_gate_result *r, int quiet);

/* Free what cx keeps and remove its scenario copies. */
void eb_gate_confirm_cleanup(eb_gate_confirm_ctx *cx);

#endif
