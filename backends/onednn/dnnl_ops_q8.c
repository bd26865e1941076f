/* int8 QDQ groups of the onednn delegate: DQ -> Conv|Gemm|MatMul
 * [-> Relu|Clip] -> Q as one oneDNN int8 convolution or matmul: u8/s8 source
 * with its zero point, s8 weights (symmetric, per output channel), float
 * bias in accumulator units, output scales sx*sw[c]/sy per channel, the
 * activation as a post-op in output units and the destination zero point:
 * the group's arithmetic with one rounding at the end, as ref's fused
 * kernels do. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/onednn/dnnl_builder.h"
int eb_dnnl__match_q8(builder *b, int i, q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_node *n = &g->nodes[i];
    int conv = eb_dnnl__is_op(n, "Conv"), gemm = eb_dnnl__is_op(n, "Gemm");
    /* per-channel weights: along the output channels (Conv O, Gemm N) */
    int axis = conv || (gemm && eb_node_attr_int(n, "transB", 0)) ? 0 : 1;
    if (!b->c->int8 || !eb_delegate_match_q8(g, b->full, i, axis, m))
        return 0;
    /* Gemm / MatMul become a 2-D int8 matmul */
    return conv || (eb_node_input(g, n, 0)->rank == 2 && eb_node_input(g, n, 1)->rank == 2);
}

/* What an int8 convolution and an int8 matmul share once oneDNN accepted
 * the operation (op_desc, O output channels; wu the weights as stored, ba
 * the bias): output scales sx*sw[c]/sy per channel, the bias in accumulator
 * units, the zero points, the activation as a post-op, then the primitive
 * with its memories. EB_ERR_UNSUPPORTED (nothing made) when oneDNN has no
 * such kernel. */
static eb_status finish_q8(builder *b, const eb_node *n, const q8_group *m, const void *op_desc,
                           int64_t O, const dnnl_memory_desc_t *wu, const dnnl_memory_desc_t *ba)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *w = m->w, *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    const eb_tensor *y = eb_node_output(g, qn, 0);
    float sx = x->quant.scale[0], sy = y->quant.scale[0];
    int32_t zx = x->quant.zero_point ? x->quant.zero_point[0] : 0;
    int32_t zy = y->quant.zero_point ? y->quant.zero_point[0] : 0;
    float *scales = malloc((size_t)O * sizeof *scales), *bq = calloc((size_t)O + 1, sizeof *bq);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t po = NULL;
    if (!scales || !bq || dnnl_primitive_attr_create(&attr) != dnnl_success) {
        free(scales);
        free(bq);
        return EB_ERR_NOMEM;
    }
    const float *bf = bias ? bias->data : NULL;
    for (int64_t c = 0; c < O; c++) {
        float sw = w->quant.scale[w->quant.count > 1 ? c : 0];
        scales[c] = sx * sw / sy;
        bq[c] = bf ? bf[c] / (sx * sw) : 0.f;
    }
    dnnl_primitive_attr_set_output_scales(attr, O, 1 << 1, scales);
    if (zx)
        dnnl_primitive_attr_set_zero_points(attr, DNNL_ARG_SRC, 1, 0, &zx);
    if (zy)
        dnnl_primitive_attr_set_zero_points(attr, DNNL_ARG_DST, 1, 0, &zy);
    if (m->act >= 0 && dnnl_post_ops_create(&po) == dnnl_success) {
        const eb_node *a = &g->nodes[m->act];
        float lo = 0.f, hi = INFINITY;
        if (eb_dnnl__is_op(a, "Clip"))
            eb_dnnl__clip_bounds(g, a, &lo, &hi);
        /* the post-op sees output units: real / sy */
        dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_clip_v2, lo / sy, hi / sy);
        dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_post_ops_destroy(po);
    }
    dnnl_primitive_desc_t pd;
    dnnl_status_t ds = dnnl_primitive_desc_create(&pd, op_desc, attr, b->c->engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    free(scales);
    if (ds != dnnl_success) {
        free(bq);
        return EB_ERR_UNSUPPORTED;
    }
    eb_status s;
    dnnl_memory_t xm, wm, bm = NULL, ym;
    if ((s = eb_dnnl__src_as(b, m->xq, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &xm)) ||
        (s = eb_dnnl__const_mem(b, w->data, wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &wm)) ||
        (bias && (s = eb_dnnl__const_mem(b, bq, ba, ba, &bm))) ||
        (s = eb_dnnl__dst_for(b, qn->outputs[0], dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), &ym))) {
        free(bq);
        dnnl_primitive_desc_destroy(pd);
        return s == EB_ERR_UNSUPPORTED ? EB_ERR_BACKEND : s;
    }
    free(bq);
    if (m->act >= 0)
        b->skip[m->act] = 1;
    b->skip[m->q] = 1;
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, ym},
                            {DNNL_ARG_BIAS, bm}};
    return eb_dnnl__finish_prim(b, pd, bias ? 4 : 3, a, n, qn->outputs[0]);
}

