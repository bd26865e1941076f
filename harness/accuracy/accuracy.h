/* Accuracy of a cell's outputs: against labels (top-1, top-k) and against
 * the reference variant's outputs on the reference backend (agreement of
 * the argmax, max absolute error, mean squared error, cosine similarity,
 * signal-to-noise ratio). Pure accumulators: the cell feeds them one
 * sample at a time and reads the metrics at the end. docs/accuracy.md
 * defines each metric. */
#ifndef EB_ACCURACY_H
#define EB_ACCURACY_H

#include <stddef.h>
#include <stdint.h>

#include "edgebench/backend.h"

/* Outputs as float32, whatever their type (float16, integer outputs as
 * their raw values). dst holds n = nbytes / element size values. Returns n. */
size_t eb_value_to_float(const eb_value *v, float *dst, size_t cap);

/* Index of the largest value (the first of equal ones); -1 for n == 0. */
int64_t eb_argmax(const float *x, size_t n);

/* 1 when label is among the k largest values (ties broken toward the
 * lower index, like argmax). */
int eb_in_top_k(const float *x, size_t n, int64_t label, int k);

typedef struct eb_label_acc {
    int k;             /* top-k besides top-1 (0: not measured) */
    uint64_t n, top1, topk;
    uint8_t *correct;  /* per sample: top-1 right (grows) */
    uint64_t cap;
    int oom;
} eb_label_acc;

void eb_label_acc_init(eb_label_acc *a, int k);
void eb_label_acc_add(eb_label_acc *a, const float *out, size_t n, int64_t label);
void eb_label_acc_free(eb_label_acc *a);

typedef struct eb_output_diff {
    uint64_t n;         /* samples compared */
    uint64_t agree;     /* same argmax */
    uint64_t elems;     /* values compared */
    double max_abs;
    double sum_sq_err;  /* sum (out - ref)^2 */
    double sum_sq_ref;  /* sum ref^2 */
    double sum_cos;     /* sum of per-sample cosine similarities */
    uint64_t n_cos;     /* samples where both norms are non-zero */
} eb_output_diff;

void eb_output_diff_add(eb_output_diff *d, const float *out, const float *ref, size_t n);

typedef struct eb_diff_metrics {
    double agreement;   /* fraction with the same argmax */
    double max_abs_err;
    double mse;
    double cosine;      /* mean per-sample cosine similarity; NAN when undefined */
    double snr_db;      /* 10 log10(sum ref^2 / sum err^2); +inf when equal */
} eb_diff_metrics;

void eb_output_diff_metrics(const eb_output_diff *d, eb_diff_metrics *m);

#endif
