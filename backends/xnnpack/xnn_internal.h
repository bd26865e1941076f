/* Internals of the xnnpack delegate: which nodes it takes (xnn_support.c)
 * and how a segment becomes an XNNPACK subgraph and runtime (xnn_segment.c,
 * with the builder of xnn_builder.h).
 *
 * Layout: XNNPACK's 2-D operators are NHWC, ONNX models are NCHW. Inside a
 * segment every rank-4 activation is kept NHWC; rank-4 constants that meet
 * them (weights, broadcast operands) are permuted once at prepare, and
 * rank-4 tensors entering or leaving the segment are transposed by the glue
 * (the only per-run work besides the vendor call). */
#ifndef EB_XNN_INTERNAL_H
#define EB_XNN_INTERNAL_H

#include <pthreadpool.h>
#include <xnnpack.h>

#include "backends/delegate/delegate_glue.h"
#include "edgebench/backend.h"

struct eb_backend_ctx {
    int threads;
    int fallback_ref;        /* option fallback=ref */
    int int8;                /* option int8 (default 1): QDQ groups as quantised XNNPACK ops */
    pthreadpool_t pool;      /* NULL for one thread */
    eb_glue_clock glue;
};

/* 1 when XNNPACK can run node `node` of g (within a segment built by this
 * delegate), else 0 with the reason. */
int eb_xnn_node_supported(const eb_graph *g, int node, char *why, size_t why_len);

/* eb_segment_ops of this delegate (delegate_plan.h). */
eb_status eb_xnn_segment_prepare(void *vctx, const eb_graph *full, const eb_graph *seg,
                                 void **state, char *msg, size_t msg_len);
eb_status eb_xnn_segment_run(void *vctx, void *state, const eb_value *in, int n_in,
                             eb_value *out, int n_out, char *msg, size_t msg_len);
void eb_xnn_segment_release(void *vctx, void *state);

/* Shared helpers. */
int eb_xnn_const_input(const eb_graph *g, int t);   /* constant, or DQ of a constant */
int eb_xnn_flatten_feeds_weights(const eb_graph *g, int node); /* see xnn_support.c */
int eb_xnn_conv_pads(const eb_node *n, int64_t pads[4], char *why, size_t len);

#endif
