/* The HDF5 results store, reader side (see results.h): checks that a file is
 * an edgebench results file of a schema version it understands, then loads
 * root attributes, devices, scenarios and runs into plain data. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "common/file_util.h"
#include "common/h5_util.h"
#include "edgebench/version.h"
#include "results/results.h"
#include "results/store_condition.h"
#include "results/store_extras.h"
#include "results/store_schema.h"

/* ---- name lists ------------------------------------------------------- */

typedef struct name_list {
    char **v;
    size_t n, cap;
    int oom;
} name_list;

static int name_list_add(name_list *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static herr_t link_name_cb(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    name_list *l = data;
    if (name_list_add(l, name) < 0) {
        l->oom = 1;
        return -1;
    }
    return 0;
}

static herr_t attr_name_cb(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)obj;
    (void)info;
    name_list *l = data;
    if (name_list_add(l, name) < 0) {
        l->oom = 1;
        return -1;
    }
    return 0;
}

/* ---- errors ----------------------------------------------------------- */

typedef struct reader {
    const char *path;
    char *msg;
    size_t msg_len;
    uint64_t *budget; /* bytes the file may still decode (samples and extras) */
} reader;

static eb_status fail_h5(const reader *rd, eb_status st, const char *what)
{
    char detail[256];
    eb_h5__error(detail, sizeof detail);
    snprintf(rd->msg, rd->msg_len, "%s: %s: %s", rd->path, what, detail);
    return st;
}

static eb_status fail_missing(const reader *rd, const char *where, const char *attr, int rc)
{
    snprintf(rd->msg, rd->msg_len, "%s: %s: %s attribute '%s'", rd->path, where,
             rc > 0 ? "missing" : "unreadable or mistyped", attr);
    return EB_ERR_FORMAT;
}

static eb_status fail_nomem(const reader *rd)
{
    snprintf(rd->msg, rd->msg_len, "%s: out of memory", rd->path);
    return EB_ERR_NOMEM;
}

/* ---- root ------------------------------------------------------------- */

static eb_status read_root(const reader *rd, hid_t f, eb_results *r)
{
    char *format = NULL;
    int rc = eb_h5__get_str(f, EB_ATTR_FORMAT, &format);
    int ok = rc == 0 && strcmp(format, EB_SCHEMA_FORMAT) == 0;
    r->format = format;
    if (!ok) {
        snprintf(rd->msg, rd->msg_len,
                 "%s: an HDF5 file, but not an edgebench results file (no root attribute "
                 "format=\"" EB_SCHEMA_FORMAT "\")",
                 rd->path);
        return EB_ERR_FORMAT;
    }
    if ((rc = eb_h5__get_str(f, EB_ATTR_SCHEMA_VERSION, &r->schema_version)) != 0)
        return fail_missing(rd, "/", EB_ATTR_SCHEMA_VERSION, rc);
    char *end;
    long major = strtol(r->schema_version, &end, 10);
    long minor = -1;
    if (end != r->schema_version && *end == '.') {
        char *m = end + 1;
        minor = strtol(m, &end, 10);
        if (end == m || *end)
            minor = -1;
    }
    if (minor < 0 || major < 0 || major > 100000 || minor > 100000) {
        snprintf(rd->msg, rd->msg_len, "%s: malformed schema_version '%s' (expected MAJOR.MINOR)",
                 rd->path, r->schema_version);
        return EB_ERR_FORMAT;
    }
    r->schema_major = (int)major;
    r->schema_minor = (int)minor;
    if (major != EB_SCHEMA_MAJOR) {
        snprintf(rd->msg, rd->msg_len,
                 "%s: results schema %s is %s than this edgebench (%s) reads (%d.x)%s", rd->path,
                 r->schema_version, major > EB_SCHEMA_MAJOR ? "newer" : "older",
                 EB_VERSION_STRING, EB_SCHEMA_MAJOR,
                 major > EB_SCHEMA_MAJOR ? ": read it with a newer edgebench" : "");
        return EB_ERR_UNSUPPORTED;
    }
    /* A newer minor version only adds: read what this version knows. */
    if ((rc = eb_h5__get_str(f, EB_ATTR_TOOL_VERSION, &r->tool_version)) != 0)
        return fail_missing(rd, "/", EB_ATTR_TOOL_VERSION, rc);
    if ((rc = eb_h5__get_str(f, EB_ATTR_CREATED, &r->created)) != 0)
        return fail_missing(rd, "/", EB_ATTR_CREATED, rc);
    if ((rc = eb_h5__get_str(f, EB_ATTR_COMMAND, &r->command)) != 0)
        return fail_missing(rd, "/", EB_ATTR_COMMAND, rc);
    return EB_OK;
}

