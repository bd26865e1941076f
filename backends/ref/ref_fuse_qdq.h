/* The QDQ fusion pass of the ref backend.
 *
 * A model quantised in QDQ form (ONNX Runtime's or PyTorch's static
 * quantisation) states int8 arithmetic as float arithmetic between
 * DequantizeLinear and QuantizeLinear nodes:
 *
 *     x_q -> DQ -> Conv -> [Relu|Clip] -> Q -> y_q
 *     w_q -> DQ ---^  ^--- DQ <- b_q (int32)
 *
 * Executed as written, that is the semantic definition (the plan does so
 * with qdq_fusion=0). The pass finds such groups and replaces each with one
 * step that runs the integer kernel straight from x_q to y_q, the way an int8
 * runtime executes the model. Groups it knows (ref_fuse_qdq.c has the exact
 * conditions):
 *
 *   conv     DQ(x) + DQ(w const, per tensor or per output channel)
 *            [+ DQ(b const int32) | b const float32] -> Conv [-> Relu|Clip] -> Q
 *   gemm     same with Gemm (transA=0, alpha=1, beta=1, bias of N values)
 *   matmul   DQ(a) + DQ(b const 2-D, per tensor or per column) -> MatMul
 *            [-> Relu|Clip] -> Q
 *   add      DQ(a) + DQ(b), same shape -> Add [-> Relu|Clip] -> Q
 *   maxpool  DQ(x) -> MaxPool -> Q with the same scale and zero point
 *   relu     DQ(x) -> Relu -> Q with the same scale and zero point
 *   reshape  DQ(x) -> Reshape|Flatten|Squeeze|Unsqueeze|Identity -> Q with the
 *            same scale and zero point (a copy of the bytes)
 *
 * Anything else runs as written. A DQ whose output also feeds nodes outside
 * the group stays in the plan for them; the group reads the DQ's quantised
 * input instead. Nodes left without any consumer are dropped by the plan.
 *
 * Results: maxpool, relu and reshape groups are bit-exact with the unfused
 * execution. conv, gemm, matmul and add round once (requant_s32.h) where the
 * unfused float path rounds the float result of float arithmetic; they agree
 * within one quantisation step and equal what QLinearConv / QLinearMatMul
 * compute for the same parameters. */
#ifndef EB_REF_FUSE_QDQ_H
#define EB_REF_FUSE_QDQ_H

#include "backends/ref/ref_op.h"
#include "backends/ref/ref_q8.h"

/* What the pass matched: the nodes of one group and their parameters. */
typedef struct eb_ref_qdq_match {
    const eb_node *anchor;      /* Conv / Gemm / MatMul / Add / MaxPool / Relu / ... */
    const eb_node *dq[2];       /* DQ feeding the anchor's data input(s) */
    const eb_node *dq_w;        /* DQ of the constant weight, or NULL */
    const eb_tensor *bias;      /* bias tensor as the anchor sees it, or NULL */
    const eb_node *dq_b;        /* DQ producing the bias, or NULL (float32 constant) */
    const eb_node *act;         /* fused Relu / Clip, or NULL */
    const eb_node *q;           /* the QuantizeLinear ending the group */
    int x_tensor[2];            /* quantised inputs the fused step reads (-1: none) */
    eb_ref_qparams xq[2];       /* their parameters (per tensor) */
    eb_ref_qparams wq;          /* the weight's (per tensor or per channel) */
    eb_ref_qparams yq;          /* the output's (per tensor) */
    eb_dtype y_dtype;
    int32_t y_min, y_max;       /* output clamp: type range narrowed by act */
} eb_ref_qdq_match;

/* One fused group as the plan executes it. */
typedef struct eb_ref_fused {
    const eb_ref_op *op;        /* run / release of the fused kernel */
    const char *kind;           /* "conv", "gemm", ... */
    int anchor;                 /* node index that times are reported on */
    int position;               /* node index of the group's last node (the Q) */
    int n_nodes;                /* nodes the step replaces */
    int nodes[3];
    int n_in;
    int in_tensor[2];           /* tensors read */
    int out_tensor;             /* tensor written (the Q's output) */
    void *state;                /* owned; released with op->release */
    size_t scratch_bytes;       /* plan scratch its run needs */
} eb_ref_fused;

/* Find every group of g. On success *out (malloc'd, caller frees with
 * eb_ref_fused_free) holds *n_out groups with no node in two groups. A
 * pattern that does not hold is not an error: those nodes run as written.
 * Fails only for out-of-memory or invalid constants (with a message). */
eb_status eb_ref_fuse_qdq(const eb_graph *g, eb_ref_fused **out, int *n_out, char *msg,
                          size_t msg_len);

void eb_ref_fused_free(eb_ref_fused *groups, int n); /* NULL is a no-op */

/* Builders of the fused kernels' states (one file per kind of kernel). Each
 * returns EB_OK and sets *op, *state and the scratch bytes its run needs; or
 * EB_ERR_UNSUPPORTED without a message when the group cannot be fused after
 * all (it then runs as written). */
eb_status eb_ref_fused_conv_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                  const eb_ref_op **op, void **state, size_t *scratch,
                                  char *msg, size_t len);
eb_status eb_ref_fused_matmul_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                    const eb_ref_op **op, void **state, size_t *scratch,
                                    char *msg, size_t len);
eb_status eb_ref_fused_eltwise_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                     const eb_ref_op **op, void **state, size_t *scratch,
                                     char *msg, size_t len);

/* Bias of a fused conv / gemm in the accumulator's scale, s_x * s_w[c]:
 * an int32 DQ bias whose scale is exactly that float32 product (what ONNX
 * Runtime's quantiser writes) and zero point 0 is taken as is; any other
 * bias (float32 constant, or DQ with another scale) is dequantised to float32
 * v and becomes
 *     saturate_int32(rint((double)v / (double)(float)(s_x * s_w[c])))
 * (the float32 product, then one division in double: prepare-time only).
 * Returns 0 when the bias cannot be read (then the group is not fused). */
int eb_ref_fused_bias(const eb_graph *g, const eb_ref_qdq_match *m, int64_t channels,
                      int32_t *bias_out);

#endif
