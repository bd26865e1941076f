/* From a schema-checked tree to eb_scenario, with the checks a key table
 * cannot express: model files exist, backend names are known to this build,
 * the reference names a variant, inputs keys fit the distribution, cross-key
 * ranges (max >= min, a timeout that leaves time to measure), unique
 * condition names. Sweep lists become axes.
 *
 * It runs even when the validator found errors, so one load reports as
 * much as it can; reads are tolerant (a value of the wrong type reads as
 * the key's default, the validator has already said why). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_util.h"
#include "common/key_suggest.h"
#include "harness/scenario/scenario_stages.h"

typedef struct builder {
    eb_sdiag *d;
    eb_scenario *s;
    const char *text;
    const char *cwd;
    const eb_backend_names *backends; /* NULL: names not checked */
} builder;

static char *sdup(builder *b, const char *s)
{
    char *r = strdup(s ? s : "");
    if (!r)
        b->d->nomem = 1;
    return r;
}

static void *grow(builder *b, void *arr, int n, size_t size)
{
    void *g = realloc(arr, (size_t)(n + 1) * size);
    if (!g)
        b->d->nomem = 1;
    return g;
}

/* ---- reading values ----------------------------------------------------------- */

/* The scalar a key holds: itself, or the first value of a sweep list. */
static const eb_ynode *first_scalar(const eb_ynode *n)
{
    if (n && n->type == EB_Y_SEQ)
        n = n->n ? n->kids[0] : NULL;
    return n && n->type == EB_Y_SCALAR ? n : NULL;
}

/* Node at a dotted path of map keys under n, or NULL. */
static const eb_ynode *at(const eb_ynode *n, const char *dotted)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", dotted);
    char *save = NULL;
    for (char *p = strtok_r(buf, ".", &save); p && n; p = strtok_r(NULL, ".", &save))
        n = eb_ynode_get(n, p);
    return n;
}

/* Schema row at a dotted path of map keys (kinds' keys included). */
static const eb_key *schema_at(const char *dotted)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", dotted);
    const eb_key *k = eb_schema_root();
    char *save = NULL;
    for (char *p = strtok_r(buf, ".", &save); p && k; p = strtok_r(NULL, ".", &save)) {
        const eb_key *f = eb_schema_field(k, NULL, p);
        for (const eb_kind *kd = k->kinds; !f && kd && kd->name; kd++)
            f = eb_schema_field(k, kd, p);
        k = f;
    }
    return k;
}

static long long int_of(const eb_ynode *n, const char *def)
{
    long long v;
    n = first_scalar(n);
    if (n && eb_ynode_int(n, &v) == 1)
        return v;
    return def ? strtoll(def, NULL, 10) : 0;
}

static double num_of(const eb_ynode *n, const char *def)
{
    double v;
    n = first_scalar(n);
    if (n && eb_ynode_num(n, &v) == 1)
        return v;
    return def ? strtod(def, NULL) : 0;
}

static const char *str_of(const eb_ynode *n, const char *def)
{
    n = first_scalar(n);
    if (n && !eb_ynode_is_null(n))
        return n->text;
    return def ? def : "";
}

static int enum_of(const eb_ynode *n, const eb_key *k)
{
    const char *t = str_of(n, k->def);
    for (int i = 0; k->choices[i]; i++)
        if (strcmp(k->choices[i], t) == 0)
            return i;
    return 0;
}

