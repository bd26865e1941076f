/* A run's extras in HDF5 (layout in store_extras.h and
 * docs/results-schema.md). The store needs no change when a subsystem adds
 * a measurement: it writes whatever names the record carries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_util.h"
#include "common/h5_util.h"
#include "results/store_extras.h"
#include "results/store_schema.h"

/* Array names that would collide with the run's fixed content. */
static int reserved_array_name(const char *name)
{
    size_t g = strcspn(name, "/");
    return strcmp(name, EB_DSET_LATENCY) == 0 || strcmp(name, EB_DSET_T) == 0 ||
           (strlen(EB_GROUP_METRICS) == g && strncmp(name, EB_GROUP_METRICS, g) == 0);
}

static hid_t file_type(eb_array_type t)
{
    switch (t) {
    case EB_ARRAY_F64:
        return H5T_IEEE_F64LE;
    case EB_ARRAY_U8:
        return H5T_STD_U8LE;
    case EB_ARRAY_I64:
        return H5T_STD_I64LE;
    case EB_ARRAY_F32:
        return H5T_IEEE_F32LE;
    case EB_ARRAY_I8:
        return H5T_STD_I8LE;
    case EB_ARRAY_I16:
        return H5T_STD_I16LE;
    case EB_ARRAY_U16:
        return H5T_STD_U16LE;
    case EB_ARRAY_I32:
        return H5T_STD_I32LE;
    }
    return -1;
}

static hid_t mem_type(eb_array_type t)
{
    switch (t) {
    case EB_ARRAY_F64:
        return H5T_NATIVE_DOUBLE;
    case EB_ARRAY_U8:
        return H5T_NATIVE_UINT8;
    case EB_ARRAY_I64:
        return H5T_NATIVE_INT64;
    case EB_ARRAY_F32:
        return H5T_NATIVE_FLOAT;
    case EB_ARRAY_I8:
        return H5T_NATIVE_INT8;
    case EB_ARRAY_I16:
        return H5T_NATIVE_INT16;
    case EB_ARRAY_U16:
        return H5T_NATIVE_UINT16;
    case EB_ARRAY_I32:
        return H5T_NATIVE_INT32;
    }
    return -1;
}

