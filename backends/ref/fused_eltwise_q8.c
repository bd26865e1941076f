/* Fused QDQ groups without weights (see ref_fuse_qdq.h):
 *   add      DQ(a) + DQ(b) -> Add [-> Relu|Clip] -> Q      eb_ref_add_q8
 *   maxpool  DQ(x) -> MaxPool -> Q, same parameters        eb_ref_maxpool_q8
 *   relu     DQ(x) -> Relu -> Q, same parameters           y = max(x, zp)
 *   reshape  DQ(x) -> Reshape & co -> Q, same parameters   a copy
 * The last three are exact: Q(DQ(q)) == q when the parameters agree (the
 * float round trip errs by far less than half a step), and max / copying
 * commute with the monotone DQ. */
#include <stdlib.h>
#include <string.h>

#include "backends/ref/ref_fuse_qdq.h"

typedef struct fused_eltwise {
    eb_ref_add_q8_params add;
    eb_ref_maxpool_q8_params pool;
    int64_t count;
    eb_dtype dtype;
    int32_t zp;
} fused_eltwise;

static void release(void *state) { free(state); }

static eb_status run_add(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const fused_eltwise *s = x->state;
    eb_ref_add_q8(&s->add, x->in[0]->data, x->in[1]->data, x->out[0]->data);
    return EB_OK;
}

static eb_status run_maxpool(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const fused_eltwise *s = x->state;
    eb_ref_maxpool_q8(&s->pool, x->in[0]->data, x->out[0]->data);
    return EB_OK;
}

static eb_status run_relu(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    const fused_eltwise *s = x->state;
    const void *in = x->in[0]->data;
    void *out = x->out[0]->data;
    for (int64_t i = 0; i < s->count; i++) {
        int32_t v = eb_ref_q8_get(in, s->dtype, i);
        eb_ref_q8_put(out, s->dtype, i, v > s->zp ? v : s->zp);
    }
    return EB_OK;
}

static eb_status run_copy(const eb_ref_exec *x, char *msg, size_t len)
{
    (void)msg;
    (void)len;
    if (x->out[0]->nbytes)
        memcpy(x->out[0]->data, x->in[0]->data, x->out[0]->nbytes);
    return EB_OK;
}

static const eb_ref_op add_op = {.op_type = "QDQ Add", .run = run_add, .release = release};
static const eb_ref_op pool_op = {.op_type = "QDQ MaxPool", .run = run_maxpool, .release = release};
static const eb_ref_op relu_op = {.op_type = "QDQ Relu", .run = run_relu, .release = release};
static const eb_ref_op copy_op = {.op_type = "QDQ Reshape", .run = run_copy, .release = release};

eb_status eb_ref_fused_eltwise_build(const eb_graph *g, const eb_ref_qdq_match *m,
                                     const eb_ref_op **op, void **state, size_t *scratch,
                                     char *msg, size_t len)
{
    const eb_node *n = m->anchor;
    const eb_tensor *x = &g->tensors[m->x_tensor[0]];
    fused_eltwise *s = calloc(1, sizeof *s);
    if (!s) {
        EB_REF_FAIL(msg, len, n, "out of memory fusing the QDQ group");
        return EB_ERR_NOMEM;
    }
    *scratch = 0;
    s->count = x->numel;
    s->dtype = x->dtype;
    s->zp = eb_ref_qp_zp(&m->xq[0], 0);
    if (strcmp(n->op_type, "Add") == 0) {
        const eb_tensor *b = &g->tensors[m->x_tensor[1]];
        eb_ref_add_q8_params *p = &s->add;
        p->count = x->numel;
        p->a_dtype = x->dtype;
        p->b_dtype = b->dtype;
        p->y_dtype = m->y_dtype;
        p->a_zp = s->zp;
        p->b_zp = eb_ref_qp_zp(&m->xq[1], 0);
        p->y_zp = eb_ref_qp_zp(&m->yq, 0);
        p->y_min = m->y_min;
        p->y_max = m->y_max;
        p->a_mult = m->xq[0].scale[0] / m->yq.scale[0];
        p->b_mult = m->xq[1].scale[0] / m->yq.scale[0];
        *op = &add_op;
    } else if (strcmp(n->op_type, "MaxPool") == 0) {
        char why[256];
        if (eb_window_resolve(g, n, x, NULL, &s->pool.win, why, sizeof why) != EB_OK) {
            free(s);
            return EB_ERR_UNSUPPORTED;
        }
        s->pool.batch = x->dims[0];
        s->pool.channels = x->dims[1];
        s->pool.dtype = x->dtype;
        *op = &pool_op;
    } else if (strcmp(n->op_type, "Relu") == 0) {
        *op = &relu_op;
    } else {
        *op = &copy_op;
    }
    *state = s;
    return EB_OK;
}
