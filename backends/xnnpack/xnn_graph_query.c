/* Questions about the graph both emitters ask (xnn_ops_f32.c, xnn_ops_q8.c):
 * where an activation's NHWC flatten comes from, a constant scalar input. */
#include "backends/xnnpack/xnn_builder.h"

/* The NCHW -> NHWC flatten permutation of the K axis, when the activation
 * comes from flattening an NHWC rank-4 tensor (eb_xnn_flatten_feeds_weights). */
const eb_tensor *eb_xnn__nhwc_flattened(const eb_graph *g, int t)
{
    int p = g->tensors[t].producer;
    if (p < 0)
        return NULL;
    const eb_node *n = &g->nodes[p];
    if ((eb_xnn__is_op(n, "QuantizeLinear") || eb_xnn__is_op(n, "DequantizeLinear")) && n->inputs[0] >= 0)
        return eb_xnn__nhwc_flattened(g, n->inputs[0]); /* elementwise: order kept */
    if (!(eb_xnn__is_op(n, "Flatten") || eb_xnn__is_op(n, "Reshape")))
        return NULL;
    const eb_tensor *x = eb_node_input(g, n, 0);
    return x && x->rank == 4 && x->dims[2] * x->dims[3] != 1 ? x : NULL;
}

float eb_xnn__const_scalar(const eb_graph *g, const eb_node *n, int k, float dflt)
{
    const eb_tensor *t = eb_node_input(g, n, k);
    return t && t->data && t->numel >= 1 ? ((const float *)t->data)[0] : dflt;
}
