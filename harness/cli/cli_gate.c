/* edgebench gate RESULTS.h5 [--budgets BUDGETS.yaml] [--baseline BASE.h5]
 *                [--junit FILE] [--markdown FILE] [--json FILE]
 *                [--confirm [--confirm-budget SECONDS] [--scenario SCENARIO.yaml]
 *                 [--set KEY=VALUE]... [--baseline-program EDGEBENCH]] [--quiet]
 *
 * Exit 0 every budget holds, 1 a budget failed, 2 bad input (or a budget
 * that selects no cell), 4 no budget failed but a regression check could not
 * be decided (inconclusive, reports/gate.h). --confirm re-runs the cells of
 * failing and undecided checks (`edgebench run
 * SCENARIO --cells ... --append`, on this machine), and for checks against
 * a baseline the baseline's cells too (its own stored scenario, with
 * --baseline-program if given), interleaved, round after round until no
 * check is unstable or --confirm-budget (default 120 s) runs out; those
 * checks are judged by the re-runs alone, which stay in both files. The
 * candidate's scenario is the one stored in the results file (its model
 * paths as recorded) unless --scenario names a file. Without --budgets the
 * budgets: sections of the scenarios stored in the results are used, each
 * limited to its own scenario's cells. The stored scenario is data: a
 * metrics.power_command in it is never run (the re-run goes without it);
 * --allow-commands lets a --scenario file or a --set give one. */
#include <stdlib.h>
#include <string.h>

#include "common/yaml_tree.h"
#include "harness/cli/cli.h"
#include "harness/cli/gate_confirm.h"
#include "reports/gate.h"
#include "reports/reporter.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: edgebench gate RESULTS.h5 [--budgets BUDGETS.yaml] [--baseline BASE.h5]\n"
            "                      [--junit FILE] [--markdown FILE] [--json FILE]\n"
            "                      [--confirm [--confirm-budget SECONDS] [--scenario SCENARIO.yaml]\n"
            "                       [--set KEY=VALUE]... [--baseline-program EDGEBENCH]\n"
            "                       [--allow-commands]] [--quiet]\n");
    return EB_EXIT_USAGE;
}

/* Without --budgets: the budgets: sections of the scenarios stored in the
 * results file, each limited to its own scenario's cells. */
static eb_status budgets_from_results(const eb_results *res, eb_budget_set **out, char *msg,
                                      size_t len)
{
    eb_budget_set *all = calloc(1, sizeof *all);
    if (!all || !(all->path = malloc(strlen(res->path) + 32))) {
        free(all);
        snprintf(msg, len, "out of memory");
        return EB_ERR_NOMEM;
    }
    sprintf(all->path, "%s (stored scenarios)", res->path);
    for (size_t i = 0; i < res->n_scenarios; i++) {
        const eb_results_scenario *sc = &res->scenarios[i];
        eb_ynode *root = NULL;
        eb_yaml_error err;
        int has = sc->yaml && eb_yaml_parse(sc->yaml, strlen(sc->yaml), 0, &root, &err) == EB_OK &&
                  root && eb_ynode_get(root, "budgets");
        eb_ynode_free(root);
        if (!has)
            continue;
        char where[1200];
        snprintf(where, sizeof where, "%s:/scenarios/%s", res->path, sc->name);
        eb_budget_set *one = NULL;
        eb_status st = eb_budget_set_parse(where, sc->yaml, strlen(sc->yaml), &one, msg, len);
        eb_budget *grown = st == EB_OK ? realloc(all->items, (size_t)(all->n + one->n) * sizeof *grown) : NULL;
        if (!grown) {
            if (st == EB_OK) {
                st = EB_ERR_NOMEM;
                snprintf(msg, len, "out of memory");
            }
            eb_budget_set_free(one);
            eb_budget_set_free(all);
            return st;
        }
        all->items = grown;
        for (int k = 0; k < one->n; k++) {
            eb_budget b = one->items[k];
            eb_budget_selector *sel = &b.select[EB_BUDGET_SEL_SCENARIO];
            if (sel->n == 0) {
                sel->n = 1;
                snprintf(sel->globs[0], sizeof sel->globs[0], "%s", sc->name);
            }
            all->items[all->n++] = b;
        }
        eb_budget_set_free(one);
    }
    if (all->n == 0) {
        snprintf(msg, len, "no --budgets given and no scenario stored in %s has a budgets: section",
                 res->path);
        eb_budget_set_free(all);
        return EB_ERR_INVALID_ARG;
    }
    *out = all;
    return EB_OK;
}

typedef int (*writer_fn)(FILE *, const eb_gate_result *);

static int write_to(const char *path, writer_fn w, const eb_gate_result *r)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "edgebench gate: cannot write %s\n", path);
        return -1;
    }
    int rc = w(f, r);
    if (fclose(f) != 0 || rc != 0) {
        fprintf(stderr, "edgebench gate: error writing %s\n", path);
        return -1;
    }
    return 0;
}

