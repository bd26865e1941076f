/* Scenarios: the versioned YAML file that says what to benchmark, checked
 * against its schema and expanded into the run matrix.
 *
 *     eb_scenario *s;  eb_matrix *m;
 *     eb_scenario_load("perf.yaml", sets, n_sets, NULL, &s, msg, sizeof msg);
 *     eb_scenario_expand(s, &m, msg, sizeof msg);
 *     for (int i = 0; i < m->n_cells; i++) run(&m->cells[i]);
 *     eb_matrix_destroy(m);  eb_scenario_destroy(s);
 *
 * Every key is documented in docs/scenarios.md. Errors name the file, line
 * and column and the key ("perf.yaml:12:5: unknown key 'itertions' in
 * run.measure (did you mean 'iterations'?)"); loading collects all of them
 * (up to EB_SCENARIO_MAX_ERRORS) rather than stopping at the first.
 *
 * Where the pieces live: scenario_parse.c (libyaml -> node tree with
 * positions), scenario_schema.c (the key tables), scenario_validate.c (the
 * tree against the tables), scenario_build.c (model files, backends, cross-key
 * checks, the structs below), scenario_override.c (--set), scenario_matrix.c
 * (expansion and shuffling), scenario_errors.c, key_suggest.c, scenario_load.c. */
#ifndef EB_SCENARIO_H
#define EB_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"
#include "harness/conditions/condition.h"

#define EB_SCENARIO_VERSION 1      /* the `edgebench:` value this code reads */
#define EB_SCENARIO_MAX_ERRORS 20  /* errors kept by one load */
#define EB_MATRIX_MAX_CELLS 100000 /* a larger expansion is refused */

/* ---- errors ------------------------------------------------------------ */

/* One problem, printed as "<where>: <message>". */
typedef struct eb_scenario_error {
    int line, col;      /* 1-based place in the scenario file; 0, 0 when the error is
                         * about a --set argument or the whole file */
    char where[1088];   /* "dir/perf.yaml:12:5", "dir/perf.yaml: --set run.x=1" or
                         * "dir/perf.yaml" */
    char message[512];  /* names the key: "run.measure.iterations: expected an integer,
                         * got string 'abc'" */
} eb_scenario_error;

typedef struct eb_scenario_errors {
    int n;      /* kept in items[], in file order (then --set order) */
    int total;  /* found; larger than n when some were not kept */
    eb_scenario_error items[EB_SCENARIO_MAX_ERRORS];
} eb_scenario_errors;

/* ---- the scenario ------------------------------------------------------ */

typedef enum eb_input_kind {
    EB_INPUT_RANDOM = 0, /* seeded random tensors */
    EB_INPUT_DATASET = 1 /* labelled samples from a file (harness/inputs/dataset.h) */
} eb_input_kind;

typedef enum eb_input_distribution {
    EB_INPUT_UNIFORM = 0, /* [low, high) */
    EB_INPUT_NORMAL = 1   /* mean, std */
} eb_input_distribution;

typedef enum eb_run_order { EB_ORDER_ORDERED = 0, EB_ORDER_SHUFFLED = 1 } eb_run_order;
typedef enum eb_isolation { EB_ISOLATION_PROCESS = 0, EB_ISOLATION_NONE = 1 } eb_isolation;

typedef struct eb_scenario_random {
    uint64_t seed;
    eb_input_distribution distribution;
    double low, high; /* uniform; defaults 0, 1 */
    double mean, std; /* normal; defaults 0, 1 */
} eb_scenario_random;

/* `inputs:` of kind dataset. Paths are resolved against the scenario's
 * directory; the files are read by the cell, not by the loader. */
typedef struct eb_scenario_dataset {
    char *path, *labels;        /* resolved; labels "" when none */
    char *format;               /* "auto", "idx", "npy", "hdf5" */
    char *images_dataset, *labels_dataset; /* HDF5 names */
    uint64_t limit;             /* 0: all */
    int shuffled;
    uint64_t seed;
    double scale;
    int n_mean, n_std;          /* 1..4 */
    double mean[4], std[4];
    char *layout, *resize, *sample_layout, *dtype; /* as written (validated enums) */
} eb_scenario_dataset;

