/* The scenario key tables (format version 1). docs/scenarios.md documents
 * each row; tests/test_scenario.c checks that it does. */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness/conditions/condition.h"

#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_schema.h"

#define DAY_MS 86400000LL
#define MAX_ITERATIONS 1000000000LL

/* ---- model -------------------------------------------------------------- */

static const eb_key variant_fields[] = {
    {.name = "path", .type = EB_K_STR, .flags = EB_KF_REQUIRED | EB_KF_NONEMPTY, .maxlen = 1000},
    {.name = "description", .type = EB_K_STR, .def = ""},
    {0}};

static const eb_key variant = {.name = "<variant>", .type = EB_K_MAP, .fields = variant_fields,
                               .shorthand = "path"};

static const eb_key model_fields[] = {
    {.name = "path", .type = EB_K_STR, .flags = EB_KF_NONEMPTY, .maxlen = 1000},
    {.name = "variants", .type = EB_K_DICT, .flags = EB_KF_NONEMPTY | EB_KF_NAME, .maxlen = 63,
     .item = &variant},
    {.name = "reference", .type = EB_K_STR, .flags = EB_KF_NAME, .def = "the first variant"},
    {0}};

/* ---- inputs: one key table per kind --------------------------------------- */

static const char *const distributions[] = {"uniform", "normal", NULL};

static const eb_key random_fields[] = {
    {.name = "seed", .type = EB_K_INT, .imin = 0, .imax = INT64_MAX, .def = "0"},
    {.name = "distribution", .type = EB_K_ENUM, .choices = distributions, .def = "uniform"},
    {.name = "low", .type = EB_K_NUM, .fmin = -1e300, .fmax = 1e300, .def = "0"},
    {.name = "high", .type = EB_K_NUM, .fmin = -1e300, .fmax = 1e300, .def = "1"},
    {.name = "mean", .type = EB_K_NUM, .fmin = -1e300, .fmax = 1e300, .def = "0"},
    {.name = "std", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 1e300,
     .def = "1"},
    {0}};

static const char *const dataset_formats[] = {"auto", "idx", "npy", "hdf5", NULL};
static const char *const sample_orders[] = {"sequential", "shuffled", NULL};
static const char *const layouts[] = {"auto", "NCHW", "NHWC", NULL};
static const char *const resizes[] = {"bilinear", "nearest", "none", NULL};
static const char *const sample_layouts[] = {"hwc", "chw", NULL};
static const char *const input_dtypes[] = {"auto", "float32", "uint8", "int8", NULL};

static const eb_key norm_value = {.name = "<value>", .type = EB_K_NUM, .fmin = -1e300,
                                  .fmax = 1e300};
static const eb_key norm_std = {.name = "<value>", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN,
                                .fmin = 0, .fmax = 1e300};

static const eb_key normalize_fields[] = {
    {.name = "scale", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 1e300,
     .def = "0.00392156862745098"},
    {.name = "mean", .type = EB_K_LIST, .maxn = 4, .item = &norm_value, .def = "[0]"},
    {.name = "std", .type = EB_K_LIST, .maxn = 4, .item = &norm_std, .def = "[1]"},
    {0}};

static const eb_key dataset_fields[] = {
    {.name = "path", .type = EB_K_STR, .flags = EB_KF_REQUIRED | EB_KF_NONEMPTY, .maxlen = 1000},
    {.name = "labels", .type = EB_K_STR, .maxlen = 1000, .def = ""},
    {.name = "format", .type = EB_K_ENUM, .choices = dataset_formats, .def = "auto"},
    {.name = "images_dataset", .type = EB_K_STR, .flags = EB_KF_NONEMPTY, .maxlen = 250,
     .def = "images"},
    {.name = "labels_dataset", .type = EB_K_STR, .maxlen = 250, .def = ""},
    {.name = "limit", .type = EB_K_INT, .imin = 0, .imax = INT64_MAX, .def = "0"},
    {.name = "order", .type = EB_K_ENUM, .choices = sample_orders, .def = "sequential"},
    {.name = "seed", .type = EB_K_INT, .imin = 0, .imax = INT64_MAX, .def = "0"},
    {.name = "normalize", .type = EB_K_MAP, .fields = normalize_fields},
    {.name = "layout", .type = EB_K_ENUM, .choices = layouts, .def = "auto"},
    {.name = "resize", .type = EB_K_ENUM, .choices = resizes, .def = "bilinear"},
    {.name = "sample_layout", .type = EB_K_ENUM, .choices = sample_layouts, .def = "hwc"},
    {.name = "dtype", .type = EB_K_ENUM, .choices = input_dtypes, .def = "auto"},
    {0}};

