#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xnnpack/xnn_builder.h"

/* int8 QDQ groups of the xnnpack delegate:
 * DQ -> Conv|Gemm|MatMul [-> Relu|Clip] -> Q as one quantised
 * XNNPACK operator, where XNNPACK 0.0~git20220216 has one:
 *   int8 activations:  qint8 weights (per tensor) or, for convolution,
 *                      qcint8 (per output channel), qint32/qcint32 bias
 *   uint8 activations: quint8 weights, per tensor only; symmetric int8
 *                      weights are shifted to uint8 exactly (w + 128, zero
 *                      point 128)
 * Anything else runs as written (fp32 between converts). */
int eb_xnn__match_q8(builder *b, int i, q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_node *n = &g->nodes[i];
    if (!b->int8 || !eb_delegate_match_q8(g, b->full, i, -1, m))
        return 0;
    int conv = eb_xnn__is_op(n, "Conv"), gemm = eb_xnn__is_op(n, "Gemm");
    const eb_tensor *xq = &g->tensors[m->xq];
    /* per-channel weights: convolution with int8 activations only */
    if (m->w->quant.count > 1 && !(conv && xq->dtype == EB_DT_I8 && m->w->quant.axis == 0))
        return 0;
    if (gemm && n->inputs[2] >= 0 && eb_node_input(g, n, 2)->numel != eb_node_output(g, n, 0)->dims[1])
        return 0;
    return 1;
}

