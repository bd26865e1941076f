/* One emitter per op of the onednn delegate: each adds the primitive(s)
 * for one node to the segment (dnnl_builder.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/onednn/dnnl_op_table.h"

/* A convolution's geometry in oneDNN's terms for OIHW weights w: the
 * weights' dims (grouped: [G, O/G, I, kH, kW], rank 5, returned), strides,
 * dilations (oneDNN counts them from 0) and pads (explicit pads only). */
int eb_dnnl__conv_geometry(const eb_node *n, const eb_tensor *w, dnnl_dims_t wd, dnnl_dims_t st,
                           dnnl_dims_t dl, dnnl_dims_t pl, dnnl_dims_t pr)
{
    int64_t groups = eb_node_attr_int(n, "group", 1);
    if (groups > 1) {
        wd[0] = groups;
        wd[1] = w->dims[0] / groups;
        wd[2] = w->dims[1];
        wd[3] = w->dims[2];
        wd[4] = w->dims[3];
    } else {
        for (int i = 0; i < 4; i++)
            wd[i] = w->dims[i];
    }
    st[0] = st[1] = 1;
    dl[0] = dl[1] = 0;
    pl[0] = pl[1] = pr[0] = pr[1] = 0;
    const int64_t *v;
    if (eb_node_attr_ints(n, "strides", &v) == 2)
        st[0] = v[0], st[1] = v[1];
    if (eb_node_attr_ints(n, "dilations", &v) == 2)
        dl[0] = v[0] - 1, dl[1] = v[1] - 1;
    if (strcmp(eb_node_attr_string(n, "auto_pad", "NOTSET"), "NOTSET") == 0 &&
        eb_node_attr_ints(n, "pads", &v) == 4)
        pl[0] = v[0], pl[1] = v[1], pr[0] = v[2], pr[1] = v[3];
    return groups > 1 ? 5 : 4;
}

/* The end of a convolution or inner product (op_desc) from source src_t
 * to out_t: the fused eltwise fe (or -1) as a post-op, weights (wu as
 * stored) and bias (ba) from n's constant inputs 1 and 2, reordered once
 * into the layouts the primitive chose. */
static eb_status finish_weighted(builder *b, const eb_node *n, const void *op_desc, int fe, int src_t,
                                 int out_t, const dnnl_memory_desc_t *wu, const dnnl_memory_desc_t *ba)
{
    const eb_graph *g = b->g;
    const eb_tensor *bias = eb_node_input(g, n, 2);
    dnnl_primitive_attr_t attr;
    dnnl_primitive_desc_t pd;
    eb_status s;
    if ((s = eb_dnnl__post_op_attr(b, fe, &attr)) || (s = eb_dnnl__make_pd(b, op_desc, attr, n, &pd)))
        return s;
    dnnl_memory_t xm, wm, bm = NULL, ym;
    if ((s = eb_dnnl__src_as(b, src_t, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &xm)) ||
        (s = eb_dnnl__const_mem(b, eb_dnnl_const_data(g, n->inputs[1]), wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &wm)) ||
        (bias && (s = eb_dnnl__const_mem(b, eb_dnnl_const_data(g, n->inputs[2]), ba, ba, &bm))) ||
        (s = eb_dnnl__dst_for(b, out_t, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), &ym))) {
        dnnl_primitive_desc_destroy(pd);
        return s;
    }
    if (fe >= 0)
        b->mem[n->outputs[0]] = ym;
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, ym},
                            {DNNL_ARG_BIAS, bm}};
    return eb_dnnl__finish_prim(b, pd, bias ? 4 : 3, a, n, out_t);
}

