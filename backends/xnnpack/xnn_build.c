/* Values and constants of the xnnpack builder (xnn_builder.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xnnpack/xnn_builder.h"

void *eb_xnn__keep(builder *b, size_t bytes)
{
    xnn_seg *s = b->s;
    if (s->n_owned == s->cap_owned) {
        int cap = s->cap_owned ? s->cap_owned * 2 : 16;
        void **grown = realloc(s->owned, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        s->owned = grown;
        s->cap_owned = cap;
    }
    /* XNNPACK may read a few bytes past static data with SIMD loads */
    void *p = calloc(1, bytes + 64);
    if (p)
        s->owned[s->n_owned++] = p;
    return p;
}

/* Dims as XNNPACK sees them: rank 4 permuted to NHWC, rank 0 as [1]. */
size_t eb_xnn__xdims(const eb_tensor *t, size_t d[4])
{
    if (t->rank == 4) {
        d[0] = (size_t)t->dims[0];
        d[1] = (size_t)t->dims[2];
        d[2] = (size_t)t->dims[3];
        d[3] = (size_t)t->dims[1];
        return 4;
    }
    if (t->rank == 0) {
        d[0] = 1;
        return 1;
    }
    for (int i = 0; i < t->rank; i++)
        d[i] = (size_t)t->dims[i];
    return (size_t)t->rank;
}

eb_status eb_xnn__xfail(builder *b, enum xnn_status xs, const char *what, const eb_node *n)
{
    snprintf(b->msg, b->len, "xnnpack: %s%s%s%s: XNNPACK status %d", what, n ? " for node '" : "",
             n ? n->name : "", n ? "'" : "", (int)xs);
    return EB_ERR_BACKEND;
}

/* Define tensor t as a runtime value (activation or external). */
eb_status eb_xnn__define_value(builder *b, int t, uint32_t ext_id, uint32_t flags)
{
    const eb_tensor *x = &b->g->tensors[t];
    size_t d[4];
    size_t r = eb_xnn__xdims(x, d);
    enum xnn_status xs;
    if (x->dtype == EB_DT_F32) {
        xs = xnn_define_tensor_value(b->sg, xnn_datatype_fp32, r, d, NULL, ext_id, flags, &b->ids[t]);
    } else if ((x->dtype == EB_DT_I8 || x->dtype == EB_DT_U8) && x->quant.count == 1) {
        int32_t zp = x->quant.zero_point ? x->quant.zero_point[0] : 0;
        xs = xnn_define_quantized_tensor_value(
            b->sg, x->dtype == EB_DT_I8 ? xnn_datatype_qint8 : xnn_datatype_quint8, zp,
            x->quant.scale[0], r, d, NULL, ext_id, flags, &b->ids[t]);
    } else {
        snprintf(b->msg, b->len, "xnnpack: tensor '%s' (%s) has no XNNPACK type", x->name,
                 eb_dtype_name(x->dtype));
        return EB_ERR_UNSUPPORTED;
    }
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "defining a value", NULL);
}

eb_status eb_xnn__value(builder *b, int t, uint32_t *id)
{
    eb_status st = EB_OK;
    if (b->ids[t] == XNN_INVALID_VALUE_ID)
        st = eb_xnn__define_value(b, t, XNN_INVALID_VALUE_ID, 0);
    *id = b->ids[t];
    return st;
}

static float qload(const void *p, eb_dtype dt, int64_t i)
{
    switch (dt) {
    case EB_DT_I8: return (float)((const int8_t *)p)[i];
    case EB_DT_U8: return (float)((const uint8_t *)p)[i];
    case EB_DT_I32: return (float)((const int32_t *)p)[i];
    default: return ((const float *)p)[i];
    }
}

/* Float32 contents of constant t (a constant, or DequantizeLinear of one);
 * NULL with msg when it cannot be had. The result is owned by the segment
 * or the graph. */
