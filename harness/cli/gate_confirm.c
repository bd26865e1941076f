/* gate --confirm (see gate_confirm.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/spawn.h"
#include "common/yaml_tree.h"
#include "harness/cli/cli.h"
#include "harness/cli/gate_confirm.h"
#include "reports/gate.h"

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
static int rerun_cells(eb_gate_confirm_ctx *cx, const char *program, int candidate, const eb_results *res,
                       const char *scenario, const char *device, const char *cells_arg,
                       const char *out_path)
{
    char exe[PATH_MAX];
    if (!program && !(program = eb_cli_self_exe()))
        return -1;
    snprintf(exe, sizeof exe, "%s", program);
    char scen_path[PATH_MAX];
    char *own_sets[EB_GATE_MAX_SETS];
    int n_own = 0;
    if (cx->scenario_path && candidate) {
        snprintf(scen_path, sizeof scen_path, "%s", cx->scenario_path);
    } else {
        const eb_results_scenario *s = eb_results_find_scenario(res, scenario);
        if (!s || !s->yaml) {
            fprintf(stderr, "edgebench gate: --confirm: %s does not hold scenario '%s'\n",
                    res->path, scenario);
            return -1;
        }
        snprintf(scen_path, sizeof scen_path, "%s/scenario-%d.yaml", cx->tmpdir, cx->n_rerun++);
        if (write_file(scen_path, s->yaml) != 0 ||
            stored_scenario_sets(s, own_sets, EB_GATE_MAX_SETS, &n_own) != 0) {
            fprintf(stderr, "edgebench gate: --confirm: cannot prepare the stored scenario '%s'\n",
                    scenario);
            for (int i = 0; i < n_own; i++)
                free(own_sets[i]);
            return -1;
        }
    }
    const char *argv[16 + 4 * EB_GATE_MAX_SETS];
    int a = 0;
    argv[a++] = exe;
    argv[a++] = "run";
    argv[a++] = scen_path;
    argv[a++] = "-o";
    argv[a++] = out_path;
    argv[a++] = "--append"; /* the re-runs are kept in the judged files */
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
    int rc = eb_spawn_run(exe, (char *const *)argv);
    for (int i = 0; i < n_own; i++)
        free(own_sets[i]);
    return rc;
}

/* Unique base cell indices ("0,3") of cells, appended to buf. */
static void add_cell_index(char *buf, size_t cap, int index)
{
    char one[24];
    snprintf(one, sizeof one, "%d", index);
    for (const char *p = buf; *p;) {
        size_t n = strcspn(p, ",");
        if (n == strlen(one) && strncmp(p, one, n) == 0)
            return;
        p += n + (p[n] == ',');
    }
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s", len ? "," : "", one);
}

/* A results struct holding only the runs of `full` after its first `skip`
 * (the re-runs appended to it): a shallow copy, freed with free(). */
