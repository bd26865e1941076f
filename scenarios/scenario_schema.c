/* The scenario key tables (format version 1). docs/scenarios.md documents
 * each row; tests/test_scenario.c checks that it does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/scenario_schema.h"

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

/* A later issue adds {"dataset", dataset_fields} here. */
static const eb_kind input_kinds[] = {{"random", random_fields}, {0}};

static const eb_key inputs_fields[] = {{.name = "kind", .type = EB_K_KIND, .def = "random"}, {0}};

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

static const eb_key run_fields[] = {
    {.name = "warmup", .type = EB_K_MAP, .fields = warmup_fields},
    {.name = "measure", .type = EB_K_MAP, .fields = measure_fields},
    {.name = "repetitions", .type = EB_K_INT, .imin = 1, .imax = 10000, .def = "1"},
    {.name = "order", .type = EB_K_ENUM, .choices = orders, .def = "ordered"},
    {.name = "seed", .type = EB_K_INT, .imin = 0, .imax = INT64_MAX, .def = "0"},
    {.name = "isolation", .type = EB_K_ENUM, .choices = isolations, .def = "process"},
    {.name = "timeout_s", .type = EB_K_NUM, .flags = EB_KF_ABOVE_MIN, .fmin = 0, .fmax = 604800,
     .def = "300"},
    {0}};

const eb_run_field eb_run_fields[] = {
    {"warmup.iterations", offsetof(eb_run_settings, warmup_iterations), 1},
    {"warmup.min_time_ms", offsetof(eb_run_settings, warmup_min_time_ms), 1},
    {"measure.iterations", offsetof(eb_run_settings, measure_iterations), 1},
    {"measure.min_time_ms", offsetof(eb_run_settings, measure_min_time_ms), 1},
    {"measure.max_time_ms", offsetof(eb_run_settings, measure_max_time_ms), 1},
    {"repetitions", offsetof(eb_run_settings, repetitions), 0},
    {0}};

/* ---- conditions: one key table per kind ------------------------------------ */

static const eb_key plain_fields[] = {{0}};

/* Later issues add kinds with parameters here, e.g.
 *     {"noise", noise_fields}  with  {.name = "sigma", .type = EB_K_NUM, .flags = EB_KF_SWEEP}
 * The builder turns each kind's fields into the condition's resolved
 * parameters (defaults filled in) and sweep axes. */
static const eb_kind condition_kinds[] = {{"plain", plain_fields}, {0}};

static const eb_key condition_fields[] = {
    {.name = "name", .type = EB_K_STR, .flags = EB_KF_REQUIRED | EB_KF_NAME},
    {.name = "kind", .type = EB_K_KIND, .flags = EB_KF_REQUIRED},
    {0}};

static const eb_key condition = {.name = "<condition>", .type = EB_K_MAP,
                                 .fields = condition_fields, .kinds = condition_kinds};

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
    {0}};

const eb_key eb_schema_root = {.name = "", .type = EB_K_MAP, .fields = root_fields};

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
    visit(&eb_schema_root, NULL, "", fn, arg);
}

/* ---- the keys that sweep, for messages ------------------------------------- */

static void add_sweep(void *arg, const char *path, const eb_key *k, const eb_kind *kind)
{
    (void)kind;
    char *text = arg;
    if (!(k->flags & EB_KF_SWEEP))
        return;
    size_t used = strlen(text);
    snprintf(text + used, 512 - used, "%s%s", used ? ", " : "", path);
}

const char *eb_schema_sweep_keys(void)
{
    static char text[512]; /* computed once; the tables are constant */
    if (!text[0])
        eb_schema_visit(add_sweep, text);
    return text;
}
