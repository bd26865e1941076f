/* Which ONNX nodes the xnnpack delegate takes, and why not when it does not. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/delegate/delegate_support.h"
#include "backends/xnnpack/xnn_internal.h"
#include "backends/xnnpack/xnn_op_table.h" /* the checks it lists */

static int is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

int eb_xnn_const_input(const eb_graph *g, int t)
{
    /* constants, and Identity / Q / DQ chains of them: delegate_const.h */
    return eb_delegate_is_const(g, t);
}

/* Pads [top, left, bottom, right] of a Conv / pool node; 0 with why for
 * auto_pad modes other than NOTSET / VALID. */
int eb_xnn_conv_pads(const eb_node *n, int64_t pads[4], char *why, size_t len)
{
    const char *ap = eb_node_attr_string(n, "auto_pad", "NOTSET");
    memset(pads, 0, 4 * sizeof pads[0]);
    if (strcmp(ap, "VALID") == 0)
        return 1;
    if (strcmp(ap, "NOTSET") != 0) {
        snprintf(why, len, "auto_pad=%s is not taken (explicit pads only)", ap);
        return 0;
    }
    const int64_t *p;
    int np = eb_node_attr_ints(n, "pads", &p);
    if (np < 0)
        return 1;
    if (np != 4) {
        snprintf(why, len, "pads has %d values, 2-D needs 4", np);
        return 0;
    }
    for (int i = 0; i < 4; i++)
        pads[i] = p[i];
    return 1;
}

static int all_ones(const eb_node *n, const char *attr)
{
    const int64_t *v;
    int k = eb_node_attr_ints(n, attr, &v);
    for (int i = 0; i < k; i++)
        if (v[i] != 1)
            return 0;
    return 1;
}

/* 1 when every reader of t is a Gemm / MatMul taking it as A with constant
 * weights, looking through QuantizeLinear / DequantizeLinear (elementwise,
 * so they do not care about the order of elements). */
static int feeds_weights(const eb_graph *g, int t, int depth)
{
    if (g->tensors[t].is_graph_output || depth > 4)
        return 0;
    int found = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *c = &g->nodes[i];
        for (int k = 0; k < c->n_inputs; k++) {
            if (c->inputs[k] != t)
                continue;
            if (k == 0 && (is_op(c, "QuantizeLinear") || is_op(c, "DequantizeLinear"))) {
                if (!feeds_weights(g, c->outputs[0], depth + 1))
                    return 0;
            } else if (k != 0 || !(is_op(c, "Gemm") || is_op(c, "MatMul")) ||
                       eb_node_attr_int(c, "transA", 0) != 0 ||
                       !eb_xnn_const_input(g, c->inputs[1])) {
                return 0;
            }
            found = 1;
        }
    }
    return found;
}

/* A Flatten / Reshape from NHWC rank 4 to rank 2 whose every reader is a
 * Gemm / MatMul with constant weights: the weights' rows are permuted to
 * NHWC order at prepare instead of transposing the activation. */
int eb_xnn_flatten_feeds_weights(const eb_graph *g, int node)
{
    const eb_tensor *x = eb_node_input(g, &g->nodes[node], 0);
    int out = g->nodes[node].outputs[0];
    const eb_tensor *y = &g->tensors[out];
    /* only [N, C*H*W]: K is then (c, h, w), which the permutation reorders */
    return x && x->rank == 4 && y->rank == 2 && y->dims[0] == x->dims[0] &&
           y->dims[1] == x->dims[1] * x->dims[2] * x->dims[3] && feeds_weights(g, out, 0);
}

static int dt_ok(const eb_tensor *t) { return t && t->dtype == EB_DT_F32; }

static int per_tensor_q(const eb_tensor *t)
{
    return t && (t->dtype == EB_DT_I8 || t->dtype == EB_DT_U8) && t->quant.count == 1;
}

static const eb_gemm_refusals gemm_refusals = {
    .form = "only transA=0, alpha=1, beta=1",
    .not_const = "B and C must be constants",
    .bias = "C must hold one value per output column",
};

/* ---- the checks of the op table (xnn_op_table.c) ---- */

int eb_xnn__check_quantize(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (!dt_ok(x) || !per_tensor_q(y)) {
        snprintf(why, len, "only float32 -> per-tensor int8/uint8");
        return 0;
    }
    return 1;
}

int eb_xnn__check_dequantize(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (eb_xnn_const_input(g, n->inputs[0]))
        return 1; /* constant: dequantised at prepare */
    if (!per_tensor_q(x) || y->dtype != EB_DT_F32) {
        snprintf(why, len, "only per-tensor int8/uint8 -> float32 activations");
        return 0;
    }
    return 1;
}