/* Names of the links in group `name` of f, sorted by name. */
static eb_status list_group(const reader *rd, hid_t f, const char *name, hid_t *g, name_list *l)
{
    *g = H5Gopen2(f, name, H5P_DEFAULT);
    if (*g < 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(rd->msg, rd->msg_len, "%s: edgebench results file without /%s (damaged?)",
                 rd->path, name);
        return EB_ERR_FORMAT;
    }
    if (H5Literate(*g, H5_INDEX_NAME, H5_ITER_INC, NULL, link_name_cb, l) < 0) {
        if (l->oom)
            return fail_nomem(rd);
        return fail_h5(rd, EB_ERR_IO, "cannot list a group");
    }
    return EB_OK;
}

/* ---- devices ---------------------------------------------------------- */

static eb_status read_device(const reader *rd, hid_t devs, const char *id, eb_results_device *d)
{
    char where[300];
    snprintf(where, sizeof where, "/devices/%s", id);
    if (!(d->id = strdup(id)))
        return fail_nomem(rd);
    hid_t g = H5Gopen2(devs, id, H5P_DEFAULT);
    if (g < 0)
        return fail_h5(rd, EB_ERR_FORMAT, where);
    name_list keys = {0};
    eb_status st = EB_OK;
    hsize_t idx = 0;
    if (H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_name_cb, &keys) < 0) {
        st = keys.oom ? fail_nomem(rd) : fail_h5(rd, EB_ERR_IO, where);
        goto done;
    }
    d->attrs = calloc(keys.n ? keys.n : 1, sizeof *d->attrs);
    if (!d->attrs) {
        st = fail_nomem(rd);
        goto done;
    }
    for (size_t i = 0; i < keys.n; i++) {
        d->attrs[i].key = keys.v[i];
        keys.v[i] = NULL;
        d->n_attrs++;
        int rc = eb_h5__get_text_value(g, d->attrs[i].key, &d->attrs[i].value);
        if (rc != 0) {
            st = fail_missing(rd, where, d->attrs[i].key, rc);
            goto done;
        }
    }
done:
    name_list_free(&keys);
    H5Gclose(g);
    return st;
}

/* ---- scenarios -------------------------------------------------------- */

static eb_status read_scenario(const reader *rd, hid_t scens, const char *name,
                               eb_results_scenario *sc)
{
    char where[300];
    snprintf(where, sizeof where, "/scenarios/%s", name);
    if (!(sc->name = strdup(name)))
        return fail_nomem(rd);
    hid_t g = H5Gopen2(scens, name, H5P_DEFAULT);
    if (g < 0)
        return fail_h5(rd, EB_ERR_FORMAT, where);
    eb_status st = EB_OK;
    size_t np = 0, ns = 0, nb = 0;
    int rc;
    if ((rc = eb_h5__get_str(g, EB_ATTR_YAML, &sc->yaml)) != 0) {
        st = fail_missing(rd, where, EB_ATTR_YAML, rc);
        goto done;
    }
    if ((rc = eb_h5__get_str_array(g, EB_ATTR_MODEL_PATHS, &sc->model_paths, &np)) != 0) {
        st = fail_missing(rd, where, EB_ATTR_MODEL_PATHS, rc);
        goto done;
    }
    sc->n_models = np;
    if ((rc = eb_h5__get_str_array(g, EB_ATTR_MODEL_SHA256, &sc->model_sha256, &ns)) != 0 ||
        ns != np) {
        st = fail_missing(rd, where, EB_ATTR_MODEL_SHA256, rc);
        goto done;
    }
    if ((rc = eb_h5__get_u64_array(g, EB_ATTR_MODEL_BYTES, &sc->model_bytes, &nb)) != 0 ||
        nb != np) {
        st = fail_missing(rd, where, EB_ATTR_MODEL_BYTES, rc);
        goto done;
    }
done:
    if (ns != np) {
        /* Keep the arrays freeable with n_models entries each. */
        for (size_t i = 0; sc->model_sha256 && i < ns; i++)
            free(sc->model_sha256[i]);
        free(sc->model_sha256);
        sc->model_sha256 = NULL;
    }
    if (nb != np) {
        free(sc->model_bytes);
        sc->model_bytes = NULL;
    }
    H5Gclose(g);
    return st;
}

