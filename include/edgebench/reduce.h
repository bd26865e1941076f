/* Which axes a Reduce* node reduces, and the shape it leaves.
 *
 * One resolution of ONNX's axes (an attribute up to opset 17, a constant
 * input from opset 18; for ReduceSum from opset 13), keepdims and
 * noop_with_empty_axes, shared by shape
 * inference and every backend, as window.h is for conv and pool windows.
 * Provided by the eb_sdk library (plugins link it). */
#ifndef EDGEBENCH_REDUCE_H
#define EDGEBENCH_REDUCE_H

#include "edgebench/graph.h"

typedef struct eb_reduce {
    int rank;                     /* the input's */
    int reduced[EB_MAX_RANK];     /* 1 for each axis reduced */
    int keepdims;
    int64_t count;                /* input elements per output element */
    int out_rank;
    int64_t out_dims[EB_MAX_RANK];
} eb_reduce;

/* Resolve node n (ReduceMean, ReduceSum, ...) on its data input x (known
 * shape). EB_OK; EB_ERR_UNSUPPORTED when the axes are an input whose value
 * is only known at run time (no message); EB_ERR_SHAPE with a message naming
 * the graph and node for axes out of range, repeated, or not integers. With
 * no axes every axis is reduced, unless noop_with_empty_axes is set (then
 * none is: the node copies its input). */
eb_status eb_reduce_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                            eb_reduce *r, char *msg, size_t msg_len);

#endif
