/* Fully connected layers in the simd plan: fp32 Gemm / MatMul with
 * constant weights and the QDQ gemm / matmul groups, run by the GEMM
 * drivers (eb_simd__gemm_op, simd_plan_conv.c). One row of A (batch 1) is a
 * matrix-vector product: stored as a column, it runs on the one-column
 * variants (eb_simd_*_gemm_for). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/simd/simd_plan_impl.h"

/* Gemm (transA 0, alpha 1, beta 1 or no C, C of N values) or MatMul with a
 * constant 2-D B, fp32. */
eb_simd_step *eb_simd__fc_f32(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *a = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 1);
    const eb_tensor *c = eb_node_input(g, n, 2);
    int gemm = strcmp(n->op_type, "Gemm") == 0;
    if (!eb_simd__is_f32(a) || !eb_simd__const_f32(w) || w->rank != 2 || a->rank < 1)
        return NULL;
    int tb = gemm && eb_node_attr_int(n, "transB", 0) != 0;
    if (gemm && (eb_node_attr_int(n, "transA", 0) != 0 || eb_node_attr_float(n, "alpha", 1.0f) != 1.0f ||
                 (c && eb_node_attr_float(n, "beta", 1.0f) != 1.0f) || a->rank != 2))
        return NULL;
    int64_t k = tb ? w->dims[1] : w->dims[0], nn = tb ? w->dims[0] : w->dims[1];
    if (a->dims[a->rank - 1] != k)
        return NULL;
    /* C broadcast along the rows only: [N] or [1, N] */
    if (c && (!eb_simd__const_f32(c) || c->numel != nn || c->rank < 1 || c->rank > 2 ||
              c->dims[c->rank - 1] != nn))
        return NULL;
    int64_t rows = a->numel / k;
    eb_simd_step *s = eb_simd__step_new(b, K_CONV_F32);
    if (!s)
        return NULL;
    /* one row of A (batch 1): the product has one column, whose nn
     * values are contiguous in Y, so it is stored as a column (y_col 1)
     * and runs on the matrix-vector variant (eb_simd_f32_gemm_for) */
    eb_simd_gemm_shape sh = {.batch = 1, .groups = 1, .m = nn, .k = k, .n = rows, .y_row = 1,
                             .y_col = rows == 1 ? 1 : nn};
    eb_simd__geom_matrix(rows, k, &sh.geom);
    if (eb_simd_gemm_f32_init(&s->gf, b->f32k, b->vec, &sh, w->data, tb ? k : 1, tb ? 1 : nn,
                              c ? c->data : NULL, -INFINITY, INFINITY) != 0) {
        eb_simd__step_free(s);
        return NULL;
    }
    eb_simd__need_scratch(b, eb_simd_gemm_f32_scratch(&s->gf));
    snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: fully connected", s->gf.name);
    return s;
}

/* An int8 fully connected step: rows x K activations times centred
 * weights w [K][N] (narrow or not), bias and multipliers of N. One row of
 * A (batch 1) is stored as a column, as eb_simd__fc_f32 does. */
static eb_simd_step *fc_q8(eb_simd_builder *b, const eb_ref_matmul_q8_params *q, int64_t rows)
{
    eb_simd_gemm_shape sh = {.batch = 1, .groups = 1, .m = q->n, .k = q->k, .n = rows,
                             .y_row = 1, .y_col = rows == 1 ? 1 : q->n};
    eb_simd__geom_matrix(rows, q->k, &sh.geom);
    const eb_simd_q8_gemm_variant *k =
        eb_simd_pick_q8_gemm(b->isa, eb_simd_q8_weights_narrow(q->b, q->k * q->n));
    eb_simd_step *s = eb_simd__step_new(b, K_GEMM_Q8);
    if (!s)
        return NULL;
    if (eb_simd_gemm_q8_init(&s->gq, k, b->vec, &sh, q->b, 1, q->n, q->bias, q->mult, q->a_dtype,
                             q->a_zp, q->y_dtype, q->y_zp, q->y_min, q->y_max) != 0) {
        eb_simd__step_free(s);
        return NULL;
    }
    eb_simd__need_scratch(b, eb_simd_gemm_q8_scratch(&s->gq));
    return s;
}

