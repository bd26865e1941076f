/* Constant chains (Identity / QuantizeLinear / DequantizeLinear of
 * constants) evaluated at prepare; see delegate_const.h. */
#include <stdlib.h>
#include <string.h>

#include "backends/delegate/delegate_const.h"
#include "backends/ref/ref_q8.h"

static int is_op(const eb_node *n, const char *op) { return strcmp(n->op_type, op) == 0; }

static const eb_node *maker(const eb_graph *g, int t)
{
    int p = t >= 0 ? g->tensors[t].producer : -1;
    if (p < 0)
        return NULL;
    const eb_node *n = &g->nodes[p];
    if (is_op(n, "Identity") || is_op(n, "QuantizeLinear") || is_op(n, "DequantizeLinear"))
        return n;
    /* Cast to float32 of float16 / float32 (fp16 models keep fp16 weights) */
    const eb_tensor *x = eb_node_input(g, n, 0);
    if (is_op(n, "Cast") && g->tensors[t].dtype == EB_DT_F32 && x &&
        (x->dtype == EB_DT_F16 || x->dtype == EB_DT_F32))
        return n;
    return NULL;
}

int eb_delegate_is_const(const eb_graph *g, int t)
{
    if (t < 0)
        return 0;
    if (g->tensors[t].data)
        return 1;
    const eb_node *n = maker(g, t);
    if (!n || n->n_inputs < 1 || g->tensors[t].rank < 0)
        return 0;
    for (int k = 0; k < n->n_inputs; k++)
        if (n->inputs[k] >= 0 && !eb_delegate_is_const(g, n->inputs[k]))
            return 0;
    return 1;
}

int eb_const_cache_init(eb_const_cache *c, const eb_graph *g)
{
    c->g = g;
    c->owned = calloc((size_t)g->n_tensors + 1, sizeof *c->owned);
    return c->owned != NULL;
}

void eb_const_cache_free(eb_const_cache *c)
{
    for (int t = 0; c->owned && t < c->g->n_tensors; t++)
        free(c->owned[t]);
    free(c->owned);
    c->owned = NULL;
}

static eb_value as_value(const eb_tensor *t, const void *data)
{
    eb_value v = {.dtype = t->dtype, .rank = t->rank, .data = (void *)data, .nbytes = t->nbytes};
    memcpy(v.dims, t->dims, sizeof v.dims);
    return v;
}

const void *eb_const_value(eb_const_cache *c, int t)
{
    const eb_graph *g = c->g;
    if (t < 0)
        return NULL;
    if (g->tensors[t].data)
        return g->tensors[t].data;
    if (c->owned[t])
        return c->owned[t];
    if (!eb_delegate_is_const(g, t))
        return NULL;
    const eb_node *n = maker(g, t);
    const void *x = eb_const_value(c, n->inputs[0]);
    if (!x)
        return NULL;
    const eb_tensor *in = &g->tensors[n->inputs[0]], *out = &g->tensors[t];
    if (is_op(n, "Identity") || (is_op(n, "Cast") && in->dtype == out->dtype))
        return x;
    if (is_op(n, "Cast")) {
        float *f = calloc(1, out->nbytes + 1);
        for (int64_t i = 0; f && i < out->numel; i++)
            f[i] = eb_f16_to_f32(((const uint16_t *)x)[i]);
        return c->owned[t] = f;
    }
    void *y = calloc(1, out->nbytes + 1);
    if (!y)
        return NULL;
    const eb_tensor *st = eb_node_input(g, n, 1), *zt = eb_node_input(g, n, 2);
    const void *sv = st ? eb_const_value(c, n->inputs[1]) : NULL;
    const void *zv = zt ? eb_const_value(c, n->inputs[2]) : NULL;
    if (!sv || (zt && !zv)) {
        free(y);
        return NULL;
    }
    eb_value s = as_value(st, sv), z = zt ? as_value(zt, zv) : (eb_value){0};
    int axis = (int)eb_node_attr_int(n, "axis", 1);
    if (axis < 0)
        axis += in->rank;
    eb_ref_qparams q;
    eb_ref_qparams_values(&s, zt ? &z : NULL, axis, &q);
    int64_t outer = 1, channels = 1, inner = 1;
    for (int d = 0; d < in->rank; d++) {
        if (q.axis < 0 || d > q.axis)
            inner *= in->dims[d];
        else if (d == q.axis)
            channels = in->dims[d];
        else
            outer *= in->dims[d];
    }
    int32_t qmin = 0, qmax = 0;
    int quant = is_op(n, "QuantizeLinear");
    if (quant)
        eb_ref_q8_range(out->dtype, &qmin, &qmax);
    int64_t i = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t ch = 0; ch < channels; ch++) {
            float sc = eb_ref_qp_scale(&q, ch);
            int32_t zp = eb_ref_qp_zp(&q, ch);
            for (int64_t k = 0; k < inner; k++, i++) {
                if (quant)
                    eb_ref_q8_put(y, out->dtype, i,
                                  eb_ref_quantize_f32(((const float *)x)[i], sc, zp, qmin, qmax));
                else
                    ((float *)y)[i] = (float)((int64_t)eb_ref_q8_get(x, in->dtype, i) - zp) * sc;
            }
        }
    c->owned[t] = y;
    return y;
}
