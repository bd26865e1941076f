/* The emitters of the xnnpack delegate's op table (xnn_op_table.h), one
 * per op family, and the dispatch of a node through the table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/xnnpack/xnn_op_table.h"

/* The value of input 0, defined after the output's (the order the
 * subgraph's value ids have always been given in). */
static eb_status input0(builder *b, const eb_node *n, uint32_t *in)
{
    return eb_xnn__value(b, n->inputs[0], in);
}

eb_status eb_xnn__emit_conv(builder *b, const eb_node *n, int arg, uint32_t out)
{
    (void)arg;
    uint32_t in;
    eb_status is = input0(b, n, &in);
    if (is != EB_OK)
        return is;
    const eb_graph *g = b->g;
    const eb_tensor *w = eb_node_input(g, n, 1);
    int64_t co = w->dims[0], cig = w->dims[1], kh = w->dims[2], kw = w->dims[3];
    int64_t groups = eb_node_attr_int(n, "group", 1);
    int64_t pads[4];
    char why[128];
    eb_xnn_conv_pads(n, pads, why, sizeof why);
    const int64_t *st = NULL, *dl = NULL;
    int nst = eb_node_attr_ints(n, "strides", &st), ndl = eb_node_attr_ints(n, "dilations", &dl);
    const float *wsrc = eb_xnn__const_f32(b, n->inputs[1]);
    if (!wsrc)
        return EB_ERR_UNSUPPORTED;
    float *wt = eb_xnn__keep(b, (size_t)w->numel * sizeof *wt);
    float *bias = eb_xnn__keep(b, (size_t)co * sizeof *bias);
    if (!wt || !bias) {
        snprintf(b->msg, b->len, "xnnpack: out of memory");
        return EB_ERR_NOMEM;
    }
    /* OIHW -> OHWI */
    for (int64_t o = 0; o < co; o++)
        for (int64_t i = 0; i < cig; i++)
            for (int64_t y = 0; y < kh; y++)
                for (int64_t x = 0; x < kw; x++)
                    wt[((o * kh + y) * kw + x) * cig + i] = wsrc[((o * cig + i) * kh + y) * kw + x];
    if (n->n_inputs > 2 && n->inputs[2] >= 0) {
        const float *bsrc = eb_xnn__const_f32(b, n->inputs[2]);
        if (!bsrc)
            return EB_ERR_UNSUPPORTED;
        memcpy(bias, bsrc, (size_t)co * sizeof *bias);
    }
    size_t wd[4] = {(size_t)co, (size_t)kh, (size_t)kw, (size_t)cig}, bd[1] = {(size_t)co};
    uint32_t wid, bid;
    eb_status s;
    if ((s = eb_xnn__static_f32(b, wt, 4, wd, &wid)) || (s = eb_xnn__static_f32(b, bias, 1, bd, &bid)))
        return s;
    enum xnn_status xs = xnn_define_convolution_2d(
        b->sg, (uint32_t)pads[0], (uint32_t)pads[3], (uint32_t)pads[2], (uint32_t)pads[1],
        (uint32_t)kh, (uint32_t)kw, nst == 2 ? (uint32_t)st[0] : 1, nst == 2 ? (uint32_t)st[1] : 1,
        ndl == 2 ? (uint32_t)dl[0] : 1, ndl == 2 ? (uint32_t)dl[1] : 1, (uint32_t)groups,
        (size_t)cig, (size_t)(co / groups), -INFINITY, INFINITY, in, wid, bid, out, 0);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "convolution", n);
}