static const eb_kind input_kinds[] = {{"random", random_fields}, {"dataset", dataset_fields}, {0}};

/* batch: the value of the model's symbolic input dimensions (its dynamic
 * batch); a model with a fixed batch keeps its own */
static const eb_key inputs_fields[] = {
    {.name = "kind", .type = EB_K_KIND, .def = "random"},
    {.name = "batch", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 1, .imax = 65536,
     .def = "1"},
    {0}};

/* ---- backends ------------------------------------------------------------- */

static const eb_key option_value = {.name = "<option>", .type = EB_K_SCALAR,
                                    .flags = EB_KF_SWEEP, .maxlen = 255};

static const eb_key backend_fields[] = {
    {.name = "name", .type = EB_K_STR, .flags = EB_KF_REQUIRED | EB_KF_NONEMPTY, .maxlen = 63},
    {.name = "threads", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 1, .imax = 1024,
     .def = "1"},
    {.name = "options", .type = EB_K_DICT, .maxlen = 63, .maxn = 32, .item = &option_value,
     .def = "{}"},
    {0}};

static const eb_key backend = {.name = "<backend>", .type = EB_K_MAP, .fields = backend_fields,
                               .shorthand = "name"};

/* ---- run ------------------------------------------------------------------- */

static const char *const orders[] = {"ordered", "shuffled", NULL};
static const char *const isolations[] = {"process", "none", NULL};

static const eb_key warmup_fields[] = {
    {.name = "iterations", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 0,
     .imax = MAX_ITERATIONS, .def = "10"},
    {.name = "min_time_ms", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 0, .imax = DAY_MS,
     .def = "100"},
    {0}};

static const eb_key measure_fields[] = {
    {.name = "iterations", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 1,
     .imax = MAX_ITERATIONS, .def = "100"},
    {.name = "min_time_ms", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 0, .imax = DAY_MS,
     .def = "1000"},
    {.name = "max_time_ms", .type = EB_K_INT, .flags = EB_KF_SWEEP, .imin = 1, .imax = DAY_MS,
     .def = "10000"},
    {0}};

/* Load patterns (docs/load-patterns.md): a map chosen by its kind, a bare
 * kind name standing for the map with defaults. */
static const char *const false_true[] = {"false", "true", NULL};
static const eb_key single_stream_fields[] = {{0}};
static const eb_key multi_stream_fields[] = {
    {.name = "samples_per_query", .type = EB_K_INT, .imin = 1, .imax = 1000000, .def = "8"},
    {.name = "interval_ms", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0,
     .fmax = 3600000, .def = "50"},
    {0}};
static const eb_key server_fields[] = {
    {.name = "target_qps", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 1e9,
     .def = "10"},
    {.name = "duration_s", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 86400,
     .def = "10"},
    {.name = "latency_bound_ms", .type = EB_K_NUM, .fmin = 0, .fmax = 3600000, .def = "0"},
    {.name = "search", .type = EB_K_ENUM, .choices = false_true, .def = "false"},
    {.name = "max_trials", .type = EB_K_INT, .imin = 1, .imax = 32, .def = "8"},
    {0}};
static const eb_key offline_fields[] = {
    {.name = "batch", .type = EB_K_INT, .imin = 1, .imax = 1000000, .def = "1"},
    {0}};
