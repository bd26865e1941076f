/* edgebench gate RESULTS.h5 [--budgets BUDGETS.yaml] [--baseline BASE.h5]
 *                [--junit FILE] [--markdown FILE] [--json FILE]
 *                [--confirm [--scenario SCENARIO.yaml] [--set KEY=VALUE]...] [--quiet]
 *
 * Exit 0 every budget holds, 1 a budget failed, 2 bad input (or a budget
 * that selects no cell). --confirm re-runs the cells of failing checks once
 * (`edgebench run SCENARIO --cells ...`, on this machine) and judges those
 * checks by the re-run: the usual cure for a false alarm on a noisy shared
 * runner. The scenario is the one stored in the results file (its model
 * paths as recorded) unless --scenario names a file. Without --budgets the
 * budgets: sections of the scenarios stored in the results are used, each
 * limited to its own scenario's cells. The stored scenario is data: a
 * metrics.power_command in it is never run (the re-run goes without it);
 * --allow-commands lets a --scenario file or a --set give one. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "reports/gate.h"
#include "scenarios/yaml_tree.h"

#define MAX_SETS 64

static int usage(void)
{
    fprintf(stderr,
            "usage: edgebench gate RESULTS.h5 [--budgets BUDGETS.yaml] [--baseline BASE.h5]\n"
            "                      [--junit FILE] [--markdown FILE] [--json FILE]\n"
            "                      [--confirm [--scenario SCENARIO.yaml] [--set KEY=VALUE]...\n"
            "                       [--allow-commands]] [--quiet]\n");
    return EB_EXIT_USAGE;
}

typedef struct confirm_ctx {
    const char *scenario_path; /* --scenario, or NULL: the stored scenario */
    const char *sets[MAX_SETS];
    int n_sets;
    int allow_commands;        /* --allow-commands: for --scenario and --set only */
    char tmpdir[64];
    eb_results *rerun[16];     /* kept alive while checks point at their cells */
    eb_cells *rerun_cells[16];
    int n_rerun;
} confirm_ctx;

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* --set arguments that point the stored scenario at its recorded model
 * files (absolute paths) and keep its name, since the copy is read from a
 * temporary directory. Strings are malloc'ed into sets[]. */
static int stored_scenario_sets(const eb_results_scenario *s, char **sets, int cap, int *n)
{
    eb_ynode *root = NULL;
    eb_yaml_error err;
    if (eb_yaml_parse(s->yaml, strlen(s->yaml), 0, &root, &err) != EB_OK || !root)
        return -1;
    char buf[1400];
    snprintf(buf, sizeof buf, "name=%s", s->name);
    sets[(*n)++] = strdup(buf);
    /* The file being judged never runs a command on this machine: its
     * power meter command is dropped from the re-run. */
    const eb_ynode *metrics = eb_ynode_get(root, "metrics");
    const eb_ynode *pc = metrics ? eb_ynode_get(metrics, "power_command") : NULL;
    if (pc && pc->type == EB_Y_SCALAR && pc->text[0] && !eb_ynode_is_null(pc) && *n < cap) {
        fprintf(stderr, "edgebench gate: --confirm: the scenario '%s' stored in the results "
                        "file has metrics.power_command ('%.200s'); the re-run does not run "
                        "commands from the file it judges, so it runs without that power "
                        "meter (energy is not measured in the re-run)\n",
                s->name, pc->text);
        sets[(*n)++] = strdup("metrics.power_command=''"); /* an empty string */
    }
    const eb_ynode *model = eb_ynode_get(root, "model");
    const eb_ynode *vars = model ? eb_ynode_get(model, "variants") : NULL;
    if (vars && vars->type == EB_Y_MAP) {
        for (int i = 0; i < vars->n && (size_t)i < s->n_models && *n < cap; i++) {
            snprintf(buf, sizeof buf, "model.variants.%s=%s", vars->kids[i]->key, s->model_paths[i]);
            sets[(*n)++] = strdup(buf);
        }
    } else if (s->n_models > 0 && *n < cap) {
        snprintf(buf, sizeof buf, "model.path=%s", s->model_paths[0]);
        sets[(*n)++] = strdup(buf);
    }
    eb_ynode_free(root);
    return 0;
}

/* Run `edgebench run` on the cells of one (scenario, device); the results
 * go to out_path. Returns the child's exit code, or -1. */