eb_status eb_xnn__emit_pool(builder *b, const eb_node *n, int arg, uint32_t out)
{
    uint32_t in;
    eb_status is = input0(b, n, &in);
    if (is != EB_OK)
        return is;
    int64_t pads[4];
    char why[128];
    eb_xnn_conv_pads(n, pads, why, sizeof why);
    const int64_t *k = NULL, *st = NULL, *dl = NULL;
    if (eb_node_attr_ints(n, "kernel_shape", &k) != 2) {
        snprintf(b->msg, b->len, "xnnpack: node '%s': kernel_shape must have 2 values", n->name);
        return EB_ERR_UNSUPPORTED;
    }
    int nst = eb_node_attr_ints(n, "strides", &st), ndl = eb_node_attr_ints(n, "dilations", &dl);
    uint32_t sh = nst == 2 ? (uint32_t)st[0] : 1, sw = nst == 2 ? (uint32_t)st[1] : 1;
    enum xnn_status xs;
    if (arg == XNN_POOL_MAX)
        xs = xnn_define_max_pooling_2d(b->sg, (uint32_t)pads[0], (uint32_t)pads[3],
                                       (uint32_t)pads[2], (uint32_t)pads[1], (uint32_t)k[0],
                                       (uint32_t)k[1], sh, sw, ndl == 2 ? (uint32_t)dl[0] : 1,
                                       ndl == 2 ? (uint32_t)dl[1] : 1, -INFINITY, INFINITY, in,
                                       out, 0);
    else
        xs = xnn_define_average_pooling_2d(b->sg, (uint32_t)pads[0], (uint32_t)pads[3],
                                           (uint32_t)pads[2], (uint32_t)pads[1], (uint32_t)k[0],
                                           (uint32_t)k[1], sh, sw, -INFINITY, INFINITY, in, out, 0);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "pooling", n);
}

/* arg 1: Gemm (transB read), 0: MatMul */
eb_status eb_xnn__emit_fc(builder *b, const eb_node *n, int arg, uint32_t out)
{
    uint32_t in;
    eb_status is = input0(b, n, &in);
    if (is != EB_OK)
        return is;
    const eb_graph *g = b->g;
    const eb_tensor *w = eb_node_input(g, n, 1);
    const eb_tensor *y = eb_node_output(g, n, 0);
    int trans_b = arg ? (int)eb_node_attr_int(n, "transB", 0) : 0;
    int64_t K = trans_b ? w->dims[1] : w->dims[0], N = trans_b ? w->dims[0] : w->dims[1];
    const float *wsrc = eb_xnn__const_f32(b, n->inputs[1]);
    if (!wsrc)
        return EB_ERR_UNSUPPORTED;
    float *wt = eb_xnn__keep(b, (size_t)(K * N) * sizeof *wt);
    float *bias = eb_xnn__keep(b, (size_t)N * sizeof *bias);
    if (!wt || !bias) {
        snprintf(b->msg, b->len, "xnnpack: out of memory");
        return EB_ERR_NOMEM;
    }
    const eb_tensor *flat = eb_xnn__nhwc_flattened(g, n->inputs[0]);
    int64_t C = flat ? flat->dims[1] : 0, HW = flat ? flat->dims[2] * flat->dims[3] : 0;
    /* filter [N, K]; K in NHWC order when the input was flattened from NHWC */
    for (int64_t o = 0; o < N; o++)
        for (int64_t k = 0; k < K; k++) {
            int64_t kk = flat ? (k % HW) * C + k / HW : k;
            wt[o * K + kk] = trans_b ? wsrc[o * K + k] : wsrc[k * N + o];
        }
    if (n->n_inputs > 2 && n->inputs[2] >= 0) {
        const float *bsrc = eb_xnn__const_f32(b, n->inputs[2]);
        if (!bsrc)
            return EB_ERR_UNSUPPORTED;
        memcpy(bias, bsrc, (size_t)N * sizeof *bias);
    }
    (void)y;
    size_t wd[2] = {(size_t)N, (size_t)K}, bd[1] = {(size_t)N};
    uint32_t wid, bid;
    eb_status s;
    if ((s = eb_xnn__static_f32(b, wt, 2, wd, &wid)) || (s = eb_xnn__static_f32(b, bias, 1, bd, &bid)))
        return s;
    enum xnn_status xs = xnn_define_fully_connected(b->sg, -INFINITY, INFINITY, in, wid, bid, out, 0);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, "fully connected", n);
}

eb_status eb_xnn__emit_binary(builder *b, const eb_node *n, int arg, uint32_t out)
{
    const eb_graph *g = b->g;
    int out_rank = eb_node_output(g, n, 0)->rank;
    uint32_t id[2];
    for (int k = 0; k < 2; k++) {
        int t = n->inputs[k];
        eb_status s = eb_xnn_const_input(g, t) ? eb_xnn__const_operand(b, t, out_rank, &id[k])
                                               : eb_xnn__value(b, t, &id[k]);
        if (s != EB_OK)
            return s;
    }
    enum xnn_status xs;
    switch (arg) {
    case XNN_BIN_ADD: xs = xnn_define_add2(b->sg, -INFINITY, INFINITY, id[0], id[1], out, 0); break;
    case XNN_BIN_MUL: xs = xnn_define_multiply2(b->sg, -INFINITY, INFINITY, id[0], id[1], out, 0); break;
    case XNN_BIN_SUB: xs = xnn_define_subtract(b->sg, -INFINITY, INFINITY, id[0], id[1], out, 0); break;
    case XNN_BIN_DIV: xs = xnn_define_divide(b->sg, -INFINITY, INFINITY, id[0], id[1], out, 0); break;
    case XNN_BIN_MAX: xs = xnn_define_maximum2(b->sg, id[0], id[1], out, 0); break;
    default: xs = xnn_define_minimum2(b->sg, id[0], id[1], out, 0); break;
    }
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, n->op_type, n);
}