int eb_cmd_gate(int argc, char **argv)
{
    const char *path = NULL, *budgets_path = NULL, *baseline_path = NULL;
    const char *junit = NULL, *markdown = NULL, *json = NULL;
    int do_confirm = 0, quiet = 0;
    eb_gate_confirm_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.budget_s = 120;
    int budget_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--budgets") == 0 && more)
            budgets_path = argv[++i];
        else if (strcmp(a, "--baseline") == 0 && more)
            baseline_path = argv[++i];
        else if (strcmp(a, "--junit") == 0 && more)
            junit = argv[++i];
        else if (strcmp(a, "--markdown") == 0 && more)
            markdown = argv[++i];
        else if (strcmp(a, "--json") == 0 && more)
            json = argv[++i];
        else if (strcmp(a, "--confirm") == 0)
            do_confirm = 1;
        else if (strcmp(a, "--scenario") == 0 && more)
            cx.scenario_path = argv[++i];
        else if (strcmp(a, "--set") == 0 && more && cx.n_sets < EB_GATE_MAX_SETS)
            cx.sets[cx.n_sets++] = argv[++i];
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            quiet = 1;
        else if (strcmp(a, "--allow-commands") == 0)
            cx.allow_commands = 1;
        else if (strcmp(a, "--confirm-budget") == 0 && more) {
            char *end;
            cx.budget_s = strtod(argv[++i], &end);
            if (*end || !(cx.budget_s > 0) || cx.budget_s > 86400) {
                fprintf(stderr, "edgebench gate: --confirm-budget %s: expected seconds > 0\n",
                        argv[i]);
                return EB_EXIT_USAGE;
            }
            budget_given = 1;
        } else if (strcmp(a, "--baseline-program") == 0 && more)
            cx.base_program = argv[++i];
        else if (a[0] == '-' || path)
            return usage();
        else
            path = a;
    }
    if (!path)
        return usage();
    if ((cx.scenario_path || cx.n_sets || cx.allow_commands || budget_given || cx.base_program) &&
        !do_confirm) {
        fprintf(stderr, "edgebench gate: --scenario, --set, --allow-commands, --confirm-budget and "
                        "--baseline-program only apply with --confirm\n");
        return EB_EXIT_USAGE;
    }
    char msg[2048];
    eb_budget_set *budgets = NULL;
    eb_results *res = NULL, *base = NULL;
    eb_gate_result *r = NULL;
    int rc = EB_EXIT_USAGE;
    eb_status st = budgets_path ? eb_budget_set_load(budgets_path, &budgets, msg, sizeof msg) : EB_OK;
    if (st != EB_OK) {
        fprintf(stderr, "edgebench gate: %s\n", msg);
        goto out;
    }
    if ((st = eb_results_read(path, 1, &res, msg, sizeof msg)) != EB_OK ||
        (baseline_path && (st = eb_results_read(baseline_path, 1, &base, msg, sizeof msg)) != EB_OK)) {
        fprintf(stderr, "edgebench gate: %s\n", msg);
        rc = eb_exit_for_status(st);
        goto out;
    }
    if (!budgets && (st = budgets_from_results(res, &budgets, msg, sizeof msg)) != EB_OK) {
        fprintf(stderr, "edgebench gate: %s\n", msg);
        rc = eb_exit_for_status(st);
        goto out;
    }
    if ((st = eb_gate_evaluate(budgets, res, base, &r, msg, sizeof msg)) != EB_OK) {
        fprintf(stderr, "edgebench gate: %s\n", msg);
        rc = eb_exit_for_status(st);
        goto out;
    }
    if (do_confirm && (r->counts[EB_CHECK_FAIL] > 0 || r->counts[EB_CHECK_INCONCLUSIVE] > 0))
        eb_gate_confirm(&cx, r, quiet);
    rc = eb_gate_exit_code(r);
    /* each file option is a reporter's gate document; stdout gets text */
    const struct {
        const char *path, *format;
    } files[] = {{junit, "junit"}, {markdown, "md"}, {json, "json"}};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        if (files[k].path &&
            write_to(files[k].path, eb_reporter_find(files[k].format, EB_REPORT_GATE)->gate, r) != 0)
            rc = rc ? rc : EB_EXIT_USAGE;
    if (!quiet || rc != 0)
        eb_reporter_find("text", EB_REPORT_GATE)->gate(stdout, r);
    if (rc == 2) {
        const char *last = "";
        for (int i = 0; i < r->n_checks; i++)
            if (r->checks[i].status == EB_CHECK_ERROR && strcmp(r->checks[i].message, last)) {
                fprintf(stderr, "edgebench gate: %s\n", r->checks[i].message);
                last = r->checks[i].message;
            }
    }
out:
    eb_gate_result_free(r);
    eb_gate_confirm_cleanup(&cx);
    eb_results_free(res);
    eb_results_free(base);
    eb_budget_set_free(budgets);
    return rc;
}