/* Smallest and largest integer a key takes over its sweep (or its one value). */
static void int_span(const eb_ynode *n, const char *def, long long *lo, long long *hi)
{
    *lo = *hi = int_of(n, def);
    if (!n || n->type != EB_Y_SEQ)
        return;
    for (int i = 0; i < n->n; i++) {
        long long v;
        if (eb_ynode_int(n->kids[i], &v) != 1)
            continue;
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
}

/* A list value becomes an axis; returns the new count or n_axes unchanged. */
static int add_axis(builder *b, eb_sweep_axis **axes, int n_axes, const char *key,
                    const eb_ynode *n)
{
    if (!n || n->type != EB_Y_SEQ || n->n == 0)
        return n_axes;
    eb_sweep_axis *g = grow(b, *axes, n_axes, sizeof **axes);
    if (!g)
        return n_axes;
    *axes = g;
    eb_sweep_axis *a = &g[n_axes];
    memset(a, 0, sizeof *a);
    a->key = sdup(b, key);
    a->values = calloc((size_t)n->n, sizeof *a->values);
    if (!a->values) {
        b->d->nomem = 1;
        return n_axes + 1;
    }
    for (int i = 0; i < n->n; i++)
        a->values[a->n_values++] = sdup(b, n->kids[i]->type == EB_Y_SCALAR ? n->kids[i]->text : "");
    return n_axes + 1;
}

/* ---- paths -------------------------------------------------------------------- */

/* base + "/" + rel (rel itself when absolute), with "." and ".." resolved
 * lexically. malloc'd. */
static char *join_path(const char *base, const char *rel)
{
    size_t len = strlen(base) + strlen(rel) + 3;
    char *tmp = malloc(len), *out = malloc(len);
    if (!tmp || !out) {
        free(tmp);
        free(out);
        return NULL;
    }
    if (rel[0] == '/')
        snprintf(tmp, len, "%s", rel);
    else
        snprintf(tmp, len, "%s/%s", base, rel);
    /* out is built as "/a/b"; each part is copied unless it is "" or ".";
     * ".." removes the last part */
    size_t o = 0;
    char *save = NULL;
    for (char *p = strtok_r(tmp, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0)
            continue;
        if (strcmp(p, "..") == 0) {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        out[o++] = '/';
        size_t pl = strlen(p);
        memcpy(out + o, p, pl);
        o += pl;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    free(tmp);
    return out;
}

/* ---- sections ----------------------------------------------------------------- */

static void build_name(builder *b, const eb_ynode *root)
{
    eb_scenario *s = b->s;
    const eb_ynode *n = eb_ynode_get(root, "name");
    const eb_ynode *v = first_scalar(n);
    if (v && !eb_ynode_is_null(v)) {
        for (const char *p = v->text; *p; p++)
            if (*p == '/' || (unsigned char)*p < 0x20) {
                eb_sdiag_node(b->d, v, "name: must not contain '/' or control characters");
                break;
            }
        s->name = sdup(b, v->text);
    } else {
        const char *base = strrchr(s->path, '/');
        base = base ? base + 1 : s->path;
        const char *dot = strrchr(base, '.');
        size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        if (len == 0 || len > 127)
            eb_sdiag_at(b->d, 0, 0, 0,
                        "the file name does not make a scenario name (1 to 127 bytes); "
                        "set 'name:'");
        if ((s->name = malloc(len + 1))) {
            memcpy(s->name, base, len);
            s->name[len] = '\0';
        } else {
            b->d->nomem = 1;
        }
    }
    s->description = sdup(b, str_of(eb_ynode_get(root, "description"), ""));
}

static void check_model_file(builder *b, const eb_ynode *pn, const char *key, const char *resolved)
{
    struct stat st;
    if (strlen(resolved) >= 512) {
        eb_sdiag_node(b->d, pn, "%s: model path too long (%zu bytes resolved, at most 511)", key,
                      strlen(resolved));
    } else if (stat(resolved, &st) != 0) {
        if (errno == ENOENT)
            eb_sdiag_node(b->d, pn, "%s: model file not found: %s", key, resolved);
        else
            eb_sdiag_node(b->d, pn, "%s: cannot access model file %s: %s", key, resolved,
                          strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        eb_sdiag_node(b->d, pn, "%s: %s is a directory, not a model file", key, resolved);
    } else if (!S_ISREG(st.st_mode)) {
        /* /dev/zero, a FIFO: hashing or loading it would never end */
        eb_sdiag_node(b->d, pn, "%s: %s is not a regular file (a device, FIFO or socket)", key,
                      resolved);
    } else if ((uint64_t)st.st_size > eb_limit_model_bytes()) {
        eb_sdiag_node(b->d, pn, "%s: model file %s is over the size limit of %llu MiB "
                      "(EDGEBENCH_MAX_MODEL_MB)", key, resolved,
                      (unsigned long long)(eb_limit_model_bytes() >> 20));
    } else if (access(resolved, R_OK) != 0) {
        eb_sdiag_node(b->d, pn, "%s: cannot read model file %s: %s", key, resolved,
                      strerror(errno));
    }
}

static void add_variant(builder *b, const char *name, const eb_ynode *pn, const eb_ynode *descn,
                        const char *key)
{
    eb_scenario *s = b->s;
    if (!pn || pn->type != EB_Y_SCALAR || eb_ynode_is_null(pn) || !pn->text[0])
        return; /* the validator has said what is wrong */
    eb_scenario_variant *g = grow(b, s->variants, s->n_variants, sizeof *g);
    if (!g)
        return;
    s->variants = g;
    eb_scenario_variant *v = &g[s->n_variants++];
    memset(v, 0, sizeof *v);
    v->name = sdup(b, name);
    v->path = sdup(b, pn->text);
    v->description = sdup(b, str_of(descn, ""));
    v->line = pn->src ? 0 : pn->line;
    v->col = pn->src ? 0 : pn->col;
    /* A path from the file is relative to the file; one from --set to the
     * directory edgebench runs in, as any command-line path. */
    if (!(v->resolved_path = join_path(pn->src || !s->dir ? b->cwd : s->dir, pn->text))) {
        b->d->nomem = 1;
        return;
    }
    check_model_file(b, pn, key, v->resolved_path);
}

static void build_model(builder *b, const eb_ynode *root)
{
    eb_scenario *s = b->s;
    const eb_ynode *model = eb_ynode_get(root, "model");
    if (!model || model->type != EB_Y_MAP)
        return;
    const eb_ynode *pn = eb_ynode_get(model, "path"), *vn = eb_ynode_get(model, "variants");
    if (pn && vn) {
        /* point at the one given last: a --set, else the later key */
        const eb_ynode *later = pn->src != vn->src ? (pn->src > vn->src ? pn : vn)
                                : pn->key_line > vn->key_line ? pn : vn;
        eb_sdiag_key(b->d, later, "model: give either 'path' or 'variants', not both");
    } else if (!pn && !vn) {
        eb_sdiag_node(b->d, model, "model: missing required key 'path' (or 'variants')");
    } else if (pn) {
        add_variant(b, "default", pn, NULL, "model.path");
    } else if (vn->type == EB_Y_MAP) {
        for (int i = 0; i < vn->n; i++) {
            const eb_ynode *v = vn->kids[i];
            if (v->type != EB_Y_MAP || !eb_schema_is_name(v->key) ||
                eb_ynode_get(vn, v->key) != v /* a duplicate */)
                continue;
            char key[128];
            snprintf(key, sizeof key, "model.variants.%s.path", v->key);
            add_variant(b, v->key, eb_ynode_get(v, "path"), eb_ynode_get(v, "description"), key);
        }
    }

    const eb_ynode *rn = eb_ynode_get(model, "reference");
    if (!rn || rn->type != EB_Y_SCALAR || !s->n_variants)
        return;
    const char *names[256];
    int n = 0;
    for (int i = 0; i < s->n_variants; i++) {
        if (s->variants[i].name && strcmp(s->variants[i].name, rn->text) == 0) {
            s->reference = i;
            return;
        }
        if (n < 256 && s->variants[i].name)
            names[n++] = s->variants[i].name;
    }
    char list[400] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    const char *near = eb_key_suggest(rn->text, names, n);
    if (near)
        eb_sdiag_node(b->d, rn, "model.reference: unknown variant '%s' (did you mean '%s'? "
                                "variants: %s)",
                      rn->text, near, list);
    else
        eb_sdiag_node(b->d, rn, "model.reference: unknown variant '%s' (variants: %s)", rn->text,
                      list);
}

/* A list of numbers (at most max) into v; returns the count. */
static int num_list(const eb_ynode *n, const char *def, double *v, int max)
{
    if (!n || n->type != EB_Y_SEQ) {
        /* the default is written "[x]" */
        v[0] = def ? strtod(def + (def[0] == '['), NULL) : 0;
        return 1;
    }
    int k = 0;
    for (int i = 0; i < n->n && k < max; i++) {
        double x;
        if (eb_ynode_num(n->kids[i], &x) == 1)
            v[k++] = x;
    }
    return k ? k : 1;
}

static void build_dataset(builder *b, const eb_ynode *n)
{
    eb_scenario_dataset *d = &b->s->inputs.dataset;
    const char *p = str_of(at(n, "path"), "");
    d->path = join_path(b->s->dir, p);
    const char *l = str_of(at(n, "labels"), "");
    d->labels = l[0] ? join_path(b->s->dir, l) : sdup(b, "");
    if (!d->path || !d->labels)
        b->d->nomem = 1;
    d->format = sdup(b, str_of(at(n, "format"), "auto"));
    d->images_dataset = sdup(b, str_of(at(n, "images_dataset"), "images"));
    d->labels_dataset = sdup(b, str_of(at(n, "labels_dataset"), ""));
    d->limit = (uint64_t)int_of(at(n, "limit"), "0");
    d->shuffled = strcmp(str_of(at(n, "order"), "sequential"), "shuffled") == 0;
    d->seed = (uint64_t)int_of(at(n, "seed"), "0");
    d->scale = num_of(at(n, "normalize.scale"), schema_at("inputs.normalize.scale")->def);
    d->n_mean = num_list(at(n, "normalize.mean"), "[0]", d->mean, 4);
    d->n_std = num_list(at(n, "normalize.std"), "[1]", d->std, 4);
    d->layout = sdup(b, str_of(at(n, "layout"), "auto"));
    d->resize = sdup(b, str_of(at(n, "resize"), "bilinear"));
    d->sample_layout = sdup(b, str_of(at(n, "sample_layout"), "hwc"));
    d->dtype = sdup(b, str_of(at(n, "dtype"), "auto"));
    /* the files must exist now: a typo should not surface in the first cell */
    const eb_ynode *files[2] = {at(n, "path"), at(n, "labels")};
    const char *resolved[2] = {d->path, d->labels};
    for (int i = 0; i < 2; i++) {
        struct stat st;
        if (!files[i] || !resolved[i] || !resolved[i][0])
            continue;
        if (stat(resolved[i], &st) != 0 || !S_ISREG(st.st_mode))
            eb_sdiag_node(b->d, files[i], "inputs.%s: %s: %s", i ? "labels" : "path", resolved[i],
                          stat(resolved[i], &st) != 0 ? "file not found" : "not a file");
    }
}

static void build_accuracy(builder *b, const eb_ynode *root)
{
    eb_scenario_accuracy *a = &b->s->accuracy;
    const eb_ynode *n = eb_ynode_get(root, "accuracy");
    a->top_k = (int)int_of(at(n, "top_k"), "5");
    a->reference = strcmp(str_of(at(n, "reference"), "on"), "on") == 0;
    a->max_compare = int_of(at(n, "max_compare"), "10000");
}

static void build_outputs(builder *b, const eb_ynode *root)
{
    eb_scenario_outputs *o = &b->s->outputs;
    const eb_ynode *n = eb_ynode_get(root, "outputs");
    o->store = strcmp(str_of(at(n, "store"), "off"), "on") == 0;
    o->max_samples = int_of(at(n, "max_samples"), schema_at("outputs.max_samples")->def);
    o->max_mb = num_of(at(n, "max_mb"), schema_at("outputs.max_mb")->def);
    o->rtol = num_of(at(n, "rtol"), schema_at("outputs.rtol")->def);
    o->atol = num_of(at(n, "atol"), schema_at("outputs.atol")->def);
    o->equal_nan = strcmp(str_of(at(n, "equal_nan"), "off"), "on") == 0;
    o->worst = (int)int_of(at(n, "worst"), schema_at("outputs.worst")->def);
    const eb_ynode *gn = at(n, "golden");
    const char *g = str_of(gn, "");
    /* relative to the scenario file, as model and dataset paths; from --set
     * relative to where edgebench runs */
    o->golden = g[0] ? join_path(gn->src || !b->s->dir ? b->cwd : b->s->dir, g) : sdup(b, "");
    if (!o->golden) {
        b->d->nomem = 1;
        return;
    }
    if (gn && !gn->src) {
        o->golden_line = gn->line;
        o->golden_col = gn->col;
    }
    if (strchr(g, '\n')) {
        eb_sdiag_node(b->d, gn, "outputs.golden: a path with a line break");
        return;
    }
    struct stat st;
    if (g[0] && (stat(o->golden, &st) != 0 || !S_ISREG(st.st_mode)))
        eb_sdiag_node(b->d, gn, "outputs.golden: %s: %s", o->golden,
                      stat(o->golden, &st) != 0 ? "file not found" : "not a file");
}

static void build_inputs(builder *b, const eb_ynode *root)
{
    eb_scenario_inputs *in = &b->s->inputs;
    const eb_ynode *n = eb_ynode_get(root, "inputs");
    in->batch = int_of(at(n, "batch"), schema_at("inputs.batch")->def);
    if (strcmp(str_of(at(n, "kind"), "random"), "dataset") == 0) {
        in->kind = EB_INPUT_DATASET;
        build_dataset(b, n);
        return;
    }
    in->kind = EB_INPUT_RANDOM;
    eb_scenario_random *r = &in->random;
    r->seed = (uint64_t)int_of(at(n, "seed"), schema_at("inputs.seed")->def);
    r->distribution =
        (eb_input_distribution)enum_of(at(n, "distribution"), schema_at("inputs.distribution"));
    r->low = num_of(at(n, "low"), schema_at("inputs.low")->def);
    r->high = num_of(at(n, "high"), schema_at("inputs.high")->def);
    r->mean = num_of(at(n, "mean"), schema_at("inputs.mean")->def);
    r->std = num_of(at(n, "std"), schema_at("inputs.std")->def);

    /* Cross-key checks only on values the validator accepted. */
    const eb_ynode *dn = first_scalar(at(n, "distribution"));
    if (at(n, "distribution") && (!dn || strcmp(dn->text, eb_input_distribution_str(
                                                              r->distribution)) != 0))
        return;
    static const char *const uniform_keys[] = {"low", "high"};
    static const char *const normal_keys[] = {"mean", "std"};
    int uniform = r->distribution == EB_INPUT_UNIFORM;
    const char *const *wrong = uniform ? normal_keys : uniform_keys;
    for (int i = 0; i < 2; i++) {
        const eb_ynode *k = eb_ynode_get(n, wrong[i]);
        if (k)
            eb_sdiag_key(b->d, k,
                         "inputs.%s: applies only to distribution %s (%s uses %s)", wrong[i],
                         uniform ? "normal" : "uniform", uniform ? "uniform" : "normal",
                         uniform ? "low and high" : "mean and std");
    }
    double v;
    const eb_ynode *lown = at(n, "low"), *highn = at(n, "high");
    int nums_ok = (!lown || eb_ynode_num(lown, &v) == 1) && (!highn || eb_ynode_num(highn, &v) == 1);
    if (uniform && nums_ok && !(r->low < r->high)) {
        const eb_ynode *hn = eb_ynode_get(n, "high");
        const eb_ynode *at_n = hn ? hn : eb_ynode_get(n, "low");
        if (at_n)
            eb_sdiag_node(b->d, at_n, "inputs.high: must be greater than inputs.low (%g, %g)",
                          r->low, r->high);
    }
}

static void unknown_backend(builder *b, const eb_ynode *nn, int i)
{
    const char *names[64];
    int n = b->backends->available ? b->backends->available(b->backends->ctx, names, 64) : 0;
    char list[600] = "";
    size_t used = 0;
    for (int k = 0; k < n && used < sizeof list; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
    const char *near = eb_key_suggest(nn->text, names, n);
    if (near)
        eb_sdiag_node(b->d, nn,
                      "backends[%d]: unknown backend '%s' (did you mean '%s'? known backends: %s)",
                      i, nn->text, near, list);
    else
        eb_sdiag_node(b->d, nn, "backends[%d]: unknown backend '%s' (known backends: %s)", i,
                      nn->text, n ? list : "none");
}

static void build_backends(builder *b, const eb_ynode *root)
{
    eb_scenario *s = b->s;
    const eb_ynode *list = eb_ynode_get(root, "backends");
    if (!list || list->type != EB_Y_SEQ)
        return;
    const char *threads_def = eb_schema_field(schema_at("backends")->item, NULL, "threads")->def;
    for (int i = 0; i < list->n; i++) {
        const eb_ynode *e = list->kids[i];
        const eb_ynode *nn = eb_ynode_get(e, "name");
        if (e->type != EB_Y_MAP || !nn || nn->type != EB_Y_SCALAR || eb_ynode_is_null(nn))
            continue;
        if (b->backends && !b->backends->known(b->backends->ctx, nn->text))
            unknown_backend(b, nn, i);
        eb_scenario_backend *g = grow(b, s->backends, s->n_backends, sizeof *g);
        if (!g)
            return;
        s->backends = g;
        eb_scenario_backend *be = &g[s->n_backends++];
        memset(be, 0, sizeof *be);
        be->name = sdup(b, nn->text);
        be->line = nn->src ? 0 : nn->line;
        be->col = nn->src ? 0 : nn->col;
        const eb_ynode *tn = eb_ynode_get(e, "threads");
        be->threads = (int)int_of(tn, threads_def);
        be->n_axes = add_axis(b, &be->axes, be->n_axes, "threads", tn);

        const eb_ynode *on = eb_ynode_get(e, "options");
        if (!on || on->type != EB_Y_MAP || !on->n)
            continue;
        be->option_keys = calloc((size_t)on->n, sizeof *be->option_keys);
        be->option_values = calloc((size_t)on->n, sizeof *be->option_values);
        if (!be->option_keys || !be->option_values) {
            b->d->nomem = 1;
            continue;
        }
        for (int k = 0; k < on->n; k++) {
            const eb_ynode *o = on->kids[k];
            if (eb_ynode_get(on, o->key) != o)
                continue; /* duplicate key, reported */
            be->option_keys[be->n_options] = sdup(b, o->key);
            be->option_values[be->n_options++] = sdup(b, str_of(o, ""));
            char axis[128];
            snprintf(axis, sizeof axis, "options.%s", o->key);
            be->n_axes = add_axis(b, &be->axes, be->n_axes, axis, o);
        }
    }
}

/* run.load: the pattern and its parameters (defaults from the schema);
 * a server search needs a bound, and its trials must fit the timeout. */
static void build_load(builder *b, const eb_ynode *run)
{
    eb_run_settings *r = &b->s->run;
    eb_run_load *l = &r->load;
    const eb_ynode *n = at(run, "load");
    static const char *const names[] = {"single_stream", "multi_stream", "server", "offline"};
    const char *kind = str_of(at(n, "kind"), "single_stream");
    l->pattern = EB_PATTERN_SINGLE_STREAM;
    for (int i = 0; i < 4; i++)
        if (strcmp(kind, names[i]) == 0)
            l->pattern = (eb_load_pattern)i;
    l->samples_per_query = int_of(at(n, "samples_per_query"),
                                  schema_at("run.load.samples_per_query")->def);
    l->interval_ms = num_of(at(n, "interval_ms"), schema_at("run.load.interval_ms")->def);
    l->target_qps = num_of(at(n, "target_qps"), schema_at("run.load.target_qps")->def);
    l->duration_s = num_of(at(n, "duration_s"), schema_at("run.load.duration_s")->def);
    l->latency_bound_ms =
        num_of(at(n, "latency_bound_ms"), schema_at("run.load.latency_bound_ms")->def);
    l->search = strcmp(str_of(at(n, "search"), "false"), "true") == 0;
    l->max_trials = (int)int_of(at(n, "max_trials"), schema_at("run.load.max_trials")->def);
    l->batch = int_of(at(n, "batch"), schema_at("run.load.batch")->def);
    if (l->pattern != EB_PATTERN_SERVER)
        return;
    if (l->search && !(l->latency_bound_ms > 0)) {
        const eb_ynode *where = at(n, "search");
        eb_sdiag_node(b->d, where ? where : n,
                      "run.load.search: a search needs run.load.latency_bound_ms > 0");
    }
    /* each trial may serve its queue for twice its window */
    double worst = 2 * l->duration_s * (l->search ? l->max_trials : 1);
    if (r->timeout_s > 0 && worst >= r->timeout_s) {
        const eb_ynode *where = at(n, "duration_s");
        eb_sdiag_node(b->d, where ? where : n,
                      "run.load.duration_s: %g s x %d trial(s), each with its drain (twice the "
                      "window), may take %g s: more than run.timeout_s (%g s)",
                      l->duration_s, l->search ? l->max_trials : 1, worst, r->timeout_s);
    }
}

static void build_run(builder *b, const eb_ynode *root)
{
    eb_scenario *s = b->s;
    eb_run_settings *r = &s->run;
    const eb_ynode *run = eb_ynode_get(root, "run");
    for (const eb_run_field *f = eb_run_fields; f->path; f++) {
        const eb_ynode *n = at(root, f->path);
        int64_t v = (int64_t)int_of(n, schema_at(f->path)->def);
        memcpy((char *)r + f->offset, &v, sizeof v);
        if (f->sweeps)
            s->n_run_axes = add_axis(b, &s->run_axes, s->n_run_axes, f->path, n);
    }
    r->order = (eb_run_order)enum_of(at(run, "order"), schema_at("run.order"));
    r->seed = (uint64_t)int_of(at(run, "seed"), schema_at("run.seed")->def);
    r->isolation = (eb_isolation)enum_of(at(run, "isolation"), schema_at("run.isolation"));
    r->timeout_s = num_of(at(run, "timeout_s"), schema_at("run.timeout_s")->def);
    build_load(b, run);

    /* Every sweep value of one key meets every value of the other. */
    const eb_ynode *minn = at(run, "measure.min_time_ms"), *maxn = at(run, "measure.max_time_ms");
    long long min_lo, min_hi, max_lo, max_hi;
    int_span(minn, schema_at("run.measure.min_time_ms")->def, &min_lo, &min_hi);
    int_span(maxn, schema_at("run.measure.max_time_ms")->def, &max_lo, &max_hi);
    if (max_lo < min_hi) {
        if (maxn)
            eb_sdiag_node(b->d, maxn,
                          "run.measure.max_time_ms: %lld is less than run.measure.min_time_ms "
                          "(%lld)",
                          max_lo, min_hi);
        else if (minn)
            eb_sdiag_node(b->d, minn,
                          "run.measure.min_time_ms: %lld is more than run.measure.max_time_ms "
                          "(%lld, its default)",
                          min_hi, max_lo);
    }

    const eb_ynode *wminn = at(run, "warmup.min_time_ms"), *ton = at(run, "timeout_s");
    long long wmin_lo, wmin_hi;
    int_span(wminn, schema_at("run.warmup.min_time_ms")->def, &wmin_lo, &wmin_hi);
    long long need = wmin_hi + min_hi;
    if (r->timeout_s > 0 && r->timeout_s * 1000.0 <= (double)need) {
        const eb_ynode *where = ton ? ton : minn ? minn : wminn;
        if (where)
            eb_sdiag_node(b->d, where,
                          "run.timeout_s: %g s leaves no time to measure: run.warmup.min_time_ms "
                          "+ run.measure.min_time_ms = %lld ms",
                          r->timeout_s, need);
    }
}

/* A map-valued condition parameter (drift) becomes "drift.<key>" entries,
 * present keys only; drift.param must name a numeric parameter of the kind. */
static void add_map_params(builder *b, eb_scenario_condition *c, const eb_kind *kind,
                           const eb_key *f, const eb_ynode *pn)
{
    if (!pn || pn->type != EB_Y_MAP)
        return;
    int extra = 0;
    for (const eb_key *sub = f->fields; sub && sub->name; sub++)
        extra++;
    char **k2 = realloc(c->param_keys, (size_t)(c->n_params + extra + 8) * sizeof *k2);
    if (k2)
        c->param_keys = k2;
    char **v2 = realloc(c->param_values, (size_t)(c->n_params + extra + 8) * sizeof *v2);
    if (v2)
        c->param_values = v2;
    if (!k2 || !v2) {
        b->d->nomem = 1;
        return;
    }
    for (const eb_key *sub = f->fields; sub && sub->name; sub++) {
        const eb_ynode *sn = eb_ynode_get(pn, sub->name);
        if (!sn && !sub->def)
            continue;
        char key[128];
        snprintf(key, sizeof key, "%s.%s", f->name, sub->name);
        c->param_keys[c->n_params] = sdup(b, key);
        c->param_values[c->n_params++] = sdup(b, str_of(sn, sub->def));
    }
    const eb_ynode *param = first_scalar(eb_ynode_get(pn, "param"));
    if (!param)
        return;
    const eb_key *target = NULL;
    for (const eb_key *k = kind->fields; k->name; k++)
        if (strcmp(k->name, param->text) == 0 && k->type == EB_K_NUM)
            target = k;
    if (!target) {
        char names[256] = "";
        size_t used = 0;
        for (const eb_key *k = kind->fields; k->name && used < sizeof names; k++)
            if (k->type == EB_K_NUM)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         used ? ", " : "", k->name);
        eb_sdiag_node(b->d, param, "%s.param: '%s' is not a parameter of kind %s (%s)", f->name,
                      param->text, kind->name, names);
    }
}

static void add_condition(builder *b, const char *name, const char *kind_name,
                          const eb_kind *kind, const eb_ynode *cn)
{
    eb_scenario *s = b->s;
    eb_scenario_condition *g = grow(b, s->conditions, s->n_conditions, sizeof *g);
    if (!g)
        return;
    s->conditions = g;
    eb_scenario_condition *c = &g[s->n_conditions++];
    memset(c, 0, sizeof *c);
    c->name = sdup(b, name);
    c->kind = sdup(b, kind_name);
    int n = 0;
    for (const eb_key *f = kind ? kind->fields : NULL; f && f->name; f++)
        n++;
    if (!n)
        return;
    c->param_keys = calloc((size_t)n, sizeof *c->param_keys);
    c->param_values = calloc((size_t)n, sizeof *c->param_values);
    if (!c->param_keys || !c->param_values) {
        b->d->nomem = 1;
        return;
    }
    for (const eb_key *f = kind->fields; f->name; f++) {
        const eb_ynode *pn = eb_ynode_get(cn, f->name);
        if (f->type == EB_K_MAP) {
            add_map_params(b, c, kind, f, pn);
            continue;
        }
        c->param_keys[c->n_params] = sdup(b, f->name);
        c->param_values[c->n_params++] = sdup(b, str_of(pn, f->def));
        c->n_axes = add_axis(b, &c->axes, c->n_axes, f->name, pn);
    }
}

static void build_conditions(builder *b, const eb_ynode *root)
{
    const eb_key *schema = schema_at("conditions")->item;
    const eb_ynode *list = eb_ynode_get(root, "conditions");
    if (!list) {
        add_condition(b, "plain", "plain", eb_schema_kind(schema, "plain"), NULL);
        return;
    }
    if (list->type != EB_Y_SEQ)
        return;
    for (int i = 0; i < list->n; i++) {
        const eb_ynode *c = list->kids[i];
        const eb_ynode *nn = eb_ynode_get(c, "name"), *kn = eb_ynode_get(c, "kind");
        if (!nn || nn->type != EB_Y_SCALAR || !kn || kn->type != EB_Y_SCALAR)
            continue;
        for (int j = 0; j < i; j++) {
            const eb_ynode *other = eb_ynode_get(list->kids[j], "name");
            if (!other || other->type != EB_Y_SCALAR || strcmp(other->text, nn->text) != 0)
                continue;
            if (other->src == 0)
                eb_sdiag_node(b->d, nn,
                              "conditions[%d].name: duplicate condition name '%s' (first at "
                              "line %d, column %d)",
                              i, nn->text, other->line, other->col);
            else
                eb_sdiag_node(b->d, nn, "conditions[%d].name: duplicate condition name '%s'", i,
                              nn->text);
            break;
        }
        const eb_kind *kind = eb_schema_kind(schema, kn->text);
        if (kind)
            add_condition(b, nn->text, kn->text, kind, c);
    }
}

static void build_budgets(builder *b, const eb_ynode *root)
{
    eb_scenario_budgets *bg = &b->s->budgets;
    const eb_ynode *n = eb_ynode_get(root, "budgets");
    if (!n)
        return;
    bg->present = 1;
    bg->line = n->key_line;
    bg->col = n->key_col;
    bg->n_entries = n->type == EB_Y_SEQ ? n->n : 0;
    if (n->src != 0 || !b->text)
        return;
    size_t start = n->key_start, end = n->end;
    while (start > 0 && b->text[start - 1] != '\n')
        start--;
    while (end > start && strchr(" \t\r\n", b->text[end - 1]))
        end--;
    if ((bg->yaml = malloc(end - start + 2))) {
        memcpy(bg->yaml, b->text + start, end - start);
        bg->yaml[end - start] = '\n';
        bg->yaml[end - start + 1] = '\0';
    } else {
        b->d->nomem = 1;
    }
}

/* `metrics:` (docs/sensors.md); a relative sysfs_root is resolved like a
 * model path. */
static void build_metrics(builder *b, const eb_ynode *root)
{
    eb_scenario_metrics *m = &b->s->metrics;
    const eb_ynode *n = eb_ynode_get(root, "metrics");
    const eb_ynode *list = eb_ynode_get(n, "counters");
    if (list && list->type == EB_Y_SEQ && list->n > 0) {
        if (!(m->counters = calloc((size_t)list->n, sizeof *m->counters))) {
            b->d->nomem = 1;
            return;
        }
        for (int i = 0; i < list->n; i++)
            if (list->kids[i]->type == EB_Y_SCALAR)
                m->counters[m->n_counters++] = sdup(b, list->kids[i]->text);
    }
    m->sample_period_ms =
        int_of(at(n, "sample_period_ms"), schema_at("metrics.sample_period_ms")->def);
    m->power = sdup(b, str_of(at(n, "power"), "auto"));
    m->power_sensor = sdup(b, str_of(at(n, "power_sensor"), ""));
    m->power_command = sdup(b, str_of(at(n, "power_command"), ""));
    m->temperature_sensor = sdup(b, str_of(at(n, "temperature_sensor"), ""));
    m->frequency_sensor = sdup(b, str_of(at(n, "frequency_sensor"), ""));
    const eb_ynode *rn = first_scalar(at(n, "sysfs_root"));
    if (rn && !eb_ynode_is_null(rn) && rn->text[0]) {
        if (!(m->sysfs_root = join_path(rn->src || !b->s->dir ? b->cwd : b->s->dir, rn->text)))
            b->d->nomem = 1;
    } else {
        m->sysfs_root = sdup(b, "");
    }
    m->idle_baseline_ms =
        int_of(at(n, "idle_baseline_ms"), schema_at("metrics.idle_baseline_ms")->def);
    m->calibration_ms = int_of(at(n, "calibration_ms"), schema_at("metrics.calibration_ms")->def);
    m->throttle_threshold =
        num_of(at(n, "throttle_threshold"), schema_at("metrics.throttle_threshold")->def);
    m->temperature_limit_c = num_of(at(n, "temperature_limit_c"), "0");
    m->frequency_limit_mhz = num_of(at(n, "frequency_limit_mhz"), "0");
    const char *prof = str_of(at(n, "op_profile"), "off");
    m->op_profile = strcmp(prof, "on") == 0 || strcmp(prof, "true") == 0;
    m->op_profile_iterations =
        int_of(at(n, "op_profile_iterations"), schema_at("metrics.op_profile_iterations")->def);
}

void eb_scenario_build(const eb_ynode *root, const char *text, const char *cwd,
                       const eb_backend_names *backends, eb_scenario *s, eb_sdiag *d)
{
    builder b = {.d = d, .s = s, .text = text, .cwd = cwd, .backends = backends};
    const char *slash = strrchr(s->path, '/');
    char *dir = slash ? strndup(s->path, slash == s->path ? 1 : (size_t)(slash - s->path))
                      : strdup(".");
    if (!dir || !(s->dir = join_path(cwd, dir)))
        d->nomem = 1;
    free(dir);
    build_name(&b, root);
    build_model(&b, root);
    build_inputs(&b, root);
    build_accuracy(&b, root);
    build_outputs(&b, root);
    build_backends(&b, root);
    build_run(&b, root);
    build_conditions(&b, root);
    build_budgets(&b, root);
    build_metrics(&b, root);
}
