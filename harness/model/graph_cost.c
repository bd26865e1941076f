/* Per-node cost: MACs, operations and parameters.
 *
 * MACs count multiply-accumulates of the dominant compute (conv, matmul);
 * flops count every arithmetic operation with a MAC as two, so achieved
 * GFLOP/s can be compared with a device peak. Element-wise ops count one
 * operation per output element (activations with several ops per element
 * count a small fixed number: an estimate, not an instruction count). */
#include <string.h>

#include "edgebench/window.h"
#include "harness/model/graph_internal.h"

static uint64_t numel_out(const eb_graph *g, const eb_node *n)
{
    const eb_tensor *y = eb_node_output(g, n, 0);
    return (y && y->numel > 0) ? (uint64_t)y->numel : 0;
}

static uint64_t elementwise_ops(const char *op)
{
    static const struct {
        const char *op;
        unsigned ops;
    } per_element[] = {
        {"Relu", 1}, {"LeakyRelu", 2}, {"Clip", 2}, {"Add", 1}, {"Sub", 1}, {"Mul", 1},
        {"Div", 1}, {"Sigmoid", 4}, {"Tanh", 4}, {"HardSigmoid", 3}, {"HardSwish", 4},
        {"BatchNormalization", 2}, {"Softmax", 5}, {"QuantizeLinear", 3},
        {"DequantizeLinear", 2},
    };
    for (size_t i = 0; i < sizeof per_element / sizeof per_element[0]; i++)
        if (strcmp(per_element[i].op, op) == 0)
            return per_element[i].ops;
    return 0;
}

void eb__node_cost(const eb_graph *g, eb_node *n)
{
    n->macs = n->flops = n->param_count = n->param_bytes = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (t && t->kind == EB_TENSOR_CONSTANT && t->numel > 0) {
            n->param_count += (uint64_t)t->numel;
            n->param_bytes += t->nbytes;
        }
    }
    const char *op = n->op_type;
    uint64_t out = numel_out(g, n);
    if (strcmp(op, "Conv") == 0 || strcmp(op, "QLinearConv") == 0) {
        int q = op[0] == 'Q';
        const eb_tensor *w = eb_node_input(g, n, q ? 3 : 1);
        if (!w || w->rank < 2)
            return;
        uint64_t per_out = (uint64_t)w->dims[1]; /* input channels per group */
        for (int i = 2; i < w->rank; i++)
            per_out *= (uint64_t)w->dims[i];
        n->macs = out * per_out;
        n->flops = 2 * n->macs + (eb_node_input(g, n, q ? 8 : 2) ? out : 0);
    } else if (strcmp(op, "Gemm") == 0 || strcmp(op, "MatMul") == 0 ||
               strcmp(op, "QLinearMatMul") == 0) {
        const eb_tensor *a = eb_node_input(g, n, 0);
        if (!a || a->rank < 1)
            return;
        int64_t k = (strcmp(op, "Gemm") == 0 && eb_node_attr_int(n, "transA", 0)) ? a->dims[0]
                                                                                  : a->dims[a->rank - 1];
        n->macs = out * (uint64_t)k;
        n->flops = 2 * n->macs + ((strcmp(op, "Gemm") == 0 && eb_node_input(g, n, 2)) ? out : 0);
    } else if (strcmp(op, "MaxPool") == 0 || strcmp(op, "AveragePool") == 0) {
        const int64_t *ks;
        int c = eb_node_attr_ints(n, "kernel_shape", &ks);
        uint64_t win = 1;
        for (int i = 0; i < c; i++)
            win *= (uint64_t)ks[i];
        n->flops = out * win;
    } else if (strcmp(op, "GlobalAveragePool") == 0 || strcmp(op, "GlobalMaxPool") == 0) {
        const eb_tensor *x = eb_node_input(g, n, 0);
        n->flops = x && x->numel > 0 ? (uint64_t)x->numel : 0;
    } else {
        n->flops = out * elementwise_ops(op);
    }
}

void eb__graph_sum_costs(eb_graph *g)
{
    for (int i = 0; i < g->n_nodes; i++) {
        g->macs += g->nodes[i].macs;
        g->flops += g->nodes[i].flops;
    }
    for (int t = 0; t < g->n_tensors; t++) {
        const eb_tensor *x = &g->tensors[t];
        /* Parameters: constants read by nodes, each counted once however
         * many nodes share it. Values folded from shapes are not weights. */
        if (x->kind == EB_TENSOR_CONSTANT && x->n_consumers > 0 && x->numel > 0 &&
            (x->producer < 0 || strcmp(g->nodes[x->producer].op_type, "Constant") == 0)) {
            g->param_count += (uint64_t)x->numel;
            g->param_bytes += x->nbytes;
        }
    }
}
