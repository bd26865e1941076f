/* eb_run_scenario: the main job of edgebench (see runner.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"
#include "devices/host_describe.h"
#include "harness/backend/registry.h"
#include "harness/run/cell.h"
#include "harness/run/consent.h"
#include "harness/run/golden_outputs.h"
#include "harness/run/interrupt.h"
#include "harness/run/job_inputs.h"
#include "harness/run/progress.h"
#include "harness/run/reference_inputs.h"
#include "harness/run/runner.h"
#include "harness/scenario/scenario.h"
#include "results/backend_label.h"
#include "results/store.h"

static int wanted_backend(const eb_run_options *o, const char *name)
{
    if (o->n_backends == 0)
        return 1;
    for (int i = 0; i < o->n_backends; i++)
        if (strcmp(o->backends[i], name) == 0)
            return 1;
    return 0;
}

/* --cells selects by ordinal: the position stored as a run's cell_index. */
static int wanted_cell(const eb_run_options *o, const eb_matrix_cell *c)
{
    if (o->n_cells == 0)
        return 1;
    for (int i = 0; i < o->n_cells; i++)
        if (o->cells[i] == c->ordinal)
            return 1;
    return 0;
}

static void job_from_cell(const eb_scenario *s, const eb_matrix_cell *c, eb_cell_job *j)
{
    memset(j, 0, sizeof *j);
    snprintf(j->backend, sizeof j->backend, "%s", c->backend);
    j->threads = c->threads;
    j->n_options = c->n_options < EB_CELL_MAX_OPTIONS ? c->n_options : EB_CELL_MAX_OPTIONS;
    for (int i = 0; i < j->n_options; i++) {
        snprintf(j->keys[i], sizeof j->keys[i], "%s", c->option_keys[i]);
        snprintf(j->values[i], sizeof j->values[i], "%s", c->option_values[i]);
    }
    snprintf(j->model_path, sizeof j->model_path, "%s", c->model_path);
    j->batch = c->run.batch > 0 ? c->run.batch : 1; /* inputs.batch, swept */
    const eb_scenario_random *r = &s->inputs.random;
    j->inputs.seed = r->seed;
    if (r->distribution == EB_INPUT_NORMAL) {
        j->inputs.dist = EB_DIST_NORMAL;
        j->inputs.a = r->mean;
        j->inputs.b = r->std;
    } else {
        j->inputs.dist = EB_DIST_UNIFORM;
        j->inputs.a = r->low;
        j->inputs.b = r->high;
    }
    const eb_run_settings *rs = &c->run;
    j->loop.warmup_iterations = (uint64_t)rs->warmup_iterations;
    j->loop.warmup_min_ns = (uint64_t)rs->warmup_min_time_ms * 1000000ull;
    j->loop.iterations = (uint64_t)rs->measure_iterations;
    j->loop.min_ns = (uint64_t)rs->measure_min_time_ms * 1000000ull;
    j->loop.max_ns = (uint64_t)rs->measure_max_time_ms * 1000000ull;
    /* the pattern (the scenario's enum and the job's list the same kinds
     * in the same order); the server's arrivals are seeded by run.seed, so
     * every cell of a scenario sees the same schedule */
    const eb_run_load *l = &rs->load;
    j->load = (eb_load_spec){.kind = (eb_load_kind)l->pattern,
                             .samples_per_query = (uint64_t)l->samples_per_query,
                             .interval_ns = (uint64_t)(l->interval_ms * 1e6),
                             .target_qps = l->target_qps,
                             .duration_ns = (uint64_t)(l->duration_s * 1e9),
                             .latency_bound_ns = (uint64_t)(l->latency_bound_ms * 1e6),
                             .search = l->search,
                             .max_trials = l->max_trials,
                             .batch = (uint64_t)l->batch,
                             .seed = rs->seed};
}