/* One-input operators: an XNNPACK define call each. */
eb_status eb_xnn__emit_unary(builder *b, const eb_node *n, int arg, uint32_t out)
{
    const eb_graph *g = b->g;
    uint32_t in;
    eb_status is = input0(b, n, &in);
    if (is != EB_OK)
        return is;
    enum xnn_status xs;
    switch (arg) {
    case XNN_UN_GLOBAL_AVG:
        xs = xnn_define_global_average_pooling_2d(b->sg, -INFINITY, INFINITY, in, out, 0);
        break;
    case XNN_UN_CONVERT: xs = xnn_define_convert(b->sg, in, out, 0); break;
    case XNN_UN_RELU: xs = xnn_define_clamp(b->sg, 0.f, INFINITY, in, out, 0); break;
    case XNN_UN_CLIP: {
        float lo = n->opset < 11 ? eb_node_attr_float(n, "min", -INFINITY) : eb_xnn__const_scalar(g, n, 1, -INFINITY);
        float hi = n->opset < 11 ? eb_node_attr_float(n, "max", INFINITY) : eb_xnn__const_scalar(g, n, 2, INFINITY);
        xs = xnn_define_clamp(b->sg, lo, hi, in, out, 0);
        break;
    }
    case XNN_UN_SIGMOID: xs = xnn_define_sigmoid(b->sg, in, out, 0); break;
    case XNN_UN_HARDSWISH: xs = xnn_define_hardswish(b->sg, in, out, 0); break;
    case XNN_UN_LEAKY_RELU:
        xs = xnn_define_leaky_relu(b->sg, eb_node_attr_float(n, "alpha", 0.01f), in, out, 0);
        break;
    case XNN_UN_ELU: xs = xnn_define_elu(b->sg, eb_node_attr_float(n, "alpha", 1.f), in, out, 0); break;
    case XNN_UN_ABS: xs = xnn_define_abs(b->sg, in, out, 0); break;
    case XNN_UN_NEG: xs = xnn_define_negate(b->sg, in, out, 0); break;
    case XNN_UN_FLOOR: xs = xnn_define_floor(b->sg, in, out, 0); break;
    case XNN_UN_CEIL: xs = xnn_define_ceiling(b->sg, in, out, 0); break;
    case XNN_UN_SQRT: xs = xnn_define_square_root(b->sg, in, out, 0); break;
    case XNN_UN_SOFTMAX: xs = xnn_define_softmax(b->sg, in, out, 0); break;
    default:
        snprintf(b->msg, b->len, "xnnpack: node '%s': op %s not mapped", n->name, n->op_type);
        return EB_ERR_UNSUPPORTED;
    }
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, n->op_type, n);
}

/* Flatten, Reshape, Squeeze, Unsqueeze, Identity: a static reshape to the
 * output's (XNNPACK-ordered) dims. */
eb_status eb_xnn__emit_reshape(builder *b, const eb_node *n, int arg, uint32_t out)
{
    (void)arg;
    uint32_t in;
    eb_status is = input0(b, n, &in);
    if (is != EB_OK)
        return is;
    size_t d[4] = {0};
    const eb_tensor *y = &b->g->tensors[n->outputs[0]];
    size_t r = y->rank <= 4 ? eb_xnn__xdims(y, d) : 0;
    if (!r) {
        snprintf(b->msg, b->len, "xnnpack: node '%s': rank %d output", n->name, y->rank);
        return EB_ERR_UNSUPPORTED;
    }
    enum xnn_status xs = xnn_define_static_reshape(b->sg, r, d, in, out, 0);
    return xs == xnn_status_success ? EB_OK : eb_xnn__xfail(b, xs, n->op_type, n);
}
