/* The /summary table: a compound dataset with one row per run so a whole
 * file loads with one call (h5py: f["summary"][:], pandas:
 * pandas.DataFrame(f["summary"][:])). Strings are fixed-length and
 * NUL-padded, which numpy maps to 'S<n>' columns without conversion. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "results/store_summary.h"

static hid_t fixed_str(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return -1;
    if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* The row compound: native numbers for memory, little-endian IEEE and
 * two's complement for the file (then packed), so files are the same
 * whichever host writes them. */
static hid_t row_type(int for_file)
{
    hid_t i32 = for_file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
    hid_t u64 = for_file ? H5T_STD_U64LE : H5T_NATIVE_UINT64;
    hid_t f64 = for_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(eb_summary_row));
    if (ct < 0)
        return -1;
    int ok = 1;
#define STR_FIELD(f)                                                                  \
    do {                                                                              \
        hid_t st = fixed_str(sizeof(((eb_summary_row *)0)->f));                       \
        ok = ok && st >= 0 && H5Tinsert(ct, #f, offsetof(eb_summary_row, f), st) >= 0; \
        if (st >= 0)                                                                  \
            H5Tclose(st);                                                             \
    } while (0)
#define NUM_FIELD(f, t) ok = ok && H5Tinsert(ct, #f, offsetof(eb_summary_row, f), t) >= 0
    STR_FIELD(id);
    STR_FIELD(device);
    STR_FIELD(scenario);
    STR_FIELD(backend);
    STR_FIELD(variant);
    STR_FIELD(condition);
    STR_FIELD(sweep);
    NUM_FIELD(repetition, i32);
    NUM_FIELD(threads, i32);
    STR_FIELD(status);
    NUM_FIELD(n, u64);
    NUM_FIELD(p50, f64);
    NUM_FIELD(p90, f64);
    NUM_FIELD(p99, f64);
    NUM_FIELD(mean, f64);
    NUM_FIELD(cv, f64);
    NUM_FIELD(peak_rss_bytes, u64);
    NUM_FIELD(p95, f64);
    NUM_FIELD(model_bytes, u64);
    NUM_FIELD(top1, f64);
    NUM_FIELD(topk, f64);
    NUM_FIELD(top_k, i32);
    STR_FIELD(condition_params);
    STR_FIELD(backend_options);
#undef STR_FIELD
#undef NUM_FIELD
    if (!ok || (for_file && H5Tpack(ct) < 0)) {
        H5Tclose(ct);
        return -1;
    }
    return ct;
}

hid_t eb_store__summary_mem_type(void)
{
    return row_type(0);
}

hid_t eb_store__summary_create(hid_t file)
{
    hid_t ft = -1, space = -1, dcpl = -1, ds = -1;
    hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk = EB_SUMMARY_CHUNK_ROWS;
    ft = row_type(1);
    if (ft < 0)
        goto done;
    space = H5Screate_simple(1, &dim, &maxdim);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0)
        goto done;
    ds = H5Dcreate2(file, EB_DSET_SUMMARY, ft, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (ft >= 0)
        H5Tclose(ft);
    return ds;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    /* Zero the whole field: the bytes after the string are stored too. */
    memset(dst, 0, size);
    size_t n = strnlen(src, size);
    memcpy(dst, src, n < size ? n : size);
}

void eb_store__summary_row(const eb_run_record *rec, eb_summary_row *row)
{
    memset(row, 0, sizeof *row);
#define COPY(f) copy_str(row->f, sizeof row->f, rec->f)
    COPY(id);
    COPY(device);
    COPY(scenario);
    COPY(backend);
    COPY(variant);
    COPY(condition);
    COPY(sweep);
#undef COPY
    copy_str(row->status, sizeof row->status, eb_run_status_str(rec->status));
    row->repetition = rec->repetition;
    row->threads = rec->threads;
    row->n = rec->n;
    row->p50 = rec->summary.p50;
    row->p90 = rec->summary.p90;
    row->p99 = rec->summary.p99;
    row->mean = rec->summary.mean;
    row->cv = rec->summary.cv;
    row->peak_rss_bytes = rec->peak_rss_bytes;
    row->p95 = rec->summary.p95;
    row->model_bytes = rec->model_bytes;
    /* the column keeps the display text, cut at its width (old readers) */
    char ctext[EB_CONDITION_TEXT_MAX];
    eb_condition_text(&rec->cond, ctext, sizeof ctext);
    copy_str(row->condition_params, sizeof row->condition_params, ctext);
    copy_str(row->backend_options, sizeof row->backend_options, rec->backend_options);
    /* The accuracy columns (metrics top1, topk and its k, top_k), so a
     * DataFrame of /summary alone ranks variants by accuracy too. */
    double v;
    row->top1 = eb_run_record_metric(rec, "top1", &v) ? v : NAN;
    row->topk = eb_run_record_metric(rec, "topk", &v) ? v : NAN;
    row->top_k = eb_run_record_metric(rec, "top_k", &v) && v >= 0 && v <= 1e6 ? (int32_t)v : 0;
}

int eb_store__summary_append(hid_t ds, hid_t mem_type, const eb_summary_row *row)
{
    hid_t space = H5Dget_space(ds);
    if (space < 0)
        return -1;
    hsize_t old_n = 0;
    H5Sget_simple_extent_dims(space, &old_n, NULL);
    H5Sclose(space);

    hsize_t new_n = old_n + 1, one = 1;
    if (H5Dset_extent(ds, &new_n) < 0)
        return -1;
    int rc = -1;
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &one, NULL);
    if (fspace >= 0 && mspace >= 0 &&
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &old_n, NULL, &one, NULL) >= 0 &&
        H5Dwrite(ds, mem_type, mspace, fspace, H5P_DEFAULT, row) >= 0)
        rc = 0;
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (rc != 0)
        H5Dset_extent(ds, &old_n);
    return rc;
}