eb_status eb_xnn__emit_q8(builder *b, const eb_node *n, const q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *w = m->w, *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    int conv = eb_xnn__is_op(n, "Conv"), s8 = x->dtype == EB_DT_I8;
    int trans_b = eb_xnn__is_op(n, "Gemm") ? (int)eb_node_attr_int(n, "transB", 0) : 0;
    int64_t O = conv || trans_b ? w->dims[0] : w->dims[1], K = w->numel / O;
    float sx = x->quant.scale[0];
    /* weights in XNNPACK's layout: conv OHWI, fully connected [O][K] */
    uint8_t *wt = eb_xnn__keep(b, (size_t)w->numel);
    int32_t *bq = eb_xnn__keep(b, (size_t)O * sizeof *bq);
    float *bscale = eb_xnn__keep(b, (size_t)O * sizeof *bscale);
    if (!wt || !bq || !bscale) {
        snprintf(b->msg, b->len, "xnnpack: out of memory");
        return EB_ERR_NOMEM;
    }
    const int8_t *ws = w->data;
    const eb_tensor *flat = conv ? NULL : eb_xnn__nhwc_flattened(g, m->xq);
    int64_t C = flat ? flat->dims[1] : 0, HW = flat ? flat->dims[2] * flat->dims[3] : 0;
    for (int64_t o = 0; o < O; o++)
        for (int64_t k = 0; k < K; k++) {
            int64_t src, dst = o * K + k;
            if (conv) {
                int64_t cig = w->dims[1], kh = w->dims[2], kw = w->dims[3];
                int64_t i = k % cig, yx = k / cig; /* dst order: (y, x, i) */
                src = ((o * cig + i) * kh + yx / kw) * kw + yx % kw;
            } else {
                int64_t kk = k;
                if (flat) /* K in NHWC order: k = (p, c) from NCHW (c, p) */
                    kk = (k % C) * HW + k / C;
                src = trans_b ? o * K + kk : kk * O + o;
            }
            wt[dst] = s8 ? (uint8_t)ws[src] : (uint8_t)(ws[src] + 128);
        }
    const float *bf = bias ? bias->data : NULL;
    for (int64_t o = 0; o < O; o++) {
        bscale[o] = sx * w->quant.scale[w->quant.count > 1 ? o : 0];
        bq[o] = bf ? (int32_t)lrintf(bf[o] / bscale[o]) : 0;
    }
    enum xnn_status xs;
    uint32_t wid, bid, in, out;
    size_t bd[1] = {(size_t)O};
    eb_status st;
    if ((st = eb_xnn__value(b, m->xq, &in)) || (st = eb_xnn__value(b, qn->outputs[0], &out)))
        return st;
    if (conv) {
        size_t wd[4] = {(size_t)O, (size_t)w->dims[2], (size_t)w->dims[3], (size_t)w->dims[1]};
        if (w->quant.count > 1) {
            xs = xnn_define_channelwise_quantized_tensor_value(b->sg, xnn_datatype_qcint8, w->quant.scale, 4, 0, wd, wt, XNN_INVALID_VALUE_ID, 0, &wid);
            if (xs == xnn_status_success)
                xs = xnn_define_channelwise_quantized_tensor_value(b->sg, xnn_datatype_qcint32, bscale, 1, 0, bd, bq, XNN_INVALID_VALUE_ID, 0, &bid);
        } else {
            xs = xnn_define_quantized_tensor_value(b->sg, s8 ? xnn_datatype_qint8 : xnn_datatype_quint8, s8 ? 0 : 128, w->quant.scale[0], 4, wd, wt, XNN_INVALID_VALUE_ID, 0, &wid);
            if (xs == xnn_status_success)
                xs = xnn_define_quantized_tensor_value(b->sg, xnn_datatype_qint32, 0, bscale[0], 1, bd, bq, XNN_INVALID_VALUE_ID, 0, &bid);
        }
    } else {
        size_t wd[2] = {(size_t)O, (size_t)K};
        xs = xnn_define_quantized_tensor_value(b->sg, s8 ? xnn_datatype_qint8 : xnn_datatype_quint8, s8 ? 0 : 128, w->quant.scale[0], 2, wd, wt, XNN_INVALID_VALUE_ID, 0, &wid);
        if (xs == xnn_status_success)
            xs = xnn_define_quantized_tensor_value(b->sg, xnn_datatype_qint32, 0, bscale[0], 1, bd, bq, XNN_INVALID_VALUE_ID, 0, &bid);
    }
    if (xs != xnn_status_success)
        return eb_xnn__xfail(b, xs, "int8 weights", n);
    float lo = -INFINITY, hi = INFINITY;
    if (m->act >= 0) {
        const eb_node *a = &g->nodes[m->act];
        lo = 0.f;
        if (eb_xnn__is_op(a, "Clip")) {
            lo = a->opset < 11 ? eb_node_attr_float(a, "min", -INFINITY) : eb_xnn__const_scalar(g, a, 1, -INFINITY);
            hi = a->opset < 11 ? eb_node_attr_float(a, "max", INFINITY) : eb_xnn__const_scalar(g, a, 2, INFINITY);
        }
    }
    if (conv) {
        int64_t pads[4];
        char why[128];
        eb_xnn_conv_pads(n, pads, why, sizeof why);
        const int64_t *stv = NULL, *dl = NULL;
        int nst = eb_node_attr_ints(n, "strides", &stv), ndl = eb_node_attr_ints(n, "dilations", &dl);
        int64_t groups = eb_node_attr_int(n, "group", 1);
        xs = xnn_define_convolution_2d(
            b->sg, (uint32_t)pads[0], (uint32_t)pads[3], (uint32_t)pads[2], (uint32_t)pads[1],
            (uint32_t)w->dims[2], (uint32_t)w->dims[3], nst == 2 ? (uint32_t)stv[0] : 1,
            nst == 2 ? (uint32_t)stv[1] : 1, ndl == 2 ? (uint32_t)dl[0] : 1,
            ndl == 2 ? (uint32_t)dl[1] : 1, (uint32_t)groups, (size_t)w->dims[1],
            (size_t)(O / groups), lo, hi, in, wid, bid, out, 0);
    } else {
        xs = xnn_define_fully_connected(b->sg, lo, hi, in, wid, bid, out, 0);
    }
    if (xs != xnn_status_success)
        return eb_xnn__xfail(b, xs, "int8 operator", n);
    if (m->act >= 0)
        b->skip[m->act] = 1;
    b->skip[m->q] = 1;
    b->n_q8++;
    return EB_OK;
}

static int match_in(void *b, int node, eb_q8_group *m) { return eb_xnn__match_q8(b, node, m); }

/* DequantizeLinear nodes read only by int8 groups are not needed. */
void eb_xnn__skip_group_dqs(builder *b)
{
    eb_delegate_skip_group_dqs(b->g, b->skip, match_in, b);
}
