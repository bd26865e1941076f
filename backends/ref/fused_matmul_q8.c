/* Fused QDQ Gemm / MatMul: DQ(a) + DQ(b const) [+ bias] -> Gemm|MatMul
 * [-> Relu|Clip] -> Q run as eb_ref_matmul_q8 (see ref_fuse_qdq.h). B is
 * centred into [K][N] whatever transB says, so one kernel serves both. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_fuse_qdq.h"

typedef struct fused_matmul {
    eb_ref_matmul_q8_params p; /* p.m: every row of a, batch dims included */
    int16_t *b;
    int32_t *bias;
    float *mult;
} fused_matmul;

static void release(void *state)
{
    fused_matmul *s = state;
    if (!s)
        return;
    free(s->b);
    free(s->bias);
    free(s->mult);
    free(s);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const fused_matmul *s = x->state;
    eb_ref_matmul_q8(&s->p, x->in[0]->data, x->out[0]->data);
    return EB_OK;
}

static const eb_ref_op fused_matmul_op = {
    .op_type = "QDQ MatMul", .run = run, .release = release};

eb_status eb_ref_fused_matmul_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                    const eb_ref_op **op, void **state, size_t *scratch,
                                    char *msg, size_t len)
{
    const eb_tensor *a = &g->tensors[m->x_tensor[0]];
    const eb_tensor *w = eb_node_input(g, m->dq_w, 0);
    const eb_node *n = m->anchor;
    int trans_b = strcmp(n->op_type, "Gemm") == 0 && eb_node_attr_int(n, "transB", 0) != 0;
    int64_t k = trans_b ? w->dims[1] : w->dims[0], nc = trans_b ? w->dims[0] : w->dims[1];
    if (a->dims[a->rank - 1] != k)
        return EB_ERR_UNSUPPORTED;
    fused_matmul *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->b = malloc((size_t)(k * nc) * sizeof *s->b + 1);
    s->mult = malloc((size_t)nc * sizeof *s->mult + 1);
    s->bias = m->bias ? malloc((size_t)nc * sizeof *s->bias + 1) : NULL;
    if (!s->b || !s->mult || (m->bias && !s->bias))
        goto nomem;
    if (m->bias && !eb_ref_fused_bias(g, m, nc, s->bias)) {
        release(s);
        return EB_ERR_UNSUPPORTED;
    }
    for (int64_t kk = 0; kk < k; kk++)
        for (int64_t j = 0; j < nc; j++) {
            int64_t src = trans_b ? j * k + kk : kk * nc + j;
            s->b[kk * nc + j] =
                (int16_t)(eb_ref_q8_get(w->data, w->dtype, src) - eb_ref_qp_zp(&m->wq, j));
        }
    for (int64_t j = 0; j < nc; j++)
        s->mult[j] = eb_ref_requant_multiplier(m->xq[0].scale[0], eb_ref_qp_scale(&m->wq, j),
                                               m->yq.scale[0]);
    eb_ref_matmul_q8_params *p = &s->p;
    p->m = a->numel / k;
    p->k = k;
    p->n = nc;
    p->a_dtype = a->dtype;
    p->a_zp = eb_ref_qp_zp(&m->xq[0], 0);
    p->b = s->b;
    p->bias = s->bias;
    p->mult = s->mult;
    p->y_dtype = m->y_dtype;
    p->y_zp = eb_ref_qp_zp(&m->yq, 0);
    p->y_min = m->y_min;
    p->y_max = m->y_max;
    *op = &fused_matmul_op;
    *state = s;
    *scratch = 0;
    return EB_OK;
nomem:
    release(s);
    EB_REF_FAIL(msg, len, n, "out of memory fusing the QDQ group");
    return EB_ERR_NOMEM;
}