/* `inputs:`. One member per kind; `kind` says which one is filled. */
typedef struct eb_scenario_inputs {
    eb_input_kind kind;
    int64_t batch;               /* symbolic input dimensions' value; default 1 */
    eb_scenario_random random;   /* kind random */
    eb_scenario_dataset dataset; /* kind dataset */
} eb_scenario_inputs;

/* `accuracy:` */
typedef struct eb_scenario_accuracy {
    int top_k;                   /* default 5; 0: top-1 only */
    int reference;               /* compare outputs with the reference variant on ref; default 1 */
    int64_t max_compare;         /* samples compared with the reference; default 10000 */
} eb_scenario_accuracy;

/* `outputs:` raw outputs kept per run, and the golden check (docs/outputs.md) */
typedef struct eb_scenario_outputs {
    int store;                   /* keep each captured sample's outputs in the results */
    int64_t max_samples;         /* samples captured at most; default 16 */
    double max_mb;               /* bytes of outputs per run at most, in MiB; default 64 */
    char *golden;                /* resolved path of the golden file; "" when none */
    int golden_line, golden_col; /* of the golden value, for messages; 0 from --set */
    double rtol, atol;           /* |out - golden| <= atol + rtol * |golden| */
    int equal_nan;               /* NaN in both counts as equal; default off */
    int worst;                   /* worst elements reported per output; default 5 */
} eb_scenario_outputs;

/* One model variant (a single `model.path` is the variant "default"). */
typedef struct eb_scenario_variant {
    char *name;
    char *path;          /* as written */
    char *resolved_path; /* absolute and normalised; the file existed when loaded */
    char *description;   /* "" when none */
    int line, col;       /* of the path value; 0 when it came from --set */
} eb_scenario_variant;

/* A key given a list of values: each value makes its own cells. */
typedef struct eb_sweep_axis {
    char *key;     /* "threads", "options.<key>", "run.measure.iterations", or a
                    * condition parameter's name */
    int n_values;  /* >= 1 */
    char **values; /* scalar texts, in file order, already checked for the key's type */
} eb_sweep_axis;

/* One entry of `backends:`. Where a key sweeps, the field holds the first
 * value and the axis lists them all. */
typedef struct eb_scenario_backend {
    char *name;          /* known to the registry (perhaps unavailable here) */
    int line, col;       /* of the name */
    int threads;         /* default 1 */
    int n_options;       /* at most 32, keys at most 63 bytes, values at most 255 */
    char **option_keys;  /* in file order */
    char **option_values;
    int n_axes;          /* threads first, then options in file order */
    eb_sweep_axis *axes;
} eb_scenario_backend;

/* `run.load:` how queries reach the model (docs/load-patterns.md). */
typedef enum eb_load_pattern {
    EB_PATTERN_SINGLE_STREAM = 0, /* the default: one inference after another */
    EB_PATTERN_MULTI_STREAM = 1,
    EB_PATTERN_SERVER = 2,
    EB_PATTERN_OFFLINE = 3
} eb_load_pattern;

typedef struct eb_run_load {
    eb_load_pattern pattern;
    int64_t samples_per_query; /* multi_stream; default 8 */
    double interval_ms;        /* multi_stream; default 50 */
    double target_qps;         /* server; default 10 */
    double duration_s;         /* server; default 10 */
    double latency_bound_ms;   /* server; 0: none (search needs one) */
    int search;                /* server; default 0 */
    int max_trials;            /* server search; default 8 */
    int64_t batch;             /* offline; default 1 */
} eb_run_load;

/* `run:` settings. Times in milliseconds, except timeout_s. */
typedef struct eb_run_settings {
    int64_t warmup_iterations;   /* default 10 */
    int64_t warmup_min_time_ms;  /* default 100 */
    int64_t measure_iterations;  /* default 100 */
    int64_t measure_min_time_ms; /* default 1000 */
    int64_t measure_max_time_ms; /* default 10000, >= measure_min_time_ms */
    int64_t repetitions;         /* default 1 */
    eb_run_order order;          /* default ordered */
    uint64_t seed;               /* for shuffling; default 0 */
    eb_isolation isolation;      /* default process */
    double timeout_s;            /* per cell, > 0; default 300 */
    eb_run_load load;            /* default single_stream */
    int64_t batch;               /* inputs.batch at this cell (it sweeps); default 1 */
} eb_run_settings;