static const eb_kind load_patterns[] = {{"single_stream", single_stream_fields},
                                     {"multi_stream", multi_stream_fields},
                                     {"server", server_fields},
                                     {"offline", offline_fields},
                                     {0}};
static const eb_key load_fields[] = {
    {.name = "kind", .type = EB_K_KIND, .def = "single_stream"}, {0}};

static const eb_key run_fields[] = {
    {.name = "warmup", .type = EB_K_MAP, .fields = warmup_fields},
    {.name = "measure", .type = EB_K_MAP, .fields = measure_fields},
    {.name = "repetitions", .type = EB_K_INT, .imin = 1, .imax = 10000, .def = "1"},
    {.name = "order", .type = EB_K_ENUM, .choices = orders, .def = "ordered"},
    {.name = "seed", .type = EB_K_INT, .imin = 0, .imax = INT64_MAX, .def = "0"},
    {.name = "isolation", .type = EB_K_ENUM, .choices = isolations, .def = "process"},
    {.name = "timeout_s", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 604800,
     .def = "300"},
    {.name = "load", .type = EB_K_MAP, .fields = load_fields, .kinds = load_patterns,
     .shorthand = "kind"},
    {0}};

/* Integer settings a cell carries in its eb_run_settings; the ones that
 * sweep are the run axes, in this order (inputs.batch: a batch sweep on a
 * model with a dynamic batch dimension). */
const eb_run_field eb_run_fields[] = {
    {"run.warmup.iterations", offsetof(eb_run_settings, warmup_iterations), 1},
    {"run.warmup.min_time_ms", offsetof(eb_run_settings, warmup_min_time_ms), 1},
    {"run.measure.iterations", offsetof(eb_run_settings, measure_iterations), 1},
    {"run.measure.min_time_ms", offsetof(eb_run_settings, measure_min_time_ms), 1},
    {"run.measure.max_time_ms", offsetof(eb_run_settings, measure_max_time_ms), 1},
    {"run.repetitions", offsetof(eb_run_settings, repetitions), 0},
    {"inputs.batch", offsetof(eb_run_settings, batch), 1},
    {0}};

/* ---- conditions: generated from the condition table -------------------------- */

/* The condition kinds and their keys are not listed here: they are made
 * once, on first use of the schema, from harness/conditions/condition_table.c
 * (one row per parameter: type, range, default, sweep). A parameter
 * "group.key" (drift.from) becomes key `key` of an optional map `group`. */
#define MAX_COND_KINDS 32
static eb_kind condition_kinds[MAX_COND_KINDS + 1];
static eb_key cond_fields[MAX_COND_KINDS][EB_CONDITION_MAX_PARAMS + 1];
static eb_key cond_group_fields[MAX_COND_KINDS][EB_CONDITION_MAX_PARAMS + 1];
static char cond_group_names[MAX_COND_KINDS][EB_CONDITION_KEY_MAX];
static char cond_defs[MAX_COND_KINDS][EB_CONDITION_MAX_PARAMS][40];
static pthread_once_t conditions_once = PTHREAD_ONCE_INIT;