eb_status eb_dnnl__emit_conv(builder *b, const eb_node *n, int arg)
{
    (void)arg;
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1),
                    *bias = eb_node_input(g, n, 2), *y = eb_node_output(g, n, 0);
    int fe = eb_dnnl__fusable_eltwise(b, n->outputs[0]);
    int out_t = fe >= 0 ? g->nodes[fe].outputs[0] : n->outputs[0];
    dnnl_dims_t xd, yd, wd, bd = {w->dims[0]}, st, dl, pl, pr;
    int r;
    eb_dnnl__dims_of(x, xd, &r);
    eb_dnnl__dims_of(y, yd, &r);
    int wr = eb_dnnl__conv_geometry(n, w, wd, st, dl, pl, pr);
    dnnl_memory_desc_t xa, wa, ba, ya, wu;
    dnnl_memory_desc_init_by_tag(&xa, 4, xd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&ya, 4, yd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wa, wr, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wu, wr, wd, dnnl_f32, wr == 5 ? dnnl_abcde : dnnl_abcd);
    dnnl_memory_desc_init_by_tag(&ba, 1, bd, dnnl_f32, dnnl_a);
    dnnl_convolution_desc_t cd;
    dnnl_status_t ds = dnnl_dilated_convolution_forward_desc_init(
        &cd, dnnl_forward_inference, dnnl_convolution_direct, &xa, &wa, bias ? &ba : NULL, &ya, st,
        dl, pl, pr);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "convolution", n);
    return finish_weighted(b, n, &cd, fe, n->inputs[0], out_t, &wu, &ba);
}

/* The end of a primitive with one source and no attributes (pooling,
 * eltwise, softmax): made from op_desc, reading n's input 0 where it is,
 * writing n's output 0. */
static eb_status finish_unary(builder *b, const eb_node *n, const void *op_desc)
{
    dnnl_primitive_desc_t pd;
    eb_status s;
    if ((s = eb_dnnl__make_pd(b, op_desc, NULL, n, &pd)))
        return s;
    dnnl_memory_t ym;
    if ((s = eb_dnnl__dst_for(b, n->outputs[0], dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), &ym))) {
        dnnl_primitive_desc_destroy(pd);
        return s;
    }
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_SRC, b->mem[n->inputs[0]]}, {DNNL_ARG_DST, ym}};
    return eb_dnnl__finish_prim(b, pd, 2, a, n, n->outputs[0]);
}

/* flags: DNNL_POOL_MAX, DNNL_POOL_GLOBAL (dnnl_op_table.h) */
eb_status eb_dnnl__emit_pool(builder *b, const eb_node *n, int flags)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = eb_node_input(g, n, 0), *y = eb_node_output(g, n, 0);
    int global = (flags & DNNL_POOL_GLOBAL) != 0;
    int maxp = (flags & DNNL_POOL_MAX) != 0;
    dnnl_dims_t yd, k = {x->dims[2], x->dims[3]}, st = {1, 1}, dl = {0, 0}, pl = {0, 0}, pr = {0, 0};
    int r;
    eb_dnnl__dims_of(y, yd, &r);
    const int64_t *v;
    if (!global) {
        if (eb_node_attr_ints(n, "kernel_shape", &v) != 2) {
            snprintf(b->msg, b->len, "onednn: node '%s': kernel_shape must have 2 values", n->name);
            return EB_ERR_UNSUPPORTED;
        }
        k[0] = v[0], k[1] = v[1];
        if (eb_node_attr_ints(n, "strides", &v) == 2)
            st[0] = v[0], st[1] = v[1];
        if (maxp && eb_node_attr_ints(n, "dilations", &v) == 2)
            dl[0] = v[0] - 1, dl[1] = v[1] - 1;
        if (strcmp(eb_node_attr_string(n, "auto_pad", "NOTSET"), "NOTSET") == 0 &&
            eb_node_attr_ints(n, "pads", &v) == 4)
            pl[0] = v[0], pl[1] = v[1];
        /* right padding from the inferred output: covers ceil_mode */
        for (int i = 0; i < 2; i++) {
            int64_t need = (yd[2 + i] - 1) * st[i] + (k[i] - 1) * (dl[i] + 1) + 1 - x->dims[2 + i] - pl[i];
            pr[i] = need > 0 ? need : 0;
        }
    }
    dnnl_alg_kind_t alg = maxp ? dnnl_pooling_max
                          : eb_node_attr_int(n, "count_include_pad", 0) ? dnnl_pooling_avg_include_padding
                                                                        : dnnl_pooling_avg_exclude_padding;
    dnnl_memory_desc_t ya;
    dnnl_memory_desc_init_by_tag(&ya, 4, yd, dnnl_f32, dnnl_format_tag_any);
    dnnl_pooling_v2_desc_t pdsc;
    dnnl_status_t ds = dnnl_pooling_v2_forward_desc_init(&pdsc, dnnl_forward_inference, alg,
                                                         eb_dnnl__md_of(b->mem[n->inputs[0]]), &ya, st, k,
                                                         dl, pl, pr);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "pooling", n);
    return finish_unary(b, n, &pdsc);
}

