/* Shape inference dispatch and the helpers every op family uses.
 * The table below is the single list of ops edgebench can infer shapes for. */
#include <stdio.h>
#include <string.h>

#include "model/shape_common.h"

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
        if (strcmp(table[i].op, n->op_type) == 0)
            return table[i].fn(g, n, msg, msg_len);
    return EB_ERR_UNSUPPORTED;
}

const eb_tensor *eb__need_input(const eb_graph *g, const eb_node *n, int k, char *msg,
                                size_t msg_len)
{
    const eb_tensor *t = eb_node_input(g, n, k);
    if (!t) {
        eb__node_msg(g, n, msg, msg_len, "required input #%d is missing", k);
        return NULL;
    }
    if (t->rank < 0) {
        eb__node_msg(g, n, msg, msg_len, "input '%s' has no known shape", t->name);
        return NULL;
    }
    return t;
}

eb_status eb__set_output(eb_graph *g, eb_node *n, int k, eb_dtype dtype, int rank,
                         const int64_t *dims, char *msg, size_t msg_len)
{
    if (k >= n->n_outputs || n->outputs[k] < 0)
        return EB_OK;
    return eb__tensor_set_shape(g, &g->tensors[n->outputs[k]], dtype, rank, dims, n, msg,
                                msg_len);
}

eb_status eb__same_as(eb_graph *g, eb_node *n, int k, const eb_tensor *t, char *msg,
                      size_t msg_len)
{
    int64_t dims[EB_MAX_RANK];
    memcpy(dims, t->dims, sizeof dims);
    return eb__set_output(g, n, k, t->dtype, t->rank, dims, msg, msg_len);
}

int eb__const_ints(const eb_graph *g, const eb_node *n, const eb_tensor *t, int64_t *vals,
                   int max, const char *what, char *msg, size_t msg_len)
{
    if (!t->data)
        return EB_SHAPE_RUNTIME;
    if (t->dtype != EB_DT_I64 && t->dtype != EB_DT_I32) {
        eb__node_msg(g, n, msg, msg_len, "%s '%s' must be int64, not %s", what, t->name,
                     eb_dtype_name(t->dtype));
        return -1;
    }
    if (t->numel > max) {
        eb__node_msg(g, n, msg, msg_len, "%s '%s' has %lld values, at most %d are supported",
                     what, t->name, (long long)t->numel, max);
        return -1;
    }
    for (int64_t i = 0; i < t->numel; i++)
        vals[i] = t->dtype == EB_DT_I64 ? ((const int64_t *)t->data)[i]
                                        : ((const int32_t *)t->data)[i];
    return (int)t->numel;
}

int eb__norm_axis(const eb_graph *g, const eb_node *n, int64_t a, int r, char *msg,
                  size_t msg_len)
{
    int64_t v = a < 0 ? a + r : a;
    if (v < 0 || v >= r) {
        eb__node_msg(g, n, msg, msg_len, "axis %lld is out of range for rank %d", (long long)a,
                     r);
        return -1;
    }
    return (int)v;
}

int eb__broadcast(const eb_graph *g, const eb_node *n, const eb_tensor *a, const eb_tensor *b,
                  int64_t *out, char *msg, size_t msg_len)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1;
        int64_t db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char sa[96], sb[96];
            eb__node_msg(g, n, msg, msg_len, "shapes %s and %s do not broadcast",
                         eb_shape_str(a, sa, sizeof sa), eb_shape_str(b, sb, sizeof sb));
            return -1;
        }
        out[i] = da == 1 ? db : da;
    }
    return r;
}
