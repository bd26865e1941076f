/* Internals of the onednn delegate: which nodes it takes (dnnl_support.c)
 * and how a segment becomes a list of oneDNN primitives (dnnl_segment.c,
 * with the builder of dnnl_builder.h).
 *
 * Layout: tensors entering and leaving a segment are plain (NCHW / row-major,
 * the caller's buffers used in place); inside, convolution and inner product
 * pick their preferred formats (format_tag any: blocked layouts such as
 * nChw8c), pooling and eltwise follow their source, and reorders are inserted
 * only where two primitives disagree. Weights are reordered once at prepare. */
#ifndef EB_DNNL_INTERNAL_H
#define EB_DNNL_INTERNAL_H

#include <dnnl.h>

#include "backends/delegate/delegate_glue.h"
#include "backends/delegate/delegate_plan.h"
#include "edgebench/backend.h"

struct eb_backend_ctx {
    int threads;
    int fallback_ref;     /* option fallback=ref */
    int fuse_eltwise;     /* option fuse=1 (default): Relu/Clip after Conv/Gemm as post-op */
    int int8;             /* option int8=1 (default): QDQ conv groups as int8 convolutions */
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    eb_glue_clock glue;
};

int eb_dnnl_node_supported(const eb_graph *g, int node, char *why, size_t why_len);

/* Flatten / Reshape of a rank-4 tensor read only by Gemm / MatMul with
 * constant weights: the inner product reads the rank-4 tensor itself. */
int eb_dnnl_flatten_into_ip(const eb_graph *g, int node);
int eb_dnnl_const_input(const eb_graph *g, int t);
const void *eb_dnnl_const_data(const eb_graph *g, int t); /* constant, or Identity of one */

eb_status eb_dnnl_segment_prepare(void *vctx, const eb_graph *full, const eb_graph *seg,
                                  void **state, char *msg, size_t msg_len);
eb_status eb_dnnl_segment_run(void *vctx, void *state, const eb_value *in, int n_in,
                              eb_value *out, int n_out, char *msg, size_t msg_len);
void eb_dnnl_segment_release(void *vctx, void *state);
/* Per segment node, the time of its primitives in the last run. The
 * first call only turns the per-primitive timing on (all untimed). */
void eb_dnnl_segment_profile(void *vctx, void *state, uint64_t *node_ns, int n_nodes);

#endif
