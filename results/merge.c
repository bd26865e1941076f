/* Merging results files by copying HDF5 groups (see merge.h for the rules). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "common/h5_util.h"
#include "results/merge.h"
#include "results/results.h"
#include "results/store.h"
#include "results/store_copy.h"
#include "results/store_schema.h"

/* ---- what the output holds (kept in memory while merging) ------------- */

typedef struct out_device {
    char *id;
    size_t n;
    char **keys, **vals;
} out_device;

typedef struct out_scenario {
    char *name;
    char *yaml;
    size_t n_models;
    char **sha; /* model hashes, in order */
} out_scenario;

typedef struct merge_state {
    const char *out_path;
    const eb_merge_options *o;
    eb_merge_stats *stats;
    char *msg;
    size_t msg_len;
    eb_store *store; /* the output: ids, /summary and replacement are the store's */
    size_t n_dev, cap_dev;
    out_device *dev;
    size_t n_scen, cap_scen;
    out_scenario *scen;
    /* run identity keys (open addressing, power-of-two capacity) */
    char **keys;
    size_t n_keys, cap_keys;
    size_t skipped_here; /* runs of the current input already in the output */
} merge_state;

static char *dupstr(const char *s)
{
    return strdup(s ? s : "");
}

static eb_status nomem(merge_state *m)
{
    snprintf(m->msg, m->msg_len, "%s: out of memory while merging", m->out_path);
    return EB_ERR_NOMEM;
}

__attribute__((format(printf, 2, 3)))
static void note(const merge_state *m, const char *fmt, ...)
{
    if (!m->o->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(m->o->log, fmt, ap);
    va_end(ap);
}

/* Session keys of a device group: who ran it and how, not what it is (the
 * host name: a default device id names the hardware, which many hosts share). */
static int session_key(const char *key)
{
    return strcmp(key, "tags") == 0 || strcmp(key, "hostname") == 0 || strncmp(key, "farm_", 5) == 0;
}

/* ---- run identity set ------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int keys_has(const merge_state *m, const char *k)
{
    if (!m->cap_keys)
        return 0;
    for (size_t i = hash_str(k) & (m->cap_keys - 1);; i = (i + 1) & (m->cap_keys - 1)) {
        if (!m->keys[i])
            return 0;
        if (strcmp(m->keys[i], k) == 0)
            return 1;
    }
}

static int keys_put(merge_state *m, char *k) /* takes k */
{
    if ((m->n_keys + 1) * 2 > m->cap_keys) {
        size_t cap = m->cap_keys ? m->cap_keys * 2 : 256;
        char **nk = calloc(cap, sizeof *nk);
        if (!nk) {
            free(k);
            return -1;
        }
        for (size_t i = 0; i < m->cap_keys; i++) {
            if (!m->keys[i])
                continue;
            size_t j = hash_str(m->keys[i]) & (cap - 1);
            while (nk[j])
                j = (j + 1) & (cap - 1);
            nk[j] = m->keys[i];
        }
        free(m->keys);
        m->keys = nk;
        m->cap_keys = cap;
    }
    size_t j = hash_str(k) & (m->cap_keys - 1);
    while (m->keys[j])
        j = (j + 1) & (m->cap_keys - 1);
    m->keys[j] = k;
    m->n_keys++;
    return 0;
}

/* What makes a run the same run, whichever file it came through. */
static char *run_key(const eb_run_record *r, const char *device, const char *scenario)
{
    size_t len = strlen(device) + strlen(scenario) + strlen(r->backend) +
                 strlen(r->backend_options) + strlen(r->variant) +
                 strlen(r->condition) + strlen(r->sweep) + strlen(r->started) +
                 strlen(r->finished) + 200;
    char *k = malloc(len);
    /* Times have one-second resolution, so two quick runs of one cell can
     * share them: the measured numbers (exact, as hex floats) tell them
     * apart. */
    if (k)
        snprintf(k, len, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d\x1f%s\x1f%s\x1f%llu\x1f%a\x1f%a\x1f%a",
                 device, scenario, r->backend, r->backend_options, r->variant, r->condition, r->sweep,
                 r->cell_index, r->repetition, r->started, r->finished,
                 (unsigned long long)r->n, r->wall_s, r->summary.p50, r->summary.mean);
    return k;
}

/* ---- devices ---------------------------------------------------------- */

static out_device *find_dev(merge_state *m, const char *id)
{
    for (size_t i = 0; i < m->n_dev; i++)
        if (strcmp(m->dev[i].id, id) == 0)
            return &m->dev[i];
    return NULL;
}

static const char *dev_val(const out_device *d, const char *key)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->keys[i], key) == 0)
            return d->vals[i];
    return NULL;
}

