/* The xnnpack delegate's op table (xnn_op_table.h). */
#include <string.h>

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
    for (size_t i = 0; i < N_OPS; i++)
        if (strcmp(ops[i].op, op) == 0)
            return &ops[i];
    return NULL;
}

const char *const *eb_xnn_op_names(void)
{
    /* filled once from the table; plugins load single-threaded (the
     * registry), and every fill writes the same values */
    static const char *names[N_OPS + 1];
    for (size_t i = 0; i < N_OPS; i++)
        names[i] = ops[i].op;
    names[N_OPS] = NULL;
    return names;
}