static int rerun_cells(confirm_ctx *cx, const eb_results *res, const char *scenario,
                       const char *device, const char *cells_arg, const char *out_path)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return -1;
    exe[len] = '\0';
    char scen_path[PATH_MAX];
    char *own_sets[MAX_SETS];
    int n_own = 0;
    if (cx->scenario_path) {
        snprintf(scen_path, sizeof scen_path, "%s", cx->scenario_path);
    } else {
        const eb_results_scenario *s = eb_results_find_scenario(res, scenario);
        if (!s || !s->yaml) {
            fprintf(stderr, "edgebench gate: --confirm: %s does not hold scenario '%s'\n",
                    res->path, scenario);
            return -1;
        }
        snprintf(scen_path, sizeof scen_path, "%s/scenario-%d.yaml", cx->tmpdir, cx->n_rerun);
        if (write_file(scen_path, s->yaml) != 0 ||
            stored_scenario_sets(s, own_sets, MAX_SETS, &n_own) != 0) {
            fprintf(stderr, "edgebench gate: --confirm: cannot prepare the stored scenario '%s'\n",
                    scenario);
            for (int i = 0; i < n_own; i++)
                free(own_sets[i]);
            return -1;
        }
    }
    const char *argv[16 + 4 * MAX_SETS];
    int a = 0;
    argv[a++] = exe;
    argv[a++] = "run";
    argv[a++] = scen_path;
    argv[a++] = "-o";
    argv[a++] = out_path;
    argv[a++] = "--cells";
    argv[a++] = cells_arg;
    argv[a++] = "--device-id";
    argv[a++] = device;
    argv[a++] = "--quiet";
    if (cx->allow_commands)
        argv[a++] = "--allow-commands"; /* for --scenario and --set; the stored
                                           scenario's command was dropped above */
    for (int i = 0; i < n_own; i++) {
        argv[a++] = "--set";
        argv[a++] = own_sets[i];
    }
    for (int i = 0; i < cx->n_sets; i++) {
        argv[a++] = "--set";
        argv[a++] = cx->sets[i];
    }
    argv[a] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    int status = 0, rc = -1;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
        rc = WEXITSTATUS(status);
    for (int i = 0; i < n_own; i++)
        free(own_sets[i]);
    return rc;
}

static const eb_cell *find_same_cell(const eb_cells *cs, const eb_cell *c)
{
    const eb_run_record *a = c->first;
    for (size_t i = 0; i < cs->n; i++) {
        const eb_run_record *b = cs->cells[i].first;
        if (cs->cells[i].base_index == c->base_index && strcmp(a->device, b->device) == 0 &&
            strcmp(a->scenario, b->scenario) == 0 && strcmp(a->backend, b->backend) == 0 &&
            strcmp(a->variant, b->variant) == 0 && strcmp(a->condition, b->condition) == 0 &&
            strcmp(a->sweep, b->sweep) == 0 && a->threads == b->threads)
            return &cs->cells[i];
    }
    return NULL;
}

/* Re-run the cells of failing checks, one `edgebench run` per (scenario,
 * device), and judge those checks by the re-run. */
