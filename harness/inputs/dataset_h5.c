/* A dataset (array) of an HDF5 file as samples or labels: any integer or
 * floating-point type, read converted by HDF5 itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "common/h5_util.h"
#include "harness/inputs/dataset.h"

eb_status eb_read_h5_dataset(const char *path, const char *name, int as_labels, eb_nd *out,
                             char *msg, size_t msg_len)
{
    memset(out, 0, sizeof *out);
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors become messages, not stderr dumps */
    eb_h5__harden(); /* never follow an external link */
    eb_status st = EB_ERR_FORMAT;
    hid_t f = -1, ds = -1, sp = -1, ty = -1;
    char why[512];
    if (H5Fis_hdf5(path) <= 0) {
        FILE *probe = fopen(path, "rb");
        if (!probe) {
            snprintf(msg, msg_len, "%s: cannot open", path);
            st = EB_ERR_IO;
        } else {
            fclose(probe);
            snprintf(msg, msg_len, "%s: not an HDF5 file", path);
        }
        goto done;
    }
    if ((f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        snprintf(msg, msg_len, "%s: cannot open the HDF5 file", path);
        st = EB_ERR_IO;
        goto done;
    }
    if (eb_h5__check_links(f, 0, why, sizeof why) != 0) {
        snprintf(msg, msg_len, "%s: refused: %s", path, why);
        goto done;
    }
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0 || (ds = H5Dopen2(f, name, H5P_DEFAULT)) < 0) {
        snprintf(msg, msg_len, "%s: no dataset '%s'", path, name);
        goto done;
    }
    sp = H5Dget_space(ds);
    ty = H5Dget_type(ds);
    H5T_class_t cls = H5Tget_class(ty);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        snprintf(msg, msg_len, "%s: dataset '%s' is not numeric", path, name);
        goto done;
    }
    if (as_labels && cls != H5T_INTEGER) {
        snprintf(msg, msg_len, "%s: labels dataset '%s' must hold integers", path, name);
        goto done;
    }
    int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank < 1 || rank > EB_DATASET_MAX_RANK + 1) {
        snprintf(msg, msg_len, "%s: dataset '%s' has rank %d (1..%d supported)", path, name, rank,
                 EB_DATASET_MAX_RANK + 1);
        goto done;
    }
    hsize_t dims[EB_DATASET_MAX_RANK + 1];
    uint64_t count;
    /* Sizes are untrusted (a chunked dataset can declare far more than the
     * file stores): check them against the limit before allocating. */
    if (eb_h5__dims_ok(sp, EB_DATASET_MAX_RANK + 1, dims, as_labels ? 8 : 4, &count, why,
                       sizeof why) != 0) {
        snprintf(msg, msg_len, "%s: dataset '%s': %s", path, name, why);
        goto done;
    }
    out->rank = rank;
    out->count = count;
    out->file_float = cls == H5T_FLOAT;
    for (int d = 0; d < rank; d++) {
        if (dims[d] > (hsize_t)INT64_MAX) {
            snprintf(msg, msg_len, "%s: dataset '%s': dimension %d too large", path, name, d);
            goto done;
        }
        out->dims[d] = (int64_t)dims[d];
    }
    if (out->count == 0) {
        snprintf(msg, msg_len, "%s: dataset '%s' is empty", path, name);
        goto done;
    }
    if ((st = eb_nd_alloc(out, as_labels, path, msg, msg_len)) != EB_OK)
        goto done;
    st = EB_ERR_FORMAT;
    if (H5Dread(ds, as_labels ? H5T_NATIVE_INT64 : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                H5P_DEFAULT, as_labels ? (void *)out->i : (void *)out->f) < 0) {
        snprintf(msg, msg_len, "%s: cannot read dataset '%s' (damaged file?)", path, name);
        goto done;
    }
    st = EB_OK;
done:
    if (ty >= 0)
        H5Tclose(ty);
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    if (f >= 0)
        H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    if (st != EB_OK)
        eb_nd_free(out);
    return st;
}

int eb_h5_has_dataset(const char *path, const char *name)
{
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    eb_h5__harden();
    int rc = -1;
    hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    char why[512];
    if (f >= 0 && eb_h5__check_links(f, 0, why, sizeof why) == 0) {
        H5O_info_t oi; /* HDF5 1.10 API (Debian 12) */
        rc = H5Lexists(f, name, H5P_DEFAULT) > 0 &&
             H5Oget_info_by_name2(f, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
             oi.type == H5O_TYPE_DATASET;
    }
    if (f >= 0)
        H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    return rc;
}
