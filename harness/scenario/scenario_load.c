/* Loading a scenario: read, parse, check the version, apply --set, validate,
 * build (see scenario_stages.h for the stages); and freeing one. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/scenario/scenario_stages.h"

#define MAX_SCENARIO_BYTES (16u << 20)

static eb_status read_text(const char *path, char **out, size_t *len, eb_sdiag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        eb_sdiag_at(d, 0, 0, 0, "cannot open the scenario: %s", strerror(errno));
        return EB_ERR_IO;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap > MAX_SCENARIO_BYTES)
                break;
            char *g = realloc(buf, cap * 2);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) {
        d->nomem = 1;
        return EB_ERR_NOMEM;
    }
    if (n > MAX_SCENARIO_BYTES) {
        free(buf);
        eb_sdiag_at(d, 0, 0, 0, "the scenario is larger than %u MiB", MAX_SCENARIO_BYTES >> 20);
        return EB_ERR_FORMAT;
    }
    if (err) {
        free(buf);
        eb_sdiag_at(d, 0, 0, 0, "cannot read the scenario");
        return EB_ERR_IO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return EB_OK;
}

static int check_version(const eb_ynode *root, eb_sdiag *d)
{
    const eb_ynode *v = eb_ynode_get(root, "edgebench");
    long long x;
    char got[128];
    if (!v) {
        eb_sdiag_node(d, root,
                      "missing required key 'edgebench' (the scenario format version: start the "
                      "file with 'edgebench: %d')",
                      EB_SCENARIO_VERSION);
        return 0;
    }
    if (eb_ynode_int(v, &x) != 1) {
        eb_sdiag_node(d, v, "edgebench: expected an integer (the scenario format version), got %s",
                      eb_ynode_describe(v, got, sizeof got));
        return 0;
    }
    if (x != EB_SCENARIO_VERSION) {
        eb_sdiag_node(d, v,
                      "edgebench: unsupported scenario format version %lld (this edgebench reads "
                      "version %d)",
                      x, EB_SCENARIO_VERSION);
        return 0;
    }
    return 1;
}

eb_status eb_scenario_load_source(const eb_scenario_source *src, eb_scenario **out,
                                  eb_scenario_errors *errors)
{
    *out = NULL;
    memset(errors, 0, sizeof *errors);
    eb_sdiag d = {.path = src->path ? src->path : "<scenario>",
                  .overrides = src->overrides,
                  .n_overrides = src->n_overrides};
    eb_status st = EB_OK;
    eb_ynode *root = NULL;
    eb_scenario *s = calloc(1, sizeof *s);
    if (!s || !src->path || !(s->path = strdup(src->path))) {
        d.nomem = !!src->path;
        st = src->path ? EB_ERR_NOMEM : EB_ERR_INVALID_ARG;
        if (!src->path)
            eb_sdiag_at(&d, 0, 0, 0, "no scenario path given");
        goto done;
    }
    if (src->text) {
        s->yaml_len = strlen(src->text);
        if (!(s->yaml = strdup(src->text))) {
            d.nomem = 1;
            st = EB_ERR_NOMEM;
            goto done;
        }
    } else if ((st = read_text(src->path, &s->yaml, &s->yaml_len, &d)) != EB_OK) {
        goto done;
    }
    s->overrides = calloc((size_t)src->n_overrides + 1, sizeof *s->overrides);
    if (!s->overrides) {
        d.nomem = 1;
        goto done;
    }
    for (int i = 0; i < src->n_overrides; i++)
        if ((s->overrides[s->n_overrides] = strdup(src->overrides[i])))
            s->n_overrides++;

    eb_yaml_error yerr;
    if ((st = eb_yaml_parse(s->yaml, s->yaml_len, 0, &root, &yerr)) != EB_OK) {
        eb_sdiag_at(&d, 0, yerr.line, yerr.col, "%s", yerr.text);
        goto done;
    }
    if (!root) {
        eb_sdiag_at(&d, 0, 0, 0,
                    "the scenario is empty (start it with 'edgebench: %d', then its keys; see "
                    "docs/scenarios.md)",
                    EB_SCENARIO_VERSION);
        goto done;
    }
    if (root->type != EB_Y_MAP) {
        char got[128];
        eb_sdiag_node(&d, root, "expected a map of scenario keys at the top level, got %s",
                      eb_ynode_describe(root, got, sizeof got));
        goto done;
    }
    /* A file of another format version cannot be judged key by key. */
    if (!check_version(root, &d))
        goto done;
    eb_scenario_normalize(root);
    eb_scenario_apply_sets(root, src->overrides, src->n_overrides, &d);
    eb_scenario_normalize(root);
    if (src->n_overrides && !check_version(root, &d))
        goto done;
    eb_scenario_validate(root, &d);

    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    eb_scenario_build(root, s->yaml, cwd, src->backends, s, &d);

