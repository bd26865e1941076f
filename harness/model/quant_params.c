/* Attach the quantisation parameters stated by QuantizeLinear,
 * DequantizeLinear, QLinearConv and QLinearMatMul to the tensors they
 * describe, so `inspect`, backends and reports can see them on the tensor.
 * Only constant scales / zero points are recorded (the usual case). */
#include <stdlib.h>
#include <string.h>

#include "harness/model/graph_internal.h"

/* Record (scale_k, zp_k) of node n on tensor t, with per-axis `axis`. */
static eb_status attach(eb_graph *g, eb_node *n, int t_index, int scale_k, int zp_k,
                        int64_t axis_attr, char *msg, size_t msg_len)
{
    if (t_index < 0)
        return EB_OK;
    eb_tensor *t = &g->tensors[t_index];
    const eb_tensor *s = eb_node_input(g, n, scale_k);
    const eb_tensor *z = eb_node_input(g, n, zp_k);
    if (!s || !s->data || s->dtype != EB_DT_F32 || s->numel < 1 || t->quant.count)
        return EB_OK; /* run-time scale, or already annotated by another node */
    if (z && (!z->data || z->numel != s->numel))
        return EB_OK;
    float *scale = malloc((size_t)s->numel * sizeof *scale);
    int32_t *zp = calloc((size_t)s->numel, sizeof *zp);
    if (!scale || !zp) {
        free(scale);
        free(zp);
        eb__node_msg(g, n, msg, msg_len, "out of memory");
        return EB_ERR_NOMEM;
    }
    memcpy(scale, s->data, (size_t)s->numel * sizeof *scale);
    for (int64_t i = 0; z && i < z->numel; i++) {
        switch (z->dtype) {
        case EB_DT_U8: zp[i] = ((const uint8_t *)z->data)[i]; break;
        case EB_DT_I8: zp[i] = ((const int8_t *)z->data)[i]; break;
        case EB_DT_I32: zp[i] = ((const int32_t *)z->data)[i]; break;
        default: zp[i] = 0; break;
        }
    }
    t->quant.count = (int)s->numel;
    t->quant.scale = scale;
    t->quant.zero_point = zp;
    t->quant.axis = -1;
    if (s->numel > 1 && t->rank > 0)
        t->quant.axis = (int)(axis_attr < 0 ? axis_attr + t->rank : axis_attr);
    return EB_OK;
}

eb_status eb__graph_annotate_quant(eb_graph *g, char *msg, size_t msg_len)
{
    eb_status st = EB_OK;
    for (int i = 0; i < g->n_nodes && st == EB_OK; i++) {
        eb_node *n = &g->nodes[i];
        if (n->domain[0])
            continue;
        int64_t axis = eb_node_attr_int(n, "axis", 1);
        if (strcmp(n->op_type, "QuantizeLinear") == 0) {
            st = attach(g, n, n->n_outputs > 0 ? n->outputs[0] : -1, 1, 2, axis, msg, msg_len);
        } else if (strcmp(n->op_type, "DequantizeLinear") == 0) {
            st = attach(g, n, n->n_inputs > 0 ? n->inputs[0] : -1, 1, 2, axis, msg, msg_len);
        } else if (strcmp(n->op_type, "QLinearConv") == 0 ||
                   strcmp(n->op_type, "QLinearMatMul") == 0) {
            int is_conv = n->op_type[7] == 'C';
            if (n->n_inputs >= 8) {
                st = attach(g, n, n->inputs[0], 1, 2, 1, msg, msg_len);
                if (st == EB_OK) /* conv weights are per output channel (axis 0) */
                    st = attach(g, n, n->inputs[3], 4, 5, is_conv ? 0 : -1, msg, msg_len);
                if (st == EB_OK && n->n_outputs > 0)
                    st = attach(g, n, n->outputs[0], 6, 7, 1, msg, msg_len);
            }
        }
    }
    return st;
}