const float *eb_xnn__const_f32(builder *b, int t)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[t];
    if (x->data && x->dtype == EB_DT_F32)
        return x->data;
    if (x->data) {
        snprintf(b->msg, b->len, "xnnpack: constant '%s' is %s, float32 expected", x->name,
                 eb_dtype_name(x->dtype));
        return NULL;
    }
    const eb_node *dq = x->producer >= 0 ? &g->nodes[x->producer] : NULL;
    if (dq && eb_xnn__is_op(dq, "Identity") && dq->n_inputs >= 1 && dq->inputs[0] >= 0)
        return eb_xnn__const_f32(b, dq->inputs[0]);
    const eb_tensor *q = dq ? eb_node_input(g, dq, 0) : NULL;
    if (!dq || !eb_xnn__is_op(dq, "DequantizeLinear") || !q || !q->data || q->quant.count < 1) {
        snprintf(b->msg, b->len, "xnnpack: '%s' is not a constant", x->name);
        return NULL;
    }
    float *out = eb_xnn__keep(b, (size_t)x->numel * sizeof *out);
    if (!out) {
        snprintf(b->msg, b->len, "xnnpack: out of memory");
        return NULL;
    }
    /* real = (q - zero_point) * scale, per tensor or along quant.axis */
    int64_t inner = 1, ch = q->quant.count;
    if (ch > 1)
        for (int d = q->quant.axis + 1; d < q->rank; d++)
            inner *= q->dims[d];
    for (int64_t i = 0; i < q->numel; i++) {
        int64_t c = ch > 1 ? (i / inner) % ch : 0;
        float zp = q->quant.zero_point ? (float)q->quant.zero_point[c] : 0.f;
        out[i] = (qload(q->data, q->dtype, i) - zp) * q->quant.scale[c];
    }
    return out;
}

/* A constant operand of an elementwise op whose result has rank out_rank:
 * broadcast rank raised to out_rank, and NHWC when that is 4. */
eb_status eb_xnn__const_operand(builder *b, int t, int out_rank, uint32_t *id)
{
    const eb_tensor *x = &b->g->tensors[t];
    const float *src = eb_xnn__const_f32(b, t);
    if (!src)
        return EB_ERR_UNSUPPORTED;
    size_t d[4];
    size_t r;
    float *data = eb_xnn__keep(b, (size_t)(x->numel > 0 ? x->numel : 1) * sizeof *data);
    if (!data) {
        snprintf(b->msg, b->len, "xnnpack: out of memory");
        return EB_ERR_NOMEM;
    }
    if (out_rank == 4) {
        int64_t e[4] = {1, 1, 1, 1};
        for (int i = 0; i < x->rank; i++)
            e[4 - x->rank + i] = x->dims[i];
        /* NCHW -> NHWC */
        for (int64_t n = 0; n < e[0]; n++)
            for (int64_t c = 0; c < e[1]; c++)
                for (int64_t h = 0; h < e[2]; h++)
                    for (int64_t w = 0; w < e[3]; w++)
                        data[((n * e[2] + h) * e[3] + w) * e[1] + c] =
                            src[((n * e[1] + c) * e[2] + h) * e[3] + w];
        d[0] = (size_t)e[0];
        d[1] = (size_t)e[2];
        d[2] = (size_t)e[3];
        d[3] = (size_t)e[1];
        r = 4;
    } else {
        memcpy(data, src, (size_t)(x->numel > 0 ? x->numel : 1) * sizeof *data);
        r = eb_xnn__xdims(x, d);
    }
    enum xnn_status xs = xnn_define_tensor_value(b->sg, xnn_datatype_fp32, r, d, data,
                                                 XNN_INVALID_VALUE_ID, 0, id);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "defining a constant", NULL);
}

eb_status eb_xnn__static_f32(builder *b, const float *data, size_t rank, const size_t *d, uint32_t *id)
{
    enum xnn_status xs = xnn_define_tensor_value(b->sg, xnn_datatype_fp32, rank, d, data,
                                                 XNN_INVALID_VALUE_ID, 0, id);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "defining weights", NULL);
}

