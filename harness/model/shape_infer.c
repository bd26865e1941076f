/* Shape inference dispatch: the table below is the single list of ops
 * edgebench can infer shapes for (the helpers are in shape_common.c). */
#include <stdio.h>
#include <string.h>

#include "harness/model/shape_common.h"

static const struct {
    const char *op;
    eb_shape_fn fn;
} table[] = {
    {"Relu", eb__shape_unary},
    {"LeakyRelu", eb__shape_unary},
    {"Sigmoid", eb__shape_unary},
    {"Tanh", eb__shape_unary},
    {"HardSigmoid", eb__shape_unary},
    {"HardSwish", eb__shape_unary},
    {"Clip", eb__shape_unary},
    {"Softmax", eb__shape_unary},
    {"Identity", eb__shape_unary},
    {"Cast", eb__shape_cast},
    {"Add", eb__shape_binary},
    {"Sub", eb__shape_binary},
    {"Mul", eb__shape_binary},
    {"Div", eb__shape_binary},
    {"BatchNormalization", eb__shape_batchnorm},
    {"Conv", eb__shape_conv},
    {"QLinearConv", eb__shape_conv},
    {"MaxPool", eb__shape_pool},
    {"AveragePool", eb__shape_pool},
    {"GlobalAveragePool", eb__shape_global_pool},
    {"GlobalMaxPool", eb__shape_global_pool},
    {"ReduceMean", eb__shape_reduce},
    {"ReduceSum", eb__shape_reduce},
    {"Gemm", eb__shape_gemm},
    {"MatMul", eb__shape_matmul},
    {"QLinearMatMul", eb__shape_matmul},
    {"Flatten", eb__shape_flatten},
    {"Reshape", eb__shape_reshape},
    {"Transpose", eb__shape_transpose},
    {"Concat", eb__shape_concat},
    {"Squeeze", eb__shape_squeeze},
    {"Unsqueeze", eb__shape_unsqueeze},
    {"Pad", eb__shape_pad},
    {"Constant", eb__shape_constant},
    {"Shape", eb__shape_shape},
    {"Gather", eb__shape_gather},
    {"Slice", eb__shape_slice},
    {"QuantizeLinear", eb__shape_quantize},
    {"DequantizeLinear", eb__shape_dequantize},
};

eb_status eb__infer_node(eb_graph *g, eb_node *n, char *msg, size_t msg_len)
{
    if (msg_len)
        msg[0] = '\0';
    if (n->domain[0] != '\0')
        return EB_ERR_UNSUPPORTED;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].op, n->op_type) == 0) {
            eb_status st = table[i].fn(g, n, msg, msg_len);
            /* shape arithmetic on constants becomes a constant (shape_fold.c) */
            return st == EB_OK ? eb__fold_node(g, n, msg, msg_len) : st;
        }
    return EB_ERR_UNSUPPORTED;
}