/* EB_ERR_UNSUPPORTED (nothing made) when oneDNN has no such int8 kernel. */
eb_status eb_dnnl__emit_conv_q8(builder *b, const eb_node *n, const q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *w = m->w, *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    const eb_tensor *y = eb_node_output(g, qn, 0);
    int64_t O = w->dims[0];
    dnnl_data_type_t dt = eb_dnnl__dnnl_type(x->dtype);
    dnnl_dims_t xd, yd, wd, bd = {O}, st, dl, pl, pr;
    int r, wr = eb_dnnl__conv_geometry(n, w, wd, st, dl, pl, pr);
    eb_dnnl__dims_of(x, xd, &r);
    eb_dnnl__dims_of(y, yd, &r);
    dnnl_memory_desc_t xa, wa, ba, ya, wu;
    dnnl_memory_desc_init_by_tag(&xa, 4, xd, dt, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&ya, 4, yd, eb_dnnl__dnnl_type(y->dtype), dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wa, wr, wd, dnnl_s8, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wu, wr, wd, dnnl_s8, wr == 5 ? dnnl_abcde : dnnl_abcd);
    dnnl_memory_desc_init_by_tag(&ba, 1, bd, dnnl_f32, dnnl_a);
    dnnl_convolution_desc_t cd;
    if (dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                   dnnl_convolution_direct, &xa, &wa,
                                                   bias ? &ba : NULL, &ya, st, dl, pl, pr) != dnnl_success)
        return EB_ERR_UNSUPPORTED;
    return finish_q8(b, n, m, &cd, O, &wu, &ba);
}

/* Gemm / MatMul groups as an int8 matmul primitive: src [M, K] u8/s8 with
 * its zero point, weights [K, N] s8 (Gemm transB=1 stores them [N][K]: the
 * same logical matrix with tag ba), float bias [1, N] in accumulator units,
 * output scales per column. EB_ERR_UNSUPPORTED (nothing made) when oneDNN
 * has no such kernel. */
eb_status eb_dnnl__emit_mm_q8(builder *b, const eb_node *n, const q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    const eb_tensor *y = eb_node_output(g, qn, 0);
    int trans_b = eb_dnnl__is_op(n, "Gemm") ? (int)eb_node_attr_int(n, "transB", 0) : 0;
    int64_t N = y->dims[1], K = x->dims[1];
    dnnl_dims_t xd = {x->dims[0], K}, wd = {K, N}, bd = {1, N}, yd = {y->dims[0], N};
    dnnl_memory_desc_t xa, wa, wu, ba, ya;
    dnnl_memory_desc_init_by_tag(&xa, 2, xd, eb_dnnl__dnnl_type(x->dtype), dnnl_ab);
    dnnl_memory_desc_init_by_tag(&wa, 2, wd, dnnl_s8, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wu, 2, wd, dnnl_s8, trans_b ? dnnl_ba : dnnl_ab);
    dnnl_memory_desc_init_by_tag(&ba, 2, bd, dnnl_f32, dnnl_ab);
    dnnl_memory_desc_init_by_tag(&ya, 2, yd, eb_dnnl__dnnl_type(y->dtype), dnnl_ab);
    dnnl_matmul_desc_t md;
    if (dnnl_matmul_desc_init(&md, &xa, &wa, bias ? &ba : NULL, &ya) != dnnl_success)
        return EB_ERR_UNSUPPORTED;
    return finish_q8(b, n, m, &md, N, &wu, &ba);
}

static int match_in(void *b, int node, eb_q8_group *m) { return eb_dnnl__match_q8(b, node, m); }

/* Before emitting: DequantizeLinear nodes read only by int8 groups are not
 * needed (the group reads their quantised input). */
void eb_dnnl__skip_group_dqs(builder *b)
{
    eb_delegate_skip_group_dqs(b->g, b->skip, match_in, b);
}