/* ---- runs ------------------------------------------------------------- */

/* Open dataset `name` of run group g, check it is uint64[n], optionally
 * read it into a malloc'd array. */
static eb_status read_samples(const reader *rd, hid_t g, const char *where, const char *name,
                              uint64_t n, uint64_t **out)
{
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    if (ds < 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(rd->msg, rd->msg_len, "%s: %s: missing dataset '%s'", rd->path, where, name);
        return EB_ERR_FORMAT;
    }
    eb_status st = EB_OK;
    hid_t space = H5Dget_space(ds);
    hid_t type = H5Dget_type(ds);
    hsize_t dim = 0;
    if (space < 0 || type < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &dim, NULL) < 0 || H5Tget_class(type) != H5T_INTEGER ||
        H5Tget_size(type) == 0 || H5Tget_size(type) > 8) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(rd->msg, rd->msg_len, "%s: %s: dataset '%s' is not a 1-D integer array",
                 rd->path, where, name);
        st = EB_ERR_FORMAT;
        goto done;
    }
    if (dim != n) {
        snprintf(rd->msg, rd->msg_len,
                 "%s: %s: dataset '%s' has %" PRIu64 " entries, attribute n says %" PRIu64,
                 rd->path, where, name, (uint64_t)dim, n);
        st = EB_ERR_FORMAT;
        goto done;
    }
    if (out && n) {
        if (n > eb_limit_array_bytes() / sizeof(uint64_t) ||
            n * sizeof(uint64_t) > *rd->budget) {
            snprintf(rd->msg, rd->msg_len,
                     "%s: %s: dataset '%s' of %" PRIu64 " entries: over the limit of %llu MiB "
                     "(raise it with EDGEBENCH_MAX_ARRAY_MB)",
                     rd->path, where, name, n,
                     (unsigned long long)(eb_limit_array_bytes() >> 20));
            st = EB_ERR_FORMAT;
            goto done;
        }
        *rd->budget -= n * sizeof(uint64_t);
        if (!(*out = malloc(n * sizeof(uint64_t)))) {
            st = fail_nomem(rd);
            goto done;
        }
        if (H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
            free(*out);
            *out = NULL;
            st = fail_h5(rd, EB_ERR_IO, "cannot read samples");
        }
    }
done:
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(ds);
    return st;
}

