/* int8 QDQ group recognition shared by the delegates (delegate_q8.h). */
#include "backends/delegate/delegate_q8.h"

#include <stddef.h>
#include <string.h>

static int is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

int eb_delegate_is_output(const eb_graph *g, int t)
{
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == t)
            return 1;
    return 0;
}

/* The int8 initializer behind constant weight tensor t (DequantizeLinear of
 * the full graph, through Identity), symmetric, per tensor or per channel
 * (along axis when axis >= 0); NULL otherwise. */
static const eb_tensor *int8_weights(const eb_graph *f, int t, int axis)
{
    int p = f->tensors[t].producer;
    while (p >= 0 && is_op(&f->nodes[p], "Identity")) {
        t = f->nodes[p].inputs[0];
        p = t >= 0 ? f->tensors[t].producer : -1;
    }
    if (p < 0 || !is_op(&f->nodes[p], "DequantizeLinear"))
        return NULL;
    const eb_tensor *q = eb_node_input(f, &f->nodes[p], 0);
    if (!q || !q->data || q->dtype != EB_DT_I8 || q->quant.count < 1 ||
        (axis >= 0 && q->quant.count > 1 && q->quant.axis != axis))
        return NULL;
    for (int c = 0; q->quant.zero_point && c < q->quant.count; c++)
        if (q->quant.zero_point[c] != 0)
            return NULL;
    return q;
}

/* The only node of the view reading tensor t, or -1. */
static int sole_reader(const eb_graph *g, int t)
{
    int found = -1;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++)
            if (g->nodes[i].inputs[k] == t) {
                if (found >= 0)
                    return -1;
                found = i;
            }
    return found;
}

int eb_delegate_match_q8(const eb_graph *g, const eb_graph *full, int i, int axis, eb_q8_group *m)
{
    const eb_node *n = &g->nodes[i];
    if (!(is_op(n, "Conv") || is_op(n, "Gemm") || is_op(n, "MatMul")) || n->n_inputs < 2)
        return 0;
    int pa = g->tensors[n->inputs[0]].producer;
    if (pa < 0 || !is_op(&g->nodes[pa], "DequantizeLinear"))
        return 0;
    const eb_tensor *xq = eb_node_input(g, &g->nodes[pa], 0);
    if (!xq || xq->data || (xq->dtype != EB_DT_U8 && xq->dtype != EB_DT_I8) || xq->quant.count != 1)
        return 0;
    m->xq = g->nodes[pa].inputs[0];
    if (!(m->w = int8_weights(full, n->inputs[1], axis)))
        return 0;
    int t = n->outputs[0], r = sole_reader(g, t);
    m->act = -1;
    if (eb_delegate_is_output(g, t) || r < 0)
        return 0;
    if (is_op(&g->nodes[r], "Relu") || is_op(&g->nodes[r], "Clip")) {
        m->act = r;
        t = g->nodes[r].outputs[0];
        if (eb_delegate_is_output(g, t) || (r = sole_reader(g, t)) < 0)
            return 0;
    }
    const eb_tensor *y = eb_node_output(g, &g->nodes[r], 0);
    if (!is_op(&g->nodes[r], "QuantizeLinear") || y->quant.count != 1 || y->dtype != xq->dtype)
        return 0;
    m->q = r;
    return 1;
}

void eb_delegate_skip_group_dqs(const eb_graph *g, unsigned char *skip,
                                int (*match)(void *ctx, int node, eb_q8_group *m), void *ctx)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *d = &g->nodes[i];
        if (!is_op(d, "DequantizeLinear") || eb_delegate_is_output(g, d->outputs[0]))
            continue;
        int readers = 0, grouped = 0;
        for (int j = 0; j < g->n_nodes; j++)
            for (int k = 0; k < g->nodes[j].n_inputs; k++)
                if (g->nodes[j].inputs[k] == d->outputs[0]) {
                    eb_q8_group m;
                    readers++;
                    grouped += k == 0 && match(ctx, j, &m);
                }
        if (readers && readers == grouped)
            skip[i] = 1;
    }
}