/* which: DNNL_ELT_* (dnnl_op_table.h) */
eb_status eb_dnnl__emit_eltwise(builder *b, const eb_node *n, int which)
{
    const eb_graph *g = b->g;
    float alpha = 0.f, beta = 0.f;
    dnnl_alg_kind_t alg;
    switch (which) {
    case DNNL_ELT_RELU: alg = dnnl_eltwise_relu; break;
    case DNNL_ELT_LEAKY_RELU: alg = dnnl_eltwise_relu, alpha = eb_node_attr_float(n, "alpha", 0.01f); break;
    case DNNL_ELT_CLIP: alg = dnnl_eltwise_clip_v2, eb_dnnl__clip_bounds(g, n, &alpha, &beta); break;
    case DNNL_ELT_SIGMOID: alg = dnnl_eltwise_logistic; break;
    case DNNL_ELT_TANH: alg = dnnl_eltwise_tanh; break;
    case DNNL_ELT_ELU: alg = dnnl_eltwise_elu, alpha = eb_node_attr_float(n, "alpha", 1.f); break;
    case DNNL_ELT_HARDSWISH: alg = dnnl_eltwise_hardswish; break;
    case DNNL_ELT_ABS: alg = dnnl_eltwise_abs; break;
    case DNNL_ELT_SQRT: alg = dnnl_eltwise_sqrt; break;
    case DNNL_ELT_EXP: alg = dnnl_eltwise_exp; break;
    default: alg = dnnl_eltwise_log; break;
    }
    const dnnl_memory_desc_t *xm = eb_dnnl__md_of(b->mem[n->inputs[0]]);
    dnnl_eltwise_desc_t ed;
    dnnl_status_t ds = dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, alg, xm, alpha, beta);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "eltwise", n);
    return finish_unary(b, n, &ed);
}

/* gemm: 1 for Gemm (transB read), 0 for MatMul */
eb_status eb_dnnl__emit_ip(builder *b, const eb_node *n, int gemm)
{
    const eb_graph *g = b->g;
    const eb_tensor *bias = eb_node_input(g, n, 2), *y = eb_node_output(g, n, 0);
    int trans_b = gemm ? (int)eb_node_attr_int(n, "transB", 0) : 0;
    int64_t N = y->dims[1];
    /* A flattened rank-4 tensor is read as is (weights seen as N x C x H x W) */
    int src_t = n->inputs[0];
    int p = g->tensors[src_t].producer;
    if (p >= 0 && b->skip[p] && (eb_dnnl__is_op(&g->nodes[p], "Flatten") || eb_dnnl__is_op(&g->nodes[p], "Reshape")))
        src_t = g->nodes[p].inputs[0];
    const eb_tensor *x = &g->tensors[src_t];
    int fe = eb_dnnl__fusable_eltwise(b, n->outputs[0]);
    int out_t = fe >= 0 ? g->nodes[fe].outputs[0] : n->outputs[0];
    dnnl_dims_t xd, wd, yd = {y->dims[0], N}, bd = {N};
    int xr;
    eb_dnnl__dims_of(x, xd, &xr);
    wd[0] = N;
    for (int i = 1; i < xr; i++)
        wd[i] = xd[i];
    dnnl_memory_desc_t xa, wa, ya, ba, wu;
    dnnl_memory_desc_init_by_tag(&xa, xr, xd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wa, xr, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&ya, 2, yd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&ba, 1, bd, dnnl_f32, dnnl_a);
    /* B stored [N][K] (transB=1) or [K][N]: the same logical N x K weights */
    dnnl_memory_desc_init_by_tag(&wu, xr, wd, dnnl_f32,
                                 trans_b ? eb_dnnl__plain_tag(xr) : xr == 2 ? dnnl_ba : dnnl_bcda);
    dnnl_inner_product_desc_t id;
    dnnl_status_t ds = dnnl_inner_product_forward_desc_init(&id, dnnl_forward_inference, &xa, &wa,
                                                            bias ? &ba : NULL, &ya);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "inner product", n);
    return finish_weighted(b, n, &id, fe, src_t, out_t, &wu, &ba);
}

