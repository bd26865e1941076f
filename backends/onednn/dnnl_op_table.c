/* The onednn delegate's op table (dnnl_op_table.h), and whether a node is
 * taken, dispatched through it (the segment builder dispatches emitting). */
#include <stdio.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/delegate/delegate_op_table.h"
#include "backends/delegate/delegate_support.h"

#include "backends/onednn/dnnl_op_table.h"

/* Sorted by name (the order `edgebench backends` lists them in). */
static const eb_dnnl_op ops[] = {
    {"Abs", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_ABS},
    {"Add", 0, eb_dnnl__check_binary, eb_dnnl__emit_binary, DNNL_BIN_ADD},
    {"AveragePool", 0, eb_dnnl__check_pool, eb_dnnl__emit_pool, 0},
    {"Clip", 0, eb_dnnl__check_clip, eb_dnnl__emit_eltwise, DNNL_ELT_CLIP},
    {"Conv", 0, eb_dnnl__check_conv, eb_dnnl__emit_conv, 0},
    {"DequantizeLinear", 1, eb_dnnl__check_qdq, eb_dnnl__emit_qdq, 0},
    {"Div", 0, eb_dnnl__check_binary, eb_dnnl__emit_binary, DNNL_BIN_DIV},
    {"Elu", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_ELU},
    {"Exp", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_EXP},
    {"Flatten", 0, eb_dnnl__check_reshape, eb_dnnl__emit_reshape, 0},
    {"Gemm", 0, eb_dnnl__check_gemm, eb_dnnl__emit_ip, 1},
    {"GlobalAveragePool", 0, eb_dnnl__check_pool, eb_dnnl__emit_pool, DNNL_POOL_GLOBAL},
    {"GlobalMaxPool", 0, eb_dnnl__check_pool, eb_dnnl__emit_pool, DNNL_POOL_GLOBAL | DNNL_POOL_MAX},
    {"HardSwish", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_HARDSWISH},
    {"Identity", 0, eb_dnnl__check_reshape, eb_dnnl__emit_reshape, 0},
    {"LeakyRelu", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_LEAKY_RELU},
    {"Log", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_LOG},
    {"MatMul", 0, eb_dnnl__check_matmul, eb_dnnl__emit_ip, 0},
    {"MaxPool", 0, eb_dnnl__check_pool, eb_dnnl__emit_pool, DNNL_POOL_MAX},
    {"Mul", 0, eb_dnnl__check_binary, eb_dnnl__emit_binary, DNNL_BIN_MUL},
    {"QuantizeLinear", 1, eb_dnnl__check_qdq, eb_dnnl__emit_qdq, 1},
    {"Relu", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_RELU},
    {"Reshape", 0, eb_dnnl__check_reshape, eb_dnnl__emit_reshape, 0},
    {"Sigmoid", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_SIGMOID},
    {"Softmax", 0, eb_dnnl__check_softmax, eb_dnnl__emit_softmax, 0},
    {"Sqrt", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_SQRT},
    {"Squeeze", 0, eb_dnnl__check_reshape, eb_dnnl__emit_reshape, 0},
    {"Sub", 0, eb_dnnl__check_binary, eb_dnnl__emit_binary, DNNL_BIN_SUB},
    {"Tanh", 0, NULL, eb_dnnl__emit_eltwise, DNNL_ELT_TANH},
    {"Unsqueeze", 0, eb_dnnl__check_reshape, eb_dnnl__emit_reshape, 0},
};

#define N_OPS (sizeof ops / sizeof ops[0])

const eb_dnnl_op *eb_dnnl_op_find(const char *op)
{
    return eb_delegate_op_find(ops, N_OPS, sizeof ops[0], op);
}

const char *const *eb_dnnl_op_names(void)
{
    /* filled from the table; every fill writes the same values */
    static const char *names[N_OPS + 1];
    eb_delegate_op_names(ops, N_OPS, sizeof ops[0], names);
    return names;
}

int eb_dnnl_node_supported(const eb_graph *g, int node, char *why, size_t len)
{
    const eb_node *n = &g->nodes[node];
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    if (!eb_delegate_node_shaped(g, n, why, len))
        return 0;
    if (x->rank > 5 || y->rank > 5 || x->rank == 0) {
        snprintf(why, len, "rank %d is outside oneDNN's 1..5 here", x->rank);
        return 0;
    }
    for (int k = 1; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0) {
            snprintf(why, len, "optional output %d is not produced", k);
            return 0;
        }
    if (eb_delegate_is_const(g, n->outputs[0]))
        return 1; /* computed at prepare (delegate_const.h) */
    const eb_dnnl_op *op = eb_dnnl_op_find(n->op_type);
    if (op && op->any_dtype)
        return op->check(g, node, op->arg, why, len);
    if (x->dtype != EB_DT_F32 || y->dtype != EB_DT_F32) {
        snprintf(why, len, "%s on %s: this delegate runs float32 primitives", n->op_type,
                 eb_dtype_name(x->dtype));
        return 0;
    }
    if (!op) {
        snprintf(why, len, "op %s is not mapped to a oneDNN primitive", n->op_type);
        return 0;
    }
    return op->check ? op->check(g, node, op->arg, why, len) : 1;
}