static eb_results *view_after(const eb_results *full, size_t skip)
{
    eb_results *v = malloc(sizeof *v);
    if (!v)
        return NULL;
    *v = *full;
    v->runs = full->runs + (skip < full->n_runs ? skip : full->n_runs);
    v->n_runs = full->n_runs > skip ? full->n_runs - skip : 0;
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One group of failing checks: the same scenario and device. */
typedef struct group {
    const char *scenario, *device;
    char cand_cells[4096], base_cells[4096];
    size_t cand_skip, base_skip; /* runs in the files before the re-runs */
} group;

/* Checks that more samples may change: failed or undecided. */
static int needs_confirming(const eb_gate_check *d)
{
    return d->status == EB_CHECK_FAIL || d->status == EB_CHECK_INCONCLUSIVE;
}

static int in_group(const eb_gate_check *d, const group *g)
{
    return needs_confirming(d) && d->cell && !strcmp(d->cell->first->scenario, g->scenario) &&
           !strcmp(d->cell->first->device, g->device);
}

/* Adaptive confirmation (docs/ci-gating.md): the cells of failing checks,
 * grouped by scenario and device, are re-run, and for checks against a
 * baseline the baseline's cells too (its own stored scenario), alternately
 * (baseline, candidate, then candidate, baseline, ...), one run of each cell
 * per round, appended to the two files. After each round the group's checks
 * are judged on the re-runs alone; the rounds stop when no check is
 * unstable any more or the time budget would run out. */
void eb_gate_confirm(eb_gate_confirm_ctx *cx, eb_gate_result *r, int quiet)
{
    snprintf(cx->tmpdir, sizeof cx->tmpdir, "/tmp/edgebench-gate.XXXXXX");
    if (!mkdtemp(cx->tmpdir)) {
        fprintf(stderr, "edgebench gate: --confirm: cannot create a temporary directory\n");
        return;
    }
    int *done = calloc((size_t)r->n_checks, sizeof *done);
    if (!done)
        return;
    double deadline = now_s() + cx->budget_s;
    for (int i = 0; i < r->n_checks && cx->n_kept + 2 <= 2 * EB_GATE_MAX_GROUPS; i++) {
        eb_gate_check *c = &r->checks[i];
        if (done[i] || !needs_confirming(c) || !c->cell)
            continue;
        group g;
        memset(&g, 0, sizeof g);
        g.scenario = c->cell->first->scenario;
        g.device = c->cell->first->device;
        int with_base = 0;
        for (int j = i; j < r->n_checks; j++) {
            eb_gate_check *d = &r->checks[j];
            if (!in_group(d, &g))
                continue;
            add_cell_index(g.cand_cells, sizeof g.cand_cells, d->cell->base_index);
            const eb_budget *b = &r->budgets->items[d->budget];
            const eb_cell *bc = b->has_regression && r->base_cells ? eb_cells_find(r->base_cells, d->cell) : NULL;
            if (bc) {
                add_cell_index(g.base_cells, sizeof g.base_cells, bc->base_index);
                with_base = 1;
            }
        }
        g.cand_skip = r->results->n_runs;
        g.base_skip = with_base ? r->baseline->n_runs : 0;
        eb_results *cand_full = NULL, *base_full = NULL;
        int rounds = 0, runs = 0, failed_run = 0;
        double t0 = now_s(), round_s = 0;
        for (;;) {
            double rs = now_s();
            for (int k = 0; k < 2 && !failed_run; k++) {
                int cand_side = (k == 0) == (rounds % 2 == 1); /* B C, C B, B C, ... */
                if (!cand_side && !with_base)
                    continue;
                char out_hint[32];
                snprintf(out_hint, sizeof out_hint, "%s", cand_side ? "candidate" : "baseline");
                if (!quiet)
                    fprintf(stderr, "edgebench gate: confirming %s on %s: round %d, re-running the "
                                    "%s's cells %s\n",
                            g.scenario, g.device, rounds + 1, out_hint,
                            cand_side ? g.cand_cells : g.base_cells);
                int rc = rerun_cells(cx, cand_side ? NULL : cx->base_program, cand_side,
                                     cand_side ? r->results : r->baseline, g.scenario, g.device,
                                     cand_side ? g.cand_cells : g.base_cells,
                                     cand_side ? r->results->path : r->baseline->path);
                if (rc != 0 && rc != 3)
                    failed_run = 1;
                else
                    runs++;
            }
            rounds++;
            round_s = now_s() - rs;
            if (failed_run)
                break;
            /* judge the re-runs alone */
            char msg[1024];
            eb_results_free(cand_full);
            eb_results_free(base_full);
            cand_full = base_full = NULL;
            if (eb_results_read(r->results->path, 1, &cand_full, msg, sizeof msg) != EB_OK ||
                (with_base &&
                 eb_results_read(r->baseline->path, 1, &base_full, msg, sizeof msg) != EB_OK)) {
                fprintf(stderr, "edgebench gate: --confirm: %s\n", msg);
                failed_run = 1;
                break;
            }
            eb_results *cv = view_after(cand_full, g.cand_skip);
            eb_results *bv = with_base ? view_after(base_full, g.base_skip) : NULL;
            eb_cells *cvc = NULL, *bvc = NULL;
            if (!cv || (with_base && !bv) || eb_cells_build(cv, &cvc) != 0 ||
                (bv && eb_cells_build(bv, &bvc) != 0)) {
                free(cv);
                free(bv);
                eb_cells_free(cvc);
                failed_run = 1;
                break;
            }
            int unstable = 0;
            for (int j = i; j < r->n_checks; j++) {
                eb_gate_check *d = &r->checks[j];
                if (!in_group(d, &g))
                    continue;
                const eb_cell *again = eb_cells_find(cvc, d->cell);
                if (!again)
                    continue;
                eb_gate_check fresh;
                eb_gate_check_cell(&r->budgets->items[d->budget], d->budget, again, cv, cvc, bvc,
                                   &fresh);
                unstable |= fresh.verdict && !strcmp(fresh.verdict, "unstable");
            }
            double left = deadline - now_s();
            /* against a baseline, at least one whole ABBA cycle (two rounds):
             * each side then has two runs, and runs that disagree widen the
             * interval (compare.h) instead of one pair of runs deciding */
            int enough = !with_base || rounds >= 2;
            if ((!unstable && enough) || left < round_s || rounds >= 200) {
                /* final: replace the group's checks by their re-run judgement */
                for (int j = i; j < r->n_checks; j++) {
                    eb_gate_check *d = &r->checks[j];
                    if (!in_group(d, &g))
                        continue;
                    done[j] = 1;
                    const eb_cell *again = eb_cells_find(cvc, d->cell);
                    if (!again)
                        continue;
                    eb_gate_check fresh;
                    eb_gate_check_cell(&r->budgets->items[d->budget], d->budget, again, cv, cvc,
                                       bvc, &fresh);
                    char note[2048];
                    if (with_base)
                        snprintf(note, sizeof note,
                                 "re-ran the baseline's cells %.200s and the candidate's cells %.200s "
                                 "interleaved, %d round%s (%d runs, %.1f s)%s; %.1000s",
                                 g.base_cells, g.cand_cells, rounds, rounds == 1 ? "" : "s", runs,
                                 now_s() - t0,
                                 unstable ? ", still unstable when --confirm-budget ran out" : "",
                                 fresh.message);
                    else
                        snprintf(note, sizeof note,
                                 "re-ran the candidate's cells %.200s, %d round%s (%d runs, %.1f s); %.1000s",
                                 g.cand_cells, rounds, rounds == 1 ? "" : "s", runs, now_s() - t0,
                                 fresh.message);
                    size_t nlen = strlen(note);
                    if (nlen >= sizeof fresh.message)
                        nlen = sizeof fresh.message - 1;
                    memcpy(fresh.message, note, nlen);
                    fresh.message[nlen] = '\0';
                    snprintf(fresh.first_message, sizeof fresh.first_message, "%s", d->message);
                    fresh.confirmed = fresh.status == EB_CHECK_PASS           ? 2
                                      : fresh.status == EB_CHECK_INCONCLUSIVE ? 3
                                                                              : 1;
                    *d = fresh;
                }
                if (!quiet)
                    fprintf(stderr, "edgebench gate: confirmed %s on %s after %d round%s (%.1f s)\n",
                            g.scenario, g.device, rounds, rounds == 1 ? "" : "s", now_s() - t0);
                cx->full[cx->n_kept] = cand_full;
                cx->view[cx->n_kept] = cv;
                cx->view_cells[cx->n_kept++] = cvc;
                cx->full[cx->n_kept] = base_full;
                cx->view[cx->n_kept] = bv;
                cx->view_cells[cx->n_kept++] = bvc;
                cand_full = base_full = NULL;
                break;
            }
            eb_cells_free(cvc);
            eb_cells_free(bvc);
            free(cv);
            free(bv);
        }
        if (failed_run) {
            fprintf(stderr, "edgebench gate: --confirm: a re-run of %s on %s did not produce "
                            "results; the failures stand\n", g.scenario, g.device);
            for (int j = i; j < r->n_checks; j++)
                if (in_group(&r->checks[j], &g))
                    done[j] = 1;
            eb_results_free(cand_full);
            eb_results_free(base_full);
        }
    }
    free(done);
    eb_gate_recount(r);
}

void eb_gate_confirm_cleanup(eb_gate_confirm_ctx *cx)
{
    for (int i = 0; i < cx->n_kept; i++) {
        eb_cells_free(cx->view_cells[i]);
        free(cx->view[i]);
        eb_results_free(cx->full[i]);
    }
    if (cx->tmpdir[0]) {
        char path[PATH_MAX];
        for (int i = 0; i < cx->n_rerun; i++) {
            snprintf(path, sizeof path, "%s/scenario-%d.yaml", cx->tmpdir, i);
            unlink(path);
        }
        rmdir(cx->tmpdir);
    }
}

