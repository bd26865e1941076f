/* Sliding-window geometry of Conv / QLinearConv / MaxPool / AveragePool.
 *
 * One resolution of kernel, strides, dilations, explicit pads and auto_pad
 * (NOTSET, SAME_UPPER, SAME_LOWER, VALID), shared by shape inference and
 * every backend so they can never disagree on where a window starts.
 * Provided by the eb_sdk library (plugins link it). */
#ifndef EDGEBENCH_WINDOW_H
#define EDGEBENCH_WINDOW_H

#include "edgebench/graph.h"

#define EB_MAX_SPATIAL (EB_MAX_RANK - 2)

typedef struct eb_window {
    int n_spatial;                       /* rank - 2 */
    int64_t in[EB_MAX_SPATIAL];          /* input spatial dims */
    int64_t out[EB_MAX_SPATIAL];         /* output spatial dims */
    int64_t kernel[EB_MAX_SPATIAL];
    int64_t stride[EB_MAX_SPATIAL];
    int64_t dilation[EB_MAX_SPATIAL];
    int64_t pad_begin[EB_MAX_SPATIAL];
    int64_t pad_end[EB_MAX_SPATIAL];
} eb_window;

/* Resolve the window of node n whose data input is x (rank >= 3, NC...).
 * `weight` is the convolution weight (kernel taken from its trailing dims,
 * checked against a kernel_shape attribute) or NULL for pools (kernel_shape
 * required; ceil_mode honoured). Returns EB_OK, or an error with a message
 * naming the node (graph path first). */
eb_status eb_window_resolve(const eb_graph *g, const eb_node *n, const eb_tensor *x,
                            const eb_tensor *weight, eb_window *w, char *msg, size_t msg_len);

/* The output positions o in [0, out) whose input coordinate o*stride + off
 * lies in [0, in) (off: the tap's offset, -pad_begin + tap * dilation):
 * [*lo, *hi), empty when *lo == *hi. Every kernel that skips the padding
 * instead of reading zeros takes its bounds from here, so no two kernels
 * can disagree on where the padding ends. Inline: kernels call it per row. */
static inline void eb_window_valid_range(int64_t off, int64_t stride, int64_t in, int64_t out,
                                         int64_t *lo, int64_t *hi)
{
    int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int64_t h = in - off <= 0 ? 0 : (in - off - 1) / stride + 1;
    if (h > out)
        h = out;
    *lo = l < h ? l : h;
    *hi = h;
}

#endif