static int dev_add_kv(out_device *d, const char *key, const char *val)
{
    char **k = realloc(d->keys, (d->n + 1) * sizeof *k);
    if (!k)
        return -1;
    d->keys = k;
    char **v = realloc(d->vals, (d->n + 1) * sizeof *v);
    if (!v)
        return -1;
    d->vals = v;
    if (!(d->keys[d->n] = dupstr(key)))
        return -1;
    if (!(d->vals[d->n] = dupstr(val))) {
        free(d->keys[d->n]);
        return -1;
    }
    d->n++;
    return 0;
}

static out_device *add_dev(merge_state *m, const char *id, const eb_results_device *src)
{
    if (m->n_dev == m->cap_dev) {
        size_t cap = m->cap_dev ? m->cap_dev * 2 : 16;
        out_device *nd = realloc(m->dev, cap * sizeof *nd);
        if (!nd)
            return NULL;
        m->dev = nd;
        m->cap_dev = cap;
    }
    out_device *d = &m->dev[m->n_dev];
    memset(d, 0, sizeof *d);
    if (!(d->id = dupstr(id)))
        return NULL;
    m->n_dev++;
    for (size_t i = 0; i < src->n_attrs; i++)
        if (dev_add_kv(d, src->attrs[i].key, src->attrs[i].value) < 0)
            return NULL;
    return d;
}

/* The first shared, non-session key whose values differ; NULL when the two
 * describe the same device. */
static const char *dev_conflict(const out_device *d, const eb_results_device *src)
{
    for (size_t i = 0; i < src->n_attrs; i++) {
        const char *k = src->attrs[i].key;
        const char *v = dev_val(d, k);
        if (!session_key(k) && v && strcmp(v, src->attrs[i].value) != 0)
            return k;
    }
    return NULL;
}

/* Record in the output the keys of src that `only` selects (all when NULL:
 * a new device; otherwise those the output's description lacks). */
static eb_status put_device_keys(merge_state *m, const char *id, const eb_results_device *src,
                                 const out_device *only)
{
    const char **keys = calloc(src->n_attrs + 1, sizeof *keys);
    const char **vals = calloc(src->n_attrs + 1, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return nomem(m);
    }
    size_t n = 0;
    for (size_t i = 0; i < src->n_attrs; i++) {
        if (only && dev_val(only, src->attrs[i].key))
            continue;
        keys[n] = src->attrs[i].key;
        vals[n++] = src->attrs[i].value;
    }
    /* Written key by key (not copied), so numbers an older file kept as
     * text become numbers here, as a new run would write them. */
    eb_status st = n || !only ? eb_store_put_device(m->store, id, n, keys, vals, m->msg, m->msg_len)
                              : EB_OK;
    free(keys);
    free(vals);
    return st;
}

/* Map the input's device `src` to an output id (in out_id), copying or
 * extending the output's description as needed. */
static eb_status merge_device(merge_state *m, const char *in_path, const eb_results_device *src,
                              char *out_id, size_t out_len)
{
    char cand[300], why[600] = "";
    snprintf(cand, sizeof cand, "%s", src->id);
    for (int k = 2;; k++) {
        out_device *d = find_dev(m, cand);
        if (!d)
            break;
        const char *key = dev_conflict(d, src);
        if (!key) {
            /* The same device: add the keys only the input has. */
            eb_status st = put_device_keys(m, cand, src, d);
            if (st != EB_OK)
                return st;
            for (size_t i = 0; i < src->n_attrs; i++)
                if (!dev_val(d, src->attrs[i].key) &&
                    dev_add_kv(d, src->attrs[i].key, src->attrs[i].value) < 0)
                    return nomem(m);
            if (why[0])
                note(m, "merge: %s: device '%s' differs from the one already merged (%s): "
                        "merged as '%s'\n", in_path, src->id, why, cand);
            snprintf(out_id, out_len, "%s", cand);
            return EB_OK;
        }
        if (k == 2) {
            if (m->o->strict) {
                snprintf(m->msg, m->msg_len,
                         "%s: device '%s' differs from the one already merged ('%s' is '%s' "
                         "there, '%s' here); without --strict it would be renamed",
                         in_path, src->id, key, dev_val(d, key),
                         eb_results_device_attr(src, key));
                return EB_ERR_INVALID_ARG;
            }
            snprintf(why, sizeof why, "'%s' is '%s' there and '%s' here", key,
                     dev_val(d, key), eb_results_device_attr(src, key));
        }
        snprintf(cand, sizeof cand, "%s~%d", src->id, k);
    }
    if (why[0]) {
        note(m, "merge: %s: device '%s' differs from the one already merged (%s): renamed to "
                "'%s'\n", in_path, src->id, why, cand);
        if (m->stats)
            m->stats->devices_renamed++;
    }
    eb_status st = put_device_keys(m, cand, src, NULL);
    if (st != EB_OK)
        return st;
    if (!add_dev(m, cand, src))
        return nomem(m);
    if (m->stats)
        m->stats->devices_added++;
    snprintf(out_id, out_len, "%s", cand);
    return EB_OK;
}