/* which: DNNL_BIN_* (dnnl_op_table.h) */
eb_status eb_dnnl__emit_binary(builder *b, const eb_node *n, int which)
{
    const eb_graph *g = b->g;
    const eb_tensor *y = eb_node_output(g, n, 0), *o = eb_node_input(g, n, 1);
    dnnl_alg_kind_t alg = which == DNNL_BIN_ADD   ? dnnl_binary_add
                          : which == DNNL_BIN_MUL ? dnnl_binary_mul
                          : which == DNNL_BIN_SUB ? dnnl_binary_sub
                                                  : dnnl_binary_div;
    dnnl_memory_t am = b->mem[n->inputs[0]], bm;
    eb_status s;
    if (eb_dnnl_const_input(g, n->inputs[1])) {
        /* constant operand: plain, rank raised to the result's */
        dnnl_dims_t d;
        int yr = y->rank;
        for (int i = 0; i < yr; i++)
            d[i] = 1;
        for (int i = 0; i < o->rank; i++)
            d[yr - o->rank + i] = o->dims[i];
        dnnl_memory_desc_t md;
        dnnl_memory_desc_init_by_tag(&md, yr, d, dnnl_f32, eb_dnnl__plain_tag(yr));
        if ((s = eb_dnnl__const_mem(b, eb_dnnl_const_data(g, n->inputs[1]), &md, &md, &bm)))
            return s;
    } else if (o->rank != y->rank) {
        snprintf(b->msg, b->len, "onednn: node '%s': operands of different rank", n->name);
        return EB_ERR_UNSUPPORTED;
    } else {
        bm = b->mem[n->inputs[1]];
        if (o->numel == y->numel && !dnnl_memory_desc_equal(eb_dnnl__md_of(bm), eb_dnnl__md_of(am)) &&
            (s = eb_dnnl__src_as(b, n->inputs[1], eb_dnnl__md_of(am), &bm)))
            return s;
    }
    dnnl_binary_desc_t bd;
    dnnl_status_t ds = dnnl_binary_desc_init(&bd, alg, eb_dnnl__md_of(am), eb_dnnl__md_of(bm), eb_dnnl__md_of(am));
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "binary", n);
    dnnl_primitive_desc_t pd;
    dnnl_memory_t ym;
    if ((s = eb_dnnl__make_pd(b, &bd, NULL, n, &pd)))
        return s;
    if ((s = eb_dnnl__dst_for(b, n->outputs[0], dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), &ym))) {
        dnnl_primitive_desc_destroy(pd);
        return s;
    }
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_SRC_0, am}, {DNNL_ARG_SRC_1, bm}, {DNNL_ARG_DST, ym}};
    return eb_dnnl__finish_prim(b, pd, 3, a, n, n->outputs[0]);
}

eb_status eb_dnnl__emit_softmax(builder *b, const eb_node *n, int arg)
{
    (void)arg;
    const eb_tensor *x = eb_node_input(b->g, n, 0);
    int64_t axis = eb_node_attr_int(n, "axis", n->opset >= 13 ? -1 : 1);
    if (axis < 0)
        axis += x->rank;
    dnnl_softmax_desc_t sd;
    dnnl_status_t ds = dnnl_softmax_forward_desc_init(&sd, dnnl_forward_inference,
                                                      eb_dnnl__md_of(b->mem[n->inputs[0]]), (int)axis);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, "softmax", n);
    return finish_unary(b, n, &sd);
}

/* QuantizeLinear / DequantizeLinear (per tensor) as a reorder that changes
 * the data type and keeps the layout:
 *   dst = output_scale * (src - src_zero_point) + dst_zero_point
 * Quantize: scale 1/s, dst zero point z; dequantize: scale s, src zero point z. */