int eb_xnn__check_conv(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    int64_t pads[4];
    if (x->rank != 4) {
        snprintf(why, len, "only 2-D convolution (input rank %d)", x->rank);
        return 0;
    }
    if (!eb_xnn_conv_pads(n, pads, why, len))
        return 0;
    if (!eb_xnn_const_input(g, n->inputs[1]) || (n->n_inputs > 2 && n->inputs[2] >= 0 &&
                                                 !eb_xnn_const_input(g, n->inputs[2]))) {
        snprintf(why, len, "weights and bias must be constants");
        return 0;
    }
    return 1;
}

/* What MaxPool and AveragePool both need; pads filled. */
static int pool_common(const eb_node *n, const eb_tensor *x, int64_t pads[4], char *why, size_t len)
{
    if (x->rank != 4) {
        snprintf(why, len, "only 2-D pooling");
        return 0;
    }
    if (!eb_xnn_conv_pads(n, pads, why, len))
        return 0;
    if (eb_node_attr_int(n, "ceil_mode", 0)) {
        snprintf(why, len, "ceil_mode=1 is not taken");
        return 0;
    }
    return 1;
}

int eb_xnn__check_maxpool(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    int64_t pads[4];
    if (!pool_common(n, x, pads, why, len))
        return 0;
    if (eb_node_attr_int(n, "storage_order", 0)) {
        snprintf(why, len, "storage_order=1 is not taken");
        return 0;
    }
    return 1;
}

int eb_xnn__check_avgpool(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    int64_t pads[4];
    if (!pool_common(n, x, pads, why, len))
        return 0;
    if (!all_ones(n, "dilations") || (eb_node_attr_int(n, "count_include_pad", 0) &&
                                      (pads[0] || pads[1] || pads[2] || pads[3]))) {
        snprintf(why, len, "count_include_pad=1 with padding, or dilations, not taken");
        return 0;
    }
    return 1;
}

int eb_xnn__check_global_avgpool(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (x->rank != 4) {
        snprintf(why, len, "only rank-4 input");
        return 0;
    }
    return 1;
}

int eb_xnn__check_clip(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (!eb_delegate_inputs_const(g, n, 1)) {
        snprintf(why, len, "min / max must be constants");
        return 0;
    }
    return 1;
}

int eb_xnn__check_binary(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    const eb_tensor *b = eb_node_input(g, n, 1);
    if (n->n_inputs != 2 || !dt_ok(b)) {
        snprintf(why, len, "two float32 operands needed");
        return 0;
    }
    if (y->rank > 4) {
        snprintf(why, len, "rank %d broadcast is beyond XNNPACK's 4", y->rank);
        return 0;
    }
    /* rank-4 results are NHWC: an operand that is not a rank-4 activation
     * must be a constant, which is re-laid out at prepare */
    if (y->rank == 4)
        for (int k = 0; k < 2; k++) {
            const eb_tensor *o = eb_node_input(g, n, k);
            if (o->rank != 4 && !eb_xnn_const_input(g, n->inputs[k])) {
                snprintf(why, len, "a rank-%d activation broadcast against NHWC rank 4", o->rank);
                return 0;
            }
        }
    return 1;
}

int eb_xnn__check_gemm(const eb_graph *g, int node, char *why, size_t len)
{
    return eb_delegate_gemm_supported(g, &g->nodes[node], eb_xnn_const_input, &gemm_refusals, why,
                                      len);
}

int eb_xnn__check_matmul(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    const eb_tensor *b = eb_node_input(g, n, 1);
    if (!b || b->rank != 2 || !eb_xnn_const_input(g, n->inputs[1]) || x->rank < 2 || x->rank == 4) {
        snprintf(why, len, "only an activation of rank 2 or 3 times a constant 2-D matrix");
        return 0;
    }
    return 1;
}

int eb_xnn__check_reshape(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (!eb_delegate_inputs_const(g, n, 1)) {
        snprintf(why, len, "shape / axes input must be a constant (XNNPACK reshapes are static)");
        return 0;
    }
    if (y->rank == 4 && x->rank != 4 && y->dims[2] * y->dims[3] != 1) {
        snprintf(why, len, "reshaping into NCHW rank 4 would need a transpose");
        return 0;
    }
    if (x->rank == 4 && y->rank != 4 && x->dims[2] * x->dims[3] != 1 &&
        !eb_xnn_flatten_feeds_weights(g, node)) {
        snprintf(why, len, "flattening an NHWC tensor is taken only into a Gemm/MatMul with constant weights");
        return 0;
    }
    if (x->rank == 4 && y->rank == 4 && (x->dims[1] != y->dims[1] || x->dims[2] != y->dims[2])) {
        snprintf(why, len, "a rank-4 to rank-4 reshape that moves channels");
        return 0;
    }
    return 1;
}

int eb_xnn__check_softmax(const eb_graph *g, int node, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    int64_t axis = eb_node_attr_int(n, "axis", n->opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += x->rank;
    if (axis != x->rank - 1 || x->rank == 4) {
        snprintf(why, len, "only over the last axis of a tensor of rank other than 4");
        return 0;
    }
    return 1;
}