static int write_array(hid_t run, const eb_run_array *a)
{
    char group[EB_EXTRA_NAME_MAX];
    const char *leaf = a->name;
    hid_t parent = run, g = -1;
    const char *slash = strchr(a->name, '/');
    if (slash) {
        snprintf(group, sizeof group, "%.*s", (int)(slash - a->name), a->name);
        leaf = slash + 1;
        g = eb_h5__has_link(run, group) ? H5Gopen2(run, group, H5P_DEFAULT)
                                        : H5Gcreate2(run, group, H5P_DEFAULT, H5P_DEFAULT,
                                                     H5P_DEFAULT);
        if (g < 0)
            return -1;
        parent = g;
    }
    hsize_t dims[EB_ARRAY_MAX_RANK] = {a->rows, a->cols};
    int rank = a->cols ? 2 : 1;
    if (a->rank > 0) { /* an N-D array keeps its shape */
        rank = a->rank;
        for (int d = 0; d < rank; d++)
            dims[d] = a->dims[d];
    }
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t ds = space < 0 ? -1
                         : H5Dcreate2(parent, leaf, file_type(a->type), space, H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT);
    int rc = -1;
    uint64_t count = a->rows * (a->cols ? a->cols : 1);
    if (ds >= 0 &&
        (count == 0 || H5Dwrite(ds, mem_type(a->type), H5S_ALL, H5S_ALL, H5P_DEFAULT, a->data) >= 0))
        rc = 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (space >= 0)
        H5Sclose(space);
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

int eb_store__write_extras(hid_t run, const eb_run_record *rec, char *err, size_t err_len)
{
    for (int i = 0; i < rec->n_arrays; i++)
        if (reserved_array_name(rec->arrays[i].name)) {
            snprintf(err, err_len, "run extra array name '%s' is reserved", rec->arrays[i].name);
            return -1;
        }
    if (rec->n_metrics || rec->n_texts) {
        hid_t m = H5Gcreate2(run, EB_GROUP_METRICS, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (m < 0)
            return -1;
        int bad = 0;
        for (int i = 0; i < rec->n_metrics && !bad; i++)
            bad = eb_h5__put_f64(m, rec->metrics[i].name, rec->metrics[i].value) < 0;
        for (int i = 0; i < rec->n_texts && !bad; i++)
            bad = eb_h5__put_str(m, rec->texts[i].name, rec->texts[i].value) < 0;
        H5Gclose(m);
        if (bad)
            return -1;
    }
    for (int i = 0; i < rec->n_arrays; i++)
        if (write_array(run, &rec->arrays[i]) < 0)
            return -1;
    return 0;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct read_ctx {
    eb_run_record *rec;
    int with_arrays;
    int failed;
    uint64_t *budget; /* bytes the whole file may still decode, or NULL */
    char *err;
    size_t err_len;
} read_ctx;

static herr_t on_metric(hid_t obj, const char *name, const H5A_info_t *info, void *arg)
{
    (void)info;
    read_ctx *c = arg;
    if (!eb_extra_name_valid(name, 0))
        return 0; /* not one of ours: a newer writer's, or a hand edit */
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a < 0 ? -1 : H5Aget_type(a);
    H5T_class_t cls = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    int rc = 0;
    if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
        double v;
        rc = eb_h5__get_f64(obj, name, &v);
        if (rc == 0 && eb_run_record_set_metric(c->rec, name, v) != 0)
            rc = -2;
    } else if (cls == H5T_STRING) {
        char v[EB_EXTRA_TEXT_MAX];
        rc = eb_h5__get_str_into(obj, name, v, sizeof v);
        if (rc == 0 && eb_run_record_set_text(c->rec, name, v) != 0)
            rc = -2;
    }
    if (rc != 0) {
        snprintf(c->err, c->err_len, rc == -2 ? "out of memory reading metric '%s'"
                                              : "cannot read metric '%s'",
                 name);
        c->failed = 1;
        return -1;
    }
    return 0;
}

/* Check (and with c->with_arrays read) one extra dataset. Its type, rank
 * and size are untrusted: a dataset declaring 2^61 elements must be
 * refused before any allocation. 0 ok or skipped, -1 with c->err set. */
static int read_array(hid_t run, const char *name, read_ctx *c)
{
    hid_t ds = H5Dopen2(run, name, H5P_DEFAULT);
    if (ds < 0) {
        snprintf(c->err, c->err_len, "cannot open dataset '%s'", name);
        return -1;
    }
    hid_t t = H5Dget_type(ds), s = H5Dget_space(ds);
    int rc = -1;
    hsize_t dims[2] = {0, 0};
    eb_array_type at = EB_ARRAY_F64;
    H5T_class_t cls = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    size_t tsize = t < 0 ? 0 : H5Tget_size(t);
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    if (cls == H5T_FLOAT)
        at = EB_ARRAY_F64;
    else if (cls == H5T_INTEGER && tsize == 1 && H5Tget_sign(t) == H5T_SGN_NONE)
        at = EB_ARRAY_U8;
    else if (cls == H5T_INTEGER)
        at = EB_ARRAY_I64;
    if (t < 0 || s < 0 || rank < 0) {
        snprintf(c->err, c->err_len, "dataset '%s': unreadable type or dataspace", name);
        goto done;
    }
    if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || (rank != 1 && rank != 2) ||
        H5Sget_simple_extent_type(s) != H5S_SIMPLE) {
        rc = 0; /* a kind of dataset this reader does not know: skipped */
        goto done;
    }
    if (tsize == 0 || tsize > 16) {
        snprintf(c->err, c->err_len, "dataset '%s': element size %zu", name, tsize);
        goto done;
    }
    uint64_t count;
    char why[200];
    if (eb_h5__dims_ok(s, 2, dims, eb_array_type_size(at), &count, why, sizeof why) != 0) {
        snprintf(c->err, c->err_len, "dataset '%s': %s", name, why);
        goto done;
    }
    uint64_t rows = dims[0], cols = rank == 2 ? dims[1] : 0;
    if (rank == 2 && cols == 0) {
        snprintf(c->err, c->err_len, "dataset '%s': 2-D with 0 columns", name);
        goto done;
    }
    if (!c->with_arrays) {
        rc = 0;
        goto done;
    }
    uint64_t bytes = count * eb_array_type_size(at);
    if (c->budget) {
        /* Hard and soft links can name one dataset many times: bound what
         * the whole file decodes, not only each dataset. */
        if (bytes > *c->budget) {
            snprintf(c->err, c->err_len, "dataset '%s': the file's datasets add up to more than "
                     "the limit of %llu MiB (EDGEBENCH_MAX_ARRAY_MB)", name,
                     (unsigned long long)(eb_limit_array_bytes() >> 20));
            goto done;
        }
        *c->budget -= bytes;
    }
    void *buf = malloc(count ? (size_t)count * eb_array_type_size(at) : 1);
    if (!buf) {
        snprintf(c->err, c->err_len, "dataset '%s': out of memory", name);
        goto done;
    }
    if (count && H5Dread(ds, mem_type(at), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        snprintf(c->err, c->err_len, "cannot read dataset '%s' (damaged file?)", name);
        free(buf);
        goto done;
    }
    rc = eb_run_record_set_array(c->rec, name, at, rows, cols, buf) == 0 ? 0 : -1;
    if (rc != 0)
        snprintf(c->err, c->err_len, "dataset '%s': cannot keep it (out of memory or too many)",
                 name);
    free(buf);
done:
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

static herr_t on_link(hid_t run, const char *name, const H5L_info_t *info, void *arg)
{
    read_ctx *c = arg;
    if (info->type != H5L_TYPE_HARD && info->type != H5L_TYPE_SOFT) {
        snprintf(c->err, c->err_len, "link '%s' is an external or user-defined link (refused)",
                 name);
        c->failed = 1;
        return -1;
    }
    if (strcmp(name, EB_DSET_LATENCY) == 0 || strcmp(name, EB_DSET_T) == 0 ||
        !eb_extra_name_valid(name, 1))
        return 0;
    H5O_info_t oi; /* HDF5 1.10 API (Debian 12) */
    if (H5Oget_info_by_name2(run, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    if (oi.type != H5O_TYPE_DATASET)
        return 0;
    if (read_array(run, name, c) != 0) {
        c->failed = 1;
        return -1;
    }
    return 0;
}

int eb_store__read_extras(hid_t run, int with_arrays, uint64_t *budget, eb_run_record *rec,
                          char *err, size_t err_len)
{
    read_ctx c = {.rec = rec, .with_arrays = with_arrays, .budget = budget, .err = err,
                  .err_len = err_len};
    if (eb_h5__has_link(run, EB_GROUP_METRICS)) {
        hid_t m = H5Gopen2(run, EB_GROUP_METRICS, H5P_DEFAULT);
        if (m < 0) {
            snprintf(err, err_len, "cannot open the metrics group");
            return -1;
        }
        hsize_t idx = 0;
        H5Aiterate2(m, H5_INDEX_NAME, H5_ITER_INC, &idx, on_metric, &c);
        H5Gclose(m);
        if (c.failed)
            return -1;
    }
    {
        /* Visit every link below the run: "sensors/temperature_c" is found
         * as a path relative to the run group. Without with_arrays the
         * datasets are still checked (merge copies them whole). */
        if (H5Lvisit(run, H5_INDEX_NAME, H5_ITER_INC, on_link, &c) < 0 && !c.failed) {
            snprintf(err, err_len, "cannot list the run's datasets");
            H5Eclear2(H5E_DEFAULT);
            return -1;
        }
        if (c.failed)
            return -1;
    }
    H5Eclear2(H5E_DEFAULT);
    return 0;
}
