/* The xnnpack delegate's op table (xnn_op_table.h), and the two
 * dispatches through it: whether a node is taken, and emitting one. */
#include <stdio.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/delegate/delegate_op_table.h"
#include "backends/delegate/delegate_support.h"

#include "backends/xnnpack/xnn_op_table.h"

/* Sorted by name (the order `edgebench backends` lists them in). */
static const eb_xnn_op ops[] = {
    {"Abs", 0, NULL, eb_xnn__emit_unary, XNN_UN_ABS},
    {"Add", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_ADD},
    {"AveragePool", 0, eb_xnn__check_avgpool, eb_xnn__emit_pool, XNN_POOL_AVG},
    {"Ceil", 0, NULL, eb_xnn__emit_unary, XNN_UN_CEIL},
    {"Clip", 0, eb_xnn__check_clip, eb_xnn__emit_unary, XNN_UN_CLIP},
    {"Conv", 0, eb_xnn__check_conv, eb_xnn__emit_conv, 0},
    {"DequantizeLinear", 1, eb_xnn__check_dequantize, eb_xnn__emit_unary, XNN_UN_CONVERT},
    {"Div", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_DIV},
    {"Elu", 0, NULL, eb_xnn__emit_unary, XNN_UN_ELU},
    {"Flatten", 0, eb_xnn__check_reshape, eb_xnn__emit_reshape, 0},
    {"Floor", 0, NULL, eb_xnn__emit_unary, XNN_UN_FLOOR},
    {"Gemm", 0, eb_xnn__check_gemm, eb_xnn__emit_fc, 1},
    {"GlobalAveragePool", 0, eb_xnn__check_global_avgpool, eb_xnn__emit_unary, XNN_UN_GLOBAL_AVG},
    {"HardSwish", 0, NULL, eb_xnn__emit_unary, XNN_UN_HARDSWISH},
    {"Identity", 0, NULL, eb_xnn__emit_reshape, 0},
    {"LeakyRelu", 0, NULL, eb_xnn__emit_unary, XNN_UN_LEAKY_RELU},
    {"MatMul", 0, eb_xnn__check_matmul, eb_xnn__emit_fc, 0},
    {"Max", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_MAX},
    {"MaxPool", 0, eb_xnn__check_maxpool, eb_xnn__emit_pool, XNN_POOL_MAX},
    {"Min", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_MIN},
    {"Mul", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_MUL},
    {"Neg", 0, NULL, eb_xnn__emit_unary, XNN_UN_NEG},
    {"QuantizeLinear", 1, eb_xnn__check_quantize, eb_xnn__emit_unary, XNN_UN_CONVERT},
    {"Relu", 0, NULL, eb_xnn__emit_unary, XNN_UN_RELU},
    {"Reshape", 0, eb_xnn__check_reshape, eb_xnn__emit_reshape, 0},
    {"Sigmoid", 0, NULL, eb_xnn__emit_unary, XNN_UN_SIGMOID},
    {"Softmax", 0, eb_xnn__check_softmax, eb_xnn__emit_unary, XNN_UN_SOFTMAX},
    {"Sqrt", 0, NULL, eb_xnn__emit_unary, XNN_UN_SQRT},
    {"Squeeze", 0, eb_xnn__check_reshape, eb_xnn__emit_reshape, 0},
    {"Sub", 0, eb_xnn__check_binary, eb_xnn__emit_binary, XNN_BIN_SUB},
    {"Unsqueeze", 0, eb_xnn__check_reshape, eb_xnn__emit_reshape, 0},
};

#define N_OPS (sizeof ops / sizeof ops[0])

const eb_xnn_op *eb_xnn_op_find(const char *op)
{
    return eb_delegate_op_find(ops, N_OPS, sizeof ops[0], op);
}

const char *const *eb_xnn_op_names(void)
{
    /* filled from the table; every fill writes the same values */
    static const char *names[N_OPS + 1];
    eb_delegate_op_names(ops, N_OPS, sizeof ops[0], names);
    return names;
}

int eb_xnn_node_supported(const eb_graph *g, int node, char *why, size_t len)
{
    const eb_node *n = &g->nodes[node];
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    if (!eb_delegate_node_shaped(g, n, why, len))
        return 0;
    for (int k = 1; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0) {
            snprintf(why, len, "optional output %d is not produced by XNNPACK", k);
            return 0;
        }
    if (eb_delegate_is_const(g, n->outputs[0]))
        return 1; /* computed at prepare (delegate_const.h) */
    const eb_xnn_op *op = eb_xnn_op_find(n->op_type);
    if (op && op->any_dtype)
        return op->check(g, node, why, len);
    if (x->dtype != EB_DT_F32 || y->dtype != EB_DT_F32) {
        snprintf(why, len, "%s on %s: XNNPACK's subgraph takes float32 here (int8 through QDQ groups)",
                 n->op_type, eb_dtype_name(x->dtype));
        return 0;
    }
    if (!op) {
        snprintf(why, len, "op %s is not mapped to XNNPACK", n->op_type);
        return 0;
    }
    return op->check ? op->check(g, node, why, len) : 1;
}

eb_status eb_xnn__emit_node(builder *b, int i)
{
    const eb_graph *g = b->g;
    const eb_node *n = &g->nodes[i];
    int yt = n->outputs[0];
    if (eb_xnn_const_input(g, yt) || b->skip[i])
        return EB_OK; /* a constant read by its consumers, or part of an int8 group */
    q8_group m;
    if (eb_xnn__match_q8(b, i, &m))
        return eb_xnn__emit_q8(b, n, &m);
    const eb_xnn_op *op = eb_xnn_op_find(n->op_type);
    if (!op) {
        snprintf(b->msg, b->len, "xnnpack: node '%s': op %s not mapped", n->name, n->op_type);
        return EB_ERR_UNSUPPORTED;
    }
    uint32_t out;
    eb_status s;
    if ((s = eb_xnn__value(b, yt, &out)) != EB_OK)
        return s;
    return op->emit(b, n, op->arg, out);
}
