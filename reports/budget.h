/* Performance budgets for edgebench gate, read from a YAML file:
 *
 *   budgets:
 *     - name: int8 p99 on the boards            # optional; default "<metric> <selector>"
 *       select: {device: "rpi-*", backend: ref, variant: int8, condition: "*"}
 *       metric: latency_p99_ms
 *       max: 5                                  # absolute limit
 *     - select: {tag: ci}
 *       metric: latency_p50_ms
 *       max_regression_pct: 5                   # against --baseline, with the
 *       alpha: 0.01                             #   significance rule of compare.h
 *     - metric: top1
 *       min: 0.9
 *
 * The file may also be a scenario: its `budgets:` section is read and its
 * other keys are left alone (a file with `edgebench:` at the top). Every
 * error names the file, line and column. Selector values are shell globs
 * (fnmatch) or lists of them (any matches); an absent key matches all.
 *
 * Metrics and their limits (docs/ci-gating.md):
 *   latency_p50_ms latency_p90_ms latency_p95_ms latency_p99_ms   max (ms)
 *   peak_memory_mb               max (MiB)
 *   energy_per_inference_mj      max (mJ)
 *   top1                         min (fraction 0..1)
 *   accuracy_drop                max (fraction: top-1 of the reference variant's
 *                                 cell minus this cell's)
 *   model_size_mb                max (MiB, the model file's size)
 *   cpu_p50_ms                   max (ms: median process CPU time per inference)
 *   load_ms                      max (ms: model read + parse + backend open + prepare)
 *   first_inference_ms           max (ms: the cold inference after prepare)
 *   achieved_qps                 min (1/s: a load pattern's completed queries per
 *                                 second, docs/load-patterns.md)
 *   inferences_per_s             min (1/s: a load pattern's inferences per second,
 *                                 offline's throughput)
 * max_regression_pct applies to the latency metrics (medians compared, with
 * significance), cpu_p50_ms (the same rule on the CPU times), peak_memory_mb,
 * energy_per_inference_mj, model_size_mb, load_ms and first_inference_ms
 * (plain change of the medians over a cell's runs). */
#ifndef EB_BUDGET_H
#define EB_BUDGET_H

#include <stddef.h>

#include "edgebench/status.h"

typedef enum eb_budget_metric {
    EB_BM_LAT_P50 = 0,
    EB_BM_LAT_P90,
    EB_BM_LAT_P95,
    EB_BM_LAT_P99,
    EB_BM_PEAK_MEMORY,
    EB_BM_ENERGY,
    EB_BM_TOP1,
    EB_BM_ACCURACY_DROP,
    EB_BM_MODEL_SIZE,
    EB_BM_CPU_P50,
    EB_BM_LOAD,           /* load_ms: model read + parse + backend open + prepare */
    EB_BM_FIRST_INFERENCE, /* first_inference_ms: the cold inference after prepare */
    EB_BM_ACHIEVED_QPS,   /* achieved_qps: load.achieved_qps, queries per second (min) */
    EB_BM_INFERENCES_PER_S, /* inferences_per_s: load.inferences_per_s (min) */
    EB_BM_COUNT
} eb_budget_metric;

/* "latency_p99_ms", ... */
const char *eb_budget_metric_name(eb_budget_metric m);
/* The unit of a metric's limits: "ms", "MiB", "mJ" or "" (fractions). */
const char *eb_budget_metric_unit(eb_budget_metric m);
/* Whether the metric is a latency percentile. */
int eb_budget_metric_is_latency(eb_budget_metric m);

enum { EB_BUDGET_SEL_DEVICE, EB_BUDGET_SEL_TAG, EB_BUDGET_SEL_SCENARIO, EB_BUDGET_SEL_BACKEND,
       EB_BUDGET_SEL_VARIANT, EB_BUDGET_SEL_CONDITION, EB_BUDGET_SEL_SWEEP, EB_BUDGET_SEL_COUNT };
#define EB_BUDGET_MAX_GLOBS 16

typedef struct eb_budget_selector {
    int n;                               /* 0: any */
    char globs[EB_BUDGET_MAX_GLOBS][128];
} eb_budget_selector;

/* What a regression check does when the data cannot tell (verdict
 * unstable: the ratio interval straddles 1 + tolerance, or a side has too
 * few samples). The default is neither a pass nor a failure: the check is
 * inconclusive and the gate exits 4 (docs/ci-gating.md), so a noisy runner
 * never fails a merge by itself and never lets a regression through
 * silently. */
typedef enum eb_unstable_policy {
    EB_UNSTABLE_INCONCLUSIVE = 0, /* on_unstable: inconclusive (default) */
    EB_UNSTABLE_FAIL = 1,         /* on_unstable: fail */
    EB_UNSTABLE_PASS = 2          /* on_unstable: pass */
} eb_unstable_policy;

typedef struct eb_budget {
    char name[192];
    int line, col;                       /* of the entry in the budgets file */
    eb_budget_selector select[EB_BUDGET_SEL_COUNT];
    eb_budget_metric metric;
    int has_max, has_min, has_regression;
    double max, min;                     /* in the metric's unit as written (ms, MiB, mJ, 1) */
    double max_regression_pct;
    double alpha;                        /* default 0.01 */
    eb_unstable_policy on_unstable;
} eb_budget;

typedef struct eb_budget_set {
    char *path;
    int n;
    eb_budget *items;
} eb_budget_set;

/* Selector key names, in the EB_BUDGET_SEL_ order: "device", "tag", ... */
extern const char *const eb_budget_selector_keys[EB_BUDGET_SEL_COUNT];

/* Read and check the budgets file at path. On success *out is the
 * caller's (eb_budget_set_free). Errors: EB_ERR_NOT_FOUND / EB_ERR_IO (cannot
 * read), EB_ERR_FORMAT (the message is "file:line:col: what is wrong"). */
eb_status eb_budget_set_load(const char *path, eb_budget_set **out, char *msg, size_t msg_len);
/* Same from text (path names it in messages). */
eb_status eb_budget_set_parse(const char *path, const char *text, size_t len, eb_budget_set **out,
                              char *msg, size_t msg_len);
void eb_budget_set_free(eb_budget_set *s);

/* Whether a selector list matches value (no globs: matches anything). For
 * tags, value is the device's `tags` attribute (comma- or space-separated):
 * some tag must match some glob. */
int eb_budget_selector_matches(const eb_budget_selector *s, const char *value, int is_tags);

#endif