eb_simd_step *eb_simd__gemm_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    const eb_ref_matmul_q8_params *q = f->state;
    eb_simd_step *s = fc_q8(b, q, q->m);
    if (s)
        snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: QDQ %s", s->gq.name, f->kind);
    return s;
}

static int is_q8(const eb_tensor *t)
{
    return t && (t->dtype == EB_DT_U8 || t->dtype == EB_DT_I8);
}

/* QLinearMatMul (the QOperator format's fully connected layer) with a
 * constant 2-D b and constant scales and zero points: a and y per tensor,
 * b per tensor or per column (QLinearMatMul has no axis attribute; a
 * b_scale of N values runs along b's last axis, as ref reads it). a of any
 * rank: its rows are contiguous, so [..., M, K] is rows x K. Parameters
 * made with ref's own helpers (centred weights, the requant_s32.h
 * multiplier), so the result is ref's to the byte. Anything else is
 * ref's. */
eb_simd_step *eb_simd__qlinearmatmul(eb_simd_builder *b, const eb_node *n, char *where)
{
    const eb_graph *g = b->g;
    const eb_tensor *a = eb_node_input(g, n, 0), *w = eb_node_input(g, n, 3);
    const eb_tensor *y = eb_node_output(g, n, 0);
    if (!is_q8(a) || !is_q8(w) || !is_q8(y) || !w->data || w->rank != 2 || a->rank < 1 ||
        a->dims[a->rank - 1] != w->dims[0] || n->n_inputs < 7)
        return NULL;
    for (int k = 1; k < n->n_inputs; k++) {
        const eb_tensor *t = eb_node_input(g, n, k);
        if (k != 3 && t && !t->data)
            return NULL; /* run-time scales or zero points: ref's path */
    }
    const int64_t kk = w->dims[0], nn = w->dims[1];
    eb_ref_qparams aq, wq, yq;
    if (!eb_ref_qparams_const(g, n, 1, 2, a->rank, &aq) ||
        !eb_ref_qparams_const(g, n, 4, 5, 2, &wq) ||
        !eb_ref_qparams_const(g, n, 6, 7, y->rank, &yq) || aq.count != 1 || yq.count != 1 ||
        (wq.count != 1 && wq.count != nn) || !eb_ref_qparams_valid(&aq) ||
        !eb_ref_qparams_valid(&wq) || !eb_ref_qparams_valid(&yq))
        return NULL;
    eb_ref_matmul_q8_params q = {.m = a->numel / kk, .k = kk, .n = nn, .a_dtype = a->dtype,
                                 .y_dtype = y->dtype, .a_zp = eb_ref_qp_zp(&aq, 0),
                                 .y_zp = eb_ref_qp_zp(&yq, 0)};
    if (!eb_ref_q8_range(y->dtype, &q.y_min, &q.y_max))
        return NULL;
    int16_t *wc = malloc((size_t)w->numel * sizeof *wc + 1);
    float *mult = malloc((size_t)nn * sizeof *mult + 1);
    eb_simd_step *s = NULL;
    if (wc && mult) {
        /* zero points run along the columns: w is [K][N] */
        eb_ref_q8_center(w->data, w->dtype, kk, nn, 1, &wq, wc);
        for (int64_t c = 0; c < nn; c++)
            mult[c] = eb_ref_requant_multiplier(aq.scale[0], eb_ref_qp_scale(&wq, c),
                                                yq.scale[0]);
        q.b = wc;
        q.mult = mult;
        /* the GEMM keeps its own packed copies of weights and multipliers */
        s = fc_q8(b, &q, q.m);
    }
    free(wc);
    free(mult);
    if (s)
        snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: QLinearMatMul", s->gq.name);
    return s;
}
