/* Fully connected layers in the simd plan: fp32 Gemm / MatMul with
 * constant weights and the QDQ gemm / matmul groups, run by the GEMM
 * drivers (eb_simd__gemm_op, simd_plan_conv.c). One row of A (batch 1) is a
 * matrix-vector product: stored as a column, it runs on the one-column
 * variants (eb_simd_*_gemm_for). */
#include <math.h>
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

eb_simd_step *eb_simd__gemm_q8_group(eb_simd_builder *b, const eb_ref_fused *f, char *where)
{
    const eb_ref_matmul_q8_params *q = f->state;
    /* one row of A: stored as a column, as eb_simd__fc_f32 does */
    eb_simd_gemm_shape sh = {.batch = 1, .groups = 1, .m = q->n, .k = q->k, .n = q->m,
                             .y_row = 1, .y_col = q->m == 1 ? 1 : q->n};
    eb_simd__geom_matrix(q->m, q->k, &sh.geom);
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
    snprintf(where, EB_SIMD_WHERE_LEN, "simd %s: QDQ %s", s->gq.name, f->kind);
    return s;
}
