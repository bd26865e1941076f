/* Load patterns (issue 20, docs/load-patterns.md): how queries are issued
 * to the one inference stream of a cell, after MLPerf LoadGen's scenarios.
 *
 *   single_stream  one inference after another (the timing loop; the default)
 *   multi_stream   a query of samples_per_query inferences every interval
 *   server         queries of one inference at seeded Poisson arrivals,
 *                  latency from the scheduled arrival (queueing included);
 *                  optionally a search for the highest rate whose p99 meets
 *                  the latency bound
 *   offline        queries of `batch` inferences back to back: throughput
 *
 * The spec is plain data carried in the cell job ("load.<key>=value" lines)
 * and stored with the run as the `load.*` extras (docs/results-schema.md). */
#ifndef EB_LOAD_PATTERN_H
#define EB_LOAD_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum eb_load_kind {
    EB_LOAD_SINGLE_STREAM = 0,
    EB_LOAD_MULTI_STREAM = 1,
    EB_LOAD_SERVER = 2,
    EB_LOAD_OFFLINE = 3
} eb_load_kind;

/* Trials of one server search at most (the scenario key's upper bound). */
#define EB_LOAD_MAX_TRIALS 32

typedef struct eb_load_spec {
    eb_load_kind kind;
    uint64_t samples_per_query; /* multi_stream: >= 1 */
    uint64_t interval_ns;       /* multi_stream: > 0 */
    double target_qps;          /* server: > 0; with search, the first trial's rate */
    uint64_t duration_ns;       /* server: the arrival window of one trial, > 0 */
    uint64_t latency_bound_ns;  /* server: p99 bound of the search; 0: none */
    int search;                 /* server: search the highest rate meeting the bound */
    int max_trials;             /* server search: trials at most, 1..EB_LOAD_MAX_TRIALS */
    uint64_t batch;             /* offline: inferences per query, >= 1 */
    uint64_t seed;              /* server: the arrival schedule's seed (run.seed) */
} eb_load_spec;

/* "single_stream", "multi_stream", "server", "offline". */
const char *eb_load_kind_str(eb_load_kind k);

/* Inferences per query of the spec: samples_per_query, batch or 1. */
uint64_t eb_load_samples_per_query(const eb_load_spec *s);

/* The parameters as "key=value;key=value" in the scenario's units
 * ("target_qps=200;duration_s=2;latency_bound_ms=10;search=true"); "" for
 * single_stream. */
void eb_load_params_format(const eb_load_spec *s, char *out, size_t out_len);

/* The spec as cell-job lines ("load.kind=server", ...) and one line parsed
 * back: key without the "load." prefix; 1 when it was one of them. */
void eb_load_spec_write(FILE *f, const eb_load_spec *s);
int eb_load_spec_parse(eb_load_spec *s, const char *key, const char *value);

#endif
