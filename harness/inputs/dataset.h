/* Labelled samples read from a file: IDX (the MNIST / Fashion-MNIST format,
 * gzip-compressed or plain), NumPy .npy, or an HDF5 dataset.
 *
 * Samples are held as float32 in the file's units (uint8 pixels stay
 * 0..255); preprocessing (preprocess.h) maps them to the model's input.
 * Every error names the file and what is wrong with it ("t10k.gz: not an
 * IDX file (magic 0x1f8b0808)", "labels.npy: 999 labels for 1000 images"). */
#ifndef EB_DATASET_H
#define EB_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/status.h"

#define EB_DATASET_MAX_RANK 4 /* per-sample dimensions kept, e.g. H, W or H, W, C */

typedef enum eb_dataset_format {
    EB_DATASET_AUTO = 0, /* by the file name: .npy, .h5/.hdf5, else IDX */
    EB_DATASET_IDX = 1,
    EB_DATASET_NPY = 2,
    EB_DATASET_HDF5 = 3
} eb_dataset_format;

typedef struct eb_dataset_spec {
    char path[1024];            /* samples; first dimension indexes them */
    char labels[1024];          /* labels file ("" when none, or for HDF5 the same file) */
    eb_dataset_format format;
    char h5_images[256];        /* HDF5: dataset of the samples (default "images") */
    char h5_labels[256];        /* HDF5: dataset of the labels ("" = none) */
    uint64_t limit;             /* keep the first `limit` samples; 0 = all */
} eb_dataset_spec;

typedef struct eb_dataset {
    uint64_t n;                            /* samples */
    int rank;                              /* per-sample rank (1..EB_DATASET_MAX_RANK) */
    int64_t dims[EB_DATASET_MAX_RANK];     /* per-sample dimensions */
    uint64_t sample_elems;                 /* product of dims */
    float *data;                           /* n * sample_elems values */
    int64_t *labels;                       /* n labels, NULL when the dataset has none */
} eb_dataset;

/* Read the dataset the spec names. *out is the caller's (eb_dataset_free).
 * EB_ERR_IO when a file cannot be read, EB_ERR_FORMAT when it is not what
 * it should be (wrong magic, truncated, unsupported type, label count). */
eb_status eb_dataset_load(const eb_dataset_spec *spec, eb_dataset **out, char *msg,
                          size_t msg_len);
void eb_dataset_free(eb_dataset *d); /* NULL-safe */

const char *eb_dataset_format_str(eb_dataset_format f); /* "auto", "idx", "npy", "hdf5" */
int eb_dataset_format_parse(const char *s);              /* -1 when unknown */

/* One array as read from a file (used by the format readers). */
typedef struct eb_nd {
    int rank;
    int64_t dims[EB_DATASET_MAX_RANK + 1];
    uint64_t count;  /* elements */
    float *f;        /* values as float (images) */
    int64_t *i;      /* values as int64 (labels); only one of f / i is set */
    int file_float;  /* the file's elements are floating point (whichever was asked) */
} eb_nd;

/* Format readers: as_labels asks for int64 values (integer types only). */
eb_status eb_read_idx(const char *path, int as_labels, eb_nd *out, char *msg, size_t msg_len);
eb_status eb_read_npy(const char *path, int as_labels, eb_nd *out, char *msg, size_t msg_len);
eb_status eb_read_h5_dataset(const char *path, const char *name, int as_labels, eb_nd *out,
                             char *msg, size_t msg_len);
void eb_nd_free(eb_nd *a);
/* 1 when the HDF5 file holds a dataset `name`, 0 when not, -1 when the file
 * cannot be opened as HDF5 or is refused (external links). */
int eb_h5_has_dataset(const char *path, const char *name);
/* Golden outputs (docs/outputs.md): a .npy file (one array) or a dataset
 * of an HDF5 file (.h5/.hdf5), by the file name; as_int as above.
 * EB_ERR_NOT_FOUND (and no message) when an HDF5 file has no such dataset. */
eb_status eb_read_golden(const char *path, const char *dataset, int as_int, eb_nd *out,
                         char *msg, size_t msg_len);
/* Allocate a->i (as_labels) or a->f for a->count values; EB_ERR_NOMEM with
 * a message naming path. */
eb_status eb_nd_alloc(eb_nd *a, int as_labels, const char *path, char *msg, size_t msg_len);

#endif