static void confirm(confirm_ctx *cx, eb_gate_result *r, int quiet)
{
    snprintf(cx->tmpdir, sizeof cx->tmpdir, "/tmp/edgebench-gate.XXXXXX");
    if (!mkdtemp(cx->tmpdir)) {
        fprintf(stderr, "edgebench gate: --confirm: cannot create a temporary directory\n");
        return;
    }
    int *done = calloc((size_t)r->n_checks, sizeof *done);
    if (!done)
        return;
    for (int i = 0; i < r->n_checks && cx->n_rerun < 16; i++) {
        eb_gate_check *c = &r->checks[i];
        if (done[i] || c->status != EB_CHECK_FAIL || !c->cell)
            continue;
        const char *scen = c->cell->first->scenario, *dev = c->cell->first->device;
        /* every failing cell of this scenario and device, all repetitions */
        char cells_arg[8192] = "";
        size_t len = 0;
        for (int j = i; j < r->n_checks; j++) {
            eb_gate_check *d = &r->checks[j];
            if (d->status != EB_CHECK_FAIL || !d->cell || strcmp(d->cell->first->scenario, scen) ||
                strcmp(d->cell->first->device, dev))
                continue;
            for (int k = 0; k < d->cell->n_runs && len + 16 < sizeof cells_arg; k++) {
                /* a cell checked by several budgets is listed again: harmless */
                len += (size_t)snprintf(cells_arg + len, sizeof cells_arg - len, "%s%d",
                                        len ? "," : "", d->cell->runs[k]->cell_index);
            }
        }
        char out_path[PATH_MAX];
        snprintf(out_path, sizeof out_path, "%s/rerun-%d.h5", cx->tmpdir, cx->n_rerun);
        if (!quiet)
            fprintf(stderr, "edgebench gate: confirming %s on %s: re-running cells %s\n", scen, dev,
                    cells_arg);
        int rc = rerun_cells(cx, r->results, scen, dev, cells_arg, out_path);
        eb_results *rr = NULL;
        eb_cells *rc_cells = NULL;
        char msg[1024];
        if ((rc != 0 && rc != 3) || eb_results_read(out_path, 1, &rr, msg, sizeof msg) != EB_OK ||
            eb_cells_build(rr, &rc_cells) != 0) {
            fprintf(stderr, "edgebench gate: --confirm: the re-run of %s on %s did not produce "
                            "results (exit %d); the failures stand\n", scen, dev, rc);
            eb_results_free(rr);
            for (int j = i; j < r->n_checks; j++)
                if (r->checks[j].cell && !strcmp(r->checks[j].cell->first->scenario, scen) &&
                    !strcmp(r->checks[j].cell->first->device, dev))
                    done[j] = 1;
            continue;
        }
        cx->rerun[cx->n_rerun] = rr;
        cx->rerun_cells[cx->n_rerun++] = rc_cells;
        for (int j = i; j < r->n_checks; j++) {
            eb_gate_check *d = &r->checks[j];
            if (d->status != EB_CHECK_FAIL || !d->cell || strcmp(d->cell->first->scenario, scen) ||
                strcmp(d->cell->first->device, dev))
                continue;
            done[j] = 1;
            const eb_cell *again = find_same_cell(rc_cells, d->cell);
            if (!again)
                continue;
            eb_gate_check fresh;
            eb_gate_check_cell(&r->budgets->items[d->budget], d->budget, again, r->results,
                               r->cells, r->base_cells, &fresh);
            snprintf(fresh.first_message, sizeof fresh.first_message, "%s", d->message);
            fresh.confirmed = fresh.status == EB_CHECK_PASS ? 2 : 1;
            *d = fresh;
        }
    }
    free(done);
    eb_gate_recount(r);
}

static void confirm_cleanup(confirm_ctx *cx)
{
    for (int i = 0; i < cx->n_rerun; i++) {
        eb_cells_free(cx->rerun_cells[i]);
        eb_results_free(cx->rerun[i]);
    }
    if (cx->tmpdir[0]) {
        char path[PATH_MAX];
        for (int i = 0; i < 16; i++) {
            snprintf(path, sizeof path, "%s/rerun-%d.h5", cx->tmpdir, i);
            unlink(path);
            snprintf(path, sizeof path, "%s/scenario-%d.yaml", cx->tmpdir, i);
            unlink(path);
        }
        rmdir(cx->tmpdir);
    }
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
    confirm_ctx cx;
    memset(&cx, 0, sizeof cx);
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
        else if (strcmp(a, "--set") == 0 && more && cx.n_sets < MAX_SETS)
            cx.sets[cx.n_sets++] = argv[++i];
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            quiet = 1;
        else if (strcmp(a, "--allow-commands") == 0)
            cx.allow_commands = 1;
        else if (a[0] == '-' || path)
            return usage();
        else
            path = a;
    }
    if (!path)
        return usage();
    if ((cx.scenario_path || cx.n_sets || cx.allow_commands) && !do_confirm) {
        fprintf(stderr, "edgebench gate: --scenario, --set and --allow-commands only apply "
                        "with --confirm\n");
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
    if (do_confirm && r->counts[EB_CHECK_FAIL] > 0)
        confirm(&cx, r, quiet);
    rc = eb_gate_exit_code(r);
    if ((junit && write_to(junit, eb_gate_write_junit, r) != 0) ||
        (markdown && write_to(markdown, eb_gate_write_markdown, r) != 0) ||
        (json && write_to(json, eb_gate_write_json, r) != 0))
        rc = rc ? rc : EB_EXIT_USAGE;
    if (!quiet || rc != 0)
        eb_gate_write_text(stdout, r);
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
    confirm_cleanup(&cx);
    eb_results_free(res);
    eb_results_free(base);
    eb_budget_set_free(budgets);
    return rc;
}
