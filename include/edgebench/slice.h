/* Where a Slice node starts, steps and how long it runs on each axis.
 *
 * One resolution of ONNX's starts / ends / axes / steps (attributes before
 * opset 10, constant inputs from 10) with its clamping rules (an end of
 * INT64_MAX means "to the end", negative values count from the end), shared
 * by shape inference and every backend, as window.h is for conv windows.
 * Provided by the eb_sdk library (plugins link it). */
#ifndef EDGEBENCH_SLICE_H
#define EDGEBENCH_SLICE_H

#include "edgebench/graph.h"

typedef struct eb_slice {
    int rank;
    int64_t start[EB_MAX_RANK]; /* first input index per axis (0 for axes not sliced) */
    int64_t step[EB_MAX_RANK];  /* 1 for axes not sliced; negative walks backwards */
    int64_t dims[EB_MAX_RANK];  /* output dims */
} eb_slice;

/* Resolve node n on its data input x (known shape). EB_OK;
 * EB_ERR_UNSUPPORTED when a parameter is an input whose value is only known
 * at run time (no message); EB_ERR_SHAPE with a message naming the graph and
 * node for lengths that differ, an axis out of range or sliced twice, a
 * step of 0, or parameters that are not integers. */
eb_status eb_slice_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x, eb_slice *s,
                           char *msg, size_t msg_len);

#endif