static eb_status read_run(const reader *rd, hid_t runs, const char *id, int with_samples,
                          eb_run_record *rec)
{
    char where[64];
    snprintf(where, sizeof where, "/runs/%s", id);
    snprintf(rec->id, sizeof rec->id, "%s", id);
    hid_t g = H5Gopen2(runs, id, H5P_DEFAULT);
    if (g < 0)
        return fail_h5(rd, EB_ERR_FORMAT, where);
    eb_status st = EB_OK;
    int rc = 0;
#define REQ(call, name)                                      \
    if ((rc = (call)) != 0) {                                \
        st = fail_missing(rd, where, name, rc);              \
        goto done;                                           \
    }
#define STR(f) REQ(eb_h5__get_str_into(g, #f, rec->f, sizeof rec->f), #f)
#define INT(f) REQ(eb_h5__get_int(g, #f, &rec->f), #f)
#define U64(f) REQ(eb_h5__get_u64(g, #f, &rec->f), #f)
#define F64(f) REQ(eb_h5__get_f64(g, #f, &rec->f), #f)
#define SUM(f) REQ(eb_h5__get_f64(g, #f, &rec->summary.f), #f)
    EB_RUN_STR_FIELDS(STR)
    EB_RUN_INT_FIELDS(INT)
    EB_RUN_U64_FIELDS(U64)
    EB_RUN_F64_FIELDS(F64)
    EB_SUMMARY_F64_FIELDS(SUM)
    REQ(eb_h5__get_u64(g, EB_ATTR_OUTLIERS, &rec->summary.outliers), EB_ATTR_OUTLIERS)
    REQ(eb_h5__get_int(g, EB_ATTR_STABLE, &rec->summary.stable), EB_ATTR_STABLE)
    REQ(eb_h5__get_str_into(g, EB_ATTR_STABILITY, rec->summary.stability,
                            sizeof rec->summary.stability),
        EB_ATTR_STABILITY)
#undef STR
#undef INT
#undef U64
#undef F64
#undef SUM
    rec->summary.n = rec->n;

    /* 1.2: optional (1 = absent reads ""); read into the record's fixed
     * buffer, so a hostile file's long string is cut there. */
    if ((rc = eb_h5__get_str_into(g, EB_ATTR_BACKEND_OPTIONS, rec->backend_options,
                                  sizeof rec->backend_options)) < 0) {
        st = fail_missing(rd, where, EB_ATTR_BACKEND_OPTIONS, rc);
        goto done;
    }

    char why_cond[256];
    if ((rc = eb_store__read_condition(g, &rec->cond, why_cond, sizeof why_cond)) != 0) {
        if (rc > 0) {
            st = fail_missing(rd, where, EB_ATTR_CONDITION_PARAMS, rc);
        } else {
            snprintf(rd->msg, rd->msg_len, "%s: %s: %s", rd->path, where, why_cond);
            st = EB_ERR_FORMAT;
        }
        goto done;
    }

    char status[32];
    REQ(eb_h5__get_str_into(g, EB_ATTR_STATUS, status, sizeof status), EB_ATTR_STATUS)
#undef REQ
    int s = eb_run_status_parse(status);
    if (s < 0) {
        snprintf(rd->msg, rd->msg_len, "%s: %s: unknown status '%s'", rd->path, where, status);
        st = EB_ERR_FORMAT;
        goto done;
    }
    rec->status = (eb_run_status)s;

    if ((st = read_samples(rd, g, where, EB_DSET_LATENCY, rec->n,
                           with_samples ? &rec->latency_ns : NULL)) != EB_OK ||
        (st = read_samples(rd, g, where, EB_DSET_T, rec->n, with_samples ? &rec->t_ns : NULL)) !=
            EB_OK)
        goto done;
    char why[256] = "";
    if (eb_store__read_extras(g, with_samples, rd->budget, rec, why, sizeof why) != 0) {
        snprintf(rd->msg, rd->msg_len, "%s: %s: %s", rd->path, where, why);
        st = EB_ERR_FORMAT;
    }
done:
    H5Gclose(g);
    return st;
}

static int run_id_cmp(const void *a, const void *b)
{
    const eb_run_record *x = a, *y = b;
    unsigned long long ix = strtoull(x->id, NULL, 10), iy = strtoull(y->id, NULL, 10);
    if (ix != iy)
        return ix < iy ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* ---- entry points ----------------------------------------------------- */

static eb_status read_all(const reader *rd, hid_t f, int with_samples, eb_results *r)
{
    eb_status st = read_root(rd, f, r);
    if (st != EB_OK)
        return st;

    hid_t g = -1;
    name_list names = {0};

    if ((st = list_group(rd, f, EB_GROUP_DEVICES, &g, &names)) != EB_OK)
        goto done;
    if (!(r->devices = calloc(names.n ? names.n : 1, sizeof *r->devices))) {
        st = fail_nomem(rd);
        goto done;
    }
    for (size_t i = 0; i < names.n; i++) {
        r->n_devices++;
        if ((st = read_device(rd, g, names.v[i], &r->devices[i])) != EB_OK)
            goto done;
    }
    H5Gclose(g);
    g = -1;
    name_list_free(&names);

    if ((st = list_group(rd, f, EB_GROUP_SCENARIOS, &g, &names)) != EB_OK)
        goto done;
    if (!(r->scenarios = calloc(names.n ? names.n : 1, sizeof *r->scenarios))) {
        st = fail_nomem(rd);
        goto done;
    }
    for (size_t i = 0; i < names.n; i++) {
        r->n_scenarios++;
        if ((st = read_scenario(rd, g, names.v[i], &r->scenarios[i])) != EB_OK)
            goto done;
    }
    H5Gclose(g);
    g = -1;
    name_list_free(&names);

    if ((st = list_group(rd, f, EB_GROUP_RUNS, &g, &names)) != EB_OK)
        goto done;
    if (!(r->runs = calloc(names.n ? names.n : 1, sizeof *r->runs))) {
        st = fail_nomem(rd);
        goto done;
    }
    for (size_t i = 0; i < names.n; i++) {
        r->n_runs++;
        if ((st = read_run(rd, g, names.v[i], with_samples, &r->runs[i])) != EB_OK)
            goto done;
    }
    /* Name order is id order only up to 999999 runs; sort numerically. */
    qsort(r->runs, r->n_runs, sizeof *r->runs, run_id_cmp);
done:
    if (g >= 0)
        H5Gclose(g);
    name_list_free(&names);
    return st;
}

eb_status eb_results__read_direct(const char *path, int with_samples, eb_results **out, char *msg,
                                  size_t msg_len)
{
    if (!out)
        return EB_ERR_INVALID_ARG;
    *out = NULL;
    if (!path || !path[0]) {
        snprintf(msg, msg_len, "results: no file name given");
        return EB_ERR_INVALID_ARG;
    }
    /* Everything one file may make us decode: each array within the limit,
     * and all of them together within 4 times it. */
    uint64_t budget = 4 * eb_limit_array_bytes();
    reader rd = {path, msg, msg_len, &budget};
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int err = errno;
        snprintf(msg, msg_len, "%s: %s", path,
                 err == ENOENT ? "no such results file" : strerror(err));
        return err == ENOENT ? EB_ERR_NOT_FOUND : EB_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        return EB_ERR_IO;
    }

    eb_h5_quiet q;
    eb_h5__quiet_begin(&q);
    eb_h5__harden();
    eb_status st;
    hid_t f = -1;
    eb_results *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        st = fail_nomem(&rd);
        goto done;
    }
    htri_t is_h5 = H5Fis_hdf5(path);
    if (is_h5 < 0) {
        st = fail_h5(&rd, EB_ERR_IO, "cannot read");
        goto done;
    }
    if (is_h5 == 0) {
        snprintf(msg, msg_len, "%s: not an HDF5 file (expected an edgebench results file)", path);
        st = EB_ERR_FORMAT;
        goto done;
    }
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        st = fail_h5(&rd, EB_ERR_IO, "cannot open");
        goto done;
    }
    char why[512];
    if (eb_h5__check_links(f, 1, why, sizeof why) != 0) {
        snprintf(msg, msg_len, "%s: refused: %s", path, why);
        st = EB_ERR_FORMAT;
        goto done;
    }
    st = read_all(&rd, f, with_samples, r);