/* ---- scenarios -------------------------------------------------------- */

static int scen_equal(const out_scenario *a, const eb_results_scenario *b)
{
    if (strcmp(a->yaml, b->yaml) != 0 || a->n_models != b->n_models)
        return 0;
    for (size_t i = 0; i < a->n_models; i++)
        if (strcmp(a->sha[i], b->model_sha256[i]) != 0)
            return 0;
    return 1;
}

static out_scenario *find_scen(merge_state *m, const char *name)
{
    for (size_t i = 0; i < m->n_scen; i++)
        if (strcmp(m->scen[i].name, name) == 0)
            return &m->scen[i];
    return NULL;
}

static out_scenario *add_scen(merge_state *m, const char *name, const eb_results_scenario *src)
{
    if (m->n_scen == m->cap_scen) {
        size_t cap = m->cap_scen ? m->cap_scen * 2 : 8;
        out_scenario *ns = realloc(m->scen, cap * sizeof *ns);
        if (!ns)
            return NULL;
        m->scen = ns;
        m->cap_scen = cap;
    }
    out_scenario *s = &m->scen[m->n_scen];
    memset(s, 0, sizeof *s);
    if (!(s->name = dupstr(name)) || !(s->yaml = dupstr(src->yaml)) ||
        !(s->sha = calloc(src->n_models ? src->n_models : 1, sizeof *s->sha))) {
        free(s->name);
        free(s->yaml);
        return NULL;
    }
    m->n_scen++;
    for (size_t i = 0; i < src->n_models; i++) {
        if (!(s->sha[i] = dupstr(src->model_sha256[i])))
            return NULL;
        s->n_models++;
    }
    return s;
}

static eb_status merge_scenario(merge_state *m, hid_t src_file, const char *in_path,
                                const eb_results_scenario *src, char *out_name, size_t out_len)
{
    char cand[300];
    snprintf(cand, sizeof cand, "%s", src->name);
    for (int k = 2;; k++) {
        out_scenario *s = find_scen(m, cand);
        if (!s)
            break;
        if (scen_equal(s, src)) {
            if (k > 2)
                note(m, "merge: %s: scenario '%s' merged as '%s'\n", in_path, src->name, cand);
            snprintf(out_name, out_len, "%s", cand);
            return EB_OK;
        }
        if (k == 2) {
            if (m->o->strict) {
                snprintf(m->msg, m->msg_len,
                         "%s: scenario '%s' differs from the one already merged (its YAML "
                         "text or model files); without --strict it would be renamed",
                         in_path, src->name);
                return EB_ERR_INVALID_ARG;
            }
        }
        snprintf(cand, sizeof cand, "%s~%d", src->name, k);
    }
    if (strcmp(cand, src->name) != 0) {
        note(m, "merge: %s: scenario '%s' differs from the one already merged (YAML text or "
                "model files): renamed to '%s'\n", in_path, src->name, cand);
        if (m->stats)
            m->stats->scenarios_renamed++;
    }
    eb_status st = eb_store_copy_scenario(m->store, src_file, in_path, src->name, cand, m->msg,
                                          m->msg_len);
    if (st != EB_OK)
        return st;
    if (!add_scen(m, cand, src))
        return nomem(m);
    if (m->stats)
        m->stats->scenarios_added++;
    snprintf(out_name, out_len, "%s", cand);
    return EB_OK;
}

/* ---- one input -------------------------------------------------------- */

typedef struct name_map {
    size_t n;
    char (*from)[300];
    char (*to)[300];
} name_map;

static const char *map_name(const name_map *nm, const char *from)
{
    for (size_t i = 0; i < nm->n; i++)
        if (strcmp(nm->from[i], from) == 0)
            return nm->to[i];
    return from; /* a run naming a device/scenario the file lacks keeps its name */
}