/* The schema row of one table parameter (name: its key within its map). */
static eb_key key_of_param(const eb_cparam_def *d, const char *name, char *def, size_t def_len)
{
    eb_key k = {.name = name};
    unsigned fl = d->flags;
    k.flags = ((fl & EB_CP_SWEEP) ? EB_KF_SWEEP : 0u) | ((fl & EB_CP_REQUIRED) ? EB_KF_REQUIRED : 0u) |
              ((fl & EB_CP_NONEMPTY) ? EB_KF_NONEMPTY : 0u) |
              ((fl & EB_CP_ABOVE_MIN) ? EB_KF_ABOVE_MIN : 0u);
    switch (d->type) {
    case EB_CP_NUM:
        k.type = EB_K_NUM;
        k.fmin = d->fmin;
        k.fmax = d->fmax;
        eb_condition_value_text(&(eb_condition_param){.type = EB_CP_NUM, .num = d->def_num}, def,
                                def_len);
        break;
    case EB_CP_INT:
        k.type = EB_K_INT;
        k.imin = d->imin;
        k.imax = d->imax;
        snprintf(def, def_len, "%" PRId64, d->def_int);
        break;
    case EB_CP_ENUM:
        k.type = EB_K_ENUM;
        k.choices = d->choices;
        snprintf(def, def_len, "%s", d->def_str ? d->def_str : "");
        break;
    case EB_CP_STR:
        k.type = EB_K_STR;
        k.maxlen = d->maxlen;
        snprintf(def, def_len, "%s", d->def_str ? d->def_str : "");
        break;
    }
    k.def = (fl & EB_CP_REQUIRED) ? NULL : def;
    return k;
}

static void build_condition_kinds(void)
{
    int nk = 0;
    for (const eb_condition_kind *ck = eb_condition_kinds; ck->name && nk < MAX_COND_KINDS;
         ck++, nk++) {
        int nf = 0, ng = 0, np = 0;
        for (const eb_cparam_def *d = ck->params; d->name && np < EB_CONDITION_MAX_PARAMS;
             d++, np++) {
            const char *dot = strchr(d->name, '.');
            if (!dot) {
                cond_fields[nk][nf++] = key_of_param(d, d->name, cond_defs[nk][np],
                                                     sizeof cond_defs[nk][np]);
                continue;
            }
            /* a group: its map key comes once, where its first member is */
            if (!ng) {
                snprintf(cond_group_names[nk], sizeof cond_group_names[nk], "%.*s",
                         (int)(dot - d->name), d->name);
                cond_fields[nk][nf++] = (eb_key){.name = cond_group_names[nk], .type = EB_K_MAP,
                                                 .fields = cond_group_fields[nk], .def = "none"};
            }
            cond_group_fields[nk][ng++] =
                key_of_param(d, dot + 1, cond_defs[nk][np], sizeof cond_defs[nk][np]);
        }
        condition_kinds[nk] = (eb_kind){ck->name, cond_fields[nk]};
    }
}

static const eb_key condition_fields[] = {
    {.name = "name", .type = EB_K_STR, .flags = EB_KF_REQUIRED | EB_KF_NAME},
    {.name = "kind", .type = EB_K_KIND, .flags = EB_KF_REQUIRED},
    {0}};

static const eb_key condition = {.name = "<condition>", .type = EB_K_MAP,
                                 .fields = condition_fields, .kinds = condition_kinds};

/* ---- metrics: sensors, counters, throttling detection (docs/sensors.md) --- */

static const char *const power_sources[] = {"auto", "none", "rapl", "hwmon", "nvml", "command",
                                            NULL};
static const eb_key counter_name = {.name = "<counter>", .type = EB_K_STR,
                                    .flags = EB_KF_NONEMPTY, .maxlen = 63};

static const char *const profile_switch[] = {"off", "on", "false", "true", NULL};