/* One entry of `conditions:`. params are the kind's parameters with
 * defaults filled in (none for kind plain); where one sweeps it holds the
 * first value and an axis lists them all. */
typedef struct eb_scenario_condition {
    char *name;
    char *kind; /* "plain" */
    int n_params;
    char **param_keys;
    char **param_values;
    int n_axes;
    eb_sweep_axis *axes;
} eb_scenario_condition;

/* `budgets:` is kept for the gating code, checked only to be a list of maps. */
typedef struct eb_scenario_budgets {
    int present;
    int line, col;  /* of the `budgets` key */
    int n_entries;
    char *yaml;     /* the section as written, from the start of the `budgets:` line to
                     * the end of its value: itself a YAML document whose one key is
                     * budgets. NULL when not present. */
} eb_scenario_budgets;

/* `metrics:` what is measured besides latency: sensors, PAPI counters,
 * throttling detection (docs/sensors.md). Strings are never NULL ("" when
 * not given). */
typedef struct eb_scenario_metrics {
    int n_counters;             /* PAPI event names, in file order */
    char **counters;
    int64_t sample_period_ms;   /* default 100 */
    char *power;                /* "auto" (default), "none", "rapl", "hwmon", "nvml", "command" */
    char *power_sensor;
    char *power_command;
    char *temperature_sensor;
    char *frequency_sensor;
    char *sysfs_root;           /* absolute (relative ones resolved like model paths) or "" */
    int64_t idle_baseline_ms;   /* 0: no idle baseline */
    int64_t calibration_ms;     /* 0: no throttling calibration; default 30 */
    double throttle_threshold;  /* default 0.15 */
    double temperature_limit_c; /* 0: not checked */
    double frequency_limit_mhz; /* 0: not checked */
    int op_profile;             /* metrics.op_profile: on/true */
    int64_t op_profile_iterations; /* profiled inferences; default 50 */
} eb_scenario_metrics;

/* A loaded, valid scenario. Plain data: every pointer is owned by the
 * scenario and lives until eb_scenario_destroy. */
typedef struct eb_scenario {
    char *path;        /* as given to the loader */
    char *dir;         /* absolute directory of path: base of relative model paths */
    char *name;        /* `name`, default the file name without its extension */
    char *description; /* "" when none */
    char *yaml;        /* the file's full text as read (before --set), NUL-terminated */
    size_t yaml_len;
    int n_overrides;   /* the --set arguments applied, in order ("KEY=VALUE") */
    char **overrides;

    int n_variants;    /* >= 1, in file order */
    eb_scenario_variant *variants;
    int reference;     /* index of the accuracy reference variant; default 0 */

    eb_scenario_inputs inputs;

    int n_backends;    /* >= 1, in file order; one name may appear in several entries */
    eb_scenario_backend *backends;

    eb_run_settings run; /* first values where a key sweeps */
    int n_run_axes;      /* in the order warmup.iterations, warmup.min_time_ms,
                          * measure.iterations, measure.min_time_ms, measure.max_time_ms */
    eb_sweep_axis *run_axes;

    int n_conditions;  /* >= 1; default one condition "plain" of kind plain */
    eb_scenario_condition *conditions;

    eb_scenario_budgets budgets;

    eb_scenario_metrics metrics;
    eb_scenario_accuracy accuracy;
    eb_scenario_outputs outputs;
} eb_scenario;

/* What to load. */
/* The backend names a scenario may use. The scenario layer does not know
 * where they come from (the backend registry, in practice:
 * eb_registry_knows and eb_registry_available_names fit these). */
typedef struct eb_backend_names {
    /* 1 when name is a backend edgebench knows, available here or not */
    int (*known)(const void *ctx, const char *name);
    /* the names to suggest in a message (those available here), at most
     * max into names; the count */
    int (*available)(const void *ctx, const char **names, int max);
    const void *ctx;
} eb_backend_names;