static void record_from_cell(const eb_scenario *s, const eb_matrix_cell *c, const char *device,
                             eb_run_record *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->device, sizeof r->device, "%s", device);
    snprintf(r->scenario, sizeof r->scenario, "%s", s->name);
    snprintf(r->backend, sizeof r->backend, "%s", c->backend);
    /* The options as the cell ran them (a swept one at this point's value),
     * so two entries of one backend stay apart in the results. Past the
     * field's size the list is cut at an entry (docs/results-schema.md). */
    eb_backend_options_format(c->n_options, c->option_keys, c->option_values,
                              r->backend_options, sizeof r->backend_options);
    snprintf(r->variant, sizeof r->variant, "%s", c->variant_name);
    snprintf(r->model_path, sizeof r->model_path, "%s", c->model_path);
    snprintf(r->condition, sizeof r->condition, "%s", c->condition_name);
    if (c->cond)
        r->cond = *c->cond;
    snprintf(r->sweep, sizeof r->sweep, "%s", c->sweep);
    r->cell_index = c->ordinal;
    r->repetition = c->repetition;
    r->threads = c->threads;
}

/* Store the host description and the scenario with its models' hashes. */
static eb_status store_context(eb_store *st, const eb_registry *reg, const eb_scenario *s,
                               const char *device, char *msg, size_t len)
{
    eb_host_desc d;
    eb_host_describe(&reg->host, &d);
    const char *keys[EB_HOST_DESC_MAX], *vals[EB_HOST_DESC_MAX];
    for (int i = 0; i < d.n; i++) {
        keys[i] = d.keys[i];
        vals[i] = d.values[i];
    }
    eb_status rc = eb_store_put_device(st, device, (size_t)d.n, keys, vals, msg, len);
    if (rc != EB_OK)
        return rc;
    int n = s->n_variants;
    const char **paths = calloc((size_t)n, sizeof *paths);
    char (*hex)[EB_SHA256_HEX_LEN + 1] = calloc((size_t)n, sizeof *hex);
    const char **hexp = calloc((size_t)n, sizeof *hexp);
    uint64_t *sizes = calloc((size_t)n, sizeof *sizes);
    if (!paths || !hex || !hexp || !sizes) {
        rc = EB_ERR_NOMEM;
        snprintf(msg, len, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        paths[i] = s->variants[i].resolved_path;
        if ((rc = eb_sha256_file(paths[i], hex[i], msg, len)) != EB_OK)
            goto out;
        hexp[i] = hex[i];
        FILE *f = fopen(paths[i], "rb");
        if (f) {
            fseek(f, 0, SEEK_END);
            long sz = ftell(f);
            sizes[i] = sz > 0 ? (uint64_t)sz : 0;
            fclose(f);
        }
    }
    rc = eb_store_put_scenario(st, s->name, s->yaml, (size_t)n, paths, hexp, sizes, msg, len);
out:
    free(paths);
    free(hex);
    free(hexp);
    free(sizes);
    return rc;
}

/* 1 when a finished cell's outputs failed the golden check; says which and
 * how, with its worst elements, on log. */
static int golden_verdict(const eb_run_record *rec, FILE *log)
{
    double pass = 1;
    if (rec->status != EB_RUN_OK || !eb_run_record_metric(rec, "golden_pass", &pass) || pass != 0)
        return 0;
    fprintf(log, "edgebench: golden check failed: %s on %s (%s):\n", rec->variant, rec->backend,
            rec->condition);
    for (int i = 0; i < rec->n_metrics; i++) {
        const char *n = rec->metrics[i].name;
        size_t l = strlen(n);
        if (strncmp(n, "golden.", 7) != 0 || l < 11 || strcmp(n + l - 11, ".mismatches") != 0)
            continue;
        char leaf[EB_EXTRA_NAME_MAX], key[EB_EXTRA_NAME_MAX + 32];
        snprintf(leaf, sizeof leaf, "%.*s", (int)(l - 18), n + 7);
        double frac = 0, abs_err = 0, rel_err = 0;
        snprintf(key, sizeof key, "golden.%s.mismatch_fraction", leaf);
        eb_run_record_metric(rec, key, &frac);
        snprintf(key, sizeof key, "golden.%s.max_abs_err", leaf);
        eb_run_record_metric(rec, key, &abs_err);
        snprintf(key, sizeof key, "golden.%s.max_rel_err", leaf);
        eb_run_record_metric(rec, key, &rel_err);
        snprintf(key, sizeof key, "golden.%s.worst", leaf);
        const char *worst = eb_run_record_text(rec, key);
        fprintf(log, "  %s: %.0f mismatches (%.4g%%), max abs err %.6g, max rel err %.6g%s%s\n",
                leaf, rec->metrics[i].value, 100 * frac, abs_err, rel_err,
                worst ? "; worst: " : "", worst ? worst : "");
    }
    return 1;
}

eb_job_outcome eb_run_scenario(const eb_run_options *o)
{
    FILE *log = o->log ? o->log : stderr;
    char msg[4096];
    int rc = EB_JOB_DONE, stuck = 0;
    eb_registry *reg = NULL;
    eb_scenario *s = NULL;
    eb_matrix *m = NULL;
    eb_store *st = NULL;
    if (eb_registry_create(&reg) != EB_OK) {
        fprintf(log, "edgebench run: out of memory\n");
        return EB_JOB_FAILED;
    }
    /* from here on a signal ends the run with its summary and exit 3 */
    eb_stop_requested = eb_abort_requested = eb_last_signal = 0;
    eb_interrupt_install();
    eb_backend_names names = {eb_registry_knows, eb_registry_available_names, reg};
    eb_scenario_source src = {.path = o->scenario_path, .overrides = o->overrides,
                              .n_overrides = o->n_overrides, .backends = &names};
    eb_scenario_errors errs;
    eb_status est = eb_scenario_load_source(&src, &s, &errs);
    if (est != EB_OK) {
        eb_scenario_errors_format(&errs, msg, sizeof msg);
        fprintf(log, "%s\n", msg[0] ? msg : eb_status_str(est));
        rc = EB_JOB_BAD_INPUT;
        goto out;
    }
    if (eb_scenario_commands_allowed(s, o->allow_commands, "--allow-commands", msg,
                                     sizeof msg) != EB_OK) {
        fprintf(log, "edgebench run: %s\n", msg);
        rc = EB_JOB_BAD_INPUT;
        goto out;
    }
    if (eb_scenario_check_reference_inputs(s, msg, sizeof msg) != EB_OK ||
        eb_scenario_check_golden(s, msg, sizeof msg) != EB_OK) {
        fprintf(log, "edgebench run: %s\n", msg);
        rc = EB_JOB_BAD_INPUT;
        goto out;
    }
    for (int i = 0; i < o->n_backends; i++) {
        int found = 0;
        for (int b = 0; b < s->n_backends; b++)
            found |= strcmp(s->backends[b].name, o->backends[i]) == 0;
        if (!found) {
            fprintf(log, "edgebench run: --backend %s: the scenario %s has no such backend\n",
                    o->backends[i], o->scenario_path);
            rc = EB_JOB_BAD_INPUT;
            goto out;
        }
    }
    if (eb_scenario_expand(s, &m, msg, sizeof msg) != EB_OK) {
        fprintf(log, "%s\n", msg);
        rc = EB_JOB_BAD_INPUT;
        goto out;
    }
    int total = 0;
    for (int i = 0; i < m->n_cells; i++)
        total += wanted_backend(o, m->cells[i].backend) && wanted_cell(o, &m->cells[i]);
    if ((est = eb_store_open(o->output, o->append, &st, msg, sizeof msg)) != EB_OK) {
        fprintf(log, "edgebench run: %s\n", msg);
        rc = EB_JOB_BAD_INPUT;
        goto out;
    }
    char device[64];
    if (o->device_id && o->device_id[0])
        snprintf(device, sizeof device, "%s", o->device_id);
    else
        eb_default_device_id(device, sizeof device);
    if (eb_store_set_command(st, o->command_line ? o->command_line : "", msg, sizeof msg) != EB_OK ||
        store_context(st, reg, s, device, msg, sizeof msg) != EB_OK) {
        fprintf(log, "edgebench run: %s\n", msg);
        rc = EB_JOB_FAILED;
        goto out;
    }

    eb_progress p;
    eb_progress_start(&p, log, total, o->quiet);
    int counts[6] = {0}, done = 0, store_failed = 0, golden_failed = 0;
    for (int i = 0; i < m->n_cells && !eb_stop_requested && !stuck; i++) {
        const eb_matrix_cell *c = &m->cells[i];
        if (!wanted_backend(o, c->backend) || !wanted_cell(o, c))
            continue;
        eb_run_record rec;
        record_from_cell(s, c, device, &rec);
        eb_progress_cell_begin(&p, done, &rec);
        const eb_registry_entry *e = eb_registry_find(reg, c->backend);
        if (!e || !e->available) {
            rec.status = EB_RUN_SKIPPED;
            snprintf(rec.message, sizeof rec.message, "backend '%s' is unavailable here: %s",
                     c->backend, e ? e->why : "not found");
        } else {
            eb_cell_job job;
            job_from_cell(s, c, &job);
            eb_job_set_inputs(s, c, &job);
            eb_cell_hw_job_from(&job.hw, s, c);
            if (c->run.isolation == EB_ISOLATION_NONE) {
                if (eb_cell_run_inprocess(reg, &job, c->run.timeout_s, &eb_abort_requested,
                                          &rec) != EB_OK)
                    stuck = 1; /* a hung cell thread: nothing more runs in this process */
            } else if (eb_cell_run_isolated(o->exe, &job, c->run.timeout_s, &eb_abort_requested,
                                            &rec, msg, sizeof msg) != EB_OK) {
                rec.status = EB_RUN_FAILED;
                snprintf(rec.message, sizeof rec.message, "%.1000s", msg);
            }
        }
        if (eb_run_record_summarize(&rec) != 0) {
            rec.status = EB_RUN_FAILED;
            snprintf(rec.message, sizeof rec.message, "out of memory summarising samples");
        }
        if (eb_store_append_run(st, &rec, msg, sizeof msg) != EB_OK) {
            fprintf(log, "edgebench run: cannot store the result: %s\n", msg);
            store_failed = 1;
            eb_run_record_free(&rec);
            break;
        }
        counts[rec.status]++;
        eb_progress_cell_end(&p, done, &rec);
        golden_failed += golden_verdict(&rec, log);
        done++;
        eb_run_record_free(&rec);
    }
    eb_progress_finish(&p);
    if (eb_store_close(st, msg, sizeof msg) != EB_OK) {
        fprintf(log, "edgebench run: %s\n", msg);
        store_failed = 1;
    }
    st = NULL;
    if (!o->quiet || store_failed || eb_stop_requested || stuck)
        fprintf(log,
                "edgebench: %d of %d cells: %d ok, %d failed, %d crashed, %d timeout, %d "
                "skipped, %d interrupted -> %s\n",
                done, total, counts[EB_RUN_OK], counts[EB_RUN_FAILED], counts[EB_RUN_CRASHED],
                counts[EB_RUN_TIMEOUT], counts[EB_RUN_SKIPPED], counts[EB_RUN_INTERRUPTED],
                o->output);
    if (eb_stop_requested)
        fprintf(log, "edgebench: interrupted (%s); %s keeps the %d finished cells (re-run "
                     "with --append to add more)\n",
                eb_interrupt_signal_name(eb_last_signal), o->output, done);
    else if (stuck)
        fprintf(log, "edgebench: a cell run with isolation: none did not stop; no further "
                     "cells ran; %s keeps the %d finished cells\n",
                o->output, done);
    if (store_failed)
        fprintf(log, "edgebench: the results file %s could not be written (a full disk or a "
                     "file size limit?); the run stopped\n",
                o->output);
    if (golden_failed)
        fprintf(log, "edgebench: %d cells' outputs differ from the golden file (golden.* metrics "
                     "in %s; docs/outputs.md)\n", golden_failed, o->output);
    if (store_failed || eb_stop_requested || stuck || counts[EB_RUN_FAILED] || counts[EB_RUN_CRASHED] ||
        counts[EB_RUN_TIMEOUT] || counts[EB_RUN_INTERRUPTED])
        rc = EB_JOB_FAILED;
    else if (golden_failed)
        rc = EB_JOB_CHECK_FAILED; /* measured fine; the outputs are wrong: exit 1 */
out:
    if (st)
        eb_store_close(st, msg, sizeof msg);
    eb_interrupt_restore();
    if (stuck) {
        /* the hung cell's thread still runs in a backend of reg: nothing
         * under it is unloaded or freed; the caller ends the process */
        if (o->left_running)
            *o->left_running = 1;
        return rc;
    }
    eb_matrix_destroy(m);
    eb_scenario_destroy(s);
    eb_registry_destroy(reg);
    if (rc == EB_JOB_DONE && eb_stop_requested)
        rc = EB_JOB_FAILED; /* a signal before the first cell */
    return rc;
}