static const eb_key metrics_fields[] = {
    {.name = "counters", .type = EB_K_LIST, .item = &counter_name, .def = "[]"},
    {.name = "sample_period_ms", .type = EB_K_INT, .imin = 1, .imax = 60000, .def = "100"},
    {.name = "power", .type = EB_K_ENUM, .choices = power_sources, .def = "auto"},
    {.name = "power_sensor", .type = EB_K_STR, .maxlen = 63, .def = ""},
    {.name = "power_command", .type = EB_K_STR, .maxlen = 1000, .def = ""},
    {.name = "temperature_sensor", .type = EB_K_STR, .maxlen = 63, .def = ""},
    {.name = "frequency_sensor", .type = EB_K_STR, .maxlen = 63, .def = ""},
    {.name = "sysfs_root", .type = EB_K_STR, .maxlen = 900, .def = ""},
    {.name = "idle_baseline_ms", .type = EB_K_INT, .imin = 0, .imax = 600000, .def = "0"},
    {.name = "calibration_ms", .type = EB_K_INT, .imin = 0, .imax = 60000, .def = "30"},
    {.name = "throttle_threshold", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0,
     .fmax = 1, .def = "0.15"},
    {.name = "temperature_limit_c", .type = EB_K_NUM, .fmin = 0, .fmax = 200, .def = "0"},
    {.name = "frequency_limit_mhz", .type = EB_K_NUM, .fmin = 0, .fmax = 100000, .def = "0"},
    /* per-node time after the measured loop, from the backend's profile hook
     * (docs/profiling.md): an untimed extra pass, so the loop stays clean */
    {.name = "op_profile", .type = EB_K_ENUM, .choices = profile_switch, .def = "off"},
    {.name = "op_profile_iterations", .type = EB_K_INT, .imin = 1, .imax = 10000, .def = "50"},
    {0}};

/* ---- accuracy ------------------------------------------------------------ */

static const char *const on_off[] = {"on", "off", NULL};
static const eb_key accuracy_fields[] = {
    {.name = "top_k", .type = EB_K_INT, .imin = 0, .imax = 1000, .def = "5"},
    {.name = "reference", .type = EB_K_ENUM, .choices = on_off, .def = "on"},
    {.name = "max_compare", .type = EB_K_INT, .imin = 0, .imax = 100000000, .def = "10000"},
    {0}};

/* ---- outputs --------------------------------------------------------------- */

/* Raw outputs kept per run and the golden check (docs/outputs.md). The caps
 * bound what a cell sends and the results file holds. */
static const eb_key outputs_fields[] = {
    {.name = "store", .type = EB_K_ENUM, .choices = on_off, .def = "off"},
    {.name = "max_samples", .type = EB_K_INT, .imin = 1, .imax = 100000, .def = "16"},
    {.name = "max_mb", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 1024,
     .def = "64"},
    {.name = "golden", .type = EB_K_STR, .maxlen = 1000, .def = ""},
    {.name = "rtol", .type = EB_K_NUM, .fmin = 0, .fmax = 1e300, .def = "1e-05"},
    {.name = "atol", .type = EB_K_NUM, .fmin = 0, .fmax = 1e300, .def = "1e-08"},
    {.name = "equal_nan", .type = EB_K_ENUM, .choices = on_off, .def = "off"},
    {.name = "worst", .type = EB_K_INT, .imin = 0, .imax = 100, .def = "5"},
    {0}};

/* ---- the file ------------------------------------------------------------- */

static const eb_key root_fields[] = {
    {.name = "edgebench", .type = EB_K_INT, .flags = EB_KF_REQUIRED, .imin = 1, .imax = 1},
    {.name = "name", .type = EB_K_STR, .flags = EB_KF_NONEMPTY, .maxlen = 127,
     .def = "the file name without its extension"},
    {.name = "description", .type = EB_K_STR, .def = ""},
    {.name = "model", .type = EB_K_MAP, .flags = EB_KF_REQUIRED, .fields = model_fields},
    {.name = "inputs", .type = EB_K_MAP, .fields = inputs_fields, .kinds = input_kinds},
    {.name = "backends", .type = EB_K_LIST, .flags = EB_KF_REQUIRED | EB_KF_NONEMPTY,
     .item = &backend},
    {.name = "run", .type = EB_K_MAP, .fields = run_fields},
    {.name = "conditions", .type = EB_K_LIST, .flags = EB_KF_NONEMPTY, .item = &condition,
     .def = "[{name: plain, kind: plain}]"},
    {.name = "budgets", .type = EB_K_RAW},
    {.name = "metrics", .type = EB_K_MAP, .fields = metrics_fields},
    {.name = "accuracy", .type = EB_K_MAP, .fields = accuracy_fields},
    {.name = "outputs", .type = EB_K_MAP, .fields = outputs_fields},
    {0}};

