/* eb_dataset_load: pick the reader, check samples against labels, apply
 * the limit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/inputs/dataset.h"

static const char *const format_names[] = {"auto", "idx", "npy", "hdf5"};

const char *eb_dataset_format_str(eb_dataset_format f)
{
    return (unsigned)f < 4 ? format_names[f] : "unknown";
}

int eb_dataset_format_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, format_names[i]) == 0)
            return i;
    return -1;
}

void eb_dataset_free(eb_dataset *d)
{
    if (!d)
        return;
    free(d->data);
    free(d->labels);
    free(d);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static eb_dataset_format guess(const char *path)
{
    if (ends_with(path, ".npy"))
        return EB_DATASET_NPY;
    if (ends_with(path, ".h5") || ends_with(path, ".hdf5"))
        return EB_DATASET_HDF5;
    return EB_DATASET_IDX;
}

static eb_status read_any(eb_dataset_format fmt, const char *path, const char *h5name,
                          int as_labels, eb_nd *out, char *msg, size_t msg_len)
{
    /* Only regular files: a FIFO or a device would block or never end. */
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(msg, msg_len, "%s: cannot open: %s", path, strerror(errno));
        memset(out, 0, sizeof *out);
        return EB_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "%s: not a regular file", path);
        memset(out, 0, sizeof *out);
        return EB_ERR_IO;
    }
    switch (fmt == EB_DATASET_AUTO ? guess(path) : fmt) {
    case EB_DATASET_NPY:
        return eb_read_npy(path, as_labels, out, msg, msg_len);
    case EB_DATASET_HDF5:
        return eb_read_h5_dataset(path, h5name, as_labels, out, msg, msg_len);
    default:
        return eb_read_idx(path, as_labels, out, msg, msg_len);
    }
}

eb_status eb_read_golden(const char *path, const char *dataset, int as_int, eb_nd *out,
                         char *msg, size_t msg_len)
{
    eb_dataset_format fmt = guess(path);
    if (fmt == EB_DATASET_IDX) {
        memset(out, 0, sizeof *out);
        snprintf(msg, msg_len, "%s: a golden file is .npy or HDF5 (.h5, .hdf5)", path);
        return EB_ERR_FORMAT;
    }
    if (fmt == EB_DATASET_HDF5 && eb_h5_has_dataset(path, dataset) == 0) {
        memset(out, 0, sizeof *out);
        return EB_ERR_NOT_FOUND;
    }
    return read_any(fmt, path, dataset, as_int, out, msg, msg_len);
}

eb_status eb_dataset_load(const eb_dataset_spec *spec, eb_dataset **out, char *msg,
                          size_t msg_len)
{
    *out = NULL;
    eb_nd img = {0}, lab = {0};
    eb_status st;
    const char *h5i = spec->h5_images[0] ? spec->h5_images : "images";
    if ((st = read_any(spec->format, spec->path, h5i, 0, &img, msg, msg_len)) != EB_OK)
        return st;
    if (img.rank < 2) {
        snprintf(msg, msg_len, "%s: samples must have at least one dimension besides the sample "
                 "index; the array is 1-D of %lld", spec->path, (long long)img.dims[0]);
        eb_nd_free(&img);
        return EB_ERR_FORMAT;
    }
    int has_labels = spec->labels[0] || spec->h5_labels[0];
    if (has_labels) {
        const char *lp = spec->labels[0] ? spec->labels : spec->path;
        /* a labels file is read by its own extension; no file: the same HDF5 file */
        eb_dataset_format lf = spec->labels[0] ? EB_DATASET_AUTO : EB_DATASET_HDF5;
        const char *h5l = spec->h5_labels[0] ? spec->h5_labels : "labels";
        if ((st = read_any(lf, lp, h5l, 1, &lab, msg, msg_len)) != EB_OK) {
            eb_nd_free(&img);
            return st;
        }
        uint64_t per = lab.count / (uint64_t)lab.dims[0];
        if (per != 1 || lab.dims[0] != img.dims[0]) {
            snprintf(msg, msg_len, "%s: %lld label%s for %lld samples in %s%s", lp,
                     (long long)lab.dims[0], lab.dims[0] == 1 ? "" : "s", (long long)img.dims[0],
                     spec->path, per != 1 ? " (labels must be one integer per sample)" : "");
            eb_nd_free(&img);
            eb_nd_free(&lab);
            return EB_ERR_FORMAT;
        }
    }
    eb_dataset *d = calloc(1, sizeof *d);
    if (!d) {
        eb_nd_free(&img);
        eb_nd_free(&lab);
        snprintf(msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    d->n = (uint64_t)img.dims[0];
    if (spec->limit && spec->limit < d->n)
        d->n = spec->limit;
    d->rank = img.rank - 1;
    d->sample_elems = 1;
    for (int k = 0; k < d->rank; k++) {
        d->dims[k] = img.dims[k + 1];
        d->sample_elems *= (uint64_t)d->dims[k];
    }
    d->data = img.f; /* the limit only shortens what is used */
    d->labels = lab.i;
    *out = d;
    return EB_OK;
}
