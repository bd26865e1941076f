/* Fused QDQ convolution: DQ(x) + DQ(w) [+ bias] -> Conv [-> Relu|Clip] -> Q
 * run as eb_ref_conv_q8 from x_q to y_q (see ref_fuse_qdq.h). Weights are
 * centred, multipliers and the bias computed once here. */
#include <stdlib.h>

#include "backends/ref/ref_fuse_qdq.h"

typedef struct fused_conv {
    eb_ref_conv_q8_params p;
    int16_t *w;
    int32_t *bias;
    float *mult;
} fused_conv;

static void release(void *state)
{
    fused_conv *s = state;
    if (!s)
        return;
    free(s->w);
    free(s->bias);
    free(s->mult);
    free(s);
}

static eb_status run(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const fused_conv *s = x->state;
    eb_ref_conv_q8(&s->p, x->in[0]->data, x->out[0]->data, x->scratch);
    return EB_OK;
}

static const eb_ref_op fused_conv_op = {
    .op_type = "QDQ Conv", .run = run, .release = release};

eb_status eb_ref_fused_conv_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                  const eb_ref_op **op, void **state, size_t *scratch,
                                  char *msg, size_t len)
{
    const eb_tensor *x = &g->tensors[m->x_tensor[0]];
    const eb_tensor *w = eb_node_input(g, m->dq_w, 0);
    const eb_node *n = m->anchor;
    char why[256];
    fused_conv *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    eb_ref_conv_q8_params *p = &s->p;
    if (eb_window_resolve(g, n, x, w, &p->win, why, sizeof why) != EB_OK) {
        release(s);
        return EB_ERR_UNSUPPORTED; /* the unfused Conv will report it */
    }
    p->batch = x->dims[0];
    p->in_channels = x->dims[1];
    p->out_channels = w->dims[0];
    p->group = eb_node_attr_int(n, "group", 1);
    if (p->group < 1 || p->in_channels % p->group || p->out_channels % p->group ||
        w->dims[1] * p->group != p->in_channels) {
        release(s);
        return EB_ERR_UNSUPPORTED;
    }
    int64_t mc = p->out_channels;
    s->w = malloc((size_t)w->numel * sizeof *s->w + 1);
    s->mult = malloc((size_t)mc * sizeof *s->mult + 1);
    s->bias = m->bias ? malloc((size_t)mc * sizeof *s->bias + 1) : NULL;
    if (!s->w || !s->mult || (m->bias && !s->bias))
        goto nomem;
    if (m->bias && !eb_ref_fused_bias(g, m, mc, s->bias)) {
        release(s);
        return EB_ERR_UNSUPPORTED;
    }
    eb_ref_q8_center(w->data, w->dtype, 1, mc, w->numel / mc, &m->wq, s->w);
    for (int64_t c = 0; c < mc; c++)
        s->mult[c] = eb_ref_requant_multiplier(m->xq[0].scale[0], eb_ref_qp_scale(&m->wq, c),
                                               m->yq.scale[0]);
    p->x_dtype = x->dtype;
    p->x_zp = eb_ref_qp_zp(&m->xq[0], 0);
    p->w = s->w;
    p->bias = s->bias;
    p->mult = s->mult;
    p->y_dtype = m->y_dtype;
    p->y_zp = eb_ref_qp_zp(&m->yq, 0);
    p->y_min = m->y_min;
    p->y_max = m->y_max;
    *op = &fused_conv_op;
    *state = s;
    *scratch = eb_ref_conv_q8_scratch_bytes(p);
    return EB_OK;
nomem:
    release(s);
    EB_REF_FAIL(msg, len, n, "out of memory fusing the QDQ group");
    return EB_ERR_NOMEM;
}