done:
    eb_ynode_free(root);
    int nomem = d.nomem;
    eb_sdiag_finish(&d, errors);
    if (errors->total == 0 && st == EB_OK) {
        *out = s;
        return EB_OK;
    }
    eb_scenario_destroy(s);
    if (nomem)
        return EB_ERR_NOMEM;
    return st != EB_OK ? st : EB_ERR_FORMAT;
}

eb_status eb_scenario_load(const char *path, const char *const *overrides, int n_overrides,
                           const eb_backend_names *backends, eb_scenario **out, char *msg,
                           size_t msg_len)
{
    eb_scenario_errors *errors = malloc(sizeof *errors);
    if (!errors) {
        *out = NULL;
        if (msg && msg_len)
            snprintf(msg, msg_len, "%s: out of memory", path);
        return EB_ERR_NOMEM;
    }
    eb_scenario_source src = {.path = path, .overrides = overrides, .n_overrides = n_overrides,
                              .backends = backends};
    eb_status st = eb_scenario_load_source(&src, out, errors);
    if (msg && msg_len) {
        msg[0] = '\0';
        if (st != EB_OK)
            eb_scenario_errors_format(errors, msg, msg_len);
    }
    free(errors);
    return st;
}

static void free_axes(eb_sweep_axis *axes, int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < axes[i].n_values; k++)
            free(axes[i].values[k]);
        free(axes[i].values);
        free(axes[i].key);
    }
    free(axes);
}

static void free_strings(char **v, int n)
{
    for (int i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void eb_scenario_destroy(eb_scenario *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->dir);
    free(s->name);
    free_strings(s->metrics.counters, s->metrics.n_counters);
    free(s->metrics.power);
    free(s->metrics.power_sensor);
    free(s->metrics.power_command);
    free(s->metrics.temperature_sensor);
    free(s->metrics.frequency_sensor);
    free(s->metrics.sysfs_root);
    eb_scenario_dataset *ds = &s->inputs.dataset;
    free(ds->path);
    free(ds->labels);
    free(ds->format);
    free(ds->images_dataset);
    free(ds->labels_dataset);
    free(ds->layout);
    free(ds->resize);
    free(ds->sample_layout);
    free(ds->dtype);
    free(s->outputs.golden);
    free(s->description);
    free(s->yaml);
    free_strings(s->overrides, s->n_overrides);
    for (int i = 0; i < s->n_variants; i++) {
        free(s->variants[i].name);
        free(s->variants[i].path);
        free(s->variants[i].resolved_path);
        free(s->variants[i].description);
    }
    free(s->variants);
    for (int i = 0; i < s->n_backends; i++) {
        eb_scenario_backend *b = &s->backends[i];
        free(b->name);
        free_strings(b->option_keys, b->n_options);
        free_strings(b->option_values, b->n_options);
        free_axes(b->axes, b->n_axes);
    }
    free(s->backends);
    free_axes(s->run_axes, s->n_run_axes);
    for (int i = 0; i < s->n_conditions; i++) {
        eb_scenario_condition *c = &s->conditions[i];
        free(c->name);
        free(c->kind);
        free_strings(c->param_keys, c->n_params);
        free_strings(c->param_values, c->n_params);
        free_axes(c->axes, c->n_axes);
    }
    free(s->conditions);
    free(s->budgets.yaml);
    free(s);
}