static eb_status merge_run(merge_state *m, hid_t src_file, const char *in_path,
                           const eb_run_record *rec, const name_map *devs,
                           const name_map *scens)
{
    const char *device = map_name(devs, rec->device);
    const char *scenario = map_name(scens, rec->scenario);
    char *key = run_key(rec, device, scenario);
    if (!key)
        return nomem(m);
    if (keys_has(m, key)) {
        free(key);
        m->skipped_here++;
        if (m->stats)
            m->stats->runs_skipped++;
        return EB_OK;
    }
    if (keys_put(m, key) < 0)
        return nomem(m);

    const char *base = strrchr(in_path, '/');
    base = base ? base + 1 : in_path;
    char from[400];
    snprintf(from, sizeof from, "%s:%s", base, rec->id);
    eb_status st = eb_store_copy_run(m->store, src_file, in_path, rec, device, scenario, from,
                                     m->msg, m->msg_len);
    if (st != EB_OK)
        return st;
    if (m->stats)
        m->stats->runs_added++;
    return EB_OK;
}

static eb_status merge_one(merge_state *m, const char *in_path, const eb_results *in)
{
    eb_status st = EB_OK;
    name_map devs = {0}, scens = {0};
    /* An input brings at most its own size: claimed first, so a full disk
     * stops the merge with the output as the previous input left it. */
    struct stat sb;
    char why[256];
    if (stat(in_path, &sb) == 0 &&
        eb_store_claim(m->store, (uint64_t)sb.st_size, why, sizeof why) != EB_OK) {
        snprintf(m->msg, m->msg_len,
                 "%s: no room to merge %s into it (%s); it keeps what it held before", m->out_path,
                 in_path, why);
        return EB_ERR_IO;
    }
    hid_t src = H5Fopen(in_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (src < 0) {
        char detail[256];
        eb_h5__error(detail, sizeof detail);
        snprintf(m->msg, m->msg_len, "%s: cannot open: %s", in_path, detail);
        return EB_ERR_IO;
    }
    devs.from = calloc(in->n_devices + 1, sizeof *devs.from);
    devs.to = calloc(in->n_devices + 1, sizeof *devs.to);
    scens.from = calloc(in->n_scenarios + 1, sizeof *scens.from);
    scens.to = calloc(in->n_scenarios + 1, sizeof *scens.to);
    if (!devs.from || !devs.to || !scens.from || !scens.to) {
        st = nomem(m);
        goto done;
    }
    for (size_t i = 0; i < in->n_devices; i++) {
        snprintf(devs.from[i], sizeof devs.from[i], "%s", in->devices[i].id);
        if ((st = merge_device(m, in_path, &in->devices[i], devs.to[i],
                               sizeof devs.to[i])) != EB_OK)
            goto done;
        devs.n++;
    }
    for (size_t i = 0; i < in->n_scenarios; i++) {
        snprintf(scens.from[i], sizeof scens.from[i], "%s", in->scenarios[i].name);
        if ((st = merge_scenario(m, src, in_path, &in->scenarios[i], scens.to[i],
                                 sizeof scens.to[i])) != EB_OK)
            goto done;
        scens.n++;
    }
    m->skipped_here = 0;
    for (size_t i = 0; i < in->n_runs; i++)
        if ((st = merge_run(m, src, in_path, &in->runs[i], &devs, &scens)) != EB_OK)
            goto done;
    if (m->skipped_here)
        note(m, "merge: %s: %zu of its %zu runs are already in the output (same device, cell, "
                "times and results), not copied again\n",
             in_path, m->skipped_here, in->n_runs);
    st = eb_store_flush(m->store, m->msg, m->msg_len);
done:
    free(devs.from);
    free(devs.to);
    free(scens.from);
    free(scens.to);
    H5Fclose(src);
    return st;
}

/* ---- the output ------------------------------------------------------- */

/* Load what the (new or appended-to) output already holds. */
static eb_status load_output(merge_state *m)
{
    eb_results *cur = NULL;
    eb_status st = eb_results_read(m->out_path, 0, &cur, m->msg, m->msg_len);
    if (st != EB_OK)
        return st;
    for (size_t i = 0; i < cur->n_devices && st == EB_OK; i++)
        if (!add_dev(m, cur->devices[i].id, &cur->devices[i]))
            st = nomem(m);
    for (size_t i = 0; i < cur->n_scenarios && st == EB_OK; i++)
        if (!add_scen(m, cur->scenarios[i].name, &cur->scenarios[i]))
            st = nomem(m);
    for (size_t i = 0; i < cur->n_runs && st == EB_OK; i++) {
        const eb_run_record *r = &cur->runs[i];
        char *k = run_key(r, r->device, r->scenario);
        if (!k || keys_put(m, k) < 0)
            st = nomem(m);
    }
    eb_results_free(cur);
    return st;
}

/* The output through the store: it checks an appended file's version,
 * refuses to replace a file that is not a results file, and replaces an
 * existing output only once a run was copied into the new one. */
static eb_status open_output(merge_state *m)
{
    eb_status st = eb_store_open(m->out_path, m->o->append, &m->store, m->msg, m->msg_len);
    if (st == EB_OK)
        st = eb_store_set_command(m->store, m->o->command, m->msg, m->msg_len);
    /* Appending: what the file holds already decides renames and repeats. */
    if (st == EB_OK && m->o->append)
        st = load_output(m);
    return st;
}

/* Closes the output (its final flush can fail: reported when nothing
 * failed before) and frees the state. */
static eb_status close_state(merge_state *m, eb_status st)
{
    char why[1024] = "";
    eb_status cst = eb_store_close(m->store, why, sizeof why);
    if (st == EB_OK && cst != EB_OK) {
        snprintf(m->msg, m->msg_len, "%s", why);
        st = cst;
    }
    for (size_t i = 0; i < m->n_dev; i++) {
        for (size_t j = 0; j < m->dev[i].n; j++) {
            free(m->dev[i].keys[j]);
            free(m->dev[i].vals[j]);
        }
        free(m->dev[i].keys);
        free(m->dev[i].vals);
        free(m->dev[i].id);
    }
    free(m->dev);
    for (size_t i = 0; i < m->n_scen; i++) {
        for (size_t j = 0; j < m->scen[i].n_models; j++)
            free(m->scen[i].sha[j]);
        free(m->scen[i].sha);
        free(m->scen[i].name);
        free(m->scen[i].yaml);
    }
    free(m->scen);
    for (size_t i = 0; i < m->cap_keys; i++)
        free(m->keys[i]);
    free(m->keys);
    return st;
}

/* Check every input before the output is touched. */
static eb_status read_inputs(const char *out_path, const char *const *inputs, size_t n,
                             eb_results **in, char *msg, size_t msg_len)
{
    struct stat so;
    int out_exists = stat(out_path, &so) == 0;
    for (size_t i = 0; i < n; i++) {
        struct stat si;
        if (out_exists && stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev &&
            si.st_ino == so.st_ino) {
            snprintf(msg, msg_len, "%s: is the output file too; merge into another file", inputs[i]);
            return EB_ERR_INVALID_ARG;
        }
        char m[1024];
        eb_status st = eb_results_read(inputs[i], 0, &in[i], m, sizeof m);
        if (st == EB_ERR_UNSUPPORTED) {
            snprintf(msg, msg_len, "%s; it cannot be merged (nothing was written)", m);
            return st;
        }
        if (st != EB_OK) {
            snprintf(msg, msg_len, "%s", m);
            return st;
        }
        if (in[i]->schema_minor > EB_SCHEMA_MINOR) {
            snprintf(msg, msg_len,
                     "%s: results schema %s is newer than this edgebench writes (%d.%d): merge "
                     "with the newer edgebench that wrote it (nothing was written)",
                     inputs[i], in[i]->schema_version, EB_SCHEMA_MAJOR, EB_SCHEMA_MINOR);
            return EB_ERR_UNSUPPORTED;
        }
    }
    return EB_OK;
}

eb_status eb_merge_files(const char *out_path, const char *const *inputs, size_t n,
                         const eb_merge_options *o, eb_merge_stats *stats, char *msg,
                         size_t msg_len)
{
    static const eb_merge_options defaults = {0};
    if (!o)
        o = &defaults;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!out_path || !out_path[0] || (n > 0 && !inputs)) {
        snprintf(msg, msg_len, "merge: no output file given");
        return EB_ERR_INVALID_ARG;
    }
    if (n == 0) {
        snprintf(msg, msg_len, "merge: no input files given");
        return EB_ERR_INVALID_ARG;
    }
    eb_results **in = calloc(n, sizeof *in);
    if (!in) {
        snprintf(msg, msg_len, "merge: out of memory");
        return EB_ERR_NOMEM;
    }
    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    merge_state m = {.out_path = out_path, .o = o, .stats = stats, .msg = msg,
                     .msg_len = msg_len};
    eb_status st = read_inputs(out_path, inputs, n, in, msg, msg_len);
    if (st == EB_OK)
        st = open_output(&m);
    for (size_t i = 0; i < n && st == EB_OK; i++)
        st = merge_one(&m, inputs[i], in[i]);
    st = close_state(&m, st);
    for (size_t i = 0; i < n; i++)
        eb_results_free(in[i]);
    free(in);
    eb_h5__quiet_end(&q);
    return st;
}