static const eb_key schema_root = {.name = "", .type = EB_K_MAP, .fields = root_fields};

const eb_key *eb_schema_root(void)
{
    pthread_once(&conditions_once, build_condition_kinds);
    return &schema_root;
}

/* ---- lookups ---------------------------------------------------------------- */

const eb_key *eb_schema_field(const eb_key *k, const eb_kind *kind, const char *name)
{
    for (const eb_key *f = k->fields; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    for (const eb_key *f = kind ? kind->fields : NULL; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

const eb_kind *eb_schema_kind(const eb_key *k, const char *name)
{
    for (const eb_kind *kd = k->kinds; kd && kd->name; kd++)
        if (strcmp(kd->name, name) == 0)
            return kd;
    return NULL;
}

int eb_schema_is_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '+'))
            return 0;
    }
    return 1;
}

static void visit(const eb_key *k, const eb_kind *kind, const char *path, eb_schema_visit_fn fn,
                  void *arg)
{
    if (path[0])
        fn(arg, path, k, kind);
    char sub[256];
    if (k->type == EB_K_MAP) {
        for (const eb_key *f = k->fields; f && f->name; f++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
            visit(f, NULL, sub, fn, arg);
        }
        for (const eb_kind *kd = k->kinds; kd && kd->name; kd++)
            for (const eb_key *f = kd->fields; f && f->name; f++) {
                snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
                visit(f, kd, sub, fn, arg);
            }
    } else if (k->type == EB_K_LIST) {
        snprintf(sub, sizeof sub, "%s[]", path);
        /* the item itself has no key of its own: visit its fields */
        const eb_key *it = k->item;
        if (it->type == EB_K_MAP) {
            for (const eb_key *f = it->fields; f && f->name; f++) {
                char p2[300];
                snprintf(p2, sizeof p2, "%s.%s", sub, f->name);
                visit(f, NULL, p2, fn, arg);
            }
            for (const eb_kind *kd = it->kinds; kd && kd->name; kd++)
                for (const eb_key *f = kd->fields; f && f->name; f++) {
                    char p2[300];
                    snprintf(p2, sizeof p2, "%s.%s", sub, f->name);
                    visit(f, kd, p2, fn, arg);
                }
        }
    } else if (k->type == EB_K_DICT) {
        snprintf(sub, sizeof sub, "%s.*", path);
        const eb_key *it = k->item;
        if (it->type == EB_K_MAP) {
            for (const eb_key *f = it->fields; f && f->name; f++) {
                char p2[300];
                snprintf(p2, sizeof p2, "%s.%s", sub, f->name);
                visit(f, NULL, p2, fn, arg);
            }
        } else {
            fn(arg, sub, it, NULL);
        }
    }
}

void eb_schema_visit(eb_schema_visit_fn fn, void *arg)
{
    visit(eb_schema_root(), NULL, "", fn, arg);
}

/* ---- the keys that sweep, for messages ------------------------------------- */

#define SWEEP_TEXT_LEN 2048

static void add_sweep(void *arg, const char *path, const eb_key *k, const eb_kind *kind)
{
    (void)kind;
    char *text = arg;
    if (!(k->flags & EB_KF_SWEEP))
        return;
    /* condition kinds add many: named once as a group */
    if (strncmp(path, "conditions[].", 13) == 0)
        path = "conditions[] parameters of a kind";
    size_t plen = strlen(path);
    for (const char *p = strstr(text, path); p; p = strstr(p + 1, path))
        if ((p == text || p[-1] == ' ') && (p[plen] == ',' || p[plen] == '\0'))
            return;
    size_t used = strlen(text);
    snprintf(text + used, SWEEP_TEXT_LEN - used, "%s%s", used ? ", " : "", path);
}

const char *eb_schema_sweep_keys(void)
{
    static char text[SWEEP_TEXT_LEN]; /* computed once; the tables are constant */
    if (!text[0])
        eb_schema_visit(add_sweep, text);
    return text;
}
