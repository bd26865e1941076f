/* In-memory results for the compare and gate unit tests: runs with
 * deterministic latency samples, built without a file so each test states
 * exactly the numbers it checks. Header-only, included by
 * tests/test_compare.c and tests/test_gate.c. */
#ifndef EB_TEST_FIXTURE_RUNS_H
#define EB_TEST_FIXTURE_RUNS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/results.h"

typedef struct fx_run {
    const char *device, *backend, *variant, *condition;
    int cell_index, repetition;
    double median_ns;  /* samples are median * (1 + spread * u), u uniform in [-0.5, 0.5] */
    double spread;
    double drift;      /* the last samples are this much slower than the first, linearly */
    size_t n;
    eb_run_status status;
    const char *options; /* backend_options, canonical ("k=v,k=v"); NULL: none */
} fx_run;

static uint64_t fx_rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void fx_fill(eb_run_record *r, const fx_run *d, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    snprintf(r->device, sizeof r->device, "%s", d->device ? d->device : "board");
    snprintf(r->scenario, sizeof r->scenario, "s");
    snprintf(r->backend, sizeof r->backend, "%s", d->backend ? d->backend : "ref");
    snprintf(r->backend_options, sizeof r->backend_options, "%s", d->options ? d->options : "");
    snprintf(r->variant, sizeof r->variant, "%s", d->variant ? d->variant : "fp32");
    snprintf(r->condition, sizeof r->condition, "%s", d->condition ? d->condition : "plain");
    r->cell_index = d->cell_index;
    r->repetition = d->repetition;
    r->threads = 1;
    r->status = d->status;
    r->peak_rss_bytes = 50u << 20;
    r->model_bytes = 1u << 20;
    if (d->status != EB_RUN_OK) {
        snprintf(r->message, sizeof r->message, "killed by SIGSEGV");
        eb_run_record_summarize(r);
        return;
    }
    r->n = d->n;
    r->latency_ns = malloc(d->n * sizeof *r->latency_ns);
    r->t_ns = malloc(d->n * sizeof *r->t_ns);
    uint64_t s = seed, t = 0;
    for (size_t i = 0; i < d->n; i++) {
        double u = (double)(fx_rng(&s) % 1000000) / 1e6 - 0.5;
        double trend = 1.0 + d->drift * (double)i / (double)(d->n > 1 ? d->n - 1 : 1);
        r->latency_ns[i] = (uint64_t)(d->median_ns * (1.0 + d->spread * u) * trend);
        r->t_ns[i] = t;
        t += r->latency_ns[i];
    }
    eb_run_record_summarize(r);
}

static const char fx_scenario_yaml[] =
    "edgebench: 1\nname: s\nmodel:\n  variants: {fp32: a.onnx, int8: b.onnx}\n  reference: fp32\n"
    "backends: [ref]\n";

/* Results of n runs; the device "board" carries tags "ci,arm64". Free with
 * fx_free. */
static eb_results *fx_results(const char *path, const fx_run *runs, int n, uint64_t seed)
{
    eb_results *r = calloc(1, sizeof *r);
    r->path = (char *)path;
    r->runs = calloc((size_t)n + 1, sizeof *r->runs);
    r->n_runs = (size_t)n;
    for (int i = 0; i < n; i++) {
        fx_fill(&r->runs[i], &runs[i], seed * 1000 + (uint64_t)i + 1);
        snprintf(r->runs[i].id, sizeof r->runs[i].id, "%06d", i + 1);
    }
    static eb_results_kv kv[1] = {{"tags", "ci,arm64"}};
    static eb_results_device dev = {"board", 1, kv};
    r->devices = &dev;
    r->n_devices = 1;
    static eb_results_scenario sc = {.name = "s", .yaml = (char *)fx_scenario_yaml};
    r->scenarios = &sc;
    r->n_scenarios = 1;
    return r;
}

static void fx_free(eb_results *r)
{
    for (size_t i = 0; i < r->n_runs; i++)
        eb_run_record_free(&r->runs[i]);
    free(r->runs);
    free(r);
}

#endif
