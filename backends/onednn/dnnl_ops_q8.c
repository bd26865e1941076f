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

#include "dnnl_builder.h"
/* The int8 initializer behind constant weight tensor t (DequantizeLinear of
 * the full graph, through Identity), symmetric and per tensor or per output
 * channel (axis `axis`); NULL otherwise. */
static const eb_tensor *int8_weights(builder *b, int t, int axis)
{
    const eb_graph *f = b->full;
    int p = f->tensors[t].producer;
    while (p >= 0 && eb_dnnl__is_op(&f->nodes[p], "Identity")) {
        t = f->nodes[p].inputs[0];
        p = t >= 0 ? f->tensors[t].producer : -1;
    }
    if (p < 0 || !eb_dnnl__is_op(&f->nodes[p], "DequantizeLinear"))
        return NULL;
    const eb_tensor *q = eb_node_input(f, &f->nodes[p], 0);
    if (!q || !q->data || q->dtype != EB_DT_I8 || q->quant.count < 1 ||
        (q->quant.count > 1 && q->quant.axis != axis))
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

int eb_dnnl__match_q8(builder *b, int i, q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_node *n = &g->nodes[i];
    int conv = eb_dnnl__is_op(n, "Conv"), gemm = eb_dnnl__is_op(n, "Gemm");
    if (!b->c->int8 || !(conv || gemm || eb_dnnl__is_op(n, "MatMul")) || n->n_inputs < 2)
        return 0;
    if (!conv && (eb_node_input(g, n, 0)->rank != 2 || eb_node_input(g, n, 1)->rank != 2))
        return 0;
    int pa = g->tensors[n->inputs[0]].producer;
    if (pa < 0 || !eb_dnnl__is_op(&g->nodes[pa], "DequantizeLinear"))
        return 0;
    const eb_tensor *xq = eb_node_input(g, &g->nodes[pa], 0);
    if (!xq || xq->data || (xq->dtype != EB_DT_U8 && xq->dtype != EB_DT_I8) || xq->quant.count != 1)
        return 0;
    m->xq = g->nodes[pa].inputs[0];
    /* per-channel weights: along the output channels (Conv O, Gemm N) */
    int axis = conv || (gemm && eb_node_attr_int(n, "transB", 0)) ? 0 : 1;
    if (!(m->w = int8_weights(b, n->inputs[1], axis)))
        return 0;
    int t = n->outputs[0], r = sole_reader(g, t);
    m->act = -1;
    if (b->out_idx[t] >= 0 || r < 0)
        return 0;
    if (eb_dnnl__is_op(&g->nodes[r], "Relu") || eb_dnnl__is_op(&g->nodes[r], "Clip")) {
        m->act = r;
        t = g->nodes[r].outputs[0];
        if (b->out_idx[t] >= 0 || (r = sole_reader(g, t)) < 0)
            return 0;
    }
    const eb_tensor *y = eb_node_output(g, &g->nodes[r], 0);
    if (!eb_dnnl__is_op(&g->nodes[r], "QuantizeLinear") || y->quant.count != 1 || y->dtype != xq->dtype)
        return 0;
    m->q = r;
    return 1;
}

/* EB_ERR_UNSUPPORTED (nothing made) when oneDNN has no such int8 kernel. */
eb_status eb_dnnl__emit_conv_q8(builder *b, const eb_node *n, const q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *w = m->w, *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    const eb_tensor *y = eb_node_output(g, qn, 0);
    int64_t groups = eb_node_attr_int(n, "group", 1), O = w->dims[0];
    float sx = x->quant.scale[0], sy = y->quant.scale[0];
    int32_t zx = x->quant.zero_point ? x->quant.zero_point[0] : 0;
    int32_t zy = y->quant.zero_point ? y->quant.zero_point[0] : 0;
    dnnl_data_type_t dt = eb_dnnl__dnnl_type(x->dtype);
    dnnl_dims_t xd, yd, wd, bd = {O}, st = {1, 1}, dl = {0, 0}, pl = {0, 0}, pr = {0, 0};
    int r, wr = groups > 1 ? 5 : 4;
    eb_dnnl__dims_of(x, xd, &r);
    eb_dnnl__dims_of(y, yd, &r);
    if (groups > 1) {
        wd[0] = groups, wd[1] = O / groups, wd[2] = w->dims[1], wd[3] = w->dims[2], wd[4] = w->dims[3];
    } else {
        for (int i = 0; i < 4; i++)
            wd[i] = w->dims[i];
    }
    const int64_t *v;
    if (eb_node_attr_ints(n, "strides", &v) == 2)
        st[0] = v[0], st[1] = v[1];
    if (eb_node_attr_ints(n, "dilations", &v) == 2)
        dl[0] = v[0] - 1, dl[1] = v[1] - 1;
    if (strcmp(eb_node_attr_string(n, "auto_pad", "NOTSET"), "NOTSET") == 0 &&
        eb_node_attr_ints(n, "pads", &v) == 4)
        pl[0] = v[0], pl[1] = v[1], pr[0] = v[2], pr[1] = v[3];
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
    dnnl_status_t ds = dnnl_primitive_desc_create(&pd, &cd, attr, b->c->engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    free(scales);
    if (ds != dnnl_success) {
        free(bq);
        return EB_ERR_UNSUPPORTED;
    }
    eb_status s;
    dnnl_memory_t xm, wm, bm = NULL, ym;
    if ((s = eb_dnnl__src_as(b, m->xq, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &xm)) ||
        (s = eb_dnnl__const_mem(b, w->data, &wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &wm)) ||
        (bias && (s = eb_dnnl__const_mem(b, bq, &ba, &ba, &bm))) ||
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

/* Gemm / MatMul groups as an int8 matmul primitive: src [M, K] u8/s8 with
 * its zero point, weights [K, N] s8 (Gemm transB=1 stores them [N][K]: the
 * same logical matrix with tag ba), float bias [1, N] in accumulator units,
 * output scales per column. EB_ERR_UNSUPPORTED (nothing made) when oneDNN
 * has no such kernel. */
eb_status eb_dnnl__emit_mm_q8(builder *b, const eb_node *n, const q8_group *m)
{
    const eb_graph *g = b->g;
    const eb_tensor *x = &g->tensors[m->xq], *w = m->w, *bias = eb_node_input(g, n, 2);
    const eb_node *qn = &g->nodes[m->q];
    const eb_tensor *y = eb_node_output(g, qn, 0);
    int trans_b = eb_dnnl__is_op(n, "Gemm") ? (int)eb_node_attr_int(n, "transB", 0) : 0;
    int64_t N = y->dims[1], K = x->dims[1];
    float sx = x->quant.scale[0], sy = y->quant.scale[0];
    int32_t zx = x->quant.zero_point ? x->quant.zero_point[0] : 0;
    int32_t zy = y->quant.zero_point ? y->quant.zero_point[0] : 0;
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
    float *scales = malloc((size_t)N * sizeof *scales), *bq = calloc((size_t)N + 1, sizeof *bq);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t po = NULL;
    if (!scales || !bq || dnnl_primitive_attr_create(&attr) != dnnl_success) {
        free(scales);
        free(bq);
        return EB_ERR_NOMEM;
    }
    const float *bf = bias ? bias->data : NULL;
    for (int64_t c = 0; c < N; c++) {
        float sw = w->quant.scale[w->quant.count > 1 ? c : 0];
        scales[c] = sx * sw / sy;
        bq[c] = bf ? bf[c] / (sx * sw) : 0.f;
    }
    dnnl_primitive_attr_set_output_scales(attr, N, 1 << 1, scales);
    if (zx)
        dnnl_primitive_attr_set_zero_points(attr, DNNL_ARG_SRC, 1, 0, &zx);
    if (zy)
        dnnl_primitive_attr_set_zero_points(attr, DNNL_ARG_DST, 1, 0, &zy);
    if (m->act >= 0 && dnnl_post_ops_create(&po) == dnnl_success) {
        const eb_node *a = &g->nodes[m->act];
        float lo = 0.f, hi = INFINITY;
        if (eb_dnnl__is_op(a, "Clip"))
            eb_dnnl__clip_bounds(g, a, &lo, &hi);
        dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_clip_v2, lo / sy, hi / sy);
        dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_post_ops_destroy(po);
    }
    dnnl_primitive_desc_t pd;
    dnnl_status_t ds = dnnl_primitive_desc_create(&pd, &md, attr, b->c->engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    free(scales);
    if (ds != dnnl_success) {
        free(bq);
        return EB_ERR_UNSUPPORTED;
    }
    eb_status s;
    dnnl_memory_t xm, wm, bm = NULL, ym;
    if ((s = eb_dnnl__src_as(b, m->xq, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &xm)) ||
        (s = eb_dnnl__const_mem(b, w->data, &wu, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &wm)) ||
        (bias && (s = eb_dnnl__const_mem(b, bq, &ba, &ba, &bm))) ||
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

/* Before emitting: DequantizeLinear nodes read only by int8 groups are not
 * needed (the group reads their quantised input). */
void eb_dnnl__skip_group_dqs(builder *b)
{
    const eb_graph *g = b->g;
    for (int i = 0; i < g->n_nodes; i++) {
        const eb_node *d = &g->nodes[i];
        if (!eb_dnnl__is_op(d, "DequantizeLinear") || b->out_idx[d->outputs[0]] >= 0)
            continue;
        int readers = 0, grouped = 0;
        for (int j = 0; j < g->n_nodes; j++)
            for (int k = 0; k < g->nodes[j].n_inputs; k++)
                if (g->nodes[j].inputs[k] == d->outputs[0]) {
                    q8_group m;
                    readers++;
                    grouped += k == 0 && eb_dnnl__match_q8(b, j, &m);
                }
        if (readers && readers == grouped)
            b->skip[i] = 1;
    }
}