typedef struct eb_scenario_source {
    const char *path;                /* the file; names errors; its directory resolves
                                      * relative model paths */
    const char *text;                /* NULL: read path; else the YAML text (NUL-terminated) */
    const char *const *overrides;    /* "KEY=VALUE" (--set), applied before validation */
    int n_overrides;
    const eb_backend_names *backends; /* names to check backends[].name against;
                                       * NULL: not checked */
} eb_scenario_source;

/* Read, parse, apply overrides, validate and build the scenario. On success
 * *out is the caller's (eb_scenario_destroy). On failure *out is NULL and
 * errors holds what was wrong: EB_ERR_FORMAT (the scenario or a --set is
 * wrong), EB_ERR_IO (the file cannot be read), EB_ERR_NOMEM. errors is
 * caller-owned and always filled (n == 0 on success). */
eb_status eb_scenario_load_source(const eb_scenario_source *src, eb_scenario **out,
                                  eb_scenario_errors *errors);

/* Same, from a file, with every error as one "<where>: <message>" line in
 * msg (newline-separated, "... and N more errors" when not all fit). */
eb_status eb_scenario_load(const char *path, const char *const *overrides, int n_overrides,
                           const eb_backend_names *backends, eb_scenario **out, char *msg,
                           size_t msg_len);

void eb_scenario_destroy(eb_scenario *s); /* NULL is a no-op */

/* The errors as text, one "<where>: <message>" per line (msg_len > 0). */
void eb_scenario_errors_format(const eb_scenario_errors *errors, char *msg, size_t msg_len);

const char *eb_run_order_str(eb_run_order o);           /* "ordered", "shuffled" */
const char *eb_isolation_str(eb_isolation i);           /* "process", "none" */
const char *eb_input_distribution_str(eb_input_distribution d); /* "uniform", "normal" */

/* ---- the run matrix ----------------------------------------------------- */

/* One cell: what to measure once. Strings and arrays belong to the matrix
 * and live until eb_matrix_destroy (the scenario may be destroyed first). */
typedef struct eb_matrix_cell {
    int index;                /* position in run order, 0-based */
    int ordinal;              /* position in the unshuffled order (equals index when
                               * run.order is ordered) */
    int backend_entry;        /* index into scenario->backends */
    const char *backend;      /* backend name */
    int threads;
    int n_options;            /* the backend's options, swept values applied: ready for
                               * eb_backend_options (keys, values) */
    const char *const *option_keys;
    const char *const *option_values;
    int variant;              /* index into scenario->variants */
    const char *variant_name;
    const char *model_path;   /* resolved, absolute */
    int is_reference;         /* this variant is the accuracy reference */
    int condition;            /* index into scenario->conditions */
    const char *condition_name;
    const char *condition_kind;
    const eb_condition *cond; /* typed: the kind's parameters resolved (defaults filled in,
                               * this sweep point's values), none for plain */
    const char *sweep;        /* sweep point "threads=2;options.num_threads=4",
                               * "" when nothing sweeps */
    int repetition;           /* 0-based */
    eb_run_settings run;      /* the run settings of this cell, swept values applied */
} eb_matrix_cell;

typedef struct eb_matrix {
    int n_cells;
    eb_matrix_cell *cells;    /* in run order */
    struct eb_strpool *pool;  /* private: owns the cells' strings */
} eb_matrix;

/* Expand s into cells, nested in this order (the first varies slowest):
 *     backend entry x variant x condition x sweep point x repetition
 * where a sweep point is one combination of the backend entry's axes, the
 * condition's axes, then the run axes (the first axis varies slowest). When
 * run.order is shuffled the cells are then permuted by a Fisher-Yates shuffle
 * driven by splitmix64 seeded with run.seed (the same on every platform),
 * and index is renumbered. Fails (EB_ERR_OVERFLOW, message naming the
 * file) beyond EB_MATRIX_MAX_CELLS cells. *out is the caller's. */
eb_status eb_scenario_expand(const eb_scenario *s, eb_matrix **out, char *msg, size_t msg_len);

void eb_matrix_destroy(eb_matrix *m); /* NULL is a no-op */

#endif
