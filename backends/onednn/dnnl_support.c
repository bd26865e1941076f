/* Which ONNX nodes the onednn delegate takes, and why not when it does not:
 * convolution, inner product (Gemm, MatMul with constant weights), pooling,
 * eltwise, plus the binary Add/Mul/Sub/Div and Softmax primitives and
 * reshapes that models put between them. fp32. */
#include <stdio.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/delegate/delegate_support.h"
#include "backends/onednn/dnnl_internal.h"
#include "backends/onednn/dnnl_op_table.h"

static int is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

const void *eb_dnnl_const_data(const eb_graph *g, int t)
{
    if (t < 0 || g->tensors[t].dtype != EB_DT_F32)
        return NULL;
    if (g->tensors[t].data)
        return g->tensors[t].data;
    /* exporters put Identity nodes on shared initializers */
    int p = g->tensors[t].producer;
    if (p >= 0 && is_op(&g->nodes[p], "Identity") && g->nodes[p].n_inputs >= 1)
        return eb_dnnl_const_data(g, g->nodes[p].inputs[0]);
    return NULL;
}

int eb_dnnl_const_input(const eb_graph *g, int t)
{
    /* constants, and Identity / Q / DQ chains of them (computed at prepare) */
    return t >= 0 && g->tensors[t].dtype == EB_DT_F32 && eb_delegate_is_const(g, t);
}

static int pads_ok(const eb_node *n, char *why, size_t len)
{
    const char *ap = eb_node_attr_string(n, "auto_pad", "NOTSET");
    if (strcmp(ap, "NOTSET") != 0 && strcmp(ap, "VALID") != 0) {
        snprintf(why, len, "auto_pad=%s is not taken (explicit pads only)", ap);
        return 0;
    }
    return 1;
}

int eb_dnnl_flatten_into_ip(const eb_graph *g, int node)
{
    const eb_node *n = &g->nodes[node];
    const eb_tensor *x = eb_node_input(g, n, 0);
    int out = n->outputs[0];
    if (!x || x->rank != 4 || g->tensors[out].rank != 2 || g->tensors[out].is_graph_output ||
        g->tensors[out].dims[0] != x->dims[0])
        return 0;
    int found = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *c = &g->nodes[i];
        for (int k = 0; k < c->n_inputs; k++) {
            if (c->inputs[k] != out)
                continue;
            if (k != 0 || !is_op(c, "Gemm") || eb_node_attr_int(c, "transA", 0) ||
                !eb_dnnl_const_input(g, c->inputs[1]))
                return 0;
            found = 1;
        }
    }
    return found;
}

static const eb_gemm_refusals gemm_refusals = {
    .form = "only transA=0, alpha=1, beta=1 on a 2-D input",
    .not_const = "B and C must be float32 constants",
    .bias = "C must hold one value per output column",
};

/* ---- the checks of the op table (dnnl_op_table.c) ---- */

int eb_dnnl__check_qdq(const eb_graph *g, int node, int quantize, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    const eb_tensor *q = quantize ? y : x, *f = quantize ? x : y;
    if (f->dtype != EB_DT_F32 || (q->dtype != EB_DT_U8 && q->dtype != EB_DT_I8) ||
        q->quant.count != 1) {
        snprintf(why, len, "only per-tensor float32 <-> int8/uint8");
        return 0;
    }
    return 1; /* a reorder with scale and zero point */
}

int eb_dnnl__check_conv(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    if (x->rank != 4) {
        snprintf(why, len, "only 2-D convolution");
        return 0;
    }
    if (!pads_ok(n, why, len))
        return 0;
    if (!eb_dnnl_const_input(g, n->inputs[1]) ||
        (n->n_inputs > 2 && n->inputs[2] >= 0 && !eb_dnnl_const_input(g, n->inputs[2]))) {
        snprintf(why, len, "weights and bias must be float32 constants");
        return 0;
    }
    return 1;
}

int eb_dnnl__check_pool(const eb_graph *g, int node, int flags, char *why, size_t len)
{
    EB_DELEGATE_NODE_XY;
    if (flags & DNNL_POOL_GLOBAL) {
        if (x->rank != 4) {
            snprintf(why, len, "only rank-4 input");
            return 0;
        }
        return 1;
    }
    if (x->rank != 4) {
        snprintf(why, len, "only 2-D pooling");
        return 0;
    }
    if (!pads_ok(n, why, len))
        return 0;
    if ((flags & DNNL_POOL_MAX) && eb_node_attr_int(n, "storage_order", 0)) {
        snprintf(why, len, "storage_order=1 is not taken");
        return 0;
    }
    return 1; /* ceil_mode is expressed as right padding */
}

int eb_dnnl__check_clip(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    if (!eb_delegate_inputs_const(g, n, 1)) {
        snprintf(why, len, "min / max must be constants");
        return 0;
    }
    return 1;
}

int eb_dnnl__check_gemm(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    return eb_delegate_gemm_supported(g, &g->nodes[node], eb_dnnl_const_input, &gemm_refusals,
                                      why, len);
}

int eb_dnnl__check_matmul(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    const eb_tensor *b = eb_node_input(g, n, 1);
    if (x->rank != 2 || !b || b->rank != 2 || !eb_dnnl_const_input(g, n->inputs[1])) {
        snprintf(why, len, "only a 2-D activation times a constant 2-D matrix (inner product)");
        return 0;
    }
    return 1;
}

int eb_dnnl__check_binary(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    const eb_tensor *b = eb_node_input(g, n, 1);
    if (!b || b->dtype != EB_DT_F32 || b->rank > y->rank) {
        snprintf(why, len, "two float32 operands needed");
        return 0;
    }
    if (!eb_dnnl_const_input(g, n->inputs[1]) && b->rank != y->rank) {
        snprintf(why, len, "a broadcast activation operand of lower rank");
        return 0;
    }
    if (x->rank != y->rank || x->numel != y->numel) {
        snprintf(why, len, "the first operand must have the result's shape (oneDNN broadcasts the second only)");
        return 0;
    }
    return 1;
}

int eb_dnnl__check_softmax(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    int64_t axis = eb_node_attr_int(n, "axis", n->opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += x->rank;
    if (n->opset < 13 && axis != x->rank - 1) {
        snprintf(why, len, "opset < 13 softmax flattens from axis %lld", (long long)axis);
        return 0;
    }
    return 1;
}

/* a reorder to plain layout, or nothing when an inner product reads it */
int eb_dnnl__check_reshape(const eb_graph *g, int node, int arg, char *why, size_t len)
{
    (void)arg;
    EB_DELEGATE_NODE_XY;
    if (!eb_delegate_inputs_const(g, n, 1)) {
        snprintf(why, len, "shape / axes input must be a constant");
        return 0;
    }
    return 1;
}