/* quant: 1 for QuantizeLinear, 0 for DequantizeLinear */
eb_status eb_dnnl__emit_qdq(builder *b, const eb_node *n, int quant)
{
    const eb_graph *g = b->g;
    const eb_tensor *q = quant ? eb_node_output(g, n, 0) : eb_node_input(g, n, 0);
    const eb_tensor *y = eb_node_output(g, n, 0);
    float scale = q->quant.scale[0];
    int32_t zp = q->quant.zero_point ? q->quant.zero_point[0] : 0;
    float oscale = quant ? 1.f / scale : scale;
    dnnl_memory_desc_t ymd = *eb_dnnl__md_of(b->mem[n->inputs[0]]);
    ymd.data_type = eb_dnnl__dnnl_type(y->dtype);
    dnnl_memory_t ym;
    eb_status s;
    if ((s = eb_dnnl__dst_for(b, n->outputs[0], &ymd, &ym)))
        return s;
    dnnl_primitive_attr_t attr;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success)
        return eb_dnnl__dfail(b, dnnl_out_of_memory, "attributes", n);
    dnnl_primitive_attr_set_output_scales(attr, 1, 0, &oscale);
    if (zp)
        dnnl_primitive_attr_set_zero_points(attr, quant ? DNNL_ARG_DST : DNNL_ARG_SRC, 1, 0, &zp);
    dnnl_primitive_desc_t pd;
    dnnl_status_t ds = dnnl_reorder_primitive_desc_create(&pd, eb_dnnl__md_of(b->mem[n->inputs[0]]),
                                                          b->c->engine, &ymd, b->c->engine, attr);
    dnnl_primitive_attr_destroy(attr);
    if (ds != dnnl_success)
        return eb_dnnl__dfail(b, ds, quant ? "quantize reorder" : "dequantize reorder", n);
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, b->mem[n->inputs[0]]}, {DNNL_ARG_TO, ym}};
    return eb_dnnl__finish_prim(b, pd, 2, a, n, n->outputs[0]);
}

/* Reshape-like ops: the bytes of a plain layout, seen with new dims; nothing
 * when the inner product it feeds reads its rank-4 input directly. */
eb_status eb_dnnl__emit_reshape(builder *b, const eb_node *n, int arg)
{
    (void)arg;
    const eb_graph *g = b->g;
    int i = (int)(n - g->nodes);
    if (eb_dnnl_flatten_into_ip(g, i)) {
        b->skip[i] = 1; /* the inner product reads the rank-4 input */
        return EB_OK;
    }
    int xt = n->inputs[0], yt = n->outputs[0];
    const eb_tensor *x = &g->tensors[xt], *y = &g->tensors[yt];
    dnnl_memory_desc_t xp, yp;
    eb_status s;
    if ((s = eb_dnnl__plain_md(b, x, &xp)) || (s = eb_dnnl__plain_md(b, y, &yp)))
        return s;
    if (b->out_idx[yt] >= 0) {
        /* copy into the caller's buffer, seen with x's dims */
        dnnl_memory_t o, oy;
        if ((s = eb_dnnl__new_mem(b, &xp, DNNL_MEMORY_NONE, &o)) || (s = eb_dnnl__bind(b, o, 1, b->out_idx[yt])) ||
            (s = eb_dnnl__reorder(b, b->mem[xt], o)) || (s = eb_dnnl__new_mem(b, &yp, DNNL_MEMORY_NONE, &oy)) ||
            (s = eb_dnnl__bind(b, oy, 1, b->out_idx[yt])))
            return s;
        b->mem[yt] = oy;
        return EB_OK;
    }
    /* a bound (caller's) plain buffer: alias it through the same binding */
    for (int i = 0; i < b->s->n_binds; i++)
        if (b->s->binds[i].mem == b->mem[xt] && dnnl_memory_desc_equal(eb_dnnl__md_of(b->mem[xt]), &xp)) {
            dnnl_memory_t m;
            binding bd = b->s->binds[i];
            if ((s = eb_dnnl__new_mem(b, &yp, DNNL_MEMORY_NONE, &m)) || (s = eb_dnnl__bind(b, m, bd.output, bd.idx)))
                return s;
            b->mem[yt] = m;
            return EB_OK;
        }
    dnnl_memory_t pm;
    if ((s = eb_dnnl__src_as(b, xt, &xp, &pm)))
        return s;
    void *h = NULL;
    dnnl_memory_get_data_handle(pm, &h);
    return eb_dnnl__new_mem(b, &yp, h, &b->mem[yt]);
}