done:
    if (f >= 0)
        H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    eb_h5__quiet_end(&q);
    if (st != EB_OK) {
        eb_results_free(r);
        return st;
    }
    *out = r;
    return EB_OK;
}

void eb_results_free(eb_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_devices; i++) {
        eb_results_device *d = &r->devices[i];
        for (size_t k = 0; k < d->n_attrs; k++) {
            free(d->attrs[k].key);
            free(d->attrs[k].value);
        }
        free(d->attrs);
        free(d->id);
    }
    free(r->devices);
    for (size_t i = 0; i < r->n_scenarios; i++) {
        eb_results_scenario *sc = &r->scenarios[i];
        for (size_t k = 0; k < sc->n_models; k++) {
            if (sc->model_paths)
                free(sc->model_paths[k]);
            if (sc->model_sha256)
                free(sc->model_sha256[k]);
        }
        free(sc->model_paths);
        free(sc->model_sha256);
        free(sc->model_bytes);
        free(sc->yaml);
        free(sc->name);
    }
    free(r->scenarios);
    for (size_t i = 0; i < r->n_runs; i++)
        eb_run_record_free(&r->runs[i]);
    free(r->runs);
    free(r->path);
    free(r->format);
    free(r->schema_version);
    free(r->tool_version);
    free(r->created);
    free(r->command);
    free(r);
}

const eb_results_device *eb_results_find_device(const eb_results *r, const char *id)
{
    for (size_t i = 0; r && id && i < r->n_devices; i++)
        if (strcmp(r->devices[i].id, id) == 0)
            return &r->devices[i];
    return NULL;
}

const char *eb_results_device_attr(const eb_results_device *d, const char *key)
{
    for (size_t i = 0; d && key && i < d->n_attrs; i++)
        if (strcmp(d->attrs[i].key, key) == 0)
            return d->attrs[i].value;
    return NULL;
}

const eb_results_scenario *eb_results_find_scenario(const eb_results *r, const char *name)
{
    for (size_t i = 0; r && name && i < r->n_scenarios; i++)
        if (strcmp(r->scenarios[i].name, name) == 0)
            return &r->scenarios[i];
    return NULL;
}

const eb_run_record *eb_results_find_run(const eb_results *r, const char *id)
{
    for (size_t i = 0; r && id && i < r->n_runs; i++)
        if (strcmp(r->runs[i].id, id) == 0)
            return &r->runs[i];
    return NULL;
}
