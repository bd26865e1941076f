/* Names and version of the HDF5 results schema, shared by the writer
 * (store.c), the reader (results_read.c) and docs/results-schema.md.
 *
 * Compatibility rule: a minor version only adds (new optional attributes,
 * datasets or groups) and keeps the major version; readers ignore what they
 * do not know and accept a missing minor addition. Anything else — a rename,
 * a removed or retyped field, a new run status — bumps the major version,
 * and a reader refuses a file whose major version is newer than its own. */
#ifndef EB_STORE_SCHEMA_H
#define EB_STORE_SCHEMA_H

#include <stdint.h>

#define EB_SCHEMA_FORMAT "edgebench"
#define EB_SCHEMA_MAJOR 1
#define EB_SCHEMA_MINOR 4

/* Root attributes. */
#define EB_ATTR_FORMAT "format"                 /* string, EB_SCHEMA_FORMAT */
#define EB_ATTR_SCHEMA_VERSION "schema_version" /* string "MAJOR.MINOR" */
#define EB_ATTR_TOOL_VERSION "tool_version"     /* string, edgebench that created the file */
#define EB_ATTR_CREATED "created"               /* string, ISO 8601 UTC */
#define EB_ATTR_COMMAND "command"               /* string, command line that created the file */

/* Groups and datasets. */
#define EB_GROUP_DEVICES "devices"
#define EB_GROUP_SCENARIOS "scenarios"
#define EB_GROUP_RUNS "runs"
#define EB_DSET_SUMMARY "summary"
#define EB_DSET_LATENCY "latency_ns"
#define EB_DSET_T "t_ns"
#define EB_GROUP_SENSORS "sensors"   /* reserved in runs/<id>: a later minor version */
#define EB_GROUP_COUNTERS "counters" /* reserved in runs/<id>: a later minor version */

/* Scenario attributes. */
#define EB_ATTR_YAML "yaml"
#define EB_ATTR_N_MODELS "n_models"
#define EB_ATTR_MODEL_PATHS "model_paths"
#define EB_ATTR_MODEL_SHA256 "model_sha256"
#define EB_ATTR_MODEL_BYTES "model_bytes"

/* The run's condition (store_condition.c). 1.4 adds the group: one
 * attribute per parameter in its type (float64, int64, string) and `kind`;
 * the text attribute stays (required since 1.0) for older readers. */
#define EB_ATTR_CONDITION_PARAMS "condition_params" /* string "key=value;key=value" */
#define EB_GROUP_CONDITION "condition"
#define EB_ATTR_CONDITION_KIND "kind"

/* Run groups are named by a zero-padded decimal id, numbered from 1. */
#define EB_RUN_ID_FORMAT "%06d"

/* Attributes of /runs/<id>, each named as its eb_run_record field, listed
 * once for the writer and the reader. X(field) for record fields; summary
 * fields are rec->summary.<field>. All are required in schema 1.0. */
#define EB_RUN_STR_FIELDS(X)                                                              \
    X(device) X(scenario) X(backend) X(backend_version) X(library_version) X(variant)    \
    X(model_path) X(condition) X(sweep) X(message) X(started)                           \
    X(finished)
#define EB_RUN_INT_FIELDS(X) X(cell_index) X(repetition) X(threads)   /* int32 */
#define EB_RUN_U64_FIELDS(X) X(warmup_n) X(n) X(peak_rss_bytes) X(model_bytes)
#define EB_RUN_F64_FIELDS(X) X(wall_s)
#define EB_SUMMARY_F64_FIELDS(X)                                                          \
    X(min) X(p50) X(p90) X(p95) X(p99) X(p999) X(max) X(mean) X(stdev) X(cv) X(mad)      \
    X(median_ci_lo) X(median_ci_hi) X(drift)
/* Plus: status (string, eb_run_status_str), outliers (uint64), stable
 * (int32, 0/1), stability (string); and written by the store, not part of
 * the record: command, tool_version (strings, the session that appended
 * the run; optional for readers). summary.n is the run's n. */
#define EB_ATTR_STATUS "status"
#define EB_ATTR_OUTLIERS "outliers"
#define EB_ATTR_STABLE "stable"
#define EB_ATTR_STABILITY "stability"
/* Added in 1.2, optional for readers (a run of an older file reads ""):
 * the backend options the cell ran with, rec->backend_options; a /summary
 * column since 1.3 (a table created earlier keeps its columns). */
#define EB_ATTR_BACKEND_OPTIONS "backend_options"
/* Added in 1.3 (docs/outputs.md), through the run extras: N-D datasets
 * outputs/<leaf> of types float32, int8, int16, uint16, int32 besides
 * float64, uint8, int64; golden.* metrics and golden_worst/<leaf>. Readers
 * of 1.1-1.2 skip a rank above 2 and read the other types converted. */
#define EB_GROUP_OUTPUTS "outputs"
/* Added in 1.4 (docs/load-patterns.md), through the run extras: a run under
 * a load pattern other than single_stream has the texts load.pattern and
 * load.params, load.* metrics (issued, completed, achieved_qps, ...) and,
 * under server, load/trials; its latency_ns are per-query latencies from
 * the scheduled start, t_ns the scheduled starts. No extras: single_stream. */
#define EB_ATTR_RUN_COMMAND "command"
#define EB_ATTR_RUN_TOOL_VERSION "tool_version"

/* Sample datasets with more samples than this are chunked and compressed
 * (shuffle + deflate); smaller ones are contiguous, which costs less. */
#define EB_SAMPLES_CHUNK_THRESHOLD 4096
#define EB_SAMPLES_CHUNK_ELEMS (128 * 1024) /* 1 MiB of uint64 per chunk */
#define EB_SAMPLES_DEFLATE_LEVEL 1

/* One row of /summary, in memory. In the file the compound is packed (no
 * padding) and strings are fixed-length, NUL-padded (numpy 'S<n>'). The
 * sizes equal the eb_run_record fields, so nothing is ever truncated. */
typedef struct eb_summary_row {
    char id[16];
    char device[64];
    char scenario[128];
    char backend[64];
    char variant[64];
    char condition[64];
    char sweep[256];
    int32_t repetition;
    int32_t threads;
    char status[16];
    uint64_t n;
    double p50, p90, p99, mean, cv;
    uint64_t peak_rss_bytes;
    /* Added in 1.3 (a file appended to from 1.2 keeps its 1.2 columns:
     * HDF5 writes the members both types share). */
    double p95;
    uint64_t model_bytes;
    double top1, topk; /* fractions; NaN when the run measured no accuracy */
    int32_t top_k;     /* the k of topk; 0 when none */
    char condition_params[256];
    char backend_options[1024];
} eb_summary_row;

#define EB_SUMMARY_CHUNK_ROWS 64

#endif
